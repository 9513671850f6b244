"""Small pictures of datasets: the preset picker's icons and the example gallery's tiles.

A thumbnail is the plane ``DOMAIN`` squeezed into a square of ``size`` pixels on
the theme's plot background, each point a small disc in its class colour (in
regression, its value on the plots' diverging orange-blue map). It is painted
with numpy into an RGBA array (one stamped disc offset at a time over every
point, so 200 points at 48 px cost well under a millisecond) and only then
wrapped in a ``QImage``; the pixels are what a test compares with the data.

Thumbnails are cached: a preset's sample is drawn once per size, theme and
palette, so opening the picker again costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage, QPixmap

from ...data import DOMAIN, Dataset, make_dataset
from ...data.palette import hex_to_rgb
from ..plots.colors import value_index, value_lut
from ..plots.points import value_range
from ..plots.style import theme_for

SAMPLE_POINTS = 150  # enough to show a preset's shape at 48 px, few enough to stay apart
SAMPLE_NOISE = 0.1
_REGRESSION_CENTRE = (190, 190, 190)  # as the plots' points: a mid value stays visible on white


def point_radius(size: int) -> int:
    """The radius of a point's disc in a thumbnail ``size`` pixels wide (1 px at the smallest)."""
    return max(1, round(size / 40))


Extent = tuple[float, float, float]
"""The square a thumbnail shows: its left, its bottom and its width, in plot units."""
PLANE: Extent = (DOMAIN[0], DOMAIN[0], DOMAIN[1] - DOMAIN[0])


def fitted_extent(X: np.ndarray) -> Extent:
    """The whole plane, or for data in a small part of it (the XOR table in the unit square)
    a square around the data with a margin, so the picture shows its shape."""
    X = np.asarray(X, dtype=np.float64)
    if len(X) == 0:
        return PLANE
    low, high = X.min(axis=0), X.max(axis=0)
    span = float(max(high - low))
    if span >= PLANE[2] / 2:
        return PLANE
    width = max(1.3 * span, 0.5)
    centre = (low + high) / 2
    return (float(centre[0] - width / 2), float(centre[1] - width / 2), width)


def pixel_of(X: np.ndarray, size: int, extent: Extent = PLANE) -> tuple[np.ndarray, np.ndarray]:
    """The (column, row) of each point of ``X`` (n, 2) in a thumbnail ``size`` wide showing
    ``extent``; x2 points up."""
    left, bottom, width = extent
    scale = size / width
    cols = np.clip(((np.asarray(X[:, 0]) - left) * scale).astype(np.intp), 0, size - 1)
    rows = np.clip(((bottom + width - np.asarray(X[:, 1])) * scale).astype(np.intp), 0, size - 1)
    return cols, rows


def point_colors(dataset: Dataset, class_colors: Sequence[str] | None = None) -> np.ndarray:
    """(n, 3) uint8: each point's colour, its class's (``class_colors`` or the dataset's) or its value's."""
    if dataset.task == "regression":
        lo, hi = value_range(dataset.y)
        return value_lut(_REGRESSION_CENTRE)[value_index(dataset.y, lo, hi), :3]
    palette = np.array([hex_to_rgb(c) for c in (class_colors or dataset.class_colors)], dtype=np.uint8)
    return palette[np.asarray(dataset.y, dtype=np.intp)]


def thumbnail_pixels(
    dataset: Dataset,
    size: int,
    background_rgb: Sequence[int],
    class_colors: Sequence[str] | None = None,
    border_rgb: Sequence[int] | None = None,
    extent: Extent = PLANE,
) -> np.ndarray:
    """``(size, size, 4)`` uint8 RGBA: ``dataset``'s points as discs on ``background_rgb``,
    framed by a one-pixel ``border_rgb`` line if given, showing the square ``extent`` of the plane.

    Points are painted in the dataset's order, a later one over an earlier one.
    """
    if not 8 <= size <= 1024:
        raise ValueError(f"thumbnail size: expected 8..1024 pixels, got {size}")
    image = np.empty((size, size, 4), dtype=np.uint8)
    image[..., :3] = np.asarray(background_rgb, dtype=np.uint8)
    image[..., 3] = 255
    if dataset.n == 0:
        return image
    cols, rows = pixel_of(dataset.X, size, extent)
    colors = point_colors(dataset, class_colors)
    r = point_radius(size)
    # The disc's offsets, centre last so that every point's own centre pixel shows its colour
    # unless a later point covers it.
    offsets = [(dx, dy) for dy in range(-r, r + 1) for dx in range(-r, r + 1) if dx * dx + dy * dy <= r * r + r]
    offsets.sort(key=lambda d: -(d[0] ** 2 + d[1] ** 2))
    for dx, dy in offsets:
        x, y = cols + dx, rows + dy
        inside = (x >= 0) & (x < size) & (y >= 0) & (y < size)
        image[y[inside], x[inside], :3] = colors[inside]
    # Centres once more, so that an earlier point's rim never hides a later point's centre.
    image[rows, cols, :3] = colors
    if border_rgb is not None:  # a frame, so a thumbnail on a background of its own colour has an edge
        image[[0, -1], :, :3] = border_rgb
        image[:, [0, -1], :3] = border_rgb
    return image


def to_qimage(pixels: np.ndarray) -> QImage:
    """An RGBA array as a QImage that owns a copy of the pixels."""
    h, w = pixels.shape[:2]
    data = np.ascontiguousarray(pixels)
    return QImage(data.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()


def thumbnail_image(
    dataset: Dataset,
    size: int,
    dark: bool,
    class_colors: Sequence[str] | None = None,
    extent: Extent = PLANE,
) -> QImage:
    """``dataset``'s thumbnail on the plots' background of the light or dark theme, framed in its faint grey."""
    theme = theme_for(dark)
    rgb = thumbnail_pixels(dataset, size, theme.background_rgb, class_colors, hex_to_rgb(theme.faint), extent)
    return to_qimage(rgb)


def preset_sample(name: str) -> Dataset:
    """The sample of preset ``name`` its thumbnail shows (the same points every time)."""
    return make_dataset(name, n=SAMPLE_POINTS, noise=SAMPLE_NOISE, seed=0)


class ThumbnailCache:
    """Thumbnails made once: presets by ``(name, size, dark, colours)``, any dataset by a caller's key."""

    def __init__(self) -> None:
        self._pixmaps: dict[tuple[object, ...], QPixmap] = {}
        self._samples: dict[str, Dataset] = {}
        self.made = 0  # thumbnails painted so far (a test checks that the cache holds)

    def preset_pixmap(self, name: str, size: int, dark: bool, class_colors: Sequence[str] | None = None) -> QPixmap:
        """The thumbnail of preset ``name``."""
        colors = tuple(class_colors) if class_colors else None
        key = ("preset", name, size, dark, colors)
        if key not in self._pixmaps:
            if name not in self._samples:
                self._samples[name] = preset_sample(name)
            self._pixmaps[key] = self._paint(self._samples[name], size, dark, colors)
        return self._pixmaps[key]

    def preset_icon(self, name: str, size: int, dark: bool, class_colors: Sequence[str] | None = None) -> QIcon:
        """``preset_pixmap`` as an icon."""
        icon = QIcon()
        icon.addPixmap(self.preset_pixmap(name, size, dark, class_colors))
        return icon

    def dataset_pixmap(self, key: object, dataset: Dataset, size: int, dark: bool) -> QPixmap:
        """The thumbnail of ``dataset`` (zoomed to data in a small part of the plane), cached
        under ``key`` (such as a file's path)."""
        full = ("dataset", key, size, dark)
        if full not in self._pixmaps:
            self._pixmaps[full] = self._paint(dataset, size, dark, None, fitted_extent(dataset.X))
        return self._pixmaps[full]

    def _paint(
        self, dataset: Dataset, size: int, dark: bool, colors: Sequence[str] | None, extent: Extent = PLANE
    ) -> QPixmap:
        self.made += 1
        return QPixmap.fromImage(thumbnail_image(dataset, size, dark, colors, extent))


def icon_size(size: int) -> QSize:
    """A square QSize."""
    return QSize(size, size)
