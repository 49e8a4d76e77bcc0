"""Evaluating one key result: value, progress, score, pace, forecast, reason."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, tzinfo

import attrs

from okrkit import _validate
from okrkit._aggregation import Aggregation
from okrkit._format import percent, quantity
from okrkit._key_result import KeyResult, Kind
from okrkit._kpi import KPI, MeasurementSource
from okrkit._kpi_eval import aggregate_kpi, series_for
from okrkit._measurement import Measurement
from okrkit._pace import Forecast, expected_progress, forecast
from okrkit._period import Period
from okrkit._results import KeyResultResult
from okrkit._series import Series
from okrkit._status import Status
from okrkit._time import check_tz, day_key, instant_key, local_date
from okrkit.exceptions import InvalidValueError
from okrkit.scoring import Grading, Linear, Pace, ScoreContext, ScoringStrategy
from okrkit.units import conversion


@attrs.frozen(kw_only=True)
class Source:
    """Where a key result's numbers come from: its own series or a KPI's."""

    series: tuple[Series, ...]
    kpi: KPI | None = None


@attrs.frozen
class Frame:
    """What one period looks like at the as-of instant, worked out once.

    evaluate() makes one per period, not one per key result: the time keys of
    the window, the elapsed share, and the score contexts that go with it.
    """

    at: float  # the as-of instant
    start: float  # the period's first instant
    end: float  # where the window stops: as_of, or the period's end
    inclusive: bool  # whether ``end`` itself is in the window
    elapsed: float  # the period's elapsed share: the linear expected progress
    when: str  # "at 50 % of 2026-Q1", for reasons
    contexts: tuple[ScoreContext, ScoreContext]  # aspirational, committed

    @classmethod
    def of(cls, period: Period, as_of: date, tz: tzinfo) -> Frame:
        at = instant_key(as_of, tz)
        end_key, inclusive = at, True
        if at >= day_key(period.end):
            end_key, inclusive = day_key(period.end), False
        elapsed = period.elapsed(as_of, tz=tz)
        return cls(
            at=at,
            start=day_key(period.start),
            end=end_key,
            inclusive=inclusive,
            elapsed=elapsed,
            when=_when(elapsed, period),
            contexts=(
                ScoreContext(committed=False, expected=elapsed),
                ScoreContext(committed=True, expected=elapsed),
            ),
        )


def _when(expected: float, period: Period) -> str:
    return f"at {percent(expected)} of {period}"


def evaluate_key_result(
    key_result: KeyResult,
    measurements: Mapping[str, MeasurementSource] | Iterable[Measurement],
    *,
    period: Period,
    as_of: date,
    kpi: KPI | None = None,
    scoring: ScoringStrategy | None = None,
    pace: Pace | None = None,
    committed: bool = False,
    tz: tzinfo = UTC,
) -> KeyResultResult:
    """Evaluate one key result over ``period`` as of ``as_of``.

    ``measurements`` holds the key result's check-ins, or a mapping from id to
    check-ins (a key result linked to ``kpi`` reads the KPI's ids).

    >>> from okrkit import KeyResult, Measurement, Period
    >>> kr = KeyResult("customers", "Acquire 60 new customers", start=0,
    ...                target=60, label="customers")
    >>> result = evaluate_key_result(
    ...     kr, [Measurement(date(2026, 2, 10), 20)],
    ...     period=Period.quarter(2026, 1), as_of=date(2026, 2, 15))
    >>> result.score, result.status.name
    (0.3333333333333333, 'RED')
    >>> result.reason
    'Acquire 60 new customers: 20 of 60 customers (33 %) at 50 % of 2026-Q1, off track.'
    """
    _validate.of_type(
        "evaluate_key_result",
        "key_result",
        key_result,
        KeyResult,
        "a KeyResult",
    )
    subject = f"KeyResult {key_result.id!r}"
    _validate.of_type(subject, "period", period, Period, "a Period")
    _validate.instant(subject, "as_of", as_of)
    check_tz(subject, tz)
    if key_result.kpi is not None:
        if not isinstance(kpi, KPI) or kpi.id != key_result.kpi:
            raise InvalidValueError(
                subject=subject,
                field="kpi",
                value=kpi,
                expected=f"the KPI {key_result.kpi!r} it links to",
            )
        source = Source(series=series_for(kpi, measurements, tz), kpi=kpi)
    elif isinstance(measurements, Mapping):
        items = measurements.get(key_result.id, ())
        source = Source(series=(_own_series(key_result, items, tz),))
    else:
        source = Source(
            series=(
                Series.build(key_result.id, measurements, unit=key_result.unit, tz=tz),
            )
        )
    return key_result_result(
        key_result,
        source,
        grading=scoring if isinstance(scoring, Grading) else None,
        period=period,
        as_of=as_of,
        scoring=scoring or Linear(),
        pace=pace or Pace(),
        committed=committed,
        tz=tz,
    )


def _own_series(kr: KeyResult, items: MeasurementSource, tz: tzinfo) -> Series:
    if isinstance(items, Series):
        if items.unit == kr.unit:
            return items
        items = items.measurements
    return Series.build(kr.id, items, unit=kr.unit, tz=tz)


def key_result_result(
    kr: KeyResult,
    source: Source,
    *,
    period: Period,
    as_of: date,
    scoring: ScoringStrategy,
    pace: Pace,
    committed: bool,
    tz: tzinfo,
    value_override: float | None = None,
    override: bool = False,
    grading: Grading | None = None,
    frame: Frame | None = None,
) -> KeyResultResult:
    """Evaluate a key result from prepared series (the engine of evaluate).

    ``grading`` is ``scoring`` when it grades, and ``frame`` the period seen
    from ``as_of``; evaluate() works both out once, not once per key result.
    """
    if frame is None:
        frame = Frame.of(period, as_of, tz)
    at, start_key, end_key, inclusive = (
        frame.at,
        frame.start,
        frame.end,
        frame.inclusive,
    )
    started = at >= start_key
    aggregation = kr.aggregation or (
        source.kpi.aggregation if source.kpi is not None else Aggregation.LAST
    )
    unit = kr.unit if kr.unit is not None or source.kpi is None else source.kpi.unit
    label = kr.label
    if not label and source.kpi is not None and kr.unit is None:
        label = source.kpi.label  # "43,900 visits", in the KPI's words
    to_kr = _to_kr_unit(kr, source)

    resolved, missing_baseline = kr, False
    if kr.kind is Kind.RELATIVE and not kr.resolved:
        baseline = _baseline(source, period)
        if baseline is None or baseline == 0:
            missing_baseline = True
        else:
            resolved = kr.resolve(to_kr(baseline))

    # The period's check-ins up to as_of in the (first) series, found once.
    span = source.series[0].bounds(start_key, end_key, inclusive=inclusive)
    sub_values: tuple[float | None, ...] = ()
    if override:
        value = value_override
    elif not started or missing_baseline:
        value = None
    elif kr.kind is Kind.RATE:
        value, sub_values = _rate_value(kr, source, period, at, aggregation, to_kr)
    else:
        raw = _window_value(source, start_key, end_key, inclusive, aggregation, span)
        value = None if raw is None else to_kr(raw)

    if kr.phases:
        expected = expected_progress(resolved, period, as_of, tz)
        context = ScoreContext(committed=committed, expected=expected)
        when = _when(expected, period)
    else:
        expected, context, when = frame.elapsed, frame.contexts[committed], frame.when
    progress = score = grade = None
    if value is not None:
        progress = resolved.progress(value)
        score = scoring.score(resolved, value, context)
        if type(score) is not float or not math.isfinite(score):
            score = _validate.real(f"KeyResult {kr.id!r}", "score", score)
        if grading is not None:
            grade = grading.grade(score, committed=committed)
    target_score = getattr(scoring, "target_score", 1.0)
    status = pace.status(score, expected, target_score=target_score)

    latest = _latest(source, at)
    projection = None
    if not override and value is not None:
        projection = _forecast(resolved, source, period, span, aggregation, to_kr)
    return KeyResultResult(
        id=kr.id,
        title=kr.title,
        kind=kr.kind,
        value=value,
        unit=unit,
        label=label,
        start=resolved.start,
        target=resolved.target,
        weight=kr.weight,
        progress=progress,
        score=score,
        status=status,
        grade=grade,
        expected=expected,
        forecast=None if projection is None else projection.value,
        forecast_progress=None if projection is None else projection.progress,
        confidence=None if latest is None else latest.confidence,
        last_measured=None if latest is None else local_date(latest.at, tz),
        started=started,
        sub_values=sub_values,
        reason=_reason(
            resolved,
            label,
            value,
            progress,
            when,
            status,
            period,
            unit,
            started,
            missing_baseline,
            source,
        ),
    )


def _identity(value: float) -> float:
    return value


def _to_kr_unit(kr: KeyResult, source: Source) -> Callable[[float], float]:
    """A function converting the source's unit to the key result's."""
    if source.kpi is None or kr.unit is None or source.kpi.unit == kr.unit:
        return _identity
    return conversion(source.kpi.unit, kr.unit).apply


def _window_value(
    source: Source,
    start: float,
    end: float,
    inclusive: bool,
    aggregation: Aggregation,
    span: tuple[int, int] | None = None,
) -> float | None:
    """Aggregate the window; ``span`` is its index range, if already known."""
    if source.kpi is not None:
        return aggregate_kpi(
            source.kpi, source.series, start, end, inclusive, aggregation
        )[0]
    series = source.series[0]
    lo, hi = span or series.bounds(start, end, inclusive=inclusive)
    return aggregation.apply(series.values[lo:hi])


def _baseline(source: Source, period: Period) -> float | None:
    """The KPI's value when the period begins (its last one before it)."""
    assert source.kpi is not None
    start = day_key(period.start)
    if source.kpi.is_ratio:
        earlier = period.previous()
        return aggregate_kpi(
            source.kpi, source.series, day_key(earlier.start), start, False
        )[0]
    series = source.series[0]
    _, hi = series.bounds(None, start, inclusive=False)
    return series.values[hi - 1] if hi else None


def _rate_value(
    kr: KeyResult,
    source: Source,
    period: Period,
    at: float,
    aggregation: Aggregation,
    to_kr: Callable[[float], float],
) -> tuple[float | None, tuple[float | None, ...]]:
    """Mean per-sub-period value over the sub-periods that count.

    Completed sub-periods always count (an empty one counts as 0); the current
    one counts once it has reached the target by itself.
    """
    assert kr.per is not None
    assert kr.target is not None
    counted, shown = [], []
    for piece in period.split(kr.per):
        lo, hi = day_key(piece.start), day_key(piece.end)
        if at < lo:
            break
        complete = at >= hi
        end, inclusive = (hi, False) if complete else (at, True)
        raw = _window_value(source, lo, end, inclusive, aggregation)
        value = 0.0 if raw is None else to_kr(raw)
        shown.append(value)
        if complete or value >= kr.target:
            counted.append(value)
    if not counted:
        return None, tuple(shown)
    return sum(counted) / len(counted), tuple(shown)


def _latest(source: Source, at: float) -> Measurement | None:
    """The latest check-in at or before ``at`` across the source's series."""
    best, best_time = None, 0.0
    for series in source.series:
        hi = bisect_right(series.times, at)
        if hi and (best is None or series.times[hi - 1] > best_time):
            best, best_time = series.measurements[hi - 1], series.times[hi - 1]
    return best


def _forecast(
    kr: KeyResult,
    source: Source,
    period: Period,
    span: tuple[int, int],
    aggregation: Aggregation,
    to_kr: Callable[[float], float],
) -> Forecast | None:
    if (source.kpi is not None and source.kpi.is_ratio) or kr.kind is Kind.RATE:
        return None
    series = source.series[0]
    lo, hi = span
    values = series.values[lo:hi]
    if to_kr is not _identity:
        values = tuple(map(to_kr, values))
    return forecast(kr, series.times[lo:hi], values, aggregation, period)


def _reason(
    kr: KeyResult,
    label: str,
    value: float | None,
    progress: float | None,
    when: str,
    status: Status,
    period: Period,
    unit: str | None,
    started: bool,
    missing_baseline: bool,
    source: Source,
) -> str:
    if not started:
        return f"{kr.title}: {period} has not started."
    if missing_baseline:
        name = source.kpi.name if source.kpi is not None else kr.kpi
        return (
            f"{kr.title}: no {name} value before {period} to start from, "
            "so no target yet."
        )
    if value is None or progress is None:
        return f"{kr.title}: no check-in yet {when}."

    def show(number: float) -> str:
        return quantity(number, unit, label)

    if kr.kind in (Kind.LINEAR, Kind.RELATIVE, Kind.RATE):
        assert kr.start is not None
        assert kr.target is not None
        if kr.kind is Kind.RATE:
            what = f"{show(value)} per {kr.per} against {show(kr.target)}"
        elif kr.start == 0:
            # "20 of 60 customers": the label shows once, after the target.
            what = f"{quantity(value, unit)} of {show(kr.target)}"
        else:
            what = f"{show(value)} from {show(kr.start)} toward {show(kr.target)}"
    elif kr.kind is Kind.AT_LEAST:
        assert kr.target is not None
        what = f"{show(value)} against at least {show(kr.target)}"
    elif kr.kind is Kind.AT_MOST:
        assert kr.target is not None
        what = f"{show(value)} against at most {show(kr.target)}"
    elif kr.kind is Kind.WITHIN:
        assert kr.low is not None
        assert kr.high is not None
        what = f"{show(value)} against {show(kr.low)} to {show(kr.high)}"
    elif kr.kind is Kind.MILESTONES:
        done = int(value)
        upcoming = f"; next: {kr.steps[done].name}" if done < len(kr.steps) else ""
        what = f"{done} of {len(kr.steps)} milestones done{upcoming}"
    else:
        what = "done" if value == 1 else "not done"
    return f"{kr.title}: {what} ({percent(progress)}) {when}, {Pace.words(status)}."
