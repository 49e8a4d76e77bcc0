"""Write docs/reference.md from the public modules' ``__all__`` and docstrings.

Run: python docs/make_reference.py [OUTPUT]   (default: docs/reference.md)

Each public name gets its signature and the first line of its docstring;
classes list their own public methods and properties. The page is made, not
written by hand, so it never misses a name (tests/test_api.py checks it).
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
import sys
import typing
from pathlib import Path

MODULES = (
    "okrkit",
    "okrkit.alignment",
    "okrkit.exceptions",
    "okrkit.plot",
    "okrkit.scoring",
    "okrkit.testing",
    "okrkit.thresholds",
    "okrkit.units",
)

HEADER = """# Reference

Every public name, by module, with its signature and what it is for. Each
name's docstring (`help(name)`) has the details and a runnable example; the
[explanations](index.md#explanation) show how the numbers are computed.
This page is made by `docs/make_reference.py`; a test checks that it names
everything `__all__` exports.
"""


def first_line(value: object) -> str:
    """The first line of a docstring."""
    doc = inspect.getdoc(value) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _plain(value: object) -> str:
    """A repr without memory addresses or set order: the same on every run."""
    if isinstance(value, (set, frozenset)):
        return f"{type(value).__name__}({sorted(map(repr, value))})".replace('"', "")
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))


def _annotation(annotation: object) -> str:
    if isinstance(annotation, str):
        return annotation  # postponed annotations are already source text
    return inspect.formatannotation(annotation)


def signature(value: object, *, skip_first: bool = False) -> str:
    """The signature as written in the source: ``(day: date) -> float | None``."""
    try:
        found = inspect.signature(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    parts = []
    seen_star = False
    parameters = list(found.parameters.values())[1 if skip_first else 0 :]
    for parameter in parameters:
        kind = parameter.kind
        if kind is parameter.KEYWORD_ONLY and not seen_star:
            parts.append("*")
            seen_star = True
        text = parameter.name
        if kind is parameter.VAR_POSITIONAL:
            text, seen_star = f"*{text}", True
        elif kind is parameter.VAR_KEYWORD:
            text = f"**{text}"
        if parameter.annotation is not parameter.empty:
            text += f": {_annotation(parameter.annotation)}"
        if parameter.default is not parameter.empty:
            text += f" = {_plain(parameter.default)}"
        parts.append(text)
    result = f"({', '.join(parts)})"
    if found.return_annotation is not found.empty:
        result += f" -> {_annotation(found.return_annotation)}"
    return result


def members(cls: type) -> list[str]:
    """Lines for a class's own public methods and properties."""
    lines = []
    for name, member in cls.__dict__.items():
        if name.startswith("_"):
            continue
        if isinstance(member, property):
            lines.append(f"  - `{cls.__name__}.{name}` — {first_line(member)}")
        elif isinstance(member, (classmethod, staticmethod)):
            function = member.__func__
            text = signature(function, skip_first=isinstance(member, classmethod))
            lines.append(f"  - `{cls.__name__}.{name}{text}` — {first_line(function)}")
        elif inspect.isfunction(member):
            text = signature(member, skip_first=True)
            lines.append(f"  - `{cls.__name__}.{name}{text}` — {first_line(member)}")
    return lines


def entry(name: str, value: object) -> list[str]:
    """Lines for one public name."""
    if inspect.isclass(value):
        if issubclass(value, enum.Enum):
            names = ", ".join(member.name for member in value)
            return [
                f"- **`{name}`** (class) — {first_line(value)} Members: {names}.",
                *members(value),
            ]
        if issubclass(value, BaseException):
            return [f"- **`{name}`** (class) — {first_line(value)}"]
        init = signature(value.__init__, skip_first=True)  # type: ignore[misc]
        return [
            f"- **`{name}{init}`** (class) — {first_line(value)}",
            *members(value),
        ]
    if inspect.isfunction(value):
        return [f"- **`{name}{signature(value)}`** — {first_line(value)}"]
    if typing.get_origin(value) is not None or isinstance(value, type(int | None)):
        return [f"- **`{name}`** — type alias: `{value}`"]
    shown = _plain(value)
    if len(shown) > 120:
        shown = shown[:117] + "..."
    return [f"- **`{name}`** — `{shown}`"]


def reference() -> str:
    """The whole page."""
    lines = [HEADER]
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        lines.append(f"## `{module_name}`\n")
        if module.__doc__:
            lines.append(first_line(module) + "\n")
        for name in module.__all__:
            lines.extend(entry(name, getattr(module, name)))
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    """Write the page."""
    root = Path(__file__).parent
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "reference.md"
    out.write_text(reference(), encoding="utf-8")


if __name__ == "__main__":
    main()
