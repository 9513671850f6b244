"""The shipped examples: every file is what the recipes make, every session loads and trains,
every lesson validates, and each example's claim holds when its shipped files are trained headless."""

from __future__ import annotations

import functools
import json

import numpy as np
import pytest

from playground.training import Trainer, load_session
from playground.training.diagnosis import DEAD_UNITS, DIVERGED, LEARNING_RATE, VANISHING_GRADIENTS, diagnose_trainer
from playground.training.examples import EXAMPLES, example_files, examples_folder, main, shipped_examples
from playground.training.inspect import PICK_RADIUS, nearest_point
from playground.training.lessons import ACTION_KINDS, read_lesson
from playground.training.sessions import session_from_dict

FOLDER = examples_folder()


def trained(name: str, epochs: int) -> Trainer:
    """The shipped session ``name`` (a file name) after ``epochs`` epochs, as Play would train it.

    Files with the same content (an example may ship the session another one starts from) are
    trained once: training is deterministic, so the result is the same."""
    return _trained((FOLDER / name).read_text(encoding="utf-8"), epochs)


@functools.lru_cache(maxsize=None)
def _trained(text: str, epochs: int) -> Trainer:
    trainer = session_from_dict(json.loads(text))
    assert trainer.epoch == 0
    trainer.step(epochs)
    return trainer


def test_there_are_at_least_ten_examples_in_the_issues_order():
    lessons = shipped_examples()
    assert len(lessons) >= 10
    assert [p.name for p in lessons] == sorted(p.name for p in lessons)
    assert [p.name[:2] for p in lessons] == [f"{i:02d}" for i in range(1, len(lessons) + 1)]
    assert all(p.is_file() for p in lessons)


def test_the_shipped_files_are_exactly_what_the_recipes_make():
    """Regenerating changes nothing: the files on disk are the recipes' output, and no stray file ships."""
    made = example_files()
    on_disk = {p.name for p in FOLDER.iterdir() if p.name.endswith(".json")}
    assert on_disk == set(made)
    for name, text in made.items():
        assert_same_content(json.loads((FOLDER / name).read_text(encoding="utf-8")), json.loads(text), name)


def assert_same_content(shipped: object, made: object, where: str) -> None:
    """Equal, numbers to a few units in the last place: numpy's SIMD sin, cos and exp differ in the
    last bit between numpy versions and CPUs (the regression surface's targets did, numpy 2.0 to 2.4)."""
    if isinstance(shipped, dict):
        assert isinstance(made, dict) and shipped.keys() == made.keys(), where
        for key in shipped:
            assert_same_content(shipped[key], made[key], f"{where}.{key}")
    elif isinstance(shipped, list):
        assert isinstance(made, list) and len(shipped) == len(made), where
        for i, (a, b) in enumerate(zip(shipped, made)):
            assert_same_content(a, b, f"{where}[{i}]")
    elif isinstance(shipped, float) and isinstance(made, float):
        assert made == pytest.approx(shipped, rel=1e-12, abs=1e-15), where
    else:
        assert type(shipped) is type(made) and shipped == made, where


def test_write_regenerates_the_files_in_a_folder(tmp_path, capsys):
    assert main(["--write", str(tmp_path)]) == 0
    assert {p.name for p in tmp_path.iterdir()} == set(example_files())
    assert "wrote" in capsys.readouterr().out
    assert read_lesson(tmp_path / EXAMPLES[0].lesson_name).title == EXAMPLES[0].title


@pytest.mark.parametrize("lesson_path", shipped_examples(), ids=lambda p: p.name)
def test_every_lesson_validates_and_its_states_load_and_train(lesson_path):
    lesson = read_lesson(lesson_path)
    assert 2 <= len(lesson.steps) <= 6
    assert lesson.summary and len(lesson.summary) <= 300 and lesson.summary.endswith(".")
    assert lesson.steps[0].state is not None
    for step in lesson.steps:
        assert step.caption.endswith((".", ":")) and len(step.caption) <= 200
        if step.action is not None:
            assert step.action.kind in ACTION_KINDS
        state = lesson.state_path(step)
        if state is not None:
            trainer = load_session(state)
            assert trainer.epoch == 0  # shipped untrained: the student presses Play
            stats = trainer.step(2)
            if state.name.endswith("-diverges.playground.json"):  # made to: its first epoch blows up
                assert trainer.status == "diverged" and stats.epoch == 0
            else:
                assert stats.epoch == 2 and np.isfinite(stats.train_loss)


@pytest.mark.parametrize("lesson_path", shipped_examples(), ids=lambda p: p.name)
def test_every_inspect_step_names_a_training_point_within_the_pick_radius(lesson_path):
    """Whatever the plot's size on screen: the pick also reaches 6 px, and lesson 04's (0, 2), 0.49 from
    the nearest point, was found in a small plot and not in a 1280x720 window."""
    lesson = read_lesson(lesson_path)
    dataset = None
    for step in lesson.steps:
        state = lesson.state_path(step)
        if state is not None:
            dataset = load_session(state).dataset
        if step.action is not None and step.action.kind == "inspect":
            shown = ~dataset.is_test  # the test points may be hidden
            assert nearest_point(dataset.X, tuple(step.action.params["point"]), PICK_RADIUS, shown) is not None


def test_logistic_regression_separates_the_linear_data_but_not_the_v():
    separable = trained("01-logistic-regression.playground.json", 100)
    assert separable.model.sizes == [2, 1] and separable.last_stats().test_metric >= 0.97
    v = trained("01-logistic-regression-v.playground.json", 300)
    assert v.model.sizes == [2, 1]
    assert v.last_stats().test_metric < 0.8
    assert v.history.array("test_metric").max() < 0.8  # not at any epoch along the way


def test_two_sigmoids_and_the_4_2_relu_network_learn_the_v():
    two = trained("02-two-lines-make-a-v.playground.json", 100)
    assert two.model.sizes == [2, 2, 1] and two.last_stats().test_metric >= 0.95
    relu = trained("02-two-lines-make-a-v-relu.playground.json", 300)
    assert relu.model.sizes == [2, 4, 2, 1] and relu.config.activations == ("relu", "relu")
    assert relu.last_stats().test_metric >= 0.95
    # The activation space the lesson shows: the last hidden layer's points split by a line.
    ds = relu.dataset
    probe = relu.probe(ds.X)
    out = relu.model.layers[-1]
    side = (probe.a[1] @ out.W.data + out.b.data)[:, 0] > 0
    assert np.mean(side == (ds.y == 1)) >= 0.95


def test_xor_2_2_1_learns_the_table_and_two_units_fail_the_quadrants():
    table = trained("03-xor.playground.json", 500)
    assert table.model.sizes == [2, 2, 1] and table.config.optimizer == "momentum"
    assert table.last_stats().train_metric >= 0.95
    quadrants = trained("03-xor-quadrants.playground.json", 1000)
    assert quadrants.model.sizes == [2, 2, 1]
    assert quadrants.last_stats().train_metric < 0.93


def test_the_deep_sigmoid_stack_is_flagged_vanishing_and_relu_he_is_not():
    sigmoid = trained("05-vanishing-gradients.playground.json", 50)
    assert sigmoid.config.hidden == (8,) * 8 and sigmoid.config.activation == "sigmoid"
    assert VANISHING_GRADIENTS in [d.cause for d in diagnose_trainer(sigmoid)]
    relu = trained("05-vanishing-gradients-relu.playground.json", 50)
    assert relu.config.activation == "relu" and relu.config.init == "he"
    assert VANISHING_GRADIENTS not in [d.cause for d in diagnose_trainer(relu)]
    assert relu.last_stats().train_loss < sigmoid.last_stats().train_loss


def test_the_too_high_learning_rate_is_diagnosed_and_the_lower_one_learns():
    high = trained("06-learning-rate-too-high.playground.json", 50)
    causes = {d.cause for d in diagnose_trainer(high)}
    assert high.status == "diverged" or causes & {DIVERGED, LEARNING_RATE, DEAD_UNITS}, causes
    assert high.last_stats().train_metric < 0.7
    diverges = trained("06-learning-rate-too-high-diverges.playground.json", 20)
    assert diverges.status == "diverged" and DIVERGED in {d.cause for d in diagnose_trainer(diverges)}
    assert np.all(np.isfinite(diverges.model.params.data))  # the last finite weights, put back
    right = trained("06-learning-rate-too-high-right.playground.json", 100)
    assert right.config.lr < high.config.lr and right.last_stats().train_metric >= 0.95
    assert not diagnose_trainer(right)


def test_one_seed_gets_stuck_while_the_others_learn():
    names = ("07-initialisation.playground.json", "07-initialisation-seed-1.playground.json")
    for name in names:
        assert trained(name, 300).last_stats().test_metric >= 0.95, name
    stuck = trained("07-initialisation-seed-8.playground.json", 300)
    assert stuck.config.seed == 8 and stuck.last_stats().test_metric <= 0.6
    assert {trained(n, 300).config.replace(seed=0) for n in names} == {stuck.config.replace(seed=0)}


def _gap(trainer: Trainer) -> tuple[float, float]:
    stats = trainer.last_stats()
    return stats.train_metric - stats.test_metric, stats.test_loss - stats.train_loss


def test_the_big_network_overfits_and_l2_and_early_stopping_narrow_the_gap():
    big = trained("08-overfitting.playground.json", 200)
    accuracy_gap, loss_gap = _gap(big)
    assert np.count_nonzero(~big.dataset.is_test) <= 30  # few training points
    assert big.last_stats().train_metric == 1.0 and accuracy_gap >= 0.1 and loss_gap > 0.5
    l2 = trained("08-overfitting-l2.playground.json", 200)
    assert _gap(l2)[0] < accuracy_gap - 0.03 and _gap(l2)[1] < loss_gap / 2
    early = trained("08-overfitting-early-stopping.playground.json", 200)
    assert early.status == "stopped" and early.epoch < 200
    assert _gap(early)[1] < loss_gap


def test_squared_features_separate_the_circle_without_a_hidden_layer():
    circle = trained("09-feature-engineering.playground.json", 100)
    assert circle.model.sizes == [2, 1] and circle.config.features == ("x1^2", "x2^2")
    assert circle.last_stats().train_metric >= 0.97 and circle.last_stats().test_metric >= 0.97


def test_the_regression_fits_the_bumpy_surface():
    bumps = trained("10-regression.playground.json", 300)
    assert bumps.dataset.task == "regression"
    assert np.std(bumps.dataset.y) > 0.3  # the mean alone would be far off
    assert bumps.last_stats().train_metric < 0.08 and bumps.last_stats().test_metric < 0.1


def test_the_wheel_ships_every_example_file():
    """pyproject's package data covers every shipped file, so an installed app has its examples."""
    import fnmatch
    from pathlib import Path

    import tomllib

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["playground.resources"]
    for name in example_files():
        assert any(fnmatch.fnmatch(f"examples/{name}", pattern) for pattern in patterns), name
