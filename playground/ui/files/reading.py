"""Reading a chosen file in the background, with every way it can fail told to the person.

Reading builds new values and hands them back; nothing is swapped in here, so a file
that cannot be read leaves the open session exactly as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

from PySide6.QtCore import QObject

from ..session.commands import short_text
from ..shell import dialogs
from ..shell.settings import Settings
from . import background

if TYPE_CHECKING:
    from ..shell.host import WindowHost
    from .document import SessionDocument
    from .recent_files import RecentFiles

T = TypeVar("T")


class FileFlow(QObject):
    """What the session and the dataset files of one window share: the window and its
    session, the document (file and modified flag), the recent files and the settings."""

    def __init__(self, window: WindowHost, document: SessionDocument, recent: RecentFiles, settings: Settings) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.document = document
        self.recent = recent
        self.settings = settings


def choose_and_read(
    window: WindowHost,
    path: str | Path | None,
    title: str,
    ask: tuple[str, str],
    reader: Callable[[Path], T],
    doing: str,
) -> tuple[Path, T] | None:
    """``(path, reader(path))``, asking for the file first when ``path`` is None
    (``ask`` is the dialog's start folder and filters, ``title`` its title);
    None if the person cancelled or the file could not be read (they were told why).
    ``doing`` ("Opening", "Reading") says what happens while a file takes long."""
    if path is None:
        folder, filters = ask
        path = dialogs.choose_open_path(window, title, folder, filters)
        if not path:
            return None
    path = Path(path)
    loaded = read_in_background(window, path, reader, title, f"{doing} {path.name}…")
    return None if loaded is None else (path, loaded)


def read_in_background(window: WindowHost, path: Path, reader: Callable[[Path], T], title: str, doing: str) -> T | None:
    """``reader(path)`` in the background (``doing`` says what while it takes long),
    or None after telling the person why it failed or that they stopped it."""
    try:
        return background.run_in_background(window, doing, lambda: reader(path), cancellable=True)
    except background.Cancelled:
        window.session.message.emit("info", f"{title}: stopped reading {short_text(path.name)}.")
    except ValueError as exc:
        dialogs.show_error(window, title, str(exc))
    except Exception as exc:  # noqa: BLE001 - a reader bug must not cost the open session
        dialogs.show_error(window, title, f"{path.name} could not be read: unexpected {type(exc).__name__} ({exc}).")
    return None
