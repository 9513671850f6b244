"""Trainer: epochs, stats and history, live changes, probes, divergence, stop rules, snapshots."""

from __future__ import annotations

import math

import numpy as np
import pytest
from step_reference import COLUMNS as HISTORY_COLUMNS

from playground import nn
from playground.data import DOMAIN, AddPoints, Dataset, make_dataset
from playground.engine import Tensor
from playground.training import EpochStats, Probe, Snapshot, Trainer, TrainingConfig, grid_points


# ------------------------------------------------------------------ helpers
def xor_data(n: int = 60, seed: int = 0, test_fraction: float = 0.25) -> Dataset:
    return make_dataset("xor", n=n, noise=0.1, seed=seed, test_fraction=test_fraction)


def small_config(**changes) -> TrainingConfig:
    base = dict(hidden=(6, 4), activation="tanh", optimizer="adam", lr=0.05, batch_size=8, seed=3)
    base.update(changes)
    return TrainingConfig(**base)


def weights(tr: Trainer) -> np.ndarray:
    return tr.model.params.data.copy()


def history_table(tr: Trainer) -> dict[str, np.ndarray]:
    return {name: tr.history.array(name).copy() for name in HISTORY_COLUMNS}


def assert_same_history(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)  # NaN == NaN here


def n_layers(tr: Trainer) -> int:
    return len(tr.model.layers)


def np_activation(name: str, z: np.ndarray) -> np.ndarray:
    return {
        "tanh": np.tanh,
        "relu": lambda v: np.maximum(v, 0.0),
        "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
        "leaky_relu": lambda v: np.where(v > 0, v, 0.01 * v),
        "linear": lambda v: v,
    }[name](z)


# ------------------------------------------------------------------ construction
def test_constructor_checks_its_arguments():
    ds = xor_data()
    with pytest.raises(TypeError, match="Dataset"):
        Trainer(ds.X, small_config())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="TrainingConfig"):
        Trainer(ds, {"lr": 0.1})  # type: ignore[arg-type]
    tr = Trainer(ds)
    assert tr.config == TrainingConfig() and tr.epoch == 0 and len(tr.history) == 0
    assert tr.status == "ok"
    assert tr.model.sizes == [2, 8, 8, 1]


@pytest.mark.parametrize("epochs", [0, -1, 1.0, True, "3", None])
def test_step_rejects_bad_epoch_counts(epochs):
    tr = Trainer(xor_data(), small_config())
    with pytest.raises(ValueError, match="epochs"):
        tr.step(epochs)  # type: ignore[arg-type]
    assert tr.epoch == 0


# ------------------------------------------------------------------ stats and history
def test_step_returns_stats_of_each_epoch():
    ds = xor_data()
    tr = Trainer(ds, small_config())
    layers = n_layers(tr)
    assert layers == 3
    seen = []
    for expected_epoch in range(1, 6):
        stats = tr.step()
        assert isinstance(stats, EpochStats)
        assert stats.epoch == expected_epoch == tr.epoch
        assert stats.status == "ok" and stats.message == ""
        assert math.isfinite(stats.train_loss) and stats.train_loss > 0
        assert math.isfinite(stats.test_loss) and stats.test_loss > 0
        assert 0.0 <= stats.train_metric <= 1.0 and 0.0 <= stats.test_metric <= 1.0
        # Accuracy is a whole number of correct points out of 45 training and 15 test points.
        assert stats.train_metric * 45 == pytest.approx(round(stats.train_metric * 45))
        assert stats.test_metric * 15 == pytest.approx(round(stats.test_metric * 15))
        assert stats.lr == 0.05
        assert stats.grad_norms.shape == stats.bias_grad_norms.shape == stats.weight_norms.shape == (layers,)
        assert np.all(np.isfinite(stats.grad_norms)) and np.all(stats.grad_norms > 0)
        np.testing.assert_allclose(
            stats.weight_norms, [np.linalg.norm(layer.W.data) for layer in tr.model.layers], rtol=1e-12
        )
        seen.append(stats)

    # The history holds one row per epoch, equal to the stats returned.
    assert len(tr.history) == 5
    np.testing.assert_array_equal(tr.history.array("epoch"), [1, 2, 3, 4, 5])
    for name in ("train_loss", "test_loss", "train_metric", "test_metric", "lr"):
        assert tr.history.array(name).shape == (5,)
        np.testing.assert_array_equal(tr.history.array(name), [getattr(s, name) for s in seen])
    for name in ("grad_norms", "bias_grad_norms", "weight_norms"):
        assert tr.history.array(name).shape == (5, layers)
        np.testing.assert_array_equal(tr.history.array(name), np.stack([getattr(s, name) for s in seen]))
    # last_stats reads the same numbers back.
    last = tr.last_stats()
    assert last.epoch == 5 and last.train_loss == seen[-1].train_loss
    np.testing.assert_array_equal(last.grad_norms, seen[-1].grad_norms)


def test_step_n_epochs_returns_the_last_and_records_all():
    tr = Trainer(xor_data(), small_config())
    stats = tr.step(7)
    assert stats.epoch == 7 and len(tr.history) == 7
    assert stats.train_loss == tr.history.array("train_loss")[-1]


def test_history_arrays_are_read_only_views():
    tr = Trainer(xor_data(), small_config())
    tr.step(2)
    with pytest.raises(ValueError):
        tr.history.array("train_loss")[0] = 0.0
    with pytest.raises(KeyError, match="no column"):
        tr.history.array("accuracy")


def test_history_grows_beyond_its_first_capacity():
    ds = make_dataset("linear", n=20, seed=0)
    tr = Trainer(ds, TrainingConfig(hidden=(), batch_size=100, optimizer="sgd", lr=0.01))
    tr.step(300)  # initial capacity is 256 rows
    assert len(tr.history) == 300
    np.testing.assert_array_equal(tr.history.array("epoch"), np.arange(1, 301))
    assert np.all(np.isfinite(tr.history.array("train_loss")))


def test_before_the_first_epoch_last_stats_are_nan():
    tr = Trainer(xor_data(), small_config())
    stats = tr.last_stats()
    assert stats.epoch == 0 and math.isnan(stats.train_loss)
    assert stats.weight_norms.shape == (3,) and np.all(stats.weight_norms > 0)


def test_regression_metric_is_rmse_and_no_test_points_give_nan():
    ds = make_dataset("plane", n=50, noise=0.0, seed=1)  # no test points
    tr = Trainer(ds, small_config(hidden=(4,)))
    stats = tr.step()
    assert math.isnan(stats.test_loss) and math.isnan(stats.test_metric)
    # The loss is the mean squared error over the epoch's batches, the metric its root.
    assert stats.train_metric == pytest.approx(math.sqrt(stats.train_loss), rel=1e-9)
    tr.step(100)
    later = tr.last_stats()
    assert later.train_metric < 0.5 * stats.train_metric
    # Full batch: the epoch's RMSE is that of the weights the epoch started from.
    full = Trainer(ds, small_config(hidden=(4,), batch_size=50))
    rmse = float(np.sqrt(np.mean((full.predict(ds.X) - ds.y) ** 2)))
    assert full.step().train_metric == pytest.approx(rmse, rel=1e-12)


def test_epoch_loss_is_the_mean_over_training_points_for_full_batch():
    ds = xor_data()
    tr = Trainer(ds, small_config(batch_size=10_000, optimizer="sgd", lr=0.1))
    before = tr.predict(ds.X_train)[:, 1]
    y = ds.y_train
    expected = -np.mean(y * np.log(before) + (1 - y) * np.log(1 - before))
    stats = tr.step()
    # Full batch: the epoch's loss is the loss at the weights the epoch started from.
    assert stats.train_loss == pytest.approx(expected, rel=1e-10)
    accuracy_before = np.mean((before > 0.5) == (y == 1))
    assert stats.train_metric == pytest.approx(accuracy_before)


def test_full_batch_is_one_gradient_step_per_epoch():
    ds = xor_data()
    cfg = small_config(optimizer="sgd", lr=0.3, batch_size=len(ds.X_train))
    tr = Trainer(ds, cfg)
    reference = Trainer(ds, cfg)

    # The gradient of the mean training loss at the initial weights, computed independently.
    F = reference.features(ds.X_train)
    reference.model.zero_grad()
    loss = reference.head.loss(reference.model(Tensor(F)), ds.y_train.astype(np.float64))
    loss.backward()
    grad = reference.model.params.grad.copy()
    expected = reference.model.params.data - 0.3 * grad

    rng_before = tr.rng.bit_generator.state
    stats = tr.step()
    np.testing.assert_allclose(tr.model.params.data, expected, rtol=1e-12, atol=1e-15)
    assert tr.optimizer.steps == 1
    assert stats.train_loss == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(stats.grad_norms, reference.model.grad_norms()[:, 0], rtol=1e-12)
    # Full batch needs no shuffling: the random stream is untouched.
    assert tr.rng.bit_generator.state == rng_before
    # A batch size beyond the number of points is the same full batch.
    bigger = Trainer(ds, cfg.replace(batch_size=1_000_000))
    bigger.step()
    np.testing.assert_array_equal(bigger.model.params.data, tr.model.params.data)


def test_mini_batches_make_several_steps_per_epoch():
    ds = xor_data()  # 45 training points
    assert len(ds.X_train) == 45
    tr = Trainer(ds, small_config(batch_size=10))
    tr.step()
    assert tr.optimizer.steps == 5  # 10 + 10 + 10 + 10 + 5
    tr.step(2)
    assert tr.optimizer.steps == 15
    full = Trainer(ds, small_config(batch_size=45))
    full.step(3)
    assert full.optimizer.steps == 3
    assert not np.array_equal(full.model.params.data, tr.model.params.data)
    one = Trainer(ds, small_config(batch_size=1))
    one.step()
    assert one.optimizer.steps == 45


def test_training_uses_only_training_points():
    ds = make_dataset("gaussians", n=80, noise=0.2, seed=4, test_fraction=0.25)
    y = ds.y.copy()
    y[ds.is_test] = 1 - y[ds.is_test]  # the test points lie about their class
    adversarial = Dataset(ds.X, y, "classification", ds.is_test)
    cfg = small_config(dropout=0.1)  # mini-batches, Adam and dropout: every random draw involved
    a, b = Trainer(ds, cfg), Trainer(adversarial, cfg)
    a.step(15)
    b.step(15)
    np.testing.assert_array_equal(a.model.params.data, b.model.params.data)
    np.testing.assert_array_equal(a.history.array("train_loss"), b.history.array("train_loss"))
    np.testing.assert_array_equal(a.history.array("grad_norms"), b.history.array("grad_norms"))
    # Only the test numbers tell the datasets apart.
    assert a.last_stats().test_metric > 0.9 > 0.1 > b.last_stats().test_metric
    np.testing.assert_allclose(a.last_stats().test_metric + b.last_stats().test_metric, 1.0)


# ------------------------------------------------------------------ determinism
def test_same_seed_gives_identical_runs():
    ds = xor_data()
    cfg = small_config(dropout=0.1)
    a, b = Trainer(ds, cfg), Trainer(ds, cfg)
    np.testing.assert_array_equal(a.model.params.data, b.model.params.data)
    a.step(12)
    for _ in range(12):
        b.step()  # one epoch at a time is the same as twelve at once
    np.testing.assert_array_equal(a.model.params.data, b.model.params.data)
    assert_same_history(history_table(a), history_table(b))


def test_different_seed_gives_different_runs():
    ds = xor_data()
    a, b = Trainer(ds, small_config(seed=1)), Trainer(ds, small_config(seed=2))
    assert not np.array_equal(a.model.params.data, b.model.params.data)
    a.step(5)
    b.step(5)
    assert not np.array_equal(a.model.params.data, b.model.params.data)
    assert not np.array_equal(a.history.array("train_loss"), b.history.array("train_loss"))


# ------------------------------------------------------------------ live changes
def test_new_learning_rate_keeps_weights_and_applies_next_epoch():
    ds = xor_data()
    tr = Trainer(ds, small_config(optimizer="sgd", lr=0.05))
    tr.step(4)
    before, history = weights(tr), history_table(tr)
    tr.set_config(tr.config.replace(lr=0.5))
    np.testing.assert_array_equal(tr.model.params.data, before)
    assert tr.epoch == 4 and tr.config.lr == 0.5
    assert_same_history(history_table(tr), history)
    stats = tr.step()
    assert stats.epoch == 5 and stats.lr == 0.5 and stats.message == ""
    np.testing.assert_array_equal(tr.history.array("lr"), [0.05] * 4 + [0.5])
    # The new rate is really used: the same step with the old rate differs.
    other = Trainer(ds, small_config(optimizer="sgd", lr=0.05))
    other.step(5)
    np.testing.assert_array_equal(other.history.array("train_loss")[:4], history["train_loss"])
    assert not np.array_equal(other.model.params.data, tr.model.params.data)


@pytest.mark.parametrize(
    "new",
    [
        {"optimizer": "sgd"},
        {"optimizer": "momentum", "momentum": 0.5},
        {"optimizer": "nesterov"},
        {"batch_size": 3},
        {"l2": 0.01},
        {"dropout": 0.2},
        {"weight_decay": 0.01},
        {"schedule": "exponential"},
    ],
)
def test_hyperparameter_changes_keep_weights(new):
    tr = Trainer(xor_data(), small_config())
    tr.step(3)
    before = weights(tr)
    tr.set_config(tr.config.replace(**new))
    np.testing.assert_array_equal(tr.model.params.data, before)
    assert tr.epoch == 3 and len(tr.history) == 3
    if "optimizer" in new:
        assert isinstance(tr.optimizer, nn.SGD)
        assert tr.optimizer.momentum == (new.get("momentum", 0.9) if new["optimizer"] != "sgd" else 0.0)
        assert tr.optimizer.nesterov == (new["optimizer"] == "nesterov")
    stats = tr.step()
    assert stats.epoch == 4 and stats.status == "ok" and "rebuilt" not in stats.message


def test_momentum_change_reaches_the_optimiser():
    tr = Trainer(xor_data(), small_config(optimizer="momentum", momentum=0.9))
    tr.step()
    tr.set_config(tr.config.replace(momentum=0.3))
    assert tr.optimizer.momentum == 0.3
    tr.set_config(tr.config.replace(optimizer="adam", lr=0.01))
    assert isinstance(tr.optimizer, nn.Adam) and tr.optimizer.lr == 0.01 and tr.optimizer.steps == 0


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"hidden": (5,)}, "hidden"),
        ({"activation": "relu"}, "activation"),
        ({"features": ("x1", "x2", "x1*x2")}, "features"),
        ({"init": "he"}, "init"),
        ({"seed": 11}, "seed"),
        ({"standardize": True}, "standardize"),
        ({"dtype": "float32"}, "dtype"),
    ],
)
def test_architecture_change_rebuilds_and_says_so(changes, field):
    ds = xor_data()
    tr = Trainer(ds, small_config())
    tr.step(4)
    old = weights(tr)
    new_cfg = tr.config.replace(**changes)
    tr.set_config(new_cfg)
    assert tr.epoch == 0 and len(tr.history) == 0 and tr.status == "ok"
    fresh = Trainer(ds, new_cfg)
    np.testing.assert_array_equal(tr.model.params.data, fresh.model.params.data)
    assert tr.model.params.data.dtype == np.dtype(new_cfg.dtype)
    if old.shape == tr.model.params.data.shape:
        assert not np.array_equal(old, tr.model.params.data)
    stats = tr.step()
    assert stats.epoch == 1 and stats.status == "ok"
    assert "rebuilt" in stats.message and field in stats.message
    # The note is said once.
    assert tr.step().message == ""
    # And the rebuilt run is exactly a fresh run.
    fresh.step(2)
    np.testing.assert_array_equal(tr.model.params.data, fresh.model.params.data)


def test_set_config_rejects_non_configs():
    tr = Trainer(xor_data(), small_config())
    with pytest.raises(TypeError):
        tr.set_config({"lr": 0.1})  # type: ignore[arg-type]


def test_set_dataset_with_an_extra_point_keeps_weights_and_uses_it():
    ds = xor_data()  # 45 training points
    tr = Trainer(ds, small_config(optimizer="sgd", batch_size=1, lr=0.01))
    tr.step(2)
    assert tr.optimizer.steps == 90
    before = weights(tr)
    bigger = AddPoints([[1.0, 1.0]], [1]).apply(ds)
    assert len(bigger.X_train) == 46
    tr.set_dataset(bigger)
    assert tr.dataset is bigger
    np.testing.assert_array_equal(tr.model.params.data, before)
    assert tr.epoch == 2 and len(tr.history) == 2
    stats = tr.step()
    assert tr.optimizer.steps == 90 + 46  # one step per training point, the new one included
    assert stats.epoch == 3 and stats.message == ""
    assert stats.train_metric * 46 == pytest.approx(round(stats.train_metric * 46))
    # Adding a test point adds no optimiser step.
    with_test = AddPoints([[-1.0, 1.0]], [0], [True]).apply(bigger)
    tr.set_dataset(with_test)
    tr.step()
    assert tr.optimizer.steps == 90 + 46 + 46


def test_set_dataset_with_other_classes_or_task_rebuilds():
    ds = xor_data()
    tr = Trainer(ds, small_config())
    tr.step(3)
    three = ds.with_classes(3)
    tr.set_dataset(three)
    assert tr.epoch == 0 and len(tr.history) == 0
    assert tr.head.name == "softmax" and tr.model.n_out == 3
    stats = tr.step()
    assert "rebuilt" in stats.message and "number of classes" in stats.message
    assert tr.predict(ds.X).shape == (ds.n, 3)

    regression = make_dataset("plane", n=30, seed=0)
    tr.set_dataset(regression)
    assert tr.head.name == "identity" and tr.model.n_out == 1 and tr.epoch == 0
    assert "task" in tr.step().message
    with pytest.raises(TypeError):
        tr.set_dataset(regression.X)  # type: ignore[arg-type]


def test_no_training_points_stops_with_a_message():
    ds = xor_data()
    only_test = Dataset(ds.X, ds.y, "classification", np.ones(ds.n, dtype=bool))
    tr = Trainer(only_test, small_config())
    stats = tr.step(3)
    assert stats.status == "stopped" and "no training points" in stats.message
    assert tr.epoch == 0 and len(tr.history) == 0
    empty = Dataset(np.zeros((0, 2)), np.zeros(0, dtype=int))
    assert Trainer(empty, small_config()).step().status == "stopped"


# ------------------------------------------------------------------ predict and probe
def test_predict_two_classes_gives_probability_pairs():
    ds = xor_data()
    tr = Trainer(ds, small_config())
    tr.step(3)
    p = tr.predict(ds.X)
    assert p.shape == (ds.n, 2) and p.dtype == np.float64
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    assert tr.predict(ds.X[:1]).shape == (1, 2)
    assert tr.predict(np.zeros((0, 2))).shape == (0, 2)
    with pytest.raises(ValueError, match="shape"):
        tr.predict(np.zeros((4, 3)))


def test_predict_k_classes_gives_k_probabilities():
    ds = make_dataset("blobs", n=60, noise=0.1, seed=0, classes=4)
    tr = Trainer(ds, small_config())
    tr.step(2)
    p = tr.predict(ds.X)
    assert p.shape == (60, 4)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(p > 0)


def test_predict_regression_gives_values():
    ds = make_dataset("bumps", n=40, seed=0)
    tr = Trainer(ds, small_config())
    tr.step(2)
    p = tr.predict(ds.X)
    assert p.shape == (40,) and np.all(np.isfinite(p))
    probe = tr.probe(ds.X)
    np.testing.assert_array_equal(probe.a[-1][:, 0], p)
    np.testing.assert_array_equal(probe.z[-1][:, 0], p)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", ("relu", "leaky_relu"), "linear"])
def test_probe_gives_every_layer_consistently(activation):
    ds = xor_data()
    cfg = small_config(activation=activation, features=("x1", "x2", "x1*x2"))
    tr = Trainer(ds, cfg)
    tr.step(3)
    probe = tr.probe(ds.X)
    assert isinstance(probe, Probe)
    layers = tr.model.layers
    assert len(probe.z) == len(probe.a) == len(layers) == 3
    assert probe.inputs.shape == (ds.n, 3)
    np.testing.assert_array_equal(probe.inputs, tr.features(ds.X))
    np.testing.assert_allclose(probe.inputs[:, 2], ds.X[:, 0] * ds.X[:, 1], rtol=1e-15)
    previous = probe.inputs
    for l, layer in enumerate(layers):
        assert probe.z[l].shape == (ds.n, layer.W.shape[1])
        np.testing.assert_allclose(probe.z[l], previous @ layer.W.data + layer.b.data, rtol=1e-12, atol=1e-14)
        previous = probe.a[l]
    for l, name in enumerate(cfg.activations):
        np.testing.assert_allclose(probe.a[l], np_activation(name, probe.z[l]), rtol=1e-12, atol=1e-15)
    # The output layer's a is the sigmoid probability of class 1.
    np.testing.assert_allclose(probe.a[-1][:, 0], 1.0 / (1.0 + np.exp(-probe.z[-1][:, 0])), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(probe.output, tr.predict(ds.X))
    np.testing.assert_array_equal(probe.output[:, 1], probe.a[-1][:, 0])


def test_probe_softmax_output_layer():
    ds = make_dataset("blobs", n=30, seed=0, classes=3)
    tr = Trainer(ds, small_config(hidden=(5,)))
    probe = tr.probe(ds.X)
    z = probe.z[-1]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(probe.a[-1], e / e.sum(axis=1, keepdims=True), rtol=1e-12)
    np.testing.assert_array_equal(probe.output, probe.a[-1])


def test_probe_of_logistic_regression_has_only_the_output_layer():
    ds = xor_data()
    tr = Trainer(ds, small_config(hidden=()))
    probe = tr.probe(ds.X)
    assert len(probe.z) == len(probe.a) == 1
    layer = tr.model.layers[0]
    np.testing.assert_allclose(probe.z[0], ds.X @ layer.W.data + layer.b.data, rtol=1e-12)


def test_grid_points_layout():
    points, axis = grid_points(4, (-6.0, 6.0))
    np.testing.assert_allclose(axis, [-4.5, -1.5, 1.5, 4.5])
    assert points.shape == (16, 2)
    # Row-major with x2 constant along a row: point i*4 + j is (axis[j], axis[i]).
    np.testing.assert_array_equal(points[:4, 1], [-4.5] * 4)
    np.testing.assert_array_equal(points[:4, 0], axis)
    np.testing.assert_array_equal(points[4 * 2 + 3], [axis[3], axis[2]])
    for bad in (1, 0, 2001, 3.0, True, "10"):
        with pytest.raises(ValueError, match="resolution"):
            grid_points(bad, (-6.0, 6.0))  # type: ignore[arg-type]


def test_probe_over_the_grid_has_image_shapes_and_orientation():
    ds = xor_data()
    tr = Trainer(ds, small_config())
    tr.step(20)
    points, axis = grid_points(100, DOMAIN)
    assert points.shape == (10_000, 2) and axis.shape == (100,)
    assert axis[0] == pytest.approx(DOMAIN[0] + 0.06) and axis[-1] == pytest.approx(DOMAIN[1] - 0.06)
    probe = tr.probe(points)
    assert probe.inputs.shape == (10_000, 2)
    assert [z.shape for z in probe.z] == [(10_000, 6), (10_000, 4), (10_000, 1)]
    assert [a.shape for a in probe.a] == [(10_000, 6), (10_000, 4), (10_000, 1)]
    assert probe.output.shape == (10_000, 2)
    image = probe.output[:, 1].reshape(100, 100)  # first index x2, second x1
    for i, j in [(0, 0), (0, 99), (99, 0), (13, 71), (87, 5)]:
        single = tr.predict(np.array([[axis[j], axis[i]]]))[0, 1]
        assert image[i, j] == pytest.approx(single, rel=1e-12)
    neuron = probe.a[0][:, 2].reshape(100, 100)  # every hidden unit's map from the same pass
    assert neuron[5, 60] == pytest.approx(tr.probe(np.array([[axis[60], axis[5]]])).a[0][0, 2], rel=1e-12)
    # The XOR-trained network says class 1 (x1*x2 > 0) in the first and third quadrants.
    assert image[90, 90] > 0.5 and image[10, 10] > 0.5 and image[10, 90] < 0.5 and image[90, 10] < 0.5


# ------------------------------------------------------------------ divergence
@pytest.mark.filterwarnings("error::RuntimeWarning")  # handled quietly: no numpy warning escapes
def test_huge_learning_rate_diverges_gracefully():
    ds = make_dataset("plane", n=60, noise=0.1, seed=0, test_fraction=0.25)
    tr = Trainer(ds, TrainingConfig(hidden=(8,), optimizer="sgd", lr=100.0, batch_size=10, seed=0))
    for _ in range(100):
        snap = tr.snapshot()
        stats = tr.step()
        if stats.status != "ok":
            break
    assert stats.status == "diverged" == tr.status
    assert "learning rate" in stats.message and "diverged" in stats.message
    # The weights are the last finite ones, from before the failed epoch; the epoch did not count.
    np.testing.assert_array_equal(tr.model.params.data, snap.params)
    assert np.all(np.isfinite(tr.model.params.data))
    assert tr.epoch == snap.epoch and len(tr.history) == snap.epoch
    assert stats.epoch == snap.epoch
    for key, value in tr.optimizer.state_dict().items():
        np.testing.assert_array_equal(value, snap.optimizer[key])
    # A lower learning rate continues from there.
    tr.set_config(tr.config.replace(lr=0.001))
    after = tr.step()
    assert after.status == "ok" and after.epoch == snap.epoch + 1


@pytest.mark.filterwarnings("error::RuntimeWarning")  # handled quietly: no numpy warning escapes
def test_overflowing_weights_diverge_in_the_first_batch():
    ds = make_dataset("plane", n=40, seed=0)
    tr = Trainer(ds, TrainingConfig(hidden=(4,), activation="linear", optimizer="adam", seed=0))
    # Finite weights (their norms too) whose prediction's square overflows: the loss is inf.
    for layer in tr.model.layers:
        layer.W.data[...] = 1e150
    before = tr.snapshot()
    stats = tr.step(5)
    assert stats.status == "diverged" and "learning rate" in stats.message
    assert "epoch 1" in stats.message
    np.testing.assert_array_equal(tr.model.params.data, before.params)
    assert tr.epoch == 0 and len(tr.history) == 0
    assert tr.optimizer.steps == 0


# ------------------------------------------------------------------ reset, stop rules
def test_reset_gives_the_initial_weights_again():
    ds = xor_data()
    cfg = small_config(dropout=0.1)
    tr = Trainer(ds, cfg)
    initial = weights(tr)
    tr.step(5)
    assert not np.array_equal(tr.model.params.data, initial)
    tr.reset()
    fresh = Trainer(ds, cfg)
    np.testing.assert_array_equal(tr.model.params.data, initial)
    np.testing.assert_array_equal(tr.model.params.data, fresh.model.params.data)
    assert tr.epoch == 0 and len(tr.history) == 0 and tr.optimizer.steps == 0
    tr.step(4)
    fresh.step(4)
    np.testing.assert_array_equal(tr.model.params.data, fresh.model.params.data)
    assert_same_history(history_table(tr), history_table(fresh))


def test_early_stopping_stops_after_patience_epochs_without_improvement():
    ds = make_dataset("gaussians", n=80, noise=0.0, seed=0, test_fraction=0.25)
    y = ds.y.copy()
    y[ds.is_test] = 1 - y[ds.is_test]  # learning the training points makes the test loss worse
    tr = Trainer(Dataset(ds.X, y, "classification", ds.is_test), small_config(hidden=(4,), patience=5))
    stats = tr.step(200)
    assert stats.status == "stopped" == tr.status
    assert "early stopping" in stats.message and "5 epochs" in stats.message
    test_loss = tr.history.array("test_loss")
    best = int(np.argmin(test_loss)) + 1
    assert tr.epoch == stats.epoch == best + 5 < 200
    assert np.all(test_loss[best:] >= test_loss[best - 1])


def test_max_epochs_stops_at_exactly_that_epoch():
    tr = Trainer(xor_data(), small_config(max_epochs=7))
    stats = tr.step(100)
    assert stats.epoch == tr.epoch == 7 and len(tr.history) == 7
    assert stats.status == "stopped" and "epoch limit" in stats.message and "7" in stats.message
    again = tr.step(3)
    assert again.status == "stopped" and tr.epoch == 7 and len(tr.history) == 7
    # Raising the limit lets training go on with the same weights.
    tr.set_config(tr.config.replace(max_epochs=9))
    assert tr.step(100).epoch == 9


def test_learning_rate_schedule_shows_in_the_stats():
    tr = Trainer(
        xor_data(), small_config(optimizer="sgd", lr=0.4, schedule="step", schedule_gamma=0.5, schedule_every=2)
    )
    tr.step(5)
    np.testing.assert_allclose(tr.history.array("lr"), [0.4, 0.4, 0.2, 0.2, 0.1])


# ------------------------------------------------------------------ snapshots
def test_snapshot_restore_replays_exactly():
    ds = xor_data()
    tr = Trainer(ds, small_config(dropout=0.2, patience=1000))  # Adam state, shuffling, dropout masks
    tr.step(10)
    snap = tr.snapshot()
    assert isinstance(snap, Snapshot) and snap.epoch == 10
    first_history = history_table(tr)
    first_run = []
    for _ in range(10):
        tr.step()
        first_run.append(weights(tr))
    continued_history = history_table(tr)
    assert len(tr.history) == 20

    tr.restore(snap)
    assert tr.epoch == 10 and len(tr.history) == 10  # later history dropped
    assert_same_history(history_table(tr), first_history)
    np.testing.assert_array_equal(tr.model.params.data, snap.params)
    for epoch in range(10):
        tr.step()
        np.testing.assert_array_equal(tr.model.params.data, first_run[epoch])
    assert_same_history(history_table(tr), continued_history)


def test_snapshot_is_a_copy():
    tr = Trainer(xor_data(), small_config())
    tr.step(2)
    snap = tr.snapshot()
    saved = snap.params.copy()
    tr.step(2)
    np.testing.assert_array_equal(snap.params, saved)
    assert snap.optimizer["steps"] == 2 * 6  # 45 points in batches of 8: 6 steps an epoch


def test_restore_from_another_architecture_raises():
    ds = xor_data()
    other = Trainer(ds, small_config(hidden=(3,)))
    other.step()
    tr = Trainer(ds, small_config())
    tr.step(2)
    before = weights(tr)
    with pytest.raises(ValueError, match="parameters"):
        tr.restore(other.snapshot())
    np.testing.assert_array_equal(tr.model.params.data, before)
    assert tr.epoch == 2


def test_restore_beyond_the_history_raises():
    ds = xor_data()
    ahead = Trainer(ds, small_config())
    ahead.step(5)
    tr = Trainer(ds, small_config())
    tr.step(2)
    with pytest.raises(ValueError, match="beyond the history"):
        tr.restore(ahead.snapshot())
    assert tr.epoch == 2


# ------------------------------------------------------------------ regularisation, dropout
@pytest.mark.parametrize("penalty", [{"l2": 0.05}, {"weight_decay": 0.2}, {"l1": 0.01}])
def test_weight_penalties_shrink_the_weights(penalty):
    ds = xor_data()
    plain = Trainer(ds, small_config(optimizer="sgd", lr=0.1))
    shrunk = Trainer(ds, small_config(optimizer="sgd", lr=0.1, **penalty))
    plain.step(30)
    shrunk.step(30)
    a, b = plain.last_stats().weight_norms, shrunk.last_stats().weight_norms
    assert np.all(b < a), (a, b)
    assert np.linalg.norm(b) < 0.9 * np.linalg.norm(a)


def test_dropout_trains_and_predict_is_deterministic():
    ds = make_dataset("gaussians", n=80, noise=0.1, seed=2, test_fraction=0.25)
    cfg = small_config(dropout=0.3, hidden=(16,))
    tr = Trainer(ds, cfg)
    stats = tr.step(30)
    assert stats.status == "ok" and stats.train_metric >= 0.9 and stats.test_metric >= 0.9
    p1, p2 = tr.predict(ds.X), tr.predict(ds.X)
    np.testing.assert_array_equal(p1, p2)
    # No dropout at inference: the output is the plain forward pass of the weights.
    layer1, out = tr.model.layers
    hidden = np.tanh(ds.X @ layer1.W.data + layer1.b.data)
    z = hidden @ out.W.data + out.b.data
    np.testing.assert_allclose(p1[:, 1], 1 / (1 + np.exp(-z[:, 0])), rtol=1e-12, atol=1e-15)
    # Dropout changes the trajectory (it draws masks), so it is really on.
    without = Trainer(ds, cfg.replace(dropout=0.0))
    without.step(30)
    assert not np.array_equal(without.model.params.data, tr.model.params.data)


# ------------------------------------------------------------------ inputs and dtype
def test_standardize_gives_zero_mean_unit_std_on_training_points():
    ds = make_dataset("circle", n=80, noise=0.1, seed=0, test_fraction=0.25)
    cfg = small_config(features=("x1", "x2", "x1^2", "x2^2", "x1*x2"), standardize=True)
    tr = Trainer(ds, cfg)
    inputs = tr.probe(ds.X_train).inputs
    np.testing.assert_allclose(inputs.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(inputs.std(axis=0), 1.0, rtol=1e-12)
    # The test points use the training points' mapping.
    from playground.data import compute_features

    F_train = compute_features(ds.X_train, cfg.features)
    F_test = compute_features(ds.X_test, cfg.features)
    expected = (F_test - F_train.mean(axis=0)) / F_train.std(axis=0)
    np.testing.assert_allclose(tr.probe(ds.X_test).inputs, expected, rtol=1e-12)
    assert tr.standardizer is not None
    # Fitted once per network: adding a point does not move the mapping under the weights.
    fitted = tr.standardizer
    tr.set_dataset(AddPoints([[5.0, 5.0]], [1]).apply(ds))
    assert tr.standardizer is fitted
    assert tr.step().status == "ok"
    # Without standardize the inputs are the raw features.
    raw = Trainer(ds, cfg.replace(standardize=False))
    assert raw.standardizer is None
    np.testing.assert_array_equal(raw.probe(ds.X).inputs, compute_features(ds.X, cfg.features))


def test_float32_config_trains_and_stays_float32():
    ds = xor_data()
    tr = Trainer(ds, small_config(dtype="float32", dropout=0.1, l2=0.001, weight_decay=0.001))
    assert tr.dtype == np.float32 and tr.model.params.data.dtype == np.float32
    stats = tr.step(15)
    assert stats.status == "ok" and math.isfinite(stats.train_loss)
    assert tr.model.params.data.dtype == np.float32
    assert all(t.data.dtype == np.float32 for t in tr.model.parameters())
    assert tr.optimizer.m.dtype == np.float32 and tr.optimizer.v.dtype == np.float32
    probe = tr.probe(ds.X)
    assert probe.inputs.dtype == np.float32
    assert all(z.dtype == np.float32 for z in probe.z) and all(a.dtype == np.float32 for a in probe.a)
    assert tr.predict(ds.X).dtype == np.float32
    # It learns about as well as float64.
    double = Trainer(ds, small_config(dropout=0.1, l2=0.001, weight_decay=0.001))
    double.step(15)
    assert stats.train_loss == pytest.approx(double.last_stats().train_loss, rel=1e-3)


def test_early_stopping_stays_stopped_until_the_patience_changes():
    ds = xor_data()
    tr = Trainer(ds, small_config(patience=3))
    stats = tr.step(1000)
    assert stats.status == "stopped" and "early stopping" in stats.message
    stopped_at = tr.epoch
    again = tr.step(5)
    assert again.status == "stopped" and tr.epoch == stopped_at  # no further epoch trained
    tr.set_config(tr.config.replace(patience=0))
    assert tr.step(2).status == "ok" and tr.epoch == stopped_at + 2


# ------------------------------------------------------------------ stats of the weights as they are now
def _by_hand(tr: Trainer, ds: Dataset, test: bool) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``tr.predict`` on one side of ``ds``, computed here."""
    rows = ds.is_test if test else ~ds.is_test
    p = np.clip(tr.predict(ds.X[rows])[:, 1], 1e-300, 1 - 1e-16)
    y = ds.y[rows]
    loss = float(-np.mean(np.where(y == 1, np.log(p), np.log1p(-p))))
    return loss, float(np.mean((p > 0.5) == (y == 1)))


def test_stats_now_are_the_edited_network_on_the_edited_data():
    """After a weight set by hand or another dataset, the last epoch's numbers described a network
    and points no longer there (the readout said 99.5% beside a one-coloured plane)."""
    ds = xor_data(80)
    tr = Trainer(ds, small_config())
    before_any = tr.stats_now()
    assert math.isnan(before_any.train_loss) and before_any.epoch == 0
    tr.step(30)
    last = tr.last_stats()
    now = tr.stats_now()
    assert now.test_loss == last.test_loss and now.test_metric == last.test_metric  # the same weights and data
    assert now.epoch == last.epoch and np.array_equal(now.grad_norms, last.grad_norms)
    for test in (False, True):
        loss, accuracy = _by_hand(tr, ds, test)
        got = (now.test_loss, now.test_metric) if test else (now.train_loss, now.train_metric)
        assert got == pytest.approx((loss, accuracy), rel=1e-9)
    tr.set_parameter(len(tr.model.layers) - 1, "bias", 0, 20.0)  # every point predicted class 1
    edited = tr.stats_now()
    assert edited.train_metric == pytest.approx(np.mean(ds.y[~ds.is_test] == 1))
    assert edited.train_loss == pytest.approx(_by_hand(tr, ds, False)[0], rel=1e-6)  # p rounds near 1
    assert edited.train_loss > 3 * last.train_loss and tr.last_stats().train_loss == last.train_loss
    other = xor_data(80, seed=5)
    tr.set_dataset(other)
    assert tr.stats_now().test_loss == pytest.approx(_by_hand(tr, other, True)[0], rel=1e-9)
