"""History: the dead-unit column, copies, and files written before the column existed."""

from __future__ import annotations

import json

import numpy as np

from playground.data import make_dataset
from playground.training import History, Trainer, TrainingConfig
from playground.training.history import PER_LAYER


def trained(epochs: int = 4, **changes) -> Trainer:
    data = make_dataset("xor", n=60, noise=0.1, seed=0, test_fraction=0.25)
    tr = Trainer(data, TrainingConfig(hidden=(6, 4), activation="relu", lr=0.05, batch_size=8, seed=3, **changes))
    tr.step(epochs)
    return tr


def test_dead_units_count_the_units_that_got_no_gradient_in_the_epoch():
    tr = trained(1)
    counts = tr.history.array("dead_units")
    assert counts.shape == (1, 3)
    # Kill layer 1's second unit by hand: a bias far below zero makes it zero on every point.
    tr.set_parameter(0, "bias", 1, -1e6)
    tr.set_parameter(1, "bias", 0, -1e6)
    tr.step(1)
    assert tr.history.array("dead_units")[-1].tolist()[:2] == [counts[0, 0] + 1, counts[0, 1] + 1]
    assert tr.last_stats().dead_units.tolist() == tr.history.array("dead_units")[-1].tolist()


def test_a_history_copy_shares_nothing():
    history = trained().history
    twin = history.copy()
    assert len(twin) == len(history) == 4
    for name in PER_LAYER:
        np.testing.assert_array_equal(twin.array(name), history.array(name))
    twin.truncate(1)
    assert len(history) == 4
    history._columns["train_loss"][0] = -1.0
    assert twin.array("train_loss")[0] != -1.0


def test_a_history_saved_without_dead_units_reads_them_as_unknown():
    history = trained().history
    data = json.loads(json.dumps(history.to_dict()))
    assert len(data["dead_units"]) == 4
    del data["dead_units"]
    old = History.from_dict(data)
    assert old.array("dead_units").shape == (4, 3) and np.isnan(old.array("dead_units")).all()
    np.testing.assert_array_equal(old.array("train_loss"), history.array("train_loss"))
    again = History.from_dict(json.loads(json.dumps(history.to_dict())))
    np.testing.assert_array_equal(again.array("dead_units"), history.array("dead_units"))
