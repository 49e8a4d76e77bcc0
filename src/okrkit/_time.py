"""Instants as plain floats: the one place where dates meet time zones.

okrkit places every instant on a local calendar.  An aware ``datetime`` is
converted to the evaluation's time zone; a naive ``datetime`` or a ``date`` is
taken as already local, and a ``date`` means the start (00:00) of that day.
The result is a float of local seconds since 0001-01-01 00:00, cheap to
compare and to bisect.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

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


def key_date(key: float) -> date:
    """Return the local calendar day that contains ``key``."""
    return date.fromordinal(int(key // SECONDS_PER_DAY))


def check_tz(subject: str, tz: object) -> tzinfo:
    """Return ``tz`` if it is a ``tzinfo``."""
    if not isinstance(tz, tzinfo):
        raise InvalidTypeError(
            subject=subject, field="tz", value=tz, expected="a datetime.tzinfo"
        )
    return tz
