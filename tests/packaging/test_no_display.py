"""With no display at all the app says so in one sentence and exits 1, instead of Qt's
"xcb-cursor0 is needed" and an abort; the commands that need no screen still run."""

from __future__ import annotations

import os
import subprocess
import sys

from playground.ui.display import display_problem


def _no_display_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    return env


def test_the_window_without_a_display_says_so_and_exits_1():
    done = subprocess.run(
        [sys.executable, "-m", "playground"], env=_no_display_env(), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("playground: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set)")
    assert "playground-cli train" in lines[0] and "playground-cli render" in lines[0]
    assert "xcb" not in done.stderr


def test_train_needs_no_display():
    done = subprocess.run(
        [sys.executable, "-m", "playground", "train", "--epochs", "2", "--points", "20"],
        env=_no_display_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("epoch 2: loss")


def test_display_problem_cases():
    found = {"xcb": "libxcb.so.1", "xcb-cursor": "libxcb-cursor.so.0"}.get
    assert display_problem({}, "linux", found).startswith("no display found")
    # A chosen platform (offscreen, say), a display, Windows and macOS: no objection.
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", found) is None
    assert display_problem({"DISPLAY": ":0"}, "linux", found) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", found) is None
    assert display_problem({}, "win32", found) is None and display_problem({}, "darwin", found) is None
    # X11 without libxcb-cursor: say which library, rather than let Qt abort.
    no_cursor = {"xcb": "libxcb.so.1"}.get
    assert "libxcb-cursor0" in display_problem({"DISPLAY": ":0"}, "linux", no_cursor)
    # Wayland does not need it; and a lookup that finds nothing at all proves nothing.
    assert display_problem({"DISPLAY": ":0", "WAYLAND_DISPLAY": "w"}, "linux", no_cursor) is None
    assert display_problem({"DISPLAY": ":0"}, "linux", lambda name: None) is None


def test_the_libraries_are_looked_up_without_a_subprocess():
    # ctypes.util.find_library ran ldconfig for each library at every start on X11.
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from playground.ui.display import display_problem, loadable; "
            "print(display_problem({'DISPLAY': ':0'}, 'linux'), loadable('xcb'), 'subprocess' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "libxcb.so.1", "False"]  # Qt's X11 plugin needs both libraries here
