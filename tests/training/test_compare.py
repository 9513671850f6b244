"""The Compare core: copies trained as one batch give each copy's own Trainer numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.compare import MAX_COPIES, Comparison, variant_configs
from playground.training.defaults import default_session

EPOCHS = 25


def alone(dataset, config: TrainingConfig, epochs: int = EPOCHS) -> Trainer:
    trainer = Trainer(dataset, config)
    for _ in range(epochs):
        if trainer.step(1).status != "ok":
            break
    return trainer


def assert_same_as_alone(comparison: Comparison, dataset, epochs: int = EPOCHS, atol: float = 1e-10) -> None:
    for result in comparison.results():
        trainer = alone(dataset, result.config, epochs)
        for column in ("train_loss", "test_loss", "train_metric", "test_metric"):
            np.testing.assert_allclose(
                result.history.array(column), trainer.history.array(column), rtol=1e-12, atol=atol
            )
        np.testing.assert_allclose(result.state.params, trainer.capture().params, rtol=1e-10, atol=1e-8)
        assert result.status == trainer.status
        # The boundary picture is the copy's own prediction over the grid.
        points = np.stack(np.meshgrid(result.grid_axis, result.grid_axis), axis=-1).reshape(-1, 2)
        np.testing.assert_allclose(result.grid_output, trainer.predict(points), rtol=1e-10, atol=1e-8)


def test_seed_copies_train_as_one_batch_and_match_each_trainer_alone():
    dataset, config = default_session()
    comparison = Comparison(dataset, config, "seed", range(9))
    assert len(comparison.groups) == 1 and len(comparison.groups[0].copies) == 9
    comparison.step(EPOCHS)
    assert comparison.epoch == EPOCHS
    assert_same_as_alone(comparison, dataset)
    losses = [r.losses[-1] for r in comparison.results()]
    assert len(set(losses)) == 9  # the seeds really differ


def test_learning_rate_copies_match_each_trainer_alone():
    dataset, config = default_session()
    comparison = Comparison(dataset, config, "lr", [0.003, 0.01, 0.03, 0.05])
    assert len(comparison.groups) == 1  # one batch, each copy with its own optimiser
    comparison.step(EPOCHS)
    assert_same_as_alone(comparison, dataset)


def test_activation_and_optimizer_copies_share_a_batch_and_match():
    dataset, config = default_session()
    for variable, values in (("activation", ["tanh", "relu", "sigmoid", "linear"]), ("optimizer", ["sgd", "adam"])):
        comparison = Comparison(dataset, config, variable, values)
        assert len(comparison.groups) == 1
        comparison.step(10)
        assert_same_as_alone(comparison, dataset, 10, atol=1e-9)


def test_widths_train_as_separate_groups():
    dataset, config = default_session()
    comparison = Comparison(dataset, config, "width", [2, 8])
    assert [g.sizes for g in comparison.groups] == [[2, 2, 2, 1], [2, 8, 8, 1]]
    comparison.step(5)
    assert_same_as_alone(comparison, dataset, 5)


def test_dropout_softmax_and_regularisation_match_alone():
    dataset = make_dataset("blobs", n=120, noise=0.3, seed=2, test_fraction=0.25, classes=3)
    config = TrainingConfig(hidden=(6,), optimizer="momentum", lr=0.05, batch_size=16, dropout=0.2, l2=0.01)
    comparison = Comparison(dataset, config, "seed", [0, 1, 2])
    comparison.step(8)
    assert_same_as_alone(comparison, dataset, 8)


def test_a_diverging_copy_is_put_back_and_the_others_go_on():
    dataset = make_dataset("plane", n=100, seed=0, test_fraction=0.2)
    config = TrainingConfig(hidden=(8,), activation="relu", optimizer="sgd", lr=0.01, batch_size=20)
    comparison = Comparison(dataset, config, "lr", [0.01, 1.0])
    comparison.step(30)
    good, bad = comparison.results()
    assert good.status == "ok" and good.epoch == 30
    assert bad.status == "diverged" and "diverged" in bad.message
    trainer = alone(dataset, bad.config, 30)
    assert trainer.status == "diverged" and bad.epoch == trainer.epoch
    np.testing.assert_allclose(bad.state.params, trainer.capture().params, atol=1e-8)
    np.testing.assert_allclose(bad.losses, trainer.history.array("train_loss"), atol=1e-10)
    assert_same_as_alone(comparison, dataset, 30)


def test_stop_rules_apply_per_copy():
    dataset, config = default_session()
    comparison = Comparison(dataset, config.replace(max_epochs=4), "seed", [0, 1])
    comparison.step(10)
    assert [r.epoch for r in comparison.results()] == [4, 4]
    assert not comparison.training


def test_early_stopping_stops_each_copy_at_the_epoch_its_trainer_alone_stops():
    dataset, config = default_session()
    comparison = Comparison(dataset, config.replace(patience=3), "lr", [0.03, 0.5, 2.0])
    comparison.step(80)
    epochs = [r.epoch for r in comparison.results()]
    assert epochs == [alone(dataset, r.config, 80).epoch for r in comparison.results()]
    assert len(set(epochs)) == 3 and max(epochs) < 80  # each copy stopped early, at its own epoch
    assert {r.status for r in comparison.results()} == {"stopped"}


def test_the_state_restores_a_trainer_that_goes_on_as_the_copy_would():
    dataset, config = default_session()
    comparison = Comparison(dataset, config, "seed", [3, 4])
    comparison.step(5)
    result = comparison.result(1)
    trainer = Trainer(dataset, config)
    trainer.restore_state(result.state)
    trainer.step(3)
    reference = alone(dataset, result.config, 8)
    np.testing.assert_allclose(trainer.history.array("train_loss"), reference.history.array("train_loss"), atol=1e-10)


@pytest.mark.parametrize(
    "variable,values,field",
    [
        ("seed", list(range(MAX_COPIES + 1)), "at most 9 copies"),
        ("seed", [], "at least one value"),
        ("lr", [0.1, math.inf], "lr"),
        ("lr", [math.nan], "lr"),
        ("activation", ["tanh", "swish"], "activation"),
        ("optimizer", ["rmsprop"], "optimizer"),
        ("width", [0], "hidden"),
        ("colour", [1], "variable"),
    ],
)
def test_bad_input_is_a_value_error_naming_the_field(variable, values, field):
    _, config = default_session()
    with pytest.raises(ValueError, match=field):
        variant_configs(config, variable, values)


def test_width_needs_a_hidden_layer():
    with pytest.raises(ValueError, match="width: the network has no hidden layer"):
        variant_configs(TrainingConfig(hidden=()), "width", [4])


def test_residual_layers_train_batched_as_alone():
    dataset, config = default_session()
    config = config.replace(hidden=(8, 8), residual=(False, True))
    comparison = Comparison(dataset, config, "seed", [0, 1, 2])
    comparison.step(6)
    assert_same_as_alone(comparison, dataset, 6)
    widths = Comparison(dataset, config, "width", [4, 8])
    widths.step(3)
    assert_same_as_alone(widths, dataset, 3)


def test_regression_copies_report_rmse_and_values_over_the_grid():
    dataset = make_dataset("bumps", n=80, seed=1, test_fraction=0.25)
    config = TrainingConfig(hidden=(6,), optimizer="adam", lr=0.01, batch_size=16)
    comparison = Comparison(dataset, config, "optimizer", ["sgd", "adam"])
    comparison.step(5)
    assert_same_as_alone(comparison, dataset, 5)
    result = comparison.result(1)
    assert result.grid_output.shape == (len(result.grid_axis) ** 2,)
    assert result.test_metric > 0  # an RMSE
