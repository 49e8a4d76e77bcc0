"""The demo behind ``python -m okrkit``: real examples, fixed data, pure text."""

from __future__ import annotations

from datetime import date, timedelta

from okrkit._aggregation import Aggregation
from okrkit._cadence import Cadence
from okrkit._evaluate import evaluate
from okrkit._format import percent
from okrkit._key_result import KeyResult, Milestone
from okrkit._kpi import KPI
from okrkit._measurement import Measurement
from okrkit._objective import Objective
from okrkit._period import Period
from okrkit._render import render
from okrkit._results import title_of
from okrkit._scorecard import Scorecard
from okrkit._status import Direction
from okrkit.thresholds import Thresholds

DEMO_AS_OF = date(2026, 3, 16)

H1 = Period.half(2026, 1)
Q1 = Period.quarter(2026, 1)
YEAR = Period.year(2026)


def demo_kpis() -> tuple[KPI, ...]:
    """Website visits, conversion, cost per lead and employee turnover."""
    return (
        KPI(
            "visits",
            "Website visits",
            label="visits",
            direction=Direction.HIGHER_IS_BETTER,
            thresholds=Thresholds.higher_is_better(red_below=38_000, green_from=44_000),
            cadence=Cadence.monthly(day=-1),
            grace=timedelta(days=3),
        ),
        KPI.ratio(
            "conversion",
            "Conversion rate",
            numerator="orders",
            denominator="sessions",
            unit="percent",
            direction=Direction.HIGHER_IS_BETTER,
            thresholds=Thresholds.higher_is_better(red_below=2, green_from=3),
        ),
        KPI.ratio(
            "cpl",
            "Cost per lead",
            numerator="ad-spend",
            denominator="leads",
            numerator_unit="USD",
            unit="USD",
            direction=Direction.LOWER_IS_BETTER,
            thresholds=Thresholds.lower_is_better(green_below=40, red_from=60),
        ),
        KPI(
            "attrition",
            "Employee turnover",
            unit="percent",
            direction=Direction.LOWER_IS_BETTER,
            thresholds=Thresholds.lower_is_better(green_below=10, red_from=15),
            cadence=Cadence.monthly(day=1),
            grace=timedelta(days=5),
        ),
    )


def demo_objectives() -> tuple[Objective, ...]:
    """A company -> team cascade built from common OKR examples."""
    return (
        Objective(
            "growth",
            "Increase turnover by 20 % within six months",
            period=H1,
            owner="CEO",
            health=("cpl",),
            key_results=[
                KeyResult(
                    "turnover",
                    "Monthly turnover from 500k to 600k USD",
                    start=500_000,
                    target=600_000,
                    unit="USD",
                ),
                KeyResult(
                    "new-customers",
                    "Win 300 new customers",
                    start=0,
                    target=300,
                    label="customers",
                    aggregation=Aggregation.SUM,
                ),
            ],
        ),
        Objective(
            "emea",
            "Win EMEA's mid-market",
            period=H1,
            owner="Sales EMEA",
            parent="growth",
            key_results=[
                KeyResult(
                    "emea-customers",
                    "150 new customers in EMEA",
                    start=0,
                    target=150,
                    contributes_to="new-customers",
                    label="customers",
                    aggregation=Aggregation.SUM,
                ),
                KeyResult.at_least(
                    "emea-win-rate",
                    "Win rate at least 25 %",
                    25,
                    unit="percent",
                    partial=True,
                ),
            ],
        ),
        Objective(
            "americas",
            "Open the Americas",
            period=H1,
            owner="Sales Americas",
            parent="growth",
            key_results=[
                KeyResult(
                    "americas-customers",
                    "150 new customers in the Americas",
                    start=0,
                    target=150,
                    contributes_to="new-customers",
                    label="customers",
                    aggregation=Aggregation.SUM,
                ),
                KeyResult.done("americas-office", "Open the Toronto office"),
            ],
        ),
        Objective(
            "traffic",
            "Increase website traffic by 20 %",
            period=Q1,
            owner="Marketing",
            parent="growth",
            health=("conversion",),
            key_results=[
                KeyResult.relative(
                    "more-visits", "Monthly visits +20 %", kpi="visits", change=0.20
                ),
                KeyResult.at_least(
                    "keep-conversion",
                    "Conversion at least 3 %",
                    3,
                    kpi="conversion",
                    unit="percent",
                    partial=True,
                ),
            ],
        ),
        Objective(
            "app",
            "Launch a mobile app with 10,000 downloads",
            period=H1,
            owner="Mobile",
            parent="growth",
            key_results=[
                KeyResult.milestones(
                    "app-launch",
                    "Ship the app",
                    (
                        Milestone("design", weight=1),
                        Milestone("beta", weight=2),
                        Milestone("store release", weight=1),
                    ),
                ),
                KeyResult(
                    "downloads",
                    "10,000 downloads",
                    start=0,
                    target=10_000,
                    label="downloads",
                    aggregation=Aggregation.SUM,
                ),
            ],
        ),
        Objective(
            "hiring",
            "Recruit 100 people in 2026",
            period=YEAR,
            owner="HR",
            committed=True,
            health=("attrition",),
            key_results=[
                KeyResult(
                    "hires",
                    "Hire 100 people",
                    start=0,
                    target=100,
                    label="people",
                    aggregation=Aggregation.SUM,
                ),
                KeyResult.at_least(
                    "acceptance",
                    "Offer acceptance at least 85 %",
                    85,
                    unit="percent",
                    partial=True,
                ),
            ],
        ),
        Objective(
            "eng-hiring",
            "Grow engineering by 40",
            period=YEAR,
            owner="CTO",
            parent="hiring",
            key_results=[
                KeyResult(
                    "eng-hires",
                    "Hire 40 engineers",
                    start=0,
                    target=40,
                    label="people",
                    aggregation=Aggregation.SUM,
                ),
                KeyResult.at_most(
                    "time-to-hire",
                    "Time to hire at most 30 days",
                    30,
                    unit="day",
                    partial=True,
                ),
            ],
        ),
    )


def _monthly(
    values: tuple[float, ...], day: int = 28, unit: str | None = None
) -> list[Measurement]:
    """One check-in a month from January 2026, on ``day``."""
    return [
        Measurement(date(2026, month, day), value, unit=unit)
        for month, value in enumerate(values, start=1)
    ]


# Web analytics close each month on its last day, as the visits KPI's cadence says.
_MONTH_ENDS = Cadence.monthly(day=-1).occurrences(Q1)


def demo_measurements() -> dict[str, list[Measurement]]:
    """Six months of check-ins (only those on or before as_of count)."""
    return {
        "turnover": _monthly(
            (512_000, 531_000, 548_000, 566_000, 583_000, 601_000), unit="USD"
        ),
        "emea-customers": _monthly((18, 22, 27, 24, 30, 31)),
        "emea-win-rate": _monthly((21, 23, 24, 26, 25, 27), unit="percent"),
        "americas-customers": _monthly((6, 9, 14, 19, 22, 25)),
        "americas-office": [
            Measurement(date(2026, 1, 5), 0),
            Measurement(date(2026, 4, 20), 1),
        ],
        "visits": [
            Measurement(day, value)
            for day, value in zip(
                (date(2025, 12, 31), *_MONTH_ENDS),
                (40_000, 41_200, 43_900, 47_300),
                strict=True,
            )
        ],
        "orders": [
            Measurement(day, n)
            for day, n in zip(_MONTH_ENDS, (1_100, 1_240, 1_460), strict=True)
        ],
        "sessions": [
            Measurement(day, n)
            for day, n in zip(_MONTH_ENDS, (41_200, 43_900, 47_300), strict=True)
        ],
        "ad-spend": _monthly((21, 22.5, 24), unit="kUSD"),
        "leads": _monthly((480, 530, 610)),
        "app-launch": [
            Measurement(date(2026, 1, 30), 1),
            Measurement(date(2026, 3, 10), 2, confidence=0.7),
            Measurement(date(2026, 5, 15), 3),
        ],
        "downloads": [
            Measurement(date(2026, 3, 12), 800),
            Measurement(date(2026, 4, 10), 2_900),
            Measurement(date(2026, 5, 10), 3_400),
            Measurement(date(2026, 6, 10), 3_100),
        ],
        "hires": _monthly((5, 7, 9, 8, 10, 9)),
        "acceptance": _monthly((82, 86, 88, 84, 87, 89), unit="percent"),
        "eng-hires": _monthly((2, 3, 4, 3, 4, 4)),
        "time-to-hire": _monthly((34, 31, 29, 33, 28, 27), unit="day"),
        "attrition": [
            Measurement(date(2026, m, 1), v, unit="percent")
            for m, v in ((1, 11.8), (2, 11.2), (3, 10.4), (4, 9.8), (5, 9.5), (6, 9.1))
        ],
    }


def demo_scorecard(as_of: date) -> Scorecard:
    """Evaluate the demo as of ``as_of``."""
    return evaluate(
        demo_objectives(),
        kpis=demo_kpis(),
        measurements=demo_measurements(),
        as_of=as_of,
    )


def render_demo(as_of: date) -> str:
    """Return the demo scorecard as text.

    >>> text = render_demo(date(2026, 2, 15))
    >>> text.splitlines()[0].startswith("Scorecard as of 2026-02-15")
    True
    """
    card = demo_scorecard(as_of)
    return render(card) + "\n" + likelihood(card)


def likelihood(card: Scorecard) -> str:
    """Say, for the demo, how likely targets are and what pulls scores down.

    >>> text = likelihood(demo_scorecard(date(2026, 5, 1)))
    >>> text.splitlines()[1]
    'Likelihood and gaps'
    """
    lines = ["", "Likelihood and gaps"]
    unknown = 0
    for kr in card.key_results:
        if kr.probability is None:
            unknown += kr.started
            continue
        lines.append(f"- {kr.title}: {percent(kr.probability)} likely by the end")
    for objective in card.top:
        gap = card.largest_gap(objective.id)
        chance = objective.probability
        goal = "1.0" if objective.committed else "0.7"
        said = "" if chance is None else f"{percent(chance)} likely to reach {goal}; "
        if gap is not None:
            title = title_of(card[gap.id])
            said += f"largest gap: {title} ({percent(gap.gap)} of the score)"
        if said:
            lines.append(f"- {objective.title}: {said}")
    if unknown:
        lines.append(
            f"- {unknown} started key results have fewer than 3 check-ins in their "
            "period: too few for a likelihood yet."
        )
    return "\n".join(lines) + "\n"
