"""Status and Direction: the traffic light and which way is better."""

from __future__ import annotations

import enum
from typing import Any

from okrkit import _validate
from okrkit.exceptions import InvalidValueError, OkrkitError


class SafeLookup(enum.EnumMeta):
    """Enum lookup by value that raises an OkrkitError for an unknown value.

    Enum's own error is a bare ValueError, and formatting it fails on an int
    of more than 4,300 digits.

    >>> Status("purple")
    Traceback (most recent call last):
    ...
    okrkit.exceptions.InvalidValueError: Status: field 'value' got 'purple'; \
expected one of 'green', 'amber', 'red', 'no data', 'stale'.
    """

    def __call__(cls, value: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:  # Enum's functional API: not a lookup
            return super().__call__(value, *args, **kwargs)
        try:
            return super().__call__(value)
        except OkrkitError:
            raise
        except (ValueError, TypeError):
            members: list[enum.Enum] = list(cls)
            raise InvalidValueError(
                subject=cls.__name__,
                field="value",
                value=value,
                expected="one of " + ", ".join(repr(m.value) for m in members),
            ) from None


class Status(enum.Enum, metaclass=SafeLookup):
    """A traffic light, plus the two ways of having no current light.

    ``NO_DATA`` means nothing has been measured yet; ``STALE`` means the last
    measurement is older than the cadence allows (the last value is still
    shown beside it).

    >>> Status.GREEN.symbol, Status.AMBER.symbol, Status.NO_DATA.symbol
    ('G', 'A', '-')
    >>> Status.RED.severity > Status.AMBER.severity > Status.GREEN.severity
    True
    """

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NO_DATA = "no data"
    STALE = "stale"

    # Members are singletons compared by identity, so an identity hash is
    # exact, and it runs in C: Enum's own __hash__ is Python code, and these
    # members are dictionary keys for every key result of an evaluation.
    __hash__ = object.__hash__

    @property
    def symbol(self) -> str:
        """A one-character marker for text tables."""
        return _SYMBOLS[self]

    @property
    def severity(self) -> int:
        """How bad the status is, for sorting and worst-of roll-ups (0 is best)."""
        return _SEVERITY[self]


_SYMBOLS = {  # plain ASCII: readable in any terminal, log or CSV
    Status.GREEN: "G",
    Status.AMBER: "A",
    Status.RED: "R",
    Status.NO_DATA: "-",
    Status.STALE: "S",
}
_SEVERITY = {
    Status.GREEN: 0,
    Status.AMBER: 1,
    Status.RED: 2,
    Status.STALE: 3,
    Status.NO_DATA: 4,
}


class Direction(enum.Enum, metaclass=SafeLookup):
    """Which way a KPI's value is better.

    >>> Direction.LOWER_IS_BETTER.better(3.0, 5.0)
    True
    """

    HIGHER_IS_BETTER = "higher is better"
    LOWER_IS_BETTER = "lower is better"
    WITHIN_RANGE = "within range"

    def better(self, a: float, b: float) -> bool:
        """Tell whether ``a`` is strictly better than ``b`` (never for ranges).

        >>> Direction.HIGHER_IS_BETTER.better(3.0, 5.0)
        False
        """
        a = _validate.real(f"Direction.{self.name}.better", "a", a)
        b = _validate.real(f"Direction.{self.name}.better", "b", b)
        if self is Direction.HIGHER_IS_BETTER:
            return a > b
        if self is Direction.LOWER_IS_BETTER:
            return a < b
        return False
