"""The `late_stats` roll-up stays equal to a brute-force count of late reports
through inserts, the sweep's marks, closures, requalifications and deletions."""

from datetime import timedelta

from sqlalchemy import select, text

from dansmarue.access import auth
from dansmarue.models import Unit, db, utcnow
from dansmarue.stats import overdue as overdue_list
from tests.dashboard import seed

BRUTE = """SELECT district_id, category_id, unit_id, count(*) FROM report
           WHERE closed_at IS NULL AND sla_status IN ('overdue', 'escalated')
           GROUP BY 1, 2, 3"""


def _brute() -> dict:
    return {(d, c, u): n for d, c, u, n in db.session.execute(text(BRUTE))}


def test_late_rollup_follows_every_change(session):
    admin = auth.create_user("admin.cumul@paris.example", "mot-de-passe-cumul", "admin")
    now = utcnow()
    direction_id = session.scalar(select(Unit.id).where(Unit.code == seed.DIRECTION))
    cats = seed._leaf_categories(seed.DIRECTION, 2)
    reports = []
    for n in range(8):
        late = n % 2 == 0
        r = seed._report(
            990_000 + n,
            cats[n % 2],
            direction_id,
            1 + n % 3,
            now - timedelta(days=5),
            now - timedelta(hours=2) if late else now + timedelta(days=2),
        )
        r.sla_status = "overdue" if late else "none"
        reports.append(r)
    session.add_all(reports)
    session.flush()
    assert overdue_list.late_counts(admin) == _brute() and sum(_brute().values()) == 4

    reports[1].sla_status = "overdue"  # the sweep marks one more
    reports[2].sla_status = "escalated"  # still late: no change in counts
    reports[0].closed_at = now  # closed: no longer late
    reports[0].state = "done"
    reports[4].category_id = cats[1].id  # requalified: moves between keys
    reports[4].unit_id = cats[1].unit_id
    reports[6].district_id = 20  # moved to another arrondissement
    session.flush()
    session.delete(reports[3])  # never late: nothing to remove
    session.delete(reports[2])  # late: removed
    session.flush()
    counts = overdue_list.late_counts(admin)
    assert counts == _brute()
    assert sum(counts.values()) == 3

    overdue_list.rebuild_late()
    assert overdue_list.late_counts(admin) == _brute()


def test_rebuild_rollups_command_recounts_the_late_counts_too(app, session):
    """#19.11: after a bulk load that bypassed the triggers, `flask sla rebuild-rollups`
    brings the late counts back (not only the statistics)."""
    admin = auth.create_user("admin.rebuild@paris.example", "mot-de-passe-rebuild", "admin")
    now = utcnow()
    direction_id = session.scalar(select(Unit.id).where(Unit.code == seed.DIRECTION))
    cat = seed._leaf_categories(seed.DIRECTION, 1)[0]
    late = [
        seed._report(991_000 + n, cat, direction_id, 3, now - timedelta(days=5), now - timedelta(hours=3))
        for n in range(3)
    ]
    for r in late:
        r.sla_status = "overdue"
    session.add_all(late)
    session.flush()
    overdue_list.fold_late()
    session.execute(text("TRUNCATE late_stats, late_stats_delta"))  # as after a bulk COPY
    assert overdue_list.late_counts(admin) != _brute()
    result = app.test_cli_runner().invoke(args=["sla", "rebuild-rollups"])
    assert result.exit_code == 0, result.output
    assert overdue_list.late_counts(admin) == _brute() and sum(_brute().values()) >= 3
