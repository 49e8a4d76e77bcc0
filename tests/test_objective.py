"""Objective: the definition, its checks, its cleaned values and its speed."""

import copy
import json
import pickle
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit import KeyResult, Objective, Period, from_dict, to_dict
from okrkit import testing as okrkit_testing
from okrkit.exceptions import InvalidTypeError, InvalidValueError, OkrkitError

Q1 = Period.quarter(2026, 1)


def kr(id_):
    return KeyResult(id_, f"Key result {id_}", start=0, target=10)


def objective(**kwargs):
    return Objective("o", "Objective", **({"period": Q1} | kwargs))


class TestBuild:
    def test_sequences_become_tuples(self):
        """key_results, health and related are stored as tuples, in order."""
        made = objective(
            key_results=[kr("a"), kr("b")], health=["nps"], related=iter(["x"])
        )
        assert made.key_results == (kr("a"), kr("b"))
        assert (made.health, made.related) == (("nps",), ("x",))
        assert made.key_result_ids == ("a", "b")

    @pytest.mark.parametrize(
        "weight",
        [2, Decimal(2), Fraction(2), 2.0],
        ids=["int", "Decimal", "Fraction", "float"],
    )
    def test_weight_is_stored_as_a_float(self, weight):
        """Whatever real type the weight has, a float is stored, so to_dict is JSON."""
        made = objective(weight=weight)
        assert (made.weight, type(made.weight)) == (2.0, float)
        json.dumps(to_dict(made))

    def test_numpy_weight_is_converted(self):
        """A NumPy scalar weight becomes a plain float."""
        np = pytest.importorskip("numpy")
        made = objective(weight=np.float32(0.5))
        assert (made.weight, type(made.weight)) == (0.5, float)

    @pytest.mark.parametrize(
        ("kwargs", "error", "field"),
        [
            ({"key_results": [1, 2, "three"]}, InvalidTypeError, "key_results"),
            ({"key_results": "abc"}, InvalidTypeError, "key_results"),
            ({"key_results": kr("a")}, InvalidTypeError, "key_results"),
            ({"health": "nps"}, InvalidTypeError, "health"),
            ({"health": [""]}, InvalidValueError, "health"),
            ({"related": [3]}, InvalidTypeError, "related"),
            ({"weight": -1}, InvalidValueError, "weight"),
            ({"weight": True}, InvalidTypeError, "weight"),
            ({"weight": Decimal("NaN")}, InvalidValueError, "weight"),
            ({"weight": float("inf")}, InvalidValueError, "weight"),
            ({"committed": 1}, InvalidTypeError, "committed"),
            ({"parent": "o"}, InvalidValueError, "parent"),
            ({"parent": " "}, InvalidValueError, "parent"),
            ({"parent": 5}, InvalidTypeError, "parent"),
            ({"contributes_to": ""}, InvalidValueError, "contributes_to"),
            ({"period": "2026-Q1"}, InvalidTypeError, "period"),
            ({"owner": None}, InvalidTypeError, "owner"),
        ],
    )
    def test_bad_fields(self, kwargs, error, field):
        """Each bad field raises an OkrkitError naming the objective and field."""
        with pytest.raises(error, match=f"Objective 'o': field '{field}'"):
            objective(**kwargs)

    def test_bad_id_and_title(self):
        """A blank id or a title that is not a string is refused."""
        with pytest.raises(InvalidValueError, match="field 'id'"):
            Objective("  ", "T", period=Q1)
        with pytest.raises(InvalidTypeError, match="field 'title'"):
            Objective("o", 3, period=Q1)  # type: ignore[arg-type]

    def test_duplicate_key_result_ids(self):
        """Key result ids are distinct within an objective; duplicates are listed."""
        with pytest.raises(InvalidValueError, match=r"got \['a', 'b'\]"):
            objective(key_results=[kr("a"), kr("b"), kr("a"), kr("c"), kr("b")])

    def test_a_key_result_subclass_is_accepted(self):
        """A subclass of KeyResult is a KeyResult (it takes the general path)."""

        @attrs.frozen(init=False, slots=False)
        class Tagged(KeyResult):
            pass

        tagged = Tagged("t", "T", start=0, target=1)
        assert objective(key_results=[tagged]).key_results == (tagged,)


class TestSpeedAndCopies:
    @pytest.mark.parametrize("duplicate", [False, True])
    def test_many_key_results_take_linear_time(self, duplicate):
        """160,000 key results are checked for duplicates in linear time.

        Counting each id in the list took 3.5 s for 16,000; for ten times
        as many it would take about six minutes, so the suite would time
        out.  A set takes a fraction of a second.  No clock is read: a
        timed assertion fails on a busy machine.
        """
        krs = [kr(f"k{i}") for i in range(160_000)]
        if duplicate:
            krs.append(kr("k0"))
        if duplicate:
            with pytest.raises(InvalidValueError, match=r"got \['k0'\]"):
                objective(key_results=krs)
        else:
            assert len(objective(key_results=krs).key_results) == 160_000

    def test_evolve_checks_again(self):
        """attrs.evolve runs the same checks and cleaning."""
        made = objective(key_results=[kr("a")])
        assert attrs.evolve(made, weight=Fraction(1, 2)).weight == 0.5
        with pytest.raises(InvalidValueError, match="field 'parent'"):
            attrs.evolve(made, parent="o")
        with pytest.raises(InvalidValueError, match="field 'key_results'"):
            attrs.evolve(made, key_results=[kr("a"), kr("a")])

    @given(okrkit_testing.objectives())
    def test_copies_are_equal(self, made):
        """Pickle, deepcopy, evolve and from_dict(to_dict) give an equal value."""
        assert pickle.loads(pickle.dumps(made)) == made
        assert copy.deepcopy(made) == made
        assert attrs.evolve(made) == made
        assert hash(attrs.evolve(made)) == hash(made)
        assert from_dict(Objective, to_dict(made)) == made

    @given(okrkit_testing.objectives())
    def test_fast_and_slow_paths_agree(self, made):
        """The shortcut for lists of key results builds what the general path does."""
        slow = Objective(
            made.id,
            made.title,
            period=made.period,
            key_results=iter(made.key_results),  # not a list: the general path
            owner=made.owner,
            parent=made.parent,
            contributes_to=made.contributes_to,
            weight=Fraction(made.weight),
            committed=made.committed,
            health=list(made.health),
            related=list(made.related),
        )
        fast = attrs.evolve(made, key_results=list(made.key_results))
        assert slow == fast == made
        assert repr(slow) == repr(made)

    @given(okrkit_testing.objectives())
    def test_every_field_is_stored_on_the_instance(self, made):
        """Both paths store every field, in field order, in the instance's dictionary.

        That dictionary is what pickle and copy carry, so it must be whole.
        """
        names = [field.name for field in attrs.fields(Objective)]
        fast = attrs.evolve(made, key_results=list(made.key_results))
        slow = attrs.evolve(made, key_results=iter(made.key_results))
        for built in (fast, slow):
            assert list(vars(built)) == names
            assert vars(built) == {name: getattr(made, name) for name in names}

    @given(st.lists(st.sampled_from("abcdef"), max_size=8))
    def test_duplicates_are_always_found(self, names):
        """An objective builds exactly when its key result ids are distinct."""
        krs = [kr(name) for name in names]
        if len(set(names)) == len(names):
            assert objective(key_results=krs).key_result_ids == tuple(names)
        else:
            with pytest.raises(OkrkitError, match="distinct ids"):
                objective(key_results=krs)
