"""The plots skip work whose input did not change, and still draw every change.

Each test reads what the pyqtgraph items hold (the map image, the curves' data and
bounds, the scatter positions and rects) after an unchanged and after a changed
frame, so a cache that kept a stale picture fails here.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFont, QFontMetricsF

from playground.ui.plots.activation_space import ActivationSpacePlot
from playground.ui.plots.boundary import BoundaryPlot
from playground.ui.plots.curves import BoundedCurve
from playground.ui.plots.loss import LossPlot
from playground.ui.plots.style import FONT_PT, LABEL_PT, fitted_label

COLORS = ("#E69F00", "#56B4E9")


def _shown(qtbot, widget, size=(400, 300)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _ramp(n: int, shift: float) -> np.ndarray:
    """A two-class probability map over an n x n grid whose 50% line is the column at ``shift``."""
    x = np.linspace(-1.0, 1.0, n)
    p1 = 1.0 / (1.0 + np.exp(-8.0 * (x[None, :] - shift))) * np.ones((n, 1))
    return np.stack([1.0 - p1, p1], axis=-1)


def test_boundary_map_is_kept_for_the_same_values_and_redrawn_for_new_ones(qtbot):
    plot = _shown(qtbot, BoundaryPlot())
    plot.set_map(_ramp(40, -0.3), "classification")
    first = plot.map_image()
    line_x = plot._line.xData.copy()

    plot.set_map(_ramp(40, -0.3).copy(), "classification")  # equal values, a new array
    assert plot.map_image() is first  # not converted again

    plot.set_map(_ramp(40, 0.4), "classification")
    moved = plot.map_image()
    assert moved is not first and not np.array_equal(moved, first)
    # The 50% line moved right with the map (domain -6..6: shift 0.4 of the half-width is x = 2.4).
    assert np.median(plot._line.xData) == pytest.approx(2.4, abs=0.3)
    assert np.median(line_x) == pytest.approx(-1.8, abs=0.3)


def test_boundary_lines_report_the_domain_as_their_bounds(qtbot):
    plot = _shown(qtbot, BoundaryPlot())
    plot.set_map(_ramp(40, 0.1), "classification")
    lo, hi = plot.domain
    rect = plot._line.boundingRect()
    for x, y in zip(plot._line.xData, plot._line.yData):
        assert rect.contains(QPointF(x, y))
    assert plot._line.dataBounds(0) == (lo, hi) and plot._line.dataBounds(1) == (lo, hi)


def test_loss_curve_takes_each_new_epoch_and_keeps_the_same_history(qtbot):
    plot = _shown(qtbot, LossPlot())
    epochs = np.arange(10.0)
    loss = np.linspace(1.0, 0.5, 10)
    plot.update_history(epochs, loss)
    curve = plot._train
    before = curve.curve.path

    plot.update_history(epochs.copy(), loss.copy())  # the same history again
    assert curve.curve.path is before or before is None  # no new data given to the curve

    epochs2, loss2 = np.arange(11.0), np.append(loss, 0.25)
    plot.update_history(epochs2, loss2)
    x, y = curve.getData()
    assert list(x) == list(epochs2) and y[-1] == 0.25
    # The drawn curve's bounds follow the new lowest value.
    assert curve.curve.dataBounds(1) == (0.25, 1.0)
    assert curve.curve.boundingRect().contains(QPointF(10.0, 0.26))


def test_bounded_curve_uses_given_bounds_and_falls_back_to_its_data():
    curve = BoundedCurve()
    curve.setData([0.0, 1.0, 2.0], [5.0, -1.0, 3.0], skipFiniteCheck=True)
    assert curve.dataBounds(0) == (0.0, 2.0) and curve.dataBounds(1) == (-1.0, 5.0)
    curve.set_bounds((-10.0, 10.0), (-20.0, 20.0))
    assert curve.dataBounds(0) == (-10.0, 10.0) and curve.dataBounds(1) == (-20.0, 20.0)
    curve.set_bounds(None)
    curve.setData([0.0, np.nan, 4.0], [1.0, 2.0, np.nan], skipFiniteCheck=False)  # pyqtgraph's nan-aware bounds
    assert curve.dataBounds(0) == (0.0, 4.0) and curve.dataBounds(1) == (1.0, 2.0)


def test_activation_scatter_and_grid_follow_points_that_move(qtbot):
    plot = _shown(qtbot, ActivationSpacePlot())
    y = np.array([0, 0, 1, 1])
    grid = [np.array([[0.0, 0.0], [1.0, 1.0]])]
    first = np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 0.0], [0.0, 1.0]])
    plot.update_space(first, y, "classification", COLORS, grid_lines=grid)
    qtbot.wait(10)
    items = plot._points._items
    rects = [item.boundingRect() for item in items]  # fills the cache
    assert rects == [item.boundingRect() for item in items]

    moved = first * 3.0 + 5.0  # the same points, elsewhere (moved in place, same count)
    moved_grid = [grid[0] * 4.0 - 2.0]
    plot.update_space(moved, y, "classification", COLORS, grid_lines=moved_grid)
    drawn = plot.drawn_points()
    assert np.array_equal(drawn[(0, False)], moved[:2]) and np.array_equal(drawn[(1, False)], moved[2:])
    for item in items[::2]:
        rect = item.boundingRect()
        for x, yy in zip(*item.getData()):
            assert rect.contains(QPointF(x, yy))
    # The bounds set on the move are those pyqtgraph works out from the data.
    item = items[0]
    pad = item._maxSpotWidth * 0.7072
    assert item.dataBounds(0) == pytest.approx((moved[:2, 0].min() - pad, moved[:2, 0].max() + pad))
    assert item.dataBounds(1) == pytest.approx((moved[:2, 1].min() - pad, moved[:2, 1].max() + pad))
    grid_rect = plot._grid.boundingRect()
    assert grid_rect.contains(QPointF(-2.0, -2.0)) and grid_rect.contains(QPointF(2.0, 2.0))
    assert plot._grid.dataBounds(0) == (-2.0, 2.0)


def _widest(lines: str, points: float) -> float:
    font = QFont()
    font.setPointSizeF(points)
    return max(QFontMetricsF(font).horizontalAdvance(line) for line in lines.split("\n"))


def test_fitted_label_keeps_a_title_that_fits_and_shrinks_or_wraps_one_that_does_not(qtbot):
    assert fitted_label("main other direction", None, 1.4) == ("main other direction", LABEL_PT * 1.4)
    assert fitted_label("main other direction", 1000.0, 1.4) == ("main other direction", LABEL_PT * 1.4)
    lines, points = fitted_label("main other direction", 110.0, 1.4)
    assert lines.replace("\n", " ") == "main other direction"  # no word lost
    assert points >= FONT_PT and _widest(lines, points) + 8 <= 110.0


def test_presentation_mode_activation_title_fits_its_short_axis(qtbot):
    """At 1280x720 in presentation mode the activation plot is about 110 px high: its left title
    ("main other direction") read "main other direc", cut off by the plot's edge."""
    plot = _shown(qtbot, ActivationSpacePlot(), size=(500, 190))
    plot.set_presentation_scale(1.4)
    plot.update_space(
        np.zeros((0, 2)), np.zeros(0), "classification", COLORS, axis_labels=("x", "main other direction")
    )
    qtbot.waitUntil(lambda: plot.shown_axis_label("left")[0] != "main other direction", timeout=2000)
    lines, points = plot.shown_axis_label("left")
    room = plot.getPlotItem().getViewBox().height()
    assert _widest(lines, points) + 8 <= room
    drawn = plot.getPlotItem().getAxis("left").label.toPlainText()
    assert drawn.split() == ["main", "other", "direction"]  # every word is drawn
    assert plot.axis_label("left") == "main other direction"


def test_activation_grid_breaks_at_a_non_finite_point_and_between_lines(qtbot):
    plot = _shown(qtbot, ActivationSpacePlot())
    broken = np.array([[0.0, 0.0], [1.0, 1.0], [np.nan, 2.0], [3.0, 3.0], [4.0, 4.0]])
    other = np.array([[0.0, 1.0], [1.0, 2.0]])
    plot.update_space(np.zeros((0, 2)), np.zeros(0), "classification", COLORS, grid_lines=[broken, other])
    joins = plot._grid.opts["connect"]
    # 0-1 joined, 1 and 3 not joined to the NaN point 2, 3-4 joined, 4 (a line's end) not to 5, 5-6 joined.
    assert joins.tolist() == [True, False, False, True, False, True, False]
    x, y = plot._grid.getData()
    assert len(x) == 7 and x[3] == 3.0


def test_activation_grid_given_as_one_array_joins_as_the_same_lines_given_as_a_list(qtbot):
    plot = _shown(qtbot, ActivationSpacePlot())
    lines = np.random.default_rng(4).normal(size=(4, 6, 2))
    lines[1, 2] = np.nan  # a gap within the second line
    drawn = []
    for given in (list(lines), lines):
        plot.update_space(np.zeros((0, 2)), np.zeros(0), "classification", COLORS, grid_lines=given)
        drawn.append((plot._grid.opts["connect"].copy(), *(v.copy() for v in plot._grid.getData())))
    assert drawn[1][0].tolist() == drawn[0][0].tolist()
    assert drawn[1][0].sum() == 4 * 5 - 2  # five joins a line, less the two at the gap
    np.testing.assert_array_equal(drawn[1][1], drawn[0][1])
    np.testing.assert_array_equal(drawn[1][2], drawn[0][2])


def test_history_curves_draw_finite_points_joined_without_a_second_check(qtbot):
    plot = _shown(qtbot, LossPlot())
    plot.update_history(np.arange(5.0), np.array([1.0, np.nan, 0.5, np.inf, 0.25]))
    inner = plot._train.curve
    x, y = inner.getData()
    assert list(x) == [0.0, 2.0, 4.0] and list(y) == [1.0, 0.5, 0.25]  # non-finite epochs left out
    assert inner.opts["connect"] == "all" and inner.opts["skipFiniteCheck"]
    assert inner.dataBounds(1) == (0.25, 1.0)


def test_a_fitted_title_follows_shrinking_at_once_but_grows_back_only_for_real_room(qtbot):
    """A title set on two lines thickens its axis and resizes the view beside it, which refitted
    the other titles: with a few pixels of room coming back they flipped to and fro for ever (the
    long monkey drive froze in that layout loop). Shrinking refits at once; growing needs room."""
    plot = _shown(qtbot, ActivationSpacePlot(), size=(500, 400))
    plot.set_presentation_scale(1.4)
    plot.update_space(
        np.zeros((0, 2)), np.zeros(0), "classification", COLORS, axis_labels=("x", "main other direction")
    )
    assert plot.shown_axis_label("left")[0] == "main other direction"
    view = plot.getPlotItem().getViewBox()
    frame = plot.height() - view.height()  # the axes' and margins' share of the plot's height
    plot.resize(500, round(frame + 100))  # 100 px of room: two lines at the 10 pt minimum
    qtbot.waitUntil(lambda: plot.shown_axis_label("left")[0] != "main other direction", timeout=2000)
    compact = plot.shown_axis_label("left")
    assert compact[1] == FONT_PT
    room = view.height()
    # 20 px more: enough for a larger size (fitted_label gives 14 pt from 115 px), not worth a refit.
    plot.resize(500, plot.height() + 20)
    qtbot.waitUntil(lambda: view.height() > room + 15, timeout=2000)
    qtbot.wait(50)
    assert fitted_label("main other direction", view.height(), 1.4) != compact
    assert plot.shown_axis_label("left") == compact
    plot.resize(500, 400)  # real room again: it grows back to one line
    qtbot.waitUntil(lambda: plot.shown_axis_label("left")[0] == "main other direction", timeout=2000)


def _activation_frames():
    """A trained default-size session's frame, the same model's frame made again (equal
    content, new arrays), and the frame after one more epoch."""
    from playground.data import make_dataset
    from playground.training import Trainer, TrainingConfig
    from playground.ui.session.worker import make_frame

    dataset = make_dataset("spiral", n=200, noise=0.1, seed=0, test_fraction=0.3)
    trainer = Trainer(dataset, TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="adam", seed=0))
    stats = trainer.step(40)
    first, again = make_frame(trainer, False, stats), make_frame(trainer, False, stats)
    return first, again, make_frame(trainer, False, trainer.step(1))


def test_activation_view_skips_a_frame_that_shows_the_same_and_draws_one_that_does_not(qtbot, monkeypatch):
    from playground.ui.plots.activation_view import ActivationView

    first, again, later = _activation_frames()
    assert again.grid_a[0] is not first.grid_a[0] and np.array_equal(again.grid_a[0], first.grid_a[0])
    view = _shown(qtbot, ActivationView(), (460, 460))
    updates = []
    real = view.plot.update_space
    monkeypatch.setattr(view.plot, "update_space", lambda *a, **k: updates.append(a[0]) or real(*a, **k))

    def drawn_matches(frame) -> bool:
        # The drawn points are the chosen (last hidden) layer's activations on the plane drawn.
        expected = view.plane().project(frame.point_a[view.layer_box.currentIndex()])
        drawn = np.concatenate(list(view.plot.drawn_points().values()))
        return len(drawn) == len(expected) and np.allclose(np.sort(drawn, axis=0), np.sort(expected, axis=0))

    view.show_frame(first)
    assert len(updates) == 1 and drawn_matches(first)
    view.show_frame(again)  # a paused session's frame after, say, a new learning rate
    assert len(updates) == 1  # nothing to draw
    assert view._frame is again and drawn_matches(again)

    view.show_frame(later)  # the model moved on: drawn
    assert len(updates) == 2 and drawn_matches(later)
    assert not drawn_matches(first)

    view.kind_box.setCurrentIndex(view.kind_box.findData("z"))  # another choice: drawn, frame unchanged
    assert len(updates) == 3
    view.show_frame(later)
    assert len(updates) == 3
    view.kind_box.setCurrentIndex(view.kind_box.findData("a"))
    assert len(updates) == 4 and drawn_matches(later)


def test_curve_rect_keeps_the_pixel_size_until_the_view_moves_and_matches_pyqtgraphs(qtbot, monkeypatch):
    import pyqtgraph as pg

    widget = _shown(qtbot, pg.PlotWidget())
    view = widget.getPlotItem().getViewBox()
    view.setRange(xRange=(0, 10), yRange=(0, 5), padding=0)
    view.updateMatrix()
    curve = BoundedCurve(pen=pg.mkPen("k", width=3), skipFiniteCheck=True)
    widget.addItem(curve)
    vectors = []
    real = pg.GraphicsObject.pixelVectors
    monkeypatch.setattr(pg.GraphicsObject, "pixelVectors", lambda self, *a: vectors.append(self) or real(self, *a))

    def pyqtgraphs() -> tuple[float, ...]:
        curve._boundingRect = None
        return pg.PlotCurveItem.boundingRect(curve).getRect()

    def x_padding(rect, x) -> float:
        return (rect[2] - (x.max() - x.min())) / 2

    rng = np.random.default_rng(2)
    x, y = rng.random(50) * 10, rng.random(50) * 5
    curve.setData(x, y)
    first = x_padding(curve.boundingRect().getRect(), x)
    assert first > 0 and len(vectors) == 1
    for _ in range(3):  # new data, the same view: the pixel's size is not worked out again
        x, y = rng.random(50) * 10, rng.random(50) * 5
        curve.setData(x, y)
        rect = curve.boundingRect()
        assert rect.left() < x.min() and rect.right() > x.max() and rect.top() < y.min()
    assert len(vectors) == 1
    assert curve.boundingRect().getRect() == pytest.approx(pyqtgraphs())

    seen = len(vectors)
    view.setRange(xRange=(0, 100), yRange=(0, 5), padding=0)  # ten times wider a pixel along x
    view.updateMatrix()  # as the next paint would
    curve.setData(x, y)
    moved = curve.boundingRect().getRect()
    assert len(vectors) == seen + 1  # worked out again, once, for the new view
    assert x_padding(moved, x) == pytest.approx(10 * first)
    assert moved == pytest.approx(pyqtgraphs())


def test_finite_rows_and_the_activation_bounds_leave_out_rows_with_a_non_finite_coordinate():
    from playground.ui.plots.activation_space import _bounds
    from playground.ui.plots.points import finite_rows

    xy = np.array([[0.0, 1.0], [np.nan, 5.0], [2.0, -np.inf], [-3.0, 4.0], [1.0, 9.0]])
    assert finite_rows(xy).tolist() == [True, False, False, True, True]
    wide = np.ones((3, 5))
    wide[1, 4] = np.nan
    assert finite_rows(wide).tolist() == [True, False, True]
    assert finite_rows(np.empty((0, 2))).shape == (0,)
    grid = np.array([[10.0, -2.0], [np.inf, 0.0]])
    np.testing.assert_array_equal(_bounds([xy, grid]), [[-3.0, -2.0], [10.0, 9.0]])
    np.testing.assert_array_equal(_bounds([xy]), [[-3.0, 1.0], [1.0, 9.0]])
    assert _bounds([np.full((2, 2), np.nan), np.empty((0, 2))]) is None
