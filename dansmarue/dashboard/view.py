"""Everything the dashboard page shows, built from the services' figures.

The routes stay thin: `build()` gathers figures (stats services, roll-ups,
the indexed overdue list) and turns them into French labels and SVG.
`overdue_csv()` exports every row of the filtered list.
"""

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import url_for
from markupsafe import Markup

from dansmarue.dashboard import charts, districtmap, fmt
from dansmarue.dashboard.filters import PAGE_SIZE, PERIODS, SORTS, Filters
from dansmarue.errors import Forbidden, Unprocessable
from dansmarue.models import User, utcnow
from dansmarue.platform.spreadsheet import safe_row
from dansmarue.sla.clock import local_day
from dansmarue.stats import dashboard_figures as figures
from dansmarue.stats import overdue as overdue_list_service
from dansmarue.stats import rollups

BUCKET_SEGMENTS = (
    ("Moins de 48 h", "#9ecae1"),
    ("Moins de 10 jours", "#4292c6"),
    ("10 jours et plus", "#08306b"),
)
RATE_COLOUR = "#0b5cad"
MEDIAN_COLOUR = "#0b5cad"
P90_COLOUR = "#b2182b"
TOP_COLOUR = "#b35806"
# Where the map's figures are shown: by pointer and keyboard, or (a touch
# screen: no hover, rarely a Tab key) in the arrondissement's own page. The
# stylesheet shows the one that fits the device (`@media (hover: none)`).
MAP_HINT = (
    "Survolez un arrondissement, ou atteignez-le avec la touche Tab, pour voir ses chiffres ; "
    "choisissez-le pour afficher ses retards."
)
MAP_HINT_TOUCH = "Touchez un arrondissement pour afficher ses chiffres et ses retards."
CSV_HEADER = ("Référence", "Catégorie", "Adresse", "Unité", "Échéance", "Retard (jours)")


@dataclass
class OverdueList:
    rows: list
    total: int
    pages: int
    summary: str


@dataclass
class Page:
    as_of: str
    scope_label: str | None
    periods: dict
    directions: list
    units: list
    categories: list
    kpis: list
    map_svg: Markup
    legend: list
    district_rows: list
    district_name: str | None
    map_info: str
    map_touch_hint: str | None  # shown instead of map_info's hint on a touch screen
    backlog_svg: Markup
    backlog_rows: list
    rate_svg: Markup
    time_svg: Markup
    week_rows: list
    top_svg: Markup
    top_rows: list
    overdue: OverdueList
    unit_rows: list
    period_label: str
    sort_label: str
    sortable_columns: tuple = (
        ("category", "Catégorie"),
        ("unit", "Unité"),
        ("due", "Échéance"),
        ("late", "Retard"),
    )


def _check_choices(
    f: Filters,
    directions: list[figures.Option],
    units: list[figures.Option],
    categories: list[tuple[str, list[figures.Option]]],
) -> None:
    if f.direction is not None and f.direction not in {d.id for d in directions}:
        raise Forbidden("Cette direction n'existe pas ou ne vous est pas accessible.")
    errors = []
    if f.unit is not None and f.unit not in {u.id for u in units}:
        errors.append(
            {"field": "unit", "message": "Unité inconnue pour cette direction.", "location": "query"}
        )
    if f.category is not None and f.category not in {o.id for _, opts in categories for o in opts}:
        errors.append({"field": "category", "message": "Catégorie inconnue.", "location": "query"})
    if errors:
        raise Unprocessable("Certains filtres sont invalides.", errors=errors)


def overdue_list(user: User, f: Filters, now: datetime, late: dict | None = None) -> OverdueList:
    rows, total = overdue_list_service.overdue_page(
        user,
        now,
        sort=f.sort,
        order=f.order,
        page=f.page,
        page_size=PAGE_SIZE,
        late=late,
        district_id=f.district,
        **f.scope(),
    )
    pages = max(1, -(-total // PAGE_SIZE))
    shown = [
        {
            "reference": r.reference,
            "category": fmt.category(r.category),
            "address": r.address or "–",
            "unit": r.unit,
            "due": fmt.local_datetime(r.due_at),
            "late": fmt.lateness(r.late_seconds),
            "link": url_for("agentapp.report", reference=r.reference),
        }
        for r in rows
    ]
    if total == 0:
        summary = "Aucun signalement en retard."
    else:
        first = (f.page - 1) * PAGE_SIZE + 1
        summary = (
            f"{fmt.count(total)} signalement{'s' if total > 1 else ''} en retard · "
            f"lignes {first} à {first + len(rows) - 1}"
        )
    return OverdueList(shown, total, pages, summary)


def refresh() -> None:
    """Live figures: fold pending deltas of both roll-ups inside this request's
    transaction, so the reads below see every change. A GET never commits: the
    fold is rolled back with the request and done for good by the minute sweep."""
    rollups.fold()  # probes for pending deltas itself: planning the fold costs tens of ms
    overdue_list_service.fold_late()


def period_bounds(f: Filters, now: datetime) -> tuple[date, date]:
    """[Monday N-1 weeks ago, today] in the city's local dates, or the chosen
    range from the Monday of its first week."""
    if f.start is not None and f.end is not None:  # the filters give both dates or neither
        return f.start - timedelta(days=f.start.weekday()), f.end
    today = local_day(now)
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=f.period - 1), today


def period_label(f: Filters) -> str:
    if f.start is not None:
        return f"du {fmt.local_date(f.start)} au {fmt.local_date(f.end)}"
    return PERIODS[f.period]


def unit_rows(user: User, f: Filters, late: dict) -> list[dict]:
    """The breakdown by unit; each unit links to the dashboard filtered on it."""
    rows = figures.unit_figures(user, late, district_id=f.district, **f.scope())

    def link(u: int) -> str:
        return url_for("dashboard.index") + "?" + f.query(unit=u, page=1)

    return [
        {
            "label": r.label,
            "link": link(r.unit_id),
            "open": fmt.count(r.open),
            "overdue": fmt.count(r.overdue),
            "share": _share(r),
        }
        for r in rows
    ]


def build(user: User, f: Filters) -> Page:
    now = utcnow()
    refresh()
    directions = figures.directions(user)
    units = figures.units(f.direction)
    categories = figures.categories()
    _check_choices(f, directions, units, categories)
    scope = f.scope()

    late = overdue_list_service.late_counts(user, refresh=False, **scope)
    districts = figures.district_figures(user, late, now, **scope)
    shapes = districtmap.shapes()

    def link(n: int) -> str:
        return url_for("dashboard.index") + "?" + f.query(district=n, page=1) + "#retards"

    map_svg = districtmap.render(shapes, districts, link, selected=f.district)
    names = {d.id: d for d in shapes.districts}
    district_rows = [
        {
            "name": f"{d.name} · {d.official_name}",
            "link": link(d.id),
            "open": fmt.count(districts.get(d.id, districtmap.DistrictFigures(0, 0)).open),
            "overdue": fmt.count(districts.get(d.id, districtmap.DistrictFigures(0, 0)).overdue),
            "share": _share(districts.get(d.id)),
        }
        for d in shapes.districts
    ]

    backlog = figures.backlog_by_direction(user, now, district_id=f.district, **scope)
    labels = {d.id: d for d in directions}
    backlog_rows = [
        {
            "code": (labels[b.direction_id].code if b.direction_id in labels else None)
            or str(b.direction_id),
            "label": labels[b.direction_id].label if b.direction_id in labels else "",
            "lt48h": fmt.count(b.lt48h),
            "lt10d": fmt.count(b.lt10d),
            "ge10d": fmt.count(b.ge10d),
            "total": fmt.count(b.total),
        }
        for b in backlog
    ]
    backlog_svg = charts.stacked_bars(
        "chart-backlog",
        "Stock de signalements ouverts par ancienneté et par direction",
        "Barres empilées : moins de 48 heures, moins de 10 jours, 10 jours et plus. "
        "Les chiffres sont repris dans le tableau qui suit.",
        [
            (r["code"], r["label"], [b.lt48h, b.lt10d, b.ge10d])
            for r, b in zip(backlog_rows, backlog, strict=False)
        ],
        BUCKET_SEGMENTS,
    )

    weeks = figures.weekly(user, *period_bounds(f, now), district_id=f.district, **scope)
    x_labels = [fmt.short_date(w.week_start) for w in weeks]
    rate_svg = charts.lines(
        "chart-rate",
        "Part des signalements traités dans les délais, par semaine",
        f"Une valeur par semaine, {period_label(f)} ; une semaine sans signalement traité "
        "interrompt la courbe.",
        x_labels,
        [charts.Series("Dans les délais", [w.on_time_rate for w in weeks], RATE_COLOUR)],
        y_axis=(1, 0.25),
        y_format=lambda v: fmt.percent(v),
    )
    time_svg = charts.lines(
        "chart-time",
        "Délai de traitement par semaine : médiane et 9e décile",
        "Trait plein : médiane ; tirets et carrés : 9e décile (90 % des signalements sont traités "
        "plus vite). Valeurs en jours.",
        x_labels,
        [
            charts.Series("Médiane", [_days(w.median_seconds) for w in weeks], MEDIAN_COLOUR),
            charts.Series("9e décile", [_days(w.p90_seconds) for w in weeks], P90_COLOUR, "6 4", "square"),
        ],
        y_format=lambda v: f"{v:g} j",
    )
    week_rows = [
        {
            "label": fmt.local_date(w.week_start),
            "resolved": fmt.count(w.resolved),
            "rate": fmt.percent(w.on_time_rate),
            "median": fmt.duration(w.median_seconds),
            "p90": fmt.duration(w.p90_seconds),
        }
        for w in weeks
    ]

    top = figures.top_late_categories(late, limit=10, district_id=f.district)
    top_rows = [{"label": fmt.category(t.label), "count": fmt.count(t.overdue)} for t in top]
    top_svg = charts.bars(
        "chart-top",
        "Les 10 catégories comptant le plus de signalements en retard",
        "Nombre de signalements ouverts dont l'échéance est dépassée, par catégorie.",
        [(fmt.category(t.label), t.overdue) for t in top],
        TOP_COLOUR,
    )

    # Every figure follows every filter: a chosen district's own counts, else all of them.
    shown = [v for d, v in districts.items() if f.district in (None, d)]
    open_total = sum(v.open for v in shown)
    overdue_total = sum(v.overdue for v in shown)
    resolved = sum(w.resolved for w in weeks)
    on_time = sum(w.resolved_on_time for w in weeks)
    kpis = [
        {"name": "signalements ouverts", "value": fmt.count(open_total)},
        {"name": "en retard", "value": fmt.count(overdue_total)},
        {"name": "part en retard", "value": fmt.percent(overdue_total / open_total if open_total else None)},
        {
            "name": f"traités dans les délais ({period_label(f)})",
            "value": fmt.percent(on_time / resolved if resolved else None),
        },
    ]
    scope_label = labels[f.direction].label if f.direction in labels else None
    map_info = (
        districtmap.district_summary(names[f.district], districts.get(f.district))
        if f.district in names
        else MAP_HINT
    )
    return Page(
        as_of=fmt.local_datetime(now),
        scope_label=scope_label,
        periods=PERIODS,
        directions=directions,
        units=units,
        categories=categories,
        kpis=kpis,
        map_svg=map_svg,
        legend=districtmap.legend(),
        district_rows=district_rows,
        district_name=(
            f"{names[f.district].name} · {names[f.district].official_name}" if f.district in names else None
        ),
        map_info=map_info,
        map_touch_hint=MAP_HINT_TOUCH if map_info == MAP_HINT else None,
        backlog_svg=backlog_svg,
        backlog_rows=backlog_rows,
        rate_svg=rate_svg,
        time_svg=time_svg,
        week_rows=week_rows,
        top_svg=top_svg,
        top_rows=top_rows,
        overdue=overdue_list(user, f, now, late),
        unit_rows=unit_rows(user, f, late),
        period_label=period_label(f),
        sort_label=SORTS[f.sort].lower(),
    )


CSV_PAGE = 500  # rows read per query while streaming


def overdue_csv(user: User, f: Filters) -> Iterator[str]:
    """Every overdue row of the filtered list (all pages, the page's sort) as CSV,
    yielded line by line: UTF-8 with BOM, ";" and a decimal comma for French
    spreadsheets, the delay as a number of days."""
    directions, units, categories = figures.directions(user), figures.units(f.direction), figures.categories()
    _check_choices(f, directions, units, categories)
    refresh()
    now = utcnow()
    scope = f.scope()
    late = overdue_list_service.late_counts(user, refresh=False, **scope)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")

    def line(values: Sequence[object]) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(safe_row(values))
        return out.getvalue()

    yield "\ufeff" + line(CSV_HEADER)
    page = 1
    while True:
        rows, total = overdue_list_service.overdue_page(
            user,
            now,
            sort=f.sort,
            order=f.order,
            page=page,
            page_size=CSV_PAGE,
            late=late,
            district_id=f.district,
            **scope,
        )
        for r in rows:
            days = f"{r.late_seconds / 86400:.1f}".replace(".", ",")
            yield line([r.reference, r.category, r.address or "", r.unit, fmt.local_datetime(r.due_at), days])
        if len(rows) < CSV_PAGE or page * CSV_PAGE >= total:
            return
        page += 1


def _share(figs: figures.UnitFigures | figures.DistrictFigures | None) -> str:
    if figs is None or figs.open == 0:
        return "–"
    return fmt.percent(figs.overdue / figs.open)


def _days(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 86400, 1)
