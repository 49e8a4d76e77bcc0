"""The engine: runs a plan against a check-in store, in roll-up order.

Data flow: definitions -> :class:`~okrkit._plan.Plan` -> check-in store ->
engine -> results (``_results.py``) gathered in a :class:`Scorecard`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import tzinfo
from functools import partial
from operator import itemgetter
from typing import NamedTuple, cast

from okrkit import _validate
from okrkit._aggregation import Aggregation
from okrkit._contributions import Item, split
from okrkit._format import percent
from okrkit._key_result import KeyResult, Kind
from okrkit._key_result_eval import (
    Reading,
    Scored,
    key_result_result,
    reach_chance,
    read_from_kpi,
    read_own,
    read_rolled,
    score_numbers,
    score_reading,
)
from okrkit._kpi import KPI
from okrkit._kpi_eval import kpi_result, kpi_series
from okrkit._objective import Objective
from okrkit._plan import Driven, FromKpi, Node, Options, Own, Plan, Rolled, View
from okrkit._probability import objective_probability
from okrkit._results import (
    Contribution,
    KPIResult,
    ObjectiveResult,
    Result,
    later,
    trusted,
)
from okrkit._scorecard import Scorecard
from okrkit._status import Status
from okrkit._store import CheckinStore
from okrkit._summary import Part, has_by, over
from okrkit.alignment import Cascade, Finding
from okrkit.scoring import Pace, _weighted_mean_of, _weighted_means_of, weighted_mean


class RolledUp(NamedTuple):
    """An objective's numbers: what its parent's roll-up needs."""

    score: float | None
    status: Status
    grade: Status | None
    weight: float
    started: bool


class Engine:
    """One run of a plan: private working state, never shared.

    The run works out every score; result objects (with reasons and
    forecasts) are made when the scorecard is read (:meth:`make`).
    """

    def __init__(
        self,
        plan: Plan,
        store: CheckinStore,
        previous: Mapping[str, Status],
        findings: Iterable[Finding] = (),
    ) -> None:
        self.plan = plan
        self.store = store
        self.previous = previous
        self.key_results: dict[str, Scored] = {}
        self.objectives: dict[str, RolledUp] = {}
        self.kpis: dict[str, KPIResult] = {}
        self.groups: dict[str, tuple[str, ...]] = {}
        # What each driven key result rolled up: id, weight, score as counted
        # (None: skipped), for contributions (an objective's: _items).
        self.items: dict[str, tuple[Item, ...]] = {}
        self.chances: dict[tuple[str, float], float | None] = {}
        self.readers: dict[int, Callable[[KeyResult], Reading]] = {}
        self.measured: set[str] = set()  # ids with check-ins by as_of
        # What the data and the policy show, beside the cascade's own findings.
        self.findings: list[Finding] = list(findings)

    def run(self) -> Scorecard:
        """Evaluate KPIs, then key results and objectives from the leaves up."""
        plan = self.plan
        self.kpis = {kpi_id: self._kpi(kpi) for kpi_id, kpi in plan.kpis.items()}
        for objective_id in plan.cascade.rollup_order:
            for node in plan.nodes[objective_id]:
                self.key_results[node.kr.id] = self._key_result(node)
            objective = plan.cascade.objective(objective_id)
            self.objectives[objective_id] = self._objective(objective)
        order = plan.cascade.order
        self.groups = {
            "objectives": order,
            "key_results": tuple(node.kr.id for i in order for node in plan.nodes[i]),
            "kpis": tuple(kpi.id for kpi in plan.cascade.kpis),
        }
        findings = plan.cascade.findings(measured=self.measured)
        return Scorecard._deferred(
            as_of=plan.as_of, findings=findings + tuple(self.findings), pending=self
        )

    # -- results, made when read --------------------------------------------------

    def ids(self, group: str) -> tuple[str, ...]:
        """The ids of a group of results, in scorecard order."""
        return self.groups[group]

    def has(self, id: str) -> bool:
        """Whether the evaluation has a result for ``id``."""
        return id in self.key_results or id in self.objectives or id in self.kpis

    def zone(self) -> tzinfo:
        """The time zone the evaluation placed dates and naive times in."""
        return self.plan.options.clock.tz

    def make(self, id: str) -> Result:
        """Make the result object of ``id``."""
        scored = self.key_results.get(id)
        if scored is not None:
            parts = self._contributions(id) if id in self.items else ()
            return key_result_result(scored, self.plan.options.clock, parts)
        if id in self.objectives:
            return self._objective_result(self.plan.cascade.objective(id))
        return self.kpis[id]

    def _series(self, kpi: KPI) -> tuple[Part, ...]:
        parts = kpi_series(kpi, self.store)
        self.measured.update(
            id_
            for id_, part in zip(kpi.measured_ids, parts, strict=True)
            if has_by(part, self.plan.at)
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

    def _key_result(self, node: Node) -> Scored:
        kr, source = node.kr, node.source
        view = self.plan.views[node.period]
        if isinstance(source, FromKpi):
            parts = self._series(source.kpi)
            reading = read_from_kpi(kr, source.kpi, parts, view, view.clock)
            return self._score(node, reading)
        if isinstance(source, Own) and _reads_last(kr):
            quick = self._last_only(node)
            if quick is not None:
                return quick
        own = self.store.series(kr.id, kr.unit)
        if has_by(own, self.plan.at):
            self.measured.add(kr.id)
            if isinstance(source, (Rolled, Driven)):
                self._overridden(node, source)
            return self._score(node, read_own(kr, own, view))
        if isinstance(source, Rolled):
            children = [self.key_results[i].reading for i in source.contributors]
            values = [(child.value, child.unit) for child in children]
            return self._score(node, read_rolled(kr, values, own, view))
        if isinstance(source, Driven):
            return self._driven(node, source, own)
        return self._score(node, read_own(kr, own, view))

    def _last_only(self, node: Node) -> Scored | None:
        """Score a key result from its LAST value alone, its series read later.

        The value comes from the plain check-ins' columns, or from a frame's
        summary; the series, the latest check-in and the forecast's points
        (or sums) are read only if its result is (None: the store has no
        such shortcut, and the series is read now).
        """
        kr, view, store = node.kr, self.plan.views[node.period], self.store
        at, window = self.plan.at, view.window
        found = store.last_in(kr.id, window, at, kr.unit)
        if found is not None:
            value, measured = found
        elif store.summarized:
            # A summary is a few cells, made again (cheaply) when read.
            part = store.series(kr.id, kr.unit)
            last = Aggregation.LAST
            value = over(part, window.start, window.end, window.inclusive, last)
            measured = has_by(part, at)
        else:
            return None
        if measured:
            self.measured.add(kr.id)

        return score_numbers(
            kr,
            value if view.started else None,
            self._reader(view),
            view,
            self.plan.options,
            as_of=self.plan.as_of,
            committed=node.objective.committed,
        )

    def _reader(self, view: View) -> Callable[[KeyResult], Reading]:
        """The one reader of own check-ins for every key result of a view."""
        # By identity: the plan holds each view for the whole evaluation,
        # and hashing a view's fields for every key result would cost.
        reader = self.readers.get(id(view))
        if reader is None:
            reader = self.readers[id(view)] = partial(_read_later, self.store, view)
        return reader

    def _score(
        self,
        node: Node,
        reading: Reading,
        driven: tuple[str, float] | None = None,
    ) -> Scored:
        return score_reading(
            reading,
            self.plan.views[node.period],
            self.plan.options,
            as_of=self.plan.as_of,
            committed=node.objective.committed,
            driven=driven,
        )

    def _driven(self, node: Node, source: Driven, own: Part) -> Scored:
        """A key result driven by objectives: the weighted mean of their scores."""
        view = self.plan.views[node.period]
        reading = read_own(node.kr, own, view)  # no check-ins: value None
        items = tuple(
            (driver, result.weight, result.score)
            for driver, result in zip(
                source.drivers,
                map(self.objectives.__getitem__, source.drivers),
                strict=True,
            )
        )
        # Before its period starts the key result has no score to split.
        started = view.started
        self.items[node.kr.id] = tuple(
            (i, weight, score if started else None) for i, weight, score in items
        )
        driven = driven_by(self.plan, source, items, started)
        return self._score(node, reading, driven=driven)

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

    def _children(self, objective: Objective) -> tuple[str, ...]:
        return child_objectives(self.plan.cascade, objective.id)

    def _objective(self, objective: Objective) -> RolledUp:
        """Roll an objective's key results and child objectives up into a score."""
        plan = self.plan
        view = plan.views[objective.period]
        return roll_up(objective, self._objective_items(objective), view, plan.options)

    def _objective_items(self, objective: Objective) -> list[Item]:
        """An objective's items: each key result's and child's counted score.

        Not kept: contributions and likelihoods, read rarely, work them out
        again from the (kept) results, and an evaluation leaves a few
        objects fewer per objective for the garbage collector.
        """
        plan = self.plan
        krs, children = rolled_parts(plan, objective)
        items: list[Item] = []
        no_data = plan.options.rollup.no_data
        for kr in krs:
            scored = self.key_results[kr.id]
            counted = counted_score(scored.score, scored.view.started, no_data)
            items.append((kr.id, kr.weight, counted))
        for child_id in children:
            child = self.objectives[child_id]
            counted = counted_score(child.score, child.started, no_data)
            items.append((child_id, child.weight, counted))
        return items

    def _items(self, id: str) -> Sequence[Item]:
        """The items of a roll-up: a driven key result's (kept) or an objective's."""
        found = self.items.get(id)
        if found is not None:
            return found
        return self._objective_items(self.plan.cascade.objective(id))

    def _objective_result(self, objective: Objective) -> ObjectiveResult:
        plan = self.plan
        view = plan.views[objective.period]
        rolled = self.objectives[objective.id]
        krs = [self.key_results[kr.id] for kr in objective.key_results]
        threshold = 1.0 if objective.committed else 0.7
        return trusted(
            ObjectiveResult,
            id=objective.id,
            title=objective.title,
            owner=objective.owner,
            period=objective.period,
            weight=objective.weight,
            committed=objective.committed,
            depth=plan.cascade.depth(objective.id),
            parent=plan.cascade.parent_of(objective.id),
            progress=rolled.score,
            score=rolled.score,
            status=rolled.status,
            grade=rolled.grade,
            expected=view.elapsed,
            # Both read every key result's check-ins: worked out when read.
            confidence=later(partial(_confidence, krs)),
            key_results=objective.key_result_ids,
            children=plan.cascade.children(objective.id),
            health=objective.health,
            related=objective.related,
            probability=later(partial(self._chance, objective.id, threshold)),
            # Shares and words cost more than the score: made when read.
            contributions=later(partial(self._contributions, objective.id)),
            reason=later(partial(self._reason_of, objective, krs)),
        )

    def _reason_of(self, objective: Objective, krs: list[Scored]) -> str:
        """An objective's reason, from its roll-up and its key results' scores."""
        view = self.plan.views[objective.period]
        children = self._children(objective)
        return _objective_reason(
            objective,
            self.objectives[objective.id],
            view.elapsed,
            list(zip(objective.key_results, krs, strict=True)),
            [self.objectives[c].weight for c in children],
            view.started,
        )

    def _contributions(self, id: str) -> tuple[Contribution, ...]:
        """Each child's share of ``id``'s score (a weighted mean splits; others not)."""
        if self.plan.options.rollup.combine is not weighted_mean:
            return ()
        return split(self._items(id))

    def _chance(self, id: str, threshold: float) -> float | None:
        """The chance objective ``id`` reaches ``threshold``, children independent.

        A child objective counts with its chance of a full score.  Those are
        worked out first, deepest first, without recursion: a cascade may be
        thousands of levels deep.
        """
        key = (id, threshold)
        if key not in self.chances:
            order, waiting = [], [id]
            while waiting:
                current = waiting.pop()
                order.append(current)
                waiting.extend(
                    child
                    for child, _, _ in self._items(current)
                    if child in self.objectives and (child, 1.0) not in self.chances
                )
            for current in reversed(order[1:]):  # children before their parents
                if (current, 1.0) not in self.chances:
                    self.chances[(current, 1.0)] = self._combine(current, 1.0)
            self.chances[key] = self._combine(id, threshold)
        return self.chances[key]

    def _combine(self, id: str, threshold: float) -> float | None:
        """An objective's chance from its items' (child objectives' known first)."""
        probabilities, weights, scores = [], [], []
        for child, weight, score in self._items(id):
            if score is None or weight == 0:
                continue  # skipped, or counting for nothing
            scored = self.key_results.get(child)
            if scored is None:
                chance = self.chances[(child, 1.0)]
            else:
                chance = self._key_result_chance(child, scored)
            if chance is None:  # one unknown chance leaves the whole unknown
                return None
            probabilities.append(chance)
            weights.append(weight)
            scores.append(score)
        return objective_probability(probabilities, weights, threshold, scores)

    def _key_result_chance(self, id: str, scored: Scored) -> float | None:
        key = (id, -1.0)  # the key results' own entries in the cache
        if key not in self.chances:
            self.chances[key] = reach_chance(scored, self.plan.options.clock)
        return self.chances[key]


def _read_later(store: CheckinStore, view: View, kr: KeyResult) -> Reading:
    """Read a key result's own series now: its result is being made."""
    return read_own(kr, store.series(kr.id, kr.unit), view)


def _reads_last(kr: KeyResult) -> bool:
    """Whether a key result's value is the LAST check-in of one window."""
    last = kr.aggregation is None or kr.aggregation is Aggregation.LAST
    return last and kr.kind is not Kind.RATE


def driven_by(
    plan: Plan, source: Driven, items: Iterable[Item], started: bool
) -> tuple[str, float] | None:
    """A driven key result's (drivers' titles, weighted mean of their scores).

    None before its period starts, or when no driver has a weighted score.
    """
    pairs = [(score, weight) for _, weight, score in items if score is not None]
    total = math.fsum(weight for _, weight in pairs)
    if not pairs or total == 0 or not started:
        return None
    score = math.fsum(score * weight for score, weight in pairs) / total
    names = ", ".join(plan.cascade.objective(i).title for i in source.drivers)
    return names, score


def child_objectives(cascade: Cascade, id: str) -> tuple[str, ...]:
    """The objectives whose scores roll into ``id`` (its children by ``parent``)."""
    return tuple(c for c in cascade.children(id) if cascade.objective(c).parent == id)


def rolled_parts(
    plan: Plan, objective: Objective
) -> tuple[tuple[KeyResult, ...], tuple[str, ...]]:
    """The key results and child objectives an objective rolls up, by ``include``."""
    include = plan.options.rollup.include
    children = child_objectives(plan.cascade, objective.id)
    if include == "children" and not children:
        include = "key_results"  # a leaf has only its key results to show
    krs = objective.key_results if include in ("both", "key_results") else ()
    return krs, children if include in ("both", "children") else ()


def counted_score(score: float | None, started: bool, no_data: str) -> float | None:
    """A score as the roll-up counts it: no check-in may count as 0."""
    if score is not None:
        return score
    if started and no_data == "zero":
        return 0.0
    return None


def roll_up(
    objective: Objective, items: Sequence[Item], view: View, options: Options
) -> RolledUp:
    """An objective's score, status and grade from its items' counted scores."""
    weights = [weight for _, weight, _ in items]
    score = rolled_score(objective, weights, [score for _, _, score in items], options)
    status = options.status(score, view.elapsed)
    grade = None
    if score is not None and options.grading is not None:
        grade = options.grading.grade(score, committed=objective.committed)
    return RolledUp(score, status, grade, objective.weight, view.started)


def rolled_score(
    objective: Objective,
    weights: Sequence[float],
    scores: Sequence[float | None],
    options: Options,
) -> float | None:
    """The roll-up of counted ``scores`` (None: skipped) with their ``weights``."""
    counted: Sequence[float] = scores  # type: ignore[assignment]  # None: next
    if None in scores:
        weights = [w for s, w in zip(scores, weights, strict=True) if s is not None]
        counted = [s for s in scores if s is not None]
    # Weights are 0 or more: none above 0 is nothing to roll up (any() and
    # not a sum: the weights may be finite and their sum not).
    if not counted or not any(weights):
        return None
    combine = options.rollup.combine
    # The engine's scores and weights are finite floats, weights 0 or more:
    # the default mean needs no second look at them.
    if combine is weighted_mean:
        score = _weighted_mean_of(counted, weights)
    else:
        score = combine(list(zip(counted, weights, strict=True)))
    if score is not None:
        score = _validate.real(f"Objective {objective.id!r}", "score", score)
    return score


def rolled_scores(
    objective: Objective,
    weights: Sequence[float],
    columns: Sequence[Sequence[float | None]],
    options: Options,
    *,
    complete: bool = False,
) -> list[float | None]:
    """:func:`rolled_score` at many dates: ``columns[i]`` holds item i's scores.

    The default mean of items none of which is skipped is worked out for
    all dates at once; anything else takes the single path date by date.
    ``complete``: the caller knows no column holds None (not looked at again).
    """
    if not columns:
        return []
    if options.rollup.combine is weighted_mean and (
        complete or all(None not in c for c in columns)
    ):
        checked = cast("Sequence[Sequence[float]]", columns)
        means = _weighted_means_of(checked, weights)
        if means is not None:
            return cast("list[float | None]", means)
    rows = zip(*columns, strict=True)
    return [rolled_score(objective, weights, row, options) for row in rows]


def _confidence(krs: Sequence[Scored]) -> float | None:
    """The mean confidence of the key results' latest check-ins (None: none has one)."""
    confidences = [
        s.reading.latest.confidence
        for s in krs
        if s.reading.latest is not None and s.reading.latest.confidence is not None
    ]
    return math.fsum(confidences) / len(confidences) if confidences else None


def _objective_reason(
    objective: Objective,
    rolled: RolledUp,
    expected: float,
    krs: list[tuple[KeyResult, Scored]],
    child_weights: list[float],
    started: bool,
) -> str:
    if not started:
        return f"{objective.title}: {objective.period} has not started."
    parts = []
    if krs:
        parts.append(f"{len(krs)} key result{'s' if len(krs) != 1 else ''}")
    if child_weights:
        count = len(child_weights)
        parts.append(f"{count} team objective{'s' if count != 1 else ''}")
    counted = " and ".join(parts) or "nothing to roll up"
    score = rolled.score
    if score is None:
        weights = [kr.weight for kr in objective.key_results] + child_weights
        if weights and not any(weights):
            return f"{objective.title}: no score: every weight is 0 ({counted})."
        return f"{objective.title}: no score yet ({counted} without check-ins)."
    # Titles from the definitions: the reason reads no check-ins.
    scored = [(kr, s.score) for kr, s in krs if s.score is not None]
    weakest = ""
    if len(scored) > 1:
        kr, low = min(scored, key=itemgetter(1))
        weakest = f"; weakest: {kr.title} ({percent(low)})"
    return (
        f"{objective.title}: {percent(score)} at {percent(expected)} of "
        f"{objective.period}, {Pace.words(rolled.status)} ({counted}{weakest})."
    )
