"""Files the command-line tests (``train``, ``render``) hand the commands: a session file
broken in one field, and a folder no file can be written in."""

from __future__ import annotations

import json
import os
from pathlib import Path

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig, save_session


def bad_session(folder: Path, section: str, field: str | None, literal: str, epochs: int = 0) -> Path:
    """A valid session file (trained ``epochs``) whose ``section.field``, or the whole
    ``section`` when ``field`` is None, is replaced by the JSON text ``literal``; named
    ``bad-<field>.playground.json`` (``bad.playground.json`` for a whole section)."""
    good = folder / "good.playground.json"
    trainer = Trainer(make_dataset("xor", n=20, noise=0.0, seed=0), TrainingConfig(hidden=(2,)))
    if epochs:
        trainer.step(epochs)
    save_session(good, trainer)
    data = json.loads(good.read_text(encoding="utf-8"))
    if field is None:
        data[section] = "@@"
    else:
        data[section][field] = "@@"
    bad = folder / (f"bad-{field}.playground.json" if field is not None else "bad.playground.json")
    bad.write_text(json.dumps(data).replace('"@@"', literal), encoding="utf-8")
    return bad


def unwritable_folder(tmp_path: Path) -> str:
    """A folder nobody may create files in (as root, permission bits do not stop writes: /sys does)."""
    if os.geteuid() == 0:
        return "/sys"
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    return str(folder)
