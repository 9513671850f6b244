"""Shareable recipes: the line written, the round trip, malformed recipes, identical training."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data.spec import DatasetSpec, formula_spec
from playground.training import Trainer, TrainingConfig
from playground.training.defaults import DEFAULT_CONFIG, default_session
from playground.training.recipes import parse_recipe, recipe_of

DEFAULT_SPEC = DatasetSpec("spiral", 300, 0.1, 0, 0.3, 2)


def test_the_default_session_is_one_short_line():
    assert recipe_of(DEFAULT_SPEC, DEFAULT_CONFIG) == (
        "spiral classes=2 n=300 noise=0.1 seed=0 test=0.3 | 16,16 tanh | adam lr=0.03 batch=32"
    )


def test_only_settings_that_differ_from_the_defaults_are_written():
    config = DEFAULT_CONFIG.replace(l2=0.001, dropout=0.2, features=("x1", "x2", "sin(x1)"), init="he", seed=3)
    assert recipe_of(DatasetSpec("xor", 200, 0.0, 5, 0.0), config) == (
        "xor n=200 noise=0 seed=5 test=0 | 16,16 tanh features=x1,x2,sin(x1) init=he seed=3 "
        "| adam lr=0.03 batch=32 l2=0.001 dropout=0.2"
    )


def test_a_formula_is_written_in_quotes_with_conditions_separated():
    spec = formula_spec(["x1 < 0", "x2 < 0", "x1 >= 0"], 200, 0.05, 4, 0.25)
    assert recipe_of(spec, DEFAULT_CONFIG).startswith(
        'formula expr="x1 < 0; x2 < 0; x1 >= 0" n=200 noise=0.05 seed=4 test=0.25 | '
    )


EVERYTHING = TrainingConfig(
    hidden=(5, 3, 2),
    activation=("relu", "tanh", "leaky_relu"),
    features=("x1", "x2", "x1^2", "x1*x2"),
    standardize=True,
    init="uniform",
    optimizer="nesterov",
    lr=1.25e-4,
    momentum=0.5,
    batch_size=7,
    l1=1e-5,
    l2=0.3,
    weight_decay=0.01,
    dropout=0.1,
    schedule="exponential",
    schedule_gamma=0.99,
    schedule_every=7,
    patience=12,
    max_epochs=999,
    seed=4_000_000_000,
    dtype="float32",
)


@pytest.mark.parametrize(
    "spec, config",
    [
        (DEFAULT_SPEC, DEFAULT_CONFIG),
        (DatasetSpec("blobs", 90, 0.3, 4, 0.2, 5), EVERYTHING),
        (DatasetSpec("bumps", 1000, 1.0, 123, 0.5), TrainingConfig(hidden=(), activation="tanh")),
        (DatasetSpec("moons", 37, 0.07, 0, 1 / 3), TrainingConfig(hidden=(64,), activation="sigmoid")),
        (formula_spec("x2 > sin(3*x1)", 300, 0.1, 0, 0.3), DEFAULT_CONFIG),
        (formula_spec("sin(x1) * cos(x2)", 250, 0.2, 9, 0.1), DEFAULT_CONFIG.replace(optimizer="sgd")),
        (formula_spec(("x1 < -1", "x1 < 1", "x1 >= 1"), 300, 0.0, 1, 0.0), DEFAULT_CONFIG),
    ],
)
def test_parse_gives_back_exactly_what_was_written(spec, config):
    text = recipe_of(spec, config)
    assert parse_recipe(text) == (spec, config)
    assert recipe_of(*parse_recipe(text)) == text


def test_extra_spaces_and_order_of_settings_do_not_matter():
    spec, config = parse_recipe(
        "  spiral  seed=0 n=300 test=0.3 noise=0.1 classes=2 |16,16   tanh| adam batch=32 lr=0.03  "
    )
    assert (spec, config) == (DEFAULT_SPEC, DEFAULT_CONFIG)


def test_custom_data_has_no_recipe():
    with pytest.raises(ValueError, match="custom data .* has no recipe"):
        recipe_of(None, DEFAULT_CONFIG)


GOOD_DATA, GOOD_NET, GOOD_TRAIN = "spiral n=300 noise=0.1 seed=0 test=0.3", "16,16 tanh", "adam lr=0.03 batch=32"


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "expected three parts"),
        ("spiral n=300 | 16 tanh", "expected three parts separated by '|'"),
        (f"{GOOD_DATA} | {GOOD_NET} | {GOOD_TRAIN} | more", "got 4"),
        (f"sprial n=3 noise=0 seed=0 test=0 | {GOOD_NET} | {GOOD_TRAIN}", "unknown dataset 'sprial'"),
        (
            f"spiral n=300 noise=0.1 test=0.3 | {GOOD_NET} | {GOOD_TRAIN}",
            "dataset part 'spiral n=300 noise=0.1 test=0.3': seed= is missing",
        ),
        (f"spiral n=3.5 noise=0 seed=0 test=0 | {GOOD_NET} | {GOOD_TRAIN}", "n must be a whole number, got '3.5'"),
        (f"spiral n=30 noise=nan seed=0 test=0 | {GOOD_NET} | {GOOD_TRAIN}", "noise must be a finite number"),
        (f"spiral n=30 noise=0 seed=0 test=0 size=3 | {GOOD_NET} | {GOOD_TRAIN}", "unknown option 'size'"),
        (f"xor classes=3 n=30 noise=0 seed=0 test=0 | {GOOD_NET} | {GOOD_TRAIN}", "xor takes no classes="),
        (f"spiral n=30 n=40 noise=0 seed=0 test=0 | {GOOD_NET} | {GOOD_TRAIN}", "n is given twice"),
        (f"formula n=30 noise=0 seed=0 test=0 | {GOOD_NET} | {GOOD_TRAIN}", 'a formula dataset needs expr="..."'),
        (
            f'formula expr="x1 > __import__" n=30 noise=0 seed=0 test=0 | {GOOD_NET} | {GOOD_TRAIN}',
            "unknown name '__import__'",
        ),
        (f'formula expr="x1 > 0 n=30 noise=0 seed=0 test=0 | {GOOD_NET} | {GOOD_TRAIN}', "expected three parts"),
        (f'spiral expr="x1 > 0" n=30 noise=0 seed=0 test=0 | {GOOD_NET} | {GOOD_TRAIN}', "only the formula"),
        (f"{GOOD_DATA} | 16,x tanh | {GOOD_TRAIN}", "layer size must be a whole number, got 'x'"),
        (f"{GOOD_DATA} | 16,16 | {GOOD_TRAIN}", "network part '16,16': expected the layer sizes and the activation"),
        (f"{GOOD_DATA} | 16,16 tanhh | {GOOD_TRAIN}", "network part: TrainingConfig.activation"),
        (f"{GOOD_DATA} | 16,999 tanh | {GOOD_TRAIN}", "network part: TrainingConfig.hidden"),
        (f"{GOOD_DATA} | 16 tanh lr=3 | {GOOD_TRAIN}", "network part '16 tanh lr=3': unknown setting 'lr'"),
        (f"{GOOD_DATA} | 16 tanh standardize=yes | {GOOD_TRAIN}", "standardize is a flag"),
        (f"{GOOD_DATA} | {GOOD_NET} | adam batch=32", "lr= is missing"),
        (f"{GOOD_DATA} | {GOOD_NET} | lr=0.1 batch=32", "expected the optimiser first"),
        (f"{GOOD_DATA} | {GOOD_NET} | adamw lr=0.1 batch=32", "training part: TrainingConfig.optimizer"),
        (f"{GOOD_DATA} | {GOOD_NET} | adam lr=0 batch=32", "training part: TrainingConfig.lr"),
        (f"{GOOD_DATA} | {GOOD_NET} | adam lr=0.1 batch=32 dropout=lots", "dropout must be a finite number"),
        ("x" * 5000, "too long"),
    ],
)
def test_malformed_recipes_name_the_bad_part(text, words):
    with pytest.raises(ValueError) as caught:
        parse_recipe(text)
    assert words in str(caught.value)
    assert str(caught.value).startswith("recipe: ")


def test_a_recipe_rebuilds_a_session_that_trains_bit_for_bit_the_same():
    original = Trainer(*default_session())
    spec, config = parse_recipe(recipe_of(DEFAULT_SPEC, original.config))
    rebuilt = Trainer(spec.make(), config)
    assert rebuilt.dataset == original.dataset
    for _ in range(3):
        a, b = original.step(10), rebuilt.step(10)
        assert a.train_loss == b.train_loss and a.test_loss == b.test_loss
    assert np.array_equal(original.model.params.data, rebuilt.model.params.data)
    for column in ("train_loss", "test_loss", "train_metric", "grad_norms"):
        assert np.array_equal(original.history.array(column), rebuilt.history.array(column))


def test_a_formula_recipe_trains_the_same_too():
    spec = formula_spec("x1**2 + x2**2 < 9", 200, 0.1, 2, 0.25)
    config = DEFAULT_CONFIG.replace(hidden=(6,), dropout=0.1, l2=0.01)
    first = Trainer(spec.make(), config)
    again = Trainer(*(lambda s, c: (s.make(), c))(*parse_recipe(recipe_of(spec, config))))
    assert first.step(15).train_loss == again.step(15).train_loss
    assert np.array_equal(first.model.params.data, again.model.params.data)
