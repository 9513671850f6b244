"""``AlertLabel``: a label for a short notice in red that reads in either theme.

A fixed dark red (a style sheet's colour) was 1.5:1 on the dark theme's background:
unreadable on camera. The label picks its red from its own background each time its
palette changes, so a theme switch recolours it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel

# Contrast 9.7:1 on white and 6.0:1 on the dark theme's window colour (#2B2D31).
ON_LIGHT, ON_DARK = QColor("#8A1C12"), QColor("#FF8A80")


class AlertLabel(QLabel):
    """A QLabel whose text is red: dark red on a light background, light red on a dark one."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._recolour()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._recolour()

    def _recolour(self) -> None:
        palette = self.palette()
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        red = ON_DARK if dark else ON_LIGHT
        if palette.color(QPalette.ColorRole.WindowText) != red:  # also what ends the PaletteChange this sends
            palette.setColor(QPalette.ColorRole.WindowText, red)
            self.setPalette(palette)
