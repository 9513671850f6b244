"""A plot with a header: a bold title on the left, its controls on the right (or below)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget


def titled(title: str, body: QWidget, *controls: QWidget, tooltip: str = "", controls_below: bool = False) -> QWidget:
    """``body`` under a header with ``title`` and ``controls``.

    ``controls_below`` puts the controls on a row of their own under the title,
    for plots whose controls would not fit beside it at 1280 px.
    """
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    header = QHBoxLayout()
    header.setContentsMargins(4, 0, 0, 0)
    label = QLabel(f"<b>{title}</b>")
    label.setToolTip(tooltip)
    header.addWidget(label)
    header.addStretch(1)
    row = header
    if controls_below and controls:
        layout.addLayout(header)
        row = QHBoxLayout()
        row.setContentsMargins(4, 0, 0, 0)
    for control in controls:
        row.addWidget(control)
    if row is not header:
        row.addStretch(1)
    layout.addLayout(row)
    layout.addWidget(body, 1)
    return box
