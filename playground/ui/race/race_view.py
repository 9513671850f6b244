"""``RaceView``: a two-parameter function as a heatmap with contours, and the paths of the four
optimisers from one (draggable) start, revealed step by step, each with its update rule beside it.

The paths come from ``training.race`` (the project's optimisers on the engine's
gradient); this widget only chooses the function, the start and the learning
rate, and draws.
"""

from __future__ import annotations

import math
import time
import unicodedata

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...data.expressions import Expression
from ...training.expression_graph import evaluate_grid, unit_range
from ...training.numbers import format_number
from ...training.race import (
    CUSTOM_RECT,
    MAX_STEPS,
    RACERS,
    RULES,
    SURFACES,
    RacerPath,
    parse_surface,
    run_race,
    surface_grid,
)
from ..inspection.alert_label import AlertLabel
from ..panels.form import LadderSpinBox, spin, wheel_safe
from ..plots.boundary import DRAG_FINISH, CanvasViewBox
from ..plots.contour import contour_segments
from ..plots.style import ThemedPlot
from ..shell.aspect_height import AspectHeight

# Okabe-Ito colours: told apart by colour-blind eyes, bright on the dark valleys of the heatmap.
COLORS = {"sgd": (230, 159, 0), "momentum": (86, 180, 233), "nesterov": (0, 158, 115), "adam": (204, 121, 167)}
NAMES = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov", "adam": "Adam"}
TYPED = "Typed formula"
RESOLUTION = 161  # heatmap cells per side
CONTOURS = 14  # contour lines, evenly spaced in the heatmap's (log) shading
TICK_MS = 30  # ms between animation frames
DURATION = 2.5  # s the race takes to unfold, whatever its number of steps (frames are time-based)
LR_LADDER = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.3, 1.0)


def drawable(rule: str) -> str:
    """``rule`` as the labels can draw it: wrapped only between its updates, and without combining marks.

    The rules wrap in the narrow dock: a break inside an update ("w ←" and "w − η v" on two lines) is
    hard to read, so the spaces within each update (the parts between the name's colon and the
    semicolons) do not break. Qt misplaces a combining mark on any line but a label's first: the hat
    of Adam's bias-corrected ``m̂`` was drawn a line higher, over another symbol, so it becomes ``mˆ``
    (a spacing circumflex); letters with a precomposed form (``ŝ``) keep it (NFC first)."""
    text = unicodedata.normalize("NFC", rule).replace(
        "\N{COMBINING CIRCUMFLEX ACCENT}", "\N{MODIFIER LETTER CIRCUMFLEX ACCENT}"
    )
    name, colon, updates = text.rpartition(":")
    parts = [part.strip().replace(" ", "\N{NO-BREAK SPACE}") for part in updates.split(";")]
    return f"{name}{colon} " + "; ".join(parts)


def shading(values: np.ndarray) -> np.ndarray:
    """``log(1 + f - min f)``: monotone in ``f``, so valleys stay valleys, while Rosenbrock's walls
    (values to 10^4) do not wash out the valley floor; NaN where ``f`` is undefined."""
    finite = np.isfinite(values)
    if not finite.any():
        return values
    low, high = float(values[finite].min()), float(values[finite].max())
    with np.errstate(invalid="ignore"):
        if high / 2 - low / 2 < np.finfo(np.float64).max / 2:
            return np.log1p(values - low)
        # f - min f is beyond the largest float (1e308*x over the map): log(1 + d) = log 2 + log(1/2 + d/2),
        # with d/2 = f/2 - min/2, which does not overflow.
        return math.log(2.0) + np.log(0.5 + (values / 2 - low / 2))


class RaceView(QWidget):
    """Function choice, formula box, learning rate, steps, Play; the plot; one rule per optimiser."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.functions = wheel_safe(QComboBox())
        for name in SURFACES:
            self.functions.addItem(name, name)
        self.functions.addItem(TYPED, TYPED)
        self.functions.setToolTip("The function the optimisers descend; or type your own below")
        # Sized to a few letters, not to its longest name: the dock must fit beside the plots.
        self.functions.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.functions.setMinimumContentsLength(8)
        self.formula = QLineEdit()
        self.formula.setObjectName("raceFormula")
        self.formula.setToolTip("f(x, y): numbers, x, y, + − * / **, sin cos tan exp log abs sqrt tanh; Enter applies")
        self.error = AlertLabel("")  # a fixed #C0392B was 2.5:1 on the dark theme
        self.error.setObjectName("raceError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lr = LadderSpinBox(LR_LADDER, 1e-5, 10.0, "The learning rate η every optimiser uses")
        self.steps = spin(1, MAX_STEPS, "How many steps each optimiser takes")
        self.play = QPushButton("Race again")
        self.play.setToolTip("Run the race again from the start")
        box = CanvasViewBox()  # a click or a drag sets the start point; no panning
        self.plot = ThemedPlot("racePlot", {"bottom": "x", "left": "y"}, viewBox=box)
        self.plot.setAspectLocked(True)
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.ColorMap([0.0, 1.0], [(28, 32, 48), (238, 238, 232)]))
        self.contours = pg.PlotCurveItem(pen=pg.mkPen((255, 255, 255, 90), width=1), connect="pairs")
        self.plot.addItem(self.image)
        self.plot.addItem(self.contours)
        self.paths: dict[str, pg.PlotCurveItem] = {}
        for name in RACERS:
            self.paths[name] = pg.PlotCurveItem(pen=pg.mkPen(COLORS[name], width=2.5))
            self.plot.addItem(self.paths[name])
        # Where each racer is now: one item for the four (a scatter item per racer cost a frame's time).
        self.heads = pg.ScatterPlotItem(size=10, pen=pg.mkPen("w", width=1))
        self.plot.addItem(self.heads)
        self._head_brushes = [pg.mkBrush(COLORS[name]) for name in RACERS]
        self.start_item = pg.ScatterPlotItem(size=14, symbol="s", brush=pg.mkBrush(255, 255, 255), pen=pg.mkPen("k"))
        self.plot.addItem(self.start_item)
        self.rules: dict[str, QLabel] = {}
        rules = QGridLayout()
        for row, name in enumerate(RACERS):
            label = QLabel("")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setObjectName(f"raceRule_{name}")
            label.setWordWrap(True)
            self.rules[name] = label
            rules.addWidget(label, row, 0)
        # Narrow rows and wrapping labels: the dock must fit beside the plots of a 1280-pixel window.
        # The function's name gets the dock's whole width (beside Race again, presentation mode's larger
        # font cut it mid-word); the button goes by the formula, which scrolls when it is long anyway.
        controls = QHBoxLayout()
        controls.addWidget(self.formula, 1)
        controls.addWidget(self.play)
        settings = QHBoxLayout()
        settings.addWidget(QLabel("η"))
        settings.addWidget(self.lr)
        settings.addWidget(QLabel("steps"))
        settings.addWidget(self.steps)
        settings.addStretch(1)
        hint = QLabel("Click or drag on the map to move the start (white square).")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.functions)
        layout.addLayout(controls)
        layout.addLayout(settings)
        layout.addWidget(self.error)
        layout.addWidget(self.plot, 1)
        layout.addWidget(hint)
        layout.addLayout(rules)
        # The dock is tall and narrow and the map locks its aspect: stretched to the dock's height it drew
        # a wide map in a band with blank plot above and below. The plot takes the height the map needs at
        # the dock's width (AspectHeight); what it cannot take goes below the rules.
        layout.addStretch(0)
        self.error.hide()  # shown with a message only: the map keeps the height
        self.expression: Expression = parse_surface(next(iter(SURFACES.values())).formula)
        self.bounds = CUSTOM_RECT
        self.start = (0.0, 0.0)
        self.race: dict[str, np.ndarray] = {}
        self.runs: dict[str, RacerPath] = {}  # each racer's path with where and why it diverged
        self.values: dict[str, np.ndarray] = {}  # f along each path, for the rules' readouts
        self.shown = 0  # steps revealed so far
        self._started = 0.0
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self._advance)
        self.functions.currentIndexChanged.connect(self._function_chosen)
        self.formula.returnPressed.connect(self._formula_typed)
        self.lr.valueChanged.connect(lambda _: self.run())
        self.steps.valueChanged.connect(lambda _: self.run())
        self.play.clicked.connect(self.run)
        box.sigClicked.connect(lambda x, y, *_: self.set_start(x, y))
        box.sigDragged.connect(self._dragged)
        self._fit = AspectHeight(self.plot, self._aspect)
        self._ready = False  # the first race is run when the view is first shown, not at the window's start

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._ready:
            self._ready = True
            self._function_chosen()

    def _aspect(self) -> float:
        """The map's height over its width, in plane units (as the locked aspect draws them)."""
        x0, y0, x1, y1 = self.bounds
        return (y1 - y0) / (x1 - x0) if x1 > x0 and y1 > y0 else 1.0

    # --------------------------------------------------------------- choices
    def _function_chosen(self) -> None:
        name = self.functions.currentData()
        if name == TYPED:
            self.formula.setFocus()
            return
        surface = SURFACES[name]
        self.formula.setText(surface.formula)
        self._say("")
        self.expression, self.bounds, self.start = parse_surface(surface.formula), surface.rect, surface.start
        for box, value in ((self.lr, surface.lr), (self.steps, surface.steps)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self._draw_surface()
        self.run()

    def _formula_typed(self) -> None:
        self.apply_formula(self.formula.text())

    def apply_formula(self, text: str) -> bool:
        """Race on the typed function ``text``; a bad formula shows the parser's message and changes
        nothing (the function, the paths and the picture stay as they were)."""
        try:
            expression = parse_surface(text)
        except ValueError as error:
            self._say(str(error))
            return False
        self._say("")
        self.expression = expression
        match = [name for name, s in SURFACES.items() if s.formula == text.strip()]
        self.functions.blockSignals(True)
        self.functions.setCurrentIndex(self.functions.findData(match[0] if match else TYPED))
        self.functions.blockSignals(False)
        if not match:
            self.bounds = CUSTOM_RECT
        self._draw_surface()
        self.run()
        return True

    def _say(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def set_start(self, x: float, y: float) -> None:
        """Start every optimiser at ``(x, y)`` and race again."""
        self.start = (float(x), float(y))
        self.run()

    def _dragged(self, x: float, y: float, phase: str, *_: object) -> None:
        # The start follows the mouse; the race (up to a second for thousands of steps) runs on release.
        self.start_item.setData([x], [y])
        if phase == DRAG_FINISH:
            self.set_start(x, y)

    # --------------------------------------------------------------- racing
    def run(self, animate: bool = True) -> None:
        """Race from the start with the current learning rate and steps, revealed step by step."""
        try:
            self.runs = run_race(self.expression, self.start, self.lr.value(), self.steps.value())
        except ValueError as error:
            self._say(str(error))
            return
        self.race = {name: run.points for name, run in self.runs.items()}
        self.values = {
            name: evaluate_grid(self.expression, {"x": path[:, 0], "y": path[:, 1]}) for name, path in self.race.items()
        }
        self.shown = 0 if animate else self.steps.value()
        self._started = time.monotonic()
        self.start_item.setData([self.start[0]], [self.start[1]])
        self._draw_paths()
        if animate:
            self._timer.start()
        else:
            self._timer.stop()

    def _advance(self) -> None:
        total = self.steps.value()
        share = (time.monotonic() - self._started) / DURATION
        self.shown = min(total, max(self.shown + 1, int(share * total)))
        self._draw_paths()
        if self.shown >= total:
            self._timer.stop()

    def finish(self) -> None:
        """Show the whole race at once (the tests and a still render)."""
        self._timer.stop()
        self.shown = self.steps.value()
        self._draw_paths()

    # --------------------------------------------------------------- drawing
    def _draw_surface(self) -> None:
        x0, y0, x1, y1 = self.bounds
        values = unit_range(shading(surface_grid(self.expression, self.bounds, RESOLUTION)))
        shown = np.where(np.isfinite(values), values, 1.0)
        self.image.setImage(shown.T, autoLevels=False, levels=(0.0, 1.0))  # ImageItem's first index is x
        self.image.setRect(x0, y0, x1 - x0, y1 - y0)
        segments = [
            contour_segments(values, level, (x0, x1), (y0, y1)) for level in np.linspace(0.0, 1.0, CONTOURS + 2)[1:-1]
        ]
        joined = np.concatenate([s for s in segments if len(s)] or [np.zeros((0, 2))])
        self.contours.setData(joined[:, 0], joined[:, 1])
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)
        self._fit.refit()  # another function may have another rectangle

    def _draw_paths(self) -> None:
        for name in RACERS:
            path = self.race.get(name, np.zeros((0, 2)))[: self.shown + 1]
            self.paths[name].setData(path[:, 0], path[:, 1])
            self.rules[name].setText(self._rule_text(name, path))
        ends = [self.race[name][: self.shown + 1][-1] for name in RACERS if name in self.race]
        if ends:
            xy = np.array(ends)
            self.heads.setData(xy[:, 0], xy[:, 1], brush=self._head_brushes[: len(ends)])

    def _rule_text(self, name: str, path: np.ndarray) -> str:
        r, g, b = COLORS[name]
        where = ""
        if len(path):
            x, y = (float(v) for v in path[-1])
            f = float(self.values[name][len(path) - 1])
            where = f"step {len(path) - 1}: f({format_number(x)}, {format_number(y)}) = {format_number(f)}"
            stop = self.runs[name].stop
            if stop is not None and len(path) == stop.step:
                where += f" — diverged at step {stop.step}: {stop.cause}; stopped here"
        dot = f"<span style='color: rgb({r},{g},{b}); font-weight: bold'>●</span>"
        return f"{dot} {drawable(RULES[name])}<br><small>{where}</small>"
