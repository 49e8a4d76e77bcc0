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


def _count_series(monkeypatch) -> list[str]:
    """The ids whose series the store builds from now on, in order."""
    from okrkit._store import CheckinStore

    built: list[str] = []
    series = CheckinStore.series

    def counted(self, id, unit, *, keep=False):
        built.append(id)
        return series(self, id, unit, keep=keep)

    monkeypatch.setattr(CheckinStore, "series", counted)
    return built


@pytest.mark.parametrize("given", ["table", "mapping"])
def test_series_are_read_only_for_the_results_read(monkeypatch, given):
    """evaluate() scores LAST key results without building a series first."""
    from datetime import date

    from okrkit import KeyResult, Objective, Period

    built = _count_series(monkeypatch)
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
    objective = card["o"]
    assert objective.score == 0.45
    assert objective.reason.endswith("weakest: A (40 %)).")
    assert built == ["a"]  # the score and reason read no check-ins
    # The confidence is the mean of every key result's latest: "b" is read.
    assert objective.confidence is None
    assert built == ["a", "b"]


def _two_level_card(monkeypatch):
    """A parent and a child objective, four key results with confidences.

    Returns the scorecard and the list of ids whose series were built.
    """
    from datetime import date

    from okrkit import KeyResult, Objective, Period

    built = _count_series(monkeypatch)
    q1 = Period.quarter(2026, 1)
    objectives = [
        Objective(
            "top",
            "Top",
            period=q1,
            key_results=[KeyResult("t1", "T1", start=0, target=10)],
        ),
        Objective(
            "team",
            "Team",
            period=q1,
            parent="top",
            key_results=[
                KeyResult(k, k.upper(), start=0, target=10) for k in ("a", "b", "c")
            ],
        ),
    ]
    rows = [  # three check-ins each: enough for a trend and a likelihood
        ("t1", date(2026, 1, 5), 2.0, 0.9),
        ("t1", date(2026, 1, 12), 4.0, None),
        ("t1", date(2026, 1, 20), 5.0, 0.7),
        ("a", date(2026, 1, 6), 4.0, 0.8),
        ("a", date(2026, 1, 15), 4.5, None),
        ("a", date(2026, 1, 30), 6.0, 0.2),
        ("b", date(2026, 1, 2), 1.0, 0.5),
        ("b", date(2026, 1, 3), 2.0, 0.5),
        ("b", date(2026, 1, 9), 5.0, None),
        ("c", date(2026, 1, 10), 1.0, 0.6),
        ("c", date(2026, 1, 11), 2.0, None),
        ("c", date(2026, 1, 25), 3.0, None),
    ]
    table = Checkins.from_rows(rows)
    card = evaluate(objectives, measurements=table, as_of=date(2026, 2, 1))
    return card, built


def test_objective_scores_read_no_check_ins(monkeypatch):
    """Every objective's score, status and reason come without a series.

    The confidence and the likelihood read the key results' check-ins, so
    they are worked out when first read.
    """
    card, built = _two_level_card(monkeypatch)
    scores = {o.id: (o.score, o.status, o.reason) for o in card.objectives}
    assert built == []
    # team: (0.6 + 0.5 + 0.3) / 3; top: (0.5 + team) / 2.
    assert scores["team"][0] == pytest.approx(1.4 / 3, abs=1e-15)
    assert scores["top"][0] == pytest.approx((0.5 + 1.4 / 3) / 2, abs=1e-15)
    # The latest check-ins' confidences: a's 0.2 (b's and c's have none).
    assert card["team"].confidence == 0.2
    assert sorted(built) == ["a", "b", "c"]
    assert card["top"].confidence == 0.7  # t1's latest, of its own only
    assert sorted(built) == ["a", "b", "c", "t1"]


def test_a_result_read_late_is_the_result_read_early(monkeypatch):
    """Equality, hash, repr, pickling, evolve and to_dict see the values.

    An objective's likelihood, confidence, contributions and reason, and a
    key result's likelihood and reason, are worked out when first read.
    """
    import pickle

    import attrs

    from okrkit import ObjectiveResult

    early, _ = _two_level_card(monkeypatch)
    late, _ = _two_level_card(monkeypatch)
    for id_ in ("team", "top", "a", "t1"):  # objectives and key results
        first = early[id_]
        read = (first.probability, first.confidence, first.reason)  # made now
        assert first.probability is not None
        second = late[id_]  # not read yet
        assert second == first
        assert hash(second) == hash(first)
        assert repr(late[id_]) == repr(first)
        assert (second.probability, second.confidence, second.reason) == read
        assert second.contributions == first.contributions
    fresh, _ = _two_level_card(monkeypatch)
    for id_ in ("team", "a"):
        again = pickle.loads(pickle.dumps(fresh[id_]))
        assert again == early[id_]
        assert type(again.probability) is float
    assert attrs.evolve(_two_level_card(monkeypatch)[0]["top"], title="T") == (
        attrs.evolve(early["top"], title="T")
    )
    assert to_dict(_two_level_card(monkeypatch)[0]) == to_dict(early)
    assert "probability" in attrs.fields_dict(ObjectiveResult)


def test_a_key_result_likelihood_is_worked_out_when_read(monkeypatch):
    """Reading a key result's score fits no likelihood; reading it fits one."""
    import okrkit._key_result_eval as key_result_eval

    fitted: list[str] = []
    reach_chance = key_result_eval.reach_chance

    def counted(scored, clock):
        fitted.append(scored.reading.kr.id)
        return reach_chance(scored, clock)

    monkeypatch.setattr(key_result_eval, "reach_chance", counted)
    card, _ = _two_level_card(monkeypatch)
    result = card["a"]
    assert (result.score, result.value) == (0.6, 6.0)
    assert fitted == []
    chance = result.probability
    assert fitted == ["a"]
    assert chance is not None
    assert 0.0 <= chance <= 1.0
    assert result.probability == chance
    assert fitted == ["a"]  # kept: worked out once


def test_reasons_and_contributions_are_made_when_read(monkeypatch):
    """Reading scores makes no reason and no split; reading them makes each once."""
    import okrkit._engine as engine
    import okrkit._key_result_eval as key_result_eval

    made: list[str] = []
    reason, split = key_result_eval._reason, engine.split

    def counted_reason(scored, needed, clock):
        made.append(f"reason {scored.reading.kr.id}")
        return reason(scored, needed, clock)

    def counted_split(items):
        made.append(f"split {[item[0] for item in items]}")
        return split(items)

    monkeypatch.setattr(key_result_eval, "_reason", counted_reason)
    monkeypatch.setattr(engine, "split", counted_split)
    card, _ = _two_level_card(monkeypatch)
    assert [r.score for r in card.key_results] == [0.5, 0.6, 0.5, 0.3]
    # top: (0.5 + team) / 2; team: (0.6 + 0.5 + 0.3) / 3.
    scores = [round(o.score, 12) for o in card.objectives]
    assert scores == [0.483333333333, 0.466666666667]
    assert made == []
    # a: 6 of 10 on 2026-02-01, 31 of the quarter's 90 days in.
    assert card["a"].reason == "A: 6 of 10 (60 %) at 34 % of 2026-Q1, on track."
    assert made == ["reason a"]
    shares = card["team"].contributions
    assert [s.id for s in shares] == ["a", "b", "c"]
    assert [round(s.contribution, 12) for s in shares] == [0.2, 0.166666666667, 0.1]
    assert made == ["reason a", "split ['a', 'b', 'c']"]
    assert card["a"].reason == card["a"].reason
    assert card["team"].contributions is shares  # kept: made once
    assert len(made) == 2
