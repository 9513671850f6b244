"""pyqtgraph imported the way the application's entry point does (ui/pyqtgraph_import.py): its Qt
mirrors are filled on first use, so the import creates no Qt class the window does not use, and
every name still resolves as it did. Each check runs in a fresh interpreter: the test process has
pyqtgraph imported already."""

import os
import subprocess
import sys
import textwrap

import pytest


def run_fresh(code: str) -> str:
    """Run ``code`` in a fresh interpreter (offscreen Qt); its stdout, or the test fails with its stderr."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_import_creates_no_unused_class_and_every_name_still_resolves():
    out = run_fresh(
        """
        import PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets
        lazy = "QWizard" not in PySide6.QtWidgets.__dict__  # PySide6 creates its classes on first use
        before = PySide6.QtCore.__dict__.get("__dir__")
        from playground.ui.pyqtgraph_import import import_pyqtgraph
        pg = import_pyqtgraph()
        from pyqtgraph.Qt import QtCore, QtGui, QtWidgets
        if lazy:
            assert "QWizard" not in PySide6.QtWidgets.__dict__, "the import created QWizard"
            assert "QWizard" not in QtWidgets.__dict__
        # Names resolve to PySide6's own classes, by attribute, by from-import and by hasattr.
        assert QtWidgets.QWizard is PySide6.QtWidgets.QWizard
        assert "QWizard" in QtWidgets.__dict__  # kept, as the copy kept it
        from pyqtgraph.Qt.QtCore import QTimeLine
        assert QTimeLine is PySide6.QtCore.QTimeLine
        assert QtGui.QPainterPath is PySide6.QtGui.QPainterPath
        assert hasattr(QtCore, "Signal") and not hasattr(QtCore, "NoSuchName")
        assert "QWizardPage" in dir(QtWidgets) and "QTimeLine" in dir(QtCore)
        # PySide6's own modules list every name again, with their own __dir__.
        assert PySide6.QtCore.__dict__.get("__dir__") is before
        assert "QWizard" in dir(PySide6.QtWidgets)
        # pyqtgraph works: a plot draws its data.
        app = pg.mkQApp()
        plot = pg.PlotWidget()
        curve = plot.plot([0, 1, 2], [2, 0, 1])
        plot.resize(200, 150)
        plot.show()
        app.processEvents()
        assert list(curve.getData()[1]) == [2, 0, 1]
        assert not plot.grab().toImage().isNull()
        # A second call changes nothing.
        assert import_pyqtgraph() is pg
        print("lazy" if lazy else "eager")
        """
    )
    assert out.split()[-1] in ("lazy", "eager")


def test_a_pyqtgraph_imported_before_is_left_as_it_is():
    out = run_fresh(
        """
        import pyqtgraph
        import PySide6.QtWidgets
        from playground.ui.pyqtgraph_import import import_pyqtgraph
        assert import_pyqtgraph() is pyqtgraph
        assert "QWizard" in pyqtgraph.Qt.QtWidgets.__dict__  # pyqtgraph's own copy ran
        assert "__getattr__" not in pyqtgraph.Qt.QtWidgets.__dict__
        print("ok")
        """
    )
    assert out.split() == ["ok"]


@pytest.mark.parametrize("name", ["QtCore", "QtGui", "QtWidgets"])
def test_a_missing_name_says_which_mirror(name):
    out = run_fresh(
        f"""
        from playground.ui.pyqtgraph_import import import_pyqtgraph
        pg = import_pyqtgraph()
        try:
            pg.Qt.{name}.NoSuchName
        except AttributeError as exc:
            print(exc)
        """
    )
    assert out.strip() == f"module 'pyqtgraph.Qt.{name}' has no attribute 'NoSuchName'"
