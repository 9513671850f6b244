"""Train → Network presets: one click sets up a network that demonstrates a lesson."""

from __future__ import annotations

from PySide6.QtGui import QAction

from ...training.presets import NETWORK_PRESETS, PRESET_TIPS


def install_network_presets(window) -> None:
    """Add Train → Network presets, one action per preset, applied through the session model
    (so the panels follow and the rebuild is announced like any other change)."""
    menu = window.menu("&Train").addMenu("Network &presets")
    menu.setObjectName("networkPresetsMenu")
    menu.setToolTipsVisible(True)
    for name, preset in NETWORK_PRESETS.items():
        action = QAction(name, menu, objectName=f"preset-{name}")
        action.setToolTip(PRESET_TIPS[name])
        action.triggered.connect(
            lambda checked=False, p=preset, n=name: window.session.update_config(text=f"Apply network preset {n}", **p)
        )
        menu.addAction(action)
