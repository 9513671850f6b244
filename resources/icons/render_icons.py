"""Render the application icon's PNG sizes from its SVG (a development tool, not used at run time).

    python resources/icons/render_icons.py

reads ``playground/resources/icons/backprop-playground.svg`` and writes ``playground-<N>.png``
beside it for N in SIZES, with Qt's own SVG renderer (QtSvg, part of PySide6-Essentials),
so no other tool is needed. Run it after editing the SVG and commit the PNGs: the wheel
ships them and the window, the task bar and the Linux desktop file use them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256)
ICONS = Path(__file__).resolve().parents[2] / "playground" / "resources" / "icons"
SVG = ICONS / "backprop-playground.svg"


def render(svg: Path, size: int):
    """The SVG drawn into a transparent ``size`` x ``size`` QImage (antialiased)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not a valid SVG file")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    """Write every size; print each file written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen needed
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 - QImage needs one
    for size in SIZES:
        out = ICONS / f"playground-{size}.png"
        if not render(SVG, size).save(str(out)):
            raise OSError(f"{out}: could not be written")
        print(f"wrote {out.relative_to(ICONS.parents[2])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
