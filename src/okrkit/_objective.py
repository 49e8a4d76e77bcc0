"""Objective: qualitative, time-bound, measured by key results."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from okrkit import _validate
from okrkit._key_result import KeyResult
from okrkit._period import Period
from okrkit.exceptions import InvalidTypeError, InvalidValueError


def _tuple(value: object) -> tuple[object, ...]:
    """Accept any iterable (not a string) as a tuple; idempotent."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return value  # type: ignore[return-value]  # rejected by the checks below
    return tuple(value)


@attrs.frozen
class Objective:
    """A qualitative, time-bound goal with its key results.

    ``parent`` is the id of the objective it aligns to (its score rolls up
    there); ``contributes_to`` the id of a parent key result it drives;
    ``health`` ids of KPIs shown beside it; ``related`` lateral links that do
    not roll up.  ``committed`` objectives are expected to reach 1.0;
    aspirational ones (the default) succeed at 0.7 under Google grading.

    >>> from okrkit import KeyResult, Period
    >>> growth = Objective("growth", "Increase turnover by 20 % within six months",
    ...     period=Period.half(2026, 1), owner="CEO",
    ...     key_results=[KeyResult("turnover", "Turnover to 1.2M USD",
    ...                            start=1_000_000, target=1_200_000, unit="USD")])
    >>> growth.key_results[0].id, str(growth.period)
    ('turnover', '2026-H1')
    """

    id: str = attrs.field()
    title: str = attrs.field()
    period: Period = attrs.field(kw_only=True)
    key_results: tuple[KeyResult, ...] = attrs.field(
        default=(), kw_only=True, converter=_tuple
    )
    owner: str = attrs.field(default="", kw_only=True)
    parent: str | None = attrs.field(default=None, kw_only=True)
    contributes_to: str | None = attrs.field(default=None, kw_only=True)
    weight: float = attrs.field(default=1.0, kw_only=True)
    committed: bool = attrs.field(default=False, kw_only=True)
    health: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_tuple)
    related: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_tuple)

    def __attrs_post_init__(self) -> None:
        _validate.identifier("Objective", "id", self.id)
        subject = f"Objective {self.id!r}"
        _validate.text(subject, "title", self.title)
        _validate.text(subject, "owner", self.owner)
        _validate.of_type(subject, "period", self.period, Period, "a Period")
        _sequence(subject, "key_results", self.key_results)
        for kr in self.key_results:
            _validate.of_type(subject, "key_results", kr, KeyResult, "a KeyResult")
        ids = [kr.id for kr in self.key_results]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise InvalidValueError(
                subject=subject,
                field="key_results",
                value=duplicates,
                expected="key results with distinct ids",
            )
        for field in ("parent", "contributes_to"):
            value = getattr(self, field)
            if value is not None:
                _validate.identifier(subject, field, value)
        if self.parent is not None and self.parent == self.id:
            raise InvalidValueError(
                subject=subject,
                field="parent",
                value=self.parent,
                expected="another objective's id",
            )
        _validate.non_negative(subject, "weight", self.weight)
        _validate.of_type(subject, "committed", self.committed, bool, "True or False")
        for field in ("health", "related"):
            values = getattr(self, field)
            _sequence(subject, field, values)
            for value in values:
                _validate.identifier(subject, field, value)

    @property
    def key_result_ids(self) -> tuple[str, ...]:
        """The ids of the objective's key results, in order."""
        return tuple(kr.id for kr in self.key_results)


def _sequence(subject: str, field: str, value: object) -> None:
    if not isinstance(value, tuple):
        raise InvalidTypeError(
            subject=subject,
            field=field,
            value=value,
            expected="a sequence (not a string)",
        )
