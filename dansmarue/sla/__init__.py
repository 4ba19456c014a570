"""SLA: resolution-delay targets and the clock that measures them.

Owns the business calendar and per-category targets (`calendar`, `targets`:
pure, no database), the report's clock (`clock`: due dates, pauses), the
hooks that restart it on workflow events (`hooks`) and the minute sweep that
marks reports due soon, overdue or escalated (`sweep`).
May import: platform, jobs, workflow, stats (roll-up fold) and the foundations.
"""

from .calendar import AGE_BUCKETS, BusinessCalendar, Target, age_bucket
from .targets import ResolvedTargets, SlaTable, TargetRule, load_targets

__all__ = [
    "AGE_BUCKETS",
    "BusinessCalendar",
    "ResolvedTargets",
    "SlaTable",
    "Target",
    "TargetRule",
    "age_bucket",
    "load_targets",
]
