"""Dataset files: CSV and JSON round trips, atomic writes, and a corpus of malformed files."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import numpy as np
import pytest
from dataset_checks import identical

import playground.data.io as dio
from playground.data import Dataset, load_dataset, make_dataset, save_dataset
from playground.data.io import MAX_FILE_BYTES, read_text_file, write_text_atomic


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: (p.read_bytes() if p.is_file() else b"<dir>") for p in sorted(folder.iterdir())}


# -- round trips --------------------------------------------------------------------------

ROUND_TRIP = {
    "spiral_split": lambda: make_dataset("spiral", n=300, noise=0.2, seed=1, test_fraction=0.3),
    "regression": lambda: make_dataset("bumps", n=200, noise=0.5, seed=2, test_fraction=0.25),
    "eight_classes": lambda: make_dataset("blobs", n=160, noise=0.4, seed=3, test_fraction=0.5, classes=8),
    "no_test_points": lambda: make_dataset("moons", n=50, noise=0.1, seed=4),
    "awkward_floats": lambda: Dataset(
        [[0.1 + 0.2, 1 / 3], [5e-324, -1.7976931348623157e308], [-0.0, 1e-300]], [0, 1, 1], is_test=[True, False, True]
    ),
    "one_point": lambda: Dataset([[1.5, -2.5]], [1]),
}


@pytest.mark.parametrize("suffix", [".csv", ".json", ".CSV", ".Json"])
@pytest.mark.parametrize("name", list(ROUND_TRIP))
def test_round_trip_gives_an_equal_dataset(tmp_path, name, suffix):
    ds = ROUND_TRIP[name]()
    path = tmp_path / f"data{suffix}"
    save_dataset(path, ds)
    back = load_dataset(path)
    assert identical(back, ds)
    assert _listing(tmp_path).keys() == {path.name}  # no temporary file left behind
    save_dataset(str(path), back)  # str paths too; saving again gives the same bytes
    assert load_dataset(str(path)) == ds


def test_csv_layout_for_classification_and_regression(tmp_path):
    cls = Dataset([[1.0, -2.5], [0.1, 3.0]], [1, 0], is_test=[False, True])
    save_dataset(tmp_path / "c.csv", cls)
    assert (tmp_path / "c.csv").read_text() == "x1,x2,label,split\n1.0,-2.5,1,train\n0.1,3.0,0,test\n"
    reg = Dataset([[1.0, -2.5], [0.1, 3.0]], [0.25, -1.0], task="regression")
    save_dataset(tmp_path / "r.csv", reg)
    assert (tmp_path / "r.csv").read_text() == "x1,x2,value,split\n1.0,-2.5,0.25,train\n0.1,3.0,-1.0,train\n"
    assert load_dataset(tmp_path / "r.csv").task == "regression"


def test_json_layout_and_what_only_json_keeps(tmp_path):
    ds = Dataset(
        [[1.0, 2.0]],
        [0],
        class_names=["cats", "dogs", "owls"],
        class_colors=["#000000", "#111111", "#222222"],
        n_classes=3,
    )
    save_dataset(tmp_path / "d.json", ds)
    data = json.loads((tmp_path / "d.json").read_text())
    assert data == {"format": "playground-dataset", "version": 1, "dataset": ds.to_dict()}
    assert load_dataset(tmp_path / "d.json") == ds  # names, colours and the empty class survive
    save_dataset(tmp_path / "d.csv", ds)
    from_csv = load_dataset(tmp_path / "d.csv")  # CSV keeps points only; classes are inferred
    assert from_csv.n_classes == 2 and from_csv.class_names == ("class 1", "class 2")
    assert from_csv.X.tolist() == ds.X.tolist() and from_csv.y.tolist() == ds.y.tolist()


def test_the_csv_reader_is_lenient_about_layout_but_not_content(tmp_path):
    path = tmp_path / "hand.csv"
    text = '\ufeff X1 , X2 ,Label,SPLIT\r\n1, 2 ,0, Test\r\n\r\n"3.5",-4e0,1.0,train\r\n , , , \r\n-0,0,1,TRAIN\r\n\r\n'
    path.write_bytes(text.encode("utf-8"))
    ds = load_dataset(path)
    assert ds.X.tolist() == [[1.0, 2.0], [3.5, -4.0], [-0.0, 0.0]]
    assert ds.y.tolist() == [0, 1, 1] and ds.y.dtype == np.int64
    assert ds.is_test.tolist() == [True, False, False]
    path.write_text("x1,x2,label\n1,2,3\n")  # no split column: all training points
    with pytest.warns(dio.ImportNotice, match="do not include 0"):
        ds = load_dataset(path)  # a label without 0 is renumbered, not an empty class 0 (and said so)
    assert ds.is_test.tolist() == [False] and ds.n_classes == 2 and ds.y.tolist() == [0]
    assert ds.class_names == ("class 3", "other")


# -- atomic writing -------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".json"])
@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failed_write_leaves_the_old_file_intact_and_no_temp_file(tmp_path, monkeypatch, suffix, failing):
    path = tmp_path / f"data{suffix}"
    old = make_dataset("xor", n=20, seed=0)
    save_dataset(path, old)
    before = _listing(tmp_path)

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match="No space left"):
        save_dataset(path, make_dataset("spiral", n=300, seed=1))
    monkeypatch.undo()
    assert _listing(tmp_path) == before
    assert load_dataset(path) == old


def test_a_failed_first_write_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(5, "I/O error")))
    with pytest.raises(OSError):
        write_text_atomic(tmp_path / "new.csv", "x1,x2,label\n")
    assert list(tmp_path.iterdir()) == []


def test_write_text_atomic_writes_the_text_exactly(tmp_path):
    path = tmp_path / "t.csv"
    write_text_atomic(path, "old")
    write_text_atomic(path, "a\r\nb\n\u00e9\u2713")
    assert path.read_bytes() == "a\r\nb\n\u00e9\u2713".encode("utf-8")
    assert _listing(tmp_path).keys() == {"t.csv"}


def test_saving_with_an_unknown_extension_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match=r"^data\.txt: unknown file type '\.txt'"):
        save_dataset(tmp_path / "data.txt", make_dataset("xor", n=5))
    assert list(tmp_path.iterdir()) == []


# -- the malformed corpus -------------------------------------------------------------------

HEADER = b"x1,x2,label\n"
SPLIT_HEADER = b"x1,x2,label,split\n"


def _json(dataset_changes: dict | None = None, **top) -> bytes:
    dataset = Dataset([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], [0, 1, 1], is_test=[False, True, False]).to_dict()
    dataset.update(dataset_changes or {})
    data = {"format": "playground-dataset", "version": 1, "dataset": dataset}
    data.update(top)
    return json.dumps(data).encode()


def _without(key: str) -> bytes:
    data = json.loads(_json())
    data.pop(key)
    return json.dumps(data).encode()


def _sparse(size: int):
    def make(path: Path) -> None:
        with open(path, "wb") as out:
            out.truncate(size)  # a hole: no disk space or time spent

    return make


# file name -> (bytes, or a function that makes the file at a path), fragments the message must hold
CORPUS: dict[str, tuple] = {
    # CSV: the header
    "bad_header.csv": (b"a,b,c\n1,2,0\n", ["line 1", "header 'a,b,c'"]),
    "header_unknown_target.csv": (b"x1,x2,colour\n1,2,0\n", ["line 1", "header column 'colour'"]),
    "header_two_columns.csv": (b"x1,x2\n1,2\n", ["line 1", "header"]),
    "header_five_columns.csv": (b"x1,x2,label,split,extra\n1,2,0,train,x\n", ["line 1", "header"]),
    "header_not_split.csv": (b"x1,x2,label,fold\n1,2,0,1\n", ["line 1", "header"]),
    "whitespace_only.csv": (b"   \n\n", ["line 1", "header"]),
    # CSV: the rows
    "too_few_columns.csv": (HEADER + b"1,2,0\n3,4\n", ["line 3", "2 columns, expected 3"]),
    "too_many_columns.csv": (
        SPLIT_HEADER + b"1,2,0,train\n3,4,1,test\n5,6,1,test,9\n",
        ["line 4", "5 columns, expected 4"],
    ),
    "split_missing.csv": (SPLIT_HEADER + b"1,2,0\n", ["line 2", "3 columns, expected 4"]),
    "not_a_number.csv": (HEADER + b"1,2,0\n1,abc,0\n", ["line 3", "'abc' in column x2 is not a number"]),
    "empty_cell.csv": (HEADER + b"1,2,0\n\n3,4,1\n,4,1\n", ["line 5", "'' in column x1 is not a number"]),
    "label_too_long.csv": (HEADER + b"1,2,cat\n3,4," + b"d" * 101 + b"\n", ["line 3", "at most 100"]),
    "nine_label_names.csv": (HEADER + b"".join(b"1,2,%c\n" % c for c in b"abcdefghi"), ["line 10", "9 different"]),
    "nan.csv": (HEADER + b"1,2,0\n3,4,1\nnan,2,0\n", ["line 4", "'nan' in column x1 is not a finite number"]),
    "inf.csv": (HEADER + b"1,-inf,0\n", ["line 2", "'-inf' in column x2 is not a finite number"]),
    "overflow.csv": (HEADER + b"1,2,0\n1e999,2,0\n", ["line 3", "not a finite number"]),
    "nan_value.csv": (b"x1,x2,value\n1,2,0.5\n1,2,NaN\n", ["line 3", "column value is not a finite number"]),
    "label_too_big.csv": (HEADER + b"1,2,0\n3,4,1\n5,6,9\n", ["line 4", "label 9 is outside 0..7"]),
    "label_negative.csv": (HEADER + b"1,2,0\n1,2,-1\n", ["line 3", "label -1 is outside 0..7"]),
    "label_after_odd_lines.csv": (
        HEADER + b'1,2,0\n , , \n\n"3\n",4,1\n5,6,8\n',
        ["line 7", "label 8 is outside 0..7"],
    ),
    "label_fraction.csv": (HEADER + b"1,2,0\n3,4,1.5\n", ["line 3", "label '1.5' is not a whole number"]),
    "bad_split.csv": (SPLIT_HEADER + b"1,2,0,train\n3,4,1,maybe\n", ["line 3", "'maybe' is neither train nor test"]),
    "unclosed_quote.csv": (HEADER + b'1,"2,0\n', ["line 2"]),
    "header_only.csv": (HEADER, ["no points after the header"]),
    "header_and_blank_lines.csv": (SPLIT_HEADER + b"\n\n , , ,\n", ["no points after the header"]),
    "empty.csv": (b"", ["the file is empty"]),
    "too_many_rows.csv": (HEADER + b"1,2,0\n" * 100_001, ["line 100002", "more than 100,000 points"]),
    # Bytes that are not text
    "huge.csv": (_sparse(MAX_FILE_BYTES + 1), ["MiB) this playground reads"]),
    "huge.json": (_sparse(MAX_FILE_BYTES + 1), ["MiB) this playground reads"]),
    "nul_bytes.csv": (HEADER + b"1,2,0\n3,\x004,1\n", ["is a binary file"]),
    "not_utf8.csv": (HEADER + b"1,2,0\n3,4,1 caf\xe9\n", ["line 3", "not UTF-8"]),
    "not_utf8.json": (b'{\n"format":\n "caf\xe9"}', ["line 3", "not UTF-8"]),
    "utf16.csv": ("x1,x2,label\n1,2,0\n".encode("utf-16"), ["binary file"]),
    "pickle.csv": (pickle.dumps({"X": [[1, 2]], "y": [0]}), ["binary file"]),
    "pickle.json": (pickle.dumps([1, 2, 3], protocol=2), ["binary file"]),
    "pickle_protocol_0.csv": (b"cos\nsystem\n(S'echo pwned'\ntR.", ["line 1", "header"]),
    "pickle_protocol_0.json": (b"cos\nsystem\n(S'echo pwned'\ntR.", ["not valid JSON", "line 1"]),
    # JSON: the structure
    "empty.json": (b"", ["not valid JSON"]),
    "truncated.json": (_json()[:60], ["not valid JSON", "line 1, column"]),
    "trailing_garbage.json": (_json() + b"\n}", ["not valid JSON", "line 2"]),
    "list.json": (b"[1, 2, 3]", ["expected a JSON object"]),
    "number.json": (b"42", ["expected a JSON object"]),
    "null.json": (b"null", ["expected a JSON object"]),
    "deep.json": (b"[" * 100_000 + b"]" * 100_000, ["nested too deeply"]),
    "wrong_format.json": (_json(format="playground-session"), ["format is 'playground-session'"]),
    "no_format.json": (_without("format"), ["format is None"]),
    "wrong_version.json": (_json(version=2), ["version 2 is not supported"]),
    "version_as_text.json": (_json(version="1"), ["version '1' is not supported"]),
    "no_dataset.json": (_without("dataset"), ["missing field 'dataset'"]),
    "dataset_as_list.json": (_json(dataset=[1, 2]), ["dataset: expected an object"]),
    # JSON: wrong types inside
    "points_as_text.json": (_json({"X": "0,1"}), ["dataset.X: expected a list of [x1, x2] pairs"]),
    "point_of_three.json": (_json({"X": [[0, 1], [2, 3, 4], [4, 5]]}), ["dataset.X[1]: expected a [x1, x2] pair"]),
    "coordinate_as_text.json": (_json({"X": [[0, 1], [2, 3], ["4", 5]]}), ["dataset.X[2]"]),
    "label_as_text.json": (_json({"y": [0, "1", 1]}), ["dataset.y[1]: expected a number"]),
    "label_as_bool.json": (_json({"y": [0, 1, True]}), ["dataset.y[2]: expected a number"]),
    "labels_too_few.json": (_json({"y": [0, 1]}), ["dataset.y: expected 3 values"]),
    "label_out_of_range.json": (_json({"y": [0, 1, 5], "n_classes": 2}), ["dataset.y[2]", "outside 0..1"]),
    "label_fraction.json": (_json({"y": [0, 0.5, 1]}), ["dataset.y[1]", "not an integer"]),
    "flags_as_numbers.json": (_json({"is_test": [0, 1, 0]}), ["dataset.is_test[0]: expected a boolean"]),
    "name_as_number.json": (_json({"class_names": ["a", 2]}), ["dataset.class_names[1]: expected a string"]),
    "bad_colour.json": (_json({"class_colors": ["#E69F00", "blue"]}), ["dataset.class_colors[1]", "#RRGGBB"]),
    "classes_as_text.json": (_json({"n_classes": "2"}), ["dataset.n_classes: expected an integer"]),
    "too_many_classes.json": (_json({"n_classes": 9}), ["dataset.n_classes", "2..8"]),
    "unknown_task.json": (_json({"task": "clustering"}), ["dataset.task"]),
    "unknown_field.json": (_json({"weights": [1]}), ["dataset: unknown field 'weights'"]),
    "no_points.json": (_json({"X": [], "y": [], "is_test": []}), ["dataset.X: the file holds no points"]),
    "huge_number.json": (
        _json({"X": [[0, 1], [2, 3], [1e400, 5]]}).replace(b"Infinity", b"1e400"),
        ["dataset.X[2]", "NaN or infinity"],
    ),
    "nan_literal.json": (_json().replace(b'"X": [[0.0', b'"X": [[NaN', 1), ["NaN is not a number"]),
    "infinity_literal.json": (_json().replace(b'"y": [0', b'"y": [-Infinity', 1), ["-Infinity is not a number"]),
    # Not a dataset file at all
    "folder.csv": (lambda path: path.mkdir(), ["is a folder, not a file"]),
    "folder.json": (lambda path: path.mkdir(), ["is a folder, not a file"]),
    "missing.csv": (lambda path: None, ["no such file"]),
    "missing.json": (lambda path: None, ["no such file"]),
    "notes.txt": (HEADER + b"1,2,0\n", ["unknown file type '.txt'"]),
    "no_extension": (HEADER + b"1,2,0\n", ["unknown file type '(none)'"]),
    "data.csv.bak": (HEADER + b"1,2,0\n", ["unknown file type '.bak'"]),
}


def _make(folder: Path, name: str) -> Path:
    content, _ = CORPUS[name]
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        content(path)
    return path


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 25
    assert sum(name.endswith(".csv") for name in CORPUS) >= 25


@pytest.mark.parametrize("name", list(CORPUS))
def test_a_malformed_file_raises_a_value_error_naming_file_and_place(tmp_path, monkeypatch, name):
    path = _make(tmp_path, name)
    before = _listing(tmp_path)
    built = []

    class Spy(Dataset):  # records any Dataset the reader builds before it fails
        __slots__ = ()

        def __init__(self, *args, **kwargs):
            built.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(dio, "Dataset", Spy)
    with pytest.raises(ValueError) as raised:
        load_dataset(path)
    message = str(raised.value)
    assert message.startswith(path.name), message
    for fragment in CORPUS[name][1]:
        assert fragment in message, message
    assert _listing(tmp_path) == before  # nothing written, moved or created
    if name.endswith(".csv"):
        assert built == []  # a CSV is checked whole before any Dataset is made


def test_nothing_is_partly_loaded(tmp_path):
    """A file that is fine until its last row gives an error and no dataset, and changes nothing."""
    good = make_dataset("spiral", n=500, noise=0.1, seed=0, test_fraction=0.2)
    path = tmp_path / "almost.csv"
    save_dataset(path, good)
    text = path.read_text()
    path.write_text(text + "1.0,2.0,3.5,train\n")
    held = good
    snapshot = held.to_dict()
    before = _listing(tmp_path)
    result = "untouched"
    with pytest.raises(ValueError, match=r"^almost\.csv, line 502: label '3\.5' is not a whole number"):
        result = load_dataset(path)
    assert result == "untouched"
    assert held.to_dict() == snapshot and _listing(tmp_path) == before
    # The same file, repaired, loads completely.
    path.write_text(text)
    assert load_dataset(path) == good
    # And a JSON file whose last point is bad.
    data = {"format": "playground-dataset", "version": 1, "dataset": good.to_dict()}
    data["dataset"]["y"][-1] = 7
    data["dataset"]["n_classes"] = 2
    jpath = tmp_path / "almost.json"
    jpath.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=r"^almost\.json: dataset\.y\[499\]: label 7 is outside 0\.\.1"):
        load_dataset(jpath)


def test_a_file_at_the_size_limit_is_read_and_one_byte_more_is_not(tmp_path):
    path = tmp_path / "padded.csv"
    body = HEADER + b"1,2,0\n"
    path.write_bytes(body + b"\n" * (1000 - len(body)))
    assert read_text_file(path, max_bytes=1000) == path.read_text()
    with pytest.raises(ValueError, match=r"^padded\.csv: the file is 1,000 bytes, more than the 999 bytes"):
        read_text_file(path, max_bytes=999)
    with open(path, "r+b") as out:
        out.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(
        ValueError,
        match=rf"{MAX_FILE_BYTES + 1:,} bytes, more than the "
        rf"{MAX_FILE_BYTES:,} bytes \(20 MiB\) this playground reads",
    ):
        load_dataset(path)


def test_read_text_file_drops_the_byte_order_mark(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffcaf\u00e9\n".encode("utf-8"))
    assert read_text_file(path) == "caf\u00e9\n"
