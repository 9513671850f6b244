"""Hidden feature docks are built the first time they are shown: none at the window's start, and a dock
opened later comes up in the window's current theme and presentation scale with the latest frame drawn."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QWidget
from test_chain_rule import click, open_window, start_inspecting

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.training.regions import folding_patterns, regions_of
from playground.ui.compare.compare_view import CompareView
from playground.ui.plots.style import DARK, FONT_PT, LIGHT, ThemedPlot
from playground.ui.shell.lazy_dock import LazyDock
from playground.ui.shell.main_window import MainWindow
from playground.ui.shell.presentation import SCALE
from playground.ui.shell.theme import apply_theme

LAZY = ("transformsDock", "landscapeDock", "regionsDock", "raceDock", "graphDock")
FEATURE_PLOTS = ("transformsPlot", "landscapePlot", "regionsPlot", "racePlot")


@pytest.fixture
def window(qtbot):
    ds = make_dataset("xor", n=80, noise=0.0, seed=0, test_fraction=0.25)
    w = open_window(qtbot, ds, TrainingConfig(hidden=(6, 4), activation="relu", batch_size=20, seed=0))
    yield w
    # The theme is the application's palette: left dark, every later test in this process ran dark
    # (a diagram ring test then found the map under its ring too dark to tell the ring apart).
    apply_theme(w, "light")
    w.close()


def _dock(window, name: str) -> LazyDock:
    dock = window.findChild(QDockWidget, name)
    assert isinstance(dock, LazyDock), name
    return dock


def _step(qtbot, window, epochs: int) -> None:
    for _ in range(epochs):
        window.session.step()
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch == epochs, timeout=5000)
    qtbot.waitUntil(lambda: window._drawn is window.session.latest_frame, timeout=5000)


def test_no_hidden_dock_is_built_with_the_window_but_each_is_in_the_view_menu(window):
    view_menu = [a.text() for a in window.menu("&View").actions()]
    for name in LAZY:
        dock = _dock(window, name)
        assert dock.isHidden() and not dock.is_built and dock.widget() is None
        assert dock.windowTitle() in view_menu
        assert window.explanations.buttons[name.removesuffix("Dock")].parent() is dock  # its "?" is there already
    names = {plot.objectName() for plot in window.findChildren(ThemedPlot)}
    assert not names & set(FEATURE_PLOTS)
    assert window.findChildren(CompareView) == []


def test_a_dock_opened_in_dark_presentation_mode_is_themed_and_draws_the_latest_frame(window, qtbot):
    _step(qtbot, window, 3)
    window.findChild(QAction, "theme-dark").trigger()
    window.findChild(QAction, "presentationAction").trigger()
    dock = _dock(window, "regionsDock")
    dock.toggleViewAction().trigger()  # View > Regions
    assert dock.is_built and dock.isVisible()
    view = window.regions.view
    assert dock.widget() is view
    for plot in (view.plot, view.curve_plot):
        assert plot.theme is DARK and plot.backgroundBrush().color().name() == DARK.background.lower()
        assert plot.presentation_scale == SCALE
        assert plot.getPlotItem().getAxis("bottom").style["tickFont"].pointSize() == round(FONT_PT * SCALE)
    # The regions drawn at once are the latest frame's: its own grid probe's activation patterns.
    frame = window.session.latest_frame
    regions = regions_of(folding_patterns(frame.grid_z, frame.config.activations))
    r = len(frame.grid_axis)
    np.testing.assert_array_equal(view.ids, regions.ids.reshape(r, r))
    assert view.image.image is not None and view.image.image.shape[:2] == (r, r)
    # The count curve: the frame on screen, and the timeline's kept epochs before it (a paused frame).
    assert sorted(window.regions.counts) == [0, 1, 2, 3] and window.regions.counts[3] == regions.count


def test_a_dock_opened_in_the_light_theme_stays_light_at_normal_scale(window, qtbot):
    _step(qtbot, window, 2)
    dock = _dock(window, "transformsDock")
    dock.toggleViewAction().trigger()
    plot = window.findChild(ThemedPlot, "transformsPlot")
    assert plot.theme is LIGHT and plot.presentation_scale == 1.0
    assert plot.getPlotItem().getAxis("bottom").style["tickFont"].pointSize() == FONT_PT
    x, y = dock.widget().rows_item.getData()  # the latest frame's grid lines, drawn at once
    assert x is not None and np.isfinite(x).sum() > 100 and np.isfinite(y).sum() > 100
    assert dock.widget().slider.maximum() > 0  # its stages: the frame's network


def test_a_controller_built_before_any_show_keeps_working(window, qtbot):
    """Tests and the driver reach views through the controllers: the view is built at the first use."""
    assert not _dock(window, "raceDock").is_built
    view = window.race.view
    assert _dock(window, "raceDock").is_built and window.race.view is view
    assert window.graph.panel is window.graph.tabs.widget(0)
    assert [window.graph.tabs.tabText(i) for i in range(2)] == ["Inspected point", "Expression"]
    window.findChild(QAction, "compareAction").trigger()
    assert window.compare.dialog.isVisible() and window.findChildren(CompareView) == [window.compare.view]
    window.compare.dialog.close()


def test_inspecting_a_point_leaves_the_closed_graph_unbuilt_until_it_is_shown(window, qtbot):
    start_inspecting(qtbot, window)
    x, y = window.session.dataset.X[0]
    click(qtbot, window, float(x), float(y))
    inspection = window.chain_rule.panel.inspection
    assert inspection is not None and not _dock(window, "graphDock").is_built
    window.findChild(QAction, "theme-dark").trigger()
    dock = _dock(window, "graphDock")
    dock.toggleViewAction().trigger()  # built, and drawn at once: the point inspected before it existed
    assert window.graph.panel.graph is not None and window.graph.panel.snapshot is inspection.snapshot


def test_restored_window_state_builds_and_shows_a_saved_dock(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    _dock(first, "landscapeDock").show()
    state = first.saveState()
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    assert not _dock(second, "landscapeDock").is_built
    assert second.restoreState(state)
    dock = _dock(second, "landscapeDock")
    assert dock.is_built and dock.isVisible() and second.findChild(ThemedPlot, "landscapePlot").isVisible()
    assert not _dock(second, "raceDock").is_built  # one not saved as shown stays unbuilt
    second.close()


def test_a_build_that_fails_leaves_the_dock_empty_and_is_tried_again(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    calls = []

    def build() -> QWidget:
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("no view yet")
        return QLabel("built")

    dock = LazyDock("Lazy", window, "lazyDock", build, lambda widget: None)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    with pytest.raises(ValueError, match="no view yet"):
        dock.content()
    assert not dock.is_built and dock.widget() is None
    assert dock.content().text() == "built" and dock.content() is dock.widget() and len(calls) == 2
