"""Run the real entry point (``python -m playground``, offscreen, in a fresh interpreter) with a script
that inspects the window once it is up, for the start-up tests.

A script defines ``app`` (the QApplication it makes first), ``out`` (``sys.argv[1]``, the folder), a
``report`` dict and ``at_start()``, whose body ends where :data:`FINISH` goes on: it writes the
report, closes the window without asking, and starts the app.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

FINISH = """
    with open(os.path.join(out, "report.json"), "w") as file:
        json.dump(report, file)
    window.files.confirm_unsaved = False
    window.close()


QTimer.singleShot(0, at_start)
from playground.__main__ import main

sys.exit(main(["--no-restore"]))
"""


def run_start_up(tmp_path, script: str, *args: str) -> dict:
    """Run ``script`` (see the module docstring) with ``tmp_path`` and ``args`` as its arguments, its
    settings in ``tmp_path``; the report it wrote."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), PLAYGROUND_DATA_DIR=str(tmp_path))
    env.pop("PLAYGROUND_TEST_DRIVER", None)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script).rstrip() + "\n" + FINISH, str(tmp_path), *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads((tmp_path / "report.json").read_text())
