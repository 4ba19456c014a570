"""The admin maps as inline SVG, drawn as the agents' maps are (PostGIS paths
in Web Mercator over the district outlines, an optional tile base map): a
sector's polygon read fresh (it may just have been replaced), and the city
for the routing preview, where a click (admin.js) gives a point."""

from markupsafe import Markup, escape
from sqlalchemy import text

from dansmarue.agentapp.mapsvg import COLOURS, _tiles, project
from dansmarue.models import db

# Read on each page (about twenty outlines), not from the agents' per-process
# cache: that one also holds the sectors, which these pages change.
_DISTRICTS_SQL = text("SELECT ST_AsSVG(ST_Transform(geom, 3857), 1, 0) AS path FROM district ORDER BY id")
_SECTOR_SQL = text("""
    SELECT ST_AsSVG(g, 1, 0) AS path, ST_XMin(g) AS x0, ST_YMin(g) AS y0, ST_XMax(g) AS x1, ST_YMax(g) AS y1
    FROM (SELECT ST_Transform(geom, 3857) AS g FROM sector WHERE id = :id) s
""")
_CITY_SQL = text("""
    SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1
    FROM (SELECT ST_Extent(ST_Transform(geom, 3857)) AS e FROM district) d
""")
_COVERING_SQL = text("""
    SELECT id, name FROM sector
    WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) ORDER BY id
""")


def _box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    """A square view box around the extent (SVG y points down: -northing)."""
    side = max(x1 - x0, y1 - y0) * 1.1 + 200
    cx, cy = (x0 + x1) / 2, -(y0 + y1) / 2
    return cx - side / 2, cy - side / 2, side, side


def _svg(box: tuple, title: str, tile_url: str | None, layers: list[str], css: str = "") -> Markup:
    parts = [
        f'<svg class="agent-map admin-map{css}" '
        f'viewBox="{box[0]:.0f} {box[1]:.0f} {box[2]:.0f} {box[3]:.0f}" '
        f'role="group" aria-labelledby="map-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="map-title">{escape(title)}</title>'
    ]
    if tile_url:
        parts.append(_tiles(tile_url, box))
    parts.append('<g class="districts" aria-hidden="true">')
    parts += [f'<path d="{row.path}"/>' for row in db.session.execute(_DISTRICTS_SQL)]
    parts.append("</g>")
    parts += layers
    parts.append("</svg>")
    return Markup("".join(parts))


def sector_map(sector_id: int, name: str, tile_url: str | None = None) -> Markup:
    """The sector's polygon (as stored now) over the districts."""
    row = db.session.execute(_SECTOR_SQL, {"id": sector_id}).one()
    box = _box(row.x0, row.y0, row.x1, row.y1)
    layer = f'<g class="sector-shape" aria-hidden="true"><path d="{row.path}"/></g>'
    return _svg(box, f"Polygone du secteur {name}", tile_url, [layer])


def city_map(point: tuple[float, float] | None, sector_id: int | None, tile_url: str | None = None) -> Markup:
    """The whole city, clickable; the chosen sector and the point when known."""
    row = db.session.execute(_CITY_SQL).one()
    box = _box(row.x0, row.y0, row.x1, row.y1)
    layers = []
    if sector_id is not None:
        path = db.session.execute(_SECTOR_SQL, {"id": sector_id}).one().path
        layers.append(f'<g class="sector-shape" aria-hidden="true"><path d="{path}"/></g>')
    if point is not None:
        x, y = project(*point)
        radius = box[2] / 90
        layers.append(
            f'<circle class="pin" cx="{x:.1f}" cy="{y:.1f}" r="{radius:.0f}" fill="{COLOURS["selected"]}" '
            f'stroke="#fff" stroke-width="{radius / 3:.0f}" aria-hidden="true"/>'
        )
    return _svg(box, "Carte de la ville : cliquez pour choisir un point", tile_url, layers, " pick-map")


def covering_sectors(lon: float, lat: float) -> list[tuple[int, str]]:
    """Every sector whose polygon covers the point (the routing picks one of them)."""
    return [(r.id, r.name) for r in db.session.execute(_COVERING_SQL, {"lon": lon, "lat": lat})]
