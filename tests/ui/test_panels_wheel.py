"""A mouse wheel passing over the side panel scrolls it; it edits a control only once the control
has the focus (one notch used to turn "16 units" into 1 and tanh into sigmoid, rebuilding the net)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QScrollArea, QSlider

from playground.ui import MainWindow

NOTCH_DOWN = QPoint(0, -120)  # one click of a usual mouse wheel, towards the user


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 600)  # short enough that the side panel scrolls
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.session.latest_frame is not None, timeout=5000)
    yield w
    w.close()


def wheel(widget, delta: QPoint = NOTCH_DOWN) -> None:
    """A real wheel event over the middle of ``widget``, as the window system delivers it."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre)),
        QPoint(0, 0),
        delta,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_a_wheel_over_unfocused_controls_scrolls_the_panel_instead(window, qtbot):
    units, activation = window.network_panel.layer_rows[1]
    scrollbar = window.findChild(QScrollArea, "sidePanels").verticalScrollBar()
    assert scrollbar.maximum() > 0 and units.value() == 16 and activation.currentData() == "tanh"
    config = window.session.config
    window.boundary_plot.setFocus()
    for control in (units, activation):
        assert not control.hasFocus()
        before = scrollbar.value()
        wheel(control)
        assert scrollbar.value() > before  # the panel scrolled down
    assert units.value() == 16 and activation.currentData() == "tanh"
    assert window.session.config is config


def test_a_focused_control_still_takes_the_wheel(window, qtbot):
    units, _ = window.network_panel.layer_rows[1]
    window.activateWindow()
    units.setFocus()
    qtbot.waitUntil(units.hasFocus)
    wheel(units)
    assert units.value() == 15 and window.session.config.hidden == (16, 15)


def test_every_panel_control_is_wheel_safe(window):
    roots = (window.data_panel, window.network_panel, window.training_panel, window.transport)
    controls = [
        control
        for root in roots
        for kind in (QAbstractSpinBox, QComboBox, QSlider)
        for control in root.findChildren(kind)
    ]
    assert len(controls) > 20
    for control in controls:
        # StrongFocus: focus by click or Tab, never by a passing wheel (Qt's default WheelFocus).
        assert control.focusPolicy() == Qt.FocusPolicy.StrongFocus, control.toolTip()
