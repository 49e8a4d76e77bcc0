"""Scoring strategies, roll-up aggregators and pace.

A key result's **progress** is raw arithmetic (see ``KeyResult.progress``);
its **score** is what a scoring strategy makes of it, and what rolls up.
Strategies are pluggable: anything with a ``score(key_result, value,
context)`` method is a :class:`ScoringStrategy`.

>>> from okrkit import KeyResult
>>> kr = KeyResult("signups", "Reach 1,000 sign-ups", start=0, target=1000)
>>> ctx = ScoreContext()
>>> Linear().score(kr, 1300, ctx), Linear(cap=1.5).score(kr, 1300, ctx)
(1.0, 1.3)
>>> Linear(cap=None).score(kr, 2000, ctx), Linear().score(kr, -50, ctx)
(2.0, 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import repeat
from operator import mul, truediv
from typing import Literal, Protocol, runtime_checkable

import attrs

from okrkit import _validate
from okrkit._key_result import KeyResult
from okrkit._status import Status
from okrkit.exceptions import InvalidTypeError, InvalidValueError
from okrkit.thresholds import Thresholds

__all__ = [
    "Combine",
    "GoogleGrading",
    "Grading",
    "Linear",
    "Pace",
    "RedFlagGoal",
    "RollUp",
    "ScoreContext",
    "ScoringStrategy",
    "Stepped",
    "minimum",
    "weighted_mean",
]


@attrs.frozen(kw_only=True)
class ScoreContext:
    """What a strategy may know beyond the key result and its value.

    ``committed`` is the objective's commitment; ``expected`` the expected
    progress at the evaluation instant (0 to 1).

    >>> ScoreContext(committed=True, expected=0.5)
    ScoreContext(committed=True, expected=0.5)
    """

    committed: bool = False
    expected: float = 0.0

    def __attrs_post_init__(self) -> None:
        _validate.of_type(
            "ScoreContext", "committed", self.committed, bool, "True or False"
        )
        expected = _validate.real("ScoreContext", "expected", self.expected)
        if not 0.0 <= expected <= 1.0:
            raise InvalidValueError(
                subject="ScoreContext",
                field="expected",
                value=self.expected,
                expected="an expected progress from 0 to 1",
            )
        object.__setattr__(self, "expected", expected)  # a plain float


@runtime_checkable
class ScoringStrategy(Protocol):
    """Turns a key result and its value into a score.

    A strategy may also have a ``target_score`` attribute: the score that
    means "target met" (1.0 unless it says otherwise), which pace status
    compares against.

    >>> class Halved:
    ...     def score(self, key_result, value, context):
    ...         return 0.5 * max(0.0, min(1.0, key_result.progress(value)))
    >>> isinstance(Halved(), ScoringStrategy)
    True
    """

    def score(
        self, key_result: KeyResult, value: float, context: ScoreContext
    ) -> float:
        """Return the score of ``value`` for ``key_result``."""
        ...


@runtime_checkable
class Grading(Protocol):
    """A strategy that also grades a score as a status (Google-style).

    >>> isinstance(GoogleGrading(), Grading), isinstance(Linear(), Grading)
    (True, False)
    """

    def grade(self, score: float, *, committed: bool) -> Status:
        """Return the status a score earns."""
        ...


def _optional_bound(value: object, field: str) -> float | None:
    return _validate.optional_real("Linear", field, value)


def _target_score(subject: str, value: object) -> float:
    """The score meaning "target met": a positive, finite float."""
    result = _validate.real(subject, "target_score", value)
    if result <= 0:
        raise InvalidValueError(
            subject=subject,
            field="target_score",
            value=value,
            expected="a positive score meaning the target is met",
        )
    return result


# attrs converters: named functions, so mypy's attrs plugin can read them.
def _cap(value: object) -> float | None:
    return _optional_bound(value, "cap")


def _floor(value: object) -> float | None:
    return _optional_bound(value, "floor")


def _linear_target(value: object) -> float:
    return _target_score("Linear", value)


def _google_target(value: object) -> float:
    return _target_score("GoogleGrading", value)


def _stepped_target(value: object) -> float:
    return _target_score("Stepped", value)


def _red_flag_target(value: object) -> float:
    return _target_score("RedFlagGoal", value)


def _on_track(value: object) -> float:
    return _validate.non_negative("Pace", "on_track", value)


def _at_risk(value: object) -> float:
    return _validate.non_negative("Pace", "at_risk", value)


def _arguments(
    subject: str, key_result: object, value: object, context: object
) -> float:
    """Check what a strategy's score() is given; return the value as a float."""
    _validate.of_type(subject, "key_result", key_result, KeyResult, "a KeyResult")
    _validate.of_type(subject, "context", context, ScoreContext, "a ScoreContext")
    return _validate.real(subject, "value", value)


@attrs.frozen
class Linear:
    """Progress clamped to ``[floor, cap]``: the default strategy.

    Over-achievement is an explicit policy: ``cap=1.0`` (default), a higher
    cap such as 1.5, or ``None`` for unbounded.  Negative progress floors at
    ``floor`` (0 by default, ``None`` for no floor).

    >>> from okrkit import KeyResult
    >>> kr = KeyResult("cost", "Cut cost to 80k", start=100, target=80)
    >>> Linear().score(kr, 85, ScoreContext())
    0.75
    """

    cap: float | None = attrs.field(default=1.0, kw_only=True, converter=_cap)
    floor: float | None = attrs.field(default=0.0, kw_only=True, converter=_floor)
    target_score: float = attrs.field(default=1.0, converter=_linear_target)

    def __attrs_post_init__(self) -> None:
        cap, floor = self.cap, self.floor
        if cap is not None and floor is not None and cap < floor:
            raise InvalidValueError(
                subject="Linear",
                field="cap",
                value=cap,
                expected=f"a cap at least floor={floor!r}",
            )

    def score(
        self, key_result: KeyResult, value: float, context: ScoreContext
    ) -> float:
        """Return the clamped progress."""
        number = _arguments("Linear.score", key_result, value, context)
        return self._clamp(key_result.progress(number))

    def _clamp_all(self, progresses: Sequence[float]) -> Sequence[float]:
        """:meth:`_clamp` of each progress, in one pass.

        ``min(p, cap)`` is ``cap if cap < p else p`` and ``max(q, floor)``
        is ``floor if floor > q else q``, the same float; as a comparison
        it costs a fifth of the call (floor is at most cap: a capped
        progress stays the cap).
        """
        cap, floor = self.cap, self.floor
        if cap is not None and floor is not None:
            return [cap if cap < p else floor if floor > p else p for p in progresses]
        if cap is not None:
            return [cap if cap < p else p for p in progresses]
        if floor is not None:
            return [floor if floor > p else p for p in progresses]
        return progresses

    def _clamp(self, progress: float) -> float:
        """``progress`` held within ``[floor, cap]``: its score (the engine's path)."""
        if self.cap is not None:
            progress = min(progress, self.cap)
        if self.floor is not None:
            progress = max(progress, self.floor)
        return progress


def _round_half_up(value: float, digits: int = 1) -> float:
    scale = 10.0**digits
    return math.floor(value * scale + 0.5) / scale


@attrs.frozen
class GoogleGrading:
    """Google-style grading: progress clamped to [0, 1], rounded to 0.1.

    Grades: below 0.4 red, 0.4 to 0.7 amber, 0.7 and up green for
    aspirational objectives; committed objectives are green only at 1.0
    (amber from 0.4).

    >>> from okrkit import KeyResult
    >>> kr = KeyResult("nps", "NPS to 50", start=30, target=50)
    >>> grading = GoogleGrading()
    >>> grading.score(kr, 44.9, ScoreContext())
    0.7
    >>> grading.grade(0.7, committed=False).name
    'GREEN'
    >>> grading.grade(0.7, committed=True).name
    'AMBER'

    """

    target_score: float = attrs.field(default=1.0, converter=_google_target)

    def score(
        self, key_result: KeyResult, value: float, context: ScoreContext
    ) -> float:
        """Return the clamped progress rounded half up to one decimal."""
        number = _arguments("GoogleGrading.score", key_result, value, context)
        return _round_half_up(min(1.0, max(0.0, key_result.progress(number))))

    def grade(self, score: float, *, committed: bool) -> Status:
        """Return the grade's status."""
        score = _validate.real("GoogleGrading.grade", "score", score)
        _validate.of_type(
            "GoogleGrading.grade", "committed", committed, bool, "True or False"
        )
        if score < 0.4:
            return Status.RED
        if committed:
            return Status.GREEN if score >= 1.0 else Status.AMBER
        return Status.GREEN if score >= 0.7 else Status.AMBER


@attrs.frozen
class Stepped:
    """Banded scoring: the band that holds the value gives a fixed score.

    The bands are :class:`~okrkit.thresholds.Thresholds` whose every band has
    a ``score``.

    >>> from okrkit import KeyResult, Status, Thresholds
    >>> bands = Thresholds.from_edges(
    ...     (50, 80, 100), (Status.RED, Status.AMBER, Status.GREEN, Status.GREEN),
    ...     scores=(0.0, 0.5, 0.8, 1.0))
    >>> kr = KeyResult("hires", "Hire 100 people", start=0, target=100)
    >>> Stepped(bands).score(kr, 85, ScoreContext())
    0.8
    """

    bands: Thresholds
    target_score: float = attrs.field(default=1.0, converter=_stepped_target)

    def __attrs_post_init__(self) -> None:
        _validate.of_type(
            "Stepped",
            "bands",
            self.bands,
            Thresholds,
            "a Thresholds with a score on every band",
        )
        missing = [
            str(i) for i, band in enumerate(self.bands.bands) if band.score is None
        ]
        if missing or self.bands.relative:
            raise InvalidValueError(
                subject="Stepped",
                field="bands",
                value=str(self.bands),
                expected="absolute bands that each have a score",
            )

    def score(
        self, key_result: KeyResult, value: float, context: ScoreContext
    ) -> float:
        """Return the fixed score of the value's band."""
        number = _arguments("Stepped.score", key_result, value, context)
        score = self.bands.band(number).score
        return 0.0 if score is None else score  # never None: checked in __init__


@attrs.frozen
class RedFlagGoal:
    """The goal / red-flag 0-10 scale, reported as a fraction of 10.

    On the 0-10 scale the red flag (the key result's start) is 3.33 and the
    goal (its target) 6.67; 10 is reached at goal + (goal - red flag) and 0 at
    red flag - (goal - red flag); linear in between and clamped.  okrkit keeps
    scores as fractions, so the goal scores 0.667 and ``target_score`` is 2/3.

    >>> from okrkit import KeyResult
    >>> kr = KeyResult("nps", "NPS from 20 to 40", start=20, target=40)
    >>> s = RedFlagGoal()
    >>> [round(10 * s.score(kr, v, ScoreContext()), 2) for v in (0, 20, 40, 60, 90)]
    [0.0, 3.33, 6.67, 10.0, 10.0]
    """

    target_score: float = attrs.field(default=2 / 3, converter=_red_flag_target)

    def score(
        self, key_result: KeyResult, value: float, context: ScoreContext
    ) -> float:
        """Return the 0-10 score divided by 10."""
        number = _arguments("RedFlagGoal.score", key_result, value, context)
        return min(1.0, max(0.0, (key_result.progress(number) + 1.0) / 3.0))


# -- roll-up -----------------------------------------------------------------

#: A roll-up aggregator: (score, weight) pairs to one score (None if nothing).
Combine = Callable[[Sequence[tuple[float, float]]], float | None]


def weighted_mean(items: Sequence[tuple[float, float]]) -> float | None:
    """Return the weighted mean of (score, weight) pairs; None if no weight.

    >>> weighted_mean([(1.0, 1), (0.4, 2)])
    0.6
    """
    return _weighted_mean(_pairs("weighted_mean", items))


def _weighted_mean(pairs: Sequence[tuple[float, float]]) -> float | None:
    """weighted_mean of pairs already checked (finite scores, weights >= 0)."""
    return _weighted_mean_of([s for s, _ in pairs], [w for _, w in pairs])


def _weighted_mean_of(
    scores: Sequence[float], weights: Sequence[float]
) -> float | None:
    """weighted_mean of checked scores and weights given side by side.

    The engine's own roll-up calls this: its scores and weights are finite
    floats (weights 0 or more) already, and it holds them as two columns.

    >>> _weighted_mean_of([1.0, 0.4], [1.0, 2.0])
    0.6
    """
    try:
        total = math.fsum(weights)
        mean = math.fsum(map(mul, scores, weights)) / total
    except ZeroDivisionError:
        return None
    except (OverflowError, ValueError):  # fsum: overflow, or inf - inf
        mean = math.inf
    if math.isfinite(mean):
        return mean
    # Huge scores or weights: scaled to at most 1, no sum can overflow, and
    # a mean never exceeds the largest score.
    heaviest = max(weights)
    largest = max(map(abs, scores)) or 1.0
    total = math.fsum(weight / heaviest for weight in weights)
    share = math.fsum(
        (score / largest) * (weight / heaviest)
        for score, weight in zip(scores, weights, strict=True)
    )
    return largest * (share / total)


def _weighted_means_of(
    columns: Sequence[Sequence[float]], weights: Sequence[float]
) -> list[float] | None:
    """:func:`_weighted_mean_of` at many dates: ``columns[i]`` is item i's scores.

    Worked out for all dates at once, at C level; fsum is exact, so the sum
    of the same products is the same float.  None when a mean is not a
    plain finite quotient (no weight, huge products): ask date by date.
    """
    try:
        total = math.fsum(weights)
    except OverflowError:  # finite weights, an infinite sum: date by date
        return None
    if total <= 0:
        return None
    # x * 1.0 is x (the default weight): no product to make.
    products = [
        c if w == 1.0 else list(map(mul, c, repeat(w)))
        for c, w in zip(columns, weights, strict=True)
    ]
    try:
        means = list(
            map(truediv, map(math.fsum, zip(*products, strict=True)), repeat(total))
        )
    except (OverflowError, ValueError):  # fsum: overflow, or inf - inf
        return None
    return means if all(map(math.isfinite, means)) else None


def _pairs(subject: str, items: object) -> list[tuple[float, float]]:
    """Check (score, weight) pairs: finite scores, finite weights of 0 or more."""
    if type(items) is list and all(map(_plain_pair, items)):
        return items  # the engine's own pairs: plain floats, already checked
    if isinstance(items, str) or not isinstance(items, Sequence):
        raise InvalidTypeError(
            subject=subject,
            field="items",
            value=items,
            expected="a sequence of (score, weight) pairs",
        )
    pairs = []
    for item in items:
        if isinstance(item, str) or not isinstance(item, Sequence) or len(item) != 2:
            raise InvalidTypeError(
                subject=subject,
                field="items",
                value=item,
                expected="a (score, weight) pair",
            )
        score = _validate.real(subject, "score", item[0])
        weight = _validate.non_negative(subject, "weight", item[1])
        pairs.append((score, weight))
    return pairs


def _plain_pair(item: object) -> bool:
    """A (finite float, finite float >= 0) tuple: the fast path of _pairs."""
    if type(item) is not tuple or len(item) != 2:
        return False
    score, weight = item
    return (
        type(score) is float
        and type(weight) is float
        and math.isfinite(score)
        and math.isfinite(weight)
        and weight >= 0
    )


def minimum(items: Sequence[tuple[float, float]]) -> float | None:
    """Return the weakest score among those with a positive weight.

    >>> minimum([(0.9, 1), (0.2, 1), (0.0, 0)])
    0.2
    """
    scores = [score for score, weight in _pairs("minimum", items) if weight > 0]
    return min(scores) if scores else None


NoData = Literal["zero", "skip"]
Include = Literal["both", "key_results", "children"]


@attrs.frozen(kw_only=True)
class RollUp:
    """How scores roll up into an objective's score.

    ``combine`` aggregates (score, weight) pairs: :func:`weighted_mean`
    (default), :func:`minimum`, or your own function.  ``no_data`` says what a
    started key result without measurements counts as: ``"zero"`` (default,
    since no check-in is a real signal) or ``"skip"``.  ``include`` picks what
    rolls up: ``"both"`` key results and child objectives (default, each child
    weighing its ``weight`` as one more key result would), ``"key_results"``
    only, or ``"children"`` only (an objective without children then rolls up
    its key results, so leaves still have a score).

    >>> RollUp(combine=minimum, no_data="skip").include
    'both'
    """

    combine: Combine = weighted_mean
    no_data: NoData = "zero"
    include: Include = "both"

    def __attrs_post_init__(self) -> None:
        if not callable(self.combine):
            raise InvalidTypeError(
                subject="RollUp",
                field="combine",
                value=self.combine,
                expected="a function of (score, weight) pairs",
            )
        if self.no_data not in ("zero", "skip"):
            raise InvalidValueError(
                subject="RollUp",
                field="no_data",
                value=self.no_data,
                expected="'zero' or 'skip'",
            )
        if self.include not in ("both", "key_results", "children"):
            raise InvalidValueError(
                subject="RollUp",
                field="include",
                value=self.include,
                expected="'both', 'key_results' or 'children'",
            )


# -- pace --------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Pace:
    """Pace status: a score compared with the progress expected by now.

    GREEN (on track) when ``score >= on_track * expected``, AMBER (at risk)
    when ``score >= at_risk * expected``, else RED (off track).  ``expected``
    is scaled by the strategy's ``target_score``.  Nothing is behind before
    any time has passed.

    >>> pace = Pace()
    >>> pace.status(0.48, 0.5).name, pace.status(0.40, 0.5).name
    ('GREEN', 'AMBER')
    >>> pace.status(0.30, 0.5).name, pace.status(0.0, 0.0).name
    ('RED', 'GREEN')
    """

    on_track: float = attrs.field(default=0.95, converter=_on_track)
    at_risk: float = attrs.field(default=0.75, converter=_at_risk)

    def __attrs_post_init__(self) -> None:
        on_track, at_risk = self.on_track, self.at_risk
        if at_risk > on_track:
            raise InvalidValueError(
                subject="Pace",
                field="at_risk",
                value=at_risk,
                expected=f"a ratio at most on_track={on_track!r}",
            )

    def status(
        self, score: float | None, expected: float, *, target_score: float = 1.0
    ) -> Status:
        """Return GREEN, AMBER or RED (NO_DATA when there is no score)."""
        subject = "Pace.status"
        expected = _validate.real(subject, "expected", expected)
        target_score = _validate.real(subject, "target_score", target_score)
        if score is None:
            return Status.NO_DATA
        score = _validate.real(subject, "score", score)
        return self._status(score, expected, target_score)

    def _status(self, score: float, expected: float, target_score: float) -> Status:
        """:meth:`status` of checked floats: the comparison alone."""
        on_track, at_risk = self._bounds(expected, target_score)
        if score >= on_track:
            return Status.GREEN
        if score >= at_risk:
            return Status.AMBER
        return Status.RED

    def _bounds(self, expected: float, target_score: float) -> tuple[float, float]:
        """The lowest scores on track and at risk (checked floats given).

        Nothing is behind before any time has passed: every score is on
        track then.  A history works these out once per date.
        """
        goal = expected * target_score
        on_track = -math.inf if goal <= 0 else self.on_track * goal
        return on_track, self.at_risk * goal

    @staticmethod
    def words(status: Status) -> str:
        """Say a pace status in words ("on track", "at risk", "off track")."""
        _validate.of_type("Pace.words", "status", status, Status, "a Status")
        return _PACE_WORDS.get(status, status.value)


_PACE_WORDS = {
    Status.GREEN: "on track",
    Status.AMBER: "at risk",
    Status.RED: "off track",
}
