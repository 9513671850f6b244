"""Diagnosis of failed training by its cause, on the window's default session
(spiral n=300 noise=0.1 seed=0, 30% test; 2-16-16-1 tanh, Adam lr 0.03, batch 32)."""

from __future__ import annotations

import functools
import math
import re

import numpy as np
import pytest

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.diagnosis import (
    DEAD_UNITS,
    DIVERGED,
    ERROR,
    LEARNING_RATE,
    NOTE,
    SATURATION,
    VANISHING_GRADIENTS,
    WARNING,
    WINDOW,
    Diagnosis,
    confirmed_health,
    diagnose,
    diagnose_trainer,
)
from playground.training.health import VANISHING, assess_gradients, dead_units
from playground.training.history import PER_LAYER, SCALARS
from playground.training.numbers import format_number
from playground.training.presets import apply_preset

WINDOW_CONFIG = TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=32, seed=0)


@functools.lru_cache(maxsize=None)
def spiral():
    return make_dataset("spiral", n=300, noise=0.1, seed=0, test_fraction=0.3)


@functools.lru_cache(maxsize=None)
def trained(epochs: int, preset: str = "", **changes: object) -> Trainer:
    """The default session with ``changes`` (or a network preset), trained ``epochs`` epochs."""
    config = apply_preset(WINDOW_CONFIG, preset) if preset else WINDOW_CONFIG
    tr = Trainer(spiral(), config.replace(**changes))
    LAST_STATS[id(tr)] = tr.step(epochs)
    return tr


LAST_STATS: dict[int, object] = {}  # what step() returned, by trainer


def causes(found: list[Diagnosis]) -> list[str]:
    return [d.cause for d in found]


def train_activations(tr: Trainer) -> list[np.ndarray]:
    return tr.probe(tr.dataset.X[~tr.dataset.is_test]).a[:-1]


def all_text(found: list[Diagnosis]) -> str:
    return " ".join(d.text for d in found)


# --------------------------------------------------------- one test per cause
def test_tanh_at_lr_10_is_a_learning_rate_too_high_not_vanishing_gradients():
    tr = trained(100, lr=10.0)
    found = diagnose_trainer(tr)
    assert causes(found) == [LEARNING_RATE, SATURATION, SATURATION]
    loss = tr.history.array("train_loss")
    recent = loss[-WINDOW:]
    first = found[0]
    assert first.severity == WARNING
    assert first.message.startswith(
        f"The training loss jumps between {format_number(recent.min())} and "
        f"{format_number(recent.max())} from epoch to epoch (its best was "
        f"{format_number(loss.min())}, at epoch {int(np.argmin(loss)) + 1}; "
    )
    assert f"scores {format_number(tr.baseline_loss())})" in first.message
    assert "The learning rate (10) is too high" in first.advice and "for example to 1," in first.advice
    # Both layers' tanh units sit at ±1, counted here from the probe directly.
    for d, layer, a in zip(found[1:], (0, 1), train_activations(tr)):
        stuck = int(np.count_nonzero(np.mean(np.abs(a) > 0.99, axis=0) >= 0.95))
        assert stuck >= 8 and d.layers == (layer,)
        assert d.message.startswith(f"layer {layer + 1}: {stuck} of 16 tanh units stuck at ±1")
        assert "learning rate (10) is so high" in d.advice and "Reset" in d.advice
    # The gradient rule alone still sees "vanishing" here and would advise ReLU; the
    # diagnosis does not, and the headline it confirms drops those flags.
    health = assess_gradients(tr.history.array("grad_norms"), tr.config.activations)
    assert any(f.kind == VANISHING for f in health.flags)
    assert "ReLU" not in all_text(found) and "vanishing" not in all_text(found).lower()
    assert not any(f.kind == VANISHING for f in confirmed_health(health, found).flags)


def test_relu_at_lr_10_says_how_many_units_died_where_and_since_when():
    tr = trained(50, activation="relu", lr=10.0)
    found = [d for d in diagnose_trainer(tr) if d.cause == DEAD_UNITS]
    assert [d.layers for d in found] == [(0,), (1,)]
    train = ~tr.dataset.is_test
    counts = tr.history.array("dead_units")
    for d, a in zip(found, tr.probe(tr.dataset.X).a[:-1]):
        layer = d.layers[0]
        dead = int(np.count_nonzero(dead_units(a, train, "relu")))
        # Since when, by hand: the latest run of epochs whose zero-gradient count reached it.
        column = counts[:, layer]
        since = int(np.flatnonzero(column < dead)[-1]) + 2
        assert d.since_epoch == since
        assert d.message.startswith(
            f"layer {layer + 1}: {dead} of 16 ReLU units dead since epoch {since}: "
            f"they are zero on every training point"
        )
        assert d.severity == WARNING  # at least half of the layer
        assert "learning rate this high (10)" in d.advice and "Lower it, for example to 1" in d.advice
        assert "Reset" in d.advice and "leaky ReLU" in d.advice
    assert int(found[1].message.split(" of ")[0].split()[-1]) >= 14  # layer 2 is nearly all dead


def test_the_deep_sigmoid_stack_is_vanishing_gradients():
    tr = trained(50, preset="vanishing gradients")
    found = diagnose_trainer(tr)
    assert causes(found) == [VANISHING_GRADIENTS]
    d = found[0]
    health = assess_gradients(tr.history.array("grad_norms"), tr.config.activations, window=5)
    flagged = tuple(f.layer for f in health.flags if f.kind == VANISHING)
    assert d.layers == flagged and flagged[:2] == (0, 1)
    worst = min(f.value for f in health.flags)
    assert d.message.startswith(
        f"Vanishing gradients in layers {', '.join(str(i + 1) for i in flagged[:-1])} "
        f"and {flagged[-1] + 1}: under 0.001 of the output layer's (layer 1: "
        f"{format_number(worst)} of it)"
    )
    assert "The loss has stalled at" in d.message and d.severity == WARNING
    assert "ReLU instead of sigmoid" in d.advice and "He initialisation" in d.advice
    assert "'deep ReLU + He' preset" in d.advice
    assert confirmed_health(health, found).flags == tuple(f for f in health.flags if f.kind == VANISHING)


def test_linear_at_lr_100_with_adam_overshoots_without_ever_becoming_infinite():
    """Adam's steps are about lr in size whatever the gradient, so a linear network at
    lr 100 swings wildly but stays finite: the cause is the learning rate."""
    tr = trained(30, activation="linear", lr=100.0)
    assert tr.status == "ok"
    found = diagnose_trainer(tr)
    assert causes(found) == [LEARNING_RATE]
    assert "The training loss jumps between" in found[0].message
    assert "The gradients have grown to" in found[0].message
    assert "The learning rate (100) is too high" in found[0].advice and "to 10," in found[0].advice


def test_linear_at_lr_100_with_gradient_descent_diverges_to_non_finite_values():
    tr = trained(1, activation="linear", lr=100.0, optimizer="sgd")
    stats = LAST_STATS[id(tr)]
    assert tr.status == "diverged" and tr.divergence.epoch == 1
    found = diagnose_trainer(tr)
    assert found[0].cause == DIVERGED and found[0].severity == ERROR
    assert found[0].message == (
        "Training diverged in epoch 1: a weight became NaN or infinite. The weights "
        "were put back to those after epoch 0."
    )
    assert found[0].advice.startswith(
        "Lower the learning rate (now 100), for example to 10, then train on. With linear or ReLU units nothing limits"
    )
    assert stats.status == "diverged" and "Lower the learning rate (now 100)" in stats.message
    assert not any(d.cause == VANISHING_GRADIENTS for d in found)


# ----------------------------------------------------------- healthy runs
@pytest.mark.parametrize(
    "epochs, changes",
    [
        (300, {}),
        (300, dict(activation="sigmoid")),
        (100, dict(activation="relu")),
        (200, dict(optimizer="sgd", batch_size=10)),
    ],
)
def test_healthy_runs_get_no_warnings(epochs, changes):
    found = diagnose_trainer(trained(epochs, **changes))
    assert [d for d in found if d.severity != NOTE] == [], all_text(found)
    if not changes:
        assert found == []


def test_a_few_dead_units_in_a_working_network_are_only_a_note():
    found = diagnose_trainer(trained(100, activation="relu"))
    assert found and all(d.cause == DEAD_UNITS and d.severity == NOTE for d in found)
    assert all("Press Reset to start them afresh, or use leaky ReLU" in d.advice for d in found)


# -------------------------------------------------------- rules on made-up runs
def history_of(losses: list[float], layers: int = 3, **columns: list) -> dict[str, np.ndarray]:
    n = len(losses)
    out = {
        "epoch": np.arange(1, n + 1, dtype=float),
        "train_loss": np.array(losses, dtype=float),
        "lr": np.full(n, 0.03),
        "grad_norms": np.full((n, layers), 0.1),
    }
    out.update({name: np.asarray(values, dtype=float) for name, values in columns.items()})
    return out


def test_dead_units_since_when_from_the_per_epoch_counts():
    counts = [[0, 0, 0], [0, 3, 0], [0, 16, 0], [1, 16, 0], [0, 16, 0], [0, 16, 0]]
    history = history_of([0.7, 0.69, 0.69, 0.69, 0.69, 0.69], dead_units=counts)
    hidden = [np.random.default_rng(0).random((50, 16)) + 0.1, np.zeros((50, 16))]
    config = WINDOW_CONFIG.replace(activation="relu")
    found = diagnose(history, config, hidden, baseline_loss=0.693)
    assert causes(found) == [DEAD_UNITS]
    d = found[0]
    assert d.message.startswith("layer 2: 16 of 16 ReLU units dead since epoch 3: ")
    assert d.message.endswith("Nothing reaches the layers above, so the network gives every point the same answer.")
    assert d.since_epoch == 3 and d.layers == (1,)
    assert d.advice.startswith("Press Reset to start them afresh")  # lr 0.03 is not to blame
    # Without a probe, the last epoch's count; at lr 10 the advice is about the learning rate.
    history["lr"][:] = 10.0
    again = diagnose(history, config.replace(lr=10.0))
    assert again[0].message.startswith("layer 2: 16 of 16 ReLU units dead since epoch 3")
    assert "for example to 1," in again[0].advice
    # Units that died during the last epoch are dead since that epoch.
    hidden[0][:, :9] = 0.0
    late = [d for d in diagnose(history, config, hidden) if d.layers == (0,)][0]
    assert late.message.startswith("layer 1: 9 of 16 ReLU units dead since epoch 6")


def test_saturation_with_a_modest_learning_rate_points_at_the_inputs():
    history = history_of([0.70, 0.69, 0.70, 0.69, 0.70, 0.69])
    rng = np.random.default_rng(1)
    saturated = np.sign(rng.standard_normal((100, 16)))
    found = diagnose(history, WINDOW_CONFIG, [saturated, saturated * 0.999], baseline_loss=0.693)
    assert causes(found) == [SATURATION, SATURATION]
    assert found[0].message.startswith("layer 1: 16 of 16 tanh units stuck at ±1")
    assert "standardise the inputs" in found[0].advice
    # Learning well, the same activations are no problem: nothing is said.
    learning = history_of([0.7, 0.3, 0.1, 0.05, 0.03, 0.02])
    assert diagnose(learning, WINDOW_CONFIG, [saturated, saturated], baseline_loss=0.693) == []


def test_a_rising_loss_is_named_and_a_noisy_small_loss_is_not():
    rising = history_of([0.6, 0.4, 0.2, 0.1] + [0.5] * 10)
    found = diagnose(rising, WINDOW_CONFIG, baseline_loss=0.693)
    assert causes(found) == [LEARNING_RATE]
    assert found[0].message.startswith("The training loss has risen to 0.5 (its best was 0.1, at epoch 4;")
    noisy = history_of([0.6, 0.2, 0.05] + [0.002, 0.006] * 10)  # Adam's jitter near zero
    assert diagnose(noisy, WINDOW_CONFIG, baseline_loss=0.693) == []
    assert diagnose(history_of([5.0, 9.0]), WINDOW_CONFIG) == []  # too few epochs to say


def test_a_frame_copy_of_the_history_gives_the_same_diagnosis():
    tr = trained(50, activation="relu", lr=10.0)
    columns = {name: tr.history.array(name).copy() for name in (*SCALARS, *PER_LAYER)}
    hidden = train_activations(tr)
    kwargs = dict(divergence=tr.divergence, baseline_loss=tr.baseline_loss())
    assert diagnose(columns, tr.config, hidden, **kwargs) == diagnose(tr.history, tr.config, hidden, **kwargs)
    del columns["dead_units"]  # a frame from before the column existed: no "since"
    assert all(d.since_epoch is None for d in diagnose(columns, tr.config, hidden, **kwargs) if d.cause == DEAD_UNITS)


def test_bad_arguments_are_refused():
    history = history_of([0.7] * 6)
    with pytest.raises(ValueError, match="window must be at least 5"):
        diagnose(history, WINDOW_CONFIG, window=3)
    with pytest.raises(ValueError, match="activations of 2 hidden layers, got 1"):
        diagnose(history, WINDOW_CONFIG, [np.zeros((3, 16))])
    with pytest.raises(ValueError, match="needs the column 'train_loss'"):
        diagnose({"epoch": np.arange(3.0)}, WINDOW_CONFIG)


# ------------------------------------------------ numbers written for people
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def significant_digits(token: str) -> int:
    mantissa = token.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    return len(mantissa.rstrip("0")) if "." not in token.split("e")[0] else len(mantissa)


@pytest.mark.parametrize(
    "epochs, changes",
    [
        (100, dict(lr=10.0)),
        (50, dict(activation="relu", lr=10.0)),
        (30, dict(activation="linear", lr=100.0)),
        (1, dict(activation="linear", lr=100.0, optimizer="sgd")),
    ],
)
def test_messages_print_at_most_four_significant_digits(epochs, changes):
    tr = trained(epochs, **changes)
    texts = [d.text for d in diagnose_trainer(tr)] + [LAST_STATS[id(tr)].message]
    for text in texts:
        for token in NUMBER.findall(text):
            assert significant_digits(token) <= 4, (token, text)


def test_the_trainer_messages_use_people_numbers():
    data = make_dataset("xor", n=60, noise=0.3, seed=0, test_fraction=0.3)
    tr = Trainer(data, TrainingConfig(hidden=(4,), lr=0.5, optimizer="adam", patience=2, seed=0))
    stats = tr.step(500)
    assert stats.status == "stopped"
    best = re.search(r"\(best ([^)]+)\)", stats.message).group(1)
    assert best == format_number(tr._best_loss) and len(best) <= 6
    diverged = Trainer(spiral(), WINDOW_CONFIG.replace(activation="linear", optimizer="sgd", lr=100.0)).step(1)
    assert diverged.message.endswith("Lower the learning rate (now 100) or press Reset.")


def test_the_baseline_is_the_loss_of_a_constant_guess():
    tr = trained(1)
    y = tr.dataset.y[~tr.dataset.is_test]
    p = y.mean()
    assert tr.baseline_loss() == pytest.approx(-(p * math.log(p) + (1 - p) * math.log(1 - p)), rel=1e-12)
    blobs = make_dataset("blobs", n=90, noise=0.2, seed=0, classes=3, test_fraction=0.2)
    share = np.bincount(blobs.y[~blobs.is_test]) / np.count_nonzero(~blobs.is_test)
    assert Trainer(blobs).baseline_loss() == pytest.approx(-(share * np.log(share)).sum(), rel=1e-12)
    plane = make_dataset("plane", n=50, noise=0.1, seed=0)
    assert Trainer(plane).baseline_loss() == pytest.approx(np.var(plane.y), rel=1e-12)
