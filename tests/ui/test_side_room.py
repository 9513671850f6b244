"""Presentation mode with a side dock: the dock takes the network diagram's column, and gives it back.
Seen under Xvfb at 1280x720: with the Transforms dock beside the diagram, the activation space's
selectors were cut ("layer 2" showed "layer 2" half), its plot was a strip and the timeline's slider
a square."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDockWidget
from tutorial_window import window  # noqa: F401 - the fixture

from playground.ui.shell.presentation import set_presentation


def _dock(window, name: str) -> QDockWidget:
    return window.findChild(QDockWidget, name)


def _diagram_shown(window) -> bool:
    return window.network_view.action.isChecked() and window.network_view.panel.isVisible()


def _selectors_whole(window) -> bool:
    """Every activation-space selector is drawn at least as wide as its text needs."""
    boxes = window.activation_view.findChildren(QComboBox)
    return all(box.width() >= box.minimumSizeHint().width() for box in boxes if box.isVisible())


def test_a_side_dock_takes_the_diagrams_place_in_presentation_mode_and_gives_it_back(window, qtbot):
    set_presentation(window, True)
    qtbot.wait(50)
    assert _diagram_shown(window)
    transforms, regions = _dock(window, "transformsDock"), _dock(window, "regionsDock")
    transforms.show()
    qtbot.waitUntil(lambda: not _diagram_shown(window), timeout=2000)
    qtbot.wait(50)
    assert _selectors_whole(window)
    regions.show()  # tabified with Transforms: one side picture still
    transforms.hide()
    qtbot.wait(20)
    assert not _diagram_shown(window)  # Regions is still open
    regions.hide()
    qtbot.waitUntil(lambda: _diagram_shown(window), timeout=2000)
    # Presentation mode ending gives it back too.
    transforms.show()
    qtbot.waitUntil(lambda: not _diagram_shown(window), timeout=2000)
    set_presentation(window, False)
    qtbot.waitUntil(lambda: _diagram_shown(window), timeout=2000)
    assert transforms.isVisible()  # the dock the person opened stays open


def test_the_persons_own_choice_stands(window, qtbot):
    """Out of presentation mode nothing steps aside; a diagram hidden by the person stays hidden, and
    one shown again by the person while a dock is open stays shown."""
    transforms = _dock(window, "transformsDock")
    transforms.show()
    qtbot.wait(20)
    assert _diagram_shown(window)
    transforms.hide()
    set_presentation(window, True)
    window.network_view.action.setChecked(False)  # the person hides it
    transforms.show()
    transforms.hide()
    qtbot.wait(20)
    assert not window.network_view.action.isChecked()
    transforms.show()
    window.network_view.action.setChecked(True)  # and shows it again beside the dock
    qtbot.wait(20)
    assert _diagram_shown(window)
    set_presentation(window, False)
    assert _diagram_shown(window)
