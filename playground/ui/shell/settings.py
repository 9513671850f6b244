"""What the app remembers between runs (QSettings), and the folder it keeps its files in.

Settings live in an INI file: ``~/.config/Playground/Playground.ini`` on Linux,
the platform's equivalent elsewhere. When the environment variable
``PLAYGROUND_DATA_DIR`` names a folder, the settings (``settings.ini``) and the
autosaves both go there instead, which is how tests and portable installs keep
the user's own files untouched.

Every getter tolerates a hand-edited or damaged file: a value of the wrong kind
reads as the default.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

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


class Settings:
    """Typed access to the app's QSettings: theme, presentation, geometry, last folder,
    recent sessions and the autosave interval. Cheap to create; all instances on the
    same file see the same values."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        path = path if path is not None else settings_file()
        if path is not None:
            self._store = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self._store = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                    ORGANIZATION, APPLICATION)

    @property
    def file_name(self) -> str:
        return self._store.fileName()

    def sync(self) -> None:
        """Write pending changes to disk now (QSettings otherwise writes them lazily)."""
        self._store.sync()

    # ------------------------------------------------------------ plumbing
    def _text(self, key: str, default: str) -> str:
        value = self._store.value(key, default)
        return value if isinstance(value, str) else default

    def _flag(self, key: str, default: bool) -> bool:
        value = self._store.value(key, default)
        if isinstance(value, bool):
            return value
        return {"true": True, "false": False}.get(str(value).strip().lower(), default)

    # ------------------------------------------------------------ appearance
    @property
    def theme(self) -> str:
        """The chosen theme's name (``"light"`` unless another was stored)."""
        return self._text("appearance/theme", DEFAULT_THEME) or DEFAULT_THEME

    @theme.setter
    def theme(self, name: str) -> None:
        self._store.setValue("appearance/theme", str(name))

    @property
    def presentation(self) -> bool:
        """Whether presentation mode (large text for recordings) was on."""
        return self._flag("appearance/presentation", False)

    @presentation.setter
    def presentation(self, on: bool) -> None:
        self._store.setValue("appearance/presentation", bool(on))

    @property
    def geometry(self) -> QByteArray:
        """The main window's saved geometry (empty if none), for ``restoreGeometry``."""
        value = self._store.value("window/geometry", QByteArray())
        return value if isinstance(value, QByteArray) else QByteArray()

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._store.setValue("window/geometry", QByteArray(value))

    # ----------------------------------------------------------------- files
    @property
    def last_folder(self) -> str:
        """Where the last file was opened or saved: the file dialogs start there.
        Falls back to the home folder when unset or when the folder is gone."""
        folder = self._text("files/last_folder", "")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    @last_folder.setter
    def last_folder(self, folder: str | os.PathLike[str]) -> None:
        self._store.setValue("files/last_folder", str(folder))

    def recent_files(self) -> list[str]:
        """Recently opened or saved sessions, newest first (at most MAX_RECENT)."""
        value = self._store.value("files/recent", [])
        if isinstance(value, str):  # an INI list of one item reads back as a plain string
            value = [value]
        if not isinstance(value, list):
            return []
        # add_recent stores absolute paths: anything else was not written by us.
        return [item for item in value if isinstance(item, str) and Path(item).is_absolute()][:MAX_RECENT]

    def add_recent(self, path: str | os.PathLike[str]) -> None:
        """Put ``path`` first in the recent files (absolute, without duplicates)."""
        path = str(Path(path).absolute())
        recent = [path] + [item for item in self.recent_files() if item != path]
        self._store.setValue("files/recent", recent[:MAX_RECENT])

    def remove_recent(self, path: str | os.PathLike[str]) -> None:
        path = str(Path(path).absolute())
        self._store.setValue("files/recent", [item for item in self.recent_files() if item != path])

    def clear_recent(self) -> None:
        self._store.setValue("files/recent", [])

    # -------------------------------------------------------------- autosave
    @property
    def autosave_seconds(self) -> float:
        """How often a changed session is autosaved, in seconds."""
        try:
            seconds = float(self._store.value("autosave/interval", DEFAULT_AUTOSAVE_SECONDS))
        except (TypeError, ValueError):
            return DEFAULT_AUTOSAVE_SECONDS
        if seconds != seconds:  # NaN
            return DEFAULT_AUTOSAVE_SECONDS
        low, high = AUTOSAVE_RANGE
        return min(max(seconds, low), high)

    @autosave_seconds.setter
    def autosave_seconds(self, seconds: float) -> None:
        self._store.setValue("autosave/interval", float(seconds))
