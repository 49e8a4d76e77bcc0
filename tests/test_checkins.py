import copy
import pickle
import shutil
import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import attrs
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit._checkins import Checkins
from okrkit.exceptions import (
    InvalidTypeError,
    InvalidValueError,
    MissingExtraError,
    OkrkitError,
    UnknownUnitError,
)
from okrkit.units import quantity

D1, D2, D3 = date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)
DASK_WARNING = "ignore:Dask support is moving:FutureWarning"


# -- building -----------------------------------------------------------------


def test_three_field_rows():
    """Rows of (id, at, value) give no confidence, empty notes and no unit."""
    table = Checkins.from_rows([("a", D1, 1), ("b", D2, 2.5)])
    assert table.ids == ("a", "b")
    assert table.ats == (D1, D2)
    assert table.values == (1.0, 2.5)
    assert table.confidences == (None, None)
    assert table.notes == ("", "")
    assert table.units == (None, None)
    assert len(table) == 2


def test_four_field_rows():
    """A fourth field is the confidence; None is no confidence."""
    table = Checkins.from_rows([("a", D1, 1, 0.5), ("a", D2, 2, None)])
    assert table.confidences == (0.5, None)
    assert table.notes == ("", "")


def test_five_field_rows():
    """A fifth field is the note; a null note (None) is no note."""
    table = Checkins.from_rows([("a", D1, 1, 0.5, "kick-off"), ("a", D2, 2, 1, None)])
    assert table.confidences == (0.5, 1.0)
    assert table.notes == ("kick-off", "")


def test_rows_from_a_generator_lists_and_cursor_rows(monkeypatch):
    """Rows may come from a generator, as lists, or as a driver's row objects."""
    rows = [("a", D1, 1.0, 0.5), ("b", D2, 2.0, None)]
    expected = Checkins.from_rows(rows)
    assert Checkins.from_rows(row for row in rows) == expected
    assert Checkins.from_rows([list(row) for row in rows]) == expected
    assert Checkins.from_rows(tuple(rows)) == expected
    monkeypatch.setitem(
        sqlite3.converters, "DAY", lambda text: date.fromisoformat(text.decode())
    )
    connection = sqlite3.connect(":memory:", detect_types=sqlite3.PARSE_COLNAMES)
    connection.row_factory = sqlite3.Row
    cursor = connection.execute(
        "select 'a', '2026-01-05' as \"at [day]\", 1.0, 0.5 "
        "union all select 'b', '2026-01-12', 2, null"
    )
    assert Checkins.from_rows(cursor) == expected


def test_empty_rows_and_columns_give_an_empty_table():
    """No rows, or columns of length 0, give an empty table."""
    empty = Checkins.from_rows([])
    assert len(empty) == 0
    assert empty.ids == empty.ats == empty.values == ()
    assert empty == Checkins.from_rows(iter([]), unit="USD")
    assert empty == Checkins.from_columns(id=[], at=[], value=[], unit=[])
    assert dict(empty.groups()) == {}
    assert repr(empty) == "<Checkins: 0 rows, 0 ids>"


def test_numbers_of_other_types_become_floats():
    """Ints, Decimals, Fractions and NumPy scalars become plain floats."""
    values = [3, Decimal("2.5"), Fraction(1, 4), np.float64(1.5), np.int64(7)]
    confidences = [1, Decimal("0.5"), Fraction(1, 4), np.float32(0.5), None]
    table = Checkins.from_columns(
        id=["a"] * 5, at=[D1] * 5, value=values, confidence=confidences
    )
    assert table.values == (3.0, 2.5, 0.25, 1.5, 7.0)
    assert {type(value) for value in table.values} == {float}
    assert table.confidences == (1.0, 0.5, 0.25, 0.5, None)
    assert {type(c) for c in table.confidences} == {float, type(None)}


def test_a_float_value_is_kept_exactly():
    """Floats, -0.0 and the largest finite ones, are kept as given."""
    table = Checkins.from_rows(
        [("a", D1, -0.0), ("a", D1, 1.7e308), ("a", D1, 1.7e308)]
    )
    assert str(table.values[0]) == "-0.0"
    assert table.values[1:] == (1.7e308, 1.7e308)  # their sum overflows; still fine


def test_dates_and_datetimes_are_kept_as_given():
    """Dates, naive datetimes and aware datetimes are kept as given."""
    naive = datetime(2026, 1, 5, 9, 30)
    aware = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    table = Checkins.from_rows([("a", D1, 1), ("a", naive, 2), ("a", aware, 3)])
    assert table.ats == (D1, naive, aware)
    assert table.ats[2].tzinfo is UTC


def test_pandas_and_numpy_instants_become_datetimes_and_dates():
    """pandas Timestamps and NumPy datetime64 become datetime.datetime or date."""
    stamp = pd.Timestamp("2026-01-05 09:30:00.000001500")
    ats = [
        stamp,
        pd.Timestamp("2026-01-05 09:30", tz="Europe/Berlin"),
        np.datetime64("2026-01-05"),
        np.datetime64("2026-01-05T09:30:00.000001500"),
    ]
    table = Checkins.from_columns(id=["a"] * 4, at=ats, value=[1, 2, 3, 4])
    assert [type(at) for at in table.ats] == [datetime, datetime, date, datetime]
    assert table.ats[0] == datetime(2026, 1, 5, 9, 30, 0, 1)
    assert table.ats[1] == datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
    assert table.ats[2] == D1
    assert table.ats[3] == datetime(2026, 1, 5, 9, 30, 0, 1)


def test_numpy_columns():
    """NumPy arrays are columns too, datetime64 arrays in any unit included."""
    table = Checkins.from_columns(
        id=np.array(["a", "b"]),
        at=np.array(["2026-01-05T10:00", "2026-01-06"], dtype="datetime64[ns]"),
        value=np.array([1, 2]),
    )
    assert table.ids == ("a", "b")
    assert table.ats == (datetime(2026, 1, 5, 10), datetime(2026, 1, 6))
    assert table.values == (1.0, 2.0)
    days = Checkins.from_columns(
        id=["a"], at=np.array(["2026-01-05"], dtype="datetime64[D]"), value=[1]
    )
    assert days.ats == (D1,)


def test_series_columns():
    """pandas and polars Series are columns too."""
    table = Checkins.from_columns(
        id=pd.Series(["a", "b"]),
        at=pd.Series(pd.to_datetime(["2026-01-05", "2026-01-12"])),
        value=pl.Series([1, 2]),
        confidence=pl.Series([0.5, None]),
    )
    expected = Checkins.from_rows(
        [("a", datetime(2026, 1, 5), 1, 0.5), ("b", datetime(2026, 1, 12), 2, None)]
    )
    assert table == expected
    assert {type(at) for at in table.ats} == {datetime}


def test_a_unit_for_the_whole_table_is_normalized():
    """One unit for the table applies to every row, in its canonical name."""
    assert Checkins.from_rows([("a", D1, 1), ("b", D1, 2)], unit=" hours").units == (
        "hour",
        "hour",
    )
    assert Checkins.from_rows([("a", D1, 1)], unit="%").units == ("percent",)
    pint_unit = quantity(1, "USD").units
    assert Checkins.from_rows([("a", D1, 1)], unit=pint_unit).units == ("USD",)


def test_a_column_of_units():
    """A column of units gives each row its canonical unit; None or '' is none."""
    table = Checkins.from_columns(
        id=["a", "b", "c", "d"],
        at=[D1] * 4,
        value=[1, 2, 3, 4],
        unit=["USD", None, "minutes", ""],
    )
    assert table.units == ("USD", None, "minute", None)


def test_the_validating_constructor():
    """Checkins(...) takes the six columns and validates them like from_columns."""
    table = Checkins(("a",), (D1,), (1,), (0.5,), ("n",), "USD")
    assert table == Checkins.from_rows([("a", D1, 1, 0.5, "n")], unit="USD")
    with pytest.raises(InvalidValueError, match="row 0"):
        Checkins(("a",), (D1,), (float("nan"),))


# -- validation -----------------------------------------------------------------

BAD_VALUES = [
    (float("nan"), InvalidValueError),
    (float("inf"), InvalidValueError),
    (float("-inf"), InvalidValueError),
    (Decimal("NaN"), InvalidValueError),
    (Decimal("sNaN"), InvalidValueError),
    (10**400, InvalidValueError),
    (True, InvalidTypeError),
    (np.bool_(True), InvalidTypeError),
    ("3", InvalidTypeError),
    (None, InvalidTypeError),
    (1 + 2j, InvalidTypeError),
]


def _rows_with(field: int, bad: object, width: int = 5) -> list[tuple]:
    rows = [["k0", D1, 1.0, 0.5, "ok"] for _ in range(4)]
    for index, row in enumerate(rows):
        row[0] = f"k{index}"
    rows[2][field] = bad
    return [tuple(row[:width]) for row in rows]


def _assert_names(error: OkrkitError, *parts: str) -> None:
    for part in parts:
        assert part in str(error), (part, str(error))


@pytest.mark.parametrize(("bad", "error"), BAD_VALUES)
def test_a_bad_value_names_row_id_and_value(bad, error):
    """NaN, infinities, huge ints, bools and non-numbers are rejected by row."""
    with pytest.raises(error) as info:
        Checkins.from_rows(_rows_with(2, bad))
    # Huge numbers are shown in a safe, short form ("<int of about 401 digits>").
    shown = "<int of about" if isinstance(bad, int) and bad > 10**300 else repr(bad)
    _assert_names(info.value, "Checkins row 2 (id 'k2')", "'value'", shown[:20])
    assert info.value.value is bad or info.value.value == bad
    assert info.value.expected == "a finite real number"


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        (1.5, InvalidValueError),
        (-0.1, InvalidValueError),
        (float("nan"), InvalidValueError),
        (float("inf"), InvalidValueError),
        (Decimal("2"), InvalidValueError),
        (True, InvalidTypeError),
        ("0.5", InvalidTypeError),
    ],
)
def test_a_bad_confidence_names_row_id_and_value(bad, error):
    """A confidence outside [0, 1], or not a number, is rejected by row."""
    with pytest.raises(error) as info:
        Checkins.from_rows(_rows_with(3, bad))
    _assert_names(info.value, "Checkins row 2 (id 'k2')", "'confidence'", repr(bad))


def test_a_bad_confidence_among_nones_is_found():
    """The range check sees through the None confidences."""
    rows = [("a", D1, 1, None), ("a", D1, 1, 0.5), ("b", D1, 1, 2.0)]
    with pytest.raises(InvalidValueError, match=r"row 2 \(id 'b'\).*2\.0"):
        Checkins.from_rows(rows)


@pytest.mark.parametrize("bad", ["2026-01-05", None, 20260105, pd.NaT, 1.5])
def test_a_bad_instant_names_row_id_and_value(bad):
    """An instant that is no date or datetime is rejected by row."""
    with pytest.raises(InvalidTypeError) as info:
        Checkins.from_rows(_rows_with(1, bad))
    _assert_names(info.value, "Checkins row 2 (id 'k2')", "'at'", repr(bad))


def test_a_not_a_time_datetime64_is_rejected():
    """NumPy's NaT is no instant."""
    with pytest.raises(InvalidValueError, match=r"row 1 \(id 'b'\).*'at'"):
        Checkins.from_columns(
            id=["a", "b"],
            at=[np.datetime64("2026-01-05"), np.datetime64("NaT")],
            value=[1, 2],
        )


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        ("", InvalidValueError),
        ("  ", InvalidValueError),
        (5, InvalidTypeError),
        (None, InvalidTypeError),
    ],
)
def test_a_bad_id_names_row_and_value(bad, error):
    """Ids are non-blank strings."""
    with pytest.raises(error) as info:
        Checkins.from_rows(_rows_with(0, bad))
    _assert_names(info.value, "Checkins row 2", "'id'", repr(bad))


def test_a_bad_note_names_row_id_and_value():
    """A note is a string or None."""
    with pytest.raises(InvalidTypeError) as info:
        Checkins.from_rows(_rows_with(4, 42))
    _assert_names(info.value, "Checkins row 2 (id 'k2')", "'note'", "42")


def test_an_unknown_unit_in_a_column_names_row_id_and_unit():
    """A unit okrkit does not know is rejected with the first row that has it."""
    with pytest.raises(UnknownUnitError) as info:
        Checkins.from_columns(
            id=["a", "b", "c"],
            at=[D1] * 3,
            value=[1, 2, 3],
            unit=["USD", "customers", "customers"],
        )
    _assert_names(info.value, "Checkins row 1 (id 'b')", "'unit'", "'customers'")
    with pytest.raises(InvalidValueError, match=r"row 0 \(id 'a'\).*'year'"):
        Checkins.from_columns(id=["a"], at=[D1], value=[1], unit=["year"])
    with pytest.raises(InvalidTypeError, match=r"row 0 \(id 'a'\).*\[1\]"):
        Checkins.from_columns(id=["a"], at=[D1], value=[1], unit=[[1]])


def test_an_unknown_unit_for_the_table():
    """A unit for the whole table is checked even with no rows."""
    with pytest.raises(
        UnknownUnitError, match="Checkins: field 'unit' got 'customers'"
    ):
        Checkins.from_rows([], unit="customers")


def test_the_first_bad_row_is_named():
    """With several bad rows, the error names the first of them."""
    rows = [("a", D1, 1), ("b", D1, "x"), ("c", D1, None)]
    with pytest.raises(InvalidTypeError, match=r"row 1 \(id 'b'\)"):
        Checkins.from_rows(rows)


@pytest.mark.parametrize(
    "rows",
    [
        [("a", D1, 1), ("a", D1, 1, 0.5)],
        [("a", D1)],
        [("a", D1, 1), ("a", D1, 1, 0.5, "", "extra")],
    ],
)
def test_rows_of_the_wrong_width(rows):
    """Every row has 3, 4 or 5 fields, all the same; the error names the row."""
    with pytest.raises(InvalidValueError) as info:
        Checkins.from_rows(rows)
    index = 0 if len(rows) == 1 else 1
    _assert_names(info.value, f"Checkins row {index}", "'row'", repr(rows[index]))


def test_a_row_that_is_no_sequence():
    """A row must be a sequence of fields."""
    with pytest.raises(InvalidTypeError, match="Checkins row 1: field 'row' got 7"):
        Checkins.from_rows([("a", D1, 1), 7])


@pytest.mark.parametrize(
    ("rows", "index"),
    [
        ([{"id": "a", "at": D1, "value": 1.0}], 0),  # a driver's dict rows
        ([("a", D1, 1), {"a", 2.0, 3}], 1),  # a set has no item 0
    ],
)
def test_rows_read_by_name_or_unordered_are_refused_by_row(rows, index):
    """A row with a length but no item 0 is an okrkit error naming it, not KeyError."""
    with pytest.raises(InvalidTypeError, match="Checkins.from_columns") as info:
        Checkins.from_rows(rows)
    _assert_names(info.value, f"Checkins row {index}: field 'row'")
    assert info.value.value == rows[index]


def test_columns_of_different_lengths():
    """Every column has one item per row."""
    with pytest.raises(
        InvalidValueError, match="column 'value' has 1 items but column 'id' has 2"
    ):
        Checkins.from_columns(id=["a", "b"], at=[D1, D2], value=[1])
    with pytest.raises(InvalidValueError, match="column 'note' has 3 items"):
        Checkins.from_columns(id=["a"], at=[D1], value=[1], note=["", "", ""])
    with pytest.raises(InvalidValueError, match="column 'unit' has 2 items"):
        Checkins.from_columns(id=["a"], at=[D1], value=[1], unit=["USD", "USD"])


def test_a_column_must_be_iterable():
    """A column that cannot be iterated is a type error naming the column."""
    with pytest.raises(InvalidTypeError, match="field 'value' got 5"):
        Checkins.from_columns(id=["a"], at=[D1], value=5)
    with pytest.raises(InvalidTypeError, match="field 'unit' got 5"):
        Checkins.from_columns(id=["a"], at=[D1], value=[1], unit=5)


@pytest.mark.parametrize("text", ["ab", b"ab", bytearray(b"ab")])
def test_a_string_is_not_a_column_of_its_characters(text):
    """id="ab" with two rows would silently make ids 'a' and 'b': refused."""
    with pytest.raises(InvalidTypeError, match="field 'id' got .*a string is one"):
        Checkins.from_columns(id=text, at=[D1, D2], value=[1, 2])
    with pytest.raises(InvalidTypeError, match="field 'note' got"):
        Checkins.from_columns(id=["a", "b"], at=[D1, D2], value=[1, 2], note=text)


def test_pyarrow_arrays_are_columns():
    """pyarrow arrays (and chunked arrays) give their Python values, like NumPy's."""
    table = Checkins.from_columns(
        id=pa.array(["a", "b"]),
        at=pa.chunked_array([[D1], [D2]]),
        value=pa.array([1, 2.5]),
        confidence=pa.array([0.5, None]),
    )
    assert table == Checkins.from_rows([("a", D1, 1, 0.5), ("b", D2, 2.5, None)])


# -- reading ----------------------------------------------------------------------


def test_groups_in_input_order():
    """groups() lists each id's rows in input order, ids by their first row."""
    table = Checkins.from_rows(
        [("b", D3, 1), ("a", D1, 2), ("b", D1, 3), ("c", D2, 4), ("a", D2, 5)]
    )
    groups = table.groups()
    assert list(groups.items()) == [("b", (0, 2)), ("a", (1, 4)), ("c", (3,))]
    assert table.ids_seen == frozenset({"a", "b", "c"})
    assert repr(table) == "<Checkins: 5 rows, 3 ids>"


def test_groups_are_cached_and_read_only():
    """The groups are computed once and cannot be changed."""
    table = Checkins.from_rows([("a", D1, 1)])
    assert table.groups() is table.groups()
    with pytest.raises(TypeError):
        table.groups()["b"] = (0,)  # type: ignore[index]


def test_repr_in_the_singular():
    """One row and one id read in the singular."""
    assert repr(Checkins.from_rows([("a", D1, 1)])) == "<Checkins: 1 row, 1 id>"


def test_frozen():
    """A table cannot be changed."""
    table = Checkins.from_rows([("a", D1, 1)])
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        table.values = (2.0,)  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        del table.ids


def test_equality_hash_pickle_and_copies():
    """Tables compare by their columns; the cache plays no part; copies are equal."""
    rows = [("a", D1, 1, 0.5, "n"), ("b", D2, 2, None, "")]
    table, other = (
        Checkins.from_rows(rows, unit="USD"),
        Checkins.from_rows(rows, unit="USD"),
    )
    other.groups()
    assert table == other
    assert hash(table) == hash(other)
    assert table != Checkins.from_rows(rows)
    assert table != Checkins.from_rows(rows[:1], unit="USD")
    assert table != "a table"
    restored = pickle.loads(pickle.dumps(other))
    assert restored == table
    assert restored.groups() == other.groups()
    assert copy.deepcopy(table) == table
    assert copy.copy(table) == table


# -- frames -----------------------------------------------------------------------

FRAME_ROWS = [
    ("kr-1", D1, 10.0, 0.5, "kick-off", "USD"),
    ("kr-2", D1, 2.0, None, None, None),
    ("kr-1", D2, 12.5, 1.0, "", "kUSD"),
]


def _arrow(rows=FRAME_ROWS, at_type=None):
    columns = list(zip(*rows, strict=True))
    return pa.table(
        {
            "kr": pa.array(columns[0], pa.string()),
            "day": pa.array(columns[1], at_type or pa.date32()),
            "value": pa.array(columns[2], pa.float64()),
            "confidence": pa.array(columns[3], pa.float64()),
            "note": pa.array(columns[4], pa.string()),
            "unit": pa.array(columns[5], pa.string()),
        }
    )


def _frames(table: pa.Table):
    """The same table in every installed frame library."""
    import dask.dataframe as dd
    import duckdb

    pandas_frame = table.to_pandas()
    # Dask would turn a column of date objects into strings; an Arrow-backed
    # date column stays a date column.
    arrow_backed = table.to_pandas(types_mapper=pd.ArrowDtype)
    return {
        "pandas": pandas_frame,
        "polars": pl.from_arrow(table),
        "polars lazy": pl.from_arrow(table).lazy(),
        "pyarrow": table,
        "duckdb": duckdb.connect().from_arrow(table),
        "dask": dd.from_pandas(arrow_backed, npartitions=2),
    }


def _expected(rows=FRAME_ROWS) -> Checkins:
    return Checkins.from_columns(
        id=[r[0] for r in rows],
        at=[r[1] for r in rows],
        value=[r[2] for r in rows],
        confidence=[r[3] for r in rows],
        note=[r[4] for r in rows],
        unit=[r[5] for r in rows],
    )


FRAME_NAMES = ["pandas", "polars", "polars lazy", "pyarrow", "duckdb", "dask"]


@pytest.mark.filterwarnings(DASK_WARNING)
@pytest.mark.parametrize("backend", FRAME_NAMES)
def test_from_frame_equals_from_rows(backend):
    """Every frame library gives the table that the same rows give."""
    frame = _frames(_arrow())[backend]
    table = Checkins.from_frame(
        frame,
        id="kr",
        at="day",
        confidence="confidence",
        note="note",
        unit_column="unit",
    )
    assert table == _expected()
    assert {type(at) for at in table.ats} == {date}


@pytest.mark.filterwarnings(DASK_WARNING)
@pytest.mark.parametrize("backend", FRAME_NAMES)
@pytest.mark.parametrize("zone", [None, "Europe/Berlin"])
def test_from_frame_datetime_columns(backend, zone):
    """Datetime columns give naive or aware datetimes, as stored."""
    tz = None if zone is None else timezone(timedelta(hours=1))
    stamps = [
        datetime(2026, 1, 5, 9, 30, tzinfo=tz),
        datetime(2026, 1, 5, tzinfo=tz),
        datetime(2026, 1, 6, tzinfo=tz),
    ]
    rows = [
        (*row[:1], at, *row[2:]) for row, at in zip(FRAME_ROWS, stamps, strict=True)
    ]
    arrow = _arrow(rows, pa.timestamp("ns", tz=zone))
    table = Checkins.from_frame(_frames(arrow)[backend], id="kr", at="day")
    assert table.ats == tuple(stamps)
    assert {type(at) for at in table.ats} == {datetime}
    assert all((at.tzinfo is None) == (zone is None) for at in table.ats)


def test_from_frame_with_a_unit_for_the_table_and_defaults():
    """Default column names are id, at and value; unit= applies to every row."""
    frame = pl.DataFrame(
        {"id": ["a", "b"], "at": [D1, D2], "value": [1, 2], "x": [0, 0]}
    )
    table = Checkins.from_frame(frame, unit="hours")
    assert table == Checkins.from_rows([("a", D1, 1), ("b", D2, 2)], unit="hour")


def test_from_frame_numeric_columns_become_floats():
    """Integer and decimal columns give floats."""
    frame = pa.table(
        {
            "id": ["a"],
            "at": pa.array([D1], pa.date32()),
            "value": pa.array([Decimal("2.50")], pa.decimal128(5, 2)),
            "c": pa.array([1], pa.int8()),
        }
    )
    table = Checkins.from_frame(frame, confidence="c")
    assert table.values == (2.5,)
    assert table.confidences == (1.0,)


@pytest.mark.parametrize(
    ("column", "field", "message"),
    [
        ("value", "value", r"row 1 \(id 'b'\): field 'value' got None"),
        ("at", "at", r"row 1 \(id 'b'\): field 'at' got None"),
        ("id", "id", r"row 1: field 'id' got None"),
    ],
)
def test_nulls_in_required_columns_name_the_row(column, field, message):
    """A null id, instant or value is an error naming the row."""
    data = {"id": ["a", "b"], "at": [D1, D2], "value": [1.0, 2.0]}
    data[column][1] = None
    with pytest.raises(OkrkitError, match=message):
        Checkins.from_frame(pl.DataFrame(data))


def test_from_frame_boolean_values_are_rejected():
    """A boolean column is no number."""
    frame = pl.DataFrame({"id": ["a"], "at": [D1], "value": [True]})
    with pytest.raises(
        InvalidTypeError, match=r"row 0 \(id 'a'\): field 'value' got True"
    ):
        Checkins.from_frame(frame)


def test_from_frame_missing_column():
    """A column name the frame does not have is an error naming it."""
    frame = pl.DataFrame({"id": ["a"], "at": [D1], "value": [1]})
    with pytest.raises(InvalidValueError, match="field 'confidence' got 'conf'"):
        Checkins.from_frame(frame, confidence="conf")
    with pytest.raises(InvalidValueError, match="either unit or unit_column"):
        Checkins.from_frame(
            frame.with_columns(u=pl.lit("USD")), unit="USD", unit_column="u"
        )


def test_a_unit_named_like_a_column_is_not_guessed():
    """unit="u" with a column "u" is refused: "u" is also a unit (atomic mass)."""
    from okrkit.units import parse_unit

    frame = pl.DataFrame({"id": ["a"], "at": [D1], "value": [1.0], "u": ["USD"]})
    with pytest.raises(InvalidValueError, match="unit_column='u'"):
        Checkins.from_frame(frame, unit="u")
    by_column = Checkins.from_frame(frame, unit_column="u")
    assert by_column.units == ("USD",)
    # A pint unit says "this unit", whatever the columns are called.
    by_unit = Checkins.from_frame(frame, unit=parse_unit("u"))
    assert by_unit.units == ("unified_atomic_mass_unit",)


def test_from_frame_of_something_else():
    """Something that is no data frame is a type error."""
    with pytest.raises(InvalidTypeError, match="a data frame narwhals supports"):
        Checkins.from_frame([("a", D1, 1)])


def test_from_frame_without_narwhals(monkeypatch):
    """Without narwhals, the error names the extra to install."""
    monkeypatch.setitem(sys.modules, "narwhals", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'okrkit\[dataframes\]'"):
        Checkins.from_frame(pd.DataFrame({"id": ["a"], "at": [D1], "value": [1]}))
    assert issubclass(MissingExtraError, ImportError)


def _spark():
    pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed")
    if shutil.which("java") is None:
        pytest.skip("PySpark needs a Java runtime (JVM), and none is installed")
    from pyspark.sql import SparkSession

    return pyspark, SparkSession.builder.master("local[1]").getOrCreate()


def test_from_frame_pyspark():
    """A PySpark table gives the table that the same rows give."""
    _, spark = _spark()
    frame = spark.createDataFrame(_arrow().to_pandas())
    table = Checkins.from_frame(
        frame,
        id="kr",
        at="day",
        confidence="confidence",
        note="note",
        unit_column="unit",
    )
    assert table == _expected()


# -- properties ---------------------------------------------------------------------

IDS = st.sampled_from(["kr-1", "kr-2", "kpi 3", "é"]) | st.text(min_size=1).filter(
    str.strip
)
FINITE = st.floats(allow_nan=False, allow_infinity=False)
CONFIDENCES = st.none() | st.floats(0.0, 1.0)
NOTES = st.text(max_size=5)
DATES = st.dates(date(2000, 1, 1), date(2100, 1, 1))


@st.composite
def valid_rows(draw):
    width = draw(st.sampled_from([3, 4, 5]))
    row = st.tuples(IDS, DATES, FINITE, CONFIDENCES, NOTES)
    return [r[:width] for r in draw(st.lists(row, max_size=20))]


@given(valid_rows())
def test_rows_columns_and_frames_agree(rows):
    """from_rows, from_columns and from_frame (pandas, polars) give equal tables."""
    table = Checkins.from_rows(rows)
    width = len(rows[0]) if rows else 3
    columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[], [], []]
    names = ("id", "at", "value", "confidence", "note")[:width]
    assert Checkins.from_columns(**dict(zip(names, columns, strict=True))) == table
    arrow = pa.table(
        dict(zip(names, columns, strict=True)),
        schema=pa.schema(
            [
                ("id", pa.string()),
                ("at", pa.date32()),
                ("value", pa.float64()),
                ("confidence", pa.float64()),
                ("note", pa.string()),
            ][:width]
        ),
    )
    optional = {"confidence": "confidence" if width > 3 else None}
    optional["note"] = "note" if width > 4 else None
    for frame in (arrow.to_pandas(), pl.from_arrow(arrow)):
        assert Checkins.from_frame(frame, **optional) == table
    assert len(table.groups()) == len(set(table.ids))
    assert sorted(i for rows_ in table.groups().values() for i in rows_) == list(
        range(len(table))
    )
