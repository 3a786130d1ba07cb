"""Segmentation rules: a small typed tree of frozen nodes, built with ``F``.

This module holds the nodes; the builder ``F`` lives in
:mod:`khachhang.segmentation.builder`, the checks in :mod:`~khachhang.segmentation.validation`
and the words in :mod:`~khachhang.segmentation.wording` (all re-exported by the package).

>>> from khachhang import Money
>>> from khachhang.segmentation import F
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

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from khachhang._checks import check_key, check_type, refused_in_text, shown
from khachhang.customers import Customer
from khachhang.errors import RuleError, ValidationError
from khachhang.labels import BilingualEnum
from khachhang.money import Money
from khachhang.segmentation.fields import DEFAULT_REGISTRY, FieldRegistry

if TYPE_CHECKING:
    import polars

    from khachhang.segmentation.evaluate import Explanation

__all__ = [
    "FALSE",
    "LEAF_TYPES",
    "MAX_DAYS",
    "MAX_DEPTH",
    "MAX_NODES",
    "NODE_TYPES",
    "SCHEMA_VERSION",
    "TRUE",
    "And",
    "Between",
    "Compare",
    "Const",
    "Contains",
    "In",
    "IsNull",
    "Leaf",
    "Not",
    "Op",
    "Or",
    "Rule",
    "RuleDocument",
    "Value",
    "Within",
    "check_shape",
    "node_label",
    "sorted_values",
]

MAX_DEPTH = 64
"""Deepest nesting a rule may have (a root leaf has depth 1)."""

MAX_NODES = 10_000
"""Most nodes plus ``isin`` values a rule may hold."""

MAX_DAYS = 36_600
"""Largest ``within(days=...)`` window (about a century)."""

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
    # Set by khachhang.segmentation.evaluate: the last few compiled closures, newest first.
    _compiled: tuple[Any, ...]

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
        >>> from khachhang.segmentation import F
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> (F.orders == 0).evaluate(Customer("c-1", Person("An"), created_at=t), as_of=t)
        True
        """
        if type(customer) is not Customer:
            check_type("customer", customer, Customer)
        reg = DEFAULT_REGISTRY if registry is None else registry
        try:
            cached = self._compiled[0]
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
        >>> from khachhang.segmentation import F
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
        >>> from khachhang.segmentation import F
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> c = Customer("c-1", Person("An"), created_at=t)
        >>> print((F.orders == 0).explain(c, as_of=t).to_text("en"))
        TRUE     Number of orders = 0  [value: 0]
        """
        from khachhang.segmentation.evaluate import explain

        return explain(self, customer, as_of=as_of, registry=registry)

    def describe(self, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
        """The rule in words, in ``lang``."""
        from khachhang.segmentation.wording import describe

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

    # -- push-down (khachhang.segmentation.backends: optional extras, imported lazily) ---
    def to_polars(
        self,
        *,
        as_of: datetime,
        columns: dict[str, str] | None = None,
        registry: FieldRegistry | None = None,
    ) -> polars.Expr:
        """A boolean ``polars.Expr`` (null = UNKNOWN); needs ``khachhang[polars]``."""
        from khachhang.segmentation.backends.polars_backend import rule_to_polars

        return rule_to_polars(self, as_of=as_of, columns=columns, registry=registry)

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
        from khachhang.segmentation.backends.sql_backend import rule_to_sql

        return rule_to_sql(
            self,
            dialect=dialect,
            as_of=as_of,
            columns=columns,
            registry=registry,
            three_valued=three_valued,
        )


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

Leaf: TypeAlias = Compare | Between | In | Contains | IsNull | Within
"""A node that reads one field (it has a ``field``)."""

LEAF_TYPES = (Compare, Between, In, Contains, IsNull, Within)
"""Every leaf class: ``isinstance(rule, LEAF_TYPES)`` tells a leaf from any other node."""

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


# --- shape ------------------------------------------------------------------------------


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


def sorted_values(values: frozenset[Value]) -> list[Value]:
    """Values in a stable order, so the first bad one reported is always the same."""
    return sorted(values, key=lambda v: (type(v).__name__, str(v)))
