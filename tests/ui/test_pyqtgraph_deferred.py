"""pyqtgraph imported without the modules the application never uses (ui/pyqtgraph_deferred.py): they
are not imported by ``import_pyqtgraph``, and every name of pyqtgraph's namespace still resolves to
what a plain ``import pyqtgraph`` gives, loading them on first use. Each check runs in a fresh
interpreter: the test process has pyqtgraph imported already."""

import json

from test_pyqtgraph_import import run_fresh

DESCRIBE = """
import json, sys, types

def describe(value):
    if isinstance(value, types.ModuleType):
        return "module " + value.__name__
    module, name = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    return f"{module}.{name}" if isinstance(module, str) and isinstance(name, str) else type(value).__name__

def namespaces(names=None):
    import pyqtgraph, pyqtgraph.graphicsItems, pyqtgraph.widgets
    packages = (pyqtgraph, pyqtgraph.graphicsItems, pyqtgraph.widgets)
    return {
        package.__name__: {
            name: describe(getattr(package, name))
            for name in (names[package.__name__] if names else dir(package))
            if not name.startswith("__")
        }
        for package in packages
    }
"""


def test_the_unused_modules_are_not_imported_and_load_on_first_use():
    out = run_fresh(
        """
        import sys
        from playground.ui.pyqtgraph_import import import_pyqtgraph
        from playground.ui.pyqtgraph_deferred import DEFERRED, StandIn

        pg = import_pyqtgraph()
        unused = ("pyqtgraph.parametertree", "pyqtgraph.multiprocess", "pyqtgraph.imageview",
                  "pyqtgraph.widgets.SpinBox", "pyqtgraph.graphicsItems.ROI", "PySide6.QtSvg")
        print("at start", *[name for name in unused if name in sys.modules])
        print("stand-ins left", *[name for name in sys.modules if isinstance(sys.modules[name], StandIn)])
        # What the window uses is there without loading anything.
        assert pg.PlotWidget.__module__ == "pyqtgraph.widgets.PlotWidget"
        assert pg.BarGraphItem.__module__ == "pyqtgraph.graphicsItems.BarGraphItem"  # LegendItem's
        assert "pyqtgraph.parametertree" not in sys.modules
        # First use of a deferred name: the real class, from its real module.
        app = pg.mkQApp()
        view = pg.ImageView()
        import numpy as np
        view.setImage(np.arange(12.0).reshape(3, 4))
        print("image", *view.getImageItem().image.shape)
        assert pg.SpinBox.__module__ == "pyqtgraph.widgets.SpinBox"
        from pyqtgraph.widgets.SpinBox import SpinBox
        assert SpinBox is pg.SpinBox
        import pyqtgraph.parametertree as ptree
        assert pg.parametertree is ptree
        assert pg.multiprocess.QtProcess.__module__ == "pyqtgraph.multiprocess.processes"
        # RemoteGraphicsView kept the stand-in it imported: it forwards to the real package.
        from pyqtgraph.widgets import RemoteGraphicsView
        assert RemoteGraphicsView.mp.QtProcess is pg.multiprocess.QtProcess
        # pyqtgraph's SVG exporter kept the stand-in of QtSvg: it forwards to the real module.
        from pyqtgraph.Qt import QtSvg
        assert QtSvg.QSvgGenerator.__module__ == "PySide6.QtSvg"
        print("after", *[name for name in unused if name in sys.modules])
        """
    )
    lines = out.splitlines()
    assert lines[0].split() == ["at", "start"]
    assert lines[1].split() == ["stand-ins", "left"]
    assert lines[2].split() == ["image", "3", "4"]
    assert lines[3].split()[1:] == [
        "pyqtgraph.parametertree",
        "pyqtgraph.multiprocess",
        "pyqtgraph.imageview",
        "pyqtgraph.widgets.SpinBox",
        "pyqtgraph.graphicsItems.ROI",
        "PySide6.QtSvg",
    ]


def test_every_name_resolves_as_after_a_plain_import():
    plain = json.loads(run_fresh(DESCRIBE + "\nimport pyqtgraph\nprint(json.dumps(namespaces()))\n"))
    names = {package: sorted(values) for package, values in plain.items()}
    deferred = json.loads(
        run_fresh(
            DESCRIBE
            + f"""
from playground.ui.pyqtgraph_import import import_pyqtgraph
import_pyqtgraph()
print(json.dumps(namespaces({names!r})))
"""
        )
    )
    assert len(plain["pyqtgraph"]) > 150  # every name, not an empty namespace
    for package, values in plain.items():
        differences = {
            name: (value, deferred[package][name]) for name, value in values.items() if deferred[package][name] != value
        }
        assert differences == {}, package
