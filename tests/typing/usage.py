"""Example user code that must pass `mypy --strict` (run by .ci/run)."""

from __future__ import annotations

from datetime import date

from okrkit import (
    KPI,
    Aggregation,
    Checkins,
    Direction,
    History,
    KeyResult,
    Measurement,
    Milestone,
    Objective,
    Period,
    Scorecard,
    Status,
    Thresholds,
    evaluate,
    from_dict,
    history,
    render,
    to_dict,
)
from okrkit.exceptions import OkrkitError
from okrkit.scoring import GoogleGrading, Linear, RollUp, ScoreContext, minimum


class Halved:
    """A custom scoring strategy, checked structurally against the protocol."""

    def score(
        self, key_result: KeyResult, value: float, context: ScoreContext
    ) -> float:
        return 0.5 * min(1.0, max(0.0, key_result.progress(value)))


def build() -> Scorecard:
    q1: Period = Period.parse("2026-Q1")
    visits = KPI(
        "visits",
        "Website visits",
        label="visits",
        direction=Direction.HIGHER_IS_BETTER,
        aggregation=Aggregation.SUM,
        thresholds=Thresholds.higher_is_better(red_below=8000, green_from=10000),
    )
    objective = Objective(
        "grow",
        "Grow",
        period=q1,
        owner="Ana",
        key_results=[
            KeyResult("k1", "Reach 100", start=0, target=100),
            KeyResult.milestones("k2", "Launch", (Milestone("beta"), Milestone("ga"))),
            KeyResult.relative("k3", "Traffic +20 %", kpi="visits", change=0.2),
        ],
    )
    measurements: dict[str, list[Measurement]] = {
        "k1": [Measurement(date(2026, 2, 1), 40.0, confidence=0.8)],
        "visits": [Measurement(date(2025, 12, 31), 9000)],
    }
    return evaluate(
        [objective],
        kpis=[visits],
        measurements=measurements,
        as_of=date(2026, 2, 15),
        scoring=GoogleGrading(),
        rollup=RollUp(combine=minimum, no_data="skip"),
    )


def use(card: Scorecard) -> str:
    score: float | None = card.objective("grow").score
    status: Status = card["grow"].status
    data = to_dict(card)
    again: Scorecard = from_dict(Scorecard, data)
    assert again == card
    try:
        Period.parse("2026-Q5")
    except OkrkitError as error:
        return f"{score} {status.name} {error.field}"
    return render(card)


def custom(objectives: list[Objective]) -> Scorecard:
    """Any object with a matching score() is accepted as a strategy."""
    capped: Linear = Linear(cap=1.5)
    first = evaluate(objectives, as_of=date(2026, 2, 15), scoring=capped)
    assert isinstance(first, Scorecard)
    return evaluate(objectives, as_of=date(2026, 2, 15), scoring=Halved())


def typed_access(card: Scorecard) -> float:
    """Typed accessors need no cast: a key result's fields are its own."""
    forecast: float | None = card.key_result("k1").forecast
    children: tuple[str, ...] = card.objective("grow").children
    light: Status = card.kpi("visits").light
    team: Scorecard = card.subtree("grow")
    assert team.objective("grow").id == "grow"
    assert light in Status
    return (forecast or 0.0) + len(children)


def tables() -> Scorecard:
    """Check-ins as a table, from rows or columns, evaluated and over time."""
    rows = [("k1", date(2026, 2, 1), 40.0), ("k1", date(2026, 2, 8), 44.0)]
    table: Checkins = Checkins.from_rows(rows)
    same = Checkins.from_columns(
        id=["k1", "k1"], at=[date(2026, 2, 1), date(2026, 2, 8)], value=[40, 44]
    )
    assert table == same
    objective = Objective(
        "o",
        "O",
        period=Period.parse("2026-Q1"),
        key_results=[KeyResult("k1", "K", start=0, target=100)],
    )
    past: History = history([objective], measurements=table, dates=[date(2026, 3, 1)])
    return past[date(2026, 3, 1)]
