"""The class swatches: pick the class that clicks add, and add or remove a class."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QGridLayout, QToolButton, QWidget

from ...data import Dataset
from ...data.dataset import MIN_CLASSES
from ...data.palette import MAX_CLASSES, hex_to_rgb
from ..session.session_model import SessionModel
from ..session.tools import ToolState
from .form import blocked, tip

SWATCH = 26  # px: big enough to hit and to read the class number on
COLUMNS = 4  # eight classes wrap onto two rows of the ~280 px column

TIPS = {
    "add": "Add an empty class to paint with; its colour is the next in the palette.",
    "remove": "Remove the last class (only once it has no points left).",
    "swatch": "Paint {name}: clicks on the plot add points of this class (key {key}).",
}

# The checked swatch gets a thick outline in the text colour, so it reads in any theme.
_STYLE = """
QToolButton {{ background: {fill}; color: {ink}; border: 1px solid rgba(0, 0, 0, 90);
               border-radius: 4px; font-weight: bold; }}
QToolButton:checked {{ border: 3px solid palette(window-text); }}
"""


class ClassSelector(QWidget):
    """One checkable colour swatch per class (numbered 1..8 like the keyboard shortcuts) and +/−.

    Clicking a swatch sets ``tools.current_class``; "+" adds an empty class and
    "−" removes the last one, each an undoable step. Removing a class that
    still has points is refused with an error message.
    """

    def __init__(self, model: SessionModel, tools: ToolState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.tools = tools
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._group.idClicked.connect(self._on_swatch_clicked)
        self._colors: tuple[str, ...] = ()
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(3)
        self._grid.setColumnStretch(COLUMNS, 1)
        self.add_button = tip(QToolButton(text="+"), TIPS["add"])
        self.remove_button = tip(QToolButton(text="−"), TIPS["remove"])
        for column, button in enumerate((self.add_button, self.remove_button), start=COLUMNS + 1):
            button.setFixedSize(SWATCH, SWATCH)
            self._grid.addWidget(button, 0, column)
        self.add_button.clicked.connect(self._on_add)
        self.remove_button.clicked.connect(self._on_remove)

    @property
    def swatches(self) -> list[QToolButton]:
        """The swatch buttons, class 0 first."""
        return [self._group.button(i) for i in range(len(self._colors))]

    def show_dataset(self, dataset: Dataset) -> None:
        """Rebuild the swatches when the classes or their colours changed."""
        if dataset.class_colors != self._colors:
            for button in self.swatches:
                self._group.removeButton(button)
                button.deleteLater()
            self._colors = dataset.class_colors
            for i, (name, color) in enumerate(zip(dataset.class_names, self._colors)):
                self._group.addButton(self._swatch(i, name, color), i)
        self.add_button.setEnabled(dataset.n_classes < MAX_CLASSES)
        self.remove_button.setEnabled(dataset.n_classes > MIN_CLASSES)
        self.show_current(self.tools.current_class)

    def show_current(self, index: int) -> None:
        """Mark class ``index`` as the one clicks add."""
        button = self._group.button(index)
        if button is not None:
            with blocked(self._group):
                button.setChecked(True)

    def _swatch(self, index: int, name: str, color: str) -> QToolButton:
        button = tip(QToolButton(text=str(index + 1)), TIPS["swatch"].format(name=name, key=index + 1))
        button.setCheckable(True)
        button.setFixedSize(SWATCH, SWATCH)
        button.setStyleSheet(_STYLE.format(fill=color, ink=_ink(color)))
        self._grid.addWidget(button, index // COLUMNS, index % COLUMNS)
        return button

    def _on_swatch_clicked(self, index: int) -> None:
        self.tools.current_class = index

    def _on_add(self) -> None:
        self._change_classes(+1, "Add class")

    def _on_remove(self) -> None:
        self._change_classes(-1, "Remove class")

    def _change_classes(self, delta: int, text: str) -> None:
        try:
            dataset = self.model.dataset.with_classes(self.model.dataset.n_classes + delta)
        except ValueError as exc:
            self.model.message.emit("error", f"{text}: {exc}")
            return
        self.model.set_dataset(dataset, text)


def _ink(color: str) -> str:
    """Black or white, whichever reads better on ``color`` (by its perceived brightness)."""
    r, g, b = hex_to_rgb(color)
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 110 else "#ffffff"
