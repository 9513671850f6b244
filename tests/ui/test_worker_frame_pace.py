"""When the training thread sends frames and what they cost (issue 16): once the training slice is
over a frame comes from the middle of an epoch however short the epoch so far, unless the epoch
ends at its next step; a Pause builds its paused frame once; a still frame's diagnosis reads the
frame's exact probe of the training points instead of probing them again; frames carry the history
without copying it whole every time.

Behaviour only: ``bench ui`` measures the frame rates and latencies.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from playground.data import make_dataset
from playground.training import EpochStats, History, Trainer, TrainingConfig
from playground.training.diagnosis import diagnose_trainer, diagnosis_rows
from playground.ui.session import worker
from playground.ui.session.session_model import SessionModel
from playground.ui.session.worker import FrameHistory, TrainingWorker


def _worker(n_train: int, qtbot) -> TrainingWorker:
    """A worker (its thread not started: the test calls its epoch itself) on ``n_train`` points at batch 1."""
    dataset = make_dataset("xor", n=n_train, noise=0.1, seed=0, test_fraction=0.0)
    config = TrainingConfig(hidden=(4,), activation="tanh", lr=0.03, batch_size=1, seed=0)
    return TrainingWorker(Trainer(dataset, config))


def _frames_of_one_epoch(
    w: TrainingWorker, monkeypatch, frame_seconds: float = 0.0, batch_seconds: float = 1e-3
) -> list[int]:
    """Train one epoch as playing does, the slice long over, after a frame that took ``frame_seconds``
    to build and draw, mini-batches measured at ``batch_seconds``; the epochs of the frames it sent."""
    sent: list[int] = []
    monkeypatch.setattr(w, "_send_frame", lambda: sent.append(w.trainer.epoch))
    w._train_slice, w._frame_seconds, w._batch_seconds = 0.0, frame_seconds, batch_seconds
    w._last_frame = time.perf_counter() - 1e-3  # a millisecond ago: the slice is over
    assert w._epoch(lambda: True, frames=True) is not None
    return sent


def test_an_epoch_shorter_than_a_frame_period_sends_a_frame_once_the_slice_is_over(qtbot, monkeypatch):
    # 40 one-point mini-batches of a 4-unit network: milliseconds, far less than a frame period.
    # The old rule waited for an epoch to last a frame period (1 / FRAME_RATE) before a frame
    # from its middle, so every frame waited for a whole epoch: 10 layers of 64 at 1,000 points
    # trained 22 ms a frame where the slice left after drawing was 12 to 18 ms.
    w = _worker(40, qtbot)
    sent = _frames_of_one_epoch(w, monkeypatch)
    assert sent and sent[0] == 0  # from the epoch's middle: the first epoch is not done yet


def test_training_keeps_its_share_of_the_time_however_long_frames_take(qtbot, monkeypatch):
    # A frame that took 10 s (a busy machine) is followed by at least 10 * 0.4 / 0.6 s of training:
    # the 40 mini-batches' epoch ends before any frame from its middle.
    w = _worker(40, qtbot)
    assert _frames_of_one_epoch(w, monkeypatch, frame_seconds=10.0) == []


def test_an_epoch_with_little_left_to_train_sends_no_frame_from_its_middle(qtbot, monkeypatch):
    # 60 mini-batches of 0.1 ms, looked at every 20: after the first 20, the rest (4 ms) is below
    # MID_EPOCH_REST, so the epoch ends first. Cutting such short epochs for frames halved the default
    # session's epochs a second at batch 10.
    w = _worker(60, qtbot)
    assert _frames_of_one_epoch(w, monkeypatch, batch_seconds=1e-4) == []


def test_an_epoch_that_has_run_a_frame_period_sends_its_frame_once_the_slice_is_over(qtbot):
    # As before at 100,000 points, where an epoch takes seconds: the slice alone decides, however long
    # the last frame took (the share above would halve their frame rate).
    w = _worker(40, qtbot)
    w._train_slice, w._frame_seconds = 0.02, 10.0
    now = time.perf_counter()
    w._last_frame = now - 0.03
    old = now - 2 / worker.FRAME_RATE
    assert w._mid_epoch_frame_due(old, rest=0.0)
    assert not w._mid_epoch_frame_due(now, rest=1.0)  # a young epoch: training has not had its share
    w._frame_seconds = 0.0
    assert w._mid_epoch_frame_due(now, rest=1.0)
    assert not w._mid_epoch_frame_due(now, rest=0.5 * worker.MID_EPOCH_REST)  # it ends soon enough
    w._last_frame = now  # the slice is not over
    assert not w._mid_epoch_frame_due(old, rest=1.0)


def test_an_epoch_that_ends_at_its_next_step_sends_no_frame_from_its_middle(qtbot, monkeypatch):
    w = _worker(2, qtbot)  # two mini-batches: after the first, the next step ends the epoch
    assert _frames_of_one_epoch(w, monkeypatch) == []  # the round sends the frame after the epoch


@pytest.fixture
def playing_session(qtbot):
    dataset = make_dataset("spiral", n=200, noise=0.1, seed=0, test_fraction=0.3)
    model = SessionModel(dataset, TrainingConfig(hidden=(8,), activation="tanh", batch_size=10, seed=0))
    qtbot.waitUntil(lambda: model.latest_frame is not None, timeout=10000)
    model.frameReady.connect(lambda frame: model.worker.frame_taken())  # as the window does
    yield model
    model.shutdown()


def test_a_pause_builds_its_paused_frame_once(playing_session, qtbot, monkeypatch):
    session = playing_session
    built: list[bool] = []  # each frame's playing state, as it is built
    still_begun = threading.Event()
    make = worker.make_frame

    def recorded(trainer, playing, *args, **kwargs):
        built.append(playing)
        if not playing:
            still_begun.set()
        return make(trainer, playing, *args, **kwargs)

    monkeypatch.setattr(worker, "make_frame", recorded)
    submit = session.worker.submit

    def late_submit(command, redraw=True):
        # Whatever the GUI posts after a pause comes after the worker may have begun the paused
        # frame (the pause and its redraw were two steps, and the worker woke in between).
        still_begun.wait(2.0)
        submit(command, redraw)

    monkeypatch.setattr(session.worker, "submit", late_submit)
    session.play()
    qtbot.waitUntil(lambda: session.latest_frame.playing, timeout=10000)
    del built[:]
    session.pause()
    qtbot.waitUntil(lambda: not session.latest_frame.playing, timeout=10000)
    session.run_in_worker(lambda trainer: None)  # the worker has done what the pause asked
    assert built.count(False) == 1
    assert not session.worker.stale(session.latest_frame)


def _trained(n: int, hidden=(8, 8)) -> Trainer:
    dataset = make_dataset("spiral", n=n, noise=0.1, seed=0, test_fraction=0.3)
    trainer = Trainer(dataset, TrainingConfig(hidden=hidden, activation="tanh", seed=0))
    trainer.step(3)
    return trainer


def test_a_still_frame_lends_the_diagnosis_its_exact_probe_of_the_training_points(qtbot, monkeypatch):
    trainer = _trained(300)
    frame = worker.make_frame(trainer, False, trainer.last_stats())
    hidden = worker.diagnosed_hidden(frame)
    rows = diagnosis_rows(trainer.dataset)
    assert hidden is not None and len(rows) == 210  # every training point
    for lent, probed in zip(hidden, trainer.probe(trainer.dataset.X[rows]).a[:-1], strict=True):
        np.testing.assert_allclose(lent, probed, rtol=0, atol=1e-12)
    # The worker's diagnosis of a still frame is the usual one, without probing the points again.
    expected = tuple(diagnose_trainer(trainer))
    w = TrainingWorker(trainer)
    probes = []
    monkeypatch.setattr(trainer, "probe", lambda points: probes.append(len(points)) or Trainer.probe(trainer, points))
    made = w._frame()
    assert made.diagnoses == expected
    assert probes == [len(made.point_rows)]  # the frame's own exact probe of its points, and no other


def test_a_playing_frame_or_one_of_fewer_points_lends_nothing(qtbot):
    trainer = _trained(300)
    assert worker.diagnosed_hidden(worker.make_frame(trainer, True, trainer.last_stats())) is None  # float32
    big = _trained(8000)  # 5,600 training points: the diagnosis takes 2,000, the frame every 2nd row
    assert worker.diagnosed_hidden(worker.make_frame(big, False, big.last_stats())) is None


def _epoch_stats(k: int, layers: int = 2) -> EpochStats:
    norms = np.full(layers, float(k))
    return EpochStats(k, k + 0.5, k + 0.25, 0.5, 0.5, 0.1, norms, norms, norms, dead_units=np.zeros(layers))


def _history(epochs: int) -> History:
    history = History(2)
    for k in range(epochs):
        history.append(_epoch_stats(k))
    return history


def test_frames_carry_the_history_and_keep_what_they_carried():
    history, carried = _history(300), FrameHistory()
    first = carried.views(history)
    for name in worker.HISTORY_COLUMNS:
        np.testing.assert_array_equal(first[name], history.array(name))
        assert not first[name].flags.writeable
    history.append(_epoch_stats(300))
    second = carried.views(history)  # one more epoch: copied alone, the first 300 shared
    assert len(first["epoch"]) == 300 and second["epoch"].tolist() == list(range(301))
    history.truncate(100)  # a restore: later epochs are trained anew
    for k in range(100, 400):
        history.append(_epoch_stats(k) if k != 250 else _epoch_stats(-1))
    carried.invalidate()  # (the worker does so after every command)
    third = carried.views(history)
    np.testing.assert_array_equal(third["train_loss"], history.array("train_loss"))
    assert second["epoch"].tolist() == list(range(301))  # what an earlier frame shows stays as it was
    assert carried.views(_history(5))["grad_norms"].shape == (5, 2)  # another history: copied afresh


def test_the_worker_copies_the_history_anew_after_a_restore(playing_session, qtbot):
    session = playing_session
    session.worker.step(20)  # the timeline keeps each of these epochs
    qtbot.waitUntil(lambda: len(session.latest_frame.history["epoch"]) == 20, timeout=10000)
    session.worker.continue_from(5)  # the history is cut back, then retrained with another rate
    session.worker.submit(lambda trainer: (trainer.set_config(trainer.config.replace(lr=0.3)), trainer.step(20)))
    qtbot.waitUntil(lambda: len(session.latest_frame.history["epoch"]) == 25, timeout=10000)
    live = session.run_in_worker(lambda trainer: trainer.history.array("train_loss").copy())
    np.testing.assert_array_equal(session.latest_frame.history["train_loss"], live)
