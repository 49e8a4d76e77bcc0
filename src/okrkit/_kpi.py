"""KPI: an ongoing indicator, and the pure function that evaluates one."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from datetime import UTC, date, timedelta, tzinfo
from typing import Any

import attrs

from okrkit import _validate
from okrkit._aggregation import Aggregation
from okrkit._cadence import Cadence
from okrkit._format import quantity
from okrkit._measurement import Measurement
from okrkit._period import Period
from okrkit._series import Series
from okrkit._status import Direction, Status
from okrkit._time import check_tz, day_key, instant_key, local_date
from okrkit.exceptions import InvalidTypeError, InvalidValueError, PeriodError
from okrkit.thresholds import Band, Thresholds
from okrkit.units import conversion, normalize_for

Target = float | tuple[tuple[Period, float], ...] | None
MeasurementSource = Series | Iterable[Measurement]


def _target(value: object) -> Target:
    """Accept a number, a mapping from Period to number, or None."""
    if value is None:
        return None
    if isinstance(value, Mapping) or (
        isinstance(value, tuple) and value and isinstance(value[0], tuple)
    ):
        pairs = value.items() if isinstance(value, Mapping) else value
        result = []
        for pair in pairs:
            period, number = pair
            _validate.of_type(
                "KPI",
                "target",
                period,
                Period,
                "a Period as the key of a per-period target",
            )
            result.append((period, _validate.real("KPI", "target", number)))
        result.sort()
        for (a, _), (b, _) in itertools.pairwise(result):
            if b.start < a.end:
                raise InvalidValueError(
                    subject="KPI",
                    field="target",
                    value=(str(a), str(b)),
                    expected="per-period targets whose periods do not overlap",
                )
        return tuple(result)
    return _validate.real("KPI", "target", value)


@attrs.frozen
class KPI:
    """An ongoing indicator with a direction, thresholds and optional target.

    ``target`` is a number or a mapping from :class:`Period` to a number (for
    targets that change month by month).  A ratio KPI (:meth:`ratio`) divides
    two measured streams, each aggregated on its own.

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
    target: Target = attrs.field(default=None, kw_only=True, converter=_target)
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
        _validate.non_negative(subject, "hysteresis", self.hysteresis)
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


@attrs.frozen(kw_only=True)
class KPIResult:
    """A KPI evaluated as of an instant.

    ``status`` is the traffic light of ``value``, or ``NO_DATA``, or
    ``STALE`` when the last measurement is older than the cadence allows (then
    ``light`` still holds the light of the last value).

    >>> from okrkit import Direction, KPI, Measurement, Thresholds, evaluate_kpi
    >>> nps = KPI("nps", "NPS", direction=Direction.HIGHER_IS_BETTER,
    ...           thresholds=Thresholds.higher_is_better(red_below=0, green_from=30))
    >>> result = evaluate_kpi(nps, [Measurement(date(2026, 3, 1), 34)],
    ...                       as_of=date(2026, 3, 2))
    >>> result.value, result.status.name, result.last_measured
    (34.0, 'GREEN', datetime.date(2026, 3, 1))
    """

    id: str
    name: str
    value: float | None
    unit: str | None
    label: str
    status: Status
    light: Status
    band: Band | None
    target: float | None
    window: Period | None
    last_measured: date | None
    due: date | None
    stale: bool
    previous_value: float | None
    change: float | None
    reason: str
    progress: float | None = None
    score: float | None = None
    expected: float | None = None
    forecast: float | None = None
    confidence: float | None = None

    @property
    def kind(self) -> str:
        """'kpi': what this result is for."""
        return "kpi"


def evaluate_kpi(
    kpi: KPI,
    measurements: Mapping[str, MeasurementSource] | Iterable[Measurement],
    *,
    as_of: date,
    window: Period | None = None,
    previous: Status | None = None,
    tz: tzinfo = UTC,
) -> KPIResult:
    """Evaluate a KPI from its measurements as of ``as_of``.

    ``measurements`` is an iterable of the KPI's own measurements or a mapping
    from id to measurements (a ratio KPI reads its numerator's and
    denominator's ids).  Only measurements in ``window`` (all history if
    None) and at or before ``as_of`` count.  ``previous`` is the status last
    reported, for hysteresis.

    >>> from okrkit import Thresholds, Direction, Cadence
    >>> cost = KPI("cpl", "Cost per lead", unit="USD",
    ...            direction=Direction.LOWER_IS_BETTER,
    ...            thresholds=Thresholds.lower_is_better(green_below=40, red_from=60),
    ...            cadence=Cadence.monthly(day=1))
    >>> result = evaluate_kpi(cost, [Measurement(date(2026, 3, 2), 48)],
    ...                       as_of=date(2026, 3, 20))
    >>> result.status.name, result.reason
    ('AMBER', 'Cost per lead 48 USD is amber: at or above the 40 USD green line; \
last measured 2026-03-02.')
    """
    _validate.of_type("evaluate_kpi", "kpi", kpi, KPI, "a KPI")
    _validate.instant(f"KPI {kpi.id!r}", "as_of", as_of)
    check_tz("evaluate_kpi", tz)
    if window is not None and not isinstance(window, Period):
        raise InvalidTypeError(
            subject="evaluate_kpi",
            field="window",
            value=window,
            expected="a Period or None",
        )
    if previous is not None and not isinstance(previous, Status):
        raise InvalidTypeError(
            subject="evaluate_kpi",
            field="previous",
            value=previous,
            expected="a Status or None",
        )
    series = series_for(kpi, measurements, tz)
    return kpi_result(kpi, series, as_of=as_of, window=window, previous=previous, tz=tz)


def series_for(
    kpi: KPI,
    measurements: Mapping[str, MeasurementSource] | Iterable[Measurement],
    tz: tzinfo,
) -> tuple[Series, ...]:
    units = (kpi.numerator_unit, kpi.denominator_unit) if kpi.is_ratio else (kpi.unit,)
    if not isinstance(measurements, Mapping):
        if kpi.is_ratio:
            raise InvalidTypeError(
                subject=f"KPI {kpi.id!r}",
                field="measurements",
                value=measurements,
                expected="a mapping with the numerator's and denominator's ids",
            )
        return (Series.build(kpi.id, measurements, unit=kpi.unit, tz=tz),)
    result = []
    for id_, unit in zip(kpi.measured_ids, units, strict=True):
        source = measurements.get(id_, ())
        if isinstance(source, Series):
            if source.unit != unit:
                source = Series.build(id_, source.measurements, unit=unit, tz=tz)
            result.append(source)
        else:
            result.append(Series.build(id_, source, unit=unit, tz=tz))
    return tuple(result)


def aggregate_kpi(
    kpi: KPI,
    series: tuple[Series, ...],
    start: float | None,
    end: float,
    inclusive: bool,
    aggregation: Aggregation | None = None,
) -> tuple[float | None, str]:
    """Return the KPI's value over a window, and why it is None if it is."""
    how = aggregation or kpi.aggregation
    parts = []
    for part in series:
        lo, hi = part.bounds(start, end, inclusive=inclusive)
        parts.append(how.apply(part.values[lo:hi]))
    if not kpi.is_ratio:
        return parts[0], ""
    numerator, denominator = parts
    if numerator is None or denominator is None:
        return None, ""
    if denominator == 0:
        return None, f"its denominator ({kpi.denominator}) is 0"
    ratio_unit = _ratio_unit(kpi.numerator_unit, kpi.denominator_unit)
    return conversion(ratio_unit, kpi.unit).apply(numerator / denominator), ""


def _ratio_unit(numerator: str | None, denominator: str | None) -> str | None:
    if denominator is None:
        return numerator
    return f"({numerator or 1}) / ({denominator})"


def kpi_result(
    kpi: KPI,
    series: tuple[Series, ...],
    *,
    as_of: date,
    window: Period | None,
    previous: Status | None,
    tz: tzinfo,
) -> KPIResult:
    """Evaluate a KPI from already-built series (the engine of evaluate_kpi)."""
    at = instant_key(as_of, tz)
    today = local_date(as_of, tz)
    start = None if window is None else day_key(window.start)
    end, inclusive = at, True
    if window is not None and at >= day_key(window.end):
        end, inclusive = day_key(window.end), False
    value, why_none = aggregate_kpi(kpi, series, start, end, inclusive)

    latest = [part.latest(as_of) for part in series]
    last = None if None in latest else min(local_date(m.at, tz) for m in latest if m)
    due = stale = None
    if kpi.cadence is not None and last is not None:
        due = kpi.cadence.latest_due(today - kpi.grace)
        stale = last < due

    thresholds = kpi.thresholds_at(today)
    band = None if value is None or thresholds is None else thresholds.band(value)
    light = Status.NO_DATA
    if value is not None and thresholds is not None:
        light = thresholds.status(value, previous=previous, margin=kpi.hysteresis)
    status = Status.STALE if stale and value is not None else light

    previous_value = change = None
    if window is not None and value is not None:
        previous_value = _previous_window_value(kpi, series, window, at)
        if previous_value is not None:
            change = value - previous_value

    return KPIResult(
        id=kpi.id,
        name=kpi.name,
        value=value,
        unit=kpi.unit,
        label=kpi.label,
        status=status,
        light=light,
        band=band,
        target=kpi.target_at(today),
        window=window,
        last_measured=last,
        due=due,
        stale=bool(stale),
        previous_value=previous_value,
        change=change,
        reason=_reason(
            kpi, value, light, thresholds, window, last, due, bool(stale), why_none
        ),
    )


def _previous_window_value(
    kpi: KPI, series: tuple[Series, ...], window: Period, at: float
) -> float | None:
    """Return the value over the previous window, cut at the same offset."""
    try:
        earlier = window.previous()
    except PeriodError:  # the window starts in year 1
        return None
    offset = at - day_key(window.start)
    end = day_key(earlier.start) + offset
    if end >= day_key(earlier.end):
        return aggregate_kpi(
            kpi, series, day_key(earlier.start), day_key(earlier.end), False
        )[0]
    return aggregate_kpi(kpi, series, day_key(earlier.start), end, True)[0]


def _reason(
    kpi: KPI,
    value: float | None,
    light: Status,
    thresholds: Thresholds | None,
    window: Period | None,
    last: date | None,
    due: date | None,
    stale: bool,
    why_none: str,
) -> str:
    where = f" in {window}" if window is not None else ""
    if value is None:
        if why_none:
            return f"{kpi.name} has no data{where}: {why_none}."
        if last is None:
            return f"{kpi.name} has no measurement yet."
        return f"{kpi.name} has no data{where}; last measured {last.isoformat()}."
    shown = quantity(value, kpi.unit, kpi.label)
    if thresholds is None:
        return (
            f"{kpi.name} {shown} has no light: no target is set for "
            f"its relative thresholds; last measured {last}."
        )
    position = thresholds.describe(value, kpi.unit, kpi.label)
    assert last is not None
    if stale:
        assert due is not None
        assert kpi.cadence is not None
        grace = f", grace {kpi.grace.days} days" if kpi.grace else ""
        return (
            f"{kpi.name} is stale: last measured {last.isoformat()}, due "
            f"{due.isoformat()} ({kpi.cadence}{grace}); the last value {shown} is "
            f"{light.value}: {position}."
        )
    return (
        f"{kpi.name} {shown} is {light.value}: {position}; "
        f"last measured {last.isoformat()}."
    )
