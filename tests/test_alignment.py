import pytest

from okrkit import KPI, Direction, KeyResult, Objective, Period, Thresholds
from okrkit.alignment import Cascade, Finding, check
from okrkit.exceptions import AlignmentError, InvalidTypeError, UnknownIdError

Y = Period.year(2026)
Q1 = Period.quarter(2026, 1)


def kr(id_, **kw):
    return KeyResult(id_, id_.upper(), start=0, target=1, **kw)


def obj(id_, *krs, period=Y, **kw):
    return Objective(id_, id_.upper(), period=period, key_results=krs, **kw)


def four_levels():
    return [
        obj("person", parent="team"),
        obj("company"),
        obj("team", parent="dept"),
        obj("dept", parent="company"),
        obj("other-dept", parent="company"),
    ]


class TestTree:
    def test_navigation(self):
        """Parents, children, paths and depths follow the parent links."""
        c = Cascade.build(four_levels())
        assert c.roots == ("company",)
        assert c.children("company") == ("dept", "other-dept")
        assert c.parent_of("team") == "dept"
        assert c.path("person") == ("person", "team", "dept", "company")
        assert c.ancestors("person") == ("team", "dept", "company")
        assert c.descendants("company") == ("dept", "team", "person", "other-dept")
        assert c.depth("person") == 3
        assert c.depth("company") == 0

    def test_orders(self):
        """Display order is top-down; roll-up order puts children first."""
        c = Cascade.build(four_levels())
        assert c.order == ("company", "dept", "team", "person", "other-dept")
        position = {id_: i for i, id_ in enumerate(c.rollup_order)}
        for child in ("person", "team", "dept", "other-dept"):
            assert position[child] < position[c.parent_of(child)]

    def test_contributes_to_places_the_objective_under_the_key_results_owner(self):
        """An objective driving a key result sits below that key result's owner."""
        c = Cascade.build([obj("co", kr("rev")), obj("sales", contributes_to="rev")])
        assert c.parent_of("sales") == "co"
        assert c.owner_of("rev") == "co"
        assert c.key_result("rev").id == "rev"

    def test_unknown_lookups(self):
        """Looking up an unknown id is an UnknownIdError (a KeyError)."""
        c = Cascade.build([obj("a")])
        with pytest.raises(UnknownIdError):
            c.objective("zzz")
        with pytest.raises(KeyError):
            c.key_result("zzz")
        assert repr(c) == "<Cascade: 1 objectives, 1 roots>"


class TestErrors:
    def test_duplicate_ids_across_the_shared_id_space(self):
        """Objectives, key results and KPIs share one id space."""
        with pytest.raises(AlignmentError, match="it is also Objective 'a'"):
            Cascade.build([obj("a", kr("a"))])
        with pytest.raises(AlignmentError, match="Objective 'b'"):
            Cascade.build([obj("b"), obj("b")])
        kpi = KPI(
            "k1",
            "K",
            direction=Direction.HIGHER_IS_BETTER,
            thresholds=Thresholds.higher_is_better(red_below=0, green_from=1),
        )
        with pytest.raises(AlignmentError, match="KPI 'k1'"):
            Cascade.build([obj("o", kr("k1"))], kpis=[kpi])

    @pytest.mark.parametrize(
        ("objectives", "field"),
        [
            ([obj("a", parent="nobody")], "parent"),
            ([obj("a", contributes_to="nothing")], "contributes_to"),
            ([obj("a", health=("no-kpi",))], "health"),
            ([obj("a", related=("nobody",))], "related"),
            ([obj("a", kr("k", kpi="no-kpi"))], "kpi"),
            ([obj("a", kr("k", contributes_to="nothing"))], "contributes_to"),
        ],
    )
    def test_unknown_references(self, objectives, field):
        """A reference to an unknown id is an error naming the field and id."""
        with pytest.raises(UnknownIdError, match=f"field '{field}'"):
            Cascade.build(objectives)

    def test_cycle_of_parents_is_named(self):
        """A parent cycle is an error that names the cycle."""
        with pytest.raises(
            AlignmentError, match="cycle in the cascade: a -> c -> b -> a"
        ):
            Cascade.build(
                [obj("a", parent="c"), obj("b", parent="a"), obj("c", parent="b")]
            )

    def test_cycle_through_key_results(self):
        """Key results feeding each other's objectives form a cycle too."""
        with pytest.raises(AlignmentError, match="cycle"):
            Cascade.build(
                [
                    obj("a", kr("ka", contributes_to="kb")),
                    obj("b", kr("kb", contributes_to="ka")),
                ]
            )

    def test_contributing_inside_one_objective(self):
        """A key result cannot feed a key result of its own objective."""
        with pytest.raises(AlignmentError, match="another objective"):
            Cascade.build([obj("a", kr("k1"), kr("k2", contributes_to="k1"))])
        with pytest.raises(AlignmentError, match="another objective"):
            Cascade.build([obj("a", kr("k1"), contributes_to="k1")])

    def test_wrong_types(self):
        """Only objectives and KPIs are accepted."""
        with pytest.raises(InvalidTypeError, match="field 'objectives'"):
            Cascade.build(["a"])  # type: ignore[list-item]
        with pytest.raises(InvalidTypeError, match="field 'objectives'"):
            Cascade.build("abc")  # type: ignore[arg-type]


class TestFindings:
    def test_key_result_counts(self):
        """Fewer than 2 or more than 5 key results are findings, not errors."""
        few = obj("few", kr("k1"))
        many = obj("many", *(kr(f"m{i}") for i in range(6)))
        fine = obj("fine", kr("f1"), kr("f2"))
        codes = {(f.code, f.id) for f in check([few, many, fine])}
        assert codes == {
            ("too-few-key-results", "few"),
            ("too-many-key-results", "many"),
        }

    def test_too_many_objectives_for_one_owner(self):
        """More than 6 objectives for one owner in one period is a finding."""
        objectives = [
            obj(f"o{i}", kr(f"a{i}"), kr(f"b{i}"), owner="Ana") for i in range(7)
        ]
        findings = check(objectives)
        assert [f.id for f in findings if f.code == "too-many-objectives"] == ["Ana"]
        in_two_periods = [
            *objectives[:6],
            obj("o6", kr("x1"), kr("x2"), owner="Ana", period=Period.year(2027)),
        ]
        assert not [f for f in check(in_two_periods) if f.code == "too-many-objectives"]

    def test_unaligned_objective(self):
        """A lone objective beside a cascade is flagged as aligned to nothing."""
        objectives = [
            obj("co", kr("a"), kr("b")),
            obj("team", kr("c"), kr("d"), parent="co"),
            obj("loner", kr("e"), kr("f")),
        ]
        assert [(f.code, f.id) for f in check(objectives)] == [("unaligned", "loner")]
        assert check(objectives[::2]) == ()

    def test_child_period_outside_the_parent(self):
        """A child that runs outside its parent's period is flagged."""
        objectives = [
            obj("co", kr("a"), kr("b"), period=Q1),
            obj("team", kr("c"), kr("d"), parent="co", period=Period.quarter(2026, 2)),
        ]
        finding = check(objectives)[0]
        assert finding == Finding(
            "period-outside-parent",
            "warning",
            "team",
            "Objective 'team' runs over 2026-Q2, outside its parent's 2026-Q1.",
        )

    def test_unmeasured_key_results(self):
        """With the measured ids known, a key result with no source is flagged."""
        objectives = [
            obj("co", kr("a"), kr("b")),
            obj("team", kr("c", contributes_to="a"), kr("d"), parent="co"),
        ]
        findings = check(objectives, measured=["c"])
        assert [f.id for f in findings] == ["b", "d"]
