"""Dataset files: CSV (``x1,x2,label[,split]``) and JSON, read strictly and written atomically.

Reading parses the whole file first and builds the Dataset last, so a bad file
loads nothing; every error is a ValueError naming the file, the line (CSV) or
the field (JSON), and what is wrong. Nothing in a file is ever executed: the
csv and json modules only, nothing unpickled or evaluated. CSV is read as
spreadsheets write it (see ``csv_reader``); how it was read is told in notices:
``read_dataset`` returns them, ``load_dataset`` issues them as ``ImportNotice``
warnings.
"""

from __future__ import annotations

import csv
import io
import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .csv_reader import APP_HEADER, parse_csv
from .dataset import MAX_POINTS, Dataset, _brief
from .files import (
    MAX_FILE_BYTES,
    parse_json,
    read_json_file,
    read_text_file,
    remove_stale_temp_files,
    write_text_atomic,
)

__all__ = [
    "FORMAT",
    "VERSION",
    "MAX_FILE_BYTES",
    "ImportNotice",
    "LoadedDataset",
    "dataset_to_csv",
    "load_dataset",
    "parse_json",
    "read_dataset",
    "read_text_file",
    "remove_stale_temp_files",
    "save_dataset",
    "write_text_atomic",
]

FORMAT = "playground-dataset"
VERSION = 1
# A dataset of MAX_POINTS points is about 5 JSON values and one list a point.
MAX_JSON_ITEMS = 6 * MAX_POINTS + 10_000
MAX_JSON_CONTAINERS = MAX_POINTS + 1_000


class ImportNotice(UserWarning):
    """How a file was read when that is not obvious (labels renumbered, no header)."""


@dataclass(frozen=True)
class LoadedDataset:
    """A dataset read from a file, and the notices about how it was read (often none)."""

    dataset: Dataset
    notices: tuple[str, ...] = ()


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
    writer.writerow(APP_HEADER if ds.task == "classification" else ("x1", "x2", "value", "split"))
    for (x1, x2), y, test in zip(ds.X.tolist(), ds.y.tolist(), ds.is_test.tolist()):
        writer.writerow([repr(x1), repr(x2), repr(y), "test" if test else "train"])
    return out.getvalue()


def save_dataset(path: str | os.PathLike[str], ds: Dataset) -> None:
    """Write ``ds`` as CSV or JSON, chosen by the extension, atomically.

    A dataset the readers would refuse (more than ``MAX_POINTS`` points) is not
    written: ValueError, and the file stays as it was.
    """
    path = Path(path)
    if ds.n > MAX_POINTS:
        raise ValueError(f"{path.name}: {ds.n:,} points is more than the {MAX_POINTS:,} a dataset file holds")
    if _kind(path) == "csv":
        write_text_atomic(path, dataset_to_csv(ds))
    else:
        write_text_atomic(
            path, json.dumps({"format": FORMAT, "version": VERSION, "dataset": ds.to_dict()}, allow_nan=False)
        )


# ----------------------------------------------------------------------- load
def read_dataset(path: str | os.PathLike[str]) -> LoadedDataset:
    """Read a dataset from a .csv or .json file, with the notices about how it was read.

    ValueError says where (file, line or field) and what is wrong.
    """
    path = Path(path)
    kind = _kind(path)
    if kind == "csv":
        dataset, notices = parse_csv(read_text_file(path), path.name)
        return LoadedDataset(dataset, notices)
    return LoadedDataset(
        _dataset_from_json(read_json_file(path, MAX_FILE_BYTES, MAX_JSON_ITEMS, MAX_JSON_CONTAINERS), path.name)
    )


def load_dataset(path: str | os.PathLike[str]) -> Dataset:
    """Read a dataset from a .csv or .json file; ValueError says where and what is wrong.

    Notices (see ``read_dataset``) are issued as ``ImportNotice`` warnings.
    """
    loaded = read_dataset(path)
    for notice in loaded.notices:
        warnings.warn(notice, ImportNotice, stacklevel=2)
    return loaded.dataset


def _dataset_from_json(data: Any, name: str) -> Dataset:
    if type(data) is not dict:
        raise ValueError(f"{name}: expected a JSON object with format, version and dataset")
    if data.get("format") != FORMAT:
        raise ValueError(f"{name}: format is {_brief(data.get('format'))}, expected {FORMAT!r}")
    if data.get("version") != VERSION or type(data.get("version")) is not int:
        raise ValueError(
            f"{name}: version {_brief(data.get('version'))} is not supported (this playground reads {VERSION})"
        )
    if "dataset" not in data:
        raise ValueError(f"{name}: missing field 'dataset'")
    try:
        dataset = Dataset.from_dict(data["dataset"])
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
    if dataset.n == 0:
        raise ValueError(f"{name}: dataset.X: the file holds no points")
    return dataset
