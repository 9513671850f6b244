"""What the app remembers between runs, and the folder it keeps its files in.

Settings live in an INI file in QSettings' format: ``~/.config/Playground/Playground.ini``
on Linux, the platform's equivalent elsewhere (read and written by ``ini.py``, never
by QSettings, which unpickles what it finds). When the environment variable
``PLAYGROUND_DATA_DIR`` names a folder, the settings (``settings.ini``) and the
autosaves both go there instead, which is how tests and portable installs keep
the user's own files untouched.

Every getter tolerates a hand-edited or damaged file: a value of the wrong kind
reads as the default.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QStandardPaths

from .ini import Value, read_ini, write_ini

DATA_DIR_ENV = "PLAYGROUND_DATA_DIR"
ORGANIZATION = APPLICATION = "Playground"
MAX_RECENT = 8
DEFAULT_THEME = "light"
DEFAULT_AUTOSAVE_SECONDS = 3.0
AUTOSAVE_RANGE = (0.5, 600.0)  # seconds; sooner wastes disk writes, later risks more work


def data_dir() -> Path:
    """The folder for the app's own files (autosaves): ``$PLAYGROUND_DATA_DIR`` or the
    platform's per-user application data folder."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    # Named explicitly rather than AppDataLocation, which depends on whatever names
    # the QApplication happens to carry (a test runner's, say).
    return Path(location) / ORGANIZATION / APPLICATION


def settings_file() -> Path | None:
    """The settings file chosen by ``$PLAYGROUND_DATA_DIR``, or None for the user's default."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) / "settings.ini" if override else None


def default_settings_file() -> Path:
    """Where QSettings keeps an INI file for this organisation and application:
    ``%APPDATA%/Playground/Playground.ini`` on Windows, ``$XDG_CONFIG_HOME`` (or
    ``~/.config``) ``/Playground/Playground.ini`` elsewhere, so files written by
    earlier versions (which used QSettings) are still found."""
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / ORGANIZATION / f"{APPLICATION}.ini"


class Settings:
    """Typed access to the app's settings file: theme, presentation, geometry, last
    folder, recent sessions and the autosave interval. Cheap to create; every
    change is written at once, and every read sees the file as it is now, so all
    instances on the same file see the same values.

    The file is read as data (``ini.read_ini``): only text, lists of text and the
    geometry bytes are taken from it, and only those are written, so a tampered
    file can at worst reset a preference.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        path = path if path is not None else settings_file()
        self._path = Path(path) if path is not None else default_settings_file()
        self._cache: tuple[tuple[int, ...] | None, dict[str, Value]] = (None, {})

    @property
    def file_name(self) -> str:
        return str(self._path)

    def sync(self) -> None:
        """Kept for callers of the QSettings era: every change is already on disk."""

    # ------------------------------------------------------------ plumbing
    def _values(self) -> dict[str, Value]:
        try:
            info = self._path.stat()
            # Every write replaces the file, so a new inode means new contents.
            stamp: tuple[int, ...] | None = (info.st_ino, info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = None
        if stamp is None or stamp != self._cache[0]:
            self._cache = (stamp, read_ini(self._path) if stamp is not None else {})
        return self._cache[1]

    def _get(self, key: str) -> Value | None:
        return self._values().get(key)

    def _set(self, key: str, value: Value) -> None:
        values = dict(self._values())
        values[key] = value
        try:
            write_ini(self._path, values)
        except OSError:
            pass  # a read-only settings folder: the preference holds for this run only
        self._cache = (None, values)
        try:
            info = self._path.stat()
            self._cache = ((info.st_ino, info.st_mtime_ns, info.st_size), values)
        except OSError:
            pass

    def _text(self, key: str, default: str) -> str:
        value = self._get(key)
        return value if isinstance(value, str) else default

    def _flag(self, key: str, default: bool) -> bool:
        return {"true": True, "false": False}.get(self._text(key, "").strip().lower(), default)

    # ------------------------------------------------------------ appearance
    @property
    def theme(self) -> str:
        """The chosen theme's name (``"light"`` unless another was stored)."""
        return self._text("appearance/theme", DEFAULT_THEME) or DEFAULT_THEME

    @theme.setter
    def theme(self, name: str) -> None:
        self._set("appearance/theme", str(name))

    @property
    def presentation(self) -> bool:
        """Whether presentation mode (large text for recordings) was on."""
        return self._flag("appearance/presentation", False)

    @presentation.setter
    def presentation(self, on: bool) -> None:
        self._set("appearance/presentation", "true" if on else "false")

    @property
    def geometry(self) -> QByteArray:
        """The main window's saved geometry (empty if none), for ``restoreGeometry``."""
        value = self._get("window/geometry")
        return QByteArray(value) if isinstance(value, bytes) else QByteArray()

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._set("window/geometry", bytes(QByteArray(value).data()))

    # ----------------------------------------------------------------- files
    @property
    def last_folder(self) -> str:
        """Where the last file was opened or saved: the file dialogs start there.
        Falls back to the home folder when unset or when the folder is gone."""
        folder = self._text("files/last_folder", "")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    @last_folder.setter
    def last_folder(self, folder: str | os.PathLike[str]) -> None:
        self._set("files/last_folder", str(folder))

    def recent_files(self) -> list[str]:
        """Recently opened or saved sessions, newest first (at most MAX_RECENT)."""
        value = self._get("files/recent")
        if isinstance(value, str):  # an INI list of one item reads back as a plain string
            value = [value] if value else []
        if not isinstance(value, list):
            return []
        # add_recent stores absolute paths: anything else was not written by us.
        return [item for item in value if Path(item).is_absolute()][:MAX_RECENT]

    def add_recent(self, path: str | os.PathLike[str]) -> None:
        """Put ``path`` first in the recent files (absolute, without duplicates)."""
        path = str(Path(path).absolute())
        recent = [path] + [item for item in self.recent_files() if item != path]
        self._set("files/recent", recent[:MAX_RECENT])

    def remove_recent(self, path: str | os.PathLike[str]) -> None:
        """Forget ``path`` (a file that is gone)."""
        path = str(Path(path).absolute())
        self._set("files/recent", [item for item in self.recent_files() if item != path])

    def clear_recent(self) -> None:
        """Forget every recent file."""
        self._set("files/recent", [])

    # -------------------------------------------------------------- autosave
    @property
    def autosave_seconds(self) -> float:
        """How often a changed session is autosaved, in seconds."""
        try:
            seconds = float(self._text("autosave/interval", ""))
        except ValueError:
            return DEFAULT_AUTOSAVE_SECONDS
        if not math.isfinite(seconds):
            return DEFAULT_AUTOSAVE_SECONDS
        low, high = AUTOSAVE_RANGE
        return min(max(seconds, low), high)

    @autosave_seconds.setter
    def autosave_seconds(self, seconds: float) -> None:
        self._set("autosave/interval", repr(float(seconds)))
