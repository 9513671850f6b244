"""The diagram's emphasis API (``NetworkView.highlight_unit`` / ``highlight_parameter`` /
``clear_highlight``), which other views call to point at a unit or a weight: what it names
and what it draws."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from shared_window import reused_window

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui import MainWindow
from playground.ui.diagram.scene import EMPHASIS
from playground.ui.shell.theme import apply_theme


def _build() -> MainWindow:
    ds = make_dataset("xor", n=60, noise=0.0, seed=0, test_fraction=0.25)
    return MainWindow(ds, TrainingConfig(hidden=(3, 4), features=("x1", "x2", "x1^2"), seed=0))


# One window for the module's tests, reset after each and checked to look as new before the next.
kept_window, window = reused_window(_build)


def _pixel(diagram, scene_point: QPointF) -> QColor:
    image = diagram.grab().toImage()
    ratio = image.width() / diagram.width()
    p = diagram.mapFromScene(scene_point)
    return QColor(image.pixel(round(p.x() * ratio), round(p.y() * ratio)))


def _is_emphasis(color: QColor, dark: bool = False) -> bool:
    want = QColor(EMPHASIS[dark])
    return max(abs(color.red() - want.red()), abs(color.green() - want.green()), abs(color.blue() - want.blue())) < 40


def test_a_unit_is_outlined_in_the_emphasis_colour_and_cleared(window):
    view, diagram = window.network_view, window.network_view.diagram
    view.highlight_unit(0, 2)  # first hidden layer, unit 3: diagram column 1
    assert diagram.emphasis == (1, 2)
    node = diagram.node_rect(1, 2)
    shape = diagram.emphasis_shape().boundingRect()
    assert shape.contains(node) and shape.width() < node.width() + 8
    outside = QPointF(node.center().x(), node.top() - 2.5)  # on the glow's core line
    assert _is_emphasis(_pixel(diagram, outside))
    view.clear_highlight()
    assert diagram.emphasis is None and diagram.emphasis_shape().isEmpty()
    assert not _is_emphasis(_pixel(diagram, outside))
    view.highlight_unit(-1, 0)  # the inputs
    assert diagram.emphasis == (0, 0)
    view.highlight_unit(2, 0)  # the output unit
    assert diagram.emphasis == (3, 0)


def test_a_weight_glows_along_its_edge_and_a_bias_around_its_unit(window):
    view, diagram = window.network_view, window.network_view.diagram
    view.highlight_parameter(1, "weight", (1, 3))  # Trainer.set_parameter's w from layer-1 unit 2 to layer-2 unit 4
    assert diagram.emphasis == (2, 1, 3)
    line = diagram.edge(2, 1, 3).line
    shape = diagram.emphasis_shape()
    assert shape.pointAtPercent(0) == line.p1() and shape.pointAtPercent(1) == line.p2()
    assert _is_emphasis(_pixel(diagram, line.center()))
    view.highlight_parameter(0, "bias", 2)
    assert diagram.emphasis == (1, 2)
    view.highlight_parameter(0, "bias", (1,))
    assert diagram.emphasis == (1, 1)


def test_the_glow_follows_a_rebuild_and_a_theme(window, qtbot):
    view, diagram = window.network_view, window.network_view.diagram
    view.highlight_parameter(0, "weight", (0, 1))
    window.session.update_config(hidden=(5, 4))
    qtbot.waitUntil(lambda: diagram.frame is not None and diagram.frame.config.hidden == (5, 4), timeout=10000)
    line = diagram.edge(1, 0, 1).line
    assert diagram.emphasis_shape().pointAtPercent(1) == line.p2()
    apply_theme(window, "dark")
    QApplication.processEvents()  # the palette change reaches the widgets as an event
    assert _is_emphasis(_pixel(diagram, line.center()), dark=True)
    apply_theme(window, "light")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda v: v.highlight_unit(3, 0), "layer must be a whole number in -1..2"),
        (lambda v: v.highlight_unit(0, 3), "index must be a whole number in 0..2"),
        (lambda v: v.highlight_parameter(1, "weight", (3, 0)), "index i must be a whole number in 0..2"),
        (lambda v: v.highlight_parameter(1, "bias", 4), "index j must be a whole number in 0..3"),
        (lambda v: v.highlight_parameter(0, "grad", 0), "kind must be 'weight'"),
        (lambda v: v.highlight_parameter(-1, "bias", 0), "layer must be a whole number in 0..2"),
    ],
)
def test_a_bad_target_names_what_is_wrong_and_keeps_the_emphasis(window, call, message):
    view = window.network_view
    view.highlight_unit(0, 0)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call(view)
    assert view.diagram.emphasis == (1, 0)
