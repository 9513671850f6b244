"""File > Examples…'s dialog: the shipped lessons as a gallery of pictures, one sentence each.

Each tile shows the example's data (the first session its lesson loads) in the
class colours, its title, and the lesson's summary. Choosing a tile opens the
example as Open does, asking first about unsaved changes: the lesson through the
lesson feature (``window.lessons.open_lesson``) when the window has one, which
loads its first state, and otherwise the example's first session. Either way the
session opens untitled, so Save asks where to write rather than writing into the
installed package. The menu entry and the opening are ``ExampleGallery``'s (feature.py), which
imports this module when the gallery is first opened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QMouseEvent
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
from ...training.lessons import Lesson, read_lesson
from .preset_picker import shared_cache

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
