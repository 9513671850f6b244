"""Colour maps for the plots, as plain numpy (no Qt), so they are cheap and testable.

Maps are turned into RGBA ``uint8`` images through 256-entry lookup tables: the
value at each pixel is quantised to one byte and used as an index, which costs
one fancy-indexing pass per frame (about 1.3 ms at 200x200, against 3.5 ms for
an Indexed8 lookup table that Qt applies again on every repaint).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from playground.data.palette import hex_to_rgb

# How far a pixel may move from the background toward its class colour at full
# confidence. Below 1 so that points drawn in the full class colour stay visible
# on a region of their own class.
MAP_STRENGTH = 0.65

# Diverging map for regression values: orange below the centre, blue above,
# both ends darker than the palette colours so lightness grows monotonically
# toward the (background-coloured) centre, which keeps the map perceptually ordered.
_NEGATIVE_RAMP = ("#E69F00", "#A35200")  # palette orange, then a dark burnt orange
_POSITIVE_RAMP = ("#56B4E9", "#0A5A8C")  # palette sky blue, then a dark blue

_LUT_SIZE = 256


def class_rgb(colors_hex: Sequence[str]) -> np.ndarray:
    """``["#E69F00", ...]`` -> ``(k, 3)`` uint8 array of RGB rows."""
    return np.array([hex_to_rgb(c) for c in colors_hex], dtype=np.uint8).reshape(-1, 3)


def _rgba(rgb: np.ndarray) -> np.ndarray:
    """Float RGB rows -> opaque uint8 RGBA rows."""
    out = np.empty(rgb.shape[:-1] + (4,), dtype=np.uint8)
    out[..., :3] = np.clip(np.rint(rgb), 0, 255)
    out[..., 3] = 255
    return out


def probability_lut(
    class_colors: np.ndarray, background_rgb: Sequence[int], strength: float = MAP_STRENGTH
) -> np.ndarray:
    """``(k, 256, 4)`` uint8: entry ``[c, q]`` is class ``c`` at confidence ``q / 255``."""
    colors = np.asarray(class_colors, dtype=np.float64).reshape(-1, 3)
    key = (colors.tobytes(), tuple(float(v) for v in background_rgb), float(strength))
    lut = _PROBABILITY_LUTS.get(key)
    if lut is None:
        bg = np.asarray(background_rgb, dtype=np.float64)
        t = np.linspace(0.0, 1.0, _LUT_SIZE)[:, None]
        lut = _rgba(bg + (colors[:, None, :] - bg) * (strength * t))
        lut.flags.writeable = False  # shared by every frame's map
        if len(_PROBABILITY_LUTS) >= 32:
            _PROBABILITY_LUTS.clear()
        _PROBABILITY_LUTS[key] = lut
    return lut


# The tables made so far, by colours, background and strength: the map of every frame uses the
# same one (about 30 us to make, a tenth of colouring the map).
_PROBABILITY_LUTS: dict[tuple, np.ndarray] = {}


def probability_image(
    P: np.ndarray,
    class_colors: np.ndarray,
    background_rgb: Sequence[int],
    strength: float = MAP_STRENGTH,
) -> np.ndarray:
    """Colour a map of class probabilities.

    ``P`` is ``(h, w, k)`` (or ``(h, w)``: the probability of class 1 of two).
    Each pixel takes the colour of its most probable class, blended toward the
    background by the confidence ``(p_max - 1/k) / (1 - 1/k)``: a pixel where all
    classes are equally likely is the background, a certain one is ``strength``
    of the class colour. Pixels with a non-finite probability are background.
    Returns ``(h, w, 4)`` uint8 RGBA, C-contiguous, same row order as ``P``.
    """
    P = np.asarray(P, dtype=np.float64)
    k = 2 if P.ndim == 2 else P.shape[-1]
    if len(class_colors) < k:
        raise ValueError(f"{k} classes in the map but only {len(class_colors)} class colours")
    if k == 2:
        # Two classes (every binary map, every frame): the larger of two planes, not argmax and a
        # gather along a last axis of two (0.5 -> 0.2 ms at 100 x 100). A NaN or infinity makes
        # p_max non-finite as argmax's pick would, and a pixel of confidence 0 is the background
        # whichever class wins, so the colours are the same.
        p0, p1 = (1.0 - P, P) if P.ndim == 2 else (P[..., 0], P[..., 1])
        winner = p1 > p0
        p_max = np.maximum(p0, p1)
    else:
        # argmax treats NaN as the largest value, so a row holding a NaN (or +inf)
        # yields a non-finite p_max: one check covers all classes.
        winner = P.argmax(axis=-1)
        p_max = np.take_along_axis(P, winner[..., None], axis=-1)[..., 0]
    with np.errstate(invalid="ignore"):
        confidence = (p_max - 1.0 / k) / (1.0 - 1.0 / k) if k > 1 else np.ones_like(p_max)
    confidence = np.where(np.isfinite(p_max), np.clip(confidence, 0.0, 1.0), 0.0)
    index = winner * _LUT_SIZE + (confidence * (_LUT_SIZE - 1) + 0.5).astype(np.intp)
    return _lookup(probability_lut(class_colors[:k], background_rgb, strength), index)


def winning_class(P: np.ndarray) -> np.ndarray:
    """The most probable class of each pixel of ``P`` ((h, w, k), or (h, w): p of class 1 of two); -1 where
    a probability is not finite."""
    P = np.asarray(P, dtype=np.float64)
    if P.ndim == 2:
        P = np.stack([1.0 - P, P], axis=-1)
    winner = P.argmax(axis=-1)
    # Class by class: numpy's all(axis=-1) over an axis of two or three loops per pixel.
    finite = np.isfinite(P[..., 0])
    for c in range(1, P.shape[-1]):
        finite &= np.isfinite(P[..., c])
    return np.where(finite, winner, -1)


def class_region_image(
    classes: np.ndarray,
    class_colors: np.ndarray,
    background_rgb: Sequence[int],
    strength: float = MAP_STRENGTH,
) -> np.ndarray:
    """Colour hard class regions: pixel ``classes[i, j] = c`` takes class ``c``'s colour at ``strength``
    (as a certain pixel of :func:`probability_image`); ``-1`` is the background.

    Returns ``classes.shape + (4,)`` uint8 RGBA, C-contiguous.
    """
    classes = np.asarray(classes, dtype=np.intp)
    if classes.size and classes.max() >= len(class_colors):
        raise ValueError(f"class {int(classes.max())} in the regions but only {len(class_colors)} class colours")
    bg = np.asarray(background_rgb, dtype=np.float64)
    rgb = np.asarray(class_colors, dtype=np.float64).reshape(-1, 3)
    table = _rgba(np.vstack([bg + (rgb - bg) * strength, bg]))  # the last row: background, for -1
    return _lookup(table, np.where(classes < 0, len(rgb), classes))


def _lookup(lut: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Gather RGBA rows of ``lut`` (any leading shape, flattened) at ``index`` -> ``index.shape + (4,)``.

    Viewing each RGBA row as one uint32 makes the gather a single ``take`` on a
    flat array, several times faster than indexing a 2D table.
    """
    packed = np.ascontiguousarray(lut).reshape(-1, 4).view(np.uint32).ravel()
    return packed.take(index).view(np.uint8).reshape(index.shape + (4,))


def value_lut(centre_rgb: Sequence[int] = (255, 255, 255), strength: float = 1.0) -> np.ndarray:
    """``(256, 4)`` uint8 diverging table: index 0 is the low end, 255 the high end.

    The centre (index 127.5) is ``centre_rgb``. Maps use the plot background there,
    so values near the middle of the range fade into the plot like uncertain class
    regions do; ``strength`` < 1 keeps every colour that much closer to the centre.
    """
    centre = np.asarray(centre_rgb, dtype=np.float64)
    t = np.linspace(0.0, 1.0, _LUT_SIZE // 2)[:, None]

    def side(ramp: tuple[str, str]) -> np.ndarray:
        # centre -> palette colour over the first half of the side, then -> dark end.
        mid, end = (np.asarray(hex_to_rgb(c), dtype=np.float64) for c in ramp)
        near = centre + (mid - centre) * np.clip(2 * t, 0, 1)
        far = mid + (end - mid) * np.clip(2 * t - 1, 0, 1)
        return np.where(t <= 0.5, near, far)

    rgb = np.concatenate([side(_NEGATIVE_RAMP)[::-1], side(_POSITIVE_RAMP)])
    return _rgba(centre + (rgb - centre) * strength)


def value_index(V: np.ndarray, vmin: float, vmax: float) -> np.ndarray:
    """Quantise values to LUT indices 0..255 over ``[vmin, vmax]`` (clipped); NaN -> centre."""
    span = vmax - vmin if vmax > vmin else 1.0
    # In place, in float64 as before (the diagram quantises every drawn unit's map each frame:
    # 76,000 values for 10 layers of 64, a third faster without the temporaries). A non-finite
    # value (rare: a diverging layer) takes the masked path, which only then looks at V again.
    u = np.asarray(np.subtract(V, vmin, dtype=np.float64))
    u /= span
    if np.isfinite(u).all():
        np.clip(u, 0.0, 1.0, out=u)
    else:
        u = np.where(np.isfinite(np.asarray(V, dtype=np.float64)), np.clip(u, 0.0, 1.0), 0.5)
    u *= _LUT_SIZE - 1
    u += 0.5
    return u.astype(np.intp)


def value_image(
    V: np.ndarray,
    vmin: float,
    vmax: float,
    background_rgb: Sequence[int] = (255, 255, 255),
    strength: float = MAP_STRENGTH,
) -> np.ndarray:
    """Colour a ``(h, w)`` map of regression values with the diverging orange-blue map.

    Values are clipped to ``[vmin, vmax]``; the middle of that range is the
    background colour; non-finite values are drawn as the middle. Returns
    ``(h, w, 4)`` uint8 RGBA, C-contiguous.
    """
    return _lookup(value_lut(background_rgb, strength), value_index(V, vmin, vmax))
