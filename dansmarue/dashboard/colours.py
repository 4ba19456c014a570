"""Colour classes for the map: the share of open reports that are overdue.

Five classes of ColorBrewer's YlOrBr (sequential, colour-blind safe and
printable), plus a neutral grey for districts with no open report. Every
class has a text colour chosen for a WCAG contrast ratio of at least 4.5.
"""

from dataclasses import dataclass

NO_DATA_FILL = "#d9d9d9"


@dataclass(frozen=True)
class ColourClass:
    index: int
    lower: float  # inclusive share (0..1)
    upper: float  # exclusive, except the last class
    fill: str
    text: str
    label: str


CLASSES = (
    ColourClass(0, 0.00, 0.10, "#ffffd4", "#1a1a1a", "moins de 10 %"),
    ColourClass(1, 0.10, 0.25, "#fed98e", "#1a1a1a", "10 à 25 %"),
    ColourClass(2, 0.25, 0.40, "#fe9929", "#1a1a1a", "25 à 40 %"),
    ColourClass(3, 0.40, 0.60, "#d95f0e", "#1a1a1a", "40 à 60 %"),
    ColourClass(4, 0.60, 1.00, "#993404", "#ffffff", "60 % et plus"),
)
NO_DATA = ColourClass(-1, 0.0, 0.0, NO_DATA_FILL, "#1a1a1a", "aucun signalement ouvert")


def classify(overdue: int, open_count: int) -> ColourClass:
    """The class of a district with `overdue` late reports among `open_count`."""
    if open_count <= 0:
        return NO_DATA
    share = overdue / open_count
    for colour in CLASSES:
        if share < colour.upper:
            return colour
    return CLASSES[-1]


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio between two #rrggbb colours (1..21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
