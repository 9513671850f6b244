"""The multilayer perceptron: a stack of ``Linear`` layers with activations between them.

In the chapter's notation, layer ``l`` computes ``z(l) = W(l) a(l-1) + b(l)`` and
``a(l) = sigma(z(l))``, with ``a(0)`` the input. The last layer's ``z`` is the
logits; the output head (sigmoid, softmax or identity, see ``losses``) turns it
into a prediction. With no hidden layers the model is logistic regression.

A hidden layer with a skip connection (``residual``) adds its input to its
output, ``a(l) = sigma(z(l)) + a(l-1)``: one more engine ``add`` node, so the
backward pass sends ``dL/da(l)`` down both the layer and the skip by itself.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike

from ..engine import Tensor
from .activations import activate, check_activation
from .init import check_init
from .layers import Linear
from .parameters import FlatParameters


@dataclass
class LayerTrace:
    """One layer's pre-activation ``z`` and activation ``a`` for a batch (the output's ``a`` is ``z``)."""

    z: Tensor
    a: Tensor


class MLP:
    """``MLP(n_in, hidden, n_out, activation)``: ``hidden`` may be empty.

    ``activation`` is one name for every hidden layer or one name per hidden
    layer. ``residual`` is empty (no skips) or one flag per hidden layer; a
    flagged layer must be as wide as its input. All parameters live in one flat
    buffer (``self.params``).
    """

    def __init__(
        self,
        n_in: int,
        hidden: Sequence[int],
        n_out: int,
        activation: str | Sequence[str] = "tanh",
        init: str = "xavier",
        seed: int | np.random.Generator = 0,
        dtype: DTypeLike = np.float64,
        residual: Sequence[bool] = (),
    ) -> None:
        hidden = list(hidden)
        for i, size in enumerate(hidden):
            if not isinstance(size, (int, np.integer)) or size < 1:
                raise ValueError(f"MLP: hidden layer {i + 1} must have a positive whole number of units, got {size!r}")
        # check_activation here too: with no hidden layer a misspelt name would pass unseen.
        names = [check_activation(activation)] * len(hidden) if isinstance(activation, str) else list(activation)
        if len(names) != len(hidden):
            raise ValueError(f"MLP: {len(names)} activations given for {len(hidden)} hidden layers")
        self.activations = [check_activation(name) for name in names]
        self.init = check_init(init)
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise TypeError(f"MLP: dtype must be a float type, got {self.dtype}")
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        sizes = [n_in, *hidden, n_out]
        self.sizes = [int(s) for s in sizes]
        self.residual = _check_residual(residual, self.sizes)
        self.layers = [Linear(a, b, init, rng, self.dtype) for a, b in itertools.pairwise(sizes)]
        tensors = [t for layer in self.layers for t in layer.parameters()]
        self.params = FlatParameters(tensors, [t is layer.W for layer in self.layers for t in layer.parameters()])

    # ---------------------------------------------------------------- forward
    def forward(
        self,
        x: Tensor | np.ndarray,
        trace: list[LayerTrace] | None = None,
        dropout: float = 0.0,
        rng: np.random.Generator | None = None,
    ) -> Tensor:
        """The logits for a batch ``x`` (n, n_in).

        Pass a list as ``trace`` to have every layer's ``LayerTrace`` appended to it
        (hidden layers first, the output layer last). ``dropout`` > 0 applies
        inverted dropout to hidden activations (training only; needs ``rng``).
        """
        a = x if isinstance(x, Tensor) else Tensor(np.asarray(x, dtype=self.dtype))
        if a.ndim != 2 or a.shape[1] != self.sizes[0]:
            raise ValueError(f"MLP: input must have shape (n, {self.sizes[0]}), got {a.shape}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"MLP: dropout must be in [0, 1), got {dropout!r}")
        if dropout and rng is None:
            raise ValueError("MLP: dropout needs a random generator (rng) for its masks")
        keep = 1.0 - dropout
        for layer, name, skip in zip(self.layers[:-1], self.activations, self.residual):
            z = layer(a)
            out = activate(name, z)
            if dropout > 0.0 and rng is not None:  # rng is not None: checked above
                # Inverted dropout: scale the survivors now so inference needs no change.
                mask = (rng.random(out.shape) < keep).astype(self.dtype) * (1.0 / keep)
                out = out * mask
            # The skip carries a(l-1) past the layer untouched (dropout masks only the layer's own output).
            a = out + a if skip else out
            if trace is not None:
                trace.append(LayerTrace(z, a))
        logits = self.layers[-1](a)
        if trace is not None:
            trace.append(LayerTrace(logits, logits))
        return logits

    __call__ = forward

    # ------------------------------------------------------------- parameters
    def parameters(self) -> list[Tensor]:
        """Weights and biases, layer by layer: W1, b1, W2, b2, ..."""
        return self.params.tensors

    def zero_grad(self) -> None:
        """Clear every parameter's gradient before the next ``backward()``."""
        self.params.zero_grad()

    def grad_norms(self) -> np.ndarray:
        """(layers, 2) array: L2 norm of each layer's weight gradient and bias gradient."""
        return self.params.segment_norms(self.params.grad).reshape(-1, 2)

    def weight_norms(self) -> np.ndarray:
        """(layers,) array: L2 norm of each layer's weights."""
        return self.params.segment_norms(self.params.data).reshape(-1, 2)[:, 0]

    def layer_labels(self) -> list[str]:
        """Human names of the layers, e.g. ``["layer 1: 8 tanh", "layer 2: 8 tanh + skip", "output: 1"]``."""
        hidden = [
            f"layer {i + 1}: {layer.n_out} {name}{' + skip' if skip else ''}"
            for i, (layer, name, skip) in enumerate(zip(self.layers, self.activations, self.residual))
        ]
        return [*hidden, f"output: {self.sizes[-1]}"]

    @property
    def n_in(self) -> int:
        return self.sizes[0]

    @property
    def hidden(self) -> list[int]:
        return self.sizes[1:-1]

    @property
    def n_out(self) -> int:
        return self.sizes[-1]

    def __repr__(self) -> str:
        acts = ", ".join(self.activations)
        skips = f", residual={self.residual}" if any(self.residual) else ""
        return f"MLP({' -> '.join(map(str, self.sizes))}, activations=[{acts}], init={self.init!r}{skips})"


def _check_residual(residual: Sequence[bool], sizes: list[int]) -> list[bool]:
    """One skip flag per hidden layer (all false for an empty ``residual``), widths checked."""
    hidden = len(sizes) - 2
    flags = [bool(flag) for flag in residual] if any(residual) else [False] * hidden
    if len(flags) != hidden:
        raise ValueError(f"MLP: {len(flags)} residual flags given for {hidden} hidden layers")
    layer = unequal_skip(sizes, flags)
    if layer is not None:
        raise ValueError(
            f"MLP: hidden layer {layer + 1} has a skip connection but {sizes[layer + 1]} units "
            f"for {sizes[layer]} inputs; a skip needs equal widths"
        )
    return flags


def unequal_skip(widths: Sequence[int], flags: Sequence[bool]) -> int | None:
    """The first hidden layer (from 0) whose skip connection would join unequal widths, or None.

    ``widths`` are the inputs' then each hidden layer's; ``flags`` one per hidden layer.
    A skip adds a layer's input to its output, so the two must be as wide."""
    return next((layer for layer, flag in enumerate(flags) if flag and widths[layer] != widths[layer + 1]), None)
