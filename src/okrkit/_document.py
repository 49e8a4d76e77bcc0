"""Organisation: objectives, KPIs and check-ins in one storable document."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import attrs

from okrkit import _validate
from okrkit._checkins import Checkins
from okrkit._kpi import KPI
from okrkit._measurement import Measurement
from okrkit._objective import Objective
from okrkit._scorecard import Scorecard
from okrkit.exceptions import InvalidTypeError


def _items(field: str, kind: type, value: object) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidTypeError(
            subject="Organisation",
            field=field,
            value=value,
            expected=f"a sequence of {kind.__name__}",
        )
    items = tuple(value)
    for item in items:
        _validate.of_type(
            "Organisation", field, item, kind, f"a sequence of {kind.__name__}"
        )
    return items


def _objectives(value: object) -> tuple[Objective, ...]:
    return _items("objectives", Objective, value)


def _kpis(value: object) -> tuple[KPI, ...]:
    return _items("kpis", KPI, value)


def _checkins(value: object) -> Checkins:
    """Take a Checkins table, or a mapping from an id to measurements."""
    if isinstance(value, Checkins):
        return value
    if not isinstance(value, Mapping):
        raise InvalidTypeError(
            subject="Organisation",
            field="checkins",
            value=value,
            expected="a Checkins table or a mapping from an id to measurements",
        )
    rows = [
        (key, m)
        for key, measurements in value.items()
        for m in _items(f"checkins[{key!r}]", Measurement, measurements)
    ]
    return Checkins.from_columns(
        id=[key for key, _ in rows],
        at=[m.at for _, m in rows],
        value=[m.value for _, m in rows],
        confidence=[m.confidence for _, m in rows],
        note=[m.note for _, m in rows],
        unit=[m.unit for _, m in rows],
    )


@attrs.frozen(kw_only=True)
class Organisation:
    """What an evaluation needs, as one value: objectives, KPIs and check-ins.

    It is the unit of storage and exchange (``to_dict`` / ``from_dict``, the
    document format in ``docs/explanation/document-format.md``) and evaluates
    itself at any instant.  ``checkins`` is a :class:`~okrkit.Checkins` table;
    a mapping from a key result or KPI id to its measurements is turned into
    one.

    >>> from datetime import date
    >>> from okrkit import KeyResult, Measurement, Objective, Period
    >>> org = Organisation(
    ...     objectives=[Objective("o", "Grow", period=Period.quarter(2026, 1),
    ...         key_results=[KeyResult("k", "Reach 100", start=0, target=100)])],
    ...     checkins={"k": [Measurement(date(2026, 2, 1), 40)]})
    >>> org.evaluate(as_of=date(2026, 2, 15))["k"].score
    0.4
    """

    objectives: tuple[Objective, ...] = attrs.field(default=(), converter=_objectives)
    kpis: tuple[KPI, ...] = attrs.field(default=(), converter=_kpis)
    checkins: Checkins = attrs.field(factory=lambda: _checkins({}), converter=_checkins)

    def evaluate(self, *, as_of: date, **options: Any) -> Scorecard:
        """Evaluate the organisation as of ``as_of``; ``options`` go to ``evaluate``.

        >>> Organisation().evaluate(as_of=date(2026, 1, 1))
        <Scorecard as of 2026-01-01: 0 objectives, 0 key results, 0 KPIs, 0 findings>
        """
        from okrkit._evaluate import evaluate  # the engine builds on this module

        return evaluate(
            self.objectives,
            kpis=self.kpis,
            measurements=self.checkins,
            as_of=as_of,
            **options,
        )
