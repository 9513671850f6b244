"""The planes' fast path for all-finite values (one flat check, no masked copies, the scatter
scaled in the small matrix) gives the planes of their definition; rows with a NaN or an
infinity are still left out, and huge values still do not overflow."""

from __future__ import annotations

import numpy as np
import pytest

from playground.training.planes import output_plane, pca_2d, pca_plane


def _leading(centred: np.ndarray, count: int) -> np.ndarray:
    """The main directions by an SVD of the data (the definition, not the code's scatter matrix)."""
    return np.linalg.svd(centred, full_matrices=False)[2][:count]


def _same_line(a: np.ndarray, b: np.ndarray) -> None:
    """Unit vectors ``a`` and ``b`` span the same line (a direction's sign is a convention)."""
    assert abs(abs(float(a @ b)) - 1.0) < 1e-9


@pytest.fixture
def values() -> np.ndarray:
    rng = np.random.default_rng(7)
    # Anisotropic on purpose: a clear main direction besides the output one.
    return np.tanh(rng.normal(size=(500, 6)) * np.array([3.0, 1.0, 0.5, 0.2, 0.1, 0.05]))


def test_output_plane_of_finite_values_is_its_definition(values: np.ndarray) -> None:
    W = np.array([[1.0], [2.0], [0.0], [-1.0], [0.5], [0.0]])
    plane = output_plane(W, values.astype(np.float32))
    origin = values.astype(np.float32).astype(np.float64).mean(axis=0)
    np.testing.assert_allclose(plane.origin, origin, rtol=1e-12)
    w = W[:, 0] / np.linalg.norm(W)
    np.testing.assert_allclose(plane.basis[0], w, atol=1e-12)  # along the weights, never flipped
    centred = values.astype(np.float32).astype(np.float64) - origin
    other = _leading(centred - np.outer(centred @ w, w), 1)[0]
    _same_line(plane.basis[1], other)


def test_output_plane_leaves_the_caller_values_alone(values: np.ndarray) -> None:
    before = values.copy()
    output_plane(np.ones((6, 1)), values)  # the direction is removed in place, from its own copy
    np.testing.assert_array_equal(values, before)


def test_non_finite_rows_are_left_out(values: np.ndarray) -> None:
    W = np.array([[1.0], [0.0], [1.0], [0.0], [0.0], [1.0]])
    spoiled = values.copy()
    spoiled[[3, 40, 41]] = np.nan
    spoiled[100, 2] = np.inf
    clean = np.delete(values, [3, 40, 41, 100], axis=0)
    got, want = output_plane(W, spoiled), output_plane(W, clean)
    np.testing.assert_allclose(got.origin, want.origin, rtol=1e-12)
    np.testing.assert_allclose(got.basis, want.basis, atol=1e-12)
    got_pca, want_pca = pca_plane(spoiled), pca_plane(clean)
    np.testing.assert_allclose(got_pca.basis, want_pca.basis, atol=1e-12)
    projection = pca_2d(spoiled)[0]
    assert np.isnan(projection[3]).all() and np.isfinite(projection[0]).all()  # non-finite rows stay so


def test_pca_of_finite_values_is_its_definition(values: np.ndarray) -> None:
    projection, components, mean = pca_2d(values)
    np.testing.assert_allclose(mean, values.mean(axis=0), rtol=1e-12)
    for got, want in zip(components, _leading(values - values.mean(axis=0), 2)):
        _same_line(got, want)
    np.testing.assert_allclose(projection, (values - mean) @ components.T, atol=1e-12)


def test_huge_values_do_not_overflow(values: np.ndarray) -> None:
    # Past the reach where the unscaled scatter matrix would overflow: scaled first, same plane.
    huge = output_plane(np.ones((6, 1)), values * 1e200)
    plain = output_plane(np.ones((6, 1)), values)
    assert np.isfinite(huge.basis).all()
    np.testing.assert_allclose(huge.basis, plain.basis, atol=1e-9)
    _same_line(pca_plane(values * 1e200).basis[0], pca_plane(values).basis[0])


def test_a_layer_without_finite_rows_gets_an_empty_plane() -> None:
    plane = output_plane(np.ones((3, 1)), np.full((4, 3), np.nan))
    np.testing.assert_array_equal(plane.origin, np.zeros(3))
    np.testing.assert_array_equal(plane.basis[1], np.zeros(3))
