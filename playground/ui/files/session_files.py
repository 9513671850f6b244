"""Sessions as files: New, Open, Save, Save As, and the question before unsaved changes are lost.

A session file holds the timeline too: Save writes every kept snapshot, and Open
restores the run so that it can be scrubbed as before. The trainer is copied in its
own thread, between steps, so a saved file is consistent; reading, encoding and
writing happen off the window's thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from ...data.files import write_text_atomic
from ...training import Trainer
from ...training.defaults import default_session
from ...training.sessions import SUFFIX as SESSION_SUFFIX
from ...training.sessions import read_session
from ...training.timeline import Timeline
from ..shell import dialogs
from ..shell.settings import Settings
from . import background
from .capture import SessionCapture, capture, capture_json
from .document import SessionDocument
from .file_names import SESSION_FILTER, UNTITLED, session_file_name
from .reading import FileFlow, choose_and_read
from .recent_files import RecentFiles

if TYPE_CHECKING:
    from ..shell.host import WindowHost


# What capturing a session (a busy training thread: TimeoutError) and writing it can raise.
SAVE_ERRORS = (OSError, ValueError, TimeoutError)


def could_not_save(name: str, exc: BaseException) -> str:
    """The message for a failed save of the file ``name``: an OSError's reason in words, else its message."""
    if isinstance(exc, OSError):
        return f"Could not save {name}: {exc.strerror or exc}."
    return f"Could not save {name}: {exc}"


def write_capture(window: QWidget, path: Path, captured: SessionCapture) -> None:
    """Write ``captured`` to ``path`` (atomically) in the background, the window live meanwhile."""
    background.run_in_background(
        window, f"Saving {path.name}…", lambda: write_text_atomic(path, capture_json(captured))
    )


class SessionFiles(FileFlow):
    """Opens and saves the session of ``document``'s window.

    ``confirm_unsaved`` makes closing the window, New and Open ask Save / Discard /
    Cancel when there are unsaved changes. The app turns it on; windows that scripts
    and tests make close without asking.
    """

    def __init__(self, window: WindowHost, document: SessionDocument, recent: RecentFiles, settings: Settings) -> None:
        super().__init__(window, document, recent, settings)
        self.confirm_unsaved = False
        window.installEventFilter(self)

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
        ask = (self.settings.last_folder, f"{SESSION_FILTER};;All files (*)")
        read = choose_and_read(self.window, path, "Open session", ask, read_session, "Opening")
        if read is None:
            return False
        path, loaded = read
        self.take_session(loaded.trainer, path, modified=False, timeline=loaded.timeline)
        self.recent.remember(path, recent=True)
        self.session.message.emit("info", f"Opened {path.name} (epoch {loaded.trainer.epoch}).")
        return True

    def take_session(
        self, trainer: Trainer, path: Path | None, modified: bool, timeline: Timeline | None = None
    ) -> None:
        """Make ``trainer`` the window's session, belonging to ``path`` (None: untitled),
        with ``timeline`` (a read session's) as the run's scrubbable past."""
        # After the swap, whose clearing of the undo stack is not an edit (settle_on).
        self.session.replace_session(trainer)
        self.document.settle_on(trainer.dataset, trainer.epoch, modified)
        if timeline is not None:
            worker = self.session.worker

            def adopt(current: Trainer) -> None:
                # Runs after the swap: the timeline follows this very network, so the
                # worker keeps it rather than starting a new one.
                if current is trainer:
                    worker.timeline = timeline

            worker.submit(adopt)  # and draw: the timeline row shows the kept epochs
        self.document.belong_to(path, modified)

    def save(self) -> bool:
        """Save to the session's file, or ask for one; False if nothing was saved."""
        path = self.document.path
        return self._write(path) if path is not None else self.save_as()

    def save_as(self) -> bool:
        """Ask for a file name and save there; False if cancelled or failed."""
        suggestion = self.document.path or Path(self.settings.last_folder) / f"{UNTITLED}{SESSION_SUFFIX}"
        chosen, _ = dialogs.choose_save_path(self.window, "Save session as", str(suggestion), SESSION_FILTER)
        return bool(chosen) and self._write(session_file_name(chosen))

    def capture_session(self) -> SessionCapture:
        """A consistent copy of the session and its timeline (``capture.capture``), taken
        in the training thread in a few milliseconds; TimeoutError if it is busy."""
        worker = self.session.worker
        return self.session.run_in_worker(lambda trainer: capture(trainer, worker.timeline))

    def _write(self, path: Path) -> bool:
        try:
            write_capture(self.window, path, self.capture_session())
        except SAVE_ERRORS as exc:
            dialogs.show_error(self.window, "Save session", could_not_save(path.name, exc))
            return False
        self.document.belong_to(path, modified=False)
        self.recent.remember(path, recent=True)
        self.session.message.emit("info", f"Saved {path.name}.")
        return True

    def maybe_save(self) -> bool:
        """True when it is fine to lose the session now: nothing unsaved, or the person
        saved or discarded it. False if they cancelled (or the save failed)."""
        if not (self.confirm_unsaved and self.document.modified):
            return True
        answer = dialogs.ask_save_changes(self.window, self.document.display_name)
        if answer == dialogs.SAVE:
            return self.save()
        return answer == dialogs.DISCARD

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Closing the window asks about unsaved changes first (when confirm_unsaved)."""
        if watched is self.window and event.type() == QEvent.Type.Close:
            if background.busy():  # a file is being read or written: the window closes once it is done
                background.when_idle(self.window.close)
                event.ignore()
                return True
            if not self.maybe_save():
                event.ignore()
                return True
        return False
