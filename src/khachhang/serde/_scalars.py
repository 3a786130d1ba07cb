"""Hooks for scalars: strings, numbers, enums, dates and times, durations and money.

Each reader takes JSON data and raises :class:`~khachhang.errors.ValidationError` with the
reason (the converter adds the path); each writer gives JSON data. They are the only
datetime and money parsers and writers of the library's JSON: rule documents
(:mod:`._segmentation`) use them too.
"""

from __future__ import annotations

import enum
import functools
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta, timezone
from decimal import Context, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from khachhang._checks import shown
from khachhang.errors import ValidationError, naive_datetime_reason
from khachhang.money import DEFAULT_CURRENCY, MAX_AMOUNT_TEXT, Money


def _structure_str(value: object, _: type) -> str:
    if type(value) is str:
        return value
    if not isinstance(value, str):
        msg = f"expected a string, got {type(value).__name__}"
        raise ValidationError("", msg)
    return value


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"expected an integer, got {type(value).__name__}"
        raise ValidationError("", msg)
    return value


def _structure_float(value: object, _: type) -> float:
    """A model parameter or probability (never money): a finite JSON number, not a flag."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        msg = f"expected a number, got {type(value).__name__}"
        raise ValidationError("", msg)
    number = float(value)
    if not math.isfinite(number):
        raise ValidationError("", f"expected a finite number, got {value!r}")
    return number


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        msg = f"expected true or false, got {type(value).__name__}"
        raise ValidationError("", msg)
    return value


DECIMAL_TEXT = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
"""A decimal number as JSON holds it: ASCII digits, an optional sign, point and exponent
(``Decimal()`` also takes spaces, ``_`` and other scripts' digits; JSON data does not)."""
_DECIMAL_TEXT = re.compile(DECIMAL_TEXT)


def _loose(value: str) -> bool:
    """Whether ``value`` is a finite number only Python reads: spaces, ``_``, other
    scripts' digits (anything else not plain is refused later, by its own reason)."""
    if _DECIMAL_TEXT.fullmatch(value):
        return False
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


def _plain_decimal(value: str, what: str) -> None:
    if _loose(value):
        raise ValidationError("", f"not {what}: {shown(value)}")


def _structure_decimal(value: object, _: type) -> Decimal:
    if isinstance(value, Decimal):
        value = str(value)
    if isinstance(value, (bool, float)) or not isinstance(value, (str, int)):
        msg = f"expected a decimal string, got {type(value).__name__}"
        raise ValidationError("", msg)
    if isinstance(value, str):
        _plain_decimal(value, "a decimal number")
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise ValidationError("", f"not a decimal number: {shown(value)}") from None
    if not result.is_finite():
        raise ValidationError("", f"not a finite number: {shown(value)}")
    return result


_FOLD_NEEDS_ZONEINFO = (
    "a time in a repeated or skipped hour needs a zoneinfo.ZoneInfo zone to be stored; "
    "use ZoneInfo(...) or convert to UTC"
)


class _FoldLostError(Exception):
    """Raised by the datetime writer; :func:`~khachhang.serde.to_dict` finds the path."""


def _fold_lost(value: object) -> bool:
    """Whether ``value`` is a time whose offset depends on ``fold`` in a zone that the
    JSON cannot name (anything but a ``ZoneInfo`` with a key), so it would read back wrong."""
    if not isinstance(value, datetime) or value.tzinfo is None or type(value.tzinfo) is timezone:
        return False
    if isinstance(value.tzinfo, ZoneInfo) and value.tzinfo.key:
        return False
    return value.replace(fold=1 - value.fold).utcoffset() != value.utcoffset()


def _unstructure_datetime(value: datetime) -> str:
    """ISO 8601 with the offset; a ``ZoneInfo`` time whose offset depends on ``fold`` (a
    repeated or skipped hour) also keeps its zone, so it reads back equal. Such a time in
    any other zone is refused (:class:`_FoldLostError`): its fold could not be kept."""
    text = value.isoformat()
    zone = value.tzinfo
    if zone is None or type(zone) is timezone:
        return text
    if value.replace(fold=1 - value.fold).utcoffset() == value.utcoffset():
        return text
    if not isinstance(zone, ZoneInfo) or not zone.key:
        raise _FoldLostError
    return f"{text}[{zone.key}]"


_ZONE_KEY = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*")


@functools.lru_cache(maxsize=64)
def _zone(key: str) -> ZoneInfo:
    return ZoneInfo(key)


def _in_zone(parsed: datetime, key: str, value: str) -> datetime:
    """``parsed`` (a fixed offset) as the wall time and fold of zone ``key``."""
    if len(key) > 64 or not _ZONE_KEY.fullmatch(key):
        raise ValidationError("", f"not a time zone name: {shown(key)}")
    try:
        zone = _zone(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationError("", f"unknown time zone {shown(key)}") from None
    naive = parsed.replace(tzinfo=None)
    for fold in (0, 1):
        local = naive.replace(tzinfo=zone, fold=fold)
        if local.utcoffset() == parsed.utcoffset():
            return local
    raise ValidationError("", f"{shown(value)}: {key} has no such offset at that time")


# Equal fixed offsets share one ``timezone``: ``fromisoformat`` makes a new one per value,
# and a datetime whose tzinfo *is* its peer's compares without calling ``utcoffset`` (a
# snapshot's date fields read about 1.5x as fast on a book loaded from JSON) and holds
# no copy of its own. Real offsets are a few dozen; the bound keeps forged ones from growing it.
_OFFSETS: dict[timedelta | None, timezone] = {}
_OFFSETS_SIZE = 256


def _shared_offset(parsed: datetime) -> datetime:
    zone = parsed.tzinfo
    if zone is timezone.utc or type(zone) is not timezone:
        return parsed
    offset = zone.utcoffset(None)
    shared = _OFFSETS.get(offset)
    if shared is None:
        if len(_OFFSETS) >= _OFFSETS_SIZE:
            return parsed
        shared = _OFFSETS[offset] = zone
    if shared is zone:
        return parsed
    try:  # astimezone, several times cheaper than replace; same offset, same wall time
        return parsed.astimezone(shared)
    except OverflowError:  # via UTC, past year 1 or 9999: keep its own (the rules refuse it)
        return parsed


def _structure_datetime(value: object, _: type) -> datetime:
    if not isinstance(value, str):
        msg = f"expected an ISO 8601 string, got {type(value).__name__}"
        raise ValidationError("", msg)
    key = None
    if value.endswith("]") and "[" in value:
        head, _sep, tail = value.partition("[")
        key, value = tail[:-1], head
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError("", f"not an ISO 8601 datetime: {shown(value)}") from None
    if parsed.tzinfo is None:  # fromisoformat gives a fixed offset or nothing
        raise ValidationError("", naive_datetime_reason(parsed, value))
    return _shared_offset(parsed) if key is None else _in_zone(parsed, key, value)


def _structure_date(value: object, _: type) -> date:
    if not isinstance(value, str):
        msg = f"expected an ISO date string, got {type(value).__name__}"
        raise ValidationError("", msg)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError("", f"not an ISO date (YYYY-MM-DD): {shown(value)}") from None


def _structure_time(value: object, _: type) -> time:
    if not isinstance(value, str):
        raise ValidationError("", f"expected an ISO time string, got {type(value).__name__}")
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ValidationError("", f"not an ISO time (HH:MM[:SS]): {shown(value)}") from None


# Exact for every timedelta (at most 21 digits); never the caller's thread-local context.
_SECONDS_CONTEXT = Context(prec=40, traps=[InvalidOperation])
# The exact bounds of a timedelta in seconds; not symmetric: min is -86399999913600 s.
_MIN_SECONDS = Decimal(timedelta.min // timedelta(microseconds=1)).scaleb(-6, _SECONDS_CONTEXT)
_MAX_SECONDS = Decimal(timedelta.max // timedelta(microseconds=1)).scaleb(-6, _SECONDS_CONTEXT)


def _unstructure_timedelta(value: timedelta) -> str:
    micros = (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    seconds = Decimal(micros).scaleb(-6, _SECONDS_CONTEXT)
    return format(seconds.normalize(_SECONDS_CONTEXT), "f") if seconds else "0"


def _structure_timedelta(value: object, _: type) -> timedelta:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        msg = f"expected a duration in seconds as a decimal string, got {type(value).__name__}"
        raise ValidationError("", msg)
    if isinstance(value, str):
        _plain_decimal(value, "a number of seconds")
    try:
        seconds = Decimal(value)
    except InvalidOperation:
        raise ValidationError("", f"not a number of seconds: {shown(value)}") from None
    if not seconds.is_finite() or not _MIN_SECONDS <= seconds <= _MAX_SECONDS:
        raise ValidationError("", f"not a usable duration: {shown(value)}")
    # Exact: a digit below the microsecond is refused however far down it is.
    _sign, digits, exponent = seconds.as_tuple()
    if isinstance(exponent, int) and exponent < -6 and any(digits[exponent + 6 :]):
        raise ValidationError("", f"finer than a microsecond: {shown(value)}")
    return timedelta(microseconds=int(seconds.scaleb(6, _SECONDS_CONTEXT)))


def _unstructure_money(money: Money) -> dict[str, str]:
    return {"amount": str(money.amount), "currency": money.currency}


_MONEY_KEYS = frozenset({"amount", "currency"})


# Money is immutable and Money(amount, currency) a pure function of two strings, so the
# values read most recently are kept: catalogue prices and amounts repeat across orders.
# Bounded in bytes, not only in entries: only short texts are kept (every amount in
# range, written plainly, fits in 24 characters), so 4096 entries hold at most about
# 1.5 MB, whatever the documents (longer, padded texts are built but never kept).
_MONEY_CACHE: dict[tuple[str, str], Money] = {}
_MONEY_CACHE_SIZE = 4096
_MONEY_CACHE_TEXT = 24


def _structure_money(value: object, _: type) -> Money:
    if type(value) is dict and len(value) == 2 and value.keys() == _MONEY_KEYS:
        amount = value["amount"]
        currency = value["currency"]
        if type(amount) is str and type(currency) is str:
            if len(amount) > _MONEY_CACHE_TEXT or len(currency) > 3:
                _plain_amount(amount)
                return Money(amount, currency)  # refuses a text over MAX_AMOUNT_TEXT
            key = (amount, currency)
            money = _MONEY_CACHE.get(key)
            if money is None:
                _plain_amount(amount)
                money = Money(amount, currency)  # raises for bad input: never cached
                if len(_MONEY_CACHE) >= _MONEY_CACHE_SIZE:
                    _MONEY_CACHE.clear()
                _MONEY_CACHE[key] = money
            return money
        if type(amount) is int:
            return Money(amount, currency)
    if not isinstance(value, Mapping):
        msg = f"expected an object with amount and currency, got {type(value).__name__}"
        raise ValidationError("", msg)
    extra = set(value) - {"amount", "currency"}
    if extra:
        raise ValidationError("", f"unknown key(s): {_keys(extra)}")
    if "amount" not in value:
        raise ValidationError("amount", "required field missing")
    amount = value["amount"]
    if isinstance(amount, (bool, float)) or not isinstance(amount, (str, int, Decimal)):
        msg = f"expected a decimal string, got {type(amount).__name__}"
        raise ValidationError("amount", msg)
    if isinstance(amount, str):
        _plain_amount(amount)
    currency = value.get("currency", DEFAULT_CURRENCY)
    return Money(amount, currency)


def _plain_amount(amount: str) -> None:
    if len(amount) <= MAX_AMOUNT_TEXT and _loose(amount):
        raise ValidationError("amount", f"not a decimal number: {shown(amount)}")


@functools.cache  # one hook per enum: the purchase shortcut recognises it
def _enum_hook(cls: type[enum.Enum]) -> Callable[[object, type], enum.Enum]:
    members = {member.value: member for member in cls}
    accepted = ", ".join(str(v) for v in members)

    def structure(value: object, _: type) -> enum.Enum:
        try:
            return members[value]
        except (KeyError, TypeError):
            msg = f"{shown(value)} is not a valid {cls.__name__}; expected one of: {accepted}"
            raise ValidationError("", msg) from None

    return structure


SCALARS: tuple[tuple[type, Callable[[Any], Any] | None, Callable[[object, type], Any]], ...] = (
    (str, None, _structure_str),
    (int, None, _structure_int),
    (float, None, _structure_float),
    (bool, None, _structure_bool),
    (Decimal, str, _structure_decimal),
    (datetime, _unstructure_datetime, _structure_datetime),
    (date, date.isoformat, _structure_date),
    (time, time.isoformat, _structure_time),
    (timedelta, _unstructure_timedelta, _structure_timedelta),
    (Money, _unstructure_money, _structure_money),
)
"""Each scalar type with its writer (``None``: cattrs writes it as is) and its reader."""


# A C-level getter: called for every enum value written (``member._value_``).
_enum_unstructure: Callable[[enum.Enum], Any] = operator.attrgetter("_value_")


def _keys(keys: Iterable[object]) -> str:
    names = [k if isinstance(k, str) else repr(k) for k in keys]
    return ", ".join(sorted(names))
