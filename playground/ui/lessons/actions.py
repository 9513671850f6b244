"""Acting out a lesson step on a window: load its session, then do its action.

``load_step_state`` and ``apply_action`` are used by the lesson card and by the headless
``render --lesson`` (which trains the ``play`` steps itself, as ``render`` does). They
use the window's own parts, found by their object names, so they work on any window
that has them: the side panels (or the lesson strip of presentation mode), the Inspect
tool, the activation view's layer box, the timeline row and the docks.
"""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtWidgets import QDockWidget, QScrollArea, QWidget

from ...training.lessons import Lesson, LessonAction, LessonStep
from ...training.sessions import LoadedSession, read_session
from ..session.worker import Frame
from .highlight import flash

# Which dock each ``view`` action shows (the docks' object names).
VIEW_DOCKS = {
    "transforms": "transformsDock",
    "landscape": "landscapeDock",
    "graph": "graphDock",
    "chain_rule": "chainRuleDock",
    "regions": "regionsDock",
    "race": "raceDock",
}


def load_step_state(window: Any, lesson: Lesson, step: LessonStep) -> bool:
    """Open ``step``'s session (if it has one) as the window's session, untitled and
    unmodified, so Save never writes over the lesson's own file; False without a state.
    Raises ValueError (naming the file) if the session cannot be read; the open session
    is then as it was."""
    path = lesson.state_path(step)
    if path is None:
        return False
    take_session(window, read_session(path))  # everything is read and checked before anything changes
    return True


def take_session(window: Any, loaded: LoadedSession) -> None:
    """Make ``loaded`` the window's session (with its timeline and bookmarks), untitled and
    unmodified."""
    files = getattr(window, "files", None)
    if files is not None:
        files.take_session(loaded.trainer, None, modified=False, timeline=loaded.timeline)
    else:  # a bare window (the headless render): no File menu to tell
        window.session.replace_session(loaded.trainer)


def apply_action(window: Any, action: LessonAction) -> None:
    """Do ``action`` on ``window``: every kind but ``play`` (the card plays; the render
    trains). What cannot be done (a layer the network lacks, no data point near the
    inspected spot) is said in the status line, and nothing else changes."""
    kind, params = action.kind, action.params
    if kind == "activation_layer":
        _pending(window).show_layer(int(params["layer"]))
    elif kind == "inspect":
        x, y = params["point"]
        inspect_at(window, float(x), float(y))
    elif kind == "highlight":
        highlight_control(window, str(params["control"]))
    elif kind == "seek":
        if not window.timeline_row.jump_to(int(params["epoch"])):
            window.session.message.emit("warning", f"Lesson: epoch {params['epoch']} is not trained yet.")
    elif kind == "view":
        show_view(window, str(params["name"]))
    elif kind == "play":
        raise ValueError("apply_action: a play step is trained by its caller (the card plays, render trains)")
    else:
        raise ValueError(f"apply_action: unknown action kind {kind!r}")


def docks_shown_by(window: Any, action: LessonAction) -> list[QDockWidget]:
    """The docks ``action`` shows on ``window`` (a view's dock; the chain rule for an inspect)."""
    if action.kind == "view":
        dock = window.findChild(QDockWidget, VIEW_DOCKS[str(action.params["name"])])
        return [dock] if dock is not None else []
    if action.kind == "inspect":
        return [window.chain_rule.dock]
    return []


# ------------------------------------------------------------------ the kinds
def inspect_at(window: Any, x: float, y: float) -> bool:
    """Turn the Inspect tool on (its panel opens) and inspect the data point nearest (x, y)."""
    inspector = window.chain_rule
    inspector.action.setChecked(True)
    if inspector.inspect_at(x, y):
        return True
    # A warning (the tool's own word is only information): the render stops on it.
    window.session.message.emit("warning", f"Lesson: no data point near ({x:g}, {y:g}) to inspect.")
    return False


def show_view(window: Any, name: str) -> QDockWidget | None:
    """Show and raise the dock of view ``name`` (one of ``VIEW_DOCKS``)."""
    dock = window.findChild(QDockWidget, VIEW_DOCKS[name])
    if dock is None:
        window.session.message.emit("warning", f"Lesson: this window has no {name.replace('_', ' ')} view.")
        return None
    dock.show()
    dock.raise_()
    return dock


def control_widget(window: Any, control: str) -> QWidget | None:
    """The widget a ``highlight`` names: the one on screen (presentation mode's lesson strip
    when the side panels are hidden), or None when the window has none."""
    training = window.findChild(QWidget, "trainingPanel")
    network = window.findChild(QWidget, "networkPanel")
    first_layer = network.layer_rows[0] if network is not None and network.layer_rows else None
    candidates: dict[str, list[Any]] = {
        "lr": [window.findChild(QWidget, "lessonLearningRate"), training and training.control("lr")],
        "activation": [window.findChild(QWidget, "lessonActivation"), first_layer and first_layer[1]],
        "layers": [window.findChild(QWidget, "lessonLayers"), network and network.add_layer_button],
        "units": [window.findChild(QWidget, "lessonUnits"), first_layer and first_layer[0]],
        "optimizer": [training and training.control("optimizer")],
        "batch": [training and training.batch_size],
        "play": [window.findChild(QWidget, "playButton")],
        "preset": [window.data_panel.preset],
        "noise": [window.data_panel.noise],
        "regularization": [training and training.control("l2")],
        "seed": [network and network.control("seed")],
    }
    widgets = [w for w in candidates[control] if isinstance(w, QWidget)]
    shown = [w for w in widgets if w.isVisible()]
    return (shown or widgets or [None])[0]


def highlight_control(window: Any, control: str) -> QWidget | None:
    """Scroll the side panel to the control named ``control`` and flash an outline round it."""
    widget = control_widget(window, control)
    if widget is None:
        window.session.message.emit("warning", f"Lesson: no {control} control to point at.")
        return None
    panels = window.findChild(QScrollArea, "sidePanels")
    if panels is not None and panels.isAncestorOf(widget):
        if not widget.isVisible():  # behind the TRAINING panel's "Advanced": point at the panel
            widget = window.findChild(QWidget, "trainingPanel") or widget
        panels.ensureWidgetVisible(widget)
    flash(window, widget)
    return widget


# ------------------------------------------------------- the activation layer
class _PendingLayer:
    """Shows a layer in the activation view once a drawn frame has the session's network:
    right after a step loads a session, the view still lists the old network's layers."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.layer: int | None = None
        window.add_frame_view(self._frame_drawn)

    def show_layer(self, layer: int) -> None:
        hidden = len(self.window.session.config.hidden)
        if layer > hidden:
            self.layer = None
            self.window.session.message.emit(
                "warning", f"Lesson: the network has {hidden} hidden layer(s), so there is no layer {layer} to show."
            )
            return
        self.layer = layer
        frame = self.window.session.latest_frame
        if frame is not None:
            self._frame_drawn(frame)

    def _frame_drawn(self, frame: Frame) -> None:
        if self.layer is None:
            return
        session, box = self.window.session, self.window.activation_view.layer_box
        if frame.config.hidden == session.config.hidden and box.count() == len(session.config.hidden):
            box.setCurrentIndex(self.layer - 1)
            self.layer = None


_PENDING: weakref.WeakKeyDictionary[Any, _PendingLayer] = weakref.WeakKeyDictionary()


def _pending(window: Any) -> _PendingLayer:
    if window not in _PENDING:
        _PENDING[window] = _PendingLayer(window)
    return _PENDING[window]
