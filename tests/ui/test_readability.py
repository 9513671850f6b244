"""Readable at 1280x720, in normal and presentation mode, in both themes.

Measured on the laid-out window, as a person (or a camera) sees it:
- no text overlaps other text: the window's labels and controls (their visible
  rectangles), and inside each plot the axis titles, the tick labels and the legend;
- every legend leaves at least two thirds of its plot's height to the plot;
- the boundary plot shows the data domain, not far beyond it;
- every text has a WCAG contrast ratio of at least 4.5 against what it is drawn on,
  taken from the colours actually used (the widgets' resolved palettes, the plots' theme
  colours and the legend entries' own colours).
"""

from __future__ import annotations

import itertools

import pyqtgraph as pg
import pytest
from axis_specs import draw_specs
from PySide6.QtCore import QRect, QRectF
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLabel,
    QScrollArea,
    QSlider,
    QToolButton,
    QWidget,
)
from shared_window import close, settle, shared_data_dir, show, wait_until

from playground.data import DOMAIN
from playground.ui import MainWindow
from playground.ui.plots.style import ThemedPlot
from playground.ui.shell.presentation import set_presentation
from playground.ui.shell.theme import apply_theme

MIN_CONTRAST = 4.5  # WCAG 2 AA for normal text
TEXT_WIDGETS = (QLabel, QAbstractButton, QComboBox, QAbstractSpinBox, QSlider)


# ---------------------------------------------------------------- colour measures
def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def luminance(color: QColor) -> float:
    """WCAG relative luminance of ``color`` (its alpha ignored)."""
    r, g, b = (_linear(c) for c in (color.redF(), color.greenF(), color.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_matches_wcag_examples():
    assert contrast(QColor("#000000"), QColor("#FFFFFF")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("#FFFFFF")) == pytest.approx(4.48, abs=0.01)
    assert contrast(QColor("#262626"), QColor("#FFFFFF")) > 14


# ------------------------------------------------------------------- the windows
@pytest.fixture(
    scope="module",
    params=[("light", False), ("dark", False), ("light", True), ("dark", True)],
    ids=["light", "dark", "light-presentation", "dark-presentation"],
)
def shown(request, qapp, tmp_path_factory):
    """The default session's window at 1280x720 after 20 epochs, in each theme and mode.

    It starts in the other theme and switches once shown: what was styled at the start
    must follow (the Export button and the timeline label kept their first colours).
    Every test here only measures the window, so the tests of one theme and mode share it."""
    theme, presenting = request.param
    with shared_data_dir(tmp_path_factory.mktemp("data")):
        window = MainWindow()
        try:
            apply_theme(window, "light" if theme == "dark" else "dark")
            show(window)
            settle(50)
            apply_theme(window, theme)
            window.resize(1280, 720)
            if presenting:
                set_presentation(window, True)
                window.resize(1280, 720)  # its recording size, which it fits to the 800x800 offscreen screen
            window.session.step(20)
            wait_until(lambda: _frame_epoch(window) == 20, timeout_ms=15000, what="the frame of epoch 20")
            settle(300)  # the last frame drawn, legends refitted, the layouts settled
            yield window
        finally:
            if presenting:
                set_presentation(window, False)
            apply_theme(window, "light")  # the palette is the application's: leave it as found
            close(window)


def _frame_epoch(window: MainWindow) -> int | None:
    frame = window.session.latest_frame
    return None if frame is None else frame.epoch


def _visible_rect(widget: QWidget, window: QWidget) -> QRect:
    """``widget``'s rectangle in window coordinates, clipped by every ancestor (scroll areas)."""
    rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        rect &= QRect(parent.mapTo(window, parent.rect().topLeft()), parent.size())
        parent = parent.parentWidget()
    return rect


def _text_widgets(window: QWidget) -> list[QWidget]:
    found = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, TEXT_WIDGETS) or not widget.isVisible():
            continue
        if isinstance(widget, QLabel) and not widget.text().strip() and widget.pixmap().isNull():
            continue  # an empty label draws nothing
        if isinstance(widget.parentWidget(), (QComboBox, QAbstractSpinBox)):
            continue  # the parts of a control belong to it
        if not _visible_rect(widget, window).isEmpty():
            found.append(widget)
    return found


def _related(a: QWidget, b: QWidget) -> bool:
    return a.isAncestorOf(b) or b.isAncestorOf(a)


# ------------------------------------------------------------------------ widgets
def test_no_text_widget_overlaps_another(shown):
    widgets = _text_widgets(shown)
    assert len(widgets) > 20
    rects = {widget: _visible_rect(widget, shown) for widget in widgets}  # each mapped once, not per pair
    overlaps = []
    for a, b in itertools.combinations(widgets, 2):
        if not rects[a].intersects(rects[b]) or _related(a, b):
            continue
        common = rects[a] & rects[b]
        if common.width() > 1 and common.height() > 1:
            overlaps.append(
                (a.objectName() or type(a).__name__, _describe(a), b.objectName() or type(b).__name__, _describe(b))
            )
    assert not overlaps


def _describe(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    return text() if callable(text) else ""


def _background(widget: QWidget) -> QColor:
    """The colour ``widget``'s text is drawn on: a raised button's or a field's own face, else
    the nearest ancestor that fills its background (the window itself paints its Window colour)."""
    flat = isinstance(widget, QToolButton) and widget.autoRaise()
    if isinstance(widget, (QAbstractButton, QComboBox)) and not flat and not isinstance(widget, QCheckBox):
        return widget.palette().color(QPalette.ColorRole.Button)
    if isinstance(widget, QAbstractSpinBox):
        return widget.palette().color(QPalette.ColorRole.Base)
    holder = widget
    while not holder.autoFillBackground() and holder.parentWidget() is not None and not holder.isWindow():
        holder = holder.parentWidget()
    return holder.palette().color(holder.backgroundRole())


def _foreground(widget: QWidget) -> QColor:
    if isinstance(widget, (QAbstractButton, QComboBox)) and not isinstance(widget, QCheckBox):
        return widget.palette().color(QPalette.ColorRole.ButtonText)
    if isinstance(widget, QAbstractSpinBox):
        return widget.palette().color(QPalette.ColorRole.Text)
    return widget.palette().color(QPalette.ColorRole.WindowText)


def test_every_enabled_text_has_contrast(shown):
    low = []
    for widget in _text_widgets(shown):
        if not widget.isEnabled() or isinstance(widget, QSlider):
            continue  # WCAG exempts inactive controls; a slider has no text
        ratio = contrast(_foreground(widget), _background(widget))
        if ratio < MIN_CONTRAST:
            low.append((widget.objectName() or type(widget).__name__, _describe(widget), round(ratio, 2)))
    assert not low


# -------------------------------------------------------------------------- plots
def _tick_rects(axis: pg.AxisItem) -> list[QRectF]:
    """The scene rectangles of ``axis``'s tick labels, as pyqtgraph lays them out to paint."""
    if not axis.isVisible() or axis.style["showValues"] is False:
        return []
    specs = draw_specs(axis)
    if specs is None:
        return []
    return [axis.mapRectToScene(QRectF(rect)) for rect, _, text in specs[2] if text]


def _plot_texts(plot: ThemedPlot) -> list[tuple[str, QRectF]]:
    item = plot.getPlotItem()
    texts = []
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        if not axis.isVisible():
            continue
        texts += [(f"{name} tick", rect) for rect in _tick_rects(axis)]
        if axis.label.isVisible() and axis.labelText:
            texts.append((f"{name} title", _glyphs(axis.label)))
    for legend in _legends(plot):
        # Each entry's text and line sample, not the legend's box (its margins hide nothing).
        for sample, label in legend.items:
            texts.append((f"legend {label.text}", _glyphs(label.item)))
            texts.append((f"legend sample {label.text}", sample.sceneBoundingRect()))
    return texts


def _glyphs(item) -> QRectF:
    """A QGraphicsTextItem's text area in the scene, without its document's margin (empty)."""
    margin = item.document().documentMargin()
    rect = item.boundingRect().adjusted(margin, margin, -margin, -margin)
    return item.mapRectToScene(rect)


def _legends(plot: ThemedPlot) -> list[pg.LegendItem]:
    return [i for i in plot.scene().items() if isinstance(i, pg.LegendItem) and i.isVisible() and i.items]


def _shrunk(rect: QRectF, by: float = 1.0) -> QRectF:
    return rect.adjusted(by, by, -by, -by)  # text boxes include a pixel of leading


def test_no_axis_text_or_legend_overlaps_another(shown):
    crowded = []
    for plot in shown.findChildren(ThemedPlot):
        if not plot.isVisible():
            continue
        texts = _plot_texts(plot)
        assert texts, plot.objectName()
        for (name_a, a), (name_b, b) in itertools.combinations(texts, 2):
            if "tick" in name_a and "tick" in name_b and name_a != name_b:
                continue  # ticks of two axes meet only at the corner, where pyqtgraph offsets them
            if _shrunk(a).intersects(_shrunk(b)):
                crowded.append((plot.objectName(), name_a, name_b, a.getRect(), b.getRect()))
    assert not crowded


def test_every_legend_leaves_two_thirds_of_its_plot(shown):
    checked = 0
    for plot in shown.findChildren(ThemedPlot):
        for legend in _legends(plot):
            assert legend.sceneBoundingRect().height() <= plot.height() / 3, plot.objectName()
            checked += 1
    assert checked >= 2  # the loss and gradient legends at least


def test_plot_texts_have_contrast(shown):
    low = []
    for plot in shown.findChildren(ThemedPlot):
        background = QColor(plot.theme.background)
        colours = [("axes", QColor(plot.theme.foreground))]
        for legend in _legends(plot):
            colours += [
                (label.text, QColor(label.opts.get("color") or plot.theme.foreground)) for _, label in legend.items
            ]
        low += [
            (plot.objectName(), name, round(contrast(c, background), 2))
            for name, c in colours
            if contrast(c, background) < MIN_CONTRAST
        ]
    assert not low


def test_boundary_plot_shows_the_data_domain(shown):
    """The view may pad the domain a little, not show a third more on either axis (it showed
    -10 to 10 for data in -6 to 6)."""
    (x0, x1), (y0, y1) = shown.boundary_plot.getPlotItem().getViewBox().viewRange()
    span = DOMAIN[1] - DOMAIN[0]
    assert (x1 - x0) <= 1.15 * span and (y1 - y0) <= 1.15 * span
    assert x0 <= DOMAIN[0] and x1 >= DOMAIN[1] and y0 <= DOMAIN[0] and y1 >= DOMAIN[1]


def test_side_panels_or_lesson_strip(shown):
    """Normal mode shows the side panels; presentation mode the lesson strip instead."""
    panels = shown.findChild(QScrollArea, "sidePanels").isVisible()
    strip = shown.findChild(QWidget, "lessonStrip").isVisible()
    assert panels != strip
