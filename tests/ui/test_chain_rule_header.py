"""The chain-rule dock's header at 1280x720 in presentation mode: its instruction wraps within its rectangle
(seen cut after "every z, a and gradient of the network, and" under Xvfb: /work/notes/look_docks/before)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QDockWidget, QLabel
from test_graph_dock_room import _present, _toggle, window  # noqa: F401 - the fixture

from playground.ui.inspection.chain_rule_panel import HINT


def _wrapped_height(label: QLabel) -> int:
    """The height ``label``'s text takes wrapped at the label's width."""
    metrics = QFontMetrics(label.font())
    rect = metrics.boundingRect(QRect(0, 0, label.contentsRect().width(), 0), Qt.TextFlag.TextWordWrap, HINT)
    assert rect.width() <= label.contentsRect().width()
    return rect.height()


def _whole(label: QLabel) -> None:
    """For qtbot.waitUntil: the label's text, wrapped, fits in the label, and the label in the dock."""
    assert label.isVisible() and label.width() > 0
    assert _wrapped_height(label) <= label.contentsRect().height()
    dock = label.window().findChild(QDockWidget, "chainRuleDock")
    assert dock.rect().contains(QRect(label.mapTo(dock, label.rect().topLeft()), label.size()))


def test_in_presentation_mode_the_instruction_wraps_within_its_rectangle(qtbot, window):
    _present(window, qtbot)
    _toggle(qtbot, window, "chainRuleDock")
    label = window.chain_rule.panel.summary
    assert label.text() == HINT
    metrics = QFontMetrics(label.font())
    assert metrics.horizontalAdvance(HINT) > label.width()  # one line would be cut: it must wrap
    qtbot.waitUntil(lambda: _whole(label), timeout=3000)
