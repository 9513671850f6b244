"""Skip connections (``TrainingConfig.residual``) drawn in the network diagram as arcs over their
layer, beside the edges, with their own hover text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui import MainWindow


@pytest.fixture
def window(qtbot):
    ds = make_dataset("circle", n=60, noise=0.1, seed=0)
    w = MainWindow(ds, TrainingConfig(hidden=(4, 4, 4), residual=(False, True, True), seed=0))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.network_view.diagram.frame is not None, timeout=10000)
    yield w
    w.close()


def _centre_of(diagram, column: int) -> QPointF:
    rects = [diagram.node_rect(column, u) for u in diagram.drawn_units(column)]
    return QPointF(sum(r.center().x() for r in rects) / len(rects), sum(r.center().y() for r in rects) / len(rects))


def test_each_skip_is_an_arc_from_its_input_layer_to_its_layer(window, qtbot):
    diagram = window.network_view.diagram
    assert diagram.skip_columns() == [2, 3]
    rects = [diagram.node_rect(c, u) for c in range(diagram.columns()) for u in diagram.drawn_units(c)]
    rows = diagram.diagram_scene.geometry.orientation == "rows"
    along = (lambda p: p.y()) if rows else (lambda p: p.x())  # the axis the layers follow
    for column in (2, 3):
        path = diagram.skip_path(column)
        start, end = path.elementAt(0), path.elementAt(3)  # the curve's ends (a quadratic is stored as a cubic)
        start, end = QPointF(start.x, start.y), QPointF(end.x, end.y)
        before, after = _centre_of(diagram, column - 1), _centre_of(diagram, column)
        assert abs(along(start) - along(before)) < 1 and abs(along(end) - along(after)) < 1
        middle = path.pointAtPercent(0.25)
        assert not any(r.contains(middle) for r in rects)  # beside the maps, not over them
        assert diagram.viewport().rect().contains(diagram.mapFromScene(path.boundingRect().bottomRight()))
    window.session.update_config(residual=())
    qtbot.waitUntil(lambda: diagram.frame.config.residual == (), timeout=10000)
    assert diagram.skip_columns() == []


def test_hovering_an_arc_tells_what_the_skip_adds(window):
    diagram = window.network_view.diagram
    path = diagram.skip_path(3)
    text = diagram.tooltip_at(diagram.mapFromScene(path.pointAtPercent(0.2)))
    assert text.startswith("skip connection: layer 3 adds its input")
    assert "a(3) = σ(W a(2) + b) + a(2)" in text


def test_a_wide_network_draws_its_skip_below_the_columns(qtbot):
    ds = make_dataset("circle", n=60, noise=0.1, seed=0)
    w = MainWindow(ds, TrainingConfig(hidden=(16, 16), residual=(False, True), seed=0))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    try:
        diagram = w.network_view.diagram
        qtbot.waitUntil(lambda: diagram.frame is not None, timeout=10000)
        assert diagram.diagram_scene.geometry.orientation == "columns" and diagram.skip_columns() == [2]
        path = diagram.skip_path(2)
        lowest = max(diagram.node_rect(c, u).bottom() for c in (1, 2) for u in diagram.drawn_units(c))
        assert path.boundingRect().top() > lowest  # under the maps of both layers
        assert diagram.viewport().rect().contains(diagram.mapFromScene(path.boundingRect().bottomRight()))
    finally:
        w.close()
