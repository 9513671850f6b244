"""Ctrl+C in the terminal that started the app closes it as the close button does:
asking about unsaved work first. The real app runs offscreen in a subprocess."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time

from file_fixtures import CONFIG, app_command, app_env, driver_records, write_driver

from playground.data import make_dataset
from playground.training import Trainer, load_session, save_session

START_TIMEOUT = 60
CLOSED_WITHIN_S = 0.5  # an answered Save or Discard has closed the window by then (0.03 to 0.06 s here)


def _start(tmp_path, answer: str):
    """The app on a saved lesson, with one point added (unsaved), reporting when ready."""
    lesson = tmp_path / "lesson.playground.json"
    trainer = Trainer(make_dataset("xor", n=40, noise=0.0, seed=0, test_fraction=0.25), CONFIG)
    save_session(lesson, trainer)
    driver = write_driver(
        tmp_path / "driver.json",
        [{"after": 0.1, "add_points": [[0.5, 0.5, 1]]}, {"after": 0.1, "report": True}, {"after": 600, "quit": True}],
        answers={"save_changes": answer},
    )
    process = subprocess.Popen(
        app_command(str(lesson)),
        env=app_env(tmp_path / "data", driver),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + START_TIMEOUT
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if any(r.get("action") == "report" for r in driver_records(line)):
            return process, lesson, trainer.dataset.n
    process.kill()
    raise AssertionError("the app did not start: " + "".join(lines) + process.stderr.read())


def test_ctrl_c_asks_then_saves_and_exits(tmp_path):
    process, lesson, n = _start(tmp_path, "save")
    process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert load_session(lesson).dataset.n == n + 1  # asked, answered Save: the point is in the file
    assert list((tmp_path / "data" / "autosave").glob("autosave-*.json")) == []  # a clean exit


def test_ctrl_c_answered_cancel_keeps_the_window(tmp_path):
    process, lesson, n = _start(tmp_path, "cancel")
    try:
        for _ in range(2):  # a second Ctrl+C asks again
            process.send_signal(signal.SIGINT)
            assert _next_answer(process) == {"answered": "save_changes", "with": "cancel"}
            time.sleep(CLOSED_WITHIN_S)
            assert process.poll() is None  # still open: the person cancelled
    finally:
        process.kill()
        process.communicate(timeout=20)
    assert load_session(lesson).dataset.n == n


def _next_answer(process, timeout_s: float = 20) -> dict:
    """The next dialog answer the app's driver prints (it prints one as it answers). An app that
    has not answered within ``timeout_s`` is killed, which ends the read."""
    watchdog = threading.Timer(timeout_s, process.kill)
    watchdog.start()
    try:
        for line in process.stdout:
            answers = [r for r in driver_records(line) if "answered" in r]
            if answers:
                return answers[0]
    finally:
        watchdog.cancel()
        watchdog.join()
    raise AssertionError("the app ended (or was killed after the timeout) without asking: " + process.stderr.read())


def test_records_are_json():
    assert driver_records('playground-driver {"a": 1}\nother\n') == [json.loads('{"a": 1}')]
