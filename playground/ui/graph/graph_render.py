"""The graph view for ``render --view graph``: the graph of one training point's loss, as training goes on.

The render command films a widget of the offscreen window. For this view the
Inspect tool inspects the first training point, and the graph dock floats as
its own window of the video's size, so the graph is not squeezed under the
plots. Each frame the chain-rule inspector refreshes the pass (training is
stepped, not played) and the graph follows it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QWidget


def graph_area(app, window, size: tuple[int, int]) -> tuple[QWidget, QRect]:
    """Show the graph of the first training point in a floating dock of ``size``; ``(widget, rect)``."""
    dataset = window.session.dataset
    training = np.flatnonzero(~dataset.is_test)
    if not len(training):
        raise ValueError("render --view graph: the data has no training point to inspect")
    inspector, feature = window.chain_rule, window.graph
    inspector.action.setChecked(True)  # the tool, and its dock: the inspector refreshes only while shown
    x, y = dataset.X[training[0]]
    inspector.inspect_at(float(x), float(y))
    feature.panel.canvas.min_scale = 0.0  # the whole graph in the picture; a larger --size makes it larger
    feature.dock.show()
    feature.dock.setFloating(True)
    feature.tabs.setCurrentIndex(0)
    feature.dock.resize(QSize(*size))
    app.processEvents()
    feature.sync()
    # The dock's frame and title take some pixels: fit the panel itself to the size.
    widget = feature.tabs
    for _ in range(3):
        feature.dock.resize(feature.dock.size() + QSize(*size) - widget.size())
        app.processEvents()
    return widget, widget.rect()
