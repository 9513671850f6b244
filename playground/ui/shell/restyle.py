"""The window's current look for widgets built after it was chosen.

Switching the theme (theme.py) or presentation mode (presentation.py) restyles
every plot the window has at that moment. A view built later (a dock built the
first time it is shown, the Compare window's view) missed those switches:
:func:`restyle` gives it the look the window has now, so it comes up as if it had
been there all along.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ..plots.style import ThemedPlot
from .presentation import SCALE, Presentation, scale_fonts
from .theme import ThemeState


def current_look(window: QWidget) -> tuple[bool, float]:
    """``(dark, presentation scale)`` of ``window`` now: (False, 1.0) before any switch."""
    theme = window.findChild(ThemeState, "themeState")
    mode = window.findChild(Presentation, "presentation")
    return theme is not None and theme.theme == "dark", SCALE if mode is not None and mode.enabled else 1.0


def restyle(window: QWidget, root: QWidget) -> None:
    """Give the plots in ``root`` (built after start-up) ``window``'s current theme and presentation scale.

    A plot is built light at scale 1, so only a dark theme or presentation mode has anything to change.
    """
    dark, scale = current_look(window)
    plots = root.findChildren(ThemedPlot)
    if isinstance(root, ThemedPlot):
        plots.insert(0, root)
    for plot in plots:
        if dark:
            plot.apply_theme(True)
        if scale != 1.0:
            plot.set_presentation_scale(scale)


def restyle_dock_content(window: QWidget, root: QWidget) -> None:
    """:func:`restyle`, and in presentation mode ``root``'s text scaled as the docks' already is.

    For a dock's content built while presentation mode is on (lazy_dock.py): the mode scaled the dock
    (and what it held) when it began, and its end gives the content's text back with the dock's.
    """
    restyle(window, root)
    _, scale = current_look(window)
    if scale != 1.0:
        scale_fonts(root, scale)
