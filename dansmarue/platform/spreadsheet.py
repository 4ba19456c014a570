"""CSV cells that a spreadsheet will not run: formula injection neutralised.

A text cell starting with `=`, `+`, `-`, `@` (or a tab / carriage return that
some spreadsheets skip) is read as a formula by Excel and LibreOffice; an
apostrophe in front makes it plain text (OWASP's advice). Numbers, dates and
None are left as they are, so "-3" as a number stays a number.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]
