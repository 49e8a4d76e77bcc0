"""Charts of a :class:`~okrkit.History`, drawn with matplotlib (``okrkit[plot]``).

Each function draws on the Axes it is given, or on a new figure of its own
(never pyplot's current one: nothing global is touched, nothing is shown),
and returns the Axes.  Show a new figure in a notebook with ``ax.figure``,
save it with ``ax.figure.savefig("chart.png")``.

>>> from datetime import date
>>> from okrkit import KeyResult, Measurement, Objective, Period
>>> from okrkit import history
>>> past = history(
...     [Objective("o", "Grow", period=Period.quarter(2026, 1), key_results=[
...         KeyResult("k", "Reach 100 customers", start=0, target=100)])],
...     measurements={"k": [Measurement(date(2026, 1, 20), 30),
...                         Measurement(date(2026, 2, 10), 60)]},
...     dates=[date(2026, 1, 31), date(2026, 2, 15)])
>>> ax = burn_up(past, "k")
>>> ax.get_title()
'Reach 100 customers'
>>> [line.get_label() for line in ax.get_lines()]
['value', 'expected', 'target 100', 'forecast', 'as of 2026-02-15']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, TypeVar, cast

from okrkit._format import number
from okrkit._history import History
from okrkit._html import COLOURS
from okrkit._key_result import KeyResult, Kind
from okrkit._key_result_eval import unit_converter
from okrkit._kpi import KPI
from okrkit._results import KeyResultResult
from okrkit._status import Status
from okrkit._time import local_date
from okrkit.exceptions import InvalidTypeError, InvalidValueError, MissingExtraError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["BANDS", "burn_up", "kpi", "scores"]

_D = TypeVar("_D", KeyResult, KPI)

BANDS: tuple[tuple[float, float, Status], ...] = (
    (0.0, 0.4, Status.RED),
    (0.4, 0.7, Status.AMBER),
    (0.7, math.inf, Status.GREEN),
)
"""The traffic-light bands of a score: red below 0.4, amber to 0.7, then green."""

_VALUE = "#1f4e9a"
_EXPECTED = "#555555"
_TARGET = "#2e7d32"
_FORECAST = "#c2185b"
_AS_OF = "#888888"


def burn_up(history: History, id: str, ax: Axes | None = None) -> Axes:
    """Draw a key result's burn-up chart and return the Axes.

    Check-ins are points; the value at each of the history's dates a line;
    the expected line runs from (period start, start) through the phased
    targets to (period end, target); the target is a horizontal line; the
    forecast a dashed line from the latest value to the period's end; the
    latest date a vertical line.

    >>> from datetime import date
    >>> from okrkit import KeyResult, Measurement, Objective, Period
    >>> from okrkit import history
    >>> past = history(
    ...     [Objective("o", "Grow", period=Period.quarter(2026, 1), key_results=[
    ...         KeyResult("k", "Reach 100", start=0, target=100, label="customers",
    ...                   phases=[(date(2026, 2, 1), 20)])])],
    ...     measurements={"k": [Measurement(date(2026, 1, 20), 15)]},
    ...     dates=[date(2026, 1, 31)])
    >>> ax = burn_up(past, "k")
    >>> [float(y) for y in ax.get_lines()[1].get_ydata()]  # start, phase, target
    [0.0, 20.0, 100.0]
    >>> ax.get_ylabel(), len(ax.collections[0].get_offsets())  # one check-in
    ('customers', 1)
    """
    definition = _definition(history, id, KeyResult, "burn_up", "a key result")
    ax = _axes(ax, "okrkit.plot.burn_up")
    period = history.period(id)
    rows = history.of(id)
    last = history[history.dates[-1]][id]
    assert isinstance(last, KeyResultResult)
    when = [_x(row.as_of, history.tz) for row in rows]
    values = [_y(row.value) for row in rows]
    ax.plot(
        when,
        values,
        color=_VALUE,
        marker=_marker(when),
        drawstyle="steps-post",
        label="value",
    )
    anchors = _anchors(definition, last)
    if anchors is not None:
        start, end = anchors
        curve = [(_x(period.start, history.tz), start)]
        curve += [
            (_x(day, history.tz), value)
            for day, value in definition.phases
            if period.start < day < period.end
        ]
        curve.append((_x(period.end, history.tz), end))
        ax.plot(
            *zip(*curve, strict=True), color=_EXPECTED, linestyle=":", label="expected"
        )
        ax.axhline(end, color=_TARGET, linewidth=1, label=f"target {number(end)}")
    elif definition.low is not None and definition.high is not None:  # within
        low, high = definition.low, definition.high
        ax.axhspan(
            low,
            high,
            color=_TARGET,
            alpha=0.15,
            linewidth=0,
            label=f"target {number(low)} to {number(high)}",
        )
    if last.forecast is not None and last.value is not None:
        ax.plot(
            [when[-1], _x(period.end, history.tz)],
            [last.value, last.forecast],
            color=_FORECAST,
            linestyle="--",
            label="forecast",
        )
    _checkins(ax, history, id, _to_key_result(definition, history))
    _mark_as_of(ax, history)
    unit = last.unit or last.label or "value"
    return _finish(ax, definition.title, unit)


def scores(history: History, ids: str | Iterable[str], ax: Axes | None = None) -> Axes:
    """Draw objectives' (or key results') scores over time on traffic-light bands.

    The bands are red below 0.4, amber from 0.4 to 0.7 and green above.

    >>> from datetime import date
    >>> from okrkit import KeyResult, Objective, Period
    >>> from okrkit import history
    >>> past = history([Objective("o", "Grow", period=Period.year(2026),
    ...     key_results=[KeyResult("k", "K", start=0, target=1)])],
    ...     measurements={}, dates=[date(2026, 3, 1), date(2026, 6, 1)])
    >>> [line.get_label() for line in scores(past, ["o"]).get_lines()]
    ['Grow', 'as of 2026-06-01']
    """
    _check_history(history, "scores")
    if not isinstance(ids, str) and not isinstance(ids, Iterable):
        raise InvalidTypeError(
            subject="okrkit.plot.scores",
            field="ids",
            value=ids,
            expected="an id, or an iterable of ids",
        )
    wanted = (ids,) if isinstance(ids, str) else tuple(ids)
    if not wanted:
        raise InvalidValueError(
            subject="okrkit.plot.scores",
            field="ids",
            value=ids,
            expected="at least one objective or key result id",
        )
    for id in wanted:
        if isinstance(history.definition(id), KPI):
            raise InvalidValueError(
                subject="okrkit.plot.scores",
                field="ids",
                value=id,
                expected="the id of an objective or key result (a KPI has no "
                "score: see okrkit.plot.kpi)",
            )
    ax = _axes(ax, "okrkit.plot.scores")
    # From 0 to just above 1, or wider to show every score (a strategy
    # without a floor or cap may score below 0 or above 1).
    bottom, top = 0.0, 1.05
    names = []
    for id in wanted:
        rows = history.of(id)
        points = [_y(row.score) for row in rows]
        seen = [p for p in points if not math.isnan(p)]
        top = max([top, *(p + 0.05 * abs(p) for p in seen)])
        bottom = min([bottom, *(p - 0.05 * abs(p) for p in seen)])
        names.append(getattr(history.definition(id), "title", id))
        when = [_x(row.as_of, history.tz) for row in rows]
        ax.plot(
            when, points, marker=_marker(when), drawstyle="steps-post", label=names[-1]
        )
    for lo, hi, status in BANDS:
        lo = bottom if lo == BANDS[0][0] else lo  # red: everything below 0.4
        ax.axhspan(lo, min(hi, top), color=COLOURS[status], zorder=0, linewidth=0)
    ax.set_ylim(bottom, top)
    _mark_as_of(ax, history)
    title = "Scores" if len(wanted) > 1 else f"Score of {names[0]}"
    return _finish(ax, title, "score")


def kpi(history: History, id: str, ax: Axes | None = None) -> Axes:
    """Draw a KPI's values over time on its threshold bands and return the Axes.

    The bands are the thresholds in force at the history's last date (a
    target-relative KPI without a target then has none); check-ins are points.

    >>> from datetime import date
    >>> from okrkit import KPI, Direction, Measurement, Thresholds
    >>> from okrkit import history
    >>> nps = KPI("nps", "NPS", direction=Direction.HIGHER_IS_BETTER,
    ...     thresholds=Thresholds.higher_is_better(red_below=20, green_from=40))
    >>> past = history([], kpis=[nps], dates=[date(2026, 2, 1)],
    ...     measurements={"nps": [Measurement(date(2026, 1, 10), 25)]})
    >>> kpi(past, "nps").get_title()
    'NPS'
    """
    definition = _definition(history, id, KPI, "kpi", "a KPI")
    ax = _axes(ax, "okrkit.plot.kpi")
    rows = history.of(id)
    when = [_x(row.as_of, history.tz) for row in rows]
    values = [_y(row.value) for row in rows]
    ax.plot(
        when,
        values,
        color=_VALUE,
        marker=_marker(when),
        drawstyle="steps-post",
        label="value",
    )
    checkins = _checkins(ax, history, id)
    thresholds = definition.thresholds_at(local_date(history.dates[-1], history.tz))
    if thresholds is not None:
        seen = [v for v in values if not math.isnan(v)]
        seen += [v for _, v in checkins]
        _bands(ax, [(b.lo, b.hi, b.status) for b in thresholds.bands], seen)
    _mark_as_of(ax, history)
    unit = definition.unit or definition.label or "value"
    return _finish(ax, definition.name, unit)


def _bands(
    ax: Axes, bands: Sequence[tuple[float, float, Status]], seen: list[float]
) -> None:
    """Shade the bands over the range of the values and the finite edges."""
    edges = [e for lo, hi, _ in bands for e in (lo, hi) if math.isfinite(e)]
    low, high = min(seen + edges, default=0.0), max(seen + edges, default=1.0)
    pad = (high - low) * 0.15 or 1.0
    low, high = low - pad, high + pad
    for lo, hi, status in bands:
        if hi > low and lo < high:
            ax.axhspan(
                max(lo, low),
                min(hi, high),
                color=COLOURS[status],
                zorder=0,
                linewidth=0,
            )
    ax.set_ylim(low, high)


def _anchors(kr: KeyResult, result: KeyResultResult) -> tuple[float, float] | None:
    """The expected line's values at the period's start and end.

    None when there is no single target: a band (within), or a relative
    target with no baseline yet.
    """
    start = result.start if result.start is not None else 0.0
    if kr.kind is Kind.MILESTONES:
        return start, float(len(kr.steps))
    if kr.kind is Kind.DONE:
        return start, 1.0  # done / not done
    if kr.kind is not Kind.WITHIN and result.target is not None:
        return start, result.target
    return None


def _to_key_result(kr: KeyResult, history: History) -> Callable[[float], float]:
    """Turn the check-ins shown for ``kr`` into its unit (a KPI's are in the KPI's)."""
    if kr.kpi is None:
        return float
    found = history.definition(kr.kpi)
    assert isinstance(found, KPI)
    return unit_converter(found.unit, kr.unit)


def _check_history(history: object, chart: str) -> None:
    if not isinstance(history, History):
        raise InvalidTypeError(
            subject=f"okrkit.plot.{chart}",
            field="history",
            value=history,
            expected="a History (okrkit.history(...))",
        )


def _definition(history: History, id: str, kind: type[_D], chart: str, what: str) -> _D:
    """The definition of ``id``, which must be of the kind the chart draws."""
    _check_history(history, chart)
    definition = history.definition(id)
    if not isinstance(definition, kind):
        raise InvalidValueError(
            subject=f"okrkit.plot.{chart}",
            field="id",
            value=id,
            expected=f"the id of {what}",
        )
    return definition


def _checkins(
    ax: Axes,
    history: History,
    id: str,
    convert: Callable[[float], float] = float,
) -> tuple[tuple[date, float], ...]:
    """Draw the check-ins behind a key result or KPI as points; return them."""
    checkins = history.checkins(id)
    if checkins:
        ax.scatter(
            [_x(at, history.tz) for at, _ in checkins],
            [convert(value) for _, value in checkins],
            color=_VALUE,
            zorder=3,
            label="check-ins",
        )
    return checkins


def _mark_as_of(ax: Axes, history: History) -> None:
    last = history.dates[-1]
    ax.axvline(
        _x(last, history.tz),
        color=_AS_OF,
        linewidth=1,
        label=f"as of {last.isoformat()}",
    )


def _finish(ax: Axes, title: str, unit: str) -> Axes:
    ax.set_title(title)
    ax.set_xlabel("date")
    ax.set_ylabel(unit)
    ax.legend(loc="best", fontsize="small")
    ax.xaxis_date()
    ax.figure.autofmt_xdate()
    return ax


def _x(at: date, tz: tzinfo) -> float:
    """Matplotlib's number for a local instant (a date is 00:00 that day)."""
    from matplotlib import dates

    date2num = cast("Callable[[datetime], float]", dates.date2num)  # untyped
    if isinstance(at, datetime):
        if at.tzinfo is not None and at.utcoffset() is not None:
            at = at.astimezone(tz)
        local = at.replace(tzinfo=None)
    else:
        local = datetime(at.year, at.month, at.day)
    return float(date2num(local))


def _marker(when: Sequence[float]) -> str:
    """Dots on a few dates; on many, the line alone reads better."""
    return "." if len(when) <= 20 else ""


def _y(value: float | None) -> float:
    """None as NaN, which matplotlib leaves as a gap."""
    return math.nan if value is None else value


def _axes(ax: Axes | None, subject: str) -> Axes:
    try:
        from matplotlib.axes import Axes
        from matplotlib.figure import Figure
    except ModuleNotFoundError as exc:
        raise MissingExtraError(
            subject=subject,
            field="ax",
            value=ax,
            expected="matplotlib, which charts need: pip install 'okrkit[plot]'",
        ) from exc
    if ax is None:
        # A figure of our own, not pyplot's: no global state, no display.
        return Figure(figsize=(8, 4.5), layout="constrained").subplots()
    if not isinstance(ax, Axes):
        raise InvalidTypeError(
            subject=subject, field="ax", value=ax, expected="a matplotlib Axes or None"
        )
    return ax
