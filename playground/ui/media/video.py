"""Stream RGB frames into an MP4 or GIF file through ffmpeg, on a background thread.

``imageio-ffmpeg`` (the optional ``video`` extra) carries an ffmpeg binary; we
start it ourselves (see :func:`start_ffmpeg` for why not through
``imageio_ffmpeg.write_frames``). Both formats stream: each frame is piped to
ffmpeg as it comes and nothing is kept in memory. A GIF's palette is either

- ``"frame"``: one per frame, from that frame alone (``palettegen=stats_mode=single``).
  It streams and keeps the colours right whatever happens on screen (a theme
  switch mid-recording), but every frame is stored whole: about 55 kB a frame at
  640x360. The recorder uses it.
- ``"global"``: one for the whole video, from every frame's changes, and frames
  store only the rectangle that changed: about half the size. ffmpeg must see
  the last frame before it writes the first, so it holds them all (in its own
  process); the renderer uses it when it knows they are few.

Threads: the caller only puts frames on a short queue (``QUEUE_FRAMES``); a
writer thread feeds ffmpeg, which encodes in its own process. The caller picks
what a full queue means: :meth:`VideoWriter.write` waits for room (the
renderer, which must not lose a frame), :meth:`VideoWriter.offer` refuses the
frame at once (the window's recorder: the GUI thread never waits on the
encoder).

Video time: every frame has a position (``index``), frame ``i`` being shown at
``i / fps`` seconds. A position left without a frame (a refused offer, a late
timer) shows the frame before it: the writer thread repeats that frame, so a
recording of ``d`` seconds is ``d`` seconds long however many frames were
dropped. An MP4 keeps its constant frame rate (what video editors expect and
every reader decodes alike; x264 encodes a repeat in about 60% of the time of
a new frame). With ``merge_repeats`` (GIF only, whose frames each carry their
own display time) ffmpeg merges repeats into the frame before, shown longer
(``mpdecimate``, then variable frame durations), so a repeat costs nothing to
encode: this is what lets a GIF of the whole window keep up (ffmpeg makes
about 5 GIF frames a second at 1280x720 here, against 40 MP4 frames).
"""

from __future__ import annotations

import collections
import os
import subprocess
import tempfile
import threading
from typing import Callable

import numpy as np

VIDEO_FORMATS = ("mp4", "gif")
INSTALL_HINT = (
    "Video needs the optional package imageio-ffmpeg (it carries ffmpeg): "
    'pip install "backprop-playground[video]"  (or: pip install imageio-ffmpeg)'
)
QUEUE_FRAMES = 4  # frames waiting for ffmpeg at most: 11 MB at 1280x720, and little to finish at the end

# ffmpeg settings per format: codec, pixel format, extra output options.
_ENCODING = {
    # x264 "veryfast" keeps up with 1280x720 at 30 fps on a 2-core machine; crf 20 keeps text crisp.
    "mp4": ("libx264", "yuv420p", ["-crf", "20", "-preset", "veryfast", "-movflags", "+faststart"]),
    "gif": ("gif", "pal8", ["-loop", "0"]),
}
GIF_PALETTES = {
    # Bayer dithering (as below): error diffusion encodes 30% fewer frames a second at 1280x720.
    "frame": "split[a][b];[a]palettegen=stats_mode=single[p];[b][p]paletteuse=new=1:dither=bayer:bayer_scale=4",
    # Bayer dithering: smooth heatmaps without banding, and it compresses far better than error diffusion.
    "global": "split[a][b];[a]palettegen=stats_mode=diff[p];"
    "[b][p]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle",
}
# Drops exact repeats only (no 8x8 block differs at all); the kept frame then lasts until the next one.
_MERGE_REPEATS = "mpdecimate=hi=0:lo=0:frac=0"


def video_format(path: str) -> str:
    """``"mp4"`` or ``"gif"`` from ``path``'s extension; ValueError for anything else."""
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext not in VIDEO_FORMATS:
        raise ValueError(f"{path}: a video file must end in .mp4 or .gif")
    return ext


def missing_video_support() -> str | None:
    """None when video can be written, else what to install (a sentence for people)."""
    try:
        import imageio_ffmpeg  # noqa: F401 - only checking that it is there
    except ImportError:
        return INSTALL_HINT
    return None


def ffmpeg_command(
    path: str, size: tuple[int, int], fps: float, gif_palette: str = "frame", merge_repeats: bool = False
) -> list[str]:
    """The ffmpeg command line that reads raw RGB frames of ``size`` on stdin and writes ``path``."""
    import imageio_ffmpeg  # the optional extra: checked by missing_video_support()

    fmt = video_format(path)
    codec, pixels, options = _ENCODING[fmt]
    if fmt == "gif":
        filters = [_MERGE_REPEATS, GIF_PALETTES[gif_palette]] if merge_repeats else [GIF_PALETTES[gif_palette]]
        options = ["-vf", ",".join(filters), *options]
        if merge_repeats:  # variable frame durations: a merged repeat lengthens the frame before it
            options = ["-fps_mode", "vfr", *options]
    from fractions import Fraction  # here, when a recording starts, not at start-up

    rate = str(Fraction(fps).limit_denominator(1001))  # 29.97 stays 30000/1001
    return [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-s",
        f"{size[0]}x{size[1]}",
        "-r",
        rate,
        "-i",
        "-",
        "-an",
        "-c:v",
        codec,
        "-pix_fmt",
        pixels,
        *options,
        "-y",
        path,
    ]


def start_ffmpeg(command: list[str], log) -> subprocess.Popen:
    """Start ffmpeg reading frames from a pipe, its messages going to the file ``log``.

    No ``preexec_fn`` (imageio-ffmpeg passes one): with it CPython must call a
    real ``fork()``, which runs the pre-fork handlers of every library, and
    OpenBLAS's deadlocked with a training thread in the middle of a threaded
    matrix product (the recording froze the window). Without it, CPython starts
    the child with ``vfork``/``posix_spawn``, which run no such handler.
    ``start_new_session`` (a ``setsid`` in the child, which needs no
    ``preexec_fn``) keeps the terminal's Ctrl+C away from ffmpeg, so that the
    program decides whether the file is finished or removed.
    """
    return subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log, close_fds=True, start_new_session=True
    )


class VideoWriter:
    """Write ``(height, width, 3)`` uint8 frames of one even ``size`` (width, height) at ``fps``.

    ``gif_palette`` is ``"frame"`` or ``"global"`` and ``merge_repeats`` merges
    repeated frames (see the module docstring); MP4 ignores both. ``on_done(writer)``
    is called from the writer thread once the file is finished or has failed
    (then ``error`` says why). ``frames`` counts the frames handed to ffmpeg.
    """

    def __init__(
        self,
        path: str,
        size: tuple[int, int],
        fps: float,
        gif_palette: str = "frame",
        *,
        merge_repeats: bool = False,
        queue_frames: int = QUEUE_FRAMES,
        on_done: Callable[[VideoWriter], None] | None = None,
    ) -> None:
        width, height = size
        if width % 2 or height % 2 or width < 2 or height < 2:
            raise ValueError(f"video size {width}x{height}: width and height must be even")
        command = ffmpeg_command(path, (width, height), fps, gif_palette, merge_repeats)
        self.path = path
        self.size = (width, height)
        self.frames = 0  # frames handed to ffmpeg so far (writer thread)
        self.error: str | None = None  # why writing failed, for people
        self._merge = merge_repeats and video_format(path) == "gif"
        self._on_done = on_done
        self._cond = threading.Condition()
        self._queue: collections.deque[tuple[int, np.ndarray]] = collections.deque()
        self._limit = max(1, queue_frames)
        self._queued_end = 0  # one past the last position queued (caller's side)
        self._total: int | None = None  # the video's length in frames, once finish() has been called
        self._aborted = False
        self._done = threading.Event()
        # Writer thread: the newest frame is held back until the next one (or the end) says how long
        # it lasts, so that the very last frame can be told apart from a repeat (see _pad_to_end).
        self._last: np.ndarray | None = None
        self._held_at = 0  # its position
        self._sent_last: np.ndarray | None = None  # the frame sent last
        self._log = tempfile.TemporaryFile()  # ffmpeg's messages: a file, so it can never block ffmpeg
        try:
            self._process = start_ffmpeg(command, self._log)
        except OSError as exc:
            self._log.close()
            raise OSError(f"cannot start ffmpeg to write {path}: {exc.strerror or exc}") from exc
        assert self._process.stdin is not None  # stdin=PIPE
        self._stdin = self._process.stdin
        self._thread = threading.Thread(target=self._run, name="video-writer", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------ the caller's side
    @property
    def positions(self) -> int:
        """Positions queued so far: the length of the video if it were finished now."""
        return self._queued_end

    def has_room(self) -> bool:
        """Whether :meth:`offer` would take a frame now (to skip capturing one that would be dropped)."""
        with self._cond:
            return len(self._queue) < self._limit

    def offer(self, frame: np.ndarray, index: int | None = None) -> bool:
        """Queue ``frame`` at position ``index`` (default: the next one) unless the queue is full.

        Never waits. Positions skipped since the last queued frame repeat that
        frame. False if the frame was dropped; OSError if writing has failed.
        """
        return self._put(frame, index, wait=False)

    def write(self, frame: np.ndarray) -> None:
        """Queue ``frame`` at the next position, waiting while the queue is full; OSError if writing failed."""
        self._put(frame, None, wait=True)

    def finish(self, frames: int | None = None) -> None:
        """End the input: the file gets ``frames`` positions (default: those queued), the last
        frame repeated up to there. Returns at once; the writer thread finishes the file."""
        with self._cond:
            if self._total is None:
                self._total = max(self._queued_end, frames or 0)
                self._cond.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the file is finished (or writing failed); False if ``timeout`` passed first."""
        return self._done.wait(timeout)

    def close(self) -> None:
        """Finish the file and wait for it; OSError if anything failed."""
        self.finish()
        self.wait()
        self._raise_error()

    def abort(self) -> None:
        """Stop ffmpeg at once and remove the unfinished file."""
        with self._cond:
            self._aborted = True
            self._queue.clear()
            self._cond.notify_all()
        self._process.kill()
        self.wait()
        try:
            os.remove(self.path)
        except FileNotFoundError:
            pass

    def _put(self, frame: np.ndarray, index: int | None, wait: bool) -> bool:
        expected = (self.size[1], self.size[0], 3)
        if frame.shape != expected or frame.dtype != np.uint8:
            raise ValueError(f"frame of shape {frame.shape} {frame.dtype}, expected {expected} uint8")
        with self._cond:
            while wait and len(self._queue) >= self._limit and not self._stopped():
                self._cond.wait()
            self._raise_error()
            if self._total is not None or self._aborted:
                raise ValueError(f"{self.path}: the video is already finished")
            if len(self._queue) >= self._limit:
                return False
            index = self._queued_end if index is None else index
            if index < self._queued_end or (index and not self._queued_end):
                raise ValueError(
                    f"frame position {index}: the first frame goes at 0, the others after {self._queued_end - 1}"
                )
            self._queue.append((index, np.ascontiguousarray(frame)))
            self._queued_end = index + 1
            self._cond.notify_all()
            return True

    def _stopped(self) -> bool:
        return self.error is not None or self._aborted or self._done.is_set()

    def _raise_error(self) -> None:
        if self.error is not None:
            raise OSError(f"writing {self.path} failed: {self.error}")

    # ------------------------------------------------------------ the writer thread
    def _run(self) -> None:
        try:
            while (item := self._next_item()) is not None:
                self._feed(*item)
            if not self._aborted:
                self._pad_to_end()
            self._stdin.close()
            status = self._process.wait()
            if status != 0 and not self._aborted:
                self._fail(f"ffmpeg stopped with status {status}")
        except (OSError, ValueError) as exc:  # a broken pipe: ffmpeg has quit
            if not self._aborted:
                self._fail(str(exc))
            self._process.kill()
            self._process.wait()
        finally:
            self._log.close()
            with self._cond:
                self._queue.clear()
                self._done.set()
                self._cond.notify_all()  # write() waiting for room wakes up and raises
            if self._on_done is not None:
                self._on_done(self)

    def _next_item(self) -> tuple[int, np.ndarray] | None:
        """The next queued frame, waiting for one; None once finished (or aborted) and drained."""
        with self._cond:
            while not self._queue and self._total is None and not self._aborted:
                self._cond.wait()
            if self._aborted or not self._queue:
                return None
            item = self._queue.popleft()
            self._cond.notify_all()  # room for write()
            return item

    def _feed(self, index: int, frame: np.ndarray) -> None:
        """Send the frame held back, repeated up to ``index``; hold ``frame`` (see _pad_to_end)."""
        if self._last is not None:
            self._send(self._last)
            while self.frames < index:
                self._send(self._last)
        self._last, self._held_at = frame, index

    def _pad_to_end(self) -> None:
        """Send the frame held back, repeated up to the length finish() asked for."""
        if self._last is None or self._total is None:
            return
        before = self._sent_last  # the frame sent before the held one
        while self.frames < self._total - 1:
            self._send(self._last)
        last = self._last
        if (
            self._merge
            and self.frames
            and (self.frames > self._held_at or (before is not None and np.array_equal(last, before)))
        ):
            # Merged repeats at the very end would vanish with their duration: the last frame
            # differs from the one before in one pixel, so ffmpeg keeps it.
            last = _nudged(last)
        self._send(last)

    def _send(self, frame: np.ndarray) -> None:
        self._stdin.write(frame.data.cast("B"))  # the array's own bytes, not a copy
        self.frames += 1
        self._sent_last = frame

    def _fail(self, reason: str) -> None:
        self._log.seek(0)
        said = [
            line.strip() for line in self._log.read()[-2000:].decode("utf-8", "replace").splitlines() if line.strip()
        ]
        self.error = said[-1] if said else reason


def _nudged(frame: np.ndarray) -> np.ndarray:
    """``frame`` with one pixel a little brighter or darker: invisible for one frame, but not a repeat.

    The pixel is inside the first 8x8 block that ``mpdecimate`` compares (its
    blocks start at column 8, so a change in the top-left corner goes unseen),
    and it changes by 8 levels, which survives the conversion to the encoder's
    colours (MP4 compares brightness in whole levels)."""
    out = frame.copy()
    out[min(2, out.shape[0] - 1), min(10, out.shape[1] - 1)] ^= 8
    return out
