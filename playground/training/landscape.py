"""The loss landscape: the training loss on a 2D slice of weight space through the current weights.

The slice is ``w(alpha, beta) = w0 + alpha d1 + beta d2`` for two directions:

- ``"pca"``: the two main directions of the training trajectory so far (the
  principal directions of ``w_i - w0`` over the timeline's snapshots), so the
  path the weights took lies as close to the plane as any plane allows;
- ``"random"``: two Gaussian directions, *filter-normalised* as in Li et al.
  (2018), "Visualizing the Loss Landscape of Neural Nets": each unit's incoming
  weights in the direction are scaled to the norm of that unit's weights, so
  that the picture does not depend on how the weights happen to be scaled, and
  the biases are not perturbed (the paper's default for them).

The loss is what the optimiser descends: the mean data loss over the training
points plus the L1/L2 penalty (with neither, exactly the epoch's training loss
for full-batch training). All ``resolution**2`` weight vectors are evaluated in
batches through numpy's batched matrix product (``forward.batched_logits``),
with no Python loop over the grid's cells. The slice is affine in the weights,
so the first layer's values over the whole grid come from three (n, width)
matrices (``forward.PlaneFirstLayer``) instead of a product per cell. The grid is
computed in float32: its tanh and sigmoid from one ``exp``, the sigmoid loss's
``log1p`` vectorised (:func:`log1p_unit`); it agrees with float64 to about 1e-7
relative (benchmarks/loss_landscape.py prints both paths' costs).

On the plane the view draws the trajectory (least-squares coordinates of each
snapshot), the negative gradient of the surface (``-(g . d1, g . d2)``, which is
perpendicular to the contours), and the step the optimiser will take next
(SGD, momentum, Nesterov and Adam take different ones from the same gradient).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike

from .. import nn
from ..engine import Tensor
from ..nn.regularization import add_penalty_gradient
from .forward import PlaneFirstLayer, batched_logits, layer_buffers
from .numbers import format_number
from .trainer import Trainer

METHODS = ("pca", "random")
# The largest weight a slice is computed around: the grid is float32 (up to 3.4e38), and a product of
# two such weights stays inside it. Past it the run is diverging and every loss on the slice overflows.
LARGEST_WEIGHT = 1e15
# Floats of one layer's values per batch of weight vectors: about a megabyte in float32, so a
# batch's layers stay in the processor's cache between the product, the bias and the activation
# (measured: a third faster than batches of 2,000,000 values; benchmarks/loss_landscape.py).
_CHUNK_VALUES = 300_000
# The same for the slice's batches (pieces of one row of the grid), which run through fewer, cheaper
# passes per value: a third of a megabyte stays in a core's half-megabyte second-level cache.
_PLANE_CHUNK_VALUES = 100_000


@dataclass(frozen=True)
class LossProblem:
    """What the landscape's loss is computed from: the training inputs ``F`` as the network sees them,
    the targets ``y``, the network's shape and head, and the penalty weights."""

    F: np.ndarray
    y: np.ndarray
    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    head: str
    l1: float = 0.0
    l2: float = 0.0
    residual: tuple[bool, ...] = ()  # the hidden layers with a skip connection (empty: none)

    @classmethod
    def from_trainer(cls, trainer: Trainer) -> LossProblem:
        """The training points, network and penalty of ``trainer``'s session."""
        ds = trainer.dataset
        if len(ds.X_train) == 0:
            raise ValueError("loss landscape: there are no training points to compute a loss on")
        head = trainer.head.name
        y = ds.y_train.astype(np.int64) if head == "softmax" else ds.y_train.astype(np.float64)
        cfg = trainer.config
        return cls(
            trainer.features(ds.X_train).astype(np.float64),
            y,
            tuple(trainer.model.sizes),
            tuple(trainer.model.activations),
            head,
            float(cfg.l1),
            float(cfg.l2),
            tuple(trainer.model.residual),
        )

    def weight_mask(self) -> np.ndarray:
        """1 for the weights and 0 for the biases, in flat-parameter order."""
        return np.concatenate(
            [np.concatenate([np.ones(a * b), np.zeros(b)]) for a, b in zip(self.sizes, self.sizes[1:])]
        )

    def losses(self, params: np.ndarray, dtype: DTypeLike = np.float64) -> np.ndarray:
        """The loss (B,) of each flat weight vector in ``params`` (B, P), computed in ``dtype``
        (the penalty and the mean over points always in float64)."""
        params = np.atleast_2d(np.asarray(params, dtype=np.float64))
        width = max(self.sizes[1:]) * len(self.F)
        chunk = max(1, _CHUNK_VALUES // max(width, 1))
        out = np.empty(len(params))
        # One set of layer arrays for every batch: fresh ones would be mapped and faulted in each time.
        buffers = layer_buffers(min(chunk, len(params)), len(self.F), self.sizes, dtype)
        for start in range(0, len(params), chunk):
            part = params[start : start + chunk]
            logits = batched_logits(self.F, part, self.sizes, self.activations, dtype, self.residual, buffers)
            out[start : start + chunk] = self._data_loss(logits)
        out += self._penalty(params)
        return out

    def plane_losses(
        self,
        centre: np.ndarray,
        directions: np.ndarray,
        alphas: np.ndarray,
        betas: np.ndarray,
        dtype: DTypeLike = np.float64,
    ) -> np.ndarray:
        """The loss (len(betas), len(alphas)) at ``centre + alphas[j] d1 + betas[i] d2`` (rows are beta),
        as :meth:`losses` computes it, but with the first layer's values formed from the plane's
        affine structure (:class:`forward.PlaneFirstLayer`) instead of a product per weight vector."""
        centre = np.asarray(centre, dtype=np.float64)
        directions = np.asarray(directions, dtype=np.float64)
        alphas, betas = np.asarray(alphas, dtype=np.float64), np.asarray(betas, dtype=np.float64)
        if len(self.sizes) < 3:  # no hidden layer: nothing to share
            grid = plane_grid(centre, directions, alphas, betas)
            return self.losses(grid, dtype).reshape(len(betas), len(alphas))
        skip = bool(self.residual and self.residual[0])
        first = PlaneFirstLayer(self.F, centre, directions, alphas, betas, self.sizes, self.activations[0], skip, dtype)
        # Each batch is a piece of one row of the grid, so its cells share the row's factor; the
        # pieces of a row are as equal as they can be.
        per_batch = max(1, _PLANE_CHUNK_VALUES // max(max(self.sizes[1:]) * len(self.F), 1))
        pieces = -(-len(alphas) // per_batch)
        step = -(-len(alphas) // pieces)
        buffers = layer_buffers(min(step, len(alphas)), len(self.F), self.sizes, dtype)
        row_logits = np.empty((len(alphas), len(self.F), self.sizes[-1]), dtype=dtype)
        out = np.empty((len(betas), len(alphas)))
        for i, beta in enumerate(betas):
            # A row's weight vectors and its loss once per row: per batch they would be many small steps.
            row = ((centre + beta * directions[1]) + alphas[:, None] * directions[0]).astype(dtype)
            for start in range(0, len(alphas), step):
                cols = slice(start, start + step)
                a1 = first.values(i, cols, buffers[0])
                logits = batched_logits(
                    self.F, row[cols], self.sizes, self.activations, dtype, self.residual, buffers, a1
                )
                row_logits[cols] = logits
            out[i] = self._data_loss(row_logits)
        if self.l1 or self.l2:
            out += self._penalty(plane_grid(centre, directions, alphas, betas)).reshape(out.shape)
        return out

    def _penalty(self, params: np.ndarray) -> np.ndarray:
        """The L1/L2 penalty (B,) of flat weight vectors ``params`` (B, P) (zeros without one)."""
        if not (self.l1 or self.l2):
            return np.zeros(len(params))
        w = params * self.weight_mask()
        penalty: np.ndarray = self.l1 * np.abs(w).sum(axis=1) + 0.5 * self.l2 * (w * w).sum(axis=1)
        return penalty

    def _data_loss(self, z: np.ndarray) -> np.ndarray:
        """Mean loss over the points of logits ``z`` (B, n, k), as the engine's fused losses compute it:
        each point's loss in ``z``'s precision (float32 keeps about 7 digits of it, and its exp and
        log are the faster), their mean in float64."""
        with np.errstate(over="ignore", invalid="ignore"):
            if self.head == "sigmoid":
                z1, y = z[..., 0], self.y.astype(z.dtype)
                per_point = np.maximum(z1, 0.0) - z1 * y + log1p_unit(np.exp(-np.abs(z1)))
            elif self.head == "softmax":
                top = z.max(axis=-1, keepdims=True)
                lse = np.log(np.exp(z - top).sum(axis=-1)) + top[..., 0]
                per_point = lse - np.take_along_axis(z, self.y[None, :, None], axis=-1)[..., 0]
            else:
                diff = z[..., 0] - self.y.astype(z.dtype)
                per_point = diff * diff
        result: np.ndarray = per_point.mean(axis=-1, dtype=np.float64)
        return result

    def gradient(self, params: np.ndarray) -> np.ndarray:
        """The full-batch gradient of :meth:`losses` at ``params`` (P,), through the engine."""
        model = nn.MLP(
            self.sizes[0], list(self.sizes[1:-1]), self.sizes[-1], list(self.activations), residual=self.residual
        )
        model.params.load_data(np.asarray(params, dtype=np.float64))
        model.zero_grad()
        # Diverging weights overflow to inf and NaN, which the view shows as such.
        with np.errstate(over="ignore", invalid="ignore"):
            nn.get_head(self.head).loss(model(Tensor(self.F)), self.y).backward()
        add_penalty_gradient(model.params, self.l1, self.l2)
        return model.params.grad.copy()


def plane_grid(centre: np.ndarray, directions: np.ndarray, alphas: np.ndarray, betas: np.ndarray) -> np.ndarray:
    """The flat weight vectors (len(betas) * len(alphas), P) ``centre + alpha d1 + beta d2`` of the grid,
    row by row (beta outer, alpha inner)."""
    alpha, beta = np.meshgrid(alphas, betas)
    return np.asarray(centre + alpha.reshape(-1, 1) * directions[0] + beta.reshape(-1, 1) * directions[1])


def log1p_unit(e: np.ndarray) -> np.ndarray:
    """``log(1 + e)`` for ``e`` in [0, 1], to a few units in the last place of ``e``'s precision.

    numpy's float32 ``log1p`` has no vector code and is the slowest step of the
    sigmoid loss; this is the classic ``log(u) * e / (u - 1)`` with ``u = 1 + e``
    rounded (the ratio corrects the rounding of ``u``), ``e`` itself where ``u``
    rounds to 1. float64 keeps numpy's ``log1p``.
    """
    if e.dtype != np.float32:
        return np.asarray(np.log1p(e))
    u = e + np.float32(1.0)
    d = u - np.float32(1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.log(u, out=u)
        np.divide(e, d, out=d)  # inf or NaN where u rounded to 1 (and for a NaN e): e itself there
        u *= d
    np.copyto(u, e, where=~np.isfinite(d))
    return u


def pca_directions(trajectory: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """``(2, P)`` orthonormal rows: the two main directions of ``trajectory - centre`` (T, P).

    Each direction's sign is fixed so the path runs from the left (the earliest
    snapshots get negative coordinates), keeping the picture stable.
    """
    moves = np.asarray(trajectory, dtype=np.float64) - centre
    if moves.ndim != 2 or moves.shape[1] != centre.size:
        raise ValueError(f"pca directions: trajectory must be (snapshots, {centre.size}), got {moves.shape}")
    _, s, vt = np.linalg.svd(moves, full_matrices=False)
    if len(s) < 2 or s[1] <= 1e-12 * max(float(s[0]), 1e-300):
        raise ValueError(
            f"pca directions need the weights of at least 3 epochs that do not lie on one line; "
            f"the timeline has {len(moves)} snapshot(s): train a few epochs, or use random directions"
        )
    directions = vt[:2].copy()
    first = moves[0] @ directions.T
    directions[first > 0] *= -1.0
    return directions


def random_directions(centre: np.ndarray, sizes: Sequence[int], seed: int = 0) -> np.ndarray:
    """``(2, P)``: two Gaussian directions, filter-normalised (each unit's incoming weights scaled to the
    norm of the unit's weights in ``centre``), with zero bias components (see the module docstring)."""
    rng = np.random.default_rng(seed)
    directions = rng.standard_normal((2, centre.size))
    start = 0
    for n_in, n_out in zip(sizes, sizes[1:]):
        stop = start + n_in * n_out
        w = centre[start:stop].reshape(n_in, n_out)
        for d in directions:
            block = d[start:stop].reshape(n_in, n_out)  # a view: scaled in place
            norms = np.linalg.norm(block, axis=0)
            block *= np.linalg.norm(w, axis=0) / np.where(norms > 0, norms, 1.0)
            d[stop : stop + n_out] = 0.0
        start = stop + n_out
    return directions


def plane_coordinates(vectors: np.ndarray, centre: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """``(..., 2)`` least-squares coordinates ``(alpha, beta)`` of ``vectors - centre`` on ``directions``."""
    moves = np.asarray(vectors, dtype=np.float64) - centre
    solution, *_ = np.linalg.lstsq(directions.T, moves.reshape(-1, centre.size).T, rcond=None)
    return np.asarray(solution.T.reshape(*moves.shape[:-1], 2))


def next_step(trainer: Trainer, gradient: np.ndarray) -> np.ndarray:
    """The change of the weights (P,) the trainer's optimiser would make from ``gradient``, with its
    running averages and next epoch's learning rate, without touching the trainer."""
    cfg, snapshot = trainer.config, trainer.snapshot()
    model = trainer.model
    copy = nn.MLP(model.sizes[0], model.hidden, model.n_out, model.activations)
    optimizer = nn.make_optimizer(cfg.optimizer, copy.params, cfg.lr, cfg.momentum, cfg.weight_decay)
    optimizer.load_state_dict(snapshot.optimizer)
    optimizer.lr = nn.Schedule(cfg.schedule, cfg.schedule_gamma, cfg.schedule_every).lr_at(cfg.lr, trainer.epoch)
    copy.params.load_data(snapshot.params.astype(np.float64))
    np.copyto(copy.params.grad, gradient)
    optimizer.step()
    step: np.ndarray = copy.params.data - snapshot.params
    return step


@dataclass(frozen=True)
class Landscape:
    """The loss on the slice: ``loss[i, j]`` at ``(alphas[j], betas[i])`` (rows are beta, like an image).

    ``centre_loss`` is the loss at the current weights (the origin); ``trajectory``
    (T, 2) the snapshots' coordinates; ``slopes`` the surface's derivatives
    ``(g . d1, g . d2)`` at the origin and ``arrow = -slopes`` the way down it;
    ``step`` (2,) the optimiser's next step in the plane's coordinates.
    """

    method: str
    alphas: np.ndarray
    betas: np.ndarray
    loss: np.ndarray
    centre_loss: float
    directions: np.ndarray
    trajectory: np.ndarray
    slopes: np.ndarray
    arrow: np.ndarray
    step: np.ndarray


def loss_landscape(
    trainer: Trainer,
    trajectory: np.ndarray | None = None,
    method: str = "pca",
    resolution: int = 41,
    span: float | None = None,
    seed: int = 0,
    dtype: DTypeLike = np.float32,
) -> Landscape:
    """The landscape of ``trainer``'s training loss around its current weights.

    ``trajectory`` (T, P) holds the flat weights of past epochs (the timeline's
    snapshots); ``"pca"`` needs it, ``"random"`` only draws it. ``span`` is the
    half-width of the slice in each direction (default: 1.25 times the farthest
    snapshot for PCA, 1 filter-normalised unit for random). The grid is computed in
    ``dtype``: float32 by default, as contours need about 6 digits and float32 is
    several times faster here; ``centre_loss``, the slopes and the step are float64.
    """
    if method not in METHODS:
        raise ValueError(f"loss landscape: unknown directions {method!r}; choose one of {', '.join(METHODS)}")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 3 <= resolution <= 201:
        raise ValueError(f"loss landscape: resolution must be a whole number in 3..201, got {resolution!r}")
    problem = LossProblem.from_trainer(trainer)
    centre = trainer.snapshot().params.astype(np.float64)
    path = np.zeros((0, centre.size)) if trajectory is None else np.asarray(trajectory, dtype=np.float64)
    if path.ndim != 2 or path.shape[1] != centre.size:
        raise ValueError(f"loss landscape: trajectory must be (snapshots, {centre.size}), got {path.shape}")
    largest = max(float(np.abs(centre).max(initial=0.0)), float(np.abs(path).max(initial=0.0)))
    if not largest <= LARGEST_WEIGHT:  # also NaN
        raise ValueError(
            f"loss landscape: a weight has grown to {format_number(largest)} (the run is diverging), too large "
            "for a slice of the loss around it: lower the learning rate and reset the weights"
        )
    directions = pca_directions(path, centre) if method == "pca" else random_directions(centre, problem.sizes, seed)
    coords = plane_coordinates(path, centre, directions) if len(path) else np.zeros((0, 2))
    if span is None:
        reach = float(np.abs(coords).max()) if method == "pca" and len(coords) else 0.0
        span = 1.25 * reach if reach > 0 else 1.0
    if not np.isfinite(span) or span <= 0:
        raise ValueError(f"loss landscape: span must be a positive number, got {span!r}")
    axis = np.linspace(-span, span, resolution)
    loss = problem.plane_losses(centre, directions, axis, axis, dtype)
    gradient = problem.gradient(centre)
    slopes = directions @ gradient
    step = plane_coordinates(centre + next_step(trainer, gradient), centre, directions)
    return Landscape(
        method,
        axis,
        axis.copy(),
        loss,
        float(problem.losses(centre[None])[0]),
        directions,
        coords,
        slopes,
        -slopes,
        step,
    )
