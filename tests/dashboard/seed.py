"""Seed data of the dashboard tests: a known share of overdue reports per arrondissement.

For the manager's direction (DPE), arrondissements 1-5 get one colour class
each; another direction's reports sit in the 6th (the manager must not see
them). Closed reports over the past weeks feed the weekly charts.
"""

from datetime import timedelta

from sqlalchemy import select, text

from dansmarue.models import Category, Report, Unit, db

DIRECTION = "DPE"
OTHER_DIRECTION = "DVD"
MANAGER_EMAIL = "responsable.tableau@paris.example"
ADMIN_EMAIL = "admin.tableau@paris.example"
REF_PREFIX = "B2099"
# district -> (open reports, of which overdue): 0 %, 20 %, 30 %, 50 %, 80 %.
PLAN = {1: (10, 0), 2: (10, 2), 3: (10, 3), 4: (10, 5), 5: (5, 4)}
OTHER_PLAN = {6: (4, 4)}
# Ages of open reports, cycled: under 48 h, under 10 days, 10 days and more.
AGES = (timedelta(hours=5), timedelta(days=4), timedelta(days=15), timedelta(hours=30))


def _leaf_categories(direction_code: str, n: int) -> list[Category]:
    tree = select(Unit.id).where(Unit.code == direction_code).cte("tree", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return list(
        db.session.scalars(
            select(Category)
            .where(Category.is_leaf.is_(True), Category.unit_id.in_(select(tree.c.id)))
            .order_by(Category.id)
            .limit(n)
        )
    )


def _point(district_id: int):
    return db.session.scalar(
        text("SELECT ST_PointOnSurface(geom) FROM district WHERE id = :d"), {"d": district_id}
    )


def _report(
    n: int,
    category: Category,
    direction_id: int,
    district: int,
    created,
    due,
    closed=None,
    state="to_process",
) -> Report:
    return Report(
        reference=f"{REF_PREFIX}A{n:06d}",
        token=f"{n:032x}",
        state=state,
        category_id=category.id,
        priority=2,
        description="Signalement de test du tableau de bord",
        address=f"{n} rue de l'Essai, 750{district:02d} Paris",
        geom=_point(district),
        origin="B",
        district_id=district,
        direction_id=direction_id,
        unit_id=category.unit_id,
        created_at=created,
        acknowledged_at=created + timedelta(minutes=30),
        ack_due_at=created + timedelta(hours=4),
        due_at=due,
        closed_at=closed,
        resolved_at=closed,
        sla_status="none",
    )


def seed_reports(now) -> dict:
    """Insert the reports (not committed) and return what the tests expect."""
    direction_id = db.session.scalar(select(Unit.id).where(Unit.code == DIRECTION))
    other_id = db.session.scalar(select(Unit.id).where(Unit.code == OTHER_DIRECTION))
    cats = _leaf_categories(DIRECTION, 3)
    other_cat = _leaf_categories(OTHER_DIRECTION, 1)[0]
    reports, n = [], 0
    for plan, dir_id, categories in ((PLAN, direction_id, cats), (OTHER_PLAN, other_id, [other_cat])):
        for district, (open_count, overdue) in plan.items():
            for i in range(open_count):
                n += 1
                created = now - AGES[n % len(AGES)]
                late = i < overdue
                # Overdue ones: due 3 h to a few days ago; the others due tomorrow or later.
                due = now - timedelta(hours=3 + 20 * i) if late else now + timedelta(days=1 + i)
                r = _report(n, categories[i % len(categories)], dir_id, district, created, due)
                r.sla_status = "overdue" if late else "none"
                r.overdue_at = due if late else None
                reports.append(r)
    # Closed over the last weeks: two a week, the second one late.
    for week in range(1, 6):
        for k, late in ((0, False), (1, True)):
            n += 1
            created = now - timedelta(weeks=week, days=3)
            due = created + timedelta(days=2)
            closed = due + (timedelta(days=1) if late else -timedelta(days=1))
            reports.append(_report(n, cats[k], direction_id, 1 + week, created, due, closed, "done"))
    db.session.add_all(reports)
    db.session.flush()
    return {
        "direction_id": direction_id,
        "other_direction_id": other_id,
        "report_ids": [r.id for r in reports],
        "expected": dict(PLAN.items()),
        "categories": [c.id for c in cats],
        "category_units": {c.id: c.unit_id for c in cats},
    }


def fold() -> None:
    """Move the triggers' deltas into the roll-ups (stats and late counts)."""
    from dansmarue.stats import overdue as overdue_list
    from dansmarue.stats import rollups

    rollups.fold()
    overdue_list.fold_late()
    db.session.commit()
