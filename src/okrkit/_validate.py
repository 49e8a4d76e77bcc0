"""Shared checks for constructor arguments.

Each check returns the cleaned value or raises an OkrkitError naming the
object, the field, the value and what was expected.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from numbers import Real
from typing import Any

from okrkit.exceptions import InvalidTypeError, InvalidValueError

FINITE = "a finite real number"


def real(subject: str, field: str, value: object) -> float:
    """Return ``value`` as a plain, finite ``float``.

    Any real number is accepted (int, float, ``Decimal``, ``Fraction``, NumPy
    scalars), so callers can store the result; bools, NaN, infinities and
    non-numbers are refused.

    >>> from fractions import Fraction
    >>> real("KeyResult", "target", Fraction(1, 4)), real("KeyResult", "target", 3)
    (0.25, 3.0)
    """
    # The exact-type test is the hot path (Measurement); it skips the ABC check.
    if type(value) is float:
        result = value
    elif isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise InvalidTypeError(
            subject=subject, field=field, value=value, expected=FINITE
        )
    else:
        try:
            result = float(value)
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise InvalidValueError(
                subject=subject, field=field, value=value, expected=FINITE
            ) from exc
    if not math.isfinite(result):
        raise InvalidValueError(
            subject=subject, field=field, value=value, expected=FINITE
        )
    return result


def extended_real(subject: str, field: str, value: object) -> float | None:
    """None, or a float that may be infinite (results only), never NaN.

    >>> extended_real("KeyResultResult", "progress", float("inf"))
    inf
    """
    if value is None:
        return None
    if type(value) is float and not math.isnan(value):
        return value
    return real(subject, field, value)  # other numbers are finite, or refused


def optional_real(subject: str, field: str, value: object) -> float | None:
    """Like :func:`real` but lets ``None`` through."""
    return None if value is None else real(subject, field, value)


def non_negative(subject: str, field: str, value: object) -> float:
    """Return a finite float that is at least 0."""
    result = real(subject, field, value)
    if result < 0:
        raise InvalidValueError(
            subject=subject,
            field=field,
            value=value,
            expected="a finite number at least 0",
        )
    return result


def probability(subject: str, field: str, value: object) -> float | None:
    """Return ``None`` or a float in [0, 1]."""
    if value is None:
        return None
    result = real(subject, field, value)
    if not 0.0 <= result <= 1.0:
        raise InvalidValueError(
            subject=subject,
            field=field,
            value=value,
            expected="a probability between 0 and 1",
        )
    return result


def share(subject: str, field: str, value: object) -> float:
    """Return a float in [0, 1]; None is refused too.

    >>> share("Calibration", "base_rate", 1)
    1.0
    """
    result = probability(subject, field, value)
    if result is None:
        raise InvalidTypeError(
            subject=subject, field=field, value=value, expected="a number from 0 to 1"
        )
    return result


def of_type(
    subject: str,
    field: str,
    value: object,
    kind: type | tuple[type, ...],
    expected: str,
) -> None:
    """Raise InvalidTypeError unless ``value`` is an instance of ``kind``."""
    if not isinstance(value, kind):
        raise InvalidTypeError(
            subject=subject, field=field, value=value, expected=expected
        )


def text(subject: str, field: str, value: object) -> str:
    """Return ``value`` if it is a string."""
    if not isinstance(value, str):
        raise InvalidTypeError(
            subject=subject, field=field, value=value, expected="a string"
        )
    return value


def identifier(subject: str, field: str, value: object) -> str:
    """Return ``value`` if it is a non-blank string usable as an id."""
    result = text(subject, field, value)
    if not result.strip():
        raise InvalidValueError(
            subject=subject, field=field, value=value, expected="a non-empty id"
        )
    return result


def integer(subject: str, field: str, value: object, lo: int, hi: int) -> int:
    """Return ``value`` if it is an int (not a bool) within ``[lo, hi]``."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidTypeError(
            subject=subject, field=field, value=value, expected="an integer"
        )
    if not lo <= value <= hi:
        raise InvalidValueError(
            subject=subject,
            field=field,
            value=value,
            expected=f"an integer from {lo} to {hi}",
        )
    return value


def calendar_date(subject: str, field: str, value: object) -> date:
    """Return ``value`` if it is a ``date`` and not a ``datetime``."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidTypeError(
            subject=subject,
            field=field,
            value=value,
            expected="a datetime.date (not a datetime)",
        )
    return value


def instant(subject: str, field: str, value: object) -> date | datetime:
    """Return ``value`` as a plain ``date`` or ``datetime``.

    A pandas ``Timestamp`` becomes a ``datetime`` (nanoseconds dropped: a
    Python datetime holds microseconds, and a document must say what the
    value holds), a NumPy ``datetime64`` a ``date`` or ``datetime``; other
    date subclasses are kept.  pandas' and NumPy's not-a-time are refused.

    >>> instant("Measurement", "at", date(2026, 1, 5))
    datetime.date(2026, 1, 5)
    """
    kind = type(value)
    if kind is date or kind is datetime:
        return value  # type: ignore[return-value]
    if kind.__name__ == "datetime64" and kind.__module__ == "numpy":
        return _from_datetime64(subject, field, value)
    if not isinstance(value, date) or kind.__name__ == "NaTType":
        # NaT is a datetime subclass that no comparison or calendar takes.
        raise InvalidTypeError(
            subject=subject,
            field=field,
            value=value,
            expected="a datetime.date or datetime.datetime",
        )
    if kind.__name__ == "Timestamp" and kind.__module__.startswith("pandas"):
        return value.to_pydatetime(warn=False)  # type: ignore[attr-defined,no-any-return]
    return value


# datetime64 units whose item() is a date or a datetime (finer ones give ints).
_PYTHON_UNITS = frozenset({"Y", "M", "W", "D", "h", "m", "s", "ms", "us"})


def python_datetime64(value: Any) -> bool:
    """Whether a NumPy datetime64 (or array) gives dates or datetimes, not ints."""
    return str(value.dtype.name).partition("[")[2].rstrip("]") in _PYTHON_UNITS


def _from_datetime64(subject: str, field: str, value: Any) -> date | datetime:
    if not python_datetime64(value):
        value = value.astype("datetime64[us]")
    result = value.item()  # None for NaT, an int out of datetime's range
    if isinstance(result, date):
        return result
    raise InvalidValueError(
        subject=subject,
        field=field,
        value=value,
        expected="a datetime.date or datetime.datetime",
    )


def listed_as_tuple(items: Any) -> Any:
    """A list as a tuple, so a value stays immutable (and hashable).

    Anything else is kept as given, for the value's own check to name.
    Used as an attrs converter.

    >>> listed_as_tuple([1, 2]), listed_as_tuple("ab")
    ((1, 2), 'ab')
    """
    return tuple(items) if isinstance(items, list) else items


def tuple_of(
    subject: str, field: str, value: object, kind: type | tuple[type, ...], what: str
) -> None:
    """Check that ``value`` is a tuple whose every item is a ``kind``.

    >>> tuple_of("Scorecard", "kpis", (1.0,), float, "a float")
    """
    if type(value) is not tuple:
        raise InvalidTypeError(
            subject=subject, field=field, value=value, expected=f"a tuple of {what}"
        )
    for item in value:
        of_type(subject, field, item, kind, what)
