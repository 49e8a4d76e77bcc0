import copy
import json
import math
import random
import re
import sys
from datetime import UTC, date, datetime, timedelta, timezone

import attrs
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
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
from okrkit._serialize import (
    DATE_PATTERN,
    DURATION_PATTERN,
    IDENTIFIER_PATTERN,
    LOCAL_DATE_TIME_PATTERN,
    SCHEMA_VERSION,
    TYPES,
    unit_pattern,
)
from okrkit.exceptions import (
    InvalidTypeError,
    InvalidValueError,
    OkrkitError,
    SerializationError,
)
from okrkit.testing import STRATEGIES, evaluations
from okrkit.units import _registry, normalize_unit

SCHEMA = json_schema()
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=FORMATS)
SERIALIZABLE = [kind for kind in STRATEGIES if kind in TYPES]
FAST = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Rules between two fields that JSON Schema cannot state: from_dict (the
# constructors) has the final word.  docs/explanation/document-format.md
# lists the same rules.
CROSS_FIELD = (
    "a date after start",  # Period: end after start
    "a target different from start",  # KeyResult: start != target
    "a value at least low",  # KeyResult.within: low <= high
    "milestones with distinct names",
    "one value per date",  # phases
    "periods do not overlap",  # KPI per-period targets
    "contiguous bands",
    "bands that start at -inf",
    "an edge above lo",  # Band: lo < hi
    "key results with distinct ids",
    "another objective's id",  # parent is not the objective itself
    "an id other than the numerator's",
    "target",  # relative thresholds against a target they cannot use
    "expected ids of results",  # Scorecard references
    "its parent's depth",
    "expected distinct ids",
    "expected at most",
)


def strict_json(value):
    """to_dict's output through strict JSON (no NaN, no Infinity)."""
    return json.loads(json.dumps(to_dict(value), allow_nan=False))


def round_trip(value):
    data = strict_json(value)
    VALIDATOR.validate(data)
    return from_dict(type(value), data)


@pytest.mark.parametrize("kind", SERIALIZABLE, ids=lambda k: k.__name__)
@given(data=st.data())
@FAST
def test_every_type_round_trips_through_valid_json(kind, data):
    """from_dict(to_dict(x)) == x for every type, and the data is schema-valid."""
    value = data.draw(STRATEGIES[kind]())
    assert round_trip(value) == value


@given(evaluations())
@FAST
def test_a_stored_organisation_evaluates_the_same(pair):
    """An organisation read back evaluates to the same scorecard."""
    organisation, as_of = pair
    again = from_dict(strict_json(organisation))
    assert again == organisation
    assert again.evaluate(as_of=as_of) == organisation.evaluate(as_of=as_of)


def test_demo_scorecard_round_trips():
    """The demo scorecard, with KPIs, bands and findings, survives JSON."""
    card = demo_scorecard(date(2026, 3, 16))
    assert round_trip(card) == card
    for value in (*demo_objectives(), *demo_kpis()):
        assert round_trip(value) == value


def nps(**options):
    return KPI(
        "nps",
        "NPS",
        direction=Direction.HIGHER_IS_BETTER,
        thresholds=Thresholds.higher_is_better(red_below=0, green_from=30),
        **options,
    )


class TestEdges:
    @pytest.mark.parametrize(
        "grace",
        [
            timedelta(days=10**8, microseconds=1),
            timedelta.max,
            timedelta(0),
            timedelta(seconds=1.5),
        ],
    )
    def test_durations_are_exact(self, grace):
        """A KPI's grace comes back equal to the microsecond, at any size."""
        assert round_trip(nps(grace=grace)).grace == grace

    def test_duration_shape(self):
        """Durations are ISO 8601 days and seconds."""
        assert to_dict(nps(grace=timedelta(days=2)))["grace"] == "P2D"
        assert to_dict(nps(grace=timedelta(hours=1)))["grace"] == "PT3600S"
        assert to_dict(nps())["grace"] == "PT0S"
        long = to_dict(nps(grace=timedelta(days=10**8, microseconds=1)))
        assert long["grace"] == "P100000000DT0.000001S"

    def test_an_empty_per_period_target_is_refused_at_construction(self):
        """KPI(target={}) means nothing: refused at once, never written."""
        with pytest.raises(InvalidValueError, match="field 'target'"):
            nps(target={})

    def test_naive_and_aware_datetimes(self):
        """Naive datetimes stay naive, aware ones keep their instant."""
        plus_two = timezone(timedelta(hours=2))
        odd = timezone(timedelta(seconds=30))
        cases = {
            datetime(2026, 1, 1, 9): "2026-01-01T09:00:00",
            datetime(2026, 1, 1, 9, tzinfo=plus_two): "2026-01-01T09:00:00+02:00",
            datetime(2026, 1, 1, tzinfo=UTC): "2026-01-01T00:00:00Z",
            datetime(2026, 1, 1, 0, 0, 30, tzinfo=odd): "2026-01-01T00:00:00Z",
            datetime(2026, 1, 1, 9, 0, 0, 5): "2026-01-01T09:00:00.000005",
        }
        for at, text in cases.items():
            measurement = Measurement(at, 1)
            assert to_dict(measurement)["at"] == text
            back = round_trip(measurement)
            assert back == measurement
            assert (back.at.tzinfo is None) == (at.tzinfo is None)

    def test_infinite_results_are_written_as_strings(self):
        """A progress of inf is strict JSON "Infinity" and comes back inf."""
        card = evaluate(
            [
                Objective(
                    "o",
                    "O",
                    period=Period.quarter(2026, 1),
                    key_results=[KeyResult("k", "K", start=0, target=1e-300)],
                )
            ],
            measurements={"k": [Measurement(date(2026, 1, 5), 1e10)]},
            as_of=date(2026, 2, 1),
        )
        assert card["k"].progress == math.inf
        data = strict_json(card)
        assert data["key_results"][0]["progress"] == "Infinity"
        assert round_trip(card)["k"].progress == math.inf

    def test_nan_in_a_result_is_refused(self):
        """A NaN cannot reach a document: a result refuses it when built."""
        card = demo_scorecard(date(2026, 3, 16))
        with pytest.raises(InvalidValueError, match="field 'progress' got nan"):
            attrs.evolve(card.key_results[0], progress=math.nan)


class TestFromDict:
    def test_reads_the_type_from_the_data(self):
        """from_dict(data) needs no type when the data names it."""
        period = Period.quarter(2026, 1)
        assert from_dict(to_dict(period)) == period
        assert from_dict(Period, to_dict(period)) == period

    @pytest.mark.parametrize(
        ("data", "problem"),
        [
            ({"start": "2026-01-01"}, "type: is missing"),
            ({"type": "Cake"}, "type: expected one of"),
            (
                {"type": "Period", "schema_version": 3},
                "schema_version: got 3, newer than version 2",
            ),
            ({"type": "Period", "schema_version": True}, "schema_version: expected"),
            ({"type": "Period", "schema_version": 0}, "schema_version: expected 1 to"),
            ({1: 2, "type": "Period"}, "(top): expected text keys, got the key 1"),
        ],
    )
    def test_header_problems(self, data, problem):
        """The type and version are checked first, with clear messages."""
        with pytest.raises(SerializationError) as info:
            from_dict(data)
        assert any(p.startswith(problem) for p in info.value.problems), (
            info.value.problems
        )

    def test_a_newer_version_names_both_versions(self):
        """Data from a newer okrkit says which version it is and which we read."""
        data = to_dict(Period.quarter(2026, 1)) | {"schema_version": 7}
        with pytest.raises(SerializationError, match=r"got 7, newer than version 2"):
            from_dict(Period, data)

    def test_version_1_documents_are_upgraded(self):
        """Version 1 wrote durations as seconds; they are still read."""
        data = to_dict(nps(grace=timedelta(days=2))) | {
            "schema_version": 1,
            "grace": 172800.0,
        }
        assert from_dict(data).grace == timedelta(days=2)
        data["grace"] = "P2D"
        with pytest.raises(SerializationError, match="grace: expected a number"):
            from_dict(data)

    def test_version_1_results_may_carry_the_retired_null_fields(self):
        """Version 1 wrote always-null padding fields on KPI and objective results."""
        objective = Objective("o", "O", period=Period.quarter(2026, 1))
        card = evaluate([objective], kpis=[nps()], as_of=date(2026, 2, 15))
        old = to_dict(card) | {"schema_version": 1}
        old["kpis"] = [
            kpi | {"score": None, "progress": None, "forecast": None}
            for kpi in old["kpis"]
        ]
        old["objectives"] = [
            o | {"value": None, "forecast": None} for o in old["objectives"]
        ]
        assert from_dict(old) == card
        old["kpis"][0]["score"] = 0.5  # a number there was never written
        with pytest.raises(SerializationError, match="score: is not a field"):
            from_dict(old)

    def test_huge_numbers_mixed_keys_and_deep_lists_are_clean_errors(self):
        """No OverflowError, TypeError or RecursionError escapes from_dict."""
        kr = {"type": "KeyResult", "id": "k", "title": "K", "start": 0}
        with pytest.raises(SerializationError, match="target: expected a finite"):
            from_dict(kr | {"target": 10**400})
        with pytest.raises(SerializationError, match="expected text keys"):
            from_dict(kr | {"target": 1, 3: "x"})
        deep: list[object] = []
        for _ in range(100_000):
            deep = [deep]
        with pytest.raises(SerializationError, match="title: expected a string"):
            from_dict(kr | {"target": 1, "title": deep})
        with pytest.raises(SerializationError, match="expected a number"):
            from_dict(kr | {"target": deep})

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
            match=r"key_results\[0\]: KeyResult 'a': field 'target' got 0.0",
        ):
            from_dict(Objective, data)

    def test_whole_floats_are_integers(self):
        """As in JSON Schema, 1.0 is the integer 1 (schema and from_dict agree)."""
        data = to_dict(Cadence.weekly(1)) | {"weekday": 1.0}
        VALIDATOR.validate(data)
        assert from_dict(data) == Cadence.weekly(1)

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


class TestScorecardReferences:
    def card(self):
        return strict_json(demo_scorecard(date(2026, 3, 16)))

    def test_unknown_ids_are_refused(self):
        """An objective pointing at a key result not in the scorecard is refused."""
        data = self.card()
        data["objectives"][0]["key_results"] = ["nowhere"]
        data["objectives"][0]["health"] = ["no-kpi"]
        with pytest.raises(SerializationError) as info:
            from_dict(Scorecard, data)
        assert info.value.problems == (
            "objectives[0].key_results: expected ids of results in the scorecard, "
            "got 'nowhere'",
            "objectives[0].health: expected ids of results in the scorecard, "
            "got 'no-kpi'",
        )

    def test_depth_is_bounded_and_follows_the_parent(self):
        """A depth of 10**9 is refused before anything renders it."""
        data = self.card()
        child = next(o for o in data["objectives"] if o["parent"])
        child["depth"] = 10**9
        with pytest.raises(SerializationError, match="depth: expected an integer"):
            from_dict(Scorecard, data)
        child["depth"] = 7
        with pytest.raises(SerializationError, match="its parent's depth"):
            from_dict(Scorecard, data)

    def test_duplicate_ids_are_refused(self):
        """Two results with one id cannot both be looked up."""
        data = self.card()
        data["key_results"].append(data["key_results"][0])
        with pytest.raises(SerializationError, match="expected distinct ids"):
            from_dict(Scorecard, data)


class TestSchema:
    def test_describes_every_type(self):
        """The schema is valid draft 2020-12 and has a definition per type."""
        jsonschema.Draft202012Validator.check_schema(SCHEMA)
        assert set(SCHEMA["$defs"]) == {kind.__name__ for kind in TYPES}

    @pytest.mark.parametrize(
        ("value", "field", "junk"),
        [
            (Measurement(date(2026, 1, 1), 1), "confidence", 1.5),
            (KeyResult("k", "K", start=0, target=1), "weight", -1),
            (KeyResult("k", "K", start=0, target=1), "id", " "),
            (KeyResult("k", "K", start=0, target=1), "unit", "EURO"),
            (KeyResult("k", "K", start=0, target=1), "unit", "month"),
            (KeyResult("k", "K", start=0, target=1), "target", 10**400),
            (KeyResult("k", "K", start=0, target=1), "target", None),
            (Cadence.weekly(), "weekday", 9),
            (Cadence.weekly(), "weekday", 1.5),
            (Cadence.monthly(), "day", 0),
            (Period.quarter(2026, 1), "schema_version", True),
            (Period.quarter(2026, 1), "end", "2026-02-30"),
            (Measurement(date(2026, 1, 1), 1), "at", "2026-01-01T24:00:00"),
            (Measurement(date(2026, 1, 1), 1), "at", "2026-01-01T23:59:60Z"),
            (nps(), "grace", "P1M"),
            (nps(), "grace", 86400),
            (nps(), "target", []),  # null, not [], says "no target"
            (KeyResult("k", "K", start=0, target=1), "unit", "meter ** 999"),
            (KeyResult("k", "K", start=0, target=1), "unit", "meter ** 13"),
            (KeyResult("k", "K", start=0, target=1), "unit", "meter ** 0"),
            (KeyResult("k", "K", start=0, target=1), "unit", "meter ** 0.0"),
            (KeyResult("k", "K", start=0, target=1), "unit", "meter ** 12.5"),
        ],
    )
    def test_rejects_what_from_dict_rejects(self, value, field, junk):
        """The schema and from_dict both refuse the junk; the error names the field."""
        data = to_dict(value) | {field: junk}
        error = jsonschema.exceptions.best_match(VALIDATOR.iter_errors(data))
        assert error is not None
        assert field in error.json_path or field in error.message, error
        with pytest.raises(SerializationError):
            from_dict(data)

    @pytest.mark.parametrize(
        "unit", ["meter ** 2", "meter ** 12", "meter ** 0.5", "1 / second ** 2"]
    )
    def test_accepts_the_exponents_from_dict_accepts(self, unit):
        """Exponents above 0 and up to 12 pass the schema and from_dict alike."""
        data = to_dict(KeyResult("k", "K", start=0, target=1)) | {"unit": unit}
        VALIDATOR.validate(data)
        assert from_dict(data).unit == unit

    def test_rules_between_fields_are_from_dict_s(self):
        """end == start and start == target pass the schema; from_dict refuses."""
        period = to_dict(Period.quarter(2026, 1)) | {"end": "2026-01-01"}
        kr = to_dict(KeyResult("k", "K", start=0, target=1)) | {"target": 0}
        for data in (period, kr):
            VALIDATOR.validate(data)
            with pytest.raises(SerializationError) as info:
                from_dict(data)
            assert any(rule in str(info.value) for rule in CROSS_FIELD)

    def test_date_pattern_is_the_calendar(self):
        """The date pattern admits exactly the dates Python can hold."""
        pattern = re.compile(DATE_PATTERN)
        day = date(1896, 1, 1)
        while day < date(2105, 1, 1):  # three centuries' leap rules
            assert pattern.search(day.isoformat())
            day += timedelta(days=1)
        for text in (
            "1900-02-29",
            "2100-02-29",
            "2026-04-31",
            "0000-01-01",
            "2026-13-01",
            "2026-1-01",
            "2026-01-01\n",
            "\uff12\uff10\uff12\uff16-01-01",
        ):
            assert not pattern.search(text), text
        assert pattern.search("2000-02-29")
        assert pattern.search("9999-12-31")
        assert re.search(LOCAL_DATE_TIME_PATTERN, "2026-01-01T09:00:00.5")

    @given(st.timedeltas(min_value=timedelta(0)))
    def test_duration_pattern_admits_every_duration_written(self, value):
        """Every non-negative timedelta is written in the duration pattern."""
        assert re.search(DURATION_PATTERN, to_dict(nps(grace=value))["grace"])

    @given(st.text(max_size=3))
    def test_identifier_pattern_is_strip(self, text):
        """An id passes the pattern exactly when str.strip() leaves something."""
        assert bool(re.search(IDENTIFIER_PATTERN, text)) == bool(text.strip())

    def test_every_unit_name_the_pattern_admits_is_accepted(self):
        """A sample of prefixed unit names: the pattern admits only what pint does."""
        pattern = re.compile(unit_pattern())
        names = [n for n, d in _registry()._units.items() if d.name == n]
        prefixes = sorted({p.name for p in _registry()._prefixes.values()})
        pick = random.Random(15)
        for _ in range(800):
            name = pick.choice(prefixes) + pick.choice(names)
            if pick.random() < 0.3:
                name += pick.choice([" / ", " * "]) + pick.choice(names)
            if pick.random() < 0.3:
                name += " ** " + pick.choice(["2", "0.5", "3"])
            if pattern.search(name):
                normalize_unit(name)  # accepted

    def test_canonical_units_fit_the_pattern(self):
        """Units as okrkit stores them match the pattern; calendar ones do not."""
        pattern = re.compile(unit_pattern())
        for unit in ("hours", "kUSD", "m/s", "km/h**2", "1/hour", "degC", "m*m"):
            assert pattern.search(normalize_unit(unit))
        for unit in ("EURO", "month", "year", "kiloday", "meter ** inf", "USD "):
            assert not pattern.search(unit)


# -- the schema and from_dict agree ------------------------------------------------

JUNK = [None, True, False, 0, -1, 1, 1.0, 1.5, 9, 10**400, 1e308, -1e-300, "",
        " ", "x", "EURO", "month", "USD", "hour", "2026-01-01", "2026-02-30",
        "2026-01-01T09:00:00", "2026-01-01T09:00:00+02:00", "P1D", "Infinity",
        "LINEAR", "WITHIN", "MILESTONES", "GREEN", "NO_DATA", "weekly", [], {},
        [1, 2], {"a": 1}]  # fmt: skip


def places(data, path=()):
    """Every (container, key) in a document, nested ones included."""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        yield data, key
        if isinstance(value, (dict, list)) and len(path) < 6:
            yield from places(value, (*path, key))


@pytest.mark.parametrize("kind", SERIALIZABLE, ids=lambda k: k.__name__)
@given(data=st.data())
@FAST
def test_what_the_schema_accepts_from_dict_accepts(kind, data):
    """A document the schema accepts, from_dict accepts too.

    Valid documents with a field or two changed; the only exceptions are the
    rules between fields that the schema cannot state.
    """
    document = strict_json(data.draw(STRATEGIES[kind]()))
    for _ in range(data.draw(st.integers(1, 2))):
        where = data.draw(st.sampled_from(list(places(document))))
        container, key = where
        dictionary = isinstance(container, dict)
        siblings = list(container.values() if dictionary else container)
        # A copy: the next change may reach inside it.
        junk = copy.deepcopy(data.draw(st.sampled_from(JUNK + siblings)))
        if isinstance(container, dict) and data.draw(st.booleans()):
            del container[key]
        else:
            container[key] = junk
    if any(True for _ in VALIDATOR.iter_errors(document)):
        return
    try:
        from_dict(document)
    except SerializationError as error:
        problem = str(error)
    else:
        return
    assert any(rule in problem for rule in CROSS_FIELD), problem


RESULT_BOUNDS = [
    ("key_results", "probability", 10.0),
    ("key_results", "confidence", -0.5),
    ("key_results", "expected", 1.5),
    ("key_results", "weight", -1.0),
    ("key_results", "value", "Infinity"),
    ("key_results", "target", "-Infinity"),
    ("key_results", "id", " "),
    ("objectives", "probability", 1.01),
    ("objectives", "weight", "Infinity"),
    ("objectives", "parent", ""),
    ("objectives", "children", [" "]),
    ("kpis", "value", "Infinity"),
    ("kpis", "id", ""),
]


@pytest.mark.parametrize(("group", "field", "bad"), RESULT_BOUNDS)
def test_the_schema_states_what_a_result_refuses(group, field, bad):
    """A result's bounds (shares, weights, finite readings, ids) are in the schema.

    The constructors refuse these values, so the schema refuses them too:
    a document valid for one is valid for the other.
    """
    document = to_dict(demo_scorecard(date(2026, 3, 16)))
    first = document[group][0]
    first[field] = bad
    assert list(VALIDATOR.iter_errors(document))
    with pytest.raises(SerializationError, match=field):
        from_dict(document)


@pytest.mark.parametrize("kind", SERIALIZABLE, ids=lambda k: k.__name__)
@given(data=st.data())
@settings(max_examples=3, deadline=None)
def test_errors_name_the_field(kind, data):
    """With a discriminator on "type", the best error names the bad field."""
    document = strict_json(data.draw(STRATEGIES[kind]()))
    field = sorted(set(document) - {"schema_version", "type"})[0]
    document[field] = {"junk": [1]}
    error = jsonschema.exceptions.best_match(VALIDATOR.iter_errors(document))
    assert error is not None
    assert field in error.json_path, error.json_path


def test_schema_version_constant():
    """to_dict writes the version the schema names."""
    assert SCHEMA["properties"]["schema_version"] == {"const": SCHEMA_VERSION}
    assert sys.float_info.max == SCHEMA["$defs"]["Measurement"]["properties"][
        "value"]["maximum"]  # fmt: skip


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=6)
    | st.sampled_from(["2026-01-01", "P1D", "USD", "LINEAR", "Infinity"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=4) | st.integers(), inner, max_size=4)
    ),
    max_leaves=15,
)


@given(
    st.dictionaries(
        st.sampled_from(["type", "schema_version", "id", "start", "checkins"]),
        json_values,
    ),
    st.sampled_from([n.__name__ for n in TYPES]),
)
@settings(max_examples=200)
def test_from_dict_raises_only_serialization_errors(data, name):
    """Whatever the data, from_dict(data) returns or raises SerializationError."""
    data.setdefault("type", name)
    try:
        from_dict(data)
    except SerializationError as error:
        problems = error.problems
    else:
        return
    assert problems


class TestFold:
    """A naive time in the second pass of a repeated hour keeps its fold."""

    # 02:30 happens twice in Berlin on 2026-10-25: first at +02:00, then +01:00.
    second = datetime(2026, 10, 25, 2, 30, fold=1)

    def test_written_as_an_object_and_read_back_with_its_fold(self):
        """fold=1 is written beside the local text, valid by the schema."""
        data = to_dict(Measurement(self.second, 5))
        assert data["at"] == {"local": "2026-10-25T02:30:00", "fold": 1}
        VALIDATOR.validate(data)
        assert from_dict(data).at.fold == 1
        assert from_dict(json.loads(json.dumps(data))).at.fold == 1

    def test_a_round_trip_evaluates_the_same_instant(self):
        """The check-in after the clock change stays after it: the score agrees."""
        from zoneinfo import ZoneInfo

        berlin = ZoneInfo("Europe/Berlin")
        objective = Objective(
            "o",
            "O",
            period=Period.quarter(2026, 4),
            key_results=[KeyResult("k", "K", start=0, target=10)],
        )
        # 02:45 first pass, then 02:30 second pass: 02:30 (fold=1) is later.
        checkins = [
            Measurement(datetime(2026, 10, 25, 2, 45), 3),
            Measurement(self.second, 7),
        ]
        back = [from_dict(to_dict(m)) for m in checkins]
        as_of = datetime(2026, 10, 25, 4)
        scores = [
            evaluate([objective], measurements={"k": data}, as_of=as_of, tz=berlin)[
                "k"
            ].value
            for data in (checkins, back)
        ]
        assert scores == [7.0, 7.0]

    def test_other_times_are_written_as_text(self):
        """fold=0 and aware times are the usual strings."""
        assert to_dict(Measurement(datetime(2026, 10, 25, 2, 30), 5))["at"] == (
            "2026-10-25T02:30:00"
        )

    @pytest.mark.parametrize(
        "bad",
        [
            {"local": "2026-10-25T02:30:00", "fold": 0},
            {"local": "2026-10-25T02:30:00", "fold": True},
            {"local": "2026-10-25T02:30:00Z", "fold": 1},
            {"local": "2026-10-25T02:30:00", "fold": 1, "zone": "Berlin"},
            {"fold": 1},
        ],
    )
    def test_anything_else_is_refused_by_schema_and_reader(self, bad):
        """Only {"local": <local date-time>, "fold": 1} is a fold."""
        data = to_dict(Measurement(date(2026, 10, 25), 5)) | {"at": bad}
        assert not VALIDATOR.is_valid(data)
        with pytest.raises(SerializationError, match="at"):
            from_dict(data)
