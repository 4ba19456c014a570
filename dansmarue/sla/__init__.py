"""Resolution-delay targets (SLA): Paris business calendar and per-category targets."""
from .calendar import AGE_BUCKETS, BusinessCalendar, Target, age_bucket
from .targets import ResolvedTargets, SlaTable, TargetRule, load_targets

__all__ = [
    "AGE_BUCKETS", "BusinessCalendar", "Target", "age_bucket",
    "ResolvedTargets", "SlaTable", "TargetRule", "load_targets",
]
