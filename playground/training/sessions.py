"""Session files: one JSON document with the dataset, the config, the weights, the
optimiser state, the history and the random state, so that loading and continuing
gives the same numbers as never having stopped.

Reading is strict and never runs anything from the file (the ``json`` module
only: nothing is unpickled or evaluated). Any problem raises ValueError saying where; the caller's
current session is untouched because a new ``Trainer`` is built and returned.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..data import Dataset
from ..data.features import Standardizer
from ..data.io import parse_json, read_text_file, write_text_atomic
from .config import TrainingConfig
from .history import History
from .trainer import Snapshot, Trainer

FORMAT = "playground-session"
VERSION = 1
SUFFIX = ".playground.json"
MAX_BYTES = 200 * 1024 * 1024


def session_to_dict(trainer: Trainer) -> dict[str, Any]:
    """The whole session as JSON-safe values."""
    snap = trainer.snapshot()
    return {
        "format": FORMAT,
        "version": VERSION,
        "dataset": trainer.dataset.to_dict(),
        "config": trainer.config.to_dict(),
        "state": {
            "epoch": snap.epoch,
            "params": snap.params.tolist(),
            "optimizer": {k: v.tolist() if isinstance(v, np.ndarray) else v
                          for k, v in snap.optimizer.items()},
            "rng": snap.rng_state,
            "best_loss": snap.best_loss if math.isfinite(snap.best_loss) else None,
            "epochs_since_best": snap.epochs_since_best,
            "standardizer": trainer.standardizer.to_dict() if trainer.standardizer else None,
            "status": trainer.status,
        },
        "history": trainer.history.to_dict(),
    }


def save_session(path: str | os.PathLike[str], trainer: Trainer) -> None:
    """Write ``trainer``'s session to ``path`` atomically (temp file, then rename)."""
    text = json.dumps(session_to_dict(trainer), allow_nan=False, separators=(",", ":"))
    write_text_atomic(Path(path), text)


def load_session(path: str | os.PathLike[str]) -> Trainer:
    """Read a session file and return a new Trainer in exactly the saved state."""
    path = Path(path)
    text = read_text_file(path, MAX_BYTES)
    data = parse_json(text, path.name)
    try:
        return session_from_dict(data)
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from None


def _field(data: Any, name: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(data, dict):
        raise ValueError(f"{where or 'session'}: expected an object, got {type(data).__name__}")
    if name not in data:
        raise ValueError(f"{where + '.' if where else ''}{name}: missing")
    value = data[name]
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise ValueError(f"{where + '.' if where else ''}{name}: expected {_kind_name(kind)}, got a boolean")
    if not isinstance(value, kind):
        raise ValueError(f"{where + '.' if where else ''}{name}: expected {_kind_name(kind)}, "
                         f"got {type(value).__name__}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {dict: "an object", list: "a list", int: "a whole number", float: "a number",
             str: "text", type(None): "null"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _float_array(values: Any, where: str, size: int | None = None) -> np.ndarray:
    if not isinstance(values, list) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise ValueError(f"{where}: expected a list of numbers")
    try:
        array = np.asarray(values, dtype=np.float64)
    except OverflowError:  # a whole number too large for a float
        raise ValueError(f"{where}: contains a number too large for a float") from None
    if size is not None and array.size != size:
        raise ValueError(f"{where}: expected {size} numbers, got {array.size}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{where}: contains NaN or infinity")
    return array


def session_from_dict(data: Any) -> Trainer:
    """Build a Trainer from ``session_to_dict`` output, validating every field."""
    fmt = _field(data, "format", str, "")
    if fmt != FORMAT:
        raise ValueError(f"format: expected {FORMAT!r}, got {fmt!r} (is this a playground session?)")
    version = _field(data, "version", int, "")
    if version != VERSION:
        raise ValueError(f"version: this playground reads version {VERSION}, the file is version {version}")
    dataset = Dataset.from_dict(_field(data, "dataset", dict, ""))
    config = TrainingConfig.from_dict(_field(data, "config", dict, ""))
    state = _field(data, "state", dict, "")
    trainer = Trainer(dataset, config)

    params = _float_array(_field(state, "params", list, "state"), "state.params", trainer.model.params.size)
    optimizer = {}
    for key, value in _field(state, "optimizer", dict, "state").items():
        if key == "steps":
            optimizer[key] = _field(state["optimizer"], "steps", int, "state.optimizer")
            if optimizer[key] < 0:
                raise ValueError(f"state.optimizer.steps: expected a count >= 0, got {optimizer[key]}")
        else:
            optimizer[key] = _float_array(value, f"state.optimizer.{key}", trainer.model.params.size)
    expected = set(trainer.optimizer.state_dict())
    if set(optimizer) != expected:
        raise ValueError(f"state.optimizer: expected the fields {sorted(expected)} of the "
                         f"{config.optimizer!r} optimiser, got {sorted(optimizer)}")
    best = _field(state, "best_loss", (int, float, type(None)), "state")
    standardizer = _field(state, "standardizer", (dict, type(None)), "state")
    history = History.from_dict(_field(data, "history", dict, ""))
    if history.n_layers != len(trainer.model.layers):
        raise ValueError(f"history.n_layers: the network has {len(trainer.model.layers)} layers, "
                         f"the history {history.n_layers}")
    epoch = _field(state, "epoch", int, "state")
    if epoch != len(history):
        raise ValueError(f"state.epoch: {epoch} does not match the history's {len(history)} epochs")
    if not np.array_equal(history.array("epoch"), np.arange(1, epoch + 1)):
        raise ValueError(f"history.epoch: expected the epochs 1..{epoch} in order")
    rng_state = _field(state, "rng", dict, "state")
    snapshot = Snapshot(epoch, params.astype(trainer.dtype), optimizer, rng_state,
                        math.inf if best is None else float(best),
                        _field(state, "epochs_since_best", int, "state"))
    trainer.history = history
    try:
        trainer.restore(snapshot)
    except (TypeError, KeyError, ValueError, OverflowError) as exc:
        raise ValueError(f"state.rng: not a valid random-generator state ({exc})") from None
    if standardizer is not None:
        trainer.set_standardizer(Standardizer.from_dict(standardizer))
    status = state.get("status", "ok")
    if status not in ("ok", "diverged", "stopped"):
        raise ValueError(f"state.status: expected ok, diverged or stopped, got {status!r}")
    trainer.status = status
    return trainer
