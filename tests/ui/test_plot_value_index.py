"""value_index, worked out in place, gives the LUT indices of its definition: values over
[vmin, vmax] clipped and quantised to 0..255, NaN and infinities at the centre."""

from __future__ import annotations

import numpy as np
import pytest

from playground.ui.plots.colors import value_index


def _definition(V, vmin: float, vmax: float) -> np.ndarray:
    V = np.asarray(V, dtype=np.float64)
    span = vmax - vmin if vmax > vmin else 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        u = np.clip((V - vmin) / span, 0.0, 1.0)
    return (np.where(np.isfinite(V), u, 0.5) * 255 + 0.5).astype(np.intp)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_value_index_is_its_definition(dtype) -> None:
    values = np.tanh(np.random.default_rng(1).normal(size=(12, 25, 25)) * 2).astype(dtype)
    got = value_index(values, -1.0, 1.0)
    assert got.dtype == np.intp and got.shape == values.shape
    np.testing.assert_array_equal(got, _definition(values, -1.0, 1.0))
    assert got.min() >= 0 and got.max() <= 255
    np.testing.assert_array_equal(values, np.tanh(np.random.default_rng(1).normal(size=(12, 25, 25)) * 2).astype(dtype))


def test_non_finite_values_go_to_the_centre_and_the_rest_is_clipped() -> None:
    values = np.array([np.nan, np.inf, -np.inf, -5.0, 5.0, 0.0, 1e308, -1e308])
    got = value_index(values, -1.0, 1.0)
    np.testing.assert_array_equal(got, [128, 128, 128, 0, 255, 128, 255, 0])
    # Huge finite values stay clipped, on a range of another scale too.
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(value_index(values, -1.0, 1e-300), _definition(values, -1.0, 1e-300))


def test_a_flat_range_lists_and_scalars() -> None:
    np.testing.assert_array_equal(value_index([0.2, 0.7], 0.5, 0.5), _definition([0.2, 0.7], 0.5, 0.5))
    assert int(value_index(0.25, 0.0, 1.0)) == 64
