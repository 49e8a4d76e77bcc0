"""Numbers and quantities as people read them in reasons and tables."""

from __future__ import annotations

from okrkit.units import symbol


def number(value: float) -> str:
    """Format a number with as many decimals as its size deserves.

    >>> number(1250.0), number(3.846), number(0.0384), number(-12.0), number(45.25)
    ('1,250', '3.8', '0.0384', '-12', '45.2')
    >>> number(1.5e300), number(float("inf")), number(float("-inf"))
    ('1.5e+300', 'inf', '-inf')
    """
    if type(value) is float and value.is_integer() and -1e12 < value < 1e12:
        return f"{value:,.0f}"  # the common case, exact at 12 digits already
    value = float(f"{value:.12g}")  # hide float noise such as 1.0000000000000002
    size = abs(value)
    if not size < 1e15:  # huge, infinite (an overflowed ratio) or NaN
        return f"{value:.3g}"
    if value == int(value):
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 1:
        return f"{value:,.1f}"
    return f"{value:.3g}"


def quantity(value: float, unit: str | None, label: str = "") -> str:
    """Format a value with its unit symbol or label.

    >>> quantity(3.846, "percent"), quantity(1250, "USD")
    ('3.8 %', '1,250 USD')
    >>> quantity(20, None, "customers"), quantity(1, None, "incidents")
    ('20 customers', '1 incident')
    """
    text = number(value)
    suffix = symbol(unit) if unit else _count_noun(label, text)
    return f"{text} {suffix}" if suffix else text


def _count_noun(label: str, text: str) -> str:
    """'1 incident', not '1 incidents': a plain English plural loses its s at one."""
    if text == "1" and label.endswith("s") and not label.endswith("ss"):
        return label[:-1]
    return label


def percent(share: float) -> str:
    """Format a share (0.5) as a whole percentage ('50 %').

    >>> percent(0.5), percent(1.234)
    ('50 %', '123 %')
    """
    return f"{share * 100:.0f} %"
