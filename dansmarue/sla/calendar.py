"""A city's business calendar and SLA due-date arithmetic (pure: no Flask, no DB).

All public functions take timezone-aware datetimes (any zone) and return
timezone-aware UTC datetimes; naive datetimes are rejected with ValueError.

Semantics (see data/SLA_TARGETS.md for the full write-up):

* Business day: a local date whose weekday is in ``workdays`` and which is not
  a public holiday of ``country`` and ``subdivision`` (``holidays`` library; the
  city profile gives both: Paris is "FR" with no subdivision, so no
  Alsace-Moselle extras). Whit Monday counts as a holiday in France.
* Business hours: the half-open local interval [opening, closing), default
  08:00-18:00 in the city's time zone. 18:00 itself is already outside hours.
* ``add_business_days(start, n)``: a start outside business hours is first
  moved to the next business opening; the due time is then the same local
  wall-clock time ``n`` business days later.
* ``add_calendar_hours``: real elapsed time, computed in UTC, so 24 h across a
  DST change is 24 real hours (not the same wall-clock time).
* Pauses stop the SLA clock: see :meth:`BusinessCalendar.due_at`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

UTC = UTC
Unit = Literal["hours", "business_days"]
UNITS: tuple[str, ...] = ("hours", "business_days")
Pause = tuple[datetime, datetime | None]

# Open-report age buckets of the real DansMaRue dashboard (SignalementDAO.addQueryTranche).
AGE_BUCKETS: tuple[str, ...] = ("lt_48h", "lt_10d", "ge_10d")
# Their upper bounds (the oldest bucket has none): the one definition, read by
# the stats, the dashboard and `age_bucket`.
AGE_LIMITS: tuple[timedelta, timedelta] = (timedelta(hours=48), timedelta(days=10))
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Target:
    """A delay target: ``amount`` calendar hours or whole business days."""

    amount: float
    unit: Unit

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown target unit {self.unit!r}; expected one of {UNITS}")
        if isinstance(self.amount, bool) or not isinstance(self.amount, int | float):
            raise ValueError(f"target amount must be a number, got {self.amount!r}")
        if not math.isfinite(self.amount) or self.amount <= 0:
            raise ValueError(f"target amount must be positive, got {self.amount!r}")
        # Fractional business days would need a rule for "half a day"; whole days
        # keep the due time at the same wall-clock time, which agents understand.
        if self.unit == "business_days" and not float(self.amount).is_integer():
            raise ValueError(f"business_days targets must be whole days, got {self.amount!r}")

    def __str__(self) -> str:
        amount = f"{self.amount:g}"
        return f"{amount} h" if self.unit == "hours" else f"{amount} business day(s)"


def _utc(moment: datetime, name: str = "datetime") -> datetime:
    """Return ``moment`` in UTC, refusing naive values (their zone is a guess)."""
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment.astimezone(UTC)


@functools.lru_cache(maxsize=512)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    # Cached per year: building the holidays object is slow relative to lookups,
    # and a frozenset is safe to share between request threads.
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year).keys())


class BusinessCalendar:
    """Working days, public holidays and business hours in one local time zone."""

    def __init__(
        self,
        tz: str,
        country: str,
        subdivision: str | None = None,
        workdays: Iterable[int] = (0, 1, 2, 3, 4),
        opening: time = time(8),
        closing: time = time(18),
    ) -> None:
        self.tz = ZoneInfo(tz)
        self.country = country
        self.subdivision = subdivision or None
        self.workdays = frozenset(workdays)
        if not self.workdays or not self.workdays <= set(range(7)):
            raise ValueError("workdays must be a non-empty subset of 0..6 (Monday=0)")
        if opening.tzinfo is not None or closing.tzinfo is not None:
            raise ValueError("opening and closing are local wall-clock times without tzinfo")
        if not opening < closing:
            raise ValueError("opening must be before closing (overnight hours are unsupported)")
        self.opening = opening
        self.closing = closing
        try:
            _holiday_dates(country, self.subdivision, 2000)  # fail fast on an unknown code
        except NotImplementedError as error:  # unknown country or subdivision
            raise ValueError(f"holidays: {error}") from None

    def __repr__(self) -> str:
        return (
            f"BusinessCalendar(tz={self.tz.key!r}, country={self.country!r}, "
            f"subdivision={self.subdivision!r}, "
            f"workdays={tuple(sorted(self.workdays))}, opening={self.opening}, closing={self.closing})"
        )

    # -- days -------------------------------------------------------------
    def is_holiday(self, day: date | datetime) -> bool:
        """True if the local date of ``day`` is a public holiday."""
        day = self._local_date(day)
        return day in _holiday_dates(self.country, self.subdivision, day.year)

    def is_business_day(self, day: date | datetime) -> bool:
        """True for a working weekday that is not a public holiday.

        An aware datetime is judged by its local date; a plain date as is.
        """
        day = self._local_date(day)
        return day.weekday() in self.workdays and not self.is_holiday(day)

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after ``day``."""
        day = self._local_date(day) + _ONE_DAY
        while not self.is_business_day(day):
            day += _ONE_DAY
        return day

    def _local_date(self, day: date | datetime) -> date:
        if isinstance(day, datetime):
            return _utc(day, "day").astimezone(self.tz).date()
        return day

    def _at(self, day: date, wall: time) -> datetime:
        # fold=0: an ambiguous wall time (autumn) means its first occurrence; a
        # non-existent one (spring gap) lands just after the gap. Neither can
        # happen with default hours, since Paris changes clocks on Sunday night.
        return datetime.combine(day, wall, tzinfo=self.tz).astimezone(UTC)

    def _opening_slot(self, moment: datetime) -> tuple[date, time]:
        """Local (date, wall time) of ``moment``, moved to the next opening if closed."""
        local = _utc(moment, "start").astimezone(self.tz)
        day, wall = local.date(), local.time().replace(tzinfo=None)
        if self.is_business_day(day):
            if wall < self.opening:
                return day, self.opening
            if wall < self.closing:
                return day, wall
        return self.next_business_day(day), self.opening

    # -- arithmetic ---------------------------------------------------------
    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` itself if within business hours, else the next opening (UTC)."""
        return self._at(*self._opening_slot(moment))

    def add_business_days(self, start: datetime, n: int) -> datetime:
        """Same local time ``n`` business days after ``start`` (moved to an opening first).

        Friday 20:00 + 1 business day = Tuesday 08:00 (Monday 08:00 is the
        effective start). ``n == 0`` returns the effective start.
        """
        if isinstance(n, bool) or not float(n).is_integer() or n < 0:
            raise ValueError(f"n must be a non-negative whole number, got {n!r}")
        day, wall = self._opening_slot(start)
        for _ in range(int(n)):
            day = self.next_business_day(day)
        return self._at(day, wall)

    @staticmethod
    def add_calendar_hours(start: datetime, hours: float) -> datetime:
        """``start`` plus ``hours`` of real elapsed time, in UTC (DST-proof)."""
        return _utc(start, "start") + timedelta(hours=hours)

    def _business_windows(self, first: date) -> Iterable[tuple[datetime, datetime]]:
        """Endless UTC [opening, closing) windows of business days from ``first``."""
        day = first
        while True:
            if self.is_business_day(day):
                yield self._at(day, self.opening), self._at(day, self.closing)
            day += _ONE_DAY

    def business_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Exact business time within [a, b); ``b`` must not precede ``a``."""
        a, b = _utc(a, "a"), _utc(b, "b")
        if b < a:
            raise ValueError("b must not be before a")
        total = timedelta(0)
        for opens, closes in self._business_windows(a.astimezone(self.tz).date()):
            if opens >= b:
                return total
            lo, hi = max(opens, a), min(closes, b)
            if hi > lo:
                total += hi - lo
        raise AssertionError("unreachable: business windows are endless")

    def business_seconds_between(self, a: datetime, b: datetime) -> float:
        """Business seconds within [a, b) (for pause accounting and reports)."""
        return self.business_time_between(a, b).total_seconds()

    def add_business_time(self, start: datetime, amount: timedelta) -> datetime:
        """The instant at which ``amount`` of business time has elapsed after ``start``.

        Landing exactly on the end of a business window returns the closing
        time (e.g. 18:00), not the next opening.
        """
        start = _utc(start, "start")
        if amount < timedelta(0):
            raise ValueError("amount must not be negative")
        if not amount:
            return start
        remaining = amount
        for opens, closes in self._business_windows(start.astimezone(self.tz).date()):
            lo = max(opens, start)
            if closes > lo:
                if remaining <= closes - lo:
                    return lo + remaining
                remaining -= closes - lo
        raise AssertionError("unreachable: business windows are endless")

    def due_at(self, start: datetime, target: Target, pauses: Iterable[Pause] = ()) -> datetime | None:
        """Due time of ``target`` for a clock started at ``start``, or None.

        Pauses stop the clock: each pause (after merging overlaps and clipping
        to ``start``) that begins before the current due time pushes it back by
        the time it stole. For ``hours`` targets that is the real duration of
        the pause; for ``business_days`` targets it is the business time inside
        the pause, re-added as business time. A pause that begins at or after
        the due time changes nothing (a late report stays late). A pause still
        open (end None) that begins before the due time means no due date yet:
        None is returned.
        """
        start = _utc(start, "start")
        if target.unit == "hours":
            due = start + timedelta(hours=target.amount)
        else:
            due = self.add_business_days(start, int(target.amount))
        for begin, end in _merge_pauses(start, pauses):
            if begin >= due:
                break
            if end is None:
                return None
            if target.unit == "hours":
                due += end - begin
            else:
                due = self.add_business_time(due, self.business_time_between(begin, end))
        return due


def _merge_pauses(start: datetime, pauses: Iterable[Pause]) -> list[Pause]:
    """Validated pauses clipped to ``start``, sorted and merged; an open pause ends the list."""
    clipped: list[Pause] = []
    for index, pause in enumerate(pauses):
        begin, end = pause
        begin = _utc(begin, f"pauses[{index}] start")
        if end is not None:
            end = _utc(end, f"pauses[{index}] end")
            if end < begin:
                raise ValueError(f"pauses[{index}] ends before it starts")
        begin = max(begin, start)
        if end is None or end > begin:
            clipped.append((begin, end))
    clipped.sort(key=lambda p: p[0])
    merged: list[Pause] = []
    for begin, end in clipped:
        if merged and (merged[-1][1] is None or begin <= merged[-1][1]):
            last_begin, last_end = merged[-1]
            if last_end is not None:
                merged[-1] = (last_begin, None if end is None else max(last_end, end))
            continue
        merged.append((begin, end))
    return merged


def age_bucket(created: datetime, now: datetime | None = None) -> str:
    """Dashboard age bucket of an open report: "lt_48h", "lt_10d" or "ge_10d".

    Age is real elapsed time (10 days = 240 h, even across a DST change). A
    creation time slightly in the future (clock skew) counts as "lt_48h".
    """
    created = _utc(created, "created")
    now = datetime.now(UTC) if now is None else _utc(now, "now")
    age = now - created
    for bucket, limit in zip(AGE_BUCKETS, AGE_LIMITS, strict=False):
        if age < limit:
            return bucket
    return AGE_BUCKETS[-1]
