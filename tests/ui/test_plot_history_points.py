"""HistoryCurve.set_finite (the loss and gradient plots' redraw) shows what setData shows: the
same points through pyqtgraph's log mapping, clipping and downsampling, the same pixels, and a
new pen at once; a curve not yet set up through setData takes setData itself."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from playground.ui.plots.curves import HistoryCurve
from playground.ui.plots.loss import LossPlot


def _plot(qtbot, log: bool) -> tuple[pg.PlotWidget, HistoryCurve]:
    widget = pg.PlotWidget()
    widget.resize(240, 160)
    qtbot.addWidget(widget)
    widget.show()
    curve = HistoryCurve(antialias=True, connect="all", skipFiniteCheck=True)
    widget.getPlotItem().addItem(curve)
    curve.setDownsampling(auto=True, method="peak")  # after addItem, which sets the plot's modes
    curve.setClipToView(True)
    widget.getPlotItem().setLogMode(y=log)
    widget.getPlotItem().getViewBox().disableAutoRange()
    widget.getPlotItem().getViewBox().setRange(xRange=(0, 3000), yRange=(-3, 1) if log else (0, 2), padding=0)
    curve.setPen(pg.mkPen("#0072B2", width=1))
    qtbot.waitExposed(widget)
    qtbot.wait(10)  # laid out: the view has its pixel size, which downsampling reads
    return widget, curve


def _history(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.arange(n, dtype=float)
    return x, np.exp(-x / 800) * (1 + 0.3 * rng.random(n)) + 1e-3


def _drawn(widget: pg.PlotWidget, curve: HistoryCurve) -> tuple:
    """What ``curve`` holds and draws: its points, the points its line is drawn through, the pixels."""
    return (
        curve.xData.copy(),
        curve.yData.copy(),
        curve.curve.xData.copy(),
        curve.curve.yData.copy(),
        widget.grab().toImage(),
    )


def _same_as_set_data(widget: pg.PlotWidget, curve: HistoryCurve, x: np.ndarray, y: np.ndarray) -> None:
    """``set_finite(x, y)`` leaves ``curve`` holding and drawing what ``setData`` then gives it."""
    curve.set_finite(x, y)
    fast = _drawn(widget, curve)
    curve.setData(x, y, skipFiniteCheck=True)
    plain = _drawn(widget, curve)
    for left, right in zip(fast[:4], plain[:4]):
        np.testing.assert_array_equal(left, right)
    assert fast[4] == plain[4]


@pytest.mark.parametrize("log", [False, True])
def test_set_finite_draws_what_set_data_draws(qtbot, log: bool) -> None:
    widget, curve = _plot(qtbot, log)
    # 4,000 points in 240 px (downsampled), past the view's right end (clipped), growing as in training.
    for n in (30, 31, 2500, 4000):
        _same_as_set_data(widget, curve, *_history(n))
    assert len(curve.curve.xData) < 4000  # clipped to the view and downsampled to its pixels
    # A new pen shows at once, and the points after it are drawn in it.
    curve.setPen(pg.mkPen("#D55E00", width=2))
    _same_as_set_data(widget, curve, *_history(4100, seed=1))
    assert curve.curve.opts["pen"].color().name() == "#d55e00"


def test_a_fresh_curve_and_empty_points_take_set_data(qtbot) -> None:
    widget, curve = _plot(qtbot, False)
    fresh = HistoryCurve(antialias=True, connect="all", skipFiniteCheck=True)
    widget.getPlotItem().addItem(fresh)
    x, y = _history(50)
    fresh.set_finite(x, y)  # never set up by setData: setData itself
    np.testing.assert_array_equal(fresh.yData, y)
    assert fresh.curve.isVisible()
    curve.set_finite(x, y)
    curve.set_finite(np.zeros(0), np.zeros(0))
    assert curve.xData is None and not curve.curve.isVisible()  # emptied, as setData empties


def test_loss_plot_curves_follow_the_history(qtbot) -> None:
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(360, 220)
    plot.show()
    for n in (5, 6, 40):
        x, loss = _history(n)
        plot.update_history(x, loss, loss * 1.5, 100 - loss, 90 - loss)
        assert plot.curve_point_count() == {"train loss": n, "test loss": n, "train metric": n, "test metric": n}
        np.testing.assert_array_equal(plot._train.yData, loss)
        np.testing.assert_array_equal(plot._test.curve.yData, loss * 1.5)  # drawn (40 points: no downsampling)


def test_long_runs_are_drawn_downsampled_to_the_pixels(qtbot) -> None:
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(360, 220)
    plot.show()
    qtbot.waitExposed(plot)
    x, loss = _history(20_000)
    plot.update_history(x, loss, loss * 1.5, 100 - loss, 90 - loss)
    plot.update_history(x, loss, loss * 1.5, 100 - loss, 90 - loss)  # drawn at the view's new range
    for name, curve in plot._curves.items():
        assert curve.opts["autoDownsample"] and curve.opts["clipToView"], name
        assert len(curve.xData) == 20_000  # every epoch kept
        assert len(curve.curve.xData) < 5_000, name  # a few points a pixel column drawn
        # Peak downsampling keeps the envelope: the drawn curve reaches the data's extremes.
        assert curve.curve.yData.max() == pytest.approx(curve.yData.max())
