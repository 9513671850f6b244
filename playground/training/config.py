"""``TrainingConfig``: the network's architecture and every hyperparameter, validated.

A frozen dataclass: the UI makes a new one with ``dataclasses.replace`` for each
change, and the trainer compares old and new to decide whether the weights
survive (hyperparameters) or the network is rebuilt (architecture).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Mapping, NoReturn

from ..data.features import FEATURES
from ..nn import ACTIVATIONS, INITS, OPTIMIZERS, SCHEDULES
from ..nn.mlp import unequal_skip

MAX_HIDDEN_LAYERS = 10
MAX_UNITS = 64
DTYPES = ("float64", "float32")

# Fields whose change means a different network: the weights are re-initialised.
ARCHITECTURE_FIELDS = ("hidden", "activation", "residual", "features", "standardize", "init", "seed", "dtype")


def fitting_skips(wanted: tuple[bool, ...], inputs: int, hidden: tuple[int, ...]) -> tuple[bool, ...]:
    """The flags of ``wanted`` whose layer exists in ``hidden`` and is as wide as its input
    (``inputs`` features for the first layer), as ``TrainingConfig.residual`` stores them."""
    widths = (inputs, *hidden)
    kept = tuple(
        bool(flag) and i < len(hidden) and widths[i] == widths[i + 1] for i, flag in enumerate(wanted[: len(hidden)])
    )
    return kept + (False,) * (len(hidden) - len(kept)) if any(kept) else ()


def _fail(name: str, message: str, value: object) -> NoReturn:
    text = repr(value)  # a file may hold a huge value: quote only its start
    raise ValueError(f"TrainingConfig.{name}: {message}, got {text if len(text) <= 60 else text[:57] + '...'}")


def _number(
    name: str, value: object, low: float, high: float, *, open_low: bool = False, open_high: bool = False
) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(name, "must be a number", value)
    try:
        number = float(value)
    except OverflowError:  # a whole number beyond any float, such as 10**400 from a file
        number = math.inf
    below = number <= low if open_low else number < low
    above = number >= high if open_high else number > high
    if not math.isfinite(number) or below or above:
        _fail(
            name,
            f"must be a finite number in {'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}",
            value,
        )
    return number


def _whole(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        _fail(name, f"must be a whole number in {low}..{high}", value)
    return int(value)


def _choice(name: str, value: object, options: Mapping[str, Any] | tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in options:
        _fail(name, f"must be one of {', '.join(options)}", value)
    return value


@dataclass(frozen=True)
class TrainingConfig:
    """Architecture and hyperparameters of one training run.

    ``hidden`` may be empty (logistic regression). ``activation`` is one name or
    one per hidden layer. ``batch_size`` at least the number of training points
    means full batch. ``patience`` 0 turns early stopping off; ``max_epochs`` 0
    means no limit. ``residual`` is empty (no skips) or one flag per hidden
    layer: a flagged layer computes ``a(l) = sigma(W a(l-1) + b) + a(l-1)`` and
    must be as wide as its input. Invalid values raise ValueError naming the field.
    """

    hidden: tuple[int, ...] = (8, 8)
    activation: str | tuple[str, ...] = "tanh"
    features: tuple[str, ...] = ("x1", "x2")
    standardize: bool = False
    init: str = "xavier"
    optimizer: str = "sgd"
    lr: float = 0.03
    momentum: float = 0.9
    batch_size: int = 10
    l1: float = 0.0
    l2: float = 0.0
    weight_decay: float = 0.0
    dropout: float = 0.0
    schedule: str = "constant"
    schedule_gamma: float = 0.5
    schedule_every: int = 100
    patience: int = 0
    max_epochs: int = 0
    seed: int = 0
    dtype: str = "float64"
    residual: tuple[bool, ...] = ()

    def __post_init__(self) -> None:
        # Lists are accepted for convenience and stored as tuples (hashable, immutable).
        hidden = self.hidden
        if isinstance(hidden, (list, tuple)):
            hidden = tuple(hidden)
        else:
            _fail("hidden", "must be a list of layer sizes", hidden)
        if len(hidden) > MAX_HIDDEN_LAYERS:
            _fail("hidden", f"allows at most {MAX_HIDDEN_LAYERS} hidden layers", list(hidden))
        for size in hidden:
            _whole("hidden", size, 1, MAX_UNITS)
        object.__setattr__(self, "hidden", hidden)

        activation = self.activation
        if isinstance(activation, (list, tuple)):
            activation = tuple(activation)
            if len(activation) != len(hidden):
                _fail("activation", f"needs one name per hidden layer ({len(hidden)})", list(activation))
            for name in activation:
                _choice("activation", name, ACTIVATIONS)
        else:
            _choice("activation", activation, ACTIVATIONS)
        object.__setattr__(self, "activation", activation)

        features = self.features
        if not isinstance(features, (list, tuple)) or not features:
            _fail("features", "must be a non-empty list of feature names", features)
        for name in features:
            _choice("features", name, FEATURES)
        if len(set(features)) != len(features):
            _fail("features", "must not repeat a feature", list(features))
        object.__setattr__(self, "features", tuple(features))

        if not isinstance(self.standardize, bool):
            _fail("standardize", "must be true or false", self.standardize)
        _choice("init", self.init, INITS)
        _choice("optimizer", self.optimizer, OPTIMIZERS)
        _choice("schedule", self.schedule, SCHEDULES)
        _choice("dtype", self.dtype, DTYPES)
        _number("lr", self.lr, 0.0, 100.0, open_low=True)
        _number("momentum", self.momentum, 0.0, 0.999)
        _whole("batch_size", self.batch_size, 1, 1_000_000)
        _number("l1", self.l1, 0.0, 10.0)
        _number("l2", self.l2, 0.0, 10.0)
        _number("weight_decay", self.weight_decay, 0.0, 1.0)
        _number("dropout", self.dropout, 0.0, 0.9)
        _number("schedule_gamma", self.schedule_gamma, 0.0, 1.0, open_low=True)
        _whole("schedule_every", self.schedule_every, 1, 1_000_000)
        _whole("patience", self.patience, 0, 1_000_000)
        _whole("max_epochs", self.max_epochs, 0, 100_000_000)
        _whole("seed", self.seed, 0, 2**32 - 1)
        object.__setattr__(self, "residual", self._checked_residual())

    def _checked_residual(self) -> tuple[bool, ...]:
        """``residual`` as a tuple of flags, one per hidden layer, or ``()`` when no layer has a skip.

        All-false flags are stored as ``()``, so "no skip" has one spelling and a
        later change of ``hidden`` alone stays valid.
        """
        flags = self.residual
        if not isinstance(flags, (list, tuple)) or not all(isinstance(flag, bool) for flag in flags):
            _fail("residual", "must be a list of true/false flags, one per hidden layer", flags)
        flags = tuple(flags)
        if not any(flags):
            return ()
        if len(flags) != len(self.hidden):
            _fail("residual", f"needs one flag per hidden layer ({len(self.hidden)})", list(flags))
        widths = (len(self.features), *self.hidden)
        layer = unequal_skip(widths, flags)
        if layer is not None:
            raise ValueError(
                f"TrainingConfig.residual: layer {layer + 1} has {widths[layer + 1]} units but its input has "
                f"{widths[layer]}; a skip connection needs equal widths"
            )
        return flags

    @property
    def activations(self) -> tuple[str, ...]:
        """One activation name per hidden layer."""
        if isinstance(self.activation, tuple):
            return self.activation
        return (self.activation,) * len(self.hidden)

    def architecture_changes(self, other: TrainingConfig) -> list[str]:
        """Names of the fields that make ``other`` a different network from this one."""
        # "tanh" and ("tanh", "tanh") are the same network, so compare per-layer names;
        # but an unchanged "tanh" with a new layer count is a change of hidden only.
        return [
            name
            for name in ARCHITECTURE_FIELDS
            if (
                self.activation != other.activation and self.activations != other.activations
                if name == "activation"
                else getattr(self, name) != getattr(other, name)
            )
        ]

    def replace(self, **changes: Any) -> TrainingConfig:
        """A copy with ``changes`` applied (and validated).

        A change of ``hidden`` or ``features`` that does not give ``residual`` keeps
        the skips of the layers that still exist and are still as wide as their
        input, so a preset or a new layer count never fails on an old skip.
        """
        if self.residual and "residual" not in changes and ("hidden" in changes or "features" in changes):
            hidden, features = changes.get("hidden", self.hidden), changes.get("features", self.features)
            if isinstance(hidden, (list, tuple)) and isinstance(features, (list, tuple)):
                changes["residual"] = fitting_skips(self.residual, len(features), tuple(hidden))
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dict; ``from_dict(to_dict())`` gives an equal config."""
        out: dict[str, object] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> TrainingConfig:
        """Build from ``to_dict`` output; unknown keys and bad values raise ValueError."""
        if not isinstance(data, Mapping):
            raise ValueError(f"TrainingConfig: expected an object of settings, got {type(data).__name__}")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"TrainingConfig: unknown setting(s) {', '.join(unknown)}")
        return cls(**dict(data))  # type: ignore[arg-type]
