"""Presentation mode: larger text, thicker lines, bigger markers, no side panels, recording size; and back."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QScrollArea

from playground.ui.plots.style import LABEL_PT
from playground.ui.shell.presentation import SCALE, presentation, set_presentation

from tutorial_window import window  # noqa: F401 - the fixture


def _look(window) -> dict:
    boundary = window.boundary_plot
    scatter = [i for i in boundary.getPlotItem().items if isinstance(i, pg.ScatterPlotItem) and len(i.data)]
    return {
        "tick_pt": boundary.getPlotItem().getAxis("bottom").style["tickFont"].pointSizeF(),
        "label": boundary.getPlotItem().getAxis("bottom").label.toHtml(),
        "marker": scatter[0].opts["size"],
        "outline": scatter[0].opts["pen"].widthF(),
        "loss_pen": window.loss_plot.getPlotItem().listDataItems()[0].opts["pen"].widthF(),
        "transport_pt": window.transport.font().pointSizeF(),
        "title_pt": window.boundary_plot.parentWidget().font().pointSizeF(),
        "panels": window.findChild(QScrollArea, "sidePanels").isVisible(),
        "size": window.size(),
    }


def test_presentation_scales_and_restores(window, qtbot):
    window.resize(1200, 700)
    qtbot.wait(20)
    normal = _look(window)
    set_presentation(window, True)
    qtbot.wait(20)
    on = _look(window)
    assert on["tick_pt"] == round(normal["tick_pt"] * SCALE)
    assert f"{LABEL_PT * SCALE:g}pt" in on["label"]
    assert on["marker"] == normal["marker"] * SCALE
    assert on["outline"] >= normal["outline"] * SCALE
    assert on["loss_pen"] >= SCALE
    assert on["title_pt"] == normal["title_pt"] * SCALE
    assert normal["transport_pt"] < on["transport_pt"] <= normal["transport_pt"] * SCALE
    assert not on["panels"] and on["size"] == QSize(1280, 720)
    # Nothing in the transport bar is cut: it is at least as wide as it wants to be.
    assert window.transport.width() >= window.transport.sizeHint().width()
    assert window.findChild(type(presentation(window).action), "presentationAction").isChecked()

    set_presentation(window, False)
    qtbot.wait(20)
    assert _look(window) == normal


def test_f11_toggles_and_pens_stay_scaled_after_a_restyle(window, qtbot):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert presentation(window).enabled
    # A new class re-creates the points' pens at their normal width: the next draw scales them again.
    dataset = window.session.dataset
    window.session.set_dataset(dataset.with_classes(3), "Add a class")
    window.session.step(1)
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch == 1, timeout=5000)
    qtbot.wait(50)
    widths = {i.opts["pen"].widthF() for i in window.boundary_plot.getPlotItem().items
              if isinstance(i, pg.ScatterPlotItem)}
    assert min(widths) >= SCALE
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not presentation(window).enabled


def test_recording_size_menu_resizes(window, qtbot):
    action = window.findChild(type(presentation(window).action), "recordingSize-1920x1080")
    action.trigger()
    assert window.size() == QSize(1920, 1080)
    assert presentation(window).size == QSize(1920, 1080)
