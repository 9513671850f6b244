"""A layer's thumbnails straight in the pixel format Qt paints fastest, from their colour table's rows.

``rgba_image.argb32_images`` turns finished RGBA thumbnails into premultiplied ARGB32
by reordering every pixel's bytes (for 10 layers of 64 at 40 x 40 cells: 0.4 ms a
layer). A hidden unit's thumbnail is a lookup in one 256-colour table, so the table
is converted once instead (by ``argb32_images`` itself, so the byte order is its own)
and each frame gathers both the RGBA pixels (what ``NetworkDiagram.node_image``
reports) and the ARGB32 ones (what ``items.UnitMaps`` paints) as one 4-byte word per pixel.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PySide6.QtGui import QImage

from ..plots.rgba_image import argb32_images
from ..plots.unit_maps import value_table


def value_thumbnails(index: np.ndarray, background: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, QImage.Format]:
    """``(rgba, words, fmt)`` for ``(units, h, w)`` rows of ``unit_maps.value_table(background)``:
    the ``(units, h, w, 4)`` RGBA thumbnails, the same pixels as ``(units, h, w)`` words of the
    ARGB32 format ``fmt`` that Qt paints (``UnitMaps.show_pixels``)."""
    rgba_words, argb_words, fmt = _tables(tuple(background))
    if index.ndim != 3:
        raise ValueError(f"value_thumbnails: expected a (units, h, w) index, got shape {index.shape}")
    rgba = rgba_words[index].view(np.uint8).reshape(index.shape + (4,))
    return rgba, argb_words[index], fmt


@lru_cache(maxsize=4)
def _tables(background: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, QImage.Format]:
    """The value table's colours as RGBA words and as the ARGB32 words Qt paints, and that format."""
    table = value_table(background)
    images, argb = argb32_images(table[:, None, None, :])  # one 1 x 1 image per colour
    rgba_words = table.view(np.uint32).ravel()
    argb_words = np.ascontiguousarray(argb).view(np.uint32).ravel()
    argb_words.flags.writeable = False
    return rgba_words, argb_words, images[0].format()  # the whole table's opacity decided it
