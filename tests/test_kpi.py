import math
from datetime import UTC, date, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import m
from okrkit import (
    KPI,
    Aggregation,
    Cadence,
    Direction,
    KPIResult,
    Period,
    Series,
    Status,
    Thresholds,
    evaluate_kpi,
)
from okrkit.exceptions import (
    IncompatibleUnitsError,
    InvalidTypeError,
    InvalidValueError,
    UnknownUnitError,
)

Q1 = Period.quarter(2026, 1)
HIGHER = Direction.HIGHER_IS_BETTER
LOWER = Direction.LOWER_IS_BETTER
ANY = Thresholds.higher_is_better(red_below=0, green_from=1)


def conversion_rate(**options):
    return KPI.ratio(
        "conversion",
        "Conversion rate",
        numerator="orders",
        denominator="visits",
        unit="percent",
        direction=HIGHER,
        thresholds=Thresholds.higher_is_better(red_below=2, green_from=4),
        **options,
    )


ZERO = timedelta(0)


class TestRatio:
    def test_numerator_and_denominator_are_aggregated_separately(self):
        """2/4 and 2/100 give 4/104 = 3.8 %, never the 26 % of averaged ratios."""
        data = {
            "orders": [m(date(2026, 1, 10), 2), m(date(2026, 2, 10), 2)],
            "visits": [m(date(2026, 1, 10), 4), m(date(2026, 2, 10), 100)],
        }
        result = evaluate_kpi(
            conversion_rate(), data, as_of=date(2026, 3, 1), window=Q1
        )
        assert result.value == pytest.approx(400 / 104)
        assert result.status is Status.AMBER
        assert result.reason == (
            "Conversion rate 3.8 % is amber: below the 4 % green line; "
            "last measured 2026-02-10."
        )

    def test_zero_denominator_is_no_data(self):
        """A denominator of 0 gives no value and says why."""
        data = {
            "orders": [m(date(2026, 1, 10), 0)],
            "visits": [m(date(2026, 1, 10), 0)],
        }
        result = evaluate_kpi(
            conversion_rate(), data, as_of=date(2026, 2, 1), window=Q1
        )
        assert result.value is None
        assert result.status is Status.NO_DATA
        assert result.reason == (
            "Conversion rate has no data in 2026-Q1: its denominator (visits) is 0."
        )

    def test_units_of_the_parts(self):
        """Cost per lead divides USD by leads and converts to the KPI's unit."""
        cpl = KPI.ratio(
            "cpl",
            "Cost per lead",
            numerator="spend",
            denominator="leads",
            numerator_unit="USD",
            unit="kUSD",
            direction=LOWER,
            thresholds=Thresholds.lower_is_better(green_below=0.04, red_from=0.06),
        )
        data = {
            "spend": [m(date(2026, 1, 5), 5, unit="kUSD")],
            "leads": [m(date(2026, 1, 5), 100)],
        }
        result = evaluate_kpi(cpl, data, as_of=date(2026, 1, 6))
        assert result.value == pytest.approx(0.05)
        assert result.status is Status.AMBER

    def test_ratio_needs_both_parts(self):
        """A ratio KPI without a denominator is refused."""
        with pytest.raises(InvalidValueError, match="field 'denominator'"):
            KPI("r", "R", numerator="a", direction=HIGHER, thresholds=ANY)
        with pytest.raises(InvalidValueError, match="other than the numerator"):
            KPI.ratio(
                "r",
                "R",
                numerator="a",
                denominator="a",
                direction=HIGHER,
                thresholds=ANY,
            )

    def test_ratio_needs_a_mapping(self):
        """A plain list of measurements cannot feed a ratio KPI."""
        with pytest.raises(InvalidTypeError, match="field 'measurements'"):
            evaluate_kpi(
                conversion_rate(), [m(date(2026, 1, 1), 1)], as_of=date(2026, 1, 2)
            )

    @given(
        st.lists(
            st.tuples(st.integers(0, 89), st.integers(0, 1000), st.integers(1, 1000)),
            min_size=1,
            max_size=20,
        )
    )
    def test_ratio_equals_sum_over_sum(self, rows):
        """A SUM ratio KPI equals sum(numerator) / sum(denominator)."""
        data = {
            "orders": [m(Q1.start + timedelta(d), n) for d, n, _ in rows],
            "visits": [m(Q1.start + timedelta(d), v) for d, _, v in rows],
        }
        result = evaluate_kpi(conversion_rate(), data, as_of=Q1.end, window=Q1)
        expected = 100 * sum(n for _, n, _ in rows) / sum(v for _, _, v in rows)
        assert result.value == pytest.approx(expected)


class TestPlainKPI:
    visits = KPI(
        "visits",
        "Website visits",
        label="visits",
        direction=HIGHER,
        aggregation=Aggregation.SUM,
        thresholds=Thresholds.higher_is_better(red_below=8000, green_from=10000),
    )

    def test_sum_over_the_window_up_to_as_of(self):
        """Only measurements in the window and at or before as_of count."""
        data = [
            m(date(2025, 12, 31), 5000),
            m(date(2026, 1, 15), 6000),
            m(date(2026, 2, 15), 5000),
            m(date(2026, 3, 15), 9999),
        ]
        result = evaluate_kpi(self.visits, data, as_of=date(2026, 3, 1), window=Q1)
        assert result.value == 11000
        assert result.status is Status.GREEN
        assert result.reason == (
            "Website visits 11,000 visits is green: at or above the 10,000 visits "
            "green line; last measured 2026-02-15."
        )

    def test_window_end_is_exclusive(self):
        """A measurement on the window's end day is outside it."""
        data = [m(date(2026, 3, 31), 1), m(date(2026, 4, 1), 100)]
        result = evaluate_kpi(self.visits, data, as_of=date(2026, 6, 1), window=Q1)
        assert result.value == 1

    def test_no_measurements_is_no_data(self):
        """A KPI with no measurements has value None and status NO_DATA."""
        result = evaluate_kpi(self.visits, [], as_of=date(2026, 3, 1))
        assert (result.value, result.status, result.light) == (
            None,
            Status.NO_DATA,
            Status.NO_DATA,
        )
        assert result.reason == "Website visits has no measurement yet."

    def test_nothing_in_the_window(self):
        """Measurements only before the window: no data in it, last date shown."""
        result = evaluate_kpi(
            self.visits, [m(date(2025, 12, 1), 5)], as_of=date(2026, 2, 1), window=Q1
        )
        assert result.value is None
        assert result.reason == (
            "Website visits has no data in 2026-Q1; last measured 2025-12-01."
        )

    def test_change_against_the_previous_window_of_the_same_length(self):
        """Mid-February, January 1-14 is compared with December 1-14."""
        kpi = attrs.evolve(self.visits)
        data = [
            m(date(2025, 12, 5), 100),
            m(date(2025, 12, 20), 1000),
            m(date(2026, 1, 5), 150),
        ]
        result = evaluate_kpi(
            kpi, data, as_of=date(2026, 1, 15), window=Period.month(2026, 1)
        )
        assert (result.value, result.previous_value, result.change) == (150, 100, 50)

    def test_change_after_the_window_uses_whole_windows(self):
        """After the window ends, the whole previous window is compared."""
        data = [m(date(2025, 12, 20), 1000), m(date(2026, 1, 5), 150)]
        result = evaluate_kpi(
            self.visits, data, as_of=date(2026, 3, 1), window=Period.month(2026, 1)
        )
        assert (result.previous_value, result.change) == (1000, -850)

    def test_aware_as_of(self):
        """An aware as_of is placed in tz like everything else."""
        result = evaluate_kpi(
            self.visits,
            [m(date(2026, 1, 2), 7)],
            as_of=datetime(2026, 1, 2, 0, 30, tzinfo=UTC),
        )
        assert result.value == 7


class TestStaleness:
    kpi = KPI(
        "turnover",
        "Employee turnover",
        unit="percent",
        direction=LOWER,
        thresholds=Thresholds.lower_is_better(green_below=10, red_from=15),
        cadence=Cadence.monthly(day=1),
        grace=timedelta(days=5),
    )

    def test_fresh_within_step_and_grace(self):
        """Monthly (31 days) plus 5 days of grace: 36 days after, still fresh."""
        result = evaluate_kpi(
            self.kpi, [m(date(2026, 2, 1), 12)], as_of=date(2026, 3, 9)
        )
        assert not result.stale
        assert result.due == date(2026, 3, 9)  # 2026-02-01 + 31 + 5 days
        assert result.status is Status.AMBER

    def test_stale_once_the_gap_exceeds_step_and_grace(self):
        """Past step plus grace (36 days 12 hours later), stale, last value shown."""
        result = evaluate_kpi(
            self.kpi, [m(date(2026, 2, 1), 12)], as_of=datetime(2026, 3, 9, 12)
        )
        assert result.stale
        assert result.status is Status.STALE
        assert result.light is Status.AMBER
        assert result.value == 12
        assert result.reason == (
            "Employee turnover is stale: last measured 2026-02-01, due by "
            "2026-03-09 (monthly on day 1, grace 5 days); the last value 12 % is "
            "amber: at or above the 10 % green line."
        )

    def test_a_weekly_kpi_measured_on_sunday_is_fresh_on_monday(self):
        """A check-in just before its due day is never stale on that day."""
        kpi = attrs.evolve(self.kpi, cadence=Cadence.weekly(weekday=0), grace=ZERO)
        sunday, monday = date(2026, 3, 1), date(2026, 3, 2)
        assert not evaluate_kpi(kpi, [m(sunday, 12)], as_of=monday).stale
        assert not evaluate_kpi(kpi, [m(sunday, 12)], as_of=date(2026, 3, 8)).stale
        assert evaluate_kpi(
            kpi, [m(sunday, 12)], as_of=datetime(2026, 3, 8, 0, 0, 1)
        ).stale

    def test_a_daily_kpi_is_fresh_the_next_day(self):
        """Daily, measured 1 March: fresh at 00:00 on 2 March, stale after it."""
        kpi = attrs.evolve(self.kpi, cadence=Cadence.daily(), grace=ZERO)
        assert not evaluate_kpi(
            kpi, [m(date(2026, 3, 1), 12)], as_of=date(2026, 3, 2)
        ).stale
        assert evaluate_kpi(
            kpi, [m(date(2026, 3, 1), 12)], as_of=datetime(2026, 3, 2, 6)
        ).stale

    def test_month_end_kpi_measured_on_the_last_day_is_fresh_a_month_later(self):
        """Monthly on the last day, measured 31 May: fresh on 30 June."""
        kpi = attrs.evolve(self.kpi, cadence=Cadence.monthly(day=-1), grace=ZERO)
        result = evaluate_kpi(kpi, [m(date(2026, 5, 31), 12)], as_of=date(2026, 6, 30))
        assert not result.stale

    def test_no_cadence_never_stale(self):
        """Without a cadence nothing is stale."""
        kpi = attrs.evolve(self.kpi, cadence=None)
        result = evaluate_kpi(kpi, [m(date(2020, 1, 1), 5)], as_of=date(2026, 1, 1))
        assert not result.stale
        assert result.status is Status.GREEN


class TestTargets:
    def test_per_period_targets_with_relative_thresholds(self):
        """Relative thresholds follow the target in force on the as_of day."""
        kpi = KPI(
            "mrr",
            "Monthly recurring revenue",
            unit="USD",
            direction=HIGHER,
            thresholds=Thresholds.higher_is_better(
                red_below=0.9, green_from=1.0, relative=True
            ),
            target={Period.month(2026, 1): 100_000, Period.month(2026, 2): 110_000},
        )
        data = [m(date(2026, 1, 20), 105_000), m(date(2026, 2, 20), 105_000)]
        january = evaluate_kpi(kpi, data, as_of=date(2026, 1, 31))
        february = evaluate_kpi(kpi, data, as_of=date(2026, 2, 28))
        assert (january.status, january.target) == (Status.GREEN, 100_000)
        assert (february.status, february.target) == (Status.AMBER, 110_000)

    def test_no_target_in_force(self):
        """Without a target that day, relative thresholds give no light."""
        kpi = KPI(
            "mrr",
            "MRR",
            unit="USD",
            direction=HIGHER,
            thresholds=Thresholds.higher_is_better(
                red_below=0.9, green_from=1, relative=True
            ),
            target={Period.month(2026, 1): 100},
        )
        result = evaluate_kpi(kpi, [m(date(2026, 2, 2), 50)], as_of=date(2026, 2, 3))
        assert result.status is Status.NO_DATA
        assert "no target is set" in result.reason

    def test_relative_thresholds_need_a_nonzero_target(self):
        """Relative thresholds against a target of 0 fail at construction."""
        rel = Thresholds.higher_is_better(red_below=0.9, green_from=1, relative=True)
        with pytest.raises(InvalidValueError, match="KPI 'k': field 'target' got 0"):
            KPI("k", "K", direction=HIGHER, thresholds=rel, target=0)
        with pytest.raises(InvalidValueError, match="field 'target' got None"):
            KPI("k", "K", direction=HIGHER, thresholds=rel)
        with pytest.raises(InvalidValueError, match="field 'target' got 0"):
            KPI(
                "k",
                "K",
                direction=HIGHER,
                thresholds=rel,
                target={Period.month(2026, 1): 0},
            )

    def test_overlapping_target_periods(self):
        """Per-period targets may not overlap."""
        with pytest.raises(InvalidValueError, match="do not overlap"):
            KPI(
                "k",
                "K",
                direction=HIGHER,
                thresholds=ANY,
                target={Period.month(2026, 1): 1, Period.quarter(2026, 1): 2},
            )


class TestValidation:
    def test_thresholds_must_match_the_direction(self):
        """Lower-is-better thresholds on a higher-is-better KPI are refused."""
        with pytest.raises(InvalidValueError, match="thresholds for higher is better"):
            KPI(
                "k",
                "K",
                direction=HIGHER,
                thresholds=Thresholds.lower_is_better(green_below=1, red_from=2),
            )

    @pytest.mark.parametrize(
        ("kwargs", "error", "field"),
        [
            ({"id": ""}, InvalidValueError, "id"),
            ({"name": 3}, InvalidTypeError, "name"),
            ({"direction": "up"}, InvalidTypeError, "direction"),
            ({"thresholds": None}, InvalidTypeError, "thresholds"),
            ({"aggregation": "sum"}, InvalidTypeError, "aggregation"),
            ({"cadence": "monthly"}, InvalidTypeError, "cadence"),
            ({"grace": 3}, InvalidTypeError, "grace"),
            ({"grace": timedelta(days=-1)}, InvalidValueError, "grace"),
            ({"hysteresis": -1}, InvalidValueError, "hysteresis"),
            ({"target": float("nan")}, InvalidValueError, "target"),
            ({"target": {"2026-01": 3}}, InvalidTypeError, "target"),
            ({"label": None}, InvalidTypeError, "label"),
        ],
    )
    def test_bad_fields(self, kwargs, error, field):
        """Each bad field raises an OkrkitError naming it."""
        args = {"id": "k", "name": "K", "direction": HIGHER, "thresholds": ANY} | kwargs
        with pytest.raises(error, match=f"field '{field}'"):
            KPI(args.pop("id"), args.pop("name"), **args)

    def test_unknown_unit(self):
        """A count noun as a unit is refused with a hint to use label=."""
        with pytest.raises(UnknownUnitError, match="KPI 'k': field 'unit'.*label="):
            KPI("k", "K", unit="hires", direction=HIGHER, thresholds=ANY)

    def test_incompatible_measurement_units(self):
        """EUR check-ins for a USD KPI are refused with the KPI's id."""
        kpi = KPI("rev", "Revenue", unit="USD", direction=HIGHER, thresholds=ANY)
        with pytest.raises(IncompatibleUnitsError, match="Series 'rev'"):
            evaluate_kpi(
                kpi, [m(date(2026, 1, 1), 1, unit="EUR")], as_of=date(2026, 1, 2)
            )

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"as_of": "2026-01-01"}, "as_of"),
            ({"window": "2026-Q1"}, "window"),
            ({"previous": "green"}, "previous"),
            ({"tz": "UTC"}, "tz"),
        ],
    )
    def test_bad_evaluation_arguments(self, kwargs, field):
        """evaluate_kpi checks its arguments."""
        kpi = KPI("k", "K", direction=HIGHER, thresholds=ANY)
        args = {"as_of": date(2026, 1, 1)} | kwargs
        with pytest.raises(InvalidTypeError, match=f"field '{field}'"):
            evaluate_kpi(kpi, [], **args)
        with pytest.raises(InvalidTypeError, match="field 'kpi'"):
            evaluate_kpi("k", [], as_of=date(2026, 1, 1))  # type: ignore[arg-type]


def test_hysteresis_through_the_kpi():
    """The KPI's hysteresis margin applies to the previous status passed in."""
    kpi = KPI(
        "nps",
        "NPS",
        direction=HIGHER,
        hysteresis=3,
        thresholds=Thresholds.higher_is_better(red_below=0, green_from=30),
    )
    data = [m(date(2026, 1, 1), 28)]
    assert evaluate_kpi(kpi, data, as_of=date(2026, 1, 2)).status is Status.AMBER
    held = evaluate_kpi(kpi, data, as_of=date(2026, 1, 2), previous=Status.GREEN)
    assert held.status is Status.GREEN


def test_prebuilt_series_are_accepted():
    """A Series in the mapping is used as is (or rebuilt in the KPI's unit)."""
    kpi = KPI(
        "t",
        "Time to hire",
        unit="day",
        direction=LOWER,
        thresholds=Thresholds.lower_is_better(green_below=30, red_from=45),
    )
    weeks = Series.build("t", [m(date(2026, 1, 1), 5, unit="week")], unit="week")
    result = evaluate_kpi(kpi, {"t": weeks}, as_of=date(2026, 1, 2))
    assert result.value == 35
    assert result.reason.startswith("Time to hire 35 d is amber")


def test_results_are_frozen():
    """A KPI result cannot be changed."""
    kpi = KPI("k", "K", direction=HIGHER, thresholds=ANY)
    result = evaluate_kpi(kpi, [], as_of=date(2026, 1, 1))
    with pytest.raises(AttributeError):
        result.value = 3.0  # type: ignore[misc]
    assert result.kind == "kpi"
    assert math.isnan(float("nan"))


@pytest.mark.parametrize(
    "zone", ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney"]
)
def test_staleness_counts_calendar_days_across_a_clock_change(zone):
    """A weekly Monday KPI checked in on 19 October is fresh on the 26th in any zone.

    Berlin's clocks go back on 25 October 2026 (a 25-hour day), New York's
    on 1 November, Sydney's forward on 4 October: seven calendar days are
    seven days, so the KPI is due, not stale, on the 26th, and stale on
    the 27th.  A monthly one checked in on 1 October is fresh on 1 November.
    """
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    thresholds = Thresholds.higher_is_better(red_below=1, green_from=2)
    weekly = KPI("w", "W", direction=Direction.HIGHER_IS_BETTER,
                 thresholds=thresholds, cadence=Cadence.weekly(weekday=0))  # fmt: skip
    checkins = [m(date(2026, 10, 19), 5)]
    fresh = evaluate_kpi(weekly, checkins, as_of=date(2026, 10, 26), tz=tz)
    assert (fresh.status, fresh.stale, fresh.due) == (
        Status.GREEN,
        False,
        date(2026, 10, 26),
    )
    assert evaluate_kpi(weekly, checkins, as_of=date(2026, 10, 27), tz=tz).stale
    monthly = attrs.evolve(weekly, cadence=Cadence.monthly(day=1))
    first = [m(date(2026, 10, 1), 5)]
    assert not evaluate_kpi(monthly, first, as_of=date(2026, 11, 1), tz=tz).stale


def _kpi_result(**changes):
    fields = {
        "id": "nps",
        "name": "NPS",
        "value": 34.0,
        "unit": None,
        "label": "",
        "status": Status.GREEN,
        "light": Status.GREEN,
        "band": None,
        "target": None,
        "window": None,
        "last_measured": date(2026, 3, 1),
        "due": None,
        "stale": False,
        "previous_value": None,
        "change": None,
        "reason": "NPS 34 is green.",
    }
    return KPIResult(**{**fields, **changes})


@pytest.mark.parametrize(
    ("field", "bad", "error"),
    [
        ("value", float("nan"), InvalidValueError),
        ("change", math.inf, InvalidValueError),
        ("target", "30", InvalidTypeError),
        ("status", "GREEN", InvalidTypeError),
        ("stale", 0, InvalidTypeError),
        ("last_measured", "2026-03-01", InvalidTypeError),
        ("window", "2026-Q1", InvalidTypeError),
        ("id", " ", InvalidValueError),
        ("reason", None, InvalidTypeError),
    ],
)
def test_a_hand_built_kpi_result_is_checked(field, bad, error):
    """KPIResult refuses NaN, infinities and wrong types, naming the field."""
    with pytest.raises(error, match=f"field '{field}'"):
        _kpi_result(**{field: bad})


def test_a_kpi_result_stores_numbers_as_floats():
    """An int value is stored as a float, as evaluations make them."""
    assert type(_kpi_result(value=34).value) is float
