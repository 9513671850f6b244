"""Test hook: drive the running app from a JSON script named by ``$PLAYGROUND_TEST_DRIVER``.

Subprocess tests start the real app (``python -m playground``) and need it to act
and report without a person. The script is JSON data, never code::

    {"answers": {"save_changes": "discard"},
     "steps": [{"after": 0.5, "add_points": [[1.5, -2.0, 0], [3.0, 1.0, 1]]},
               {"after": 0.1, "update_config": {"lr": 0.1}},
               {"after": 0.1, "train": 5},
               {"after": 0.1, "save_session": "/tmp/out.playground.json"},
               {"after": 0.1, "report": true},
               {"after": 0.1, "quit": true}]}

Each step runs ``after`` seconds after the previous one (the first after the
window shows) and then prints one line ``playground-driver {json}`` to stdout.
While a script runs, the app's dialogs are answered instead of shown: errors are
printed the same way, "save changes?" gets ``answers.save_changes`` (default
discard), a restore question gets ``answers.restore`` (default false), each answer
printed as ``{"answered": question, "with": answer}``, and file choosers are cancelled.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QTimer

from ...data import AddPoints
from ...training import save_session
from ..shell import dialogs
from ..shell.presentation import presentation
from ..shell.theme import theme_state
from . import DRIVER_ENV

if TYPE_CHECKING:
    from ..shell.main_window import MainWindow

PREFIX = "playground-driver"
ACTIONS = {"add_points": list, "update_config": dict, "train": int, "save_session": str, "report": bool, "quit": bool}
ANSWERS = {"save_changes": (dialogs.SAVE, dialogs.DISCARD, dialogs.CANCEL), "restore": (True, False)}


def emit(record: dict[str, Any]) -> None:
    """One line of driver output, flushed at once so the test sees it while the app runs."""
    print(PREFIX, json.dumps(record), flush=True)


class Driver:
    """Runs a validated script's steps on the window's event loop."""

    def __init__(self, script: Any, source: str = "script") -> None:
        self.steps, self.answers = _validate(script, source)
        self.window: MainWindow | None = None

    @classmethod
    def from_environment(cls) -> Driver | None:
        """The driver named by ``$PLAYGROUND_TEST_DRIVER`` with its dialog answers
        installed, or None when the variable is unset. A bad script exits the app."""
        name = os.environ.get(DRIVER_ENV)
        if not name:
            return None
        try:
            script = json.loads(Path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SystemExit(f"{DRIVER_ENV}={name}: {exc}") from None
        driver = cls(script, name)
        driver.answer_dialogs()
        return driver

    def answer_dialogs(self) -> None:
        """Replace the app's dialogs with this script's answers (the process is the test's)."""
        dialogs.show_error = lambda parent, title, text: emit({"error": {"title": title, "text": text}})
        dialogs.ask_save_changes = lambda parent, name: self._answer("save_changes", dialogs.DISCARD)
        dialogs.ask_restore = lambda parent, saved_at: self._answer("restore", False)
        dialogs.choose_open_path = lambda *args: ""
        dialogs.choose_save_path = lambda *args: ("", "")

    def _answer(self, question: str, default: Any) -> Any:
        """The script's answer to ``question``, printed (``{"answered": ..., "with": ...}``) so
        that a test knows the app asked and what it was told, without waiting blind."""
        answer = self.answers.get(question, default)
        emit({"answered": question, "with": answer})
        return answer

    def start(self, window: MainWindow) -> None:
        self.window = window
        self._schedule(0)

    def _schedule(self, index: int) -> None:
        if index < len(self.steps):
            delay_ms = round(1000 * self.steps[index].get("after", 0))
            QTimer.singleShot(delay_ms, lambda: self._run(index))

    def _run(self, index: int) -> None:
        step = self.steps[index]
        action = next(key for key in step if key != "after")
        record = {"step": index, "action": action}
        record.update(getattr(self, f"_{action}")(step[action]) or {})
        emit(record)
        self._schedule(index + 1)

    # ----------------------------------------------------------------- actions
    def _add_points(self, points: list) -> dict:
        rows = np.array(points, dtype=np.float64).reshape(-1, 3)
        session = self.window.session
        labels = rows[:, 2] if session.dataset.task == "regression" else rows[:, 2].astype(int)
        ok = session.apply_edit(AddPoints(rows[:, :2], labels), "Add points")
        return {"ok": ok, "points": session.dataset.n}

    def _update_config(self, changes: dict) -> dict:
        return {"ok": self.window.session.update_config(**changes)}

    def _train(self, epochs: int) -> None:
        self.window.session.step(epochs)

    def _save_session(self, path: str) -> None:
        worker = self.window.session.worker
        # As File > Save does: the timeline's kept snapshots go into the file too.
        self.window.session.run_in_worker(lambda trainer: save_session(path, trainer, worker.timeline))

    def _report(self, _: bool) -> dict:
        window = self.window
        panel = window.data_panel
        modified = window.isWindowModified()
        # The title as shown: Qt puts "*" where "[*]" is while the window is modified.
        return {
            "title": window.windowTitle().replace("[*]", "*" if modified else ""),
            "modified": modified,
            "points": window.session.dataset.n,
            "epoch": window.session.run_in_worker(lambda trainer: trainer.epoch),
            "preset": panel.preset.currentData(),
            "seed": panel.seed.value(),
            "presentation": presentation(window).enabled,
            "theme": theme_state(window).theme,
        }

    def _quit(self, _: bool) -> None:
        self.window.close()


def _validate(script: Any, source: str) -> tuple[list[dict], dict]:
    """The script's steps and answers, or SystemExit naming what is wrong."""

    def fail(message: str) -> SystemExit:
        return SystemExit(f"{source}: {message}")

    if not isinstance(script, dict) or set(script) - {"answers", "steps"}:
        raise fail('expected an object with "steps" and optionally "answers"')
    answers = script.get("answers", {})
    if not isinstance(answers, dict) or any(answers[k] not in ANSWERS.get(k, ()) for k in answers):
        raise fail(f"answers: expected some of {ANSWERS}")
    steps = script.get("steps")
    if not isinstance(steps, list):
        raise fail('"steps" must be a list')
    for index, step in enumerate(steps):
        actions = [key for key in step if key != "after"] if isinstance(step, dict) else []
        if len(actions) != 1 or actions[0] not in ACTIONS:
            raise fail(f"steps[{index}]: expected one action of {sorted(ACTIONS)}")
        after = step.get("after", 0)
        if isinstance(after, bool) or not isinstance(after, (int, float)) or not 0 <= after <= 600:
            raise fail(f"steps[{index}].after: expected seconds from 0 to 600")
        if not isinstance(step[actions[0]], ACTIONS[actions[0]]):
            raise fail(f"steps[{index}].{actions[0]}: expected {ACTIONS[actions[0]].__name__}")
    return steps, answers
