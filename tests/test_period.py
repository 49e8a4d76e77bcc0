import itertools
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit import Period
from okrkit.exceptions import InvalidTypeError, OkrkitError, PeriodError
from okrkit.testing import periods


class TestConstruction:
    def test_start_is_in_end_is_out(self):
        """A period holds its start day and not its end day."""
        p = Period(date(2026, 1, 1), date(2026, 1, 3))
        assert p.contains(date(2026, 1, 1))
        assert p.contains(date(2026, 1, 2))
        assert not p.contains(date(2026, 1, 3))
        assert p.days == 2

    @pytest.mark.parametrize(
        ("start", "end"),
        [(date(2026, 1, 2), date(2026, 1, 2)), (date(2026, 1, 3), date(2026, 1, 2))],
    )
    def test_start_must_precede_end(self, start, end):
        """An empty or reversed span is a PeriodError naming the end field."""
        with pytest.raises(PeriodError, match="field 'end'.*expected a date after"):
            Period(start, end)

    @pytest.mark.parametrize(
        "bad", ["2026-01-01", datetime(2026, 1, 1), 20260101, None]
    )
    def test_dates_only(self, bad):
        """Start and end must be dates, not datetimes or strings."""
        with pytest.raises(InvalidTypeError, match="field 'start'"):
            Period(bad, date(2027, 1, 1))

    def test_frozen(self):
        """A period cannot be changed in place."""
        p = Period.year(2026)
        with pytest.raises(AttributeError):
            p.start = date(2020, 1, 1)  # type: ignore[misc]

    def test_ordering_and_hashing(self):
        """Periods order by start then end and hash by value."""
        a, b = Period.quarter(2026, 1), Period.quarter(2026, 2)
        assert a < b
        assert sorted([b, a]) == [a, b]
        assert Period.month(2026, 1) < Period.quarter(2026, 1)
        assert len({a, Period.parse("2026-Q1"), b}) == 2


class TestNamedConstructors:
    def test_month_handles_month_ends(self):
        """Months end on the first of the next month, December into January."""
        assert Period.month(2026, 2) == Period(date(2026, 2, 1), date(2026, 3, 1))
        assert Period.month(2028, 2).days == 29
        assert Period.month(2026, 12).end == date(2027, 1, 1)

    def test_quarters_halves_years(self):
        """Quarters, halves and years start on the calendar boundaries."""
        assert Period.quarter(2026, 4) == Period(date(2026, 10, 1), date(2027, 1, 1))
        assert Period.half(2026, 1) == Period(date(2026, 1, 1), date(2026, 7, 1))
        assert Period.year(2026).days == 365

    def test_iso_week_53(self):
        """2026 has an ISO week 53; 2025 does not and asking for it is an error."""
        w53 = Period.iso_week(2026, 53)
        assert w53 == Period(date(2026, 12, 28), date(2027, 1, 4))
        with pytest.raises(PeriodError, match="ISO year 2025, which has 52 weeks"):
            Period.iso_week(2025, 53)

    def test_iso_week_1_may_start_in_previous_year(self):
        """ISO week 1 of 2026 starts on Monday 2025-12-29."""
        assert Period.iso_week(2026, 1).start == date(2025, 12, 29)

    def test_fiscal_year_is_labelled_by_its_end(self):
        """FY2026 starting in April is [2025-04-01, 2026-04-01)."""
        fy = Period.fiscal_year(2026, start_month=4)
        assert fy == Period(date(2025, 4, 1), date(2026, 4, 1))
        assert Period.fiscal_year(2026, start_month=1) == Period.year(2026)

    def test_fiscal_quarters(self):
        """Fiscal quarters count from the fiscal year's start month."""
        assert Period.fiscal_quarter(2026, 1, start_month=4) == Period.quarter(2025, 2)
        assert Period.fiscal_quarter(2026, 4, start_month=4) == Period.quarter(2026, 1)
        assert Period.fiscal_quarter(2026, 2, start_month=10) == Period(
            date(2026, 1, 1), date(2026, 4, 1)
        )

    @pytest.mark.parametrize(
        ("call", "field"),
        [
            (lambda: Period.month(2026, 13), "month"),
            (lambda: Period.month(2026, 0), "month"),
            (lambda: Period.quarter(2026, 5), "quarter"),
            (lambda: Period.half(2026, 3), "half"),
            (lambda: Period.year(10000), "year"),
            (lambda: Period.year(0), "year"),
            (lambda: Period.fiscal_year(2026, start_month=13), "start_month"),
            (lambda: Period.fiscal_quarter(2026, 5, start_month=4), "quarter"),
            (lambda: Period.iso_week(2026, 0), "week"),
        ],
    )
    def test_out_of_range_numbers(self, call, field):
        """Numbers outside their calendar range are PeriodErrors naming the field."""
        with pytest.raises(PeriodError, match=f"field '{field}'"):
            call()

    def test_wrong_types(self):
        """A string or float where an integer belongs is an InvalidTypeError."""
        with pytest.raises(InvalidTypeError, match="field 'year'"):
            Period.year("2026")  # type: ignore[arg-type]
        with pytest.raises(InvalidTypeError, match="field 'month'"):
            Period.month(2026, 1.0)  # type: ignore[arg-type]
        with pytest.raises(InvalidTypeError, match="field 'year'"):
            Period.year(True)

    def test_calendar_limits(self):
        """Stepping past year 9999 is a PeriodError, not an OverflowError."""
        assert Period.year(9997).next() == Period.year(9998)
        with pytest.raises(PeriodError, match="outside the years 1-9998"):
            Period.year(9998).next()
        with pytest.raises(PeriodError):
            Period(date(9999, 1, 1), date(9999, 12, 31)).next()
        with pytest.raises(PeriodError):
            Period.year(1).previous()


class TestParseAndStr:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2026", Period.year(2026)),
            ("2026-03", Period.month(2026, 3)),
            ("2026-Q1", Period.quarter(2026, 1)),
            ("2026-q1", Period.quarter(2026, 1)),
            ("2026-H2", Period.half(2026, 2)),
            ("2026-W12", Period.iso_week(2026, 12)),
            ("FY2026", Period.year(2026)),
            ("FY2026-Q3", Period.quarter(2026, 3)),
            (" 2026-01-01/2026-03-31 ", Period.quarter(2026, 1)),
            ("2026-03-15", Period(date(2026, 3, 15), date(2026, 3, 16))),
        ],
    )
    def test_every_label_form(self, text, expected):
        """Every label form of the design parses to the right span."""
        assert Period.parse(text) == expected

    def test_fiscal_labels_use_the_start_month(self):
        """FY labels follow fiscal_start_month."""
        assert Period.parse("FY2026", fiscal_start_month=4) == Period(
            date(2025, 4, 1), date(2026, 4, 1)
        )
        assert Period.parse("FY2026-Q1", fiscal_start_month=4) == Period.quarter(
            2025, 2
        )

    def test_interval_end_is_inclusive_as_written(self):
        """An ISO interval's end date is inclusive as written, stored exclusive."""
        p = Period.parse("2026-02-01/2026-02-28")
        assert p.end == date(2026, 3, 1)
        assert str(p) == "2026-02"

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "Q1",
            "2026-Q5",
            "2026-W54",
            "2025-W53",
            "2026-02-30",
            "26-01",
            "2026-03-31/2026-03-01",
            "FY26",
            "2026-H3",
            2026,
            None,
        ],
    )
    def test_bad_labels(self, text):
        """Unparseable labels are PeriodErrors that show the text."""
        with pytest.raises(PeriodError):
            Period.parse(text)

    @pytest.mark.parametrize(
        ("period", "label"),
        [
            (Period.year(2026), "2026"),
            (Period.half(2026, 1), "2026-H1"),
            (Period.quarter(2026, 3), "2026-Q3"),
            (Period.month(2026, 11), "2026-11"),
            (Period.iso_week(2026, 1), "2026-W01"),
            (Period(date(2026, 1, 5), date(2026, 1, 8)), "2026-01-05/2026-01-07"),
            (Period(date(2026, 2, 1), date(2026, 5, 1)), "2026-02-01/2026-04-30"),
        ],
    )
    def test_str_gives_the_shortest_label(self, period, label):
        """str() gives the calendar label when there is one, else an interval."""
        assert str(period) == label
        assert repr(period) == f"Period.parse({label!r})"

    def test_fiscal_label(self):
        """label() names fiscal years and quarters for a given start month."""
        assert (
            Period.fiscal_year(2026, start_month=4).label(fiscal_start_month=4)
            == "FY2026"
        )
        fq4 = Period.fiscal_quarter(2026, 4, start_month=4)
        assert fq4.label(fiscal_start_month=4) == "FY2026-Q4"
        assert Period.month(2026, 4).label(fiscal_start_month=4) == "2026-04"
        assert Period.year(2026).label() == "2026"

    @given(periods())
    def test_parse_str_round_trip(self, period):
        """parse(str(p)) == p for every period."""
        assert Period.parse(str(period)) == period

    @given(periods(), st.integers(1, 12))
    def test_parse_label_round_trip(self, period, start_month):
        """parse(p.label(m), fiscal_start_month=m) == p for every start month."""
        label = period.label(fiscal_start_month=start_month)
        assert Period.parse(label, fiscal_start_month=start_month) == period


class TestContainsAndElapsed:
    def test_aware_datetimes_are_placed_in_the_time_zone(self):
        """An aware datetime is converted to tz before finding its day."""
        march = Period.month(2026, 3)
        late_utc = datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
        assert march.contains(late_utc)
        assert not march.contains(late_utc, tz=timezone(timedelta(hours=3)))
        early = datetime(2026, 4, 1, 1, 0, tzinfo=UTC)
        assert march.contains(early, tz=timezone(timedelta(hours=-5)))

    def test_naive_datetimes_are_local(self):
        """A naive datetime is taken as already local, whatever tz says."""
        march = Period.month(2026, 3)
        naive = datetime(2026, 3, 31, 23, 0)
        assert march.contains(naive, tz=timezone(timedelta(hours=3)))
        assert naive in march

    def test_in_operator_rejects_non_dates(self):
        """`x in period` is False for things that are not dates."""
        assert "2026-03-01" not in Period.month(2026, 3)

    def test_contains_errors(self):
        """contains needs a date and a tzinfo."""
        with pytest.raises(InvalidTypeError, match="field 'at'"):
            Period.month(2026, 3).contains("2026-03-01")  # type: ignore[arg-type]
        with pytest.raises(InvalidTypeError, match="field 'tz'"):
            Period.month(2026, 3).contains(date(2026, 3, 1), tz="UTC")  # type: ignore[arg-type]

    def test_elapsed_hand_computed(self):
        """Elapsed is calendar time: 45 of 90 days of Q1 by 2026-02-15 is 0.5."""
        q1 = Period.quarter(2026, 1)
        assert q1.elapsed(date(2026, 1, 1)) == 0.0
        assert q1.elapsed(date(2026, 2, 15)) == 0.5
        assert q1.elapsed(date(2026, 4, 1)) == 1.0
        assert q1.elapsed(datetime(2026, 1, 2, 12)) == pytest.approx(1.5 / 90)
        assert q1.elapsed(datetime(2026, 1, 2, 12, tzinfo=UTC)) == pytest.approx(
            1.5 / 90
        )

    def test_elapsed_clamped(self):
        """Before the period elapsed is 0, after it 1."""
        q1 = Period.quarter(2026, 1)
        assert q1.elapsed(date(2020, 1, 1)) == 0.0
        assert q1.elapsed(date(2030, 1, 1)) == 1.0

    @given(periods(), st.dates(), st.dates())
    def test_elapsed_monotonic_and_clamped(self, period, a, b):
        """Elapsed stays in [0, 1] and never decreases as time passes."""
        early, late = sorted((a, b))
        assert 0.0 <= period.elapsed(early) <= period.elapsed(late) <= 1.0


class TestSplitAndStep:
    def test_split_into_months(self):
        """A quarter splits into its three months."""
        assert Period.quarter(2026, 2).split("month") == (
            Period.month(2026, 4),
            Period.month(2026, 5),
            Period.month(2026, 6),
        )

    def test_split_weeks_are_iso_weeks_clipped(self):
        """Weeks are Monday-based and clipped at the edges of the period."""
        weeks = Period.month(2026, 3).split("week")
        assert weeks[0] == Period(date(2026, 3, 1), date(2026, 3, 2))
        assert weeks[1] == Period.iso_week(2026, 10)
        assert weeks[-1] == Period(date(2026, 3, 30), date(2026, 4, 1))
        assert len(weeks) == 6

    def test_split_custom_into_quarters(self):
        """A custom span is cut at calendar quarter boundaries."""
        p = Period(date(2026, 2, 10), date(2026, 8, 1))
        assert [str(x) for x in p.split("quarter")] == [
            "2026-02-10/2026-03-31",
            "2026-Q2",
            "2026-07",
        ]

    def test_split_bad_unit(self):
        """Only the named units are accepted."""
        with pytest.raises(PeriodError, match="field 'unit'"):
            Period.year(2026).split("fortnight")  # type: ignore[arg-type]

    @given(
        periods(max_days=400),
        st.sampled_from(["day", "week", "month", "quarter", "half", "year"]),
    )
    def test_split_tiles_exactly(self, period, unit):
        """The pieces are contiguous, start at start, end at end, sum to days."""
        pieces = period.split(unit)
        assert pieces[0].start == period.start
        assert pieces[-1].end == period.end
        assert all(a.end == b.start for a, b in itertools.pairwise(pieces))
        assert sum(p.days for p in pieces) == period.days

    def test_next_and_previous(self):
        """Next and previous keep the shape: months step by months, else days."""
        assert Period.month(2026, 1).next() == Period.month(2026, 2)
        assert Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)
        assert Period.iso_week(2025, 52).next() == Period.iso_week(2026, 1)
        assert Period.iso_week(2026, 53).next() == Period.iso_week(2027, 1)
        assert Period.fiscal_year(2026, start_month=4).next() == Period.fiscal_year(
            2027, start_month=4
        )
        ten_days = Period(date(2026, 1, 1), date(2026, 1, 11))
        assert ten_days.next() == Period(date(2026, 1, 11), date(2026, 1, 21))
        mid_month = Period(date(2026, 1, 15), date(2026, 2, 15))
        assert mid_month.next() == Period(date(2026, 2, 15), date(2026, 3, 15))
        assert mid_month.previous() == Period(date(2025, 12, 15), date(2026, 1, 15))

    @given(periods(years=st.integers(1950, 2150), max_days=400))
    def test_next_is_adjacent(self, period):
        """next() starts where the period ends; previous() ends where it starts."""
        assert period.next().start == period.end
        assert period.previous().end == period.start


def test_every_period_error_is_an_okrkit_error():
    """PeriodError is both an OkrkitError and a ValueError."""
    assert issubclass(PeriodError, OkrkitError)
    assert issubclass(PeriodError, ValueError)


def test_instants_past_the_calendar_edges_are_outside_every_period():
    """Issue 13 item 15: instants past year 1 or 9999 locally are outside."""
    q1 = Period.quarter(2026, 1)
    first = datetime(1, 1, 1, tzinfo=UTC)
    west = timezone(timedelta(hours=-5))
    assert not q1.contains(first, tz=west)
    assert q1.elapsed(first, tz=west) == 0.0
    last = datetime.max.replace(tzinfo=UTC)
    east = timezone(timedelta(hours=5))
    assert not q1.contains(last, tz=east)
    assert q1.elapsed(last, tz=east) == 1.0
    assert not Period(date(1, 1, 1), date(1, 2, 1)).contains(first, tz=west)


def test_fiscal_labels_at_the_calendar_edges_parse_back():
    """Issue 13 item 25: FY9999-Q1 (April start) parses; FY0001-Q4 is not used."""
    late = Period.quarter(9998, 2)
    assert late.label(fiscal_start_month=4) == "FY9999-Q1"
    assert Period.parse("FY9999-Q1", fiscal_start_month=4) == late
    assert Period.fiscal_year(9999, start_month=4).end == date(9999, 4, 1)
    assert Period.quarter(1, 1).label(fiscal_start_month=4) == "0001-Q1"
    with pytest.raises(PeriodError, match="field 'year'"):
        Period.fiscal_year(9999)  # a calendar year 9999 would end in 10000


@given(periods(), st.integers(1, 12))
def test_every_label_parses_back_to_its_period(period, start_month):
    """Issue 13 item 25: parse(label(m), m) gives the period back, for every m."""
    text = period.label(fiscal_start_month=start_month)
    assert Period.parse(text, fiscal_start_month=start_month) == period


@given(st.sampled_from([1, 9998]), st.integers(1, 4), st.integers(1, 12))
def test_quarter_labels_at_the_edges_parse_back(year, quarter, start_month):
    """Issue 13 item 25: the same holds for the first and last supported quarters."""
    period = Period.quarter(year, quarter)
    text = period.label(fiscal_start_month=start_month)
    assert Period.parse(text, fiscal_start_month=start_month) == period
