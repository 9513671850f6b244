"""Import pyqtgraph without the parts of it the application never uses, which load on first use instead.

``pyqtgraph/__init__.py`` star-imports every one of its modules so that ``pg.ImageView``,
``pg.SpinBox`` and so on exist. Among them are the parameter tree (through ``ColorMapWidget``,
``DataFilterWidget`` and ``ScatterPlotWidget``), the image viewer with its ROIs and histograms, the
multiprocess package (``RemoteGraphicsView``) and a dozen widgets: about a fifth of pyqtgraph's
import time, and Qt classes (each with its enums) created for nothing.

While :func:`deferred_submodules` is active, each of those modules (``DEFERRED``) is a stand-in in
``sys.modules``: an empty module whose ``__all__`` is empty, so ``from .widgets.SpinBox import *``
copies nothing, and whose any other attribute imports the real module (so a pyqtgraph module that
does need one, ``from ..widgets.SpinBox import SpinBox``, gets the real class). When it ends, the
stand-ins leave ``sys.modules`` (a later ``import pyqtgraph.widgets.SpinBox`` imports the real module),
and ``pyqtgraph``, ``pyqtgraph.graphicsItems`` and ``pyqtgraph.widgets`` get a module ``__getattr__``
(PEP 562): a name they lack imports the deferred modules and gives what the full import gave, so
``pg.ImageView``, ``pg.multiprocess`` and ``pyqtgraph.widgets.SpinBox`` still resolve.
"""

from __future__ import annotations

import importlib
import sys
from contextlib import contextmanager
from types import ModuleType
from typing import Iterator

# The modules pyqtgraph's __init__ imports and the application does not use at start (nor, for most,
# ever), in the order __init__ imports them: a name two of them export is then bound as the full
# import binds it (the later one's). Not those the kept modules import (PlotItem needs FileDialog,
# ViewBox ItemGroup, LegendItem BarGraphItem, GroupBox PathButton): deferring them would gain nothing.
DEFERRED = (
    *(
        f"pyqtgraph.graphicsItems.{name}"
        for name in (
            "BoxplotItem",
            "ColorBarItem",
            "CurvePoint",
            "DateAxisItem",
            "ErrorBarItem",
            "FillBetweenItem",
            "GradientEditorItem",
            "GradientLegend",
            "GraphItem",
            "GridItem",
            "HistogramLUTItem",
            "IsocurveItem",
            "LinearRegionItem",
            "PColorMeshItem",
            "ROI",
            "ScaleBar",
            "VTickGroup",
        )
    ),
    "pyqtgraph.imageview",
    *(
        f"pyqtgraph.widgets.{name}"
        for name in (
            "BusyCursor",
            "CheckTable",
            "ColorButton",
            "ColorMapWidget",
            "ComboBox",
            "DataFilterWidget",
            "DataTreeWidget",
            "DiffTreeWidget",
            "FeedbackButton",
            "GradientWidget",
            "GraphicsLayoutWidget",
            "HistogramLUTWidget",
            "JoystickButton",
            "LayoutWidget",
            "ProgressDialog",
            "RawImageWidget",
            "ScatterPlotWidget",
            "SpinBox",
            "TableWidget",
            "TreeWidget",
            "ValueLabel",
            "VerticalLabel",
        )
    ),
    # RemoteGraphicsView (imported by name, so it is real) uses it only when one is made.
    "pyqtgraph.multiprocess",
    # pyqtgraph.Qt imports it for the SVG exporter alone (not QtTest: pyqtgraph.Qt reads QtTest.QTest).
    "PySide6.QtSvg",
)
PACKAGES = ("pyqtgraph", "pyqtgraph.graphicsItems", "pyqtgraph.widgets")  # the parents that get a __getattr__


class StandIn(ModuleType):
    """An empty module in place of ``name`` that imports the real one when any attribute is asked of it."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__all__: list[str] = []  # ``import *`` of it binds nothing

    def __getattr__(self, attribute: str) -> object:
        if attribute.startswith("__") and attribute.endswith("__"):
            # Asked by the import system and by tools, not by code that uses the module: no __path__
            # (not a package: ``from X import *`` then reads ``__all__`` alone, not each name in it), no
            # __file__ or __wrapped__ (PySide6 reads each imported module's source, through inspect).
            raise AttributeError(f"stand-in module {self.__name__!r} has no attribute {attribute!r}")
        return getattr(real_module(self.__name__), attribute)


def real_module(name: str) -> ModuleType:
    """The real module ``name``, imported now if a stand-in holds its place."""
    if isinstance(sys.modules.get(name), StandIn):
        del sys.modules[name]
    return importlib.import_module(name)


@contextmanager
def deferred_submodules() -> Iterator[None]:
    """Within: ``DEFERRED`` are stand-ins (for ``import pyqtgraph``); after: they load on first use."""
    if "pyqtgraph" in sys.modules:  # imported already, fully: nothing to defer
        yield
        return
    placed = [name for name in DEFERRED if name not in sys.modules]
    for name in placed:
        sys.modules[name] = StandIn(name)
    try:
        yield
    finally:
        for name in placed:
            if isinstance(sys.modules.get(name), StandIn):
                del sys.modules[name]
    if "pyqtgraph" in sys.modules:
        bound = set(sys.modules["pyqtgraph"].__dict__)
        # Those another pyqtgraph module needed are real already: their names are bound at once.
        _bind_exports([name for name in placed if name in sys.modules], bound)
        deferred = [name for name in placed if name not in sys.modules]
        for package in PACKAGES:
            _load_on_first_use(sys.modules[package], deferred, bound)


def _bind_exports(names: list[str], bound: set[str]) -> None:
    """Bind in ``pyqtgraph`` what the modules ``names`` (imported now if not yet) export, as its
    ``__init__``'s star-imports would have, but for the names ``bound`` by the import itself."""
    top = sys.modules["pyqtgraph"]
    for name in names:
        if not name.startswith("pyqtgraph."):  # a Qt module: pyqtgraph star-imports none of them
            continue
        module = real_module(name)
        for exported in getattr(module, "__all__", ()):
            if exported not in bound:
                setattr(top, exported, getattr(module, exported))


def _load_on_first_use(package: ModuleType, deferred: list[str], bound: set[str]) -> None:
    """Give ``package`` a module ``__getattr__`` that imports ``deferred`` (all of them, in order) at the
    first name it lacks, and binds their exports (:func:`_bind_exports`)."""
    if "__getattr__" in package.__dict__:  # its own: left alone
        return

    def __getattr__(name: str) -> object:
        if name.startswith("__"):  # dunders (__path__, __all__, ...) belong to the package itself
            raise AttributeError(f"module {package.__name__!r} has no attribute {name!r}")
        for parent in PACKAGES:  # once loaded, no package needs its __getattr__ any more
            sys.modules[parent].__dict__.pop("__getattr__", None)
        _bind_exports(deferred, bound)
        try:
            return package.__dict__[name]
        except KeyError:
            raise AttributeError(f"module {package.__name__!r} has no attribute {name!r}") from None

    package.__getattr__ = __getattr__  # type: ignore[attr-defined]
