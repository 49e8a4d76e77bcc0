"""Timeline: every id's numbers at many dates, worked out one id at a time.

:func:`okrkit.history` shows each objective, key result and KPI at each of
its dates.  Running the engine at every date would read and score every key
result again each time, though a key result's value only changes when one of
its check-ins, or its period's start or end, falls between two dates.  The
timeline instead walks each key result's series once along the dates,
scores each distinct reading once, and adds what depends on the date alone
(the expected progress and the pace status) from figures worked out once per
period.  Objectives then roll up date by date from those columns, with the
engine's own functions, in the engine's order.

Nothing here is a second set of rules: values come from the same series
bounds and aggregations, scores from :func:`score_value`, roll-ups from
:func:`rolled_score`, forecasts from :func:`forecast_of`, and anything with
a shape the walk does not take (a rate, phased targets, a KPI link, a value
roll-up, a driven key result, a scoring strategy that reads the date, a
table summarized in its frame's engine) is read and scored at each date by
the engine's own functions, from the tracks made before it.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import partial
from itertools import accumulate, islice, repeat, takewhile
from operator import is_, itemgetter
from typing import cast

import attrs

from okrkit._aggregation import Aggregation
from okrkit._engine import counted_score, driven_by, rolled_parts, rolled_scores
from okrkit._key_result import KeyResult, Kind
from okrkit._key_result_eval import (
    Scored,
    forecast_of,
    read_from_kpi,
    read_own,
    read_rolled,
    score_reading,
    score_values,
)
from okrkit._kpi_eval import kpi_result, kpi_series
from okrkit._pace import projected_value
from okrkit._period import Period
from okrkit._plan import Driven, FromKpi, Node, Options, Own, Plan, Rolled, View
from okrkit._series import Series
from okrkit._status import Status
from okrkit._store import CheckinStore
from okrkit._summary import has_by
from okrkit.scoring import GoogleGrading, Linear, Pace, RedFlagGoal, Stepped

# The built-in strategies score a value from the key result alone: the date
# (the context's expected progress) never changes their score.
_DATE_FREE = (Linear, GoogleGrading, Stepped, RedFlagGoal)

_GREEN, _AMBER, _RED, _NO_DATA = Status.GREEN, Status.AMBER, Status.RED, Status.NO_DATA

# A track's statuses, worked out from its scores when first read.
_StatusesOf = Callable[[Sequence[float | None]], Sequence[Status]]
# A column at every date, as it is or made when first read.
_Column = Sequence[float | None] | Callable[[], Sequence[float | None]]


class Track:
    """One id's numbers at every date of a timeline (None: not its kind's).

    ``leading``, when known, counts the dates with no score, all before the
    first date with one.  Forecasts are worked out when first read, as in a
    scorecard, and so are values and progress given as functions, and
    statuses given as a function of the scores: a roll-up reads scores only.
    """

    __slots__ = (
        "_forecast",
        "_forecasts",
        "_progress",
        "_status",
        "_value",
        "expected",
        "kind",
        "label",
        "leading",
        "score",
        "title",
        "unit",
    )

    def __init__(
        self,
        kind: str,
        title: str,
        *,
        unit: str | None = None,
        label: str | None = None,
        value: _Column,
        progress: _Column,
        score: Sequence[float | None],
        expected: Sequence[float | None],
        status: Sequence[Status] | _StatusesOf,
        forecast: Callable[[], tuple[float | None, ...]] | None = None,
        leading: int | None = None,
    ) -> None:
        self.kind, self.title, self.unit, self.label = kind, title, unit, label
        # How many scores are None before the first that is not, when none
        # after it is (None: not known).  A roll-up then need not look.
        self.leading = leading
        self._value = value if callable(value) else tuple(value)
        self._progress = progress if callable(progress) else tuple(progress)
        self.score = tuple(score)
        self.expected = tuple(expected)
        self._status = status if callable(status) else tuple(status)
        self._forecast = forecast
        self._forecasts: tuple[float | None, ...] | None = None

    @property
    def value(self) -> Sequence[float | None]:
        """The value at each date."""
        return self._made("_value")

    @property
    def progress(self) -> Sequence[float | None]:
        """The progress at each date."""
        return self._made("_progress")

    def _made(self, slot: str) -> Sequence[float | None]:
        """The column in ``slot``, made now if it was given as a function."""
        found = getattr(self, slot)
        if callable(found):
            found = tuple(found())
            setattr(self, slot, found)
        return cast("Sequence[float | None]", found)

    @property
    def status(self) -> tuple[Status, ...]:
        """The status at each date."""
        found = self._status
        if callable(found):
            found = self._status = tuple(found(self.score))
        return found

    @property
    def forecast(self) -> tuple[float | None, ...]:
        """The forecast at each date (None for objectives and KPIs)."""
        if self._forecasts is None:
            found = self._forecast() if self._forecast is not None else None
            self._forecasts = found or (None,) * len(self.score)
        return self._forecasts


@attrs.frozen
class Timeline:
    """Every id's :class:`Track` over ``dates``, with the scorecard's id order."""

    dates: tuple[date, ...]
    tracks: dict[str, Track]
    groups: tuple[tuple[str, tuple[str, ...]], ...]  # (kind, ids) in card order


@attrs.frozen
class _Cuts:
    """One period seen from every date: what each date's window and pace need."""

    views: tuple[View, ...]
    start: float  # the period's first instant: every window starts there
    # The dates in order fall in three runs: before the period starts (no
    # window), inside it (a window cut at the date's instant, inclusive),
    # and from its end on (the whole period, the end exclusive).
    before: int
    inside: tuple[float, ...]
    after: int
    end: float
    started: tuple[bool, ...]
    elapsed: tuple[float, ...]
    on: tuple[float, ...]  # score at or above: on track (Pace._bounds)
    risk: tuple[float, ...]  # score at or above: at risk
    first_seen: _FirstSeen  # instant -> the first of ``inside`` at or after it


class _FirstSeen(dict[float, int]):
    """Which of a period's inclusive window ends first reaches each instant.

    Filled as instants are asked for, once each: the key results of one
    organisation share most instants (check-ins by the day), so a dict
    lookup replaces a bisection for nearly every check-in.  Made and
    dropped within one :func:`timeline` call.
    """

    __slots__ = ("_inside",)

    def __init__(self, inside: tuple[float, ...]) -> None:
        super().__init__()
        self._inside = inside

    def __missing__(self, instant: float) -> int:
        found = self[instant] = bisect_left(self._inside, instant)
        return found


def timeline(plan: Plan, store: CheckinStore, dates: Sequence[date]) -> Timeline:
    """The numbers of ``plan`` at each of ``dates``.

    ``plan`` and ``store`` are made for the last date with every series
    kept (``keep_all``).
    """
    nodes = [node for objective in plan.cascade.order for node in plan.nodes[objective]]
    options = plan.options
    plans = [plan.at_date(day) for day in dates]
    cuts = {period: _cuts(period, plans, options) for period in plan.views}
    tracks: dict[str, Track] = {}
    for kpi in plan.cascade.kpis:
        tracks[kpi.id] = _kpi_track(kpi.id, plan, plans, store)
    for objective_id in plan.cascade.rollup_order:
        for node in plan.nodes[objective_id]:
            tracks[node.kr.id] = _key_result_track(node, plans, cuts, store, tracks)
        tracks[objective_id] = _objective_track(objective_id, plan, cuts, tracks)
    groups = (
        ("objective", plan.cascade.order),
        ("key_result", tuple(node.kr.id for node in nodes)),
        ("kpi", tuple(kpi.id for kpi in plan.cascade.kpis)),
    )
    return Timeline(tuple(dates), tracks, groups)


def _cuts(period: Period, plans: Sequence[Plan], options: Options) -> _Cuts:
    views = tuple(p.views[period] for p in plans)
    start = views[0].window.start
    assert start is not None  # a period's window always has a start
    elapsed = tuple(view.elapsed for view in views)
    bounds = [options.pace._bounds(e, options.target_score) for e in elapsed]
    started = tuple(view.started for view in views)
    inside = tuple(v.window.end for v in views if v.started and v.window.inclusive)
    runs = [0 if not v.started else 1 if v.window.inclusive else 2 for v in views]
    assert runs == sorted(runs)  # the dates are in time order
    before = started.count(False)
    return _Cuts(
        views=views,
        start=start,
        before=before,
        inside=inside,
        after=len(views) - len(inside) - before,
        end=options.clock.day(period.end),
        started=started,
        elapsed=elapsed,
        on=tuple(on for on, _ in bounds),
        risk=tuple(risk for _, risk in bounds),
        first_seen=_FirstSeen(inside),
    )


def _statuses(
    scores: Sequence[float | None], cuts: _Cuts, options: Options
) -> list[Status] | _StatusesOf:
    """Pace status at each date: Pace.status's comparisons on its own bounds.

    okrkit's own :class:`Pace` cannot fail on the finite scores of a track,
    so its statuses are worked out when first read (a function of the
    scores); a subclass is asked now, so that its errors surface in
    :func:`history` as they would in :func:`evaluate`.
    """
    pace = options.pace
    if type(pace) is not Pace:  # a subclass may judge otherwise: ask it
        target = options.target_score
        return [
            pace.status(s, e, target_score=target)
            for s, e in zip(scores, cuts.elapsed, strict=True)
        ]
    return partial(_pace_statuses, cuts)


def _pace_statuses(cuts: _Cuts, scores: Sequence[float | None]) -> list[Status]:
    """:class:`Pace`'s status at each date, from its bounds at each date."""
    return [
        _NO_DATA if s is None else _GREEN if s >= on else _AMBER if s >= risk else _RED
        for s, on, risk in zip(scores, cuts.on, cuts.risk, strict=True)
    ]


# -- key results -------------------------------------------------------------------


def _walks(node: Node, options: Options) -> bool:
    """Whether a key result's numbers follow from its series walked along the dates."""
    kr = node.kr
    return (
        isinstance(node.source, Own)
        and kr.kind is not Kind.RATE
        and not kr.phases
        and kr.resolved
        and type(options.scoring) in _DATE_FREE
    )


def _key_result_track(
    node: Node,
    plans: Sequence[Plan],
    cuts: dict[Period, _Cuts],
    store: CheckinStore,
    tracks: Mapping[str, Track],
) -> Track:
    options = plans[0].options
    period_cuts = cuts[node.period]
    if _walks(node, options):
        walked = _walked(node, store, period_cuts, options)
        if walked is not None:
            return walked
    return _read_each(node, plans, period_cuts, store, tracks)


def _walked(
    node: Node, store: CheckinStore, cuts: _Cuts, options: Options
) -> Track | None:
    """A key result read from its own check-ins: one reading per distinct window.

    A LAST key result reads each distinct instant's LAST value
    (:meth:`CheckinStore.lasts`) and builds no series unless its forecasts
    are read; others walk the series.  None: the check-ins are summarized
    in a frame's engine (the caller reads them date by date).
    """
    kr, committed = node.kr, node.objective.committed
    how = kr.aggregation or Aggregation.LAST
    found_lasts = store.lasts(kr.id) if how is Aggregation.LAST else None
    forecasts = partial(_forecasts, node, store, cuts, options)
    times: Sequence[float]
    values: Sequence[float]
    if found_lasts is not None:
        times, values = found_lasts
        if type(options.scoring) is Linear:
            # Every instant's value in the period, scored once: each date
            # picks its own.  (One after the period no date sees: a value
            # its kind refuses there fails no evaluate, nor this.)
            lo = bisect_left(times, cuts.start)
            hi = bisect_left(times, cuts.end, lo)
            positions = _window_ends(times[lo:hi], 0, cuts, before=0)
            columns = _last_columns(kr, values[lo:hi], positions, options.scoring)
            if columns is not None:
                # The dates before the first check-in see position 0 (no
                # score); the positions never go down, the dates being in
                # time order, so those dates come first.
                leading = bisect_right(positions, 0)
                return _walked_track(kr, *columns, cuts, options, forecasts, leading)
    else:
        series = store.series(kr.id, kr.unit)
        if not isinstance(series, Series):
            return None
        times, values = series.times, series.values
    lo = bisect_left(times, cuts.start)
    ends = _window_ends(times, lo, cuts)
    # The numbers of each distinct window, worked out once.  The strategy
    # does not read the date, so any date's context scores alike.
    context = cuts.views[0].contexts[committed]
    distinct = list(dict.fromkeys(ends))
    found: list[float | None]
    if how is Aggregation.LAST:  # the last of values[lo:end]: no slice to check
        # (-1, not started, is below lo too: no value.)
        found = [values[end - 1] if end > lo else None for end in distinct]
    else:
        # Not started (-1) is never a value, whatever the aggregation.
        found = [None if end < 0 else how.apply(values[lo:end]) for end in distinct]
    progresses: Sequence[float | None]
    scores: Sequence[float | None]
    if None not in found:  # the usual case: every window has a value
        every = cast("list[float]", found)
        progresses, scores = score_values(kr, every, context, options)
    else:
        measured = [f for f in found if f is not None]
        both = score_values(kr, measured, context, options)
        shown, scored = iter(both[0]), iter(both[1])
        progresses = [None if f is None else next(shown) for f in found]
        scores = [None if f is None else next(scored) for f in found]
    # Each date's window among the distinct ones, then each column spread.
    index = {end: i for i, end in enumerate(distinct)}
    spread = _spreader(list(map(index.__getitem__, ends)))
    return _walked_track(
        kr,
        spread(found),
        spread(progresses),
        spread(scores),
        cuts,
        options,
        forecasts,
    )


def _walked_track(
    kr: KeyResult,
    value: _Column,
    progress: _Column,
    score: Sequence[float | None],
    cuts: _Cuts,
    options: Options,
    forecasts: Callable[[], tuple[float | None, ...]],
    leading: int | None = None,
) -> Track:
    """A walked key result's track from its columns at the dates."""
    return Track(
        "key_result",
        kr.title,
        unit=kr.unit,
        label=kr.label,
        value=value,
        progress=progress,
        score=score,
        expected=cuts.elapsed,
        status=_statuses(score, cuts, options),
        forecast=forecasts,
        leading=leading,
    )


# A key result's value, progress and score at each date.
_Columns = tuple[_Column, _Column, tuple[float | None, ...]]


def _last_columns(
    kr: KeyResult, values: Sequence[float], positions: list[int], scoring: Linear
) -> _Columns | None:
    """A LAST key result's value, progress and score at each date (default strategy).

    ``values`` are the LAST values at its distinct instants in the period,
    in time order; ``positions`` say which each date sees, behind a leading
    None (0: no check-in yet).  Each value is scored once, in C-level
    passes, and each date picks its own; the values and progress only when
    first read.  None when a score is not finite: the caller scores only
    the windows the dates see, and refuses a bad one by name.
    """
    progresses = kr._progresses(values)
    scores = scoring._clamp_all(progresses)
    if not all(map(math.isfinite, scores)):
        return None
    pick = _spreader(positions)
    return (
        partial(_picked, pick, values),
        partial(_picked, pick, progresses),
        pick([None, *scores]),
    )


def _picked(
    pick: Callable[[Sequence[float | None]], tuple[float | None, ...]],
    items: Sequence[float],
) -> tuple[float | None, ...]:
    """``pick`` from ``items`` behind a leading None (position 0: none yet)."""
    return pick([None, *items])


def _forecasts(
    node: Node, store: CheckinStore, cuts: _Cuts, options: Options
) -> tuple[float | None, ...]:
    """A walked key result's forecast at each date, cut from its series."""
    kr, period = node.kr, node.period
    how = kr.aggregation or Aggregation.LAST
    series = store.series(kr.id, kr.unit)
    assert isinstance(series, Series)
    at, seen = series.times, series.values
    start = bisect_left(at, cuts.start)
    ends = _window_ends(at, start, cuts)
    distinct = list(dict.fromkeys(ends))
    stop = options.clock.day(period.end)
    # forecast()'s value at each window (not started, -1: none).
    projected = [
        None if end < 0 else projected_value(at[start:end], seen[start:end], how, stop)
        for end in distinct
    ]
    index = {end: i for i, end in enumerate(distinct)}
    return _spreader(list(map(index.__getitem__, ends)))(projected)


def _window_ends(
    times: Sequence[float], lo: int, cuts: _Cuts, *, before: int = -1
) -> list[int]:
    """Where each date's window ends in ``times``, as Series.bounds cuts it.

    ``before`` (-1: no window) at dates before the period starts; ``lo`` is
    where the period's first instant falls.
    """
    inside = cuts.inside
    ends = [before] * cuts.before
    if inside:
        # A date's window ends after the instants up to it: count the
        # instants by the first date that sees each (fewer instants than
        # dates, as a rule), then add up.  Those after every date drop out.
        seen_from = [0] * (len(inside) + 1)
        for first in map(cuts.first_seen.__getitem__, islice(times, lo, None)):
            seen_from[first] += 1
        seen_from[0] += lo
        ends += accumulate(islice(seen_from, len(inside)))
    ends += [bisect_left(times, cuts.end, lo)] * cuts.after
    return ends


def _spreader(
    positions: list[int],
) -> Callable[[Sequence[float | None]], tuple[float | None, ...]]:
    """A function picking ``items[p]`` for each of ``positions``, at C level."""
    pick = itemgetter(*positions)
    if len(positions) == 1:
        return lambda items: (pick(items),)
    return pick


def _read_each(
    node: Node,
    plans: Sequence[Plan],
    cuts: _Cuts,
    store: CheckinStore,
    tracks: Mapping[str, Track],
) -> Track:
    """A key result read and scored at each date by the engine's own functions.

    A value roll-up reads its contributors' values at the same date, a driven
    key result its drivers' scores: their tracks are made first (roll-up
    order), as the engine evaluates them first.
    """
    kr, source = node.kr, node.source
    cascade, options = plans[0].cascade, plans[0].options
    clock = options.clock
    if isinstance(source, FromKpi):
        parts = kpi_series(source.kpi, store)
    else:
        own = store.series(kr.id, kr.unit, keep=True)
    scored: list[Scored] = []
    for index, (plan, view) in enumerate(zip(plans, cuts.views, strict=True)):
        driven = None
        if isinstance(source, FromKpi):
            reading = read_from_kpi(kr, source.kpi, parts, view, clock)
        elif isinstance(source, Rolled) and not has_by(own, view.at):
            values = [
                (tracks[i].value[index], tracks[i].unit) for i in source.contributors
            ]
            reading = read_rolled(kr, values, own, view)
        else:
            reading = read_own(kr, own, view)
            if isinstance(source, Driven) and not has_by(own, view.at):
                items = [
                    (i, cascade.objective(i).weight, tracks[i].score[index])
                    for i in source.drivers
                ]
                driven = driven_by(plan, source, items, view.started)
        scored.append(
            score_reading(
                reading,
                view,
                options,
                as_of=plan.as_of,
                committed=node.objective.committed,
                driven=driven,
            )
        )

    def forecasts() -> tuple[float | None, ...]:
        shown = []
        for one in scored:
            projected = forecast_of(one.reading, one.view, clock)
            shown.append(None if projected is None else projected.value)
        return tuple(shown)

    return Track(
        "key_result",
        kr.title,
        unit=scored[0].reading.unit,
        label=scored[0].reading.label,
        value=[s.reading.value for s in scored],
        progress=[s.progress for s in scored],
        score=[s.score for s in scored],
        expected=[s.expected for s in scored],
        status=[s.status for s in scored],
        forecast=forecasts,
    )


# -- objectives and KPIs -----------------------------------------------------------


def _objective_track(
    objective_id: str, plan: Plan, cuts: dict[Period, _Cuts], tracks: dict[str, Track]
) -> Track:
    """An objective rolled up at each date from its items' tracks (engine rules)."""
    cascade, options = plan.cascade, plan.options
    objective = cascade.objective(objective_id)
    no_data = options.rollup.no_data
    krs, children = rolled_parts(plan, objective)
    own = cuts[objective.period]
    items = [(kr.weight, tracks[kr.id], own.started) for kr in krs]
    for child in children:
        found = cascade.objective(child)
        items.append((found.weight, tracks[child], cuts[found.period].started))
    weights = [weight for weight, _, _ in items]
    # Each item's score as the roll-up counts it, then one row per date.
    counted = [_counted(track, started, no_data) for _, track, started in items]
    complete = all(whole for _, whole in counted)
    columns = [column for column, _ in counted]
    score = rolled_scores(objective, weights, columns, options, complete=complete)
    if not score:  # nothing to roll up: no score at any date
        score = [None] * len(own.views)
    return Track(
        "objective",
        objective.title,
        value=[None] * len(score),
        progress=score,
        score=score,
        expected=own.elapsed,
        status=_statuses(score, own, options),
        # Looked at once here, not by every parent that rolls it up.
        leading=0 if None not in score else None,
    )


def _counted(
    track: Track, started: Sequence[bool], no_data: str
) -> tuple[Sequence[float | None], bool]:
    """:func:`counted_score` at each date; whether every date has a counted score.

    A key result has no score only until its first check-in, so only the
    first dates' scores are looked at one by one (the track may know how
    many: then the rest are not looked at).
    """
    scores, first = track.score, track.leading
    if first is None:
        if None not in scores:
            return scores, True
        first = _leading_nones(scores)
        if None in scores[first:]:
            counted = list(map(counted_score, scores, started, repeat(no_data)))
            return counted, None not in counted
    if not first:
        return scores, True
    head = list(map(counted_score, scores[:first], started[:first], repeat(no_data)))
    return [*head, *scores[first:]], None not in head


def _leading_nones(items: Sequence[object]) -> int:
    """How many of ``items`` are None before the first that is not."""
    return len(list(takewhile(partial(is_, None), items)))


def _kpi_track(
    kpi_id: str, plan: Plan, plans: Sequence[Plan], store: CheckinStore
) -> Track:
    """A KPI at each date: the engine's KPI node, run at each date."""
    kpi = plan.kpis[kpi_id]
    parts = kpi_series(kpi, store)
    window = plan.kpi_windows.get(kpi_id)
    clock = plan.options.clock
    results = [
        kpi_result(
            kpi,
            parts,
            as_of=p.as_of,
            at=p.at,
            window=window,
            previous=None,
            clock=clock,
        )
        for p in plans
    ]
    none: list[float | None] = [None] * len(results)
    return Track(
        "kpi",
        kpi.name,
        unit=kpi.unit,
        label=kpi.label,
        value=[r.value for r in results],
        progress=none,
        score=none,
        expected=none,
        status=[r.status for r in results],
    )
