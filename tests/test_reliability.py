"""Reproducers of the defects found by adversarial testing (issues 13, 15, 17).

Each test names the item it covers; each failed before its fix.
"""

import subprocess
import sys
import time
from datetime import date, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit import (
    Measurement,
    Period,
    units,
)
from okrkit._validate import real
from okrkit.exceptions import (
    IncompatibleUnitsError,
    InvalidTypeError,
    InvalidValueError,
    OkrkitError,
    UnknownUnitError,
    safe_repr,
)

D = date(2026, 1, 5)
Q1 = Period.quarter(2026, 1)
UTC_MINUS_5 = timezone(timedelta(hours=-5))

# -- 6: incompatible units ---------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("percent", "count"),
        ("count", "percent"),
        ("degree", "percent"),
        ("radian", None),
        (None, "degree"),
        ("degree", "count"),
    ],
)
def test_counts_angles_and_ratios_never_convert_into_each_other(source, target):
    """Item 6: pint calls them all dimensionless; okrkit refuses to mix them."""
    with pytest.raises(IncompatibleUnitsError, match="different kinds"):
        units.conversion(source, target)


def test_units_of_one_kind_still_convert():
    """Item 6: angles to angles, ratios to ratios, counts to a plain number."""
    assert units.convert(180, "degree", "radian") == pytest.approx(3.141592653589793)
    assert units.convert(50, "percent", None) == 0.5
    assert units.convert(2500, "ppm", "percent") == pytest.approx(0.25)
    assert units.convert(3, "count", None) == 3.0


# -- 22: unit expressions are bounded -----------------------------------------


@pytest.mark.parametrize(
    "name", ["m**9**9**9", "m ** 1e400", "m^99", "m**(2)", "m⁹⁹⁹", "m*" * 150 + "m"]
)
def test_unit_expressions_that_could_run_long_are_refused_quickly(name):
    """Item 22: huge or chained exponents and long expressions are refused fast."""
    began = time.perf_counter()
    with pytest.raises(UnknownUnitError, match="exponents are plain numbers"):
        units.parse_unit(name)
    assert time.perf_counter() - began < 0.5


def test_small_exponents_still_parse():
    """Item 22: m**2, s**-1 and m^3 are ordinary units."""
    assert units.normalize_unit("m**2") == "meter ** 2"
    assert units.normalize_unit("s**-1") == "1 / second"
    assert units.normalize_unit("m^3") == "meter ** 3"


# -- 25: messages --------------------------------------------------------------


def test_a_lower_case_currency_suggests_its_code():
    """Item 25: unit='usd' suggests 'USD', not a label."""
    with pytest.raises(UnknownUnitError, match="the currency code 'USD'"):
        units.parse_unit("usd")


# -- 15.6: import time -----------------------------------------------------------


def test_importing_okrkit_does_not_load_pint():
    """Issue 15 item 6: pint and its registry load on first use, not at import."""
    code = "import sys, okrkit; print('pint' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_the_registry_built_on_first_use_converts():
    """Issue 15 item 6: a fresh interpreter converts on first use."""
    code = "from okrkit import units; print(units.convert(90, 'minute', 'hour'))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "1.5"


# -- 17: safe messages -------------------------------------------------------------


def test_a_huge_int_is_reported_without_hitting_the_digit_limit():
    """Item 17: Measurement(d, 10**5000) raises an OkrkitError with a short repr."""
    with pytest.raises(InvalidValueError) as caught:
        Measurement(D, 10**5000)
    assert "int of about 5,001 digits" in str(caught.value)


def test_a_deeply_nested_value_is_reported_without_recursion_error():
    """Item 17: a 5,000-deep list in an error message does not recurse."""
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(InvalidTypeError) as caught:
        Measurement(D, deep)
    assert "[[[" in str(caught.value)


def test_a_broken_repr_does_not_hide_the_error():
    """Item 17: a value whose __repr__ raises is named by its type."""

    class Broken:
        def __repr__(self):
            raise RuntimeError("no")

    assert safe_repr(Broken()).startswith("<Broken ")


@given(st.recursive(st.integers() | st.text(), st.lists, max_leaves=50))
def test_safe_repr_is_short_and_never_raises(value):
    """Item 17: safe_repr returns at most 80 characters for anything."""
    assert len(safe_repr(value)) <= 80


# -- 12: real numbers become plain floats ----------------------------------------------


@pytest.mark.parametrize(
    "value",
    [Decimal("2.5"), Fraction(5, 2), np.float32(2.5), np.float64(2.5), np.int64(2)],
)
def test_real_returns_a_plain_float(value):
    """Item 12: any real number comes back as a float of the same value."""
    result = real("X", "f", value)
    assert type(result) is float
    assert result == float(value)


@pytest.mark.parametrize(
    "value", [True, np.bool_(True), float("nan"), Decimal("sNaN"), 10**400, "1", None]
)
def test_real_refuses_non_numbers_and_non_finite_values(value):
    """Item 12: bools, NaN, overflowing numbers and non-numbers are refused."""
    with pytest.raises(OkrkitError):
        real("X", "f", value)
