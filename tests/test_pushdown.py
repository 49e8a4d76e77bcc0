"""Check-ins summarized in the frame's own engine give the scorecard of the rows."""

import math
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import dask.dataframe as dd
import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings

from okrkit import (
    KPI,
    Aggregation,
    Checkins,
    Direction,
    KeyResult,
    Objective,
    Period,
    Thresholds,
    _pushdown,
    evaluate,
    history,
    to_dict,
)
from okrkit.exceptions import (
    IncompatibleUnitsError,
    InvalidTypeError,
    InvalidValueError,
    UnknownIdError,
)
from okrkit.testing import evaluations

pytestmark = pytest.mark.filterwarnings(
    "ignore:Dask support is moving:FutureWarning",
    "ignore:Found complex group-by expression:UserWarning",
)

Q1 = Period.quarter(2026, 1)


def close(left: object, right: object, scale: float, path: str = "") -> None:
    """Equal documents, numbers to 1e-9 of the organisation's scale."""
    if isinstance(left, dict) and isinstance(right, dict):
        assert left.keys() == right.keys(), path
        for key in left:
            close(left[key], right[key], scale, f"{path}.{key}")
    elif isinstance(left, list) and isinstance(right, list):
        assert len(left) == len(right), path
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            close(a, b, scale, f"{path}[{i}]")
    elif isinstance(left, float) and isinstance(right, float):
        assert math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-9 * scale), (
            path,
            left,
            right,
        )
    else:
        assert left == right, (path, left, right)


def numbers(document: object) -> list[float]:
    if isinstance(document, dict):
        return [x for value in document.values() for x in numbers(value)]
    if isinstance(document, list):
        return [x for value in document for x in numbers(value)]
    if isinstance(document, float) and math.isfinite(document):
        return [abs(document)]
    return []


def frames_of(table: Checkins) -> dict[str, object]:
    """The table in every engine, with dated (not object) instant columns."""
    data = {
        "id": list(table.ids),
        "at": list(table.ats),
        "value": list(table.values),
        "confidence": list(table.confidences),
    }
    arrow = pa.table(data)
    return {
        "pandas": arrow.to_pandas(types_mapper=pd.ArrowDtype),
        "polars": pl.from_arrow(arrow),
        "polars lazy": pl.from_arrow(arrow).lazy(),
        "pyarrow": arrow,
        "duckdb": duckdb.connect().from_arrow(arrow),
        "dask": dd.from_pandas(
            arrow.to_pandas(types_mapper=pd.ArrowDtype), npartitions=2
        ),
    }


def pushed(frame: object) -> Checkins:
    table = Checkins.from_frame(frame, confidence="confidence")
    assert table.frame is frame  # kept, not collected
    return table


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(evaluations())
def test_summarized_frames_agree_with_rows(pair):
    """Every engine, summarized where it lives, agrees with the rows to 1e-9."""
    organisation, as_of = pair
    table = organisation.checkins
    if any(table.units) or len(table) == 0 or len({type(at) for at in table.ats}) > 1:
        return  # one unit and one instant type per column: see the other tests
    if len({at.tzinfo is None for at in table.ats if isinstance(at, datetime)}) > 1:
        return

    def card(measurements):
        return to_dict(
            evaluate(
                organisation.objectives,
                kpis=organisation.kpis,
                measurements=measurements,
                as_of=as_of,
            )
        )

    expected = card(
        Checkins.from_rows(
            list(
                zip(table.ids, table.ats, table.values, table.confidences, strict=True)
            )
        )
    )
    scale = max([1.0, *numbers(expected)])
    for name, frame in frames_of(table).items():
        if name == "dask":
            continue  # slow to start; the hand-made tests below run Dask
        summarized = pushed(frame)
        close(card(summarized), expected, scale, name)
        assert not summarized._held(), f"{name}: the check-ins were collected"


def organisation(kind: Aggregation = Aggregation.LAST) -> list[Objective]:
    return [
        Objective(
            "o",
            "Grow",
            period=Q1,
            key_results=[
                KeyResult("a", "A to 100", start=0, target=100),
                KeyResult("b", "B sums to 30", start=0, target=30, aggregation=kind),
            ],
        )
    ]


ROWS = [
    ("a", date(2026, 1, 5), 10.0, 0.5),
    ("a", date(2026, 1, 19), 25.0, None),
    ("a", date(2026, 2, 2), 31.0, 0.75),
    ("a", date(2026, 2, 2), 30.0, 0.25),  # the same day: the larger value is last
    ("b", date(2026, 1, 7), 4.0, None),
    ("b", date(2026, 1, 7), 4.0, None),
    ("b", date(2026, 2, 3), 6.0, 0.9),
    ("b", date(2026, 3, 30), 50.0, None),  # after as_of: left out
]


def rows_frame() -> pd.DataFrame:
    frame = pd.DataFrame(ROWS, columns=["id", "at", "value", "confidence"])
    frame["at"] = pd.to_datetime(frame["at"])
    return frame


@pytest.mark.parametrize("kind", [Aggregation.LAST, Aggregation.SUM, Aggregation.COUNT])
def test_hand_made_table_agrees_with_rows(kind):
    """Ties, repeated rows and check-ins after as_of: the sums give the rows' card."""
    objectives = organisation(kind)
    as_of = date(2026, 2, 15)
    expected = evaluate(objectives, measurements=Checkins.from_rows(ROWS), as_of=as_of)
    card = evaluate(objectives, measurements=pushed(rows_frame()), as_of=as_of)
    a, b = card.key_result("a"), card.key_result("b")
    assert (a.value, a.confidence, a.last_measured) == (31.0, 0.75, date(2026, 2, 2))
    want = {Aggregation.LAST: 6.0, Aggregation.SUM: 14.0, Aggregation.COUNT: 3.0}
    assert b.value == want[kind]
    scale = 100.0
    close(to_dict(card), to_dict(expected), scale)


@pytest.mark.parametrize("kind", [Aggregation.LAST, Aggregation.SUM])
def test_values_near_the_largest_float_give_no_likelihood_from_a_frame(kind):
    """A frame's sums, like the rows' points, give no trend floats cannot hold.

    The squares of 1e300 overflow: the rows' fit and the frame's sums both
    say no likelihood, where the sums alone would have seemed a perfect line.
    """
    values = [1e300, 3e300, 2e300, 4e300]
    start = date(2026, 1, 5)
    rows = [("k", start + timedelta(days=7 * i), v) for i, v in enumerate(values)]
    objectives = [
        Objective(
            "o",
            "O",
            period=Q1,
            key_results=[KeyResult("k", "K", start=0, target=10, aggregation=kind)],
        )
    ]
    frame = pl.DataFrame(rows, schema=["id", "at", "value"], orient="row")
    as_of = date(2026, 2, 15)
    for table in (Checkins.from_rows(rows), Checkins.from_frame(frame.lazy())):
        card = evaluate(objectives, measurements=table, as_of=as_of)
        result = card.key_result("k")
        assert result.probability is None
        assert result.value == (4e300 if kind is Aggregation.LAST else 1e301)
        assert card.objective("o").probability is None
        assert len(card.records("key_results")) == 1


def test_a_dask_table_comes_back_as_one_row_per_id_and_cell(monkeypatch):
    """Dask: the query returns a row per id and cell, never the check-ins."""
    rows = [
        (f"k{i % 20}", date(2026, 1, 1) + timedelta(days=i % 80), float(i), None)
        for i in range(2000)
    ]
    frame = pd.DataFrame(rows, columns=["id", "at", "value", "confidence"])
    frame["at"] = pd.to_datetime(frame["at"])
    objectives = [
        Objective(
            "o",
            "O",
            period=Q1,
            key_results=[
                KeyResult(f"k{i}", f"K{i}", start=0, target=3000) for i in range(20)
            ],
        )
    ]
    returned = []
    original = _pushdown._cells

    def spy(result, *args):
        returned.append(len(result))
        return original(result, *args)

    monkeypatch.setattr(_pushdown, "_cells", spy)
    table = pushed(dd.from_pandas(frame, npartitions=4))
    card = evaluate(objectives, measurements=table, as_of=date(2026, 2, 15))
    expected = evaluate(
        objectives, measurements=Checkins.from_rows(rows), as_of=date(2026, 2, 15)
    )
    assert returned == [20]  # one cell each: [Q1 start, as_of]
    close(to_dict(card), to_dict(expected), 3000.0)
    assert not table._held()


def test_history_from_a_summarized_table_equals_evaluate():
    """history() summarizes once, by every date's cells, and equals evaluate()."""
    dates = [date(2026, 1, 20), date(2026, 2, 15), date(2026, 4, 2)]
    objectives = organisation(Aggregation.SUM)
    past = history(objectives, measurements=pushed(rows_frame()), dates=dates)
    for day in dates:
        alone = evaluate(objectives, measurements=Checkins.from_rows(ROWS), as_of=day)
        close(to_dict(past[day]), to_dict(alone), 100.0, str(day))
    assert [at for at, _ in past.checkins("a")] == [
        datetime(2026, 1, 5),
        datetime(2026, 1, 19),
        datetime(2026, 2, 2),
        datetime(2026, 2, 2),
    ]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_wall_times_in_a_zone_with_daylight_saving(zone):
    """Naive times are local: cells split at the offset change, as instants do."""
    tz = ZoneInfo(zone)
    period = Period.quarter(2026, 1)
    start = datetime(2026, 3, 1, 6, 30)
    rows = [
        ("a", start + timedelta(hours=13 * i), float(i * i % 17), None)
        for i in range(120)
    ]
    frame = pl.DataFrame(rows, schema=["id", "at", "value", "confidence"], orient="row")
    objectives = [
        Objective(
            "o",
            "O",
            period=period,
            key_results=[KeyResult("a", "A", start=0, target=20)],
        )
    ]
    as_of = date(2026, 3, 25)
    expected = evaluate(
        objectives, measurements=Checkins.from_rows(rows), as_of=as_of, tz=tz
    )
    card = evaluate(objectives, measurements=pushed(frame), as_of=as_of, tz=tz)
    assert card.key_result("a").forecast is not None
    close(to_dict(card), to_dict(expected), 20.0)


def test_aware_times_and_a_table_unit():
    """Aware instants are compared in UTC; the table's unit converts once."""
    base = datetime(2026, 1, 4, 23, 30, tzinfo=UTC)
    rows = [("rev", base + timedelta(days=3 * i), 1.5 * i, None) for i in range(20)]
    frame = pd.DataFrame(rows, columns=["id", "at", "value", "confidence"])
    frame["at"] = pd.to_datetime(frame["at"], utc=True).dt.tz_convert("Asia/Tokyo")
    kpi = KPI(
        "rev",
        "Revenue",
        unit="USD",
        aggregation=Aggregation.SUM,
        direction=Direction.HIGHER_IS_BETTER,
        thresholds=Thresholds.higher_is_better(red_below=5000, green_from=9000),
    )
    objectives = [
        Objective(
            "o",
            "O",
            period=Q1,
            key_results=[
                KeyResult(
                    "k", "Revenue to 300k", start=0, target=300, unit="kUSD", kpi="rev"
                )
            ],
        )
    ]
    as_of = date(2026, 2, 20)
    tz = ZoneInfo("Asia/Tokyo")
    expected = evaluate(
        objectives,
        kpis=[kpi],
        as_of=as_of,
        tz=tz,
        measurements=Checkins.from_rows(rows, unit="kUSD"),
    )
    table = Checkins.from_frame(frame, unit="kUSD")
    card = evaluate(objectives, kpis=[kpi], measurements=table, as_of=as_of, tz=tz)
    assert card.kpi("rev").value == pytest.approx(expected.kpi("rev").value)
    close(to_dict(card), to_dict(expected), 1e6)


def test_bad_rows_of_a_lazy_frame_are_named_by_id_and_instant():
    """A lazy frame's rows have no position: the error names the id and the time."""
    frame = rows_frame()
    frame.loc[2, "value"] = math.inf
    with pytest.raises(
        InvalidValueError, match=r"row \(id 'a', at 2026-02-02.*'value' got inf"
    ):
        Checkins.from_frame(dd.from_pandas(frame, npartitions=2))
    with pytest.raises(
        InvalidValueError, match=r"row 2 \(id 'a'\): field 'value' got inf"
    ):
        Checkins.from_frame(frame)
    frame = rows_frame()
    frame.loc[1, "confidence"] = 1.5
    with pytest.raises(
        InvalidValueError, match="'confidence' got 1.5; expected a probability"
    ):
        Checkins.from_frame(pl.from_pandas(frame).lazy(), confidence="confidence")


def test_unknown_ids_in_a_summarized_table_are_refused():
    """An id no key result reads is refused, as for rows."""
    frame = rows_frame()
    frame.loc[0, "id"] = "zzz"
    with pytest.raises(UnknownIdError, match="'zzz'"):
        evaluate(organisation(), measurements=pushed(frame), as_of=date(2026, 2, 15))


def test_a_table_unit_converts_a_summarized_last_value():
    """Frame in km: 2.5 km is 2,500 m for a key result in m, 4 km stays 4 km.

    A key result in the table's unit reads every id's latest value from the
    cells at once; one in another unit reads its own summary, converted.
    """
    frame = pd.DataFrame(
        [
            ("run", date(2026, 1, 10), 1.0),
            ("run", date(2026, 1, 20), 2.5),
            ("walk", date(2026, 1, 5), 4.0),
        ],
        columns=["id", "at", "value"],
    )
    frame["at"] = pd.to_datetime(frame["at"])
    run = KeyResult("run", "Run 5 km", start=0, target=5000, unit="m")
    walk = KeyResult("walk", "Walk 10 km", start=0, target=10, unit="km")
    objectives = [Objective("o", "O", period=Q1, key_results=[run, walk])]
    as_of = date(2026, 2, 1)
    card = evaluate(
        objectives, measurements=Checkins.from_frame(frame, unit="km"), as_of=as_of
    )
    assert card.key_result("run").value == pytest.approx(2500.0, rel=1e-12)
    assert card.key_result("run").progress == pytest.approx(0.5, rel=1e-12)
    assert card.key_result("walk").value == 4.0
    assert card.key_result("walk").progress == 0.4
    rows = Checkins.from_rows(frame.itertuples(index=False), unit="km")
    alone = evaluate(objectives, measurements=rows, as_of=as_of)
    assert to_dict(card) == to_dict(alone)


def test_a_window_off_the_cells_edges_has_no_shortcut():
    """An instant the check-ins were not grouped by: no answer from the cells.

    (The engine then reads the id's summary, which names the defect.)
    """
    from okrkit._plan import Window
    from okrkit._store import _lasts_of_cells

    cells = _pushdown.Cells(
        ["a"], {"position": [1], "last_v": [3.0]}, edges=((0.0, False), (10.0, True))
    )
    assert _lasts_of_cells(cells, Window(0.0, 10.0, True), 10.0) == ({"a": 3.0}, {"a"})
    assert _lasts_of_cells(cells, Window(0.0, 5.0, True), 10.0) is None
    assert _lasts_of_cells(cells, Window(0.0, 10.0, True), 12.0) is None


def test_reading_the_columns_collects_the_table_once():
    """A kept frame's columns are collected on first read; the table stays equal."""
    table = pushed(rows_frame())
    assert repr(table) == "<Checkins: a pandas frame, summarized where it lives>"
    assert table.values[:2] == (10.0, 25.0)
    assert table._held()
    assert table == Checkins.from_frame(rows_frame(), confidence="confidence")
    assert repr(table) == "<Checkins: 8 rows, 2 ids>"


def test_wall_offsets_are_cut_where_a_wall_times_offset_changes():
    """Spring forward: the skipped hour keeps the offset before, as fold=0 reads it."""
    from okrkit._time import Clock

    clock = Clock(ZoneInfo("Europe/Berlin"))
    midnight = clock.day(date(2026, 3, 29))
    offsets = _pushdown.wall_offsets(midnight, midnight + 86400, clock)
    micros = [
        (datetime(2026, 3, 28) - datetime(1970, 1, 1)) // timedelta(microseconds=1),
        (datetime(2026, 3, 29, 3) - datetime(1970, 1, 1)) // timedelta(microseconds=1),
    ]
    # From a day before: CET (+1 h); from 03:00 wall time on, CEST (+2 h).
    assert offsets == [(micros[0], 3600.0), (micros[1], 7200.0)]
    autumn = clock.day(date(2026, 10, 25))
    # Fall back: 02:00-03:00 comes twice and reads as the first (CEST) until
    # 03:00 wall time, when CET begins.
    assert _pushdown.wall_offsets(autumn, autumn, clock)[1:] == [
        (
            (datetime(2026, 10, 25, 3) - datetime(1970, 1, 1))
            // timedelta(microseconds=1),
            3600.0,
        )
    ]


def test_a_table_unit_a_key_result_cannot_take_is_refused_as_for_rows():
    """USD check-ins read by a key result without a unit: an error, as for rows."""
    frame = rows_frame()
    objectives = organisation()
    with pytest.raises(IncompatibleUnitsError, match="Series 'a'"):
        evaluate(
            objectives,
            measurements=Checkins.from_rows(ROWS, unit="USD"),
            as_of=date(2026, 2, 15),
        )
    with pytest.raises(IncompatibleUnitsError, match="Series 'a'.*'USD'"):
        evaluate(
            objectives,
            as_of=date(2026, 2, 15),
            measurements=Checkins.from_frame(frame, unit="USD"),
        )


def test_ids_that_are_not_text_are_read_row_by_row():
    """A frame whose ids are numbers or categories is read as rows, each id checked."""
    at = pd.to_datetime(["2026-01-05"])
    numbers = pd.DataFrame({"id": pd.Series([1.0]), "at": at, "value": [1.0]})
    with pytest.raises(InvalidTypeError, match=r"row 0: field .id. got 1.0"):
        Checkins.from_frame(numbers)
    # pandas makes the id column of an empty frame float64: no rows, no error.
    empty = pd.DataFrame({"id": [], "at": pd.to_datetime([]), "value": []})
    assert len(Checkins.from_frame(empty)) == 0
    categories = pl.DataFrame(
        {"id": ["k"], "at": [date(2026, 1, 5)], "value": [1.0]}
    ).with_columns(pl.col("id").cast(pl.Categorical))
    table = Checkins.from_frame(categories)
    assert table.frame is None  # read into columns, not kept
    assert table.ids == ("k",)


@pytest.mark.parametrize("kind", [pl.String, pl.Boolean])
def test_confidences_that_are_not_numbers_are_named_by_row(kind):
    """Text or booleans: the bad row is named, not a cast error from the engine."""
    lazy = pl.LazyFrame(
        {"id": ["k", "j"], "at": [date(2026, 1, 5)] * 2, "value": [1.0, 2.0]}
    )
    confidences = ["0.5", None] if kind == pl.String else [None, True]
    bad = lazy.with_columns(pl.Series("c", confidences, dtype=kind))
    row, id_ = (0, "k") if kind == pl.String else (1, "j")
    with pytest.raises(InvalidValueError, match=rf"row .id '{id_}', at 2026-01-05"):
        Checkins.from_frame(bad, confidence="c")
    with pytest.raises(InvalidValueError, match=rf"row {row} .id '{id_}'.: field 'c"):
        Checkins.from_frame(bad.collect(), confidence="c")


def test_a_confidence_column_of_nulls_only_is_kept():
    """All nulls is no confidence, whatever type the engine gave the column."""
    rows = [("k", date(2026, 1, 5), 1.0), ("k", date(2026, 1, 9), 2.0)]
    frame = pd.DataFrame(rows, columns=["id", "at", "value"])
    frame["at"] = pd.to_datetime(frame["at"])
    frame["c"] = None  # pandas: a column of objects
    for kept in (frame, dd.from_pandas(frame, npartitions=1), pl.from_pandas(frame)):
        table = Checkins.from_frame(kept, confidence="c")
        assert table.frame is kept  # kept, not collected
        assert table.confidences == (None, None)


def test_column_names_must_be_unique():
    """pandas allows two columns of one name; which one is meant cannot be said."""
    frame = pd.DataFrame(
        [["k", pd.Timestamp("2026-01-05"), 1.0, 2.0]],
        columns=["id", "at", "value", "value"],
    )
    with pytest.raises(InvalidValueError, match=r"field 'frame' got \['value'\]"):
        Checkins.from_frame(frame)


def test_the_query_filters_and_orders_only_when_it_must(monkeypatch):
    """No id filter in an evaluation, no row order without SUM or COUNT trends."""
    import okrkit._store

    asked: list[object] = []
    running: list[bool] = []
    summarize = okrkit._store.summarize

    def spied(source, ids, *rest, **options):
        asked.append(ids)
        running.append(options["running"])
        return summarize(source, ids, *rest, **options)

    monkeypatch.setattr(okrkit._store, "summarize", spied)
    as_of = date(2026, 2, 15)
    expected = evaluate(
        organisation(), measurements=Checkins.from_rows(ROWS), as_of=as_of
    )
    card = evaluate(organisation(), measurements=pushed(rows_frame()), as_of=as_of)
    close(to_dict(card), to_dict(expected), 100.0)
    assert asked == [None]  # one query, of every id
    assert running == [False]  # no SUM or COUNT trend: no row is ordered
    other = rows_frame()
    other.loc[len(other)] = ["elsewhere", pd.Timestamp("2026-01-05"), 1e6, None]
    card = evaluate(
        organisation(), measurements=pushed(other), as_of=as_of, outside="finding"
    )
    # The ids seen come from the summary itself: an unknown id's cells come
    # back too, and are left unread.
    assert asked[-1] is None
    shown = to_dict(card)
    assert "check-ins-outside" in {f["code"] for f in shown["findings"]}
    shown["findings"] = to_dict(expected)["findings"]
    close(shown, to_dict(expected), 100.0)


def test_a_sum_key_result_asks_for_running_totals(monkeypatch):
    """A SUM or COUNT key result's trend needs running totals: the query makes them."""
    import okrkit._store

    running: list[bool] = []
    summarize = okrkit._store.summarize

    def spied(*args, **options):
        running.append(options["running"])
        return summarize(*args, **options)

    monkeypatch.setattr(okrkit._store, "summarize", spied)
    for kind in (Aggregation.SUM, Aggregation.COUNT, Aggregation.MAX):
        evaluate(
            organisation(kind),
            measurements=pushed(rows_frame()),
            as_of=date(2026, 2, 15),
        )
    assert running == [True, True, False]


def test_a_summarized_key_results_trend_is_fitted_only_when_read(monkeypatch):
    """From a frame, a LAST key result is scored from its cells; its fit waits."""
    import okrkit._key_result_eval as reading

    fitted: list[str] = []
    trend = reading.trend

    def counted(part, *rest):
        fitted.append(part.id)
        return trend(part, *rest)

    monkeypatch.setattr(reading, "trend", counted)
    card = evaluate(
        organisation(), measurements=pushed(rows_frame()), as_of=date(2026, 2, 15)
    )
    assert fitted == []
    assert card["a"].forecast is not None
    assert fitted == ["a"]
