"""The threshold ladder is written in three languages: Python (`clock.level_at`),
the sweep's CASE (`sla/sweep.py`) and the generated `sla_next_at` column
(migration 0005). This test ties them on the same rows at many instants."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import text

from dansmarue.models import db
from dansmarue.sla import clock
from dansmarue.sla.sweep import sweep

from .conftest import leaf, paris

LITTER = "Propreté:Déchets et/ou salissures divers"
START = paris(2026, 6, 1, 9, 0)  # a Monday
# Instants around every threshold of that report (ack 13:00, due soon, due, escalation).
HOURS = [1, 3.9, 4.1, 20, 38.3, 38.5, 47.9, 48.1, 71.9, 72.1, 200]


@pytest.mark.parametrize("hours", HOURS)
def test_sweep_status_and_next_threshold_agree_with_python(make_report, hours):
    with time_machine.travel(START, tick=False):
        report = make_report(leaf(LITTER))
    thresholds = {key: getattr(report, key) for key in ("ack_due_at", "due_soon_at", "due_at", "escalate_at")}
    now = START + timedelta(hours=hours)
    sweep(now=now)
    db.session.refresh(report)
    assert report.sla_status == clock.level_at(thresholds, now)
    assert report.sla_ack_late == (thresholds["ack_due_at"] <= now)
    # The generated column: the earliest threshold still ahead for this status.
    ahead = [at for key, at in thresholds.items() if at > now]
    stored = db.session.scalar(text("SELECT sla_next_at FROM report WHERE id = :i"), {"i": report.id})
    assert stored == (min(ahead) if ahead else None)
