"""Numbers as people read them in reasons and tables."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit._format import number, percent, quantity


def reference(value: float) -> str:
    """The rule written plainly: round away float noise, then pick decimals."""
    value = float(f"{value:.12g}")
    if not abs(value) < 1e15:  # a quadrillion and more: scientific notation
        return f"{value:.3g}"
    if value == int(value):
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.1f}"
    return f"{value:.3g}"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1250.0, "1,250"),
        (20.0, "20"),
        (-12.0, "-12"),
        (19.999999999999996, "20"),
        (3.846, "3.8"),
        (0.0384, "0.0384"),
        (45.25, "45.2"),
        (999_999_999_999.0, "999,999,999,999"),
        (1_234_567_890_123.0, "1,234,567,890,120"),  # 12 significant digits
    ],
)
def test_hand_picked_numbers(value, text):
    assert number(value) == text


@given(
    st.floats(allow_nan=False, allow_infinity=False)
    | st.integers(-(10**13), 10**13).map(float)
)
def test_number_follows_the_rule(value):
    """The fast path for whole numbers says exactly what the rule says."""
    assert number(value) == reference(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (float("inf"), "inf"),
        (float("-inf"), "-inf"),
        (1.7976931348623157e308, "1.8e+308"),
    ],
)
def test_infinite_and_huge_numbers_do_not_crash(value, text):
    """Issue 13 item 11: an overflowed ratio is shown, not an OverflowError."""
    assert number(value) == text


def test_quantity_and_percent():
    assert quantity(1250.0, "USD") == "1,250 USD"
    assert quantity(20, None, "customers") == "20 customers"
    assert percent(0.333) == "33 %"
