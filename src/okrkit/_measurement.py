"""Measurement: one dated value of a key result or a KPI (a check-in)."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from okrkit import _validate
from okrkit.exceptions import InvalidTypeError, InvalidValueError
from okrkit.units import is_quantity, is_unit, split_quantity

if TYPE_CHECKING:
    import pint

_SUBJECT = "Measurement"


@attrs.frozen(init=False)
class Measurement:
    """One dated value, with an optional unit, confidence and note.

    ``at`` is a ``date`` or a ``datetime``; ``value`` a real number or a pint
    quantity (whose unit becomes ``unit``); ``confidence`` a probability in
    [0, 1].  NaN, infinities and booleans are rejected.  The unit is kept as
    written and checked when the measurement joins a series, so building a
    measurement never calls pint.

    >>> from datetime import date
    >>> m = Measurement(date(2026, 3, 2), 1250, unit="USD", confidence=0.8)
    >>> m.value, m.unit, m.confidence
    (1250.0, 'USD', 0.8)
    >>> from okrkit.units import quantity
    >>> Measurement(date(2026, 3, 2), quantity(90, "minute")).unit
    'minute'
    """

    at: date
    value: float
    unit: str | None = None
    confidence: float | None = None
    note: str = ""

    def __init__(
        self,
        at: date,
        value: float | pint.Quantity[Any],
        *,
        unit: str | pint.Unit | None = None,
        confidence: float | None = None,
        note: str = "",
    ) -> None:
        # Hand-written for speed: a million check-ins are built per evaluation,
        # so common types take the shortest path and fields are set through
        # the slot descriptors (attrs' frozen __setattr__ is bypassed).
        if type(at) is not date and type(at) is not datetime:
            # pandas and NumPy instants become plain ones; NaT is refused.
            at = _validate.instant(_SUBJECT, "at", at)
        kind: type[object] = type(value)
        if kind is float:
            # A fresh float, not the caller's: allocated in step with the
            # measurements, the floats lie in memory in the order the
            # measurements do, so the garbage collector's passes over a
            # million check-ins and the sorting of each series meet far fewer
            # cache misses (benchmarks/README.md).  -0.0 stays -0.0.
            number = value * 1.0
            if not math.isfinite(number):
                _validate.real(_SUBJECT, "value", value)
        elif kind is int:
            try:
                number = float(value)
            except OverflowError:  # a huge int; rejected just below
                number = math.inf
            if not math.isfinite(number):
                _validate.real(_SUBJECT, "value", value)
        elif is_quantity(value):
            magnitude, quantity_unit = split_quantity(value)
            if unit is not None and str(unit).strip() != quantity_unit:
                raise InvalidValueError(
                    subject=_SUBJECT,
                    field="unit",
                    value=unit,
                    expected=f"no unit, since the value already has {quantity_unit!r}",
                )
            number = _validate.real(_SUBJECT, "value", magnitude)
            unit = quantity_unit
        else:
            number = _validate.real(_SUBJECT, "value", value)
        if unit is not None:
            if type(unit) is not str:
                unit = _unit_text(unit)
            unit = unit.strip() or None
        if confidence is not None:
            confidence = _validate.probability(_SUBJECT, "confidence", confidence)
        if type(note) is not str:
            _validate.text(_SUBJECT, "note", note)
        _SET_AT(self, at)
        _SET_VALUE(self, number)
        _SET_UNIT(self, unit)
        _SET_CONFIDENCE(self, confidence)
        _SET_NOTE(self, note)


def _unit_text(unit: object) -> str:
    if is_unit(unit):
        return str(unit)
    if isinstance(unit, str):
        return unit
    raise InvalidTypeError(
        subject=_SUBJECT,
        field="unit",
        value=unit,
        expected="a unit name such as 'USD', a pint unit, or None",
    )


_SET_AT = Measurement.__dict__["at"].__set__
_SET_VALUE = Measurement.__dict__["value"].__set__
_SET_UNIT = Measurement.__dict__["unit"].__set__
_SET_CONFIDENCE = Measurement.__dict__["confidence"].__set__
_SET_NOTE = Measurement.__dict__["note"].__set__
