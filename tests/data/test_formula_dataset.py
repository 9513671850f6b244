"""make_dataset("formula", expr=...): classes or targets from a typed formula, seeded, with noise."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data import DATASET_NAMES, make_dataset
from playground.data.generators import FORMULA, describe, task_of


def test_a_condition_gives_two_classes_where_it_holds():
    ds = make_dataset("formula", expr="x2 > sin(3*x1)", n=500, seed=3, test_fraction=0.2)
    x1, x2 = ds.X[:, 0], ds.X[:, 1]
    assert ds.task == "classification" and ds.n_classes == 2
    np.testing.assert_array_equal(ds.y, (x2 > np.sin(3 * x1)).astype(int))
    assert ds.X.min() >= -5.0 and ds.X.max() <= 5.0  # uniform in the generators' square
    assert 200 < np.count_nonzero(ds.y) < 300  # about half the square lies above the wave
    assert int(ds.is_test.sum()) == 100


def test_one_condition_per_class_first_true_wins_else_the_last_class():
    ds = make_dataset("formula", expr=["x1 < 0", "x2 < 0", "x1 > 100"], n=400, seed=1)
    x1, x2 = ds.X[:, 0], ds.X[:, 1]
    expected = np.where(x1 < 0, 0, np.where(x2 < 0, 1, 2))
    assert ds.n_classes == 3
    np.testing.assert_array_equal(ds.y, expected)


def test_any_other_formula_is_a_regression_target():
    ds = make_dataset("formula", expr="sin(x1) * cos(x2)", n=300, seed=2)
    assert ds.task == "regression" and ds.n_classes == 0
    np.testing.assert_allclose(ds.y, np.sin(ds.X[:, 0]) * np.cos(ds.X[:, 1]), rtol=0, atol=1e-15)


def test_the_same_seed_gives_the_same_points_and_another_seed_others():
    a = make_dataset("formula", expr="x1 * x2 > 1", n=200, noise=0.3, seed=7)
    b = make_dataset("formula", expr="x1 * x2 > 1", n=200, noise=0.3, seed=7)
    c = make_dataset("formula", expr="x1 * x2 > 1", n=200, noise=0.3, seed=8)
    assert a == b
    assert not np.array_equal(a.X, c.X)


def test_noise_puts_labels_on_the_wrong_side_only_near_the_boundary():
    ds = make_dataset("formula", expr="x1 > 0", n=2000, noise=0.3, seed=0)
    wrong = ds.y != (ds.X[:, 0] > 0)
    assert 20 < np.count_nonzero(wrong) < 400
    # The points moved by a Gaussian of std 0.3: none that far from the line x1 = 0 is flipped.
    assert np.abs(ds.X[wrong, 0]).max() < 1.5


def test_regression_noise_scales_with_the_targets_range():
    clean = make_dataset("formula", expr="100 * x1", n=4000, seed=5)
    noisy = make_dataset("formula", expr="100 * x1", n=4000, noise=0.5, seed=5)
    np.testing.assert_array_equal(clean.X, noisy.X)  # noise moves targets, not points
    # half-range about 500, so the std is 0.5 (target noise) * 0.5 (noise) * 500 = 125.
    assert np.std(noisy.y - clean.y) == pytest.approx(125, rel=0.05)


@pytest.mark.parametrize(
    "options, words",
    [
        ({}, "expr: the formula dataset needs a formula"),
        ({"expr": "x1 + __import__"}, "unknown name '__import__'"),
        ({"expr": "x1 > 100"}, "true at none of the 200 points"),
        ({"expr": ["x1 > 0"]}, "a list of 2 to 8 conditions"),
        ({"expr": ["x1 > 0", "x1 + 1"]}, "expr[1] (class 2): 'x1 + 1' is not a condition"),
        ({"expr": ["x1 > 0", "x1 >"]}, "expr[1] (class 2): formula: the formula ends too early"),
        ({"expr": ["x1 > -9", "x2 > 0", "x2 < 9"]}, "class 2 ('x2 > 0') gets none of the 200 points"),
        ({"expr": "log(x1)"}, "not a finite number"),
        ({"expr": "x1 > 0", "classes": 3}, "classes: unknown keyword for 'formula', which takes only expr="),
    ],
)
def test_bad_formulas_are_refused_with_what_is_wrong(options, words):
    with pytest.raises(ValueError) as caught:
        make_dataset("formula", n=200, **options)
    assert words in str(caught.value)


def test_formula_is_a_generator_but_not_a_preset():
    assert FORMULA == "formula"
    assert FORMULA not in DATASET_NAMES  # the preset box and recognition need no formula
    assert task_of(FORMULA) == "formula"
    assert "formula" in describe(FORMULA)
