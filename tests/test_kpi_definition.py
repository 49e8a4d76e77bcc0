"""KPI: the definition's checks on target, grace and hysteresis."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit import KPI, Direction, Period, Thresholds, from_dict, to_dict
from okrkit.exceptions import InvalidTypeError, InvalidValueError, OkrkitError

Q1 = Period.quarter(2026, 1)
Q2 = Period.quarter(2026, 2)
T = Thresholds.higher_is_better(red_below=1, green_from=2)


def kpi(**kwargs):
    return KPI(
        "nps", "NPS", direction=Direction.HIGHER_IS_BETTER, thresholds=T, **kwargs
    )


class TestTarget:
    @pytest.mark.parametrize(
        ("target", "error", "got"),
        [
            (((Q1, 1, 2),), InvalidTypeError, "got (Period"),
            (((Q1, 1), 5), InvalidTypeError, "got 5"),
            (((Q1,),), InvalidTypeError, "got (Period"),
            ([("2026-Q1", 1)], InvalidTypeError, "got '2026-Q1'"),
            ({Q1: "high"}, InvalidTypeError, "got 'high'"),
            ({Q1: float("nan")}, InvalidValueError, "got nan"),
            ("5", InvalidTypeError, "got '5'"),
        ],
    )
    def test_malformed_targets_are_okrkit_errors(self, target, error, got):
        """A malformed per-period target is an OkrkitError naming the KPI and value."""
        with pytest.raises(error, match=f"KPI 'nps': field 'target' {re.escape(got)}"):
            kpi(target=target)

    @pytest.mark.parametrize("target", [{}, (), []], ids=["dict", "tuple", "list"])
    def test_an_empty_per_period_target_is_rejected(self, target):
        """An empty per-period target means nothing: use None for no target."""
        with pytest.raises(InvalidValueError, match="at least one \\(Period, value\\)"):
            kpi(target=target)

    def test_shapes_are_stored_as_sorted_float_pairs(self):
        """A mapping, a list of pairs and a tuple give the same sorted pairs."""
        expected = ((Q1, 1.0), (Q2, 2.0))
        assert kpi(target={Q2: 2, Q1: Decimal(1)}).target == expected
        assert kpi(target=[(Q2, 2), (Q1, 1)]).target == expected
        assert kpi(target=expected).target == expected
        assert type(kpi(target=Decimal("1.5")).target) is float

    def test_overlapping_periods_are_rejected(self):
        """Per-period targets may not overlap."""
        with pytest.raises(InvalidValueError, match="do not overlap"):
            kpi(target={Q1: 1, Period.month(2026, 2): 2})


class TestGrace:
    @pytest.mark.parametrize(
        "grace",
        [
            timedelta(microseconds=-1),
            timedelta.min,
        ],
    )
    def test_a_negative_grace_is_rejected(self, grace):
        """A grace below zero means nothing: refused."""
        with pytest.raises(InvalidValueError, match="field 'grace'.*zero or more"):
            kpi(grace=grace)

    def test_grace_must_be_a_timedelta(self):
        """A number of seconds is not a grace."""
        with pytest.raises(InvalidTypeError, match="field 'grace'"):
            kpi(grace=3600)  # type: ignore[arg-type]

    @given(st.timedeltas(min_value=timedelta(0)))
    def test_every_accepted_grace_round_trips(self, grace):
        """What the constructor accepts, from_dict(to_dict(...)) gives back equal."""
        made = kpi(grace=grace)
        assert from_dict(KPI, json.loads(json.dumps(to_dict(made)))).grace == grace

    def test_the_longest_grace_round_trips(self):
        """timedelta.max and 10**8 days + 1 microsecond are written exactly."""
        for value in (timedelta.max, timedelta(days=10**8, microseconds=1)):
            assert from_dict(KPI, to_dict(kpi(grace=value))).grace == value


def test_hysteresis_is_stored_as_a_float():
    """A Decimal hysteresis is stored as a float, so to_dict data is JSON."""
    made = kpi(hysteresis=Decimal("0.5"))
    assert (made.hysteresis, type(made.hysteresis)) == (0.5, float)
    json.dumps(to_dict(made))


@given(
    st.one_of(
        st.none(),
        st.floats(-1e6, 1e6),
        st.dictionaries(
            st.sampled_from([Period.month(2026, m) for m in range(1, 13)]),
            st.floats(-1e6, 1e6),
            max_size=4,
        ),
    )
)
def test_any_accepted_target_round_trips(target):
    """Every target the constructor accepts comes back equal through to_dict."""
    try:
        made = kpi(target=target)
    except OkrkitError:
        assert target == {}
        return
    assert from_dict(KPI, json.loads(json.dumps(to_dict(made)))) == made
