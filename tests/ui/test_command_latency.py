"""Commands act at once on a large dataset (issue 16): the worker runs a command while the
frame before it is still undrawn, shows its effect before training on, the GUI skips a
frame the command made stale, an edit is applied once, and a click on a large canvas
draws its point from a small item without giving the big ones their points again.

Behaviour only: the benchmark (``bench ui``) measures how long each takes.
"""

from __future__ import annotations

import dataclasses
import threading
import time

import numpy as np
import pytest
from long_epochs import CONFIG, big, session  # noqa: F401 - fixtures
from PySide6.QtCore import QPointF, Qt

from playground.data import AddPoints, make_dataset
from playground.ui import MainWindow
from playground.ui.plots.points import PointLayer
from playground.ui.session import session_model, worker
from playground.ui.session.session_model import SessionModel


def _take_frames(session: SessionModel) -> list:
    """Take every frame as the window does (say it is drawn); the frames, in order."""
    frames: list = []

    def drawn(frame) -> None:
        frames.append(frame)
        session.worker.frame_taken()

    session.frameReady.connect(drawn)
    return frames


def test_a_command_runs_while_the_frame_before_it_is_undrawn(session, qtbot, monkeypatch):
    # Nothing here ever says a frame is drawn, and the lockstep would wait a minute for it.
    monkeypatch.setattr(worker, "DRAW_WAIT", 60.0)
    session.play()
    qtbot.waitUntil(lambda: session.latest_frame.playing, timeout=10000)
    ran = threading.Event()
    session.worker.submit(lambda trainer: ran.set())
    qtbot.waitUntil(ran.is_set, timeout=10000)
    assert session.update_config(lr=0.01)
    qtbot.waitUntil(lambda: session.latest_frame.config.lr == 0.01, timeout=10000)  # and its frame is shown


def test_a_play_that_comes_while_a_paused_frame_is_built_does_not_wait_for_its_drawing(session, qtbot, monkeypatch):
    # Seen under load: Play arrived while the worker built a paused frame; the worker then waited
    # in lockstep for that paused frame to be drawn, and no playing frame came for DRAW_WAIT.
    monkeypatch.setattr(worker, "DRAW_WAIT", 60.0)
    built = worker.make_frame

    def play_meanwhile(trainer, playing, *args, **kwargs):
        frame = built(trainer, playing, *args, **kwargs)
        if not playing:
            session.worker.set_playing(True)  # after the frame has read the paused state
        return frame

    monkeypatch.setattr(worker, "make_frame", play_meanwhile)
    session.worker.submit(lambda trainer: None)  # a paused frame, during which Play comes
    qtbot.waitUntil(lambda: session.latest_frame.playing, timeout=10000)


def test_the_frame_after_a_command_shows_it_before_training_goes_on(session, qtbot):
    frames = _take_frames(session)
    session.play()
    qtbot.waitUntil(lambda: any(f.playing and f.epoch == 0 for f in frames[1:]), timeout=10000)
    seen = []
    session.worker.submit(lambda trainer: seen.append(trainer.model.layers[0].W.data.copy()))
    posted = session.worker._inbox.redraws_posted
    qtbot.waitUntil(lambda: any(f.commands_seen >= posted for f in frames), timeout=10000)
    first = next(f for f in frames if f.commands_seen >= posted)
    assert first.playing
    # Not one mini-batch between the command and the frame that shows its effect.
    np.testing.assert_array_equal(first.weights[0][0], seen[0])


def _hold_worker(session: SessionModel) -> threading.Event:
    """Keep the training thread busy in a command until the returned event is set."""
    gate = threading.Event()
    session.worker.submit(lambda trainer: gate.wait(10))
    return gate


def test_a_frame_made_before_a_pending_command_is_skipped(session, qtbot):
    shown = session.latest_frame
    gate = _hold_worker(session)
    try:
        assert session.update_config(lr=0.01)  # pending behind the held command
        stale = dataclasses.replace(shown, epoch=shown.epoch + 7)
        assert session.worker.stale(stale)
        session.worker.frameReady.emit(stale)
        assert session.latest_frame is shown  # not taken: the command's own frame follows
    finally:
        gate.set()
    qtbot.waitUntil(lambda: session.latest_frame.config.lr == 0.01, timeout=10000)
    assert not session.worker.stale(session.latest_frame)


def test_a_stream_of_commands_still_lets_frames_through(session, qtbot, monkeypatch):
    monkeypatch.setattr(session_model, "STALE_FRAME_PATIENCE_S", 0.0)  # the last frame is "long" ago
    shown = session.latest_frame
    gate = _hold_worker(session)
    try:
        assert session.update_config(lr=0.01)
        stale = dataclasses.replace(shown, epoch=shown.epoch + 7)
        session.worker.frameReady.emit(stale)
        assert session.latest_frame is stale  # the plots do not stop while commands keep coming
    finally:
        gate.set()
    qtbot.waitUntil(lambda: session.latest_frame.config.lr == 0.01, timeout=10000)


def test_the_window_does_not_draw_a_frame_taken_before_a_pending_command(qtbot):
    window = MainWindow(make_dataset("spiral", n=300, noise=0.1, seed=0), CONFIG)
    qtbot.addWidget(window)
    window.show()
    session = window.session
    qtbot.waitUntil(
        lambda: window.pacer.drawn is not None and window.pacer.drawn is session.latest_frame, timeout=10000
    )
    drawn = window.pacer.drawn
    gate = _hold_worker(session)
    try:
        # A frame taken just before the command, not drawn yet (the pacer draws at most every
        # 16 ms: it has just drawn one).
        window.pacer._drawn_at = time.perf_counter() + 60.0
        undrawn = dataclasses.replace(drawn, epoch=drawn.epoch + 7, commands_seen=session.worker._inbox.redraws_posted)
        session.worker.frameReady.emit(undrawn)
        assert session.latest_frame is undrawn and window.pacer.drawn is drawn
        assert session.update_config(lr=0.01)
        window.pacer.draw_latest()  # as its timer does
        assert window.pacer.drawn is drawn
    finally:
        gate.set()
    qtbot.waitUntil(lambda: window.pacer.drawn.config.lr == 0.01, timeout=10000)  # the command's own frame
    window.close()


class _CountingEdit:
    """An edit that counts how often it is applied."""

    def __init__(self, edit: AddPoints) -> None:
        self.edit, self.applied = edit, 0

    def apply(self, dataset):
        self.applied += 1
        return self.edit.apply(dataset)

    def inverse(self):
        return self.edit.inverse()

    def merge(self, later):
        return None


def test_an_edit_is_applied_once_and_undo_and_redo_still_work(session, qtbot):
    n = session.dataset.n
    edit = _CountingEdit(AddPoints([[0.25, 0.5]], [1]))
    assert session.apply_edit(edit, "Add point")
    assert edit.applied == 1  # validating it made the dataset the step then shows
    assert session.dataset.n == n + 1 and np.allclose(session.dataset.X[-1], [0.25, 0.5])
    session.undo_stack.undo()
    assert session.dataset.n == n
    session.undo_stack.redo()
    assert edit.applied == 2 and session.dataset.n == n + 1
    qtbot.waitUntil(lambda: session.latest_frame.dataset.n == n + 1, timeout=10000)


def _click(qtbot, window, x: float, y: float) -> None:
    plot = window.boundary_plot
    pos = plot.mapFromScene(plot.getPlotItem().getViewBox().mapViewToScene(QPointF(x, y)))
    qtbot.mouseMove(plot.viewport(), pos)
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)


def test_a_click_while_playing_a_large_dataset_draws_its_point_and_undo_removes_it(qtbot, big):
    window = MainWindow(big, CONFIG)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    session = window.session
    qtbot.waitUntil(lambda: session.latest_frame is not None, timeout=10000)
    (layer,) = [v for v in vars(window.boundary_plot).values() if isinstance(v, PointLayer)]
    records = [item.data for item in layer._items]
    session.play()
    qtbot.waitUntil(lambda: session.latest_frame.playing, timeout=10000)
    window.tools.current_class = 0
    _click(qtbot, window, 1.25, -2.5)
    assert session.dataset.n == big.n + 1
    x, y = session.dataset.X[-1]
    assert x == pytest.approx(1.25, abs=0.05) and y == pytest.approx(-2.5, abs=0.05)
    drawn = layer.drawn()
    np.testing.assert_array_equal(drawn[(0, False)][-1], [x, y])
    assert [item.data for item in layer._items] == records  # no big item was given its points again
    qtbot.waitUntil(lambda: session.latest_frame.dataset.n == big.n + 1, timeout=10000)  # trained on
    session.undo_stack.undo()
    assert layer.count() == big.n
    assert not any(np.array_equal(p, [x, y]) for p in layer.drawn()[(0, False)])
    window.close()
