"""Lesson files: exact round trips, and strict reading that names the file, step and field."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig, save_session
from playground.training.lessons import (
    ACTION_KINDS,
    HIGHLIGHT_CONTROLS,
    LESSON_SUFFIX,
    MAX_LESSON_BYTES,
    Lesson,
    LessonAction,
    LessonStep,
    lesson_from_dict,
    lesson_to_dict,
    read_lesson,
    save_lesson,
)

EXAMPLE = {
    "format": "playground-lesson",
    "version": 1,
    "title": "XOR needs a hidden layer",
    "summary": "One sentence shown in the gallery.",
    "steps": [
        {"caption": "This is XOR: no single line separates the two classes.", "state": "xor.playground.json"},
        {"caption": "Press Play and watch the boundary bend.", "action": {"kind": "play", "epochs": 300}},
        {"caption": "The activation space.", "action": {"kind": "activation_layer", "layer": 1}},
        {"caption": "Follow one point.", "action": {"kind": "inspect", "point": [0.5, -0.5]}},
        {"caption": "Try a higher learning rate.", "action": {"kind": "highlight", "control": "lr"}},
        {"caption": "Back to the start.", "action": {"kind": "seek", "epoch": 0}},
        {"caption": "The graph.", "action": {"kind": "view", "name": "graph"}},
        {"caption": "Another session, in a subfolder.", "state": "more/two.playground.json"},
    ],
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    trainer = Trainer(make_dataset("xor", n=20, seed=1), TrainingConfig(hidden=(2,), seed=3))
    save_session(tmp_path / "xor.playground.json", trainer)
    (tmp_path / "more").mkdir()
    save_session(tmp_path / "more" / "two.playground.json", trainer)
    return tmp_path


def write(folder: Path, data: object, name: str = "x" + LESSON_SUFFIX) -> Path:
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_read_gives_the_steps_as_written(folder: Path) -> None:
    lesson = read_lesson(write(folder, EXAMPLE))
    assert lesson.title == "XOR needs a hidden layer"
    assert lesson.folder == folder
    assert [s.caption for s in lesson.steps] == [s["caption"] for s in EXAMPLE["steps"]]
    assert lesson.steps[0].state == Path("xor.playground.json")
    assert lesson.state_path(lesson.steps[0]) == folder / "xor.playground.json"
    assert lesson.state_path(lesson.steps[1]) is None
    assert lesson.steps[7].state == Path("more", "two.playground.json")
    assert lesson.steps[1].action == LessonAction("play", {"epochs": 300})
    assert lesson.steps[3].action == LessonAction("inspect", {"point": (0.5, -0.5)})
    assert {s.action.kind for s in lesson.steps if s.action} == set(ACTION_KINDS)


def test_round_trip_through_dict_and_file(folder: Path) -> None:
    lesson = read_lesson(write(folder, EXAMPLE))
    assert lesson_to_dict(lesson) == EXAMPLE
    again = folder / "again.lesson.json"
    save_lesson(again, lesson)
    assert read_lesson(again) == lesson
    assert json.loads(again.read_text(encoding="utf-8")) == EXAMPLE


def test_save_refuses_what_would_not_open_and_writes_nothing(folder: Path, tmp_path_factory) -> None:
    lesson = read_lesson(write(folder, EXAMPLE))
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "x.lesson.json"
    with pytest.raises(ValueError, match=r"x\.lesson\.json: step 1, state: no session file"):
        save_lesson(elsewhere, lesson)  # the state files are not beside it there
    assert not elsewhere.exists()
    bad = Lesson("t", "", (LessonStep("", Path("xor.playground.json")),), folder)
    with pytest.raises(ValueError, match="step 1, caption"):
        save_lesson(folder / "bad.lesson.json", bad)
    assert not (folder / "bad.lesson.json").exists()


def edited(path: str, value: object) -> dict:
    """EXAMPLE with the value at ``path`` ("steps.1.action.epochs") replaced (or deleted for DELETE)."""
    data = copy.deepcopy(EXAMPLE)
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    target = data
    for key in keys[:-1]:
        target = target[key]
    if value is DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return data


DELETE = object()

MALFORMED = [
    # (edit, value, expected message after the file name)
    ("format", "playground-session", "format: expected 'playground-lesson'"),
    ("version", 2, "version: this playground reads lesson version 1"),
    ("version", True, "version: "),
    ("version", DELETE, "version: missing"),
    ("title", "", "title: expected 1..120 characters, got 0"),
    ("title", "   ", "title: is blank"),
    ("title", "t" * 121, "title: expected 1..120 characters, got 121"),
    ("title", 7, "title: expected text"),
    ("summary", "s" * 301, "summary: expected 0..300 characters"),
    ("extra", 1, "extra: unknown field"),
    ("steps", [], "steps: expected 1..100 steps, got 0"),
    ("steps", {"a": 1}, "steps: expected a list"),
    ("steps.1", "play", "step 2: expected an object"),
    ("steps.1.caption", DELETE, "step 2, caption: missing"),
    ("steps.1.caption", "c" * 401, "step 2, caption: expected 1..400 characters"),
    ("steps.1.caption", None, "step 2, caption: expected text, got null"),
    ("steps.1.colour", "red", "step 2, colour: unknown field"),
    ("steps.0.state", DELETE, "step 1, state: missing (the first step must load a session)"),
    ("steps.1.action.epochs", 0, "step 2, action.epochs: expected a whole number in 1..100,000, got 0"),
    ("steps.1.action.epochs", 100_001, "step 2, action.epochs: expected a whole number in 1..100,000"),
    ("steps.1.action.epochs", 3.0, "step 2, action.epochs: expected a whole number, got a number"),
    ("steps.1.action.epochs", True, "step 2, action.epochs: expected a whole number, got a boolean"),
    ("steps.1.action.epochs", "300", "step 2, action.epochs: expected a whole number, got text"),
    ("steps.1.action.epochs", DELETE, "step 2, action.epochs: missing"),
    ("steps.1.action.speed", 2, "step 2, action, speed: unknown field"),
    ("steps.1.action.kind", "dance", "step 2, action.kind: expected one of play, activation_layer"),
    ("steps.1.action", [1], "step 2, action: expected an object, got a list"),
    ("steps.2.action.layer", 0, "step 3, action.layer: expected a whole number in 1.."),
    ("steps.3.action.point", [0.5], "step 4, action.point: expected a list of two numbers"),
    ("steps.3.action.point", [0.5, "x"], "step 4, action.point[1]: expected a number"),
    ("steps.3.action.point", [10**400, 0], "step 4, action.point[0]: the number is too large"),
    ("steps.3.action.point", [0.5, float("inf")], "step 4, action.point[1]: expected a finite number"),
    ("steps.3.action.point", [float("nan"), 0], "step 4, action.point[0]: expected a finite number"),
    ("steps.4.action.control", "volume", "step 5, action.control: expected one of lr, activation"),
    ("steps.5.action.epoch", -1, "step 6, action.epoch: expected a whole number in 0.."),
    ("steps.6.action.name", "diagram", "step 7, action.name: expected one of transforms"),
    ("steps.7.state", "/etc/passwd.playground.json", "step 8, state: must be relative"),
    ("steps.7.state", "C:/x.playground.json", "step 8, state: must be relative"),
    ("steps.7.state", "../xor.playground.json", "step 8, state: must stay inside the lesson's folder"),
    ("steps.7.state", "more/../../x.playground.json", "step 8, state: must stay inside"),
    ("steps.7.state", "more\\two.playground.json", "step 8, state: use / between folders"),
    ("steps.7.state", "x.lesson.json", "step 8, state: expected a session file ending in .playground.json"),
    ("steps.7.state", "gone.playground.json", "step 8, state: no session file 'gone.playground.json'"),
    ("steps.7.state", "", "step 8, state: expected a path of 1..260 characters, got 0"),
    ("steps.7.state", 3, "step 8, state: expected text"),
]


@pytest.mark.parametrize(("edit", "value", "message"), MALFORMED, ids=[m[0] + ":" + m[2][:30] for m in MALFORMED])
def test_malformed_lessons_name_the_step_and_field(folder: Path, edit: str, value: object, message: str) -> None:
    data = edited(edit, value)
    before = copy.deepcopy(data)
    with pytest.raises(ValueError) as info:
        lesson_from_dict(data, folder, "x.lesson.json")
    assert str(info.value).startswith("x.lesson.json: " + message), str(info.value)
    assert data == before  # reading changes nothing it is given


def test_a_symlink_out_of_the_folder_is_refused(folder: Path, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.playground.json"
    outside.write_text("{}", encoding="utf-8")
    os.symlink(outside, folder / "link.playground.json")
    with pytest.raises(ValueError, match="step 8, state: 'link.playground.json' leads outside"):
        lesson_from_dict(edited("steps.7.state", "link.playground.json"), folder, "x.lesson.json")


def test_too_many_steps_and_non_objects(folder: Path) -> None:
    many = dict(EXAMPLE, steps=EXAMPLE["steps"][:1] * 101)
    with pytest.raises(ValueError, match=r"^x: steps: expected 1\.\.100 steps, got 101"):
        lesson_from_dict(many, folder, "x")
    for value in ([], "lesson", None, 3):
        with pytest.raises(ValueError, match=r"^x: lesson: expected an object"):
            lesson_from_dict(value, folder, "x")


def test_hostile_files(folder: Path) -> None:
    huge = folder / "huge.lesson.json"
    huge.write_bytes(b" " * (MAX_LESSON_BYTES + 1))
    with pytest.raises(ValueError, match="huge.lesson.json: the file is"):
        read_lesson(huge)
    nan = folder / "nan.lesson.json"
    nan.write_text(json.dumps(EXAMPLE).replace("-0.5", "NaN"), encoding="utf-8")
    with pytest.raises(ValueError, match="nan.lesson.json: NaN is not a number"):
        read_lesson(nan)
    nested = folder / "nested.lesson.json"
    nested.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    with pytest.raises(ValueError, match="nested.lesson.json: holds more than"):
        read_lesson(nested)
    broken = folder / "broken.lesson.json"
    broken.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(ValueError, match="broken.lesson.json: not valid JSON"):
        read_lesson(broken)
    with pytest.raises(ValueError, match="missing.lesson.json: no such file"):
        read_lesson(folder / "missing.lesson.json")
    with pytest.raises(ValueError, match="x.lesson.json: step 4, action.point"):
        read_lesson(write(folder, edited("steps.3.action.point", [1, 2, 3])))


def test_every_highlight_control_reads(folder: Path) -> None:
    for control in HIGHLIGHT_CONTROLS:
        lesson = lesson_from_dict(edited("steps.4.action.control", control), folder, "x")
        assert lesson.steps[4].action == LessonAction("highlight", {"control": control})
