"""One point's pass read from the engine: values, gradients, ops, and the written-out chain rule.

Every gradient is checked twice: against the engine on an independently built
one-point batch, and against central differences of the loss (float64).
"""

from __future__ import annotations

import numpy as np
import pytest

from playground.data import make_dataset
from playground.engine import Tensor, no_grad
from playground.nn import MLP, get_head
from playground.training import Trainer, TrainingConfig
from playground.training.inspect import (
    PICK_RADIUS,
    WeightId,
    explain,
    inspect_point,
    local_slope,
    nearest_point,
    parameter_ids,
    snapshot_model,
    snapshot_point,
)

HEADS = {"sigmoid": (1, 1.0), "softmax": (3, 2), "identity": (1, 0.7)}  # head -> (outputs, target)
HIDDEN = [(), (4,), (4, 3)]
ACTIVATIONS = {(): [], (4,): ["tanh"], (4, 3): ["relu", "sigmoid"]}
INPUTS = np.array([0.8, -1.3, 0.4])  # three features: the first layer is not square


def make_model(hidden: tuple[int, ...], head: str, seed: int = 2) -> MLP:
    model = MLP(3, hidden, HEADS[head][0], ACTIVATIONS[hidden], seed=seed)
    # Non-zero biases, so that every bias gradient path is exercised.
    noise = np.random.default_rng(seed).standard_normal(model.params.size)
    model.params.load_data(model.params.data + 0.1 * noise)
    return model


def point_loss(model: MLP, head: str, target: float) -> Tensor:
    """The loss of the one point, built from scratch as a training step would."""
    y = np.array([int(target)]) if head == "softmax" else np.array([target])
    return get_head(head).loss(model(Tensor(INPUTS[None, :])), y)


def engine_gradients(model: MLP, head: str, target: float) -> np.ndarray:
    """The engine's flat gradient for a one-point batch, on a fresh copy of ``model``."""
    fresh = MLP(model.n_in, model.hidden, model.n_out, model.activations)
    fresh.params.load_data(model.params.data)
    point_loss(fresh, head, target).backward()
    return fresh.params.grad.copy()


def central_differences(model: MLP, head: str, target: float, eps: float = 1e-6) -> np.ndarray:
    params = model.params
    start = params.data.copy()
    grads = np.empty_like(start)
    with no_grad():
        for i in range(start.size):
            losses = []
            for step in (eps, -eps):
                params.load_data(start + step * (np.arange(start.size) == i))
                losses.append(point_loss(model, head, target).item())
            grads[i] = (losses[0] - losses[1]) / (2 * eps)
    params.load_data(start)
    return grads


def flat_chain_gradients(inspection) -> np.ndarray:
    """The written-out ∂L/∂w of every parameter, in the flat buffer's order (W1, b1, W2, b2, ...)."""
    parts = []
    for layer in inspection.layers:

        def written(source):
            return [explain(inspection, WeightId(layer.index, source, j)).written for j in range(layer.units)]

        parts += [np.array([written(i) for i in range(len(layer.inputs))]).ravel(), np.array(written(None))]
    return np.concatenate(parts)


def inspect(hidden, head):
    model = make_model(hidden, head)
    target = HEADS[head][1]
    return model, target, inspect_point(snapshot_model(model, head, INPUTS, target))


CASES = [(hidden, head) for hidden in HIDDEN for head in HEADS]


@pytest.mark.parametrize("hidden, head", CASES)
def test_every_gradient_equals_engine_and_central_differences(hidden, head):
    model, target, inspection = inspect(hidden, head)
    for layer in inspection.layers:  # stay off ReLU's kink, where differences are meaningless
        assert np.all(np.abs(layer.z) > 1e-3)
    read = np.concatenate([part.ravel() for layer in inspection.layers for part in (layer.dL_dW, layer.dL_db)])
    engine = engine_gradients(model, head, target)
    np.testing.assert_allclose(read, engine, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(read, central_differences(model, head, target), rtol=1e-5, atol=1e-8)
    # The written-out chain rule of every parameter gives the same numbers.
    np.testing.assert_allclose(flat_chain_gradients(inspection), engine, rtol=1e-10, atol=1e-14)
    assert all(explain(inspection, weight).agrees for weight in parameter_ids(inspection))
    assert inspection.loss == pytest.approx(point_loss(model, head, target).item(), rel=1e-14)


@pytest.mark.parametrize("hidden, head", CASES)
def test_forward_values_match_the_trace_of_an_independent_pass(hidden, head):
    model, _, inspection = inspect(hidden, head)
    trace = []
    with no_grad():
        logits = model(Tensor(INPUTS[None, :]), trace=trace)
    assert len(inspection.layers) == len(trace) == len(hidden) + 1
    previous = INPUTS
    for layer, step in zip(inspection.layers, trace):
        np.testing.assert_array_equal(layer.inputs, previous)
        np.testing.assert_array_equal(layer.z, step.z.data[0])
        if not layer.is_output:
            np.testing.assert_array_equal(layer.a, step.a.data[0])
            previous = layer.a
    np.testing.assert_allclose(inspection.output.a, get_head(head).activate(logits.data)[0])


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "leaky_relu", "linear"])
def test_hidden_units_get_both_gradients_and_the_local_slope_links_them(activation):
    model = MLP(3, (5,), 1, activation, seed=4)
    inspection = inspect_point(snapshot_model(model, "sigmoid", INPUTS, 0.0))
    hidden = inspection.layers[0]
    assert hidden.dL_da is not None and hidden.da_dz is not None
    np.testing.assert_allclose(hidden.dL_dz, hidden.da_dz * hidden.dL_da, rtol=1e-12, atol=1e-16)
    # ∂L/∂a of a hidden unit is the next layer's ∂L/∂z pulled back through its weights.
    np.testing.assert_allclose(hidden.dL_da, inspection.output.W @ inspection.output.dL_dz, rtol=1e-12)
    if activation == "linear":  # a is z: one node, so one gradient
        np.testing.assert_array_equal(hidden.dL_da, hidden.dL_dz)
        assert hidden.a_op == ""
        np.testing.assert_array_equal(hidden.da_dz, np.ones(5))
    else:
        assert hidden.a_op.split()[0] == activation


def test_local_slope_matches_differences_of_the_activation():
    z = np.array([-2.0, -0.3, 0.4, 1.7])
    eps = 1e-6
    for name, f in {
        "tanh": np.tanh,
        "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
        "relu": lambda v: np.maximum(v, 0),
    }.items():
        np.testing.assert_allclose(local_slope(name, z), (f(z + eps) - f(z - eps)) / (2 * eps), rtol=1e-6)


@pytest.mark.parametrize("head", HEADS)
def test_last_layer_weight_is_the_product_and_the_head_step_gives_dL_dz(head):
    _, target, inspection = inspect((4,), head)
    output = inspection.output
    chain = explain(inspection, WeightId(1, 2, output.units - 1))
    step = chain.head
    assert chain.is_output and not chain.paths
    assert chain.dz_dw == output.inputs[2]  # ∂z/∂w is the input the weight multiplies
    # ∂L/∂a · ∂a/∂z written out by hand equals the closed form and the engine's ∂L/∂z.
    assert step.product == pytest.approx(step.closed_form, rel=1e-12)
    assert step.closed_form == pytest.approx(step.engine, rel=1e-12)
    assert chain.written == pytest.approx(chain.dz_dw * step.engine, rel=1e-12)
    assert chain.written == pytest.approx(output.dL_dW[2, output.units - 1], rel=1e-12)
    assert chain.agrees
    p = output.a[step.unit]
    expected = {"sigmoid": p - target, "identity": 2 * (p - target), "softmax": p - (step.unit == int(target))}[head]
    assert step.closed_form == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("hidden", [(4,), (4, 3)])
@pytest.mark.parametrize("head", HEADS)
def test_first_layer_weight_is_a_sum_over_paths(hidden, head):
    _, _, inspection = inspect(hidden, head)
    first, after = inspection.layers[0], inspection.layers[1]
    chain = explain(inspection, WeightId(0, 1, 2))
    assert len(chain.paths) == after.units
    for k, term in enumerate(chain.paths):
        assert term.weight == after.W[2, k]
        if after.is_output:
            assert term.local is None and term.upstream == pytest.approx(after.dL_dz[k], rel=1e-12)
        else:
            assert term.local == after.da_dz[k] and term.upstream == after.dL_da[k]
    assert chain.paths_sum == pytest.approx(first.dL_da[2], rel=1e-12)
    assert chain.paths_agree
    assert chain.written == pytest.approx(INPUTS[1] * first.da_dz[2] * chain.paths_sum, rel=1e-12)
    assert chain.written == pytest.approx(first.dL_dW[1, 2], rel=1e-10)
    assert chain.agrees


def test_ops_and_parents_are_read_from_the_graph():
    _, _, inspection = inspect((4, 3), "softmax")
    first, second, output = inspection.layers
    assert first.z_op == "linear" and first.z_parents == (("x", 0), ("W", 1), ("b", 1))
    assert second.z_parents == (("a", 1), ("W", 2), ("b", 2))
    assert output.z_parents == (("a", 2), ("W", 3), ("b", 3))
    assert (first.a_op, second.a_op) == ("relu", "sigmoid")
    assert inspection.loss_op == "softmax_cross_entropy" and inspection.loss_parents == (("z", 3),)
    _, _, linear = inspect((), "identity")
    assert linear.loss_op == "mse" and linear.layers[0].z_parents[0] == ("x", 0)


def test_a_saturated_sigmoid_falls_back_to_the_fused_closed_form():
    model = MLP(3, (), 1, seed=0)
    model.params.load_data(np.array([40.0, 0.0, 0.0, 20.0]))  # z = 52: p rounds to exactly 1
    inspection = inspect_point(snapshot_model(model, "sigmoid", INPUTS, 0.0))
    step = inspection.head_steps[0]
    assert step.prediction == 1.0 and not np.isfinite(step.product)
    assert step.value == step.closed_form == pytest.approx(step.engine)
    assert all(explain(inspection, weight).agrees for weight in parameter_ids(inspection))


def test_float32_networks_agree_within_their_rounding():
    model = MLP(3, (6, 5), 3, "tanh", seed=1, dtype=np.float32)
    inspection = inspect_point(snapshot_model(model, "softmax", INPUTS, 1))
    assert inspection.output.dL_dW.dtype == np.float32
    assert all(explain(inspection, weight).agrees for weight in parameter_ids(inspection))


def test_snapshot_of_a_trainer_uses_its_features_and_leaves_it_untouched():
    ds = make_dataset("circle", n=40, noise=0.1, seed=0, test_fraction=0.0)
    config = TrainingConfig(
        hidden=(5,), features=("x1", "x2", "x1^2"), standardize=True, l2=0.01, optimizer="sgd", batch_size=40, seed=0
    )
    trainer = Trainer(ds, config)
    trainer.step(2)
    data, grads = trainer.model.params.data.copy(), trainer.model.params.grad.copy()
    snapshot = snapshot_point(trainer, ds.X[3], ds.y[3])
    inspection = inspect_point(snapshot)
    np.testing.assert_array_equal(trainer.model.params.data, data)
    np.testing.assert_array_equal(trainer.model.params.grad, grads)
    np.testing.assert_array_equal(snapshot.inputs, trainer.features(ds.X[3:4])[0])
    assert snapshot.standardized and snapshot.epoch == 2 and snapshot.training_extras == ("L2 0.01",)
    assert snapshot.feature_labels == ("x₁", "x₂", "x₁²")
    # The prediction is the trainer's own.
    np.testing.assert_allclose(inspection.output.a[0], trainer.predict(ds.X[3:4])[0, 1], rtol=1e-12)
    snapshot.weights[0][0][0, 0] += 1.0  # the snapshot holds copies
    np.testing.assert_array_equal(trainer.model.params.data, data)


def test_explain_rejects_a_parameter_the_network_does_not_have():
    _, _, inspection = inspect((4,), "sigmoid")
    assert not inspection.has(WeightId(2, 0, 0)) and not inspection.has(WeightId(0, 3, 0))
    with pytest.raises(ValueError, match="no parameter"):
        explain(inspection, WeightId(1, 4, 0))
    assert len(parameter_ids(inspection)) == make_model((4,), "sigmoid").params.size


def test_nearest_point_within_the_radius():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [1.2, 1.0]])
    assert nearest_point(X, (1.15, 1.02)) == 2
    assert nearest_point(X, (0.1, -0.1)) == 0
    assert nearest_point(X, (3.0, 3.0)) is None
    assert nearest_point(X, (0.0, PICK_RADIUS + 0.01)) is None
    assert nearest_point(X, (1.15, 1.02), candidates=np.array([True, True, False])) == 1
    assert nearest_point(np.zeros((0, 2)), (0.0, 0.0)) is None
