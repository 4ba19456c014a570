"""The city's map: its districts (Paris: 20 arrondissements) as inline SVG
paths, drawn by PostGIS.

Geometries are projected to the city profile's `map.srid` (Paris: Lambert-93,
EPSG:2154, metres, conformal over France) and emitted by `ST_AsSVG` with relative moves and metre precision,
which keeps the whole map around 30 kB. Borders never change while the app
runs, so the paths are computed once per process.
"""

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import text

from dansmarue import city
from dansmarue.dashboard.colours import CLASSES, NO_DATA, classify
from dansmarue.models import db
from dansmarue.stats.dashboard_figures import DistrictFigures

_SHAPES_SQL = text("""
    WITH projected AS (
        SELECT id, name, official_name, ST_Transform(geom, CAST(:srid AS integer)) AS g FROM district
    )
    SELECT id, name, official_name, ST_AsSVG(g, 1, 0) AS path,
           ST_X(ST_PointOnSurface(g)) AS lx, ST_Y(ST_PointOnSurface(g)) AS ly,
           (SELECT ST_Extent(g) FROM projected)::box2d::text AS extent
    FROM projected ORDER BY id
""")
_lock = threading.Lock()
_cache: dict[str, "DistrictShapes"] = {}


@dataclass(frozen=True)
class District:
    id: int
    name: str  # "1er Ardt"
    official_name: str  # "Louvre"
    path: str
    label_x: float
    label_y: float  # already negated, like ST_AsSVG's y


@dataclass(frozen=True)
class DistrictShapes:
    districts: tuple[District, ...]
    view_box: str


def shapes() -> DistrictShapes:
    """The districts' SVG paths, cached per database."""
    key = str(db.engine.url)
    with _lock:
        if key not in _cache:
            _cache[key] = _load_shapes()
        return _cache[key]


def _load_shapes() -> DistrictShapes:
    rows = db.session.execute(_SHAPES_SQL, {"srid": city.current().map_srid}).all()
    districts = tuple(District(r.id, r.name, r.official_name, r.path, r.lx, -r.ly) for r in rows)
    view_box = "0 0 1 1"
    if rows:
        # "BOX(xmin ymin,xmax ymax)"; SVG y grows downwards, so y = -northing.
        lo, hi = rows[0].extent[4:-1].split(",")
        xmin, ymin = map(float, lo.split())
        xmax, ymax = map(float, hi.split())
        pad = 150
        view_box = (
            f"{xmin - pad:.0f} {-ymax - pad:.0f} " f"{xmax - xmin + 2 * pad:.0f} {ymax - ymin + 2 * pad:.0f}"
        )
    return DistrictShapes(districts, view_box)


def district_summary(district: District, figures: DistrictFigures | None) -> str:
    """One French sentence with a district's figures (title and aria-label)."""
    figures = figures or DistrictFigures(0, 0)
    number = _ordinal(district.id)
    if figures.open == 0:
        return f"{number} arrondissement ({district.official_name}) : aucun signalement ouvert"
    share = round(100 * figures.overdue / figures.open)
    return (
        f"{number} arrondissement ({district.official_name}) : {figures.overdue} en retard "
        f"sur {figures.open} ouverts ({share} %)"
    )


def render(
    paris: DistrictShapes,
    figures: Mapping[int, DistrictFigures],
    link_for: Callable[[int], str],
    selected: int | None = None,
) -> Markup:
    """The map as inline SVG; each arrondissement is a focusable link."""
    parts = [
        f'<svg class="paris-map" viewBox="{paris.view_box}" role="group" '
        f'aria-labelledby="map-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="map-title">Part des signalements ouverts en retard par arrondissement'
        f"</title>"
    ]
    labels = []
    for d in paris.districts:
        figs = figures.get(d.id)
        colour = classify(figs.overdue, figs.open) if figs else NO_DATA
        summary = escape(district_summary(d, figs))
        current = ' aria-current="true"' if selected == d.id else ""
        parts.append(
            f'<a href="{escape(link_for(d.id))}" class="district" aria-label="{summary}" '
            f'data-district="{d.id}" data-class="{colour.index}"{current}>'
            f'<path d="{d.path}" fill="{colour.fill}" data-fill="{colour.fill}">'
            f"<title>{summary}</title></path></a>"
        )
        labels.append(
            f'<text x="{d.label_x:.0f}" y="{d.label_y:.0f}" fill="{colour.text}" '
            f'text-anchor="middle" dominant-baseline="central">{d.id}</text>'
        )
    # Numbers are drawn last and ignore the pointer, so they never hide a link.
    parts.append('<g class="district-labels" aria-hidden="true">' + "".join(labels) + "</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def legend() -> list[dict]:
    """Legend entries, lightest first, then "no open report"."""
    return [{"fill": c.fill, "label": c.label} for c in (*CLASSES, NO_DATA)]


def _ordinal(n: int) -> str:
    return "1er" if n == 1 else f"{n}e"
