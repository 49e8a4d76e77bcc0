from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import kr, m, obj
from okrkit import (
    KPI,
    Aggregation,
    Direction,
    KeyResult,
    ObjectiveResult,
    Period,
    Status,
    Thresholds,
    evaluate,
    render,
)
from okrkit.exceptions import (
    AlignmentError,
    IncompatibleUnitsError,
    InvalidTypeError,
    UnknownIdError,
)
from okrkit.scoring import GoogleGrading, RollUp, minimum

Q1 = Period.quarter(2026, 1)
MID = date(2026, 2, 15)  # expected 0.5


class TestScoreRollUp:
    objectives = (
        obj("co", kr("c1"), kr("c2")),
        obj("team", kr("t1"), kr("t2", weight=3), parent="co", weight=2),
    )
    data = {
        "c1": [m(date(2026, 2, 1), 80)],
        "c2": [m(date(2026, 2, 1), 20)],
        "t1": [m(date(2026, 2, 1), 100)],
        "t2": [m(date(2026, 2, 1), 60)],
    }

    def test_key_results_and_children_by_default(self):
        """Team (1*1 + 3*0.6)/4 = 0.7; company (0.8 + 0.2 + 2*0.7)/4 = 0.6."""
        card = evaluate(self.objectives, measurements=self.data, as_of=MID)
        assert card["team"].score == pytest.approx(0.7)
        assert card["co"].score == pytest.approx(0.6)
        assert card["co"].status is Status.GREEN

    def test_key_results_only(self):
        """With key results only, the company is (0.8 + 0.2) / 2."""
        card = evaluate(
            self.objectives,
            measurements=self.data,
            as_of=MID,
            rollup=RollUp(include="key_results"),
        )
        assert card["co"].score == pytest.approx(0.5)

    def test_children_only(self):
        """With children only, the company scores its team's 0.7."""
        card = evaluate(
            self.objectives,
            measurements=self.data,
            as_of=MID,
            rollup=RollUp(include="children"),
        )
        assert card["co"].score == pytest.approx(0.7)
        # A leaf has no children, so its key results speak for it.
        assert card["team"].score == pytest.approx(0.7)

    def test_minimum_roll_up(self):
        """The minimum aggregator takes the weakest entry."""
        card = evaluate(
            self.objectives,
            measurements=self.data,
            as_of=MID,
            rollup=RollUp(combine=minimum),
        )
        assert card["team"].score == pytest.approx(0.6)
        assert card["co"].score == pytest.approx(0.2)

    def test_no_data_counts_as_zero_or_is_skipped(self):
        """A started key result without check-ins counts as 0, or is skipped."""
        data = {"c1": [m(date(2026, 2, 1), 80)]}
        objectives = [obj("co", kr("c1"), kr("c2"))]
        assert evaluate(objectives, measurements=data, as_of=MID)["co"].score == 0.4
        skipped = evaluate(
            objectives, measurements=data, as_of=MID, rollup=RollUp(no_data="skip")
        )
        assert skipped["co"].score == 0.8

    def test_key_results_that_have_not_started_are_skipped(self):
        """Before the period starts nothing counts, so there is no score."""
        card = evaluate([obj("co", kr("c1"), kr("c2"))], as_of=date(2025, 12, 1))
        assert card["co"].score is None
        assert card["co"].status is Status.NO_DATA
        assert card["co"].reason == "Objective co: 2026-Q1 has not started."

    def test_reason_names_the_weakest_key_result(self):
        """The objective's sentence gives score, pace and the weakest key result."""
        card = evaluate(self.objectives, measurements=self.data, as_of=MID)
        assert card["co"].reason == (
            "Objective co: 60 % at 50 % of 2026-Q1, on track (2 key results and 1 "
            "team objective; weakest: KR c2 (20 %))."
        )

    def test_grading_strategy_grades_objectives(self):
        """Google grading grades committed objectives strictly."""
        objectives = [
            obj("a", kr("a1"), kr("a2"), committed=True),
            obj("b", kr("b1"), kr("b2")),
        ]
        data = {i: [m(date(2026, 3, 30), 75)] for i in ("a1", "a2", "b1", "b2")}
        card = evaluate(
            objectives, measurements=data, as_of=Q1.end, scoring=GoogleGrading()
        )
        assert (card["a"].score, card["a"].grade) == (0.8, Status.AMBER)
        assert card["b"].grade is Status.GREEN


class TestValueRollUp:
    def signups(self, **parent_options):
        company = obj(
            "co",
            KeyResult(
                "signups", "3,000 sign-ups", start=0, target=3000, **parent_options
            ),
            kr("other"),
        )
        teams = [
            obj(
                f"t{i}",
                KeyResult(
                    f"s{i}",
                    "1,000 sign-ups",
                    start=0,
                    target=1000,
                    contributes_to="signups",
                ),
                kr(f"x{i}"),
                parent="co",
            )
            for i in (1, 2, 3)
        ]
        return [company, *teams]

    def test_three_teams_add_up(self):
        """3 teams x 1,000 sign-ups add up to 3,000, not to an average."""
        data = {f"s{i}": [m(date(2026, 2, 1), 1000)] for i in (1, 2, 3)}
        card = evaluate(self.signups(), measurements=data, as_of=MID)
        assert card["signups"].value == 3000
        assert card["signups"].progress == 1.0

    def test_the_parents_aggregation(self):
        """A parent key result may state another aggregation (here MEAN)."""
        data = {"s1": [m(date(2026, 2, 1), 900)], "s2": [m(date(2026, 2, 1), 600)]}
        card = evaluate(
            self.signups(aggregation=Aggregation.MEAN), measurements=data, as_of=MID
        )
        assert card["signups"].value == 750  # s3 has no value and is left out

    def test_own_measurements_win(self):
        """A parent key result with its own check-ins uses them."""
        data = {"s1": [m(date(2026, 2, 1), 900)], "signups": [m(date(2026, 2, 1), 5)]}
        card = evaluate(self.signups(), measurements=data, as_of=MID)
        assert card["signups"].value == 5

    def test_units_convert_on_the_way_up(self):
        """Child values in kUSD are converted to the parent's USD."""
        parent = obj(
            "co",
            KeyResult("rev", "Revenue", start=0, target=100_000, unit="USD"),
            kr("x"),
        )
        child = obj(
            "team",
            KeyResult(
                "trev",
                "Team revenue",
                start=0,
                target=50,
                unit="kUSD",
                contributes_to="rev",
            ),
            kr("y"),
            parent="co",
        )
        card = evaluate(
            [parent, child], measurements={"trev": [m(date(2026, 2, 1), 25)]}, as_of=MID
        )
        assert card["rev"].value == 25_000


class TestObjectiveDrivesKeyResult:
    def test_progress_is_the_weighted_mean_of_the_driving_objectives(self):
        """Objectives contributing to a key result drive its progress."""
        company = obj("co", kr("launch"), kr("other"))
        drivers = [
            obj("mobile", kr("m1"), kr("m2"), contributes_to="launch"),
            obj("web", kr("w1"), kr("w2"), contributes_to="launch", weight=3),
        ]
        data = {
            "m1": [m(date(2026, 2, 1), 100)],
            "m2": [m(date(2026, 2, 1), 100)],
            "w1": [m(date(2026, 2, 1), 20)],
            "w2": [m(date(2026, 2, 1), 20)],
        }
        card = evaluate([company, *drivers], measurements=data, as_of=MID)
        assert card["launch"].progress == pytest.approx((1.0 + 3 * 0.2) / 4)
        assert card["launch"].reason.startswith(
            "KR launch: driven by Objective mobile, Objective web: 40 %"
        )
        # Contributing objectives drive the key result, not the parent directly.
        assert card["co"].score == pytest.approx((0.4 + 0) / 2)
        assert card.children("co") == (card["mobile"], card["web"])


class TestLinkage:
    visits = KPI(
        "visits",
        "Website visits",
        label="visits",
        direction=Direction.HIGHER_IS_BETTER,
        thresholds=Thresholds.higher_is_better(red_below=90, green_from=100),
    )

    def test_linked_key_result_and_health(self):
        """A linked key result reads its KPI inside its period; health is shown."""
        objectives = [
            obj(
                "web",
                KeyResult(
                    "v",
                    "Visits in Q1",
                    start=0,
                    target=300,
                    kpi="visits",
                    aggregation=Aggregation.SUM,
                ),
                kr("x"),
                health=("visits",),
            )
        ]
        data = {
            "visits": [
                m(date(2025, 12, 1), 500),
                m(date(2026, 1, 10), 120),
                m(date(2026, 2, 10), 30),
                m(date(2026, 3, 1), 999),
            ]
        }
        card = evaluate(objectives, kpis=[self.visits], measurements=data, as_of=MID)
        assert card["v"].value == 150
        assert card["visits"].value == 30  # the KPI's own LAST, in the Q1 window
        assert card["visits"].window == Q1
        assert card["web"].health == ("visits",)
        assert "Website visits" in render(card)

    def test_previous_statuses_give_kpis_hysteresis(self):
        """evaluate passes each KPI's previous status on for its hysteresis."""
        kpi = KPI(
            "nps",
            "NPS",
            direction=Direction.HIGHER_IS_BETTER,
            hysteresis=3,
            thresholds=Thresholds.higher_is_better(red_below=0, green_from=30),
        )
        objectives = [obj("o", kr("k1"), kr("k2"), health=("nps",))]
        data = {"nps": [m(date(2026, 2, 1), 28)]}
        plain = evaluate(objectives, kpis=[kpi], measurements=data, as_of=MID)
        held = evaluate(
            objectives,
            kpis=[kpi],
            measurements=data,
            as_of=MID,
            previous={"nps": Status.GREEN},
        )
        assert (plain["nps"].status, held["nps"].status) == (Status.AMBER, Status.GREEN)
        with pytest.raises(UnknownIdError, match="field 'previous' got 'nope'"):
            evaluate(objectives, kpis=[kpi], as_of=MID, previous={"nope": Status.GREEN})
        with pytest.raises(InvalidTypeError, match="field 'previous'"):
            evaluate(objectives, kpis=[kpi], as_of=MID, previous={"nps": "GREEN"})


class TestInputs:
    def test_unknown_measurement_id(self):
        """Check-ins for an id nobody knows are an error naming the id."""
        with pytest.raises(UnknownIdError, match="got 'ghost'"):
            evaluate([obj("o", kr("k"))], measurements={"ghost": []}, as_of=MID)

    def test_errors_raised_by_evaluate(self):
        """Duplicate ids and cycles raise from evaluate too."""
        with pytest.raises(AlignmentError):
            evaluate([obj("o", kr("o"))], as_of=MID)

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"as_of": "2026-02-15"}, "as_of"),
            ({"scoring": "linear"}, "scoring"),
            ({"rollup": "mean"}, "rollup"),
            ({"pace": 0.9}, "pace"),
            ({"measurements": [("k", [])]}, "measurements"),
            ({"tz": "UTC"}, "tz"),
        ],
    )
    def test_bad_arguments(self, kwargs, field):
        """Bad arguments are OkrkitErrors naming the field."""
        args = {"as_of": MID} | kwargs
        with pytest.raises(InvalidTypeError, match=f"field '{field}'"):
            evaluate([obj("o", kr("k"))], **args)

    def test_scorecard_lookup(self):
        """scorecard[id] raises a KeyError-compatible OkrkitError for unknown ids."""
        card = evaluate([obj("o", kr("k"), kr("j"))], as_of=MID)
        assert isinstance(card["o"], ObjectiveResult)
        assert "k" in card
        assert card.get("nope") is None
        with pytest.raises(KeyError):
            card["nope"]
        assert card.key_results_of("k") == ()
        assert card.children("k") == ()
        assert len(card) == 1
        assert [o.id for o in card.top] == ["o"]
        assert card["o"].kind == "objective"
        assert repr(card) == (
            "<Scorecard as of 2026-02-15: 1 objective, 2 key results, 0 KPIs, "
            "2 findings>"
        )
        assert str(card) == render(card)

    def test_generators_are_read_once(self):
        """One-shot iterables work, even for a stream read in two units."""
        orders = KPI(
            "orders",
            "Orders",
            direction=Direction.HIGHER_IS_BETTER,
            unit="kUSD",
            thresholds=Thresholds.higher_is_better(red_below=0, green_from=1),
        )
        aov = KPI.ratio(
            "aov",
            "Average order value",
            numerator="orders",
            denominator="count",
            numerator_unit="USD",
            unit="USD",
            direction=Direction.HIGHER_IS_BETTER,
            thresholds=Thresholds.higher_is_better(red_below=0, green_from=1),
        )
        data = {
            "orders": (m(date(2026, 2, 1), v, unit="USD") for v in (3000,)),
            "count": iter([m(date(2026, 2, 1), 3)]),
        }
        card = evaluate(
            [obj("o", kr("k1"), kr("k2"))],
            kpis=[orders, aov],
            measurements=data,
            as_of=MID,
        )
        assert (card["orders"].value, card["aov"].value) == (3.0, 1000.0)

    def test_findings_are_on_the_scorecard(self):
        """Advice comes back on the scorecard, never raised."""
        card = evaluate([obj("o", kr("k"))], measurements={"k": []}, as_of=MID)
        assert [f.code for f in card.findings] == [
            "too-few-key-results",
            "unmeasured-key-result",
        ]


def cascade():
    return [
        obj("co", kr("c1"), kr("c2")),
        obj("a", kr("a1"), kr("a2", weight=2), parent="co"),
        obj("b", kr("b1"), parent="co", weight=2),
        obj("a-1", kr("p1"), kr("p2"), parent="a"),
    ]


leaf_ids = ("c1", "c2", "a1", "a2", "b1", "p1", "p2")
checkins = st.dictionaries(
    st.sampled_from(leaf_ids),
    st.lists(st.tuples(st.integers(0, 89), st.floats(-50, 150)), max_size=4),
)


def as_measurements(rows):
    return {
        k: [m(Q1.start + timedelta(days=d), v) for d, v in items]
        for k, items in rows.items()
    }


def scores(card):
    return {r.id: r.score for r in (*card.objectives, *card.key_results)}


@given(checkins, st.randoms(use_true_random=False))
def test_order_of_objectives_and_measurements_does_not_matter(rows, rnd):
    """Shuffling objectives and each id's check-ins gives the same scores."""
    data = as_measurements(rows)
    shuffled_data = {k: rnd.sample(v, len(v)) for k, v in reversed(data.items())}
    objectives = cascade()
    a = evaluate(objectives, measurements=data, as_of=MID)
    b = evaluate(
        rnd.sample(objectives, len(objectives)), measurements=shuffled_data, as_of=MID
    )
    assert scores(a) == scores(b)


@given(checkins, st.sampled_from(leaf_ids), st.floats(-1e6, 1e6))
def test_check_ins_after_as_of_change_nothing(rows, id_, value):
    """A check-in dated after as_of leaves the scorecard unchanged."""
    data = as_measurements(rows)
    later = dict(data)
    later[id_] = [*data.get(id_, []), m(MID + timedelta(days=1), value)]
    assert evaluate(cascade(), measurements=data, as_of=MID) == evaluate(
        cascade(), measurements=later, as_of=MID
    )


@given(
    checkins,
    st.sampled_from(["p1", "p2", "b1", "a1"]),
    st.floats(-50, 150),
    st.floats(-50, 150),
)
def test_a_leaf_moves_its_ancestors_the_same_way(rows, id_, low, high):
    """Raising a leaf's value never lowers any ancestor's score."""
    low, high = sorted((low, high))
    data = as_measurements(rows)
    worse = evaluate(
        cascade(), measurements=data | {id_: [m(date(2026, 2, 1), low)]}, as_of=MID
    )
    better = evaluate(
        cascade(), measurements=data | {id_: [m(date(2026, 2, 1), high)]}, as_of=MID
    )
    for ancestor in ("co", "a", "b", "a-1"):
        assert (better[ancestor].score or 0) >= (worse[ancestor].score or 0) - 1e-12


def test_scorecards_are_frozen():
    """Results and scorecards cannot be changed."""
    card = evaluate([obj("o", kr("k"), kr("j"))], as_of=MID)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        card.as_of = date(2020, 1, 1)  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        card["o"].score = 1.0  # type: ignore[misc]


def test_check_ins_after_as_of_are_still_checked():
    """Leaving later check-ins out of the numbers does not hide bad data."""
    objective = obj("o", kr("k", unit="USD"))
    later = MID + timedelta(days=3)
    with pytest.raises(IncompatibleUnitsError, match="'k'.*'EUR'"):
        evaluate(
            [objective],
            measurements={
                "k": [m(date(2026, 2, 1), 5, unit="USD"), m(later, 1, unit="EUR")]
            },
            as_of=MID,
        )
    with pytest.raises(InvalidTypeError, match="'k'.*a Measurement"):
        evaluate(
            [objective], measurements={"k": [m(date(2026, 2, 1), 5), 7]}, as_of=MID
        )
