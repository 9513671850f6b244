"""``install_regions(window)``: the "Regions" dock, drawn from every frame while it is shown.

From a frame it colours the probe grid by activation pattern (``training.regions``),
draws the first layer's fold lines and the data, and keeps the number of regions
per epoch: live from the drawn frames, and, on a paused frame, for the timeline's
kept epochs that no drawn frame showed (computed in the training thread, which
owns the snapshots). A click shows the linear function of the clicked region.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from ...data.dataset import DOMAIN
from ...nn import head_for_task
from ...training.numbers import format_number
from ...training.probes import FULL_RESOLUTION

# training.regions and training.transforms (with training.forward) are imported where they are used, at the
# first drawing: the dock is built when first shown, and a window that never shows it never loads them.
if TYPE_CHECKING:
    from collections.abc import Sequence

    from ...training import Trainer
    from ...training.forward import Network
    from ...training.regions import LinearPiece
    from ..session.worker import Frame
    from ..shell.host import WindowHost
    from .regions_view import RegionsView

FIT_ROWS = 400  # grid cells used to fit the first layer in plane coordinates (the fit is exact)


PATTERN_GROUP = 8  # digits of an activation pattern between two spaces, where a line may wrap


def piece_text(piece: LinearPiece, head: str, widths: Sequence[int] = (), positive: str = "class 2") -> str:
    """The linear function of a region, as the person reads it: one line per output; then the activation
    pattern, layer by layer (``widths``: the hidden layers' units) in groups of ``PATTERN_GROUP``, so the
    words wrap in the narrow dock (one unbroken string of 64 digits widened the window past the screen).
    ``positive``: the class a sigmoid head's positive logit means (its y = 1: the second class)."""
    rows = []
    k = piece.slopes.shape[1]
    for j in range(k):
        w1, w2, c = (float(v) for v in (piece.slopes[0, j], piece.slopes[1, j], piece.offset[j]))
        terms = f"{format_number(w1)}·x1 {'−' if w2 < 0 else '+'} {format_number(abs(w2))}·x2 "
        terms += f"{'−' if c < 0 else '+'} {format_number(abs(c))}"
        name = "ŷ" if head == "identity" else "logit" if k == 1 else f"logit of class {j + 1}"
        rows.append(f"{name} = {terms}")
    on = pattern_text(piece.pattern, widths)
    where = f"{positive} where the logit is positive" if head == "sigmoid" else "the largest logit wins"
    tail = "" if head == "identity" else f" ({where})"
    return "On this region: " + ";  ".join(rows) + tail + f"\nactivation pattern (units with z > 0): {on}"


class RegionsFeature(QObject):
    """The dock (its view built when first shown), its View-menu toggle and the frame view that feeds it."""

    def __init__(self, window: WindowHost) -> None:
        super().__init__(window)
        self._window = window
        self.dock = window.add_lazy_dock(
            "Regions",
            "regionsDock",
            self._build_view,
            Qt.DockWidgetArea.RightDockWidgetArea,
            "The linear regions of a ReLU network over the plane, and their number over the epochs",
        )
        self.network: Network | None = None  # the drawn frame's network, in plane coordinates
        self.count = 0
        self.counts: dict[int, int] = {}  # epoch -> regions, for the curve
        self._coarse: set[int] = set()  # epochs of counts over a playing frame's coarser grid
        self._key: object = None
        self._head = "sigmoid"
        self._positive = "class 2"  # the class of y = 1, which a sigmoid head's positive logit predicts
        self._clicked: tuple[float, float] | None = None
        self.dock.follow_frames(window, self.draw)

    def _build_view(self) -> QWidget:
        # Imported here, with the first show: a window whose dock stays closed never loads the view.
        from .regions_view import RegionsView

        view = RegionsView()
        view.pointClicked.connect(self.click)
        return view

    @property
    def view(self) -> RegionsView:
        """The dock's view (built now if the dock was never shown)."""
        return cast("RegionsView", self.dock.content())

    def draw(self, frame: Frame) -> None:
        """Colour the plane by ``frame``'s regions and update the count curve."""
        from ...training.regions import fold_lines, folding_patterns, regions_of, why_no_regions
        from ...training.transforms import network_on_features

        cfg, dataset = frame.config, frame.dataset
        key = (tuple(W.shape for W, _ in frame.weights), cfg.activations, cfg.residual, cfg.features, cfg.standardize)
        key += (dataset.task,)
        if key != self._key:  # another network: its regions and their history start afresh
            self._key, self.counts, self._clicked, self._coarse = key, {}, None, set()
        reason = why_no_regions(cfg.activations, cfg.features)
        if reason:
            self.network = None
            self.view.show_reason(reason)
            return
        axis = frame.grid_axis
        r = len(axis)
        x1, x2 = np.meshgrid(axis, axis)
        grid = np.column_stack([x1.ravel(), x2.ravel()])
        rows = np.linspace(0, r * r - 1, min(FIT_ROWS, r * r)).astype(np.intp)
        self._head = head_for_task(dataset.task, dataset.n_classes).name
        self._positive = dataset.class_names[-1] if dataset.task == "classification" else ""
        # The frame's z(1) is affine in the plane point whatever the standardisation: fitted exactly.
        self.network = network_on_features(
            frame.weights, cfg.activations, self._head, grid[rows], frame.grid_z[0][rows], cfg.residual
        )
        # The patterns of the frame's own grid probe: the trainer's z, not a recomputation.
        regions = regions_of(folding_patterns(frame.grid_z, cfg.activations))
        self.count = regions.count
        folds, _ = fold_lines(self.network, (DOMAIN[0], DOMAIN[0], DOMAIN[1], DOMAIN[1]))
        points = dataset.X[frame.point_rows]
        self.view.show_regions(regions.ids.reshape(r, r), regions.count, axis, folds, points, self._brushes(frame))
        if not frame.viewing:
            self.counts = {e: c for e, c in self.counts.items() if e < frame.epoch}  # a reset or a rewind
            self.counts[frame.epoch] = regions.count
            # A big network's playing frames probe a coarser grid, which finds fewer regions: their
            # counts stand until a still frame, whose timeline fill counts again at full resolution.
            self._coarse = {e for e in self._coarse if e < frame.epoch}
            if r < FULL_RESOLUTION:
                self._coarse.add(frame.epoch)
            if not frame.playing:
                for epoch in self._coarse:
                    del self.counts[epoch]
                self._coarse.clear()
                self._fill_from_timeline(frame, grid)
        self._show_curve(frame)
        if self._clicked is not None:
            self.click(*self._clicked)  # the clicked point's function, as the network is now

    def _fill_from_timeline(self, frame: Frame, grid: np.ndarray) -> None:
        """Count the regions of the timeline's kept epochs that no drawn frame showed."""
        missing = [int(e) for e in frame.timeline if int(e) not in self.counts and int(e) <= frame.epoch]
        if not missing:
            return
        worker = self._window.session.worker
        from ...training.regions import region_counts

        def compute(trainer: Trainer) -> tuple[list[int], np.ndarray]:
            snaps = [s for s in worker.timeline.snapshots_of(trainer) if s.epoch in missing]
            return [s.epoch for s in snaps], region_counts(trainer, [s.params for s in snaps], grid)

        try:
            result = worker.call(compute)
        except (ValueError, TimeoutError):
            return  # the curve keeps the drawn epochs; nothing is lost
        epochs, counts = result  # type: ignore[misc]
        self.counts.update({int(e): int(c) for e, c in zip(epochs, counts)})

    def _show_curve(self, frame: Frame) -> None:
        epochs = np.array(sorted(self.counts), dtype=np.float64)
        counts = np.array([self.counts[int(e)] for e in epochs], dtype=np.float64)
        history = frame.history
        self.view.show_curve(epochs, counts, history["epoch"].astype(np.float64), history["train_loss"])

    def _brushes(self, frame: Frame) -> list[object]:
        dataset = frame.dataset
        if dataset.task != "classification":
            return []
        palette = [pg.mkBrush(color) for color in dataset.class_colors]
        return [palette[int(c)] for c in dataset.y[frame.point_rows]]

    def click(self, x: float, y: float) -> None:
        """Show the linear function the network computes on the region around ``(x, y)``."""
        if self.network is None:
            return
        from ...training.regions import linear_piece

        self._clicked = (x, y)
        piece = linear_piece(self.network, np.array([x, y]))
        widths = [W.shape[1] for W, _ in self.network.weights[:-1]]
        self.view.show_piece(x, y, piece_text(piece, self._head, widths, self._positive))


def pattern_text(pattern: np.ndarray, widths: Sequence[int] = ()) -> str:
    """``pattern``'s units as 1 (z > 0) and 0, layers apart by " | " (``widths``, summing to its length; empty:
    one layer), each layer's digits in groups of ``PATTERN_GROUP``."""
    digits = "".join("1" if p else "0" for p in pattern)
    sizes = list(widths) if sum(widths) == len(digits) and len(widths) else [len(digits)]
    layers, start = [], 0
    for size in sizes:
        layer = digits[start : start + size]
        layers.append(" ".join(layer[i : i + PATTERN_GROUP] for i in range(0, len(layer), PATTERN_GROUP)))
        start += size
    return " | ".join(layers)


def install_regions(window: WindowHost) -> RegionsFeature:
    """Add the "Regions" dock (View menu) to ``window``."""
    return RegionsFeature(window)
