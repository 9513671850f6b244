"""PySide6's check of each newly imported module, made cheap: read its file, not ``inspect.getsource``.

Once PySide6 is imported, it hooks every import (for its ``from __feature__ import snake_case``
switches) and asks of each module it has not seen whether its source mentions "PySide6"
(``shibokensupport.feature._mod_uses_pyside``). It asks ``inspect.getsource``, which looks the module
up, reads and decodes the file, splits it into lines and caches them in ``linecache``: for the 500
modules the window imports after PySide6 (pyqtgraph and ours), about 0.05 s of CPU on an idle
machine and a few times that on a busy one, a twentieth of the start-up.

:func:`quicken_feature_check` gives that check the same answer from the module's file read as bytes
(the ASCII word is the same bytes in any encoding a Python source file may have), says False for a
module built in or compiled (no source: PySide6's check says False too), and falls back to PySide6's
own check for any other module that is not a plain ``.py`` file (from a zip, say).
It is an explicit step of the application's entry point (``ui/app.py``), like ``pyqtgraph_import``;
with a PySide6 that has no such check it changes nothing.
"""

from __future__ import annotations

import sys
from importlib.machinery import EXTENSION_SUFFIXES as SUFFIXES
from types import ModuleType
from typing import Callable

FEATURE_MODULE = "shibokensupport.feature"  # where PySide6 6.4 to 6.10 keep the check
EXTENSION_SUFFIXES = tuple(SUFFIXES)  # a compiled module's file: no source to read


def quicken_feature_check() -> bool:
    """Replace PySide6's per-module source check with :func:`uses_pyside` (once); False if this
    PySide6 has no such check (nothing is changed then)."""
    import PySide6.QtCore  # noqa: F401 - loads the feature module

    feature = sys.modules.get(FEATURE_MODULE)
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original):
        return False
    if getattr(original, "quickened", False):
        return True
    feature._mod_uses_pyside = quick_check(original)  # type: ignore[attr-defined]
    return True


def quick_check(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    """PySide6's check ``original``, answered from the module's ``.py`` file when it has one."""

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if path is None or isinstance(path, str) and path.endswith(EXTENSION_SUFFIXES):
            # Built in (no file) or compiled: inspect.getsource raises and PySide6's check says False,
            # after a few tens of microseconds (70 such modules at start-up).
            return False
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass  # gone or unreadable: PySide6's own check says what it says then
        return original(module)

    uses_pyside.quickened = True  # type: ignore[attr-defined]
    return uses_pyside
