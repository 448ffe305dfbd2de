"""One editor widget per ParamSpec kind, generated at run time from the spec.

Every editor offers the same small interface: ``set_value(typed)``, ``raw()`` (what the user
entered, untyped) and the ``edited`` signal. Validation is never done here: the form calls
``spec.validate`` / ``spec.parse`` - the single validator.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QAction, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QToolButton,
    QWidget,
)

from ...core.params import WEEKDAY_CHOICES, Kind, ParamSpec
from ..i18n import param_text, translate
from ..palette import line_css

_INT_MIN, _INT_MAX = -2_147_483_648, 2_147_483_647


class FieldEditor(QWidget):
    """Base class: a widget editing one value of ``spec``."""

    edited = Signal()

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._loading = False

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self._set(value)
        finally:
            self._loading = False

    def _emit(self, *_: object) -> None:
        if not self._loading:
            self.edited.emit()

    def _set(self, value: Any) -> None:
        raise NotImplementedError

    def raw(self) -> Any:
        """The entered value, in a form ``spec.validate`` accepts (or rejects with a reason)."""
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        self.setEnabled(not read_only)


class BoolEditor(FieldEditor):
    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.box = QCheckBox(self)
        self._layout.addWidget(self.box)
        self._layout.addStretch(1)
        self.box.toggled.connect(self._emit)

    def _set(self, value: Any) -> None:
        self.box.setChecked(bool(value))

    def raw(self) -> Any:
        return self.box.isChecked()


class EnumEditor(FieldEditor):
    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.combo = QComboBox(self)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for choice in spec.choices:
            self.combo.addItem(param_text(choice.label), choice.value)
        self._layout.addWidget(self.combo)
        self._layout.addStretch(1)
        self.combo.currentIndexChanged.connect(self._emit)

    def _set(self, value: Any) -> None:
        for i in range(self.combo.count()):
            if self.combo.itemData(i) == value:
                self.combo.setCurrentIndex(i)
                return
        if value is None:
            self.combo.setCurrentIndex(-1)
            return
        # the device reports a value the spec does not know: show it rather than hide it
        self.combo.addItem(self.tr("{value} (unknown)").format(value=value), value)
        self.combo.setCurrentIndex(self.combo.count() - 1)

    def raw(self) -> Any:
        return self.combo.currentData() if self.combo.currentIndex() >= 0 else None


class NumberEditor(FieldEditor):
    """Spin box with the unit as suffix. The spin box is deliberately not clamped to the
    spec's range: a value out of range is shown with the validator's reason instead of being
    silently corrected (and a device value outside the range stays visible)."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        if spec.kind is Kind.FLOAT:
            self.spin: QSpinBox | QDoubleSpinBox = QDoubleSpinBox(self)
            self.spin.setDecimals(3)
            self.spin.setRange(-1e12, 1e12)
        else:
            self.spin = QSpinBox(self)
            low = 0 if spec.kind is Kind.PORT else _INT_MIN
            self.spin.setRange(low, _INT_MAX)
        if spec.unit:
            self.spin.setSuffix(f" {param_text(spec.unit)}")
        self.spin.setMinimumWidth(110)
        self.spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.spin.setKeyboardTracking(True)
        self._layout.addWidget(self.spin)
        hint = range_hint(spec)
        if hint:
            self.spin.setToolTip(hint)
        self._layout.addStretch(1)
        self.spin.valueChanged.connect(self._emit)

    def _set(self, value: Any) -> None:
        try:
            self.spin.setValue(float(value) if isinstance(self.spin, QDoubleSpinBox)
                               else int(value))
        except (TypeError, ValueError):
            self.spin.clear()

    def raw(self) -> Any:
        return self.spin.value()


class TextEditor(FieldEditor):
    PLACEHOLDERS: ClassVar[dict[Kind, str]] = {
        Kind.HOST: QT_TRANSLATE_NOOP("TextEditor", "host name or IP address"),
        Kind.IP: QT_TRANSLATE_NOOP("TextEditor", "e.g. 192.168.1.10"),
        Kind.URL: "http://host/path",
        Kind.HEX: QT_TRANSLATE_NOOP("TextEditor", "hexadecimal, e.g. 0A1B2C"),
    }

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(translate("TextEditor", self.PLACEHOLDERS.get(spec.kind, "")))
        if spec.max_length:
            self.edit.setMaxLength(max(spec.max_length + 1, 1))  # +1: let the validator speak
        self.edit.setMinimumWidth(220 if spec.kind in (Kind.URL, Kind.STRING) else 180)
        self.edit.setMaximumWidth(460)
        self._layout.addWidget(self.edit, 1)
        self._layout.addStretch(0)
        self.edit.textEdited.connect(self._emit)

    def _set(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))

    def raw(self) -> Any:
        return self.edit.text()


class SecretEditor(TextEditor):
    """Password field with a reveal toggle; an untouched secret is never sent."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText(self.tr("unchanged"))
        self.reveal = QAction(_eye_icon(), self.tr("Show password"), self.edit)
        self.reveal.setCheckable(True)
        self.reveal.toggled.connect(self._toggle)
        self.edit.addAction(self.reveal, QLineEdit.ActionPosition.TrailingPosition)

    def _toggle(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)


class TimeEditor(FieldEditor):
    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.time = QTimeEdit(self)
        self.time.setDisplayFormat("HH:mm")
        self._layout.addWidget(self.time)
        self._layout.addStretch(1)
        self.time.timeChanged.connect(self._emit)

    def _set(self, value: Any) -> None:
        parsed = QTime.fromString(str(value or "00:00"), "HH:mm")
        if not parsed.isValid():
            parsed = QTime.fromString(str(value or ""), "H:mm")
        self.time.setTime(parsed if parsed.isValid() else QTime(0, 0))

    def raw(self) -> Any:
        return self.time.time().toString("HH:mm")


class DateTimeEditor(FieldEditor):
    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.dt = QDateTimeEdit(self)
        self.dt.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.dt.setCalendarPopup(True)
        self._layout.addWidget(self.dt)
        self._layout.addStretch(1)
        self.dt.dateTimeChanged.connect(self._emit)

    def _set(self, value: Any) -> None:
        self.dt.setDateTime(QDateTime.fromSecsSinceEpoch(int(value or 0)))

    def raw(self) -> Any:
        return self.dt.dateTime().toSecsSinceEpoch()


class SetEditor(FieldEditor):
    """Weekdays / flags: a row of toggle buttons."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        choices = spec.choices or (WEEKDAY_CHOICES if spec.kind is Kind.WEEKDAYS else ())
        self.buttons: list[tuple[Any, QToolButton]] = []
        for choice in choices:
            button = QToolButton(self)
            button.setText(param_text(choice.label))
            button.setCheckable(True)
            button.setMinimumWidth(40)
            # checked: the palette's selection colours (readable in light and dark)
            button.setStyleSheet(
                "QToolButton:checked { background: palette(highlight); "
                "color: palette(highlighted-text); border: 1px solid palette(highlight); "
                "border-radius: 3px; } QToolButton { border: 1px solid "
                f"{line_css('#b0bec5')}; "
                "border-radius: 3px; padding: 2px 6px; }")
            button.toggled.connect(self._emit)
            self._layout.addWidget(button)
            self.buttons.append((choice.value, button))
        self._layout.addStretch(1)

    def _set(self, value: Any) -> None:
        chosen = set(value or ())
        for choice_value, button in self.buttons:
            button.setChecked(choice_value in chosen)

    def raw(self) -> Any:
        return frozenset(v for v, b in self.buttons if b.isChecked())


def make_editor(spec: ParamSpec, parent: QWidget | None = None) -> FieldEditor:
    """The editor widget for a spec's kind."""
    kind = spec.kind
    if kind is Kind.BOOL:
        editor: FieldEditor = BoolEditor(spec, parent)
    elif kind is Kind.ENUM:
        editor = EnumEditor(spec, parent)
    elif kind in (Kind.INT, Kind.PORT, Kind.FLOAT):
        editor = NumberEditor(spec, parent)
    elif kind is Kind.SECRET:
        editor = SecretEditor(spec, parent)
    elif kind is Kind.TIME:
        editor = TimeEditor(spec, parent)
    elif kind in (Kind.WEEKDAYS, Kind.FLAGS):
        editor = SetEditor(spec, parent)
    elif kind is Kind.DATETIME:
        editor = DateTimeEditor(spec, parent)
    else:
        editor = TextEditor(spec, parent)
    if spec.read_only:
        editor.set_read_only(True)
    tip = tooltip(spec)
    if tip:
        editor.setToolTip(tip)
    return editor


def range_hint(spec: ParamSpec) -> str:
    if spec.minimum is None and spec.maximum is None:
        return ""
    unit = f" {spec.unit}" if spec.unit else ""
    low = "" if spec.minimum is None else _n(spec.minimum)
    high = "" if spec.maximum is None else _n(spec.maximum)
    return translate("range_hint", "range {low}–{high}{unit}").format(low=low, high=high,
                                                                      unit=unit)


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def tooltip(spec: ParamSpec) -> str:
    parts = [param_text(spec.help)] if spec.help else []
    hint = range_hint(spec)
    if hint:
        parts.append(hint.capitalize())
    if spec.default is not None:
        parts.append(translate("tooltip", "Default: {value}").format(
            value=spec.format(spec.default)))
    parts.append(translate("tooltip", "Key: {key}").format(key=spec.key))
    return "\n".join(parts)


def _eye_icon() -> QIcon:
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.drawEllipse(4, 10, 24, 12)
    p.setBrush(Qt.GlobalColor.black)
    p.drawEllipse(12, 12, 8, 8)
    p.end()
    return QIcon(pixmap)
