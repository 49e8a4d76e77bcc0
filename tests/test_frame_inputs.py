"""Frames the how-to accepts give the rows' results, or an okrkit error naming them."""

import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import dask.dataframe as dd
import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from okrkit import Aggregation, Checkins, KeyResult, Objective, Period, evaluate
from okrkit.exceptions import InvalidTypeError, InvalidValueError

pytestmark = pytest.mark.filterwarnings(
    "ignore:Dask support is moving:FutureWarning",
    "ignore:Found complex group-by expression:UserWarning",
)

Q1 = Period.quarter(2026, 1)
AS_OF = date(2026, 2, 15)
BERLIN = ZoneInfo("Europe/Berlin")


def objectives(
    kind: Aggregation = Aggregation.LAST, period: Period = Q1
) -> list[Objective]:
    return [
        Objective(
            "o",
            "O",
            period=period,
            key_results=[KeyResult("a", "A", start=0, target=100, aggregation=kind)],
        )
    ]


ENGINES: dict[str, Callable[[pa.Table], object]] = {
    "pyarrow": lambda table: table,
    "polars": pl.from_arrow,
    "polars lazy": lambda table: pl.from_arrow(table).lazy(),
    "pandas arrow": lambda table: table.to_pandas(types_mapper=pd.ArrowDtype),
    "pandas numpy": lambda table: table.to_pandas(),
    "duckdb": lambda table: duckdb.connect().from_arrow(table),
    "dask": lambda table: dd.from_pandas(
        table.to_pandas(types_mapper=pd.ArrowDtype), npartitions=2
    ),
}


def kept(frame: object) -> Checkins:
    """The frame's table, kept to be summarized where it lives."""
    table = Checkins.from_frame(frame)
    assert table.frame is frame
    return table


def arrow_of(ats: list[date], values: pa.Array, unit: str = "us") -> pa.Table:
    """Check-ins of "a" with naive datetime instants (midnight for a date)."""
    times = [
        at if isinstance(at, datetime) else datetime(at.year, at.month, at.day)
        for at in ats
    ]
    return pa.table(
        {
            "id": ["a"] * len(ats),
            "at": pa.array(times, pa.timestamp(unit)),
            "value": values,
        }
    )


def both(
    rows: list[tuple[str, datetime, float]], frame: object, **options: object
) -> tuple[object, object]:
    """The key result "a" from the rows and from the frame."""
    given = options.pop("objectives", None) or objectives()
    by_rows = evaluate(given, measurements=Checkins.from_rows(rows), **options)
    by_frame = evaluate(given, measurements=kept(frame), **options)
    return by_rows["a"], by_frame["a"]


# -- values -----------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_a_64_bit_integer_past_2_53_rounds_to_the_nearest_float(engine):
    """An int64 value past 2**53 rounds to nearest, as float() does, not an error."""
    # 2**53 + 3 lies halfway between the floats 2**53 + 2 and 2**53 + 4; the
    # tie goes to the even mantissa, 2**53 + 4 (truncating would give + 2).
    given = 2**53 + 3
    table = arrow_of([datetime(2026, 1, 5)], pa.array([given], pa.int64()))
    frame = ENGINES[engine](table)
    card = evaluate(objectives(), measurements=kept(frame), as_of=AS_OF)
    assert card["a"].value == 9007199254740996.0
    rows = Checkins.from_rows([("a", date(2026, 1, 5), given)])
    expected = evaluate(objectives(), measurements=rows, as_of=AS_OF)
    assert card["a"].value == expected["a"].value


@pytest.mark.parametrize("engine", ENGINES)
def test_an_unsigned_64_bit_integer_rounds_to_the_nearest_float(engine):
    """A uint64 value up to 2**64 - 1 becomes the float float() gives, not an error."""
    table = arrow_of(
        [datetime(2026, 1, 5), datetime(2026, 1, 9)],
        pa.array([2**53 + 3, 2**64 - 1], pa.uint64()),
    )
    frame = ENGINES[engine](table)
    card = evaluate(objectives(), measurements=kept(frame), as_of=AS_OF)
    assert card["a"].value == 2.0**64  # the nearest float to 2**64 - 1
    if engine == "pyarrow":
        first = Checkins.from_frame(table.slice(0, 1))
        only = evaluate(objectives(), measurements=first, as_of=AS_OF)
        assert only["a"].value == 9007199254740996.0


def test_a_collected_frame_rounds_64_bit_integers_as_float_does():
    """A frame read into columns (a unit column) takes 2**53 + 3 as float() does."""
    table = arrow_of(
        [datetime(2026, 1, 5), datetime(2026, 1, 6)],
        pa.array([2**53 + 3, -(2**63)], pa.int64()),
    ).append_column("unit", pa.array(["USD", "USD"]))
    read = Checkins.from_frame(table, unit_column="unit")
    assert read.frame is None  # collected
    assert read.values == (9007199254740996.0, -(2.0**63))
    unsigned = table.set_column(2, "value", pa.array([3, 2**64 - 1], pa.uint64()))
    assert Checkins.from_frame(unsigned, unit_column="unit").values == (3.0, 2.0**64)


@pytest.mark.parametrize("engine", ENGINES)
def test_signed_zeros_are_one_value_as_for_rows(engine):
    """0.0 and -0.0 in a value column give the rows' forecasts, not a sort error."""
    days = [date(2026, 1, 7), date(2026, 1, 21), date(2026, 2, 4)]
    values = [3.0, 0.0, -0.0]
    if engine == "pandas arrow":  # what read_parquet(dtype_backend="pyarrow") gives
        frame: object = pd.DataFrame(
            {
                "id": ["a"] * 3,
                "at": pd.to_datetime(days),
                "value": pd.array(values, dtype="double[pyarrow]"),
            }
        )
    else:
        frame = ENGINES[engine](arrow_of(days, pa.array(values)))
    rows = Checkins.from_rows([("a", d, v) for d, v in zip(days, values, strict=True)])
    # By hand, days from Jan 7 (0, 14, 28) and the period's end (84):
    # SUM: running totals 3, 3, 3, a flat line at 3;
    # LAST: 3, 0, 0, slope -42/392 a day through (14, 1), so 1 - 70 * 3/28 = -6.5;
    # COUNT: 1, 2, 3, slope 1/14 through (14, 2), so 2 + 70/14 = 7.
    wanted = {Aggregation.SUM: 3.0, Aggregation.LAST: -6.5, Aggregation.COUNT: 7.0}
    for kind, forecast in wanted.items():
        card = evaluate(objectives(kind), measurements=kept(frame), as_of=AS_OF)
        expected = evaluate(objectives(kind), measurements=rows, as_of=AS_OF)
        assert card["a"].forecast == pytest.approx(forecast, abs=1e-9)
        assert card["a"].forecast == pytest.approx(expected["a"].forecast, abs=1e-9)
        assert card["a"].value == expected["a"].value
    last = evaluate(objectives(), measurements=kept(frame), as_of=AS_OF)["a"].value
    assert math.copysign(1.0, last) == 1.0  # -0.0 + 0.0 is 0.0, as for rows


# -- instants ---------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_nanosecond_timestamps_months_apart_are_read(engine):
    """Arrow nanoseconds (pyarrow dtypes from read_parquet), months apart: no error."""
    days = [date(2026, 1, 10), date(2026, 2, 1)]
    frame = ENGINES[engine](arrow_of(days, pa.array([10.0, 30.0]), unit="ns"))
    rows = [("a", datetime(2026, 1, 10), 10.0), ("a", datetime(2026, 2, 1), 30.0)]
    by_rows, by_frame = both(rows, frame, as_of=AS_OF)
    assert by_frame.value == 30.0
    assert by_frame.last_measured == date(2026, 2, 1)
    assert by_frame.forecast == pytest.approx(by_rows.forecast, rel=1e-9)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_check_in_centuries_back_is_placed_as_for_rows(engine):
    """A check-in in 1700, past 2**53 microseconds away, keeps its day (Berlin LMT)."""
    # Berlin's local mean time is 0:53:28 ahead of UTC: 00:03 on 5 January is
    # 23:09:32 UTC on the 4th, and the 5th again locally.  Taking off today's
    # offset (+1 h) would make it 23:56:28 on the 4th.
    at = datetime(1700, 1, 5, 0, 3)
    frame = ENGINES[engine](arrow_of([at], pa.array([1.0])))
    by_rows, by_frame = both([("a", at, 1.0)], frame, as_of=AS_OF, tz=BERLIN)
    assert by_frame.value is None  # before the period
    assert by_frame.last_measured == by_rows.last_measured == date(1700, 1, 5)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_latest_check_in_before_a_period_keeps_its_summer_offset(engine):
    """A summer check-in before the period is placed with summer time, not winter's."""
    # 23:30 on 15 August 2025 in Berlin (CEST, +2 h) is 21:30 UTC: the 15th.
    # With January's +1 h it would be 22:30 UTC, 00:30 on the 16th locally.
    rows = [
        ("a", datetime(2025, 1, 10, 12), 1.0),
        ("a", datetime(2025, 8, 15, 23, 30), 2.0),
    ]
    frame = ENGINES[engine](arrow_of([at for _, at, _ in rows], pa.array([1.0, 2.0])))
    by_rows, by_frame = both(rows, frame, as_of=AS_OF, tz=BERLIN)
    assert by_frame.last_measured == by_rows.last_measured == date(2025, 8, 15)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_wall_time_in_the_skipped_hour_is_placed_as_for_rows(engine):
    """02:30 on the day clocks spring forward takes the offset before, as for rows."""
    # 02:30 does not exist in Berlin on 29 March 2026; fold=0 reads it with
    # CET (+1 h): 01:30 UTC, after 03:10 CEST (01:10 UTC).  So 50 is last.
    rows = [
        ("a", datetime(2026, 3, 29, 2, 30), 50.0),
        ("a", datetime(2026, 3, 29, 3, 10), 40.0),
    ]
    frame = ENGINES[engine](arrow_of([at for _, at, _ in rows], pa.array([50.0, 40.0])))
    by_rows, by_frame = both(rows, frame, as_of=date(2026, 3, 31), tz=BERLIN)
    assert by_frame.value == by_rows.value == 50.0
    assert by_frame.last_measured == date(2026, 3, 29)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_wall_time_in_the_repeated_hour_is_its_first_instant_as_for_rows(engine):
    """02:30 on the day clocks fall back is the earlier one, and moves no other."""
    q4 = Period.quarter(2026, 4)
    rows = [
        ("a", datetime(2026, 10, 5), 10.0),
        ("a", datetime(2026, 10, 25, 2, 30), 20.0),  # CEST: 00:30 UTC
        ("a", datetime(2026, 11, 10), 30.0),  # CET: 23:00 UTC on the 9th
    ]
    frame = ENGINES[engine](
        arrow_of([at for _, at, _ in rows], pa.array([10.0, 20.0, 30.0]))
    )
    by_rows, by_frame = both(
        rows,
        frame,
        objectives=objectives(period=q4),
        as_of=date(2026, 11, 15),
        tz=BERLIN,
    )
    assert by_frame.value == 30.0
    assert by_frame.last_measured == date(2026, 11, 10)
    assert by_frame.forecast == pytest.approx(by_rows.forecast, rel=1e-9)


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "UTC"])
def test_a_duckdb_timestamptz_in_any_session_zone(zone):
    """A TIMESTAMPTZ column gives the rows' results in any session TimeZone."""
    connection = duckdb.connect()
    connection.execute(f"SET TimeZone = '{zone}'")
    relation = connection.sql(
        """
        select 'a' as id, "at", value from (values
            (TIMESTAMPTZ '2026-01-10 12:00:00+00', 10.0::double),
            (TIMESTAMPTZ '2026-01-31 23:30:00+00', 20.0::double),
            (TIMESTAMPTZ '1700-01-05 12:00:00+00', 1.0::double)) t("at", value)
        """
    )
    rows = [
        ("a", datetime(2026, 1, 10, 12, tzinfo=UTC), 10.0),
        ("a", datetime(2026, 1, 31, 23, 30, tzinfo=UTC), 20.0),
        ("a", datetime(1700, 1, 5, 12, tzinfo=UTC), 1.0),
    ]
    by_rows, by_frame = both(rows, relation, as_of=AS_OF, tz=BERLIN)
    assert by_frame.value == 20.0
    # 23:30 UTC on 31 January is 00:30 on 1 February in Berlin.
    assert by_frame.last_measured == by_rows.last_measured == date(2026, 2, 1)
    assert by_frame.forecast == pytest.approx(by_rows.forecast, rel=1e-9)


# -- Dask partitions ----------------------------------------------------------


DASK_ROWS = [
    ("a", date(2026, 1, 5), 10.0),
    ("a", date(2026, 2, 1), 31.0),
    ("a", date(2026, 2, 2), 33.0),
    ("b", date(2026, 1, 7), 4.0),
    ("b", date(2026, 2, 3), 6.0),
]


def two_key_results(kind: Aggregation) -> list[Objective]:
    return [
        Objective(
            "o",
            "O",
            period=Q1,
            key_results=[
                KeyResult("a", "A", start=0, target=100),
                KeyResult("b", "B", start=0, target=100, aggregation=kind),
            ],
        )
    ]


@pytest.mark.parametrize("partitions", [1, 2, 3])
@pytest.mark.parametrize(
    ("kind", "forecast"),
    # By hand: b's running totals 4 and 10 (counts 1 and 2) on days 6 and 33
    # of the quarter; the line through them, at its end (day 90):
    # 10 + 57 * 6/27 and 2 + 57/27.
    [(Aggregation.SUM, 10 + 57 * 6 / 27), (Aggregation.COUNT, 2 + 57 / 27)],
)
def test_dask_running_totals_are_in_time_order_across_partitions(
    partitions, kind, forecast
):
    """SUM and COUNT forecasts from a Dask frame of any partitioning equal the rows'."""
    frame = pd.DataFrame(DASK_ROWS, columns=["id", "at", "value"])
    frame["at"] = pd.to_datetime(frame["at"])
    table = kept(dd.from_pandas(frame, npartitions=partitions))
    as_of = date(2026, 2, 16)
    card = evaluate(two_key_results(kind), measurements=table, as_of=as_of)
    rows = Checkins.from_rows(DASK_ROWS)
    expected = evaluate(two_key_results(kind), measurements=rows, as_of=as_of)
    assert card["b"].forecast == pytest.approx(forecast, rel=1e-12)
    assert card["b"].forecast == pytest.approx(expected["b"].forecast, rel=1e-9)
    assert card["b"].probability == pytest.approx(expected["b"].probability, abs=1e-9)
    assert not table._held()  # summarized where it lives, never collected


@pytest.mark.parametrize(("count", "ids", "partitions"), [(40, 2, 2), (30, 3, 3)])
def test_ids_in_blocks_over_dask_partitions_give_the_rows_forecasts(
    count, ids, partitions
):
    """A table sorted by id, ids split over partitions: SUM forecasts as for rows."""
    rows = sorted(
        (f"k{i % ids}", date(2026, 1, 1 + (i * 13) % 31), float((i * 37) % 11))
        for i in range(count)
    )
    frame = pd.DataFrame(rows, columns=["id", "at", "value"])
    frame["at"] = pd.to_datetime(frame["at"])
    objectives = [
        Objective(
            "o",
            "O",
            period=Q1,
            key_results=[
                KeyResult(
                    f"k{i}", "K", start=0, target=500, aggregation=Aggregation.SUM
                )
                for i in range(ids)
            ],
        )
    ]
    as_of = date(2026, 2, 16)
    table = kept(dd.from_pandas(frame, npartitions=partitions))
    card = evaluate(objectives, measurements=table, as_of=as_of)
    expected = evaluate(objectives, measurements=Checkins.from_rows(rows), as_of=as_of)
    for i in range(ids):
        got, want = card[f"k{i}"], expected[f"k{i}"]
        assert got.forecast == pytest.approx(want.forecast, rel=1e-9), i
        assert got.value == want.value


# -- what errors show -----------------------------------------------------------


def test_an_integer_id_or_note_is_shown_as_given():
    """An id 7 or a note 3 is named as 7 and 3, not as the floats 7.0 and 3.0."""
    at = pd.to_datetime(["2026-01-05"])
    numbers = pd.DataFrame({"id": [7], "at": at, "value": [1.0]})
    with pytest.raises(InvalidTypeError, match=r"row 0: field 'id' got 7; expected"):
        Checkins.from_frame(numbers)
    with pytest.raises(InvalidTypeError, match=r"row 0: field 'id' got 7; expected"):
        Checkins.from_frame(pl.from_pandas(numbers))
    notes = pd.DataFrame({"id": ["a"], "at": at, "value": [1.0], "n": [3]})
    with pytest.raises(
        InvalidTypeError, match=r"row 0 \(id 'a'\): field 'note' got 3; expected"
    ):
        Checkins.from_frame(notes, note="n")


def test_a_missing_id_in_pandas_is_named_missing_not_nan():
    """pandas stores a missing string as NaN: the error says None, and names no id."""
    frame = pd.DataFrame(
        {
            "id": ["a", None],
            "at": pd.to_datetime(["2026-01-05", "2026-01-20"]),
            "value": [1.0, 2.0],
        }
    )
    with pytest.raises(InvalidValueError) as caught:
        Checkins.from_frame(frame)
    assert str(caught.value) == (
        "Checkins row 1: field 'id' got None; expected a non-blank string id."
    )
    assert caught.value.value is None
    with pytest.raises(
        InvalidValueError,
        match=r"row \(id None, at 2026-01-20 00:00:00\): field 'id' got None;",
    ):
        Checkins.from_frame(dd.from_pandas(frame, npartitions=2))


def test_a_decimal_nan_is_shown_as_given():
    """A column of Decimals keeps Decimal('NaN') as it is, for the error to show."""
    frame = pd.DataFrame(
        {
            "id": ["a", "b"],
            "at": pd.to_datetime(["2026-01-05", "2026-01-20"]),
            "value": [Decimal("1.5"), Decimal("NaN")],
        }
    )
    with pytest.raises(InvalidValueError) as caught:
        Checkins.from_frame(frame)
    assert str(caught.value) == (
        "Checkins row 1 (id 'b'): field 'value' got Decimal('NaN'); "
        "expected a finite real number."
    )


def test_the_first_day_of_the_calendar_is_a_day_from_frames():
    """0001-01-01 in Tokyo is a day there from a frame, as from rows.

    Its local midnight falls before year 1 in UTC; the frame path placed the
    last check-in through UTC and lost it (last_measured None).
    """
    tokyo = ZoneInfo("Asia/Tokyo")
    objective = Objective(
        "o",
        "O",
        period=Period.year(1),
        key_results=[KeyResult("k", "K", start=0, target=10)],
    )
    day = date(1, 1, 1)
    frame = pl.DataFrame({"id": ["k"], "at": [day], "value": [4.0]})
    found = [
        evaluate([objective], measurements=table, as_of=date(1, 6, 1), tz=tokyo)["k"]
        for table in (Checkins.from_frame(frame), Checkins.from_rows([("k", day, 4.0)]))
    ]
    assert [(r.value, r.last_measured) for r in found] == [(4.0, day)] * 2
