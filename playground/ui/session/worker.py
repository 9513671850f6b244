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
from ...training import EpochStats, Snapshot, Trainer, TrainingConfig, grid_points
from ...training.timeline import Timeline, epoch_stats

FRAME_RATE = 33.0  # frames a second aimed at while playing (30 reached after overheads)
DRAW_WAIT = 0.1  # seconds the worker waits for the GUI to draw a frame (none may)
MIN_TRAIN_SHARE = 0.4  # of each frame period, left to training however long drawing takes
GRID_RESOLUTION = 100
MAX_SPEED = 0.0  # epochs per second; 0 means as fast as it goes


def _fixed_grid() -> tuple[np.ndarray, np.ndarray]:
    """The probe grid, built once: every frame probes the same points."""
    points, axis = grid_points(GRID_RESOLUTION, DOMAIN)
    points.flags.writeable = axis.flags.writeable = False
    return points, axis


_GRID = _fixed_grid()


@dataclass(frozen=True)
class Frame:
    """One picture's worth of training state, owned by the GUI once emitted."""

    epoch: int
    stats: EpochStats
    dataset: Dataset
    config: TrainingConfig
    grid_axis: np.ndarray          # (r,) cell centres along x1 and x2
    grid_z: list[np.ndarray]       # per layer, (r*r, units) pre-activations over the grid
    grid_a: list[np.ndarray]       # per layer, activations; the last is the head's output
    grid_output: np.ndarray        # (r*r, k) probabilities, or (r*r,) regression values
    point_z: list[np.ndarray]      # per layer, for every data point
    point_a: list[np.ndarray]
    history: dict[str, np.ndarray]  # copies of the history columns
    layer_labels: list[str]
    weights: list[tuple[np.ndarray, np.ndarray]]  # (W, b) per layer, copies
    grads: list[tuple[np.ndarray, np.ndarray]]    # (dL/dW, dL/db) of the last batch, copies
    playing: bool
    notice: str = ""
    # The timeline's kept epochs (increasing; the last is the live epoch), and whether
    # this frame shows one of them instead of the live network (training is paused).
    timeline: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    viewing: bool = False


HISTORY_COLUMNS = ("epoch", "train_loss", "test_loss", "train_metric", "test_metric", "lr",
                   "grad_norms", "weight_norms")


def make_frame(trainer: Trainer, playing: bool, stats: EpochStats, notice: str = "",
               timeline: np.ndarray | None = None) -> Frame:
    """Probe the grid and the points and copy what the plots need."""
    points, axis = _GRID
    grid = trainer.probe(points)
    dataset = trainer.dataset
    if dataset.n:
        at_points = trainer.probe(dataset.X)
        point_z, point_a = at_points.z, at_points.a
    else:
        point_z = point_a = []
    history = {name: trainer.history.array(name).copy() for name in HISTORY_COLUMNS}
    weights = [(layer.W.data.copy(), layer.b.data.copy()) for layer in trainer.model.layers]
    grads = [(layer.W.grad.copy(), layer.b.grad.copy()) for layer in trainer.model.layers]
    frame = Frame(trainer.epoch, stats, dataset, trainer.config, axis, grid.z, grid.a, grid.output,
                  point_z, point_a, history, trainer.model.layer_labels(), weights, grads, playing, notice)
    return frame if timeline is None else dataclasses.replace(frame, timeline=timeline)


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


def make_view_frame(trainer: Trainer, snapshot: Snapshot, timeline: np.ndarray | None = None) -> Frame:
    """A frame of the network as it was at ``snapshot``, with the whole history.

    The snapshot's weights stand in for the live ones during the probe and the
    live ones are put back exactly, so call it in the thread that owns ``trainer``.
    Snapshots keep no gradients: the frame's ``grads`` are zeros.
    """
    with weights_of(trainer, snapshot):
        frame = make_frame(trainer, False, epoch_stats(trainer.history, snapshot.epoch), timeline=timeline)
    grads = [(np.zeros_like(W), np.zeros_like(b)) for W, b in frame.weights]
    return dataclasses.replace(frame, epoch=snapshot.epoch, grads=grads, viewing=True)


@dataclass
class _Inbox:
    """Commands from the GUI, guarded by one condition variable."""

    condition: threading.Condition = field(default_factory=threading.Condition)
    commands: deque = field(default_factory=deque)
    playing: bool = False
    speed: float = MAX_SPEED
    running: bool = True


class TrainingWorker(QObject):
    """Runs a Trainer in a QThread; ``frameReady`` carries each new ``Frame``.

    ``timeline`` records a snapshot after every epoch (touch it only in the
    worker thread, e.g. from ``call``); ``view``, ``go_live`` and
    ``continue_from`` scrub through it.
    """

    frameReady = Signal(object)
    playingChanged = Signal(bool)

    def __init__(self, trainer: Trainer) -> None:
        super().__init__()
        self._trainer = trainer
        self._inbox = _Inbox()
        self.timeline = Timeline()
        self._viewing: int | None = None  # the kept epoch shown instead of the live one
        self._frame_taken = threading.Event()
        self._frame_taken.set()
        self._thread = QThread()
        self._thread.setObjectName("training")
        self.moveToThread(self._thread)
        self._thread.started.connect(self._loop)

    # ------------------------------------------------------- GUI-thread API
    def start(self) -> None:
        # Both threads run Python: a short switch interval lets the GUI thread take
        # the GIL back within a millisecond instead of five, so it keeps drawing.
        sys.setswitchinterval(0.001)
        self._thread.start()

    def frame_taken(self) -> None:
        """Tell the worker the GUI thread has drawn the last frame (call from the GUI)."""
        self._frame_taken.set()

    def stop(self) -> None:
        """Ask the loop to end and wait for the thread (never ``terminate()``)."""
        with self._inbox.condition:
            self._inbox.running = False
            self._inbox.condition.notify()
        self._thread.quit()
        self._thread.wait(5000)

    def submit(self, command: Callable[[Trainer], object], redraw: bool = True) -> None:
        """Run ``command(trainer)`` in the worker thread before the next epoch."""
        with self._inbox.condition:
            self._inbox.commands.append((command, redraw))
            self._inbox.condition.notify()

    def call(self, function: Callable[[Trainer], object], timeout: float = 10.0) -> object:
        """Run ``function(trainer)`` in the worker thread and wait for its result.

        For the rare reads that must be consistent (saving a session); raises
        the function's exception, or TimeoutError if the worker does not answer.
        """
        done = threading.Event()
        outcome: dict[str, object] = {}

        def run(trainer: Trainer) -> None:
            try:
                outcome["value"] = function(trainer)
            except Exception as exc:  # handed to the caller's thread below
                outcome["error"] = exc
            finally:
                done.set()

        self.submit(run, redraw=False)
        if not done.wait(timeout):
            raise TimeoutError("the training thread did not answer in time")
        if "error" in outcome:
            raise outcome["error"]  # type: ignore[misc]
        return outcome.get("value")

    def replace_trainer(self, trainer: Trainer) -> None:
        """Train ``trainer`` from now on (a loaded session); pauses first."""
        self.set_playing(False)

        def swap(_: Trainer) -> EpochStats:
            self._trainer = trainer
            return trainer.last_stats()

        self.submit(swap)

    def step(self, epochs: int) -> None:
        """Train ``epochs`` epochs one at a time, so the timeline keeps every one of them."""
        def train(trainer: Trainer) -> EpochStats:
            stats = trainer.last_stats()
            for _ in range(epochs):
                stats = trainer.step(1)
                self._follow()
                if stats.status != "ok":
                    break
            return stats

        self.submit(train)

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
        with self._inbox.condition:
            self._inbox.playing = playing
            self._inbox.condition.notify()
        self.playingChanged.emit(playing)

    def set_speed(self, epochs_per_second: float) -> None:
        """Epochs per second while playing; 0 for as fast as it goes."""
        with self._inbox.condition:
            self._inbox.speed = max(0.0, float(epochs_per_second))
            self._inbox.condition.notify()

    @property
    def playing(self) -> bool:
        return self._inbox.playing

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

    def _frame(self, stats: EpochStats) -> Frame:
        epochs = self.timeline.epochs
        if self._viewing is not None:
            return make_view_frame(self._trainer, self.timeline.nearest(self._viewing), epochs)
        return make_frame(self._trainer, self._inbox.playing, stats, self._trainer.notice, epochs)

    def _loop(self) -> None:
        inbox = self._inbox
        last_frame = 0.0
        train_slice = 1.0 / FRAME_RATE
        epoch_seconds = 0.0
        next_epoch = time.perf_counter()
        stats = self._trainer.last_stats()
        self._follow()  # epoch 0: the initial weights
        while True:
            with inbox.condition:
                while inbox.running and not inbox.commands and not inbox.playing:
                    inbox.condition.wait()
                if not inbox.running:
                    return
                commands = list(inbox.commands)
                inbox.commands.clear()
                playing, speed = inbox.playing, inbox.speed
            redraw = False
            for command, wants_redraw in commands:
                result = command(self._trainer)
                if isinstance(result, EpochStats):
                    stats = result
                redraw = redraw or wants_redraw
                self._follow()
            if playing:
                self._viewing = None  # playing shows the network as it trains
                now = time.perf_counter()
                if speed and now < next_epoch:
                    time.sleep(min(next_epoch - now, 1.0 / FRAME_RATE))
                    continue
                started = time.perf_counter()
                stats = self._trainer.step(1)
                epoch_seconds = time.perf_counter() - started
                self._follow()
                next_epoch = max(next_epoch + (1.0 / speed if speed else 0.0), now - 0.1)
                if stats.status != "ok":
                    self.set_playing(False)
                    redraw = True
            now = time.perf_counter()
            if redraw or (playing and now - last_frame >= train_slice):
                self._frame_taken.clear()
                self.frameReady.emit(self._frame(stats))
                if playing:
                    # Lockstep: while the GUI thread draws, this thread waits instead of
                    # competing for the GIL, which would make every Qt call of the
                    # drawing wait its turn (measured: 7 frames/s instead of 30).
                    self._frame_taken.wait(DRAW_WAIT)
                # Train for what is left of the frame period after that frame, but
                # never less than MIN_TRAIN_SHARE of it, however slow drawing gets.
                last_frame = time.perf_counter()
                spent = last_frame - now
                # An epoch runs past the slice by half an epoch on average.
                overshoot = 0.5 * epoch_seconds
                train_slice = max(1.0 / FRAME_RATE - spent - overshoot, MIN_TRAIN_SHARE / FRAME_RATE)
