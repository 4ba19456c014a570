"""CSV cells that a spreadsheet will not run: formula injection neutralised.

A text cell starting with `=`, `+`, `-`, `@` (or a tab / carriage return that
some spreadsheets skip) is read as a formula by Excel and LibreOffice; an
apostrophe in front makes it plain text (OWASP's advice). Numbers, dates and
None are left as they are, so "-3" as a number stays a number.
"""

from collections.abc import Iterable
from typing import TypeVar

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
T = TypeVar("T")


def safe_cell(value: T) -> T | str:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    return [safe_cell(v) for v in values]
