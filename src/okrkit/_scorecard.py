"""Scorecard: the immutable result of an evaluation."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, tzinfo
from typing import Any, Protocol, TypeVar

import attrs

from okrkit import _validate
from okrkit._results import (
    Contribution,
    KeyResultResult,
    KPIResult,
    ObjectiveResult,
    Result,
)
from okrkit.alignment import Finding
from okrkit.exceptions import UnknownIdError

_R = TypeVar("_R", ObjectiveResult, KeyResultResult, KPIResult)


@attrs.frozen(kw_only=True, repr=False)
class Scorecard:
    """Every objective, key result and KPI of one evaluation, as of one instant.

    ``scorecard[id]`` returns the result for any id; iterating yields the
    objectives in cascade order (each parent before its children).  It is
    deliberately not a ``Mapping``: ``card[id]``, ``id in card`` and
    ``card.get(id)`` look any result up by id, while iteration and ``len``
    are about the objectives; :meth:`objective`, :meth:`key_result` and
    :meth:`kpi` return a result of the type asked for.

    >>> from datetime import date
    >>> from okrkit import evaluate, Objective, KeyResult, Measurement, Period
    >>> card = evaluate(
    ...     [Objective("o", "Grow", period=Period.quarter(2026, 1), key_results=[
    ...         KeyResult("k", "Reach 100", start=0, target=100)])],
    ...     measurements={"k": [Measurement(date(2026, 2, 1), 50)]},
    ...     as_of=date(2026, 2, 15))
    >>> card["o"].score, card["k"].value, [o.id for o in card]
    (0.5, 50.0, ['o'])
    >>> card
    <Scorecard as of 2026-02-15: 1 objective, 1 key result, 0 KPIs, 1 finding>

    ``print(card)`` prints the same table as :func:`okrkit.render`.

    An evaluation makes each result object only when it is first read
    (``card[id]``, iterating, the ``objectives`` / ``key_results`` / ``kpis``
    tuples, equality, pickling): reasons and forecasts cost nothing until
    then.  Reading is safe from several threads; a result made twice at once
    is made equal.
    """

    as_of: date
    objectives: tuple[ObjectiveResult, ...]
    key_results: tuple[KeyResultResult, ...]
    kpis: tuple[KPIResult, ...]
    findings: tuple[Finding, ...]
    _index: Mapping[str, Result] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _pending: Pending | None = attrs.field(
        init=False, eq=False, repr=False, hash=False, default=None
    )

    def __attrs_post_init__(self) -> None:
        # Built by evaluate() or from_dict(); checked when built by hand.
        as_of = _validate.instant("Scorecard", "as_of", self.as_of)
        object.__setattr__(self, "as_of", as_of)  # a Timestamp as a datetime
        for field, kind in (
            ("objectives", ObjectiveResult),
            ("key_results", KeyResultResult),
            ("kpis", KPIResult),
            ("findings", Finding),
        ):
            _validate.tuple_of(
                "Scorecard", field, getattr(self, field), kind, f"{kind.__name__}s"
            )
        index: dict[str, Result] = {}
        for group in (self.objectives, self.key_results, self.kpis):
            for result in group:
                index[result.id] = result
        object.__setattr__(self, "_index", index)

    @classmethod
    def _deferred(
        cls, *, as_of: date, findings: tuple[Finding, ...], pending: Pending
    ) -> Scorecard:
        """A scorecard whose results are made when first read (the engine's)."""
        card = object.__new__(cls)
        object.__setattr__(card, "as_of", as_of)
        object.__setattr__(card, "findings", findings)
        object.__setattr__(card, "_pending", pending)
        object.__setattr__(card, "_index", {})
        return card

    def __getattr__(self, name: str) -> Any:
        # Only reached for a result tuple a deferred scorecard has not made yet.
        pending = object.__getattribute__(self, "_pending")
        if pending is None or name not in _GROUPS:
            raise AttributeError(name)
        made = tuple(map(self._result, pending.ids(name)))
        object.__setattr__(self, name, made)
        return made

    def _result(self, id: str) -> Result:
        if type(id) is not str:
            raise KeyError(id)  # ids are strings; anything else is in no card
        found = self._index.get(id)
        if found is None:
            pending = self._pending
            if pending is None or not pending.has(id):
                raise KeyError(id)
            found = self._index[id] = pending.make(id)  # type: ignore[index]
        return found

    def __reduce__(self) -> tuple[Callable[..., Scorecard], tuple[Any, ...]]:
        # Pickle and deepcopy the results themselves, never the engine.
        return (
            _rebuild,
            (self.as_of, self.objectives, self.key_results, self.kpis, self.findings),
        )

    def __getitem__(self, id: str) -> Result:
        try:
            return self._result(id)
        except KeyError:
            raise UnknownIdError(
                subject="Scorecard",
                field="id",
                value=id,
                expected="the id of an objective, key result or KPI in it",
            ) from None

    def objective(self, id: str) -> ObjectiveResult:
        """The result of objective ``id``, typed (an UnknownIdError otherwise).

        >>> from datetime import date
        >>> from okrkit import evaluate, Objective, KeyResult, Period
        >>> card = evaluate([Objective("o", "Grow", period=Period.quarter(2026, 1),
        ...     key_results=[KeyResult("k", "K", start=0, target=1)])],
        ...     as_of=date(2026, 2, 15))
        >>> card.objective("o").children, card.key_result("k").kind.name
        ((), 'LINEAR')
        """
        return self._typed(id, ObjectiveResult, "an objective")

    def key_result(self, id: str) -> KeyResultResult:
        """The result of key result ``id``, typed (see :meth:`objective`)."""
        return self._typed(id, KeyResultResult, "a key result")

    def kpi(self, id: str) -> KPIResult:
        """The result of KPI ``id``, typed (see :meth:`objective`)."""
        return self._typed(id, KPIResult, "a KPI")

    def _typed(self, id: str, kind: type[_R], noun: str) -> _R:
        found = self.get(id)
        if not isinstance(found, kind):
            raise UnknownIdError(
                subject="Scorecard",
                field="id",
                value=id,
                expected=f"the id of {noun} in it",
            )
        return found

    def subtree(self, id: str) -> Scorecard:
        """The part of the scorecard under objective ``id``: a team's page.

        The objective, every objective below it, their key results, the KPIs
        they show (``health``), and the findings about any of those; numbers are
        those of the whole evaluation (a team's score still counts its
        children, and a key result fed from elsewhere keeps its value).

        >>> from datetime import date
        >>> from okrkit import evaluate, Objective, KeyResult, Period
        >>> q1 = Period.quarter(2026, 1)
        >>> card = evaluate([
        ...     Objective("co", "Company", period=q1),
        ...     Objective("team", "Team", period=q1, parent="co",
        ...               key_results=[KeyResult("k", "K", start=0, target=1)])],
        ...     as_of=date(2026, 2, 15))
        >>> team = card.subtree("team")
        >>> [o.id for o in team], [k.id for k in team.key_results]
        (['team'], ['k'])
        """
        root = self.objective(id)
        ids, todo = [], [root.id]
        while todo:  # breadth-first, then put back in cascade order
            current = todo.pop()
            ids.append(current)
            todo.extend(reversed(self.objective(current).children))
        inside = set(ids)
        objectives = tuple(o for o in self.objectives if o.id in inside)
        kr_ids = {k for o in objectives for k in o.key_results}
        key_results = tuple(k for k in self.key_results if k.id in kr_ids)
        kpi_ids = {k for o in objectives for k in o.health}
        kpis = tuple(k for k in self.kpis if k.id in kpi_ids)
        shown = inside | kr_ids | kpi_ids
        return Scorecard(
            as_of=self.as_of,
            objectives=objectives,
            key_results=key_results,
            kpis=kpis,
            findings=tuple(f for f in self.findings if f.id in shown),
        )

    def get(self, id: str) -> Result | None:
        """Return the result for ``id``, or None."""
        try:
            return self._result(id)
        except KeyError:
            return None

    def __contains__(self, id: object) -> bool:
        if not isinstance(id, str):
            return False
        pending = self._pending
        return id in self._index or (pending is not None and pending.has(id))

    def __iter__(self) -> Iterator[ObjectiveResult]:
        return iter(self.objectives)

    def _count_of(self, group: str) -> int:
        pending = self._pending
        if pending is not None:
            return len(pending.ids(group))
        return len(getattr(self, group))

    def __len__(self) -> int:
        return self._count_of("objectives")

    def __repr__(self) -> str:
        return (
            f"<Scorecard as of {self.as_of.isoformat()}: "
            f"{_count(self._count_of('objectives'), 'objective')}, "
            f"{_count(self._count_of('key_results'), 'key result')}, "
            f"{_count(self._count_of('kpis'), 'KPI')}, "
            f"{_count(len(self.findings), 'finding')}>"
        )

    def contributions(self, id: str) -> tuple[Contribution, ...]:
        """Each child's share of the score of objective or driven key result ``id``.

        One :class:`~okrkit.Contribution` per key result and child objective
        (or driving objective): ``contribution`` is weight x score / total
        weight, and they add up to the score; ``gap`` is what each leaves
        out of a full score.  ``()`` for anything else.

        >>> from datetime import date
        >>> from okrkit import evaluate, Objective, KeyResult, Measurement, Period
        >>> card = evaluate([Objective("o", "Grow", period=Period.quarter(2026, 1),
        ...     key_results=[KeyResult("a", "A", start=0, target=10, weight=3),
        ...                  KeyResult("b", "B", start=0, target=10)])],
        ...     measurements={"a": [Measurement(date(2026, 2, 1), 8)]},
        ...     as_of=date(2026, 2, 15))
        >>> [(c.id, round(c.contribution, 2), round(c.gap, 2))
        ...  for c in card.contributions("o")]
        [('a', 0.6, 0.15), ('b', 0.0, 0.25)]
        """
        result = self[id]
        if isinstance(result, (ObjectiveResult, KeyResultResult)):
            return result.contributions
        return ()

    def largest_gap(self, id: str) -> Contribution | None:
        """The child leaving the most of a full score out (first on ties), or None.

        >>> from datetime import date
        >>> from okrkit import evaluate, Objective, KeyResult, Period
        >>> card = evaluate([Objective("o", "Grow", period=Period.quarter(2026, 1),
        ...     key_results=[KeyResult("a", "A", start=0, target=10)])],
        ...     as_of=date(2026, 2, 15))
        >>> card.largest_gap("o").id
        'a'
        """
        best = None
        for part in self.contributions(id):
            if part.gap > 0 and (best is None or part.gap > best.gap):
                best = part
        return best

    # Presentation lives in its own modules, which build on this one: they
    # are imported when first used, so importing okrkit stays light.

    def __str__(self) -> str:
        from okrkit._render import render

        return render(self)

    def _repr_html_(self) -> str:
        """The scorecard as an HTML table, for notebooks (escaped, inline colours)."""
        from okrkit._html import scorecard_html

        return scorecard_html(self)

    def records(self, kind: str) -> tuple[dict[str, object], ...]:
        """One plain dict per result of ``kind``, with no dependency.

        ``kind`` is "objectives", "key_results", "kpis" or "findings".

        >>> from datetime import date
        >>> from okrkit import evaluate, Objective, KeyResult, Measurement, Period
        >>> card = evaluate(
        ...     [Objective("o", "Grow", period=Period.quarter(2026, 1), key_results=[
        ...         KeyResult("k", "Reach 100", start=0, target=100)])],
        ...     measurements={"k": [Measurement(date(2026, 2, 1), 50)]},
        ...     as_of=date(2026, 2, 15))
        >>> row = card.records("key_results")[0]
        >>> row["id"], row["value"], row["status"]
        ('k', 50.0, 'GREEN')
        """
        from okrkit._frames import records

        return records(self, kind)

    def to_frame(self, kind: str, *, backend: str = "pandas") -> Any:
        """The :meth:`records` of ``kind`` as a pandas, polars or pyarrow table.

        Needs ``okrkit[dataframes]`` and the backend's library.

        >>> from datetime import date
        >>> from okrkit import evaluate, Objective, KeyResult, Measurement, Period
        >>> card = evaluate(
        ...     [Objective("o", "Grow", period=Period.quarter(2026, 1), key_results=[
        ...         KeyResult("k", "Reach 100", start=0, target=100)])],
        ...     measurements={"k": [Measurement(date(2026, 2, 1), 50)]},
        ...     as_of=date(2026, 2, 15))
        >>> card.to_frame("objectives", backend="polars").select("id", "score").row(0)
        ('o', 0.5)
        """
        from okrkit._frames import to_frame

        # Naive times beside aware ones are placed in the evaluation's zone
        # (UTC for a scorecard built by hand, or unpickled).
        tz = UTC if self._pending is None else self._pending.zone()
        return to_frame(self, kind, backend=backend, tz=tz)

    @property
    def top(self) -> tuple[ObjectiveResult, ...]:
        """The top-level objectives."""
        return tuple(o for o in self.objectives if o.parent is None)

    def children(self, id: str) -> tuple[ObjectiveResult, ...]:
        """The objective results directly below an objective."""
        found = self[id]
        if not isinstance(found, ObjectiveResult):
            return ()
        return tuple(self._objective(child) for child in found.children)

    def key_results_of(self, id: str) -> tuple[KeyResultResult, ...]:
        """The key result results of an objective, in its order."""
        found = self[id]
        if not isinstance(found, ObjectiveResult):
            return ()
        return tuple(self._key_result(kr) for kr in found.key_results)

    def _objective(self, id: str) -> ObjectiveResult:
        result = self._result(id)
        assert isinstance(result, ObjectiveResult)
        return result

    def _key_result(self, id: str) -> KeyResultResult:
        result = self._result(id)
        assert isinstance(result, KeyResultResult)
        return result


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


_GROUPS = frozenset({"objectives", "key_results", "kpis"})


class Pending(Protocol):
    """Results an evaluation has worked out but not yet made into objects."""

    def ids(self, group: str) -> tuple[str, ...]:
        """The ids of a group ("objectives", "key_results", "kpis"), in order."""

    def has(self, id: str) -> bool:
        """Whether ``id`` is one of them."""

    def make(self, id: str) -> Result:
        """Make the result of ``id``."""

    def zone(self) -> tzinfo:
        """The time zone the evaluation placed dates and naive times in."""


def _rebuild(
    as_of: date,
    objectives: tuple[ObjectiveResult, ...],
    key_results: tuple[KeyResultResult, ...],
    kpis: tuple[KPIResult, ...],
    findings: tuple[Finding, ...],
) -> Scorecard:
    return Scorecard(
        as_of=as_of,
        objectives=objectives,
        key_results=key_results,
        kpis=kpis,
        findings=findings,
    )
