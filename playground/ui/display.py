"""Whether the window can open here, checked before Qt starts.

Without any display, Qt's X11 plugin prints "xcb-cursor0 or libxcb-cursor0 is needed" (or
"could not connect to display") and aborts the process, which sends people hunting for a
library when what is missing is a screen. This module finds both cases first and says so in
one sentence, with the commands that work without a screen. It imports nothing of Qt.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Callable, Mapping

HEADLESS_HINT = (
    "without a screen, use 'playground-cli train' to train or 'playground-cli render' to make a video "
    "(or set QT_QPA_PLATFORM=offscreen)"
)


SONAMES = {"xcb": "libxcb.so.1", "xcb-cursor": "libxcb-cursor.so.0"}  # the libraries Qt's X11 plugin loads


def loadable(name: str) -> str | None:
    """The file of the library ``name`` (a key of SONAMES) if the dynamic loader loads it, as Qt's X11
    plugin will, else None. ctypes.util.find_library ran ``ldconfig -p`` in a subprocess for each name:
    twice at every start on X11, 12 ms of wall time here."""
    try:
        ctypes.CDLL(SONAMES[name])
    except OSError:
        return None
    return SONAMES[name]


def _library_missing(name: str, find: Callable[[str], str | None] = loadable) -> bool:
    """True only when the system's library lookup works (it finds libxcb) and ``name`` is not found:
    a lookup that finds nothing at all must not stop a working app."""
    return find("xcb") is not None and find(name) is None


def display_problem(
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    find: Callable[[str], str | None] = loadable,
) -> str | None:
    """One sentence saying why the window cannot open, or None when it should.

    Only on Linux and other X11/Wayland systems, and only when QT_QPA_PLATFORM is unset
    (whoever set it chose a platform, e.g. offscreen)."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform.startswith(("win", "darwin")) or environ.get("QT_QPA_PLATFORM"):
        return None
    if not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY"):
        return (
            "no display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window cannot open; "
            f"{HEADLESS_HINT}."
        )
    if not environ.get("WAYLAND_DISPLAY") and _library_missing("xcb-cursor", find):
        return (
            "Qt's X11 support needs the system library libxcb-cursor0, which is not installed: "
            "install it with 'sudo apt-get install libxcb-cursor0' (Debian, Ubuntu) or your system's "
            "libxcb-cursor package."
        )
    return None
