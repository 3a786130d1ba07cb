"""Converter hooks for :mod:`khachhang.segmentation`: rules and rule documents.

Rules are written as a tagged tree, one object per node with an ``"op"`` key::

    {"op": "and", "children": [
        {"op": "eq", "field": "party_type", "value": "individual"},
        {"op": "between", "field": "age", "low": 25, "high": 40},
        {"op": "in", "field": "province", "values": ["Hà Nội", "TP. Hồ Chí Minh"]},
        {"op": "ge", "field": "total_spent", "value": {"amount": "20000000", "currency": "VND"}},
        {"op": "within", "field": "last_purchase_at", "days": 180}]}

``op`` is ``eq ne lt le gt ge`` (:class:`~.rules.Compare`), ``between``, ``in``,
``not_in``, ``contains``, ``is_null``, ``is_not_null``, ``within``, ``and``, ``or``
(``children``), ``not`` (``child``), ``true``, ``false``. Values are written by the
field's kind: integers, strings, enum values, money objects, ISO 8601 datetimes with
offset, by the library's own readers and writers of those values (:mod:`._scalars`),
not by hooks an application registers: a rule document is a versioned format that reads
the same everywhere. Loading is an allowlist walk — no ``eval``, no import by name —
bounded in depth (:data:`~.rules.MAX_DEPTH`) and size (:data:`~.rules.MAX_NODES`)
*before* recursing, so a 10,000-deep document is a :class:`~khachhang.errors.RuleError`,
never a ``RecursionError``; unknown keys are refused with their path, and the result is
validated against the registry in force (:func:`~.fields.using_registry`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import cattrs

from khachhang._checks import shown
from khachhang.errors import RuleError, ValidationError
from khachhang.labels import BilingualEnum
from khachhang.money import Money
from khachhang.segmentation.fields import Field, FieldKind, FieldRegistry, current_registry
from khachhang.segmentation.rules import (
    MAX_DEPTH,
    MAX_NODES,
    SCHEMA_VERSION,
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
    Value,
    Within,
    node_label,
)
from khachhang.segmentation.validation import validate
from khachhang.serde._scalars import (
    _enum_hook,
    _enum_unstructure,
    _structure_datetime,
    _structure_int,
    _structure_money,
    _structure_str,
    _unstructure_datetime,
    _unstructure_money,
)

# --- writing ---------------------------------------------------------------------------


def dump_value(value: object) -> Any:
    """A literal as JSON-compatible data, written as the converter writes it by default."""
    if isinstance(value, BilingualEnum):
        return _enum_unstructure(value)
    if isinstance(value, Money):
        return _unstructure_money(value)
    if isinstance(value, datetime):
        return _unstructure_datetime(value)
    return value


def _sort_key(data: object) -> str:
    return repr(data) if not isinstance(data, str) else data


def dump_rule(rule: Rule, depth: int = 1) -> dict[str, Any]:
    """``rule`` as a tagged tree (see the module docstring)."""
    if depth > MAX_DEPTH:
        raise RuleError("", f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(rule, (And, Or)):
        op = "and" if isinstance(rule, And) else "or"
        return {"op": op, "children": [dump_rule(c, depth + 1) for c in rule.children]}
    if isinstance(rule, Not):
        return {"op": "not", "child": dump_rule(rule.child, depth + 1)}
    if isinstance(rule, Const):
        return {"op": "true" if rule.value else "false"}
    if isinstance(rule, Compare):
        return {"op": rule.op.value, "field": rule.field, "value": dump_value(rule.value)}
    if isinstance(rule, Between):
        low, high = dump_value(rule.low), dump_value(rule.high)
        return {"op": "between", "field": rule.field, "low": low, "high": high}
    if isinstance(rule, In):
        values = sorted((dump_value(v) for v in rule.values), key=_sort_key)
        return {"op": "not_in" if rule.negated else "in", "field": rule.field, "values": values}
    if isinstance(rule, Contains):
        return {"op": "contains", "field": rule.field, "value": dump_value(rule.value)}
    if isinstance(rule, IsNull):
        return {"op": "is_not_null" if rule.negated else "is_null", "field": rule.field}
    if isinstance(rule, Within):
        return {"op": "within", "field": rule.field, "days": rule.days}
    raise RuleError("", f"not a rule node: {type(rule).__name__}")


# --- reading ---------------------------------------------------------------------------

_COMPARE_OPS = {op.value: op for op in Op}
_KEYS: dict[str, frozenset[str]] = {
    **{name: frozenset({"op", "field", "value"}) for name in _COMPARE_OPS},
    "between": frozenset({"op", "field", "low", "high"}),
    "in": frozenset({"op", "field", "values"}),
    "not_in": frozenset({"op", "field", "values"}),
    "contains": frozenset({"op", "field", "value"}),
    "is_null": frozenset({"op", "field"}),
    "is_not_null": frozenset({"op", "field"}),
    "within": frozenset({"op", "field", "days"}),
    "and": frozenset({"op", "children"}),
    "or": frozenset({"op", "children"}),
    "not": frozenset({"op", "child"}),
    "true": frozenset({"op"}),
    "false": frozenset({"op"}),
}


def _join(path: str, step: str) -> str:
    return f"{path}.{step}" if path else step


_READERS: dict[FieldKind, Callable[[object, type], Any]] = {
    FieldKind.INT: _structure_int,
    FieldKind.TEXT: _structure_str,
    FieldKind.TEXT_SET: _structure_str,
    FieldKind.MONEY: _structure_money,
    FieldKind.DATETIME: _structure_datetime,
}
"""The converter's reader of a literal of each kind of field (enums: the field's enum's)."""


def _load_value(field: Field, data: object, path: str) -> Value:
    if field.enum is not None and field.kind in (FieldKind.ENUM, FieldKind.ENUM_SET):
        return _literal(_enum_hook(field.enum), data, path)
    read = _READERS.get(field.kind)
    return data if read is None else _literal(read, data, path)  # type: ignore[return-value]  # the kind's reader


def _literal(read: Callable[[object, type], Any], data: object, path: str) -> Value:
    """``data`` read by one of the converter's own readers, a refusal as a RuleError."""
    try:
        value: Value = read(data, object)
        return value
    except ValidationError as exc:
        raise RuleError(_join(path, exc.path) if exc.path else path, exc.reason) from None


def _short(path: str) -> str:
    """A deep path cut to its last steps: ``….not.not``."""
    return path if len(path) <= 60 else f"…{path[-59:]}"


class _Loader:
    """One load: the registry and the remaining node budget."""

    def __init__(self, registry: FieldRegistry) -> None:
        self.registry = registry
        self.budget = MAX_NODES

    def spend(self, n: int, path: str) -> None:
        self.budget -= n
        if self.budget < 0:
            raise RuleError(_short(path), f"more than {MAX_NODES} nodes and values")

    def load(self, data: object, path: str, depth: int) -> Rule:
        if depth > MAX_DEPTH:
            raise RuleError(_short(path), f"nested deeper than {MAX_DEPTH} levels")
        self.spend(1, path)
        if not isinstance(data, Mapping):
            raise RuleError(path, f"expected a rule object, got {type(data).__name__}")
        op = data.get("op")
        if type(op) is not str or op not in _KEYS:
            known = ", ".join(_KEYS)
            raise RuleError(_join(path, "op"), f"unknown op {shown(op)}; one of: {known}")
        extra = [k for k in data if k not in _KEYS[op]]
        missing = sorted(_KEYS[op] - set(data))
        name = data.get("field")
        label = f"{op}({name})" if type(name) is str and len(name) <= 63 else op
        if extra:
            names = ", ".join(sorted(k[:30] if isinstance(k, str) else shown(k, 30) for k in extra))
            raise RuleError(_join(path, label), f"unknown key(s): {names}")
        if missing:
            raise RuleError(_join(path, label), f"missing key(s): {', '.join(missing)}")
        if op in ("and", "or"):
            children = data["children"]
            if not isinstance(children, list) or not children:
                raise RuleError(_join(path, op), "children: expected a non-empty list of rules")
            kids = tuple(
                self.load(child, _join(path, f"{op}[{i}]"), depth + 1)
                for i, child in enumerate(children)
            )
            return And(kids) if op == "and" else Or(kids)
        if op == "not":
            return Not(self.load(data["child"], _join(path, "not"), depth + 1))
        if op in ("true", "false"):
            return Const(op == "true")
        return self.leaf(op, data, path)

    def leaf(self, op: str, data: Mapping[str, Any], path: str) -> Rule:
        name = data["field"]
        here = _join(path, f"{op}({name})" if type(name) is str and len(name) <= 63 else op)
        if type(name) is not str:
            raise RuleError(_join(here, "field"), f"expected a string, got {type(name).__name__}")
        field = self.registry.get(name, here)
        if op in _COMPARE_OPS:
            value = _load_value(field, data["value"], _join(here, "value"))
            return Compare(name, _COMPARE_OPS[op], value)
        if op == "between":
            low = _load_value(field, data["low"], _join(here, "low"))
            return Between(name, low, _load_value(field, data["high"], _join(here, "high")))
        if op in ("in", "not_in"):
            values = data["values"]
            if not isinstance(values, list):
                raise RuleError(_join(here, "values"), "expected a list")
            self.spend(len(values), here)
            loaded = [
                _load_value(field, v, _join(here, f"values[{i}]")) for i, v in enumerate(values)
            ]
            try:
                return In(name, frozenset(loaded), negated=op == "not_in")
            except TypeError:
                raise RuleError(_join(here, "values"), "values must be scalars") from None
        if op == "contains":
            return Contains(name, _load_value(field, data["value"], _join(here, "value")))
        if op in ("is_null", "is_not_null"):
            return IsNull(name, negated=op == "is_not_null")
        days = data["days"]
        if type(days) is not int:
            raise RuleError(_join(here, "days"), f"expected an integer, got {type(days).__name__}")
        try:
            return Within(name, days)
        except RuleError as exc:
            raise RuleError(_join(here, "days"), exc.reason) from None


def load_rule(data: object, registry: FieldRegistry | None = None) -> Rule:
    """Build and validate a rule from its tagged-tree data (see the module docstring)."""
    reg = current_registry() if registry is None else registry
    rule = _Loader(reg).load(data, "", 1)
    return validate(rule, reg)


def _load_document(data: object, _: type) -> RuleDocument:
    if not isinstance(data, Mapping):
        raise RuleError("", f"expected an object with version and rule, got {type(data).__name__}")
    extra = sorted(str(k)[:30] for k in data if k not in ("version", "rule"))
    if extra:
        raise RuleError("", f"unknown key(s): {', '.join(extra)}")
    if "rule" not in data:
        raise RuleError("rule", "required field missing")
    version = data.get("version", SCHEMA_VERSION)
    if type(version) is not int or version != SCHEMA_VERSION:
        msg = f"unsupported schema version {shown(version)}; this library reads {SCHEMA_VERSION}"
        raise RuleError("version", msg)
    return RuleDocument(load_rule(data["rule"]), version)


def _dump_document(document: RuleDocument) -> dict[str, Any]:
    return {"version": document.version, "rule": dump_rule(document.rule)}


def _rule_structure(cls: type[Rule]) -> Callable[[object, type], Rule]:
    def structure(data: object, _: type) -> Rule:
        rule = load_rule(data)
        if not isinstance(rule, cls):
            msg = f"expected a {cls.__name__} node, got {node_label(rule)}"
            raise RuleError("op", msg)
        return rule

    return structure


def _is_rule(cls: object) -> bool:
    return isinstance(cls, type) and issubclass(cls, Rule)


def configure(conv: cattrs.Converter) -> None:
    """Register this package's structure and unstructure hooks on ``conv``."""
    conv.register_unstructure_hook_factory(_is_rule, lambda _: dump_rule)
    conv.register_structure_hook_factory(_is_rule, _rule_structure)
    conv.register_unstructure_hook(RuleDocument, _dump_document)
    conv.register_structure_hook(RuleDocument, _load_document)
