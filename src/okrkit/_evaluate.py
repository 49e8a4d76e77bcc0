"""evaluate(): definitions + check-ins + as_of -> Scorecard."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, tzinfo
from types import MappingProxyType

from okrkit import _validate
from okrkit._checkins import Checkins
from okrkit._engine import Engine
from okrkit._kpi import KPI
from okrkit._objective import Objective
from okrkit._outside import Outside, check_outside, unused_check_ins, within
from okrkit._plan import Options, Plan, check_previous
from okrkit._pushdown import Edge
from okrkit._scorecard import Scorecard
from okrkit._status import Status
from okrkit._store import CheckinStore, Measurements
from okrkit.alignment import Cascade, Finding
from okrkit.scoring import Pace, RollUp, ScoringStrategy

_NO_MEASUREMENTS: Measurements = MappingProxyType({})
_NO_STATUSES: Mapping[str, Status] = MappingProxyType({})


def evaluate(
    objectives: Iterable[Objective],
    *,
    kpis: Iterable[KPI] = (),
    measurements: Measurements = _NO_MEASUREMENTS,
    as_of: date,
    scoring: ScoringStrategy | None = None,
    rollup: RollUp | None = None,
    pace: Pace | None = None,
    tz: tzinfo = UTC,
    previous: Mapping[str, Status] = _NO_STATUSES,
    outside: Outside = "error",
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
    scorecard's ``findings``.  To evaluate part of an organisation (one
    team's objectives, with check-ins of everyone), pass
    ``outside="finding"``: a parent, contributed key result, health KPI or
    related objective outside the list, and check-ins for ids outside it, are
    then left out and reported as findings (``outside-reference``,
    ``check-ins-outside``) instead of raising.

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
    plan, store, findings = prepare(
        "evaluate",
        objectives,
        kpis=kpis,
        measurements=measurements,
        as_of=as_of,
        options=(scoring, rollup, pace, tz),
        outside=outside,
    )
    previous = check_previous(previous, plan.kpis)
    return Engine(plan, store, previous, findings).run()


def prepare(
    subject: str,
    objectives: Iterable[Objective],
    *,
    kpis: Iterable[KPI],
    measurements: Measurements,
    as_of: date,
    options: tuple[ScoringStrategy | None, RollUp | None, Pace | None, tzinfo],
    outside: object,
    keep_all: bool = False,
    dates: Sequence[date] = (),
) -> tuple[Plan, CheckinStore, list[Finding]]:
    """Check the arguments; make the plan, the store and the policy's findings.

    This is what evaluate() and history() share.

    ``options`` are (scoring, rollup, pace, tz); ``keep_all`` keeps every
    series for a run at many dates (``dates``, the last being ``as_of``).
    """
    policy = check_outside(subject, outside)
    cut: list[Finding] = []
    if policy == "finding":
        kpis = tuple(kpis)
        objectives, cut = within(objectives, kpis)
    cascade = Cascade.build(objectives, kpis=kpis, subject=subject)
    as_of = _validate.instant(subject, "as_of", as_of)
    scoring, rollup, pace, tz = options
    settings = Options.of(subject, scoring=scoring, rollup=rollup, pace=pace, tz=tz)
    plan = Plan.build(cascade, as_of=as_of, options=settings)
    edges: list[Edge] = []
    if isinstance(measurements, Checkins) and measurements.frame is not None:
        clock = settings.clock
        edges = plan.edges(clock.instant(day) for day in (dates or (as_of,)))
    store = CheckinStore(
        measurements,
        settings.clock,
        plan.at,
        keep_all=keep_all,
        edges=edges,
        ids=plan.wanted().keys(),
        running=plan.running_totals(),
        subject=subject,
    )
    unknown = plan.check_ids(
        store.given(), refuse_unknown=policy == "error", subject=subject
    )
    return plan, store, cut + unused_check_ins(unknown)
