"""The small box over the network diagram in which a person sets one weight or bias by hand.

Type a value and press Enter; or nudge it: the mouse wheel over the box, a drag
up or down on its ⇕ handle, the Up and Down keys (Shift: ten times the step).
Every nudge applies at once, so the boundary and every map follow the value as
it moves. Escape, Enter or a click elsewhere closes the box.

While it is open the box follows the live value (training playing, an undo or a
redo, another edit: :meth:`ParameterEditor.follow`), except while the person
types: what they typed is never overwritten, and Enter on text they did not
touch changes nothing. Just after a nudge it holds the nudged value for
``SETTLE_MS``, so that a frame drawn before the nudge reached the network does
not show the old value for a moment (and the next nudge does not start from it).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from .parameters import Parameter, parse_value

DRAG_PIXELS = 4  # px of vertical drag per step
SETTLE_MS = 400  # after a nudge, frames are not followed for this long (they may predate it)


def nudge_step(value: float) -> float:
    """One nudge: a tenth of the value's order of magnitude, at least 0.01 (0.5 → 0.01, 3 → 0.1)."""
    magnitude = max(abs(value), 0.1)
    return 10.0 ** math.floor(math.log10(magnitude)) / 10


def nudged(value: float, steps: int) -> float:
    """``value`` moved ``steps`` nudges onto the grid of its step (0.7063 up one: 0.71), so the
    values a person steps through are round ones."""
    step = nudge_step(value)
    q = value / step
    if abs(q - round(q)) < 1e-9:  # on the grid already
        grid = round(q) + steps
    else:  # the first step goes to the grid point on that side
        grid = math.ceil(q) + steps - 1 if steps > 0 else math.floor(q) + steps + 1
    return round(grid * step, 12)  # no 0.30000000000000004


class _Handle(QLabel):
    """The ⇕ handle: dragging it up or down nudges the value (``dragged(steps)``)."""

    dragged = Signal(int)

    def __init__(self) -> None:
        super().__init__("⇕")
        self.setObjectName("parameterHandle")
        self.setCursor(Qt.CursorShape.SizeVerCursor)
        self.setToolTip("Drag up or down to change the value (Shift: ten times faster).")
        self._anchor: float | None = None

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._anchor = event.position().y()
        event.accept()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._anchor is None:
            return
        steps = int((self._anchor - event.position().y()) / DRAG_PIXELS)
        if steps:
            self._anchor -= steps * DRAG_PIXELS
            self.dragged.emit(steps)
        event.accept()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        self._anchor = None
        event.accept()


class ParameterEditor(QFrame):
    """Edits one :class:`Parameter` (``open``). ``valueChosen(value)``: a typed value (Enter) or a
    nudge, to apply; ``closed()``: the box went away. A typed value that is not a finite
    number is shown as a message in the box and chosen not at all (``invalid(message)``)."""

    valueChosen = Signal(float)
    invalid = Signal(str)
    closed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("parameterEditor")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.title = QLabel(objectName="parameterTitle")
        self.field = QLineEdit(objectName="parameterValue", frame=False)
        self.field.setToolTip("Type a value and press Enter; Up and Down or the wheel nudge it; Escape closes.")
        # The field's edge and background drawn by a plain box in the palette's text and base colours:
        # Fusion's own edge is the window colour darkened, all but invisible on the dark theme. Roles,
        # not colours, and no style sheet (it would freeze the fonts presentation mode scales).
        box = QFrame(objectName="parameterValueBox", frameShape=QFrame.Shape.Box, frameShadow=QFrame.Shadow.Plain)
        box.setBackgroundRole(QPalette.ColorRole.Base)
        box.setAutoFillBackground(True)
        inside = QHBoxLayout(box)
        inside.setContentsMargins(3, 1, 3, 1)
        inside.addWidget(self.field)
        self.handle = _Handle()
        self.message = QLabel(objectName="parameterMessage", wordWrap=True)
        self.message.hide()
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        grid.setSpacing(4)
        grid.addWidget(self.title, 0, 0, 1, 2)
        grid.addWidget(box, 1, 0)
        grid.addWidget(self.handle, 1, 1)
        grid.addWidget(self.message, 2, 0, 1, 2)
        self.parameter: Parameter | None = None
        self.value = 0.0  # the value shown (and the one a nudge starts from)
        self._shown = ""  # the text the box itself last put in the field
        self._live: float | None = None  # the newest value followed, held back while settling
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._catch_up)
        self.field.returnPressed.connect(self._commit)
        self.handle.dragged.connect(lambda steps: self.nudge(steps))
        self.field.installEventFilter(self)
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self.hide()

    def open(self, parameter: Parameter, value: float, pos: QPoint) -> None:
        """Show the box for ``parameter``, now ``value``, near ``pos`` (parent coordinates), inside the parent."""
        self.parameter, self.value, self._live = parameter, value, value
        self._settle.stop()
        self.title.setText(f"{parameter.kind} {parameter.name}")
        self._show(value)
        self.message.hide()
        self.adjustSize()
        area = self.parentWidget().rect()
        x = min(max(pos.x() - self.width() // 2, 0), max(area.width() - self.width(), 0))
        y = pos.y() + 12 if pos.y() + 12 + self.height() <= area.height() else pos.y() - 12 - self.height()
        self.move(x, max(y, 0))
        self.show()
        self.raise_()
        self.field.setFocus()
        self.field.selectAll()

    @property
    def typing(self) -> bool:
        """Whether the field holds text the person typed (not yet applied)."""
        return self.field.isModified() or self.field.text() != self._shown

    def follow(self, value: float) -> None:
        """The parameter's live value is now ``value``: show it, unless the person is typing
        (their text stays) or has just nudged (see ``SETTLE_MS``; shown when that is over)."""
        if self.parameter is None or not self.isVisible():
            return
        self._live = value
        if not self.typing and not self._settle.isActive() and value != self.value:
            self.value = value
            self._show(value)

    def nudge(self, steps: int) -> None:
        """Move the value by ``steps`` steps (Shift held: ten times as many) and choose it.
        From the typed value if there is one, else from the value shown."""
        if QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier:
            steps *= 10
        start = self.value
        if self.typing:
            try:
                start = parse_value(self.field.text())
            except ValueError:
                pass  # not a number (yet): nudge the value shown
        self.choose(nudged(start, steps))

    def choose(self, value: float) -> None:
        """Show ``value`` and ask for it to be applied."""
        self.value = value
        self._show(value)
        self.message.hide()
        self._settle.start()
        self.valueChosen.emit(value)

    def _show(self, value: float) -> None:
        """Put ``value`` in the field, keeping the selection of all of it (a keystroke then
        replaces it, as on opening) or else the cursor's place."""
        field = self.field
        whole = field.hasSelectedText() and field.selectedText() == field.text()
        cursor = field.cursorPosition()
        self._shown = f"{value:.6g}"
        field.setText(self._shown)  # not "modified": the box wrote it, not the person
        if whole:
            field.selectAll()
        else:
            field.setCursorPosition(min(cursor, len(self._shown)))

    def _catch_up(self) -> None:
        """The settling after a nudge is over: show the newest live value."""
        if self._live is not None:
            self.follow(self._live)

    def show_error(self, text: str) -> None:
        """Say in the box why a value was refused."""
        self.message.setText(text)
        self.message.setStyleSheet("color: #D55E00;")
        self.message.show()
        self.adjustSize()

    def close_editor(self) -> None:
        """Hide the box (``closed`` follows)."""
        if self.isVisible():
            self.hide()
            self.closed.emit()

    def _commit(self) -> None:
        if not self.typing:  # Enter on the value shown: nothing to apply (not even its rounding)
            self.close_editor()
            return
        try:
            value = parse_value(self.field.text())
        except ValueError as exc:
            self.show_error(f"{exc}; nothing changed.")
            self.invalid.emit(str(exc))
            return
        self.choose(value)
        if not self.message.isVisible():  # applied: done
            self.close_editor()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.close_editor()
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.nudge(1 if key == Qt.Key.Key_Up else -1)
                return True
        return False

    def wheelEvent(self, event) -> None:  # noqa: N802
        notches = round(event.angleDelta().y() / 120)
        if notches:
            self.nudge(notches)
        event.accept()

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        """A click elsewhere (the focus leaving the box) closes it."""
        if self.isVisible() and new is not None and not self.isAncestorOf(new) and new is not self:
            self.close_editor()
