"""The agents' map as inline SVG: outlines from PostGIS, points in Web Mercator.

Everything is drawn in EPSG:3857 (x = easting, y = -northing) so that a
street base map (standard XYZ tiles, when AGENT_TILE_URL is set) lines up
with the outlines; without tiles the outlines alone are the map. Outlines
never change while the app runs: they are read once per process.
"""

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import text

from dansmarue.models import db

EARTH_M = 6378137.0
HALF_WORLD = math.pi * EARTH_M
_OUTLINES_SQL = text("""
    SELECT 'district' AS kind, id, name AS label, ST_AsSVG(ST_Transform(geom, 3857), 1, 0) AS path
    FROM district
    UNION ALL
    SELECT 'sector', s.id, s.name, ST_AsSVG(ST_Transform(s.geom, 3857), 1, 0)
    FROM sector s
    ORDER BY 1, 2
""")
_lock = threading.Lock()
_cache: dict[str, dict] = {}
COLOURS = {"overdue": "#b00020", "due": "#0b5394", "selected": "#1b5e20"}


@dataclass(frozen=True)
class Point:
    reference: str
    x: float
    y: float
    overdue: bool
    label: str
    href: str


def project(longitude: float, latitude: float) -> tuple[float, float]:
    """(x, y) of the SVG: Web Mercator metres, y pointing down."""
    x = math.radians(longitude) * EARTH_M
    y = math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2)) * EARTH_M
    return x, -y


def _outlines() -> dict:
    key = str(db.engine.url)
    with _lock:
        if key not in _cache:
            shapes: dict[str, dict[int, tuple[str, str]]] = {"district": {}, "sector": {}}
            for row in db.session.execute(_OUTLINES_SQL):
                shapes[row.kind][row.id] = (row.label, row.path)
            _cache[key] = shapes
        return _cache[key]


def _view_box(points: list[tuple[float, float]], fallback: tuple[float, float]) -> tuple:
    xs = [p[0] for p in points] or [fallback[0]]
    ys = [p[1] for p in points] or [fallback[1]]
    pad = 300.0
    xmin, xmax, ymin, ymax = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    side = max(xmax - xmin, ymax - ymin)  # square, so the phone shows it whole
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    return cx - side / 2, cy - side / 2, side, side


def _tiles(tile_url: str, box: tuple) -> str:
    """<image> tiles covering the view box, at a zoom giving ~4 tiles across."""
    x0, y0, width, _ = box
    zoom = max(0, min(19, int(math.log2(2 * HALF_WORLD * 4 / width))))
    size = 2 * HALF_WORLD / 2**zoom
    first_col, last_col = int((x0 + HALF_WORLD) // size), int((x0 + width + HALF_WORLD) // size)
    first_row, last_row = int((y0 + HALF_WORLD) // size), int((y0 + width + HALF_WORLD) // size)
    images = []
    for col in range(first_col, last_col + 1):
        for row in range(first_row, last_row + 1):
            href = escape(tile_url.format(z=zoom, x=col, y=row))
            images.append(
                f'<image href="{href}" x="{col * size - HALF_WORLD:.1f}" '
                f'y="{row * size - HALF_WORLD:.1f}" width="{size:.1f}" '
                f'height="{size:.1f}"/>'
            )
    return '<g class="tiles" aria-hidden="true">' + "".join(images) + "</g>"


def render(
    points: list[Point],
    *,
    sector_ids: Sequence[int] = (),
    title: str,
    tile_url: str | None = None,
    pin: tuple[float, float] | None = None,
    route: list[Point] | None = None,
) -> Markup:
    """The SVG: base tiles (optional), districts, the scope's sectors, a route line, points.

    `pin`: a draggable marker (lon, lat) for the requalification form."""
    shapes = _outlines()
    pin_xy = project(*pin) if pin else None
    coords = [(p.x, p.y) for p in points] + ([pin_xy] if pin_xy else [])
    box = _view_box(coords, project(2.3488, 48.8534))
    radius = box[2] / 80
    parts = [
        f'<svg class="agent-map" viewBox="{box[0]:.0f} {box[1]:.0f} {box[2]:.0f} '
        f'{box[3]:.0f}" role="group" aria-labelledby="map-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="map-title">{escape(title)}</title>'
    ]
    if tile_url:
        parts.append(_tiles(tile_url, box))
    parts.append('<g class="districts" aria-hidden="true">')
    parts += [f'<path d="{path}"/>' for _, path in shapes["district"].values()]
    parts.append('</g><g class="sectors" aria-hidden="true">')
    parts += [f'<path d="{shapes["sector"][s][1]}"/>' for s in sector_ids if s in shapes["sector"]]
    parts.append("</g>")
    if route:
        line = " ".join(f"{p.x:.0f},{p.y:.0f}" for p in route)
        parts.append(f'<polyline class="route" points="{line}" aria-hidden="true"/>')
    for number, p in enumerate(points, 1):
        colour = COLOURS["overdue" if p.overdue else "due"]
        marker = (
            (
                f'<text x="{p.x:.0f}" y="{p.y:.0f}" font-size="{radius * 1.2:.0f}" '
                f'text-anchor="middle" dominant-baseline="central" fill="#fff" '
                f'aria-hidden="true">{number}</text>'
            )
            if route
            else ""
        )
        parts.append(
            f'<a href="{escape(p.href)}" data-reference="{escape(p.reference)}" '
            f'data-overdue="{str(p.overdue).lower()}" aria-label="{escape(p.label)}">'
            f'<circle cx="{p.x:.0f}" cy="{p.y:.0f}" r="{radius:.0f}" fill="{colour}" '
            f'stroke="#fff" stroke-width="{radius / 4:.0f}"/>{marker}</a>'
        )
    if pin_xy:
        parts.append(
            f'<circle id="pin" class="pin" cx="{pin_xy[0]:.1f}" cy="{pin_xy[1]:.1f}" '
            f'r="{radius * 1.3:.0f}" fill="{COLOURS["selected"]}" stroke="#fff" '
            f'stroke-width="{radius / 3:.0f}" aria-hidden="true"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
