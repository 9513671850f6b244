"""Selections survive a rebuild: a unit, layer or epoch that no longer exists is dropped or
clamped, and every frame after the change draws without an exception."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from shared_window import own_window, reused_window

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui import MainWindow


def _drawn(qtbot, window: MainWindow, **config) -> None:
    """Wait until the window has drawn a frame of the session's config (with ``config``)."""

    def done() -> bool:
        frame = window.session.latest_frame
        return (
            frame is not None
            and frame.config == window.session.config
            and all(getattr(frame.config, k) == v for k, v in config.items())
            and window._drawn is frame
            and window.network_view.diagram.frame is frame
        )

    qtbot.waitUntil(done, timeout=10000)


def _build() -> MainWindow:
    ds = make_dataset("spiral", n=120, noise=0.1, seed=0, test_fraction=0.25)
    return MainWindow(
        ds, TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=32, seed=0)
    )


# One window for the module's tests, reset after each and checked to look as new before the next.
kept_window, window = reused_window(_build)
own_window = own_window(_build)  # for a test that builds the chain rule's dock (the reset cannot unbuild it)


def _click_unit(qtbot, window: MainWindow, column: int, unit: int) -> None:
    diagram = window.network_view.diagram
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=diagram.node_center(column, unit))


def test_a_selected_unit_that_a_rebuild_removes_is_dropped(window, qtbot):
    """Layer 2, unit 15 is selected; the network becomes one layer of 4 units (before:
    IndexError in ``unit_map`` on every frame)."""
    _click_unit(qtbot, window, 2, 14)
    assert window.network_view.diagram.selected == (2, 14)
    assert window.boundary_plot.unit_map_label() == "layer 2 unit 15 (tanh)"
    assert window.session.update_config(hidden=(4,))
    _drawn(qtbot, window, hidden=(4,))
    window.session.step(2)
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch == 2, timeout=10000)
    _drawn(qtbot, window, hidden=(4,))
    assert window.network_view.diagram.selected is None
    assert window.boundary_plot.unit_map_label() == ""  # the output map is back
    window.grab()  # and everything paints


def test_a_selected_unit_that_still_exists_stays(window, qtbot):
    _click_unit(qtbot, window, 1, 2)
    assert window.session.update_config(hidden=(4, 4))
    _drawn(qtbot, window, hidden=(4, 4))
    assert window.network_view.diagram.selected == (1, 2)
    assert window.boundary_plot.unit_map_label() == "layer 1 unit 3 (tanh)"


def test_a_selected_input_that_a_feature_change_removes_is_dropped(window, qtbot):
    assert window.session.update_config(features=("x1", "x2", "x1*x2"))
    _drawn(qtbot, window, features=("x1", "x2", "x1*x2"))
    _click_unit(qtbot, window, 0, 2)
    assert window.network_view.diagram.selected == (0, 2)
    assert window.session.update_config(features=("x1", "x2"))
    _drawn(qtbot, window, features=("x1", "x2"))
    assert window.network_view.diagram.selected is None


def test_a_hidden_diagram_drops_a_stale_unit_too(window, qtbot):
    """The diagram is not redrawn while hidden; the boundary plot still shows the frames."""
    _click_unit(qtbot, window, 2, 14)
    window.network_view.action.setChecked(False)
    assert window.session.update_config(hidden=(4,))
    qtbot.waitUntil(lambda: window._drawn is not None and window._drawn.config.hidden == (4,), timeout=10000)
    assert window.network_view.diagram.selected is None
    window.network_view.action.setChecked(True)
    _drawn(qtbot, window, hidden=(4,))


def test_activation_space_selectors_are_clamped_to_the_new_network(window, qtbot):
    view = window.activation_view
    view.layer_box.setCurrentIndex(1)
    view.x_box.setCurrentIndex(view.x_box.findData(14))
    view.y_box.setCurrentIndex(view.y_box.findData(15))
    assert window.session.update_config(hidden=(4,))
    _drawn(qtbot, window, hidden=(4,))
    assert view.layer_box.count() == 1 and view.layer_box.currentIndex() == 0
    units = window.session.latest_frame.grid_a[0].shape[1]
    assert units == 4
    for box in (view.x_box, view.y_box):
        assert box.currentData() is not None and box.currentData() < units


def test_viewing_a_past_epoch_ends_when_the_network_is_rebuilt(window, qtbot):
    window.session.step(5)
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch == 5, timeout=10000)
    window.session.view_epoch(2)
    qtbot.waitUntil(lambda: window.session.latest_frame.viewing, timeout=5000)
    assert window.session.update_config(hidden=(4,))
    _drawn(qtbot, window, hidden=(4,))
    frame = window.session.latest_frame
    assert not frame.viewing and frame.epoch == 0
    assert window.timeline_row.live_epoch == 0
    assert window.timeline_row.slider.maximum() == 0


def test_the_inspected_point_goes_when_a_new_class_rebuilds(own_window, qtbot):
    """A new class count rebuilds the network: the inspected point is explained again by
    the new network, or dropped with a word if it went."""
    window = own_window
    inspector = window.chain_rule
    point = window.session.dataset.X[0]
    inspector.action.setChecked(True)
    assert inspector.inspect_at(float(point[0]), float(point[1]))
    session = window.session
    session.set_dataset(session.dataset.with_classes(3), "Add class")
    qtbot.waitUntil(lambda: session.latest_frame.dataset.n_classes == 3, timeout=10000)
    qtbot.waitUntil(lambda: window._drawn is session.latest_frame, timeout=5000)
    inspection = inspector.panel.inspection
    assert inspection is not None
    assert len(inspection.layers) == 3  # two hidden layers and the new 3-class output


def test_random_rebuilds_between_selections_raise_nothing(window, qtbot):
    """A seeded mix of the actions from the random test that found the stale selections:
    unit clicks, architecture, feature and class-count changes, undo and redo, the
    timeline, play and pause. Any exception in a slot fails the test (pytest-qt)."""
    rng = np.random.default_rng(7)
    session = window.session
    diagram = window.network_view.diagram
    hiddens = [(16, 16), (4,), (8, 2), (2, 2, 2), (), (16,)]
    features = [("x1", "x2"), ("x1", "x2", "x1*x2"), ("x1", "x2", "x1^2", "x2^2")]

    def click_unit() -> None:
        if diagram.columns():
            column = int(rng.integers(diagram.columns()))
            units = diagram.drawn_units(column)  # the units drawn now
            _click_unit(qtbot, window, column, units[int(rng.integers(len(units)))])

    actions = [
        click_unit,
        click_unit,
        lambda: session.update_config(hidden=hiddens[rng.integers(len(hiddens))]),
        lambda: session.update_config(features=features[rng.integers(len(features))]),
        lambda: session.set_dataset(session.dataset.with_classes(int(rng.integers(2, 4))), "Classes"),
        session.undo_stack.undo,
        session.undo_stack.redo,
        lambda: session.step(int(rng.integers(1, 4))),
        lambda: session.view_epoch(int(rng.integers(0, 5))),
        session.back_to_live,
        session.play,
        session.pause,
        lambda: window.activation_view.layer_box.setCurrentIndex(
            int(rng.integers(max(window.activation_view.layer_box.count(), 1)))
        ),
    ]
    for _ in range(80):
        actions[int(rng.integers(len(actions)))]()
        qtbot.wait(int(rng.integers(0, 40)))
    session.pause()
    qtbot.waitUntil(lambda: window._drawn is session.latest_frame, timeout=10000)
    window.grab()
