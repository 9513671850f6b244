"""Fused ops: linear and the three losses, against naive formulas and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import Tensor, bce_with_logits, gradcheck, linear, mse, softmax_cross_entropy

RNG = np.random.default_rng(7)


def leaf(array) -> Tensor:
    return Tensor(np.array(array, dtype=np.float64), requires_grad=True)


def naive_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def naive_bce(z, y):
    p = naive_sigmoid(z)
    return np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))


def naive_softmax_ce(z, labels):
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    return np.mean(-np.log(p[np.arange(len(labels)), labels]))


# ------------------------------------------------------------------ linear
def test_linear_values_and_gradcheck_with_bias():
    x, W, b = RNG.normal(size=(5, 3)), RNG.normal(size=(3, 4)), RNG.normal(size=4)
    out = linear(Tensor(x), Tensor(W), Tensor(b))
    np.testing.assert_allclose(out.data, x @ W + b, rtol=1e-12)
    assert out.op == "linear"
    tx, tW, tb = leaf(x), leaf(W), leaf(b)
    assert gradcheck(lambda x, W, b: linear(x, W, b) ** 2, [tx, tW, tb])
    assert tx.grad.shape == x.shape and tW.grad.shape == W.shape and tb.grad.shape == b.shape


def test_linear_values_and_gradcheck_without_bias():
    x, W = RNG.normal(size=(5, 3)), RNG.normal(size=(3, 2))
    out = linear(Tensor(x), Tensor(W))
    np.testing.assert_allclose(out.data, x @ W, rtol=1e-12)
    assert len(out.parents) == 0  # nothing needs a gradient: no graph
    tx, tW = leaf(x), leaf(W)
    out = linear(tx, tW)
    assert out.parents == (tx, tW)
    assert gradcheck(lambda x, W: linear(x, W).tanh(), [tx, tW])


def test_a_large_linear_layers_blocked_backward_passes_gradcheck():
    # 8,192 rows of 16 units: the backward goes through g in blocks (kernels.affine_grads).
    x = Tensor(RNG.normal(size=(8192, 2)))
    W, b = leaf(RNG.normal(size=(2, 16))), leaf(RNG.normal(size=16))
    assert gradcheck(lambda x, W, b: linear(x, W, b).tanh(), [x, W, b])


def test_linear_explicit_gradients():
    x, W, b = RNG.normal(size=(4, 3)), leaf(RNG.normal(size=(3, 2))), leaf(np.zeros(2))
    g = RNG.normal(size=(4, 2))
    (linear(Tensor(x), W, b) * g).sum().backward()
    np.testing.assert_allclose(W.grad, x.T @ g, rtol=1e-12)
    np.testing.assert_allclose(b.grad, g.sum(axis=0), rtol=1e-12)


def test_linear_input_without_grad_gets_none():
    x = Tensor(RNG.normal(size=(4, 3)))
    W = leaf(RNG.normal(size=(3, 2)))
    linear(x, W).sum().backward()
    assert x.grad is None
    assert W.grad is not None


@pytest.mark.parametrize(
    "x_shape,W_shape,b_shape",
    [
        ((4, 3), (2, 5), None),
        ((3,), (3, 2), None),
        ((4, 3), (3,), None),
        ((4, 3), (3, 2), (3,)),
        ((4, 3), (3, 2), (1, 2)),
    ],
)
def test_linear_shape_errors(x_shape, W_shape, b_shape):
    b = None if b_shape is None else Tensor(np.zeros(b_shape))
    with pytest.raises(ValueError, match="linear") as info:
        linear(Tensor(np.zeros(x_shape)), Tensor(np.zeros(W_shape)), b)
    message = str(info.value)
    assert str(W_shape) in message
    assert str(x_shape) in message or str(b_shape) in message


# ---------------------------------------------------------- bce_with_logits
def test_bce_values_against_naive_formula():
    z, y = RNG.normal(size=(6, 1)) * 3, (RNG.random((6, 1)) < 0.5).astype(float)
    out = bce_with_logits(Tensor(z), y)
    assert out.shape == ()
    assert out.op == "bce_with_logits"
    np.testing.assert_allclose(out.data, naive_bce(z, y), rtol=1e-12)
    # Soft targets too.
    soft = RNG.random((6, 1))
    np.testing.assert_allclose(bce_with_logits(Tensor(z), soft).data, naive_bce(z, soft), rtol=1e-12)


def test_bce_gradcheck_and_gradient_formula():
    z, y = RNG.normal(size=(5, 1)) * 2, np.array([[0.0], [1.0], [1.0], [0.0], [1.0]])
    tz = leaf(z)
    assert gradcheck(lambda z: bce_with_logits(z, y), [tz])
    np.testing.assert_allclose(tz.grad, (naive_sigmoid(z) - y) / 5, rtol=1e-10)


def test_bce_accepts_flat_targets_for_a_column():
    z, y = RNG.normal(size=(4, 1)), np.array([0, 1, 1, 0])
    np.testing.assert_allclose(bce_with_logits(Tensor(z), y).data, naive_bce(z, y[:, None]), rtol=1e-12)


@pytest.mark.parametrize("big", [100.0, 1000.0])
def test_bce_extreme_logits_finite(big):
    z = leaf(np.array([[big], [-big], [big], [-big]]))
    y = np.array([[1.0], [0.0], [0.0], [1.0]])
    loss = bce_with_logits(z, y)
    assert np.isfinite(loss.data)
    # Two confident right answers (loss ~0) and two confident wrong ones (loss ~big each).
    np.testing.assert_allclose(loss.data, 2 * big / 4, rtol=1e-12)
    loss.backward()
    assert np.all(np.isfinite(z.grad))
    np.testing.assert_allclose(z.grad, [[0.0], [0.0], [0.25], [-0.25]], atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_large_batchs_bce_builds_sigmoid_from_its_forwards_exp(dtype):
    # 5,000 logits: the vectorised path, whose float64 backward reads exp(-|z|) from the forward.
    z = (RNG.normal(size=(5000, 1)) * 8).astype(dtype)
    z[:6, 0] = [0.0, -0.0, 40.0, -40.0, 800.0, -800.0]
    y = (RNG.random((5000, 1)) < 0.5).astype(dtype)
    y[3] = 0.0  # z = -40 against 0
    tz = Tensor(z, requires_grad=True)
    loss = bce_with_logits(tz, y)
    loss.backward()
    exact = z.astype(np.float64)
    sigmoid = np.where(
        exact >= 0, 1 / (1 + np.exp(-np.abs(exact))), np.exp(-np.abs(exact)) / (1 + np.exp(-np.abs(exact)))
    )
    eps = np.finfo(dtype).eps
    assert tz.grad.dtype == dtype and loss.dtype == dtype
    np.testing.assert_allclose(tz.grad, (sigmoid - y) / 5000, rtol=4 * eps, atol=2 * eps / 5000)
    if dtype == np.float64:
        # Where y = 0 the gradient is sigmoid / n, right to its relative rounding even at
        # sigmoid(-40) = 4e-18, which 0.5 + 0.5 tanh(-20) rounded to 0 (float32 keeps that form).
        zero = y[:, 0] == 0
        np.testing.assert_allclose(tz.grad[zero] * 5000, sigmoid[zero], rtol=4 * eps, atol=0)
    expected = np.mean(np.logaddexp(0.0, exact) - exact * y)  # naive_bce's log(0) at +-800 is -inf
    np.testing.assert_allclose(loss.data, expected, rtol=1e-6 if dtype == np.float32 else 1e-12)


def test_a_large_batchs_bce_passes_gradcheck():
    z, y = RNG.normal(size=(4096, 1)) * 3, (RNG.random((4096, 1)) < 0.5).astype(float)
    assert gradcheck(lambda z: bce_with_logits(z, y), [leaf(z)])


def test_bce_float32():
    z = Tensor(np.array([[-100.0], [0.5], [100.0]], dtype=np.float32), requires_grad=True)
    loss = bce_with_logits(z, np.array([1, 0, 1]))
    assert loss.dtype == np.float32 and np.isfinite(loss.data)
    loss.backward()
    assert z.grad.dtype == np.float32 and np.all(np.isfinite(z.grad))


def test_bce_shape_error():
    with pytest.raises(ValueError, match=r"bce_with_logits.*\(3,\).*\(4, 1\)"):
        bce_with_logits(Tensor(np.zeros((4, 1))), np.zeros(3))


# ---------------------------------------------------- softmax_cross_entropy
def test_softmax_ce_values_against_naive_formula():
    z, labels = RNG.normal(size=(6, 4)) * 2, np.array([0, 3, 1, 2, 2, 0])
    out = softmax_cross_entropy(Tensor(z), labels)
    assert out.shape == ()
    assert out.op == "softmax_cross_entropy"
    np.testing.assert_allclose(out.data, naive_softmax_ce(z, labels), rtol=1e-12)


def test_softmax_ce_gradcheck_and_gradient_formula():
    z, labels = RNG.normal(size=(5, 3)), np.array([2, 0, 1, 1, 2])
    tz = leaf(z)
    assert gradcheck(lambda z: softmax_cross_entropy(z, labels), [tz])
    e = np.exp(z)
    expected = (e / e.sum(axis=1, keepdims=True) - np.eye(3)[labels]) / 5
    np.testing.assert_allclose(tz.grad, expected, rtol=1e-10)


def test_softmax_ce_large_logits_finite():
    z = leaf(np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 1000.0], [1000.0, 1000.0, 1000.0]]))
    labels = np.array([1, 2, 0])
    loss = softmax_cross_entropy(z, labels)
    assert np.isfinite(loss.data)
    np.testing.assert_allclose(loss.data, (1000.0 + np.log(2) + np.log(3)) / 3, rtol=1e-12)
    loss.backward()
    assert np.all(np.isfinite(z.grad))
    np.testing.assert_allclose(
        z.grad, np.array([[1, -1, 0], [0, 0.5, -0.5], [1 / 3 - 1, 1 / 3, 1 / 3]]) / 3, atol=1e-15
    )


def test_softmax_ce_accepts_whole_float_labels():
    z = RNG.normal(size=(3, 3))
    np.testing.assert_allclose(
        softmax_cross_entropy(Tensor(z), np.array([0.0, 2.0, 1.0])).data,
        naive_softmax_ce(z, np.array([0, 2, 1])),
        rtol=1e-12,
    )


def test_softmax_ce_label_errors():
    z = Tensor(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"softmax_cross_entropy.*0\.\.3"):
        softmax_cross_entropy(z, np.array([0, 4, 1]))
    with pytest.raises(ValueError, match="softmax_cross_entropy"):
        softmax_cross_entropy(z, np.array([0, -1, 1]))
    with pytest.raises(ValueError, match="softmax_cross_entropy.*whole"):
        softmax_cross_entropy(z, np.array([0.0, 1.5, 1.0]))
    with pytest.raises(ValueError, match="softmax_cross_entropy.*whole"):
        softmax_cross_entropy(z, np.array([0.0, np.nan, 1.0]))
    with pytest.raises(ValueError, match=r"softmax_cross_entropy.*\(2,\).*\(3, 4\)"):
        softmax_cross_entropy(z, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"softmax_cross_entropy.*\(3,\)"):
        softmax_cross_entropy(Tensor(np.zeros(3)), np.array([0, 1, 2]))


def test_softmax_ce_float32():
    z = Tensor(RNG.normal(size=(4, 3)).astype(np.float32), requires_grad=True)
    loss = softmax_cross_entropy(z, np.array([0, 1, 2, 1]))
    assert loss.dtype == np.float32
    loss.backward()
    assert z.grad.dtype == np.float32


# --------------------------------------------------------------------- mse
def test_mse_values_and_gradcheck():
    pred, target = RNG.normal(size=(6, 1)), RNG.normal(size=(6, 1))
    out = mse(Tensor(pred), target)
    assert out.op == "mse" and out.shape == ()
    np.testing.assert_allclose(out.data, np.mean((pred - target) ** 2), rtol=1e-12)
    tp = leaf(pred)
    assert gradcheck(lambda p: mse(p, target), [tp])
    np.testing.assert_allclose(tp.grad, 2 * (pred - target) / 6, rtol=1e-10)


def test_mse_flat_target_and_shape_error():
    pred, target = RNG.normal(size=(4, 1)), RNG.normal(size=4)
    np.testing.assert_allclose(mse(Tensor(pred), target).data, np.mean((pred[:, 0] - target) ** 2))
    with pytest.raises(ValueError, match=r"mse.*\(5,\).*\(4, 1\)"):
        mse(Tensor(pred), np.zeros(5))


def test_mse_float32():
    p = Tensor(np.ones((3, 1), dtype=np.float32), requires_grad=True)
    loss = mse(p, np.zeros(3))
    assert loss.dtype == np.float32
    loss.backward()
    assert p.grad.dtype == np.float32
    np.testing.assert_allclose(p.grad, np.full((3, 1), 2 / 3), rtol=1e-6)


def test_fused_ops_chain_through_a_network():
    x = RNG.normal(size=(6, 2))
    labels = np.array([0, 1, 2, 2, 1, 0])
    W1, b1, W2, b2 = (leaf(RNG.normal(size=s)) for s in [(2, 4), (4,), (4, 3), (3,)])

    def net(W1, b1, W2, b2):
        return softmax_cross_entropy(linear(linear(Tensor(x), W1, b1).tanh(), W2, b2), labels)

    assert gradcheck(net, [W1, b1, W2, b2])
