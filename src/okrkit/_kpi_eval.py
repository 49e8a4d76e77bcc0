"""Evaluating one KPI: its value over a window, light, staleness and reason."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, timedelta, tzinfo

import attrs

from okrkit import _validate
from okrkit._aggregation import Aggregation
from okrkit._format import quantity
from okrkit._kpi import KPI
from okrkit._measurement import Measurement
from okrkit._period import Period
from okrkit._plan import Window, kpi_units
from okrkit._results import KPIResult
from okrkit._status import Status
from okrkit._store import CheckinStore, MeasurementSource
from okrkit._summary import Part, over
from okrkit._summary import latest as last_check_in
from okrkit._time import Clock, check_tz
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
    as_of = _validate.instant(f"KPI {kpi.id!r}", "as_of", as_of)
    clock = Clock(check_tz("evaluate_kpi", tz))
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
    if not isinstance(measurements, Mapping):
        if kpi.is_ratio:
            raise InvalidTypeError(
                subject=f"KPI {kpi.id!r}",
                field="measurements",
                value=measurements,
                expected="a mapping with the numerator's and denominator's ids",
            )
        measurements = {kpi.id: measurements}
    at = clock.instant(as_of)
    store = CheckinStore(measurements, clock, at, subject="evaluate_kpi")
    return kpi_result(
        kpi,
        kpi_series(kpi, store),
        as_of=as_of,
        at=at,
        window=window,
        previous=previous,
        clock=clock,
    )


def kpi_series(kpi: KPI, store: CheckinStore) -> tuple[Part, ...]:
    """The series a KPI reads (two for a ratio KPI), kept for its key results."""
    return tuple(
        store.series(id_, unit, keep=True)
        for id_, unit in zip(kpi.measured_ids, kpi_units(kpi), strict=True)
    )


def aggregate_kpi(
    kpi: KPI,
    parts: tuple[Part, ...],
    window: Window,
    aggregation: Aggregation | None = None,
) -> float | None:
    """Return the KPI's value over a window (None without data, or over 0).

    A ratio KPI aggregates numerator and denominator separately, then divides.
    """
    how = aggregation or kpi.aggregation
    values = [_over(part, window, how) for part in parts]
    if not kpi.is_ratio:
        return values[0]
    numerator, denominator = values
    if numerator is None or denominator is None or denominator == 0:
        return None
    ratio_unit = _ratio_unit(kpi.numerator_unit, kpi.denominator_unit)
    value = conversion(ratio_unit, kpi.unit).apply(numerator / denominator)
    return _validate.real(f"KPI {kpi.id!r}", "value", value)


def _over(part: Part, window: Window, how: Aggregation) -> float | None:
    return over(part, window.start, window.end, window.inclusive, how)


def _why_none(kpi: KPI, parts: tuple[Part, ...], window: Window) -> str:
    """Why a KPI with check-ins has no value: only a ratio's zero denominator."""
    if kpi.is_ratio and _over(parts[1], window, kpi.aggregation) == 0:
        return f"its denominator ({kpi.denominator}) is 0"
    return ""


def _ratio_unit(numerator: str | None, denominator: str | None) -> str | None:
    if denominator is None:
        return numerator
    return f"({numerator or 1}) / ({denominator})"


@attrs.frozen
class Last:
    """The latest check-in a KPI has by the as-of instant (both parts, for a ratio)."""

    at: float  # its instant: the earlier of the parts' latest
    day: date | None  # its local day


def latest(parts: tuple[Part, ...], at: float, clock: Clock) -> Last | None:
    """The KPI's latest check-in at or before ``at``; None if a part has none."""
    found = []
    for part in parts:
        last = last_check_in(part, at)
        if last is None:
            return None
        found.append(last)
    earliest = min(found, key=lambda item: item.at)
    return Last(at=earliest.at, day=earliest.day(clock))


def staleness(
    kpi: KPI, last: Last | None, at: float, clock: Clock
) -> tuple[bool, date | None]:
    """Whether the KPI is stale, and the day its next check-in was due.

    Stale when ``as_of - last check-in`` exceeds the cadence's step (its
    longest gap between due dates) plus the grace: a check-in on or just
    before its due day is never stale on that day.  The time between is
    local wall time: a week is seven calendar days in every zone, the
    25-hour day of a daylight saving change included.
    """
    if kpi.cadence is None or last is None:
        return False, None
    step = kpi.cadence.step()
    # In seconds, so that a grace as long as timedelta allows cannot overflow.
    elapsed = clock.wall(at) - clock.wall(last.at)
    stale = elapsed > step.total_seconds() + kpi.grace.total_seconds()
    due = None
    if last.day is not None:
        try:
            due = last.day + step + timedelta(days=kpi.grace.days)
        except OverflowError:  # a grace beyond the calendar: never due
            due = None
    return stale, due


def kpi_result(
    kpi: KPI,
    parts: tuple[Part, ...],
    *,
    as_of: date,
    at: float,
    window: Period | None,
    previous: Status | None,
    clock: Clock,
) -> KPIResult:
    """Evaluate a KPI from already-built series (the engine's KPI node)."""
    today = clock.local_date(as_of) or as_of
    span = Window(None, at, True) if window is None else Window.of(window, at, clock)
    value = aggregate_kpi(kpi, parts, span)
    why_none = "" if value is not None else _why_none(kpi, parts, span)
    last = latest(parts, at, clock)
    stale, due = staleness(kpi, last, at, clock)
    thresholds = kpi.thresholds_at(today)
    band = None if value is None or thresholds is None else thresholds.band(value)
    light = Status.NO_DATA
    if value is not None and thresholds is not None:
        light = thresholds.status(value, previous=previous, margin=kpi.hysteresis)
    status = Status.STALE if stale and value is not None else light
    previous_value = change = None
    if window is not None and value is not None:
        previous_value = _previous_window_value(kpi, parts, window, at, clock)
        if previous_value is not None:
            change = _validate.real(f"KPI {kpi.id!r}", "change", value - previous_value)
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
        last_measured=None if last is None else last.day,
        due=due,
        stale=stale,
        previous_value=previous_value,
        change=change,
        reason=_reason(
            kpi,
            value,
            light,
            thresholds,
            window,
            None if last is None else last.day,
            due,
            stale,
            why_none,
        ),
    )


def _previous_window_value(
    kpi: KPI, parts: tuple[Part, ...], window: Period, at: float, clock: Clock
) -> float | None:
    """Return the value over the previous window, cut at the same offset."""
    try:
        earlier = window.previous()
    except PeriodError:  # the window starts in year 1
        return None
    start = clock.day(earlier.start)
    offset = at - clock.day(window.start)
    end = start + offset
    if end >= clock.day(earlier.end):
        return aggregate_kpi(kpi, parts, Window(start, clock.day(earlier.end), False))
    return aggregate_kpi(kpi, parts, Window(start, end, True))


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
    measured = "" if last is None else f"; last measured {last.isoformat()}"
    if value is None:
        if why_none:
            return f"{kpi.name} has no data{where}: {why_none}."
        if last is None:
            return f"{kpi.name} has no measurement yet."
        return f"{kpi.name} has no data{where}{measured}."
    shown = quantity(value, kpi.unit, kpi.label)
    if thresholds is None:
        return (
            f"{kpi.name} {shown} has no light: no target is set for "
            f"its relative thresholds{measured}."
        )
    position = thresholds.describe(value, kpi.unit, kpi.label)
    if stale and last is not None and kpi.cadence is not None:
        grace = f", grace {kpi.grace.days} days" if kpi.grace else ""
        by = "" if due is None else f", due by {due.isoformat()}"
        return (
            f"{kpi.name} is stale: last measured {last.isoformat()}{by} "
            f"({kpi.cadence}{grace}); the last value {shown} is "
            f"{light.value}: {position}."
        )
    return f"{kpi.name} {shown} is {light.value}: {position}{measured}."
