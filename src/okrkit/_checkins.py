"""TEMPORARY STUB (not committed): replaced by the checkins branch."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import attrs


@attrs.frozen
class Checkins:
    ids: tuple[str, ...]
    ats: tuple[date, ...]
    values: tuple[float, ...]
    confidences: tuple[float | None, ...]
    notes: tuple[str, ...]
    units: tuple[str | None, ...]

    def groups(self) -> Mapping[str, tuple[int, ...]]:
        out: dict[str, list[int]] = {}
        for i, id_ in enumerate(self.ids):
            out.setdefault(id_, []).append(i)
        return {k: tuple(v) for k, v in out.items()}

    @property
    def ids_seen(self) -> frozenset[str]:
        return frozenset(self.ids)
