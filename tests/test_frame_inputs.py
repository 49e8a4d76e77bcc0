"""Frames the how-to accepts give the rows' results, or an okrkit error naming them."""

import math
from collections.abc import Callable
from datetime import date, datetime

import dask.dataframe as dd
import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from okrkit import Aggregation, Checkins, KeyResult, Objective, Period, evaluate

pytestmark = pytest.mark.filterwarnings(
    "ignore:Dask support is moving:FutureWarning",
    "ignore:Found complex group-by expression:UserWarning",
)

Q1 = Period.quarter(2026, 1)
AS_OF = date(2026, 2, 15)


def objectives(kind: Aggregation = Aggregation.LAST) -> list[Objective]:
    return [
        Objective(
            "o",
            "O",
            period=Q1,
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


def arrow_of(ats: list[date], values: pa.Array) -> pa.Table:
    """Check-ins of "a" with naive datetime instants (midnight for a date)."""
    times = [
        at if isinstance(at, datetime) else datetime(at.year, at.month, at.day)
        for at in ats
    ]
    return pa.table(
        {
            "id": ["a"] * len(ats),
            "at": pa.array(times, pa.timestamp("us")),
            "value": values,
        }
    )


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
