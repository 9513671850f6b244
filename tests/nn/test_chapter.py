"""The chapter's hand-derived backpropagation equals the engine's gradients.

Chapter notation (one column per example): ``z(l) = W(l) a(l-1) + b(l)``,
``a(l) = sigma(z(l))``, ``J = sum((A_L - Y)^2) / (2m)``, and

    delta_L = (A_L - Y) * A_L * (1 - A_L)
    delta_l = (W_{l+1}^T delta_{l+1}) * A_l * (1 - A_l)
    dJ/dW_l = delta_l A_{l-1}^T / m,   dJ/db_l = mean of delta_l over the examples.

Here a batch is rows and ``W`` is stored (n_in, n_out), the chapter's W transposed,
so the same equations read ``delta_l = (delta_{l+1} W_{l+1}^T) * ...`` and
``dJ/dW_l = A_{l-1}^T delta_l / m``.
"""

from __future__ import annotations

import numpy as np
import pytest

from playground import nn
from playground.engine import Tensor


def hand_gradients(model: nn.MLP, X: np.ndarray, Y: np.ndarray):
    """Forward and backward in plain numpy, the chapter's way. Returns [(dW, db)] per layer."""
    m = len(X)
    A = [X]
    for layer in model.layers:
        Z = A[-1] @ layer.W.data + layer.b.data
        A.append(1.0 / (1.0 + np.exp(-Z)))
    L = len(model.layers)
    delta = (A[L] - Y) * A[L] * (1.0 - A[L])
    grads = [None] * L
    for l in range(L, 0, -1):  # layers numbered 1..L; A[l] is layer l's activation
        grads[l - 1] = (A[l - 1].T @ delta / m, delta.mean(axis=0))
        if l > 1:
            delta = (delta @ model.layers[l - 1].W.data.T) * A[l - 1] * (1.0 - A[l - 1])
    return A, grads


def engine_loss(model: nn.MLP, X: np.ndarray, Y: np.ndarray, trace=None) -> Tensor:
    A_L = model(X, trace=trace).sigmoid()
    m = len(X)
    return ((A_L - Y) ** 2).sum() / (2.0 * m)


@pytest.mark.parametrize("sizes,seed", [((2, 3, 2, 1), 0), ((2, 4, 1), 1), ((3, 5, 4, 3, 2), 2), ((2, 1), 3)])
def test_hand_derivation_equals_engine(sizes, seed):
    rng = np.random.default_rng(seed)
    n_in, *hidden, n_out = sizes
    model = nn.MLP(n_in, hidden, n_out, activation="sigmoid", init="uniform", seed=seed)
    # Non-zero biases, so the bias gradients are tested with a non-trivial forward.
    for layer in model.layers:
        layer.b.data[:] = rng.uniform(-0.5, 0.5, size=layer.b.shape)
    X = rng.normal(size=(7, n_in))
    Y = rng.random((7, n_out))

    model.zero_grad()
    trace: list = []
    loss = engine_loss(model, X, Y, trace)
    loss.backward()

    A, grads = hand_gradients(model, X, Y)
    # The forward passes agree layer by layer (the output trace holds the logits).
    for l, t in enumerate(trace[:-1], start=1):
        np.testing.assert_allclose(t.a.data, A[l], rtol=1e-12)
    np.testing.assert_allclose(1.0 / (1.0 + np.exp(-trace[-1].z.data)), A[-1], rtol=1e-12)
    np.testing.assert_allclose(loss.data, ((A[-1] - Y) ** 2).sum() / (2 * len(X)), rtol=1e-12)

    assert len(grads) == len(model.layers)
    for layer, (dW, db) in zip(model.layers, grads):
        np.testing.assert_allclose(layer.W.grad, dW, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(layer.b.grad, db, rtol=1e-10, atol=1e-14)


def test_output_delta_is_the_gradient_wrt_logits():
    """delta_L / m is dJ/dz_L: the engine's gradient on the output layer's z."""
    rng = np.random.default_rng(5)
    model = nn.MLP(2, [3, 2], 1, activation="sigmoid", seed=5)
    X, Y = rng.normal(size=(6, 2)), rng.random((6, 1))
    trace: list = []
    engine_loss(model, X, Y, trace).backward()
    A, _ = hand_gradients(model, X, Y)
    delta_L = (A[-1] - Y) * A[-1] * (1 - A[-1])
    np.testing.assert_allclose(trace[-1].z.grad, delta_L / len(X), rtol=1e-10)
    # And one layer down: delta_{L-1} = (delta_L W_L^T) * A (1 - A).
    delta = (delta_L @ model.layers[-1].W.data.T) * A[-2] * (1 - A[-2])
    np.testing.assert_allclose(trace[-2].z.grad, delta / len(X), rtol=1e-10)


def test_one_gradient_step_lowers_the_chapter_loss():
    rng = np.random.default_rng(9)
    model = nn.MLP(2, [3, 2], 1, activation="sigmoid", init="uniform", seed=9)
    X, Y = rng.normal(size=(8, 2)), rng.random((8, 1))
    losses = []
    for _ in range(5):
        model.zero_grad()
        loss = engine_loss(model, X, Y)
        loss.backward()
        losses.append(float(loss.data))
        _, grads = hand_gradients(model, X, Y)
        for layer, (dW, db) in zip(model.layers, grads):
            np.testing.assert_allclose(layer.W.grad, dW, rtol=1e-10, atol=1e-14)
            layer.W.data -= 2.0 * dW
            layer.b.data -= 2.0 * db
    assert all(b < a for a, b in zip(losses, losses[1:]))
