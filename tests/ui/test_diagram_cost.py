"""What the diagram skips or fuses to draw a frame for less (issue 16) leaves its pictures as they were."""

from __future__ import annotations

import numpy as np
import pytest

from playground.ui.diagram.scene import thumbnail_cells
from playground.ui.plots.unit_maps import thumbnail_samples, thumbnail_step


@pytest.mark.parametrize(("resolution", "units", "drawn"), [(40, 64, (0, 9, 21, 63)), (100, 8, tuple(range(8)))])
def test_one_gather_is_each_drawn_units_thumbnail_top_row_first(resolution, units, drawn):
    values = np.random.default_rng(0).standard_normal((resolution * resolution, units)).astype(np.float32)
    shown = np.take(values, thumbnail_cells(resolution, thumbnail_step(resolution), units, drawn))
    picks = thumbnail_samples(resolution)
    assert shown.shape == (len(drawn), len(picks), len(picks)) and shown.flags.c_contiguous
    for k, unit in enumerate(drawn):
        grid = values[:, unit].reshape(resolution, resolution)  # row i is x2 = axis[i]
        np.testing.assert_array_equal(shown[k], grid[picks[::-1]][:, picks])
