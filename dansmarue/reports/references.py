"""Report references in the real format, and secret tokens.

Reference = origin letter + year + month letter (A = January … L = December)
+ a six-digit counter that restarts every month, e.g. ``G2024G079992``.
"""
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from dansmarue.extensions import db

MONTH_LETTERS = "ABCDEFGHIJKL"
PARIS = ZoneInfo("Europe/Paris")


def format_reference(origin: str, year: int, month: int, number: int) -> str:
    return f"{origin}{year}{MONTH_LETTERS[month - 1]}{number:06d}"


def allocate_reference(origin: str, when: datetime) -> str:
    """Next reference of the month (Paris time); race-free via a sequence."""
    local = when.astimezone(PARIS)
    number = db.session.execute(
        select(func.next_report_number(local.year, local.month))
    ).scalar_one()
    return format_reference(origin, local.year, local.month, number)


def new_token() -> str:
    """32 hex characters, like the real system's, but from a CSPRNG."""
    return secrets.token_hex(16)
