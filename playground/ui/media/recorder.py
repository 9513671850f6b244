"""Record the plots area or the whole window to MP4 or GIF at a fixed frame rate.

A timer grabs the screen at the chosen rate, whatever the training speed, and
hands each frame to a :class:`~playground.ui.video.VideoWriter` (ffmpeg, fed
from a background thread; frames are streamed, never collected). Video time
follows the wall clock: frame ``i`` shows the screen at ``i / fps`` seconds, so
when the timer fires late (a busy moment) the frame is repeated to catch up,
and a recording of ``d`` seconds holds ``floor(d * fps) + 1`` frames.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import time
from typing import Callable

from PySide6.QtCore import QEvent, QObject, QSize, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QImage, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QToolButton

from .capture import even_size, fit_frame, grab, plots_area, rgb_array
from .video import VideoWriter, missing_video_support

FRAME_RATES = (10, 15, 24, 30)
AREAS = {"plots": "Plots area", "window": "Whole window"}
FORMAT_TITLES = {"mp4": "MP4 video", "gif": "GIF animation"}


class Recorder(QObject):
    """Grabs ``capture()`` at ``fps`` into a video file between :meth:`start` and :meth:`stop`.

    Signals: ``started(path)``, ``finished(path, frames)``, ``failed(message)``
    and ``ticked(seconds)`` after every grab, for a running clock.
    """

    started = Signal(str)
    finished = Signal(str, int)
    failed = Signal(str)
    ticked = Signal(float)

    def __init__(self, capture: Callable[[], QImage], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.capture = capture
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._writer: VideoWriter | None = None
        self._size = QSize()
        self._fill = (255, 255, 255)
        self._fps = 0.0
        self._start = 0.0
        self._frames = 0

    @property
    def recording(self) -> bool:
        return self._writer is not None

    @property
    def frames(self) -> int:
        """Frames written so far in the current (or last) recording."""
        return self._frames

    @property
    def elapsed(self) -> float:
        """Seconds of video so far."""
        return self._frames / self._fps if self._fps else 0.0

    def start(self, path: str, fps: float) -> None:
        """Start writing ``path`` (.mp4 or .gif) at ``fps`` frames a second; the first frame now."""
        if self.recording:
            raise RuntimeError("already recording")
        first = self.capture()
        self._size = even_size(first.size())
        self._fill = background_of(first)
        self._writer = VideoWriter(path, (self._size.width(), self._size.height()), fps)
        self._fps = float(fps)
        self._frames = 0
        self._start = time.perf_counter()
        self._write(first, 1)
        self._timer.start(max(1, round(1000 / fps)))
        self.started.emit(path)

    def stop(self) -> str | None:
        """Write the frames due until now, finish the file; its path (None if it failed)."""
        if not self.recording:
            return None
        self._tick()
        writer, self._writer = self._writer, None
        self._timer.stop()
        if writer is None:  # the last tick failed
            return None
        try:
            writer.close()
        except OSError as exc:
            self.failed.emit(str(exc))
            return None
        self.finished.emit(writer.path, self._frames)
        return writer.path

    def _tick(self) -> None:
        due = math.floor((time.perf_counter() - self._start) * self._fps) + 1
        if self._writer is None or due <= self._frames:
            return
        self._write(self.capture(), due - self._frames)
        self.ticked.emit(self.elapsed)

    def _write(self, image: QImage, copies: int) -> None:
        frame = fit_frame(rgb_array(image), self._size, self._fill)
        try:
            for _ in range(copies):
                self._writer.write(frame)
                self._frames += 1
        except (OSError, ValueError) as exc:
            self._timer.stop()
            self._writer = None
            self.failed.emit(str(exc))


def background_of(image: QImage) -> tuple[int, int, int]:
    """The colour of ``image``'s top-left pixel, to pad frames with after a resize."""
    color = image.pixelColor(0, 0)
    return color.red(), color.green(), color.blue()


def default_video_name(area: str, fmt: str, when: _dt.datetime | None = None) -> str:
    """``"playground-plots-2026-11-22-093105.mp4"``: what and when, to the second."""
    return f"playground-{area}-{(when or _dt.datetime.now()).strftime('%Y-%m-%d-%H%M%S')}.{fmt}"


class RecordingControls(QObject):
    """The window's Record action (Ctrl+R), its options, and the red "● REC 00:12" indicator."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.area = "plots"
        self.format = "mp4"
        self.fps = 30
        movies = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MoviesLocation)
        self.folder = movies if movies and os.path.isdir(movies) else os.path.expanduser("~")
        self.recorder = Recorder(self.grab_area, self)
        self.recorder.ticked.connect(self._show_clock)
        self.recorder.finished.connect(self._finished)
        self.recorder.failed.connect(self._failed)

        self.action = QAction("&Record", window, checkable=True, objectName="recordAction",
                              shortcut=QKeySequence("Ctrl+R"))
        self.action.setToolTip("Record the plots area (or the whole window) to a video file; "
                               "again to stop (Ctrl+R).")
        self.action.triggered.connect(self.toggle)
        self.options = self._options_menu()
        self.button = QToolButton(objectName="recordButton")
        self.button.setDefaultAction(self.action)
        self.button.setMenu(self.options)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.button.setText("● Record")
        self.indicator = QLabel(objectName="recordingIndicator")
        self.indicator.setStyleSheet("QLabel { color: white; background: #D0021B; font-weight: bold;"
                                     " padding: 1px 6px; border-radius: 3px; }")
        self.indicator.hide()
        window.installEventFilter(self)

    # ------------------------------------------------------------ capture
    def grab_area(self) -> QImage:
        """The chosen area as it is on screen now."""
        if self.area == "window":
            return grab(self.window)
        return grab(*plots_area(self.window))

    # ------------------------------------------------------------ actions
    def toggle(self) -> None:
        self.stop() if self.recorder.recording else self.start()

    def start(self, path: str | None = None) -> bool:
        """Start recording to ``path`` (default: a new file in the recordings folder)."""
        hint = missing_video_support()
        if hint:
            self.window.session.message.emit("error", f"Cannot record: {hint}")
            self._show_state()
            return False
        path = path or os.path.join(self.folder, default_video_name(self.area, self.format))
        try:
            self.recorder.start(path, self.fps)
        except (OSError, ValueError) as exc:
            self.window.session.message.emit("error", f"Cannot record to {path}: {exc}")
            self._show_state()
            return False
        self._show_state()
        self._show_clock(0.0)
        return True

    def stop(self) -> str | None:
        """Stop and finish the file; its path."""
        path = self.recorder.stop()
        self._show_state()
        return path

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Close and self.recorder.recording:
            self.stop()  # closing the window still leaves a playable file
        return False

    # ------------------------------------------------------------ display
    def _show_state(self) -> None:
        recording = self.recorder.recording
        self.action.setChecked(recording)
        self.action.setText("Stop &recording" if recording else "&Record")
        self.button.setText("■ Stop" if recording else "● Record")
        self.indicator.setVisible(recording)
        self.options.setEnabled(not recording)

    def _show_clock(self, seconds: float) -> None:
        minutes, secs = divmod(int(seconds), 60)
        text = f"● REC {minutes:02d}:{secs:02d}"
        if self.indicator.text() != text:
            self.indicator.setText(text)

    def _finished(self, path: str, frames: int) -> None:
        seconds = frames / self.fps
        self.window.statusBar().showMessage(f"Recording saved: {path} ({frames} frames, {seconds:.1f} s)", 30000)

    def _failed(self, message: str) -> None:
        self._show_state()
        self.window.session.message.emit("error", f"Recording stopped: {message}")

    # ------------------------------------------------------------ options
    def _options_menu(self) -> QMenu:
        menu = QMenu("Recording &options", self.window)
        menu.setObjectName("recordingOptions")
        self._choices(menu, "Record", AREAS, "area")
        self._choices(menu, "Format", FORMAT_TITLES, "format")
        self._choices(menu, "Frame rate", {fps: f"{fps} frames/s" for fps in FRAME_RATES}, "fps")
        menu.addSeparator()
        menu.addAction("Save recordings in…", self._choose_folder)
        return menu

    def _choices(self, menu: QMenu, heading: str, options: dict, attribute: str) -> None:
        """A section of exclusive, checkable options that set ``self.<attribute>``."""
        menu.addSection(heading)
        group = QActionGroup(menu)
        for value, title in options.items():
            action = group.addAction(QAction(title, menu, checkable=True))
            action.setObjectName(f"record-{attribute}-{value}")
            action.setChecked(getattr(self, attribute) == value)
            action.triggered.connect(lambda checked=False, v=value: setattr(self, attribute, v))
            menu.addAction(action)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Save recordings in", self.folder)
        if folder:
            self.folder = folder
            self.window.statusBar().showMessage(f"Recordings go to {folder}", 8000)


def install_recorder(window) -> RecordingControls:
    """View → Record (Ctrl+R) and its options; the Record button and indicator in the status bar."""
    controls = RecordingControls(window)
    menu = window.menu("&View")
    menu.addAction(controls.action)
    menu.addMenu(controls.options)
    status = window.statusBar()
    status.addPermanentWidget(controls.indicator)
    status.addPermanentWidget(controls.button)
    return controls
