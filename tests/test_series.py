import math
import random
from array import array
from datetime import UTC, date, datetime, timedelta, timezone
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit import Aggregation, Measurement, Series, units
from okrkit._series import build_series, plain_columns
from okrkit._time import Clock, day_key, instant_key
from okrkit.exceptions import (
    IncompatibleUnitsError,
    InvalidTypeError,
    InvalidValueError,
    UnknownUnitError,
)
from okrkit.testing import measurements

D = date(2026, 1, 1)


def day(n: int) -> date:
    return D + timedelta(days=n)


def test_sorted_once_by_time():
    """Measurements given out of order come out in time order."""
    s = Series.build(
        "x", [Measurement(day(2), 3), Measurement(day(0), 1), Measurement(day(1), 2)]
    )
    assert s.values == (1.0, 2.0, 3.0)
    assert [m.at for m in s.measurements] == [day(0), day(1), day(2)]
    assert len(s) == 3


def test_ties_are_ordered_by_value():
    """Two check-ins at the same instant are ordered by value, not input order."""
    a = Series.build("x", [Measurement(D, 5), Measurement(D, 2)])
    b = Series.build("x", [Measurement(D, 2), Measurement(D, 5)])
    assert a == b
    assert a.values == (2.0, 5.0)


def test_converted_to_the_series_unit():
    """Values are converted to the series' unit; unitless ones are taken as is."""
    s = Series.build(
        "revenue",
        [
            Measurement(day(0), 1.5, unit="kUSD"),
            Measurement(day(1), 200),
            Measurement(day(2), 300, unit="USD"),
        ],
        unit="USD",
    )
    assert s.values == (1500.0, 200.0, 300.0)
    assert s.unit == "USD"


def test_percent_into_a_unitless_series():
    """30 percent in a unitless series is 0.3."""
    s = Series.build("share", [Measurement(D, 30, unit="%")])
    assert s.values == pytest.approx((0.3,))


def test_incompatible_unit_names_the_series_and_the_measurement():
    """A EUR value in a USD series is an error naming id, unit and date."""
    with pytest.raises(IncompatibleUnitsError) as info:
        Series.build("rev", [Measurement(day(3), 1, unit="EUR")], unit="USD")
    message = str(info.value)
    assert "Series 'rev'" in message
    assert "'EUR'" in message
    assert "2026-01-04" in message


def test_unknown_measurement_unit():
    """An unknown unit on a measurement is reported with the series id."""
    with pytest.raises(UnknownUnitError, match="Series 'x'.*label="):
        Series.build("x", [Measurement(D, 1, unit="customers")])


def test_calendar_unit_on_a_measurement():
    """A refused unit on a measurement keeps its InvalidValueError type."""
    with pytest.raises(InvalidValueError, match="Series 'x'.*measurement at"):
        Series.build("x", [Measurement(D, 1, unit="year")], unit="day")


def test_one_pint_call_per_distinct_unit(monkeypatch):
    """Conversion is looked up once per distinct unit, not per measurement."""
    calls = []
    original = units.conversion

    def counting(source, target):
        calls.append(source)
        return original(source, target)

    monkeypatch.setattr("okrkit._series.conversion", counting)
    items = [
        Measurement(day(i), i, unit="minute" if i % 2 else "hour") for i in range(100)
    ]
    Series.build("t", items, unit="hour")
    assert sorted(calls) == ["hour", "minute"]


def test_aware_datetimes_are_placed_in_the_series_time_zone():
    """An aware check-in late on Jan 31 UTC is Feb 1 in UTC+2."""
    late = Measurement(datetime(2026, 1, 31, 23, 0, tzinfo=UTC), 7)
    utc = Series.build("x", [late])
    plus2 = Series.build("x", [late], tz=timezone(timedelta(hours=2)))
    assert (
        utc.aggregate(Aggregation.SUM, start=date(2026, 2, 1), as_of=date(2026, 3, 1))
        is None
    )
    assert (
        plus2.aggregate(Aggregation.SUM, start=date(2026, 2, 1), as_of=date(2026, 3, 1))
        == 7.0
    )


def test_window_is_inclusive_at_both_ends():
    """The window [start, as_of] includes check-ins on both boundary days."""
    s = Series.build("x", [Measurement(day(i), i) for i in range(10)])
    assert s.window(start=day(2), as_of=day(5)) == (2.0, 3.0, 4.0, 5.0)
    assert s.window(as_of=day(1)) == (0.0, 1.0)


def test_a_date_as_of_is_the_start_of_that_day():
    """A check-in at 10:00 is not yet counted as of that date (00:00)."""
    s = Series.build("x", [Measurement(datetime(2026, 1, 1, 10), 1)])
    assert s.window(as_of=date(2026, 1, 1)) == ()
    assert s.window(as_of=datetime(2026, 1, 1, 10)) == (1.0,)


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [
        (Aggregation.LAST, 4.0),
        (Aggregation.FIRST, 2.0),
        (Aggregation.SUM, 15.0),
        (Aggregation.MEAN, 3.75),
        (Aggregation.MIN, 1.0),
        (Aggregation.MAX, 8.0),
        (Aggregation.COUNT, 4.0),
    ],
)
def test_aggregations_hand_computed(aggregation, expected):
    """Each aggregation of 2, 8, 1, 4 (in time order) gives the known result."""
    s = Series.build("x", [Measurement(day(i), v) for i, v in enumerate([2, 8, 1, 4])])
    assert s.aggregate(aggregation, as_of=day(10)) == expected


def test_empty_window():
    """An empty window is None (no data), except COUNT which is 0."""
    s = Series.build("x", [Measurement(day(5), 1)])
    for aggregation in Aggregation:
        result = s.aggregate(aggregation, as_of=day(4))
        assert result == (0.0 if aggregation is Aggregation.COUNT else None)


def test_latest():
    """latest() is the last check-in at or before as_of."""
    s = Series.build(
        "x", [Measurement(day(1), 1, note="a"), Measurement(day(3), 2, note="b")]
    )
    assert s.latest(day(0)) is None
    assert s.latest(day(2)).note == "a"
    assert s.latest(day(3)).note == "b"


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (lambda: Series.build("x", "abc"), InvalidTypeError, "measurements"),
        (lambda: Series.build("x", [1.0]), InvalidTypeError, "measurements"),
        (lambda: Series.build("x", {"a": 1}), InvalidTypeError, "measurements"),
        (lambda: Series.build("", []), InvalidValueError, "id"),
        (lambda: Series.build("x", [], tz="UTC"), InvalidTypeError, "tz"),
        (
            lambda: Series.build("x", []).aggregate("sum", as_of=D),
            InvalidTypeError,
            "aggregation",
        ),
        (lambda: Series.build("x", []).window(as_of="2026"), InvalidTypeError, "at"),
    ],
)
def test_bad_input(call, error, field):
    """Bad arguments raise OkrkitErrors naming the field."""
    with pytest.raises(error, match=f"field '{field}'"):
        call()


def test_each_series_in_its_own_unit():
    """The same check-ins build a series in whichever unit is asked for."""
    items = [Measurement(D, 1, unit="hour")]
    assert Series.build("a", items, unit="minute").values == (60.0,)
    assert Series.build("b", [Measurement(D, 2)]).values == (2.0,)
    assert repr(Series.build("a", items, unit="minute")) == (
        "<Series 'a': 1 measurements in minute>"
    )


values = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
checkins = st.lists(
    measurements(at=st.dates(date(2026, 1, 1), date(2026, 3, 31)), values=values),
    max_size=30,
)


def naive(aggregation, items, start, as_of):
    """Reference implementation: filter, sort, aggregate in plain Python."""
    chosen = sorted(
        (m.at, m.value)
        for m in items
        if (start is None or m.at >= start) and m.at <= as_of
    )
    vals = [v for _, v in chosen]
    if aggregation is Aggregation.COUNT:
        return float(len(vals))
    if not vals:
        return None
    return {
        Aggregation.LAST: lambda: vals[-1],
        Aggregation.FIRST: lambda: vals[0],
        Aggregation.SUM: lambda: math.fsum(vals),
        Aggregation.MEAN: lambda: math.fsum(vals) / len(vals),
        Aggregation.MIN: lambda: min(vals),
        Aggregation.MAX: lambda: max(vals),
    }[aggregation]()


@given(
    checkins,
    st.sampled_from(list(Aggregation)),
    st.none() | st.dates(date(2026, 1, 1), date(2026, 3, 31)),
    st.dates(date(2026, 1, 1), date(2026, 3, 31)),
)
def test_aggregation_matches_a_naive_reference(items, aggregation, start, as_of):
    """Window aggregation equals filtering and aggregating by hand."""
    s = Series.build("x", items)
    assert s.aggregate(aggregation, start=start, as_of=as_of) == naive(
        aggregation, items, start, as_of
    )


@given(checkins, st.randoms(use_true_random=False))
def test_input_order_does_not_matter(items, rnd):
    """Shuffling the measurements builds the same series."""
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert Series.build("x", items) == Series.build("x", shuffled)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 80),
            values,
            st.sampled_from(["minute", "hour", "day", "week"]),
        ),
        max_size=30,
    ),
    st.sampled_from(["minute", "hour", "day"]),
)
def test_series_conversion_equals_converting_each_value(rows, target):
    """Converting a series gives the same numbers as converting each value."""
    items = [Measurement(day(n), v, unit=u) for n, v, u in rows]
    s = Series.build("x", items, unit=target)
    expected = sorted((day(n), units.convert(v, u, target)) for n, v, u in rows)
    assert list(s.values) == pytest.approx([v for _, v in expected])


def test_large_series_is_sorted_and_indexed():
    """Ten thousand shuffled check-ins come out sorted with the right sum."""
    rnd = random.Random(7)
    items = [Measurement(day(i % 365), 1.0) for i in range(10_000)]
    rnd.shuffle(items)
    s = Series.build("x", items)
    assert list(s.times) == sorted(s.times)
    assert s.aggregate(Aggregation.SUM, as_of=day(400)) == 10_000.0


# -- the cut-off builder evaluate() uses ---------------------------------------

instants = st.one_of(
    st.dates(date(2026, 1, 1), date(2026, 3, 31)),
    st.datetimes(datetime(2026, 1, 1), datetime(2026, 3, 31)),
    st.datetimes(datetime(2026, 1, 1), datetime(2026, 3, 31), timezones=st.just(UTC)),
)


@given(
    st.lists(measurements(at=instants, values=values), max_size=30),
    st.dates(date(2026, 1, 1), date(2026, 3, 31))
    | st.datetimes(datetime(2026, 1, 1), datetime(2026, 3, 31)),
)
def test_cut_off_build_equals_building_what_counts(items, as_of):
    """Leaving out check-ins after the key equals building only the others."""
    plus_five = timezone(timedelta(hours=5))
    clock = Clock(plus_five)
    until = clock.instant(as_of)
    counted = [m for m in items if clock.instant(m.at) <= until]
    assert build_series(
        Series, "x", items, unit=None, tz=plus_five, until=until
    ) == Series.build("x", counted, tz=plus_five)


def test_cut_off_keeps_the_day_of_as_of():
    """A date check-in on the as-of day counts; the next day's does not."""
    items = [Measurement(day(1), 1), Measurement(day(2), 2), Measurement(day(3), 3)]
    s = build_series(
        Series, "x", items, unit=None, tz=UTC, until=instant_key(day(2), UTC)
    )
    assert s.values == (1.0, 2.0)


def test_cut_off_still_checks_the_units_it_leaves_out():
    """A later check-in in an incompatible unit is an error, not dropped."""
    items = [Measurement(day(1), 1, unit="USD"), Measurement(day(9), 2, unit="EUR")]
    with pytest.raises(IncompatibleUnitsError, match="'EUR'.*2026-01-10"):
        build_series(Series, "x", items, unit="USD", tz=UTC, until=day_key(day(2)))


def test_cut_off_still_checks_the_types_it_leaves_out():
    """Anything but a Measurement is rejected wherever it stands."""
    items = [Measurement(day(1), 1), "2026-01-09: 2"]
    with pytest.raises(InvalidTypeError, match="a Measurement"):
        build_series(Series, "x", items, unit=None, tz=UTC, until=day_key(day(2)))


_ZONES = [UTC, timezone(timedelta(hours=-5)), ZoneInfo("Europe/Berlin")]


@given(
    days=st.lists(st.integers(0, 400), min_size=1, max_size=30),
    hours=st.lists(st.integers(0, 23), max_size=5),
    zone=st.sampled_from(_ZONES),
    long=st.booleans(),
    zero=st.sampled_from([0.0, -0.0, 1.0]),
)
def test_plain_columns_place_every_row_as_the_clock_does(days, hours, zone, long, zero):
    """Each row's instant is Clock.instant's, whether days repeat or mix with times.

    Long columns (a table's: 256 rows or more) place each distinct day once;
    short ones (one id's) work each row out; a zero comes out as +0.0.
    """
    first = date(2026, 1, 1)
    ats = [first + timedelta(days=d) for d in days]
    ats += [datetime(2026, 3, 29, h) for h in hours]  # Berlin's clock change day
    if long:
        ats *= 256 // len(ats) + 1
    numbers = [1.0, zero] * len(ats)
    clock = Clock(zone)
    for collect in (list, partial(array, "d")):
        keys, values = plain_columns(ats, numbers[: len(ats)], clock, collect)
        assert list(keys) == [clock.instant(at) for at in ats]
        signs = [(v, math.copysign(1, v)) for v in values]
        assert signs == [(abs(v), 1.0) for v in numbers[: len(ats)]]


def test_plain_columns_keep_a_repeated_hour_apart():
    """Naive times a fold apart are equal, yet an hour apart on the time line."""
    clock = Clock(ZoneInfo("Europe/Berlin"))
    first = datetime(2026, 10, 25, 2, 30)
    second = first.replace(fold=1)
    keys, _ = plain_columns([first, second, date(2026, 10, 25)], [1, 2, -0.0], clock)
    assert keys[1] - keys[0] == 3600.0
    assert keys[2] == clock.day(date(2026, 10, 25))
