"""In presentation mode a dock takes the place of a view that cannot share the screen with it, and gives
it back when it closes.

At 1280x720 in presentation mode the plots' column beside the boundary is about 300 px wide. A side
dock (Transforms, Regions, Landscape, ...) opened beside the diagram's column left it half that: the
activation space's selectors were cut to "layer 2", "x: output", its plot was a strip under its own
legend, and the timeline's slider shrank to a square (seen under Xvfb). A dock below the plots (the
chain rule, the computational graph) took its height from the column beside the boundary: the
activation space and the curves under it did not both fit, and the loss plot was squeezed to a view
19 px tall, a flat line under its own legend (seen under Xvfb, in both themes).

One side picture and one picture below at a time is what a recording can show, so while presentation
mode is on:

- a left or right dock open: the diagram's column steps aside, through its own View toggle (so the
  menu tells the truth);
- a dock above or below the plots open: the curves (the loss and gradient norms tabs) step aside, and
  the status bar says so and how to get them back; the activation space takes their height.

Each comes back when the last such dock closes or presentation mode ends. A person who shows the
diagram again meanwhile keeps it: only a dock being opened makes a view step aside.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QDockWidget

from .curve_room import tell, untell

SIDES = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
ACROSS = (Qt.DockWidgetArea.TopDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea)  # above, below the plots


class View(Protocol):
    """A view that can step aside: whether it is on screen, and putting it on or off."""

    def shown(self) -> bool: ...

    def set_shown(self, on: bool) -> None: ...


@dataclass
class _Place:
    """``view``, which steps aside while a dock is open in one of ``areas``; ``stepped_aside`` is whether
    this hid it (not the person)."""

    areas: tuple[Qt.DockWidgetArea, ...]
    view: View
    stepped_aside: bool = False
    message: str = ""  # what the status bar said when it stepped aside


class _Diagram:
    """The network diagram's column as a :class:`View`, through its View toggle (installed after
    presentation mode's shortcut, so looked up when used)."""

    def __init__(self, window) -> None:
        self.window = window

    def shown(self) -> bool:
        return bool(self.window.network_view.action.isChecked())

    def set_shown(self, on: bool) -> None:
        self.window.network_view.action.setChecked(on)


class SideRoom(QObject):
    """Makes the network diagram step aside for the side docks of ``window``, and the curves for the docks
    above or below the plots, while :meth:`set_active` is on (presentation mode)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self.diagram = _Place(SIDES, _Diagram(window))
        self.curves: _Place | None = None  # while active, if the window's curves are one view
        self._heard: list[QDockWidget] = []  # the docks whose opening signal is connected

    @property
    def stepped_aside(self) -> bool:
        """Whether the diagram is hidden by this, not by the person."""
        return self.diagram.stepped_aside

    def set_active(self, active: bool, curves: View | None = None) -> None:
        """Presentation mode on (the diagram steps aside while a side dock is open, ``curves`` while a dock
        above or below is) or off (they come back)."""
        self.active = active
        if not active:
            for place in self._places():
                self._come_back(place)
            self.curves = None
            return
        self.curves = _Place(ACROSS, curves) if curves is not None else None
        for dock in self._docks():  # docks a feature added since last time too (installed once each)
            dock.removeEventFilter(self)
            dock.installEventFilter(self)
            opening = getattr(dock, "opening", None)  # a LazyDock's (lazy_dock imports this module)
            if opening is not None and dock not in self._heard:
                self._heard.append(dock)
                opening.connect(lambda dock=dock: self._opening(dock))
        for place in self._places():
            opened = self._open_dock_in(place)
            if opened is not None:
                self._step_aside(place, opened)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if self.active and isinstance(watched, QDockWidget):
            if event.type() == QEvent.Type.Show:  # a dock without an opening signal, or shown another way
                self._opening(watched)
            elif event.type() == QEvent.Type.Hide:
                for place in self._places():
                    if self._open_dock_in(place, leaving=watched) is None:
                        self._come_back(place)
        return False

    def _opening(self, dock: QDockWidget) -> None:
        """``dock`` is about to be shown: what it replaces steps aside before the window lays it out."""
        if not self.active:
            return
        stepped = False
        for place in self._places():
            if self._docked_in(dock, place):
                stepped = self._step_aside(place, dock) or stepped
        if stepped:
            # The window's layout keeps its plots' old minimum until their layouts take the change: at the
            # dock's show it grew the window to fit the dock beside the view that just went (722 px).
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def _places(self) -> list[_Place]:
        return [self.diagram] if self.curves is None else [self.diagram, self.curves]

    def _step_aside(self, place: _Place, dock: QDockWidget) -> bool:
        """Hide ``place``'s view for ``dock`` if it is shown; whether it was."""
        if place.view.shown():
            place.stepped_aside = True
            place.view.set_shown(False)
            if place is self.curves:
                place.message = (
                    f"Presentation mode: the loss and gradient curves make room for {dock.windowTitle()};"
                    " close it to see them again."
                )
                tell(self.window, place.message)
            return True
        return False

    def _come_back(self, place: _Place) -> None:
        if place.stepped_aside:
            place.stepped_aside = False
            place.view.set_shown(True)
            untell(self.window, place.message)

    def _docks(self) -> list[QDockWidget]:
        return self.window.findChildren(QDockWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)

    def _docked_in(self, dock: QDockWidget, place: _Place) -> bool:
        return not dock.isFloating() and self.window.dockWidgetArea(dock) in place.areas

    def _open_dock_in(self, place: _Place, leaving: QDockWidget | None = None) -> QDockWidget | None:
        """A docked dock other than ``leaving`` open in ``place``'s areas (a tabified one behind counts)."""
        return next(
            (d for d in self._docks() if d is not leaving and not d.isHidden() and self._docked_in(d, place)), None
        )
