"""File > Examples…: its menu entry, the gallery it opens and the opening of an example.

The gallery's dialog and the shipped lessons it reads (gallery.py) are imported when it is first
opened, not with the window.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from ..files.file_controller import FileController
    from ..shell.host import WindowHost
    from .gallery import GalleryDialog

    class GalleryHost(WindowHost, Protocol):
        """The window, with the file controller an example is opened through."""

        files: FileController


class ExampleGallery(QObject):
    """File > Examples… and its headless form, ``open_example(path)``."""

    def __init__(self, window: GalleryHost) -> None:
        super().__init__(window)
        self.setObjectName("exampleGallery")
        self.window = window
        self.dialog: GalleryDialog | None = None
        self.action = QAction("E&xamples…", window)
        tip = "Open one of the lessons shipped with the playground, picked from a gallery."
        self.action.setStatusTip(tip)
        self.action.setToolTip(tip)
        self.action.triggered.connect(lambda checked=False: self.open_dialog())
        self._add_to_menu()

    def _add_to_menu(self) -> None:
        # Beside Open and Open Recent: another way to open a session.
        menu = self.window.menu("&File")
        actions = menu.actions()
        recent = self.window.files.recent_menu.menuAction()
        after = actions.index(recent) + 1 if recent in actions else len(actions)
        if after < len(actions):
            menu.insertAction(actions[after], self.action)
        else:
            menu.addAction(self.action)

    def open_dialog(self, paths: list[Path] | None = None) -> GalleryDialog:
        """Show the gallery of ``paths`` (default: the shipped lessons), window-modal, without blocking."""
        from ...training.examples import shipped_examples
        from .gallery import GalleryDialog, read_entries
        from .preset_picker import is_dark

        entries, problems = read_entries(shipped_examples() if paths is None else paths)
        for problem in problems:
            self.window.session.message.emit("error", f"Example not shown: {problem}")
        dialog = GalleryDialog(entries, is_dark(self.window.data_panel), self.window)  # type: ignore[arg-type]
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.chosen.connect(lambda entry: self.open_example(entry.path))
        dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_example(self, lesson_path: str | Path) -> bool:
        """Open the example whose lesson is ``lesson_path`` (asking about unsaved changes first);
        False if nothing changed."""
        from ...training.lessons import read_lesson
        from ...training.sessions import read_session
        from ..shell import dialogs

        lesson_path = Path(lesson_path)
        files = self.window.files
        lessons = getattr(self.window, "lessons", None)
        if lessons is not None and hasattr(lessons, "open_lesson"):
            return bool(lessons.open_lesson(lesson_path))
        if not files.maybe_save():
            return False
        try:
            lesson = read_lesson(lesson_path)
            state = lesson.state_path(lesson.steps[0])
            if state is None:
                raise ValueError(f"{lesson_path.name}: step 1 has no state")
            loaded = read_session(state)
        except (OSError, ValueError) as exc:
            dialogs.show_error(self.window, "Open example", str(exc))  # type: ignore[arg-type]
            return False
        files.take_session(loaded.trainer, None, modified=False, timeline=loaded.timeline)
        self.window.session.message.emit("info", f"Opened the example “{lesson.title}”: {lesson.summary}")
        return True


def install_gallery(window: GalleryHost) -> ExampleGallery:
    """Give ``window`` File > Examples…, a gallery of the shipped lessons."""
    return ExampleGallery(window)
