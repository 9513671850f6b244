"""Make the guide's and the README's screenshots with the project's own render command.

    python docs/make_screenshots.py            # all of them, into docs/images/
    python docs/make_screenshots.py window     # only some

Each picture is the last frame of a short video that ``python -m playground render`` writes
(the real window drawn offscreen after training, so the pictures show the app as it is and
never go stale), taken out with the ffmpeg that the ``video`` extra installs. The labelled
window adds numbered badges; their places are fractions of the picture, matched to the
window's layout (docs/guide.md, "The window", says what each number is): move them here if
the layout changes. Needs ``pip install -e ".[video]"``; about 20 s a picture.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

IMAGES = Path(__file__).resolve().parent / "images"
SIZE = "1280x720"

# name -> the render command's options (the video's first frame is epoch 0, its last the result).
SHOTS: dict[str, list[str]] = {
    "window": [
        "--preset",
        "spiral",
        "--hidden",
        "8,8",
        "--lr",
        "0.03",
        "--batch-size",
        "10",
        "--epochs",
        "300",
        "--size",
        SIZE,
    ],
    "lesson-no-hidden": ["--preset", "xor", "--hidden", "0", "--epochs", "100", "--view", "plots", "--size", "960x540"],
    "lesson-hidden": [
        "--preset",
        "xor",
        "--hidden",
        "4",
        "--activation",
        "tanh",
        "--epochs",
        "200",
        "--view",
        "plots",
        "--size",
        "960x540",
    ],
    "presentation": ["--preset", "moons", "--hidden", "6", "--epochs", "150", "--presentation", "--size", SIZE],
}
# The labelled copy of "window": badge number -> (x, y) as fractions of the picture's width and height.
BADGES = {
    1: (0.215, 0.026),
    2: (0.215, 0.372),
    3: (0.215, 0.659),  # data, network, training panels
    4: (0.36, 0.022),
    5: (0.705, 0.017),  # decision boundary, activation space
    6: (0.285, 0.558),
    7: (0.675, 0.555),
    8: (0.872, 0.021),  # loss, gradient norms, network diagram
    9: (0.04, 0.87),
    10: (0.485, 0.97),
    11: (0.535, 0.97),  # timeline, transport bar, readouts
}


def render_last_frame(name: str, options: list[str], out: Path) -> None:
    """Run ``playground render`` with ``options`` and save the video's last frame as ``out`` (PNG)."""
    import imageio_ffmpeg

    epochs = options[options.index("--epochs") + 1]
    with tempfile.TemporaryDirectory() as folder:
        video = Path(folder) / f"{name}.mp4"
        # Two frames: before training and after all the epochs.
        command = [
            sys.executable,
            "-m",
            "playground",
            "render",
            *options,
            "--epochs-per-frame",
            epochs,
            "--fps",
            "1",
            "--out",
            str(video),
        ]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(
            [
                imageio_ffmpeg.get_ffmpeg_exe(),
                "-v",
                "error",
                "-y",
                "-i",
                str(video),
                "-vf",
                r"select=eq(n\,1)",
                "-frames:v",
                "1",
                str(out),
            ],
            check=True,
        )


def label(source: Path, out: Path) -> None:
    """``source`` with the numbered BADGES drawn on it."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPen

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 - fonts need one
    image = QImage(str(source))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    radius = image.height() * 0.022
    font = QFont()
    font.setBold(True)
    font.setPixelSize(round(radius * 1.2))
    painter.setFont(font)
    for number, (fx, fy) in BADGES.items():
        centre = QPointF(fx * image.width(), fy * image.height())
        painter.setPen(QPen(QColor("white"), 2))
        painter.setBrush(QColor("#C0392B"))
        painter.drawEllipse(centre, radius, radius)
        box = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(number))
    painter.end()
    if not image.save(str(out)):
        raise OSError(f"{out}: could not be written")


def main(names: list[str]) -> int:
    """Make the pictures ``names`` (all when empty); print each file written."""
    unknown = sorted(set(names) - set(SHOTS))
    if unknown:
        print(f"make_screenshots: unknown picture {', '.join(unknown)} (known: {', '.join(SHOTS)})", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    IMAGES.mkdir(exist_ok=True)
    for name in names or list(SHOTS):
        out = IMAGES / f"{name}.png"
        render_last_frame(name, SHOTS[name], out)
        print(f"wrote {out}")
        if name == "window":
            label(out, IMAGES / "window-labelled.png")
            print(f"wrote {IMAGES / 'window-labelled.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
