import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import kr, obj
from okrkit import (
    KPI,
    Direction,
    Measurement,
    Objective,
    Period,
    Thresholds,
    evaluate,
)
from okrkit.exceptions import UnknownIdError
from okrkit.scoring import Linear, RollUp, minimum

Q1 = Period.quarter(2026, 1)
Q2 = Period.quarter(2026, 2)
MID = date(2026, 2, 15)
DAY = date(2026, 2, 1)


def parts(card, id_, objectives, **kw):
    return [
        (c.id, c.weight, c.score, round(c.contribution, 12), round(c.gap, 12))
        for c in card.contributions(id_)
    ]


class TestObjective:
    objectives = (
        obj("co", kr("c1"), kr("c2")),
        obj("team", kr("t1"), kr("t2", weight=3), parent="co", weight=2),
    )
    data = {
        "c1": [Measurement(DAY, 80)],
        "c2": [Measurement(DAY, 20)],
        "t1": [Measurement(DAY, 100)],
        "t2": [Measurement(DAY, 60)],
    }

    def test_key_results_and_children(self):
        """Company 0.6 = 0.8/4 + 0.2/4 + 2 * 0.7/4; gaps 0.2/4, 0.8/4, 2 * 0.3/4."""
        card = evaluate(self.objectives, measurements=self.data, as_of=MID)
        assert parts(card, "co", self.objectives) == [
            ("c1", 1.0, 0.8, 0.2, 0.05),
            ("c2", 1.0, 0.2, 0.05, 0.2),
            ("team", 2.0, pytest.approx(0.7), 0.35, 0.15),
        ]
        total = math.fsum(c.contribution for c in card.contributions("co"))
        assert total == pytest.approx(card["co"].score, abs=1e-15)

    def test_team(self):
        """Team 0.7 = 1 * 1/4 + 3 * 0.6/4."""
        card = evaluate(self.objectives, measurements=self.data, as_of=MID)
        assert parts(card, "team", self.objectives) == [
            ("t1", 1.0, 1.0, 0.25, 0.0),
            ("t2", 3.0, 0.6, 0.45, 0.3),
        ]

    def test_key_results_only(self):
        """With include='key_results' the team does not count for the company."""
        rollup = RollUp(include="key_results")
        card = evaluate(
            self.objectives, measurements=self.data, as_of=MID, rollup=rollup
        )
        assert parts(card, "co", self.objectives, rollup=rollup) == [
            ("c1", 1.0, 0.8, 0.4, 0.1),
            ("c2", 1.0, 0.2, 0.1, 0.4),
        ]

    def test_children_only(self):
        """With include='children' the company is its team; the leaf its key results."""
        rollup = RollUp(include="children")
        card = evaluate(
            self.objectives, measurements=self.data, as_of=MID, rollup=rollup
        )
        assert parts(card, "co", self.objectives, rollup=rollup) == [
            ("team", 2.0, pytest.approx(0.7), 0.7, 0.3),
        ]
        assert [c[0] for c in parts(card, "team", self.objectives, rollup=rollup)] == [
            "t1",
            "t2",
        ]

    def test_no_check_in_counts_as_zero(self):
        """A started key result without check-ins counts as 0 by default."""
        objectives = (obj("o", kr("a"), kr("b")),)
        card = evaluate(
            objectives, measurements={"a": [Measurement(DAY, 50)]}, as_of=MID
        )
        assert parts(card, "o", objectives) == [
            ("a", 1.0, 0.5, 0.25, 0.25),
            ("b", 1.0, 0.0, 0.0, 0.5),
        ]

    def test_skipped_key_result_contributes_nothing(self):
        """With no_data='skip' an unmeasured key result has no score and no share."""
        objectives = (obj("o", kr("a"), kr("b")),)
        rollup = RollUp(no_data="skip")
        card = evaluate(
            objectives,
            measurements={"a": [Measurement(DAY, 50)]},
            as_of=MID,
            rollup=rollup,
        )
        assert parts(card, "o", objectives, rollup=rollup) == [
            ("a", 1.0, 0.5, 0.5, 0.5),
            ("b", 1.0, None, 0.0, 0.0),
        ]

    def test_child_that_has_not_started_is_skipped(self):
        """A child objective in a later period does not count yet."""
        objectives = (obj("co", kr("a")), obj("next", kr("n"), period=Q2, parent="co"))
        card = evaluate(
            objectives, measurements={"a": [Measurement(DAY, 40)]}, as_of=MID
        )
        assert parts(card, "co", objectives) == [
            ("a", 1.0, 0.4, 0.4, 0.6),
            ("next", 1.0, None, 0.0, 0.0),
        ]

    def test_all_weights_zero(self):
        """No weight to share: no score, every contribution 0."""
        objectives = (obj("o", kr("a", weight=0), kr("b", weight=0)),)
        card = evaluate(
            objectives, measurements={"a": [Measurement(DAY, 50)]}, as_of=MID
        )
        assert card["o"].score is None
        assert parts(card, "o", objectives) == [
            ("a", 0.0, 0.5, 0.0, 0.0),
            ("b", 0.0, 0.0, 0.0, 0.0),
        ]

    def test_over_achievement_leaves_a_negative_gap(self):
        """With a cap of 1.5 a key result at 1.2 leaves -0.2 of its share."""
        objectives = (obj("o", kr("a"), kr("b")),)
        card = evaluate(
            objectives,
            measurements={"a": [Measurement(DAY, 120)], "b": [Measurement(DAY, 20)]},
            as_of=MID,
            scoring=Linear(cap=1.5),
        )
        assert parts(card, "o", objectives) == [
            ("a", 1.0, 1.2, 0.6, -0.1),
            ("b", 1.0, 0.2, 0.1, 0.4),
        ]


class TestDrivenKeyResult:
    objectives = (
        obj("co", kr("k"), kr("other")),
        obj("d1", kr("x"), contributes_to="k"),
        obj("d2", kr("y"), contributes_to="k", weight=3),
    )
    data = {"x": [Measurement(DAY, 50)], "y": [Measurement(DAY, 100)]}

    def test_drivers_contribute(self):
        """k = (1 * 0.5 + 3 * 1.0) / 4 = 0.875."""
        card = evaluate(self.objectives, measurements=self.data, as_of=MID)
        assert card["k"].score == pytest.approx(0.875)
        assert parts(card, "k", self.objectives) == [
            ("d1", 1.0, 0.5, 0.125, 0.125),
            ("d2", 3.0, 1.0, 0.75, 0.0),
        ]

    def test_drivers_do_not_roll_into_the_objective(self):
        """The company's score counts k, not the objectives driving it."""
        card = evaluate(self.objectives, measurements=self.data, as_of=MID)
        assert [c[0] for c in parts(card, "co", self.objectives)] == ["k", "other"]

    def test_own_check_ins_win(self):
        """A key result with check-ins of its own is not driven."""
        data = {**self.data, "k": [Measurement(DAY, 10)]}
        card = evaluate(self.objectives, measurements=data, as_of=MID)
        assert parts(card, "k", self.objectives) == []

    def test_undriven_key_result_and_kpi(self):
        """Nothing rolls into a plain key result or a KPI."""
        kpi = KPI(
            "nps",
            "NPS",
            direction=Direction.HIGHER_IS_BETTER,
            thresholds=Thresholds.higher_is_better(red_below=0, green_from=30),
        )
        card = evaluate(self.objectives, kpis=[kpi], measurements=self.data, as_of=MID)
        assert card.contributions("other") == ()
        assert card.contributions("nps") == ()


class TestErrors:
    def test_unknown_id(self):
        """An id not in the scorecard raises UnknownIdError."""
        objectives = (obj("o", kr("a")),)
        card = evaluate(objectives, as_of=MID)
        with pytest.raises(UnknownIdError, match="nope"):
            card.contributions("nope")

    def test_only_a_weighted_mean_splits(self):
        """A minimum roll-up has no contributions to show."""
        objectives = (obj("o", kr("a")),)
        card = evaluate(objectives, as_of=MID, rollup=RollUp(combine=minimum))
        assert card.contributions("o") == ()


class TestLargestGap:
    def test_largest_gap(self):
        """The child leaving most of a full score out; None when nothing is left."""
        objectives = (obj("o", kr("a", weight=3), kr("b")),)
        card = evaluate(
            objectives,
            measurements={"a": [Measurement(DAY, 80)], "b": [Measurement(DAY, 50)]},
            as_of=MID,
        )
        gap = card.largest_gap("o")
        assert gap is not None
        assert (gap.id, gap.weight, gap.score) == ("a", 3.0, 0.8)
        assert gap.contribution == pytest.approx(0.6)  # 3 x 0.8 / 4
        assert gap.gap == pytest.approx(0.15)  # 3 x 0.2 / 4
        full = evaluate(
            objectives,
            measurements={"a": [Measurement(DAY, 100)], "b": [Measurement(DAY, 100)]},
            as_of=MID,
        )
        assert full.largest_gap("o") is None

    def test_ties_go_to_the_first(self):
        """Equal gaps: the first child in order."""
        objectives = (obj("o", kr("a"), kr("b")),)
        card = evaluate(objectives, as_of=MID)
        found = card.largest_gap("o")
        assert found is not None
        assert found.id == "a"


# -- organisations generated by Hypothesis --------------------------------------

WEIGHTS = st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])


@st.composite
def organisations(draw):
    """A cascade with parents, driving objectives, value roll-ups and check-ins."""
    made: list[Objective] = []
    data: dict[str, list[Measurement]] = {}

    def grow(parent, how, depth):
        number = len(made)
        krs = []
        for k in range(draw(st.integers(0, 3))):
            kr_id = f"o{number}-k{k}"
            feeds = None
            if how == "parent" and parent.key_results and draw(st.booleans()):
                feeds = draw(st.sampled_from(parent.key_results)).id
            krs.append(kr(kr_id, weight=draw(WEIGHTS), contributes_to=feeds))
            if draw(st.booleans()):
                data[kr_id] = [
                    Measurement(date(2026, 1, d), draw(st.floats(-50, 200)))
                    for d in sorted(draw(st.sets(st.integers(2, 28), max_size=3)))
                ]
        links = {}
        if how == "parent":
            links["parent"] = parent.id
        elif how == "drives":
            links["contributes_to"] = draw(st.sampled_from(parent.key_results)).id
        objective = obj(
            f"o{number}",
            *krs,
            period=draw(st.sampled_from([Q1, Q1, Q2])),
            weight=draw(WEIGHTS),
            **links,
        )
        made.append(objective)
        if depth < 2:
            for _ in range(draw(st.integers(0, 3))):
                choices = ["parent", "drives"] if objective.key_results else ["parent"]
                grow(objective, draw(st.sampled_from(choices)), depth + 1)

    grow(None, None, 0)
    rollup = RollUp(
        no_data=draw(st.sampled_from(["zero", "skip"])),
        include=draw(st.sampled_from(["both", "key_results", "children"])),
    )
    return tuple(made), data, rollup


@given(organisations())
def test_contributions_sum_to_the_score(organisation):
    """For every objective and driven key result, contributions sum to its score."""
    objectives, data, rollup = organisation
    card = evaluate(objectives, measurements=data, as_of=MID, rollup=rollup)
    ids = [o.id for o in objectives] + [k.id for o in objectives for k in o.key_results]
    for id_ in ids:
        found = card.contributions(id_)
        score = card[id_].score
        if score is None or not found:
            assert all(c.contribution == 0 and c.gap == 0 for c in found)
            continue
        assert math.fsum(c.contribution for c in found) == pytest.approx(
            score, abs=1e-12
        )
        assert math.fsum(c.gap for c in found) == pytest.approx(1 - score, abs=1e-12)


@given(organisations())
def test_driven_key_results_are_explained(organisation):
    """A key result scored by its driving objectives lists those objectives."""
    objectives, data, rollup = organisation
    card = evaluate(objectives, measurements=data, as_of=MID, rollup=rollup)
    fed = {k.contributes_to for o in objectives for k in o.key_results}
    for objective in objectives:
        target = objective.contributes_to
        if target is None or target in data or target in fed:
            continue
        found = card.contributions(target)
        assert objective.id in [c.id for c in found]
