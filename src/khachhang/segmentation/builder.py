"""The rule builder: ``F.<field>`` makes leaf nodes, each checked as it is built.

>>> from khachhang.kinds import PartyType
>>> F.party_type == PartyType.INDIVIDUAL
Compare('party_type', Op.EQ, PartyType.INDIVIDUAL)
"""

from __future__ import annotations

from collections.abc import Iterable

from khachhang.errors import RuleError
from khachhang.segmentation.fields import DEFAULT_REGISTRY, Field, FieldRegistry
from khachhang.segmentation.rules import (
    Between,
    Compare,
    Contains,
    In,
    IsNull,
    Op,
    Rule,
    Value,
    Within,
)
from khachhang.segmentation.validation import check_leaf

__all__ = ["F", "FieldRef", "Fields"]


class FieldRef:
    """``F.<field>``: builds validated leaf nodes for one field."""

    __slots__ = ("_field", "_registry")
    __hash__ = None  # type: ignore[assignment]  # == builds a rule, so no hash

    def __init__(self, field: Field, registry: FieldRegistry) -> None:
        self._field = field
        self._registry = registry

    def __repr__(self) -> str:
        return f"F.{self._field.name}"

    def _leaf(self, rule: Rule) -> Rule:
        return check_leaf(rule, self._registry, "")

    def _misuse(self, *_: object) -> Rule:
        msg = (
            f"F.{self._field.name} is a field, not a rule: compare it first and put each "
            "comparison in parentheses, e.g. (F.age >= 25) & (F.orders > 1)"
        )
        raise RuleError(self._field.name, msg)

    __and__ = __rand__ = __or__ = __ror__ = __invert__ = __bool__ = _misuse

    def _compare(self, op: Op, value: object) -> Rule:
        return self._leaf(Compare(self._field.name, op, value))  # type: ignore[arg-type]  # _leaf checks it

    def __eq__(self, value: object) -> Rule:  # type: ignore[override]  # builds a rule, not a bool
        return self._compare(Op.EQ, value)

    def __ne__(self, value: object) -> Rule:  # type: ignore[override]  # builds a rule, not a bool
        return self._compare(Op.NE, value)

    def __lt__(self, value: object) -> Rule:
        return self._compare(Op.LT, value)

    def __le__(self, value: object) -> Rule:
        return self._compare(Op.LE, value)

    def __gt__(self, value: object) -> Rule:
        return self._compare(Op.GT, value)

    def __ge__(self, value: object) -> Rule:
        return self._compare(Op.GE, value)

    def between(self, low: Value, high: Value) -> Rule:
        """``low <= field <= high``, both ends included."""
        return self._leaf(Between(self._field.name, low, high))

    def isin(self, values: Iterable[Value]) -> Rule:
        """The value is one of ``values``."""
        return self._leaf(In(self._field.name, values))

    def not_in(self, values: Iterable[Value]) -> Rule:
        """The value is present and none of ``values``."""
        return self._leaf(In(self._field.name, values, negated=True))

    def contains(self, value: Value) -> Rule:
        """A set field (roles, tags) holds ``value``."""
        return self._leaf(Contains(self._field.name, value))

    def is_null(self) -> Rule:
        """The value is missing."""
        return self._leaf(IsNull(self._field.name))

    def is_not_null(self) -> Rule:
        """The value is present."""
        return self._leaf(IsNull(self._field.name, negated=True))

    def within(self, *, days: int) -> Rule:
        """``as_of - days <= value <= as_of`` for a datetime field."""
        return self._leaf(Within(self._field.name, days))


class Fields:
    """A builder namespace over a registry: ``Fields(registry).age >= 18``.

    :data:`F` is the one over :data:`~khachhang.segmentation.fields.DEFAULT_REGISTRY`.
    A field whose name is also an attribute here (``registry``) is reached as
    ``Fields(reg)["registry"]``.
    """

    __slots__ = ("_registry",)
    _registry: FieldRegistry

    def __init__(self, registry: FieldRegistry) -> None:
        object.__setattr__(self, "_registry", registry)

    @property
    def registry(self) -> FieldRegistry:
        """The registry the builder checks against."""
        return self._registry

    def __getattr__(self, name: str) -> FieldRef:
        if name.startswith("_"):  # never a field name; keeps hasattr() and tools working
            raise AttributeError(name)
        return FieldRef(self._registry.get(name), self._registry)

    def __getitem__(self, name: str) -> FieldRef:
        return FieldRef(self._registry.get(name), self._registry)

    def __dir__(self) -> list[str]:
        return sorted(self._registry.names)


F = Fields(DEFAULT_REGISTRY)
"""The builder over the built-in fields: ``F.age.between(25, 40)``."""
