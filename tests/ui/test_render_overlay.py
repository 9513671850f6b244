"""``render --overlay CORNER``: the caption box burnt into the rendered frames, and its log."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np

from playground.__main__ import main
from playground.ui.media import overlay as overlay_module
from playground.ui.media import render
from playground.ui.shell.settings import DATA_DIR_ENV


def _render(tmp_path, name: str, *extra: str) -> np.ndarray:
    out = tmp_path / name
    argv = ["render", "--preset", "xor", "--points", "40", "--hidden", "3", "--epochs", "2"]
    argv += ["--fps", "10", "--size", "320x180", "--out", str(out), *extra]
    assert main(argv) == 0
    return np.stack(list(iio.imiter(out, plugin="FFMPEG")))


def test_the_overlay_corner_is_darkened_and_logged(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    drawn = []
    burn = overlay_module.Overlay.burn

    def logged(self, image, caption, info, scale=1.0, marks=None):
        out = burn(self, image, caption, info, scale, marks)
        drawn.append(self.log[-1])
        return out

    monkeypatch.setattr(overlay_module.Overlay, "burn", logged)
    bare = _render(tmp_path, "bare.mp4")
    assert drawn == []  # no --overlay, nothing burnt in
    boxed = _render(tmp_path, "boxed.mp4", "--overlay", "bottom-right")
    assert len(drawn) == len(boxed) == len(bare) == 3
    assert [d.info.split(" · ")[0] for d in drawn] == ["epoch 0", "epoch 1", "epoch 2"]
    assert all(d.corner == "bottom-right" and d.caption == "" for d in drawn)
    x, y, w, h = drawn[0].box
    assert x + w // 2 > 160 and y + h // 2 > 90  # in the bottom-right quarter
    inside = (slice(y + 2, y + h - 2), slice(x + 2, x + w - 2))
    assert boxed[0][inside].mean() < bare[0][inside].mean() - 40
    # Elsewhere the frames are the window's.
    assert np.abs(boxed[0][:60, :100].astype(int) - bare[0][:60, :100]).mean() < 3


def test_the_parser_offers_the_overlay_corners():
    assert render.OVERLAY_CORNERS == overlay_module.CORNERS
    assert "--overlay" in render.build_parser().format_help()
    assert render.build_parser().parse_args(["--out", "x.mp4", "--overlay", "top-left"]).overlay == "top-left"
