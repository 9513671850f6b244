"""What a recording or a rendered video burns into its frames so that it explains itself.

Two layers, both painted on the grabbed (or rendered) picture, never on the
live window:

- the *info box*: the current lesson caption (``window.lessons.caption`` when the
  window has lessons) over a line with the epoch, the learning rate and the
  loss, in a corner the person chooses, at the presentation-mode text size, white
  on a translucent dark box so it reads on the light and the dark theme alike;
- the *pointer marks* (recordings only): the mouse cursor (a screen grab has
  none), a ripple that grows and fades where a button was pressed, and the names
  of the shortcuts just pressed ("Space", "Ctrl+Z"), gathered by
  :class:`InputTracker`, an application event filter.

:class:`Overlay` keeps a log of what it drew on every frame
(:class:`DrawnOverlay`), so tests and tools can read the captions back without
recognising text in pixels.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QKeyEvent, QKeySequence, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QApplication, QWidget

from ..shell.presentation import SCALE as PRESENTATION_SCALE

CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")
RIPPLE_S = 0.6  # a click's ripple grows and fades over this many seconds
KEY_SHOW_S = 1.5  # a pressed shortcut's name stays on screen this long
KEYS_SHOWN = 4  # at most this many recent shortcut names at once
LOG_FRAMES = 100_000  # the log keeps this many frames (about an hour at 30 frames a second)
CAPTION_SHARE = 0.6  # the info box is at most this share of the frame's width
_BOX = QColor(16, 16, 16, 190)  # dark and translucent: white text on it reads on either theme
_BOX_EDGE = QColor(255, 255, 255, 90)  # a faint light edge keeps the box apart from a dark theme
_TEXT = QColor(255, 255, 255)
_RIPPLE = QColor(213, 94, 0)  # Okabe-Ito vermillion, drawn over a white halo for both themes
_MODIFIER_KEYS = {
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_Meta,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_CapsLock,
    Qt.Key.Key_NumLock,
    Qt.Key.Key_unknown,
}


@dataclass(frozen=True)
class DrawnOverlay:
    """What :meth:`Overlay.burn` drew on one frame (positions in the frame's pixels)."""

    frame: int
    caption: str
    info: str
    corner: str | None
    box: tuple[int, int, int, int] | None  # x, y, width, height of the info box
    cursor: tuple[float, float] | None
    ripples: tuple[tuple[float, float, float], ...]  # x, y, radius
    keys: tuple[str, ...]


@dataclass(frozen=True)
class PointerMarks:
    """The pointer as it is to be drawn on one frame, in the frame's pixels."""

    cursor: QPointF | None
    ripples: tuple[tuple[QPointF, float], ...]  # where, and how far through its life (0..1)
    keys: tuple[str, ...]


def overlay_text(window) -> tuple[str, str]:
    """``(caption, info)`` for ``window`` now: the lesson caption ("" without a lesson) and a line
    with the epoch, learning rate and loss of the newest frame."""
    lessons = getattr(window, "lessons", None)
    caption = str(getattr(lessons, "caption", "") or "")
    return caption, stats_line(window.session)


def stats_line(session) -> str:
    """``"epoch 124 · learning rate 0.03 · loss 0.2134"`` for the newest frame of ``session``."""
    frame = session.latest_frame
    config = frame.config if frame is not None else session.config
    parts = [f"epoch {frame.epoch if frame is not None else 0}", f"learning rate {config.lr:g}"]
    if frame is not None and math.isfinite(frame.stats.train_loss):
        parts.append(f"loss {frame.stats.train_loss:.4f}")
    return " · ".join(parts)


def presentation_font(scale: float = 1.0) -> QFont:
    """The application's font at presentation-mode size, in pixels of a frame drawn at ``scale``
    frame pixels per window pixel (a frame rendered smaller than the window gets smaller text)."""
    font = QFont(QApplication.font())
    points = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    font.setPixelSize(max(6, round(points * PRESENTATION_SCALE * 96 / 72 * scale)))
    return font


class Overlay:
    """Burns the info box (when ``corner`` is one of :data:`CORNERS`) and pointer marks into frames.

    ``log`` holds a :class:`DrawnOverlay` per burnt frame, the newest last."""

    def __init__(self, corner: str | None = None) -> None:
        self.corner = corner
        self.log: deque[DrawnOverlay] = deque(maxlen=LOG_FRAMES)
        self._frames = 0

    @property
    def corner(self) -> str | None:
        return self._corner

    @corner.setter
    def corner(self, corner: str | None) -> None:
        if corner is not None and corner not in CORNERS:
            raise ValueError(f"overlay corner: expected one of {', '.join(CORNERS)}, got {corner!r}")
        self._corner = corner

    def burn(
        self, image: QImage, caption: str, info: str, scale: float = 1.0, marks: PointerMarks | None = None
    ) -> QImage:
        """``image`` with the overlay painted on (a new image; ``image`` is not changed).

        ``scale`` is frame pixels per window pixel, which sizes the text, the cursor and the ripples."""
        out = image.convertToFormat(QImage.Format.Format_RGB32)
        painter = QPainter(out)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        font = presentation_font(scale)
        box = None
        if self._corner is not None and (caption or info):
            box = _paint_info(painter, out.width(), out.height(), self._corner, caption, info, font)
        cursor: tuple[float, float] | None = None
        ripples: list[tuple[float, float, float]] = []
        keys: tuple[str, ...] = ()
        if marks is not None:
            for where, age in marks.ripples:
                radius = (6 + 26 * age) * scale * 1.5
                _paint_ripple(painter, where, radius, 1.0 - age)
                ripples.append((where.x(), where.y(), radius))
            if marks.cursor is not None:
                _paint_cursor(painter, marks.cursor, scale)
                cursor = (marks.cursor.x(), marks.cursor.y())
            if marks.keys:
                keys = marks.keys
                # Opposite the info box, so the two never cover each other.
                top = self._corner is not None and self._corner.startswith("bottom")
                _paint_keys(painter, out.width(), out.height(), "   ".join(keys), font, top)
        painter.end()
        self.log.append(
            DrawnOverlay(
                self._frames,
                caption if box is not None else "",
                info if box is not None else "",
                self._corner if box is not None else None,
                None if box is None else (box.x(), box.y(), box.width(), box.height()),
                cursor,
                tuple(ripples),
                keys,
            )
        )
        self._frames += 1
        return out


def _paint_info(painter: QPainter, width: int, height: int, corner: str, caption: str, info: str, font: QFont) -> QRect:
    """The caption (bold, wrapped) over the info line in a translucent box at ``corner``; the box."""
    margin = pad = max(4, font.pixelSize() // 2)
    bold = QFont(font)
    bold.setBold(True)
    limit = max(40, round(width * CAPTION_SHARE) - 2 * pad)
    flags = int(Qt.TextFlag.TextWordWrap)
    painter.setFont(bold)
    cap = painter.boundingRect(QRect(0, 0, limit, 10 * height), flags, caption) if caption else QRect()
    painter.setFont(font)
    inf = painter.boundingRect(QRect(0, 0, limit, height), flags, info) if info else QRect()
    gap = pad // 2 if caption and info else 0
    inner_w = max(cap.width(), inf.width())
    inner_h = min(cap.height() + gap + inf.height(), height - 2 * (margin + pad))
    box = QRect(0, 0, inner_w + 2 * pad, inner_h + 2 * pad)
    x = margin if corner.endswith("left") else width - margin - box.width()
    y = margin if corner.startswith("top") else height - margin - box.height()
    box.moveTo(max(0, x), max(0, y))
    painter.setPen(QPen(_BOX_EDGE, 1))
    painter.setBrush(_BOX)
    painter.drawRoundedRect(QRectF(box), pad * 0.8, pad * 0.8)
    painter.setPen(_TEXT)
    left, top = box.x() + pad, box.y() + pad
    if caption:
        painter.setFont(bold)
        painter.drawText(QRect(left, top, limit, cap.height()), flags, caption)
    if info:
        painter.setFont(font)
        painter.drawText(QRect(left, top + cap.height() + gap, limit, inf.height()), flags, info)
    return box


def _paint_ripple(painter: QPainter, where: QPointF, radius: float, strength: float) -> None:
    painter.setBrush(Qt.BrushStyle.NoBrush)
    halo = QColor(255, 255, 255, round(200 * strength))
    ring = QColor(_RIPPLE)
    ring.setAlpha(round(255 * strength))
    painter.setPen(QPen(halo, 5))
    painter.drawEllipse(where, radius, radius)
    painter.setPen(QPen(ring, 3))
    painter.drawEllipse(where, radius, radius)


def _paint_cursor(painter: QPainter, tip: QPointF, scale: float) -> None:
    """An arrow pointer with its tip at ``tip``: white with a black outline, like the system's."""
    s = 1.3 * scale
    points = [(0, 0), (0, 17), (4, 13), (7, 20), (10, 19), (7, 12), (12, 12)]
    path = QPainterPath(tip)
    for px, py in points[1:]:
        path.lineTo(tip.x() + px * s, tip.y() + py * s)
    path.closeSubpath()
    painter.setPen(QPen(QColor(0, 0, 0), max(1.0, 1.2 * scale)))
    painter.setBrush(QColor(255, 255, 255))
    painter.drawPath(path)


def _paint_keys(painter: QPainter, width: int, height: int, text: str, font: QFont, top: bool) -> None:
    """``text`` in a translucent pill at the middle of the bottom (or top) edge."""
    bold = QFont(font)
    bold.setBold(True)
    painter.setFont(bold)
    pad = max(4, font.pixelSize() // 2)
    size = painter.boundingRect(QRect(0, 0, width, height), 0, text).size()
    box = QRect(0, 0, size.width() + 2 * pad, size.height() + pad)
    box.moveTo((width - box.width()) // 2, pad if top else height - pad - box.height())
    painter.setPen(QPen(_BOX_EDGE, 1))
    painter.setBrush(_BOX)
    painter.drawRoundedRect(QRectF(box), box.height() / 2, box.height() / 2)
    painter.setPen(_TEXT)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)


def key_name(event: QKeyEvent) -> str | None:
    """The name of a pressed shortcut ("Ctrl+Z", "Space", "F11"), or None for typing and modifiers.

    Letters, digits and punctuation without Ctrl, Alt or Meta are text being typed, not shortcuts."""
    key = event.key()
    if key in _MODIFIER_KEYS or event.isAutoRepeat():
        return None
    commands = event.modifiers() & (
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
    )
    text = event.text()
    if commands == Qt.KeyboardModifier.NoModifier and text and text.isprintable() and not text.isspace():
        return None
    return QKeySequence(event.keyCombination()).toString(QKeySequence.SequenceFormat.PortableText) or None


class InputTracker(QObject):
    """Watches the whole application (an event filter on it) for the mouse and shortcut keys.

    Keeps the pointer's last global position, the recent presses (for ripples)
    and the recent shortcut names. An event that Qt passes on from a widget to its
    parent (nobody took it), or offered first as a ShortcutOverride and then sent
    as a KeyPress, is one press, not two: until the release, the same press sent
    to the previous receiver or one of its ancestors is skipped."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.cursor: QPoint | None = None
        self.clicks: deque[tuple[float, QPoint]] = deque(maxlen=16)
        self.keys: deque[tuple[float, str]] = deque(maxlen=16)
        self._last: tuple[object, QWidget] | None = None  # (what, receiver) of the last recorded press
        self._watching = False

    def start(self) -> None:
        """Begin watching the application's events."""
        app = QApplication.instance()
        if app is not None and not self._watching:
            app.installEventFilter(self)
            self._watching = True

    def stop(self) -> None:
        """Stop watching (what was gathered stays until the next :meth:`start` clears nothing)."""
        app = QApplication.instance()
        if app is not None and self._watching:
            app.removeEventFilter(self)
        self._watching = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if not isinstance(watched, QWidget):
            return False  # a QWindow hands its events on to the widget under the mouse or with the focus
        if kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.KeyRelease):
            self._last = None  # a press handed on to parents ends with its release: the next one is new
        if kind in (QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease) and isinstance(event, QMouseEvent):
            self.cursor = event.globalPosition().toPoint()
        elif kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            where = event.globalPosition().toPoint()
            self.cursor = where
            if not self._passed_on(("press", where.x(), where.y(), event.button()), watched):
                self.clicks.append((self.clock(), where))
        elif kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and isinstance(event, QKeyEvent):
            # A shortcut (Space plays) takes the key before any KeyPress is sent, but Qt first offers
            # it to the focus widget as a ShortcutOverride: that is where every press is seen.
            name = key_name(event)
            if name is not None and not self._passed_on(("key", name), watched):
                self.keys.append((self.clock(), name))
        return False

    def _passed_on(self, what: object, receiver: QWidget) -> bool:
        """True if this is the last recorded event handed on to a parent; remembers it otherwise."""
        last = self._last
        try:
            # isAncestorOf is also true of the widget itself (the KeyPress after its ShortcutOverride).
            if last is not None and last[0] == what and receiver.isAncestorOf(last[1]):
                self._last = (what, receiver)
                return True
        except RuntimeError:  # the previous receiver is gone
            pass
        self._last = (what, receiver)
        return False

    def marks(self, to_frame: Callable[[QPoint], QPointF], inside: QRectF) -> PointerMarks:
        """The pointer marks for a frame now: global positions mapped by ``to_frame`` into frame
        pixels; the cursor only when it is ``inside`` the frame."""
        now = self.clock()
        ripples = tuple(
            (to_frame(where), (now - when) / RIPPLE_S) for when, where in self.clicks if 0 <= now - when < RIPPLE_S
        )
        recent = [name for when, name in self.keys if 0 <= now - when < KEY_SHOW_S]
        cursor = None
        if self.cursor is not None:
            point = to_frame(self.cursor)
            cursor = point if inside.contains(point) else None
        return PointerMarks(cursor, ripples, tuple(recent[-KEYS_SHOWN:]))


def widget_mapper(widget: QWidget, rect: QRect, scale: float) -> Callable[[QPoint], QPointF]:
    """Maps a global position to the pixels of a frame showing ``rect`` of ``widget`` at ``scale``."""

    def to_frame(where: QPoint) -> QPointF:
        local = widget.mapFromGlobal(where) - rect.topLeft()
        return QPointF(local.x() * scale, local.y() * scale)

    return to_frame
