"""Record the plots area or the whole window to MP4 or GIF at a fixed frame rate.

A recording shows the chosen rectangle of the main window as the person sees it
on screen: the window's own separate windows are in it where they cover that
rectangle: the Compare window (View > Compare, a window of its own, not a dock),
a floating dock, an open menu, a combo box's list, a tooltip (``as_seen.py``).
That is the window the person is looking at, in the frame size the recording
started with. The parts of those windows outside the rectangle, and other
applications' windows, are not recorded: to film Compare whole, record the
whole window with Compare over it, or move it over the plots.

A timer grabs the screen at the chosen rate, whatever the training speed, and
offers each frame to a :class:`~playground.ui.media.video.VideoWriter`, which
feeds ffmpeg from its own thread. The GUI thread never waits on the encoder:
when the writer's short queue is full (an encoder slower than the screen, a
GIF of the whole window), the frame is dropped, counted, and not even grabbed.

Video time follows the wall clock: frame ``i`` shows the screen at ``i / fps``
seconds, and a recording of ``d`` seconds holds ``floor(d * fps) + 1`` frames.
A position without a fresh picture (a dropped frame, a late timer) shows the
picture before it, which is what the screen showed then: the writer thread
repeats it (in MP4), or makes it last longer (in GIF, where the repeat costs
nothing to encode). :meth:`Recorder.stop` returns at once; the writer thread
finishes the file and ``finished`` is emitted when it is saved.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import time
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QImage, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMenu, QToolButton

from .as_seen import grab_as_seen
from .capture import even_size, fit_frame, plots_area, rgb_array
from .overlay import CORNERS, InputTracker, Overlay, overlay_text, widget_mapper

if TYPE_CHECKING:
    from .video import VideoWriter

FRAME_RATES = (10, 15, 24, 30)
AREAS = {"plots": "Plots area", "window": "Whole window"}
FORMAT_TITLES = {"mp4": "MP4 video", "gif": "GIF animation"}
OVERLAY_TITLES = {"off": "No caption box", **{corner: corner.replace("-", " ").capitalize() for corner in CORNERS}}
CLOSE_WAIT_S = 10.0  # closing the window waits this long at most for recordings to be saved
# Grabbing the window paints every widget again on the GUI thread (20 to 80 ms for a whole
# 1280x720 window here): capture at most this share of the time, so that input and drawing keep
# the rest even when the screen cannot be grabbed at the frame rate.
GRAB_SHARE = 0.5
GIF_QUEUE_FRAMES = 1


def missing_video_support() -> str | None:
    """None when video can be written, else what to install (video.py's answer; that module, the
    encoder's, is imported at the first recording, not with the window)."""
    from .video import missing_video_support as missing

    return missing()


class Recorder(QObject):
    """Grabs ``capture()`` at ``fps`` into a video file between :meth:`start` and :meth:`stop`.

    Signals: ``started(path)``; ``stopping(path)`` when :meth:`stop` has ended
    the recording and the file is being finished; ``finished(path, frames,
    seconds, dropped)`` once it is saved; ``failed(message)``; and
    ``ticked(seconds)`` after every frame position, for a running clock.
    """

    started = Signal(str)
    stopping = Signal(str)
    finished = Signal(str, int, float, int)
    failed = Signal(str)
    ticked = Signal(float)
    _writer_done = Signal(object)  # emitted from the writer thread, delivered here (queued)

    def __init__(self, capture: Callable[[], QImage], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.capture = capture
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._writer: VideoWriter | None = None
        self._finishing: dict[VideoWriter, tuple[float, int]] = {}  # being finished: (fps, dropped)
        self._writer_done.connect(self._on_writer_done)
        self._size = QSize()
        self._fill = (255, 255, 255)
        self._fps = 0.0
        self._start = 0.0
        self._frames = 0
        self._captures = 0
        self._grab_again_at = 0.0  # no capture before this time (see GRAB_SHARE)

    @property
    def recording(self) -> bool:
        return self._writer is not None

    @property
    def finishing(self) -> bool:
        """True while a stopped recording's file is still being written."""
        return bool(self._finishing)

    @property
    def frames(self) -> int:
        """Frames (positions of the video) so far in the current (or last) recording."""
        return self._frames

    @property
    def dropped(self) -> int:
        """Frames of the current (or last) recording that repeat the picture before them because
        the encoder was busy or the timer late."""
        return self._frames - self._captures

    @property
    def elapsed(self) -> float:
        """Seconds of video so far."""
        return self._frames / self._fps if self._fps else 0.0

    def start(self, path: str, fps: float) -> None:
        """Start writing ``path`` (.mp4 or .gif) at ``fps`` frames a second; the first frame now."""
        if self.recording:
            raise RuntimeError("already recording")
        from .video import QUEUE_FRAMES, VideoWriter  # the encoder's module, at the first recording

        first = self.capture()
        self._size = even_size(first.size())
        self._fill = background_of(first)
        # A GIF encoder is the slow one (a few frames a second at 1280x720): a queue of one keeps
        # what is left to encode after stop, and the age of the frames it takes, small.
        queue = GIF_QUEUE_FRAMES if path.lower().endswith(".gif") else QUEUE_FRAMES
        self._writer = VideoWriter(
            path,
            (self._size.width(), self._size.height()),
            fps,
            merge_repeats=True,
            queue_frames=queue,
            on_done=self._report_done,
        )
        self._fps = float(fps)
        self._frames = self._captures = 0
        self._start = self._grab_again_at = time.perf_counter()
        self._offer(0, first)
        self._frames = 1
        self._timer.start(max(1, round(1000 / fps)))
        self.started.emit(path)

    def stop(self) -> str | None:
        """End the recording with the frame due now; its path (None if it had failed).

        Returns at once: the file is finished in the writer thread (``finished`` says when)."""
        if not self.recording:
            return None
        self._tick()
        writer, self._writer = self._writer, None
        self._timer.stop()
        if writer is None:  # the last tick failed
            return None
        self._finishing[writer] = (self._fps, self.dropped)
        writer.finish(self._frames)
        self.stopping.emit(writer.path)
        return writer.path

    def wait_saved(self, timeout: float | None = None) -> bool:
        """Wait until every stopped recording is saved (``finished`` or ``failed`` emitted);
        False if ``timeout`` seconds passed first."""
        deadline = None if timeout is None else time.perf_counter() + timeout
        for writer in list(self._finishing):
            left = None if deadline is None else max(0.0, deadline - time.perf_counter())
            if not writer.wait(left):
                return False
            self._on_writer_done(writer)
        return True

    def _tick(self) -> None:
        due = math.floor((time.perf_counter() - self._start) * self._fps) + 1
        writer = self._writer
        if writer is None or due <= self._frames:
            return
        now = time.perf_counter()
        if writer.has_room() and now >= self._grab_again_at:  # else drop the frame: no grab, no wait
            image = self.capture()
            grabbed = time.perf_counter()
            self._grab_again_at = grabbed + (grabbed - now) * (1 - GRAB_SHARE) / GRAB_SHARE
            self._offer(due - 1, image)
        self._frames = due
        self.ticked.emit(self.elapsed)

    def _offer(self, index: int, image: QImage) -> None:
        frame = fit_frame(rgb_array(image), self._size, self._fill)
        try:
            if self._writer is not None and self._writer.offer(frame, index):
                self._captures += 1
        except (OSError, ValueError) as exc:
            self._fail(str(exc))

    def _fail(self, message: str) -> None:
        self._timer.stop()
        self._writer = None
        self.failed.emit(message)

    def _report_done(self, writer: VideoWriter) -> None:
        """Called in the writer thread: hand the news to the GUI thread (a queued signal)."""
        try:
            self._writer_done.emit(writer)
        except RuntimeError:  # the window, and this recorder with it, is gone; the file is finished
            pass

    def _on_writer_done(self, writer: VideoWriter) -> None:
        """A writer thread has ended: the file is saved, or writing failed (also mid-recording)."""
        if writer is self._writer:  # failed while recording
            self._fail(f"writing {writer.path} failed: {writer.error}")
        elif writer in self._finishing:
            fps, dropped = self._finishing.pop(writer)
            if writer.error is not None:
                self.failed.emit(f"writing {writer.path} failed: {writer.error}")
            else:
                self.finished.emit(writer.path, writer.frames, writer.frames / fps, dropped)


def background_of(image: QImage) -> tuple[int, int, int]:
    """The colour of ``image``'s top-left pixel, to pad frames with after a resize."""
    color = image.pixelColor(0, 0)
    return color.red(), color.green(), color.blue()


def default_video_name(area: str, fmt: str, when: _dt.datetime | None = None) -> str:
    """``"playground-plots-2026-11-22-093105.mp4"``: what and when, to the second."""
    return f"playground-{area}-{(when or _dt.datetime.now()).strftime('%Y-%m-%d-%H%M%S')}.{fmt}"


def reserve_path(folder: str, name: str) -> str:
    """A new, empty file in ``folder`` named ``name``, or ``name`` with ``-2``, ``-3``, ... before
    the extension when that exists; its path.

    Created exclusively (``O_EXCL``), so a file nobody chose is never
    overwritten, even by two recordings started in the same second. OSError if
    the folder cannot be written."""
    stem, ext = os.path.splitext(name)
    for number in range(1, 10_000):
        path = os.path.join(folder, name if number == 1 else f"{stem}-{number}{ext}")
        try:
            with open(path, "xb"):
                return path
        except FileExistsError:
            continue
    raise OSError(f"{folder}: no free name for {name}")


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
        # Burnt into the grabbed frames, never drawn on the window: the caption box (off until a
        # corner is chosen) and the pointer marks (cursor, click ripples, shortcut names).
        self.overlay = Overlay(None)
        self.show_pointer = True
        self.tracker = InputTracker(parent=self)
        self.recorder = Recorder(self.grab_area, self)
        self.recorder.ticked.connect(self._show_clock)
        self.recorder.stopping.connect(self._stopping)
        self.recorder.finished.connect(self._finished)
        self.recorder.failed.connect(self._failed)

        self.action = QAction(
            "&Record", window, checkable=True, objectName="recordAction", shortcut=QKeySequence("Ctrl+R")
        )
        self.action.setToolTip("Record the plots area (or the whole window) to a video file; again to stop (Ctrl+R).")
        self.action.triggered.connect(self.toggle)
        self.options = self._options_menu()
        self.button = QToolButton(objectName="recordButton")
        self.button.setDefaultAction(self.action)
        self.button.setMenu(self.options)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.button.setText("● Record")
        self.indicator = QLabel(objectName="recordingIndicator")
        self.indicator.setStyleSheet(
            "QLabel { color: white; background: #D0021B; font-weight: bold; padding: 1px 6px; border-radius: 3px; }"
        )
        self.indicator.hide()
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.finish_recordings)

    # ------------------------------------------------------------ capture
    def grab_area(self) -> QImage:
        """The chosen area as it is on screen now, with the overlay burnt in: the window's own
        separate windows (Compare, a floating dock, an open menu) included where they cover it."""
        widget, rect = (self.window, self.window.rect()) if self.area == "window" else plots_area(self.window)
        image = grab_as_seen(self.window, widget, rect)
        if self.overlay.corner is None and not self.show_pointer:
            return image
        scale = image.width() / max(1, rect.width())  # frame pixels per window pixel (the screen's density)
        marks = None
        if self.show_pointer:
            marks = self.tracker.marks(widget_mapper(widget, rect, scale), QRectF(image.rect()))
        caption, info = overlay_text(self.window)
        return self.overlay.burn(image, caption, info, scale, marks)

    @property
    def overlay_corner(self) -> str:
        """Where recordings show the caption box: one of overlay.CORNERS, or "off"."""
        return self.overlay.corner or "off"

    @overlay_corner.setter
    def overlay_corner(self, corner: str) -> None:
        self.overlay.corner = None if corner == "off" else corner

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
        reserved = None
        try:
            if path is None:
                path = reserved = reserve_path(self.folder, default_video_name(self.area, self.format))
            if self.show_pointer:
                self.tracker.start()
            self.recorder.start(path, self.fps)
        except (OSError, ValueError) as exc:
            self.tracker.stop()
            if reserved is not None:
                _remove_quietly(reserved)  # the empty file reserve_path made for this recording
            self.window.session.message.emit("error", f"Cannot record to {path or self.folder}: {exc}")
            self._show_state()
            return False
        self._show_state()
        self._show_clock(0.0)
        return True

    def stop(self) -> str | None:
        """Stop recording; its path. The file is finished in the background (the status bar
        says when it is saved)."""
        path = self.recorder.stop()
        self.tracker.stop()
        self._show_state()
        return path

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Close:
            self.finish_recordings()
        return False

    def finish_recordings(self) -> None:
        """Stop recording and wait (CLOSE_WAIT_S at most) until every recording is saved: the window
        closes, or the app quits without closing it (``aboutToQuit``; shell/shutdown.py)."""
        if self.recorder.recording or self.recorder.finishing:
            self.stop()
            # Closing the window still leaves a playable file: only a few queued frames are left to encode.
            self.recorder.wait_saved(CLOSE_WAIT_S)

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

    def _stopping(self, path: str) -> None:
        self.window.statusBar().showMessage(f"Finishing the recording {path}…")

    def _finished(self, path: str, frames: int, seconds: float, dropped: int) -> None:
        # Few words: in presentation mode at 1280 px "66 repeat the frame before, the computer was busy"
        # was cut beside the Record button (1,181 px of text, about 1,140 of room; this wording 1,054).
        busy = f"; {dropped} repeated: the computer was busy" if dropped else ""
        self.window.statusBar().showMessage(f"Recording saved: {path} ({frames} frames, {seconds:.1f} s{busy})", 30000)

    def _failed(self, message: str) -> None:
        self.tracker.stop()
        self._show_state()
        if self.window.statusBar().currentMessage().startswith("Finishing the recording"):
            self.window.statusBar().clearMessage()  # it will not be saved: the banner says why
        self.window.session.message.emit("error", f"Recording stopped: {message}")

    # ------------------------------------------------------------ options
    def _options_menu(self) -> QMenu:
        menu = QMenu("Recording &options", self.window)
        menu.setObjectName("recordingOptions")
        self._choices(menu, "Record", AREAS, "area")
        self._choices(menu, "Format", FORMAT_TITLES, "format")
        self._choices(menu, "Frame rate", {fps: f"{fps} frames/s" for fps in FRAME_RATES}, "fps")
        self._choices(menu, "Caption, epoch, learning rate and loss", OVERLAY_TITLES, "overlay_corner")
        pointer = menu.addAction("Show the cursor, clicks and shortcuts")
        pointer.setObjectName("record-pointer")
        pointer.setCheckable(True)
        pointer.setChecked(self.show_pointer)
        pointer.toggled.connect(lambda on: setattr(self, "show_pointer", on))
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


def _remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


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
