"""okrkit: compute objectives, key results and KPIs correctly.

A pure, typed domain model: it computes and never reads or writes files,
sockets or clocks.  "As of" is always an argument.

>>> import okrkit
>>> okrkit.Period.parse("2026-Q1").days
90
"""

from okrkit._aggregation import Aggregation
from okrkit._cadence import Cadence
from okrkit._measurement import Measurement
from okrkit._period import Period
from okrkit._series import Series

__all__ = ["Aggregation", "Cadence", "Measurement", "Period", "Series"]
