"""Hypothesis strategies that generate valid okrkit values.

For testing your own code against okrkit's types (needs ``hypothesis``:
``pip install 'okrkit[testing]'``).  Every strategy yields only valid values;
keyword arguments accept strategies to narrow what is generated.  Importing
Hypothesis also registers these strategies for ``st.from_type`` (through
Hypothesis's entry point).

>>> from hypothesis import given
>>> @given(periods())
... def test_period_label_round_trips(period):
...     assert Period.parse(str(period)) == period
>>> test_period_label_round_trips()
"""

from __future__ import annotations

import string
from datetime import date, datetime, timedelta

from hypothesis import strategies as st

from okrkit._aggregation import Aggregation
from okrkit._cadence import Cadence
from okrkit._key_result import KeyResult, Milestone
from okrkit._kpi import KPI
from okrkit._measurement import Measurement
from okrkit._objective import Objective
from okrkit._period import Period
from okrkit._status import Direction
from okrkit.thresholds import Thresholds

__all__ = [
    "cadences",
    "cascades",
    "ids",
    "key_results",
    "kpis",
    "measurements",
    "objectives",
    "periods",
    "thresholds",
]

_EARLIEST = date(1900, 1, 1)
_LATEST = date(2200, 12, 31)
_UNITS = (None, "percent", "USD", "EUR", "day", "hour", "star")


def ids() -> st.SearchStrategy[str]:
    """Generate ids: short strings of letters, digits and dashes.

    >>> from hypothesis import given
    >>> @given(ids())
    ... def test_an_id_is_not_blank(value):
    ...     assert value.strip()
    >>> test_an_id_is_not_blank()
    """
    return st.text(
        string.ascii_lowercase + string.digits + "-", min_size=1, max_size=12
    ).filter(lambda text: text.strip("-") != "")


def _numbers(bound: float = 1e9) -> st.SearchStrategy[float]:
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False)


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
            lambda y, m: Period.fiscal_year(y, start_month=m), years, st.integers(1, 12)
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
    values = values if values is not None else _numbers(1e12)
    units = units if units is not None else st.none()
    return st.builds(
        Measurement,
        at,
        values,
        unit=units,
        confidence=st.none() | st.floats(0, 1),
        note=st.text(max_size=20),
    )


def cadences() -> st.SearchStrategy[Cadence]:
    """Generate every kind of cadence.

    >>> from hypothesis import given
    >>> @given(cadences())
    ... def test_due_on_or_before(cadence):
    ...     assert cadence.latest_due(date(2026, 3, 10)) <= date(2026, 3, 10)
    >>> test_due_on_or_before()
    """
    days = st.integers(1, 31) | st.just(-1)
    return st.one_of(
        st.just(Cadence.daily()),
        st.builds(Cadence.weekly, st.integers(0, 6)),
        st.builds(Cadence.monthly, days),
        st.builds(Cadence.quarterly, days, start_month=st.integers(1, 12)),
    )


@st.composite
def _thresholds(
    draw: st.DrawFn, direction: Direction | None, values: st.SearchStrategy[float]
) -> Thresholds:
    a, b = sorted((draw(values), draw(values)))
    if direction is None:
        direction = draw(st.sampled_from(Direction))
    if direction is Direction.HIGHER_IS_BETTER:
        return Thresholds.higher_is_better(red_below=a, green_from=b)
    if direction is Direction.LOWER_IS_BETTER:
        return Thresholds.lower_is_better(green_below=a, red_from=b)
    return Thresholds.within(a, b, tolerance=draw(st.floats(0, 1e6)))


def thresholds(
    *,
    direction: Direction | None = None,
    values: st.SearchStrategy[float] | None = None,
) -> st.SearchStrategy[Thresholds]:
    """Generate thresholds, for one ``direction`` or any.

    >>> from hypothesis import given
    >>> from okrkit import Status
    >>> @given(thresholds(), st.floats(-1e6, 1e6))
    ... def test_one_status(t, value):
    ...     assert t.status(value) in (Status.GREEN, Status.AMBER, Status.RED)
    >>> test_one_status()
    """
    return _thresholds(direction, values if values is not None else _numbers(1e6))


@st.composite
def _kpis(
    draw: st.DrawFn, id_: st.SearchStrategy[str], units: st.SearchStrategy[str | None]
) -> KPI:
    direction = draw(st.sampled_from(Direction))
    unit = draw(units)
    target = draw(st.none() | st.floats(0.001, 1e6))
    return KPI(
        draw(id_),
        draw(st.text(max_size=30)),
        unit=unit,
        label="" if unit else draw(st.sampled_from(["", "visits", "people"])),
        direction=direction,
        thresholds=draw(thresholds(direction=direction)),
        aggregation=draw(st.sampled_from(Aggregation)),
        cadence=draw(st.none() | cadences()),
        target=target,
        category=draw(st.sampled_from(["", "growth", "people"])),
        grace=timedelta(days=draw(st.integers(0, 10))),
        hysteresis=draw(st.floats(0, 10)),
    )


def kpis(
    *,
    id: st.SearchStrategy[str] | None = None,
    units: st.SearchStrategy[str | None] | None = None,
) -> st.SearchStrategy[KPI]:
    """Generate KPIs whose thresholds agree with their direction.

    >>> from hypothesis import given
    >>> @given(kpis(units=st.just("percent")))
    ... def test_in_percent(kpi):
    ...     assert kpi.unit == "percent"
    >>> test_in_percent()
    """
    return _kpis(
        id if id is not None else ids(),
        units if units is not None else st.sampled_from(_UNITS),
    )


@st.composite
def _key_results(
    draw: st.DrawFn, id_: st.SearchStrategy[str], values: st.SearchStrategy[float]
) -> KeyResult:
    key = draw(id_)
    title = draw(st.text(max_size=30))
    weight = draw(st.floats(0, 10))
    kind = draw(
        st.sampled_from(
            ["linear", "at_least", "at_most", "within", "milestones", "done", "rate"]
        )
    )
    if kind == "linear":
        start = draw(values)
        target = draw(values.filter(lambda v: v != start))
        return KeyResult(
            key,
            title,
            start=start,
            target=target,
            weight=weight,
            unit=draw(st.sampled_from(_UNITS)),
        )
    if kind in ("at_least", "at_most"):
        partial = draw(st.booleans())
        threshold = draw(st.floats(0.001, 1e6) if partial else values)
        build = KeyResult.at_least if kind == "at_least" else KeyResult.at_most
        return build(key, title, threshold, partial=partial, weight=weight)
    if kind == "within":
        low, high = sorted((draw(values), draw(values)))
        return KeyResult.within(
            key, title, low, high, tolerance=draw(st.floats(0, 1e6)), weight=weight
        )
    if kind == "milestones":
        names = draw(st.lists(ids(), min_size=1, max_size=5, unique=True))
        steps = [Milestone(name, weight=draw(st.floats(0.1, 5))) for name in names]
        return KeyResult.milestones(key, title, steps, weight=weight)
    if kind == "done":
        return KeyResult.done(key, title, weight=weight)
    return KeyResult.rate(
        key,
        title,
        target=draw(st.floats(0.001, 1e6)),
        per=draw(st.sampled_from(["week", "month", "quarter"])),
        weight=weight,
    )


def key_results(
    *,
    id: st.SearchStrategy[str] | None = None,
    values: st.SearchStrategy[float] | None = None,
) -> st.SearchStrategy[KeyResult]:
    """Generate key results of every kind but ``relative`` (which needs a KPI).

    >>> from hypothesis import given
    >>> @given(key_results())
    ... def test_weight_is_finite(kr):
    ...     assert 0 <= kr.weight <= 10
    >>> test_weight_is_finite()
    """
    return _key_results(
        id if id is not None else ids(), values if values is not None else _numbers(1e6)
    )


@st.composite
def _objectives(
    draw: st.DrawFn,
    id_: st.SearchStrategy[str],
    period: st.SearchStrategy[Period],
    krs: st.SearchStrategy[KeyResult],
) -> Objective:
    key = draw(id_)
    chosen = draw(
        st.lists(krs, max_size=6, unique_by=lambda kr: kr.id).filter(
            lambda items: all(kr.id != key for kr in items)
        )
    )
    return Objective(
        key,
        draw(st.text(max_size=40)),
        period=draw(period),
        key_results=chosen,
        owner=draw(st.sampled_from(["", "Ana", "Ben"])),
        weight=draw(st.floats(0, 5)),
        committed=draw(st.booleans()),
    )


def objectives(
    *,
    id: st.SearchStrategy[str] | None = None,
    period: st.SearchStrategy[Period] | None = None,
    key_results: st.SearchStrategy[KeyResult] | None = None,
) -> st.SearchStrategy[Objective]:
    """Generate single objectives with up to six key results (no links).

    >>> from hypothesis import given
    >>> @given(objectives(period=st.just(Period.quarter(2026, 1))))
    ... def test_in_q1(objective):
    ...     assert str(objective.period) == "2026-Q1"
    >>> test_in_q1()
    """
    return _objectives(
        id if id is not None else ids(),
        period if period is not None else periods(),
        key_results if key_results is not None else _key_results(ids(), _numbers(1e6)),
    )


@st.composite
def _cascades(
    draw: st.DrawFn,
    max_depth: int,
    max_children: int,
    period: st.SearchStrategy[Period],
) -> tuple[Objective, ...]:
    made: list[Objective] = []

    def grow(parent: Objective | None, depth: int) -> None:
        number = len(made)
        key_results = []
        for k in range(draw(st.integers(1, 4))):
            kr_id = f"o{number}-k{k}"
            contributes = None
            if parent is not None and parent.key_results and draw(st.booleans()):
                contributes = draw(st.sampled_from(parent.key_results)).id
            key_results.append(
                KeyResult(
                    kr_id,
                    f"Key result {kr_id}",
                    start=0,
                    target=draw(st.floats(1, 1000)),
                    weight=draw(st.sampled_from([1.0, 2.0])),
                    contributes_to=contributes,
                )
            )
        objective = Objective(
            f"o{number}",
            f"Objective {number}",
            period=draw(period),
            key_results=key_results,
            parent=None if parent is None else parent.id,
            weight=draw(st.sampled_from([1.0, 2.0])),
        )
        made.append(objective)
        if depth < max_depth:
            for _ in range(draw(st.integers(0, max_children))):
                grow(objective, depth + 1)

    grow(None, 0)
    return tuple(made)


def cascades(
    *,
    max_depth: int = 3,
    max_children: int = 3,
    period: st.SearchStrategy[Period] | None = None,
) -> st.SearchStrategy[tuple[Objective, ...]]:
    """Generate a valid cascade: a tree of objectives up to ``max_depth`` deep.

    Ids are unique ("o3", "o3-k1"); some key results contribute to a key
    result of their parent objective.

    >>> from hypothesis import given
    >>> from okrkit.alignment import Cascade
    >>> @given(cascades(max_depth=2))
    ... def test_one_root(objectives):
    ...     assert len(Cascade.build(objectives).roots) == 1
    >>> test_one_root()
    """
    return _cascades(
        max_depth,
        max_children,
        period if period is not None else st.just(Period.quarter(2026, 1)),
    )
