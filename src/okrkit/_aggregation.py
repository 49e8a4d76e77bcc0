"""Aggregation: how the measurements in a window become one value."""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from typing import cast

from okrkit import _validate
from okrkit._status import SafeLookup
from okrkit.exceptions import InvalidTypeError, InvalidValueError


class Aggregation(enum.Enum, metaclass=SafeLookup):
    """How a window of measurements becomes one value.

    Every aggregation of an empty window is ``None`` (no data), except
    ``COUNT``, which is 0.

    >>> Aggregation.MEAN.apply([2.0, 4.0, 9.0])
    5.0
    >>> Aggregation.SUM.apply([]), Aggregation.COUNT.apply([])
    (None, 0.0)
    """

    LAST = "last"
    FIRST = "first"
    SUM = "sum"
    MEAN = "mean"
    MIN = "min"
    MAX = "max"
    COUNT = "count"

    # Members are singletons compared by identity, so an identity hash is
    # exact, and it runs in C: Enum's own __hash__ is Python code, and these
    # members are dictionary keys for every key result of an evaluation.
    __hash__ = object.__hash__

    def apply(self, values: Sequence[float]) -> float | None:
        """Aggregate ``values`` (in time order).

        >>> Aggregation.LAST.apply([1.0, 3.0]), Aggregation.MIN.apply([1.0, 3.0])
        (3.0, 1.0)
        """
        subject = f"Aggregation.{self.name}.apply"
        try:
            result = self._apply(values)
        except TypeError as exc:
            raise InvalidTypeError(
                subject=subject,
                field="values",
                value=values,
                expected="a sequence of real numbers",
            ) from exc
        except OverflowError as exc:
            # okrkit values are finite, so an infinite sum is no answer.
            raise InvalidValueError(
                subject=subject,
                field="values",
                value=values,
                expected="values whose aggregate is a finite number "
                "(the result overflowed)",
            ) from exc
        # One check of the result keeps junk out at no per-value cost: a
        # non-number among the values fails inside fsum, min or max, or ends
        # up as the result (LAST, FIRST).
        if result is None and not values:
            return None
        return _validate.real(subject, "values", result)

    def _apply(self, given: object) -> object:
        # Exact types first: the ABC check costs more than the aggregation.
        exact = type(given) is tuple or type(given) is list
        if not exact and (isinstance(given, str) or not isinstance(given, Sequence)):
            raise TypeError("not a sequence")
        values = cast("Sequence[float]", given)
        if self is Aggregation.COUNT:
            return float(len(values))
        if not values:
            return None
        if self is Aggregation.LAST:
            return values[-1]
        if self is Aggregation.FIRST:
            return values[0]
        if self is Aggregation.SUM:
            return math.fsum(values)
        if self is Aggregation.MEAN:
            return _mean(values)
        if self is Aggregation.MIN:
            return min(values)
        return max(values)


def _mean(values: Sequence[float]) -> float:
    try:
        return math.fsum(values) / len(values)
    except OverflowError:  # the sum overflows, the mean need not
        count = len(values)
        return math.fsum(value / count for value in values)
