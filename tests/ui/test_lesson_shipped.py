"""Every shipped lesson, stepped through with Next in the window as a student does: after each
step the window shows what its caption says. A play step ends at its epochs with the Outcome its
caption states (training/examples.py), measured on the window's own trainer and on the frame the
plots draw; a view step's dock is shown, the graph and the chain rule with the inspected point's
pass (not "Inspect a data point"); an inspect step inspects a point; a layer step shows that layer;
a highlight flashes a control on screen; and no step warns that it could not be done."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDockWidget
from shared_window import own_window

from playground.training.examples import EXAMPLES, Example, examples_folder
from playground.training.lessons import LessonAction
from playground.ui import MainWindow
from playground.ui.lessons.actions import VIEW_DOCKS
from playground.ui.lessons.highlight import FlashFrame
from playground.ui.panels.transport import SPEEDS
from playground.ui.shell import dialogs

PLAY_TIMEOUT_MS = 300_000  # the longest lesson play is 1000 epochs; CI runs under coverage


def _build() -> MainWindow:
    window = MainWindow()
    window.resize(1280, 720)
    # As fast as it goes, set on the transport's slider as a student may: at the default 60 epochs/s
    # the plays alone took 2 1/2 minutes (lesson 03: 3,000 epochs with Back's replays, 50 s). A play
    # then overshoots its epochs between two frames and the card goes back to them (continue_from).
    window.transport.speed.setValue(SPEEDS.index(0))
    return window


own_window = own_window(_build)


def _done(window) -> bool:
    frame = window.session.latest_frame
    return window.lessons.playing_to is None and not window.session.playing and frame is not None


def _check_action(qtbot, window, action: LessonAction) -> None:
    kind, params = action.kind, action.params
    inspector = window.chain_rule
    if kind == "view":
        dock = window.findChild(QDockWidget, VIEW_DOCKS[params["name"]])
        qtbot.waitUntil(dock.isVisible, timeout=5000)
        if params["name"] == "graph":
            qtbot.waitUntil(lambda: window.graph.panel.snapshot is not None, timeout=5000)
        if params["name"] == "chain_rule":
            assert inspector.inspection is not None
    elif kind == "inspect":
        assert inspector.action.isChecked() and inspector.inspection is not None
        qtbot.waitUntil(inspector.dock.isVisible, timeout=5000)
    elif kind == "activation_layer":
        box = window.activation_view.layer_box
        qtbot.waitUntil(lambda: box.currentIndex() == params["layer"] - 1, timeout=5000)
    elif kind == "highlight":
        flashes = window.findChildren(FlashFrame)
        assert flashes and flashes[-1].target.isVisible()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_each_step_shows_what_its_caption_says(qtbot, own_window, monkeypatch, example: Example):
    window, lessons = own_window, own_window.lessons
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: errors.append(text))
    warnings: list[str] = []  # what a step could not do (lessons/actions.py says it so)
    window.session.message.connect(lambda level, text: text.startswith("Lesson:") and warnings.append(text))
    assert lessons.open_lesson(examples_folder() / example.lesson_name)
    for number, (step, outcome) in enumerate(zip(lessons.lesson.steps, example.outcomes, strict=True), start=1):
        if number > 1:
            assert lessons.next()
        qtbot.waitUntil(lambda: _done(window), timeout=PLAY_TIMEOUT_MS)
        if step.action is not None:
            _check_action(qtbot, window, step.action)
        if outcome is not None:
            epoch, unmet = window.session.run_in_worker(lambda trainer: (trainer.epoch, outcome.unmet(trainer)))
            assert unmet == [], f"step {number}: {step.caption}"
            qtbot.waitUntil(lambda: window.session.latest_frame.epoch == epoch, timeout=5000)
            assert not window.session.latest_frame.viewing
    # Back replays the lesson to the step before: it shows what that step says as well.
    for number in range(len(lessons.lesson.steps) - 1, 0, -1):
        assert lessons.back()
        qtbot.waitUntil(lambda: _done(window), timeout=PLAY_TIMEOUT_MS)
        step = lessons.lesson.steps[number - 1]
        if step.action is not None:
            _check_action(qtbot, window, step.action)
    assert errors == [] and warnings == []
