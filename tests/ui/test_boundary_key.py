"""The boundary map's title, colour key, line legend and Discretize, checked on the pixels drawn."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage

from playground.data import DOMAIN, make_dataset
from playground.data.palette import OKABE_ITO, hex_to_rgb
from playground.training import TrainingConfig, grid_points
from playground.ui import MainWindow
from playground.ui.plots.boundary_view import BoundaryView
from playground.ui.plots.color_key import key_strip, key_texts
from playground.ui.plots.colors import MAP_STRENGTH
from playground.ui.plots.points import value_range
from playground.ui.plots.style import DARK, LIGHT

N = 60


def _grab(widget) -> tuple[np.ndarray, float]:
    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    h, w, stride = img.height(), img.width(), img.bytesPerLine()
    rows = np.frombuffer(img.constBits(), dtype=np.uint8, count=h * stride).reshape(h, stride)
    return rows[:, : w * 4].reshape(h, w, 4)[..., :3].astype(int).copy(), img.devicePixelRatioF()


def _pixel(plot, x, y) -> np.ndarray:
    rgb, dpr = _grab(plot)
    vb = plot.getPlotItem().getViewBox()
    p = plot.viewport().mapTo(plot, plot.mapFromScene(vb.mapViewToScene(QPointF(x, y))))
    return rgb[int(round(p.y() * dpr)), int(round(p.x() * dpr))]


def _shade(hex_color, strength=MAP_STRENGTH, bg=LIGHT.background) -> np.ndarray:
    bg, c = np.array(hex_to_rgb(bg), dtype=float), np.array(hex_to_rgb(hex_color), dtype=float)
    return np.rint(bg + (c - bg) * strength)


def _contains(rgb: np.ndarray, colour, tolerance=2) -> bool:
    return bool((np.abs(rgb - np.asarray(colour)).max(axis=-1) <= tolerance).any())


def _soft_map(k: int) -> np.ndarray:
    """Unsure everywhere (the winner has about 0.45..0.6): confidence shades are pale, hard regions not."""
    G = grid_points(N, DOMAIN)[0]
    logits = (
        np.stack([np.cos(2 * np.pi * c / k) * G[:, 0] + np.sin(2 * np.pi * c / k) * G[:, 1] for c in range(k)], axis=-1)
        * 0.05
    )
    P = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (P / P.sum(axis=1, keepdims=True)).reshape(N, N, k)


@pytest.fixture
def view(qtbot):
    v = BoundaryView()
    qtbot.addWidget(v)
    v.resize(420, 470)
    v.show()
    qtbot.waitExposed(v)
    qtbot.wait(30)
    return v


# -- Discretize ------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [2, 3])
def test_discretized_pixels_are_the_argmax_class_colour(view, qtbot, k):
    plot = view.plot
    plot.set_classes(OKABE_ITO[:k])
    P = _soft_map(k)
    plot.set_map(P, "classification")
    view.discretize_action.setChecked(True)
    assert plot.is_discrete()
    qtbot.wait(10)
    G = grid_points(N, DOMAIN)[0].reshape(N, N, 2)
    checked = 0
    for i in range(4, N, 11):
        for j in range(4, N, 11):
            winner = int(P[i, j].argmax())
            if np.sort(P[i, j])[-1] - np.sort(P[i, j])[-2] < 0.01:
                continue  # on a boundary the pixel may belong to either neighbour
            np.testing.assert_allclose(_pixel(plot, *G[i, j]), _shade(OKABE_ITO[winner]), atol=2)
            checked += 1
    assert checked >= 15
    if k == 2:
        assert len(plot._faint.getData()[0]) == 0  # no confidence lines on hard regions
        assert len(plot._line.getData()[0]) > 0  # the boundary stays
    view.discretize_action.setChecked(False)  # back to shades: a pale, unsure pixel
    pale = _pixel(plot, *G[4, 4])
    assert np.abs(pale - _shade(OKABE_ITO[int(P[4, 4].argmax())])).max() > 30


def test_discretize_is_in_the_view_menu_and_off_for_regression(qtbot):
    ds = make_dataset("plane", n=80, noise=0.1, seed=0)
    w = MainWindow(ds, TrainingConfig(hidden=(4,), seed=0))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.session.latest_frame is not None, timeout=5000)
    qtbot.waitUntil(lambda: w._drawn is w.session.latest_frame, timeout=2000)
    action = w.boundary_view.discretize_action
    assert action in w.menu("&View").actions()
    assert w.boundary_view.title_text() == "Prediction"
    assert not action.isEnabled()
    w.close()


# -- titles and keys -------------------------------------------------------------------------


def test_classification_key_fades_from_pale_at_50_to_the_map_colour_at_100(view, qtbot):
    plot = view.plot
    plot.set_map(_soft_map(2), "classification")
    assert view.title_text() == "Decision boundary"
    scale = plot.map_scale()
    assert scale.kind == "confidence" and key_texts(scale)[:2] == ("50%", "100%")
    strip = key_strip(scale)
    for c, colour in enumerate(OKABE_ITO[:2]):
        np.testing.assert_array_equal(strip[c, 0, :3], hex_to_rgb(LIGHT.background))  # chance: pale
        np.testing.assert_allclose(strip[c, -1, :3], _shade(colour), atol=1)  # sure: as on the map
    qtbot.wait(10)
    rgb, _ = _grab(view.key)
    for colour in OKABE_ITO[:2]:
        assert _contains(rgb, _shade(colour)), colour
    assert (scale.solid, scale.faint) == ("50%", "75%")  # the solid and the dashed lines are named


def test_regression_title_and_value_bar_say_which_colour_is_positive(view, qtbot):
    plot = view.plot
    y = np.array([-0.5, 2.0, 0.3])
    plot.set_points(np.zeros((3, 2)), y, None, "regression")
    G = grid_points(N, DOMAIN)[0]
    plot.set_map((G[:, 0] / 3).reshape(N, N), "regression")
    assert view.title_text() == "Prediction"
    assert not view.discretize_action.isEnabled()
    scale = plot.map_scale()
    assert (scale.low, scale.high) == (-2.0, 2.0)  # symmetric about 0: pale = 0
    assert key_texts(scale) == ("\u22122", "2", "blue = positive")
    strip = key_strip(scale)[0]
    assert strip[0, 0] > strip[0, 2] and strip[-1, 2] > strip[-1, 0]  # orange low end, blue high end
    np.testing.assert_allclose(strip[len(strip) // 2, :3], hex_to_rgb(LIGHT.background), atol=8)
    # The map agrees: blue where the prediction is positive.
    right = _pixel(plot, 5.0, 0.0)
    assert right[2] > right[0]
    qtbot.wait(10)
    rgb, _ = _grab(view.key)
    assert _contains(rgb, strip[-1, :3]) and _contains(rgb, strip[0, :3])


def test_value_range_is_symmetric_when_it_contains_zero():
    assert value_range(np.array([-0.5, 2.0])) == (-2.0, 2.0)
    assert value_range(np.array([1.0, 3.0])) == (1.0, 3.0)  # all positive: no zero to centre on
    assert value_range(np.array([np.nan, 4.0, 4.0])) == (-1.0, 1.0)


def test_unit_map_key_shows_the_units_range_and_keeps_the_title(view, qtbot):
    plot = view.plot
    plot.set_map(_soft_map(2), "classification")
    plot.show_unit_map(np.zeros((N, N)), -1.0, 1.0, 0.0, "layer 1, unit 2")
    scale = plot.map_scale()
    assert scale.kind == "values" and (scale.low, scale.high) == (-1.0, 1.0) and scale.solid
    assert view.title_text() == "Decision boundary"
    plot.show_output_map()
    assert plot.map_scale().kind == "confidence"


def test_dark_theme_key_uses_the_dark_map_colours(view, qtbot):
    view.plot.set_map(_soft_map(2), "classification")
    view.plot.apply_theme(True)
    strip = key_strip(view.plot.map_scale())
    np.testing.assert_array_equal(strip[0, 0, :3], hex_to_rgb(DARK.background))
    np.testing.assert_allclose(strip[1, -1, :3], _shade(OKABE_ITO[1], bg=DARK.background), atol=1)


def test_key_fits_in_one_line_outside_the_plot_at_1280x720(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.session.latest_frame is not None, timeout=5000)
    qtbot.waitUntil(lambda: w._drawn is w.session.latest_frame, timeout=2000)
    qtbot.wait(50)
    key, plot = w.boundary_view.key, w.boundary_plot
    assert key.isVisible()
    assert key.width() >= key.sizeHint().width()  # not clipped
    assert key.height() <= 2 * key.fontMetrics().height()  # one line
    top_of_plot = plot.mapTo(w, plot.rect().topLeft()).y()
    assert key.mapTo(w, key.rect().bottomLeft()).y() <= top_of_plot  # above the plot: hides no data
    w.close()
