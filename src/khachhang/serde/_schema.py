"""JSON Schema (draft 2020-12) of the converter's JSON, built from the attrs classes.

Generic over attrs classes: a model's schema is read from its fields and their types,
with the converter's conventions for the types that have their own hooks (money,
datetimes, durations, tagged unions, rule trees...). Nothing here validates: it builds
plain dicts, so ``jsonschema`` is needed only by whoever checks documents against them.

The schema describes what :func:`~khachhang.serde.from_dict` reads — which includes
everything :func:`~khachhang.serde.to_dict` writes — as far as JSON Schema can say it:
a document the schema refuses is refused by the converter too. The converter checks
more than the schema (a model's constructor still validates its values: lengths,
checksums, the order of events), so the converse does not hold.
"""

from __future__ import annotations

import enum
import functools
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import NoneType, UnionType
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

import attrs
from dateutil.relativedelta import relativedelta

from khachhang.care.planning.rules import CareRule
from khachhang.care.planning.workflows import RELATIVE_FIELDS
from khachhang.errors import ValidationError
from khachhang.fsm import Payload
from khachhang.labels import BilingualEnum
from khachhang.master.history import FieldChange
from khachhang.money import CURRENCIES, DEFAULT_CURRENCY, Money
from khachhang.parties import Party
from khachhang.segmentation.rules import SCHEMA_VERSION as RULE_SCHEMA_VERSION
from khachhang.segmentation.rules import (
    And,
    Between,
    Compare,
    Const,
    Contains,
    In,
    IsNull,
    Not,
    Op,
    Or,
    Rule,
    RuleDocument,
    Within,
)
from khachhang.serde._care import _RULE_TAGS
from khachhang.serde._master import _CHANGE_TAGS
from khachhang.serde._scalars import DECIMAL_TEXT
from khachhang.serde._unions import _PAYLOADS, PARTY_TAGS, TAG

Schema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect of every document :func:`json_schema` builds."""

DECIMAL_PATTERN = f"^{DECIMAL_TEXT}$"
"""A decimal number as JSON text: ``"12.50"``, ``"-3"``, ``"1E+3"`` (never a float)."""

_OFFSET = r"(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2}(?::?[0-9]{2}(?:[.,][0-9]+)?)?)?)"
_CLOCK = r"[0-9]{2}(?::?[0-9]{2}(?::?[0-9]{2})?)?(?:[.,][0-9]+)?"
_ZONE = r"(?:\[[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*\])"
_DAY = r"[0-9]{4}(?:-?[0-9]{2}-?[0-9]{2}|-?W[0-9]{2}(?:-?[0-9])?)"
# Python's reader takes any one character between the day and the time.
DATETIME_PATTERN = rf"^{_DAY}.{_CLOCK}{_OFFSET}{_ZONE}?$"
"""An ISO 8601 datetime with its offset, and in a repeated or skipped hour of a named
zone the zone as RFC 9557 writes it: ``2026-10-25T02:15:00+01:00[Europe/Berlin]``."""
DATE_PATTERN = rf"^{_DAY}$"
"""An ISO 8601 date: ``2026-01-05`` (the reader also takes ``20260105`` and week dates)."""
TIME_PATTERN = rf"^T?{_CLOCK}{_OFFSET}?$"


def _decimal_string(description: str) -> Schema:
    return {"type": "string", "pattern": DECIMAL_PATTERN, "description": description}


def _money() -> Schema:
    return {
        "title": "Money",
        "description": (
            "An exact amount of one currency: the amount as a decimal string (never a "
            f"float), the currency an ISO 4217 code ({DEFAULT_CURRENCY} when left out)."
        ),
        "type": "object",
        "properties": {
            "amount": {
                "type": ["string", "integer"],
                "pattern": DECIMAL_PATTERN,
                "examples": ["150000", "12.50"],
            },
            "currency": {"enum": list(CURRENCIES), "default": DEFAULT_CURRENCY},
        },
        "required": ["amount"],
        "additionalProperties": False,
    }


_SCALARS: dict[Any, Callable[[], Schema]] = {
    str: lambda: {"type": "string"},
    int: lambda: {"type": "integer"},
    float: lambda: {"type": "number"},
    bool: lambda: {"type": "boolean"},
    NoneType: lambda: {"type": "null"},
    Decimal: lambda: {
        "type": ["string", "integer"],
        "pattern": DECIMAL_PATTERN,
        "description": "An exact decimal number as a string (never a float).",
    },
    datetime: lambda: {
        "type": "string",
        "pattern": DATETIME_PATTERN,
        "description": (
            "An ISO 8601 datetime with its UTC offset (a time without one is refused); "
            "in a repeated or skipped hour, followed by its zone: "
            "2026-10-25T02:15:00+01:00[Europe/Berlin] (RFC 9557)."
        ),
        "examples": ["2026-01-05T09:00:00+07:00"],
    },
    date: lambda: {"type": "string", "format": "date", "pattern": DATE_PATTERN},
    time: lambda: {
        "type": "string",
        "pattern": TIME_PATTERN,
        "description": "A time of day, ISO 8601: HH:MM[:SS[.ffffff]].",
    },
    timedelta: lambda: {
        "type": ["string", "integer"],
        "pattern": DECIMAL_PATTERN,
        "description": "A duration: its exact length in seconds, as a decimal string.",
        "examples": ["14400", "0.5"],
    },
    relativedelta: lambda: {
        "type": "object",
        "description": "A calendar offset: its non-zero relative fields (weeks as days).",
        "properties": {name: {"type": "integer"} for name in RELATIVE_FIELDS},
        "additionalProperties": False,
    },
}

_SCHEMAS: dict[Any, Schema] = {}
"""Schemas an application registered for its own hooks (:func:`register_schema`)."""


def register_schema(tp: Any, schema: Mapping[str, Any]) -> None:
    """Give ``tp``'s JSON form for the schemas, beside a hook registered for it.

    The converter's hooks are code; the schema of what your own hook writes and reads
    cannot be guessed from it. Register it here, and :func:`json_schema` uses it for
    ``tp`` wherever ``tp`` appears in a model.

    Raises:
        ValidationError: ``schema`` is not a mapping.
    """
    if not isinstance(schema, Mapping):
        msg = f"expected a JSON Schema object (a mapping), got {type(schema).__name__}"
        raise ValidationError("schema", msg)
    _SCHEMAS[tp] = dict(schema)


def _name_of(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is not None:
        args = "_".join(_name_of(arg) for arg in get_args(tp))
        return f"{_name_of(origin)}_{args}"
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", getattr(tp, "__name__", repr(tp)))


def _doc(cls: object) -> str | None:
    text = getattr(cls, "__doc__", None)
    if not text or not isinstance(cls, type) or text == type.__doc__:
        return None
    paragraph = text.strip().split("\n\n")[0]
    return " ".join(paragraph.split())


class _Builder:
    """One schema document: its definitions, by name, and how they are referred to."""

    def __init__(self, ref_template: str) -> None:
        self.ref_template = ref_template
        self.defs: dict[str, Schema] = {}
        self.names: dict[Any, str] = {}

    # --- references ------------------------------------------------------------------

    def ref(self, key: Any, build: Callable[[], Schema], name: str | None = None) -> Schema:
        """A ``$ref`` to ``key``'s definition (named ``name``), built once (recursion-safe)."""
        known = self.names.get(key)
        if known is not None:
            name = known
        else:
            name = base = name or _name_of(key)
            n = 2
            while name in self.defs:
                name, n = f"{base}{n}", n + 1
            self.names[key] = name
            self.defs[name] = {}  # reserved: a recursive type refers to itself
            self.defs[name] = build()
        return {"$ref": self.ref_template.format(name=name)}

    # --- types -----------------------------------------------------------------------

    def of(self, tp: Any) -> Schema:
        """The schema of a value of type ``tp`` as the converter writes and reads it."""
        if tp in _SCHEMAS:
            return dict(_SCHEMAS[tp])
        if tp is Any or tp is object:
            return {}
        if tp in _SCALARS:
            return _SCALARS[tp]()
        if tp is Money:
            return self.ref(Money, _money)
        if tp == Party:
            return self.ref(Party, lambda: self.tagged(PARTY_TAGS, "Party"), name="Party")
        if tp == CareRule:
            return self.ref(CareRule, lambda: self.tagged(_RULE_TAGS, "CareRule"), name="CareRule")
        if tp == FieldChange:
            changes = functools.partial(self.tagged, _CHANGE_TAGS, "FieldChange")
            return self.ref(FieldChange, changes, name="FieldChange")
        origin = get_origin(tp)
        args = get_args(tp)
        if origin is Union or isinstance(tp, UnionType):
            return {"anyOf": [self.of(arg) for arg in args]}
        if origin is Literal:
            return {"enum": list(args)}
        if tp == Mapping[date, str]:
            return {
                "type": "object",
                "description": "ISO dates to names.",
                "propertyNames": {"pattern": DATE_PATTERN},
                "additionalProperties": {"type": "string"},
            }
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": self.of(args[0])}
        if origin is tuple:
            items = [self.of(arg) for arg in args]
            n = len(items)
            return {"type": "array", "prefixItems": items, "minItems": n, "maxItems": n}
        if origin in (frozenset, set, list, Sequence):
            return {"type": "array", "items": self.of(args[0]) if args else {}}
        if origin in (dict, Mapping) and args:
            return {"type": "object", "additionalProperties": self.of(args[1])}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return self.ref(tp, lambda: self.enum(tp))
        if isinstance(tp, type) and issubclass(tp, Rule):
            return self.rule(tp)
        if tp is RuleDocument:
            return self.ref(tp, self.rule_document)
        if isinstance(tp, type) and issubclass(tp, Payload):
            return self.payload(tp)
        if attrs.has(origin if origin is not None else tp):
            return self.ref(tp, lambda: self.attrs_class(tp))
        if isinstance(tp, TypeVar):
            return {}
        msg = f"no JSON Schema for {_name_of(tp)}: register one with register_schema()"
        raise ValidationError("cls", msg)

    def enum(self, cls: type[enum.Enum]) -> Schema:
        schema: Schema = {"title": cls.__name__, "enum": [member.value for member in cls]}
        doc = _doc(cls)
        if doc:
            schema["description"] = doc
        if issubclass(cls, BilingualEnum):
            schema["x-labels"] = {
                str(member.value): {"vi": member.label_vi, "en": member.label_en} for member in cls
            }
        return schema

    def attrs_class(self, tp: Any, tag: tuple[str, str] | None = None) -> Schema:
        """An attrs class as an object of its fields (cattrs' generated hooks)."""
        origin = get_origin(tp)
        cls = origin if origin is not None else tp
        bound = dict(zip(getattr(cls, "__parameters__", ()), get_args(tp), strict=False))
        try:
            hints = typing.get_type_hints(cls)
        except NameError as exc:  # an annotation naming something out of reach
            msg = f"cannot read the type hints of {_name_of(cls)}: {exc}"
            raise ValidationError("cls", msg) from None
        properties: Schema = {}
        required: list[str] = []
        if tag is not None:
            properties[TAG] = {"const": tag[1]}
            required.append(TAG)
        for field in attrs.fields(cls):
            if not field.init:
                continue
            schema = self.of(_bind(hints.get(field.name, field.type), bound))
            if field.default is attrs.NOTHING:
                required.append(field.name)
            else:
                default = _default(field.default)
                if default is not _NO_DEFAULT:
                    schema = {**schema, "default": default}
            properties[field.name] = schema
        result: Schema = {"title": _name_of(tp), "type": "object"}
        doc = _doc(cls)
        if doc:
            result["description"] = doc
        result.update(properties=properties, required=required, additionalProperties=False)
        return result

    def tagged(self, tags: Mapping[str, type], title: str) -> Schema:
        """A closed tagged union: one of the classes, its ``"type"`` tag first."""
        members = [self.attrs_class(cls, tag=(TAG, tag)) for tag, cls in tags.items()]
        return {"title": title, "oneOf": members}

    def payload(self, cls: type[Payload]) -> Schema:
        """A payload: an object tagged with its registered class's tag (an open union)."""
        tags = {tag: c for tag, c in _PAYLOADS.items() if issubclass(c, cls)}
        members = [
            self.ref(
                ("payload", c),
                functools.partial(self.attrs_class, c, tag=(TAG, tag)),
                name=_name_of(c),
            )
            for tag, c in sorted(tags.items())
        ]
        if len(members) == 1:
            return members[0]
        return {"oneOf": members}

    # --- segmentation rules ------------------------------------------------------------

    def rule(self, cls: type[Rule]) -> Schema:
        nodes = _rule_nodes(self)
        if cls is Rule:
            return self.ref(Rule, lambda: {"title": "Rule", "oneOf": [n() for n in nodes.values()]})
        return self.ref(cls, nodes[cls])

    def rule_document(self) -> Schema:
        return {
            "title": "RuleDocument",
            "description": _doc(RuleDocument),
            "type": "object",
            "properties": {
                "version": {"const": RULE_SCHEMA_VERSION, "default": RULE_SCHEMA_VERSION},
                "rule": self.of(Rule),
            },
            "required": ["rule"],
            "additionalProperties": False,
        }


_LITERAL: Schema = {
    "description": "A literal written as the field's kind: integer, text, enum value, "
    "money object or ISO 8601 datetime.",
    "anyOf": [
        {"type": ["string", "integer"]},
        {"$comment": "money", "type": "object"},
    ],
}


def _node(ops: Sequence[str], **keys: Schema) -> Callable[[], Schema]:
    def build() -> Schema:
        op: Schema = {"const": ops[0]} if len(ops) == 1 else {"enum": list(ops)}
        return {
            "type": "object",
            "properties": {"op": op, **keys},
            "required": ["op", *keys],
            "additionalProperties": False,
        }

    return build


def _rule_nodes(b: _Builder) -> dict[type[Rule], Callable[[], Schema]]:
    field: Schema = {"type": "string"}

    def children() -> Schema:
        return {"type": "array", "minItems": 1, "items": b.of(Rule)}

    return {
        Compare: _node([op.value for op in Op], field=field, value=_LITERAL),
        Between: _node(["between"], field=field, low=_LITERAL, high=_LITERAL),
        In: _node(["in", "not_in"], field=field, values={"type": "array", "items": _LITERAL}),
        Contains: _node(["contains"], field=field, value=_LITERAL),
        IsNull: _node(["is_null", "is_not_null"], field=field),
        Within: _node(["within"], field=field, days={"type": "integer"}),
        Const: _node(["true", "false"]),
        And: lambda: _node(["and"], children=children())(),
        Or: lambda: _node(["or"], children=children())(),
        Not: lambda: _node(["not"], child=b.of(Rule))(),
    }


_NO_DEFAULT = object()


def _default(default: object) -> object:
    """A field's default as JSON data, or ``_NO_DEFAULT`` (a factory, or not writable)."""
    factory = getattr(default, "factory", None)
    if type(default) is type(attrs.Factory(list)) and callable(factory):
        if getattr(default, "takes_self", True):
            return _NO_DEFAULT
        default = factory()
    from khachhang.serde import to_dict  # the converter in force (no import cycle)

    try:
        return to_dict(default)
    except Exception:  # a default the converter cannot write is left out
        return _NO_DEFAULT


def _bind(tp: Any, bound: Mapping[Any, Any]) -> Any:
    """``tp`` with the type variables of a generic model replaced by their arguments."""
    if not bound:
        return tp
    if isinstance(tp, TypeVar):
        return bound.get(tp, tp)
    args = get_args(tp)
    if not args:
        return tp
    new = tuple(_bind(arg, bound) for arg in args)
    if isinstance(tp, UnionType) or get_origin(tp) is Union:
        return Union[new]  # noqa: UP007  (rebuilt from a tuple of arguments)
    return tp.copy_with(new)


def json_schema(tp: Any, *, ref_template: str = "#/$defs/{name}") -> Schema:
    """The JSON Schema (draft 2020-12) of ``tp`` as :func:`to_dict` writes it.

    ``tp`` is a model class (``Customer``), a parametrised generic (``Event[Lifecycle]``)
    or any type the converter handles (``tuple[Customer, ...]``). Shared types are
    ``$defs``, referred to by ``ref_template`` (see :func:`json_schemas` to put them
    somewhere else, as OpenAPI's ``components/schemas``).

    >>> from khachhang import Customer
    >>> schema = json_schema(Customer)
    >>> schema["$ref"], schema["$defs"]["Customer"]["additionalProperties"]
    ('#/$defs/Customer', False)
    >>> schema["$defs"]["Money"]["properties"]["amount"]["type"]
    ['string', 'integer']

    Raises:
        ValidationError: a type the library has no schema for (an application's own
            hook: give its schema with :func:`register_schema`).
    """
    builder = _Builder(ref_template)
    root = builder.of(tp)
    return {"$schema": DRAFT, **root, "$defs": builder.defs}


def json_schemas(
    types: Sequence[Any], *, ref_template: str = "#/$defs/{name}"
) -> tuple[list[Schema], dict[str, Schema]]:
    """The schemas of several types sharing one set of definitions.

    Returns each type's schema (usually a ``$ref``) and the definitions, by name: with
    ``ref_template="#/components/schemas/{name}"`` they are OpenAPI 3.1 components.
    """
    builder = _Builder(ref_template)
    return [builder.of(tp) for tp in types], builder.defs
