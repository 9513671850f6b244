"""The boundary plot with its header: a title that names what is shown, the colour key, Discretize.

The title reads "Decision boundary" for classification and "Prediction" for
regression (a regression surface has no boundary). Under it, one line of key
(:class:`~playground.ui.plots.color_key.ColorKey`) says what the colours and
lines of the map mean; outside the plot, so it hides no data. The Discretize
action (also offered for the View menu) switches the map between confidence
shades and hard class regions.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap, QPolygonF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from playground.data.palette import OKABE_ITO
from playground.ui.plots.boundary import BoundaryPlot, MapScale
from playground.ui.plots.color_key import ColorKey

CLASSIFICATION_TITLE = "Decision boundary"
REGRESSION_TITLE = "Prediction"
TOOLTIP = "Click to add a point of the current class, right-click for the second class, Shift+drag to erase."


class BoundaryView(QWidget):
    """``BoundaryPlot`` under a header: title and Discretize, then the map's key."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = BoundaryPlot()
        self.title = QLabel(objectName="boundaryTitle")
        self.title.setToolTip(TOOLTIP)
        self.key = ColorKey()
        self.discretize_action = QAction("&Discretize output", self, objectName="discretizeAction", checkable=True)
        self.discretize_action.setToolTip(
            "Show hard class regions (each place its most probable class) instead of shades of confidence."
        )
        self.discretize_action.setIconText("Discretize")
        self.discretize_action.toggled.connect(self.plot.set_discrete)
        self.discretize_action.setIcon(_hard_regions_icon())
        button = QToolButton(objectName="discretizeButton")
        button.setDefaultAction(self.discretize_action)
        # An icon, not words: at 1280 px the header shares its width with the title and Export.
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        button.setAutoRaise(True)
        self.discretize_button = button

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        header = QHBoxLayout()
        header.setContentsMargins(4, 0, 0, 0)
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(button)
        keys = QHBoxLayout()
        keys.setContentsMargins(4, 0, 0, 0)
        keys.addWidget(self.key)
        keys.addStretch(1)
        layout.addLayout(header)
        layout.addLayout(keys)
        layout.addWidget(self.plot, 1)
        self._set_title(CLASSIFICATION_TITLE)
        self.plot.sigScaleChanged.connect(self._scale_changed)
        self._scale_changed(self.plot.map_scale())

    def title_text(self) -> str:
        """The title on show, without markup."""
        return self._title

    def _scale_changed(self, scale: MapScale) -> None:
        self.key.set_scale(scale)
        if scale.kind in ("confidence", "classes"):
            self._set_title(CLASSIFICATION_TITLE)
        elif scale.kind == "values" and scale.label == "prediction":
            self._set_title(REGRESSION_TITLE)
        # Else a unit's map, or no map yet: the title of the task stays.

    def _set_title(self, title: str) -> None:
        self._title = title
        self.title.setText(f"<b>{title}</b>")
        self.discretize_action.setEnabled(title == CLASSIFICATION_TITLE)  # values have no classes


def _hard_regions_icon(size: int = 16) -> QIcon:
    """Two classes' colours meeting on a sharp diagonal: what Discretize turns the map into."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(OKABE_ITO[0]))
    painter = QPainter(pixmap)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(OKABE_ITO[1]))
    painter.drawPolygon(QPolygonF([QPointF(size, 0), QPointF(size, size), QPointF(0, size)]))
    painter.setPen(QColor("#1A1A1A"))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return QIcon(pixmap)
