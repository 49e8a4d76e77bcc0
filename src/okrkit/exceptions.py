"""The errors okrkit raises.

Every error derives from :class:`OkrkitError`, so one ``except OkrkitError``
catches anything okrkit rejects.  Each leaf also inherits the builtin that
fits (``ValueError``, ``TypeError``, ``KeyError``), so code written against
the builtins keeps working.

Errors about one field carry it in structured form as well as in the message:
``subject`` (which object), ``field``, ``value`` and ``expected``.

>>> from okrkit import Measurement
>>> from okrkit.exceptions import OkrkitError
>>> from datetime import date
>>> try:
...     Measurement(date(2026, 3, 1), float("nan"))
... except OkrkitError as exc:
...     print(exc)
...     print(exc.field, exc.expected)
Measurement: field 'value' got nan; expected a finite real number.
value a finite real number
"""

from __future__ import annotations

import math
import reprlib

__all__ = [
    "AlignmentError",
    "IncompatibleUnitsError",
    "InvalidTypeError",
    "InvalidValueError",
    "MissingExtraError",
    "OkrkitError",
    "PeriodError",
    "SerializationError",
    "UnknownIdError",
    "UnknownUnitError",
]

_NOTHING = object()


class OkrkitError(Exception):
    """Root of every error okrkit raises.

    Build it from a ready message, or from the parts and let it write the
    message:

    >>> err = OkrkitError(subject="KPI 'nps'", field="target", value=0,
    ...                   expected="a non-zero number")
    >>> str(err)
    "KPI 'nps': field 'target' got 0; expected a non-zero number."
    >>> err.subject, err.field, err.value
    ("KPI 'nps'", 'target', 0)
    """

    subject: str
    field: str
    value: object
    expected: str

    def __init__(
        self,
        message: str | None = None,
        *,
        subject: str = "",
        field: str = "",
        value: object = _NOTHING,
        expected: str = "",
    ) -> None:
        self.subject = subject
        self.field = field
        self.value = None if value is _NOTHING else value
        self.expected = expected
        if message is None:
            message = _compose(subject, field, value, expected)
        super().__init__(message)

    def __str__(self) -> str:
        # KeyError's own __str__ would repr() the message; keep it readable.
        return str(self.args[0]) if self.args else ""


def _compose(subject: str, field: str, value: object, expected: str) -> str:
    parts = []
    if field:
        parts.append(f"field {field!r}")
    if value is not _NOTHING:
        parts.append(f"got {safe_repr(value)}")
    head = " ".join(parts)
    text = f"{subject}: {head}" if subject else head
    if expected:
        text = f"{text}; expected {expected}"
    return text + "."


def safe_repr(value: object, limit: int = 80) -> str:
    """Return a repr of ``value`` for a message: short, and never raising.

    Python's ``repr`` may fail on the very values an error reports: an int
    of more than 4,300 digits, a list nested thousands deep, an object whose
    ``__repr__`` raises.  This one bounds depth, length and size.

    >>> safe_repr(10**5000)
    '<int of about 5,001 digits>'
    >>> deep = []
    >>> for _ in range(5000):
    ...     deep = [deep]
    >>> safe_repr(deep)
    '[[[[[[...]]]]]]'
    >>> safe_repr("x" * 200)[:20], len(safe_repr("x" * 200)) <= 80
    ("'xxxxxxxxxxxxxxxxxxx", True)
    """
    try:
        text = _SAFE.repr(value)
    except Exception:  # a broken __repr__ must not hide the real error
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _SafeRepr(reprlib.Repr):
    """reprlib with ints that never hit the digit limit and generous sizes."""

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() < 1000:  # well below the 4,300-digit limit
            return super().repr_int(x, level)
        # Writing out the digits would be slow (and is refused by default);
        # the size is what a reader needs.
        digits = int(x.bit_length() * math.log10(2)) + 1
        sign = "-" if x < 0 else ""
        return f"<{sign}int of about {digits:,} digits>"

    def repr_instance(self, x: object, level: int) -> str:
        try:
            return super().repr_instance(x, level)
        except (RecursionError, ValueError):
            return f"<{type(x).__name__} object>"


_SAFE = _SafeRepr()
_SAFE.maxlevel = 6
_SAFE.maxstring = 200
_SAFE.maxother = 200
_SAFE.maxlong = 200
for _name in ("maxtuple", "maxlist", "maxarray", "maxdict", "maxset"):
    setattr(_SAFE, _name, 12)
_SAFE.maxfrozenset = _SAFE.maxdeque = 12


class InvalidValueError(OkrkitError, ValueError):
    """A value has the right type but is not acceptable (NaN, out of range...).

    >>> from okrkit import Measurement
    >>> from datetime import date
    >>> Measurement(date(2026, 1, 5), 3, confidence=1.5)
    Traceback (most recent call last):
    ...
    okrkit.exceptions.InvalidValueError: Measurement: field 'confidence' got 1.5; \
expected a probability between 0 and 1.
    """


class InvalidTypeError(OkrkitError, TypeError):
    """A value has the wrong type (a string where a number belongs...).

    >>> from okrkit import Measurement
    >>> Measurement("2026-01-05", 3)
    Traceback (most recent call last):
    ...
    okrkit.exceptions.InvalidTypeError: Measurement: field 'at' got '2026-01-05'; \
expected a datetime.date or datetime.datetime.
    """


class PeriodError(OkrkitError, ValueError):
    """A period cannot be built, parsed or used as asked.

    >>> from okrkit import Period
    >>> Period.iso_week(2025, 53)
    Traceback (most recent call last):
    ...
    okrkit.exceptions.PeriodError: Period.iso_week: field 'week' got 53; \
expected a week of ISO year 2025, which has 52 weeks.
    """


class UnknownUnitError(OkrkitError, ValueError):
    """A unit name that okrkit's unit registry does not know.

    >>> from okrkit.units import parse_unit
    >>> parse_unit("customers")
    Traceback (most recent call last):
    ...
    okrkit.exceptions.UnknownUnitError: unit: field 'unit' got 'customers'; \
expected a unit okrkit knows (for a count noun such as 'customers', pass \
label='customers' and no unit).
    """


class IncompatibleUnitsError(OkrkitError, ValueError):
    """Two units cannot be converted into each other (USD and EUR, hour and USD).

    >>> from okrkit.units import convert
    >>> convert(3, "USD", "EUR")
    Traceback (most recent call last):
    ...
    okrkit.exceptions.IncompatibleUnitsError: unit: field 'unit' got 'USD'; \
expected a unit convertible to 'EUR'.
    """


class UnknownIdError(OkrkitError, KeyError):
    """An id that names no known objective, key result or KPI.

    >>> raise UnknownIdError(subject="KeyResult 'kr-1'", field="kpi",
    ...                      value="visits", expected="the id of a known KPI")
    Traceback (most recent call last):
    ...
    okrkit.exceptions.UnknownIdError: KeyResult 'kr-1': field 'kpi' got 'visits'; \
expected the id of a known KPI.
    """


class AlignmentError(OkrkitError, ValueError):
    """The cascade of objectives is broken: duplicate ids or a cycle.

    >>> raise AlignmentError("cycle among objectives: a -> b -> a")
    Traceback (most recent call last):
    ...
    okrkit.exceptions.AlignmentError: cycle among objectives: a -> b -> a
    """


class SerializationError(OkrkitError, ValueError):
    """Data given to ``from_dict`` does not describe a valid value.

    Every problem is found in one pass; ``problems`` lists them, each with the
    path of the bad field.

    >>> from okrkit import Period, from_dict
    >>> try:
    ...     from_dict(Period, {"start": "2026-13-01"})
    ... except SerializationError as error:
    ...     print(error.problems)
    ("start: expected an ISO date, got '2026-13-01'", 'end: is missing')
    """

    problems: tuple[str, ...]

    def __init__(
        self,
        message: str | None = None,
        *,
        problems: tuple[str, ...] = (),
        subject: str = "",
    ) -> None:
        super().__init__(message, subject=subject)
        # An error's constructor must not fail: take one problem as is.
        given: object = problems
        if isinstance(given, str) or not hasattr(given, "__iter__"):
            given = (given,)
        self.problems = tuple(given)


class MissingExtraError(OkrkitError, ImportError):
    """An optional dependency is missing; the message names the extra to install.

    >>> raise MissingExtraError(subject="Checkins.from_frame", field="frame",
    ...     value="narwhals", expected="pip install 'okrkit[dataframes]'")
    Traceback (most recent call last):
    ...
    okrkit.exceptions.MissingExtraError: Checkins.from_frame: field 'frame' got \
'narwhals'; expected pip install 'okrkit[dataframes]'.
    """
