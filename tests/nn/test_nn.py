"""nn library: MLP, init, traces, dropout, flat parameters, penalties, optimisers, schedules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground import nn
from playground.engine import Tensor, bce_with_logits, no_grad
from playground.nn import regularization
from playground.nn.activations import activate
from playground.nn.init import init_weights

RNG = np.random.default_rng(42)


def np_activation(name: str, z: np.ndarray) -> np.ndarray:
    return {
        "relu": lambda z: np.maximum(z, 0.0),
        "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
        "tanh": np.tanh,
        "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
        "linear": lambda z: z,
    }[name](z)


def numpy_forward(model: nn.MLP, X: np.ndarray) -> np.ndarray:
    a = X
    for layer, name in zip(model.layers[:-1], model.activations):
        a = np_activation(name, a @ layer.W.data + layer.b.data)
    last = model.layers[-1]
    return a @ last.W.data + last.b.data


def batch(model: nn.MLP, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(10, model.n_in))
    y = (rng.random((10, model.n_out)) < 0.5).astype(float)
    return X, y


def fill_gradients(model: nn.MLP, seed: int = 0) -> None:
    """A real backward pass so every gradient is non-trivial."""
    X, y = batch(model, seed)
    model.zero_grad()
    bce_with_logits(model(X), y).backward()


# ====================================================================== MLP
def test_empty_hidden_is_logistic_regression():
    model = nn.MLP(3, [], 1, seed=0)
    assert len(model.layers) == 1
    assert isinstance(model.layers[0], nn.Linear)
    assert model.sizes == [3, 1] and model.hidden == [] and model.n_in == 3 and model.n_out == 1
    assert model.activations == []
    layer = model.layers[0]
    assert layer.W.shape == (3, 1) and layer.b.shape == (1,)
    assert model.parameters() == [layer.W, layer.b]
    X = RNG.normal(size=(5, 3))
    logits = model(X)
    assert logits.op == "linear"
    np.testing.assert_allclose(logits.data, X @ layer.W.data + layer.b.data, rtol=1e-12)
    assert model.layer_labels() == ["output: 1"]


def test_mlp_structure_and_forward_matches_numpy():
    model = nn.MLP(2, [5, 4, 3], 2, activation="tanh", seed=3)
    assert [(l.n_in, l.n_out) for l in model.layers] == [(2, 5), (5, 4), (4, 3), (3, 2)]
    assert model.sizes == [2, 5, 4, 3, 2] and model.hidden == [5, 4, 3]
    assert len(model.parameters()) == 8
    assert model.params.size == 2 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3 + 3 * 2 + 2
    X = RNG.normal(size=(6, 2))
    np.testing.assert_allclose(model(X).data, numpy_forward(model, X), rtol=1e-12)
    assert "2 -> 5 -> 4 -> 3 -> 2" in repr(model)


def test_activation_per_layer():
    names = ["relu", "tanh", "sigmoid", "leaky_relu", "linear"]
    model = nn.MLP(2, [4, 4, 4, 4, 4], 1, activation=names, init="he", seed=1)
    assert model.activations == names
    X = RNG.normal(size=(8, 2))
    trace: list[nn.LayerTrace] = []
    out = model(X, trace=trace)
    np.testing.assert_allclose(out.data, numpy_forward(model, X), rtol=1e-12)
    for t, name in zip(trace, names):
        np.testing.assert_allclose(t.a.data, np_activation(name, t.z.data), rtol=1e-12)
    assert trace[0].a.op == "relu" and trace[1].a.op == "tanh" and trace[2].a.op == "sigmoid"
    assert trace[3].a.op.startswith("leaky_relu")
    assert trace[4].a is trace[4].z  # linear is the identity
    assert model.layer_labels() == [
        "layer 1: 4 relu",
        "layer 2: 4 tanh",
        "layer 3: 4 sigmoid",
        "layer 4: 4 leaky_relu",
        "layer 5: 4 linear",
        "output: 1",
    ]


@pytest.mark.parametrize("name", list(nn.ACTIVATIONS))
def test_every_activation_name_works(name):
    model = nn.MLP(2, [3], 1, activation=name, seed=0)
    X = RNG.normal(size=(4, 2))
    np.testing.assert_allclose(model(X).data, numpy_forward(model, X), rtol=1e-12)
    z = Tensor(np.array([-1.0, 0.5]))
    np.testing.assert_allclose(activate(name, z).data, np_activation(name, z.data))


def _options_listed(message: str, options) -> bool:
    return all(option in message for option in options)


def test_unknown_activation_lists_options():
    with pytest.raises(ValueError, match="bogus") as info:
        nn.MLP(2, [3], 1, activation="bogus")
    assert _options_listed(str(info.value), nn.ACTIVATIONS)
    with pytest.raises(ValueError, match="swish") as info:
        nn.MLP(2, [3, 3], 1, activation=["tanh", "swish"])
    assert _options_listed(str(info.value), nn.ACTIVATIONS)
    # Even with no hidden layer a misspelled name is reported, not silently ignored.
    with pytest.raises(ValueError, match="tahn"):
        nn.MLP(2, [], 1, activation="tahn")


def test_unknown_init_lists_options():
    with pytest.raises(ValueError, match="glorot") as info:
        nn.MLP(2, [3], 1, init="glorot")
    assert _options_listed(str(info.value), nn.INITS)


def test_unknown_head_lists_options():
    with pytest.raises(ValueError, match="softplus") as info:
        nn.get_head("softplus")
    assert _options_listed(str(info.value), nn.HEADS)


def test_unknown_optimizer_lists_options():
    model = nn.MLP(2, [], 1)
    with pytest.raises(ValueError, match="rmsprop") as info:
        nn.make_optimizer("rmsprop", model.params, 0.1)
    assert _options_listed(str(info.value), nn.OPTIMIZERS)


@pytest.mark.parametrize("name,loss", [("sigmoid", "bce_with_logits"), ("identity", "mse")])
def test_single_output_heads_take_flat_targets_and_name_a_size_mismatch(name, loss):
    head = nn.get_head(name)
    z = Tensor(np.array([[0.5], [-1.0], [2.0]]))
    flat, column = np.array([1.0, 0.0, 1.0]), np.array([[1.0], [0.0], [1.0]])
    np.testing.assert_array_equal(head.loss(z, flat).data, head.loss(z, column).data)
    with pytest.raises(ValueError, match=rf"{loss}: .*\(4,\).*\(3, 1\)"):
        head.loss(z, np.zeros(4))


def test_heads():
    assert nn.get_head("sigmoid").n_outputs(2) == 1
    assert nn.get_head("softmax").n_outputs(5) == 5
    assert nn.get_head("identity").n_outputs(0) == 1
    assert nn.head_for_task("classification", 2).name == "sigmoid"
    assert nn.head_for_task("classification", 3).name == "softmax"
    assert nn.head_for_task("regression", 0).name == "identity"
    with pytest.raises(ValueError, match="task"):
        nn.head_for_task("clustering", 2)
    with pytest.raises(ValueError, match="2 classes"):
        nn.head_for_task("classification", 1)
    z = np.array([[-2.0], [0.0], [3.0]])
    np.testing.assert_allclose(nn.get_head("sigmoid").activate(z), 1 / (1 + np.exp(-z)), rtol=1e-12)
    zk = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, 0.0]])
    p = nn.get_head("softmax").activate(zk)
    np.testing.assert_allclose(p[0], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum(), rtol=1e-12)
    np.testing.assert_allclose(p[1], [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(nn.get_head("identity").activate(z), z)
    # Single-output losses accept (n,) targets against (n, 1) logits.
    loss = nn.get_head("sigmoid").loss(Tensor(z), np.array([0, 1, 1]))
    np.testing.assert_allclose(loss.data, bce_with_logits(Tensor(z), np.array([[0], [1], [1]])).data)


def test_mlp_shape_errors():
    model = nn.MLP(2, [3], 1)
    with pytest.raises(ValueError, match=r"\(n, 2\).*\(4, 3\)"):
        model(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        model(np.zeros(2))
    with pytest.raises(ValueError, match="hidden layer 2"):
        nn.MLP(2, [3, 0], 1)
    with pytest.raises(ValueError, match="hidden layer 1"):
        nn.MLP(2, [2.5], 1)
    with pytest.raises(ValueError, match="3 activations given for 2 hidden layers"):
        nn.MLP(2, [3, 3], 1, activation=["tanh", "tanh", "relu"])
    with pytest.raises(TypeError, match="dtype"):
        nn.MLP(2, [3], 1, dtype=np.int32)
    with pytest.raises(ValueError, match="n_in"):
        nn.Linear(0, 3)
    with pytest.raises(ValueError, match="n_out"):
        nn.Linear(3, -1)


def test_mlp_accepts_a_tensor_input():
    model = nn.MLP(2, [3], 1, seed=0)
    X = Tensor(RNG.normal(size=(4, 2)), requires_grad=True)
    model(X).sum().backward()
    assert X.grad.shape == (4, 2)


# ===================================================================== init
def test_xavier_uniform_limit_and_spread():
    rng = np.random.default_rng(0)
    w = init_weights("xavier", 200, 300, rng)
    limit = math.sqrt(6.0 / 500)
    assert w.shape == (200, 300)
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit
    np.testing.assert_allclose(w.var(), limit**2 / 3, rtol=0.02)
    assert abs(w.mean()) < 0.01 * limit


def test_he_normal_std():
    rng = np.random.default_rng(0)
    w = init_weights("he", 200, 300, rng)
    np.testing.assert_allclose(w.std(), math.sqrt(2.0 / 200), rtol=0.02)
    assert abs(w.mean()) < 0.01
    # Normal, not uniform: some weights lie beyond 3 standard deviations.
    assert np.abs(w).max() > 3 * math.sqrt(2.0 / 200)


def test_uniform_init_range():
    rng = np.random.default_rng(0)
    w = init_weights("uniform", 100, 100, rng)
    assert w.min() >= -1.0 and w.max() <= 1.0
    assert w.min() < -0.99 and w.max() > 0.99
    np.testing.assert_allclose(w.var(), 1.0 / 3.0, rtol=0.05)


@pytest.mark.parametrize("init", list(nn.INITS))
def test_mlp_init_biases_zero_and_seeded(init):
    a = nn.MLP(4, [8, 6], 3, init=init, seed=11)
    b = nn.MLP(4, [8, 6], 3, init=init, seed=11)
    c = nn.MLP(4, [8, 6], 3, init=init, seed=12)
    for layer in a.layers:
        np.testing.assert_array_equal(layer.b.data, 0.0)
        assert np.all(layer.W.data != 0.0)
    np.testing.assert_array_equal(a.params.data, b.params.data)
    assert not np.array_equal(a.params.data, c.params.data)
    g = nn.MLP(4, [8, 6], 3, init=init, seed=np.random.default_rng(11))
    np.testing.assert_array_equal(g.params.data, a.params.data)


def test_mlp_init_scale_follows_fan():
    model = nn.MLP(100, [400], 50, init="xavier", seed=0)
    assert np.abs(model.layers[0].W.data).max() <= math.sqrt(6 / 500)
    assert np.abs(model.layers[1].W.data).max() <= math.sqrt(6 / 450)
    model = nn.MLP(400, [100], 1, init="he", seed=0)
    np.testing.assert_allclose(model.layers[0].W.data.std(), math.sqrt(2 / 400), rtol=0.03)


def test_float32_init():
    model = nn.MLP(2, [4], 1, seed=0, dtype=np.float32)
    for t in model.parameters():
        assert t.dtype == np.float32
    assert model(np.zeros((3, 2))).dtype == np.float32


# ==================================================================== trace
def test_trace_records_every_layer():
    model = nn.MLP(2, [5, 3], 2, activation=["tanh", "relu"], seed=2)
    X = RNG.normal(size=(7, 2))
    trace: list[nn.LayerTrace] = []
    logits = model(X, trace=trace)
    assert len(trace) == 3
    assert [t.z.shape for t in trace] == [(7, 5), (7, 3), (7, 2)]
    assert [t.a.shape for t in trace] == [(7, 5), (7, 3), (7, 2)]
    np.testing.assert_allclose(trace[0].z.data, X @ model.layers[0].W.data + model.layers[0].b.data)
    np.testing.assert_allclose(trace[0].a.data, np.tanh(trace[0].z.data), rtol=1e-12)
    np.testing.assert_allclose(
        trace[1].z.data, trace[0].a.data @ model.layers[1].W.data + model.layers[1].b.data, rtol=1e-12
    )
    np.testing.assert_array_equal(trace[1].a.data, np.maximum(trace[1].z.data, 0.0))
    # The output layer is last, its a is its z, and it is the logits.
    assert trace[-1].z is logits and trace[-1].a is logits


def test_trace_appends_and_works_under_no_grad():
    model = nn.MLP(2, [3], 1, seed=0)
    trace: list[nn.LayerTrace] = []
    with no_grad():
        model(np.zeros((2, 2)), trace=trace)
        model(np.ones((2, 2)), trace=trace)
    assert len(trace) == 4
    assert all(not t.a.requires_grad for t in trace)
    assert model(np.zeros((2, 2))).requires_grad  # parameters need grads outside no_grad


# ================================================================== dropout
def test_dropout_zeroes_about_p_and_scales_survivors():
    p = 0.3
    model = nn.MLP(3, [400, 300], 1, activation="sigmoid", seed=0)  # sigmoid is never 0
    X = RNG.normal(size=(20, 3))
    trace: list[nn.LayerTrace] = []
    model(X, trace=trace, dropout=p, rng=np.random.default_rng(5))
    for t in trace[:-1]:
        a = t.a.data
        dense = 1.0 / (1.0 + np.exp(-t.z.data))
        dropped = a == 0.0
        assert abs(dropped.mean() - p) < 0.02
        np.testing.assert_allclose(a[~dropped], dense[~dropped] / (1.0 - p), rtol=1e-12)
    # The output layer is never dropped.
    assert np.all(trace[-1].a.data != 0.0)


def test_dropout_gradient_flows_only_through_survivors():
    model = nn.MLP(2, [50], 1, activation="sigmoid", seed=0)
    X = RNG.normal(size=(1, 2))
    trace: list[nn.LayerTrace] = []
    model.zero_grad()
    model(X, trace=trace, dropout=0.5, rng=np.random.default_rng(0)).sum().backward()
    kept = trace[0].a.data[0] != 0.0
    assert 0 < kept.sum() < 50
    W_out = model.layers[1].W
    np.testing.assert_array_equal(W_out.grad[~kept, 0], 0.0)
    np.testing.assert_allclose(W_out.grad[kept, 0], trace[0].a.data[0, kept], rtol=1e-12)


def test_dropout_zero_is_unchanged_and_masks_are_seeded():
    model = nn.MLP(2, [16, 16], 1, seed=0)
    X = RNG.normal(size=(5, 2))
    plain = model(X).data
    np.testing.assert_array_equal(model(X, dropout=0.0).data, plain)
    np.testing.assert_array_equal(model(X, dropout=0.0, rng=np.random.default_rng(1)).data, plain)
    a = model(X, dropout=0.5, rng=np.random.default_rng(3)).data
    b = model(X, dropout=0.5, rng=np.random.default_rng(3)).data
    c = model(X, dropout=0.5, rng=np.random.default_rng(4)).data
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert not np.array_equal(a, plain)


def test_dropout_keeps_float32():
    model = nn.MLP(2, [8], 1, seed=0, dtype=np.float32)
    out = model(np.ones((3, 2)), dropout=0.5, rng=np.random.default_rng(0))
    assert out.dtype == np.float32


# =========================================================== FlatParameters
def test_parameters_are_views_into_the_flat_buffer():
    model = nn.MLP(2, [3], 2, seed=0)
    params = model.params
    W1, b1, W2, b2 = model.parameters()
    for t in model.parameters():
        assert np.shares_memory(t.data, params.data)
        assert np.shares_memory(t.grad, params.grad)
    np.testing.assert_array_equal(params.offsets, [0, 6, 9, 15, 17])
    np.testing.assert_array_equal(params.data[0:6].reshape(2, 3), W1.data)
    params.data[0] = 42.0
    assert W1.data[0, 0] == 42.0
    params.data[6:9] = [1.0, 2.0, 3.0]
    np.testing.assert_array_equal(b1.data, [1.0, 2.0, 3.0])
    W2.data[2, 1] = -7.0
    assert params.data[9 + 5] == -7.0
    np.testing.assert_array_equal(params.weight_mask, [1] * 6 + [0] * 3 + [1] * 6 + [0] * 2)
    # The model computes with the buffer's values.
    X = RNG.normal(size=(3, 2))
    np.testing.assert_allclose(model(X).data, numpy_forward(model, X))


def test_backward_writes_into_the_flat_gradient():
    model = nn.MLP(2, [3], 1, seed=0)
    fill_gradients(model)
    pieces = np.concatenate([t.grad.reshape(-1) for t in model.parameters()])
    np.testing.assert_array_equal(model.params.grad, pieces)
    assert np.abs(model.params.grad).sum() > 0
    model.zero_grad()
    np.testing.assert_array_equal(model.params.grad, 0.0)
    for t in model.parameters():
        np.testing.assert_array_equal(t.grad, 0.0)
        assert np.shares_memory(t.grad, model.params.grad)  # still bound after zeroing


def test_gradients_accumulate_until_zero_grad():
    model = nn.MLP(2, [3], 1, seed=0)
    fill_gradients(model, seed=1)
    once = model.params.grad.copy()
    X, y = batch(model, seed=1)
    bce_with_logits(model(X), y).backward()
    np.testing.assert_allclose(model.params.grad, 2 * once, rtol=1e-12)


def test_segment_and_layer_norms():
    model = nn.MLP(3, [4, 5], 2, seed=0)
    fill_gradients(model)
    params = model.params
    np.testing.assert_allclose(
        params.segment_norms(params.data), [np.linalg.norm(t.data) for t in model.parameters()], rtol=1e-12
    )
    np.testing.assert_allclose(
        params.segment_norms(params.grad), [np.linalg.norm(t.grad) for t in model.parameters()], rtol=1e-12
    )
    grad_norms = model.grad_norms()
    assert grad_norms.shape == (3, 2)
    for row, layer in zip(grad_norms, model.layers):
        np.testing.assert_allclose(row, [np.linalg.norm(layer.W.grad), np.linalg.norm(layer.b.grad)], rtol=1e-12)
    np.testing.assert_allclose(
        model.weight_norms(), [np.linalg.norm(layer.W.data) for layer in model.layers], rtol=1e-12
    )
    assert np.all(grad_norms[:, 0] > 0)


def test_copy_and_load_data():
    model = nn.MLP(2, [3], 1, seed=0)
    snapshot = model.params.copy_data()
    before = model(np.ones((1, 2))).data.copy()
    model.params.data += 1.0
    assert not np.array_equal(model(np.ones((1, 2))).data, before)
    model.params.load_data(snapshot)
    np.testing.assert_array_equal(model(np.ones((1, 2))).data, before)
    snapshot[0] = 99.0
    assert model.params.data[0] != 99.0  # the snapshot is a copy
    with pytest.raises(ValueError, match="expected"):
        model.params.load_data(np.zeros(3))


def test_flat_parameters_validation():
    a, b = Tensor(np.ones(2)), Tensor(np.ones(3, dtype=np.float32))
    with pytest.raises(TypeError, match="dtype"):
        nn.FlatParameters([a, b], [True, False])
    with pytest.raises(ValueError, match="is_weight"):
        nn.FlatParameters([a], [True, False])


# =========================================================== regularization
@pytest.mark.parametrize("l1,l2", [(0.0, 0.3), (0.2, 0.0), (0.05, 0.1)])
def test_penalty_gradient_matches_central_differences(l1, l2):
    model = nn.MLP(2, [3], 1, seed=0)
    params = model.params
    # Keep weights away from 0, where |w| has its kink; biases non-zero to show they are ignored.
    params.data[:] = np.where(params.data >= 0, params.data + 0.1, params.data - 0.1)
    params.zero_grad()
    regularization.add_penalty_gradient(params, l1, l2)
    eps = 1e-6
    numeric = np.zeros_like(params.data)
    for i in range(params.size):
        original = params.data[i]
        params.data[i] = original + eps
        plus = regularization.penalty_value(params, l1, l2)
        params.data[i] = original - eps
        minus = regularization.penalty_value(params, l1, l2)
        params.data[i] = original
        numeric[i] = (plus - minus) / (2 * eps)
    np.testing.assert_allclose(params.grad, numeric, atol=1e-8)
    biases = params.weight_mask == 0
    np.testing.assert_array_equal(params.grad[biases], 0.0)
    w = params.data[~biases]
    assert regularization.penalty_value(params, l1, l2) == pytest.approx(
        l1 * np.abs(w).sum() + 0.5 * l2 * (w**2).sum(), rel=1e-12
    )


def test_penalty_adds_to_existing_gradient_and_ignores_biases():
    model = nn.MLP(2, [3], 1, seed=0)
    fill_gradients(model)
    before = model.params.grad.copy()
    regularization.add_penalty_gradient(model.params, 0.0, 0.5)
    mask = model.params.weight_mask
    np.testing.assert_allclose(model.params.grad, before + 0.5 * model.params.data * mask, rtol=1e-12)
    for layer in model.layers:
        layer.b.data[:] = 100.0
    value = regularization.penalty_value(model.params, 0.1, 0.5)
    for layer in model.layers:
        layer.b.data[:] = -3.0
    assert regularization.penalty_value(model.params, 0.1, 0.5) == value
    assert regularization.penalty_value(model.params, 0.0, 0.0) == 0.0


# =============================================================== optimisers
def flat_model(seed: int = 0, dtype=np.float64) -> nn.MLP:
    model = nn.MLP(2, [3], 1, seed=seed, dtype=dtype)
    model.params.data[:] = np.random.default_rng(seed).normal(size=model.params.size)
    return model


def gradient_sequence(size: int, steps: int = 3, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(size=size) for _ in range(steps)]


def run(opt, grads) -> list[np.ndarray]:
    snapshots = []
    for g in grads:
        opt.params.grad[:] = g
        opt.step()
        snapshots.append(opt.params.data.copy())
    return snapshots


def test_sgd_step():
    model = flat_model()
    w0 = model.params.data.copy()
    g = np.arange(model.params.size, dtype=float) / 10
    model.params.grad[:] = g
    opt = nn.SGD(model.params, lr=0.1)
    opt.step()
    np.testing.assert_allclose(model.params.data, w0 - 0.1 * g, rtol=1e-15)
    assert opt.steps == 1
    np.testing.assert_allclose(model.layers[0].W.data.reshape(-1), (w0 - 0.1 * g)[:6])
    sgd = nn.make_optimizer("sgd", model.params, 0.2)
    assert isinstance(sgd, nn.SGD) and sgd.momentum == 0.0


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_matches_hand_formula(nesterov):
    model = flat_model()
    w = model.params.data.copy()
    lr, mu = 0.1, 0.9
    grads = gradient_sequence(model.params.size)
    opt = nn.make_optimizer("nesterov" if nesterov else "momentum", model.params, lr, momentum=mu)
    assert opt.nesterov is nesterov and opt.momentum == mu
    got = run(opt, grads)
    v = np.zeros_like(w)
    for g, snapshot in zip(grads, got):
        v = mu * v + g
        w = w - lr * (g + mu * v if nesterov else v)
        np.testing.assert_allclose(snapshot, w, rtol=1e-13)


def test_nesterov_differs_from_momentum():
    grads = gradient_sequence(13)
    a, b = flat_model(), flat_model()
    run(nn.SGD(a.params, 0.1, 0.9), grads)
    run(nn.SGD(b.params, 0.1, 0.9, nesterov=True), grads)
    assert not np.allclose(a.params.data, b.params.data)


def test_adam_matches_hand_written_adam():
    model = flat_model()
    w = model.params.data.copy()
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    grads = gradient_sequence(model.params.size, seed=3)
    grads[1][:4] = 1e-9  # tiny gradients, where eps matters
    got = run(nn.Adam(model.params, lr=lr, beta1=b1, beta2=b2, eps=eps), grads)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t, (g, snapshot) in enumerate(zip(grads, got), start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        np.testing.assert_allclose(snapshot, w, rtol=1e-12)


def test_adam_first_step_is_lr_sized():
    model = flat_model()
    w0 = model.params.data.copy()
    g = np.random.default_rng(0).normal(size=model.params.size)
    model.params.grad[:] = g
    nn.make_optimizer("adam", model.params, 0.05).step()
    np.testing.assert_allclose(model.params.data, w0 - 0.05 * np.sign(g), rtol=0, atol=1e-7)


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adam"])
def test_decoupled_weight_decay_shrinks_weights_not_biases(name):
    model = flat_model()
    w0 = model.params.data.copy()
    mask = model.params.weight_mask.astype(bool)
    opt = nn.make_optimizer(name, model.params, 0.1, weight_decay=0.01)
    model.params.grad[:] = 0.0
    opt.step()
    np.testing.assert_allclose(model.params.data[mask], w0[mask] * (1 - 0.1 * 0.01), rtol=1e-13)
    np.testing.assert_array_equal(model.params.data[~mask], w0[~mask])


def test_weight_decay_is_added_to_the_gradient_step():
    model = flat_model()
    w0 = model.params.data.copy()
    mask = model.params.weight_mask
    g = np.random.default_rng(1).normal(size=model.params.size)
    model.params.grad[:] = g
    nn.SGD(model.params, lr=0.1, weight_decay=0.5).step()
    np.testing.assert_allclose(model.params.data, w0 - 0.1 * 0.5 * w0 * mask - 0.1 * g, rtol=1e-13)


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adam"])
def test_state_dict_round_trip(name):
    grads = gradient_sequence(13, steps=5, seed=7)
    a = flat_model()
    opt_a = nn.make_optimizer(name, a.params, 0.05, weight_decay=0.001)
    run(opt_a, grads[:2])
    state = opt_a.state_dict()
    saved_params = a.params.copy_data()

    b = flat_model(seed=99)
    b.params.load_data(saved_params)
    opt_b = nn.make_optimizer(name, b.params, 0.05, weight_decay=0.001)
    opt_b.load_state_dict(state)
    assert opt_b.steps == 2
    np.testing.assert_array_equal(run(opt_a, grads[2:])[-1], run(opt_b, grads[2:])[-1])

    # The state is a copy: stepping on does not change what was saved.
    for key, value in state.items():
        if isinstance(value, np.ndarray):
            assert not np.shares_memory(value, a.params.data)
    again = nn.make_optimizer(name, flat_model().params, 0.05)
    again.load_state_dict(state)
    assert again.steps == 2


@pytest.mark.parametrize("bad", [-1, 2.5, "3", True, None])
def test_load_state_dict_rejects_bad_steps_and_keeps_the_state(bad):
    model = flat_model()
    sgd = nn.SGD(model.params, 0.1, momentum=0.5)
    model.params.grad[:] = 1.0
    sgd.step()
    state = {**sgd.state_dict(), "steps": bad}
    with pytest.raises(ValueError, match=r"SGD.load_state_dict: steps must be a whole number >= 0"):
        sgd.load_state_dict(state)
    assert sgd.steps == 1


def test_load_state_dict_accepts_numpy_integer_steps():
    adam = nn.Adam(flat_model().params, 0.1)
    adam.load_state_dict({**adam.state_dict(), "steps": np.int64(4)})
    assert adam.steps == 4 and type(adam.steps) is int


def test_state_dict_contents():
    model = flat_model()
    sgd = nn.SGD(model.params, 0.1, momentum=0.5)
    model.params.grad[:] = 1.0
    sgd.step()
    state = sgd.state_dict()
    np.testing.assert_array_equal(state["velocity"], np.ones(model.params.size))
    assert state["steps"] == 1
    adam = nn.Adam(model.params, 0.1)
    adam.step()
    state = adam.state_dict()
    np.testing.assert_allclose(state["m"], 0.1 * np.ones(model.params.size))
    np.testing.assert_allclose(state["v"], 0.001 * np.ones(model.params.size))


@pytest.mark.parametrize("bad", [0.0, -0.1, math.nan, math.inf, 1e4])
def test_bad_lr_raises(bad):
    model = flat_model()
    with pytest.raises(ValueError, match="lr"):
        nn.SGD(model.params, lr=bad)
    with pytest.raises(ValueError, match="lr"):
        nn.Adam(model.params, lr=bad)
    opt = nn.SGD(model.params, lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        opt.lr = bad
    assert opt.lr == 0.1


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, math.nan, -math.inf])
def test_bad_momentum_raises(bad):
    with pytest.raises(ValueError, match="momentum"):
        nn.SGD(flat_model().params, lr=0.1, momentum=bad)
    with pytest.raises(ValueError, match="momentum"):
        nn.make_optimizer("momentum", flat_model().params, 0.1, momentum=bad)


@pytest.mark.parametrize("bad", [-0.01, 1.5, math.nan, math.inf])
def test_bad_weight_decay_raises(bad):
    with pytest.raises(ValueError, match="weight_decay"):
        nn.SGD(flat_model().params, lr=0.1, weight_decay=bad)
    with pytest.raises(ValueError, match="weight_decay"):
        nn.make_optimizer("adam", flat_model().params, 0.1, weight_decay=bad)


def test_bad_adam_hyperparameters_raise():
    params = flat_model().params
    with pytest.raises(ValueError, match="beta1"):
        nn.Adam(params, beta1=1.0)
    with pytest.raises(ValueError, match="beta2"):
        nn.Adam(params, beta2=math.nan)
    with pytest.raises(ValueError, match="eps"):
        nn.Adam(params, eps=0.0)


def test_optimizer_hyperparameters_at_the_edges_are_accepted():
    params = flat_model().params
    assert nn.SGD(params, lr=1e3, momentum=0.0, weight_decay=0.0).lr == 1e3
    assert nn.SGD(params, lr=1e-6, momentum=0.999, weight_decay=1.0).momentum == 0.999


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adam"])
def test_float32_model_stays_float32_through_a_step(name):
    model = nn.MLP(2, [4], 1, seed=0, dtype=np.float32)
    opt = nn.make_optimizer(name, model.params, 0.1, weight_decay=0.01)
    X = np.random.default_rng(0).normal(size=(6, 2))
    y = np.array([0, 1, 1, 0, 1, 0])
    for _ in range(2):
        model.zero_grad()
        loss = nn.get_head("sigmoid").loss(model(X), y)
        assert loss.dtype == np.float32
        loss.backward()
        regularization.add_penalty_gradient(model.params, 0.01, 0.01)
        opt.step()
    assert model.params.data.dtype == np.float32
    assert model.params.grad.dtype == np.float32
    for t in model.parameters():
        assert t.data.dtype == np.float32 and t.grad.dtype == np.float32
        assert np.shares_memory(t.data, model.params.data)  # still views, not rebound copies
    for value in opt.state_dict().values():
        if isinstance(value, np.ndarray):
            assert value.dtype == np.float32


def test_training_step_lowers_the_loss():
    model = nn.MLP(2, [8], 1, seed=0)
    X = np.random.default_rng(0).normal(size=(20, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    opt = nn.SGD(model.params, lr=0.5)
    losses = []
    for _ in range(20):
        model.zero_grad()
        loss = nn.get_head("sigmoid").loss(model(X), y)
        loss.backward()
        opt.step()
        losses.append(float(loss.data))
    assert losses[-1] < losses[0]


# ================================================================ schedules
def test_constant_schedule():
    s = nn.Schedule()
    assert s.kind == "constant"
    assert [s.lr_at(0.1, e) for e in (0, 1, 50, 1000)] == [0.1] * 4


def test_step_schedule():
    s = nn.Schedule("step", gamma=0.5, every=10)
    assert [s.lr_at(0.8, e) for e in (0, 9, 10, 19, 20, 35)] == [0.8, 0.8, 0.4, 0.4, 0.2, 0.1]


def test_exponential_schedule():
    s = nn.Schedule("exponential", gamma=0.9)
    for e in (0, 1, 2, 10):
        assert s.lr_at(0.1, e) == pytest.approx(0.1 * 0.9**e, rel=1e-12)
    assert nn.Schedule("exponential", gamma=1.0).lr_at(0.3, 500) == 0.3


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"kind": "cosine"}, "kind"),
        ({"gamma": 0.0}, "gamma"),
        ({"gamma": 1.5}, "gamma"),
        ({"gamma": -0.5}, "gamma"),
        ({"gamma": math.nan}, "gamma"),
        ({"every": 0}, "every"),
        ({"every": 2.5}, "every"),
    ],
)
def test_schedule_validation(kwargs, field):
    with pytest.raises(ValueError, match=field):
        nn.Schedule(**kwargs)


def test_unknown_schedule_lists_options():
    with pytest.raises(ValueError) as info:
        nn.Schedule("cosine")
    assert _options_listed(str(info.value), nn.SCHEDULES)
