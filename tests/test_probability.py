import math
import random
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from okrkit import Aggregation, KeyResult, Milestone, Period
from okrkit._probability import (
    SECONDS_PER,
    behind_pace,
    key_result_needed_pace,
    key_result_pace_so_far,
    needed_pace,
    objective_probability,
    pace_sentence,
    pace_so_far,
    probability,
    reach_probability,
    regularized_beta,
    student_t_cdf,
    target_bounds,
    trend_values,
)
from okrkit._time import day_key
from okrkit.exceptions import InvalidValueError, OkrkitError

DAY = 86400.0
WEEK = 7 * DAY


# -- Student's t ----------------------------------------------------------------


class TestStudentT:
    @pytest.mark.parametrize(
        ("x", "df", "expected"),
        [
            (2.228138851986, 10, 0.975),  # t(0.975, 10) = 2.228
            (2.015048372669, 5, 0.95),  # t(0.95, 5) = 2.015
            (12.70620473617, 1, 0.975),  # t(0.975, 1) = 12.706
            (2.749995652, 30, 0.995),  # t(0.995, 30) = 2.750
            (1.812461123, 10, 0.95),  # t(0.95, 10) = 1.812
        ],
    )
    def test_table_values(self, x, df, expected):
        """The CDF at printed quantiles of t gives their probabilities."""
        assert student_t_cdf(x, df) == pytest.approx(expected, abs=1e-9)

    @given(st.floats(-50, 50))
    def test_one_degree_is_cauchy(self, x):
        """With one degree of freedom t is Cauchy: 1/2 + atan(x)/pi."""
        expected = 0.5 + math.atan(x) / math.pi
        assert student_t_cdf(x, 1) == pytest.approx(expected, abs=1e-12)

    @given(st.floats(-50, 50))
    def test_two_degrees_closed_form(self, x):
        """With two degrees of freedom the CDF is 1/2 + x / (2 sqrt(2 + x^2))."""
        expected = 0.5 + x / (2 * math.sqrt(2 + x * x))
        assert student_t_cdf(x, 2) == pytest.approx(expected, abs=1e-12)

    @given(st.floats(-30, 30))
    def test_three_degrees_closed_form(self, x):
        """With three degrees of freedom the CDF has its textbook closed form."""
        r3 = math.sqrt(3)
        expected = 0.5 + (x / (r3 * (1 + x * x / 3)) + math.atan(x / r3)) / math.pi
        assert student_t_cdf(x, 3) == pytest.approx(expected, abs=1e-12)

    @given(st.floats(-40, 40), st.floats(0.5, 1e6))
    def test_symmetric(self, x, df):
        """F(-x) = 1 - F(x): t is symmetric about 0."""
        assert student_t_cdf(-x, df) == pytest.approx(
            1 - student_t_cdf(x, df), abs=1e-12
        )

    @given(st.floats(-40, 40), st.floats(-40, 40), st.floats(0.5, 1000))
    def test_monotone(self, x, y, df):
        """The CDF never decreases."""
        low, high = sorted((x, y))
        assert student_t_cdf(low, df) <= student_t_cdf(high, df) + 1e-15

    def test_large_degrees_approach_the_normal(self):
        """With many degrees of freedom t is the standard normal."""
        assert student_t_cdf(1.959963984540054, 1e6) == pytest.approx(0.975, abs=1e-6)
        assert student_t_cdf(1.959963984540054, 1e9) == pytest.approx(0.975, abs=1e-12)
        assert student_t_cdf(1.0, 1e9) == pytest.approx(0.8413447460685429, abs=1e-9)

    def test_limits_and_centre(self):
        """F(0) = 1/2, F(-inf) = 0, F(+inf) = 1."""
        assert student_t_cdf(0.0, 7) == 0.5
        assert student_t_cdf(-math.inf, 3) == 0.0
        assert student_t_cdf(math.inf, 3) == 1.0

    @pytest.mark.parametrize("df", [0, -1, math.nan, math.inf])
    def test_bad_degrees_raise(self, df):
        """Degrees of freedom must be finite and positive."""
        with pytest.raises(InvalidValueError, match="df"):
            student_t_cdf(1.0, df)

    def test_nan_raises(self):
        """NaN is not a point on the line."""
        with pytest.raises(InvalidValueError, match="'x'"):
            student_t_cdf(math.nan, 3)

    def test_regularized_beta_known_values(self):
        """I_x(1, b) = 1 - (1 - x)^b and I_x(a, 1) = x^a."""
        assert regularized_beta(1.0, 3.0, 0.2) == pytest.approx(1 - 0.8**3, abs=1e-14)
        assert regularized_beta(2.5, 1.0, 0.7) == pytest.approx(0.7**2.5, abs=1e-14)


# -- reach_probability ---------------------------------------------------------

TIMES = [0.0, 10 * DAY, 20 * DAY, 30 * DAY]


class TestReachProbability:
    def test_centred_on_the_target_is_even(self):
        """A line that lands exactly on the target has an even chance."""
        # Noise (1, -1, -1, 1) is orthogonal to the line: slope 1/day, mean 15.
        p = reach_probability(TIMES, [1, 9, 19, 31], end=90 * DAY, lower=90)
        assert p == pytest.approx(0.5, abs=1e-12)

    def test_hand_computed(self):
        """Fitted 90 at day 90, s = sqrt(4/2), scale sqrt(2 * (1 + 1/4 + 75^2/500)).

        P(Y >= 80) = F(10 / scale) with 2 degrees of freedom, closed form
        1/2 + x / (2 sqrt(2 + x^2)).
        """
        scale = math.sqrt(2 * (1 + 1 / 4 + 75**2 / 500))
        x = 10 / scale
        expected = 0.5 + x / (2 * math.sqrt(2 + x * x))
        p = reach_probability(TIMES, [1, 9, 19, 31], end=90 * DAY, lower=80)
        assert p == pytest.approx(expected, abs=1e-12)
        assert p == pytest.approx(0.5 + 1 / math.sqrt(6), abs=1e-12)  # scale 5, x 2

    def test_decrease_mirrors_increase(self):
        """P(Y <= t) for a falling line equals P(Y >= -t) for its mirror."""
        values = [1, 9, 19, 31]
        up = reach_probability(TIMES, values, end=90 * DAY, lower=85)
        down = reach_probability(TIMES, [-v for v in values], end=90 * DAY, upper=-85)
        assert up == pytest.approx(down, abs=1e-12)

    def test_range_is_the_difference_of_the_bounds(self):
        """P(a <= Y <= b) = P(Y >= a) - P(Y > b)."""
        values = [1, 9, 19, 31]
        both = reach_probability(TIMES, values, end=90 * DAY, lower=85, upper=95)
        above_a = reach_probability(TIMES, values, end=90 * DAY, lower=85)
        above_b = reach_probability(TIMES, values, end=90 * DAY, lower=95)
        assert both == pytest.approx(above_a - above_b, abs=1e-12)

    def test_no_bounds_is_certain(self):
        """With neither bound every value is inside."""
        assert reach_probability(TIMES, [1, 9, 19, 31], end=90 * DAY) == 1.0

    @pytest.mark.parametrize(
        ("times", "values"),
        [([], []), ([0.0], [1.0]), ([0.0, DAY], [1.0, 2.0]), ([DAY] * 4, [1, 2, 3, 4])],
    )
    def test_not_enough_data(self, times, values):
        """Fewer than three points, or all at one time, give None."""
        assert reach_probability(times, values, end=90 * DAY, lower=10) is None

    def test_mismatched_lengths_raise(self):
        """Each time needs one value."""
        with pytest.raises(InvalidValueError, match="one value per time"):
            reach_probability([0.0, 1.0, 2.0], [1.0], end=3.0, lower=1.0)

    def test_perfect_line_is_certain(self):
        """No residual spread: 1 when the line reaches the target, 0 when not."""
        values = [0.0, 10.0, 20.0, 30.0]
        assert reach_probability(TIMES, values, end=90 * DAY, lower=89) == 1.0
        assert reach_probability(TIMES, values, end=90 * DAY, lower=91) == 0.0

    def test_perfect_line_on_the_target_counts_as_reached(self):
        """Landing exactly on the target is reaching it, up to rounding."""
        values = [0.1 * i for i in range(4)]
        times = [i * 0.1 * DAY for i in range(4)]
        assert reach_probability(times, values, end=0.9 * DAY, lower=0.9) == 1.0
        assert reach_probability(times, values, end=0.9 * DAY, upper=0.9) == 1.0

    def test_flat_line(self):
        """A constant series of zeros has no spread and stays at 0."""
        assert reach_probability(TIMES, [0.0] * 4, end=90 * DAY, upper=0) == 1.0
        assert reach_probability(TIMES, [0.0] * 4, end=90 * DAY, lower=1) == 0.0

    @pytest.mark.parametrize(
        "values",
        [
            [1e308, -1e308, 1e308, -1e308],  # time x value products: inf - inf
            [1e308, 1e308, 1e308, 1e308],  # their sum overflows
            [1e300, 3e300, 2e300, 4e300],  # squared residuals overflow
        ],
    )
    def test_values_near_the_largest_float_give_none(self, values):
        """A line that floats cannot fit has no chance to give: None, no error."""
        assert reach_probability(TIMES, values, end=90 * DAY, lower=10) is None

    @given(
        st.lists(
            st.floats(allow_nan=False, allow_infinity=False), min_size=3, max_size=8
        ),
        st.floats(allow_nan=False, allow_infinity=False),
    )
    def test_any_finite_values_give_a_chance_or_none(self, values, target):
        """Whatever the size of the values: a chance in [0, 1], or None."""
        times = [i * WEEK for i in range(len(values))]
        for bounds in ({"lower": target}, {"upper": target}):
            p = reach_probability(times, values, end=13 * WEEK, **bounds)
            assert p is None or 0.0 <= p <= 1.0

    @given(
        st.lists(st.floats(-1e4, 1e4), min_size=3, max_size=12),
        st.floats(-1e5, 1e5),
        st.floats(-1e5, 1e5),
    )
    def test_probability_bounds_and_monotone_in_the_target(self, values, t1, t2):
        """In [0, 1]; a higher target never has a higher chance of being reached."""
        times = [i * WEEK for i in range(len(values))]
        low, high = sorted((t1, t2))
        p_low = reach_probability(times, values, end=13 * WEEK, lower=low)
        p_high = reach_probability(times, values, end=13 * WEEK, lower=high)
        assert p_low is not None
        assert p_high is not None
        assert 0.0 <= p_high <= p_low + 1e-12 <= 1.0 + 1e-12
        q_low = reach_probability(times, values, end=13 * WEEK, upper=low)
        q_high = reach_probability(times, values, end=13 * WEEK, upper=high)
        assert q_low is not None
        assert q_high is not None
        assert 0.0 <= q_low <= q_high + 1e-12 <= 1.0 + 1e-12

    @given(
        st.lists(st.integers(-10_000, 10_000).map(float), min_size=3, max_size=12),
        st.floats(-1e5, 1e5),
        st.floats(0.01, 1e3),
        st.floats(-1e3, 1e3),
    )
    def test_invariant_under_a_change_of_unit(self, values, target, factor, shift):
        """Scaling and shifting values and target alike leaves the chance alone."""
        times = [i * WEEK for i in range(len(values))]
        p = reach_probability(times, values, end=13 * WEEK, lower=target)
        moved = [v * factor + shift for v in values]
        q = reach_probability(
            times, moved, end=13 * WEEK, lower=target * factor + shift
        )
        assert p is not None
        assert q is not None
        assume(abs(p - 0.5) < 0.499)  # away from the knife edge of a perfect line
        assert q == pytest.approx(p, abs=1e-6)

    def test_calibrated_on_known_linear_processes(self):
        """Issue 16: in bins of predicted chance the observed share is within 0.05.

        Key results follow y = a + b t + N(0, sigma); ten check-ins in the first
        half of a 90-day period predict the end; the end value is drawn from
        the same process.  The Brier score also beats answering the base rate.
        """
        rng = random.Random(16)
        times = [d * DAY for d in range(0, 46, 5)]  # ten check-ins to mid-period
        predicted, reached = [], []
        for _ in range(8000):
            a, b, sigma = rng.uniform(0, 100), rng.uniform(0, 3), rng.uniform(1, 20)
            values = [a + b * t / DAY + rng.gauss(0, sigma) for t in times]
            true_end = a + b * 90
            target = true_end + sigma * rng.uniform(-4, 4)
            p = reach_probability(times, values, end=90 * DAY, lower=target)
            assert p is not None
            predicted.append(p)
            reached.append(true_end + rng.gauss(0, sigma) >= target)
        for k in range(5):
            pairs = [
                (p, hit)
                for p, hit in zip(predicted, reached, strict=True)
                if k / 5 <= p < (k + 1) / 5 or (k == 4 and p == 1.0)
            ]
            assert len(pairs) > 500
            mean = sum(p for p, _ in pairs) / len(pairs)
            share = sum(hit for _, hit in pairs) / len(pairs)
            assert abs(share - mean) <= 0.05, (k, mean, share)
        base = sum(reached) / len(reached)
        brier = sum((p - hit) ** 2 for p, hit in zip(predicted, reached, strict=True))
        brier /= len(reached)
        assert brier < base * (1 - base)


# -- key results ----------------------------------------------------------------

Q1 = Period.quarter(2026, 1)
START = day_key(Q1.start)


class TestKeyResultProbability:
    @pytest.mark.parametrize(
        ("kr", "bounds"),
        [
            (KeyResult("a", "Up", start=0, target=10), (10.0, None)),
            (KeyResult("b", "Down", start=10, target=2), (None, 2.0)),
            (KeyResult.at_least("c", "At least", 5), (5.0, None)),
            (KeyResult.at_most("d", "At most", 5), (None, 5.0)),
            (KeyResult.within("e", "Within", 1, 3), (1.0, 3.0)),
            (
                KeyResult.milestones("f", "Ship", (Milestone("a"), Milestone("b"))),
                (2.0, None),
            ),
            (KeyResult.done("g", "Done"), (1.0, None)),
            (KeyResult.rate("h", "Rate", target=5, per="month"), None),
            (KeyResult.relative("i", "Relative", kpi="x", change=0.2), None),
        ],
    )
    def test_target_bounds(self, kr, bounds):
        """Each kind says which range of end values meets it."""
        assert target_bounds(kr) == bounds

    def test_resolved_relative_key_result(self):
        """A resolved relative key result heads for its resolved target."""
        kr = KeyResult.relative("i", "Relative", kpi="x", change=0.2).resolve(100)
        assert target_bounds(kr) == pytest.approx((120.0, None))

    def test_trend_values(self):
        """LAST as is, SUM as a running total, COUNT as a running count."""
        assert trend_values([1.0, 2.0, 3.0], Aggregation.LAST) == [1.0, 2.0, 3.0]
        assert trend_values([1.0, 2.0, 3.0], Aggregation.SUM) == [1.0, 3.0, 6.0]
        assert trend_values([5.0, 5.0], Aggregation.COUNT) == [1.0, 2.0]
        for other in (Aggregation.MEAN, Aggregation.MIN, Aggregation.MAX):
            assert trend_values([1.0], other) is None

    def test_probability_of_a_key_result(self):
        """A SUM key result fits its running total: 1, 9, 19, 31 lands on 90."""
        kr = KeyResult("k", "Sell 90", start=0, target=90, aggregation=Aggregation.SUM)
        times = [START + d * DAY for d in (0, 10, 20, 30)]
        p = probability(kr, times, [1, 8, 10, 12], Aggregation.SUM, Q1)
        assert p == pytest.approx(0.5, abs=1e-12)  # Q1 2026 has 90 days

    def test_after_the_period_the_outcome_is_known(self):
        """Once the period is over the chance is 1 or 0 by the last value."""
        kr = KeyResult("k", "Reach 90", start=0, target=90)
        times = [START + d * DAY for d in (0, 10, 20, 30, 89)]
        after = day_key(Q1.end)
        assert (
            probability(kr, times, [1, 9, 19, 31, 90], Aggregation.LAST, Q1, now=after)
            == 1.0
        )
        assert (
            probability(kr, times, [1, 9, 19, 31, 89], Aggregation.LAST, Q1, now=after)
            == 0.0
        )
        before = probability(
            kr, times, [1, 9, 19, 31, 89], Aggregation.LAST, Q1, now=after - 1
        )
        assert before is not None
        assert 0.0 < before < 1.0

    def test_probability_none_without_a_trend(self):
        """A MEAN key result or a rate key result has no probability."""
        kr = KeyResult("k", "Mean", start=0, target=90)
        times = [START + d * DAY for d in (0, 10, 20, 30)]
        assert probability(kr, times, [1, 8, 10, 12], Aggregation.MEAN, Q1) is None
        rate = KeyResult.rate("r", "Rate", target=5, per="month")
        assert probability(rate, times, [1, 8, 10, 12], Aggregation.LAST, Q1) is None


# -- objectives ----------------------------------------------------------------


class TestObjectiveProbability:
    def test_all_must_be_reached_for_a_full_score(self):
        """Reaching 1.0 takes every key result: 0.9 * 0.8 * 0.5 = 0.36."""
        p = objective_probability([0.9, 0.8, 0.5], [1, 1, 1], 1.0)
        assert p == pytest.approx(0.36, abs=1e-15)

    def test_weighted_threshold_hand_computed(self):
        """Weights 3, 1, 1 against 0.7: a reached heavy one plus one light one.

        Scores >= 0.7 need weight 3.5 of 5 with binary outcomes: A and at
        least one of B and C, P(A) * (1 - P(not B) P(not C)) = 0.5 * 0.52.
        """
        p = objective_probability([0.5, 0.4, 0.2], [3, 1, 1], 0.7)
        assert p == pytest.approx(0.26, abs=1e-15)

    def test_scores_when_missed_count(self):
        """A missed key result ends at its given score instead of 0.

        Items (p=0.5, w=1, else 0.8) and (p=0.5, w=1, else 0.4): the mean is
        0.9, 0.7, 1.0 or 0.6; only both missed (0.25) falls short.
        """
        p = objective_probability([0.5, 0.5], [1, 1], 0.7, scores=[0.8, 0.4])
        assert p == pytest.approx(0.75, abs=1e-15)

    def test_exact_threshold_counts(self):
        """Seven of ten equal key results reach exactly 0.7: that is a success."""
        p = objective_probability([1.0] * 7 + [0.0] * 3, [1] * 10, 0.7)
        assert p == 1.0

    def test_none_and_zero_weights(self):
        """An unknown chance makes the answer unknown, unless its weight is 0."""
        assert objective_probability([0.5, None], [1, 1], 0.7) is None
        assert objective_probability([0.5, None], [1, 0], 0.7) == 0.5
        assert objective_probability([0.5], [0], 0.7) is None
        assert objective_probability([], [], 0.7) is None

    def test_bad_inputs_raise(self):
        """Lengths must match and weights must be finite and not negative."""
        with pytest.raises(InvalidValueError, match="weights"):
            objective_probability([0.5], [1, 1], 0.7)
        with pytest.raises(InvalidValueError, match="weights"):
            objective_probability([0.5], [-1], 0.7)

    def test_many_key_results_are_deterministic(self):
        """Past the exact limit the normal tail is deterministic and close."""
        rng = random.Random(3)
        ps = [rng.random() for _ in range(40)]
        ws = [rng.uniform(0.1, 5) for _ in range(40)]
        first = objective_probability(ps, ws, 0.5)
        assert first == objective_probability(ps, ws, 0.5)
        assert first is not None
        # Against the textbook normal approximation of the weighted sum: close.
        total = sum(ws)
        mean = sum(p * w for p, w in zip(ps, ws, strict=True)) / total
        sd = math.sqrt(sum(p * (1 - p) * w * w for p, w in zip(ps, ws, strict=True)))
        z = (0.5 - mean) * total / sd
        assert first == pytest.approx(0.5 * math.erfc(z / math.sqrt(2)), abs=0.03)

    @given(
        st.lists(
            st.tuples(st.floats(0, 1), st.floats(0, 10), st.floats(0, 1)),
            min_size=1,
            max_size=8,
        ),
        st.floats(0, 1),
        st.floats(0, 1),
    )
    def test_bounds_and_monotone_in_threshold(self, items, t1, t2):
        """In [0, 1], and a higher threshold is never likelier to be reached."""
        ps, ws, ss = zip(*items, strict=True)
        assume(sum(ws) > 0)
        low, high = sorted((t1, t2))
        p_low = objective_probability(ps, ws, low, scores=ss)
        p_high = objective_probability(ps, ws, high, scores=ss)
        assert p_low is not None
        assert p_high is not None
        assert 0.0 <= p_high <= p_low <= 1.0

    @given(
        st.lists(
            st.tuples(st.floats(0, 1), st.floats(0.1, 10)), min_size=1, max_size=6
        ),
        st.integers(0, 5),
        st.floats(0, 1),
    )
    def test_likelier_key_result_never_hurts(self, items, index, bump):
        """Raising one key result's chance never lowers the objective's."""
        ps, ws = map(list, zip(*items, strict=True))
        i = index % len(ps)
        before = objective_probability(ps, ws, 0.7)
        ps[i] = max(ps[i], bump)
        after = objective_probability(ps, ws, 0.7)
        assert before is not None
        assert after is not None
        assert after >= before - 1e-12


# -- pace ----------------------------------------------------------------------


class TestPace:
    def test_needed_per_week(self):
        """180 of 600 with ten weeks left needs 42 a week."""
        p = needed_pace(180, 600, now=0.0, end=10 * WEEK, per="week")
        assert p == pytest.approx(42.0, abs=1e-12)

    def test_needed_per_month_uses_the_mean_gregorian_month(self):
        """A month is 365.2425 / 12 = 30.436875 days."""
        assert SECONDS_PER["month"] == 30.436875 * DAY
        p = needed_pace(0, 30.436875, now=0.0, end=30.436875 * DAY, per="month")
        assert p == pytest.approx(30.436875, abs=1e-12)
        p = needed_pace(0, 10, now=0.0, end=10 * DAY, per="month")
        assert p == pytest.approx(30.436875, abs=1e-12)

    def test_decrease_is_negative(self):
        """Churn from 5 to 2 in three weeks needs -1 a week."""
        p = needed_pace(5, 2, now=0.0, end=3 * WEEK, per="week", increase=False)
        assert p == pytest.approx(-1.0, abs=1e-12)

    @pytest.mark.parametrize(
        ("value", "target", "increase", "now", "end"),
        [
            (600, 600, True, 0.0, WEEK),  # reached
            (700, 600, True, 0.0, WEEK),  # past it
            (2, 2, False, 0.0, WEEK),
            (1, 2, False, 0.0, WEEK),
            (100, 600, True, WEEK, WEEK),  # period over
            (100, 600, True, 2 * WEEK, WEEK),
        ],
    )
    def test_none_once_reached_or_over(self, value, target, increase, now, end):
        """Nothing is needed once reached, and nothing can be done after the end."""
        assert (
            needed_pace(value, target, now=now, end=end, per="week", increase=increase)
            is None
        )

    def test_unknown_per_raises(self):
        """Only weeks and months are paces okrkit speaks of."""
        with pytest.raises(OkrkitError, match="'week' or 'month'"):
            needed_pace(1, 2, now=0.0, end=1.0, per="day")  # type: ignore[arg-type]

    def test_pace_so_far(self):
        """60 done in two weeks is 30 a week; no time passed gives None."""
        assert pace_so_far(0.0, 0.0, 60.0, 2 * WEEK, "week") == pytest.approx(30.0)
        assert pace_so_far(0.0, WEEK, 60.0, WEEK, "week") is None

    @given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.floats(1, 1e8))
    def test_needed_pace_gets_there(self, value, target, seconds):
        """Going at the needed pace until the end lands on the target."""
        increase = target > value
        assume(target != value)
        p = needed_pace(
            value, target, now=0.0, end=seconds, per="week", increase=increase
        )
        assert p is not None
        assert value + p * seconds / WEEK == pytest.approx(target, rel=1e-9, abs=1e-6)

    def test_key_result_needed_pace(self):
        """Kinds head for their bound; inside a range nothing more is needed."""
        up = KeyResult("k", "Acquire 600", start=0, target=600)
        assert key_result_needed_pace(
            up, 180.0, now=0.0, end=10 * WEEK, per="week"
        ) == pytest.approx(42.0)
        within = KeyResult.within("w", "Within", 10, 20)
        assert key_result_needed_pace(
            within, 25.0, now=0.0, end=5 * WEEK, per="week"
        ) == pytest.approx(-1.0)
        assert key_result_needed_pace(
            within, 4.0, now=0.0, end=6 * WEEK, per="week"
        ) == pytest.approx(1.0)
        assert (
            key_result_needed_pace(within, 15.0, now=0.0, end=WEEK, per="week") is None
        )
        assert key_result_needed_pace(up, None, now=0.0, end=WEEK, per="week") is None
        rate = KeyResult.rate("r", "Rate", target=5, per="month")
        assert key_result_needed_pace(rate, 1.0, now=0.0, end=WEEK, per="week") is None

    def test_done_has_no_pace(self):
        """A done / not done key result needs no pace."""
        done = KeyResult.done("d", "Done")
        assert key_result_needed_pace(done, 0.0, now=0.0, end=WEEK, per="week") is None

    def test_key_result_pace_so_far(self):
        """From the start at the period start, from 0 for SUM, or the first check-in."""
        now = START + 14 * DAY
        linear = KeyResult("k", "From 100 to 300", start=100, target=300)
        pace = key_result_pace_so_far(
            linear, [START + DAY], [160.0], Aggregation.LAST, Q1, now=now, per="week"
        )
        assert pace == pytest.approx(30.0)
        summed = key_result_pace_so_far(
            linear,
            [START + DAY, START + 8 * DAY],
            [20.0, 40.0],
            Aggregation.SUM,
            Q1,
            now=now,
            per="week",
        )
        assert summed == pytest.approx(30.0)
        least = KeyResult.at_least("a", "At least 50", 50)
        first = key_result_pace_so_far(
            least,
            [START + 7 * DAY, START + 14 * DAY],
            [10.0, 13.0],
            Aggregation.LAST,
            Q1,
            now=now,
            per="week",
        )
        assert first == pytest.approx(3.0)
        assert (
            key_result_pace_so_far(
                linear, [], [], Aggregation.LAST, Q1, now=now, per="week"
            )
            is None
        )
        assert (
            key_result_pace_so_far(
                linear, [START], [1.0], Aggregation.MEAN, Q1, now=now, per="week"
            )
            is None
        )

    @pytest.mark.parametrize(
        ("needed", "so_far", "behind"),
        [
            (42.0, 30.0, True),
            (42.0, 50.0, False),
            (42.0, 42.0, False),
            (-1.0, -0.5, True),
            (-1.0, -2.0, False),
            (-1.0, 0.5, True),
            (None, 1.0, None),
            (1.0, None, None),
        ],
    )
    def test_behind_pace(self, needed, so_far, behind):
        """Behind when the pace so far falls short of the pace needed (signed)."""
        assert behind_pace(needed, so_far) is behind

    def test_sentence(self):
        """The reason reads 'needs 42 customers a week, has done 30 a week'."""
        text = pace_sentence(42.0, 30.0, unit=None, label="customers")
        assert text == "needs 42 customers a week, has done 30 a week"
        assert pace_sentence(1250.0, None, unit="USD", per="month") == (
            "needs 1,250 USD a month"
        )

    def test_demo_style_numbers(self):
        """From 2026-01-01 to 2026-02-15 (45 days) 180 customers is 28 a week."""
        start, now = day_key(date(2026, 1, 1)), day_key(date(2026, 2, 15))
        so_far = pace_so_far(0.0, start, 180.0, now, "week")
        assert so_far == pytest.approx(28.0)


@pytest.mark.parametrize(
    "zone", ["UTC", "Asia/Tokyo", "Europe/Berlin", "America/New_York"]
)
@pytest.mark.parametrize("given_as", ["rows", "frame"])
def test_the_pace_so_far_counts_from_the_period_start_in_the_zone(zone, given_as):
    """4 reached from 0 in the 45 days to 15 February: 4 / (45 / 7) = 0.622 a week.

    In any zone, from rows as from a frame: the period's start is midnight
    in that zone, as the check-ins' instants are (it was off by the zone's
    offset from rows: 0.627 a week in Tokyo).
    """
    import pandas as pd

    from okrkit import Checkins, Objective, evaluate

    rows = [("a", date(2026, 1, 7), 4.0)]
    table = {
        "rows": Checkins.from_rows(rows),
        "frame": Checkins.from_frame(pd.DataFrame(rows, columns=["id", "at", "value"])),
    }[given_as]
    q1 = Period.quarter(2026, 1)
    objective = Objective(
        "o", "O", period=q1, key_results=[KeyResult("a", "A", start=0, target=100)]
    )
    card = evaluate(
        [objective], measurements=table, as_of=date(2026, 2, 15), tz=ZoneInfo(zone)
    )
    assert "has done 0.622 a week" in card["a"].reason
