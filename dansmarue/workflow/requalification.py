"""Automatic requalification (real task `RequalificationAuto`, table
signalement_workflow_rac_unit) and the units offered for a manual one.

A rule matches a new report when its source unit is the report's unit or
one of its ancestors, and its category is the report's or "all". The most
specific rule wins: a category rule before an "all" rule, then the nearest
source unit. The sector is re-picked inside the target unit at the report's
point, as the real task does; a rule whose target unit has no sector there
cannot serve the report and is passed over (no fallback unit, as in §3).
Callers commit.
"""

from sqlalchemy import select, text

from dansmarue import audit, signals
from dansmarue.errors import NotFound, Unprocessable
from dansmarue.jobs import outbox, registry
from dansmarue.models import SYSTEM_LABEL, Category, Report, Unit, User, db
from dansmarue.models.requalification import RequalificationRule
from dansmarue.platform.savepoint import save_fields
from dansmarue.reports import search
from dansmarue.workflow import history

ACTION = "auto_requalify"
NEAR_UNITS_RADIUS_M = 50  # real signalement.near.units.radius

MATCH_SQL = text("""
WITH RECURSIVE up(id, parent_id, depth) AS (
  SELECT id, parent_id, 0 FROM unit WHERE id = :unit_id
  UNION ALL
  SELECT u.id, u.parent_id, up.depth + 1 FROM unit u JOIN up ON u.id = up.parent_id
)
SELECT r.id, r.target_unit_id, r.target_state, s.sector_id
FROM requalification_rule r
JOIN up ON up.id = r.source_unit_id
JOIN unit t ON t.id = r.target_unit_id AND t.active
CROSS JOIN LATERAL (
  SELECT sec.id AS sector_id FROM sector sec JOIN unit_sector us ON us.sector_id = sec.id
  WHERE us.unit_id = r.target_unit_id
    AND ST_Covers(sec.geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
  ORDER BY sec.id LIMIT 1
) s
WHERE r.active AND (r.category_id = :category_id OR r.category_id IS NULL)
ORDER BY r.category_id IS NULL, up.depth, r.id
LIMIT 1
""")

# Units whose sectors lie within :radius metres of the point; the box test
# (degrees, generous) lets the GiST index on sector.geom prune first.
NEAR_SQL = text("""
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g)
SELECT u.id, u.code, u.label, u.kind,
       round(min(ST_Distance(s.geom::geography, p.g::geography))::numeric, 1) AS distance_m,
       array_agg(DISTINCT s.id ORDER BY s.id) AS sector_ids
FROM p, sector s
JOIN unit_sector us ON us.sector_id = s.id
JOIN unit u ON u.id = us.unit_id AND u.active
WHERE s.geom && ST_Expand(p.g, :degrees)
  AND ST_DWithin(s.geom::geography, p.g::geography, :radius)
GROUP BY u.id, u.code, u.label, u.kind
ORDER BY distance_m, u.label, u.id
""")


def apply(report: Report) -> RequalificationRule | None:
    """Apply the rule matching a report in verification; record it in history.

    Returns the rule applied (its `target_state`, if any, is then the
    report's state: the caller skips the usual dispatch), or None.
    """
    row = db.session.execute(
        MATCH_SQL,
        {
            "unit_id": report.unit_id,
            "category_id": report.category_id,
            "lon": report.longitude,
            "lat": report.latitude,
        },
    ).first()
    if row is None:
        return None
    rule = db.session.get_one(RequalificationRule, row.id)  # the row just matched
    target = db.session.get_one(Unit, row.target_unit_id)
    previous = {"unit_id": report.unit_id, "sector_id": report.sector_id, "direction_id": report.direction_id}
    old_label = report.unit.label if report.unit else None
    report.unit = target
    report.unit_id, report.sector_id = target.id, row.sector_id
    report.direction_id = target.direction_id
    new = {"unit_id": target.id, "sector_id": row.sector_id, "direction_id": report.direction_id}
    fields: history.EventFields = {
        "actor_label": SYSTEM_LABEL,
        "comment": f"Requalification automatique : {old_label} → " f"{target.label}.",
        "data": {"rule_id": rule.id, "previous": previous, "new": new},
    }
    if rule.target_state:
        event = history.change_state(report, rule.target_state, ACTION, **fields)
    else:
        event = history.record(report, ACTION, from_state=report.state, to_state=report.state, **fields)
        db.session.flush()
    signals.report_requalified.send(report, event=event, previous=previous)
    # The target unit's mailbox hears of it too (the mail is deduplicated per unit).
    outbox.add_job(registry.NOTIFY_UNIT_NEW_REPORT, report.id, report_id=report.id, unit_id=target.id)
    return rule


def nearby_units(report: Report, radius_m: float = NEAR_UNITS_RADIUS_M) -> list[dict]:
    """Units whose sectors lie within `radius_m` of the report, nearest first."""
    degrees = search.box_degrees(radius_m, report.latitude)
    rows = db.session.execute(
        NEAR_SQL, {"lon": report.longitude, "lat": report.latitude, "radius": radius_m, "degrees": degrees}
    )
    return [
        {
            "id": r.id,
            "code": r.code,
            "label": r.label,
            "kind": r.kind,
            "distance_m": float(r.distance_m),
            "sector_ids": list(r.sector_ids),
            "current": r.id == report.unit_id,
        }
        for r in rows
    ]


# --- admin CRUD -----------------------------------------------------------


def list_rules(*, source_unit_id: int | None = None) -> list[RequalificationRule]:
    query = select(RequalificationRule).order_by(RequalificationRule.id)
    if source_unit_id is not None:
        query = query.where(RequalificationRule.source_unit_id == source_unit_id)
    return list(db.session.scalars(query))


def get(rule_id: int) -> RequalificationRule:
    rule = db.session.get(RequalificationRule, rule_id)
    if rule is None:
        raise NotFound("Règle de requalification introuvable.")
    return rule


def _bad(name: str, message: str) -> Unprocessable:
    return Unprocessable(
        "Règle de requalification invalide.", errors=[{"field": name, "message": message, "location": "json"}]
    )


def save(values: dict, rule_id: int | None = None, *, actor: User | None = None) -> RequalificationRule:
    """Create (rule_id None) or update a rule; a second rule for the same
    (source unit, category) is a 409. Audited."""
    rule = RequalificationRule() if rule_id is None else get(rule_id)
    before = None if rule_id is None else audit.snapshot(rule)
    for name in ("source_unit_id", "target_unit_id"):
        if name in values and db.session.get(Unit, values[name]) is None:
            raise _bad(name, "Service inconnu.")
    category_id = values.get("category_id")
    if category_id is not None and db.session.get(Category, category_id) is None:
        raise _bad("category_id", "Catégorie inconnue.")
    source = values.get("source_unit_id", rule.source_unit_id)
    if source is not None and source == values.get("target_unit_id", rule.target_unit_id):
        raise _bad("target_unit_id", "Le service cible doit différer du service source.")
    save_fields(rule, values, "Une règle existe déjà pour ce service source et cette catégorie.")
    audit.record(
        actor,
        "requalification_rule",
        rule.id,
        "create" if before is None else "update",
        before,
        audit.snapshot(rule),
    )
    return rule


def delete(rule_id: int, *, actor: User | None = None) -> None:
    rule = get(rule_id)
    before = audit.snapshot(rule)
    db.session.delete(rule)
    db.session.flush()
    audit.record(actor, "requalification_rule", rule_id, "delete", before, None)
