"""Base of the plots that show a quantity per epoch (loss, gradient norms).

It owns what they share: named curves registered in a legend, a finite-only
(optionally log-safe) way of setting their data, the timeline marker, and the
point counts the tests read.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg

from playground.ui.plots.curves import HistoryCurve
from playground.ui.plots.style import ThemedPlot

LOG_FLOOR = 1e-12  # zeros would vanish from a log axis (log10(0) = -inf); clip them here


def finite_series(x: Sequence[float], y: Sequence[float], log: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` as float arrays without the pairs where either is NaN or infinite.

    With ``log``, values are raised to at least :data:`LOG_FLOOR` so that zeros stay on the plot.
    The arrays are copies: a curve keeps them, and compares the next ones with them.
    """
    x = np.array(x, dtype=np.float64).ravel()
    y = np.array(y, dtype=np.float64).ravel()
    n = min(len(x), len(y))
    x, y = x[:n], y[:n]
    if not (all_finite(x) and all_finite(y)):
        keep = np.isfinite(x) & np.isfinite(y)
        x, y = x[keep], y[keep]
    if log and len(y) and float(y.min()) < LOG_FLOOR:
        y = np.maximum(y, LOG_FLOOR)
    return x, y


def all_finite(values: np.ndarray) -> bool:
    """Whether every value is finite, in two reductions and no temporary array (the history
    columns grow by an epoch a step: a long run's checks were most of a curve's redraw).
    A NaN makes the minimum NaN, an infinity the minimum or the maximum infinite."""
    return not len(values) or bool(np.isfinite(values.min()) and np.isfinite(values.max()))


def finite_range(arrays: Sequence[np.ndarray]) -> tuple[float, float] | None:
    """The least and the greatest finite value over ``arrays``, None when none is finite."""
    lows, highs = [], []
    for values in arrays:
        values = np.ravel(values)
        if not all_finite(values):
            values = values[np.isfinite(values)]
        if len(values):
            lows.append(float(values.min()))
            highs.append(float(values.max()))
    return (min(lows), max(highs)) if lows else None


_STEPS = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def round_up(value: float) -> float:
    """The smallest number of the form step x 10^k (steps about 25% apart) that is >= value > 0."""
    scale = 10.0 ** float(np.floor(np.log10(value)))
    return next(step * scale for step in _STEPS if step * scale >= value * (1 - 1e-12))


class HistoryPlot(ThemedPlot):
    """A per-epoch plot: curves by name, a legend, an optional vertical epoch marker."""

    def __init__(self, object_name: str, labels: dict[str, str], parent=None, legend_column_step: int = 1) -> None:
        super().__init__(object_name, labels, parent=parent)
        item = self.getPlotItem()
        # No axis grid: pyqtgraph's grid costs ~15 ms a repaint here, 30x the curves themselves.
        # The view follows the data; a manual zoom would switch that off for good.
        item.getViewBox().setMouseEnabled(x=False, y=False)
        # Both axes are set by _follow, in round steps (see there).
        item.getViewBox().disableAutoRange()
        self._shown_range: tuple[float, float, float, float] | None = None
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._legend_entries: list[tuple[pg.PlotDataItem, str]] = []
        self._legend = self._add_legend(legend_column_step)
        self._marker = pg.InfiniteLine(angle=90, movable=False)
        self._marker.setZValue(5)
        self._marker.hide()
        item.addItem(self._marker, ignoreBounds=True)

    def set_marker(self, epoch: float | None) -> None:
        """Draw a vertical line at ``epoch`` (e.g. the timeline position); None removes it."""
        if epoch is None or not np.isfinite(epoch):
            self._marker.hide()
            return
        self._marker.setValue(float(epoch))
        self._marker.show()

    def _follow(self, epochs: Sequence[float], values: Sequence[np.ndarray], log: bool) -> None:
        """Show epochs 0 to a round number just past the newest, and the values in round bounds.

        The view then changes every few dozen epochs instead of every frame, and so
        do the axis labels, whose layout is the dearest part of a repaint. With
        ``log`` the value bounds are whole decades (view coordinates are log10).
        """
        newest = float(np.nanmax(epochs)) if len(epochs) else 0.0
        # Only the extremes matter (log10 and the floor keep their order): no joined copy, no mask.
        extremes = finite_range(values)
        if log:
            if extremes is None:
                low, high = -1.0, 0.0
            else:
                low, high = (float(f(np.log10(max(v, LOG_FLOOR)))) for f, v in zip((np.floor, np.ceil), extremes))
            high = max(high, low + 1.0)
        elif extremes is not None:
            least, most = extremes
            low = 0.0 if least >= 0 else -round_up(-least)
            high = round_up(most) if most > 0 else 1.0
        else:
            low, high = 0.0, 1.0
        shown = (0.0, round_up(max(newest, 10.0)), float(low), float(high))
        if shown != self._shown_range:
            self._shown_range = shown
            view = self.getPlotItem().getViewBox()
            view.setRange(xRange=shown[:2], yRange=shown[2:], padding=0.03)

    def curve_point_count(self) -> dict[str, int]:
        """Points drawn per curve, by curve name (curves without data count 0)."""
        return {name: len(curve.xData if curve.xData is not None else ()) for name, curve in self._curves.items()}

    def _new_curve(self, name: str, view: pg.ViewBox | None = None) -> pg.PlotDataItem:
        """A curve registered under ``name``, added to ``view`` (default: the main view)."""
        # Only finite points are given (finite_series), and downsampling and clipping keep them
        # finite: without connect="all" pyqtgraph takes the clipped data as unchecked and checks
        # every point again, for the path and for the bounds, each frame.
        curve = HistoryCurve(antialias=True, connect="all", skipFiniteCheck=True)
        if view is None:
            self.getPlotItem().addItem(curve)
        else:
            view.addItem(curve)
        # Long runs have thousands of epochs: draw only what is visible, downsampled to the pixels.
        # After addItem: PlotItem.addItem gives the curve the plot's own modes (none), which had
        # left the loss and gradient curves drawing every epoch of a long run.
        curve.setDownsampling(auto=True, method="peak")
        curve.setClipToView(True)
        self._curves[name] = curve
        return curve

    def _remove_curve(self, name: str) -> None:
        curve = self._curves.pop(name)
        item = self.getPlotItem()
        (item if curve in item.items else curve.getViewBox()).removeItem(curve)

    def _set_series(self, curve: pg.PlotDataItem, x, y, log: bool = False) -> None:
        """Give ``curve`` the finite points of ``(x, y)``; ``y=None`` empties it."""
        if y is None:
            # No test set: the curve stays empty frame after frame, and emptying it again
            # still costs pyqtgraph a pass of its pipeline.
            if curve.xData is None or len(curve.xData):
                curve.setData([], [])
            return
        x, y = finite_series(x, y, log)
        # The same points again (a paused session's frames, a redraw of the same history):
        # pyqtgraph would rebuild the path and the bounds all the same.
        shown = curve.xData, curve.yData
        if shown[0] is not None and np.array_equal(shown[0], x) and np.array_equal(shown[1], y):
            return
        # The points are finite already: pyqtgraph need not check them again.
        if isinstance(curve, HistoryCurve):
            curve.set_finite(x, y)
        else:
            curve.setData(x, y, skipFiniteCheck=True)

    def _set_legend(self, entries: list[tuple[pg.PlotDataItem, str]]) -> None:
        """Show exactly ``entries`` (curve, label) in the legend, rebuilding it only when they change."""
        if entries == self._legend_entries:
            return
        self._legend_entries = list(entries)
        self._legend.clear()
        for curve, label in entries:
            self._legend.addItem(curve, label)
        self._fit_legend()

    def _theme_changed(self) -> None:
        self._marker.setPen(pg.mkPen(self.theme.marker, width=1))
