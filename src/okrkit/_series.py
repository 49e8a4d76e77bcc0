"""Series: the measurements of one id, sorted once and converted once."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from datetime import UTC, date, tzinfo
from operator import attrgetter

import attrs

from okrkit import _validate
from okrkit._aggregation import Aggregation
from okrkit._measurement import Measurement
from okrkit._time import SECONDS_PER_DAY, check_tz, instant_key
from okrkit.exceptions import IncompatibleUnitsError, InvalidTypeError, OkrkitError
from okrkit.units import Conversion, UnitLike, conversion, normalize_unit


@attrs.frozen(repr=False)
class Series:
    """The measurements of one id in time order, as plain floats in one unit.

    Build it with :meth:`Series.build`.  Measurements are sorted once (ties
    by value, confidence and note, so the input order never matters),
    converted once to the series' unit (one pint call per distinct unit, never
    one per measurement; a measurement without a unit is taken to be in the
    series' unit), and looked up by bisection.  ``times`` are local seconds
    (see the time zone rules in the docs), ``values`` floats in ``unit``.

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
    measurements: tuple[Measurement, ...]

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

    def __len__(self) -> int:
        return len(self.times)

    def __repr__(self) -> str:
        return f"<Series {self.id!r}: {len(self)} measurements in {self.unit}>"

    def key(self, at: date) -> float:
        """Return the time key of ``at`` in this series' time zone."""
        _validate.instant(f"Series {self.id!r}", "at", at)
        return instant_key(at, self.tz)

    def bounds(
        self, start: float | None, end: float, *, inclusive: bool = True
    ) -> tuple[int, int]:
        """Return the index range of measurements from ``start`` to ``end``.

        ``start`` is inclusive; ``end`` too unless ``inclusive`` is False.
        Both are time keys (see :meth:`key`).
        """
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
        """Return the last measurement at or before ``as_of``, if any.

        >>> from datetime import date
        >>> s = Series.build("x", [Measurement(date(2026, 1, 5), 1)])
        >>> s.latest(date(2026, 1, 4)) is None, s.latest(date(2026, 1, 5)).value
        (True, 1.0)
        """
        index = bisect_right(self.times, self.key(as_of))
        return self.measurements[index - 1] if index else None


def build_series(
    cls: type[Series],
    id: str,
    measurements: Iterable[Measurement],
    *,
    unit: UnitLike,
    tz: tzinfo,
    until: float = math.inf,
) -> Series:
    """Build a series, leaving out check-ins later than the key ``until``.

    evaluate() passes its as-of key: check-ins after it never count, so they
    are not sorted or stored, only checked (type and unit), as every check-in is.
    """
    # Validation takes the shortest path: evaluations build many series.
    if type(id) is not str or not id.strip():
        _validate.identifier("Series", "id", id)
    zone: object = tz  # typed loosely: callers may pass anything
    if not isinstance(zone, tzinfo):
        check_tz(f"Series {id!r}", zone)
    target = None if unit is None else normalize_unit(unit)
    items = measurements if type(measurements) is list else _as_list(id, measurements)
    last_day = _last_day(until)
    # The hot path of every evaluation: one plain loop (series are short, so
    # fixed costs weigh more than per-item ones), one conversion lookup per
    # distinct unit, one sort of (time, value, index) rows.
    rows: list[tuple[float, float, int]] = []
    append = rows.append
    conversions: dict[str, Conversion] = {}
    unit_left_out = False  # a check-in left out has a unit still to check
    for index, item in enumerate(items):
        if type(item) is not Measurement and not isinstance(item, Measurement):
            _reject(id, item)
        at = item.at
        if type(at) is date:
            if at > last_day:
                unit_left_out = unit_left_out or item.unit is not None
                continue
            key = at.toordinal() * SECONDS_PER_DAY
        else:
            key = instant_key(at, tz)
            if key > until:
                unit_left_out = unit_left_out or item.unit is not None
                continue
        value = item.value
        if item.unit is not None:
            step = conversions.get(item.unit)
            if step is None:
                step = conversions[item.unit] = _conversion(id, item, target)
            value = value * step.scale + step.offset
        append((key, value, index))
    if unit_left_out:
        _check_units(id, items, target, conversions)
    if not rows:
        return cls(id=id, unit=target, tz=tz, times=(), values=(), measurements=())
    rows.sort()
    times, values, order = zip(*rows, strict=True)  # transpose the rows
    if len(set(map(complex, times, values))) != len(rows):
        # Rare: equal time and value; the other fields decide, not the
        # input order.
        rows.sort(key=lambda row: (row[0], row[1], *_tie_break(items[row[2]])))
        order = tuple([row[2] for row in rows])
    return cls(
        id=id,
        unit=target,
        tz=tz,
        times=times,
        values=values,
        measurements=tuple(map(items.__getitem__, order)),
    )


def _last_day(until: float) -> date:
    """The last day whose plain dates are not after ``until`` (00:00 <= until)."""
    if until >= _MAX_KEY:
        return date.max
    return date.fromordinal(max(1, int(until // SECONDS_PER_DAY)))


def _check_units(
    id: str,
    items: list[Measurement],
    target: str | None,
    conversions: dict[str, Conversion],
) -> None:
    """Check the units of the check-ins a series left out (C-level scan)."""
    for unit in set(map(_UNIT, items)) - conversions.keys() - {None}:
        item = next(item for item in items if item.unit == unit)
        conversions[unit] = _conversion(id, item, target)


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


_UNIT = attrgetter("unit")
_MAX_KEY = date.max.toordinal() * SECONDS_PER_DAY
