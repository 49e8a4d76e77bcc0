"""Period: a half-open span of calendar days ``[start, end)``."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal

import attrs
from dateutil.relativedelta import relativedelta

from okrkit import _validate
from okrkit._time import check_tz, day_key, instant_key, local_date
from okrkit.exceptions import PeriodError

SplitUnit = Literal["day", "week", "month", "quarter", "half", "year"]

_MIN_YEAR = 1
_MAX_YEAR = 9998  # the end of year 9998 is the last date Python can hold + 1
_ONE_DAY = timedelta(days=1)


@contextmanager
def _calendar_limits(subject: str) -> Iterator[None]:
    """Turn date overflow at year 1 or 9999 into a PeriodError."""
    try:
        yield
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, PeriodError):
            raise
        raise PeriodError(
            f"{subject}: the result falls outside the years "
            f"{_MIN_YEAR}-{_MAX_YEAR} that okrkit supports ({exc})."
        ) from exc


def _year(subject: str, value: object, hi: int = _MAX_YEAR) -> int:
    try:
        return _validate.integer(subject, "year", value, _MIN_YEAR, hi)
    except ValueError as exc:
        raise PeriodError(
            subject=subject,
            field="year",
            value=value,
            expected=f"an integer from {_MIN_YEAR} to {hi}",
        ) from exc


def _before_year_one(at: date) -> bool:
    """Where an instant lies whose local time overflowed: before year 1 or after 9999.

    Moving to another zone shifts an instant by less than a day, so only an
    instant in year 1 can land before it, and only one in 9999 after.
    """
    return at.year == _MIN_YEAR


def _number(subject: str, field: str, value: object, hi: int) -> int:
    try:
        return _validate.integer(subject, field, value, 1, hi)
    except ValueError as exc:
        raise PeriodError(
            subject=subject,
            field=field,
            value=value,
            expected=f"an integer from 1 to {hi}",
        ) from exc


def _months_between(start: date, end: date) -> int | None:
    """Whole calendar months from ``start`` to ``end``, or None if not whole."""
    step = relativedelta(end, start)
    if step.days or step.hours or step.minutes or step.seconds:
        return None
    return step.years * 12 + step.months


@attrs.frozen(order=True, repr=False)
class Period:
    """A half-open span of calendar days: ``start`` is in, ``end`` is not.

    >>> from datetime import date
    >>> q1 = Period(date(2026, 1, 1), date(2026, 4, 1))
    >>> q1 == Period.quarter(2026, 1) == Period.parse("2026-Q1")
    True
    >>> str(q1), q1.days
    ('2026-Q1', 90)
    >>> q1.contains(date(2026, 3, 31)), q1.contains(date(2026, 4, 1))
    (True, False)
    >>> q1.elapsed(date(2026, 2, 15))
    0.5
    """

    start: date
    end: date

    def __attrs_post_init__(self) -> None:
        _validate.calendar_date("Period", "start", self.start)
        _validate.calendar_date("Period", "end", self.end)
        if not self.start < self.end:
            raise PeriodError(
                subject="Period",
                field="end",
                value=self.end,
                expected=f"a date after start {self.start.isoformat()}",
            )

    # -- named constructors -------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """Return a calendar month.

        >>> Period.month(2026, 2)
        Period.parse('2026-02')
        >>> Period.month(2026, 2).days
        28
        """
        year = _year("Period.month", year)
        month = _number("Period.month", "month", month, 12)
        start = date(year, month, 1)
        return cls(start, start + relativedelta(months=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """Return a calendar quarter (1 to 4).

        >>> Period.quarter(2026, 2).start, Period.quarter(2026, 2).end
        (datetime.date(2026, 4, 1), datetime.date(2026, 7, 1))
        """
        year = _year("Period.quarter", year)
        quarter = _number("Period.quarter", "quarter", quarter, 4)
        start = date(year, 3 * quarter - 2, 1)
        return cls(start, start + relativedelta(months=3))

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        """Return a calendar half-year (1 or 2).

        >>> str(Period.half(2026, 2)), Period.half(2026, 2).start
        ('2026-H2', datetime.date(2026, 7, 1))
        """
        year = _year("Period.half", year)
        half = _number("Period.half", "half", half, 2)
        start = date(year, 6 * half - 5, 1)
        return cls(start, start + relativedelta(months=6))

    @classmethod
    def year(cls, year: int) -> Period:
        """Return a calendar year.

        >>> Period.year(2028).days
        366
        """
        year = _year("Period.year", year)
        return cls(date(year, 1, 1), date(year + 1, 1, 1))

    @classmethod
    def iso_week(cls, year: int, week: int) -> Period:
        """Return ISO week ``week`` of ISO year ``year``, Monday to Sunday.

        ISO years have 52 or 53 weeks: 2026 has a week 53, 2025 does not.

        >>> Period.iso_week(2026, 53).start
        datetime.date(2026, 12, 28)
        >>> Period.iso_week(2026, 1).start
        datetime.date(2025, 12, 29)
        """
        year = _year("Period.iso_week", year)
        weeks = date(year, 12, 28).isocalendar().week
        try:
            week = _validate.integer("Period.iso_week", "week", week, 1, weeks)
        except ValueError as exc:
            raise PeriodError(
                subject="Period.iso_week",
                field="week",
                value=week,
                expected=f"a week of ISO year {year}, which has {weeks} weeks",
            ) from exc
        with _calendar_limits("Period.iso_week"):
            start = date.fromisocalendar(year, week, 1)
            return cls(start, start + timedelta(days=7))

    @classmethod
    def fiscal_year(cls, year: int, *, start_month: int = 1) -> Period:
        """Return the fiscal year that *ends* in calendar year ``year``.

        This is the pandas / US-federal convention: FY2026 starting in April
        runs from 2025-04-01 up to 2026-04-01.

        >>> fy = Period.fiscal_year(2026, start_month=4)
        >>> fy.start, fy.end
        (datetime.date(2025, 4, 1), datetime.date(2026, 4, 1))
        >>> Period.fiscal_year(2026) == Period.year(2026)
        True
        """
        # A fiscal year 9999 that starts after January ends inside year 9999.
        year = _year("Period.fiscal_year", year, _MAX_YEAR + 1)
        start_month = _number("Period.fiscal_year", "start_month", start_month, 12)
        if start_month == 1:
            return cls.year(year)
        with _calendar_limits("Period.fiscal_year"):
            end = date(year, start_month, 1)
            return cls(end - relativedelta(years=1), end)

    @classmethod
    def fiscal_quarter(cls, year: int, quarter: int, *, start_month: int = 1) -> Period:
        """Return quarter ``quarter`` of fiscal year ``year``.

        >>> fq = Period.fiscal_quarter(2026, 1, start_month=4)
        >>> fq.start, fq.end
        (datetime.date(2025, 4, 1), datetime.date(2025, 7, 1))
        >>> fq.label(fiscal_start_month=4)
        'FY2026-Q1'
        """
        fiscal = cls.fiscal_year(year, start_month=start_month)
        quarter = _number("Period.fiscal_quarter", "quarter", quarter, 4)
        start = fiscal.start + relativedelta(months=3 * (quarter - 1))
        return cls(start, start + relativedelta(months=3))

    @classmethod
    def parse(cls, text: str, *, fiscal_start_month: int = 1) -> Period:
        """Read a period label.

        Accepted forms: ``2026``, ``2026-03``, ``2026-Q1``, ``2026-H2``,
        ``2026-W12``, ``FY2026``, ``FY2026-Q1`` (fiscal years start in
        ``fiscal_start_month``), a single day ``2026-03-15``, and ISO
        intervals ``2026-01-01/2026-03-31`` whose end date is inclusive as
        written.

        >>> Period.parse("2026-01-01/2026-03-31") == Period.quarter(2026, 1)
        True
        >>> Period.parse("FY2026", fiscal_start_month=4).start
        datetime.date(2025, 4, 1)
        >>> Period.parse("2026-13")
        Traceback (most recent call last):
        ...
        okrkit.exceptions.PeriodError: Period.month: field 'month' got 13; \
expected an integer from 1 to 12.
        """
        if not isinstance(text, str):
            raise PeriodError(
                subject="Period.parse",
                field="text",
                value=text,
                expected="a string such as '2026-Q1'",
            )
        label = text.strip().upper()
        for pattern, build in _PARSERS:
            match = pattern.fullmatch(label)
            if match:
                return build(match, fiscal_start_month)
        raise PeriodError(
            subject="Period.parse",
            field="text",
            value=text,
            expected=(
                "a label like 2026, 2026-03, 2026-Q1, 2026-H2, 2026-W12, FY2026, "
                "FY2026-Q1, 2026-03-15 or 2026-01-01/2026-03-31"
            ),
        )

    # -- queries ------------------------------------------------------------

    @property
    def days(self) -> int:
        """Number of days in the period.

        >>> Period.parse("2026-W10").days
        7
        """
        return (self.end - self.start).days

    def contains(self, at: date, *, tz: tzinfo = UTC) -> bool:
        """Tell whether a date or datetime falls inside the period.

        An aware datetime is first converted to ``tz`` (UTC unless given); a
        naive datetime or a date is taken as already local.

        >>> from datetime import datetime, timezone, timedelta
        >>> march = Period.month(2026, 3)
        >>> late = datetime(2026, 3, 31, 23, 30, tzinfo=timezone.utc)
        >>> march.contains(late)
        True
        >>> march.contains(late, tz=timezone(timedelta(hours=2)))
        False
        """
        at = _validate.instant("Period.contains", "at", at)
        zone = check_tz("Period.contains", tz)
        try:
            day = local_date(at, zone)
        except OverflowError:  # before year 1 or after 9999 locally: no period's
            return False
        return self.start <= day < self.end

    def __contains__(self, at: object) -> bool:
        """Support ``day in period``.

        >>> from datetime import date
        >>> date(2026, 2, 1) in Period.quarter(2026, 1)
        True
        """
        return isinstance(at, date) and self.contains(at)

    def elapsed(self, as_of: date, *, tz: tzinfo = UTC) -> float:
        """Share of the period's calendar time passed at ``as_of``, in [0, 1].

        A date means the start (00:00) of that day.

        >>> from datetime import date, datetime
        >>> april = Period.month(2026, 4)
        >>> april.elapsed(date(2026, 4, 16))
        0.5
        >>> april.elapsed(datetime(2026, 4, 1, 12))
        0.016666666666666666
        >>> april.elapsed(date(2025, 1, 1)), april.elapsed(date(2027, 1, 1))
        (0.0, 1.0)
        """
        as_of = _validate.instant("Period.elapsed", "as_of", as_of)
        zone = check_tz("Period.elapsed", tz)
        try:
            at = instant_key(as_of, zone)
        except OverflowError:  # before year 1 or after 9999 locally
            return 0.0 if _before_year_one(as_of) else 1.0
        start = day_key(self.start)
        share = (at - start) / (day_key(self.end) - start)
        return min(1.0, max(0.0, share))

    def split(self, unit: SplitUnit) -> tuple[Period, ...]:
        """Cut the period at calendar boundaries into consecutive pieces.

        Weeks are ISO weeks (Monday to Sunday).  The first and last pieces are
        clipped to the period, so the pieces tile it exactly.

        >>> [str(p) for p in Period.quarter(2026, 1).split("month")]
        ['2026-01', '2026-02', '2026-03']
        >>> [str(p) for p in Period.parse("2026-03-25/2026-04-07").split("week")]
        ['2026-03-25/2026-03-29', '2026-W14', '2026-04-06/2026-04-07']
        """
        try:
            boundary = _BOUNDARIES[unit]
        except (KeyError, TypeError):
            raise PeriodError(
                subject="Period.split",
                field="unit",
                value=unit,
                expected="one of " + ", ".join(repr(u) for u in _BOUNDARIES),
            ) from None
        pieces = []
        current = self.start
        while current < self.end:
            try:
                following = min(boundary(current), self.end)
            except (OverflowError, ValueError):
                following = self.end  # the last unit of year 9999
            pieces.append(Period(current, following))
            current = following
        return tuple(pieces)

    def next(self) -> Period:
        """Return the period of the same shape right after this one.

        Whole calendar months step by months; other spans step by days.

        >>> str(Period.quarter(2026, 4).next())
        '2027-Q1'
        >>> str(Period.parse("2026-W53").next())
        '2027-W01'
        """
        months = _months_between(self.start, self.end)
        with _calendar_limits("Period.next"):
            if months:
                return Period(self.end, self.start + relativedelta(months=2 * months))
            return Period(self.end, self.end + (self.end - self.start))

    def previous(self) -> Period:
        """Return the period of the same shape right before this one.

        >>> str(Period.month(2026, 1).previous())
        '2025-12'
        >>> str(Period.fiscal_year(2026, start_month=4).previous())
        '2024-04-01/2025-03-31'
        """
        months = _months_between(self.start, self.end)
        with _calendar_limits("Period.previous"):
            if months:
                return Period(self.start - relativedelta(months=months), self.start)
            return Period(self.start - (self.end - self.start), self.start)

    def label(self, *, fiscal_start_month: int = 1) -> str:
        """Return the label ``parse`` reads back, naming fiscal periods if asked.

        ``Period.parse(p.label(fiscal_start_month=m), fiscal_start_month=m)``
        always gives ``p`` back, even at the calendar's edges: a fiscal label
        that would name no period (fiscal year 1 starting in April would
        begin in year 0) is not used.

        >>> fy = Period.fiscal_year(2026, start_month=7)
        >>> str(fy), fy.label(fiscal_start_month=7)
        ('2025-07-01/2026-06-30', 'FY2026')
        >>> Period.quarter(9998, 2).label(fiscal_start_month=4)
        'FY9999-Q1'
        >>> Period.quarter(1, 1).label(fiscal_start_month=4)
        '0001-Q1'
        """
        _number("Period.label", "fiscal_start_month", fiscal_start_month, 12)
        fiscal = self._fiscal_label(fiscal_start_month)
        if fiscal is not None:
            try:  # at the calendar's edges a fiscal label may name no period
                if Period.parse(fiscal, fiscal_start_month=fiscal_start_month) == self:
                    return fiscal
            except PeriodError:
                pass
        return str(self)

    def _fiscal_label(self, fiscal_start_month: int) -> str | None:
        start, end = self.start, self.end
        months = _months_between(start, end)
        if fiscal_start_month == 1 or start.day != 1 or months not in (3, 12):
            return None
        offset = (start.month - fiscal_start_month) % 12
        fiscal_year = start.year + (1 if start.month >= fiscal_start_month else 0)
        if months == 12 and offset == 0:
            return f"FY{fiscal_year:04d}"
        if months == 3 and offset % 3 == 0:
            return f"FY{fiscal_year:04d}-Q{offset // 3 + 1}"
        return None

    def __str__(self) -> str:
        return _label(self.start, self.end)

    def __repr__(self) -> str:
        return f"Period.parse({str(self)!r})"


@functools.lru_cache(maxsize=4096)
def _label(start: date, end: date) -> str:
    """The shortest label for [start, end); cached, as reasons repeat it."""
    months = _months_between(start, end) if start.day == 1 else None
    if months == 12 and start.month == 1:
        return f"{start.year:04d}"
    if months == 6 and start.month in (1, 7):
        return f"{start.year:04d}-H{start.month // 6 + 1}"
    if months == 3 and start.month in (1, 4, 7, 10):
        return f"{start.year:04d}-Q{start.month // 3 + 1}"
    if months == 1:
        return f"{start.year:04d}-{start.month:02d}"
    if (end - start).days == 7 and start.isoweekday() == 1:
        iso = start.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    return f"{start.isoformat()}/{(end - _ONE_DAY).isoformat()}"


def _next_week(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


def _next_months(months: int) -> Callable[[date], date]:
    def boundary(day: date) -> date:
        first = date(day.year, day.month - (day.month - 1) % months, 1)
        return first + relativedelta(months=months)

    return boundary


_BOUNDARIES: dict[str, Callable[[date], date]] = {
    "day": lambda day: day + _ONE_DAY,
    "week": _next_week,
    "month": _next_months(1),
    "quarter": _next_months(3),
    "half": _next_months(6),
    "year": _next_months(12),
}


def _iso_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise PeriodError(
            subject="Period.parse",
            field="text",
            value=text,
            expected="a valid ISO date YYYY-MM-DD",
        ) from exc


def _interval(match: re.Match[str], _: int) -> Period:
    first = _iso_day(match["first"])
    last = _iso_day(match["last"]) if match["last"] else first
    if last < first:
        raise PeriodError(
            subject="Period.parse",
            field="text",
            value=match.string,
            expected="an interval whose last day is not before its first",
        )
    with _calendar_limits("Period.parse"):
        return Period(first, last + _ONE_DAY)


_Parser = Callable[[re.Match[str], int], Period]

_PARSERS: tuple[tuple[re.Pattern[str], _Parser], ...] = (
    (re.compile(r"(?P<y>\d{4})"), lambda m, _: Period.year(int(m["y"]))),
    (
        re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})"),
        lambda m, _: Period.month(int(m["y"]), int(m["m"])),
    ),
    (
        re.compile(r"(?P<y>\d{4})-Q(?P<q>\d)"),
        lambda m, _: Period.quarter(int(m["y"]), int(m["q"])),
    ),
    (
        re.compile(r"(?P<y>\d{4})-H(?P<h>\d)"),
        lambda m, _: Period.half(int(m["y"]), int(m["h"])),
    ),
    (
        re.compile(r"(?P<y>\d{4})-W(?P<w>\d{2})"),
        lambda m, _: Period.iso_week(int(m["y"]), int(m["w"])),
    ),
    (
        re.compile(r"FY(?P<y>\d{4})"),
        lambda m, fsm: Period.fiscal_year(int(m["y"]), start_month=fsm),
    ),
    (
        re.compile(r"FY(?P<y>\d{4})-Q(?P<q>\d)"),
        lambda m, fsm: Period.fiscal_quarter(int(m["y"]), int(m["q"]), start_month=fsm),
    ),
    (
        re.compile(r"(?P<first>\d{4}-\d{2}-\d{2})(?:/(?P<last>\d{4}-\d{2}-\d{2}))?"),
        _interval,
    ),
)


def as_of_key(subject: str, as_of: date | datetime, tz: tzinfo) -> float:
    """Validate ``as_of`` and return its key (used by evaluations)."""
    return instant_key(_validate.instant(subject, "as_of", as_of), tz)
