"""Where the network diagram puts its units: a pure function of the layer sizes and the space.

The diagram lives in a narrow, tall dock. A wide network (2-16-16-1) fits best
with its layers as columns, units stacked down (as in TensorFlow Playground); a
deep one (eight layers of eight) fits best with its layers as rows, inputs on
top. :func:`diagram_geometry` tries both and keeps the one with the larger maps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

MAX_THUMBNAIL = 72.0  # px: beyond this a map shows nothing new and the edges get cramped
MIN_THUMBNAIL = 6.0  # px: below this a map is a coloured dot, still better than nothing
_FILL_ALONG = 0.58  # of a layer-to-layer pitch taken by the maps; the rest shows the edges
_FILL_ACROSS = 0.86  # of a unit-to-unit pitch taken by a map
_MAX_ALONG = 3.5  # layer-to-layer pitch at most this many map sides: edges long enough to read
_MARGIN = 6.0  # px around everything
_PAD = 4.0  # px between a label and what it labels

ROWS, COLUMNS = "rows", "columns"  # layers as rows (inputs on top) or as columns (inputs left)


@dataclass(frozen=True)
class Geometry:
    """Positions in view pixels.

    ``centres[c]`` is an ``(units, 2)`` array of the map centres of layer column
    ``c`` (0 = inputs, last = output); ``thumbnail`` the maps' side;
    ``headers[c]`` the anchor of layer ``c``'s name (its centre when
    ``orientation`` is COLUMNS, its left-centre for ROWS); ``input_labels[k]``
    the anchor of input ``k``'s name (bottom-centre for ROWS, right-centre for COLUMNS).
    """

    orientation: str
    thumbnail: float
    centres: list[np.ndarray]
    headers: list[tuple[float, float]]
    input_labels: list[tuple[float, float]]

    def edge_ends(self, column: int) -> tuple[np.ndarray, np.ndarray]:
        """Start and end points of the edges into layer ``column`` (>= 1), each ``(n_in, n_out, 2)``.

        Edges leave a map from its downstream side and enter the next on its upstream side.
        """
        half = self.thumbnail / 2
        step = np.array([0.0, half]) if self.orientation == ROWS else np.array([half, 0.0])
        start = self.centres[column - 1][:, None, :] + step
        end = self.centres[column][None, :, :] - step
        n_in, n_out = len(self.centres[column - 1]), len(self.centres[column])
        return np.broadcast_to(start, (n_in, n_out, 2)), np.broadcast_to(end, (n_in, n_out, 2))

    def column_rect(self, column: int, pad: float) -> tuple[float, float, float, float]:
        """``(x, y, width, height)`` around layer ``column``'s maps, ``pad`` px beyond them."""
        c = self.centres[column]
        reach = self.thumbnail / 2 + pad
        (x0, y0), (x1, y1) = c.min(axis=0) - reach, c.max(axis=0) + reach
        return float(x0), float(y0), float(x1 - x0), float(y1 - y0)


def diagram_geometry(
    sizes: Sequence[int],
    width: float,
    height: float,
    header: tuple[float, float],
    input_label: tuple[float, float],
    row_header: tuple[float, float] | None = None,
) -> Geometry:
    """Lay out layers of ``sizes`` units (inputs first, outputs last) in ``width`` x ``height`` px.

    ``header`` and ``input_label`` are the ``(width, height)`` of the largest
    layer name and input name, so the labels get room and never overlap a map;
    ``row_header`` is the largest layer name's as the rows layout writes it, if it
    writes them otherwise (on one line: rows are closer than two lines of text).
    """
    headers = {ROWS: row_header or header, COLUMNS: header}
    candidates = [_layout(sizes, width, height, headers[o], input_label, o) for o in (ROWS, COLUMNS)]
    return max(candidates, key=lambda g: g.thumbnail)


def _layout(
    sizes: Sequence[int],
    width: float,
    height: float,
    header: tuple[float, float],
    input_label: tuple[float, float],
    orientation: str,
) -> Geometry:
    if orientation == ROWS:
        # Layer names in a gutter on the left, input names in a band above the inputs.
        gutter, band = header[0] + _PAD, input_label[1] + _PAD
        across_space, along_space = width - gutter - 2 * _MARGIN, height - band - 2 * _MARGIN
    else:
        # Input names in a gutter on the left, layer names in a band above the columns.
        gutter, band = input_label[0] + _PAD, header[1] + _PAD
        along_space, across_space = width - gutter - 2 * _MARGIN, height - band - 2 * _MARGIN
    along = max(along_space, 1.0) / len(sizes)  # pitch from layer to layer
    across = max(across_space, 1.0) / max(sizes)  # pitch from unit to unit
    thumbnail = float(np.clip(min(_FILL_ALONG * along, _FILL_ACROSS * across), MIN_THUMBNAIL, MAX_THUMBNAIL))
    # Units sit as close as their maps allow, and layers no further apart than the edges
    # need: a small network stays one compact picture at the top instead of a sparse scatter.
    along = min(along, _MAX_ALONG * thumbnail)
    across = min(across, thumbnail / _FILL_ACROSS)
    # Whatever the orientation, the picture hangs from the top of the dock and is
    # centred across its width; layers of fewer units are centred on the widest.
    if orientation == ROWS:
        origin_along = _MARGIN + band
        middle_across = _MARGIN + gutter + across_space / 2
    else:
        origin_along = _MARGIN + gutter + (along_space - along * len(sizes)) / 2
        middle_across = _MARGIN + band + across * max(sizes) / 2

    centres, headers = [], []
    for c, n in enumerate(sizes):
        a = origin_along + (c + 0.5) * along
        b = middle_across + (np.arange(n) - (n - 1) / 2) * across
        xy = np.column_stack([b, np.full(n, a)]) if orientation == ROWS else np.column_stack([np.full(n, a), b])
        centres.append(xy)
        headers.append((_MARGIN, a) if orientation == ROWS else (a, _MARGIN + header[1] / 2))
    half = thumbnail / 2
    inputs = centres[0]
    if orientation == ROWS:
        labels = [(float(x), float(y - half - _PAD / 2)) for x, y in inputs]
    else:
        labels = [(float(x - half - _PAD), float(y)) for x, y in inputs]
    return Geometry(orientation, thumbnail, centres, headers, labels)
