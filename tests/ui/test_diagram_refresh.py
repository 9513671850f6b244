"""What the network diagram paints follows every frame, though it caches its pictures.

The edges of each weight layer are painted from a cached picture until their pens change, and
while playing they change at most every ``EDGE_INTERVAL``; every map is painted by one item.
These tests read the painted pixels of the viewport (and the pens) after a changed frame, so
a cache that failed to refresh would show here.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.health import GradientHealth
from playground.ui.diagram.network_diagram import NetworkDiagram
from playground.ui.diagram.scene import EDGE_WIDTH, NEGATIVE, POSITIVE
from playground.ui.plots.colors import value_image
from playground.ui.plots.unit_maps import thumbnail_samples, thumbnail_step
from playground.ui.session.worker import make_frame


@pytest.fixture
def trainer() -> Trainer:
    dataset = make_dataset("xor", n=60, noise=0.0, seed=0)
    return Trainer(dataset, TrainingConfig(hidden=(2, 2), features=("x1", "x2"), activation="tanh", seed=0))


@pytest.fixture
def diagram(qtbot) -> NetworkDiagram:
    view = NetworkDiagram()
    qtbot.addWidget(view)
    view.resize(250, 600)
    view.show()
    qtbot.waitExposed(view)
    return view


def _frame(trainer: Trainer, playing: bool = False, w00: float = 2.0, bias: float = 0.8):
    """A frame whose first hidden unit is the constant tanh(``bias``) (no input weights) and whose
    weight from it to unit 1 of layer 2 is ``w00``, the largest of its layer."""
    first, second = trainer.model.layers[0], trainer.model.layers[1]
    first.W.data[:, 0] = 0.0
    first.b.data[0] = bias
    second.W.data[:] = np.clip(second.W.data, -0.5, 0.5)
    second.W.data[0, 0] = w00
    second.W.data[1, 1] = 0.2  # a tenth of the largest: a thin, faded pen
    return make_frame(trainer, playing, trainer.last_stats())


def _show(qtbot, diagram: NetworkDiagram, frame) -> np.ndarray:
    """Draw ``frame`` and return what the viewport shows, ``(h, w, 3)`` RGB."""
    diagram.show_frame(frame, GradientHealth())
    qtbot.wait(1)
    image = diagram.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    h, w = image.height(), image.width()
    return np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())[:, : 3 * w].reshape(h, w, 3)


def _at(diagram: NetworkDiagram, pixels: np.ndarray, point) -> np.ndarray:
    p = diagram.mapFromScene(point)
    return pixels[p.y(), p.x()].astype(int)


def _rgb(name: str) -> np.ndarray:
    return np.array(QColor(name).getRgb()[:3])


def _edge_middle(diagram: NetworkDiagram, layer: int, i: int, j: int):
    return diagram.edge(layer, i, j).line.center()


def test_edge_pens_and_pixels_follow_a_weight_that_changes_sign(qtbot, diagram, trainer):
    pixels = _show(qtbot, diagram, _frame(trainer, w00=2.0))
    strong, thin = diagram.edge(2, 0, 0).pen, diagram.edge(2, 1, 1).pen
    assert strong.widthF() == pytest.approx(EDGE_WIDTH[1]) and strong.color() == QColor(POSITIVE)
    low, high = EDGE_WIDTH
    assert thin.widthF() == pytest.approx(low + (high - low) * 1 / 11)  # 0.2 of 2.0 is level 1 of 11
    background = np.array(diagram.diagram_scene.theme.background_rgb)
    faded = background + (_rgb(POSITIVE) - background) * (0.3 + 0.7 / 11)
    assert np.abs(np.array(thin.color().getRgb()[:3]) - faded).max() <= 1
    assert np.abs(_at(diagram, pixels, _edge_middle(diagram, 2, 0, 0)) - _rgb(POSITIVE)).max() <= 2
    before = diagram.diagram_scene.edges.repaints()

    pixels = _show(qtbot, diagram, _frame(trainer, w00=-2.0))  # the same size, the other sign
    assert diagram.edge(2, 0, 0).pen.color() == QColor(NEGATIVE)
    assert np.abs(_at(diagram, pixels, _edge_middle(diagram, 2, 0, 0)) - _rgb(NEGATIVE)).max() <= 2
    after = diagram.diagram_scene.edges.repaints()
    # Only the layer whose pens changed was painted anew; the others are their cached pictures.
    assert after[1] > before[1] and after[0] == before[0] and after[2] == before[2]


@pytest.mark.parametrize("dark", [False, True])
def test_a_thumbnail_shows_its_units_activation_after_each_frame(qtbot, diagram, trainer, dark):
    diagram.diagram_scene.restyle(dark)  # the theme the window's palette gives it
    background = diagram.diagram_scene.theme.background_rgb
    for bias in (0.8, -0.8, 0.0):
        pixels = _show(qtbot, diagram, _frame(trainer, bias=bias))
        expected = value_image(np.array([[np.tanh(bias)]]), -1.0, 1.0, background)[0, 0, :3].astype(int)
        centre = diagram.diagram_scene.node(1, 0).rect().center()
        assert np.abs(_at(diagram, pixels, centre) - expected).max() <= 2, bias
        assert (diagram.node_image(1, 0)[..., :3] == expected).all()  # every pixel: the map is constant
    # The edges of the theme too: the strongest weight's full colour over the theme's background.
    assert np.abs(_at(diagram, pixels, _edge_middle(diagram, 2, 0, 0)) - _rgb(POSITIVE)).max() <= 2
    assert np.abs(pixels[2, 2].astype(int) - np.array(background)).max() <= 1


def test_playing_edges_catch_up_and_a_still_frame_shows_its_own_at_once(qtbot, diagram, trainer):
    _show(qtbot, diagram, _frame(trainer, playing=True, w00=2.0))
    # A playing frame right after: its map at once, its edges when EDGE_INTERVAL is over.
    pixels = _show(qtbot, diagram, _frame(trainer, playing=True, w00=-2.0, bias=-0.8))
    scene = diagram.diagram_scene
    assert scene.edges_pending()
    expected = value_image(np.array([[np.tanh(-0.8)]]), -1.0, 1.0, scene.theme.background_rgb)[0, 0, :3]
    assert np.abs(_at(diagram, pixels, scene.node(1, 0).rect().center()) - expected).max() <= 2
    qtbot.waitUntil(lambda: not scene.edges_pending(), timeout=2000)
    assert diagram.edge(2, 0, 0).pen.color() == QColor(NEGATIVE)
    pixels = _show(qtbot, diagram, _frame(trainer, playing=True, w00=-2.0, bias=-0.8))
    assert np.abs(_at(diagram, pixels, _edge_middle(diagram, 2, 0, 0)) - _rgb(NEGATIVE)).max() <= 2
    # A still frame (paused, stepped) is never held back.
    _show(qtbot, diagram, _frame(trainer, playing=True, w00=2.0))
    pixels = _show(qtbot, diagram, _frame(trainer, playing=False, w00=-2.0))
    assert not scene.edges_pending()
    assert np.abs(_at(diagram, pixels, _edge_middle(diagram, 2, 0, 0)) - _rgb(NEGATIVE)).max() <= 2


@pytest.mark.parametrize(("resolution", "side"), [(100, 25), (40, 20), (60, 30), (37, 37), (20, 20), (1, 1)])
def test_thumbnails_keep_about_25_cells_a_side_on_any_grid(resolution, side):
    # A fixed step of 4 made the 40-cell playing grid of a big network 10 x 10 thumbnails.
    assert len(thumbnail_samples(resolution)) == side
    assert len(thumbnail_samples(resolution, thumbnail_step(resolution))) == side


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "40"])
def test_a_bad_grid_side_is_named(bad):
    with pytest.raises(ValueError, match="thumbnail_step: resolution"):
        thumbnail_step(bad)


def test_a_big_networks_playing_thumbnails_are_sharp_and_show_the_grid(qtbot, diagram):
    dataset = make_dataset("spiral", n=200, noise=0.1, seed=0)
    trainer = Trainer(dataset, TrainingConfig(hidden=(64,) * 10, activation="tanh", seed=0))
    frame = make_frame(trainer, True, trainer.last_stats())
    r = len(frame.grid_axis)
    assert r < 100  # a coarse playing grid
    diagram.show_frame(frame, GradientHealth())
    unit = diagram.drawn_units(3)[-1]
    image = diagram.node_image(3, unit)
    picks = thumbnail_samples(r)
    assert image.shape == (len(picks), len(picks), 4) and len(picks) >= 20
    a = frame.grid_a[2][:, unit].reshape(r, r)
    top_down = a[picks[::-1]][:, picks]  # row 0 of a thumbnail is the top of the plane (largest x2)
    expected = value_image(top_down, -1.0, 1.0, diagram.diagram_scene.theme.background_rgb)
    assert image.tolist() == expected.tolist()


def test_an_edge_picture_is_painted_off_the_gui_thread_as_the_lines_themselves(qtbot, diagram, trainer):
    import threading

    from PySide6.QtCore import QLineF, QRectF, Qt
    from PySide6.QtGui import QPainter, QPen

    from playground.ui.diagram import edges

    threads = []
    real = edges.paint_picture

    def spy(*args):
        threads.append(threading.current_thread())
        return real(*args)

    edges_module_paint, spare = edges.paint_picture, edges.spare_core
    try:
        edges.paint_picture, edges.spare_core = spy, lambda: True  # as on an idle machine
        pixels = _show(qtbot, diagram, _frame(trainer, w00=-2.0))
        assert threads and all(t is not threading.main_thread() for t in threads)
        threads.clear()
        edges.spare_core = lambda: False  # a busy machine: painted at once in this thread
        pixels = _show(qtbot, diagram, _frame(trainer, w00=2.0))
        assert threads and all(t is threading.main_thread() for t in threads)
        assert np.abs(_at(diagram, pixels, _edge_middle(diagram, 2, 0, 0)) - _rgb(POSITIVE)).max() <= 2
        pixels = _show(qtbot, diagram, _frame(trainer, w00=-2.0))
    finally:
        edges.paint_picture, edges.spare_core = edges_module_paint, spare
    assert np.abs(_at(diagram, pixels, _edge_middle(diagram, 2, 0, 0)) - _rgb(NEGATIVE)).max() <= 2
    # The picture is what painting the lines there gives, pixel for pixel.
    rect = QRectF(3.25, 7.5, 60.0, 40.0)
    batches = [
        (QPen(QColor(POSITIVE), 0.5), [QLineF(5, 9, 60, 45)]),
        (QPen(QColor(NEGATIVE), 3.0), [QLineF(8, 40, 50, 10)]),
    ]
    picture = edges.paint_picture(rect, 1.0, batches)
    assert (picture.origin.x(), picture.origin.y()) == (3.0, 7.0)  # from a whole pixel
    direct = QImage(picture.image.size(), QImage.Format.Format_ARGB32_Premultiplied)
    direct.fill(Qt.GlobalColor.transparent)
    painter = QPainter(direct)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(-3.0, -7.0)
    for pen, lines in batches:
        painter.setPen(pen)
        painter.drawLines(lines)
    painter.end()
    assert picture.image == direct
    assert edges.paint_picture(QRectF(), 1.0, batches) is None
