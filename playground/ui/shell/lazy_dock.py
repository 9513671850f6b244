"""A dock whose content is built the first time it is shown, not when the window is built.

The window's feature docks (Transforms, Landscape, Regions, the optimiser race,
the computational graph) start hidden, and each one's plots cost 0.1 to 0.2 s
to build: building them all with the window made start-up (and every UI test's
window) most of a second slower for views a person may never open.

A :class:`LazyDock` is an empty ``QDockWidget`` with its title, object name and
View-menu toggle from the start, so the menu, the "?" buttons, lessons that
show a view and the window's saved dock layout all find it. Its content is
built by the feature's ``build()`` when the dock is first made visible (its
toggle, ``show()``, ``restoreState``, a tab brought forward) or when the feature
asks for it (:meth:`content`), then given the window's current theme and
presentation scale, text included (``restyle``), before the dock is painted; ``built`` is then
emitted, so the feature can draw its latest frame at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QTabBar, QWidget

from .restyle import current_look, restyle_dock_content
from .side_room import ACROSS

if TYPE_CHECKING:
    from ..session.worker import Frame


class LazyDock(QDockWidget):
    """A dock with a ``build()`` for its content, called once, at the first show or :meth:`content`."""

    built = Signal(QWidget)  # the content, just built and restyled
    # About to be shown, before the window lays it out: a view that steps aside for it (side_room.py) does
    # so now. At its Show event the window had already grown to fit the dock beside that view (722 px).
    opening = Signal()

    def __init__(
        self,
        title: str,
        parent: QWidget,
        object_name: str,
        build: Callable[[], QWidget],
        restyle: Callable[[QWidget], None],
    ) -> None:
        super().__init__(title, parent, objectName=object_name)
        self._build: Callable[[], QWidget] | None = build
        self._building = False
        self._restyle = restyle
        self.latest_frame: Frame | None = None  # the last frame drawn, once follow_frames is called
        # A tab brought forward may become visible without setVisible: build then too (before its paint).
        self.visibilityChanged.connect(lambda visible: visible and self.content())

    def follow_frames(self, window: FrameViews, draw: Callable[[Frame], None]) -> None:
        """Call ``draw`` with each frame ``window`` draws while the dock is visible, and with the latest
        one (:attr:`latest_frame`) as soon as the dock is shown: a hidden dock costs nothing a frame."""

        def frame_drawn(frame: Frame) -> None:
            self.latest_frame = frame
            if self.isVisible():
                draw(frame)

        self.visibilityChanged.connect(
            lambda visible: visible and self.latest_frame is not None and draw(self.latest_frame)
        )
        window.add_frame_view(frame_drawn)

    @property
    def is_built(self) -> bool:
        """Whether the content exists (the dock was shown, or a feature asked for its content)."""
        return self._build is None

    def content(self) -> QWidget:
        """The dock's content, built now if it was not yet."""
        build = self._build
        if build is not None and not self._building:  # not again from within: a build that shows the dock
            self._building = True
            try:
                widget = build()
                self._restyle(widget)
                self.setWidget(widget)
                self._build = None  # only now: a build that failed is tried again at the next show
            finally:
                self._building = False
            self.built.emit(widget)
        content = self.widget()
        assert content is not None, f"{self.objectName()}: its build gave no widget"
        return content

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt's name
        # show(), hide(), the toggle action and restoreState all come through here: build before showing.
        if visible and self._build is not None:
            self.content()
        if visible and self.isHidden():
            self.opening.emit()
        super().setVisible(visible)


# The most of the window's height a dock above or below the plots opens at (its content may ask for less;
# it can be dragged taller, up to main_window.DOCK_SHARE). At 1280x720 the Computational graph and the
# chain-rule docks opened at 0.3 of it (216 px) left the boundary's square view 128 px, and less with a
# diagnosis above the plots (seen under Xvfb); at 0.15 it keeps about 200 px.
OPEN_SHARE = 0.15
# In presentation mode the curves step aside for such a dock (side_room.py) and the height they leave goes
# to it: at 0.15 the chain rule's table showed its header and no row, while the activation space beside the
# boundary grew to 273 px, mostly the empty band around its aspect-locked picture (seen under Xvfb).
PRESENTING_SHARE = 0.25


def natural_min_height(dock: QDockWidget) -> int:
    """The least height ``dock`` shows its whole content at: its minimum size hint as its content's
    layout asks, whatever floor :func:`let_squeeze` gave the content."""
    content = dock.widget()
    own = dock.minimumSizeHint().height()
    if content is None or content.minimumHeight() == 0:
        return own
    return own - content.minimumHeight() + content.minimumSizeHint().height()


def let_squeeze(dock: QDockWidget, floor: int) -> None:
    """Let ``dock`` be squeezed down to ``floor`` px (its content cut at the bottom) when the plots'
    minimum needs the height: at 1280x720 in presentation mode the Computational graph dock's 188 px
    and the plots' minimum did not both fit, and the window grew past the screen. The dock area asks
    the content, not the dock, for its minimum, so the floor is the content's."""
    if floor < 0:
        raise ValueError(f"let_squeeze: {dock.objectName()}'s floor must be >= 0 px, not {floor}")
    content = dock.widget()
    if content is None:
        return
    title = natural_min_height(dock) - content.minimumSizeHint().height()  # title bar and margins
    content.setMinimumHeight(max(1, min(content.minimumSizeHint().height(), floor - title)))


def opening_height(dock: QDockWidget, window_height: int, share: float = OPEN_SHARE) -> int:
    """The height ``dock``, above or below the plots, opens at: its content's size hint, at most
    ``share`` of ``window_height``, never below what shows all of its content
    (:func:`natural_min_height`)."""
    if window_height < 0:
        raise ValueError(f"opening_height: the window's height must be >= 0, not {window_height}")
    wanted = min(dock.sizeHint().height(), round(window_height * share))
    return max(natural_min_height(dock), wanted)


def group_opening_height(window: QMainWindow, dock: QDockWidget, share: float) -> int:
    """The height ``dock`` opens at with the open docks it is tabbed with: the tallest one's
    :func:`opening_height` and the row of tabs under them. With its own, the graph opened onto the chain
    rule's tab got 0 px of canvas at 1280x720 (the group kept the chain rule's height and lost the tabs')."""
    group = [dock, *(other for other in window.tabifiedDockWidgets(dock) if not other.isHidden())]
    height = max(opening_height(member, window.height(), share) for member in group)
    if len(group) == 1:
        return height
    bars = [bar for bar in window.findChildren(QTabBar) if bar.parent() is window and _holds(bar, dock)]
    return height + (bars[0].sizeHint().height() if bars else 0)


def _holds(bar: QTabBar, dock: QDockWidget) -> bool:
    return any(bar.tabText(index) == dock.windowTitle() for index in range(bar.count()))


def open_at_share(window: QMainWindow, dock: QDockWidget) -> None:
    """Each time ``dock`` is opened above or below the plots of ``window``, give it its
    :func:`opening_height` (Qt keeps the height it had last, or what the area had)."""

    # visibilityChanged also comes when a tab is brought forward or the window is shown: only a dock
    # that was closed opens at the share (a height the person dragged stays while the dock is open). A dock
    # opened into a tab behind another says it is not visible, and opens too.
    was_hidden = dock.isHidden()

    def visibility(visible: bool) -> None:
        nonlocal was_hidden
        opened = was_hidden and not dock.isHidden()
        if opened and not dock.isFloating() and window.dockWidgetArea(dock) in ACROSS:
            share = OPEN_SHARE if current_look(window)[1] == 1.0 else PRESENTING_SHARE
            window.resizeDocks([dock], [group_opening_height(window, dock, share)], Qt.Orientation.Vertical)
        was_hidden = dock.isHidden()
        if opened and not visible:
            dock.raise_()  # its tab to the front: the dock the person just opened is the one to see

    dock.visibilityChanged.connect(visibility)


class FrameViews(Protocol):
    """The place of a window (``WindowHost``'s, in host.py) that :meth:`LazyDock.follow_frames` uses."""

    def add_frame_view(self, draw: Callable[[Frame], None]) -> None: ...


class DockPlaces(Protocol):
    """The two places of a window (``WindowHost``'s, in host.py) that :func:`add_lazy_dock` uses."""

    def add_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea) -> None: ...

    def menu(self, title: str) -> QMenu: ...


def add_lazy_dock(
    window: DockPlaces,
    title: str,
    object_name: str,
    build: Callable[[], QWidget],
    area: Qt.DockWidgetArea,
    tooltip: str,
) -> LazyDock:
    """Add a hidden :class:`LazyDock` at ``area`` of ``window`` (through its ``add_dock``), its toggle in the
    View menu under ``title`` with ``tooltip``; ``build`` makes its content when it is first shown."""
    dock = LazyDock(title, window, object_name, build, lambda widget: restyle_dock_content(window, widget))  # type: ignore[arg-type]
    window.add_dock(dock, area)
    dock.hide()  # until asked for: the window opens as it always did
    toggle = dock.toggleViewAction()
    toggle.setText(title)
    toggle.setToolTip(tooltip)
    window.menu("&View").addAction(toggle)
    return dock
