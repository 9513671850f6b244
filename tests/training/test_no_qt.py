"""The core below ``ui`` imports no Qt (ARCHITECTURE.md, "Layers": the core runs with numpy alone)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "playground"
QT_MODULES = ("PySide6", "PySide2", "shiboken6", "shiboken2", "PyQt5", "PyQt6", "pyqtgraph", "qtpy")

# Entry points that may start the window or the UI benchmark, and so may import Qt lazily
# (inside a function, never at import time): __main__ opens the window, bench has a "ui" mode.
ENTRY_POINTS = {"__main__.py", "bench.py"}

BLOCKER = textwrap.dedent(f"""
    import sys
    from importlib.abc import MetaPathFinder

    BLOCKED = {QT_MODULES!r}

    class BlockQt(MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"Qt is blocked in this test: {{name}}")
            return None

    sys.meta_path.insert(0, BlockQt())
    try:
        import PySide6  # noqa: F401
    except ImportError:
        pass
    else:
        raise SystemExit("the blocker does not work")
""")


def run_blocked(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", BLOCKER + textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_core_packages_import_with_qt_blocked():
    result = run_blocked(f"""
        import playground.engine, playground.nn, playground.data, playground.training
        import playground.cli, playground.bench
        from playground.engine import Tensor, no_grad, gradcheck
        from playground import nn
        from playground.data import Dataset, make_dataset, load_dataset, save_dataset
        from playground.training import TrainingConfig, Trainer, save_session, load_session

        ds = make_dataset("spiral", n=40, noise=0.1, seed=0, test_fraction=0.5)
        tr = Trainer(ds, TrainingConfig(hidden=[4], seed=0))
        tr.step(2)
        tr.probe(ds.X)
        qt = sorted(m for m in sys.modules if m.split(".")[0] in {QT_MODULES!r})
        ui = sorted(m for m in sys.modules if m == "playground.ui" or m.startswith("playground.ui."))
        print("QT", qt, "UI", ui)
    """)
    assert result.returncode == 0, result.stderr
    assert "QT [] UI []" in result.stdout, result.stdout


def test_headless_train_command_runs_with_qt_blocked(tmp_path):
    out = tmp_path / "s.playground.json"
    result = run_blocked(f"""
        import runpy
        sys.argv = ["playground", "train", "--preset", "xor", "--hidden", "3", "--epochs", "3",
                    "--points", "40", "--out", {str(out)!r}]
        try:
            runpy.run_module("playground", run_name="__main__", alter_sys=True)
        except SystemExit as exit:
            code = exit.code
        qt = sorted(m for m in sys.modules if m.split(".")[0] in {QT_MODULES!r})
        print("EXIT", code, "QT", qt)
    """)
    assert result.returncode == 0, result.stderr
    assert "EXIT 0 QT []" in result.stdout, result.stdout + result.stderr
    assert "epoch 3" in result.stdout and out.exists()


def qt_imports(path: Path) -> list[tuple[int, str, bool]]:
    """(line, module, at module level?) for every import of a Qt module in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Name, ast.Attribute))
            and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        else:
            continue
        for name in names:
            if name.split(".")[0] in QT_MODULES:
                found.append((node.lineno, name, id(node) in top_level))
    return found


def test_no_qt_imports_below_ui():
    files = [
        p
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] != "ui" and p.relative_to(PACKAGE).as_posix() not in ENTRY_POINTS
    ]
    assert len(files) >= 20  # engine, nn, data, training, cli...
    for sub in ("engine", "nn", "data", "training"):
        assert any(p.relative_to(PACKAGE).parts[0] == sub for p in files), sub
    offenders = {str(p.relative_to(ROOT)): qt_imports(p) for p in files if qt_imports(p)}
    assert offenders == {}
    # A plain text search too, for imports hidden in strings (exec, subprocess scripts).
    mentions = [
        str(p.relative_to(ROOT)) for p in files if any(name in p.read_text(encoding="utf-8") for name in QT_MODULES)
    ]
    assert mentions == []


def test_entry_points_import_qt_only_lazily():
    for name in ENTRY_POINTS:
        imports = qt_imports(PACKAGE / name)
        assert not any(top for _, _, top in imports), (name, imports)


def test_the_scanner_finds_qt_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom PySide6.QtCore import QObject\n"
        "def f():\n    import pyqtgraph as pg\n    importlib.import_module('shiboken6')\n"
    )
    assert qt_imports(sample) == [(2, "PySide6.QtCore", True), (4, "pyqtgraph", False), (5, "shiboken6", False)]
