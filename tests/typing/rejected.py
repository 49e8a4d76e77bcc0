"""Misuse that `mypy --strict` must reject (run by .ci/run).

Each line below is an error mypy has to report: the ``type: ignore`` on it
is then used.  mypy --strict warns about unused ignores, so if okrkit's types
ever stopped rejecting one of these lines, CI would fail.
"""

from __future__ import annotations

from datetime import date

from okrkit import (
    KPI,
    Direction,
    KeyResult,
    KeyResultResult,
    Objective,
    Period,
    Scorecard,
    Thresholds,
    evaluate,
)

Q1 = Period.quarter(2026, 1)
LIGHTS = Thresholds.higher_is_better(red_below=1, green_from=2)


def bad_definitions() -> None:
    """Sequences of the wrong things are not key results, ids or targets."""
    Objective("o", "O", period=Q1, key_results=[1, 2, "three"])  # type: ignore[list-item]
    Objective("o", "O", period=Q1, health=[1])  # type: ignore[list-item]
    KPI(
        "k",
        "K",
        direction=Direction.HIGHER_IS_BETTER,
        thresholds=LIGHTS,
        target="high",  # type: ignore[arg-type]
    )
    KeyResult.done("d", "D", per="week")  # type: ignore[call-arg]


def bad_reads(card: Scorecard) -> None:
    """A typed accessor returns its own kind, not another."""
    result: KeyResultResult = card.objective("o")  # type: ignore[assignment]
    evaluate([Q1], as_of=date(2026, 2, 15))  # type: ignore[list-item]
    assert result
