"""Objective: qualitative, time-bound, measured by key results."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Any, Final

import attrs

from okrkit import _validate
from okrkit._key_result import KeyResult, _plain, _prototype
from okrkit._period import Period
from okrkit.exceptions import InvalidTypeError, InvalidValueError

_EMPTY: Final[tuple[()]] = ()
_INF: Final = math.inf


@attrs.frozen(init=False, slots=False)
class Objective:
    """A qualitative, time-bound goal with its key results.

    ``parent`` is the id of the objective it aligns to (its score rolls up
    there); ``contributes_to`` the id of a parent key result it drives;
    ``health`` ids of KPIs shown beside it; ``related`` lateral links that do
    not roll up.  ``committed`` objectives are expected to reach 1.0;
    aspirational ones (the default) succeed at 0.7 under Google grading.
    Sequences are stored as tuples and the weight as a float.

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
    key_results: tuple[KeyResult, ...] = attrs.field(default=(), kw_only=True)
    owner: str = attrs.field(default="", kw_only=True)
    parent: str | None = attrs.field(default=None, kw_only=True)
    contributes_to: str | None = attrs.field(default=None, kw_only=True)
    weight: float = attrs.field(default=1.0, kw_only=True)
    committed: bool = attrs.field(default=False, kw_only=True)
    health: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    related: tuple[str, ...] = attrs.field(default=(), kw_only=True)

    def __init__(
        self,
        id: str,
        title: str,
        *,
        period: Period,
        key_results: Iterable[KeyResult] = _EMPTY,
        owner: str = "",
        parent: str | None = None,
        contributes_to: str | None = None,
        weight: float = 1.0,
        committed: bool = False,
        health: Iterable[str] = _EMPTY,
        related: Iterable[str] = _EMPTY,
    ) -> None:
        # Hand-written for speed (one per objective of an organisation): the
        # usual input (a list or tuple of KeyResult, plain strings and floats)
        # is checked inline; anything else is cleaned field by field in _build.
        # Each test below costs, so each is needed once: an int weight becomes
        # a float in the first, str.strip() is the non-blank test of
        # _validate.identifier, and the parent must differ from the id only
        # when there is one.
        if (
            (type(weight) is float or type(weight := _plain(weight)) is float)
            and 0.0 <= weight < _INF
            and (type(key_results) is list or type(key_results) is tuple)
            and type(id) is str
            and type(title) is str
            and type(owner) is str
            and type(period) is Period
            and (committed is False or committed is True)
            and contributes_to is None
            and health is _EMPTY
            and related is _EMPTY
            and id.strip()
            and (
                parent is None
                or (type(parent) is str and parent.strip() and parent != id)
            )
        ):
            krs = tuple(key_results)
            ids: set[str] = set()
            add = ids.add
            # A plain loop: on CPython 3.11 it beats set(map(type, krs)) and
            # set(map(attrgetter("id"), krs)) for the few key results of an
            # objective.
            for kr in krs:
                if type(kr) is not KeyResult:
                    break  # a subclass or junk: _build decides
                add(kr.id)
            else:
                if len(ids) == len(krs):  # else a duplicate: _build names it
                    # The instance's own (key-sharing) dictionary, filled in
                    # field order: cheaper than storing a copied prototype.
                    fields = self.__dict__
                    fields["id"] = id
                    fields["title"] = title
                    fields["period"] = period
                    fields["key_results"] = krs
                    fields["owner"] = owner
                    fields["parent"] = parent
                    fields["contributes_to"] = None
                    fields["weight"] = weight
                    fields["committed"] = committed
                    fields["health"] = _EMPTY
                    fields["related"] = _EMPTY
                    return
        _build(
            self,
            id=id,
            title=title,
            period=period,
            key_results=key_results,
            owner=owner,
            parent=parent,
            contributes_to=contributes_to,
            weight=weight,
            committed=committed,
            health=health,
            related=related,
        )

    @property
    def key_result_ids(self) -> tuple[str, ...]:
        """The ids of the objective's key results, in order.

        >>> from okrkit import KeyResult, Period
        >>> Objective("o", "O", period=Period.quarter(2026, 1),
        ...     key_results=[KeyResult.done("a", "A"), KeyResult.done("b", "B")]
        ... ).key_result_ids
        ('a', 'b')
        """
        return tuple(kr.id for kr in self.key_results)


# Non-slotted on purpose: the fast path fills the instance's own dictionary
# and the slow path stores a whole one in one call.
_SET_DICT = Objective.__dict__["__dict__"].__set__
# Made once, so the keys every instance's dictionary shares are the fields in
# field order, whichever objective is built first.
_prototype(Objective)


def _build(objective: Objective, **fields: Any) -> None:
    """Clean every field and store it (the slow path)."""
    _validate.identifier("Objective", "id", fields["id"])
    subject = f"Objective {fields['id']!r}"
    _validate.text(subject, "title", fields["title"])
    _validate.text(subject, "owner", fields["owner"])
    _validate.of_type(subject, "period", fields["period"], Period, "a Period")
    krs = _tuple(subject, "key_results", fields["key_results"])
    for kr in krs:
        _validate.of_type(subject, "key_results", kr, KeyResult, "a KeyResult")
    counts = Counter(kr.id for kr in krs)
    duplicates = sorted(i for i, n in counts.items() if n > 1)
    if duplicates:
        raise InvalidValueError(
            subject=subject,
            field="key_results",
            value=duplicates,
            expected="key results with distinct ids",
        )
    fields["key_results"] = krs
    for field in ("parent", "contributes_to"):
        if fields[field] is not None:
            _validate.identifier(subject, field, fields[field])
    if fields["parent"] is not None and fields["parent"] == fields["id"]:
        raise InvalidValueError(
            subject=subject,
            field="parent",
            value=fields["parent"],
            expected="another objective's id",
        )
    fields["weight"] = _validate.non_negative(subject, "weight", fields["weight"])
    _validate.of_type(subject, "committed", fields["committed"], bool, "True or False")
    for field in ("health", "related"):
        values = _tuple(subject, field, fields[field])
        for value in values:
            _validate.identifier(subject, field, value)
        fields[field] = values
    _SET_DICT(objective, fields)


def _tuple(subject: str, field: str, value: object) -> tuple[Any, ...]:
    """Any iterable but a string, as a tuple."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidTypeError(
            subject=subject,
            field=field,
            value=value,
            expected="a sequence (not a string)",
        )
    return tuple(value)
