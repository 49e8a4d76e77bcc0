"""Confidence calibration: how stated confidence compared with what happened.

Given scorecards made at (or after) the ends of past periods, each key result
with a stated confidence (its latest check-in's) and a known outcome is one
forecast: confidence c, outcome 1 when it reached its target, else 0.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, tzinfo

import attrs

from okrkit import _validate
from okrkit._results import KeyResultResult, ObjectiveResult
from okrkit._scorecard import Scorecard
from okrkit._time import check_tz, local_date
from okrkit._validate import listed_as_tuple
from okrkit.exceptions import InvalidTypeError, InvalidValueError


def _share(value: object, subject: str, field: str, given: object) -> float:
    """A number in [0, 1], stored back as a float."""
    share = _validate.share(subject, field, given)
    object.__setattr__(value, field, share)
    return share


def _count(subject: str, count: object, lo: int) -> int:
    return _validate.integer(subject, "count", count, lo, 2**63 - 1)


def _rates(value: object, subject: str, count: int, *fields: str) -> None:
    """Shares that are None exactly when nothing was counted."""
    for field in fields:
        given = getattr(value, field)
        if given is None and count == 0:
            continue
        if given is None or count == 0:
            raise InvalidValueError(
                subject=subject,
                field=field,
                value=given,
                expected=f"None when count is 0, else a number from 0 to 1 "
                f"(count is {count})",
            )
        _share(value, subject, field, given)


@attrs.frozen(kw_only=True)
class CalibrationBin:
    """Key results whose stated confidence fell in ``[low, high)``.

    The last bin includes 1.0.  ``mean_confidence`` and ``hit_rate`` (the
    share that reached their target) are None for an empty bin.

    >>> CalibrationBin(low=0.8, high=1.0, count=4, mean_confidence=0.9,
    ...                hit_rate=0.5).hit_rate
    0.5
    """

    low: float
    high: float
    count: int
    mean_confidence: float | None
    hit_rate: float | None

    def __attrs_post_init__(self) -> None:
        subject = "CalibrationBin"
        low = _share(self, subject, "low", self.low)
        high = _share(self, subject, "high", self.high)
        if not low < high:
            raise InvalidValueError(
                subject=subject,
                field="high",
                value=self.high,
                expected=f"a bin edge above low={low!r}",
            )
        count = _count(subject, self.count, 0)
        _rates(self, subject, count, "mean_confidence", "hit_rate")


@attrs.frozen(kw_only=True)
class OwnerCalibration:
    """One owner's stated confidence against outcomes.

    ``over_confidence`` is ``mean_confidence - hit_rate``: above 0 the owner
    promised more than happened, below 0 less.

    >>> OwnerCalibration(owner="Ana", count=2, mean_confidence=0.8, hit_rate=0.5,
    ...                  over_confidence=0.3).over_confidence
    0.3
    """

    owner: str
    count: int
    mean_confidence: float
    hit_rate: float
    over_confidence: float

    def __attrs_post_init__(self) -> None:
        subject = "OwnerCalibration"
        _validate.text(subject, "owner", self.owner)
        _count(subject, self.count, 1)  # an owner is listed for a forecast
        _share(self, subject, "mean_confidence", self.mean_confidence)
        _share(self, subject, "hit_rate", self.hit_rate)
        over = _validate.real(subject, "over_confidence", self.over_confidence)
        if not -1.0 <= over <= 1.0:
            raise InvalidValueError(
                subject=subject,
                field="over_confidence",
                value=self.over_confidence,
                expected="mean_confidence - hit_rate, from -1 to 1",
            )
        object.__setattr__(self, "over_confidence", over)


@attrs.frozen(kw_only=True)
class Calibration:
    """Stated confidence against outcomes, over past periods.

    ``brier`` is the mean of (confidence - outcome)**2, 0 at best; always
    answering the ``base_rate`` (the share of key results that reached their
    target) scores ``base_rate * (1 - base_rate)``, which :attr:`skill`
    compares with.  With nothing to compare, ``count`` is 0 and ``brier``
    and ``base_rate`` are None.

    >>> Calibration(brier=0.1, count=10, base_rate=0.5, bins=(), owners=()).skill
    0.6
    """

    brier: float | None
    count: int
    base_rate: float | None
    bins: tuple[CalibrationBin, ...] = attrs.field(converter=listed_as_tuple)
    owners: tuple[OwnerCalibration, ...] = attrs.field(converter=listed_as_tuple)

    def __attrs_post_init__(self) -> None:
        subject = "Calibration"
        count = _count(subject, self.count, 0)
        # (confidence - outcome) ** 2 lies in [0, 1], and so does its mean.
        _rates(self, subject, count, "brier", "base_rate")
        _validate.tuple_of(subject, "bins", self.bins, CalibrationBin, "CalibrationBin")
        _validate.tuple_of(
            subject, "owners", self.owners, OwnerCalibration, "OwnerCalibration"
        )

    @property
    def skill(self) -> float | None:
        """Brier skill against always answering the base rate: 1 best, 0 no better.

        None without forecasts, or when every outcome was the same.
        """
        if self.brier is None or self.base_rate is None:
            return None
        reference = self.base_rate * (1.0 - self.base_rate)
        if reference == 0:
            return None
        return round(1.0 - self.brier / reference, 12)


MAX_BINS = 100  # more bins than that split confidence finer than anyone states it


def calibration(
    scorecards: Iterable[Scorecard], *, bins: int = 5, tz: tzinfo = UTC
) -> Calibration:
    """Compare stated confidence with outcomes in scorecards of past periods.

    Each key result of an objective whose period had ended at the card's
    ``as_of`` counts once per card, if it has a stated confidence (the
    latest check-in's) and a progress: it was reached when its raw progress
    is at least 1 (the target met, the range kept, every milestone done),
    whatever the scoring strategy made of it.  Key results of periods still
    running are left out: their outcome is not known yet.  Pass each
    period's card once.  The owner is the objective's owner.  ``tz`` is the
    zone the cards were evaluated in: an aware ``as_of`` falls on its day
    there, as ``evaluate(..., tz=tz)`` placed it.

    >>> from okrkit import evaluate, KeyResult, Measurement, Objective, Period
    >>> q1 = Period.quarter(2026, 1)
    >>> objectives = [Objective("o", "Grow", period=q1, owner="Ana", key_results=[
    ...     KeyResult("a", "A", start=0, target=10),
    ...     KeyResult("b", "B", start=0, target=10)])]
    >>> card = evaluate(objectives, as_of=date(2026, 4, 1), measurements={
    ...     "a": [Measurement(date(2026, 3, 30), 10, confidence=0.9)],
    ...     "b": [Measurement(date(2026, 3, 30), 4, confidence=0.6)]})
    >>> result = calibration([card])
    >>> result.count, round(result.brier, 3), result.owners[0].over_confidence
    (2, 0.185, 0.25)
    """
    if type(bins) is not int or not 1 <= bins <= MAX_BINS:
        raise InvalidValueError(
            subject="calibration",
            field="bins",
            value=bins,
            expected=f"a whole number of bins from 1 to {MAX_BINS}",
        )
    given: object = scorecards  # typed loosely: callers may pass anything
    if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
        raise InvalidTypeError(
            subject="calibration",
            field="scorecards",
            value=scorecards,
            expected="an iterable of Scorecard",
        )
    zone = check_tz("calibration", tz)
    forecasts = list(_forecasts(scorecards, zone))
    count = len(forecasts)
    if count == 0:
        return Calibration(
            brier=None, count=0, base_rate=None, bins=_bins([], bins), owners=()
        )
    brier = math.fsum((c - hit) ** 2 for _, c, hit in forecasts) / count
    base_rate = sum(hit for _, _, hit in forecasts) / count
    return Calibration(
        brier=brier,
        count=count,
        base_rate=base_rate,
        bins=_bins(forecasts, bins),
        owners=_owners(forecasts),
    )


_Forecast = tuple[str, float, int]  # owner, confidence, outcome (1 reached, 0 not)


def _forecasts(scorecards: Iterable[Scorecard], tz: tzinfo) -> Iterable[_Forecast]:
    for card in scorecards:
        if not isinstance(card, Scorecard):
            raise InvalidTypeError(
                subject="calibration",
                field="scorecards",
                value=card,
                expected="Scorecard values",
            )
        today = _day(card.as_of, tz)
        for objective in card.objectives:
            if today is None or today < objective.period.end:
                continue  # still running (or before year 1 there): no outcome yet
            for kr_id in objective.key_results:
                found = _pair(card, objective, kr_id)
                if found is not None:
                    yield found


def _day(at: date, tz: tzinfo) -> date | None:
    """The card's calendar day in the zone it was evaluated in.

    An aware time is placed there, not on its own offset's day: the same
    instant written in two offsets is one day.  None before year 1 there;
    after year 9999 it is the last day (every period has ended).
    """
    try:
        return local_date(at, tz)
    except OverflowError:
        return None if at.year == 1 else date.max


def _pair(card: Scorecard, objective: ObjectiveResult, kr_id: str) -> _Forecast | None:
    result = card[kr_id]
    assert isinstance(result, KeyResultResult)
    if result.confidence is None or result.progress is None:
        return None
    return objective.owner, result.confidence, int(result.progress >= 1.0)


def _bins(forecasts: list[_Forecast], count: int) -> tuple[CalibrationBin, ...]:
    groups: list[list[_Forecast]] = [[] for _ in range(count)]
    for item in forecasts:
        groups[_bin_of(item[1], count)].append(item)
    return tuple(
        CalibrationBin(
            low=k / count,
            high=(k + 1) / count,
            count=len(group),
            mean_confidence=_mean(c for _, c, _ in group),
            hit_rate=_mean(hit for _, _, hit in group),
        )
        for k, group in enumerate(groups)
    )


def _bin_of(confidence: float, count: int) -> int:
    """The k with k / count <= confidence < (k + 1) / count, the last bin closed."""
    k = min(int(confidence * count), count - 1)
    # Edges are k / count exactly as reported; undo any rounding of c * count.
    if confidence < k / count:
        k -= 1
    elif k + 1 < count and confidence >= (k + 1) / count:
        k += 1
    return k


def _mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return math.fsum(items) / len(items) if items else None


def _owners(forecasts: list[_Forecast]) -> tuple[OwnerCalibration, ...]:
    by_owner: dict[str, list[_Forecast]] = defaultdict(list)
    for item in forecasts:
        by_owner[item[0]].append(item)
    found = []
    for owner in sorted(by_owner):
        group = by_owner[owner]
        confidence = math.fsum(c for _, c, _ in group) / len(group)
        hit_rate = sum(hit for _, _, hit in group) / len(group)
        found.append(
            OwnerCalibration(
                owner=owner,
                count=len(group),
                mean_confidence=confidence,
                hit_rate=hit_rate,
                over_confidence=confidence - hit_rate,
            )
        )
    return tuple(found)
