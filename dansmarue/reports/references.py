"""Report references in the real format, and secret tokens.

Reference = origin letter + year + month letter (A = January … L = December)
+ a counter that restarts every month (six digits in Paris: the city profile's
``references.counter_width``), e.g. ``G2024G079992``.
"""

import secrets
from datetime import datetime

from sqlalchemy import func, select

from dansmarue import city
from dansmarue.extensions import db

MONTH_LETTERS = "ABCDEFGHIJKL"


def format_reference(origin: str, year: int, month: int, number: int) -> str:
    width = city.current().reference_counter_width
    return f"{origin}{year}{MONTH_LETTERS[month - 1]}{number:0{width}d}"


def allocate_reference(origin: str, when: datetime) -> str:
    """Next reference of the month (the city's local time); race-free via a sequence."""
    local = when.astimezone(city.tz())
    number = db.session.execute(select(func.next_report_number(local.year, local.month))).scalar_one()
    return format_reference(origin, local.year, local.month, number)


def new_token() -> str:
    """32 hex characters, like the real system's, but from a CSPRNG."""
    return secrets.token_hex(16)
