"""Input features and the standardizer, checked against numbers worked out by hand."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from playground.data import FEATURES, Standardizer, compute_features

X = np.array([[1.0, 2.0], [-0.5, 3.0], [0.0, -2.0]])

# Worked out by hand (the sines from a table: sin 1, sin -0.5, sin 2, sin 3, sin -2).
EXPECTED = {
    "x1": [1.0, -0.5, 0.0],
    "x2": [2.0, 3.0, -2.0],
    "x1^2": [1.0, 0.25, 0.0],
    "x2^2": [4.0, 9.0, 4.0],
    "x1*x2": [2.0, -1.5, -0.0],
    "sin(x1)": [0.8414709848078965, -0.479425538604203, 0.0],
    "sin(x2)": [0.9092974268256817, 0.1411200080598672, -0.9092974268256817],
}


def test_the_feature_names_and_labels():
    assert list(FEATURES) == ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
    assert FEATURES["x1"][0] == "x\u2081" and FEATURES["x1^2"][0] == "x\u2081\u00b2"
    assert FEATURES["sin(x2)"][0] == "sin x\u2082"


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_feature_against_hand_computed_values(name):
    F = compute_features(X, [name])
    assert F.shape == (3, 1) and F.dtype == np.float64
    np.testing.assert_allclose(F[:, 0], EXPECTED[name], rtol=1e-15, atol=1e-15)


def test_the_columns_follow_the_order_of_the_names():
    names = ["sin(x2)", "x1", "x1*x2", "x2^2", "x1"]
    F = compute_features(X, names)
    assert F.shape == (3, 5)
    for column, name in enumerate(names):
        np.testing.assert_allclose(F[:, column], EXPECTED[name], rtol=1e-15, atol=1e-15)
    all_names = list(FEATURES)
    np.testing.assert_allclose(
        compute_features(X, tuple(all_names)),
        np.column_stack([EXPECTED[name] for name in all_names]),
        rtol=1e-15,
        atol=1e-15,
    )


def test_float32_stays_float32_and_other_inputs_become_float64():
    F32 = compute_features(X.astype(np.float32), list(FEATURES))
    assert F32.dtype == np.float32
    np.testing.assert_allclose(F32, compute_features(X, list(FEATURES)), rtol=1e-6, atol=1e-6)
    assert compute_features([[1, 2], [3, 4]], ["x1*x2"]).dtype == np.float64
    assert compute_features([[1, 2], [3, 4]], ["x1*x2"])[:, 0].tolist() == [2.0, 12.0]
    assert compute_features(np.empty((0, 2)), ["x1", "x2"]).shape == (0, 2)


def test_the_input_is_not_changed():
    before = X.copy()
    compute_features(X, list(FEATURES))
    assert np.array_equal(X, before)


@pytest.mark.parametrize(
    "names, fragment",
    [
        ([], "non-empty list"),
        ((), "non-empty list"),
        ("x1", "non-empty list"),
        (["x3"], "unknown feature 'x3'"),
        (["x1", "X2"], "unknown feature 'X2'"),
        (["x1", ""], "unknown feature ''"),
        (["x1^3"], "unknown feature 'x1^3'"),
    ],
)
def test_unknown_or_empty_names_raise(names, fragment):
    with pytest.raises(ValueError) as raised:
        compute_features(X, names)
    message = str(raised.value)
    assert message.startswith("features:") and fragment in message, message


@pytest.mark.parametrize("points", [np.zeros((3, 3)), np.zeros(4), np.zeros((2, 2, 2))])
def test_points_of_the_wrong_shape_raise(points):
    with pytest.raises(ValueError, match=r"^features: expected points of shape \(n, 2\)"):
        compute_features(points, ["x1"])


# -- Standardizer -----------------------------------------------------------------------------


def test_the_fitted_data_gets_zero_mean_and_unit_std():
    rng = np.random.default_rng(0)
    F = rng.normal([3.0, -20.0, 0.0], [0.5, 7.0, 100.0], (500, 3))
    s = Standardizer.fit(F)
    np.testing.assert_allclose(s.mean, F.mean(axis=0), rtol=1e-15)
    np.testing.assert_allclose(s.std, F.std(axis=0), rtol=1e-15)
    Z = s.transform(F)
    assert Z.shape == F.shape and Z.dtype == np.float64
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-12)


def test_hand_computed_mean_and_std():
    s = Standardizer.fit([[1.0, 10.0], [3.0, 10.0]])
    assert s.mean.tolist() == [2.0, 10.0]
    assert s.std.tolist() == [1.0, 1.0]  # the second is constant: scale 1
    assert s.transform(np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 12.0]])).tolist() == [
        [-1.0, 0.0],
        [1.0, 0.0],
        [3.0, 2.0],
    ]
    s = Standardizer.fit([[0.0], [0.0], [6.0], [6.0]])
    assert s.mean.tolist() == [3.0] and s.std.tolist() == [3.0]


def test_constant_columns_keep_std_one():
    F = np.column_stack([np.full(10, 7.5), np.arange(10.0), np.zeros(10)])
    s = Standardizer.fit(F)
    assert s.std[0] == 1.0 and s.std[2] == 1.0
    Z = s.transform(F)
    assert np.isfinite(Z).all()
    assert (Z[:, 0] == 0.0).all() and (Z[:, 2] == 0.0).all()
    assert Standardizer.fit([[4.0, -1.0]]).std.tolist() == [1.0, 1.0]  # one row: no spread


def test_transform_keeps_float32():
    F = np.random.default_rng(1).normal(size=(20, 2)).astype(np.float32)
    s = Standardizer.fit(F)
    Z = s.transform(F)
    assert Z.dtype == np.float32
    np.testing.assert_allclose(Z, (F.astype(np.float64) - s.mean) / s.std, rtol=1e-6, atol=1e-6)


def test_transform_checks_the_width():
    s = Standardizer.fit(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="fitted on 3 features, got 2"):
        s.transform(np.zeros((4, 2)))


@pytest.mark.parametrize("F", [np.zeros((0, 2)), np.zeros(3), [[]] * 0])
def test_fit_needs_at_least_one_row(F):
    with pytest.raises(ValueError, match="^standardizer: need at least one row"):
        Standardizer.fit(F)


def test_to_dict_from_dict_round_trip():
    rng = np.random.default_rng(2)
    s = Standardizer.fit(rng.normal(0.1, 3.3, (37, 4)) ** 3)
    d = s.to_dict()
    assert set(d) == {"mean", "std"} and all(type(v) is float for v in d["mean"] + d["std"])
    back = Standardizer.from_dict(json.loads(json.dumps(d)))
    assert back == s
    assert back.mean.tobytes() == s.mean.tobytes() and back.std.tobytes() == s.std.tobytes()
    assert Standardizer.from_dict({"mean": [1, 2], "std": [3, 4]}) == Standardizer([1.0, 2.0], [3.0, 4.0])
    assert s != Standardizer.fit(rng.normal(size=(5, 4)))
    assert (s == "standardizer") is False


@pytest.mark.parametrize(
    "d",
    [
        None,
        [],
        "mean,std",
        {"mean": [0.0]},
        {"std": [1.0]},
        {"mean": [0.0], "std": [1.0], "extra": 1},
        {"mean": "0", "std": [1.0]},
        {"mean": [0.0], "std": 1.0},
        {"mean": ["0"], "std": [1.0]},
        {"mean": [True], "std": [1.0]},
        {"mean": [None], "std": [1.0]},
        {"mean": [[0.0]], "std": [[1.0]]},
        {"mean": [0.0, 1.0], "std": [1.0]},
        {"mean": [0.0], "std": [0.0]},
        {"mean": [0.0], "std": [-1.0]},
        {"mean": [math.nan], "std": [1.0]},
        {"mean": [0.0], "std": [math.inf]},
        {"mean": [10**400], "std": [1.0]},
    ],
)
def test_bad_dicts_raise_value_error(d):
    with pytest.raises(ValueError, match="^standardizer"):
        Standardizer.from_dict(d)
