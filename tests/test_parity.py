"""One engine: every way of handing over check-ins gives the same scorecard."""

from collections import defaultdict

import dask.dataframe as dd
import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings

from okrkit import Checkins, Measurement, evaluate, history, to_dict
from okrkit.testing import evaluations


def as_mapping(table: Checkins) -> dict[str, list[Measurement]]:
    """The table as the mapping of Measurements that evaluate() has always taken."""
    found: dict[str, list[Measurement]] = defaultdict(list)
    for row in range(len(table)):
        found[table.ids[row]].append(
            Measurement(
                table.ats[row],
                table.values[row],
                unit=table.units[row],
                confidence=table.confidences[row],
                note=table.notes[row],
            )
        )
    return found


def as_rows(table: Checkins) -> list[tuple[object, ...]]:
    return list(
        zip(
            table.ids,
            table.ats,
            table.values,
            table.confidences,
            table.notes,
            strict=True,
        )
    )


def columns(table: Checkins) -> dict[str, list[object]]:
    return {
        "id": list(table.ids),
        "at": list(table.ats),
        "value": list(table.values),
        "confidence": list(table.confidences),
        "note": list(table.notes),
        "unit": list(table.units),
    }


def frames(table: Checkins) -> list[object]:
    data = columns(table)
    found = [pd.DataFrame(data), pl.DataFrame(data, strict=False), pa.table(data)]
    if len({type(at) for at in data["at"]}) <= 1:  # one column type for an engine
        arrow = pa.table(data)
        # An Arrow-backed date column stays dates in Dask (objects become text).
        backed = arrow.to_pandas(types_mapper=pd.ArrowDtype)
        found.append(dd.from_pandas(backed, npartitions=2))
        found.append(duckdb.connect().from_arrow(arrow))
    return found


@pytest.mark.filterwarnings("ignore:Dask support is moving:FutureWarning")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(evaluations())
def test_mapping_rows_columns_and_frames_give_equal_scorecards(pair):
    """A mapping, rows, columns and every frame library: equal to_dict."""
    organisation, as_of = pair
    table = organisation.checkins
    objectives, kpis = organisation.objectives, organisation.kpis

    def card(measurements):
        return to_dict(
            evaluate(objectives, kpis=kpis, measurements=measurements, as_of=as_of)
        )

    expected = card(as_mapping(table))
    if not any(table.units):  # rows carry no unit column
        assert card(Checkins.from_rows(as_rows(table))) == expected
    data = columns(table)
    assert (
        card(
            Checkins.from_columns(
                id=data["id"],
                at=data["at"],
                value=data["value"],
                confidence=data["confidence"],
                note=data["note"],
                unit=data["unit"],
            )
        )
        == expected
    )
    for frame in frames(table):
        read = Checkins.from_frame(
            frame, confidence="confidence", note="note", unit_column="unit"
        )
        assert card(read) == expected, type(frame)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(evaluations())
def test_history_equals_evaluate_at_each_date(pair):
    """history(...)[d] is evaluate(..., as_of=d), from a table as from a mapping."""
    organisation, as_of = pair
    period = organisation.objectives[0].period
    dates = [period.start, as_of, period.end]
    past = history(
        organisation.objectives,
        kpis=organisation.kpis,
        measurements=organisation.checkins,
        dates=dates,
    )
    for day in past.dates:
        alone = evaluate(
            organisation.objectives,
            kpis=organisation.kpis,
            measurements=as_mapping(organisation.checkins),
            as_of=day,
        )
        assert to_dict(past[day]) == to_dict(alone)


def test_a_tables_last_value_follows_the_tie_order():
    """From a table, LAST is the largest value at the latest instant, as ever."""
    from datetime import date

    from okrkit import KeyResult, Objective, Period

    day, later = date(2026, 2, 1), date(2026, 2, 3)
    objectives = [
        Objective(
            "o",
            "O",
            period=Period.quarter(2026, 1),
            key_results=[KeyResult("k", "K", start=0, target=100)],
        )
    ]
    rows = [
        ("k", later, 40.0, 0.9, "b"),
        ("k", day, 95.0, None, ""),
        ("k", later, 70.0, 0.2, "a"),
        ("k", later, 70.0, 0.8, "a"),
        ("k", date(2026, 5, 1), 99.0, None, ""),  # after as_of: not counted
    ]
    table = Checkins.from_rows(rows)
    mapping = as_mapping(table)
    as_of = date(2026, 3, 1)
    card = evaluate(objectives, measurements=table, as_of=as_of)
    assert card["k"].value == 70.0
    # The tie at (Feb 3, 70) goes to the higher confidence, as everywhere.
    assert card["k"].confidence == 0.8
    assert to_dict(card) == to_dict(
        evaluate(objectives, measurements=mapping, as_of=as_of)
    )


@pytest.mark.parametrize("given", ["table", "mapping"])
def test_series_are_read_only_for_the_results_read(monkeypatch, given):
    """evaluate() scores LAST key results without building a series first."""
    from datetime import date

    from okrkit import KeyResult, Objective, Period
    from okrkit._store import CheckinStore

    built: list[str] = []
    series = CheckinStore.series

    def counted(self, id, unit, *, keep=False):
        built.append(id)
        return series(self, id, unit, keep=keep)

    monkeypatch.setattr(CheckinStore, "series", counted)
    objectives = [
        Objective(
            "o",
            "O",
            period=Period.quarter(2026, 1),
            key_results=[
                KeyResult(k, k.upper(), start=0, target=10) for k in ("a", "b")
            ],
        )
    ]
    table = Checkins.from_rows(
        [("a", date(2026, 1, 5), 4.0), ("b", date(2026, 1, 9), 5.0)]
    )
    measurements = table if given == "table" else as_mapping(table)
    card = evaluate(objectives, measurements=measurements, as_of=date(2026, 2, 1))
    assert built == []  # every score is worked out: no series yet
    assert card["a"].last_measured == date(2026, 1, 5)
    assert built == ["a"]
    assert card["o"].score == 0.45  # its reason and likelihood read "b" too
    assert built == ["a", "b"]
