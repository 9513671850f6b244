"""The diagram of the biggest network (10 hidden layers of 64 units, issue 12): a wide layer is
drawn by an even sample of its units and says so; hover, click, emphasis and edge styles stay
right for the units drawn."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from shared_window import close

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.training.config import MAX_HIDDEN_LAYERS, MAX_UNITS
from playground.ui import MainWindow
from playground.ui.diagram.layout import COLUMNS, ROWS
from playground.ui.diagram.sampling import (
    MAX_DRAWN_UNITS,
    READABLE,
    SAMPLE_SIZES,
    drawn_units,
    sample_size,
    sampling_note,
)
from playground.ui.diagram.scene import EDGE_WIDTH, DiagramScene, Structure
from playground.ui.shell.presentation import set_presentation


@pytest.fixture(scope="module")
def window(qapp):
    ds = make_dataset("spiral", n=200, noise=0.1, seed=0)
    w = MainWindow(ds, TrainingConfig(hidden=(MAX_UNITS,) * MAX_HIDDEN_LAYERS, seed=0))
    w.resize(1280, 720)
    w.show()
    deadline = 200
    while w.network_view.diagram.frame is None and deadline:
        qapp.processEvents()
        w.session.run_in_worker(lambda t: None)
        deadline -= 1
    qapp.processEvents()
    yield w
    close(w)  # and deleted: a window only closed stays alive (tests/leftovers.py)


def test_the_limits_are_ten_layers_of_64():
    assert (MAX_HIDDEN_LAYERS, MAX_UNITS) == (10, 64)
    TrainingConfig(hidden=(64,) * 10)
    with pytest.raises(ValueError, match="at most 10 hidden layers"):
        TrainingConfig(hidden=(4,) * 11)


def test_an_even_sample_that_keeps_the_units_asked_for():
    assert drawn_units(12) == tuple(range(12))
    sample = drawn_units(64)
    assert len(sample) == MAX_DRAWN_UNITS and sample[0] == 0 and sample[-1] == 63
    assert np.all(np.diff(sample) >= 4) and np.all(np.diff(sample) <= 5)
    kept = drawn_units(64, keep=[1, 2, 37])
    assert {1, 2, 37} <= set(kept) and len(kept) == MAX_DRAWN_UNITS and list(kept) == sorted(kept)
    assert len(set(sample) ^ set(kept)) == 2 * len({1, 2, 37} - set(sample))  # each kept unit replaced one
    assert sampling_note([64, 64], [sample, sample]) == "showing 16 of 64 units in each layer"
    assert sampling_note([8, 64], [tuple(range(8)), sample]) == "showing 16 of 64 units in layer 2"
    assert sampling_note([8, 8], [tuple(range(8))] * 2) == ""
    # The sample is the largest whose maps stay readable: maps of 200 px / units here.
    assert sample_size(lambda limit: 200 / limit) == 12
    assert sample_size(lambda limit: 400 / limit) == 16
    assert sample_size(lambda limit: 50 / limit) == SAMPLE_SIZES[-1]


def test_ten_layers_of_64_are_drawn_sampled_and_say_so(window):
    diagram = window.network_view.diagram
    assert diagram.columns() == 12
    k = len(diagram.drawn_units(1))  # as many as keep the maps readable in the column
    assert k in SAMPLE_SIZES and k < MAX_DRAWN_UNITS
    for column in range(1, 11):
        assert diagram.drawn_units(column) == drawn_units(64, limit=k)
    assert diagram.node_count() == 2 + 10 * k + 1
    assert diagram.edge_count() == 2 * k + 9 * k * k + k
    assert diagram.sampling_note() == f"showing {k} of 64 units in each layer"
    caption = diagram.diagram_scene.caption.sceneBoundingRect()
    assert diagram.viewport().rect().contains(diagram.mapFromScene(caption.bottomRight()))
    # The maps do not overlap one another nor the caption.
    rects = [diagram.node_rect(c, u) for c in range(12) for u in diagram.drawn_units(c)]
    assert min(r.width() for r in rects) >= READABLE
    assert all(not r.intersects(caption) for r in rects)
    # A layer's name says which units are drawn.
    header = diagram.diagram_scene.headers[3]
    text = diagram.tooltip_at(diagram.mapFromScene(header.sceneBoundingRect().center()))
    assert f"showing {k} of 64 units" in text


def test_hover_and_styles_name_the_true_units(window):
    diagram = window.network_view.diagram
    frame = diagram.frame
    i, j = diagram.drawn_units(2)[5], diagram.drawn_units(3)[9]
    assert (i, j) != (5, 9)
    line = diagram.edge(3, i, j).line
    W = frame.weights[2][0]
    hits = []
    for t in np.linspace(0.1, 0.9, 81):
        pos = diagram.mapFromScene(QPointF(line.x1() + t * line.dx(), line.y1() + t * line.dy()))
        if diagram._thing_at(pos) == ("edge", (3, i, j)):
            hits.append(diagram.tooltip_at(pos))
    assert hits and hits[0].startswith(f"w(3)[{i + 1}→{j + 1}] = {W[i, j]:.3g},")
    # Widths are by size next to the layer's largest weight, drawn or not.
    low, high = EDGE_WIDTH
    share = abs(W[i, j]) / np.abs(W).max()
    assert diagram.edge(3, i, j).pen.widthF() == pytest.approx(low + (high - low) * round(share * 11) / 11)


def test_an_emphasised_or_clicked_unit_left_out_is_drawn(window, qtbot):
    diagram, view = window.network_view.diagram, window.network_view
    assert 37 not in diagram.drawn_units(3)
    view.highlight_unit(2, 37)  # layer 3, unit 38
    assert 37 in diagram.drawn_units(3) and len(diagram.drawn_units(3)) == len(diagram.drawn_units(4))
    assert diagram.emphasis_shape().boundingRect().contains(diagram.node_rect(3, 37))
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=diagram.node_center(3, 37))
    assert diagram.selected == (3, 37)
    assert window.boundary_plot.unit_map_label() == "layer 3 unit 38 (tanh)"
    view.clear_highlight()
    assert 37 in diagram.drawn_units(3)  # still selected
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=diagram.node_center(3, 37))
    assert diagram.selected is None and 37 not in diagram.drawn_units(3)


def test_the_network_panel_offers_ten_layers_of_64(window):
    from PySide6.QtWidgets import QSpinBox

    panel = window.network_panel
    spins = [s for s in panel.findChildren(QSpinBox) if s.suffix() == " units" and s.isVisibleTo(panel)]
    assert len(spins) == MAX_HIDDEN_LAYERS and all(s.maximum() == MAX_UNITS and s.value() == 64 for s in spins)
    assert not panel.add_layer_button.isEnabled()  # ten layers: no eleventh


@pytest.fixture
def presenting(window, qapp):
    """The window in presentation mode at 1280x720, laid out."""
    set_presentation(window, True)
    window.resize(1280, 720)
    try:
        for _ in range(50):
            qapp.processEvents()
        yield window
    finally:
        set_presentation(window, False)


def test_in_a_narrow_diagram_the_caption_wraps_whole_inside_the_view(presenting):
    # Seen in presentation mode at 1280x720 with 10 layers of 64: "showing 10 of 64 units in ea".
    diagram = presenting.network_view.diagram
    scene = diagram.diagram_scene
    lines = scene.caption.text().split("\n")
    assert len(lines) > 1 and " ".join(lines) == diagram.sampling_note()  # wrapped, every word kept
    view = diagram.viewport().rect()
    box = diagram.mapFromScene(scene.caption.sceneBoundingRect()).boundingRect()
    assert view.contains(box), (box, view)
    rects = [diagram.node_rect(c, u) for c in range(12) for u in diagram.drawn_units(c)]
    assert all(not r.intersects(scene.caption.sceneBoundingRect()) for r in rects)


def test_layer_names_beside_rows_are_one_line_each_apart_from_the_next_and_the_maps(presenting):
    # Seen in presentation mode at 1280x720 with 10 layers of 64: the names were "L1" over "tanh"
    # and each row's "tanh" ran into the next row's "L2" (rows 27 px apart, two lines 38 px).
    diagram = presenting.network_view.diagram
    scene = diagram.diagram_scene
    assert scene.geometry.orientation == ROWS
    names = [item.text() for item in scene.headers]
    assert names == ["in", *(f"L{c} tanh" for c in range(1, 11)), "out"]
    boxes = [item.sceneBoundingRect() for item in scene.headers]
    assert all(not a.intersects(b) for a, b in zip(boxes, boxes[1:]))
    maps = [diagram.node_rect(c, u) for c in range(12) for u in diagram.drawn_units(c)]
    assert not any(box.intersects(m) for box in boxes for m in maps)


def test_layer_names_above_columns_put_the_activation_under_the_number(qtbot):
    scene = DiagramScene()
    units = tuple(range(16))
    wide = Structure(("x1", "x2"), (16, 16), ("tanh", "tanh"), 1, (False, False), ((0, 1), units, units, (0,)), "")
    scene.build(wide)  # wide and shallow: columns
    scene.relayout(300, 600)
    assert scene.geometry.orientation == COLUMNS
    assert [item.text() for item in scene.headers] == ["in", "L1\ntanh", "L2\ntanh", "out"]
