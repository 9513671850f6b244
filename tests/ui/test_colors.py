"""Colour maps of the plots: pure numpy, checked value by value."""

import numpy as np
import pytest

from playground.data.palette import OKABE_ITO
from playground.ui.plots.colors import (
    MAP_STRENGTH,
    class_rgb,
    probability_image,
    value_image,
    value_lut,
)

WHITE = (255, 255, 255)
ORANGE, SKY = np.array([230, 159, 0]), np.array([86, 180, 233])


def blend(color, strength=MAP_STRENGTH, bg=WHITE):
    return np.rint(np.asarray(bg) + (np.asarray(color) - np.asarray(bg)) * strength)


def test_class_rgb():
    rgb = class_rgb(OKABE_ITO[:3])
    assert rgb.dtype == np.uint8 and rgb.shape == (3, 3)
    assert rgb[0].tolist() == ORANGE.tolist()
    assert rgb[1].tolist() == SKY.tolist()


def test_probability_image_colours_by_winner_and_confidence():
    P = np.array([[[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.25, 0.75]]])  # (1, 4, 2)
    img = probability_image(P, class_rgb(OKABE_ITO[:2]), WHITE)
    assert img.shape == (1, 4, 4) and img.dtype == np.uint8 and img.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(img[0, 0, :3], blend(ORANGE))
    np.testing.assert_array_equal(img[0, 1, :3], blend(SKY))
    np.testing.assert_array_equal(img[0, 2, :3], WHITE)  # undecided: the background
    # p = 0.75 of two classes is confidence 0.5: half way to the capped colour (within LUT rounding).
    np.testing.assert_allclose(img[0, 3, :3], blend(SKY, MAP_STRENGTH * 0.5), atol=1)
    assert (img[..., 3] == 255).all()


def test_probability_image_two_class_shortcut_matches_full_form():
    rng = np.random.default_rng(0)
    p1 = rng.random((5, 7))
    colors = class_rgb(OKABE_ITO[:2])
    full = probability_image(np.stack([1 - p1, p1], axis=-1), colors, WHITE)
    np.testing.assert_array_equal(probability_image(p1, colors, WHITE), full)


def test_probability_image_k_classes_uses_uniform_baseline():
    k = 4
    colors = class_rgb(OKABE_ITO[:k])
    uniform = np.full((1, 1, k), 1.0 / k)
    certain = np.zeros((1, 1, k))
    certain[..., 2] = 1.0
    assert probability_image(uniform, colors, WHITE)[0, 0, :3].tolist() == list(WHITE)
    np.testing.assert_array_equal(probability_image(certain, colors, WHITE)[0, 0, :3], blend(colors[2]))


def test_probability_image_keeps_row_order():
    P = np.zeros((3, 2, 2))
    P[0, :, 0] = 1.0  # bottom row class 0
    P[2, :, 1] = 1.0  # top row class 1
    P[1] = 0.5
    img = probability_image(P, class_rgb(OKABE_ITO[:2]), WHITE)
    np.testing.assert_array_equal(img[0, 0, :3], blend(ORANGE))
    np.testing.assert_array_equal(img[2, 1, :3], blend(SKY))


def test_probability_image_non_finite_is_background():
    P = np.array([[[np.nan, 0.5], [np.inf, 0.0], [1.0, 0.0]]])
    img = probability_image(P, class_rgb(OKABE_ITO[:2]), (30, 31, 34))
    assert img[0, 0, :3].tolist() == [30, 31, 34]
    assert img[0, 1, :3].tolist() == [30, 31, 34]
    assert img[0, 2, :3].tolist() != [30, 31, 34]


def test_probability_image_needs_a_colour_per_class():
    with pytest.raises(ValueError, match="3 classes"):
        probability_image(np.full((2, 2, 3), 1 / 3), class_rgb(OKABE_ITO[:2]), WHITE)


def test_value_image_diverges_from_background():
    V = np.array([[-1.0, 0.0, 1.0, -5.0, 5.0, np.nan]])
    img = value_image(V, -1.0, 1.0)
    low, mid, high = img[0, 0, :3].astype(int), img[0, 1, :3].astype(int), img[0, 2, :3].astype(int)
    assert low[0] > low[2]  # orange end: more red than blue
    assert high[2] > high[0]  # blue end
    assert abs(mid - 255).max() <= 3  # the centre is (almost) the background
    np.testing.assert_array_equal(img[0, 3], img[0, 0])  # clipped to the range
    np.testing.assert_array_equal(img[0, 4], img[0, 2])
    assert abs(img[0, 5, :3].astype(int) - 255).max() <= 3  # NaN: the centre


def test_value_lut_lightness_grows_toward_the_centre():
    lut = value_lut().astype(float)
    lightness = lut[:, :3] @ np.array([0.2126, 0.7152, 0.0722])
    assert (np.diff(lightness[:128]) >= -1e-9).all()  # dark orange -> white
    assert (np.diff(lightness[128:]) <= 1e-9).all()  # white -> dark blue


def test_class_region_image_is_the_full_class_colour_or_background():
    from playground.ui.plots.colors import class_region_image, winning_class

    P = np.array([[[0.55, 0.45], [0.1, 0.9], [np.nan, 0.5]]])
    classes = winning_class(P)
    assert classes.tolist() == [[0, 1, -1]]
    img = class_region_image(classes, class_rgb(OKABE_ITO[:2]), WHITE)
    assert img.shape == (1, 3, 4) and img.dtype == np.uint8
    np.testing.assert_array_equal(img[0, 0, :3], blend(ORANGE))  # however unsure: the full colour
    np.testing.assert_array_equal(img[0, 1, :3], blend(SKY))
    np.testing.assert_array_equal(img[0, 2, :3], WHITE)  # no finite probability: background
    np.testing.assert_array_equal(winning_class(np.array([[0.2, 0.7]])), [[0, 1]])  # (h, w): p of class 1
    with pytest.raises(ValueError, match="class 2 in the regions but only 2 class colours"):
        class_region_image(np.array([[2]]), class_rgb(OKABE_ITO[:2]), WHITE)


def _argmax_colours(P, colors, background):
    """probability_image's rule written out with argmax for any class count: the winner's
    colour toward the background by the confidence, the background where p is not finite."""
    k = P.shape[-1]
    winner = P.argmax(axis=-1)
    p_max = np.take_along_axis(P, winner[..., None], axis=-1)[..., 0]
    with np.errstate(invalid="ignore"):
        confidence = np.where(np.isfinite(p_max), np.clip((p_max - 1 / k) / (1 - 1 / k), 0, 1), 0.0)
    q = (confidence * 255 + 0.5).astype(int)
    bg = np.asarray(background, dtype=np.float64)
    t = np.linspace(0.0, 1.0, 256)[q]  # the lookup table's steps
    rgb = bg + (colors.astype(np.float64)[winner] - bg) * (MAP_STRENGTH * t)[..., None]
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def test_two_class_maps_take_the_winners_colour_with_nan_infinite_and_tied_pixels():
    rng = np.random.default_rng(11)
    p1 = rng.random((30, 40))
    p1[0, :4] = (np.nan, np.inf, -np.inf, 0.5)
    P = np.stack([1.0 - p1, p1], axis=-1)
    P[1, 0] = (np.nan, 0.4)  # class 0 not finite
    P[1, 1] = (0.3, 0.3)  # a tie that does not sum to 1
    P[1, 2] = (np.inf, 0.2)
    colors = class_rgb(("#E69F00", "#56B4E9"))
    image = probability_image(P, colors, (30, 31, 34))
    assert image.shape == (30, 40, 4) and (image[..., 3] == 255).all()
    np.testing.assert_array_equal(image[..., :3], _argmax_colours(P, colors, (30, 31, 34)))
    assert (image[0, :3, :3] == (30, 31, 34)).all() and (image[1, :3, :3] == (30, 31, 34)).all()
    # The (h, w) form is the probability of class 1.
    np.testing.assert_array_equal(
        probability_image(p1, colors, (30, 31, 34)),
        probability_image(np.stack([1.0 - p1, p1], axis=-1), colors, (30, 31, 34)),
    )
