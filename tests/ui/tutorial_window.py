"""Shared by the tutorial-feature tests (export, recording, presentation, themes, shortcuts):
a small window that has drawn its first frame, with its settings kept in a temp folder."""

from __future__ import annotations

import pytest

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui import MainWindow
from playground.ui.shell.settings import DATA_DIR_ENV


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    dataset = make_dataset("xor", n=80, noise=0.0, seed=0, test_fraction=0.25)
    w = MainWindow(dataset, TrainingConfig(hidden=(4,), activation="tanh", lr=0.05, batch_size=20, seed=0))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.session.latest_frame is not None, timeout=5000)
    qtbot.wait(30)
    yield w
    w.close()
