"""The playground window: panels on the left, four live plots, the transport bar below."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QMainWindow,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...data import MAX_CLASSES
from ...training import TrainingConfig
from ...training.defaults import DEFAULT_CONFIG, DEFAULT_NOISE, DEFAULT_PRESET, default_session
from ..compare import CompareFeature, install_compare
from ..diagram.feature import NetworkView, install_network_view
from ..files.file_controller import FileController, install_files
from ..gallery import ExampleGallery, install_gallery
from ..graph.graph_feature import GraphFeature, install_graph
from ..help import Explanations, install_explanations
from ..inspection.chain_rule import ChainRuleInspector, install_chain_rule
from ..landscape import install_landscape
from ..lessons import LessonFeature, install_lessons
from ..panels import DataPanel, NetworkPanel, TrainingPanel, TransportBar
from ..plots.activation_view import ActivationView
from ..plots.boundary_view import BoundaryView
from ..plots.gradients import GradientPlot
from ..plots.loss import LossPlot
from ..race import RaceFeature, install_race
from ..recipes import install_recipes
from ..regions import RegionsFeature, install_regions
from ..session.canvas import CanvasController
from ..session.session_model import SessionModel
from ..session.tools import ToolState
from ..session.worker import Frame
from ..timeline.timeline_row import TimelineRow, install_timeline
from ..transforms import install_transforms
from .banner import Banner
from .frame_pacer import CURVES_INTERVAL_S, SPACE_INTERVAL_S, FramePacer, Throttle
from .help_menu import HelpMenu, install_help_menu
from .lazy_dock import ACROSS, LazyDock, add_lazy_dock, let_squeeze, natural_min_height, open_at_share
from .restyle import restyle
from .scroll_width import fit_width_to_content
from .titled import titled
from .tutorial import install_tutorial_features

QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum" for a widget's size
DEFAULT_SIZE = QSize(1280, 720)  # the smaller recording size: what a tutorial films
DOCK_SHARE = 0.3  # the most of the window's height a dock below (or above) the plots takes
# The least such a dock may be squeezed to, even if its content asks for more: at 1280x720 in presentation
# mode the Computational graph dock's 188 px and the plots' minimum did not both fit, the window grew.
DOCK_FLOOR = 0.08


def initial_size(available: QRect) -> QSize:
    """The window's first size: ``DEFAULT_SIZE``, shrunk to fit ``available`` (the screen
    without its panels), so nothing starts cut off on a 1024x768 screen."""
    return DEFAULT_SIZE.boundedTo(available.size())


class SquareColumn(QObject):
    """Keeps the boundary plot's column as wide as makes its view square, no wider.

    The boundary plot keeps an equal aspect (circles stay round), so in a column
    wider than its height allows the view would show far beyond the data domain
    (x from -13 to 13 for data in -6 to 6 in presentation mode). Capping the
    column's widgets at the width of a square view gives the rest of the row to
    the next column, whose plots use it.
    """

    _SLACK = 2  # px: differences below this are rounding, not worth a relayout

    def __init__(self, plot, column: tuple[QWidget, ...]) -> None:
        super().__init__(plot)
        self.plot = plot
        self.column = column
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.fit)
        plot.getPlotItem().getViewBox().sigResized.connect(self._timer.start)

    def fit(self) -> None:
        """Cap the column's width so that the plot's view is square (or as near as its minimum allows)."""
        view = self.plot.getPlotItem().getViewBox()
        excess = view.width() - view.height()  # px the view is wider than tall
        if abs(excess) <= self._SLACK:
            return
        first = self.column[0]
        if excess < 0 and first.maximumWidth() >= QWIDGETSIZE_MAX:
            return  # narrower than tall and not capped: nothing to give back
        width = max(round(first.width() - excess), first.minimumSizeHint().width())
        # A cap above the column's share of the row does not bind: the column then takes its share.
        for widget in self.column:
            widget.setMaximumWidth(width)


class PlotsFirst(QObject):
    """Docks above or below the plots give way, down to their floor, while the window's central part (the
    plots, the rows under them, the transport bar) is shorter than its minimum.

    A dock keeps the height it opened at when the plots' minimum grows later: in presentation mode at
    1280x720, with the Computational graph below (188 px), a side dock and a diagnosis of four lines in
    the banner, the plots were laid out below their minimum, the activation space's x-axis title cut and
    the boundary's view 95 px tall (seen under Xvfb).
    """

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._timer = QTimer(self, singleShot=True, interval=0)  # once the layouts have their new minimums
        self._timer.timeout.connect(self.fit)
        window.centralWidget().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Resize):
            self._timer.start()
        return False

    def fit(self) -> None:
        """Shrink the docks across the window by what the central part lacks, each not below its minimum."""
        central = self.window.centralWidget()
        lacking = _least_height(central) - central.height()
        docks = [
            dock
            for dock in self.window.findChildren(QDockWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if dock.isVisible() and not dock.isFloating() and self.window.dockWidgetArea(dock) in ACROSS
        ]
        if lacking <= 0 or not docks:
            return
        heights = [max(dock.minimumSizeHint().height(), dock.height() - lacking) for dock in docks]
        if heights != [dock.height() for dock in docks]:
            self.window.resizeDocks(docks, heights, Qt.Orientation.Vertical)


def _least_height(widget: QWidget) -> int:
    """The least height ``widget`` shows all of its layout's items at, at its width. Its minimum size hint
    counts a word-wrapped label (the banner) as one line; at 1280 px a diagnosis takes four."""
    layout = widget.layout()
    if layout is not None and layout.hasHeightForWidth():
        return layout.totalMinimumHeightForWidth(widget.width())
    return widget.minimumSizeHint().height()


class MainWindow(QMainWindow):
    """The playground. ``session`` is the SessionModel (its ``dataset`` and ``trainer``
    are the headless objects). Without a dataset it starts on ``preset`` drawn with ``seed``.

    It is the ``WindowHost`` (shell/host.py) that features install themselves on."""

    # Set by _install_features: each feature's controller (its menus, tests and the driver use them).
    chain_rule: ChainRuleInspector
    files: FileController
    timeline_row: TimelineRow
    network_view: NetworkView
    help_menu: HelpMenu
    graph: GraphFeature
    explanations: Explanations
    regions: RegionsFeature
    race: RaceFeature
    compare: CompareFeature
    gallery: ExampleGallery
    lessons: LessonFeature

    def __init__(
        self,
        dataset=None,
        config: TrainingConfig | None = None,
        *,
        preset: str = DEFAULT_PRESET,
        seed: int = 0,
        noise: float = DEFAULT_NOISE,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Playground")
        if dataset is None:
            dataset, default_config = default_session(preset, seed)
            config = config or default_config
        self.session = SessionModel(dataset, config or DEFAULT_CONFIG, self)
        self.tools = ToolState(self)

        self.boundary_view = BoundaryView()  # the plot under its title, colour key and Discretize
        self.boundary_plot = self.boundary_view.plot
        self.activation_view = ActivationView()
        self.activation_plot = self.activation_view.plot
        self.loss_plot = LossPlot()
        self.gradient_plot = GradientPlot()
        self.canvas = CanvasController(self.boundary_plot, self.session, self.tools)

        self.data_panel = DataPanel(self.session, self.tools, preset=preset, noise=noise, seed=seed)
        self.network_panel = NetworkPanel(self.session)
        self.training_panel = TrainingPanel(self.session)
        self.transport = TransportBar(self.session)
        self.banner = Banner()  # errors, and the run's diagnosis: what is wrong and what helps
        self.log_loss = QCheckBox("log scale", objectName="logLossCheck")
        self.log_loss.setToolTip("Show the loss on a logarithmic axis, to see progress late in training.")
        self.log_loss.toggled.connect(self.loss_plot.set_log)
        self._menus: dict[str, QMenu] = {}
        self._frame_views: list[Callable[[Frame], None]] = []
        self._build_layout()
        self._build_actions()

        self._map_kind: tuple[str, int] | None = None
        # draw_frame is looked up at each drawing, so that the UI benchmark can wrap it.
        self.pacer = FramePacer(self.session, lambda frame: self.draw_frame(frame), self)
        self._space_due = Throttle(SPACE_INTERVAL_S)
        self._curves_due = Throttle(CURVES_INTERVAL_S)
        self.session.frameReady.connect(self._frame_arrived)
        self.session.datasetChanged.connect(self._draw_points)
        self.session.message.connect(self._show_message)
        self.session.playingChanged.connect(self._playing_changed)
        self.session.sessionReplaced.connect(self.banner.forget)  # New, Open: nothing of the old run stays
        self.tools.changed.connect(self._draw_points)
        self._draw_points()
        screen = self.screen() or QApplication.primaryScreen()
        self.resize(initial_size(screen.availableGeometry()) if screen is not None else DEFAULT_SIZE)
        self._install_features()

    def _install_features(self) -> None:
        """Features that build on the window add their menus, docks and views here,
        each from its own module (one line per feature)."""
        self.chain_rule = install_chain_rule(self)
        self.files = install_files(self)
        self.timeline_row = install_timeline(self)
        install_tutorial_features(self)
        self.network_view = install_network_view(self)
        self.help_menu = install_help_menu(self)
        install_recipes(self)  # Copy/Paste Recipe, Dataset from Formula…, Export as Script
        install_transforms(self)  # View > Transforms: the plane carried stage by stage
        install_landscape(self)  # View > Landscape: the loss on a slice of weight space
        self.regions = install_regions(self)  # View > Regions: the linear regions of a ReLU network
        self.race = install_race(self)  # View > Optimiser race: four optimisers down one hill
        self.compare = install_compare(self)  # View > Compare: copies differing in one setting, side by side
        self.gallery = install_gallery(self)  # File > Examples…: the shipped lessons
        self.graph = install_graph(self)
        self.lessons = install_lessons(self)  # File > Open Lesson…, Save as Lesson…; the lesson card
        self.explanations = install_explanations(self)  # a "?" on every view (last: after the docks)

    # ------------------------------------------------------ extension points
    MENU_ORDER = ("&File", "&Edit", "&View", "&Train", "&Help")

    def menu(self, title: str) -> QMenu:
        """The top-level menu ``title`` (e.g. ``"&File"``), kept in MENU_ORDER."""
        if title not in self._menus:
            menu = QMenu(title, self)
            rank = self.MENU_ORDER.index(title) if title in self.MENU_ORDER else len(self.MENU_ORDER)
            later = [self._menus[t].menuAction() for t in self.MENU_ORDER[rank + 1 :] if t in self._menus]
            if later:
                self.menuBar().insertMenu(later[0], menu)
            else:
                self.menuBar().addMenu(menu)
            self._menus[title] = menu
        return self._menus[title]

    def add_frame_view(self, draw: Callable[[Frame], None]) -> None:
        """Call ``draw(frame)`` whenever a new frame is drawn (at most at the display rate)."""
        self._frame_views.append(draw)

    def add_column(self, widget: QWidget) -> None:
        """Put ``widget`` in a column right of the plots (no stretch: the plots take what is left)."""
        self._columns.addWidget(widget)

    def add_bottom_row(self, widget: QWidget) -> None:
        """Put ``widget`` in a row between the plots and the transport bar."""
        self._bottom_rows.addWidget(widget)

    def add_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea) -> None:
        """Add ``dock`` at ``area``, tabified with the first dock already there."""
        others = [other for other in self._docks() if other is not dock and self.dockWidgetArea(other) == area]
        self.addDockWidget(area, dock)
        if others:
            self.tabifyDockWidget(others[0], dock)
        open_at_share(self, dock)  # above or below the plots: a share that keeps them readable
        if isinstance(dock, LazyDock):  # its minimum height is the content's, built at its first show
            dock.built.connect(lambda _: self._cap_docks())
        self._cap_docks()

    def add_lazy_dock(
        self, title: str, object_name: str, build: Callable[[], QWidget], area: Qt.DockWidgetArea, tooltip: str
    ) -> LazyDock:
        """Add a hidden dock whose content ``build()`` makes when it is first shown (shell/lazy_dock.py)."""
        return add_lazy_dock(self, title, object_name, build, area, tooltip)

    def restyle(self, widget: QWidget) -> None:
        """Give ``widget``, built after start-up, the window's current theme and presentation scale."""
        restyle(self, widget)

    def _docks(self) -> list[QDockWidget]:
        """The window's docks: its direct children (a recursive search walks the thousand objects of the
        plots, 1-2 ms a call, at every resize)."""
        return self.findChildren(QDockWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)

    def _cap_docks(self) -> None:
        """Docks above or below the plots take at most ``DOCK_SHARE`` of the window's height, so the plots
        never become slivers however far a dock is dragged open, and give way down to ``DOCK_FLOOR`` of it
        where the plots' minimum needs the height (the window never grows past the screen for a dock)."""
        limit = round(self.height() * DOCK_SHARE)
        for dock in self._docks():
            if self.dockWidgetArea(dock) in ACROSS:
                let_squeeze(dock, round(self.height() * DOCK_FLOOR))
                dock.setMaximumHeight(max(limit, natural_min_height(dock)))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._cap_docks()

    # -------------------------------------------------------------- layout
    def _build_layout(self) -> None:
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 4, 4, 4)
        for panel in (self.data_panel, self.network_panel, self.training_panel):
            side_layout.addWidget(panel)
        side_layout.addStretch(1)
        scroll = QScrollArea(objectName="sidePanels")
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        fit_width_to_content(scroll)  # as wide as the panels' widest row, beside the scrollbar

        loss_box = titled(
            "Loss",
            self.loss_plot,
            self.log_loss,
            tooltip="Loss per epoch (solid: training, dashed: test) and accuracy or RMSE on the right axis.",
        )
        gradient_box = titled(
            "Gradient norms (log scale)",
            self.gradient_plot,
            tooltip="Size of each layer's weight gradient: falling far below the "
            "output layer's means vanishing gradients.",
        )
        # Two rows, each with its own column widths: the boundary plot takes the width of a
        # square view (SquareColumn) and the activation space the rest, while the curves below
        # share their row equally.
        plots = QVBoxLayout()
        plots.setContentsMargins(0, 0, 0, 0)
        plots.setSpacing(6)
        for stretch, pair in ((3, (self.boundary_view, self.activation_view)), (2, (loss_box, gradient_box))):
            row = QHBoxLayout()
            row.setSpacing(6)
            for widget in pair:
                row.addWidget(widget, 1)
            # The boundary plot is where people click and what a tutorial films: the most height.
            plots.addLayout(row, stretch)
        for widget in (self.boundary_plot, self.activation_view, self.loss_plot, self.gradient_plot):
            widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            # No explicit floor on the activation view: its selectors set its width (they wrap, not cut) and
            # its plot's minimum its height (activation_space.MIN_HEIGHT: the axis titles fit).
            if widget is not self.activation_view:
                widget.setMinimumSize(160, 120)
        self._square = SquareColumn(self.boundary_plot, (self.boundary_view,))

        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.banner)
        right.addLayout(plots, 1)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(scroll)
        top.addLayout(right, 1)
        self._columns = top  # add_column: right of the plots, above the transport bar

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.addLayout(top, 1)
        self._bottom_rows = QVBoxLayout()  # add_bottom_row: between the plots and the transport bar
        self._bottom_rows.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self._bottom_rows)
        outer.addWidget(self.transport)
        self.setCentralWidget(central)
        self._plots_first = PlotsFirst(self)

    def _build_actions(self) -> None:
        edit = self.menu("&Edit")
        undo = self.session.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.session.undo_stack.createRedoAction(self, "&Redo")
        # Named keys, not StandardKey.Redo: that is Ctrl+Shift+Z itself on X11, and a key
        # given twice is ambiguous to Qt, which then ignores it.
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addAction(undo)
        edit.addAction(redo)
        self.menu("&View").addAction(self.boundary_view.discretize_action)
        train = self.menu("&Train")
        for text, key, slot in (
            ("Play / Pause", "Space", self.session.toggle_play),
            ("Step one epoch", "Right", self.session.step),
            ("Reset weights", "R", self.session.reset),
        ):
            action = QAction(text, self, shortcut=QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda checked=False, slot=slot: slot())
            train.addAction(action)
        for index in range(MAX_CLASSES):
            action = QAction(f"Class {index + 1}", self, shortcut=QKeySequence(str(index + 1)))
            action.triggered.connect(lambda checked=False, i=index: self._choose_class(i))
            self.addAction(action)

    def _choose_class(self, index: int) -> None:
        if index < self.session.dataset.n_classes:
            self.tools.current_class = index

    # ------------------------------------------------------------- drawing
    def _draw_points(self, *_: object) -> None:
        """Points come from the session's dataset at once, not from the (later) frame."""
        dataset = self.session.dataset
        if _map_kind(dataset) != self._map_kind:
            # The map on screen belongs to a model of another task or class count;
            # it goes until the first frame of the new one arrives.
            self.boundary_plot.clear_map()
            self._map_kind = None
        self.boundary_plot.set_classes(dataset.class_colors)
        self.boundary_plot.set_points(
            dataset.X, dataset.y, dataset.is_test, dataset.task, show_test=self.tools.show_test
        )

    def _frame_arrived(self, frame: Frame) -> None:
        self.banner.show_diagnoses(frame.diagnoses)  # at once: it is cheap, and news
        self.pacer.frame_arrived(frame)  # the plots: at most at the display rate (frame_pacer.py)

    @property
    def _drawn(self) -> Frame | None:
        """The frame drawn last (tests wait until it is the session's newest)."""
        return self.pacer.drawn

    def draw_frame(self, frame: Frame) -> None:
        """Apply one frame to all four plots."""
        self.banner.show_diagnoses(frame.diagnoses)
        dataset = frame.dataset
        r = len(frame.grid_axis)  # the probe grid is r x r cells
        output = frame.grid_output
        if _map_kind(dataset) == _map_kind(self.session.dataset):
            self._map_kind = _map_kind(dataset)
            if dataset.task == "regression":
                self.boundary_plot.set_map(output.reshape(r, r), "regression")
            else:
                self.boundary_plot.set_map(output.reshape(r, r, -1), "classification")
        # The activation space and the curves change more slowly than the boundary:
        # while playing they are redrawn less often, which leaves more of each
        # frame's time to training.
        if self._space_due.due(frame.playing):
            self.activation_view.show_frame(frame)
        if not self._curves_due.due(frame.playing):
            for draw in self._frame_views:
                draw(frame)
            return
        history = frame.history
        regression = dataset.task == "regression"
        scale = 1.0 if regression else 100.0
        has_test = bool(dataset.is_test.any())
        self.loss_plot.update_history(
            history["epoch"],
            history["train_loss"],
            history["test_loss"] if has_test else None,
            history["train_metric"] * scale,
            history["test_metric"] * scale if has_test else None,
            "RMSE" if regression else "accuracy (%)",
        )
        self.gradient_plot.update_history(history["epoch"], history["grad_norms"], frame.layer_labels)
        for draw in self._frame_views:
            draw(frame)

    # ------------------------------------------------------------ messages
    def _show_message(self, level: str, text: str) -> None:
        self.statusBar().showMessage(text, 0 if level == "error" else 8000)
        frame = self.session.latest_frame
        # The trainer's own report of a divergence: the banner shows the frame's diagnosis of
        # it (cause and advice), which also goes when the divergence does (a reset).
        reported = frame is not None and frame.stats.status == "diverged" and text == frame.stats.message
        if level == "error" and not reported:
            self.banner.show_error(text)

    def _playing_changed(self, playing: bool) -> None:
        if playing:
            self.banner.clear_error()

    def shutdown(self) -> None:
        """Stop drawing and join the training thread; closing the window and every other way the
        app quits end here (shell/shutdown.py), so it may run twice."""
        self.pacer.stop()
        self.session.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.shutdown()
        super().closeEvent(event)


def _map_kind(dataset) -> tuple[str, int]:
    """What a boundary map's shape depends on: the task and the number of classes."""
    return dataset.task, dataset.n_classes
