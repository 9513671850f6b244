"""What the window's start-up leaves for first use: through the real entry point (``python -m playground``,
offscreen, in a fresh interpreter) the painted window has not imported the chain-rule panel and the
inspection code, pyqtgraph's parameter tree, image view and multiprocess package, Qt's SVG module, the
modules of the shortcut overlay's and the recorder's text, nor the formula parser; then each feature,
used through its action, builds and works: the chain rule of a clicked point, an SVG export, the
shortcut overlay, the examples' gallery, a dataset from a formula."""

import json

from start_up_child import run_start_up

DEFERRED = (
    "playground.ui.inspection.chain_rule_panel",
    "playground.training.inspect",
    "pyqtgraph.parametertree",
    "pyqtgraph.imageview",
    "pyqtgraph.multiprocess",
    "PySide6.QtSvg",
    "html",
    "fractions",
    "playground.training.export_code",
    "playground.ui.recipes.formula_dialog",
    "playground.ui.gallery.gallery",
    "playground.training.examples",
    "playground.ui.media.video",
    "playground.data.expressions",
)

CHILD = """
import sys

# What the interpreter loaded before the app (coverage.py measuring this process imports html, say).
before_the_app = set(sys.modules)
import json, os
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog

app = QApplication([sys.argv[0]])
out, deferred = sys.argv[1], json.loads(sys.argv[2])
report = {}


def at_start():
    window = next(w for w in app.topLevelWidgets() if type(w).__qualname__ == "MainWindow")
    report["visible"] = window.isVisible()
    report["at_start"] = [name for name in deferred if name in sys.modules and name not in before_the_app]
    inspector = window.chain_rule
    report["dock_built_at_start"] = inspector.dock.is_built
    # The inspect tool from its View-menu action, then a click on the first data point.
    inspector.action.trigger()
    app.processEvents()
    report["dock_visible"] = inspector.dock.isVisible()
    x, y = (float(v) for v in window.session.dataset.X[0])
    report["inspected"] = inspector.inspect_at(x, y)
    panel = inspector.panel
    report["title_bar_is_header"] = inspector.dock.titleBarWidget() is panel.header
    report["chain_text"] = panel.text.toPlainText()
    report["table_rows"] = panel.table.topLevelItemCount()
    # Export SVG from the boundary plot's Export menu, saved as boundary.svg.
    svg = os.path.join(out, "boundary.svg")
    QFileDialog.getSaveFileName = staticmethod(lambda *args, **kwargs: (svg, "SVG image (*.svg)"))
    window.findChild(QAction, "export-boundary-svg").trigger()
    with open(svg, encoding="utf-8") as file:
        report["svg_start"] = file.read(400)
    # The shortcut overlay from its action: a table of the window's keys.
    window.findChild(QAction, "shortcutsAction").trigger()
    from playground.ui.shell.shortcuts import ShortcutOverlay

    overlay = window.findChild(ShortcutOverlay)
    report["overlay_visible"] = overlay.isVisible()
    report["overlay_text"] = overlay.text()
    overlay.hide()
    # File > Examples…: the gallery of the shipped lessons, a tile each.
    window.gallery.action.trigger()
    from playground.ui.gallery.gallery import ExampleTile

    report["gallery_visible"] = window.gallery.dialog.isVisible()
    report["gallery_tiles"] = len(window.gallery.dialog.findChildren(ExampleTile))
    window.gallery.dialog.close()
    # Edit > Dataset from Formula…, answered: the formula's parser loads with the first formula.
    from playground.ui.recipes import controller_of

    report["formula_set"] = controller_of(window).set_formula("x2 > x1")
    data = window.session.dataset
    report["formula_classes"] = data.n_classes
    report["formula_agrees"] = float(((data.X[:, 1] > data.X[:, 0]) == (data.y == 1)).mean())
    report["after"] = [name for name in deferred if name in sys.modules]
    report["before_the_app"] = [name for name in deferred if name in before_the_app]
"""


def test_start_up_leaves_features_for_first_use_and_each_builds_then(tmp_path):
    report = run_start_up(tmp_path, CHILD, json.dumps(DEFERRED))
    assert report["visible"] is True
    assert report["at_start"] == []
    # Only what the interpreter itself loaded is set aside (coverage.py, when it measures, loads html).
    assert set(report["before_the_app"]) <= {"html"}
    assert report["dock_built_at_start"] is False
    # First use: each feature builds and shows what it is for.
    assert report["dock_visible"] is True
    assert report["inspected"] is True
    assert report["title_bar_is_header"] is True
    assert "∂L/∂w =" in report["chain_text"] and "✓ equal" in report["chain_text"]  # checked against the engine
    assert report["table_rows"] > 0
    assert report["svg_start"].lstrip().startswith("<?xml") and "<svg" in report["svg_start"]
    assert report["overlay_visible"] is True
    assert "Play / Pause" in report["overlay_text"]
    assert report["gallery_visible"] is True and report["gallery_tiles"] >= 3
    assert report["formula_set"] is True and report["formula_classes"] == 2
    assert report["formula_agrees"] > 0.8  # class 2 above the diagonal (label noise aside)
    assert set(report["after"]) >= {
        "playground.ui.gallery.gallery",
        "playground.training.examples",
        "playground.ui.inspection.chain_rule_panel",
        "playground.training.inspect",
        "PySide6.QtSvg",
        "html",
        "playground.data.expressions",
    }
