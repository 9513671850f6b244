"""The timeline of weight snapshots: its memory bound over 100,000 epochs, thinning,
snapping to kept epochs, following a trainer, and "continue from here" being exact."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from step_reference import COLUMNS as HISTORY_COLUMNS

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.timeline import (
    MIN_SNAPSHOTS,
    Timeline,
    epoch_stats,
    initial_snapshot,
    nearest_kept,
    snapshot_nbytes,
)

CONFIG = TrainingConfig(hidden=(8, 8), activation="tanh", optimizer="adam", lr=0.03, batch_size=10, seed=0)


@pytest.fixture(scope="module")
def dataset():
    return make_dataset("spiral", n=60, noise=0.1, seed=0, test_fraction=0.25)


def train_following(trainer: Trainer, timeline: Timeline, epochs: int) -> None:
    for _ in range(epochs):
        trainer.step(1)
        timeline.follow(trainer)


def assert_same_state(a: Trainer, b: Trainer) -> None:
    """Weights, optimiser state, random state and every history column identical."""
    assert a.epoch == b.epoch
    assert np.array_equal(a.model.params.data, b.model.params.data)
    sa, sb = a.optimizer.state_dict(), b.optimizer.state_dict()
    assert sa.keys() == sb.keys()
    for key in sa:
        assert np.array_equal(sa[key], sb[key]), key
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    for name in HISTORY_COLUMNS:
        assert np.array_equal(a.history.array(name), b.history.array(name), equal_nan=True), name


def test_bound_holds_over_100000_epochs(dataset):
    snapshot = Trainer(dataset, CONFIG).snapshot()
    timeline = Timeline()
    assert timeline.capacity == 512
    largest = 0
    for epoch in range(100_001):
        timeline.record(dataclasses.replace(snapshot, epoch=epoch))
        largest = max(largest, len(timeline))
    assert largest == 512  # filled, never exceeded
    epochs = timeline.epochs
    gaps = np.diff(epochs)
    assert epochs[0] == 0 and epochs[-1] == 100_000
    assert np.all(gaps > 0)
    # Spacing grows toward the past: the gaps never shrink going back in time ...
    assert np.all(np.diff(gaps) <= 0)
    # ... from single epochs (every recent epoch kept) ...
    assert np.array_equal(epochs[-timeline.per_level :], np.arange(100_001 - timeline.per_level, 100_001))
    # ... to powers of two that still cover the oldest stretch every 2% of the run.
    assert set(gaps.tolist()) <= {2**k for k in range(20)}
    assert gaps.max() <= 0.025 * 100_000
    assert timeline.nbytes == len(timeline) * snapshot_nbytes(snapshot)


def test_snapshot_size_and_memory_bound(dataset):
    snapshot = Trainer(dataset, CONFIG).snapshot()
    assert snapshot.params.size == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1 == 105
    # Parameters, Adam's two running averages, and the Python objects around them.
    assert snapshot_nbytes(snapshot) == 105 * 3 * 8 + 1200 == 3720
    big = Trainer(dataset, CONFIG.replace(hidden=(64,) * 8)).snapshot()
    timeline = Timeline(memory_budget=16 * 2**20)
    timeline.record(big)
    assert timeline.capacity == 16 * 2**20 // snapshot_nbytes(big) < 512
    for epoch in range(1, 2000):
        timeline.record(dataclasses.replace(big, epoch=epoch))
    assert len(timeline) * snapshot_nbytes(big) <= 16 * 2**20
    tiny = Timeline(memory_budget=1)
    tiny.record(big)
    assert tiny.capacity == MIN_SNAPSHOTS


def test_thinned_epochs_snap_to_the_nearest_kept(dataset):
    snapshot = Trainer(dataset, CONFIG).snapshot()
    timeline = Timeline(max_snapshots=16)
    for epoch in range(101):
        timeline.record(dataclasses.replace(snapshot, epoch=epoch))
        assert len(timeline) <= 16
    epochs = timeline.epochs.tolist()
    assert epochs[0] == 0 and epochs[-1] == 100
    gap_start = next(e for e, f in zip(epochs, epochs[1:]) if f - e >= 4)
    gap_end = epochs[epochs.index(gap_start) + 1]
    assert timeline.nearest_epoch(gap_start + 1) == gap_start
    assert timeline.nearest_epoch(gap_end - 1) == gap_end
    middle = (gap_start + gap_end) / 2
    assert timeline.nearest_epoch(middle) == gap_start  # a tie goes to the earlier epoch
    assert timeline.nearest(gap_end - 1).epoch == gap_end
    assert timeline.nearest_epoch(10**6) == 100 and timeline.nearest_epoch(-5) == 0
    assert nearest_kept(np.array(epochs), gap_start + 1) == gap_start
    with pytest.raises(LookupError):
        Timeline().nearest_epoch(3)


def test_record_needs_increasing_epochs_and_truncate_frees_room(dataset):
    snapshot = Trainer(dataset, CONFIG).snapshot()
    timeline = Timeline(max_snapshots=16)
    for epoch in range(0, 200):
        timeline.record(dataclasses.replace(snapshot, epoch=epoch))
    with pytest.raises(ValueError, match="not after"):
        timeline.record(dataclasses.replace(snapshot, epoch=199))
    squeezed = timeline.per_level
    timeline.truncate(150)
    assert timeline.latest_epoch <= 150 and timeline.per_level == 16 > squeezed
    for epoch in range(timeline.latest_epoch + 1, 400):
        timeline.record(dataclasses.replace(snapshot, epoch=epoch))
        assert len(timeline) <= 16
    assert timeline.epochs[0] == 0 and timeline.latest_epoch == 399


def test_continue_from_here_equals_training_straight(dataset):
    trainer, timeline = Trainer(dataset, CONFIG), Timeline()
    timeline.follow(trainer)
    train_following(trainer, timeline, 40)
    assert timeline.epochs.tolist() == list(range(41))

    trainer.restore(timeline.nearest(20))
    assert timeline.follow(trainer) is True
    assert timeline.epochs.tolist() == list(range(21))  # the later snapshots are dropped
    train_following(trainer, timeline, 20)

    straight = Trainer(dataset, CONFIG)
    straight.step(20)
    straight.step(20)
    assert_same_state(trainer, straight)
    assert timeline.epochs.tolist() == list(range(41))
    assert np.array_equal(timeline.nearest(40).params, straight.model.params.data)


def test_snapshots_are_copies_of_their_epoch(dataset):
    trainer, timeline = Trainer(dataset, CONFIG), Timeline()
    timeline.follow(trainer)
    train_following(trainer, timeline, 5)
    straight = Trainer(dataset, CONFIG)
    for epoch in range(6):
        assert np.array_equal(timeline.nearest(epoch).params, straight.model.params.data)
        assert timeline.nearest(epoch).epoch == epoch
        if epoch < 5:
            straight.step(1)


def test_follow_starts_over_on_reset_and_rebuild_only(dataset):
    trainer, timeline = Trainer(dataset, CONFIG), Timeline()
    timeline.follow(trainer)
    train_following(trainer, timeline, 6)
    assert timeline.follow(trainer) is False  # nothing happened since
    trainer.set_config(trainer.config.replace(lr=0.01))  # a hyperparameter: same network
    assert timeline.follow(trainer) is False and len(timeline) == 7

    trainer.set_config(trainer.config.replace(hidden=(5,)))  # a rebuild
    assert timeline.follow(trainer) is True
    assert timeline.epochs.tolist() == [0]
    rebuilt = Trainer(dataset, trainer.config)
    assert np.array_equal(timeline.nearest(0).params, rebuilt.model.params.data)

    train_following(trainer, timeline, 3)
    trainer.reset()
    assert timeline.follow(trainer) is True and timeline.epochs.tolist() == [0]


def test_follow_a_loaded_trainer_starts_at_its_initial_weights(dataset):
    loaded = Trainer(dataset, CONFIG)
    loaded.step(7)  # as if loaded from a file: trained, with no timeline of its own
    timeline = Timeline()
    timeline.follow(loaded)
    assert timeline.epochs.tolist() == [0, 7]
    fresh = Trainer(dataset, CONFIG)
    assert np.array_equal(timeline.nearest(0).params, fresh.model.params.data)
    assert np.array_equal(initial_snapshot(loaded).params, fresh.model.params.data)
    assert np.array_equal(timeline.nearest(7).params, loaded.model.params.data)
    # Continuing from epoch 0 is the same as training from scratch.
    loaded.restore(timeline.nearest(0))
    timeline.follow(loaded)
    loaded.step(3)
    fresh.step(3)
    assert_same_state(loaded, fresh)


def test_epoch_stats_reads_the_history_row(dataset):
    trainer = Trainer(dataset, CONFIG)
    trainer.step(4)
    third = epoch_stats(trainer.history, 3)
    assert third.epoch == 3
    assert third.train_loss == trainer.history.array("train_loss")[2]
    assert np.array_equal(third.grad_norms, trainer.history.array("grad_norms")[2])
    last = trainer.last_stats()
    fourth = epoch_stats(trainer.history, 4)
    assert (fourth.train_loss, fourth.test_metric, fourth.lr) == (last.train_loss, last.test_metric, last.lr)
    assert np.array_equal(fourth.weight_norms, last.weight_norms)
    start = epoch_stats(trainer.history, 0)
    assert start.epoch == 0 and math.isnan(start.train_loss)
    assert start.grad_norms.shape == (3,) and np.all(np.isnan(start.grad_norms))
