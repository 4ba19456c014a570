"""Load SLA data: targets per leaf category and the states that pause the clock.

Targets come from `data/sla_targets.csv` (rules per type, sub-type and
priority, see data/SLA_TARGETS.md) and are resolved here once per real leaf,
so the database holds one all-priorities row per leaf plus a row for each
priority whose targets differ. Editing the CSV and re-running the load
(`flask data load`) updates them; reports get new due dates when next touched.
"""

import csv
import os
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import delete, select

from dansmarue.models import Category, SlaClockState, SlaTarget, db
from dansmarue.refdata import sources
from dansmarue.sla import clock as sla
from dansmarue.sla.targets import PRIORITIES, ResolvedTargets, UnknownCategoryError, load_targets


def load_sla(
    progress: Callable[[Iterable[Any], str], Iterable[Any]] = lambda items, label: items,
    path: str | os.PathLike[str] | None = None,
) -> int:
    """Upsert targets and clock states; returns the number of target rows.

    `path`: a city pack's targets file (default: Paris's data/sla_targets.csv)."""
    path = str(path or sources.path("sla_targets.csv"))
    source = os.path.basename(path)
    table = load_targets(path)
    types = {c.id: c for c in db.session.scalars(select(Category).where(Category.parent_id.is_(None)))}
    leaves = db.session.scalars(select(Category).where(Category.is_leaf.is_(True))).all()
    db.session.execute(delete(SlaTarget))
    count = 0
    for leaf in progress(leaves, "Délais (SLA)"):
        parent = types.get(leaf.parent_id)
        if parent is None:
            continue
        try:
            default = table.resolve((parent.label, leaf.label), None)
        except UnknownCategoryError:
            continue  # e.g. documented out-of-scope leaves: no target, no due date
        rows: list[tuple[int | None, ResolvedTargets]] = [(None, default)]  # None: every priority
        for level in PRIORITIES:
            resolved = table.resolve((parent.label, leaf.label), level)
            if (resolved.ack, resolved.resolve) != (default.ack, default.resolve):
                rows.append((level, resolved))
        for priority, resolved in rows:
            db.session.add(
                SlaTarget(
                    category_id=leaf.id,
                    priority=priority,
                    ack_amount=resolved.ack.amount,
                    ack_unit=resolved.ack.unit,
                    resolve_amount=resolved.resolve.amount,
                    resolve_unit=resolved.resolve.unit,
                    rationale=resolved.rule.rationale,
                    source=f"{source}:{resolved.rule.line}",
                )
            )
            count += 1
    load_clock_states()
    db.session.flush()
    sla.forget()
    return count


def load_clock_states() -> int:
    with open(sources.path("sla_clock_states.csv"), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        state = db.session.get(SlaClockState, row["state"]) or SlaClockState(state=row["state"])
        state.pauses_clock = row["pauses_clock"].strip().lower() == "true"
        state.reason = row["reason"]
        db.session.add(state)
    return len(rows)
