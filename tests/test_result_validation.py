"""Results built by hand are checked as every public value is; an evaluation's pass."""

from __future__ import annotations

import math
from datetime import date, datetime

import attrs
import pytest
from hypothesis import given, settings

from okrkit import (
    Contribution,
    Period,
    Status,
    evaluate,
    history,
)
from okrkit._demo import (
    demo_kpis,
    demo_measurements,
    demo_objectives,
    demo_scorecard,
)
from okrkit.exceptions import InvalidTypeError, InvalidValueError
from okrkit.testing import scorecards


def _fields(result: object) -> dict[str, object]:
    return attrs.asdict(result, recurse=False)  # type: ignore[arg-type]


def test_an_evaluation_s_results_pass_their_own_checks():
    """Every result of the demo scorecard rebuilds through its constructor, equal."""
    card = demo_scorecard(date(2026, 3, 16))
    for result in (*card.objectives, *card.key_results):
        rebuilt = type(result)(**_fields(result))
        assert rebuilt == result
        for part in result.contributions:
            assert Contribution(**_fields(part)) == part


def test_a_history_s_scorecards_pass_them_too():
    """Results made from a history's tracks are valid values as well."""
    past = history(
        demo_objectives(),
        kpis=demo_kpis(),
        measurements=demo_measurements(),
        dates=[date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 16)],
    )
    for card in past:
        for result in (*card.objectives, *card.key_results):
            assert type(result)(**_fields(result)) == result


KR = demo_scorecard(date(2026, 3, 16)).key_results[0]
OBJECTIVE = demo_scorecard(date(2026, 3, 16)).objectives[0]


@pytest.mark.parametrize(
    ("field", "bad", "error"),
    [
        ("progress", math.nan, InvalidValueError),
        ("score", "0.5", InvalidTypeError),
        ("value", math.inf, InvalidValueError),  # a check-in's value is finite
        ("weight", -1.0, InvalidValueError),
        ("expected", 1.5, InvalidValueError),
        ("confidence", 2.0, InvalidValueError),
        ("status", "GREEN", InvalidTypeError),
        ("started", 1, InvalidTypeError),
        ("last_measured", datetime(2026, 3, 1, 9), InvalidTypeError),
        ("sub_values", (1.0, math.nan), InvalidValueError),
        ("id", "", InvalidValueError),
        ("reason", None, InvalidTypeError),
    ],
)
def test_a_hand_built_key_result_result_is_checked(field, bad, error):
    """NaN, wrong types and out-of-range shares are refused, naming the field."""
    with pytest.raises(error, match=f"field '{field}'"):
        attrs.evolve(KR, **{field: bad})


@pytest.mark.parametrize(
    ("field", "bad", "error"),
    [
        ("score", math.nan, InvalidValueError),
        ("period", "2026-Q1", InvalidTypeError),
        ("depth", -1, InvalidValueError),
        ("committed", "no", InvalidTypeError),
        ("key_results", ("k", ""), InvalidValueError),
        ("children", "o2", InvalidTypeError),
        ("probability", -0.1, InvalidValueError),
        ("contributions", (1,), InvalidTypeError),
    ],
)
def test_a_hand_built_objective_result_is_checked(field, bad, error):
    """An objective result's fields are checked as a key result's are."""
    with pytest.raises(error, match=f"field '{field}'"):
        attrs.evolve(OBJECTIVE, **{field: bad})


def test_results_keep_infinities_and_store_floats_and_tuples():
    """A score may be infinite (strategies without a cap); ints become floats."""
    assert attrs.evolve(KR, progress=math.inf).progress == math.inf
    assert type(attrs.evolve(KR, weight=2).weight) is float
    listed = attrs.evolve(OBJECTIVE, key_results=["a", "b"])
    assert listed.key_results == ("a", "b")


def test_a_hand_built_contribution_is_checked():
    """A contribution needs numbers; its score may be None (skipped)."""
    made = Contribution(id="k", weight=1, score=None, contribution=0, gap=0)
    assert (made.weight, made.contribution) == (1.0, 0.0)
    with pytest.raises(InvalidValueError, match="field 'gap' got nan"):
        Contribution(id="k", weight=1.0, score=0.5, contribution=0.5, gap=math.nan)
    with pytest.raises(InvalidTypeError, match="field 'contribution' got None"):
        Contribution(id="k", weight=1.0, score=0.5, contribution=None, gap=0.5)  # type: ignore[arg-type]


def test_engine_results_are_not_forced_by_the_checks():
    """Made by an evaluation, a reason is still worked out on first read."""
    card = evaluate(
        demo_objectives(), kpis=demo_kpis(), measurements={}, as_of=date(2026, 2, 1)
    )
    result = card.objectives[0]
    slot = type(result).__dict__["reason"].slot
    assert type(slot.__get__(result, type(result))).__name__ == "_Later"
    assert result.reason  # worked out now
    assert isinstance(result.period, Period)
    assert result.status in set(Status)


@settings(max_examples=40, deadline=None)
@given(scorecards())
def test_every_engine_result_passes_the_checks_of_a_hand_built_one(card):
    """Whatever an evaluation makes, its constructor would have accepted."""
    for result in (*card.objectives, *card.key_results, *card.kpis):
        assert type(result)(**_fields(result)) == result
        for part in getattr(result, "contributions", ()):
            assert Contribution(**_fields(part)) == part


def test_sub_values_are_stored_as_a_tuple_of_floats():
    """Rate sub-values given as a list of ints are stored as floats in a tuple."""
    made = attrs.evolve(KR, sub_values=[18, None])
    assert made.sub_values == (18.0, None)
    assert type(made.sub_values[0]) is float
    with pytest.raises(InvalidTypeError, match="field 'sub_values' got 18"):
        attrs.evolve(KR, sub_values=18)


def test_a_key_result_s_score_reads_none_of_its_check_ins():
    """Forecast, confidence and last check-in wait until read, then agree."""
    from okrkit import KeyResult, Measurement, Objective, evaluate_key_result

    q1 = Period.quarter(2026, 1)
    kr = KeyResult("k", "K", start=0, target=100)
    checkins = [
        Measurement(date(2026, 1, 10), 10, confidence=0.6),
        Measurement(date(2026, 2, 10), 40, confidence=0.7),
    ]
    card = evaluate(
        [Objective("o", "O", period=q1, key_results=[kr])],
        measurements={"k": checkins},
        as_of=date(2026, 2, 15),
    )
    result = card["k"]
    kind = type(result)
    lazy = ("forecast", "forecast_progress", "confidence", "last_measured")
    assert result.score == 0.4
    for field in lazy:
        held = kind.__dict__[field].slot.__get__(result, kind)
        assert type(held).__name__ == "_Later", field
    alone = evaluate_key_result(kr, checkins, period=q1, as_of=date(2026, 2, 15))
    assert (result.confidence, result.last_measured) == (0.7, date(2026, 2, 10))
    assert [getattr(result, f) for f in lazy] == [getattr(alone, f) for f in lazy]
    assert result == alone
