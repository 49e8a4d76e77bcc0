"""Explainable roll-ups: what each child adds to its parent's score, and what it leaves.

A parent's score is a weighted mean, so it splits into one term per child:
``weight * score / total weight``.  The terms add up to the parent's score
(with :func:`math.fsum`), and ``weight * (1 - score) / total weight`` is the
share of a full score each child leaves out.  The engine records, for each
objective and each key result driven by objectives, exactly what it rolled
up; the split is made from that record when the result is made.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from okrkit._results import Contribution, trusted

Item = tuple[str, float, float | None]  # id, weight, score as counted (None: skipped)


def split(items: Sequence[Item]) -> tuple[Contribution, ...]:
    """Split a weighted mean into one :class:`Contribution` per item.

    >>> [c.contribution for c in split([("a", 3.0, 1.0), ("b", 1.0, 0.0)])]
    [0.75, 0.0]
    """
    counted = [weight for _, weight, score in items if score is not None]
    scale = 1.0  # x / 1.0 is x: the usual case is computed as written above
    try:
        total = math.fsum(counted)
    except OverflowError:  # finite weights whose sum is not: scaled to at most 1
        scale = max(counted)
        total = math.fsum(weight / scale for weight in counted)
    found = []
    for id_, weight, score in items:
        if score is None or total == 0:
            share = gap = 0.0
        else:
            share = weight / scale * score / total
            gap = weight / scale * (1.0 - score) / total
        found.append(
            trusted(
                Contribution,
                id=id_,
                weight=float(weight),
                score=score,
                contribution=share,
                gap=gap,
            )
        )
    return tuple(found)
