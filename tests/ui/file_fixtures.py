"""Shared by the file, autosave and hostile-file tests: a window whose settings and
autosaves live in a temp folder, dialogs answered by the test, and a snapshot of
everything that must survive a failed open."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui.devtools.driver import DRIVER_ENV
from playground.ui.devtools.driver import PREFIX as DRIVER_PREFIX
from playground.ui.shell import dialogs
from playground.ui.shell.settings import DATA_DIR_ENV

CONFIG = TrainingConfig(hidden=(4,), activation="tanh", optimizer="adam", lr=0.05, batch_size=20, seed=0)


class Dialogs:
    """Stands in for ``playground.ui.shell.dialogs``: records errors, answers questions."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []
        self.open_path = ""
        self.save_path = ("", "")
        self.save_changes = dialogs.CANCEL
        self.restore = False
        self.asked: list[tuple] = []

    def install(self, monkeypatch) -> None:
        monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: self.errors.append((title, text)))
        monkeypatch.setattr(dialogs, "ask_save_changes", self._ask_save_changes)
        monkeypatch.setattr(dialogs, "ask_restore", self._ask_restore)
        monkeypatch.setattr(dialogs, "choose_open_path", self._choose_open)
        monkeypatch.setattr(dialogs, "choose_save_path", self._choose_save)

    def _ask_save_changes(self, parent, name):
        self.asked.append(("save_changes", name))
        return self.save_changes

    def _ask_restore(self, parent, saved_at):
        self.asked.append(("restore", saved_at))
        return self.restore

    def _choose_open(self, parent, caption, folder, filters):
        self.asked.append(("open", caption, folder))
        return str(self.open_path)

    def _choose_save(self, parent, caption, suggestion, filters):
        self.asked.append(("save", caption, suggestion))
        return str(self.save_path[0]), self.save_path[1]


@pytest.fixture
def answers(monkeypatch, tmp_path) -> Dialogs:
    """Dialog answers, and settings and autosaves in ``tmp_path/data``, never the user's."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    fake = Dialogs()
    fake.install(monkeypatch)
    return fake


def small_window():
    """The small window of the file tests (XOR, one hidden layer of 4), not yet shown."""
    from playground.ui import MainWindow

    return MainWindow(make_dataset("xor", n=60, noise=0.0, seed=0, test_fraction=0.25), CONFIG)


@pytest.fixture
def window(qtbot, answers):
    """A small window, shown, with its first frame drawn."""
    w = small_window()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.session.latest_frame is not None, timeout=5000)
    yield w
    w.files.confirm_unsaved = False  # a test may leave "cancel" as the answer
    w.close()


def reused_file_window():
    """Fixtures for a module of file tests, to be assigned at module level as
    ``kept_window, reused_file_window, own_window, window, own_file_window = reused_file_window()``:
    ``window`` is one ``small_window`` the module's tests reuse (``shared_window.reused_window``:
    reset after each test and checked to look as new before the next), ``own_file_window`` one of
    the test's own for a test that leaves what the reset cannot undo (it closes the window, say).
    Each is handed over as a window new in the test would be: its settings file empty (a new
    window's data folder has none) and the one the test reads (``Settings()``), its file commands
    asking nothing."""
    from shared_window import own_window, reused_window

    def as_new(window, monkeypatch):
        settings_file = Path(window.files.settings.file_name)
        settings_file.unlink(missing_ok=True)
        monkeypatch.setenv(DATA_DIR_ENV, str(settings_file.parent))
        window.files.confirm_unsaved = False
        return window

    kept, reused = reused_window(small_window, name="reused_file_window")

    @pytest.fixture(name="window")
    def window(reused_file_window, answers, monkeypatch):
        yield as_new(reused_file_window, monkeypatch)
        reused_file_window.files.confirm_unsaved = False  # a test may leave "cancel" as the answer

    @pytest.fixture(name="own_file_window")
    def own_file_window(own_window, answers, monkeypatch):
        return as_new(own_window, monkeypatch)

    return kept, reused, own_window(small_window), window, own_file_window


def wait_idle(qtbot, window) -> None:
    """Until the worker has run everything submitted so far and its frame is here."""
    epoch = window.session.run_in_worker(lambda trainer: trainer.epoch)
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch == epoch, timeout=5000)


def session_state(window) -> dict:
    """Everything a failed open must leave alone, as comparable values."""
    session = window.session
    params, epoch, history = session.run_in_worker(
        lambda t: (t.model.params.data.copy(), t.epoch, json.dumps(t.history.to_dict()))
    )
    stack = session.undo_stack
    return {
        "dataset": session.dataset,
        "config": session.config,
        "params": params.tolist(),
        "epoch": epoch,
        "history": history,
        "undo": (stack.count(), stack.index(), stack.undoText()),
        "title": window.windowTitle(),
        "modified": window.isWindowModified(),
        "path": window.files.path,
    }


def assert_same_state(before: dict, after: dict) -> None:
    for key in before:
        assert before[key] == after[key], key


# ------------------------------------------------------------- the real app, in a subprocess
def app_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "playground", *args]


def app_env(data_dir: Path, driver: Path | None = None, autosave_seconds: float | None = None) -> dict:
    """The environment of an app subprocess: offscreen, its files in ``data_dir``,
    driven by the script ``driver`` (see playground.ui.devtools.driver)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if autosave_seconds is not None:
        (data_dir / "settings.ini").write_text(f"[autosave]\ninterval={autosave_seconds}\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{DATA_DIR_ENV: str(data_dir)})
    env.pop(DRIVER_ENV, None)
    if driver is not None:
        env[DRIVER_ENV] = str(driver)
    return env


def write_driver(path: Path, steps: list[dict], answers: dict | None = None) -> Path:
    path.write_text(json.dumps({"steps": steps, "answers": answers or {}}))
    return path


def driver_records(stdout: str) -> list[dict]:
    """The driver's output lines, decoded."""
    return [
        json.loads(line[len(DRIVER_PREFIX) :]) for line in stdout.splitlines() if line.startswith(DRIVER_PREFIX + " ")
    ]
