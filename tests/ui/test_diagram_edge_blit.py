"""The diagram's edge pictures are copied onto whole pixels without the view's smooth-pixmap
hint (which sent every copy of a tall picture to Qt's thread pool): the same pixels, and the
painter's hints as they were for the items painted after them."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from playground.ui.diagram.edges import EdgeBatch

SMOOTH = QPainter.RenderHint.SmoothPixmapTransform
HINTS = QPainter.RenderHint.Antialiasing | SMOOTH


def _batch() -> EdgeBatch:
    """Two weight layers' edges, tall enough (140 rows) for Qt's threaded path with the hint."""
    batch = EdgeBatch()
    batch.set_pens([QPen(QColor("#E69F00"), 1.0), QPen(QColor("#0072B2"), 3.0)])
    starts = np.array([[[10.0, 10.0], [10.0, 10.0]], [[10.0, 150.0], [10.0, 150.0]]])
    ends = np.array([[[40.0, 150.0], [40.0, 80.5]], [[40.0, 10.0], [40.0, 120.0]]])
    batch.set_lines([(starts, ends), (starts + [40.0, 0.0], ends + [40.0, 0.0])])
    batch.set_keys([np.array([0, 1, 1, 0]), np.array([1, 1, 0, 0])])
    return batch


def _white(width: int = 100, height: int = 170) -> QImage:
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.white)
    return image


def _paint_layers(batch: EdgeBatch, hints: QPainter.RenderHint) -> tuple[QImage, bool]:
    image = _white()
    painter = QPainter(image)
    painter.setRenderHints(hints)
    for layer in batch.layers:
        layer.paint(painter, None, None)
    smooth_after = painter.testRenderHint(SMOOTH)
    painter.end()
    return image, smooth_after


def test_edges_blit_the_same_pixels_with_the_smooth_hint(qapp) -> None:
    batch = _batch()
    drawn, smooth_after = _paint_layers(batch, HINTS)
    assert smooth_after  # given back for the maps painted after the edges (they are scaled)
    # What the pictures hold, copied with the hint and without: the same pixels.
    for hints in (HINTS, QPainter.RenderHint.Antialiasing):
        expected = _white()
        painter = QPainter(expected)
        painter.setRenderHints(hints)
        for layer in batch.layers:
            picture = layer._picture.result()
            painter.drawImage(picture.origin, picture.image)
        painter.end()
        assert drawn == expected
    # And the edges are there: blue (the 3 px pen) where the first layer's third edge runs.
    blue = QColor(drawn.pixel(25, 80))
    assert blue.blue() > 150 and blue.red() < 100


def test_a_painter_without_the_hint_keeps_it_off(qapp) -> None:
    batch = _batch()
    with_hint, _ = _paint_layers(batch, HINTS)
    without, smooth_after = _paint_layers(batch, QPainter.RenderHint.Antialiasing)
    assert not smooth_after
    assert with_hint == without


def test_a_scaling_painter_still_draws_the_lines(qapp) -> None:
    # An export scales: no blit, the lines themselves (as before), and the hints untouched.
    batch = _batch()
    image = _white(200, 340)
    painter = QPainter(image)
    painter.setRenderHints(HINTS)
    painter.scale(2.0, 2.0)
    for layer in batch.layers:
        layer.paint(painter, None, None)
    assert painter.testRenderHint(SMOOTH)
    painter.end()
    assert QColor(image.pixel(50, 160)).blue() > 150  # the 3 px edge, at twice the size
