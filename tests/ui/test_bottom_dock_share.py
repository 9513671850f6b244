"""A dock below the plots (the Computational graph, the chain rule) opens at a share of the window that
keeps the plots readable at 1280x720, can be dragged taller but never past the plots' minimum, and in
presentation mode leaves the activation space tall enough for its axis titles."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget
from test_chain_rule import open_window

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui.plots.activation_space import MIN_HEIGHT, PRESENTATION_MIN_HEIGHT
from playground.ui.shell.lazy_dock import let_squeeze, natural_min_height, opening_height
from playground.ui.shell.main_window import DOCK_SHARE

BOTTOM_DOCKS = ("graphDock", "chainRuleDock")


@pytest.fixture
def window(qtbot):
    ds = make_dataset("xor", n=80, noise=0.0, seed=0, test_fraction=0.25)
    w = open_window(qtbot, ds, TrainingConfig(hidden=(6, 4), activation="relu", batch_size=20, seed=0))
    yield w
    w.close()


def _view_height(plot) -> float:
    """The height of the data area a plot draws (its view box, without axes and legend)."""
    return plot.getPlotItem().getViewBox().sceneBoundingRect().height()


def _open(qtbot, window, name: str) -> QDockWidget:
    dock = window.findChild(QDockWidget, name)
    dock.toggleViewAction().trigger()  # View menu → the dock's toggle, as a person opens it
    qtbot.waitUntil(dock.isVisible, timeout=3000)
    qtbot.wait(100)
    return dock


def _label_fits(plot) -> bool:
    """Whether the activation plot's y-axis title is no longer than the view it is written beside."""
    label = plot.getPlotItem().getAxis("left").label
    return label.boundingRect().width() <= _view_height(plot)


@pytest.mark.parametrize("name", BOTTOM_DOCKS)
def test_a_bottom_dock_opens_at_a_share_that_keeps_the_boundary_readable(qtbot, window, name):
    dock = _open(qtbot, window, name)
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert window.height() == 720
    # Both used to open at 0.3 of the height (216 px): the boundary's view was 137 and 128 px tall.
    assert dock.height() <= max(opening_height(dock, 720), 170)
    assert _view_height(window.boundary_plot) >= 155
    assert _label_fits(window.activation_plot)


def test_the_inspect_tool_opens_the_chain_rule_below_a_readable_boundary(qtbot, window):
    inspect = next(a for a in window.findChildren(QAction) if a.text().replace("&", "").startswith("Inspect"))
    inspect.trigger()
    dock = window.findChild(QDockWidget, "chainRuleDock")
    qtbot.waitUntil(dock.isVisible, timeout=3000)
    qtbot.wait(100)
    assert dock.height() <= 120  # it took a fixed 190 px, the boundary's view 135
    assert _view_height(window.boundary_plot) >= 185


def test_a_bottom_dock_drags_taller_but_not_past_the_plots_minimum(qtbot, window):
    dock = _open(qtbot, window, "chainRuleDock")
    opened = dock.height()
    window.resizeDocks([dock], [600], Qt.Orientation.Vertical)  # what dragging its edge far up does
    qtbot.wait(100)
    assert opened < dock.height() <= round(720 * DOCK_SHARE)
    assert window.height() == 720
    assert window.boundary_plot.height() >= window.boundary_plot.minimumHeight() == 120
    assert window.activation_plot.height() >= MIN_HEIGHT
    assert _label_fits(window.activation_plot)


@pytest.mark.parametrize("name", BOTTOM_DOCKS)
def test_in_presentation_mode_a_bottom_dock_leaves_the_activation_space_readable(qtbot, window, name):
    window.findChild(QAction, "presentationAction").trigger()
    qtbot.wait(100)
    _open(qtbot, window, name)
    assert window.height() == 720  # the plots' minimum and the dock's both fit: the window does not grow
    plot = window.activation_plot
    # It was a strip 68 px tall (its view 0-3 px) and its y-axis title was drawn over itself.
    assert plot.height() >= PRESENTATION_MIN_HEIGHT
    assert _view_height(plot) >= 70
    assert _label_fits(plot)
    window.findChild(QAction, "presentationAction").trigger()


def test_a_negative_height_or_floor_is_refused_naming_the_dock(qtbot, window):
    dock = window.findChild(QDockWidget, "graphDock")
    with pytest.raises(ValueError, match="window's height must be >= 0, not -1"):
        opening_height(dock, -1)
    dock.toggleViewAction().trigger()  # built: it has a content to give a floor
    with pytest.raises(ValueError, match="graphDock's floor must be >= 0 px, not -5"):
        let_squeeze(dock, -5)


def test_a_squeezed_dock_still_knows_the_height_that_shows_all_of_its_content(qtbot, window):
    dock = _open(qtbot, window, "graphDock")
    content = dock.widget()
    natural = natural_min_height(dock)
    let_squeeze(dock, 50)
    assert content.minimumHeight() < content.minimumSizeHint().height()  # the area may squeeze it
    assert dock.minimumSizeHint().height() <= 50 < natural == natural_min_height(dock)
    assert opening_height(dock, 720) >= natural  # it still opens showing all of its content
