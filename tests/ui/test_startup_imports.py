"""What the application's start-up leaves for later: the real entry point (``python -m playground``,
offscreen, in a fresh interpreter) shows its window without pyqtgraph's exporters and without the Qt
classes the window does not use (ui/pyqtgraph_import.py), with the start-up's objects frozen out of
the collector's walks; exporting a plot from its menu then loads the exporters and writes the PNG."""

import pytest
from start_up_child import run_start_up

CHILD = """
import gc, json, os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog
from PySide6.QtGui import QAction, QImage

app = QApplication([sys.argv[0]])
out = sys.argv[1]
png = os.path.join(out, "boundary.png")
report = {}


def window_of_app():
    return next(w for w in app.topLevelWidgets() if type(w).__qualname__ == "MainWindow")


def at_start():
    window = window_of_app()
    import PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets

    modules = (PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets)
    report["visible"] = window.isVisible()
    report["exporters_at_start"] = "pyqtgraph.exporters" in sys.modules
    # PySide6 creates a class (and its enums) on first use: the names it lists but has not created.
    report["uncreated_at_start"] = sum(len(set(dir(m)) - set(m.__dict__)) for m in modules)
    report["frozen"] = gc.get_freeze_count()
    report["boundary_items"] = len(window.boundary_plot.getPlotItem().items)
    # The person picks Export PNG x1 in the boundary plot's Export menu and saves as boundary.png.
    QFileDialog.getSaveFileName = staticmethod(lambda *args, **kwargs: (png, "PNG image (*.png)"))
    action = window.findChild(QAction, "export-boundary-png1")
    action.trigger()
    report["exporters_after"] = "pyqtgraph.exporters" in sys.modules
    image = QImage(png)
    plot = window.boundary_plot
    report["png"] = [image.width(), image.height()]
    report["plot"] = [plot.width(), plot.height()]
    report["status"] = window.statusBar().currentMessage()
"""


def test_start_up_defers_exporters_and_unused_qt_classes_and_export_still_works(tmp_path):
    report = run_start_up(tmp_path, CHILD)
    assert report["visible"] is True
    assert report["boundary_items"] > 0  # the real plots, not a splash
    assert report["exporters_at_start"] is False
    assert report["uncreated_at_start"] > 100  # of about 750; pyqtgraph's own import creates them all
    assert report["frozen"] > 10_000  # the modules, classes and window made at start-up
    # First use: the exporters load and the PNG is the plot's size on screen.
    assert report["exporters_after"] is True
    assert report["png"] == report["plot"]
    assert report["status"].startswith("Exported ") and report["status"].endswith("boundary.png")


def test_the_diagram_maps_colour_reach_is_numpys_percentile():
    # unit_maps takes the percentile by a partial sort: np.percentile's first call imports numpy.ma
    # (25 ms) in the first frame, before the first paint.
    import numpy as np

    from playground.ui.plots.unit_maps import linear_percentile, unit_scale

    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 7, 100, 1429):
        values = np.abs(rng.normal(size=n))
        for q in (0, 37.5, 50, 95, 99, 100):
            assert linear_percentile(values, q) == pytest.approx(np.percentile(values, q), rel=1e-12, abs=1e-15)
    values = rng.normal(size=10_000)
    vmin, vmax, neutral = unit_scale("linear", values)
    reach = np.percentile(np.abs(values[::7]), 98)  # REACH_PERCENTILE of every 7th value
    assert (vmin, vmax, neutral) == pytest.approx((-reach, reach, 0.0), rel=1e-12)
