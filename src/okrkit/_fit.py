"""A least-squares trend kept as sums: what a data frame engine sends back.

When check-ins stay in the caller's engine (``Checkins.from_frame`` on a
DuckDB, Dask or Spark table), the engine does not return a key result's
points, only the sums a straight line through them needs: the count, the
sums of t, t², y, t·y and y², and the first and last point.  :class:`Fit`
holds those sums for the trend values (the values themselves for LAST, the
running total for SUM, the running count for COUNT, as
:func:`okrkit._probability.trend_values` defines them), and the functions
here give the forecast, the likelihood and the pace so far from them with
the same formulas the points give (``_pace.forecast``,
``_probability.reach_probability``, ``key_result_pace_so_far``).

Sums lose a little to rounding where points do not (``Σy² - n·ȳ²``
cancels), so a fit agrees with the points to about 1e-9, and a line that is
perfect up to 1e-7 of its size counts as perfect.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from okrkit._aggregation import Aggregation
from okrkit._key_result import KeyResult
from okrkit._pace import Forecast, projection
from okrkit._probability import (
    Per,
    _inside,
    pace_origin,
    pace_so_far,
    predictive_chance,
    target_bounds,
)

# Sums carry about 1e-8 of their size as rounding in a residual spread.
_PERFECT = 1e-7


class Fit(NamedTuple):
    """Sums over the trend values of one window; times are instants."""

    n: int
    sum_t: float  # times are offsets from ``origin``, to keep products small
    sum_tt: float
    sum_y: float
    sum_ty: float
    sum_yy: float
    origin: float
    first_t: float  # instants, not offsets
    first_y: float
    last_t: float
    last_y: float
    size: float  # the largest |y|, for telling a perfect line from rounding

    def line(self) -> tuple[float, float, float, float] | None:
        """(mean t, mean y, slope, sxx); None when every time is the same."""
        n = self.n
        if n < 2 or self.first_t == self.last_t:
            return None
        mean_t = self.sum_t / n
        mean_y = self.sum_y / n
        sxx = self.sum_tt - self.sum_t * mean_t
        if sxx <= 0:
            return None
        slope = (self.sum_ty - self.sum_t * mean_y) / sxx
        return mean_t + self.origin, mean_y, slope, sxx


def forecast_fit(
    kr: KeyResult, fit: Fit, aggregation: Aggregation, end: float
) -> Forecast | None:
    """The forecast :func:`okrkit._pace.forecast` gives, from sums."""
    if aggregation not in (Aggregation.LAST, Aggregation.SUM, Aggregation.COUNT):
        return None
    line = fit.line()
    if line is None:
        return None
    mean_t, mean_y, slope, _ = line
    return projection(kr, mean_y + slope * (end - mean_t))


def probability_fit(
    kr: KeyResult, fit: Fit, aggregation: Aggregation, *, now: float, end: float
) -> float | None:
    """The chance :func:`okrkit._probability.probability` gives, from sums."""
    bounds = target_bounds(kr)
    if bounds is None or aggregation not in _TRENDS or fit.n == 0:
        return None
    lower, upper = bounds
    if now >= end:
        return 1.0 if _inside(fit.last_y, lower, upper) else 0.0
    line = fit.line()
    count = fit.n
    if count < 3 or line is None:
        return None
    mean_t, mean_y, slope, sxx = line
    syy = fit.sum_yy - fit.sum_y * mean_y
    sxy = slope * sxx
    sse = max(0.0, syy - slope * sxy)
    fitted = mean_y + slope * (end - mean_t)
    if not (math.isfinite(fitted) and math.isfinite(syy)):
        return None  # values near the largest float: no trend, as for points
    s = math.sqrt(sse / (count - 2))
    leverage = (end - mean_t) ** 2 / sxx
    return predictive_chance(
        fitted, s, count, leverage, lower, upper, perfect=_PERFECT * fit.size
    )


def pace_so_far_fit(
    kr: KeyResult,
    fit: Fit,
    aggregation: Aggregation,
    *,
    period_start: float,
    now: float,
    per: Per,
) -> float | None:
    """The pace so far :func:`key_result_pace_so_far` gives, from sums."""
    if aggregation not in _TRENDS or fit.n == 0:
        return None
    first_value, first_time = pace_origin(
        kr, aggregation, period_start, fit.first_y, fit.first_t
    )
    return pace_so_far(first_value, first_time, fit.last_y, now, per)


_TRENDS = frozenset({Aggregation.LAST, Aggregation.SUM, Aggregation.COUNT})
