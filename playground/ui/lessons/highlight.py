"""A brief outline flashed round a control, so viewers see which one a lesson means."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

FLASH_MS = 2400  # long enough to find on a recording, short enough not to linger
BLINKS = 3
_COLOR = "#E08A00"  # the bookmarks' amber: reads on the light and the dark theme
_PAD = 4  # px round the control


class FlashFrame(QWidget):
    """A frame drawn over the window round ``target``, blinking, then gone. It takes no
    clicks (they reach the control under it)."""

    def __init__(self, window: QWidget, target: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("lessonHighlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.target = target
        self._ticks = 0
        self._timer = QTimer(self, interval=FLASH_MS // (2 * BLINKS))
        self._timer.timeout.connect(self._blink)
        self.place()
        self.show()
        self.raise_()
        self._timer.start()

    def place(self) -> None:
        """Cover ``target`` (and a margin) in window coordinates."""
        top_left = self.target.mapTo(self.parentWidget(), self.target.rect().topLeft())
        self.setGeometry(QRect(top_left, self.target.size()).adjusted(-_PAD, -_PAD, _PAD, _PAD))

    def _blink(self) -> None:
        self._ticks += 1
        if self._ticks >= 2 * BLINKS:
            self._timer.stop()
            self.deleteLater()
            return
        self.setVisible(self._ticks % 2 == 0)
        if self.isVisible():
            self.place()  # the layout may have moved it
            self.raise_()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = 3
        painter.setPen(QPen(QColor(_COLOR), width))
        painter.drawRoundedRect(self.rect().adjusted(width, width, -width, -width), 5, 5)
        painter.end()


def flash(window: QWidget, target: QWidget) -> FlashFrame:
    """Flash an outline round ``target`` (replacing one still flashing)."""
    for old in window.findChildren(FlashFrame):
        old.deleteLater()
    return FlashFrame(window, target)
