"""Session files: exact round trips, "as if never stopped", atomic saves, and strict loading."""

from __future__ import annotations

import base64
import copy
import json
import os
import pickle
import re
from pathlib import Path

import numpy as np
import pytest
from step_reference import COLUMNS as HISTORY_COLUMNS

from playground.data import AddPoints, Dataset, make_dataset
from playground.training import Trainer, TrainingConfig, load_session, save_session
from playground.training.sessions import FORMAT, VERSION, session_from_dict, session_to_dict
from playground.training.timeline import Timeline


def assert_same_state(a: Trainer, b: Trainer) -> None:
    """Two trainers are in exactly the same state: data, config, weights, optimiser, rng, history."""
    assert a.dataset == b.dataset
    assert a.config == b.config
    assert a.epoch == b.epoch
    assert a.model.params.data.dtype == b.model.params.data.dtype
    np.testing.assert_array_equal(a.model.params.data, b.model.params.data)
    sa, sb = a.optimizer.state_dict(), b.optimizer.state_dict()
    assert sa.keys() == sb.keys()
    for key in sa:
        np.testing.assert_array_equal(sa[key], sb[key], err_msg=key)
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    assert a.standardizer == b.standardizer
    assert len(a.history) == len(b.history)
    for name in HISTORY_COLUMNS:
        np.testing.assert_array_equal(a.history.array(name), b.history.array(name), err_msg=name)


CONFIGS = {
    "adam-dropout": TrainingConfig(hidden=(6, 4), optimizer="adam", lr=0.03, batch_size=7, dropout=0.2, seed=5),
    "momentum-l2-schedule": TrainingConfig(
        hidden=(5,),
        activation="relu",
        init="he",
        optimizer="momentum",
        momentum=0.8,
        lr=0.02,
        batch_size=10,
        l2=0.01,
        l1=0.001,
        schedule="step",
        schedule_gamma=0.5,
        schedule_every=8,
        seed=2,
    ),
    "float32-standardized": TrainingConfig(
        hidden=(4, 4),
        activation=("tanh", "sigmoid"),
        features=("x1", "x2", "x1^2", "x2^2", "sin(x1)"),
        standardize=True,
        optimizer="nesterov",
        lr=0.05,
        batch_size=9,
        weight_decay=0.01,
        dtype="float32",
        seed=1,
    ),
    "early-stopping": TrainingConfig(hidden=(4,), optimizer="adam", lr=0.05, batch_size=5, patience=3, seed=0),
}


def trained(config: TrainingConfig, epochs: int = 12, dataset: Dataset | None = None) -> Trainer:
    ds = dataset or make_dataset("moons", n=60, noise=0.2, seed=7, test_fraction=0.25)
    tr = Trainer(ds, config)
    tr.step(epochs)
    return tr


def saved_and_loaded(folder: Path, tr: Trainer) -> tuple[Path, Trainer]:
    """Save ``tr`` to a session file in ``folder``; that file and the trainer loaded back from it."""
    path = folder / "run.playground.json"
    save_session(path, tr)
    return path, load_session(path)


@pytest.mark.parametrize("name", CONFIGS)
def test_save_then_load_gives_the_same_session(tmp_path, name):
    tr = trained(CONFIGS[name])
    path, loaded = saved_and_loaded(tmp_path, tr)
    assert loaded is not tr
    assert_same_state(tr, loaded)
    # A str path works too, and the file is plain JSON with the documented header.
    assert_same_state(tr, load_session(str(path)))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT == "playground-session" and data["version"] == VERSION == 2
    assert data["state"]["epoch"] == tr.epoch


@pytest.mark.parametrize("name", CONFIGS)
def test_continuing_after_load_is_as_if_never_stopped(tmp_path, name):
    tr = trained(CONFIGS[name])
    _, loaded = saved_and_loaded(tmp_path, tr)
    a, b = tr.step(20), loaded.step(20)
    assert a.epoch == b.epoch and a.status == b.status and a.message == b.message
    assert_same_state(tr, loaded)


def test_early_stopping_counters_survive_a_save(tmp_path):
    # Stop training one epoch before early stopping triggers, save, and both runs stop together.
    cfg = CONFIGS["early-stopping"]
    ds = make_dataset("gaussians", n=60, noise=0.0, seed=0, test_fraction=0.25)
    y = ds.y.copy()
    y[ds.is_test] = 1 - y[ds.is_test]  # the test loss only gets worse
    ds = Dataset(ds.X, y, "classification", ds.is_test)
    probe = Trainer(ds, cfg)
    stop_epoch = probe.step(100).epoch
    assert probe.status == "stopped" and stop_epoch < 100

    tr = Trainer(ds, cfg)
    tr.step(stop_epoch - 1)
    assert tr.status == "ok"
    save_session(tmp_path / "s.playground.json", tr)
    loaded = load_session(tmp_path / "s.playground.json")
    stats = loaded.step()
    assert stats.status == "stopped" and stats.epoch == stop_epoch and "early stopping" in stats.message


def test_standardizer_is_preserved_not_refitted(tmp_path):
    cfg = CONFIGS["float32-standardized"]
    ds = make_dataset("circle", n=60, noise=0.1, seed=3, test_fraction=0.2)
    tr = Trainer(ds, cfg)
    tr.step(5)
    fitted = tr.standardizer
    # An added point changes the data but not the network's input mapping (fitted once per network).
    tr.set_dataset(AddPoints([[5.5, -5.5], [5.0, 5.0]], [0, 1]).apply(ds))
    tr.step(3)
    assert tr.standardizer is fitted
    _, loaded = saved_and_loaded(tmp_path, tr)
    assert loaded.standardizer == fitted
    np.testing.assert_array_equal(loaded.standardizer.mean, fitted.mean)
    np.testing.assert_array_equal(loaded.standardizer.std, fitted.std)
    np.testing.assert_array_equal(loaded.probe(ds.X).inputs, tr.probe(ds.X).inputs)
    tr.step(10)
    loaded.step(10)
    assert_same_state(tr, loaded)


def test_session_without_test_points_round_trips_nan_columns(tmp_path):
    ds = make_dataset("xor", n=40, noise=0.1, seed=0)  # no test points: NaN test loss
    tr = Trainer(ds, TrainingConfig(hidden=(4,), seed=0))
    tr.step(3)
    assert np.all(np.isnan(tr.history.array("test_loss")))
    path = tmp_path / "n.playground.json"
    save_session(path, tr)
    json.loads(path.read_text(encoding="utf-8"), parse_constant=pytest.fail)  # strict JSON: no NaN literal
    loaded = load_session(path)
    assert_same_state(tr, loaded)


def test_fresh_and_regression_sessions_round_trip(tmp_path):
    fresh = Trainer(make_dataset("spiral", n=30, seed=1, classes=3), TrainingConfig(hidden=()))
    save_session(tmp_path / "fresh.playground.json", fresh)
    loaded = load_session(tmp_path / "fresh.playground.json")
    assert_same_state(fresh, loaded)
    assert loaded.epoch == 0 and len(loaded.history) == 0

    reg = trained(
        TrainingConfig(hidden=(5,), optimizer="adam", lr=0.02, seed=4),
        6,
        make_dataset("bumps", n=50, noise=0.1, seed=2, test_fraction=0.2),
    )
    save_session(tmp_path / "reg.playground.json", reg)
    assert_same_state(reg, load_session(tmp_path / "reg.playground.json"))


def test_session_dict_round_trip_in_memory():
    tr = trained(CONFIGS["adam-dropout"], 4)
    data = session_to_dict(tr)
    json.dumps(data, allow_nan=False)  # JSON-safe
    assert_same_state(tr, session_from_dict(copy.deepcopy(data)))
    assert set(data) == {"format", "version", "dataset", "config", "state", "history"}


# ------------------------------------------------------------------ atomic saves
def test_save_overwrites_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "s.playground.json"
    tr = trained(CONFIGS["adam-dropout"], 2)
    save_session(path, tr)
    tr.step(2)
    save_session(path, tr)
    assert load_session(path).epoch == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.playground.json"]


@pytest.mark.parametrize("where", ["json.dumps", "os.replace", "os.fsync"])
def test_save_is_atomic(tmp_path, monkeypatch, where):
    path = tmp_path / "s.playground.json"
    tr = trained(CONFIGS["adam-dropout"], 3)
    save_session(path, tr)
    old_bytes = path.read_bytes()
    tr.step(5)

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    module, name = where.split(".")
    monkeypatch.setattr({"json": json, "os": os}[module], name, boom)
    with pytest.raises(OSError):
        save_session(path, tr)
    monkeypatch.undo()

    assert path.read_bytes() == old_bytes  # the previous file is intact...
    assert load_session(path).epoch == 3  # ...and still loads
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.playground.json"]  # no temp left behind


# ------------------------------------------------------------------ bad files
@pytest.fixture(scope="module")
def good_session() -> dict:
    tr = Trainer(
        make_dataset("xor", n=30, noise=0.1, seed=0, test_fraction=0.2),
        TrainingConfig(hidden=(3,), optimizer="adam", lr=0.05, batch_size=8, seed=0),
    )
    timeline = Timeline()
    timeline.follow(tr)
    for _ in range(3):
        tr.step(1)
        timeline.follow(tr)
    return session_to_dict(tr, timeline)


def as_version_1(data: dict) -> dict:
    """A version 2 session dict as version 1 wrote it: history columns as JSON lists, no timeline."""
    data = copy.deepcopy(data)
    history = data["history"]
    rows, layers = history.pop("epochs"), history["n_layers"]
    for name, value in history.items():
        if isinstance(value, str):
            array = np.frombuffer(base64.b64decode(value), dtype="<f8").reshape(rows, -1)
            array = (
                array[:, 0]
                if array.shape[1] == 1 and name in ("train_loss", "test_loss", "train_metric", "test_metric", "lr")
                else array
            )
            history[name] = np.where(np.isnan(array), None, array).tolist()
    history["epoch"] = list(range(1, rows + 1))
    assert all(len(history[name][0]) == layers for name in ("grad_norms", "weight_norms"))
    data["version"] = 1
    data.pop("timeline", None)
    return data


def v1(make):
    """The bad file ``make`` makes, from the version 1 form of the good session."""
    return lambda good: make(as_version_1(good))


def mutated(change):
    """A bad file's content from ``change``, which edits a copy of a good session dict in place
    (then the file is that dict as JSON) or returns the file's text or bytes itself."""

    def make(good: dict) -> str | bytes:
        data = copy.deepcopy(good)
        result = change(data)
        return result if result is not None else json.dumps(data)

    return make


def content(raw: str | bytes):
    return lambda good: raw


def _walk(data, path: str):
    *parents, last = [int(k) if k.isdigit() else k for k in path.split(".")]
    for key in parents:
        data = data[key]
    return data, last


def set_at(path: str, value):
    """Set the value at a dotted path such as ``"state.rng.state.state"`` (list indices as numbers)."""

    def change(data):
        target, key = _walk(data, path)
        target[key] = value

    return mutated(change)


def drop(path: str):
    def change(data):
        target, key = _walk(data, path)
        del target[key]

    return mutated(change)


def replaced_by_literal(path: str, literal: str):
    """Write a marker number at ``path``, then swap it for ``literal`` in the JSON text."""

    def change(data):
        target, key = _walk(data, path)
        target[key] = 123.25
        return json.dumps(data).replace("123.25", literal, 1)

    return mutated(change)


def _swap_first_epochs(data):
    data["history"]["epoch"][0], data["history"]["epoch"][1] = 2, 1


def _sgd_state_for_adam(data):
    data["state"]["optimizer"] = {"steps": 3, "velocity": data["state"]["optimizer"]["m"]}


def _truncated(good):
    full = json.dumps(good)
    return full[: len(full) // 2]


BAD_FILES = [
    # not JSON at all
    ("empty file", content(b""), "not valid JSON"),
    ("truncated JSON", _truncated, "not valid JSON"),
    ("whitespace only", content("   \n"), "not valid JSON"),
    ("binary garbage", content(bytes(range(256)) * 4), "binary"),
    ("not UTF-8", content(b'{"format": "\xff\xfe"}'), "not UTF-8"),
    ("a pickle file's bytes", lambda good: pickle.dumps(good), "binary"),
    ("a pickle of numpy arrays", content(pickle.dumps({"params": np.zeros(3)})), "binary"),
    ("deeply nested", content("[" * 100_000 + "]" * 100_000), "recursion|nest|depth"),
    ("NaN literal", replaced_by_literal("state.params.0", "NaN"), "NaN is not a number this playground accepts"),
    (
        "Infinity literal",
        v1(replaced_by_literal("history.train_loss.0", "-Infinity")),
        "-Infinity is not a number this playground accepts",
    ),
    # JSON, but not a session
    ("not an object", content("[1, 2, 3]"), "expected an object, got list"),
    ("a bare number", content("42"), "expected an object"),
    ("wrong format", set_at("format", "playground-dataset"), "format: expected 'playground-session'"),
    ("no format", drop("format"), "format: missing"),
    ("unknown version", set_at("version", 3), "version: this playground reads versions 1 and 2, the file is version 3"),
    ("version as text", set_at("version", "1"), "version: expected a whole number"),
    ("version as boolean", set_at("version", True), "version: expected a whole number, got a boolean"),
    # missing parts
    ("missing dataset", drop("dataset"), "dataset: missing"),
    ("missing config", drop("config"), "config: missing"),
    ("missing state", drop("state"), "state: missing"),
    ("missing history", drop("history"), "history: missing"),
    ("missing params", drop("state.params"), "state.params: missing"),
    ("missing rng", drop("state.rng"), "state.rng: missing"),
    ("missing history column", drop("history.test_loss"), "history"),
    # wrong types and values
    ("config as a list", set_at("config", []), "config: expected an object"),
    ("state as text", set_at("state", "trained"), "state: expected an object"),
    ("dataset points as text", set_at("dataset.X", "many"), r"dataset\.X"),
    ("dataset label out of range", set_at("dataset.y.0", 7), r"dataset\.y"),
    ("config bad value", set_at("config.lr", -1.0), r"TrainingConfig\.lr"),
    ("config unknown key", set_at("config.speed", 3), "unknown setting.*speed"),
    ("epoch as text", set_at("state.epoch", "3"), "state.epoch: expected a whole number"),
    ("epoch as float", set_at("state.epoch", 3.0), "state.epoch"),
    ("best loss as text", set_at("state.best_loss", "low"), "state.best_loss"),
    # weights
    (
        "number overflowing to infinity",
        replaced_by_literal("state.params.1", "1e999"),
        "state.params: contains NaN or infinity",
    ),
    ("integer too large for a float", set_at("state.params.0", 10**400), "state.params: .*too large"),
    ("weights too short", mutated(lambda d: d["state"]["params"].pop() and None), "state.params: expected"),
    ("weights too long", mutated(lambda d: d["state"]["params"].append(0.0)), "state.params: expected"),
    ("string in weights", set_at("state.params.2", "0.5"), "state.params: expected a list of numbers"),
    ("null in weights", set_at("state.params.2", None), "state.params: expected a list of numbers"),
    ("weights as an object", set_at("state.params", {"W": 1}), "state.params: expected a list"),
    ("negative optimiser steps", set_at("state.optimizer.steps", -2), r"state\.optimizer\.steps"),
    ("optimiser of another kind", mutated(_sgd_state_for_adam), r"state\.optimizer"),
    (
        "optimiser array too short",
        mutated(lambda d: d["state"]["optimizer"]["m"].pop() and None),
        r"state\.optimizer\.m",
    ),
    # history and epochs
    (
        "history column of wrong length",
        v1(mutated(lambda d: d["history"]["train_loss"].pop() and None)),
        r"history\.train_loss",
    ),
    ("ragged history column", v1(set_at("history.grad_norms.0", [1.0])), "history"),
    ("text in a history column", v1(set_at("history.lr.1", "fast")), "history"),
    ("history n_layers mismatch", set_at("history.n_layers", 3), r"history\.(n_layers|grad_norms)"),
    ("epochs out of order", v1(mutated(_swap_first_epochs)), r"history\.epoch"),
    ("null in the epoch column", v1(set_at("history.epoch.2", None)), r"history\.epoch"),
    ("epoch mismatch", set_at("state.epoch", 7), "state.epoch: 7 does not match"),
    # random state and standardisation
    ("rng for another generator", set_at("state.rng.bit_generator", "MT19937"), r"state\.rng"),
    ("rng state missing its counter", drop("state.rng.state"), r"state\.rng"),
    ("rng state negative", set_at("state.rng.state.state", -5), r"state\.rng"),
    ("rng state as text", set_at("state.rng.state.state", "x"), r"state\.rng"),
    ("rng as a list", set_at("state.rng", [1, 2]), "state.rng: expected an object"),
    ("bad standardizer", set_at("state.standardizer", {"mean": [0.0], "std": [0.0]}), "standardizer"),
    ("standardizer with a huge integer", set_at("state.standardizer", {"mean": [10**400], "std": [1]}), "standardizer"),
    # every number is checked for type, finiteness and range, naming the field
    (
        "Adam step count beyond any float",
        set_at("state.optimizer.steps", 10**400),
        r"state\.optimizer\.steps: expected a whole number in 0\.\.9,007,199,254,740,992",
    ),
    ("step count as boolean", set_at("state.optimizer.steps", True), r"state\.optimizer\.steps: .*boolean"),
    ("step count as float", set_at("state.optimizer.steps", 3.0), r"state\.optimizer\.steps"),
    ("epoch beyond any float", set_at("state.epoch", 10**400), r"state\.epoch: expected a whole number in"),
    ("epoch null", set_at("state.epoch", None), "state.epoch: expected a whole number, got null"),
    ("epoch true", set_at("state.epoch", True), "state.epoch: expected a whole number, got a boolean"),
    ("negative epoch", set_at("state.epoch", -1), "state.epoch"),
    ("best loss 1e309", replaced_by_literal("state.best_loss", "1e309"), "state.best_loss: expected a finite"),
    ("best loss beyond any float", set_at("state.best_loss", 10**400), "state.best_loss: .*too large"),
    ("negative best loss", set_at("state.best_loss", -1.0), "state.best_loss: expected a number >= 0"),
    ("epochs since best beyond the epoch", set_at("state.epochs_since_best", 99), "state.epochs_since_best"),
    ("epochs since best null", set_at("state.epochs_since_best", None), "state.epochs_since_best"),
    ("learning rate beyond any float", set_at("config.lr", 10**400), r"TrainingConfig\.lr: must be a finite"),
    ("learning rate 1e309", replaced_by_literal("config.lr", "1e309"), r"TrainingConfig\.lr: must be a finite"),
    ("batch size null", set_at("config.batch_size", None), r"TrainingConfig\.batch_size"),
    ("layer size true", set_at("config.hidden", [True]), r"TrainingConfig\.hidden"),
    ("seed beyond any float", set_at("config.seed", 10**400), r"TrainingConfig\.seed"),
    ("rng counter beyond 128 bits", set_at("state.rng.state.state", 10**400), r"state\.rng\.state\.state"),
    ("rng increment even", set_at("state.rng.state.inc", 2), r"state\.rng\.state\.inc: .*odd"),
    ("rng has_uint32 of 5", set_at("state.rng.has_uint32", 5), r"state\.rng\.has_uint32"),
    ("rng uinteger beyond 32 bits", set_at("state.rng.uinteger", 2**40), r"state\.rng\.uinteger"),
    ("rng extra field", set_at("state.rng.extra", 1), r"state\.rng: expected the fields"),
    ("unknown status", set_at("state.status", "exploded"), "state.status: expected one of ok"),
    (
        "standardizer of other features",
        set_at("state.standardizer", {"mean": [0.0] * 5, "std": [1.0] * 5}),
        "state.standardizer: 5 features",
    ),
    # the compact history (version 2)
    ("history epochs beyond any float", set_at("history.epochs", 10**400), r"history\.epochs: expected a whole"),
    ("history epochs not the epoch", set_at("history.epochs", 2), "state.epoch: 3 does not match the history's 2"),
    (
        "history column too short",
        set_at("history.train_loss", "AAAA"),
        r"history\.train_loss: expected base64 text of 3 numbers \(32 characters\), got 4",
    ),
    ("history column not base64", set_at("history.train_loss", "!" * 32), r"history\.train_loss: not valid base64"),
    (
        "history column with infinity",
        set_at("history.lr", base64.b64encode(np.array([1, np.inf, 1], "<f8")).decode()),
        r"history\.lr\[1\]: infinity is not allowed",
    ),
    ("history column as a number", set_at("history.lr", 0.5), r"history\.lr: expected base64 text or a list"),
    ("history n_layers beyond any float", set_at("history.n_layers", 10**400), r"history\.n_layers"),
    # version 1 histories
    ("version 1 history with a huge integer", v1(set_at("history.lr.0", 10**400)), r"history\.lr: .*too large"),
    ("version 1 history with 1e309", v1(replaced_by_literal("history.lr.0", "1e309")), r"history\.lr: .*infinity"),
    ("version 1 history with a boolean", v1(set_at("history.lr.0", True)), r"history\.lr: expected numbers or null"),
    ("version 1 per-layer row of text", v1(set_at("history.weight_norms.1", "ab")), r"history\.weight_norms"),
    # the timeline
    ("timeline as a list", set_at("timeline", []), "timeline: expected an object"),
    ("timeline per_level 0", set_at("timeline.per_level", 0), r"timeline\.per_level"),
    ("timeline snapshots as text", set_at("timeline.snapshots", "all"), r"timeline\.snapshots: expected a list"),
    ("snapshot at the current epoch", set_at("timeline.snapshots.2.epoch", 3), r"timeline\.snapshots\[2\]\.epoch"),
    (
        "snapshots out of order",
        set_at("timeline.snapshots.1.epoch", 0),
        r"timeline\.snapshots\[1\]\.epoch: 0 is not after the previous snapshot's 0",
    ),
    ("snapshot epoch as float", set_at("timeline.snapshots.1.epoch", 1.0), r"timeline\.snapshots\[1\]\.epoch"),
    ("snapshot weights too short", set_at("timeline.snapshots.1.params", "AAAA"), r"timeline\.snapshots\[1\]\.params"),
    ("snapshot weights as a list", set_at("timeline.snapshots.1.params", [0.0]), r"timeline\.snapshots\[1\]\.params"),
    (
        "snapshot weights with NaN",
        mutated(
            lambda d: d["timeline"]["snapshots"][1].__setitem__(
                "params", base64.b64encode(np.full(len(d["state"]["params"]), np.nan, "<f8")).decode()
            )
        ),
        r"timeline\.snapshots\[1\]\.params\[0\]: NaN or infinity",
    ),
    (
        "snapshot step count beyond any float",
        set_at("timeline.snapshots.1.optimizer.steps", 10**400),
        r"timeline\.snapshots\[1\]\.optimizer\.steps",
    ),
    (
        "snapshot optimiser of another kind",
        set_at("timeline.snapshots.1.optimizer", {"steps": 1}),
        r"timeline\.snapshots\[1\]\.optimizer",
    ),
    ("snapshot rng as text", set_at("timeline.snapshots.1.rng", "x"), r"timeline\.snapshots\[1\]\.rng"),
    (
        "snapshot best loss 1e309",
        replaced_by_literal("timeline.snapshots.1.best_loss", "1e309"),
        r"timeline\.snapshots\[1\]\.best_loss",
    ),
    (
        "more snapshots than the timeline keeps",
        mutated(lambda d: d["timeline"].__setitem__("snapshots", d["timeline"]["snapshots"][:1] * 600)),
        r"timeline\.snapshots: 600 snapshots, more than the 511",
    ),
]


@pytest.mark.parametrize("maker,expected", [(m, e) for _, m, e in BAD_FILES], ids=[name for name, _, _ in BAD_FILES])
def test_bad_session_files_raise_helpful_valueerrors(tmp_path, good_session, maker, expected):
    raw = maker(good_session)
    path = tmp_path / "bad.playground.json"
    if isinstance(raw, str):
        path.write_text(raw, encoding="utf-8")
    else:
        path.write_bytes(raw)
    with pytest.raises(ValueError) as info:
        load_session(path)
    message = str(info.value)
    assert message.startswith("bad.playground.json"), message  # says which file...
    assert re.search(expected, message, flags=re.IGNORECASE), message  # ...and what is wrong
    assert len(message) < 400, message


def test_the_corpus_is_large_and_its_base_is_good(tmp_path, good_session):
    assert len(BAD_FILES) >= 15
    path = tmp_path / "good.playground.json"
    path.write_text(json.dumps(good_session), encoding="utf-8")
    assert load_session(path).epoch == 3
    old = tmp_path / "version1.playground.json"  # the base of the version 1 cases, as version 1 wrote it
    old.write_text(json.dumps(as_version_1(good_session)), encoding="utf-8")
    assert_same_state(load_session(old), load_session(path))


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        load_session(tmp_path / "nowhere.playground.json")
    with pytest.raises(ValueError, match="folder"):
        load_session(tmp_path)


def test_session_from_dict_rejects_non_dicts():
    for data in (None, [], "session", 3):
        with pytest.raises(ValueError, match="expected an object"):
            session_from_dict(data)


def test_a_failed_load_leaves_the_callers_trainer_untouched(tmp_path, good_session):
    tr = trained(CONFIGS["adam-dropout"], 5)
    path = tmp_path / "mine.playground.json"
    save_session(path, tr)
    saved_bytes = path.read_bytes()
    reference = load_session(path)
    bad = copy.deepcopy(good_session)
    bad["state"]["params"] = bad["state"]["params"][:-1]
    bad_path = tmp_path / "broken.playground.json"
    bad_path.write_text(json.dumps(bad), encoding="utf-8")
    for attempt in (bad_path, tmp_path / "missing.playground.json", path.with_name("x.playground.json")):
        with pytest.raises(ValueError):
            tr = load_session(attempt)  # the assignment never happens...
    assert_same_state(tr, reference)  # ...so the caller's trainer is exactly as it was
    assert path.read_bytes() == saved_bytes
    tr.step(2)
    reference.step(2)
    assert_same_state(tr, reference)
