"""Draw the charts shown in the docs: ``python docs/make_images.py [OUT_DIR]``.

The PNGs in docs/images/ are made by this script; tests/test_plot.py runs it
into a temporary folder so that it keeps working.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

from okrkit import (
    KPI,
    Direction,
    History,
    KeyResult,
    Measurement,
    Objective,
    Period,
    Thresholds,
    history,
)
from okrkit.plot import burn_up, kpi, scores

Q1 = Period.quarter(2026, 1)
AS_OF = date(2026, 2, 26)


def organisation() -> History:
    """A small company with two teams, weekly check-ins and an NPS KPI."""
    customers = KeyResult(
        "customers",
        "Reach 1,000 paying customers",
        start=200,
        target=1000,
        label="customers",
        phases=[(date(2026, 2, 1), 350), (date(2026, 3, 1), 600)],
    )
    nps = KPI(
        "nps",
        "Net promoter score",
        label="points",
        direction=Direction.HIGHER_IS_BETTER,
        thresholds=Thresholds.higher_is_better(red_below=20, green_from=40),
    )
    objectives = [
        Objective(
            "growth",
            "Grow the customer base",
            period=Q1,
            owner="Ana",
            health=("nps",),
            key_results=[customers],
        ),
        Objective(
            "sales",
            "Sell in two new regions",
            period=Q1,
            parent="growth",
            key_results=[
                KeyResult("deals", "Close 40 deals", start=0, target=40),
            ],
        ),
        Objective(
            "product",
            "Ship self-service sign-up",
            period=Q1,
            parent="growth",
            key_results=[
                KeyResult("signup", "Sign-up in 5 minutes", start=30, target=5)
            ],
        ),
    ]
    weeks = [Q1.start + timedelta(days=7 * i + 4) for i in range(8)]
    measurements = {
        "customers": [
            Measurement(day, 200 + 45 * i + 10 * (i % 2)) for i, day in enumerate(weeks)
        ],
        "deals": [Measurement(day, 3 * i) for i, day in enumerate(weeks)],
        "signup": [Measurement(day, 30 - 2.5 * i) for i, day in enumerate(weeks)],
        "nps": [Measurement(day, 18 + 3 * i) for i, day in enumerate(weeks)],
    }
    dates = [Q1.start + timedelta(days=d) for d in range((AS_OF - Q1.start).days + 1)]
    return history(objectives, kpis=[nps], measurements=measurements, dates=dates)


def notebook() -> History:
    """The organisation and check-ins of docs/how-to/notebooks.md."""
    objectives = [
        Objective(
            "growth",
            "Grow the customer base",
            period=Q1,
            owner="Ana",
            key_results=[
                KeyResult(
                    "customers",
                    "Reach 1,000 paying customers",
                    start=200,
                    target=1000,
                    label="customers",
                    phases=[(date(2026, 2, 1), 350), (date(2026, 3, 1), 600)],
                ),
                KeyResult("deals", "Close 40 deals", start=0, target=40),
            ],
        )
    ]
    checkins = {
        "customers": [
            Measurement(date(2026, 1, 12), 260),
            Measurement(date(2026, 2, 2), 380),
            Measurement(date(2026, 2, 23), 520),
        ],
        "deals": [
            Measurement(date(2026, 1, 20), 6),
            Measurement(date(2026, 2, 20), 15),
        ],
    }
    weeks = [Q1.start + timedelta(days=7 * w) for w in range(1, 9)]
    return history(objectives, measurements=checkins, dates=weeks)


def main(out: Path) -> list[Path]:
    """Draw the three charts into ``out`` and return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    past = organisation()
    charts = {
        "burn-up.png": burn_up(notebook(), "customers"),
        "scores.png": scores(past, ["growth", "sales", "product"]),
        "kpi.png": kpi(past, "nps"),
    }
    written = []
    for name, ax in charts.items():
        path = out / name
        ax.figure.savefig(path, dpi=80)
        written.append(path)
    return written


if __name__ == "__main__":
    target = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "images"
    )
    for path in main(target):
        print(path)
