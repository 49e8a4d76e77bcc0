"""evaluate(): definitions + measurements + as_of -> Scorecard."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, tzinfo
from types import MappingProxyType

import attrs

from okrkit import _validate
from okrkit._aggregation import Aggregation
from okrkit._format import percent
from okrkit._key_result import KeyResult
from okrkit._key_result_eval import (
    Frame,
    Source,
    key_result_result,
)
from okrkit._kpi import KPI, MeasurementSource
from okrkit._kpi_eval import kpi_result
from okrkit._measurement import Measurement
from okrkit._objective import Objective
from okrkit._period import Period
from okrkit._results import KeyResultResult, KPIResult, ObjectiveResult
from okrkit._scorecard import Scorecard
from okrkit._series import Series, build_series
from okrkit._status import Status
from okrkit._time import check_tz, day_key, instant_key
from okrkit.alignment import Cascade
from okrkit.exceptions import UnknownIdError
from okrkit.scoring import Grading, Linear, Pace, RollUp, ScoringStrategy
from okrkit.units import conversion

_NO_MEASUREMENTS: Mapping[str, Iterable[Measurement]] = MappingProxyType({})
_NO_STATUSES: Mapping[str, Status] = MappingProxyType({})


def evaluate(
    objectives: Iterable[Objective],
    *,
    kpis: Iterable[KPI] = (),
    measurements: Mapping[str, MeasurementSource] = _NO_MEASUREMENTS,
    as_of: date,
    scoring: ScoringStrategy | None = None,
    rollup: RollUp | None = None,
    pace: Pace | None = None,
    tz: tzinfo = UTC,
    previous: Mapping[str, Status] = _NO_STATUSES,
) -> Scorecard:
    """Evaluate objectives, key results and KPIs as of ``as_of``.

    ``measurements`` maps a key result id or a KPI id (or a ratio KPI's
    numerator or denominator id) to its check-ins; only check-ins at or before
    ``as_of`` count.  ``scoring`` defaults to ``Linear()``, ``rollup`` to
    ``RollUp()`` (weighted mean of key results and child objectives, a started
    key result without check-ins counting as 0), ``pace`` to ``Pace()``.

    ``previous`` maps KPI ids to the status last reported for them, for the
    KPIs' hysteresis (okrkit stores nothing between evaluations).

    Duplicate ids, unknown ids and cycles raise; advice comes back as the
    scorecard's ``findings``.

    >>> from okrkit import Objective, KeyResult, Measurement, Period
    >>> q1 = Period.quarter(2026, 1)
    >>> company = Objective("co", "Grow revenue", period=q1, key_results=[
    ...     KeyResult("signups", "3,000 sign-ups", start=0, target=3000)])
    >>> teams = [Objective(f"t{i}", f"Team {i}", period=q1, parent="co",
    ...     key_results=[KeyResult(f"s{i}", "1,000 sign-ups", start=0, target=1000,
    ...                            contributes_to="signups")]) for i in (1, 2, 3)]
    >>> card = evaluate([company, *teams], as_of=date(2026, 2, 15), measurements={
    ...     "s1": [Measurement(date(2026, 2, 1), 600)],
    ...     "s2": [Measurement(date(2026, 2, 1), 500)],
    ...     "s3": [Measurement(date(2026, 2, 1), 400)]})
    >>> card["signups"].value, card["signups"].progress
    (1500.0, 0.5)
    """
    cascade = Cascade.build(objectives, kpis=kpis)
    _validate.instant("evaluate", "as_of", as_of)
    check_tz("evaluate", tz)
    scoring = scoring if scoring is not None else Linear()
    _validate.of_type(
        "evaluate",
        "scoring",
        scoring,
        ScoringStrategy,
        "a scoring strategy (an object with score())",
    )
    rollup = rollup if rollup is not None else RollUp()
    _validate.of_type("evaluate", "rollup", rollup, RollUp, "a RollUp")
    pace = pace if pace is not None else Pace()
    _validate.of_type("evaluate", "pace", pace, Pace, "a Pace")
    _validate.of_type(
        "evaluate",
        "measurements",
        measurements,
        Mapping,
        "a mapping from id to measurements",
    )
    _validate.of_type(
        "evaluate", "previous", previous, Mapping, "a mapping from KPI id to Status"
    )
    known_kpis = {kpi.id for kpi in cascade.kpis}
    for kpi_id, status in previous.items():
        if kpi_id not in known_kpis:
            raise UnknownIdError(
                subject="evaluate",
                field="previous",
                value=kpi_id,
                expected="the id of a known KPI",
            )
        _validate.of_type("evaluate", "previous", status, Status, "a Status")
    # One-shot iterables (generators) are read once here, since an id may be
    # indexed in more than one unit.
    stable = {
        id_: items if isinstance(items, (list, tuple, Series)) else list(items)
        for id_, items in measurements.items()
    }
    return _Evaluation(
        cascade, stable, as_of, scoring, rollup, pace, tz, previous
    ).run()


@attrs.define
class _Evaluation:
    """One evaluation's working state (private, never shared)."""

    cascade: Cascade
    measurements: Mapping[str, MeasurementSource]
    as_of: date
    scoring: ScoringStrategy
    rollup: RollUp
    pace: Pace
    tz: tzinfo
    previous: Mapping[str, Status]
    series: dict[tuple[str, str | None], Series] = attrs.Factory(dict)
    frames: dict[Period, Frame] = attrs.Factory(dict)
    measured: set[str] = attrs.Factory(set)  # key results with check-ins
    kr_results: dict[str, KeyResultResult] = attrs.Factory(dict)
    objective_results: dict[str, ObjectiveResult] = attrs.Factory(dict)
    grading: Grading | None = None
    at: float = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.at = instant_key(self.as_of, self.tz)  # the as-of instant as a key

    def run(self) -> Scorecard:
        self.grading = self.scoring if isinstance(self.scoring, Grading) else None
        self._check_measurement_ids()
        kpis = {kpi.id: kpi for kpi in self.cascade.kpis}
        kpi_results = self._kpis(kpis)
        contributions: dict[str, list[str]] = defaultdict(list)
        drivers: dict[str, list[str]] = defaultdict(list)
        for objective in self.cascade.objectives:
            if objective.contributes_to is not None:
                drivers[objective.contributes_to].append(objective.id)
            for kr in objective.key_results:
                if kr.contributes_to is not None:
                    contributions[kr.contributes_to].append(kr.id)
        for objective_id in self.cascade.rollup_order:
            objective = self.cascade.objective(objective_id)
            for kr in objective.key_results:
                self.kr_results[kr.id] = self._key_result(
                    kr,
                    objective,
                    kpis,
                    contributions.get(kr.id, ()),
                    drivers.get(kr.id, ()),
                )
            self.objective_results[objective_id] = self._objective(objective)
        measured = self.measured | {
            id_
            for (id_, _), series in self.series.items()
            if series.times and series.times[0] <= self.at
        }
        ordered = self.cascade.order
        return Scorecard(
            as_of=self.as_of,
            objectives=tuple(self.objective_results[i] for i in ordered),
            key_results=tuple(
                self.kr_results[kr.id]
                for i in ordered
                for kr in self.cascade.objective(i).key_results
            ),
            kpis=tuple(kpi_results[kpi.id] for kpi in self.cascade.kpis),
            findings=self.cascade.findings(measured=measured),
        )

    # -- inputs ---------------------------------------------------------------

    def _check_measurement_ids(self) -> None:
        known = {kr.id for o in self.cascade.objectives for kr in o.key_results}
        for kpi in self.cascade.kpis:
            known.update(kpi.measured_ids)
        for id_ in self.measurements:
            if id_ not in known:
                raise UnknownIdError(
                    subject="evaluate",
                    field="measurements",
                    value=id_,
                    expected="the id of a key result or KPI (or a ratio KPI's "
                    "numerator or denominator)",
                )

    def _series(self, id_: str, unit: str | None) -> Series:
        """The series of a KPI's id, built once: several key results may read it."""
        key = (id_, unit)
        found = self.series.get(key)
        if found is None:
            found = self.series[key] = self._build_series(id_, unit)
        return found

    def _build_series(self, id_: str, unit: str | None) -> Series:
        source = self.measurements.get(id_, ())
        if isinstance(source, Series) and source.unit == unit:
            return source
        # Check-ins after as_of never count: leave them out up front.
        return build_series(
            Series,
            id_,
            source.measurements if isinstance(source, Series) else source,
            unit=unit,
            tz=self.tz,
            until=self.at,
        )

    def _kpi_series(self, kpi: KPI) -> tuple[Series, ...]:
        if kpi.is_ratio:
            assert kpi.numerator is not None
            assert kpi.denominator is not None
            return (
                self._series(kpi.numerator, kpi.numerator_unit),
                self._series(kpi.denominator, kpi.denominator_unit),
            )
        return (self._series(kpi.id, kpi.unit),)

    # -- KPIs -------------------------------------------------------------------

    def _kpis(self, kpis: Mapping[str, KPI]) -> dict[str, KPIResult]:
        windows: dict[str, Period] = {}
        for objective_id in self.cascade.order:
            objective = self.cascade.objective(objective_id)
            for kpi_id in objective.health:
                windows.setdefault(kpi_id, objective.period)
            for kr in objective.key_results:
                if kr.kpi is not None:
                    windows.setdefault(kr.kpi, objective.period)
        return {
            kpi.id: kpi_result(
                kpi,
                self._kpi_series(kpi),
                as_of=self.as_of,
                window=windows.get(kpi.id),
                previous=self.previous.get(kpi.id),
                tz=self.tz,
            )
            for kpi in kpis.values()
        }

    # -- key results ------------------------------------------------------------

    def _key_result(
        self,
        kr: KeyResult,
        objective: Objective,
        kpis: Mapping[str, KPI],
        contributors: Iterable[str],
        drivers: Iterable[str],
    ) -> KeyResultResult:
        if kr.kpi is not None:
            kpi = kpis[kr.kpi]
            return self._run(
                kr, Source(series=self._kpi_series(kpi), kpi=kpi), objective
            )
        # A key result's own series is read once, so it is not kept: freed
        # right away, it costs the garbage collector nothing.
        own = self.series.get((kr.id, kr.unit))
        if own is None:
            own = self._build_series(kr.id, kr.unit)
        source = Source(series=(own,))
        has_own = bool(own.times) and own.times[0] <= self.at
        if has_own:
            self.measured.add(kr.id)
        contributors = tuple(contributors)
        drivers = tuple(drivers)
        if not has_own and contributors:
            value = self._contributed_value(kr, contributors)
            return self._run(kr, source, objective, value=value, override=True)
        if not has_own and drivers:
            return self._driven(kr, source, drivers, objective)
        return self._run(kr, source, objective)

    def _run(
        self,
        kr: KeyResult,
        source: Source,
        objective: Objective,
        *,
        value: float | None = None,
        override: bool = False,
    ) -> KeyResultResult:
        return key_result_result(
            kr,
            source,
            period=objective.period,
            as_of=self.as_of,
            scoring=self.scoring,
            pace=self.pace,
            committed=objective.committed,
            tz=self.tz,
            value_override=value,
            override=override,
            grading=self.grading,
            frame=self._frame(objective.period),
        )

    def _frame(self, period: Period) -> Frame:
        found = self.frames.get(period)
        if found is None:
            found = self.frames[period] = Frame.of(period, self.as_of, self.tz)
        return found

    def _contributed_value(
        self, kr: KeyResult, contributors: tuple[str, ...]
    ) -> float | None:
        """Value roll-up: SUM (or the parent's aggregation) of the children's values."""
        values = []
        for child_id in contributors:
            child = self.kr_results[child_id]
            if child.value is None:
                continue
            step = conversion(child.unit, kr.unit)
            values.append(step.apply(child.value))
        if not values:
            return None
        return (kr.aggregation or Aggregation.SUM).apply(values)

    def _driven(
        self,
        kr: KeyResult,
        source: Source,
        drivers: tuple[str, ...],
        objective: Objective,
    ) -> KeyResultResult:
        """A key result driven by objectives: the weighted mean of their scores."""
        base = self._run(kr, source, objective, override=True)
        pairs = []
        for driver_id in drivers:
            driver = self.objective_results[driver_id]
            if driver.score is not None:
                pairs.append((driver.score, driver.weight))
        total = math.fsum(w for _, w in pairs)
        if not pairs or total == 0:
            return base
        score = math.fsum(s * w for s, w in pairs) / total
        target_score = getattr(self.scoring, "target_score", 1.0)
        status = self.pace.status(score, base.expected, target_score=target_score)
        names = ", ".join(self.objective_results[d].title for d in drivers)
        period = objective.period
        return attrs.evolve(
            base,
            progress=score,
            score=score,
            status=status,
            reason=f"{kr.title}: driven by {names}: {percent(score)} at "
            f"{percent(base.expected)} of {period}, {Pace.words(status)}.",
        )

    # -- objectives --------------------------------------------------------------

    def _objective(self, objective: Objective) -> ObjectiveResult:
        pairs: list[tuple[float, float]] = []
        at = instant_key(self.as_of, self.tz)
        started = at >= day_key(objective.period.start)
        krs = [self.kr_results[kr.id] for kr in objective.key_results]
        children = [
            self.objective_results[c]
            for c in self.cascade.children(objective.id)
            if self.cascade.objective(c).parent == objective.id
        ]
        include = self.rollup.include
        if include == "children" and not children:
            include = "key_results"  # a leaf has only its key results to show
        if include in ("both", "key_results"):
            for result in krs:
                self._add(pairs, result.score, result.weight, result.started)
        if include in ("both", "children"):
            for child in children:
                child_started = at >= day_key(child.period.start)
                self._add(pairs, child.score, child.weight, child_started)
        score = self.rollup.combine(pairs) if pairs else None
        if score is not None:
            score = _validate.real(f"Objective {objective.id!r}", "score", score)
        expected = self._frame(objective.period).elapsed
        target_score = getattr(self.scoring, "target_score", 1.0)
        status = self.pace.status(score, expected, target_score=target_score)
        grade = None
        if score is not None and self.grading is not None:
            grade = self.grading.grade(score, committed=objective.committed)
        confidences = [r.confidence for r in krs if r.confidence is not None]
        return ObjectiveResult(
            id=objective.id,
            title=objective.title,
            owner=objective.owner,
            period=objective.period,
            weight=objective.weight,
            committed=objective.committed,
            depth=self.cascade.depth(objective.id),
            parent=self.cascade.parent_of(objective.id),
            progress=score,
            score=score,
            status=status,
            grade=grade,
            expected=expected,
            confidence=(sum(confidences) / len(confidences)) if confidences else None,
            key_results=objective.key_result_ids,
            children=self.cascade.children(objective.id),
            health=objective.health,
            related=objective.related,
            reason=_objective_reason(
                objective, score, expected, status, krs, children, started
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
        elif started and self.rollup.no_data == "zero":
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
