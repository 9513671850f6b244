"""Shared by the tutorial-feature tests (export, recording, presentation, themes, shortcuts):
a small window that has drawn its first frame, with its settings kept in a temp folder."""

from __future__ import annotations

import pytest
from shared_window import close, settle, shared_data_dir, show, wait_until

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui import MainWindow
from playground.ui.shell.settings import DATA_DIR_ENV


def tutorial_window() -> MainWindow:
    """The small window (XOR, one hidden layer of 4), not yet shown."""
    dataset = make_dataset("xor", n=80, noise=0.0, seed=0, test_fraction=0.25)
    return MainWindow(dataset, TrainingConfig(hidden=(4,), activation="tanh", lr=0.05, batch_size=20, seed=0))


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    w = tutorial_window()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.session.latest_frame is not None, timeout=5000)
    qtbot.wait(30)
    yield w
    w.close()


@pytest.fixture(scope="module")
def shared_window(qapp, tmp_path_factory):
    """The same window, one for a module's tests that each leave it as they found it
    (a test that changes the session takes ``window``, its own)."""
    with shared_data_dir(tmp_path_factory.mktemp("data")):
        w = tutorial_window()
        try:
            show(w)
            wait_until(lambda: w.session.latest_frame is not None, what="the first frame")
            settle(30)
            yield w
        finally:
            close(w)
