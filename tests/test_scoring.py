from datetime import date
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from okrkit import (
    KeyResult,
    Measurement,
    Period,
    Status,
    Thresholds,
    evaluate_key_result,
)
from okrkit.exceptions import InvalidTypeError, InvalidValueError, OkrkitError
from okrkit.scoring import (
    GoogleGrading,
    Grading,
    Linear,
    Pace,
    RedFlagGoal,
    RollUp,
    ScoreContext,
    ScoringStrategy,
    Stepped,
    minimum,
    weighted_mean,
)

CTX = ScoreContext()
KR = KeyResult("k", "K", start=0, target=100)
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


class TestLinear:
    def test_cap_and_floor_defaults(self):
        """By default over-achievement caps at 1 and negative progress floors at 0."""
        assert [Linear().score(KR, v, CTX) for v in (-10, 0, 50, 100, 150)] == [
            0,
            0,
            0.5,
            1,
            1,
        ]

    def test_a_higher_cap(self):
        """A cap of 1.5 lets over-achievement count up to 150 %."""
        assert Linear(cap=1.5).score(KR, 140, CTX) == 1.4
        assert Linear(cap=1.5).score(KR, 200, CTX) == 1.5

    def test_unbounded(self):
        """cap=None and floor=None leave progress as it is."""
        free = Linear(cap=None, floor=None)
        assert (free.score(KR, 300, CTX), free.score(KR, -50, CTX)) == (3, -0.5)

    def test_cap_below_floor(self):
        """A cap below the floor is refused."""
        with pytest.raises(InvalidValueError, match="field 'cap'"):
            Linear(cap=0.5, floor=0.6)
        with pytest.raises(InvalidValueError, match="field 'cap'"):
            Linear(cap=float("nan"))

    @given(finite, finite, finite, st.floats(0, 3), st.floats(-3, 0))
    def test_scores_stay_within_floor_and_cap(self, start, target, value, cap, floor):
        """Every linear score lies in [floor, cap]."""
        assume(start != target)
        kr = KeyResult("k", "K", start=start, target=target)
        assert floor <= Linear(cap=cap, floor=floor).score(kr, value, CTX) <= cap


class TestGoogle:
    @pytest.mark.parametrize(
        ("value", "score"),
        [
            (0, 0.0),
            (34, 0.3),
            (35, 0.4),
            (64.9, 0.6),
            (65, 0.7),
            (120, 1.0),
            (-20, 0.0),
        ],
    )
    def test_rounded_to_one_decimal(self, value, score):
        """Progress is clamped to [0, 1] and rounded half up to one decimal."""
        assert GoogleGrading().score(KR, value, CTX) == score

    @pytest.mark.parametrize(
        ("score", "aspirational", "committed"),
        [
            (0.3, Status.RED, Status.RED),
            (0.4, Status.AMBER, Status.AMBER),
            (0.6, Status.AMBER, Status.AMBER),
            (0.7, Status.GREEN, Status.AMBER),
            (0.9, Status.GREEN, Status.AMBER),
            (1.0, Status.GREEN, Status.GREEN),
        ],
    )
    def test_grades(self, score, aspirational, committed):
        """0.7 is a success for aspirational objectives; committed need 1.0."""
        grading = GoogleGrading()
        assert grading.grade(score, committed=False) is aspirational
        assert grading.grade(score, committed=True) is committed
        assert isinstance(grading, Grading)
        assert not isinstance(Linear(), Grading)


class TestStepped:
    bands = Thresholds.from_edges(
        (50, 80, 100),
        (Status.RED, Status.AMBER, Status.GREEN, Status.GREEN),
        scores=(0.0, 0.5, 0.8, 1.0),
    )

    def test_value_bands_map_to_fixed_scores(self):
        """Each value band gives its fixed score; edges belong above."""
        stepped = Stepped(self.bands)
        assert [stepped.score(KR, v, CTX) for v in (10, 50, 79, 80, 100, 500)] == [
            0,
            0.5,
            0.5,
            0.8,
            1,
            1,
        ]

    def test_every_band_needs_a_score(self):
        """Bands without a score cannot score."""
        with pytest.raises(InvalidValueError, match="field 'bands'"):
            Stepped(Thresholds.higher_is_better(red_below=1, green_from=2))
        with pytest.raises(InvalidTypeError, match="field 'bands'"):
            Stepped("bands")  # type: ignore[arg-type]


class TestRedFlagGoal:
    def test_the_scale(self):
        """Red flag 3.33, goal 6.67, 10 at goal + gap, 0 at red flag - gap."""
        kr = KeyResult("n", "NPS 20 to 40", start=20, target=40)
        scores = [
            10 * RedFlagGoal().score(kr, v, CTX)
            for v in (-5, 0, 10, 20, 30, 40, 60, 80)
        ]
        assert scores == pytest.approx(
            [0, 0, 1.6667, 3.3333, 5, 6.6667, 10, 10], abs=1e-4
        )
        assert RedFlagGoal().target_score == pytest.approx(2 / 3)

    def test_decreasing_key_results_work_too(self):
        """For a decreasing target the scale runs the other way."""
        kr = KeyResult("c", "Cost 100 to 80", start=100, target=80)
        assert 10 * RedFlagGoal().score(kr, 70, CTX) == pytest.approx(8.3333, abs=1e-4)


class TestRollUp:
    def test_weighted_mean_hand_computed(self):
        """(1.0 * 1 + 0.4 * 2 + 0.1 * 1) / 4 = 0.475."""
        assert weighted_mean([(1.0, 1), (0.4, 2), (0.1, 1)]) == pytest.approx(0.475)

    def test_zero_weights(self):
        """No weight at all gives no score."""
        assert weighted_mean([(1.0, 0)]) is None
        assert weighted_mean([]) is None
        assert minimum([]) is None

    def test_minimum_is_the_weakest_weighted_key_result(self):
        """minimum ignores zero-weight entries."""
        assert minimum([(0.9, 1), (0.1, 0), (0.3, 2)]) == 0.3

    def test_mixing_increasing_and_decreasing_key_results(self):
        """Half-way up and half-way down roll up to one half, not zero."""
        up = KeyResult("up", "Revenue 100 to 200", start=100, target=200)
        down = KeyResult("down", "Churn 6 to 2", start=6, target=2)
        scores = [(Linear().score(up, 150, CTX), 1), (Linear().score(down, 4, CTX), 1)]
        assert weighted_mean(scores) == 0.5

    @given(
        st.lists(st.tuples(st.floats(0, 1), st.floats(0, 10)), min_size=1, max_size=10),
        st.randoms(use_true_random=False),
    )
    def test_weighted_mean_is_order_independent(self, items, rnd):
        """Shuffling key results never changes the weighted mean."""
        shuffled = list(items)
        rnd.shuffle(shuffled)
        a, b = weighted_mean(items), weighted_mean(shuffled)
        assert (a is None and b is None) or a == pytest.approx(b)

    @given(
        st.lists(
            st.tuples(st.floats(0, 1), st.floats(0.01, 10)), min_size=1, max_size=10
        )
    )
    def test_weighted_mean_is_between_min_and_max(self, items):
        """The weighted mean lies between the weakest and the strongest score."""
        scores = [s for s, _ in items]
        result = weighted_mean(items)
        assert result is not None
        assert min(scores) - 1e-12 <= result <= max(scores) + 1e-12

    def test_policy_validation(self):
        """Roll-up policies accept only their named options."""
        assert RollUp().combine is weighted_mean
        with pytest.raises(InvalidValueError, match="field 'no_data'"):
            RollUp(no_data="ignore")  # type: ignore[arg-type]
        with pytest.raises(InvalidValueError, match="field 'include'"):
            RollUp(include="all")  # type: ignore[arg-type]
        with pytest.raises(InvalidTypeError, match="field 'combine'"):
            RollUp(combine=3)  # type: ignore[arg-type]


class TestPace:
    def test_target_score_scales_expectations(self):
        """With a 2/3 target score, 0.6 against 0.9 expected is on track."""
        assert Pace().status(0.6, 0.9, target_score=2 / 3) is Status.GREEN
        assert Pace().status(0.6, 0.9) is Status.RED  # 0.6 / 0.9 < 0.75

    def test_no_score(self):
        """No score is NO_DATA."""
        assert Pace().status(None, 0.5) is Status.NO_DATA

    def test_validation(self):
        """at_risk above on_track is refused."""
        with pytest.raises(InvalidValueError, match="field 'at_risk'"):
            Pace(on_track=0.5, at_risk=0.8)

    def test_words(self):
        """Pace statuses read as words."""
        assert [
            Pace.words(s)
            for s in (Status.GREEN, Status.AMBER, Status.RED, Status.NO_DATA)
        ] == ["on track", "at risk", "off track", "no data"]

    @given(st.floats(0, 2), st.floats(0, 2), st.floats(0, 1))
    def test_more_score_is_never_a_worse_pace(self, a, b, expected):
        """Raising the score never worsens the pace status."""
        low, high = sorted((a, b))
        pace = Pace()
        assert (
            pace.status(high, expected).severity <= pace.status(low, expected).severity
        )


def test_user_strategies_satisfy_the_protocol():
    """Any object with a score method is a scoring strategy."""

    class Binary:
        def score(self, key_result, value, context):
            return 1.0 if key_result.progress(value) >= 1 else 0.0

    assert isinstance(Binary(), ScoringStrategy)
    assert Binary().score(KR, 100, CTX) == 1.0


class _Returns:
    """A user strategy that returns a fixed thing, whatever it is given."""

    def __init__(self, result):
        self.result = result

    def score(self, key_result, value, context):
        return self.result


def test_a_user_strategys_whole_number_is_stored_as_a_float():
    """A strategy may return 1 or Fraction(1, 2); the result holds a float."""
    for returned, stored in ((1, 1.0), (Fraction(1, 2), 0.5)):
        result = evaluate_key_result(
            KR,
            [Measurement(date(2026, 2, 1), 40)],
            period=Period.quarter(2026, 1),
            as_of=date(2026, 2, 15),
            scoring=_Returns(returned),
        )
        assert type(result.score) is float
        assert result.score == stored


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "high", None])
def test_a_user_strategys_bad_score_is_an_error_naming_the_key_result(bad):
    with pytest.raises(OkrkitError, match="KeyResult 'k'.*'score'"):
        evaluate_key_result(
            KR,
            [Measurement(date(2026, 2, 1), 40)],
            period=Period.quarter(2026, 1),
            as_of=date(2026, 2, 15),
            scoring=_Returns(bad),
        )
