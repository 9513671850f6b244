"""``python -m playground render --lesson FILE --out lesson.mp4``: a whole lesson as a video, headless.

Step by step, as a lesson card would show it: load the step's state, apply its
action (ui/lessons/actions.py, the same code as the card's), and film it with
the step's caption burnt in (overlay.py). A ``play`` step trains its epochs
frame by frame, as ``render`` does; every step then holds its last picture for
``--step-seconds`` so the caption can be read.

Everything that can be checked before filming is: the lesson file, and every
session file its steps load. A bad one is reported on one line naming the step
and the field (exit status 2) and nothing is written; an action that fails
while filming (a layer the loaded network does not have) is reported the same
way, and the unfinished video is removed.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from ...cli import end_progress, fail, progress_bar
from ...training.lessons import Lesson, LessonStep, read_lesson
from ...training.sessions import read_session

DEFAULT_CORNER = "bottom-left"  # a lesson's caption is always shown: here unless --overlay says
PLAY_SECONDS = 4.0  # a play step lasts at most this long, unless --epochs-per-frame sets the pace


class LessonProblem(Exception):
    """A step of the lesson could not be filmed; the message names the step and the field."""


def play_schedule(epochs: int, fps: float, epochs_per_frame: int | None) -> list[int]:
    """Epochs trained (since the step began) when each frame of a ``play`` step is taken.

    One frame per ``epochs_per_frame`` epochs when given; otherwise one per epoch,
    or the epochs spread over ``PLAY_SECONDS`` when that would take longer. The
    frame of epoch 0 is the step's first picture, so it is not repeated here."""
    from .filming import frame_epochs

    if epochs_per_frame is None and epochs > PLAY_SECONDS * fps:
        return frame_epochs(epochs, fps, duration=PLAY_SECONDS)[1:]
    return frame_epochs(epochs, fps, epochs_per_frame or 1)[1:]


def lesson_frames(lesson: Lesson, fps: float, epochs_per_frame: int | None, step_seconds: float) -> int:
    """How many frames the video of ``lesson`` has."""
    hold = max(1, round(step_seconds * fps))
    total = 0
    for step in lesson.steps:
        total += hold
        if step.action is not None and step.action.kind == "play":
            total += len(play_schedule(step.action.params["epochs"], fps, epochs_per_frame))
    return total


def read_checked_lesson(prog: str, path: str) -> tuple[Lesson, dict[int, Any]]:
    """The lesson and every step's loaded session (by step index); or exit 2 with one line."""
    try:
        lesson = read_lesson(path)
    except OSError as exc:
        fail(prog, f"--lesson: cannot read {path}: {exc.strerror or exc}")
    except ValueError as exc:
        fail(prog, f"--lesson: {exc}")
    sessions: dict[int, Any] = {}
    for index, step in enumerate(lesson.steps):
        state = lesson.state_path(step)
        if state is None:
            continue
        try:
            sessions[index] = read_session(state)
        except (ValueError, OSError, OverflowError, TypeError) as exc:
            fail(prog, f"--lesson: {os.path.basename(path)}: step {index + 1}, state: {exc}")
    return lesson, sessions


def render_lesson(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Render ``args.lesson`` to ``args.out``; 0 on success (2 for a bad lesson, 130 if interrupted)."""
    from .filming import INTERRUPTED, MAX_FPS, MAX_FRAMES, Interrupted, stop_on_sigint

    lesson, sessions = read_checked_lesson(parser.prog, args.lesson)
    frames = lesson_frames(lesson, args.fps, args.epochs_per_frame, args.step_seconds)
    if frames > MAX_FRAMES:
        parser.error(
            f"this lesson makes a video of {frames} frames, more than the {MAX_FRAMES} of an hour at "
            f"{MAX_FPS:g} frames a second: raise --epochs-per-frame or lower --step-seconds"
        )
    start = time.perf_counter()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # as render: only when the person chose none
    try:
        with stop_on_sigint() as interrupted:
            written = _render(args, lesson, sessions, frames, interrupted)
    except Interrupted:
        print(f"\nrender: interrupted; {args.out} was not written", flush=True)
        return INTERRUPTED
    except LessonProblem as exc:
        reason = str(exc).rstrip(".")
        fail(parser.prog, f"--lesson: {os.path.basename(args.lesson)}: {reason}; {args.out} was not written")
    except OSError as exc:
        print(f"\nrender: {exc}")
        return 1
    print(
        f"wrote {args.out}: {len(lesson.steps)} steps, {written} frames, {args.size[0]}x{args.size[1]}, "
        f"{written / args.fps:.1f} s at {args.fps:g} fps ({time.perf_counter() - start:.1f} s to render)"
    )
    return 0


def _render(args: argparse.Namespace, lesson: Lesson, sessions: dict[int, Any], total: int, interrupted) -> int:
    from PySide6.QtWidgets import QApplication

    from ..plots.style import configure_pyqtgraph
    from ..shell.main_window import MainWindow

    configure_pyqtgraph()
    app = QApplication.instance() or QApplication(["playground-render"])
    first = sessions[0].trainer  # the first step has a state (the format requires it)
    window = MainWindow(first.dataset, first.config)
    try:
        return _film(app, window, args, lesson, total, interrupted)
    finally:
        window.close()
        # Deleted, not only closed: its signals hold it in a cycle through Qt that Python's
        # collector cannot see, so a caller that goes on (the tests) would keep every window.
        window.deleteLater()


def _film(app, window, args: argparse.Namespace, lesson: Lesson, total: int, interrupted) -> int:
    from PySide6.QtCore import QSize

    from ..lessons.actions import apply_action, load_step_state
    from .capture import rgb_array
    from .filming import check_interrupted, current_frame, dress_window, fit_window, picture_of, video_replacing
    from .overlay import Overlay, stats_line

    dress_window(window, args)
    session = window.session
    fit_window(app, window, "window", args.size)
    widget, rect = window, _lesson_area(window)
    overlay = Overlay(args.overlay or DEFAULT_CORNER)
    scale = args.size[0] / max(1, rect.width())
    hold = max(1, round(args.step_seconds * args.fps))
    done = 0

    def shoot(caption: str, frame, repeat: int = 1) -> None:
        nonlocal done
        window.draw_frame(frame)
        app.processEvents()  # lay out what the frame and the action changed before painting
        picture = overlay.burn(picture_of(widget, rect, QSize(*args.size)), caption, stats_line(session), scale)
        image = rgb_array(picture)
        for _ in range(repeat):
            check_interrupted(interrupted)
            writer.write(image)
            done += 1
        progress_bar(done, total, f"step {number} of {len(lesson.steps)}, epoch {frame.epoch}")

    try:
        with video_replacing(args.out, args.size, args.fps, "frame", interrupted) as writer:
            for number, step in enumerate(lesson.steps, start=1):
                _enter_step(app, window, lesson, step, number, load_step_state, apply_action)
                frame = _settled_frame(app, session, interrupted, current_frame)
                window.draw_frame(frame)  # an action waiting for the new network's frame (a layer) acts now
                app.processEvents()
                action = step.action
                if action is not None and action.kind == "play":
                    trained = 0
                    for epochs in play_schedule(action.params["epochs"], args.fps, args.epochs_per_frame):
                        shoot(step.caption, frame)
                        if epochs > trained:
                            session.step(epochs - trained)
                            trained = epochs
                            frame = current_frame(app, session, interrupted)
                shoot(step.caption, frame, hold)
    finally:
        end_progress()
    return done


def _enter_step(app, window, lesson: Lesson, step: LessonStep, number: int, load_step_state, apply_action) -> None:
    """Load ``step``'s state and apply its action (not ``play``: filming trains it).

    A LessonProblem naming the step and the field when either fails, or when the
    action could not be done: the lesson card says so in the status line and goes
    on, but a video made for others should not show a step that did not happen."""
    if step.state is not None:
        try:
            load_step_state(window, lesson, step)
        except (ValueError, OSError, RuntimeError) as exc:
            raise LessonProblem(f"step {number}, state: {exc}") from None
    action = step.action
    if action is not None and action.kind != "play":
        field = "action." + next(iter(action.params), "kind")
        said: list[str] = []

        def listen(kind: str, text: str) -> None:
            if kind in ("warning", "error"):
                said.append(text)

        window.session.message.connect(listen)
        try:
            apply_action(window, action)
            app.processEvents()
        except (ValueError, RuntimeError) as exc:
            said.append(str(exc))
        finally:
            window.session.message.disconnect(listen)
        if said:
            raise LessonProblem(f"step {number}, {field}: {said[0]}")
    app.processEvents()


def _settled_frame(app, session, interrupted, current_frame):
    """The frame to film once a step's state and action have reached the training thread.

    A step that seeks the timeline shows a past epoch (the newest frame is that one);
    any other shows the training thread's trainer as it is now."""
    session.run_in_worker(lambda trainer: None)  # every command submitted so far has run
    for _ in range(5):
        app.processEvents()
    frame = session.latest_frame
    if frame is not None and frame.viewing:
        return frame
    return current_frame(app, session, interrupted)


def _lesson_area(window):
    """The window below its menu bar and above its status bar: the plots, and the docks a step opens."""
    from PySide6.QtCore import QRect

    top = window.menuBar().height() if window.menuBar().isVisible() else 0
    bottom = window.statusBar().height() if window.statusBar().isVisible() else 0
    return QRect(0, top, window.width(), window.height() - top - bottom)
