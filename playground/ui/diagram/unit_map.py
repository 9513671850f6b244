"""One unit's map full size, for the decision-boundary plot (a click on a unit in the diagram)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...data.features import FEATURES
from ..plots.unit_maps import feature_values, unit_line, unit_scale
from ..session.worker import Frame


@dataclass(frozen=True)
class UnitMap:
    """One unit's full-size map for the boundary plot (see ``BoundaryPlot.show_unit_map``)."""

    values: np.ndarray  # (r, r), rows along x2 from the bottom
    vmin: float
    vmax: float
    line_values: np.ndarray  # where the dividing line is traced
    level: float
    label: str


def unit_exists(frame: Frame, column: int, unit: int) -> bool:
    """Whether diagram ``column`` of ``frame``'s network has a unit ``unit`` with a map
    (inputs and hidden units; the outputs' map is the boundary plot's own)."""
    sizes = [len(frame.config.features), *frame.config.hidden]
    return 0 <= column < len(sizes) and 0 <= unit < sizes[column]


def unit_map(frame: Frame, column: int, unit: int) -> UnitMap:
    """The map of input feature or hidden unit ``unit`` of diagram ``column`` in ``frame``.

    Columns count as in the diagram: 0 the inputs, then the hidden layers.
    """
    r = len(frame.grid_axis)
    if column == 0:
        values = feature_values(frame.grid_axis, frame.config.features)
        vmin, vmax, level = unit_scale("linear", values)
        v = values[:, unit].reshape(r, r)
        return UnitMap(v, vmin, vmax, v, level, f"input {FEATURES[frame.config.features[unit]][0]}")
    activation = frame.config.activations[column - 1]
    a, z = frame.grid_a[column - 1], frame.grid_z[column - 1]
    vmin, vmax, _ = unit_scale(activation, a)
    line, level = unit_line(activation, a[:, unit], z[:, unit])
    name = f"layer {column} unit {unit + 1} ({activation})"
    return UnitMap(a[:, unit].reshape(r, r), vmin, vmax, line.reshape(r, r), level, name)
