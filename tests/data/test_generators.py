"""Built-in datasets: reproducible, the right size, inside the plane, balanced, strictly checked."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.data import DATASET_NAMES, DOMAIN, Dataset, describe, make_dataset, takes_classes, task_of

CLASSIFICATION = ("linear", "xor", "circle", "gaussians", "spiral", "moons", "vshape", "checkerboard", "blobs")
REGRESSION = ("plane", "bumps")


def test_the_documented_names_exist_classification_first():
    assert set(CLASSIFICATION + REGRESSION) <= set(DATASET_NAMES)
    tasks = [task_of(name) for name in DATASET_NAMES]
    assert tasks == sorted(tasks)  # "classification" < "regression": classification first
    for name in DATASET_NAMES:
        assert isinstance(describe(name), str) and describe(name).strip()
    assert [name for name in DATASET_NAMES if takes_classes(name)] == ["spiral", "blobs"]
    assert {task_of(name) for name in REGRESSION} == {"regression"}
    assert {task_of(name) for name in CLASSIFICATION} == {"classification"}


@pytest.mark.parametrize("query", [describe, task_of, takes_classes])
def test_catalogue_queries_reject_unknown_names(query):
    with pytest.raises(ValueError, match="^name: unknown dataset 'nope'"):
        query("nope")


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_same_arguments_give_identical_points_and_seeds_differ(name):
    a = make_dataset(name, n=120, noise=0.3, seed=5, test_fraction=0.25)
    b = make_dataset(name, n=120, noise=0.3, seed=5, test_fraction=0.25)
    assert a == b
    assert a.X.tobytes() == b.X.tobytes() and a.y.tobytes() == b.y.tobytes()
    assert a.is_test.tobytes() == b.is_test.tobytes()
    c = make_dataset(name, n=120, noise=0.3, seed=6, test_fraction=0.25)
    assert not np.array_equal(a.X, c.X)
    assert not np.array_equal(a.is_test, c.is_test)


@pytest.mark.parametrize("name", DATASET_NAMES)
@pytest.mark.parametrize("n, test_fraction", [(1, 0.0), (2, 0.5), (7, 0.3), (200, 0.0), (333, 0.5), (500, 0.9)])
def test_sizes_and_the_exact_number_of_test_points(name, n, test_fraction):
    ds = make_dataset(name, n=n, noise=0.5, seed=1, test_fraction=test_fraction)
    assert isinstance(ds, Dataset)
    assert ds.n == n and ds.X.shape == (n, 2) and ds.y.shape == (n,) and ds.is_test.shape == (n,)
    assert int(ds.is_test.sum()) == round(n * test_fraction)
    assert ds.X.dtype == np.float64


@pytest.mark.parametrize("name", DATASET_NAMES)
@pytest.mark.parametrize("noise", [0.0, 1.0])
def test_every_point_lies_inside_the_domain(name, noise):
    ds = make_dataset(name, n=3000, noise=noise, seed=3)
    assert np.isfinite(ds.X).all()
    assert ds.X.min() >= DOMAIN[0] and ds.X.max() <= DOMAIN[1]


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classes_are_balanced_and_shuffled(name):
    ds = make_dataset(name, n=301, noise=0.2, seed=2)
    assert ds.task == "classification" and ds.y.dtype == np.int64
    counts = np.bincount(ds.y, minlength=ds.n_classes)
    assert len(counts) == ds.n_classes
    assert counts.max() - counts.min() <= 1 and counts.sum() == 301
    assert (np.diff(ds.y) != 0).sum() > 50  # random order, not sorted by class
    assert ds.class_names == tuple(f"class {i + 1}" for i in range(ds.n_classes))


def test_default_class_counts():
    assert make_dataset("blobs", n=30).n_classes == 3
    assert make_dataset("spiral", n=30).n_classes == 2
    for name in set(CLASSIFICATION) - {"blobs", "spiral"}:
        assert make_dataset(name, n=30).n_classes == 2


@pytest.mark.parametrize("name", ["blobs", "spiral"])
@pytest.mark.parametrize("k", range(2, 9))
def test_blobs_and_spiral_take_2_to_8_classes(name, k):
    ds = make_dataset(name, n=10 * k + 3, noise=0.1, seed=0, classes=k)
    assert ds.n_classes == k and len(ds.class_colors) == k
    counts = np.bincount(ds.y, minlength=k)
    assert len(counts) == k and counts.min() >= 10 and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_presets_give_float_targets_and_no_classes(name):
    ds = make_dataset(name, n=400, noise=0.0, seed=0, test_fraction=0.5)
    assert ds.task == "regression" and ds.y.dtype == np.float64 and ds.n_classes == 0
    assert ds.class_names == () and ds.class_colors == ()
    assert np.isfinite(ds.y).all() and len(np.unique(ds.y)) > 300  # continuous values
    noisy = make_dataset(name, n=400, noise=1.0, seed=0)
    assert not np.array_equal(noisy.y, ds.y)


def test_plane_target_without_noise():
    ds = make_dataset("plane", n=200, noise=0.0, seed=9)
    np.testing.assert_allclose(ds.y, (ds.X[:, 0] + ds.X[:, 1]) / 10, rtol=0, atol=1e-15)
    assert ds.y.min() >= -1.0 and ds.y.max() <= 1.0


def test_bumps_target_at_the_bump_centres():
    ds = make_dataset("bumps", n=4000, noise=0.0, seed=9)
    near_up = np.hypot(ds.X[:, 0] + 3.5, ds.X[:, 1] - 2.5) < 0.3  # a bump at (-3.5, 2.5)
    near_down = np.hypot(ds.X[:, 0], ds.X[:, 1] - 2.5) < 0.3  # a dip at (0, 2.5)
    assert near_up.sum() > 3 and near_down.sum() > 3
    assert (ds.y[near_up] > 0.8).all() and (ds.y[near_down] < -0.8).all()


def test_vshape_puts_class_1_inside_the_v():
    ds = make_dataset("vshape", n=2000, noise=0.0, seed=4)
    inside = ds.X[:, 1] > 1.5 * np.abs(ds.X[:, 0]) - 3.0
    assert np.array_equal(ds.y == 1, inside)
    # An even margin around the V: no point within 0.25 of either arm.
    distance = np.abs(ds.X[:, 1] - 1.5 * np.abs(ds.X[:, 0]) + 3.0) / math.hypot(1.0, 1.5)
    assert distance.min() >= 0.25
    # The V opens upwards: high in the middle is class 1, low at the sides is class 0.
    assert (ds.y[(np.abs(ds.X[:, 0]) < 1) & (ds.X[:, 1] > 2)] == 1).all()
    assert (ds.y[(np.abs(ds.X[:, 0]) > 3) & (ds.X[:, 1] < 0)] == 0).all()


def test_the_shapes_without_noise():
    lin = make_dataset("linear", n=500, seed=1)
    assert np.array_equal(lin.y == 1, lin.X[:, 1] > 0.5 * lin.X[:, 0])
    xor = make_dataset("xor", n=500, seed=1)
    assert np.array_equal(xor.y == 1, xor.X[:, 0] * xor.X[:, 1] > 0)
    circle = make_dataset("circle", n=500, seed=1)
    r = np.hypot(circle.X[:, 0], circle.X[:, 1])
    assert (r[circle.y == 0] <= 2.5).all() and (r[circle.y == 1] >= 3.5).all()
    gauss = make_dataset("gaussians", n=500, seed=1)
    assert np.allclose(gauss.X[gauss.y == 0].mean(axis=0), [-2, -2], atol=0.2)
    assert np.allclose(gauss.X[gauss.y == 1].mean(axis=0), [2, 2], atol=0.2)
    board = make_dataset("checkerboard", n=500, seed=1)
    cell = np.floor(board.X / 2.5).sum(axis=1) % 2 == 0
    assert np.array_equal(board.y == 1, cell)


# -- bad arguments -------------------------------------------------------------------------

BAD_ARGUMENTS = [
    (dict(name="nope"), "name:"),
    (dict(name=None), "name:"),
    (dict(name=["spiral"]), "name:"),
    (dict(name="spiral", n=0), "n:"),
    (dict(name="spiral", n=-5), "n:"),
    (dict(name="spiral", n=100_001), "n:"),
    (dict(name="spiral", n=10.0), "n:"),
    (dict(name="spiral", n=True), "n:"),
    (dict(name="spiral", noise=-0.01), "noise:"),
    (dict(name="spiral", noise=1.01), "noise:"),
    (dict(name="spiral", noise=math.nan), "noise:"),
    (dict(name="spiral", noise="0.1"), "noise:"),
    (dict(name="spiral", seed=-1), "seed:"),
    (dict(name="spiral", seed=1.5), "seed:"),
    (dict(name="spiral", test_fraction=1.0), "test_fraction:"),
    (dict(name="spiral", test_fraction=-0.1), "test_fraction:"),
    (dict(name="spiral", test_fraction=math.nan), "test_fraction:"),
    (dict(name="spiral", n=3, test_fraction=0.9), "test_fraction:"),  # rounds to 3 of 3 points
    (dict(name="spiral", classes=1), "classes:"),
    (dict(name="spiral", classes=9), "classes:"),
    (dict(name="blobs", classes=2.0), "classes:"),
    (dict(name="linear", classes=3), "classes:"),
    (dict(name="plane", classes=2), "classes:"),
    (dict(name="spiral", arms=3), "arms:"),
    (dict(name="moons", radius=1.0), "radius:"),
]


@pytest.mark.parametrize("kwargs, field", BAD_ARGUMENTS, ids=[f"{i}-{b[1]}" for i, b in enumerate(BAD_ARGUMENTS)])
def test_bad_arguments_raise_a_value_error_naming_the_argument(kwargs, field):
    with pytest.raises(ValueError) as raised:
        make_dataset(**kwargs)
    assert str(raised.value).startswith(field), str(raised.value)


def test_an_unknown_name_lists_the_valid_names():
    with pytest.raises(ValueError) as raised:
        make_dataset("sprial")
    message = str(raised.value)
    assert "'sprial'" in message
    for name in DATASET_NAMES:
        assert name in message


def test_the_edges_of_the_valid_ranges_are_accepted():
    assert make_dataset("xor", n=1).n == 1
    assert make_dataset("xor", n=100_000, noise=1.0, test_fraction=0.999).n == 100_000
    assert make_dataset("blobs", n=8, classes=8).n_classes == 8
    assert make_dataset("spiral", n=5, noise=0, test_fraction=0).n == 5  # integers are fine
