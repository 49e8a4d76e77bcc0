"""Thresholds: turn a value into a traffic-light status.

A :class:`Thresholds` is an ordered set of contiguous, non-overlapping,
half-open bands ``[lo, hi)`` running from -inf to +inf, so every finite value has
exactly one status.  A value on an edge belongs to the band above it.

>>> from okrkit import Status, Thresholds
>>> lights = Thresholds.higher_is_better(red_below=2.0, green_from=4.0)
>>> [lights.status(v).name for v in (1.9, 2.0, 3.99, 4.0)]
['RED', 'AMBER', 'AMBER', 'GREEN']
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import attrs

from okrkit import _validate
from okrkit._format import number
from okrkit._status import Direction, Status
from okrkit.exceptions import InvalidTypeError, InvalidValueError

__all__ = ["Band", "Thresholds"]

_INF = math.inf
_TRAFFIC = (Status.GREEN, Status.AMBER, Status.RED)


def _edge(value: object) -> float:
    """Validate a band edge: a real number, ±inf allowed, NaN refused."""
    if isinstance(value, float) and math.isinf(value):
        return value
    return _validate.real("Band", "edge", value)


def _score(value: object) -> float | None:
    return _validate.optional_real("Band", "score", value)


@attrs.frozen(kw_only=True)
class Band:
    """One half-open band ``[lo, hi)`` with its status, label and fixed score.

    ``score`` is used by stepped scoring (a value in this band scores that).

    >>> band = Band(lo=0, hi=50, status=Status.RED, label="poor", score=0.0)
    >>> band.contains(0), band.contains(50)
    (True, False)
    """

    lo: float = attrs.field(converter=_edge)
    hi: float = attrs.field(converter=_edge)
    status: Status
    label: str = ""
    score: float | None = attrs.field(default=None, converter=_score)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.status, Status) or self.status not in _TRAFFIC:
            raise InvalidValueError(
                subject="Band",
                field="status",
                value=self.status,
                expected="Status.GREEN, Status.AMBER or Status.RED",
            )
        if not self.lo < self.hi:
            raise InvalidValueError(
                subject="Band",
                field="hi",
                value=self.hi,
                expected=f"an edge above lo={self.lo!r}",
            )
        _validate.text("Band", "label", self.label)

    def contains(self, value: float) -> bool:
        """Tell whether ``lo <= value < hi``."""
        value = _validate.real("Band.contains", "value", value)
        return self.lo <= value < self.hi

    def distance(self, value: float) -> float:
        """How far ``value`` lies outside the band (0 inside).

        >>> Band(lo=0, hi=50, status=Status.RED).distance(53)
        3.0
        """
        value = _validate.real("Band.distance", "value", value)
        if value < self.lo:
            return self.lo - value
        if value >= self.hi:
            return value - self.hi
        return 0.0


def _scaled(edge: float, target: float, closed: bool) -> float:
    """A relative edge times the target; a closed one stays just above its product."""
    if closed and math.isfinite(edge):
        return math.nextafter(math.nextafter(edge, -_INF) * target, _INF)
    return edge * target


def _bands(subject: str, bands: object) -> tuple[Band, ...]:
    if isinstance(bands, Band) or not isinstance(bands, Sequence):
        raise InvalidTypeError(
            subject=subject, field="bands", value=bands, expected="a tuple of Band"
        )
    result = tuple(bands)
    for band in result:
        _validate.of_type(subject, "bands", band, Band, "a Band")
    if not result:
        raise InvalidValueError(
            subject=subject, field="bands", value=result, expected="at least one band"
        )
    if result[0].lo != -_INF or result[-1].hi != _INF:
        raise InvalidValueError(
            subject=subject,
            field="bands",
            value=(result[0].lo, result[-1].hi),
            expected="bands that start at -inf and end at +inf",
        )
    for below, above in itertools.pairwise(result):
        if below.hi != above.lo:
            raise InvalidValueError(
                subject=subject,
                field="bands",
                value=(below.hi, above.lo),
                expected="contiguous bands in increasing order: each band's hi "
                "equal to the next band's lo",
            )
    return result


@attrs.frozen(kw_only=True)
class Thresholds:
    """Contiguous bands from -inf to +inf that give every value one status.

    Build them with the named constructors; the general one is
    :meth:`from_edges`.  ``relative=True`` thresholds are multiples of a target
    (``target * k``) and are resolved with :meth:`for_target`.

    >>> t = Thresholds.lower_is_better(green_below=30, red_from=45)
    >>> t.status(29.9).name, t.status(30).name, t.status(45).name
    ('GREEN', 'AMBER', 'RED')
    """

    bands: tuple[Band, ...] = attrs.field(converter=_validate.listed_as_tuple)
    direction: Direction | None = None
    relative: bool = False

    @bands.validator
    def _check_bands(self, _: object, value: object) -> None:
        _bands("Thresholds", value)

    def __attrs_post_init__(self) -> None:
        if self.direction is not None and not isinstance(self.direction, Direction):
            raise InvalidTypeError(
                subject="Thresholds",
                field="direction",
                value=self.direction,
                expected="a Direction or None",
            )
        _validate.of_type(
            "Thresholds",
            "relative",
            self.relative,
            bool,
            "True or False",
        )

    # -- constructors -------------------------------------------------------

    @classmethod
    def from_edges(
        cls,
        edges: Sequence[float],
        statuses: Sequence[Status],
        *,
        labels: Sequence[str] | None = None,
        scores: Sequence[float | None] | None = None,
        direction: Direction | None = None,
        relative: bool = False,
    ) -> Thresholds:
        """Build bands from increasing edges and one status per band.

        ``n`` edges make ``n + 1`` bands; ``labels`` and ``scores`` (one per
        band) are optional.

        >>> nps = Thresholds.from_edges(
        ...     (0, 30, 70), (Status.RED, Status.AMBER, Status.GREEN, Status.GREEN),
        ...     labels=("detractor-heavy", "good", "great", "excellent"),
        ...     scores=(0.0, 0.5, 0.8, 1.0))
        >>> nps.band(50).label, nps.band(50).score, nps.status(-5).name
        ('great', 0.8, 'RED')
        """
        subject = "Thresholds.from_edges"
        edge_list = _sequence(subject, "edges", edges)
        status_list = _sequence(subject, "statuses", statuses)
        if len(status_list) != len(edge_list) + 1:
            raise InvalidValueError(
                subject=subject,
                field="statuses",
                value=tuple(status_list),
                expected=f"{len(edge_list) + 1} statuses for {len(edge_list)} edges",
            )
        label_list = _per_band(subject, "labels", labels, len(status_list), "")
        score_list = _per_band(subject, "scores", scores, len(status_list), None)
        points = [-_INF, *(_edge_of(subject, e) for e in edge_list), _INF]
        for lo, hi in itertools.pairwise(points):
            if not lo < hi:
                raise InvalidValueError(
                    subject=subject,
                    field="edges",
                    value=tuple(edge_list),
                    expected="strictly increasing finite edges",
                )
        bands = tuple(
            Band(
                lo=lo,
                hi=hi,
                status=status,  # type: ignore[arg-type]  # Band validates
                label=label,  # type: ignore[arg-type]
                score=score,
            )
            for lo, hi, status, label, score in zip(
                points, points[1:], status_list, label_list, score_list, strict=False
            )
        )
        return cls(bands=bands, direction=direction, relative=relative)

    @classmethod
    def higher_is_better(
        cls, *, red_below: float, green_from: float, relative: bool = False
    ) -> Thresholds:
        """Red below ``red_below``, amber up to ``green_from``, green from it on.

        ``red_below == green_from`` leaves no amber band.

        >>> t = Thresholds.higher_is_better(red_below=50, green_from=80)
        >>> t.status(49.99).name, t.status(50).name, t.status(80).name
        ('RED', 'AMBER', 'GREEN')
        """
        return cls._two_edges(
            "Thresholds.higher_is_better",
            ("red_below", red_below),
            ("green_from", green_from),
            Direction.HIGHER_IS_BETTER,
            relative,
        )

    @classmethod
    def lower_is_better(
        cls, *, green_below: float, red_from: float, relative: bool = False
    ) -> Thresholds:
        """Green below ``green_below``, amber up to ``red_from``, red from it on.

        >>> t = Thresholds.lower_is_better(green_below=0.05, red_from=0.10)
        >>> t.status(0.049).name, t.status(0.05).name, t.status(0.10).name
        ('GREEN', 'AMBER', 'RED')
        """
        return cls._two_edges(
            "Thresholds.lower_is_better",
            ("green_below", green_below),
            ("red_from", red_from),
            Direction.LOWER_IS_BETTER,
            relative,
        )

    @classmethod
    def _two_edges(
        cls,
        subject: str,
        low: tuple[str, float],
        high: tuple[str, float],
        direction: Direction,
        relative: bool,
    ) -> Thresholds:
        """Three bands around two named edges; equal edges leave out the amber."""
        lo = _edge_of(subject, low[1], low[0])
        hi = _edge_of(subject, high[1], high[0])
        _ordered(subject, high[0], lo, hi, low[0])
        outer = (Status.RED, Status.GREEN)
        if direction is Direction.LOWER_IS_BETTER:
            outer = (Status.GREEN, Status.RED)
        if lo == hi:
            return cls.from_edges((lo,), outer, direction=direction, relative=relative)
        return cls.from_edges(
            (lo, hi),
            (outer[0], Status.AMBER, outer[1]),
            direction=direction,
            relative=relative,
        )

    @classmethod
    def within(
        cls, low: float, high: float, *, tolerance: float = 0.0, relative: bool = False
    ) -> Thresholds:
        """Green inside ``[low, high]``, amber within the tolerance, red beyond.

        The green range is closed and the tolerance inclusive.  To keep the
        bands half-open, the green band ends at the next float after ``high``.

        >>> t = Thresholds.within(40, 60, tolerance=5)
        >>> [t.status(v).name for v in (34.9, 35, 40, 60, 65, 65.1)]
        ['RED', 'AMBER', 'GREEN', 'GREEN', 'AMBER', 'RED']
        """
        subject = "Thresholds.within"
        lo = _edge_of(subject, low, "low")
        hi = _edge_of(subject, high, "high")
        _ordered(subject, "high", lo, hi, "low")
        slack = _validate.non_negative(subject, "tolerance", tolerance)
        top = math.nextafter(hi, _INF)
        # Amber bands exist only where the tolerance is wide enough to show
        # in floating point (a tiny tolerance next to a large edge vanishes);
        # near the largest float, a band that would end past it runs to inf.
        edges: list[float] = []
        statuses = [Status.RED]
        below = lo - slack
        if below < lo:
            if below == -_INF:
                statuses = []  # the amber band runs down to -inf
            else:
                edges.append(below)
            statuses.append(Status.AMBER)
        statuses.append(Status.GREEN)
        edges.append(lo)
        if top == _INF:  # high is the largest float: green runs to +inf
            return cls.from_edges(
                edges, statuses, direction=Direction.WITHIN_RANGE, relative=relative
            )
        edges.append(top)
        outer = math.nextafter(hi + slack, _INF)
        if outer > top:
            statuses.append(Status.AMBER)
            if outer == _INF:
                return cls.from_edges(
                    edges, statuses, direction=Direction.WITHIN_RANGE, relative=relative
                )
            edges.append(outer)
        statuses.append(Status.RED)
        return cls.from_edges(
            edges, statuses, direction=Direction.WITHIN_RANGE, relative=relative
        )

    # -- use ----------------------------------------------------------------

    def for_target(self, target: float) -> Thresholds:
        """Resolve relative thresholds against a target (absolute ones pass).

        Edges are multiplied by the target, which must be positive: against 0
        every edge collapses, and a negative target would reverse the bands.

        >>> rel = Thresholds.higher_is_better(red_below=0.8, green_from=1.0,
        ...                                   relative=True)
        >>> rel.for_target(200).status(170).name
        'AMBER'
        >>> rel.for_target(0)
        Traceback (most recent call last):
        ...
        okrkit.exceptions.InvalidValueError: Thresholds: field 'target' got 0.0; \
expected a positive target for thresholds relative to it (target * k).
        """
        if not self.relative:
            return self
        value = _validate.real("Thresholds", "target", target)
        if value <= 0:
            raise InvalidValueError(
                subject="Thresholds",
                field="target",
                value=value,
                expected="a positive target for thresholds relative to it (target * k)",
            )
        # A range's upper edges are the next float after a closed edge (see
        # within()): scaled as such, so that ``high * target`` as a caller
        # computes it stays inside the band, whichever way the product rounds.
        closed = len(self.bands)
        if self.direction is Direction.WITHIN_RANGE:
            closed = next(
                (i for i, b in enumerate(self.bands) if b.status is Status.GREEN),
                closed,
            )
        edges = [
            _scaled(band.hi, value, i >= closed) for i, band in enumerate(self.bands)
        ]
        lows = [-_INF, *edges[:-1]]
        try:
            bands = tuple(
                attrs.evolve(band, lo=lo, hi=hi)
                for band, lo, hi in zip(self.bands, lows, edges, strict=True)
            )
        except InvalidValueError as exc:  # edges that overflow or underflow
            raise InvalidValueError(
                subject="Thresholds",
                field="target",
                value=value,
                expected="a target whose products with the edges stay finite "
                "and distinct",
            ) from exc
        return Thresholds(bands=bands, direction=self.direction)

    def band(self, value: float) -> Band:
        """Return the band that holds ``value``.

        >>> Thresholds.higher_is_better(red_below=1, green_from=2).band(1.5).status
        <Status.AMBER: 'amber'>
        """
        number_ = self._value(value)
        lo, hi = 0, len(self.bands) - 1
        while lo < hi:  # bisect on the band edges
            middle = (lo + hi) // 2
            if number_ < self.bands[middle].hi:
                hi = middle
            else:
                lo = middle + 1
        return self.bands[lo]

    def status(
        self, value: float, *, previous: Status | None = None, margin: float = 0.0
    ) -> Status:
        """Return the status of ``value``, with optional hysteresis.

        With ``previous`` (the status last reported) and a ``margin``, the
        previous status holds until the value has left its band by more than
        the margin.  Nothing is stored between calls.

        >>> t = Thresholds.higher_is_better(red_below=50, green_from=80)
        >>> t.status(79, previous=Status.GREEN, margin=2).name
        'GREEN'
        >>> t.status(77.5, previous=Status.GREEN, margin=2).name
        'AMBER'
        """
        # Checked on every call, not only when it is used: a bad margin is a
        # bug however the value falls.
        slack = margin
        if type(margin) is not float or not 0.0 <= margin < _INF:
            slack = _validate.non_negative("Thresholds.status", "margin", margin)
        current = self.band(value).status
        if previous is None or current is previous:
            return current
        _validate.of_type(
            "Thresholds.status",
            "previous",
            previous,
            Status,
            "a Status or None",
        )
        number_ = float(value)
        for band in self.bands:
            if band.status is previous and band.distance(number_) <= slack:
                return previous
        return current

    def describe(self, value: float, unit: str | None = None, label: str = "") -> str:
        """Say where ``value`` sits, naming the line on the green side.

        >>> t = Thresholds.higher_is_better(red_below=2, green_from=4)
        >>> t.describe(3.1, "percent")
        'below the 4 % green line'
        >>> t.describe(4.2, "percent"), t.describe(1, "percent")
        ('at or above the 4 % green line', 'below the 2 % red line')
        """
        from okrkit._format import quantity

        def show(edge: float) -> str:
            return quantity(edge, unit, label)

        index = self.bands.index(self.band(value))
        band = self.bands[index]
        if band.status is Status.GREEN:
            if band.lo == -_INF:
                return f"below the {show(band.hi)} green line"
            if band.hi == _INF:
                return f"at or above the {show(band.lo)} green line"
            return f"within {show(band.lo)} to {show(math.nextafter(band.hi, -_INF))}"
        greener = self._towards_green(index)
        if greener is None:
            return f"in the {band.status.value} band"
        if greener > index:
            edge, neighbour, side = band.hi, self.bands[index + 1], "below"
        else:
            edge, neighbour = band.lo, self.bands[index - 1]
            # A range's green band ends just after its high (see within()).
            closed = self.direction is Direction.WITHIN_RANGE
            side = "above" if closed else "at or above"
            if closed:
                edge = math.nextafter(edge, -_INF)
        # The line between amber and green is the green line; the one between
        # red and amber the red line.
        line = neighbour.status if neighbour.status is Status.GREEN else band.status
        return f"{side} the {show(edge)} {line.value} line"

    def _towards_green(self, index: int) -> int | None:
        greens = [i for i, b in enumerate(self.bands) if b.status is Status.GREEN]
        if not greens:
            return None
        return min(greens, key=lambda i: abs(i - index))

    def _value(self, value: object) -> float:
        if self.relative:
            raise InvalidValueError(
                subject="Thresholds",
                field="relative",
                value=True,
                expected="absolute thresholds: resolve relative ones with "
                "for_target(target) first",
            )
        return _validate.real("Thresholds.status", "value", value)

    def __str__(self) -> str:
        parts = []
        for band in self.bands:
            lo = "-inf" if band.lo == -_INF else number(band.lo)
            hi = "+inf" if band.hi == _INF else number(band.hi)
            name = f" {band.label}" if band.label else ""
            parts.append(f"[{lo}, {hi}) {band.status.value}{name}")
        scale = " (x target)" if self.relative else ""
        return "; ".join(parts) + scale


def _sequence(subject: str, field: str, value: object) -> list[object]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidTypeError(
            subject=subject, field=field, value=value, expected="a sequence"
        )
    return list(value)


def _per_band(
    subject: str, field: str, value: object, count: int, default: object
) -> list[object]:
    if value is None:
        return [default] * count
    items = _sequence(subject, field, value)
    if len(items) != count:
        raise InvalidValueError(
            subject=subject,
            field=field,
            value=tuple(items),
            expected=f"one entry per band ({count})",
        )
    return items


def _edge_of(subject: str, value: object, field: str = "edges") -> float:
    return _validate.real(subject, field, value)


def _ordered(subject: str, field: str, low: float, high: float, other: str) -> None:
    if high < low:
        raise InvalidValueError(
            subject=subject,
            field=field,
            value=high,
            expected=f"a value at least {other}={number(low)}",
        )
