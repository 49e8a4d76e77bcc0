"""The plan/engine split: behaviour the engine owns, edge by edge."""

import copy
import pickle
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit import (
    KPI,
    Aggregation,
    Direction,
    KeyResult,
    Measurement,
    Objective,
    Period,
    Series,
    Thresholds,
    evaluate,
    evaluate_key_result,
    to_dict,
)
from okrkit.exceptions import (
    InvalidTypeError,
    InvalidValueError,
    OkrkitError,
    UnknownIdError,
)

Q1 = Period.quarter(2026, 1)
Q4 = Period.quarter(2025, 4)
D = date(2026, 1, 5)
MID = date(2026, 2, 15)
T = Thresholds.higher_is_better(red_below=1, green_from=2)
BERLIN = ZoneInfo("Europe/Berlin")


def one(kr, **objective):
    return Objective("o", "O", period=objective.pop("period", Q1), key_results=[kr])


def kr(id_="k", **kw):
    kw.setdefault("start", 0)
    kw.setdefault("target", 10)
    return KeyResult(id_, id_.upper(), **kw)


class TestInstants:
    def test_check_ins_in_the_repeated_dst_hour_keep_their_order(self):
        """00:50 UTC (02:50 CEST) comes before 01:45 UTC (02:45 CET): last is 3."""
        items = [
            Measurement(datetime(2025, 10, 26, 0, 50, tzinfo=UTC), 8),
            Measurement(datetime(2025, 10, 26, 1, 45, tzinfo=UTC), 3),
        ]
        card = evaluate(
            [one(kr(), period=Q4)],
            measurements={"k": items},
            as_of=date(2025, 11, 1),
            tz=BERLIN,
        )
        assert card["k"].value == 3.0

    def test_a_check_in_before_as_of_counts_across_the_dst_change(self):
        """A check-in 55 minutes before as_of counts, though its wall time is later."""
        items = [Measurement(datetime(2025, 10, 26, 0, 50, tzinfo=UTC), 8)]
        card = evaluate(
            [one(kr(), period=Q4)],
            measurements={"k": items},
            as_of=datetime(2025, 10, 26, 1, 45, tzinfo=UTC),
            tz=BERLIN,
        )
        assert card["k"].value == 8.0

    def test_a_ready_series_from_another_zone_is_placed_in_ours(self):
        """05:00 at UTC-7 is 12:00 UTC, after a 00:00 UTC as_of: it does not count."""
        minus_seven = timezone(timedelta(hours=-7))
        ready = Series.build(
            "k", [Measurement(datetime(2026, 2, 15, 5), 7)], tz=minus_seven
        )
        card = evaluate(
            [one(kr())], measurements={"k": ready}, as_of=datetime(2026, 2, 15), tz=UTC
        )
        assert card["k"].value is None


class TestInputs:
    def test_check_ins_for_a_key_result_read_from_a_kpi_are_refused(self):
        """Check-ins given to a KPI-linked key result would be ignored: an error."""
        visits = KPI("v", "Visits", direction=Direction.HIGHER_IS_BETTER, thresholds=T)
        linked = kr("t", kpi="v")
        with pytest.raises(UnknownIdError, match="KPI 'v'") as info:
            evaluate(
                [one(linked)],
                kpis=[visits],
                measurements={"t": [Measurement(D, 1)]},
                as_of=MID,
            )
        assert "'t'" in str(info.value)

    def test_none_as_check_ins_is_an_okrkit_error(self):
        """measurements={'k': None} names the id and what was expected."""
        with pytest.raises(InvalidTypeError, match=r"measurements\['k'\]"):
            evaluate([one(kr())], measurements={"k": None}, as_of=MID)

    @pytest.mark.parametrize(
        ("field", "options"),
        [
            ("committed", {"committed": 5}),
            ("scoring", {"scoring": "linear"}),
            ("pace", {"pace": 0.9}),
            ("tz", {"tz": "UTC"}),
        ],
    )
    def test_one_key_result_validates_like_evaluate(self, field, options):
        """evaluate_key_result checks its settings where evaluate does."""
        with pytest.raises(OkrkitError, match=f"field '{field}'"):
            evaluate_key_result(kr(), [], period=Q1, as_of=MID, **options)

    def test_overflowing_conversion_is_refused_with_the_check_in(self):
        """1e307 kUSD is inf in USD: an error naming the series and the day."""
        with pytest.raises(InvalidValueError, match="Series 'k'.*2026-01-05"):
            evaluate_key_result(
                kr(unit="USD"),
                [Measurement(D, 1e307, unit="kUSD")],
                period=Q1,
                as_of=MID,
            )


class TestOrder:
    @given(st.permutations([0.0, -0.0, 0.0]))
    def test_the_sign_of_zero_never_depends_on_input_order(self, values):
        """0.0 and -0.0 at one instant give the same value in any order."""
        items = [Measurement(D, v) for v in values]
        result = evaluate_key_result(
            kr(start=-1, target=1), items, period=Q1, as_of=MID
        )
        assert str(result.value) == "0.0"


class TestRollUps:
    def test_own_check_ins_over_contributors_are_a_finding(self):
        """A parent key result's own check-in wins (1.0, not 6.0) and says so."""
        parent = kr("p", target=10)
        company = Objective("co", "Co", period=Q1, key_results=[parent])
        team = Objective(
            "t",
            "T",
            period=Q1,
            parent="co",
            key_results=[kr("c1", contributes_to="p"), kr("c2", contributes_to="p")],
        )
        card = evaluate(
            [company, team],
            measurements={
                "p": [Measurement(D, 1)],
                "c1": [Measurement(D, 2)],
                "c2": [Measurement(D, 4)],
            },
            as_of=MID,
        )
        assert card["p"].value == 1.0
        codes = [(f.code, f.id) for f in card.findings]
        assert ("own-check-ins-override-contributors", "p") in codes

    def test_contributors_without_check_ins_add_nothing(self):
        """2 + 4 + (no check-in) = 6 toward 10: progress 0.6."""
        parent = kr("p", target=10)
        company = Objective("co", "Co", period=Q1, key_results=[parent])
        team = Objective(
            "t",
            "T",
            period=Q1,
            parent="co",
            key_results=[
                kr("c1", contributes_to="p"),
                kr("c2", contributes_to="p"),
                kr("c3", contributes_to="p"),
            ],
        )
        measurements = {"c1": [Measurement(D, 2)], "c2": [Measurement(D, 4)]}
        card = evaluate([company, team], measurements=measurements, as_of=MID)
        assert card["p"].value == 6.0
        assert card["p"].progress == pytest.approx(0.6)
        empty = evaluate([company, team], as_of=MID)
        assert empty["p"].value is None

    def test_all_zero_weights_give_no_score_and_say_why(self):
        """Every weight 0: score None, and the reason says the weights are 0."""
        objective = Objective(
            "o",
            "Grow",
            period=Q1,
            key_results=[kr("a", weight=0), kr("b", weight=0)],
        )
        card = evaluate(
            [objective],
            measurements={"a": [Measurement(D, 5)], "b": [Measurement(D, 5)]},
            as_of=MID,
        )
        assert card["o"].score is None
        assert "every weight is 0" in card["o"].reason


class TestRelativeBaselines:
    def kpi(self, aggregation):
        return KPI(
            "sales",
            "Sales",
            direction=Direction.HIGHER_IS_BETTER,
            thresholds=T,
            aggregation=aggregation,
        )

    def test_a_sum_kpi_compares_with_last_quarters_sum(self):
        """Q4 sums to 100; +20 % targets 120; Q1 so far sums 60: progress 60 %."""
        growth = KeyResult.relative("g", "Sales +20 %", kpi="sales", change=0.2)
        checkins = [
            Measurement(date(2025, 11, 1), 40),
            Measurement(date(2025, 12, 1), 60),
            Measurement(date(2026, 1, 10), 25),
            Measurement(date(2026, 2, 10), 35),
        ]
        card = evaluate(
            [one(growth)],
            kpis=[self.kpi(Aggregation.SUM)],
            measurements={"sales": checkins},
            as_of=MID,
        )
        result = card["g"]
        assert (result.start, result.target, result.value) == (100.0, 120.0, 60.0)
        assert result.progress == pytest.approx((60 - 100) / (120 - 100))

    def test_a_last_kpi_starts_from_its_last_check_in_before_the_period(self):
        """LAST: the check-in of 31 Dec (50) is the baseline; the target is 60."""
        growth = KeyResult.relative("g", "Sales +20 %", kpi="sales", change=0.2)
        checkins = [
            Measurement(date(2025, 12, 31), 50),
            Measurement(date(2026, 1, 1), 55),
        ]
        card = evaluate(
            [one(growth)],
            kpis=[self.kpi(Aggregation.LAST)],
            measurements={"sales": checkins},
            as_of=MID,
        )
        assert (card["g"].start, card["g"].target, card["g"].value) == (
            50.0,
            60.0,
            55.0,
        )

    def test_no_baseline_is_no_data_with_a_reason(self):
        """Without a check-in before the period, the key result has no target."""
        growth = KeyResult.relative("g", "Sales +20 %", kpi="sales", change=0.2)
        card = evaluate(
            [one(growth)],
            kpis=[self.kpi(Aggregation.SUM)],
            measurements={"sales": [Measurement(D, 5)]},
            as_of=MID,
        )
        assert card["g"].value is None
        assert card["g"].status.name == "NO_DATA"
        assert "no Sales value before 2026-Q1" in card["g"].reason

    def test_a_change_too_small_to_move_the_target_is_no_data(self):
        """+1e-17 of 5 is 5: no target, a reason, and the evaluation goes on."""
        growth = KeyResult.relative("g", "Sales up", kpi="sales", change=1e-17)
        card = evaluate(
            [one(growth)],
            kpis=[self.kpi(Aggregation.LAST)],
            measurements={"sales": [Measurement(date(2025, 12, 1), 5)]},
            as_of=MID,
        )
        assert card["g"].value is None
        assert "leaves the target equal to the start" in card["g"].reason


class TestResultsOnDemand:
    def card(self):
        return evaluate(
            [one(kr()), Objective("p", "P", period=Q1, key_results=[kr("j")])],
            measurements={"k": [Measurement(D, 3)], "j": [Measurement(D, 7)]},
            as_of=MID,
        )

    def test_reading_one_result_first_changes_nothing(self):
        """Results made one by one equal results made all at once."""
        lazy, eager = self.card(), self.card()
        assert lazy["j"].value == 7.0
        assert to_dict(lazy) == to_dict(eager)
        assert lazy == eager

    def test_scorecards_pickle_and_deep_copy_to_equal_values(self):
        """Pickle and deepcopy carry the results, not the engine."""
        card = self.card()
        assert pickle.loads(pickle.dumps(card)) == card
        assert copy.deepcopy(card) == card
        assert pickle.loads(pickle.dumps(card))["k"].value == 3.0

    def test_membership_and_length_before_anything_is_read(self):
        """'in', len() and repr work without making results."""
        card = self.card()
        assert "k" in card
        assert "missing" not in card
        assert 5 not in card
        assert len(card) == 2
        assert repr(card).startswith("<Scorecard as of 2026-02-15: 2 objectives")


class TestTypedAccess:
    def card(self):
        visits = KPI("v", "Visits", direction=Direction.HIGHER_IS_BETTER, thresholds=T)
        company = Objective("co", "Co", period=Q1, key_results=[kr("c")])
        team = Objective(
            "team", "Team", period=Q1, parent="co", key_results=[kr("t")], health=["v"]
        )
        person = Objective("p", "P", period=Q1, parent="team", key_results=[kr("x")])
        return evaluate(
            [company, team, person],
            kpis=[visits],
            measurements={"t": [Measurement(D, 5)], "x": [Measurement(D, 1)]},
            as_of=MID,
        )

    def test_typed_accessors_return_their_kind_or_say_what_was_expected(self):
        """card.objective / key_result / kpi give typed results, or name the kind."""
        card = self.card()
        assert card.objective("team").parent == "co"
        assert card.key_result("t").value == 5.0
        assert card.kpi("v").status.name == "NO_DATA"
        with pytest.raises(UnknownIdError, match="'t'.*an objective"):
            card.objective("t")
        with pytest.raises(UnknownIdError, match="'co'.*a KPI"):
            card.kpi("co")

    def test_a_subtree_is_a_team_page_with_the_whole_evaluations_numbers(self):
        """subtree('team'): team and person, their key results and KPIs, same scores."""
        card = self.card()
        page = card.subtree("team")
        assert [o.id for o in page] == ["team", "p"]
        assert [k.id for k in page.key_results] == ["t", "x"]
        assert [k.id for k in page.kpis] == ["v"]
        assert page["team"] == card["team"]
        assert "c" not in page
        assert all(f.id in {"team", "p", "t", "x", "v"} for f in page.findings)


class TestPartOfAnOrganisation:
    team = Objective(
        "team",
        "Team",
        period=Q1,
        parent="company",
        health=("nps",),
        key_results=[kr("t", contributes_to="company-kr")],
    )
    checkins = {"t": [Measurement(D, 4)], "other-team-kr": [Measurement(D, 9)]}

    def test_by_default_outside_references_are_errors(self):
        """A misspelt parent must not silently make a root: an error by default."""
        with pytest.raises(UnknownIdError, match="company"):
            evaluate([self.team], measurements=self.checkins, as_of=MID)

    def test_a_team_alone_is_evaluated_with_findings(self):
        """outside='finding': the team is a root here, and each cut is reported."""
        card = evaluate(
            [self.team], measurements=self.checkins, as_of=MID, outside="finding"
        )
        assert card["t"].value == 4.0
        assert card["team"].parent is None
        assert card["team"].score == pytest.approx(0.4)
        codes = {(f.code, f.id) for f in card.findings}
        assert ("outside-reference", "team") in codes
        assert ("check-ins-outside", "other-team-kr") in codes

    def test_the_policy_is_checked(self):
        """Only 'error' and 'finding' are policies."""
        with pytest.raises(InvalidValueError, match="field 'outside'"):
            evaluate([self.team], as_of=MID, outside="ignore")


class TestDeepCascades:
    def test_a_ten_thousand_deep_chain_is_evaluated_and_read(self):
        """No recursion limit: 10,000 levels evaluate, and every result is made."""
        chain = [Objective("o0", "O0", period=Q1)] + [
            Objective(f"o{i}", f"O{i}", period=Q1, parent=f"o{i - 1}")
            for i in range(1, 10_000)
        ]
        card = evaluate(chain, as_of=MID)
        assert len(card.objectives) == 10_000
        assert card["o0"].probability is None  # nothing measured: no likelihood
        assert card["o9999"].depth == 9_999

    def test_one_of_a_label_is_singular(self):
        """'toward 1 incident', not '1 incidents'."""
        incidents = kr("k", start=5, target=1, label="incidents")
        card = evaluate(
            [one(incidents)], measurements={"k": [Measurement(D, 3)]}, as_of=MID
        )
        assert "toward 1 incident (" in card["k"].reason


# -- pace status: the engine's own comparison equals Pace.status ------------------


@given(
    st.none() | st.floats(-2.0, 3.0),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
    st.sampled_from([1.0, 0.7, 1.5]),
)
def test_the_engines_status_is_pace_status(score, expected, a, b, target):
    """Options.status skips re-checking the engine's floats and says the same."""
    from okrkit._plan import Options
    from okrkit.scoring import Linear, Pace

    pace = Pace(on_track=max(a, b), at_risk=min(a, b))
    options = Options.of(
        "test", scoring=Linear(target_score=target), rollup=None, pace=pace, tz=UTC
    )
    want = pace.status(score, expected, target_score=target)
    assert options.status(score, expected) is want


def test_a_pace_subclass_and_a_bad_score_go_through_pace_status():
    """A subclass judges for itself; a score that is not finite is refused by name."""
    import attrs

    from okrkit._plan import Options
    from okrkit._status import Status
    from okrkit.scoring import Pace

    @attrs.frozen
    class Never(Pace):
        def status(self, score, expected, *, target_score=1.0):
            return Status.RED

    options = Options.of("test", scoring=None, rollup=None, pace=Never(), tz=UTC)
    assert options.status(1.0, 0.0) is Status.RED
    plain = Options.of("test", scoring=None, rollup=None, pace=None, tz=UTC)
    assert plain.status(1.0, 0.0) is Status.GREEN
    with pytest.raises(InvalidValueError, match="Pace.status: field 'score' got inf"):
        plain.status(float("inf"), 0.5)
