"""The docks ``render --view transforms|regions|landscape|race`` films: each floats as its own window
of the video's size, so its picture is not squeezed beside the plots.

The transforms view is shown at the stage that feeds the output (where the
decision line is drawn); the race, which does not train, is shown whole.
"""

from __future__ import annotations

from typing import Any

# Qt is imported inside the functions: render's parser reads DOCK_VIEWS before Qt may be imported.
DOCK_VIEWS = {
    "transforms": (
        "transformsDock",
        "the Transforms dock: the plane carried through the network, at its last hidden stage",
    ),
    "regions": (
        "regionsDock",
        "the Regions dock: the linear regions of a ReLU network and their count over the epochs",
    ),
    "landscape": ("landscapeDock", "the Landscape dock: the loss on a slice of weight space, with the path"),
    "race": ("raceDock", "the Optimiser race: four optimisers down one function (a still; training plays no part)"),
}


def dock_area(app: Any, window: Any, view: str, size: tuple[int, int]) -> tuple[Any, Any]:
    """Show ``view``'s dock floating at ``size`` and return ``(widget, rect)`` to film."""
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QDockWidget

    name = DOCK_VIEWS[view][0]
    dock = window.findChild(QDockWidget, name)
    if dock is None:
        raise ValueError(f"render --view {view}: the window has no {name}")
    dock.show()
    dock.setFloating(True)
    dock.resize(QSize(*size))
    app.processEvents()
    widget = dock.widget()
    # The dock's frame and title take some pixels: fit its widget to the size.
    for _ in range(3):
        dock.resize(dock.size() + QSize(*size) - widget.size())
        app.processEvents()
    if view == "race":
        widget.finish()
    if view == "transforms" and window.session.latest_frame is not None:
        _show_output_stage(window)
    return widget, widget.rect()


def _show_output_stage(window: Any) -> None:
    """Draw the newest frame and hold the slider at the stage whose decision line is drawn."""
    from PySide6.QtWidgets import QDockWidget

    window.draw_frame(window.session.latest_frame)
    view = window.findChild(QDockWidget, "transformsDock").widget()
    if view.decision is not None:
        view.set_stage(view.decision[0])
