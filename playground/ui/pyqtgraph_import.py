"""Import pyqtgraph without creating every class of QtCore, QtGui and QtWidgets.

pyqtgraph keeps mirrors of the three Qt modules (``pyqtgraph.Qt.QtCore`` and so on) and fills
them on import with ``_copy_attrs``: ``for name in dir(PySide6.QtCore): setattr(mirror, name,
getattr(PySide6.QtCore, name))``. PySide6 (6.8 and later) creates its classes lazily, on first
access, and a class's enums with it (Python ``enum`` classes, slow to create), so that loop creates
all 750 classes and about 600 enums: 0.3 s of CPU, a third of the application's start-up, for
classes the window never uses.

:func:`import_pyqtgraph` imports pyqtgraph while ``dir()`` of the three PySide6 modules lists only
the classes that already exist, and gives each mirror a module ``__getattr__`` (PEP 562) that
fetches any other name from its PySide6 module on first use (and keeps it, as the copy did). So
``pyqtgraph.Qt.QtWidgets.QGraphicsView``, ``from pyqtgraph.Qt.QtCore import QTimer`` and
``hasattr`` give what they gave before, and ``dir()`` of a mirror still lists every name.

It is an explicit step of the application's entry point (``ui/app.py``), not a side effect of
importing the package. It changes nothing when pyqtgraph is already imported, when a mirror is
not yet imported at the time pyqtgraph lists a module (then the full list is returned), or when a
mirror defines its own ``__getattr__``; with a PySide6 that creates its classes eagerly the
modules' dictionaries already hold every class, and the copy is the same as before.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Callable

from .pyqtgraph_deferred import deferred_submodules

# The PySide6 module each pyqtgraph mirror copies (pyqtgraph/Qt/__init__.py, the PySide6 branch).
MIRRORS = {
    "PySide6.QtCore": "pyqtgraph.Qt.QtCore",
    "PySide6.QtGui": "pyqtgraph.Qt.QtGui",
    "PySide6.QtWidgets": "pyqtgraph.Qt.QtWidgets",
}


def import_pyqtgraph() -> ModuleType:
    """``import pyqtgraph``, with its Qt mirrors filled on first use instead of all at once, and
    without the submodules the application does not use (pyqtgraph_deferred.py), loaded on first use."""
    if "pyqtgraph" in sys.modules:
        return sys.modules["pyqtgraph"]
    sources = {name: importlib.import_module(name) for name in MIRRORS}
    missing = object()
    saved = {name: module.__dict__.get("__dir__", missing) for name, module in sources.items()}
    for name, module in sources.items():
        module.__dir__ = _listing(module, MIRRORS[name], saved[name])  # type: ignore[attr-defined]
    try:
        with deferred_submodules():  # and without the modules the application never uses
            import pyqtgraph
    finally:
        for name, module in sources.items():
            if saved[name] is missing:
                del module.__dir__
            else:
                module.__dir__ = saved[name]  # type: ignore[attr-defined]
    return pyqtgraph


def _listing(source: ModuleType, mirror_name: str, original: object) -> Callable[[], list[str]]:
    """``source``'s ``__dir__`` while pyqtgraph imports: once its mirror exists and forwards
    missing names to ``source``, only the names ``source`` already holds; else the full list."""

    def listing() -> list[str]:
        mirror = sys.modules.get(mirror_name)
        if mirror is not None and forward_missing(mirror, source):
            return list(source.__dict__)
        return list(original()) if callable(original) else list(source.__dict__)

    return listing


def forward_missing(mirror: ModuleType, source: ModuleType) -> bool:
    """Give ``mirror`` a module ``__getattr__`` that fetches a name it lacks from ``source``
    (and keeps it) and a ``__dir__`` listing both; False if ``mirror`` has a ``__getattr__`` of
    its own, which is left alone."""
    own = mirror.__dict__.get("__getattr__")
    if own is not None:
        return getattr(own, "forwards_to", None) is source

    def __getattr__(name: str) -> object:
        if name.startswith("__"):  # dunders (e.g. __path__, __all__) belong to the mirror itself
            raise AttributeError(f"module {mirror.__name__!r} has no attribute {name!r}")
        try:
            value = getattr(source, name)
        except AttributeError:
            raise AttributeError(f"module {mirror.__name__!r} has no attribute {name!r}") from None
        setattr(mirror, name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(mirror.__dict__) | set(dir(source)))

    __getattr__.forwards_to = source  # type: ignore[attr-defined]
    mirror.__getattr__ = __getattr__  # type: ignore[attr-defined]
    mirror.__dir__ = __dir__  # type: ignore[attr-defined]
    return True
