import json
from datetime import UTC, date, datetime, timedelta, timezone

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrkit import (
    KPI,
    Cadence,
    Direction,
    KeyResult,
    Measurement,
    Objective,
    Period,
    Scorecard,
    Thresholds,
    evaluate,
    from_dict,
    json_schema,
    to_dict,
)
from okrkit._demo import demo_kpis, demo_objectives, demo_scorecard
from okrkit.exceptions import InvalidTypeError, OkrkitError, SerializationError
from okrkit.testing import (
    cadences,
    cascades,
    key_results,
    kpis,
    measurements,
    objectives,
    periods,
    thresholds,
)

SCHEMA = json_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)  # compiled once


def round_trip(value):
    data = json.loads(json.dumps(to_dict(value), allow_nan=False))
    VALIDATOR.validate(data)
    return from_dict(type(value), data)


@pytest.mark.parametrize(
    "strategy",
    [
        periods(),
        measurements(),
        cadences(),
        thresholds(),
        kpis(),
        key_results(),
        objectives(),
    ],
    ids=[
        "Period",
        "Measurement",
        "Cadence",
        "Thresholds",
        "KPI",
        "KeyResult",
        "Objective",
    ],
)
@given(data=st.data())
@settings(max_examples=40)
def test_every_type_round_trips_through_json(strategy, data):
    """from_dict(T, json.loads(json.dumps(to_dict(x)))) == x, valid per the schema."""
    value = data.draw(strategy)
    assert round_trip(value) == value


@given(cascades(max_depth=2), st.data())
@settings(max_examples=30)
def test_scorecards_round_trip(objectives, data):
    """A scorecard of a generated cascade survives JSON exactly."""
    ids = [kr.id for o in objectives for kr in o.key_results]
    checkins = {
        id_: [Measurement(date(2026, 1, 1) + timedelta(days=day), value)]
        for id_, (day, value) in zip(
            ids,
            data.draw(
                st.lists(
                    st.tuples(st.integers(0, 80), st.floats(-100, 2000)),
                    min_size=len(ids),
                    max_size=len(ids),
                )
            ),
            strict=True,
        )
    }
    card = evaluate(objectives, measurements=checkins, as_of=date(2026, 2, 15))
    assert round_trip(card) == card


def test_demo_scorecard_round_trips():
    """The demo scorecard, with KPIs, bands and findings, survives JSON."""
    card = demo_scorecard(date(2026, 3, 16))
    assert round_trip(card) == card
    for value in (*demo_objectives(), *demo_kpis()):
        assert round_trip(value) == value


def test_shape_of_the_data():
    """Dates are ISO strings, enums names, infinite edges null, versioned."""
    kpi = KPI(
        "nps",
        "NPS",
        direction=Direction.HIGHER_IS_BETTER,
        thresholds=Thresholds.higher_is_better(red_below=0, green_from=30),
        target={Period.month(2026, 1): 30},
        grace=timedelta(days=2),
        cadence=Cadence.weekly(),
    )
    data = to_dict(kpi)
    assert data["schema_version"] == 1
    assert data["type"] == "KPI"
    assert data["direction"] == "HIGHER_IS_BETTER"
    assert data["thresholds"]["bands"][0]["lo"] is None
    assert data["thresholds"]["bands"][-1]["hi"] is None
    assert data["target"] == [
        {"period": {"start": "2026-01-01", "end": "2026-02-01"}, "value": 30.0}
    ]
    assert data["grace"] == 172800.0
    assert data["cadence"] == {
        "frequency": "weekly",
        "weekday": 0,
        "day": 1,
        "start_month": 1,
    }


def test_datetimes_keep_their_offset():
    """Aware datetimes keep their instant; naive ones stay naive."""
    aware = Measurement(datetime(2026, 1, 1, 9, tzinfo=timezone(timedelta(hours=2))), 1)
    naive = Measurement(datetime(2026, 1, 1, 9), 1)
    assert to_dict(aware)["at"] == "2026-01-01T09:00:00+02:00"
    assert round_trip(aware) == aware
    assert round_trip(naive).at.tzinfo is None
    assert round_trip(Measurement(datetime(2026, 1, 1, tzinfo=UTC), 1)).at == datetime(
        2026, 1, 1, tzinfo=UTC
    )


def test_missing_optional_fields_take_their_defaults():
    """Data may leave out fields that have defaults."""
    kr = from_dict(KeyResult, {"id": "k", "title": "K", "start": 0, "target": 10})
    assert kr == KeyResult("k", "K", start=0, target=10)
    assert from_dict(Measurement, {"at": "2026-01-01", "value": 3}).unit is None


class TestBadData:
    def test_all_problems_at_once_with_paths(self):
        """Every problem is reported in one go, each with its path."""
        data = to_dict(
            Objective(
                "o",
                "O",
                period=Period.quarter(2026, 1),
                key_results=[
                    KeyResult("a", "A", start=0, target=1),
                    KeyResult("b", "B", start=0, target=1),
                    KeyResult("c", "C", start=0, target=1),
                ],
            )
        )
        data["key_results"][2]["target"] = "lots"
        data["key_results"][0]["weight"] = None
        data["period"]["end"] = 20260401
        data["colour"] = "blue"
        with pytest.raises(SerializationError) as info:
            from_dict(Objective, data)
        assert info.value.problems == (
            "colour: is not a field of Objective",
            "period.end: expected an ISO date, got 20260401",
            "key_results[0].weight: expected a number, got None",
            "key_results[2].target: expected a number, got 'lots'",
        )
        assert str(info.value).startswith("4 problems in Objective data: colour:")

    def test_domain_rules_are_reported_with_their_path(self):
        """A value that parses but breaks a rule names where it is."""
        data = to_dict(
            Objective(
                "o",
                "O",
                period=Period.quarter(2026, 1),
                key_results=[KeyResult("a", "A", start=0, target=1)],
            )
        )
        data["key_results"][0]["target"] = 0.0
        with pytest.raises(
            SerializationError,
            match=r"key_results\[0\]: KeyResult "
            "'a': field 'target' got 0.0",
        ):
            from_dict(Objective, data)

    @pytest.mark.parametrize(
        ("kind", "data", "problem"),
        [
            (Period, [], "(top): expected an object, got []"),
            (
                Period,
                {"start": "2026-01-01", "end": "2026-01-01"},
                "(top): Period: field 'end'",
            ),
            (
                Period,
                {"schema_version": 2, "start": "2026-01-01", "end": "2026-02-01"},
                "schema_version: expected 1, got 2",
            ),
            (
                Period,
                {"type": "KPI", "start": "2026-01-01", "end": "2026-02-01"},
                "type: expected 'Period', got 'KPI'",
            ),
            (
                Measurement,
                {"at": "2026-01-01", "value": float("nan")},
                "value: expected a finite number, got nan",
            ),
            (
                Measurement,
                {"at": "yesterday", "value": 1},
                "at: expected an ISO date or date-time, got 'yesterday'",
            ),
            (
                Measurement,
                {"at": "2026-01-01", "value": True},
                "value: expected a number, got True",
            ),
            (Thresholds, {"bands": "none"}, "bands: expected a list, got 'none'"),
            (
                KPI,
                {
                    "id": "k",
                    "name": "K",
                    "direction": "UP",
                    "thresholds": {"bands": []},
                },
                "direction: expected one of ['HIGHER_IS_BETTER', 'LOWER_IS_BETTER', "
                "'WITHIN_RANGE'], got 'UP'",
            ),
            (
                KPI,
                {
                    "id": "k",
                    "name": "K",
                    "direction": "HIGHER_IS_BETTER",
                    "thresholds": {"bands": []},
                    "target": [3],
                },
                "target[0]: expected an object, got 3",
            ),
            (
                KPI,
                {
                    "id": "k",
                    "name": "K",
                    "direction": "HIGHER_IS_BETTER",
                    "thresholds": {"bands": []},
                    "grace": 1e300,
                },
                "grace: expected a duration in seconds",
            ),
            (
                KeyResult,
                {
                    "id": "k",
                    "title": "K",
                    "start": 0,
                    "target": 1,
                    "phases": [["2026-01-01"]],
                },
                "phases[0]: expected a pair [a, b], got ['2026-01-01']",
            ),
            (
                KeyResult,
                {"id": "k", "title": "K", "start": 0, "target": 1, "partial": "yes"},
                "partial: expected true or false",
            ),
            (
                Cadence,
                {"frequency": "weekly", "weekday": 1.5},
                "weekday: expected an integer, got 1.5",
            ),
            (Cadence, {"frequency": "hourly"}, "frequency: expected one of"),
        ],
    )
    def test_problems(self, kind, data, problem):
        """Each kind of bad data is described with its path."""
        with pytest.raises(SerializationError) as info:
            from_dict(kind, data)
        assert any(p.startswith(problem) for p in info.value.problems), (
            info.value.problems
        )

    def test_wrong_types_to_the_functions(self):
        """Only okrkit's domain types can be dumped or loaded."""
        with pytest.raises(InvalidTypeError, match="field 'value'"):
            to_dict({"a": 1})
        with pytest.raises(InvalidTypeError, match="field 'kind'"):
            from_dict(dict, {})

    def test_serialization_errors_are_okrkit_errors(self):
        """SerializationError is an OkrkitError and a ValueError."""
        assert issubclass(SerializationError, OkrkitError)
        assert issubclass(SerializationError, ValueError)


def test_schema_describes_every_type():
    """The JSON Schema has a definition per type and rejects unknown fields."""
    assert set(SCHEMA["$defs"]) >= {
        "Period",
        "Measurement",
        "KPI",
        "KeyResult",
        "Objective",
        "Scorecard",
        "Thresholds",
        "Band",
    }
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    bad = to_dict(Period.quarter(2026, 1)) | {"colour": "blue"}
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(bad)


def test_scorecard_from_dict_is_a_scorecard():
    """Loading a scorecard gives a working scorecard (lookups included)."""
    card = round_trip(demo_scorecard(date(2026, 2, 15)))
    assert isinstance(card, Scorecard)
    assert card["growth"].title.startswith("Increase turnover")
