"""Likelihood and pace: the chance of reaching a target, and the pace it needs.

Pure functions on plain floats (time keys in seconds, values in the key
result's unit), so the engine can call them next to :func:`okrkit._pace.forecast`.
See docs/explanation/likelihood.md for the model and its assumptions.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from operator import mul, sub
from typing import Literal

from okrkit._aggregation import Aggregation
from okrkit._format import number, quantity
from okrkit._key_result import KeyResult, Kind
from okrkit._period import Period
from okrkit._time import SECONDS_PER_DAY, day_key
from okrkit.exceptions import InvalidValueError

Per = Literal["week", "month"]

#: Seconds in a week, and in the mean Gregorian month (365.2425 / 12 days).
SECONDS_PER: dict[str, float] = {
    "week": 7 * SECONDS_PER_DAY,
    "month": 365.2425 / 12 * SECONDS_PER_DAY,
}

# Exact enumeration keeps at most this many distinct weighted sums; beyond it
# objective_probability samples with a fixed seed instead.
_MAX_STATES = 50_000
#: Up to this many items an objective's probability is computed exactly.
EXACT_ITEMS = 12

# -- Student's t ---------------------------------------------------------------


def _betacf(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    # Convergence takes about sqrt(max(a, b)) steps; leave ample room.
    for m in range(1, 200 + int(20 * math.sqrt(max(a, b)))):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        step = d * c
        h *= step
        if abs(step - 1.0) < 1e-16:
            break
    return h


def regularized_beta(a: float, b: float, x: float) -> float:
    """Return the regularized incomplete beta function I_x(a, b).

    >>> regularized_beta(2.0, 3.0, 0.0), regularized_beta(2.0, 3.0, 1.0)
    (0.0, 1.0)
    >>> round(regularized_beta(1.0, 1.0, 0.3), 12)  # uniform: I_x(1, 1) = x
    0.3
    """
    return _beta(a, b, x, 1.0 - x)


def _beta(a: float, b: float, x: float, y: float) -> float:
    """I_x(a, b) with ``y = 1 - x`` given exactly by the caller (no cancellation)."""
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    log_front = (
        math.lgamma(a + b)
        - math.lgamma(a)
        - math.lgamma(b)
        + a * math.log(x)
        + b * math.log(y)
    )
    front = math.exp(log_front)
    # The continued fraction converges fast on this side; use symmetry otherwise.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, y) / b


def student_t_cdf(x: float, df: float) -> float:
    """Return P(T <= x) for Student's t distribution with ``df`` degrees of freedom.

    Computed from the regularized incomplete beta function, accurate to
    about 1e-12; ``df`` need not be a whole number.

    >>> student_t_cdf(0.0, 5)
    0.5
    >>> round(student_t_cdf(2.228138851986, 10), 6)  # the 97.5 % point of t(10)
    0.975
    """
    if not df > 0 or not math.isfinite(df):
        raise InvalidValueError(
            subject="student_t_cdf",
            field="df",
            value=df,
            expected="a finite number of degrees of freedom above 0",
        )
    if math.isnan(x):
        raise InvalidValueError(
            subject="student_t_cdf", field="x", value=x, expected="a number"
        )
    if math.isinf(x):
        return 1.0 if x > 0 else 0.0
    if df > 1e8:  # t(df) is the normal distribution to within 1e-8 here
        return 0.5 * math.erfc(-x / math.sqrt(2.0))
    # P(T > |x|) = I_z(df/2, 1/2) / 2 with z = df / (df + x^2); 1 - z is
    # passed as x^2 / (df + x^2) to keep its digits when x is near 0.
    spread = df + x * x
    tail = 0.5 * _beta(df / 2.0, 0.5, df / spread, x * x / spread)
    return 1.0 - tail if x > 0 else tail


# -- the least-squares line and its predictive distribution -------------------


def trend_values(
    values: Sequence[float], aggregation: Aggregation
) -> Sequence[float] | None:
    """Return the series a trend is fitted to, as :func:`_pace.forecast` does.

    LAST fits the values themselves, SUM the running total and COUNT the
    running count; other aggregations have no trend (None).

    >>> trend_values([3.0, 4.0, 5.0], Aggregation.SUM)
    [3.0, 7.0, 12.0]
    >>> trend_values([3.0, 4.0], Aggregation.COUNT)
    [1.0, 2.0]
    >>> trend_values([1.0], Aggregation.MEAN) is None
    True
    """
    if aggregation is Aggregation.LAST:
        return values
    if aggregation is Aggregation.SUM:
        return list(itertools.accumulate(values))
    if aggregation is Aggregation.COUNT:
        return [float(i) for i in range(1, len(values) + 1)]
    return None


def reach_probability(
    times: Sequence[float],
    values: Sequence[float],
    *,
    end: float,
    lower: float | None = None,
    upper: float | None = None,
) -> float | None:
    """Return the chance that the value at ``end`` lies in ``[lower, upper]``.

    Fits a least-squares line through (``times``, ``values``) and uses the
    predictive distribution of a new observation at ``end``: Student's t with
    n - 2 degrees of freedom, centred on the fitted value, scaled by
    ``s * sqrt(1 + 1/n + (end - mean_t)**2 / Sxx)``.  ``values`` are already
    in trend form (see :func:`trend_values`).  An open bound is None: an
    increase key result passes ``lower=target``, a decrease ``upper=target``.

    None with fewer than three points, when every time is the same, or
    when the fit overflows floats (values near the largest float).  A
    perfect line (no residual spread) gives 1.0 or 0.0 by where the fitted
    value falls; landing on a bound counts as inside.

    >>> day = 86400.0
    >>> times = [0.0, 10 * day, 20 * day, 30 * day]
    >>> reach_probability(times, [0.0, 10.0, 20.0, 30.0], end=90 * day, lower=90.0)
    1.0
    >>> p = reach_probability(times, [1.0, 9.0, 19.0, 31.0], end=90 * day, lower=90.0)
    >>> round(p, 4)
    0.5
    """
    count = len(times)
    if count != len(values):
        raise InvalidValueError(
            subject="reach_probability",
            field="values",
            value=len(values),
            expected=f"one value per time ({count})",
        )
    if count < 3:
        return None
    try:
        fit = _line(times, values, end)
    except (OverflowError, ValueError):  # fsum: an overflow, or inf - inf
        return None
    if fit is None:
        return None
    fitted, sse, mean_t, sxx = fit
    s = math.sqrt(sse / (count - 2))
    size = max(map(abs, values))
    return predictive_chance(
        fitted, s, count, (end - mean_t) ** 2 / sxx, lower, upper, perfect=1e-12 * size
    )


def _line(
    times: Sequence[float], values: Sequence[float], end: float
) -> tuple[float, float, float, float] | None:
    """Least squares: (fitted value at ``end``, SSE, mean time, Sxx).

    None when every time is the same, or when the fit is not finite in
    floats (values near the largest float): no trend can be said then,
    as :func:`~okrkit._pace.forecast` says none.
    """
    count = len(times)
    mean_t = math.fsum(times) / count
    mean_y = math.fsum(values) / count
    # C-level passes (one likelihood per key result of an export); fsum is
    # exact, so the sums are those of the obvious loops.
    offsets = list(map(sub, times, itertools.repeat(mean_t)))
    sxx = math.fsum(map(mul, offsets, offsets))
    if sxx == 0:
        return None
    slope = math.fsum(map(mul, offsets, values)) / sxx
    residuals = list(
        map(
            sub,
            map(sub, values, itertools.repeat(mean_y)),
            map(mul, itertools.repeat(slope), offsets),
        )
    )
    sse = math.fsum(map(mul, residuals, residuals))
    fitted = mean_y + slope * (end - mean_t)
    if not (math.isfinite(fitted) and math.isfinite(sse)):
        return None
    return fitted, sse, mean_t, sxx


def predictive_chance(
    fitted: float,
    s: float,
    count: int,
    leverage: float,
    lower: float | None,
    upper: float | None,
    *,
    perfect: float,
) -> float:
    """The chance a new observation of a fitted line lands in [lower, upper].

    Student's t with ``count - 2`` degrees of freedom around ``fitted``,
    scaled by ``s * sqrt(1 + 1/count + leverage)``, where ``leverage`` is
    ``(end - mean_t)**2 / Sxx``.  A spread ``s`` at or below ``perfect``
    is rounding on a perfect line: the answer is then 1.0 or 0.0.

    >>> predictive_chance(90.0, 0.0, 4, 1.0, 90.0, None, perfect=1e-9)
    1.0
    """
    if s <= perfect:  # a perfect line up to rounding: no spread left
        return 1.0 if _inside(fitted, lower, upper) else 0.0
    scale = s * math.sqrt(1.0 + 1.0 / count + leverage)
    df = count - 2
    below_upper = 1.0 if upper is None else student_t_cdf((upper - fitted) / scale, df)
    below_lower = 0.0 if lower is None else student_t_cdf((lower - fitted) / scale, df)
    return min(1.0, max(0.0, below_upper - below_lower))


def _inside(value: float, lower: float | None, upper: float | None) -> bool:
    def near(bound: float) -> bool:
        return math.isclose(value, bound, rel_tol=1e-9, abs_tol=1e-12)

    if lower is not None and value < lower and not near(lower):
        return False
    return upper is None or value <= upper or near(upper)


def target_bounds(kr: KeyResult) -> tuple[float | None, float | None] | None:
    """Return the (lower, upper) range a key result must end in to be met.

    Increase and at least: (target, None); decrease and at most: (None,
    target); within: (low, high); milestones: (all of them, None); done:
    (1, None).  None for a rate key result or an unresolved relative one.

    >>> target_bounds(KeyResult("k", "Cut churn", start=5, target=2))
    (None, 2.0)
    >>> target_bounds(KeyResult.within("t", "Temperature", 19, 23))
    (19.0, 23.0)
    """
    kind = kr.kind
    if kind in (Kind.LINEAR, Kind.RELATIVE):
        if kr.start is None or kr.target is None:
            return None
        target = float(kr.target)
        return (target, None) if kr.target > kr.start else (None, target)
    if kind is Kind.AT_LEAST:
        return (_float(kr.target), None)
    if kind is Kind.AT_MOST:
        return (None, _float(kr.target))
    if kind is Kind.WITHIN:
        return (_float(kr.low), _float(kr.high))
    if kind is Kind.MILESTONES:
        return (float(len(kr.steps)), None)
    if kind is Kind.DONE:
        return (1.0, None)
    return None  # a rate key result: its value is a per-sub-period mean


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def probability(
    kr: KeyResult,
    times: Sequence[float],
    values: Sequence[float],
    aggregation: Aggregation,
    period: Period,
    *,
    now: float | None = None,
    end: float | None = None,
) -> float | None:
    """Return the chance that a key result meets its target at the period's end.

    Takes the arguments :func:`okrkit._pace.forecast` takes (the period's
    check-ins up to as of, in the key result's unit, and the key result with
    its relative target resolved) and applies :func:`reach_probability`.
    Once the period is over (``now``, the as-of key, at or after its end)
    the outcome is known: 1.0 when the last value meets the target, else 0.0.
    ``end`` is the period's end on the same time line as ``times`` (the
    evaluation's instants); by default its local key.

    >>> from okrkit import Period
    >>> kr = KeyResult("k", "Reach 100", start=0, target=100)
    >>> first = day_key(Period.quarter(2026, 1).start)
    >>> days = [first + d * 86400.0 for d in (0, 15, 30)]
    >>> round(probability(kr, days, [0.0, 16.0, 34.0], Aggregation.LAST,
    ...                   Period.quarter(2026, 1)), 2)
    0.66
    """
    bounds = target_bounds(kr)
    ys = trend_values(values, aggregation)
    if bounds is None or ys is None:
        return None
    lower, upper = bounds
    if end is None:
        end = day_key(period.end)
    if now is not None and now >= end and ys:
        return 1.0 if _inside(ys[-1], lower, upper) else 0.0
    return reach_probability(times, ys, end=end, lower=lower, upper=upper)


# -- objectives ----------------------------------------------------------------


def objective_probability(
    probabilities: Sequence[float | None],
    weights: Sequence[float],
    threshold: float,
    scores: Sequence[float | None] | None = None,
) -> float | None:
    """Return the chance that a weighted score reaches ``threshold``.

    The model: item i (a key result, or a child objective) ends with score 1
    with probability ``probabilities[i]``, independently of the others, and
    otherwise with ``scores[i]`` (clamped to [0, 1]; 0 when ``scores`` or
    the entry is None).  The score is the weighted mean of the items' scores.
    Up to 12 items the result is exact (a sum over every combination of
    reached and missed items, merging equal scores).  With more, the weighted
    sum of many independent items is close to normal (Lyapunov's central
    limit theorem), and the result is the normal tail with that sum's mean
    and variance: deterministic, and cheap for an objective with many
    children.

    None when any item with a positive weight has no probability, when no
    weight is positive, or when there are no items.

    >>> objective_probability([0.5, 0.5], [1, 1], 1.0)
    0.25
    >>> objective_probability([0.5, 0.5], [1, 1], 0.7, scores=[0.8, 0.0])
    0.5
    """
    count = len(probabilities)
    if len(weights) != count or (scores is not None and len(scores) != count):
        raise InvalidValueError(
            subject="objective_probability",
            field="weights",
            value=len(weights),
            expected=f"one weight (and score) per probability ({count})",
        )
    items = []
    for i, (p, w) in enumerate(zip(probabilities, weights, strict=True)):
        if w < 0 or not math.isfinite(w):
            raise InvalidValueError(
                subject="objective_probability",
                field="weights",
                value=w,
                expected="finite weights of zero or more",
            )
        if w == 0:
            continue  # it counts for nothing, whatever happens to it
        if p is None:
            return None
        fallback = scores[i] if scores is not None else None
        fallback = 0.0 if fallback is None else min(1.0, max(0.0, fallback))
        items.append((min(1.0, max(0.0, p)), w, fallback))
    total = math.fsum(w for _, w, _ in items)
    if not items or total == 0:
        return None
    # Compare weighted sums with threshold * total, forgiving rounding.
    needed = threshold * total - 1e-9 * total
    if len(items) <= EXACT_ITEMS:
        exact = _enumerate(items, needed)
        if exact is not None:
            return exact
    return _normal_tail(items, needed)


def _enumerate(
    items: Sequence[tuple[float, float, float]], needed: float
) -> float | None:
    """P(sum >= needed) over distinct weighted sums, or None if too many."""
    states: dict[float, float] = {0.0: 1.0}
    for p, w, fallback in items:
        grown: dict[float, float] = {}
        for total, chance in states.items():
            for value, share in ((w, p), (w * fallback, 1.0 - p)):
                if share == 0.0:
                    continue
                key = round(total + value, 9)  # merge sums equal but for rounding
                grown[key] = grown.get(key, 0.0) + chance * share
        states = grown
        if len(states) > _MAX_STATES:
            return None
    reached = math.fsum(c for total, c in states.items() if total >= needed)
    return min(1.0, max(0.0, reached))


def _normal_tail(items: Sequence[tuple[float, float, float]], needed: float) -> float:
    """P(sum >= needed) for a sum of many independent two-point items, by CLT."""
    mean = math.fsum(w * (p + (1.0 - p) * f) for p, w, f in items)
    variance = math.fsum((w * (1.0 - f)) ** 2 * p * (1.0 - p) for p, w, f in items)
    if variance == 0.0:
        return 1.0 if mean >= needed else 0.0
    z = (mean - needed) / math.sqrt(variance)
    return min(1.0, max(0.0, 0.5 * math.erfc(-z / math.sqrt(2.0))))


# -- pace ------------------------------------------------------------------------


def _per_seconds(per: str) -> float:
    try:
        return SECONDS_PER[per]
    except KeyError:
        raise InvalidValueError(
            subject="pace", field="per", value=per, expected="'week' or 'month'"
        ) from None


def needed_pace(
    value: float,
    target: float,
    *,
    now: float,
    end: float,
    per: Per,
    increase: bool = True,
) -> float | None:
    """Return the change per week or month needed from ``now`` to ``end``.

    Signed: negative for a key result that must come down.  A month is the
    mean Gregorian month, 365.2425 / 12 = 30.436875 days.  None once the
    value is at or past ``target`` in the key result's direction
    (``increase``), and when ``now`` is at or after ``end``.

    >>> week = 7 * 86400.0
    >>> needed_pace(40, 100, now=0.0, end=4 * week, per="week")
    15.0
    >>> needed_pace(5, 2, now=0.0, end=3 * week, per="week", increase=False)
    -1.0
    >>> needed_pace(100, 100, now=0.0, end=4 * week, per="week") is None
    True
    """
    seconds = _per_seconds(per)
    if now >= end:
        return None
    if (value >= target) if increase else (value <= target):
        return None
    return (target - value) / (end - now) * seconds


def pace_so_far(
    first_value: float, first_time: float, value: float, now: float, per: Per
) -> float | None:
    """Return the change per week or month from (first_time, first_value) to now.

    None when no time has passed.

    >>> pace_so_far(0.0, 0.0, 60.0, 14 * 86400.0, "week")
    30.0
    """
    seconds = _per_seconds(per)
    if now <= first_time:
        return None
    return (value - first_value) / (now - first_time) * seconds


def key_result_needed_pace(
    kr: KeyResult, value: float | None, *, now: float, end: float, per: Per
) -> float | None:
    """Return the pace a key result needs to meet its target by ``end``.

    Uses :func:`target_bounds`: a within key result outside its range
    heads for the nearer edge.  None with no value, inside the range, or
    for kinds without a target to head for (rate, done).

    >>> kr = KeyResult("k", "Acquire 600", start=0, target=600, label="customers")
    >>> key_result_needed_pace(kr, 180.0, now=0.0, end=10 * 7 * 86400.0, per="week")
    42.0
    """
    bounds = target_bounds(kr)
    if value is None or bounds is None or kr.kind is Kind.DONE:
        return None  # done / not done has no pace to speak of
    lower, upper = bounds
    if lower is not None and value < lower:
        return needed_pace(value, lower, now=now, end=end, per=per, increase=True)
    if upper is not None and value > upper:
        return needed_pace(value, upper, now=now, end=end, per=per, increase=False)
    return None


def key_result_pace_so_far(
    kr: KeyResult,
    times: Sequence[float],
    values: Sequence[float],
    aggregation: Aggregation,
    period: Period,
    *,
    now: float,
    per: Per,
    start: float | None = None,
) -> float | None:
    """Return a key result's change per week or month since its period began.

    Same arguments as :func:`probability`.  A linear (or relative) key
    result measures from its start at the period's start, a SUM or COUNT
    key result from 0 there; other kinds from their first check-in in the
    period.  None without check-ins, for aggregations without a trend, and
    when no time has passed.  ``start`` is the period's start on the same
    time line as ``times`` (the evaluation's instants); by default its
    local key.

    >>> from okrkit import Period
    >>> q1 = Period.quarter(2026, 1)
    >>> kr = KeyResult("k", "Acquire 600", start=0, target=600)
    >>> first = day_key(q1.start)
    >>> key_result_pace_so_far(kr, [first + 7 * 86400.0], [60.0], Aggregation.LAST,
    ...                        q1, now=first + 14 * 86400.0, per="week")
    30.0
    """
    ys = trend_values(values, aggregation)
    if not ys:
        return None
    if start is None:
        start = day_key(period.start)
    first_value, first_time = pace_origin(kr, aggregation, start, ys[0], times[0])
    return pace_so_far(first_value, first_time, ys[-1], now, per)


def pace_origin(
    kr: KeyResult,
    aggregation: Aggregation,
    start: float,
    first_value: float,
    first_time: float,
) -> tuple[float, float]:
    """Where the pace so far is measured from: (value, instant).

    A SUM or COUNT key result from 0 at the period's ``start``, a linear (or
    relative) one from its start value there, any other from its first
    check-in (``first_value`` at ``first_time``, in trend form).

    >>> kr = KeyResult("k", "Acquire 600", start=0, target=600)
    >>> pace_origin(kr, Aggregation.LAST, 0.0, 60.0, 7.0)
    (0.0, 0.0)
    """
    if aggregation is not Aggregation.LAST:
        return 0.0, start
    if kr.kind in (Kind.LINEAR, Kind.RELATIVE) and kr.start is not None:
        return float(kr.start), start
    return first_value, first_time


def behind_pace(needed: float | None, so_far: float | None) -> bool | None:
    """Return whether the pace needed is beyond the pace so far.

    True when the key result must speed up (or turn round); None when
    nothing is needed or the pace so far is unknown.

    >>> behind_pace(42.0, 30.0), behind_pace(-1.0, -2.0), behind_pace(None, 3.0)
    (True, False, None)
    """
    if needed is None or so_far is None:
        return None
    return so_far < needed if needed > 0 else so_far > needed


def pace_sentence(
    needed: float,
    so_far: float | None,
    *,
    unit: str | None,
    label: str = "",
    per: Per = "week",
) -> str:
    """Say the pace needed and the pace so far, for a reason.

    >>> pace_sentence(42, 30, unit=None, label="customers")
    'needs 42 customers a week, has done 30 a week'
    >>> pace_sentence(-2.5, -1, unit="ms", per="month")
    'needs -2.5 ms a month, has done -1 a month'
    >>> pace_sentence(3, None, unit="USD")
    'needs 3 USD a week'
    """
    text = f"needs {quantity(needed, unit, label)} a {per}"
    if so_far is None:
        return text
    return f"{text}, has done {number(so_far)} a {per}"
