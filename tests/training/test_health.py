"""Gradient health: the rule on synthetic norms, and the two deep-network presets trained for real."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.health import EXPLODING, VANISHING, VANISHING_RATIO, assess_gradients, dead_units, layer_list
from playground.training.presets import NETWORK_PRESETS, apply_preset


def _norms(*columns: list[float]) -> np.ndarray:
    return np.array(columns, dtype=np.float64).T


# ------------------------------------------------------------------ the rule
def test_healthy_norms_have_no_flags():
    health = assess_gradients(_norms([0.1] * 6, [0.2] * 6, [0.3] * 6))
    assert health.ok and health.flags == ()
    assert health.summary(["layer 1", "layer 2", "output"]) == ""


def test_vanishing_is_relative_to_the_output_layer_over_the_last_epochs():
    output = [0.5] * 10
    tiny = [1.0] * 5 + [0.2 * VANISHING_RATIO] * 5  # only the last window counts
    borderline = [2.0 * VANISHING_RATIO] * 10  # 2e-3 x output's: fine
    health = assess_gradients(_norms(tiny, borderline, output), ("sigmoid", "sigmoid"))
    assert [(f.layer, f.kind) for f in health.flags] == [(0, VANISHING)]
    assert health.flag(0).value == pytest.approx(0.2 * VANISHING_RATIO / 0.5)
    assert health.flag(1) is None
    assert "ReLU instead of sigmoid" in health.flag(0).advice
    assert "He initialisation" in health.flag(0).advice
    summary = health.summary(["layer 1: 8 sigmoid", "layer 2: 8 sigmoid", "output: 1"])
    assert summary.startswith("Vanishing gradients in layer 1 ")


def test_headline_names_runs_of_layers_with_a_short_hint():
    names = ["layer 1: 8 sigmoid", "layer 2: 8 sigmoid", "layer 3: 8 sigmoid", "layer 4: 8 sigmoid", "output: 1"]
    norms = _norms([1e-6] * 5, [1e-6] * 5, [0.1] * 5, [1e-6] * 5, [0.1] * 5)
    health = assess_gradients(norms, ("sigmoid",) * 4)
    assert health.headline(names) == "Vanishing gradients in layers 1–2, 4: try ReLU + He init"
    assert layer_list([0, 1, 2, 4], names) == "layers 1–3, output"
    assert layer_list([4], names) == "output"
    assert layer_list([2], names) == "layer 3"


def test_a_single_small_epoch_does_not_flag():
    """The window average: one noisy mini-batch is not a trend."""
    layer = [0.1, 0.1, 0.1, 0.1, 1e-9]
    assert assess_gradients(_norms(layer, [0.2] * 5)).ok


def test_vanishing_advice_follows_the_activation():
    norms = _norms([0.0] * 3, [1e-9] * 3, [0.1] * 3)
    health = assess_gradients(norms, ("relu", "linear"))
    assert "dead ReLU" in health.flag(0).advice
    assert "fewer layers" in health.flag(1).advice


@pytest.mark.parametrize(
    "layer, why",
    [
        ([0.1, 0.1, 0.2, 5e3, 6e3], "above the absolute limit"),
        ([0.1] * 4 + [np.inf], "not finite"),
        ([0.1] * 4 + [np.nan], "not finite"),
        ([0.1] * 5 + [50.0] * 5, "grew a hundredfold to above the floor"),
    ],
)
def test_exploding(layer, why):
    health = assess_gradients(_norms(layer, [0.2] * len(layer)))
    flag = health.flag(0)
    assert flag is not None and flag.kind == EXPLODING, why
    assert "lower learning rate" in flag.advice and "clipping" in flag.advice
    assert health.summary(["layer 1: 4 relu", "output: 1"]).startswith("Exploding gradients in layer 1.")


def test_a_small_gradient_recovering_is_not_exploding():
    """1e-5 -> 1e-3 is a hundredfold, but a network leaving a plateau, not an explosion."""
    layer = [1e-5] * 5 + [1e-3] * 5
    assert assess_gradients(_norms(layer, [1e-3] * 10)).ok


def test_no_epochs_or_an_empty_history_has_no_flags():
    assert assess_gradients(np.empty((0, 3))).ok
    assert assess_gradients(np.full((4, 3), np.nan)).ok  # rows of epochs that never ran
    assert assess_gradients(_norms([0.0] * 3, [0.0] * 3)).ok  # no output gradient to compare with


def test_bad_shape_is_refused():
    with pytest.raises(ValueError, match="epochs, layers"):
        assess_gradients(np.ones(5))


def test_dead_units_only_counts_training_points_and_relu():
    a = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 2.0, 3.0]])  # the last row is a test point
    train = np.array([True, True, False])
    np.testing.assert_array_equal(dead_units(a, train, "relu"), [True, False, True])
    np.testing.assert_array_equal(dead_units(a, train, "tanh"), [False, False, False])
    np.testing.assert_array_equal(dead_units(a, np.zeros(3, bool), "relu"), [False, False, False])


# ------------------------------------------------------ the presets, trained
@pytest.fixture(scope="module")
def circle():
    return make_dataset("circle", n=200, noise=0.1, seed=0, test_fraction=0.3)


def _train(dataset, preset: str, epochs: int = 50) -> tuple[Trainer, object]:
    trainer = Trainer(dataset, apply_preset(TrainingConfig(), preset))
    trainer.step(epochs)
    return trainer, assess_gradients(trainer.history.array("grad_norms"), trainer.config.activations)


def test_presets_are_eight_layers_of_eight_that_differ_in_activation_and_init():
    sigmoid, relu = NETWORK_PRESETS["vanishing gradients"], NETWORK_PRESETS["deep ReLU + He"]
    assert sigmoid["hidden"] == relu["hidden"] == (8,) * 8
    assert (sigmoid["activation"], sigmoid["init"]) == ("sigmoid", "xavier")
    assert (relu["activation"], relu["init"]) == ("relu", "he")
    assert {k: v for k, v in sigmoid.items() if k not in ("activation", "init")} == {
        k: v for k, v in relu.items() if k not in ("activation", "init")
    }
    with pytest.raises(ValueError, match="unknown network preset"):
        apply_preset(TrainingConfig(), "deeper")


def test_sigmoid_stack_vanishes_within_50_epochs(circle):
    trainer, health = _train(circle, "vanishing gradients")
    assert trainer.epoch == 50
    assert health.flag(0) is not None and health.flag(0).kind == VANISHING
    # The flag is the engine's numbers: first-layer norm over output norm, last 5 epochs.
    norms = trainer.history.array("grad_norms")[-5:]
    assert health.flag(0).value == pytest.approx(norms[:, 0].mean() / norms[:, -1].mean())
    assert health.flag(0).value < VANISHING_RATIO
    assert all(f.kind == VANISHING for f in health.flags)
    assert health.flag(8) is None  # the output layer is the reference


def test_relu_he_stack_keeps_its_gradients(circle):
    trainer, health = _train(circle, "deep ReLU + He")
    assert trainer.epoch == 50
    assert health.ok, health.summary(trainer.model.layer_labels())
