"""Hypothesis strategies that generate valid okrkit values.

For testing your own code against okrkit's types (needs ``hypothesis``:
``pip install 'okrkit[testing]'``).  Every strategy yields only valid values,
small enough to generate and shrink fast; keyword arguments accept strategies
to narrow what is generated.  Importing Hypothesis also registers these
strategies for ``st.from_type`` (through Hypothesis's entry point), for every
public type, results and ``Scorecard`` included.

>>> from hypothesis import given
>>> @given(periods())
... def test_period_label_round_trips(period):
...     assert Period.parse(str(period)) == period
>>> test_period_label_round_trips()
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, TypeVar

# One class for every missing extra (dataframes, testing); it lives with the
# check-in tables, which need the dataframes extra.
from okrkit.exceptions import InvalidTypeError, InvalidValueError, MissingExtraError

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - tested in a subprocess
    raise MissingExtraError(
        "okrkit.testing needs Hypothesis, which is not installed: "
        "pip install 'okrkit[testing]'.",
        subject="okrkit.testing",
        field="hypothesis",
        expected="pip install 'okrkit[testing]'",
    ) from exc

from okrkit._aggregation import Aggregation
from okrkit._cadence import Cadence
from okrkit._document import Organisation
from okrkit._key_result import KeyResult, Milestone
from okrkit._kpi import KPI
from okrkit._measurement import Measurement
from okrkit._objective import Objective
from okrkit._period import Period
from okrkit._results import KeyResultResult, KPIResult, ObjectiveResult
from okrkit._scorecard import Scorecard
from okrkit._series import Series
from okrkit._status import Direction
from okrkit.alignment import Finding
from okrkit.exceptions import PeriodError
from okrkit.thresholds import Band, Thresholds

__all__ = [
    "STRATEGIES",
    "bands",
    "cadences",
    "cascades",
    "evaluations",
    "findings",
    "ids",
    "key_result_results",
    "key_results",
    "kpi_results",
    "kpis",
    "measurements",
    "milestones",
    "objective_results",
    "objectives",
    "organisations",
    "periods",
    "scorecards",
    "series",
    "thresholds",
]

T = TypeVar("T")
_EARLIEST = date(1900, 1, 1)
_LATEST = date(2200, 12, 31)
_ZONES = (
    UTC,
    timezone(timedelta(hours=2)),
    timezone(timedelta(hours=-5, minutes=-30)),
    timezone(timedelta(seconds=30)),  # whole minutes are not guaranteed
)
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


_MAX_YEAR = 9998


def _strategy(field: str, value: object) -> None:
    if not isinstance(value, st.SearchStrategy):
        raise InvalidTypeError(
            subject="okrkit.testing",
            field=field,
            value=value,
            expected="a Hypothesis strategy (such as st.just(2026))",
        )


@st.composite
def _periods(
    draw: st.DrawFn,
    years: st.SearchStrategy[int],
    start: st.SearchStrategy[date],
    max_days: int,
) -> Period:
    kind = draw(st.sampled_from((*_NAMED, "custom")))
    if kind == "custom":
        first = draw(start)
        days = draw(st.integers(1, max_days))
        # Near the last date Python holds, the span is cut short, not refused.
        days = min(days, (date.max - first).days) or 1
        first = min(first, date.max - timedelta(days=1))
        return Period(first, first + timedelta(days=days))
    year = draw(years)
    whole = isinstance(year, int) and not isinstance(year, bool)
    if not whole or not 1 <= year <= _MAX_YEAR:
        raise InvalidValueError(
            subject="okrkit.testing.periods",
            field="years",
            value=year,
            expected=f"years drawn from 1 to {_MAX_YEAR}",
        )
    try:
        return _named(draw, kind, year)
    except PeriodError:  # a fiscal year 1 would start in year 0
        return Period.year(year)


_NAMED = ("year", "half", "quarter", "month", "iso_week", "fiscal_year", "fiscal_q")


def _named(draw: st.DrawFn, kind: str, year: int) -> Period:
    if kind == "year":
        return Period.year(year)
    if kind == "half":
        return Period.half(year, draw(st.integers(1, 2)))
    if kind == "quarter":
        return Period.quarter(year, draw(st.integers(1, 4)))
    if kind == "month":
        return Period.month(year, draw(st.integers(1, 12)))
    if kind == "iso_week":
        return Period.iso_week(year, draw(st.integers(1, 52)))
    month = draw(st.integers(1, 12))
    if kind == "fiscal_year":
        return Period.fiscal_year(year, start_month=month)
    return Period.fiscal_quarter(year, draw(st.integers(1, 4)), start_month=month)


def periods(
    *,
    years: st.SearchStrategy[int] | None = None,
    start: st.SearchStrategy[date] | None = None,
    max_days: int = 800,
) -> st.SearchStrategy[Period]:
    """Generate periods: calendar, ISO-week, fiscal and custom spans.

    ``years`` draws the year of named periods (from 1 to 9998), ``start`` the
    first day of custom ones, ``max_days`` (at least 1) caps their length.
    Arguments are checked when the strategy is made.

    >>> from hypothesis import given
    >>> @given(periods(years=st.just(2026), max_days=31))
    ... def test_a_period_has_days(period):
    ...     assert 1 <= period.days <= 366
    >>> test_a_period_has_days()
    >>> periods(max_days=0)
    Traceback (most recent call last):
    ...
    okrkit.exceptions.InvalidValueError: okrkit.testing.periods: field 'max_days' \
got 0; expected an integer of at least 1.
    """
    years = years if years is not None else st.integers(1950, 2150)
    start = start if start is not None else st.dates(_EARLIEST, _LATEST)
    _strategy("years", years)
    _strategy("start", start)
    if isinstance(max_days, bool) or not isinstance(max_days, int) or max_days < 1:
        raise InvalidValueError(
            subject="okrkit.testing.periods",
            field="max_days",
            value=max_days,
            expected="an integer of at least 1",
        )
    return _periods(years, start, max_days)


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
            st.datetimes(
                datetime(1900, 1, 1),
                datetime(2200, 12, 31),
                timezones=st.sampled_from(_ZONES),
            ),
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
        steps = draw(
            st.lists(milestones(), min_size=1, max_size=5, unique_by=lambda m: m.name)
        )
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


def milestones() -> st.SearchStrategy[Milestone]:
    """Generate milestones with positive weights.

    >>> from hypothesis import given
    >>> @given(milestones())
    ... def test_weighs(milestone):
    ...     assert milestone.weight > 0
    >>> test_weighs()
    """
    return st.builds(Milestone, ids(), weight=st.floats(0.1, 5))


def bands() -> st.SearchStrategy[Band]:
    """Generate single bands (the parts of :func:`thresholds`).

    >>> from hypothesis import given
    >>> @given(bands())
    ... def test_ordered(band):
    ...     assert band.lo < band.hi
    >>> test_ordered()
    """
    return thresholds().flatmap(lambda t: st.sampled_from(t.bands))


def findings() -> st.SearchStrategy[Finding]:
    """Generate findings as :func:`okrkit.alignment.check` makes them.

    >>> from hypothesis import given
    >>> @given(findings())
    ... def test_says_something(finding):
    ...     assert finding.message
    >>> test_says_something()
    """
    return st.builds(
        Finding,
        st.sampled_from(["too-few-key-results", "too-many-key-results"]),
        st.sampled_from(["warning", "info"]),
        ids(),
        st.just("Objective 'o' has 1 key result."),
    )


def series() -> st.SearchStrategy[Series]:
    """Generate series of a few measurements, with or without a unit.

    >>> from hypothesis import given
    >>> @given(series())
    ... def test_sorted(s):
    ...     assert list(s.values) == sorted(s.values) or len(s.values) > 1
    >>> test_sorted()
    """
    return st.builds(
        lambda key, ms, unit: Series.build(key, ms, unit=unit),
        ids(),
        st.lists(measurements(values=_numbers(1e6)), max_size=5),
        st.sampled_from([None, "USD", "hour"]),
    )


# -- whole organisations ---------------------------------------------------------

_KINDS = ("linear", "at_least", "at_most", "within", "milestones", "done", "kpi")


def _key_result(draw: st.DrawFn, kr_id: str, kpi_ids: list[str]) -> KeyResult:
    """A key result of any kind, with round, realistic numbers."""
    kind = draw(st.sampled_from(_KINDS if kpi_ids else _KINDS[:-1]))
    weight = draw(st.sampled_from([1.0, 1.0, 2.0, 0.5]))
    title = f"Key result {kr_id}"
    target = float(draw(st.integers(1, 100)) * 10)
    if kind == "linear":
        return KeyResult(kr_id, title, start=0, target=target, weight=weight)
    if kind in ("at_least", "at_most"):
        build = KeyResult.at_least if kind == "at_least" else KeyResult.at_most
        return build(kr_id, title, target, partial=draw(st.booleans()), weight=weight)
    if kind == "within":
        return KeyResult.within(kr_id, title, target, target * 2, weight=weight)
    if kind == "milestones":
        names = [f"step-{i}" for i in range(draw(st.integers(1, 4)))]
        steps = [Milestone(n, weight=draw(st.sampled_from([1.0, 2.0]))) for n in names]
        return KeyResult.milestones(kr_id, title, steps, weight=weight)
    if kind == "done":
        return KeyResult.done(kr_id, title, weight=weight)
    return KeyResult(
        kr_id, title, start=0, target=target, kpi=draw(st.sampled_from(kpi_ids))
    )


def _kpi(draw: st.DrawFn, kpi_id: str) -> KPI:
    direction = draw(st.sampled_from(Direction))
    low = float(draw(st.integers(0, 50)) * 10)
    return KPI(
        kpi_id,
        f"Indicator {kpi_id}",
        direction=direction,
        thresholds=draw(
            thresholds(direction=direction, values=st.sampled_from([low, low + 100]))
        ),
        aggregation=draw(st.sampled_from([Aggregation.LAST, Aggregation.SUM])),
        cadence=draw(st.none() | st.just(Cadence.weekly())),
    )


def _values_for(draw: st.DrawFn, kr: KeyResult) -> st.SearchStrategy[float]:
    if kr.steps:
        return st.integers(0, len(kr.steps)).map(float)
    if kr.kind.name == "DONE":
        return st.sampled_from([0.0, 1.0])
    return st.integers(0, 2000).map(float)


def _checkins(
    draw: st.DrawFn, period: Period, values: st.SearchStrategy[float]
) -> tuple[Measurement, ...]:
    days = st.integers(-10, period.days - 1)
    return tuple(
        Measurement(period.start + timedelta(days=draw(days)), draw(values))
        for _ in range(draw(st.integers(0, 3)))
    )


@st.composite
def _organisations(
    draw: st.DrawFn, max_objectives: int, period: st.SearchStrategy[Period]
) -> Organisation:
    when = draw(period)
    kpi_list = [_kpi(draw, f"kpi-{i}") for i in range(draw(st.integers(1, 2)))]
    kpi_ids = [k.id for k in kpi_list]
    made: list[Objective] = []
    for number in range(draw(st.integers(1, max_objectives))):
        parent = draw(st.none() | st.sampled_from(made)) if made else None
        krs = [
            _key_result(draw, f"o{number}-k{k}", kpi_ids)
            for k in range(draw(st.integers(1, 3)))
        ]
        made.append(
            Objective(
                f"o{number}",
                f"Objective {number}",
                period=when,
                key_results=krs,
                parent=None if parent is None else parent.id,
                owner=draw(st.sampled_from(["", "Ana", "Ben"])),
                health=draw(st.lists(st.sampled_from(kpi_ids), max_size=1)),
            )
        )
    checkins = {
        kr.id: _checkins(draw, when, _values_for(draw, kr))
        for objective in made
        for kr in objective.key_results
        if kr.kpi is None
    }
    for kpi in kpi_list:
        checkins[kpi.id] = _checkins(draw, when, st.integers(0, 1000).map(float))
    return Organisation(objectives=made, kpis=kpi_list, checkins=checkins)


def organisations(
    *, max_objectives: int = 4, period: st.SearchStrategy[Period] | None = None
) -> st.SearchStrategy[Organisation]:
    """Generate an evaluable organisation: objectives, KPIs, matching check-ins.

    Objectives (a small tree, one period) hold key results of every kind,
    some taking their value from a KPI; every id has check-ins that fit it
    (a milestones key result is measured 0..n, a binary one 0 or 1).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(organisations())
    ... def test_evaluates(org):
    ...     card = org.evaluate(as_of=org.objectives[0].period.end)
    ...     assert len(card.objectives) == len(org.objectives)
    >>> test_evaluates()
    """
    if (
        isinstance(max_objectives, bool)
        or not isinstance(max_objectives, int)
        or (max_objectives < 1)
    ):
        raise InvalidValueError(
            subject="okrkit.testing.organisations",
            field="max_objectives",
            value=max_objectives,
            expected="an integer of at least 1",
        )
    if period is None:
        period = periods(years=st.integers(2000, 2100), max_days=400)
    _strategy("period", period)
    return _organisations(max_objectives, period)


@st.composite
def _evaluations(
    draw: st.DrawFn, orgs: st.SearchStrategy[Organisation]
) -> tuple[Organisation, date]:
    org = draw(orgs)
    period = org.objectives[0].period
    offset = draw(st.integers(-5, period.days + 5))
    return org, period.start + timedelta(days=offset)


def evaluations(
    *, organisation: st.SearchStrategy[Organisation] | None = None
) -> st.SearchStrategy[tuple[Organisation, date]]:
    """Generate ``(organisation, as_of)`` pairs, ``as_of`` in or near its period.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(evaluations())
    ... def test_scores_are_bounded(pair):
    ...     org, as_of = pair
    ...     card = org.evaluate(as_of=as_of)
    ...     assert all(o.score is None or 0 <= o.score <= 1 for o in card.objectives)
    >>> test_scores_are_bounded()
    """
    orgs = organisation if organisation is not None else organisations()
    _strategy("organisation", orgs)
    return _evaluations(orgs)


def scorecards() -> st.SearchStrategy[Scorecard]:
    """Generate scorecards by evaluating generated organisations.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(scorecards())
    ... def test_has_objectives(card):
    ...     assert card.objectives and card.key_results and card.kpis
    >>> test_has_objectives()
    """
    return evaluations().map(lambda pair: pair[0].evaluate(as_of=pair[1]))


def _pick(group: Callable[[Scorecard], tuple[T, ...]]) -> st.SearchStrategy[T]:
    return scorecards().flatmap(lambda card: st.sampled_from(group(card)))


def objective_results() -> st.SearchStrategy[ObjectiveResult]:
    """Generate objective results, taken from generated scorecards.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(objective_results())
    ... def test_ids(result):
    ...     assert result.key_results
    >>> test_ids()
    """
    return _pick(lambda card: card.objectives)


def key_result_results() -> st.SearchStrategy[KeyResultResult]:
    """Generate key result results, taken from generated scorecards.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(key_result_results())
    ... def test_score(result):
    ...     assert result.score is None or 0 <= result.score <= 1
    >>> test_score()
    """
    return _pick(lambda card: card.key_results)


def kpi_results() -> st.SearchStrategy[KPIResult]:
    """Generate KPI results, taken from generated scorecards.

    >>> from hypothesis import given, settings
    >>> from okrkit import Status
    >>> @settings(max_examples=5)
    ... @given(kpi_results())
    ... def test_status(result):
    ...     assert isinstance(result.status, Status)
    >>> test_status()
    """
    return _pick(lambda card: card.kpis)


STRATEGIES: dict[type, Callable[[], st.SearchStrategy[Any]]] = {
    Period: periods,
    Cadence: cadences,
    Measurement: measurements,
    Milestone: milestones,
    KeyResult: key_results,
    Objective: objectives,
    KPI: kpis,
    Band: bands,
    Thresholds: thresholds,
    Series: series,
    Finding: findings,
    Organisation: organisations,
    ObjectiveResult: objective_results,
    KeyResultResult: key_result_results,
    KPIResult: kpi_results,
    Scorecard: scorecards,
}
"""The strategy for each public type, as registered for ``st.from_type``."""
