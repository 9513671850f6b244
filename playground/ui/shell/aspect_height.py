"""Keep a plot with a locked aspect as tall as its picture at its width, no taller.

A dock beside the plots is tall and narrow (about 290 x 600 px at 1280x720). A
plot with equal units on both axes stretched to the dock's height drew its square
picture in a third of its height, blank above and below. Capping the plot's
height where its data area has the picture's shape gives the rest of the dock to
what follows (the words under it, a stretch).
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QTimer

QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum" for a widget's size (PySide6 does not export it)
_SLACK = 2  # px: differences below this are rounding, not worth a relayout


class AspectHeight(QObject):
    """Caps ``plot``'s height so that its data area is ``aspect()`` (height over width) times as tall as wide.

    ``aspect`` is asked at each fit (a new picture may have another shape): call :meth:`refit` when it changes.
    """

    def __init__(self, plot, aspect: Callable[[], float] = lambda: 1.0) -> None:
        super().__init__(plot)
        self.plot = plot
        self._aspect = aspect
        self._timer = QTimer(self, singleShot=True, interval=0)  # after the layout that resized the view
        self._timer.timeout.connect(self.fit)
        plot.getPlotItem().getViewBox().sigResized.connect(self._timer.start)

    def refit(self) -> None:
        """Fit again once the events now pending (a new picture's layout) are handled."""
        self._timer.start()

    def fit(self) -> None:
        """Cap the plot's height where its data area has the wanted shape (not below its minimum)."""
        view = self.plot.getPlotItem().getViewBox()
        width, height = view.width(), view.height()
        if width <= 0:
            return
        wanted = width * self._aspect()
        if abs(wanted - height) <= _SLACK and self.plot.maximumHeight() < QWIDGETSIZE_MAX:
            return
        cap = round(self.plot.height() + wanted - height)
        self.plot.setMaximumHeight(max(cap, self.plot.minimumSizeHint().height()))
