"""``install_race(window)``: the "Optimiser race" dock (View menu).

The race does not depend on the training session: it is the calculus primer's
hill, on which the project's optimisers can be watched side by side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from ..shell.host import WindowHost
    from .race_view import RaceView


class RaceFeature(QObject):
    """The dock and its View-menu toggle; the view is built, and runs its first race, when first shown."""

    def __init__(self, window: WindowHost) -> None:
        super().__init__(window)
        self.dock = window.add_lazy_dock(
            "Optimiser race",
            "raceDock",
            _build_view,
            Qt.DockWidgetArea.RightDockWidgetArea,
            "SGD, momentum, Nesterov and Adam rolling down the same hill, side by side",
        )

    @property
    def view(self) -> RaceView:
        """The dock's view (built now if the dock was never shown)."""
        return cast("RaceView", self.dock.content())


def _build_view() -> QWidget:
    # Imported here, with the first show: a window whose dock stays closed never loads the view.
    from .race_view import RaceView

    return RaceView()


def install_race(window: WindowHost) -> RaceFeature:
    """Add the "Optimiser race" dock (View menu) to ``window``."""
    return RaceFeature(window)
