"""Edits: each one's inverse restores the dataset exactly; merged strokes are one undo step."""

from __future__ import annotations

import math
from functools import reduce

import numpy as np
import pytest
from dataset_checks import identical

from playground.data import (
    AddPoints,
    Clear,
    Dataset,
    InsertPoints,
    MovePoints,
    RemoveAdded,
    RemovePoints,
    Restore,
    SetLabels,
    make_dataset,
    remove_within,
)


@pytest.fixture
def ds() -> Dataset:
    return make_dataset("blobs", n=30, noise=0.3, seed=4, test_fraction=0.3, classes=4)


@pytest.fixture
def reg() -> Dataset:
    return make_dataset("bumps", n=25, noise=0.2, seed=5, test_fraction=0.2)


def _round_trip(edit, before: Dataset) -> Dataset:
    after = edit.apply(before)
    assert identical(edit.inverse().apply(after), before)
    assert identical(edit.inverse().inverse().apply(before), after)  # the inverse of the inverse redoes
    return after


# -- each kind ------------------------------------------------------------------------------


def test_add_points_appends_and_its_inverse_removes_them(ds):
    edit = AddPoints([[1.0, 2.0], [-3.0, 0.5]], [3, 0], [False, True])
    after = _round_trip(edit, ds)
    assert after.n == ds.n + 2
    assert after.X[-2:].tolist() == [[1.0, 2.0], [-3.0, 0.5]]
    assert after.y[-2:].tolist() == [3, 0] and after.y.dtype == np.int64
    assert after.is_test[-2:].tolist() == [False, True]
    assert identical(Dataset(after.X[:-2], after.y[:-2], is_test=after.is_test[:-2], n_classes=4), ds)
    assert isinstance(edit.inverse(), RemoveAdded) and edit.inverse().inverse() is edit


def test_add_points_defaults_to_training_points_and_accepts_one_flat_point(ds):
    after = AddPoints([0.5, 0.25], [1]).apply(ds)
    assert after.X[-1].tolist() == [0.5, 0.25] and after.y[-1] == 1 and not after.is_test[-1]


def test_add_points_to_regression_and_to_an_empty_dataset(reg):
    after = _round_trip(AddPoints([[0.0, 0.0]], [0.75]), reg)
    assert after.y[-1] == 0.75 and after.y.dtype == np.float64
    empty = Clear(reg).apply(reg)
    one = _round_trip(AddPoints([[1.0, 1.0]], [2]), empty)
    assert one.n == 1 and one.y.tolist() == [2.0] and one.task == "regression"


def test_remove_points_and_insert_restore_the_order(ds):
    idx = [7, 2, 19]  # any order: the edit sorts them with their points
    edit = RemovePoints(idx, ds.X[idx], ds.y[idx], ds.is_test[idx])
    assert edit.indices.tolist() == [2, 7, 19]
    assert edit.X.tolist() == ds.X[[2, 7, 19]].tolist()
    after = _round_trip(edit, ds)
    keep = [i for i in range(ds.n) if i not in idx]
    assert after.X.tolist() == ds.X[keep].tolist()
    assert after.y.tolist() == ds.y[keep].tolist() and after.is_test.tolist() == ds.is_test[keep].tolist()
    assert isinstance(edit.inverse(), InsertPoints)


def test_remove_every_point_and_insert_them_back(ds):
    idx = np.arange(ds.n)
    after = _round_trip(RemovePoints(idx, ds.X, ds.y, ds.is_test), ds)
    assert after.n == 0 and after.n_classes == ds.n_classes and after.class_names == ds.class_names


def test_remove_within_matches_a_brute_force_loop():
    rng = np.random.default_rng(11)
    for trial in range(40):
        ds = Dataset(rng.uniform(-6, 6, (60, 2)), rng.integers(0, 3, 60), is_test=rng.random(60) < 0.3)
        center = rng.uniform(-6, 6, 2)
        radius = float(rng.uniform(0, 5))
        expected = [
            i for i, (x1, x2) in enumerate(ds.X.tolist()) if math.hypot(x1 - center[0], x2 - center[1]) <= radius
        ]
        edit = remove_within(ds, center, radius)
        assert edit.indices.tolist() == expected
        after = _round_trip(edit, ds)
        assert after.n == ds.n - len(expected)
        survivors = [i for i in range(ds.n) if i not in expected]
        assert after.X.tolist() == ds.X[survivors].tolist()


def test_remove_within_includes_points_exactly_on_the_circle():
    ds = Dataset([[3.0, 4.0], [0.0, 5.0], [0.0, 5.000001], [-5.0, 0.0], [0.0, 0.0]], [0, 1, 0, 1, 0])
    assert remove_within(ds, (0.0, 0.0), 5.0).indices.tolist() == [0, 1, 3, 4]
    assert remove_within(ds, (0.0, 0.0), 0.0).indices.tolist() == [4]


def test_a_removal_of_zero_points_is_a_no_op(ds):
    edit = remove_within(ds, (100.0, 100.0), 1.0)
    assert len(edit.indices) == 0 and edit.X.shape == (0, 2)
    assert identical(edit.apply(ds), ds)
    assert identical(edit.inverse().apply(ds), ds)
    empty = RemovePoints([], np.empty((0, 2)), [], [])
    assert identical(empty.apply(ds), ds)
    assert identical(AddPoints(np.empty((0, 2)), []).apply(ds), ds)


def test_remove_within_rejects_bad_centres_and_radii(ds):
    for center, radius in [
        ((math.nan, 0.0), 1.0),
        ((0.0, math.inf), 1.0),
        ((0.0, 0.0), -1.0),
        ((0.0, 0.0), math.nan),
        ((0.0, 0.0), math.inf),
    ]:
        with pytest.raises(ValueError, match="remove_within"):
            remove_within(ds, center, radius)
    with pytest.raises(ValueError):
        remove_within(ds, (0.0, 0.0, 0.0), 1.0)


def test_move_points_round_trip(ds):
    idx = [0, 5, 9]
    new = [[1.0, 1.0], [-2.0, 3.0], [0.0, -5.5]]
    edit = MovePoints(idx, new, ds.X[idx])
    after = _round_trip(edit, ds)
    assert after.X[idx].tolist() == new
    others = [i for i in range(ds.n) if i not in idx]
    assert after.X[others].tolist() == ds.X[others].tolist()
    assert after.y.tolist() == ds.y.tolist() and after.is_test.tolist() == ds.is_test.tolist()


def test_set_labels_round_trip(ds, reg):
    idx = [1, 3, 4]
    new = [(int(v) + 1) % 4 for v in ds.y[idx]]
    after = _round_trip(SetLabels(idx, new, ds.y[idx]), ds)
    assert after.y[idx].tolist() == new and after.y.dtype == np.int64
    assert after.X.tolist() == ds.X.tolist()
    after = _round_trip(SetLabels([0, 2], [0.5, -7.25], reg.y[[0, 2]]), reg)
    assert after.y[[0, 2]].tolist() == [0.5, -7.25] and after.y.dtype == np.float64


def test_clear_and_restore_round_trip(ds, reg):
    for data in (ds, reg):
        edit = Clear(data)
        cleared = edit.apply(data)
        assert cleared.n == 0 and cleared.task == data.task
        assert (cleared.n_classes, cleared.class_names, cleared.class_colors) == (
            data.n_classes,
            data.class_names,
            data.class_colors,
        )
        assert cleared.y.dtype == data.y.dtype
        assert isinstance(edit.inverse(), Restore)
        assert identical(edit.inverse().apply(cleared), data)
        assert identical(edit.inverse().inverse().apply(data), cleared)


def test_the_original_dataset_is_never_changed(ds):
    before = ds.to_dict()
    for edit in (
        AddPoints([[0.0, 0.0]], [1]),
        RemovePoints([0], ds.X[[0]], ds.y[[0]], ds.is_test[[0]]),
        MovePoints([1], [[2.0, 2.0]], ds.X[[1]]),
        SetLabels([2], [3], ds.y[[2]]),
        Clear(ds),
    ):
        edit.apply(ds)
    assert ds.to_dict() == before


def test_edits_are_immutable_values(ds):
    edit = AddPoints([[0.0, 0.0]], [1])
    for arr in (edit.X, edit.y, edit.is_test):
        assert not arr.flags.writeable
    with pytest.raises(AttributeError):
        edit.X = np.zeros((1, 2))  # type: ignore[misc]
    source = np.array([[1.0, 2.0]])
    move = MovePoints([0], source, ds.X[[0]])
    source[0, 0] = 99.0
    assert move.new_X.tolist() == [[1.0, 2.0]]  # a copy of the caller's array


# -- merging -----------------------------------------------------------------------------


def test_merged_add_points_equal_the_sequence_and_undo_in_one_step(ds):
    rng = np.random.default_rng(0)
    strokes = [
        AddPoints(rng.uniform(-6, 6, (m, 2)), rng.integers(0, 4, m), rng.random(m) < 0.5) for m in (1, 3, 0, 2, 1)
    ]
    merged = reduce(lambda a, b: a.merge(b), strokes)
    assert isinstance(merged, AddPoints) and len(merged.X) == 7
    sequential = reduce(lambda d, e: e.apply(d), strokes, ds)
    assert identical(merged.apply(ds), sequential)
    assert identical(merged.inverse().apply(sequential), ds)


def test_merged_removals_of_one_erase_stroke(ds):
    """Each dab of the eraser removes points of the dataset left by the previous dab."""
    centres = [(-3.0, 0.0), (-1.5, 0.5), (0.0, 1.0), (1.5, 1.5), (50.0, 50.0), (3.0, 2.0)]
    current, edits = ds, []
    for centre in centres:
        edit = remove_within(current, centre, 1.6)
        edits.append(edit)
        current = edit.apply(current)
    assert sum(len(e.indices) for e in edits) > 3  # the stroke really erased something
    merged = reduce(lambda a, b: a.merge(b), edits)
    assert isinstance(merged, RemovePoints)
    assert identical(merged.apply(ds), current)
    assert identical(merged.inverse().apply(current), ds)
    # The merged indices refer to the original dataset: exactly the points within any dab.
    expected = [
        i for i, (x1, x2) in enumerate(ds.X.tolist()) if any(math.hypot(x1 - cx, x2 - cy) <= 1.6 for cx, cy in centres)
    ]
    assert merged.indices.tolist() == expected


def test_merged_random_removals_equal_the_sequence():
    rng = np.random.default_rng(7)
    for trial in range(100):
        n = int(rng.integers(1, 40))
        ds = Dataset(rng.normal(size=(n, 2)), rng.integers(0, 3, n), is_test=rng.random(n) < 0.5, n_classes=3)
        current, merged = ds, None
        for step in range(int(rng.integers(1, 5))):
            m = int(rng.integers(0, current.n + 1))
            idx = rng.choice(current.n, size=m, replace=False)
            edit = RemovePoints(idx, current.X[idx], current.y[idx], current.is_test[idx])
            current = edit.apply(current)
            merged = edit if merged is None else merged.merge(edit)
        assert identical(merged.apply(ds), current)
        assert identical(merged.inverse().apply(current), ds)


def test_merged_moves_of_one_drag(ds):
    idx = [3, 4]
    path = [ds.X[idx]] + [ds.X[idx] + step * 0.1 for step in range(1, 6)]
    moves = [MovePoints(idx, path[i + 1], path[i]) for i in range(5)]
    merged = reduce(lambda a, b: a.merge(b), moves)
    assert merged.old_X.tolist() == path[0].tolist() and merged.new_X.tolist() == path[-1].tolist()
    sequential = reduce(lambda d, e: e.apply(d), moves, ds)
    assert identical(merged.apply(ds), sequential)
    assert identical(merged.inverse().apply(sequential), ds)
    assert MovePoints([3], [[0.0, 0.0]], ds.X[[3]]).merge(MovePoints([4], [[0.0, 0.0]], ds.X[[4]])) is None


def test_edits_of_different_kinds_do_not_merge(ds):
    add = AddPoints([[0.0, 0.0]], [1])
    remove = remove_within(ds, (0.0, 0.0), 2.0)
    move = MovePoints([0], [[1.0, 1.0]], ds.X[[0]])
    labels = SetLabels([0], [1], ds.y[[0]])
    for a, b in [(add, remove), (remove, add), (add, move), (move, add), (remove, labels)]:
        assert a.merge(b) is None
    for edit in (add.inverse(), remove.inverse(), labels, Clear(ds), Restore(ds)):
        assert edit.merge(edit) is None
    assert remove.merge(RemovePoints([], np.empty((0, 2)), [], [])) is remove


# -- invalid inputs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda ds: AddPoints([[math.nan, 0.0]], [0]),
        lambda ds: AddPoints([[0.0, math.inf]], [0]),
        lambda ds: AddPoints([[0.0, 0.0]], [0, 1]),
        lambda ds: AddPoints([[0.0, 0.0]], [math.nan]),
        lambda ds: AddPoints([[0.0, 0.0]], ["a"]),
        lambda ds: AddPoints([[0.0, 0.0]], [0], [True, False]),
        lambda ds: AddPoints([[0.0, 0.0, 0.0]], [0]),
        lambda ds: MovePoints([0], [[math.nan, 0.0]], ds.X[[0]]),
        lambda ds: MovePoints([0, 1], [[0.0, 0.0]], ds.X[[0, 1]]),
        lambda ds: MovePoints([-1], [[0.0, 0.0]], ds.X[[0]]),
        lambda ds: MovePoints([2, 2], [[0.0, 0.0], [1.0, 1.0]], ds.X[[2, 2]]),
        lambda ds: SetLabels([0], [math.nan], ds.y[[0]]),
        lambda ds: SetLabels([0, 1], [1], ds.y[[0, 1]]),
        lambda ds: RemovePoints([-2], ds.X[[0]], ds.y[[0]], ds.is_test[[0]]),
        lambda ds: RemovePoints([1.5], ds.X[[0]], ds.y[[0]], ds.is_test[[0]]),
        lambda ds: RemovePoints([True], ds.X[[0]], ds.y[[0]], ds.is_test[[0]]),
        lambda ds: RemovePoints([1, 1], ds.X[[1, 1]], ds.y[[1, 1]], ds.is_test[[1, 1]]),
        lambda ds: RemovePoints([1], [[math.nan, 0.0]], ds.y[[1]], ds.is_test[[1]]),
    ],
)
def test_invalid_edits_raise_when_made(ds, make):
    with pytest.raises(ValueError):
        make(ds)


@pytest.mark.parametrize(
    "make, fragment",
    [
        (lambda ds: AddPoints([[0.0, 0.0]], [4]), r"label 4 is outside 0..3"),
        (lambda ds: AddPoints([[0.0, 0.0]], [-1]), r"label -1 is outside"),
        (lambda ds: AddPoints([[0.0, 0.0]], [1.5]), r"label 1.5 is not an integer"),
        (lambda ds: SetLabels([0], [7], ds.y[[0]]), r"label 7 is outside 0..3"),
        (lambda ds: SetLabels([0], [2.5], ds.y[[0]]), r"label 2.5 is not an integer"),
        (lambda ds: RemovePoints([ds.n], [[0.0, 0.0]], [0], [False]), r"point 30 does not exist"),
        (lambda ds: MovePoints([ds.n + 3], [[0.0, 0.0]], [[0.0, 0.0]]), r"point 33 does not exist"),
        (lambda ds: SetLabels([ds.n], [1], [1]), r"point 30 does not exist"),
        (
            lambda ds: InsertPoints(np.array([ds.n + 1]), np.zeros((1, 2)), np.zeros(1, int), np.zeros(1, bool)),
            r"point 31 does not exist",
        ),
        (lambda ds: AddPoints([[9.0, 9.0]], [0]).inverse(), r"not the ones that were added"),
    ],
)
def test_invalid_edits_raise_when_applied_and_change_nothing(ds, make, fragment):
    before = ds.to_dict()
    with pytest.raises(ValueError, match=fragment):
        make(ds).apply(ds)
    assert ds.to_dict() == before


def test_regression_targets_are_not_labels(reg):
    after = AddPoints([[0.0, 0.0]], [42.5]).apply(reg)
    assert after.y[-1] == 42.5
    with pytest.raises(ValueError, match="^new_y: values must be finite"):
        SetLabels([0], [math.inf], reg.y[[0]])


# -- property: random sequences undone in reverse -----------------------------------------


def _random_edit(rng: np.random.Generator, ds: Dataset):
    """One random edit that is valid for ``ds``."""
    kind = rng.integers(0, 7)
    n = ds.n
    classification = ds.task == "classification"

    def labels(m):
        return rng.integers(0, ds.n_classes, m) if classification else rng.normal(0, 2, m)

    if kind == 0 or n == 0:
        m = int(rng.integers(0, 4))
        return AddPoints(rng.uniform(-6, 6, (m, 2)), labels(m), rng.random(m) < 0.3)
    if kind == 1:
        return remove_within(ds, rng.uniform(-6, 6, 2), float(rng.uniform(0, 4)))
    if kind == 2:
        idx = rng.choice(n, size=int(rng.integers(0, n + 1)), replace=False)
        return RemovePoints(idx, ds.X[idx], ds.y[idx], ds.is_test[idx])
    if kind == 3:
        idx = rng.choice(n, size=int(rng.integers(1, n + 1)), replace=False)
        return MovePoints(idx, rng.uniform(-6, 6, (len(idx), 2)), ds.X[idx])
    if kind == 4:
        idx = rng.choice(n, size=int(rng.integers(1, n + 1)), replace=False)
        return SetLabels(idx, labels(len(idx)), ds.y[idx])
    if kind == 5:
        return Clear(ds)
    # A stroke: several edits of one kind merged into one.
    first = _random_edit(rng, ds)
    if not isinstance(first, (AddPoints, RemovePoints)):
        return first
    merged, current = first, first.apply(ds)
    for _ in range(int(rng.integers(1, 4))):
        if isinstance(first, AddPoints):
            m = int(rng.integers(1, 3))
            nxt = AddPoints(rng.uniform(-6, 6, (m, 2)), labels(m))
        else:
            nxt = remove_within(current, rng.uniform(-6, 6, 2), float(rng.uniform(0, 3)))
        current = nxt.apply(current)
        merged = merged.merge(nxt)
    assert identical(merged.apply(ds), current)
    return merged


def test_200_random_edit_sequences_undo_to_the_original():
    rng = np.random.default_rng(2024)
    names = ["xor", "spiral", "blobs", "plane", "bumps", "circle"]
    kinds = set()
    for trial in range(200):
        name = names[trial % len(names)]
        kw = {"classes": int(rng.integers(2, 9))} if name in ("spiral", "blobs") else {}
        original = make_dataset(name, n=int(rng.integers(1, 40)), noise=0.3, seed=trial, test_fraction=0.2, **kw)
        history = [original]
        edits = []
        for _ in range(int(rng.integers(1, 12))):
            edit = _random_edit(rng, history[-1])
            kinds.add(type(edit).__name__)
            edits.append(edit)
            history.append(edit.apply(history[-1]))
        # Undo all in reverse: every intermediate state comes back exactly.
        state = history[-1]
        for edit, before in zip(reversed(edits), reversed(history[:-1])):
            state = edit.inverse().apply(state)
            assert identical(state, before), (trial, type(edit).__name__)
        assert identical(state, original)
        # Redo all: the final state comes back too.
        for edit in edits:
            state = edit.apply(state)
        assert identical(state, history[-1])
    assert kinds == {"AddPoints", "RemovePoints", "MovePoints", "SetLabels", "Clear"}
