"""``playground --recipe "..."``: the window starts with the session a recipe describes."""

from __future__ import annotations

import pytest
from test_cli_app import _run  # the real app offscreen, driven, saved and quit

from playground.data import make_dataset
from playground.ui.app import parse_arguments

RECIPE = "moons n=120 noise=0.2 seed=4 test=0.25 | 5 relu | sgd lr=0.1 batch=8 l2=0.01"


def test_the_recipe_option_starts_that_session(tmp_path):
    report, errors, session = _run(tmp_path, "--recipe", RECIPE)
    assert errors == []
    assert session.dataset == make_dataset("moons", n=120, noise=0.2, seed=4, test_fraction=0.25)
    config = session.config
    assert (config.hidden, config.activation, config.optimizer, config.lr, config.batch_size, config.l2) == (
        (5,),
        "relu",
        "sgd",
        0.1,
        8,
        0.01,
    )
    assert report["points"] == 120 and report["epoch"] == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--recipe", "spiral n=300 | 16 tanh"], "recipe: expected three parts"),
        (["--recipe", RECIPE.replace("relu", "rleu")], "recipe: network part: TrainingConfig.activation"),
        (["--recipe", RECIPE, "--preset", "xor"], "--recipe and FILE or --preset/--seed both choose"),
    ],
)
def test_a_bad_recipe_exits_before_any_window(args, message, capsys):
    with pytest.raises(SystemExit) as exited:
        parse_arguments(args)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_a_good_recipe_is_kept_for_the_window():
    assert parse_arguments(["--recipe", RECIPE]).recipe == RECIPE
