"""to_dict / from_dict / json_schema: plain JSON-compatible data, no I/O.

Each domain type's fields map to small codecs (derived from the type hints,
with a few overrides), and each codec loads exactly what its schema accepts:
dumping, loading and the JSON Schema come from one description and cannot
drift apart.  Rules between two fields (a period's end after its start, a key
result's target unlike its start) cannot be written in JSON Schema; the
constructors check them, so ``from_dict`` has the final word there
(docs/explanation/document-format.md lists them).
"""

from __future__ import annotations

import collections
import enum
import functools
import math
import re
import reprlib
import sys
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar, overload

import attrs

from okrkit._cadence import Cadence
from okrkit._checkins import Checkins
from okrkit._document import Organisation
from okrkit._key_result import _REJECTS, _UNSET, KeyResult, Kind, Milestone
from okrkit._kpi import KPI
from okrkit._measurement import Measurement
from okrkit._objective import Objective
from okrkit._period import Period
from okrkit._results import Contribution, KeyResultResult, KPIResult, ObjectiveResult
from okrkit._scorecard import Scorecard
from okrkit.alignment import Finding
from okrkit.exceptions import InvalidTypeError, OkrkitError, SerializationError
from okrkit.thresholds import Band, Thresholds

SCHEMA_VERSION = 2
"""The version ``to_dict`` writes; ``from_dict`` reads it and every older one."""
OLDEST_VERSION = 1
T = TypeVar("T")
_BAD: Any = object()  # marks a value that failed to load; errors say why
_MISSING: Any = object()
_MAX = sys.float_info.max

TYPES: tuple[type, ...] = (
    Period,
    Cadence,
    Measurement,
    Band,
    Thresholds,
    KPI,
    Milestone,
    KeyResult,
    Objective,
    Organisation,
    Finding,
    Contribution,
    KPIResult,
    KeyResultResult,
    ObjectiveResult,
    Scorecard,
)
_RESULTS = (KPIResult, KeyResultResult, ObjectiveResult)
_BY_NAME = {kind.__name__: kind for kind in TYPES}

# -- patterns --------------------------------------------------------------
# Written for both ECMA-262 (what JSON Schema patterns are) and Python's re:
# [0-9] rather than \d (Python's \d matches any Unicode digit), and an end
# anchor that is a lookahead, since Python's $ also matches before a final
# newline.
_END = r"(?![\s\S])"
_YEAR = "(?!0000)[0-9]{4}"
_LEAP = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_DATE = (
    f"(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    f"|(?!0000){_LEAP}-02-29)"
)
_TIME = r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
_OFFSET = "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
DATE_PATTERN = f"^{_DATE}{_END}"
LOCAL_DATE_TIME_PATTERN = f"^{_DATE}{_TIME}{_END}"
DATE_TIME_PATTERN = f"^{_DATE}{_TIME}{_OFFSET}{_END}"
# Whole days and seconds only: months and years have no fixed length.  The
# bounds keep every duration the pattern admits inside timedelta's range.
_SECONDS = "(?:[0-9]{1,4}|[0-7][0-9]{4}|8[0-5][0-9]{3}|86[0-3][0-9]{2})"
DURATION_PATTERN = (
    rf"^P(?=[0-9T])(?:[0-9]{{1,9}}D)?(?:T{_SECONDS}(?:\.[0-9]{{1,6}})?S)?{_END}"
)
# An id is any text with a character that str.strip() keeps.  The class is
# spelled out because \s means different things in ECMA-262 and in Python.
_SPACES = "".join(f"\\u{c:04x}" for c in range(0x10000) if chr(c).isspace())
IDENTIFIER_PATTERN = f"[^{_SPACES}]"

_INFINITIES = {"Infinity": math.inf, "-Infinity": -math.inf}
# The JSON Schema keywords a number may carry, as the loader checks them.
_LIMITS: dict[str, tuple[Callable[[float, float], bool], str]] = {
    "minimum": (lambda a, b: a >= b, "at least"),
    "maximum": (lambda a, b: a <= b, "at most"),
    "exclusiveMinimum": (lambda a, b: a > b, "above"),
}


class _Errors:
    """Problems found while loading, each with the path of the bad field."""

    def __init__(self, version: int = SCHEMA_VERSION) -> None:
        self.items: list[str] = []
        self.version = version

    def add(self, path: str, problem: str) -> Any:
        self.items.append(f"{path or '(top)'}: {problem}")
        return _BAD


_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxstring = 50
_REPR.maxother = 50


def _show(value: object) -> str:
    """A short repr that cannot fail (deep lists, ints of 5,000 digits)."""
    try:
        text = _REPR.repr(value)
    except (ValueError, RecursionError):
        text = f"<a {type(value).__name__}>"
    return text if len(text) <= 60 else text[:57] + "..."


class Codec:
    """Dumps one kind of value to JSON data, loads it back, describes it."""

    def dump(self, value: Any) -> Any:
        raise NotImplementedError

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError


class _Str(Codec):
    """A string, optionally one of ``choices`` or matching ``pattern``."""

    def __init__(
        self,
        choices: tuple[str, ...] = (),
        pattern: str = "",
        expected: str = "a string",
    ) -> None:
        self.choices = choices
        self.pattern = pattern
        self.expected = expected

    def dump(self, value: Any) -> Any:
        return value

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        if not isinstance(data, str):
            return errors.add(path, f"expected {self.expected}, got {_show(data)}")
        if self.choices and data not in self.choices:
            return errors.add(
                path, f"expected one of {list(self.choices)}, got {_show(data)}"
            )
        if self.pattern and not re.search(self.pattern, data):
            return errors.add(path, f"expected {self.expected}, got {_show(data)}")
        return data

    def schema(self) -> dict[str, Any]:
        if self.choices:
            return {"enum": list(self.choices)}
        if self.pattern:
            return {"type": "string", "pattern": self.pattern}
        return {"type": "string"}


class _Unit(_Str):
    """A unit name, checked by the constructor (pint has the final word).

    The schema admits the canonical names okrkit writes.
    """

    def __init__(self) -> None:
        super().__init__(expected="a unit name")

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": unit_pattern()}


class _Number(Codec):
    """A finite number, within ``limits`` (JSON Schema keywords).

    ``infinite=-1`` or ``1`` writes -inf/+inf as null; ``extended`` writes
    them as "-Infinity"/"Infinity" (results only).
    """

    def __init__(
        self, infinite: int = 0, extended: bool = False, **limits: float
    ) -> None:
        self.infinite = infinite
        self.extended = extended
        self.limits = limits

    def dump(self, value: Any) -> Any:
        if math.isinf(value):
            if self.infinite:
                return None
            if self.extended:
                return "Infinity" if value > 0 else "-Infinity"
        if math.isnan(value) or math.isinf(value):
            raise SerializationError(
                f"cannot write {value!r} as JSON: expected a finite number.",
                problems=(f"expected a finite number, got {value!r}",),
            )
        return value

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        if data is None and self.infinite:
            return math.inf * self.infinite
        if self.extended and isinstance(data, str) and data in _INFINITIES:
            return _INFINITIES[data]
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            return errors.add(path, f"expected a number, got {_show(data)}")
        if not -_MAX <= data <= _MAX:
            return errors.add(path, f"expected a finite number, got {_show(data)}")
        for keyword, limit in self.limits.items():
            if not _LIMITS[keyword][0](data, limit):
                return errors.add(
                    path,
                    f"expected a number {_LIMITS[keyword][1]} {limit}, "
                    f"got {_show(data)}",
                )
        return float(data)

    def schema(self) -> dict[str, Any]:
        number: dict[str, Any] = {"type": "number", "minimum": -_MAX, "maximum": _MAX}
        for keyword, limit in self.limits.items():
            number[keyword] = limit
        if self.infinite:
            return {"anyOf": [number, {"type": "null"}]}
        if self.extended:
            return {"anyOf": [number, {"enum": list(_INFINITIES)}]}
        return number


class _Int(Codec):
    """An integer; as in JSON Schema, 2.0 is the integer 2."""

    def __init__(self, minimum: int = -(2**63), maximum: int = 2**63 - 1) -> None:
        self.minimum, self.maximum = minimum, maximum

    def dump(self, value: Any) -> Any:
        return value

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        whole = isinstance(data, float) and data.is_integer()
        if isinstance(data, bool) or not (isinstance(data, int) or whole):
            return errors.add(path, f"expected an integer, got {_show(data)}")
        if not self.minimum <= data <= self.maximum:
            return errors.add(
                path,
                f"expected an integer from {self.minimum} to {self.maximum}, "
                f"got {_show(data)}",
            )
        return int(data)

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


class _Bool(Codec):
    def dump(self, value: Any) -> Any:
        return value

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        if not isinstance(data, bool):
            return errors.add(path, f"expected true or false, got {_show(data)}")
        return data

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class _Date(Codec):
    """A calendar date as YYYY-MM-DD; with ``instant``, a datetime too.

    A naive datetime is written without an offset ("2026-03-01T09:00:00",
    local time as the writer's application understood it); an aware one with
    its UTC offset, or in UTC ("Z") when the offset is not whole minutes.
    A naive datetime with ``fold=1`` (the second of a repeated hour's two
    wall times, an hour after the first in a zone that sets clocks back) is
    written as ``{"local": "...", "fold": 1}``: ISO text has no fold, and
    without it the instant would come back an hour early.
    """

    def __init__(self, instant: bool = False) -> None:
        self.instant = instant

    def dump(self, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            offset = value.utcoffset()
            if offset is not None and offset % timedelta(minutes=1):
                value = value.astimezone(UTC)
            text = value.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(value, datetime) and value.fold:
            return {"local": value.isoformat(), "fold": 1}
        return value.isoformat()

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        expected = "an ISO date" + (" or date-time" if self.instant else "")
        if isinstance(data, str):
            if re.search(DATE_PATTERN, data):
                return date.fromisoformat(data)
            if self.instant and (
                re.search(LOCAL_DATE_TIME_PATTERN, data)
                or re.search(DATE_TIME_PATTERN, data)
            ):
                return datetime.fromisoformat(data)
        if self.instant and isinstance(data, dict):
            return self._load_fold(data, path, errors)
        return errors.add(path, f"expected {expected}, got {_show(data)}")

    def _load_fold(self, data: dict[Any, Any], path: str, errors: _Errors) -> Any:
        """A naive date-time in the second pass of a repeated hour."""
        local, fold = data.get("local"), data.get("fold")
        if (
            set(data) == {"local", "fold"}
            and isinstance(local, str)
            and re.search(LOCAL_DATE_TIME_PATTERN, local)
            and type(fold) in (int, float)  # 1.0 is the integer 1, not True
            and fold == 1
        ):
            return datetime.fromisoformat(local).replace(fold=1)
        return errors.add(
            path,
            'expected {"local": <a local date-time>, "fold": 1} for a time in '
            f"the second pass of a repeated hour, got {_show(data)}",
        )

    def schema(self) -> dict[str, Any]:
        day = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
        if not self.instant:
            return day
        return {
            "anyOf": [
                day,
                {
                    "type": "string",
                    "format": "date-time",
                    "pattern": DATE_TIME_PATTERN,
                },
                {
                    "type": "string",
                    "description": "a local (naive) date-time: no offset",
                    "pattern": LOCAL_DATE_TIME_PATTERN,
                },
                {
                    "type": "object",
                    "description": "a local date-time in the second pass of a "
                    "repeated hour (Python's fold=1)",
                    "required": ["local", "fold"],
                    "properties": {
                        "local": {"type": "string", "pattern": LOCAL_DATE_TIME_PATTERN},
                        "fold": {"const": 1},
                    },
                    "additionalProperties": False,
                },
            ]
        }


class _Duration(Codec):
    """A timedelta as an ISO 8601 duration of days and seconds ("P2DT3600S").

    Exact to the microsecond at any size (seconds as a float were not).
    Version 1 documents wrote a number of seconds; those are still read.
    """

    def dump(self, value: Any) -> Any:
        if value < timedelta(0):
            raise SerializationError(
                f"cannot write {value!r}: expected a duration of zero or more.",
                problems=(f"expected a duration of zero or more, got {value!r}",),
            )
        text = "P" + (f"{value.days}D" if value.days else "")
        if value.seconds or value.microseconds or not value.days:
            text += f"T{value.seconds}"
            text += f".{value.microseconds:06d}S" if value.microseconds else "S"
        return text

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        if errors.version == 1:
            return self._load_seconds(data, path, errors)
        if not isinstance(data, str) or not re.search(DURATION_PATTERN, data):
            return errors.add(
                path, f"expected an ISO 8601 duration such as 'P2D', got {_show(data)}"
            )
        days, _, rest = data[1:].rpartition("D")
        seconds, _, micro = rest.strip("TS").partition(".")
        return timedelta(
            days=int(days or 0),
            seconds=int(seconds or 0),
            microseconds=int(micro.ljust(6, "0")) if micro else 0,
        )

    def _load_seconds(self, data: Any, path: str, errors: _Errors) -> Any:
        seconds = _Number().load(data, path, errors)
        if seconds is _BAD:
            return _BAD
        try:
            return timedelta(seconds=seconds)
        except OverflowError:
            return errors.add(
                path, f"expected a duration in seconds, got {_show(data)}"
            )

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": DURATION_PATTERN}


class _Enum(Codec):
    def __init__(self, kind: type[enum.Enum]) -> None:
        self.kind = kind

    def dump(self, value: Any) -> Any:
        return value.name

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        if not isinstance(data, str) or data not in self.kind.__members__:
            return errors.add(
                path,
                f"expected one of {list(self.kind.__members__)}, got {_show(data)}",
            )
        return self.kind[data]

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.kind.__members__)}


class _Optional(Codec):
    def __init__(self, inner: Codec) -> None:
        self.inner = inner

    def dump(self, value: Any) -> Any:
        return None if value is None else self.inner.dump(value)

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        return None if data is None else self.inner.load(data, path, errors)

    def schema(self) -> dict[str, Any]:
        return {"anyOf": [self.inner.schema(), {"type": "null"}]}


class _List(Codec):
    def __init__(self, inner: Codec) -> None:
        self.inner = inner

    def dump(self, value: Any) -> Any:
        return [self.inner.dump(item) for item in value]

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        if not isinstance(data, list):
            return errors.add(path, f"expected a list, got {_show(data)}")
        items = [
            self.inner.load(item, f"{path}[{i}]", errors) for i, item in enumerate(data)
        ]
        return _BAD if any(item is _BAD for item in items) else tuple(items)

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.inner.schema()}


class _Pair(Codec):
    """A two-item list such as [date, value] (phased targets)."""

    def __init__(self, first: Codec, second: Codec) -> None:
        self.first, self.second = first, second

    def dump(self, value: Any) -> Any:
        return [self.first.dump(value[0]), self.second.dump(value[1])]

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        if not isinstance(data, list) or len(data) != 2:
            return errors.add(path, f"expected a pair [a, b], got {_show(data)}")
        a = self.first.load(data[0], f"{path}[0]", errors)
        b = self.second.load(data[1], f"{path}[1]", errors)
        return _BAD if _BAD in (a, b) else (a, b)

    def schema(self) -> dict[str, Any]:
        return {
            "type": "array",
            "prefixItems": [self.first.schema(), self.second.schema()],
            "minItems": 2,
            "maxItems": 2,
        }


def _keys_are_text(data: Mapping[Any, Any], path: str, errors: _Errors) -> bool:
    bad = [key for key in data if not isinstance(key, str)]
    for key in bad[:5]:
        errors.add(path, f"expected text keys, got the key {_show(key)}")
    return not bad


class _Target(Codec):
    """A KPI target: a number, per-period numbers, or null."""

    def dump(self, value: Any) -> Any:
        if isinstance(value, tuple):
            return [{"period": _object(Period).dump(p), "value": v} for p, v in value]
        return value

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        if data is None or not isinstance(data, list):
            return _Optional(_Number()).load(data, path, errors)
        pairs = []
        for i, item in enumerate(data):
            where = f"{path}[{i}]"
            if not isinstance(item, dict) or not _keys_are_text(item, where, errors):
                pairs.append(
                    errors.add(where, f"expected an object, got {_show(item)}")
                )
                continue
            for key in sorted(set(item) - {"period", "value"}):
                errors.add(_join(where, key), "is not a field of a target")
            period = _object(Period).load(item.get("period"), f"{where}.period", errors)
            value = _Number().load(item.get("value"), f"{where}.value", errors)
            pairs.append(_BAD if _BAD in (period, value) else (period, value))
        if any(p is _BAD for p in pairs):
            return _BAD
        # The constructor reads an empty mapping as "no per-period targets".
        return tuple(pairs) if pairs else {}

    def schema(self) -> dict[str, Any]:
        return {
            "anyOf": [
                _Number().schema(),
                {"type": "null"},
                {
                    "type": "array",
                    # No pairs is refused: null says "no target".
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["period", "value"],
                        "properties": {
                            "period": {"$ref": "#/$defs/Period"},
                            "value": _Number().schema(),
                        },
                        "additionalProperties": False,
                    },
                },
            ]
        }


class _Checkins(Codec):
    """A Checkins table, column by column; optional columns left out when empty."""

    def __init__(self) -> None:
        self.columns: dict[str, tuple[str, Codec, object]] = {
            "id": ("ids", _ID, _MISSING),
            "at": ("ats", _Date(instant=True), _MISSING),
            "value": ("values", _Number(), _MISSING),
            "confidence": (
                "confidences",
                _Optional(_Number(minimum=0, maximum=1)),
                None,
            ),
            "note": ("notes", _Str(), ""),
            "unit": ("units", _Optional(_Unit()), None),
        }

    def dump(self, value: Any) -> Any:
        data = {}
        for name, (attribute, codec, empty) in self.columns.items():
            column = getattr(value, attribute)
            if empty is _MISSING or any(item != empty for item in column):
                data[name] = [codec.dump(item) for item in column]
        return data

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        if not isinstance(data, dict) or not _keys_are_text(data, path, errors):
            return errors.add(path, f"expected an object, got {_show(data)}")
        for key in sorted(set(data) - set(self.columns)):
            errors.add(_join(path, key), "is not a column of check-ins")
        columns: dict[str, Any] = {}
        for name, (_, codec, empty) in self.columns.items():
            if name not in data:
                columns[name] = (
                    errors.add(_join(path, name), "is missing")
                    if empty is _MISSING
                    else None
                )
                continue
            columns[name] = _List(codec).load(data[name], _join(path, name), errors)
        if any(column is _BAD for column in columns.values()):
            return _BAD
        try:
            return Checkins.from_columns(
                id=columns["id"],
                at=columns["at"],
                value=columns["value"],
                confidence=columns["confidence"],
                note=columns["note"],
                unit=columns["unit"],
            )
        except OkrkitError as exc:
            return errors.add(path, str(exc).rstrip("."))

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["id", "at", "value"],
            "properties": {
                name: {"type": "array", "items": codec.schema()}
                for name, (_, codec, _) in self.columns.items()
            },
            "additionalProperties": False,
        }


class _Object(Codec):
    """An attrs domain type, as an object of its fields."""

    def __init__(self, kind: type) -> None:
        self.kind = kind
        self._fields: dict[str, Codec] | None = None

    @property
    def fields(self) -> dict[str, Codec]:
        if self._fields is None:
            self._fields = _fields_of(self.kind)
        return self._fields

    def dump(self, value: Any) -> Any:
        return {
            name: codec.dump(getattr(value, name))
            for name, codec in self.fields.items()
        }

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        name = self.kind.__name__
        if not isinstance(data, dict):
            return errors.add(path, f"expected a {name} object, got {_show(data)}")
        if not _keys_are_text(data, path, errors):
            return _BAD
        bad = _check_header(data, name, path, errors, nested=True)
        unknown = sorted(set(data) - set(self.fields) - {"schema_version", "type"})
        if errors.version == 1:  # fields version 2 retired; they were always null
            unknown = [
                key
                for key in unknown
                if key not in _RETIRED.get(self.kind, ()) or data[key] is not None
            ]
        for key in unknown:
            errors.add(_join(path, key), f"is not a field of {name}")
        values = {}
        for field, codec in self.fields.items():
            where = _join(path, field)
            if field not in data:
                if _has_default(self.kind, field):
                    continue
                values[field] = errors.add(where, "is missing")
                continue
            values[field] = codec.load(data[field], where, errors)
        if bad or unknown or any(v is _BAD for v in values.values()):
            return _BAD
        try:
            value = self.kind(**values)
        except OkrkitError as exc:
            return errors.add(path, str(exc).rstrip("."))
        check = _AFTER_LOAD.get(self.kind)
        if check is not None:
            check(value, path, errors)
        return value

    def schema(self) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{self.kind.__name__}"}

    def definition(self) -> dict[str, Any]:
        required = [f for f in self.fields if not _has_default(self.kind, f)]
        result: dict[str, Any] = {
            "description": (self.kind.__doc__ or "").strip().splitlines()[0],
            "type": "object",
            "properties": {
                "schema_version": {"const": SCHEMA_VERSION},
                "type": {"const": self.kind.__name__},
                **{name: codec.schema() for name, codec in self.fields.items()},
            },
            "required": required,
            "additionalProperties": False,
        }
        rules = _SCHEMA_RULES.get(self.kind)
        if rules:
            result["allOf"] = rules
        return result


def _check_header(
    data: Mapping[str, Any], name: str, path: str, errors: _Errors, *, nested: bool
) -> bool:
    """Check "type" (and, nested, "schema_version"); True if one is wrong."""
    bad = False
    if "type" in data and data["type"] != name:
        errors.add(_join(path, "type"), f"expected {name!r}, got {_show(data['type'])}")
        bad = True
    version = data.get("schema_version", SCHEMA_VERSION)
    wrong = not _same_number(version, errors.version)
    if nested and "schema_version" in data and wrong:
        errors.add(
            _join(path, "schema_version"),
            f"expected {errors.version} (the document's), got {_show(version)}",
        )
        bad = True
    return bad


def _same_number(value: object, number: int) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, (int, float))
        and (value == number)
    )


def _join(path: str, field: str) -> str:
    return f"{path}.{field}" if path else field


def _has_default(kind: type, field: str) -> bool:
    found = attrs.fields_dict(kind).get(field)
    return found is not None and found.default is not attrs.NOTHING


_OBJECTS: dict[type, _Object] = {}


def _object(kind: type) -> _Object:
    if kind not in _OBJECTS:
        _OBJECTS[kind] = _Object(kind)
    return _OBJECTS[kind]


_ID = _Str(pattern=IDENTIFIER_PATTERN, expected="a non-blank id")
# Fields of version 1 that version 2 dropped: padding that was always null.
_RETIRED: dict[type, frozenset[str]] = {
    KPIResult: frozenset({"progress", "score", "expected", "forecast", "confidence"}),
    ObjectiveResult: frozenset({"value", "forecast"}),
}

_OVERRIDES: dict[tuple[type, str], Codec] = {
    (Band, "lo"): _Number(infinite=-1),
    (Band, "hi"): _Number(infinite=1),
    (Measurement, "at"): _Date(instant=True),
    (Measurement, "confidence"): _Optional(_Number(minimum=0, maximum=1)),
    # A measurement keeps its unit as written; evaluation checks it.
    (Measurement, "unit"): _Optional(_Str()),
    (KPI, "target"): _Target(),
    (KeyResult, "phases"): _List(_Pair(_Date(), _Number())),
    (Cadence, "weekday"): _Int(0, 6),
    (Cadence, "day"): _Int(-1, 31),
    (Cadence, "start_month"): _Int(1, 12),
    (Scorecard, "as_of"): _Date(instant=True),
    (Organisation, "checkins"): _Checkins(),
    (ObjectiveResult, "depth"): _Int(0, 10**6),
    (Milestone, "name"): _ID,
}
# What a hand-built result refuses (okrkit._results), the schema states too:
# ids, weights of 0 or more, shares and probabilities in [0, 1], and
# readings (value, start, target) that are finite.
_SHARE = _Number(minimum=0, maximum=1)
for _kind in (KeyResultResult, ObjectiveResult, KPIResult):
    _OVERRIDES[_kind, "id"] = _ID
for _kind in (KeyResultResult, ObjectiveResult):
    _OVERRIDES[_kind, "weight"] = _Number(minimum=0)
    _OVERRIDES[_kind, "expected"] = _SHARE
    _OVERRIDES[_kind, "confidence"] = _Optional(_SHARE)
    _OVERRIDES[_kind, "probability"] = _Optional(_SHARE)
for _field in ("value", "start", "target"):
    _OVERRIDES[KeyResultResult, _field] = _Optional(_Number())
for _field in ("value", "target", "previous_value", "change"):
    _OVERRIDES[KPIResult, _field] = _Optional(_Number())
_OVERRIDES[ObjectiveResult, "parent"] = _Optional(_ID)
for _field in ("key_results", "children", "health", "related"):
    _OVERRIDES[ObjectiveResult, _field] = _List(_ID)
# Rules by field name for the definitions (results are not checked: an
# evaluation made them).  New fields with these names get them too.
_BY_FIELD: dict[str, Codec] = {
    "id": _ID,
    "kpi": _Optional(_ID),
    "parent": _Optional(_ID),
    "contributes_to": _Optional(_ID),
    "numerator": _Optional(_ID),
    "denominator": _Optional(_ID),
    "health": _List(_ID),
    "related": _List(_ID),
    "unit": _Optional(_Unit()),
    "numerator_unit": _Optional(_Unit()),
    "denominator_unit": _Optional(_Unit()),
    "weight": _Number(minimum=0),
    "tolerance": _Number(minimum=0),
    "hysteresis": _Number(minimum=0),
}


def _fields_of(kind: type) -> dict[str, Codec]:
    hints = typing.get_type_hints(kind)
    result = {}
    results = kind in _RESULTS
    for field in attrs.fields(kind):
        if not field.init:
            continue
        override = _OVERRIDES.get((kind, field.name))
        if override is None and not results and kind is not Finding:
            override = _BY_FIELD.get(field.name)
        result[field.name] = override or _codec_for(
            hints[field.name], kind, field.name, extended=results
        )
    return result


def _codec_for(hint: Any, kind: type, field: str, *, extended: bool = False) -> Codec:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2:
            return _Optional(_codec_for(rest[0], kind, field, extended=extended))
        raise TypeError(f"no codec for {kind.__name__}.{field}: {hint}")
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _List(_codec_for(args[0], kind, field, extended=extended))
    if origin is typing.Literal:
        return _Str(tuple(args))
    simple = _SIMPLE.get(hint)
    if simple is not None:
        return simple(extended)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _Enum(hint)
    if isinstance(hint, type) and attrs.has(hint):
        return _object(hint)
    raise TypeError(f"no codec for {kind.__name__}.{field}: {hint}")


_SIMPLE: dict[Any, Callable[[bool], Codec]] = {
    str: lambda _: _Str(),
    float: lambda extended: _Number(extended=extended),
    int: lambda _: _Int(),
    bool: lambda _: _Bool(),
    date: lambda _: _Date(),
    timedelta: lambda _: _Duration(),
}


# -- rules the schema states per kind -----------------------------------------


def _when(field: str, value: object, then: dict[str, Any]) -> dict[str, Any]:
    return {
        "if": {"required": [field], "properties": {field: {"const": value}}},
        "then": then,
    }


def _numbers(*fields: str) -> dict[str, Any]:
    return {
        "required": list(fields),
        "properties": {f: {"type": "number"} for f in fields},
    }


def _key_result_rules() -> list[dict[str, Any]]:
    rate = _numbers("start", "target")
    rate["required"].append("per")
    rate["properties"]["per"] = {"type": "string"}
    some_weight = {
        "anyOf": [
            {"not": {"required": ["weight"]}},
            {"properties": {"weight": {"exclusiveMinimum": 0}}},
        ]
    }
    return [
        # The kind defaults to LINEAR when left out.
        {"if": {"not": {"required": ["kind"]}}, "then": _numbers("start", "target")},
        _when("kind", "LINEAR", _numbers("start", "target")),
        _when("kind", "RATE", rate),
        _when("kind", "AT_LEAST", _numbers("target")),
        _when("kind", "AT_MOST", _numbers("target")),
        {
            "if": {
                "required": ["kind", "partial"],
                "properties": {
                    "kind": {"enum": ["AT_LEAST", "AT_MOST"]},
                    "partial": {"const": True},
                },
            },
            "then": {"properties": {"target": {"exclusiveMinimum": 0}}},
        },
        _when("kind", "WITHIN", _numbers("low", "high")),
        _when(
            "kind",
            "MILESTONES",
            {
                "required": ["steps"],
                "properties": {"steps": {"minItems": 1, "contains": some_weight}},
            },
        ),
        _when(
            "kind",
            "RELATIVE",
            {
                "required": ["kpi", "change"],
                "properties": {
                    "kpi": {"type": "string"},
                    "change": {"type": "number", "not": {"const": 0}},
                },
            },
        ),
        # Fields foreign to a kind keep their defaults (KeyResult's RULES).
        {"if": {"not": {"required": ["kind"]}}, "then": _foreign(Kind.LINEAR)},
        *(_when("kind", kind.name, _foreign(kind)) for kind in Kind),
    ]


def _foreign(kind: Kind) -> dict[str, Any]:
    """The schema saying a kind's foreign fields hold their defaults."""
    return {
        "properties": {field: _unset_schema(_UNSET[field]) for field in _REJECTS[kind]}
    }


def _unset_schema(default: object) -> dict[str, Any]:
    if default is None:
        return {"type": "null"}
    if default == ():
        return {"type": "array", "maxItems": 0}
    return {"const": default}


def _kpi_rules() -> list[dict[str, Any]]:
    both = [
        {
            "if": {"required": [a], "properties": {a: {"type": "string"}}},
            "then": {"required": [b], "properties": {b: {"type": "string"}}},
        }
        for a, b in (("numerator", "denominator"), ("denominator", "numerator"))
    ]
    agree = [
        _when(
            "direction",
            name,
            {
                "properties": {
                    "thresholds": {"properties": {"direction": {"enum": [name, None]}}}
                }
            },
        )
        for name in ("HIGHER_IS_BETTER", "LOWER_IS_BETTER", "WITHIN_RANGE")
    ]
    relative = {
        "if": {
            "required": ["thresholds"],
            "properties": {
                "thresholds": {
                    "required": ["relative"],
                    "properties": {"relative": {"const": True}},
                }
            },
        },
        "then": {
            "required": ["target"],
            "properties": {"target": {"not": {"type": "null"}}},
        },
    }
    return [*both, *agree, relative]


_SCHEMA_RULES: dict[type, list[dict[str, Any]]] = {
    KeyResult: _key_result_rules(),
    KPI: _kpi_rules(),
    Cadence: [{"properties": {"day": {"not": {"const": 0}}}}],
    Band: [{"properties": {"status": {"enum": ["GREEN", "AMBER", "RED"]}}}],
    Thresholds: [
        {
            "properties": {
                "bands": {
                    "minItems": 1,
                    "prefixItems": [{"properties": {"lo": {"type": "null"}}}],
                    "contains": {"properties": {"hi": {"type": "null"}}},
                    "maxContains": 1,
                }
            }
        }
    ],
}


@functools.cache
def unit_pattern() -> str:
    """Return the pattern of the unit names okrkit writes.

    Prefixed names of its registry joined by " * ", " / " and " ** n", never
    a calendar-length unit.

    >>> import re
    >>> bool(re.search(unit_pattern(), "kilometer / hour")), bool(
    ...     re.search(unit_pattern(), "month"))
    (True, False)
    """
    from okrkit import units  # loads pint's registry

    registry = units._registry()
    names = [n for n, d in registry._units.items() if d.name == n and n.isidentifier()]
    prefixes = {p.name: p.converter.scale for p in registry._prefixes.values()}
    prefixes.pop("", None)
    # Offset and logarithmic units (degree_Celsius, decibel) take no prefix
    # and stand alone.
    alone = [n for n in names if not registry._units[n].is_multiplicative]
    names = [n for n in names if n not in alone]
    days = {n: _days(registry, n) for n in names}
    plain = [n for n in names if days[n] is None]
    # A prefixed time unit may be calendar-length (a kiloday): list the
    # allowed ones one by one.
    timed = [
        p + n
        for n, length in days.items()
        if length is not None
        for p, scale in (("", 1), *prefixes.items())
        if length * scale < units._CALENDAR_DAYS
    ]
    word = f"(?:(?:{_either(prefixes)})?(?:{_either(plain)})|{_either(timed)})"
    term = rf"{word}(?: \*\* {_EXPONENT})?"
    compound = f"(?:1 / )?{term}(?: [*/] {term})*"
    return f"^(?:{_either(alone)}|{compound}){_END}"


# An exponent as okrkit writes it and reads it back: above 0, at most
# units._MAX_EXPONENT (12), up to six decimals ("meter ** 0" is no unit).
_EXPONENT = (
    r"(?:12(?:\.0{1,6})?"
    r"|(?:1[01]|[1-9])(?:\.[0-9]{1,6})?"
    r"|0\.(?=[0-9]{0,5}[1-9])[0-9]{1,6})"
)


def _either(words: typing.Iterable[str]) -> str:
    # Longest first, so that "kilometer" is not read as "kilo" + "meter..."
    return "|".join(sorted(words, key=lambda w: (-len(w), w)))


def _days(registry: Any, name: str) -> float | None:
    """The length of a time unit in days, None for other units."""
    size = registry.Quantity(1, name)
    if not size.check("[time]"):
        return None
    return float(size.to("day").magnitude)


# -- what from_dict checks after building a value ------------------------------


def _check_scorecard(card: Scorecard, path: str, errors: _Errors) -> None:
    """Ids must point at results of the right kind, depths follow parents."""
    objectives = {o.id: o for o in card.objectives}
    groups = {
        "key_results": {r.id for r in card.key_results},
        "children": set(objectives),
        "health": {r.id for r in card.kpis},
    }
    ids = [r.id for g in (card.objectives, card.key_results, card.kpis) for r in g]
    twice = sorted(i for i, n in collections.Counter(ids).items() if n > 1)
    if twice:
        errors.add(path, f"expected distinct ids, got {_show(twice)} more than once")
    for i, objective in enumerate(card.objectives):
        where = _join(path, f"objectives[{i}]")
        for field, known in groups.items():
            for ref in getattr(objective, field):
                if ref not in known:
                    errors.add(
                        _join(where, field),
                        f"expected ids of results in the scorecard, got {_show(ref)}",
                    )
        parent = objectives.get(objective.parent or "")
        depth = 0 if parent is None else parent.depth + 1
        if parent is not None and objective.depth != depth:
            errors.add(
                _join(where, "depth"),
                f"expected {depth} (its parent's depth + 1), got {objective.depth}",
            )
        if objective.depth > len(objectives):
            errors.add(
                _join(where, "depth"),
                f"expected at most {len(objectives)}, got {objective.depth}",
            )


_AFTER_LOAD: dict[type, Callable[[Any, str, _Errors], None]] = {
    Scorecard: _check_scorecard,
}


# -- the public functions --------------------------------------------------------


def to_dict(value: object) -> dict[str, Any]:
    """Return a domain value (or a Scorecard) as JSON-compatible data.

    Dates are ISO strings, units strings, enums their names, infinite band
    edges ``null``, durations ISO 8601 ("P2D"); the top level carries
    ``schema_version`` and ``type``.  The result is strict JSON: an infinite
    number in a result (a progress of inf) is written "Infinity".

    >>> from okrkit import Period
    >>> to_dict(Period.parse("2026-Q1"))
    {'schema_version': 2, 'type': 'Period', 'start': '2026-01-01', 'end': '2026-04-01'}
    """
    kind = type(value)
    if kind not in TYPES:
        raise InvalidTypeError(
            subject="to_dict",
            field="value",
            value=value,
            expected="one of okrkit's domain types: "
            + ", ".join(t.__name__ for t in TYPES),
        )
    data = _object(kind).dump(value)
    return {"schema_version": SCHEMA_VERSION, "type": kind.__name__, **data}


@overload
def from_dict(kind: type[T], data: object, /) -> T: ...


@overload
def from_dict(data: Mapping[str, Any], /) -> object: ...


def from_dict(kind: Any, data: Any = _MISSING, /) -> Any:
    """Build a domain value from data made by :func:`to_dict`.

    ``from_dict(data)`` reads the type from ``data["type"]``;
    ``from_dict(Type, data)`` also checks that it is that type.  Every problem
    is reported at once, each with the path of the bad field.  Older
    ``schema_version`` documents are read and upgraded; a newer one is an
    error naming both versions.

    >>> from okrkit import KeyResult
    >>> from_dict(KeyResult, {"id": "k", "title": "K", "start": 0, "target": "ten",
    ...                       "weight": "heavy"})
    Traceback (most recent call last):
    ...
    okrkit.exceptions.SerializationError: 2 problems in KeyResult data: \
target: expected a number, got 'ten'; weight: expected a number, got 'heavy'.
    >>> from_dict({"schema_version": 2, "type": "Period",
    ...            "start": "2026-01-01", "end": "2026-04-01"})
    Period.parse('2026-Q1')

    Field problems are found everywhere in one pass; an object whose fields
    all load is then built, and its own checks (such as ``start == target``)
    are reported with its path.
    """
    if data is _MISSING:
        kind, data = None, kind
    elif kind not in TYPES:
        raise InvalidTypeError(
            subject="from_dict",
            field="kind",
            value=kind,
            expected="one of okrkit's domain types: "
            + ", ".join(t.__name__ for t in TYPES),
        )
    errors = _Errors()
    kind = _header(kind, data, errors)
    name = "okrkit" if kind is None else kind.__name__
    if not errors.items and kind is not None:
        value = _object(kind).load(dict(data), "", errors)
        if not errors.items:
            return value
    count = len(errors.items)
    raise SerializationError(
        f"{count} problem{'s' if count != 1 else ''} in {name} data: "
        + "; ".join(errors.items)
        + ".",
        subject=name,
        problems=tuple(errors.items),
    )


def _header(kind: type | None, data: object, errors: _Errors) -> type | None:
    """Check the top level: an object, its version and its type."""
    if not isinstance(data, Mapping):
        errors.add("", f"expected an object, got {_show(data)}")
        return kind
    if not _keys_are_text(data, "", errors):
        return kind
    version = data.get("schema_version", SCHEMA_VERSION)
    if not _is_whole(version):
        errors.add("schema_version", f"expected an integer, got {_show(version)}")
    elif version > SCHEMA_VERSION:
        errors.add(
            "schema_version",
            f"got {_show(version)}, newer than version {SCHEMA_VERSION}, the "
            "newest this okrkit reads: upgrade okrkit to read it",
        )
    elif version < OLDEST_VERSION:
        errors.add(
            "schema_version",
            f"expected {OLDEST_VERSION} to {SCHEMA_VERSION}, got {_show(version)}",
        )
    else:
        errors.version = int(version)
    named = data.get("type", _MISSING)
    if kind is None:
        if named is _MISSING:
            errors.add("type", "is missing (or pass the type: from_dict(Type, data))")
        elif not isinstance(named, str) or named not in _BY_NAME:
            errors.add("type", f"expected one of {list(_BY_NAME)}, got {_show(named)}")
        else:
            kind = _BY_NAME[named]
    elif named is not _MISSING and named != kind.__name__:
        errors.add("type", f"expected {kind.__name__!r}, got {_show(named)}")
    return kind


def _is_whole(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


@functools.cache
def _schema() -> dict[str, Any]:
    definitions = {kind.__name__: _object(kind).definition() for kind in TYPES}
    names = list(definitions)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://okrkit.invalid/schema/{SCHEMA_VERSION}",
        "title": "okrkit document",
        "description": (
            f"A document made by okrkit.to_dict; schema_version {SCHEMA_VERSION}. "
            "Rules between two fields (a period's end after its start, a key "
            "result's target unlike its start, ...) are checked by from_dict."
        ),
        "type": "object",
        "required": ["schema_version", "type"],
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "type": {"enum": names},
        },
        # One if/then per type (not oneOf): an error names the failing field.
        "allOf": [
            {
                "if": {"required": ["type"], "properties": {"type": {"const": name}}},
                "then": {"$ref": f"#/$defs/{name}"},
            }
            for name in names
        ],
        "$defs": definitions,
    }


def json_schema() -> dict[str, Any]:
    """Return a JSON Schema (draft 2020-12) for the documents :func:`to_dict` makes.

    Every document ``to_dict`` writes is valid (with format checking on), and
    ``from_dict`` accepts every valid document but those that break a rule
    between two fields (listed in docs/explanation/document-format.md).

    >>> schema = json_schema()
    >>> schema["$defs"]["Period"]["required"]
    ['start', 'end']
    """
    import copy

    return copy.deepcopy(_schema())
