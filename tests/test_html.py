from datetime import date, timedelta
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from okrkit import (
    KPI,
    Direction,
    KeyResult,
    Measurement,
    Objective,
    Period,
    Thresholds,
    evaluate,
)
from okrkit._history import history
from okrkit._html import COLOURS, MAX_DATES, history_html, scorecard_html
from okrkit._status import Status

Q1 = Period.quarter(2026, 1)
FEB15 = date(2026, 2, 15)
EVIL = "<script>alert('x')</script>"
NPS = KPI(
    "nps",
    "NPS <b>",
    direction=Direction.HIGHER_IS_BETTER,
    thresholds=Thresholds.higher_is_better(red_below=20, green_from=40),
)
CHURN = KPI(
    "churn",
    "Churn",
    direction=Direction.LOWER_IS_BETTER,
    thresholds=Thresholds.lower_is_better(green_below=2, red_from=5),
)
OBJECTIVES = [
    Objective(
        "co",
        EVIL,
        period=Q1,
        owner="Ana & <Bob>",
        health=("nps",),
        key_results=[
            KeyResult("k", "Reach 100", start=0, target=100),
            KeyResult("j", "Reach 10", start=0, target=10),
        ],
    ),
    Objective(
        "team",
        "Sell more",
        period=Q1,
        parent="co",
        key_results=[KeyResult("t", 'Title "quoted"', start=0, target=10)],
    ),
]
MEASUREMENTS = {
    "k": [Measurement(date(2026, 2, 1), 60)],
    "j": [Measurement(date(2026, 2, 1), 2)],
    "nps": [Measurement(date(2026, 1, 10), 25)],
}
CARD = evaluate(OBJECTIVES, kpis=[NPS, CHURN], measurements=MEASUREMENTS, as_of=FEB15)


class _Tree(HTMLParser):
    """Collects elements (tag, attributes) and the text, checking tags balance."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.text: list[str] = []
        self.rows: list[dict[str, str | None]] = []
        self.cells: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self.open.append(tag)
        if tag == "tr":
            self.rows.append(dict(attrs))
            self.cells.append([])

    def handle_endtag(self, tag):
        assert self.open.pop() == tag

    def handle_data(self, data):
        self.text.append(data)
        if self.open and self.open[-1] in ("td", "b", "i") and self.cells:
            self.cells[-1].append(data)


def _parse(text):
    tree = _Tree()
    tree.feed(text)
    tree.close()
    assert tree.open == []
    return tree


def test_one_row_per_objective_key_result_and_kpi_in_cascade_order():
    """The table lists each objective, then its key results and health KPIs."""
    tree = _parse(scorecard_html(CARD))
    rows = [(r["data-kind"], r["data-id"]) for r in tree.rows if "data-id" in r]
    assert rows == [
        ("objective", "co"),
        ("key_result", "k"),
        ("key_result", "j"),
        ("kpi", "nps"),
        ("objective", "team"),
        ("key_result", "t"),
        ("kpi", "churn"),
    ]


def test_status_cells_carry_the_traffic_light_colour():
    """Each row's first cell has its status's background colour inline."""
    tree = _parse(scorecard_html(CARD))
    statuses = {r["data-id"]: r["data-status"] for r in tree.rows if "data-id" in r}
    assert statuses["k"] == "GREEN"
    assert statuses["j"] == "RED"
    assert statuses["nps"] == "AMBER"
    assert statuses["churn"] == "NO_DATA"
    cells = [attrs for tag, attrs in tree.elements if tag == "td"]
    styles = " ".join(a.get("style") or "" for a in cells)
    for status in (Status.GREEN, Status.AMBER, Status.RED, Status.NO_DATA):
        assert f"background:{COLOURS[status]}" in styles


def test_titles_owners_and_reasons_are_escaped():
    """A title with a script tag shows as text, never as an element."""
    text = scorecard_html(CARD)
    tree = _parse(text)
    assert "script" not in [tag for tag, _ in tree.elements]
    assert "b" in [tag for tag, _ in tree.elements]  # our own bold titles
    assert EVIL in "".join(tree.text)
    assert "Ana & <Bob>" in "".join(tree.text)
    assert "NPS <b>" in "".join(tree.text)
    assert "<script>" not in text


def test_styles_are_inline_only():
    """No <style> element or class-based CSS is needed to read the table."""
    tree = _parse(scorecard_html(CARD))
    tags = {tag for tag, _ in tree.elements}
    assert "style" not in tags
    assert "link" not in tags
    table = next(a for tag, a in tree.elements if tag == "table")
    assert "color:#000" in (table["style"] or "")


def test_findings_are_listed():
    """Findings appear as list items after the table."""
    tree = _parse(scorecard_html(CARD))
    items = [tag for tag, _ in tree.elements if tag == "li"]
    assert len(items) == len(CARD.findings) > 0


def test_scores_show_as_percent():
    """The score cell shows the score as a percentage."""
    tree = _parse(scorecard_html(CARD))
    index = next(i for i, r in enumerate(tree.rows) if r.get("data-id") == "k")
    assert tree.cells[index][:3] == ["GREEN", "60 %", "50 %"]


def test_history_html_has_a_cell_per_date_and_id():
    """The history table has one row per objective and key result, one cell per date."""
    dates = [date(2026, 1, 31), FEB15]
    past = history(
        OBJECTIVES, kpis=[NPS, CHURN], measurements=MEASUREMENTS, dates=dates
    )
    tree = _parse(history_html(past))
    rows = [r for r in tree.rows if "data-id" in r]
    assert [r["data-id"] for r in rows] == ["co", "k", "j", "team", "t"]
    status_cells = [a for tag, a in tree.elements if tag == "td" and "data-status" in a]
    assert len(status_cells) == 5 * 2
    assert [a["data-status"] for a in status_cells[2:4]] == ["NO_DATA", "GREEN"]
    assert EVIL in "".join(tree.text)
    assert past._repr_html_() == history_html(past)


def test_history_html_shows_at_most_the_last_dates():
    """A long history shows its last dates and says so."""
    dates = [Q1.start + timedelta(days=i) for i in range(30)]
    past = history(
        OBJECTIVES, kpis=[NPS, CHURN], measurements=MEASUREMENTS, dates=dates
    )
    tree = _parse(history_html(past))
    headers = [a for tag, a in tree.elements if tag == "th"]
    assert len(headers) == 1 + MAX_DATES
    assert f"(the last {MAX_DATES})" in "".join(tree.text)


@given(title=st.text(max_size=30), owner=st.text(max_size=10))
def test_any_title_is_shown_as_written(title, owner):
    """Whatever a title or owner holds, the parsed page shows it as text."""
    objective = Objective(
        "o",
        title or "x",
        period=Q1,
        owner=owner,
        key_results=[KeyResult.done("d", "D")],
    )
    tree = _parse(scorecard_html(evaluate([objective], as_of=FEB15)))
    assert [t for t, _ in tree.elements].count("tr") == 3
    text = "".join(tree.text)
    assert (title or "x").replace("\r", "\n") in text.replace("\r", "\n")
