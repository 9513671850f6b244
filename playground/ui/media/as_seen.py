"""A rectangle of the window as a person sees it on screen: with the app's other windows over it.

``QWidget.grab`` paints one window's widgets; the Compare window (a separate
top-level window, View > Compare), a floating dock, an open menu, a combo box's
list or a tooltip are windows of their own and are missing from it, though the
person sees them over the main window. :func:`grab_as_seen` paints each of the
window's own visible top-level windows (those whose parent chain leads to it)
over the grabbed rectangle, where they cover it on screen, in the order the
window system stacks them: normal windows (the active one last), then tool
windows (floating docks), then popups, then tooltips. The frame the window
manager draws around a separate window (its title bar) is not the app's to
paint: its place is filled plainly and the window's title written in it.
Other applications' windows are never captured.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from .capture import grab


def owned_windows(window: QWidget) -> list[QWidget]:
    """``window``'s other visible top-level windows, bottom of the stack first."""
    active = QApplication.activeWindow()
    found = []
    for position, widget in enumerate(QApplication.topLevelWidgets()):
        if widget is window or not widget.isVisible() or widget.isMinimized() or not _owned_by(widget, window):
            continue
        found.append((_layer(widget), widget is active, position, widget))
    return [widget for *_, widget in sorted(found, key=lambda entry: entry[:3])]


def grab_as_seen(window: QWidget, widget: QWidget, rect: QRect) -> QImage:
    """``rect`` of ``widget`` (a widget of ``window``) as on screen, at the screen's pixel density,
    with ``window``'s own separate windows painted where they cover it."""
    image = grab(widget, rect)
    area = QRect(widget.mapToGlobal(rect.topLeft()), rect.size())
    scale = image.width() / max(1, rect.width())
    painter: QPainter | None = None
    for other in owned_windows(window):
        frame, inside = other.frameGeometry(), other.geometry()
        if not frame.intersects(area):
            continue
        if painter is None:
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if frame != inside:
            _paint_frame(painter, other, _placed(frame, area, scale), _placed(inside, area, scale))
        painter.drawImage(_placed(inside, area, scale), grab(other))
    if painter is not None:
        painter.end()
    return image


def _owned_by(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False


def _layer(widget: QWidget) -> int:
    """Where the window system stacks ``widget``'s kind of window: higher is nearer the person."""
    kind = widget.windowType()
    if kind == Qt.WindowType.ToolTip:
        return 3
    if kind == Qt.WindowType.Popup:
        return 2
    if kind == Qt.WindowType.Tool:
        return 1
    return 0


def _placed(geometry: QRect, area: QRect, scale: float) -> QRectF:
    """``geometry`` (screen coordinates) in the image of ``area``, at ``scale`` image px per screen px."""
    offset = geometry.topLeft() - area.topLeft()
    return QRectF(offset.x() * scale, offset.y() * scale, geometry.width() * scale, geometry.height() * scale)


def _paint_frame(painter: QPainter, widget: QWidget, frame: QRectF, inside: QRectF) -> None:
    """A plain stand-in for the window manager's frame: its colour, an edge, the title in the bar."""
    palette = widget.palette()
    painter.fillRect(frame, palette.window().color().darker(115))
    painter.setPen(palette.windowText().color())
    painter.drawRect(frame.adjusted(0, 0, -1, -1))
    bar = QRectF(frame.left(), frame.top(), frame.width(), inside.top() - frame.top())
    if bar.height() >= 8:
        painter.drawText(bar.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter, widget.windowTitle())
