"""Lessons in the window: File > Open Lesson…, the lesson card, Back and Next, and
File > Save as Lesson… (the session and its timeline bookmarks become a lesson).

Going to a step acts it out. Next from one step to the following does that step:
loads its session, or does its action (a ``play`` step plays the session until it
has trained that many more epochs, then pauses, exactly there). Any other move
(Back, or a jump) replays the lesson from the nearest step at or before it that
loads a session: the plays in between are trained at once (so the epochs are
exactly those of going through in order) and the layer choices made again; then
the step itself is done. A lesson that cannot be read, or whose first session
cannot, is reported naming the file, step and field, and nothing changes. Opening a
lesson closes the views the last one opened (its view steps' docks, the chain rule and
Inspect tool of its inspect steps): the new lesson's captions do not talk about them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget

from ...training.lessons import LESSON_SUFFIX, Lesson, LessonAction, LessonStep, read_lesson, save_lesson
from ...training.sessions import SUFFIX as SESSION_SUFFIX
from ...training.sessions import LoadedSession, read_session
from ...training.timeline import Bookmark
from ..files import background
from ..files.file_names import with_json_suffix
from ..files.session_files import SAVE_ERRORS, could_not_save, write_capture
from ..session.worker import Frame
from ..shell import dialogs
from ..shell.actions import menu_action
from .actions import apply_action, docks_shown_by, take_session
from .card import LessonCard

LESSON_FILTER = f"Lessons (*{LESSON_SUFFIX})"


class LessonFeature(QObject):
    """The open lesson of a window (``window.lessons``).

    ``lesson`` (None when none is open), ``index`` (the current step, 0-based) and
    ``caption`` (its caption; "" without a lesson); ``step_changed(index, caption)``
    after every move. ``playing_to`` is the epoch a ``play`` step trains to while it plays.
    """

    step_changed = Signal(int, str)

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.lesson: Lesson | None = None
        self.index = -1
        self.playing_to: int | None = None
        self._taking = False  # while a step loads its own session (which is not leaving the lesson)
        self._shown_docks: list[QDockWidget] = []  # the views this lesson's steps showed
        self.card = LessonCard(window)
        self.card.back_button.clicked.connect(self.back)
        self.card.next_button.clicked.connect(self.next)
        self.card.close_button.clicked.connect(self.close_lesson)
        window.add_column(self.card)
        window.add_frame_view(self._frame_drawn)
        self.session.playingChanged.connect(self._playing_changed)
        self.session.sessionReplaced.connect(self._session_replaced)
        self._build_actions()

    def _build_actions(self) -> None:
        window, menu = self.window, self.window.menu("&File")
        self.open_action = menu_action(self, "Open &Lesson…", self.open_lesson, "Open a lesson: steps with captions.")
        self.save_action = menu_action(
            self,
            "Save as Less&on…",
            self.save_as_lesson,
            "Save the session and its timeline bookmarks as a lesson: one step per bookmark.",
        )
        # Above Quit, which stays last.
        quit_action = next((a for a in menu.actions() if a.shortcut() == QKeySequence("Ctrl+Q")), None)
        menu.insertActions(quit_action, [self.open_action, self.save_action])
        if quit_action is not None:
            menu.insertSeparator(quit_action)
        # A presenter's clicker sends Page Down and Page Up. The keys are the lesson's only
        # while one is open (``_set_keys``): otherwise they page the side panels and spin boxes.
        self.next_action = menu_action(self, "Next Lesson Step", self.next, "The lesson's next step.")
        self.back_action = menu_action(self, "Previous Lesson Step", self.back, "The lesson's previous step.")
        for action in (self.next_action, self.back_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(action)

    # ------------------------------------------------------------ state
    @property
    def caption(self) -> str:
        """The current step's caption ("" when no lesson is open)."""
        if self.lesson is None or self.index < 0:
            return ""
        return self.lesson.steps[self.index].caption

    # ------------------------------------------------------------ opening
    def open_lesson(self, path: str | Path | None = None) -> bool:
        """Open a lesson (asking for one when ``path`` is None) at its first step; False,
        with a message naming the file, step and field, if it cannot be read."""
        files = getattr(self.window, "files", None)
        if path is None:
            folder = files.settings.last_folder if files is not None else ""
            path = dialogs.choose_open_path(self.window, "Open lesson", folder, f"{LESSON_FILTER};;All files (*)")
            if not path:
                return False
        path = Path(path)
        try:
            lesson = read_lesson(path)
            first = self._read_state(lesson, lesson.steps[0])
        except ValueError as exc:
            dialogs.show_error(self.window, "Open lesson", str(exc))
            return False
        if files is not None and not files.maybe_save():
            return False
        self._hide_shown_docks()  # the last lesson's views: this one's steps do not talk about them
        self.lesson = lesson
        self._replay(0, first)
        self.session.message.emit("info", f"Lesson {lesson.title!r}: {len(lesson.steps)} steps.")
        return True

    def close_lesson(self) -> None:
        """Close the lesson; the session stays as it is."""
        self._cancel_play()
        self.lesson, self.index = None, -1
        self.card.hide()
        self._set_keys(False)
        self.step_changed.emit(-1, "")

    def _read_state(self, lesson: Lesson, step: LessonStep) -> LoadedSession:
        path = lesson.state_path(step)
        assert path is not None
        try:
            # Off the window's thread, as File > Open reads: a session file may be large.
            return background.run_in_background(self.window, f"Opening {path.name}…", lambda: read_session(path))
        except ValueError as exc:
            step_number = lesson.steps.index(step) + 1
            raise ValueError(f"step {step_number}, state: {exc}") from None

    # ------------------------------------------------------------ moving
    def next(self) -> bool:
        """Go to the next step; False at the last one or without a lesson."""
        if self.lesson is None or self.index + 1 >= len(self.lesson.steps):
            return False
        return self.go_to(self.index + 1)

    def back(self) -> bool:
        """Go to the previous step; False at the first one or without a lesson."""
        if self.lesson is None or self.index <= 0:
            return False
        return self.go_to(self.index - 1)

    def go_to(self, step_index: int) -> bool:
        """Go to step ``step_index`` (0-based) and act it out; False (and a message) if it is
        out of range or its session cannot be read (the session is then as it was)."""
        lesson = self.lesson
        if lesson is None or not 0 <= step_index < len(lesson.steps):
            return False
        self._finish_play()
        step = lesson.steps[step_index]
        try:
            if step_index == self.index + 1 and step.state is None:
                self._do(step, self._current_epoch())
            else:
                start = max(i for i in range(step_index + 1) if lesson.steps[i].state is not None)
                self._replay(step_index, self._read_state(lesson, lesson.steps[start]), start)
                return True
        except ValueError as exc:
            dialogs.show_error(self.window, "Lesson", str(exc))
            return False
        self._show(step_index)
        return True

    def _replay(self, step_index: int, loaded: LoadedSession, start: int = 0) -> None:
        """Take ``loaded`` (step ``start``'s session), redo the steps up to ``step_index``
        quickly, then do that step."""
        assert self.lesson is not None
        self._cancel_play()
        self._take(loaded)
        epoch = loaded.trainer.epoch
        # The steps before the target, from ``start`` (its session is taken; its action not yet).
        for step in self.lesson.steps[start:step_index]:
            action = step.action
            if action is not None and action.kind == "play":
                self.session.step(int(action.params["epochs"]))  # exactly, in the training thread
                epoch += int(action.params["epochs"])
            elif action is not None and action.kind == "activation_layer":
                apply_action(self.window, action)
        target = self.lesson.steps[step_index]
        if target.action is not None:
            self._act(target.action, epoch)
        self._show(step_index)

    def _do(self, step: LessonStep, epoch: int) -> None:
        if step.state is not None:
            assert self.lesson is not None
            loaded = self._read_state(self.lesson, step)
            self._take(loaded)
            epoch = loaded.trainer.epoch  # (the worker swaps trainers later: not session.trainer)
        if step.action is not None:
            self._act(step.action, epoch)

    def _act(self, action: LessonAction, epoch: int) -> None:
        if action.kind == "play":
            self.playing_to = epoch + int(action.params["epochs"])
            self.session.play()
        else:
            apply_action(self.window, action)
            self._shown_docks += [d for d in docks_shown_by(self.window, action) if d not in self._shown_docks]

    def _hide_shown_docks(self) -> None:
        inspector = getattr(self.window, "chain_rule", None)
        if inspector is not None and inspector.dock in self._shown_docks:
            inspector.action.setChecked(False)  # a click on the new lesson's plot adds a point again
        for dock in self._shown_docks:
            dock.hide()
        self._shown_docks = []

    def _take(self, loaded: LoadedSession) -> None:
        self._taking = True
        try:
            take_session(self.window, loaded)
        finally:
            self._taking = False

    def _session_replaced(self) -> None:
        # File > New, Open, a pasted recipe or a restored autosave put another session in the window:
        # the card would go on naming a lesson whose network is gone, and Back would load it again.
        if self.lesson is not None and not self._taking:
            self.close_lesson()

    def _show(self, step_index: int) -> None:
        assert self.lesson is not None
        self.index = step_index
        self._set_keys(True)
        self.card.show_step(self.lesson.title, step_index, len(self.lesson.steps), self.caption)
        self.step_changed.emit(step_index, self.caption)

    def _set_keys(self, on: bool) -> None:
        self.next_action.setShortcut(QKeySequence("PgDown" if on else ""))
        self.back_action.setShortcut(QKeySequence("PgUp" if on else ""))

    def _current_epoch(self) -> int:
        try:
            return int(self.session.run_in_worker(lambda trainer: trainer.epoch))  # type: ignore[call-overload]
        except TimeoutError:
            frame = self.session.latest_frame
            return frame.epoch if frame is not None else 0

    # ------------------------------------------------------------ playing
    def _frame_drawn(self, frame: Frame) -> None:
        # Only frames of the playing session: one still on its way from before a step loaded
        # another session must not end the play.
        if self.playing_to is not None and frame.playing and not frame.viewing and frame.epoch >= self.playing_to:
            self._finish_play()

    def _finish_play(self) -> None:
        """End a playing step at exactly its epoch count: pause, then train what is missing,
        or go back to that epoch if the last frame's epochs went past it."""
        target, self.playing_to = self.playing_to, None
        if target is None:
            return
        self.session.pause()
        epoch = self._current_epoch()
        if epoch < target:
            self.session.step(target - epoch)
        elif epoch > target:
            self.session.continue_from(target)

    def _cancel_play(self) -> None:
        if self.playing_to is not None:
            self.playing_to = None
            self.session.pause()

    def _playing_changed(self, playing: bool) -> None:
        if not playing and self.playing_to is not None:
            self.playing_to = None  # paused by the person (or a stop rule): they take over from here

    # ------------------------------------------------------------ saving
    def save_as_lesson(self, path: str | Path | None = None) -> bool:
        """Save the session beside a new lesson whose steps are its timeline bookmarks
        (each seeks its epoch, with its caption); the first step loads the session.
        False if cancelled or failed (with a message)."""
        files = self.window.files
        if path is None:
            suggestion = str(Path(files.settings.last_folder) / f"lesson{LESSON_SUFFIX}")
            chosen, _ = dialogs.choose_save_path(self.window, "Save as lesson", suggestion, LESSON_FILTER)
            if not chosen:
                return False
            path = chosen
        path = lesson_file_name(path)
        stem = path.name[: -len(LESSON_SUFFIX)]
        session_path = path.with_name(stem + SESSION_SUFFIX)
        try:
            captured = files.capture_session()
            write_capture(self.window, session_path, captured)
            bookmarks = captured.timeline.bookmarks if captured.timeline is not None else ()
            lesson = lesson_of(stem, Path(session_path.name), bookmarks, path.parent)
            save_lesson(path, lesson)
        except SAVE_ERRORS as exc:
            dialogs.show_error(self.window, "Save as lesson", could_not_save(path.name, exc))
            return False
        self.session.message.emit(
            "info", f"Saved the lesson {path.name} ({len(lesson.steps)} steps) and its session {session_path.name}."
        )
        return True


def lesson_file_name(path: str | Path) -> Path:
    """``path`` with the lesson extension: ``xor`` and ``xor.json`` become ``xor.lesson.json``."""
    return with_json_suffix(path, LESSON_SUFFIX)


def lesson_of(title: str, state: Path, bookmarks: tuple[Bookmark, ...], folder: Path) -> Lesson:
    """The lesson of a session and its bookmarks: the first step loads ``state``; each
    bookmark is a step that moves the timeline to its epoch, with its caption."""
    if not bookmarks:
        steps = (LessonStep(f"The session {title}.", state),)
    else:
        steps = tuple(
            LessonStep(b.caption, state if i == 0 else None, LessonAction("seek", {"epoch": b.epoch}))
            for i, b in enumerate(bookmarks)
        )
    # "xor-needs_hidden" reads "Xor needs hidden": the file's name, until the teacher edits it.
    words = title.replace("-", " ").replace("_", " ").strip()
    return Lesson((words[:1].upper() + words[1:])[:120] or "Lesson", "", steps, folder)


def install_lessons(window: Any) -> LessonFeature:
    """File > Open Lesson… and Save as Lesson…, the lesson card beside the plots, Page
    Down / Page Up for Next / Back; the window keeps the feature as ``window.lessons``."""
    return LessonFeature(window)
