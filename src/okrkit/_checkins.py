"""Checkins: an immutable table of check-ins, held as columns.

A web application reads check-ins from a database cursor, an analyst has them
in a data frame: :class:`Checkins` takes them as they come (rows, columns or a
frame) and keeps six tuples, one per field, without building a Python object
per check-in.  Every value is validated as :class:`~okrkit.Measurement`
validates it, and an error names the row, its id and the bad value.

Speed: the checks run over whole columns with C-level idioms
(``set(map(type, column))`` to see which types are present, ``sum`` to see
that every float is finite, ``map(float, ...)`` to convert); a Python loop
runs only once a check has failed, to find the row to name.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from numbers import Real
from operator import is_not, itemgetter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NoReturn, Union

import attrs

from okrkit import _pushdown, _validate
from okrkit.exceptions import (
    InvalidTypeError,
    InvalidValueError,
    MissingExtraError,
    OkrkitError,
)
from okrkit.units import is_unit, normalize_unit

if TYPE_CHECKING:
    import pint

__all__ = ["Checkins", "MissingExtraError"]

_FINITE = "a finite real number"
_PROBABILITY = "a probability between 0 and 1, or None"
_ID = "a non-blank string id"
_NOTE = "a string, or None for no note"
_WIDTHS = frozenset({3, 4, 5})
_INSTANTS = frozenset({date, datetime})
_FLOAT = frozenset({float})
_PLAIN_CONFIDENCES = frozenset({float, type(None)})
_NOT_NONE = partial(is_not, None)
_NO_NOTE: dict[object, str] = {None: ""}

UnitColumn = Union[str, "pint.Unit", Iterable[Union[str, "pint.Unit", None]], None]


class Checkins:
    """An immutable table of check-ins: one tuple per field, one item per row.

    ``ids`` are non-blank strings; ``ats`` dates, naive datetimes (local
    time) or aware datetimes, as given; ``values`` finite floats;
    ``confidences`` None or a probability; ``notes`` strings (``""`` for
    none); ``units`` the canonical unit of each row (None for no unit).
    Build one with :meth:`from_rows`, :meth:`from_columns` or
    :meth:`from_frame`; rows keep their input order.

    >>> from datetime import date
    >>> table = Checkins.from_rows([
    ...     ("kr-1", date(2026, 1, 5), 10),
    ...     ("kr-2", date(2026, 1, 5), 2.5),
    ...     ("kr-1", date(2026, 1, 12), 14),
    ... ])
    >>> table
    <Checkins: 3 rows, 2 ids>
    >>> table.values
    (10.0, 2.5, 14.0)
    >>> table.groups()["kr-1"]
    (0, 2)
    """

    __slots__ = (
        "_frame",
        "_groups",
        "_rows",
        "_unit",
        "ats",
        "confidences",
        "ids",
        "notes",
        "units",
        "values",
    )

    ids: tuple[str, ...]
    ats: tuple[date, ...]
    values: tuple[float, ...]
    confidences: tuple[float | None, ...]
    notes: tuple[str, ...]
    units: tuple[str | None, ...]
    _groups: Mapping[str, tuple[int, ...]] | None
    _rows: dict[str, array[int]] | None
    _frame: _pushdown.Frame | None  # a frame's table: summarized where it lives
    _unit: str | None  # the unit of every row of a frame's table

    def __init__(
        self,
        ids: Iterable[object],
        ats: Iterable[object],
        values: Iterable[object],
        confidences: Iterable[object] | None = None,
        notes: Iterable[object] | None = None,
        units: UnitColumn = None,
    ) -> None:
        """Validate the columns, as :meth:`from_columns` does."""
        columns = _columns(ids, ats, values, confidences, notes)
        _fill(self, *_validated(columns, units))

    # -- constructors -------------------------------------------------------

    @classmethod
    def from_rows(
        cls, rows: Iterable[Iterable[object]], *, unit: str | pint.Unit | None = None
    ) -> Checkins:
        """Build a table from rows, exactly as a DB-API cursor yields them.

        Each row is ``(id, at, value)``, ``(id, at, value, confidence)`` or
        ``(id, at, value, confidence, note)``, all rows of one width; rows may
        be tuples, lists or a driver's row objects, in a list or a generator.
        ``unit`` is the unit of every value.  A null note (None) is no note.

        >>> from datetime import date
        >>> rows = [("kr-1", date(2026, 1, 5), 10, 0.8, "kick-off"),
        ...         ("kr-1", date(2026, 1, 12), 12, None, None)]
        >>> table = Checkins.from_rows(rows, unit="USD")
        >>> table.confidences, table.notes, table.units
        ((0.8, None), ('kick-off', ''), ('USD', 'USD'))
        >>> Checkins.from_rows([("kr-1", date(2026, 1, 5), float("nan"))])
        Traceback (most recent call last):
        ...
        okrkit.exceptions.InvalidValueError: Checkins row 0 (id 'kr-1'): \
field 'value' got nan; expected a finite real number.
        """
        table = rows if type(rows) is list or type(rows) is tuple else _rows(rows)
        if not table:
            return _make(cls, (), (), (), (), (), _unit_column(unit, ()))
        width = _width(table)
        # One C-level pass per field; zip(*rows) would allocate an iterator
        # per row and wake the garbage collector.
        columns: list[tuple[Any, ...] | None] = [
            _field_of_rows(table, k) for k in range(width)
        ]
        columns += [None] * (5 - width)
        return _make(cls, *_validated(columns, unit))

    @classmethod
    def from_columns(
        cls,
        *,
        id: Iterable[object],
        at: Iterable[object],
        value: Iterable[object],
        confidence: Iterable[object] | None = None,
        note: Iterable[object] | None = None,
        unit: UnitColumn = None,
    ) -> Checkins:
        """Build a table from columns of equal length.

        ``unit`` is None, one unit for every row, or a column of units (None
        for no unit).  A column is any iterable but a string; NumPy arrays
        (datetime64 included), pyarrow arrays and pandas or polars Series are
        converted in one pass.

        >>> from datetime import date
        >>> table = Checkins.from_columns(
        ...     id=["kr-1", "kr-2"],
        ...     at=[date(2026, 1, 5), date(2026, 1, 6)],
        ...     value=[3, 4.5],
        ...     unit=["hours", None],
        ... )
        >>> table.values, table.units
        ((3.0, 4.5), ('hour', None))
        >>> Checkins.from_columns(id=["kr-1"], at=[], value=[1])
        Traceback (most recent call last):
        ...
        okrkit.exceptions.InvalidValueError: Checkins: column 'at' has 0 items \
but column 'id' has 1; expected one item per row in every column.
        """
        columns = _columns(id, at, value, confidence, note)
        return _make(cls, *_validated(columns, unit))

    @classmethod
    def from_frame(
        cls,
        frame: Any,
        *,
        id: str = "id",
        at: str = "at",
        value: str = "value",
        confidence: str | None = None,
        note: str | None = None,
        unit: str | pint.Unit | None = None,
        unit_column: str | None = None,
    ) -> Checkins:
        """Build a table from the named columns of any data frame narwhals reads.

        pandas, polars (eager or lazy), pyarrow, DuckDB, Dask, PySpark...
        A frame with text ids, a date or datetime ``at`` column and a
        numeric ``value`` column is kept, not collected: every row is
        checked in the frame's own engine, and an evaluation sums the
        check-ins there by id and window (see the how-to "Check-ins from a
        database or a DataFrame"); reading the table's columns collects it.
        Any other frame, or one with ``unit_column``, is read into columns
        at once.
        Datetime columns give datetimes (naive or aware, as stored), date
        columns dates, numeric columns floats; nulls in ``id``, ``at`` or
        ``value`` are errors naming the row.  ``unit`` is one unit for
        every row, ``unit_column`` names a column of units.  Needs
        ``okrkit[dataframes]``.

        >>> import pandas as pd
        >>> frame = pd.DataFrame({
        ...     "kr": ["kr-1", "kr-1"],
        ...     "day": pd.to_datetime(["2026-01-05", "2026-01-12"]),
        ...     "value": [10, 12],
        ... })
        >>> table = Checkins.from_frame(frame, id="kr", at="day")
        >>> table.ats[1], table.values
        (datetime.datetime(2026, 1, 12, 0, 0), (10.0, 12.0))
        """
        nw = _narwhals()
        names = [id, at, value, confidence, note, unit_column]
        for field, name in zip(_FRAME_FIELDS, names, strict=True):
            if name is not None and (type(name) is not str or not name):
                raise InvalidTypeError(
                    subject="Checkins.from_frame",
                    field=field,
                    value=name,
                    expected="the name of a column of the frame",
                )
        for field, name in (("id", id), ("at", at), ("value", value)):
            if name is None:
                raise InvalidTypeError(
                    subject="Checkins.from_frame",
                    field=field,
                    value=name,
                    expected="the name of a column of the frame",
                )
        if unit_column is not None and unit is not None:
            raise InvalidValueError(
                subject="Checkins.from_frame",
                field="unit",
                value=unit,
                expected="either unit or unit_column, not both",
            )
        _native(nw, frame)
        fields = list(zip(_FRAME_FIELDS, names, strict=True))
        columns_named = _pushdown.check_schema(nw, frame, fields)
        if isinstance(unit, str) and unit in columns_named:
            # "u" is a column and a unit (atomic mass): never guess which.
            raise InvalidValueError(
                subject="Checkins.from_frame",
                field="unit",
                value=unit,
                expected=f"unit_column={unit!r} for the frame's column of units, "
                "or a pint unit (units.parse_unit) for one unit of that name",
            )
        if unit_column is None and _pushdown.pushable(nw, frame, id, at, value, note):
            source = _pushdown.Frame(
                nw, frame, id=id, at=at, value=value, confidence=confidence, note=note
            )
            _pushdown.check_frame(source, "Checkins.from_frame")
            table = object.__new__(cls)
            object.__setattr__(table, "_groups", None)
            object.__setattr__(table, "_rows", None)
            object.__setattr__(table, "_frame", source)
            object.__setattr__(table, "_unit", _normalize("Checkins.from_frame", unit))
            return table
        columns = _frame_columns(nw, frame, names)
        if unit_column is not None:
            return _make(cls, *_validated(columns[:5], columns[5]))
        return _make(cls, *_validated(columns[:5], unit))

    # -- reading ------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        # Only unset slots land here: the columns of a frame's table, which
        # are collected the first time someone reads them.
        if name in _FIELDS:
            source = object.__getattribute__(self, "_frame")
            unit = object.__getattribute__(self, "_unit")
            names = [source.id, source.at, source.value, source.confidence,
                     source.note, None]  # fmt: skip
            columns = _frame_columns(source.nw, source.native, names)
            _fill(self, *_validated(columns[:5], unit))
            object.__setattr__(self, "_frame", source)
            object.__setattr__(self, "_unit", unit)
            return object.__getattribute__(self, name)
        raise AttributeError(name)

    def _held(self) -> bool:
        """Whether the table's columns are in Python (always, unless from a frame)."""
        return "ids" in _collected(self)

    @property
    def frame(self) -> Any:
        """The data frame a table was made from, if it was kept (else None).

        :meth:`from_frame` keeps a frame with date or datetime instants and
        numeric values: an evaluation then summarizes it in the frame's own
        engine, and reading the table's columns collects it.

        >>> from datetime import date
        >>> Checkins.from_rows([("k", date(2026, 1, 5), 1)]).frame is None
        True
        """
        source = self._frame
        return None if source is None else source.native

    def __len__(self) -> int:
        return len(self.ids)

    def groups(self) -> Mapping[str, tuple[int, ...]]:
        """Return the row indices of each id, in input order (read-only).

        Computed on the first call and kept; ids appear in the order of their
        first row.

        >>> from datetime import date
        >>> day = date(2026, 1, 5)
        >>> table = Checkins.from_rows([("b", day, 1), ("a", day, 2), ("b", day, 3)])
        >>> dict(table.groups())
        {'b': (0, 2), 'a': (1,)}
        """
        groups = self._groups
        if groups is None:
            rows = self._rows_by_id().items()
            groups = MappingProxyType({id_: tuple(found) for id_, found in rows})
            object.__setattr__(self, "_groups", groups)
        return groups

    def _rows_by_id(self) -> Mapping[str, Sequence[int]]:
        """:meth:`groups` as compact arrays of row indices: what the engine reads.

        An id's rows are scattered over the table; read through arrays of
        machine integers (and the store's arrays of floats) a gather touches
        a few bytes per row, not a separate Python int per row, which is
        several times faster on a large table.  Computed on the first call
        and kept (read-only by convention: internal).
        """
        rows = self._rows
        if rows is None:
            arrays: defaultdict[str, array[int]] = defaultdict(partial(array, "q"))
            # One C-level pass: append each row index to its id's array.
            deque(
                map(array.append, map(arrays.__getitem__, self.ids), range(len(self))),
                0,
            )
            rows = dict(arrays)
            object.__setattr__(self, "_rows", rows)
        return rows

    @property
    def ids_seen(self) -> frozenset[str]:
        """The distinct ids.

        >>> from datetime import date
        >>> day = date(2026, 1, 5)
        >>> table = Checkins.from_rows([("b", day, 1), ("a", day, 2), ("b", day, 3)])
        >>> sorted(table.ids_seen)
        ['a', 'b']
        """
        source = self._frame
        if source is not None and not self._held():
            return _pushdown.distinct_ids(source)
        rows = self._rows
        # Without the groups made yet, hashing the ids costs a sixth of
        # grouping the rows, which an evaluation may never need.
        return frozenset(self.ids if rows is None else rows)

    # -- value semantics ----------------------------------------------------

    def _key(self) -> tuple[tuple[object, ...], ...]:
        return (
            self.ids,
            self.ats,
            self.values,
            self.confidences,
            self.notes,
            self.units,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Checkins):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        source = self._frame
        if source is not None and not self._held():
            return f"<Checkins: a {source.backend} frame, summarized where it lives>"
        rows, ids = len(self), len(self._rows_by_id())
        return (
            f"<Checkins: {rows} row{'' if rows == 1 else 's'}, "
            f"{ids} id{'' if ids == 1 else 's'}>"
        )

    def __reduce__(self) -> tuple[Any, tuple[object, ...]]:
        # The columns only: the groups are rebuilt on demand.
        return (_rebuild, self._key())

    def __copy__(self) -> Checkins:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Checkins:
        return self  # immutable all the way down

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise attrs.exceptions.FrozenInstanceError

    def __delattr__(self, name: str) -> NoReturn:
        raise attrs.exceptions.FrozenInstanceError


Columns = tuple[
    tuple[str, ...],
    tuple[date, ...],
    tuple[float, ...],
    tuple[float | None, ...],
    tuple[str, ...],
    tuple[str | None, ...],
]


def _rows(rows: object) -> list[Any]:
    """Read any iterable of rows once (a cursor, a generator)."""
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Iterable):
        raise InvalidTypeError(
            subject="Checkins.from_rows",
            field="rows",
            value=rows,
            expected="an iterable of (id, at, value[, confidence[, note]]) rows",
        )
    return list(rows)


def _make(cls: type[Checkins], *columns: tuple[Any, ...]) -> Checkins:
    table = object.__new__(cls)
    _fill(table, *columns)
    return table


def _fill(table: Checkins, *columns: tuple[Any, ...]) -> None:
    for name, column in zip(_FIELDS, columns, strict=True):
        object.__setattr__(table, name, column)
    object.__setattr__(table, "_groups", None)
    object.__setattr__(table, "_rows", None)
    object.__setattr__(table, "_frame", None)
    object.__setattr__(table, "_unit", None)


_FIELDS = ("ids", "ats", "values", "confidences", "notes", "units")


def _collected(table: Checkins) -> set[str]:
    """The columns a table holds in Python (all, unless made from a frame)."""
    found = set()
    for name in _FIELDS:
        try:
            object.__getattribute__(table, name)
        except AttributeError:
            continue
        found.add(name)
    return found


def _native(nw: Any, frame: Any) -> None:
    try:
        nw.from_native(frame)
    except TypeError as exc:
        raise InvalidTypeError(
            subject="Checkins.from_frame",
            field="frame",
            value=frame,
            expected="a data frame narwhals supports (pandas, polars, pyarrow, "
            "DuckDB, Dask, PySpark...)",
        ) from exc
    except nw.exceptions.DuplicateError as exc:  # pandas allows two "value"s
        columns = list(getattr(frame, "columns", ()))
        twice = sorted({str(c) for c in columns if columns.count(c) > 1})
        raise InvalidValueError(
            subject="Checkins.from_frame",
            field="frame",
            value=twice or frame,
            expected="a frame whose column names are unique",
        ) from exc


def _rebuild(*columns: tuple[Any, ...]) -> Checkins:
    return _make(Checkins, *columns)


# -- shaping the input ------------------------------------------------------


def _width(rows: Sequence[Any]) -> int:
    """The common width of the rows (3, 4 or 5), or an error naming a row."""
    try:
        widths = set(map(len, rows))
    except TypeError:
        widths = set()
    if len(widths) == 1 and widths <= _WIDTHS:
        return widths.pop()
    first = _row_width(rows, 0)
    for index, row in enumerate(rows):
        width = _row_width(rows, index)
        if width not in _WIDTHS or width != first:
            raise InvalidValueError(
                subject=f"Checkins row {index}",
                field="row",
                value=row,
                expected=(
                    "(id, at, value), (id, at, value, confidence) or "
                    "(id, at, value, confidence, note), every row as wide as "
                    f"row 0 ({first} items)"
                ),
            )
    raise AssertionError("unreachable: some row has a bad width")  # pragma: no cover


def _field_of_rows(rows: Sequence[Any], k: int) -> tuple[Any, ...]:
    """Item ``k`` of every row, or an error naming the first row without one.

    A row is read by position, as a DB-API cursor yields it; a mapping (a
    driver's dict rows) or a set has a length but no item 0.
    """
    try:
        return tuple(map(itemgetter(k), rows))
    except (LookupError, TypeError):
        pass
    for index, row in enumerate(rows):
        try:
            row[k]
        except (LookupError, TypeError):
            raise InvalidTypeError(
                subject=f"Checkins row {index}",
                field="row",
                value=row,
                expected="a tuple (id, at, value[, confidence[, note]]) read by "
                "position (for rows of named fields, use Checkins.from_columns)",
            ) from None
    raise AssertionError("unreachable: some row has no item k")  # pragma: no cover


def _row_width(rows: Sequence[Any], index: int) -> int:
    try:
        return len(rows[index])
    except TypeError as exc:
        raise InvalidTypeError(
            subject=f"Checkins row {index}",
            field="row",
            value=rows[index],
            expected="a tuple (id, at, value[, confidence[, note]])",
        ) from exc


def _columns(
    ids: Iterable[object],
    ats: Iterable[object],
    values: Iterable[object],
    confidences: Iterable[object] | None,
    notes: Iterable[object] | None,
) -> list[tuple[Any, ...] | None]:
    """The given columns as tuples of one length (optional ones may be None)."""
    named = {"id": ids, "at": ats, "value": values, "confidence": confidences}
    named["note"] = notes
    columns = [None if col is None else _column(n, col) for n, col in named.items()]
    count = len(columns[0] or ())
    for name, column in zip(named, columns, strict=True):
        if column is not None and len(column) != count:
            raise InvalidValueError(
                f"Checkins: column {name!r} has {len(column)} items but column "
                f"'id' has {count}; expected one item per row in every column.",
                subject="Checkins",
                field=name,
                value=len(column),
                expected=f"{count} items, one per row",
            )
    return columns


def _column(name: str, column: Iterable[object]) -> tuple[Any, ...]:
    if type(column) is tuple:
        return column
    if isinstance(column, (str, bytes, bytearray)):
        # Iterable, but as its characters: never what a caller means.
        raise InvalidTypeError(
            subject="Checkins",
            field=name,
            value=column,
            expected="a column of values, one per row (a string is one value)",
        )
    if type(column).__module__ == "numpy" and getattr(column, "ndim", 0) >= 1:
        return _numpy_column(column)
    if hasattr(column, "to_list"):  # a pandas or polars Series: one C pass
        column = column.to_list()
    elif hasattr(column, "to_pylist"):  # a pyarrow Array or ChunkedArray
        column = column.to_pylist()
    try:
        return tuple(column)
    except TypeError as exc:
        raise InvalidTypeError(
            subject="Checkins",
            field=name,
            value=column,
            expected="a column: a sequence or another iterable of values",
        ) from exc


def _numpy_column(array: Any) -> tuple[Any, ...]:
    # tolist() gives Python objects in one C pass; a datetime64 array in
    # nanoseconds would give ints, so it goes through microseconds first.
    if array.dtype.kind == "M" and not _validate.python_datetime64(array):
        array = array.astype("datetime64[us]")
    return tuple(array.tolist())


# -- validating columns -----------------------------------------------------


def _validated(columns: Sequence[tuple[Any, ...] | None], unit: object) -> Columns:
    """Check and convert the five columns (id, at, value, confidence, note)."""
    given_ids, ats, values, confidences, notes = columns
    ids = _ids(given_ids or ())
    count = len(ids)
    return (
        ids,
        _ats(ats or (), ids),
        _values(values or (), ids),
        (None,) * count if confidences is None else _confidences(confidences, ids),
        ("",) * count if notes is None else _notes(notes, ids),
        _unit_column(unit, ids),
    )


def _subject(index: int, ids: tuple[str, ...]) -> str:
    return f"Checkins row {index} (id {ids[index]!r})"


def _ids(ids: tuple[Any, ...]) -> tuple[str, ...]:
    try:
        # str.strip returns the string itself unless it has spaces to trim,
        # and fails on anything not a str: one pass checks type and blankness.
        if all(map(str.strip, ids)):
            return ids
    except TypeError:
        pass
    for index, id_ in enumerate(ids):
        if not isinstance(id_, str) or not id_.strip():
            error = InvalidTypeError if not isinstance(id_, str) else InvalidValueError
            raise error(
                subject=f"Checkins row {index}", field="id", value=id_, expected=_ID
            )
    raise AssertionError("unreachable: some id is bad")  # pragma: no cover


def _ats(ats: tuple[Any, ...], ids: tuple[str, ...]) -> tuple[date, ...]:
    if set(map(type, ats)) <= _INSTANTS:
        return ats
    return tuple(_instant(at, index, ids) for index, at in enumerate(ats))


def _instant(at: Any, index: int, ids: tuple[str, ...]) -> date:
    """One instant as a plain date or datetime, as Measurement takes it."""
    kind = type(at)
    if kind is date or kind is datetime:
        return at  # type: ignore[no-any-return]
    return _validate.instant(_subject(index, ids), "at", at)


def _values(values: tuple[Any, ...], ids: tuple[str, ...]) -> tuple[float, ...]:
    kinds = set(map(type, values))
    if kinds != _FLOAT:
        _check_numbers(values, kinds, ids, "value", allow_none=False)
        try:
            floats = tuple(map(float, values))
        except (OverflowError, ValueError):
            floats = tuple(map(_float_or_inf, values))
    else:
        floats = values
    total = sum(floats)
    # A NaN or an infinity makes the sum NaN or infinite; so may an overflow
    # of finite values, which the scan then clears.
    if total - total != 0.0:
        _find_non_finite(floats, values, ids, "value", _FINITE)
    return floats


def _float_or_inf(value: Any) -> float:
    try:
        return float(value)
    except (OverflowError, ValueError):  # a huge int or a signalling NaN
        return math.inf


def _check_numbers(
    column: tuple[Any, ...],
    kinds: set[type],
    ids: tuple[str, ...],
    field: str,
    *,
    allow_none: bool,
) -> None:
    """Raise naming the first row whose item is not a real number."""
    bad = {
        kind
        for kind in kinds
        if not (allow_none and kind is type(None))
        and (issubclass(kind, bool) or not issubclass(kind, Real | Decimal))
    }
    if bad:
        index = next(i for i, item in enumerate(column) if type(item) in bad)
        raise InvalidTypeError(
            subject=_subject(index, ids),
            field=field,
            value=column[index],
            expected=_FINITE if field == "value" else _PROBABILITY,
        )


def _find_non_finite(
    floats: tuple[float | None, ...],
    given: tuple[Any, ...],
    ids: tuple[str, ...],
    field: str,
    expected: str,
) -> None:
    for index, number in enumerate(floats):
        if number is not None and not math.isfinite(number):
            raise InvalidValueError(
                subject=_subject(index, ids),
                field=field,
                value=given[index],
                expected=expected,
            )


def _confidences(
    confidences: tuple[Any, ...], ids: tuple[str, ...]
) -> tuple[float | None, ...]:
    kinds = set(map(type, confidences))
    if kinds <= _PLAIN_CONFIDENCES:
        floats = confidences
    else:
        _check_numbers(confidences, kinds, ids, "confidence", allow_none=True)
        floats = tuple(map(_optional_float, confidences))
    present = tuple(filter(_NOT_NONE, floats)) if type(None) in kinds else floats
    if present:
        total = sum(present)
        if total - total != 0.0 or min(present) < 0.0 or max(present) > 1.0:
            _find_improbable(floats, confidences, ids)
    return floats


def _optional_float(value: Any) -> float | None:
    return None if value is None else _float_or_inf(value)


def _find_improbable(
    floats: tuple[float | None, ...], given: tuple[Any, ...], ids: tuple[str, ...]
) -> None:
    for index, number in enumerate(floats):
        if number is not None and not 0.0 <= number <= 1.0:
            raise InvalidValueError(
                subject=_subject(index, ids),
                field="confidence",
                value=given[index],
                expected=_PROBABILITY,
            )


def _notes(notes: tuple[Any, ...], ids: tuple[str, ...]) -> tuple[str, ...]:
    kinds = set(map(type, notes))
    if kinds == {str}:
        return notes
    for index, note in enumerate(notes):
        if note is not None and not isinstance(note, str):
            raise InvalidTypeError(
                subject=_subject(index, ids), field="note", value=note, expected=_NOTE
            )
    # A null note is no note: None becomes "", every string stays.
    return tuple(map(_NO_NOTE.get, notes, notes))


def _unit_column(unit: object, ids: tuple[str, ...]) -> tuple[str | None, ...]:
    count = len(ids)
    if unit is None:
        return (None,) * count
    if isinstance(unit, str) or is_unit(unit):
        return (_normalize("Checkins", unit),) * count
    units = _column("unit", unit)  # type: ignore[arg-type]
    if len(units) != count:
        raise InvalidValueError(
            f"Checkins: column 'unit' has {len(units)} items but column 'id' has "
            f"{count}; expected one item per row in every column.",
            subject="Checkins",
            field="unit",
            value=len(units),
            expected=f"{count} items, one per row",
        )
    try:
        distinct = set(units)
    except TypeError:  # an unhashable item: let the scan name it
        distinct = set()
        for index, item in enumerate(units):
            _normalize(_subject(index, ids), item)
    canonical: dict[object, str | None] = {}
    for item in distinct:
        if item is not None:
            try:
                canonical[item] = normalize_unit(item)
            except OkrkitError:
                index = units.index(item)
                _normalize(_subject(index, ids), item)
    canonical[None] = None
    return tuple(map(canonical.__getitem__, units))


def _normalize(subject: str, unit: object) -> str | None:
    """Normalize one unit, naming ``subject`` if it is not a unit okrkit knows."""
    try:
        return normalize_unit(unit)  # type: ignore[arg-type]  # checked inside
    except OkrkitError as exc:
        raise type(exc)(
            subject=subject, field="unit", value=unit, expected=exc.expected
        ) from exc


# -- data frames ------------------------------------------------------------


def _narwhals() -> Any:
    try:
        import narwhals
    except ModuleNotFoundError as exc:
        raise MissingExtraError(
            subject="Checkins.from_frame",
            field="frame",
            value=None,
            expected="narwhals, which data frames need: "
            "pip install 'okrkit[dataframes]'",
        ) from exc
    return narwhals


def _frame_columns(
    nw: Any, frame: Any, names: list[str | None]
) -> list[tuple[Any, ...] | None]:
    """The named columns of ``frame`` as tuples of Python values (None: unnamed).

    ``frame`` and the names were checked by :meth:`Checkins.from_frame`.
    """
    table = nw.from_native(frame)
    schema = dict(table.collect_schema())
    wanted = list(dict.fromkeys(name for name in names if name is not None))
    numbers = {names[2], names[3]}  # value and confidence
    table = table.select(
        *(_prepared(nw, name, schema[name], name in numbers) for name in wanted)
    )
    if isinstance(table, nw.LazyFrame):
        table = table.collect()
    lists = {
        name: _pylist(nw, table.get_column(name), as_given=name == names[2])
        for name in wanted
    }
    return [None if name is None else lists[name] for name in names]


_FRAME_FIELDS = ("id", "at", "value", "confidence", "note", "unit_column")


def _prepared(nw: Any, name: str, dtype: Any, number: bool) -> Any:
    """The column, cast in the frame's own engine where that saves work here.

    Only a value or confidence column of numbers becomes floats: an id or a
    note of numbers stays as given, so that its error shows what was there
    (``7``, not ``7.0``).
    """
    column = nw.col(name)
    if number and dtype.is_numeric() and dtype != nw.Boolean:
        return _pushdown.as_float(nw, column, dtype)
    return column


def _pylist(nw: Any, series: Any, *, as_given: bool = False) -> tuple[Any, ...]:
    """A column as a tuple of Python values, converted in C-level passes.

    A column of Python objects ``as_given`` (values) is read as it is:
    Arrow would make a ``Decimal('NaN')`` a null, and the error would show
    None.  Elsewhere Arrow's reading is kept: a NaN among pandas objects is
    a missing confidence or note, as pandas means it.
    """
    if as_given and series.dtype == nw.Object:
        return tuple(series.to_list())
    try:
        array = series.to_arrow()
    except Exception:  # no pyarrow: the backend's own conversion
        return tuple(series.to_list())
    if hasattr(array, "combine_chunks"):
        array = array.combine_chunks()
    kind = str(array.type)
    if kind.startswith(("timestamp", "date")):
        return _temporal_pylist(array)
    return tuple(array.to_pylist())


def _temporal_pylist(array: Any) -> tuple[date, ...]:
    # pyarrow builds a datetime in about 2 us; check-ins share few instants
    # (often one per day), so only the distinct ones are converted and the
    # rows then point at them.
    import pyarrow as pa  # type: ignore[import-untyped]  # present: to_arrow worked
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    encoded = pc.dictionary_encode(array)
    distinct = encoded.dictionary
    if getattr(distinct.type, "unit", None) == "ns":
        # Nanoseconds would come back as pandas Timestamps; datetime keeps
        # microseconds, so the rest is dropped (as Measurement would).
        distinct = distinct.cast(pa.timestamp("us", distinct.type.tz), safe=False)
    distinct = distinct.to_pylist()
    distinct.append(None)  # where the row is null
    indices = pc.fill_null(encoded.indices, pa.scalar(len(distinct) - 1, pa.int32()))
    return tuple(map(distinct.__getitem__, indices.to_pylist()))
