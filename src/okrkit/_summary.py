"""Summaries: an id's check-ins as a few sums per span, not one float each.

When check-ins stay in the caller's data frame engine, the engine groups them
by id and by *cell* (the span between two consecutive edges: period starts
and ends, the as-of instants, sub-period boundaries; see ``_pushdown.py``)
and sends back one row of sums per non-empty cell.  Every window an
evaluation reads begins and ends on an edge, so it is a run of whole cells,
and its aggregate, its trend (:class:`~okrkit._fit.Fit`) and its latest
check-in are combined from those rows here.

:func:`over`, :func:`trend`, :func:`latest`, :func:`value_before` and
:func:`has_by` read a :class:`Summary` or a :class:`~okrkit._series.Series`
alike: the engine calls them and never asks which it has.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from datetime import date
from typing import NamedTuple

from okrkit._aggregation import Aggregation
from okrkit._fit import Fit
from okrkit._pushdown import Cell, Cells, Edge
from okrkit._series import Series
from okrkit._time import Clock
from okrkit.exceptions import InvalidValueError


class Summary:
    """One id's cells in one unit: what a pushed-down evaluation reads.

    The cells are rows ``lo`` to ``hi`` of the query's columns (shared by
    every id, sorted by cell within each id): a summary is a view, and
    makes :class:`~okrkit._pushdown.Cell` objects only for a trend.
    """

    __slots__ = ("hi", "id", "lo", "offset", "scale", "table")

    def __init__(
        self,
        id: str,
        table: Cells,
        lo: int,
        hi: int,
        *,
        scale: float = 1.0,
        offset: float = 0.0,
    ) -> None:
        self.id = id
        self.table = table
        self.lo = lo  # the first row of the id's cells
        self.hi = hi  # one past its last
        self.scale = scale  # the conversion to the unit asked for: v * scale + offset
        self.offset = offset

    @property
    def origin(self) -> float:
        """The instant the cells' times are measured from."""
        return self.table.origin

    @property
    def running(self) -> bool:
        """Whether the cells hold the sums of running totals."""
        return self.table.running

    def converted(self, scale: float, offset: float) -> Summary:
        """The same summary in another unit (an affine conversion)."""
        return Summary(
            self.id,
            self.table,
            self.lo,
            self.hi,
            scale=self.scale * scale,
            offset=self.offset * scale + offset,
        )

    # -- cells of a window -----------------------------------------------------

    def rows(self, start: float | None, end: float | None, inclusive: bool) -> range:
        """The rows of the non-empty cells from ``start`` to ``end`` (None: none)."""
        # An edge's place is the number of edges at or below it: the cells
        # above it start there.  Plain tuples as keys: no Edge is made.
        places = self.table.places
        try:
            lo = 0 if start is None else places[start, False]
            hi = math.inf if end is None else places[end, inclusive] - 1
        except KeyError as missing:
            raise InvalidValueError(
                subject=f"Summary {self.id!r}",
                field="edge",
                value=Edge(*missing.args[0]),
                expected="an edge the check-ins were grouped by "
                "(an okrkit defect: please report it)",
            ) from None
        positions = self.table.position
        first = bisect_left(positions, lo, self.lo, self.hi)
        return range(first, bisect_right(positions, hi, first, self.hi))

    def span(
        self, start: float | None, end: float | None, inclusive: bool
    ) -> Sequence[Cell]:
        """The non-empty cells from ``start`` to ``end`` (None: no bound)."""
        return list(map(self.table.cell, self.rows(start, end, inclusive)))

    def value(self, v: float) -> float:
        """A value converted to the summary's unit."""
        return v * self.scale + self.offset


Part = Series | Summary


# -- reading a Series or a Summary alike --------------------------------------------


def over(
    part: Part, start: float | None, end: float, inclusive: bool, how: Aggregation
) -> float | None:
    """The aggregate of the check-ins from ``start`` to ``end``."""
    if isinstance(part, Series):
        lo, hi = part.bounds(start, end, inclusive=inclusive)
        return how.apply(part.values[lo:hi])
    rows = part.rows(start, end, inclusive)
    table = part.table
    if how is Aggregation.LAST:  # the usual case first: no count needed
        return part.value(table.last_v[rows[-1]]) if rows else None
    count = sum(table.n[rows.start : rows.stop])
    if how is Aggregation.COUNT:
        return float(count)
    if not count:
        return None
    if how is Aggregation.FIRST:
        return part.value(table.first_v[rows[0]])
    if how is Aggregation.MIN:
        return part.value(min(table.low[rows.start : rows.stop]))
    if how is Aggregation.MAX:
        return part.value(max(table.high[rows.start : rows.stop]))
    total = math.fsum(table.total[rows.start : rows.stop]) * part.scale
    total += count * part.offset
    if how is Aggregation.SUM:
        return how.apply([total])  # checked like any sum: finite
    return how.apply([total / count])


def has_by(part: Part, at: float) -> bool:
    """Whether there is a check-in at or before instant ``at``."""
    if isinstance(part, Series):
        return bool(part.times) and part.times[0] <= at
    return bool(part.rows(None, at, True))


class Latest(NamedTuple):
    """The latest check-in by an instant."""

    at: float  # its instant
    given: date | None  # its date or datetime as given (None from a summary)
    confidence: float | None

    def day(self, clock: Clock) -> date | None:
        """Its local day (worked out only when a result shows it)."""
        if self.given is not None:
            return clock.local_date(self.given)
        return clock.day_of(self.at)


def latest(part: Part, at: float) -> Latest | None:
    """The latest check-in at or before instant ``at``."""
    if isinstance(part, Series):
        index = part.last_before(at)
        if index < 0:
            return None
        return Latest(part.times[index], part.row_at(index), part.row_confidence(index))
    rows = part.rows(None, at, True)
    if not rows:
        return None
    table, row = part.table, rows[-1]
    return Latest(table.last_t[row] + table.origin, None, table.last_confidence[row])


def value_before(part: Part, start: float) -> float | None:
    """The value of the last check-in before instant ``start``."""
    if isinstance(part, Series):
        _, hi = part.bounds(None, start, inclusive=False)
        return part.values[hi - 1] if hi else None
    rows = part.rows(None, start, False)
    return part.value(part.table.last_v[rows[-1]]) if rows else None


Points = tuple[tuple[float, ...], tuple[float, ...]]


def trend(
    part: Part,
    start: float | None,
    end: float,
    inclusive: bool,
    how: Aggregation,
    convert: Callable[[float], float] | None,
) -> Points | Fit | None:
    """What a forecast needs from the window: its points, or their sums.

    ``convert`` turns the part's unit into the key result's (None: same).
    None when the window is empty.
    """
    if isinstance(part, Series):
        lo, hi = part.bounds(start, end, inclusive=inclusive)
        values = part.values[lo:hi]
        if convert is not None:
            values = tuple(map(convert, values))
        return part.times[lo:hi], values
    cells = part.span(start, end, inclusive)
    if not cells:
        return None
    # The plan asks for running totals when a SUM or COUNT reader exists.
    assert part.running or how not in (Aggregation.SUM, Aggregation.COUNT)
    scale, offset = part.scale, part.offset
    if convert is not None:  # affine: read it off two points
        base = convert(0.0)
        scale, offset = (
            scale * (convert(1.0) - base),
            offset * (convert(1.0) - base) + base,
        )
    return _fit(cells, how, part.origin, scale, offset)


def _fit(
    cells: Sequence[Cell], how: Aggregation, origin: float, a: float, b: float
) -> Fit:
    """Combine cells into the sums of the trend values y, in the unit a·v + b."""
    n = st = stt = sy = sty = syy = 0.0
    total = 0.0  # the running total (raw values) before the cell
    count = 0  # the running count before the cell
    size = 0.0
    centre = cells[0].tm  # the window's times are measured from here
    for cell in cells:
        m = cell.n
        sk = m * (m + 1) / 2
        skk = m * (m + 1) * (2 * m + 1) / 6
        d = cell.tm - centre  # the cell's times are centred on its mean
        cell = cell._replace(
            st=cell.st + m * d,
            stt=cell.stt + 2 * d * cell.st + m * d * d,
            stv=cell.stv + d * cell.total,
            stc=cell.stc + d * cell.sc,
            stk=cell.stk + d * sk,
        )
        if how is Aggregation.LAST:
            # y = a v + b
            cy = a * cell.total + b * m
            cty = a * cell.stv + b * cell.st
            cyy = a * a * cell.svv + 2 * a * b * cell.total + b * b * m
            size = max(size, abs(a * cell.low + b), abs(a * cell.high + b))
        elif how is Aggregation.SUM:
            # y = a (total + c) + b (count + k): the converted running total
            big_c, big_k = total, count
            sc, stc, scc = cell.sc, cell.stc, cell.scc
            sum_c = m * big_c + sc
            sum_tc = big_c * cell.st + stc
            sum_cc = m * big_c * big_c + 2 * big_c * sc + scc
            sum_k = m * big_k + sk
            sum_tk = big_k * cell.st + cell.stk
            sum_kk = m * big_k * big_k + 2 * big_k * sk + skk
            sum_ck = m * big_c * big_k + big_c * sk + big_k * sc + cell.sck
            cy = a * sum_c + b * sum_k
            cty = a * sum_tc + b * sum_tk
            cyy = a * a * sum_cc + 2 * a * b * sum_ck + b * b * sum_kk
            end_y = a * (total + cell.total) + b * (count + m)
            size = max(
                size, abs(end_y), abs(a * (total + cell.first_v) + b * (count + 1))
            )
        else:  # COUNT: y = count + k
            big_k = count
            cy = m * big_k + sk
            cty = big_k * cell.st + cell.stk
            cyy = m * big_k * big_k + 2 * big_k * sk + skk
            size = max(size, float(count + m))
        n += m
        st += cell.st
        stt += cell.stt
        sy += cy
        sty += cty
        syy += cyy
        total += cell.total
        count += m
    first, last = cells[0], cells[-1]
    if how is Aggregation.LAST:
        first_y, last_y = a * first.first_v + b, a * last.last_v + b
    elif how is Aggregation.SUM:
        first_y, last_y = a * first.first_v + b, a * total + b * count
    else:
        first_y, last_y = 1.0, float(count)
    return Fit(
        n=int(n),
        sum_t=st,
        sum_tt=stt,
        sum_y=sy,
        sum_ty=sty,
        sum_yy=syy,
        origin=origin + centre,
        first_t=first.first_t + origin,
        first_y=first_y,
        last_t=last.last_t + origin,
        last_y=last_y,
        size=size,
    )
