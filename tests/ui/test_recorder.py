"""Recording: a fixed frame rate from the wall clock, MP4 and GIF that decode, the Record controls."""

from __future__ import annotations

import math
import os
import threading
import time

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image, ImageSequence
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QDialog
from shared_window import own_window, reused_window
from tutorial_window import tutorial_window

from playground.ui.media import recorder as recorder_module
from playground.ui.media.capture import plots_area
from playground.ui.media.recorder import Recorder, RecordingControls, reserve_path
from playground.ui.media.video import QUEUE_FRAMES, VideoWriter

# One small window for the module's tests, reset after each and checked to look as new before the next.
kept_window, window = reused_window(tutorial_window)
# The error banner of a refused or failed recording leaves the loss plot's view box a few pixels
# wider than new (its axis's labels narrowed while the banner took room), which the reset does not undo.
own_window = own_window(tutorial_window)


def _frames(path: str) -> np.ndarray:
    plugin = "FFMPEG" if path.endswith(".mp4") else None
    return np.stack(list(iio.imiter(path, plugin=plugin) if plugin else iio.imiter(path)))


def _gif_durations(path: str) -> list[int]:
    """Each GIF frame's display time in ms (a merged repeat lengthens the frame before it)."""
    with Image.open(path) as image:
        return [frame.info["duration"] for frame in ImageSequence.Iterator(image)]


@pytest.mark.parametrize("fmt", ["mp4", "gif"])
def test_a_second_and_a_bit_at_20_fps(window, qtbot, tmp_path, fmt):
    fps = 20
    controls = window.findChild(RecordingControls)
    controls.format, controls.fps = fmt, fps
    path = str(tmp_path / f"rec.{fmt}")
    began = time.perf_counter()
    assert controls.start(path)
    started = time.perf_counter()
    assert controls.indicator.isVisible() and controls.indicator.text() == "● REC 00:00"
    qtbot.wait(600)
    window.session.step(30)  # the picture changes while recording
    qtbot.wait(600)
    assert controls.indicator.text() in ("● REC 00:01", "● REC 00:02")
    stopping = time.perf_counter()
    assert controls.stop() == path
    stopped = time.perf_counter()
    assert controls.recorder.wait_saved(30)
    frames = controls.recorder.frames
    # Frame i shows the screen at i/fps s, so a recording of d s holds floor(d * fps) + 1 frames:
    # 25 for 1.2 s, one more for each 1/fps s it overshoots; 23 when both of qtbot's waits end early
    # (a coarse Qt timer, which may fire up to 5% before its time).
    assert 23 <= frames
    assert math.floor((stopping - started) * fps) + 1 <= frames <= math.floor((stopped - began) * fps) + 1
    video = _frames(path)
    _, rect = plots_area(window)
    size = (rect.height() - rect.height() % 2, rect.width() - rect.width() % 2, 3)
    if fmt == "mp4":
        assert video.shape == (frames, *size)
    else:  # repeated pictures are merged into longer frames: the length is what counts
        assert video.shape[1:] == size and len(video) <= frames
        assert sum(_gif_durations(path)) == pytest.approx(frames * 1000 / fps, abs=10 * len(video))
    assert not controls.indicator.isVisible()
    assert path in window.statusBar().currentMessage()
    # The picture moved: training changed the plots between the first and the last frame.
    assert np.abs(video[0].astype(int) - video[-1].astype(int)).mean() > 0.5


def test_frames_repeat_when_the_timer_is_late(qtbot, tmp_path, monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(recorder_module.time, "perf_counter", lambda: clock[0])
    image = QImage(QSize(65, 33), QImage.Format.Format_RGB32)  # odd sizes: cropped to 64x32
    image.fill(QColor("#E69F00"))
    rec = Recorder(lambda: image)
    path = str(tmp_path / "late.gif")
    rec.start(path, 10)
    clock[0] += 0.55  # no tick for 0.55 s: frames at 0.1 ... 0.5 s are due
    rec._tick()
    assert rec.frames == 6
    clock[0] += 0.02
    rec._tick()  # nothing new is due
    assert rec.frames == 6
    rec.stop()
    assert rec.wait_saved(30)
    video = _frames(path)
    # One picture for 0.6 s: merged into one frame, plus the last one (nudged so the merge keeps its time).
    assert video.shape[1:] == (32, 64, 3)
    assert sum(_gif_durations(path)) == 600
    np.testing.assert_allclose(video[0, 5, 5], (0xE6, 0x9F, 0x00), atol=6)


def test_writer_rejects_odd_sizes_and_other_extensions(tmp_path):
    with pytest.raises(ValueError, match="even"):
        VideoWriter(str(tmp_path / "a.mp4"), (641, 360), 10)
    with pytest.raises(ValueError, match=".mp4 or .gif"):
        VideoWriter(str(tmp_path / "a.avi"), (640, 360), 10)


def test_missing_ffmpeg_says_how_to_install(own_window, monkeypatch, tmp_path):
    window = own_window
    monkeypatch.setattr(recorder_module, "missing_video_support", lambda: 'pip install "backprop-playground[video]"')
    controls = window.findChild(RecordingControls)
    assert not controls.start(str(tmp_path / "x.mp4"))
    assert "backprop-playground[video]" in window.banner.text()
    assert not controls.action.isChecked()
    assert not os.path.exists(tmp_path / "x.mp4")


def test_ctrl_r_toggles_recording_of_the_whole_window(window, qtbot, tmp_path):
    controls = window.findChild(RecordingControls)
    controls.area, controls.format, controls.folder = "window", "gif", str(tmp_path)
    window.activateWindow()
    window.setFocus()
    qtbot.keyClick(window, "r", modifier=recorder_module.Qt.KeyboardModifier.ControlModifier)
    assert controls.recorder.recording and controls.action.isChecked()
    qtbot.wait(150)
    qtbot.keyClick(window, "r", modifier=recorder_module.Qt.KeyboardModifier.ControlModifier)
    assert not controls.recorder.recording
    assert controls.recorder.wait_saved(30)
    (path,) = [str(p) for p in tmp_path.glob("playground-window-*.gif")]
    assert _frames(path).shape[1:] == (window.height() // 2 * 2, window.width() // 2 * 2, 3)


def _blocked_encoder(monkeypatch):
    """The writer thread blocks before handing each frame to ffmpeg until ``release`` is set
    (at the latest after 20 s, so that a GUI thread waiting on it cannot hang the suite)."""
    release = threading.Event()
    send = VideoWriter._send

    def slow_send(self, frame):
        release.wait(20)
        send(self, frame)

    monkeypatch.setattr(VideoWriter, "_send", slow_send)
    return release


def test_the_gui_never_waits_on_a_busy_encoder(window, tmp_path, monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(recorder_module.time, "perf_counter", lambda: clock[0])
    release = _blocked_encoder(monkeypatch)
    controls = window.findChild(RecordingControls)
    controls.format, controls.fps = "mp4", 10
    path = str(tmp_path / "busy.mp4")
    grabs = []
    capture = controls.recorder.capture
    controls.recorder.capture = lambda: grabs.append(1) or capture()
    assert controls.start(path)
    for tick in range(1, 41):  # 4 s of frames while the encoder takes none
        clock[0] = 100.0005 + tick / 10
        controls.recorder._tick()
    assert controls.stop() == path
    # Every tick and the stop returned while the encoder was still blocked: nothing waited on it.
    assert not release.is_set()
    recorder = controls.recorder
    assert recorder.frames == 41 and recorder.finishing  # 0.0, 0.1, ... 4.0 s
    # The queue is bounded: a few frames were taken (the queue's, one the writer thread holds and one
    # it is sending), the rest dropped (not even grabbed) and counted.
    assert len(grabs) <= QUEUE_FRAMES + 2
    assert recorder.dropped == recorder.frames - len(grabs)
    assert "Finishing the recording" in window.statusBar().currentMessage()
    release.set()
    assert recorder.wait_saved(30) and not recorder.finishing
    assert window.statusBar().currentMessage() == (
        f"Recording saved: {path} (41 frames, 4.1 s; {41 - len(grabs)} repeated: the computer was busy)"
    )
    # Video time is kept: a dropped frame repeats the picture before it, so 4.1 s stay 4.1 s at 10 fps.
    assert _frames(path).shape[0] == 41


def test_recording_names_never_overwrite(window, tmp_path, monkeypatch):
    monkeypatch.setattr(recorder_module, "default_video_name", lambda area, fmt: f"playground-{area}.{fmt}")
    controls = window.findChild(RecordingControls)
    controls.folder, controls.format = str(tmp_path), "gif"
    kept = tmp_path / "playground-plots-2.gif"
    kept.write_bytes(b"the person's own file")
    paths = []
    for _ in range(3):  # three recordings in the same second get the same name from the clock
        assert controls.start()
        paths.append(controls.stop())
    assert controls.recorder.wait_saved(30)
    names = [os.path.basename(p) for p in paths]
    assert names == ["playground-plots.gif", "playground-plots-3.gif", "playground-plots-4.gif"]
    assert kept.read_bytes() == b"the person's own file"
    for path in paths:
        assert _frames(path).shape[0] >= 1


def test_reserve_path_creates_the_file_exclusively(tmp_path):
    first = reserve_path(str(tmp_path), "a.mp4")
    second = reserve_path(str(tmp_path), "a.mp4")
    assert (os.path.basename(first), os.path.basename(second)) == ("a.mp4", "a-2.mp4")
    assert os.path.getsize(first) == 0 and os.path.getsize(second) == 0
    with pytest.raises(OSError):
        reserve_path(str(tmp_path / "missing"), "a.mp4")


def test_a_gif_merges_repeats_but_keeps_its_length(tmp_path):
    writer = VideoWriter(str(tmp_path / "m.gif"), (64, 32), 10, merge_repeats=True)
    for index, level in ((0, 0), (3, 80), (5, 160)):  # positions 1, 2 and 4 were dropped
        assert writer.offer(np.full((32, 64, 3), level, np.uint8), index)
    writer.finish(10)  # 1 s; the last picture repeats up to the end
    assert writer.wait(30) and writer.error is None and writer.frames == 10
    # One GIF frame per picture, each shown as long as it was on screen, and the whole second kept.
    assert _gif_durations(str(tmp_path / "m.gif"))[:3] == [300, 200, 400]
    assert sum(_gif_durations(str(tmp_path / "m.gif"))) == 1000


def test_a_failing_encoder_is_reported_not_raised(own_window, tmp_path):
    window = own_window
    controls = window.findChild(RecordingControls)
    controls.format = "mp4"
    path = str(tmp_path / "missing-folder" / "x.mp4")  # ffmpeg cannot create it
    assert controls.start(path)
    assert controls.recorder.wait_saved(0)  # nothing stopped yet
    deadline = time.perf_counter() + 30
    while controls.recorder.recording and time.perf_counter() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)
    assert not controls.recorder.recording and not controls.action.isChecked()
    assert "Recording stopped" in window.banner.text() and "x.mp4" in window.banner.text()


def test_closing_the_window_while_recording_leaves_a_playable_file(own_window, qtbot, tmp_path):
    window = own_window  # closed
    controls = window.findChild(RecordingControls)
    controls.format, controls.fps = "gif", 10
    path = str(tmp_path / "closing.gif")
    assert controls.start(path)
    qtbot.wait(300)
    window.close()  # stops, and waits (a little) for the file to be saved
    assert not controls.recorder.recording and not controls.recorder.finishing
    assert sum(_gif_durations(path)) >= 300


def _patch(frame: np.ndarray, rect) -> np.ndarray:
    return frame[rect.top() : rect.bottom() + 1, rect.left() : rect.right() + 1].astype(float)


def test_a_recording_shows_the_compare_window_over_the_main_window(own_window, qtbot, tmp_path):
    """View > Compare opens a window of its own: a recording of the window (or of the plots) shows it
    where it covers them on screen, as the person sees it, not the main window under it."""
    window = own_window  # it builds the compare window, which a reset cannot unbuild
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtGui import QAction

    from playground.ui.media.capture import grab, rgb_array

    controls = window.findChild(RecordingControls)
    window.findChild(QAction, "record-area-window").trigger()
    window.findChild(QAction, "record-pointer").setChecked(False)  # no cursor marks in the pixels compared
    assert controls.area == "window" and not controls.show_pointer
    window.findChild(QAction, "compareAction").trigger()
    dialog = window.findChild(QDialog, "compareDialog")
    qtbot.waitExposed(dialog)
    dialog.resize(500, 360)
    dialog.move(window.mapToGlobal(QPoint(120, 90)))
    qtbot.wait(50)
    plain = rgb_array(grab(window))  # the main window alone: what recordings showed before
    seen = rgb_array(dialog.grab().toImage())
    inside = QRect(window.mapFromGlobal(dialog.geometry().topLeft()), dialog.size()).adjusted(10, 10, -10, -10)
    assert np.abs(_patch(plain, inside) - seen[10 : 10 + inside.height(), 10 : 10 + inside.width()]).mean() > 10

    path = str(tmp_path / "compare.mp4")
    controls.fps = 10
    assert controls.start(path)
    qtbot.wait(250)
    controls.stop()
    assert controls.recorder.wait_saved(30)
    first = _frames(path)[0]
    dialog_part = seen[10 : 10 + inside.height(), 10 : 10 + inside.width()]
    assert np.abs(_patch(first, inside) - dialog_part).mean() < 6  # the Compare window, as encoded
    # Beside it, the main window as before.
    outside = QRect(inside.right() + 30, inside.top(), 80, 80)
    assert np.abs(_patch(first, outside) - _patch(plain, outside)).mean() < 6
    # The plots area too shows the part of Compare that covers it.
    window.findChild(QAction, "record-area-plots").trigger()
    central, rect = plots_area(window)
    frame = rgb_array(controls.grab_area())
    covered = QRect(central.mapFromGlobal(dialog.geometry().topLeft()) - rect.topLeft(), dialog.size())
    covered = covered.intersected(QRect(0, 0, rect.width(), rect.height())).adjusted(10, 10, -10, -10)
    assert not covered.isEmpty()
    offset = central.mapToGlobal(rect.topLeft() + covered.topLeft()) - dialog.geometry().topLeft()
    expect = seen[offset.y() : offset.y() + covered.height(), offset.x() : offset.x() + covered.width()]
    np.testing.assert_array_equal(_patch(frame, covered), expect)
    dialog.close()
    # Once it is closed, the recording shows the main window again.
    frame = rgb_array(controls.grab_area())
    np.testing.assert_array_equal(frame, rgb_array(grab(central, rect)))


def test_a_separate_windows_frame_is_drawn_plainly_with_its_title(window, qtbot, monkeypatch):
    """The window manager's frame (title bar) is not the app's to paint: its place is filled in the
    window's colour, a little darker, with the title in the bar."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QAction

    from playground.ui.media.as_seen import grab_as_seen, owned_windows

    window.findChild(QAction, "compareAction").trigger()
    dialog = window.findChild(QDialog, "compareDialog")
    qtbot.waitExposed(dialog)
    dialog.move(window.mapToGlobal(QPoint(150, 120)))
    qtbot.wait(20)
    assert dialog in owned_windows(window)
    inside = dialog.geometry()
    monkeypatch.setattr(dialog, "frameGeometry", lambda: inside.adjusted(-4, -24, 4, 4), raising=False)
    image = grab_as_seen(window, window, window.rect())
    bar = window.mapFromGlobal(inside.topLeft()) + QPoint(300, -12)  # in the bar, right of the title
    expected = dialog.palette().window().color().darker(115)
    assert image.pixelColor(bar).name() == expected.name()
    title = [image.pixelColor(window.mapFromGlobal(inside.topLeft()) + QPoint(x, -12)) for x in range(8, 120)]
    assert any(color.name() != expected.name() for color in title)  # the title's letters
    dialog.close()
    assert dialog not in owned_windows(window)
