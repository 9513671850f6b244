"""The seam between the window and the features that install themselves on it.

A feature (files, the chain-rule panel, the network diagram, the timeline,
export and recording, ...) is a module with one ``install_<feature>(window)``
function. It may use what :class:`WindowHost` declares and nothing else: the
session it observes, the plots it draws on, and the four places where a
feature may add something to the window (a menu, a column right of the plots,
a row under the plots, a dock) plus a frame view that is called with every
drawn frame. A view hidden at start is best a lazy dock (``add_lazy_dock``):
its content is built the first time it is shown, so start-up does not pay for
it. ``MainWindow`` implements it; ARCHITECTURE.md shows where each feature
lands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMenu, QStatusBar, QWidget

if TYPE_CHECKING:
    from ..panels import DataPanel, TransportBar
    from ..plots.activation_view import ActivationView
    from ..plots.boundary import BoundaryPlot
    from ..plots.gradients import GradientPlot
    from ..plots.loss import LossPlot
    from ..session.session_model import SessionModel
    from ..session.tools import ToolState
    from ..session.worker import Frame
    from .lazy_dock import LazyDock


class WindowHost(Protocol):
    """What a feature may use of the window, and the places where it may add to it."""

    session: SessionModel
    tools: ToolState
    boundary_plot: BoundaryPlot
    activation_view: ActivationView
    loss_plot: LossPlot
    gradient_plot: GradientPlot
    data_panel: DataPanel
    transport: TransportBar

    def menu(self, title: str) -> QMenu:
        """The top-level menu ``title`` ("&File", "&Edit", "&View", "&Train", "&Help")."""

    def add_frame_view(self, draw: Callable[[Frame], None]) -> None:
        """Call ``draw(frame)`` with every frame the window draws."""

    def add_column(self, widget: QWidget) -> None:
        """Put ``widget`` in a column right of the plots, above the transport bar."""

    def add_bottom_row(self, widget: QWidget) -> None:
        """Put ``widget`` in a row between the plots and the transport bar."""

    def add_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea) -> None:
        """Add ``dock`` at ``area``, tabified with any dock already there."""

    def add_lazy_dock(
        self, title: str, object_name: str, build: Callable[[], QWidget], area: Qt.DockWidgetArea, tooltip: str
    ) -> LazyDock:
        """Add a hidden dock at ``area`` whose content ``build()`` makes the first time it is shown (or its
        ``content()`` is asked for), in the window's current theme and presentation scale; its toggle
        goes in the View menu as ``title`` with ``tooltip``. A frame view of the feature should draw
        only while the dock is visible (``dock.isVisible()``), and draw its latest frame when the dock
        becomes visible (``dock.visibilityChanged``)."""

    def restyle(self, widget: QWidget) -> None:
        """Give ``widget``, built after start-up, the window's current theme and presentation scale."""

    def statusBar(self) -> QStatusBar:  # noqa: N802 - Qt's name
        """The window's status bar (messages, permanent widgets such as the Record button)."""
