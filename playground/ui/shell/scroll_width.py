"""A vertical scroll area as wide as its content needs, with room kept for its scrollbar.

The side panels scroll vertically and never sideways, so their column must be at least as wide as
the widest row. The column's width was taken once from the panels' first size (two hidden layers):
with ten hidden layers the layer rows and the skip buttons need about 25 px more, and the rows were
cut at the vertical scrollbar (the class +/- buttons, the skip row; seen under Xvfb at 1280x720).
Here the width follows the content's minimum width whenever its layout changes, plus the
scrollbar's width, which the scrollbar takes from the content when it appears.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QScrollArea, QStyle

SLACK = 20  # px the column may grow beyond what the content needs, when the row has room


def needed_width(scroll: QScrollArea) -> int:
    """The scroll area's width at which its content gets its minimum width beside a shown scrollbar."""
    content = scroll.widget()
    if content is None:
        raise ValueError(f"scroll area {scroll.objectName()!r} has no content widget to fit")
    bar = scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, scroll.verticalScrollBar())
    frame = 2 * scroll.frameWidth()
    return content.minimumSizeHint().width() + bar + frame


class _FitWidth(QObject):
    """Refits ``scroll``'s width range whenever its content's layout asks for a new size."""

    def __init__(self, scroll: QScrollArea) -> None:
        super().__init__(scroll)
        self._scroll = scroll
        scroll.widget().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return False

    def fit(self) -> None:
        width = needed_width(self._scroll)
        if width != self._scroll.minimumWidth():
            self._scroll.setMinimumWidth(width)
            self._scroll.setMaximumWidth(width + SLACK)


def fit_width_to_content(scroll: QScrollArea) -> None:
    """Keep ``scroll`` (vertical scrolling only) at least as wide as its content's minimum width
    plus its vertical scrollbar, from now on, as the content grows or shrinks."""
    if scroll.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
        raise ValueError(f"scroll area {scroll.objectName()!r} scrolls sideways: its width need not fit")
    _FitWidth(scroll).fit()
