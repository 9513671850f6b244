"""A plot with a one-line header: a bold title on the left, its controls on the right."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget


def titled(title: str, body: QWidget, *controls: QWidget, tooltip: str = "") -> QWidget:
    """``body`` under a header row with ``title`` and ``controls``."""
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
    for control in controls:
        header.addWidget(control)
    layout.addLayout(header)
    layout.addWidget(body, 1)
    return box
