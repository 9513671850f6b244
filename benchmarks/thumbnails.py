"""Dataset thumbnails and the example gallery (offscreen): prints medians, asserts nothing.

- painting one preset's thumbnail (numpy pixels, then the QImage) at the picker's 40 px
  and the gallery's 120 px, for 150 and 10,000 points;
- all presets' icons from an empty cache (what the DATA panel pays once per theme);
- building the gallery dialog of the shipped examples (reading the lessons and their
  first sessions' data, and painting ten 120 px tiles).

Run: ``python benchmarks/thumbnails.py``.
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from playground.data import make_dataset  # noqa: E402
from playground.data.generators import DATASET_NAMES  # noqa: E402
from playground.training.examples import shipped_examples  # noqa: E402
from playground.ui.gallery.gallery import GalleryDialog, read_entries  # noqa: E402
from playground.ui.gallery.thumbnails import ThumbnailCache, thumbnail_image  # noqa: E402

REPEATS = 15


def median_ms(run, repeats: int = REPEATS) -> float:
    """The median wall time of ``run()`` in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    app = QApplication.instance() or QApplication([])
    for n in (150, 10_000):
        ds = make_dataset("spiral", n=n, noise=0.1, seed=0)
        for size in (40, 120):
            ms = median_ms(lambda: thumbnail_image(ds, size, False))
            print(f"thumbnail of {n:>6} points at {size:>3} px: {ms:7.3f} ms")
    ms = median_ms(lambda: [ThumbnailCache().preset_icon(name, 40, False) for name in DATASET_NAMES], 5)
    print(f"all {len(DATASET_NAMES)} preset icons, empty cache: {ms:7.2f} ms")

    def gallery() -> None:
        entries, _ = read_entries(shipped_examples())
        GalleryDialog(entries, False).deleteLater()

    print(f"gallery dialog of {len(shipped_examples())} examples: {median_ms(gallery, 5):7.1f} ms")
    app.processEvents()


if __name__ == "__main__":
    main()
