"""The engine's own elementwise kernels agree with numpy's to the last few bits."""

import numpy as np
import pytest

from playground.engine import Tensor, kernels


@pytest.mark.parametrize("shape", [(3,), (100, 16), (5000, 16), (70_001,)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tanh_matches_numpy_at_every_size(shape, dtype):
    x = np.random.default_rng(0).normal(0, 4, shape).astype(dtype)
    tol = 4e-16 if dtype == np.float64 else 0.0  # float32 and small arrays are np.tanh itself
    got = kernels.tanh(x)
    assert got.dtype == dtype and got.shape == shape
    np.testing.assert_allclose(got, np.tanh(x), rtol=0, atol=tol if x.size >= 4096 else 0.0)


def test_tanh_keeps_the_limits_zero_and_nan_of_a_large_array():
    special = np.array([0.0, -0.0, 1e-300, 20.0, -20.0, 400.0, -400.0, 1e308, -1e308, np.inf, -np.inf, np.nan])
    x = np.concatenate([special, np.linspace(-30, 30, 8000)])
    with np.errstate(all="raise"):  # no overflow warning escapes
        got = kernels.tanh(x)
    # Exactly +-1 at the extremes; near 0 within 4e-16 (1e-300 comes out as 0, an absolute error
    # far below the rounding of anything it is added to).
    np.testing.assert_array_equal(got[3:11], np.tanh(special[3:11]))
    np.testing.assert_allclose(got[:3], 0.0, rtol=0, atol=4e-16)
    assert np.isnan(got[11])
    assert np.all(np.abs(np.delete(got, 11)) <= 1.0)


def test_tanh_reads_a_strided_view_without_changing_it():
    base = np.random.default_rng(1).normal(size=(400, 40))
    view = base[:, ::2]  # not contiguous
    before = base.copy()
    np.testing.assert_allclose(kernels.tanh(view), np.tanh(view), rtol=0, atol=4e-16)
    np.testing.assert_array_equal(base, before)


def test_the_tensor_ops_use_it_and_keep_their_gradients():
    x = np.random.default_rng(2).normal(0, 2, (600, 16))
    t, s = Tensor(x, requires_grad=True), Tensor(x, requires_grad=True)
    t.tanh().sum().backward()
    s.sigmoid().sum().backward()
    np.testing.assert_allclose(t.grad, 1 - np.tanh(x) ** 2, rtol=0, atol=2e-15)
    sig = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(s.grad, sig * (1 - sig), rtol=0, atol=2e-15)


@pytest.mark.parametrize(
    "n, k_in, k_out",
    [
        (5, 2, 16),
        (1024, 16, 16),
        (1025, 16, 16),
        (2049, 16, 16),
        (3001, 16, 16),
        (70_001, 16, 8),
        (100_000, 2, 16),
        (40_000, 16, 1),
    ],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("with_bias", [True, False])
def test_affine_into_is_the_product_plus_bias_to_the_last_bit(n, k_in, k_out, dtype, with_bias):
    rng = np.random.default_rng(1)
    x, W = rng.normal(size=(n, k_in)).astype(dtype), rng.normal(size=(k_in, k_out)).astype(dtype)
    b = rng.normal(size=k_out).astype(dtype) if with_bias else None
    expected = np.dot(x, W)
    if b is not None:
        expected += b
    fresh = kernels.affine_into(None, x, W, b)
    buffer = np.full_like(expected, np.nan)
    written = kernels.affine_into(buffer, x, W, b)
    assert written is buffer and fresh.dtype == dtype and fresh.shape == (n, k_out)
    # Row blocks may round a few values differently in the last bit (float64 only is blocked);
    # the same shapes always give the same values, fresh or into a buffer.
    np.testing.assert_allclose(fresh, expected, rtol=0, atol=8 * np.finfo(dtype).eps * np.abs(expected).max())
    np.testing.assert_array_equal(buffer, fresh)


@pytest.mark.parametrize("shape", [(), (7,), (100, 16), (16_384,), (16_385,), (100_000, 16)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tanh_grad_is_one_minus_a_squared_times_g_bit_for_bit(shape, dtype):
    rng = np.random.default_rng(2)
    a = np.tanh(rng.normal(0, 2, shape)).astype(dtype)
    g = rng.normal(size=shape).astype(dtype)
    got = kernels.tanh_grad(a, g)
    assert isinstance(got, np.ndarray) and got.shape == shape and got.dtype == dtype
    np.testing.assert_array_equal(got, (1.0 - a * a) * g)
    assert not np.shares_memory(got, a) and not np.shares_memory(got, g)


def test_tanh_grad_takes_a_strided_or_broadcast_gradient():
    a = np.tanh(np.linspace(-3, 3, 40_000)).reshape(20_000, 2)
    strided = np.linspace(-1, 1, 80_000).reshape(20_000, 4)[:, ::2]
    broadcast = np.broadcast_to(np.float64(0.5), a.shape)
    for g in (strided, broadcast):
        np.testing.assert_array_equal(kernels.tanh_grad(a, g), (1.0 - a * a) * g)


def test_a_large_float64_layer_gives_the_gradients_of_the_plain_formulas():
    from playground.engine import functional as F

    rng = np.random.default_rng(3)
    x = Tensor(rng.normal(size=(50_000, 16)))
    W, b = Tensor(rng.normal(size=(16, 16)), requires_grad=True), Tensor(rng.normal(size=16), requires_grad=True)
    a = F.linear(x, W, b).tanh()
    g = rng.normal(size=a.shape)
    a.backward(g)
    z = x.data @ W.data + b.data
    slope = (1.0 - np.tanh(z) ** 2) * g
    np.testing.assert_allclose(a.data, np.tanh(z), rtol=0, atol=4e-16)
    np.testing.assert_allclose(W.grad, x.data.T @ slope, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(b.grad, slope.sum(axis=0), rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("size", [10, 4096, 100_000])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softplus_into_is_logaddexp_and_leaves_exp_of_minus_abs_z(size, dtype):
    z = np.random.default_rng(4).normal(0, 30, size).astype(dtype)
    z[:6] = [0.0, -0.0, np.inf, -np.inf, np.nan, 800.0]
    out, e, scratch = np.empty_like(z), np.empty_like(z), np.empty_like(z)
    with np.errstate(invalid="ignore"):  # logaddexp's own warning for the NaN
        assert kernels.softplus_into(out, z, e, scratch) is out
        expected = np.logaddexp(dtype(0.0), z)
    np.testing.assert_array_equal(e, np.exp(-np.abs(z)))
    np.testing.assert_array_equal(out[:6], expected[:6])  # 0, -0, inf kept, NaN, 800 exactly
    # A few units in the last place: numpy's SIMD exp and log1p (float64 ones from numpy 2.4) are
    # not logaddexp's scalar loop to the last bit.
    np.testing.assert_allclose(out, expected, rtol=4 * np.finfo(dtype).eps, atol=np.finfo(dtype).tiny)


@pytest.mark.parametrize(
    "n, k_in, k_out", [(16_384, 16, 16), (16_385, 16, 16), (70_001, 16, 8), (100_000, 2, 16), (140_000, 16, 1)]
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_affine_grads_in_blocks_are_the_three_products(n, k_in, k_out, dtype):
    rng = np.random.default_rng(5)
    x, W = rng.normal(size=(n, k_in)).astype(dtype), rng.normal(size=(k_in, k_out)).astype(dtype)
    g = rng.normal(size=(n, k_out)).astype(dtype)
    rows = kernels.grad_block_rows(n, k_in, k_out, np.dtype(dtype).itemsize)
    assert rows and n >= 4 * rows  # these layers are blocked
    dx, dW, db = kernels.affine_grads(g, x, W, rows, True, True, True)
    eps = np.finfo(dtype).eps
    for got, expected in ((dx, g @ W.T), (dW, x.T @ g), (db, g.sum(axis=0))):
        assert got is not None and got.dtype == dtype and got.shape == expected.shape
        scale = np.abs(g).max() * max(np.abs(x).max(), np.abs(W).max(), 1.0) * np.sqrt(n)
        np.testing.assert_allclose(got, expected, rtol=0, atol=16 * eps * scale)
    assert kernels.affine_grads(g, x, W, rows, False, True, False)[::2] == (None, None)


def test_a_small_layer_is_not_blocked():
    assert kernels.grad_block_rows(8191, 16, 16, 8) == 0  # 4 blocks of 2,048 float64 rows at least
    assert kernels.grad_block_rows(8192, 16, 16, 8) == 2048
    assert kernels.grad_block_rows(16_384, 16, 16, 4) == 4096  # float32: twice the rows in the same bytes
    assert kernels.grad_block_rows(20_000, 2, 8, 8) == 4096  # a narrower layer, longer blocks


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_large_layers_backward_takes_blocks_or_a_strided_gradient(dtype):
    from playground.engine import functional as F

    rng = np.random.default_rng(6)
    xd = rng.normal(size=(40_000, 16)).astype(dtype)
    eps = np.finfo(dtype).eps
    g = rng.normal(size=(40_000, 2, 8)).astype(dtype)[:, 0, :]  # (40000, 8), not contiguous
    for upstream in (np.ascontiguousarray(g), g):
        x = Tensor(xd, requires_grad=True)
        W = Tensor(rng.normal(size=(16, 8)).astype(dtype), requires_grad=True)
        b = Tensor(np.zeros(8, dtype), requires_grad=True)
        F.linear(x, W, b).backward(upstream)
        tol = 64 * eps * np.abs(upstream).max() * np.abs(xd).max() * np.sqrt(len(xd))
        np.testing.assert_allclose(x.grad, upstream @ W.data.T, rtol=0, atol=tol)
        np.testing.assert_allclose(W.grad, xd.T @ upstream, rtol=0, atol=tol)
        np.testing.assert_allclose(b.grad, upstream.sum(axis=0), rtol=0, atol=tol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_layer_over_a_tanh_does_the_tanhs_backward_ahead_bit_for_bit(dtype):
    from playground.engine import functional as F

    rng = np.random.default_rng(7)
    x = Tensor(rng.normal(size=(20_000, 2)).astype(dtype))
    W1, b1 = (Tensor(rng.normal(size=s).astype(dtype), requires_grad=True) for s in ((2, 16), (16,)))
    W2, b2 = (Tensor(rng.normal(size=s).astype(dtype) * 0.3, requires_grad=True) for s in ((16, 16), (16,)))
    z1 = F.linear(x, W1, b1)
    a1 = z1.tanh()
    z2 = F.linear(a1, W2, b2)
    g = rng.normal(size=z2.shape).astype(dtype)
    z2.backward(g)
    assert a1._ready is None  # taken up by the walk
    # The tanh's gradient is its own formula of the gradient it received, to the last bit.
    np.testing.assert_array_equal(z1.grad, kernels.tanh_grad(a1.data, a1.grad))
    eps = np.finfo(dtype).eps
    tol = 64 * eps * np.abs(g).max() * np.sqrt(len(g)) * 16
    np.testing.assert_allclose(a1.grad, g @ W2.data.T, rtol=0, atol=tol)
    np.testing.assert_allclose(W1.grad, x.data.T @ ((1 - a1.data**2) * (g @ W2.data.T)), rtol=0, atol=tol)


def test_a_second_gradient_into_the_tanh_drops_the_result_computed_ahead():
    from playground.engine import functional as F

    rng = np.random.default_rng(8)
    z = Tensor(rng.normal(size=(20_000, 16)), requires_grad=True)
    a = z.tanh()
    doubled = a * 2.0  # made before the layer, so the walk reaches it after the layer
    W, b = Tensor(rng.normal(size=(16, 8)), requires_grad=True), Tensor(np.zeros(8), requires_grad=True)
    out = F.linear(a, W, b)
    g1, g2 = rng.normal(size=out.shape), rng.normal(size=a.shape)
    ((out * g1).sum() + (doubled * g2).sum()).backward()
    np.testing.assert_allclose(a.grad, g1 @ W.data.T + 2.0 * g2, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(z.grad, kernels.tanh_grad(a.data, a.grad))  # both paths' sum, not the layer's alone
