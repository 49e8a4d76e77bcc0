import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrkit import Period
from okrkit.exceptions import InvalidTypeError, InvalidValueError, OkrkitError
from okrkit.testing import (
    STRATEGIES,
    MissingExtraError,
    evaluations,
    key_result_results,
    organisations,
    periods,
)


@pytest.mark.parametrize("kind", list(STRATEGIES), ids=lambda k: k.__name__)
@given(data=st.data())
@settings(max_examples=5, deadline=None)
def test_from_type_works_for_every_public_type(kind, data):
    """st.from_type(T) draws a T for every public type (results included)."""
    assert isinstance(data.draw(st.from_type(kind)), kind)


@given(evaluations())
@settings(max_examples=25, deadline=None)
def test_generated_organisations_evaluate(pair):
    """Every generated organisation evaluates, with bounded scores."""
    organisation, as_of = pair
    card = organisation.evaluate(as_of=as_of)
    assert len(card.objectives) == len(organisation.objectives)
    for result in (*card.objectives, *card.key_results):
        assert result.score is None or 0 <= result.score <= 1


@given(key_result_results())
@settings(max_examples=25, deadline=None)
def test_results_are_realistic(result):
    """Key result results come from evaluations: no score of 1e15."""
    assert result.score is None or 0 <= result.score <= 1
    assert 0 <= result.expected <= 1


@given(organisations(max_objectives=2))
@settings(max_examples=10, deadline=None)
def test_check_ins_match_the_ids(organisation):
    """Every check-in is for a key result or KPI of the organisation."""
    known = {kpi.id for kpi in organisation.kpis} | {
        kr.id for o in organisation.objectives for kr in o.key_results
    }
    assert organisation.checkins.ids_seen <= known
    assert 1 <= len(organisation.objectives) <= 2


@given(periods(years=st.sampled_from([1, 2, 9997, 9998])))
@settings(max_examples=100)
def test_periods_at_the_calendar_edges_do_not_raise(period):
    """Any year from 1 to 9998 gives periods (13.25): no PeriodError when drawn."""
    assert isinstance(period, Period)


@given(periods(start=st.just(date.max), max_days=5))
@settings(max_examples=20)
def test_custom_periods_at_the_last_date(period):
    """A custom period that would end after date.max is cut short."""
    assert period.end <= date.max


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"years": 2026}, InvalidTypeError),
        ({"start": date(2026, 1, 1)}, InvalidTypeError),
        ({"max_days": 0}, InvalidValueError),
        ({"max_days": 1.5}, InvalidValueError),
    ],
)
def test_periods_checks_its_arguments_up_front(options, error):
    """Bad arguments fail when the strategy is made, not while drawing."""
    with pytest.raises(error):
        periods(**options)


def test_years_out_of_range_are_named():
    """A years strategy drawing 0 fails with the field and the value."""

    @given(periods(years=st.just(0)))
    def draw(period):
        pass

    with pytest.raises(InvalidValueError, match="field 'years' got 0"):
        draw()


def test_importing_without_hypothesis_says_what_to_install():
    """Without Hypothesis, the import error is an OkrkitError and an ImportError."""
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "from okrkit.exceptions import OkrkitError\n"
        "try:\n"
        "    import okrkit.testing\n"
        "except OkrkitError as error:\n"
        "    assert isinstance(error, ImportError)\n"
        "    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "pip install 'okrkit[testing]'" in done.stdout
    assert issubclass(MissingExtraError, OkrkitError)
    assert issubclass(MissingExtraError, ImportError)
