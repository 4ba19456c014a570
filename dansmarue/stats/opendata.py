"""Anonymised export with the columns of the real open data set (opendata.paris.fr).

No personal data: no e-mail, account, device, description or photo; only the
category, place, day, channel, unit and reference, as the city publishes them.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from sqlalchemy import text

from dansmarue import city
from dansmarue.models import db
from dansmarue.platform.spreadsheet import safe_row
from dansmarue.stats.queries import day_bounds

COLUMNS = (
    "ID DECLARATION",
    "TYPE DECLARATION",
    "SOUS TYPE DECLARATION",
    "ADRESSE",
    "CODE POSTAL",
    "ARRONDISSEMENT",
    "DATE DECLARATION",
    "OUTIL SOURCE",
    "INTERVENANT",
    "ID_DMR",
    "Coordonnées Lat/Long",
)
CHANNELS = {"A": "iOS", "G": "Android", "B": "Back Office", "O": "Open311"}


def _channel(origin: str) -> str:
    """The real data set's "OUTIL SOURCE"; web reports carry the city's own label."""
    return city.current().open_data_web_channel if origin == "S" else CHANNELS.get(origin, origin)


def rows(start: date, end: date, directions: list[int] | None = None) -> Iterator[tuple]:
    """Export rows of reports declared in [start, end], in id order (streamed)."""
    low, high = day_bounds(start)[0], day_bounds(end)[1]
    scope = "" if directions is None else "AND r.direction_id = ANY(:dirs)"
    result = db.session.execute(
        text(f"""
        SELECT r.id, t.label, c.label, r.address, d.postal_code, d.id,
               (r.created_at AT TIME ZONE :zone)::date, r.origin,
               coalesce(u.open_data_name, u.label), r.reference,
               round(ST_Y(r.geom)::numeric, 6), round(ST_X(r.geom)::numeric, 6)
        FROM report r
        JOIN category c ON c.id = r.category_id
        LEFT JOIN category t ON t.id = c.parent_id
        JOIN district d ON d.id = r.district_id
        JOIN unit u ON u.id = r.unit_id
        WHERE r.created_at >= :low AND r.created_at < :high {scope}
        ORDER BY r.created_at, r.id"""),
        {"low": low, "high": high, "dirs": directions, "zone": city.current().time_zone},
        execution_options={"yield_per": 2000},
    )
    for rid, type_label, sub, address, postal, district, day, origin, unit, ref, lat, lon in result:
        yield (
            rid,
            type_label or sub,
            sub,
            address or "",
            postal,
            district,
            day.isoformat(),
            _channel(origin),
            unit,
            ref,
            f"{lat}, {lon}",
        )


def csv_lines(
    header: Sequence[str], records: Iterable[Sequence[object]], delimiter: str = ";"
) -> Iterator[str]:
    """CSV text, one chunk per line, for streaming responses."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    yield buffer.getvalue()
    for record in records:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(safe_row(record))
        yield buffer.getvalue()
