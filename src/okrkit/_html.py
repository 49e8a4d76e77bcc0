"""Scorecards and histories as HTML tables for notebooks (pure: returns strings).

Every style is inline, so the table reads the same without any outside CSS,
and every text that came from a user (titles, owners, reasons) is escaped.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from okrkit._format import percent
from okrkit._results import KeyResultResult, KPIResult, ObjectiveResult
from okrkit._scorecard import Scorecard
from okrkit._status import Status

if TYPE_CHECKING:
    from collections.abc import Sequence

    from okrkit._history import History, HistoryRow

# Light backgrounds with black text: readable on light and dark notebook themes.
COLOURS = {
    Status.GREEN: "#c8e6c9",
    Status.AMBER: "#ffe0b2",
    Status.RED: "#ffcdd2",
    Status.NO_DATA: "#eeeeee",
    Status.STALE: "#e1d5f0",
}
_TABLE = (
    'style="border-collapse:collapse;font-family:sans-serif;font-size:13px;'
    'color:#000;background:#fff"'
)
_CELL = "padding:2px 8px;border:1px solid #ccc;text-align:left;vertical-align:top"
_HEAD = ("Status", "Score", "Expected", "Objective / key result", "Owner", "Reason")
MAX_DATES = 12  # columns of a history table; more would not fit a notebook


def scorecard_html(card: Scorecard) -> str:
    """Return the scorecard as an HTML table, cascaded, with traffic lights.

    >>> from datetime import date
    >>> from okrkit import evaluate, Objective, KeyResult, Measurement, Period
    >>> card = evaluate(
    ...     [Objective("o", "Grow <fast>", period=Period.quarter(2026, 1),
    ...         key_results=[KeyResult("k", "Reach 100", start=0, target=100)])],
    ...     measurements={"k": [Measurement(date(2026, 2, 1), 50)]},
    ...     as_of=date(2026, 2, 15))
    >>> text = scorecard_html(card)
    >>> "Grow &lt;fast&gt;" in text, 'data-id="k"' in text
    (True, True)
    """
    rows = []
    shown: set[str] = set()
    for objective in card:
        rows.append(_objective_row(objective))
        for kr in card.key_results_of(objective.id):
            rows.append(_key_result_row(kr, objective.depth + 1))
        for kpi_id in objective.health:
            kpi = card[kpi_id]
            assert isinstance(kpi, KPIResult)
            rows.append(_kpi_row(kpi, objective.depth + 1))
            shown.add(kpi_id)
    others = [kpi for kpi in card.kpis if kpi.id not in shown]
    if others:
        rows.append(f'<tr><th colspan="{len(_HEAD)}" style="{_CELL}">KPIs</th></tr>')
        rows += [_kpi_row(kpi, 0) for kpi in others]
    head = "".join(f'<th style="{_CELL}">{h}</th>' for h in _HEAD)
    parts = [
        f'<table class="okrkit-scorecard" {_TABLE}>',
        f"<caption>Scorecard as of {escape(card.as_of.isoformat())}</caption>",
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
        *rows,
        "</tbody></table>",
    ]
    if card.findings:
        items = "".join(
            f"<li>{escape(f.severity)}: {escape(f.message)}</li>" for f in card.findings
        )
        parts.append(f'<ul class="okrkit-findings">{items}</ul>')
    return "\n".join(parts)


def _status_cell(status: Status) -> str:
    return (
        f'<td style="{_CELL};background:{COLOURS[status]};color:#000">'
        f"{escape(status.name)}</td>"
    )


def _score(value: float | None) -> str:
    return "-" if value is None else percent(value)


def _objective_row(result: ObjectiveResult) -> str:
    title = f"<b>{escape(result.title)}</b> ({escape(str(result.period))})"
    cells = (
        _score(result.score),
        _score(result.expected),
        title,
        escape(result.owner),
        escape(result.reason),
    )
    return _row("objective", result.id, result.status, cells, result.depth)


def _row(kind: str, id: str, status: Status, cells: tuple[str, ...], depth: int) -> str:
    """Score and expected first, then the name (indented by depth), owner, reason."""
    score, expected, name, owner, reason = cells
    indent = f"padding-left:{8 + 16 * depth}px"
    return (
        f'<tr data-kind="{kind}" data-id="{escape(id)}" '
        f'data-status="{status.name}">{_status_cell(status)}'
        f'<td style="{_CELL}">{score}</td><td style="{_CELL}">{expected}</td>'
        f'<td style="{_CELL};{indent}">{name}</td>'
        f'<td style="{_CELL}">{owner}</td><td style="{_CELL}">{reason}</td></tr>'
    )


def _key_result_row(result: KeyResultResult, depth: int) -> str:
    cells = (
        _score(result.score),
        _score(result.expected),
        escape(result.title),
        "",
        escape(result.reason),
    )
    return _row("key_result", result.id, result.status, cells, depth)


def _kpi_row(result: KPIResult, depth: int) -> str:
    cells = ("", "", f"<i>{escape(result.name)}</i>", "", escape(result.reason))
    return _row("kpi", result.id, result.status, cells, depth)


def history_html(history: History) -> str:
    """Return the history as an HTML table of scores on their traffic lights.

    One row per objective and key result, one column per date (the last 12).

    >>> from datetime import date
    >>> from okrkit import KeyResult, Objective, Period
    >>> from okrkit import history
    >>> past = history([Objective("o", "O", period=Period.year(2026),
    ...     key_results=[KeyResult("k", "K", start=0, target=1)])],
    ...     measurements={}, dates=[date(2026, 7, 2)])
    >>> history_html(past).count("<tr")
    3
    """
    dates = history.dates[-MAX_DATES:]
    last = history[dates[-1]]  # the cascade's shape: titles, depths, order
    head = f'<th style="{_CELL}">Objective / key result</th>'
    head += "".join(f'<th style="{_CELL}">{escape(d.isoformat())}</th>' for d in dates)
    rows = []
    count = len(dates)
    for objective in last:
        over_time = history.of(objective.id)[-count:]
        rows.append(
            _history_row(
                over_time, "objective", objective.id, objective.title, objective.depth
            )
        )
        for kr_id in objective.key_results:
            kr = last[kr_id]
            assert isinstance(kr, KeyResultResult)
            over_time = history.of(kr_id)[-count:]
            depth = objective.depth + 1
            rows.append(_history_row(over_time, "key_result", kr_id, kr.title, depth))
    shown = "" if len(dates) == len(history.dates) else f" (the last {len(dates)})"
    caption = (
        f"History: {len(history.dates)} dates from {history.dates[0].isoformat()} "
        f"to {history.dates[-1].isoformat()}{shown}"
    )
    return "\n".join(
        [
            f'<table class="okrkit-history" {_TABLE}>',
            f"<caption>{escape(caption)}</caption>",
            f"<thead><tr>{head}</tr></thead>",
            "<tbody>",
            *rows,
            "</tbody></table>",
        ]
    )


def _history_row(
    rows: Sequence[HistoryRow], kind: str, id: str, title: str, depth: int
) -> str:
    indent = f"padding-left:{8 + 16 * depth}px"
    cells = [f'<td style="{_CELL};{indent}">{escape(title)}</td>']
    for row in rows:
        cells.append(
            f'<td style="{_CELL};background:{COLOURS[row.status]};color:#000" '
            f'data-status="{row.status.name}">{_score(row.score)}</td>'
        )
    return f'<tr data-kind="{kind}" data-id="{escape(id)}">{"".join(cells)}</tr>'
