"""Business calendar, due dates with pauses, and dashboard age buckets."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from dansmarue.sla.calendar import AGE_BUCKETS, BusinessCalendar, Target, age_bucket

PARIS = ZoneInfo("Europe/Paris")
UTC = UTC
CAL = BusinessCalendar("Europe/Paris", "FR")
H = timedelta(hours=1)


def paris(y, mo, d, h=0, mi=0, fold=0):
    return datetime(y, mo, d, h, mi, tzinfo=PARIS, fold=fold)


def assert_utc(moment):
    assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)


# -- business days --------------------------------------------------------------


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2024, 3, 12), True),  # ordinary Tuesday
        (date(2024, 3, 16), False),  # Saturday
        (date(2024, 3, 17), False),  # Sunday
        (date(2024, 5, 1), False),  # Fête du travail (a Wednesday)
        (date(2024, 5, 8), False),  # Victoire 1945
        (date(2024, 5, 9), False),  # Ascension, computed from Easter
        (date(2024, 5, 20), False),  # Whit Monday, computed from Easter
        (date(2025, 7, 14), False),  # Fête nationale on a Monday
        (date(2024, 12, 25), False),  # Christmas
        (date(2025, 4, 21), False),  # Easter Monday 2025
        (date(2024, 3, 29), True),  # Good Friday: Alsace-Moselle only, not metropolitan
        (date(2024, 12, 26), True),  # St Stephen: Alsace-Moselle only
    ],
)
def test_is_business_day(day, expected):
    assert CAL.is_business_day(day) is expected


def test_is_business_day_uses_the_local_date_of_a_datetime():
    # 22:30 UTC on 30 April is 00:30 on 1 May in Paris.
    assert CAL.is_business_day(datetime(2024, 4, 30, 22, 30, tzinfo=UTC)) is False
    assert CAL.is_business_day(datetime(2024, 5, 1, 23, 30, tzinfo=UTC)) is True


def test_next_business_day_skips_weekend_and_holidays():
    assert CAL.next_business_day(date(2024, 5, 7)) == date(2024, 5, 10)
    assert CAL.next_business_day(date(2024, 5, 17)) == date(2024, 5, 21)


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (paris(2024, 3, 11, 10), 1, paris(2024, 3, 12, 10)),  # Mon -> Tue same time
        (paris(2024, 3, 15, 10), 1, paris(2024, 3, 18, 10)),  # Fri -> Mon
        (paris(2024, 3, 15, 20), 1, paris(2024, 3, 19, 8)),  # Fri evening -> Mon 08:00 start
        (paris(2024, 3, 16, 11), 1, paris(2024, 3, 19, 8)),  # Saturday
        (paris(2024, 3, 12, 6, 30), 1, paris(2024, 3, 13, 8)),  # before opening
        (paris(2024, 3, 12, 18, 0), 1, paris(2024, 3, 14, 8)),  # 18:00 is already closed
        (paris(2024, 3, 12, 17, 59), 1, paris(2024, 3, 13, 17, 59)),
        (paris(2024, 4, 30, 10), 1, paris(2024, 5, 2, 10)),  # skips 1 May
        (paris(2024, 5, 7, 10), 2, paris(2024, 5, 13, 10)),  # skips 8 May and Ascension
        (paris(2024, 5, 17, 10), 1, paris(2024, 5, 21, 10)),  # skips Whit Monday
        (paris(2025, 7, 11, 15), 1, paris(2025, 7, 15, 15)),  # skips 14 July
        (paris(2024, 12, 24, 10), 1, paris(2024, 12, 26, 10)),  # skips Christmas
        (paris(2024, 3, 15, 20), 0, paris(2024, 3, 18, 8)),  # n=0: effective start
        (paris(2024, 3, 11, 10), 10, paris(2024, 3, 25, 10)),
    ],
)
def test_add_business_days(start, n, expected):
    due = CAL.add_business_days(start, n)
    assert due == expected
    assert_utc(due)


@pytest.mark.parametrize(
    "start, expected, real_hours",
    [
        (paris(2025, 3, 28, 10), datetime(2025, 3, 31, 8, tzinfo=UTC), 71),  # spring forward
        (paris(2025, 10, 24, 10), datetime(2025, 10, 27, 9, tzinfo=UTC), 73),  # fall back
    ],
)
def test_add_business_days_keeps_wall_time_across_dst(start, expected, real_hours):
    due = CAL.add_business_days(start, 1)
    assert due == expected and due.astimezone(PARIS).time() == time(10)
    assert due - start == real_hours * H


def test_add_business_days_accepts_any_zone():
    start = datetime(2024, 3, 15, 19, tzinfo=UTC)  # 20:00 in Paris
    assert CAL.add_business_days(start, 1) == paris(2024, 3, 19, 8)


@pytest.mark.parametrize("n", [-1, 1.5, True])
def test_add_business_days_rejects_bad_n(n):
    with pytest.raises(ValueError):
        CAL.add_business_days(paris(2024, 3, 11, 10), n)


def test_naive_datetimes_are_rejected():
    with pytest.raises(ValueError):
        CAL.add_business_days(datetime(2024, 3, 11, 10), 1)
    with pytest.raises(ValueError):
        CAL.add_calendar_hours(datetime(2024, 3, 11, 10), 1)
    with pytest.raises(ValueError):
        CAL.due_at(paris(2024, 3, 11, 10), Target(1, "hours"), [(datetime(2024, 3, 11, 11), None)])


# -- calendar hours and DST -------------------------------------------------------


@pytest.mark.parametrize(
    "start, local_due",
    [
        (paris(2025, 3, 29, 12), paris(2025, 3, 30, 13)),  # Saturday before spring forward
        (paris(2025, 10, 25, 12), paris(2025, 10, 26, 11)),  # Saturday before fall back
    ],
)
def test_24_hours_across_dst_is_24_real_hours(start, local_due):
    due = CAL.add_calendar_hours(start, 24)
    assert due - start == 24 * H
    assert due.astimezone(PARIS).replace(tzinfo=None) == local_due.replace(tzinfo=None)
    assert_utc(due)


def test_one_hour_inside_the_repeated_autumn_hour():
    first = paris(2025, 10, 26, 2, 30, fold=0)  # 00:30 UTC
    due = CAL.add_calendar_hours(first, 1)
    assert due == datetime(2025, 10, 26, 1, 30, tzinfo=UTC)
    assert due.astimezone(PARIS).fold == 1


def test_hours_target_due_at_across_dst():
    assert CAL.due_at(paris(2025, 3, 29, 12), Target(24, "hours")) == paris(2025, 3, 30, 13)


# -- business time ---------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b, hours",
    [
        (paris(2024, 3, 15, 17), paris(2024, 3, 18, 9), 2),  # Fri 17:00 -> Mon 09:00
        (paris(2024, 3, 11, 0), paris(2024, 3, 18, 0), 50),  # a plain week
        (paris(2024, 4, 29, 0), paris(2024, 5, 6, 0), 40),  # week with 1 May
        (paris(2025, 3, 24, 0), paris(2025, 3, 31, 0), 50),  # week ending with DST change
        (paris(2024, 3, 16, 0), paris(2024, 3, 18, 0), 0),  # weekend only
        (paris(2024, 3, 12, 19), paris(2024, 3, 13, 7), 0),  # overnight
        (paris(2024, 3, 12, 12), paris(2024, 3, 12, 12), 0),
    ],
)
def test_business_seconds_between(a, b, hours):
    assert CAL.business_seconds_between(a, b) == hours * 3600


def test_business_seconds_between_rejects_reversed_interval():
    with pytest.raises(ValueError):
        CAL.business_seconds_between(paris(2024, 3, 12, 12), paris(2024, 3, 12, 11))


def test_add_business_time():
    assert CAL.add_business_time(paris(2024, 3, 15, 17), 2 * H) == paris(2024, 3, 18, 9)
    assert CAL.add_business_time(paris(2024, 3, 11, 8), 10 * H) == paris(2024, 3, 11, 18)
    assert CAL.add_business_time(paris(2024, 3, 16, 10), timedelta(0)) == paris(2024, 3, 16, 10)


# -- due dates with pauses ---------------------------------------------------------

MON = paris(2024, 3, 11, 10)  # a week without holidays


def test_business_days_target_created_friday_evening():
    assert CAL.due_at(paris(2024, 3, 15, 20), Target(1, "business_days")) == paris(2024, 3, 19, 8)


def test_hours_pause_and_resume_extends_by_elapsed_pause():
    pauses = [(paris(2024, 3, 11, 12), paris(2024, 3, 11, 15))]
    assert CAL.due_at(MON, Target(24, "hours"), pauses) == paris(2024, 3, 12, 13)


def test_overlapping_pauses_are_not_counted_twice():
    pauses = [
        (paris(2024, 3, 11, 14), paris(2024, 3, 11, 16)),
        (paris(2024, 3, 11, 12), paris(2024, 3, 11, 15)),
    ]
    assert CAL.due_at(MON, Target(24, "hours"), pauses) == paris(2024, 3, 12, 14)


def test_pause_inside_another_pause_is_absorbed():
    pauses = [
        (paris(2024, 3, 11, 12), paris(2024, 3, 11, 18)),
        (paris(2024, 3, 11, 13), paris(2024, 3, 11, 14)),
    ]
    assert CAL.due_at(MON, Target(24, "hours"), pauses) == paris(2024, 3, 12, 16)


def test_pause_before_start_is_clipped():
    pauses = [(paris(2024, 3, 10, 10), paris(2024, 3, 11, 11))]
    assert CAL.due_at(MON, Target(24, "hours"), pauses) == paris(2024, 3, 12, 11)


def test_pause_after_due_does_not_rescue_a_late_report():
    pauses = [(paris(2024, 3, 13, 10), paris(2024, 3, 14, 10))]
    assert CAL.due_at(MON, Target(24, "hours"), pauses) == paris(2024, 3, 12, 10)


def test_later_pause_counts_when_it_starts_before_the_extended_due():
    # First pause moves the due time to Tue 18:00, so a Tue 12:00 pause counts too.
    pauses = [
        (paris(2024, 3, 11, 12), paris(2024, 3, 11, 20)),
        (paris(2024, 3, 12, 12), paris(2024, 3, 12, 14)),
    ]
    assert CAL.due_at(MON, Target(24, "hours"), pauses) == paris(2024, 3, 12, 20)


def test_business_days_pause_extends_by_lost_business_time():
    # Mon 16:00 -> Tue 09:00 steals 2 h (Mon) + 1 h (Tue) of business time.
    pauses = [(paris(2024, 3, 11, 16), paris(2024, 3, 12, 9))]
    assert CAL.due_at(MON, Target(2, "business_days"), pauses) == paris(2024, 3, 13, 13)


def test_weekend_pause_costs_no_business_time():
    start = paris(2024, 3, 15, 10)
    pauses = [(paris(2024, 3, 16, 10), paris(2024, 3, 17, 18))]
    assert CAL.due_at(start, Target(1, "business_days"), pauses) == paris(2024, 3, 18, 10)
    # The same pause does extend a round-the-clock target that is still running.
    assert CAL.due_at(start, Target(48, "hours"), pauses) == paris(2024, 3, 18, 18)


def test_business_days_pause_spanning_the_due_time():
    # Clock runs nothing before the pause; 10 business hours remain at Wed 12:00.
    pauses = [(paris(2024, 3, 11, 9), paris(2024, 3, 13, 12))]
    assert CAL.due_at(MON, Target(1, "business_days"), pauses) == paris(2024, 3, 14, 12)


def test_open_pause_means_no_due_date():
    pauses = [(paris(2024, 3, 11, 12), paris(2024, 3, 11, 13)), (paris(2024, 3, 11, 15), None)]
    assert CAL.due_at(MON, Target(24, "hours"), pauses) is None
    assert CAL.due_at(MON, Target(2, "business_days"), pauses) is None


def test_open_pause_after_the_due_time_keeps_the_report_late():
    pauses = [(paris(2024, 3, 13, 10), None)]
    assert CAL.due_at(MON, Target(24, "hours"), pauses) == paris(2024, 3, 12, 10)


def test_pause_ending_before_it_starts_is_rejected():
    with pytest.raises(ValueError):
        CAL.due_at(MON, Target(24, "hours"), [(paris(2024, 3, 11, 12), paris(2024, 3, 11, 11))])


# -- Target and configuration ----------------------------------------------------


@pytest.mark.parametrize(
    "amount, unit",
    [
        (0, "hours"),
        (-1, "hours"),
        (float("nan"), "hours"),
        (1, "days"),
        (1.5, "business_days"),
        (True, "hours"),
        ("2", "hours"),
    ],
)
def test_invalid_targets(amount, unit):
    with pytest.raises(ValueError):
        Target(amount, unit)


def test_fractional_hours_are_allowed():
    assert CAL.due_at(MON, Target(1.5, "hours")) == paris(2024, 3, 11, 11, 30)


def test_custom_calendar_with_saturdays_and_short_hours():
    cal = BusinessCalendar("Europe/Paris", "FR", workdays=range(6), opening=time(9), closing=time(12))
    assert cal.is_business_day(date(2024, 3, 16))
    assert cal.add_business_days(paris(2024, 3, 15, 13), 1) == paris(2024, 3, 18, 9)
    assert cal.business_seconds_between(paris(2024, 3, 11), paris(2024, 3, 18)) == 18 * 3600


@pytest.mark.parametrize(
    "kwargs",
    [
        {"workdays": ()},
        {"workdays": (7,)},
        {"opening": time(18), "closing": time(8)},
        {"country": "XX"},
        {"subdivision": "99"},
    ],
)
def test_invalid_calendar_configuration(kwargs):
    with pytest.raises(ValueError):
        BusinessCalendar(**({"tz": "Europe/Paris", "country": "FR"} | kwargs))


def test_a_subdivision_adds_its_own_holidays():
    """Alsace-Moselle (57) keeps Good Friday and St Stephen's Day; Paris does not."""
    moselle = BusinessCalendar("Europe/Paris", "FR", subdivision="57")
    assert moselle.is_holiday(date(2026, 4, 3)) and moselle.is_holiday(date(2026, 12, 26))
    assert not CAL.is_holiday(date(2026, 4, 3)) and not CAL.is_holiday(date(2026, 12, 26))


# -- dashboard age buckets --------------------------------------------------------


@pytest.mark.parametrize(
    "age, bucket",
    [
        (timedelta(0), "lt_48h"),
        (timedelta(hours=47, minutes=59), "lt_48h"),
        (timedelta(hours=48), "lt_10d"),
        (timedelta(days=10) - timedelta(seconds=1), "lt_10d"),
        (timedelta(days=10), "ge_10d"),
        (timedelta(days=400), "ge_10d"),
        (-timedelta(minutes=5), "lt_48h"),  # clock skew
    ],
)
def test_age_bucket(age, bucket):
    created = paris(2024, 3, 11, 10)
    assert age_bucket(created, created + age) == bucket


def test_age_bucket_defaults_to_now():
    with time_machine.travel(datetime(2025, 10, 27, 9, tzinfo=UTC), tick=False):
        # 47 real hours across the autumn change, although the wall clock moved 46 h.
        assert age_bucket(datetime(2025, 10, 25, 10, tzinfo=UTC)) == "lt_48h"
        assert age_bucket(datetime(2025, 10, 25, 9, tzinfo=UTC)) == "lt_10d"
        assert age_bucket(datetime(2025, 10, 17, 9, tzinfo=UTC)) == "ge_10d"
    assert set(AGE_BUCKETS) == {"lt_48h", "lt_10d", "ge_10d"}


# -- properties ------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=150, deadline=None)
@given(start=moments, n=st.integers(min_value=1, max_value=30))
def test_business_days_land_inside_business_hours(start, n):
    due = CAL.add_business_days(start, n)
    local = due.astimezone(PARIS)
    assert due > start
    assert CAL.is_business_day(local.date())
    assert time(8) <= local.time() < time(18)
    assert CAL.add_business_days(start, n + 1) > due


@settings(max_examples=150, deadline=None)
@given(start=moments, minutes=st.integers(min_value=1, max_value=60 * 24 * 30))
def test_add_business_time_inverts_business_time_between(start, minutes):
    amount = timedelta(minutes=minutes)
    assert CAL.business_time_between(start, CAL.add_business_time(start, amount)) == amount


@settings(max_examples=100, deadline=None)
@given(
    start=moments,
    offset=st.integers(0, 72 * 60),
    length=st.integers(0, 72 * 60),
    unit=st.sampled_from(["hours", "business_days"]),
)
def test_a_closed_pause_never_brings_the_due_time_forward(start, offset, length, unit):
    target = Target(3, unit)
    begin = start + timedelta(minutes=offset)
    paused = CAL.due_at(start, target, [(begin, begin + timedelta(minutes=length))])
    plain = CAL.due_at(start, target)
    assert paused >= plain
    if unit == "hours" and begin < plain:
        assert paused - plain == timedelta(minutes=length)
