"""HistoryCurve's own peak downsampling draws what pyqtgraph's draws: the same points for the
same data and view (linear and log, clipped to the view, a range too wide for the view that
pyqtgraph limits, a view that moves), and peak_downsample gives pyqtgraph's blocks."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from playground.ui.plots.curves import HistoryCurve, peak_downsample


def _pair(qtbot, log: bool) -> tuple[pg.PlotWidget, HistoryCurve, pg.PlotDataItem]:
    """A plot holding a HistoryCurve and a plain PlotDataItem with the history plots' settings."""
    widget = pg.PlotWidget()
    widget.resize(300, 180)
    qtbot.addWidget(widget)
    widget.show()
    item = widget.getPlotItem()
    ours = HistoryCurve(antialias=True, connect="all", skipFiniteCheck=True)
    plain = pg.PlotDataItem(antialias=True, connect="all", skipFiniteCheck=True)
    for curve in (ours, plain):
        item.addItem(curve)
        curve.setDownsampling(auto=True, method="peak")
        curve.setClipToView(True)
    item.setLogMode(y=log)
    item.getViewBox().disableAutoRange()
    item.getViewBox().setRange(xRange=(0, 30_000), yRange=(-3, 1) if log else (0, 2), padding=0)
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: item.getViewBox().width() > 100)  # laid out: downsampling reads the view's width
    return widget, ours, plain


def _history(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.arange(1, n + 1, dtype=float)
    return x, np.exp(-x / 5000) * (1 + 0.3 * rng.random(n)) + 1e-3


def _assert_same_drawn(ours: HistoryCurve, plain: pg.PlotDataItem) -> None:
    assert ours.curve.xData is not None and len(ours.curve.xData) == len(plain.curve.xData)
    np.testing.assert_array_equal(ours.curve.xData, plain.curve.xData)
    np.testing.assert_array_equal(ours.curve.yData, plain.curve.yData)


@pytest.mark.parametrize("log", [False, True])
def test_history_curve_draws_pyqtgraphs_peaks(qtbot, log: bool) -> None:
    widget, ours, plain = _pair(qtbot, log)
    for n in (50, 2_000, 20_000, 40_000):  # no blocks, narrow blocks, wide ones, past the view's right end
        x, y = _history(n, seed=n)
        ours.setData(x, y, skipFiniteCheck=True)  # set up as the plots do, then new points each frame
        ours.set_finite(x, y)
        plain.setData(x, y, skipFiniteCheck=True)
        _assert_same_drawn(ours, plain)
    assert len(ours.curve.xData) < 20_000  # downsampled
    # The view moves (the plots' round steps): both draw the data again for it.
    widget.getPlotItem().getViewBox().setRange(xRange=(0, 12_000), padding=0)
    _assert_same_drawn(ours, plain)
    widget.getPlotItem().getViewBox().setRange(xRange=(0, 60_000), padding=0)
    _assert_same_drawn(ours, plain)


def test_a_range_pyqtgraph_limits_is_limited_and_kept_alike(qtbot) -> None:
    widget, ours, plain = _pair(qtbot, False)
    x, y = _history(20_000, seed=1)
    y[::997] = 1e9  # a diverging run: far beyond a million view heights
    for curve in (ours, plain):
        curve.setData(x, y, skipFiniteCheck=True)
    _assert_same_drawn(ours, plain)
    assert ours.curve.yData.max() < 1e9  # clipped to the range pyqtgraph limits the display to
    # A small move of the view keeps the limited display (pyqtgraph's cache), not downsampled twice.
    widget.getPlotItem().getViewBox().setRange(yRange=(0, 2.1), padding=0)
    _assert_same_drawn(ours, plain)


@pytest.mark.parametrize("ds", [2, 7, 24, 25, 90, 1000, 1500])
def test_peak_downsample_gives_each_blocks_maximum_then_minimum(ds: int) -> None:
    rng = np.random.default_rng(ds)
    x = np.arange(1000, dtype=float) * 0.5
    y = rng.normal(size=1000)
    xs, ys = peak_downsample(x, y, ds)
    n = 1000 // ds
    blocks = y[: n * ds].reshape(n, ds)
    np.testing.assert_array_equal(ys, np.column_stack([blocks.max(axis=1), blocks.min(axis=1)]).ravel())
    np.testing.assert_array_equal(xs, np.repeat(x[ds // 2 : ds // 2 + n * ds : ds], 2))
