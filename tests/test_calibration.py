from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit import KeyResult, Measurement, Objective, Period, evaluate
from okrkit._calibration import (
    Calibration,
    CalibrationBin,
    OwnerCalibration,
    calibration,
)
from okrkit.exceptions import InvalidTypeError, InvalidValueError
from okrkit.scoring import GoogleGrading

Q1 = Period.quarter(2026, 1)
Q2 = Period.quarter(2026, 2)
LATE = date(2026, 3, 30)
END = date(2026, 4, 1)  # Q1 is over, Q2 has begun


def kr(id_, **kw):
    return KeyResult(id_, f"KR {id_}", start=0, target=10, **kw)


def checkin(value, confidence=None, day=LATE):
    return [Measurement(day, value, confidence=confidence)]


def card_of(objectives, data, as_of=END, **kw):
    return evaluate(objectives, measurements=data, as_of=as_of, **kw)


class TestHandComputed:
    objectives = (
        Objective("a", "A", period=Q1, owner="Ana", key_results=[kr("a1"), kr("a2")]),
        Objective("b", "B", period=Q1, owner="Ben", key_results=[kr("b1"), kr("b2")]),
    )
    data = {
        "a1": checkin(10, 0.9),  # reached
        "a2": checkin(4, 0.7),  # missed
        "b1": checkin(12, 0.3),  # reached
        "b2": checkin(0, 0.1),  # missed
    }

    def test_brier_and_base_rate(self):
        """Brier = (0.01 + 0.49 + 0.49 + 0.01) / 4 = 0.25; half were reached."""
        result = calibration([card_of(self.objectives, self.data)])
        assert result.count == 4
        assert result.brier == pytest.approx(0.25, abs=1e-15)
        assert result.base_rate == 0.5
        assert result.skill == 0.0  # no better than always saying 0.5

    def test_bins(self):
        """Five bins of 0.2: confidences 0.1, 0.3, 0.7 and 0.9 fill four."""
        result = calibration([card_of(self.objectives, self.data)])
        assert result.bins == (
            CalibrationBin(
                low=0.0, high=0.2, count=1, mean_confidence=0.1, hit_rate=0.0
            ),
            CalibrationBin(
                low=0.2, high=0.4, count=1, mean_confidence=0.3, hit_rate=1.0
            ),
            CalibrationBin(
                low=0.4, high=0.6, count=0, mean_confidence=None, hit_rate=None
            ),
            CalibrationBin(
                low=0.6, high=0.8, count=1, mean_confidence=0.7, hit_rate=0.0
            ),
            CalibrationBin(
                low=0.8, high=1.0, count=1, mean_confidence=0.9, hit_rate=1.0
            ),
        )

    def test_owners(self):
        """Ana said 0.8 and got 0.5 (over by 0.3); Ben said 0.2 and got 0.5."""
        result = calibration([card_of(self.objectives, self.data)])
        ana, ben = result.owners
        assert ana == OwnerCalibration(
            owner="Ana",
            count=2,
            mean_confidence=pytest.approx(0.8),
            hit_rate=0.5,
            over_confidence=pytest.approx(0.3),
        )
        assert ben.owner == "Ben"
        assert ben.over_confidence == pytest.approx(-0.3)

    def test_two_bins(self):
        """With two bins, 0.1 and 0.3 fall below 0.5, 0.7 and 0.9 above."""
        result = calibration([card_of(self.objectives, self.data)], bins=2)
        assert [b.count for b in result.bins] == [2, 2]
        assert [b.hit_rate for b in result.bins] == [0.5, 0.5]

    def test_several_cards_add_up(self):
        """Each card counts: the same period twice counts twice."""
        card = card_of(self.objectives, self.data)
        assert calibration([card, card]).count == 8
        assert calibration(iter([card])).count == 4  # any iterable, read once


class TestWhatCounts:
    def test_running_periods_are_left_out(self):
        """A period still running at as_of has no outcome yet."""
        objectives = (
            Objective("q1", "Q1", period=Q1, key_results=[kr("x")]),
            Objective("q2", "Q2", period=Q2, key_results=[kr("y")]),
        )
        data = {"x": checkin(10, 0.8), "y": checkin(1, 0.5, day=date(2026, 4, 1))}
        assert calibration([card_of(objectives, data)]).count == 1
        mid = card_of(objectives, data, as_of=date(2026, 3, 31))
        assert calibration([mid]).count == 0

    def test_datetime_as_of(self):
        """A card made at an instant on the first day after the period counts."""
        objectives = (Objective("o", "O", period=Q1, key_results=[kr("x")]),)
        at = datetime(2026, 4, 1, 9, tzinfo=UTC)
        assert (
            calibration([card_of(objectives, {"x": checkin(3, 0.4)}, as_of=at)]).count
            == 1
        )

    def test_no_confidence_or_no_check_in_is_left_out(self):
        """Without a stated confidence or a value there is nothing to compare."""
        objectives = (
            Objective("o", "O", period=Q1, key_results=[kr("x"), kr("y"), kr("z")]),
        )
        data = {"x": checkin(10), "y": checkin(10, 1.0)}
        result = calibration([card_of(objectives, data)])
        assert result.count == 1
        assert result.brier == 0.0

    def test_kinds_use_their_success(self):
        """At least, within and milestones are reached when met, not when close."""
        objectives = (
            Objective(
                "o",
                "O",
                period=Q1,
                key_results=[
                    KeyResult.at_least("least", "Least", 100, partial=True),
                    KeyResult.within("range", "Range", 10, 20, tolerance=5),
                ],
            ),
        )
        data = {"least": checkin(99, 1.0), "range": checkin(15, 1.0)}
        result = calibration([card_of(objectives, data)])
        assert result.brier == pytest.approx(0.5)  # missed at 1.0, reached at 1.0

    def test_outcome_is_raw_progress_not_a_graded_score(self):
        """Google grading rounds 0.96 to 1.0; the target was still missed."""
        objectives = (Objective("o", "O", period=Q1, key_results=[kr("x", weight=1)]),)
        data = {"x": [Measurement(LATE, 9.6, confidence=1.0)]}
        card = card_of(objectives, data, scoring=GoogleGrading())
        assert card["x"].score == 1.0
        assert calibration([card]).brier == 1.0


class TestEmptyAndErrors:
    def test_empty(self):
        """No forecasts: count 0, no Brier score, empty bins, no owners."""
        result = calibration([])
        assert result == Calibration(
            brier=None,
            count=0,
            base_rate=None,
            bins=tuple(
                CalibrationBin(
                    low=k / 5,
                    high=(k + 1) / 5,
                    count=0,
                    mean_confidence=None,
                    hit_rate=None,
                )
                for k in range(5)
            ),
            owners=(),
        )
        assert result.skill is None

    @pytest.mark.parametrize("bins", [0, -1, 2.5, True, "5"])
    def test_bad_bins(self, bins):
        """Bins are a whole number, one or more."""
        with pytest.raises(InvalidValueError, match="bins"):
            calibration([], bins=bins)

    def test_not_a_scorecard(self):
        """Only scorecards can be compared."""
        with pytest.raises(InvalidTypeError, match="Scorecard"):
            calibration([{"a": 1}])  # type: ignore[list-item]


class TestBinEdges:
    @pytest.mark.parametrize(
        ("confidence", "index"),
        [(0.0, 0), (0.2, 1), (0.4, 2), (0.6, 3), (0.8, 4), (1.0, 4), (0.7999999, 3)],
    )
    def test_edges(self, confidence, index):
        """A confidence on an edge belongs to the bin above; 1.0 to the last."""
        objectives = (Objective("o", "O", period=Q1, key_results=[kr("x")]),)
        card = card_of(objectives, {"x": checkin(10, confidence)})
        counts = [b.count for b in calibration([card]).bins]
        assert counts == [int(k == index) for k in range(5)]

    @pytest.mark.parametrize("bins", [3, 7, 10])
    @pytest.mark.parametrize("step", range(11))
    def test_tenths_land_on_their_edge(self, bins, step):
        """Each confidence is inside its bin's [low, high) whatever the rounding."""
        confidence = step / 10
        objectives = (Objective("o", "O", period=Q1, key_results=[kr("x")]),)
        card = card_of(objectives, {"x": checkin(10, confidence)})
        (found,) = [b for b in calibration([card], bins=bins).bins if b.count]
        assert found.low <= confidence
        assert confidence < found.high or (confidence == 1.0 and found.high == 1.0)


@st.composite
def past_cards(draw):
    """Scorecards at the end of Q1 with random values and confidences."""
    objectives, data = [], {}
    for o in range(draw(st.integers(1, 3))):
        krs = [kr(f"o{o}k{k}") for k in range(draw(st.integers(1, 3)))]
        owner = draw(st.sampled_from(["", "Ana", "Ben"]))
        objectives.append(
            Objective(f"o{o}", "O", period=Q1, owner=owner, key_results=krs)
        )
        for item in krs:
            if draw(st.booleans()):
                data[item.id] = checkin(
                    draw(st.floats(-5, 15)), draw(st.none() | st.floats(0, 1))
                )
    return card_of(objectives, data)


@given(st.lists(past_cards(), max_size=3), st.integers(1, 12))
def test_properties(cards, bins):
    """Brier in [0, 1]; bins and owners account for every forecast once."""
    result = calibration(cards, bins=bins)
    assert len(result.bins) == bins
    assert sum(b.count for b in result.bins) == result.count
    assert sum(o.count for o in result.owners) == result.count
    if result.count == 0:
        assert result.brier is None
        return
    assert result.brier is not None
    assert 0.0 <= result.brier <= 1.0
    for b in result.bins:
        if b.count:
            assert b.mean_confidence is not None
            assert b.low <= b.mean_confidence <= b.high
            assert b.hit_rate is not None
            assert 0.0 <= b.hit_rate <= 1.0
    for o in result.owners:
        assert -1.0 <= o.over_confidence <= 1.0
