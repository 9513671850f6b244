"""Changes of the network and the hyperparameters are undoable like data edits, and every
undo step (a merged stroke too) is named by what it does."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.data import AddPoints, make_dataset, remove_within
from playground.training import TrainingConfig
from playground.ui.session.canvas import add_text, erase_text
from playground.ui.session.config_changes import describe_change
from playground.ui.session.session_model import SessionModel

CONFIG = TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=16, seed=0)


@pytest.fixture
def session(qtbot):
    model = SessionModel(make_dataset("xor", n=120, noise=0.0, seed=0, test_fraction=0.25), CONFIG)
    qtbot.waitUntil(lambda: model.latest_frame is not None, timeout=10000)
    yield model
    model.shutdown()


def _state(session: SessionModel) -> tuple:
    """The trainer as comparable values: config, weights, optimiser steps, epoch, history."""
    return session.run_in_worker(
        lambda t: (
            t.config,
            t.model.params.data.copy(),
            t.optimizer.steps,
            t.epoch,
            json.dumps(t.history.to_dict()),
            t.model.sizes,
        )
    )


def _assert_same(a: tuple, b: tuple) -> None:
    assert a[0] == b[0] and a[2:] == b[2:]
    np.testing.assert_array_equal(a[1], b[1])


def test_undo_of_an_architecture_change_brings_back_the_trained_network(session, qtbot):
    session.step(7)
    trained = _state(session)
    assert trained[3] == 7
    assert session.update_config(hidden=(16, 8))
    stack = session.undo_stack
    assert stack.undoText() == "Change layer 2 units to 8"
    rebuilt = _state(session)
    assert rebuilt[3] == 0 and rebuilt[5] == [2, 16, 8, 1]
    session.step(3)
    trained_new = _state(session)
    stack.undo()
    assert session.config == CONFIG
    _assert_same(_state(session), trained)  # weights, optimiser, epoch and history as they were
    qtbot.waitUntil(lambda: session.latest_frame.config == CONFIG and session.latest_frame.epoch == 7, timeout=5000)
    assert session.latest_frame.timeline[-1] == 7  # the timeline scrubs the old run again
    stack.redo()
    assert session.config.hidden == (16, 8)
    _assert_same(_state(session), trained_new)  # and redo brings back the new one, trained on


def test_training_on_after_undo_is_what_it_would_have_been(session, qtbot):
    session.step(4)
    assert session.update_config(activation="relu")
    session.undo_stack.undo()
    session.step(3)
    after_undo = _state(session)
    reference = SessionModel(session.dataset, CONFIG)
    try:
        reference.step(7)
        _assert_same(after_undo, _state(reference))
    finally:
        reference.shutdown()


def test_hyperparameter_changes_undo_and_name_themselves(session):
    stack = session.undo_stack
    session.step(2)
    assert session.update_config(lr=0.1)
    assert stack.undoText() == "Change learning rate to 0.1"
    weights = _state(session)[1]
    stack.undo()
    assert session.config.lr == pytest.approx(0.03)
    lr, params = session.run_in_worker(lambda t: (t.optimizer.lr, t.model.params.data.copy()))
    assert lr == pytest.approx(0.03)
    np.testing.assert_array_equal(params, weights)  # a hyperparameter undo keeps the weights
    assert stack.redoText() == "Change learning rate to 0.1"


def test_quick_changes_of_one_setting_are_one_step(session):
    stack = session.undo_stack
    for batch in (20, 24, 28):
        assert session.update_config(batch_size=batch)
    assert stack.count() == 1 and stack.undoText() == "Change batch size to 28"
    stack.undo()
    assert session.config.batch_size == 16
    assert session.update_config(l2=0.001)
    assert session.update_config(l2=0.0)  # back where it was: nothing left to undo
    assert stack.count() == 0 and stack.undoText() == ""


def test_a_named_change_keeps_its_name(session):
    assert session.update_config(text="Apply preset deep", hidden=(8, 8, 8), activation="relu")
    assert session.undo_stack.undoText() == "Apply preset deep"


@pytest.mark.parametrize(
    "changes, text",
    [
        ({"hidden": (16, 8)}, "Change layer 2 units to 8"),
        ({"hidden": (16, 16, 4)}, "Add layer 3 (4 units)"),
        ({"hidden": (16,)}, "Remove layer 2"),
        ({"hidden": (4, 4)}, "Change hidden layers to 4, 4"),
        ({"activation": "relu"}, "Change activation to relu"),
        ({"activation": ("tanh", "relu")}, "Change layer 2 activation to relu"),
        ({"features": ("x1", "x2", "x1*x2")}, "Add feature x1*x2"),
        ({"standardize": True}, "Change standardisation to on"),
        ({"lr": 0.1, "l2": 0.01}, "Change learning rate, L2"),
    ],
)
def test_change_texts(changes, text):
    assert describe_change(CONFIG, CONFIG.replace(**changes)) == text


def test_a_drag_that_erases_three_points_reads_erase_3_points(session):
    """One stroke erasing a point at a time: the merged step names all three."""
    X = np.array([[-5.0, -5.0], [-4.0, -5.0], [-3.0, -5.0]])
    assert session.apply_edit(AddPoints(X, [0, 0, 0]), add_text(session.dataset, 0))
    stroke = session.new_stroke()
    for x, y in X:
        edit = remove_within(session.dataset, (x, y), 0.3)
        assert len(edit.indices) == 1
        assert session.apply_edit(edit, erase_text, stroke)
    assert session.undo_stack.undoText() == "Erase 3 points"
    session.undo_stack.undo()
    assert session.dataset.n == 123


def test_a_painted_stroke_names_its_points(session):
    stroke = session.new_stroke()
    for x in (-5.0, -4.0):
        assert session.apply_edit(AddPoints([[x, 5.0]], [1]), add_text(session.dataset, 1), stroke)
    name = session.dataset.class_names[1]
    assert session.undo_stack.undoText() == f"Add 2 {name} points"
    assert erase_text(remove_within(session.dataset, (-5.0, 5.0), 0.3)) == "Erase 1 point"
