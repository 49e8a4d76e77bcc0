"""KeyResult: a measurable result, and how a value becomes raw progress."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Literal

import attrs

from okrkit import _validate
from okrkit._aggregation import Aggregation
from okrkit.exceptions import InvalidTypeError, InvalidValueError
from okrkit.units import normalize_for

RatePer = Literal["week", "month", "quarter"]


class Kind(enum.Enum):
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


@attrs.frozen
class Milestone:
    """One step of a milestones key result, with a weight.

    >>> Milestone("spec", weight=2)
    Milestone(name='spec', weight=2)
    """

    name: str
    weight: float = attrs.field(default=1.0, kw_only=True)

    def __attrs_post_init__(self) -> None:
        _validate.identifier("Milestone", "name", self.name)
        _validate.non_negative(f"Milestone {self.name!r}", "weight", self.weight)


def _milestones(value: object) -> tuple[Milestone, ...]:
    if isinstance(value, Milestone):
        return (value,)
    if not isinstance(value, Iterable) or isinstance(value, str):
        raise InvalidTypeError(
            subject="KeyResult",
            field="steps",
            value=value,
            expected="a sequence of Milestone",
        )
    return tuple(value)


def _phases(value: object) -> tuple[tuple[date, float], ...]:
    if isinstance(value, dict):
        value = tuple(value.items())
    if not isinstance(value, Iterable) or isinstance(value, str):
        raise InvalidTypeError(
            subject="KeyResult",
            field="phases",
            value=value,
            expected="a sequence of (date, value) pairs",
        )
    result = []
    for pair in value:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise InvalidTypeError(
                subject="KeyResult",
                field="phases",
                value=pair,
                expected="a (date, value) pair",
            )
        day = _validate.calendar_date("KeyResult", "phases", pair[0])
        result.append((day, _validate.real("KeyResult", "phases", pair[1])))
    result.sort()
    days = [day for day, _ in result]
    if len(set(days)) != len(days):
        raise InvalidValueError(
            subject="KeyResult",
            field="phases",
            value=tuple(result),
            expected="one value per date",
        )
    return tuple(result)


@attrs.frozen
class KeyResult:
    """A measurable result: a start, a target, a unit and a kind.

    The plain constructor makes a linear key result: its direction follows
    from ``start`` and ``target`` (target above start is an increase).  The
    named constructors make the other kinds.  ``weight`` is its share in the
    objective's roll-up; ``kpi`` takes its value from a KPI's measurements;
    ``contributes_to`` feeds its value to a parent key result; ``phases`` are
    dated intermediate targets that shape the expected progress.

    >>> kr = KeyResult("churn", "Cut churn to 2 %", start=5, target=2,
    ...                unit="percent")
    >>> kr.progress(3.5), kr.progress(6)
    (0.5, -0.3333333333333333)
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
    steps: tuple[Milestone, ...] = attrs.field(
        default=(), kw_only=True, converter=_milestones
    )
    change: float | None = attrs.field(default=None, kw_only=True)
    per: RatePer | None = attrs.field(default=None, kw_only=True)
    phases: tuple[tuple[date, float], ...] = attrs.field(
        default=(), kw_only=True, converter=_phases
    )

    def __attrs_post_init__(self) -> None:
        _validate.identifier("KeyResult", "id", self.id)
        subject = f"KeyResult {self.id!r}"
        _validate.text(subject, "title", self.title)
        _validate.text(subject, "label", self.label)
        _validate.of_type(subject, "kind", self.kind, Kind, "a Kind")
        for field in ("start", "target", "low", "high", "change"):
            value = getattr(self, field)
            if value is not None:
                _validate.real(subject, field, value)
        _validate.non_negative(subject, "weight", self.weight)
        _validate.non_negative(subject, "tolerance", self.tolerance)
        object.__setattr__(self, "unit", normalize_for(subject, "unit", self.unit))
        for field in ("kpi", "contributes_to"):
            value = getattr(self, field)
            if value is not None:
                _validate.identifier(subject, field, value)
        if self.aggregation is not None and not isinstance(
            self.aggregation, Aggregation
        ):
            raise InvalidTypeError(
                subject=subject,
                field="aggregation",
                value=self.aggregation,
                expected="an Aggregation or None",
            )
        _validate.of_type(subject, "partial", self.partial, bool, "True or False")
        _CHECKS[self.kind](self, subject)

    # -- named constructors -------------------------------------------------

    @classmethod
    def at_least(
        cls,
        id: str,
        title: str,
        threshold: float,
        *,
        partial: bool = False,
        **options: Any,
    ) -> KeyResult:
        """Met when the value is at least ``threshold`` (a value equal to it passes).

        With ``partial=True`` a value below scores ``value / threshold``.

        >>> kr = KeyResult.at_least("uptime", "Uptime at least 99.9 %", 99.9,
        ...                         unit="percent")
        >>> kr.progress(99.9), kr.progress(99.89)
        (1.0, 0.0)
        """
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
        **options: Any,
    ) -> KeyResult:
        """Met when the value is at most ``threshold`` (equal passes).

        With ``partial=True`` a value above scores ``threshold / value``.

        >>> kr = KeyResult.at_most("p95", "p95 latency at most 300 ms", 300,
        ...                        unit="ms", partial=True)
        >>> kr.progress(300), kr.progress(400)
        (1.0, 0.75)
        """
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
        **options: Any,
    ) -> KeyResult:
        """Met inside the closed range; outside, 0 or a decay over ``tolerance``.

        The decay is linear: 1 at the range's edge, 0 at ``tolerance`` beyond.

        >>> kr = KeyResult.within("headcount", "Headcount 95-105", 95, 105,
        ...                       tolerance=10)
        >>> kr.progress(100), kr.progress(110), kr.progress(120)
        (1.0, 0.5, 0.0)
        """
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
        cls, id: str, title: str, milestones: Sequence[Milestone], **options: Any
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
        return cls(id, title, kind=Kind.MILESTONES, steps=milestones, **options)

    @classmethod
    def done(cls, id: str, title: str, **options: Any) -> KeyResult:
        """A binary key result: measured 1 when done, 0 when not.

        >>> KeyResult.done("soc2", "Pass the SOC 2 audit").progress(1)
        1.0
        """
        return cls(id, title, kind=Kind.DONE, **options)

    @classmethod
    def relative(
        cls, id: str, title: str, *, kpi: str, change: float, **options: Any
    ) -> KeyResult:
        """A target relative to a KPI's value when the period begins.

        ``change=0.20`` means "+20 %": start is the KPI's last value before the
        period, target ``start * (1 + change)``.  Resolved when evaluated.

        >>> kr = KeyResult.relative("traffic", "Traffic +20 %", kpi="visits",
        ...                         change=0.20)
        >>> kr.resolve(10_000).target
        12000.0
        """
        return cls(id, title, kind=Kind.RELATIVE, kpi=kpi, change=change, **options)

    @classmethod
    def rate(
        cls,
        id: str,
        title: str,
        *,
        target: float,
        per: RatePer = "month",
        **options: Any,
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

    def value_for(self, progress: float) -> float | None:
        """Return the value that gives ``progress`` on a linear scale, if any.

        Used to show phased targets and forecasts in the key result's unit.
        """
        if (
            self.start is None
            or self.target is None
            or self.kind not in (Kind.LINEAR, Kind.RELATIVE, Kind.RATE)
        ):
            return None
        return self.start + progress * (self.target - self.start)


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


def _needs(kr: KeyResult, subject: str, *fields: str) -> None:
    for field in fields:
        if getattr(kr, field) is None:
            raise InvalidValueError(
                subject=subject,
                field=field,
                value=None,
                expected=f"a number for a {kr.kind.value} key result",
            )


def _check_linear(kr: KeyResult, subject: str) -> None:
    _needs(kr, subject, "start", "target")
    if kr.start == kr.target:
        raise InvalidValueError(
            subject=subject,
            field="target",
            value=kr.target,
            expected=f"a target different from start={kr.start!r} (use "
            "KeyResult.at_least / at_most to hold a level)",
        )


def _check_threshold(kr: KeyResult, subject: str) -> None:
    _needs(kr, subject, "target")
    assert kr.target is not None
    if kr.partial and kr.target <= 0:
        raise InvalidValueError(
            subject=subject,
            field="target",
            value=kr.target,
            expected="a positive threshold for partial credit (value / threshold)",
        )


def _check_within(kr: KeyResult, subject: str) -> None:
    _needs(kr, subject, "low", "high")
    assert kr.low is not None
    assert kr.high is not None
    if kr.high < kr.low:
        raise InvalidValueError(
            subject=subject,
            field="high",
            value=kr.high,
            expected=f"a value at least low={kr.low!r}",
        )


def _check_milestones(kr: KeyResult, subject: str) -> None:
    if not kr.steps:
        raise InvalidValueError(
            subject=subject, field="steps", value=(), expected="at least one Milestone"
        )
    for milestone in kr.steps:
        _validate.of_type(subject, "steps", milestone, Milestone, "a Milestone")
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


def _check_done(kr: KeyResult, subject: str) -> None:
    return None


def _check_relative(kr: KeyResult, subject: str) -> None:
    _needs(kr, subject, "kpi", "change")
    if kr.change == 0:
        raise InvalidValueError(
            subject=subject,
            field="change",
            value=kr.change,
            expected="a non-zero change such as 0.20 for +20 %",
        )
    if kr.start is not None:
        _check_linear(kr, subject)


def _check_rate(kr: KeyResult, subject: str) -> None:
    _check_linear(kr, subject)
    if kr.per not in ("week", "month", "quarter"):
        raise InvalidValueError(
            subject=subject,
            field="per",
            value=kr.per,
            expected="'week', 'month' or 'quarter'",
        )


_CHECKS = {
    Kind.LINEAR: _check_linear,
    Kind.AT_LEAST: _check_threshold,
    Kind.AT_MOST: _check_threshold,
    Kind.WITHIN: _check_within,
    Kind.MILESTONES: _check_milestones,
    Kind.DONE: _check_done,
    Kind.RELATIVE: _check_relative,
    Kind.RATE: _check_rate,
}
