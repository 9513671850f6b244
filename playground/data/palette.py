"""Class colours: the Okabe-Ito palette, safe for the common kinds of colour blindness.

Plain hex strings, so the data layer can carry colours without importing Qt.
"""

OKABE_ITO: tuple[str, ...] = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#0072B2",  # blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#999999",  # grey
)

MAX_CLASSES = len(OKABE_ITO)


def class_color(index: int) -> str:
    """The colour of class ``index`` (0-based), as ``#RRGGBB``."""
    if not 0 <= index < MAX_CLASSES:
        raise ValueError(f"class index {index} is outside 0..{MAX_CLASSES - 1}")
    return OKABE_ITO[index]


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """``"#E69F00"`` -> ``(230, 159, 0)``; raises ValueError on anything else."""
    text = color.strip()
    if len(text) != 7 or text[0] != "#":
        raise ValueError(f"colour {color!r} is not of the form #RRGGBB")
    try:
        return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)
    except ValueError:
        raise ValueError(f"colour {color!r} is not of the form #RRGGBB") from None
