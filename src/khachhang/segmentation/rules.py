"""Segmentation rules: a small typed tree of frozen nodes, built with ``F``.

>>> from khachhang import Money
>>> from khachhang.kinds import PartyType
>>> rule = (F.party_type == PartyType.INDIVIDUAL) & F.age.between(25, 40) & (
...     F.province.isin({"HCM", "Hà Nội", "Bình Dương"})
... ) & (F.total_spent >= Money("20000000")) & F.last_purchase_at.within(days=180)
>>> type(rule).__name__, len(rule.children)
('And', 5)
>>> sorted(rule.children[2].values)    # spellings normalised, former provinces mapped
['Hà Nội', 'TP. Hồ Chí Minh']
>>> print(rule.describe("en"))
Party type = Individual and Age (whole years) between 25 and 40 and ...

Types are checked when the rule is built (and when it is loaded), never at evaluation:

>>> F.age == "ba mươi"
Traceback (most recent call last):
...
khachhang.errors.RuleError: compare(age).value: field 'age' takes an integer, got str
>>> F.salary
Traceback (most recent call last):
...
khachhang.errors.RuleError: salary: unknown field 'salary'; known: ...

Nodes
-----
``Compare(field, op, value)`` (``op`` an :class:`Op`: ``== != < <= > >=``),
``Between(field, low, high)`` (inclusive), ``In(field, values, negated)``
(``isin``/``not_in``), ``Contains(field, value)`` (set fields), ``IsNull(field, negated)``,
``Within(field, days)`` (datetime fields), ``And(children)``, ``Or(children)``,
``Not(child)`` and the constants :data:`TRUE`/:data:`FALSE` (``Const``). A field is named
by a string, resolved against a :class:`~khachhang.segmentation.fields.FieldRegistry`
(:data:`~khachhang.segmentation.fields.DEFAULT_REGISTRY` unless told otherwise).
``&``, ``|`` and ``~`` combine rules (``and``/``or``/``not`` raise: a rule has no truth
value of its own). ``a & b & c`` flattens into one ``And``.

Point in time
-------------
Every field is read *as of* an instant (``as_of=``): purchases after it are ignored, the
lifecycle is the state at that instant, age and tenure are computed on it.
``within(days=N)`` is TRUE when ``as_of - N × 24 h <= value <= as_of``: elapsed time, so
across a daylight-saving change in ``as_of``'s zone the window is still N × 24 hours
(not N days on the wall clock), in memory as in Polars and SQL. ``age`` is whole
years on ``as_of``'s calendar date *in as_of's own UTC offset* (``None`` before the birth
date); ``recency_days`` and ``tenure_days`` are whole elapsed 24-hour periods (floor
division, so ``tenure_days`` is negative for a customer created after ``as_of``).

Missing values: three-valued (Kleene) logic, the same in every backend
-----------------------------------------------------------------------
Each node is TRUE, FALSE or UNKNOWN; a rule *selects* a customer only when it is TRUE.

* A missing value (``None``; NULL in Polars and SQL) makes ``Compare``, ``Between``,
  ``In`` (both ``isin`` and ``not_in``) and ``Within`` UNKNOWN.
* ``IsNull`` is never UNKNOWN. Set fields (``roles``, ``tags``) are never missing (an
  empty set), so ``Contains`` is TRUE or FALSE and ``is_null()`` on them is FALSE.
* ``isin`` of an empty set is FALSE for a present value (UNKNOWN for a missing one);
  ``not_in`` of an empty set is TRUE for a present value (UNKNOWN for a missing one).
* ``~UNKNOWN`` is UNKNOWN; ``And`` is FALSE if any child is FALSE, else UNKNOWN if any
  is UNKNOWN, else TRUE; ``Or`` is TRUE if any child is TRUE, else UNKNOWN if any is
  UNKNOWN, else FALSE. Children have no side effects, so evaluation order never changes
  a result (the in-memory compiler may short-circuit).
* Money: a comparison with a ``Money`` literal in another currency than the customer's
  value is UNKNOWN (never converted). Literals for money fields must be ``Money``, and
  ``between`` bounds share one currency.
* Datetimes compare as instants (UTC); literals must be timezone-aware.
* Text fields compare exactly (``province`` literals are normalised when the rule is
  built: ``"HCM"`` → ``"TP. Hồ Chí Minh"``, former provinces map to the current one).

So ``F.income < Money("10000000")`` and ``~(F.income < Money("10000000"))`` both leave
out a customer without a known income; ask ``F.income.is_null()`` to find them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, TypeAlias

import attrs

from khachhang._checks import check_key, check_type, refused_in_text, shown
from khachhang.customers import Customer
from khachhang.errors import RuleError, ValidationError
from khachhang.labels import BilingualEnum, check_lang
from khachhang.money import Money
from khachhang.segmentation.fields import DEFAULT_REGISTRY, Field, FieldKind, FieldRegistry

if TYPE_CHECKING:
    import polars

    from khachhang.segmentation.evaluate import Explanation

__all__ = [
    "FALSE",
    "MAX_DEPTH",
    "MAX_NODES",
    "SCHEMA_VERSION",
    "TRUE",
    "And",
    "Between",
    "Compare",
    "Const",
    "Contains",
    "F",
    "FieldRef",
    "Fields",
    "In",
    "IsNull",
    "Not",
    "Op",
    "Or",
    "Rule",
    "RuleDocument",
    "Value",
    "Within",
    "validate",
]

MAX_DEPTH = 64
"""Deepest nesting a rule may have (a root leaf has depth 1)."""

MAX_NODES = 10_000
"""Most nodes plus ``isin`` values a rule may hold."""

MAX_DAYS = 36_600
"""Largest ``within(days=...)`` window (about a century)."""

_MAX_INT = 10**18
_MAX_TEXT = 200

Value: TypeAlias = int | str | Money | datetime | BilingualEnum
"""A literal in a rule: an int, a string, Money, an aware datetime or an enum member."""


class Op(BilingualEnum):
    """A comparison operator."""

    EQ = ("eq", "bằng", "equals")
    NE = ("ne", "khác", "is not")
    LT = ("lt", "nhỏ hơn", "less than")
    LE = ("le", "không quá", "at most")
    GT = ("gt", "lớn hơn", "greater than")
    GE = ("ge", "ít nhất", "at least")

    @property
    def symbol(self) -> str:
        """The Python operator: ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``."""
        return _SYMBOLS[self]


_SYMBOLS = {Op.EQ: "=", Op.NE: "≠", Op.LT: "<", Op.LE: "≤", Op.GT: ">", Op.GE: "≥"}


class Rule:
    """Base of every rule node: combine with ``&``, ``|``, ``~``; evaluate, explain, push down.

    Nodes are frozen attrs classes; the compiled closure is cached in a private slot that
    takes no part in equality, hashing or serialisation.
    """

    __slots__ = ("_compiled",)

    def __and__(self, other: Rule) -> And:
        if not isinstance(other, Rule):
            return NotImplemented
        return And((*_flat(self, And), *_flat(other, And)))

    def __or__(self, other: Rule) -> Or:
        if not isinstance(other, Rule):
            return NotImplemented
        return Or((*_flat(self, Or), *_flat(other, Or)))

    def __invert__(self) -> Not:
        return Not(self)

    def __bool__(self) -> bool:
        msg = "a rule has no truth value: combine rules with &, |, ~ (not and/or/not)"
        raise RuleError("", msg)

    # -- evaluation (khachhang.segmentation.evaluate) -----------------------------------
    def evaluate(
        self, customer: Customer, *, as_of: datetime, registry: FieldRegistry | None = None
    ) -> bool:
        """True when the rule is TRUE for ``customer`` at ``as_of`` (UNKNOWN selects not).

        The rule is compiled once to a closure and cached on the node (the last few
        ``as_of`` values and registries; see ``evaluate.CACHE_SIZE``).

        >>> from datetime import datetime, timezone
        >>> from khachhang import Customer, Person
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> (F.orders == 0).evaluate(Customer("c-1", Person("An"), created_at=t), as_of=t)
        True
        """
        if type(customer) is not Customer:
            check_type("customer", customer, Customer)
        reg = DEFAULT_REGISTRY if registry is None else registry
        try:
            cached = self._compiled[0]  # type: ignore[attr-defined]
        except AttributeError:
            pass
        else:  # the hot path: same as_of object, same registry as the last call
            if cached.as_of is as_of and cached.registry is reg:
                result: bool = cached.is_true(customer)
                return result
        from khachhang.segmentation.evaluate import predicate

        return predicate(self, as_of=as_of, registry=reg)(customer)

    def compile(
        self, *, as_of: datetime, registry: FieldRegistry | None = None
    ) -> Callable[[Customer], bool]:
        """A fast ``customer -> bool`` predicate for ``as_of`` (TRUE selects).

        >>> from datetime import datetime, timezone
        >>> from khachhang import Customer, Person
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> select = F.tags.contains("vip").compile(as_of=t)
        >>> select(Customer("c-1", Person("An"), created_at=t, tags={"vip"}))
        True
        """
        from khachhang.segmentation.evaluate import predicate

        return predicate(self, as_of=as_of, registry=registry)

    def explain(
        self, customer: Customer, *, as_of: datetime, registry: FieldRegistry | None = None
    ) -> Explanation:
        """The tree with each node's TRUE/FALSE/UNKNOWN and the value it saw.

        >>> from datetime import datetime, timezone
        >>> from khachhang import Customer, Person
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> c = Customer("c-1", Person("An"), created_at=t)
        >>> print((F.orders == 0).explain(c, as_of=t).to_text("en"))
        TRUE     Number of orders = 0  [value: 0]
        """
        from khachhang.segmentation.evaluate import explain

        return explain(self, customer, as_of=as_of, registry=registry)

    def describe(self, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
        """The rule in words, in ``lang``."""
        return describe(self, lang, registry)

    # -- notebook views (khachhang.views) ----------------------------------------------
    def to_html(self, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
        """The rule as a nested list: see :func:`khachhang.views.to_html`."""
        from khachhang.views._segmentation import rule_html

        return rule_html(self, lang, registry)

    def to_markdown(self, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
        """The rule as a nested Markdown list: see :func:`khachhang.views.to_markdown`."""
        from khachhang.views._segmentation import rule_markdown

        return rule_markdown(self, lang, registry)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    # -- push-down (SEG-BACK's modules, imported lazily) --------------------------------
    def to_polars(
        self,
        *,
        as_of: datetime,
        columns: dict[str, str] | None = None,
        registry: FieldRegistry | None = None,
    ) -> polars.Expr:
        """A boolean ``polars.Expr`` (null = UNKNOWN); needs ``khachhang[polars]``."""
        from khachhang.segmentation import polars as backend  # type: ignore[attr-defined,unused-ignore]

        expr: polars.Expr = backend.rule_to_polars(
            self, as_of=as_of, columns=columns, registry=registry
        )
        return expr

    def to_sql(
        self,
        *,
        dialect: str = "duckdb",
        as_of: datetime,
        columns: dict[str, str] | None = None,
        registry: FieldRegistry | None = None,
        three_valued: bool = False,
    ) -> str:
        """A WHERE-clause text for ``dialect`` (via sqlglot); needs ``khachhang[sql]``.

        The clause is TRUE exactly where the rule is TRUE. With ``three_valued`` it is
        also NULL exactly where the rule is UNKNOWN (for embedding under your own ``NOT``);
        the default is cheaper for money compared across currencies.
        """
        from khachhang.segmentation import sql as backend  # type: ignore[attr-defined,unused-ignore]

        result: str = backend.rule_to_sql(
            self,
            dialect=dialect,
            as_of=as_of,
            columns=columns,
            registry=registry,
            three_valued=three_valued,
        )
        return result


def _flat(rule: Rule, kind: type[And] | type[Or]) -> tuple[Rule, ...]:
    return rule.children if isinstance(rule, kind) and type(rule) is kind else (rule,)


def _field_name(value: object) -> str:
    if type(value) is not str:
        raise RuleError("field", f"expected a field name (str), got {type(value).__name__}")
    try:
        return check_key("field", value, max_len=63)
    except ValidationError as err:
        raise RuleError("field", err.reason) from None


def _text_values(path: str, *values: object) -> None:
    """Text literals refuse what human text refuses (their length is checked on use)."""
    for value in values:
        bad = refused_in_text(value) if type(value) is str else None
        if bad is not None:
            msg = f"contains a control, format or unpaired surrogate character (U+{ord(bad):04X})"
            raise RuleError(path, msg)


@attrs.frozen(repr=False)
class Compare(Rule):
    """``field op value``: ``F.age >= 25``."""

    field: str
    op: Op
    value: Value

    def __attrs_post_init__(self) -> None:
        _field_name(self.field)
        _text_values("value", self.value)
        if not isinstance(self.op, Op):
            raise RuleError("op", f"expected an Op, got {type(self.op).__name__}")

    def __repr__(self) -> str:
        return f"Compare({self.field!r}, Op.{self.op.name}, {self.value!r})"


@attrs.frozen
class Between(Rule):
    """``low <= field <= high`` (inclusive): ``F.age.between(25, 40)``."""

    field: str
    low: Value
    high: Value

    def __attrs_post_init__(self) -> None:
        _field_name(self.field)
        _text_values("low", self.low)
        _text_values("high", self.high)


def _values(values: Iterable[Value]) -> frozenset[Value]:
    if isinstance(values, (str, bytes, dict)) or not isinstance(values, Iterable):
        msg = f"expected a collection of values (set, list, tuple), got {type(values).__name__}"
        raise RuleError("values", msg)
    try:
        return frozenset(values)
    except TypeError:  # an unhashable item: a list or dict where a value belongs
        kinds = sorted({type(v).__name__ for v in values if not _hashable(v)})
        msg = f"values must be single values (int, str, enum), got {', '.join(kinds)}"
        raise RuleError("values", msg) from None


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


@attrs.frozen
class In(Rule):
    """``field ∈ values`` (or ``∉`` when ``negated``): ``F.province.isin({...})``."""

    field: str
    values: frozenset[Value] = attrs.field(converter=_values)
    negated: bool = False

    def __attrs_post_init__(self) -> None:
        _field_name(self.field)
        _text_values("values", *self.values)
        if type(self.negated) is not bool:
            raise RuleError("negated", "expected true or false")


@attrs.frozen
class Contains(Rule):
    """A set field holds ``value``: ``F.roles.contains(Role.BUYER)``."""

    field: str
    value: Value

    def __attrs_post_init__(self) -> None:
        _field_name(self.field)
        _text_values("value", self.value)


@attrs.frozen
class IsNull(Rule):
    """The field is missing (or present when ``negated``); never UNKNOWN."""

    field: str
    negated: bool = False

    def __attrs_post_init__(self) -> None:
        _field_name(self.field)
        if type(self.negated) is not bool:
            raise RuleError("negated", "expected true or false")


@attrs.frozen
class Within(Rule):
    """A datetime field within the last ``days`` days: ``as_of - days <= value <= as_of``."""

    field: str
    days: int

    def __attrs_post_init__(self) -> None:
        _field_name(self.field)
        if type(self.days) is not int or not 0 <= self.days <= MAX_DAYS:
            raise RuleError("days", f"expected whole days from 0 to {MAX_DAYS}, got {self.days!r}")


def _children(values: Iterable[Rule]) -> tuple[Rule, ...]:
    if not isinstance(values, (list, tuple)):
        msg = f"expected a list or tuple of rules, got {type(values).__name__}"
        raise RuleError("children", msg)
    items = tuple(values)
    if not items:
        raise RuleError("children", "needs at least one rule")
    for i, item in enumerate(items):
        if not isinstance(item, Rule):
            raise RuleError(f"children[{i}]", f"expected a Rule, got {type(item).__name__}")
    return items


@attrs.frozen
class And(Rule):
    """All children (Kleene AND)."""

    children: tuple[Rule, ...] = attrs.field(converter=_children)


@attrs.frozen
class Or(Rule):
    """Any child (Kleene OR)."""

    children: tuple[Rule, ...] = attrs.field(converter=_children)


@attrs.frozen
class Not(Rule):
    """Negation; ``~UNKNOWN`` is UNKNOWN."""

    child: Rule

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.child, Rule):
            raise RuleError("child", f"expected a Rule, got {type(self.child).__name__}")


@attrs.frozen
class Const(Rule):
    """A constant TRUE or FALSE (``Segment`` catch-alls, neutral elements)."""

    value: bool

    def __attrs_post_init__(self) -> None:
        if type(self.value) is not bool:
            raise RuleError("value", "expected true or false")


TRUE = Const(True)
"""The rule that selects everyone."""
FALSE = Const(False)
"""The rule that selects no one."""

NODE_TYPES: tuple[type[Rule], ...] = (
    Compare,
    Between,
    In,
    Contains,
    IsNull,
    Within,
    And,
    Or,
    Not,
    Const,
)
"""Every node class (backends dispatch on exactly these)."""


SCHEMA_VERSION = 1
"""The version of the JSON form written by :class:`RuleDocument`."""


@attrs.frozen
class RuleDocument:
    """A rule with the JSON schema version it is written in: the form to store rules in.

    ``to_dict(RuleDocument(rule))`` gives ``{"version": 1, "rule": {"op": ...}}``; loading
    checks the version, rejects unknown keys with their path, bounds depth and size and
    validates the rule against the registry (see ``khachhang.segmentation.using_registry``).
    """

    rule: Rule
    version: int = SCHEMA_VERSION

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.rule, Rule):
            raise RuleError("rule", f"expected a Rule, got {type(self.rule).__name__}")
        check_shape(self.rule, "rule")
        if type(self.version) is not int or self.version != SCHEMA_VERSION:
            msg = f"unsupported schema version {shown(self.version)}; this library reads 1"
            raise RuleError("version", msg)

    def to_html(self, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
        """The schema version and the rule's tree: see :func:`khachhang.views.to_html`."""
        from khachhang.views._segmentation import document_html

        return document_html(self, lang, registry)

    def to_markdown(self, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
        """The same in Markdown: see :func:`khachhang.views.to_markdown`."""
        from khachhang.views._segmentation import document_markdown

        return document_markdown(self, lang, registry)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


# --- validation ------------------------------------------------------------------------


def check_shape(rule: Rule, path: str = "") -> None:
    """Refuse a tree deeper than :data:`MAX_DEPTH` or larger than :data:`MAX_NODES`.

    The limits loading and :func:`validate` apply, checked without recursion (a tree
    built in code may be thousands of levels deep, past Python's recursion limit).

    >>> deep = TRUE
    >>> for _ in range(2000):
    ...     deep = Not(deep)
    >>> check_shape(deep, "rule")
    Traceback (most recent call last):
    ...
    khachhang.errors.RuleError: rule: nested deeper than 64 levels
    """
    budget = MAX_NODES
    stack: list[tuple[Rule, int]] = [(rule, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise RuleError(path, f"nested deeper than {MAX_DEPTH} levels")
        budget -= 1 + (len(node.values) if isinstance(node, In) else 0)
        if budget < 0:
            raise RuleError(path, f"more than {MAX_NODES} nodes and values")
        if isinstance(node, (And, Or)):
            stack.extend((child, depth + 1) for child in node.children)
        elif isinstance(node, Not):
            stack.append((node.child, depth + 1))


def node_label(rule: Rule) -> str:
    """A short name for a node in error paths: ``and``, ``between(age)``, ..."""
    if isinstance(rule, (And, Or, Not)):
        return type(rule).__name__.lower()
    if isinstance(rule, Const):
        return "true" if rule.value else "false"
    field = getattr(rule, "field", "?")
    return f"{type(rule).__name__.lower()}({field})"


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
        if ok and not _in_utc_range(value):  # type: ignore[arg-type]
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
    return value  # type: ignore[return-value]


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


def _check_leaf(rule: Rule, registry: FieldRegistry, path: str) -> Rule:
    here = _join(path, node_label(rule))
    field = registry.get(rule.field, here)  # type: ignore[attr-defined]
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
        if isinstance(low, Money) and low.currency != high.currency:  # type: ignore[union-attr]
            raise RuleError(here, "between bounds must share one currency")
        if low > high:  # type: ignore[operator]
            raise RuleError(here, f"empty range: low {low} is above high {high}")
        return rule if (low, high) == (rule.low, rule.high) else Between(rule.field, low, high)
    if isinstance(rule, In):
        if kind not in (FieldKind.INT, FieldKind.ENUM, FieldKind.TEXT):
            msg = f"isin/not_in need an integer, enum or text field; {field.name!r} is {kind.value}"
            raise RuleError(here, msg)
        values = frozenset(
            check_literal(field, v, _join(here, "values")) for v in _sorted_values(rule.values)
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


def _sorted_values(values: frozenset[Value]) -> list[Value]:
    """Values in a stable order, so the first bad one reported is always the same."""
    return sorted(values, key=lambda v: (type(v).__name__, str(v)))


def validate(rule: Rule, registry: FieldRegistry | None = None) -> Rule:
    """Check ``rule`` against ``registry``; return it with literals normalised.

    Raises :class:`~khachhang.errors.RuleError` naming the node's path (``and[1].or[0]``)
    for an unknown field, a literal of the wrong type, an operator that does not fit the
    field, a tree deeper than :data:`MAX_DEPTH` or larger than :data:`MAX_NODES`.

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
    return _check_leaf(rule, registry, path)


# --- the builder -----------------------------------------------------------------------


class FieldRef:
    """``F.<field>``: builds validated leaf nodes for one field."""

    __slots__ = ("_field", "_registry")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, field: Field, registry: FieldRegistry) -> None:
        self._field = field
        self._registry = registry

    def __repr__(self) -> str:
        return f"F.{self._field.name}"

    def _leaf(self, rule: Rule) -> Rule:
        return _check_leaf(rule, self._registry, "")

    def _misuse(self, *_: object) -> Rule:
        msg = (
            f"F.{self._field.name} is a field, not a rule: compare it first and put each "
            "comparison in parentheses, e.g. (F.age >= 25) & (F.orders > 1)"
        )
        raise RuleError(self._field.name, msg)

    __and__ = __rand__ = __or__ = __ror__ = __invert__ = __bool__ = _misuse

    def _compare(self, op: Op, value: object) -> Rule:
        return self._leaf(Compare(self._field.name, op, value))  # type: ignore[arg-type]

    def __eq__(self, value: object) -> Rule:  # type: ignore[override]
        return self._compare(Op.EQ, value)

    def __ne__(self, value: object) -> Rule:  # type: ignore[override]
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
        return self._leaf(In(self._field.name, _values(values)))

    def not_in(self, values: Iterable[Value]) -> Rule:
        """The value is present and none of ``values``."""
        return self._leaf(In(self._field.name, _values(values), negated=True))

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


# --- describing rules in words -----------------------------------------------------------


def show_value(value: object, lang: str = "vi") -> str:
    """A value as people read it: labels for enums, formatted money, ISO datetimes.

    >>> show_value(Money("20000000"), "vi"), show_value(None, "en")
    ('20.000.000 ₫', 'missing')
    """
    if value is None:
        return "không có" if lang == "vi" else "missing"
    if isinstance(value, BilingualEnum):
        return value.label(lang)
    if isinstance(value, Money):
        return value.format(lang)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, frozenset):
        items = sorted(show_value(v, lang) for v in value)
        return "{" + ", ".join(items) + "}"
    return str(value)


_WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "and": " và ",
        "or": " hoặc ",
        "not": "không phải ({})",
        "between": "{f} từ {lo} đến {hi}",
        "in": "{f} thuộc {{{vs}}}",
        "not_in": "{f} không thuộc {{{vs}}}",
        "contains": "{f} có {v}",
        "is_null": "{f} không có dữ liệu",
        "is_not_null": "{f} có dữ liệu",
        "within": "{f} trong {d} ngày qua",
        "true": "mọi khách hàng",
        "false": "không khách hàng nào",
    },
    "en": {
        "and": " and ",
        "or": " or ",
        "not": "not ({})",
        "between": "{f} between {lo} and {hi}",
        "in": "{f} in {{{vs}}}",
        "not_in": "{f} not in {{{vs}}}",
        "contains": "{f} contains {v}",
        "is_null": "{f} is missing",
        "is_not_null": "{f} is known",
        "within": "{f} within the last {d} days",
        "true": "every customer",
        "false": "no customer",
    },
}


def describe(rule: Rule, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
    """``rule`` in words (Vietnamese or English).

    >>> print(describe(F.age.between(25, 40) & ~F.income.is_null(), "vi"))
    Tuổi từ 25 đến 40 và không phải (Thu nhập hằng tháng không có dữ liệu)
    """
    check_type("rule", rule, Rule)
    words = _WORDS[check_lang(lang)]
    reg = DEFAULT_REGISTRY if registry is None else registry
    return _describe(rule, lang, reg, words, 0)


def _describe(rule: Rule, lang: str, reg: FieldRegistry, words: dict[str, str], depth: int) -> str:
    if depth > MAX_DEPTH:
        return "…"
    if isinstance(rule, (And, Or)):
        sep = words["and"] if isinstance(rule, And) else words["or"]
        parts = []
        for child in rule.children:
            text = _describe(child, lang, reg, words, depth + 1)
            parts.append(f"({text})" if isinstance(child, (And, Or)) else text)
        return sep.join(parts)
    if isinstance(rule, Not):
        return words["not"].format(_describe(rule.child, lang, reg, words, depth + 1))
    if isinstance(rule, Const):
        return words["true" if rule.value else "false"]
    name: str = rule.field  # type: ignore[attr-defined]
    label = reg[name].label(lang) if name in reg else name
    if isinstance(rule, Compare):
        return f"{label} {rule.op.symbol} {show_value(rule.value, lang)}"
    if isinstance(rule, Between):
        lo, hi = show_value(rule.low, lang), show_value(rule.high, lang)
        return words["between"].format(f=label, lo=lo, hi=hi)
    if isinstance(rule, In):
        shown_values = ", ".join(show_value(v, lang) for v in _sorted_values(rule.values))
        return words["not_in" if rule.negated else "in"].format(f=label, vs=shown_values)
    if isinstance(rule, Contains):
        return words["contains"].format(f=label, v=show_value(rule.value, lang))
    if isinstance(rule, IsNull):
        return words["is_not_null" if rule.negated else "is_null"].format(f=label)
    if isinstance(rule, Within):
        return words["within"].format(f=label, d=rule.days)
    return repr(rule)
