"""The bounds of PostgreSQL's column types and of the dates the service
takes: one source for the API's edge, the pages' filters and the models."""

import datetime as dt

SMALLINT_MAX = 2**15 - 1
INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # `integer`: every id but a report's, every count
BIGINT_MAX = 2**63 - 1  # `bigint`: report ids
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
