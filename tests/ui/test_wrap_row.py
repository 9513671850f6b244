"""WrapRow and the side panels' width: what they lay out fits, and bad input is refused by name."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from playground.ui.shell.scroll_width import fit_width_to_content, needed_width
from playground.ui.shell.wrap_row import wrap_row


class _Box(QLabel):
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(100, 20)


def _shown_in(qtbot, width: int):
    boxes = [_Box(str(i)) for i in range(3)]
    row = wrap_row(*boxes)
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(row)
    layout.addStretch(1)
    qtbot.addWidget(holder)
    holder.resize(width, 200)
    holder.show()
    qtbot.waitExposed(holder)
    qtbot.wait(20)
    return holder, row, boxes


def _rects(boxes) -> list[QRect]:
    return [QRect(b.mapTo(b.window(), b.rect().topLeft()), b.size()) for b in boxes]


def test_items_wrap_whole_and_never_overlap(qtbot):
    holder, row, boxes = _shown_in(qtbot, 250)
    rects = _rects(boxes)
    assert all(r.size() == QSize(100, 20) for r in rects)  # at their size hints, never squeezed
    assert all(holder.rect().contains(r) for r in rects)
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])
    assert rects[0].y() == rects[1].y() < rects[2].y()  # two fit the first row, the third wraps
    assert row.height() >= 2 * 20 and row.minimumSizeHint().width() == 100  # the widest item
    assert row.sizeHint().width() == 3 * 100 + 2 * 4  # one row
    # Wider, one row again, one row's height.
    holder.resize(400, 200)
    qtbot.waitUntil(lambda: len({r.y() for r in _rects(boxes)}) == 1, timeout=2000)
    qtbot.waitUntil(lambda: row.height() == 20, timeout=2000)


def test_the_scroll_width_refuses_what_it_cannot_fit(qtbot):
    empty = QScrollArea(objectName="empty")
    qtbot.addWidget(empty)
    with pytest.raises(ValueError, match="'empty' has no content"):
        needed_width(empty)
    sideways = QScrollArea(objectName="sideways")
    qtbot.addWidget(sideways)
    sideways.setWidget(QLabel("x"))
    with pytest.raises(ValueError, match="'sideways' scrolls sideways"):
        fit_width_to_content(sideways)


def test_the_scroll_width_follows_its_content(qtbot):
    scroll = QScrollArea()
    qtbot.addWidget(scroll)
    content = QWidget()  # with a layout, as the side panels: their rows' changes reach it
    label = QLabel("short")
    QVBoxLayout(content).addWidget(label)
    scroll.setWidget(content)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    fit_width_to_content(scroll)
    narrow = scroll.minimumWidth()
    assert (
        narrow
        == content.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 2 * scroll.frameWidth()
    )
    label.setText("a much longer text than before, which needs more room")
    qtbot.waitUntil(lambda: scroll.minimumWidth() > narrow, timeout=2000)
    assert scroll.minimumWidth() == needed_width(scroll)
