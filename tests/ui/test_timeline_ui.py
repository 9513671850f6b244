"""The timeline row driven like a person would: step, scrub back, see the past on every
plot, continue from there, and land exactly where training straight would have."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget
from shared_window import reused_window

from playground.data import DOMAIN, make_dataset
from playground.training import Trainer, TrainingConfig, grid_points
from playground.training.probes import grid_probe
from playground.training.timeline import Timeline
from playground.ui import MainWindow
from playground.ui.session.worker import make_view_frame

CONFIG = TrainingConfig(hidden=(4,), activation="tanh", optimizer="adam", lr=0.05, batch_size=20, seed=0)


@pytest.fixture
def dataset():
    return make_dataset("xor", n=120, noise=0.0, seed=0, test_fraction=0.25)


def _build() -> MainWindow:
    w = MainWindow(make_dataset("xor", n=120, noise=0.0, seed=0, test_fraction=0.25), CONFIG)
    w.drawn = []  # every frame drawn on the plots, in order (the test's own: emptied for each)
    w.add_frame_view(w.drawn.append)
    return w


# One window for the module's tests, checked to look as new before each (shared_window.py).
kept_window, reused = reused_window(_build, name="reused")


@pytest.fixture
def window(reused):
    reused.drawn.clear()
    return reused


def drawn_is(window, epoch: int, viewing: bool):
    """A waitUntil condition: the plots show ``epoch``, from the past or live."""
    return lambda: bool(window.drawn) and (window.drawn[-1].epoch, window.drawn[-1].viewing) == (epoch, viewing)


def train(qtbot, window, epochs: int) -> None:
    target = window.session.trainer.epoch + epochs
    window.session.step(epochs)
    qtbot.waitUntil(drawn_is(window, target, False), timeout=10000)


def reference(dataset, epochs: int) -> Trainer:
    trainer = Trainer(dataset, CONFIG)
    if epochs:
        trainer.step(epochs)
    return trainer


def test_scrub_shows_the_past_and_continue_equals_training_straight(window, qtbot, dataset):
    row = window.timeline_row
    train(qtbot, window, 12)
    assert row.slider.maximum() == 12 and row.slider.value() == 12
    assert row.label.text() == "epoch 12 (live)"
    assert not row.continue_button.isEnabled()

    row.slider.setValue(5)
    qtbot.waitUntil(drawn_is(window, 5, True), timeout=5000)
    frame = window.drawn[-1]
    past = reference(dataset, 5)
    r = len(frame.grid_axis)
    points, _ = grid_points(r, DOMAIN)
    assert np.array_equal(frame.grid_output, grid_probe(past, points).output)  # the frames' probe of those weights
    drawn_map, task = window.boundary_plot._map
    assert task == "classification"
    assert np.array_equal(drawn_map, frame.grid_output.reshape(r, r, -1))
    assert np.array_equal(frame.weights[0][0], past.model.layers[0].W.data)
    assert frame.stats.train_loss == past.last_stats().train_loss
    # The whole history stays on the curves, with a marker at the epoch shown.
    assert len(frame.history["epoch"]) == 12
    for plot in (window.loss_plot, window.gradient_plot):
        assert plot._marker.isVisible() and plot._marker.value() == 5
    assert row.label.text() == "epoch 5 of 12 (viewing history)"
    assert window.transport.epoch_label.text() == "epoch 5"
    assert window.session.viewing and not window.session.playing
    # Looking back did not disturb the live network.
    live = window.session.run_in_worker(lambda t: t.model.params.data.copy())
    assert np.array_equal(live, reference(dataset, 12).model.params.data)

    qtbot.mouseClick(row.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(drawn_is(window, 5, False), timeout=5000)
    assert window.drawn[-1].timeline.tolist() == list(range(6))
    assert len(window.drawn[-1].history["epoch"]) == 5
    assert not window.loss_plot._marker.isVisible()
    assert row.label.text() == "epoch 5 (live)" and row.slider.maximum() == 5

    train(qtbot, window, 3)
    live = window.session.trainer
    past.step(3)
    assert np.array_equal(live.model.params.data, past.model.params.data)
    assert np.array_equal(live.optimizer.state_dict()["m"], past.optimizer.state_dict()["m"])
    assert np.array_equal(live.history.array("train_loss"), past.history.array("train_loss"))


def test_scrubbing_pauses_and_back_to_live_returns(window, qtbot):
    # A modest speed: at full speed hundreds of epochs pass before the first check,
    # and the early ones are thinned away (snapping is tested on its own below).
    window.session.set_speed(30)
    window.session.play()
    qtbot.waitUntil(lambda: bool(window.drawn) and window.drawn[-1].epoch >= 4, timeout=10000)
    window.timeline_row.slider.setValue(2)
    qtbot.waitUntil(drawn_is(window, 2, True), timeout=5000)
    assert not window.session.playing
    live = window.timeline_row.live_epoch
    assert window.session.trainer.epoch == live
    assert window.timeline_row.label.text() == f"epoch 2 of {live} (viewing history)"

    qtbot.mouseClick(window.timeline_row.live_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(drawn_is(window, live, False), timeout=5000)
    assert window.timeline_row.slider.value() == live
    assert not window.gradient_plot._marker.isVisible()
    # Play from a past view trains on from the live end, not from the past.
    window.timeline_row.slider.setValue(1)
    qtbot.waitUntil(drawn_is(window, 1, True), timeout=5000)
    train(qtbot, window, 1)
    assert window.session.trainer.epoch == live + 1


def test_thinned_epoch_snaps_to_the_nearest_kept(window, qtbot, dataset):
    worker = window.session.worker
    # A small timeline, swapped in the training thread, thins after a few dozen epochs.
    window.session.run_in_worker(lambda trainer: setattr(worker, "timeline", Timeline(max_snapshots=16)))
    train(qtbot, window, 60)
    kept = window.drawn[-1].timeline.tolist()
    assert len(kept) <= 16 and kept[0] == 0 and kept[-1] == 60
    start, end = next((a, b) for a, b in zip(kept, kept[1:]) if b - a >= 4)
    row = window.timeline_row

    row.slider.setSliderDown(True)  # a drag to an epoch whose snapshot was thinned away
    row.slider.setValue(start + 1)
    row.slider.setSliderDown(False)
    qtbot.waitUntil(drawn_is(window, start, True), timeout=5000)
    assert row.slider.value() == start
    assert row.label.text() == f"epoch {start} of 60 (nearest to {start + 1})"
    assert np.array_equal(window.drawn[-1].weights[0][0], reference(dataset, start).model.layers[0].W.data)

    row.slider.setValue(start + 1)  # the arrow key: on to the next kept epoch
    qtbot.waitUntil(drawn_is(window, end, True), timeout=5000)
    assert row.slider.value() == end and row.label.text() == f"epoch {end} of 60 (viewing history)"
    row.slider.setValue(end - 1)  # and back
    qtbot.waitUntil(drawn_is(window, start, True), timeout=5000)


def test_reset_and_rebuild_start_a_new_timeline(window, qtbot):
    train(qtbot, window, 4)
    assert window.drawn[-1].timeline.tolist() == [0, 1, 2, 3, 4]
    window.session.reset()
    qtbot.waitUntil(lambda: window.drawn[-1].timeline.tolist() == [0], timeout=5000)
    assert not window.timeline_row.slider.isEnabled()
    train(qtbot, window, 2)
    window.session.update_config(hidden=(3,))
    qtbot.waitUntil(lambda: window.drawn[-1].timeline.tolist() == [0], timeout=5000)
    assert window.drawn[-1].epoch == 0


def test_view_frame_leaves_the_live_trainer_untouched(dataset):
    trainer, timeline = Trainer(dataset, CONFIG), Timeline()
    timeline.follow(trainer)
    for _ in range(6):
        trainer.step(1)
        timeline.follow(trainer)
    before = trainer.snapshot()
    frame = make_view_frame(trainer, timeline.nearest(2), timeline.epochs)
    assert frame.viewing and frame.epoch == 2 and frame.stats.epoch == 2
    assert frame.timeline.tolist() == list(range(7))
    assert np.array_equal(frame.weights[0][0], reference(dataset, 2).model.layers[0].W.data)
    assert all(not W.any() and not b.any() for W, b in frame.grads)  # snapshots keep no gradients
    assert np.array_equal(trainer.model.params.data, before.params) and trainer.epoch == 6


def test_right_arrow_on_the_focused_slider_moves_it_instead_of_training(window, qtbot):
    train(qtbot, window, 10)
    row = window.timeline_row
    window.activateWindow()
    row.slider.setFocus()
    qtbot.keyClick(row.slider, Qt.Key.Key_Left)  # back one epoch: the slider takes the key
    qtbot.waitUntil(drawn_is(window, 9, True), timeout=5000)
    qtbot.keyClick(row.slider, Qt.Key.Key_Right)
    qtbot.waitUntil(drawn_is(window, 10, False), timeout=5000)
    qtbot.wait(50)
    assert window.session.trainer.epoch == 10  # no epoch was trained by the window's Right
    window.boundary_plot.setFocus()  # elsewhere, Right still steps training
    qtbot.keyClick(window.boundary_plot, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.session.trainer.epoch == 11, timeout=5000)


def test_click_on_the_groove_jumps_there(window, qtbot):
    train(qtbot, window, 40)
    row = window.timeline_row
    slider = row.slider
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QStyle, QStyleOptionSlider

    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    groove = slider.style().subControlRect(
        QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove, slider
    )
    handle = slider.style().subControlRect(
        QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, slider
    )
    # A quarter along the span the handle's centre travels: epoch 10 of 40 (a page would be 2).
    x = groove.x() + handle.width() // 2 + (groove.width() - handle.width()) // 4
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=QPoint(x, slider.height() // 2))
    qtbot.waitUntil(lambda: window.drawn[-1].viewing, timeout=5000)
    assert abs(window.drawn[-1].epoch - 10) <= 1
    assert not slider.isSliderDown()


def test_slider_keeps_its_width_when_the_label_grows(window, qtbot):
    row = window.timeline_row
    worker = window.session.worker
    window.session.run_in_worker(lambda trainer: setattr(worker, "timeline", Timeline(max_snapshots=16)))
    train(qtbot, window, 60)
    qtbot.wait(20)
    before = (row.slider.width(), row.label.width())
    kept = window.drawn[-1].timeline.tolist()
    start = next(a for a, b in zip(kept, kept[1:]) if b - a >= 4)
    row.slider.setSliderDown(True)  # dragging onto a thinned epoch: the longest label
    row.slider.setValue(start + 1)
    qtbot.wait(20)
    assert "nearest to" in row.label.text()
    assert (row.slider.width(), row.label.width()) == before
    assert row.label.fontMetrics().horizontalAdvance(row.label.text()) < row.label.contentsRect().width()
    row.slider.setSliderDown(False)


def test_label_colours_follow_the_theme(window, qtbot):
    from playground.ui.shell.theme import apply_theme

    label = window.timeline_row.label
    try:
        apply_theme(window, "dark")
        qtbot.wait(20)
        image = label.grab().toImage()
        # Live: the window's colours; the text is light on the dark background.
        assert label.palette().color(label.foregroundRole()).lightness() > 180
        assert label.palette().color(label.backgroundRole()).lightness() < 80
        assert image.pixelColor(1, 1).lightness() < 80
    finally:
        apply_theme(window, "light")
    qtbot.wait(20)
    assert label.palette().color(label.foregroundRole()).lightness() < 80


def test_label_text_fits_its_fixed_width_or_is_elided(window):
    row = window.timeline_row
    row._set_label_text("epoch 123456 of 123456 (viewing history)")
    assert row.label.text() == "epoch 123456 of 123456 (viewing history)"
    row._set_label_text("epoch 123456789 of 123456789 (viewing history)")
    assert row.label.text().endswith("…") and "123456789 of 123456789" in row.label.toolTip()


def test_a_narrow_row_keeps_a_slider_that_can_be_scrubbed_and_elides_the_label(window, qtbot):
    """Presentation mode's larger text with a side dock open: the label's room for its widest text
    left the slider a square (seen under Xvfb at 1280x720)."""
    from playground.ui.shell.presentation import set_presentation

    row = window.timeline_row
    zero = row.label.fontMetrics().horizontalAdvance("0")
    set_presentation(window, True)
    try:
        window.findChild(QDockWidget, "transformsDock").show()
        window.network_view.action.setChecked(True)  # the diagram beside the dock too: the narrowest row
        qtbot.wait(50)
        zero = row.label.fontMetrics().horizontalAdvance("0")
        assert row.slider.width() >= 14 * zero
        wide = "epoch 123456 of 123456 (nearest to 123456)"
        row._set_label_text(wide)
        shown = row.label.text()
        assert shown == wide or (shown.endswith("…") and wide in row.label.toolTip())
        assert row.label.fontMetrics().horizontalAdvance(shown) <= row.label.contentsRect().width()
    finally:
        set_presentation(window, False)
    qtbot.wait(50)
    # Back at the normal size the label has room for its widest text again.
    row._set_label_text("epoch 123456 of 123456 (nearest to 123456)")
    assert row.label.text() == "epoch 123456 of 123456 (nearest to 123456)"
