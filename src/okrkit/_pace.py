"""Time: expected progress at an instant, and a least-squares forecast."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from datetime import date, tzinfo
from operator import mul, sub

import attrs

from okrkit._aggregation import Aggregation
from okrkit._key_result import KeyResult, Kind
from okrkit._period import Period
from okrkit._time import day_key, instant_key
from okrkit.exceptions import OkrkitError


def _anchors(kr: KeyResult) -> tuple[float, float]:
    """The values at the start and end of the period for a phased curve."""
    start = kr.start if kr.start is not None else 0.0
    if kr.target is not None and kr.kind not in (Kind.AT_LEAST, Kind.AT_MOST):
        end = kr.target
    elif kr.kind is Kind.MILESTONES:
        end = float(len(kr.steps))
    elif kr.target is not None:
        end = kr.target
    else:
        end = 1.0
    return start, end


def expected_progress(kr: KeyResult, period: Period, as_of: date, tz: tzinfo) -> float:
    """Return the progress expected at ``as_of``, in [0, 1].

    Linear over the period's calendar time, or, with ``phases``, piecewise
    linear through the dated intermediate targets.
    """
    if not kr.phases:
        return period.elapsed(as_of, tz=tz)
    start_value, end_value = _anchors(kr)
    if end_value == start_value:
        return period.elapsed(as_of, tz=tz)
    points = [(day_key(period.start), start_value)]
    points += [
        (day_key(day), value)
        for day, value in kr.phases
        if period.start < day < period.end
    ]
    points.append((day_key(period.end), end_value))
    at = instant_key(as_of, tz)
    value = _interpolate(points, at)
    share = (value - start_value) / (end_value - start_value)
    return min(1.0, max(0.0, share))


def _interpolate(points: Sequence[tuple[float, float]], at: float) -> float:
    if at <= points[0][0]:
        return points[0][1]
    for (t0, v0), (t1, v1) in itertools.pairwise(points):
        if at <= t1:
            return v0 + (v1 - v0) * (at - t0) / (t1 - t0)
    return points[-1][1]


@attrs.frozen(kw_only=True)
class Forecast:
    """Where a least-squares line through the check-ins lands at period end.

    >>> Forecast(value=120.0, progress=1.2).progress
    1.2
    """

    value: float
    progress: float | None


def forecast(
    kr: KeyResult,
    times: Sequence[float],
    values: Sequence[float],
    aggregation: Aggregation,
    period: Period,
    *,
    end: float | None = None,
) -> Forecast | None:
    """Project the period's check-ins to the period's end.

    LAST-aggregated key results fit the values themselves; SUM and COUNT fit
    the running total.  Other aggregations, or fewer than two check-ins at
    distinct times, give no forecast.  ``end`` is the period's end on the
    time line of ``times``; by default its local key.
    """
    if end is None:
        end = day_key(period.end)
    projected = projected_value(times, values, aggregation, end)
    return None if projected is None else projection(kr, projected)


def projected_value(
    times: Sequence[float],
    values: Sequence[float],
    aggregation: Aggregation,
    end: float,
) -> float | None:
    """The value :func:`forecast` projects to the instant ``end``, without the result.

    None where it gives no forecast (an infinite projection included).
    What a history reads at every date: the value alone, made no object for.
    """
    ys: Sequence[float]
    if aggregation is Aggregation.LAST:
        ys = values
    elif aggregation is Aggregation.SUM:
        ys = list(itertools.accumulate(values))  # the running total
    elif aggregation is Aggregation.COUNT:
        ys = list(map(float, range(1, len(values) + 1)))
    else:
        return None
    count = len(ys)
    if count < 2:
        return None
    # C-level sums of products: this runs for every key result of an
    # evaluation.  Centred times keep the products small and exact enough.
    mean_t = sum(times) / count
    offsets = list(map(sub, times, itertools.repeat(mean_t)))
    spread = sum(map(mul, offsets, offsets))
    if spread == 0:
        return None
    mean_y = sum(ys) / count
    slope = sum(map(mul, offsets, ys)) / spread
    projected = mean_y + slope * (end - mean_t)
    return projected if math.isfinite(projected) else None


def projection(kr: KeyResult, projected: float) -> Forecast | None:
    """A projected value as a forecast (None if it is not finite)."""
    if not math.isfinite(projected):
        return None
    try:
        progress: float | None = kr.progress(projected)
    except OkrkitError:  # e.g. 2.6 milestones: no meaningful progress
        progress = None
    return Forecast(value=projected, progress=progress)
