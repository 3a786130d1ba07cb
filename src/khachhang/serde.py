"""The one converter: every public model to JSON-compatible data and back, losslessly.

Models know nothing of serialisation (cattrs' "keep 'em separated"); all hooks live
here and in the packages' private ``_serde`` modules this one installs. Conventions:
``Decimal`` as a string, datetimes as ISO 8601 with their offset (and, in a repeated or
skipped hour of a named zone, the zone as RFC 9557 writes it:
``2026-10-25T02:15:00+01:00[Europe/Berlin]``), dates as ISO dates,
times of day as ISO ``HH:MM[:SS]``, durations (``timedelta``) as their exact length in
seconds as a decimal string (``"14400"``, ``"0.5"``), enums by value, sets as sorted
lists, the party union and event payloads tagged with ``"type"``.

>>> from datetime import datetime, timezone
>>> from khachhang import Customer, Person, Money
>>> from khachhang.customers import Purchase
>>> t = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
>>> c = Customer("c-1", Person("Phạm Thu Hà"), created_at=t, tags={"vip", "hanoi"})
>>> data = to_dict(c)
>>> data["party"]["type"], data["tags"], data["created_at"]
('person', ['hanoi', 'vip'], '2026-01-05T09:00:00+00:00')
>>> from_json(to_json(c), Customer) == c
True

Bad data raises one :class:`~khachhang.errors.ConversionError` listing every bad path:

>>> bad = dict(data, created_at="yesterday", scope="outer space")
>>> from_dict(bad, Customer)
Traceback (most recent call last):
...
khachhang.errors.ConversionError: cannot build Customer: 2 problem(s)
  $.created_at: not an ISO 8601 datetime: 'yesterday'
  $.scope: 'outer space' is not a valid Scope; expected one of: internal, external

Your own hooks: :data:`converter` is the only converter these functions use. Register
hooks on it as on any cattrs converter; they reach :func:`to_dict`, :func:`to_json`,
:func:`from_dict`, :func:`from_json` and values nested anywhere in a model, whenever they
are registered (see docs/serde.md, "Your own hooks").
"""

from __future__ import annotations

import enum
import functools
import json
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta, timezone
from decimal import Context, Decimal, InvalidOperation
from types import UnionType
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, Union, get_args, get_origin, overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
    StructureHandlerNotFoundError,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from khachhang._checks import shown
from khachhang.errors import (
    ConversionError,
    KhachHangError,
    ValidationError,
    naive_datetime_reason,
)
from khachhang.fsm import Payload
from khachhang.money import Money
from khachhang.parties import Organization, Party, Person

if TYPE_CHECKING:
    from attrs import AttrsInstance

__all__ = [
    "JSONObject",
    "JSONValue",
    "converter",
    "from_dict",
    "from_json",
    "register_payload",
    "to_dict",
    "to_json",
]

T = TypeVar("T")

JSONValue: TypeAlias = dict[str, "JSONValue"] | list["JSONValue"] | str | int | float | bool | None
"""What :func:`to_dict` returns and :func:`from_dict` reads: data :mod:`json` writes as is."""
JSONObject: TypeAlias = dict[str, JSONValue]
"""A JSON object: what :func:`to_dict` returns for a model."""

_PAYLOADS: dict[str, type[Payload]] = {}
_PAYLOAD_TAGS: dict[type[Payload], str] = {}
_MAX_JSON_CHARS = 50_000_000


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


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        msg = f"expected true or false, got {type(value).__name__}"
        raise ValidationError("", msg)
    return value


def _structure_decimal(value: object, _: type) -> Decimal:
    if isinstance(value, Decimal):
        value = str(value)
    if isinstance(value, (bool, float)) or not isinstance(value, (str, int)):
        msg = f"expected a decimal string, got {type(value).__name__}"
        raise ValidationError("", msg)
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise ValidationError("", f"not a decimal number: {shown(value)}") from None
    if not result.is_finite():
        raise ValidationError("", f"not a finite number: {shown(value)}")
    return result


def _unstructure_datetime(value: datetime) -> str:
    """ISO 8601 with the offset; a ``ZoneInfo`` time whose offset depends on ``fold`` (a
    repeated or skipped hour) also keeps its zone, so it reads back equal."""
    text = value.isoformat()
    zone = value.tzinfo
    if type(zone) is timezone or not isinstance(zone, ZoneInfo):
        return text
    if value.replace(fold=1 - value.fold).utcoffset() == value.utcoffset():
        return text
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
    return parsed if key is None else _in_zone(parsed, key, value)


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
_MAX_SECONDS = Decimal(timedelta.max.total_seconds())


def _unstructure_timedelta(value: timedelta) -> str:
    micros = (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    seconds = Decimal(micros).scaleb(-6, _SECONDS_CONTEXT)
    return format(seconds.normalize(_SECONDS_CONTEXT), "f") if seconds else "0"


def _structure_timedelta(value: object, _: type) -> timedelta:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        msg = f"expected a duration in seconds as a decimal string, got {type(value).__name__}"
        raise ValidationError("", msg)
    try:
        seconds = Decimal(value)
    except InvalidOperation:
        raise ValidationError("", f"not a number of seconds: {shown(value)}") from None
    if not seconds.is_finite() or seconds.copy_abs() >= _MAX_SECONDS:
        raise ValidationError("", f"not a usable duration: {shown(value)}")
    micros = seconds.scaleb(6, _SECONDS_CONTEXT)
    if micros != micros.to_integral_value(context=_SECONDS_CONTEXT):
        raise ValidationError("", f"finer than a microsecond: {shown(value)}")
    return timedelta(microseconds=int(micros))


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
                return Money(amount, currency)  # refuses a text over MAX_AMOUNT_TEXT
            key = (amount, currency)
            money = _MONEY_CACHE.get(key)
            if money is None:
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
    currency = value.get("currency", "VND")
    return Money(amount, currency)


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


def _is_variadic_tuple(cls: Any) -> bool:
    args = get_args(cls)
    return getattr(cls, "__origin__", None) is tuple and len(args) == 2 and args[1] is Ellipsis


def _is_collection(cls: Any) -> bool:
    return _is_variadic_tuple(cls) or getattr(cls, "__origin__", None) in (frozenset, set)


def _collection_structure_factory(cls: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """Lists only: cattrs would iterate a string into letters or a mapping into keys."""
    inner_type = get_args(cls)[0] if get_args(cls) else Any
    inner = conv.get_structure_hook(inner_type)
    origin = getattr(cls, "__origin__", tuple)
    make: Callable[[list[Any]], Any] = tuple if origin is tuple else frozenset
    detailed = conv.detailed_validation

    def structure(values: object, _: object) -> Any:
        if not isinstance(values, (list, tuple, set, frozenset)):
            msg = f"expected a list, got {type(values).__name__}"
            raise ValidationError("", msg)
        try:
            return make([inner(v, inner_type) for v in values])
        except Exception as exc:
            if not detailed:
                raise
            # Only to describe the failure: the same hook on the same items, each one's
            # error kept with its index. It never turns the refusal into a result.
            raise _every_item_error(values, exc) from None

    def _every_item_error(values: Iterable[object], first: Exception) -> Exception:
        errors: list[Exception] = []
        for index, value in enumerate(values):
            try:
                inner(value, inner_type)
            except Exception as exc:  # collected with the index, re-raised below
                note = IterableValidationNote(
                    f"Structuring {cls} @ index {index}", index, inner_type
                )
                setattr(exc, "__notes__", [*getattr(exc, "__notes__", []), note])  # noqa: B010
                errors.append(exc)
        if not errors:
            return first
        return IterableValidationError(f"While structuring {cls!r}", errors, cls)

    return structure


def _is_optional(cls: Any) -> bool:
    args = get_args(cls)
    return (
        (getattr(cls, "__origin__", None) is Union or isinstance(cls, UnionType))
        and len(args) == 2
        and type(None) in args
    )


def _optional_structure_factory(cls: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """``X | None`` with X's hook looked up once (cattrs looks it up on every value)."""
    inner_type = next(arg for arg in get_args(cls) if arg is not type(None))
    inner = conv.get_structure_hook(inner_type)

    def structure(value: object, _: object) -> Any:
        return None if value is None else inner(value, inner_type)

    return structure


def _tuple_unstructure_factory(cls: Any, conv: cattrs.Converter) -> Callable[[Any], Any]:
    inner = conv.get_unstructure_hook(get_args(cls)[0])

    def unstructure(values: tuple[Any, ...]) -> list[Any]:
        return list(map(inner, values))

    return unstructure


# A C-level getter: called for every enum value written (``member._value_``).
_enum_unstructure: Callable[[enum.Enum], Any] = operator.attrgetter("_value_")


def _sort_key(item: object) -> tuple[str, str]:
    value = item.value if isinstance(item, enum.Enum) else item
    return (type(value).__name__, str(value))


def _frozenset_unstructure_factory(cls: Any, conv: cattrs.Converter) -> Callable[[Any], Any]:
    args = get_args(cls)
    item = args[0] if args else Any
    if item is str or (isinstance(item, type) and issubclass(item, enum.Enum)):
        # Strings and enum values (our enums have str values) sort by themselves.
        unstructure_item = conv.get_unstructure_hook(item)

        def unstructure_plain(values: frozenset[Any]) -> list[Any]:
            return sorted(map(unstructure_item, values))

        return unstructure_plain
    inner = conv.get_unstructure_hook(item) if args else conv.unstructure

    def unstructure(values: frozenset[Any]) -> list[Any]:
        return [inner(v) for v in sorted(values, key=_sort_key)]

    return unstructure


def _payload_tag(payload: Payload) -> str:
    tag = _PAYLOAD_TAGS.get(type(payload))
    if tag is None:
        msg = f"{type(payload).__name__} is not registered; call register_payload()"
        raise ValidationError("payload", msg)
    return tag


def _payload_class(value: object) -> tuple[type[Payload], dict[str, Any]]:
    """The registered class ``value``'s ``"type"`` tag names, and the body without it."""
    if not isinstance(value, Mapping) or "type" not in value:
        raise ValidationError("type", "a payload is an object with a 'type' tag")
    tag = value["type"]
    cls = _PAYLOADS.get(tag) if isinstance(tag, str) else None
    if cls is None:
        known = ", ".join(sorted(_PAYLOADS))
        raise ValidationError("type", f"unknown payload type {shown(tag)}; known: {known}")
    return cls, {k: v for k, v in value.items() if k != "type"}


def _is_payload(cls: object) -> bool:
    return isinstance(cls, type) and issubclass(cls, Payload)


def _payload_unstructure_factory(cls: Any, conv: cattrs.Converter) -> Callable[[Any], Any]:
    if cls not in _PAYLOAD_TAGS:  # the base class, or a subclass nobody registered

        def unstructure_any(payload: Payload) -> Any:
            _payload_tag(payload)  # refuses an unregistered class by name
            return conv.get_unstructure_hook(type(payload))(payload)

        return unstructure_any
    tag = _PAYLOAD_TAGS[cls]
    body = make_dict_unstructure_fn(cls, conv)

    def unstructure(payload: Payload) -> dict[str, Any]:
        return {"type": tag, **body(payload)}

    return unstructure


def _payload_structure_factory(cls: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    if cls not in _PAYLOAD_TAGS:

        def structure_any(value: object, _: object) -> Payload:
            found, _body = _payload_class(value)
            if not issubclass(found, cls):
                msg = f"expected a {cls.__name__}, got a {_PAYLOAD_TAGS[found]!r} payload"
                raise ValidationError("type", msg)
            result: Payload = conv.get_structure_hook(found)(value, found)
            return result

        return structure_any
    body = make_dict_structure_fn(
        cls,
        conv,
        _cattrs_forbid_extra_keys=True,
        _cattrs_detailed_validation=conv.detailed_validation,
    )

    def structure(value: object, _: object) -> Payload:
        found, fields = _payload_class(value)
        if found is not cls:
            msg = f"expected a {_PAYLOAD_TAGS[cls]!r} payload, got {_PAYLOAD_TAGS[found]!r}"
            raise ValidationError("type", msg)
        result: Payload = body(fields, cls)
        return result

    return structure


def _configure(conv: cattrs.Converter, *, shortcuts: bool = True) -> cattrs.Converter:
    """Install every hook of the library on ``conv``.

    Hooks that depend on other types' hooks are *factories*: cattrs calls them on first
    use and forgets what they built whenever a hook is registered, so a hook an
    application registers later reaches values nested anywhere in a model. ``shortcuts``
    adds the straight-line hooks for purchases (tests compare with and without).
    """
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(datetime, _unstructure_datetime)
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_unstructure_hook(date, date.isoformat)
    conv.register_structure_hook(date, _structure_date)
    conv.register_unstructure_hook(time, time.isoformat)
    conv.register_structure_hook(time, _structure_time)
    conv.register_unstructure_hook(timedelta, _unstructure_timedelta)
    conv.register_structure_hook(timedelta, _structure_timedelta)
    conv.register_unstructure_hook(Money, _unstructure_money)
    conv.register_structure_hook(Money, _structure_money)
    conv.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_hook
    )
    conv.register_unstructure_hook_factory(
        lambda t: getattr(t, "__origin__", t) in (frozenset, set),
        _frozenset_unstructure_factory,
    )
    conv.register_unstructure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda t: _enum_unstructure
    )
    conv.register_unstructure_hook_factory(_is_variadic_tuple, _tuple_unstructure_factory)
    conv.register_structure_hook_factory(_is_collection, _collection_structure_factory)
    conv.register_unstructure_hook_factory(_is_payload, _payload_unstructure_factory)
    conv.register_structure_hook_factory(_is_payload, _payload_structure_factory)
    conv.register_structure_hook_factory(_is_optional, _optional_structure_factory)
    _configure_party(conv)
    _configure_packages(conv)
    if shortcuts:
        _configure_line_items(conv)
    return conv


def _configure_packages(conv: cattrs.Converter) -> None:
    """Hooks of the segmentation, buying and care packages (each owns its ``_serde``)."""
    from khachhang.buying import _serde as buying
    from khachhang.care import _serde as care
    from khachhang.segmentation import _serde as segmentation

    for package in (segmentation, buying, care):
        package.configure(conv)


_PARTY_TAGS: dict[str, type[Person] | type[Organization]] = {
    "person": Person,
    "organization": Organization,
}


def _party_unstructure_factory(_: Any, conv: cattrs.Converter) -> Callable[[Any], Any]:
    dump_person = make_dict_unstructure_fn(Person, conv)
    dump_org = make_dict_unstructure_fn(Organization, conv)

    def unstructure(party: Party) -> dict[str, Any]:
        if isinstance(party, Person):
            return {"type": "person", **dump_person(party)}
        return {"type": "organization", **dump_org(party)}

    return unstructure


def _party_structure_factory(_: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    load = {
        tag: make_dict_structure_fn(
            cls,
            conv,
            _cattrs_forbid_extra_keys=True,
            _cattrs_detailed_validation=conv.detailed_validation,
        )
        for tag, cls in _PARTY_TAGS.items()
    }

    def structure(value: object, _: object) -> Party:
        if not isinstance(value, Mapping):
            msg = f"expected an object tagged with 'type', got {type(value).__name__}"
            raise ValidationError("", msg)
        if "type" not in value:
            raise ValidationError("type", "missing the 'type' tag: 'person' or 'organization'")
        tag = value["type"]
        if not isinstance(tag, str) or tag not in load:
            msg = f"unknown party type {tag!r}; expected 'person' or 'organization'"
            raise ValidationError("type", msg)
        body = {k: v for k, v in value.items() if k != "type"}
        return load[tag](body, _PARTY_TAGS[tag])

    return structure


def _is_party(cls: object) -> bool:
    return bool(cls == Party)


def _configure_party(conv: cattrs.Converter) -> None:
    """``Person | Organization`` as an object tagged ``"type": "person" | "organization"``."""
    conv.register_unstructure_hook_factory(_is_party, _party_unstructure_factory)
    conv.register_structure_hook_factory(_is_party, _party_structure_factory)


def _configure_line_items(conv: cattrs.Converter) -> None:
    """Straight-line hooks for ``LineItem`` and ``Purchase``, most of a customer's JSON.

    They take only the plainest form of valid data (exact types, no missing or extra key)
    and build the objects with their constructors, which validate as always; anything else
    goes to cattrs' generated hooks. So they refuse whatever those refuse, and accept
    nothing more (a property test compares them with a converter without them). When a
    shortcut refuses, the generated hook runs on the same data only to report every
    problem with its path; it cannot turn the refusal into a result. The shortcuts inline
    the library's hooks for strings, integers, datetimes, money and the channel, so they
    stand aside while an application's hook replaces any of those.
    """
    from khachhang.customers import LineItem, Purchase, PurchaseChannel

    def inlined(*hooks: tuple[Any, Callable[..., Any]]) -> bool:
        return all(conv.get_structure_hook(t) is hook for t, hook in hooks)

    def line_item_factory(cls: Any) -> Callable[[Any, Any], LineItem]:
        generic = make_dict_structure_fn(
            LineItem,
            conv,
            _cattrs_forbid_extra_keys=True,
            _cattrs_detailed_validation=conv.detailed_validation,
        )
        if not inlined((str, _structure_str), (int, _structure_int), (Money, _structure_money)):
            return generic

        def line_item(value: Any, cls: type[LineItem]) -> LineItem:
            if type(value) is dict and len(value) == 4:
                sku, name = value.get("sku"), value.get("name")
                quantity, price = value.get("quantity"), value.get("unit_price")
                if type(sku) is str and type(name) is str and type(quantity) is int and price:
                    try:
                        return LineItem(sku, name, quantity, _structure_money(price, Money))
                    except Exception as exc:
                        _explain(generic, value, cls, exc)
            return generic(value, cls)

        return line_item

    def purchase_factory(cls: Any) -> Callable[[Any, Any], Purchase]:
        generic = make_dict_structure_fn(
            Purchase,
            conv,
            _cattrs_forbid_extra_keys=True,
            _cattrs_detailed_validation=conv.detailed_validation,
        )
        if not inlined(
            (str, _structure_str),
            (datetime, _structure_datetime),
            (Money, _structure_money),
            (PurchaseChannel, _enum_hook(PurchaseChannel)),
        ):
            return generic
        item_hook = conv.get_structure_hook(LineItem)
        channels = {channel.value: channel for channel in PurchaseChannel}
        default_channel = getattr(attrs.fields(Purchase).channel.default, "value", None)
        purchase_keys = frozenset(a.name for a in attrs.fields(Purchase))

        def purchase(value: Any, cls: type[Purchase]) -> Purchase:
            if type(value) is dict and value.keys() <= purchase_keys:
                ident, at, amount = value.get("id"), value.get("at"), value.get("amount")
                channel = value.get("channel", default_channel)
                items = value.get("items", ())
                if (
                    type(ident) is str
                    and type(at) is str
                    and amount
                    and type(channel) is str
                    and channel in channels
                    and type(items) is list
                ):
                    try:
                        return Purchase(
                            ident,
                            _structure_datetime(at, datetime),
                            _structure_money(amount, Money),
                            channels[channel],
                            tuple([item_hook(item, LineItem) for item in items]),
                        )
                    except Exception as exc:
                        _explain(generic, value, cls, exc)
            return generic(value, cls)

        return purchase

    conv.register_structure_hook_factory(lambda t: t is LineItem, line_item_factory)
    conv.register_structure_hook_factory(lambda t: t is Purchase, purchase_factory)


def _explain(
    generic: Callable[[Any, Any], object], value: object, cls: type, exc: Exception
) -> None:
    """Raise the generated hook's report for data a shortcut refused (never return)."""
    generic(value, cls)  # raises with every problem and its path
    raise exc  # the generated hook accepted it: the shortcut's refusal stands


def register_payload(cls: type[Payload], tag: str) -> type[Payload]:
    """Make an application's :class:`~khachhang.fsm.Payload` subclass serialisable.

    ``tag`` is written as ``"type"`` and is the only way data can name a class: there is
    no import by name, so untrusted JSON cannot reach arbitrary classes.
    """
    _remember_payload(cls, tag)
    # Registering again makes cattrs forget the hooks it built before this class was known.
    converter.register_unstructure_hook_factory(_is_payload, _payload_unstructure_factory)
    converter.register_structure_hook_factory(_is_payload, _payload_structure_factory)
    return cls


def _remember_payload(cls: type[Payload], tag: str) -> None:
    if not (isinstance(cls, type) and issubclass(cls, Payload)):
        raise ValidationError("cls", "expected a Payload subclass")
    if _PAYLOADS.get(tag, cls) is not cls:
        raise ValidationError("tag", f"tag {tag!r} is already used by {_PAYLOADS[tag].__name__}")
    _PAYLOADS[tag] = cls
    _PAYLOAD_TAGS[cls] = tag


def _remember_builtin_payloads() -> None:
    from khachhang.buying import _serde as buying
    from khachhang.care import _serde as care
    from khachhang.customers import LifecyclePolicy
    from khachhang.segmentation import _serde as segmentation

    _remember_payload(LifecyclePolicy, "lifecycle_policy")
    for package in (segmentation, buying, care):
        for cls, tag in package.PAYLOADS:
            _remember_payload(cls, tag)


_remember_builtin_payloads()

converter: cattrs.Converter = _configure(
    cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
)
"""The converter behind :func:`to_dict`, :func:`from_dict`, :func:`to_json` and
:func:`from_json`: register your own hooks on it (see "Your own hooks" above)."""


@overload
def to_dict(value: AttrsInstance) -> JSONObject: ...


@overload
def to_dict(value: object) -> JSONValue: ...


def to_dict(value: object) -> JSONValue:
    """Turn a model (or a list/tuple of models) into JSON-compatible data.

    A model (any attrs instance) becomes a JSON object, typed :data:`JSONObject`;
    anything else :data:`JSONValue`.

    Raises:
        ConversionError: ``value`` is not something the converter can write as JSON
            (an object it has no hook for), or a hook wrote a model as something other
            than a JSON object.
    """
    try:
        data: JSONValue = converter.unstructure(value)
    except RecursionError:
        raise ConversionError("JSON", [("$", "nested too deeply")]) from None
    if data is value and not isinstance(value, _JSON_SCALARS):
        # cattrs hands back what it has no hook for, unchanged.
        raise ConversionError("JSON", [("$", _no_unstructure_hook(value))])
    if type(data) is not dict and attrs.has(type(value)):
        reason = f"the hook for {type(value).__name__} wrote {type(data).__name__}, not an object"
        raise ConversionError("JSON", [("$", reason)])
    return data


_JSON_SCALARS = (str, int, float, bool, type(None))


def _no_unstructure_hook(value: object) -> str:
    name = type(value).__name__
    return (
        f"{name} is not JSON data and not a model this library writes; "
        f"register an unstructure hook for {name} on khachhang.serde.converter"
    )


def _not_json(data: object, path: str, found: list[tuple[str, str]]) -> None:
    """Collect the paths in ``data`` holding something the JSON encoder cannot write."""
    if len(found) >= 10:
        return
    if isinstance(data, dict):
        for key, item in data.items():
            _not_json(item, f"{path}.{key}", found)
    elif isinstance(data, (list, tuple)):
        for index, item in enumerate(data):
            _not_json(item, f"{path}[{index}]", found)
    elif not isinstance(data, _JSON_SCALARS):
        found.append((path, _no_unstructure_hook(data)))


def _keys(keys: Iterable[object]) -> str:
    names = [k if isinstance(k, str) else repr(k) for k in keys]
    return ", ".join(sorted(names))


def _format(exc: BaseException, type_: type | None) -> str:
    if isinstance(exc, (ValidationError,)):
        return exc.reason if not exc.path else f"{exc.reason} (at .{exc.path})"
    if isinstance(exc, KhachHangError):
        return str(exc)
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown key(s): {_keys(exc.extra_fields)}"
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, StructureHandlerNotFoundError):
        return _no_structure_hook(exc.type_)
    if isinstance(exc, (TypeError, AttributeError)):
        name = getattr(type_, "__name__", None) or repr(type_)
        return f"expected data for {name}, got something else ({exc})"
    return cattrs.v.format_exception(exc, type_)


def _problems(exc: BaseException) -> list[tuple[str, str]]:
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        problems = []
        for line in cattrs.transform_error(exc, "$", _format):
            reason, _, path = line.rpartition(" @ ")
            if reason.endswith(")") and " (at ." in reason:
                reason, _, inner = reason[:-1].rpartition(" (at .")
                path = f"{path}.{inner}"
            problems.append((path, reason))
        return sorted(problems)
    if isinstance(exc, ValidationError):
        return [(f"$.{exc.path}" if exc.path else "$", exc.reason)]
    return [("$", _format(exc, None))]


def from_dict(data: object, cls: type[T]) -> T:
    """Build a ``cls`` from JSON-compatible data; the inverse of :func:`to_dict`.

    Raises:
        ConversionError: listing every bad path (``$.party.contacts[0].value``) and why.
    """
    if attrs.has(cls) and not isinstance(data, Mapping):
        reason = f"expected an object, got {type(data).__name__}"
        raise ConversionError(_name(cls), [("$", reason)])
    if getattr(cls, "__parameters__", None) and attrs.has(cls):
        raise ConversionError(_name(cls), [("$", _unbound_generic(cls))])
    try:
        result: T = converter.structure(data, cls)
    except StructureHandlerNotFoundError as exc:  # a type, not the data, is the problem
        raise ConversionError(_name(cls), [("$", _no_structure_hook(exc.type_))]) from None
    except RecursionError:
        raise ConversionError(_name(cls), [("$", "nested too deeply")]) from None
    except Exception as exc:
        raise ConversionError(_name(cls), _problems(exc)) from exc
    return result


def _name(cls: object) -> str:
    return getattr(cls, "__name__", None) or repr(cls)


# How to name each generic model of the library with its type argument.
_GENERIC_EXAMPLES = {
    "Event": "Event[Lifecycle] (a customer's), Event[Stage] (a buying process's)",
}


def _unbound_generic(cls: object) -> str:
    name = _name(cls)
    params = ", ".join(p.__name__ for p in getattr(cls, "__parameters__", ()))
    example = _GENERIC_EXAMPLES.get(name, f"{name}[...]")
    return f"{name} is generic in {params}: pass it with its type argument, e.g. {example}"


def _no_structure_hook(type_: object) -> str:
    name = _name(type_)
    if not isinstance(type_, type) and get_origin(type_) is None:
        return f"{type_!r} is not a type; pass the model class to build"
    return (
        f"no structure hook for {name}: pass a khachhang model, "
        f"or register a structure hook for {name} on khachhang.serde.converter"
    )


def to_json(value: object, *, indent: int | None = None) -> str:
    """Serialise a model to a JSON string (UTF-8 text, Vietnamese kept readable).

    Raises:
        ConversionError: naming the path of every value that is not JSON data.
    """
    # to_dict builds a fresh tree, so the circular-reference check can be skipped (~15%).
    data = to_dict(value)
    try:
        if indent is None:
            return _COMPACT.encode(data)
        return json.dumps(
            data, ensure_ascii=False, indent=indent, separators=(",", ": "), check_circular=False
        )
    except (TypeError, ValueError):  # something a hook left that JSON cannot hold
        found: list[tuple[str, str]] = []
        _not_json(data, "$", found)
        if not found:
            raise
        raise ConversionError("JSON", found) from None


# What json.dumps(data, ensure_ascii=False, separators=(",", ":"), check_circular=False)
# builds on every call; an encoder keeps no state between calls, so one is shared.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def from_json(text: str | bytes, cls: type[T]) -> T:
    """Parse JSON text into a ``cls``; the inverse of :func:`to_json`.

    The reader is strict where JSON readers disagree: a key twice in one object is
    refused (which value wins differs between readers, so it can smuggle data past a
    check made with another one). A leading byte order mark is ignored, in text as in
    bytes (RFC 8259, section 8.1, lets readers ignore it; Windows tools write one).

    Raises:
        ConversionError: for malformed JSON as well as for bad data.
    """
    if not isinstance(text, (str, bytes, bytearray)):
        reason = f"expected JSON text (str or bytes), got {type(text).__name__}"
        raise ConversionError(_name(cls), [("$", reason)])
    if len(text) > _MAX_JSON_CHARS:
        raise ConversionError(_name(cls), [("$", "document too large")])
    try:
        data = _read_json(text)
    except _DuplicateKeyError:
        raise ConversionError(_name(cls), _duplicate_keys(text)) from None
    except RecursionError:
        raise ConversionError(_name(cls), [("$", "nested too deeply")]) from None
    except ValueError as exc:
        raise ConversionError(_name(cls), [("$", f"not valid JSON: {exc}")]) from None
    return from_dict(data, cls)


class _DuplicateKeyError(Exception):
    """Raised inside the JSON reader; :func:`from_json` then finds every path."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _DuplicateKeyError
    return obj


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys)


def _text(text: str | bytes | bytearray) -> str:
    """What :func:`json.loads` decodes bytes to (UTF-8, -16 or -32), without a BOM."""
    if not isinstance(text, str):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    return text[1:] if text.startswith("\ufeff") else text


def _read_json(text: str | bytes | bytearray) -> Any:
    return _DECODER.decode(_text(text))


class _Repeated(dict[str, Any]):
    """An object read with its repeated keys noted (only to report them)."""

    repeated: tuple[str, ...] = ()


def _noting_repeats(pairs: list[tuple[str, Any]]) -> _Repeated:
    obj = _Repeated(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        repeated: list[str] = []
        for key, _ in pairs:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        obj.repeated = tuple(repeated)
    return obj


def _duplicate_keys(text: str | bytes | bytearray) -> list[tuple[str, str]]:
    """Read ``text`` again, noting repeats, and name every repeated key with its path."""
    data = json.JSONDecoder(object_pairs_hook=_noting_repeats).decode(_text(text))
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, object]] = [("$", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _Repeated):
            for key in dict.fromkeys(value.repeated):
                found.append((f"{path}.{key}", f"key {shown(key)} appears more than once"))
            stack.extend((f"{path}.{k}", v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
    return sorted(found)
