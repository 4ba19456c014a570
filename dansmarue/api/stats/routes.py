"""/api/v1/stats: backlog by age, scheduled reports by tranche, delays (on-time
rate, median, p90), overdue list, trends, CSV exports and the anonymised
open-data export. Managers see their direction, admins everything (or one
direction with ?direction_id=)."""

import csv
import io
from collections.abc import Sequence
from typing import Any

from flask import Response, g, stream_with_context

from dansmarue.api.edge import Blueprint
from dansmarue.api.openapi import csv_file
from dansmarue.api.security import auth_required, document_on
from dansmarue.api.stats.schemas import (
    BacklogQuerySchema,
    DelaysQuerySchema,
    OpenDataQuerySchema,
    OverdueQuerySchema,
    PeriodSchema,
    ScheduledQuerySchema,
)
from dansmarue.platform.spreadsheet import safe_cell
from dansmarue.stats import opendata
from dansmarue.stats import queries as stats
from dansmarue.stats import scheduled as scheduled_stats
from dansmarue.workflow.transitions import MANAGERS

blp = Blueprint(
    "stats",
    __name__,
    url_prefix="/api/v1/stats",
    description="Tableaux de bord des délais (responsables, administrateurs)",
)
document_on(blp)
STAFF = MANAGERS


def _scope(query: dict[str, Any]) -> list[int] | None:
    return stats.directions_for(g.current_user, query.get("direction_id"))


def _csv(rows: list[dict[str, Any]], filename: str, columns: Sequence[str] | None = None) -> Response:
    buffer = io.StringIO()
    if rows or columns:
        writer = csv.DictWriter(buffer, fieldnames=list(columns or rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)
    return Response(
        buffer.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _delays(query: dict[str, Any]) -> list[dict[str, Any]]:
    rows = stats.breakdown(query["by"], query["start"], query["end"], _scope(query))
    return rows


@blp.route("/summary")
@blp.arguments(PeriodSchema, location="query")
@blp.response(200)
@auth_required(*STAFF)
def summary(query: dict[str, Any]) -> dict[str, Any]:
    """Whole-scope figures over the period and the open backlog by age."""
    scope = _scope(query)
    figures = stats.totals(query["start"], query["end"], scope)
    backlog = stats.backlog("direction", scope, refresh=False)
    ages = {k: sum(row[k] for row in backlog) for k in ("open", "lt_48h", "lt_10d", "ge_10d")}
    return {
        "from": query["start"].isoformat(),
        "to": query["end"].isoformat(),
        "figures": figures,
        "backlog": ages,
    }


@blp.route("/backlog")
@blp.arguments(BacklogQuerySchema, location="query")
@blp.response(200)
@auth_required(*STAFF)
def backlog(query: dict[str, Any]) -> dict[str, Any]:
    """Open reports by age (< 48 h, < 10 days, >= 10 days) per direction, unit, district…"""
    items = stats.backlog(query["by"], _scope(query))
    return {"by": query["by"], "items": items}


@blp.route("/backlog.csv")
@blp.doc(responses=csv_file("Stock par ancienneté, en CSV"))
@blp.arguments(BacklogQuerySchema, location="query")
@auth_required(*STAFF)
def backlog_csv(query: dict[str, Any]) -> Response:
    """The backlog table as CSV (;-separated)."""
    items = stats.backlog(query["by"], _scope(query))
    return _csv(items, f"backlog_{query['by']}.csv")


@blp.route("/scheduled")
@blp.arguments(ScheduledQuerySchema, location="query")
@blp.response(200)
@auth_required(*STAFF)
def scheduled(query: dict[str, Any]) -> dict[str, Any]:
    """Scheduled reports: due within 48 h / 8 days, late up to / over 10 days.

    Live from the report table: only scheduled reports qualify (few rows, found
    by index), see dansmarue.stats.scheduled."""
    items = scheduled_stats.tranches(query["by"], _scope(query))
    return {"by": query["by"], "items": items}


@blp.route("/scheduled.csv")
@blp.doc(responses=csv_file("Signalements programmés par tranche, en CSV"))
@blp.arguments(ScheduledQuerySchema, location="query")
@auth_required(*STAFF)
def scheduled_csv(query: dict[str, Any]) -> Response:
    """The scheduled-reports table as CSV (;-separated, header always present)."""
    items = scheduled_stats.tranches(query["by"], _scope(query))
    return _csv(items, f"programmes_{query['by']}.csv", scheduled_stats.COLUMNS)


@blp.route("/delays")
@blp.arguments(DelaysQuerySchema, location="query")
@blp.response(200)
@auth_required(*STAFF)
def delays(query: dict[str, Any]) -> dict[str, Any]:
    """On-time rates, mean, median and p90 time to acknowledge and to resolve."""
    return {
        "by": query["by"],
        "from": query["start"].isoformat(),
        "to": query["end"].isoformat(),
        "items": _delays(query),
    }


@blp.route("/delays.csv")
@blp.doc(responses=csv_file("Délais par regroupement, en CSV"))
@blp.arguments(DelaysQuerySchema, location="query")
@auth_required(*STAFF)
def delays_csv(query: dict[str, Any]) -> Response:
    """The delays table as CSV (durations in seconds)."""
    return _csv([stats.flat(row) for row in _delays(query)], f"delais_{query['by']}.csv")


@blp.route("/trends")
@blp.arguments(PeriodSchema, location="query")
@blp.response(200)
@auth_required(*STAFF)
def trends(query: dict[str, Any]) -> dict[str, Any]:
    """Week by week: created, resolved, on-time rate, median delays."""
    return {
        "from": query["start"].isoformat(),
        "to": query["end"].isoformat(),
        "weeks": _delays({**query, "by": "week"}),
    }


@blp.route("/overdue")
@blp.arguments(OverdueQuerySchema, location="query")
@blp.response(200)
@auth_required(*STAFF)
def overdue(query: dict[str, Any]) -> dict[str, Any]:
    """Open reports past their due date, most overdue first (cursor pagination)."""
    items = stats.overdue(_scope(query), query["limit"], stats.parse_cursor(query.get("after")))
    next_cursor = stats.make_cursor(items[-1]) if len(items) == query["limit"] else None
    return {"items": items, "next": next_cursor}


@blp.route("/overdue.csv")
@blp.doc(responses=csv_file("Signalements en retard, en CSV"))
@blp.arguments(OverdueQuerySchema, location="query")
@auth_required(*STAFF)
def overdue_csv(query: dict[str, Any]) -> Response:
    """The overdue list as CSV."""
    return _csv(stats.overdue(_scope(query), 500, stats.parse_cursor(query.get("after"))), "en_retard.csv")


@blp.route("/open-data.csv")
@blp.doc(responses=csv_file("Export anonymisé pour l'open data, en CSV"))
@blp.arguments(OpenDataQuerySchema, location="query")
@auth_required(*STAFF)
def open_data(query: dict[str, Any]) -> Response:
    """Anonymised export with the real open data set's columns, streamed."""
    records = opendata.rows(query["start"], query["end"], _scope(query))
    body = stream_with_context(opendata.csv_lines(opendata.COLUMNS, records))
    return Response(
        body,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="dans-ma-rue.csv"'},
    )
