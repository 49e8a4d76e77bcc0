from datetime import date

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
        measurements=org.checkins,
        as_of=date(2026, 2, 15),
    )
    assert card["k"].score == 0.4
    assert card["nps"].value == 35.0


def test_options_reach_evaluate():
    """Keyword options (tz, scoring, ...) are passed on."""
    with pytest.raises(TypeError):
        organisation().evaluate(as_of=date(2026, 2, 15), colour="blue")


def test_document_shape():
    """The document is versioned and holds check-ins by id."""
    data = to_dict(organisation())
    assert data["schema_version"] == 2
    assert data["type"] == "Organisation"
    assert data["checkins"]["k"] == [
        {"at": "2026-02-01", "value": 40.0, "unit": None, "confidence": None,
         "note": ""}
    ]  # fmt: skip
    assert from_dict(data) == organisation()


def test_parts_are_checked():
    """Wrong parts are refused with the field named."""
    with pytest.raises(InvalidTypeError, match="field 'objectives'"):
        Organisation(objectives=[1])
    with pytest.raises(InvalidTypeError, match="field 'kpis'"):
        Organisation(kpis="nps")
    with pytest.raises(InvalidTypeError, match="field 'checkins'"):
        Organisation(checkins=[("k", [])])
    with pytest.raises(InvalidValueError, match="field 'checkins' got ' '"):
        Organisation(checkins={" ": []})


def test_bad_check_ins_in_a_document_name_their_path():
    """A bad check-in in a document is reported with its id and index."""
    data = to_dict(organisation())
    data["checkins"]["k"][0]["value"] = "lots"
    with pytest.raises(SerializationError, match=r"checkins\.k\[0\]\.value"):
        from_dict(data)
