"""Reproducers of the defects found by adversarial testing (issues 13, 15, 17).

Each test names the item it covers; each failed before its fix.
"""

import copy
import math
import pickle
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit import (
    Aggregation,
    Band,
    Direction,
    KeyResult,
    Measurement,
    Objective,
    Period,
    Status,
    Thresholds,
    evaluate,
    from_dict,
    history,
    render,
    to_dict,
    units,
)
from okrkit._format import number
from okrkit._validate import real
from okrkit.alignment import Cascade, check
from okrkit.exceptions import (
    AlignmentError,
    IncompatibleUnitsError,
    InvalidTypeError,
    InvalidValueError,
    OkrkitError,
    UnknownUnitError,
    safe_repr,
)
from okrkit.scoring import (
    GoogleGrading,
    Linear,
    Pace,
    RedFlagGoal,
    ScoreContext,
    Stepped,
    minimum,
    weighted_mean,
)

D = date(2026, 1, 5)
Q1 = Period.quarter(2026, 1)
UTC_MINUS_5 = timezone(timedelta(hours=-5))

# -- 6: incompatible units ---------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("percent", "count"),
        ("count", "percent"),
        ("degree", "percent"),
        ("radian", None),
        (None, "degree"),
        ("degree", "count"),
    ],
)
def test_counts_angles_and_ratios_never_convert_into_each_other(source, target):
    """Item 6: pint calls them all dimensionless; okrkit refuses to mix them."""
    with pytest.raises(IncompatibleUnitsError, match="different kinds"):
        units.conversion(source, target)


def test_units_of_one_kind_still_convert():
    """Item 6: angles to angles, ratios to ratios, counts to a plain number."""
    assert units.convert(180, "degree", "radian") == pytest.approx(3.141592653589793)
    assert units.convert(50, "percent", None) == 0.5
    assert units.convert(2500, "ppm", "percent") == pytest.approx(0.25)
    assert units.convert(3, "count", None) == 3.0


# -- 22: unit expressions are bounded -----------------------------------------


@pytest.mark.parametrize(
    "name", ["m**9**9**9", "m ** 1e400", "m^99", "m**(2)", "m⁹⁹⁹", "m*" * 150 + "m"]
)
def test_unit_expressions_that_could_run_long_are_refused_quickly(name):
    """Item 22: huge or chained exponents and long expressions are refused.

    Refused before pint works anything out: evaluating 9**9**9 would not
    finish, so the suite itself would time out (no clock read here: a
    timed assertion fails on a busy machine).
    """
    with pytest.raises(UnknownUnitError, match="exponents are plain numbers"):
        units.parse_unit(name)


def test_small_exponents_still_parse():
    """Item 22: m**2, s**-1 and m^3 are ordinary units."""
    assert units.normalize_unit("m**2") == "meter ** 2"
    assert units.normalize_unit("s**-1") == "1 / second"
    assert units.normalize_unit("m^3") == "meter ** 3"


# -- 25: messages --------------------------------------------------------------


def test_a_lower_case_currency_suggests_its_code():
    """Item 25: unit='usd' suggests 'USD', not a label."""
    with pytest.raises(UnknownUnitError, match="the currency code 'USD'"):
        units.parse_unit("usd")


# -- 15.6: import time -----------------------------------------------------------


def test_importing_okrkit_does_not_load_pint():
    """Issue 15 item 6: pint and its registry load on first use, not at import."""
    code = "import sys, okrkit; print('pint' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_the_registry_built_on_first_use_converts():
    """Issue 15 item 6: a fresh interpreter converts on first use."""
    code = "from okrkit import units; print(units.convert(90, 'minute', 'hour'))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "1.5"


# -- 17: safe messages -------------------------------------------------------------


def test_a_huge_int_is_reported_without_hitting_the_digit_limit():
    """Item 17: Measurement(d, 10**5000) raises an OkrkitError with a short repr."""
    with pytest.raises(InvalidValueError) as caught:
        Measurement(D, 10**5000)
    assert "int of about 5,001 digits" in str(caught.value)


def test_a_deeply_nested_value_is_reported_without_recursion_error():
    """Item 17: a 5,000-deep list in an error message does not recurse."""
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(InvalidTypeError) as caught:
        Measurement(D, deep)
    assert "[[[" in str(caught.value)


def test_a_broken_repr_does_not_hide_the_error():
    """Item 17: a value whose __repr__ raises is named by its type."""

    class Broken:
        def __repr__(self):
            raise RuntimeError("no")

    assert safe_repr(Broken()).startswith("<Broken ")


@given(st.recursive(st.integers() | st.text(), st.lists, max_leaves=50))
def test_safe_repr_is_short_and_never_raises(value):
    """Item 17: safe_repr returns at most 80 characters for anything."""
    assert len(safe_repr(value)) <= 80


# -- 12: real numbers become plain floats ----------------------------------------------


@pytest.mark.parametrize(
    "value",
    [Decimal("2.5"), Fraction(5, 2), np.float32(2.5), np.float64(2.5), np.int64(2)],
)
def test_real_returns_a_plain_float(value):
    """Item 12: any real number comes back as a float of the same value."""
    result = real("X", "f", value)
    assert type(result) is float
    assert result == float(value)


@pytest.mark.parametrize(
    "value", [True, np.bool_(True), float("nan"), Decimal("sNaN"), 10**400, "1", None]
)
def test_real_refuses_non_numbers_and_non_finite_values(value):
    """Item 12: bools, NaN, overflowing numbers and non-numbers are refused."""
    with pytest.raises(OkrkitError):
        real("X", "f", value)


# -- 7 and 23: parameters and arguments are checked -------------------------------

KR = KeyResult("k", "K", start=0, target=10)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Linear(target_score=float("nan")),
        lambda: Linear(target_score="1"),
        lambda: Linear(target_score=0),
        lambda: Linear(cap="1"),
        lambda: GoogleGrading(target_score=None),
        lambda: RedFlagGoal(target_score=-1),
        lambda: Stepped(Thresholds.within(0, 1), target_score=math.inf),
        lambda: Pace(on_track="0.9"),
        lambda: Pace(at_risk=float("nan")),
        lambda: ScoreContext(committed=5),
        lambda: ScoreContext(expected=2),
    ],
)
def test_scoring_and_pace_parameters_are_checked_at_construction(build):
    """Items 7 and 23: NaN, strings and non-positive target scores are refused."""
    with pytest.raises(OkrkitError):
        build()


def test_scoring_and_pace_parameters_are_stored_as_plain_floats():
    """Item 12: Decimal, Fraction and NumPy parameters become floats."""
    linear = Linear(Fraction(1, 2), cap=Decimal("1.5"), floor=np.float32(0))
    pace = Pace(on_track=Decimal("0.9"), at_risk=np.float64(0.5))
    band = Band(lo=0, hi=1, status=Status.GREEN, score=Fraction(1, 4))
    values = (linear.target_score, linear.cap, linear.floor, pace.on_track)
    assert [type(v) for v in (*values, pace.at_risk, band.score)] == [float] * 6
    assert (linear.target_score, linear.cap, band.score) == (0.5, 1.5, 0.25)


def test_a_nan_target_score_no_longer_turns_a_met_target_red():
    """Item 7: Linear(target_score=nan) is refused instead of making 100 % RED."""
    with pytest.raises(InvalidValueError, match="target_score"):
        Linear(target_score=float("nan"))
    assert Pace().status(1.0, 1.0, target_score=Linear().target_score) is Status.GREEN


@pytest.mark.parametrize(
    "call",
    [
        lambda: Band(lo=0, hi=1, status=Status.RED).contains("x"),
        lambda: Band(lo=0, hi=1, status=Status.RED).distance(None),
        lambda: Direction.HIGHER_IS_BETTER.better("a", 1),
        lambda: Direction.LOWER_IS_BETTER.better(1, [2]),
        lambda: Aggregation.SUM.apply(None),
        lambda: Aggregation.MEAN.apply(["a"]),
        lambda: Aggregation.LAST.apply([None]),
        lambda: Aggregation.COUNT.apply(5),
        lambda: Pace().status("x", 0.5),
        lambda: Pace().status(0.5, None),
        lambda: Pace().status(0.5, 0.5, target_score="1"),
        lambda: weighted_mean([(1, 1, 1)]),
        lambda: weighted_mean(None),
        lambda: minimum([("a", 1)]),
        lambda: minimum(5),
        lambda: Linear().score(KR, "5", ScoreContext()),
        lambda: Linear().score("k", 5, ScoreContext()),
        lambda: GoogleGrading().grade("x", committed=False),
        lambda: GoogleGrading().grade(0.5, committed="no"),
        lambda: render("x"),
        lambda: check([], measured=5),
        lambda: check([], measured=[5]),
    ],
)
def test_junk_arguments_raise_okrkit_errors(call):
    """Item 23: junk gives an OkrkitError, never a raw TypeError or IndexError."""
    with pytest.raises(OkrkitError):
        call()


# -- 11: overflow -------------------------------------------------------------------


def test_a_sum_that_overflows_names_the_aggregation():
    """Item 11: two SUM values of 1e308 give an OkrkitError, not OverflowError."""
    with pytest.raises(InvalidValueError, match=r"Aggregation\.SUM.*overflowed"):
        Aggregation.SUM.apply([1e308, 1e308])


def test_a_mean_of_huge_values_is_still_computed():
    """Item 11: the mean of two 1e308 is 1e308, though their sum overflows."""
    assert Aggregation.MEAN.apply([1e308, 1e308]) == 1e308


def test_weighted_mean_of_huge_scores_and_weights_is_finite():
    """Item 11: scaling keeps (1e308, 1) and (1e308, 1) at a mean of 1e308."""
    assert weighted_mean([(1e308, 1), (1e308, 1)]) == 1e308
    assert weighted_mean([(1.0, 1e308), (0.5, 1e308)]) == 0.75


def test_number_formats_infinity():
    """Item 11: _format.number shows inf instead of raising OverflowError."""
    assert number(float("inf")) == "inf"


# -- 25: a range up to the largest float -----------------------------------------------


def test_a_range_up_to_the_largest_float_is_green_to_infinity():
    """Item 25: within(0, max float) no longer fails with 'got inf'."""
    t = Thresholds.within(0, sys.float_info.max)
    assert t.status(sys.float_info.max) is Status.GREEN
    assert t.status(-1) is Status.RED
    assert str(t) == "[-inf, 0) red; [0, +inf) green"


# -- 13, 20, 24, 25: the cascade ------------------------------------------------------


def test_a_cycle_with_an_extra_outgoing_edge_is_named():
    """Item 13: y <-> z with z also feeding x names the cycle y -> z -> y."""
    x = Objective(
        "x", "X", period=Q1, key_results=[KeyResult("kx", "K", start=0, target=1)]
    )
    y = Objective("y", "Y", period=Q1, parent="z")
    z = Objective("z", "Z", period=Q1, parent="y", contributes_to="kx")
    with pytest.raises(AlignmentError, match="cycle in the cascade: y -> z -> y"):
        Cascade.build([x, y, z])


def test_a_cascade_pickles_and_deep_copies_to_an_equal_value():
    """Item 20: a Cascade survives pickle and deepcopy (multiprocessing, caches)."""
    cascade = Cascade.build(
        [Objective("co", "Co", period=Q1), Objective("t", "T", period=Q1, parent="co")]
    )
    for copied in (pickle.loads(pickle.dumps(cascade)), copy.deepcopy(cascade)):
        assert copied == cascade
        assert copied.depth("t") == 1
        assert copied.children("co") == ("t",)


def _chain(n):
    return [
        Objective(f"o{i}", "O", period=Q1, parent=f"o{i - 1}" if i else None)
        for i in range(n)
    ]


def test_depth_of_a_deep_chain_is_linear():
    """Item 24: a 100,000-deep chain builds, and every depth is right.

    Far deeper than the recursion limit, so nothing recurses; and deep
    enough that a walk up the parents per objective (5e9 steps) would not
    finish, so the suite would time out.  No clock is read: a timed
    assertion fails on a busy machine.
    """
    objectives = _chain(100_000)
    cascade = Cascade.build(objectives)
    depths = [cascade.depth(o.id) for o in objectives]
    assert depths == list(range(100_000))


def test_render_caps_its_indentation():
    """Item 24: indentation stops at 20 levels; deeper lines show their level."""
    card = evaluate(_chain(30), as_of=D)
    lines = render(card).splitlines()
    deepest = next(
        line for line in lines if line.endswith("[2026-Q1]") and "[29]" in line
    )
    assert "  " * 20 + "[29] O" in deepest
    assert max(len(line) for line in lines) < 120


def test_cascade_errors_name_the_callers_subject():
    """Item 25: Cascade.build(..., subject='evaluate') names evaluate, not Cascade."""
    lone = Objective("o", "O", period=Q1)
    with pytest.raises(InvalidTypeError, match=r"^evaluate: field 'objectives'"):
        Cascade.build(lone, subject="evaluate")  # type: ignore[arg-type]


def test_bad_check_ins_are_named_by_the_function_called():
    """history, evaluate_key_result and evaluate_kpi name themselves, not evaluate."""
    from okrkit import KPI, evaluate_key_result, evaluate_kpi, history

    kr = KeyResult("k", "K", start=0, target=1)
    nps = KPI(
        "nps",
        "NPS",
        direction=Direction.HIGHER_IS_BETTER,
        thresholds=Thresholds.higher_is_better(red_below=0, green_from=30),
    )
    calls = {
        "history": lambda m: history(
            [Objective("o", "O", period=Q1, key_results=[kr])],
            measurements=m,
            dates=[D],
        ),
        "evaluate_key_result": lambda m: evaluate_key_result(kr, m, period=Q1, as_of=D),
        "evaluate_kpi": lambda m: evaluate_kpi(nps, m, as_of=D),
        "evaluate": lambda m: evaluate(
            [Objective("o", "O", period=Q1, key_results=[kr])],
            measurements=m,
            as_of=D,
        ),
    }
    for name, call in calls.items():
        id_ = "nps" if name == "evaluate_kpi" else "k"
        with pytest.raises(InvalidTypeError, match=rf"^{name}: field .measurements"):
            call({id_: 5})


def test_weights_whose_sum_overflows_still_roll_up():
    """Two key results of weight 1e308: their sum is no float, their mean is 0.5.

    Scores 1 and 0 (a check-in of 1 on a 0-to-1 target, and none), each half
    the weight: the objective scores 0.5, split 0.5 and 0.0, in evaluate()
    and history() alike, with no OverflowError from a sum of weights.
    """
    from okrkit import history

    q1 = Period.quarter(2026, 1)
    objective = Objective("o", "O", period=q1, key_results=[
        KeyResult("a", "A", start=0, target=1, weight=1e308),
        KeyResult("b", "B", start=0, target=1, weight=1e308),
    ])  # fmt: skip
    checkins = {"a": [Measurement(date(2026, 2, 1), 1)]}
    card = evaluate([objective], measurements=checkins, as_of=date(2026, 2, 15))
    assert card["o"].score == 0.5
    assert [c.contribution for c in card["o"].contributions] == [0.5, 0.0]
    past = history([objective], measurements=checkins, dates=[date(2026, 2, 15)])
    assert past.of("o")[0].score == 0.5


def test_milestone_weights_whose_sum_overflows_are_refused():
    """Progress divides by the milestones' total weight: it must be a float."""
    from okrkit import Kind, Milestone

    with pytest.raises(InvalidValueError, match="field 'steps'.*sum is a finite"):
        KeyResult(
            "m",
            "M",
            kind=Kind.MILESTONES,
            steps=[Milestone("a", weight=1e308), Milestone("b", weight=1e308)],
        )


def test_pandas_and_numpy_instants_as_of_are_plain_and_nat_is_refused():
    """An as_of of pandas or NumPy evaluates as the plain instant; NaT is refused."""
    pd = pytest.importorskip("pandas")
    objective = Objective(
        "o",
        "O",
        period=Period.quarter(2026, 1),
        key_results=[KeyResult("k", "K", start=0, target=10)],
    )
    card = evaluate([objective], as_of=pd.Timestamp("2026-02-01 00:00:00.000000001"))
    assert type(card.as_of) is datetime
    assert card.as_of == datetime(2026, 2, 1)
    assert from_dict(to_dict(card)) == card  # no nanoseconds the reader refuses
    day = evaluate([objective], as_of=np.datetime64("2026-02-01"))
    assert day.as_of == date(2026, 2, 1)
    for bad in (pd.NaT, np.datetime64("NaT")):
        with pytest.raises(OkrkitError, match="as_of"):
            evaluate([objective], as_of=bad)
        with pytest.raises(OkrkitError, match="dates"):
            history([objective], measurements={}, dates=[bad])
