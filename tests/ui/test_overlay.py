"""The recording overlay: the caption box in the chosen corner, the cursor, click ripples and shortcut names."""

from __future__ import annotations

from types import SimpleNamespace

import imageio.v3 as iio
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLineEdit
from shared_window import reused_window
from tutorial_window import tutorial_window

from playground.ui.media.capture import plots_area, rgb_array
from playground.ui.media.overlay import Overlay, PointerMarks, stats_line
from playground.ui.media.recorder import RecordingControls

# One small window for the module's tests, reset after each and checked to look as new before the next.
kept_window, window = reused_window(tutorial_window)

CAPTION = "Press Play and watch the boundary bend."


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _controls(window, monkeypatch, corner: str = "off", pointer: bool = False) -> RecordingControls:
    controls = window.findChild(RecordingControls)
    controls.overlay_corner = corner
    controls.show_pointer = pointer
    monkeypatch.setattr(window, "lessons", SimpleNamespace(caption=CAPTION), raising=False)
    return controls


def _corners(frame: np.ndarray) -> dict[str, np.ndarray]:
    h, w = frame.shape[:2]
    qh, qw = h // 5, w // 5
    return {
        "top-left": frame[:qh, :qw],
        "top-right": frame[:qh, -qw:],
        "bottom-left": frame[-qh:, :qw],
        "bottom-right": frame[-qh:, -qw:],
    }


@pytest.mark.parametrize("corner", ["top-right", "bottom-left"])
def test_the_caption_box_is_burnt_into_the_chosen_corner_only(window, monkeypatch, corner):
    controls = _controls(window, monkeypatch)
    bare = rgb_array(controls.grab_area())
    controls.overlay_corner = corner
    burnt = rgb_array(controls.grab_area())
    assert burnt.shape == bare.shape
    for name, (before, after) in zip(_corners(bare), zip(_corners(bare).values(), _corners(burnt).values())):
        changed = np.abs(before.astype(int) - after.astype(int)).sum(axis=2) > 30
        if name == corner:
            assert changed.mean() > 0.2, name  # the box covers much of the corner
        else:
            assert not changed.any(), name
    drawn = controls.overlay.log[-1]
    assert drawn.caption == CAPTION and drawn.corner == corner
    assert drawn.info == stats_line(window.session)
    assert f"epoch {window.session.latest_frame.epoch}" in drawn.info and "learning rate 0.05" in drawn.info
    # The box is dark and translucent: darker than the light theme's plots behind it.
    x, y, w, h = drawn.box
    assert burnt[y + h // 2, x + 2].mean() < 100 < bare[y + h // 2, x + 2].mean()


def test_no_lesson_means_no_caption_but_still_the_numbers(window):
    controls = window.findChild(RecordingControls)
    controls.overlay_corner = "top-left"
    if hasattr(window, "lessons"):
        assert window.lessons.caption == ""  # no lesson is open
    controls.grab_area()
    drawn = controls.overlay.log[-1]
    assert drawn.caption == "" and drawn.info.startswith("epoch ")


def test_the_corner_and_the_pointer_are_chosen_in_the_recording_menu(window):
    controls = window.findChild(RecordingControls)
    assert controls.overlay_corner == "off" and controls.show_pointer
    controls.options.findChild(type(controls.action), "record-overlay_corner-bottom-right").trigger()
    assert controls.overlay.corner == "bottom-right"
    controls.options.findChild(type(controls.action), "record-overlay_corner-off").trigger()
    assert controls.overlay.corner is None
    controls.options.findChild(type(controls.action), "record-pointer").trigger()
    assert not controls.show_pointer
    with pytest.raises(ValueError, match="overlay corner"):
        controls.overlay_corner = "middle"


def test_a_click_draws_a_ripple_where_it_was_clicked(window, qtbot, monkeypatch):
    controls = _controls(window, monkeypatch, pointer=True)
    clock = Clock()
    controls.tracker.clock = clock
    widget, rect = plots_area(window)
    viewport = window.boundary_plot.viewport()
    at = QPoint(viewport.width() // 3, viewport.height() // 2)
    controls.tracker.start()
    try:
        qtbot.mouseMove(viewport, at)
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=at)
    finally:
        controls.tracker.stop()
    assert len(controls.tracker.clicks) == 1  # one press, however many widgets Qt offered it to
    bare = Overlay(None).burn(controls.grab_area(), "", "")  # pointer marks on, no box: compare below
    clock.now += 0.2
    image = controls.grab_area()
    drawn = controls.overlay.log[-1]
    expected = viewport.mapTo(widget, at) - rect.topLeft()
    ((x, y, radius),) = drawn.ripples
    assert (x, y) == pytest.approx((expected.x(), expected.y()), abs=1.0)
    assert drawn.cursor == pytest.approx((expected.x(), expected.y()), abs=1.0)
    # The ring is drawn at its radius (left of the click, clear of the cursor arrow), the centre left alone.
    ring = QPoint(round(x - radius), round(y))
    assert image.pixelColor(ring) != bare.pixelColor(ring)
    clock.now += 1.0  # long after: the ripple is gone
    controls.grab_area()
    assert controls.overlay.log[-1].ripples == ()


def test_shortcut_names_are_shown_and_typing_is_not(window, qtbot, monkeypatch):
    controls = _controls(window, monkeypatch, pointer=True)
    clock = Clock()
    monkeypatch.setattr(controls.tracker, "clock", clock)
    field = QLineEdit(window)
    field.show()
    controls.tracker.start()
    try:
        field.setFocus()
        qtbot.keyClicks(field, "ab")  # typing, not a shortcut
        qtbot.keyClick(field, Qt.Key.Key_Z, modifier=Qt.KeyboardModifier.ControlModifier)
        window.setFocus()
        qtbot.keyClick(window, Qt.Key.Key_Space)
        qtbot.keyClick(window, Qt.Key.Key_Space)  # pressed twice: shown twice
    finally:
        controls.tracker.stop()
        window.session.pause()
        field.setParent(None)  # the window goes on to the next test without it
        field.deleteLater()
    assert [name for _, name in controls.tracker.keys] == ["Ctrl+Z", "Space", "Space"]
    image = controls.grab_area()
    assert controls.overlay.log[-1].keys == ("Ctrl+Z", "Space", "Space")
    clock.now += 5.0
    bare = controls.grab_area()
    assert controls.overlay.log[-1].keys == ()
    # The names sit at the bottom middle of the frame.
    a, b = rgb_array(image), rgb_array(bare)
    h, w = a.shape[:2]
    assert np.abs(a[-h // 8 :, w // 3 : 2 * w // 3].astype(int) - b[-h // 8 :, w // 3 : 2 * w // 3]).max() > 60


def test_the_overlay_marks_land_inside_the_frame_only():
    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    overlay = Overlay("bottom-right")
    marks = PointerMarks(QPointF(50, 40), ((QPointF(50, 40), 0.5),), ("F11",))
    out = overlay.burn(image, "A caption long enough to wrap onto a second line of the box", "epoch 3", 0.5, marks)
    drawn = overlay.log[-1]
    x, y, w, h = drawn.box
    assert 0 <= x and x + w <= 200 and 0 <= y and y + h <= 100
    assert w <= 200 * 0.6 + 1
    assert out.pixelColor(x + w - 4, y + h // 2).lightness() < 80
    assert image.pixelColor(x + w - 4, y + h // 2).lightness() == 255  # the input is left as it was
    assert drawn.frame == 0 and overlay.burn(image, "", "").__class__ is QImage and overlay.log[-1].frame == 1
    assert overlay.log[-1].box is None  # nothing to say: no box
    assert QRectF(0, 0, 200, 100).contains(QPointF(*drawn.cursor))


def test_a_recording_with_the_overlay_decodes_with_the_box(window, qtbot, monkeypatch, tmp_path):
    controls = _controls(window, monkeypatch, corner="top-left", pointer=True)
    controls.fps = 10
    path = str(tmp_path / "overlay.mp4")
    assert controls.start(path)
    qtbot.wait(300)
    controls.stop()
    assert controls.recorder.wait_saved(30)
    assert not controls.tracker._watching  # the application is no longer watched after the recording
    frames = np.stack(list(iio.imiter(path, plugin="FFMPEG")))
    assert len(controls.overlay.log) >= 2 and all(d.caption == CAPTION for d in controls.overlay.log)
    x, y, w, h = controls.overlay.log[0].box
    assert frames[0][y + h // 2, x + 3].mean() < 100


def test_an_open_lesson_gives_the_recording_its_caption(window, qtbot):
    from playground.training.examples import shipped_examples

    controls = window.findChild(RecordingControls)
    controls.overlay_corner = "top-right"
    assert window.lessons.open_lesson(shipped_examples()[0])
    qtbot.wait(50)
    controls.grab_area()
    assert controls.overlay.log[-1].caption == window.lessons.caption != ""
    window.lessons.next()
    controls.grab_area()
    assert controls.overlay.log[-1].caption == window.lessons.caption == window.lessons.lesson.steps[1].caption
    window.session.pause()
