"""Result types: what an evaluation says about each objective, key result and KPI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, NamedTuple, TypeVar, cast

import attrs

from okrkit import _validate
from okrkit._key_result import Kind
from okrkit._period import Period
from okrkit._status import Status
from okrkit.exceptions import InvalidTypeError
from okrkit.thresholds import Band

_T = TypeVar("_T")
_R = TypeVar("_R")


def _set(result: object, field: str, value: object) -> None:
    object.__setattr__(result, field, value)


def _result_subject(result: KeyResultResult | ObjectiveResult) -> str:
    kind = type(result).__name__
    return f"{kind} {_validate.identifier(kind, 'id', result.id)!r}"


def _check_common(result: KeyResultResult | ObjectiveResult, subject: str) -> None:
    """The fields key result and objective results share."""
    _validate.text(subject, "title", result.title)
    _validate.text(subject, "reason", result.reason)
    _set(result, "weight", _validate.non_negative(subject, "weight", result.weight))
    for field in ("progress", "score"):
        _set(
            result,
            field,
            _validate.extended_real(subject, field, getattr(result, field)),
        )
    _validate.of_type(subject, "status", result.status, Status, "a Status")
    if result.grade is not None:
        _validate.of_type(subject, "grade", result.grade, Status, "a Status or None")
    _set(result, "expected", _validate.share(subject, "expected", result.expected))
    for field in ("confidence", "probability"):
        _set(
            result, field, _validate.probability(subject, field, getattr(result, field))
        )
    _validate.tuple_of(
        subject, "contributions", result.contributions, Contribution, "Contribution"
    )


def trusted(result_type: type[_R], /, **fields: Any) -> _R:
    """A result the engine made from checked values: built without the checks.

    Every field is given (the engine passes all of them), and a field may
    hold a promise (:func:`later`) that a check would have to work out.
    """
    made = object.__new__(result_type)
    for field, value in fields.items():
        object.__setattr__(made, field, value)
    return made


@attrs.frozen(kw_only=True)
class Contribution:
    """One child's share of its parent's score.

    ``score`` is the score as the roll-up counted it (0.0 for a started key
    result without check-ins under the default policy; None when the roll-up
    skipped the child, which then contributes nothing).  ``contribution`` is
    ``weight * score / total weight`` and ``gap`` is
    ``weight * (1 - score) / total weight`` (negative for a score above 1,
    which a scoring strategy with a cap above 1 allows).

    >>> Contribution(id="k", weight=2.0, score=0.5, contribution=0.25, gap=0.25).gap
    0.25
    """

    id: str
    weight: float
    score: float | None
    contribution: float
    gap: float

    def __attrs_post_init__(self) -> None:
        subject = (
            f"Contribution {_validate.identifier('Contribution', 'id', self.id)!r}"
        )
        _set(self, "weight", _validate.non_negative(subject, "weight", self.weight))
        for field in ("score", "contribution", "gap"):
            number = _validate.extended_real(subject, field, getattr(self, field))
            if number is None and field != "score":
                raise InvalidTypeError(
                    subject=subject, field=field, value=None, expected="a number"
                )
            _set(self, field, number)


@attrs.frozen(kw_only=True)
class KeyResultResult:
    """A key result evaluated as of an instant.

    ``progress`` is raw, ``score`` what the scoring strategy made of it,
    ``status`` the pace status (score against ``expected``), ``grade`` the
    strategy's grade when it grades.  ``start`` and ``target`` are resolved
    (a relative key result's come from its KPI).  ``probability`` is the
    chance of meeting the target at the period's end (None with fewer than
    three check-ins at distinct times); ``needed_per_week`` and
    ``needed_per_month`` the change needed per week / per mean month from
    ``as_of`` to reach the target (None once reached, or after the period);
    ``contributions`` the driving objectives' shares, for a key result driven
    by objectives (see ``docs/explanation/likelihood.md``).  An evaluation
    works ``probability``, ``reason``, ``forecast``, ``forecast_progress``,
    ``confidence`` and ``last_measured`` out when they are first read: a key
    result's score reads none of its check-ins.

    >>> from datetime import date
    >>> from okrkit import KeyResult, Measurement, Period, evaluate_key_result
    >>> r = evaluate_key_result(KeyResult("k", "Ship 10 features", start=0, target=10),
    ...     [Measurement(date(2026, 2, 1), 6)], period=Period.quarter(2026, 1),
    ...     as_of=date(2026, 2, 15))
    >>> r.value, r.progress, r.score, r.expected, r.status.name
    (6.0, 0.6, 0.6, 0.5, 'GREEN')
    """

    id: str
    title: str
    kind: Kind
    value: float | None
    unit: str | None
    label: str
    start: float | None
    target: float | None
    weight: float
    progress: float | None
    score: float | None
    status: Status
    grade: Status | None
    expected: float
    forecast: float | None
    forecast_progress: float | None
    confidence: float | None
    last_measured: date | None
    started: bool
    sub_values: tuple[float | None, ...]
    reason: str
    probability: float | None = None
    needed_per_week: float | None = None
    needed_per_month: float | None = None
    contributions: tuple[Contribution, ...] = attrs.field(
        default=(), converter=_validate.listed_as_tuple
    )

    def __attrs_post_init__(self) -> None:
        # Hand-built results only: an evaluation makes its own with trusted().
        subject = _result_subject(self)
        _validate.of_type(subject, "kind", self.kind, Kind, "a Kind")
        _check_common(self, subject)
        _validate.of_type(subject, "started", self.started, bool, "True or False")
        for field in ("value", "start", "target"):
            _set(
                self,
                field,
                _validate.optional_real(subject, field, getattr(self, field)),
            )
        for field in (
            "forecast",
            "forecast_progress",
            "needed_per_week",
            "needed_per_month",
        ):
            _set(
                self,
                field,
                _validate.extended_real(subject, field, getattr(self, field)),
            )
        if self.unit is not None:
            _validate.text(subject, "unit", self.unit)
        _validate.text(subject, "label", self.label)
        if self.last_measured is not None:
            _validate.calendar_date(subject, "last_measured", self.last_measured)
        parts = _validate.listed_as_tuple(self.sub_values)
        if type(parts) is not tuple:
            raise InvalidTypeError(
                subject=subject,
                field="sub_values",
                value=parts,
                expected="a tuple of numbers or None",
            )
        numbers = (_validate.extended_real(subject, "sub_values", v) for v in parts)
        _set(self, "sub_values", tuple(numbers))


@attrs.frozen(kw_only=True)
class ObjectiveResult:
    """An objective evaluated as of an instant.

    ``score`` (equal to ``progress``) is the roll-up of its key results and
    child objectives; ``status`` is its pace; ``key_results``, ``children``
    and ``health`` are ids to look up in the scorecard.  ``probability`` is
    the chance of reaching its success score (0.7, or 1.0 when committed),
    its key results taken as independent; ``contributions`` splits ``score``
    into each child's share (see ``Scorecard.contributions``).  An
    evaluation works ``probability``, ``confidence``, ``contributions`` and
    ``reason`` out when they are first read: the first two need every key
    result's check-ins and trend, which reading ``score`` does not.

    >>> from datetime import date
    >>> from okrkit import evaluate, Objective, KeyResult, Period
    >>> card = evaluate([Objective("o", "Grow", period=Period.year(2026),
    ...     key_results=[KeyResult("k", "K", start=0, target=1)])],
    ...     as_of=date(2026, 7, 2))
    >>> result = card["o"]
    >>> result.score, result.key_results, result.status.name
    (0.0, ('k',), 'RED')
    """

    id: str
    title: str
    owner: str
    period: Period
    weight: float
    committed: bool
    depth: int
    parent: str | None
    progress: float | None
    score: float | None
    status: Status
    grade: Status | None
    expected: float
    confidence: float | None
    key_results: tuple[str, ...]
    children: tuple[str, ...]
    health: tuple[str, ...]
    related: tuple[str, ...]
    reason: str
    probability: float | None = None
    contributions: tuple[Contribution, ...] = attrs.field(
        default=(), converter=_validate.listed_as_tuple
    )

    def __attrs_post_init__(self) -> None:
        # Hand-built results only: an evaluation makes its own with trusted().
        subject = _result_subject(self)
        _check_common(self, subject)
        _validate.text(subject, "owner", self.owner)
        _validate.of_type(subject, "period", self.period, Period, "a Period")
        _validate.of_type(subject, "committed", self.committed, bool, "True or False")
        _validate.integer(subject, "depth", self.depth, 0, 10**6)
        if self.parent is not None:
            _validate.identifier(subject, "parent", self.parent)
        for field in ("key_results", "children", "health", "related"):
            ids = _validate.listed_as_tuple(getattr(self, field))
            _validate.tuple_of(subject, field, ids, str, "ids")
            for id_ in ids:
                _validate.identifier(subject, field, id_)
            _set(self, field, ids)

    @property
    def kind(self) -> str:
        """'objective': what this result is for."""
        return "objective"


class _Later:
    """A result field's value, worked out when the field is first read."""

    __slots__ = ("work",)

    def __init__(self, work: Callable[[], object]) -> None:
        self.work = work


def later(work: Callable[[], _T]) -> _T:
    """A value for a lazy result field (:data:`_LAZY`): ``work()``, when first read.

    The engine passes one where a field's value costs more than the rest of
    the result (an objective's likelihood reads every key result's trend).
    """
    return cast("_T", _Later(work))


class _LazySlot:
    """A slot that works out a :func:`later` value on first read and keeps it.

    Everything reads fields by attribute (attrs' ``__eq__``, ``__hash__``,
    ``__repr__``, pickling, ``attrs.evolve``, to_dict), so every reader sees
    the value, never the promise.  Two threads reading at once both work
    out the same value: the engine's results are pure.
    """

    __slots__ = ("slot",)

    def __init__(self, slot: Any) -> None:
        self.slot = slot  # the class's own member descriptor

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = self.slot.__get__(instance, owner)
        if type(value) is _Later:
            value = value.work()
            self.slot.__set__(instance, value)
        return value

    def __set__(self, instance: object, value: object) -> None:
        self.slot.__set__(instance, value)


# The fields the engine may fill with a promise (:func:`later`).
_LAZY: dict[type, tuple[str, ...]] = {
    ObjectiveResult: ("probability", "confidence", "contributions", "reason"),
    KeyResultResult: (
        "probability",
        "reason",
        "forecast",
        "forecast_progress",
        "confidence",
        "last_measured",
    ),
}
for _kind, _names in _LAZY.items():
    for _name in _names:
        setattr(_kind, _name, _LazySlot(_kind.__dict__[_name]))


@attrs.frozen(kw_only=True)
class KPIResult:
    """A KPI evaluated as of an instant.

    ``status`` is the traffic light of ``value``, or ``NO_DATA``, or
    ``STALE`` when the last measurement is older than the cadence allows (then
    ``light`` still holds the light of the last value).

    >>> from okrkit import Direction, KPI, Measurement, Thresholds, evaluate_kpi
    >>> from datetime import date
    >>> nps = KPI("nps", "NPS", direction=Direction.HIGHER_IS_BETTER,
    ...           thresholds=Thresholds.higher_is_better(red_below=0, green_from=30))
    >>> result = evaluate_kpi(nps, [Measurement(date(2026, 3, 1), 34)],
    ...                       as_of=date(2026, 3, 2))
    >>> result.value, result.status.name, result.last_measured
    (34.0, 'GREEN', datetime.date(2026, 3, 1))
    """

    id: str
    name: str
    value: float | None
    unit: str | None
    label: str
    status: Status
    light: Status
    band: Band | None
    target: float | None
    window: Period | None
    last_measured: date | None
    due: date | None
    stale: bool
    previous_value: float | None
    change: float | None
    reason: str

    def __attrs_post_init__(self) -> None:
        # Built once per KPI by an evaluation; checked for hand-built ones too.
        subject = f"KPIResult {_validate.identifier('KPIResult', 'id', self.id)!r}"
        for field in ("name", "label", "reason"):
            _validate.text(subject, field, getattr(self, field))
        if self.unit is not None:
            _validate.text(subject, "unit", self.unit)
        for field in ("status", "light"):
            _validate.of_type(subject, field, getattr(self, field), Status, "a Status")
        for field, kind, what in _KPI_OPTIONAL:
            found = getattr(self, field)
            if found is not None:
                _validate.of_type(subject, field, found, kind, what)
        for field in ("last_measured", "due"):
            day = getattr(self, field)
            if day is not None:
                _validate.calendar_date(subject, field, day)
        _validate.of_type(subject, "stale", self.stale, bool, "True or False")
        for field in ("value", "target", "previous_value", "change"):
            number = _validate.optional_real(subject, field, getattr(self, field))
            object.__setattr__(self, field, number)

    @property
    def kind(self) -> str:
        """'kpi': what this result is for."""
        return "kpi"


_KPI_OPTIONAL: tuple[tuple[str, type, str], ...] = (
    ("band", Band, "a Band or None"),
    ("window", Period, "a Period or None"),
)


Result = ObjectiveResult | KeyResultResult | KPIResult


def title_of(result: Result) -> str:
    """What a person calls a result: its title, or a KPI's name."""
    return result.name if isinstance(result, KPIResult) else result.title


class Numbers(NamedTuple):
    """The numbers any result has, for tables of mixed kinds (None: not its kind's).

    Each result type carries only its own fields; code that shows objectives,
    key results and KPIs side by side (a history, a frame) reads this.
    """

    value: float | None
    progress: float | None
    score: float | None
    expected: float | None
    forecast: float | None


def numbers(result: Result) -> Numbers:
    """Return the value, progress, score, expected and forecast any result has.

    >>> from datetime import date
    >>> from okrkit import evaluate, Objective, KeyResult, Period
    >>> card = evaluate([Objective("o", "O", period=Period.year(2026),
    ...     key_results=[KeyResult("k", "K", start=0, target=1)])],
    ...     as_of=date(2026, 7, 2))
    >>> numbers(card["o"])
    Numbers(value=None, progress=0.0, score=0.0, expected=0.49..., forecast=None)
    """
    if isinstance(result, KeyResultResult):
        return Numbers(
            result.value,
            result.progress,
            result.score,
            result.expected,
            result.forecast,
        )
    if isinstance(result, ObjectiveResult):
        return Numbers(None, result.progress, result.score, result.expected, None)
    return Numbers(result.value, None, None, None, None)
