from datetime import date

import attrs
import pytest

from okrkit import (
    KPI,
    Direction,
    KeyResult,
    Measurement,
    Objective,
    Period,
    Thresholds,
    evaluate,
    from_dict,
    to_dict,
)
from okrkit._checkins import Checkins
from okrkit._document import Organisation
from okrkit.exceptions import InvalidTypeError, InvalidValueError, SerializationError

Q1 = Period.quarter(2026, 1)


def organisation():
    return Organisation(
        objectives=[
            Objective(
                "o",
                "Grow",
                period=Q1,
                key_results=[KeyResult("k", "Reach 100", start=0, target=100)],
                health=["nps"],
            )
        ],
        kpis=[
            KPI(
                "nps",
                "NPS",
                direction=Direction.HIGHER_IS_BETTER,
                thresholds=Thresholds.higher_is_better(red_below=0, green_from=30),
            )
        ],
        checkins={
            "k": [Measurement(date(2026, 2, 1), 40)],
            "nps": [Measurement(date(2026, 2, 2), 35)],
        },
    )


def test_evaluate_is_okrkit_evaluate():
    """Organisation.evaluate gives what evaluate gives for the same parts."""
    org = organisation()
    card = org.evaluate(as_of=date(2026, 2, 15))
    assert card == evaluate(
        org.objectives,
        kpis=org.kpis,
        measurements={
            "k": [Measurement(date(2026, 2, 1), 40)],
            "nps": [Measurement(date(2026, 2, 2), 35)],
        },
        as_of=date(2026, 2, 15),
    )
    assert card["k"].score == 0.4
    assert card["nps"].value == 35.0


def test_options_reach_evaluate():
    """Keyword options (tz, scoring, ...) are passed on."""
    with pytest.raises(TypeError):
        organisation().evaluate(as_of=date(2026, 2, 15), colour="blue")


def test_document_shape():
    """The document is versioned and holds check-ins column by column."""
    data = to_dict(organisation())
    assert data["schema_version"] == 2
    assert data["type"] == "Organisation"
    # Columns holding only defaults (confidence, note, unit) are left out.
    assert data["checkins"] == {
        "id": ["k", "nps"],
        "at": ["2026-02-01", "2026-02-02"],
        "value": [40.0, 35.0],
    }
    assert from_dict(data) == organisation()


def test_a_mapping_of_measurements_becomes_a_table():
    """Check-ins given by id are kept as a Checkins table, equal to one built so."""
    table = Checkins.from_columns(
        id=["k", "nps"], at=[date(2026, 2, 1), date(2026, 2, 2)], value=[40, 35]
    )
    assert organisation().checkins == table
    assert attrs.evolve(organisation(), checkins=table) == organisation()


def test_parts_are_checked():
    """Wrong parts are refused with the field named."""
    with pytest.raises(InvalidTypeError, match="field 'objectives'"):
        Organisation(objectives=[1])
    with pytest.raises(InvalidTypeError, match="field 'kpis'"):
        Organisation(kpis="nps")
    with pytest.raises(InvalidTypeError, match="field 'checkins'"):
        Organisation(checkins=[("k", [])])
    with pytest.raises(InvalidTypeError, match=r"checkins\['k'\]. got 1"):
        Organisation(checkins={"k": [1]})
    with pytest.raises(InvalidValueError, match="got ' '"):
        Organisation(checkins={" ": [Measurement(date(2026, 1, 1), 1)]})


def test_bad_check_ins_in_a_document_name_their_path():
    """A bad check-in in a document is reported with its id and index."""
    data = to_dict(organisation())
    data["checkins"]["value"][1] = "lots"
    data["checkins"]["at"][0] = "2026-02-30"
    with pytest.raises(SerializationError) as info:
        from_dict(data)
    assert info.value.problems == (
        "checkins.at[0]: expected an ISO date or date-time, got '2026-02-30'",
        "checkins.value[1]: expected a number, got 'lots'",
    )


def test_columns_of_different_lengths_are_refused():
    """Equal column lengths cannot be stated in the schema: from_dict checks."""
    data = to_dict(organisation())
    data["checkins"]["value"].append(3)
    with pytest.raises(SerializationError, match="column 'value' has 3 items"):
        from_dict(data)


def test_pickles_and_copies_to_an_equal_value():
    """An organisation survives pickle and deepcopy (multiprocessing, caches)."""
    import copy
    import pickle

    org = organisation()
    assert pickle.loads(pickle.dumps(org)) == org
    assert copy.deepcopy(org) == org
    assert hash(copy.deepcopy(org)) == hash(org)
