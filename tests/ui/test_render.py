"""``python -m playground render``: the frame schedule, the options, and a tiny video that decodes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from command_files import bad_session, unwritable_folder

from playground.__main__ import main
from playground.ui.media import render
from playground.ui.media.render import build_parser, frame_epochs
from playground.ui.shell.settings import DATA_DIR_ENV

ROOT = Path(__file__).resolve().parents[2]


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
    for option in (
        "--out",
        "--fps",
        "--size",
        "--epochs-per-frame",
        "--duration",
        "--session",
        "--preset",
        "--view",
        "--presentation",
    ):
        assert option in text


@pytest.mark.parametrize("fmt, view", [("gif", "plots"), ("mp4", "window")])
def test_render_writes_a_video_that_decodes(tmp_path, capsys, monkeypatch, fmt, view):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))  # the window keeps no files of ours
    out = tmp_path / f"tiny.{fmt}"
    code = main(
        [
            "render",
            "--preset",
            "xor",
            "--points",
            "60",
            "--hidden",
            "4",
            "--epochs",
            "6",
            "--epochs-per-frame",
            "2",
            "--fps",
            "10",
            "--hold",
            "0.2",
            "--size",
            "320x180",
            "--view",
            view,
            "--out",
            str(out),
        ]
    )
    assert code == 0
    frames = np.stack(list(iio.imiter(str(out), plugin="FFMPEG" if fmt == "mp4" else None)))
    # Epochs 0, 2, 4, 6 and two hold frames.
    assert frames.shape == (6, 180, 320, 3)
    assert "6 frames, 320x180" in capsys.readouterr().out
    # Training changed the picture; the hold repeats the last frame.
    assert np.abs(frames[0].astype(int) - frames[3].astype(int)).mean() > 0.5
    assert np.abs(frames[3].astype(int) - frames[5].astype(int)).mean() < 2.0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--out", "x.avi"], ".mp4 or .gif"),
        (["--out", "x.mp4", "--size", "641x360"], "even"),
        (["--out", "x.mp4", "--epochs", "0"], "argument --epochs: expected 1 to 1000000, got 0"),
    ],
)
def test_bad_options_are_named(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit):
        main(["render", *[str(tmp_path / a) if a.startswith("x.") else a for a in args]])
    assert message in capsys.readouterr().err


FORKS: list[int] = []
os.register_at_fork(before=lambda: FORKS.append(1))  # runs only for a real fork() (a preexec_fn)


def test_render_starts_ffmpeg_without_a_fork(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    before = len(FORKS)
    assert (
        main(
            [
                "render",
                "--preset",
                "xor",
                "--points",
                "40",
                "--hidden",
                "3",
                "--epochs",
                "2",
                "--size",
                "160x90",
                "--fps",
                "10",
                "--out",
                str(tmp_path / "f.mp4"),
            ]
        )
        == 0
    )
    assert len(FORKS) == before  # a fork here deadlocked with OpenBLAS's threads


def _error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if "error:" in line]


@pytest.mark.parametrize(
    "args, named",
    [
        (["--size", "100000x100000"], "--size: 100000x100000: at most 3840x2160"),
        (["--size", "4000x2000"], "--size"),
        (["--duration", "1e9"], "--duration: expected 0.1 to 3600"),
        (["--hold", "1e12"], "--hold: expected 0 to 600"),
        (["--fps", "nan"], "--fps: expected a finite number"),
        (["--fps", "inf"], "--fps: expected a finite number"),
        (["--fps", "1000"], "--fps: expected 1 to 60"),
        (["--duration", "nan"], "--duration: expected a finite number"),
        (["--hold", "nan"], "--hold: expected a finite number"),
        (["--epochs", "1e9"], "--epochs: expected a number"),
        (["--epochs", "500000"], "more than the 216000"),
    ],
)
def test_sizes_durations_and_rates_are_bounded(tmp_path, capsys, args, named):
    with pytest.raises(SystemExit) as exit_info:
        main(["render", "--out", str(tmp_path / "x.mp4"), *args])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert len(_error_lines(err)) == 1 and named in _error_lines(err)[0], err
    assert "Traceback" not in err and not os.path.exists(tmp_path / "x.mp4")


@pytest.mark.parametrize(
    "section, field, literal",
    [
        ("config", "lr", "1e309"),
        ("config", "seed", "1" + "0" * 400),
        ("config", "hidden", "[1" + "0" * 400 + "]"),
        ("state", "epoch", "null"),
    ],
)
def test_malformed_sessions_give_one_line(tmp_path, capsys, section, field, literal):
    session = str(bad_session(tmp_path, section, field, literal))
    with pytest.raises(SystemExit) as exit_info:
        main(["render", "--session", session, "--out", str(tmp_path / "x.mp4")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    (line,) = err.strip().splitlines()  # one line, no usage text, no traceback
    assert line.startswith("python -m playground render: error: --session:")
    assert f"bad-{field}.playground.json" in line and field in line


def test_an_unwritable_output_folder_is_refused_before_any_work(tmp_path, capsys, monkeypatch):
    built = []
    monkeypatch.setattr(render, "trainer_or_exit", lambda *a: built.append(1))
    folder = unwritable_folder(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["render", "--out", os.path.join(folder, "x.mp4")])
    assert exit_info.value.code == 2 and not built
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert f"--out: cannot write in {folder}" in line
    (tmp_path / "folder.mp4").mkdir()
    with pytest.raises(SystemExit):
        main(["render", "--out", str(tmp_path / "folder.mp4")])  # a folder, not a file
    assert "is a folder" in capsys.readouterr().err


def test_the_window_shows_the_options_it_renders(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    seen = {}
    fit = render.fit_window

    def filming(app, window, view, size):  # what the data panel shows when filming starts
        panel = window.data_panel
        seen.update(
            preset=panel.preset.currentText(),
            noise=panel.noise.value(),
            seed=panel.seed.value(),
            points=panel.points.value(),
        )
        return fit(app, window, view, size)

    monkeypatch.setattr(render, "fit_window", filming)
    assert (
        main(
            [
                "render",
                "--preset",
                "xor",
                "--noise",
                "0.25",
                "--seed",
                "3",
                "--points",
                "120",
                "--hidden",
                "2",
                "--epochs",
                "1",
                "--size",
                "160x90",
                "--out",
                str(tmp_path / "x.mp4"),
            ]
        )
        == 0
    )
    assert seen == {"preset": "xor", "noise": 25, "seed": 3, "points": 120}


def test_qt_platform_is_set_by_the_command_only_when_unset(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(render, "_render", lambda *a: seen.append(os.environ.get("QT_QPA_PLATFORM")) or "")
    out = str(tmp_path / "x.mp4")
    monkeypatch.delenv("QT_QPA_PLATFORM")
    assert main(["render", "--epochs", "1", "--points", "20", "--out", out]) == 0
    monkeypatch.setenv("QT_QPA_PLATFORM", "minimal")  # the person's choice stands
    assert main(["render", "--epochs", "1", "--points", "20", "--out", out]) == 0
    assert seen == ["offscreen", "minimal"]
    # Importing the module sets nothing.
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    done = subprocess.run(
        [sys.executable, "-c", "import os, playground.ui.media.render; print(os.environ.get('QT_QPA_PLATFORM'))"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "None", done.stderr


def test_ctrl_c_removes_the_partial_video_and_exits_130(tmp_path):
    out = tmp_path / "long.mp4"
    out.write_bytes(b"last week's video")  # the person's file stays as it was
    env = {**os.environ, "PYTHONPATH": str(ROOT), DATA_DIR_ENV: str(tmp_path / "data")}
    env.pop("QT_QPA_PLATFORM")  # the command sets it itself
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "playground",
            "render",
            "--preset",
            "xor",
            "--points",
            "40",
            "--hidden",
            "3",
            "--epochs",
            "100000",
            "--epochs-per-frame",
            "1",
            "--size",
            "160x90",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        # Frames are being written once the hidden file beside --out has grown.
        while not any(p.stat().st_size for p in tmp_path.glob(".long.rendering-*.mp4")):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err.decode()[-1500:]
    assert "interrupted" in err.decode() and "Traceback" not in err.decode()
    assert out.read_bytes() == b"last week's video"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".mp4"] == ["long.mp4"]  # no partial left
