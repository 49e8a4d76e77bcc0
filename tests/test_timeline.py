"""The timeline's batch paths equal the engine's one-at-a-time ones."""

import math
from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkit import Checkins, KeyResult, Measurement, Objective, Period
from okrkit._engine import rolled_score, rolled_scores
from okrkit._key_result_eval import score_value, score_values
from okrkit._plan import Options, Window
from okrkit._store import CheckinStore
from okrkit._time import Clock
from okrkit.scoring import (
    GoogleGrading,
    Linear,
    RedFlagGoal,
    RollUp,
    ScoreContext,
    minimum,
)

OBJECTIVE = Objective("o", "O", period=Period.quarter(2026, 1))
CLOCK = Clock(UTC)


def _options(**rollup):
    return Options.of("test", scoring=None, rollup=RollUp(**rollup), pace=None, tz=UTC)


scores = st.floats(-2, 2, allow_nan=False) | st.none()


@given(
    weights=st.lists(st.sampled_from([0.0, 0.5, 1.0, 3.0]), min_size=1, max_size=5),
    data=st.data(),
    combine=st.sampled_from(["mean", "minimum"]),
)
def test_rolled_scores_equal_one_roll_up_a_date(weights, data, combine):
    """The batch roll-up gives rolled_score's float at every date, sign included."""
    dates = data.draw(st.integers(1, 6))
    columns = [
        data.draw(st.lists(scores, min_size=dates, max_size=dates)) for _ in weights
    ]
    options = _options() if combine == "mean" else _options(combine=minimum)
    batch = rolled_scores(OBJECTIVE, weights, columns, options)
    one = [
        rolled_score(OBJECTIVE, weights, row, options)
        for row in zip(*columns, strict=True)
    ]
    assert [None if s is None else (s, math.copysign(1, s)) for s in batch] == [
        None if s is None else (s, math.copysign(1, s)) for s in one
    ]


def test_rolled_scores_by_hand():
    """Weights 1 and 3: (1 * 0.2 + 3 * 0.6) / 4 = 0.5; a skipped score leaves 0.6."""
    got = rolled_scores(OBJECTIVE, [1.0, 3.0], [[0.2, None], [0.6, 0.6]], _options())
    assert got == [pytest.approx(0.5), 0.6]
    assert rolled_scores(OBJECTIVE, [0.0, 0.0], [[0.2], [0.4]], _options()) == [None]


@given(
    values=st.lists(
        st.floats(-1e6, 1e6, allow_nan=False) | st.sampled_from([-0.0, 0.0]),
        max_size=8,
    ),
    strategy=st.sampled_from(
        [
            Linear(),
            Linear(cap=1.5),
            Linear(cap=None, floor=None),
            Linear(cap=None),
            Linear(floor=None),
            Linear(floor=0.25, cap=0.25),
            GoogleGrading(),
            RedFlagGoal(),
        ]
    ),
    kr=st.sampled_from(
        [
            KeyResult("k", "K", start=10, target=20),
            KeyResult("k", "K", start=20, target=10),
            KeyResult("k", "K", start=0, target=4),
            KeyResult.at_least("k", "K", 50, partial=True),
            KeyResult.within("k", "K", 5, 8),
        ]
    ),
)
def test_score_values_equal_score_value_one_by_one(values, strategy, kr):
    """Many values scored at once give each value's progress and score.

    The same floats, the sign of zero included.
    """
    options = Options.of("test", scoring=strategy, rollup=None, pace=None, tz=UTC)
    context = ScoreContext(committed=False, expected=0.5)
    progresses, got = score_values(kr, values, context, options)
    one = [score_value(kr, v, context, options) for v in values]
    assert _signed(progresses) == _signed(p for p, _, _ in one)
    assert _signed(got) == _signed(s for _, s, _ in one)


def _signed(numbers):
    return [(x, math.copysign(1, x)) for x in numbers]


rows = st.lists(
    st.tuples(st.integers(0, 9), st.sampled_from([-0.0, 0.0, 1.5, 2.0, 7.0])),
    max_size=12,
)


@given(
    rows=rows, until=st.integers(0, 12), cut=st.integers(-1, 12), timed=st.booleans()
)
def test_lasts_give_the_series_last_value_at_every_instant(rows, until, cut, timed):
    """lasts(): at any instant, the value of the series' last check-in up to it.

    (A table of plain dates is read by day; one with times, by instant.)
    """
    start = datetime(2026, 1, 1, 9, 30) if timed else date(2026, 1, 1)
    table = Checkins.from_rows([("k", start + timedelta(days=d), v) for d, v in rows])
    mapping = {"k": [Measurement(start + timedelta(days=d), v) for d, v in rows]}
    end = CLOCK.instant(start + timedelta(days=until))
    at = CLOCK.instant(start + timedelta(days=cut))
    for given_ in (table, mapping):
        store = CheckinStore(given_, CLOCK, end)
        times, lasts = store.lasts("k")
        series = store.series("k", None)
        assert times == sorted(set(series.times))
        found = bisect_right(times, at)
        index = bisect_right(series.times, at)
        if index == 0:
            assert found == 0
        else:
            want = series.values[index - 1]
            assert (lasts[found - 1], math.copysign(1, lasts[found - 1])) == (
                want,
                math.copysign(1, want),
            )
            if cut <= until:  # evaluations read windows up to the store's instant
                window = Window(None, at, True)
                assert store.last_in("k", window, at, None) == (want, True)


many_rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.integers(0, 9),
        st.sampled_from([-0.0, 0.0, 1.5, 2.0, 7.0]),
    ),
    max_size=30,
)


@given(
    rows=many_rows,
    start=st.none() | st.integers(0, 9),
    end=st.integers(0, 10),
    inclusive=st.booleans(),
    later=st.integers(0, 3),
    timed=st.booleans(),
)
def test_one_pass_over_a_table_finds_each_ids_last(
    rows, start, end, inclusive, later, timed
):
    """last_in() of a table (one pass over every row) equals each id's own rows'.

    The per-id reading of a list of Measurements is the reference: same
    value, sign of a zero included, and the same "has check-ins by at" flag
    for check-ins before the window's start or between its end and ``at``.
    Check-ins on plain dates are read as dates; at times of day, as instants.
    """
    day = datetime(2026, 1, 1, 9, 30) if timed else date(2026, 1, 1)
    table = Checkins.from_rows([(i, day + timedelta(days=d), v) for i, d, v in rows])
    mapping: dict[str, list[Measurement]] = {"a": [], "b": [], "c": []}
    for i, d, v in rows:
        mapping[i].append(Measurement(day + timedelta(days=d), v))
    instant = CLOCK.instant
    window = Window(
        None if start is None else instant(day + timedelta(days=start)),
        instant(day + timedelta(days=end)),
        inclusive,
    )
    at = instant(day + timedelta(days=end + later))
    whole = CheckinStore(table, CLOCK, at, ids=("a", "b", "c"))
    one_by_one = CheckinStore(mapping, CLOCK, at)
    for id_ in ("a", "b", "c", "unknown"):
        got = whole.last_in(id_, window, at, None)
        want = one_by_one.last_in(id_, window, at, None)
        assert got is not None
        assert want is not None
        assert got == want
        if got[0] is not None:
            assert math.copysign(1, got[0]) == math.copysign(1, want[0])


def test_a_table_read_by_few_key_results_is_read_id_by_id():
    """Grouped already and 200 rows for one key result: its own rows, as a pass would.

    (last_in for one date, lasts for a history's dates.)

    Day 3 has 5.0 and 8.0 (its LAST is 8.0); day 9 is after the window.
    """
    day = date(2026, 1, 1)
    rows = [("k", day + timedelta(days=d % 3), 1.0) for d in range(197)]
    rows += [("k", day + timedelta(days=3), v) for v in (5.0, 8.0)]
    rows += [("other", day + timedelta(days=9), 4.0)]
    window = Window(CLOCK.instant(day), CLOCK.instant(day + timedelta(days=5)), True)
    at = CLOCK.instant(day + timedelta(days=9))
    fresh = Checkins.from_rows(rows)
    grouped = Checkins.from_rows(rows)
    grouped.groups()
    stores = [CheckinStore(table, CLOCK, at, ids=("k",)) for table in (fresh, grouped)]
    for store in stores:
        assert store.last_in("k", window, at, None) == (8.0, True)
        assert store.last_in("other", window, at, None) == (None, True)
    assert [bool(store._lasts) for store in stores] == [True, False]  # the paths
    day0, day1, day2, day3 = (CLOCK.instant(day + timedelta(days=d)) for d in range(4))
    for store in stores:  # each instant's largest value
        assert store.lasts("k") == ([day0, day1, day2, day3], [1.0, 1.0, 1.0, 8.0])
    assert [store._by_instant is None for store in stores] == [False, True]


def test_lasts_by_hand():
    """Two check-ins on one day: the larger is that day's LAST; later days follow."""
    day = date(2026, 1, 5)
    table = Checkins.from_rows(
        [("k", day, 3.0), ("k", day, 9.0), ("k", day + timedelta(days=2), 1.0)]
    )
    store = CheckinStore(table, CLOCK, CLOCK.instant(date(2026, 2, 1)))
    times, lasts = store.lasts("k")
    assert times == [CLOCK.instant(day), CLOCK.instant(day + timedelta(days=2))]
    assert lasts == [9.0, 1.0]
    assert store.lasts("unknown") == ([], [])
