"""A row of controls that wraps onto further rows when it is narrower than they are, instead of cutting them.

A QHBoxLayout squeezes its widgets below their size hints when its parent is made narrow, and a
combo box squeezed so draws "la", "x:" for "layer 2", "x: output-aligned" (the activation space's
selectors with a side dock open at 1280x720, seen under Xvfb). This layout keeps every item at its
size hint, left to right, and starts a new row where the next one would not fit; its minimum width
is its widest item's, and its height is that of the rows it was last laid out in, so the plot under
it gives up a row's height only when the row has to wrap.

Not ``heightForWidth``: a vertical QBoxLayout gives an item with one a fixed height, its preferred
height at that width, and the plots' rows then lost their stretch (the plot under the selectors
kept its preferred height and the loss plot below it was squashed flat).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QWidget


class WrapRow(QLayout):
    """Items at their size hints, left to right, wrapping onto new rows; ``spacing`` px between them."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._height: int | None = None  # of the rows as last laid out; None: one row
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    # QLayout's item protocol
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt's name
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's name
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's name
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt's name
        return Qt.Orientation(0)

    # Sizes
    def height_at(self, width: int) -> int:
        """The height the items take when laid out ``width`` px wide."""
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def _one_row(self) -> QSize:
        hints = [item.sizeHint() for item in self._shown()]
        margins = self.contentsMargins()
        width = sum(h.width() for h in hints) + self.spacing() * max(len(hints) - 1, 0)
        height = max((h.height() for h in hints), default=0)
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Everything on one row, as tall as the rows are now."""
        one = self._one_row()
        return QSize(one.width(), one.height() if self._height is None else self._height)

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's name
        """The widest item's width (narrower, that item would be cut), as tall as the rows are now."""
        margins = self.contentsMargins()
        width = max((item.sizeHint().width() for item in self._shown()), default=0)
        return QSize(width + margins.left() + margins.right(), self.sizeHint().height())

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt's name
        super().setGeometry(rect)
        height = self._arrange(rect, place=True)
        if height != self.sizeHint().height():
            # Wrapped or unwrapped: the parent layout gives the widget its new height (it then
            # keeps the same width, so this settles at once).
            self._height = height
            self.invalidate()
            if self.parentWidget() is not None:
                self.parentWidget().updateGeometry()

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _arrange(self, rect: QRect, place: bool) -> int:
        """Lay the items out in ``rect`` (moving them when ``place``); the height they take."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for item in self._shown():
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, row_height = area.x(), y + row_height + self.spacing(), 0
            if place:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self.spacing()
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + margins.bottom()


def wrap_row(*widgets: QWidget, spacing: int = 4) -> QWidget:
    """``widgets`` in a :class:`WrapRow` on a widget of their own (preferred width: one row)."""
    box = QWidget()
    row = WrapRow(box, spacing)
    for widget in widgets:
        row.addWidget(widget)
    box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return box
