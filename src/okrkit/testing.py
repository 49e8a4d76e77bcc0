"""Hypothesis strategies that generate valid okrkit values.

For testing your own code against okrkit's types (needs ``hypothesis``:
``pip install 'okrkit[testing]'``).  Every strategy yields only valid values,
and keyword arguments accept strategies to narrow what is generated.

>>> from hypothesis import given
>>> @given(periods())
... def test_period_label_round_trips(period):
...     assert Period.parse(str(period)) == period
>>> test_period_label_round_trips()
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import strategies as st

from okrkit._measurement import Measurement
from okrkit._period import Period

__all__ = ["measurements", "periods"]

_EARLIEST = date(1900, 1, 1)
_LATEST = date(2200, 12, 31)


@st.composite
def _custom_periods(
    draw: st.DrawFn, start: st.SearchStrategy[date], max_days: int
) -> Period:
    first = draw(start)
    return Period(first, first + timedelta(days=draw(st.integers(1, max_days))))


def periods(
    *,
    years: st.SearchStrategy[int] | None = None,
    start: st.SearchStrategy[date] | None = None,
    max_days: int = 800,
) -> st.SearchStrategy[Period]:
    """Generate periods: calendar, ISO-week, fiscal and custom spans.

    ``years`` draws the year of named periods, ``start`` the first day of
    custom ones, ``max_days`` caps their length.

    >>> from hypothesis import given
    >>> @given(periods(years=st.just(2026), max_days=31))
    ... def test_a_period_has_days(period):
    ...     assert 1 <= period.days <= 366
    >>> test_a_period_has_days()
    """
    years = years if years is not None else st.integers(1950, 2150)
    start = start if start is not None else st.dates(_EARLIEST, _LATEST)
    return st.one_of(
        st.builds(Period.year, years),
        st.builds(Period.half, years, st.integers(1, 2)),
        st.builds(Period.quarter, years, st.integers(1, 4)),
        st.builds(Period.month, years, st.integers(1, 12)),
        st.builds(Period.iso_week, years, st.integers(1, 52)),
        st.builds(
            lambda y, m: Period.fiscal_year(y, start_month=m),
            years,
            st.integers(1, 12),
        ),
        st.builds(
            lambda y, q, m: Period.fiscal_quarter(y, q, start_month=m),
            years,
            st.integers(1, 4),
            st.integers(1, 12),
        ),
        _custom_periods(start, max_days),
    )


def measurements(
    *,
    at: st.SearchStrategy[date] | None = None,
    values: st.SearchStrategy[float] | None = None,
    units: st.SearchStrategy[str | None] | None = None,
) -> st.SearchStrategy[Measurement]:
    """Generate measurements with finite values and valid confidences.

    >>> from hypothesis import given
    >>> @given(measurements(units=st.just("USD")))
    ... def test_measured_in_dollars(measurement):
    ...     assert measurement.unit == "USD"
    >>> test_measured_in_dollars()
    """
    at = (
        at
        if at is not None
        else st.one_of(
            st.dates(_EARLIEST, _LATEST),
            st.datetimes(datetime(1900, 1, 1), datetime(2200, 12, 31)),
        )
    )
    values = (
        values
        if values is not None
        else st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False)
    )
    units = units if units is not None else st.none()
    return st.builds(
        Measurement,
        at,
        values,
        unit=units,
        confidence=st.none() | st.floats(0, 1),
        note=st.text(max_size=20),
    )
