"""The side panel fits: at 1280x720 the settings a lesson changes (learning rate, optimiser, batch
size, each layer's activation) are on screen without scrolling; the rarer ones wait behind
"Advanced", which says which of them are set."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QScrollArea

from playground.ui import MainWindow
from playground.ui.panels.training_panel import ADVANCED


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    yield w
    w.close()


def show_at(qtbot, window, width: int, height: int) -> QScrollArea:
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)  # the layouts settle
    return window.findChild(QScrollArea, "sidePanels")


def on_screen(scroll: QScrollArea, widget) -> bool:
    """Whether all of ``widget`` lies inside the scroll area's visible part."""
    viewport = scroll.viewport()
    top_left = widget.mapTo(viewport, widget.rect().topLeft())
    return widget.isVisible() and viewport.rect().contains(QRect(top_left, widget.size()))


def test_the_lesson_controls_fit_1280x720_unscrolled(window, qtbot):
    scroll = show_at(qtbot, window, 1280, 720)
    assert scroll.verticalScrollBar().value() == 0
    training = window.training_panel
    lesson = [
        training.control("optimizer"),
        training.control("lr"),
        training.batch_size,
        training.expander,
        window.data_panel.preset,
        window.data_panel.regenerate,
    ]
    lesson += [activation for _, activation in window.network_panel.layer_rows]
    for control in lesson:
        assert on_screen(scroll, control), control.toolTip().split("\n")[0]  # was: TRAINING below the fold


def test_the_whole_panel_fits_1600x1000(window, qtbot):
    scroll = show_at(qtbot, window, 1600, 1000)
    assert scroll.verticalScrollBar().maximum() == 0


def test_advanced_opens_closes_and_lists_what_is_set(window, qtbot):
    show_at(qtbot, window, 1280, 720)
    panel = window.training_panel
    for field in ADVANCED:
        assert not panel.control(field).isVisible(), field
        assert panel.control(field).toolTip(), field
    summary = panel._summary
    assert not summary.isVisible()  # nothing differs from the defaults
    window.session.update_config(l2=0.03, dropout=0.1, schedule="step", patience=20)
    assert summary.isVisible()
    assert summary.text() == "set: L2 0.03 · dropout 0.10 · schedule step · patience 20 epochs"
    panel.expander.click()
    assert panel.control("l2").isVisible() and panel.control("schedule_every").isVisible()
    assert not summary.isVisible()  # open, the controls say it themselves
    panel.expander.click()
    assert not panel.control("l2").isVisible() and summary.isVisible()


def test_opening_advanced_scrolls_its_rows_into_view(window, qtbot):
    scroll = show_at(qtbot, window, 1280, 720)
    panel = window.training_panel
    panel.expander.click()
    last = panel.control("max_epochs")
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().value() > 0 and on_screen(scroll, last), timeout=2000)
    assert on_screen(scroll, panel.expander)
