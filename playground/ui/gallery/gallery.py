"""File > Examples…: the shipped lessons as a gallery of pictures, one sentence each.

Each tile shows the example's data (the first session its lesson loads) in the
class colours, its title, and the lesson's summary. Choosing a tile opens the
example as Open does, asking first about unsaved changes: the lesson through the
lesson feature (``window.lessons.open_lesson``) when the window has one, which
loads its first state, and otherwise the example's first session. Either way the
session opens untitled, so Save asks where to write rather than writing into the
installed package.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QMouseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...data import Dataset
from ...training.examples import shipped_examples
from ...training.lessons import Lesson, read_lesson
from ...training.sessions import read_session
from ..shell import dialogs
from .preset_picker import is_dark, shared_cache

if TYPE_CHECKING:
    from ..files.file_controller import FileController
    from ..shell.host import WindowHost

    class GalleryHost(WindowHost, Protocol):
        """The window, with the file controller an example is opened through."""

        files: FileController


TILE_PICTURE = 120  # px: the thumbnail of a tile
COLUMNS = 5  # 2 rows of 5 fit a 1280x720 screen with their sentences
TILE_WIDTH = 200


@dataclass(frozen=True)
class ExampleEntry:
    """One tile: the lesson file, the lesson as read, and its first session's data."""

    path: Path
    lesson: Lesson
    dataset: Dataset

    @property
    def first_state(self) -> Path:
        """The session the lesson's first step loads."""
        state = self.lesson.state_path(self.lesson.steps[0])
        assert state is not None  # a lesson's first step has a state (read_lesson checks it)
        return state


def read_entries(paths: list[Path]) -> tuple[list[ExampleEntry], list[str]]:
    """The gallery's entries of the lesson files ``paths``, and a message for each that cannot be read."""
    entries, problems = [], []
    for path in paths:
        try:
            lesson = read_lesson(path)
            state = lesson.state_path(lesson.steps[0])
            if state is None:
                raise ValueError(f"{path.name}: step 1 has no state")
            # The data alone: reading the whole session would build its network just for a picture.
            data = json.loads(state.read_text(encoding="utf-8"))
            dataset = Dataset.from_dict(data["dataset"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(f"{path.name}: {exc}")
            continue
        entries.append(ExampleEntry(path, lesson, dataset))
    return entries, problems


class ExampleTile(QWidget):
    """A picture with the title under it and the summary below; a click anywhere on it chooses it."""

    chosen = Signal(object)  # the ExampleEntry

    def __init__(self, entry: ExampleEntry, icon: QIcon, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button = QToolButton(self)  # the picture: focusable, so the gallery works from the keyboard
        self.button.setObjectName("exampleTile")
        self.button.setIcon(icon)
        self.button.setIconSize(QSize(TILE_PICTURE, TILE_PICTURE))
        self.button.setAutoRaise(True)
        self.button.setToolTip(f"Open the lesson “{entry.lesson.title}” ({len(entry.lesson.steps)} steps).")
        self.button.clicked.connect(lambda: self.chosen.emit(self.entry))
        self.button.setFixedSize(self.button.sizeHint())  # every picture whole, whatever the room
        self.title = QLabel(entry.lesson.title, self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.summary = QLabel(entry.lesson.summary, self)
        for label in (self.title, self.summary):
            label.setWordWrap(True)
            label.setFixedWidth(TILE_WIDTH)
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        self.setFixedWidth(TILE_WIDTH + 8)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        # The labels do not take clicks, so a click on the title or the sentence lands here.
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.chosen.emit(self.entry)
        super().mouseReleaseEvent(event)


class GalleryDialog(QDialog):
    """The grid of example tiles; a click on one emits ``chosen(entry)`` and closes the dialog."""

    chosen = Signal(object)

    def __init__(self, entries: list[ExampleEntry], dark: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exampleGallery")
        self.setWindowTitle("Examples")
        intro = QLabel("Lessons that follow the chapter: choose one to open it. Each has a few steps to follow.")
        intro.setWordWrap(True)
        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        grid.setSpacing(6)
        self.tiles: list[ExampleTile] = []
        cache = shared_cache()
        for number, entry in enumerate(entries):
            pixmap = cache.dataset_pixmap(str(entry.first_state), entry.dataset, TILE_PICTURE, dark)
            tile = ExampleTile(entry, QIcon(pixmap))
            tile.chosen.connect(self._choose)
            grid.addWidget(tile, number // COLUMNS, number % COLUMNS, Qt.AlignmentFlag.AlignTop)
            self.tiles.append(tile)
        scroll = QScrollArea()
        scroll.setWidget(grid_widget)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        hint = grid_widget.sizeHint()
        self.resize(hint.width() + 40, min(hint.height() + 110, 680))

    def _choose(self, entry: ExampleEntry) -> None:
        self.accept()
        self.chosen.emit(entry)


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
