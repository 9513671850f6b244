"""Why training fails, named by its cause, with advice that fits that cause.

``diagnose`` reads the history (the loss curve, the per-layer gradient norms and
the per-epoch dead-unit counts) and, when given, the hidden layers' activations
at the training points, and returns what is wrong, most serious first:

- ``DIVERGED``: the loss or a weight became NaN or infinite (the trainer put the
  last finite weights back).
- ``LEARNING_RATE``: the loss oscillates or rises: well above its best, or
  worse than a constant guess (the class frequencies, or the mean target).
  Each step overshoots the minimum.
- ``DEAD_UNITS``: ReLU units that are zero on every training point, so they
  pass no gradient and never learn back; how many, in which layer and since
  which epoch.
- ``SATURATION``: tanh or sigmoid units stuck at their limits (tanh at ±1,
  sigmoid at 0 or 1) on nearly every point, where their slope is about zero,
  while the network is not learning.
- ``EXPLODING``: gradients that are huge or racing upward (``health``).
- ``VANISHING``: early layers whose gradients are a tiny fraction of the output
  layer's (``health``), reported only when nothing above explains them: tanh
  units saturated by a too-high learning rate also have tiny gradients, and
  the fix there is the learning rate, not ReLU.

Each check looks at the last ``WINDOW`` epochs and at arrays of a few thousand
numbers, so a diagnosis costs well under a millisecond plus the probe (the
window can run it after every frame). ``diagnose_trainer`` does the probing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

import numpy as np

from .config import TrainingConfig
from .health import ADVICE, EXPLODING, VANISHING, GradientHealth, assess_gradients
from .history import History
from .numbers import format_number

if TYPE_CHECKING:
    from ..data import Dataset
    from .trainer import Divergence, Trainer

DIVERGED, LEARNING_RATE, DEAD_UNITS, SATURATION, EXPLODING_GRADIENTS, VANISHING_GRADIENTS = (
    "diverged",
    "learning_rate",
    "dead_units",
    "saturation",
    "exploding",
    "vanishing",
)
CAUSES = (DIVERGED, LEARNING_RATE, DEAD_UNITS, SATURATION, EXPLODING_GRADIENTS, VANISHING_GRADIENTS)
ERROR, WARNING, NOTE = "error", "warning", "note"
SEVERITIES = (ERROR, WARNING, NOTE)

WINDOW = 20  # recent epochs the loss checks look at
MIN_EPOCHS = 5  # fewer epochs than this say nothing about the loss curve
ROSE = 2.0  # "risen": the recent median loss is this many times its best ...
ROSE_BY = 0.1  # ... and above it by this share of the constant guess's loss
WORSE_THAN_GUESS = 1.5  # the recent median loss over the constant guess's
JUMPY = 0.1  # median |change of log loss| between epochs that reads as oscillating
STALLED = 0.5  # a recent loss above this share of the constant guess's: not learning
SATURATED = 0.99  # |tanh| or |2 sigmoid - 1| beyond this: the slope is below 0.02
STUCK_SHARE = 0.95  # a unit saturated on this share of the points is stuck
# Above these the learning rate is large for the optimiser (Adam's steps are about
# lr in size whatever the gradient; plain gradient descent scales with it).
HIGH_LR = {"adam": 0.1, "sgd": 1.0, "momentum": 0.3, "nesterov": 0.3}

HistoryLike = Union[History, Mapping[str, np.ndarray]]


@dataclass(frozen=True)
class Diagnosis:
    """One cause of trouble: ``message`` says what happened, ``advice`` what helps.

    ``layers`` are the layers concerned as history column indices (0 = first
    hidden layer); ``since_epoch`` is when it began, where that is known.
    """

    cause: str
    severity: str
    message: str
    advice: str
    layers: tuple[int, ...] = ()
    since_epoch: int | None = None

    @property
    def text(self) -> str:
        """Message and advice as one paragraph, for a banner or a tooltip."""
        return f"{self.message} {self.advice}"


def diagnose(
    history: HistoryLike,
    config: TrainingConfig,
    hidden: Sequence[np.ndarray] | None = None,
    *,
    divergence: Divergence | None = None,
    baseline_loss: float | None = None,
    window: int = WINDOW,
) -> list[Diagnosis]:
    """Everything that is wrong with this training run, most serious first ([] when healthy).

    ``history`` is the trainer's ``History`` or a mapping of its columns (a
    frame's copy). ``hidden`` are the hidden layers' activations at the
    training points, (points, units) each (``Probe.a[:-1]``); without them
    saturation is not checked and dead units come from the last epoch's count.
    ``divergence`` is ``Trainer.divergence``; ``baseline_loss`` is
    ``Trainer.baseline_loss()`` (the loss of a constant guess), which makes
    the loss checks sharper.
    """
    if window < MIN_EPOCHS:
        raise ValueError(f"diagnose: window must be at least {MIN_EPOCHS} epochs, got {window}")
    sizes, activations = config.hidden, config.activations
    if hidden is not None and len(hidden) != len(sizes):
        raise ValueError(f"diagnose: expected activations of {len(sizes)} hidden layers, got {len(hidden)}")
    curve = _LossCurve.read(history, baseline_loss, window)
    lr = _latest(history, "lr", config.lr)
    high_lr = lr > HIGH_LR.get(config.optimizer, 1.0)
    found: list[Diagnosis] = []
    if divergence is not None:
        found.append(_diverged(divergence, activations))
    health = assess_gradients(_column(history, "grad_norms", len(sizes) + 1), activations, window=5)
    too_high = _learning_rate(curve, lr, health)
    if too_high is not None:
        found.append(too_high)
    blamed_on_lr = too_high is not None or high_lr or divergence is not None
    explained: set[int] = set()
    for layer, (size, name) in enumerate(zip(sizes, activations)):
        units = None if hidden is None else np.asarray(hidden[layer])
        problem = (
            _dead_units(history, layer, size, units, blamed_on_lr, lr)
            if name == "relu"
            else _saturation(layer, size, name, units, curve, blamed_on_lr, lr)
            if name in ("tanh", "sigmoid") and units is not None
            else None
        )
        if problem is not None:
            found.append(problem)
            explained.add(layer)
    if too_high is None and divergence is None:
        found.extend(_gradient_flags(health, explained, curve, activations))
    order = {severity: i for i, severity in enumerate(SEVERITIES)}
    causes = {cause: i for i, cause in enumerate(CAUSES)}
    return sorted(found, key=lambda d: (order[d.severity], causes[d.cause], d.layers))


def diagnosis_rows(dataset: Dataset, max_points: int = 2000) -> np.ndarray:
    """The rows of ``dataset`` that ``diagnose_trainer`` probes: its training points, at most
    ``max_points`` of them evenly spread (so the cost stays bounded at 100,000 points)."""
    train = np.flatnonzero(~dataset.is_test)
    if len(train) > max_points:
        train = train[np.linspace(0, len(train) - 1, max_points).astype(np.intp)]
    return train


def diagnose_trainer(
    trainer: Trainer, max_points: int = 2000, hidden: Sequence[np.ndarray] | None = None
) -> list[Diagnosis]:
    """``diagnose`` for a trainer, from its hidden layers' activations at ``diagnosis_rows``:
    ``hidden`` if the caller has them (a still frame probes those points exactly), else probed here."""
    if hidden is None:
        dataset = trainer.dataset
        train = diagnosis_rows(dataset, max_points)
        hidden = trainer.probe(dataset.X[train]).a[:-1] if len(train) else None
    return diagnose(
        trainer.history, trainer.config, hidden, divergence=trainer.divergence, baseline_loss=trainer.baseline_loss()
    )


def confirmed_health(health: GradientHealth, diagnoses: Sequence[Diagnosis]) -> GradientHealth:
    """The gradient flags that ``diagnoses`` stand by, for the gradient plot's headline.

    ``assess_gradients`` sees only gradient norms, so it calls the tiny
    gradients of saturated or dead units "vanishing" and advises ReLU; the
    diagnosis knows better. Vanishing flags stay only in layers a VANISHING
    diagnosis names; exploding flags stay unless the run diverged (then the
    divergence is the news).
    """
    vanishing = {layer for d in diagnoses if d.cause == VANISHING_GRADIENTS for layer in d.layers}
    diverged = any(d.cause == DIVERGED for d in diagnoses)
    kept = tuple(
        f
        for f in health.flags
        if (f.kind == VANISHING and f.layer in vanishing) or (f.kind == EXPLODING and not diverged)
    )
    return GradientHealth(kept)


# ---------------------------------------------------------------- the checks
@dataclass(frozen=True)
class _LossCurve:
    """The training loss's recent behaviour, in the few numbers the checks need."""

    epochs: int  # finite epochs recorded
    level: float  # median of the recent losses
    low: float  # smallest and largest recent loss
    high: float
    best: float  # best loss ever, and its epoch
    best_epoch: int
    jumps: float  # median |change of log loss| between recent epochs
    reference: float  # the constant guess's loss (or the first epoch's)
    guessed: bool  # whether ``reference`` is the constant guess

    @classmethod
    def read(cls, history: HistoryLike, baseline: float | None, window: int) -> _LossCurve | None:
        loss = np.asarray(_column(history, "train_loss"), dtype=np.float64)
        epochs = np.asarray(_column(history, "epoch"), dtype=np.float64)
        keep = np.isfinite(loss)
        loss, epochs = loss[keep], epochs[keep]
        if len(loss) < MIN_EPOCHS:
            return None
        recent = loss[-window:]
        best = int(np.argmin(loss))
        guessed = baseline is not None and math.isfinite(baseline) and baseline > 0.0
        reference = baseline if baseline is not None and guessed else float(loss[0])
        # Losses are positive (cross-entropy, squared error); the floor keeps log finite at 0.
        logs = np.log(np.maximum(recent, 1e-300))
        return cls(
            len(loss),
            float(np.median(recent)),
            float(recent.min()),
            float(recent.max()),
            float(loss[best]),
            int(epochs[best]),
            float(np.median(np.abs(np.diff(logs)))),
            reference,
            guessed,
        )

    @property
    def stalled(self) -> bool:
        """Not learning: the loss stays near (or above) a constant guess's."""
        return self.guessed and self.level >= STALLED * self.reference

    def describe(self) -> str:
        """The loss's recent course in words, with its best and the constant guess."""
        if self.jumps >= JUMPY:
            course = (
                f"The training loss jumps between {format_number(self.low)} and "
                f"{format_number(self.high)} from epoch to epoch"
            )
        else:
            course = f"The training loss has risen to {format_number(self.level)}"
        text = f"{course} (its best was {format_number(self.best)}, at epoch {self.best_epoch}"
        if self.guessed:
            text += f"; guessing the same answer for every point scores {format_number(self.reference)}"
        return text + ")."


def _learning_rate(curve: _LossCurve | None, lr: float, health: object) -> Diagnosis | None:
    if curve is None:
        return None
    rose = curve.level > ROSE * curve.best and curve.level - curve.best > ROSE_BY * curve.reference
    worse = curve.guessed and curve.level > WORSE_THAN_GUESS * curve.reference
    if not (rose or worse):
        return None
    message = curve.describe()
    exploding = [f for f in getattr(health, "flags", ()) if f.kind == EXPLODING]
    if exploding:
        worst = max(exploding, key=lambda f: f.value if math.isfinite(f.value) else math.inf)
        message += f" The gradients have grown to {format_number(worst.value)}."
    advice = (
        f"The learning rate ({format_number(lr)}) is too high: each step overshoots the minimum. "
        f"Lower it, for example to {format_number(lr / 10)}, and press Reset if the loss does "
        f"not come down (the weights may have grown too large to recover)."
    )
    return Diagnosis(LEARNING_RATE, WARNING, message, advice, since_epoch=curve.best_epoch)


def _diverged(divergence: Divergence, activations: Sequence[str]) -> Diagnosis:
    message = (
        f"Training diverged in epoch {divergence.epoch}: {divergence.cause}. The weights "
        f"were put back to those after epoch {divergence.epoch - 1}."
    )
    unbounded = activations and all(name in ("linear", "relu", "leaky_relu") for name in activations)
    why = (
        " With linear or ReLU units nothing limits how large the values grow, so an overshooting step feeds on itself."
        if unbounded
        else ""
    )
    advice = (
        f"Lower the learning rate (now {format_number(divergence.lr)}), for example to "
        f"{format_number(divergence.lr / 10)}, then train on.{why}"
    )
    return Diagnosis(DIVERGED, ERROR, message, advice, since_epoch=divergence.epoch)


def _dead_units(
    history: HistoryLike, layer: int, size: int, units: np.ndarray | None, blamed_on_lr: bool, lr: float
) -> Diagnosis | None:
    column = _maybe_column(history, "dead_units")
    counts = None if column is None or not len(column) else np.asarray(column, dtype=np.float64)[:, layer]
    if units is not None:
        dead = int(np.count_nonzero(np.all(units == 0.0, axis=0))) if len(units) else 0
    elif counts is not None and math.isfinite(counts[-1]):
        dead = int(counts[-1])
    else:
        return None
    if dead == 0:
        return None
    since = _since(np.asarray(_column(history, "epoch"), dtype=np.float64), counts, dead)
    when = f" since epoch {since}" if since is not None else ""
    message = (
        f"layer {layer + 1}: {dead} of {size} ReLU units dead{when}: they are zero on every "
        f"training point, so they pass no gradient and cannot learn back."
    )
    if dead == size:
        message += " Nothing reaches the layers above, so the network gives every point the same answer."
    if blamed_on_lr:
        advice = (
            f"A learning rate this high ({format_number(lr)}) lets one step push a unit below zero "
            f"for every point. Lower it, for example to {format_number(lr / 10)}, and press Reset "
            f"(dead units do not revive by themselves), or use leaky ReLU."
        )
    else:
        advice = (
            "Press Reset to start them afresh, or use leaky ReLU (its small slope below zero "
            "keeps units learning); He initialisation and a lower learning rate also help."
        )
    severity = WARNING if 2 * dead >= size else NOTE
    return Diagnosis(DEAD_UNITS, severity, message, advice, (layer,), since)


def _since(epochs: np.ndarray, counts: np.ndarray | None, dead: int) -> int | None:
    """The first epoch of the latest run of epochs with at least ``dead`` dead units.

    Units that died during the last epoch (they still had a gradient early in
    it) are dead since that epoch.
    """
    if counts is None or not len(counts) or not math.isfinite(counts[-1]):
        return None
    if counts[-1] < dead:
        return int(epochs[-1])
    below = np.flatnonzero(~(counts >= dead))  # NaN (not recorded) breaks the run too
    first = below[-1] + 1 if len(below) else 0
    return int(epochs[first])


def _saturation(
    layer: int, size: int, name: str, units: np.ndarray | None, curve: _LossCurve | None, blamed_on_lr: bool, lr: float
) -> Diagnosis | None:
    if units is None or not len(units):
        return None
    # A converged network may run its units hard against their limits and be right:
    # saturation is a problem while the network does not learn.
    if not blamed_on_lr and (curve is None or not curve.stalled):
        return None
    spread = np.abs(units) if name == "tanh" else np.abs(2.0 * units - 1.0)
    stuck = int(np.count_nonzero(np.mean(spread > SATURATED, axis=0) >= STUCK_SHARE))
    if 2 * stuck < size:
        return None
    limits = "±1" if name == "tanh" else "0 or 1"
    message = (
        f"layer {layer + 1}: {stuck} of {size} {name} units stuck at {limits}: saturated on at "
        f"least {STUCK_SHARE:.0%} of the training points, where their slope is almost zero, so "
        f"they pass almost no gradient."
    )
    if blamed_on_lr:
        advice = (
            f"The learning rate ({format_number(lr)}) is so high that the weights grew too large "
            f"for {name}. Lower it, for example to {format_number(lr / 10)}, and press Reset to "
            f"start from small weights."
        )
    else:
        advice = (
            "The inputs to these units are too large: standardise the inputs, use Xavier "
            "initialisation, or add L2; then press Reset to start from small weights."
        )
    return Diagnosis(SATURATION, WARNING, message, advice, (layer,))


def _gradient_flags(
    health: object, explained: set[int], curve: _LossCurve | None, activations: Sequence[str]
) -> list[Diagnosis]:
    flags = [f for f in getattr(health, "flags", ()) if f.layer not in explained]
    found = []
    exploding = [f for f in flags if f.kind == EXPLODING]
    if exploding:
        worst = max(exploding, key=lambda f: f.value if math.isfinite(f.value) else math.inf)
        message = (
            f"Exploding gradients in {_layers([f.layer for f in exploding], len(activations))}: up to "
            f"{format_number(worst.value)}."
        )
        found.append(
            Diagnosis(
                EXPLODING_GRADIENTS,
                WARNING,
                message,
                "Lower the learning rate; Xavier initialisation and fewer layers also keep gradients in range.",
                tuple(f.layer for f in exploding),
            )
        )
    vanishing = [f for f in flags if f.kind == VANISHING]
    if vanishing:
        worst = min(vanishing, key=lambda f: f.value)
        message = (
            f"Vanishing gradients in {_layers([f.layer for f in vanishing], len(activations))}: under "
            f"{format_number(1e-3)} of the output layer's (layer {worst.layer + 1}: "
            f"{format_number(worst.value)} of it), so these layers barely learn."
        )
        stalled = curve is not None and curve.stalled
        if curve is not None and stalled:
            message += (
                f" The loss has stalled at {format_number(curve.level)}, about what guessing "
                f"the same answer for every point scores ({format_number(curve.reference)})."
            )
        family = (
            "saturating"
            if all(activations[f.layer] in ("sigmoid", "tanh") for f in vanishing)
            else "relu"
            if all(activations[f.layer] == "relu" for f in vanishing)
            else "other"
        )
        advice = ADVICE[VANISHING, family][1]
        if family == "saturating":
            advice += " (the 'deep ReLU + He' preset)"
        found.append(
            Diagnosis(
                VANISHING_GRADIENTS,
                WARNING if stalled else NOTE,
                message,
                f"What helps: {advice}.",
                tuple(f.layer for f in vanishing),
            )
        )
    return found


# ----------------------------------------------------------------- helpers
def _column(history: HistoryLike, name: str, layers: int = 0) -> np.ndarray:
    """A history column from a ``History`` or a mapping; a missing per-layer column
    reads as NaN (``layers`` wide), a missing epoch or loss is a ValueError."""
    values = _maybe_column(history, name)
    if values is not None:
        return values
    if not layers:
        raise ValueError(f"diagnose: the history needs the column {name!r}")
    return np.full((len(_column(history, "epoch")), layers), np.nan)


def _maybe_column(history: HistoryLike, name: str) -> np.ndarray | None:
    if isinstance(history, History):
        return history.array(name)
    return np.asarray(history[name]) if name in history else None


def _latest(history: HistoryLike, name: str, default: float) -> float:
    values = _maybe_column(history, name)
    if values is None or not len(values) or not math.isfinite(float(values[-1])):
        return float(default)
    return float(values[-1])


def _layers(layers: Sequence[int], n_hidden: int) -> str:
    """History column indices in words: "layer 2", "layers 1, 2 and the output layer"."""
    names = [f"{i + 1}" if i < n_hidden else "the output layer" for i in sorted(layers)]
    if len(names) == 1:
        return names[0] if names[0] == "the output layer" else f"layer {names[0]}"
    return f"layers {', '.join(names[:-1])} and {names[-1]}"
