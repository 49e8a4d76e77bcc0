"""The demo behind ``python -m okrkit``: real examples, fixed data, pure text."""

from __future__ import annotations

from datetime import date

from okrkit._aggregation import Aggregation
from okrkit._cadence import Cadence
from okrkit._measurement import Measurement
from okrkit._period import Period
from okrkit._series import Series

DEMO_AS_OF = date(2026, 3, 16)

_REVENUE = (
    Measurement(date(2026, 1, 31), 410, unit="kUSD"),
    Measurement(date(2026, 2, 28), 436_000, unit="USD"),
    Measurement(date(2026, 3, 31), 455, unit="kUSD"),
)


def render_demo(as_of: date) -> str:
    """Return the demo as text for ``as_of``.

    >>> text = render_demo(date(2026, 2, 15))
    >>> "Q1 2026 (2026-Q1): 90 days, 50.0 % elapsed" in text
    True
    """
    quarter = Period.quarter(2026, 1)
    revenue = Series.build("revenue", _REVENUE, unit="USD")
    cadence = Cadence.monthly(day=-1)
    lines = [
        f"okrkit demo as of {as_of.isoformat()}",
        "",
        f"Q1 2026 ({quarter}): {quarter.days} days, "
        f"{quarter.elapsed(as_of):.1%} elapsed".replace("%", " %"),
        "  months: " + ", ".join(str(month) for month in quarter.split("month")),
        f"  revenue check-ins due ({cadence}): "
        + ", ".join(day.isoformat() for day in cadence.occurrences(quarter)),
        f"  last revenue due on or before {as_of.isoformat()}: "
        f"{cadence.latest_due(as_of).isoformat()}",
    ]
    for aggregation in (Aggregation.LAST, Aggregation.SUM, Aggregation.COUNT):
        value = revenue.aggregate(aggregation, start=quarter.start, as_of=as_of)
        shown = "no data" if value is None else f"{value:,.0f}"
        unit = (
            " USD" if value is not None and aggregation is not Aggregation.COUNT else ""
        )
        lines.append(f"  revenue {aggregation.value:>5}: {shown}{unit}")
    return "\n".join(lines) + "\n"
