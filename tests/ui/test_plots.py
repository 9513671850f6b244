"""The plot widgets, offscreen: pictures checked pixel by pixel, signals, point and curve counts."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage

from playground.data import DOMAIN
from playground.data.palette import OKABE_ITO, hex_to_rgb
from playground.training import grid_points
from playground.ui.plots.activation_space import ActivationSpacePlot, pca_2d
from playground.ui.plots.boundary import BoundaryPlot
from playground.ui.plots.colors import MAP_STRENGTH
from playground.ui.plots.gradients import GradientPlot
from playground.ui.plots.loss import LossPlot
from playground.ui.plots.style import DARK, LIGHT

N = 60  # map resolution used by the tests


# -- helpers ---------------------------------------------------------------------------------


def show(qtbot, widget, size=(420, 420)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.wait(50)  # let the layout settle before mapping coordinates
    return widget


def to_widget(pw, x, y) -> QPoint:
    """Data coordinates -> widget pixel (the route a test click takes)."""
    vb = pw.getPlotItem().getViewBox()
    return pw.viewport().mapTo(pw, pw.mapFromScene(vb.mapViewToScene(QPointF(x, y))))


def grab_rgba(widget) -> tuple[np.ndarray, float]:
    """The widget as an (h, w, 4) uint8 RGBA array, and its device pixel ratio."""
    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    h, w, stride = img.height(), img.width(), img.bytesPerLine()
    rows = np.frombuffer(img.constBits(), dtype=np.uint8, count=h * stride).reshape(h, stride)
    return rows[:, : w * 4].reshape(h, w, 4).copy(), img.devicePixelRatioF()


def pixel(widget, x, y) -> np.ndarray:
    rgba, dpr = grab_rgba(widget)
    p = to_widget(widget, x, y)
    return rgba[int(round(p.y() * dpr)), int(round(p.x() * dpr)), :3].astype(int)


def map_colour(hex_color, bg=LIGHT.background):
    bg, c = np.array(hex_to_rgb(bg)), np.array(hex_to_rgb(hex_color))
    return np.rint(bg + (c - bg) * MAP_STRENGTH)


def step_map(axis):
    """Class 1 is certain where input ``axis`` > 0, class 0 elsewhere."""
    G = grid_points(N, DOMAIN)[0]
    p1 = (G[:, axis] > 0).astype(float)
    return np.stack([1 - p1, p1], axis=-1).reshape(N, N, 2)


@pytest.fixture
def boundary(qtbot):
    return show(qtbot, BoundaryPlot())


# -- boundary plot ---------------------------------------------------------------------------


def test_object_names(qtbot):
    assert BoundaryPlot().objectName() == "boundaryPlot"
    assert ActivationSpacePlot().objectName() == "activationPlot"
    assert LossPlot().objectName() == "lossPlot"
    assert GradientPlot().objectName() == "gradientPlot"


def test_map_is_not_flipped_left_right(boundary):
    boundary.set_map(step_map(axis=0), "classification")  # class 1 where x1 > 0
    np.testing.assert_allclose(pixel(boundary, 3.0, 0.5), map_colour(OKABE_ITO[1]), atol=2)
    np.testing.assert_allclose(pixel(boundary, -3.0, 0.5), map_colour(OKABE_ITO[0]), atol=2)


def test_map_is_not_transposed_or_flipped_up_down(boundary):
    boundary.set_map(step_map(axis=1), "classification")  # class 1 where x2 > 0
    np.testing.assert_allclose(pixel(boundary, 0.5, 3.0), map_colour(OKABE_ITO[1]), atol=2)
    np.testing.assert_allclose(pixel(boundary, 0.5, -3.0), map_colour(OKABE_ITO[0]), atol=2)


def test_map_covers_the_domain_and_not_beyond(boundary):
    boundary.set_map(step_map(axis=0), "classification")
    np.testing.assert_allclose(pixel(boundary, 5.9, -5.9), map_colour(OKABE_ITO[1]), atol=2)
    np.testing.assert_allclose(pixel(boundary, -5.9, 5.9), map_colour(OKABE_ITO[0]), atol=2)
    # The view is padded beyond the domain; there the plot background shows.
    assert pixel(boundary, 6.3, 0.5).tolist() == list(hex_to_rgb(LIGHT.background))


def test_view_is_fixed_on_the_domain(boundary):
    (x0, x1), (y0, y1) = boundary.getPlotItem().getViewBox().viewRange()
    assert x0 < -6 and x1 > 6 and y0 < -6 and y1 > 6
    assert x1 - x0 < 14 and y1 - y0 < 14
    boundary.set_points(np.array([[40.0, 40.0]]), np.array([0]), None, "classification")
    assert boundary.getPlotItem().getViewBox().viewRange()[0] == [x0, x1]  # no autorange


def test_k_class_map_and_boundary_lines(boundary):
    boundary.set_classes(OKABE_ITO[:3])
    G = grid_points(N, DOMAIN)[0]
    logits = np.stack([G[:, 0], -G[:, 0], G[:, 1] - 3], axis=-1) * 4
    P = np.exp(logits - logits.max(axis=1, keepdims=True))
    P = (P / P.sum(axis=1, keepdims=True)).reshape(N, N, 3)
    boundary.set_map(P, "classification")
    np.testing.assert_allclose(pixel(boundary, 4.0, -3.0), map_colour(OKABE_ITO[0]), atol=2)
    np.testing.assert_allclose(pixel(boundary, -4.0, -3.0), map_colour(OKABE_ITO[1]), atol=2)
    np.testing.assert_allclose(pixel(boundary, 0.0, 5.5), map_colour(OKABE_ITO[2]), atol=2)
    xs, ys = boundary._line.getData()
    assert len(xs) > 0 and len(xs) % 2 == 0


def test_regression_map_and_points(boundary):
    G = grid_points(N, DOMAIN)[0]
    boundary.set_points(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([-1.0, 1.0]), None, "regression")
    boundary.set_map(G[:, 0].reshape(N, N) / 6, "regression")
    left, right = pixel(boundary, -5.0, 2.0), pixel(boundary, 5.0, 2.0)
    assert left[0] > left[2] and right[2] > right[0]  # orange below the range's middle, blue above
    assert boundary.points_drawn() == 2


def test_non_finite_map_does_not_raise(boundary):
    P = step_map(axis=0)
    P[:10] = np.nan
    P[20, 20] = np.inf
    boundary.set_map(P, "classification")
    boundary.set_map(np.full((N, N), np.nan), "regression")
    assert pixel(boundary, 0.0, -5.9).tolist() == list(hex_to_rgb(LIGHT.background))


def test_points_drawn_counts_what_was_passed(boundary):
    rng = np.random.default_rng(0)
    X = rng.uniform(-5, 5, (300, 2))
    y = rng.integers(0, 2, 300)
    is_test = rng.random(300) < 0.3
    boundary.set_points(X, y, is_test, "classification")
    assert boundary.points_drawn() == 300
    boundary.set_points(X, y, is_test, "classification", show_test=False)
    assert boundary.points_drawn() == int((~is_test).sum())
    X[0] = np.nan
    boundary.set_points(X, y, is_test, "classification")
    assert boundary.points_drawn() == 299
    boundary.set_points(np.empty((0, 2)), np.empty(0, dtype=int), np.empty(0, dtype=bool), "classification")
    assert boundary.points_drawn() == 0


def test_points_are_drawn_in_their_class_colour(boundary):
    boundary.set_points(np.array([[2.0, 2.0]]), np.array([1]), np.array([False]), "classification")
    np.testing.assert_allclose(pixel(boundary, 2.0, 2.0), hex_to_rgb(OKABE_ITO[1]), atol=2)
    boundary.set_points(np.array([[2.0, 2.0]]), np.array([1]), np.array([True]), "classification")
    assert pixel(boundary, 2.0, 2.0).tolist() == list(hex_to_rgb(LIGHT.background))  # hollow


def test_many_points(boundary):
    rng = np.random.default_rng(1)
    X = rng.uniform(-6, 6, (12000, 2))
    y = rng.integers(0, 8, 12000)
    boundary.set_classes(OKABE_ITO)
    boundary.set_points(X, y, rng.random(12000) < 0.5, "classification")
    assert boundary.points_drawn() == 12000


def test_left_click_emits_data_coordinates(qtbot, boundary):
    target = (2.5, -1.25)
    p = to_widget(boundary, *target)
    with qtbot.waitSignal(boundary.sigClicked, timeout=1000) as blocker:
        qtbot.mouseMove(boundary.viewport(), p)
        qtbot.mouseClick(boundary.viewport(), Qt.MouseButton.LeftButton, pos=p)
    x, y, button, modifiers = blocker.args
    one_pixel = 13.0 / boundary.getPlotItem().getViewBox().width()
    assert abs(x - target[0]) <= one_pixel and abs(y - target[1]) <= one_pixel
    assert button == Qt.MouseButton.LeftButton
    assert not modifiers & Qt.KeyboardModifier.ShiftModifier


def test_right_click_with_shift_is_reported_not_a_menu(qtbot, boundary):
    p = to_widget(boundary, -4.0, 4.0)
    with qtbot.waitSignal(boundary.sigClicked, timeout=1000) as blocker:
        qtbot.mouseMove(boundary.viewport(), p)
        qtbot.mouseClick(boundary.viewport(), Qt.MouseButton.RightButton, Qt.KeyboardModifier.ShiftModifier, pos=p)
    x, y, button, modifiers = blocker.args
    assert button == Qt.MouseButton.RightButton
    assert modifiers & Qt.KeyboardModifier.ShiftModifier
    assert abs(x + 4.0) < 0.1 and abs(y - 4.0) < 0.1


def test_drag_reports_start_moves_and_finish(qtbot, boundary):
    events = []
    boundary.sigDragged.connect(lambda x, y, phase, button, mods: events.append((x, y, phase)))
    view = boundary.viewport()
    a, b, c = (to_widget(boundary, x, 0.0) for x in (-3.0, 0.0, 3.0))
    qtbot.mouseMove(view, a)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=a)
    for p in (b, c):
        qtbot.wait(20)  # pyqtgraph drops mouse moves closer than 10 ms apart
        qtbot.mouseMove(view, p)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=c)
    phases = [e[2] for e in events]
    assert phases[0] == BoundaryPlot.DRAG_START and phases[-1] == BoundaryPlot.DRAG_FINISH
    assert BoundaryPlot.DRAG_MOVE in phases
    assert abs(events[0][0] + 3.0) < 0.1 and abs(events[-1][0] - 3.0) < 0.1
    # Painting must not pan the view.
    (x0, x1), _ = boundary.getPlotItem().getViewBox().viewRange()
    assert x0 < -6 < 6 < x1


def test_brush_cursor_follows_the_mouse(qtbot, boundary):
    boundary.set_brush_cursor(1.0)
    p = to_widget(boundary, 1.0, 2.0)
    qtbot.mouseMove(boundary.viewport(), p)
    qtbot.wait(20)
    pos = boundary._cursor.pos()
    assert boundary._cursor.isVisible()
    assert abs(pos.x() - 1.0) < 0.1 and abs(pos.y() - 2.0) < 0.1
    boundary.set_brush_cursor(None)
    assert not boundary._cursor.isVisible()


def test_dark_theme_recolours_the_map(boundary):
    boundary.set_map(step_map(axis=0), "classification")
    boundary.apply_theme(True)
    np.testing.assert_allclose(pixel(boundary, 3.0, 0.5), map_colour(OKABE_ITO[1], bg=DARK.background), atol=2)
    assert pixel(boundary, 6.3, 0.5).tolist() == list(hex_to_rgb(DARK.background))


# -- activation space ------------------------------------------------------------------------


def test_activation_space_draws_points_grid_and_line(qtbot):
    plot = show(qtbot, ActivationSpacePlot())
    rng = np.random.default_rng(0)
    H = rng.normal(size=(200, 2))
    lines = [np.column_stack([np.linspace(-1, 1, 20), np.full(20, v)]) for v in (-1, 0, 1)]
    plot.update_space(
        H,
        rng.integers(0, 2, 200),
        "classification",
        OKABE_ITO[:2],
        lines,
        (np.array([1.0, 1.0]), -0.5),
        ("unit 3 (a)", "unit 5 (a)"),
    )
    assert plot.points_drawn() == 200
    assert len(plot._grid.getData()[0]) == 3 * 20
    joins = plot._grid.opts["connect"]  # each point joined to the next but at a line's end
    assert joins.sum() == 3 * 19 and not joins[19] and not joins[39]
    assert plot._line.isVisible()
    # The line w.h + b = 0 passes through (0.25, 0.25) and runs along (1, -1).
    assert plot._line.angle % 180 == pytest.approx(135)
    assert plot._line.pos().x() == pytest.approx(0.25) and plot._line.pos().y() == pytest.approx(0.25)
    assert plot.axis_label("bottom") == "unit 3 (a)" and plot.axis_label("left") == "unit 5 (a)"


def test_activation_space_range_grows_but_does_not_jitter(qtbot):
    plot = show(qtbot, ActivationSpacePlot())
    vb = plot.getPlotItem().getViewBox()
    y = np.array([0, 1, 0, 1])
    square = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    plot.update_space(square, y, "classification", OKABE_ITO[:2])
    first = vb.viewRange()
    plot.update_space(square * 0.97, y, "classification", OKABE_ITO[:2])  # a wiggle
    assert vb.viewRange() == first
    plot.update_space(square * 3, y, "classification", OKABE_ITO[:2])  # outgrows the view
    assert vb.viewRange()[0][1] > 3
    plot.reset_range()
    plot.update_space(square * 0.1, y, "classification", OKABE_ITO[:2])
    assert vb.viewRange()[0][1] < 0.5


def test_activation_space_non_finite_inputs(qtbot):
    plot = show(qtbot, ActivationSpacePlot())
    H = np.array([[np.nan, 0.0], [1.0, np.inf], [0.5, 0.5], [0.0, 0.0]])
    plot.update_space(
        H,
        np.array([0, 1, 0, 1]),
        "classification",
        OKABE_ITO[:2],
        [np.array([[np.nan, 1.0], [0.0, 0.0]])],
        (np.array([np.nan, 1.0]), 0.0),
    )
    assert plot.points_drawn() == 2
    assert not plot._line.isVisible()
    plot.update_space(
        np.full((3, 2), np.nan), np.zeros(3), "regression", OKABE_ITO[:2], decision_line=(np.zeros(2), 1.0)
    )
    assert plot.points_drawn() == 0


def test_pca_projects_on_the_main_directions():
    rng = np.random.default_rng(0)
    H = rng.normal(size=(500, 3)) * np.array([5.0, 2.0, 0.1]) + np.array([1.0, -2.0, 3.0])
    proj, comps, mean = pca_2d(H)
    assert proj.shape == (500, 2) and comps.shape == (2, 3)
    np.testing.assert_allclose(mean, H.mean(axis=0))
    np.testing.assert_allclose(np.abs(comps), np.eye(3)[:2], atol=0.05)
    np.testing.assert_allclose(proj, (H - mean) @ comps.T)


def test_pca_sign_is_stable():
    rng = np.random.default_rng(1)
    H = rng.normal(size=(300, 4)) @ rng.normal(size=(4, 4))
    _, comps, _ = pca_2d(H)
    # The sign rule does not depend on the data's orientation or on small changes.
    np.testing.assert_allclose(pca_2d(-H)[1], comps, atol=1e-9)
    nudged = pca_2d(H + rng.normal(scale=1e-3, size=H.shape))[1]
    assert (np.sum(nudged * comps, axis=1) > 0.99).all()
    for row in comps:
        assert row[np.argmax(np.abs(row))] > 0
    # With a reference (the previous frame), components follow it.
    _, aligned, _ = pca_2d(H, reference=-comps)
    np.testing.assert_allclose(aligned, -comps, atol=1e-9)


def test_pca_of_narrow_layers():
    proj, comps, _ = pca_2d(np.arange(10.0).reshape(-1, 1))
    assert proj.shape == (10, 2) and (proj[:, 1] == 0).all()
    proj, _, _ = pca_2d(np.array([[1.0, np.nan], [2.0, 3.0]]))
    assert proj.shape == (2, 2)


# -- loss and gradients ----------------------------------------------------------------------


def test_loss_curves_have_one_point_per_finite_epoch(qtbot):
    plot = show(qtbot, LossPlot(), (460, 300))
    e = np.arange(1, 51)
    train = np.exp(-e / 20)
    test = train + 0.1
    test[5] = np.nan
    test[6] = np.inf
    plot.update_history(e, train, test, 100 - 50 * train, 100 - 50 * test, "accuracy (%)")
    counts = plot.curve_point_count()
    assert counts == {"train loss": 50, "test loss": 48, "train metric": 50, "test metric": 48}
    assert plot.axis_label("right") == "accuracy (%)"


def test_loss_without_test_set_and_rmse(qtbot):
    plot = show(qtbot, LossPlot(), (460, 300))
    e = np.arange(10)
    plot.update_history(e, np.linspace(1, 0.1, 10), None, np.linspace(2, 1, 10), None, "RMSE")
    assert plot.curve_point_count()["test loss"] == 0
    assert plot.axis_label("right") == "RMSE"
    assert len(plot._legend.items) == 2


def test_loss_log_scale_survives_zeros_and_non_finite(qtbot):
    plot = show(qtbot, LossPlot(), (460, 300))
    e = np.arange(6)
    plot.update_history(e, np.array([1.0, 0.0, np.nan, -np.inf, 1e-30, 0.5]))
    plot.set_log(True)
    assert plot.curve_point_count()["train loss"] == 4  # 0 and 1e-30 clipped, not dropped
    assert np.isfinite(plot._train.getData()[1]).all()
    assert plot.axis_label("left") == "loss (log)"
    plot.set_log(False)
    assert plot.axis_label("left") == "loss"


def test_marker_shows_and_hides(qtbot):
    for plot in (LossPlot(), GradientPlot()):
        show(qtbot, plot, (460, 300))
        plot.set_marker(12)
        assert plot._marker.isVisible() and plot._marker.value() == 12
        plot.set_marker(None)
        assert not plot._marker.isVisible()


def test_gradient_curves_per_layer(qtbot):
    plot = show(qtbot, GradientPlot(), (460, 300))
    e = np.arange(1, 31)
    norms = np.abs(np.random.default_rng(0).normal(size=(30, 3)))
    norms[3, 0] = 0.0
    norms[4, 1] = np.nan
    labels = ["layer 1: 8 tanh", "layer 2: 8 tanh", "output: 1 sigmoid"]
    plot.update_history(e, norms, labels)
    assert plot.curve_point_count() == {labels[0]: 30, labels[1]: 29, labels[2]: 30}
    # The zero is clipped to the log floor (displayed as log10 = -12), not lost.
    assert plot._curves[labels[0]].getData()[1].min() == pytest.approx(-12)
    plot.update_history(e, norms[:, :2], ["layer 1: 4 relu", "output: 1 sigmoid"])
    assert set(plot.curve_point_count()) == {"layer 1: 4 relu", "output: 1 sigmoid"}
    assert len(plot._legend.items) == 2


def test_every_plot_switches_theme_and_keeps_readable_fonts(qtbot):
    for plot in (BoundaryPlot(), ActivationSpacePlot(), LossPlot(), GradientPlot()):
        show(qtbot, plot, (400, 300))
        plot.apply_theme(True)
        rgba, dpr = grab_rgba(plot)
        assert rgba[2, 2, :3].tolist() == list(hex_to_rgb(DARK.background))
        plot.apply_theme(False)
        rgba, dpr = grab_rgba(plot)
        assert rgba[2, 2, :3].tolist() == list(hex_to_rgb(LIGHT.background))
        for name in ("left", "bottom"):
            axis = plot.getPlotItem().getAxis(name)
            assert axis.style["tickFont"].pointSize() >= 10
            assert "11pt" in axis.label.toHtml() or axis.labelStyle.get("font-size") == "11pt"


def test_the_half_line_lies_where_the_model_is_half(boundary):
    """Sampled at the cell centres of grid_points, a map whose p = 0.5 at x1 = 1.3 draws its
    0.5 line at x1 = 1.3, and the image covers exactly the domain."""
    G = grid_points(40, DOMAIN)[0]
    p1 = 1.0 / (1.0 + np.exp(-(G[:, 0] - 1.3)))
    boundary.set_map(np.stack([1 - p1, p1], axis=1).reshape(40, 40, 2), "classification")
    x, _ = boundary._line.getData()
    assert len(x) and np.allclose(x, 1.3, atol=1e-2)
    rect = boundary._image.mapRectToParent(boundary._image.boundingRect())
    assert (rect.left(), rect.right(), rect.top(), rect.bottom()) == pytest.approx((-6, 6, -6, 6))
