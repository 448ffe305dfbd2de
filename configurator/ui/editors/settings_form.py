"""Settings form generated at run time from a SettingsPage.

Groups by ``spec.group``; basic settings first, advanced/debug ones in a collapsible section;
status values read-only. Apply = diff preview, ``write_page`` with only the changed keys, then
every field shows applied / rejected (device message) / not verified. A failed apply never
leaves the form pretending success: the fields stay changed and say why.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.device import WriteOutcome
from ...core.errors import ConfiguratorError
from ...core.params import Category, Kind, ParamSpec, SettingsPage
from ...core.registration import SipRegistration
from ...services.site_ops.apply import site_outcome
from ...services.site_ops.results import KeyChange, KeyOutcome
from ..devices.registration_words import state_words
from ..dialogs.awaitable import DiffRow
from ..i18n import param_text
from ..icons import icon
from ..palette import fg_css
from ..widgets import Banner
from .context import EditorContext
from .field_row import FieldRow
from .links import edit_elsewhere_button

log = logging.getLogger("configurator.ui.editors.settings_form")

LABEL_MAX_WIDTH = 240


# The outcome words of an apply summary ("2 applied, 1 rejected"), for the catalogue.
OUTCOME_WORDS = {
    "applied": QT_TRANSLATE_NOOP("PageForm", "applied"),
    "rejected": QT_TRANSLATE_NOOP("PageForm", "rejected"),
    "not verified": QT_TRANSLATE_NOOP("PageForm", "not verified"),
    "skipped": QT_TRANSLATE_NOOP("PageForm", "skipped"),
    "read-only": QT_TRANSLATE_NOOP("PageForm", "read-only"),
}


class PageForm(QWidget):
    dirty_changed = Signal(bool)
    capability_requested = Signal(str)  # page.edited_in: where these settings are changed

    def __init__(self, page: SettingsPage, ctx: EditorContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.page = page
        self.ctx = ctx
        self.rows: dict[str, FieldRow] = {}
        self.loaded = False
        self.busy = False
        self._registrations: tuple[SipRegistration, ...] = ()
        self._refreshing = False
        self._was_dirty = False
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(800)
        self._draft_timer.timeout.connect(self.save_draft)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        self.banner = Banner(self)
        outer.addWidget(self.banner)
        if page.help:
            help_label = QLabel(param_text(page.help), self)
            help_label.setWordWrap(True)
            help_label.setStyleSheet(f"color: {fg_css('#546e7a')}; padding: 0 4px;")
            outer.addWidget(help_label)
        self.edit_elsewhere_button: QPushButton | None = None
        if page.edited_in:
            self.edit_elsewhere_button = edit_elsewhere_button(self, page.edited_in)
            self.edit_elsewhere_button.clicked.connect(
                lambda: self.capability_requested.emit(page.edited_in))
            line = QHBoxLayout()
            line.setContentsMargins(4, 0, 4, 0)
            line.addWidget(self.edit_elsewhere_button)
            line.addStretch(1)
            outer.addLayout(line)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        content = QWidget(scroll)
        self.content_layout = QVBoxLayout(content)
        self.content_layout.setContentsMargins(4, 4, 12, 4)
        self.content_layout.setSpacing(10)
        scroll.setWidget(content)
        outer.addWidget(scroll, 1)

        basic = [p for p in page.params if p.category in (Category.BASIC, Category.STATUS)]
        advanced = [p for p in page.params if p.category in (Category.ADVANCED, Category.DEBUG)]
        label_width = self._label_width(page.params)
        self._add_groups(content, self.content_layout, basic, label_width)
        self.advanced_toggle: QToolButton | None = None
        self.advanced_box: QWidget | None = None
        if advanced:
            toggle = QToolButton(content)
            toggle.setText(self.tr("Advanced settings ({n_advanced})").format(
                n_advanced=len(advanced)))
            toggle.setCheckable(True)
            toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            toggle.setArrowType(Qt.ArrowType.RightArrow)
            toggle.setStyleSheet("QToolButton { border: none; font-weight: bold; }")
            box = QWidget(content)
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.setSpacing(10)
            self._add_groups(box, box_layout, advanced, label_width)
            box.hide()
            toggle.toggled.connect(self._toggle_advanced)
            self.content_layout.addWidget(toggle)
            self.content_layout.addWidget(box)
            self.advanced_toggle, self.advanced_box = toggle, box
        self.content_layout.addStretch(1)

        bar = QHBoxLayout()
        bar.setContentsMargins(4, 0, 4, 4)
        self.reload_button = QPushButton(icon("refresh"), self.tr("Reload"), self)
        self.reload_button.setToolTip(self.tr("Read the settings from the device again (F5)"))
        self.summary = QLabel(self)
        self.summary.setStyleSheet(f"color: {fg_css('#546e7a')};")
        self.revert_button = QPushButton(icon("revert"), self.tr("Revert"), self)
        self.revert_button.setToolTip(self.tr("Discard the changes on this page"))
        self.apply_button = QPushButton(icon("apply"), self.tr("Apply…"), self)
        self.apply_button.setToolTip(
            self.tr("Preview and write the changed settings (Ctrl+Return)"))
        self.apply_button.setDefault(True)
        bar.addWidget(self.reload_button)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.apply_button)
        outer.addLayout(bar)
        self.reload_button.clicked.connect(lambda: self.ctx.spawn(self.load(), "reload"))
        self.revert_button.clicked.connect(self.revert)
        self.apply_button.clicked.connect(lambda: self.ctx.spawn(self.apply(), "apply"))
        self._update_buttons()

    # -- building -------------------------------------------------------------------------
    def _label_width(self, specs: tuple[ParamSpec, ...]) -> int:
        metrics = QFontMetrics(self.font())
        widest = max((metrics.horizontalAdvance(param_text(p.label) + ":") for p in specs),
                     default=80)
        return min(widest + 12, LABEL_MAX_WIDTH)

    def _add_groups(self, parent: QWidget, layout: QVBoxLayout, specs: list[ParamSpec],
                    label_width: int) -> None:
        groups: dict[str, list[ParamSpec]] = {}
        for spec in specs:
            groups.setdefault(param_text(spec.group or self.page.title), []).append(spec)
        for group, members in groups.items():
            box = QGroupBox(group, parent)
            grid = QGridLayout(box)
            grid.setColumnMinimumWidth(0, label_width)
            grid.setColumnStretch(3, 1)  # editors keep their size; the marker sits beside them
            grid.setHorizontalSpacing(10)
            grid.setVerticalSpacing(3)
            row = 0
            for spec in members:
                field = FieldRow(spec, box)
                field.label.setFixedWidth(label_width)
                row = field.place(grid, row)
                field.changed.connect(self._on_change)
                if spec.category is Category.STATUS:
                    field.editor.set_read_only(True)
                self.rows[spec.key] = field
            layout.addWidget(box)

    def _toggle_advanced(self, shown: bool) -> None:
        assert self.advanced_toggle is not None and self.advanced_box is not None
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if shown
                                          else Qt.ArrowType.RightArrow)
        self.advanced_box.setVisible(shown)

    def show_advanced(self, shown: bool = True) -> None:
        if self.advanced_toggle is not None:
            self.advanced_toggle.setChecked(shown)

    # -- state ----------------------------------------------------------------------------
    def dirty_rows(self) -> list[FieldRow]:
        return [r for r in self.rows.values() if r.dirty]

    @property
    def dirty(self) -> bool:
        return any(r.dirty for r in self.rows.values())

    def invalid_rows(self) -> list[FieldRow]:
        return [r for r in self.rows.values() if r.error]

    def _on_change(self) -> None:
        self._update_buttons()
        if self.banner.holds is not None:  # the invalid-values message follows the values
            invalid = self.invalid_rows()
            self._report_invalid(invalid) if invalid else self.banner.clear()

    def _report_invalid(self, invalid: list[FieldRow]) -> None:
        first = invalid[0]
        self.banner.error(self.tr("{n_invalid} value(s) are invalid — {label}: "
                          "{error}").format(
                              n_invalid=len(invalid), label=param_text(first.spec.label),
                              error=first.error), holds=lambda: bool(self.invalid_rows()))
        self._draft_timer.start()

    def _update_buttons(self) -> None:
        dirty = self.dirty_rows()
        invalid = self.invalid_rows()
        self.apply_button.setEnabled(bool(dirty) and not invalid and not self.busy
                                     and self.loaded)
        self.revert_button.setEnabled(bool(dirty) and not self.busy)
        self.reload_button.setEnabled(not self.busy)
        if invalid:
            self.summary.setText(self.tr("{n_invalid} invalid value(s) — fix them to apply").format(
                n_invalid=len(invalid)))
            self.summary.setStyleSheet(f"color: {fg_css('#c0392b')};")
        elif dirty:
            self.summary.setText(self.tr("{n_dirty} unsaved change(s)").format(n_dirty=len(dirty)))
            self.summary.setStyleSheet(f"color: {fg_css('#2874a6')};")
        else:
            self.summary.setText("")
        is_dirty = bool(dirty)
        if is_dirty != self._was_dirty:
            self._was_dirty = is_dirty
            self.dirty_changed.emit(is_dirty)

    def revert(self) -> None:
        for row in self.rows.values():
            row.set_baseline(row.baseline)
            row.set_outcome("")
        self.banner.clear()
        self._update_buttons()
        self.save_draft()

    def save_draft(self) -> None:
        if self.ctx.drafts is None or not self.loaded:
            return
        changes = {r.key: r.typed for r in self.dirty_rows() if not r.error}
        self.ctx.drafts.save(self.ctx.session.key, self.page, changes)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update_buttons()

    # -- device I/O -----------------------------------------------------------------------
    async def load(self) -> bool:
        """Read the page from the device; keeps the user's unsaved edits."""
        device = self.ctx.session.device
        if device is None:
            self.banner.error(self.tr("The device is not connected."))
            return False
        self.set_busy(True)
        self.banner.info(self.tr("Reading {title}…").format(title=param_text(self.page.title)))
        edits = {r.key: r.editor.raw() for r in self.dirty_rows()}
        try:
            async with self.ctx.manager.busy(self.ctx.session):
                values = await device.read_page(self.page.id)
        except ConfiguratorError as exc:
            self.banner.error(self.tr("Cannot read {title}: {exc}").format(
                title=param_text(self.page.title), exc=exc))
            return False
        except Exception as exc:  # a driver bug must not surface as a traceback
            log.exception("reading %s failed", self.page.id)
            self.banner.error(self.tr("Cannot read {title}: internal error ({exc})").format(
                title=param_text(self.page.title), exc=exc))
            return False
        finally:
            self.set_busy(False)
        first = not self.loaded
        for key, row in self.rows.items():
            row.set_baseline(values.get(key))
        self.loaded = True
        for key, raw in edits.items():
            self.rows[key].set_value(raw)
        self.show_registrations(self._registrations)
        restored = self._restore_drafts() if first else 0
        if restored:
            self.banner.warning(self.tr("Restored {restored} unsaved change(s) from autosave — "
                                "review and apply, or revert.").format(restored=restored))
        else:
            self.banner.clear()
        self._update_buttons()
        return True

    def _restore_drafts(self) -> int:
        if self.ctx.drafts is None:
            return 0
        count = 0
        for key, value in self.ctx.drafts.load(self.ctx.session.key, self.page).items():
            row = self.rows.get(key)
            if row is not None and not row.spec.read_only:
                row.set_value(value)
                count += row.dirty
        return count

    @property
    def has_status(self) -> bool:
        """Whether the page shows values the device changes by itself (status fields)."""
        return any(r.spec.category is Category.STATUS for r in self.rows.values())

    async def refresh_status(self) -> bool:
        """Read the page again quietly and update only its status fields (a switch went on);
        the user's edits, the banner and the buttons stay as they are. Returns whether the
        values were read (a failed read leaves the last ones, the next event tries again)."""
        device = self.ctx.session.device
        if (device is None or not self.loaded or self.busy or self._refreshing
                or not self.has_status):
            return False
        self._refreshing = True
        try:
            values = await device.read_page(self.page.id)
        except ConfiguratorError as exc:
            log.debug("status of %s not refreshed: %s", self.page.id, exc)
            return False
        finally:
            self._refreshing = False
        if self.busy:  # a reload or an apply started meanwhile: it reads the values itself
            return False
        for key, row in self.rows.items():
            if row.spec.category is Category.STATUS and not row.dirty:
                row.set_baseline(values.get(key))
        self.show_registrations(self._registrations)
        return True

    def show_registrations(self, records: Sequence[SipRegistration]) -> None:
        """A status field holding an account's raw registration value (its key is the
        record's ``source``) shows the state in words instead; the raw value goes to the
        field's tooltip."""
        self._registrations = tuple(records)
        for record in records:
            row = self.rows.get(record.source)
            if row is None or row.spec.category is not Category.STATUS:
                continue
            words = state_words(record)
            if row.editor.raw() != words:
                row.set_baseline(words)
            row.editor.setToolTip(self.tr("Device value: {raw}").format(raw=record.raw))

    def diff(self) -> list[DiffRow]:
        return [DiffRow(r.spec, r.baseline, r.typed) for r in self.dirty_rows()]

    def _audit(self, dirty: list[Any], changes: dict[str, Any], results: dict[str, Any]) -> None:
        """What the write did, key by key, for the audit trail (before the baselines move)."""
        audited = []
        for row in dirty:
            result = results.get(row.key)
            outcome = site_outcome(result.outcome) if result is not None else \
                KeyOutcome.NOT_VERIFIED
            audited.append(KeyChange(self.page.id, row.key, old=row.baseline,
                                     new=changes[row.key], outcome=outcome,
                                     value=None if result is None else result.value,
                                     message="" if result is None else result.message,
                                     secret=row.spec.kind is Kind.SECRET))
        self.ctx.audited(self.page.id, audited)

    async def apply(self) -> bool:
        """Preview, write only changed keys, then show the per-field outcome."""
        dirty = self.dirty_rows()
        if not dirty:
            return True
        invalid = self.invalid_rows()
        if invalid:
            self._report_invalid(invalid)
            invalid[0].editor.setFocus()
            return False
        device = self.ctx.session.device
        if device is None:
            self.banner.error(self.tr("The device is not connected; nothing was written."))
            return False
        title = f"{self.ctx.session.title} — {param_text(self.page.title)}"
        if not await self.ctx.prompter.confirm_changes(self, title, self.diff()):
            return False
        changes: dict[str, Any] = {r.key: r.typed for r in dirty}
        self.set_busy(True)
        self.banner.info(self.tr("Writing {n_changes} setting(s)…").format(n_changes=len(changes)))
        try:
            async with self.ctx.manager.busy(self.ctx.session):
                report = await device.write_page(self.page.id, changes)
        except Exception as exc:
            if not isinstance(exc, ConfiguratorError):
                log.exception("writing %s failed", self.page.id)
            reason = (str(exc) if isinstance(exc, ConfiguratorError)
                      else self.tr("internal error ({error})").format(error=exc))
            for row in dirty:
                row.set_outcome("rejected", self.tr("not applied — {reason}").format(
                    reason=reason))
            self.banner.error(self.tr("Nothing was confirmed as applied: {reason}").format(
                reason=reason))
            self.ctx.status(self.tr("Apply failed on {title}: {reason}").format(
                title=self.ctx.session.title, reason=reason))
            return False
        finally:
            self.set_busy(False)
        results = report.by_key()
        self._audit(dirty, changes, results)
        counts = {"applied": 0, "rejected": 0, "not verified": 0}
        for row in dirty:
            result = results.get(row.key)
            if result is None:
                row.set_outcome("not verified",
                                self.tr("the device did not report this setting"))
                counts["not verified"] += 1
                continue
            if result.outcome is WriteOutcome.APPLIED:
                value = result.value if result.value is not None else changes[row.key]
                row.set_baseline(value)
                row.set_outcome("applied", result.message)
                counts["applied"] += 1
            elif result.outcome is WriteOutcome.NOT_VERIFIED:
                # Assumption: the device accepted the write but the read-back did not confirm
                # it; the sent value becomes the baseline and the field stays marked amber.
                row.set_baseline(changes[row.key])
                row.set_outcome("not verified", result.message)
                counts["not verified"] += 1
            else:  # rejected; skipped (not applied, may be sent again); read-only
                state = str(result.outcome)
                row.set_outcome(state, result.message or state)
                counts[state] = counts.get(state, 0) + 1
        failed = sum(n for k, n in counts.items() if k not in ("applied", "not verified"))
        self._update_buttons()
        self.save_draft()
        if counts["applied"] or counts["not verified"]:
            self.ctx.applied(self.page.id)
        summary = ", ".join(f"{n} {self.tr(OUTCOME_WORDS.get(k, k))}"
                            for k, n in counts.items() if n)
        if failed:
            self.banner.error(self.tr("Apply finished with errors: {summary}.").format(
                summary=summary))
        elif counts["not verified"]:
            self.banner.warning(self.tr("Apply finished: {summary}.").format(summary=summary))
        else:
            self.banner.success(self.tr("Applied {value} setting(s); all verified.").format(
                value=counts['applied']))
        self.ctx.status(f"{self.ctx.session.title} — {param_text(self.page.title)}: {summary}")
        return failed == 0 and counts["not verified"] == 0
