"""Export: PNG at x1/x2/x4 and SVG, of a plot, the plots area and the window; names; menus.

Exporting only looks at the window: those tests share one (``shared_window``); the test that
paints a point has its own."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMenu, QToolButton
from shared_window import shared_window_left_as_found  # noqa: F401 - the check, autouse
from tutorial_window import shared_window, window  # noqa: F401 - the fixtures

from playground.ui.media import export
from playground.ui.media.capture import plots_area

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("scale", [1, 2, 4])
def test_plot_png_is_scale_times_the_widget(shared_window, tmp_path, scale):
    plot = shared_window.loss_plot
    path = str(tmp_path / "loss.png")
    export.export_plot_png(plot, path, scale)
    image = QImage(path)
    assert (image.width(), image.height()) == (plot.width() * scale, plot.height() * scale)


def test_plot_svg_holds_the_plot_items(shared_window, tmp_path):
    path = str(tmp_path / "boundary.svg")
    export.export_plot_svg(shared_window.boundary_plot, path)
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    # The heatmap is embedded as an image, the points and the boundary line are paths.
    assert len(root.findall(f".//{SVG}image")) >= 1
    assert len(root.findall(f".//{SVG}path")) >= shared_window.session.dataset.n
    assert any("x1" in (text.text or "") for text in root.iter(f"{SVG}text"))


@pytest.mark.parametrize("scale", [1, 2])
def test_window_and_plots_area_png(shared_window, tmp_path, scale):
    targets = {t.key: t for t in export.export_targets(shared_window)}
    export.export_target(targets["window"], str(tmp_path / "w.png"), "png", scale)
    image = QImage(str(tmp_path / "w.png"))
    assert (image.width(), image.height()) == (shared_window.width() * scale, shared_window.height() * scale)
    export.export_target(targets["plots"], str(tmp_path / "p.png"), "png", scale)
    _, rect = plots_area(shared_window)
    image = QImage(str(tmp_path / "p.png"))
    assert (image.width(), image.height()) == (rect.width() * scale, rect.height() * scale)
    # Not a blank picture: the plots' white and the class colours are both there.
    colors = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colors) > 20


def test_window_svg_is_valid_and_sized(shared_window, tmp_path):
    path = str(tmp_path / "w.svg")
    export.export_widget_svg(shared_window, path)
    root = ET.parse(path).getroot()
    assert root.get("viewBox").split()[2:] == [str(shared_window.width()), str(shared_window.height())]
    texts = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Decision boundary" in texts


def test_default_name_says_what_and_when():
    when = dt.datetime(2026, 11, 22, 9, 31)
    assert export.default_file_name("boundary", 124, "png", 1, when) == "boundary-epoch124-2026-11-22-0931.png"
    assert export.default_file_name("loss", 3, "png", 2, when) == "loss-epoch3-2026-11-22-0931@2x.png"
    assert export.default_file_name("window", 0, "svg", 4, when) == "window-epoch0-2026-11-22-0931.svg"


def test_menu_action_proposes_name_and_writes(shared_window, tmp_path, monkeypatch):
    asked = {}

    def fake_dialog(parent, caption, proposed, kinds):
        asked["proposed"] = proposed
        return str(tmp_path / "chosen"), kinds  # no extension typed: it is added

    monkeypatch.setattr(export.QFileDialog, "getSaveFileName", fake_dialog)
    action = shared_window.findChild(QMenu, "exportMenu").findChild(
        type(shared_window.menu("&View").menuAction()), "export-gradients-png2"
    )
    action.trigger()
    assert "gradients-epoch0-" in asked["proposed"] and asked["proposed"].endswith("@2x.png")
    image = QImage(str(tmp_path / "chosen.png"))
    assert image.width() == 2 * shared_window.gradient_plot.width()
    assert "chosen.png" in shared_window.statusBar().currentMessage()


def test_right_click_on_loss_plot_opens_export_menu(shared_window, qtbot):
    plot = shared_window.loss_plot
    vb = plot.getPlotItem().getViewBox()
    pos = plot.mapFromScene(vb.mapViewToScene(vb.viewRect().center()))
    qtbot.mouseMove(plot.viewport(), pos)
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.RightButton, pos=pos)
    menu = plot.findChild(QMenu, "exportMenu-loss")
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    assert [a.text() for a in menu.actions()] == ["Export PNG ×1…", "Export PNG ×2…", "Export PNG ×4…", "Export SVG…"]
    menu.hide()


def test_boundary_plot_has_export_button_and_right_click_still_paints(window, qtbot):
    button = window.findChild(QToolButton, "exportButton-boundary")
    assert button.isVisible() and len(button.menu().actions()) == 4
    plot = window.boundary_plot
    before = window.session.dataset.n
    pos = plot.mapFromScene(plot.getPlotItem().getViewBox().mapViewToScene(QPointF(1.0, 1.0)))
    qtbot.mouseMove(plot.viewport(), pos)
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.RightButton, pos=pos)
    assert window.session.dataset.n == before + 1
