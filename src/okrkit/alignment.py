"""Cascade alignment: objectives as a tree, with checks that advise.

Objectives form a tree (company -> department -> team -> person).  An
objective aligns to a ``parent`` objective, or ``contributes_to`` a parent key
result; a key result may ``contribute_to`` a parent key result.  Broken
structure (duplicate ids, unknown ids, cycles) raises; advice comes back as
:class:`Finding` values.

>>> from okrkit import Objective, KeyResult, Period
>>> q1 = Period.quarter(2026, 1)
>>> company = Objective("co", "Grow", period=q1)
>>> team = Objective("team", "Ship faster", period=q1, parent="co")
>>> cascade = Cascade.build([team, company])
>>> cascade.roots, cascade.children("co"), cascade.path("team")
(('co',), ('team',), ('team', 'co'))
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Literal

import attrs

from okrkit import _validate
from okrkit._key_result import KeyResult
from okrkit._kpi import KPI
from okrkit._objective import Objective
from okrkit.exceptions import AlignmentError, InvalidTypeError, UnknownIdError

__all__ = ["Cascade", "Finding", "Severity", "check"]

Severity = Literal["warning", "info"]

MIN_KEY_RESULTS = 2
MAX_KEY_RESULTS = 5
MAX_OBJECTIVES_PER_OWNER = 6


@attrs.frozen
class Finding:
    """Advice about the cascade: a code, a severity, the id concerned, a sentence.

    >>> Finding("too-few-key-results", "warning", "o1", "Objective 'o1' has 1 key result.")
    Finding(code='too-few-key-results', severity='warning', id='o1', message="Objective 'o1' has 1 key result.")
    """  # noqa: E501

    code: str
    severity: Severity
    id: str
    message: str


@attrs.frozen(repr=False)
class Cascade:
    """The objectives of one evaluation, indexed as a tree.

    Build it with :meth:`build`, which raises on duplicate ids, unknown ids and
    cycles.

    >>> from okrkit import Objective, Period
    >>> y = Period.year(2026)
    >>> cascade = Cascade.build([Objective("co", "Company", period=y),
    ...                          Objective("team", "Team", period=y, parent="co")])
    >>> cascade.order, cascade.rollup_order
    (('co', 'team'), ('team', 'co'))
    """

    objectives: tuple[Objective, ...]
    kpis: tuple[KPI, ...]
    _by_id: Mapping[str, Objective]
    _key_results: Mapping[str, KeyResult]
    _owners: Mapping[str, str]  # key result id -> its objective's id
    _up: Mapping[str, str | None]
    _children: Mapping[str, tuple[str, ...]]
    _depends: Mapping[str, tuple[str, ...]]
    order: tuple[str, ...]
    rollup_order: tuple[str, ...]
    _depth: Mapping[str, int] = attrs.field(eq=False)

    @classmethod
    def build(
        cls,
        objectives: Iterable[Objective],
        *,
        kpis: Iterable[KPI] = (),
        subject: str = "Cascade",
    ) -> Cascade:
        """Index objectives (and the KPIs they use) and check the structure.

        ``subject`` names the caller in errors about the arguments (``evaluate``
        passes its own name), so a message points at the call that was made.

        >>> from okrkit import Objective, Period
        >>> a = Objective("a", "A", period=Period.year(2026), parent="b")
        >>> b = Objective("b", "B", period=Period.year(2026), parent="a")
        >>> Cascade.build([a, b])
        Traceback (most recent call last):
        ...
        okrkit.exceptions.AlignmentError: cycle in the cascade: a -> b -> a.
        """
        _validate.text("Cascade.build", "subject", subject)
        items = _items(subject, "objectives", objectives, Objective)
        kpi_items = _items(subject, "kpis", kpis, KPI)
        by_id: dict[str, Objective] = {}
        # Two maps, not one of (key result, owner) pairs: no tuple per key
        # result for the garbage collector to follow, every evaluation.
        key_results: dict[str, KeyResult] = {}
        owners: dict[str, str] = {}
        seen: dict[str, str] = {}  # id -> the kind that holds it

        def claim(id_: str, kind: str) -> None:
            # The subject is written out only for an error: this runs once
            # per objective and key result of every evaluation.
            if id_ in seen:
                raise AlignmentError(
                    subject=f"{kind} {id_!r}",
                    field="id",
                    value=id_,
                    expected=f"an id used once (it is also {seen[id_]} {id_!r}); "
                    "objectives, key results and KPIs share one id space",
                )
            seen[id_] = kind

        for objective in items:
            claim(objective.id, "Objective")
            by_id[objective.id] = objective
            for kr in objective.key_results:
                claim(kr.id, "KeyResult")
                key_results[kr.id] = kr
                owners[kr.id] = objective.id
        kpi_ids = set()
        for kpi in kpi_items:
            claim(kpi.id, "KPI")
            kpi_ids.add(kpi.id)
        _check_references(items, by_id, owners, kpi_ids)

        up: dict[str, str | None] = {}
        depends: dict[str, list[str]] = defaultdict(list)
        for objective in items:
            if objective.parent is not None:
                up[objective.id] = objective.parent
            elif objective.contributes_to is not None:
                up[objective.id] = owners[objective.contributes_to]
            else:
                up[objective.id] = None
            targets = [objective.parent]
            if objective.contributes_to is not None:
                targets.append(owners[objective.contributes_to])
            for kr in objective.key_results:
                if kr.contributes_to is not None:
                    owner = owners[kr.contributes_to]
                    if owner == objective.id:
                        raise AlignmentError(
                            subject=f"KeyResult {kr.id!r}",
                            field="contributes_to",
                            value=kr.contributes_to,
                            expected="a key result of another objective",
                        )
                    targets.append(owner)
            for target in targets:
                if target is not None and target not in depends[objective.id]:
                    depends[objective.id].append(target)
        rollup = _topological(items, depends)
        children: dict[str, list[str]] = defaultdict(list)
        for objective in items:
            parent = up[objective.id]
            if parent is not None:
                children[parent].append(objective.id)
        roots = [o.id for o in items if up[o.id] is None]
        order: list[str] = []
        depth: dict[str, int] = dict.fromkeys(roots, 0)
        stack = list(reversed(roots))
        while stack:  # top-down, so each depth is its parent's plus one
            current = stack.pop()
            order.append(current)
            below = children.get(current, [])
            for child in below:
                depth[child] = depth[current] + 1
            stack.extend(reversed(below))
        return cls(
            objectives=items,
            kpis=kpi_items,
            by_id=MappingProxyType(by_id),
            key_results=MappingProxyType(key_results),
            owners=MappingProxyType(owners),
            up=MappingProxyType(up),
            children=MappingProxyType({k: tuple(v) for k, v in children.items()}),
            depends=MappingProxyType({k: tuple(v) for k, v in depends.items()}),
            order=tuple(order),
            rollup_order=tuple(rollup),
            depth=MappingProxyType(depth),
        )

    def __reduce__(self) -> tuple[object, ...]:
        # The indexes are read-only views, which pickle cannot copy; the
        # cascade is fully determined by its objectives and KPIs.
        return (_rebuild, (self.objectives, self.kpis))

    def __repr__(self) -> str:
        return f"<Cascade: {len(self.objectives)} objectives, {len(self.roots)} roots>"

    # -- queries ------------------------------------------------------------

    def objective(self, id: str) -> Objective:
        """Return the objective with this id."""
        try:
            return self._by_id[id]
        except (KeyError, TypeError):  # TypeError: an unhashable id
            raise UnknownIdError(
                subject="Cascade",
                field="id",
                value=id,
                expected="the id of an objective",
            ) from None

    def key_result(self, id: str) -> KeyResult:
        """Return the key result with this id."""
        try:
            return self._key_results[id]
        except (KeyError, TypeError):  # TypeError: an unhashable id
            raise _unknown_key_result(id) from None

    def owner_of(self, key_result_id: str) -> str:
        """Return the id of the objective that owns a key result."""
        try:
            return self._owners[key_result_id]
        except (KeyError, TypeError):  # TypeError: an unhashable id
            raise _unknown_key_result(key_result_id) from None

    @property
    def roots(self) -> tuple[str, ...]:
        """The top-level objectives, in input order."""
        return tuple(o.id for o in self.objectives if self._up[o.id] is None)

    def parent_of(self, id: str) -> str | None:
        """Return the objective this one rolls into (via parent or contributes_to)."""
        self.objective(id)
        return self._up[id]

    def children(self, id: str) -> tuple[str, ...]:
        """Return the objectives directly below this one."""
        self.objective(id)
        return self._children.get(id, ())

    def ancestors(self, id: str) -> tuple[str, ...]:
        """Return the objectives above this one, nearest first."""
        return self.path(id)[1:]

    def descendants(self, id: str) -> tuple[str, ...]:
        """Return every objective below this one, top-down.

        >>> from okrkit import Objective, Period
        >>> y = Period.year(2026)
        >>> c = Cascade.build([Objective("a", "A", period=y),
        ...     Objective("b", "B", period=y, parent="a"),
        ...     Objective("c", "C", period=y, parent="b")])
        >>> c.descendants("a"), c.depth("c")
        (('b', 'c'), 2)
        """
        found: list[str] = []
        stack = list(reversed(self.children(id)))
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(reversed(self._children.get(current, ())))
        return tuple(found)

    def path(self, id: str) -> tuple[str, ...]:
        """Return the path from this objective up to the top."""
        self.objective(id)
        result = [id]
        current = self._up[id]
        while current is not None:
            result.append(current)
            current = self._up[current]
        return tuple(result)

    def depth(self, id: str) -> int:
        """Return how many levels below the top this objective is (computed once)."""
        self.objective(id)
        return self._depth[id]

    def depends_on(self, id: str) -> tuple[str, ...]:
        """Return the objectives whose results this one's evaluation feeds."""
        self.objective(id)
        return self._depends.get(id, ())

    def findings(self, *, measured: Iterable[str] | None = None) -> tuple[Finding, ...]:
        """Return advice about the cascade (see :func:`check`)."""
        return _findings(self, _measured("Cascade.findings", measured))


def _rebuild(objectives: tuple[Objective, ...], kpis: tuple[KPI, ...]) -> Cascade:
    return Cascade.build(objectives, kpis=kpis)


def _items(subject: str, field: str, values: object, kind: type) -> tuple[Any, ...]:
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise InvalidTypeError(
            subject=subject,
            field=field,
            value=values,
            expected=f"an iterable of {kind.__name__}",
        )
    items = tuple(values)
    for item in items:
        if not isinstance(item, kind):
            raise InvalidTypeError(
                subject=subject,
                field=field,
                value=item,
                expected=f"a {kind.__name__}",
            )
    return items


def _unknown_key_result(id: object) -> UnknownIdError:
    return UnknownIdError(
        subject="Cascade", field="id", value=id, expected="the id of a key result"
    )


def _check_references(
    items: tuple[Objective, ...],
    by_id: Mapping[str, Objective],
    owners: Mapping[str, str],
    kpi_ids: set[str],
) -> None:
    for objective in items:
        subject = f"Objective {objective.id!r}"
        if objective.parent is not None and objective.parent not in by_id:
            raise UnknownIdError(
                subject=subject,
                field="parent",
                value=objective.parent,
                expected="the id of a known objective",
            )
        if objective.contributes_to is not None and (
            objective.contributes_to not in owners
        ):
            raise UnknownIdError(
                subject=subject,
                field="contributes_to",
                value=objective.contributes_to,
                expected="the id of a known key result",
            )
        if (
            objective.contributes_to is not None
            and owners[objective.contributes_to] == objective.id
        ):
            raise AlignmentError(
                subject=subject,
                field="contributes_to",
                value=objective.contributes_to,
                expected="a key result of another objective",
            )
        for kpi_id in objective.health:
            if kpi_id not in kpi_ids:
                raise UnknownIdError(
                    subject=subject,
                    field="health",
                    value=kpi_id,
                    expected="the id of a known KPI",
                )
        for related in objective.related:
            if related not in by_id:
                raise UnknownIdError(
                    subject=subject,
                    field="related",
                    value=related,
                    expected="the id of a known objective",
                )
        for kr in objective.key_results:
            kr_subject = f"KeyResult {kr.id!r}"
            if kr.kpi is not None and kr.kpi not in kpi_ids:
                raise UnknownIdError(
                    subject=kr_subject,
                    field="kpi",
                    value=kr.kpi,
                    expected="the id of a known KPI",
                )
            if kr.contributes_to is not None and kr.contributes_to not in owners:
                raise UnknownIdError(
                    subject=kr_subject,
                    field="contributes_to",
                    value=kr.contributes_to,
                    expected="the id of a known key result",
                )


def _topological(
    items: tuple[Objective, ...], depends: Mapping[str, list[str]]
) -> list[str]:
    """Children before parents; a cycle raises an AlignmentError naming it."""
    waiting = {o.id: 0 for o in items}
    feeds: dict[str, list[str]] = defaultdict(list)
    for source, targets in depends.items():
        for target in targets:
            waiting[target] += 1
            feeds[source].append(target)
    # Kahn's algorithm on "source feeds target": sources (leaves) come first.
    ready = [o.id for o in items if waiting[o.id] == 0]
    ready.reverse()
    order: list[str] = []
    while ready:
        current = ready.pop()
        order.append(current)
        for target in feeds.get(current, ()):
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    if len(order) != len(items):
        raise AlignmentError(f"cycle in the cascade: {_cycle(depends, waiting)}.")
    return order


def _cycle(depends: Mapping[str, list[str]], waiting: Mapping[str, int]) -> str:
    """Name one cycle among the stuck objectives.

    Objectives downstream of a cycle are stuck too without being on it; peel
    off those that feed no stuck objective (repeatedly) and every one left
    feeds another, so walking from any of them reaches a loop.
    """
    stuck = {id_ for id_, count in waiting.items() if count > 0}
    feeds = {id_: [t for t in depends.get(id_, ()) if t in stuck] for id_ in stuck}
    fed_by: dict[str, list[str]] = defaultdict(list)
    for source, targets in feeds.items():
        for target in targets:
            fed_by[target].append(source)
    outgoing = {id_: len(targets) for id_, targets in feeds.items()}
    dead_ends = [id_ for id_, count in outgoing.items() if count == 0]
    while dead_ends:
        current = dead_ends.pop()
        stuck.discard(current)
        for source in fed_by[current]:
            outgoing[source] -= 1
            if outgoing[source] == 0:
                dead_ends.append(source)
    current = min(stuck)
    path = [current]
    seen = {current}
    while True:
        current = min(t for t in feeds[current] if t in stuck)
        if current in seen:
            loop = [*path[path.index(current) :], current]
            return " -> ".join(loop)
        path.append(current)
        seen.add(current)


def check(
    objectives: Iterable[Objective],
    *,
    kpis: Iterable[KPI] = (),
    measured: Iterable[str] | None = None,
) -> tuple[Finding, ...]:
    """Return advice about a set of objectives; never raises for advice.

    Findings: fewer than 2 or more than 5 key results; more than 6 objectives
    for one owner in one period; an unaligned objective below the top level
    (an objective with no parent, no children and no contribution, in a
    cascade that has more than one level); a child whose period is not inside
    its parent's; and, given the ``measured`` ids, a key result with no way
    to be measured (no check-ins, no KPI, nothing contributing to it).

    >>> from okrkit import Objective, KeyResult, Period
    >>> lone = Objective("o", "Lonely", period=Period.year(2026),
    ...                  key_results=[KeyResult("k", "K", start=0, target=1)])
    >>> [f.code for f in check([lone])]
    ['too-few-key-results']
    """
    return _findings(
        Cascade.build(objectives, kpis=kpis, subject="check"),
        _measured("check", measured),
    )


def _measured(subject: str, measured: object) -> frozenset[str] | None:
    """Check the ids given as measured: None or an iterable of strings."""
    if measured is None:
        return None
    if isinstance(measured, (str, bytes)) or not isinstance(measured, Iterable):
        raise InvalidTypeError(
            subject=subject,
            field="measured",
            value=measured,
            expected="None or an iterable of key result ids",
        )
    ids = list(measured)
    for id_ in ids:
        _validate.text(subject, "measured", id_)
    return frozenset(ids)


def _findings(cascade: Cascade, measured: frozenset[str] | None) -> tuple[Finding, ...]:
    found: list[Finding] = []
    multilevel = any(cascade.parent_of(o.id) is not None for o in cascade.objectives)
    per_owner: dict[tuple[str, object], list[str]] = defaultdict(list)
    fed: set[str] = set()
    for objective in cascade.objectives:
        if objective.contributes_to is not None:
            fed.add(objective.contributes_to)
        for kr in objective.key_results:
            if kr.contributes_to is not None:
                fed.add(kr.contributes_to)
    for id_ in cascade.order:
        objective = cascade.objective(id_)
        subject = f"Objective {id_!r}"
        count = len(objective.key_results)
        if count < MIN_KEY_RESULTS:
            found.append(
                Finding(
                    "too-few-key-results",
                    "warning",
                    id_,
                    f"{subject} has {count} key result"
                    f"{'' if count == 1 else 's'}; 2 to 5 is usual.",
                )
            )
        elif count > MAX_KEY_RESULTS:
            found.append(
                Finding(
                    "too-many-key-results",
                    "warning",
                    id_,
                    f"{subject} has {count} key results; 2 to 5 is usual.",
                )
            )
        if objective.owner:
            per_owner[(objective.owner, objective.period)].append(id_)
        parent = cascade.parent_of(id_)
        if parent is None:
            if multilevel and not cascade.children(id_):
                found.append(
                    Finding(
                        "unaligned",
                        "warning",
                        id_,
                        f"{subject} is aligned to nothing: it has no "
                        "parent, no children and contributes to no key "
                        "result.",
                    )
                )
        else:
            outer = cascade.objective(parent).period
            if not (
                outer.start <= objective.period.start
                and objective.period.end <= outer.end
            ):
                found.append(
                    Finding(
                        "period-outside-parent",
                        "warning",
                        id_,
                        f"{subject} runs over {objective.period}, "
                        f"outside its parent's {outer}.",
                    )
                )
        if measured is not None:
            for kr in objective.key_results:
                if kr.id not in measured and kr.kpi is None and kr.id not in fed:
                    found.append(
                        Finding(
                            "unmeasured-key-result",
                            "warning",
                            kr.id,
                            f"KeyResult {kr.id!r} has no check-in yet, no "
                            "KPI and nothing contributing to it.",
                        )
                    )
    for (owner, period), ids in per_owner.items():
        if len(ids) > MAX_OBJECTIVES_PER_OWNER:
            found.append(
                Finding(
                    "too-many-objectives",
                    "warning",
                    owner,
                    f"{owner} owns {len(ids)} objectives in {period}; "
                    "at most 6 keeps focus.",
                )
            )
    return tuple(found)
