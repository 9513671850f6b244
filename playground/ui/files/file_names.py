"""What the File menu's files are called: the dialogs' filters, and the kind and
extension of a file chosen by name (no Qt, no reading)."""

from __future__ import annotations

from pathlib import Path

from ...training.sessions import SUFFIX as SESSION_SUFFIX

UNTITLED = "untitled"
SESSION_FILTER = f"Playground sessions (*{SESSION_SUFFIX})"
CSV_FILTER, JSON_FILTER = "CSV files (*.csv)", "JSON datasets (*.json)"
DATASET_FILTERS = f"{CSV_FILTER};;{JSON_FILTER}"
DATASET_SUFFIXES = (".csv", ".json")


def file_kind(path: str | Path) -> str:
    """``"session"`` for ``*.playground.json``, ``"dataset"`` for ``.csv`` and other
    ``.json`` files; ValueError for anything else."""
    name = Path(path).name.lower()
    if name.endswith(SESSION_SUFFIX):
        return "session"
    if name.endswith(DATASET_SUFFIXES):
        return "dataset"
    raise ValueError(f"{Path(path).name}: not a session ({SESSION_SUFFIX}) or a dataset (.csv, .json)")


def with_json_suffix(path: str | Path, suffix: str) -> Path:
    """``path`` ending in ``suffix`` (a ``.json`` kind, like ``.playground.json``): kept when it
    does, else a plain ``.json`` ending replaced or ``suffix`` added."""
    path = Path(path)
    if path.name.lower().endswith(suffix):
        return path
    stem = path.name[: -len(".json")] if path.name.lower().endswith(".json") else path.name
    return path.with_name(stem + suffix)


def session_file_name(path: str | Path) -> Path:
    """``path`` with the session extension: ``demo`` and ``demo.json`` become ``demo.playground.json``."""
    return with_json_suffix(path, SESSION_SUFFIX)


def dataset_file_name(path: str | Path, chosen_filter: str) -> Path:
    """``path`` with a dataset extension, taken from the chosen filter when it has none."""
    path = Path(path)
    if path.suffix.lower() in DATASET_SUFFIXES:
        return path
    return path.with_name(path.name + (".json" if chosen_filter == JSON_FILTER else ".csv"))
