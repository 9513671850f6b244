"""Stream RGB frames into an MP4 or GIF file through ffmpeg, on a background thread.

``imageio-ffmpeg`` (the optional ``video`` extra) carries an ffmpeg binary.
Both formats go through it, because both stream: each frame is piped to ffmpeg
as it comes and nothing is kept in memory (imageio's GIF writer keeps every
frame until the file is closed). A GIF's palette is either

- ``"frame"``: one per frame, from that frame alone (``palettegen=stats_mode=single``).
  It streams and keeps the colours right whatever happens on screen (a theme
  switch mid-recording), but every frame is stored whole: about 55 kB a frame at
  640x360. The recorder uses it.
- ``"global"``: one for the whole video, from every frame's changes, and frames
  store only the rectangle that changed: about half the size. ffmpeg must see
  the last frame before it writes the first, so it holds them all (in its own
  process); the renderer uses it when it knows they are few.

The caller's thread only puts frames on a short queue; a writer thread feeds
ffmpeg, which encodes in its own process. A full queue (an encoder slower than
the frames) makes ``write`` wait, so memory stays bounded.
"""

from __future__ import annotations

import os
import queue
import threading

import numpy as np

VIDEO_FORMATS = ("mp4", "gif")
INSTALL_HINT = ('Video needs the optional packages imageio and imageio-ffmpeg: '
                'pip install "playground[video]"  (or: pip install imageio imageio-ffmpeg)')
QUEUE_FRAMES = 8  # frames waiting for ffmpeg at most: 22 MB at 1280x720

# ffmpeg settings per format: codec, pixel format, extra output options.
_ENCODING = {
    # x264 "veryfast" keeps up with 1280x720 at 30 fps on a 2-core machine; crf 20 keeps text crisp.
    "mp4": ("libx264", "yuv420p", ["-crf", "20", "-preset", "veryfast", "-movflags", "+faststart"]),
    "gif": ("gif", "pal8", ["-loop", "0"]),
}
GIF_PALETTES = {
    "frame": "split[a][b];[a]palettegen=stats_mode=single[p];[b][p]paletteuse=new=1",
    # Bayer dithering: smooth heatmaps without banding, and it compresses far better than error diffusion.
    "global": "split[a][b];[a]palettegen=stats_mode=diff[p];"
              "[b][p]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle",
}


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


class VideoWriter:
    """Write ``(height, width, 3)`` uint8 frames of one even ``size`` (width, height) at ``fps``.

    ``gif_palette`` is ``"frame"`` or ``"global"`` (see the module docstring); MP4 ignores it.
    """

    def __init__(self, path: str, size: tuple[int, int], fps: float, gif_palette: str = "frame") -> None:
        import imageio_ffmpeg  # the optional extra: checked by missing_video_support()

        width, height = size
        if width % 2 or height % 2 or width < 2 or height < 2:
            raise ValueError(f"video size {width}x{height}: width and height must be even")
        fmt = video_format(path)
        codec, pixels, options = _ENCODING[fmt]
        if fmt == "gif":
            options = ["-vf", GIF_PALETTES[gif_palette], *options]
        self.path = path
        self.size = (width, height)
        self.frames = 0  # frames handed to ffmpeg so far
        self._pipe = imageio_ffmpeg.write_frames(path, self.size, fps=fps, codec=codec, pix_fmt_out=pixels,
                                                 quality=None, macro_block_size=1, output_params=options,
                                                 ffmpeg_log_level="error")
        self._pipe.send(None)  # starts ffmpeg
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue(QUEUE_FRAMES)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="video-writer", daemon=True)
        self._thread.start()

    def write(self, frame: np.ndarray) -> None:
        """Queue one frame (waits while the queue is full); raises if ffmpeg has failed."""
        self._raise_error()
        if frame.shape != (self.size[1], self.size[0], 3) or frame.dtype != np.uint8:
            raise ValueError(f"frame of shape {frame.shape} {frame.dtype}, expected "
                             f"{(self.size[1], self.size[0], 3)} uint8")
        self._queue.put(frame)

    def close(self) -> None:
        """Write the queued frames, let ffmpeg finish the file; raises if anything failed."""
        self._queue.put(None)
        self._thread.join()
        self._raise_error()

    def _raise_error(self) -> None:
        if self._error is not None:
            raise OSError(f"writing {self.path} failed: {self._error}") from self._error

    def _run(self) -> None:
        ended = False  # the None that close() queues has been taken
        try:
            while (frame := self._queue.get()) is not None:
                self._pipe.send(frame)
                self.frames += 1
            ended = True
            self._pipe.close()
        except Exception as exc:  # handed to the caller's thread by _raise_error
            self._error = exc
            # Take what is still queued, so that write() and close() never wait on a dead encoder.
            while not ended and self._queue.get() is not None:
                pass
