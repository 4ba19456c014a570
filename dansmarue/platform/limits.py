"""The bounds of PostgreSQL's column types and of the dates the service
takes: one source for the API's edge, the pages' filters and the adapters."""

import datetime as dt

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # `integer`: every id but a report's, every count
BIGINT_MAX = 2**63 - 1  # `bigint`: report ids
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def as_id(text: str, maximum: int = INT_MAX) -> int | None:
    """The id a digit string names, or None when it is not one a column can hold."""
    text = text.strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= maximum else None
