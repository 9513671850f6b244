"""Who the application is to the desktop and to Qt: its name, version, organisation, desktop
file, icon, and Qt's own translations in the system language.

Set once on the QApplication, before the first window, by :func:`set_identity` (``app.py``).
The name and organisation are the ones the settings file is named after (``settings.py``).
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QGuiApplication, QIcon

from ..._version import __version__
from .settings import APPLICATION, ORGANIZATION

# The .desktop file's base name (resources/linux/), so Wayland and X11 task bars match the
# running window to its menu entry and icon.
DESKTOP_FILE_NAME = "backprop-playground"
ICON_NAME = "backprop-playground"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def icons_folder() -> Path:
    """The folder of the application's icons inside the installed package."""
    # Wheels install as plain files, so the package folder is a real path.
    return Path(str(importlib.resources.files("playground.resources") / "icons"))


def application_icon() -> QIcon:
    """The application icon: every PNG size (crisp in title bars and task bars), then the SVG
    for any other size. An empty QIcon if the files are missing (Qt then shows its default)."""
    folder = icons_folder()
    icon = QIcon()
    for size in ICON_SIZES:
        path = folder / f"playground-{size}.png"
        if path.is_file():
            icon.addFile(str(path))
    svg = folder / f"{ICON_NAME}.svg"
    if svg.is_file():
        icon.addFile(str(svg))
    return icon


def install_qt_translations(app: QCoreApplication, locale: QLocale | None = None) -> QTranslator | None:
    """Load Qt's own translations (file dialogs, standard buttons such as Save and Cancel) for
    ``locale``, the system's language by default; None when Qt has none for it (then they stay
    in English). The translator is installed on ``app`` and returned."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    # "qtbase_de.qm" for German; the locale's UI languages are tried in order (pt_BR before pt).
    if not translator.load(locale or QLocale.system(), "qtbase", "_", folder):
        return None
    app.installTranslator(translator)
    return translator


def set_identity(app: QGuiApplication) -> None:
    """Name, version, organisation, desktop file name and window icon of ``app``, and Qt's translations."""
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_FILE_NAME)
    app.setWindowIcon(application_icon())
    install_qt_translations(app)
