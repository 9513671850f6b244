"""The short cuts a frame's drawing takes still draw what the long way drew.

Each test pins one saving: the maps handed to Qt as premultiplied ARGB32, the
activation space's grid lines projected alone, the points moved in place.
"""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage

from playground.data import DOMAIN
from playground.data.palette import OKABE_ITO
from playground.training.planes import pca_plane
from playground.ui.plots.activation_view import GRID_LINES, _grid_lines
from playground.ui.plots.boundary import BoundaryPlot
from playground.ui.plots.points import PointLayer
from playground.ui.plots.rgba_image import RGBAImageItem, argb32_image, argb32_images
from playground.ui.plots.style import LIGHT


def _rgba_of(image: QImage) -> np.ndarray:
    """The pixels of ``image`` as straight (not premultiplied) RGBA rows."""
    out = image.convertToFormat(QImage.Format.Format_RGBA8888)
    h, w, stride = out.height(), out.width(), out.bytesPerLine()
    rows = np.frombuffer(out.constBits(), dtype=np.uint8, count=h * stride).reshape(h, stride)
    return rows[:, : 4 * w].reshape(h, w, 4).copy()


def test_argb32_image_shows_the_rgba_pixels_opaque_or_not():
    rng = np.random.default_rng(3)
    opaque = rng.integers(0, 256, (5, 7, 4), dtype=np.uint8)
    opaque[..., 3] = 255
    image, buffer = argb32_image(opaque)
    assert image.format() == QImage.Format.Format_ARGB32_Premultiplied
    np.testing.assert_array_equal(_rgba_of(image), opaque)
    assert image.pixelColor(6, 4).getRgb() == tuple(int(v) for v in opaque[4, 6])

    translucent = opaque.copy()
    translucent[0, 0] = (200, 100, 50, 128)
    image, _ = argb32_image(translucent)
    assert image.format() == QImage.Format.Format_ARGB32  # Qt premultiplies it itself
    assert image.pixelColor(0, 0).getRgb() == (200, 100, 50, 128)


def test_argb32_image_refuses_what_is_not_rgba_bytes():
    with pytest.raises(ValueError, match="argb32_image: expected an \\(h, w, 4\\) uint8"):
        argb32_image(np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(ValueError, match="float64"):
        argb32_image(np.zeros((4, 4, 4)))


def test_a_new_map_replaces_the_image_the_item_paints():
    item = RGBAImageItem()
    first = np.zeros((2, 3, 4), np.uint8)
    first[...] = (10, 20, 30, 255)
    item.setImage(first, autoLevels=False)
    item.render()
    np.testing.assert_array_equal(_rgba_of(item.qimage), first)
    second = first.copy()
    second[1, 2] = (250, 0, 5, 255)
    item.setImage(second, autoLevels=False)
    item.render()
    np.testing.assert_array_equal(_rgba_of(item.qimage), second)
    # Anything but ready-made RGBA bytes goes pyqtgraph's way (a float image through levels).
    item.setImage(np.linspace(0, 1, 6).reshape(2, 3), levels=(0, 1))
    item.render()
    assert item.qimage is not None and item.qimage.width() == 3


def test_the_boundary_plot_paints_each_cell_in_its_map_colour(qtbot):
    plot = BoundaryPlot()
    qtbot.addWidget(plot)
    plot.resize(420, 420)
    plot.show()
    qtbot.waitExposed(plot)
    n = 8
    p1 = np.where(np.arange(n)[None, :] < n // 2, 0.05, 0.95) * np.ones((n, 1))  # left class 0, right class 1
    plot.set_map(p1, "classification")
    qtbot.wait(50)
    image = plot.map_image()
    grab = plot.grab().toImage()
    vb = plot.getPlotItem().getViewBox()
    lo, hi = DOMAIN
    cell = (hi - lo) / n
    for i, j in ((1, 1), (6, 6), (2, 5), (5, 2)):
        x, y = lo + (j + 0.5) * cell, lo + (i + 0.5) * cell  # the centre of cell (row i, column j)
        scene = vb.mapViewToScene(pg.Point(x, y))
        at = plot.viewport().mapTo(plot, plot.mapFromScene(scene))
        drawn = grab.pixelColor(at).getRgb()[:3]
        assert drawn == tuple(int(v) for v in image[i, j, :3]), (i, j)


def test_the_grid_lines_are_the_full_grid_projected():
    r, d = 30, 5
    grid = np.random.default_rng(0).normal(size=(r * r, d)).astype(np.float32)
    plane = pca_plane(grid, None)
    lines = _grid_lines(plane, grid, r)
    full = plane.project(grid).reshape(r, r, 2)
    picks = np.linspace(0, r - 1, GRID_LINES).round().astype(int)
    expected = [full[i] for i in picks] + [full[:, j] for j in picks]
    assert len(lines) == 2 * GRID_LINES
    for line, want in zip(lines, expected):
        np.testing.assert_allclose(line, want, rtol=1e-12, atol=1e-12)


def test_points_moved_in_place_are_drawn_where_they_went(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    layer = PointLayer(widget.getPlotItem())
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, -1.0], [3.0, 0.5]])
    y = np.array([0, 1, 0, 1])
    layer.set_points(X, y, None, "classification", OKABE_ITO[:2], LIGHT)
    items = [item for item in layer._items if len(item.data)]
    records = [item.data for item in items]
    moved = X + np.array([10.0, -5.0])
    layer.set_points(moved, y, None, "classification", OKABE_ITO[:2], LIGHT)
    drawn = layer.drawn()
    np.testing.assert_array_equal(drawn[(0, False)], moved[[0, 2]])
    np.testing.assert_array_equal(drawn[(1, False)], moved[[1, 3]])
    assert [item.data for item in items] == records  # the same records, written in place
    assert items[0].dataBounds(0)[0] < 10.0 + 1e-9 < items[0].dataBounds(0)[1]  # bounds follow the move
    # A point more in a group: that group is set anew, and shows it.
    more = np.vstack([moved, [[7.0, 7.0]]])
    layer.set_points(more, np.append(y, 0), None, "classification", OKABE_ITO[:2], LIGHT)
    np.testing.assert_array_equal(layer.drawn()[(0, False)], more[[0, 2, 4]])
    assert layer.count() == 5


def test_a_wide_layer_samples_anew_when_the_diagram_changes_size(qtbot):
    from playground.data import make_dataset
    from playground.training import TrainingConfig
    from playground.ui import MainWindow
    from playground.ui.diagram.sampling import SAMPLE_SIZES

    window = MainWindow(make_dataset("spiral", n=100, noise=0.1, seed=0), TrainingConfig(hidden=(64,), seed=0))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    diagram = window.network_view.diagram
    qtbot.waitUntil(lambda: diagram.frame is not None, timeout=10_000)
    tall = len(diagram.drawn_units(1))
    assert tall == SAMPLE_SIZES[0]
    # The same frame drawn again keeps the structure chosen for it.
    structure = diagram.diagram_scene.structure
    diagram.show_frame(diagram.frame, window.network_view.health)
    assert diagram.diagram_scene.structure is structure
    # Less room: fewer, still readable maps; more room again: the first sample.
    window.resize(1280, 400)
    qtbot.waitUntil(lambda: len(diagram.drawn_units(1)) < tall, timeout=5_000)
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: len(diagram.drawn_units(1)) == tall, timeout=5_000)


def test_a_map_of_another_resolution_still_covers_the_domain(qtbot):
    plot = BoundaryPlot()
    qtbot.addWidget(plot)
    lo, hi = DOMAIN
    for n in (100, 100, 40, 100):  # a playing frame of a big network probes a coarser grid
        plot.set_map(np.full((n, n), 0.8), "classification")
        image = plot._image
        rect = image.mapRectToParent(image.boundingRect())
        assert image.image.shape[:2] == (n, n)
        assert (rect.left(), rect.top(), rect.width(), rect.height()) == pytest.approx((lo, lo, hi - lo, hi - lo))


def test_the_activation_regions_follow_the_view(qtbot):
    from playground.ui.plots.activation_space import ActivationSpacePlot

    plot = ActivationSpacePlot()
    qtbot.addWidget(plot)
    plot.resize(400, 400)
    points = np.array([[-1.0, -1.0], [1.0, 1.0]])
    output = (np.array([[1.0], [0.0]]), np.array([0.0]))  # class 1 where u > 0
    plot.update_space(points, np.array([0, 1]), "classification", OKABE_ITO[:2], output=output)
    _, first = plot.region_image()
    far = points * 10  # the data outgrows the view: it grows, and the regions with it
    plot.update_space(far, np.array([0, 1]), "classification", OKABE_ITO[:2], output=output)
    _, second = plot.region_image()
    (x0, x1), (y0, y1) = plot.getPlotItem().getViewBox().viewRange()
    assert second == pytest.approx((x0, y0, x1 - x0, y1 - y0))
    assert second[2] > 5 * first[2]


def test_an_empty_curve_stays_empty_and_fills_when_there_is_data(qtbot):
    from playground.ui.plots.loss import LossPlot

    plot = LossPlot()
    qtbot.addWidget(plot)
    epochs = np.arange(1.0, 6.0)
    loss = np.linspace(1.0, 0.5, 5)
    for _ in range(2):
        plot.update_history(epochs, loss, None, loss * 100, None)
        assert plot.curve_point_count() == {"train loss": 5, "test loss": 0, "train metric": 5, "test metric": 0}
    plot.update_history(epochs, loss, loss + 0.1, loss * 100, loss * 90)
    assert plot.curve_point_count() == {"train loss": 5, "test loss": 5, "train metric": 5, "test metric": 5}
    np.testing.assert_array_equal(plot._test.yData, loss + 0.1)
    plot.update_history(epochs, loss, None, loss * 100, None)  # the test set went: the curves empty
    assert plot.curve_point_count()["test loss"] == 0


def test_argb32_images_show_each_rgba_image_of_a_stack_whatever_its_memory_layout():
    rng = np.random.default_rng(5)
    stack = rng.integers(0, 256, (3, 4, 6, 4), dtype=np.uint8)
    stack[..., 3] = 255
    # A transposed view (columns as rows): not C-contiguous, still shown as its rows read.
    turned = stack.transpose(0, 2, 1, 3)
    images, buffer = argb32_images(turned)
    assert buffer.flags.c_contiguous and buffer.shape == turned.shape
    for image, rgba in zip(images, turned):
        assert image.format() == QImage.Format.Format_ARGB32_Premultiplied
        np.testing.assert_array_equal(_rgba_of(image), rgba)
    stack[1, 0, 0, 3] = 0  # one clear pixel: the whole stack is handed over straight
    images, _ = argb32_images(stack)
    assert {image.format() for image in images} == {QImage.Format.Format_ARGB32}
    assert images[1].pixelColor(0, 0).alpha() == 0
    np.testing.assert_array_equal(_rgba_of(images[2]), stack[2])
