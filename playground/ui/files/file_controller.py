"""The File menu: new, open, save and save as (sessions), import and export (datasets),
recent files, the window title with its unsaved-changes mark, and the question
before unsaved changes are lost.

``FileController`` builds the menu and routes it to the classes that do each job:
``SessionDocument`` (document.py: the file the session belongs to, the modified
flag, the title), ``RecentFiles`` (recent_files.py), ``SessionFiles``
(session_files.py: open and save, the question on close) and ``DatasetFiles``
(dataset_files.py: import and export). Reading happens in ``reading.py``.

Reading a file builds new values first and swaps them in last, so a file that
cannot be read shows its ValueError's text and leaves the open session exactly
as it was (dataset, config, weights, epoch, undo history). Reading, encoding and
writing happen in a background thread (``background.run_in_background``): the
window goes on drawing, with a busy indicator when a file takes a while.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtWidgets import QMenu

from ...training import Trainer
from ...training.sessions import SUFFIX as SESSION_SUFFIX
from ...training.timeline import Timeline
from ..shell import dialogs
from ..shell.actions import menu_action
from ..shell.settings import Settings
from .capture import SessionCapture
from .dataset_files import DatasetFiles
from .document import SessionDocument
from .file_names import file_kind
from .recent_files import RecentFiles
from .session_files import SessionFiles

if TYPE_CHECKING:
    from ..shell.host import WindowHost


class FileController(QObject):
    """Files of one window: the File menu and its actions, and the calls behind them
    that the app, other features, scripts and tests make (``window.files``).

    ``path`` is the open session's file (None: untitled); ``modified`` says whether
    the session has changes no file holds; ``modifiedChanged(bool)`` says when that
    changes. ``confirm_unsaved`` makes closing, New and Open ask Save / Discard /
    Cancel when there are unsaved changes (the app turns it on).
    """

    def __init__(self, window: WindowHost, settings: Settings | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.settings = settings or Settings()
        self.document = SessionDocument(window)
        menu = window.menu("&File")
        self.recent_menu = QMenu("Open &Recent", menu)
        self.recent = RecentFiles(window, self.recent_menu, self.settings, self.open_session)
        self.sessions = SessionFiles(window, self.document, self.recent, self.settings)
        self.datasets = DatasetFiles(window, self.document, self.recent, self.settings)
        self._build_menu(menu)

    def _build_menu(self, menu: QMenu) -> None:
        def add(text: str, slot, key: str = "", tip: str = ""):
            action = menu_action(self.window, text, slot, tip, key)
            menu.addAction(action)
            return action

        self.new_action = add("&New", self.new_session, "Ctrl+N", "Start again from the default dataset and network.")
        self.open_action = add("&Open…", self.open_session, "Ctrl+O", f"Open a saved session ({SESSION_SUFFIX}).")
        menu.addMenu(self.recent_menu)
        self.save_action = add("&Save", self.save, "Ctrl+S", "Save the session: data, settings, weights and history.")
        self.save_as_action = add("Save &As…", self.save_as, "Ctrl+Shift+S", "Save the session to a new file.")
        menu.addSeparator()
        self.import_action = add(
            "&Import Dataset…",
            self.import_dataset,
            tip="Replace the points with a dataset from a CSV or JSON file (undoable).",
        )
        self.export_action = add("&Export Dataset…", self.export_dataset, tip="Write the points to a CSV or JSON file.")
        menu.addSeparator()
        add("&Quit", self.window.close, "Ctrl+Q", "Close the playground.")

    # -------------------------------------------------------- the state
    @property
    def path(self) -> Path | None:
        """The open session's file; None while untitled."""
        return self.document.path

    @property
    def modified(self) -> bool:
        """Whether the session has changes no file holds."""
        return self.document.modified

    @property
    def modifiedChanged(self) -> SignalInstance:  # noqa: N802 - a Qt signal's name
        """Emitted with the new ``modified`` flag when it changes."""
        return self.document.modifiedChanged

    @property
    def display_name(self) -> str:
        """The open file's name, or "untitled"."""
        return self.document.display_name

    @property
    def confirm_unsaved(self) -> bool:
        """Whether closing, New and Open ask before unsaved changes are lost."""
        return self.sessions.confirm_unsaved

    @confirm_unsaved.setter
    def confirm_unsaved(self, value: bool) -> None:
        self.sessions.confirm_unsaved = value

    # ---------------------------------------------------------- the calls
    def new_session(self) -> bool:
        """File > New (``SessionFiles.new_session``)."""
        return self.sessions.new_session()

    def open_session(self, path: str | Path | None = None) -> bool:
        """File > Open, or open ``path`` (``SessionFiles.open_session``)."""
        return self.sessions.open_session(path)

    def open_recent(self, path: str | Path) -> bool:
        """Open a recent session (``RecentFiles.open``: a file that is gone leaves the list)."""
        return self.recent.open(path)

    def open_path(self, path: str | Path) -> bool:
        """Open a session or import a dataset, chosen by the file name (the command line's FILE)."""
        try:
            kind = file_kind(path)
        except ValueError as exc:
            dialogs.show_error(self.window, "Open", str(exc))
            return False
        return self.open_session(path) if kind == "session" else self.import_dataset(path)

    def take_session(
        self, trainer: Trainer, path: Path | None, modified: bool, timeline: Timeline | None = None
    ) -> None:
        """Make ``trainer`` the window's session (``SessionFiles.take_session``)."""
        self.sessions.take_session(trainer, path, modified, timeline)

    def save(self) -> bool:
        """File > Save (``SessionFiles.save``)."""
        return self.sessions.save()

    def save_as(self) -> bool:
        """File > Save As (``SessionFiles.save_as``)."""
        return self.sessions.save_as()

    def maybe_save(self) -> bool:
        """True when it is fine to lose the session now (``SessionFiles.maybe_save``)."""
        return self.sessions.maybe_save()

    def capture_session(self) -> SessionCapture:
        """A consistent copy of the session and its timeline (``SessionFiles.capture_session``)."""
        return self.sessions.capture_session()

    def import_dataset(self, path: str | Path | None = None) -> bool:
        """File > Import Dataset, or import ``path`` (``DatasetFiles.import_dataset``)."""
        return self.datasets.import_dataset(path)

    def export_dataset(self, path: str | Path | None = None) -> bool:
        """File > Export Dataset, or export to ``path`` (``DatasetFiles.export_dataset``)."""
        return self.datasets.export_dataset(path)

    def refresh_recent_menu(self) -> None:
        """Rebuild File > Open Recent from the settings."""
        self.recent.refresh()


def install_files(window: WindowHost) -> FileController:
    """Give ``window`` its File menu; the window keeps the controller as ``window.files``."""
    return FileController(window)
