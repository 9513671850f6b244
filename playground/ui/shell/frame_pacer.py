"""Pacing the window's drawing: when the newest frame is drawn, and how often the
slower views follow while playing.

The worker emits frames as fast as it trains; the window draws at most one every
``DRAW_INTERVAL_MS`` (the newest, so a burst of frames is drawn once), paints it at
once and then tells the worker the frame is taken, which lets training resume
(the lockstep in ARCHITECTURE.md, "Threads and what each owns").
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from ..session.session_model import SessionModel
    from ..session.worker import Frame

DRAW_INTERVAL_MS = 16  # at most ~60 redraws a second, whatever the training speed
CURVES_INTERVAL_S = 0.1  # loss and gradient curves: at most 10 redraws a second while playing
SPACE_INTERVAL_S = 0.05  # the activation space: at most 20 redraws a second while playing


class FramePacer(QObject):
    """Calls ``draw(frame)`` with the session's newest frame, at most every
    ``DRAW_INTERVAL_MS``, never reentrantly, and each frame once. ``drawn`` is the
    frame drawn last (None before the first)."""

    def __init__(self, session: SessionModel, draw: Callable[[Frame], None], parent: QObject) -> None:
        super().__init__(parent)
        self.session = session
        self._draw = draw
        self.drawn: Frame | None = None
        self._drawn_at = 0.0
        self._drawing = False
        self._timer = QTimer(self, interval=DRAW_INTERVAL_MS)
        self._timer.timeout.connect(self.draw_latest)
        self._timer.start()

    def frame_arrived(self, frame: Frame) -> None:
        """A new frame: draw it at once unless the last drawing was under an interval ago;
        then the timer draws the newest frame."""
        if time.perf_counter() - self._drawn_at >= DRAW_INTERVAL_MS / 1000:
            self.draw_latest()

    def draw_latest(self) -> None:
        """Draw the newest frame if it is not drawn yet, paint it, and hand it back to the worker."""
        frame = self.session.latest_frame
        # An outdated frame (a command made since will send its own) would only delay that one.
        if frame is None or frame is self.drawn or self._drawing or self.session.outdated(frame):
            return
        self.drawn = frame
        self._drawing = True
        try:
            self._draw(frame)
            # Paint now, not later in the event loop: the worker resumes training when
            # told the frame is done, and painting alongside it would fight for the GIL.
            # The plots' scenes post their repaints, so deliver those (not user input).
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            self._drawing = False
        self._drawn_at = time.perf_counter()
        self.session.worker.frame_taken()

    def stop(self) -> None:
        """No more drawing (the window closes)."""
        self._timer.stop()


class Throttle:
    """Says when a slow view is due: always while paused (each frame is news), and at
    most every ``interval_s`` while playing, which leaves more of each frame's time to
    training."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._at = 0.0

    def due(self, playing: bool) -> bool:
        """True if the view should be redrawn now (and then counts from now)."""
        now = time.perf_counter()
        if playing and now - self._at < self.interval_s:
            return False
        self._at = now
        return True
