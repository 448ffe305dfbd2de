"""What an editor needs from the application: the session, services and the prompter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ...services.drafts import DraftStore
from ...services.sessions import DeviceSession, SessionManager
from ...services.site_ops.results import KeyChange, RowChange
from ...services.tasks import TaskRegistry
from ..dialogs.prompter import Prompter


@dataclass
class EditorContext:
    session: DeviceSession
    manager: SessionManager
    tasks: TaskRegistry
    prompter: Prompter
    drafts: DraftStore | None = None
    status: Callable[[str], None] = lambda text: None
    # Called with the page id after settings of the session's device were written.
    applied: Callable[[str], None] = lambda page_id: None
    # Called with the page or table id and what was changed on the device, key by key or
    # row by row (the audit trail: the window publishes them as ``audit`` events).
    audited: Callable[[str, Sequence[KeyChange | RowChange]], None] = \
        lambda page_id, changes: None

    def spawn(self, coro, name: str = ""):
        return self.tasks.spawn(self.session.key, coro, name=name)
