"""The window names what is wrong with training, by its cause, in the banner above the plots
(issue 9): the default session (spiral, 2-16-16-1 tanh, Adam) pushed into each failure."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from playground.training.diagnosis import DEAD_UNITS, DIVERGED, ERROR, LEARNING_RATE, VANISHING_GRADIENTS, WARNING
from playground.training.presets import NETWORK_PRESETS
from playground.ui import MainWindow
from playground.ui.shell import banner as banner_module
from playground.ui.shell import dialogs
from playground.ui.shell.settings import DATA_DIR_ENV


@pytest.fixture
def window(qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *args: dialogs.DISCARD)
    # The hysteresis (half a second to show, two to stay) is checked with a fake clock below;
    # these tests are about which cause shows, so it is shortened rather than waited out.
    monkeypatch.setattr(banner_module, "HOLD_S", 0.05)
    monkeypatch.setattr(banner_module, "STAY_S", 0.1)
    w = MainWindow()  # the default session (playground.training.defaults)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def train(window, qtbot, epochs: int, **changes) -> None:
    """Change the configuration, train ``epochs`` epochs and wait until their last frame is drawn."""
    session = window.session
    if changes:
        session.update_config(**changes)
    session.step(epochs)
    settled(window, qtbot)


def settled(window, qtbot) -> None:
    """Wait until everything asked of the worker is done and its last frame is drawn."""
    session = window.session
    # The worker answers a read after the commands and steps before it, and sends their frame
    # at the end of that round; a second read comes after that frame. The GUI thread,
    # blocked meanwhile, receives every frame sent so far here.
    session.run_in_worker(lambda trainer: None)
    session.run_in_worker(lambda trainer: None)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: window._drawn is session.latest_frame, timeout=30000)
    # A new cause shows once it has held a moment, and a shown one stays a while (banner.py).
    qtbot.waitUntil(lambda: not window.banner.changing(), timeout=5000)


def test_tanh_at_lr_10_says_the_learning_rate_is_too_high_not_vanishing_gradients(window, qtbot):
    train(window, qtbot, 100, lr=10.0)
    banner = window.banner
    assert banner.isVisible() and banner.severity() == WARNING
    assert banner.diagnosis().cause == LEARNING_RATE
    assert "The training loss jumps between" in banner.text()
    assert (
        "The learning rate (10) is too high: each step overshoots the minimum. Lower it, for example "
        "to 1" in banner.text()
    )
    assert "ReLU" not in banner.text()
    # The gradient plot no longer blames vanishing gradients and advises ReLU + He init.
    assert "ReLU" not in window.gradient_plot.health_text()
    assert "anishing" not in window.gradient_plot.health_text()
    # The saturated tanh layers that follow from it are named on hover.
    assert "tanh units stuck at ±1" in banner.toolTip()

    window.session.reset()  # the cause is gone with the weights and the history
    settled(window, qtbot)
    assert not banner.isVisible() and banner.severity() == "", (banner.text(), window.session.latest_frame.epoch)


def test_relu_at_lr_10_names_the_dead_units_and_the_learning_rate(window, qtbot):
    train(window, qtbot, 50, activation="relu", lr=10.0)
    banner = window.banner
    assert banner.severity() == WARNING and banner.diagnosis().cause == DEAD_UNITS
    text = banner.text()
    assert text.startswith("layer 1: ") and " of 16 ReLU units dead since epoch " in text
    assert "A learning rate this high (10) lets one step push a unit below zero" in text
    assert "press Reset (dead units do not revive by themselves), or use leaky ReLU" in text
    assert "layer 2: " in banner.toolTip()  # the other layer, on hover


def test_the_vanishing_gradients_preset_is_vanishing_gradients_with_advice_for_it(window, qtbot):
    train(window, qtbot, 50, **NETWORK_PRESETS["vanishing gradients"])
    banner = window.banner
    assert banner.diagnosis().cause == VANISHING_GRADIENTS
    assert banner.text().startswith("Vanishing gradients in layers 1")
    assert "What helps: ReLU instead of sigmoid/tanh in deep stacks" in banner.text()
    # Here the gradient plot's headline stands: the diagnosis confirms it.
    assert window.gradient_plot.health_text().startswith("Vanishing gradients")


def test_linear_at_lr_100_with_sgd_is_a_divergence_with_its_advice_and_new_clears_it(window, qtbot):
    train(window, qtbot, 3, activation="linear", lr=100.0, optimizer="sgd")
    banner = window.banner
    assert window.session.latest_frame.stats.status == "diverged"
    assert banner.severity() == ERROR and banner.diagnosis().cause == DIVERGED
    assert banner.text().startswith("Training diverged in epoch 1: ")
    assert "Lower the learning rate (now 100), for example to 10, then train on." in banner.text()
    assert "With linear or ReLU units nothing limits how large the values grow" in banner.text()

    window.files.new_session()  # File > New: nothing of the old run stays on screen
    assert not banner.isVisible()
    settled(window, qtbot)
    assert window.session.latest_frame.config.lr != 100.0
    assert not banner.isVisible()


def test_a_lower_learning_rate_clears_the_banner_once_training_recovers(window, qtbot):
    train(window, qtbot, 30, activation="linear", lr=100.0, optimizer="sgd")
    assert window.banner.diagnosis().cause == DIVERGED
    train(window, qtbot, 40, lr=0.03)  # the advice followed: lower it and train on
    assert window.banner.diagnosis() is None or window.banner.diagnosis().cause != DIVERGED


def test_a_reported_error_shows_until_training_plays(window, qtbot):
    window.session.message.emit("error", "Cannot record to /nowhere: no such folder")
    banner = window.banner
    assert banner.isVisible() and banner.severity() == ERROR and "Cannot record" in banner.text()
    window.session.play()
    assert not banner.isVisible()
    window.session.pause()


class FakeClock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _visibility(banner, clock, frames, step=1 / 60):
    """Give ``banner`` each entry of ``frames`` (a frame's diagnoses), ``step`` s apart; its visibility after each."""
    seen = []
    for diagnoses in frames:
        banner.show_diagnoses(diagnoses)
        seen.append(banner.isVisible())
        clock.now += step
    return seen


def test_a_diagnosis_that_comes_and_goes_from_frame_to_frame_does_not_flicker(qtbot):
    from playground.training.diagnosis import Diagnosis
    from playground.ui.shell.banner import HOLD_S, STAY_S, Banner

    clock = FakeClock()
    parent = QWidget()
    qtbot.addWidget(parent)
    banner = Banner(parent, clock=clock)
    parent.show()
    dead = (Diagnosis(DEAD_UNITS, WARNING, "layer 1: 2 of 8 ReLU units dead.", "Press Reset."),)
    # Near its threshold: there on every other frame for two seconds, never shown (it never held HOLD_S).
    assert not any(_visibility(banner, clock, [dead, ()] * 60))
    # There for good: shown once it has held HOLD_S (30 frames), and not before.
    seen = _visibility(banner, clock, [dead] * 40)
    first = seen.index(True)
    assert abs(first / 60 - HOLD_S) <= 1 / 30 and all(seen[first:])
    # Then flickering again: it stays (no break in its showing), however long.
    assert all(_visibility(banner, clock, [(), dead] * 120))
    # Gone for good: it goes once gone HOLD_S, and it was shown at least STAY_S.
    seen = _visibility(banner, clock, [()] * 60)
    assert seen.index(False) > 0 and not any(seen[seen.index(False) :])
    # Shown briefly: it stays STAY_S even if the frames no longer have it after HOLD_S.
    clock.now += 10
    shown_from = next(i for i, v in enumerate(_visibility(banner, clock, [dead] * 40)) if v)
    seen = _visibility(banner, clock, [()] * 150)
    stayed = (40 - shown_from) + seen.index(False)
    assert abs(stayed / 60 - STAY_S) <= 1 / 30
    # An error (a divergence) shows at once.
    diverged = (Diagnosis(DIVERGED, ERROR, "Training diverged.", "Lower the learning rate."),)
    assert _visibility(banner, clock, [diverged]) == [True]
