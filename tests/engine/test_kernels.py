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
