"""The timeline survives a save: every kept snapshot comes back exactly, and so does scrubbing."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig, load_session, save_session
from playground.training.sessions import read_session, session_and_timeline_from_dict, session_to_dict
from playground.training.timeline import Timeline

CONFIG = TrainingConfig(hidden=(6, 4), optimizer="adam", lr=0.03, batch_size=7, dropout=0.1, seed=3)
FAST = CONFIG.replace(hidden=(3,), batch_size=100, dropout=0.0)  # one step an epoch: long runs in little time


@pytest.fixture(scope="module")
def dataset():
    return make_dataset("moons", n=50, noise=0.2, seed=1, test_fraction=0.2)


def run(dataset, epochs: int, max_snapshots: int = 16, config: TrainingConfig = CONFIG):
    trainer, timeline = Trainer(dataset, config), Timeline(max_snapshots=max_snapshots)
    timeline.follow(trainer)
    for _ in range(epochs):
        trainer.step(1)
        timeline.follow(trainer)
    return trainer, timeline


def assert_same_snapshot(a, b) -> None:
    assert a.epoch == b.epoch
    assert a.params.dtype == b.params.dtype and a.params.tobytes() == b.params.tobytes()
    assert a.optimizer.keys() == b.optimizer.keys()
    for key, value in a.optimizer.items():
        if isinstance(value, np.ndarray):
            assert value.dtype == b.optimizer[key].dtype and value.tobytes() == b.optimizer[key].tobytes(), key
        else:
            assert value == b.optimizer[key], key
    assert a.rng_state == b.rng_state
    assert a.best_loss == b.best_loss and a.epochs_since_best == b.epochs_since_best


def assert_same_trainer(a: Trainer, b: Trainer) -> None:
    assert a.epoch == b.epoch and a.status == b.status
    assert a.model.params.data.tobytes() == b.model.params.data.tobytes()
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    for name in ("train_loss", "test_loss", "grad_norms", "weight_norms"):
        assert a.history.array(name).tobytes() == b.history.array(name).tobytes(), name


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_every_kept_snapshot_comes_back_exactly(tmp_path, dataset, dtype):
    trainer, timeline = run(dataset, 150, config=CONFIG.replace(dtype=dtype))
    assert len(timeline) <= 16 and timeline.epochs[0] == 0 and timeline.epochs[-1] == 150
    assert np.diff(timeline.epochs).max() > 1  # thinned
    path = tmp_path / "lesson.playground.json"
    save_session(path, trainer, timeline)
    loaded = read_session(path, max_snapshots=16)
    assert loaded.timeline.epochs.tolist() == timeline.epochs.tolist()
    for kept, back in zip(timeline.snapshots(), loaded.timeline.snapshots(), strict=True):
        assert_same_snapshot(kept, back)
    assert (loaded.timeline.capacity, loaded.timeline.per_level) == (timeline.capacity, timeline.per_level)
    assert loaded.timeline.follow(loaded.trainer) is False  # it already follows the loaded trainer
    assert_same_trainer(loaded.trainer, trainer)


def test_continuing_from_a_restored_snapshot_gives_the_same_numbers(tmp_path, dataset):
    trainer, timeline = run(dataset, 60)
    path = tmp_path / "s.playground.json"
    save_session(path, trainer, timeline)
    loaded = read_session(path, max_snapshots=16)
    for epoch in (0, int(timeline.epochs[len(timeline) // 2]), 59):
        # The snapshot kept in memory and the one read back lead to the same training.
        original = trainer if epoch == 59 else load_session(path)  # last: the very trainer that saved
        copy = load_session(path)
        original.restore(timeline.nearest(epoch))
        copy.restore(loaded.timeline.nearest(epoch))
        assert copy.epoch == original.epoch == timeline.nearest_epoch(epoch)
        original.step(15)
        copy.step(15)
        assert_same_trainer(copy, original)


def test_thinning_goes_on_as_if_never_saved(tmp_path, dataset):
    trainer, timeline = run(dataset, 100)
    save_session(tmp_path / "s.playground.json", trainer, timeline)
    loaded = read_session(tmp_path / "s.playground.json", max_snapshots=16)
    for _ in range(40):
        trainer.step(1)
        timeline.follow(trainer)
        loaded.trainer.step(1)
        loaded.timeline.follow(loaded.trainer)
        assert loaded.timeline.epochs.tolist() == timeline.epochs.tolist()


def test_the_file_keeps_what_the_timeline_keeps_and_no_more(dataset):
    trainer, timeline = run(dataset, 200, config=FAST)
    data = session_to_dict(trainer, timeline)
    stored = [s["epoch"] for s in data["timeline"]["snapshots"]]
    assert stored == timeline.epochs.tolist()[:-1]  # the newest is the file's state
    assert len(json.dumps(data["timeline"])) < 16 * 2000  # bounded as the timeline is


def test_a_timeline_behind_the_trainer_saves_only_this_run(dataset):
    trainer, timeline = run(dataset, 30)
    trainer.restore(timeline.nearest(10))  # scrubbed back; the timeline has not seen it yet
    epoch = timeline.nearest_epoch(10)
    data = session_to_dict(trainer, timeline)
    assert max(s["epoch"] for s in data["timeline"]["snapshots"]) < epoch
    back = session_and_timeline_from_dict(json.loads(json.dumps(data)), max_snapshots=16)
    assert back.timeline.latest_epoch == epoch == back.trainer.epoch
    trainer.reset()  # another network: nothing of the old run belongs to it
    assert session_to_dict(trainer, timeline)["timeline"]["snapshots"] == []


def test_without_a_saved_timeline_opening_gives_the_first_and_last_epoch(tmp_path, dataset):
    trainer, _ = run(dataset, 12)
    save_session(tmp_path / "plain.playground.json", trainer)  # no timeline given
    loaded = read_session(tmp_path / "plain.playground.json")
    assert loaded.timeline.epochs.tolist() == [0, 12]
    np.testing.assert_array_equal(loaded.timeline.nearest(0).params, Trainer(dataset, CONFIG).model.params.data)


def test_a_default_timeline_round_trips_in_full(tmp_path, dataset):
    trainer, timeline = run(dataset, 600, max_snapshots=512, config=FAST)
    assert len(timeline) == 512
    save_session(tmp_path / "full.playground.json", trainer, timeline)
    loaded = read_session(tmp_path / "full.playground.json")
    assert loaded.timeline.epochs.tolist() == timeline.epochs.tolist()
    assert_same_snapshot(loaded.timeline.nearest(300), timeline.nearest(300))
