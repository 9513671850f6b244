"""Export a plot, the plots area or the whole window to PNG (x1, x2, x4) or SVG.

Plots go through pyqtgraph's exporters (``ImageExporter`` with an integer
width and height, ``SVGExporter``), so an SVG holds the plot's curves and points
as vector shapes. The plots area and the window are painted by Qt into a
scaled image, or into a ``QSvgGenerator`` (PySide6-Essentials ships QtSvg).

Where: View → Export, the right-click menu of the activation, loss and
gradient plots, and an "Export" button in the decision boundary's title row
(its own right-click adds points). The file dialog proposes a name that says
what and when: ``boundary-epoch124-2026-11-22-0931@2x.png``.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from typing import Callable

import pyqtgraph as pg
from PySide6.QtCore import QPoint, QRect, QSize, QStandardPaths, Qt
from PySide6.QtGui import QPainter, QRegion
from PySide6.QtWidgets import QFileDialog, QMenu, QStyle, QToolButton, QWidget

from .capture import plots_area, render_image, scaled_size

SCALES = (1, 2, 4)
FORMATS = ("png", "svg")


@dataclass(frozen=True)
class ExportTarget:
    """Something that can be exported: ``key`` names files, ``title`` names menu entries.

    ``area()`` returns the widget and the rectangle of it to capture (called at
    export time: the layout may have changed). ``plot`` is set for plots, which
    export through pyqtgraph.
    """

    key: str
    title: str
    area: Callable[[], tuple[QWidget, QRect]]
    plot: pg.PlotWidget | None = None


def export_targets(window) -> list[ExportTarget]:
    """The four plots, the plots area and the whole window."""
    plots = (
        ("boundary", "Decision boundary", window.boundary_plot),
        ("activation", "Activation space", window.activation_plot),
        ("loss", "Loss", window.loss_plot),
        ("gradients", "Gradient norms", window.gradient_plot),
    )
    targets = [ExportTarget(key, title, lambda p=plot: (p, p.rect()), plot) for key, title, plot in plots]
    targets.append(ExportTarget("plots", "Plots area", lambda: plots_area(window)))
    targets.append(ExportTarget("window", "Whole window", lambda: (window, window.rect())))
    return targets


def default_file_name(key: str, epoch: int, fmt: str, scale: int = 1, when: _dt.datetime | None = None) -> str:
    """``"boundary-epoch124-2026-11-22-0931.png"``; ``@2x`` before the extension for larger PNGs."""
    stamp = (when or _dt.datetime.now()).strftime("%Y-%m-%d-%H%M")
    suffix = f"@{scale}x" if fmt == "png" and scale != 1 else ""
    return f"{key}-epoch{epoch}-{stamp}{suffix}.{fmt}"


# ------------------------------------------------------------------ writing files
def export_plot_png(plot: pg.PlotWidget, path: str, scale: int = 1) -> QSize:
    """Write ``plot`` as a PNG of ``scale`` times its size on screen; returns the image size."""
    import pyqtgraph.exporters as pg_exporters  # on the first export, not at the window's start-up

    exporter = pg_exporters.ImageExporter(plot.getPlotItem())
    size = scaled_size(plot.rect(), scale)
    params = exporter.parameters()
    # Width and height are coupled by the aspect ratio, each rounded down: set both, uncoupled,
    # so the image is exactly scale x the widget.
    params.param("width").setValue(size.width(), blockSignal=exporter.widthChanged)
    params.param("height").setValue(size.height(), blockSignal=exporter.heightChanged)
    image = exporter.export(toBytes=True)
    _save_image(image, path)
    return image.size()


def export_plot_svg(plot: pg.PlotWidget, path: str) -> None:
    """Write ``plot`` as an SVG: axes, curves and points as vector shapes, maps as embedded images."""
    import pyqtgraph.exporters as pg_exporters  # on the first export, not at the window's start-up

    svg = pg_exporters.SVGExporter(plot.getPlotItem()).export(toBytes=True)
    with open(path, "wb") as file:
        file.write(svg)


def export_widget_png(widget: QWidget, path: str, scale: int = 1, rect: QRect | None = None) -> QSize:
    """Write ``widget`` (or its ``rect``) as a PNG of ``scale`` times its size; returns the image size."""
    rect = rect if rect is not None else widget.rect()
    image = render_image(widget, scaled_size(rect, scale), rect)
    _save_image(image, path)
    return image.size()


def export_widget_svg(widget: QWidget, path: str, rect: QRect | None = None) -> None:
    """Write ``widget`` (or its ``rect``) as an SVG, through Qt's SVG paint device."""
    # Imported at the first SVG export, not at start-up: QtSvg's library and module cost ~30 ms.
    from PySide6.QtSvg import QSvgGenerator

    rect = rect if rect is not None else widget.rect()
    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setSize(rect.size())
    generator.setResolution(96)  # CSS pixels: browsers then show it at its size on screen
    generator.setViewBox(QRect(QPoint(0, 0), rect.size()))
    generator.setTitle("Playground")
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"cannot write {path}")
    QWidget.render(widget, painter, QPoint(0, 0), QRegion(rect))
    painter.end()


def export_target(target: ExportTarget, path: str, fmt: str, scale: int = 1) -> None:
    """Write ``target`` to ``path`` as ``fmt`` (``"png"`` or ``"svg"``)."""
    if fmt not in FORMATS:
        raise ValueError(f"export format: expected png or svg, got {fmt!r}")
    if target.plot is not None:
        export_plot_png(target.plot, path, scale) if fmt == "png" else export_plot_svg(target.plot, path)
        return
    widget, rect = target.area()
    export_widget_png(widget, path, scale, rect) if fmt == "png" else export_widget_svg(widget, path, rect)


def _save_image(image, path: str) -> None:
    if not image.save(path):
        raise OSError(f"cannot write {path}")


# ------------------------------------------------------------------ menus
class Exporter:
    """Export actions of one window: menus, the file dialog, the status-bar report."""

    def __init__(self, window) -> None:
        self.window = window
        self.targets = {target.key: target for target in export_targets(window)}
        pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        self.folder = pictures if pictures and os.path.isdir(pictures) else os.path.expanduser("~")

    def fill_menu(self, menu: QMenu, key: str) -> QMenu:
        """Add "PNG x1 / x2 / x4" and "SVG" entries exporting target ``key`` to ``menu``."""
        for scale in SCALES:
            action = menu.addAction(f"Export PNG ×{scale}…")
            action.setObjectName(f"export-{key}-png{scale}")
            action.triggered.connect(lambda checked=False, s=scale: self.ask_and_export(key, "png", s))
        action = menu.addAction("Export SVG…")
        action.setObjectName(f"export-{key}-svg")
        action.triggered.connect(lambda checked=False: self.ask_and_export(key, "svg"))
        return menu

    def ask_and_export(self, key: str, fmt: str, scale: int = 1) -> str | None:
        """Ask where to save (proposing a name that says what and when), export, report; the path or None."""
        frame = self.window.session.latest_frame
        name = default_file_name(key, frame.epoch if frame else 0, fmt, scale)
        kind = "PNG image (*.png)" if fmt == "png" else "SVG drawing (*.svg)"
        path, _ = QFileDialog.getSaveFileName(
            self.window, f"Export {self.targets[key].title}", os.path.join(self.folder, name), kind
        )
        if not path:
            return None
        if not path.lower().endswith(f".{fmt}"):
            path += f".{fmt}"
        self.folder = os.path.dirname(path)
        try:
            export_target(self.targets[key], path, fmt, scale)
        except OSError as exc:
            self.window.session.message.emit("error", f"Export failed: {exc.strerror or exc}")
            return None
        self.window.statusBar().showMessage(f"Exported {path}", 10000)
        return path


def _add_context_menu(exporter: Exporter, key: str) -> None:
    """Right-click on a plot's empty area opens its export menu (clicks on items stay theirs)."""
    plot = exporter.targets[key].plot
    menu = exporter.fill_menu(QMenu(plot), key)
    menu.setObjectName(f"exportMenu-{key}")

    def clicked(event) -> None:
        if event.button() == Qt.MouseButton.RightButton and not event.isAccepted():
            menu.popup(event.screenPos().toPoint())

    plot.scene().sigMouseClicked.connect(clicked)


def _add_header_button(exporter: Exporter, key: str) -> QToolButton:
    """An "Export" button with the export menu at the right of a plot's title row."""
    plot = exporter.targets[key].plot
    header = plot.parentWidget().layout().itemAt(0).layout()  # see titled(): header row, then the body
    button = QToolButton(plot.parentWidget(), text="Export", objectName=f"exportButton-{key}")
    button.setIcon(button.style().standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton))
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setAutoRaise(True)
    button.setToolTip("Save this plot as a PNG picture (1, 2 or 4 times its size on screen) or an SVG drawing.")
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setStyleSheet("QToolButton::menu-indicator { image: none; }")  # Qt draws it under the text
    button.setMenu(exporter.fill_menu(QMenu(button), key))
    header.addWidget(button)
    return button


def install_export(window) -> Exporter:
    """View → Export, the plots' right-click menus and the boundary plot's Export button."""
    exporter = Exporter(window)
    menu = window.menu("&View").addMenu("&Export")
    menu.setObjectName("exportMenu")
    for target in exporter.targets.values():
        exporter.fill_menu(menu.addMenu(target.title), target.key)
    for key in ("activation", "loss", "gradients"):
        _add_context_menu(exporter, key)
    # The boundary plot's right-click adds points: its export menu hangs off a button instead.
    _add_header_button(exporter, "boundary")
    return exporter
