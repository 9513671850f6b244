"""What is drawn fits at 1280x720, the size tutorials are recorded at (each seen cut under Xvfb first):
the activation space's selectors with the side panels, the network diagram and a side dock open, and
the side panel's rows with ten hidden layers, which were cut at its vertical scrollbar."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QRectF
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDockWidget,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

from playground.training import TrainingConfig
from playground.training.config import MAX_HIDDEN_LAYERS
from playground.ui import MainWindow
from playground.ui.panels.class_selector import ClassSelector
from playground.ui.shell.presentation import set_presentation
from playground.ui.shell.scroll_width import SLACK, needed_width


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.activation_view.layer_box.count() > 0, timeout=5000)
    yield w
    w.close()


def _rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())


def _text_room(box: QComboBox) -> int:
    """The width of the field a combo box draws its current text in."""
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    field = box.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, box
    )
    return field.width()


def _assert_selectors_whole(window: MainWindow) -> None:
    view = window.activation_view
    boxes = [view.layer_box, view.kind_box, view.x_box] + ([view.y_box] if view.x_box.currentData() >= 0 else [])
    assert view.y_box.isVisible() == (view.x_box.currentData() >= 0)  # shown where it applies
    for box in boxes:
        assert box.isVisible()
        text = box.currentText()
        assert box.fontMetrics().horizontalAdvance(text) <= _text_room(box), (text, box.width())
        assert view.rect().contains(_rect_in(box, view)), text  # inside the view, not under its neighbour
    # No two boxes overlap.
    rects = [_rect_in(box, view) for box in boxes]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])
    # The plot keeps a usable view under them, and its legend lies whole above that view.
    plot = view.plot
    assert plot.getPlotItem().getViewBox().width() >= 80
    key = plot._key.sceneBoundingRect()
    assert plot.boundary_legend() and key.height() > 5
    assert QRectF(plot.rect()).contains(plot.mapFromScene(key).boundingRect()), (key, plot.rect())
    assert not key.intersects(plot.getPlotItem().getViewBox().sceneBoundingRect())


def test_activation_selectors_whole_beside_the_diagram_and_a_side_dock(window, qtbot):
    """Normal mode, side panels, diagram and Transforms open: the view was 160 px wide and its boxes
    drew "la", "x:", "y:"; the plane's pair now wraps under the layer's."""
    assert window.network_view.action.isChecked()
    window.findChild(QDockWidget, "transformsDock").show()
    qtbot.wait(100)
    assert window.network_view.panel.isVisible() and window.findChild(QScrollArea, "sidePanels").isVisible()
    view = window.activation_view
    assert view.x_box.currentText() == "x: output-aligned"
    _assert_selectors_whole(window)
    assert _rect_in(view.x_box, view).top() > _rect_in(view.layer_box, view).bottom()  # wrapped, a row each
    # Closing the dock gives the row its width back: the boxes return to one row.
    window.findChild(QDockWidget, "transformsDock").hide()
    qtbot.waitUntil(lambda: _rect_in(view.x_box, view).y() == _rect_in(view.layer_box, view).y(), timeout=2000)
    _assert_selectors_whole(window)


def test_activation_selectors_whole_in_presentation_with_a_dock(window, qtbot):
    set_presentation(window, True)
    window.resize(1280, 720)
    window.findChild(QDockWidget, "transformsDock").show()
    qtbot.wait(150)
    _assert_selectors_whole(window)
    set_presentation(window, False)


def _cut_widgets(scroll: QScrollArea) -> list[str]:
    """The side panel's visible controls that reach past the scroll area's viewport sideways."""
    viewport = scroll.viewport()
    cut = []
    for widget in scroll.widget().findChildren(QWidget):
        if not widget.isVisible() or not isinstance(widget, (QAbstractButton, QComboBox)) and widget.layout():
            continue
        rect = QRect(widget.mapTo(viewport, widget.rect().topLeft()), widget.size())
        if rect.left() < 0 or rect.right() > viewport.rect().right():
            cut.append(f"{type(widget).__name__} {widget.objectName() or getattr(widget, 'text', str)()!r} {rect}")
    return cut


def test_ten_hidden_layers_of_64_fit_beside_the_scrollbar(window, qtbot):
    """The scroll area kept the width of the two-layer panel: with ten layers the class "+"/"−", the
    skip buttons and the layer rows ran 22 px under the scrollbar."""
    scroll = window.findChild(QScrollArea, "sidePanels")
    window.session.update_config(hidden=(64,) * MAX_HIDDEN_LAYERS, activation="tanh")
    qtbot.waitUntil(lambda: len(window.network_panel.layer_rows) == MAX_HIDDEN_LAYERS, timeout=3000)
    # Ten rows do not fit 720 px: the scrollbar shows, the case that cut them.
    qtbot.waitUntil(scroll.verticalScrollBar().isVisible, timeout=3000)
    qtbot.wait(50)
    assert _cut_widgets(scroll) == []
    selector = window.findChild(ClassSelector)
    viewport = scroll.viewport()
    for button in (selector.add_button, selector.remove_button, *window.network_panel.skip_buttons):
        rect = _rect_in(button, viewport)
        assert button.isVisible() and 0 <= rect.left() and rect.right() <= viewport.rect().right(), button.text()
    # Back to two layers the column's width range narrows again, to what its rows need (its width
    # within that range is the layout's: whether it had slack to give decided a test of the width).
    qtbot.waitUntil(lambda: scroll.minimumWidth() == needed_width(scroll), timeout=3000)  # ten layers' fit done
    wide = scroll.minimumWidth()
    window.session.update_config(hidden=(16, 16))
    qtbot.waitUntil(lambda: len(window.network_panel.layer_rows) == 2, timeout=3000)
    qtbot.waitUntil(lambda: scroll.minimumWidth() < wide, timeout=3000)
    qtbot.waitUntil(lambda: scroll.width() <= scroll.maximumWidth() == scroll.minimumWidth() + SLACK, timeout=3000)
    assert _cut_widgets(scroll) == []


def test_the_default_window_draws_nothing_cut(qtbot):
    """At the app's own size (not 1280x720) the same holds: selectors whole, nothing under the scrollbar."""
    w = MainWindow(config=TrainingConfig(hidden=(64,) * MAX_HIDDEN_LAYERS, activation="tanh"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.activation_view.layer_box.count() == MAX_HIDDEN_LAYERS, timeout=5000)
    qtbot.wait(100)
    _assert_selectors_whole(w)
    assert _cut_widgets(w.findChild(QScrollArea, "sidePanels")) == []
    w.close()
