"""Fuzzing the session reader with mutated valid session files (Hypothesis).

Every outcome is either a ValueError whose message starts with the file's name
and says which field, or a session that then trains an epoch, predicts, moves
along its timeline, and saves a file that opens again.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from fuzz_checks import FUZZ, read_or_refusal
from fuzz_mutations import mutated_json
from hypothesis import given

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.sessions import read_session, save_session, session_to_dict
from playground.training.timeline import Timeline


def _session(dataset, config: TrainingConfig, epochs: int, version: int = 2) -> dict:
    trainer, timeline = Trainer(dataset, config), Timeline()
    timeline.follow(trainer)
    for _ in range(epochs):
        trainer.step(1)
        timeline.follow(trainer)
    data = session_to_dict(trainer, timeline)
    if version == 1:  # as version 1 wrote it: history as JSON lists, no timeline
        data.update(version=1, history=trainer.history.to_dict())
        data.pop("timeline")
    return data


BASES = [
    _session(
        make_dataset("xor", n=16, noise=0.1, seed=0, test_fraction=0.25),
        TrainingConfig(hidden=(3,), optimizer="adam", batch_size=5, seed=1),
        3,
    ),
    _session(
        make_dataset("plane", n=12, noise=0.1, seed=1),
        TrainingConfig(
            hidden=(2, 2),
            activation=("relu", "tanh"),
            standardize=True,
            optimizer="momentum",
            batch_size=4,
            features=("x1", "x2", "x1*x2"),
            dtype="float32",
            seed=2,
        ),
        2,
    ),
    _session(
        make_dataset("blobs", n=12, noise=0.2, seed=2, classes=3, test_fraction=0.25),
        TrainingConfig(hidden=(), optimizer="sgd", batch_size=100, seed=3),
        2,
        version=1,
    ),
]


def check_outcome(folder: Path, text: str) -> str:
    path = folder / "fuzzed.playground.json"
    loaded = read_or_refusal(path, text, read_session)
    if loaded is None:
        return "refused"
    trainer, timeline = loaded.trainer, loaded.timeline
    trainer.step(1)
    timeline.follow(trainer)
    assert len(trainer.predict(trainer.dataset.X)) == trainer.dataset.n
    trainer.restore(timeline.nearest(0))  # scrub back to the start and go on from there
    timeline.follow(trainer)
    trainer.step(1)
    timeline.follow(trainer)
    save_session(folder / "again.playground.json", trainer, timeline)
    again = read_session(folder / "again.playground.json")
    assert again.trainer.epoch == trainer.epoch and again.timeline.epochs.tolist() == timeline.epochs.tolist()
    return "loaded"


@FUZZ
@given(text=mutated_json(BASES[0]) | mutated_json(BASES[1]) | mutated_json(BASES[2]))
def test_mutated_sessions_are_refused_clearly_or_load_train_and_save(text):
    with tempfile.TemporaryDirectory() as folder:
        check_outcome(Path(folder), text)


def test_the_fuzz_bases_are_valid(tmp_path):
    for data in BASES:
        assert check_outcome(tmp_path, json.dumps(data)) == "loaded"
