"""File > Open Recent (the settings' list, newest first) and the folder the file dialogs start in."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu

from ..shell import dialogs
from ..shell.settings import Settings

if TYPE_CHECKING:
    from ..shell.host import WindowHost


class RecentFiles(QObject):
    """Fills ``menu`` with the recent sessions; picking one calls ``open_session(path)``.

    The list lives in ``settings``, shared by every window of the app, so the menu is
    rebuilt right before each showing.
    """

    def __init__(
        self, window: WindowHost, menu: QMenu, settings: Settings, open_session: Callable[[Path], bool]
    ) -> None:
        super().__init__(window)
        self.window = window
        self.menu = menu
        self.settings = settings
        self._open_session = open_session
        menu.aboutToShow.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the menu from the settings (newest first)."""
        menu = self.menu
        menu.clear()
        recent = self.settings.recent_files()
        for number, path in enumerate(recent, start=1):
            item = menu.addAction(f"&{number} {Path(path).name}")
            item.setToolTip(path)
            item.setStatusTip(path)
            item.setData(path)
            item.triggered.connect(lambda checked=False, path=path: self.open(path))
        if not recent:
            menu.addAction("No recent files").setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("Clear Recent Files")
        clear.setEnabled(bool(recent))
        clear.triggered.connect(self.clear)

    def clear(self) -> None:
        """Forget every recent file."""
        self.settings.clear_recent()
        self.refresh()

    def open(self, path: str | Path) -> bool:
        """Open a recent session; a file that is gone is removed from the list, with a message."""
        path = Path(path)
        if not path.is_file():
            self.settings.remove_recent(path)
            self.refresh()
            dialogs.show_error(
                self.window,
                "Open recent",
                f"{path.name} no longer exists in {path.parent}; it was removed from the recent files.",
            )
            return False
        return self._open_session(path)

    def remember(self, path: Path, recent: bool = False) -> None:
        """``path`` was just read or written: its folder is where the dialogs start next,
        and with ``recent`` it heads the recent files."""
        self.settings.last_folder = str(path.absolute().parent)
        if recent:
            self.settings.add_recent(path)
            self.refresh()
