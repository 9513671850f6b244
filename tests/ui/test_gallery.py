"""File > Examples…: the gallery of shipped lessons, through the real menu, dialog and tiles."""

from __future__ import annotations

import json

import numpy as np
import pytest
from file_fixtures import answers, reused_file_window  # noqa: F401 - fixtures
from PySide6.QtCore import Qt

from playground.data import Dataset
from playground.data.edits import AddPoints
from playground.training.examples import EXAMPLES, shipped_examples
from playground.training.lessons import read_lesson
from playground.ui.gallery.gallery import TILE_PICTURE, GalleryDialog
from playground.ui.gallery.thumbnails import fitted_extent, pixel_of, point_colors
from playground.ui.shell import dialogs

# One window for the module's tests, reset after each and checked to look as new before the next.
kept_window, reused_file_window, own_window, window, own_file_window = reused_file_window()


def first_dataset(lesson_path) -> Dataset:
    lesson = read_lesson(lesson_path)
    data = json.loads(lesson.state_path(lesson.steps[0]).read_text(encoding="utf-8"))
    return Dataset.from_dict(data["dataset"])


def open_gallery(window, qtbot) -> GalleryDialog:
    menu = window.menu("&File")
    texts = [a.text() for a in menu.actions()]
    assert "E&xamples…" in texts
    recent = texts.index(window.files.recent_menu.menuAction().text())
    assert texts.index("E&xamples…") == recent + 1  # beside Open and Open Recent
    window.gallery.action.trigger()
    dialog = window.gallery.dialog
    assert isinstance(dialog, GalleryDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_the_gallery_shows_every_example_with_its_picture_and_sentence(window, qtbot):
    dialog = open_gallery(window, qtbot)
    assert len(dialog.tiles) == len(EXAMPLES) >= 10
    for tile, path, example in zip(dialog.tiles, shipped_examples(), EXAMPLES):
        assert tile.title.text() == example.title and tile.title.isVisible()
        assert tile.summary.text() == example.summary and tile.summary.isVisible()
        # The picture is the example's data: its points' pixels in their class (or value) colours.
        image = tile.button.icon().pixmap(TILE_PICTURE, TILE_PICTURE).toImage()
        ds = first_dataset(path)
        cols, rows = pixel_of(ds.X, TILE_PICTURE, fitted_extent(ds.X))
        colors = point_colors(ds)
        same = [
            (image.pixelColor(int(c), int(r)).red(), image.pixelColor(int(c), int(r)).green()) == (rgb[0], rgb[1])
            for c, r, rgb in zip(cols, rows, colors)
        ]
        assert np.mean(same) >= 0.9, example.name
    # Two rows of five tiles fit the screen the app is filmed at.
    assert dialog.width() <= 1280 and dialog.height() <= 720
    dialog.reject()


def test_choosing_a_tile_opens_that_example_untitled(window, qtbot):
    dialog = open_gallery(window, qtbot)
    tile = dialog.tiles[1]  # two logistic regressions on the V
    qtbot.mouseClick(tile.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.gallery.dialog is None or not window.gallery.dialog.isVisible(), timeout=3000)
    expected = first_dataset(shipped_examples()[1])
    qtbot.waitUntil(lambda: window.session.dataset.n == expected.n, timeout=3000)
    np.testing.assert_array_equal(window.session.dataset.X, expected.X)
    assert window.session.config.hidden == (2,) and window.session.config.activation == "sigmoid"
    assert window.files.path is None and not window.files.modified  # Save asks where: never into the package
    lessons = getattr(window, "lessons", None)
    if lessons is not None:  # the lesson feature is installed: the lesson opened at its first step
        assert lessons.caption == EXAMPLES[1].steps[0][0]


def test_unsaved_changes_are_asked_about_and_cancel_keeps_the_session(window, qtbot, answers):  # noqa: F811
    window.files.confirm_unsaved = True
    window.session.apply_edit(AddPoints(np.array([[1.0, 1.0]]), np.array([0]), np.array([False])), "Add")
    qtbot.waitUntil(lambda: window.files.modified, timeout=3000)
    before = window.session.dataset
    answers.save_changes = dialogs.CANCEL
    assert not window.gallery.open_example(shipped_examples()[0])
    assert answers.asked[-1][0] == "save_changes"
    assert window.session.dataset is before
    answers.save_changes = dialogs.DISCARD
    assert window.gallery.open_example(shipped_examples()[0])
    qtbot.waitUntil(lambda: window.session.dataset.n == first_dataset(shipped_examples()[0]).n, timeout=3000)


def test_a_broken_lesson_is_reported_and_the_others_are_shown(own_file_window, qtbot, tmp_path):
    window = own_file_window  # its error banner leaves the loss plot's right title smaller (the reset cannot undo it)
    bad = tmp_path / "99-broken.lesson.json"
    bad.write_text('{"format": "playground-lesson", "version": 1, "title": "x", "summary": "", "steps": []}')
    messages = []
    window.session.message.connect(lambda kind, text: messages.append((kind, text)))
    dialog = window.gallery.open_dialog([shipped_examples()[0], bad])
    assert [t.title.text() for t in dialog.tiles] == [EXAMPLES[0].title]
    assert messages and messages[0][0] == "error" and "99-broken.lesson.json" in messages[0][1]
    dialog.reject()


@pytest.mark.parametrize("missing", ["state", "file"])
def test_an_example_that_cannot_be_read_changes_nothing(window, qtbot, answers, tmp_path, missing):  # noqa: F811
    path = tmp_path / "broken.lesson.json"
    if missing == "state":
        path.write_text('{"format": "playground-lesson", "version": 1, "title": "x", "summary": "", "steps": [1]}')
    before = window.session.dataset
    if getattr(window, "lessons", None) is None:
        assert not window.gallery.open_example(path)
        assert answers.errors and "broken.lesson.json" in answers.errors[-1][1]
    assert window.session.dataset is before


def test_every_lessons_actions_apply_in_the_window_without_a_warning(window, qtbot):
    """The shipped lessons' actions fit their sessions: each layer shown exists, each control
    pointed at is there, each inspected spot has a point near it (the play steps are trained
    by the lesson card; the claims tests train them headless)."""
    actions = pytest.importorskip("playground.ui.lessons.actions")
    messages = []
    window.session.message.connect(lambda kind, text: messages.append((kind, text)))
    for path in shipped_examples():
        lesson = read_lesson(path)
        for number, step in enumerate(lesson.steps, start=1):
            if step.state is not None:
                assert actions.load_step_state(window, lesson, step)
                qtbot.waitUntil(lambda: window.session.latest_frame is not None, timeout=3000)
            if step.action is not None and step.action.kind != "play":
                actions.apply_action(window, step.action)
                qtbot.wait(20)
            problems = [text for kind, text in messages if kind in ("warning", "error")]
            assert not problems, f"{path.name}, step {number}: {problems}"
