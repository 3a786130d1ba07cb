"""The one converter: every public model to JSON-compatible data and back, losslessly.

Models know nothing of serialisation (cattrs' "keep 'em separated"); every hook of the
library lives in this package (the private modules ``_scalars``, ``_collections``,
``_unions``, ``_customers``, ``_segmentation``, ``_care`` and ``_buying``, installed by
``_install``). Conventions:
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

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeAlias, TypeVar, overload

import attrs
import cattrs
from cattrs.errors import StructureHandlerNotFoundError

from khachhang.errors import ConversionError
from khachhang.fsm import Payload
from khachhang.serde._install import install, remember_builtin_payloads
from khachhang.serde._json import (
    _COMPACT,
    _MAX_JSON_CHARS,
    _duplicate_keys,
    _DuplicateKeyError,
    _non_finite,
    _NonFiniteError,
    _read_json,
)
from khachhang.serde._report import (
    _JSON_SCALARS,
    _name,
    _no_structure_hook,
    _no_unstructure_hook,
    _not_json,
    _problems,
    _unbound_generic,
    _unwritable_paths,
)
from khachhang.serde._scalars import _FOLD_NEEDS_ZONEINFO, _FoldLostError
from khachhang.serde._schema import json_schema, json_schemas, register_schema
from khachhang.serde._unions import (
    _is_payload,
    _payload_structure_factory,
    _payload_unstructure_factory,
    _remember_payload,
)

if TYPE_CHECKING:
    from attrs import AttrsInstance

    from khachhang.privacy.redaction import RedactionPolicy

__all__ = [
    "JSONObject",
    "JSONValue",
    "converter",
    "from_dict",
    "from_json",
    "json_schema",
    "json_schemas",
    "register_payload",
    "register_schema",
    "to_dict",
    "to_json",
]

T = TypeVar("T")

JSONValue: TypeAlias = dict[str, "JSONValue"] | list["JSONValue"] | str | int | float | bool | None
"""What :func:`to_dict` returns and :func:`from_dict` reads: data :mod:`json` writes as is."""
JSONObject: TypeAlias = dict[str, JSONValue]
"""A JSON object: what :func:`to_dict` returns for a model."""


def register_payload(cls: type[Payload], tag: str) -> type[Payload]:
    """Make an application's :class:`~khachhang.fsm.Payload` subclass serialisable.

    ``tag`` is written as ``"type"`` and is the only way data can name a class: there is
    no import by name, so untrusted JSON cannot reach arbitrary classes. Registering a
    class again with the same tag changes nothing; with another tag, the old one is no
    longer read.

    Raises:
        ValidationError: ``cls`` is not a Payload subclass; ``tag`` is not a key (a
            non-empty printable string) or is already another class's.
    """
    if not _remember_payload(cls, tag):
        return cls
    # Registering again makes cattrs forget the hooks it built before this class was known.
    converter.register_unstructure_hook_factory(_is_payload, _payload_unstructure_factory)
    converter.register_structure_hook_factory(_is_payload, _payload_structure_factory)
    return cls


remember_builtin_payloads()

converter: cattrs.Converter = install(
    cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
)
"""The converter behind :func:`to_dict`, :func:`from_dict`, :func:`to_json` and
:func:`from_json`: register your own hooks on it (see "Your own hooks" above)."""


@overload
def to_dict(
    value: AttrsInstance, *, redact: RedactionPolicy | None = None, key: bytes | None = None
) -> JSONObject: ...


@overload
def to_dict(
    value: object, *, redact: RedactionPolicy | None = None, key: bytes | None = None
) -> JSONValue: ...


def to_dict(
    value: object, *, redact: RedactionPolicy | None = None, key: bytes | None = None
) -> JSONValue:
    """Turn a model (or a list/tuple of models) into JSON-compatible data.

    A model (any attrs instance) becomes a JSON object, typed :data:`JSONObject`;
    anything else :data:`JSONValue`. With ``redact``, its personal data are treated by
    that :class:`~khachhang.privacy.RedactionPolicy` (``key``: the secret of its
    pseudonyms), as :func:`khachhang.privacy.redact` does: an export, which
    :func:`from_dict` refuses to read back.

    Raises:
        ConversionError: ``value`` is not something the converter can write as JSON
            (an object it has no hook for), or a hook wrote a model as something other
            than a JSON object.
        ValidationError: ``redact`` is not a policy, or it hashes and ``key`` is
            missing or short.
    """
    if redact is not None:
        from khachhang.privacy.redaction import redact as redacted

        return redacted(value, redact, key=key)
    try:
        data: JSONValue = converter.unstructure(value)
    except RecursionError:
        raise ConversionError("JSON", [("$", "nested too deeply")]) from None
    except _FoldLostError:
        raise ConversionError("JSON", _unwritable_paths(value, _FOLD_NEEDS_ZONEINFO)) from None
    except TypeError as exc:  # e.g. a tuple key, written as a list, cannot be a key
        reason = f"cannot be written as JSON ({exc})"
        raise ConversionError("JSON", _unwritable_paths(value, reason)) from None
    if data is value and not isinstance(value, _JSON_SCALARS):
        # cattrs hands back what it has no hook for, unchanged.
        raise ConversionError("JSON", [("$", _no_unstructure_hook(value))])
    if type(data) is not dict and attrs.has(type(value)):
        reason = f"the hook for {type(value).__name__} wrote {type(data).__name__}, not an object"
        raise ConversionError("JSON", [("$", reason)])
    return data


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


def to_json(
    value: object,
    *,
    indent: int | None = None,
    redact: RedactionPolicy | None = None,
    key: bytes | None = None,
) -> str:
    """Serialise a model to a JSON string (UTF-8 text, Vietnamese kept readable).

    ``redact`` and ``key``: as for :func:`to_dict`, the personal data treated by a
    :class:`~khachhang.privacy.RedactionPolicy`.

    Raises:
        ConversionError: naming the path of every value that is not JSON data.
        ValidationError: ``redact`` is not a policy, or it hashes without a good ``key``.
    """
    # to_dict builds a fresh tree, so the circular-reference check can be skipped (~15%).
    data = to_dict(value, redact=redact, key=key)
    try:
        if indent is None:
            return _COMPACT.encode(data)
        return json.dumps(
            data,
            ensure_ascii=False,
            indent=indent,
            separators=(",", ": "),
            check_circular=False,
            allow_nan=False,
        )
    except (TypeError, ValueError) as exc:  # something a hook left that JSON cannot hold
        found: list[tuple[str, str]] = []
        _not_json(data, "$", found)
        raise ConversionError("JSON", found or [("$", f"not JSON data: {exc}")]) from None


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
    except _NonFiniteError:
        raise ConversionError(_name(cls), _non_finite(text)) from None
    except RecursionError:
        raise ConversionError(_name(cls), [("$", "nested too deeply")]) from None
    except ValueError as exc:
        raise ConversionError(_name(cls), [("$", f"not valid JSON: {exc}")]) from None
    return from_dict(data, cls)
