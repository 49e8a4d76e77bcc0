"""Scorecards as rows: plain dicts with no dependency, or data frames via narwhals.

One table of columns per kind says each column's name, type and how to read
it from a result, so the dicts and the frames always agree.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, tzinfo
from itertools import chain, repeat
from operator import attrgetter
from typing import Any, Literal, cast

from okrkit._period import Period
from okrkit._results import (
    KeyResultResult,
    KPIResult,
    Numbers,
    ObjectiveResult,
    numbers,
    title_of,
)
from okrkit._scorecard import Scorecard
from okrkit._status import Status
from okrkit._time import Clock, utc_time
from okrkit._timeline import Timeline, Track
from okrkit.exceptions import InvalidValueError, MissingExtraError

Kind = Literal["objectives", "key_results", "kpis", "findings"]
Backend = Literal["pandas", "polars", "pyarrow"]
ColumnType = Literal["float", "int", "str", "bool", "date"]
Row = dict[str, object]

KINDS: tuple[str, ...] = ("objectives", "key_results", "kpis", "findings")
BACKENDS: tuple[str, ...] = ("pandas", "polars", "pyarrow")


def _name(value: object) -> str | None:
    """An enum as its name; None stays None."""
    if isinstance(value, enum.Enum):
        return value.name
    return None if value is None else str(value)


def _label(period: Period | None) -> str | None:
    return None if period is None else str(period)


def _start(period: Period | None) -> date | None:
    return None if period is None else period.start


def _end(period: Period | None) -> date | None:
    """The period's end, exclusive as :class:`Period` keeps it (and to_dict)."""
    return None if period is None else period.end


Column = tuple[str, ColumnType, Callable[[Any], object]]


def _attr(name: str) -> Callable[[Any], object]:
    return attrgetter(name)  # C level: a row reads some twenty of these


def _plain(names: str, kind: ColumnType) -> list[Column]:
    return [(name, kind, _attr(name)) for name in names.split()]


_OBJECTIVES: list[Column] = [
    *_plain("id title owner", "str"),
    ("period", "str", lambda r: _label(r.period)),
    ("period_start", "date", lambda r: _start(r.period)),
    ("period_end", "date", lambda r: _end(r.period)),
    ("parent", "str", _attr("parent")),
    ("depth", "int", _attr("depth")),
    ("committed", "bool", _attr("committed")),
    *_plain(
        "weight progress score expected confidence probability",
        "float",
    ),
    ("status", "str", lambda r: _name(r.status)),
    ("grade", "str", lambda r: _name(r.grade)),
    ("reason", "str", _attr("reason")),
]

_KEY_RESULTS: list[Column] = [
    *_plain("id objective title", "str"),
    ("kind", "str", lambda r: _name(r.kind)),
    *_plain("unit label", "str"),
    *_plain(
        "weight value start target progress score expected forecast "
        "forecast_progress confidence probability needed_per_week needed_per_month",
        "float",
    ),
    ("status", "str", lambda r: _name(r.status)),
    ("grade", "str", lambda r: _name(r.grade)),
    ("last_measured", "date", _attr("last_measured")),
    ("started", "bool", _attr("started")),
    ("reason", "str", _attr("reason")),
]

_KPIS: list[Column] = [
    *_plain("id name unit label", "str"),
    *_plain("value target previous_value change", "float"),
    ("status", "str", lambda r: _name(r.status)),
    ("light", "str", lambda r: _name(r.light)),
    ("band", "str", lambda r: None if r.band is None else r.band.label or None),
    ("window", "str", lambda r: _label(r.window)),
    ("window_start", "date", lambda r: _start(r.window)),
    ("window_end", "date", lambda r: _end(r.window)),
    ("last_measured", "date", _attr("last_measured")),
    ("due", "date", _attr("due")),
    ("stale", "bool", _attr("stale")),
    ("reason", "str", _attr("reason")),
]

_FINDINGS: list[Column] = _plain("code severity id message", "str")

_COLUMNS: dict[str, list[Column]] = {
    "objectives": _OBJECTIVES,
    "key_results": _KEY_RESULTS,
    "kpis": _KPIS,
    "findings": _FINDINGS,
}

_HISTORY: list[Column] = [
    *_plain("id kind title unit label", "str"),
    *_plain("value progress score expected forecast", "float"),
    ("status", "str", lambda r: _name(r.status)),
]


def columns(kind: str) -> tuple[str, ...]:
    """The column names of ``kind``, in order (``as_of`` first).

    >>> columns("findings")
    ('as_of', 'code', 'severity', 'id', 'message')
    """
    return ("as_of", *(name for name, _, _ in _columns(kind)))


def _columns(kind: str) -> list[Column]:
    try:
        return _COLUMNS[kind]
    except (KeyError, TypeError):
        raise InvalidValueError(
            subject="Scorecard",
            field="kind",
            value=kind,
            expected="one of " + ", ".join(repr(k) for k in KINDS),
        ) from None


def records(card: Scorecard, kind: str) -> tuple[Row, ...]:
    """One plain dict per result of ``kind``: no dependency needed.

    ``kind`` is "objectives", "key_results", "kpis" or "findings".  Enums
    come as their names, periods as their labels plus start and end dates
    (the end exclusive, as in :class:`Period`), dates as dates; every row
    starts with the card's ``as_of``.

    >>> from datetime import date
    >>> from okrkit import evaluate, Objective, KeyResult, Measurement, Period
    >>> card = evaluate(
    ...     [Objective("o", "Grow", period=Period.quarter(2026, 1), key_results=[
    ...         KeyResult("k", "Reach 100", start=0, target=100)])],
    ...     measurements={"k": [Measurement(date(2026, 2, 1), 50)]},
    ...     as_of=date(2026, 2, 15))
    >>> row = records(card, "key_results")[0]
    >>> row["id"], row["objective"], row["value"], row["status"], row["kind"]
    ('k', 'o', 50.0, 'GREEN', 'LINEAR')
    >>> records(card, "objectives")[0]["period_end"]
    datetime.date(2026, 4, 1)
    """
    spec = _columns(kind)
    items: Sequence[object]
    if kind == "objectives":
        items = card.objectives
    elif kind == "kpis":
        items = card.kpis
    elif kind == "findings":
        items = card.findings
    else:
        items = card.key_results
        # The owning objective's id: the one column a key result's result lacks.
        owners = {kr: o.id for o in card.objectives for kr in o.key_results}
        owner = _owner(owners)
        spec = [(n, k, owner if n == "objective" else r) for n, k, r in spec]
    return tuple(_row(card.as_of, spec, item) for item in items)


def _owner(owners: dict[str, str]) -> Callable[[Any], object]:
    return lambda result: owners.get(result.id)


def _row(as_of: date, spec: list[Column], item: object) -> Row:
    row: Row = {"as_of": as_of}
    for name, kind, read in spec:
        value = read(item)
        if kind == "float" and type(value) is not float and value is not None:
            value = float(value)  # type: ignore[arg-type]  # a definition's int
        row[name] = value
    return row


def history_records(cards: Sequence[Scorecard]) -> tuple[Row, ...]:
    """One dict per date and id (objectives, then key results, then KPIs)."""
    rows = []
    for card in cards:
        results: list[ObjectiveResult | KeyResultResult | KPIResult] = [
            *card.objectives,
            *card.key_results,
            *card.kpis,
        ]
        for result in results:
            rows.append(_row(card.as_of, _HISTORY, _Tagged(result)))
    return tuple(rows)


_KIND = {KPIResult: "kpi", ObjectiveResult: "objective", KeyResultResult: "key_result"}


class _Tagged:
    """A result with its kind as a column value and its title (a KPI's name)."""

    __slots__ = ("_numbers", "_result", "kind", "title")

    def __init__(self, result: ObjectiveResult | KeyResultResult | KPIResult) -> None:
        self._result = result
        self._numbers = numbers(result)
        self.kind, self.title = _KIND[type(result)], title_of(result)

    def __getattr__(self, name: str) -> object:
        if name in Numbers._fields:
            return getattr(self._numbers, name)
        if name in ("unit", "label"):  # an objective has neither
            return getattr(self._result, name, None)
        return getattr(self._result, name)


def to_frame(
    card: Scorecard, kind: str, *, backend: str = "pandas", tz: tzinfo = UTC
) -> Any:
    """The :func:`records` of ``kind`` as a pandas, polars or pyarrow table.

    Needs ``okrkit[dataframes]`` (narwhals) and the backend's own library.
    Numbers are float64 with nulls, dates are dates (Python dates in an
    object column for pandas), statuses and other enums strings.  A column
    with an aware time in it holds aware times in UTC (dates and naive
    times beside them read in ``tz``, the evaluation's zone).

    >>> from datetime import date
    >>> from okrkit import evaluate, Objective, KeyResult, Measurement, Period
    >>> card = evaluate(
    ...     [Objective("o", "Grow", period=Period.quarter(2026, 1), key_results=[
    ...         KeyResult("k", "Reach 100", start=0, target=100)])],
    ...     measurements={"k": [Measurement(date(2026, 2, 1), 50)]},
    ...     as_of=date(2026, 2, 15))
    >>> frame = to_frame(card, "key_results", backend="polars")
    >>> frame.select("id", "value", "status").row(0)
    ('k', 50.0, 'GREEN')
    """
    spec = _columns(kind)
    return _frame(records(card, kind), spec, backend, "to_frame", tz)


def timeline_records(timeline: Timeline) -> tuple[Row, ...]:
    """The rows of :func:`history_records`, read from a timeline's tracks."""
    # Each id's numbers side by side first, then one dict per date and id in
    # the scorecards' order (written out: a dict display is the fast way).
    columns = []
    for kind, ids in timeline.groups:
        for id_ in ids:
            track = timeline.tracks[id_]
            side_by_side = zip(
                track.value,
                track.progress,
                track.score,
                track.expected,
                track.forecast,
                map(_STATUS_NAMES.__getitem__, track.status),
                strict=True,
            )
            columns.append((id_, kind, track, tuple(side_by_side)))
    rows: list[Row] = []
    for index, day in enumerate(timeline.dates):
        for id_, kind, track, at_dates in columns:
            value, progress, score, expected, forecast, status = at_dates[index]
            rows.append(
                {
                    "as_of": day,
                    "id": id_,
                    "kind": kind,
                    "title": track.title,
                    "unit": track.unit,
                    "label": track.label,
                    "value": value,
                    "progress": progress,
                    "score": score,
                    "expected": expected,
                    "forecast": forecast,
                    "status": status,
                }
            )
    return tuple(rows)


_STATUS_NAMES = {status: status.name for status in Status}


def history_frame(
    rows: Sequence[Row], *, backend: str = "pandas", tz: tzinfo = UTC
) -> Any:
    """The history's records as a table of ``backend``."""
    return _frame(rows, _HISTORY, backend, "History.to_frame", tz)


_NW_TYPES = {
    "float": "Float64",
    "int": "Int64",
    "str": "String",
    "bool": "Boolean",
    "date": "Date",
}


def _frame(
    rows: Sequence[Row], spec: list[Column], backend: str, subject: str, tz: tzinfo
) -> Any:
    names = ["as_of", *(name for name, _, _ in spec)]
    data: dict[str, list[object]] = {name: [] for name in names}
    for row in rows:
        for name in names:
            data[name].append(row[name])
    return _frame_of(data, spec, backend, subject, tz)


def timeline_frame(
    timeline: Timeline, *, backend: str = "pandas", tz: tzinfo = UTC
) -> Any:
    """:func:`history_frame` of :func:`timeline_records`, made column by column.

    A track already holds each column of one id over the dates; the frame's
    rows run date by date, each date's ids in card order, so each column is
    the tracks' columns interleaved, at C level, with no dict per row.
    """
    tracks: list[Track] = []
    ids: list[object] = []
    kinds: list[object] = []
    titles: list[object] = []
    units: list[object] = []
    labels: list[object] = []
    for kind, group in timeline.groups:
        for id_ in group:
            track = timeline.tracks[id_]
            tracks.append(track)
            ids.append(id_)
            kinds.append(kind)
            titles.append(track.title)
            units.append(track.unit)
            labels.append(track.label)
    width = len(tracks)
    dates = timeline.dates

    def interleaved(column: Callable[[Track], Sequence[object]]) -> list[object]:
        return list(chain.from_iterable(zip(*map(column, tracks), strict=True)))

    data: dict[str, list[object]] = {
        "as_of": list(chain.from_iterable(repeat(day, width) for day in dates)),
        "id": ids * len(dates),
        "kind": kinds * len(dates),
        "title": titles * len(dates),
        "unit": units * len(dates),
        "label": labels * len(dates),
    }
    for name in ("value", "progress", "score", "expected", "forecast"):
        data[name] = interleaved(attrgetter(name))
    statuses = cast("list[Status]", interleaved(_STATUS))
    data["status"] = list(map(_STATUS_NAMES.__getitem__, statuses))
    return _frame_of(data, _HISTORY, backend, "History.to_frame", tz)


_STATUS = attrgetter("status")


def _check_backend(backend: str, subject: str) -> None:
    if backend not in BACKENDS:
        raise InvalidValueError(
            subject=subject,
            field="backend",
            value=backend,
            expected="one of " + ", ".join(repr(b) for b in BACKENDS),
        )


def _frame_of(
    data: dict[str, list[object]],
    spec: list[Column],
    backend: str,
    subject: str,
    tz: tzinfo,
) -> Any:
    """A frame of ``backend`` from its columns (``as_of`` first, then ``spec``).

    A column of dates and times with an aware one among them holds every
    value as an aware time in UTC: offsets differ from value to value, and
    wall times from several offsets would not sort in time order.  Dates
    and naive times beside them are wall times in ``tz``, as okrkit reads
    them.
    """
    _check_backend(backend, subject)
    nw = _narwhals(subject)
    types: list[tuple[str, ColumnType]] = [("as_of", "date")]
    types += [(name, kind) for name, kind, _ in spec]
    schema = {}
    for name, kind in types:
        values = data[name]
        if kind == "date" and any(map(_aware, values)):
            schema[name] = nw.Datetime(time_zone="UTC")
            clock = Clock(tz)
            data[name] = [_in_utc(v, clock) for v in values]
            continue
        schema[name] = _dtype(nw, kind, values, backend)
        if schema[name] == nw.Datetime():
            data[name] = [_as_datetime(v) for v in values]
    try:
        if backend == "pandas":
            frame = _pandas(nw, data, schema, types)
        else:
            frame = nw.from_dict(data, schema=schema, backend=backend)
    except ModuleNotFoundError as exc:
        raise MissingExtraError(
            subject=subject,
            field="backend",
            value=backend,
            expected=f"{backend} installed (pip install {backend})",
        ) from exc
    return frame.to_native()


def _pandas(
    nw: Any,
    data: dict[str, list[object]],
    schema: dict[str, Any],
    types: list[tuple[str, ColumnType]],
) -> Any:
    """Build a pandas frame, casting only the columns pandas infers wrongly.

    A schema makes pandas cast every column, several times the cost of
    building the frame, which counts when one frame is made per tenant.
    """
    for name, kind in types:
        if kind == "float":  # NaN, not None: pandas then infers float64
            data[name] = [math.nan if v is None else v for v in data[name]]
    columns: dict[str, object] = dict(data)
    for name, kind in types:
        # Only a column of nothing but nulls is inferred wrongly (as object);
        # it alone gets a typed series: casting a frame rebuilds all of it.
        values = data[name]
        if not values or (kind != "float" and all(v is None for v in values)):
            series = nw.new_series(name, values, schema[name], backend="pandas")
            columns[name] = series.to_native()
    return nw.from_dict(columns, backend="pandas")


def _dtype(nw: Any, kind: ColumnType, values: list[object], backend: str) -> Any:
    if kind != "date":
        return getattr(nw, _NW_TYPES[kind])()
    if any(isinstance(v, datetime) for v in values):
        return nw.Datetime()  # an as_of given with a time of day
    # pandas has no plain date dtype without pyarrow: Python dates, as usual.
    return nw.Object() if backend == "pandas" else nw.Date()


def _as_datetime(value: object) -> object:
    """A date as its midnight (a column of naive times only)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def _aware(value: object) -> bool:
    return isinstance(value, datetime) and value.utcoffset() is not None


def _in_utc(value: object, clock: Clock) -> object:
    """An aware time in UTC; a date or naive time read in the clock's zone."""
    if value is None:
        return None
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return value.astimezone(UTC)
    assert isinstance(value, date)
    return utc_time(clock.instant(value))


def _narwhals(subject: str) -> Any:
    try:
        import narwhals
    except ModuleNotFoundError as exc:
        raise MissingExtraError(
            subject=subject,
            field="backend",
            value=None,
            expected="narwhals, which data frames need: "
            "pip install 'okrkit[dataframes]'",
        ) from exc
    return narwhals


__all__ = [
    "BACKENDS",
    "KINDS",
    "MissingExtraError",
    "columns",
    "history_frame",
    "history_records",
    "records",
    "to_frame",
]
