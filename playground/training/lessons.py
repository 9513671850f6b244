"""Lesson files: a title, a summary and a short sequence of steps, each a caption with an
optional session to load and an optional action (play some epochs, show a layer of the
activation space, inspect a point, highlight a control, seek the timeline, show a view).

A lesson is plain JSON (``<name>.lesson.json``) a teacher can write in a text editor, so it
is read as strictly as a session file: exact types, finite numbers, ranges, no unknown
keys, and every problem a ValueError naming the file, the step (1-based) and the field,
e.g. ``xor.lesson.json: step 3, action.epochs: expected a whole number in 1..100,000``.
A step's ``state`` is a session file beside the lesson or in a subfolder of it, never an
absolute path or one that climbs out with ``..`` (a lesson from someone else cannot make
the app read files elsewhere), and it must exist when the lesson is read.

Nothing here runs anything: the UI (``playground/ui/lessons/``) and the headless render
act the steps out.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ..data.files import read_json_file, write_text_atomic
from . import session_fields as f
from .sessions import SUFFIX as SESSION_SUFFIX

FORMAT = "playground-lesson"
VERSION = 1
LESSON_SUFFIX = ".lesson.json"
MAX_LESSON_BYTES = 2**20  # 100 steps of 400 characters take some 50 KB: a megabyte is plenty
MAX_JSON_ITEMS = 20_000
MAX_JSON_CONTAINERS = 2_000
MAX_TITLE = 120
MAX_SUMMARY = 300
MAX_CAPTION = 400
MAX_STEPS = 100
MAX_PLAY_EPOCHS = 100_000
MAX_STATE_PATH = 260
MAX_EPOCH = 2**31 - 1

ACTION_KINDS = ("play", "activation_layer", "inspect", "highlight", "seek", "view")
HIGHLIGHT_CONTROLS = (
    "lr",
    "activation",
    "layers",
    "units",
    "optimizer",
    "batch",
    "play",
    "preset",
    "noise",
    "regularization",
    "seed",
)
"""The controls a ``highlight`` step may name (the UI maps each to a widget)."""
VIEW_NAMES = ("transforms", "landscape", "graph", "chain_rule", "regions", "race")
"""The views a ``view`` step may show: the window's docks (the UI maps each to one)."""

_TOP_KEYS = ("format", "version", "title", "summary", "steps")
_STEP_KEYS = ("caption", "state", "action")
# Each action kind's fields besides ``kind``.
_ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "play": ("epochs",),
    "activation_layer": ("layer",),
    "inspect": ("point",),
    "highlight": ("control",),
    "seek": ("epoch",),
    "view": ("name",),
}


@dataclass(frozen=True)
class LessonAction:
    """One step's action: ``kind`` (one of ``ACTION_KINDS``) and its fields, checked.

    ``params`` holds exactly the kind's fields: ``epochs`` (int), ``layer`` (int, 1-based),
    ``point`` (a tuple of two floats), ``control`` (str), ``epoch`` (int) or ``name`` (str).
    """

    kind: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LessonStep:
    """A caption, the session to load first (``state``, relative to the lesson's folder) and an action."""

    caption: str
    state: Path | None = None
    action: LessonAction | None = None


@dataclass(frozen=True)
class Lesson:
    """A lesson as read: its steps and the ``folder`` its state paths are relative to."""

    title: str
    summary: str
    steps: tuple[LessonStep, ...]
    folder: Path

    def state_path(self, step: LessonStep) -> Path | None:
        """The session file ``step`` loads, as a path from the current directory (None for none)."""
        return None if step.state is None else self.folder / step.state


# ------------------------------------------------------------------ reading
def read_lesson(path: str | os.PathLike[str]) -> Lesson:
    """Read and check a lesson file; its state paths are relative to its folder."""
    path = Path(path)
    data = read_json_file(path, MAX_LESSON_BYTES, MAX_JSON_ITEMS, MAX_JSON_CONTAINERS)
    return lesson_from_dict(data, path.parent, path.name)


def lesson_from_dict(data: Any, folder: str | os.PathLike[str], name: str = "lesson") -> Lesson:
    """Build a Lesson from decoded JSON, checking every field; ValueError starts with ``name``."""
    folder = Path(folder)
    try:
        return _lesson(data, folder)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def _lesson(data: Any, folder: Path) -> Lesson:
    top = f.obj(data, "lesson")
    _only_keys(top, _TOP_KEYS, "")
    fmt = f.field(top, "format")
    if fmt != FORMAT:
        raise ValueError(f"format: expected {FORMAT!r}, got {f.brief(fmt)} (is this a playground lesson?)")
    version = f.field(top, "version")
    if type(version) is not int or version != VERSION:
        raise ValueError(f"version: this playground reads lesson version {VERSION}, the file has {f.brief(version)}")
    title = _text(f.field(top, "title"), "title", 1, MAX_TITLE)
    summary = _text(f.field(top, "summary"), "summary", 0, MAX_SUMMARY)
    entries = f.field(top, "steps")
    if type(entries) is not list:
        raise ValueError(f"steps: expected a list of steps, got {f.brief(entries)}")
    if not 1 <= len(entries) <= MAX_STEPS:
        raise ValueError(f"steps: expected 1..{MAX_STEPS} steps, got {len(entries)}")
    steps = tuple(_step(entry, f"step {i}", folder) for i, entry in enumerate(entries, start=1))
    if steps[0].state is None:
        raise ValueError("step 1, state: missing (the first step must load a session)")
    return Lesson(title, summary, steps, folder)


def _step(data: Any, where: str, folder: Path) -> LessonStep:
    step = f.obj(data, where)
    _only_keys(step, _STEP_KEYS, where)
    if "caption" not in step:
        raise ValueError(f"{where}, caption: missing")
    caption = _text(step["caption"], f"{where}, caption", 1, MAX_CAPTION)
    state = None
    if "state" in step:
        state = _state_path(step["state"], f"{where}, state", folder)
    action = None
    if "action" in step:
        action = _action(step["action"], f"{where}, action")
    return LessonStep(caption, state, action)


def _action(data: Any, where: str) -> LessonAction:
    action = f.obj(data, where)
    kind = f.text(f.field(action, "kind", where), f"{where}.kind", ACTION_KINDS)
    names = _ACTION_FIELDS[kind]
    _only_keys(action, ("kind",) + names, where)
    params: dict[str, Any] = {}
    for name in names:
        value = f.field(action, name, where)
        at = f"{where}.{name}"
        if kind == "play":
            params[name] = f.whole(value, at, 1, MAX_PLAY_EPOCHS)
        elif kind == "activation_layer":
            params[name] = f.whole(value, at, 1, MAX_EPOCH)
        elif kind == "seek":
            params[name] = f.whole(value, at, 0, MAX_EPOCH)
        elif kind == "inspect":
            params[name] = _point(value, at)
        elif kind == "highlight":
            params[name] = f.text(value, at, HIGHLIGHT_CONTROLS)
        else:  # view
            params[name] = f.text(value, at, VIEW_NAMES)
    return LessonAction(kind, params)


def _point(value: Any, where: str) -> tuple[float, float]:
    if type(value) is not list or len(value) != 2:
        raise ValueError(f"{where}: expected a list of two numbers [x1, x2], got {f.brief(value)}")
    x1 = f.real(value[0], f"{where}[0]")
    x2 = f.real(value[1], f"{where}[1]")
    assert x1 is not None and x2 is not None  # allow_null is off
    return (x1, x2)


def _text(value: Any, where: str, lo: int, hi: int) -> str:
    text = f.text(value, where)
    if not lo <= len(text) <= hi:
        raise ValueError(f"{where}: expected {lo}..{hi} characters, got {len(text)}")
    if lo and not text.strip():
        raise ValueError(f"{where}: is blank")
    return text


def _only_keys(data: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = [str(key) for key in data if key not in allowed]
    if unknown:
        raise ValueError(
            f"{where + ', ' if where else ''}{unknown[0]}: unknown field (expected only {', '.join(allowed)})"
        )


def _state_path(value: Any, where: str, folder: Path) -> Path:
    """A relative path to an existing session file inside ``folder`` (or a subfolder)."""
    text = f.text(value, where)
    if not text or len(text) > MAX_STATE_PATH:
        raise ValueError(f"{where}: expected a path of 1..{MAX_STATE_PATH} characters, got {len(text)}")
    if "\0" in text or "\\" in text:
        raise ValueError(f"{where}: use / between folders (no backslashes or NUL characters), got {f.brief(text)}")
    posix = PurePosixPath(text)
    if posix.is_absolute() or PureWindowsPath(text).drive:
        raise ValueError(f"{where}: must be relative to the lesson's folder, got the absolute path {f.brief(text)}")
    if ".." in posix.parts:
        raise ValueError(f"{where}: must stay inside the lesson's folder (no '..'), got {f.brief(text)}")
    if not text.endswith(SESSION_SUFFIX):
        raise ValueError(f"{where}: expected a session file ending in {SESSION_SUFFIX}, got {f.brief(text)}")
    relative = Path(*posix.parts)
    target = folder / relative
    if not target.is_file():
        raise ValueError(f"{where}: no session file {text!r} beside the lesson")
    # A symlink inside the folder could still lead out of it.
    try:
        target.resolve().relative_to(folder.resolve())
    except ValueError:
        raise ValueError(f"{where}: {text!r} leads outside the lesson's folder") from None
    return relative


# ------------------------------------------------------------------ writing
def lesson_to_dict(lesson: Lesson) -> dict[str, Any]:
    """The lesson as JSON-safe values, as ``lesson_from_dict`` reads them."""
    steps: list[dict[str, Any]] = []
    for step in lesson.steps:
        entry: dict[str, Any] = {"caption": step.caption}
        if step.state is not None:
            entry["state"] = step.state.as_posix()
        if step.action is not None:
            params = {k: list(v) if isinstance(v, tuple) else v for k, v in step.action.params.items()}
            entry["action"] = {"kind": step.action.kind, **params}
        steps.append(entry)
    return {"format": FORMAT, "version": VERSION, "title": lesson.title, "summary": lesson.summary, "steps": steps}


def lesson_to_json(lesson: Lesson) -> str:
    """The lesson file's text: indented, so a teacher can edit it by hand."""
    return json.dumps(lesson_to_dict(lesson), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def save_lesson(path: str | os.PathLike[str], lesson: Lesson) -> None:
    """Write ``lesson`` to ``path`` atomically, after checking that it would open again
    from there (its state files relative to ``path``'s folder); ValueError names the file."""
    path = Path(path)
    data = lesson_to_dict(lesson)
    lesson_from_dict(data, path.parent, path.name)  # whatever is written reads back
    write_text_atomic(path, lesson_to_json(lesson))
