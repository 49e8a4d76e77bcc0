"""The plan: what one evaluation computes, worked out before any check-in is read.

A plan is made once per evaluation from the cascade, ``as_of`` and the
options: one :class:`View` per period (its window of instants, elapsed share
and score contexts), each key result's :class:`Node` with a tagged
:data:`Source` saying where its value comes from, each KPI's window, and the
reverse indices of the cascade.  The engine (``_engine.py``) runs it against a
check-in store (``_store.py``); nothing here reads a check-in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, tzinfo
from math import isfinite
from types import MappingProxyType
from typing import NamedTuple

import attrs

from okrkit import _validate
from okrkit._aggregation import Aggregation
from okrkit._format import percent
from okrkit._key_result import KeyResult, Kind
from okrkit._kpi import KPI
from okrkit._objective import Objective
from okrkit._period import Period
from okrkit._pushdown import Edge
from okrkit._status import Status
from okrkit._time import Clock, check_tz
from okrkit.alignment import Cascade
from okrkit.exceptions import PeriodError, UnknownIdError
from okrkit.scoring import Grading, Linear, Pace, RollUp, ScoreContext, ScoringStrategy

_NO_STATUSES: Mapping[str, Status] = MappingProxyType({})


@attrs.frozen
class Window:
    """A span of instants: from ``start`` (inclusive) to ``end``.

    ``end`` is inclusive when ``inclusive`` (a window cut at ``as_of``), else
    exclusive (a whole period).  ``start`` None means "since the beginning".
    """

    start: float | None
    end: float
    inclusive: bool

    @classmethod
    def of(cls, period: Period, at: float, clock: Clock) -> Window:
        """The part of ``period`` up to the instant ``at``."""
        end = clock.day(period.end)
        if at >= end:
            return cls(clock.day(period.start), end, False)
        return cls(clock.day(period.start), at, True)


@attrs.frozen
class View:
    """One period seen from the as-of instant, worked out once per evaluation."""

    period: Period
    at: float  # the as-of instant
    clock: Clock = attrs.field(eq=False)
    window: Window  # the period's check-ins that count by as_of
    started: bool
    elapsed: float  # the elapsed share: the linear expected progress
    when: str  # "at 50 % of 2026-Q1", for reasons
    contexts: tuple[ScoreContext, ScoreContext]  # aspirational, committed

    @classmethod
    def of(cls, period: Period, as_of: date, at: float, clock: Clock) -> View:
        window = Window.of(period, at, clock)
        elapsed = period.elapsed(as_of, tz=clock.tz)
        return cls(
            period=period,
            at=at,
            clock=clock,
            window=window,
            started=window.start is not None and at >= window.start,
            elapsed=elapsed,
            when=f"at {percent(elapsed)} of {period}",
            contexts=(
                ScoreContext(committed=False, expected=elapsed),
                ScoreContext(committed=True, expected=elapsed),
            ),
        )


@attrs.frozen
class Options:
    """Validated evaluation settings, with their defaults filled in once."""

    scoring: ScoringStrategy
    rollup: RollUp
    pace: Pace
    clock: Clock
    grading: Grading | None  # ``scoring`` when it grades
    target_score: float  # the score that counts as reaching the target

    @classmethod
    def of(
        cls,
        subject: str,
        *,
        scoring: ScoringStrategy | None,
        rollup: RollUp | None,
        pace: Pace | None,
        tz: tzinfo,
    ) -> Options:
        """Check the settings; None means the default."""
        scoring = Linear() if scoring is None else scoring
        _validate.of_type(
            subject,
            "scoring",
            scoring,
            ScoringStrategy,
            "a scoring strategy (an object with score())",
        )
        rollup = RollUp() if rollup is None else rollup
        _validate.of_type(subject, "rollup", rollup, RollUp, "a RollUp")
        pace = Pace() if pace is None else pace
        _validate.of_type(subject, "pace", pace, Pace, "a Pace")
        target = getattr(scoring, "target_score", 1.0)
        target_score = _validate.real(subject, "scoring.target_score", target)
        return cls(
            scoring=scoring,
            rollup=rollup,
            pace=pace,
            clock=Clock(check_tz(subject, tz)),
            grading=scoring if isinstance(scoring, Grading) else None,
            target_score=target_score,
        )

    def status(self, score: float | None, expected: float) -> Status:
        """``pace.status`` of an engine's score, against ``expected`` progress.

        The engine's numbers are checked already, so okrkit's own ``Pace``
        compares them without checking them again (once per key result and
        objective); a subclass, or a score that is not finite, goes through
        ``Pace.status`` itself.
        """
        pace = self.pace
        if type(pace) is not Pace or (score is not None and not isfinite(score)):
            return pace.status(score, expected, target_score=self.target_score)
        if score is None:
            return Status.NO_DATA
        return pace._status(score, expected, self.target_score)


@attrs.frozen
class Own:
    """The key result's own check-ins."""


@attrs.frozen
class FromKpi:
    """A KPI's check-ins, aggregated over the key result's window."""

    kpi: KPI


@attrs.frozen
class Rolled:
    """The values of the key results that contribute to it (value roll-up).

    Its own check-ins, if it has any by ``as_of``, take precedence, and the
    scorecard says so in a finding.
    """

    contributors: tuple[str, ...]


@attrs.frozen
class Driven:
    """The scores of the objectives that contribute to it.

    Its own check-ins, if it has any by ``as_of``, take precedence.
    """

    drivers: tuple[str, ...]


Source = Own | FromKpi | Rolled | Driven

# Every key result reading its own check-ins shares one (immutable) tag.
_OWN = Own()


class Node(NamedTuple):
    """One key result to evaluate: what it is, where it stands, where it reads.

    A named tuple, not an attrs class: one is made per key result of every
    evaluation, and a tuple costs a third as much to make.
    """

    kr: KeyResult
    objective: Objective
    period: Period  # its objective's: the plan's view of it gives the window
    source: Source


@attrs.frozen
class Plan:
    """Everything one evaluation computes, in the order it must compute it."""

    cascade: Cascade
    as_of: date
    at: float  # the as-of instant
    options: Options
    views: Mapping[Period, View]
    nodes: Mapping[str, tuple[Node, ...]]  # objective id -> its key results
    kpi_windows: Mapping[str, Period]  # KPI id -> the window it is shown over
    kpis: Mapping[str, KPI]

    @classmethod
    def build(cls, cascade: Cascade, *, as_of: date, options: Options) -> Plan:
        """Work out views, sources and KPI windows for ``cascade`` at ``as_of``."""
        clock = options.clock
        at = clock.instant(as_of)
        kpis = {kpi.id: kpi for kpi in cascade.kpis}
        views: dict[Period, View] = {}
        for objective in cascade.objectives:
            if objective.period not in views:
                views[objective.period] = View.of(objective.period, as_of, at, clock)
        contributors: dict[str, list[str]] = defaultdict(list)
        drivers: dict[str, list[str]] = defaultdict(list)
        for objective in cascade.objectives:
            if objective.contributes_to is not None:
                drivers[objective.contributes_to].append(objective.id)
            for kr in objective.key_results:
                if kr.contributes_to is not None:
                    contributors[kr.contributes_to].append(kr.id)
        nodes = {
            objective.id: tuple(
                Node(
                    kr,
                    objective,
                    objective.period,
                    _source(kr, kpis, contributors, drivers),
                )
                for kr in objective.key_results
            )
            for objective in cascade.objectives
        }
        return cls(
            cascade=cascade,
            as_of=as_of,
            at=at,
            options=options,
            views=views,
            nodes=nodes,
            kpi_windows=_kpi_windows(cascade),
            kpis=kpis,
        )

    def at_date(self, as_of: date) -> Plan:
        """The same plan seen from another instant: only the views change.

        :func:`okrkit.history` makes one plan and runs it at every date.
        """
        clock = self.options.clock
        at = clock.instant(as_of)
        views = {period: View.of(period, as_of, at, clock) for period in self.views}
        return attrs.evolve(self, as_of=as_of, at=at, views=views)

    def edges(self, ats: Iterable[float]) -> list[Edge]:
        """Every boundary a window of this plan can have, at the as-of ``ats``.

        A check-in table summarized in a data frame engine is grouped by
        the cells between these edges (``_pushdown.py``), so every window
        read at any of ``ats`` must begin and end on one.
        """
        clock = self.options.clock
        ats = tuple(ats)
        found: set[Edge] = {Edge(at, True) for at in ats}

        def add(period: Period) -> None:
            found.add(Edge(clock.day(period.start), False))
            found.add(Edge(clock.day(period.end), False))

        def before(period: Period) -> Period | None:
            try:
                return period.previous()
            except PeriodError:  # a period in year 1 has nothing before it
                return None

        for period in self.views:
            add(period)
            earlier = before(period)
            if earlier is not None:
                add(earlier)
        for nodes in self.nodes.values():
            for node in nodes:
                if node.kr.kind is Kind.RATE and node.kr.per is not None:
                    for piece in node.period.split(node.kr.per):
                        add(piece)
        for window in self.kpi_windows.values():
            add(window)
            earlier = before(window)
            if earlier is None:
                continue
            add(earlier)
            start, end = clock.day(earlier.start), clock.day(earlier.end)
            for at in ats:  # the previous window, cut at the same offset
                cut = start + (at - clock.day(window.start))
                if cut < end:
                    found.add(Edge(cut, True))
        return sorted(found)

    def running_totals(self) -> bool:
        """Whether a key result fits a trend to running totals (SUM or COUNT).

        A check-in table summarized in its frame's engine then needs the
        sums of running totals, which cost the engine a sort of every row.
        """
        counted = (Aggregation.SUM, Aggregation.COUNT)
        for nodes in self.nodes.values():
            for node in nodes:
                how = node.kr.aggregation
                if how is None and isinstance(node.source, FromKpi):
                    how = node.source.kpi.aggregation
                if how in counted:
                    return True
        return False

    def wanted(self) -> dict[str, str | None]:
        """Each id whose check-ins count, with the unit its series is read in.

        A KPI's ids are read in the KPI's units, a key result's in its own.
        """
        wanted: dict[str, str | None] = {}
        for kpi in self.kpis.values():
            wanted.update(zip(kpi.measured_ids, kpi_units(kpi), strict=True))
        for nodes in self.nodes.values():
            for node in nodes:
                if not isinstance(node.source, FromKpi):
                    wanted[node.kr.id] = node.kr.unit
        return wanted

    def check_ids(
        self,
        given: set[str] | frozenset[str],
        *,
        refuse_unknown: bool = True,
        subject: str = "evaluate",
    ) -> set[str]:
        """Refuse check-ins for ids that no key result or KPI of the plan reads.

        With ``refuse_unknown`` False (part of an organisation), unknown ids
        are returned instead; check-ins given to a key result that reads a
        KPI are refused either way.  ``subject``: the function called.
        """
        linked = {
            node.kr.id: node.source.kpi.id
            for nodes in self.nodes.values()
            for node in nodes
            if isinstance(node.source, FromKpi)
        }
        wanted = self.wanted()
        unknown = set(given - wanted.keys())
        for id_ in sorted(unknown):
            if id_ in linked:
                raise UnknownIdError(
                    subject=subject,
                    field="measurements",
                    value=id_,
                    expected=f"no check-ins for key result {id_!r}: it takes its "
                    f"value from KPI {linked[id_]!r}, so give them to that KPI",
                )
            if not refuse_unknown:
                continue
            raise UnknownIdError(
                subject=subject,
                field="measurements",
                value=id_,
                expected="the id of a key result or KPI (or a ratio KPI's "
                "numerator or denominator)",
            )
        return unknown


def kpi_units(kpi: KPI) -> tuple[str | None, ...]:
    """The units a KPI's ids are read in (a ratio KPI has two)."""
    if kpi.is_ratio:
        return (kpi.numerator_unit, kpi.denominator_unit)
    return (kpi.unit,)


def _source(
    kr: KeyResult,
    kpis: Mapping[str, KPI],
    contributors: Mapping[str, list[str]],
    drivers: Mapping[str, list[str]],
) -> Source:
    if kr.kpi is not None:
        return FromKpi(kpis[kr.kpi])
    if kr.id in contributors:
        return Rolled(tuple(contributors[kr.id]))
    if kr.id in drivers:
        return Driven(tuple(drivers[kr.id]))
    return _OWN


def _kpi_windows(cascade: Cascade) -> dict[str, Period]:
    """A KPI is shown over the period of the first objective (top-down) using it."""
    windows: dict[str, Period] = {}
    for objective_id in cascade.order:
        objective = cascade.objective(objective_id)
        for kpi_id in objective.health:
            windows.setdefault(kpi_id, objective.period)
        for kr in objective.key_results:
            if kr.kpi is not None:
                windows.setdefault(kr.kpi, objective.period)
    return windows


def check_previous(previous: object, kpis: Mapping[str, KPI]) -> Mapping[str, Status]:
    """Check the statuses last reported for KPIs (for hysteresis)."""
    _validate.of_type(
        "evaluate", "previous", previous, Mapping, "a mapping from KPI id to Status"
    )
    assert isinstance(previous, Mapping)
    for kpi_id, status in previous.items():
        if kpi_id not in kpis:
            raise UnknownIdError(
                subject="evaluate",
                field="previous",
                value=kpi_id,
                expected="the id of a known KPI",
            )
        _validate.of_type("evaluate", "previous", status, Status, "a Status")
    return previous
