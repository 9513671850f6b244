"""Recording never hangs: many recordings while training plays at full speed, in a process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RECORDINGS = 30

pytestmark = pytest.mark.slow  # thirty recordings in a process of its own: pytest -m slow


def test_thirty_recordings_while_playing_never_fork_and_all_decode(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "PLAYGROUND_DATA_DIR": str(tmp_path / "data"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    # A hard timeout: a deadlock fails this test instead of blocking the run.
    done = subprocess.run(
        [sys.executable, str(HERE / "recording_stress_run.py"), str(tmp_path), str(RECORDINGS)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["forks"] == 0  # ffmpeg was never started with a real fork()
    assert result["saved"] and result["epochs"] > 0
    paths = result["paths"]
    assert len(set(paths)) == RECORDINGS  # none overwrote another
    for path in paths:
        plugin = "FFMPEG" if path.endswith(".mp4") else None
        frames = list(iio.imiter(path, plugin=plugin) if plugin else iio.imiter(path))
        assert len(frames) >= 1 and frames[0].ndim == 3, path
