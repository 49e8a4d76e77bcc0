"""Cadence: when a KPI or key result is expected to be measured."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal

import attrs
from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule

from okrkit import _validate
from okrkit._period import Period
from okrkit._time import check_tz, local_date
from okrkit.exceptions import InvalidValueError

Frequency = Literal["daily", "weekly", "monthly", "quarterly"]

_WEEKDAYS = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)


@attrs.frozen(kw_only=True)
class Cadence:
    """A recurring due date, built on ``dateutil.rrule``.

    Use the named constructors; the fields are what they set.

    >>> from okrkit import Period
    >>> monthly = Cadence.monthly(day=-1)
    >>> [d.isoformat() for d in monthly.occurrences(Period.quarter(2026, 1))]
    ['2026-01-31', '2026-02-28', '2026-03-31']
    >>> Cadence.weekly(weekday=4).latest_due(date(2026, 3, 10))
    datetime.date(2026, 3, 6)
    """

    frequency: Frequency
    weekday: int = 0
    day: int = 1
    start_month: int = 1

    def __attrs_post_init__(self) -> None:
        if self.frequency not in ("daily", "weekly", "monthly", "quarterly"):
            raise InvalidValueError(
                subject="Cadence",
                field="frequency",
                value=self.frequency,
                expected="'daily', 'weekly', 'monthly' or 'quarterly'",
            )
        _validate.integer("Cadence", "weekday", self.weekday, 0, 6)
        _validate.integer("Cadence", "start_month", self.start_month, 1, 12)
        day = _validate.integer("Cadence", "day", self.day, -1, 31)
        if day == 0:
            raise InvalidValueError(
                subject="Cadence",
                field="day",
                value=day,
                expected="a day of the month from 1 to 31, or -1 for the last day",
            )

    @classmethod
    def daily(cls) -> Cadence:
        """Due every day.

        >>> Cadence.daily().latest_due(date(2026, 3, 10))
        datetime.date(2026, 3, 10)
        """
        return cls(frequency="daily")

    @classmethod
    def weekly(cls, weekday: int = 0) -> Cadence:
        """Due every week on ``weekday`` (0 is Monday, 6 is Sunday).

        >>> Cadence.weekly(weekday=2).occurrences(Period.iso_week(2026, 12))
        (datetime.date(2026, 3, 18),)
        """
        return cls(frequency="weekly", weekday=weekday)

    @classmethod
    def monthly(cls, day: int = 1) -> Cadence:
        """Due every month on ``day``; ``-1`` is the month's last day.

        A day the month lacks (31 in April) falls back to the month's last day
        rather than skipping the month.

        >>> [d.day for d in Cadence.monthly(day=31).occurrences(Period.year(2026))]
        [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        """
        return cls(frequency="monthly", day=day)

    @classmethod
    def quarterly(cls, day: int = 1, *, start_month: int = 1) -> Cadence:
        """Due every three months on ``day``, in the months of ``start_month``'s cycle.

        >>> Cadence.quarterly(start_month=2).occurrences(Period.year(2026))[:2]
        (datetime.date(2026, 2, 1), datetime.date(2026, 5, 1))
        """
        return cls(frequency="quarterly", day=day, start_month=start_month)

    def _rule(self, dtstart: date) -> rrule:
        start = datetime(dtstart.year, dtstart.month, dtstart.day)
        if self.frequency == "daily":
            return rrule(DAILY, dtstart=start)
        if self.frequency == "weekly":
            return rrule(WEEKLY, dtstart=start, byweekday=self.weekday)
        months = None
        if self.frequency == "quarterly":
            months = tuple(
                sorted((self.start_month - 1 + 3 * i) % 12 + 1 for i in range(4))
            )
        if self.day > 28:
            # rrule skips months without the day; take the last day up to it.
            return rrule(
                MONTHLY,
                dtstart=start,
                bymonth=months,
                bymonthday=tuple(range(28, self.day + 1)),
                bysetpos=-1,
            )
        return rrule(MONTHLY, dtstart=start, bymonth=months, bymonthday=self.day)

    def occurrences(self, period: Period) -> tuple[date, ...]:
        """Return the due dates inside ``period``.

        >>> len(Cadence.daily().occurrences(Period.month(2026, 2)))
        28
        """
        _validate.of_type("Cadence.occurrences", "period", period, Period, "a Period")
        found = []
        for moment in _dates(self._rule(period.start)):
            if moment >= period.end:
                break
            found.append(moment)
        return tuple(found)

    def latest_due(self, as_of: date, *, tz: tzinfo = UTC) -> date:
        """Return the last due date on or before ``as_of``'s local day.

        >>> Cadence.monthly(day=15).latest_due(date(2026, 3, 14))
        datetime.date(2026, 2, 15)
        """
        as_of = _validate.instant("Cadence.latest_due", "as_of", as_of)
        zone = check_tz("Cadence.latest_due", tz)
        try:
            day = local_date(as_of, zone)
        except OverflowError:  # before year 1 or after 9999 locally
            if as_of.year == 1:
                raise self._none_before(as_of) from None
            day = date.max
        # Every cadence recurs within four months, so start the rule before that.
        try:
            since = day - relativedelta(months=4)
        except (OverflowError, ValueError):
            since = date.min
        found = None
        for moment in _dates(self._rule(since)):
            if moment > day:
                break
            found = moment
        if found is None:
            raise self._none_before(as_of)
        return found

    @staticmethod
    def _none_before(as_of: date) -> InvalidValueError:
        return InvalidValueError(
            subject="Cadence.latest_due",
            field="as_of",
            value=as_of,
            expected="a date after the first due date of year 1",
        )

    def step(self) -> timedelta:
        """Return the longest gap between two consecutive due dates.

        Daily 1 day, weekly 7 days, monthly 31 days (July to August, or 30
        April to 31 May for ``day=-1``), quarterly 92 days (July to October).
        A KPI with this cadence is stale once ``as_of`` is more than
        ``step() + grace`` after its last check-in.

        >>> Cadence.weekly().step(), Cadence.quarterly().step()
        (datetime.timedelta(days=7), datetime.timedelta(days=92))
        """
        return timedelta(
            days={"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92}[
                self.frequency
            ]
        )

    def __str__(self) -> str:
        if self.frequency == "daily":
            return "daily"
        if self.frequency == "weekly":
            return f"weekly on {_WEEKDAYS[self.weekday]}"
        day = "the last day" if self.day == -1 else f"day {self.day}"
        if self.frequency == "monthly":
            return f"monthly on {day}"
        return f"quarterly on {day} (from month {self.start_month})"


def _dates(rule: rrule) -> Iterator[date]:
    """The rule's dates in order, stopping quietly at the end of year 9999."""
    moments = iter(rule)
    while True:
        try:
            moment = next(moments)
        except (StopIteration, OverflowError, ValueError):  # year 10000
            return
        yield moment.date()
