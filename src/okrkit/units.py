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
import threading
from typing import Any

import attrs
import pint

from okrkit import _validate
from okrkit.exceptions import (
    IncompatibleUnitsError,
    InvalidTypeError,
    InvalidValueError,
    OkrkitError,
    UnknownUnitError,
)

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
UnitLike = str | pint.Unit | None

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


def _build_registry() -> pint.UnitRegistry[Any]:
    registry: pint.UnitRegistry[Any] = pint.UnitRegistry(cache_folder=None)
    for code in sorted(CURRENCIES):
        registry.define(f"{code} = [currency_{code}]")
    registry.define("star = [rating]")
    return registry


# Built once at import (pint reads its bundled definitions then), never
# changed afterwards; the lock guards pint's internal parse caches.
_REGISTRY = _build_registry()
_LOCK = threading.Lock()
_DAY = _REGISTRY.Quantity(1, "day")


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
        """Convert one value."""
        return value * self.scale + self.offset


def _unit_name(unit: object, field: str) -> str:
    if isinstance(unit, str):
        return unit.strip()
    if isinstance(unit, pint.Unit):  # from any registry: read it by name
        return str(unit)
    raise InvalidTypeError(
        subject="unit",
        field=field,
        value=unit,
        expected="a unit name such as 'USD' or 'hour', or a pint unit",
    )


@functools.lru_cache(maxsize=4096)
def _parse(name: str) -> pint.Unit:
    try:
        with _LOCK:
            unit = _REGISTRY.parse_units(name)
    except Exception as exc:  # pint's parser raises many types; translate them
        raise UnknownUnitError(
            subject="unit",
            field="unit",
            value=name,
            expected=(
                "a unit okrkit knows (for a count noun such as "
                f"{name!r}, pass label={name!r} and no unit)"
            ),
        ) from exc
    for part in unit._units:
        with _LOCK:
            size = _REGISTRY.Quantity(1, part)
            calendar = (
                size.check("[time]") and size.to("day").magnitude >= _CALENDAR_DAYS
            )
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


@functools.lru_cache(maxsize=4096)
def _conversion(source: str | None, target: str | None) -> Conversion:
    if source == target:
        return Conversion(1.0)
    src = _parse(source) if source else _REGISTRY.dimensionless
    dst = _parse(target) if target else _REGISTRY.dimensionless
    try:
        with _LOCK:
            zero = _REGISTRY.Quantity(0.0, src).to(dst).magnitude
            one = _REGISTRY.Quantity(1.0, src).to(dst).magnitude
    except pint.DimensionalityError as exc:
        raise IncompatibleUnitsError(
            subject="unit",
            field="unit",
            value=source,
            expected=f"a unit convertible to {target!r}",
        ) from exc
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
    parsed = _parse(name) if name else _REGISTRY.dimensionless
    with _LOCK:
        return _REGISTRY.Quantity(number, parsed)


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
