"""Shared pytest configuration: Hypothesis profiles."""

import os

from hypothesis import HealthCheck, settings

from okrkit import KeyResult, Measurement, Objective, Period

settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


# -- builders shared by the test modules (import them: from conftest import kr) --

Q1 = Period.quarter(2026, 1)


def m(day, value, **kw):
    """A check-in: Measurement(day, value, ...)."""
    return Measurement(day, value, **kw)


def kr(id_, target=100, **kw):
    """A linear key result from 0 to ``target`` titled "KR <id>"."""
    return KeyResult(id_, f"KR {id_}", start=0, target=target, **kw)


def obj(id_, *krs, period=Q1, **kw):
    """An objective titled "Objective <id>" holding ``krs``."""
    return Objective(id_, f"Objective {id_}", period=period, key_results=krs, **kw)
