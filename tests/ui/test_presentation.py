"""Presentation mode: larger text, thicker lines, bigger markers, no side panels, recording size; and back."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QAction, QFontInfo
from PySide6.QtWidgets import QScrollArea
from tutorial_window import window  # noqa: F401 - the fixture

from playground.ui.plots.style import LABEL_PT
from playground.ui.shell.presentation import SCALE, presentation, set_presentation


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
    assert not on["panels"] and on["size"] == on_screen(window, QSize(1280, 720))
    # Nothing in the transport bar is cut: it is at least as wide as it wants to be.
    assert window.transport.width() >= window.transport.sizeHint().width()
    assert window.findChild(type(presentation(window).action), "presentationAction").isChecked()

    set_presentation(window, False)
    qtbot.wait(20)
    assert _look(window) == normal


def test_ctrl_shift_p_toggles_and_pens_stay_scaled_after_a_restyle(window, qtbot):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert presentation(window).enabled
    # A new class re-creates the points' pens at their normal width: the next draw scales them again.
    dataset = window.session.dataset
    window.session.set_dataset(dataset.with_classes(3), "Add a class")
    window.session.step(1)
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch == 1, timeout=5000)
    qtbot.wait(50)
    widths = {
        i.opts["pen"].widthF() for i in window.boundary_plot.getPlotItem().items if isinstance(i, pg.ScatterPlotItem)
    }
    assert min(widths) >= SCALE
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not presentation(window).enabled


def test_recording_size_menu_resizes(window, qtbot):
    action = window.findChild(type(presentation(window).action), "recordingSize-1920x1080")
    action.trigger()
    assert window.size() == on_screen(window, QSize(1920, 1080))
    assert presentation(window).size == QSize(1920, 1080)


def test_presentation_survives_a_rebuild_of_the_panels(window, qtbot):
    """A preset with 8 layers, presentation on, New (2 layers: 6 layer rows deleted), off: no
    RuntimeError from a deleted row, and the side panels come back."""
    window.findChild(QAction, "preset-vanishing gradients").trigger()
    qtbot.waitUntil(lambda: len(window.network_panel.layer_rows) == 8, timeout=3000)
    set_presentation(window, True)
    qtbot.wait(20)
    window.files.new_action.trigger()
    qtbot.waitUntil(lambda: len(window.network_panel.layer_rows) == 2, timeout=3000)
    qtbot.wait(50)  # the removed rows are deleted (deleteLater) by now
    set_presentation(window, False)
    qtbot.wait(20)
    assert window.findChild(QScrollArea, "sidePanels").isVisible()
    assert not presentation(window).enabled


def on_screen(window, size: QSize) -> QSize:
    """``size`` as the window gets it: within its screen's available area, frame included (the
    offscreen test screen is 800x800), and not below the window's minimum size."""
    room = window.screen().availableGeometry().size() - (window.frameGeometry().size() - window.size())
    return size.boundedTo(room).expandedTo(window.minimumSize())


def test_f11_is_full_screen_and_presentation_has_its_own_toggle(window, qtbot):
    mode = presentation(window)
    assert mode.full_screen_action.shortcut().toString() == "F11"
    assert mode.action.shortcut().toString() == "Ctrl+Shift+P"
    mode.full_screen_action.trigger()
    qtbot.waitUntil(window.isFullScreen, timeout=2000)
    assert not mode.enabled
    mode.action.trigger()  # presentation mode in full screen: the window stays full screen
    assert mode.enabled and window.isFullScreen()
    mode.full_screen_action.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=2000)
    # Back from full screen, still presenting: the recording size, as far as the screen has room.
    assert window.size() == on_screen(window, mode.size)
    mode.action.trigger()
    assert not mode.enabled


def test_lesson_strip_edits_the_session_and_follows_it(window, qtbot):
    mode = presentation(window)
    strip = mode.strip
    assert not strip.isVisible()
    set_presentation(window, True)
    qtbot.wait(20)
    assert strip.isVisible()
    strip.lr.setValue(0.3)
    assert window.session.config.lr == 0.3
    assert window.training_panel.control("lr").value() == 0.3  # one truth: the side panel shows it too
    strip.layers.setValue(3)
    assert window.session.config.hidden == (4, 4, 4)
    strip.units.setValue(6)
    strip.activation.setCurrentIndex(strip.activation.findData("relu"))
    assert window.session.config.hidden == (6, 6, 6)
    assert window.session.config.activations == ("relu",) * 3
    window.session.update_config(lr=0.01, hidden=(2,), activation="sigmoid")  # from elsewhere: it follows
    assert (strip.lr.value(), strip.layers.value(), strip.units.value()) == (0.01, 1, 2)
    assert strip.activation.currentData() == "sigmoid"
    set_presentation(window, False)
    assert not strip.isVisible()


def test_timeline_and_status_text_grow_in_presentation(window, qtbot):
    label = window.timeline_row.label
    window.statusBar().showMessage("hello")
    normal = (QFontInfo(label.font()).pointSizeF(), QFontInfo(window.statusBar().font()).pointSizeF())
    set_presentation(window, True)
    qtbot.wait(20)
    window.session.step(1)
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch == 1, timeout=5000)
    qtbot.wait(30)  # the label restyles on every frame
    on = (QFontInfo(label.font()).pointSizeF(), QFontInfo(window.statusBar().font()).pointSizeF())
    assert on[0] >= normal[0] * 1.3 and on[1] >= normal[1] * 1.3
    # Measured on screen, too: the label's text is drawn larger (its size hint grows).
    set_presentation(window, False)
    qtbot.wait(20)
    assert QFontInfo(label.font()).pointSizeF() == normal[0]


def test_window_fits_a_small_screen():
    from playground.ui.shell.main_window import initial_size

    assert initial_size(QRect(0, 0, 1024, 768)) == QSize(1024, 720)
    assert initial_size(QRect(0, 0, 800, 600)) == QSize(800, 600)
    assert initial_size(QRect(0, 0, 1920, 1080)) == QSize(1280, 720)
    assert initial_size(QRect(0, 0, 1280, 690)) == QSize(1280, 690)


def test_the_window_shrinks_to_a_1024_screen_and_the_readouts_wrap(window, qtbot):
    """The transport bar's readouts held the window at 1194 px or more: on a 1024x768
    screen it was cut off. Below one row's width they go to a second row."""
    assert window.minimumSizeHint().width() <= 1024
    bar = window.transport
    window.resize(1024, 740)
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=2000)
    qtbot.waitUntil(
        lambda: bar.epoch_label.mapTo(bar, bar.epoch_label.rect().topLeft()).y() > bar.play_button.geometry().bottom(),
        timeout=2000,
    )
    for label in (bar.epoch_label, bar.loss_label, bar.metric_label):
        right = label.mapTo(window, label.rect().topRight()).x()
        assert right <= window.width(), label.objectName()  # nothing cut off
    window.resize(1280, 720)
    qtbot.waitUntil(
        lambda: bar.epoch_label.mapTo(bar, bar.epoch_label.rect().topLeft()).y() < bar.play_button.geometry().bottom(),
        timeout=2000,
    )  # one row again


def test_chain_rule_dock_leaves_the_plots_room(window, qtbot):
    window.resize(1280, 720)
    window.chain_rule.action.trigger()
    dock = window.chain_rule.dock
    qtbot.waitUntil(dock.isVisible, timeout=2000)
    window.resizeDocks([dock], [650], Qt.Orientation.Vertical)  # dragged as far open as it goes
    qtbot.wait(50)
    assert dock.height() <= 0.3 * window.height() + 1
    assert window.boundary_plot.height() >= 170  # 120 (its minimum) without the cap
    for plot in (window.loss_plot, window.gradient_plot):
        assert plot.height() >= 120, plot.objectName()


def test_every_text_scales_once_and_comes_back(window, qtbot):
    """A bold heading has a font of its own that inherits its size: it grew twice (x1.96) and
    stayed x1.4 after leaving presentation mode."""
    from PySide6.QtWidgets import QLabel

    labels = [
        label
        for label in window.centralWidget().findChildren(QLabel)
        if label.text().strip() and not window.transport.isAncestorOf(label)
    ]
    before = {id(label): QFontInfo(label.font()).pointSizeF() for label in labels}
    set_presentation(window, True)
    qtbot.wait(20)
    grown = {label.text(): QFontInfo(label.font()).pointSizeF() / before[id(label)] for label in labels}
    assert all(abs(ratio - SCALE) < 0.1 for ratio in grown.values()), grown
    set_presentation(window, False)
    qtbot.wait(20)
    assert {id(label): QFontInfo(label.font()).pointSizeF() for label in labels} == before


def _view_size(plot) -> tuple[int, int]:
    """The px of a plot's data area (its view box)."""
    view = plot.getPlotItem().getViewBox()
    return round(view.width()), round(view.height())


def test_the_boundary_is_the_largest_picture_in_presentation(window, qtbot):
    """At 1280x720 the boundary's square view got 220 px of height in its row, under the activation
    space's 700 x 320: presentation mode gives it the plots area's whole height at the left."""
    qtbot.wait(100)
    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_P, keys)
    assert presentation(window).enabled
    window.resize(1280, 720)  # the recording size, which the 800x800 offscreen test screen has no room for
    others = (window.activation_view.plot, window.loss_plot, window.gradient_plot)

    def largest() -> bool:
        w, h = _view_size(window.boundary_plot)
        return abs(w - h) <= 6 and h >= 400 and all(w * h > 1.5 * a * b for a, b in map(_view_size, others))

    qtbot.waitUntil(largest, timeout=5000)

    # It stands beside the other plots, from the top of the activation space to the bottom of the curves.
    def top(widget) -> int:
        return widget.mapTo(window, widget.rect().topLeft()).y()

    def bottom(widget) -> int:
        return widget.mapTo(window, widget.rect().bottomLeft()).y()

    assert abs(top(window.boundary_view) - top(window.activation_view)) <= 1
    assert abs(bottom(window.boundary_plot) - bottom(window.loss_plot)) <= 8
    assert min(_view_size(window.loss_plot)) >= 60  # the curves keep room beside it (test_readability checks more)
    # Leaving puts it back in its row, beside the activation space, above the curves.
    qtbot.keyClick(window, Qt.Key.Key_P, keys)
    assert not presentation(window).enabled
    qtbot.waitUntil(lambda: bottom(window.boundary_view) < top(window.loss_plot))
    assert abs(top(window.boundary_view) - top(window.activation_view)) <= 1
