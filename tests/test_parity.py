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
