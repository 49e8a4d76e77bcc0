"""to_dict / from_dict / json_schema: plain JSON-compatible data, no I/O.

Each domain type's fields map to small codecs (derived from the type hints,
with a few overrides), so dumping, loading and the JSON Schema come from one
description and cannot drift apart.
"""

from __future__ import annotations

import enum
import math
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import attrs

from okrkit._cadence import Cadence
from okrkit._key_result import KeyResult, Milestone
from okrkit._kpi import KPI
from okrkit._measurement import Measurement
from okrkit._objective import Objective
from okrkit._period import Period
from okrkit._results import KeyResultResult, KPIResult, ObjectiveResult
from okrkit._scorecard import Scorecard
from okrkit.alignment import Finding
from okrkit.exceptions import InvalidTypeError, OkrkitError, SerializationError
from okrkit.thresholds import Band, Thresholds

SCHEMA_VERSION = 1
T = TypeVar("T")
_BAD: Any = object()  # marks a value that failed to load; errors say why

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
    Finding,
    KPIResult,
    KeyResultResult,
    ObjectiveResult,
    Scorecard,
)


class _Errors:
    """Problems found while loading, each with the path of the bad field."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, problem: str) -> Any:
        self.items.append(f"{path or '(top)'}: {problem}")
        return _BAD


def _show(value: object) -> str:
    text = repr(value)
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
    def __init__(self, choices: tuple[str, ...] = ()) -> None:
        self.choices = choices

    def dump(self, value: Any) -> Any:
        return value

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        if not isinstance(data, str):
            return errors.add(path, f"expected a string, got {_show(data)}")
        if self.choices and data not in self.choices:
            return errors.add(
                path, f"expected one of {list(self.choices)}, got {_show(data)}"
            )
        return data

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.choices)} if self.choices else {"type": "string"}


class _Number(Codec):
    """A finite number; with ``infinite=-1`` or ``1``, null stands for -inf/+inf."""

    def __init__(self, infinite: int = 0) -> None:
        self.infinite = infinite

    def dump(self, value: Any) -> Any:
        if self.infinite and math.isinf(value):
            return None
        return value

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        if data is None and self.infinite:
            return math.inf * self.infinite
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            return errors.add(path, f"expected a number, got {_show(data)}")
        if not math.isfinite(data):
            return errors.add(path, f"expected a finite number, got {_show(data)}")
        return float(data)

    def schema(self) -> dict[str, Any]:
        return {"type": ["number", "null"] if self.infinite else "number"}


class _Int(Codec):
    def dump(self, value: Any) -> Any:
        return value

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        if isinstance(data, bool) or not isinstance(data, int):
            return errors.add(path, f"expected an integer, got {_show(data)}")
        return data

    def schema(self) -> dict[str, Any]:
        return {"type": "integer"}


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
    """A calendar date as YYYY-MM-DD; with ``instant``, a datetime too."""

    def __init__(self, instant: bool = False) -> None:
        self.instant = instant

    def dump(self, value: Any) -> Any:
        return value.isoformat()

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
        expected = "an ISO date" + (" or date-time" if self.instant else "")
        if not isinstance(data, str):
            return errors.add(path, f"expected {expected}, got {_show(data)}")
        try:
            if len(data) == 10:
                return date.fromisoformat(data)
            if self.instant:
                return datetime.fromisoformat(data)
        except ValueError:
            pass
        return errors.add(path, f"expected {expected}, got {_show(data)}")

    def schema(self) -> dict[str, Any]:
        if self.instant:
            return {
                "type": "string",
                "anyOf": [{"format": "date"}, {"format": "date-time"}],
            }
        return {"type": "string", "format": "date"}


class _Duration(Codec):
    """A timedelta as a number of seconds."""

    def dump(self, value: Any) -> Any:
        return value.total_seconds()

    def load(self, data: Any, path: str, errors: _Errors) -> Any:
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
        return {"type": "number", "description": "seconds"}


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
            if not isinstance(item, dict):
                pairs.append(
                    errors.add(where, f"expected an object, got {_show(item)}")
                )
                continue
            period = _object(Period).load(item.get("period"), f"{where}.period", errors)
            value = _Number().load(item.get("value"), f"{where}.value", errors)
            pairs.append(_BAD if _BAD in (period, value) else (period, value))
        return _BAD if any(p is _BAD for p in pairs) else tuple(pairs)

    def schema(self) -> dict[str, Any]:
        return {
            "anyOf": [
                {"type": "number"},
                {"type": "null"},
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["period", "value"],
                        "properties": {
                            "period": {"$ref": "#/$defs/Period"},
                            "value": {"type": "number"},
                        },
                        "additionalProperties": False,
                    },
                },
            ]
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
        unknown = sorted(set(data) - set(self.fields) - {"schema_version", "type"})
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
        if unknown or any(v is _BAD for v in values.values()):
            return _BAD
        try:
            return self.kind(**values)
        except OkrkitError as exc:
            return errors.add(path, str(exc))

    def schema(self) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{self.kind.__name__}"}

    def definition(self) -> dict[str, Any]:
        required = [f for f in self.fields if not _has_default(self.kind, f)]
        return {
            "type": "object",
            "properties": {
                "schema_version": {"const": SCHEMA_VERSION},
                "type": {"const": self.kind.__name__},
                **{name: codec.schema() for name, codec in self.fields.items()},
            },
            "required": required,
            "additionalProperties": False,
        }


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


_OVERRIDES: dict[tuple[type, str], Codec] = {
    (Band, "lo"): _Number(infinite=-1),
    (Band, "hi"): _Number(infinite=1),
    (Measurement, "at"): _Date(instant=True),
    (KPI, "target"): _Target(),
    (KeyResult, "phases"): _List(_Pair(_Date(), _Number())),
    (Scorecard, "as_of"): _Date(instant=True),
}


def _fields_of(kind: type) -> dict[str, Codec]:
    hints = typing.get_type_hints(kind)
    result = {}
    for field in attrs.fields(kind):
        if not field.init:
            continue
        override = _OVERRIDES.get((kind, field.name))
        result[field.name] = override or _codec_for(hints[field.name], kind, field.name)
    return result


def _codec_for(hint: Any, kind: type, field: str) -> Codec:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2:
            return _Optional(_codec_for(rest[0], kind, field))
        # A union of Result types (Scorecard) never reaches here; others need
        # an override.
        raise TypeError(f"no codec for {kind.__name__}.{field}: {hint}")
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _List(_codec_for(args[0], kind, field))
    if origin is typing.Literal:
        return _Str(tuple(args))
    if hint is str:
        return _Str()
    if hint is float:
        return _Number()
    if hint is int:
        return _Int()
    if hint is bool:
        return _Bool()
    if hint is date:
        return _Date()
    if hint is timedelta:
        return _Duration()
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _Enum(hint)
    if isinstance(hint, type) and attrs.has(hint):
        return _object(hint)
    raise TypeError(f"no codec for {kind.__name__}.{field}: {hint}")


def to_dict(value: object) -> dict[str, Any]:
    """Return a domain value (or a Scorecard) as JSON-compatible data.

    Dates are ISO strings, units strings, enums their names, infinite band
    edges ``null``; the top level carries ``schema_version`` and ``type``.

    >>> from okrkit import Period
    >>> to_dict(Period.parse("2026-Q1"))
    {'schema_version': 1, 'type': 'Period', 'start': '2026-01-01', 'end': '2026-04-01'}
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


def from_dict(kind: type[T], data: object) -> T:
    """Build a domain value from data made by :func:`to_dict`.

    Every problem is reported at once, each with the path of the bad field.

    >>> from okrkit import KeyResult
    >>> from_dict(KeyResult, {"id": "k", "title": "K", "start": 0, "target": "ten",
    ...                       "weight": "heavy"})
    Traceback (most recent call last):
    ...
    okrkit.exceptions.SerializationError: 2 problems in KeyResult data: \
target: expected a number, got 'ten'; weight: expected a number, got 'heavy'.

    Field problems are found everywhere in one pass; an object whose fields
    all load is then built, and its own checks (such as ``start == target``)
    are reported with its path.
    """
    if kind not in TYPES:
        raise InvalidTypeError(
            subject="from_dict",
            field="kind",
            value=kind,
            expected="one of okrkit's domain types: "
            + ", ".join(t.__name__ for t in TYPES),
        )
    errors = _Errors()
    if not isinstance(data, Mapping):
        errors.add("", f"expected an object, got {_show(data)}")
    else:
        data = dict(data)
        version = data.get("schema_version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            errors.add(
                "schema_version", f"expected {SCHEMA_VERSION}, got {_show(version)}"
            )
        named = data.get("type", kind.__name__)
        if named != kind.__name__:
            errors.add("type", f"expected {kind.__name__!r}, got {_show(named)}")
        if not errors.items:
            value = _object(kind).load(data, "", errors)
            if not errors.items:
                return value  # type: ignore[no-any-return]
    count = len(errors.items)
    raise SerializationError(
        f"{count} problem{'s' if count != 1 else ''} in {kind.__name__} data: "
        + "; ".join(errors.items)
        + ".",
        subject=kind.__name__,
        problems=tuple(errors.items),
    )


def json_schema() -> dict[str, Any]:
    """Return a JSON Schema (draft 2020-12) for the data :func:`to_dict` makes.

    >>> schema = json_schema()
    >>> schema["$defs"]["Period"]["required"]
    ['start', 'end']
    """
    definitions = {kind.__name__: _object(kind).definition() for kind in TYPES}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://okrkit.invalid/schema/{SCHEMA_VERSION}",
        "title": "okrkit data",
        "description": f"Data made by okrkit.to_dict; schema_version {SCHEMA_VERSION}.",
        "oneOf": [
            {
                "allOf": [
                    {"$ref": f"#/$defs/{name}"},
                    {
                        "required": ["schema_version", "type"],
                        "properties": {"type": {"const": name}},
                    },
                ]
            }
            for name in definitions
        ],
        "$defs": definitions,
    }
