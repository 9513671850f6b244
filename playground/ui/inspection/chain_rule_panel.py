"""The chain-rule panel: the network table and the written-out chain rule for one inspected point.

Its own module so that the window's start-up imports none of it (nor the inspection code and the
HTML it writes): the chain-rule dock builds it the first time it is shown (chain_rule.py).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSplitter,
    QStyle,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...training.inspect import PointInspection, WeightChain, WeightId, explain
from .alert_label import AlertLabel
from .chain_rule_table import NetworkTable
from .chain_rule_text import chain_html, extras_note, summary_html

HINT = (
    "Click a data point on the decision-boundary plot to see, for that point alone, every z, a and "
    "gradient of the network, and one weight's gradient written out as the chain rule."
)
# In the text's empty box until a point is inspected: two blank boxes under the header read as broken.
EMPTY_TEXT = "One weight's gradient, written out as the chain rule, appears here once a point is inspected."


class WrappedLine(QLabel):
    """A word-wrapped label that asks for the height its text takes at the width it has (one line before
    it has one). A wrapped QLabel asks for its text's height at a narrow width it picks itself: as the
    dock's title bar that made the chain rule 467 px tall. Unwrapped, the hint was cut after "every z, a
    and gradient of the network, and" in presentation mode at 1280x720."""

    MAX_LINES = 2

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.setWordWrap(True)

    def _lines(self, count: int) -> int:
        margins = self.contentsMargins()
        return count * self.fontMetrics().lineSpacing() + margins.top() + margins.bottom()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # At most MAX_LINES: a width not yet laid out (or a narrow one for a moment) asks for many lines,
        # and the title bar's hint is part of the window's least height.
        wrapped = self.heightForWidth(self.width()) if self.width() > 0 else self._lines(1)
        return QSize(super().sizeHint().width(), min(wrapped, self._lines(self.MAX_LINES)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, self._lines(1))

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        # Its height is its size hint's: the layouts above asked heights at narrow widths and the window's
        # least height grew past the screen (797 px in presentation mode).
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # another width, maybe another number of lines


class ChainRulePanel(QWidget):
    """The network table and the written-out chain rule side by side, under a one-line ``header``.

    The header (title, the inspect tool's button, a summary of the point, notices
    and a close button) is meant as the dock's title bar, so the panel costs the
    plots no extra row.
    """

    def __init__(self, tool_action: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chainRulePanel")
        self.inspection: PointInspection | None = None
        self.chain: WeightChain | None = None

        self.header = QWidget(objectName="chainRuleHeader")
        title = QLabel("<b>Chain rule</b>")
        tool = QToolButton(objectName="inspectToolButton")
        tool.setDefaultAction(tool_action)
        tool.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.summary = WrappedLine(HINT, objectName="chainRuleSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.status = AlertLabel(objectName="chainRuleStatus")
        self.status.hide()
        for label in (self.summary, self.status):
            # Never widening the window: the summary wraps in the width the header gives it, a notice
            # may be cut at the right edge (its tooltip keeps the whole text).
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.close_button = QToolButton(objectName="chainRuleClose", autoRaise=True)
        self.close_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        self.close_button.setToolTip("Close the chain-rule panel (View menu or I to bring it back)")
        top = QHBoxLayout(self.header)
        top.setContentsMargins(4, 2, 2, 2)
        top.addWidget(title)
        top.addWidget(tool)
        top.addWidget(self.summary, 2)
        top.addWidget(self.status, 1)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)

        self.table = NetworkTable()
        self.text = QTextBrowser(objectName="chainRuleText")
        self.text.setOpenLinks(False)
        font = self.text.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.5))
        self.text.setFont(font)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.text)
        split.setChildrenCollapsible(False)
        split.setSizes([5, 6])  # proportions: the table and the text side by side
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 4)
        layout.addWidget(split)
        self.table.weightChosen.connect(self.choose_weight)
        self._say_what_will_appear()

    def _say_what_will_appear(self) -> None:
        # As the box's text, not its placeholder: Qt draws a placeholder on one line, which a 1280-px
        # window cut after 'appears here once a point is'.
        self.text.setHtml(f"<i>{EMPTY_TEXT}</i>")

    def show_inspection(self, inspection: PointInspection, description: str) -> None:
        """Show a new pass; the chosen weight stays chosen if the network still has it."""
        self.inspection = inspection
        self.status.hide()
        self.summary.setText(summary_html(inspection, description))
        self.summary.setToolTip(self.summary.text())
        self.table.show_inspection(inspection)
        if self.chain is not None and inspection.has(self.chain.weight):
            self.choose_weight(self.chain.weight)
        else:  # a last-layer weight: the shortest chain to start with
            self.choose_weight(WeightId(len(inspection.layers) - 1, 0, 0))

    def choose_weight(self, weight: WeightId) -> None:
        """Write out the chain rule for ``weight`` of the shown point."""
        if self.inspection is None:
            return
        self.chain = explain(self.inspection, weight)
        self.table.select(weight)
        self.text.setHtml(chain_html(self.inspection, self.chain) + extras_note(self.inspection))

    def show_message(self, text: str) -> None:
        """A notice in the header (what is shown stays as it was)."""
        self.status.setText(text)
        self.status.setToolTip(text)
        self.status.show()

    def clear(self, text: str) -> None:
        """Forget the inspected point and say why."""
        self.inspection = self.chain = None
        self.summary.setText(HINT)
        self.table.clear_rows()
        self._say_what_will_appear()
        self.show_message(text)
