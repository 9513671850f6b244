"""Fuzzing the dataset readers with mutated valid CSV and JSON files (Hypothesis).

Every outcome is either a ValueError whose message starts with the file's name
(and says where: a line, a field), or a dataset that then trains an epoch,
predicts and saves, and whose saved file opens to the same dataset.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from pathlib import Path

import numpy as np
from fuzz_checks import FUZZ, read_or_refusal
from fuzz_mutations import mutated_csv, mutated_json
from hypothesis import given

from playground.data import ImportNotice, load_dataset, make_dataset, read_dataset, save_dataset
from playground.data.io import dataset_to_csv
from playground.training import Trainer, TrainingConfig

CONFIG = TrainingConfig(hidden=(3,), batch_size=8, seed=0)

_CLASSES = make_dataset("blobs", n=12, noise=0.3, seed=1, classes=3, test_fraction=0.25)
_VALUES = make_dataset("plane", n=8, noise=0.1, seed=2, test_fraction=0.25)
CSV_ROWS = [line.split(",") for line in dataset_to_csv(_CLASSES).splitlines()]
JSON_FILES = [{"format": "playground-dataset", "version": 1, "dataset": ds.to_dict()} for ds in (_CLASSES, _VALUES)]


def check_outcome(path: Path, text: str) -> str:
    """Read ``text`` as ``path``; return "refused" or "loaded" after checking what either means."""
    loaded = read_or_refusal(path, text, read_dataset)
    if loaded is None:
        return "refused"
    for notice in loaded.notices:
        assert notice.startswith(path.name), notice
    dataset = loaded.dataset
    trainer = Trainer(dataset, CONFIG)
    trainer.step(1)
    predictions = trainer.predict(dataset.X)
    assert len(predictions) == dataset.n
    again = path.with_name("saved" + path.suffix)
    save_dataset(again, dataset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportNotice)
        back = load_dataset(again)
    assert np.array_equal(back.X, dataset.X) and np.array_equal(back.y, dataset.y)
    assert np.array_equal(back.is_test, dataset.is_test)
    return "loaded"


@FUZZ
@given(text=mutated_csv(CSV_ROWS))
def test_mutated_csv_is_refused_clearly_or_loads_trains_and_saves(text):
    with tempfile.TemporaryDirectory() as folder:
        check_outcome(Path(folder) / "fuzzed.csv", text)


@FUZZ
@given(text=mutated_json(JSON_FILES[0]) | mutated_json(JSON_FILES[1]))
def test_mutated_json_is_refused_clearly_or_loads_trains_and_saves(text):
    with tempfile.TemporaryDirectory() as folder:
        check_outcome(Path(folder) / "fuzzed.json", text)


def test_the_fuzz_bases_are_valid(tmp_path):
    assert check_outcome(tmp_path / "base.csv", "\n".join(",".join(row) for row in CSV_ROWS) + "\n") == "loaded"
    for data in JSON_FILES:
        assert check_outcome(tmp_path / "base.json", json.dumps(data)) == "loaded"
