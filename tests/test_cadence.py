import itertools
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit import Cadence, Period
from okrkit.exceptions import InvalidTypeError, InvalidValueError


def test_daily_occurrences_are_every_day():
    """A daily cadence is due on each day of the period."""
    days = Cadence.daily().occurrences(Period.iso_week(2026, 10))
    assert days == tuple(date(2026, 3, 2) + timedelta(d) for d in range(7))


def test_weekly_on_a_weekday():
    """A weekly cadence is due on its weekday only."""
    fridays = Cadence.weekly(weekday=4).occurrences(Period.month(2026, 3))
    assert fridays == (
        date(2026, 3, 6),
        date(2026, 3, 13),
        date(2026, 3, 20),
        date(2026, 3, 27),
    )


def test_monthly_day_31_falls_back_to_the_last_day():
    """Day 31 falls back to the month's last day instead of skipping months."""
    ends = Cadence.monthly(day=31).occurrences(Period.half(2028, 1))
    assert ends == (
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
        date(2028, 4, 30),
        date(2028, 5, 31),
        date(2028, 6, 30),
    )


def test_monthly_day_30_in_february():
    """Day 30 is Feb 28 in a common year and 30 in other months."""
    days = Cadence.monthly(day=30).occurrences(Period.quarter(2026, 1))
    assert days == (date(2026, 1, 30), date(2026, 2, 28), date(2026, 3, 30))


def test_monthly_last_day():
    """day=-1 is the last day of each month."""
    assert Cadence.monthly(day=-1) != Cadence.monthly(day=31)
    assert Cadence.monthly(day=-1).occurrences(Period.month(2026, 2)) == (
        date(2026, 2, 28),
    )


def test_quarterly_follows_the_start_month():
    """A quarterly cadence is due every three months from its start month."""
    assert Cadence.quarterly().occurrences(Period.year(2026)) == (
        date(2026, 1, 1),
        date(2026, 4, 1),
        date(2026, 7, 1),
        date(2026, 10, 1),
    )
    assert Cadence.quarterly(day=-1, start_month=3).occurrences(Period.year(2026)) == (
        date(2026, 3, 31),
        date(2026, 6, 30),
        date(2026, 9, 30),
        date(2026, 12, 31),
    )


def test_occurrences_exclude_the_end_day():
    """The period's end day is not in the period, so it is not an occurrence."""
    assert Cadence.monthly().occurrences(Period.month(2026, 3)) == (date(2026, 3, 1),)


def test_latest_due_is_on_or_before_as_of():
    """latest_due counts the as_of day itself."""
    weekly = Cadence.weekly(weekday=0)
    assert weekly.latest_due(date(2026, 3, 9)) == date(2026, 3, 9)
    assert weekly.latest_due(date(2026, 3, 8)) == date(2026, 3, 2)
    assert Cadence.monthly(day=31).latest_due(date(2026, 3, 1)) == date(2026, 2, 28)
    assert Cadence.quarterly().latest_due(date(2026, 3, 31)) == date(2026, 1, 1)


def test_latest_due_uses_the_local_day():
    """An aware as_of is converted to tz before finding the due day."""
    utc_evening = datetime(2026, 3, 8, 23, 0, tzinfo=UTC)
    weekly = Cadence.weekly(weekday=0)
    assert weekly.latest_due(utc_evening) == date(2026, 3, 2)
    assert weekly.latest_due(utc_evening, tz=timezone(timedelta(hours=2))) == date(
        2026, 3, 9
    )


def test_latest_due_before_the_first_possible_occurrence():
    """Asking before any due date exists is a clear error."""
    with pytest.raises(InvalidValueError, match="field 'as_of'"):
        Cadence.monthly(day=15).latest_due(date(1, 1, 2))


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Cadence.weekly(weekday=7), "weekday"),
        (lambda: Cadence.monthly(day=0), "day"),
        (lambda: Cadence.monthly(day=32), "day"),
        (lambda: Cadence.monthly(day=-2), "day"),
        (lambda: Cadence.quarterly(start_month=13), "start_month"),
        (lambda: Cadence(frequency="hourly"), "frequency"),  # type: ignore[arg-type]
    ],
)
def test_bad_arguments(build, field):
    """Out-of-range arguments are InvalidValueErrors naming the field."""
    with pytest.raises(InvalidValueError, match=f"field '{field}'"):
        build()


def test_wrong_types():
    """Wrong types are InvalidTypeErrors."""
    with pytest.raises(InvalidTypeError, match="field 'weekday'"):
        Cadence.weekly(weekday="monday")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="field 'period'"):
        Cadence.daily().occurrences("2026-Q1")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="field 'as_of'"):
        Cadence.daily().latest_due("2026-01-01")  # type: ignore[arg-type]


def test_str_and_step():
    """A cadence describes itself and its longest gap."""
    assert str(Cadence.daily()) == "daily"
    assert str(Cadence.weekly(weekday=2)) == "weekly on Wednesday"
    assert str(Cadence.monthly(day=-1)) == "monthly on the last day"
    assert str(Cadence.quarterly(day=5)) == "quarterly on day 5 (from month 1)"
    assert Cadence.daily().step() == timedelta(days=1)
    assert Cadence.monthly().step() == timedelta(days=31)
    assert Cadence.quarterly().step() == timedelta(days=92)


cadences = st.one_of(
    st.just(Cadence.daily()),
    st.builds(Cadence.weekly, st.integers(0, 6)),
    st.builds(Cadence.monthly, st.integers(1, 31) | st.just(-1)),
    st.builds(
        Cadence.quarterly,
        st.integers(1, 31) | st.just(-1),
        start_month=st.integers(1, 12),
    ),
)


@given(cadences, st.dates(date(1950, 1, 1), date(2150, 1, 1)))
def test_latest_due_is_an_occurrence_within_one_step(cadence, day):
    """latest_due is a real occurrence, at most one step before as_of."""
    due = cadence.latest_due(day)
    assert due <= day
    assert day - due < cadence.step()
    assert due in cadence.occurrences(Period(due, due + timedelta(days=1)))


@given(cadences, st.dates(date(1950, 1, 1), date(2150, 1, 1)))
def test_one_occurrence_per_step(cadence, day):
    """Consecutive occurrences are never more than one step apart."""
    period = Period(day, day + timedelta(days=200))
    found = cadence.occurrences(period)
    assert found
    gaps = [b - a for a, b in itertools.pairwise(found)]
    assert all(timedelta(0) < gap <= cadence.step() for gap in gaps)


@pytest.mark.parametrize(
    ("cadence", "days"),
    [
        (Cadence.daily(), 1),
        (Cadence.weekly(weekday=3), 7),
        (Cadence.monthly(day=1), 31),  # 1 Jul -> 1 Aug
        (Cadence.monthly(day=-1), 31),  # 30 Apr -> 31 May
        (Cadence.monthly(day=29), 31),  # 29 Mar -> 29 Apr
        (Cadence.quarterly(), 92),  # 1 Jul -> 1 Oct
        (Cadence.quarterly(day=-1), 92),  # 30 Jun -> 30 Sep
        (Cadence.quarterly(start_month=2), 92),  # 1 May -> 1 Aug
    ],
)
def test_step_is_the_longest_gap_actually_met(cadence, days):
    """Issue 17 item 1: step() is the longest gap between due dates, 2025-2028."""
    found = cadence.occurrences(Period(date(2025, 1, 1), date(2029, 1, 1)))
    longest = max(b - a for a, b in itertools.pairwise(found))
    assert longest == cadence.step() == timedelta(days=days)


def test_latest_due_at_the_end_of_the_calendar():
    """Issue 13 item 15: a rule stepping into year 10000 stops at 9999-12-31."""
    assert Cadence.weekly(weekday=6).latest_due(date(9999, 12, 31)) == date(
        9999, 12, 26
    )
    assert Cadence.daily().latest_due(date.max) == date.max


def test_latest_due_of_aware_instants_past_the_calendar_edges():
    """Issue 13 item 15: before year 1 locally no due date; after 9999 the last."""
    first = datetime(1, 1, 1, tzinfo=UTC)
    with pytest.raises(InvalidValueError, match="field 'as_of'"):
        Cadence.daily().latest_due(first, tz=timezone(timedelta(hours=-5)))
    last = datetime.max.replace(tzinfo=UTC)
    assert Cadence.daily().latest_due(last, tz=timezone(timedelta(hours=5))) == date.max


def test_occurrences_at_the_end_of_the_calendar():
    """Issue 13 item 15: occurrences up to 9999-12-31 do not overflow."""
    last_week = Period(date(9999, 12, 25), date(9999, 12, 31))
    assert len(Cadence.daily().occurrences(last_week)) == 6
    assert Cadence.weekly(weekday=6).occurrences(last_week) == (date(9999, 12, 26),)
