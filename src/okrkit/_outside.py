"""Part of an organisation: references that point outside the evaluation.

A web app often evaluates one team's objectives alone: their parent, the key
results they contribute to, and check-ins of other teams are not in the
list.  With ``outside="finding"`` such references are cut (the objective
becomes a root of this evaluation) and each cut is reported as a finding;
with ``outside="error"`` (the default) they are errors, so that a misspelt
id never silently turns an objective into a root.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, cast

import attrs

from okrkit._kpi import KPI
from okrkit._objective import Objective
from okrkit.alignment import Finding
from okrkit.exceptions import InvalidValueError

Outside = Literal["error", "finding"]


def check_outside(subject: str, outside: object) -> Outside:
    """Check the ``outside`` policy argument."""
    if outside not in ("error", "finding"):
        raise InvalidValueError(
            subject=subject,
            field="outside",
            value=outside,
            expected="'error' or 'finding'",
        )
    return "error" if outside == "error" else "finding"


def within(
    objectives: Iterable[Objective], kpis: Iterable[KPI]
) -> tuple[list[Objective], list[Finding]]:
    """Cut the references that point outside these objectives and KPIs."""
    given: list[object] = list(objectives)  # typed loosely: callers pass anything
    if not all(isinstance(o, Objective) for o in given):
        return cast("list[Objective]", given), []  # Cascade.build says why
    mine = [o for o in given if isinstance(o, Objective)]
    kpi_ids = {kpi.id for kpi in kpis if isinstance(kpi, KPI)}
    objective_ids = {o.id for o in mine}
    kr_ids = {kr.id for o in mine for kr in o.key_results}
    kept: list[Objective] = []
    findings: list[Finding] = []
    for objective in mine:
        cut: dict[str, object] = {}
        if objective.parent is not None and objective.parent not in objective_ids:
            cut["parent"] = None
        if (
            objective.contributes_to is not None
            and objective.contributes_to not in kr_ids
        ):
            cut["contributes_to"] = None
        health = tuple(k for k in objective.health if k in kpi_ids)
        if health != objective.health:
            cut["health"] = health
        related = tuple(r for r in objective.related if r in objective_ids)
        if related != objective.related:
            cut["related"] = related
        key_results = tuple(
            attrs.evolve(kr, contributes_to=None)
            if kr.contributes_to is not None and kr.contributes_to not in kr_ids
            else kr
            for kr in objective.key_results
        )
        if key_results != objective.key_results:
            cut["key_results"] = key_results
        if cut:
            findings.append(_finding(objective, sorted(cut)))
            objective = attrs.evolve(objective, **cut)  # type: ignore[arg-type]
        kept.append(objective)
    return kept, findings


def _finding(objective: Objective, fields: list[str]) -> Finding:
    return Finding(
        "outside-reference",
        "info",
        objective.id,
        f"Objective {objective.id!r} refers outside this evaluation "
        f"({', '.join(fields)}); those links are left out here.",
    )


def unused_check_ins(ids: Iterable[str]) -> list[Finding]:
    """Findings for check-ins of ids no key result or KPI here reads."""
    return [
        Finding(
            "check-ins-outside",
            "info",
            id_,
            f"Check-ins for {id_!r} are not read: no key result or KPI in this "
            "evaluation has that id.",
        )
        for id_ in sorted(ids)
    ]
