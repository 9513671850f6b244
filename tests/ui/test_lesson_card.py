"""Lessons in the real window: open one, Next and Back act the steps out (session, epoch,
activation layer, highlight, views), a play step stops at its epoch count, a malformed
lesson changes nothing, and Save as Lesson gives a lesson that opens with the same captions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel
from shared_window import own_window, reused_window

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig, save_session
from playground.training.lessons import read_lesson
from playground.ui import MainWindow
from playground.ui.lessons.highlight import FlashFrame
from playground.ui.recipes import controller_of
from playground.ui.shell import dialogs

A = TrainingConfig(hidden=(4, 3), activation="tanh", optimizer="adam", lr=0.05, batch_size=20, seed=1)
B = TrainingConfig(hidden=(5,), activation="relu", optimizer="sgd", lr=0.1, batch_size=10, seed=2)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = make_dataset("xor", n=60, noise=0.0, seed=0)
    save_session(tmp_path / "a.playground.json", Trainer(data, A))
    (tmp_path / "more").mkdir()
    save_session(tmp_path / "more" / "b.playground.json", Trainer(make_dataset("circle", n=50, seed=3), B))
    steps = [
        {"caption": "one: XOR", "state": "a.playground.json"},
        {"caption": "two: play", "action": {"kind": "play", "epochs": 25}},
        {"caption": "three: layer one", "action": {"kind": "activation_layer", "layer": 1}},
        {"caption": "four: back in time", "action": {"kind": "seek", "epoch": 5}},
        {"caption": "five: the rate", "action": {"kind": "highlight", "control": "lr"}},
        {"caption": "six: another session", "state": "more/b.playground.json", "action": {"kind": "play", "epochs": 7}},
        {"caption": "seven: the graph", "action": {"kind": "view", "name": "graph"}},
    ]
    lesson = {"format": "playground-lesson", "version": 1, "title": "Test lesson", "summary": "", "steps": steps}
    (tmp_path / "t.lesson.json").write_text(json.dumps(lesson), encoding="utf-8")
    return tmp_path


def _build() -> MainWindow:
    window = MainWindow()
    window.resize(1280, 720)
    return window


# One window for the module's tests, reset after each and checked to look as new before the next.
kept_window, reused = reused_window(_build, name="reused")
# For a test whose lesson opens a lazily built view (the graph, the chain rule), which a reset cannot unbuild.
own_window = own_window(_build)


def _noting_errors(window, monkeypatch):
    """``window``, its error dialogs written down in ``window.errors``."""
    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: errors.append((title, text)))
    monkeypatch.setattr(window, "errors", errors, raising=False)
    return window


@pytest.fixture
def window(reused, monkeypatch):
    return _noting_errors(reused, monkeypatch)


@pytest.fixture
def viewing_window(own_window, monkeypatch):
    return _noting_errors(own_window, monkeypatch)


def card_caption(window) -> str:
    return window.findChild(QLabel, "lessonCaption").text()


def epoch_is(window, epoch: int, viewing: bool = False):
    def check() -> bool:
        frame = window.session.latest_frame
        return (
            not window.session.playing
            and (viewing or window.session.trainer.epoch == epoch)  # viewing: the past, the trainer live
            and frame is not None
            and frame.epoch == epoch
            and frame.viewing == viewing
        )

    return check


def test_next_and_back_act_out_the_steps(qtbot, viewing_window, folder):
    window = viewing_window
    lessons, card = window.lessons, window.lessons.card
    seen: list[tuple[int, str]] = []
    lessons.step_changed.connect(lambda i, c: seen.append((i, c)))
    assert lessons.caption == "" and not card.isVisible()
    assert lessons.open_lesson(folder / "t.lesson.json")
    assert card.isVisible() and card_caption(window) == "one: XOR" == lessons.caption
    assert window.findChild(QLabel, "lessonProgress").text() == "Step 1 of 7"
    assert window.session.config == A and not card.back_button.isEnabled()
    qtbot.waitUntil(epoch_is(window, 0), timeout=5000)

    qtbot.mouseClick(card.next_button, qtbot_left())
    assert card_caption(window) == "two: play" and lessons.playing_to == 25
    qtbot.waitUntil(epoch_is(window, 25), timeout=20000)  # played, then paused exactly there
    assert lessons.playing_to is None
    assert len(window.session.trainer.history) == 25

    qtbot.mouseClick(card.next_button, qtbot_left())
    assert card_caption(window) == "three: layer one"
    qtbot.waitUntil(lambda: window.activation_view.layer_box.currentIndex() == 0, timeout=5000)

    qtbot.mouseClick(card.next_button, qtbot_left())
    qtbot.waitUntil(epoch_is(window, 5, viewing=True), timeout=5000)
    qtbot.waitUntil(lambda: window.timeline_row.label.text() == "epoch 5 of 25 (viewing history)", timeout=5000)

    # Page Down, what a presenter's clicker sends, is Next while a lesson is open.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    window.boundary_plot.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageDown)
    assert card_caption(window) == "five: the rate"
    flashes = window.findChildren(FlashFrame)
    assert len(flashes) == 1 and flashes[0].target is window.training_panel.control("lr")

    # Back from five to four: the lesson is replayed from step one's session.
    qtbot.mouseClick(card.back_button, qtbot_left())
    assert card_caption(window) == "four: back in time"
    qtbot.waitUntil(epoch_is(window, 5, viewing=True), timeout=20000)
    qtbot.waitUntil(lambda: window.timeline_row.live_epoch == 25, timeout=5000)
    qtbot.waitUntil(lambda: window.activation_view.layer_box.currentIndex() == 0, timeout=5000)

    assert lessons.go_to(5)
    assert card_caption(window) == "six: another session"
    assert window.session.config == B
    qtbot.waitUntil(epoch_is(window, 7), timeout=20000)
    assert window.files.path is None  # untitled: Save never overwrites the lesson's own file

    assert lessons.next()
    assert card_caption(window) == "seven: the graph"
    assert window.findChild(QDockWidget, "graphDock").isVisible()
    assert not card.next_button.isEnabled() and not lessons.next()
    assert [i for i, _ in seen] == [0, 1, 2, 3, 4, 3, 5, 6]
    assert seen[-1] == (6, "seven: the graph")
    # Again from step one: the replay trains step six's play at once, then shows seven.
    assert lessons.go_to(0) and lessons.go_to(6)
    assert window.session.config == B and card_caption(window) == "seven: the graph"
    qtbot.waitUntil(epoch_is(window, 7), timeout=20000)

    lessons.close_lesson()
    assert lessons.caption == "" and not card.isVisible()
    assert lessons.next_action.shortcut().isEmpty()  # Page Down pages the panels again


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_a_malformed_lesson_from_the_menu_changes_nothing(qtbot, window, folder, monkeypatch):
    window.session.step(3)
    qtbot.waitUntil(epoch_is(window, 3), timeout=5000)
    config = window.session.config
    data = json.loads((folder / "t.lesson.json").read_text(encoding="utf-8"))
    data["steps"][1]["action"]["epochs"] = 0
    bad = folder / "bad.lesson.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(dialogs, "choose_open_path", lambda *args: str(bad))
    window.lessons.open_action.trigger()
    assert window.errors == [
        ("Open lesson", "bad.lesson.json: step 2, action.epochs: expected a whole number in 1..100,000, got 0")
    ]
    assert window.session.config == config and window.lessons.lesson is None
    assert not window.lessons.card.isVisible()
    qtbot.waitUntil(epoch_is(window, 3), timeout=5000)
    # A state that is not a session: named too, and nothing changes.
    (folder / "a.playground.json").write_text("{}", encoding="utf-8")
    assert not window.lessons.open_lesson(folder / "t.lesson.json")
    assert window.errors[-1][1].startswith("step 1, state: a.playground.json: format")
    assert window.session.config == config


def test_save_as_lesson_round_trips(qtbot, window, tmp_path):
    window.session.step(12)
    qtbot.waitUntil(epoch_is(window, 12), timeout=5000)
    marks = window.timeline_row.bookmarks
    marks.add(4, "here the boundary starts to bend")
    marks.add(12, "and here it is done")
    config = window.session.config
    assert window.lessons.save_as_lesson(tmp_path / "my")
    lesson = read_lesson(tmp_path / "my.lesson.json")
    assert [s.caption for s in lesson.steps] == ["here the boundary starts to bend", "and here it is done"]
    assert lesson.steps[0].state == Path("my.playground.json")
    assert [s.action.params for s in lesson.steps] == [{"epoch": 4}, {"epoch": 12}]

    window.files.new_session()
    qtbot.waitUntil(epoch_is(window, 0), timeout=5000)
    assert window.lessons.open_lesson(tmp_path / "my.lesson.json")
    assert card_caption(window) == "here the boundary starts to bend"
    assert window.session.config == config
    qtbot.waitUntil(epoch_is(window, 4, viewing=True), timeout=5000)
    qtbot.waitUntil(lambda: len(marks.items) == 2, timeout=5000)  # the session brought its bookmarks
    assert window.lessons.next()
    assert card_caption(window) == "and here it is done"
    qtbot.waitUntil(epoch_is(window, 12), timeout=5000)


def point_lesson(folder: Path, *more_steps: dict, near: float = 0.0) -> tuple[Path, float, float]:
    """A lesson in ``folder`` that loads an XOR session and inspects (``near`` to the right of) its
    8th point, then ``more_steps``; the lesson's path and that point."""
    data = make_dataset("xor", n=60, noise=0.0, seed=0)
    save_session(folder / "a.playground.json", Trainer(data, A))
    x1, x2 = (float(v) for v in data.X[7])
    steps = [
        {"caption": "a point", "state": "a.playground.json"},
        {"caption": "its chain rule", "action": {"kind": "inspect", "point": [x1 + near, x2]}},
        *more_steps,
    ]
    lesson = {"format": "playground-lesson", "version": 1, "title": "Inspect", "summary": "", "steps": steps}
    (folder / "i.lesson.json").write_text(json.dumps(lesson), encoding="utf-8")
    return folder / "i.lesson.json", x1, x2


def test_an_inspect_step_opens_the_inspect_tool_at_the_point(qtbot, viewing_window, tmp_path):
    window = viewing_window
    path, x1, x2 = point_lesson(tmp_path, near=0.01)
    assert window.lessons.open_lesson(path)
    qtbot.waitUntil(epoch_is(window, 0), timeout=5000)
    assert window.lessons.next()
    inspector = window.chain_rule
    assert inspector.action.isChecked() and inspector.dock.isVisible()
    assert inspector.point is not None and list(inspector.point) == [x1, x2]


def test_next_while_a_step_plays_ends_it_at_exactly_its_epochs(qtbot, window, tmp_path):
    save_session(tmp_path / "a.playground.json", Trainer(make_dataset("xor", n=60, noise=0.0, seed=0), A))
    steps = [
        {"caption": "start", "state": "a.playground.json"},
        {"caption": "a long play", "action": {"kind": "play", "epochs": 600}},
        {"caption": "after it", "action": {"kind": "highlight", "control": "play"}},
    ]
    lesson = {"format": "playground-lesson", "version": 1, "title": "Long", "summary": "", "steps": steps}
    (tmp_path / "l.lesson.json").write_text(json.dumps(lesson), encoding="utf-8")
    window.session.set_speed(30)  # slow, so that Next comes in the middle of the play
    assert window.lessons.open_lesson(tmp_path / "l.lesson.json")
    assert window.lessons.next() and window.session.playing
    qtbot.waitUntil(lambda: (window.session.latest_frame.epoch or 0) >= 3, timeout=5000)
    assert window.lessons.next()  # the rest of the play is trained at once, exactly
    assert card_caption(window) == "after it" and window.lessons.playing_to is None
    flashes = window.findChildren(FlashFrame)
    assert flashes and flashes[0].target is window.transport.play_button
    qtbot.waitUntil(epoch_is(window, 600), timeout=60000)
    assert len(window.session.trainer.history) == 600


def test_a_person_pausing_a_play_step_takes_over(qtbot, window, tmp_path):
    save_session(tmp_path / "a.playground.json", Trainer(make_dataset("xor", n=60, noise=0.0, seed=0), A))
    steps = [
        {"caption": "start", "state": "a.playground.json"},
        {"caption": "a long play", "action": {"kind": "play", "epochs": 3000}},
    ]
    lesson = {"format": "playground-lesson", "version": 1, "title": "Long", "summary": "", "steps": steps}
    (tmp_path / "l.lesson.json").write_text(json.dumps(lesson), encoding="utf-8")
    window.session.set_speed(30)
    assert window.lessons.open_lesson(tmp_path / "l.lesson.json") and window.lessons.next()
    qtbot.waitUntil(lambda: (window.session.latest_frame.epoch or 0) >= 2, timeout=5000)
    qtbot.mouseClick(window.transport.play_button, qtbot_left())  # Pause
    qtbot.waitUntil(lambda: not window.session.playing and window.lessons.playing_to is None, timeout=5000)
    epoch = window.session.trainer.epoch
    assert 2 <= epoch < 3000


def test_actions_that_cannot_be_done_warn_and_change_nothing(qtbot, viewing_window):
    window = viewing_window
    from playground.training.lessons import LessonAction
    from playground.ui.lessons.actions import apply_action

    said: list[tuple[str, str]] = []
    window.session.message.connect(lambda level, text: said.append((level, text)))
    config = window.session.config
    apply_action(window, LessonAction("seek", {"epoch": 50}))  # nothing trained yet
    apply_action(window, LessonAction("activation_layer", {"layer": 9}))
    apply_action(window, LessonAction("inspect", {"point": (1e6, 1e6)}))
    warnings = [text for level, text in said if level == "warning"]
    assert warnings == [
        "Lesson: epoch 50 is not trained yet.",
        f"Lesson: the network has {len(config.hidden)} hidden layer(s), so there is no layer 9 to show.",
        "Lesson: no data point near (1e+06, 1e+06) to inspect.",
    ]
    assert window.session.config == config and not window.session.viewing
    with pytest.raises(ValueError, match="play step is trained by its caller"):
        apply_action(window, LessonAction("play", {"epochs": 3}))


def test_another_session_in_the_window_closes_the_lesson(qtbot, window, folder):
    """File > New or a pasted recipe ends the lesson: its card would go on naming steps of a network
    that is gone (and Back would load it again over the teacher's new session); a step that loads its
    own session keeps it open."""
    lessons, card = window.lessons, window.lessons.card
    recipe = "moons n=100 noise=0.1 seed=0 test=0.2 | 4 tanh | sgd lr=0.1 batch=10"
    for replace in (window.files.new_session, lambda: controller_of(window).apply_recipe(recipe)):
        assert lessons.open_lesson(folder / "t.lesson.json")
        assert lessons.go_to(5) and card.isVisible()  # step six loads another session: still the lesson
        assert card_caption(window) == "six: another session"
        assert replace()
        assert not card.isVisible() and lessons.lesson is None and lessons.caption == ""
        assert lessons.next_action.shortcut().isEmpty()  # Page Down pages the panels again


def test_a_view_step_opens_every_view_a_lesson_may_name(qtbot, viewing_window, tmp_path):
    """Each name a lesson's ``view`` may give has a dock in the window, and the step shows it
    (the Regions dock and the optimiser race could not be opened by a lesson before)."""
    from playground.training.lessons import VIEW_NAMES
    from playground.ui.lessons.actions import VIEW_DOCKS

    window = viewing_window
    assert set(VIEW_DOCKS) == set(VIEW_NAMES)
    save_session(tmp_path / "a.playground.json", Trainer(make_dataset("xor", n=60, noise=0.0, seed=0), B))
    steps = [{"caption": "start", "state": "a.playground.json"}]
    steps += [{"caption": f"the {name}", "action": {"kind": "view", "name": name}} for name in ("regions", "race")]
    lesson = {"format": "playground-lesson", "version": 1, "title": "Views", "summary": "", "steps": steps}
    (tmp_path / "v.lesson.json").write_text(json.dumps(lesson), encoding="utf-8")
    assert window.lessons.open_lesson(tmp_path / "v.lesson.json")
    for dock_name in ("regionsDock", "raceDock"):
        assert window.lessons.next()
        dock = window.findChild(QDockWidget, dock_name)
        qtbot.waitUntil(dock.isVisible, timeout=5000)
    assert window.errors == []


def test_another_lesson_closes_the_views_the_last_one_opened(qtbot, viewing_window, tmp_path):
    """Lesson 05 opened after lesson 04 showed 04's chain-rule dock, empty ('The inspected point was
    removed') under half the window, and the Inspect tool still on; a view the person opened stays."""
    window = viewing_window
    path, _, _ = point_lesson(tmp_path, {"caption": "its graph", "action": {"kind": "view", "name": "graph"}})
    landscape = window.findChild(QDockWidget, "landscapeDock")
    landscape.show()  # the person's own
    assert window.lessons.open_lesson(path)
    assert window.lessons.next() and window.lessons.next()
    graph = window.findChild(QDockWidget, "graphDock")
    qtbot.waitUntil(lambda: graph.isVisible() and window.chain_rule.dock.isVisible(), timeout=5000)
    first_only = json.loads(path.read_text(encoding="utf-8"))
    first_only["steps"] = first_only["steps"][:1]
    (tmp_path / "j.lesson.json").write_text(json.dumps(first_only), encoding="utf-8")
    assert window.lessons.open_lesson(tmp_path / "j.lesson.json")
    assert not graph.isVisible() and not window.chain_rule.dock.isVisible()
    assert not window.chain_rule.action.isChecked()
    assert landscape.isVisible()
