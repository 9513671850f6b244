"""A network's forward pass in plain numpy, for one weight vector or a batch of them.

The views of the transforms, the linear regions and the loss landscape need
the layers' ``z`` and ``a`` for arbitrary inputs and, for the landscape, for
thousands of weight vectors at once. ``Network`` is a frozen copy of an MLP's
weights (no engine graph, no trainer), so it can be built from the trainer or
from a frame's weights and evaluated anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike

from ..engine.kernels import tanh_from_exp, tanh_in_place
from ..nn.activations import LEAKY_SLOPE, check_activation
from .trainer import Trainer


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """``a = sigma(z)`` in numpy, for the activation called ``name`` (as ``nn.activations`` names them)."""
    if name == "relu":
        return np.asarray(np.maximum(z, 0.0))
    if name == "leaky_relu":
        return np.where(z > 0, z, LEAKY_SLOPE * z)
    if name == "tanh":
        return np.asarray(np.tanh(z))
    if name == "sigmoid":
        return 0.5 + 0.5 * np.tanh(0.5 * z)
    if name == "linear":
        return z
    check_activation(name)  # raises, naming the known ones
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Network:
    """An MLP's weights ``(W (n_in, n_out), b (n_out,))`` per layer, its hidden activations and its head.

    ``W`` is stored as the engine stores it (rows are inputs), so ``z = a @ W + b``
    for a batch of rows is the chapter's ``z = W a + b`` for one column.
    ``residual`` is empty or one flag per hidden layer: a flagged layer's ``a`` is
    ``sigma(z) + a(l-1)``, as in ``nn.MLP``.
    """

    weights: tuple[tuple[np.ndarray, np.ndarray], ...]
    activations: tuple[str, ...]
    head: str = "sigmoid"
    residual: tuple[bool, ...] = ()

    def __post_init__(self) -> None:
        if len(self.activations) != len(self.weights) - 1:
            raise ValueError(f"Network: {len(self.activations)} activations for {len(self.weights) - 1} hidden layers")
        object.__setattr__(self, "residual", skip_flags(self.residual, len(self.activations)))
        for layer, flag in enumerate(self.residual):
            W = self.weights[layer][0]
            if flag and W.shape[0] != W.shape[1]:
                raise ValueError(f"Network: layer {layer + 1} has a skip but W {W.shape} is not square")
        for i, ((W, b), (W_next, _)) in enumerate(zip(self.weights, self.weights[1:])):
            if W.shape[1] != W_next.shape[0] or b.shape != (W.shape[1],):
                raise ValueError(
                    f"Network: layer {i + 1} has W {W.shape} and b {b.shape}, "
                    f"which do not fit layer {i + 2}'s W {W_next.shape}"
                )

    @classmethod
    def from_trainer(cls, trainer: Trainer) -> Network:
        """A copy of ``trainer``'s current weights."""
        model = trainer.model
        weights = tuple(
            (np.array(layer.W.data, dtype=np.float64), np.array(layer.b.data, dtype=np.float64))
            for layer in model.layers
        )
        return cls(weights, tuple(model.activations), trainer.head.name, tuple(model.residual))

    @classmethod
    def from_flat(
        cls,
        params: np.ndarray,
        sizes: Sequence[int],
        activations: Sequence[str],
        head: str = "sigmoid",
        residual: Sequence[bool] = (),
    ) -> Network:
        """The network whose flat parameter vector (W1, b1, W2, b2, ... as ``FlatParameters``) is ``params``."""
        Ws, bs = unflatten(np.asarray(params, dtype=np.float64)[None], sizes)
        return cls(tuple((W[0], b[0]) for W, b in zip(Ws, bs)), tuple(activations), head, tuple(residual))

    @property
    def sizes(self) -> list[int]:
        return [self.weights[0][0].shape[0], *(W.shape[1] for W, _ in self.weights)]

    def trace(self, inputs: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Every layer's ``z`` and ``a`` for ``inputs`` (n, n_in); the output layer's ``a`` is its ``z``
        (the logits), as in ``nn.LayerTrace``."""
        a = np.asarray(inputs, dtype=np.float64)
        if a.ndim != 2 or a.shape[1] != self.sizes[0]:
            raise ValueError(f"Network: inputs must have shape (n, {self.sizes[0]}), got {a.shape}")
        zs, acts = [], []
        with np.errstate(over="ignore", invalid="ignore"):  # diverging weights: inf and NaN are drawn as gaps
            for k, (W, b) in enumerate(self.weights):
                z = a @ W + b
                if k < len(self.activations):
                    out = activate(self.activations[k], z)
                    a = out + a if self.residual[k] else out
                else:
                    a = z
                zs.append(z)
                acts.append(a)
        return zs, acts

    def logits(self, inputs: np.ndarray) -> np.ndarray:
        """The output layer's ``z`` for ``inputs`` (n, n_in)."""
        return self.trace(inputs)[0][-1]


def unflatten(params: np.ndarray, sizes: Sequence[int]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Views of a batch of flat parameter vectors ``params`` (B, P) as per-layer ``W`` (B, n_in, n_out)
    and ``b`` (B, n_out), in ``FlatParameters`` order (W1, b1, W2, b2, ...)."""
    expected = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    if params.ndim != 2 or params.shape[1] != expected:
        raise ValueError(
            f"unflatten: a {'-'.join(map(str, sizes))} network has {expected} parameters, "
            f"got an array of shape {params.shape}"
        )
    Ws, bs, start = [], [], 0
    for n_in, n_out in zip(sizes, sizes[1:]):
        Ws.append(params[:, start : start + n_in * n_out].reshape(-1, n_in, n_out))
        start += n_in * n_out
        bs.append(params[:, start : start + n_out])
        start += n_out
    return Ws, bs


def batched_logits(
    inputs: np.ndarray,
    params: np.ndarray,
    sizes: Sequence[int],
    activations: Sequence[str],
    dtype: DTypeLike = np.float64,
    residual: Sequence[bool] = (),
    buffers: Sequence[np.ndarray] | None = None,
    first: np.ndarray | None = None,
) -> np.ndarray:
    """The logits (B, n, k) of the network with each of the ``B`` flat weight vectors ``params`` (B, P)
    on the same ``inputs`` (n, n_in): one batched matrix product per layer, no loop over weight vectors.

    ``dtype`` is the precision of the arithmetic: float32 halves the memory traffic,
    and its tanh and sigmoid are computed from one ``exp`` (:func:`fast_tanh`), the
    cost of these pictures; float64 uses numpy's own functions.
    ``residual`` flags the hidden layers with a skip (``a(l) = sigma(z(l)) + a(l-1)``).
    ``buffers``, one ``(B or more, n, width)`` array of ``dtype`` per layer (see :func:`layer_buffers`),
    receive the layers' values (the result is a view of the last): a caller that evaluates many
    batches reuses them, and skips the allocation and page faults of fresh megabyte arrays.
    ``first``, if given, is the first hidden layer's ``a`` (B, n, width) computed by the caller
    (the loss landscape gets it from the plane's affine structure, :class:`PlaneFirstLayer`);
    the first layer's weights in ``params`` are then not used.
    """
    Ws, bs = unflatten(np.asarray(params, dtype=dtype), sizes)
    skips = skip_flags(residual, len(activations))
    a: np.ndarray = np.asarray(inputs, dtype=dtype)
    start = 0
    if first is not None:
        if len(activations) == 0 or first.shape != (len(params), len(a), sizes[1]):
            raise ValueError(
                f"batched logits: the first layer's values must have shape ({len(params)}, {len(a)}, {sizes[1]}) "
                f"for a network with a hidden layer, got {first.shape}"
            )
        a, start = first, 1
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(start, len(Ws)):
            W, b = Ws[k], bs[k]
            if buffers is None:
                z = np.matmul(a, W)  # (n, in) broadcasts against (B, in, out) on the first layer
            else:
                z = np.matmul(a, W, out=buffers[k][: len(W)])
            z += b[:, None, :]
            if k >= len(activations):
                a = z
            elif skips[k]:
                z = _activate_in_place(activations[k], z)
                z += a  # the skip: a(l-1) is another layer's array
                a = z
            else:
                a = _activate_in_place(activations[k], z)
    return a


class PlaneFirstLayer:
    """The first hidden layer's ``a`` over a grid of the plane ``w = centre + alpha d1 + beta d2``.

    The first layer's weights are affine in ``(alpha, beta)`` and its input is the
    data itself, so its ``z`` at cell ``(i, j)`` is ``Z0 + alphas[j] Z1 + betas[i] Z2``
    (three (n, width) matrices): one addition per value, not a matrix product per
    cell. For float32 tanh and sigmoid even the ``exp`` is shared: with ``s = -2``
    (tanh) or ``-1`` (sigmoid), ``exp(s z) = exp(s (Z0 + alpha Z1)) exp(s beta Z2)``, one
    factor per column and one per row of the grid, so a cell costs a product instead
    of an ``exp`` (the most expensive part of the slice); the exponents carry float32's
    rounding as a cell's float32 ``z`` would. The factors are used only while every
    exponent stays within +-85, where both are normal float32 numbers: a product that
    overflows is then a true overflow (the activation's limit, as ``exp`` gives it),
    and one that underflows is below float32's resolution of ``1 + e``. Otherwise
    (float64, other activations, or a slice that wide) each cell's ``z`` is formed and activated.
    """

    _EXP_LIMIT = 85.0  # float32's normal numbers run from exp(-87.3) to exp(88.7)

    def __init__(
        self,
        inputs: np.ndarray,
        centre: np.ndarray,
        directions: np.ndarray,
        alphas: np.ndarray,
        betas: np.ndarray,
        sizes: Sequence[int],
        activation: str,
        skip: bool = False,
        dtype: DTypeLike = np.float64,
    ) -> None:
        check_activation(activation)
        basis = np.vstack([np.asarray(centre, dtype=np.float64)[None], np.asarray(directions, dtype=np.float64)])
        if basis.shape[0] != 3:
            raise ValueError(f"plane first layer: need two directions, got an array of shape {directions.shape}")
        alphas, betas = np.asarray(alphas, dtype=np.float64), np.asarray(betas, dtype=np.float64)
        Ws, bs = unflatten(basis, sizes)
        x = np.asarray(inputs, dtype=np.float64)
        Z = np.matmul(x, Ws[0]) + bs[0][:, None, :]  # (3, n, width): the centre's z and each direction's
        self.activation, self.dtype = activation, np.dtype(dtype)
        self.skip_input = x.astype(self.dtype) if skip else None
        scale = {"tanh": -2.0, "sigmoid": -1.0}.get(activation, 0.0) if self.dtype == np.float32 else 0.0
        # |Z0 + alpha Z1| is convex in alpha, so the extreme alphas bound every column's exponents.
        reach = max(float(np.abs(Z[0] + a * Z[1]).max()) for a in (alphas.min(), alphas.max()))
        reach = max(reach, float(np.abs(betas).max() * np.abs(Z[2]).max()))
        self.factored = bool(scale) and abs(scale) * reach <= self._EXP_LIMIT
        if self.factored:
            Z *= scale
        Z = Z.astype(self.dtype)
        # (len(alphas), n, width) and (len(betas), n, width), formed in place in ``dtype``.
        self.columns = np.multiply(alphas.astype(self.dtype)[:, None, None], Z[1])
        self.columns += Z[0]
        self.rows = np.multiply(betas.astype(self.dtype)[:, None, None], Z[2])
        if self.factored:
            np.exp(self.columns, out=self.columns)
            np.exp(self.rows, out=self.rows)

    def values(self, row: int, cols: slice, out: np.ndarray | None = None) -> np.ndarray:
        """``a`` (m, n, width) of the first hidden layer at grid row ``row`` and columns ``cols``,
        written into ``out`` (at least m rows of ``dtype``) when given."""
        part = self.columns[cols]
        target = None if out is None else out[: len(part)]
        with np.errstate(over="ignore", invalid="ignore"):
            if self.factored:
                e = np.multiply(part, self.rows[row], out=target)  # exp(s z) of each cell
                a = tanh_from_exp(e) if self.activation == "tanh" else _sigmoid_from_exp(e)
            else:
                a = _activate_in_place(self.activation, np.add(part, self.rows[row], out=target))
            if self.skip_input is not None:
                a += self.skip_input
        return a


def layer_buffers(batch: int, n: int, sizes: Sequence[int], dtype: DTypeLike) -> list[np.ndarray]:
    """Empty ``(batch, n, width)`` arrays, one per layer of a ``sizes`` network, for :func:`batched_logits`."""
    return [np.empty((batch, n, width), dtype=dtype) for width in sizes[1:]]


def skip_flags(residual: Sequence[bool], hidden: int) -> tuple[bool, ...]:
    """One skip flag per hidden layer: ``residual`` itself, or all false for an empty one."""
    if not any(residual):
        return (False,) * hidden
    if len(residual) != hidden:
        raise ValueError(f"residual: {len(residual)} flags for {hidden} hidden layers")
    return tuple(bool(flag) for flag in residual)


def fast_tanh(z: np.ndarray) -> np.ndarray:
    """``tanh(z)`` in place from one ``exp`` (the engine's kernel, ``engine/kernels.py``): in float32
    about a third cheaper than numpy's ``tanh`` on the landscape's layers (benchmarks/loss_landscape.py)
    and within 2e-7 of the exact value (absolute); inf, -inf and NaN give 1, -1 and NaN."""
    return tanh_in_place(z)


def fast_sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic ``1 / (1 + exp(-z))`` in place (overflow of ``exp`` gives the limit 0)."""
    np.negative(z, out=z)
    with np.errstate(over="ignore"):
        np.exp(z, out=z)
    return _sigmoid_from_exp(z)


def _sigmoid_from_exp(e: np.ndarray) -> np.ndarray:
    """``sigmoid(z)`` in place from ``e = exp(-z)``."""
    e += 1.0
    return np.asarray(np.reciprocal(e, out=e))


def _activate_in_place(name: str, z: np.ndarray) -> np.ndarray:
    """:func:`activate` overwriting ``z`` where it can: the landscape's layers are millions of values.
    float32 tanh and sigmoid go through one ``exp`` (:func:`fast_tanh`); float64 keeps numpy's."""
    if name == "tanh":
        return fast_tanh(z) if z.dtype == np.float32 else np.asarray(np.tanh(z, out=z))
    if name == "sigmoid" and z.dtype == np.float32:
        return fast_sigmoid(z)
    if name == "relu":
        return np.asarray(np.maximum(z, 0.0, out=z))
    return activate(name, z)
