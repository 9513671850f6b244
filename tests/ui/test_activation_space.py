"""The activation space as drawn: scatter positions, the output's line and regions, the ring.

Every check reads what the pyqtgraph items hold (scatter data, the line's
position and angle, the region image) and compares it with the trainer's own
probe, so a view that draws the wrong thing (``z`` for ``a``, a line from the
wrong layer) fails here even when the frame it was given is right.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF

from playground.data import make_dataset
from playground.data.palette import hex_to_rgb
from playground.training import Trainer, TrainingConfig
from playground.ui.plots.activation_space import REGION_STRENGTH
from playground.ui.plots.activation_view import OUTPUT_ALIGNED, PCA, ActivationView
from playground.ui.plots.projection import Plane, is_exact, output_plane, unit_plane
from playground.ui.plots.style import LIGHT
from playground.ui.session.worker import make_frame

DEFAULT = TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=32, seed=0)


def _trained(preset="spiral", config=DEFAULT, epochs=60, classes=None):
    kwargs = {} if classes is None else {"classes": classes}
    dataset = make_dataset(preset, n=300, noise=0.1, seed=0, test_fraction=0.3, **kwargs)
    trainer = Trainer(dataset, config)
    stats = trainer.step(epochs)
    return trainer, make_frame(trainer, False, stats)


@pytest.fixture(scope="module")
def spiral():
    return _trained()


def _view(qtbot, frame) -> ActivationView:
    view = ActivationView()
    qtbot.addWidget(view)
    view.resize(460, 460)
    view.show()
    qtbot.waitExposed(view)
    view.show_frame(frame)
    qtbot.wait(20)
    return view


def _drawn_in_order(view, dataset) -> tuple[np.ndarray, np.ndarray]:
    """The scatter items' positions put back in dataset order, and which points were drawn."""
    out = np.full((dataset.n, 2), np.nan)
    for (cls, test), xy in view.plot.drawn_points().items():
        rows = np.flatnonzero((dataset.y == cls) & (dataset.is_test == test))
        assert len(rows) == len(xy), (cls, test)
        out[rows] = xy  # PointLayer keeps each group in the order its points came
    return out, np.isfinite(out).all(axis=1)


def _line_normal(view) -> tuple[np.ndarray, np.ndarray]:
    """The drawn InfiniteLine as (a point on it, a unit normal)."""
    line = view.plot._line
    assert line.isVisible()
    angle = np.radians(line.angle)
    direction = np.array([np.cos(angle), np.sin(angle)])
    return np.array([line.pos().x(), line.pos().y()]), np.array([-direction[1], direction[0]])


def _region_class_at(view, xy, class_colors) -> int:
    """The class whose pale colour the region image has at plot point ``xy``."""
    rgba, (x0, y0, w, h) = view.plot.region_image()
    rows, cols = rgba.shape[:2]
    j = int((xy[0] - x0) / w * cols)
    i = int((xy[1] - y0) / h * rows)
    colour = rgba[i, j, :3].astype(float)
    bg = np.array(hex_to_rgb(LIGHT.background), dtype=float)
    shades = [bg + (np.array(hex_to_rgb(c)) - bg) * REGION_STRENGTH for c in class_colors]
    distances = [np.abs(colour - shade).max() for shade in shades]
    assert min(distances) <= 1.0, colour
    return int(np.argmin(distances))


# -- what is drawn is the layer's a, projected -----------------------------------------------


def test_scatter_positions_are_the_probed_activations_on_unit_axes(qtbot, spiral):
    trainer, frame = spiral
    view = _view(qtbot, frame)
    view.x_box.setCurrentIndex(view.x_box.findData(3))
    view.y_box.setCurrentIndex(view.y_box.findData(7))
    a = trainer.probe(trainer.dataset.X).a[1]
    drawn, ok = _drawn_in_order(view, trainer.dataset)
    assert ok.all()
    np.testing.assert_allclose(drawn, a[:, [3, 7]], rtol=1e-6, atol=1e-6)
    assert view.plot.axis_label("bottom") == "unit 4 (a)"


def test_scatter_positions_are_the_probed_activations_projected(qtbot, spiral):
    """The output-aligned plane and PCA: the drawn positions are the probe's ``a`` of that layer put
    through the plane the view reports, and that plane is the one its definition gives."""
    trainer, frame = spiral
    view = _view(qtbot, frame)
    probe = trainer.probe(trainer.dataset.X)
    a = probe.a[1]
    assert view.x_box.currentData() == OUTPUT_ALIGNED
    plane = view.plane()
    W = trainer.model.layers[-1].W.data.astype(np.float64)
    expected = output_plane(W, a)
    np.testing.assert_allclose(plane.basis[0], W[:, 0] / np.linalg.norm(W[:, 0]), atol=1e-6)
    np.testing.assert_allclose(np.abs(plane.basis @ expected.basis.T), np.eye(2), atol=1e-6)
    drawn, ok = _drawn_in_order(view, trainer.dataset)
    np.testing.assert_allclose(drawn, (a - plane.origin) @ plane.basis.T, rtol=1e-6, atol=1e-6)
    # z would be drawn somewhere else: the test can tell the two apart.
    assert np.abs(drawn - (probe.z[1] - plane.origin) @ plane.basis.T).max() > 0.1

    view.x_box.setCurrentIndex(view.x_box.findData(PCA))
    drawn, _ = _drawn_in_order(view, trainer.dataset)
    plane = view.plane()
    np.testing.assert_allclose(drawn, (a - plane.origin) @ plane.basis.T, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(plane.basis @ plane.basis.T, np.eye(2), atol=1e-9)


def test_z_view_draws_z(qtbot, spiral):
    trainer, frame = spiral
    view = _view(qtbot, frame)
    view.kind_box.setCurrentIndex(view.kind_box.findData("z"))
    view.x_box.setCurrentIndex(view.x_box.findData(0))
    view.y_box.setCurrentIndex(view.y_box.findData(1))
    drawn, _ = _drawn_in_order(view, trainer.dataset)
    np.testing.assert_allclose(drawn, trainer.probe(trainer.dataset.X).z[1][:, :2], rtol=1e-6, atol=1e-6)
    assert view.plot.boundary_legend() == ""  # the output reads a, not z: no line


# -- the output's line, shaded sides and legend ----------------------------------------------


def test_defaults_to_the_last_hidden_layer_and_the_output_aligned_plane(qtbot, spiral):
    _, frame = spiral
    view = _view(qtbot, frame)
    assert view.layer_box.currentIndex() == 1
    assert view.x_box.currentData() == OUTPUT_ALIGNED
    assert view.plot.boundary_legend() == "output boundary (exact)"
    view.layer_box.setCurrentIndex(0)
    assert view.x_box.findData(OUTPUT_ALIGNED) == -1  # only where the output reads the layer
    assert view.x_box.currentData() == PCA and view.plot.boundary_legend() == ""


def test_output_aligned_line_splits_points_as_the_model_does(qtbot, spiral):
    """Default 16-16 tanh network on the default spiral: the share of training points on their
    class's side of the drawn line equals the model's training accuracy, exactly."""
    trainer, frame = spiral
    dataset = trainer.dataset
    view = _view(qtbot, frame)
    drawn, _ = _drawn_in_order(view, dataset)
    point, normal = _line_normal(view)
    side = (drawn - point) @ normal > 0
    # Which side is class 1, as drawn: the shade a little way off the line on the + side.
    plus_class = _region_class_at(view, point + normal * 0.05 * np.ptp(drawn[:, 0]), dataset.class_colors)
    drawn_class = np.where(side, plus_class, 1 - plus_class)
    train = ~dataset.is_test
    logits = trainer.probe(dataset.X).z[-1][:, 0]
    model_accuracy = np.mean((logits[train] > 0) == (dataset.y[train] == 1))
    drawn_accuracy = np.mean(drawn_class[train] == dataset.y[train])
    assert 0.6 < model_accuracy < 1.0  # trained, but not trivially perfect
    assert drawn_accuracy == model_accuracy
    # And point by point, every drawn point sits on the side the model puts it.
    np.testing.assert_array_equal(drawn_class, (logits > 0).astype(int))


def test_pca_of_a_wide_layer_is_labelled_a_slice(qtbot, spiral):
    trainer, frame = spiral
    view = _view(qtbot, frame)
    view.x_box.setCurrentIndex(view.x_box.findData(PCA))
    assert view.plot._line.isVisible() and view.plot.region_image() is not None
    # The legend says how many drawn points the slice's line puts on the side the model does.
    drawn, _ = _drawn_in_order(view, trainer.dataset)
    point, normal = _line_normal(view)
    plus = _region_class_at(view, point + normal * 0.05 * np.ptp(drawn[:, 0]), trainer.dataset.class_colors)
    shown = np.where((drawn - point) @ normal > 0, plus, 1 - plus)
    model = (trainer.probe(trainer.dataset.X).z[-1][:, 0] > 0).astype(int)
    fits = 100 * np.mean(shown == model)
    assert fits < 99.5  # a slice of a 16-D layer: not every point is where the model puts it
    assert view.plot.boundary_legend() == f"output boundary (slice, fits {fits:.0f}%)"


def test_regions_are_shaded_in_the_class_colours_on_each_side(qtbot, spiral):
    trainer, frame = spiral
    view = _view(qtbot, frame)
    point, normal = _line_normal(view)
    span = np.ptp(view.plot.getPlotItem().getViewBox().viewRange()[0])
    colors = trainer.dataset.class_colors
    plus = _region_class_at(view, point + 0.1 * span * normal, colors)
    minus = _region_class_at(view, point - 0.1 * span * normal, colors)
    assert {plus, minus} == {0, 1}
    # The + side of the plane's first axis is along w: class 1.
    W = trainer.model.layers[-1].W.data[:, 0]
    assert view.plane().basis[0] @ W > 0
    assert _region_class_at(view, point + np.array([0.1 * span, 0.0]), colors) == 1


def test_two_unit_layer_line_is_exact(qtbot):
    trainer, frame = _trained("xor", TrainingConfig(hidden=(4, 2), activation="tanh", lr=0.05, seed=0), 40)
    view = _view(qtbot, frame)
    assert view.x_box.currentData() == 0 and view.y_box.currentData() == 1
    assert view.plot.boundary_legend() == "output boundary (exact)"


def test_three_classes_exact_in_the_output_aligned_plane(qtbot):
    """Softmax over 3 classes: the plane spans both class differences, so the shaded regions give
    every drawn point the class the model predicts."""
    trainer, frame = _trained("blobs", TrainingConfig(hidden=(8, 6), activation="tanh", lr=0.03, seed=0), 30, classes=3)
    dataset = trainer.dataset
    view = _view(qtbot, frame)
    assert view.x_box.currentData() == OUTPUT_ALIGNED
    assert view.plot.boundary_legend() == "output boundary (exact)"
    drawn, _ = _drawn_in_order(view, dataset)
    predicted = trainer.predict(dataset.X).argmax(axis=1)
    # Sample the region image at the drawn points away from its cell edges.
    rgba, (x0, y0, w, h) = view.plot.region_image()
    probs = trainer.predict(dataset.X)
    clear = np.sort(probs, axis=1)[:, -1] - np.sort(probs, axis=1)[:, -2] > 0.2
    shown = [_region_class_at(view, xy, dataset.class_colors) for xy in drawn[clear]]
    np.testing.assert_array_equal(shown, predicted[clear])
    assert clear.sum() > 100
    assert len(view.plot._class_lines.getData()[0]) > 0  # the boundaries between classes are dashed


def test_regression_has_no_regions_or_line(qtbot):
    trainer, frame = _trained("plane", TrainingConfig(hidden=(5,), activation="tanh", lr=0.03, seed=0), 5)
    view = _view(qtbot, frame)
    assert view.plot.region_image() is None and not view.plot._line.isVisible()
    assert view.plot.boundary_legend() == ""


def test_boundary_legend_leaves_the_plot_free(qtbot, spiral):
    """The legend lies above the view, inside the plot, and covers none of the points: drawn in
    the view's corner it covered the points there (seen at 1280x720, where the data fill the view)."""
    _, frame = spiral
    view = _view(qtbot, frame)
    plot = view.plot
    key = plot._key.sceneBoundingRect()
    vb = plot.getPlotItem().getViewBox()
    view_rect = vb.sceneBoundingRect()
    assert plot.boundary_legend() == "output boundary (exact)"
    assert key.height() > 5 and key.width() > 50  # laid out, one line of text
    assert not key.intersects(view_rect), (key, view_rect)
    assert key.bottom() <= view_rect.top() + 0.5
    assert plot.getPlotItem().sceneBoundingRect().contains(key)
    assert QRectF(plot.rect()).contains(plot.mapFromScene(key).boundingRect())  # on the widget, not cut
    # No drawn point lies under the legend.
    for xy in plot.drawn_points().values():
        for x, y in xy[::7]:
            assert not key.contains(vb.mapViewToScene(QPointF(float(x), float(y))))
    # The legend's text keeps its room when it grows (presentation mode), and gives it back when hidden.
    plot.set_presentation_scale(1.5)
    qtbot.wait(20)
    big = plot._key.sceneBoundingRect()
    assert big.height() > key.height() and not big.intersects(vb.sceneBoundingRect())
    # In a narrow column (160 px beside the diagram and a side dock) one line was wider than the plot
    # and cut at both ends: the note goes on a second line, and the whole legend stays on the widget.
    plot.set_presentation_scale(1.0)
    view.resize(160, 300)
    qtbot.waitUntil(lambda: plot.width() <= 170, timeout=2000)
    qtbot.wait(20)
    narrow = plot._key.sceneBoundingRect()
    assert QRectF(plot.rect()).contains(plot.mapFromScene(narrow).boundingRect()), (narrow, plot.rect())
    assert narrow.height() > 1.5 * key.height() and not narrow.intersects(vb.sceneBoundingRect())
    assert plot.boundary_legend() == "output boundary (exact)"
    view.resize(460, 460)
    qtbot.waitUntil(lambda: plot._key.sceneBoundingRect().height() < 1.5 * key.height(), timeout=2000)
    view.kind_box.setCurrentIndex(view.kind_box.findData("z"))  # z: no line, no legend
    qtbot.wait(20)
    assert plot.boundary_legend() == "" and plot.getPlotItem().layout.rowMaximumHeight(0) == 0


# -- the inspected point ---------------------------------------------------------------------


def test_highlight_rings_the_point_where_the_layer_puts_it(qtbot, spiral):
    trainer, frame = spiral
    view = _view(qtbot, frame)
    index = 17
    view.set_highlight(trainer.dataset.X[index])
    plane = view.plane()
    a = trainer.probe(trainer.dataset.X[index : index + 1]).a[1]
    np.testing.assert_allclose(view.plot.highlight(), plane.project(a)[0], atol=1e-6)
    view.x_box.setCurrentIndex(view.x_box.findData(0))  # follows a change of plane
    np.testing.assert_allclose(view.plot.highlight(), a[0, [0, 1]], atol=1e-6)
    view.set_highlight(np.array([100.0, 100.0]))  # not a data point
    assert view.plot.highlight() is None
    view.set_highlight(trainer.dataset.X[index])
    view.set_highlight(None)
    assert view.plot.highlight() is None


# -- the planes themselves -------------------------------------------------------------------


def test_output_plane_is_exact_for_sigmoid_and_three_classes():
    rng = np.random.default_rng(0)
    H = rng.normal(size=(200, 10))
    for k in (1, 3):
        W = rng.normal(size=(10, k))
        plane = output_plane(W, H)
        np.testing.assert_allclose(plane.basis @ plane.basis.T, np.eye(2), atol=1e-9)
        assert is_exact(W, plane)
    W = rng.normal(size=(10, 5))
    assert not is_exact(W, output_plane(W, H))  # four class differences do not fit in a plane
    assert not is_exact(W[:, :1], unit_plane(H, 0, 1, "a"))
    assert is_exact(rng.normal(size=(2, 1)), unit_plane(H[:, :2], 1, 0, "a"))


def test_output_plane_second_axis_is_the_main_remaining_direction():
    rng = np.random.default_rng(1)
    H = rng.normal(size=(500, 3)) * np.array([1.0, 0.1, 4.0])
    W = np.array([[1.0], [0.0], [0.0]])
    plane = output_plane(W, H)
    np.testing.assert_allclose(plane.basis[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(np.abs(plane.basis[1]), [0.0, 0.0, 1.0], atol=1e-2)
    # A flipped previous plane keeps the second axis from flipping between frames.
    again = output_plane(W, H, Plane(-plane.basis, plane.origin, plane.labels))
    np.testing.assert_allclose(again.basis[1], -plane.basis[1])


def test_unit_plane_rejects_units_outside_the_layer():
    with pytest.raises(ValueError, match="x_unit = 5 .* 3-unit layer"):
        unit_plane(np.zeros((4, 3)), 5, 0, "a")


def test_class_edges_are_exactly_where_two_classes_tie_and_beat_the_rest():
    from playground.ui.plots.projection import class_edges_in_plane, classes_in_plane, classes_on_grid

    rng = np.random.default_rng(3)
    A, c = rng.normal(size=(2, 4)), rng.normal(size=4)
    segments = class_edges_in_plane(A, c, (-3.0, -3.0, 3.0, 3.0))
    assert len(segments) >= 4 and len(segments) % 2 == 0
    for p in segments.reshape(-1, 2, 2).mean(axis=1):  # each segment's midpoint
        logits = np.sort(p @ A + c)
        assert logits[-1] - logits[-2] < 1e-9  # two classes tie there, and no third beats them
        assert (np.abs(p) <= 3.0 + 1e-9).all()
    xs, ys = np.linspace(-3, 3, 7), np.linspace(-2, 2, 5)
    uv = np.stack(np.meshgrid(xs, ys), axis=-1)
    np.testing.assert_array_equal(classes_on_grid(A, c, xs, ys), classes_in_plane(A, c, uv))


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_class_edges_of_huge_logits_are_those_of_the_same_logits_scaled_down():
    """Weights grown to 1e200 (lr 100 in the long monkey drive) overflowed ``offset * normal``: the
    winner does not change when every logit is scaled by one positive number, nor do the edges."""
    from playground.ui.plots.projection import class_edges_in_plane, classes_in_plane, classes_on_grid

    rng = np.random.default_rng(3)
    A, c = rng.normal(size=(2, 4)), rng.normal(size=4)
    rect = (-3.0, -3.0, 3.0, 3.0)
    want = class_edges_in_plane(A, c, rect)
    np.testing.assert_allclose(class_edges_in_plane(A * 1e200, c * 1e200, rect), want, rtol=1e-9, atol=1e-12)
    assert class_edges_in_plane(A * np.inf, c, rect).shape == (0, 2)
    xs, ys = np.linspace(-30, 30, 9), np.linspace(-20, 20, 7)  # and the regions (seed 2 of the long drive)
    np.testing.assert_array_equal(classes_on_grid(A * 1e307, c * 1e307, xs, ys), classes_on_grid(A, c, xs, ys))
    uv = np.stack(np.meshgrid(xs, ys), axis=-1)
    np.testing.assert_array_equal(classes_in_plane(A * 1e307, c * 1e307, uv), classes_in_plane(A, c, uv))
    assert class_edges_in_plane(np.zeros((2, 4)), np.zeros(4), rect).shape == (0, 2)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_constraint_all_but_parallel_to_the_edge_bounds_it_at_infinity():
    """The long monkey drive (seed 2): a class's constraint all but parallel to an edge's line put its
    bound on the line's parameter past float64's range, and the scalar division overflowed."""
    from playground.training.planes import _parameter_interval

    tiny, far = np.float64(1e-299), np.float64(1e12)
    assert _parameter_interval([tiny, -tiny], [far, far]) == (-np.inf, np.inf)  # both hold everywhere
    assert _parameter_interval([tiny, np.float64(1.0)], [-far, np.float64(2.0)]) == (np.inf, np.inf)  # empty
    assert _parameter_interval([np.float64(2.0), np.float64(-1.0)], [np.float64(2.0), np.float64(3.0)]) == (-1.0, 3.0)
    assert _parameter_interval([np.float64(0.0)], [np.float64(-1.0)]) == (1.0, 0.0)  # parallel and outside


def test_planes_survive_diverging_and_non_finite_layers():
    from playground.ui.plots.projection import pca_plane

    H = np.full((50, 4), 1e200)
    H[::2] = -1e200
    H[3] = np.inf
    H[5, 1] = np.nan
    W = np.array([[1e300], [np.inf], [0.0], [1.0]])
    for plane in (output_plane(W, H), pca_plane(H), output_plane(np.full((4, 3), np.nan), H)):
        assert plane.basis.shape == (2, 4) and np.isfinite(plane.basis).all()
    assert not is_exact(W, output_plane(W, H))
