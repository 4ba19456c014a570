"""French formatting of figures for people: counts, shares, durations, dates."""

import re
from datetime import date, datetime

from dansmarue import city

NNBSP = "\u202f"  # narrow no-break space: French thousands separator and before %
_TYPE_COLON = re.compile(r"(?<=\S):(?=\S)")


def category(label: str) -> str:
    """ "Type:Sous-type" (the open data's label, which the stats carry) as French
    typography writes it: "Type : Sous-type" (#19.10)."""
    return _TYPE_COLON.sub(" : ", label, count=1)


def count(n: int | None) -> str:
    return "–" if n is None else f"{n:,}".replace(",", NNBSP)


def percent(share: float | None) -> str:
    """0.873 -> "87 %"; None (nothing to measure) -> "–"."""
    return "–" if share is None else f"{round(100 * share)}{NNBSP}%"


def duration(seconds: float | None) -> str:
    """A rounded duration: "45 min", "7 h", "3 j 4 h", "12 j"."""
    if seconds is None:
        return "–"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} h"
    days, hours = divmod(hours, 24)
    if days >= 10 or hours == 0:
        return f"{days} j"
    return f"{days} j {hours} h"


def lateness(seconds: int) -> str:
    """How late a report is, in French: "en retard de 3 j 4 h"."""
    minutes = max(0, seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"en retard de {days} j {hours} h" if hours else f"en retard de {days} j"
    if hours:
        return f"en retard de {hours} h {minutes:02d}" if minutes else f"en retard de {hours} h"
    return f"en retard de {minutes} min"


def local_datetime(value: datetime | str | None) -> str:
    """Paris local time, "23/11/2026 14:05" (from a datetime or its ISO 8601 text)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(city.tz()).strftime("%d/%m/%Y %H:%M")


def local_date(value: date | None) -> str:
    return "–" if value is None else value.strftime("%d/%m/%Y")


def short_date(value: date) -> str:
    """Axis label: "23/11"."""
    return value.strftime("%d/%m")
