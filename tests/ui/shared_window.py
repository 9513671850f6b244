"""A window shared by the tests of one module.

Building, showing and closing a MainWindow takes about half a second of CPU; tests that only
look at it (palettes, layout, what the plots draw) can share one per configuration
(``shared_window``, each test checked to leave the session as it found it). Tests that change
it can reuse one too (``reused_window``): it is reset after each test and checked to look as
it did new before the next. A test that leaves what the reset cannot undo (a lazily built view,
presentation mode, a widened axis) or that closes the window takes ``own_window``.
pytest-qt's ``qtbot`` is per test, so a fixture of a wider scope shows, waits for and closes the
window itself with these helpers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from playground.ui.shell.settings import DATA_DIR_ENV


def wait_until(condition: Callable[[], bool], timeout_ms: int = 5000, what: str = "condition") -> None:
    """Process Qt events until ``condition()`` holds; fail the test after ``timeout_ms``."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_ms} ms waiting for {what}")
        QTest.qWait(10)


def settle(ms: int) -> None:
    """Process events for ``ms`` milliseconds (what ``qtbot.wait`` does)."""
    QTest.qWait(ms)


@contextmanager
def shared_data_dir(folder: Path) -> Iterator[None]:
    """Keep the window's settings in ``folder`` (never the user's) for as long as it lives."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATA_DIR_ENV, str(folder))
        yield


def session_state(window) -> tuple:
    """What a test sharing ``window`` must leave as it found it: the data, the network's
    settings, the epoch, the undo history (its length and place) and the title (saved or not)."""
    session = window.session
    stack = session.undo_stack
    return (
        session.dataset,
        session.config,
        session.latest_frame.epoch,
        session.playing,
        stack.count(),
        stack.index(),
        window.windowTitle(),
        window.isWindowModified(),
    )


@contextmanager
def left_as_found(window) -> Iterator[None]:
    """Fail the test that changed the shared ``window``'s session (see ``session_state``)."""
    before = session_state(window)
    yield
    after = session_state(window)
    assert after == before, f"a test sharing the window changed its session: {before} -> {after}"


def show(window: QWidget) -> None:
    """Show ``window`` and wait until it is on the (offscreen) screen."""
    window.show()
    if not QTest.qWaitForWindowExposed(window, 5000):
        raise AssertionError(f"{type(window).__name__} was not exposed within 5 s")


def close(window: QWidget) -> None:
    """Close ``window`` and let Qt delete it, as qtbot does for the widgets it was given."""
    window.close()
    window.deleteLater()
    QApplication.processEvents()


@pytest.fixture(autouse=True)
def shared_window_left_as_found(request):
    """Imported by a test module: each of its tests that takes ``shared_window`` must leave the
    window's session as it found it (``left_as_found``), or the tests after it would see its changes."""
    if "shared_window" not in request.fixturenames:
        yield
        return
    with left_as_found(request.getfixturevalue("shared_window")):
        yield


# ---------------------------------------------------------------- a window reused, reset and checked
# Most UI tests change the window (they edit points, train, open docks), so they cannot share one
# as the read-only tests above do. Building, showing and closing a MainWindow costs about half a
# second of CPU; a module of such tests reuses one window instead: before each test the window is
# put back as a new one starts (``reset``), and ``window_look`` taken then must equal the look it
# had when it was new, or the test fails before it runs: it cannot depend on what an earlier test left.


def _widget_path(widget: QWidget, root: QWidget) -> str:
    # A name that stays the same when a panel rebuilds the same widgets: object names where set,
    # otherwise the class and the place among the parent's children of that class.
    parts = []
    while widget is not None and widget is not root:
        parent = widget.parentWidget()
        name = widget.objectName()
        if not name:
            siblings = [] if parent is None else [c for c in parent.children() if type(c) is type(widget)]
            name = f"{type(widget).__name__}#{siblings.index(widget) if widget in siblings else 0}"
        parts.append(name)
        widget = parent
    return "/".join(reversed(parts))


def _input_value(widget: QWidget) -> object:
    """What the person sees set in an input widget or written in a label; None for other widgets."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractSlider,
        QAbstractSpinBox,
        QComboBox,
        QLabel,
        QLineEdit,
        QScrollBar,
    )

    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QComboBox):
        return (widget.currentText(), widget.count())
    if isinstance(widget, QAbstractButton):
        return (widget.text(), widget.isChecked()) if widget.isCheckable() else None
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QScrollBar):
        return widget.value()  # its range follows the geometry (a hidden popup's list is sized when it opens)
    if isinstance(widget, QAbstractSlider):
        return (widget.value(), widget.minimum(), widget.maximum(), widget.pageStep(), widget.singleStep())
    if isinstance(widget, QLabel):
        return widget.text()  # a caption, a readout, a status: hidden ones show again with the same text
    return None


def _axes(window) -> list:
    """Every pyqtgraph axis of ``window``'s plots."""
    from pyqtgraph import AxisItem
    from PySide6.QtWidgets import QGraphicsView

    views = window.findChildren(QGraphicsView)
    return [item for view in views if view.scene() for item in view.scene().items() if isinstance(item, AxisItem)]


def window_look(window) -> dict:
    """What a new window shows that a test could change: the session (``session_state``), the
    frame on show, the tools, presentation, full screen, the size, the theme, every dock, every
    other window on screen, every input's value and label's text (shown or not), every checkable action,
    the status line and the banner."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDockWidget

    from playground.ui.shell.presentation import presentation
    from playground.ui.shell.theme import theme_state

    tools = window.tools
    frame = window.session.latest_frame
    theme = theme_state(window)
    plots = (window.boundary_plot, window.activation_plot, window.loss_plot, window.gradient_plot)
    fitted = (window.boundary_plot, window.loss_plot, window.gradient_plot)
    inputs = {}
    for widget in window.findChildren(QWidget):
        if widget.objectName() == "qtooltip_label" or widget is window.banner:
            # Qt's tooltip, made at the first hover and kept: a popup, not the window's; the
            # banner has its own entry (hidden, it keeps its last words).
            continue
        value = _input_value(widget)
        if value is not None:
            inputs[_widget_path(widget, window)] = (value, widget.isVisibleTo(window), widget.isEnabled())
    return {
        "session": session_state(window),
        "frame": (frame.epoch, frame.playing, frame.viewing, frame.dataset is window.session.dataset),
        "tools": (tools.current_class, tools.tool, tools.brush_radius, tools.show_test, tools.value, tools.add_as_test),
        "presentation": presentation(window).enabled,
        "window state": (window.isFullScreen(), window.isMaximized(), window.isMinimized(), window.size()),
        "theme": (theme.theme, theme.palette),
        "docks": sorted(
            (dock.objectName(), dock.isVisible(), dock.isFloating(), window.dockWidgetArea(dock))
            for dock in window.findChildren(QDockWidget)
        ),
        "other windows": sorted(
            f"{type(top).__name__} {top.objectName()}"
            for top in QApplication.topLevelWidgets()
            if top.isVisible() and top is not window
        ),
        "inputs": inputs,
        "actions": sorted(
            (action.objectName() or action.text(), action.isChecked(), action.isEnabled())
            for action in window.findChildren(QAction)
            if action.isCheckable()
        ),
        "file": (window.files.path, window.files.modified),
        "recording": _recording_settings(window),
        "status": window.statusBar().currentMessage(),
        "focus": _focus_path(window),
        "timeline": _timeline_settings(window),
        "inspected": (_rounded(window.chain_rule.point), window.network_view.diagram.selected, window._map_kind),
        "plot sizes": [(plot.width(), plot.height()) for plot in plots],
        # Not the activation view's range (nor its axis, whose width follows the tick labels): that
        # view only grows to follow the data and keeps its range through a Reset or a new session
        # (ActivationSpacePlot.update_space), so a reused window's may be wider than a new one's.
        "view boxes": [plot.getPlotItem().getViewBox().width() for plot in fitted],
        "view ranges": [_rounded(plot.getPlotItem().getViewBox().viewRange()) for plot in fitted],
        # Hidden, the banner keeps its last words: what it shows is its severity, and its text then.
        "banner": (
            window.banner.severity(),
            window.banner.severity() and window.banner.text(),
            window.banner.diagnosis(),
        ),
    }


_RECORDING_SETTINGS = ("area", "format", "fps", "folder", "overlay_corner", "show_pointer")


def _lesson_card(window):
    # The lessons feature's card (None in a window without it, or while a test stands in for it).
    from playground.ui.lessons.feature import LessonFeature

    lessons = getattr(window, "lessons", None)
    return lessons.card if isinstance(lessons, LessonFeature) else None


def _recording_controls(window):
    from playground.ui.media.recorder import RecordingControls

    return window.findChild(RecordingControls)


def _recording_settings(window) -> tuple:
    # What Record films and how (a test sets the area, a caption corner, the pointer marks), whether
    # it is filming now, and what its overlay remembers (the frames burnt, the clicks and keys seen).
    controls = _recording_controls(window)
    if controls is None:
        return ()
    tracker = controls.tracker
    memory = (len(controls.overlay.log), tracker.cursor, tuple(tracker.clicks), tuple(tracker.keys))
    return (*(getattr(controls, name) for name in _RECORDING_SETTINGS), controls.recorder.recording, memory)


def _timeline_settings(window) -> tuple:
    # The training thread's timeline: how many epochs it keeps (a test may plant a small one).
    timeline = window.session.worker.timeline
    return (timeline.max_snapshots, timeline.memory_budget, timeline.capacity, timeline.per_level)


def _focus_path(window) -> str | None:
    focus = QApplication.focusWidget()
    return None if focus is None else _widget_path(focus, window)


def settled_look(window, timeout_ms: int = 2000) -> dict:
    """``window_look`` once two looks 30 ms apart agree (a layout may take a few event rounds:
    a column that fits its plot square waits for the plot's resize)."""
    deadline = time.monotonic() + timeout_ms / 1000
    look = window_look(window)
    while True:
        settle(30)
        again = window_look(window)
        if again == look or time.monotonic() > deadline:
            return again
        look = again


def _rounded(values) -> object:
    # Ranges and coordinates compared to a millionth: the same layout gives the same numbers.
    return None if values is None else np.round(np.asarray(values, dtype=float), 6).tolist()


def _near(ranges: list, others: list) -> bool:
    """Whether the plots' view ranges agree to 2% of their spans (two new windows differ by
    about 1%: the layout's last pixels)."""
    a, b = np.asarray(ranges, dtype=float), np.asarray(others, dtype=float)
    if a.shape != b.shape:
        return False
    span = np.abs(a[..., 1] - a[..., 0])[..., None]
    return bool(np.all(np.abs(a - b) <= 0.02 * span))


def differences(before: dict, after: dict) -> list[str]:
    """The entries of two ``window_look``s that differ, each as ``key: before -> after``."""
    found = []
    for key in before:
        if before[key] == after[key] or (key == "view ranges" and _near(before[key], after[key])):
            continue
        if isinstance(before[key], dict):
            names = sorted(set(before[key]) | set(after[key]))
            changed = [
                f"{n}: {before[key].get(n)} -> {after[key].get(n)}"
                for n in names
                if before[key].get(n) != after[key].get(n)
            ]
            found.append(f"{key}: " + "; ".join(changed))
        else:
            found.append(f"{key}: {before[key]} -> {after[key]}")
    return found


class ReusedWindow:
    """One shown window that a module's tests take in turn; ``reset`` puts it back as it was new.

    ``build`` makes the window (not shown); its dataset and config are what ``reset`` gives the
    session again, through File > Open's own path (``FileController.take_session``), which clears
    the undo history, the banner, the bookmarks and the open editors as opening a file does."""

    def __init__(self, build: Callable[[], QWidget]) -> None:
        from PySide6.QtWidgets import QDockWidget

        self.before = {id(top) for top in QApplication.topLevelWidgets() if top.isVisible()}
        self.window = window = build()
        show(window)
        wait_until(lambda: window.session.latest_frame is not None, what="the first frame")
        settle(30)
        self.dataset = window.session.dataset
        self.config = window.session.config
        self.size = window.size()
        tools = window.tools
        self.tools = {name: getattr(tools, name) for name in _TOOL_SETTINGS}
        self.docks = {
            dock: (dock.isVisible(), dock.isFloating(), window.dockWidgetArea(dock))
            for dock in window.findChildren(QDockWidget)
        }
        self.focus = QApplication.focusWidget()
        controls = _recording_controls(window)
        self.recording = {} if controls is None else {name: getattr(controls, name) for name in _RECORDING_SETTINGS}
        choices = [] if controls is None else [a for a in controls.options.actions() if a.isCheckable()]
        self.recording_choices = {choice: choice.isChecked() for choice in choices}
        card = _lesson_card(window)
        self.lesson_buttons = {} if card is None else {b: b.isEnabled() for b in (card.back_button, card.next_button)}
        self.axis_text = {axis: (axis.textWidth, axis.textHeight) for axis in _axes(window)}
        self.fresh = settled_look(window)
        self.last_user = "nothing yet"

    def reset(self) -> None:
        """Put the window back as ``build`` made it: no other window, presentation and full
        screen off, the light theme, the docks as they were, no unit's map, the size, the focus,
        the tools, a timeline of the usual length, the closed editor's words, and a new session
        of the same dataset and config at epoch 0 (nothing to undo, untitled, unmodified)."""
        from playground.training import Trainer
        from playground.ui.shell.presentation import presentation
        from playground.ui.shell.theme import apply_class_palette, apply_theme, theme_state

        window = self.window
        window.session.pause()
        for top in QApplication.topLevelWidgets():
            # Not a window that was there before this one (another fixture's, of a wider scope).
            if top.isVisible() and top is not window and id(top) not in self.before:
                top.close()
        mode = presentation(window)
        mode.set_full_screen(False)
        mode.set_enabled(False)
        theme = theme_state(window)
        if (theme.theme, theme.palette) != self.fresh["theme"]:
            apply_theme(window, self.fresh["theme"][0])
            apply_class_palette(window, self.fresh["theme"][1])
        for dock, (visible, floating, area) in self.docks.items():
            if window.dockWidgetArea(dock) != area:
                window.addDockWidget(area, dock)
            dock.setFloating(floating)
            dock.setVisible(visible)
        if window.network_view.diagram.selected is not None:
            window.boundary_plot.show_output_map()  # as its close button does: the diagram drops the unit
        window.showNormal()
        for name, value in self.tools.items():
            setattr(window.tools, name, value)
        self.reset_recording()
        self.reset_lesson()
        if _timeline_settings(window) != self.fresh["timeline"]:
            from playground.training.timeline import Timeline

            worker = window.session.worker
            window.session.run_in_worker(lambda trainer: setattr(worker, "timeline", Timeline()))
        window.files.take_session(Trainer(self.dataset, self.config), None, modified=False)
        session = window.session

        def new_and_still() -> bool:
            frame = session.latest_frame
            return frame.dataset is session.dataset and frame.epoch == 0 and not frame.playing and not frame.viewing

        wait_until(new_and_still, what="the new session's first frame")
        wait_until(lambda: window._drawn is session.latest_frame, what="the new session's first frame drawn")
        self.reset_axes()
        self.restore_size()
        self.refocus()
        settle(30)
        window.statusBar().clearMessage()
        editor = window.network_view.editor  # closed, it keeps its last words (set again when it opens)
        for text in (editor.title, editor.field, editor.message):
            text.clear()

    def reset_lesson(self) -> None:
        """Close an open lesson as the card's close button does; the hidden card keeps its last
        step's words and buttons, given back as a new window's."""
        lessons = getattr(self.window, "lessons", None)
        card = _lesson_card(self.window)
        if card is None:
            return
        if lessons.lesson is not None:
            lessons.close_lesson()
        card.hide()  # a new window's card is hidden, lesson or not
        for text in (card.title, card.progress, card.caption):
            text.clear()
        for button, enabled in self.lesson_buttons.items():
            button.setEnabled(enabled)

    def reset_recording(self) -> None:
        """Stop a recording, wait for its file, and give Record its first settings back, a new
        overlay and a tracker that saw nothing; the hidden indicator keeps its last words, cleared
        as a new window's are empty."""
        from playground.ui.media.overlay import Overlay

        controls = _recording_controls(self.window)
        if controls is None:
            return
        controls.finish_recordings()
        controls.overlay = Overlay(None)  # as RecordingControls makes it; its corner is set below
        tracker = controls.tracker
        tracker.stop()
        tracker.cursor = None
        tracker.clicks.clear()
        tracker.keys.clear()
        for choice, checked in self.recording_choices.items():  # the options menu's ticks, as a click sets them
            group = choice.actionGroup()
            if choice.isChecked() != checked and (checked or group is None or not group.isExclusive()):
                choice.trigger()
        for name, value in self.recording.items():
            setattr(controls, name, value)
        controls.indicator.clear()

    def reset_axes(self) -> None:
        """Give every axis the room for tick labels it had new. pyqtgraph widens an axis to its
        widest label so far and narrows it only when labels shrink by more than 10 px (so that
        it does not jitter): an example's wider labels, shown for a moment, left the boundary's
        left axis 8 px wider after the reset, as a window that opened it would keep it."""
        for axis, (width, height) in self.axis_text.items():
            if (axis.textWidth, axis.textHeight) != (width, height):
                axis.textWidth, axis.textHeight = width, height
                axis._adjustSize()  # what pyqtgraph calls when the labels need another size

    def restore_size(self) -> None:
        """Give the window its first size back. A session that grew a panel (a wider network) left
        the window's minimum wider; the new session's layout may lower it only an event round or
        two after its first frame, so the window is resized until it takes the size."""

        def sized() -> bool:
            if self.window.size() == self.size:
                return True
            self.window.resize(self.size)
            return False

        wait_until(sized, 2000, f"the window back at its size {self.size}")

    def refocus(self) -> None:
        """Give the keyboard focus back to where it was in the new window (a window another test
        showed and closed since may have taken it)."""
        if self.focus is not None and QApplication.focusWidget() is not self.focus:
            self.window.activateWindow()
            self.focus.setFocus()
            wait_until(lambda: QApplication.focusWidget() is self.focus, 2000, "the focus back where it was")

    def check_fresh(self, who: str) -> None:
        """Fail unless the window looks as it did new (``window_look``); ``who`` takes it next."""
        found = differences(self.fresh, settled_look(self.window))
        assert not found, (
            f"the reused window is not as new after {self.last_user} (reset() does not undo it: "
            f"give that test a window of its own, or teach reset): " + " | ".join(found)
        )
        self.last_user = who


_TOOL_SETTINGS = ("current_class", "tool", "brush_radius", "show_test", "value", "add_as_test")


def reused_window(build: Callable[[], QWidget], name: str = "window"):
    """Two fixtures for a test module, ``(kept_window, window)``, to be assigned at module level
    (the second named ``name``):
    ``kept_window`` (module scope) builds and shows one window with ``build``, its settings in a
    temp folder; ``window`` hands it to a test after checking that it looks as it did new
    (``ReusedWindow.check_fresh``), and resets it after the test (``ReusedWindow.reset``)."""

    @pytest.fixture(scope="module", name="kept_window")
    def kept_window(qapp, tmp_path_factory):
        with shared_data_dir(tmp_path_factory.mktemp("data")):
            kept = ReusedWindow(build)
            try:
                yield kept
            finally:
                close(kept.window)

    @pytest.fixture(name=name)
    def window(kept_window, request):
        kept_window.refocus()
        kept_window.check_fresh(request.node.nodeid)
        try:
            yield kept_window.window
        finally:
            kept_window.reset()

    return kept_window, window


def own_window(build: Callable[[], QWidget]):
    """A fixture ``own_window``: a window of the test's own, made by ``build``, shown with its first
    frame and closed after the test, for a test that leaves what ``ReusedWindow.reset`` cannot undo
    (a widened axis, a closed window) or that needs a window no test used before."""

    @pytest.fixture(name="own_window")
    def own(qtbot, monkeypatch, tmp_path):
        monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
        w = build()
        qtbot.addWidget(w)
        show(w)
        wait_until(lambda: w.session.latest_frame is not None, what="the first frame")
        settle(30)
        yield w
        w.close()

    return own
