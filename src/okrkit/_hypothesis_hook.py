"""Registers okrkit's strategies for ``st.from_type`` (Hypothesis entry point).

Hypothesis calls the hook while it is being imported, possibly because
``okrkit.testing`` itself is importing it, so the strategies are deferred and
looked up in ``okrkit.testing.STRATEGIES`` only when first drawn.
"""

from __future__ import annotations

import importlib
from typing import Any

# Every public type with a strategy; kept here (not imported from
# okrkit.testing) because that module cannot be imported yet.
_TYPES = (
    ("okrkit", "Period"),
    ("okrkit", "Cadence"),
    ("okrkit", "Measurement"),
    ("okrkit", "Milestone"),
    ("okrkit", "KeyResult"),
    ("okrkit", "Objective"),
    ("okrkit", "KPI"),
    ("okrkit", "Band"),
    ("okrkit", "Thresholds"),
    ("okrkit", "Series"),
    ("okrkit.alignment", "Finding"),
    ("okrkit._document", "Organisation"),
    ("okrkit", "ObjectiveResult"),
    ("okrkit", "KeyResultResult"),
    ("okrkit", "KPIResult"),
    ("okrkit", "Scorecard"),
)


def _hypothesis_setup_hook() -> None:
    from hypothesis import strategies as st

    def later(kind: type) -> Any:
        def strategy() -> Any:
            testing = importlib.import_module("okrkit.testing")
            return testing.STRATEGIES[kind]()

        return st.deferred(strategy)

    for module, name in _TYPES:
        kind = getattr(importlib.import_module(module), name)
        st.register_type_strategy(kind, later(kind))
