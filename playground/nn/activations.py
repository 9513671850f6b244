"""Activation functions by name, as the panels and config files spell them."""

from __future__ import annotations

from ..engine import Tensor
from .names import check_name, unknown_name

LEAKY_SLOPE = 0.01

ACTIVATIONS: dict[str, str] = {
    "relu": "max(0, z): cheap, keeps gradients alive for positive inputs, can die",
    "leaky_relu": f"z for z > 0, {LEAKY_SLOPE} z otherwise: ReLU that never quite dies",
    "tanh": "squashes to (-1, 1), zero-centred; saturates for large |z|",
    "sigmoid": "squashes to (0, 1); saturates, so deep stacks lose their gradient",
    "linear": "the identity: stacked linear layers stay one linear map",
}


def check_activation(name: str) -> str:
    """Return ``name`` if it is a known activation, else raise ValueError listing them."""
    return check_name("activation", name, ACTIVATIONS)


def activate(name: str, z: Tensor) -> Tensor:
    """``a = sigma(z)`` for the activation called ``name``."""
    if name == "relu":
        return z.relu()
    if name == "tanh":
        return z.tanh()
    if name == "sigmoid":
        return z.sigmoid()
    if name == "leaky_relu":
        return z.leaky_relu(LEAKY_SLOPE)
    if name == "linear":
        return z
    raise unknown_name("activation", name, ACTIVATIONS)
