"""KPI: an ongoing indicator, and the pure function that evaluates one."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import attrs

from okrkit import _validate
from okrkit._aggregation import Aggregation
from okrkit._cadence import Cadence
from okrkit._period import Period
from okrkit._status import Direction
from okrkit.exceptions import InvalidTypeError, InvalidValueError
from okrkit.thresholds import Thresholds
from okrkit.units import normalize_for

Target = float | tuple[tuple[Period, float], ...] | None
#: What ``KPI(target=...)`` takes: a number, per-period numbers, or None.
TargetInput = float | Mapping[Period, float] | Iterable[tuple[Period, float]] | None


def _target_shape(value: TargetInput) -> Target:
    """Turn a mapping or an iterable of pairs into a tuple; idempotent.

    Only the shape changes here; the values are checked in the KPI's own
    checks, where the KPI's id can be named.
    """
    if isinstance(value, Mapping):
        return tuple(value.items())
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | tuple):
        return tuple(value)
    return value  # a number, a tuple or junk: checked by _clean_target


def _clean_target(subject: str, value: object) -> Target:
    """A finite float, a tuple of (Period, float) pairs sorted and apart, or None."""
    if value is None:
        return None
    if not isinstance(value, tuple):
        return _validate.real(subject, "target", value)
    if not value:
        raise InvalidValueError(
            subject=subject,
            field="target",
            value=value,
            expected="at least one (Period, value) pair (or None for no target)",
        )
    result = sorted(_pair(subject, pair) for pair in value)
    for (a, _), (b, _) in itertools.pairwise(result):
        if b.start < a.end:
            raise InvalidValueError(
                subject=subject,
                field="target",
                value=(str(a), str(b)),
                expected="per-period targets whose periods do not overlap",
            )
    return tuple(result)


def _pair(subject: str, pair: object) -> tuple[Period, float]:
    if not isinstance(pair, tuple) or len(pair) != 2:
        raise InvalidTypeError(
            subject=subject,
            field="target",
            value=pair,
            expected="a (Period, value) pair in a per-period target",
        )
    period, number = pair
    _validate.of_type(
        subject,
        "target",
        period,
        Period,
        "a Period as the key of a per-period target",
    )
    return period, _validate.real(subject, "target", number)


@attrs.frozen
class KPI:
    """An ongoing indicator with a direction, thresholds and optional target.

    ``target`` is a number or a mapping from :class:`Period` to a number (for
    targets that change month by month; stored as sorted pairs, never empty).
    ``grace`` is how much later than due a check-in may come before the KPI
    is stale: zero or more (to_dict writes any grace exactly).  A ratio KPI
    (:meth:`ratio`) divides two measured streams, each aggregated on its own.

    >>> from okrkit import Thresholds, Direction
    >>> visits = KPI("visits", "Website visits", label="visits",
    ...              direction=Direction.HIGHER_IS_BETTER,
    ...              thresholds=Thresholds.higher_is_better(red_below=8000,
    ...                                                     green_from=10000),
    ...              aggregation=Aggregation.SUM)
    >>> visits.measured_ids
    ('visits',)
    """

    id: str = attrs.field()
    name: str = attrs.field()
    direction: Direction = attrs.field(kw_only=True)
    thresholds: Thresholds = attrs.field(kw_only=True)
    unit: str | None = attrs.field(default=None, kw_only=True)
    label: str = attrs.field(default="", kw_only=True)
    aggregation: Aggregation = attrs.field(default=Aggregation.LAST, kw_only=True)
    cadence: Cadence | None = attrs.field(default=None, kw_only=True)
    target: Target = attrs.field(default=None, kw_only=True, converter=_target_shape)
    category: str = attrs.field(default="", kw_only=True)
    grace: timedelta = attrs.field(default=timedelta(0), kw_only=True)
    hysteresis: float = attrs.field(default=0.0, kw_only=True)
    numerator: str | None = attrs.field(default=None, kw_only=True)
    denominator: str | None = attrs.field(default=None, kw_only=True)
    numerator_unit: str | None = attrs.field(default=None, kw_only=True)
    denominator_unit: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        subject = f"KPI {self.id!r}" if isinstance(self.id, str) else "KPI"
        _validate.identifier("KPI", "id", self.id)
        _validate.text(subject, "name", self.name)
        _validate.text(subject, "label", self.label)
        _validate.text(subject, "category", self.category)
        # Units are stored canonical ("hours" -> "hour"); pint is asked once.
        for field in ("unit", "numerator_unit", "denominator_unit"):
            canonical = normalize_for(subject, field, getattr(self, field))
            object.__setattr__(self, field, canonical)
        _validate.of_type(
            subject, "direction", self.direction, Direction, "a Direction"
        )
        _validate.of_type(
            subject, "thresholds", self.thresholds, Thresholds, "a Thresholds"
        )
        _validate.of_type(
            subject, "aggregation", self.aggregation, Aggregation, "an Aggregation"
        )
        if self.cadence is not None:
            _validate.of_type(
                subject, "cadence", self.cadence, Cadence, "a Cadence or None"
            )
        object.__setattr__(self, "target", _clean_target(subject, self.target))
        _validate.of_type(
            subject, "grace", self.grace, timedelta, "a datetime.timedelta"
        )
        if self.grace < timedelta(0):
            raise InvalidValueError(
                subject=subject,
                field="grace",
                value=self.grace,
                expected="a grace of zero or more",
            )
        hysteresis = _validate.non_negative(subject, "hysteresis", self.hysteresis)
        object.__setattr__(self, "hysteresis", hysteresis)
        declared = self.thresholds.direction
        if declared is not None and declared is not self.direction:
            raise InvalidValueError(
                subject=subject,
                field="thresholds",
                value=str(self.thresholds),
                expected=f"thresholds for {self.direction.value} "
                f"(these are for {declared.value})",
            )
        self._check_ratio(subject)
        self._check_relative(subject)

    def _check_ratio(self, subject: str) -> None:
        parts = (self.numerator, self.denominator)
        if parts == (None, None):
            return
        for field, part in zip(("numerator", "denominator"), parts, strict=True):
            if part is None:
                raise InvalidValueError(
                    subject=subject,
                    field=field,
                    value=None,
                    expected="an id (a ratio KPI needs numerator and denominator)",
                )
            _validate.identifier(subject, field, part)
        if self.numerator == self.denominator:
            raise InvalidValueError(
                subject=subject,
                field="denominator",
                value=self.denominator,
                expected="an id other than the numerator's",
            )

    def _check_relative(self, subject: str) -> None:
        if not self.thresholds.relative:
            return
        if self.target is None:
            raise InvalidValueError(
                subject=subject,
                field="target",
                value=None,
                expected="a target, since the thresholds are relative to it",
            )
        targets = (
            [number for _, number in self.target]
            if isinstance(self.target, tuple)
            else [self.target]
        )
        for number in targets:
            try:
                self.thresholds.for_target(number)
            except InvalidValueError as exc:
                raise InvalidValueError(
                    subject=subject,
                    field="target",
                    value=number,
                    expected=exc.expected,
                ) from exc

    @classmethod
    def ratio(
        cls,
        id: str,
        name: str,
        *,
        numerator: str,
        denominator: str,
        direction: Direction,
        thresholds: Thresholds,
        numerator_unit: str | None = None,
        denominator_unit: str | None = None,
        aggregation: Aggregation = Aggregation.SUM,
        **options: Any,
    ) -> KPI:
        """Build a KPI that divides two measured streams, aggregated separately.

        Conversion rate = orders / visits: over a window the orders are summed,
        the visits are summed, and then one is divided by the other, never an
        average of daily ratios.

        >>> from okrkit import Thresholds, Direction
        >>> conversion = KPI.ratio("conversion", "Conversion rate",
        ...     numerator="orders", denominator="visits", unit="percent",
        ...     direction=Direction.HIGHER_IS_BETTER,
        ...     thresholds=Thresholds.higher_is_better(red_below=2, green_from=4))
        >>> conversion.measured_ids
        ('orders', 'visits')
        """
        return cls(
            id,
            name,
            numerator=numerator,
            denominator=denominator,
            numerator_unit=numerator_unit,
            denominator_unit=denominator_unit,
            direction=direction,
            thresholds=thresholds,
            aggregation=aggregation,
            **options,
        )

    @property
    def is_ratio(self) -> bool:
        """True for a ratio KPI."""
        return self.numerator is not None

    @property
    def measured_ids(self) -> tuple[str, ...]:
        """The ids whose measurements this KPI reads."""
        if self.numerator is not None and self.denominator is not None:
            return (self.numerator, self.denominator)
        return (self.id,)

    def target_at(self, day: date) -> float | None:
        """Return the target in force on ``day``.

        >>> from okrkit import Thresholds, Direction, Period
        >>> kpi = KPI("nps", "NPS", direction=Direction.HIGHER_IS_BETTER,
        ...           thresholds=Thresholds.higher_is_better(red_below=0,
        ...                                                  green_from=30),
        ...           target={Period.month(2026, 1): 30, Period.month(2026, 2): 35})
        >>> kpi.target_at(date(2026, 2, 10)), kpi.target_at(date(2026, 3, 1))
        (35.0, None)
        """
        if not isinstance(self.target, tuple):
            return self.target
        for period, number in self.target:
            if period.start <= day < period.end:
                return number
        return None

    def thresholds_at(self, day: date) -> Thresholds | None:
        """Return absolute thresholds for ``day``.

        None if the thresholds are relative and no target is set that day.
        """
        if not self.thresholds.relative:
            return self.thresholds
        target = self.target_at(day)
        return None if target is None else self.thresholds.for_target(target)
