"""Registers okrkit's strategies for ``st.from_type`` (Hypothesis entry point).

Hypothesis calls the hook while it is being imported, possibly because
``okrkit.testing`` itself is importing it, so the strategies are deferred and
looked up in ``okrkit.testing`` only when first drawn.
"""

from __future__ import annotations

import importlib
from typing import Any


def _hypothesis_setup_hook() -> None:
    from hypothesis import strategies as st

    from okrkit import KPI, Cadence, KeyResult, Measurement, Objective, Period
    from okrkit.thresholds import Thresholds

    def later(name: str) -> Any:
        def strategy() -> Any:
            return getattr(importlib.import_module("okrkit.testing"), name)()

        return st.deferred(strategy)

    for kind, name in (
        (Period, "periods"),
        (Measurement, "measurements"),
        (Cadence, "cadences"),
        (Thresholds, "thresholds"),
        (KPI, "kpis"),
        (KeyResult, "key_results"),
        (Objective, "objectives"),
    ):
        st.register_type_strategy(kind, later(name))
