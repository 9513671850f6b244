"""Dataset files: CSV (``x1,x2,label[,split]``) and JSON, read strictly and written atomically.

Reading parses the whole file first and builds the Dataset last, so a bad file
loads nothing; every error is a ValueError naming the file, the line (CSV) or
the field (JSON), and what is wrong. Nothing in a file is ever executed: the
csv and json modules only, nothing unpickled or evaluated.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from .dataset import MAX_POINTS, Dataset

MAX_FILE_BYTES = 20 * 1024 * 1024
FORMAT = "playground-dataset"
VERSION = 1
SPLITS = {"train": False, "test": True}


# ------------------------------------------------------------------ plumbing
def read_text_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The file's text, refusing missing, huge, binary and non-UTF-8 files with a clear message."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ValueError(f"{name}: the file is {size:,} bytes, more than the "
                             f"{max_bytes:,} bytes ({max_bytes / 2**20:.0f} MiB) this playground reads")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{name}: is a folder, not a file") from None
    except OSError as exc:
        raise ValueError(f"{name}: cannot be read ({exc.strerror})") from None
    if b"\0" in raw:
        raise ValueError(f"{name}: is a binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValueError(f"{name}, line {line}: not UTF-8 text") from None


def parse_json(text: str, name: str) -> Any:
    """Decode JSON strictly: NaN and Infinity are refused, and every failure is a
    ValueError that starts with the file's ``name``."""
    def reject(constant: str) -> None:
        raise ValueError(f"{constant} is not a number this playground accepts")

    try:
        return json.loads(text, parse_constant=reject)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise ValueError(f"{name}: the JSON is nested too deeply to be a playground file") from None
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it over ``path``.

    A crash mid-write leaves the previous file intact.
    """
    path = Path(path)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise ValueError(f"{path.name}: unknown file type {suffix or '(none)'!r}; use .csv or .json")
    return suffix[1:]


# ----------------------------------------------------------------------- save
def dataset_to_csv(ds: Dataset) -> str:
    """The CSV text of ``ds``: header, then one row per point."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["x1", "x2", "label" if ds.task == "classification" else "value", "split"])
    for (x1, x2), y, test in zip(ds.X.tolist(), ds.y.tolist(), ds.is_test.tolist()):
        writer.writerow([repr(x1), repr(x2), repr(y), "test" if test else "train"])
    return out.getvalue()


def save_dataset(path: str | os.PathLike[str], ds: Dataset) -> None:
    """Write ``ds`` as CSV or JSON, chosen by the extension, atomically."""
    path = Path(path)
    if _kind(path) == "csv":
        write_text_atomic(path, dataset_to_csv(ds))
    else:
        write_text_atomic(path, json.dumps({"format": FORMAT, "version": VERSION, "dataset": ds.to_dict()},
                                           allow_nan=False))


# ----------------------------------------------------------------------- load
def load_dataset(path: str | os.PathLike[str]) -> Dataset:
    """Read a dataset from a .csv or .json file; ValueError says where and what is wrong."""
    path = Path(path)
    kind = _kind(path)
    text = read_text_file(path)
    return _parse_csv(text, path.name) if kind == "csv" else _parse_json(text, path.name)


def _parse_csv(text: str, name: str) -> Dataset:
    rows = csv.reader(io.StringIO(text))
    try:
        header = next(rows)
    except StopIteration:
        raise ValueError(f"{name}: the file is empty; expected a header x1,x2,label[,split]") from None
    except csv.Error as exc:
        raise ValueError(f"{name}, line 1: {exc}") from None
    columns = [cell.strip().lower() for cell in header]
    if columns[:2] != ["x1", "x2"] or len(columns) not in (3, 4) or columns[2] not in ("label", "value") \
            or (len(columns) == 4 and columns[3] != "split"):
        raise ValueError(f"{name}, line 1: header {','.join(header)!r} is not x1,x2,label[,split] "
                         f"or x1,x2,value[,split]")
    task = "classification" if columns[2] == "label" else "regression"
    X, y, flags = [], [], []
    try:
        for row in rows:
            line = rows.line_num
            if not row or all(not cell.strip() for cell in row):
                continue  # blank lines (a trailing newline) carry no point
            if len(row) != len(columns):
                raise ValueError(f"{name}, line {line}: {len(row)} columns, expected {len(columns)}")
            if len(X) >= MAX_POINTS:
                raise ValueError(f"{name}, line {line}: more than {MAX_POINTS:,} points")
            values = [_number(cell, column, name, line) for cell, column in zip(row[:3], columns)]
            if task == "classification" and values[2] != int(values[2]):
                raise ValueError(f"{name}, line {line}: label {row[2].strip()!r} is not a whole number")
            if task == "classification" and not 0 <= values[2] < 8:
                raise ValueError(f"{name}, line {line}: label {int(values[2])} is outside 0..7")
            X.append(values[:2])
            y.append(int(values[2]) if task == "classification" else values[2])
            if len(columns) == 4:
                split = row[3].strip().lower()
                if split not in SPLITS:
                    raise ValueError(f"{name}, line {line}: split {row[3]!r} is neither train nor test")
                flags.append(SPLITS[split])
    except csv.Error as exc:
        raise ValueError(f"{name}, line {rows.line_num}: {exc}") from None
    if not X:
        raise ValueError(f"{name}: no points after the header")
    try:
        return Dataset(np.array(X), np.array(y), task, np.array(flags) if flags else None)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def _number(cell: str, column: str, name: str, line: int) -> float:
    text = cell.strip()
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name}, line {line}: {text!r} in column {column} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{name}, line {line}: {text!r} in column {column} is not a finite number")
    return value


def _parse_json(text: str, name: str) -> Dataset:
    data = parse_json(text, name)
    if type(data) is not dict:
        raise ValueError(f"{name}: expected a JSON object with format, version and dataset")
    if data.get("format") != FORMAT:
        raise ValueError(f"{name}: format is {data.get('format')!r}, expected {FORMAT!r}")
    if data.get("version") != VERSION:
        raise ValueError(f"{name}: version {data.get('version')!r} is not supported (this playground reads {VERSION})")
    if "dataset" not in data:
        raise ValueError(f"{name}: missing field 'dataset'")
    try:
        dataset = Dataset.from_dict(data["dataset"])
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
    if dataset.n == 0:
        raise ValueError(f"{name}: dataset.X: the file holds no points")
    return dataset
