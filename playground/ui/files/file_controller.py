"""The File menu: new, open, save and save as (sessions), import and export (datasets),
recent files, the window title with its unsaved-changes mark, and the question
before unsaved changes are lost.

Reading a file builds new values first and swaps them in last, so a file that
cannot be read shows its ValueError's text and leaves the open session exactly
as it was (dataset, config, weights, epoch, undo history). Reading, encoding and
writing happen in a background thread (``background.run_in_background``): the
window goes on drawing, with a busy indicator when a file takes a while.

A session file holds the timeline too: Save writes every kept snapshot, and
Open restores the run so that it can be scrubbed as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from ...data import Dataset, read_dataset, save_dataset
from ...data.files import write_text_atomic
from ...training import Trainer
from ...training.defaults import default_session
from ...training.sessions import SUFFIX as SESSION_SUFFIX
from ...training.sessions import read_session
from ...training.timeline import Timeline
from ..session.commands import short_text
from ..shell import dialogs
from ..shell.settings import Settings
from . import background
from .capture import capture, capture_json

if TYPE_CHECKING:
    from ..shell.host import WindowHost

APP_NAME = "Playground"
UNTITLED = "untitled"
SESSION_FILTER = f"Playground sessions (*{SESSION_SUFFIX})"
CSV_FILTER, JSON_FILTER = "CSV files (*.csv)", "JSON datasets (*.json)"
DATASET_FILTERS = f"{CSV_FILTER};;{JSON_FILTER}"
DATASET_SUFFIXES = (".csv", ".json")

T = TypeVar("T")


def file_kind(path: str | Path) -> str:
    """``"session"`` for ``*.playground.json``, ``"dataset"`` for ``.csv`` and other
    ``.json`` files; ValueError for anything else."""
    name = Path(path).name.lower()
    if name.endswith(SESSION_SUFFIX):
        return "session"
    if name.endswith(DATASET_SUFFIXES):
        return "dataset"
    raise ValueError(f"{Path(path).name}: not a session ({SESSION_SUFFIX}) or a dataset (.csv, .json)")


def session_file_name(path: str | Path) -> Path:
    """``path`` with the session extension: ``demo`` and ``demo.json`` become ``demo.playground.json``."""
    path = Path(path)
    if path.name.lower().endswith(SESSION_SUFFIX):
        return path
    stem = path.name[: -len(".json")] if path.name.lower().endswith(".json") else path.name
    return path.with_name(stem + SESSION_SUFFIX)


def dataset_file_name(path: str | Path, chosen_filter: str) -> Path:
    """``path`` with a dataset extension, taken from the chosen filter when it has none."""
    path = Path(path)
    if path.suffix.lower() in DATASET_SUFFIXES:
        return path
    return path.with_name(path.name + (".json" if chosen_filter == JSON_FILTER else ".csv"))


class FileController(QObject):
    """Files of one window. ``path`` is the open session's file (None: untitled);
    ``modified`` says whether the session has changes no file holds.

    ``confirm_unsaved`` makes closing, New and Open ask Save / Discard / Cancel when
    there are unsaved changes. The app turns it on; windows that scripts and tests
    make close without asking.

    Signal: ``modifiedChanged(bool)``.
    """

    modifiedChanged = Signal(bool)

    def __init__(self, window: WindowHost, settings: Settings | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.settings = settings or Settings()
        self.path: Path | None = None
        self.modified = False
        self.confirm_unsaved = False
        # (dataset, epoch, modified) of a session just swapped in: its first frame
        # fixes the modified flag, undoing the "changed" that the epoch jump from the
        # previous session's frames signals on the way.
        self._settling: tuple[Dataset, int, bool] | None = None
        self._build_menu(window.menu("&File"))
        self.session.changed.connect(self._on_changed)
        self.session.frameReady.connect(self._on_frame)
        window.installEventFilter(self)
        self._show_title()

    # ------------------------------------------------------------------ menu
    def _build_menu(self, menu: QMenu) -> None:
        def action(text: str, slot: Callable[[], object], key: str = "", tip: str = "") -> QAction:
            item = QAction(text, self.window)
            if key:
                item.setShortcut(QKeySequence(key))
            item.setStatusTip(tip)
            item.setToolTip(tip)
            item.triggered.connect(lambda checked=False: slot())
            menu.addAction(item)
            return item

        self.new_action = action(
            "&New", self.new_session, "Ctrl+N", "Start again from the default dataset and network."
        )
        self.open_action = action("&Open…", self.open_session, "Ctrl+O", f"Open a saved session ({SESSION_SUFFIX}).")
        self.recent_menu = menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self.refresh_recent_menu)
        self.refresh_recent_menu()  # also right before each showing, to see other windows' files
        self.save_action = action(
            "&Save", self.save, "Ctrl+S", "Save the session: data, settings, weights and history."
        )
        self.save_as_action = action("Save &As…", self.save_as, "Ctrl+Shift+S", "Save the session to a new file.")
        menu.addSeparator()
        self.import_action = action(
            "&Import Dataset…",
            self.import_dataset,
            "",
            "Replace the points with a dataset from a CSV or JSON file (undoable).",
        )
        self.export_action = action(
            "&Export Dataset…", self.export_dataset, "", "Write the points to a CSV or JSON file."
        )
        menu.addSeparator()
        action("&Quit", self.window.close, "Ctrl+Q", "Close the playground.")

    def refresh_recent_menu(self) -> None:
        """Rebuild "Open Recent" from the settings (newest first)."""
        menu = self.recent_menu
        menu.clear()
        recent = self.settings.recent_files()
        for number, path in enumerate(recent, start=1):
            item = menu.addAction(f"&{number} {Path(path).name}")
            item.setToolTip(path)
            item.setStatusTip(path)
            item.setData(path)
            item.triggered.connect(lambda checked=False, path=path: self.open_recent(path))
        if not recent:
            menu.addAction("No recent files").setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("Clear Recent Files")
        clear.setEnabled(bool(recent))
        clear.triggered.connect(self._clear_recent)

    def _clear_recent(self) -> None:
        self.settings.clear_recent()
        self.refresh_recent_menu()

    # ------------------------------------------------------------- sessions
    def new_session(self) -> bool:
        """Replace the session with the default one (asks about unsaved changes first)."""
        if not self.maybe_save():
            return False
        self.take_session(Trainer(*default_session()), None, modified=False)
        self.session.message.emit("info", "New session.")
        return True

    def open_session(self, path: str | Path | None = None) -> bool:
        """Open a session file (asking for one when ``path`` is None); False if nothing changed."""
        if not self.maybe_save():
            return False
        if path is None:
            path = dialogs.choose_open_path(
                self.window, "Open session", self.settings.last_folder, f"{SESSION_FILTER};;All files (*)"
            )
            if not path:
                return False
        path = Path(path)
        loaded = self._read(path, read_session, "Open session", f"Opening {path.name}…")
        if loaded is None:
            return False
        self.take_session(loaded.trainer, path, modified=False, timeline=loaded.timeline)
        self._remember(path, recent=True)
        self.session.message.emit("info", f"Opened {path.name} (epoch {loaded.trainer.epoch}).")
        return True

    def open_recent(self, path: str | Path) -> bool:
        """Open a recent session; a file that is gone is removed from the list, with a message."""
        path = Path(path)
        if not path.is_file():
            self.settings.remove_recent(path)
            self.refresh_recent_menu()
            dialogs.show_error(
                self.window,
                "Open recent",
                f"{path.name} no longer exists in {path.parent}; it was removed from the recent files.",
            )
            return False
        return self.open_session(path)

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
        """Make ``trainer`` the window's session, belonging to ``path`` (None: untitled),
        with ``timeline`` (a read session's) as the run's scrubbable past."""
        self._settling = (trainer.dataset, trainer.epoch, modified)
        self.session.replace_session(trainer)
        if timeline is not None:
            worker = self.session.worker

            def adopt(current: Trainer) -> None:
                # Runs after the swap: the timeline follows this very network, so the
                # worker keeps it rather than starting a new one.
                if current is trainer:
                    worker.timeline = timeline

            worker.submit(adopt)  # and draw: the timeline row shows the kept epochs
        self.path = path
        self._set_modified(modified)
        self._show_title()

    def save(self) -> bool:
        """Save to the session's file, or ask for one; False if nothing was saved."""
        return self._write(self.path) if self.path is not None else self.save_as()

    def save_as(self) -> bool:
        """Ask for a file name and save there; False if cancelled or failed."""
        suggestion = self.path or Path(self.settings.last_folder) / f"{UNTITLED}{SESSION_SUFFIX}"
        chosen, _ = dialogs.choose_save_path(self.window, "Save session as", str(suggestion), SESSION_FILTER)
        return bool(chosen) and self._write(session_file_name(chosen))

    def capture_session(self):
        """A consistent copy of the session and its timeline (``capture.capture``), taken
        in the training thread in a few milliseconds; TimeoutError if it is busy."""
        worker = self.session.worker
        return self.session.run_in_worker(lambda trainer: capture(trainer, worker.timeline))

    def _write(self, path: Path) -> bool:
        # The trainer is copied in its own thread, between steps, so the file is
        # consistent; encoding and writing happen off the window's thread.
        try:
            captured = self.capture_session()
            background.run_in_background(
                self.window, f"Saving {path.name}…", lambda: write_text_atomic(path, capture_json(captured))
            )
        except OSError as exc:
            dialogs.show_error(self.window, "Save session", f"Could not save {path.name}: {exc.strerror or exc}.")
            return False
        except (ValueError, TimeoutError) as exc:
            dialogs.show_error(self.window, "Save session", f"Could not save {path.name}: {exc}")
            return False
        self.path = path
        self._set_modified(False)
        self._show_title()
        self._remember(path, recent=True)
        self.session.message.emit("info", f"Saved {path.name}.")
        return True

    def maybe_save(self) -> bool:
        """True when it is fine to lose the session now: nothing unsaved, or the person
        saved or discarded it. False if they cancelled (or the save failed)."""
        if not (self.confirm_unsaved and self.modified):
            return True
        answer = dialogs.ask_save_changes(self.window, self.display_name)
        if answer == dialogs.SAVE:
            return self.save()
        return answer == dialogs.DISCARD

    # ------------------------------------------------------------- datasets
    def import_dataset(self, path: str | Path | None = None) -> bool:
        """Replace the points with a dataset file's, as one undoable step."""
        if path is None:
            path = dialogs.choose_open_path(
                self.window,
                "Import dataset",
                self.settings.last_folder,
                f"Datasets (*.csv *.json);;{DATASET_FILTERS};;All files (*)",
            )
            if not path:
                return False
        path = Path(path)
        loaded = self._read(path, read_dataset, "Import dataset", f"Reading {path.name}…")
        if loaded is None:
            return False
        dataset = loaded.dataset
        self.session.set_dataset(dataset, f"Import {path.name}")
        self._remember(path)
        said = " ".join(loaded.notices)  # how the file was read, when that is not obvious
        self.session.message.emit(
            "info", f"Imported {dataset.n} points from {short_text(path.name)}." + (f" {said}" if said else "")
        )
        return True

    def export_dataset(self, path: str | Path | None = None) -> bool:
        """Write the points to a CSV or JSON file (asking for one when ``path`` is None)."""
        if path is None:
            stem = Path(self.display_name).name.removesuffix(SESSION_SUFFIX)
            chosen, chosen_filter = dialogs.choose_save_path(
                self.window, "Export dataset", str(Path(self.settings.last_folder) / f"{stem}.csv"), DATASET_FILTERS
            )
            if not chosen:
                return False
            path = dataset_file_name(chosen, chosen_filter)
        path = Path(path)
        try:
            save_dataset(path, self.session.dataset)
        except ValueError as exc:
            dialogs.show_error(self.window, "Export dataset", str(exc))
            return False
        except OSError as exc:
            dialogs.show_error(self.window, "Export dataset", f"Could not write {path.name}: {exc.strerror or exc}.")
            return False
        self._remember(path)
        self.session.message.emit("info", f"Exported {self.session.dataset.n} points to {path.name}.")
        return True

    # ----------------------------------------------------------- plumbing
    def _read(self, path: Path, reader: Callable[[Path], T], title: str, doing: str) -> T | None:
        """``reader(path)`` in the background (``doing`` says what while it takes long),
        or None after telling the person why it failed."""
        try:
            return background.run_in_background(self.window, doing, lambda: reader(path), cancellable=True)
        except background.Cancelled:
            self.session.message.emit("info", f"{title}: stopped reading {short_text(path.name)}.")
        except ValueError as exc:
            dialogs.show_error(self.window, title, str(exc))
        except Exception as exc:  # noqa: BLE001 - a reader bug must not cost the open session
            dialogs.show_error(
                self.window, title, f"{path.name} could not be read: unexpected {type(exc).__name__} ({exc})."
            )
        return None

    def _remember(self, path: Path, recent: bool = False) -> None:
        self.settings.last_folder = str(path.absolute().parent)
        if recent:
            self.settings.add_recent(path)
            self.refresh_recent_menu()

    @property
    def display_name(self) -> str:
        """The open file's name, or "untitled"."""
        return self.path.name if self.path is not None else UNTITLED

    def _show_title(self) -> None:
        # "[*]" is where Qt shows the modified mark ("*") while setWindowModified(True).
        self.window.setWindowTitle(f"{self.display_name}[*] — {APP_NAME}")

    def _set_modified(self, modified: bool) -> None:
        self.window.setWindowModified(modified)
        if modified != self.modified:
            self.modified = modified
            self.modifiedChanged.emit(modified)

    def _on_changed(self) -> None:
        self._set_modified(True)

    def _on_frame(self, frame) -> None:
        if self._settling is None:
            return
        dataset, epoch, modified = self._settling
        if frame.dataset is dataset and frame.epoch == epoch:
            self._settling = None
            self._set_modified(modified)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Closing the window asks about unsaved changes first (when confirm_unsaved)."""
        if watched is self.window and event.type() == QEvent.Type.Close:
            if background.busy() or not self.maybe_save():  # a file is being read or written
                event.ignore()
                return True
        return False


def install_files(window: WindowHost) -> FileController:
    """Give ``window`` its File menu; the window keeps the controller as ``window.files``."""
    return FileController(window)
