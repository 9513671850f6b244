"""Autosave and crash recovery: in-process for each rule, and for real with a SIGKILL."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading

import numpy as np
import pytest
from file_fixtures import (  # noqa: F401
    CONFIG,
    answers,
    app_command,
    app_env,
    driver_records,
    session_state,
    wait_idle,
    window,
    write_driver,
)

from playground.data import AddPoints, make_dataset
from playground.training import Trainer, load_session, save_session
from playground.ui.files.autosave import PREFIX, UNREADABLE, Autosaver, find_orphan, recover

TICK = 0.05  # seconds between autosaves in the in-process tests


@pytest.fixture
def autosaver(window, tmp_path):
    saver = Autosaver(window.files, tmp_path / "autosave", TICK)
    yield saver
    saver.discard()


def _add(window, *points):
    X = np.array([p[:2] for p in points], dtype=float)
    assert window.session.apply_edit(AddPoints(X, [p[2] for p in points]), "Add points")


def _orphan(folder, name="dead", epochs=4):
    """An autosave left by a run that is gone: a session file that nobody locks."""
    trainer = Trainer(make_dataset("gaussians", n=50, noise=0.1, seed=9, test_fraction=0.2), CONFIG)
    trainer.step(epochs)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{PREFIX}{name}.playground.json"
    save_session(path, trainer)
    return path, trainer


def test_autosave_follows_changes_and_discard_removes_it(window, qtbot, autosaver):
    qtbot.wait(int(4 * TICK * 1000))
    assert not autosaver.path.exists()  # nothing changed: nothing written
    _add(window, (2.0, 2.0, 1))
    qtbot.waitUntil(autosaver.path.exists, timeout=3000)
    assert load_session(autosaver.path).dataset == window.session.dataset
    window.session.step(2)
    qtbot.waitUntil(lambda: load_session(autosaver.path).epoch == 2, timeout=3000)
    lock = autosaver.path.with_name(autosaver.path.name.replace(".playground.json", ".lock"))
    assert lock.exists()
    autosaver.discard()
    assert not autosaver.path.exists() and not lock.exists()


def test_saving_to_a_file_removes_the_autosave(window, qtbot, answers, autosaver, tmp_path):
    _add(window, (1.0, 1.0, 0))
    qtbot.waitUntil(autosaver.path.exists, timeout=3000)
    answers.save_path = (str(tmp_path / "kept.playground.json"), "")
    assert window.files.save()
    assert not autosaver.path.exists()
    qtbot.wait(int(4 * TICK * 1000))
    assert not autosaver.path.exists()  # saved state: nothing to autosave
    _add(window, (1.0, 2.0, 0))
    qtbot.waitUntil(autosaver.path.exists, timeout=3000)


def test_a_live_window_s_autosave_is_not_an_orphan(window, qtbot, autosaver):
    _add(window, (1.0, 1.0, 0))
    qtbot.waitUntil(autosaver.path.exists, timeout=3000)
    assert find_orphan(autosaver.path.parent) is None
    dead, _ = _orphan(autosaver.path.parent)
    orphan = find_orphan(autosaver.path.parent)
    assert orphan.path == dead
    assert find_orphan(autosaver.path.parent) is None  # we hold its lock while deciding
    orphan.release()


def test_restore_yes_restores_and_adopts_the_file(window, qtbot, answers, autosaver):
    dead, trainer = _orphan(autosaver.path.parent)
    answers.restore = True
    assert recover(autosaver)
    wait_idle(qtbot, window)
    state = session_state(window)
    assert state["dataset"] == trainer.dataset and state["epoch"] == 4
    assert state["params"] == trainer.model.params.data.tolist()
    assert state["title"] == "untitled[*] — Playground" and state["modified"]
    assert answers.asked[0][0] == "restore"
    # The restored session stays on disk, now as this window's autosave.
    assert not dead.exists() and load_session(autosaver.path).dataset == trainer.dataset


def test_restore_declined_deletes_and_changes_nothing(window, qtbot, answers, autosaver):
    dead, _ = _orphan(autosaver.path.parent)
    before = session_state(window)
    answers.restore = False
    assert not recover(autosaver)
    assert not dead.exists() and session_state(window) == before


def test_no_restore_option_keeps_the_autosave_without_asking(window, answers, autosaver):
    dead, _ = _orphan(autosaver.path.parent)
    assert not recover(autosaver, answer=False)
    assert dead.exists() and answers.asked == []
    assert find_orphan(autosaver.path.parent).path == dead  # offered again next time


def test_unreadable_autosave_is_set_aside_with_a_message(window, answers, autosaver):
    folder = autosaver.path.parent
    dead = folder / f"{PREFIX}broken.playground.json"
    dead.write_text('{"format": "playground-session", "version": 1, "dataset":')
    before = session_state(window)
    assert not recover(autosaver, answer=True)
    assert session_state(window) == before
    assert answers.errors[0][0] == "Restore session" and "not valid JSON" in answers.errors[0][1]
    assert (folder / (dead.name + UNREADABLE)).exists() and find_orphan(folder) is None


# ---------------------------------------------------------------- for real
OLD_A = [[-4.25, 3.5, 0], [4.75, 4.5, 1], [0.125, -5.5, 1]]
OLD_B = [[-3.0, -3.0, 1], [2.5, -1.75, 0]]
LATE = [[5.5, 5.5, 0]]


def _read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)


def _has_points(dataset, points) -> bool:
    return all(np.any(np.all(dataset.X == p[:2], axis=1) & (dataset.y == p[2])) for p in points)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_then_restore_brings_back_what_was_autosaved(tmp_path):
    data = tmp_path / "data"
    autosaves = data / "autosave"
    # 1. Edit in a real app, then kill it -9 once the first edits are seconds old.
    first = write_driver(
        tmp_path / "first.json",
        [
            {"after": 0.2, "add_points": OLD_A},
            {"after": 0.5, "add_points": OLD_B},
            {"after": 0.1, "update_config": {"lr": 0.07}},
            {"after": 0.1, "train": 4},
            {"after": 1.5, "add_points": LATE},  # three autosave intervals after the training
            {"after": 600, "quit": True},
        ],
    )
    app = subprocess.Popen(
        app_command(),
        env=app_env(data, first, autosave_seconds=0.5),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_read_lines, args=(app.stdout, lines), daemon=True).start()
    seen = []
    try:
        while not seen or seen[-1].get("step") != 4:
            seen += driver_records(lines.get(timeout=30))
        app.send_signal(signal.SIGKILL)  # the late point is a moment old: it may be lost
        assert app.wait(timeout=10) == -signal.SIGKILL
    finally:
        app.kill()
        app.stdout.close()
    assert [r["ok"] for r in seen if r["action"] in ("add_points", "update_config")] == [True] * 4

    # 2. The autosave on disk holds every change older than the autosave interval.
    left = list(autosaves.glob("*.playground.json"))
    assert len(left) == 1 and len(list(autosaves.glob("*.lock"))) == 1
    autosaved = load_session(left[0])
    assert _has_points(autosaved.dataset, OLD_A + OLD_B)
    assert autosaved.config.lr == 0.07 and autosaved.epoch == 4

    # 3. The next start restores it into the window, then exits cleanly.
    out = tmp_path / "restored.playground.json"
    second = write_driver(
        tmp_path / "second.json",
        [{"after": 0.2, "report": True}, {"after": 0.0, "save_session": str(out)}, {"after": 0.0, "quit": True}],
    )
    done = subprocess.run(
        app_command("--restore"), env=app_env(data, second), cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    report = driver_records(done.stdout)[0]
    assert report["title"] == "untitled* — Playground" and report["modified"] is True
    restored = load_session(out)
    assert restored.dataset == autosaved.dataset and _has_points(restored.dataset, OLD_A + OLD_B)
    assert restored.config == autosaved.config and restored.epoch == 4
    np.testing.assert_array_equal(restored.model.params.data, autosaved.model.params.data)
    # A clean exit leaves nothing to recover.
    assert list(autosaves.iterdir()) == []


def test_start_removes_stale_temporary_files_of_killed_autosaves(tmp_path):
    """A kill in the middle of an autosave leaves ``.autosave-<id>.playground.json.<hex>.tmp``."""
    import os
    import time

    from test_cli_app import _run

    folder = tmp_path / "data" / "autosave"
    folder.mkdir(parents=True)
    stale = [folder / f".{PREFIX}{n}.playground.json.{n:08x}.tmp" for n in range(3)]
    fresh = folder / f".{PREFIX}live.playground.json.0badcafe.tmp"  # another window's write in flight
    other = folder / "notes.tmp"  # not the app's own
    for path in (*stale, fresh, other):
        path.write_text("{")
    an_hour_ago = time.time() - 3600
    for path in (*stale, other):
        os.utime(path, (an_hour_ago, an_hour_ago))
    report, errors, _ = _run(tmp_path)
    assert errors == []
    assert [path.exists() for path in stale] == [False, False, False]
    assert fresh.exists() and other.exists()


def test_restore_brings_back_the_timeline(window, qtbot, answers, autosaver):
    from playground.training.sessions import read_session
    from playground.training.timeline import Timeline

    trainer = Trainer(make_dataset("gaussians", n=50, noise=0.1, seed=9, test_fraction=0.2), CONFIG)
    timeline = Timeline()
    timeline.follow(trainer)
    for _ in range(25):
        trainer.step(1)
        timeline.follow(trainer)
    folder = autosaver.path.parent
    dead = folder / f"{PREFIX}timeline.playground.json"
    save_session(dead, trainer, timeline)
    kept = read_session(dead).timeline.epochs.tolist()
    assert len(kept) > 2
    answers.restore = True
    assert recover(autosaver)
    wait_idle(qtbot, window)
    worker = window.session.worker
    assert window.session.run_in_worker(lambda t: worker.timeline.epochs.tolist()) == kept
