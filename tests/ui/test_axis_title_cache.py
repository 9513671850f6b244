"""An axis title's document is set only when its text changes (style.LogFriendlyAxis._updateLabel):
pyqtgraph sets it again at every pen and label change, and each time Qt parses and lays out new rich
text, a fifth of a plot's construction. The title drawn must still follow every real change."""

from __future__ import annotations

from playground.ui.plots.loss import LossPlot


def _count_documents(axis) -> list[str]:
    """The rich texts given to ``axis``'s title from now on (Qt's own setHtml still draws them)."""
    given: list[str] = []
    original = axis.label.setHtml

    def counting(html: str) -> None:
        given.append(html)
        original(html)

    axis.label.setHtml = counting
    return given


def test_restyling_with_the_same_title_sets_no_new_document(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    axis = plot.getPlotItem().getAxis("bottom")
    assert "epoch" in axis.label.toPlainText()
    given = _count_documents(axis)
    plot.apply_theme(False)  # pens and text colour again: the same title
    axis.setPen(plot.theme.foreground)
    assert given == []
    assert "epoch" in axis.label.toPlainText()


def test_a_new_title_or_style_is_drawn(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    axis = plot.getPlotItem().getAxis("bottom")
    given = _count_documents(axis)
    plot.set_axis_label("bottom", "steps")
    assert len(given) == 1
    assert axis.label.toPlainText().strip() == "steps"
    before = axis.label.toHtml()
    plot.apply_theme(True)  # another colour in the title's style: a new document
    assert len(given) > 1
    assert axis.label.toHtml() != before
    assert axis.label.toPlainText().strip() == "steps"
    plot.apply_theme(False)
