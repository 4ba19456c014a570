"""Server-rendered SVG charts: no JavaScript, no library, nothing downloaded.

Each function returns Markup for an inline `<svg role="img">` with a
`<title>` and a `<desc>`; the page also shows the same figures as a table.
Every text is escaped. Colours are distinguishable without colour vision too:
stacked segments are ordered and labelled, lines differ by dash and marker.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
FONT = 'font-family="inherit" font-size="13"'
AXIS = "#595959"  # 7:1 on white
GRID = "#d0d0d0"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    colour: str
    dash: str = ""  # SVG stroke-dasharray
    marker: str = "circle"  # circle | square


def _svg(chart_id: str, height: int, title: str, desc: str, body: list[str]) -> Markup:
    head = (
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def axis(value: float, max_ticks: int = 5, integer: bool = True) -> tuple[float, float]:
    """(maximum, step) of a round axis covering `value` in at most `max_ticks` steps
    of 1, 2, 2.5 or 5 × 10^n (integers only when counting)."""
    if value <= 0:
        return 1.0, 1.0 if integer else 0.25
    magnitude = 10.0 ** math.floor(math.log10(value / max_ticks))
    if integer:
        magnitude = max(magnitude, 1.0)
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if integer and (step < 1 or step != int(step)):
            continue
        if math.ceil(value / step - 1e-9) <= max_ticks:
            return math.ceil(value / step - 1e-9) * step, step
    return value, value


def nice_max(value: float) -> float:
    return axis(value)[0]


def _ticks(maximum: float, step: float) -> list[float]:
    return [i * step for i in range(int(round(maximum / step)) + 1)]


def stacked_bars(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, str, Sequence[int]]],
    segments: Sequence[tuple[str, str]],
) -> Markup:
    """Horizontal stacked bars: rows are (short label, full label, values per segment);
    segments are (name, colour)."""
    left, top, bar_h, gap = 80, 34, 22, 10
    height = top + max(1, len(rows)) * (bar_h + gap) + 24
    scale_max, step = axis(max((sum(v) for _, _, v in rows), default=0))
    plot_w = WIDTH - left - 40
    body = [_legend(segments, left, 16)]
    for value in _ticks(scale_max, step):
        x = left + plot_w * value / scale_max
        body.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 20}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="{AXIS}" {FONT}>'
            f"{_fmt_int(value)}</text>"
        )
    for i, (short, full, values) in enumerate(rows):
        y = top + i * (bar_h + gap)
        body.append(
            f'<text x="{left - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" fill="#1a1a1a" '
            f"{FONT}>{escape(short)}</text>"
        )
        x = float(left)
        for (name, colour), value in zip(segments, values, strict=False):
            w = plot_w * value / scale_max
            if value:
                body.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}" '
                    f'stroke="#ffffff" stroke-width="1"><title>{escape(full)} — {escape(name)} : '
                    f"{_fmt_int(value)}</title></rect>"
                )
            x += w
        body.append(
            f'<text x="{min(x + 4, WIDTH - 4):.1f}" y="{y + bar_h * 0.7:.1f}" fill="#1a1a1a" '
            f"{FONT}>{_fmt_int(sum(values))}</text>"
        )
    return _svg(chart_id, height, title, desc, body)


def bars(chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, int]], colour: str) -> Markup:
    """Horizontal bars, the label above each bar (category labels are long)."""
    top, bar_h, step = 8, 16, 40
    height = top + max(1, len(rows)) * step + 4
    scale_max = nice_max(max((v for _, v in rows), default=0))
    plot_w = WIDTH - 70
    body = []
    for i, (label, value) in enumerate(rows):
        y = top + i * step
        w = plot_w * value / scale_max
        body.append(
            f'<text x="0" y="{y + 12}" fill="#1a1a1a" {FONT}>{escape(_short(label, 80))}</text>'
            f'<rect x="0" y="{y + 18}" width="{max(w, 1):.1f}" height="{bar_h}" fill="{colour}">'
            f"<title>{escape(label)} : {_fmt_int(value)}</title></rect>"
            f'<text x="{w + 6:.1f}" y="{y + 31}" fill="#1a1a1a" {FONT}>{_fmt_int(value)}</text>'
        )
    return _svg(chart_id, height, title, desc, body)


def lines(
    chart_id: str,
    title: str,
    desc: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_axis: tuple[float, float] | None = None,
    y_format: Callable[[float], str] = lambda v: f"{v:g}",
) -> Markup:
    """A line chart over categorical x values (weeks); None values break the line.
    `y_axis` is (maximum, step); by default a round axis over the data."""
    left, right, top, bottom = 56, 28, 30, 40
    height = 260
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    peak = max((v for s in series for v in s.values if v is not None), default=0)
    scale_max, step = y_axis or axis(peak, integer=False)
    n = max(1, len(x_labels) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + plot_w * i / n, top + plot_h * (1 - v / scale_max)

    body = [_legend([(s.name, s.colour) for s in series], left, 16, [s.dash for s in series])]
    for value in _ticks(scale_max, step):
        _, y = xy(0, value)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{AXIS}" {FONT}>'
            f"{escape(y_format(value))}</text>"
        )
    every = max(1, len(x_labels) // 6)
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == len(x_labels) - 1:
            x, _ = xy(i, 0)
            body.append(
                f'<text x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                f'fill="{AXIS}" {FONT}>{escape(label)}</text>'
            )
    for s in series:
        for run in _runs(s.values):
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in run))
            dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
            body.append(
                f'<polyline points="{points}" fill="none" stroke="{s.colour}" ' f'stroke-width="2.5"{dash}/>'
            )
        for i, v in enumerate(s.values):
            if v is None:
                continue
            x, y = xy(i, v)
            tip = f"<title>{escape(s.name)}, {escape(x_labels[i])} : {escape(y_format(v))}</title>"
            if s.marker == "square":
                body.append(
                    f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" '
                    f'fill="{s.colour}">{tip}</rect>'
                )
            else:
                body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{s.colour}">{tip}</circle>')
    return _svg(chart_id, height, title, desc, body)


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """Consecutive non-empty points, so a week without data breaks the line."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for i, v in enumerate(values):
        if v is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((i, v))
    if current:
        runs.append(current)
    return runs


def _legend(
    items: Sequence[tuple[str, str]], x: int, y: int, dashes: Sequence[str | None] | None = None
) -> str:
    out, cursor = [], x
    for k, (name, colour) in enumerate(items):
        dash = dashes[k] if dashes else None
        if dashes is not None:
            attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<line x1="{cursor}" y1="{y - 4}" x2="{cursor + 22}" y2="{y - 4}" '
                f'stroke="{colour}" stroke-width="3"{attr}/>'
            )
            cursor += 28
        else:
            out.append(f'<rect x="{cursor}" y="{y - 11}" width="12" height="12" fill="{colour}"/>')
            cursor += 17
        out.append(f'<text x="{cursor}" y="{y}" fill="#1a1a1a" {FONT}>{escape(name)}</text>')
        cursor += 9 * len(name) + 18
    return "".join(out)


def _fmt_int(value: float) -> str:
    """French thousands separator (narrow no-break space)."""
    return f"{round(value):,}".replace(",", "\u202f")
