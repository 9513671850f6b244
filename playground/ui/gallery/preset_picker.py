"""The DATA panel's preset box with a picture of each preset's data.

The closed box shows a small thumbnail beside the preset's name, and its popup
a larger one on each row, so the presets are picked from pictures of their data
as in TensorFlow Playground. The thumbnails come from one shared
``ThumbnailCache`` and follow the theme: when the application palette changes
(View > Theme) they are fetched again for the new background (each painted once).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QListView, QStyledItemDelegate, QWidget

from ...data.generators import DATASET_NAMES
from .thumbnails import ThumbnailCache

BOX_ICON = 20  # px: in the closed box, beside the name
LIST_ICON = 40  # px: in the popup, a row per preset (12 rows fit a 720-pixel screen)

_shared = ThumbnailCache()


def shared_cache() -> ThumbnailCache:
    """The thumbnails every picker and the gallery share."""
    return _shared


def is_dark(widget: QWidget) -> bool:
    """Whether ``widget`` is drawn in a dark palette (the dark theme)."""
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


class _PresetList(QListView):
    """The popup: one row per preset, its thumbnail beside its name."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("presetList")
        self.setIconSize(QSize(LIST_ICON, LIST_ICON))
        self.setSpacing(1)


class _ThemeWatcher(QObject):
    """Repaints the combo's thumbnails when the palette changes (the theme was switched)."""

    def __init__(self, combo: QComboBox, picker: PresetPicker) -> None:
        super().__init__(combo)
        self._picker = picker

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.PaletteChange:
            self._picker.refresh()
        return False


class PresetPicker:
    """Thumbnails on a preset combo box (items whose data is a preset name; others get none)."""

    def __init__(self, combo: QComboBox, cache: ThumbnailCache | None = None) -> None:
        self.combo = combo
        self.cache = cache or shared_cache()
        self.view = _PresetList()
        combo.setView(self.view)
        # The combo's own delegate draws its icons at the box's icon size; this one at the view's.
        combo.setItemDelegate(QStyledItemDelegate(combo))
        combo.setIconSize(QSize(BOX_ICON, BOX_ICON))
        self.view.setIconSize(QSize(LIST_ICON, LIST_ICON))  # after the box's: that sets the view's too
        self._dark: bool | None = None
        combo.installEventFilter(_ThemeWatcher(combo, self))
        self.refresh()

    def refresh(self) -> None:
        """Give each preset item its thumbnail for the current theme (cached, painted once)."""
        dark = is_dark(self.combo)
        if dark == self._dark:
            return
        self._dark = dark
        for index in range(self.combo.count()):
            name = self.combo.itemData(index)
            if name in DATASET_NAMES:
                self.combo.setItemIcon(index, self.cache.preset_icon(name, LIST_ICON, dark))
        self.view.doItemsLayout()  # the rows were measured before they had icons


def show_thumbnails(combo: QComboBox) -> PresetPicker:
    """Make ``combo`` (the DATA panel's preset box) pick presets from pictures of their data."""
    return PresetPicker(combo)
