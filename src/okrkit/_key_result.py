"""KeyResult: a measurable result, and how a value becomes raw progress."""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import partial
from itertools import repeat
from operator import sub, truediv
from typing import Any, Final, Literal, NamedTuple, TypedDict, Unpack

import attrs

from okrkit import _validate
from okrkit._aggregation import Aggregation
from okrkit._status import SafeLookup
from okrkit.exceptions import InvalidTypeError, InvalidValueError
from okrkit.units import normalize_for

RatePer = Literal["week", "month", "quarter"]
Phases = Mapping[date, float] | Iterable[tuple[date, float]]


class Kind(enum.Enum, metaclass=SafeLookup):
    """What kind of key result it is, which decides how progress is computed.

    >>> Kind.LINEAR.value
    'linear'
    """

    LINEAR = "linear"
    AT_LEAST = "at least"
    AT_MOST = "at most"
    WITHIN = "within"
    MILESTONES = "milestones"
    DONE = "done"
    RELATIVE = "relative"
    RATE = "rate"

    # Members are singletons compared by identity, so an identity hash is
    # exact, and it runs in C: Enum's own __hash__ is Python code, and these
    # members are dictionary keys for every key result of an evaluation.
    __hash__ = object.__hash__


@attrs.frozen(init=False)
class Milestone:
    """One step of a milestones key result, with a weight.

    The weight is stored as a float (a Decimal, a Fraction or a NumPy scalar
    is converted); it is zero or more.

    >>> Milestone("spec", weight=2)
    Milestone(name='spec', weight=2.0)
    """

    name: str
    weight: float = attrs.field(default=1.0, kw_only=True)

    def __init__(self, name: str, *, weight: float = 1.0) -> None:
        _validate.identifier("Milestone", "name", name)
        if type(weight) is not float or not 0.0 <= weight < math.inf:
            weight = _validate.non_negative(f"Milestone {name!r}", "weight", weight)
        _SET_MILESTONE_NAME(self, name)
        _SET_MILESTONE_WEIGHT(self, weight)


class _Shared(TypedDict, total=False):
    """What every named constructor also takes (typed, so mypy checks it)."""

    unit: str | None
    label: str
    weight: float
    aggregation: Aggregation | None
    contributes_to: str | None
    phases: Phases


class _Options(_Shared, total=False):
    kpi: str | None


class _WithStart(_Options, total=False):
    """A threshold key result may also have a start (a baseline)."""

    start: float | None


class _Resolved(_Shared, total=False):
    """A relative key result may come resolved, with start and target."""

    start: float | None
    target: float | None


_SET_MILESTONE_NAME = Milestone.__dict__["name"].__set__
_SET_MILESTONE_WEIGHT = Milestone.__dict__["weight"].__set__

# Defaults the fast path recognises by identity: a caller who passes them
# explicitly (from_dict does) takes the slow path, which gives the same result.
_ZERO: Final = 0.0
_INF: Final = math.inf
# Any int of smaller magnitude converts to a float without overflow.
_BIG: Final = 2**1023
_EMPTY: Final[tuple[()]] = ()


@attrs.frozen(init=False, slots=False)
class KeyResult:
    """A measurable result: a start, a target, a unit and a kind.

    The plain constructor makes a linear key result: its direction follows
    from ``start`` and ``target`` (target above start is an increase).  The
    named constructors make the other kinds.  ``weight`` is its share in the
    objective's roll-up; ``kpi`` takes its value from a KPI's measurements;
    ``contributes_to`` feeds its value to a parent key result; ``phases`` are
    dated intermediate targets that shape the expected progress.

    Each kind takes its own fields (see ``RULES``): a field that does not
    apply to the kind is an error, not silently ignored.  Numbers are stored
    as floats, whatever real number type was passed.

    >>> kr = KeyResult("churn", "Cut churn to 2 %", start=5, target=2,
    ...                unit="percent")
    >>> kr.progress(3.5), kr.progress(6)
    (0.5, -0.3333333333333333)
    >>> kr.start
    5.0
    >>> KeyResult("k", "K", start=0, target=1, per="month")
    Traceback (most recent call last):
    ...
    okrkit.exceptions.InvalidValueError: KeyResult 'k': field 'per' got 'month'; \
expected no per on a linear key result (per is for rate key results).
    """

    id: str = attrs.field()
    title: str = attrs.field()
    start: float | None = attrs.field(default=None, kw_only=True)
    target: float | None = attrs.field(default=None, kw_only=True)
    unit: str | None = attrs.field(default=None, kw_only=True)
    label: str = attrs.field(default="", kw_only=True)
    weight: float = attrs.field(default=1.0, kw_only=True)
    kpi: str | None = attrs.field(default=None, kw_only=True)
    aggregation: Aggregation | None = attrs.field(default=None, kw_only=True)
    contributes_to: str | None = attrs.field(default=None, kw_only=True)
    kind: Kind = attrs.field(default=Kind.LINEAR, kw_only=True)
    low: float | None = attrs.field(default=None, kw_only=True)
    high: float | None = attrs.field(default=None, kw_only=True)
    tolerance: float = attrs.field(default=0.0, kw_only=True)
    partial: bool = attrs.field(default=False, kw_only=True)
    steps: tuple[Milestone, ...] = attrs.field(default=(), kw_only=True)
    change: float | None = attrs.field(default=None, kw_only=True)
    per: RatePer | None = attrs.field(default=None, kw_only=True)
    phases: tuple[tuple[date, float], ...] = attrs.field(default=(), kw_only=True)

    def __init__(
        self,
        id: str,
        title: str,
        *,
        start: float | None = None,
        target: float | None = None,
        unit: str | None = None,
        label: str = "",
        weight: float = 1.0,
        kpi: str | None = None,
        aggregation: Aggregation | None = None,
        contributes_to: str | None = None,
        kind: Kind = Kind.LINEAR,
        low: float | None = None,
        high: float | None = None,
        tolerance: float = _ZERO,
        partial: bool = False,
        steps: Milestone | Iterable[Milestone] = _EMPTY,
        change: float | None = None,
        per: RatePer | None = None,
        phases: Phases = _EMPTY,
    ) -> None:
        # Hand-written for speed (tens of thousands per organisation): a
        # linear key result of plain floats and strings takes the short path
        # below; anything else is cleaned field by field in _build.
        if type(start) is not float:
            start = _plain(start)
        if type(target) is not float:
            target = _plain(target)
        if type(weight) is not float:
            weight = _plain(weight)
        if (
            kind is _LINEAR
            and type(start) is float
            and type(target) is float
            and type(weight) is float
            # The span target - start is finite, so both are (inf - inf and
            # nan are nan), and progress divides by a float.
            and (span := target - start) - span == 0.0
            and start != target
            and 0.0 <= weight < _INF
            and type(id) is str
            and type(title) is str
            and type(label) is str
            and id
            and not id.isspace()
            and unit is None
            and kpi is None
            and aggregation is None
            and contributes_to is None
            and low is None
            and high is None
            and tolerance is _ZERO
            and partial is False
            and steps is _EMPTY
            and change is None
            and per is None
            and phases is _EMPTY
        ):
            # Copying a prepared dictionary is about twice as fast as a
            # 19-key literal; the keys then share the prototype's order.
            fields = _LINEAR_PROTOTYPE.copy()
            fields["id"] = id
            fields["title"] = title
            fields["start"] = start
            fields["target"] = target
            fields["label"] = label
            fields["weight"] = weight
            _SET_DICT(self, fields)
            return
        _build(
            self,
            id=id,
            title=title,
            start=start,
            target=target,
            unit=unit,
            label=label,
            weight=weight,
            kpi=kpi,
            aggregation=aggregation,
            contributes_to=contributes_to,
            kind=kind,
            low=low,
            high=high,
            tolerance=tolerance,
            partial=partial,
            steps=steps,
            change=change,
            per=per,
            phases=phases,
        )

    # -- named constructors -------------------------------------------------

    @classmethod
    def at_least(
        cls,
        id: str,
        title: str,
        threshold: float,
        *,
        partial: bool = False,
        **options: Unpack[_WithStart],
    ) -> KeyResult:
        """Met when the value is at least ``threshold`` (a value equal to it passes).

        With ``partial=True`` a value below scores ``value / threshold``.

        >>> kr = KeyResult.at_least("uptime", "Uptime at least 99.9 %", 99.9,
        ...                         unit="percent")
        >>> kr.progress(99.9), kr.progress(99.89)
        (1.0, 0.0)
        """
        _reserved("at_least", Kind.AT_LEAST, id, options, ("kind", "target"))
        return cls(
            id, title, kind=Kind.AT_LEAST, target=threshold, partial=partial, **options
        )

    @classmethod
    def at_most(
        cls,
        id: str,
        title: str,
        threshold: float,
        *,
        partial: bool = False,
        **options: Unpack[_WithStart],
    ) -> KeyResult:
        """Met when the value is at most ``threshold`` (equal passes).

        With ``partial=True`` a value above scores ``threshold / value``.

        >>> kr = KeyResult.at_most("p95", "p95 latency at most 300 ms", 300,
        ...                        unit="ms", partial=True)
        >>> kr.progress(300), kr.progress(400)
        (1.0, 0.75)
        """
        _reserved("at_most", Kind.AT_MOST, id, options, ("kind", "target"))
        return cls(
            id, title, kind=Kind.AT_MOST, target=threshold, partial=partial, **options
        )

    @classmethod
    def within(
        cls,
        id: str,
        title: str,
        low: float,
        high: float,
        *,
        tolerance: float = 0.0,
        **options: Unpack[_Options],
    ) -> KeyResult:
        """Met inside the closed range; outside, 0 or a decay over ``tolerance``.

        The decay is linear: 1 at the range's edge, 0 at ``tolerance`` beyond.

        >>> kr = KeyResult.within("headcount", "Headcount 95-105", 95, 105,
        ...                       tolerance=10)
        >>> kr.progress(100), kr.progress(110), kr.progress(120)
        (1.0, 0.5, 0.0)
        """
        _reserved("within", Kind.WITHIN, id, options, ("kind", "low", "high"))
        return cls(
            id,
            title,
            kind=Kind.WITHIN,
            low=low,
            high=high,
            tolerance=tolerance,
            **options,
        )

    @classmethod
    def milestones(
        cls,
        id: str,
        title: str,
        milestones: Sequence[Milestone],
        **options: Unpack[_Options],
    ) -> KeyResult:
        """Ordered milestones; a measurement says how many are done (0..n).

        Progress is the weight of the first n milestones over the total weight.
        The milestones are kept in ``steps``.

        >>> kr = KeyResult.milestones("app", "Launch the app",
        ...     (Milestone("design", weight=1), Milestone("beta", weight=2),
        ...      Milestone("store", weight=1)))
        >>> kr.progress(0), kr.progress(2), kr.progress(3)
        (0.0, 0.75, 1.0)
        """
        _reserved("milestones", Kind.MILESTONES, id, options, ("kind", "steps"))
        return cls(id, title, kind=Kind.MILESTONES, steps=milestones, **options)

    @classmethod
    def done(cls, id: str, title: str, **options: Unpack[_Options]) -> KeyResult:
        """A binary key result: measured 1 when done, 0 when not.

        >>> KeyResult.done("soc2", "Pass the SOC 2 audit").progress(1)
        1.0
        """
        _reserved("done", Kind.DONE, id, options, ("kind",))
        return cls(id, title, kind=Kind.DONE, **options)

    @classmethod
    def relative(
        cls,
        id: str,
        title: str,
        *,
        kpi: str,
        change: float,
        **options: Unpack[_Resolved],
    ) -> KeyResult:
        """A target relative to a KPI's value when the period begins.

        ``change=0.20`` means "+20 %": start is the KPI's last value before the
        period, target ``start * (1 + change)``.  Resolved when evaluated.

        >>> kr = KeyResult.relative("traffic", "Traffic +20 %", kpi="visits",
        ...                         change=0.20)
        >>> kr.resolve(10_000).target
        12000.0
        """
        _reserved("relative", Kind.RELATIVE, id, options, ("kind",))
        return cls(id, title, kind=Kind.RELATIVE, kpi=kpi, change=change, **options)

    @classmethod
    def rate(
        cls,
        id: str,
        title: str,
        *,
        target: float,
        per: RatePer = "month",
        **options: Unpack[_Options],
    ) -> KeyResult:
        """A target per sub-period: "20 new customers per month".

        The measurements of each sub-period (``per``) of the objective's period
        are aggregated (SUM unless ``aggregation`` says otherwise); the value is
        the mean over the sub-periods that count: every completed one, and the
        current one only once it has reached the target on its own.

        >>> kr = KeyResult.rate("new", "20 new customers a month", target=20,
        ...                     label="customers")
        >>> kr.progress(15)
        0.75
        """
        _reserved("rate", Kind.RATE, id, options, ("kind", "start"))
        options.setdefault("aggregation", Aggregation.SUM)
        return cls(
            id, title, kind=Kind.RATE, start=0.0, target=target, per=per, **options
        )

    # -- semantics ----------------------------------------------------------

    def resolve(self, baseline: float) -> KeyResult:
        """Fix a relative key result's start and target from the KPI's baseline.

        Other kinds are returned unchanged.
        """
        if self.kind is not Kind.RELATIVE:
            return self
        subject = f"KeyResult {self.id!r}"
        start = _validate.real(subject, "start", baseline)
        assert self.change is not None
        target = start * (1 + self.change)
        if target == start:
            raise InvalidValueError(
                subject=subject,
                field="start",
                value=start,
                expected="a non-zero baseline: +x % of 0 leaves nothing to progress",
            )
        return attrs.evolve(self, start=start, target=target)

    @property
    def resolved(self) -> bool:
        """False for a relative key result whose start is not known yet."""
        return self.kind is not Kind.RELATIVE or self.start is not None

    def progress(self, value: float) -> float:
        """Return the raw progress of ``value`` (not clamped).

        For a linear key result ``(value - start) / (target - start)``: a move
        in the wrong direction is negative, never progress.

        >>> KeyResult("rev", "Revenue 1M", start=600_000, target=1_000_000).progress(
        ...     700_000)
        0.25
        """
        # Hot path (three calls per key result per evaluation): a finite
        # float needs no checking, and error subjects are built on error only.
        if type(value) is not float or not math.isfinite(value):
            value = _validate.real(f"KeyResult {self.id!r}", "value", value)
        return _PROGRESS[self.kind](self, value)

    def _progresses(self, values: Sequence[float]) -> list[float]:
        """:meth:`progress` of values already checked (finite floats), in one pass."""
        start, target = self.start, self.target
        if self.kind is _LINEAR and start is not None and target is not None:
            # (value - start) / (target - start), as _linear_progress has it,
            # at C level.
            span = target - start
            return list(map(truediv, map(sub, values, repeat(start)), repeat(span)))
        return list(map(partial(_PROGRESS[self.kind], self), values))

    def value_for(self, progress: float) -> float | None:
        """Return the value that gives ``progress`` on a linear scale, if any.

        Used to show phased targets and forecasts in the key result's unit.

        >>> KeyResult("k", "K", start=10, target=20).value_for(0.5)
        15.0
        """
        if type(progress) is not float or not math.isfinite(progress):
            progress = _validate.real(f"KeyResult {self.id!r}", "progress", progress)
        if (
            self.start is None
            or self.target is None
            or self.kind not in (Kind.LINEAR, Kind.RELATIVE, Kind.RATE)
        ):
            return None
        return self.start + progress * (self.target - self.start)


_LINEAR = Kind.LINEAR
# Non-slotted on purpose: one dictionary stored in one call sets all 19
# fields, where 19 slot descriptors cost about a microsecond more.
_SET_DICT = KeyResult.__dict__["__dict__"].__set__
_FIELDS: Final = tuple(field.name for field in attrs.fields(KeyResult))


def _prototype(cls: type) -> dict[str, Any]:
    """Every field of ``cls`` at its default (None if it has none).

    Made as an instance's own dictionary, it shares its keys with the
    class's other instances (CPython's split dictionaries), so each copy
    holds only values: a linear key result takes about 370 bytes instead of
    580 with a plain dictionary.
    """
    instance: object = object.__new__(cls)
    for field in attrs.fields(cls):
        default = None if field.default is attrs.NOTHING else field.default
        object.__setattr__(instance, field.name, default)
    return instance.__dict__


#: Every field of a linear key result at its default, in field order.
_LINEAR_PROTOTYPE: Final = _prototype(KeyResult)


def _plain(value: object) -> Any:
    """An int as a float, anything else as it is (_build cleans what is left).

    An int of magnitude 2**1023 or more may not fit a float: it is left too.
    """
    if type(value) is int and -_BIG < value < _BIG:
        return float(value)
    return value


def _build(kr: KeyResult, **fields: Any) -> None:
    """Clean every field, store it, then apply the kind's rule (the slow path)."""
    _validate.identifier("KeyResult", "id", fields["id"])
    subject = f"KeyResult {fields['id']!r}"
    _validate.text(subject, "title", fields["title"])
    _validate.text(subject, "label", fields["label"])
    _validate.of_type(subject, "kind", fields["kind"], Kind, "a Kind")
    for name in ("start", "target", "low", "high", "change"):
        fields[name] = _validate.optional_real(subject, name, fields[name])
    for name in ("weight", "tolerance"):
        fields[name] = _validate.non_negative(subject, name, fields[name])
    fields["unit"] = normalize_for(subject, "unit", fields["unit"])
    for name in ("kpi", "contributes_to"):
        if fields[name] is not None:
            _validate.identifier(subject, name, fields[name])
    if fields["aggregation"] is not None:
        _validate.of_type(
            subject,
            "aggregation",
            fields["aggregation"],
            Aggregation,
            "an Aggregation or None",
        )
    _validate.of_type(subject, "partial", fields["partial"], bool, "True or False")
    fields["steps"] = _milestones(subject, fields["steps"])
    if fields["per"] is not None and fields["per"] not in _PERS:
        raise InvalidValueError(
            subject=subject,
            field="per",
            value=fields["per"],
            expected="'week', 'month' or 'quarter'",
        )
    fields["phases"] = _phases(subject, fields["phases"])
    _SET_DICT(kr, fields)
    _apply_rule(kr, subject)


_PERS: Final = ("week", "month", "quarter")


def _milestones(subject: str, value: object) -> tuple[Milestone, ...]:
    if isinstance(value, Milestone):
        return (value,)
    if not isinstance(value, Iterable) or isinstance(value, str | bytes | Mapping):
        raise InvalidTypeError(
            subject=subject,
            field="steps",
            value=value,
            expected="a sequence of Milestone",
        )
    steps = tuple(value)
    for step in steps:
        _validate.of_type(subject, "steps", step, Milestone, "a Milestone")
    return steps


def _phases(subject: str, value: object) -> tuple[tuple[date, float], ...]:
    if isinstance(value, Mapping):
        value = tuple(value.items())
    if not isinstance(value, Iterable) or isinstance(value, str | bytes):
        raise InvalidTypeError(
            subject=subject,
            field="phases",
            value=value,
            expected="a sequence of (date, value) pairs",
        )
    result = []
    for pair in value:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise InvalidTypeError(
                subject=subject,
                field="phases",
                value=pair,
                expected="a (date, value) pair",
            )
        day = _validate.calendar_date(subject, "phases", pair[0])
        result.append((day, _validate.real(subject, "phases", pair[1])))
    result.sort()
    days = [day for day, _ in result]
    if len(set(days)) != len(days):
        raise InvalidValueError(
            subject=subject,
            field="phases",
            value=tuple(result),
            expected="one value per date",
        )
    return tuple(result)


def _reserved(
    constructor: str,
    kind: Kind,
    id: object,
    options: Mapping[str, object],
    sets: Sequence[str],
) -> None:
    """Reject keywords a named constructor sets itself, and unknown ones.

    Without this Python says "got multiple values for keyword argument".
    """
    for name, value in options.items():
        if name in sets:
            raise InvalidTypeError(
                subject=f"KeyResult {id!r}",
                field=name,
                value=value,
                expected=f"no {name!r} argument: KeyResult.{constructor} sets it",
            )
        if name not in _FIELDS or name in ("id", "title"):
            rule = RULES[kind]
            takes = [*_COMMON, *rule.requires, *rule.allows]
            raise InvalidTypeError(
                subject=f"KeyResult {id!r}",
                field=name,
                value=value,
                expected=f"a keyword KeyResult.{constructor} takes (one of "
                + ", ".join(n for n in dict.fromkeys(takes) if n not in sets)
                + ")",
            )


def _linear_progress(kr: KeyResult, value: float) -> float:
    if kr.start is None or kr.target is None:
        raise InvalidValueError(
            subject=f"KeyResult {kr.id!r}",
            field="start",
            value=None,
            expected="a resolved start: a relative key result takes it from its "
            "KPI when evaluated (or call resolve(baseline))",
        )
    return (value - kr.start) / (kr.target - kr.start)


def _at_least_progress(kr: KeyResult, value: float) -> float:
    assert kr.target is not None
    if value >= kr.target:
        return 1.0
    return value / kr.target if kr.partial else 0.0


def _at_most_progress(kr: KeyResult, value: float) -> float:
    assert kr.target is not None
    if value <= kr.target:
        return 1.0
    return kr.target / value if kr.partial else 0.0


def _within_progress(kr: KeyResult, value: float) -> float:
    assert kr.low is not None
    assert kr.high is not None
    distance = max(kr.low - value, value - kr.high, 0.0)
    if distance == 0:
        return 1.0
    if kr.tolerance == 0:
        return 0.0
    return max(0.0, 1.0 - distance / kr.tolerance)


def _milestone_progress(kr: KeyResult, value: float) -> float:
    count = len(kr.steps)
    if value != int(value) or not 0 <= value <= count:
        raise InvalidValueError(
            subject=f"KeyResult {kr.id!r}",
            field="value",
            value=value,
            expected=f"a whole number of milestones done, from 0 to {count}",
        )
    total = math.fsum(m.weight for m in kr.steps)
    return math.fsum(m.weight for m in kr.steps[: int(value)]) / total


def _done_progress(kr: KeyResult, value: float) -> float:
    if value not in (0.0, 1.0):
        raise InvalidValueError(
            subject=f"KeyResult {kr.id!r}",
            field="value",
            value=value,
            expected="1 (done) or 0 (not done)",
        )
    return value


_PROGRESS = {
    Kind.LINEAR: _linear_progress,
    Kind.RELATIVE: _linear_progress,
    Kind.RATE: _linear_progress,
    Kind.AT_LEAST: _at_least_progress,
    Kind.AT_MOST: _at_most_progress,
    Kind.WITHIN: _within_progress,
    Kind.MILESTONES: _milestone_progress,
    Kind.DONE: _done_progress,
}


class Rule(NamedTuple):
    """What one kind of key result takes: required and optional fields, and a check.

    A kind-specific field (``KIND_FIELDS``) that a kind neither requires nor
    allows is rejected when it is set (differs from its default).
    """

    requires: tuple[str, ...]
    allows: tuple[str, ...]
    check: Callable[[KeyResult, str], None]


#: The fields whose meaning depends on the kind; all others (unit, label,
#: weight, kpi, aggregation, contributes_to, phases) apply to every kind.
KIND_FIELDS: Final = (
    "start",
    "target",
    "low",
    "high",
    "tolerance",
    "partial",
    "steps",
    "change",
    "per",
)

#: The fields every kind takes.
_COMMON: Final = (
    "unit",
    "label",
    "weight",
    "kpi",
    "aggregation",
    "contributes_to",
    "phases",
)

_UNSET: Final[dict[str, object]] = {
    "start": None,
    "target": None,
    "low": None,
    "high": None,
    "tolerance": 0.0,
    "partial": False,
    "steps": (),
    "change": None,
    "per": None,
    "kpi": None,
}

_NEEDED: Final = {
    "steps": "at least one Milestone",
    "per": "'week', 'month' or 'quarter'",
    "kpi": "the id of the KPI it is relative to",
}


def _check_linear(kr: KeyResult, subject: str) -> None:
    # The rule requires both (these narrow the types only).
    assert kr.start is not None
    assert kr.target is not None
    if not math.isfinite(kr.target - kr.start):  # progress divides by it
        raise InvalidValueError(
            subject=subject,
            field="target",
            value=kr.target,
            expected=f"a target whose distance from start={kr.start!r} is a "
            "finite number",
        )
    if kr.start == kr.target:
        raise InvalidValueError(
            subject=subject,
            field="target",
            value=kr.target,
            expected=f"a target different from start={kr.start!r} (use "
            "KeyResult.at_least / at_most to hold a level)",
        )


def _check_threshold(kr: KeyResult, subject: str) -> None:
    if kr.partial and kr.target is not None and kr.target <= 0:
        raise InvalidValueError(
            subject=subject,
            field="target",
            value=kr.target,
            expected="a positive threshold for partial credit (value / threshold)",
        )


def _check_within(kr: KeyResult, subject: str) -> None:
    if kr.low is not None and kr.high is not None and kr.high < kr.low:
        raise InvalidValueError(
            subject=subject,
            field="high",
            value=kr.high,
            expected=f"a value at least low={kr.low!r}",
        )


def _check_milestones(kr: KeyResult, subject: str) -> None:
    names = [m.name for m in kr.steps]
    if len(set(names)) != len(names):
        raise InvalidValueError(
            subject=subject,
            field="steps",
            value=names,
            expected="milestones with distinct names",
        )
    if not any(m.weight > 0 for m in kr.steps):
        raise InvalidValueError(
            subject=subject,
            field="steps",
            value=names,
            expected="at least one milestone with weight > 0",
        )
    try:  # progress divides by the total weight: it must be a float
        math.fsum(m.weight for m in kr.steps)
    except OverflowError:
        raise InvalidValueError(
            subject=subject,
            field="steps",
            value=[m.weight for m in kr.steps],
            expected="milestone weights whose sum is a finite number",
        ) from None


def _check_nothing(kr: KeyResult, subject: str) -> None:
    return None


def _check_relative(kr: KeyResult, subject: str) -> None:
    if kr.change == 0:
        raise InvalidValueError(
            subject=subject,
            field="change",
            value=kr.change,
            expected="a non-zero change such as 0.20 for +20 %",
        )
    # start and target are unknown until resolved, then both known.
    if (kr.start is None) != (kr.target is None):
        missing = "target" if kr.target is None else "start"
        raise InvalidValueError(
            subject=subject,
            field=missing,
            value=None,
            expected="start and target together (a resolved relative key result) "
            "or neither",
        )
    if kr.start is not None:
        _check_linear(kr, subject)


#: The one table of key result kinds: what each requires, allows and checks.
RULES: Final[dict[Kind, Rule]] = {
    Kind.LINEAR: Rule(("start", "target"), (), _check_linear),
    Kind.AT_LEAST: Rule(("target",), ("start", "partial"), _check_threshold),
    Kind.AT_MOST: Rule(("target",), ("start", "partial"), _check_threshold),
    Kind.WITHIN: Rule(("low", "high"), ("tolerance",), _check_within),
    Kind.MILESTONES: Rule(("steps",), (), _check_milestones),
    Kind.DONE: Rule((), (), _check_nothing),
    Kind.RELATIVE: Rule(("kpi", "change"), ("start", "target"), _check_relative),
    Kind.RATE: Rule(("start", "target", "per"), (), _check_linear),
}

_REJECTS: Final = {
    kind: tuple(f for f in KIND_FIELDS if f not in rule.requires + rule.allows)
    for kind, rule in RULES.items()
}
_USED_BY: Final = {
    field: " and ".join(
        kind.value
        for kind, rule in RULES.items()
        if field in rule.requires + rule.allows
    )
    for field in KIND_FIELDS
}


def _apply_rule(kr: KeyResult, subject: str) -> None:
    rule = RULES[kr.kind]
    for field in rule.requires:
        if getattr(kr, field) == _UNSET[field]:
            raise InvalidValueError(
                subject=subject,
                field=field,
                value=getattr(kr, field),
                expected=_NEEDED.get(
                    field, f"a number for a {kr.kind.value} key result"
                ),
            )
    for field in _REJECTS[kr.kind]:
        value = getattr(kr, field)
        if value != _UNSET[field]:
            raise InvalidValueError(
                subject=subject,
                field=field,
                value=value,
                expected=f"no {field} on a {kr.kind.value} key result "
                f"({field} is for {_USED_BY[field]} key results)",
            )
    rule.check(kr, subject)
