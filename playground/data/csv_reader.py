"""Reading dataset CSV as spreadsheets write it: ``,`` ``;`` or tab separators, decimal
commas, headers in any capitalisation and with common names, and labels that are
not the app's 0-based class ids (renumbered, and said so in a notice).

The app itself writes ``x1,x2,label[,split]`` (or ``value`` for regression).
Accepted headers, compared without case, spaces, ``_`` or ``-``:

- coordinates: ``x1`` and ``x2``, or ``x`` and ``y``;
- a class label: ``label``, ``class``, ``category``, ``group`` (and ``y`` beside
  ``x1``/``x2``); or a regression target: ``value``, ``target``, ``z``;
- optionally ``split`` (or ``set``), each row ``train`` or ``test``.

A file whose first row is numbers has no header: its columns are read as
x1, x2, label[, split]. Labels that include 0 are class ids as they are
(0..7); so are the labels under the app's own header ``x1,x2,label,split``
(exactly as the app writes it, where a class may have no points). Other labels
without 0 (1, 2, 3 or -1, 1) and labels that are names (cat, dog) become
classes 1, 2, ... in increasing order, each named after its label. Every such
reading is described in a notice, so the person is told.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from .dataset import MAX_CLASS_NAME, MAX_POINTS, Dataset
from .palette import MAX_CLASSES

_COORDINATES = (("x1", "x2"), ("x", "y"))
_LABELS = ("label", "class", "category", "group")
_VALUES = ("value", "target", "z")
_SPLITS = ("split", "set")
MAX_CELLS = 16 * (MAX_POINTS + 1)
_SEPARATOR_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}
APP_HEADER = ("x1", "x2", "label", "split")  # what dataset_to_csv writes for classification
SPLIT_WORDS = {"train": False, "training": False, "test": True, "testing": True}


@dataclass(frozen=True)
class _Layout:
    """Where each field sits in a row, and how the header was read."""

    x1: int
    x2: int
    target: int
    split: int | None
    task: str
    ids: bool  # the app's own header: the labels are class ids, whatever their smallest
    width: int  # the cells a row may have (columns with an empty header are ignored)
    names: tuple[str, ...]  # the header cells as written, for messages


def parse_csv(text: str, name: str) -> tuple[Dataset, tuple[str, ...]]:
    """The dataset in CSV ``text`` and the notices about how it was read (possibly none).

    Every problem is a ValueError naming ``name`` and the line.
    """
    delimiter = _delimiter(text)
    # The csv module builds a whole row before it can be checked: bound the cells a
    # file may hold (a generous 16 a point), so a line of millions of empty cells
    # cannot cost hundreds of megabytes.
    separators = text.count(delimiter)
    if separators > MAX_CELLS:
        raise ValueError(
            f"{name}: holds {separators:,} {_SEPARATOR_NAMES[delimiter]}, more than the "
            f"{MAX_CELLS:,} a dataset file of {MAX_POINTS:,} points can have"
        )
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    notices: list[str] = []
    try:
        first = next((row for row in rows if any(cell.strip() for cell in row)), None)
        if first is None and not text:
            raise ValueError(f"{name}: the file is empty; expected a header x1,x2,label[,split]")
        if first is None:
            raise ValueError(f"{name}, line 1: no header x1,x2,label[,split]; the file holds only blank lines")
        layout = _layout(first, name, rows.line_num)
        pending = []
        if layout is None:  # no header: the first row is a point
            if len(first) not in (3, 4):
                raise ValueError(
                    f"{name}, line {rows.line_num}: no header and {len(first)} columns; expected x1,x2,label[,split]"
                )
            layout = _Layout(
                0,
                1,
                2,
                3 if len(first) > 3 else None,
                "classification",
                False,
                len(first),
                ("x1", "x2", "label", "split")[: len(first)],
            )
            notices.append(f"{name}: no header row; the columns were read as {', '.join(layout.names)}")
            pending.append((rows.line_num, first))
        X, targets, flags = _read_rows(pending, rows, layout, name, delimiter != ",")
    except csv.Error as exc:
        raise ValueError(f"{name}, line {rows.line_num}: {exc}") from None
    if not X:
        raise ValueError(f"{name}: no points after the header")
    if layout.task == "classification":
        y, class_names, notice = _classes(targets, name, layout.ids)
        if notice:
            notices.append(notice)
    else:
        y, class_names = np.array([value for _, value in targets]), None
    try:
        dataset = Dataset(
            np.array(X), y, layout.task, np.array(flags) if layout.split is not None else None, class_names
        )
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
    return dataset, tuple(notices)


def _delimiter(text: str) -> str:
    # Decided by the header line alone: a spreadsheet writes one separator
    # throughout, and a decimal comma in the data must not vote for ",".
    first = next((line for line in io.StringIO(text) if line.strip()), "")  # lazily: not every line
    for candidate in (";", "\t"):
        if candidate in first:
            return candidate
    return ","


def _normal(cell: str) -> str:
    return "".join(ch for ch in cell.strip().lower() if ch not in " _-")


def _layout(header: list[str], name: str, line: int) -> _Layout | None:
    """How to read rows under ``header``; None if it is a point, not a header."""
    if len(header) >= 2 and all(_is_number(cell, True) for cell in header[:2]):
        return None
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1  # spreadsheets pad rows with empty trailing columns
    names = [_normal(cell) for cell in header[:width]]
    expected = "x1,x2,label[,split] (or x,y,class; or value for regression)"
    where: dict[str, int] = {}
    coordinates = next((pair for pair in _COORDINATES if pair[0] in names and pair[1] in names), None)
    if coordinates is None:
        raise ValueError(
            f"{name}, line {line}: header {','.join(header[:width])!r} has no x1 and x2 columns; expected {expected}"
        )
    for i, column in enumerate(names):
        if column in coordinates:
            role = column
        elif column in _LABELS or (column == "y" and coordinates == ("x1", "x2")):
            role = "label"
        elif column in _VALUES:
            role = "value"
        elif column in _SPLITS:
            role = "split"
        else:
            raise ValueError(
                f"{name}, line {line}: header column {header[i].strip()!r} is not one "
                f"this playground reads; expected {expected}"
            )
        if role in where or (role in ("label", "value") and ("label" in where or "value" in where)):
            raise ValueError(f"{name}, line {line}: header column {header[i].strip()!r} repeats a column")
        where[role] = i
    if "label" not in where and "value" not in where:
        raise ValueError(
            f"{name}, line {line}: header {','.join(header[:width])!r} has no label "
            f"(or value) column; expected {expected}"
        )
    task = "classification" if "label" in where else "regression"
    ids = header == list(APP_HEADER)
    target = where["label"] if "label" in where else where["value"]
    return _Layout(
        where[coordinates[0]],
        where[coordinates[1]],
        target,
        where.get("split"),
        task,
        ids,
        width,
        tuple(header[:width]),
    )


def _read_rows(
    pending: list[tuple[int, list[str]]], rows: Any, layout: _Layout, name: str, decimal_comma: bool
) -> tuple[list[list[float]], list[tuple[int, str | float]], list[bool]]:
    X: list[list[float]] = []
    targets: list[tuple[int, str | float]] = []  # (line, cell text or value)
    flags: list[bool] = []
    needed = 1 + max(i for i in (layout.x1, layout.x2, layout.target, layout.split) if i is not None)

    def numbered() -> Iterator[tuple[int, list[str]]]:
        yield from pending
        for row in rows:
            yield rows.line_num, row

    for line, row in numbered():
        if not any(cell.strip() for cell in row):
            continue  # blank lines (a trailing newline) carry no point
        if len(row) > layout.width and any(cell.strip() for cell in row[layout.width :]):
            raise ValueError(f"{name}, line {line}: {len(row)} columns, expected {layout.width}")
        if len(row) < needed:
            raise ValueError(f"{name}, line {line}: {len(row)} columns, expected {layout.width}")
        if len(X) >= MAX_POINTS:
            raise ValueError(f"{name}, line {line}: more than {MAX_POINTS:,} points")
        X.append(
            [
                _number(row[i], column, name, line, decimal_comma)
                for i, column in ((layout.x1, layout.names[layout.x1]), (layout.x2, layout.names[layout.x2]))
            ]
        )
        cell = row[layout.target]
        if layout.task == "regression":
            targets.append((line, _number(cell, layout.names[layout.target], name, line, decimal_comma)))
        else:
            label = cell.strip()
            if not label:
                raise ValueError(f"{name}, line {line}: the label is empty")
            if len(label) > MAX_CLASS_NAME:
                raise ValueError(
                    f"{name}, line {line}: a label of {len(label):,} characters; at most {MAX_CLASS_NAME} are allowed"
                )
            targets.append((line, label.replace(",", ".") if decimal_comma and _is_number(label, True) else label))
        if layout.split is not None:
            split = row[layout.split].strip().lower()
            if split not in SPLIT_WORDS:
                raise ValueError(f"{name}, line {line}: split {row[layout.split]!r} is neither train nor test")
            flags.append(SPLIT_WORDS[split])
    return X, targets, flags


def _is_number(cell: str, decimal_comma: bool) -> bool:
    text = cell.strip()
    if decimal_comma and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        float(text)
    except ValueError:
        return False
    return True


def _number(cell: str, column: str, name: str, line: int, decimal_comma: bool) -> float:
    text = cell.strip()
    if decimal_comma and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # 1,5 from a spreadsheet that separates with ;
    try:
        value = float(text)
    except ValueError:
        raise ValueError(
            f"{name}, line {line}: {cell.strip()[:40]!r} in column {column.strip()} is not a number"
        ) from None
    if not math.isfinite(value):
        raise ValueError(
            f"{name}, line {line}: {cell.strip()[:40]!r} in column {column.strip()} is not a finite number"
        )
    return value


def _classes(targets: list[tuple[int, str | float]], name: str, ids: bool) -> tuple[np.ndarray, list[str] | None, str]:
    """Class ids for the label cells, class names (None for the defaults), and a notice."""
    numeric = all(_is_number(str(label), False) for _, label in targets)
    if numeric:
        values = []
        for line, label in targets:
            value = float(label)
            if not math.isfinite(value) or value != int(value):
                raise ValueError(f"{name}, line {line}: label {label!r} is not a whole number")
            values.append(int(value))
        if ids or 0 in values:  # class ids as the app writes them
            for (line, _), value in zip(targets, values):
                if not 0 <= value < MAX_CLASSES:
                    raise ValueError(f"{name}, line {line}: label {value} is outside 0..{MAX_CLASSES - 1}")
            return np.array(values, dtype=np.int64), None, ""
        keys: list[Any] = values
    else:
        keys = [label for _, label in targets]
    distinct = sorted(set(keys))
    if len(distinct) > MAX_CLASSES:
        line = next(line for (line, _), key in zip(targets, keys) if key == distinct[MAX_CLASSES])
        raise ValueError(
            f"{name}, line {line}: {len(distinct)} different labels; a dataset has at most {MAX_CLASSES} classes"
        )
    class_of = {key: i for i, key in enumerate(distinct)}
    names = [f"class {key}" if numeric else str(key) for key in distinct]
    if len(names) < 2:
        names.append("other")  # a dataset has at least two classes; this one has no points yet
    shown = ", ".join(f"{_brief(key)} as class {i + 1}" for i, key in enumerate(distinct))
    reason = "do not include 0" if numeric else "are names"
    notice = f"{name}: the labels {reason}, so they were numbered in increasing order: {shown}"
    return np.array([class_of[key] for key in keys], dtype=np.int64), names, notice


def _brief(key: object) -> str:
    text = str(key)
    return text if len(text) <= 24 else text[:21] + "..."
