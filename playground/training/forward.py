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
) -> np.ndarray:
    """The logits (B, n, k) of the network with each of the ``B`` flat weight vectors ``params`` (B, P)
    on the same ``inputs`` (n, n_in): one batched matrix product per layer, no loop over weight vectors.

    ``dtype`` is the precision of the arithmetic: float32 halves the memory traffic
    and numpy's float32 ``tanh`` is vectorised (several times faster than float64's).
    ``residual`` flags the hidden layers with a skip (``a(l) = sigma(z(l)) + a(l-1)``).
    ``buffers``, one ``(B or more, n, width)`` array of ``dtype`` per layer (see :func:`layer_buffers`),
    receive the layers' values (the result is a view of the last): a caller that evaluates many
    batches reuses them, and skips the allocation and page faults of fresh megabyte arrays.
    """
    Ws, bs = unflatten(np.asarray(params, dtype=dtype), sizes)
    skips = skip_flags(residual, len(activations))
    a: np.ndarray = np.asarray(inputs, dtype=dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        for k, (W, b) in enumerate(zip(Ws, bs)):
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


def _activate_in_place(name: str, z: np.ndarray) -> np.ndarray:
    """:func:`activate` overwriting ``z`` where it can: the landscape's layers are millions of values."""
    if name == "tanh":
        return np.asarray(np.tanh(z, out=z))
    if name == "relu":
        return np.asarray(np.maximum(z, 0.0, out=z))
    return activate(name, z)
