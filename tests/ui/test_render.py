"""``python -m playground render``: the frame schedule, the options, and a tiny video that decodes."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np
import pytest

from playground.__main__ import main
from playground.ui.media.render import build_parser, frame_epochs
from playground.ui.shell.settings import DATA_DIR_ENV


def test_frame_schedule():
    assert frame_epochs(10, 30) == list(range(11))
    assert frame_epochs(10, 30, epochs_per_frame=4) == [0, 4, 8, 10]
    # 1 s at 5 fps: 5 frames spread over 0..8 epochs.
    assert frame_epochs(8, 5, duration=1.0) == [0, 2, 4, 6, 8]


def test_help_explains_every_option():
    parser = build_parser()
    for action in parser._actions:
        if action.option_strings and action.dest != "help":
            assert action.help, f"{action.option_strings} has no help"
    text = parser.format_help()
    for option in ("--out", "--fps", "--size", "--epochs-per-frame", "--duration", "--session", "--preset",
                   "--view", "--presentation"):
        assert option in text


@pytest.mark.parametrize("fmt, view", [("gif", "plots"), ("mp4", "window")])
def test_render_writes_a_video_that_decodes(tmp_path, capsys, monkeypatch, fmt, view):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))  # the window keeps no files of ours
    out = tmp_path / f"tiny.{fmt}"
    code = main(["render", "--preset", "xor", "--points", "60", "--hidden", "4", "--epochs", "6",
                 "--epochs-per-frame", "2", "--fps", "10", "--hold", "0.2", "--size", "320x180",
                 "--view", view, "--out", str(out)])
    assert code == 0
    frames = np.stack(list(iio.imiter(str(out), plugin="FFMPEG" if fmt == "mp4" else None)))
    # Epochs 0, 2, 4, 6 and two hold frames.
    assert frames.shape == (6, 180, 320, 3)
    assert "6 frames, 320x180" in capsys.readouterr().out
    # Training changed the picture; the hold repeats the last frame.
    assert np.abs(frames[0].astype(int) - frames[3].astype(int)).mean() > 0.5
    assert np.abs(frames[3].astype(int) - frames[5].astype(int)).mean() < 2.0


@pytest.mark.parametrize("args, message", [
    (["--out", "x.avi"], ".mp4 or .gif"),
    (["--out", "x.mp4", "--size", "641x360"], "even"),
    (["--out", "x.mp4", "--epochs", "0"], "argument --epochs: expected 1 to 1000000, got 0"),
])
def test_bad_options_are_named(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit):
        main(["render", *[str(tmp_path / a) if a.startswith("x.") else a for a in args]])
    assert message in capsys.readouterr().err
