from datetime import UTC, date, datetime, timedelta, timezone

import attrs
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
        assert (ana.owner, ana.count, ana.hit_rate) == ("Ana", 2, 0.5)
        assert ana.mean_confidence == pytest.approx(0.8)
        assert ana.over_confidence == pytest.approx(0.3)
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


class TestValidation:
    """Hand-built calibration values are checked as every public value is."""

    def test_a_bad_brier_is_named_not_a_bare_type_error(self):
        """A text brier was stored, then failed in skill with a bare TypeError."""
        with pytest.raises(
            InvalidTypeError, match="Calibration: field 'brier' got 'x'"
        ):
            Calibration(brier="x", count=1, base_rate=0.5, bins=(), owners=())  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("field", "value"),
        [("brier", float("nan")), ("brier", 1.5), ("base_rate", -0.1)],
    )
    def test_shares_are_finite_and_between_0_and_1(self, field, value):
        """NaN and shares outside [0, 1] are refused by field."""
        fields = {"brier": 0.1, "count": 3, "base_rate": 0.5, "bins": (), "owners": ()}
        with pytest.raises(InvalidValueError, match=f"field '{field}'"):
            Calibration(**{**fields, field: value})

    @pytest.mark.parametrize("count", [-1, True, 1.0])
    def test_counts_are_whole_and_not_negative(self, count):
        """A count is an int of 0 or more (not a bool, not a float)."""
        with pytest.raises((InvalidTypeError, InvalidValueError), match="'count'"):
            CalibrationBin(
                low=0.0, high=0.5, count=count, mean_confidence=0.2, hit_rate=0.5
            )

    def test_rates_are_none_exactly_when_nothing_was_counted(self):
        """An empty bin has no rates; a counted one has them."""
        with pytest.raises(InvalidValueError, match="None when count is 0"):
            CalibrationBin(
                low=0.0, high=0.5, count=0, mean_confidence=0.2, hit_rate=None
            )
        with pytest.raises(InvalidValueError, match="count is 2"):
            Calibration(brier=None, count=2, base_rate=None, bins=(), owners=())

    def test_bin_edges_are_ordered(self):
        """A bin's high lies above its low."""
        with pytest.raises(InvalidValueError, match="field 'high' got 0.2"):
            CalibrationBin(
                low=0.4, high=0.2, count=0, mean_confidence=None, hit_rate=None
            )

    def test_owner_values_are_checked(self):
        """An owner's shares are numbers in [0, 1]; over_confidence in [-1, 1]."""
        with pytest.raises(InvalidValueError, match="'over_confidence' got 2.0"):
            OwnerCalibration(
                owner="Ana", count=1, mean_confidence=1, hit_rate=0, over_confidence=2.0
            )
        with pytest.raises(InvalidTypeError, match="'owner' got 5"):
            OwnerCalibration(
                owner=5,
                count=1,
                mean_confidence=1,
                hit_rate=0,
                over_confidence=1.0,  # type: ignore[arg-type]
            )
        plain = OwnerCalibration(
            owner="Ana", count=1, mean_confidence=1, hit_rate=0, over_confidence=1
        )
        assert (type(plain.mean_confidence), plain.mean_confidence) == (float, 1.0)

    def test_lists_become_tuples_and_items_are_checked(self):
        """bins and owners are stored as tuples of their own types."""
        empty = CalibrationBin(
            low=0.0, high=1.0, count=0, mean_confidence=None, hit_rate=None
        )
        made = Calibration(brier=None, count=0, base_rate=None, bins=[empty], owners=[])  # type: ignore[arg-type]
        assert made.bins == (empty,)
        assert made.owners == ()
        with pytest.raises(InvalidTypeError, match="field 'bins'"):
            Calibration(brier=None, count=0, base_rate=None, bins=(1,), owners=())  # type: ignore[arg-type]

    @given(st.lists(st.floats(0, 1), min_size=1, max_size=20), st.integers(1, 10))
    def test_what_calibration_makes_passes_its_own_checks(self, confidences, bins):
        """Every Calibration calibration() returns is valid when rebuilt by hand."""
        card = card_of(
            [
                Objective(
                    "o",
                    "O",
                    period=Q1,
                    owner="Ana",
                    key_results=[
                        KeyResult(f"k{i}", "K", start=0, target=1)
                        for i in range(len(confidences))
                    ],
                )
            ],
            {
                f"k{i}": [Measurement(date(2026, 3, 1), i % 2, confidence=c)]
                for i, c in enumerate(confidences)
            },
        )
        result = calibration([card], bins=bins)
        assert (
            Calibration(
                brier=result.brier,
                count=result.count,
                base_rate=result.base_rate,
                bins=tuple(CalibrationBin(**attrs.asdict(b)) for b in result.bins),
                owners=tuple(
                    OwnerCalibration(**attrs.asdict(o)) for o in result.owners
                ),
            )
            == result
        )


class TestZone:
    """A card's day is taken in the zone it was evaluated in."""

    objectives = (Objective("a", "A", period=Q1, owner="Ana", key_results=[kr("a1")]),)
    data = {"a1": checkin(10, 0.9)}
    # 23:30 UTC on the last day of Q1 is 01:30 on 1 April at UTC+2.
    instant = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    east = timezone(timedelta(hours=2))

    def test_one_instant_in_two_offsets_counts_alike(self):
        """Written in UTC or at +02:00, one instant is one day in the zone."""
        counts = {
            calibration([card_of(self.objectives, self.data, as_of=at)]).count
            for at in (self.instant, self.instant.astimezone(self.east))
        }
        assert counts == {0}  # in UTC, 31 March: Q1 still running

    def test_the_evaluation_zone_decides_the_day(self):
        """Evaluated at UTC+2, the instant is on 1 April there: Q1 has ended."""
        card = card_of(self.objectives, self.data, as_of=self.instant, tz=self.east)
        assert calibration([card], tz=self.east).count == 1

    def test_a_bad_zone_is_named(self):
        """tz is a tzinfo."""
        with pytest.raises(InvalidTypeError, match="field 'tz' got 'Berlin'"):
            calibration([], tz="Berlin")  # type: ignore[arg-type]
