"""Explainable roll-ups: what each child adds to its parent's score, and what it leaves.

A parent's score is a weighted mean, so it splits into one term per child:
``weight * score / total weight``.  The terms add up to the parent's score
(with :func:`math.fsum`), and ``weight * (1 - score) / total weight`` is the
share of a full score each child leaves out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, tzinfo

import attrs

from okrkit._results import KeyResultResult, ObjectiveResult
from okrkit._scorecard import Scorecard
from okrkit._time import day_key, instant_key
from okrkit.alignment import Cascade
from okrkit.exceptions import InvalidValueError
from okrkit.scoring import RollUp, weighted_mean

_DEFAULT_ROLLUP = RollUp()


@attrs.frozen(kw_only=True)
class Contribution:
    """One child's share of its parent's score.

    ``score`` is the score as the roll-up counted it (0.0 for a started key
    result without check-ins under the default policy; None when the roll-up
    skipped the child, which then contributes nothing).  ``contribution`` is
    ``weight * score / total weight`` and ``gap`` is
    ``weight * (1 - score) / total weight`` (negative for a score above 1,
    which a scoring strategy with a cap above 1 allows).

    >>> Contribution(id="k", weight=2.0, score=0.5, contribution=0.25, gap=0.25).gap
    0.25
    """

    id: str
    weight: float
    score: float | None
    contribution: float
    gap: float


def contributions(
    card: Scorecard,
    id: str,
    *,
    cascade: Cascade,
    rollup: RollUp = _DEFAULT_ROLLUP,
    tz: tzinfo = UTC,
) -> tuple[Contribution, ...]:
    """Return each child's contribution to the score of objective or key result ``id``.

    For an objective: its key results and child objectives, as the roll-up
    counted them.  For a key result driven by objectives (``contributes_to``,
    no check-ins of its own): those objectives.  Any other key result or a
    KPI has nothing rolled into it: ``()``.  The contributions sum to the
    parent's score; with no weight to share (no score) they are all 0.

    The scorecard does not record how it was made, so pass what
    :func:`okrkit.evaluate` was given: ``cascade`` (``Cascade.build`` of the
    objectives), ``rollup`` (default ``RollUp()``) and ``tz`` (default UTC).
    Only a weighted-mean roll-up splits into contributions; another
    ``combine`` raises.  An unknown id raises ``UnknownIdError``.

    >>> from datetime import date
    >>> from okrkit import evaluate, KeyResult, Measurement, Objective, Period
    >>> objectives = [Objective("o", "Grow", period=Period.quarter(2026, 1),
    ...     key_results=[KeyResult("a", "A", start=0, target=10, weight=3),
    ...                  KeyResult("b", "B", start=0, target=10)])]
    >>> card = evaluate(objectives, as_of=date(2026, 2, 15),
    ...     measurements={"a": [Measurement(date(2026, 2, 1), 8)]})
    >>> parts = contributions(card, "o", cascade=Cascade.build(objectives))
    >>> [(c.id, c.score, round(c.contribution, 3), round(c.gap, 3)) for c in parts]
    [('a', 0.8, 0.6, 0.15), ('b', 0.0, 0.0, 0.25)]
    >>> math.fsum(c.contribution for c in parts) == card["o"].score
    True
    """
    result = card[id]
    if rollup.combine is not weighted_mean:
        raise InvalidValueError(
            subject="contributions",
            field="rollup",
            value=rollup.combine,
            expected="a roll-up combining by weighted_mean (only a weighted "
            "mean splits into contributions)",
        )
    if isinstance(result, ObjectiveResult):
        return _split(_objective_items(card, result, cascade, rollup, tz))
    if isinstance(result, KeyResultResult):
        return _split(_driver_items(card, result, cascade))
    return ()


_Item = tuple[str, float, float | None]  # id, weight, score as counted


def _objective_items(
    card: Scorecard,
    result: ObjectiveResult,
    cascade: Cascade,
    rollup: RollUp,
    tz: tzinfo,
) -> list[_Item]:
    """The (id, weight, score) the engine rolled into an objective, in its order."""
    at = instant_key(card.as_of, tz)
    # Objectives that contribute to one of its key results are its children
    # in the cascade but roll into that key result, not into its score.
    children = [
        _objective(card, c)
        for c in result.children
        if cascade.objective(c).parent == result.id
    ]
    include = rollup.include
    if include == "children" and not children:
        include = "key_results"  # a leaf rolls up its key results
    items: list[_Item] = []
    if include in ("both", "key_results"):
        for kr_id in result.key_results:
            kr = _key_result(card, kr_id)
            items.append((kr_id, kr.weight, _counted(kr.score, kr.started, rollup)))
    if include in ("both", "children"):
        for child in children:
            started = at >= day_key(child.period.start)
            items.append(
                (child.id, child.weight, _counted(child.score, started, rollup))
            )
    return items


def _counted(score: float | None, started: bool, rollup: RollUp) -> float | None:
    if score is not None:
        return score
    if started and rollup.no_data == "zero":
        return 0.0  # no check-in is a real signal
    return None


def _driver_items(
    card: Scorecard, result: KeyResultResult, cascade: Cascade
) -> list[_Item]:
    """The objectives driving a key result, if they drive it."""
    drivers = [o for o in cascade.objectives if o.contributes_to == result.id]
    fed = any(
        kr.contributes_to == result.id
        for o in cascade.objectives
        for kr in o.key_results
    )
    # A KPI, check-ins of its own or contributing key results take
    # precedence over driving objectives, as in evaluate().
    linked = cascade.key_result(result.id).kpi is not None
    if not drivers or fed or linked or result.last_measured is not None:
        return []
    items: list[_Item] = []
    for objective in drivers:
        driver = _objective(card, objective.id)
        items.append((objective.id, driver.weight, driver.score))
    return items


def _objective(card: Scorecard, id: str) -> ObjectiveResult:
    found = card[id]
    assert isinstance(found, ObjectiveResult)
    return found


def _key_result(card: Scorecard, id: str) -> KeyResultResult:
    found = card[id]
    assert isinstance(found, KeyResultResult)
    return found


def _split(items: Sequence[_Item]) -> tuple[Contribution, ...]:
    total = math.fsum(weight for _, weight, score in items if score is not None)
    found = []
    for id_, weight, score in items:
        if score is None or total == 0:
            share = gap = 0.0
        else:
            share = weight * score / total
            gap = weight * (1.0 - score) / total
        found.append(
            Contribution(
                id=id_, weight=float(weight), score=score, contribution=share, gap=gap
            )
        )
    return tuple(found)


def largest_gap(
    card: Scorecard,
    id: str,
    *,
    cascade: Cascade,
    rollup: RollUp = _DEFAULT_ROLLUP,
    tz: tzinfo = UTC,
) -> Contribution | None:
    """Return the child that leaves the most of a full score out, or None.

    None when nothing leaves a gap.  Ties go to the first child in order.

    >>> from datetime import date
    >>> from okrkit import evaluate, KeyResult, Measurement, Objective, Period
    >>> objectives = [Objective("o", "Grow", period=Period.quarter(2026, 1),
    ...     key_results=[KeyResult("a", "A", start=0, target=10, weight=3),
    ...                  KeyResult("b", "B", start=0, target=10)])]
    >>> card = evaluate(objectives, as_of=date(2026, 2, 15),
    ...     measurements={"a": [Measurement(date(2026, 2, 1), 8)]})
    >>> largest_gap(card, "o", cascade=Cascade.build(objectives)).id
    'b'
    """
    best = None
    for part in contributions(card, id, cascade=cascade, rollup=rollup, tz=tz):
        if part.gap > 0 and (best is None or part.gap > best.gap):
            best = part
    return best
