"""The loss landscape's float32 path: its exp-based activations, its log1p, the plane's shared first layer,
and the slice against float64."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from playground.data.generators import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.forward import (
    PlaneFirstLayer,
    activate,
    batched_logits,
    fast_sigmoid,
    fast_tanh,
    unflatten,
)
from playground.training.landscape import LossProblem, log1p_unit, loss_landscape, random_directions

SPECIAL = [np.inf, -np.inf, np.nan, 0.0, -0.0, 1e-30, -1e-30, 1e-8, 44.0, -44.0, 88.0, -88.0, 89.0, -89.0, 1e30, -1e30]


def _wide_range() -> np.ndarray:
    """float32 values over -100..100 (dense near 0, where tanh bends), and the special ones."""
    return np.concatenate([np.linspace(-100, 100, 400_001), np.linspace(-3, 3, 60_001), SPECIAL]).astype(np.float32)


@pytest.mark.parametrize("name, fast", [("tanh", fast_tanh), ("sigmoid", fast_sigmoid)])
def test_fast_activations_match_the_exact_ones_over_a_wide_range(name: str, fast: object) -> None:
    x = _wide_range()
    exact = activate(name, x.astype(np.float64))  # numpy's float64 tanh; the sigmoid as 0.5 + 0.5 tanh(z / 2)
    z = x.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # exp's overflow for large -z is the limit, not a warning
        got = fast(z)  # type: ignore[operator]
    assert got is z and got.dtype == np.float32  # in place
    np.testing.assert_allclose(got, exact, rtol=0, atol=1e-6)  # NaN where the input is NaN
    low = -1.0 if name == "tanh" else 0.0
    inf, minus_inf, nan = got[-len(SPECIAL) : -len(SPECIAL) + 3]
    assert (inf, minus_inf, got[-2], got[-1]) == (1.0, low, 1.0, low)  # the limits, at +-inf and +-1e30
    assert np.isnan(nan)
    assert got[0] == low and got[400_000] == 1.0  # -100 and +100


def test_float64_keeps_numpys_tanh_in_the_batched_path() -> None:
    """The fast activations are for float32 only: float64's batched logits equal the exact network's."""
    from playground.training.forward import Network

    rng = np.random.default_rng(1)
    sizes = (2, 4, 3, 1)
    params = rng.standard_normal((2, sum(a * b + b for a, b in zip(sizes, sizes[1:]))))
    X = rng.standard_normal((10, 2))
    got = batched_logits(X, params, sizes, ("tanh", "sigmoid"))
    for k, p in enumerate(params):
        want = Network.from_flat(p, sizes, ("tanh", "sigmoid")).logits(X)
        np.testing.assert_allclose(got[k], want, rtol=1e-15, atol=1e-15)


def test_log1p_unit_matches_numpy_to_float32_precision() -> None:
    e = np.concatenate([np.linspace(0, 1, 100_001), np.geomspace(1e-45, 1, 10_001), [6e-8, 5.9e-8, 1.2e-7]])
    e32 = e.astype(np.float32)
    got = log1p_unit(e32.copy())
    want = np.log1p(e32.astype(np.float64))
    np.testing.assert_allclose(got, want, rtol=5e-7, atol=0)  # a few units in the last place
    assert got[0] == 0.0
    assert np.isnan(log1p_unit(np.array([np.nan], dtype=np.float32))[0])
    np.testing.assert_array_equal(log1p_unit(e), np.log1p(e))  # float64: numpy's own


def _session(activation: str = "tanh", epochs: int = 12, **fields: object) -> tuple[Trainer, np.ndarray]:
    """The window's default network (2-16-16-1, Adam) on the spiral, 300 points, trained a little."""
    config = TrainingConfig(hidden=(16, 16), activation=activation, optimizer="adam", lr=0.03, batch_size=32, **fields)
    trainer = Trainer(make_dataset("spiral", n=300, noise=0.1, seed=0), config)
    path = [trainer.snapshot().params]
    for _ in range(epochs):
        trainer.step()
        path.append(trainer.snapshot().params)
    return trainer, np.array(path)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
@pytest.mark.parametrize("method", ["pca", "random"])
def test_float32_landscape_matches_float64(activation: str, method: str) -> None:
    trainer, path = _session(activation)
    fast = loss_landscape(trainer, path, method, resolution=21)
    exact = loss_landscape(trainer, path, method, resolution=21, dtype=np.float64)
    assert fast.loss.dtype == np.float64 and np.isfinite(fast.loss).all()
    np.testing.assert_allclose(fast.loss, exact.loss, rtol=1e-5, atol=0)
    assert fast.loss.std() > 1e-3 * fast.loss.mean()  # a real surface, not a flat one


def _check_plane_losses(problem: LossProblem, centre: np.ndarray, directions: np.ndarray) -> None:
    """``plane_losses`` equals every cell's weight vector through the generic :meth:`LossProblem.losses`."""
    alphas, betas = np.linspace(-2, 1, 7), np.linspace(-1, 1.5, 5)
    grid = centre + alphas[None, :, None] * directions[0] + betas[:, None, None] * directions[1]
    want = problem.losses(grid.reshape(-1, centre.size)).reshape(len(betas), len(alphas))
    np.testing.assert_allclose(problem.plane_losses(centre, directions, alphas, betas), want, rtol=1e-12)
    np.testing.assert_allclose(problem.plane_losses(centre, directions, alphas, betas, np.float32), want, rtol=1e-5)


def test_plane_losses_equal_the_losses_of_the_grids_weight_vectors() -> None:
    """The plane's shared first layer is the same network, with a penalty, and with a skip on the first
    hidden layer (a 2-2-16-1 tanh/relu network with random weights)."""
    trainer, _ = _session("tanh", epochs=3, l2=0.01)
    problem = LossProblem.from_trainer(trainer)
    centre = trainer.snapshot().params
    _check_plane_losses(problem, centre, random_directions(centre, problem.sizes, seed=2))
    skip = LossProblem(problem.F, problem.y, (2, 2, 16, 1), ("tanh", "relu"), "sigmoid", residual=(True, False))
    rng = np.random.default_rng(3)
    size = len(skip.weight_mask())
    _check_plane_losses(skip, rng.standard_normal(size), rng.standard_normal((2, size)))


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("span, factored", [(1.0, True), (400.0, False)])
def test_plane_first_layer_shares_exps_only_where_float32_holds_them(
    activation: str, span: float, factored: bool
) -> None:
    """Cell (i, j)'s first layer equals the exact activation of its own z; a slice so wide that the shared
    factors would leave float32's range forms each cell's z instead, with the same values."""
    trainer, path = _session(activation, epochs=3)
    problem = LossProblem.from_trainer(trainer)
    centre = trainer.snapshot().params
    directions = random_directions(centre, problem.sizes, seed=0)
    axis = np.linspace(-span, span, 9)
    layer = PlaneFirstLayer(problem.F, centre, directions, axis, axis, problem.sizes, activation, dtype=np.float32)
    assert layer.factored is factored
    Ws, bs = unflatten(np.vstack([centre, directions]), problem.sizes)
    Z = np.abs(np.matmul(problem.F, Ws[0]) + bs[0][:, None, :])  # |z| of the centre and of each direction
    for i in (0, 4, 8):
        got = layer.values(i, slice(2, 7))
        weights = centre + axis[2:7, None] * directions[0] + axis[i] * directions[1]
        Wc, bc = unflatten(weights, problem.sizes)
        want = activate(activation, np.matmul(problem.F, Wc[0]) + bc[0][:, None, :])
        assert got.dtype == np.float32 and got.shape == want.shape
        # float32 holds a cell's z to a few units in the last place of its terms (the wide slice's
        # terms are hundreds, so its z is good to about 1e-4; the activation's slope is at most 1).
        terms = Z[0] + np.abs(axis[2:7, None, None]) * Z[1] + abs(axis[i]) * Z[2]
        assert np.all(np.abs(got - want) <= 2e-6 + 4 * 6e-8 * terms)


def test_first_layer_values_of_the_wrong_shape_are_named() -> None:
    sizes = (2, 3, 1)
    params = np.zeros((4, 2 * 3 + 3 + 3 + 1))
    with pytest.raises(ValueError, match=r"first layer's values must have shape \(4, 5, 3\)"):
        batched_logits(np.zeros((5, 2)), params, sizes, ("tanh",), first=np.zeros((4, 5, 2)))
