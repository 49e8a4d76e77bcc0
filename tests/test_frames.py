import builtins
import math
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit import (
    KPI,
    Direction,
    KeyResult,
    Measurement,
    Objective,
    Period,
    Thresholds,
    evaluate,
)
from okrkit._frames import (
    KINDS,
    columns,
    history_frame,
    records,
    to_frame,
)
from okrkit._history import history
from okrkit.exceptions import InvalidValueError, MissingExtraError, OkrkitError

Q1 = Period.quarter(2026, 1)
FEB15 = date(2026, 2, 15)
NPS = KPI(
    "nps",
    "Net promoter score",
    label="points",
    direction=Direction.HIGHER_IS_BETTER,
    thresholds=Thresholds.higher_is_better(red_below=20, green_from=40),
)
CHURN = KPI(
    "churn",
    "Churn",
    unit="percent",
    direction=Direction.LOWER_IS_BETTER,
    thresholds=Thresholds.lower_is_better(green_below=2, red_from=5),
)
OBJECTIVES = [
    Objective(
        "co",
        "Grow",
        period=Q1,
        owner="Ana",
        health=("nps",),
        key_results=[
            KeyResult("k", "Reach 100 customers", start=0, target=100, label="cust"),
            KeyResult("rev", "Revenue 10 kUSD", start=0, target=10, unit="kUSD"),
        ],
    ),
    Objective(
        "team",
        "Sell more",
        period=Q1,
        parent="co",
        key_results=[KeyResult.done("d", "Open Lisbon office")],
    ),
]
MEASUREMENTS = {
    "k": [Measurement(date(2026, 1, 20), 30), Measurement(date(2026, 2, 10), 60)],
    "rev": [Measurement(date(2026, 2, 1), 4000, unit="USD")],
    "nps": [Measurement(date(2026, 1, 10), 25)],
}
CARD = evaluate(OBJECTIVES, kpis=[NPS, CHURN], measurements=MEASUREMENTS, as_of=FEB15)
BACKENDS = ("pandas", "polars", "pyarrow")


def test_key_result_records_hold_the_cards_values():
    """Each key result's dict has its results, enums as names, units as columns."""
    rows = {r["id"]: r for r in records(CARD, "key_results")}
    assert list(rows) == ["k", "rev", "d"]
    k = rows["k"]
    assert k["as_of"] == FEB15
    assert (k["objective"], k["title"], k["label"]) == (
        "co",
        "Reach 100 customers",
        "cust",
    )
    assert (k["value"], k["progress"], k["status"], k["kind"]) == (
        60.0,
        0.6,
        "GREEN",
        "LINEAR",
    )
    assert k["last_measured"] == date(2026, 2, 10)
    assert (rows["rev"]["value"], rows["rev"]["unit"]) == (4.0, "kiloUSD")
    assert rows["d"]["objective"] == "team"
    assert rows["d"]["value"] is None
    assert rows["d"]["status"] == "NO_DATA"


def test_numbers_are_floats_even_when_defined_as_ints():
    """A target written as an int comes out as a float, like every number."""
    (k, *_) = records(CARD, "key_results")
    assert type(k["target"]) is float
    assert type(k["start"]) is float
    assert type(records(CARD, "objectives")[0]["weight"]) is float
    frame = to_frame(CARD, "key_results", backend="pandas")
    assert str(frame["target"].dtype) == "float64"


def test_objective_records_have_period_label_and_dates():
    """Periods come as their label plus start and (exclusive) end dates."""
    co, team = records(CARD, "objectives")
    assert (co["period"], co["period_start"], co["period_end"]) == (
        "2026-Q1",
        date(2026, 1, 1),
        date(2026, 4, 1),
    )
    assert (co["owner"], co["depth"], co["parent"]) == ("Ana", 0, None)
    assert (team["depth"], team["parent"]) == (1, "co")
    assert co["score"] == CARD["co"].score
    assert co["grade"] is None


def test_kpi_and_finding_records():
    """KPIs carry value, lights and window; findings code, severity and message."""
    nps, churn = records(CARD, "kpis")
    assert (nps["id"], nps["value"], nps["status"], nps["label"]) == (
        "nps",
        25.0,
        "AMBER",
        "points",
    )
    assert nps["window"] == "2026-Q1"
    assert churn["status"] == "NO_DATA"
    assert churn["unit"] == "percent"
    findings = records(CARD, "findings")
    assert len(findings) == len(CARD.findings)
    assert [f["code"] for f in findings] == [f.code for f in CARD.findings]


def test_records_have_the_documented_columns_in_order():
    """Every dict has exactly the kind's columns, as_of first."""
    for kind in KINDS:
        for row in records(CARD, kind):
            assert tuple(row) == columns(kind)


def test_unknown_kind_lists_the_kinds():
    """An unknown kind raises InvalidValueError listing the four kinds."""
    with pytest.raises(InvalidValueError, match="'objectives', 'key_results', 'kpis'"):
        records(CARD, "goals")
    with pytest.raises(InvalidValueError, match="'findings'"):
        to_frame(CARD, "goals")


def _table(frame, backend):
    """Column name -> list of Python values, whatever the backend."""
    if backend == "pandas":
        return {
            name: [None if _missing(v) else v for v in frame[name].tolist()]
            for name in frame.columns
        }
    if backend == "polars":
        return frame.to_dict(as_series=False)
    return frame.to_pydict()


def _missing(value):
    return value is None or (isinstance(value, float) and math.isnan(value))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kind", KINDS)
def test_frames_equal_the_records(kind, backend):
    """Every backend's frame has the records' rows, columns and values."""
    frame = to_frame(CARD, kind, backend=backend)
    table = _table(frame, backend)
    rows = records(CARD, kind)
    assert tuple(table) == columns(kind)
    for name in columns(kind):
        assert len(table[name]) == len(rows)
        expected = [row[name] for row in rows]
        assert table[name] == expected, name


def test_all_null_columns_keep_their_type_in_pandas():
    """A column of only nulls is still float64 or string, not object."""
    frame = to_frame(CARD, "objectives", backend="pandas")
    assert str(frame["grade"].dtype) in ("str", "string")
    assert frame["grade"].isna().all()
    assert str(frame["probability"].dtype) == "float64"


@pytest.mark.parametrize("backend", BACKENDS)
def test_column_types(backend):
    """Numbers are float64 with nulls, dates dates, statuses strings."""
    frame = to_frame(CARD, "key_results", backend=backend)
    if backend == "pandas":
        assert str(frame["value"].dtype) == "float64"
        assert math.isnan(frame["value"].iloc[2])
        assert isinstance(frame["as_of"].iloc[0], date)
        assert frame["status"].tolist() == ["GREEN", "AMBER", "NO_DATA"]
    elif backend == "polars":
        import polars as pl

        assert frame.schema["value"] == pl.Float64
        assert frame.schema["as_of"] == pl.Date
        assert frame.schema["status"] == pl.String
        assert frame.schema["started"] == pl.Boolean
        assert frame["value"].null_count() == 1
    else:
        import pyarrow as pa

        assert frame.schema.field("value").type == pa.float64()
        assert frame.schema.field("last_measured").type == pa.date32()
        assert frame.schema.field("status").type == pa.string()


@pytest.mark.parametrize("backend", BACKENDS)
def test_empty_kind_still_has_columns(backend):
    """A card without KPIs gives an empty frame with every column."""
    card = evaluate(OBJECTIVES[:1], kpis=[NPS], as_of=FEB15)
    frame = to_frame(evaluate([], as_of=FEB15), "kpis", backend=backend)
    assert tuple(frame.columns if backend != "pyarrow" else frame.column_names) == (
        columns("kpis")
    )
    assert len(frame) == 0
    if backend == "pandas":
        assert str(frame["value"].dtype) == "float64"
        assert str(frame["stale"].dtype) == "bool"
    assert len(to_frame(card, "kpis", backend=backend)) == 1


def test_as_of_with_a_time_is_a_datetime_column():
    """A datetime as_of makes the as_of column a datetime column."""
    import polars as pl

    at = datetime(2026, 2, 15, 9, 30)
    card = evaluate(OBJECTIVES, kpis=[NPS], measurements=MEASUREMENTS, as_of=at)
    frame = to_frame(card, "objectives", backend="polars")
    assert frame.schema["as_of"] == pl.Datetime("us")
    assert frame["as_of"].to_list() == [at, at]
    assert frame["period_start"].to_list() == [date(2026, 1, 1)] * 2


def _aware_times(frame, backend, name):
    """A column's values as Python datetimes, checked to be aware (UTC)."""
    values = _table(frame, backend)[name]
    if backend == "pandas":
        assert str(frame[name].dtype).endswith(", UTC]")
        values = [v.to_pydatetime() for v in values]
    assert all(v.utcoffset() == timedelta(0) for v in values)
    return values


@pytest.mark.parametrize("backend", BACKENDS)
def test_aware_dates_come_out_in_utc_and_in_time_order(backend):
    """as_of given with two offsets: UTC times in the frame, not wall times.

    23:30 UTC and 00:30 the next day at +02:00 (22:30 UTC): stripped of
    their offsets they would read as 23:30 and then 00:30, the wrong way
    round; in UTC they are 22:30 and 23:30, the order history() keeps.
    """
    late = datetime(2026, 2, 1, 23, 30, tzinfo=UTC)
    early = datetime(2026, 2, 2, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    past = history(
        OBJECTIVES, kpis=[NPS], measurements=MEASUREMENTS, dates=[late, early]
    )
    assert past.dates == (early, late)
    got = _aware_times(past.to_frame(backend=backend), backend, "as_of")
    width = len(past.records()) // 2
    in_utc = [datetime(2026, 2, 1, 22, 30, tzinfo=UTC)] * width + [
        datetime(2026, 2, 1, 23, 30, tzinfo=UTC)
    ] * width
    assert got == in_utc
    assert [g.hour for g in got] == [22] * width + [23] * width


@pytest.mark.parametrize("backend", BACKENDS)
def test_dates_beside_aware_times_are_read_in_the_evaluation_zone(backend):
    """A date beside an aware time: its midnight in the history's zone, in UTC.

    In Berlin (UTC+1 in winter) 2026-02-01 is 2026-01-31 23:00 UTC; an aware
    2026-02-10 08:00-05:00 is 13:00 UTC.  A scorecard at an aware time
    shows it in UTC too.
    """
    berlin = ZoneInfo("Europe/Berlin")
    aware = datetime(2026, 2, 10, 8, tzinfo=timezone(timedelta(hours=-5)))
    past = history(
        OBJECTIVES,
        kpis=[NPS],
        measurements=MEASUREMENTS,
        dates=[date(2026, 2, 1), aware],
        tz=berlin,
    )
    got = _aware_times(past.to_frame(backend=backend), backend, "as_of")
    assert sorted(set(got)) == [
        datetime(2026, 1, 31, 23, tzinfo=UTC),
        datetime(2026, 2, 10, 13, tzinfo=UTC),
    ]
    card = past[aware]
    got = _aware_times(card.to_frame("objectives", backend=backend), backend, "as_of")
    assert set(got) == {datetime(2026, 2, 10, 13, tzinfo=UTC)}


def test_unknown_backend_is_a_clear_error():
    """An unknown backend names the three supported ones."""
    with pytest.raises(InvalidValueError, match="'pandas', 'polars', 'pyarrow'"):
        to_frame(CARD, "objectives", backend="spark")


def test_missing_narwhals_names_the_extra(monkeypatch):
    """Without narwhals, to_frame says which extra to install."""
    real_import = builtins.__import__

    def no_narwhals(name, *args, **kwargs):
        if name == "narwhals" or name.startswith("narwhals."):
            raise ModuleNotFoundError("No module named 'narwhals'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_narwhals)
    with pytest.raises(MissingExtraError, match=r"pip install 'okrkit\[dataframes\]'"):
        to_frame(CARD, "objectives")
    assert issubclass(MissingExtraError, OkrkitError)
    assert issubclass(MissingExtraError, ImportError)


@pytest.mark.parametrize("backend", BACKENDS)
def test_history_frame_has_one_row_per_date_and_id(backend):
    """A history's frame has a row for each date and id."""
    dates = [date(2026, 1, 31), FEB15]
    past = history(
        OBJECTIVES, kpis=[NPS, CHURN], measurements=MEASUREMENTS, dates=dates
    )
    frame = past.to_frame(backend=backend)
    table = _table(frame, backend)
    assert len(table["id"]) == 2 * (2 + 3 + 2)
    rows = past.records()
    assert table["score"] == [r["score"] for r in rows]
    assert table["as_of"][:7] == [date(2026, 1, 31)] * 7
    assert history_frame([], backend=backend) is not None


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("objectives", "dates"),
    [
        (OBJECTIVES, [date(2026, 1, 31), FEB15, date(2026, 4, 2)]),
        (OBJECTIVES, [datetime(2026, 2, 1, 12, 30)]),  # a time of day: Datetime
        ([], [FEB15]),  # no ids: an empty frame with every column
    ],
)
def test_history_frame_is_the_frame_of_its_records(backend, objectives, dates):
    """Made column by column from the timeline: the records' frame, dtypes too."""
    import narwhals as nw

    kpis, measurements = ([NPS, CHURN], MEASUREMENTS) if objectives else ([], {})
    past = history(objectives, kpis=kpis, measurements=measurements, dates=dates)
    got = past.to_frame(backend=backend)
    want = history_frame(past.records(), backend=backend)
    assert _table(got, backend) == _table(want, backend)
    assert nw.from_native(got).schema == nw.from_native(want).schema
    assert len(_table(got, backend)["id"]) == len(past.records())


@given(
    values=st.lists(st.integers(-1000, 1000), min_size=0, max_size=5),
)
def test_records_follow_the_card_for_any_checkins(values):
    """For any check-ins, each key result row reads the card's numbers."""
    checkins = {
        "k": [Measurement(date(2026, 1, 1 + i), v) for i, v in enumerate(values)]
    }
    card = evaluate(OBJECTIVES, kpis=[NPS], measurements=checkins, as_of=FEB15)
    for row in records(card, "key_results"):
        result = card[row["id"]]
        assert row["value"] == result.value
        assert row["score"] == result.score
        assert row["status"] == result.status.name


def test_likelihood_and_pace_reach_the_rows():
    """probability and the pace needed are columns, equal to the results'."""
    objective = Objective(
        "o",
        "Grow",
        period=Q1,
        key_results=[KeyResult("k", "Reach 100", start=0, target=100)],
    )
    checkins = {"k": [Measurement(date(2026, 1, d), 10.0 * d / 5) for d in (5, 15, 25)]}
    card = evaluate([objective], measurements=checkins, as_of=date(2026, 2, 1))
    row = records(card, "key_results")[0]
    result = card.key_result("k")
    assert result.probability is not None
    assert row["probability"] == result.probability
    assert row["needed_per_week"] == result.needed_per_week
    assert records(card, "objectives")[0]["probability"] == card["o"].probability
