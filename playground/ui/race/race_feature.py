"""``install_race(window)``: the "Optimiser race" dock (View menu).

The race does not depend on the training session: it is the calculus primer's
hill, on which the project's optimisers can be watched side by side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget

from .race_view import RaceView

if TYPE_CHECKING:
    from ..shell.host import WindowHost


class RaceFeature(QObject):
    """The dock and its View-menu toggle; the view runs its first race when first shown."""

    def __init__(self, window: WindowHost) -> None:
        super().__init__(window)
        self.view = RaceView()
        self.dock = QDockWidget("Optimiser race", window, objectName="raceDock")
        self.dock.setWidget(self.view)
        window.add_dock(self.dock, Qt.DockWidgetArea.RightDockWidgetArea)
        self.dock.hide()
        toggle = self.dock.toggleViewAction()
        toggle.setText("Optimiser race")
        toggle.setToolTip("SGD, momentum, Nesterov and Adam rolling down the same hill, side by side")
        window.menu("&View").addAction(toggle)


def install_race(window: WindowHost) -> RaceFeature:
    """Add the "Optimiser race" dock (View menu) to ``window``."""
    return RaceFeature(window)
