"""The one pagination cursor format (map search, agents' queue, overdue list)."""

from datetime import UTC, datetime

import pytest

from dansmarue.errors import Unprocessable
from dansmarue.platform import cursors

WHEN = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)


def test_round_trips_each_key_type():
    assert cursors.decode(cursors.encode("due", WHEN, 7), "due", datetime) == (WHEN, 7)
    assert cursors.decode(cursors.encode("distance", 12.5, 8), "distance", float) == (12.5, 8)
    assert cursors.decode(cursors.encode("due", None, 9), "due", datetime, nullable=True) == (None, 9)


@pytest.mark.parametrize(
    "raw",
    [
        "zzz",
        "",
        cursors.encode("date", WHEN, 1),  # another list's
        cursors.encode("due", None, 1),
        cursors.encode("due", WHEN, True),
        cursors.encode("due", "nan", 1),
    ],
)
def test_a_foreign_or_malformed_cursor_is_a_422_on_its_parameter(raw):
    with pytest.raises(Unprocessable) as refused:
        cursors.decode(raw, "due", datetime, parameter="after")
    assert refused.value.errors[0]["field"] == "after"
