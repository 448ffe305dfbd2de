"""Commands on the current page (apply, revert, reload) and device actions (arguments,
confirmation of dangerous actions, progress and result in the event log)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from ...core.device import ActionSpec
from ...core.errors import ConfiguratorError
from ...core.events import Severity
from ...services.sessions import DeviceSession
from ..context import WindowContext
from ..editors.capability_view import CapabilityView
from ..editors.settings_form import PageForm
from ..editors.table_editor import TableEditor
from ..i18n import param_text
from ..messages import user_message


def short(value: Any, limit: int = 80) -> str:
    """A result as one short line for the status bar and the event log."""
    text = str(value)
    return text if len(text) < limit else text[:limit - 3] + "…"


class CommandControl(QObject):
    """Runs the editor commands and device actions as tasks; ``current_view`` gives the
    capability view shown in the centre."""

    def __init__(self, ctx: WindowContext,
                 current_view: Callable[[], CapabilityView | None]) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.current_view = current_view

    def _editor(self) -> Any:
        """The form or table shown in the current capability view, if any."""
        view = self.current_view()
        if view is not None and view.config_file is not None:
            return view.config_file  # Apply = upload, Revert, Reload = download again
        if view is None or not view.tabs.count():
            return None
        widget = view.tabs.currentWidget()
        # apply/revert/reload are commands of forms and tables (not of the maintenance page)
        return widget if isinstance(widget, PageForm | TableEditor) else None

    def _spawn_on_editor(self, method: str, name: str) -> None:
        """Run ``editor.<method>()`` of the current editor as a task of its device."""
        editor = self._editor()
        if editor is not None:
            self.ctx.spawn(getattr(editor, method)(), owner=editor.ctx.session.key, name=name)

    def apply_current(self) -> None:
        self._spawn_on_editor("apply", "apply")

    def revert_current(self) -> None:
        editor = self._editor()
        if editor is not None:
            editor.revert()

    def reload_current(self) -> None:
        self._spawn_on_editor("load", "reload")

    def spawn_action(self, session: DeviceSession, action: ActionSpec) -> None:
        """Run a device action as a task of its device."""
        self.ctx.spawn(self.run_action(session, action), owner=session.key, name=action.id)

    async def run_action(self, session: DeviceSession, action: ActionSpec) -> Any:
        """Arguments, confirmation for dangerous actions, progress and result."""
        ctx = self.ctx
        device = session.device
        if device is None:
            ctx.status(self.tr("{title} is not connected").format(title=session.title))
            return None
        args: dict[str, Any] = {}
        if action.params:
            answer = await ctx.prompter.action_args(ctx.window, session.title, action)
            if answer is None:
                return None
            args = answer
        if action.dangerous and not await ctx.prompter.confirm_action(ctx.window,
                                                                      session.title, action):
            ctx.status(self.tr("{action} cancelled").format(action=param_text(action.label)))
            return None
        ctx.status(self.tr("{action} on {device}…").format(action=param_text(action.label),
                                                        device=session.title), 0)
        try:
            async with ctx.manager.busy(session):
                result = await device.run_action(action.id, args)
        except ConfiguratorError as exc:
            text = self.tr("{action} failed: {message}").format(
                action=param_text(action.label), message=user_message(exc, session.entry.address))
            ctx.status(text)
            ctx.live.note(session.entry.address, text, Severity.ERROR, type_="ActionFailed")
            return None
        text = self.tr("{action} on {device}: done").format(
            action=param_text(action.label), device=session.title) + (
            f" ({short(result)})" if result not in (None, "", {}, []) else "")
        ctx.status(text)
        ctx.live.note(session.entry.address, text, type_="ActionDone")
        return result
