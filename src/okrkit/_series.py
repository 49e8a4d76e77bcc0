"""Series: the check-ins of one id, sorted once and converted once."""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import partial
from itertools import repeat
from operator import add, attrgetter, itemgetter, mul, sub
from typing import TYPE_CHECKING, cast

import attrs

from okrkit import _validate
from okrkit._aggregation import Aggregation
from okrkit._measurement import Measurement
from okrkit._time import SECONDS_PER_DAY, Clock, check_tz
from okrkit.exceptions import (
    IncompatibleUnitsError,
    InvalidTypeError,
    InvalidValueError,
    OkrkitError,
)
from okrkit.units import (
    Conversion,
    UnitLike,
    conversion,
    normalize_for,
    normalize_unit,
)

if TYPE_CHECKING:
    from okrkit._checkins import Checkins


@attrs.frozen
class TableRows:
    """Where a series' check-ins stand in a check-in table (no object per row)."""

    table: Checkins
    order: tuple[int, ...]  # the table's row of each check-in, in series order

    def measurement(self, index: int) -> Measurement:
        return table_measurement(self.table, self.order[index])


def table_measurement(table: Checkins, row: int) -> Measurement:
    """Build the Measurement of one table row (for messages, ties, on demand)."""
    return Measurement(
        table.ats[row],
        table.values[row],
        unit=table.units[row],
        confidence=table.confidences[row],
        note=table.notes[row],
    )


@attrs.frozen(repr=False)
class Series:
    """The check-ins of one id in time order, as plain floats in one unit.

    Build it with :meth:`Series.build`.  Check-ins are sorted once (ties by
    value, confidence and note, so the input order never matters), converted
    once to the series' unit (one pint call per distinct unit, never one per
    check-in; a check-in without a unit is taken to be in the series' unit),
    and looked up by bisection.  ``times`` are instants (seconds on one UTC
    time line; see the time zone rules in the docs), ``values`` floats in
    ``unit``.

    >>> from datetime import date
    >>> s = Series.build("revenue", [
    ...     Measurement(date(2026, 2, 1), 2, unit="kUSD"),
    ...     Measurement(date(2026, 1, 1), 1000, unit="USD"),
    ... ], unit="USD")
    >>> s.values
    (1000.0, 2000.0)
    >>> s.aggregate(Aggregation.SUM, as_of=date(2026, 3, 1))
    3000.0
    >>> s.latest(date(2026, 1, 15)).value
    1000.0
    """

    id: str
    unit: str | None
    tz: tzinfo
    times: tuple[float, ...]
    values: tuple[float, ...]
    _rows: tuple[Measurement, ...] | TableRows = attrs.field(eq=False, alias="rows")

    @classmethod
    def build(
        cls,
        id: str,
        measurements: Iterable[Measurement],
        *,
        unit: UnitLike = None,
        tz: tzinfo = UTC,
    ) -> Series:
        """Sort, convert and index the measurements of ``id``.

        >>> from datetime import date
        >>> Series.build("nps", [Measurement(date(2026, 1, 5), 3, unit="EUR")],
        ...              unit="USD")
        Traceback (most recent call last):
        ...
        okrkit.exceptions.IncompatibleUnitsError: Series 'nps': field 'unit' got \
'EUR'; expected a unit convertible to the series' unit 'USD' (measurement at \
2026-01-05).
        """
        return build_series(cls, id, measurements, unit=unit, tz=tz)

    @property
    def measurements(self) -> tuple[Measurement, ...]:
        """The check-ins as :class:`Measurement` values, in series order.

        A series indexed from a :class:`~okrkit.Checkins` table builds them
        only when asked.
        """
        rows = self._rows
        if isinstance(rows, TableRows):
            return tuple(map(rows.measurement, range(len(rows.order))))
        return rows

    def measurement(self, index: int) -> Measurement:
        """Return the check-in at ``index`` in series order."""
        index = self._checked(index)
        rows = self._rows
        if isinstance(rows, TableRows):
            return rows.measurement(index)
        return rows[index]

    def __len__(self) -> int:
        return len(self.times)

    def __repr__(self) -> str:
        return f"<Series {self.id!r}: {len(self)} measurements in {self.unit}>"

    def key(self, at: date) -> float:
        """Return the instant of ``at`` in this series' time zone."""
        at = _validate.instant(f"Series {self.id!r}", "at", at)
        return Clock(self.tz).instant(at)

    def bounds(
        self, start: float | None, end: float, *, inclusive: bool = True
    ) -> tuple[int, int]:
        """Return the index range of check-ins from ``start`` to ``end``.

        ``start`` is inclusive; ``end`` too unless ``inclusive`` is False.
        Both are instants (see :meth:`key`).
        """
        if type(end) is not float or (start is not None and type(start) is not float):
            subject = f"Series {self.id!r}"
            end = _validate.real(subject, "end", end)
            start = None if start is None else _validate.real(subject, "start", start)
        lo = 0 if start is None else bisect_left(self.times, start)
        cut = bisect_right if inclusive else bisect_left
        return lo, max(lo, cut(self.times, end, lo))

    def window(self, *, start: date | None = None, as_of: date) -> tuple[float, ...]:
        """Return the values measured in ``[start, as_of]`` (both inclusive).

        >>> from datetime import date
        >>> s = Series.build("x", [Measurement(date(2026, 1, d), d) for d in (1, 2, 3)])
        >>> s.window(start=date(2026, 1, 2), as_of=date(2026, 1, 3))
        (2.0, 3.0)
        """
        lo, hi = self.bounds(
            None if start is None else self.key(start), self.key(as_of)
        )
        return self.values[lo:hi]

    def aggregate(
        self, aggregation: Aggregation, *, start: date | None = None, as_of: date
    ) -> float | None:
        """Aggregate the values measured in ``[start, as_of]``.

        >>> from datetime import date
        >>> s = Series.build("x", [Measurement(date(2026, 1, d), d) for d in (1, 2, 3)])
        >>> s.aggregate(Aggregation.MEAN, as_of=date(2026, 1, 2))
        1.5
        """
        _validate.of_type(
            f"Series {self.id!r}",
            "aggregation",
            aggregation,
            Aggregation,
            "an Aggregation",
        )
        return aggregation.apply(self.window(start=start, as_of=as_of))

    def latest(self, as_of: date) -> Measurement | None:
        """Return the last check-in at or before ``as_of``, if any.

        >>> from datetime import date
        >>> s = Series.build("x", [Measurement(date(2026, 1, 5), 1)])
        >>> s.latest(date(2026, 1, 4)) is None, s.latest(date(2026, 1, 5)).value
        (True, 1.0)
        """
        index = bisect_right(self.times, self.key(as_of))
        return self.measurement(index - 1) if index else None

    def _checked(self, index: object) -> int:
        if type(index) is int and -len(self.times) <= index < len(self.times):
            return index
        raise InvalidValueError(
            subject=f"Series {self.id!r}",
            field="index",
            value=index,
            expected=f"a position from 0 to {len(self.times) - 1}",
        )

    def row_at(self, index: int) -> date:
        """Return when the check-in at ``index`` was made, as given."""
        index = self._checked(index)
        rows = self._rows
        if isinstance(rows, TableRows):
            return rows.table.ats[rows.order[index]]
        return rows[index].at

    def row_confidence(self, index: int) -> float | None:
        """Return the stated confidence of the check-in at ``index``."""
        index = self._checked(index)
        rows = self._rows
        if isinstance(rows, TableRows):
            return rows.table.confidences[rows.order[index]]
        return rows[index].confidence

    def last_before(self, at: float) -> int:
        """Return the index of the last check-in at or before instant ``at``, or -1."""
        if type(at) is not float:
            at = _validate.real(f"Series {self.id!r}", "at", at)
        return bisect_right(self.times, at) - 1

    def in_unit(self, unit: str | None) -> Series:
        """Return this series with its values converted to ``unit``."""
        if unit is not None:
            unit = normalize_for(f"Series {self.id!r}", "unit", unit)
        if unit == self.unit:
            return self
        step = unit_step(self.id, self.unit, unit)
        values = tuple(value * step.scale + step.offset for value in self.values)
        _check_finite(self.id, values, self.times)
        return attrs.evolve(self, unit=unit, values=values)


def unit_step(id: str, source: str | None, target: str | None) -> Conversion:
    """The conversion from a series' unit to another, naming the series."""
    try:
        return conversion(source, target)
    except OkrkitError as exc:
        raise IncompatibleUnitsError(
            subject=f"Series {id!r}",
            field="unit",
            value=source,
            expected=f"a unit convertible to {target!r}",
        ) from exc


def build_series(
    cls: type[Series],
    id: str,
    measurements: Iterable[Measurement],
    *,
    unit: UnitLike,
    tz: tzinfo,
    until: float = math.inf,
    clock: Clock | None = None,
) -> Series:
    """Build a series, leaving out check-ins later than the instant ``until``.

    evaluate() passes its as-of instant: check-ins after it never count, so
    they are not sorted or stored, only checked (type and unit), as every
    check-in is.
    """
    # Validation takes the shortest path: evaluations build many series.
    if type(id) is not str or not id.strip():
        _validate.identifier("Series", "id", id)
    zone: object = tz  # typed loosely: callers may pass anything
    if not isinstance(zone, tzinfo):
        check_tz(f"Series {id!r}", zone)
    items = measurements if type(measurements) is list else _as_list(id, measurements)
    if set(map(type, items)) - {Measurement}:
        for item in items:
            if not isinstance(item, Measurement):
                _reject(id, item)
    columns = Columns(
        ats=list(map(_AT, items)),
        values=list(map(_VALUE, items)),
        units=list(map(_UNIT, items)),
        describe=lambda i: items[i],
    )
    target = None if unit is None else normalize_unit(unit)
    times, values, order = index_rows(
        id, columns, range(len(items)), target, clock or Clock(tz), until
    )
    return cls(
        id=id,
        unit=target,
        tz=tz,
        times=times,
        values=values,
        rows=tuple(map(items.__getitem__, order)),
    )


def table_series(
    id: str,
    table: Checkins,
    rows: Sequence[int],
    *,
    unit: str | None,
    clock: Clock,
    until: float,
    columns: TableColumns | None = None,
) -> Series:
    """Index the rows of ``id`` in a check-in table, without a Measurement each.

    ``columns`` are the table's instants and values worked out once for the
    whole table (:func:`table_columns`); without units to convert, a series
    is then a gather, a sort and a cut, all at C level.
    """
    if columns is not None and columns.unitless:
        times, values, order = _gather(columns, rows, until)
        if len(set(map(complex, times, values))) != len(times):
            # Rare: equal time and value; the other fields decide, not input order.
            order = _tie_ordered(table, times, values, order)
    else:
        general = Columns(
            ats=table.ats,
            values=table.values,
            units=table.units,
            describe=partial(table_measurement, table),
        )
        times, values, order = index_rows(id, general, rows, unit, clock, until)
    return Series(
        id=id,
        unit=unit,
        tz=clock.tz,
        times=times,
        values=values,
        rows=TableRows(table, order),
    )


def _tie_ordered(
    table: Checkins,
    times: tuple[float, ...],
    values: tuple[float, ...],
    order: tuple[int, ...],
) -> tuple[int, ...]:
    entries = sorted(
        zip(times, values, order, strict=True),
        key=lambda e: (e[0], e[1], *_tie_break(table_measurement(table, e[2]))),
    )
    return tuple([entry[2] for entry in entries])


@attrs.frozen
class TableColumns:
    """A table's instants and values, worked out once per evaluation."""

    keys: Sequence[float]
    values: Sequence[float]
    unitless: bool  # no row has a unit: nothing to convert or check


def table_columns(table: Checkins, clock: Clock) -> TableColumns:
    """Place every check-in of a table on the time line, in C-level passes.

    Kept as arrays of doubles: an id's rows are scattered over the table,
    and a gather from an array touches eight bytes per row where a list
    would follow a pointer to a float object each (several times slower
    on a large table).
    """
    keys, values = plain_columns(table.ats, table.values, clock, partial(array, "d"))
    return TableColumns(keys, values, unitless=not any(table.units))


def plain_columns(
    ats: Sequence[date],
    values: Iterable[float],
    clock: Clock,
    collect: Callable[[Iterable[float]], Sequence[float]] = list,
) -> tuple[Sequence[float], Sequence[float]]:
    """Instants and values of check-ins without units, in C-level passes.

    ``collect`` makes each column from its numbers (a list, or an array).
    """
    keys: Iterable[float]
    fixed = clock.fixed_offset
    if fixed is not None and len(ats) < 256 and set(map(type, ats)) <= {date}:
        # A few days at one offset (one id's): each day's instant in C-level
        # passes, the arithmetic of Clock.day.
        keys = map(mul, map(_ORDINAL, ats), repeat(SECONDS_PER_DAY))
        if fixed:
            keys = map(sub, keys, repeat(fixed))
    elif set(map(type, days := set(ats))) <= {date}:
        # Check-ins fall on few distinct days: each day is placed once and
        # every row's looked up.  (Only plain dates: naive datetimes a fold
        # apart are equal yet an hour apart.)
        instant = {day: clock.day(day) for day in days}
        keys = map(instant.__getitem__, ats)
    else:
        keys = map(clock.instant, ats)
    numbers = collect(values)
    if 0.0 in numbers:  # -0.0 too: + 0.0 turns it into 0.0, so that no
        # result depends on input order
        numbers = collect(map(add, numbers, repeat(0.0)))
    return collect(keys), numbers


def plain_measurements(
    items: Sequence[object], clock: Clock
) -> tuple[Sequence[float], Sequence[float]] | None:
    """:func:`plain_columns` of Measurements without units (None: not those)."""
    if set(map(type, items)) != {Measurement}:
        return None
    measurements = cast("Sequence[Measurement]", items)
    if any(map(_UNIT, measurements)):
        return None
    return plain_columns(list(map(_AT, measurements)), map(_VALUE, measurements), clock)


def _gather(
    columns: TableColumns, rows: Sequence[int], until: float
) -> tuple[tuple[float, ...], tuple[float, ...], tuple[int, ...]]:
    """Sort one id's rows by instant, then value, and cut them at ``until``.

    ``rows`` come in input order.  Two stable sorts of the row numbers
    (by value, then by instant) give the order of (instant, value, row)
    at C level, with no tuple per check-in: a million short-lived tuples
    would keep the garbage collector busy, and check-ins by the day share
    an instant often enough that sorting triples was the usual path.
    """
    if not rows:
        return (), (), ()
    keys, values = columns.keys, columns.values
    if len(rows) == 1:
        row = rows[0]
        if keys[row] > until:
            return (), (), ()
        return (keys[row],), (values[row],), (row,)
    order = sorted(rows, key=values.__getitem__)
    order.sort(key=keys.__getitem__)
    times = itemgetter(*order)(keys)
    cut = bisect_right(times, until)
    if not cut:
        return (), (), ()
    kept = order[:cut]
    if cut == 1:
        return times[:1], (values[kept[0]],), (kept[0],)
    return times[:cut], itemgetter(*kept)(values), tuple(kept)


@attrs.frozen
class Columns:
    """Check-ins as columns, and how to rebuild row ``i`` for messages and ties."""

    ats: Sequence[date]
    values: Sequence[float]
    units: Sequence[str | None]
    describe: Callable[[int], Measurement]


def index_rows(
    id: str,
    columns: Columns,
    rows: Iterable[int],
    target: str | None,
    clock: Clock,
    until: float,
) -> tuple[tuple[float, ...], tuple[float, ...], tuple[int, ...]]:
    """Sort, convert and cut the given rows: (times, values, row of each).

    The hot path of every evaluation: one plain loop (series are short, so
    fixed costs weigh more than per-item ones), one conversion lookup per
    distinct unit, one sort of (time, value, row) triples.
    """
    ats, values, units = columns.ats, columns.values, columns.units
    fixed = clock.fixed_offset
    entries: list[tuple[float, float, int]] = []
    append = entries.append
    conversions: dict[str, Conversion] = {}
    left_out: set[str] = set()  # units of check-ins left out, still to check
    for row in rows:
        at = ats[row]
        if type(at) is date and fixed is not None:
            key = at.toordinal() * SECONDS_PER_DAY - fixed
        else:
            key = clock.instant(at)
        unit = units[row]
        if key > until:
            if unit is not None:
                left_out.add(unit)
            continue
        # + 0.0 turns -0.0 into 0.0: no result may depend on input order.
        value = values[row] + 0.0
        if unit is not None:
            step = conversions.get(unit)
            if step is None:
                step = conversions[unit] = _conversion(
                    id, columns.describe(row), target
                )
            value = value * step.scale + step.offset
        append((key, value, row))
    for unit in left_out - conversions.keys():
        _conversion(id, _first_with(columns, unit), target)
    if not entries:
        return (), (), ()
    entries.sort()
    times, converted, order = zip(*entries, strict=True)  # transpose
    if conversions:
        _check_finite(id, converted, times)
    if len(set(map(complex, times, converted))) != len(entries):
        # Rare: equal time and value; the other fields decide, not input order.
        entries.sort(key=lambda e: (e[0], e[1], *_tie_break(columns.describe(e[2]))))
        order = tuple([entry[2] for entry in entries])
    return times, converted, order


def _first_with(columns: Columns, unit: str) -> Measurement:
    row = list(columns.units).index(unit)
    return columns.describe(row)


def _check_finite(id: str, values: Sequence[float], times: Sequence[float]) -> None:
    """A conversion may overflow (1e307 kUSD in USD): say so, never store inf."""
    for value, time in zip(values, times, strict=True):
        if not math.isfinite(value):
            raise InvalidValueError(
                subject=f"Series {id!r}",
                field="values",
                value=value,
                expected="a value that stays finite in the series' unit "
                f"(the check-in at {_utc(time)} overflowed on conversion)",
            )


def _utc(time: float) -> str:
    """Say an instant in words, for messages."""
    try:
        moment = datetime(1, 1, 1) + timedelta(seconds=time - SECONDS_PER_DAY)
    except OverflowError:
        return f"instant {time}"
    return f"{moment.isoformat()} UTC"


def _as_list(id: str, measurements: object) -> list[Measurement]:
    if isinstance(measurements, (str, bytes, Mapping)) or not isinstance(
        measurements, Iterable
    ):
        raise InvalidTypeError(
            subject=f"Series {id!r}",
            field="measurements",
            value=measurements,
            expected="an iterable of Measurement",
        )
    return list(measurements)


def _tie_break(item: Measurement) -> tuple[float, str, str]:
    confidence = -1.0 if item.confidence is None else item.confidence
    return confidence, item.note, item.unit or ""


def _reject(id: str, item: object) -> None:
    raise InvalidTypeError(
        subject=f"Series {id!r}",
        field="measurements",
        value=item,
        expected="a Measurement",
    )


def _conversion(id: str, item: Measurement, target: str | None) -> Conversion:
    subject = f"Series {id!r}"
    try:
        return conversion(item.unit, target)
    except IncompatibleUnitsError as exc:
        raise IncompatibleUnitsError(
            subject=subject,
            field="unit",
            value=item.unit,
            expected=(
                f"a unit convertible to the series' unit {target!r} "
                f"(measurement at {item.at.isoformat()})"
            ),
        ) from exc
    except OkrkitError as exc:
        raise type(exc)(
            subject=subject,
            field="unit",
            value=item.unit,
            expected=f"{exc.expected} (measurement at {item.at.isoformat()})",
        ) from exc


_AT = attrgetter("at")
_VALUE = attrgetter("value")
_UNIT = attrgetter("unit")
_ORDINAL = date.toordinal
