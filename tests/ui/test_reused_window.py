"""The reused window of tests/ui/shared_window.py: its reset brings back what tests change, and its
check fails when something is left that the reset does not undo (a test cannot lean on an earlier one)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from shared_window import differences, reused_window, settled_look

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.training.timeline import Timeline
from playground.ui import MainWindow
from playground.ui.media.recorder import RecordingControls
from playground.ui.shell.theme import apply_theme


def _build() -> MainWindow:
    return MainWindow(
        make_dataset("xor", n=60, noise=0.0, seed=0, test_fraction=0.25), TrainingConfig(hidden=(3,), seed=0)
    )


# The module's ReusedWindow itself (these tests call its check and reset by hand, not its ``window``).
kept_window, _unused_window = reused_window(_build, name="unused_window")


def test_a_new_window_passes_its_own_check(kept_window):
    kept_window.check_fresh("test_a_new_window_passes_its_own_check")


def test_the_reset_undoes_training_edits_settings_tools_and_theme(kept_window, qtbot):
    window = kept_window.window
    session = window.session
    session.set_dataset(session.dataset.with_classes(3), "Add class")
    session.update_config(lr=0.5)
    session.step(5)
    window.tools.current_class = 2
    apply_theme(window, "dark")
    qtbot.waitUntil(lambda: session.latest_frame.epoch == 5 and session.latest_frame.config.lr == 0.5, timeout=10000)
    changed = differences(kept_window.fresh, settled_look(window))
    for what in ("session", "tools", "theme"):
        assert any(line.startswith(f"{what}:") for line in changed), (what, changed)
    kept_window.reset()
    kept_window.check_fresh("the next test")
    assert session.undo_stack.count() == 0 and session.latest_frame.epoch == 0 and session.config.lr != 0.5


@pytest.mark.parametrize(
    "leave, named",
    [
        (lambda w: w.boundary_plot.setFocus(), "focus"),
        (lambda w: w.log_loss.setChecked(True), "inputs"),
        (lambda w: setattr(w.tools, "brush_radius", 2.0), "tools"),
        (lambda w: setattr(w.session.worker, "timeline", Timeline(max_snapshots=16)), "timeline"),
        (lambda w: setattr(w.findChild(RecordingControls), "overlay_corner", "top-left"), "recording"),
        (lambda w: w.lessons.card.show_step("Own", 1, 3, "A step's caption"), "inputs"),  # a lesson's card
    ],
)
def test_the_check_names_what_a_test_left_behind(kept_window, qtbot, leave, named):
    leave(kept_window.window)
    qtbot.wait(50)
    with pytest.raises(AssertionError, match=f"after the leaving test .*{named}:"):
        kept_window.last_user = "the leaving test"
        kept_window.check_fresh("the next test")
    kept_window.window.log_loss.setChecked(False)  # what the reset does not touch
    kept_window.reset()
    kept_window.check_fresh("the next test")


def test_the_reset_undoes_records_settings_its_menu_and_what_its_overlay_saw(kept_window):
    window = kept_window.window
    controls = window.findChild(RecordingControls)
    window.findChild(QAction, "record-area-window").trigger()  # through the options menu
    controls.overlay_corner = "top-left"
    controls.grab_area()  # a burnt frame: the overlay's log holds it
    changed = differences(kept_window.fresh, settled_look(window))
    for what in ("recording", "actions"):
        assert any(line.startswith(f"{what}:") for line in changed), (what, changed)
    kept_window.reset()
    kept_window.check_fresh("the next test")
    assert (controls.area, controls.overlay_corner, len(controls.overlay.log)) == ("plots", "off", 0)
    assert window.findChild(QAction, "record-area-plots").isChecked()
