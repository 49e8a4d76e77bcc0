"""The engine: runs a plan against a check-in store, in roll-up order.

Data flow: definitions -> :class:`~okrkit._plan.Plan` -> check-in store ->
engine -> results (``_results.py``) gathered in a :class:`Scorecard`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from okrkit import _validate
from okrkit._format import percent
from okrkit._key_result_eval import (
    Reading,
    key_result_result,
    read_from_kpi,
    read_own,
    read_rolled,
)
from okrkit._kpi import KPI
from okrkit._kpi_eval import kpi_result, kpi_series
from okrkit._objective import Objective
from okrkit._plan import Driven, FromKpi, Node, Plan, Rolled
from okrkit._results import KeyResultResult, KPIResult, ObjectiveResult
from okrkit._scorecard import Scorecard
from okrkit._series import Series
from okrkit._status import Status
from okrkit._store import CheckinStore
from okrkit.alignment import Finding
from okrkit.scoring import Pace


class Engine:
    """One run of a plan: private working state, never shared."""

    def __init__(
        self, plan: Plan, store: CheckinStore, previous: Mapping[str, Status]
    ) -> None:
        self.plan = plan
        self.store = store
        self.previous = previous
        self.key_results: dict[str, KeyResultResult] = {}
        self.objectives: dict[str, ObjectiveResult] = {}
        self.measured: set[str] = set()  # ids with check-ins by as_of
        self.findings: list[Finding] = []  # what the data, not the cascade, shows

    def run(self) -> Scorecard:
        """Evaluate KPIs, then key results and objectives from the leaves up."""
        plan = self.plan
        kpis = {kpi_id: self._kpi(kpi) for kpi_id, kpi in plan.kpis.items()}
        for objective_id in plan.cascade.rollup_order:
            for node in plan.nodes[objective_id]:
                self.key_results[node.kr.id] = self._key_result(node)
            objective = plan.cascade.objective(objective_id)
            self.objectives[objective_id] = self._objective(objective)
        order = plan.cascade.order
        return Scorecard(
            as_of=plan.as_of,
            objectives=tuple(self.objectives[i] for i in order),
            key_results=tuple(
                self.key_results[node.kr.id] for i in order for node in plan.nodes[i]
            ),
            kpis=tuple(kpis[kpi.id] for kpi in plan.cascade.kpis),
            findings=plan.cascade.findings(measured=self.measured)
            + tuple(self.findings),
        )

    def _series(self, kpi: KPI) -> tuple[Series, ...]:
        parts = kpi_series(kpi, self.store)
        self.measured.update(
            id_
            for id_, part in zip(kpi.measured_ids, parts, strict=True)
            if part.times and part.times[0] <= self.plan.at
        )
        return parts

    def _kpi(self, kpi: KPI) -> KPIResult:
        plan = self.plan
        return kpi_result(
            kpi,
            self._series(kpi),
            as_of=plan.as_of,
            at=plan.at,
            window=plan.kpi_windows.get(kpi.id),
            previous=self.previous.get(kpi.id),
            clock=plan.options.clock,
        )

    def _key_result(self, node: Node) -> KeyResultResult:
        kr, view, source = node.kr, node.view, node.source
        if isinstance(source, FromKpi):
            parts = self._series(source.kpi)
            reading = read_from_kpi(kr, source.kpi, parts, view, view.clock)
            return self._score(node, reading)
        own = self.store.series(kr.id, kr.unit)
        has_own = bool(own.times) and own.times[0] <= self.plan.at
        if has_own:
            self.measured.add(kr.id)
            if isinstance(source, (Rolled, Driven)):
                self._overridden(node, source)
            return self._score(node, read_own(kr, own, view))
        if isinstance(source, Rolled):
            children = [self.key_results[i] for i in source.contributors]
            return self._score(node, read_rolled(kr, children, own, view))
        if isinstance(source, Driven):
            return self._driven(node, source, own)
        return self._score(node, read_own(kr, own, view))

    def _score(
        self,
        node: Node,
        reading: Reading,
        driven: tuple[str, float] | None = None,
    ) -> KeyResultResult:
        return key_result_result(
            reading,
            node.view,
            self.plan.options,
            as_of=self.plan.as_of,
            committed=node.objective.committed,
            driven=driven,
        )

    def _driven(self, node: Node, source: Driven, own: Series) -> KeyResultResult:
        """A key result driven by objectives: the weighted mean of their scores."""
        reading = read_own(node.kr, own, node.view)  # no check-ins: value None
        pairs = [
            (result.score, result.weight)
            for result in map(self.objectives.__getitem__, source.drivers)
            if result.score is not None
        ]
        total = math.fsum(weight for _, weight in pairs)
        if not pairs or total == 0 or not node.view.started:
            return self._score(node, reading)
        score = math.fsum(score * weight for score, weight in pairs) / total
        names = ", ".join(self.objectives[i].title for i in source.drivers)
        return self._score(node, reading, driven=(names, score))

    def _overridden(self, node: Node, source: Rolled | Driven) -> None:
        """Own check-ins win over contributors: never a silent choice."""
        what = (
            "key results contribute to it"
            if isinstance(source, Rolled)
            else "objectives contribute to it"
        )
        self.findings.append(
            Finding(
                "own-check-ins-override-contributors",
                "warning",
                node.kr.id,
                f"Key result {node.kr.id!r} has check-ins of its own and {what}; "
                "its own check-ins are used, the contributions are not.",
            )
        )

    def _objective(self, objective: Objective) -> ObjectiveResult:
        plan, rollup = self.plan, self.plan.options.rollup
        view = plan.views[objective.period]
        krs = [self.key_results[kr.id] for kr in objective.key_results]
        children = [
            self.objectives[c]
            for c in plan.cascade.children(objective.id)
            if plan.cascade.objective(c).parent == objective.id
        ]
        include = rollup.include
        if include == "children" and not children:
            include = "key_results"  # a leaf has only its key results to show
        pairs: list[tuple[float, float]] = []
        if include in ("both", "key_results"):
            for result in krs:
                self._add(pairs, result.score, result.weight, result.started)
        if include in ("both", "children"):
            for child in children:
                started = plan.views[child.period].started
                self._add(pairs, child.score, child.weight, started)
        score = None
        if pairs and math.fsum(weight for _, weight in pairs) > 0:
            score = rollup.combine(pairs)
            if score is not None:
                score = _validate.real(f"Objective {objective.id!r}", "score", score)
        options = plan.options
        status = options.pace.status(
            score, view.elapsed, target_score=options.target_score
        )
        grade = None
        if score is not None and options.grading is not None:
            grade = options.grading.grade(score, committed=objective.committed)
        confidences = [r.confidence for r in krs if r.confidence is not None]
        return ObjectiveResult(
            id=objective.id,
            title=objective.title,
            owner=objective.owner,
            period=objective.period,
            weight=objective.weight,
            committed=objective.committed,
            depth=plan.cascade.depth(objective.id),
            parent=plan.cascade.parent_of(objective.id),
            progress=score,
            score=score,
            status=status,
            grade=grade,
            expected=view.elapsed,
            confidence=math.fsum(confidences) / len(confidences)
            if confidences
            else None,
            key_results=objective.key_result_ids,
            children=plan.cascade.children(objective.id),
            health=objective.health,
            related=objective.related,
            reason=_objective_reason(
                objective, score, view.elapsed, status, krs, children, view.started
            ),
        )

    def _add(
        self,
        pairs: list[tuple[float, float]],
        score: float | None,
        weight: float,
        started: bool,
    ) -> None:
        if score is not None:
            pairs.append((score, weight))
        elif started and self.plan.options.rollup.no_data == "zero":
            pairs.append((0.0, weight))


def _objective_reason(
    objective: Objective,
    score: float | None,
    expected: float,
    status: Status,
    krs: list[KeyResultResult],
    children: list[ObjectiveResult],
    started: bool,
) -> str:
    if not started:
        return f"{objective.title}: {objective.period} has not started."
    parts = []
    if krs:
        parts.append(f"{len(krs)} key result{'s' if len(krs) != 1 else ''}")
    if children:
        parts.append(
            f"{len(children)} team objective{'s' if len(children) != 1 else ''}"
        )
    counted = " and ".join(parts) or "nothing to roll up"
    if score is None:
        weights = [r.weight for r in krs] + [c.weight for c in children]
        if weights and not any(weights):
            return f"{objective.title}: no score: every weight is 0 ({counted})."
        return f"{objective.title}: no score yet ({counted} without check-ins)."
    scored = [r for r in krs if r.score is not None]
    weakest = ""
    if len(scored) > 1:
        low = min(scored, key=lambda r: r.score if r.score is not None else 0.0)
        weakest = f"; weakest: {low.title} ({percent(low.score or 0.0)})"
    return (
        f"{objective.title}: {percent(score)} at {percent(expected)} of "
        f"{objective.period}, {Pace.words(status)} ({counted}{weakest})."
    )
