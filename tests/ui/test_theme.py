"""Themes: the whole window switches (plots' pixels, Qt palette); the class palette recolours the data."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from tutorial_window import shared_window, window  # noqa: F401 - the fixtures

from playground.data.palette import OKABE_ITO
from playground.ui.plots.style import DARK, LIGHT
from playground.ui.shell.theme import TOL_BRIGHT, apply_class_palette, apply_theme, theme_state


def _corner(plot) -> QColor:
    """A pixel of the plot's background, outside the axes."""
    image = plot.grab().toImage()
    return image.pixelColor(image.width() - 3, 3)


@pytest.fixture
def as_found(shared_window):
    """The module's shared window, put back in the light theme and the default class palette
    after each test, whatever it did: the next test finds it as the app starts."""
    yield shared_window
    apply_theme(shared_window, "light")  # the palette is the application's: leave it as found
    apply_class_palette(shared_window, "okabe-ito")


def test_dark_theme_switches_every_plot_and_the_palette(as_found, qtbot):
    window = as_found
    plots = (window.boundary_plot, window.activation_plot, window.loss_plot, window.gradient_plot)
    assert all(_corner(p).name().upper() == LIGHT.background for p in plots)
    seen = []
    record = lambda theme, palette: seen.append(theme)  # noqa: E731
    theme_state(window).changed.connect(record)
    try:
        apply_theme(window, "dark")
    finally:
        theme_state(window).changed.disconnect(record)  # the window outlives this test
    qtbot.wait(20)
    assert all(_corner(p).name().upper() == DARK.background for p in plots)
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80
    assert window.findChild(type(window.menu("&View").menuAction()), "theme-dark").isChecked()
    assert seen == ["dark"]
    apply_theme(window, "light")
    qtbot.wait(20)
    assert all(_corner(p).name().upper() == LIGHT.background for p in plots)
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 180


def test_unknown_theme_is_refused(as_found):
    with pytest.raises(ValueError, match="light, dark"):
        apply_theme(as_found, "blue")


def test_high_contrast_palette_recolours_data_and_new_presets(window):
    apply_class_palette(window, "tol-bright")
    assert window.session.dataset.class_colors == TOL_BRIGHT[:2]
    undo_steps = window.session.undo_stack.count()
    # A new preset arrives in the default colours and is recoloured; the recolouring is no undo step.
    window.session.generate("blobs", n=60, noise=0.1, seed=1, classes=3)
    assert window.session.dataset.class_colors == TOL_BRIGHT[:3]
    assert window.session.undo_stack.count() == undo_steps + 1
    apply_class_palette(window, "okabe-ito")
    assert window.session.dataset.class_colors == OKABE_ITO[:3]


def test_boundary_pixels_follow_the_palette(as_found, qtbot):
    window = as_found
    plot = window.boundary_plot
    dataset = window.session.dataset
    x, y = dataset.X[dataset.y == 0][0]
    pos = plot.mapFromScene(plot.getPlotItem().getViewBox().mapViewToScene(QPointF(x, y)))

    def hue_at() -> int:
        return plot.grab().toImage().pixelColor(pos.x(), pos.y()).hue()

    okabe = hue_at()
    apply_class_palette(window, "tol-bright")
    qtbot.wait(60)
    assert abs(hue_at() - okabe) > 20  # orange became blue
    apply_class_palette(window, "okabe-ito")
    qtbot.wait(60)
    assert abs(hue_at() - okabe) <= 5


def test_style_sheet_widgets_follow_a_theme_switch(as_found, qtbot):
    """The Export button (it has a style sheet of its own) took the text colour of the theme the
    app started in; the timeline label too. Both follow a switch, either way."""
    window = as_found
    from PySide6.QtWidgets import QToolButton

    export = window.findChild(QToolButton, "exportButton-boundary")
    label = window.timeline_row.label

    def text_lightness(widget) -> int:
        return widget.palette().color(widget.foregroundRole()).lightness()

    assert text_lightness(export) < 80 and text_lightness(label) < 80
    apply_theme(window, "dark")
    qtbot.wait(20)
    assert text_lightness(export) > 180 and text_lightness(label) > 180
    apply_theme(window, "light")
    qtbot.wait(20)
    assert text_lightness(export) < 80 and text_lightness(label) < 80
