"""Evaluating one KPI: its value over a window, light, staleness and reason."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, tzinfo

from okrkit import _validate
from okrkit._aggregation import Aggregation
from okrkit._format import quantity
from okrkit._kpi import KPI, MeasurementSource
from okrkit._measurement import Measurement
from okrkit._period import Period
from okrkit._results import KPIResult
from okrkit._series import Series
from okrkit._status import Status
from okrkit._time import check_tz, day_key, instant_key, local_date
from okrkit.exceptions import InvalidTypeError, PeriodError
from okrkit.thresholds import Thresholds
from okrkit.units import conversion


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
