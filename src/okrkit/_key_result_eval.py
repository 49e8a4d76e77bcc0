"""Evaluating one key result: read its value, score it, say why.

Reading (what the check-ins say) and scoring (what that means) are separate
steps: the engine reads a key result's value from wherever its plan says it
comes from (its own check-ins, a KPI, contributing key results), then turns
the :class:`Reading` into a result with :func:`key_result_result`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, tzinfo
from functools import partial

import attrs

from okrkit import _validate
from okrkit._aggregation import Aggregation
from okrkit._fit import Fit, forecast_fit, pace_so_far_fit, probability_fit
from okrkit._format import percent, quantity
from okrkit._key_result import KeyResult, Kind
from okrkit._kpi import KPI
from okrkit._kpi_eval import aggregate_kpi, kpi_series
from okrkit._measurement import Measurement
from okrkit._pace import Forecast, expected_progress, forecast
from okrkit._period import Period
from okrkit._plan import Options, View, Window
from okrkit._probability import (
    key_result_needed_pace,
    key_result_pace_so_far,
    pace_sentence,
    probability,
)
from okrkit._results import Contribution, KeyResultResult, later, trusted
from okrkit._status import Status
from okrkit._store import CheckinStore, MeasurementSource
from okrkit._summary import (
    Latest,
    Part,
    Points,
    latest,
    over,
    trend,
    value_before,
)
from okrkit._time import Clock
from okrkit.exceptions import InvalidValueError, OkrkitError, PeriodError
from okrkit.scoring import Linear, Pace, RollUp, ScoreContext, ScoringStrategy
from okrkit.units import conversion


@attrs.frozen
class Reading:
    """What the check-ins say about one key result as of the instant."""

    value: float | None
    kr: KeyResult  # with start and target resolved (relative key results)
    unit: str | None  # the unit the value is in
    label: str
    latest: Latest | None = None  # the latest check-in by as_of
    points: Points | Fit | None = None  # the window's points (or their sums)
    aggregation: Aggregation = Aggregation.LAST
    sub_values: tuple[float | None, ...] = ()
    blocked: str = ""  # why there can be no value, if there cannot


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
    check-ins (a key result linked to ``kpi`` reads the KPI's ids).  It is a
    one-node evaluation: the same engine, validation and defaults as
    :func:`okrkit.evaluate`.

    >>> from okrkit import KeyResult, Measurement, Period
    >>> kr = KeyResult("customers", "Acquire 60 new customers", start=0,
    ...                target=60, label="customers")
    >>> result = evaluate_key_result(
    ...     kr, [Measurement(date(2026, 2, 10), 20)],
    ...     period=Period.quarter(2026, 1), as_of=date(2026, 2, 15))
    >>> result.score, result.status.name
    (0.3333333333333333, 'RED')
    >>> print(result.reason)
    Acquire 60 new customers: 20 of 60 customers (33 %) at 50 % of 2026-Q1,
    off track; needs 6.2 customers a week, has done 3.1 a week.
    """
    _validate.of_type(
        "evaluate_key_result", "key_result", key_result, KeyResult, "a KeyResult"
    )
    subject = f"KeyResult {key_result.id!r}"
    _validate.of_type(subject, "period", period, Period, "a Period")
    as_of = _validate.instant(subject, "as_of", as_of)
    _validate.of_type(subject, "committed", committed, bool, "True or False")
    options = Options.of(subject, scoring=scoring, rollup=RollUp(), pace=pace, tz=tz)
    clock = options.clock
    at = clock.instant(as_of)
    if not isinstance(measurements, Mapping):
        measurements = {key_result.id: measurements}
    store = CheckinStore(measurements, clock, at, subject="evaluate_key_result")
    view = View.of(period, as_of, at, clock)
    if key_result.kpi is not None:
        if not isinstance(kpi, KPI) or kpi.id != key_result.kpi:
            raise InvalidValueError(
                subject=subject,
                field="kpi",
                value=kpi,
                expected=f"the KPI {key_result.kpi!r} it links to",
            )
        reading = read_from_kpi(key_result, kpi, kpi_series(kpi, store), view, clock)
    else:
        reading = read_own(
            key_result, store.series(key_result.id, key_result.unit), view
        )
    scored = score_reading(reading, view, options, as_of=as_of, committed=committed)
    return key_result_result(scored, clock)


# -- reading ----------------------------------------------------------------------


def read_own(kr: KeyResult, series: Part, view: View) -> Reading:
    """Read a key result's value from its own check-ins."""
    aggregation = kr.aggregation or Aggregation.LAST
    return _read(kr, (series,), None, view, aggregation, kr.unit, kr.label)


def read_from_kpi(
    kr: KeyResult, kpi: KPI, parts: tuple[Part, ...], view: View, clock: Clock
) -> Reading:
    """Read a key result's value from a KPI's check-ins (KPI-to-KR linkage)."""
    aggregation = kr.aggregation or kpi.aggregation
    unit = kr.unit if kr.unit is not None else kpi.unit
    label = kr.label or (kpi.label if kr.unit is None else "")
    if kr.kind is Kind.RELATIVE and not kr.resolved:
        baseline = _baseline(kpi, parts, view, aggregation, clock)
        if baseline is None:
            why = f"no {kpi.name} value before {view.period} to start from"
            return Reading(None, kr, unit, label, blocked=why)
        if baseline == 0:  # a share of 0 is 0: the target would equal the start
            why = (
                f"the {kpi.name} baseline before {view.period} is 0 (a relative "
                "change from 0 moves nothing)"
            )
            return Reading(None, kr, unit, label, blocked=why)
        start = unit_converter(kpi.unit, kr.unit)(baseline)
        try:
            kr = kr.resolve(start)
        except OkrkitError:  # a change too small to move the target, say
            why = (
                f"a change of {kr.change!r} on the {kpi.name} baseline {start!r} "
                "leaves the target equal to the start"
            )
            return Reading(None, kr, unit, label, blocked=why)
    return _read(kr, parts, kpi, view, aggregation, unit, label)


def read_rolled(
    kr: KeyResult,
    children: Iterable[tuple[float | None, str | None]],
    own: Part,
    view: View,
) -> Reading:
    """Value roll-up: the SUM (or the parent's aggregation) of contributors' values.

    ``children`` are the contributors' (value, unit).  Contributors without
    check-ins add nothing; with none measured the value is None.
    """
    values = [
        conversion(unit, kr.unit).apply(value)
        for value, unit in children
        if value is not None
    ]
    value = (kr.aggregation or Aggregation.SUM).apply(values) if values else None
    if value is not None:
        value = _validate.real(f"KeyResult {kr.id!r}", "value", value)
    if not view.started:
        value = None
    latest = _latest((own,), view)
    return Reading(value, kr, kr.unit, kr.label, latest=latest)


def _read(
    kr: KeyResult,
    parts: tuple[Part, ...],
    kpi: KPI | None,
    view: View,
    aggregation: Aggregation,
    unit: str | None,
    label: str,
) -> Reading:
    latest = _latest(parts, view)
    if not view.started:
        return Reading(None, kr, unit, label, latest=latest, aggregation=aggregation)
    to_kr = unit_converter(kpi.unit if kpi is not None else kr.unit, unit)
    if kr.kind is Kind.RATE:
        value, subs = _rate_value(kr, parts, kpi, view, aggregation, to_kr)
        return Reading(
            value, kr, unit, label, latest, None, aggregation, sub_values=subs
        )
    raw = _window_value(parts, kpi, view.window, aggregation)
    value = None if raw is None else to_kr(raw)
    points = None
    if value is not None and (kpi is None or not kpi.is_ratio):
        window = view.window
        points = trend(
            parts[0],
            window.start,
            window.end,
            window.inclusive,
            aggregation,
            None if to_kr is _identity else to_kr,
        )
    return Reading(value, kr, unit, label, latest, points, aggregation)


def _identity(value: float) -> float:
    return value


def unit_converter(source: str | None, target: str | None) -> Callable[[float], float]:
    """A function converting a KPI's unit to the key result's (None: the same)."""
    if source == target or target is None:
        return _identity
    return conversion(source, target).apply


def _window_value(
    parts: tuple[Part, ...],
    kpi: KPI | None,
    window: Window,
    aggregation: Aggregation,
) -> float | None:
    if kpi is not None:
        return aggregate_kpi(kpi, parts, window, aggregation)
    return over(parts[0], window.start, window.end, window.inclusive, aggregation)


def _baseline(
    kpi: KPI,
    parts: tuple[Part, ...],
    view: View,
    aggregation: Aggregation,
    clock: Clock,
) -> float | None:
    """The KPI's value when the period begins, for a relative target.

    A LAST KPI: its last check-in before the period.  Any other aggregation,
    and a ratio KPI: its aggregation over the previous period of the same kind.
    Seen from the as-of instant: before the period starts, only the
    check-ins up to it count (a history's store holds later ones too).
    """
    period, at = view.period, view.at
    start = clock.day(period.start)
    if aggregation is Aggregation.LAST and not kpi.is_ratio:
        if at < start:
            return over(parts[0], None, at, True, Aggregation.LAST)
        return value_before(parts[0], start)
    try:
        earlier = period.previous()
    except PeriodError:  # a period in year 1 has nothing before it
        return None
    first = clock.day(earlier.start)
    if at >= start:
        window = Window(first, start, False)
    elif at >= first:
        window = Window(first, at, True)
    else:  # the previous period has not begun: nothing seen yet
        window = Window(first, first, False)
    return aggregate_kpi(kpi, parts, window, aggregation)


def _rate_value(
    kr: KeyResult,
    parts: tuple[Part, ...],
    kpi: KPI | None,
    view: View,
    aggregation: Aggregation,
    to_kr: Callable[[float], float],
) -> tuple[float | None, tuple[float | None, ...]]:
    """Mean per-sub-period value over the sub-periods that count.

    Completed sub-periods always count (an empty one counts as 0); the current
    one counts once it has reached the target by itself.
    """
    assert kr.per is not None
    assert kr.target is not None
    window = view.window
    assert window.start is not None
    clock_day = view.clock.day
    counted, shown = [], []
    for piece in view.period.split(kr.per):
        lo, hi = clock_day(piece.start), clock_day(piece.end)
        if window.inclusive and window.end < lo:
            break
        complete = not window.inclusive or window.end >= hi
        cut = Window(lo, hi, False) if complete else Window(lo, window.end, True)
        raw = _window_value(parts, kpi, cut, aggregation)
        value = 0.0 if raw is None else to_kr(raw)
        shown.append(value)
        if complete or value >= kr.target:
            counted.append(value)
    if not counted:
        return None, tuple(shown)
    return math.fsum(counted) / len(counted), tuple(shown)


def _latest(parts: tuple[Part, ...], view: View) -> Latest | None:
    """The latest check-in by the as-of instant across the series."""
    best: Latest | None = None
    for part in parts:
        found = latest(part, view.at)
        if found is not None and (best is None or found.at > best.at):
            best = found
    return best


# -- scoring ----------------------------------------------------------------------


class Scored:
    """A key result's numbers: all that roll-ups and pace need, cheap to make.

    The result object, with its forecast and reason, is made from it only
    when someone reads it (:func:`key_result_result`).  Its :class:`Reading`
    may itself be made on first use: a key result scored from its value
    alone builds no series until its result is read.  Then ``reading`` is a
    reader shared by every key result of a view, called with the key
    result: no object per key result for the garbage collector to follow.
    """

    __slots__ = (
        "_kr",
        "_read",
        "_reading",
        "committed",
        "driven",
        "expected",
        "grade",
        "progress",
        "score",
        "status",
        "value",
        "view",
        "when",
    )

    def __init__(
        self,
        kr: KeyResult,
        value: float | None,
        reading: Reading | Callable[[KeyResult], Reading],
        view: View,
        committed: bool,
        progress: float | None,
        score: float | None,
        status: Status,
        grade: Status | None,
        expected: float,
        when: str,
        driven: tuple[str, float] | None,
    ) -> None:
        self._kr, self.value = kr, value
        if isinstance(reading, Reading):
            self._reading: Reading | None = reading
            self._read: Callable[[KeyResult], Reading] | None = None
        else:
            self._reading, self._read = None, reading
        self.view, self.committed = view, committed
        self.progress, self.score, self.status = progress, score, status
        self.grade, self.expected, self.when, self.driven = (
            grade,
            expected,
            when,
            driven,
        )

    @property
    def deferred(self) -> bool:
        """Whether the reading is still to be made: an own LAST value, unread.

        Then the value is the one scored, in the key result's own unit and
        label, with no sub-values, as :func:`read_own` would read it.
        """
        return self._reading is None

    @property
    def kr(self) -> KeyResult:
        """The key result scored."""
        return self._kr

    @property
    def reading(self) -> Reading:
        """What the check-ins say, read now if it was not read yet."""
        found = self._reading
        if found is None:
            assert self._read is not None
            found = self._reading = self._read(self._kr)
            self._read = None
        return found


def score_reading(
    reading: Reading,
    view: View,
    options: Options,
    *,
    as_of: date,
    committed: bool,
    driven: tuple[str, float] | None = None,
) -> Scored:
    """Score a reading: progress, score, grade and pace.

    ``driven`` is (the driving objectives' titles, their weighted mean
    score) for a key result driven by objectives.
    """
    return score_numbers(
        reading.kr,
        reading.value,
        reading,
        view,
        options,
        as_of=as_of,
        committed=committed,
        driven=driven,
    )


def score_numbers(
    kr: KeyResult,
    value: float | None,
    reading: Reading | Callable[[KeyResult], Reading],
    view: View,
    options: Options,
    *,
    as_of: date,
    committed: bool,
    driven: tuple[str, float] | None = None,
) -> Scored:
    """Score a key result's ``value``; its ``reading`` (or a reader of it) is kept."""
    if kr.phases:
        expected = expected_progress(kr, view.period, as_of, options.clock.tz)
        context = ScoreContext(committed=committed, expected=expected)
        when = f"at {percent(expected)} of {view.period}"
    else:
        expected, context, when = view.elapsed, view.contexts[committed], view.when
    progress = score = grade = None
    if driven is not None:
        progress = score = driven[1]
    elif value is not None:
        progress, score, grade = score_value(kr, value, context, options)
    status = options.status(score, expected)
    return Scored(
        kr, value, reading, view, committed, progress, score, status, grade,
        expected, when, driven,
    )  # fmt: skip


def score_value(
    kr: KeyResult, value: float, context: ScoreContext, options: Options
) -> tuple[float, float, Status | None]:
    """A value's progress, score and grade (None when the strategy has no grades)."""
    progress = kr.progress(value)
    scoring = options.scoring
    if type(scoring) is Linear:  # its score is the progress, clamped: say it once
        score = scoring._clamp(progress)
    else:
        score = scoring.score(kr, value, context)
    if type(score) is not float or not math.isfinite(score):
        score = _validate.real(f"KeyResult {kr.id!r}", "score", score)
    grade = None
    if options.grading is not None:
        grade = options.grading.grade(score, committed=context.committed)
    return progress, score, grade


def score_values(
    kr: KeyResult, values: Sequence[float], context: ScoreContext, options: Options
) -> tuple[Sequence[float], Sequence[float]]:
    """:func:`score_value` of many values at once: their progresses and scores.

    The default strategy's scores are the progresses clamped, worked out
    in C-level passes; anything else (or a score that is not finite, to be
    refused by name) goes value by value.
    """
    scoring = options.scoring
    if type(scoring) is Linear:
        progresses = kr._progresses(values)
        scores = scoring._clamp_all(progresses)
        if all(map(math.isfinite, scores)):
            return progresses, scores
    each = [score_value(kr, value, context, options) for value in values]
    return [p for p, _, _ in each], [s for _, s, _ in each]


def forecast_of(reading: Reading, view: View, clock: Clock) -> Forecast | None:
    """Where a reading's check-ins lead by its period's end (None: no trend)."""
    kr, how, end = reading.kr, reading.aggregation, clock.day(view.period.end)
    if isinstance(reading.points, Fit):
        return forecast_fit(kr, reading.points, how, end)
    if reading.points is not None:
        times, values = reading.points
        return forecast(kr, times, values, how, view.period, end=end)
    return None


def reach_chance(scored: Scored, clock: Clock) -> float | None:
    """The chance a scored key result meets its target at its period's end."""
    reading, view = scored.reading, scored.view
    if reading.points is None:
        return None
    end = clock.day(view.period.end)
    if isinstance(reading.points, Fit):
        return probability_fit(
            reading.kr, reading.points, reading.aggregation, now=view.at, end=end
        )
    times, values = reading.points
    return probability(
        reading.kr,
        times,
        values,
        reading.aggregation,
        view.period,
        now=view.at,
        end=end,
    )


def key_result_result(
    scored: Scored, clock: Clock, contributions: tuple[Contribution, ...] = ()
) -> KeyResultResult:
    """Make the result of a scored key result: forecast, likelihood, pace, reason.

    What needs the key result's series (forecast, latest check-in,
    likelihood, reason) is worked out when first read: reading a key
    result's score reads no check-in.
    """
    view = scored.view
    kr, value, at = scored.kr, scored.value, view.at
    subs: tuple[float | None, ...] = ()
    if scored.deferred:  # an own LAST value: read_own's unit, label, no parts
        unit, label = kr.unit, kr.label
    else:
        reading = scored.reading
        unit, label, subs = reading.unit, reading.label, reading.sub_values
    end = clock.day(view.period.end)
    weekly = monthly = None
    if value is not None and scored.driven is None:
        weekly = key_result_needed_pace(kr, value, now=at, end=end, per="week")
        monthly = key_result_needed_pace(kr, value, now=at, end=end, per="month")
    trend = _Trend(scored, clock)
    return trusted(
        KeyResultResult,
        id=kr.id,
        title=kr.title,
        kind=kr.kind,
        value=value,
        unit=unit,
        label=label,
        start=kr.start,
        target=kr.target,
        weight=kr.weight,
        progress=scored.progress,
        score=scored.score,
        status=scored.status,
        grade=scored.grade,
        expected=scored.expected,
        forecast=later(trend.forecast),
        forecast_progress=later(trend.forecast_progress),
        confidence=later(trend.confidence),
        last_measured=later(trend.last_measured),
        started=view.started,
        sub_values=subs,
        # Words cost more than the numbers: made when read.
        reason=later(partial(_reason, scored, weekly, clock)),
        # The likelihood (a t-distribution per key result) only when read.
        probability=later(partial(reach_chance, scored, clock)),
        needed_per_week=weekly,
        needed_per_month=monthly,
        contributions=contributions,
    )


class _Trend:
    """A key result's forecast and latest check-in, from its series, on first use.

    One per result, shared by the four fields it fills when read.
    """

    __slots__ = ("_clock", "_found", "_scored")

    def __init__(self, scored: Scored, clock: Clock) -> None:
        self._scored, self._clock = scored, clock
        self._found: tuple[Forecast | None, Latest | None] | None = None

    def _read(self) -> tuple[Forecast | None, Latest | None]:
        found = self._found
        if found is None:
            reading = self._scored.reading
            projection = forecast_of(reading, self._scored.view, self._clock)
            found = self._found = (projection, reading.latest)
        return found

    def forecast(self) -> float | None:
        projection = self._read()[0]
        return None if projection is None else projection.value

    def forecast_progress(self) -> float | None:
        projection = self._read()[0]
        return None if projection is None else projection.progress

    def confidence(self) -> float | None:
        latest = self._read()[1]
        return None if latest is None else latest.confidence

    def last_measured(self) -> date | None:
        latest = self._read()[1]
        return None if latest is None else latest.day(self._clock)


def _so_far(scored: Scored, clock: Clock) -> float | None:
    """The change per week so far, from the key result's trend (None: no trend)."""
    reading, view = scored.reading, scored.view
    kr, how, period = reading.kr, reading.aggregation, view.period
    points = reading.points
    # The period's start as an instant in the evaluation's zone, on the time
    # line of the check-ins' instants (not the local key of the day).
    start = clock.day(period.start)
    if isinstance(points, Fit):
        return pace_so_far_fit(
            kr, points, how, period_start=start, now=view.at, per="week"
        )
    if points is None:
        return None
    times, values = points
    return key_result_pace_so_far(
        kr, times, values, how, period, now=view.at, per="week", start=start
    )


def _reason(scored: Scored, needed: float | None, clock: Clock) -> str:
    reading, view, driven = scored.reading, scored.view, scored.driven
    progress, when, status = scored.progress, scored.when, scored.status
    kr, value = reading.kr, reading.value
    if not view.started:
        return f"{kr.title}: {view.period} has not started."
    if driven is not None:
        return (
            f"{kr.title}: driven by {driven[0]}: {percent(driven[1])} {when}, "
            f"{Pace.words(status)}."
        )
    if reading.blocked:
        return f"{kr.title}: {reading.blocked}, so no target yet."
    if value is None or progress is None:
        return f"{kr.title}: no check-in yet {when}."
    what = _what(kr, value, reading.unit, reading.label)
    pace = ""
    if needed is not None and status in (Status.AMBER, Status.RED):
        # Behind: say what it takes from now on, and what it has done so far.
        so_far = _so_far(scored, clock)
        shown = pace_sentence(needed, so_far, unit=reading.unit, label=reading.label)
        pace = f"; {shown}"
    return (
        f"{kr.title}: {what} ({percent(progress)}) {when}, {Pace.words(status)}{pace}."
    )


def _what(kr: KeyResult, value: float, unit: str | None, label: str) -> str:
    """Say the value against the key result's goal: "20 of 60 customers"."""

    def show(number: float) -> str:
        return quantity(number, unit, label)

    if kr.kind is Kind.MILESTONES:
        done = int(value)
        upcoming = f"; next: {kr.steps[done].name}" if done < len(kr.steps) else ""
        return f"{done} of {len(kr.steps)} milestones done{upcoming}"
    if kr.kind is Kind.DONE:
        return "done" if value == 1 else "not done"
    if kr.kind is Kind.WITHIN:
        assert kr.low is not None
        assert kr.high is not None
        return f"{show(value)} against {show(kr.low)} to {show(kr.high)}"
    assert kr.target is not None
    if kr.kind is Kind.AT_LEAST:
        return f"{show(value)} against at least {show(kr.target)}"
    if kr.kind is Kind.AT_MOST:
        return f"{show(value)} against at most {show(kr.target)}"
    if kr.kind is Kind.RATE:
        return f"{show(value)} per {kr.per} against {show(kr.target)}"
    if kr.start == 0:
        # "20 of 60 customers": the label shows once, after the target.
        return f"{quantity(value, unit)} of {show(kr.target)}"
    assert kr.start is not None
    return f"{show(value)} from {show(kr.start)} toward {show(kr.target)}"
