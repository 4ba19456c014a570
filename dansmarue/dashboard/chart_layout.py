"""How the dashboard's charts are laid out for each screen (#19.10).

A chart is drawn twice: 640 units wide for a screen, and 340 wide with
larger text for a phone, where the wide drawing would shrink its labels to
7 px; the stylesheet shows one (`.chart-wide`, `.chart-narrow`). Margins,
legends and long labels are placed from the text's estimated width, so no
label runs past the chart's edge ("PARTENAIRES" did).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Size:
    width: int
    font: int
    suffix: str  # of the chart's ids
    css: str  # the class the stylesheet shows on its screens

    @property
    def attrs(self) -> str:
        return f'font-family="inherit" font-size="{self.font}"'


WIDTH = 640
WIDE = Size(WIDTH, 13, "", "chart-wide")
NARROW = Size(340, 14, "-n", "chart-narrow")  # 12 px or more from a 360 px wide phone up


def both(draw: Callable[[Size], Markup]) -> Markup:
    return Markup(draw(WIDE) + draw(NARROW))


def text_width(text: str, size: Size) -> float:
    """A generous estimate of the text's width in the chart's units (system fonts)."""
    return len(text) * size.font * 0.62


def wrap(text: str, chars: int, lines: int = 2) -> list[str]:
    """`text` in at most `lines` lines of `chars` characters, cut with … if longer."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= chars:
            line += " " + words.pop(0)
        out.append(short(line, chars))
    if words:
        out[-1] = short(out[-1] + " " + " ".join(words), chars)
    return out


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def legend(
    items: Sequence[tuple[str, str]], x: float, y: float, size: Size, dashes: Sequence[str] | None = None
) -> tuple[str, float]:
    """The legend's markup from (x, y), wrapping before the right edge, and its height."""
    out, cursor, line = [], x, 0
    step = size.font + 8
    for k, (name, colour) in enumerate(items):
        mark_w = 28 if dashes is not None else 17
        if cursor > x and cursor + mark_w + text_width(name, size) > size.width:
            cursor, line = x, line + 1
        base = y + line * step
        if dashes is not None:
            dash = dashes[k]
            attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<line x1="{cursor:.1f}" y1="{base - 4:.1f}" x2="{cursor + 22:.1f}" y2="{base - 4:.1f}" '
                f'stroke="{colour}" stroke-width="3"{attr}/>'
            )
        else:
            out.append(f'<rect x="{cursor:.1f}" y="{base - 11:.1f}" width="12" height="12" fill="{colour}"/>')
        cursor += mark_w
        out.append(f'<text x="{cursor:.1f}" y="{base:.1f}" fill="#1a1a1a" {size.attrs}>{escape(name)}</text>')
        cursor += text_width(name, size) + 18
    return "".join(out), y + line * step


def fmt_int(value: float) -> str:
    """French thousands separator (narrow no-break space)."""
    return f"{round(value):,}".replace(",", "\u202f")
