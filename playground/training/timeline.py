"""``Timeline``: the weights of past epochs, kept so that training can be scrubbed back.

Every epoch's ``Trainer.snapshot()`` is recorded; recent epochs stay dense and
older ones are thinned, so memory stays bounded however long training runs.

The bound, in words for the README: the timeline keeps at most
``min(512, 64 MiB / snapshot size)`` snapshots (but at least 16). A snapshot is
the parameters plus the optimiser's running state plus about 1.2 KB of Python
bookkeeping; for a 2-8-8-1 network with Adam that is 105 parameters x 3 arrays
x 8 bytes + 1.2 KB = about 3.7 KB, so the whole timeline stays under 2 MB. The
largest network the settings allow (8 hidden layers of 64 units) needs about
0.7 MB a snapshot, and then keeps about 90 of them.

How thinning works, like a binary counter: the gaps between kept epochs are
1, 2, 4, 8, ... epochs, never shrinking toward the past, and each gap size
occurs at most K times; when the timeline is full, K goes down by one. So the
newest K epochs are all kept, then K snapshots 2 epochs apart, K 4 apart, and
so on back to epoch 0 (the initial weights), which is always kept, like the
newest epoch. After 100,000 epochs K is about 46: the newest 46 epochs are all
there, and the oldest stretch is covered every 2,048 epochs (2% of the run).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .history import PER_LAYER, SCALARS, EpochStats, History
from .trainer import Snapshot, Trainer

MAX_BOOKMARKS = 100  # as many as a lesson has steps (Save as Lesson makes one step of each)
MAX_BOOKMARK_CAPTION = 400
MAX_SNAPSHOTS = 512
MEMORY_BUDGET = 64 * 2**20  # bytes, for the largest networks; small ones hit MAX_SNAPSHOTS first
MIN_SNAPSHOTS = 16  # thinning needs room to work with, whatever the network's size
SNAPSHOT_OVERHEAD = 1200  # bytes of Python objects per snapshot besides its arrays (tracemalloc)


@dataclass(frozen=True)
class Bookmark:
    """A moment of the run a teacher marked on the timeline: an epoch and a caption
    ("here the second unit dies"). Session files keep them; a lesson is made of them."""

    epoch: int
    caption: str


def with_bookmark(bookmarks: Sequence[Bookmark], bookmark: Bookmark) -> tuple[Bookmark, ...]:
    """``bookmarks`` (in epoch order) with ``bookmark`` added, replacing one at the same epoch."""
    kept = [b for b in bookmarks if b.epoch != bookmark.epoch]
    return tuple(sorted([*kept, bookmark], key=lambda b: b.epoch))


def snapshot_nbytes(snapshot: Snapshot) -> int:
    """Approximate memory of one snapshot: its arrays plus the Python objects around them."""
    arrays = [snapshot.params, *(v for v in snapshot.optimizer.values() if isinstance(v, np.ndarray))]
    return SNAPSHOT_OVERHEAD + sum(int(a.nbytes) for a in arrays)


def capacity_for(snapshot_bytes: int, max_snapshots: int = MAX_SNAPSHOTS, memory_budget: int = MEMORY_BUDGET) -> int:
    """How many snapshots of ``snapshot_bytes`` each a timeline keeps (see the module docstring)."""
    return max(MIN_SNAPSHOTS, min(max_snapshots, memory_budget // max(1, snapshot_bytes)))


def initial_snapshot(trainer: Trainer) -> Snapshot:
    """The epoch-0 state of ``trainer``'s network: the initial weights depend only on the
    config (architecture and seed), so a fresh trainer built from it has them."""
    return Trainer(trainer.dataset, trainer.config).snapshot()


def nearest_kept(epochs: Sequence[int], epoch: float) -> int:
    """The element of the increasing ``epochs`` closest to ``epoch`` (the earlier on a tie)."""
    if not len(epochs):
        raise LookupError("the timeline is empty")
    i = bisect.bisect_left(epochs, epoch)
    if i == len(epochs):
        return int(epochs[-1])
    if i == 0 or epochs[i] - epoch < epoch - epochs[i - 1]:
        return int(epochs[i])
    return int(epochs[i - 1])


def epoch_stats(history: History, epoch: int) -> EpochStats:
    """The stats ``history`` recorded for ``epoch``; NaNs for epoch 0 or an epoch it lacks."""
    epochs = history.array("epoch")
    row = int(np.searchsorted(epochs, epoch))
    if row < len(epochs) and epochs[row] == epoch:
        values: dict[str, Any] = {name: float(history.array(name)[row]) for name in SCALARS}
        values.update({name: history.array(name)[row].copy() for name in PER_LAYER})
        values["epoch"] = int(epoch)
        return EpochStats(**values)
    nan = math.nan
    layers = np.full(history.n_layers, nan)
    return EpochStats(int(epoch), nan, nan, nan, nan, nan, layers, layers.copy(), layers.copy())


class Timeline:
    """Snapshots of one network's training, in increasing epoch order, thinned to a bound.

    ``record(snapshot)`` appends; ``nearest(epoch)`` finds the kept snapshot
    closest to an epoch; ``truncate(epoch)`` forgets later ones (continuing from
    a past epoch); ``follow(trainer)`` does all of that from what the trainer did.

    The count never exceeds ``capacity``: ``max_snapshots``, lowered for large
    networks so that ``capacity x snapshot size <= memory_budget`` (but never
    below ``MIN_SNAPSHOTS``). The gaps between kept epochs, recorded every epoch,
    are powers of two that never shrink toward the past, and each size occurs
    at most ``per_level`` times.
    """

    def __init__(self, max_snapshots: int = MAX_SNAPSHOTS, memory_budget: int = MEMORY_BUDGET) -> None:
        if max_snapshots < MIN_SNAPSHOTS:
            raise ValueError(f"Timeline: max_snapshots must be at least {MIN_SNAPSHOTS}, got {max_snapshots}")
        self.max_snapshots = int(max_snapshots)
        self.memory_budget = int(memory_budget)
        self.capacity = self.max_snapshots
        self.per_level = self.capacity
        self._epochs: list[int] = []
        self._snapshots: list[Snapshot] = []
        self._levels: list[int] = []  # per gap (between kept epochs i and i+1): floor(log2(gap))
        self._level_counts: list[int] = []  # how many gaps each level has
        self._model: object | None = None  # the network ``follow`` saw last
        # The teacher's marks, in epoch order. Set by whoever owns the session (the window
        # mirrors its list here, reading a file sets the file's) and kept by ``clear``: a
        # reset replays the same run, so its marks still say what happens when.
        self.bookmarks: tuple[Bookmark, ...] = ()

    # ------------------------------------------------------------ reading
    def __len__(self) -> int:
        return len(self._snapshots)

    @property
    def epochs(self) -> np.ndarray:
        """The kept epochs, increasing (a new array)."""
        return np.array(self._epochs, dtype=np.int64)

    @property
    def latest_epoch(self) -> int | None:
        return self._epochs[-1] if self._epochs else None

    @property
    def nbytes(self) -> int:
        """Approximate memory of the kept snapshots (all have the same size)."""
        return len(self) * snapshot_nbytes(self._snapshots[0]) if self._snapshots else 0

    def nearest_epoch(self, epoch: float) -> int:
        """The kept epoch closest to ``epoch`` (the earlier one on a tie)."""
        return nearest_kept(self._epochs, epoch)

    def nearest(self, epoch: float) -> Snapshot:
        """The kept snapshot whose epoch is closest to ``epoch``."""
        return self._snapshots[bisect.bisect_left(self._epochs, self.nearest_epoch(epoch))]

    def snapshots(self) -> list[Snapshot]:
        """The kept snapshots, oldest first (a new list of the shared, unchanging snapshots)."""
        return list(self._snapshots)

    def snapshots_of(self, trainer: Trainer) -> list[Snapshot]:
        """The kept snapshots that belong to ``trainer``'s run up to its current epoch.

        Empty when the timeline follows another network (a reset or rebuild it has
        not seen yet), and without the snapshots after ``trainer.epoch`` (a restore
        to an earlier epoch it has not seen yet): what a session file should keep.
        """
        if trainer.model is not self._model:
            return []
        return self._snapshots[: bisect.bisect_right(self._epochs, trainer.epoch)]

    # ------------------------------------------------------------ rebuilding
    @classmethod
    def rebuilt(
        cls,
        trainer: Trainer,
        snapshots: Sequence[Snapshot],
        per_level: int | None = None,
        max_snapshots: int = MAX_SNAPSHOTS,
        memory_budget: int = MEMORY_BUDGET,
    ) -> Timeline:
        """The timeline of ``trainer``'s run from its saved ``snapshots`` (oldest first,
        all before ``trainer.epoch``), ending at the trainer's current state.

        Kept exactly as saved when they fit (a saved timeline always does), and with
        the saved ``per_level`` the thinning goes on as if never interrupted. Without
        snapshots it starts as ``follow`` does: the initial weights and the current ones.
        """
        timeline = cls(max_snapshots, memory_budget)
        for snapshot in snapshots:
            timeline.record(snapshot)
        if timeline.latest_epoch is None or timeline.latest_epoch < trainer.epoch:
            if timeline.latest_epoch is None and trainer.epoch > 0:
                timeline.record(initial_snapshot(trainer))
            timeline.record(trainer.snapshot())
        if per_level is not None and 1 <= per_level <= timeline.capacity:
            timeline.per_level = int(per_level)
            timeline._thin()
        timeline._model = trainer.model
        return timeline

    # ------------------------------------------------------------ writing
    def clear(self) -> None:
        self._epochs.clear()
        self._snapshots.clear()
        self._levels.clear()
        self._level_counts.clear()
        self.capacity = self.per_level = self.max_snapshots

    def record(self, snapshot: Snapshot) -> None:
        """Keep ``snapshot`` as the newest, then thin older ones down to ``capacity``."""
        if not self._snapshots:
            # All snapshots of one network have the same size: fix the bound once.
            self.capacity = self.per_level = capacity_for(
                snapshot_nbytes(snapshot), self.max_snapshots, self.memory_budget
            )
        else:
            gap = snapshot.epoch - self._epochs[-1]
            if gap <= 0:
                raise ValueError(
                    f"Timeline.record: epoch {snapshot.epoch} is not after the latest "
                    f"kept epoch {self._epochs[-1]}; truncate first"
                )
            self._add_gap(len(self._levels), gap)
        self._epochs.append(int(snapshot.epoch))
        self._snapshots.append(snapshot)
        self._thin()

    def truncate(self, epoch: int) -> None:
        """Forget the snapshots after ``epoch``; the freed room goes to the recent epochs again."""
        keep = bisect.bisect_right(self._epochs, epoch)
        for level in self._levels[max(keep - 1, 0) :]:
            self._level_counts[level] -= 1
        del self._epochs[keep:], self._snapshots[keep:], self._levels[max(keep - 1, 0) :]
        self.per_level = self.capacity

    # ------------------------------------------------------------ thinning
    def _add_gap(self, index: int, gap: int) -> None:
        level = int(gap).bit_length() - 1
        self._levels.insert(index, level)
        if level >= len(self._level_counts):
            self._level_counts.extend([0] * (level + 1 - len(self._level_counts)))
        self._level_counts[level] += 1

    def _drop(self, i: int) -> None:
        """Forget kept snapshot ``i`` (never the first or the last): its two gaps merge."""
        for level in self._levels[i - 1 : i + 1]:
            self._level_counts[level] -= 1
        del self._levels[i - 1 : i + 1], self._epochs[i], self._snapshots[i]
        self._add_gap(i - 1, self._epochs[i] - self._epochs[i - 1])

    def _thin(self) -> None:
        """Merge the oldest two gaps of any level that has more than ``per_level`` gaps;
        while there are still too many snapshots, allow fewer gaps per level.

        Like a binary counter: the newest ``per_level`` gaps are single epochs, the
        ones before are 2 epochs, then 4, and so on, so every stretch of the past
        keeps some snapshots and the spacing is about proportional to their age.
        """
        while True:
            over = next((level for level, count in enumerate(self._level_counts) if count > self.per_level), None)
            if over is not None:
                # The oldest gap of a level is followed by its next-oldest: merging them
                # gives a gap of the next level, right where that level's gaps end.
                self._drop(self._levels.index(over) + 1)
            elif len(self._snapshots) <= self.capacity:
                return
            elif self.per_level > 1:
                self.per_level -= 1
            else:  # only reached after ~2**capacity epochs: drop the oldest but one
                self._drop(1)

    # ------------------------------------------------------- following a trainer
    def follow(self, trainer: Trainer) -> bool:
        """Bring the timeline up to date with ``trainer``; True if the trainer moved.

        A network the timeline has not seen (a reset, a rebuild, another trainer)
        starts a new timeline at its initial weights; a later epoch is recorded;
        an earlier one (``trainer.restore``) drops the snapshots after it.
        """
        if trainer.model is not self._model:
            self._model = trainer.model
            self.clear()
            if trainer.epoch > 0:  # a loaded session: its initial weights come from its config
                self.record(initial_snapshot(trainer))
            self.record(trainer.snapshot())
            return True
        latest = self.latest_epoch
        if trainer.epoch == latest:
            return False
        if latest is not None and trainer.epoch < latest:
            self.truncate(trainer.epoch)
            if self.latest_epoch == trainer.epoch:
                return True
        self.record(trainer.snapshot())
        return True
