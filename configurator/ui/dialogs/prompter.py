"""Questions the program asks the user, behind one small interface.

``QtPrompter`` shows dialogs (non-blocking, awaited); ``AutoPrompter`` answers by itself and
records what it was asked (tests, screenshots, demo certificate trust).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from ...core.device import ActionSpec
from ...core.errors import short_fingerprint
from ..i18n import param_text, translate
from .awaitable import (
    ArgsDialog,
    ConfirmDialog,
    DiffDialog,
    DiffRow,
    needs_typed_confirmation,
    run_dialog,
)


class Prompter:
    async def confirm_changes(self, parent: QWidget | None, title: str,
                              rows: Sequence[DiffRow]) -> bool:
        raise NotImplementedError

    async def confirm_action(self, parent: QWidget | None, device_title: str,
                             action: ActionSpec) -> bool:
        raise NotImplementedError

    async def action_args(self, parent: QWidget | None, device_title: str,
                          action: ActionSpec) -> dict[str, Any] | None:
        raise NotImplementedError

    async def trust_certificate(self, key: str, fingerprint: str) -> bool:
        raise NotImplementedError

    async def accept_new_certificate(self, host: str, pinned: str, presented: str) -> bool:
        raise NotImplementedError

    async def confirm_quit(self, parent: QWidget | None, pending: Sequence[str]) -> bool:
        """Quit although the ``pending`` pages ("Door: Relays") hold changes not applied?"""
        raise NotImplementedError


class QtPrompter(Prompter):
    def __init__(self, window: QWidget | None = None) -> None:
        self.window = window

    async def confirm_changes(self, parent, title, rows):
        dialog = DiffDialog(title, rows, parent or self.window)
        return await run_dialog(dialog) == QDialog.DialogCode.Accepted

    async def confirm_action(self, parent, device_title, action):
        label = param_text(action.label)
        text = param_text(action.confirm_text) or translate(
            "QtPrompter", "Run “{action}” on {device}?").format(action=label, device=device_title)
        phrase = device_title if needs_typed_confirmation(action) else ""
        dialog = ConfirmDialog(label, text, phrase=phrase, ok_text=label,
                               parent=parent or self.window)
        return await run_dialog(dialog) == QDialog.DialogCode.Accepted

    async def action_args(self, parent, device_title, action):
        dialog = ArgsDialog(action, device_title, parent or self.window)
        if await run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return None
        return dialog.form.values()

    async def trust_certificate(self, key, fingerprint):
        dialog = ConfirmDialog(
            translate("QtPrompter", "New TLS certificate"),
            translate("QtPrompter", "<b>{key}</b> presents a certificate this computer has not "
                      "seen before.<br><br>SHA-256 fingerprint:<br><tt>{fingerprint}</tt><br><br>"
            "Trust it? It will be remembered and any later change will be reported.").format(
                key=key, fingerprint=fingerprint),
            ok_text=translate("QtPrompter", "Trust certificate"), parent=self.window)
        return await run_dialog(dialog) == QDialog.DialogCode.Accepted

    async def accept_new_certificate(self, host, pinned, presented):
        dialog = ConfirmDialog(
            translate("QtPrompter", "TLS certificate changed"),
            translate("QtPrompter", "<b>{host}</b> now presents a different certificate.<br>"
            "Pinned: <tt>{pinned}</tt><br>"
            "Now: <tt>{presented}</tt><br><br>This happens after a firmware update or a "
            "factory reset - or when someone is intercepting the connection. Accept the new "
            "certificate only if you know why it changed.").format(
                host=host, pinned=short_fingerprint(pinned), presented=presented),
            phrase="", ok_text=translate("QtPrompter", "Accept new certificate"),
            parent=self.window)
        return await run_dialog(dialog) == QDialog.DialogCode.Accepted


    async def confirm_quit(self, parent, pending):
        listed = "".join(f"<li>{escape(page)}</li>" for page in pending)
        text = translate("QtPrompter", "<b>These changes were not applied to the devices:</b>"
                         "<ul>{pages}</ul>They are kept as drafts on this computer and come "
                         "back the next time you open the page.").format(pages=listed)
        dialog = ConfirmDialog(translate("QtPrompter", "Quit configurator"), text,
                               ok_text=translate("QtPrompter", "Quit"),
                               parent=parent or self.window)
        return await run_dialog(dialog) == QDialog.DialogCode.Accepted


class AutoPrompter(Prompter):
    """Answers every question with ``answer`` (quitting: with ``quit``) and records the
    questions."""

    def __init__(self, answer: bool = True, args: dict[str, Any] | None = None,
                 quit: bool = True) -> None:
        self.answer = answer
        self.quit = quit
        self.args = args or {}
        self.asked: list[tuple[str, Any]] = []

    async def confirm_changes(self, parent, title, rows):
        self.asked.append(("changes", list(rows)))
        return self.answer

    async def confirm_action(self, parent, device_title, action):
        self.asked.append(("action", action.id))
        return self.answer

    async def action_args(self, parent, device_title, action):
        self.asked.append(("args", action.id))
        return dict(self.args) if self.answer else None

    async def trust_certificate(self, key, fingerprint):
        self.asked.append(("trust", key))
        return self.answer

    async def accept_new_certificate(self, host, pinned, presented):
        self.asked.append(("new certificate", host))
        return self.answer

    async def confirm_quit(self, parent, pending):
        self.asked.append(("quit", list(pending)))
        return self.quit
