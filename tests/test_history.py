import math
import pickle
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit import (
    KPI,
    Direction,
    KeyResult,
    Measurement,
    Objective,
    Period,
    Status,
    Thresholds,
    evaluate,
)
from okrkit._history import History, HistoryRow, history
from okrkit.exceptions import (
    InvalidTypeError,
    InvalidValueError,
    OkrkitError,
    UnknownIdError,
)
from okrkit.scoring import GoogleGrading

Q1 = Period.quarter(2026, 1)
JAN31, FEB15, MAR31 = date(2026, 1, 31), date(2026, 2, 15), date(2026, 3, 31)

NPS = KPI(
    "nps",
    "Net promoter score",
    direction=Direction.HIGHER_IS_BETTER,
    thresholds=Thresholds.higher_is_better(red_below=20, green_from=40),
)
OBJECTIVES = (
    Objective(
        "o",
        "Grow",
        period=Q1,
        owner="Ana",
        health=("nps",),
        key_results=(
            KeyResult("k", "Reach 100 customers", start=0, target=100),
            KeyResult("rev", "Revenue 10 kUSD", start=0, target=10, unit="kUSD"),
            KeyResult.at_least("n", "NPS at least 40", 40, kpi="nps"),
        ),
    ),
)
MEASUREMENTS = {
    "k": [Measurement(date(2026, 1, 20), 30), Measurement(date(2026, 2, 10), 60)],
    "rev": [Measurement(date(2026, 2, 1), 4000, unit="USD")],
    "nps": [Measurement(date(2026, 1, 10), 25), Measurement(date(2026, 3, 1), 45)],
}


def _past(dates=(FEB15, JAN31, MAR31), **kw):
    return history(OBJECTIVES, kpis=[NPS], measurements=MEASUREMENTS, dates=dates, **kw)


def test_dates_are_sorted_and_distinct():
    """history.dates holds each date once, in time order, whatever the input order."""
    assert _past(dates=[MAR31, JAN31, MAR31, FEB15]).dates == (JAN31, FEB15, MAR31)


def test_one_date_per_instant():
    """A date, its naive midnight and (in UTC) its aware midnight: one date.

    The first by instant, then by repr, is kept (the date); any of them
    finds its scorecard.  In Berlin the aware UTC midnight is 01:00, an
    instant of its own.
    """
    day = date(2026, 2, 1)
    naive, aware = datetime(2026, 2, 1), datetime(2026, 2, 1, tzinfo=UTC)
    past = _past(dates=[aware, naive, day])
    assert past.dates == (day,)
    assert past[naive] is past[aware] is past[day]
    assert naive in past
    assert aware in past
    assert len(past.records()) == len(_past(dates=[day]).records())
    berlin = _past(dates=[aware, naive, day], tz=ZoneInfo("Europe/Berlin"))
    assert berlin.dates == (day, aware)
    assert berlin[naive] is berlin[day]
    assert datetime(2026, 2, 1, 0, 30) not in berlin


def test_two_wall_times_in_a_repeated_hour_stay_two_dates():
    """02:30 before and after clocks go back in Berlin are an hour apart."""
    berlin = ZoneInfo("Europe/Berlin")
    first = datetime(2026, 10, 25, 2, 30, fold=0)
    second = datetime(2026, 10, 25, 2, 30, fold=1)
    past = history([], measurements={}, dates=[second, first], tz=berlin)
    assert len(past.dates) == 2


@pytest.mark.parametrize(
    "dates",
    [(), (FEB15, JAN31), (JAN31, JAN31), (date(2026, 2, 1), datetime(2026, 2, 1))],
)
def test_a_history_built_by_hand_needs_dates_in_time_order(dates):
    """At least one date, each at a later instant: else repr and [] could not work."""
    cards = tuple(_past(dates=[JAN31])) * len(dates)
    with pytest.raises(InvalidValueError, match="History: field 'dates'"):
        History(dates=dates, cards=cards, objectives=OBJECTIVES, kpis=(NPS,),
                measurements=MEASUREMENTS, tz=UTC)  # fmt: skip


def test_records_carry_units_and_labels():
    """A key result's and a KPI's unit and label are columns; an objective has none."""
    rows = {row["id"]: row for row in _past(dates=[FEB15]).records()}
    assert (rows["rev"]["unit"], rows["rev"]["label"]) == ("kiloUSD", "")
    assert rows["nps"]["unit"] is None
    assert (rows["o"]["unit"], rows["o"]["label"]) == (None, None)
    card = {row["id"]: row for row in _past()[FEB15].records("key_results")}
    for id_ in ("k", "rev", "n"):
        assert (rows[id_]["unit"], rows[id_]["label"]) == (
            card[id_]["unit"],
            card[id_]["label"],
        )


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("as_of", "yesterday", InvalidTypeError),
        ("status", "GREEN", InvalidTypeError),
        ("score", math.nan, InvalidValueError),
        ("value", "50", InvalidTypeError),
        ("forecast", True, InvalidTypeError),
    ],
)
def test_a_history_row_checks_its_fields(field, value, error):
    """HistoryRow refuses what no history gives: text dates, NaN, bools."""
    fields = {
        "as_of": FEB15,
        "value": 50,
        "progress": 0.5,
        "score": 0.5,
        "expected": 0.5,
        "status": Status.GREEN,
        "forecast": None,
    }
    assert HistoryRow(**fields).value == 50.0
    fields[field] = value
    with pytest.raises(error, match=f"HistoryRow: field '{field}'"):
        HistoryRow(**fields)


def test_each_scorecard_equals_evaluate_at_that_date():
    """history[d] is equal to evaluate(..., as_of=d) for every date."""
    past = _past()
    for day in past.dates:
        assert past[day] == evaluate(
            OBJECTIVES, kpis=[NPS], measurements=MEASUREMENTS, as_of=day
        )


def test_scoring_and_tz_are_passed_on():
    """Scoring strategy and time zone reach every evaluation."""
    tz = timezone(timedelta(hours=-5))
    past = _past(scoring=GoogleGrading(), tz=tz)
    assert past[FEB15] == evaluate(
        OBJECTIVES,
        kpis=[NPS],
        measurements=MEASUREMENTS,
        as_of=FEB15,
        scoring=GoogleGrading(),
        tz=tz,
    )
    assert past.tz is tz


def test_of_gives_one_row_per_date_with_hand_computed_values():
    """of(id) gives a key result's value, progress and status at each date."""
    rows = _past().of("k")
    assert [r.as_of for r in rows] == [JAN31, FEB15, MAR31]
    assert [r.value for r in rows] == [30.0, 60.0, 60.0]
    assert [r.progress for r in rows] == [0.3, 0.6, 0.6]
    assert rows[1].expected == pytest.approx(45 / 90)
    assert rows[1].status is Status.GREEN
    assert all(isinstance(r, HistoryRow) for r in rows)


def test_of_covers_objectives_and_kpis():
    """of() works for an objective and a KPI as well as a key result."""
    past = _past()
    assert [r.value for r in past.of("nps")] == [25.0, 25.0, 45.0]
    assert [r.status for r in past.of("nps")] == [
        Status.AMBER,
        Status.AMBER,
        Status.GREEN,
    ]
    assert [r.score for r in past.of("o")] == [past[d]["o"].score for d in past.dates]


def test_unknown_date_names_the_date():
    """Looking up a date not in the history raises UnknownIdError naming it."""
    with pytest.raises(UnknownIdError, match=r"datetime.date\(2026, 2, 16\)") as info:
        _past()[date(2026, 2, 16)]
    assert info.value.field == "date"


def test_unknown_id_raises():
    """of(), checkins() and definition() of an unknown id raise UnknownIdError."""
    past = _past()
    for read in (past.of, past.checkins, past.definition):
        with pytest.raises(UnknownIdError, match="'nope'"):
            read("nope")


def test_checkins_are_in_the_series_unit_up_to_the_last_date():
    """checkins() converts to the key result's unit and stops at the last date."""
    past = _past()
    assert past.checkins("rev") == ((date(2026, 2, 1), 4.0),)
    early = _past(dates=[FEB15])
    assert early.checkins("k") == ((date(2026, 1, 20), 30.0), (date(2026, 2, 10), 60.0))
    assert early.checkins("nps") == ((date(2026, 1, 10), 25.0),)


def test_key_result_linked_to_a_kpi_shows_the_kpis_checkins():
    """A key result that reads a KPI has the KPI's check-ins."""
    past = _past()
    assert past.checkins("n") == past.checkins("nps")


def test_objectives_have_no_checkins():
    """checkins() of an objective is an error naming what is expected."""
    with pytest.raises(InvalidValueError, match="key result or KPI"):
        _past().checkins("o")


def test_definition_and_period():
    """definition() gives back the definitions; period() the owning objective's."""
    past = _past()
    assert past.definition("k") is OBJECTIVES[0].key_results[0]
    assert past.definition("nps") is NPS
    assert past.period("k") == Q1
    assert past.period("o") == Q1
    with pytest.raises(InvalidValueError, match="KPI has no period"):
        past.period("nps")


def test_records_one_row_per_date_and_id():
    """records() has one dict per date and id, with statuses as names."""
    records = _past().records()
    assert len(records) == 3 * (1 + 3 + 1)
    first = records[0]
    assert first["as_of"] == JAN31
    assert (first["id"], first["kind"], first["title"]) == ("o", "objective", "Grow")
    kpi = [r for r in records if r["id"] == "nps"]
    assert [r["value"] for r in kpi] == [25.0, 25.0, 45.0]
    assert kpi[0]["kind"] == "kpi"
    assert kpi[0]["status"] == "AMBER"


def test_history_is_picklable_and_equal_after():
    """A history survives pickling: same dates, scorecards and rows."""
    past = _past()
    again = pickle.loads(pickle.dumps(past))
    assert isinstance(again, History)
    assert again == past
    assert hash(again) == hash(past)
    assert again.dates == past.dates
    assert all(again[d] == past[d] for d in past.dates)
    assert again.of("k") == past.of("k")
    assert again.checkins("rev") == past.checkins("rev")


def test_generators_are_read_once():
    """One-shot iterables of measurements count at every date."""
    past = history(
        OBJECTIVES,
        kpis=[NPS],
        measurements={"k": (m for m in MEASUREMENTS["k"])},
        dates=[JAN31, FEB15],
    )
    assert [r.value for r in past.of("k")] == [30.0, 60.0]


def test_datetimes_count_as_instants():
    """Datetimes are dates too: a check-in later that day is not yet counted."""
    late = {"k": [Measurement(datetime(2026, 2, 15, 18, tzinfo=UTC), 70)]}
    noon = datetime(2026, 2, 15, 12, tzinfo=UTC)
    past = history(
        OBJECTIVES, kpis=[NPS], measurements=late, dates=[noon, date(2026, 2, 16)]
    )
    assert past.dates == (noon, date(2026, 2, 16))
    assert [r.value for r in past.of("k")] == [None, 70.0]


@pytest.mark.parametrize(
    ("dates", "error"),
    [
        ([], InvalidValueError),
        (date(2026, 1, 1), InvalidTypeError),
        ("2026-01-01", InvalidTypeError),
        (["2026-01-01"], InvalidTypeError),
        ([date(2026, 1, 1), None], InvalidTypeError),
    ],
)
def test_bad_dates_are_errors(dates, error):
    """Dates must be a non-empty iterable of dates or datetimes."""
    with pytest.raises(error, match="history: field 'dates'"):
        history(OBJECTIVES, kpis=[NPS], measurements={}, dates=dates)


def test_other_bad_arguments_are_errors():
    """Measurements must be a mapping, tz a tzinfo, ids known."""
    with pytest.raises(InvalidTypeError, match="measurements"):
        history(OBJECTIVES, kpis=[NPS], measurements=[], dates=[JAN31])
    with pytest.raises(InvalidTypeError, match="tz"):
        history(OBJECTIVES, kpis=[NPS], measurements={}, dates=[JAN31], tz="UTC")
    with pytest.raises(UnknownIdError, match="ghost"):
        history(OBJECTIVES, kpis=[NPS], measurements={"ghost": []}, dates=[JAN31])


def test_repr_and_len():
    """The repr counts what is in it; len is the number of dates."""
    past = _past()
    assert len(past) == 3
    assert repr(past) == (
        "<History of 1 objective, 3 key results, 1 KPI at 3 dates "
        "from 2026-01-31 to 2026-03-31>"
    )
    assert [card.as_of for card in past] == list(past.dates)


def test_in_asks_for_a_date_not_a_scorecard():
    """``d in history`` is True for its dates only, though iterating gives cards."""
    past = _past()
    assert all(day in past for day in past.dates)
    assert JAN31 in past
    assert date(2026, 2, 1) not in past
    assert past[JAN31] not in past  # a scorecard is not a date
    assert [] not in past  # unhashable: no error, not a date
    assert "2026-01-31" not in past


def test_histories_compare_by_value():
    """Two histories of the same inputs are equal; other dates make them differ."""
    assert _past() == _past()
    assert _past() != _past(dates=[JAN31])


def test_history_is_immutable():
    """A History cannot be changed."""
    past = _past()
    with pytest.raises(AttributeError):
        past.dates = ()  # type: ignore[misc]


def test_all_errors_are_okrkit_errors():
    """Every rejection is an OkrkitError."""
    with pytest.raises(OkrkitError):
        history(OBJECTIVES, kpis=[NPS], measurements={}, dates=[1])


@given(
    values=st.lists(
        st.tuples(st.integers(0, 89), st.integers(-50, 150)), min_size=0, max_size=8
    ),
    offsets=st.lists(st.integers(-10, 100), min_size=1, max_size=5),
)
def test_every_date_equals_a_single_evaluation(values, offsets):
    """For any check-ins and dates, history[d] equals evaluate(..., as_of=d)."""
    start = Q1.start
    checkins = {"k": [Measurement(start + timedelta(days=d), v) for d, v in values]}
    days = [start + timedelta(days=o) for o in offsets]
    past = history(OBJECTIVES, kpis=[NPS], measurements=checkins, dates=days)
    assert set(past.dates) == set(days)
    for day in days:
        assert past[day] == evaluate(
            OBJECTIVES, kpis=[NPS], measurements=checkins, as_of=day
        )


def test_history_of_part_of_an_organisation():
    """outside='finding' works in history as in evaluate, at every date."""
    team = Objective(
        "team",
        "Team",
        period=Period.quarter(2026, 1),
        parent="company",
        key_results=[KeyResult("t", "T", start=0, target=10)],
    )
    past = history(
        [team],
        measurements={"t": [Measurement(date(2026, 1, 5), 4)]},
        dates=[date(2026, 2, 1), date(2026, 3, 1)],
        outside="finding",
    )
    for card in past:
        assert card["team"].parent is None
        assert "outside-reference" in [f.code for f in card.findings]


# -- the timeline: numbers over time without an engine run per date ----------------

ROLLED = (
    Objective(
        "co",
        "Company",
        period=Q1,
        key_results=[KeyResult("all", "All sign-ups", start=0, target=100)],
    ),
    Objective(
        "team",
        "Team",
        period=Q1,
        parent="co",
        key_results=[
            KeyResult("mine", "Sign-ups", start=0, target=50, contributes_to="all")
        ],
    ),
)


def _numbers_at(objectives, measurements, day, id_, kpis=()):
    """An id's HistoryRow worked out by evaluate() alone."""
    from okrkit._results import numbers

    card = evaluate(objectives, kpis=kpis, measurements=measurements, as_of=day)
    result = card[id_]
    shown = numbers(result)
    return HistoryRow(
        as_of=day,
        value=shown.value,
        progress=shown.progress,
        score=shown.score,
        expected=shown.expected,
        status=result.status,
        forecast=shown.forecast,
    )


def test_scorecards_are_made_when_read():
    """history() works the numbers out; a date's scorecard is made on first read."""
    past = _past()
    made = past._cards._made  # type: ignore[attr-defined]
    assert made == [None, None, None]
    assert [r.status for r in past.of("o")] == [
        _numbers_at(OBJECTIVES, MEASUREMENTS, d, "o", [NPS]).status for d in past.dates
    ]
    assert made == [None, None, None]  # rows come without scorecards
    card = past[FEB15]
    assert made == [None, card, None]
    assert past[FEB15] is card  # made once


def test_forecasts_follow_each_dates_check_ins():
    """A key result's forecast at a date fits only the check-ins up to it."""
    rows = _past().of("k")
    # Jan 31: one check-in, no trend. Feb 15 and Mar 31: the line through
    # (Jan 20, 30) and (Feb 10, 60), 30 a 21 days, projected to Apr 1:
    # 60 + 30 * 50 / 21.
    assert rows[0].forecast is None
    assert rows[1].forecast == pytest.approx(60 + 30 * 50 / 21)
    assert rows[2].forecast == rows[1].forecast


def test_value_roll_ups_read_their_contributors_at_each_date():
    """A value roll-up sums its contributors' values at each date, as evaluate."""
    checkins = {
        "mine": [Measurement(date(2026, 1, 20), 20), Measurement(FEB15, 35)],
    }
    days = [date(2026, 1, 10), JAN31, FEB15, MAR31]
    past = history(ROLLED, measurements=checkins, dates=days)
    for id_ in ("co", "all", "team", "mine"):
        assert past.of(id_) == tuple(
            _numbers_at(ROLLED, checkins, d, id_) for d in days
        )
    assert [r.value for r in past.of("all")] == [None, 20.0, 35.0, 35.0]
    # Own check-ins win over the contributors from the date they exist on.
    checkins["all"] = [Measurement(FEB15, 90)]
    past = history(ROLLED, measurements=checkins, dates=days)
    assert [r.value for r in past.of("all")] == [None, 20.0, 90.0, 90.0]
    assert "own-check-ins-override-contributors" in [
        f.code for f in past[FEB15].findings
    ]


def test_driven_key_results_read_their_drivers_at_each_date():
    """A key result driven by objectives takes their weighted score at each date."""
    driven = (
        Objective(
            "co",
            "Company",
            period=Q1,
            key_results=[KeyResult("grow", "Grow", start=0, target=1)],
        ),
        Objective(
            "sales",
            "Sales",
            period=Q1,
            contributes_to="grow",
            weight=3,
            key_results=[KeyResult("deals", "Deals", start=0, target=10)],
        ),
        Objective(
            "ops",
            "Ops",
            period=Q1,
            contributes_to="grow",
            key_results=[KeyResult("up", "Uptime", start=0, target=10)],
        ),
    )
    checkins = {
        "deals": [Measurement(JAN31, 4), Measurement(MAR31, 8)],
        "up": [Measurement(FEB15, 10)],
    }
    days = [date(2025, 12, 31), JAN31, FEB15, MAR31]
    past = history(driven, measurements=checkins, dates=days)
    for id_ in ("co", "grow", "sales", "deals", "ops", "up"):
        assert past.of(id_) == tuple(
            _numbers_at(driven, checkins, d, id_) for d in days
        )
    # By hand: (3 * 0.4 + 1 * 0) / 4 on Jan 31, (3 * 0.4 + 1 * 1) / 4 on
    # Feb 15, (3 * 0.8 + 1 * 1) / 4 on Mar 31; no score before the quarter.
    scores = [r.score for r in past.of("grow")]
    assert scores == [
        None,
        pytest.approx(0.3),
        pytest.approx(0.55),
        pytest.approx(0.85),
    ]


def test_a_made_history_pickles_as_its_call():
    """Pickling a history made by history() makes no scorecard; the copy is equal."""
    past = _past(scoring=GoogleGrading())
    again = pickle.loads(pickle.dumps(past))
    assert past._cards._made == [None, None, None]  # type: ignore[attr-defined]
    assert again.of("k") == past.of("k")
    assert again == past


def test_a_history_built_by_hand_equals_the_made_one():
    """Equality compares scorecards, however the history holds them."""
    past = _past()
    by_hand = History(
        dates=past.dates,
        cards=tuple(past),
        objectives=OBJECTIVES,
        kpis=(NPS,),
        measurements=MEASUREMENTS,
        tz=UTC,
    )
    assert by_hand == past
    assert by_hand.of("k") == past.of("k")
    assert by_hand.records() == past.records()


def test_records_keep_the_frame_columns_in_order():
    """Every record's keys are the history frame's columns, in their order."""
    from okrkit._frames import _HISTORY

    expected = ["as_of", *(name for name, _, _ in _HISTORY)]
    for past in (_past(), history(ROLLED, measurements={}, dates=[JAN31])):
        assert all(list(row) == expected for row in past.records())


def test_a_history_with_your_own_strategy_pickles_its_scorecards():
    """Your own roll-up function may not pickle: such a history pickles its results."""
    from okrkit.scoring import RollUp

    def best(items):
        return max(score for score, _ in items)

    past = _past(rollup=RollUp(combine=best))
    assert past._again is None  # the call is not what is pickled
    again = pickle.loads(pickle.dumps(past))
    assert again == past
    assert again.of("o") == past.of("o")
    assert _past()._again is not None  # okrkit's own options: the call
