"""Dataset thumbnails: the pixels are the data, the preset picker shows them, and they are painted once."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSize

from playground.data import Dataset, make_dataset
from playground.data.generators import DATASET_NAMES
from playground.data.palette import OKABE_ITO, hex_to_rgb
from playground.ui.gallery.preset_picker import LIST_ICON, PresetPicker
from playground.ui.gallery.thumbnails import (
    ThumbnailCache,
    pixel_of,
    point_colors,
    preset_sample,
    thumbnail_image,
    thumbnail_pixels,
)
from playground.ui.plots.style import DARK, LIGHT
from playground.ui.shell.theme import apply_theme

WHITE = (255, 255, 255)


def rgb_at(pixels: np.ndarray, point: tuple[float, float], size: int) -> tuple[int, ...]:
    cols, rows = pixel_of(np.array([point]), size)
    return tuple(int(v) for v in pixels[rows[0], cols[0], :3])


def qimage_rgb(image, x: int, y: int) -> tuple[int, int, int]:
    color = image.pixelColor(x, y)
    return color.red(), color.green(), color.blue()


def test_each_point_is_a_disc_of_its_class_colour_on_the_background():
    X = np.array([[-4.0, 4.0], [4.0, -4.0], [0.0, 0.0], [4.0, 4.0]])
    ds = Dataset(X, np.array([0, 1, 2, 1]), "classification", n_classes=3)
    size = 48
    pixels = thumbnail_pixels(ds, size, WHITE, border_rgb=(1, 2, 3))
    assert pixels.shape == (size, size, 4) and pixels.dtype == np.uint8 and np.all(pixels[..., 3] == 255)
    for point, label in zip(X, ds.y):
        assert rgb_at(pixels, tuple(point), size) == hex_to_rgb(OKABE_ITO[label])
    # x2 points up: the point at (-4, 4) is in the top-left quarter.
    cols, rows = pixel_of(X, size)
    assert cols[0] < size / 2 and rows[0] < size / 2 and cols[1] > size / 2 and rows[1] > size / 2
    # Away from the points: the background; along the edge: the frame.
    assert rgb_at(pixels, (-4.0, -4.0), size) == WHITE and rgb_at(pixels, (2.0, 0.0), size) == WHITE
    assert tuple(pixels[0, 10, :3]) == (1, 2, 3) and tuple(pixels[20, -1, :3]) == (1, 2, 3)
    # Each disc is a few pixels across, not one pixel and not a blob.
    coloured = np.any(pixels[1:-1, 1:-1, :3] != 255, axis=-1).sum()
    assert 4 * 4 <= coloured <= 4 * 25


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_every_preset_thumbnail_shows_its_points_in_their_colours(name):
    ds = preset_sample(name)
    size = 40
    pixels = thumbnail_pixels(ds, size, LIGHT.background_rgb)
    cols, rows = pixel_of(ds.X, size)
    shown = pixels[rows, cols, :3]
    expected = point_colors(ds)
    own = np.all(shown == expected, axis=1)
    # A point's centre shows its colour unless a later point sits on the same pixel.
    assert own.mean() >= 0.9, own.mean()
    assert own[-1]
    if ds.task == "regression":  # the highest value is the blue end of the map, the lowest the orange
        hi, lo = np.argmax(ds.y), np.argmin(ds.y)
        assert expected[hi, 2] > expected[hi, 0] and expected[lo, 0] > expected[lo, 2]


def test_the_qimage_has_the_same_pixels_and_the_theme_background():
    ds = make_dataset("gaussians", n=40, noise=0.0, seed=0)
    for dark, theme in ((False, LIGHT), (True, DARK)):
        image = thumbnail_image(ds, 48, dark)
        assert image.size() == QSize(48, 48)
        pixels = thumbnail_pixels(ds, 48, theme.background_rgb, border_rgb=hex_to_rgb(theme.faint))
        for x, y in ((0, 0), (24, 24), (10, 30), (47, 5)):
            assert qimage_rgb(image, x, y) == tuple(int(v) for v in pixels[y, x, :3])
        assert qimage_rgb(image, 2, 45) == theme.background_rgb  # a corner without points


def test_bad_sizes_are_refused_with_a_message():
    with pytest.raises(ValueError, match="thumbnail size"):
        thumbnail_pixels(preset_sample("xor"), 2, WHITE)


def test_the_cache_paints_each_thumbnail_once(qapp):
    cache = ThumbnailCache()
    first = cache.preset_pixmap("spiral", 40, False)
    again = cache.preset_pixmap("spiral", 40, False)
    assert cache.made == 1 and first.cacheKey() == again.cacheKey()
    cache.preset_pixmap("spiral", 40, True)
    cache.preset_pixmap("circle", 40, False)
    assert cache.made == 3


@pytest.fixture
def window(qtbot):
    from playground.ui import MainWindow

    w = MainWindow(make_dataset("circle", n=60, noise=0.0, seed=0))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    apply_theme(w, "light")
    w.close()


def test_the_preset_box_picks_presets_from_pictures_of_their_data(window, qtbot):
    combo = window.data_panel.preset
    picker = window.data_panel.preset_picker
    assert isinstance(picker, PresetPicker)
    for index in range(combo.count()):
        name = combo.itemData(index)
        icon = combo.itemIcon(index)
        if name not in DATASET_NAMES:
            assert icon.isNull()  # "custom" has no picture
            continue
        image = icon.pixmap(LIST_ICON, LIST_ICON).toImage()
        assert image.size() == QSize(LIST_ICON, LIST_ICON)
        ds = preset_sample(name)
        cols, rows = pixel_of(ds.X, LIST_ICON)
        colors = point_colors(ds)
        same = [
            qimage_rgb(image, int(c), int(r)) == tuple(int(v) for v in rgb) for c, r, rgb in zip(cols, rows, colors)
        ]
        assert np.mean(same) >= 0.9, name
    # The popup draws them large, one row each, with the name beside the picture.
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=2000)
    spiral = combo.findData("spiral")
    rect = view.visualRect(combo.model().index(spiral, 0))
    assert rect.height() >= LIST_ICON
    grab = view.grab().toImage()
    ratio = grab.width() / view.width()
    picture = [
        qimage_rgb(grab, int((rect.left() + x) * ratio), int((rect.top() + y) * ratio))
        for x in range(4, LIST_ICON)
        for y in range(2, LIST_ICON)
    ]
    assert {hex_to_rgb(OKABE_ITO[0]), hex_to_rgb(OKABE_ITO[1])} <= set(picture)  # the spiral's two classes
    combo.hidePopup()
    # Choosing a picture generates that preset, as choosing its name did.
    combo.setCurrentIndex(spiral)
    assert window.session.dataset.n_classes == 2 and window.data_panel.recipe.preset == "spiral"


def corner_of_icon(combo, name: str) -> tuple[int, int, int]:
    image = combo.itemIcon(combo.findData(name)).pixmap(LIST_ICON, LIST_ICON).toImage()
    return qimage_rgb(image, 3, LIST_ICON - 4)  # the gaussians leave this corner empty


def test_the_pictures_follow_the_theme_and_are_painted_once_per_theme(window, qtbot):
    combo = window.data_panel.preset
    cache = window.data_panel.preset_picker.cache
    apply_theme(window, "dark")
    qtbot.waitUntil(lambda: corner_of_icon(combo, "gaussians") == DARK.background_rgb, timeout=2000)
    made = cache.made
    apply_theme(window, "light")
    qtbot.waitUntil(lambda: corner_of_icon(combo, "gaussians") == LIGHT.background_rgb, timeout=2000)
    apply_theme(window, "dark")
    qtbot.waitUntil(lambda: corner_of_icon(combo, "gaussians") == DARK.background_rgb, timeout=2000)
    assert cache.made == made  # both themes' pictures were painted before: nothing is painted again
