import builtins
import importlib.util
import math
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.image import imread

from okrkit import (
    KPI,
    Direction,
    KeyResult,
    Measurement,
    Objective,
    Period,
    Status,
    Thresholds,
)
from okrkit._history import history
from okrkit._html import COLOURS
from okrkit.exceptions import (
    InvalidTypeError,
    InvalidValueError,
    MissingExtraError,
    OkrkitError,
)
from okrkit.plot import burn_up, kpi, scores

ROOT = Path(__file__).resolve().parent.parent
Q1 = Period.quarter(2026, 1)
FEB15 = date(2026, 2, 15)
CUSTOMERS = KeyResult(
    "k",
    "Reach 100 customers",
    start=0,
    target=100,
    label="customers",
    phases=[(date(2026, 2, 1), 20)],
)
NPS = KPI(
    "nps",
    "Net promoter score",
    label="points",
    direction=Direction.HIGHER_IS_BETTER,
    thresholds=Thresholds.higher_is_better(red_below=20, green_from=40),
)
OBJECTIVES = [
    Objective("o", "Grow", period=Q1, key_results=[CUSTOMERS], health=("nps",)),
    Objective(
        "t",
        "Team",
        period=Q1,
        parent="o",
        key_results=[KeyResult("j", "J", start=0, target=10, unit="hour")],
    ),
]
MEASUREMENTS = {
    "k": [
        Measurement(date(2026, 1, 10), 10),
        Measurement(date(2026, 1, 25), 25),
        Measurement(date(2026, 2, 10), 40),
    ],
    "nps": [Measurement(date(2026, 1, 5), 15), Measurement(date(2026, 2, 5), 45)],
}
DATES = [date(2026, 1, 15), date(2026, 2, 1), FEB15]
PAST = history(OBJECTIVES, kpis=[NPS], measurements=MEASUREMENTS, dates=DATES)


def _labels(ax):
    return [line.get_label() for line in ax.get_lines()]


def _line(ax, label):
    return next(line for line in ax.get_lines() if line.get_label() == label)


def _x(day):
    return date2num(datetime(day.year, day.month, day.day))


def _png(ax, tmp_path):
    path = tmp_path / "chart.png"
    ax.figure.savefig(path, dpi=60)
    return imread(path)[..., :3]


def _has_colour(pixels, colour):
    rgb = np.array(to_rgb(colour))
    return bool(np.any(np.all(np.abs(pixels - rgb) < 2 / 255, axis=-1)))


def test_burn_up_has_value_expected_target_forecast_and_as_of(tmp_path):
    """A burn-up chart has its five lines, labelled, and a title and axis labels."""
    ax = burn_up(PAST, "k")
    assert _labels(ax) == [
        "value",
        "expected",
        "target 100",
        "forecast",
        "as of 2026-02-15",
    ]
    assert ax.get_title() == "Reach 100 customers"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("date", "customers")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [*_labels(ax)[:4], "check-ins", "as of 2026-02-15"]
    _png(ax, tmp_path)


def test_burn_up_value_line_follows_the_history():
    """The value line has the value at each of the history's dates."""
    xs, ys = _line(burn_up(PAST, "k"), "value").get_data()
    assert list(xs) == [_x(d) for d in DATES]
    assert list(ys) == [10.0, 25.0, 40.0]


def test_expected_line_runs_through_the_phases():
    """The expected line goes from (start, 0) through the phase to (end, target)."""
    xs, ys = _line(burn_up(PAST, "k"), "expected").get_data()
    assert list(xs) == [_x(Q1.start), _x(date(2026, 2, 1)), _x(Q1.end)]
    assert list(ys) == [0.0, 20.0, 100.0]


def test_target_and_as_of_lines():
    """The target is horizontal at 100; the as-of line vertical at the last date."""
    ax = burn_up(PAST, "k")
    _, ys = _line(ax, "target 100").get_data()
    assert list(ys) == [100, 100]
    xs, _ = _line(ax, "as of 2026-02-15").get_data()
    assert list(xs) == [_x(FEB15), _x(FEB15)]


def test_forecast_is_dashed_to_the_period_end():
    """The forecast runs dashed from the latest value to the period's end."""
    ax = burn_up(PAST, "k")
    forecast = _line(ax, "forecast")
    assert forecast.get_linestyle() == "--"
    xs, ys = forecast.get_data()
    assert list(xs) == [_x(FEB15), _x(Q1.end)]
    assert ys[0] == 40.0
    assert ys[1] == pytest.approx(PAST[FEB15]["k"].forecast)
    others = [line for line in ax.get_lines() if line is not forecast]
    assert all(line.get_linestyle() != "--" for line in others)


def test_checkins_are_points_at_their_dates():
    """Each check-in up to the last date is a point at its date and value."""
    ax = burn_up(PAST, "k")
    (points,) = ax.collections
    offsets = points.get_offsets()
    assert [tuple(p) for p in offsets] == [
        (_x(date(2026, 1, 10)), 10.0),
        (_x(date(2026, 1, 25)), 25.0),
        (_x(date(2026, 2, 10)), 40.0),
    ]


def test_burn_up_without_checkins_or_forecast():
    """A key result with no check-ins has no points and no forecast line."""
    ax = burn_up(PAST, "j")
    assert len(ax.collections) == 0
    assert "forecast" not in _labels(ax)
    assert ax.get_ylabel() == "hour"


def test_burn_up_of_a_done_key_result_targets_one():
    """A done/not-done key result's expected line runs from 0 to 1."""
    objective = Objective("o", "O", period=Q1, key_results=[KeyResult.done("d", "D")])
    past = history([objective], measurements={}, dates=[FEB15])
    ax = burn_up(past, "d")
    assert list(_line(ax, "expected").get_data()[1]) == [0.0, 1.0]


def test_scores_on_traffic_light_bands(tmp_path):
    """Scores are lines over red, amber and green bands visible in the PNG."""
    ax = scores(PAST, ["o", "t"])
    assert _labels(ax) == ["Grow", "Team", "as of 2026-02-15"]
    _, ys = _line(ax, "Grow").get_data()
    assert list(ys) == [PAST[d]["o"].score for d in DATES]
    assert ax.get_title() == "Scores"
    assert ax.get_ylim()[0] == 0.0
    spans = [(p.get_y(), p.get_y() + p.get_height()) for p in ax.patches]
    assert [tuple(round(v, 6) for v in s) for s in spans] == [
        (0.0, 0.4),
        (0.4, 0.7),
        (0.7, 1.05),
    ]
    pixels = _png(ax, tmp_path)
    for status in (Status.RED, Status.AMBER, Status.GREEN):
        assert _has_colour(pixels, COLOURS[status]), status


def test_scores_of_one_id_names_it():
    """One id may be given as a string; the title names it."""
    ax = scores(PAST, "o")
    assert ax.get_title() == "Score of Grow"


def test_kpi_on_its_threshold_bands(tmp_path):
    """A KPI's values are drawn over its red, amber and green bands."""
    ax = kpi(PAST, "nps")
    assert _labels(ax) == ["value", "as of 2026-02-15"]
    assert list(_line(ax, "value").get_data()[1]) == [15.0, 15.0, 45.0]
    assert ax.get_title() == "Net promoter score"
    assert ax.get_ylabel() == "points"
    (points,) = ax.collections
    assert [tuple(p) for p in points.get_offsets()] == [
        (_x(date(2026, 1, 5)), 15.0),
        (_x(date(2026, 2, 5)), 45.0),
    ]
    low, high = ax.get_ylim()
    assert low < 15
    assert high > 45
    pixels = _png(ax, tmp_path)
    for status in (Status.RED, Status.AMBER, Status.GREEN):
        assert _has_colour(pixels, COLOURS[status]), status


def test_draws_on_a_given_axes_without_pyplot():
    """Given an Axes, the chart is drawn on it; none touches pyplot."""
    figure = Figure()
    ax = figure.subplots()
    assert burn_up(PAST, "k", ax=ax) is ax
    assert "matplotlib.pyplot" not in sys.modules or not _pyplot_figures()
    assert matplotlib.get_backend()  # still answers: nothing was switched


def _pyplot_figures():
    import matplotlib.pyplot as plt

    return plt.get_fignums()


def test_wrong_ids_and_axes_are_errors():
    """Each chart checks the kind of id and the Axes it is given."""
    with pytest.raises(InvalidValueError, match="the id of a key result"):
        burn_up(PAST, "o")
    with pytest.raises(InvalidValueError, match="the id of a KPI"):
        kpi(PAST, "k")
    with pytest.raises(InvalidValueError, match="a KPI has no score"):
        scores(PAST, ["nps"])
    with pytest.raises(InvalidValueError, match="at least one"):
        scores(PAST, [])
    with pytest.raises(InvalidTypeError, match="a matplotlib Axes"):
        burn_up(PAST, "k", ax="left")
    with pytest.raises(OkrkitError, match="'ghost'"):
        burn_up(PAST, "ghost")


def test_wrong_histories_and_ids_are_okrkit_errors():
    """A scorecard for a history, or ids that are no ids: okrkit errors by name."""
    for chart in (burn_up, kpi):
        with pytest.raises(InvalidTypeError, match="field 'history'.*a History"):
            chart(PAST[FEB15], "k")
    with pytest.raises(InvalidTypeError, match="field 'history'"):
        scores(None, "o")
    for ids in (None, 5):
        with pytest.raises(InvalidTypeError, match="field 'ids'"):
            scores(PAST, ids)


def test_a_kpi_linked_key_result_shows_its_checkins_in_its_own_unit():
    """Latency in ms read from a KPI in s: 0.4 s is drawn at 400 ms, on the line."""
    latency = KPI(
        "lat",
        "Latency",
        unit="s",
        direction=Direction.LOWER_IS_BETTER,
        thresholds=Thresholds.lower_is_better(green_below=0.2, red_from=0.5),
    )
    kr = KeyResult("kms", "Latency", start=500, target=200, unit="ms", kpi="lat")
    past = history(
        [Objective("o", "O", period=Q1, key_results=[kr])],
        kpis=[latency],
        measurements={"lat": [Measurement(date(2026, 1, 5), 0.4)]},
        dates=[date(2026, 2, 1)],
    )
    ax = burn_up(past, "kms")
    assert ax.get_ylabel() == "millisecond"
    assert list(_line(ax, "value").get_data()[1]) == [400.0]
    (points,) = ax.collections
    assert [float(y) for _, y in points.get_offsets()] == [400.0]


def test_a_band_key_result_shows_its_band_not_a_target_of_one():
    """Within 95 to 105: a shaded band labelled with both ends; no expected line."""
    band = KeyResult.within("w", "Headcount 95 to 105", 95, 105)
    past = history(
        [Objective("o", "O", period=Q1, key_results=[band])],
        measurements={"w": [Measurement(date(2026, 1, 5), 100)]},
        dates=[date(2026, 2, 1)],
    )
    ax = burn_up(past, "w")
    assert _labels(ax) == ["value", "as of 2026-02-01"]
    (shaded,) = ax.patches
    assert (shaded.get_y(), shaded.get_y() + shaded.get_height()) == (95.0, 105.0)
    assert shaded.get_label() == "target 95 to 105"


def test_a_relative_key_result_without_a_baseline_has_no_target_line():
    """No KPI value before the period: no start, no target, so no line for them."""
    visits = KPI(
        "visits",
        "Visits",
        direction=Direction.HIGHER_IS_BETTER,
        thresholds=Thresholds.higher_is_better(red_below=100, green_from=200),
    )
    kr = KeyResult.relative("rel", "Traffic up 20 %", kpi="visits", change=0.2)
    past = history(
        [Objective("o", "O", period=Q1, key_results=[kr])],
        kpis=[visits],
        measurements={"visits": [Measurement(date(2026, 1, 5), 150)]},
        dates=[date(2026, 2, 1)],
    )
    assert _labels(burn_up(past, "rel")) == ["value", "as of 2026-02-01"]


def test_scores_title_names_the_id_drawn_on_a_used_axes():
    """On axes that already hold a line, the title still names the id drawn."""
    ax = Figure().subplots()
    ax.plot([0, 1], [0, 1], label="baseline")
    assert scores(PAST, "o", ax=ax).get_title() == "Score of Grow"


def test_scores_below_zero_stay_in_view_on_the_red_band():
    """Linear(floor=None) scores -0.5: the axis and the red band reach below it."""
    from okrkit.scoring import Linear

    past = history(
        OBJECTIVES[:1],
        kpis=[NPS],
        measurements={"k": [Measurement(date(2026, 1, 5), -50)]},
        dates=[date(2026, 2, 1)],
        scoring=Linear(floor=None),
    )
    assert past.of("o")[0].score == -0.5
    ax = scores(past, "o")
    low, high = ax.get_ylim()
    assert low == pytest.approx(-0.525)
    assert high == pytest.approx(1.05)
    red = ax.patches[0]
    assert red.get_y() == pytest.approx(-0.525)


def test_missing_matplotlib_names_the_extra(monkeypatch):
    """Without matplotlib, a chart says which extra to install."""
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ModuleNotFoundError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(MissingExtraError, match=r"pip install 'okrkit\[plot\]'"):
        burn_up(PAST, "k")


def test_aware_datetimes_are_placed_in_the_history_time_zone():
    """An aware as-of is drawn at its local time in the history's zone."""
    from datetime import UTC, timezone

    tz = timezone(timedelta(hours=2))
    at = datetime(2026, 2, 15, 10, tzinfo=UTC)
    past = history(OBJECTIVES, kpis=[NPS], measurements=MEASUREMENTS, dates=[at], tz=tz)
    xs, _ = _line(burn_up(past, "k"), "as of 2026-02-15T10:00:00+00:00").get_data()
    assert xs[0] == pytest.approx(date2num(datetime(2026, 2, 15, 12)))


def test_gaps_before_the_first_checkin():
    """Dates without a value leave a gap (NaN), not a zero."""
    past = history(
        OBJECTIVES,
        kpis=[NPS],
        measurements=MEASUREMENTS,
        dates=[date(2026, 1, 2), FEB15],
    )
    _, ys = _line(burn_up(past, "k"), "value").get_data()
    assert math.isnan(ys[0])
    assert ys[1] == 40.0


def test_docs_image_script_still_runs(tmp_path):
    """docs/make_images.py draws the three PNGs the docs show."""
    spec = importlib.util.spec_from_file_location(
        "make_images", ROOT / "docs" / "make_images.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.main(tmp_path)
    assert sorted(p.name for p in written) == ["burn-up.png", "kpi.png", "scores.png"]
    for path in written:
        assert imread(path).shape[0] > 100
        assert (ROOT / "docs" / "images" / path.name).exists()


def test_importing_okrkit_plot_loads_neither_matplotlib_nor_narwhals():
    """The extras are imported when a chart or frame is made, not before."""
    import subprocess

    code = (
        "import sys, okrkit.plot, okrkit._frames, okrkit._history;"
        "print(sorted(m for m in ('matplotlib', 'narwhals') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "src")},
    )
    assert done.stdout.strip() == "[]"
