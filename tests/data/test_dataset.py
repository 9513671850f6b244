"""Dataset: an immutable, validated value (shapes, dtypes, classes, colours, dict round trip)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from playground.data import MAX_CLASSES, OKABE_ITO, Dataset
from playground.data.palette import class_color, hex_to_rgb

X3 = [[0.0, 1.0], [2.5, -3.0], [-1.25, 4.0]]


def _three(**kw) -> Dataset:
    return Dataset(X3, [0, 1, 1], **kw)


# -- the value --------------------------------------------------------------------------


def test_arrays_have_the_documented_shapes_dtypes_and_values():
    ds = Dataset(X3, [0, 1, 1], is_test=[False, True, False])
    assert ds.X.shape == (3, 2) and ds.X.dtype == np.float64
    assert ds.y.shape == (3,) and ds.y.dtype == np.int64
    assert ds.is_test.shape == (3,) and ds.is_test.dtype == np.bool_
    assert ds.X.tolist() == X3
    assert ds.y.tolist() == [0, 1, 1]
    assert ds.is_test.tolist() == [False, True, False]
    assert ds.task == "classification" and ds.n == 3 and ds.n_classes == 2
    assert ds.class_names == ("class 1", "class 2")
    assert ds.class_colors == OKABE_ITO[:2] == ("#E69F00", "#56B4E9")
    assert ds.X_train.tolist() == [X3[0], X3[2]] and ds.y_train.tolist() == [0, 1]
    assert ds.X_test.tolist() == [X3[1]] and ds.y_test.tolist() == [1]
    assert repr(ds) == "Dataset(classification, n=3, n_test=1, n_classes=2)"


def test_integer_coordinates_and_integral_float_labels_are_converted():
    ds = Dataset([[1, 2], [3, 4]], [0.0, 2.0])
    assert ds.X.dtype == np.float64 and ds.X.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert ds.y.dtype == np.int64 and ds.y.tolist() == [0, 2]
    assert ds.n_classes == 3  # max(y) + 1


def test_n_classes_defaults_to_two_and_may_exceed_the_labels_present():
    assert Dataset(X3, [0, 0, 0]).n_classes == 2
    ds = Dataset(X3, [0, 0, 0], n_classes=5)
    assert ds.n_classes == 5 and len(ds.class_names) == 5 and ds.class_colors == OKABE_ITO[:5]


def test_regression_holds_float_targets_and_no_classes():
    ds = Dataset(X3, [1, -0.5, 2.25], task="regression")
    assert ds.y.dtype == np.float64 and ds.y.tolist() == [1.0, -0.5, 2.25]
    assert ds.n_classes == 0 and ds.class_names == () and ds.class_colors == ()
    assert repr(ds) == "Dataset(regression, n=3, n_test=0)"
    ints = Dataset(X3, [1, 2, 3], task="regression")
    assert ints.y.dtype == np.float64 and ints.y.tolist() == [1.0, 2.0, 3.0]


def test_names_and_colours_are_part_of_the_dataset():
    ds = _three(class_names=["cats", "dogs"], class_colors=["#000000", "#ffffff"])
    assert ds.class_names == ("cats", "dogs")
    assert ds.class_colors == ("#000000", "#FFFFFF")  # one canonical spelling
    assert ds == _three(class_names=["cats", "dogs"], class_colors=["#000000", "#FFFFFF"])
    assert ds != _three(class_names=["cats", "wolves"], class_colors=["#000000", "#FFFFFF"])
    assert ds != _three(class_names=["cats", "dogs"], class_colors=["#000000", "#FFFFFE"])
    assert ds != _three()


def test_an_empty_dataset_is_valid_in_memory():
    for ds in (Dataset(np.empty((0, 2)), []), Dataset([], [])):
        assert ds.n == 0 and ds.X.shape == (0, 2) and ds.y.shape == (0,) and ds.is_test.shape == (0,)
        assert ds.n_classes == 2 and ds.X_train.shape == (0, 2)
    reg = Dataset([], [], task="regression")
    assert reg.n == 0 and reg.y.dtype == np.float64 and reg.n_classes == 0


def test_arrays_are_read_only_and_copies_of_the_arguments():
    X = np.array(X3)
    y = np.array([0, 1, 1])
    flags = np.array([False, True, False])
    ds = Dataset(X, y, is_test=flags)
    for arr in (ds.X, ds.y, ds.is_test, ds.X_train, ds.y_train, ds.X_test, ds.y_test):
        assert not arr.flags.writeable
        with pytest.raises(ValueError):
            arr[0] = 0
    X[0, 0] = 99.0
    y[0] = 1
    flags[0] = True
    assert X.flags.writeable  # the caller's arrays stay writable
    assert ds.X[0, 0] == 0.0 and ds.y[0] == 0 and not ds.is_test[0]
    with pytest.raises(AttributeError):
        ds.X = np.zeros((3, 2))  # type: ignore[misc]


def test_equality_compares_every_part_and_order():
    a = Dataset(X3, [0, 1, 1], is_test=[False, True, False])
    assert a == Dataset(np.array(X3), np.array([0, 1, 1]), is_test=np.array([False, True, False]))
    assert a != Dataset(X3, [0, 1, 1])  # split
    assert a != Dataset(X3, [0, 1, 0], is_test=[False, True, False])  # labels
    assert a != Dataset(X3[::-1], [1, 1, 0], is_test=[False, True, False])  # order
    assert a != Dataset(X3, [0, 1, 1], is_test=[False, True, False], n_classes=3)
    assert a != Dataset(X3, [0, 1, 1], task="regression", is_test=[False, True, False])
    assert a != "a dataset" and (a == 42) is False
    with pytest.raises(TypeError):
        hash(a)


# -- validation -------------------------------------------------------------------------

BAD = [
    # (arguments, field that starts the message, a fragment of the message)
    (dict(X=[[1.0, 2.0, 3.0]], y=[0]), "X:", "(n, 2)"),
    (dict(X=[1.0, 2.0], y=[0]), "X:", "(n, 2)"),
    (dict(X=[[[1.0, 2.0]]], y=[0]), "X:", "(n, 2)"),
    (dict(X=[[1.0, 2.0], [1.0]], y=[0, 1]), "X:", "array of numbers"),
    (dict(X=[["a", "b"]], y=[0]), "X:", "numbers"),
    (dict(X=[[True, False]], y=[0]), "X:", "bool"),
    (dict(X=[[0.0, 0.0], [1.0, math.nan]], y=[0, 1]), "X[1]:", "NaN or infinity"),
    (dict(X=[[0.0, 0.0], [0.0, 0.0], [-math.inf, 0.0]], y=[0, 1, 0]), "X[2]:", "NaN or infinity"),
    (dict(X=X3, y=[0, 1]), "y:", "expected 3 values"),
    (dict(X=X3, y=[[0], [1], [1]]), "y:", "expected 3 values"),
    (dict(X=X3, y=[0, math.nan, 1]), "y[1]:", "NaN or infinity"),
    (dict(X=X3, y=[0, 1, math.inf], task="regression"), "y[2]:", "NaN or infinity"),
    (dict(X=X3, y=["0", "1", "1"]), "y:", "numbers"),
    (dict(X=X3, y=[True, False, True]), "y:", "bool"),
    (dict(X=X3, y=[0, 1, 2], n_classes=2), "y[2]:", "outside 0..1"),
    (dict(X=X3, y=[0, -1, 1]), "y[1]:", "outside 0..1"),
    (dict(X=X3, y=[0, 1, 9]), "y[2]:", "outside 0..7"),
    (dict(X=X3, y=[0, 1.5, 1]), "y[1]:", "not an integer"),
    (dict(X=X3, y=[0, 1, 1], n_classes=1), "n_classes:", "2..8"),
    (dict(X=X3, y=[0, 1, 1], n_classes=9), "n_classes:", "2..8"),
    (dict(X=X3, y=[0, 1, 1], n_classes=2.0), "n_classes:", "integer"),
    (dict(X=X3, y=[0, 1, 1], n_classes=True), "n_classes:", "integer"),
    (dict(X=X3, y=[0, 1, 1], task="clustering"), "task:", "classification, regression"),
    (dict(X=X3, y=[0, 1, 1], task=None), "task:", "classification"),
    (dict(X=X3, y=[0, 1, 1], is_test=[True, False]), "is_test:", "expected 3 flags"),
    (dict(X=X3, y=[0, 1, 1], is_test=[1, 0, 1]), "is_test:", "booleans"),
    (dict(X=X3, y=[0, 1, 1], class_names=["a"]), "class_names:", "expected 2 entries"),
    (dict(X=X3, y=[0, 1, 1], class_names="ab"), "class_names:", "one entry per class"),
    (dict(X=X3, y=[0, 1, 1], class_names=["a", "  "]), "class_names[1]:", "non-empty string"),
    (dict(X=X3, y=[0, 1, 1], class_names=["a", 2]), "class_names[1]:", "non-empty string"),
    (dict(X=X3, y=[0, 1, 1], class_colors=["#E69F00"]), "class_colors:", "expected 2 entries"),
    (dict(X=X3, y=[0, 1, 1], class_colors=["#E69F00", "red"]), "class_colors[1]:", "#RRGGBB"),
    (dict(X=X3, y=[0, 1, 1], class_colors=["#GG0000", "#000000"]), "class_colors[0]:", "#RRGGBB"),
    (dict(X=X3, y=[0, 1, 1], class_colors=["#E69F0", "#000000"]), "class_colors[0]:", "#RRGGBB"),
    (dict(X=X3, y=[0, 1, 1], class_colors=[0xE69F00, "#000000"]), "class_colors[0]:", "#RRGGBB"),
    (dict(X=X3, y=[0, 1, 1], task="regression", n_classes=2), "n_classes:", "no classes"),
    (dict(X=X3, y=[0, 1, 1], task="regression", class_names=["a", "b"]), "class_names:", "no classes"),
    (dict(X=X3, y=[0, 1, 1], task="regression", class_colors=["#000000"]), "class_colors:", "no classes"),
]


@pytest.mark.parametrize("kwargs, field, fragment", BAD, ids=[f"{i}-{b[1]}" for i, b in enumerate(BAD)])
def test_invalid_arguments_raise_a_value_error_naming_the_field(kwargs, field, fragment):
    with pytest.raises(ValueError) as raised:
        Dataset(**kwargs)
    message = str(raised.value)
    assert message.startswith(field), message
    assert fragment in message, message


def test_the_largest_class_count_is_the_palette():
    ds = Dataset([[float(i), 0.0] for i in range(8)], list(range(8)))
    assert MAX_CLASSES == 8 and ds.n_classes == 8 and ds.class_colors == OKABE_ITO
    assert ds.class_names == tuple(f"class {i}" for i in range(1, 9))


# -- with_points / with_classes ---------------------------------------------------------


def test_with_points_keeps_task_and_classes():
    ds = _three(class_names=["a", "b", "c"], class_colors=["#111111", "#222222", "#333333"], n_classes=3)
    other = ds.with_points([[5.0, 5.0]], [2], [True])
    assert other.X.tolist() == [[5.0, 5.0]] and other.y.tolist() == [2] and other.is_test.tolist() == [True]
    assert (other.task, other.n_classes, other.class_names, other.class_colors) == (
        "classification",
        3,
        ("a", "b", "c"),
        ("#111111", "#222222", "#333333"),
    )
    with pytest.raises(ValueError, match=r"^y\[0\]: label 3 is outside 0..2"):
        ds.with_points([[5.0, 5.0]], [3])
    assert ds.with_points([], []).n == 0


def test_with_points_may_leave_a_class_empty():
    ds = _three(class_names=["a", "b"])
    other = ds.with_points([[0.0, 0.0]], [0])
    assert other.n_classes == 2 and other.class_names == ("a", "b")


def test_with_classes_adds_classes_with_default_names_and_colours():
    ds = _three(class_names=["cats", "dogs"], class_colors=["#010203", "#040506"])
    more = ds.with_classes(4)
    assert more.n_classes == 4
    assert more.class_names == ("cats", "dogs", "class 3", "class 4")
    assert more.class_colors == ("#010203", "#040506", "#009E73", "#D55E00")
    assert more.X.tolist() == ds.X.tolist() and more.y.tolist() == ds.y.tolist()
    assert ds.n_classes == 2  # the original value is unchanged


def test_with_classes_removes_empty_classes_and_accepts_names():
    ds = Dataset(X3, [0, 1, 1], n_classes=5)
    fewer = ds.with_classes(2)
    assert fewer.n_classes == 2 and fewer.class_names == ("class 1", "class 2")
    assert fewer.class_colors == OKABE_ITO[:2]
    named = ds.with_classes(3, names=["a", "b", "c"], colors=["#000000", "#111111", "#222222"])
    assert named.class_names == ("a", "b", "c") and named.class_colors == ("#000000", "#111111", "#222222")
    with pytest.raises(ValueError, match="^class_names:"):
        ds.with_classes(3, names=["a", "b"])


def test_with_classes_refuses_to_remove_a_class_with_points():
    ds = Dataset(X3, [0, 2, 2], class_names=["a", "b", "c"])
    with pytest.raises(ValueError) as raised:
        ds.with_classes(2)
    message = str(raised.value)
    assert message.startswith("n_classes:") and "class 3 ('c') still has 2 point(s)" in message
    assert ds.n_classes == 3


@pytest.mark.parametrize("k", [1, 9, 2.0, True, "3"])
def test_with_classes_checks_the_count(k):
    with pytest.raises(ValueError, match="^n_classes:"):
        _three().with_classes(k)


def test_with_classes_is_refused_for_regression():
    with pytest.raises(ValueError, match="^n_classes: a regression dataset has no classes"):
        Dataset(X3, [0.5, 1.0, 2.0], task="regression").with_classes(3)


def test_with_classes_on_an_empty_dataset():
    empty = Dataset([], [], n_classes=8)
    assert empty.with_classes(2).n_classes == 2


# -- to_dict / from_dict ----------------------------------------------------------------


def _awkward() -> Dataset:
    """Floats whose decimal form is long, so a lossy round trip would show."""
    rng = np.random.default_rng(3)
    X = rng.normal(0.0, 3.0, (50, 2))
    X[0] = [0.1 + 0.2, 1 / 3]
    X[1] = [5e-324, -1.7976931348623157e308]
    y = np.arange(50) % 5
    return Dataset(
        X,
        y,
        is_test=np.arange(50) % 3 == 0,
        class_names=["a", "b", "c", "d", "é ✓", "f"],
        class_colors=["#000000", "#ffffff", "#123456", "#ABCDEF", "#0a0B0c", "#999999"],
        n_classes=6,
    )


@pytest.mark.parametrize(
    "make",
    [
        _awkward,
        lambda: Dataset(
            np.random.default_rng(1).uniform(-6, 6, (40, 2)),
            np.random.default_rng(2).normal(size=40),
            task="regression",
            is_test=np.arange(40) < 10,
        ),
        lambda: Dataset([], []),
        lambda: Dataset([], [], task="regression"),
        lambda: Dataset([[float(i), -float(i)] for i in range(8)], list(range(8))),
    ],
)
def test_to_dict_from_dict_round_trips_exactly(make):
    ds = make()
    d = ds.to_dict()
    assert set(d) == {"task", "n_classes", "class_names", "class_colors", "X", "y", "is_test"}
    back = Dataset.from_dict(json.loads(json.dumps(d, allow_nan=False)))
    assert back == ds
    assert back.X.tobytes() == ds.X.tobytes() and back.y.dtype == ds.y.dtype
    assert Dataset.from_dict(d) == ds


def test_to_dict_holds_plain_python_values():
    d = Dataset(X3, [0, 1, 1], is_test=[False, True, False]).to_dict()
    assert d == {
        "task": "classification",
        "n_classes": 2,
        "class_names": ["class 1", "class 2"],
        "class_colors": ["#E69F00", "#56B4E9"],
        "X": X3,
        "y": [0, 1, 1],
        "is_test": [False, True, False],
    }
    assert type(d["y"][0]) is int and type(d["X"][0][0]) is float and type(d["is_test"][0]) is bool


def test_from_dict_defaults_the_optional_fields():
    ds = Dataset.from_dict({"X": [[1, 2], [3, 4]], "y": [1, 0]})
    assert ds == Dataset([[1.0, 2.0], [3.0, 4.0]], [1, 0])


def _good() -> dict:
    return Dataset(X3, [0, 1, 1], is_test=[False, True, False]).to_dict()


def _with(**changes) -> dict:
    d = _good()
    for key, value in changes.items():
        if value is KeyError:
            d.pop(key)
        else:
            d[key] = value
    return d


FROM_DICT_BAD = [
    # (the dictionary, the field path that starts the message, a fragment)
    ([], "dataset:", "expected an object"),
    ("X,y", "dataset:", "expected an object"),
    (None, "dataset:", "expected an object"),
    (_with(extra=1), "dataset:", "unknown field 'extra'"),
    (_with(X=KeyError), "dataset:", "missing field 'X'"),
    (_with(y=KeyError), "dataset:", "missing field 'y'"),
    (_with(X="[[0, 1]]"), "dataset.X:", "list of [x1, x2] pairs"),
    (_with(X={"0": [0, 1]}), "dataset.X:", "list of [x1, x2] pairs"),
    (_with(X=[[0.0, 1.0], [2.5, -3.0, 1.0], [-1.25, 4.0]]), "dataset.X[1]:", "[x1, x2] pair"),
    (_with(X=[[0.0, 1.0], [2.5, "-3"], [-1.25, 4.0]]), "dataset.X[1]:", "[x1, x2] pair"),
    (_with(X=[[0.0, 1.0], [2.5, -3.0], [True, 4.0]]), "dataset.X[2]:", "[x1, x2] pair"),
    (_with(X=[[0.0, 1.0], [2.5, -3.0], (-1.25, 4.0)]), "dataset.X[2]:", "[x1, x2] pair"),
    (_with(X=[[0.0, 1.0], [2.5, -3.0], [-1.25, math.inf]]), "dataset.X[2]:", "NaN or infinity"),
    (_with(y="011"), "dataset.y:", "list of numbers"),
    (_with(y=[0, "1", 1]), "dataset.y[1]:", "expected a number, got '1'"),
    (_with(y=[0, 1, True]), "dataset.y[2]:", "expected a number, got True"),
    (_with(y=[0, 1, None]), "dataset.y[2]:", "expected a number, got None"),
    (_with(y=[0, 1]), "dataset.y:", "expected 3 values"),
    (_with(y=[0, 1, 7], n_classes=2), "dataset.y[2]:", "outside 0..1"),
    (_with(y=[0, 0.5, 1]), "dataset.y[1]:", "not an integer"),
    (_with(is_test=[0, 1, 0]), "dataset.is_test[0]:", "expected a boolean"),
    (_with(is_test="none"), "dataset.is_test:", "list of booleans"),
    (_with(is_test=[True]), "dataset.is_test:", "expected 3 flags"),
    (_with(class_names=["a", 2]), "dataset.class_names[1]:", "expected a string"),
    (_with(class_names="ab"), "dataset.class_names:", "list of strings"),
    (_with(class_names=["a", "b", "c"]), "dataset.class_names:", "expected 2 entries"),
    (_with(class_colors=["#000000", None]), "dataset.class_colors[1]:", "expected a string"),
    (_with(class_colors=["#000000", "blue"]), "dataset.class_colors[1]:", "#RRGGBB"),
    (_with(n_classes="2"), "dataset.n_classes:", "expected an integer"),
    (_with(n_classes=2.0), "dataset.n_classes:", "expected an integer"),
    (_with(n_classes=12), "dataset.n_classes:", "2..8"),
    (_with(task=1), "dataset.task:", "classification, regression"),
    (_with(task="Classification"), "dataset.task:", "classification, regression"),
    (_with(task="regression"), "dataset.n_classes:", "no classes"),
]


@pytest.mark.parametrize("d, field, fragment", FROM_DICT_BAD, ids=[f"{i}-{b[1]}" for i, b in enumerate(FROM_DICT_BAD)])
def test_from_dict_rejects_wrong_types_with_the_field_path(d, field, fragment):
    with pytest.raises(ValueError) as raised:
        Dataset.from_dict(d)
    message = str(raised.value)
    assert message.startswith(field), message
    assert fragment in message, message


def test_from_dict_uses_the_given_path_prefix():
    with pytest.raises(ValueError, match=r"^session\.data\.y\[1\]: expected a number"):
        Dataset.from_dict(_with(y=[0, "x", 1]), path="session.data")


def test_from_dict_refuses_more_than_the_point_limit():
    d = {"X": [[0.0, 0.0]] * 100_001, "y": [0] * 100_001}
    with pytest.raises(ValueError, match=r"^dataset\.X: 100001 points is more than the limit of 100,000"):
        Dataset.from_dict(d)


# -- palette ----------------------------------------------------------------------------


def test_palette_helpers():
    assert len(OKABE_ITO) == len(set(OKABE_ITO)) == 8
    assert class_color(0) == "#E69F00" and class_color(7) == "#999999"
    assert hex_to_rgb("#E69F00") == (230, 159, 0) and hex_to_rgb(" #0a0b0c ") == (10, 11, 12)
    for bad in (-1, 8):
        with pytest.raises(ValueError):
            class_color(bad)
    for bad in ("E69F00", "#E69F0", "#E69F000", "#XYZXYZ", ""):
        with pytest.raises(ValueError, match="#RRGGBB"):
            hex_to_rgb(bad)
