"""fmt.local_date, typed `date | None` (#14.6): a missing day reads as a dash,
like fmt.local_datetime, instead of an AttributeError on None."""

from datetime import date

from dansmarue.dashboard import fmt


def test_local_date_is_the_french_day():
    assert fmt.local_date(date(2026, 11, 3)) == "03/11/2026"


def test_local_date_of_no_day_is_a_dash_as_local_datetime():
    assert fmt.local_date(None) == "–" == fmt.local_datetime(None)
