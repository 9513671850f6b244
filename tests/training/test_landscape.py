"""The loss landscape: centre, slopes against the gradient, trajectory, and the optimiser's next step."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data.generators import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.landscape import (
    LossProblem,
    loss_landscape,
    next_step,
    pca_directions,
    random_directions,
)


def _run(epochs: int = 6, dataset: str = "vshape", classes: int = 2, **fields: object) -> tuple[Trainer, np.ndarray]:
    extra = {"classes": classes} if classes != 2 else {}
    trainer = Trainer(make_dataset(dataset, n=60, noise=0.1, seed=0, **extra), TrainingConfig(hidden=(6, 5), **fields))
    path = [trainer.snapshot().params]
    for _ in range(epochs):
        trainer.step()
        path.append(trainer.snapshot().params)
    return trainer, np.array(path)


def _data_loss(trainer: Trainer, params: np.ndarray) -> float:
    """The loss the trainer's own engine computes at ``params`` over all training points."""
    saved = trainer.snapshot().params
    trainer.model.params.load_data(params)
    try:
        return float(trainer._evaluate(trainer._F_train, trainer._y_train)[0])
    finally:
        trainer.model.params.load_data(saved)


@pytest.mark.parametrize("method", ["pca", "random"])
def test_centre_is_the_current_loss_and_slopes_are_the_projected_gradient(method: str) -> None:
    trainer, path = _run()
    land = loss_landscape(trainer, path, method, resolution=5, dtype=np.float64)
    centre = trainer.snapshot().params
    assert land.centre_loss == pytest.approx(_data_loss(trainer, centre), rel=1e-12)
    assert land.loss[2, 2] == pytest.approx(land.centre_loss, rel=1e-12)
    # The default float32 grid agrees to float32's digits.
    np.testing.assert_allclose(loss_landscape(trainer, path, method, resolution=5).loss, land.loss, rtol=2e-5)
    # Off the centre, too, the batched loss is the engine's loss at those weights.
    corner = centre + land.alphas[0] * land.directions[0] + land.betas[4] * land.directions[1]
    assert land.loss[4, 0] == pytest.approx(_data_loss(trainer, corner), rel=1e-10)
    problem = LossProblem.from_trainer(trainer)
    h = 1e-5
    for k, d in enumerate(land.directions):
        up, down = problem.losses(np.array([centre + h * d, centre - h * d]))
        assert (up - down) / (2 * h) == pytest.approx(land.slopes[k], rel=1e-5, abs=1e-9)
    np.testing.assert_allclose(land.arrow, -land.slopes)


def test_pca_trajectory_lies_in_the_plane_and_ends_at_the_centre() -> None:
    trainer, path = _run(8, optimizer="sgd", batch_size=1000, lr=0.3)
    land = loss_landscape(trainer, path, "pca", resolution=9)
    np.testing.assert_allclose(land.trajectory[-1], [0.0, 0.0], atol=1e-12)
    assert land.trajectory[0, 0] < 0  # the path starts on the left
    np.testing.assert_allclose(land.directions @ land.directions.T, np.eye(2), atol=1e-12)
    assert land.alphas[-1] == pytest.approx(1.25 * np.abs(land.trajectory).max())
    # Full-batch SGD: the next step is -lr * gradient, and its in-plane coordinates are -lr * slopes.
    np.testing.assert_allclose(land.step, -0.3 * land.slopes, rtol=1e-9, atol=1e-14)


def test_penalties_count_in_the_loss_and_its_slopes() -> None:
    trainer, path = _run(l2=0.01, l1=0.001)
    land = loss_landscape(trainer, path, "random", resolution=3)
    centre = trainer.snapshot().params
    mask = LossProblem.from_trainer(trainer).weight_mask()
    w = centre * mask
    penalty = 0.001 * np.abs(w).sum() + 0.005 * (w * w).sum()
    assert land.centre_loss == pytest.approx(_data_loss(trainer, centre) + penalty, rel=1e-12)


def test_softmax_and_regression_losses_match_the_engine() -> None:
    for trainer, _ in (_run(2, "blobs", classes=3), _run(2, "plane")):
        centre = trainer.snapshot().params
        problem = LossProblem.from_trainer(trainer)
        assert problem.losses(centre[None])[0] == pytest.approx(_data_loss(trainer, centre), rel=1e-12)


def test_random_directions_are_filter_normalised_with_fixed_biases() -> None:
    trainer, _ = _run(1)
    centre = trainer.snapshot().params
    d = random_directions(centre, trainer.model.sizes, seed=4)
    W1 = centre[:12].reshape(2, 6)
    np.testing.assert_allclose(np.linalg.norm(d[0, :12].reshape(2, 6), axis=0), np.linalg.norm(W1, axis=0))
    np.testing.assert_array_equal(d[:, 12:18], 0.0)  # b1 is not perturbed
    np.testing.assert_array_equal(d, random_directions(centre, trainer.model.sizes, seed=4))


def test_optimisers_take_different_steps_from_the_same_gradient() -> None:
    steps, velocity = {}, np.zeros(0)
    for name in ("sgd", "momentum", "adam"):
        trainer, _ = _run(3, optimizer=name, lr=0.05)
        gradient = np.ones(trainer.model.params.size)
        before = trainer.snapshot().params
        if name == "momentum":
            velocity = trainer.optimizer.velocity.copy()
        steps[name] = next_step(trainer, gradient)
        np.testing.assert_array_equal(trainer.snapshot().params, before)  # the trainer is untouched
    np.testing.assert_allclose(steps["sgd"], -0.05)
    # Momentum keeps 0.9 of its velocity: v = 0.9 v + g, and the step is -lr v.
    np.testing.assert_allclose(steps["momentum"], -0.05 * (0.9 * velocity + 1.0), rtol=1e-12)
    assert not np.allclose(steps["adam"], steps["sgd"]) and not np.allclose(steps["adam"], steps["momentum"])


def test_pca_needs_a_trajectory_and_bad_input_is_named() -> None:
    trainer, path = _run(1)
    with pytest.raises(ValueError, match="at least 3 epochs"):
        pca_directions(path, trainer.snapshot().params)
    with pytest.raises(ValueError, match="unknown directions 'hessian'"):
        loss_landscape(trainer, path, "hessian")
    with pytest.raises(ValueError, match="resolution"):
        loss_landscape(trainer, path, "random", resolution=2)


@pytest.mark.parametrize("activations, residual", [(("tanh", "tanh"), ()), (("leaky_relu", "relu"), (False, True))])
def test_batched_logits_into_reused_buffers_equal_fresh_arrays(activations, residual) -> None:
    """The landscape's batches write into one set of layer arrays; the values are those of fresh ones,
    for a batch smaller than the buffers too, and with a skip connection."""
    from playground.training.forward import batched_logits, layer_buffers

    sizes = (2, 5, 5, 3)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    params = rng.standard_normal((7, sum(a * b + b for a, b in zip(sizes, sizes[1:]))))
    buffers = layer_buffers(9, len(X), sizes, np.float64)
    for part in (params, params[:3]):
        want = batched_logits(X, part, sizes, activations, residual=residual)
        got = batched_logits(X, part, sizes, activations, residual=residual, buffers=buffers)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_weights_grown_past_the_largest_get_a_message_not_an_overflow() -> None:
    """A diverging run (lr 100 in the long monkey drive) had weights of 1e100 to 1e200: the float32
    grid overflowed in the cast and the norms of random directions in their squares."""
    from playground.training.landscape import LARGEST_WEIGHT

    trainer, path = _run(epochs=3)
    snap = trainer.snapshot()
    for scale, where in ((1e200, "current"), (1.0, "path")):
        trainer.restore(type(snap)(**{**snap.__dict__, "params": snap.params * scale}))
        huge_path = path * (1e30 if where == "path" else 1.0)
        for method in ("pca", "random"):
            with pytest.raises(ValueError, match=r"a weight has grown to \d.*e\d+ \(the run is diverging\)"):
                loss_landscape(trainer, huge_path, method)
    # Just inside the limit a slice is still drawn, in float32, without a warning.
    largest = float(np.abs(snap.params).max())
    trainer.restore(type(snap)(**{**snap.__dict__, "params": snap.params * (0.99 * LARGEST_WEIGHT / largest)}))
    land = loss_landscape(trainer, None, "random")
    assert np.isfinite(land.centre_loss) and land.loss.shape == (41, 41)
