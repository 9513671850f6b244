"""Whole-trainer capture and restore (undo of a configuration change) and hand edits of
one weight or bias (``Trainer.set_parameter``)."""

from __future__ import annotations

import numpy as np
import pytest
from test_epoch_steps import WINDOW_CONFIG, assert_same, fingerprint

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.trainer import TrainerState


@pytest.fixture(scope="module")
def spiral():
    return make_dataset("spiral", n=300, noise=0.1, seed=0, test_fraction=0.3)


# ------------------------------------------------------------------ capture
@pytest.mark.parametrize(
    "change",
    [
        dict(hidden=(8,)),  # architecture: the network is rebuilt
        dict(activation="relu", init="he"),
        dict(lr=0.2),  # hyperparameter: weights kept, optimiser too
        dict(optimizer="sgd"),  # a fresh optimiser
        dict(standardize=False, features=("x1", "x2", "x1*x2")),
    ],
)
def test_restoring_a_capture_continues_as_if_nothing_had_changed(spiral, change):
    cfg = WINDOW_CONFIG.replace(dropout=0.1, patience=50, standardize=True)
    tr, twin = Trainer(spiral, cfg), Trainer(spiral, cfg)
    tr.step(20)
    twin.step(20)
    state = tr.capture()
    tr.set_config(tr.config.replace(**change))
    tr.step(5)
    tr.restore_state(state)
    assert tr.config == cfg and tr.epoch == 20 and len(tr.history) == 20
    assert tr.standardizer == twin.standardizer
    assert_same(fingerprint(tr), fingerprint(twin))
    tr.step(10)
    twin.step(10)
    assert_same(fingerprint(tr), fingerprint(twin))
    np.testing.assert_array_equal(tr.predict(spiral.X), twin.predict(spiral.X))


def test_a_state_can_be_restored_again_and_shares_nothing_with_the_trainer(spiral):
    tr = Trainer(spiral, WINDOW_CONFIG)
    tr.step(5)
    state = tr.capture()
    expected = fingerprint(tr)
    tr.step(3)  # training on does not reach into the state
    tr.restore_state(state)
    tr.model.params.data[:] = 0.0  # nor does writing into the restored trainer
    tr.history.truncate(0)
    tr.restore_state(state)
    assert_same(fingerprint(tr), expected)
    with pytest.raises(ValueError, match="read-only"):
        state.params[0] = 1.0
    assert state.history is not tr.history


def test_the_status_divergence_and_notice_come_back(spiral):
    tr = Trainer(spiral, WINDOW_CONFIG.replace(activation="linear", optimizer="sgd", lr=100.0))
    assert tr.step(1).status == "diverged"
    state = tr.capture()
    tr.set_config(WINDOW_CONFIG)
    assert tr.notice.startswith("network rebuilt") and tr.divergence is None
    tr.restore_state(state)
    assert tr.status == "diverged" and tr.divergence == state.divergence and tr.divergence.epoch == 1
    assert tr.notice == ""


def test_a_state_for_another_task_is_refused_and_nothing_changes(spiral):
    tr = Trainer(spiral, WINDOW_CONFIG)
    tr.step(2)
    state = tr.capture()
    tr.set_dataset(make_dataset("blobs", n=90, noise=0.1, seed=0, classes=3))
    before = fingerprint(tr)
    with pytest.raises(ValueError, match="for classification with 2 classes, the dataset is classification with 3"):
        tr.restore_state(state)
    assert_same(fingerprint(tr), before)
    with pytest.raises(TypeError, match="TrainerState"):
        tr.restore_state(tr.snapshot())  # type: ignore[arg-type]
    assert isinstance(state, TrainerState)


# ------------------------------------------------------------- hand edits
def small_trainer() -> Trainer:
    data = make_dataset("xor", n=40, noise=0.1, seed=2, test_fraction=0.25)
    return Trainer(
        data, TrainingConfig(hidden=(3,), activation="tanh", optimizer="adam", lr=0.05, batch_size=8, seed=1)
    )


def by_hand(tr: Trainer, X: np.ndarray) -> np.ndarray:
    """The network's class probabilities written out in numpy, from its current weights."""
    (W1, b1), (W2, b2) = [(layer.W.data, layer.b.data) for layer in tr.model.layers]
    z = np.tanh(X @ W1 + b1) @ W2 + b2
    p = 0.5 + 0.5 * np.tanh(0.5 * z)  # the sigmoid head's form
    return np.concatenate([1.0 - p, p], axis=1)


def test_an_edited_weight_and_bias_change_predict_as_computed_by_hand():
    tr = small_trainer()
    tr.step(3)
    X = tr.dataset.X
    params_before = tr.model.params.data.copy()
    old_weight = tr.model.layers[0].W.data[1, 2]
    assert tr.set_parameter(0, "weight", (1, 2), 0.75) == old_weight
    old_bias = tr.model.layers[1].b.data[0]
    assert tr.set_parameter(1, "bias", 0, -0.5) == old_bias
    assert tr.model.layers[0].W.data[1, 2] == 0.75 and tr.model.layers[1].b.data[0] == -0.5
    changed = np.flatnonzero(tr.model.params.data != params_before)
    assert len(changed) == 2  # exactly those two numbers, in the buffer the optimiser updates
    np.testing.assert_array_equal(tr.predict(X), by_hand(tr, X))
    # By hand from the old weights with only those two replaced: the same probabilities.
    W1 = params_before[:6].reshape(2, 3).copy()
    W1[1, 2] = 0.75
    b1 = params_before[6:9]
    W2, b2 = params_before[9:12].reshape(3, 1), np.array([-0.5])
    p = 0.5 + 0.5 * np.tanh(0.5 * (np.tanh(X @ W1 + b1) @ W2 + b2))
    np.testing.assert_array_equal(tr.predict(X)[:, 1], p[:, 0])
    assert tr.epoch == 3 and len(tr.history) == 3


def test_training_continues_from_the_edited_weight():
    tr, twin = small_trainer(), small_trainer()
    tr.step(2)
    twin.step(2)
    tr.set_parameter(0, "weight", (0, 0), 2.0)
    twin.model.layers[0].W.data[0, 0] = 2.0
    tr.step(2)
    twin.step(2)
    assert_same(fingerprint(tr), fingerprint(twin))


@pytest.mark.parametrize(
    "layer, kind, index, value, message",
    [
        (
            2,
            "weight",
            (0, 0),
            1.0,
            r"layer must be a whole number in 0\.\.1 \(0 = first hidden layer, 1 = output\), got 2",
        ),
        (-1, "bias", 0, 1.0, "layer must be a whole number in 0..1"),
        (True, "bias", 0, 1.0, "layer must be a whole number"),
        (0.0, "bias", 0, 1.0, "layer must be a whole number"),
        (0, "weights", (0, 0), 1.0, "kind must be 'weight' or 'bias', got 'weights'"),
        (0, "weight", (2, 0), 1.0, r"index i must be a whole number in 0\.\.1 for layer 0, got 2"),
        (0, "weight", (0, 3), 1.0, r"index j must be a whole number in 0\.\.2 for layer 0, got 3"),
        (1, "weight", (0, 1), 1.0, r"index j must be a whole number in 0\.\.0 for layer 1, got 1"),
        (0, "weight", (0, 1.0), 1.0, "index j must be a whole number"),
        (0, "weight", 0, 1.0, r"a weight's index is a pair \(i, j\), got 0"),
        (0, "bias", 3, 1.0, r"index j must be a whole number in 0\.\.2 for layer 0, got 3"),
        (0, "bias", (0,), 1.0, "index j must be a whole number"),
        (0, "bias", 0, float("nan"), "value must be a finite float64 number, got nan"),
        (0, "bias", 0, float("inf"), "value must be a finite float64 number, got inf"),
        (0, "bias", 0, 10**400, "value must be a finite float64 number, got 1e400"),
        (0, "bias", 0, "1", "value must be a number"),
        (0, "bias", 0, True, "value must be a number"),
    ],
)
def test_bad_edits_are_refused_by_name_and_change_nothing(layer, kind, index, value, message):
    tr = small_trainer()
    tr.step(1)
    before = fingerprint(tr)
    with pytest.raises(ValueError, match=f"set_parameter: {message}"):
        tr.set_parameter(layer, kind, index, value)
    assert_same(fingerprint(tr), before)


def test_a_value_a_float32_network_cannot_hold_is_refused():
    data = make_dataset("xor", n=40, noise=0.1, seed=2)
    tr = Trainer(data, TrainingConfig(hidden=(3,), dtype="float32"))
    with pytest.raises(ValueError, match="finite float32 number, got 1e39"):
        tr.set_parameter(0, "bias", 1, 1e39)
    tr.set_parameter(0, "bias", 1, np.float64(0.1))
    assert tr.model.layers[0].b.data[1] == np.float32(0.1)
    assert tr.model.params.data.dtype == np.float32
