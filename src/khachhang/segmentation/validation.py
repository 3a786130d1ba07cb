"""Checking rules against a field registry: once, when a rule is built or loaded.

:func:`validate` walks a tree and returns it with literals normalised (``"HCM"`` becomes
``"TP. Hồ Chí Minh"``); :func:`check_leaf` is the check ``F`` applies to each leaf it builds.

>>> from khachhang.segmentation import In
>>> validate(In("province", {"Sài Gòn"})).values
frozenset({'TP. Hồ Chí Minh'})
"""

from __future__ import annotations

import enum
from datetime import datetime, timezone

from khachhang._checks import shown
from khachhang.errors import RuleError, ValidationError
from khachhang.money import Money
from khachhang.segmentation.fields import DEFAULT_REGISTRY, Field, FieldKind, FieldRegistry
from khachhang.segmentation.rules import (
    LEAF_TYPES,
    MAX_DEPTH,
    MAX_NODES,
    NODE_TYPES,
    And,
    Between,
    Compare,
    Const,
    Contains,
    In,
    Not,
    Op,
    Or,
    Rule,
    Value,
    Within,
    node_label,
    sorted_values,
)

__all__ = ["check_leaf", "check_literal", "validate"]

_NODE_NAMES = ", ".join(node.__name__ for node in NODE_TYPES)
_MAX_INT = 10**18
_MAX_TEXT = 200

_KIND_WORDS = {
    FieldKind.INT: "an integer",
    FieldKind.MONEY: "Money",
    FieldKind.DATETIME: "a timezone-aware datetime",
    FieldKind.TEXT: "a string",
    FieldKind.TEXT_SET: "a string",
}


def _join(path: str, step: str) -> str:
    return f"{path}.{step}" if path else step


def check_literal(field: Field, value: object, path: str, *, element: bool = False) -> Value:
    """``value`` checked (and normalised) for ``field``; a :class:`RuleError` at ``path``."""
    kind = field.kind
    if kind.is_set and not element:
        raise RuleError(path, f"field {field.name!r} is a set: use contains(...)")
    if kind in (FieldKind.ENUM, FieldKind.ENUM_SET):
        enum_cls = field.enum
        if enum_cls is None or not isinstance(value, enum_cls):
            expected = enum_cls.__name__ if enum_cls is not None else "an enum"
            msg = f"field {field.name!r} takes a {expected} member, got {_kind_of(value)}"
            raise RuleError(path, msg)
        return value
    ok: bool
    if kind is FieldKind.INT:
        ok = type(value) is int and -_MAX_INT < value < _MAX_INT
    elif kind is FieldKind.MONEY:
        ok = isinstance(value, Money)
    elif kind is FieldKind.DATETIME:
        ok = isinstance(value, datetime) and value.utcoffset() is not None
        if ok and isinstance(value, datetime) and not _in_utc_range(value):
            msg = f"{shown(value)} is outside the years 1 to 9999 in UTC"
            raise RuleError(path, msg)
    else:
        ok = type(value) is str and 0 < len(value) <= _MAX_TEXT
    if not ok:
        msg = f"field {field.name!r} takes {_KIND_WORDS[kind]}, got {_kind_of(value)}"
        raise RuleError(path, msg)
    if field.normalize is not None:
        try:
            value = field.normalize(value)
        except ValidationError as exc:
            raise RuleError(path, exc.reason) from None
    return value  # type: ignore[return-value]  # of the field's kind: checked above


def _in_utc_range(value: datetime) -> bool:
    """Whether the instant exists in UTC (``0001-01-01T00:00+05:00`` does not)."""
    try:
        value.astimezone(timezone.utc)
    except OverflowError:
        return False
    return True


def _kind_of(value: object) -> str:
    if isinstance(value, str) and not 0 < len(value) <= _MAX_TEXT:
        return f"a string of {len(value)} characters (1 to {_MAX_TEXT} allowed)"
    if isinstance(value, datetime) and value.utcoffset() is None:
        return "a naive datetime"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _MAX_INT:
        return f"{shown(value, 30)} (out of range)"
    if isinstance(value, enum.Enum):
        return type(value).__name__
    return type(value).__name__


def check_leaf(rule: Rule, registry: FieldRegistry, path: str) -> Rule:
    here = _join(path, node_label(rule))
    if not isinstance(rule, LEAF_TYPES):  # a Rule subclass of the caller's own
        msg = f"unknown rule node {type(rule).__name__}; known: {_NODE_NAMES}"
        raise RuleError(here, msg)
    field = registry.get(rule.field, here)
    kind = field.kind
    if isinstance(rule, Compare):
        if kind.is_set:
            raise RuleError(here, f"field {field.name!r} is a set: use contains(...)")
        if rule.op not in (Op.EQ, Op.NE) and not kind.is_ordered:
            msg = f"{rule.op.symbol} needs an ordered field; {field.name!r} is {kind.value}"
            raise RuleError(here, msg)
        value = check_literal(field, rule.value, _join(here, "value"))
        return rule if value is rule.value else Compare(rule.field, rule.op, value)
    if isinstance(rule, Between):
        if not kind.is_ordered:
            msg = f"between needs an ordered field; {field.name!r} is {kind.value}"
            raise RuleError(here, msg)
        low = check_literal(field, rule.low, _join(here, "low"))
        high = check_literal(field, rule.high, _join(here, "high"))
        if isinstance(low, Money) and isinstance(high, Money) and low.currency != high.currency:
            raise RuleError(here, "between bounds must share one currency")
        if low > high:  # type: ignore[operator]  # check_literal gave both the field's kind
            raise RuleError(here, f"empty range: low {low} is above high {high}")
        return rule if (low, high) == (rule.low, rule.high) else Between(rule.field, low, high)
    if isinstance(rule, In):
        if kind not in (FieldKind.INT, FieldKind.ENUM, FieldKind.TEXT):
            msg = f"isin/not_in need an integer, enum or text field; {field.name!r} is {kind.value}"
            raise RuleError(here, msg)
        values = frozenset(
            check_literal(field, v, _join(here, "values")) for v in sorted_values(rule.values)
        )
        if values == rule.values:
            return rule
        return In(rule.field, values, rule.negated)
    if isinstance(rule, Contains):
        if not kind.is_set:
            msg = f"contains needs a set field (roles, tags); {field.name!r} is {kind.value}"
            raise RuleError(here, msg)
        item = check_literal(field, rule.value, _join(here, "value"), element=True)
        return rule if item == rule.value else Contains(rule.field, item)
    if isinstance(rule, Within):
        if kind is not FieldKind.DATETIME:
            msg = f"within(days=...) needs a datetime field; {field.name!r} is {kind.value}"
            raise RuleError(here, msg)
        return rule
    return rule  # IsNull fits every field


def validate(rule: Rule, registry: FieldRegistry | None = None) -> Rule:
    """Check ``rule`` against ``registry``; return it with literals normalised.

    Raises :class:`~khachhang.errors.RuleError` naming the node's path (``and[1].or[0]``)
    for an unknown field, a literal of the wrong type, an operator that does not fit the
    field, a tree deeper than :data:`MAX_DEPTH` or larger than :data:`MAX_NODES`.

    >>> from khachhang.segmentation import F
    >>> validate(In("province", {"Sài Gòn"})).values
    frozenset({'TP. Hồ Chí Minh'})
    >>> validate(And((F.age > 1, Within("gender", 3))))
    Traceback (most recent call last):
    ...
    khachhang.errors.RuleError: and[1].within(gender): within(days=...) needs a datetime field; ...
    """
    reg = DEFAULT_REGISTRY if registry is None else registry
    if not isinstance(reg, FieldRegistry):
        raise RuleError("registry", f"expected a FieldRegistry, got {type(reg).__name__}")
    budget = [MAX_NODES]
    return _validate(rule, reg, "", 1, budget)


def _validate(
    rule: Rule, registry: FieldRegistry, path: str, depth: int, budget: list[int]
) -> Rule:
    if not isinstance(rule, Rule):
        raise RuleError(path, f"expected a Rule, got {type(rule).__name__}")
    if depth > MAX_DEPTH:
        raise RuleError(path, f"nested deeper than {MAX_DEPTH} levels")
    budget[0] -= 1 + (len(rule.values) if isinstance(rule, In) else 0)
    if budget[0] < 0:
        raise RuleError(path, f"more than {MAX_NODES} nodes and values")
    if isinstance(rule, (And, Or)):
        tag = type(rule).__name__.lower()
        kids = tuple(
            _validate(child, registry, _join(path, f"{tag}[{i}]"), depth + 1, budget)
            for i, child in enumerate(rule.children)
        )
        if all(a is b for a, b in zip(kids, rule.children, strict=True)):
            return rule
        return type(rule)(kids)
    if isinstance(rule, Not):
        child = _validate(rule.child, registry, _join(path, "not"), depth + 1, budget)
        return rule if child is rule.child else Not(child)
    if isinstance(rule, Const):
        return rule
    return check_leaf(rule, registry, path)
