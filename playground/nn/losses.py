"""Output heads: how the last layer's logits become predictions, and the loss that fits them.

* ``sigmoid``: two classes, one logit, binary cross-entropy.
* ``softmax``: k classes, k logits, cross-entropy.
* ``identity``: regression, one value, mean squared error.

Each loss is one fused engine op, so it is both fast and safe for large logits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..engine import Tensor, bce_with_logits, mse, softmax_cross_entropy
from .names import check_name


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 + 0.5 * np.tanh(0.5 * z)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    p: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return p


@dataclass(frozen=True)
class Head:
    """An output activation together with its matching loss."""

    name: str
    loss_name: str
    loss: Callable[[Tensor, np.ndarray], Tensor]
    activate: Callable[[np.ndarray], np.ndarray]

    def n_outputs(self, n_classes: int) -> int:
        """Number of output units: k for softmax, else 1."""
        return n_classes if self.name == "softmax" else 1


# The single-output losses take (n,) targets against (n, 1) logits themselves, and
# name the shapes when the sizes differ.
HEADS: dict[str, Head] = {
    "sigmoid": Head("sigmoid", "binary cross-entropy", bce_with_logits, _sigmoid),
    "softmax": Head("softmax", "cross-entropy", softmax_cross_entropy, _softmax),
    "identity": Head("identity", "mean squared error", mse, lambda z: z),
}


def get_head(name: str) -> Head:
    """The head called ``name``; ValueError lists the known ones."""
    return HEADS[check_name("output head", name, HEADS)]


def head_for_task(task: str, n_classes: int) -> Head:
    """Sigmoid for two classes, softmax for more, identity for regression."""
    if task == "regression":
        return HEADS["identity"]
    if task != "classification":
        raise ValueError(f"unknown task {task!r}; expected 'classification' or 'regression'")
    if n_classes < 2:
        raise ValueError(f"classification needs at least 2 classes, got {n_classes}")
    return HEADS["sigmoid"] if n_classes == 2 else HEADS["softmax"]
