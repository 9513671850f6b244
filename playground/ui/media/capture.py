"""Pictures of the window: what to capture (a widget, the plots area) and how (scaled, as RGB frames).

Export, the recorder and the headless renderer all capture through here, so a
PNG, a recorded video and a rendered video show the same pixels.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QImage, QPainter, QRegion
from PySide6.QtWidgets import QWidget


def plots_area(window) -> tuple[QWidget, QRect]:
    """The grid of the four plots (with their title rows) as ``(central widget, rectangle in it)``.

    The grid is a layout, not a widget, so the rectangle is the union of the
    four plot boxes.
    """
    central = window.centralWidget()
    boxes = (
        window.boundary_plot.parentWidget(),
        window.activation_view,
        window.loss_plot.parentWidget(),
        window.gradient_plot.parentWidget(),
    )
    rect = QRect()
    for box in boxes:
        rect = rect.united(QRect(box.mapTo(central, QPoint(0, 0)), box.size()))
    return central, rect


def render_image(widget: QWidget, size: QSize, rect: QRect | None = None) -> QImage:
    """``widget`` (or its ``rect``) drawn into an image of exactly ``size`` pixels.

    The widget paints through a scaled painter instead of being grabbed and
    resampled, so text and lines stay sharp at x2 and x4 and small renders are
    not blurred. A size of another aspect ratio stretches the picture.
    """
    rect = QRect(rect) if rect is not None else widget.rect()
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(widget.palette().window().color())
    painter = QPainter(image)
    painter.setRenderHints(
        QPainter.RenderHint.Antialiasing
        | QPainter.RenderHint.TextAntialiasing
        | QPainter.RenderHint.SmoothPixmapTransform
    )
    painter.scale(size.width() / rect.width(), size.height() / rect.height())
    # QWidget's render, not QGraphicsView's (a plot is a view and overrides it with a scene render).
    QWidget.render(widget, painter, QPoint(0, 0), QRegion(rect))
    painter.end()
    return image


def scaled_size(rect: QRect | QSize, scale: float) -> QSize:
    """``rect``'s size times ``scale``, rounded to whole pixels."""
    return QSize(round(rect.width() * scale), round(rect.height() * scale))


def even_size(size: QSize) -> QSize:
    """``size`` with each side rounded down to an even number (video encoders need even sizes)."""
    return QSize(size.width() - size.width() % 2, size.height() - size.height() % 2)


def rgb_array(image: QImage) -> np.ndarray:
    """A ``(height, width, 3)`` uint8 copy of ``image``, cropped to even sides."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w = rgb.height(), rgb.width()
    # Rows are padded to 4 bytes: read whole lines, then drop the padding.
    lines = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=h * rgb.bytesPerLine())
    pixels = lines.reshape(h, rgb.bytesPerLine())[:, : w * 3].reshape(h, w, 3)
    return pixels[: h - h % 2, : w - w % 2].copy()


def fit_frame(frame: np.ndarray, size: QSize, fill: tuple[int, int, int]) -> np.ndarray:
    """``frame`` cropped or padded with ``fill`` to ``size``: a video keeps its first frame's size
    even when the window is resized while recording."""
    h, w = size.height(), size.width()
    if frame.shape[:2] == (h, w):
        return frame
    out = np.empty((h, w, 3), dtype=np.uint8)
    out[:] = fill
    fh, fw = min(h, frame.shape[0]), min(w, frame.shape[1])
    out[:fh, :fw] = frame[:fh, :fw]
    return out


def grab(widget: QWidget, rect: QRect | None = None) -> QImage:
    """``widget`` (or its ``rect``) as it is on screen, at the screen's pixel density."""
    pixmap = widget.grab(rect if rect is not None else QRect(QPoint(0, 0), QSize(-1, -1)))
    image = pixmap.toImage()
    image.setDevicePixelRatio(1.0)
    return image
