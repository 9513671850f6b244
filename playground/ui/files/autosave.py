"""Autosave and crash recovery.

While the app runs, a session with unsaved changes is written every few seconds
to ``<data dir>/autosave/autosave-<id>.playground.json`` (an ordinary session
file). Each running window holds a lock file beside its autosave, so an
autosave whose lock nobody holds belongs to a run that ended abruptly: the next
start offers to restore it. A clean exit, or saving to a file, removes it.

The session is copied in the training thread (``capture``: consistent, a few
milliseconds whatever the history's length); turning the copy into JSON and
writing it happens in a background thread, in pieces that never hold Python's
lock for long, so a long history stalls neither the window nor the training.
While one write is still going, later ticks skip. The text is the one Save
writes, timeline included, so whatever is autosaved opens again.
"""

from __future__ import annotations

import sys
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, QTimer

from ...data.files import write_text_atomic
from ...training.sessions import SUFFIX, read_session
from ..shell import dialogs
from ..shell.settings import data_dir
from . import background
from .capture import SessionCapture, capture_json

if TYPE_CHECKING:
    from .file_controller import FileController

PREFIX = "autosave-"
UNREADABLE = ".unreadable"


def autosave_dir() -> Path:
    """Where autosaves live: ``<data dir>/autosave``."""
    return data_dir() / "autosave"


def _lock_for(session_file: Path) -> QLockFile:
    lock = QLockFile(str(session_file.with_name(session_file.name.removesuffix(SUFFIX) + ".lock")))
    # 0: a lock is stale only when its process is gone. Qt's default (30 s) would
    # also call a live window's lock stale once it is 30 s old.
    lock.setStaleLockTime(0)
    return lock


def _mtime(path: Path) -> float:
    """Modification time, 0 for a file another window removed a moment ago."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _write_capture(path: Path, captured: SessionCapture) -> None:
    write_text_atomic(path, capture_json(captured))


class Autosaver(QObject):
    """Writes the session of ``files``' window to its own autosave file while it has
    unsaved changes, every ``seconds``; ``discard()`` removes the file (clean exit)."""

    def __init__(self, files: FileController, folder: Path, seconds: float) -> None:
        super().__init__(files)
        self.files = files
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{PREFIX}{uuid.uuid4().hex[:12]}{SUFFIX}"
        self._lock = _lock_for(self.path)
        if not self._lock.tryLock(0):
            raise OSError(f"cannot create the autosave lock in {folder}")
        self._pending = False
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="autosave")
        self._job: Future | None = None
        self._failed = False
        self._finished = False
        self._timer = QTimer(self, interval=max(1, round(seconds * 1000)))
        self._timer.timeout.connect(self.write_if_changed)
        files.session.changed.connect(self._on_changed)
        files.modifiedChanged.connect(self._on_modified)
        self._timer.start()

    def _on_changed(self) -> None:
        self._pending = True

    def _on_modified(self, modified: bool) -> None:
        if not modified:  # saved to (or opened from) a file: the file holds everything
            self._pending = False
            self._remove_file()

    def write_if_changed(self) -> None:
        """Autosave now if the session changed since the last autosave."""
        self._report_failure()
        if not self.files.window.isVisible():
            return  # closed: its training thread is gone, and the exit removes the file
        if not (self._pending and self.files.modified) or (self._job and not self._job.done()):
            return  # nothing new, or the previous write is still going: try on the next tick
        try:
            captured = self.files.capture_session()
        except TimeoutError:
            return  # the training thread is busy with a long command; next tick
        self._pending = False
        self._job = self._writer.submit(_write_capture, self.path, captured)

    def _report_failure(self) -> None:
        """Say once (in the status line) that autosaving fails, e.g. on a full disk."""
        if self._job is None or not self._job.done() or self._job.exception() is None:
            return
        error, self._job = self._job.exception(), None
        self._pending = True  # the write did not happen: try again
        if not self._failed:
            self._failed = True
            self.files.session.message.emit("warning", f"Autosave to {self.path.parent} failed: {error}")

    def _remove_file(self) -> None:
        if self._job is not None:
            self._job.exception()  # wait for a write in flight, so it cannot re-create the file
            self._job = None
        self.path.unlink(missing_ok=True)

    def adopt(self, orphan: Orphan) -> None:
        """Take over ``orphan``'s file as this window's autosave (its session was just
        restored here), so that it stays on disk until a save or a clean exit."""
        self._remove_file()
        try:
            orphan.path.replace(self.path)
        except OSError:
            self._pending = True  # it could not be moved: write the restored session afresh
        orphan.lock.unlock()

    @property
    def finished(self) -> bool:
        """True once ``discard`` or ``keep`` has ended autosaving."""
        return self._finished

    def discard(self) -> None:
        """Stop autosaving and remove the autosave and its lock (a clean exit)."""
        self._timer.stop()
        self._remove_file()
        self._end()

    def keep(self) -> None:
        """Stop autosaving with the unsaved session written now and left on disk for the next start
        to offer: the run ends without the person having been asked about it (a logout, SIGTERM, a
        script's quit; shell/shutdown.py). With nothing unsaved, as ``discard``. Call it while the
        training thread still runs: the session is read there."""
        self._timer.stop()
        if not self.files.modified:
            self.discard()
            return
        if self._job is not None:
            # A write in flight ends first, so it cannot overwrite this newer one; a failed one is made again.
            self._pending = self._job.exception() is not None or self._pending
            self._job = None
        if self._pending or not self.path.exists():
            try:
                _write_capture(self.path, self.files.capture_session())
            except TimeoutError:
                pass  # the training thread is stuck in a long command: the last autosave stays
            except OSError as exc:  # the window is gone: the terminal is the one place left to say it
                sys.stderr.write(f"playground: the session could not be autosaved to {self.path}: {exc}\n")
        self._end()

    def _end(self) -> None:
        self._writer.shutdown(wait=True)
        self._lock.unlock()  # without its lock, the autosave (if kept) is offered at the next start
        self._finished = True


@dataclass
class Orphan:
    """An autosave left by a run that ended abruptly; we hold its lock while deciding."""

    path: Path
    lock: QLockFile

    @property
    def saved_at(self) -> str:
        """When it was written, as a person says it: "today at 14:05:31" or "on 2026-11-21 at 09:12"."""
        stamp = time.localtime(_mtime(self.path))
        if time.strftime("%Y-%m-%d", stamp) == time.strftime("%Y-%m-%d"):
            return time.strftime("today at %H:%M:%S", stamp)
        return time.strftime("on %Y-%m-%d at %H:%M", stamp)

    def release(self) -> None:
        """Leave the autosave for a later start."""
        self.lock.unlock()

    def remove(self) -> None:
        """Delete the autosave (restored or declined)."""
        self.path.unlink(missing_ok=True)
        self.lock.unlock()

    def set_aside(self) -> None:
        """Rename an unreadable autosave so that it is kept but not offered again."""
        try:
            self.path.replace(self.path.with_name(self.path.name + UNREADABLE))
        except FileNotFoundError:
            pass  # removed meanwhile: nothing to keep
        self.lock.unlock()


def _sweep_stale_locks(folder: Path) -> None:
    """Remove the locks of runs that ended before their first autosave."""
    for lock_path in folder.glob(f"{PREFIX}*.lock"):
        if not lock_path.with_name(lock_path.stem + SUFFIX).exists():
            lock = QLockFile(str(lock_path))
            lock.setStaleLockTime(0)
            if lock.tryLock(0):
                lock.unlock()  # unlocking deletes the file


def find_orphan(folder: Path) -> Orphan | None:
    """The newest autosave in ``folder`` whose window is gone (locked for us), or None."""
    _sweep_stale_locks(folder)
    candidates = sorted(folder.glob(f"{PREFIX}*{SUFFIX}"), key=_mtime, reverse=True)
    for path in candidates:
        lock = _lock_for(path)
        if lock.tryLock(0):  # its owner is gone (a live window holds its lock)
            return Orphan(path, lock)
    return None


def recover(autosaver: Autosaver, answer: bool | None = None) -> bool:
    """Offer the newest orphaned autosave beside ``autosaver``'s; True if it was restored
    into ``autosaver``'s window (whose autosave it then becomes).

    ``answer`` True restores and False skips without asking (the autosave is kept
    for a later start); None asks (``dialogs.ask_restore``), where declining
    deletes it. Other orphans, if several runs crashed, are offered at later starts.
    """
    files = autosaver.files
    orphan = find_orphan(autosaver.path.parent)
    if orphan is None:
        return False
    if answer is False:
        orphan.release()
        return False
    if answer is None and not dialogs.ask_restore(files.window, orphan.saved_at):
        orphan.remove()
        return False
    saved_at = orphan.saved_at
    try:
        loaded = background.run_in_background(
            files.window, "Restoring the autosaved session…", lambda: read_session(orphan.path)
        )
    except ValueError as exc:
        orphan.set_aside()
        dialogs.show_error(
            files.window,
            "Restore session",
            f"The autosaved session could not be restored: {exc}\nIt was kept as {orphan.path.name}{UNREADABLE}.",
        )
        return False
    files.take_session(loaded.trainer, None, modified=True, timeline=loaded.timeline)
    autosaver.adopt(orphan)
    files.session.message.emit("info", f"Restored the session autosaved {saved_at}.")
    return True
