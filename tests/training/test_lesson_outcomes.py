"""Every shipped lesson's measurable claims hold at the step that makes them: each lesson file's
steps are acted out headless as the window acts them (a ``state`` loads its session, a ``play``
trains exactly its epochs) and each step's stated Outcome (training/examples.py) is checked there.
The views a step opens and the points it inspects are checked in the lesson file's order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from playground.training import Trainer, load_session
from playground.training.examples import EXAMPLES, Example, examples_folder
from playground.training.lessons import Lesson, read_lesson

POINT_VIEWS = ("graph", "chain_rule")
"""Views that show one inspected point's loss (without one they only say "Inspect a data point")."""


def acted_out(lesson: Lesson) -> Iterator[Trainer]:
    """The session after each of ``lesson``'s steps, trained as the window's lesson card trains it."""
    trainer: Trainer | None = None
    for step in lesson.steps:
        state = lesson.state_path(step)
        if state is not None:
            trainer = load_session(state)
        assert trainer is not None  # step 1 loads a session (read_lesson checks)
        if step.action is not None and step.action.kind == "play":
            trainer.step(int(step.action.params["epochs"]))
        yield trainer


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_each_step_shows_the_outcome_its_caption_states(example: Example):
    lesson = read_lesson(examples_folder() / example.lesson_name)
    failures = []
    for number, (trainer, outcome) in enumerate(zip(acted_out(lesson), example.outcomes, strict=True), start=1):
        if outcome is not None:
            failures += [f"step {number} ({lesson.steps[number - 1].caption!r}): {p}" for p in outcome.unmet(trainer)]
    assert not failures


def test_the_lessons_claim_something_measurable():
    """Every lesson that trains states at least one outcome, so a change that breaks it is caught."""
    for example in EXAMPLES:
        plays = any(step[2] is not None and step[2]["kind"] == "play" for step in example.steps)
        assert not plays or any(example.outcomes), example.name


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_a_point_view_is_opened_only_after_a_point_is_inspected(example: Example):
    """The graph and the chain rule show the inspected point's loss: a step that opens one before
    any step inspected a point would show only "Inspect a data point" beside its caption."""
    lesson = read_lesson(examples_folder() / example.lesson_name)
    inspected = False
    for number, step in enumerate(lesson.steps, start=1):
        if step.state is not None:
            inspected = False  # another session: the Inspect tool's point is not one of its points
        action = step.action
        if action is not None and action.kind == "inspect":
            inspected = True
        if action is not None and action.kind == "view" and action.params["name"] in POINT_VIEWS:
            assert inspected, f"step {number} opens the {action.params['name']} before a point is inspected"


def _changed(session_name: str, epochs: int, **changes) -> Trainer:
    """The shipped session ``session_name`` with ``changes`` to its settings, trained ``epochs``."""
    shipped = load_session(examples_folder() / session_name)
    trainer = Trainer(shipped.dataset, shipped.config.replace(**changes))
    trainer.step(epochs)
    return trainer


def test_what_the_lessons_tell_the_student_to_try_does_what_they_say():
    """03: 'Add hidden units (4 are enough)'; 07: 'Another seed ... learns again' (Reset would keep
    seed 8); 09: 'Try the inputs x1 and x2 instead: no line can close around the disc'."""
    four = _changed("03-xor-quadrants.playground.json", 1000, hidden=(4,))
    assert four.last_stats().train_metric >= 0.95 and four.last_stats().test_metric >= 0.9
    for seed in (9, 10, 11):
        assert _changed("07-initialisation-seed-8.playground.json", 300, seed=seed).last_stats().test_metric >= 0.95
    plain = _changed("09-feature-engineering.playground.json", 100, features=("x1", "x2"))
    assert plain.last_stats().train_metric < 0.7
