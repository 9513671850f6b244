"""Files off the window's thread: Save and autosave copy the session in the training
thread and encode and write it in the background; Open reads in the background
with a busy indicator; the timeline survives Save and Open; long names stay out
of the Edit menu."""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest
from file_fixtures import CONFIG, answers, reused_file_window, wait_idle  # noqa: F401 - fixtures
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton

from playground.data import Dataset, make_dataset
from playground.training import Trainer
from playground.training.sessions import read_session, session_to_json
from playground.ui.files import autosave as autosave_module
from playground.ui.files import background, session_files
from playground.ui.files import capture as capture_module
from playground.ui.files.autosave import Autosaver
from playground.ui.files.capture import PIECE, capture, capture_json, encode_json
from playground.ui.session.commands import MAX_TEXT, short_text

# One window for the module's tests, reset after each and checked to look as new before the next;
# a test that closes the window takes its own (``own_file_window``).
kept_window, reused_file_window, own_window, window, own_file_window = reused_file_window()

TICK = 0.05


def _trained(window, qtbot, epochs=40):
    window.session.step(epochs)
    wait_idle(qtbot, window)
    worker = window.session.worker
    return window.session.run_in_worker(lambda t: worker.timeline.epochs.tolist())


# ------------------------------------------------------------------ the encoder
@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        [1],
        {"a": [[1.5, 2]] * (PIECE + 3), 1: True, None: "x", 2.5: None},
        {"s": 'é"\\\n' * PIECE, "t": "a" * (3 * PIECE + 1)},
        [[{"a": 1}], [], [[]], "x"],
        list(range(2 * PIECE + 5)),
        {"snap": [{"p": "b" * 100, "q": [1, 2, 3]}] * 300},
        ["\U0001f600" * (PIECE + 7)],
        [0.1, 1e300, -0.0, 5e-324],
    ],
)
def test_encode_json_writes_what_json_dumps_writes(value):
    assert encode_json(value) == json.dumps(value, allow_nan=False, separators=(",", ":"))


def test_encode_json_refuses_nan():
    with pytest.raises(ValueError):
        encode_json({"a": [1.0, float("nan")]})


def test_a_capture_encodes_to_the_session_file_and_is_a_copy():
    from playground.training.timeline import Timeline

    trainer = Trainer(make_dataset("xor", n=40, noise=0.0, seed=0, test_fraction=0.25), CONFIG)
    timeline = Timeline()
    timeline.follow(trainer)
    for _ in range(30):
        trainer.step(1)
        timeline.follow(trainer)
    captured = capture(trainer, timeline)
    expected = session_to_json(trainer, timeline)
    assert capture_json(captured) == expected
    assert capture_json(capture(trainer)) == session_to_json(trainer)
    trainer.step(5)  # training on changes nothing in the copy
    timeline.follow(trainer)
    assert capture_json(captured) == expected


# ------------------------------------------------------------------ Save and Open
def test_save_writes_the_timeline_and_open_restores_it(window, qtbot, answers, tmp_path):
    kept = _trained(window, qtbot)
    assert len(kept) > 2
    answers.save_path = (str(tmp_path / "run"), "")
    assert window.files.save_as()
    path = tmp_path / "run.playground.json"
    loaded = read_session(path)
    assert loaded.timeline.epochs.tolist() == kept

    window.files.new_action.trigger()
    wait_idle(qtbot, window)
    assert window.files.open_session(path)
    wait_idle(qtbot, window)
    worker = window.session.worker
    assert window.session.run_in_worker(lambda t: worker.timeline.epochs.tolist()) == kept
    qtbot.waitUntil(
        lambda: (
            window.session.latest_frame.timeline is not None and window.session.latest_frame.timeline.tolist() == kept
        ),
        timeout=5000,
    )
    # Scrub back to an early kept epoch: its weights are the ones the run had there.
    early = kept[1]
    window.session.view_epoch(early)
    qtbot.waitUntil(
        lambda: window.session.latest_frame.viewing and window.session.latest_frame.epoch == early, timeout=5000
    )
    snapshot = window.session.run_in_worker(lambda t: worker.timeline.nearest(early))
    assert np.array_equal(snapshot.params, loaded.timeline.nearest(early).params)


def test_save_encodes_and_writes_off_the_window_thread(window, qtbot, answers, tmp_path, monkeypatch):
    threads = {}
    real_capture, real_json = session_files.capture, session_files.capture_json

    def spy_capture(trainer, timeline):
        threads["capture"] = threading.current_thread().name
        return real_capture(trainer, timeline)

    def spy_json(captured):
        threads["json"] = threading.current_thread()
        return real_json(captured)

    monkeypatch.setattr(session_files, "capture", spy_capture)
    monkeypatch.setattr(session_files, "capture_json", spy_json)
    answers.save_path = (str(tmp_path / "x"), "")
    assert window.files.save_as()
    assert threads["json"] is not threading.main_thread()
    assert threads["capture"] != threading.main_thread().name  # the training thread
    assert read_session(tmp_path / "x.playground.json").trainer.dataset == window.session.dataset


def test_open_reads_in_the_background_with_a_busy_indicator(window, qtbot, answers, tmp_path, monkeypatch):
    path = tmp_path / "slow.playground.json"
    trainer = Trainer(make_dataset("circle", n=50, noise=0.1, seed=2, test_fraction=0.2), CONFIG)
    trainer.step(3)
    path.write_text(session_to_json(trainer))
    seen = {"ticks": 0, "dialog": False}
    reader_thread = []
    # The read lasts until the window has shown the busy dialog and gone on ticking (at most
    # 10 s, so that a window that shows none fails below instead of hanging).
    watched = threading.Event()

    def slow_read(p, *args, **kwargs):
        reader_thread.append(threading.current_thread())
        watched.wait(10)
        return read_session(p, *args, **kwargs)

    def tick():
        seen["ticks"] += 1
        dialog = window.findChild(QProgressDialog, "fileProgress")
        if dialog is not None and dialog.isVisible():
            seen["dialog"] = True
            seen["text"] = dialog.labelText()
        if seen["dialog"] and seen["ticks"] >= 20:
            watched.set()

    timer = QTimer(window, interval=20)
    timer.timeout.connect(tick)
    timer.start()
    monkeypatch.setattr(session_files, "read_session", slow_read)
    assert window.files.open_session(path)
    timer.stop()
    assert reader_thread[0] is not threading.main_thread()
    assert seen["ticks"] >= 20  # the window's event loop went on while the file was read
    assert seen["dialog"] and seen["text"] == "Opening slow.playground.json…"
    assert (
        window.findChild(QProgressDialog, "fileProgress") is None
        or not window.findChild(QProgressDialog, "fileProgress").isVisible()
    )
    assert not background.busy()
    wait_idle(qtbot, window)
    assert window.session.dataset == trainer.dataset


def test_a_read_error_in_the_background_is_reported_and_changes_nothing(window, answers, tmp_path):
    path = tmp_path / "bad.playground.json"
    path.write_text('{"format": "playground-session"')
    before = window.session.dataset
    assert not window.files.open_session(path)
    assert answers.errors and answers.errors[0][0] == "Open session" and "bad.playground.json" in answers.errors[0][1]
    assert window.session.dataset is before


def test_closing_waits_while_a_file_is_read(own_file_window, qtbot, answers, tmp_path, monkeypatch):
    window = own_file_window
    path = tmp_path / "wait.playground.json"
    path.write_text(session_to_json(Trainer(make_dataset("xor", n=20, seed=0), CONFIG)))
    closed = []
    tried = threading.Event()  # the read lasts until the window was asked to close (at most 10 s)

    def slow_read(p, *args, **kwargs):
        tried.wait(10)
        return read_session(p, *args, **kwargs)

    monkeypatch.setattr(session_files, "read_session", slow_read)
    QTimer.singleShot(100, lambda: (closed.append(window.close()), tried.set()))  # runs in the waiting loop
    assert window.files.open_session(path)
    assert closed == [False] and window.isVisible()


# ------------------------------------------------------------------ autosave
def test_autosave_copies_in_the_training_thread_and_writes_in_the_background(window, qtbot, tmp_path, monkeypatch):
    kept = _trained(window, qtbot, epochs=20)
    threads = []
    real = capture_module.capture_json

    def spy(captured):
        threads.append(threading.current_thread())
        return real(captured)

    monkeypatch.setattr(autosave_module, "capture_json", spy)
    saver = Autosaver(window.files, tmp_path / "autosave", TICK)
    try:
        window.session.update_config(lr=0.04)  # a change to autosave
        qtbot.waitUntil(saver.path.exists, timeout=5000)
        qtbot.waitUntil(lambda: not saver._job or saver._job.done(), timeout=5000)
        assert threads and all(t is not threading.main_thread() for t in threads)
        worker = window.session.worker
        text, timeline = window.session.run_in_worker(
            lambda t: (session_to_json(t, worker.timeline), worker.timeline.epochs.tolist())
        )
        assert saver.path.read_text() == text  # what Save writes, timeline included
        assert read_session(saver.path).timeline.epochs.tolist() == timeline == kept
    finally:
        saver.discard()


def test_autosave_skips_ticks_while_a_write_is_running(window, qtbot, tmp_path, monkeypatch):
    started = []
    release = threading.Event()
    real = capture_module.capture_json

    def slow(captured):
        started.append(captured)
        release.wait(5)
        return real(captured)

    monkeypatch.setattr(autosave_module, "capture_json", slow)
    saver = Autosaver(window.files, tmp_path / "autosave", TICK)
    try:
        window.session.update_config(lr=0.04)
        qtbot.waitUntil(lambda: len(started) == 1, timeout=5000)
        window.session.update_config(lr=0.05)  # changed again while the first write runs
        qtbot.wait(int(6 * TICK * 1000))
        assert len(started) == 1  # no second copy queued behind the first
        release.set()
        qtbot.waitUntil(lambda: len(started) == 2, timeout=5000)  # the later change follows
    finally:
        release.set()
        saver.discard()


# ------------------------------------------------------------------ long names
def test_undo_texts_stay_short_with_long_class_names(window, qtbot):
    long_name = "N" * 100
    base = window.session.dataset
    named = Dataset(base.X, base.y, is_test=base.is_test, class_names=[long_name, "short"])
    window.session.set_dataset(named, "Rename")
    window.canvas._on_click(0.5, 0.5, None, None)
    text = window.session.undo_stack.undoText()
    assert len(text) <= MAX_TEXT and text.startswith("Add NNN") and text.endswith("N point")
    assert all(len(action.text()) <= MAX_TEXT + len("&Undo ") for action in window.menu("&Edit").actions())


def test_short_text():
    assert short_text("Add point") == "Add point"
    cut = short_text("Add " + "x" * 200 + " point")
    assert len(cut) == MAX_TEXT and cut.startswith("Add xxx") and cut.endswith("x point") and "…" in cut


def test_a_session_too_long_to_open_is_not_saved(window, qtbot, answers, tmp_path, monkeypatch):
    """Whatever the app saves it must open: beyond the reader's limits Save says why and
    writes nothing, and autosave says so once in the status bar."""
    from playground.training import sessions

    monkeypatch.setattr(sessions, "MAX_HISTORY_EPOCHS", 5)
    window.session.step(8)
    wait_idle(qtbot, window)
    answers.save_path = (str(tmp_path / "long"), "")
    assert not window.files.save_as()
    assert not (tmp_path / "long.playground.json").exists()
    assert answers.errors[-1][0] == "Save session" and "more than the 5" in answers.errors[-1][1]
    messages = []
    window.session.message.connect(lambda level, text: messages.append((level, text)))
    saver = Autosaver(window.files, tmp_path / "autosave", TICK)
    try:
        window.session.update_config(lr=0.04)
        qtbot.waitUntil(lambda: any("Autosave" in text for _, text in messages), timeout=5000)
        qtbot.wait(int(5 * TICK * 1000))
        assert [level for level, text in messages if "Autosave" in text] == ["warning"]  # said once
        assert not saver.path.exists()
    finally:
        saver.discard()


def test_cancel_stops_waiting_for_a_slow_read(window, qtbot, answers, tmp_path, monkeypatch):
    path = tmp_path / "stuck.playground.json"
    path.write_text(session_to_json(Trainer(make_dataset("xor", n=20, seed=0), CONFIG)))
    release = threading.Event()

    def stuck(p, *args, **kwargs):  # a file on a network share that does not answer
        release.wait(10)
        return read_session(p, *args, **kwargs)

    def press_cancel():
        dialog = window.findChild(QProgressDialog, "fileProgress")
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(50, press_cancel)
            return
        buttons = dialog.findChildren(QPushButton)
        assert [b.text() for b in buttons] == ["Cancel"]
        buttons[0].click()

    messages = []
    window.session.message.connect(lambda level, text: messages.append(text))
    monkeypatch.setattr(session_files, "read_session", stuck)
    before = window.session.dataset
    QTimer.singleShot(background.SHOW_AFTER_MS + 50, press_cancel)
    started = time.monotonic()
    try:
        assert not window.files.open_session(path)
        assert time.monotonic() - started < 5  # did not wait for the read
    finally:
        release.set()
    assert window.session.dataset is before and window.files.path is None and answers.errors == []
    assert "Open session: stopped reading stuck.playground.json." in messages
    assert not background.busy()


def test_saving_cannot_be_cancelled(window, qtbot):
    dialog = background.progress_dialog(window, "Saving x…", cancellable=False)
    try:
        dialog.show()
        assert not any(button.isVisible() for button in dialog.findChildren(QPushButton))
    finally:
        dialog.close()
        dialog.deleteLater()
