"""Copies of a network's training state that later training cannot change.

Shared by ``Trainer`` (an epoch's start, kept to roll back a failed epoch; a
captured state for undo) and ``Comparison`` (a copy that trains no more keeps
its weights while the others train on).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class WeightsCopy:
    """A network's weights and their gradient, with its optimiser's state and learning rate, as copied."""

    params: np.ndarray
    grad: np.ndarray
    optimizer: dict[str, Any]
    optimizer_lr: float


def read_only(array: np.ndarray) -> np.ndarray:
    """``array`` (a private copy) made read-only, so a state cannot be changed through it."""
    array.flags.writeable = False
    return array


def copy_state(state: dict[str, Any]) -> dict[str, Any]:
    """An optimiser's ``state_dict`` with its arrays copied (its numbers are immutable already)."""
    return {key: value.copy() if isinstance(value, np.ndarray) else value for key, value in state.items()}


def read_only_state(state: dict[str, Any]) -> dict[str, Any]:
    """``state`` (an optimiser state of private copies) with every array made read-only."""
    return {key: read_only(value) if isinstance(value, np.ndarray) else value for key, value in state.items()}
