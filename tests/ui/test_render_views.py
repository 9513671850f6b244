"""``render --view transforms|regions|landscape|race``: each dock filmed headless at a small size; the
picture is not blank, it is that view (its own colours), and training changes it."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np
import pytest

from playground.__main__ import main
from playground.ui.regions.regions_view import region_palette
from playground.ui.shell.settings import DATA_DIR_ENV


def _render(tmp_path, monkeypatch, view: str, *extra: str) -> np.ndarray:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    out = tmp_path / f"{view}.gif"
    args = ["render", "--preset", "xor", "--points", "80", "--hidden", "6,6", "--epochs", "8"]
    args += ["--epochs-per-frame", "4", "--fps", "10", "--size", "400x300", "--view", view, "--out", str(out), *extra]
    assert main(args) == 0
    frames = np.stack(list(iio.imiter(str(out))))
    assert frames.shape[1:] == (300, 400, 3)
    assert frames[-1].std() > 10  # not blank
    return frames


def _share_near(frame: np.ndarray, colors: np.ndarray, tolerance: int = 12) -> float:
    """The share of pixels within ``tolerance`` of one of ``colors`` (GIF palettes move colours a little)."""
    pixels = frame.reshape(-1, 1, 3).astype(int)
    near = (np.abs(pixels - colors[None].astype(int)).max(axis=2) <= tolerance).any(axis=1)
    return float(near.mean())


def test_render_regions_films_the_region_shades(tmp_path, monkeypatch):
    frames = _render(tmp_path, monkeypatch, "regions", "--activation", "relu")
    assert _share_near(frames[-1], region_palette(64)) > 0.05  # the map is drawn in the regions' shades
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 0.5  # training moved the regions


def test_render_transforms_films_the_carried_grid(tmp_path, monkeypatch):
    from playground.ui.transforms.transforms_view import COLUMN_COLOR, ROW_COLOR

    frames = _render(tmp_path, monkeypatch, "transforms")
    assert _share_near(frames[-1], np.array([ROW_COLOR, COLUMN_COLOR]), 30) > 0.005  # the two line families
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 0.3


def test_render_landscape_films_the_heatmap(tmp_path, monkeypatch):
    import pyqtgraph as pg

    frames = _render(tmp_path, monkeypatch, "landscape", "--optimizer", "momentum")
    viridis = pg.colormap.get("viridis").getLookupTable(nPts=64)[:, :3]
    assert _share_near(frames[-1], viridis, 10) > 0.05


@pytest.mark.parametrize("view", ["race"])
def test_render_race_films_the_paths(tmp_path, monkeypatch, view):
    from playground.ui.race.race_view import COLORS

    frames = _render(tmp_path, monkeypatch, view)
    for color in COLORS.values():
        assert _share_near(frames[-1], np.array([color]), 20) > 0.0001, color  # at least its rule's dot
