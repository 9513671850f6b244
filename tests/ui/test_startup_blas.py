"""The window's entry point imports numpy with OpenBLAS on one thread (``playground/__main__.py``,
``import_numpy_for_the_window``): loaded for more, OpenBLAS started helper threads that busy-waited
through start-up. Headless commands and a user's own ``OPENBLAS_NUM_THREADS`` are left alone. Checked
in fresh interpreters: this one has imported numpy long ago.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest


def run_fresh(script: str, **env: str) -> dict:
    """Run ``script`` in a fresh interpreter, without ``OPENBLAS_NUM_THREADS`` unless given in ``env``;
    the JSON object its last line of output prints."""
    environment = {key: value for key, value in os.environ.items() if key != "OPENBLAS_NUM_THREADS"}
    environment.update(env, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


BLAS_REPORT = """
def blas_report():
    import json, os
    from threadpoolctl import threadpool_info

    threads = [info["num_threads"] for info in threadpool_info() if info["internal_api"] == "openblas"]
    return json.dumps({"threads": threads, "variable": os.environ.get("OPENBLAS_NUM_THREADS")})
"""


def openblas_threads_by_default() -> int:
    """How many threads numpy's OpenBLAS starts with here when nobody asks for a number."""
    report = run_fresh(BLAS_REPORT + "import numpy\nprint(blas_report())")
    if not report["threads"]:  # an older threadpoolctl does not know numpy's scipy-openblas
        pytest.skip("threadpoolctl sees no OpenBLAS here")
    assert len(report["threads"]) == 1  # numpy's wheels bundle one OpenBLAS
    return report["threads"][0]


def test_importing_the_app_module_imports_no_numpy():
    # The entry point reads COMMANDS from it to know whether the window opens, before numpy is imported.
    report = run_fresh("""
        import json, sys
        from playground.ui.app import COMMANDS, parse_arguments

        print(json.dumps({"numpy": "numpy" in sys.modules, "qt": "PySide6" in sys.modules}))
    """)
    assert report == {"numpy": False, "qt": False}


def test_the_window_entry_point_loads_openblas_on_one_thread():
    if openblas_threads_by_default() < 2:
        pytest.skip("OpenBLAS starts on one thread on this machine anyway")
    # run_app stands in for the window: what the entry point did before it, as the window finds it.
    report = run_fresh(
        BLAS_REPORT
        + """
import playground.ui.app as app

app.run_app = lambda options, compiled=None: print(blas_report()) or 0
from playground.__main__ import main

main([])
"""
    )
    assert report == {"threads": [1], "variable": None}  # and the variable is gone again for child processes


def test_a_headless_command_and_the_users_own_setting_keep_openblas_threads():
    default = openblas_threads_by_default()
    train_help = run_fresh(
        BLAS_REPORT
        + """
from playground.__main__ import main

try:
    main(["train", "--help"])
except SystemExit:
    pass
print(blas_report())
"""
    )
    assert train_help == {"threads": [default], "variable": None}
    own = run_fresh(
        BLAS_REPORT
        + """
import playground.ui.app as app

app.run_app = lambda options, compiled=None: print(blas_report()) or 0
from playground.__main__ import main

main([])
""",
        OPENBLAS_NUM_THREADS="2",
    )
    assert own == {"threads": [2], "variable": "2"}
