"""What a tutorial films at 1280x720: the curves readable in presentation mode, the docks' text scaled
with it, and the Compare window inside the screen with its frame (each seen wrong under Xvfb first)."""

from __future__ import annotations

from axis_specs import draw_specs
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QDockWidget, QLabel, QTabWidget
from tutorial_window import window  # noqa: F401 - the fixture

from playground.ui.shell.presentation import CURVE_TABS, SCALE, presentation, set_presentation


def _tick_labels(plot, axis: str = "bottom") -> list[str]:
    """The tick labels ``plot``'s axis draws, as pyqtgraph lays them out to paint."""
    item = plot.getPlotItem().getAxis(axis)
    specs = draw_specs(item)
    return [] if specs is None else [text for _, _, text in specs[2] if text]


def _present_at_1280(window, qtbot, epochs: int = 40) -> None:
    window.session.step(epochs)
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch == epochs, timeout=10000)
    set_presentation(window, True)
    window.resize(1280, 720)  # the recording size, which the 800x800 offscreen test screen has no room for
    qtbot.wait(200)


def _view_width(plot) -> float:
    return plot.getPlotItem().getViewBox().width()


def test_the_loss_plot_shows_epoch_ticks_in_presentation(window, qtbot):
    """Side by side with the gradient norms the loss's data area was 72 px wide at 1280x720 and its
    epoch axis had one label or none: the two curves are tabs of one view as wide as the column."""
    _present_at_1280(window, qtbot)
    qtbot.waitUntil(lambda: len(_tick_labels(window.loss_plot)) >= 3, timeout=3000)
    assert _view_width(window.loss_plot) >= 200  # 72 before
    tabs = window.findChild(QTabWidget, "presentationCurves")
    assert [tabs.tabText(i) for i in range(tabs.count())] == list(CURVE_TABS)
    assert window.loss_plot.isVisible() and not window.gradient_plot.isVisible()
    # The gradient norms are one click away, as wide.
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    qtbot.waitUntil(window.gradient_plot.isVisible, timeout=2000)
    qtbot.waitUntil(lambda: _view_width(window.gradient_plot) >= 200, timeout=2000)
    # What Export and the recorder capture (the four plot boxes) stays the plots area: the page behind
    # kept its place in the row before, and the picture reached past the window (1531 x 827 px).
    from playground.ui.media.capture import plots_area

    central, area = plots_area(window)
    assert central.rect().contains(area)
    assert area.contains(window.boundary_view.geometry()) and area.width() >= 0.7 * central.width()
    # Leaving puts them back side by side, both shown, and the tab view goes.
    set_presentation(window, False)
    qtbot.wait(50)
    assert window.loss_plot.isVisible() and window.gradient_plot.isVisible()
    loss_box, gradient_box = window.loss_plot.parentWidget(), window.gradient_plot.parentWidget()
    assert loss_box.parentWidget() is gradient_box.parentWidget() is window.centralWidget()
    assert abs(loss_box.y() - gradient_box.y()) <= 1 and loss_box.x() < gradient_box.x()
    qtbot.waitUntil(lambda: window.findChild(QTabWidget, "presentationCurves") is None, timeout=2000)
    # And again: the mode can be entered a second time.
    set_presentation(window, True)
    qtbot.wait(50)
    assert window.findChild(QTabWidget, "presentationCurves").currentIndex() == 0
    set_presentation(window, False)


def test_with_a_dock_open_the_loss_keeps_room_and_the_boundary_its_shape(window, qtbot):
    """With the Transforms dock open in presentation mode the loss's data area was 40 px wide, and the
    boundary's view 317 x 418 px (showing far beyond the data vertically)."""
    _present_at_1280(window, qtbot)
    window.findChild(QDockWidget, "transformsDock").show()
    qtbot.wait(200)
    assert _view_width(window.loss_plot) >= 140
    view = window.boundary_plot.getPlotItem().getViewBox()
    assert view.width() >= 0.9 * view.height()


def _label_points(dock: QDockWidget) -> dict[str, float]:
    return {label.text(): QFontInfo(label.font()).pointSizeF() for label in dock.findChildren(QLabel) if label.text()}


def test_the_docks_text_scales_with_presentation_mode(window, qtbot):
    """The Transforms dock's labels kept their size in presentation mode, beside x1.4 text everywhere else;
    a dock built before the mode and one built during it both scale, and both come back."""
    before_dock = window.findChild(QDockWidget, "transformsDock")
    before_dock.show()  # built now, at the normal size
    qtbot.wait(50)
    normal = _label_points(before_dock)
    assert normal
    set_presentation(window, True)
    qtbot.wait(50)
    during = window.findChild(QDockWidget, "regionsDock")
    during.show()  # built while presenting
    qtbot.wait(50)
    for points in (_label_points(before_dock), _label_points(during)):
        assert all(abs(pt / normal_pt - SCALE) < 0.1 for pt, normal_pt in zip(points.values(), normal.values()))
    scaled = _label_points(during)
    set_presentation(window, False)
    qtbot.wait(50)
    assert _label_points(before_dock) == normal
    assert all(abs(scaled[text] / pt - SCALE) < 0.1 for text, pt in _label_points(during).items())


def test_the_compare_window_and_its_frame_fit_the_screen(window, qtbot):
    """It opened at 1100x640 whatever the screen; the offscreen test screen is 800x800."""
    window.compare.action.trigger()
    dialog = window.compare.dialog
    qtbot.waitExposed(dialog)
    available = dialog.screen().availableGeometry()
    qtbot.waitUntil(lambda: available.contains(dialog.frameGeometry()), timeout=3000)
    assert dialog.width() >= min(1100, available.width()) - 20  # as large as the screen lets it be
    # In presentation mode its text grows with the window's, and the frame still fits.
    presentation(window).set_enabled(True)
    qtbot.wait(100)
    assert available.contains(dialog.frameGeometry())
    presentation(window).set_enabled(False)


def test_the_banner_spans_the_window_in_presentation(window, qtbot):
    """Above the column beside the full-height boundary the banner's larger text wrapped to six lines
    and squeezed the activation space to a strip: it goes above the whole width, and back after."""
    text = (
        "layer 1: 3 of 16 ReLU units dead since epoch 37: they are zero on every training point, so they pass "
        "no gradient and cannot learn back. Press Reset to start them afresh, or use leaky ReLU."
    )
    window.banner.show_error(text)
    normal_parent = window.banner.parentWidget()
    _present_at_1280(window, qtbot, epochs=2)
    banner = window.banner
    qtbot.waitUntil(lambda: banner.width() >= 0.95 * window.centralWidget().width(), timeout=3000)
    assert banner.height() <= 4 * QFontInfo(banner.font()).pixelSize() * 1.6  # a few lines, not six
    assert window.activation_view.plot.getPlotItem().getViewBox().height() >= 40
    set_presentation(window, False)
    qtbot.wait(50)
    assert banner.parentWidget() is normal_parent
    boundary = window.boundary_view
    assert banner.mapTo(window, banner.rect().bottomLeft()).y() < boundary.mapTo(window, boundary.rect().topLeft()).y()
    assert abs(banner.x() - boundary.x()) <= 8  # above the plots, right of the side panels, as before


def test_the_tabs_of_stacked_docks_scale_too(window, qtbot):
    """Two docks in one place show tabs under them (the window's own tab bar): their names stayed small."""
    from PySide6.QtWidgets import QTabBar

    for name in ("landscapeDock", "regionsDock"):
        window.findChild(QDockWidget, name).show()
    qtbot.wait(50)

    def dock_tabs() -> QTabBar:
        bars = [
            bar
            for bar in window.findChildren(QTabBar)
            if bar.parent() is window and bar.isVisible() and "Regions" in [bar.tabText(i) for i in range(bar.count())]
        ]
        assert len(bars) == 1
        return bars[0]

    normal = QFontInfo(dock_tabs().font()).pointSizeF()
    set_presentation(window, True)
    qtbot.wait(50)
    assert abs(QFontInfo(dock_tabs().font()).pointSizeF() / normal - SCALE) < 0.1
    set_presentation(window, False)
    qtbot.wait(50)
    assert QFontInfo(dock_tabs().font()).pointSizeF() == normal
