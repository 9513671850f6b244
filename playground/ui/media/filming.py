"""The pieces of filming the window headless, shared by ``render`` and ``render --lesson``.

Bounds on what may be filmed, the frame schedule, Ctrl+C as a flag checked between
frames, the hidden file a video is written to before it replaces ``--out``, the
window's look, waiting for the training thread's frame, and fitting the window to
the video's shape.
Qt is imported inside the functions: the command line parses its options first.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from typing import Any

from .dock_views import DOCK_VIEWS

FRAME_TIMEOUT = 120.0  # seconds to wait for the training thread to deliver one frame
# Bounds: a 4K frame; an hour of video at 60 frames a second at most.
MAX_WIDTH, MAX_HEIGHT = 3840, 2160
MAX_FPS = 60.0
MAX_DURATION_S = 3600.0
MAX_HOLD_S = 600.0
MAX_EPOCHS = 1_000_000
MAX_FRAMES = round(MAX_DURATION_S * MAX_FPS)
INTERRUPTED = 130  # the exit status of a program stopped by SIGINT (128 + 2)


class Interrupted(Exception):
    """Ctrl+C while rendering."""


def frame_count(epochs: int, fps: float, epochs_per_frame: int | None = None, duration: float | None = None) -> int:
    """How many frames :func:`frame_epochs` gives, without building the list."""
    if duration is not None:
        return max(2, round(duration * fps))
    return math.ceil(epochs / (epochs_per_frame or 1)) + 1


def frame_epochs(
    epochs: int, fps: float, epochs_per_frame: int | None = None, duration: float | None = None
) -> list[int]:
    """Epochs trained (since the start) when each frame is taken, before any hold frames.

    The first frame is at 0. With ``duration`` the ``epochs`` are spread over
    ``round(duration * fps)`` frames (some frames may repeat an epoch, or skip
    several); otherwise there is a frame every ``epochs_per_frame`` epochs (default 1),
    the last one at ``epochs``.
    """
    frames = frame_count(epochs, fps, epochs_per_frame, duration)
    if duration is not None:
        return [round(epochs * i / (frames - 1)) for i in range(frames)]
    step = epochs_per_frame or 1
    return [min(i * step, epochs) for i in range(frames)]


class stop_on_sigint:  # noqa: N801 - used as a context manager, named like one
    """While active, Ctrl+C (SIGINT) only sets a flag that the render loop checks between
    frames: a KeyboardInterrupt raised inside a Qt call, with the training thread running,
    crashed the process. Outside the main thread (no signals there) it does nothing."""

    def __init__(self) -> None:
        self.flag: list[bool] = [False]
        self._previous: Any = None  # the handler to put back

    def __enter__(self) -> list[bool]:
        try:
            self._previous = signal.signal(signal.SIGINT, lambda *_: self.flag.__setitem__(0, True))
        except ValueError:  # not the main thread
            self._previous = None
        return self.flag

    def __exit__(self, *exc_info) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def partial_path(out: str) -> str:
    """A new, empty file beside ``out`` (hidden, same extension, so ffmpeg picks the same format)."""
    folder, name = os.path.split(os.path.abspath(out))
    stem, ext = os.path.splitext(name)
    handle, path = tempfile.mkstemp(dir=folder, prefix=f".{stem}.rendering-", suffix=ext)
    os.close(handle)
    return path


def check_interrupted(interrupted: list[bool]) -> None:
    if interrupted[0]:
        raise Interrupted


@contextlib.contextmanager
def video_replacing(out: str, size: tuple[int, int], fps: float, gif_palette: str, interrupted: list[bool]) -> Iterator:
    """A ``VideoWriter`` on a hidden file beside ``out``, renamed over ``out`` when the block completes.

    An interrupted or failed render leaves whatever file was at ``out`` as it was:
    the writer is aborted, which removes its unfinished file.
    """
    from .video import VideoWriter

    partial = partial_path(out)
    try:
        writer = VideoWriter(partial, size, fps, gif_palette=gif_palette)
    except BaseException:
        os.remove(partial)
        raise
    try:
        yield writer
        writer.finish()
        while not writer.wait(0.1):  # a GIF with one palette is encoded only now: Ctrl+C still works
            check_interrupted(interrupted)
        writer.close()  # raises what went wrong, if anything
        os.replace(partial, out)
    except BaseException:
        writer.abort()  # no half-written video left behind
        raise


def dress_window(window, args: argparse.Namespace) -> None:
    """Show ``window`` as the options ask: ``--theme``, ``--palette`` and ``--presentation``."""
    from ..shell.presentation import set_presentation
    from ..shell.theme import apply_class_palette, apply_theme

    window.show()
    apply_theme(window, args.theme)
    apply_class_palette(window, args.palette)
    if args.presentation:
        set_presentation(window, True)


def current_frame(app, session, interrupted: list[bool]):
    """The newest frame once it shows the training thread's trainer as it is now."""
    epoch, config, dataset = session.run_in_worker(lambda tr: (tr.epoch, tr.config, tr.dataset))

    def current() -> bool:
        frame = session.latest_frame
        return frame is not None and frame.epoch == epoch and frame.config is config and frame.dataset is dataset

    deadline = time.perf_counter() + FRAME_TIMEOUT
    while not current():
        if time.perf_counter() > deadline:
            raise OSError("the training thread sent no frame in time")
        check_interrupted(interrupted)
        app.processEvents()
        time.sleep(0.001)
    return session.latest_frame


def picture_of(widget, rect, size):
    """The area as on screen; resampled (smoothly) only when the window could not be made that small.

    Grabbing and resampling the bitmap keeps pyqtgraph's markers round; a scaled-down
    painter draws them as squares.
    """
    from PySide6.QtCore import Qt

    from .capture import grab

    image = grab(widget, rect)
    if image.size() == size:
        return image
    return image.scaled(size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)


def fit_window(app, window, view: str, size: tuple[int, int]):
    """Resize the window so the filmed area has ``size``'s shape: ``(widget, rectangle)`` to render.

    A window cannot be smaller than its minimum size; then the area is laid out
    at a larger size of the same shape, and rendering scales it down.
    """
    from PySide6.QtCore import QSize

    from .capture import plots_area

    if view == "graph":
        from ..graph.graph_render import graph_area

        return graph_area(app, window, size)
    if view in DOCK_VIEWS:
        from .dock_views import dock_area

        return dock_area(app, window, view, size)

    def area():
        if view == "plots":
            return plots_area(window)
        central = window.centralWidget()
        return central, central.rect()

    target = QSize(*size)
    for _ in range(6):
        window.resize(window.size() + target - area()[1].size())
        app.processEvents()
        actual = area()[1].size()
        if actual == target:
            break
        # Too small for the window's minimum: aim at the same shape, larger.
        grow = max(actual.width() / target.width(), actual.height() / target.height())
        if grow > 1.0:
            target = QSize(math.ceil(size[0] * grow), math.ceil(size[1] * grow))
    return area()
