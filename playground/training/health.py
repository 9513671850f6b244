"""Gradient health: which layers' gradients vanish or explode, and what usually helps.

Reads the per-epoch weight-gradient norms that the trainer records (history
column ``grad_norms``: one column per layer, hidden layers first, the output
layer last) and flags a layer when

- its gradient is tiny next to the output layer's (*vanishing*): averaged over
  the last few epochs, below ``VANISHING_RATIO`` times the output layer's. The
  output layer is the reference because its gradient comes straight from the
  loss; whatever is lost on the way down the stack shows up as this ratio.
- its gradient is huge or racing upward (*exploding*): not finite, above
  ``EXPLODING_NORM``, or grown by ``EXPLODING_GROWTH`` times within the last
  two windows while already above ``GROWTH_FLOOR``. The floor keeps a tiny
  gradient that recovers (1e-5 -> 1e-3, a network escaping a plateau) from
  being called exploding.

Plain numpy, so a script can ask the same question the window shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .numbers import format_number

VANISHING_RATIO = 1e-3
EXPLODING_NORM = 1e3
EXPLODING_GROWTH = 1e2
GROWTH_FLOOR = 10.0
WINDOW = 5  # epochs averaged, so one noisy mini-batch does not raise or clear a flag

VANISHING, EXPLODING = "vanishing", "exploding"

# What usually helps, by problem and by the layer's activation: (short hint, full advice).
ADVICE = {
    (VANISHING, "saturating"): (
        "try ReLU + He init",
        "ReLU instead of sigmoid/tanh in deep stacks, with He initialisation, or fewer layers",
    ),
    (VANISHING, "relu"): (
        "lower the learning rate",
        "a lower learning rate, leaky ReLU or He initialisation (dead ReLU units pass no gradient)",
    ),
    (VANISHING, "other"): ("try fewer layers", "fewer layers, or ReLU with He initialisation"),
    (EXPLODING, "any"): (
        "lower the learning rate",
        "a lower learning rate, gradient clipping, or a smaller initialisation (Xavier)",
    ),
}


@dataclass(frozen=True)
class LayerFlag:
    """One flagged layer: ``layer`` indexes the history's columns (0 = first hidden layer)."""

    layer: int
    kind: str  # VANISHING or EXPLODING
    value: float  # vanishing: norm / output norm; exploding: the recent norm (may be inf/nan)
    hint: str  # a few words for a plot's status line
    advice: str  # the full advice, for tooltips

    def describe(self, label: str) -> str:
        """Two lines for a tooltip; ``label`` is the layer's history label ("layer 1: 8 sigmoid")."""
        name = inline_layer_label(label)
        if self.kind == VANISHING:
            problem = f"{name}: vanishing gradient ({format_number(self.value, 1)} × the output layer's)."
        else:
            size = "not finite" if not np.isfinite(self.value) else f"‖∂L/∂W‖ ≈ {format_number(self.value, 3)}"
            problem = f"{name}: exploding gradient ({size})."
        return f"{problem}\nWhat usually helps: {self.advice}."


@dataclass(frozen=True)
class GradientHealth:
    """The flags of one assessment; ``flags`` is ordered by layer."""

    flags: tuple[LayerFlag, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.flags

    def flag(self, layer: int) -> LayerFlag | None:
        """The flag of ``layer`` (history column index), or None."""
        return next((f for f in self.flags if f.layer == layer), None)

    def summary(self, names: Sequence[str]) -> str:
        """The full verdict with advice ("" when healthy); ``names`` are the layers' labels."""
        parts = []
        for kind, flagged in self._by_kind():
            where = layer_list([f.layer for f in flagged], names)
            if kind == VANISHING:
                worst = min(f.value for f in flagged)
                parts.append(
                    f"Vanishing gradients in {where} (down to {format_number(worst, 1)} × the output "
                    f"layer's). What usually helps: {flagged[0].advice}."
                )
            else:
                parts.append(f"Exploding gradients in {where}. What usually helps: {flagged[0].advice}.")
        return " ".join(parts)

    def headline(self, names: Sequence[str]) -> str:
        """One short line, e.g. ``"Vanishing gradients in layers 1–4: try ReLU + He init"``."""
        return "; ".join(
            f"{kind.capitalize()} gradients in {layer_list([f.layer for f in flagged], names)}: {flagged[0].hint}"
            for kind, flagged in self._by_kind()
        )

    def _by_kind(self) -> list[tuple[str, list[LayerFlag]]]:
        """Exploding first (the more urgent), then vanishing; kinds without flags left out."""
        groups = [(kind, [f for f in self.flags if f.kind == kind]) for kind in (EXPLODING, VANISHING)]
        return [(kind, flagged) for kind, flagged in groups if flagged]


def layer_list(layers: Sequence[int], names: Sequence[str]) -> str:
    """Layers by index as words: consecutive hidden layers become a range ("layers 1–4, output").

    ``names`` are the history's layer labels ("layer 1: 8 sigmoid", ..., "output: 1");
    the last one is the output layer.
    """
    hidden = sorted(i for i in layers if i < len(names) - 1)
    runs: list[list[int]] = []
    for i in hidden:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    words = [f"{r[0] + 1}" if len(r) == 1 else f"{r[0] + 1}–{r[-1] + 1}" for r in runs]
    parts = [f"layer{'s' if len(hidden) > 1 else ''} {', '.join(words)}"] if hidden else []
    if len(names) - 1 in layers:
        parts.append(_short(names[-1]))
    return ", ".join(parts)


def assess_gradients(grad_norms: np.ndarray, activations: Sequence[str] = (), window: int = WINDOW) -> GradientHealth:
    """Flag vanishing and exploding layers from ``grad_norms`` (epochs, layers).

    ``activations`` names each hidden layer's activation (one fewer than the
    layers) and only tailors the advice. Rows before the first epoch may be NaN
    and are skipped; with no epoch yet there are no flags.
    """
    norms = np.asarray(grad_norms, dtype=np.float64)
    if norms.ndim != 2:
        raise ValueError(f"assess_gradients: expected (epochs, layers) norms, got shape {norms.shape}")
    if window < 1:
        raise ValueError(f"assess_gradients: window must be at least 1, got {window}")
    norms = _last_epochs(norms, 2 * window)
    if not len(norms) or norms.shape[1] == 0:
        return GradientHealth()
    recent, earlier = norms[-window:], norms[-2 * window : -window]
    flags = []
    for layer in range(norms.shape[1]):
        flag = _exploding(layer, recent[:, layer], earlier[:, layer]) or _vanishing(layer, recent, activations)
        if flag is not None:
            flags.append(flag)
    return GradientHealth(tuple(flags))


def _last_epochs(norms: np.ndarray, count: int) -> np.ndarray:
    """The last ``count`` rows of ``norms`` that are not entirely NaN (epochs that never ran, an
    empty history, not explosions). Only the tail is looked at when it has no such row: the
    diagram assesses every frame, and the whole history of a long run (20,000 epochs of 11
    layers) cost 0.6 ms a frame where its last rows cost 0.1."""
    tail = norms[-count:]
    ran = ~np.all(np.isnan(tail), axis=1)
    last: np.ndarray = (
        tail[ran] if ran.all() or len(tail) == len(norms) else norms[~np.all(np.isnan(norms), axis=1)][-count:]
    )
    return last


def _exploding(layer: int, recent: np.ndarray, earlier: np.ndarray) -> LayerFlag | None:
    if not np.all(np.isfinite(recent)):
        return LayerFlag(layer, EXPLODING, float(recent[~np.isfinite(recent)][0]), *ADVICE[EXPLODING, "any"])
    level = float(recent.mean())
    grown = (
        len(earlier)
        and np.all(np.isfinite(earlier))
        and level > GROWTH_FLOOR
        and level > EXPLODING_GROWTH * float(earlier.mean())
    )
    if level > EXPLODING_NORM or grown:
        return LayerFlag(layer, EXPLODING, level, *ADVICE[EXPLODING, "any"])
    return None


def _vanishing(layer: int, recent: np.ndarray, activations: Sequence[str]) -> LayerFlag | None:
    output = float(recent[:, -1].mean())
    if layer == recent.shape[1] - 1 or not np.isfinite(output) or output <= 0.0:
        return None  # the output is the reference; with no output gradient there is nothing to compare
    ratio = float(recent[:, layer].mean()) / output
    if ratio >= VANISHING_RATIO:
        return None
    return LayerFlag(layer, VANISHING, ratio, *ADVICE[VANISHING, _family(activations, layer)])


def _family(activations: Sequence[str], layer: int) -> str:
    """Which advice fits the layer's activation: saturating (sigmoid/tanh), ReLU, or other."""
    name = activations[layer] if layer < len(activations) else ""
    if name in ("sigmoid", "tanh"):
        return "saturating"
    return "relu" if name == "relu" else "other"


def inline_layer_label(label: str) -> str:
    """``"layer 1: 8 sigmoid"`` -> ``"layer 1 (8 sigmoid)"``, for use inside a sentence."""
    name, _, detail = label.partition(": ")
    return f"{name} ({detail})" if detail else name


def _short(label: str) -> str:
    """``"layer 1: 8 sigmoid"`` -> ``"layer 1"`` (the part before the colon)."""
    return label.split(":")[0]


def dead_units(point_a: np.ndarray, train: np.ndarray, activation: str) -> np.ndarray:
    """(units,) bool: ReLU units whose activation is zero on every training point.

    Such a unit passes no gradient to its weights, so training alone will not
    revive it. Only ReLU can be exactly zero everywhere; other activations and
    a dataset without training points give no dead units.
    """
    a = np.asarray(point_a)
    train = np.asarray(train, dtype=bool)
    if activation != "relu" or not train.any():
        return np.zeros(a.shape[1], dtype=bool)
    dead: np.ndarray = np.all(a[train] == 0.0, axis=0)
    return dead
