"""The window's frame (title bar included) is kept on the screen: the pure geometry of the fit."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QWidget

from playground.ui.shell.screen_fit import fitted, resize_on_screen

SCREEN = QRect(0, 0, 1280, 720)


def framed(x: int, y: int, width: int, height: int, title: int = 20, border: int = 1) -> tuple[QRect, QRect]:
    inner = QRect(x + border, y + title, width, height)
    frame = QRect(x, y, width + 2 * border, height + title + border)
    return frame, inner


def test_a_window_that_fits_is_left_alone():
    assert fitted(*framed(10, 10, 1000, 600), SCREEN) is None


def test_a_title_bar_that_pushes_the_bottom_off_screen_shrinks_the_window():
    frame, inner = framed(0, 0, 1280, 720)  # contents sized to the screen, then framed
    target = fitted(frame, inner, SCREEN)
    assert target == QRect(1, 20, 1278, 699)
    new_frame = QRect(target.left() - 1, target.top() - 20, target.width() + 2, target.height() + 21)
    assert SCREEN.contains(new_frame)


def test_a_window_partly_off_the_right_edge_moves_back_without_shrinking():
    frame, inner = framed(400, 50, 1000, 600)
    target = fitted(frame, inner, SCREEN)
    assert (target.width(), target.height()) == (1000, 600)
    assert target.right() + 1 == SCREEN.right()  # one border pixel right of the contents


def test_a_screen_with_a_panel_on_top_is_respected():
    available = QRect(0, 32, 1280, 688)
    target = fitted(*framed(0, 0, 1280, 720), available)
    assert target.top() == 32 + 20 and target.bottom() + 1 + 1 <= available.bottom() + 1


def test_a_size_larger_than_the_screen_is_fitted_into_its_available_area(qtbot):
    # Presentation mode asks for the recording size; a smaller screen gets what it has room for.
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    available = widget.screen().availableGeometry()
    resize_on_screen(widget, QSize(available.width() + 300, available.height() + 200))
    assert available.contains(widget.frameGeometry())
    assert widget.width() == available.width() - (widget.frameGeometry().width() - widget.width())


def test_a_size_that_fits_is_taken_exactly(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    resize_on_screen(widget, QSize(300, 200))
    assert widget.size() == QSize(300, 200)
