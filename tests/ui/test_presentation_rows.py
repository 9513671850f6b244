"""Presentation mode's column beside the boundary at 1280x720, the recording size: the activation
space above and the curves below share its height so that neither is a strip. The activation space
keeps its aspect, so a short view shows a wide empty band around its points (seen under Xvfb: 94 px
tall against the loss plot's 145, at stretches 3:4 once its legend moved above the view)."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget

from playground.ui import MainWindow
from playground.ui.plots.loss import LossPlot
from playground.ui.shell.presentation import set_presentation


def _view_height(plot) -> float:
    return plot.getPlotItem().vb.sceneBoundingRect().height()


def test_the_activation_space_is_not_shorter_than_the_curves_beside_the_boundary(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    set_presentation(window, True)
    window.resize(1280, 720)
    loss = window.findChild(LossPlot)
    activation = window.activation_view.plot
    qtbot.waitUntil(lambda: window.size().height() == 720 and _view_height(activation) > 0, timeout=5000)
    qtbot.wait(100)  # the layouts settle
    space, curves = _view_height(activation), _view_height(loss)
    assert space >= curves, (space, curves)
    assert curves >= 80, curves  # and the curves keep a plot a tick apart from the next
    set_presentation(window, False)
    window.close()


def test_leaving_presentation_with_a_side_dock_open_gives_the_window_its_size_back(qtbot):
    # Seen under Xvfb at 1280x720: the side panels came back while the text was still large, the
    # window's minimum grew to 1,356 px on the way, and the window stayed that wide past the screen.
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    window.findChild(QDockWidget, "landscapeDock").show()
    qtbot.wait(100)
    before = window.size()
    set_presentation(window, True)
    qtbot.wait(100)
    set_presentation(window, False)
    qtbot.waitUntil(lambda: window.size() == before, timeout=3000)
    qtbot.wait(50)  # and it stays so
    assert window.size() == before and window.minimumSize().width() <= before.width()
    window.close()
