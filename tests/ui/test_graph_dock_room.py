"""The computational graph below the plots at 1280x720: the canvas it opens with shows its boxes, in normal
and presentation mode, alone or tabbed with the chain rule (each seen cut under Xvfb first:
/work/notes/look_docks/before)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDockWidget
from test_chain_rule import open_window

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui.graph.graph_canvas import MIN_SCALE, NODE_H, READABLE_SCENE, GraphCanvas
from playground.ui.shell.presentation import SCALE, set_presentation


@pytest.fixture
def window(qtbot):
    ds = make_dataset("spiral", n=120, noise=0.1, seed=0, test_fraction=0.25)
    w = open_window(qtbot, ds, TrainingConfig(hidden=(16, 16), activation="tanh", batch_size=20, seed=0))
    yield w
    w.close()


def _present(window, qtbot) -> None:
    set_presentation(window, True)
    window.setMaximumSize(1280, 720)  # the recording size (the offscreen screen is 800x800)
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.size().height() == 720, timeout=3000)


def _toggle(qtbot, window, name: str) -> None:
    """Open or close the dock ``name`` from the View menu, as a person does."""
    dock = window.findChild(QDockWidget, name)
    hidden = dock.isHidden()
    dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: dock.isHidden() != hidden, timeout=3000)
    qtbot.wait(50)  # the dock area lays the change out before the next one


def _open_inspected(qtbot, window, keep_chain_rule: bool) -> GraphCanvas:
    """Inspect a point with the chain rule, close it unless ``keep_chain_rule``, then open the graph."""
    _toggle(qtbot, window, "chainRuleDock")
    x, y = window.session.dataset.X[0]
    assert window.chain_rule.inspect_at(float(x), float(y))
    if not keep_chain_rule:
        _toggle(qtbot, window, "chainRuleDock")
    _toggle(qtbot, window, "graphDock")
    canvas = window.graph.panel.canvas
    qtbot.waitUntil(lambda: bool(canvas.boxes) and canvas.isVisible(), timeout=3000)
    return canvas


def _shows_readable_rows(canvas: GraphCanvas, zoom: float = 1.0) -> None:
    """For qtbot.waitUntil: the viewport shows a row of boxes and most of the next at the least scale."""
    assert canvas.viewport().height() >= READABLE_SCENE * MIN_SCALE * zoom - 1


@pytest.mark.parametrize("keep_chain_rule", [False, True], ids=["alone", "onto the chain rule"])
def test_the_graph_opens_with_a_canvas_that_shows_its_boxes(qtbot, window, keep_chain_rule):
    """Its canvas was 58 px alone (the line under it took the rest of the 0.15 share) and 0 px opened onto
    the chain rule's tab (the group kept the chain rule's height less the row of tabs, and its tab stayed
    in front)."""
    canvas = _open_inspected(qtbot, window, keep_chain_rule)
    assert window.height() == 720
    qtbot.waitUntil(lambda: _shows_readable_rows(canvas), timeout=3000)
    dock = window.findChild(QDockWidget, "graphDock")
    assert not dock.visibleRegion().isEmpty()  # its tab is the one in front
    back = window.graph.panel.controls.back
    assert back.isVisible() and back.height() >= back.sizeHint().height()  # the buttons whole


def test_in_presentation_mode_the_graph_is_drawn_as_large_as_the_text(qtbot, window):
    """Its boxes' text stayed at 9 pt drawn at 0.7 (6.3 pt on screen) beside 12.6 pt text, and the view
    was 60 px tall in a 188 px dock: the boxes were cut."""
    _present(window, qtbot)
    canvas = _open_inspected(qtbot, window, keep_chain_rule=False)
    assert canvas.text_zoom == pytest.approx(SCALE)
    line = canvas.boxes[0].lines[0]
    qtbot.waitUntil(lambda: _shows_readable_rows(canvas, SCALE), timeout=3000)
    on_screen = line.font().pointSizeF() * canvas.transform().m11()
    assert on_screen >= line.font().pointSizeF() * MIN_SCALE * SCALE - 1e-6
    assert canvas.viewport().height() >= NODE_H * canvas.transform().m11()  # a whole box fits
    set_presentation(window, False)
    qtbot.waitUntil(lambda: canvas.text_zoom == 1.0, timeout=3000)
    assert canvas.transform().m11() < on_screen / line.font().pointSizeF()  # back to the normal size
