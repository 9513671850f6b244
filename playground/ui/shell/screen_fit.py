"""Keep the whole window, title bar included, on the screen it opens on.

``MainWindow`` sizes its contents to fit the screen's available area, but a
window manager then adds its frame (a title bar of about 20 px) around them: at
1280x720 the status bar and its Record button ended below the screen's edge.
The frame's size is known only once the window manager has framed the window,
so the fit is checked on the first moves and resizes after the window is shown.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QRect, QSize
from PySide6.QtWidgets import QWidget

WATCH_SECONDS = 3.0  # long enough for a window manager to frame a new window


def fitted(frame: QRect, inner: QRect, available: QRect) -> QRect | None:
    """The window's new inner geometry so that ``frame`` (which contains ``inner``) lies within
    ``available``; ``None`` when it already does."""
    if available.contains(frame):
        return None
    left, top = inner.left() - frame.left(), inner.top() - frame.top()
    right, bottom = frame.right() - inner.right(), frame.bottom() - inner.bottom()
    width = min(inner.width(), available.width() - left - right)
    height = min(inner.height(), available.height() - top - bottom)
    x = min(max(frame.left(), available.left()), available.right() + 1 - (width + left + right)) + left
    y = min(max(frame.top(), available.top()), available.bottom() + 1 - (height + top + bottom)) + top
    return QRect(x, y, width, height)


class _KeepOnScreen(QObject):
    """Moves and shrinks the window into its screen's available area while it is being framed."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._until = time.monotonic() + WATCH_SECONDS
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show):
            if time.monotonic() > self._until:
                self._window.removeEventFilter(self)
            else:
                self.fit()
        return False

    def fit(self) -> None:
        window = self._window
        screen = window.screen()
        if screen is None or window.isMaximized() or window.isFullScreen():
            return
        target = fitted(window.frameGeometry(), window.geometry(), screen.availableGeometry())
        if target is not None and target.width() >= window.minimumWidth() and target.height() >= window.minimumHeight():
            window.setGeometry(target)


def keep_on_screen(window: QWidget) -> None:
    """For a few seconds after it is shown, keep ``window``'s frame inside its screen's available area."""
    _KeepOnScreen(window).fit()


def resize_on_screen(window: QWidget, size: QSize) -> None:
    """Resize ``window``'s contents to ``size``, or as near as its screen's available area allows
    with the window manager's frame around them, and move it so that the frame stays on screen.

    Presentation mode asks for the recording size, 1280x720: on a 1280x720 screen the title bar
    would push the status bar and its Record button below the edge.
    """
    window.resize(size)
    screen = window.screen()
    if screen is None or window.isMaximized() or window.isFullScreen():
        return
    frame, inner = window.frameGeometry(), window.geometry()
    # The frame around the old contents, put around the new size (the window manager keeps its width).
    frame.setSize(frame.size() - inner.size() + window.size())
    inner.setSize(window.size())
    target = fitted(frame, inner, screen.availableGeometry())
    if target is not None:
        window.setGeometry(target)
