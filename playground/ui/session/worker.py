"""Training off the GUI thread.

The worker owns the ``Trainer``: every call on it happens in the worker's
thread, so no array is ever touched by two threads. The GUI sends commands
(``submit``) and receives ``Frame`` values: copies of everything the plots draw,
made in the worker thread. While playing, the worker trains as many epochs as
the chosen speed allows and emits about ``FRAME_RATE`` frames a second, each
time waiting while the GUI draws it (lockstep: the two threads never compete
for the GIL); the GUI keeps only the newest frame.

The worker also keeps the ``Timeline`` of weight snapshots (one per epoch,
thinned), and can show a past epoch instead of the live one: a view frame,
built from a snapshot without disturbing the live trainer.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterator

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal

from ...data import DOMAIN, Dataset
from ...training import EpochStats, History, Snapshot, Trainer, TrainingConfig
from ...training.diagnosis import Diagnosis, diagnose_trainer, diagnosis_rows
from ...training.probes import FULL_RESOLUTION, frame_probes, playing_point_count, playing_resolution, probe_grid
from ...training.timeline import Timeline, epoch_stats
from ...training.trainer import TrainingError
from .policy import POLICY

FRAME_RATE = 33.0  # frames a second aimed at while playing (30 reached after overheads)
DRAW_WAIT = 0.1  # seconds the worker waits for the GUI to draw a frame (none may)
MIN_TRAIN_SHARE = 0.4  # of each frame period, left to training however long drawing takes
# Cells a side of the grid of a still frame (paused, stepped, a past epoch). While playing, a
# big network's frames use a coarser grid (probes.playing_resolution: 40 a side for 10 layers of
# 64 units, whose full grid cost 80 ms a frame), so every view reads ``len(frame.grid_axis)``.
GRID_RESOLUTION = FULL_RESOLUTION
# Data points probed per frame (the activation space draws at most these; the canvas
# draws every point from the dataset itself). Above it an even subsample: probing
# 100,000 points cost 35 ms a frame, and every view that reads them grew with it.
# While playing a big network probes fewer (probes.playing_point_count).
MAX_PROBED_POINTS = 5000
MAX_SPEED = 0.0  # epochs per second; 0 means as fast as it goes
DIAGNOSIS_INTERVAL = 0.25  # s: while playing, frames carry a diagnosis at most this old (~1 ms each)
# Of the playing time, what diagnoses may take: a big network's (it probes up to 2,000 points in
# float64, 10 to 15 ms for 10 layers of 64 units) come less often than every DIAGNOSIS_INTERVAL.
DIAGNOSIS_SHARE = 0.02
# Seconds of training between two looks at the inbox in the middle of an epoch: the worker asks
# the trainer to yield after as many mini-batches as take about this long (the last epoch's
# measure), not after every one, which at the default session's 0.2 ms mini-batches cost more in
# yields and looks than the commands' promptness gains (a command waits at most this long more).
LOOK_EVERY_S = 0.002
# Seconds of an epoch's rest below which a frame due waits for its end rather than cutting it
# (``_mid_epoch_frame_due``): cutting short epochs for frames cost the default session at batch 10
# half its epochs a second.
MID_EPOCH_REST = 0.25 / FRAME_RATE


@dataclass(frozen=True)
class Frame:
    """One picture's worth of training state, owned by the GUI once emitted."""

    epoch: int
    stats: EpochStats
    dataset: Dataset
    config: TrainingConfig
    grid_axis: np.ndarray  # (r,) cell centres along x1 and x2
    grid_z: list[np.ndarray]  # per layer, (r*r, units) pre-activations over the grid
    grid_a: list[np.ndarray]  # per layer, activations; the last is the head's output
    grid_output: np.ndarray  # (r*r, k) probabilities, or (r*r,) regression values
    point_z: list[np.ndarray]  # per layer, for the probed points (``point_rows``)
    point_a: list[np.ndarray]
    history: dict[str, np.ndarray]  # the history columns, read-only (``FrameHistory``)
    layer_labels: list[str]
    weights: list[tuple[np.ndarray, np.ndarray]]  # (W, b) per layer, copies
    grads: list[tuple[np.ndarray, np.ndarray]]  # (dL/dW, dL/db) of the last batch, copies
    playing: bool
    notice: str = ""
    # The timeline's kept epochs (increasing; the last is the live epoch), and whether
    # this frame shows one of them instead of the live network (training is paused).
    timeline: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    viewing: bool = False
    # What is wrong with the live training run, most serious first (diagnosis.diagnose);
    # a view frame carries the live run's.
    diagnoses: tuple[Diagnosis, ...] = ()
    # The dataset rows that point_z and point_a describe, increasing (``probed_rows``).
    point_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))
    # How many of the GUI's redrawing commands the worker had run when it made this frame
    # (``TrainingWorker.stale``: a frame made before the newest of them is out of date).
    commands_seen: int = 0


HISTORY_COLUMNS = (
    "epoch",
    "train_loss",
    "test_loss",
    "train_metric",
    "test_metric",
    "lr",
    "grad_norms",
    "weight_norms",
)


class FrameHistory:
    """The history columns frames carry, as read-only views of an append-only copy: the first
    ``n`` rows of it never change once written, so each frame copies only the epochs recorded
    since the last one. Copying the whole history for every frame grew with the run (60,000
    epochs, two minutes of the default session: 2.3 ms a frame). A history that shrinks or is
    another object starts the copy afresh, and so does ``invalidate`` (a command may have
    rewritten it: a restore, a reset, a new network); frames made before keep the old copy."""

    def __init__(self) -> None:
        self._source: object = None
        self._size = 0
        self._columns: dict[str, np.ndarray] = {}

    def invalidate(self) -> None:
        """The next frame copies the whole history again."""
        self._source = None

    def views(self, history: History) -> dict[str, np.ndarray]:
        """``history``'s columns in ``HISTORY_COLUMNS``, every recorded epoch, read-only."""
        n = len(history)
        if history is not self._source or n < self._size:
            self._source, self._size, self._columns = history, 0, {}
        for name in HISTORY_COLUMNS:
            column = history.array(name)
            kept = self._columns.get(name)
            if kept is None or len(kept) < n:
                grown = np.empty((max(256, 2 * n), *column.shape[1:]), column.dtype)
                if kept is not None:
                    grown[: self._size] = kept[: self._size]
                kept = self._columns[name] = grown
            kept[self._size : n] = column[self._size : n]
        self._size = n
        views = {name: kept[:n] for name, kept in self._columns.items()}
        for view in views.values():
            view.flags.writeable = False
        return views


def make_frame(
    trainer: Trainer,
    playing: bool,
    stats: EpochStats,
    notice: str = "",
    timeline: np.ndarray | None = None,
    history: FrameHistory | None = None,
) -> Frame:
    """Probe the grid and the points and copy what the plots need.

    A ``playing`` frame of a big network probes a coarser grid and fewer points, and probes the
    points as the grid (float32 where the picture cannot tell): it is on screen for a thirtieth
    of a second. A still frame probes the full grid and the points exactly (``trainer.probe``).
    ``history`` (the worker's) carries the history columns without copying them whole each time.
    """
    sizes = trainer.model.sizes
    points, axis = probe_grid(frame_resolution(sizes, playing), DOMAIN)
    dataset = trainer.dataset
    rows = probed_rows(dataset.n, playing_point_count(sizes, MAX_PROBED_POINTS) if playing else MAX_PROBED_POINTS)
    # Both probes at once, shared with a helper thread when big (training/probes.py): the grid in
    # float32 where the picture cannot tell, the points exactly unless playing.
    grid, at_points = frame_probes(trainer, points, dataset.X[rows] if dataset.n else None, exact_data=not playing)
    point_z, point_a = (at_points.z, at_points.a) if at_points is not None else ([], [])
    columns = (history or FrameHistory()).views(trainer.history)
    weights = [(layer.W.data.copy(), layer.b.data.copy()) for layer in trainer.model.layers]
    grads = [(layer.W.grad.copy(), layer.b.grad.copy()) for layer in trainer.model.layers]
    frame = Frame(
        trainer.epoch,
        stats,
        dataset,
        trainer.config,
        axis,
        grid.z,
        grid.a,
        grid.output,
        point_z,
        point_a,
        columns,
        trainer.model.layer_labels(),
        weights,
        grads,
        playing,
        notice,
        point_rows=rows,
    )
    return frame if timeline is None else dataclasses.replace(frame, timeline=timeline)


def frame_resolution(sizes: list[int], playing: bool) -> int:
    """Cells a side of the grid a frame of a network of layer ``sizes`` probes: the full
    ``GRID_RESOLUTION`` for a still picture, else what the playing budget allows."""
    return playing_resolution(sizes) if playing else GRID_RESOLUTION


def probed_rows(n: int, most: int = MAX_PROBED_POINTS) -> np.ndarray:
    """The rows of an ``n``-point dataset a frame probes: all of them up to
    ``most``, else every k-th row (the same every frame, so the
    activation space's cloud keeps its points from frame to frame)."""
    return np.arange(0, n, max(1, -(-n // most)), dtype=np.intp)


def diagnosed_hidden(frame: Frame) -> list[np.ndarray] | None:
    """The hidden layers' activations at the points the diagnosis probes (``diagnosis_rows``),
    taken from a still frame that probed them exactly (at most ``MAX_PROBED_POINTS`` points:
    every training point up to 2,000); None if the frame is a playing one (float32, fewer
    points) or left some of them out. Probing them again cost a still frame of 10 layers of
    64 at 1,000 points about 3 ms of its Pause."""
    if frame.playing or not frame.point_a:
        return None
    rows = diagnosis_rows(frame.dataset)
    at = np.searchsorted(frame.point_rows, rows)
    if not len(rows) or at[-1] >= len(frame.point_rows) or not np.array_equal(frame.point_rows[at], rows):
        return None
    return [a[at] for a in frame.point_a[:-1]]


@contextlib.contextmanager
def weights_of(trainer: Trainer, snapshot: Snapshot) -> Iterator[Trainer]:
    """Let ``snapshot``'s weights stand in for the live ones inside the block, then put
    the live ones back exactly (call it in the thread that owns ``trainer``)."""
    params = trainer.model.params
    live = params.copy_data()
    params.load_data(snapshot.params)
    try:
        yield trainer
    finally:
        params.load_data(live)


def make_view_frame(
    trainer: Trainer, snapshot: Snapshot, timeline: np.ndarray | None = None, history: FrameHistory | None = None
) -> Frame:
    """A frame of the network as it was at ``snapshot``, with the whole history.

    The snapshot's weights stand in for the live ones during the probe and the
    live ones are put back exactly, so call it in the thread that owns ``trainer``.
    Snapshots keep no gradients: the frame's ``grads`` are zeros.
    """
    with weights_of(trainer, snapshot):
        frame = make_frame(
            trainer, False, epoch_stats(trainer.history, snapshot.epoch), timeline=timeline, history=history
        )
    grads = [(np.zeros_like(W), np.zeros_like(b)) for W, b in frame.weights]
    return dataclasses.replace(frame, epoch=snapshot.epoch, grads=grads, viewing=True)


def describe_error(what: str, error: BaseException) -> str:
    """Words for the status line: what failed, how, and that training is paused."""
    if isinstance(error, TrainingError):
        return f"Training paused: {error}"  # the trainer's own account names the epoch and batch
    detail = str(error) or "no details"
    return f"Training paused: {what} failed ({type(error).__name__}: {detail})."


@dataclass(frozen=True)
class _Command:
    """``function(trainer)``; a ``read`` leaves the trainer as it found it, so while
    playing it may run between two mini-batches (see ``TrainingWorker.call``)."""

    function: Callable[[Trainer], object]
    redraw: bool
    read: bool


@dataclass(frozen=True)
class _Steps:
    """Train ``epochs`` epochs, in order with the commands around it; a pause made
    after it was asked for (a newer ``generation``) cancels it."""

    epochs: int
    generation: int


@dataclass
class _Inbox:
    """Commands and Step requests from the GUI, in order, guarded by one condition variable.

    ``steps_left`` counts the epochs Step requests still have to train;
    ``generation`` goes up with every pause, which cancels them.
    """

    condition: threading.Condition = field(default_factory=threading.Condition)
    commands: deque = field(default_factory=deque)
    playing: bool = False
    speed: float = MAX_SPEED
    steps_left: int = 0
    generation: int = 0
    running: bool = True
    redraws_posted: int = 0  # commands that change the trainer and redraw, ever posted


class TrainingWorker(QObject):
    """Runs a Trainer in a QThread; ``frameReady`` carries each new ``Frame``.

    Training goes one mini-batch at a time: between two of them the worker looks
    at its inbox, so a command never waits for an epoch to end (at 100,000 points
    an epoch takes seconds). A command that changes the trainer abandons the
    epoch in progress, which the trainer rolls back exactly, and the epoch starts
    again after it; a read (``call``) runs between two mini-batches without
    abandoning anything, and what it saves (``Trainer.snapshot``) is the last
    completed epoch. An epoch under way when a frame is due sends it from its
    middle (``_mid_epoch_frame_due``).

    Any exception in a command, an epoch or a frame pauses training and is
    reported by ``failed(str)``; the thread goes on serving commands.

    ``timeline`` records a snapshot after every epoch (touch it only in the
    worker thread, e.g. from ``call``); ``view``, ``go_live`` and
    ``continue_from`` scrub through it.
    """

    frameReady = Signal(object)
    playingChanged = Signal(bool)
    failed = Signal(str)

    def __init__(self, trainer: Trainer) -> None:
        super().__init__()
        self._trainer = trainer
        self._inbox = _Inbox()
        self.timeline = Timeline()
        self._viewing: int | None = None  # the kept epoch shown instead of the live one
        self._frame_taken = threading.Event()
        self._frame_taken.set()
        self._redraws_seen = 0  # of inbox.redraws_posted, run so far (worker thread)
        self._holds_policy = False
        # Worker-thread state: the stats shown, and the pacing of epochs and frames.
        self._stats = trainer.last_stats()
        self._next_epoch = time.perf_counter()
        self._last_frame = 0.0
        self._train_slice = 1.0 / FRAME_RATE
        self._frame_seconds = 0.0  # what the last frame took: building it and waiting while it was drawn
        self._history = FrameHistory()  # the history columns the frames carry
        self._chunk_seconds = 0.0  # the longest stretch of training between two looks at the inbox
        self._batch_seconds = 0.0  # one mini-batch's time in the last completed epoch (0: not known)
        self._diagnoses: tuple[Diagnosis, ...] = ()
        self._diagnosed_at = -float("inf")
        self._diagnosis_wait = DIAGNOSIS_INTERVAL  # s between two diagnoses while playing
        # The last frame sent was a playing one (a coarser grid, fewer or float32 points): once
        # paused, a still frame follows, whoever paused (a stop rule, a failure, the GUI).
        self._still_due = False
        self._thread = QThread()
        self._thread.setObjectName("training")
        self.moveToThread(self._thread)
        self._thread.started.connect(self._loop)

    # ------------------------------------------------------- GUI-thread API
    def start(self) -> None:
        """Start the thread, with the process-wide settings training needs (``policy``)."""
        if not self._holds_policy:
            POLICY.acquire()
            self._holds_policy = True
        self._thread.start()

    def frame_taken(self) -> None:
        """Tell the worker the GUI thread has drawn the last frame (call from the GUI)."""
        self._frame_taken.set()
        with self._inbox.condition:
            self._inbox.condition.notify_all()  # ends the lockstep wait (``_await_drawing``)

    def stale(self, frame: Frame) -> bool:
        """True if ``frame`` was made before the worker ran a command posted since, which
        will send a frame of its own: drawing this one would only delay that one (at
        100,000 points a frame takes 50 ms to draw)."""
        return frame.commands_seen < self._inbox.redraws_posted

    def stop(self) -> None:
        """End the thread and wait until it has (never ``terminate()``).

        The loop looks at its inbox between mini-batches, so it ends within one
        mini-batch; an epoch in progress is abandoned and rolled back.
        """
        with self._inbox.condition:
            self._inbox.running = False
            self._inbox.condition.notify_all()
        self._frame_taken.set()  # a lockstep wait for the GUI ends at once
        self._thread.quit()
        self._thread.wait()
        if self._holds_policy:
            POLICY.release()
            self._holds_policy = False

    @property
    def running(self) -> bool:
        """True while the training thread runs."""
        return self._thread.isRunning()

    def submit(self, command: Callable[[Trainer], object], redraw: bool = True) -> None:
        """Run ``command(trainer)`` in the worker thread before the next mini-batch."""
        self._post(command, redraw, read=False)

    def _post(self, command: Callable[[Trainer], object], redraw: bool, read: bool) -> None:
        with self._inbox.condition:
            self._inbox.commands.append(_Command(command, redraw, read))
            if redraw and not read:
                self._inbox.redraws_posted += 1
            # notify_all: the loop may wait for work, or in lockstep for a frame to be drawn.
            self._inbox.condition.notify_all()

    def call(self, function: Callable[[Trainer], object], timeout: float = 10.0, *, read: bool = True) -> object:
        """Run ``function(trainer)`` in the worker thread and wait for its result.

        For the reads that must be consistent (saving a session). A ``read`` must
        leave the trainer as it found it; it may run between two mini-batches of
        an epoch, where ``Trainer.snapshot`` and ``capture`` (what a save writes)
        still describe the last completed epoch, and the epoch goes on after it.
        Pass ``read=False`` for a function that changes the trainer (it abandons
        an epoch in progress). Raises the function's exception, or TimeoutError if
        the worker does not answer (at once if it has stopped).
        """
        if not self._inbox.running:
            # Stopped (a closed window): nothing would ever answer, so say so now
            # instead of after ``timeout`` (callers handle the TimeoutError).
            raise TimeoutError("the training thread has stopped")
        done = threading.Event()
        outcome: dict[str, object] = {}

        def run(trainer: Trainer) -> None:
            try:
                outcome["value"] = function(trainer)
            except Exception as exc:  # handed to the caller's thread below
                outcome["error"] = exc
            finally:
                done.set()

        self._post(run, redraw=False, read=read)  # (a lockstep wait ends for it: _await_drawing)
        if not done.wait(timeout):
            raise TimeoutError("the training thread did not answer in time")
        if "error" in outcome:
            raise outcome["error"]  # type: ignore[misc]
        return outcome.get("value")

    def set_parameter(self, layer: int, kind: str, index: int | tuple[int, int], value: float) -> float:
        """``Trainer.set_parameter`` in the training thread, paused or playing (it runs between two
        mini-batches, the epoch in progress abandoned and started again), then a frame of the
        edited network. Returns the value it had; raises its ValueError (nothing changed)."""
        old = self.call(lambda trainer: trainer.set_parameter(layer, kind, index, value), read=False)
        self.submit(self._stats_of_an_edit)  # draw the edited network, paused too
        return float(old)  # type: ignore[arg-type]

    def set_dataset(self, dataset: Dataset) -> None:
        """``Trainer.set_dataset`` in the training thread before the next mini-batch, then a frame."""

        def change(trainer: Trainer) -> EpochStats | None:
            trainer.set_dataset(dataset)
            return self._stats_of_an_edit(trainer)

        self.submit(change)

    def _stats_of_an_edit(self, trainer: Trainer) -> EpochStats | None:
        """Paused, the readouts after a data or weight edit are the edited network's on the edited data
        (``Trainer.stats_now``: the last epoch's numbers describe what is no longer there). Playing, the
        next epoch's come soon, and at 100,000 points every point of a drag would evaluate them all."""
        return None if self._inbox.playing else trainer.stats_now()

    def replace_trainer(self, trainer: Trainer) -> None:
        """Train ``trainer`` from now on (a loaded session); pauses first."""
        self.set_playing(False)

        def swap(_: Trainer) -> EpochStats:
            self._trainer = trainer
            return trainer.last_stats()

        self.submit(swap)

    def step(self, epochs: int) -> None:
        """Train ``epochs`` epochs after the commands submitted so far (and before later
        ones), then draw; the timeline keeps every one of them. A pause cancels it."""
        inbox = self._inbox
        with inbox.condition:
            inbox.commands.append(_Steps(max(0, int(epochs)), inbox.generation))
            inbox.steps_left += max(0, int(epochs))
            inbox.condition.notify_all()

    def switch_network(self, config: TrainingConfig, states: dict[str, object], leaving: str, arriving: str) -> None:
        """Swap whole networks (undo and redo of an architecture change): keep the
        trainer and its timeline as they are now in ``states[leaving]``, then bring
        back ``states[arriving]``, or build ``config``'s network if there is none
        (or if the data no longer fits it: another class count)."""

        def switch(trainer: Trainer) -> EpochStats:
            timeline = self.timeline
            states[leaving] = (trainer.capture(), timeline.snapshots_of(trainer), timeline.per_level)
            saved = states.get(arriving)
            restored = False
            if saved is not None:
                state, snapshots, per_level = saved  # type: ignore[misc]
                try:
                    trainer.restore_state(state)
                    restored = True
                except ValueError:
                    pass
            if restored:
                self.timeline = Timeline.rebuilt(
                    trainer, snapshots, per_level, timeline.max_snapshots, timeline.memory_budget
                )
                self._viewing = None
            else:
                trainer.set_config(config)
            return trainer.last_stats()

        self.submit(switch)

    def view(self, epoch: int) -> None:
        """Show the network at the kept epoch nearest ``epoch`` until training moves on
        or ``go_live``; the latest epoch is the live network. Pause first."""
        self.submit(lambda _: self._view(epoch))

    def go_live(self) -> None:
        """Show the live network again."""
        self.submit(lambda _: self._view(None))

    def continue_from(self, epoch: int) -> None:
        """Put the trainer back to the kept epoch nearest ``epoch``, dropping the later
        history and snapshots, so training continues from there. Pause first."""

        def restore(trainer: Trainer) -> EpochStats:
            trainer.restore(self.timeline.nearest(epoch))
            return trainer.last_stats()

        self.submit(restore)

    def set_playing(self, playing: bool) -> None:
        """Play or pause; pausing also cancels the epochs Step still had to train."""
        self._set_playing(playing, redraw=False)

    def pause(self) -> None:
        """Pause, then draw the paused state (views that skip frames while playing, the curves,
        then show the very last epoch), as one step: a pause and a redraw posted one after the
        other let the worker begin the paused frame in between, which the redraw then made stale,
        so the frame was built twice (10 layers of 64: 15 to 30 ms more before a Pause showed)."""
        self._set_playing(False, redraw=True)

    def _set_playing(self, playing: bool, redraw: bool) -> None:
        inbox = self._inbox
        with inbox.condition:  # (reentrant: ``_post`` takes it again)
            inbox.playing = playing
            if not playing:
                inbox.generation += 1
                inbox.steps_left = 0
            if redraw:
                self._post(lambda trainer: None, redraw=True, read=False)
            inbox.condition.notify_all()
        self.playingChanged.emit(playing)  # outside the lock: a slot may wait for the worker

    def set_speed(self, epochs_per_second: float) -> None:
        """Epochs per second while playing; 0 for as fast as it goes."""
        with self._inbox.condition:
            self._inbox.speed = max(0.0, float(epochs_per_second))
            self._inbox.condition.notify()

    @property
    def playing(self) -> bool:
        return self._inbox.playing

    @property
    def stepping(self) -> bool:
        """True while epochs asked for by Step are still to train."""
        return self._inbox.steps_left > 0

    @property
    def trainer(self) -> Trainer:
        """The trainer, for reading when the worker is idle (tests, saving)."""
        return self._trainer

    # ---------------------------------------------------- worker-thread loop
    def _view(self, epoch: int | None) -> None:
        shown = None if epoch is None else self.timeline.nearest_epoch(epoch)
        self._viewing = None if shown == self.timeline.latest_epoch else shown

    def _follow(self) -> None:
        """Record the trainer's new epoch in the timeline; a moved trainer is shown live."""
        if self.timeline.follow(self._trainer):
            self._viewing = None

    def _frame(self) -> Frame:
        epochs = self.timeline.epochs
        if self._viewing is not None:
            frame = make_view_frame(self._trainer, self.timeline.nearest(self._viewing), epochs, self._history)
            diagnoses = self._diagnose()  # of the live run, which the frame does not show
        else:
            frame = make_frame(
                self._trainer, self._inbox.playing, self._stats, self._trainer.notice, epochs, self._history
            )
            diagnoses = self._diagnose(frame)
        return dataclasses.replace(frame, diagnoses=diagnoses, commands_seen=self._redraws_seen)

    def _diagnose(self, live: Frame | None = None) -> tuple[Diagnosis, ...]:
        """The live run's diagnosis: made afresh for every frame while paused (a step, a
        reset, a new setting); while playing, every DIAGNOSIS_INTERVAL, or less often if it
        would take more than DIAGNOSIS_SHARE of the time. A still frame of the live network
        (``live``) lends it the points it probed exactly (``diagnosed_hidden``)."""
        now = time.perf_counter()
        if not self._inbox.playing or now - self._diagnosed_at >= self._diagnosis_wait:
            hidden = diagnosed_hidden(live) if live is not None else None
            if hidden is None:
                self._diagnoses = tuple(diagnose_trainer(self._trainer))
            else:
                self._diagnoses = tuple(diagnose_trainer(self._trainer, hidden=hidden))
            self._diagnosed_at = now
            spent = time.perf_counter() - now
            self._diagnosis_wait = max(DIAGNOSIS_INTERVAL, spent / DIAGNOSIS_SHARE)
        return self._diagnoses

    def _fail(self, what: str, error: BaseException) -> None:
        """Pause and say what went wrong; the loop goes on serving commands."""
        self.set_playing(False)
        self.failed.emit(describe_error(what, error))

    def _loop(self) -> None:
        _inherit_tracer()
        self._stats = self._trainer.last_stats()
        self._follow()  # epoch 0: the initial weights
        while self._round():
            pass

    def _round(self) -> bool:
        """Run the commands up to the next Step request, then that request or (playing)
        one epoch, then send a frame if one is due. False when the worker is to stop."""
        inbox = self._inbox
        with inbox.condition:
            while inbox.running and not inbox.commands and not inbox.playing and not self._still_due:
                inbox.condition.wait()
            if not inbox.running:
                return False
            commands = []
            while inbox.commands and isinstance(inbox.commands[0], _Command):
                commands.append(inbox.commands.popleft())
            steps = inbox.commands.popleft() if not commands and inbox.commands else None
            # Frames made from here on show these commands' effect.
            self._redraws_seen += sum(1 for c in commands if c.redraw and not c.read)
        redraw = self._run_commands(commands)
        if commands:
            self._batch_seconds = 0.0  # a change may make mini-batches slower: look after each until measured
        if redraw and inbox.running and not self._redraw_pending():
            # Show the commands' effect now, before training on: playing, the next
            # frame would otherwise come a training slice later.
            self._send_frame()
            redraw = False
        if steps is not None:
            redraw = self._run_steps(steps) or redraw
        elif inbox.running and inbox.playing and not inbox.commands:
            redraw = self._play_epoch() or redraw
        if (
            inbox.running
            and not self._redraw_pending()  # it will send a newer frame: this one would be stale at once
            and (
                redraw
                or (self._still_due and not inbox.playing)
                or (inbox.playing and time.perf_counter() - self._last_frame >= self._train_slice)
            )
        ):
            self._send_frame()
        return True

    def _redraw_pending(self) -> bool:
        """True if the GUI has posted a command that will redraw and is not run yet."""
        return self._inbox.redraws_posted > self._redraws_seen

    def _run_commands(self, commands: list[_Command]) -> bool:
        """Run the GUI's commands in order; True if one of them wants a new frame."""
        redraw = False
        if commands:
            self._history.invalidate()  # a command may rewrite the history (a restore, a reset, a new network)
        for command in commands:
            try:
                result = command.function(self._trainer)
                if isinstance(result, EpochStats):
                    self._stats = result
                self._follow()
            except Exception as exc:
                self._fail("a command", exc)
                redraw = True
                continue
            redraw = redraw or command.redraw
        return redraw

    def _run_steps(self, steps: _Steps) -> bool:
        """Train a Step request's epochs (unless a pause cancelled it); True: draw the result."""
        inbox = self._inbox
        if inbox.generation != steps.generation:
            return False
        for _ in range(steps.epochs):
            try:
                stats = self._epoch(lambda: self._steps_go_on(steps.generation))
            except Exception as exc:
                self._fail(f"epoch {self._trainer.epoch + 1}", exc)
                break
            if stats is None:
                break  # cancelled by a pause, or the worker stops
            self._stats = stats
            self._follow()
            if stats.status != "ok":
                self.set_playing(False)  # a stop rule or divergence: the later Steps go too
                break
        with inbox.condition:
            if inbox.generation == steps.generation:  # (a pause has already set it to 0)
                inbox.steps_left -= steps.epochs
        return steps.epochs > 0

    def _steps_go_on(self, generation: int) -> bool:
        """Between two mini-batches of a Step: go on unless paused or stopping. Later
        commands wait for the Step, as they were asked for after it."""
        return self._inbox.running and self._inbox.generation == generation

    def _play_epoch(self) -> bool:
        """Train one epoch (or wait for its time at a set speed); True if a frame should follow."""
        inbox = self._inbox
        self._viewing = None  # playing shows the network as it trains
        now = time.perf_counter()
        if inbox.speed and now < self._next_epoch:
            time.sleep(min(self._next_epoch - now, 1.0 / FRAME_RATE))
            return False
        started = time.perf_counter()
        try:
            stats = self._epoch(self._play_go_on, frames=True)
        except Exception as exc:
            self._fail(f"epoch {self._trainer.epoch + 1}", exc)
            return True
        if stats is None:
            return False  # abandoned for a command: it starts again after it
        self._stats = stats
        self._follow()
        speed = inbox.speed
        self._next_epoch = max(self._next_epoch + (1.0 / speed if speed else 0.0), started - 0.1)
        if stats.status != "ok":
            self.set_playing(False)
            return True
        return False

    def _epoch(self, go_on: Callable[[], bool], frames: bool = False) -> EpochStats | None:
        """One epoch, a mini-batch at a time, asking ``go_on()`` between two of them; None
        if it said no (the trainer is then as the last epoch left it). With ``frames``, an
        epoch still under way when the training slice is over sends a frame from its middle."""
        trainer = self._trainer
        batch = max(1, min(trainer.config.batch_size, trainer.n_train))
        batches = -(-trainer.n_train // batch)
        every = max(1, int(LOOK_EVERY_S / self._batch_seconds)) if self._batch_seconds > 0.0 else 1
        steps = trainer.epoch_steps(every)
        began = time.perf_counter()
        framing = 0.0  # of the epoch's time, the frames sent from its middle
        try:
            while True:
                started = time.perf_counter()
                try:
                    progress = next(steps)
                except StopIteration as done:
                    return done.value
                finally:
                    self._chunk_seconds = time.perf_counter() - started
                if progress.done:
                    # Wall-clock time: any wait counts as training, so ``every`` errs on the prompt side;
                    # the frames sent meanwhile do not (they made ``every`` a fraction of itself).
                    self._batch_seconds = (time.perf_counter() - began - framing) / max(1, batches)
                    return progress.stats
                if not go_on():
                    return None
                left = -(-(progress.total - progress.points) // batch)  # mini-batches
                if frames and left > every and self._mid_epoch_frame_due(began, left * self._batch_seconds):
                    sent = time.perf_counter()
                    self._send_frame()  # an epoch longer than the training slice shows its progress
                    framing += time.perf_counter() - sent
        finally:
            steps.close()  # rolls an unfinished epoch back; nothing to do for a finished one

    def _mid_epoch_frame_due(self, began: float, rest: float) -> bool:
        """A frame from the middle of the epoch that ``began`` then (and will train ``rest`` seconds
        more, as far as the last epoch tells), once the training slice is over; never of weights on
        their way to diverging (the epoch will be rolled back, and no plot should show them). The
        caller asks only when the epoch does not end at its next step (the round then sends it).

        An epoch that has run for a frame period sends it then (at 100,000 points an epoch takes
        seconds). A younger one, if its rest is longer than MID_EPOCH_REST (a shorter one ends soon
        enough: cut for frames, the default session at batch 10 trained 320 epochs/s against 610)
        and once training has had MIN_TRAIN_SHARE of the time the last frame and the training since
        took. Waiting for the end of every epoch shorter than a frame period made each frame wait
        for a whole one (10 layers of 64 at 1,000 points: 22 ms of training, where the slice left
        after building and drawing a frame is 12 to 18 ms); and on a busy machine, where drawing a
        frame takes several slices of the wall clock, frames cut after the least slice alone
        trained that network at 7 epochs/s against 21."""
        now = time.perf_counter()
        since = now - self._last_frame
        return (
            since >= self._train_slice
            and (
                now - began >= 1.0 / FRAME_RATE
                or (rest >= MID_EPOCH_REST and since >= self._frame_seconds * MIN_TRAIN_SHARE / (1.0 - MIN_TRAIN_SHARE))
            )
            and bool(np.isfinite(self._trainer.model.params.data).all())
        )

    def _play_go_on(self) -> bool:
        """Between two mini-batches while playing: False if the epoch must be abandoned (a
        stop, a pause, a command that changes the trainer); reads are answered here and now."""
        inbox = self._inbox
        if not inbox.running or not inbox.playing:
            return False
        if not inbox.commands:  # the usual case, without taking the lock
            return True
        with inbox.condition:
            if not all(isinstance(c, _Command) and c.read for c in inbox.commands):
                return False
            reads = list(inbox.commands)
            inbox.commands.clear()
        for read in reads:
            read.function(self._trainer)  # ``call`` hands any exception to its caller
        return True

    def _send_frame(self) -> None:
        """Emit a frame; while playing, wait (briefly) until the GUI has drawn it."""
        started = time.perf_counter()
        self._still_due = False  # a frame that fails is not retried for ever
        try:
            frame = self._frame()
        except Exception as exc:
            self._fail("drawing a frame", exc)
            return
        self._still_due = frame.playing
        self._frame_taken.clear()
        self.frameReady.emit(frame)
        # The frame's own state, not the inbox's: a Play that came while a paused frame was being
        # built must not hold training back for the drawing of that frame (a window that skips
        # drawing paused frames would leave the worker waiting the whole DRAW_WAIT).
        if frame.playing and self._inbox.playing:
            self._await_drawing()
        # Train for what is left of the frame period after that frame, but
        # never less than MIN_TRAIN_SHARE of it, however slow drawing gets.
        self._last_frame = time.perf_counter()
        spent = self._frame_seconds = self._last_frame - started
        # Training runs past the slice by half of its stretch between looks on average.
        overshoot = 0.5 * self._chunk_seconds
        self._train_slice = max(1.0 / FRAME_RATE - spent - overshoot, MIN_TRAIN_SHARE / FRAME_RATE)

    def _await_drawing(self) -> None:
        """Lockstep: while the GUI thread draws, this thread waits instead of competing for
        the GIL, which would make every Qt call of the drawing wait its turn (measured: 7
        frames/s instead of 30). The wait ends when the GUI has drawn the frame, after
        DRAW_WAIT at most, or at once for a command, a pause or a stop: a command must
        not wait behind the drawing of a frame it makes stale (which the GUI then skips)."""
        inbox = self._inbox
        with inbox.condition:
            inbox.condition.wait_for(
                lambda: self._frame_taken.is_set() or bool(inbox.commands) or not inbox.playing or not inbox.running,
                timeout=DRAW_WAIT,
            )


def _inherit_tracer() -> None:
    """Give this QThread the tracer that ``threading`` hands to new Python threads.

    Qt starts the thread, not ``threading``, so a coverage tool or a debugger that
    installed itself with ``threading.settrace`` would otherwise not see training.
    """
    tracer = threading.gettrace()
    if tracer is not None:
        sys.settrace(tracer)
