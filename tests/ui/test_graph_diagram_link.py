"""The graph view, the chain-rule panel and the network diagram together, with skip connections:
one list of paths for both views, and a node selected in the graph highlights its diagram item."""

from __future__ import annotations

import pytest
from test_chain_rule import click, open_window, start_inspecting

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.training.graph import routes_taken
from playground.training.inspect import WeightId
from playground.ui.graph.graph_canvas import PATH
from playground.ui.graph.graph_feature import diagram_target

CONFIG = TrainingConfig(hidden=(2, 4, 4), residual=(True, False, True), activation="tanh", batch_size=20, seed=0)


@pytest.fixture
def window(qtbot):
    ds = make_dataset("xor", n=60, noise=0.0, seed=0, test_fraction=0.25)
    window = open_window(qtbot, ds, CONFIG)
    start_inspecting(qtbot, window)
    x, y = ds.X[~ds.is_test][0]
    click(qtbot, window, float(x), float(y))
    qtbot.waitUntil(lambda: window.chain_rule.panel.inspection is not None, timeout=3000)
    window.graph.dock.show()
    qtbot.waitUntil(lambda: window.graph.panel.graph is not None, timeout=3000)
    yield window
    window.close()


def blue_edges(panel) -> set[tuple[int, int]]:
    return {edge for edge, item in panel.canvas.edges.items() if item.pen().color() == PATH}


def test_the_panels_sum_names_the_paths_the_graph_highlights(window, qtbot):
    graph_panel, chain_panel = window.graph.panel, window.chain_rule.panel
    graph_panel.set_expanded(2, True)  # layer 3, the one with the skip, unit by unit
    weight = WeightId(1, 0, 1)  # into unit 2 of layer 2; layer 3 adds a⁽²⁾ through its skip
    chain_panel.table.weightChosen.emit(weight)
    qtbot.waitUntil(lambda: chain_panel.chain is not None and chain_panel.chain.weight == weight, timeout=2000)
    listed = [(term.unit, term.skip) for term in chain_panel.chain.paths]
    assert listed == [(0, False), (1, False), (2, False), (3, False), (1, True)]
    highlighted = routes_taken(graph_panel.graph, weight, blue_edges(graph_panel))
    assert [(route.unit, route.skip) for route in highlighted] == listed
    text = chain_panel.text.toPlainText()
    assert "skip" in text and "5 paths" in text and chain_panel.chain.paths_agree
    table = chain_panel.table
    skip_row = table._rows[("skip", 3, 1)]  # unit 2 of layer 3 adds a₂⁽²⁾ along its skip
    layer = chain_panel.inspection.layers[2]
    assert skip_row.text(0).endswith("(skip)") and skip_row.parent() is table._rows[("a", 3, 1)]
    assert skip_row.text(1) == table._rows[("a", 2, 1)].text(1)  # the value it adds is a₂⁽²⁾
    assert skip_row.text(2) == table._rows[("a", 3, 1)].text(2) and layer.skip  # it passes ∂L/∂a₂⁽³⁾ down
    assert ("skip", 2, 0) not in table._rows  # layer 2 has no skip
    detail = graph_panel.detail.text()
    assert "z₁⁽³⁾, z₂⁽³⁾, z₃⁽³⁾, z₄⁽³⁾ and the skip into a₂⁽³⁾" in detail


def test_selecting_a_graph_node_highlights_its_unit_or_edge_in_the_diagram(window, qtbot):
    graph_panel, diagram = window.graph.panel, window.network_view.diagram
    graph_panel.set_expanded(1, True)
    graph = graph_panel.graph
    weight = graph.find_weight(WeightId(1, 1, 3))
    graph_panel.canvas.nodeClicked.emit(weight)
    assert diagram_target(graph.nodes[weight]) == ("weight", 1, (1, 3))
    assert diagram.emphasis == (2, 1, 3)  # weight layer 2 (1-based), from unit 2 of layer 1 to unit 4
    bias = graph.find_weight(WeightId(1, None, 2))
    graph_panel.canvas.nodeClicked.emit(bias)
    assert diagram.emphasis == (2, 2)  # the bias belongs to unit 3 of layer 2
    unit = next(n.index for n in graph.nodes if n.kind == "op" and n.layer == 1 and n.unit == 0)
    graph_panel.canvas.nodeClicked.emit(unit)
    assert diagram.emphasis == (2, 0)
    vector = next(n.index for n in graph.nodes if n.matrix == ("W", 0))  # layer 1 is one vector node
    graph_panel.canvas.nodeClicked.emit(vector)
    assert diagram.emphasis is None
    graph_panel.canvas.nodeClicked.emit(unit)
    graph_panel.canvas.nodeClicked.emit(unit)  # clicked again: the selection and the highlight go
    assert graph_panel.selected is None and diagram.emphasis is None
