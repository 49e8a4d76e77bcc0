import copy
import json
import pickle
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import m
from okrkit import (
    KPI,
    Aggregation,
    Direction,
    KeyResult,
    Kind,
    Milestone,
    Period,
    Series,
    Status,
    Thresholds,
    evaluate_key_result,
    from_dict,
    to_dict,
)
from okrkit import testing as okrkit_testing
from okrkit._key_result import KIND_FIELDS, RULES
from okrkit.exceptions import (
    InvalidTypeError,
    InvalidValueError,
    OkrkitError,
    UnknownUnitError,
    safe_repr,
)
from okrkit.scoring import GoogleGrading, Linear, Pace

Q1 = Period.quarter(2026, 1)
MID_Q1 = date(2026, 2, 15)  # 45 of 90 days: expected progress 0.5
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


class TestLinearProgress:
    def test_increase(self):
        """(value - start) / (target - start) for an increasing target."""
        kr = KeyResult("rev", "Revenue to 120", start=100, target=120)
        assert [kr.progress(v) for v in (100, 110, 120, 130)] == [0, 0.5, 1, 1.5]

    def test_decrease_needs_no_special_case(self):
        """The same formula handles a decreasing target."""
        kr = KeyResult("churn", "Churn from 5 % to 2 %", start=5, target=2)
        assert kr.progress(3.5) == 0.5
        assert kr.progress(2) == 1

    def test_wrong_direction_is_never_progress(self):
        """Moving away from the target is negative progress, not abs() credit."""
        up = KeyResult("up", "Up", start=100, target=120)
        down = KeyResult("down", "Down", start=5, target=2)
        assert up.progress(90) == -0.5
        assert down.progress(6.5) == -0.5

    def test_start_equal_to_target_is_an_error(self):
        """start == target leaves nothing to progress: an error naming the KR."""
        with pytest.raises(InvalidValueError, match="KeyResult 'k': field 'target'"):
            KeyResult("k", "K", start=3, target=3)

    def test_missing_start(self):
        """A linear key result needs both start and target."""
        with pytest.raises(InvalidValueError, match="field 'start'"):
            KeyResult("k", "K", target=3)

    @given(finite, finite, finite, finite)
    def test_monotonic_toward_the_target(self, start, target, a, b):
        """A value closer to the target (in its direction) never has less progress."""
        assume(start != target)
        kr = KeyResult("k", "K", start=start, target=target)
        low, high = sorted((a, b))
        if target > start:
            assert kr.progress(low) <= kr.progress(high)
        else:
            assert kr.progress(low) >= kr.progress(high)

    @given(finite, finite, finite)
    def test_mirroring_gives_the_same_progress(self, start, target, value):
        """Negating start, target and value leaves progress unchanged."""
        assume(start != target)
        kr = KeyResult("k", "K", start=start, target=target)
        mirrored = KeyResult("k", "K", start=-start, target=-target)
        assert mirrored.progress(-value) == pytest.approx(kr.progress(value))


class TestThresholdKinds:
    def test_at_least_inclusive(self):
        """A value equal to the threshold passes."""
        kr = KeyResult.at_least("u", "Uptime", 99.9)
        assert (kr.progress(99.9), kr.progress(99.899), kr.progress(100)) == (1, 0, 1)

    def test_at_least_partial(self):
        """With partial credit a value below scores value / threshold."""
        kr = KeyResult.at_least("n", "NPS at least 40", 40, partial=True)
        assert kr.progress(30) == 0.75

    def test_at_most_mirrors(self):
        """at_most passes at or below; partial credit is threshold / value."""
        kr = KeyResult.at_most("c", "Cost at most 50", 50)
        assert (kr.progress(50), kr.progress(50.01)) == (1, 0)
        partial = KeyResult.at_most("c", "Cost at most 50", 50, partial=True)
        assert partial.progress(80) == 0.625

    def test_partial_needs_a_positive_threshold(self):
        """Partial credit against a threshold of 0 or less is refused."""
        with pytest.raises(InvalidValueError, match="positive threshold"):
            KeyResult.at_least("n", "N", 0, partial=True)

    def test_within_closed_range_and_decay(self):
        """1 inside the closed range, then a linear decay over the tolerance."""
        kr = KeyResult.within("h", "Headcount", 95, 105, tolerance=10)
        assert [kr.progress(v) for v in (95, 105, 90, 110, 85, 80, 120)] == [
            1,
            1,
            0.5,
            0.5,
            0,
            0,
            0,
        ]
        hard = KeyResult.within("h", "Headcount", 95, 105)
        assert hard.progress(105.5) == 0

    def test_within_order(self):
        """high below low is refused."""
        with pytest.raises(InvalidValueError, match="field 'high'"):
            KeyResult.within("h", "H", 10, 5)


class TestMilestonesAndDone:
    app = KeyResult.milestones(
        "app",
        "Launch the app",
        (Milestone("design"), Milestone("beta", weight=2), Milestone("launch")),
    )

    def test_weighted_share_of_the_first_n(self):
        """Progress is the weight of the first n milestones over the total."""
        assert [self.app.progress(n) for n in range(4)] == [0, 0.25, 0.75, 1]
        assert self.app.kind is Kind.MILESTONES
        assert [s.name for s in self.app.steps] == ["design", "beta", "launch"]

    @pytest.mark.parametrize("value", [-1, 4, 1.5])
    def test_counts_out_of_range(self, value):
        """A count outside 0..n, or a fraction, is an error."""
        with pytest.raises(InvalidValueError, match="from 0 to 3"):
            self.app.progress(value)

    def test_milestone_validation(self):
        """Milestones need distinct names and some weight."""
        with pytest.raises(InvalidValueError, match="distinct names"):
            KeyResult.milestones("a", "A", (Milestone("x"), Milestone("x")))
        with pytest.raises(InvalidValueError, match="weight > 0"):
            KeyResult.milestones("a", "A", (Milestone("x", weight=0),))
        with pytest.raises(InvalidValueError, match="at least one Milestone"):
            KeyResult.milestones("a", "A", ())
        with pytest.raises(InvalidValueError, match="field 'weight'"):
            Milestone("x", weight=-1)
        with pytest.raises(InvalidTypeError, match="a Milestone"):
            KeyResult.milestones("a", "A", ("x",))  # type: ignore[arg-type]

    def test_done_is_binary(self):
        """A binary key result is measured 1 or 0."""
        kr = KeyResult.done("soc2", "Pass SOC 2")
        assert (kr.progress(0), kr.progress(1)) == (0, 1)
        with pytest.raises(InvalidValueError, match="1 \\(done\\) or 0"):
            kr.progress(0.5)


class TestValidation:
    @pytest.mark.parametrize(
        ("kwargs", "error", "field"),
        [
            ({"weight": -1}, InvalidValueError, "weight"),
            ({"weight": float("nan")}, InvalidValueError, "weight"),
            ({"start": float("inf")}, InvalidValueError, "start"),
            ({"start": "0"}, InvalidTypeError, "start"),
            ({"aggregation": "sum"}, InvalidTypeError, "aggregation"),
            ({"kpi": ""}, InvalidValueError, "kpi"),
            ({"contributes_to": 3}, InvalidTypeError, "contributes_to"),
            ({"title": None}, InvalidTypeError, "title"),
            ({"partial": 1}, InvalidTypeError, "partial"),
            (
                {"phases": ((date(2026, 1, 1), 1), (date(2026, 1, 1), 2))},
                InvalidValueError,
                "phases",
            ),
            ({"phases": (("2026-01-01", 1),)}, InvalidTypeError, "phases"),
        ],
    )
    def test_bad_fields(self, kwargs, error, field):
        """Each bad field raises an error naming the field."""
        args = {"start": 0, "target": 10} | kwargs
        with pytest.raises(error, match=f"field '{field}'"):
            KeyResult("k", args.pop("title", "K"), **args)

    def test_unknown_unit_names_the_key_result(self):
        """A count noun as unit is refused with the key result named."""
        with pytest.raises(UnknownUnitError, match="KeyResult 'k': field 'unit'"):
            KeyResult("k", "K", start=0, target=1, unit="signups")

    def test_relative_validation(self):
        """A relative key result needs a non-zero change."""
        with pytest.raises(InvalidValueError, match="field 'change'"):
            KeyResult.relative("k", "K", kpi="x", change=0)

    def test_rate_validation(self):
        """A rate needs a known sub-period."""
        with pytest.raises(InvalidValueError, match="field 'per'"):
            KeyResult.rate("k", "K", target=20, per="day")  # type: ignore[arg-type]

    def test_unresolved_relative_has_no_progress(self):
        """Progress of an unresolved relative key result is a clear error."""
        kr = KeyResult.relative("k", "K", kpi="x", change=0.2)
        with pytest.raises(InvalidValueError, match="resolve"):
            kr.progress(3)
        with pytest.raises(InvalidValueError, match="non-zero baseline"):
            kr.resolve(0)


class TestEvaluate:
    def test_the_issue_example(self):
        """20 of 60 customers at mid-quarter is 33 %, off track against 50 %."""
        kr = KeyResult(
            "c", "Acquire 60 new customers", start=0, target=60, label="customers"
        )
        result = evaluate_key_result(
            kr, [m(date(2026, 2, 10), 20)], period=Q1, as_of=MID_Q1
        )
        assert result.expected == 0.5
        assert result.progress == pytest.approx(1 / 3)
        assert result.status is Status.RED
        assert result.reason == (
            "Acquire 60 new customers: 20 of 60 customers (33 %) at 50 % of 2026-Q1, "
            # 40 to go in 45 days (6.43 weeks); 20 done in the 45 days so far.
            "off track; needs 6.2 customers a week, has done 3.1 a week."
        )

    @pytest.mark.parametrize(
        ("value", "status"),
        [
            (28.5, Status.GREEN),
            (28.49, Status.AMBER),
            (22.5, Status.AMBER),
            (22.49, Status.RED),
        ],
    )
    def test_pace_boundaries(self, value, status):
        """On track from 0.95 x expected, at risk from 0.75 x expected."""
        kr = KeyResult("c", "C", start=0, target=60)
        result = evaluate_key_result(
            kr, [m(date(2026, 2, 1), value)], period=Q1, as_of=MID_Q1
        )
        assert result.status is status

    def test_nothing_is_behind_before_the_period(self):
        """Before the period starts, there is no data to be behind on."""
        kr = KeyResult("c", "C", start=0, target=60)
        result = evaluate_key_result(
            kr, [m(date(2025, 12, 1), 0)], period=Q1, as_of=date(2025, 12, 15)
        )
        assert result.expected == 0
        assert not result.started
        assert result.value is None
        assert result.reason == "C: 2026-Q1 has not started."

    def test_after_the_period_expected_is_one(self):
        """After the period, expected progress is 1 and later check-ins are out."""
        kr = KeyResult("c", "C", start=0, target=60)
        data = [m(date(2026, 3, 31), 57), m(date(2026, 4, 2), 60)]
        result = evaluate_key_result(kr, data, period=Q1, as_of=date(2026, 5, 1))
        assert (result.expected, result.value, result.status) == (1, 57, Status.GREEN)

    def test_no_check_in_yet(self):
        """A started key result without check-ins has no value and says so."""
        kr = KeyResult("c", "C", start=0, target=60)
        result = evaluate_key_result(kr, [], period=Q1, as_of=MID_Q1)
        assert (result.value, result.score, result.status) == (
            None,
            None,
            Status.NO_DATA,
        )
        assert result.reason == "C: no check-in yet at 50 % of 2026-Q1."

    def test_latest_confidence_and_date(self):
        """The latest check-in's confidence is on the result."""
        kr = KeyResult("c", "C", start=0, target=10)
        data = [
            m(date(2026, 1, 5), 2, confidence=0.9),
            m(datetime(2026, 2, 1, 9), 4, confidence=0.6),
        ]
        result = evaluate_key_result(kr, data, period=Q1, as_of=MID_Q1)
        assert (result.confidence, result.last_measured) == (0.6, date(2026, 2, 1))

    def test_grading_strategy_grades(self):
        """A grading strategy adds a grade; committed objectives need 1.0."""
        kr = KeyResult("c", "C", start=0, target=10)
        data = [m(date(2026, 3, 30), 7.4)]
        aspirational = evaluate_key_result(
            kr, data, period=Q1, as_of=Q1.end, scoring=GoogleGrading()
        )
        committed = evaluate_key_result(
            kr, data, period=Q1, as_of=Q1.end, scoring=GoogleGrading(), committed=True
        )
        assert aspirational.score == 0.7
        assert (aspirational.grade, committed.grade) == (Status.GREEN, Status.AMBER)

    def test_custom_pace_ratios(self):
        """Pace ratios are parameters."""
        kr = KeyResult("c", "C", start=0, target=60)
        data = [m(date(2026, 2, 1), 27)]
        assert evaluate_key_result(kr, data, period=Q1, as_of=MID_Q1).status is (
            Status.AMBER
        )
        lenient = evaluate_key_result(
            kr, data, period=Q1, as_of=MID_Q1, pace=Pace(on_track=0.9)
        )
        assert lenient.status is Status.GREEN

    def test_milestones_reason(self):
        """A milestones reason names the next milestone."""
        kr = KeyResult.milestones(
            "app",
            "Launch the app",
            (Milestone("design"), Milestone("beta"), Milestone("launch")),
        )
        result = evaluate_key_result(
            kr, [m(date(2026, 2, 1), 2)], period=Q1, as_of=MID_Q1
        )
        assert result.reason == (
            "Launch the app: 2 of 3 milestones done; next: launch (67 %) at 50 % of "
            "2026-Q1, on track."
        )

    def test_units_are_converted_once(self):
        """Check-ins in kUSD count toward a USD key result."""
        kr = KeyResult("rev", "Revenue", start=0, target=100_000, unit="USD")
        result = evaluate_key_result(
            kr, [m(date(2026, 2, 1), 50, unit="kUSD")], period=Q1, as_of=MID_Q1
        )
        assert result.value == 50_000
        assert result.reason.startswith("Revenue: 50,000 USD of 100,000 USD (50 %)")

    def test_argument_checks(self):
        """Bad arguments are OkrkitErrors naming the field."""
        kr = KeyResult("c", "C", start=0, target=1)
        with pytest.raises(InvalidTypeError, match="field 'period'"):
            evaluate_key_result(kr, [], period="2026-Q1", as_of=MID_Q1)
        with pytest.raises(InvalidTypeError, match="field 'as_of'"):
            evaluate_key_result(kr, [], period=Q1, as_of="2026-02-15")
        with pytest.raises(InvalidTypeError, match="field 'key_result'"):
            evaluate_key_result("c", [], period=Q1, as_of=MID_Q1)
        linked = KeyResult("t", "T", start=0, target=1, kpi="visits")
        with pytest.raises(InvalidValueError, match="field 'kpi'"):
            evaluate_key_result(linked, {}, period=Q1, as_of=MID_Q1)


def test_check_ins_by_id_or_as_a_ready_series():
    """A mapping by id, or a Series (in any unit), gives the same result."""
    kr = KeyResult("rev", "Revenue", start=0, target=100_000, unit="USD")
    items = [m(date(2026, 1, 10), 20, unit="kUSD"), m(date(2026, 2, 1), 50_000)]
    by_list = evaluate_key_result(kr, items, period=Q1, as_of=MID_Q1)
    by_id = evaluate_key_result(kr, {"rev": items}, period=Q1, as_of=MID_Q1)
    in_usd = {"rev": Series.build("rev", items, unit="USD")}
    explicit = [
        m(date(2026, 1, 10), 20, unit="kUSD"),
        m(date(2026, 2, 1), 50, unit="kUSD"),
    ]
    in_kusd = {"rev": Series.build("rev", explicit, unit="kUSD")}
    assert by_list.value == 50_000
    assert by_id == by_list
    assert evaluate_key_result(kr, in_usd, period=Q1, as_of=MID_Q1) == by_list
    assert evaluate_key_result(kr, in_kusd, period=Q1, as_of=MID_Q1) == by_list


def test_a_ready_series_keeps_the_unit_it_was_built_in():
    """A Series' values are in its own unit: 30 percent is 0.3 to a unitless KR."""
    kr = KeyResult("k", "Share", start=0, target=1)
    ready = Series.build("k", [m(date(2026, 1, 5), 30)], unit="percent")
    result = evaluate_key_result(kr, {"k": ready}, period=Q1, as_of=MID_Q1)
    assert result.value == pytest.approx(0.3)
    minutes = KeyResult("t", "Time", start=0, target=600, unit="minute")
    hours = Series.build("t", [m(date(2026, 1, 5), 2)], unit="hour")
    result = evaluate_key_result(minutes, {"t": hours}, period=Q1, as_of=MID_Q1)
    assert result.value == 120.0


def test_within_reason():
    """A range key result says its range."""
    kr = KeyResult.within("temp", "Keep the office at 20-23 C", 20, 23, tolerance=2)
    result = evaluate_key_result(kr, [m(date(2026, 2, 1), 24)], period=Q1, as_of=MID_Q1)
    assert result.progress == 0.5  # 1 degree out of a 2-degree tolerance
    assert result.reason == (
        "Keep the office at 20-23 C: 24 against 20 to 23 (50 %) at 50 % of "
        "2026-Q1, on track."
    )


VISITS_DATA = {
    "visits": [
        m(date(2025, 12, 20), 9_000),
        m(date(2026, 1, 20), 4_000),
        m(date(2026, 2, 10), 4_000),
    ]
}


def higher_is_better(id_: str, name: str, **options) -> KPI:
    """A KPI whose thresholds do not matter to the test at hand."""
    return KPI(
        id_,
        name,
        direction=Direction.HIGHER_IS_BETTER,
        thresholds=Thresholds.higher_is_better(red_below=1, green_from=2),
        **options,
    )


class TestKPILinkage:
    visits = higher_is_better(
        "visits", "Website visits", label="visits", aggregation=Aggregation.SUM
    )

    def test_value_comes_from_the_kpi_inside_the_period(self):
        """A linked key result sums the KPI's check-ins inside its period."""
        kr = KeyResult("t", "Visits this quarter", start=0, target=24_000, kpi="visits")
        result = evaluate_key_result(
            kr, VISITS_DATA, period=Q1, as_of=MID_Q1, kpi=self.visits
        )
        assert result.value == 8_000
        assert result.unit is None

    def test_kpi_in_another_unit_is_converted_to_the_key_results(self):
        """A KPI in kUSD feeds a key result in USD, forecast included.

        20 and 30 kUSD on days 9 and 19 rise 1,000 USD a day: 30,000 +
        71 x 1,000 = 101,000 USD on day 90.
        """
        revenue = higher_is_better("rev", "Revenue", unit="kUSD")
        kr = KeyResult(
            "r", "Revenue 120k", start=0, target=120_000, unit="USD", kpi="rev"
        )
        data = {"rev": [m(date(2026, 1, 10), 20), m(date(2026, 1, 20), 30)]}
        result = evaluate_key_result(kr, data, period=Q1, as_of=MID_Q1, kpi=revenue)
        assert result.value == 30_000
        assert result.unit == "USD"
        assert result.forecast == pytest.approx(101_000)

    def test_relative_target_from_the_last_value_before_the_period(self):
        """+20 % resolves against the KPI's last value before the period."""
        last = higher_is_better("visits", "Website visits", label="visits")
        kr = KeyResult.relative("t", "Traffic +20 %", kpi="visits", change=0.2)
        result = evaluate_key_result(kr, VISITS_DATA, period=Q1, as_of=MID_Q1, kpi=last)
        assert (result.start, result.target) == (9_000, 10_800)
        assert result.value == 4_000
        assert result.progress == pytest.approx((4_000 - 9_000) / 1_800)

    def test_relative_without_a_baseline(self):
        """No KPI value before the period means no target yet."""
        kr = KeyResult.relative("t", "Traffic +20 %", kpi="visits", change=0.2)
        result = evaluate_key_result(
            kr, {"visits": []}, period=Q1, as_of=MID_Q1, kpi=self.visits
        )
        assert result.status is Status.NO_DATA
        assert result.reason == (
            "Traffic +20 %: no Website visits value before 2026-Q1 to start from, "
            "so no target yet."
        )

    def test_relative_with_a_zero_baseline_says_so(self):
        """A baseline of 0 exists, but no share of it moves the target."""
        kr = KeyResult.relative("t", "Traffic +20 %", kpi="visits", change=0.2)
        data = {"visits": [m(date(2025, 12, 20), 0), m(date(2026, 1, 20), 25)]}
        result = evaluate_key_result(kr, data, period=Q1, as_of=MID_Q1, kpi=self.visits)
        assert result.status is Status.NO_DATA
        assert result.target is None
        assert result.reason == (
            "Traffic +20 %: the Website visits baseline before 2026-Q1 is 0 (a "
            "relative change from 0 moves nothing), so no target yet."
        )


class TestRate:
    kr = KeyResult.rate("new", "20 new customers a month", target=20, label="customers")

    def test_completed_months_count_and_an_unfinished_one_does_not(self):
        """Mid-February: January (18) counts; February (5 so far) does not yet."""
        data = [
            m(date(2026, 1, 10), 10),
            m(date(2026, 1, 20), 8),
            m(date(2026, 2, 3), 5),
        ]
        result = evaluate_key_result(self.kr, data, period=Q1, as_of=MID_Q1)
        assert result.sub_values == (18, 5)
        assert result.value == 18
        assert result.progress == 0.9

    def test_a_current_month_that_already_made_it_counts(self):
        """A partial month that reached the target counts in the mean."""
        data = [m(date(2026, 1, 10), 18), m(date(2026, 2, 3), 22)]
        result = evaluate_key_result(self.kr, data, period=Q1, as_of=MID_Q1)
        assert result.value == 20

    def test_an_empty_completed_month_counts_as_zero(self):
        """A month without check-ins is a month with none."""
        data = [m(date(2026, 2, 3), 30)]
        result = evaluate_key_result(self.kr, data, period=Q1, as_of=date(2026, 3, 1))
        assert result.sub_values == (0, 30, 0)
        assert result.value == 15
        assert result.reason.startswith(
            "20 new customers a month: 15 customers per month against 20 customers"
        )

    def test_first_month_not_done(self):
        """Before the first month is over (and short of target), no value."""
        result = evaluate_key_result(
            self.kr, [m(date(2026, 1, 3), 4)], period=Q1, as_of=date(2026, 1, 10)
        )
        assert result.value is None


class TestPhasedAndForecast:
    def test_phased_expected_progress(self):
        """Dated intermediate targets shape the expected progress."""
        kr = KeyResult(
            "h",
            "Hire 100",
            start=0,
            target=100,
            phases=((date(2026, 2, 1), 10), (date(2026, 3, 1), 40)),
        )
        at_feb = evaluate_key_result(kr, [], period=Q1, as_of=date(2026, 2, 1))
        mid_feb = evaluate_key_result(kr, [], period=Q1, as_of=date(2026, 2, 15))
        assert at_feb.expected == pytest.approx(0.10)
        assert mid_feb.expected == pytest.approx(0.10 + 0.30 * 14 / 28)

    def test_least_squares_forecast(self):
        """A straight line through the check-ins, projected to the period's end."""
        kr = KeyResult("h", "Hire 90", start=0, target=90)
        data = [m(Q1.start + timedelta(days=d), d / 2) for d in (0, 10, 20)]
        result = evaluate_key_result(kr, data, period=Q1, as_of=MID_Q1)
        assert result.forecast == pytest.approx(45)
        assert result.forecast_progress == pytest.approx(0.5)

    def test_sum_forecast_uses_the_running_total(self):
        """For SUM key results the running total is projected."""
        kr = KeyResult("s", "Sign 90", start=0, target=90, aggregation=Aggregation.SUM)
        data = [m(Q1.start + timedelta(days=d), 1) for d in (0, 1, 2)]
        result = evaluate_key_result(kr, data, period=Q1, as_of=MID_Q1)
        assert result.forecast == pytest.approx(91)

    def test_no_forecast_from_one_check_in(self):
        """Fewer than two check-ins give no forecast."""
        kr = KeyResult("h", "Hire 90", start=0, target=90)
        result = evaluate_key_result(
            kr, [m(date(2026, 1, 5), 3)], period=Q1, as_of=MID_Q1
        )
        assert result.forecast is None

    def test_count_forecast_projects_the_number_of_check_ins(self):
        """COUNT projects the running count of check-ins.

        1, 2, 3 on days 0, 9, 18 rise 1 per 9 days; the line through (9, 2)
        reaches 2 + 81 / 9 = 11 on day 90.
        """
        kr = KeyResult(
            "w", "Run 30 workshops", start=0, target=30, aggregation=Aggregation.COUNT
        )
        data = [m(Q1.start + timedelta(days=d), 1) for d in (0, 9, 18)]
        result = evaluate_key_result(kr, data, period=Q1, as_of=MID_Q1)
        assert result.value == 3.0
        assert result.forecast == pytest.approx(11.0)
        assert result.forecast_progress == pytest.approx(11 / 30)

    def test_no_forecast_for_a_mean_or_from_one_instant(self):
        """A MEAN has no trend to project; nor do check-ins at one instant."""
        mean = KeyResult(
            "t", "Resolve in 5 h", start=10, target=5, aggregation=Aggregation.MEAN
        )
        data = [m(Q1.start + timedelta(days=d), 8) for d in (0, 9, 18)]
        assert evaluate_key_result(mean, data, period=Q1, as_of=MID_Q1).forecast is None
        last = KeyResult("h", "Hire 90", start=0, target=90)
        same_day = [m(date(2026, 1, 5), 3), m(date(2026, 1, 5), 4)]
        result = evaluate_key_result(last, same_day, period=Q1, as_of=MID_Q1)
        assert result.value == 4.0
        assert result.forecast is None

    def test_phases_of_a_threshold_key_result(self):
        """A threshold key result's phases run from 0 to its target.

        At least 100 with 20 expected by Feb 1: the curve runs 0 -> 20 -> 100,
        and Feb 15 is 14 of the 59 days from Feb 1 to Apr 1.
        """
        kr = KeyResult.at_least(
            "a", "At least 100", 100, phases=((date(2026, 2, 1), 20),)
        )

        def expected(day):
            return evaluate_key_result(kr, [], period=Q1, as_of=day).expected

        assert expected(date(2026, 2, 1)) == pytest.approx(0.2)
        assert expected(date(2026, 2, 15)) == pytest.approx((20 + 80 * 14 / 59) / 100)
        assert expected(date(2025, 12, 1)) == 0.0  # before the period
        assert expected(date(2026, 5, 1)) == 1.0  # after it

    def test_phases_of_milestones_and_done(self):
        """Milestones run from 0 to their count, done from 0 to 1."""
        steps = [Milestone(name) for name in "abcd"]
        milestones = KeyResult.milestones(
            "ms", "Ship it", steps, phases=((date(2026, 2, 1), 2),)
        )
        done = KeyResult.done("d", "Open office", phases=((date(2026, 2, 1), 0.5),))
        for kr in (milestones, done):
            result = evaluate_key_result(kr, [], period=Q1, as_of=date(2026, 2, 1))
            assert result.expected == pytest.approx(0.5)


@given(
    st.floats(0.001, 1e6),
    st.floats(-1e6, 1e6),
    st.floats(-1e6, 1e6),
    st.floats(-1e6, 1e6),
)
def test_unit_conversion_does_not_change_the_score(scale, start, target, value):
    """The same key result in kUSD and in USD scores the same."""
    assume(abs(target - start) > 1e-3)
    in_k = KeyResult("r", "R", start=start, target=target, unit="kUSD")
    in_usd = KeyResult("r", "R", start=start * 1000, target=target * 1000, unit="USD")
    kr_data = [m(date(2026, 1, 5), value, unit="kUSD")]
    a = evaluate_key_result(in_k, kr_data, period=Q1, as_of=MID_Q1)
    b = evaluate_key_result(in_usd, kr_data, period=Q1, as_of=MID_Q1)
    assert a.score == pytest.approx(b.score, abs=1e-9)
    assert scale > 0


def test_linear_scoring_default_policy_is_used():
    """The default strategy is Linear(cap=1.0, floor=0.0)."""
    kr = KeyResult("c", "C", start=0, target=10)
    result = evaluate_key_result(kr, [m(date(2026, 1, 5), 15)], period=Q1, as_of=MID_Q1)
    assert (result.progress, result.score) == (1.5, 1.0)
    uncapped = evaluate_key_result(
        kr, [m(date(2026, 1, 5), 15)], period=Q1, as_of=MID_Q1, scoring=Linear(cap=None)
    )
    assert uncapped.score == 1.5


# -- the kind table, cleaned values, strict constructors (issues 11, 13) ------

NUMBER_FIELDS = ("start", "target", "low", "high", "change")
#: A value for each kind-specific field that differs from its default.
SET_VALUES = {
    "start": 1.0,
    "target": 2.0,
    "low": 1.0,
    "high": 2.0,
    "tolerance": 1.0,
    "partial": True,
    "steps": (Milestone("x"),),
    "change": 0.5,
    "per": "month",
}
#: A minimal valid set of arguments for each kind.
MINIMAL = {
    Kind.LINEAR: {"start": 0, "target": 10},
    Kind.AT_LEAST: {"target": 10},
    Kind.AT_MOST: {"target": 10},
    Kind.WITHIN: {"low": 1, "high": 2},
    Kind.MILESTONES: {"steps": (Milestone("a"),)},
    Kind.DONE: {},
    Kind.RELATIVE: {"kpi": "visits", "change": 0.2},
    Kind.RATE: {"start": 0, "target": 20, "per": "month"},
}


def foreign_fields(kind):
    rule = RULES[kind]
    return [f for f in KIND_FIELDS if f not in rule.requires + rule.allows]


class TestKindTable:
    def test_every_kind_has_one_rule(self):
        """The table names every kind, and only kind-specific fields (or kpi)."""
        assert set(RULES) == set(Kind) == set(MINIMAL)
        for rule in RULES.values():
            assert set(rule.requires + rule.allows) <= {*KIND_FIELDS, "kpi"}

    @pytest.mark.parametrize("kind", list(Kind))
    def test_minimal_arguments_build(self, kind):
        """Each kind builds from just the fields the table requires."""
        assert KeyResult("k", "K", kind=kind, **MINIMAL[kind]).kind is kind

    @pytest.mark.parametrize(
        ("build", "field"),
        [
            (lambda: KeyResult.done("d", "D", low=1), "low"),
            (lambda: KeyResult.done("d", "D", high=1), "high"),
            (lambda: KeyResult.done("d", "D", per="month"), "per"),
            (lambda: KeyResult.done("d", "D", target=1), "target"),
            (lambda: KeyResult("k", "K", start=0, target=1, per="month"), "per"),
            (
                lambda: KeyResult("k", "K", start=0, target=1, steps=[Milestone("a")]),
                "steps",
            ),
            (lambda: KeyResult("k", "K", start=0, target=1, partial=True), "partial"),
            (lambda: KeyResult("k", "K", start=0, target=1, tolerance=2), "tolerance"),
            (lambda: KeyResult.at_least("a", "A", 5, low=1), "low"),
            (lambda: KeyResult.within("w", "W", 1, 2, target=3), "target"),
            (
                lambda: KeyResult.milestones("m", "M", [Milestone("a")], start=0),
                "start",
            ),
            (lambda: KeyResult.rate("r", "R", target=5, partial=True), "partial"),
            (
                lambda: KeyResult.relative("r", "R", kpi="v", change=1, per="week"),
                "per",
            ),
        ],
    )
    def test_foreign_fields_are_rejected(self, build, field):
        """A field that does not apply to the kind is an error naming it."""
        with pytest.raises(InvalidValueError, match=f"field '{field}'.*expected no"):
            build()

    def test_foreign_field_message(self):
        """The message says which kinds the field is for."""
        with pytest.raises(InvalidValueError) as caught:
            KeyResult.done("soc2", "Pass SOC 2", per="month")
        assert str(caught.value) == (
            "KeyResult 'soc2': field 'per' got 'month'; expected no per on a done "
            "key result (per is for rate key results)."
        )

    @given(st.sampled_from(list(Kind)), st.data())
    def test_any_foreign_field_is_rejected(self, kind, data):
        """Setting any field the table does not give a kind always fails."""
        foreign = foreign_fields(kind)
        assume(foreign)
        field = data.draw(st.sampled_from(foreign))
        args = MINIMAL[kind] | {field: SET_VALUES[field]}
        with pytest.raises(InvalidValueError, match=f"field '{field}'"):
            KeyResult("k", "K", kind=kind, **args)

    @given(st.sampled_from(list(Kind)), st.data())
    def test_required_fields_are_required(self, kind, data):
        """Leaving out a field the table requires always fails, naming it."""
        required = RULES[kind].requires
        assume(required)
        field = data.draw(st.sampled_from(required))
        args = {k: v for k, v in MINIMAL[kind].items() if k != field}
        with pytest.raises(InvalidValueError, match=f"field '{field}'"):
            KeyResult("k", "K", kind=kind, **args)

    def test_defaults_written_out_are_not_foreign(self):
        """A default passed explicitly (as from_dict does) is not a foreign field."""
        kr = KeyResult.done(
            "d", "D", start=None, tolerance=0.0, partial=False, steps=()
        )
        assert kr == KeyResult.done("d", "D")

    def test_relative_start_and_target_go_together(self):
        """A relative key result has both start and target (resolved) or neither."""
        with pytest.raises(InvalidValueError, match="field 'target'"):
            KeyResult.relative("r", "R", kpi="v", change=0.2, start=10)
        resolved = KeyResult.relative("r", "R", kpi="v", change=0.2).resolve(10)
        assert (resolved.start, resolved.target) == (10.0, 12.0)


class TestCleanedValues:
    def test_numbers_are_stored_as_floats(self):
        """kr.low is the float, not the int passed."""
        kr = KeyResult.within("w", "W", 1, 2, tolerance=3, weight=2)
        assert [type(v) for v in (kr.low, kr.high, kr.tolerance, kr.weight)] == [
            float
        ] * 4
        assert KeyResult("k", "K", start=0, target=10).start.hex() == "0x0.0p+0"

    @pytest.mark.parametrize(
        "number",
        [Decimal("2.5"), Fraction(5, 2), 2.5],
        ids=["Decimal", "Fraction", "float"],
    )
    def test_other_real_types_are_converted(self, number):
        """Decimal and Fraction become floats, so to_dict data is JSON."""
        kr = KeyResult("k", "K", start=number, target=number * 2, weight=number)
        assert (kr.start, kr.target, kr.weight) == (2.5, 5.0, 2.5)
        assert {type(kr.start), type(kr.target), type(kr.weight)} == {float}
        within = KeyResult.within("w", "W", number, number * 2, tolerance=number)
        relative = KeyResult.relative("r", "R", kpi="v", change=number)
        milestone = Milestone("m", weight=number)
        assert type(within.tolerance) is type(relative.change) is float
        assert type(milestone.weight) is float
        for value in (kr, within, relative):
            json.dumps(to_dict(value))

    def test_numpy_scalars_are_converted(self):
        """NumPy scalars become plain floats."""
        np = pytest.importorskip("numpy")
        kr = KeyResult(
            "k", "K", start=np.int64(1), target=np.float32(2.5), weight=np.float64(3)
        )
        assert (kr.start, kr.target, kr.weight) == (1.0, 2.5, 3.0)
        assert {type(kr.start), type(kr.target), type(kr.weight)} == {float}
        json.dumps(to_dict(kr))

    @pytest.mark.parametrize(
        ("value", "error"),
        [
            (True, InvalidTypeError),
            ("1", InvalidTypeError),
            (1 + 2j, InvalidTypeError),
            (Decimal("NaN"), InvalidValueError),
            (Decimal("sNaN"), InvalidValueError),
            (Decimal("Infinity"), InvalidValueError),
            (float("-inf"), InvalidValueError),
            (10**400, InvalidValueError),
        ],
    )
    @pytest.mark.parametrize("field", ["start", "target", "weight"])
    def test_bools_non_numbers_and_non_finite_are_rejected(self, field, value, error):
        """Bools, non-numbers, NaN and infinities (in any type) are refused."""
        args = {"start": 0, "target": 10} | {field: value}
        with pytest.raises(error, match=f"field '{field}'"):
            KeyResult("k", "K", **args)

    def test_numpy_nan_is_rejected(self):
        """A NumPy NaN is refused like a float NaN."""
        np = pytest.importorskip("numpy")
        with pytest.raises(InvalidValueError, match="field 'start'"):
            KeyResult("k", "K", start=np.float64("nan"), target=1)
        with pytest.raises(InvalidTypeError, match="field 'weight'"):
            KeyResult("k", "K", start=0, target=1, weight=np.bool_(True))

    @given(
        st.one_of(
            st.integers(-(10**6), 10**6),
            st.fractions(max_denominator=1000).filter(lambda f: abs(f) < 10**6),
            st.decimals(-(10**6), 10**6, allow_nan=False, allow_infinity=False),
            finite,
        ),
        finite,
    )
    def test_any_real_number_is_stored_as_its_float(self, number, target):
        """Whatever real type start has, the stored start is float(start)."""
        assume(float(number) != target)
        kr = KeyResult("k", "K", start=number, target=target)
        assert type(kr.start) is float
        assert kr.start == float(number)
        assert kr == KeyResult("k", "K", start=float(number), target=target)

    @given(okrkit_testing.key_results())
    def test_accepted_key_results_have_float_fields(self, kr):
        """Every number field of an accepted key result is a float or None."""
        for field in (*NUMBER_FIELDS, "weight", "tolerance"):
            value = getattr(kr, field)
            assert value is None or type(value) is float
        assert all(type(m.weight) is float for m in kr.steps)
        assert from_dict(KeyResult, to_dict(kr)) == kr


class TestStrictConstructors:
    def test_steps_must_be_milestones(self):
        """steps=[1, 2] is refused when built, not later by to_dict."""
        with pytest.raises(InvalidTypeError, match="field 'steps' got 1"):
            KeyResult("k", "K", start=0, target=1, steps=[1, 2])  # type: ignore[list-item]
        with pytest.raises(InvalidTypeError, match="field 'steps'"):
            KeyResult.milestones("m", "M", "abc")  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("build", "field", "constructor"),
        [
            (lambda: KeyResult.rate("r", "R", target=5, start=3), "start", "rate"),
            (
                lambda: KeyResult.at_least("a", "A", 5, kind=Kind.DONE),
                "kind",
                "at_least",
            ),
            (lambda: KeyResult.at_most("a", "A", 5, target=3), "target", "at_most"),
            (
                lambda: KeyResult.within("w", "W", 1, 2, kind=Kind.DONE),
                "kind",
                "within",
            ),
            (lambda: KeyResult.done("d", "D", kind=Kind.LINEAR), "kind", "done"),
            (
                lambda: KeyResult.milestones("m", "M", [Milestone("a")], steps=()),
                "steps",
                "milestones",
            ),
            (
                lambda: KeyResult.relative("r", "R", kpi="v", change=1, kind=Kind.RATE),
                "kind",
                "relative",
            ),
        ],
    )
    def test_a_named_constructor_names_what_it_sets(self, build, field, constructor):
        """Passing what a named constructor sets itself is a clear OkrkitError."""
        with pytest.raises(
            InvalidTypeError, match=f"field '{field}'.*KeyResult.{constructor} sets it"
        ):
            build()

    def test_unknown_keyword_to_a_named_constructor(self):
        """An unknown keyword is an OkrkitError listing the keywords taken."""
        with pytest.raises(
            InvalidTypeError,
            match="field 'colour'.*one of unit, label, weight, kpi, aggregation, "
            "contributes_to, phases\\)",
        ):
            KeyResult.done("d", "D", colour="red")

    def test_value_for_checks_its_argument(self):
        """value_for takes a finite real progress."""
        kr = KeyResult("k", "K", start=10, target=20)
        assert kr.value_for(Fraction(1, 2)) == 15.0
        with pytest.raises(InvalidTypeError, match="field 'progress'"):
            kr.value_for("half")  # type: ignore[arg-type]
        with pytest.raises(InvalidValueError, match="field 'progress'"):
            kr.value_for(float("nan"))

    def test_evolve_cleans_and_checks_again(self):
        """attrs.evolve runs the same constructor: cleaned and checked."""
        kr = KeyResult("k", "K", start=0, target=10)
        moved = attrs.evolve(kr, start=Decimal(5))
        assert (moved.start, type(moved.start)) == (5.0, float)
        with pytest.raises(InvalidValueError, match="field 'per'"):
            attrs.evolve(kr, per="month")
        with pytest.raises(InvalidValueError, match="field 'target'"):
            attrs.evolve(kr, target=0)

    @given(okrkit_testing.key_results())
    def test_copies_are_equal(self, kr):
        """Pickling, deep-copying and evolving with no change give an equal value."""
        assert pickle.loads(pickle.dumps(kr)) == kr
        assert copy.deepcopy(kr) == kr
        assert attrs.evolve(kr) == kr
        assert hash(attrs.evolve(kr)) == hash(kr)

    @given(finite, finite, st.floats(0, 1e6), st.text(max_size=5))
    def test_fast_and_slow_paths_agree(self, start, target, weight, label):
        """The shortcut for plain floats builds what the general path builds."""
        assume(start != target)
        fast = KeyResult("k", "K", start=start, target=target, weight=weight)
        slow = KeyResult(
            "k",
            "K",
            start=Decimal(start),  # exact, and keeps the sign of zero
            target=Decimal(target),
            weight=Decimal(weight),
            tolerance=0.0,
        )
        assert fast == slow
        assert repr(fast) == repr(slow)
        assert (
            KeyResult("k", "K", start=start, target=target, label=label).label == label
        )

    def test_the_fast_path_checks_too(self):
        """Plain floats still meet every check: blank id, NaN, equal start."""
        with pytest.raises(InvalidValueError, match="field 'id'"):
            KeyResult(" ", "K", start=0.0, target=1.0)
        with pytest.raises(InvalidValueError, match="field 'weight'"):
            KeyResult("k", "K", start=0.0, target=1.0, weight=-0.5)
        with pytest.raises(InvalidValueError, match="field 'target'"):
            KeyResult("k", "K", start=1.0, target=1.0)
        with pytest.raises(InvalidValueError, match="field 'start'"):
            KeyResult("k", "K", start=float("nan"), target=1.0)
        with pytest.raises(InvalidTypeError, match="field 'title'"):
            KeyResult("k", b"K", start=0.0, target=1.0)  # type: ignore[arg-type]


@given(st.one_of(st.none(), st.text(), st.booleans(), st.lists(st.integers())))
def test_resolve_refuses_junk_baselines(junk):
    """resolve(junk) raises an OkrkitError naming the value, never a TypeError."""
    relative = KeyResult.relative("r", "R", kpi="v", change=0.2)
    with pytest.raises(OkrkitError) as info:
        relative.resolve(junk)
    assert safe_repr(junk)[:20] in str(info.value)


@pytest.mark.parametrize(("start", "target"), [(-1e308, 1e308), (1e308, -1e308)])
def test_a_span_too_large_for_a_float_is_refused(start, target):
    """target - start overflows: progress would divide by inf (0 at 0 %, not 50 %)."""
    with pytest.raises(InvalidValueError, match="field 'target'.*distance from start"):
        KeyResult("k", "K", start=start, target=target)
