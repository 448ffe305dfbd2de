"""Main window commands on the current page (apply, revert, reload) and device actions
(arguments, confirmation of dangerous actions, progress and result in the event log)."""

from __future__ import annotations

from typing import Any

from ...core.device import ActionSpec
from ...core.errors import ConfiguratorError
from ...core.events import Severity
from ...services.sessions import DeviceSession
from ..messages import user_message


def short(value: Any, limit: int = 80) -> str:
    """A result as one short line for the status bar and the event log."""
    text = str(value)
    return text if len(text) < limit else text[:limit - 3] + "…"


class WindowCommands:
    """Mixin of ``MainWindow``: runs the editor commands and device actions as tasks."""

    def _editor(self) -> Any:
        """The form or table shown in the current capability view, if any."""
        view = self.current_view()
        if view is None or not view.tabs.count():
            return None
        return view.tabs.currentWidget()

    def _spawn_on_editor(self, method: str, name: str) -> None:
        """Run ``editor.<method>()`` of the current editor as a task of its device."""
        editor = self._editor()
        if editor is not None:
            self.spawn(getattr(editor, method)(), owner=editor.ctx.session.key, name=name)

    def apply_current(self) -> None:
        self._spawn_on_editor("apply", "apply")

    def revert_current(self) -> None:
        editor = self._editor()
        if editor is not None:
            editor.revert()

    def reload_current(self) -> None:
        self._spawn_on_editor("load", "reload")

    async def run_action(self, session: DeviceSession, action: ActionSpec) -> Any:
        """Arguments, confirmation for dangerous actions, progress and result."""
        device = session.device
        if device is None:
            self.status(f"{session.title} is not connected")
            return None
        args: dict[str, Any] = {}
        if action.params:
            answer = await self.prompter.action_args(self, session.title, action)
            if answer is None:
                return None
            args = answer
        if action.dangerous and not await self.prompter.confirm_action(self, session.title,
                                                                       action):
            self.status(f"{action.label} cancelled")
            return None
        self.status(f"{action.label} on {session.title}…", 0)
        try:
            async with self.manager.busy(session):
                result = await device.run_action(action.id, args)
        except ConfiguratorError as exc:
            text = f"{action.label} failed: {user_message(exc, session.entry.address)}"
            self.status(text)
            self.live.note(session.entry.address, text, Severity.ERROR, type_="ActionFailed")
            return None
        text = f"{action.label} on {session.title}: done" + (
            f" ({short(result)})" if result not in (None, "", {}, []) else "")
        self.status(text)
        self.live.note(session.entry.address, text, type_="ActionDone")
        return result
