"""Made for tutorials: export, recording, presentation mode, themes and the shortcut overlay.

One call installs them all on a window (from ``MainWindow._install_features``);
each lives in its own module.
"""

from __future__ import annotations

from ..media.export import install_export
from ..media.recorder import install_recorder
from .presentation import install_presentation
from .shortcuts import install_shortcut_overlay
from .theme import install_theme_menu


def install_tutorial_features(window) -> None:
    """Add View → Export, Record, Recording options, Presentation mode, Recording size, Theme;
    the Record button in the status bar; Help → Keyboard shortcuts (?)."""
    install_export(window)
    window.menu("&View").addSeparator()
    install_recorder(window)
    install_presentation(window)
    window.menu("&View").addSeparator()
    install_theme_menu(window)
    install_shortcut_overlay(window)
