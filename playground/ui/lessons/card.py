"""The lesson card: the open lesson's title, which step this is, its caption, Back and Next.

It sits in a column right of the plots and holds no state of its own: the
``LessonFeature`` tells it what to show. Colours come from the palette (no style
sheet), so it follows the theme and presentation mode's larger fonts; its width
follows the font, so a caption wraps to the same number of words a line.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QStyle, QToolButton, QVBoxLayout

from ..panels.form import readable

CHARACTERS_A_LINE = 27  # the card's width in average characters: a caption reads in short lines
TIPS = {
    "back": "Go back to the previous step (its session and action again). Key: Page Up.",
    "next": "Go on to the next step: load its session or do its action. Key: Page Down.",
    "close": "Close the lesson (the session stays as it is).",
}


class LessonCard(QFrame):
    """Title, "step n of N", the caption (wrapped) and Back / Next buttons."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("lessonCard")
        readable(self)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.title = QLabel(self, objectName="lessonTitle", wordWrap=True)
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.close_button = QToolButton(self, objectName="lessonClose", autoRaise=True)
        self.close_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        self.close_button.setToolTip(TIPS["close"])
        self.progress = QLabel(self, objectName="lessonProgress")
        self.caption = QLabel(self, objectName="lessonCaption", wordWrap=True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)  # a lesson's text is shown, never interpreted
        self.caption.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.back_button = QPushButton("Back", self, objectName="lessonBack")
        self.back_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowBack))
        self.back_button.setToolTip(TIPS["back"])
        self.next_button = QPushButton("Next", self, objectName="lessonNext")
        self.next_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowForward))
        self.next_button.setToolTip(TIPS["next"])
        self.next_button.setDefault(True)

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(header)
        layout.addWidget(self.progress)
        layout.addWidget(self.caption, 1)
        layout.addLayout(buttons)
        self._fit_width()
        self.hide()

    def show_step(self, title: str, index: int, count: int, caption: str) -> None:
        """Show step ``index`` (0-based) of ``count`` with ``caption``."""
        self.title.setText(title)
        self.progress.setText(f"Step {index + 1} of {count}")
        self.caption.setText(caption)
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < count - 1)
        self.show()

    def _fit_width(self) -> None:
        metrics = self.fontMetrics()
        self.setFixedWidth(metrics.averageCharWidth() * CHARACTERS_A_LINE + 24)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_width()  # presentation mode's larger text: the same words a line
