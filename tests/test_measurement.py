import math
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import attrs
import pint
import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit import Measurement
from okrkit.exceptions import InvalidTypeError, InvalidValueError, OkrkitError
from okrkit.units import quantity


def test_defaults():
    """A measurement needs only a date and a value."""
    m = Measurement(date(2026, 3, 1), 42)
    assert (m.at, m.value, m.unit, m.confidence, m.note) == (
        date(2026, 3, 1),
        42.0,
        None,
        None,
        "",
    )
    assert isinstance(m.value, float)


def test_all_fields():
    """Unit, confidence and note are kept; datetimes are accepted."""
    at = datetime(2026, 3, 1, 9, 30)
    m = Measurement(at, 3.5, unit=" USD ", confidence=0.7, note="after launch")
    assert (m.at, m.value, m.unit, m.confidence, m.note) == (
        at,
        3.5,
        "USD",
        0.7,
        "after launch",
    )


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_value_is_kept_exactly(value):
    """The stored float is a copy (for memory locality), yet the same number."""
    stored = Measurement(date(2026, 1, 1), value).value
    assert type(stored) is float
    assert stored == value
    assert math.copysign(1.0, stored) == math.copysign(1.0, value)


@pytest.mark.parametrize("value", [Decimal("2.5"), Fraction(5, 2)])
def test_other_real_numbers_become_floats(value):
    """Any real number is accepted and stored as a float."""
    assert Measurement(date(2026, 1, 1), value).value == 2.5


def test_quantity_value_gives_its_unit():
    """A pint quantity's unit becomes the measurement's unit."""
    m = Measurement(date(2026, 1, 1), quantity(3, "hour"))
    assert (m.value, m.unit) == (3.0, "hour")


def test_quantity_from_another_registry():
    """Quantities of another pint registry are read by unit name."""
    other = pint.UnitRegistry()
    m = Measurement(date(2026, 1, 1), other.Quantity(2, "minute"))
    assert (m.value, m.unit) == (2.0, "minute")


def test_pint_unit_object_is_read_by_name():
    """A pint Unit passed as unit= is stored by its name."""
    other = pint.UnitRegistry()
    assert Measurement(date(2026, 1, 1), 1, unit=other.Unit("hour")).unit == "hour"


def test_quantity_and_a_different_unit_conflict():
    """Giving a quantity and a different unit= is an error, not a guess."""
    with pytest.raises(InvalidValueError, match="field 'unit'"):
        Measurement(date(2026, 1, 1), quantity(3, "hour"), unit="minute")


def test_empty_unit_is_no_unit():
    """An empty unit string means no unit."""
    assert Measurement(date(2026, 1, 1), 1, unit="").unit is None


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"value": float("nan")}, InvalidValueError, "value"),
        ({"value": float("inf")}, InvalidValueError, "value"),
        ({"value": -float("inf")}, InvalidValueError, "value"),
        ({"value": Decimal("NaN")}, InvalidValueError, "value"),
        ({"value": True}, InvalidTypeError, "value"),
        ({"value": "3"}, InvalidTypeError, "value"),
        ({"value": None}, InvalidTypeError, "value"),
        ({"value": 10**400}, InvalidValueError, "value"),
        ({"at": "2026-01-01"}, InvalidTypeError, "at"),
        ({"at": 1767225600}, InvalidTypeError, "at"),
        ({"confidence": 1.01}, InvalidValueError, "confidence"),
        ({"confidence": -0.1}, InvalidValueError, "confidence"),
        ({"confidence": float("nan")}, InvalidValueError, "confidence"),
        ({"confidence": "high"}, InvalidTypeError, "confidence"),
        ({"note": None}, InvalidTypeError, "note"),
        ({"unit": 3}, InvalidTypeError, "unit"),
        ({"value": quantity(1, "hour") * float("nan")}, InvalidValueError, "value"),
    ],
)
def test_bad_input(kwargs, error, field):
    """Bad input raises an OkrkitError that names the field."""
    args = {"at": date(2026, 1, 1), "value": 1.0} | kwargs
    with pytest.raises(error, match=f"Measurement: field '{field}'") as info:
        Measurement(args.pop("at"), args.pop("value"), **args)
    assert isinstance(info.value, OkrkitError)
    assert info.value.subject == "Measurement"
    assert info.value.field == field


def test_frozen_and_evolvable():
    """Measurements are immutable; attrs.evolve makes a changed copy."""
    m = Measurement(date(2026, 1, 1), 1)
    with pytest.raises(AttributeError):
        m.value = 2.0  # type: ignore[misc]
    changed = attrs.evolve(m, value=2)
    assert (m.value, changed.value) == (1.0, 2.0)


def test_equality_and_hash():
    """Equal fields make equal, hashable measurements."""
    a = Measurement(date(2026, 1, 1), 1, unit="USD")
    b = Measurement(date(2026, 1, 1), 1.0, unit="USD")
    assert a == b
    assert hash(a) == hash(b)


def test_pandas_and_numpy_instants_become_plain_ones():
    """A Timestamp becomes a datetime (nanoseconds dropped), a datetime64 a date."""
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    stamp = Measurement(pd.Timestamp("2026-01-05 09:30:00.000001999"), 1)
    assert type(stamp.at) is datetime
    assert stamp.at == datetime(2026, 1, 5, 9, 30, 0, 1)
    day = Measurement(np.datetime64("2026-01-05"), 1)
    assert type(day.at) is date
    assert day.at == date(2026, 1, 5)
    fine = Measurement(np.datetime64("2026-01-05T09:30:00.000001999"), 1)
    assert fine.at == datetime(2026, 1, 5, 9, 30, 0, 1)


def test_not_a_time_is_refused():
    """pandas' and NumPy's NaT are no instants: refused by name, not later."""
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    with pytest.raises(InvalidTypeError, match=r"Measurement: field 'at' got NaT"):
        Measurement(pd.NaT, 1)
    with pytest.raises(InvalidValueError, match=r"field 'at'"):
        Measurement(np.datetime64("NaT"), 1)
