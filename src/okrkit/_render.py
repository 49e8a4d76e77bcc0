"""Rendering a scorecard as a plain-text table (pure: it returns a string)."""

from __future__ import annotations

from okrkit import _validate
from okrkit._format import percent
from okrkit._results import KeyResultResult, ObjectiveResult, title_of
from okrkit._scorecard import Scorecard
from okrkit._status import Status

_LEGEND = "G on track, A at risk, R off track, - no data, S stale"
MAX_INDENT = 20  # levels; deeper lines show their level as a number instead


def _indent(depth: int) -> str:
    """Two spaces a level, capped so a deep cascade cannot grow the text."""
    if depth <= MAX_INDENT:
        return "  " * depth
    return "  " * MAX_INDENT + f"[{depth}] "


def render(scorecard: Scorecard, *, gaps: bool = False) -> str:
    """Return the scorecard as a text table, indented by cascade level.

    With ``gaps=True`` each objective's line also names the child that
    leaves the largest gap to a full score (see ``Scorecard.largest_gap``).

    Indentation stops at 20 levels; a deeper line shows its level as
    ``[21]`` after the last indent, so a very deep cascade stays readable
    and the text grows with the number of lines only.

    Each line starts with a status marker (G, A, R, - for no data, S for
    stale), then the score and the progress expected by now.

    >>> from datetime import date
    >>> from okrkit import evaluate, Objective, KeyResult, Measurement, Period
    >>> card = evaluate(
    ...     [Objective("o", "Grow", period=Period.quarter(2026, 1), owner="Ana",
    ...                key_results=[KeyResult("k", "Reach 100", start=0, target=100),
    ...                             KeyResult.done("d", "Open Lisbon office")])],
    ...     measurements={"k": [Measurement(date(2026, 2, 1), 50)],
    ...                   "d": [Measurement(date(2026, 2, 1), 0)]},
    ...     as_of=date(2026, 2, 15))
    >>> print(render(card))  # doctest: +NORMALIZE_WHITESPACE
    Scorecard as of 2026-02-15   (G on track, A at risk, R off track, - no data,
    S stale)
    <BLANKLINE>
       score  expected
    R   25 %      50 %  Grow  [Ana, 2026-Q1]
    G   50 %      50 %    > Reach 100: 50 of 100 (50 %) at 50 % of 2026-Q1, on track.
    R    0 %      50 %    > Open Lisbon office: not done (0 %) at 50 % of 2026-Q1,
    off track.
    >>> print(render(card, gaps=True).splitlines()[3])
    R   25 %      50 %  Grow  [Ana, 2026-Q1]  largest gap: Open Lisbon office (50 %)
    """
    _validate.of_type("render", "scorecard", scorecard, Scorecard, "a Scorecard")
    _validate.of_type("render", "gaps", gaps, bool, "True or False")
    lines = [
        f"Scorecard as of {scorecard.as_of.isoformat()}   ({_LEGEND})",
        "",
        "   score  expected",
    ]
    for objective in scorecard:
        line = _objective_line(objective)
        gap = scorecard.largest_gap(objective.id) if gaps else None
        if gap is not None:
            title = title_of(scorecard[gap.id])
            line += f"  largest gap: {title} ({percent(gap.gap)})"
        lines.append(line)
        for kr in scorecard.key_results_of(objective.id):
            lines.append(_key_result_line(kr, objective.depth))
        for kpi_id in objective.health:
            kpi = scorecard[kpi_id]
            indent = _indent(objective.depth + 1)
            lines.append(f"{kpi.status.symbol}{'':>16}  {indent}~ {kpi.reason}")
    others = [
        k
        for k in scorecard.kpis
        if not any(k.id in o.health for o in scorecard.objectives)
    ]
    if others:
        lines += ["", "KPIs"]
        lines += [f"{k.status.symbol} {k.reason}" for k in others]
    if scorecard.findings:
        lines += ["", "Findings"]
        lines += [f"- {f.severity}: {f.message}" for f in scorecard.findings]
    return "\n".join(lines)


def _cells(score: float | None, expected: float, status: Status) -> str:
    shown = "  -" if score is None else percent(score)
    return f"{status.symbol} {shown:>6}  {percent(expected):>8}"


def _objective_line(objective: ObjectiveResult) -> str:
    indent = _indent(objective.depth)
    who = f"{objective.owner}, " if objective.owner else ""
    committed = ", committed" if objective.committed else ""
    return (
        f"{_cells(objective.score, objective.expected, objective.status)}  "
        f"{indent}{objective.title}  [{who}{objective.period}{committed}]"
    )


def _key_result_line(kr: KeyResultResult, depth: int) -> str:
    indent = _indent(depth + 1)
    return f"{_cells(kr.score, kr.expected, kr.status)}  {indent}> {kr.reason}"
