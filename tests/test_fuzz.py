"""Bad input never escapes as anything but an OkrkitError.

Keyword names ending in "!" are required and always passed: a missing
argument is a programming error Python reports itself, not bad input.

Every public constructor and entry point gets arbitrary values: wrong types,
NaN, huge and tiny numbers, empty and unicode strings, naive and aware
datetimes. Each call must either return or raise an OkrkitError subclass.
"""

import contextlib
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrkit import (
    KPI,
    Aggregation,
    Band,
    Cadence,
    Direction,
    KeyResult,
    Measurement,
    Milestone,
    Objective,
    Period,
    Series,
    Status,
    Thresholds,
    evaluate,
    evaluate_key_result,
    evaluate_kpi,
    from_dict,
    to_dict,
    units,
)
from okrkit._serialize import TYPES as SERIALIZABLE
from okrkit.exceptions import OkrkitError
from okrkit.scoring import Linear, Pace, RollUp, Stepped
from okrkit.testing import (
    cadences,
    ids,
    key_results,
    kpis,
    measurements,
    objectives,
    periods,
    thresholds,
)

junk = st.deferred(
    lambda: st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=10**300, max_value=10**400),
        st.floats(),
        st.floats(min_value=-1e-300, max_value=1e-300),
        st.text(),
        st.just(""),
        st.sampled_from(["2026-Q1", "USD", "percent", "customers", "month", "é€😀"]),
        st.dates(),
        st.datetimes(),
        st.datetimes(timezones=st.just(UTC)),
        st.datetimes(timezones=st.just(timezone(timedelta(hours=-11)))),
        st.timedeltas(),
        st.sampled_from(list(Status) + list(Direction) + list(Aggregation)),
        st.lists(st.integers() | st.text(max_size=3), max_size=3),
        st.tuples(st.integers(), st.floats()),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
        periods(),
    )
)


def either(valid):
    return st.one_of(valid, junk)


PERIOD = periods(years=st.integers(2000, 2100), max_days=400)
Q1 = Period.quarter(2026, 1)
NUMBER = st.floats(-1e6, 1e6)
CASES = {
    "Period": (Period, [st.dates(), st.dates()], {}),
    "Period.month": (Period.month, [st.integers(1, 9998), st.integers(1, 12)], {}),
    "Period.quarter": (Period.quarter, [st.integers(1, 9998), st.integers(1, 4)], {}),
    "Period.half": (Period.half, [st.integers(1, 9998), st.integers(1, 2)], {}),
    "Period.year": (Period.year, [st.integers(1, 9999)], {}),
    "Period.iso_week": (
        Period.iso_week,
        [st.integers(1, 9999), st.integers(1, 53)],
        {},
    ),
    "Period.fiscal_year": (
        Period.fiscal_year,
        [st.integers(1, 9999)],
        {"start_month": st.integers(1, 12)},
    ),
    "Period.fiscal_quarter": (
        Period.fiscal_quarter,
        [st.integers(1, 9999), st.integers(1, 4)],
        {"start_month": st.integers(1, 12)},
    ),
    "Period.parse": (
        Period.parse,
        [st.text()],
        {"fiscal_start_month": st.integers(1, 12)},
    ),
    # Methods: the receiver is valid, the arguments are fuzzed.
    "Period.elapsed": (Q1.elapsed, [st.dates()], {"tz": st.just(UTC)}),
    "Period.contains": (Q1.contains, [st.datetimes()], {"tz": st.just(UTC)}),
    "Period.split": (Q1.split, [st.sampled_from(["day", "week", "month"])], {}),
    "Period.label": (Q1.label, [], {"fiscal_start_month": st.integers(1, 12)}),
    "Cadence.weekly": (Cadence.weekly, [st.integers(0, 6)], {}),
    "Cadence.monthly": (Cadence.monthly, [st.integers(-1, 31)], {}),
    "Cadence.quarterly": (
        Cadence.quarterly,
        [st.integers(-1, 31)],
        {"start_month": st.integers(1, 12)},
    ),
    "Cadence.latest_due": (Cadence.monthly(day=-1).latest_due, [st.dates()], {}),
    "Cadence.occurrences": (Cadence.weekly().occurrences, [PERIOD], {}),
    "Measurement": (
        Measurement,
        [st.dates(), NUMBER],
        {
            "unit": st.sampled_from([None, "USD"]),
            "confidence": st.floats(0, 1),
            "note": st.text(),
        },
    ),
    "Band": (
        Band,
        [],
        {
            "lo!": NUMBER,
            "hi!": NUMBER,
            "status!": st.sampled_from(Status),
            "label": st.text(),
            "score": NUMBER,
        },
    ),
    "Thresholds.higher_is_better": (
        Thresholds.higher_is_better,
        [],
        {"red_below!": NUMBER, "green_from!": NUMBER},
    ),
    "Thresholds.lower_is_better": (
        Thresholds.lower_is_better,
        [],
        {"green_below!": NUMBER, "red_from!": NUMBER},
    ),
    "Thresholds.within": (Thresholds.within, [NUMBER, NUMBER], {"tolerance": NUMBER}),
    "Thresholds.from_edges": (
        Thresholds.from_edges,
        [st.lists(NUMBER, max_size=3), st.lists(st.sampled_from(Status), max_size=4)],
        {},
    ),
    "Thresholds.status": (lambda v: Thresholds.within(0, 1).status(v), [NUMBER], {}),
    "KPI": (
        KPI,
        [st.text(), st.text()],
        {
            "direction!": st.sampled_from(Direction),
            "thresholds!": st.just(Thresholds.within(0, 1)),
            "unit": st.sampled_from([None, "percent"]),
            "label": st.text(),
            "aggregation": st.sampled_from(Aggregation),
            "target": NUMBER,
            "grace": st.timedeltas(),
            "hysteresis": NUMBER,
        },
    ),
    "KPI.ratio": (
        KPI.ratio,
        [st.text(), st.text()],
        {
            "numerator!": st.text(),
            "denominator!": st.text(),
            "direction!": st.sampled_from(Direction),
            "thresholds!": st.just(Thresholds.within(0, 1)),
        },
    ),
    "KeyResult": (
        KeyResult,
        [st.text(), st.text()],
        {
            "start": NUMBER,
            "target": NUMBER,
            "weight": NUMBER,
            "unit": st.just(None),
            "kpi": st.none(),
            "aggregation": st.sampled_from(Aggregation),
            "phases": st.lists(st.tuples(st.dates(), NUMBER), max_size=2),
        },
    ),
    "KeyResult.at_least": (
        KeyResult.at_least,
        [st.text(), st.text(), NUMBER],
        {"partial": st.booleans()},
    ),
    "KeyResult.at_most": (KeyResult.at_most, [st.text(), st.text(), NUMBER], {}),
    "KeyResult.within": (
        KeyResult.within,
        [st.text(), st.text(), NUMBER, NUMBER],
        {"tolerance": NUMBER},
    ),
    "KeyResult.milestones": (
        KeyResult.milestones,
        [
            st.text(),
            st.text(),
            st.lists(st.builds(Milestone, ids()), max_size=3),
        ],
        {},
    ),
    "KeyResult.done": (KeyResult.done, [st.text(), st.text()], {}),
    "KeyResult.relative": (
        KeyResult.relative,
        [st.text(), st.text()],
        {"kpi!": st.text(), "change!": NUMBER},
    ),
    "KeyResult.rate": (
        KeyResult.rate,
        [st.text(), st.text()],
        {"target!": NUMBER, "per": st.sampled_from(["month", "week"])},
    ),
    "KeyResult.progress": (
        lambda v: KeyResult("k", "K", start=0, target=2).progress(v),
        [NUMBER],
        {},
    ),
    "Milestone": (Milestone, [st.text()], {"weight": NUMBER}),
    "Objective": (
        Objective,
        [st.text(), st.text()],
        {
            "period!": PERIOD,
            "key_results": st.lists(key_results(), max_size=2),
            "owner": st.text(),
            "parent": st.text(),
            "weight": NUMBER,
            "committed": st.booleans(),
            "health": st.lists(st.text(), max_size=2),
        },
    ),
    "Linear": (Linear, [], {"cap": NUMBER, "floor": NUMBER}),
    "Stepped": (Stepped, [st.just(Thresholds.within(0, 1))], {}),
    "Pace": (Pace, [], {"on_track": NUMBER, "at_risk": NUMBER}),
    "RollUp": (
        RollUp,
        [],
        {
            "no_data": st.sampled_from(["zero", "skip"]),
            "include": st.sampled_from(["both", "children"]),
        },
    ),
    "Series.build": (
        Series.build,
        [st.text(), st.lists(measurements(), max_size=3)],
        {"unit": st.sampled_from([None, "USD"])},
    ),
    "units.convert": (
        units.convert,
        [
            NUMBER,
            st.sampled_from(["hour", "USD", None]),
            st.sampled_from(["minute", "EUR", None]),
        ],
        {},
    ),
    "units.parse_unit": (units.parse_unit, [st.text()], {}),
    "units.quantity": (units.quantity, [NUMBER, st.sampled_from(["USD", None])], {}),
    "evaluate": (
        evaluate,
        [st.lists(objectives(), max_size=3)],
        {
            "kpis": st.lists(kpis(), max_size=2),
            "measurements": st.dictionaries(
                st.text(max_size=4), st.lists(measurements(), max_size=2), max_size=2
            ),
            "as_of!": st.dates(),
        },
    ),
    "evaluate_kpi": (
        evaluate_kpi,
        [kpis(), st.lists(measurements(), max_size=3)],
        {"as_of!": st.dates(), "window": PERIOD},
    ),
    "evaluate_key_result": (
        evaluate_key_result,
        [key_results(), st.lists(measurements(), max_size=3)],
        {"period!": PERIOD, "as_of!": st.dates()},
    ),
    "to_dict": (to_dict, [st.one_of(periods(), kpis(), objectives())], {}),
}

# Every type from_dict accepts, results and the scorecard included.
TYPES = list(SERIALIZABLE)


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
@settings(max_examples=25)
def test_only_okrkit_errors_escape(name, data):
    """The call returns or raises an OkrkitError, whatever the arguments."""
    call, positional, keywords = CASES[name]
    args = [data.draw(either(s), label=f"arg{i}") for i, s in enumerate(positional)]
    kwargs = {}
    for key, strategy in keywords.items():
        required = key.endswith("!")  # a required keyword is always passed
        if required or data.draw(st.booleans(), label=f"pass {key}"):
            kwargs[key.rstrip("!")] = data.draw(either(strategy), label=key)
    with contextlib.suppress(OkrkitError):
        call(*args, **kwargs)


json_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=10)
    | st.sampled_from(
        [
            "2026-01-01",
            "2026-01-01T10:00:00+02:00",
            "HIGHER_IS_BETTER",
            "GREEN",
            "weekly",
            "LAST",
        ]
    ),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "title",
                    "name",
                    "start",
                    "end",
                    "target",
                    "period",
                    "key_results",
                    "bands",
                    "lo",
                    "hi",
                    "status",
                    "at",
                    "value",
                    "direction",
                    "thresholds",
                    "frequency",
                    "schema_version",
                    "type",
                    "objectives",
                    "as_of",
                ]
            )
            | st.text(max_size=5),
            inner,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@pytest.mark.parametrize("kind", TYPES, ids=lambda t: t.__name__)
@given(data=json_like)
@settings(max_examples=40)
def test_from_dict_only_raises_okrkit_errors(kind, data):
    """from_dict on arbitrary JSON-like data returns or raises an OkrkitError."""
    with contextlib.suppress(OkrkitError):
        from_dict(kind, data)


# The definitions, each with a strategy that generates valid values of it.
DEFINITIONS = {
    Period: periods(),
    Cadence: cadences(),
    Measurement: measurements(),
    Thresholds: thresholds(),
    KPI: kpis(),
    KeyResult: key_results(),
    Objective: objectives(),
    Band: st.just(Band(lo=-1e300, hi=1, status=Status.RED)),
    Milestone: st.builds(Milestone, ids()),
}


@pytest.mark.parametrize("kind", list(DEFINITIONS), ids=lambda t: t.__name__)
@given(data=st.data())
@settings(max_examples=30)
def test_from_dict_on_mutated_valid_data(kind, data):
    """Valid data with one field replaced by junk still fails cleanly."""
    document = to_dict(data.draw(DEFINITIONS[kind]))
    field = data.draw(st.sampled_from(sorted(document)))
    document[field] = data.draw(json_like)
    with contextlib.suppress(OkrkitError):
        from_dict(kind, document)


def test_an_aware_and_a_naive_as_of_both_work():
    """evaluate accepts naive and aware as_of values alike."""
    objective = Objective(
        "o",
        "O",
        period=Period.quarter(2026, 1),
        key_results=[KeyResult("k", "K", start=0, target=1)],
    )
    naive = evaluate([objective], as_of=datetime(2026, 2, 15))
    aware = evaluate([objective], as_of=datetime(2026, 2, 15, tzinfo=UTC))
    assert naive["o"].expected == aware["o"].expected == 0.5
    assert evaluate([objective], as_of=date(2026, 2, 15))["o"].expected == 0.5
