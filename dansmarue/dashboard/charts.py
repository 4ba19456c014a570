"""Server-rendered SVG charts: no JavaScript, no library, nothing downloaded.

Each function returns Markup for an inline `<svg role="img">` with a
`<title>` and a `<desc>`; the page also shows the same figures as a table.
Every text is escaped. Colours are distinguishable without colour vision too:
stacked segments are ordered and labelled, lines differ by dash and marker.

Each chart is drawn for a screen and for a phone (`chart_layout`).
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from dansmarue.dashboard import chart_layout as layout
from dansmarue.dashboard.chart_layout import WIDE, Size

AXIS = "#595959"  # 7:1 on white
GRID = "#d0d0d0"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    colour: str
    dash: str = ""  # SVG stroke-dasharray
    marker: str = "circle"  # circle | square


def _svg(size: Size, chart_id: str, height: float, title: str, desc: str, body: list[str]) -> Markup:
    chart_id += size.suffix
    head = (
        f'<svg class="chart {size.css}" id="{escape(chart_id)}" viewBox="0 0 {size.width} {height:.0f}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


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
    return layout.both(lambda size: _stacked_bars(size, chart_id, title, desc, rows, segments))


def _stacked_bars(
    size: Size,
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, str, Sequence[int]]],
    segments: Sequence[tuple[str, str]],
) -> Markup:
    font = size.attrs
    left = max(80, 12 + max((layout.text_width(short, size) for short, _, _ in rows), default=0))
    key, key_h = layout.legend(segments, left if size is WIDE else 0, size.font + 3, size)
    top, bar_h, gap = key_h + 18, max(22, size.font + 8), 10
    height = top + max(1, len(rows)) * (bar_h + gap) + 24
    scale_max, step = axis(max((sum(v) for _, _, v in rows), default=0))
    totals_w = layout.text_width(layout.fmt_int(scale_max), size) + 8
    plot_w = size.width - left - max(40, totals_w)
    body = [key]
    for value in _ticks(scale_max, step):
        x = left + plot_w * value / scale_max
        body.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 20}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="{AXIS}" {font}>'
            f"{layout.fmt_int(value)}</text>"
        )
    for i, (short, full, values) in enumerate(rows):
        y = top + i * (bar_h + gap)
        body.append(
            f'<text x="{left - 8:.1f}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" fill="#1a1a1a" '
            f"{font}>{escape(short)}</text>"
        )
        x = float(left)
        for (name, colour), value in zip(segments, values, strict=False):
            w = plot_w * value / scale_max
            if value:
                body.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}" '
                    f'stroke="#ffffff" stroke-width="1"><title>{escape(full)} — {escape(name)} : '
                    f"{layout.fmt_int(value)}</title></rect>"
                )
            x += w
        body.append(
            f'<text x="{x + 4:.1f}" y="{y + bar_h * 0.7:.1f}" fill="#1a1a1a" '
            f"{font}>{layout.fmt_int(sum(values))}</text>"
        )
    return _svg(size, chart_id, height, title, desc, body)


def bars(chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, int]], colour: str) -> Markup:
    """Horizontal bars, the label above each bar (category labels are long: on a
    phone they take two lines)."""
    return layout.both(lambda size: _bars(size, chart_id, title, desc, rows, colour))


def _bars(
    size: Size, chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, int]], colour: str
) -> Markup:
    font, line_h, bar_h = size.attrs, round(size.font * 1.3), 16
    chars = int(size.width / (size.font * 0.62))
    scale_max = nice_max(max((v for _, v in rows), default=0))
    plot_w = size.width - max(70, layout.text_width(layout.fmt_int(scale_max), size) + 12)
    body = []
    y = 8.0
    for label, value in rows:
        lines = layout.wrap(label, chars, lines=1 if size is WIDE else 2)
        for k, text in enumerate(lines):
            body.append(
                f'<text x="0" y="{y + 12 + k * line_h:.1f}" fill="#1a1a1a" {font}>{escape(text)}</text>'
            )
        y += (len(lines) - 1) * line_h
        w = plot_w * value / scale_max
        body.append(
            f'<rect x="0" y="{y + 18:.1f}" width="{max(w, 1):.1f}" height="{bar_h}" fill="{colour}">'
            f"<title>{escape(label)} : {layout.fmt_int(value)}</title></rect>"
            f'<text x="{w + 6:.1f}" y="{y + 31:.1f}" fill="#1a1a1a" {font}>{layout.fmt_int(value)}</text>'
        )
        y += 40
    return _svg(size, chart_id, max(y, 48) + 4, title, desc, body)


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
    return layout.both(lambda size: _lines(size, chart_id, title, desc, x_labels, series, y_axis, y_format))


def _lines(
    size: Size,
    chart_id: str,
    title: str,
    desc: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_axis: tuple[float, float] | None,
    y_format: Callable[[float], str],
) -> Markup:
    font = size.attrs
    peak = max((v for s in series for v in s.values if v is not None), default=0)
    scale_max, step = y_axis or axis(peak, integer=False)
    y_labels = [y_format(value) for value in _ticks(scale_max, step)]
    left = max(56, 10 + max((layout.text_width(t, size) for t in y_labels), default=0))
    key, key_h = layout.legend(
        [(s.name, s.colour) for s in series], left, size.font + 3, size, [s.dash for s in series]
    )
    label_w = max((layout.text_width(t, size) for t in x_labels), default=0)
    right, top, bottom = max(28, label_w / 2 + 4), key_h + 14, 40
    height = 230 + top
    plot_w, plot_h = size.width - left - right, height - top - bottom
    n = max(1, len(x_labels) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + plot_w * i / n, top + plot_h * (1 - v / scale_max)

    body = [key]
    for value, text in zip(_ticks(scale_max, step), y_labels, strict=True):
        _, y = xy(0, value)
        body.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{size.width - right:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="{AXIS}" {font}>'
            f"{escape(text)}</text>"
        )
    fits = max(2, int(plot_w / (label_w + 12))) if label_w else len(x_labels)
    every = max(1, math.ceil(len(x_labels) / fits))
    for i, label in enumerate(x_labels):
        last = i == len(x_labels) - 1
        if (i % every == 0 and (last or len(x_labels) - 1 - i >= every)) or last:
            x, _ = xy(i, 0)
            body.append(
                f'<text x="{x:.1f}" y="{height - bottom + 8 + size.font}" text-anchor="middle" '
                f'fill="{AXIS}" {font}>{escape(label)}</text>'
            )
    for s in series:
        for run in _runs(s.values):
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in run))
            dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
            body.append(
                f'<polyline points="{points}" fill="none" stroke="{s.colour}" stroke-width="2.5"{dash}/>'
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
    return _svg(size, chart_id, height, title, desc, body)


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
