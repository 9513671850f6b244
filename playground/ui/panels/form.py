"""Shared pieces of the side panels: titled form sections, tooltips, quiet syncing, spin boxes.

Every panel is a stack of :class:`Section` group boxes whose rows are a label
and a control, both carrying the same one-sentence tooltip. Panels render the
session model; when the model changes they re-sync their controls inside
:func:`blocked`, so a sync never echoes back as an edit.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QSignalBlocker, QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

MIN_POINT_SIZE = 10.0  # the design's smallest readable text, also in screen recordings
MAX_SEED = 2**31 - 1  # a QSpinBox holds a signed 32-bit int

W = TypeVar("W", bound=QWidget)
S = TypeVar("S", bound=QAbstractSpinBox)


def tip(widget: W, text: str) -> W:
    """Give ``widget`` its tooltip and return it, so a control is built in one expression."""
    widget.setToolTip(text)
    return widget


@contextmanager
def blocked(*objects: QObject) -> Iterator[None]:
    """Silence the signals of ``objects`` while they are set from the model."""
    blockers = [QSignalBlocker(obj) for obj in objects]
    try:
        yield
    finally:
        for blocker in blockers:
            blocker.unblock()


class _WheelGuard(QObject):
    """Keeps a wheel that merely passes over a control from editing it.

    A notch over an unfocused spin box or combo box scrolls the panel instead
    (it is sent to the enclosing scroll area); once the control has the focus
    (a click or Tab), the wheel edits it as usual.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(event, QWheelEvent) or not isinstance(watched, QWidget) or watched.hasFocus():
            return False
        area = _scroll_area_of(watched)
        if area is not None:
            QCoreApplication.sendEvent(
                area.viewport(),
                QWheelEvent(
                    event.position(),
                    event.globalPosition(),
                    event.pixelDelta(),
                    event.angleDelta(),
                    event.buttons(),
                    event.modifiers(),
                    event.phase(),
                    event.inverted(),
                ),
            )
        # Accepted and consumed: Qt neither edits the control nor sends the event on again.
        event.accept()
        return True


_WHEEL_GUARD = _WheelGuard()


def _scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    return parent


C = TypeVar("C", bound=QWidget)


def wheel_safe(control: C) -> C:
    """Make ``control`` (a spin box, combo box or slider) take the wheel only once it has the
    focus (see :class:`_WheelGuard`).

    Qt's default, ``WheelFocus``, lets a passing wheel both focus and edit a
    control: one notch turned "16 units" into 1 and rebuilt the network.
    """
    control.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    control.installEventFilter(_WHEEL_GUARD)
    return control


def readable(widget: W) -> W:
    """Raise ``widget``'s font to at least ``MIN_POINT_SIZE`` (children inherit it)."""
    font = widget.font()
    if font.pointSizeF() < MIN_POINT_SIZE:
        font.setPointSizeF(MIN_POINT_SIZE)
        widget.setFont(font)
    return widget


STRETCH = None  # in hbox(): empty room that pushes the controls after it to the right


def hbox(*widgets: QWidget | None, spacing: int = 4) -> QWidget:
    """Several controls side by side in one form field (no margins, so rows stay aligned);
    ``STRETCH`` among them takes up the spare width."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(spacing)
    for widget in widgets:
        if widget is STRETCH:
            layout.addStretch(1)
        else:
            layout.addWidget(widget)
    return box


# A checked toggle must read as "on" at a glance (and in a recording), which the native
# sunken look does not: on is filled with the highlight colour.
_TOGGLE_STYLE = """
QToolButton { border: 1px solid palette(mid); border-radius: 3px; padding: 2px 3px;
              background: palette(button); }
QToolButton:hover:!checked { background: palette(midlight); }
QToolButton:checked { background: palette(highlight); color: palette(highlighted-text);
                      border-color: palette(highlight); }
"""


def toggle(text: str, tooltip: str) -> QToolButton:
    """A checkable button whose checked state is filled with the highlight colour."""
    button = tip(QToolButton(text=text), tooltip)
    button.setCheckable(True)
    button.setStyleSheet(_TOGGLE_STYLE)
    return button


def icon_button(parent: QWidget, text: str, icon: QStyle.StandardPixmap, tooltip: str) -> QToolButton:
    """A button with the style's standard ``icon`` beside ``text``.

    Parented at once, so its size is measured in the parent's (readable) font.
    """
    button = tip(QToolButton(parent, text=text), tooltip)
    button.setIcon(parent.style().standardIcon(icon))
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    return button


def pretty(name: str) -> str:
    """A config name as shown to people: ``"leaky_relu"`` -> ``"leaky relu"``."""
    return name.replace("_", " ")


def choice_combo(options: Mapping[str, str], tooltip: str) -> QComboBox:
    """A combo box of ``options`` (name -> one-sentence description), the name as item data.

    Each item's tooltip is its description, and the closed combo's tooltip adds
    the current choice's description, so hovering explains what is selected.
    """
    combo = wheel_safe(QComboBox())
    for name, description in options.items():
        combo.addItem(pretty(name), name)
        combo.setItemData(combo.count() - 1, _sentence(f"{pretty(name)}: {description}"), Qt.ItemDataRole.ToolTipRole)

    def explain() -> None:
        current = combo.currentData(Qt.ItemDataRole.ToolTipRole)
        combo.setToolTip(f"{tooltip}\n{current}" if current else tooltip)

    combo.currentIndexChanged.connect(explain)
    explain()
    return combo


def select_data(combo: QComboBox, value: object) -> None:
    """Show the item whose data is ``value`` (unknown values leave the combo as it is)."""
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def spin(low: int, high: int, tooltip: str, *, step: int = 1, suffix: str = "", special: str = "") -> QSpinBox:
    """An integer spin box that reports only finished edits; ``special`` names the minimum."""
    box = QSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    box.setSpecialValueText(special)
    return _commit_on_finish(box, tooltip)


class SeedSpinBox(QSpinBox):
    """A spin box for a seed (0..MAX_SEED) sized for ``digits`` digits rather than the ten of
    the largest seed, so it shares a row with another control; a longer seed scrolls in
    the box. Measured in the current font, so it grows with presentation mode's."""

    def __init__(self, digits: int) -> None:
        super().__init__()
        self._spare = "0" * max(len(str(MAX_SEED)) - digits, 0)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self._narrowed(super().sizeHint())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self._narrowed(super().minimumSizeHint())

    def _narrowed(self, size: QSize) -> QSize:
        return QSize(size.width() - self.fontMetrics().horizontalAdvance(self._spare), size.height())


def seed_spin(tooltip: str, digits: int = 7) -> QSpinBox:
    """A :class:`SeedSpinBox` that reports only finished edits."""
    box = SeedSpinBox(digits)
    box.setRange(0, MAX_SEED)
    return _commit_on_finish(box, tooltip)


def fraction_spin(
    low: float, high: float, tooltip: str, *, step: float, decimals: int = 2, special: str = ""
) -> QDoubleSpinBox:
    """A decimal spin box that reports only finished edits; ``special`` names the minimum."""
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setSpecialValueText(special)
    return _commit_on_finish(box, tooltip)


def _commit_on_finish(box: S, tooltip: str) -> S:
    # Typing "0.03" passes through "0" and "0.0": only Enter, focus-out and arrows commit.
    box.setKeyboardTracking(False)
    box.setAccelerated(True)
    wheel_safe(box)
    box.setToolTip(tooltip)
    return box


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


class LadderSpinBox(QDoubleSpinBox):
    """A spin box whose arrows climb a ladder of round values and that accepts any typed number.

    Learning rates and penalties matter on a log scale: the arrows go
    0.001 -> 0.003 -> 0.01 (as in TensorFlow Playground's menus), while typing
    still reaches any value in range. Trailing zeros are not shown.
    """

    def __init__(
        self, ladder: Sequence[float], low: float, high: float, tooltip: str, decimals: int = 6, special: str = ""
    ) -> None:
        super().__init__()
        self._ladder = sorted(ladder)
        self.setDecimals(decimals)
        self.setRange(low, high)
        self.setSpecialValueText(special)
        _commit_on_finish(self, tooltip)

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt's name
        value = self.value()
        tolerance = 1e-12 + abs(value) * 1e-9  # a typed 0.0300000001 still counts as 0.03
        if steps > 0:
            index = bisect.bisect_right(self._ladder, value + tolerance) + steps - 1
        else:
            index = bisect.bisect_left(self._ladder, value - tolerance) + steps
        self.setValue(self._ladder[min(max(index, 0), len(self._ladder) - 1)])
        self.selectAll()

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:  # noqa: N802 - Qt's name
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self.value() < self._ladder[-1]:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        if self.value() > self._ladder[0]:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        return flags

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt's name
        locale = self.locale()
        text = locale.toString(value, "f", self.decimals())
        point = locale.decimalPoint()
        return text.rstrip("0").rstrip(point) if point in text else text


class Section(QGroupBox):
    """A titled group box (DATA, NETWORK, TRAINING) holding a compact two-column form.

    Rows added with ``advanced=True`` sit behind an expander (see
    :meth:`add_expander`): hidden until it is opened, so the settings a lesson
    changes most stay on screen. While closed, the expander lists the advanced
    settings that differ from their defaults (:meth:`set_summary`), so a
    hidden setting never changes a run unannounced.
    """

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        readable(self)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(6, 3, 6, 3)
        self.form.setHorizontalSpacing(6)
        self.form.setVerticalSpacing(1)  # compact: the three sections fit 720 px without scrolling
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.expander: QToolButton | None = None
        self._summary: QLabel | None = None
        self._advanced: list[QWidget] = []
        self._wanted: dict[QWidget, bool] = {}  # show_row's wish per row, apart from the expander
        self._reveal_pending = False

    def add_row(self, label: str, field: W, tooltip: str = "", *, advanced: bool = False) -> W:
        """Add ``label`` and ``field``, both explaining themselves on hover.

        ``tooltip`` goes on the field unless it already has its own; the label
        gets the field's first line (a combo's later lines describe its current item).
        An ``advanced`` row shows only while the expander is open.
        """
        if tooltip and not field.toolTip():
            field.setToolTip(tooltip)
        caption = QLabel(label)
        caption.setBuddy(field)
        caption.setToolTip(tooltip or field.toolTip().split("\n")[0])
        self.form.addRow(caption, field)
        if advanced:
            self._advanced.append(field)
            self._apply_visibility(field)
        return field

    def add_wide(self, field: W) -> W:
        """Add ``field`` across both columns (button rows, check boxes)."""
        self.form.addRow(field)
        return field

    def add_expander(self, text: str, tooltip: str) -> QToolButton:
        """Add the closed expander row that opens the ``advanced`` rows added after it."""
        button = QToolButton(self, text=text)
        button.setToolTip(tooltip)
        button.setCheckable(True)
        button.setAutoRaise(True)
        button.setArrowType(Qt.ArrowType.RightArrow)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.toggled.connect(self.set_expanded)
        self._summary = QLabel(self, wordWrap=True)
        self._summary.setToolTip(tooltip)
        self._summary.hide()
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(button)
        layout.addWidget(self._summary)
        self.add_wide(box)
        self.expander = button
        return button

    @property
    def expanded(self) -> bool:
        """Whether the advanced rows are open."""
        return self.expander is not None and self.expander.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        """Open or close the advanced rows."""
        if self.expander is None:
            return
        with blocked(self.expander):
            self.expander.setChecked(expanded)
        self.expander.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        for field in self._advanced:
            self._apply_visibility(field)
        self._show_summary()
        # Opened near the bottom of the panel, the rows would appear below the fold: once the
        # section has grown (resizeEvent) and placed them, they are scrolled into view.
        self._reveal_pending = expanded and self.isVisible()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self._reveal_pending:
            self._reveal_pending = False
            QTimer.singleShot(0, self._reveal_advanced)

    def _reveal_advanced(self) -> None:
        area = _scroll_area_of(self)
        content = area.widget() if isinstance(area, QScrollArea) else None
        shown = [field for field in self._advanced if field.isVisibleTo(self)]
        if area is None or content is None or not shown or self.expander is None:
            return
        margin = 4
        last = shown[-1]
        bottom = last.mapTo(content, QPoint(0, last.height())).y() + margin
        header = self.expander.mapTo(content, QPoint(0, 0)).y() - margin
        # Down just far enough to show the last row, never so far that the header leaves the top.
        target = min(bottom - area.viewport().height(), header)
        bar = area.verticalScrollBar()
        if target > bar.value():
            bar.setValue(target)

    def set_summary(self, text: str) -> None:
        """What the closed expander says about its rows (e.g. the settings changed from default)."""
        if self._summary is not None:
            self._summary.setText(text)
            self._show_summary()

    def _show_summary(self) -> None:
        if self._summary is not None:
            self._summary.setVisible(bool(self._summary.text()) and not self.expanded)

    def show_row(self, field: QWidget, visible: bool) -> None:
        """Show or hide the row holding ``field`` (controls that matter only sometimes)."""
        self._wanted[field] = visible
        self._apply_visibility(field)

    def _apply_visibility(self, field: QWidget) -> None:
        shown = self._wanted.get(field, True) and (field not in self._advanced or self.expanded)
        self.form.setRowVisible(field, shown)
