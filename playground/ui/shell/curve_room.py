"""In presentation mode the curves (the loss and gradient norms tabs) are shown only where they can be read.

Presentation mode's larger text makes the curves' legend row and axes taller, and their plots keep the
least height of the normal size (120 px): at 1280x720, with a dock beside the plots and a diagnosis of
four lines in the banner, the loss plot's data area was 20 px tall, a flat line under its legend, and the
column's minimum no longer fitted the window, so the tabs were laid over the activation space's x-axis
title (seen under Xvfb). Raising the plots' least height instead would make the window taller than a
1280x720 screen whenever the banner speaks.

So the tab view steps aside while its data area would be shorter than ``READABLE_VIEW``, the status bar
says why, and it comes back once the column has room for it again (the banner gone, a dock closed, a
taller window). It also steps aside for a dock above or below the plots (side_room.py): each reason
hides it until that reason goes.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QBoxLayout, QMainWindow, QTabWidget, QWidget

READABLE_VIEW = 40  # px: the least data area with room for two tick labels at x1.4 (17 px each) and a curve between
_SLACK = 2  # px kept above READABLE_VIEW when coming back, so that rounding cannot show and hide it by turns
FOR_DOCK, FOR_ROOM = "dock", "room"  # why the tab view is hidden
MESSAGE_MS = 10000
NO_ROOM = "Presentation mode: no room to read the loss and gradient curves at this size; they come back when there is."


def tell(window: QMainWindow, text: str) -> None:
    """Say ``text`` in ``window``'s status bar for a while: why a view stepped aside."""
    window.statusBar().showMessage(text, MESSAGE_MS)


def untell(window: QMainWindow, text: str) -> None:
    """Take ``text`` back from the status bar if it still says it (the view is back, or the mode ended)."""
    if window.statusBar().currentMessage() == text:
        window.statusBar().clearMessage()


class CurveRoom(QObject):
    """Shows ``tabs`` (in ``row`` of its column, below ``neighbour``) only while the plot of its current page
    (``plots``: page -> plot) has a readable data area; also side_room's ``View`` of it, for the docks."""

    def __init__(self, window: QMainWindow, tabs: QTabWidget, row: QBoxLayout, neighbour: QWidget, plots) -> None:
        super().__init__(tabs)
        self.window = window
        self.tabs = tabs
        self.row = row
        self.neighbour = neighbour
        self.plots: Mapping[QWidget, object] = plots
        self.hidden_for: set[str] = set()
        self._stretch = 0  # the row's stretch in its column, while the tab view is hidden
        self._needed = 0  # px the tab view needs for a readable plot, measured when it stepped aside
        self._timer = QTimer(self, singleShot=True, interval=0)  # after the layout that resized them
        self._timer.timeout.connect(self.fit)
        for widget in (tabs, neighbour):
            widget.installEventFilter(self)

    def detach(self) -> None:
        """Stop watching, and give the row its stretch back (presentation mode ends; the tab view goes)."""
        self._timer.stop()
        for widget in (self.tabs, self.neighbour):
            widget.removeEventFilter(self)
        found = self._column()
        if self.hidden_for and found is not None:
            found[0].setStretch(found[1], self._stretch)
        self.hidden_for.clear()
        untell(self.window, NO_ROOM)

    # side_room.View: the docks above and below the plots
    def shown(self) -> bool:
        """Whether no dock has made the tab view step aside."""
        return FOR_DOCK not in self.hidden_for

    def set_shown(self, on: bool) -> None:
        """A dock above or below the plots closed (``on``) or opened."""
        self._hide_for(FOR_DOCK, not on)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self._timer.start()
        return False

    def fit(self) -> None:
        """Hide the tab view if its plot's data area is too short to read; show it again once it would not be."""
        if not self.hidden_for:
            view = self._view_height()
            if 0 < view < READABLE_VIEW:
                self._needed = self.tabs.height() + READABLE_VIEW + _SLACK - view
                self._hide_for(FOR_ROOM, True)
                tell(self.window, NO_ROOM)
        elif self.hidden_for == {FOR_ROOM} and self._room() >= self._needed:
            self._hide_for(FOR_ROOM, False)
            untell(self.window, NO_ROOM)

    def _view_height(self) -> float:
        plot = self.plots.get(self.tabs.currentWidget())
        return 0.0 if plot is None else plot.getPlotItem().getViewBox().sceneBoundingRect().height()

    def _column(self) -> tuple[QBoxLayout, int] | None:
        column = self.row.parent()
        if not isinstance(column, QBoxLayout) or column.indexOf(self.row) < 0:
            return None
        return column, column.indexOf(self.row)

    def _room(self) -> int:
        """The height the tab view would get back in its column: what its row's share leaves, at most what
        the neighbour's least height leaves."""
        found = self._column()
        if found is None:
            return 0
        column, place = found
        free = column.geometry().height() - column.spacing()
        stretches = [column.stretch(i) for i in range(column.count())]
        stretches[place] = self._stretch
        share = free * self._stretch // sum(stretches) if sum(stretches) else free // column.count()
        return min(free - self.neighbour.minimumSizeHint().height(), share)

    def _hide_for(self, reason: str, hide: bool) -> None:
        was_hidden = bool(self.hidden_for)
        if hide:
            self.hidden_for.add(reason)
        else:
            self.hidden_for.discard(reason)
        if bool(self.hidden_for) == was_hidden:
            return
        found = self._column()
        if found is not None and not was_hidden:
            self._stretch = found[0].stretch(found[1])
        self.tabs.setVisible(not self.hidden_for)
        if found is not None:
            # An empty row keeps its stretch's share: hidden, the activation space stopped 189 px short.
            found[0].setStretch(found[1], 0 if self.hidden_for else self._stretch)
