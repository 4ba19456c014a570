"""SLA targets per category and priority, loaded from ``data/sla_targets.csv``.

Each CSV row gives an acknowledgement target and a resolution target for a
category node: ``type`` (top level), ``soustype`` (empty = the whole type; may
also name an intermediate node such as ``Feux tricolores``) and ``priority``
(1 Dangereux, 2 Gênant, 3 Peu gênant; empty = every priority).

Resolution order for a report (category path, priority), first match wins:

1. a row for the report's priority, deepest category node first;
2. an all-priorities row, deepest category node first (ending at the type row).

So a type-level "priority 1" row beats a leaf's all-priorities row: the
priority is set on each report and is the stronger urgency signal. Every type
must have a default row, so any leaf of a known type resolves to a target.

Labels are compared after Unicode NFC, whitespace collapsing and casefolding,
and ``:`` separates levels, so ``("Voirie…", "Feux tricolores", "Carrefour
éteint")`` and ``("Voirie…", "Feux tricolores  : Carrefour éteint")`` match.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .calendar import Target

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "sla_targets.csv"
COLUMNS = (
    "type",
    "soustype",
    "priority",
    "ack_amount",
    "ack_unit",
    "resolve_amount",
    "resolve_unit",
    "rationale",
)
PRIORITIES = (1, 2, 3)

_Key = tuple[str, tuple[str, ...], int | None]


class TargetsFileError(ValueError):
    """The targets CSV is malformed (message names the source and line)."""


class UnknownCategoryError(LookupError):
    """No target can be found: the top-level type has no default row."""


@dataclass(frozen=True)
class TargetRule:
    """One CSV row."""

    type: str
    soustype: str
    priority: int | None
    ack: Target
    resolve: Target
    rationale: str
    line: int = 0


@dataclass(frozen=True)
class ResolvedTargets:
    """The targets that apply to a report, with the row they came from."""

    ack: Target
    resolve: Target
    rule: TargetRule


def normalize_label(label: str) -> str:
    """Comparison key of one category label."""
    return " ".join(unicodedata.normalize("NFC", label).split()).casefold()


def split_levels(parts: Iterable[str]) -> tuple[str, ...]:
    """Normalised category levels from labels that may contain ``:`` separators."""
    levels: list[str] = []
    for part in parts:
        levels.extend(normalize_label(p) for p in part.split(":"))
    return tuple(level for level in levels if level)


class SlaTable:
    """Indexed target rules with :meth:`resolve`."""

    def __init__(self, rules: Iterable[TargetRule]) -> None:
        self.rules: tuple[TargetRule, ...] = tuple(rules)
        self._index: dict[_Key, TargetRule] = {}
        for rule in self.rules:
            key = (normalize_label(rule.type), split_levels([rule.soustype]), rule.priority)
            if key in self._index:
                raise TargetsFileError(
                    f"line {rule.line}: duplicate of line {self._index[key].line} "
                    f"({rule.type!r}, {rule.soustype!r}, priority {rule.priority})"
                )
            self._index[key] = rule
        for rule in self.rules:
            if (normalize_label(rule.type), (), None) not in self._index:
                raise TargetsFileError(
                    f"line {rule.line}: type {rule.type!r} has no default row "
                    "(empty soustype and priority)"
                )

    @property
    def types(self) -> tuple[str, ...]:
        """Top-level types that have a default row, in file order."""
        return tuple(r.type for r in self.rules if not r.soustype and r.priority is None)

    def resolve(self, category: str | Sequence[str], priority: int | None = None) -> ResolvedTargets:
        """Targets for a category path ``(type, *sub-levels)`` and a priority.

        ``category`` may also be a bare type label. ``priority`` None (unknown)
        only considers all-priorities rows.
        """
        parts = [category] if isinstance(category, str) else list(category)
        if not parts:
            raise UnknownCategoryError("empty category path")
        type_key = normalize_label(parts[0])
        levels = split_levels(parts[1:])
        if (type_key, (), None) not in self._index:
            raise UnknownCategoryError(f"no SLA target for type {parts[0]!r}")
        if priority is not None and priority not in PRIORITIES:
            raise ValueError(f"priority must be one of {PRIORITIES} or None, got {priority!r}")
        depths = range(len(levels), -1, -1)
        candidates: list[_Key] = (
            [(type_key, levels[:d], priority) for d in depths] if priority is not None else []
        )
        candidates += [(type_key, levels[:d], None) for d in depths]
        for key in candidates:
            rule = self._index.get(key)
            if rule is not None:
                return ResolvedTargets(rule.ack, rule.resolve, rule)
        raise AssertionError("unreachable: the type default row exists")


def _target(row: dict[str, str], prefix: str, where: str) -> Target:
    amount, unit = row[f"{prefix}_amount"].strip(), row[f"{prefix}_unit"].strip()
    try:
        return Target(float(amount), unit)  # type: ignore[arg-type]
    except ValueError as exc:
        raise TargetsFileError(f"{where}: bad {prefix} target {amount!r} {unit!r}: {exc}") from None


def parse_targets(lines: Iterable[str], source: str = "<targets>") -> SlaTable:
    """Parse targets CSV text (an iterable of lines, header first)."""
    reader = csv.DictReader(lines)
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise TargetsFileError(f"{source}: header must be {','.join(COLUMNS)}")
    rules = []
    for row in reader:
        where = f"{source}:{reader.line_num}"
        if None in row or any(v is None for v in row.values()):
            raise TargetsFileError(f"{where}: expected {len(COLUMNS)} columns")
        if not row["type"].strip():
            raise TargetsFileError(f"{where}: empty type")
        raw_priority = row["priority"].strip()
        if raw_priority and raw_priority not in {str(p) for p in PRIORITIES}:
            raise TargetsFileError(f"{where}: priority must be empty or one of {PRIORITIES}")
        rules.append(
            TargetRule(
                type=row["type"].strip(),
                soustype=row["soustype"].strip(),
                priority=int(raw_priority) if raw_priority else None,
                ack=_target(row, "ack", where),
                resolve=_target(row, "resolve", where),
                rationale=row["rationale"].strip(),
                line=reader.line_num,
            )
        )
    return SlaTable(rules)


def load_targets(path: str | Path = DEFAULT_PATH) -> SlaTable:
    """Load and validate the targets CSV (UTF-8)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return parse_targets(handle, str(path))
