"""``render --lesson FILE``: every shipped lesson filmed headless with one caption per step; bad lessons refused."""

from __future__ import annotations

import json
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

from playground.__main__ import main
from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig, save_session
from playground.training.lessons import read_lesson
from playground.ui.media import lesson_render
from playground.ui.media import overlay as overlay_module
from playground.ui.shell.settings import DATA_DIR_ENV

FAST = ["--size", "256x144", "--fps", "4", "--step-seconds", "0.5", "--epochs-per-frame", "100"]
# The shipped lessons play at most 1000 epochs a step: one frame a play step is enough to see each
# step filmed with its caption (a play step's frames in between are checked on a lesson written here).
SHIPPED_EPOCHS_PER_FRAME = 1000
SHIPPED = [*FAST[:-1], str(SHIPPED_EPOCHS_PER_FRAME)]


def _shipped() -> list[Path]:
    try:
        from playground.training.examples import shipped_examples
    except ImportError:
        return []
    return list(shipped_examples())


@pytest.fixture
def burnt(monkeypatch, tmp_path):
    """Every DrawnOverlay the render burns in, in order; the window keeps its files in tmp_path."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    drawn = []
    burn = overlay_module.Overlay.burn

    def logged(self, image, caption, info, scale=1.0, marks=None):
        out = burn(self, image, caption, info, scale, marks)
        drawn.append(self.log[-1])
        return out

    monkeypatch.setattr(overlay_module.Overlay, "burn", logged)
    return drawn


def _own_lesson(folder: Path, steps: list[dict]) -> Path:
    dataset = make_dataset("xor", n=60, noise=0.0, seed=0, test_fraction=0.25)
    save_session(folder / "xor.playground.json", Trainer(dataset, TrainingConfig(hidden=(4,), lr=0.1, seed=0)))
    path = folder / "own.lesson.json"
    lesson = {"format": "playground-lesson", "version": 1, "title": "Own", "summary": "", "steps": steps}
    path.write_text(json.dumps(lesson), encoding="utf-8")
    return path


def _check_video(
    out: Path, drawn, lesson_path: Path, fps: float = 4, step_seconds: float = 0.5, epochs_per_frame: int = 100
) -> None:
    lesson = read_lesson(lesson_path)
    frames = np.stack(list(iio.imiter(out, plugin="FFMPEG")))
    assert frames.shape[1:] == (144, 256, 3)
    # One caption per step, in order, each shown on at least the step's hold.
    hold = round(step_seconds * fps)
    runs: list[tuple[str, int]] = []
    for d in drawn:
        if runs and runs[-1][0] == d.caption:
            runs[-1] = (d.caption, runs[-1][1] + 1)
        else:
            runs.append((d.caption, 1))
    assert [caption for caption, _ in runs] == [step.caption for step in lesson.steps]
    pictures = len(drawn)
    # Each burnt picture is held for the step (its last) or shown once (a play step's frames).
    assert pictures <= len(frames) == lesson_render.lesson_frames(lesson, fps, epochs_per_frame, step_seconds)
    assert len(frames) >= hold * len(lesson.steps)
    # The caption box is in the corner of every frame: dark where the box is.
    x, y, w, h = drawn[0].box
    assert drawn[0].corner == "bottom-left" and x < 128 and y > 72
    # Dark where the box is (white text covers less than half of it), whatever the theme behind.
    assert np.median(frames[0][y + 2 : y + h - 2, x + 2 : x + w - 2]) < 90


@pytest.mark.parametrize("lesson", _shipped() or [None], ids=lambda p: p.name if p else "none-shipped")
def test_every_shipped_lesson_renders_with_one_caption_per_step(tmp_path, burnt, lesson):
    if lesson is None:
        pytest.skip("no shipped lessons (playground/training/examples.py)")
    out = tmp_path / "lesson.mp4"
    assert main(["render", "--lesson", str(lesson), "--out", str(out), *SHIPPED]) == 0
    _check_video(out, burnt, lesson, epochs_per_frame=SHIPPED_EPOCHS_PER_FRAME)


def test_a_lesson_written_here_renders_step_by_step(tmp_path, burnt, capsys):
    path = _own_lesson(
        tmp_path,
        [
            {"caption": "This is XOR.", "state": "xor.playground.json"},
            {"caption": "Press Play.", "action": {"kind": "play", "epochs": 300}},
            {"caption": "The hidden layer.", "action": {"kind": "activation_layer", "layer": 1}},
        ],
    )
    out = tmp_path / "own.mp4"
    assert main(["render", "--lesson", str(path), "--out", str(out), *FAST]) == 0
    assert "3 steps" in capsys.readouterr().out
    _check_video(out, burnt, path)
    # The play step trained 300 epochs, 100 a frame: its frames show epochs 0, 100, 200, then 300 held.
    epochs = [d.info.split(" · ")[0] for d in burnt]
    assert epochs == ["epoch 0", "epoch 0", "epoch 100", "epoch 200", "epoch 300", "epoch 300"]
    frames = np.stack(list(iio.imiter(out, plugin="FFMPEG")))
    assert np.abs(frames[2].astype(int) - frames[-1].astype(int)).mean() > 0.5  # training changed the picture


@pytest.mark.parametrize(
    "steps, named",
    [
        ([{"caption": "no state first"}], "step 1, state"),
        (
            [
                {"caption": "ok", "state": "xor.playground.json"},
                {"caption": "x", "action": {"kind": "play", "epochs": 0}},
            ],
            "step 2, action.epochs",
        ),
        ([{"caption": "ok", "state": "missing.playground.json"}], "step 1, state"),
        ([{"caption": "ok", "state": "broken.playground.json"}], "step 1, state"),
    ],
)
def test_a_bad_lesson_names_the_step_and_field_and_writes_nothing(tmp_path, capsys, steps, named):
    (tmp_path / "broken.playground.json").write_text('{"format": "playground-session", "version": 1}')
    path = _own_lesson(tmp_path, steps)
    out = tmp_path / "bad.mp4"
    with pytest.raises(SystemExit) as exit_info:
        main(["render", "--lesson", str(path), "--out", str(out), *FAST])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and named in err and "own.lesson.json" in err, err
    assert not out.exists() and not list(tmp_path.glob(".bad.rendering-*"))


def test_an_action_the_network_cannot_take_stops_cleanly(tmp_path, burnt, capsys):
    path = _own_lesson(
        tmp_path,
        [
            {"caption": "This is XOR.", "state": "xor.playground.json"},
            {"caption": "Layer 5?", "action": {"kind": "activation_layer", "layer": 5}},
        ],
    )
    out = tmp_path / "stop.mp4"
    with pytest.raises(SystemExit) as exit_info:
        main(["render", "--lesson", str(path), "--out", str(out), *FAST])
    assert exit_info.value.code == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]  # after the progress lines
    assert "own.lesson.json: step 2, action.layer: " in last and "no layer 5" in last, last
    assert not out.exists() and not list(tmp_path.glob(".stop.rendering-*"))


def test_lesson_and_session_together_are_refused(tmp_path, capsys):
    path = _own_lesson(tmp_path, [{"caption": "x", "state": "xor.playground.json"}])
    with pytest.raises(SystemExit):
        main(["render", "--lesson", str(path), "--session", str(tmp_path / "xor.playground.json"), "--out", "x.mp4"])
    assert "--lesson and --session" in capsys.readouterr().err


def test_play_steps_are_paced_like_render():
    assert lesson_render.play_schedule(6, 30, None) == [1, 2, 3, 4, 5, 6]
    assert lesson_render.play_schedule(300, 4, 100) == [100, 200, 300]
    spread = lesson_render.play_schedule(10_000, 10, None)  # spread over PLAY_SECONDS
    assert len(spread) == round(lesson_render.PLAY_SECONDS * 10) - 1 and spread[-1] == 10_000
