"""The File menu driven through its actions: save and reopen, title and modified mark,
the close prompt, recent files, import and export, and the settings behind them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from file_fixtures import CONFIG, answers, reused_file_window, session_state, wait_idle  # noqa: F401 - fixtures
from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QKeySequence

from playground.data import AddPoints, load_dataset, make_dataset
from playground.training import Trainer, load_session, save_session
from playground.ui.files.file_names import CSV_FILTER, JSON_FILTER, dataset_file_name, file_kind, session_file_name
from playground.ui.shell import dialogs
from playground.ui.shell.settings import MAX_RECENT, Settings

# One window for the module's tests, reset after each and checked to look as new before the next;
# a test that closes the window takes its own (``own_file_window``).
kept_window, reused_file_window, own_window, window, own_file_window = reused_file_window()


def _edit(window, qtbot, x=1.5, y=-2.5, label=1):
    """Add one point through the session model, as a click does."""
    assert window.session.apply_edit(AddPoints([[x, y]], [label]), "Add point")


def _saved_file(tmp_path, name="demo", epochs=7):
    """A session file at ``epochs`` epochs, made without the window."""
    trainer = Trainer(make_dataset("circle", n=80, noise=0.1, seed=4, test_fraction=0.2), CONFIG)
    trainer.step(epochs)
    path = tmp_path / f"{name}.playground.json"
    save_session(path, trainer)
    return path, trainer


def test_shortcuts_and_menu_order(window, qtbot, answers, tmp_path):
    files = window.files
    expected = {
        files.new_action: "Ctrl+N",
        files.open_action: "Ctrl+O",
        files.save_action: "Ctrl+S",
        files.save_as_action: "Ctrl+Shift+S",
    }
    for action, key in expected.items():
        assert action.shortcut() == QKeySequence(key)
    window.activateWindow()
    qtbot.waitActive(window)
    ctrl = Qt.KeyboardModifier.ControlModifier
    answers.save_path = (str(tmp_path / "keys"), "")
    qtbot.keyClick(window, Qt.Key.Key_S, ctrl | Qt.KeyboardModifier.ShiftModifier)
    assert (tmp_path / "keys.playground.json").is_file()
    qtbot.keyClick(window, Qt.Key.Key_O, ctrl)
    assert answers.asked[-1] == ("open", "Open session", str(tmp_path))
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles[0] == "&File"
    texts = [a.text() for a in window.menu("&File").actions() if a.text()]
    assert texts[:7] == ["&New", "&Open…", "Open &Recent", "E&xamples…", "&Save", "Save &As…", "&Import Dataset…"]


def test_save_as_then_reopen_gives_the_same_session(window, qtbot, answers, tmp_path):
    session = window.session
    _edit(window, qtbot)
    session.update_config(lr=0.02, l2=0.001)
    session.step(6)
    wait_idle(qtbot, window)
    before = session_state(window)
    answers.save_path = (str(tmp_path / "lesson"), "")
    window.files.save_as_action.trigger()
    path = tmp_path / "lesson.playground.json"
    assert path.is_file() and window.files.path == path
    assert window.windowTitle() == "lesson.playground.json[*] — Playground"
    assert not window.isWindowModified()
    on_disk = load_session(path)  # the file holds what the window showed
    assert on_disk.dataset == before["dataset"] and on_disk.config == before["config"]
    assert on_disk.epoch == 6 and on_disk.model.params.data.tolist() == before["params"]

    window.files.new_action.trigger()
    wait_idle(qtbot, window)
    assert session.dataset != before["dataset"] and window.files.path is None
    assert window.windowTitle() == "untitled[*] — Playground"

    answers.open_path = str(path)
    window.files.open_action.trigger()
    wait_idle(qtbot, window)
    after = session_state(window)
    for key in ("dataset", "config", "params", "epoch", "history"):
        assert after[key] == before[key], key
    assert after["title"] == "lesson.playground.json[*] — Playground"
    assert after["modified"] is False and after["path"] == path
    # Training goes on from the restored state exactly as the file's own trainer does.
    session.step(3)
    wait_idle(qtbot, window)
    on_disk.step(3)
    np.testing.assert_array_equal(session.trainer.model.params.data, on_disk.model.params.data)
    assert answers.errors == []


def test_title_and_modified_mark(window, qtbot, answers, tmp_path):
    files = window.files
    assert window.windowTitle() == "untitled[*] — Playground" and not window.isWindowModified()
    _edit(window, qtbot)
    assert window.isWindowModified() and files.modified
    answers.save_path = (str(tmp_path / "marks.playground.json"), "")
    assert files.save()  # untitled: asks for a name
    assert not window.isWindowModified()
    window.session.update_config(lr=0.2)
    assert window.isWindowModified()
    assert files.save()  # titled: saves in place without asking
    assert [kind for kind, *_ in answers.asked].count("save") == 1
    window.session.step(2)
    qtbot.waitUntil(window.isWindowModified, timeout=5000)  # training changes the session too


def test_opening_a_file_at_another_epoch_is_not_a_change(window, qtbot, answers, tmp_path):
    """The frames that bring the opened session's epoch must not mark it modified,
    even when the old session was playing when the file was opened."""
    path, trainer = _saved_file(tmp_path, epochs=9)
    window.session.play()
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch >= 3, timeout=5000)
    assert window.files.open_session(path)
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch == 9, timeout=5000)
    qtbot.wait(100)  # frames still queued from the old session have arrived
    assert not window.isWindowModified() and not window.session.playing
    assert window.session.dataset == trainer.dataset


def test_save_failure_says_why_and_keeps_the_mark(window, qtbot, answers, tmp_path):
    _edit(window, qtbot)
    answers.save_path = (str(tmp_path / "no such folder" / "x.playground.json"), "")
    assert not window.files.save()
    assert len(answers.errors) == 1
    title, text = answers.errors[0]
    assert title == "Save session" and "x.playground.json" in text and "No such file" in text
    assert window.isWindowModified() and window.files.path is None


def test_close_without_changes_does_not_ask(own_file_window, answers):
    window = own_file_window
    window.files.confirm_unsaved = True
    assert window.close()
    assert answers.asked == []


def test_close_asks_and_cancel_keeps_the_window(own_file_window, qtbot, answers, tmp_path):
    window = own_file_window
    window.files.confirm_unsaved = True
    _edit(window, qtbot)
    answers.save_changes = dialogs.CANCEL
    assert not window.close()
    assert window.isVisible() and answers.asked == [("save_changes", "untitled")]
    # Save, but cancel the file chooser: still open.
    answers.save_changes = dialogs.SAVE
    answers.save_path = ("", "")
    assert not window.close() and window.isVisible()
    # Save with a name: the file is written, then the window closes.
    answers.save_path = (str(tmp_path / "closing.playground.json"), "")
    assert window.close()
    assert load_session(tmp_path / "closing.playground.json").dataset == window.session.dataset


def test_close_discard_closes_without_writing(own_file_window, qtbot, answers, tmp_path):
    window = own_file_window
    window.files.confirm_unsaved = True
    _edit(window, qtbot)
    answers.save_changes = dialogs.DISCARD
    assert window.close()
    assert list(tmp_path.glob("*.playground.json")) == []


def test_new_and_open_ask_first_and_cancel_changes_nothing(window, qtbot, answers, tmp_path):
    path, _ = _saved_file(tmp_path)
    window.files.confirm_unsaved = True
    _edit(window, qtbot)
    before = session_state(window)
    answers.save_changes = dialogs.CANCEL
    answers.open_path = str(path)
    window.files.open_action.trigger()
    window.files.new_action.trigger()
    assert session_state(window) == before
    assert [kind for kind, *_ in answers.asked] == ["save_changes", "save_changes"]  # never the chooser


def test_recent_files(window, qtbot, answers, tmp_path):
    files = window.files
    first, _ = _saved_file(tmp_path, "first")
    second, _ = _saved_file(tmp_path, "second")
    assert files.open_session(first) and files.open_session(second)
    files.recent_menu.aboutToShow.emit()
    entries = [a for a in files.recent_menu.actions() if a.data()]
    assert [a.text() for a in entries] == ["&1 second.playground.json", "&2 first.playground.json"]
    assert Settings().recent_files() == [str(second), str(first)]  # stored, seen by a new instance

    first.unlink()
    entries[1].trigger()
    assert answers.errors == [
        ("Open recent", f"first.playground.json no longer exists in {tmp_path}; it was removed from the recent files.")
    ]
    assert Settings().recent_files() == [str(second)]
    assert window.files.path == second  # the failed pick changed nothing

    for index in range(MAX_RECENT + 2):
        files.settings.add_recent(tmp_path / f"s{index}.playground.json")
    assert files.settings.recent_files() == [
        str(tmp_path / f"s{i}.playground.json") for i in range(MAX_RECENT + 1, 1, -1)
    ]


def test_dialogs_start_in_the_last_folder(window, qtbot, answers, tmp_path):
    folder = tmp_path / "lessons"
    folder.mkdir()
    answers.save_path = (str(folder / "one"), "")
    window.files.save_as()
    window.files.open_session()  # the chooser answers "" (cancelled)
    assert answers.asked[-1] == ("open", "Open session", str(folder))
    assert Settings().last_folder == str(folder)


@pytest.mark.parametrize("chosen_filter, suffix", [(CSV_FILTER, ".csv"), (JSON_FILTER, ".json")])
def test_export_then_import_round_trip(window, qtbot, answers, tmp_path, chosen_filter, suffix):
    _edit(window, qtbot, 0.1 + 0.2, -1 / 3, 0)  # floats that need every digit
    original = window.session.dataset
    answers.save_path = (str(tmp_path / "points"), chosen_filter)
    window.files.export_action.trigger()
    path = tmp_path / f"points{suffix}"
    assert load_dataset(path) == original  # the file against the value

    window.session.generate("moons", n=50, noise=0.1, seed=1, test_fraction=0.2)
    replaced = window.session.dataset
    answers.open_path = str(path)
    window.files.import_action.trigger()
    assert window.session.dataset == original and answers.errors == []
    assert window.session.undo_stack.undoText() == f"Import points{suffix}"
    window.session.undo_stack.undo()  # importing is one undoable step
    assert window.session.dataset == replaced


def test_file_names():
    assert session_file_name("a/demo").name == "demo.playground.json"
    assert session_file_name("demo.json").name == "demo.playground.json"
    assert session_file_name("demo.PLAYGROUND.json").name == "demo.PLAYGROUND.json"
    assert dataset_file_name("pts", JSON_FILTER).name == "pts.json"
    assert dataset_file_name("pts.csv", JSON_FILTER).name == "pts.csv"
    assert [file_kind(n) for n in ("a.playground.json", "b.csv", "c.JSON")] == ["session", "dataset", "dataset"]
    with pytest.raises(ValueError, match="not a session"):
        file_kind("notes.txt")


def test_settings_round_trip_and_damaged_values(tmp_path):
    path = tmp_path / "settings.ini"
    settings = Settings(path)
    assert (settings.theme, settings.presentation, settings.autosave_seconds) == ("light", False, 3.0)
    assert settings.recent_files() == [] and settings.geometry.isEmpty()
    settings.theme = "dark"
    settings.presentation = True
    settings.autosave_seconds = 10
    settings.geometry = QByteArray(b"\x01\x00geometry")
    settings.last_folder = str(tmp_path)
    settings.add_recent(tmp_path / "only.playground.json")
    settings.sync()
    again = Settings(path)
    assert (again.theme, again.presentation, again.autosave_seconds) == ("dark", True, 10.0)
    assert bytes(again.geometry) == b"\x01\x00geometry" and again.last_folder == str(tmp_path)
    assert again.recent_files() == [str(tmp_path / "only.playground.json")]  # one item, still a list

    path.write_text(
        "[appearance]\ntheme=\npresentation=maybe\n[autosave]\ninterval=nan\n"
        "[files]\nlast_folder=/no/such/folder\nrecent=7\n[window]\ngeometry=3\n"
    )
    damaged = Settings(path)
    assert (damaged.theme, damaged.presentation, damaged.autosave_seconds) == ("light", False, 3.0)
    assert damaged.recent_files() == [] and damaged.geometry.isEmpty()
    assert damaged.last_folder == str(Path.home())
    path.write_text("[autosave]\ninterval=0.001\n")
    assert Settings(path).autosave_seconds == 0.5  # clamped: not a write every millisecond


def test_an_edit_before_the_opened_sessions_first_frame_stays_marked(window, qtbot, answers, tmp_path):
    """The first frame of an opened session settles the modified mark; a point added before
    that frame is drawn is a change made after it, and Ctrl+C or Close must still ask."""
    path, trainer = _saved_file(tmp_path, epochs=3)
    assert window.files.open_session(path)
    _edit(window, qtbot)  # at once: the opened session's first frame is still queued
    assert window.isWindowModified()
    qtbot.waitUntil(lambda: window.session.latest_frame.dataset is window.session.dataset, timeout=5000)
    qtbot.wait(100)  # every queued frame of the opened session has arrived
    assert window.isWindowModified() and window.files.modified
    assert window.session.dataset.n == trainer.dataset.n + 1


def test_an_opened_session_never_shows_the_modified_mark_while_it_settles(window, qtbot, answers, tmp_path):
    """Frames of the session before arrive after the swap (the epoch jump is a "change"); the mark
    they set used to show in the title until the opened session's first frame took it off: a
    flash of "lesson.playground.json*" on camera, and a report with the mark under load."""
    path, _ = _saved_file(tmp_path, epochs=3)
    window.session.toggle_play()  # frames of the old session in flight
    qtbot.wait(100)
    window.session.toggle_play()
    marks: list[bool] = []
    window.files.document.modifiedChanged.connect(marks.append)
    assert window.files.open_session(path)
    qtbot.waitUntil(lambda: window.session.latest_frame.dataset is window.session.dataset, timeout=5000)
    qtbot.wait(100)
    assert not window.isWindowModified() and True not in marks, marks
    # Stepped before the first frame came: trained since the swap, a change.
    assert window.files.open_session(path)
    window.session.step(2)
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch == 5, timeout=5000)
    assert window.isWindowModified()
