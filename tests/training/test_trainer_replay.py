"""The trainer replays its recorded mini-batch graph and trains exactly as when it builds every step."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data import make_dataset
from playground.engine import RecordedSteps, Replay
from playground.training import Trainer, TrainingConfig

COLUMNS = ("train_loss", "test_loss", "train_metric", "test_metric", "grad_norms", "bias_grad_norms", "weight_norms")


class _NeverReplay(RecordedSteps):
    """Records nothing, so every step builds its graph afresh: the reference."""

    def record(self, root, feeds):  # type: ignore[no-untyped-def]
        return None


def _building(trainer: Trainer) -> Trainer:
    trainer._recorded = _NeverReplay()
    trainer._evaluations = _NeverReplay()  # the test set's evaluation too
    return trainer


def _pair(dataset, **fields) -> tuple[Trainer, Trainer]:
    config = TrainingConfig(**fields)
    return Trainer(dataset, config), _building(Trainer(dataset, config))


def _assert_same(replaying: Trainer, building: Trainer) -> None:
    assert replaying.model.params.data.tobytes() == building.model.params.data.tobytes()
    assert replaying.model.params.grad.tobytes() == building.model.params.grad.tobytes()
    for name in COLUMNS:
        assert replaying.history.array(name).tobytes() == building.history.array(name).tobytes(), name


@pytest.fixture
def replays(monkeypatch):
    """Counts the replayed mini-batches."""
    calls = []
    original = Replay.recompute

    def counting(self):
        calls.append(self.feeds[0].shape)
        return original(self)

    monkeypatch.setattr(Replay, "recompute", counting)
    return calls


SESSIONS = {
    "playground_defaults": (("spiral", {}), dict(hidden=(4, 2), activation="tanh", optimizer="sgd", batch_size=10)),
    "relu_l1_last_batch_short": (("xor", {}), dict(hidden=(6, 6), activation="relu", batch_size=7, l1=0.003)),
    "sigmoid_l2_momentum": (("circle", {}), dict(hidden=(5,), activation="sigmoid", optimizer="momentum", l2=0.01)),
    "residual_softmax": (
        ("blobs", {"classes": 4}),
        dict(hidden=(5, 5, 5), activation="tanh", residual=(False, True, True), batch_size=16),
    ),
    "regression_float32": (("plane", {}), dict(hidden=(8,), activation="leaky_relu", dtype="float32", batch_size=9)),
    "full_batch": (("moons", {}), dict(hidden=(4,), activation="tanh", batch_size=1000)),
}


@pytest.mark.parametrize("name", SESSIONS)
def test_replaying_trains_bit_for_bit_as_building_every_step(name, replays):
    (dataset, extra), fields = SESSIONS[name]
    data = make_dataset(dataset, n=120, noise=0.1, seed=3, test_fraction=0.25, **extra)
    replaying, building = _pair(data, seed=5, lr=0.05, **fields)
    for _ in range(4):
        replaying.step(3)
        count = len(replays)
        building.step(3)
        assert len(replays) == count  # the reference never replays
    assert replays, "the trainer never replayed a step"
    _assert_same(replaying, building)


def test_a_hand_edit_and_an_architecture_change_are_replayed_correctly(replays):
    data = make_dataset("spiral", n=100, noise=0.1, seed=0, test_fraction=0.2)
    replaying, building = _pair(data, hidden=(4, 2), batch_size=10, seed=1)
    for trainer in (replaying, building):
        trainer.step(2)
        trainer.set_parameter(1, "weight", (3, 1), 2.5)
        trainer.set_parameter(0, "bias", 2, -1.0)
        trainer.step(2)
    _assert_same(replaying, building)
    before = len(replays)
    for trainer in (replaying, building):
        trainer.set_config(trainer.config.replace(hidden=(3, 3), activation="relu", l2=0.001))
    _building(building)  # the rebuilt network gets new recordings: keep the reference building
    for trainer in (replaying, building):
        trainer.step(3)
    assert len(replays) > before
    assert replaying.model.sizes == [2, 3, 3, 1]
    _assert_same(replaying, building)


def test_dropout_always_builds_the_graph(replays):
    data = make_dataset("xor", n=80, noise=0.1, seed=0)
    trainer = Trainer(data, TrainingConfig(hidden=(4,), dropout=0.3, batch_size=10))
    trainer.step(2)
    assert replays == [] and len(trainer._recorded) == 0


def test_a_swapped_model_is_never_trained_through_the_old_recording():
    data = make_dataset("xor", n=60, noise=0.1, seed=0)
    trainer = Trainer(data, TrainingConfig(hidden=(4,), batch_size=10))
    trainer.step(1)
    old = trainer.model
    twin = Trainer(data, TrainingConfig(hidden=(4,), batch_size=10))
    trainer.model = twin.model  # as a caller might swap networks
    trainer.optimizer = twin.optimizer
    before = old.params.data.copy()
    trainer.step(1)
    np.testing.assert_array_equal(old.params.data, before)
    assert not np.array_equal(twin.model.params.data, Trainer(data, TrainingConfig(hidden=(4,))).model.params.data)


def _fresh_evaluation(trainer: Trainer) -> tuple[float, float]:
    """The test set's loss and metric from a graph built afresh without recording (the reference)."""
    from playground.engine import Tensor, no_grad

    F, y = trainer._F_test, trainer._y_test
    with no_grad():
        logits = trainer.model(Tensor(F))
        loss = trainer.head.loss(logits, y)
    return float(loss.data), trainer._finish_metric(trainer._metric_sum(logits.data, y), len(F))


@pytest.mark.parametrize("name", ["playground_defaults", "residual_softmax", "regression_float32"])
def test_the_test_set_evaluation_replays_and_matches_a_fresh_one(name, replays):
    (dataset, extra), fields = SESSIONS[name]
    data = make_dataset(dataset, n=120, noise=0.1, seed=3, test_fraction=0.25, **extra)
    trainer = Trainer(data, TrainingConfig(seed=5, lr=0.05, **fields))
    n_test = len(trainer._F_test)
    for _ in range(3):
        trainer.step(2)
        stats = trainer.last_stats()
        assert np.float64(stats.test_loss).tobytes() == np.float64(_fresh_evaluation(trainer)[0]).tobytes()
        assert stats.test_metric == _fresh_evaluation(trainer)[1]
    assert replays.count((n_test, trainer._F_test.shape[1])) >= 5  # recorded once, then replayed
    # A hand edit is read by the replay (the weights change in place) ...
    trainer.set_parameter(0, "bias", 0, 3.0)
    assert trainer._evaluate(trainer._F_test, trainer._y_test) == _fresh_evaluation(trainer)
    # ... and a test set of another size is recorded anew.
    keep = np.ones(data.n, dtype=bool)
    keep[np.flatnonzero(data.is_test)[:3]] = False
    trainer.set_dataset(data.with_points(data.X[keep], data.y[keep], data.is_test[keep]))
    assert len(trainer._F_test) == n_test - 3
    trainer.step(2)
    assert replays.count((n_test - 3, trainer._F_test.shape[1])) == 1  # recorded, then replayed once
    assert trainer.last_stats().test_loss == _fresh_evaluation(trainer)[0]


def test_a_large_test_set_is_evaluated_without_a_recording():
    from playground.training import trainer as trainer_module

    data = make_dataset("spiral", n=200, noise=0.1, seed=0, test_fraction=0.5)
    config = TrainingConfig(hidden=(4,), batch_size=50, seed=0)
    small_limit = trainer_module.EVALUATION_REPLAY_POINTS
    trainer = Trainer(data, config)
    trainer.step(2)
    assert len(trainer._evaluations) == 1
    try:
        trainer_module.EVALUATION_REPLAY_POINTS = 50  # the test set's 100 points are "large"
        large = Trainer(data, config)
        large.step(2)
    finally:
        trainer_module.EVALUATION_REPLAY_POINTS = small_limit
    assert len(large._evaluations) == 0
    assert large.history.array("test_loss").tobytes() == trainer.history.array("test_loss").tobytes()
