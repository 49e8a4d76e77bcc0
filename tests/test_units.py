import re
import subprocess
import sys

import pint
import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit import units
from okrkit.exceptions import (
    IncompatibleUnitsError,
    InvalidTypeError,
    InvalidValueError,
    UnknownUnitError,
)


@pytest.mark.parametrize(("source", "target"), [("USD", "EUR"), ("GBP", "JPY")])
def test_currencies_never_convert(source, target):
    """Each ISO currency is its own dimension: no implicit exchange rates."""
    with pytest.raises(IncompatibleUnitsError, match="convertible to"):
        units.convert(1, source, target)


def test_every_currency_is_known():
    """Every listed ISO 4217 code parses and is a currency."""
    assert len(units.CURRENCIES) > 150
    for code in units.CURRENCIES:
        assert units.is_currency(code)


def test_currency_scales_convert():
    """Prefixed currency units convert within the currency."""
    assert units.convert(2, "kUSD", "USD") == 2000.0


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (30, "percent", None, 0.3),
        (0.3, None, "percent", 30.0),
        (5, "permille", "percent", 0.5),
        (90, "minute", "hour", 1.5),
        (2, "week", "day", 14.0),
        (3, "count", None, 3.0),
        (4, "star", "star", 4.0),
    ],
)
def test_conversions(value, source, target, expected):
    """Compatible units convert with hand-checked factors."""
    assert units.convert(value, source, target) == pytest.approx(expected)


def test_affine_units():
    """Offset units convert affinely (0 degC is 32 degF)."""
    assert units.convert(0, "degC", "degF") == pytest.approx(32)
    assert units.convert(100, "degC", "degF") == pytest.approx(212)


@pytest.mark.parametrize(
    "name", ["month", "months", "year", "yr", "century", "USD/month", "hour/year"]
)
def test_calendar_units_are_refused(name):
    """pint's month and year (30.44 / 365.25 days) are refused as units."""
    with pytest.raises(InvalidValueError, match="30.44 and 365.25 days"):
        units.parse_unit(name)


def test_unknown_unit_suggests_a_label():
    """A count noun gets an error that suggests label=."""
    with pytest.raises(UnknownUnitError, match="label='customers'"):
        units.normalize_unit("customers")


@pytest.mark.parametrize("name", ["2 USD", "USD**", "(", "1/0", "kg m /"])
def test_malformed_units(name):
    """Anything pint cannot parse becomes an UnknownUnitError."""
    with pytest.raises(UnknownUnitError):
        units.parse_unit(name)


def test_wrong_unit_type():
    """A unit must be a string or a pint unit."""
    with pytest.raises(InvalidTypeError, match="field 'unit'"):
        units.normalize_unit(3)  # type: ignore[arg-type]


def test_normalize_unit():
    """Unit names are canonical; empty and None mean no unit."""
    assert units.normalize_unit("hours") == "hour"
    assert units.normalize_unit("%") == "percent"
    assert units.normalize_unit("USD / hour") == "USD / hour"
    assert units.normalize_unit(" ") is None
    assert units.normalize_unit(None) is None
    assert units.normalize_unit("dimensionless") is None


def test_units_of_another_registry_are_read_by_name():
    """A pint unit from another registry is accepted by name."""
    other = pint.UnitRegistry()
    assert units.normalize_unit(other.Unit("minute")) == "minute"


def test_quantity_uses_okrkits_registry():
    """quantity() makes a quantity whose currency is okrkit's."""
    q = units.quantity(3, "USD")
    assert q.magnitude == 3.0
    assert str(q.units) == "USD"
    assert units.quantity(3, None).dimensionless


def test_conversion_is_cached():
    """The same pair of units gives the very same Conversion object."""
    assert units.conversion("minute", "hour") is units.conversion("minute", "hour")


def test_importing_okrkit_changes_no_global_pint_state():
    """okrkit never replaces pint's application registry."""
    code = (
        "import pint; before = pint.get_application_registry().get();"
        "import okrkit, okrkit.units;"
        "assert pint.get_application_registry().get() is before;"
        "import pytest;"
        "pytest.raises(pint.UndefinedUnitError, before.parse_units, 'USD')"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@given(
    st.floats(-1e9, 1e9, allow_nan=False),
    st.sampled_from(
        [
            ("minute", "hour"),
            ("kUSD", "USD"),
            ("percent", None),
            ("day", "week"),
            ("degC", "kelvin"),
        ]
    ),
)
def test_conversion_round_trips(value, pair):
    """Converting there and back gives the value again."""
    source, target = pair
    there = units.convert(value, source, target)
    back = units.convert(there, target, source)
    assert back == pytest.approx(value, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize(
    "convert",
    [
        lambda: units.convert(1e308, "km", "nm"),
        lambda: units.conversion("km", "nm").apply(1e308),
    ],
)
def test_a_conversion_too_large_for_a_float_is_an_error(convert):
    """1e308 km in nanometres is 1e320: an error naming the value, never inf."""
    with pytest.raises(InvalidValueError, match=r"got 1e\+308; expected a value whose"):
        convert()


@pytest.mark.parametrize("name", ["dBm", "decibel", "neper", "dB/s", "decibel * meter"])
def test_logarithmic_units_are_refused_with_an_okrkit_error(name):
    """10 dBm is 10 mW, not 3.59: no factor and offset convert it, so it is refused.

    Expressions pint itself cannot carry through (dB/s) are refused too,
    never with a pint error.
    """
    with pytest.raises(UnknownUnitError, match=f"got '{re.escape(name)}'"):
        units.parse_unit(name)
    with pytest.raises(UnknownUnitError):
        units.convert(10, name, "mW")
