"""The session model: the one truth about data, config and training that widgets observe.

Widgets never hold data or weights; they call the model's methods and redraw on
its signals. The dataset and config live here (GUI thread) and are handed to
the worker, which owns the Trainer, as immutable values.
"""

from __future__ import annotations

import itertools
import time
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ...data import Dataset, make_dataset
from ...training import Trainer, TrainingConfig
from .commands import ConfigCommand, EditCommand, ReplaceDatasetCommand, Text
from .config_changes import changed_fields, describe_change
from .worker import Frame, TrainingWorker

# A frame made before a command the worker has not run yet is skipped (the command's own
# frame follows at once), unless the last frame taken is older than this: a stream of
# commands (a paint stroke while playing) must not stop the plots.
STALE_FRAME_PATIENCE_S = 0.25


class SessionModel(QObject):
    """Dataset, config, undo stack and training worker of the open session.

    Signals: ``datasetChanged(Dataset)``, ``configChanged(TrainingConfig)``,
    ``frameReady(Frame)`` (newest training state, from the worker),
    ``playingChanged(bool)``, ``message(str level, str text)`` for the status line
    (level ``"info"``, ``"warning"`` or ``"error"``), ``sessionReplaced()`` when a
    whole session was loaded, and ``changed()`` after anything that a save would
    keep (data, settings, training).

    The timeline: ``view_epoch`` shows a past epoch (frames then have
    ``viewing`` set), ``back_to_live`` returns, ``continue_from`` trains on
    from a past epoch and drops what came after it.
    """

    datasetChanged = Signal(object)
    configChanged = Signal(object)
    frameReady = Signal(object)
    playingChanged = Signal(bool)
    message = Signal(str, str)
    sessionReplaced = Signal()
    changed = Signal()

    def __init__(self, dataset: Dataset, config: TrainingConfig, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dataset = dataset
        self._config = config
        self.undo_stack = QUndoStack(self)
        self._strokes = itertools.count(1)
        self.latest_frame: Frame | None = None
        self._last_notice = ""
        self._live_epoch: int | None = None  # of the latest live frame: viewing the past changes nothing
        self._frame_at = -float("inf")  # when the latest frame was taken (perf_counter)
        self.worker = TrainingWorker(Trainer(dataset, config))
        self.worker.frameReady.connect(self._on_frame)
        self.worker.playingChanged.connect(self.playingChanged)
        self.worker.failed.connect(lambda text: self.message.emit("error", text))
        self.worker.start()
        self.worker.submit(lambda trainer: None)  # draw the first frame

    # ------------------------------------------------------------ the truth
    @property
    def dataset(self) -> Dataset:
        return self._dataset

    @property
    def config(self) -> TrainingConfig:
        return self._config

    @property
    def trainer(self) -> Trainer:
        """The headless trainer (read it only while the worker is idle)."""
        return self.worker.trainer

    @property
    def playing(self) -> bool:
        return self.worker.playing

    @property
    def viewing(self) -> bool:
        """True while the plots show a past epoch from the timeline instead of the live one."""
        return self.latest_frame is not None and self.latest_frame.viewing

    def shutdown(self) -> None:
        """Stop the training thread and wait until it has ended; again, nothing happens. Every way
        the window's run ends calls it (``MainWindow.shutdown``): a QThread still running when Qt
        destroys it aborts the process."""
        self.worker.stop()

    def run_in_worker(self, function: Callable[[Trainer], object]) -> object:
        """``function(trainer)`` run in the training thread, its result returned here.

        Meant for reads (saving, inspecting): while playing it may run between two
        mini-batches of a long epoch, where ``Trainer.snapshot`` and ``capture``
        (what a save writes) describe the last completed epoch.
        """
        return self.worker.call(function)

    def replace_session(self, trainer: Trainer) -> None:
        """Make a loaded trainer (with its dataset and config) the open session."""
        self.pause()
        self._dataset = trainer.dataset
        self._config = trainer.config
        self.undo_stack.clear()
        self.worker.replace_trainer(trainer)
        self.datasetChanged.emit(self._dataset)
        self.configChanged.emit(self._config)
        self.sessionReplaced.emit()

    # ---------------------------------------------------------------- data
    def replace_dataset(self, dataset: Dataset) -> None:
        """Make ``dataset`` current (used by undo commands; push an edit to make it undoable)."""
        self._dataset = dataset
        self.worker.set_dataset(dataset)
        self.datasetChanged.emit(dataset)
        self.changed.emit()

    def new_stroke(self) -> int:
        """An id that makes the edits of one mouse drag merge into one undo step."""
        return next(self._strokes)

    def apply_edit(self, edit: Any, text: Text, stroke: int = 0) -> bool:
        """Apply a data edit as an undoable step; False (and a message) if it is invalid.

        ``text`` names the step, or is a function of the edit that does (merged
        strokes are then named by everything they do)."""
        try:
            applied = edit.apply(self._dataset)
        except ValueError as exc:
            self.message.emit("error", f"{text(edit) if callable(text) else text}: {exc}")
            return False
        self.undo_stack.push(EditCommand(self, edit, text, stroke, applied))
        return True

    def set_dataset(self, dataset: Dataset, text: str) -> None:
        """Replace the whole dataset as one undoable step."""
        self.undo_stack.push(ReplaceDatasetCommand(self, dataset, text))

    def generate(self, name: str, **options: Any) -> bool:
        """Replace the data with a generated preset (undoable); False on bad options."""
        try:
            dataset = make_dataset(name, **options)
        except ValueError as exc:
            self.message.emit("error", f"Generate {name}: {exc}")
            return False
        self.set_dataset(dataset, f"Generate {name}")
        return True

    # -------------------------------------------------------------- config
    def update_config(self, text: str | None = None, **changes: Any) -> bool:
        """Change settings as one undoable step named ``text`` (default: what changed);
        they apply from the next epoch. False (and a message) if invalid."""
        try:
            config = self._config.replace(**changes)
        except (ValueError, TypeError) as exc:
            self.message.emit("error", str(exc))
            return False
        if config == self._config:
            return True
        old = self._config
        self.undo_stack.push(
            ConfigCommand(self, old, config, text or describe_change(old, config), changed_fields(old, config))
        )
        return True

    def switch_config(self, config: TrainingConfig, command: ConfigCommand, side: str) -> None:
        """Make ``config`` current for ``command`` (its redo and undo).

        Hyperparameters apply to the network as it is. A change of architecture
        keeps the trainer it leaves in the command and brings back the one it kept
        for ``side``, so undo returns the previous network with its weights, epoch
        and history (the first time, the new network is built from its seed).
        """
        rebuild = self._config.architecture_changes(config)
        self._config = config
        if command.rebuilds:
            leaving = "old" if side == "new" else "new"
            self.worker.switch_network(config, command.states, leaving, side)
        else:
            self.worker.submit(lambda trainer: trainer.set_config(config))
        self.configChanged.emit(config)
        self.changed.emit()
        if not rebuild:
            return
        if side == "new" and not command.applied:
            self.message.emit(
                "info",
                f"Network rebuilt ({', '.join(rebuild)} changed): weights re-initialised with seed {config.seed}.",
            )
        else:
            done = "Undone" if side == "old" else "Redone"
            self.message.emit(
                "info",
                f"{done}: {command.text()}. The network is back as it was, "
                f"with its trained weights, epoch and history.",
            )

    # ----------------------------------------------------------- transport
    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` epochs after what was asked before (pauses playing first;
        earlier Steps still count)."""
        if self.worker.playing:
            self.pause()
        self.worker.step(epochs)

    def play(self) -> None:
        self.worker.set_playing(True)

    def pause(self) -> None:
        """Stop playing (and any epochs a Step still had to train)."""
        if self.worker.playing or self.worker.stepping:
            self.worker.pause()  # and one more frame, of the paused state

    def toggle_play(self) -> None:
        self.pause() if self.worker.playing else self.play()

    def reset(self) -> None:
        """Re-initialise the weights (same seed) and clear the history."""
        self.pause()
        self.worker.submit(lambda trainer: trainer.reset())

    def set_speed(self, epochs_per_second: float) -> None:
        self.worker.set_speed(epochs_per_second)

    # ------------------------------------------------------------ timeline
    def view_epoch(self, epoch: int) -> None:
        """Show the network as it was at the kept epoch nearest ``epoch`` (pauses training)."""
        self.pause()
        self.worker.view(epoch)

    def back_to_live(self) -> None:
        """Show the live network again."""
        self.worker.go_live()

    def continue_from(self, epoch: int) -> None:
        """Drop the epochs after the kept epoch nearest ``epoch`` and train on from there."""
        self.pause()
        self.worker.continue_from(epoch)

    # ------------------------------------------------------------ frames
    def outdated(self, frame: Frame) -> bool:
        """True if ``frame`` need not be drawn: a command posted since it was made will send
        a frame of its own at once, and the last frame taken is younger than
        ``STALE_FRAME_PATIENCE_S`` (a stream of commands must not stop the plots)."""
        return self.worker.stale(frame) and time.perf_counter() - self._frame_at < STALE_FRAME_PATIENCE_S

    def _on_frame(self, frame: Frame) -> None:
        if self.outdated(frame):
            return  # out of date already: drawing it would delay the frame of the newer command
        self._frame_at = time.perf_counter()
        if not frame.viewing:
            if self._live_epoch is not None and frame.epoch != self._live_epoch:
                self.changed.emit()
            self._live_epoch = frame.epoch
        self.latest_frame = frame
        if frame.stats.status == "diverged":
            self.message.emit("error", frame.stats.message)
        elif frame.stats.status == "stopped":
            self.message.emit("warning", frame.stats.message)
        if frame.notice and frame.notice != self._last_notice:
            # The trainer's own word on a rebuild it made (a new class count, say).
            self.message.emit("info", frame.notice[0].upper() + frame.notice[1:] + ".")
        self._last_notice = frame.notice
        self.frameReady.emit(frame)
