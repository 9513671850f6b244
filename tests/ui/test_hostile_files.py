"""Malformed and hostile files through the window's Open and Import actions.

Every file must end in one clear message (the reader's ValueError text, naming
the file and what is wrong) and leave the open session exactly as it was:
dataset, config, weights, epoch, history, undo stack, title and file.
"""

from __future__ import annotations

import copy
import json
import os
import pickle
import re
from pathlib import Path
from typing import Callable

import pytest
from file_fixtures import CONFIG, answers, session_state, wait_idle, window  # noqa: F401 - fixtures

from playground.data import AddPoints, load_dataset, make_dataset, save_dataset
from playground.data.io import MAX_FILE_BYTES
from playground.training import Trainer, load_session
from playground.training.sessions import MAX_BYTES as SESSION_MAX_BYTES
from playground.training.sessions import session_to_dict

MARKER = "pwned-marker"


def _valid_session() -> dict:
    trainer = Trainer(make_dataset("xor", n=12, noise=0.0, seed=0, test_fraction=0.25), CONFIG)
    trainer.step(2)
    return session_to_dict(trainer)


def _changed(edit: Callable[[dict], object]) -> Callable[[dict], bytes]:
    """A corpus entry: the valid session with ``edit`` applied, as JSON bytes."""

    def make(valid: dict) -> bytes:
        data = copy.deepcopy(valid)
        edit(data)
        return json.dumps(data).encode()

    return make


def _setitem(path: str, value) -> Callable[[dict], None]:
    """Set ``data[a][b]... = value`` for a dotted path."""
    *parents, last = path.split(".")

    def edit(data: dict) -> None:
        for key in parents:
            data = data[key]
        data[last] = value

    return edit


def _delete(key: str) -> Callable[[dict], None]:
    return lambda data: data.pop(key)


def _sparse(size: int) -> Callable[[Path], None]:
    """A file of ``size`` bytes that costs no disk space (or time) to make."""

    def make(path: Path) -> None:
        with open(path, "wb") as out:
            out.truncate(size)

    return make


def _nested(depth: int, open_: str, close: str) -> bytes:
    return (open_ * depth + "1" + close * depth).encode()


# name -> (content: bytes, or a function of the valid session, or a function that makes the path), fragment
SESSION_CORPUS: dict[str, tuple] = {
    "empty": (b"", "not valid JSON"),
    "whitespace": (b"  \n\t\n ", "not valid JSON"),
    "truncated": (lambda valid: json.dumps(valid).encode()[:200], "not valid JSON"),
    "binary": (bytes(range(256)) * 4, "binary file"),
    "pickle_protocol_0_payload": (f"cos\nsystem\n(S'touch {MARKER}'\ntR.".encode(), "not valid JSON"),
    "pickle_protocol_4": (pickle.dumps({"format": "playground-session"}, protocol=4), "binary file"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "binary file"),
    "latin1": ('{"format": "caf\u00e9"}'.encode("latin-1"), "not UTF-8"),
    "utf16": ('{"format": "playground-session"}'.encode("utf-16"), "binary file"),
    "nan_literal": (
        lambda valid: json.dumps(valid).replace('"params": [', '"params": [NaN, ', 1).encode(),
        "NaN is not a number this playground accepts",
    ),
    "infinity_literal": (
        lambda valid: json.dumps(valid).replace('"lr": 0.05', '"lr": Infinity', 1).encode(),
        "Infinity is not a number this playground accepts",
    ),
    "huge_float": (
        lambda valid: re.sub(r'"params": \[[^,]+', '"params": [1e400', json.dumps(valid), 1).encode(),
        "state.params: contains NaN or infinity",
    ),
    "top_level_list": (b"[1, 2, 3]", "expected an object"),
    "top_level_number": (b"42", "expected an object"),
    "top_level_null": (b"null", "expected an object"),
    "top_level_string": (b'"playground-session"', "expected an object"),
    "missing_format": (_changed(_delete("format")), "format: missing"),
    "dataset_file_as_session": (
        b'{"format": "playground-dataset", "version": 1, "dataset": {}}',
        "is this a playground session?",
    ),
    "future_version": (_changed(_setitem("version", 99)), "version"),
    "version_as_text": (_changed(_setitem("version", "1")), "version: expected a whole number"),
    "params_as_text": (_changed(_setitem("state.params", "0.1 0.2")), "state.params"),
    "params_too_short": (_changed(_setitem("state.params", [0.1, 0.2])), "state.params"),
    "params_with_boolean": (_changed(lambda d: d["state"]["params"].__setitem__(0, True)), "state.params"),
    "params_huge_integer": (_changed(lambda d: d["state"]["params"].__setitem__(0, 10**400)), "too large"),
    "points_not_pairs": (_changed(_setitem("dataset.X", [[1.0, 2.0, 3.0]])), "X"),
    "labels_wrong_length": (_changed(_setitem("dataset.y", [0])), "y"),
    "label_out_of_range": (_changed(lambda d: d["dataset"]["y"].__setitem__(0, 99)), "dataset"),
    "negative_learning_rate": (_changed(_setitem("config.lr", -1.0)), "lr"),
    "unknown_activation": (_changed(_setitem("config.activation", "__import__('os')")), "activation"),
    "hidden_as_text": (_changed(_setitem("config.hidden", "8,8")), "hidden"),
    "epoch_not_history": (_changed(_setitem("state.epoch", 5)), "state.epoch"),
    "rng_empty": (_changed(_setitem("state.rng", {})), "state.rng"),
    "rng_other_generator": (_changed(_setitem("state.rng.bit_generator", "MT19937")), "state.rng"),
    "rng_state_as_text": (_changed(_setitem("state.rng.state", "x")), "state.rng"),
    "optimizer_fields_missing": (_changed(_setitem("state.optimizer", {"steps": 2})), "state.optimizer"),
    "optimizer_negative_steps": (_changed(_setitem("state.optimizer.steps", -3)), "steps"),
    "best_loss_as_text": (_changed(_setitem("state.best_loss", "low")), "best_loss"),
    "history_as_list": (_changed(_setitem("history", [])), "history"),
    "deep_list": (_nested(100_000, "[", "]"), "nested too deeply"),
    "deep_object": (('{"a":' * 100_000 + "1" + "}" * 100_000).encode(), "nested too deeply"),
    "directory": (lambda path: path.mkdir(), "is a folder"),
    "missing": (lambda path: None, "no such file"),
    "huge": (_sparse(SESSION_MAX_BYTES + 1), "MiB) this playground reads"),
}


def _dataset_json(valid: dict, **changes) -> bytes:
    dataset = copy.deepcopy(valid["dataset"])
    dataset.update(changes)
    return json.dumps({"format": "playground-dataset", "version": 1, "dataset": dataset}).encode()


DATASET_CORPUS: dict[str, tuple] = {
    "empty.csv": (b"", "the file is empty"),
    "header_only.csv": (b"x1,x2,label\n", "no points"),
    "bad_header.csv": (b"a,b,c\n1,2,0\n", "header"),
    "text_for_number.csv": (b"x1,x2,label\n1,2,0\n1,abc,0\n", "line 3: 'abc' in column x2 is not a number"),
    "too_many_columns.csv": (b"x1,x2,label\n1,2,0,train,9\n", "5 columns"),
    "too_few_columns.csv": (b"x1,x2,label\n1,2\n", "2 columns"),
    "nan.csv": (b"x1,x2,label\nnan,2,0\n", "not a finite number"),
    "inf.csv": (b"x1,x2,label\n1,-inf,0\n", "not a finite number"),
    "fractional_label.csv": (b"x1,x2,label\n1,2,1.5\n", "not a whole number"),
    "label_too_big.csv": (b"x1,x2,label\n1,2,0\n1,2,9\n", "outside 0..7"),
    "bad_split.csv": (b"x1,x2,label,split\n1,2,0,maybe\n", "neither train nor test"),
    "unclosed_quote.csv": (b'x1,x2,label\n1,"2,0\n', "line 2"),
    "binary.csv": (bytes(range(256)), "binary file"),
    "latin1.csv": ("x1,x2,label\n1,2,0 \u00e9\n".encode("latin-1"), "not UTF-8"),
    "too_many_points.csv": (b"x1,x2,label\n" + b"1,2,0\n" * 100_001, "more than 100,000 points"),
    "huge.csv": (_sparse(MAX_FILE_BYTES + 1), "MiB) this playground reads"),
    "directory.csv": (lambda path: path.mkdir(), "is a folder"),
    "missing.csv": (lambda path: None, "no such file"),
    "notes.txt": (b"x1,x2,label\n1,2,0\n", "unknown file type"),
    "truncated.json": (lambda valid: _dataset_json(valid)[:50], "not valid JSON"),
    "session_as_dataset.json": (lambda valid: json.dumps(valid).encode(), "format is 'playground-session'"),
    "nan.json": (lambda valid: _dataset_json(valid).replace(b'"X": [[', b'"X": [[NaN, ', 1), "NaN is not a number"),
    "deep.json": (_nested(100_000, "[", "]"), "nested too deeply"),
    "list.json": (b"[]", "expected a JSON object"),
    "points_as_text.json": (lambda valid: _dataset_json(valid, X="1,2"), "X"),
    "no_points.json": (lambda valid: _dataset_json(valid, X=[], y=[], is_test=[]), "no points"),
    "pickle.json": (pickle.dumps([1, 2, 3], protocol=2), "binary file"),
}


def _make(corpus: dict, folder: Path, valid: dict, suffix: str = "") -> list[tuple[str, Path, str]]:
    cases = []
    for name, (content, fragment) in corpus.items():
        path = folder / f"{name}{suffix}"
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content.__code__.co_varnames[:1] == ("path",):
            content(path)
        else:
            path.write_bytes(content(valid))
        cases.append((name, path, fragment))
    return cases


def _edited_trained_window(window, qtbot):
    """A session with something in every part that must survive: edits, config, training."""
    session = window.session
    assert session.apply_edit(AddPoints([[1.25, -3.5]], [1]), "Add point")
    session.update_config(lr=0.02)
    session.step(3)
    wait_idle(qtbot, window)


def _feed(window, answers, cases, action, reader) -> list[str]:
    """Trigger ``action`` for each case's file; the problems found, if any."""
    problems = []
    before = session_state(window)
    for name, path, fragment in cases:
        answers.errors.clear()
        answers.open_path = str(path)
        action.trigger()
        if len(answers.errors) != 1:
            problems.append(f"{name}: {len(answers.errors)} messages {answers.errors}")
            continue
        text = answers.errors[0][1]
        with pytest.raises(ValueError) as raised:
            reader(path)
        if text != str(raised.value):
            problems.append(f"{name}: shown {text!r}, the reader says {raised.value!r}")
        if path.name not in text or fragment not in text:
            problems.append(f"{name}: message {text!r} lacks the file name or {fragment!r}")
        if session_state(window) != before:
            problems.append(f"{name}: the session changed")
    return problems


def test_hostile_sessions_through_open(window, qtbot, answers, tmp_path):
    _edited_trained_window(window, qtbot)
    cases = _make(SESSION_CORPUS, tmp_path, _valid_session(), ".playground.json")
    assert len(cases) >= 30
    cwd = os.getcwd()
    os.chdir(tmp_path)  # where the pickle payload would leave its marker, if it ever ran
    try:
        problems = _feed(window, answers, cases, window.files.open_action, load_session)
    finally:
        os.chdir(cwd)
    assert problems == []
    assert not (tmp_path / MARKER).exists()
    assert window.files.settings.recent_files() == []  # no failed file became "recent"


def test_hostile_datasets_through_import(window, qtbot, answers, tmp_path):
    _edited_trained_window(window, qtbot)
    cases = _make(DATASET_CORPUS, tmp_path, _valid_session())
    assert len(cases) >= 25
    problems = _feed(window, answers, cases, window.files.import_action, load_dataset)
    assert problems == []


def test_a_good_file_after_the_corpus_still_opens(window, qtbot, answers, tmp_path):
    """The corpus' failures leave the machinery working: a valid file opens at once."""
    good = tmp_path / "good.csv"
    save_dataset(good, make_dataset("moons", n=40, noise=0.1, seed=2))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"x1,x2,label\n1,2\n")
    answers.open_path = str(bad)
    window.files.import_action.trigger()
    answers.open_path = str(good)
    window.files.import_action.trigger()
    assert window.session.dataset == load_dataset(good)
    assert len(answers.errors) == 1
