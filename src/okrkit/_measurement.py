"""Measurement: one dated value of a key result or a KPI (a check-in)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import attrs
import pint

from okrkit import _validate
from okrkit.exceptions import InvalidTypeError, InvalidValueError
from okrkit.units import split_quantity

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
    unit: str | None
    confidence: float | None
    note: str

    def __init__(
        self,
        at: date,
        value: float | pint.Quantity[Any],
        *,
        unit: str | pint.Unit | None = None,
        confidence: float | None = None,
        note: str = "",
    ) -> None:
        # Hand-written for speed: a million check-ins are built per evaluation.
        _validate.instant(_SUBJECT, "at", at)
        kind = type(value)
        if kind is float or kind is int:
            number = float(value)
            if not math.isfinite(number):
                _validate.real(_SUBJECT, "value", value)
        elif isinstance(value, pint.Quantity):
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
            if isinstance(unit, pint.Unit):
                unit = str(unit)
            elif not isinstance(unit, str):
                raise InvalidTypeError(
                    subject=_SUBJECT,
                    field="unit",
                    value=unit,
                    expected="a unit name such as 'USD', a pint unit, or None",
                )
            unit = unit.strip() or None
        if confidence is not None:
            confidence = _validate.probability(_SUBJECT, "confidence", confidence)
        if type(note) is not str:
            _validate.text(_SUBJECT, "note", note)
        setter = object.__setattr__
        setter(self, "at", at)
        setter(self, "value", number)
        setter(self, "unit", unit)
        setter(self, "confidence", confidence)
        setter(self, "note", note)
