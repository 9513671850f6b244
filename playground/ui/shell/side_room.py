"""In presentation mode a side dock takes the network diagram's place, and gives it back when it closes.

At 1280x720 in presentation mode the plots' column beside the boundary is about 300 px wide. A side
dock (Transforms, Regions, Landscape, ...) opened beside the diagram's column left it half that: the
activation space's selectors were cut to "layer 2", "x: output", its plot was a strip under its own
legend, and the timeline's slider shrank to a square (seen under Xvfb). One side picture at a time
is what a recording can show, so while presentation mode is on and a left or right dock is open the
diagram's column steps aside through its own View toggle (so the menu tells the truth), and it comes
back when the last such dock closes or presentation mode ends. A person who shows the diagram again
meanwhile keeps it: only a dock being opened makes it step aside.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget

SIDES = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)


class SideRoom(QObject):
    """Makes the network diagram step aside for the side docks of ``window`` while :meth:`set_active`
    is on (presentation mode)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self.stepped_aside = False  # the diagram was hidden by this, not by the person

    def set_active(self, active: bool) -> None:
        """Presentation mode on (the diagram steps aside while a side dock is open) or off (it comes back)."""
        self.active = active
        if active:
            for dock in self._docks():  # docks a feature added since last time too (installed once each)
                dock.removeEventFilter(self)
                dock.installEventFilter(self)
        if active and self._side_dock_open():
            self._step_aside()
        elif not active:
            self._come_back()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if self.active and isinstance(watched, QDockWidget):
            if event.type() == QEvent.Type.Show and self._on_a_side(watched):
                self._step_aside()
            elif event.type() == QEvent.Type.Hide and not self._side_dock_open(leaving=watched):
                self._come_back()
        return False

    @property
    def diagram(self) -> QAction:
        """The diagram's View toggle (the diagram is installed after presentation mode's shortcut)."""
        return self.window.network_view.action

    def _step_aside(self) -> None:
        if self.diagram.isChecked():
            self.stepped_aside = True
            self.diagram.setChecked(False)

    def _come_back(self) -> None:
        if self.stepped_aside:
            self.stepped_aside = False
            self.diagram.setChecked(True)

    def _docks(self) -> list[QDockWidget]:
        return self.window.findChildren(QDockWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)

    def _on_a_side(self, dock: QDockWidget) -> bool:
        return not dock.isFloating() and self.window.dockWidgetArea(dock) in SIDES

    def _side_dock_open(self, leaving: QDockWidget | None = None) -> bool:
        """Whether a docked side dock other than ``leaving`` is open (a tabified one behind counts)."""
        return any(dock is not leaving and not dock.isHidden() and self._on_a_side(dock) for dock in self._docks())
