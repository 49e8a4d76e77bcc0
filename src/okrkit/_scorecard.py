"""Scorecard: the immutable result of an evaluation."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from types import MappingProxyType

import attrs

from okrkit._results import KeyResultResult, KPIResult, ObjectiveResult, Result
from okrkit.alignment import Finding
from okrkit.exceptions import UnknownIdError


@attrs.frozen(kw_only=True, repr=False)
class Scorecard:
    """Every objective, key result and KPI of one evaluation, as of one instant.

    ``scorecard[id]`` returns the result for any id; iterating yields the
    objectives in cascade order (each parent before its children).

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
    """

    as_of: date
    objectives: tuple[ObjectiveResult, ...]
    key_results: tuple[KeyResultResult, ...]
    kpis: tuple[KPIResult, ...]
    findings: tuple[Finding, ...]
    _index: Mapping[str, Result] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        index: dict[str, Result] = {}
        for group in (self.objectives, self.key_results, self.kpis):
            for result in group:
                index[result.id] = result
        object.__setattr__(self, "_index", MappingProxyType(index))

    def __getitem__(self, id: str) -> Result:
        try:
            return self._index[id]
        except KeyError:
            raise UnknownIdError(
                subject="Scorecard",
                field="id",
                value=id,
                expected="the id of an objective, key result or KPI in it",
            ) from None

    def get(self, id: str) -> Result | None:
        """Return the result for ``id``, or None."""
        return self._index.get(id)

    def __contains__(self, id: object) -> bool:
        return id in self._index

    def __iter__(self) -> Iterator[ObjectiveResult]:
        return iter(self.objectives)

    def __len__(self) -> int:
        return len(self.objectives)

    def __repr__(self) -> str:
        return (
            f"<Scorecard as of {self.as_of.isoformat()}: "
            f"{_count(len(self.objectives), 'objective')}, "
            f"{_count(len(self.key_results), 'key result')}, "
            f"{_count(len(self.kpis), 'KPI')}, "
            f"{_count(len(self.findings), 'finding')}>"
        )

    def __str__(self) -> str:
        from okrkit._render import render  # the table module imports this one

        return render(self)

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
        result = self._index[id]
        assert isinstance(result, ObjectiveResult)
        return result

    def _key_result(self, id: str) -> KeyResultResult:
        result = self._index[id]
        assert isinstance(result, KeyResultResult)
        return result


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
