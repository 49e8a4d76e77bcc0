"""Pushdown: a data frame's check-ins summarized where they live.

``Checkins.from_frame`` keeps the caller's frame (pandas, polars, pyarrow,
DuckDB, Dask, PySpark...) and, when an evaluation needs it, sends one query
through narwhals to the frame's own engine: keep the ids the evaluation
reads, cut at the last as-of instant, put every check-in in its *cell* (how
many edges lie at or below it), and group by id and cell into one row of
sums (:class:`~okrkit._summary.Cell`).  Only those rows come back to Python,
about one per id and window, so a Dask or Spark table is never collected.

Running totals (for SUM and COUNT forecasts) need the check-ins in time
order within each cell.  Not every engine orders a window partitioned by
group, so the query numbers the rows in (id, cell, time, value) order and
takes one running sum over the whole table of values minus their cell's
mean: each cell sums to zero, so the running sum starts each cell near zero,
and the little rounding left is read off the cell's first row and taken
away.  Rows that tie in all four give the same sums in either order.  Dask
cannot take even that sum in order once a group-by window has moved rows
between partitions, so there the rows are shuffled by cell and each
partition sums its own cells.

Each row's instant (seconds from an origin) is worked out in the engine,
from whole microseconds since 1970: UTC for an aware column, wall time for a
naive or date one, from which the engine takes the UTC offset that
:class:`~okrkit._time.Clock` takes off that wall time (one offset per
stretch of wall time between daylight saving changes, looked up here).  So
every row lands where ``Clock.instant`` places it for rows, in the skipped
and the repeated hour too, and cells, ties and trends are those of the rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any, NamedTuple

from okrkit._time import SECONDS_PER_DAY, Clock, utc_time
from okrkit.exceptions import InvalidValueError


class Edge(NamedTuple):
    """A cell boundary: rows at ``at`` fall above it unless ``after``."""

    at: float  # an instant
    after: bool  # True: the boundary lies just after ``at`` (an inclusive end)


class Cell(NamedTuple):
    """The sums of one id's check-ins in one cell, in the table's unit.

    Times are instants measured from the summary's origin; the sums over
    times (``st``, ``stt``, ``stv``, ``stc``, ``stk``) are of times measured
    from the cell's mean time ``tm`` instead, which keeps them exact.  ``c`` is the
    running total of the values within the cell, ``k`` the running count
    (1, 2, ...), both in time order, for SUM and COUNT trends.
    """

    position: int  # the cell: how many edges lie at or below its rows
    n: int
    total: float
    low: float
    high: float
    first_t: float
    first_v: float
    last_t: float
    last_v: float
    last_confidence: float | None
    tm: float
    st: float
    stt: float
    stv: float
    svv: float
    sc: float
    stc: float
    scc: float
    stk: float
    sck: float


def utc_of(instant: float) -> datetime:
    """The naive UTC datetime of an instant."""
    return utc_time(instant).replace(tzinfo=None)


def wall_of(instant: float, clock: Clock) -> datetime:
    """The naive local wall time of an instant in the clock's zone."""
    return utc_time(instant).astimezone(clock.tz).replace(tzinfo=None)


_1970 = datetime(1970, 1, 1)
_EPOCH_1970 = _1970.toordinal() * SECONDS_PER_DAY  # the instant of 1970-01-01 UTC
_MICROS = 1_000_000  # microseconds in a second
_DAY, _SECOND, _MICRO = timedelta(days=1), timedelta(seconds=1), timedelta(0, 0, 1)

Offsets = list[tuple[int, float]]


def wall_offsets(start: float, end: float, clock: Clock) -> Offsets:
    """The UTC offsets Clock takes off wall times from about ``start`` to ``end``.

    (from, offset) pairs, ``from`` a wall time in microseconds since 1970:
    ``Clock.instant`` takes ``offset`` seconds off every wall time from
    there to the next pair's.  The first pair starts a day before the wall
    time of ``start``, the last holds to a day after ``end``'s.  The pieces
    are cut where a wall time's offset changes, not an instant's: a skipped
    hour takes the offset before the change and a repeated hour its first
    instant (``fold=0``), as ``datetime`` reads them.
    """
    first, last = _wall_near(start, clock, -1), _wall_near(end, clock, 1)
    offsets = [(_micros_of(first), clock._offset(first))]
    if clock.fixed_offset is not None:
        return offsets
    here = first
    while here < last:
        there = here + _DAY if last - here > _DAY else last  # no step past 9999
        if clock._offset(here) != clock._offset(there):
            lo, hi = here, there
            while hi - lo > _SECOND:  # to the second: zones change on one
                mid = lo + _SECOND * ((hi - lo) // _SECOND // 2)
                if clock._offset(mid) == clock._offset(lo):
                    lo = mid
                else:
                    hi = mid
            offsets.append((_micros_of(hi), clock._offset(hi)))
        here = there
    return offsets


def _wall_near(instant: float, clock: Clock, days: int) -> datetime:
    """The wall time ``days`` from an instant's, to the second, on the calendar."""
    try:
        wall = wall_of(instant, clock) + timedelta(days=days)
    except OverflowError:  # past year 1 or 9999
        wall = datetime.min if days < 0 else datetime.max
    return wall.replace(microsecond=0)


def _micros_of(wall: datetime) -> int:
    return (wall - _1970) // _MICRO


class Frame:
    """A narwhals lazy frame of check-ins and the roles of its columns."""

    def __init__(
        self,
        nw: Any,
        frame: Any,
        *,
        id: str,
        at: str,
        value: str,
        confidence: str | None,
        note: str | None,
    ) -> None:
        self.nw = nw
        self.native = frame
        self.lazy = nw.from_native(frame).lazy()
        self.backend = str(nw.from_native(frame).implementation.name).lower()
        self.id, self.at, self.value = id, at, value
        self.confidence, self.note = confidence, note
        schema = self.lazy.collect_schema()
        self.kind = _at_kind(nw, schema[at])
        self.value_dtype = schema[value]
        self.confidence_dtype = None if confidence is None else schema[confidence]

    def values(self) -> Any:
        """The value column as floats, -0.0 as 0.0: what rows hold."""
        nw = self.nw
        return signless(nw, as_float(nw, nw.col(self.value), self.value_dtype))

    def confidences(self) -> Any:
        """The confidence column as floats (a numeric one: see check_frame)."""
        nw = self.nw
        assert self.confidence is not None
        return as_float(nw, nw.col(self.confidence), self.confidence_dtype)

    def rows_of(self, id: str) -> Any:
        """The rows of one id, collected: (id, at, value, confidence) tuples."""
        nw = self.nw
        columns = [
            nw.col(self.id).alias("id"),
            nw.col(self.at).alias("at"),
            nw.col(self.value).alias("value"),
            (
                nw.lit(None, nw.Float64)
                if self.confidence is None
                else self.confidences()
            ).alias("confidence"),
        ]
        found = self.lazy.filter(nw.col(self.id) == id).select(*columns).collect()
        # pandas keeps a missing confidence as NaN: None here, as it means.
        return [
            (i, at, v, None if q is None or q != q else q)
            for i, at, v, q in found.rows()
        ]

    def epoch(self) -> Any:
        """The ``at`` column as whole microseconds since 1970-01-01 00:00.

        UTC for an aware column, whatever its zone; wall time for a naive
        or a date column.  Integers: no engine's duration arithmetic (pandas
        casts Arrow nanoseconds to float safely, and fails past 104 days).
        """
        column = self.nw.col(self.at)
        if self.backend == "duckdb":
            # narwhals has no timestamp() for DuckDB; its total_microseconds
            # is DuckDB's epoch_us, which takes dates and timestamps too and
            # reads a TIMESTAMPTZ as its UTC instant whatever the session's
            # TimeZone (a conversion to UTC is refused unless the session is
            # in UTC, and a difference of two counts local calendar days).
            return column.dt.total_microseconds()
        return column.dt.timestamp("us")

    def offsets(self, start: float, end: float, clock: Clock) -> Offsets:
        """The offsets placing wall times from ``start`` to ``end`` (aware: none)."""
        return [] if self.kind == "aware" else wall_offsets(start, end, clock)

    def instants(self, origin: float, offsets: Offsets) -> Any:
        """Each row's instant, in seconds from ``origin``, as Clock places it.

        From whole seconds and the microseconds left, each exact as a float:
        microseconds since 1970 are not, past 2**53 (about 285 years), and
        Arrow refuses that cast.  A wall time takes off the offset of its
        piece of ``offsets`` (:func:`wall_offsets`), a time before the first
        piece the first piece's offset (:func:`_place_early` corrects the
        cells' first and last times that are such).
        """
        nw = self.nw
        epoch = self.epoch()
        whole = origin - _EPOCH_1970  # the origin in seconds since 1970
        base = math.floor(whole)
        seconds = epoch // _MICROS
        rest = epoch - seconds * _MICROS
        t = (seconds - base).cast(nw.Float64) + rest.cast(nw.Float64) / 1e6
        fraction = base - whole
        shift = nw.lit(fraction - (offsets[0][1] if offsets else 0.0))
        for start, offset in offsets[1:]:
            later = nw.lit(fraction - offset)
            shift = nw.when(epoch >= start).then(later).otherwise(shift)
        return t + shift


def _at_kind(nw: Any, dtype: Any) -> str | None:
    if dtype == nw.Date:
        return "date"
    if isinstance(dtype, nw.Datetime):
        return "naive" if dtype.time_zone is None else "aware"
    return None


def pushable(
    nw: Any, frame: Any, id: str, at: str, value: str, note: str | None
) -> bool:
    """Whether the frame's engine can summarize it: text ids, dates, numbers.

    Notes only order check-ins that tie in everything else, so a string
    column of them is checked and then left where it is.  Any other column
    type (ids as numbers or categories, say) is read row by row, where each
    value is checked as ``Measurement`` would.  A confidence column of any
    type is kept: all nulls is no confidence (pandas stores that as
    objects), and :func:`check_frame` names a row with anything else.
    """
    schema = nw.from_native(frame).lazy().collect_schema()
    return (
        schema[id] == nw.String
        and _at_kind(nw, schema[at]) is not None
        and _number(nw, schema[value])
        and (note is None or schema[note] == nw.String)
    )


def _number(nw: Any, dtype: Any) -> bool:
    return bool(dtype.is_numeric()) and dtype != nw.Boolean


_HALF = 2**32  # a 64-bit integer's low half: what lies below a multiple of it


def as_float(nw: Any, column: Any, dtype: Any) -> Any:
    """A numeric column as Float64, each number rounded as ``float()`` rounds it.

    Engines built on Arrow cast safely: an integer past 2**53, which no
    float holds exactly, is an error there, where Python (and ``from_rows``)
    rounds it to the nearest float.  So a 64-bit integer is split into a
    multiple of 2**32 and the rest, each exact as a float, and put back
    together by one addition: one rounding, to nearest.  An unsigned one
    goes through its decimal text instead (pandas' Arrow arrays divide it
    as a signed integer, which fails past 2**63); engines read a number's
    text to the nearest float too.
    """
    if dtype == nw.Int64:
        step = nw.lit(_HALF, nw.Int64)
        high = column // step
        low = column - high * step
        return high.cast(nw.Float64) * float(_HALF) + low.cast(nw.Float64)
    if dtype == nw.UInt64:
        return column.cast(nw.String).cast(nw.Float64)
    return column.cast(nw.Float64)


def signless(nw: Any, column: Any) -> Any:
    """-0.0 as 0.0, as rows read values (``value + 0.0``).

    Not ``+ 0.0`` in the engine: polars drops it as a no-op.  Two zeros
    that differ in sign also break pandas' sort of Arrow doubles.
    """
    return nw.when(column == 0).then(nw.lit(0.0)).otherwise(column)


def summarize(
    source: Frame,
    ids: Sequence[str] | None,
    edges: Sequence[Edge],
    until: float,
    clock: Clock,
    *,
    running: bool = True,
) -> tuple[Cells, float]:
    """One query: the cells of every id in ``ids`` (None: all), cut at ``until``.

    Returns the cells of every id (times measured from the origin, an
    instant) and the origin.  What a value needs (counts, totals, extremes,
    first and last check-ins) comes back now; the sums a trend fits come
    from a second query, sent only when a trend is first read
    (:meth:`Cells.cell`): an evaluation scores from values, and a forecast
    waits until a result shows it.  The sums of running totals and counts
    (what a SUM or COUNT trend fits) need the rows in one order, a sort of
    the whole table; without ``running`` they are left at 0 and no row is
    ordered.
    """
    nw = source.nw
    origin = edges[0].at if edges else until
    offsets = source.offsets(origin, until, clock)
    rows = source.lazy
    if ids is not None:
        # A list of ids becomes a literal list in the engine's plan, which
        # some engines (DuckDB) test row by row: left out when every id counts.
        rows = rows.filter(nw.col(source.id).is_in(list(ids)))
    confidence = (
        []
        if source.confidence is None
        else [source.confidences().fill_null(-1.0).alias("q")]
    )
    rows = rows.select(
        nw.col(source.id).alias("id"),
        source.instants(origin, offsets).alias("t"),
        source.values().alias("v"),
        *confidence,
    ).filter(nw.col("t") <= until - origin)
    t = nw.col("t")
    cell = nw.lit(0)
    for edge in edges:
        above = t > edge.at - origin if edge.after else t >= edge.at - origin
        cell = cell + above.cast(nw.Int32)
    rows = rows.with_columns(cell.alias("cell"))
    keys = ["id", "cell"]
    result = _collect(rows, keys, source)
    cells = _cells(result, origin, offsets, clock, edges, running)
    cells.later = partial(_sums, rows, keys, source, running)
    return cells, origin


def _collect(rows: Any, keys: list[str], source: Frame) -> Any:
    """Each cell's count, total, extremes, and first and last check-in.

    The first and last check-ins come from window columns and one group-by,
    not from joins: a value counts toward ``first_v`` (``last_v``) only on
    a row at its cell's first (last) instant, and the smallest (largest)
    such value is kept, the tie order of the series.
    """
    nw = source.nw
    t, v = nw.col("t"), nw.col("v")
    points = rows.with_columns(
        t.min().over(*keys).alias("first_t"), t.max().over(*keys).alias("last_t")
    )
    at_last = t == nw.col("last_t")
    points = points.with_columns(
        nw.when(t == nw.col("first_t")).then(v).alias("fv"),
        nw.when(at_last).then(v).alias("lv"),
    )
    last_q = []  # no confidence column: nothing to read
    if source.confidence is not None:
        # The confidence of the last row: at the last instant, the largest value.
        points = points.with_columns(
            nw.col("lv").max().over(*keys).alias("lvm")
        ).with_columns(
            nw.when(at_last & (v == nw.col("lvm"))).then(nw.col("q")).alias("lq")
        )
        last_q = [nw.col("lq").max().alias("last_q")]
    return (
        points.group_by(*keys)
        .agg(
            v.count().alias("n"),
            v.sum().alias("total"),
            v.min().alias("low"),
            v.max().alias("high"),
            nw.col("first_t").min(),
            nw.col("last_t").max(),
            nw.col("fv").min().alias("first_v"),
            nw.col("lv").max().alias("last_v"),
            *last_q,
        )
        .collect()
        .sort(*keys)
    )


def _sums(rows: Any, keys: list[str], source: Frame, running: bool) -> Any:
    """The second query: each cell's mean time and the sums a trend fits.

    Its rows are the first query's cells in the same order (by id and cell).
    """
    nw = source.nw
    v = nw.col("v")
    if running and source.backend == "dask":
        products = _running_by_cell(rows, keys, nw)  # a row per cell already
    elif not running:
        points = rows.with_columns(nw.col("t").mean().over(*keys).alias("tm"))
        t = nw.col("t") - nw.col("tm")  # times centred on their cell's mean
        zero = nw.lit(0.0)
        products = points.with_columns(
            t.alias("st"),
            (t * t).alias("stt"),
            (t * v).alias("stv"),
            (v * v).alias("svv"),
            *(zero.alias(name) for name in ("sc", "stc", "scc", "stk", "sck")),
        )
    else:
        products = _running(rows, keys, nw)
    return (
        products.group_by(*keys)
        .agg(nw.col("tm").max(), *(nw.col(name).sum() for name in _SUMS))
        .collect()
        .sort(*keys)
    )


def _running(rows: Any, keys: list[str], nw: Any) -> Any:
    """Each row's products, running totals and counts included.

    Running sums need one order: (id, cell, t, v), ties by a row number.
    Rows that tie in all four give the same sums in either order.
    (Aggregations stay simple, column sums and extremes, so that every
    engine runs them natively: products are columns made beforehand.)
    """
    v = nw.col("v")
    order = ["id", "cell", "t", "v"]
    points = rows.with_row_index("r", order_by=order)
    # Each cell's running sum of values minus the cell's mean: it starts each
    # cell near zero, so no large total cancels (window functions come
    # before any join: Dask orders only a frame it has not joined).
    points = points.with_columns(
        v.mean().over(*keys).alias("m"), nw.col("t").mean().over(*keys).alias("tm")
    )
    m = nw.col("m")
    points = points.with_columns(
        (v - m).cum_sum().over(order_by=["r"]).alias("g"),
        nw.col("r").cast(nw.Float64).alias("k0"),
    ).with_columns((nw.col("g") - (v - m)).alias("g0"))
    starts = points.group_by(*keys).agg(nw.col("k0").min().alias("kmin"))
    points = points.join(starts, on=keys)
    # The first row of each cell holds the rounding carried in from before.
    drift = points.filter(nw.col("k0") == nw.col("kmin")).select(
        *keys, nw.col("g0").alias("drift")
    )
    points = points.join(drift, on=keys)
    # Through each row: the running total c and running count k of its cell.
    k = nw.col("k0") - nw.col("kmin") + 1
    c = nw.col("g0") - nw.col("drift") + (k - 1) * m + v
    t = nw.col("t") - nw.col("tm")  # times centred on their cell's mean
    return points.with_columns(
        t.alias("st"),
        (t * t).alias("stt"),
        (t * v).alias("stv"),
        (v * v).alias("svv"),
        c.alias("sc"),
        (t * c).alias("stc"),
        (c * c).alias("scc"),
        (t * k).alias("stk"),
        (c * k).alias("sck"),
    )


def _running_by_cell(rows: Any, keys: list[str], nw: Any) -> Any:
    """Dask: each cell's mean time and sums, from whole cells in one partition.

    Dask takes an ordered running sum (``cum_sum().over(order_by=...)``)
    in the wrong order once a group-by window has moved rows between
    partitions, and refuses one partitioned by group (dask/dask#11806).  So
    the rows are shuffled by id and cell (a cell's rows land in one
    partition), and each partition orders and sums its own cells in pandas.
    One row per cell comes back, as from the other engines' query.
    """
    native = rows.select(*keys, "t", "v").to_native()
    meta = [(key, native.dtypes[key]) for key in keys]
    meta += [(name, "float64") for name in ("tm", *_SUMS)]
    found = native.shuffle(on=keys).map_partitions(_cell_sums, keys, meta=meta)
    return nw.from_native(found)


def _cell_sums(frame: Any, keys: list[str]) -> Any:
    """One pandas frame's cells (each whole): the mean time and the trend's sums."""
    frame = frame.astype({"t": "float64", "v": "float64"})
    frame = frame.sort_values([*keys, "t", "v"], kind="stable")
    cells = frame.groupby(keys, sort=False)
    t, v = frame["t"], frame["v"]
    tm = cells["t"].transform("mean")
    d = t - tm  # times centred on their cell's mean
    c = cells["v"].cumsum()  # in time order: the running total
    k = cells.cumcount() + 1.0  # the running count
    products = frame[keys].assign(
        tm=tm,
        st=d,
        stt=d * d,
        stv=d * v,
        svv=v * v,
        sc=c,
        stc=d * c,
        scc=c * c,
        stk=d * k,
        sck=c * k,
    )
    sums = {"tm": "max", **dict.fromkeys(_SUMS, "sum")}
    return products.groupby(keys, as_index=False, sort=False).agg(sums)


_SUMS = ("st", "stt", "stv", "svv", "sc", "stc", "scc", "stk", "sck")
_VALUES = ("n", "total", "low", "high", "first_t", "first_v", "last_t", "last_v")


class Cells:
    """Every id's cells as columns, the rows sorted by id and cell.

    What the query returns, kept as one list per field: a
    :class:`~okrkit._summary.Summary` reads its id's rows ``start[id]`` to
    ``stop[id]`` in place, and makes :class:`Cell` objects only for a trend.
    Plain lists of numbers (no object per row) cost the garbage collector
    nothing, at 100,000 ids and more.  The sums a trend fits (``tm`` and
    ``st`` to ``sck``) are filled in by ``later``, a second query, when the
    first cell is made.
    """

    __slots__ = (
        *("position", "n", "total", "low", "high", "first_t", "first_v", "last_t"),
        *("last_v", "last_confidence", "tm", "st", "stt", "stv", "svv", "sc", "stc"),
        *("scc", "stk", "sck", "edges", "later", "origin", "places", "running"),
        *("ids", "start", "stop"),
    )
    # One list per field of Cell, a row per cell.
    position: list[int]
    n: list[int]
    total: list[float]
    low: list[float]
    high: list[float]
    first_t: list[float]
    first_v: list[float]
    last_t: list[float]
    last_v: list[float]
    last_confidence: list[float | None]
    tm: list[float]
    st: list[float]
    stt: list[float]
    stv: list[float]
    svv: list[float]
    sc: list[float]
    stc: list[float]
    scc: list[float]
    stk: list[float]
    sck: list[float]

    def __init__(
        self,
        ids: list[str],
        columns: dict[str, list[Any]],
        *,
        edges: Sequence[Edge] = (),
        origin: float = 0.0,
        running: bool = True,
        later: Callable[[], Any] | None = None,
    ) -> None:
        for name, column in columns.items():
            setattr(self, name, column)
        size = len(ids)
        self.ids = ids  # each row's
        # The first and (one past) the last row of each id, at C level.
        self.start = dict(zip(reversed(ids), range(size - 1, -1, -1), strict=True))
        self.stop = dict(zip(ids, range(1, size + 1), strict=True))
        self.edges = edges  # sorted
        # An edge's place: how many edges lie at or below it.
        self.places: dict[tuple[float, bool], int] = {
            edge: at + 1 for at, edge in enumerate(edges)
        }
        self.origin = origin
        self.running = running  # the trend's sums include running totals
        self.later = later  # the query of the trend's sums, until sent

    def cell(self, row: int) -> Cell:
        """The cell of one row (the first sends the query of the trend's sums)."""
        if self.later is not None:
            self._fill(self.later())
            self.later = None
        return Cell(*(getattr(self, name)[row] for name in Cell._fields))

    def _fill(self, result: Any) -> None:
        """Read the second query's columns, its rows those of the first."""
        assert len(result) == len(self.position)
        self.tm = result["tm"].to_list()
        for name in _SUMS:
            setattr(self, name, result[name].to_list())


def _cells(
    result: Any,
    origin: float,
    offsets: Offsets,
    clock: Clock,
    edges: Sequence[Edge],
    running: bool,
) -> Cells:
    """Read the engine's rows into columns (times placed before the offsets, too)."""
    column = {name: result[name].to_list() for name in _VALUES}
    column["position"] = list(map(int, result["cell"].to_list()))
    column["n"] = list(map(round, column["n"]))
    if "last_q" in result.columns:
        column["last_confidence"] = [
            None if q is None or q < 0 else q for q in result["last_q"].to_list()
        ]
    else:  # no confidence column
        column["last_confidence"] = [None] * len(result)
    if offsets and clock.fixed_offset is None:  # one offset: all exact already
        _place_early(column, offsets, origin, clock)
    ids = result["id"].to_list()
    return Cells(ids, column, edges=edges, origin=origin, running=running)


def _place_early(
    column: dict[str, list[Any]], offsets: Offsets, origin: float, clock: Clock
) -> None:
    """Place the first and last times before the offsets' first piece as Clock does.

    Only the cell below every edge holds such times (the offsets start a day
    before the first edge), and the engine took the first piece's offset
    off them: their wall time's own offset may differ (summer and winter,
    another century's).  Only the latest matters (the latest check-in
    before a period); no trend reads that cell.
    """
    start, offset = offsets[0]
    low = start / 1e6 + _EPOCH_1970 - offset - origin  # the first piece's start
    for name in ("first_t", "last_t"):
        times = column[name]
        if times and min(times) < low:
            column[name] = [
                t if t >= low else clock.instant(utc_of(t + origin + offset)) - origin
                for t in times
            ]


def check_frame(source: Frame, subject: str) -> None:
    """Check every row as ``Measurement`` would, in the frame's engine.

    One query counts the bad rows of each kind; only when one is found does
    a second bring back the first such row, to name it.
    """
    nw = source.nw
    value = nw.col(source.value)
    problems: list[tuple[str, Any, str]] = [
        ("id", nw.col(source.id).is_null(), "a non-blank string id"),
        ("id", nw.col(source.id).str.strip_chars() == "", "a non-blank string id"),
        ("at", nw.col(source.at).is_null(), "a datetime.date or datetime.datetime"),
        ("value", value.is_null(), "a finite real number"),
    ]
    if not source.value_dtype.is_integer():  # an integer is always finite
        finite = as_float(nw, value, source.value_dtype).is_finite()
        problems.append(("value", ~finite, "a finite real number"))
    if source.confidence is not None:
        given = nw.col(source.confidence)
        if _number(nw, source.confidence_dtype):
            confidence = source.confidences()
            bad = ~confidence.is_finite() | (confidence < 0) | (confidence > 1)
        else:  # text, booleans, objects: only nulls (no confidence) are fine
            bad = nw.lit(True)
        problems.append(
            (
                "confidence",
                ~given.is_null() & bad,
                "a probability between 0 and 1, or None",
            )
        )
    counts = (
        source.lazy.select(
            *(
                test.fill_null(False).cast(nw.Int64).sum().alias(f"p{i}")
                for i, (_, test, _) in enumerate(problems)
            )
        )
        .collect()
        .row(0)
    )
    for count, (field, test, expected) in zip(counts, problems, strict=True):
        if count:
            raise _bad_row(source, field, test, expected)


def _bad_row(source: Frame, field: str, test: Any, expected: str) -> InvalidValueError:
    """The error naming the first row that fails ``test``.

    An eager frame's rows have positions, so the row is named by its
    index, as for rows and columns; a lazy frame's rows have no order, so
    the row is named by its id and instant.
    """
    nw = source.nw
    eager = nw.from_native(source.native)
    if isinstance(eager, nw.DataFrame):
        found = eager.with_row_index("__okrkit_row").filter(test.fill_null(False))
        row = found.head(1).rows(named=True)[0]
        id_ = _text(row[source.id])
        where = f"row {row['__okrkit_row']}" + ("" if id_ is None else f" (id {id_!r})")
    else:
        rows = source.lazy.filter(test.fill_null(False)).head(1).collect()
        row = rows.rows(named=True)[0]
        where = f"row (id {_text(row[source.id])!r}, at {row[source.at]})"
    name = source.confidence if field == "confidence" else getattr(source, field)
    value = _text(row[name]) if field == "id" else row[name]
    return InvalidValueError(
        subject=f"Checkins {where}", field=field, value=value, expected=expected
    )


def _text(cell: object) -> str | None:
    """A cell of a text column as given: None when missing.

    pandas reads a missing string back as NaN (or NA): it is shown as
    None, what was given (and what every other engine shows).
    """
    return cell if isinstance(cell, str) else None


def distinct_ids(source: Frame) -> frozenset[str]:
    """The ids of the frame: one row per id comes back."""
    return _distinct(source, source.lazy)


def late_ids(source: Frame, until: float, clock: Clock) -> frozenset[str]:
    """The ids of the rows after the instant ``until`` (what a summary leaves out)."""
    after = source.instants(until, source.offsets(until, until, clock)) > 0
    return _distinct(source, source.lazy.filter(after))


def _distinct(source: Frame, rows: Any) -> frozenset[str]:
    nw = source.nw
    if source.backend == "duckdb":
        # DuckDB runs a group-by of the ids several times faster than unique.
        found = rows.group_by(source.id).agg().collect()
    else:  # pandas' group-by with no aggregation is slower than unique
        found = rows.select(nw.col(source.id)).unique().collect()
    return frozenset(found[source.id].to_list())


def check_schema(
    nw: Any, frame: Any, names: Sequence[tuple[str, str | None]]
) -> list[str]:
    """The named columns exist; return the frame's column names."""
    schema = nw.from_native(frame).lazy().collect_schema()
    for field, name in names:
        if name is not None and name not in schema:
            raise InvalidValueError(
                subject="Checkins.from_frame",
                field=field,
                value=name,
                expected=f"the name of a column of the frame (it has {list(schema)})",
            )
    return list(schema)
