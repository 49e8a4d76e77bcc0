"""Instants as plain floats: the one place where dates meet time zones.

okrkit places every instant on a local calendar.  An aware ``datetime`` is
converted to the evaluation's time zone; a naive ``datetime`` or a ``date`` is
taken as already local, and a ``date`` means the start (00:00) of that day.
The result is a float of local seconds since 0001-01-01 00:00, cheap to
compare and to bisect.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, tzinfo

from okrkit.exceptions import InvalidTypeError

SECONDS_PER_DAY = 86400.0


def day_key(day: date) -> float:
    """Return the key of 00:00 local on ``day``."""
    return day.toordinal() * SECONDS_PER_DAY


def instant_key(at: date, tz: tzinfo) -> float:
    """Return the key of a ``date`` or ``datetime`` placed in ``tz``."""
    if type(at) is date:
        return at.toordinal() * SECONDS_PER_DAY
    assert isinstance(at, datetime)
    if at.tzinfo is not None and at.utcoffset() is not None:
        at = at.astimezone(tz)
    return (
        at.toordinal() * SECONDS_PER_DAY
        + at.hour * 3600.0
        + at.minute * 60.0
        + at.second
        + at.microsecond / 1e6
    )


def local_date(at: date, tz: tzinfo) -> date:
    """Return the local calendar day on which ``at`` falls."""
    if type(at) is date:
        return at
    assert isinstance(at, datetime)
    if at.tzinfo is not None and at.utcoffset() is not None:
        at = at.astimezone(tz)
    return at.date()


def check_tz(subject: str, tz: object) -> tzinfo:
    """Return ``tz`` if it is a ``tzinfo``."""
    if not isinstance(tz, tzinfo):
        raise InvalidTypeError(
            subject=subject, field="tz", value=tz, expected="a datetime.tzinfo"
        )
    return tz


_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


def utc_time(instant: float) -> datetime:
    """The aware UTC datetime of an instant (OverflowError off the calendar).

    >>> utc_time(Clock(UTC).day(date(2026, 1, 2)))
    datetime.datetime(2026, 1, 2, 0, 0, tzinfo=datetime.timezone.utc)
    """
    return _EPOCH + timedelta(seconds=instant - SECONDS_PER_DAY)


_MIDDLE = date(5000, 1, 1).toordinal() * SECONDS_PER_DAY  # nearer which end
_LAST_DAY = date.max.toordinal()


class Clock:
    """Turns dates and datetimes into instants on one time line, for one zone.

    An instant is a float of seconds since 0001-01-01 00:00 UTC (so in UTC it
    equals the local key above).  Comparing instants, not local wall times,
    keeps check-ins in the repeated hour of a daylight-saving change in order.
    A ``date`` is 00:00 local on that day; a naive ``datetime`` is local wall
    time (the first of two, in a repeated hour); an aware one is exact.

    >>> from datetime import timedelta, timezone
    >>> clock = Clock(timezone(timedelta(hours=2)))
    >>> clock.day(date(2026, 1, 2)) == Clock(UTC).day(date(2026, 1, 2)) - 7200
    True
    """

    __slots__ = ("fixed_offset", "tz")
    tz: tzinfo
    fixed_offset: float | None  # the zone's one UTC offset, if it has only one

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        # Zones with one constant offset (UTC, timezone(...)) take a fast path.
        offset = tz.utcoffset(None)
        self.fixed_offset = None if offset is None else offset.total_seconds()

    def _offset(self, wall: datetime) -> float:
        if self.fixed_offset is not None:
            return self.fixed_offset
        offset = self.tz.utcoffset(wall.replace(tzinfo=None))
        return 0.0 if offset is None else offset.total_seconds()

    def day(self, day: date) -> float:
        """Return the instant of 00:00 local on ``day``."""
        base = day.toordinal() * SECONDS_PER_DAY
        if self.fixed_offset is not None:
            return base - self.fixed_offset
        return base - self._offset(datetime(day.year, day.month, day.day))

    def instant(self, at: date) -> float:
        """Return the instant of a ``date`` or ``datetime``."""
        if type(at) is date:
            return self.day(at)
        assert isinstance(at, datetime)
        if at.tzinfo is not None and at.utcoffset() is not None:
            return (at - _EPOCH).total_seconds() + SECONDS_PER_DAY
        wall = (
            at.toordinal() * SECONDS_PER_DAY
            + at.hour * 3600.0
            + at.minute * 60.0
            + at.second
            + at.microsecond / 1e6
        )
        return wall - self._offset(at)

    def day_of(self, instant: float) -> date | None:
        """Return the local day on which an instant falls (None off the calendar).

        >>> Clock(UTC).day_of(Clock(UTC).day(date(2026, 1, 2)) + 60.0)
        datetime.date(2026, 1, 2)
        """
        try:
            return utc_time(instant).astimezone(self.tz).date()
        except OverflowError:
            pass
        # Off UTC's calendar yet maybe on the local one: 0001-01-01 east of
        # UTC, 9999-12-31 west of it.  The zone's offset at that end decides.
        edge = datetime(1, 1, 2) if instant < _MIDDLE else datetime(9999, 12, 30)
        ordinal = math.floor((instant + self._offset(edge)) / SECONDS_PER_DAY)
        return date.fromordinal(ordinal) if 1 <= ordinal <= _LAST_DAY else None

    def wall(self, instant: float) -> float:
        """The local wall time of an instant, as seconds on the local time line.

        Differences of wall times count calendar days as 86,400 seconds,
        including the 23- and 25-hour days of daylight saving changes.  An
        instant off the calendar is returned as it is.

        >>> from zoneinfo import ZoneInfo
        >>> berlin = Clock(ZoneInfo("Europe/Berlin"))
        >>> sunday = berlin.day(date(2026, 10, 25))
        >>> monday = berlin.day(date(2026, 10, 26))
        >>> monday - sunday, berlin.wall(monday) - berlin.wall(sunday)
        (90000.0, 86400.0)
        """
        try:
            return instant_key(utc_time(instant), self.tz)
        except OverflowError:
            return instant

    def local_date(self, at: date) -> date | None:
        """Return the local day of ``at``; None if it falls outside the calendar."""
        try:
            return local_date(at, self.tz)
        except OverflowError:
            return None
