"""The check-in store: the one place that knows how check-ins arrived.

The engine asks it for the series of an id in a unit; the store builds it from
whatever the caller gave: a mapping from id to ``Measurement``s or ready
``Series``, or a :class:`~okrkit.Checkins` table.  Check-ins after the as-of
instant never count, so they are left out here (though still checked).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from itertools import compress
from typing import Any

from okrkit import _validate
from okrkit._checkins import Checkins
from okrkit._measurement import Measurement
from okrkit._plan import Window
from okrkit._pushdown import Cells, Edge, late_ids, summarize
from okrkit._series import (
    Series,
    TableColumns,
    build_series,
    plain_measurements,
    table_columns,
    table_series,
    unit_step,
)
from okrkit._summary import Part, Summary
from okrkit._time import Clock
from okrkit.exceptions import InvalidTypeError

MeasurementSource = Series | Iterable[Measurement]
Measurements = Mapping[str, MeasurementSource] | Checkins


class CheckinStore:
    """Series of check-ins by id, cut at an instant, in the units asked for."""

    __slots__ = (
        "_by_instant",
        "_cache",
        "_cells",
        "_clock",
        "_columns",
        "_days",
        "_edges",
        "_given",
        "_ids",
        "_keep_all",
        "_lasts",
        "_mapping",
        "_origin",
        "_running",
        "_summarized",
        "_table",
        "_until",
        "_whole",
    )

    def __init__(
        self,
        measurements: Measurements,
        clock: Clock,
        until: float,
        *,
        keep_all: bool = False,
        edges: Sequence[Edge] = (),
        ids: Collection[str] = (),
        running: bool = True,
        subject: str = "evaluate",
    ):
        """Read ``measurements`` up to the instant ``until``.

        ``keep_all`` keeps every series once built: a history reads each one
        at every date.  A frame's table is summarized for ``ids`` by the
        cells between ``edges`` (every window the evaluation reads begins
        and ends on one); ``running`` asks for the sums a SUM or COUNT
        trend needs.  ``subject`` names the caller in error messages.
        """
        self._running = running
        self._edges = edges
        self._ids = ids
        self._cells: Cells | None = None
        self._given: frozenset[str] | None = None
        self._summarized: bool | None = None
        self._origin = until
        self._keep_all = keep_all
        self._clock = clock
        self._until = until
        self._cache: dict[tuple[str, str | None], Part] = {}
        self._table: Checkins | None = None
        self._columns: TableColumns | None = None
        self._lasts: dict[tuple[float | None, float, bool, float], _Lasts] = {}
        # Each id's LAST at each day (a table of plain dates) or instant.
        self._by_instant: dict[str, dict[Any, float]] | None = None
        self._days: dict[date, float] | None = None
        self._whole: bool | None = None
        self._mapping: Mapping[str, MeasurementSource] = {}
        if isinstance(measurements, Checkins):
            self._table = measurements
        else:
            self._mapping = stable(measurements, subject)

    def given(self) -> frozenset[str]:
        """The ids the caller gave check-ins for (a frame's: worked out once).

        A frame summarized by edges (an evaluation's) is summarized now, for
        every id: its ids are those of the summary and those of the rows
        after the store's instant, which the summary leaves out.  One query
        of the ids of every row would cost about as much as the summary.
        """
        if self._given is None:
            table = self._table
            if table is None:
                self._given = frozenset(self._mapping)
            elif table._frame is not None and self.summarized and self._edges:
                cells = self._summarize(None)
                late = late_ids(table._frame, self._until, self._clock)
                self._given = frozenset(cells.start) | late
            else:
                self._given = table.ids_seen
        return self._given

    @property
    def summarized(self) -> bool:
        """Whether the check-ins stay in a data frame engine.

        Decided once, on first use: every key result reads a store the
        same way, even if the table's columns are collected meanwhile.
        """
        if self._summarized is None:
            table = self._table
            self._summarized = (
                table is not None and table._frame is not None and not table._held()
            )
        return self._summarized

    def rows(self, id: str, unit: str | None) -> Series:
        """The whole series of ``id``: for a frame's table, its rows only come back."""
        table = self._table
        if table is None or not self.summarized:
            found = self._build(id, unit)
            assert isinstance(found, Series)
            return found
        assert table._frame is not None
        own = Checkins.from_rows(table._frame.rows_of(id), unit=table._unit)
        built = CheckinStore(own, self._clock, self._until)._build(id, unit)
        assert isinstance(built, Series)
        return built

    def series(self, id: str, unit: str | None, *, keep: bool = False) -> Part:
        """The series of ``id`` in ``unit``; ``keep`` it when others read it too.

        A key result's own series is read once, so it is not kept: freed right
        away, it costs the garbage collector nothing.
        """
        if self._summarized and not (keep or self._keep_all):
            return self._summary(id, unit)  # a view of the shared columns
        key = (id, unit)
        found = self._cache.get(key)
        if found is None:
            found = self._build(id, unit)
            if keep or self._keep_all:
                self._cache[key] = found
        return found

    def last_in(
        self, id: str, window: Window, at: float, unit: str | None
    ) -> tuple[float | None, bool] | None:
        """The LAST value of ``id`` in ``window``; whether it has check-ins by ``at``.

        Worked out without building the series, in ``unit``: from a table's
        rows in one pass for every id (:func:`_lasts_of_table`), from a
        frame's cells for every id (:func:`_lasts_of_cells`), or from the
        id's own plain check-ins (:meth:`_plain`, visited once, no sort).
        The value is the largest of those at the latest instant, which is
        what the series' tie order puts last.  The flag says whether any
        check-in is at or before the instant ``at``, as :func:`has_by`
        would.  ``window`` ends at or before the store's instant, as every
        evaluation's does.  None when there is no such shortcut (units to
        convert, check-ins as a Series): the caller reads the series.
        """
        table = self._table
        if table is not None and self.summarized:
            if table._unit is not None and unit != table._unit:
                return None  # the summary converts
            return self._last_in_summary(id, window, at)
        if table is not None and self._whole_table(table):
            key = (window.start, window.end, window.inclusive, at)
            lasts = self._lasts.get(key)
            if lasts is None:
                times, values, days = self._time_columns(table)
                lasts = _lasts_of_table(table.ids, times, values, days, window, at)
                self._lasts[key] = lasts
            last, measured = lasts
            return last.get(id), id in measured
        plain = self._plain(id)
        if plain is None:
            return None
        keys, values, rows = plain
        return _last_of(keys, values, rows, window, at)

    def _last_in_summary(
        self, id: str, window: Window, at: float
    ) -> tuple[float | None, bool] | None:
        """:meth:`last_in` from a frame's cells: every id's, worked out once.

        None when an instant is not an edge of the cells (the series says so).
        """
        cells = self._made_cells()
        key = (window.start, window.end, window.inclusive, at)
        lasts = self._lasts.get(key)
        if lasts is None:
            found = _lasts_of_cells(cells, window, at)
            if found is None:
                return None
            lasts = self._lasts[key] = found
        last, measured = lasts
        return last.get(id), id in measured

    def _whole_table(self, table: Checkins) -> bool:
        """Whether :meth:`last_in` reads every id's LAST in one pass over ``table``.

        For a table in Python without units, when the evaluation reads
        enough of its ids: one pass costs about what 50 key results cost
        when each gathers its own rows, and needs no rows grouped by id (a
        first evaluation of a table would group them for this alone).
        Asked of a table kept in Python (not a frame summarized in its engine).
        """
        whole = self._whole
        if whole is None:
            # Asked for every key result: the answer is worked out once.
            unitless = not any(table.units)
            many = table._rows is None or len(self._ids) * 50 >= len(table)
            whole = self._whole = unitless and many
        return whole

    def _made_columns(self) -> TableColumns:
        """The table's instants and values, worked out once."""
        if self._columns is None:
            assert self._table is not None
            self._columns = table_columns(self._table, self._clock)
        return self._columns

    def _time_columns(
        self, table: Checkins
    ) -> tuple[Sequence[Any], Sequence[float], dict[date, float]]:
        """What a pass over ``table`` compares for time, its values, and the days.

        A table of plain dates is read by its own dates, each distinct day
        placed once (the dict gives its instant; a later day is a later
        instant in any zone), so no instant is made per row.  Any other
        table by its instants, worked out once, with an empty dict.
        """
        if self._days is None:
            days = set(table.ats)
            plain = set(map(type, days)) <= {date}
            instant = self._clock.day
            self._days = {day: instant(day) for day in days} if plain else {}
        if self._days:
            return table.ats, table.values, self._days
        columns = self._made_columns()
        return columns.keys, columns.values, self._days

    def lasts(self, id: str) -> tuple[list[float], list[float]] | None:
        """``id``'s distinct instants up to the store's, with the LAST value at each.

        The LAST value at an instant is the largest there.  What a LAST key
        result reads at many dates, without the series: its value at a date
        is the one of the latest instant up to it.
        None when the check-ins are not plain (the caller reads the series).
        """
        table = self._table
        if table is not None and not self.summarized and self._whole_table(table):
            times, values, days = self._time_columns(table)
            if self._by_instant is None:
                self._by_instant = _by_time(table.ids, times, values, days, self._until)
            found = self._by_instant.get(id)
            if found is None:
                return [], []
            times = sorted(found)  # days or instants, in time order alike
            instants = list(map(days.__getitem__, times)) if days else times
            return instants, list(map(found.__getitem__, times))
        plain = self._plain(id)
        if plain is None:
            return None
        keys, values, rows = plain
        # In order of value, a later entry for an instant replaces an earlier
        # one: each instant keeps its largest.  Then only the distinct
        # instants are sorted, plain floats with no key to call.
        order = sorted(rows, key=values.__getitem__)
        at, value = map(keys.__getitem__, order), map(values.__getitem__, order)
        last = dict(zip(at, value, strict=True))
        instants = sorted(last)
        del instants[bisect_right(instants, self._until) :]
        return instants, list(map(last.__getitem__, instants))

    def _plain(
        self, id: str
    ) -> tuple[Sequence[float], Sequence[float], Sequence[int]] | None:
        """The instants and values of every check-in, and ``id``'s rows among them.

        For a check-in table without units (its columns, worked out once)
        or a list of Measurements without units; None for anything else:
        units to convert, a frame's engine, a ready Series.
        """
        table = self._table
        if table is None:
            source = self._mapping.get(id, ())
            if not isinstance(source, (list, tuple)):  # a Series: it is read
                return None
            if not source:
                return (), (), ()
            plain = plain_measurements(source, self._clock)
            if plain is None:
                return None
            keys, values = plain
            return keys, values, range(len(keys))
        if self.summarized:
            return None
        columns = self._columns
        if columns is None:
            columns = self._columns = table_columns(table, self._clock)
        if not columns.unitless:
            return None
        return columns.keys, columns.values, table._rows_by_id().get(id, ())

    def _summary(self, id: str, unit: str | None) -> Summary:
        table = self._table
        assert table is not None
        cells = self._made_cells()
        lo = cells.start.get(id, 0)
        summary = Summary(id, cells, lo, cells.stop.get(id, lo))
        # Check-ins without a unit are in the reader's unit, as for rows; a
        # unit the reader cannot take is an error, as for rows.
        if table._unit is None or unit == table._unit:
            return summary
        step = unit_step(id, table._unit, unit)
        return summary.converted(step.scale, step.offset)

    def _made_cells(self) -> Cells:
        """The frame's cells for the ids the evaluation reads (one query, once)."""
        if self._cells is None:
            wanted = set(self._ids)
            # Every id of the table counts (the usual case): no filter by id.
            every = self._given is not None and self._given <= wanted
            self._summarize(None if every else sorted(wanted))
        assert self._cells is not None
        return self._cells

    def _summarize(self, ids: Sequence[str] | None) -> Cells:
        """Summarize the frame's check-ins of ``ids`` (None: all) by the edges."""
        table = self._table
        assert table is not None
        assert table._frame is not None
        self._cells, self._origin = summarize(
            table._frame,
            ids,
            self._edges,
            self._until,
            self._clock,
            running=self._running,
        )
        return self._cells

    def _build(self, id: str, unit: str | None) -> Part:
        clock, until = self._clock, self._until
        table = self._table
        if table is not None and self.summarized:
            return self._summary(id, unit)
        if table is not None:
            if self._columns is None:
                self._columns = table_columns(table, clock)
            rows = table._rows_by_id().get(id, ())
            return table_series(
                id,
                table,
                rows,
                unit=unit,
                clock=clock,
                until=until,
                columns=self._columns,
            )
        source = self._mapping.get(id, ())
        if isinstance(source, Series):
            if source.tz == clock.tz:
                # Built elsewhere: its values are in its own unit, not ours.
                return source.in_unit(unit)
            source = source.measurements  # its instants were placed in another zone
        return build_series(
            Series, id, source, unit=unit, tz=clock.tz, until=until, clock=clock
        )


def _last_of(
    keys: Sequence[float],
    values: Sequence[float],
    rows: Sequence[int],
    window: Window,
    at: float,
) -> tuple[float | None, bool]:
    """The largest value at the latest instant of ``rows`` in ``window``.

    Every pass runs at C level (map, filter, compress with the floats' own
    comparisons): this runs once per key result of an evaluation.
    """
    if not rows:
        return None, False
    instants = list(map(keys.__getitem__, rows))
    measured = min(instants) <= at
    end = window.end
    before_end = end.__ge__ if window.inclusive else end.__gt__
    latest = max(filter(before_end, instants), default=None)
    start = window.start
    if latest is None or (start is not None and latest < start):
        return None, measured
    there = compress(rows, map(latest.__eq__, instants))
    return max(map(values.__getitem__, there)), measured


# Each id's LAST value in a window; the ids with check-ins by the instant
# asked (all of those with a value, and any others).
_Lasts = tuple[dict[str, float], set[str]]


def _lasts_of_table(
    ids: Sequence[str],
    times: Sequence[Any],
    values: Sequence[float],
    days: Mapping[date, float],
    window: Window,
    at: float,
) -> _Lasts:
    """Every id's LAST in ``window`` and whether it has check-ins by ``at``.

    One pass over the table's rows, as :func:`_last_of` does for one id:
    the LAST is the largest value at the latest time.  ``times`` are the
    rows' instants, or their dates when ``days`` gives each one's instant
    (see :meth:`CheckinStore._time_columns`).  ``window`` ends at or before
    ``at``.  The latest time and its value are kept in two dicts, so a row
    that changes nothing makes no object: on a large table each one made
    and freed costs a cache miss.  A zero is kept as +0.0.
    """
    start = -math.inf if window.start is None else window.start
    # The last instant in the window: before an exclusive end, the float
    # just below it.
    end = window.end if window.inclusive else math.nextafter(window.end, -math.inf)
    by = _on_time_line(days, -math.inf, at)
    if by is None:  # no day by ``at``
        return {}, set()
    lo, hi = _on_time_line(days, start, end) or (date.max, date.min)  # (none)
    latest: dict[str, Any] = {}
    found = latest.get
    last: dict[str, float] = {}
    elsewhere: set[str] = set()
    seen = elsewhere.add
    for id_, time, value in zip(ids, times, values, strict=True):
        if time <= by[1]:
            if lo <= time <= hi:
                old = found(id_)
                if old is None or time > old or (time == old and value > last[id_]):
                    latest[id_] = time
                    last[id_] = value + 0.0
            else:
                seen(id_)
    elsewhere.update(last)
    return last, elsewhere


def _by_time(
    ids: Sequence[str],
    times: Sequence[Any],
    values: Sequence[float],
    days: Mapping[date, float],
    until: float,
) -> dict[str, dict[Any, float]]:
    """Each id's LAST value at each of its times up to ``until``, in one pass.

    What :meth:`CheckinStore.lasts` gives every id of a history: the largest
    value at each time (instant, or date when ``days`` places them), without
    gathering any id's rows.
    """
    by = _on_time_line(days, -math.inf, until)
    if by is None:  # no day by ``until``
        return {}
    last = by[1]
    found: dict[str, dict[Any, float]] = {}
    get = found.get
    lowest = -math.inf
    for id_, time, value in zip(ids, times, values, strict=True):
        if time <= last:
            at = get(id_)
            if at is None:
                found[id_] = {time: value + 0.0}
            elif value > at.get(time, lowest):
                at[time] = value + 0.0
    return found


def _on_time_line(
    days: Mapping[date, float], low: float, high: float
) -> tuple[Any, Any] | None:
    """The instants from ``low`` to ``high`` as the times a pass compares.

    The instants themselves; with ``days``, the first and last of the
    table's days whose instants lie there (None: none does).
    """
    if not days:
        return low, high
    there = [day for day, instant in days.items() if low <= instant <= high]
    return (min(there), max(there)) if there else None


def _lasts_of_cells(cells: Cells, window: Window, at: float) -> _Lasts | None:
    """Every id's LAST in ``window`` from its cells; the ids with cells by ``at``.

    Each id's last cell in the window (the cells are sorted by id, then by
    place), found at C level: :func:`~okrkit._summary.over`'s LAST and
    :func:`~okrkit._summary.has_by`'s answer for every id at once, in the
    table's unit.  None when an instant is not one of the cells' edges.
    """
    places, position = cells.places, cells.position
    try:
        lo = 0 if window.start is None else places[window.start, False]
        hi = places[window.end, window.inclusive] - 1
        by = places[at, True] - 1
    except KeyError:
        return None
    inside = [lo <= place <= hi for place in position]
    # In row order the last of an id's cells in the window is kept.
    values = compress(cells.last_v, inside)
    last = dict(zip(compress(cells.ids, inside), values, strict=True))
    first = cells.start
    measured = {id_ for id_, row in first.items() if position[row] <= by}
    return last, measured


def stable(
    measurements: object, subject: str = "evaluate"
) -> dict[str, MeasurementSource]:
    """Check the mapping, and read one-shot iterables (generators) once.

    ``subject`` is the function the caller called, for the error messages.
    """
    _validate.of_type(
        subject,
        "measurements",
        measurements,
        Mapping,
        "a mapping from id to measurements, or a Checkins table",
    )
    assert isinstance(measurements, Mapping)
    stable: dict[str, MeasurementSource] = {}
    for id_, items in measurements.items():
        if isinstance(items, (list, tuple, Series)):
            stable[id_] = items
        elif isinstance(items, Iterable) and not isinstance(items, (str, bytes)):
            stable[id_] = list(items)
        else:
            raise InvalidTypeError(
                subject=subject,
                field=f"measurements[{id_!r}]",
                value=items,
                expected="an iterable of Measurement or a Series",
            )
    return stable
