"""Small drawings beside each explanation: the gist of each view in an icon-size picture.

Drawn with QPainter in the palette's colours (so they suit the light and the
dark theme) and the two class colours of the default palette.
"""

from __future__ import annotations

import math
from typing import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen, QPixmap, QPolygonF

PICTURE_SIZE = (120, 84)
ORANGE = QColor("#E69F00")
BLUE = QColor("#56B4E9")

Painter = Callable[[QPainter, float, float, QColor], None]


def _pen(color: QColor, width: float = 1.5, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(color, width)
    pen.setStyle(style)
    return pen


def _dots(p: QPainter, points: list[tuple[float, float]], color: QColor, r: float = 3.0) -> None:
    p.setPen(_pen(QColor(40, 40, 40), 0.8))
    p.setBrush(color)
    for x, y in points:
        p.drawEllipse(QPointF(x, y), r, r)


def _curve(p: QPainter, points: list[tuple[float, float]], pen: QPen) -> None:
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolyline(QPolygonF([QPointF(x, y) for x, y in points]))


def _boundary(p: QPainter, w: float, h: float, ink: QColor) -> None:
    wave = [(x, h * 0.5 + h * 0.22 * math.sin(x / w * 2 * math.pi)) for x in range(0, int(w) + 1, 4)]
    top = QPainterPath(QPointF(0, 0))
    for x, y in wave:
        top.lineTo(x, y)
    top.lineTo(w, 0)
    p.fillRect(QRectF(0, 0, w, h), _faded(BLUE))
    p.fillPath(top, _faded(ORANGE))
    _curve(p, wave, _pen(ink, 2))
    _dots(p, [(15, 15), (40, 20), (75, 8), (100, 30), (60, 25)], ORANGE)
    _dots(p, [(20, 62), (50, 70), (85, 58), (105, 70), (35, 50)], BLUE)


def _faded(color: QColor) -> QColor:
    faded = QColor(color)
    faded.setAlpha(90)
    return faded


def _activation(p: QPainter, w: float, h: float, ink: QColor) -> None:
    grid = _pen(QColor(ink.red(), ink.green(), ink.blue(), 90), 1)
    for i in range(6):
        t = i / 5
        _curve(p, [(8 + t * (w - 16) + 10 * math.sin(s * 3), 6 + s * (h - 12)) for s in _steps()], grid)
        _curve(p, [(8 + s * (w - 16), 6 + t * (h - 12) + 8 * math.sin(s * 4 + t)) for s in _steps()], grid)
    _curve(p, [(w * 0.55, 2), (w * 0.55, h - 2)], _pen(ink, 2, Qt.PenStyle.DashLine))
    _dots(p, [(20, 20), (30, 50), (45, 30), (25, 68)], ORANGE)
    _dots(p, [(85, 20), (95, 45), (80, 65), (105, 60)], BLUE)


def _steps(n: int = 12) -> list[float]:
    return [i / n for i in range(n + 1)]


def _axes(p: QPainter, w: float, h: float, ink: QColor) -> None:
    _curve(p, [(10, 4), (10, h - 10), (w - 4, h - 10)], _pen(ink, 1.2))


def _loss(p: QPainter, w: float, h: float, ink: QColor) -> None:
    _axes(p, w, h, ink)
    # High at the start (near the top: y grows downwards), falling; the test loss stays above it.
    train = [(10 + s * (w - 16), h - 14 - (h - 22) * math.exp(-4 * s)) for s in _steps(20)]
    test = [(x, y - 6 * (x - 10) / w) for x, y in train]
    _curve(p, train, _pen(BLUE, 2))
    _curve(p, test, _pen(ORANGE, 2, Qt.PenStyle.DashLine))


def _gradients(p: QPainter, w: float, h: float, ink: QColor) -> None:
    _axes(p, w, h, ink)
    for level, color in ((0.2, ORANGE), (0.45, BLUE), (0.75, ink)):
        _curve(p, [(10 + s * (w - 16), 6 + (h - 20) * (level + 0.15 * s * s)) for s in _steps()], _pen(color, 1.6))


def _network(p: QPainter, w: float, h: float, ink: QColor) -> None:
    columns = [[h * 0.35, h * 0.65], [h * 0.2, h * 0.4, h * 0.6, h * 0.8], [h * 0.5]]
    xs = [16, w / 2, w - 16]
    for (x0, left), (x1, right) in zip(zip(xs, columns), zip(xs[1:], columns[1:])):
        for i, y0 in enumerate(left):
            for j, y1 in enumerate(right):
                p.setPen(_pen(ORANGE if (i + j) % 2 else BLUE, 1 + (i + j) % 3 * 0.7))
                p.drawLine(QPointF(x0, y0), QPointF(x1, y1))
    p.setPen(_pen(ink, 1.2))
    for x, column in zip(xs, columns):
        for y in column:
            p.setBrush(_faded(BLUE) if y < h / 2 else _faded(ORANGE))
            p.drawRect(QRectF(x - 7, y - 7, 14, 14))


def _data(p: QPainter, w: float, h: float, ink: QColor) -> None:
    _axes(p, w, h, ink)
    p.setPen(ink)
    p.drawText(QRectF(w - 26, h - 26, 24, 15), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom, "x1")
    p.drawText(QRectF(12, 0, 22, 12), 0, "x2")
    _dots(p, [(30, 20), (45, 35), (25, 45), (60, 18)], ORANGE)
    _dots(p, [(75, 50), (95, 35), (85, 62), (105, 55)], BLUE)


def _features(p: QPainter, w: float, h: float, ink: QColor) -> None:
    """Three input maps: x1 (left to right), x2 (bottom to top), sin x1 (stripes)."""
    size = min(h - 20, (w - 16) / 3)
    for k, (name, value) in enumerate(
        (("x1", lambda u, v: u), ("x2", lambda u, v: v), ("sin x1", lambda u, v: math.sin(3 * u)))
    ):
        left = 4 + k * (size + 4)
        cells = 8
        for i in range(cells):
            for j in range(cells):
                u, v = (i + 0.5) / cells * 2 - 1, 1 - (j + 0.5) / cells * 2
                t = max(-1.0, min(1.0, value(u, v)))
                color = QColor(ORANGE if t > 0 else BLUE)
                color.setAlpha(round(230 * abs(t)))
                p.fillRect(QRectF(left + i * size / cells, 4 + j * size / cells, size / cells, size / cells), color)
        p.setPen(ink)
        p.drawText(QRectF(left, size + 6, size, 14), Qt.AlignmentFlag.AlignHCenter, name)


def _training(p: QPainter, w: float, h: float, ink: QColor) -> None:
    # A valley, lowest in the middle (y grows downwards: it was drawn as a hill the ball climbed), and the
    # ball's steps down one side to the bottom.
    def depth(s: float) -> float:
        return 8 + (h - 16) * (1 - (2 * s - 1) ** 2)

    _curve(p, [(s * w, depth(s)) for s in _steps(24)], _pen(ink, 1.6))
    for k, s in enumerate((0.1, 0.25, 0.38, 0.46)):
        _dots(p, [(s * w, depth(s) - 4)], ORANGE if k == 3 else _faded(ORANGE), 4)


def _timeline(p: QPainter, w: float, h: float, ink: QColor) -> None:
    _curve(p, [(8, h / 2), (w - 8, h / 2)], _pen(ink, 2))
    for x in (30, 62, 90):
        _curve(p, [(x, h / 2 - 8), (x, h / 2 + 8)], _pen(ORANGE, 2))
    _dots(p, [(62, h / 2)], BLUE, 6)


def _chain_rule(p: QPainter, w: float, h: float, ink: QColor) -> None:
    """Forward x -> z -> L above, the gradient flowing back below, and the product it is."""
    p.setPen(_pen(ink, 1.2))
    xs = [8, 46, 84]
    for x, name in zip(xs, ("x", "z", "L")):
        p.setBrush(_faded(BLUE))
        p.drawRoundedRect(QRectF(x, 12, 28, 20), 4, 4)
        p.drawText(QRectF(x, 12, 28, 20), Qt.AlignmentFlag.AlignCenter, name)
    for x in xs[:-1]:
        p.setPen(_pen(ink, 1.2))
        p.drawLine(QPointF(x + 28, 22), QPointF(x + 38, 22))
        _curve(p, [(x + 38 + 8, 40), (x + 14, 40)], _pen(ORANGE, 2))  # backward, right to left
    font = p.font()
    font.setPixelSize(10)
    p.setFont(font)
    p.setPen(ORANGE)
    p.drawText(QRectF(0, 50, w, 30), Qt.AlignmentFlag.AlignCenter, "∂L/∂x = ∂L/∂z · ∂z/∂x")


def _graph(p: QPainter, w: float, h: float, ink: QColor) -> None:
    nodes = {"a": (20, 18), "b": (20, 66), "*": (60, 42), "+": (100, 42)}
    p.setPen(_pen(ink, 1.2))
    for start, end in (("a", "*"), ("b", "*"), ("*", "+")):
        p.drawLine(QPointF(*nodes[start]), QPointF(*nodes[end]))
    for name, (x, y) in nodes.items():
        p.setBrush(_faded(ORANGE if name in "+*" else BLUE))
        p.drawEllipse(QPointF(x, y), 11, 11)
        p.drawText(QRectF(x - 11, y - 11, 22, 22), Qt.AlignmentFlag.AlignCenter, name)


def _transforms(p: QPainter, w: float, h: float, ink: QColor) -> None:
    for i in range(6):
        t = i / 5
        _curve(p, [(6 + s * (w - 12), 6 + t * (h - 12) + 10 * math.tanh(3 * (s - 0.5)) * t) for s in _steps()], BLUE)
        _curve(p, [(6 + t * (w - 12) + 8 * math.sin(3 * s) * (1 - t), 6 + s * (h - 12)) for s in _steps()], ORANGE)


def _landscape(p: QPainter, w: float, h: float, ink: QColor) -> None:
    p.setBrush(Qt.BrushStyle.NoBrush)
    for k in range(5, 0, -1):
        color = QColor.fromHsvF(0.75 - 0.12 * k, 0.7, 0.9)
        p.setPen(_pen(color, 1.6))
        p.drawEllipse(QPointF(w * 0.6, h * 0.55), 10 * k, 6 * k)
    _curve(p, [(10, 10), (30, 30), (45, 26), (58, 40), (70, 46)], _pen(ink, 1.6))
    _dots(p, [(70, 46)], ORANGE, 3.5)


def _regions(p: QPainter, w: float, h: float, ink: QColor) -> None:
    cells = [
        [(0, 0), (70, 0), (40, 45), (0, 35)],
        [(70, 0), (w, 0), (w, 40), (40, 45)],
        [(0, 35), (40, 45), (55, h), (0, h)],
        [(40, 45), (w, 40), (w, h), (55, h)],
    ]
    for k, cell in enumerate(cells):
        color = QColor.fromHsvF(0.1 + 0.22 * k, 0.45, 0.95)
        p.setPen(_pen(ink, 1))
        p.setBrush(color)
        p.drawPolygon(QPolygonF([QPointF(x, y) for x, y in cell]))


def _race(p: QPainter, w: float, h: float, ink: QColor) -> None:
    _landscape(p, w, h, ink)
    _curve(p, [(10, 70), (40, 50), (55, 58), (70, 46)], _pen(BLUE, 1.6))


PICTURES: dict[str, Painter] = {
    "boundary": _boundary,
    "activation": _activation,
    "loss": _loss,
    "gradients": _gradients,
    "network": _network,
    "data": _data,
    "network_panel": _features,
    "training": _training,
    "timeline": _timeline,
    "chain_rule": _chain_rule,
    "graph": _graph,
    "transforms": _transforms,
    "landscape": _landscape,
    "regions": _regions,
    "race": _race,
}


def picture(key: str, palette: QPalette, ratio: float = 1.0) -> QPixmap:
    """The drawing for view ``key`` on ``palette``'s base colour, at ``ratio`` device pixels per pixel."""
    w, h = PICTURE_SIZE
    pixmap = QPixmap(round(w * ratio), round(h * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(palette.color(QPalette.ColorRole.Base))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    PICTURES[key](painter, float(w), float(h), palette.color(QPalette.ColorRole.Text))
    painter.setPen(_pen(palette.color(QPalette.ColorRole.Mid), 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(QRectF(0.5, 0.5, w - 1, h - 1))
    painter.end()
    return pixmap
