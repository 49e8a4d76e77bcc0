"""Units of measure: okrkit's own pint registry and the conversions it allows.

Units are pint units named by strings (``"USD"``, ``"percent"``, ``"hour"``,
``"star"``) or given as pint objects, from any registry (they are read by
name).  okrkit keeps a registry of its own, so importing it changes no global
pint state, and adds to pint's defaults:

* every ISO 4217 currency as a dimension of its own: ``USD`` never converts to
  ``EUR`` (okrkit knows no exchange rates);
* ``star`` for ratings, a dimension of its own.

pint's ``month`` and ``year`` (and other calendar-length units such as
``decade``) are refused: pint makes them 30.44 and 365.25 days, which is never
what a calendar month or year is.  A count noun that is not a unit
(``"customers"``) belongs in a ``label``.

``None`` means "no unit" and converts like pint's ``dimensionless``, so a
share given as ``0.3`` and one given as ``30 percent`` agree.

Two units convert only when they reduce to the same base units.  pint calls
counts, angles and plain ratios all "dimensionless", but okrkit keeps them
apart: ``degree`` converts only to other angles (``radian``, ``turn``),
``percent`` only to ratios (``ppm``) and ``count`` only to counts; "no unit"
is a plain number, which takes ratios and counts alike.  So 50 % is never
read as half a thing, nor as an angle.

A unit expression is short (at most 200 characters) and its exponents are
plain numbers from -12 to 12 (``m**2``, ``s**-1``): ``m**9**9**9`` is
refused before pint evaluates it.

The registry is built on first use, not at import, so ``import okrkit``
stays fast for programs that never touch a unit.

>>> from okrkit import units
>>> units.normalize_unit("%"), units.normalize_unit("USD/hour")
('percent', 'USD / hour')
>>> units.convert(90, "minute", "hour")
1.5
>>> units.convert(0.25, None, "percent")
25.0
>>> units.is_currency("EUR")
True
"""

from __future__ import annotations

import functools
import math
import re
import sys
import threading
from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard

import attrs

from okrkit import _validate
from okrkit.exceptions import (
    IncompatibleUnitsError,
    InvalidTypeError,
    InvalidValueError,
    OkrkitError,
    UnknownUnitError,
)

if TYPE_CHECKING:
    import pint

__all__ = [
    "CURRENCIES",
    "Conversion",
    "UnitLike",
    "conversion",
    "convert",
    "is_currency",
    "normalize_unit",
    "parse_unit",
    "quantity",
    "symbol",
]

#: Anything okrkit accepts where a unit is expected.
UnitLike: TypeAlias = "str | pint.Unit | None"

#: ISO 4217 currency codes in use (plus precious metals and SDR), each its own
#: dimension in okrkit's registry.
CURRENCIES: frozenset[str] = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND
    BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF
    DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD
    HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
    KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR
    MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
    PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN
    SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES
    VND VUV WST XAF XCD XCG XDR XOF XPF YER ZAR ZMW ZWG XAU XAG XPT XPD
    """.split()  # noqa: SIM905 - a block of codes reads better than a list
)

_CALENDAR_DAYS = 27.0  # a time unit this long or longer is calendar-dependent


_MAX_LENGTH = 200  # characters in a unit expression
_MAX_EXPONENT = 12  # m**3, s**-2: nothing real needs more
# A power operator followed by anything but a plain, small number (9**9**9,
# 1e400, a parenthesis) could make pint compute for seconds.
_POWER = re.compile(r"(\*\*|\^)\s*([+-]?)\s*(\d{1,3}(?:\.\d{0,6})?)?")
_CHAINED = re.compile(r"(\*\*|\^)\s*[+-]?\s*[\d.]+\s*(\*\*|\^)")


def _build_registry() -> pint.UnitRegistry[Any]:
    import pint  # importing pint costs ~0.4 s: only on first use

    registry: pint.UnitRegistry[Any] = pint.UnitRegistry(cache_folder=None)
    for code in sorted(CURRENCIES):
        registry.define(f"{code} = [currency_{code}]")
    registry.define("star = [rating]")
    return registry


# Built on first use (reading pint's definitions costs about half a second,
# which importing okrkit should not pay), never changed afterwards; the lock
# guards the one-time build and pint's internal parse caches.
_LOCK = threading.RLock()
_BUILT: list[pint.UnitRegistry[Any]] = []


def _registry() -> pint.UnitRegistry[Any]:
    if not _BUILT:
        with _LOCK:
            if not _BUILT:  # another thread may have built it meanwhile
                _BUILT.append(_build_registry())
    return _BUILT[0]


@attrs.frozen
class Conversion:
    """An affine conversion ``value * scale + offset`` between two units.

    >>> conversion("hour", "minute")
    Conversion(scale=60.0, offset=0.0)
    >>> round(conversion("degC", "degF").apply(100), 9)
    212.0
    >>> conversion("hour", "minute").apply(1.5)
    90.0
    """

    scale: float
    offset: float = 0.0

    def apply(self, value: float) -> float:
        """Convert one value; an error if the result is too large for a float."""
        number = _validate.real("Conversion.apply", "value", value)
        converted = number * self.scale + self.offset
        if not math.isfinite(converted):
            raise InvalidValueError(
                subject="Conversion.apply",
                field="value",
                value=value,
                expected=f"a value whose conversion (x {self.scale!r} + "
                f"{self.offset!r}) is a finite number",
            )
        return converted


def is_unit(value: object) -> TypeGuard[pint.Unit]:
    """Tell whether ``value`` is a pint unit, of any registry.

    Without pint imported, nothing can be a pint object: no import needed.
    """
    module = sys.modules.get("pint")
    return module is not None and isinstance(value, module.Unit)


def is_quantity(value: object) -> TypeGuard[pint.Quantity[Any]]:
    """Tell whether ``value`` is a pint quantity, of any registry."""
    module = sys.modules.get("pint")
    return module is not None and isinstance(value, module.Quantity)


def _pint_error() -> type[Exception]:
    _registry()  # imports pint
    error: type[Exception] = sys.modules["pint"].DimensionalityError
    return error


def _unit_name(unit: object, field: str) -> str:
    if isinstance(unit, str):
        return unit.strip()
    if is_unit(unit):  # from any registry: read it by name
        return str(unit)
    raise InvalidTypeError(
        subject="unit",
        field=field,
        value=unit,
        expected="a unit name such as 'USD' or 'hour', or a pint unit",
    )


def _refuse(name: str, expected: str) -> UnknownUnitError:
    return UnknownUnitError(subject="unit", field="unit", value=name, expected=expected)


_BOUNDS = (
    f"a unit expression of at most {_MAX_LENGTH} characters whose exponents "
    f"are plain numbers from -{_MAX_EXPONENT} to {_MAX_EXPONENT}, such as "
    "'m**2' or 'USD / hour'"
)


def _check_bounds(name: str) -> None:
    """Refuse expressions that could make pint compute for long (see above)."""
    if len(name) > _MAX_LENGTH or _CHAINED.search(name):
        raise _refuse(name, _BOUNDS)
    for match in _POWER.finditer(name):
        if match[3] is None or float(match[3]) > _MAX_EXPONENT:
            raise _refuse(name, _BOUNDS)


def _unknown(name: str) -> UnknownUnitError:
    if name.upper() in CURRENCIES:
        hint = f"the currency code {name.upper()!r} (codes are upper case)"
    else:
        hint = (
            "a unit okrkit knows (for a count noun such as "
            f"{name!r}, pass label={name!r} and no unit)"
        )
    return UnknownUnitError(subject="unit", field="unit", value=name, expected=hint)


_LOGARITHMIC = (
    "a unit on a linear scale: logarithmic units (dB, dBm, neper) do not "
    "convert by a factor and an offset, so okrkit does not take them"
)


def _logarithmic(registry: Any, part: str) -> bool:
    """Whether a unit of an expression is logarithmic (dB, dBm, neper...)."""
    try:
        with _LOCK:
            names = registry.parse_unit_name(part)
            return any(
                getattr(registry._units[unit].converter, "is_logarithmic", False)
                for _, unit, _ in names
            )
    except Exception:  # not a name pint can split: the checks after it decide
        return False


@functools.lru_cache(maxsize=4096)
def _parse(name: str) -> pint.Unit:
    _check_bounds(name)
    registry = _registry()
    try:
        with _LOCK:
            unit = registry.parse_units(name)
    except Exception as exc:  # pint's parser raises many types; translate them
        raise _unknown(name) from exc
    for part, power in unit._units.items():
        size_of_power = abs(float(power))  # type: ignore[arg-type]  # a real
        if not size_of_power <= _MAX_EXPONENT:  # also refuses nan
            raise _refuse(name, _BOUNDS)  # e.g. superscripts: m⁹⁹⁹
        if _logarithmic(registry, part):
            raise _refuse(name, _LOGARITHMIC)
        try:
            with _LOCK:
                size = registry.Quantity(1, part)
                calendar = (
                    size.check("[time]") and size.to("day").magnitude >= _CALENDAR_DAYS
                )
        except Exception as exc:  # pint's own errors (a 'delta_decibel' of dB/s)
            raise _unknown(name) from exc
        if calendar:
            raise InvalidValueError(
                subject="unit",
                field="unit",
                value=name,
                expected=(
                    "a unit of fixed length: pint's month and year are 30.44 and "
                    "365.25 days; measure in days or weeks, or use calendar "
                    "periods (Period.month, Period.year)"
                ),
            )
    return unit


def parse_unit(unit: str | pint.Unit) -> pint.Unit:
    """Return the pint unit (of okrkit's registry) for a name or a pint unit.

    >>> str(parse_unit("hours")), str(parse_unit("kUSD"))
    ('hour', 'kiloUSD')
    >>> parse_unit("year")
    Traceback (most recent call last):
    ...
    okrkit.exceptions.InvalidValueError: unit: field 'unit' got 'year'; expected \
a unit of fixed length: pint's month and year are 30.44 and 365.25 days; \
measure in days or weeks, or use calendar periods (Period.month, Period.year).
    """
    return _parse(_unit_name(unit, "unit"))


def normalize_unit(unit: UnitLike) -> str | None:
    """Return the canonical name of a unit, or ``None`` for no unit.

    >>> normalize_unit("hours"), normalize_unit(""), normalize_unit(None)
    ('hour', None, None)
    """
    if unit is None:
        return None
    return _normalize(_unit_name(unit, "unit"))


def normalize_for(subject: str, field: str, unit: object) -> str | None:
    """Normalize a unit given to ``subject``'s ``field``, naming both on error."""
    try:
        return normalize_unit(unit)  # type: ignore[arg-type]  # checked inside
    except OkrkitError as exc:
        raise type(exc)(
            subject=subject, field=field, value=unit, expected=exc.expected
        ) from exc


@functools.lru_cache(maxsize=4096)
def _normalize(name: str) -> str | None:
    # Formatting a pint unit costs ~20 us; series look units up constantly.
    if not name:
        return None
    parsed = _parse(name)
    return None if parsed.dimensionless and not parsed._units else str(parsed)


def _same_kind(
    registry: pint.UnitRegistry[Any], src: pint.Unit, dst: pint.Unit, *, plain: bool
) -> bool:
    """Tell whether two units reduce to the same base units.

    With no unit on one side (``plain``), a count converts too: "no unit" is
    a plain number, and 3 counts are 3.
    """
    bases = {str(registry.get_root_units(unit)[1]) for unit in (src, dst)}
    return len(bases) == 1 or (plain and bases == {"dimensionless", "count"})


@functools.lru_cache(maxsize=4096)
def _conversion(source: str | None, target: str | None) -> Conversion:
    if source == target:
        return Conversion(1.0)
    registry = _registry()
    src = _parse(source) if source else registry.dimensionless
    dst = _parse(target) if target else registry.dimensionless
    expected = f"a unit convertible to {target!r}"
    try:
        with _LOCK:
            same_base = _same_kind(registry, src, dst, plain=not (source and target))
            zero = registry.Quantity(0.0, src).to(dst).magnitude
            one = registry.Quantity(1.0, src).to(dst).magnitude
    except _pint_error() as exc:
        raise IncompatibleUnitsError(
            subject="unit", field="unit", value=source, expected=expected
        ) from exc
    if not same_base:  # pint would convert counts, angles and ratios freely
        raise IncompatibleUnitsError(
            subject="unit",
            field="unit",
            value=source,
            expected=f"{expected} (counts, angles and plain ratios are "
            "different kinds and never convert into each other)",
        )
    return Conversion(float(one - zero), float(zero))


def conversion(source: UnitLike, target: UnitLike) -> Conversion:
    """Return the conversion from ``source`` to ``target``, computed once and cached.

    >>> conversion("percent", None)
    Conversion(scale=0.01, offset=0.0)
    """
    return _conversion(normalize_unit(source), normalize_unit(target))


def convert(value: float, source: UnitLike, target: UnitLike) -> float:
    """Convert one number from ``source`` to ``target``.

    >>> convert(2, "week", "day")
    14.0
    """
    number = _validate.real("convert", "value", value)
    return conversion(source, target).apply(number)


def quantity(value: float, unit: UnitLike) -> pint.Quantity[Any]:
    """Return a pint quantity of okrkit's registry.

    >>> quantity(3, "USD")
    <Quantity(3.0, 'USD')>
    """
    number = _validate.real("quantity", "value", value)
    name = normalize_unit(unit)
    registry = _registry()
    parsed = _parse(name) if name else registry.dimensionless
    with _LOCK:
        return registry.Quantity(number, parsed)


def symbol(unit: UnitLike) -> str:
    """Return the short symbol people read for a unit ("" for no unit).

    >>> symbol("percent"), symbol("hour"), symbol("USD/hour"), symbol(None)
    ('%', 'h', 'USD / h', '')
    """
    name = normalize_unit(unit)
    return _symbol(name) if name else ""


@functools.lru_cache(maxsize=4096)
def _symbol(name: str) -> str:
    parsed = _parse(name)
    with _LOCK:
        return f"{parsed:~}"


def is_currency(unit: UnitLike) -> bool:
    """Tell whether a unit is a single currency.

    >>> is_currency("USD"), is_currency("USD/hour"), is_currency("hour")
    (True, False, False)
    """
    name = normalize_unit(unit)
    return name in CURRENCIES


def split_quantity(value: pint.Quantity[Any]) -> tuple[Any, str]:
    """Split a pint quantity (of any registry) into its number and unit name."""
    return value.magnitude, str(value.units)
