"""The boundary map's key: what its colours and lines mean, in one line beside the plot's title.

Drawn from a :class:`~playground.ui.plots.boundary.MapScale`, with the very
colour tables the map uses, so the key cannot disagree with the map:

- confidence: one strip per class, from the background at chance (50% of two
  classes) to the class colour at 100%;
- hard classes: one swatch per class;
- values: the diverging strip over the value range, its ends labelled, and
  which colour is positive (the range is symmetric about 0 when it contains 0);

followed by small samples of the solid and the faint dashed lines and what they mark.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from playground.ui.plots.boundary import MapScale
from playground.ui.plots.colors import class_region_image, class_rgb, probability_lut, value_lut
from playground.ui.plots.style import LIGHT

STRIP_WIDTH = 44  # px of a colour strip
SWATCH_WIDTH = 10  # px per class of the hard-class swatches
LINE_SAMPLE = 18  # px of a line sample
GAP = 5  # px between the parts of the key


def _number(value: float) -> str:
    """At most three significant digits, no trailing zeros (``-1.25``, ``0.5``, ``1.2e3``)."""
    return f"{value:.3g}".replace("-", "\u2212")


def key_strip(scale: MapScale, width: int = STRIP_WIDTH) -> np.ndarray:
    """``(rows, width, 4)`` uint8: the colours the key shows, left to right, one row per class (or
    one row of values). Confidence rows run from chance (left) to certainty (right)."""
    bg = scale.theme.background_rgb
    if scale.kind == "confidence":
        lut = probability_lut(class_rgb(scale.colors), bg, scale.strength)
        at = np.linspace(0, lut.shape[1] - 1, width).round().astype(np.intp)
        return np.ascontiguousarray(lut[:, at])
    if scale.kind == "classes":
        classes = np.repeat(np.arange(len(scale.colors)), SWATCH_WIDTH)[None]
        return class_region_image(classes, class_rgb(scale.colors), bg, scale.strength)
    if scale.kind == "values":
        lut = value_lut(bg, scale.strength)
        at = np.linspace(0, len(lut) - 1, width).round().astype(np.intp)
        return np.ascontiguousarray(lut[at][None])
    return np.zeros((0, width, 4), dtype=np.uint8)


def key_texts(scale: MapScale) -> tuple[str, str, str]:
    """(left of the strip, right of the strip, after it) for ``scale``."""
    if scale.kind == "confidence":
        return f"{100 * scale.low:.0f}%", "100%", ""
    if scale.kind == "classes":
        return "", "", "most probable class"
    if scale.kind == "values":
        note = "blue = positive" if scale.low < 0 < scale.high else "blue = higher"
        return _number(scale.low), _number(scale.high), note
    return "", "", ""


class ColorKey(QWidget):
    """One line: the map's colour strip with its end labels, then its line samples."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="boundaryKey")
        self.scale = MapScale("none", LIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_scale(self, scale: MapScale) -> None:
        """Show the key of ``scale`` (hidden for ``kind == "none"``)."""
        self.scale = scale
        self.setVisible(scale.kind != "none")
        self.setToolTip(_tooltip(scale))
        self.updateGeometry()
        self.update()

    # ----------------------------------------------------------------- layout
    def _parts(self) -> list[tuple[str, object, int]]:
        """(kind, content, width) from left to right: "text", "strip", "solid" or "faint"."""
        fm = QFontMetrics(self.font())
        left, right, note = key_texts(self.scale)
        strip = key_strip(self.scale)
        parts: list[tuple[str, object, int]] = []
        for kind, content in (("text", left), ("strip", strip), ("text", right), ("text", note)):
            if kind == "text" and content:
                parts.append((kind, content, fm.horizontalAdvance(content)))
            elif kind == "strip" and len(content):
                parts.append((kind, content, content.shape[1]))
        for kind, label in (("solid", self.scale.solid), ("faint", self.scale.faint)):
            if label:
                parts.append((kind, None, LINE_SAMPLE))
                parts.append(("text", label, fm.horizontalAdvance(label)))
        return parts

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        parts = self._parts()
        width = sum(w for _, _, w in parts) + GAP * max(len(parts) - 1, 0)
        return QSize(width + 2, QFontMetrics(self.font()).height() + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    # ---------------------------------------------------------------- drawing
    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        fm = QFontMetrics(self.font())
        height = self.height()
        text_colour = self.palette().windowText().color()
        x = 1
        for kind, content, width in self._parts():
            if kind == "text":
                painter.setPen(text_colour)
                painter.drawText(QRectF(x, 0, width + 1, height), Qt.AlignmentFlag.AlignVCenter, content)
            elif kind == "strip":
                self._draw_strip(painter, content, QRectF(x, (height - fm.ascent()) / 2, width, fm.ascent()))
            else:
                self._draw_line(painter, kind, x, width, height / 2)
            x += width + GAP
        painter.end()

    def _draw_strip(self, painter: QPainter, rgba: np.ndarray, rect: QRectF) -> None:
        rows = np.ascontiguousarray(rgba)
        image = QImage(rows.data, rows.shape[1], rows.shape[0], rows.strides[0], QImage.Format.Format_RGBA8888)
        painter.drawImage(rect, image)  # each class a band of equal height
        painter.setPen(QPen(self.palette().windowText().color(), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))

    def _draw_line(self, painter: QPainter, kind: str, x: float, width: float, y: float) -> None:
        # The map's lines are dark on a light plot and light on a dark one; the header's text
        # colour is too, and it is what the sample must stand out from here.
        colour = QColor(self.palette().windowText().color())
        if kind == "faint":
            colour.setAlpha(170)  # a little stronger than on the map: a short sample needs it to read
        pen = QPen(colour, 2 if kind == "solid" else 1.5)
        if kind == "faint":
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(x, y), QPointF(x + width, y))


def _tooltip(scale: MapScale) -> str:
    if scale.kind == "confidence":
        text = (
            f"Each place takes the colour of the class the model finds most probable, pale where it "
            f"is unsure ({100 * scale.low:.0f}%, chance) and strongest where it is sure (100%)."
        )
        if scale.faint:
            text += " Solid line: 50% (the decision boundary); dashed: 75% sure (p = 0.25 and 0.75)."
        return text
    if scale.kind == "classes":
        return "Discretized: each place in the colour of the most probable class, however unsure."
    if scale.kind == "values":
        what = scale.label or "value"
        if scale.low < 0 < scale.high:
            return (
                f"Colour = {what}: orange negative, blue positive, pale at 0; "
                f"strongest at {_number(scale.low)} and {_number(scale.high)}."
            )
        return (
            f"Colour = {what}: orange low, blue high, pale at the middle of "
            f"{_number(scale.low)} .. {_number(scale.high)}."
        )
    return ""
