"""Session files: one JSON document with the dataset, the config, the weights, the
optimiser state, the history, the random state and the timeline, so that loading
and continuing gives the same numbers as never having stopped, and the run can
be scrubbed back as before the save.

Reading is strict and never runs anything from the file (the ``json`` module
only: nothing is unpickled or evaluated). Every value is checked for type,
finiteness and range, and every size against what this playground makes, so a
hostile file costs at most ``MAX_BYTES`` to read; any problem raises
ValueError saying where. The caller's current session is untouched because a
new ``Trainer`` is built and returned.

Version 2 (written since the timeline is saved) stores the long arrays, the
history columns and the timeline's weights, as base64 of their little-endian
bytes (exact, and 2 to 3 times smaller than JSON numbers); version 1 files
(history as JSON lists, no timeline) are still read.

The limits agree: whatever ``save_session`` writes, ``load_session`` opens. The
history may hold ``MAX_HISTORY_EPOCHS`` epochs and the file ``MAX_BYTES``,
which is the largest file that the largest network, dataset, history and
timeline make; a session beyond them is refused when saving, before anything
is written.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..data import MAX_CLASSES, MAX_POINTS, Dataset
from ..data.features import FEATURES, Standardizer
from ..data.files import read_json_file, write_text_atomic
from . import history as history_module
from . import session_fields as f
from .config import MAX_HIDDEN_LAYERS, MAX_UNITS, TrainingConfig
from .history import PER_LAYER, SCALARS, History
from .timeline import (
    MAX_BOOKMARK_CAPTION,
    MAX_BOOKMARKS,
    MAX_SNAPSHOTS,
    MEMORY_BUDGET,
    Bookmark,
    Timeline,
    capacity_for,
    snapshot_nbytes,
)
from .trainer import Snapshot, Trainer

FORMAT = "playground-session"
VERSION = 2
READS = (1, 2)
SUFFIX = ".playground.json"
STATUSES = ("ok", "diverged", "stopped")
MAX_HISTORY_EPOCHS = 500_000
"""The longest history a session file holds (some 4 to 7 hours of training at full speed)."""

# -- the largest file, part by part (the test suite checks each part against real files)
_LARGEST_LAYERS = MAX_HIDDEN_LAYERS + 1
_LARGEST_PARAMS = sum(
    (fan_in + 1) * fan_out
    for fan_in, fan_out in zip(
        (len(FEATURES),) + (MAX_UNITS,) * MAX_HIDDEN_LAYERS, (MAX_UNITS,) * MAX_HIDDEN_LAYERS + (MAX_CLASSES,)
    )
)
DATASET_BYTES_PER_POINT = 96  # two shortest-repr floats, a label or value, a flag, brackets
STATE_BYTES_PER_PARAM = 3 * 26  # weights and two optimiser arrays as JSON numbers
HISTORY_COLUMNS = tuple(name for name in SCALARS if name != "epoch") + PER_LAYER  # epoch is implicit
# Columns that files written before they existed lack: read as NaN ("not known").
OPTIONAL_COLUMNS = tuple(getattr(history_module, "OPTIONAL", ()))
HISTORY_BYTES_PER_EPOCH = f.encoded_length(len(SCALARS) - 1 + len(PER_LAYER) * _LARGEST_LAYERS)
TIMELINE_BYTES = f.encoded_length(MEMORY_BUDGET // 8) + MAX_SNAPSHOTS * 1024  # weights + per-snapshot JSON
MAX_BYTES = (
    MAX_POINTS * DATASET_BYTES_PER_POINT
    + _LARGEST_PARAMS * STATE_BYTES_PER_PARAM
    + MAX_HISTORY_EPOCHS * HISTORY_BYTES_PER_EPOCH
    + TIMELINE_BYTES
    + 2**20
)
# The values and containers a file may hold: a version 2 file needs about 600,000
# values (5 and a list a point of the dataset, the state's arrays, some 20 a
# snapshot) and 101,000 containers. Counted while the file is read, so a file of
# empty lists is refused after its first megabytes. A version 1 file (history as
# lists) beyond these, some 250,000 epochs, is refused as too large.
MAX_JSON_ITEMS = 5_000_000
MAX_JSON_CONTAINERS = 1_500_000


@dataclass(frozen=True)
class LoadedSession:
    """What a session file holds: the trainer in its saved state and the run's timeline."""

    trainer: Trainer
    timeline: Timeline

    @property
    def bookmarks(self) -> tuple[Bookmark, ...]:
        """The teacher's marks on the timeline (none in files written before there were any)."""
        return self.timeline.bookmarks


# ------------------------------------------------------------------ writing
def session_to_dict(trainer: Trainer, timeline: Timeline | None = None) -> dict[str, Any]:
    """The whole session as JSON-safe values (raises ValueError for a session that
    ``load_session`` would refuse: too many points or epochs).

    ``timeline``'s snapshots of this run (``Timeline.snapshots_of``) are kept;
    without one, opening the file gives a timeline of the first and the last epoch.
    """
    if trainer.dataset.n > MAX_POINTS:
        raise ValueError(
            f"the dataset has {trainer.dataset.n:,} points, more than the "
            f"{MAX_POINTS:,} a session file holds; erase some to save"
        )
    if len(trainer.history) > MAX_HISTORY_EPOCHS:
        raise ValueError(
            f"the history has {len(trainer.history):,} epochs, more than the "
            f"{MAX_HISTORY_EPOCHS:,} a session file holds; Reset to start a new run"
        )
    snap = trainer.snapshot()
    state: dict[str, Any] = {
        "epoch": snap.epoch,
        "params": snap.params.tolist(),
        "optimizer": {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in snap.optimizer.items()},
        "rng": snap.rng_state,
        "best_loss": snap.best_loss if math.isfinite(snap.best_loss) else None,
        "epochs_since_best": snap.epochs_since_best,
        "standardizer": trainer.standardizer.to_dict() if trainer.standardizer else None,
        "status": trainer.status,
    }
    data = {
        "format": FORMAT,
        "version": VERSION,
        "dataset": trainer.dataset.to_dict(),
        "config": trainer.config.to_dict(),
        "state": state,
        "history": _history_to_dict(trainer.history),
    }
    if timeline is not None:
        data["timeline"] = _timeline_to_dict(timeline, trainer)
        # Written only when there are some, so a file without bookmarks is as before (and
        # older versions, which ignore keys they do not know, still open it).
        bookmarks: tuple[Bookmark, ...] = getattr(timeline, "bookmarks", ())
        if bookmarks:
            data["bookmarks"] = [{"epoch": b.epoch, "caption": b.caption} for b in bookmarks]
    return data


def _history_to_dict(history: History) -> dict[str, Any]:
    out: dict[str, Any] = {"n_layers": history.n_layers, "epochs": len(history)}
    for name in HISTORY_COLUMNS:
        values = history.array(name)
        # Only NaN means "no value" (as null did in version 1); an infinity is stored so too.
        out[name] = f.encode_array(np.where(np.isinf(values), np.nan, values))
    return out


def _timeline_to_dict(timeline: Timeline, trainer: Trainer) -> dict[str, Any]:
    dtype = trainer.dtype
    # The current state is the file's "state": the timeline keeps what came before it.
    kept = [s for s in timeline.snapshots_of(trainer) if s.epoch < trainer.epoch]
    return {
        "per_level": timeline.per_level,
        "snapshots": [
            {
                "epoch": s.epoch,
                "params": f.encode_array(s.params, dtype),
                "optimizer": {
                    k: f.encode_array(v, dtype) if isinstance(v, np.ndarray) else v for k, v in s.optimizer.items()
                },
                "rng": s.rng_state,
                "best_loss": s.best_loss if math.isfinite(s.best_loss) else None,
                "epochs_since_best": s.epochs_since_best,
            }
            for s in kept
        ],
    }


def session_to_json(trainer: Trainer, timeline: Timeline | None = None) -> str:
    """The session file's text (compact JSON); ValueError if it would not open again."""
    text = json.dumps(session_to_dict(trainer, timeline), allow_nan=False, separators=(",", ":"))
    if len(text) > MAX_BYTES:  # not expected: the parts are bounded above; but never write it
        raise ValueError(f"the session needs {len(text):,} bytes, more than the {MAX_BYTES:,} a session file may have")
    return text


def save_session(path: str | os.PathLike[str], trainer: Trainer, timeline: Timeline | None = None) -> None:
    """Write ``trainer``'s session (and ``timeline``'s snapshots, if given) to ``path``
    atomically: a temporary file, then a rename, keeping the file's mode."""
    path = Path(path)
    try:
        text = session_to_json(trainer, timeline)
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from None
    write_text_atomic(path, text)


# ------------------------------------------------------------------ reading
def read_session(
    path: str | os.PathLike[str], max_snapshots: int = MAX_SNAPSHOTS, memory_budget: int = MEMORY_BUDGET
) -> LoadedSession:
    """Read a session file: a new Trainer in exactly the saved state, and its timeline
    (as saved; from a file without one, the first and the last epoch)."""
    path = Path(path)
    data = read_json_file(path, MAX_BYTES, MAX_JSON_ITEMS, MAX_JSON_CONTAINERS)
    try:
        return session_and_timeline_from_dict(data, max_snapshots, memory_budget)
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from None


def load_session(path: str | os.PathLike[str]) -> Trainer:
    """Read a session file and return a new Trainer in exactly the saved state."""
    return read_session(path).trainer


def session_from_dict(data: Any) -> Trainer:
    """Build a Trainer from ``session_to_dict`` output, validating every field."""
    return _trainer_from_dict(data)[0]


def session_and_timeline_from_dict(
    data: Any, max_snapshots: int = MAX_SNAPSHOTS, memory_budget: int = MEMORY_BUDGET
) -> LoadedSession:
    """Build the Trainer and its Timeline from ``session_to_dict`` output, validating every field."""
    trainer, version = _trainer_from_dict(data)
    snapshots: list[Snapshot] = []
    per_level = None
    if version >= 2 and "timeline" in data:
        snapshots, per_level = _timeline_from_dict(data["timeline"], trainer, max_snapshots, memory_budget)
    timeline = Timeline.rebuilt(trainer, snapshots, per_level, max_snapshots, memory_budget)
    if "bookmarks" in data:
        timeline.bookmarks = _bookmarks_from_list(data["bookmarks"])
    return LoadedSession(trainer, timeline)


def _trainer_from_dict(data: Any) -> tuple[Trainer, int]:
    fmt = f.field(data, "format")
    if fmt != FORMAT:
        raise ValueError(f"format: expected {FORMAT!r}, got {f.brief(fmt)} (is this a playground session?)")
    version = f.field(data, "version")
    if type(version) is not int:
        f.whole(version, "version")  # says what it is instead
    if version not in READS:
        raise ValueError(
            f"version: this playground reads versions {' and '.join(map(str, READS))}, "
            f"the file is version {f.brief(version)}"
        )
    dataset = Dataset.from_dict(f.obj(f.field(data, "dataset"), "dataset"))
    config = TrainingConfig.from_dict(f.obj(f.field(data, "config"), "config"))
    state = f.obj(f.field(data, "state"), "state")
    trainer = Trainer(dataset, config)
    size = trainer.model.params.size

    epoch = f.whole(f.field(state, "epoch", "state"), "state.epoch", 0, MAX_HISTORY_EPOCHS)
    params = f.float_list(f.field(state, "params", "state"), "state.params", size, trainer.dtype)
    optimizer = _optimizer_state(
        f.field(state, "optimizer", "state"),
        "state.optimizer",
        trainer,
        lambda value, where: f.float_list(value, where, size, trainer.dtype),
    )
    best = f.real(f.field(state, "best_loss", "state"), "state.best_loss", 0.0, allow_null=True)
    since_best = f.whole(f.field(state, "epochs_since_best", "state"), "state.epochs_since_best", 0, epoch)
    rng = f.rng_state(f.field(state, "rng", "state"), "state.rng")
    standardizer = f.field(state, "standardizer", "state")
    if standardizer is not None:
        standardizer = Standardizer.from_dict(f.obj(standardizer, "state.standardizer"))
        if standardizer.mean.size != len(config.features):
            raise ValueError(
                f"state.standardizer: {standardizer.mean.size} features, the config has {len(config.features)}"
            )
    status = f.text(state.get("status", "ok"), "state.status", STATUSES)
    history = _history_from_dict(f.obj(f.field(data, "history"), "history"), len(trainer.model.layers), epoch, version)

    trainer.history = history
    trainer.restore(Snapshot(epoch, params, optimizer, rng, math.inf if best is None else best, since_best))
    if standardizer is not None:
        trainer.set_standardizer(standardizer)
    trainer.status = status
    return trainer, version


def _optimizer_state(
    value: Any, where: str, trainer: Trainer, array: Callable[[Any, str], np.ndarray]
) -> dict[str, Any]:
    """The optimiser's state with exactly the fields of ``trainer``'s optimiser."""
    value = f.obj(value, where)
    expected = set(trainer.optimizer.state_dict())
    if set(value) != expected:
        raise ValueError(
            f"{where}: expected the fields {sorted(expected)} of the "
            f"{trainer.config.optimizer!r} optimiser, got {sorted(map(str, value))}"
        )
    return {
        key: f.whole(entry, f"{where}.{key}") if key == "steps" else array(entry, f"{where}.{key}")
        for key, entry in value.items()
    }


def _history_from_dict(data: dict[str, Any], n_layers: int, epochs: int, version: int) -> History:
    layers = f.whole(f.field(data, "n_layers", "history"), "history.n_layers", 0, _LARGEST_LAYERS)
    if layers != n_layers:
        raise ValueError(f"history.n_layers: the network has {n_layers} layers, the history {layers}")
    if version >= 2:
        rows = f.whole(f.field(data, "epochs", "history"), "history.epochs", 0, MAX_HISTORY_EPOCHS)
    else:
        epoch_column = f.field(data, "epoch", "history")
        rows = len(epoch_column) if type(epoch_column) is list else -1
        if not 0 <= rows <= MAX_HISTORY_EPOCHS:
            raise ValueError(f"history.epoch: expected a list of at most {MAX_HISTORY_EPOCHS:,} epochs")
        column = f.column(epoch_column, "history.epoch", rows)
        if not np.array_equal(column, np.arange(1, rows + 1)):
            raise ValueError(f"history.epoch: expected the epochs 1..{rows} in order")
    if rows != epochs:
        raise ValueError(f"state.epoch: {epochs} does not match the history's {rows} epochs")
    columns: dict[str, Any] = {"n_layers": n_layers, "epoch": np.arange(1, rows + 1, dtype=np.float64)}
    for name in HISTORY_COLUMNS:
        width = n_layers if name in PER_LAYER else None
        if name not in data and name in OPTIONAL_COLUMNS:
            columns[name] = np.full((rows,) if width is None else (rows, width), np.nan)
        else:
            columns[name] = f.column(f.field(data, name, "history"), f"history.{name}", rows, width)
    return History.from_dict(columns)


def _timeline_from_dict(
    data: Any, trainer: Trainer, max_snapshots: int, memory_budget: int
) -> tuple[list[Snapshot], int]:
    data = f.obj(data, "timeline")
    per_level = f.whole(f.field(data, "per_level", "timeline"), "timeline.per_level", 1, max_snapshots)
    entries = f.field(data, "snapshots", "timeline")
    if type(entries) is not list:
        raise ValueError(f"timeline.snapshots: expected a list, got {f.brief(entries)}")
    capacity = capacity_for(snapshot_nbytes(trainer.snapshot()), max_snapshots, memory_budget)
    if len(entries) >= capacity:  # the current state comes on top
        raise ValueError(
            f"timeline.snapshots: {len(entries)} snapshots, more than the {capacity - 1} "
            f"this network's timeline keeps before its current epoch"
        )
    size, dtype = trainer.model.params.size, trainer.dtype
    snapshots, last = [], -1
    for i, entry in enumerate(entries):
        where = f"timeline.snapshots[{i}]"
        entry = f.obj(entry, where)
        epoch = f.whole(f.field(entry, "epoch", where), f"{where}.epoch", 0, trainer.epoch - 1)
        if epoch <= last:
            raise ValueError(f"{where}.epoch: {epoch} is not after the previous snapshot's {last}")
        params = f.decode_array(f.field(entry, "params", where), f"{where}.params", size, dtype)
        optimizer = _optimizer_state(
            f.field(entry, "optimizer", where),
            f"{where}.optimizer",
            trainer,
            lambda value, at: f.decode_array(value, at, size, dtype),
        )
        best = f.real(f.field(entry, "best_loss", where), f"{where}.best_loss", 0.0, allow_null=True)
        since_best = f.whole(f.field(entry, "epochs_since_best", where), f"{where}.epochs_since_best", 0, epoch)
        rng = f.rng_state(f.field(entry, "rng", where), f"{where}.rng")
        snapshots.append(Snapshot(epoch, params, optimizer, rng, math.inf if best is None else best, since_best))
        last = epoch
    return snapshots, per_level


def _bookmarks_from_list(value: Any) -> tuple[Bookmark, ...]:
    """The timeline's bookmarks: at most ``MAX_BOOKMARKS``, in increasing epoch order, each
    exactly an epoch and a caption of 1..``MAX_BOOKMARK_CAPTION`` characters."""
    if type(value) is not list:
        raise ValueError(f"bookmarks: expected a list, got {f.brief(value)}")
    if len(value) > MAX_BOOKMARKS:
        raise ValueError(f"bookmarks: {len(value)} bookmarks, more than the {MAX_BOOKMARKS} a session keeps")
    bookmarks: list[Bookmark] = []
    for i, entry in enumerate(value):
        where = f"bookmarks[{i}]"
        entry = f.obj(entry, where)
        if set(entry) != {"epoch", "caption"}:
            raise ValueError(
                f"{where}: expected the fields caption and epoch, got {', '.join(sorted(map(str, entry)))}"
            )
        epoch = f.whole(entry["epoch"], f"{where}.epoch", 0, MAX_HISTORY_EPOCHS)
        if bookmarks and epoch <= bookmarks[-1].epoch:
            raise ValueError(f"{where}.epoch: {epoch} is not after the previous bookmark's {bookmarks[-1].epoch}")
        caption = f.text(entry["caption"], f"{where}.caption")
        if not 1 <= len(caption) <= MAX_BOOKMARK_CAPTION:
            raise ValueError(f"{where}.caption: expected 1..{MAX_BOOKMARK_CAPTION} characters, got {len(caption)}")
        if not caption.strip():
            raise ValueError(f"{where}.caption: is blank")
        bookmarks.append(Bookmark(epoch, caption))
    return tuple(bookmarks)
