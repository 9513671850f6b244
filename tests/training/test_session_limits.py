"""What the app saves it opens: long histories round-trip, and the writer's and the reader's limits agree.

The reader refuses files beyond ``MAX_BYTES``; ``MAX_BYTES`` is the sum of the
largest parts the writer makes. Each part's bound is checked here against the
real encoding of the largest network, dataset and timeline.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import stat

import numpy as np
import pytest

from playground.data import Dataset, make_dataset
from playground.data.features import FEATURES
from playground.data.palette import MAX_CLASSES
from playground.training import History, Trainer, TrainingConfig, load_session, save_session, sessions
from playground.training.config import MAX_HIDDEN_LAYERS, MAX_UNITS
from playground.training.history import PER_LAYER, SCALARS
from playground.training.sessions import (
    MAX_BYTES,
    read_session,
    session_from_dict,
    session_to_dict,
    session_to_json,
)
from playground.training.timeline import Timeline

LARGEST = TrainingConfig(hidden=(MAX_UNITS,) * MAX_HIDDEN_LAYERS, features=tuple(FEATURES), optimizer="adam")


def long_history(n_layers: int, epochs: int, seed: int = 0) -> History:
    """A history of ``epochs`` rows of awkward floats (and NaN where a column may lack values)."""
    rng = np.random.default_rng(seed)
    columns = {"n_layers": n_layers, "epoch": np.arange(1, epochs + 1, dtype=np.float64)}
    for name in SCALARS[1:]:
        columns[name] = rng.standard_normal(epochs) * 10.0 ** rng.integers(-300, 300, epochs)
    for name in PER_LAYER:
        columns[name] = np.abs(rng.standard_normal((epochs, n_layers))) / 3
    columns["test_loss"][::7] = np.nan
    return History.from_dict(columns)


def with_history(trainer: Trainer, history: History) -> Trainer:
    trainer.history = history
    trainer.restore(dataclasses.replace(trainer.snapshot(), epoch=len(history)))
    return trainer


def test_a_session_with_300000_epochs_round_trips(tmp_path):
    ds = make_dataset("spiral", n=60, noise=0.1, seed=0, test_fraction=0.25)
    trainer = with_history(
        Trainer(ds, TrainingConfig(hidden=(8, 8), optimizer="adam", seed=0)), long_history(3, 300_000)
    )
    path = tmp_path / "long.playground.json"
    save_session(path, trainer)
    assert path.stat().st_size < MAX_BYTES
    loaded = load_session(path)
    assert loaded.epoch == 300_000 and len(loaded.history) == 300_000
    for name in (*SCALARS, *PER_LAYER):
        assert loaded.history.array(name).tobytes() == trainer.history.array(name).tobytes(), name
    assert loaded.step(1).epoch == 300_001  # and it trains on


def test_the_writer_refuses_what_the_reader_would(tmp_path, monkeypatch):
    ds = make_dataset("xor", n=20, seed=0)
    trainer = Trainer(ds, TrainingConfig(hidden=(3,), seed=0))
    trainer.step(5)
    path = tmp_path / "s.playground.json"
    save_session(path, trainer)
    before = path.read_bytes()
    monkeypatch.setattr(sessions, "MAX_HISTORY_EPOCHS", 4)
    trainer.step(1)
    with pytest.raises(
        ValueError,
        match=r"^s\.playground\.json: the history has 6 epochs, more than the 4 "
        r"a session file holds",
    ):
        save_session(path, trainer)
    assert path.read_bytes() == before  # nothing written
    monkeypatch.undo()
    save_session(path, trainer)
    monkeypatch.setattr(sessions, "MAX_HISTORY_EPOCHS", 4)
    with pytest.raises(ValueError, match=r"state\.epoch: expected a whole number in 0\.\.4, got 6"):
        load_session(path)


def test_a_dataset_beyond_the_point_limit_is_not_saved(tmp_path, monkeypatch):
    trainer = Trainer(make_dataset("xor", n=20, seed=0), TrainingConfig(hidden=(3,)))
    monkeypatch.setattr(sessions, "MAX_POINTS", 10)
    with pytest.raises(ValueError, match=r"the dataset has 20 points, more than the 10"):
        save_session(tmp_path / "s.playground.json", trainer)
    assert list(tmp_path.iterdir()) == []


def _worst_floats(n: int) -> list[float]:
    return [-1.2345678901234567e-300 - i * 1e-316 for i in range(n)]  # 24 characters each


def test_each_part_of_the_largest_session_fits_its_share_of_max_bytes():
    # The dataset: MAX_POINTS points of the longest floats, as regression (the longest targets).
    points = Dataset(
        np.array(_worst_floats(2000)).reshape(1000, 2), _worst_floats(1000), "regression", is_test=[False] * 1000
    )
    per_point = len(json.dumps(points.to_dict(), separators=(",", ":"))) / 1000
    assert per_point <= sessions.DATASET_BYTES_PER_POINT
    # The state: weights and Adam's two arrays of the largest network, as JSON numbers.
    ds = make_dataset("blobs", n=40, seed=0, classes=MAX_CLASSES)
    trainer = Trainer(ds, LARGEST)
    size = trainer.model.params.size
    assert size == sessions._LARGEST_PARAMS
    state = {"params": _worst_floats(size), "m": _worst_floats(size), "v": _worst_floats(size)}
    assert len(json.dumps(state, separators=(",", ":"))) <= size * sessions.STATE_BYTES_PER_PARAM
    # The history: one epoch of the largest network.
    trainer = with_history(trainer, long_history(len(trainer.model.layers), 3000))
    history = session_to_dict(trainer)["history"]
    assert len(json.dumps(history, separators=(",", ":"))) <= 3000 * sessions.HISTORY_BYTES_PER_EPOCH + 1000
    # The timeline: as many snapshots as it keeps, at their encoded size.
    timeline = Timeline()
    timeline.follow(trainer)
    one = json.dumps(session_to_dict(trainer, timeline)["timeline"]["snapshots"][0], separators=(",", ":"))
    assert timeline.capacity * (len(one) + 1) <= sessions.TIMELINE_BYTES
    assert MAX_BYTES < 400 * 2**20  # and the whole stays a size a laptop reads in a second or two


def test_a_version_1_file_without_newer_history_columns_opens(tmp_path):
    trainer = Trainer(make_dataset("xor", n=20, seed=0), TrainingConfig(hidden=(3,)))
    trainer.step(3)
    data = session_to_dict(trainer)
    history = trainer.history.to_dict()
    for name in sessions.OPTIONAL_COLUMNS:
        history.pop(name)
    data.update(version=1, history=history)
    loaded = session_from_dict(copy.deepcopy(data))
    assert loaded.epoch == 3
    for name in sessions.OPTIONAL_COLUMNS:
        assert np.all(np.isnan(loaded.history.array(name)))


# ------------------------------------------------------------------ hostile sizes
def test_a_file_of_empty_lists_is_refused_before_it_is_decoded(tmp_path):
    path = tmp_path / "hostile.playground.json"
    count = 7_000_000  # 21 MB of text that would decode into 7 million lists (about 450 MB)
    path.write_text('{"format":"playground-session","junk":[' + "[]," * count + "[]]}")
    with pytest.raises(
        ValueError,
        match=r"^hostile\.playground\.json: holds more than the 1,500,000 lists "
        r"and objects a playground file can have",
    ):
        load_session(path)


def test_an_oversized_history_column_is_refused_before_it_is_decoded(tmp_path):
    trainer = Trainer(make_dataset("xor", n=20, seed=0), TrainingConfig(hidden=(3,)))
    data = session_to_dict(trainer)
    data["history"]["train_loss"] = "A" * 5_000_000  # for an empty history
    path = tmp_path / "big.playground.json"
    path.write_text(json.dumps(data))
    with pytest.raises(
        ValueError,
        match=r"history\.train_loss: expected base64 text of 0 numbers "
        r"\(0 characters\), got 5,000,000",
    ):
        load_session(path)


def test_a_session_file_beyond_max_bytes_is_refused_unread(tmp_path):
    path = tmp_path / "huge.playground.json"
    with open(path, "wb") as out:
        out.truncate(MAX_BYTES + 1)
    with pytest.raises(ValueError, match=r"MiB\) this playground reads"):
        load_session(path)


def test_session_to_json_never_returns_what_would_not_open(monkeypatch):
    trainer = Trainer(make_dataset("xor", n=20, seed=0), TrainingConfig(hidden=(3,)))
    monkeypatch.setattr(sessions, "MAX_BYTES", 100)
    with pytest.raises(ValueError, match=r"more than the 100 a session file may have"):
        session_to_json(trainer)


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_saving_a_session_keeps_the_files_mode(tmp_path):
    trainer = Trainer(make_dataset("xor", n=20, seed=0), TrainingConfig(hidden=(3,)))
    path = tmp_path / "shared.playground.json"
    save_session(path, trainer)
    path.chmod(0o644)
    trainer.step(1)
    save_session(path, trainer)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert read_session(path).trainer.epoch == 1
