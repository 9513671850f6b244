"""End to end: small networks learn the problems the playground shows."""

from __future__ import annotations

import numpy as np
import pytest

from playground import nn
from playground.engine import bce_with_logits, no_grad, softmax_cross_entropy


def fit(
    model: nn.MLP,
    X: np.ndarray,
    y: np.ndarray,
    loss_fn,
    optimizer,
    steps: int,
    batch_size: int | None = None,
    seed: int = 0,
) -> list[float]:
    """Full-batch (or minibatch) training; returns the loss of every step."""
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        if batch_size is None:
            batches = [np.arange(len(X))]
        else:
            order = rng.permutation(len(X))
            batches = [order[i : i + batch_size] for i in range(0, len(X), batch_size)]
        for idx in batches:
            model.zero_grad()
            loss = loss_fn(model(X[idx]), y[idx])
            loss.backward()
            optimizer.step()
            losses.append(float(loss.data))
    return losses


def predict(model: nn.MLP, X: np.ndarray) -> np.ndarray:
    with no_grad():
        return model(X).data


def spirals(n: int = 200, turns: float = 2.0, noise: float = 0.1, seed: int = 0):
    """Two interleaved spirals, ``turns`` full turns each, class 1 the point reflection of class 0."""
    rng = np.random.default_rng(seed)
    k = n // 2
    s = np.linspace(0.05, 1.0, k)
    angle = s * turns * 2 * np.pi
    arm = np.stack([5 * s * np.cos(angle), 5 * s * np.sin(angle)], axis=1)
    X = np.concatenate([arm, -arm]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(k), np.ones(k)])
    return X, y


XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


@pytest.mark.parametrize("optimizer,lr,steps", [("adam", 0.1, 1000), ("momentum", 0.5, 2000)])
def test_xor_with_2_2_1_sigmoid_network(optimizer, lr, steps):
    model = nn.MLP(2, [2], 1, activation="sigmoid", init="uniform", seed=0)
    opt = nn.make_optimizer(optimizer, model.params, lr)
    losses = fit(model, XOR_X, XOR_Y, bce_with_logits, opt, steps)
    assert losses[-1] < 0.05 < losses[0]
    probs = 1.0 / (1.0 + np.exp(-predict(model, XOR_X)))
    np.testing.assert_array_equal(probs > 0.5, XOR_Y > 0.5)


def test_xor_is_not_learnable_by_logistic_regression():
    model = nn.MLP(2, [], 1, seed=0)
    opt = nn.Adam(model.params, 0.1)
    losses = fit(model, XOR_X, XOR_Y, bce_with_logits, opt, 300)
    assert losses[-1] > 0.69  # stuck at log(2): no line separates XOR
    assert np.sum((predict(model, XOR_X) > 0) == (XOR_Y > 0.5)) < 4


def test_spirals_need_hidden_layers():
    X, y = spirals()
    model = nn.MLP(2, [], 1, seed=0)
    fit(model, X, y[:, None], bce_with_logits, nn.Adam(model.params, 0.05), 300)
    assert np.mean((predict(model, X)[:, 0] > 0) == (y > 0.5)) < 0.7


@pytest.mark.parametrize("activation,dtype", [("tanh", np.float64), ("relu", np.float64), ("tanh", np.float32)])
def test_mlp_learns_two_spirals(activation, dtype):
    X, y = spirals()
    init = "he" if activation == "relu" else "xavier"
    model = nn.MLP(2, [16, 16], 1, activation=activation, init=init, seed=0, dtype=dtype)
    opt = nn.Adam(model.params, 0.02)
    losses = fit(model, X.astype(dtype), y[:, None], bce_with_logits, opt, 1000)
    assert model.params.data.dtype == dtype
    assert losses[-1] < 0.1 * losses[0]
    accuracy = np.mean((predict(model, X)[:, 0] > 0) == (y > 0.5))
    assert accuracy >= 0.95


def blobs(seed: int = 0):
    rng = np.random.default_rng(seed)
    centers = np.array([[-2.0, -2.0], [-2.0, 2.0], [2.0, -2.0], [2.0, 2.0]])
    labels = np.repeat(np.arange(4), 50)
    return centers[labels] + rng.normal(0.0, 0.6, size=(200, 2)), labels


def test_softmax_learns_four_blobs():
    X, labels = blobs()
    head = nn.get_head("softmax")
    model = nn.MLP(2, [8], head.n_outputs(4), activation="relu", init="he", seed=0)
    losses = fit(model, X, labels, head.loss, nn.Adam(model.params, 0.05), 200)
    assert losses[-1] < 0.05 < losses[0]
    probs = head.activate(predict(model, X))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-12)
    assert np.mean(probs.argmax(axis=1) == labels) >= 0.95
    assert head.loss is softmax_cross_entropy  # the head's loss is the fused op


def test_softmax_learns_blobs_with_minibatch_nesterov():
    X, labels = blobs(seed=1)
    model = nn.MLP(2, [8], 4, activation="tanh", seed=1)
    opt = nn.make_optimizer("nesterov", model.params, 0.05, momentum=0.9)
    fit(model, X, labels, softmax_cross_entropy, opt, steps=20, batch_size=20, seed=1)
    assert np.mean(predict(model, X).argmax(axis=1) == labels) >= 0.95


def test_regression_fits_a_smooth_function():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2.0, 2.0, size=(200, 2))
    y = np.sin(X[:, 0]) * np.cos(X[:, 1])
    head = nn.head_for_task("regression", 0)
    assert head.name == "identity"
    model = nn.MLP(2, [32], 1, activation="tanh", seed=0)
    fit(model, X, y, head.loss, nn.Adam(model.params, 0.02), 1500)
    pred = head.activate(predict(model, X))[:, 0]
    rmse = np.sqrt(np.mean((pred - y) ** 2))
    assert rmse < 0.05  # the targets' own spread is about 0.5
    # It generalises to fresh points of the same function too.
    X_new = rng.uniform(-1.8, 1.8, size=(100, 2))
    pred_new = predict(model, X_new)[:, 0]
    assert np.sqrt(np.mean((pred_new - np.sin(X_new[:, 0]) * np.cos(X_new[:, 1])) ** 2)) < 0.1
