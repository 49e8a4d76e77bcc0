"""history(): one organisation evaluated at many dates, as one value."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, tzinfo
from typing import Any, Literal, cast, overload

import attrs

from okrkit import _validate
from okrkit._checkins import Checkins
from okrkit._engine import Engine
from okrkit._evaluate import prepare
from okrkit._key_result import KeyResult
from okrkit._kpi import KPI
from okrkit._objective import Objective
from okrkit._outside import Outside, check_outside
from okrkit._period import Period
from okrkit._plan import Plan
from okrkit._results import numbers
from okrkit._scorecard import Scorecard
from okrkit._status import Status
from okrkit._store import CheckinStore, Measurements, stable
from okrkit._time import Clock, check_tz
from okrkit._timeline import Timeline, timeline
from okrkit.alignment import Finding
from okrkit.exceptions import InvalidTypeError, InvalidValueError, UnknownIdError
from okrkit.scoring import Pace, RollUp, ScoringStrategy

Definition = Objective | KeyResult | KPI
Backend = Literal["pandas", "polars", "pyarrow"]


@attrs.frozen(kw_only=True)
class HistoryRow:
    """One id at one date of a :class:`History`.

    >>> from datetime import date
    >>> from okrkit import Status
    >>> row = HistoryRow(as_of=date(2026, 2, 1), value=50.0, progress=0.5,
    ...     score=0.5, expected=0.34, status=Status.GREEN, forecast=None)
    >>> row.score, row.status.name
    (0.5, 'GREEN')
    """

    as_of: date
    value: float | None
    progress: float | None
    score: float | None
    expected: float | None
    status: Status
    forecast: float | None

    def __attrs_post_init__(self) -> None:
        as_of = _validate.instant("HistoryRow", "as_of", self.as_of)
        object.__setattr__(self, "as_of", as_of)  # a Timestamp as a datetime
        _validate.of_type("HistoryRow", "status", self.status, Status, "a Status")
        for field in ("value", "progress", "score", "expected", "forecast"):
            number = _validate.optional_real("HistoryRow", field, getattr(self, field))
            object.__setattr__(self, field, number)  # an int as a float


def history(
    objectives: Iterable[Objective],
    *,
    kpis: Iterable[KPI] = (),
    measurements: Measurements,
    dates: Iterable[date],
    scoring: ScoringStrategy | None = None,
    rollup: RollUp | None = None,
    pace: Pace | None = None,
    tz: tzinfo = UTC,
    outside: Outside = "error",
) -> History:
    """Evaluate the organisation at each of ``dates``.

    The options are :func:`okrkit.evaluate`'s (``outside="finding"`` for part
    of an organisation).

    ``history[d]`` is the :class:`Scorecard` that ``evaluate(..., as_of=d)``
    gives; ``history.of(id)`` is one id over time.  ``history.dates`` holds
    one date per instant, in time order: a date, its naive midnight and
    (in ``tz``) its aware midnight are one date, shown as given first in
    that order (the date), and any of them finds its scorecard.

    >>> from datetime import date
    >>> from okrkit import KeyResult, Measurement, Objective, Period
    >>> past = history(
    ...     [Objective("o", "Grow", period=Period.quarter(2026, 1), key_results=[
    ...         KeyResult("k", "Reach 100", start=0, target=100)])],
    ...     measurements={"k": [Measurement(date(2026, 1, 20), 30),
    ...                         Measurement(date(2026, 2, 10), 60)]},
    ...     dates=[date(2026, 2, 15), date(2026, 1, 31)])
    >>> past.dates
    (datetime.date(2026, 1, 31), datetime.date(2026, 2, 15))
    >>> [row.value for row in past.of("k")]
    [30.0, 60.0]
    >>> past[date(2026, 2, 15)]["o"].score
    0.6
    """
    objectives = _tuple("objectives", objectives)
    kpis = _tuple("kpis", kpis)
    check_tz("history", tz)
    days = _dates(dates, tz)
    # Read one-shot iterables (generators) once: every date reads them again.
    given: Measurements = measurements
    if not isinstance(measurements, Checkins):
        given = stable(measurements, "history")
    cards, numbers_over_time = _evaluate_each(
        objectives,
        kpis=kpis,
        measurements=given,
        dates=days,
        scoring=scoring,
        rollup=rollup,
        pace=pace,
        tz=tz,
        outside=check_outside("history", outside),
    )
    made = History(
        dates=days,
        cards=cast("tuple[Scorecard, ...]", cards),
        objectives=objectives,
        kpis=kpis,
        measurements=given,
        tz=tz,
    )
    object.__setattr__(made, "_timeline", numbers_over_time)
    if _okrkit_own(scoring, rollup, pace):
        # Pickled as the call that made it: made again, not an engine run a
        # date.  Your own strategy may not pickle (a lambda, a local class),
        # so a history using one pickles its scorecards, as it always did.
        again = (objectives, kpis, given, days, scoring, rollup, pace, tz, outside)
        object.__setattr__(made, "_again", again)
    return made


def _okrkit_own(
    scoring: ScoringStrategy | None, rollup: RollUp | None, pace: Pace | None
) -> bool:
    """Whether the options are okrkit's own classes and functions (None: default)."""
    parts: list[object] = [type(o) for o in (scoring, rollup, pace) if o is not None]
    if rollup is not None:
        parts.append(rollup.combine)
    return all(getattr(p, "__module__", "").startswith("okrkit.") for p in parts)


def _made_again(arguments: tuple[Any, ...]) -> History:
    objectives, kpis, measurements, dates, scoring, rollup, pace, tz, outside = (
        arguments
    )
    return history(
        objectives,
        kpis=kpis,
        measurements=measurements,
        dates=dates,
        scoring=scoring,
        rollup=rollup,
        pace=pace,
        tz=tz,
        outside=outside,
    )


def _tuple(field: str, values: object) -> tuple[Any, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InvalidTypeError(
            subject="history",
            field=field,
            value=values,
            expected="an iterable of definitions",
        )
    return tuple(values)


def _dates(dates: object, tz: tzinfo) -> tuple[date, ...]:
    """The distinct dates in time order; a date is 00:00 of that day."""
    if isinstance(dates, (str, bytes, date)) or not isinstance(dates, Iterable):
        raise InvalidTypeError(
            subject="history",
            field="dates",
            value=dates,
            expected="an iterable of datetime.date or datetime.datetime",
        )
    days = []
    for day in dates:
        days.append(_validate.instant("history", "dates", day))
    if not days:
        raise InvalidValueError(
            subject="history", field="dates", value=(), expected="at least one date"
        )
    # One date per instant: 2026-02-01, its naive midnight and (in UTC) its
    # aware midnight are one instant, shown once, as the first in this order.
    # Instants, not a set of dates: naive times a fold apart (the repeated
    # hour) are equal as dates, yet an hour apart.
    instant = Clock(tz).instant
    ordered = sorted(days, key=lambda d: (instant(d), repr(d)))
    first = {instant(day): day for day in reversed(ordered)}
    return tuple(first[key] for key in sorted(first))


def _evaluate_each(
    objectives: tuple[Objective, ...],
    *,
    kpis: tuple[KPI, ...],
    measurements: Measurements,
    dates: tuple[date, ...],
    scoring: ScoringStrategy | None,
    rollup: RollUp | None,
    pace: Pace | None,
    tz: tzinfo,
    outside: Outside,
) -> tuple[_Cards, Timeline]:
    """The scorecards at the dates, and every id's numbers over them.

    One plan and one check-in store serve every date: each series is sorted
    and converted once, and each date only looks its windows up.  The
    numbers come from a :class:`Timeline` (each key result's series walked
    once along the dates); the scorecards, each equal to
    ``evaluate(..., as_of=day)``, are made by the engine when read.
    """
    plan, store, findings = prepare(
        "history",
        objectives,
        kpis=kpis,
        measurements=measurements,
        as_of=dates[-1],
        options=(scoring, rollup, pace, tz),
        outside=outside,
        keep_all=True,
        dates=dates,
    )
    return _Cards(plan, store, tuple(findings), dates), timeline(plan, store, dates)


class _Cards(Sequence[Scorecard]):
    """A history's scorecards, each made by the engine when first read.

    Reading one twice, or from two threads, gives equal scorecards: each is
    a pure function of the plan, the store and its date.
    """

    __slots__ = ("_dates", "_findings", "_made", "_plan", "_store")

    def __init__(
        self,
        plan: Plan,
        store: CheckinStore,
        findings: tuple[Finding, ...],
        dates: tuple[date, ...],
    ) -> None:
        self._plan, self._store, self._findings = plan, store, findings
        self._dates = dates
        self._made: list[Scorecard | None] = [None] * len(dates)

    def __len__(self) -> int:
        return len(self._dates)

    @overload
    def __getitem__(self, index: int) -> Scorecard: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Scorecard]: ...

    def __getitem__(self, index: int | slice) -> Scorecard | Sequence[Scorecard]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(len(self))[index])
        card = self._made[index]
        if card is None:
            plan = self._plan.at_date(self._dates[index])
            card = Engine(plan, self._store, {}, self._findings).run()
            self._made[index] = card
        return card


@attrs.frozen(kw_only=True, repr=False)
class History:
    """Scorecards of one organisation at many dates, made by :func:`history`.

    ``history.dates`` are the dates in time order, ``history[d]`` the
    scorecard at ``d`` (``d in history`` tells whether it has one; iterating
    gives the scorecards in date order), ``history.of(id)`` one id's
    :class:`HistoryRow` at every date, ``history.checkins(id)`` the
    check-ins behind a key result or KPI, ``history.definition(id)`` the
    objective, key result or KPI itself.

    >>> from datetime import date
    >>> from okrkit import KeyResult, Measurement, Objective, Period
    >>> past = history(
    ...     [Objective("o", "Grow", period=Period.quarter(2026, 1), key_results=[
    ...         KeyResult("k", "Reach 100", start=0, target=100)])],
    ...     measurements={"k": [Measurement(date(2026, 1, 20), 30)]},
    ...     dates=[date(2026, 1, 31), date(2026, 2, 28)])
    >>> past
    <History of 1 objective, 1 key result, 0 KPIs at 2 dates from 2026-01-31 to 2026-02-28>
    >>> past.checkins("k")
    ((datetime.date(2026, 1, 20), 30.0),)
    """  # noqa: E501

    dates: tuple[date, ...]
    # Compared as a tuple: history() passes a sequence whose scorecards are
    # made when read (_Cards), typed as the tuple it behaves as.
    _cards: tuple[Scorecard, ...] = attrs.field(alias="cards", eq=tuple)
    _objectives: tuple[Objective, ...] = attrs.field(alias="objectives")
    _kpis: tuple[KPI, ...] = attrs.field(alias="kpis")
    _measurements: Measurements = attrs.field(alias="measurements", hash=False)
    _tz: tzinfo = attrs.field(alias="tz")
    # Indexes derived from the fields above: left out of ==, hash and repr.
    _by_instant: dict[float, int] = attrs.field(init=False, eq=False)
    # Every id's numbers at every date, when history() worked them out.
    _timeline: Timeline | None = attrs.field(init=False, eq=False, default=None)
    # The arguments of the history() call, when its scorecards are made on read.
    _again: tuple[Any, ...] | None = attrs.field(init=False, eq=False, default=None)
    _definitions: dict[str, Definition] = attrs.field(init=False, eq=False)
    _owners: dict[str, Objective] = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # Made by history(); checked when built by hand.
        check_tz("History", self._tz)
        checked: list[tuple[str, object, type]] = [
            ("dates", self.dates, date),
            ("objectives", self._objectives, Objective),
            ("kpis", self._kpis, KPI),
        ]
        if not isinstance(self._cards, _Cards):
            checked.append(("cards", self._cards, Scorecard))
        for field, value, kind in checked:
            _validate.tuple_of("History", field, value, kind, f"{kind.__name__}s")
        instants = list(map(Clock(self._tz).instant, self.dates))
        if not self.dates or any(map(float.__ge__, instants, instants[1:])):
            raise InvalidValueError(
                subject="History",
                field="dates",
                value=self.dates,
                expected="at least one date, each at a later instant than the one "
                "before",
            )
        if len(self.dates) != len(self._cards):
            raise InvalidValueError(
                subject="History",
                field="cards",
                value=len(self._cards),
                expected=f"one scorecard per date ({len(self.dates)})",
            )
        # Plain dicts, built here and never changed: the value stays immutable.
        definitions: dict[str, Definition] = {k.id: k for k in self._kpis}
        owners = {}
        for objective in self._objectives:
            definitions[objective.id] = objective
            for kr in objective.key_results:
                definitions[kr.id] = kr
                owners[kr.id] = objective
        by_instant = {at: index for index, at in enumerate(instants)}
        object.__setattr__(self, "_by_instant", by_instant)
        object.__setattr__(self, "_definitions", definitions)
        object.__setattr__(self, "_owners", owners)

    def __reduce__(self) -> tuple[Any, ...]:
        if self._again is not None:
            return (_made_again, (self._again,))
        # Rebuilt from plain parts: a Scorecard's own index does not pickle.
        parts = tuple(
            (c.as_of, c.objectives, c.key_results, c.kpis, c.findings)
            for c in self._cards
        )
        return (
            _rebuild,
            (
                self.dates,
                parts,
                self._objectives,
                self._kpis,
                self._measurements,
                self._tz,
            ),
        )

    def __getitem__(self, day: date) -> Scorecard:
        index = self._index(day)
        if index is None:
            raise UnknownIdError(
                subject="History",
                field="date",
                value=day,
                expected=f"one of its {len(self.dates)} dates, from "
                f"{self.dates[0].isoformat()} to {self.dates[-1].isoformat()}",
            )
        return self._cards[index]

    def _index(self, day: object) -> int | None:
        """Where ``day``, or another date at its instant, is among the dates."""
        if not isinstance(day, date):
            return None
        try:
            key = Clock(self._tz).instant(day)
        except (ValueError, OverflowError):  # an instant no date can have
            return None
        return self._by_instant.get(key)

    def __len__(self) -> int:
        return len(self.dates)

    def __contains__(self, day: object) -> bool:
        """Whether ``day`` is one of the dates (iterating gives scorecards).

        >>> from datetime import date
        >>> past = history([], measurements={}, dates=[date(2026, 1, 31)])
        >>> date(2026, 1, 31) in past, date(2026, 2, 1) in past
        (True, False)
        """
        return self._index(day) is not None

    def __iter__(self) -> Iterator[Scorecard]:
        """The scorecards, in date order."""
        return iter(self._cards)

    def __repr__(self) -> str:
        span = f"{self.dates[0].isoformat()} to {self.dates[-1].isoformat()}"
        if self._timeline is not None:
            counts = [len(ids) for _, ids in self._timeline.groups]
        else:
            first = self._cards[0]
            counts = [len(first.objectives), len(first.key_results), len(first.kpis)]
        return (
            f"<History of {_count(counts[0], 'objective')}, "
            f"{_count(counts[1], 'key result')}, "
            f"{_count(counts[2], 'KPI')} at "
            f"{_count(len(self.dates), 'date')} from {span}>"
        )

    @property
    def tz(self) -> tzinfo:
        """The time zone the dates were evaluated in."""
        return self._tz

    def of(self, id: str) -> tuple[HistoryRow, ...]:
        """One objective's, key result's or KPI's rows, one per date.

        >>> from datetime import date
        >>> from okrkit import KeyResult, Objective, Period
        >>> past = history([Objective("o", "O", period=Period.year(2026),
        ...     key_results=[KeyResult("k", "K", start=0, target=1)])],
        ...     measurements={}, dates=[date(2026, 7, 2)])
        >>> past.of("o")[0].status.name
        'RED'
        """
        self.definition(id)
        track = None if self._timeline is None else self._timeline.tracks.get(id)
        if track is not None:
            return tuple(
                HistoryRow(
                    as_of=day,
                    value=value,
                    progress=progress,
                    score=score,
                    expected=expected,
                    status=status,
                    forecast=forecast,
                )
                for day, value, progress, score, expected, status, forecast in zip(
                    self.dates,
                    track.value,
                    track.progress,
                    track.score,
                    track.expected,
                    track.status,
                    track.forecast,
                    strict=True,
                )
            )
        rows = []
        for card in self._cards:
            result = card[id]
            shown = numbers(result)
            rows.append(
                HistoryRow(
                    as_of=card.as_of,
                    value=shown.value,
                    progress=shown.progress,
                    score=shown.score,
                    expected=shown.expected,
                    status=result.status,
                    forecast=shown.forecast,
                )
            )
        return tuple(rows)

    def definition(self, id: str) -> Definition:
        """The objective, key result or KPI with this id, as it was defined."""
        try:
            return self._definitions[id]
        except (KeyError, TypeError):
            raise self._unknown(id) from None

    def period(self, id: str) -> Period:
        """The period of an objective or of the objective owning a key result."""
        found = self.definition(id)
        if isinstance(found, KPI):
            raise InvalidValueError(
                subject="History",
                field="id",
                value=id,
                expected="the id of an objective or key result (a KPI has no period)",
            )
        if isinstance(found, KeyResult):
            found = self._owners[id]
        return found.period

    def checkins(self, id: str) -> tuple[tuple[date, float], ...]:
        """A key result's or KPI's check-ins up to the last date, in its unit.

        A key result linked to a KPI shows the KPI's check-ins; a ratio KPI
        has none of its own (see :meth:`of` for its values).
        """
        found = self.definition(id)
        if isinstance(found, Objective):
            raise InvalidValueError(
                subject="History",
                field="id",
                value=id,
                expected="the id of a key result or KPI (objectives have no check-ins)",
            )
        if isinstance(found, KeyResult) and found.kpi is not None:
            kpi = self.definition(found.kpi)
            assert isinstance(kpi, KPI)
            found = kpi
        if isinstance(found, KPI) and found.is_ratio:
            return ()
        clock = Clock(self._tz)
        store = CheckinStore(self._measurements, clock, clock.instant(self.dates[-1]))
        series = store.rows(found.id, found.unit)
        return tuple(
            (series.row_at(index), value) for index, value in enumerate(series.values)
        )

    def records(self) -> tuple[dict[str, object], ...]:
        """One plain dict per date and id: as_of, id, kind, title and the row.

        >>> from datetime import date
        >>> from okrkit import KeyResult, Objective, Period
        >>> past = history([Objective("o", "O", period=Period.year(2026),
        ...     key_results=[KeyResult("k", "K", start=0, target=1)])],
        ...     measurements={}, dates=[date(2026, 7, 2)])
        >>> [(r["id"], r["kind"], r["status"]) for r in past.records()]
        [('o', 'objective', 'RED'), ('k', 'key_result', 'NO_DATA')]
        """
        from okrkit._frames import history_records, timeline_records

        if self._timeline is not None:
            return timeline_records(self._timeline)
        return history_records(self._cards)

    def to_frame(self, *, backend: Backend = "pandas") -> Any:
        """The records as a data frame of ``backend`` (``okrkit[dataframes]``).

        Dates given as aware times come as aware times in UTC, in time
        order (other dates beside them read in the history's zone).
        """
        from okrkit._frames import history_frame, timeline_frame

        if self._timeline is not None:
            return timeline_frame(self._timeline, backend=backend, tz=self._tz)
        return history_frame(self.records(), backend=backend, tz=self._tz)

    def _repr_html_(self) -> str:
        from okrkit._html import history_html

        return history_html(self)

    def _unknown(self, id: object) -> UnknownIdError:
        return UnknownIdError(
            subject="History",
            field="id",
            value=id,
            expected="the id of an objective, key result or KPI in it",
        )


def _rebuild(
    dates: tuple[date, ...],
    parts: tuple[tuple[Any, ...], ...],
    objectives: tuple[Objective, ...],
    kpis: tuple[KPI, ...],
    measurements: Measurements,
    tz: tzinfo,
) -> History:
    cards = tuple(
        Scorecard(
            as_of=as_of,
            objectives=objective_results,
            key_results=kr_results,
            kpis=kpi_results,
            findings=findings,
        )
        for as_of, objective_results, kr_results, kpi_results, findings in parts
    )
    return History(
        dates=dates,
        cards=cards,
        objectives=objectives,
        kpis=kpis,
        measurements=measurements,
        tz=tz,
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
