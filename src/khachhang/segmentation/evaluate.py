"""In-memory evaluation: rules compiled once to closures, and explanations.

A rule is validated and compiled to two plain-bool closures per node: *is it TRUE?* and
*is it FALSE?*. Kleene logic then needs no third value at run time — ``And`` is TRUE when
every child is TRUE and FALSE when any child is FALSE; ``Not`` swaps the two; a leaf on a
missing value is neither (UNKNOWN) — and Python's own ``and``/``or`` short-circuit.
Fields are read through their binder for ``as_of``, literals are precomputed (money as
``Decimal`` plus currency, ``within`` bounds as datetimes), so a customer costs a few
closure calls, never a walk over the tree.

>>> from datetime import datetime, timezone
>>> from khachhang import Customer, Person, Money
>>> from khachhang.segmentation import F
>>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
>>> c = Customer("c-1", Person("Lê Văn Minh"), created_at=t)
>>> rule = (F.income < Money("10000000")) | F.tags.contains("vip")
>>> truth(rule, c, as_of=t), rule.evaluate(c, as_of=t)
(Truth.UNKNOWN, False)
>>> print(rule.explain(c, as_of=t).to_text("en"))
UNKNOWN  Monthly income < ₫10,000,000 or Tags contains vip
  UNKNOWN  Monthly income < ₫10,000,000  [value: missing]
  FALSE    Tags contains vip  [value: {}]
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs

from khachhang._checks import check_type, require_aware
from khachhang.customers import Customer
from khachhang.errors import RuleError, ValidationError
from khachhang.labels import BilingualEnum, check_lang
from khachhang.money import Money
from khachhang.segmentation.fields import (
    DEFAULT_REGISTRY,
    FieldKind,
    FieldRegistry,
    query_instant,
)
from khachhang.segmentation.rules import (
    LEAF_TYPES,
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
    Within,
)
from khachhang.segmentation.validation import validate
from khachhang.segmentation.wording import describe, show_value, value_word

__all__ = ["Explanation", "Predicate", "Truth", "explain", "predicate", "truth"]

Predicate = Callable[[Customer], bool]
"""A compiled test: ``customer -> bool``."""


class Truth(BilingualEnum):
    """A three-valued (Kleene) result."""

    TRUE = ("true", "Đúng", "TRUE")
    FALSE = ("false", "Sai", "FALSE")
    UNKNOWN = ("unknown", "Không xác định", "UNKNOWN")


_OPS: dict[Op, Callable[[Any, Any], bool]] = {
    Op.EQ: operator.eq,
    Op.NE: operator.ne,
    Op.LT: operator.lt,
    Op.LE: operator.le,
    Op.GT: operator.gt,
    Op.GE: operator.ge,
}


def _never(customer: Customer) -> bool:
    return False


def _always(customer: Customer) -> bool:
    return True


@attrs.frozen
class _Compiled:
    """One rule compiled for one registry and ``as_of``: TRUE and FALSE tests."""

    registry: FieldRegistry
    as_of: datetime
    is_true: Predicate
    is_false: Predicate


CACHE_SIZE = 4
"""How many compilations (registry, ``as_of``) a rule keeps, most recent first.

A loop over many ``as_of`` values keeps memory flat (older entries are dropped), and
code alternating between a few instants (this month against last month) does not
recompile on every call.
"""


def _same(cached: _Compiled, as_of: datetime, reg: FieldRegistry) -> bool:
    # Same instant is not enough: age reads as_of's calendar date in its own offset, and
    # a field's reader gets as_of itself, zone and all (an application field may read
    # the zone's rules), so the key is the instant, the offset and the zone.
    return cached.registry is reg and (
        cached.as_of is as_of
        or (
            cached.as_of == as_of
            and cached.as_of.utcoffset() == as_of.utcoffset()
            and cached.as_of.tzinfo == as_of.tzinfo
        )
    )


def _compiled(rule: Rule, as_of: datetime, registry: FieldRegistry | None) -> _Compiled:
    reg = DEFAULT_REGISTRY if registry is None else registry
    # The slot holds a tuple, replaced whole (never mutated), so concurrent threads at
    # worst compile twice or drop an entry; they never see a half-built cache.
    entries: tuple[_Compiled, ...] = getattr(rule, "_compiled", ())
    for cached in entries:
        if _same(cached, as_of, reg):
            if cached is not entries[0]:
                rest = tuple(e for e in entries if e is not cached)
                object.__setattr__(rule, "_compiled", (cached, *rest))
            return cached
    require_aware(as_of, "as_of")
    check_type("registry", reg, FieldRegistry)
    checked = validate(rule, reg)
    compiled = _Compiled(
        reg, as_of, _compile(checked, reg, as_of, True), _compile(checked, reg, as_of, False)
    )
    # A private cache slot, not a field: no part in equality, hashing, pickling or JSON.
    object.__setattr__(rule, "_compiled", (compiled, *entries[: CACHE_SIZE - 1]))
    return compiled


def predicate(rule: Rule, *, as_of: datetime, registry: FieldRegistry | None = None) -> Predicate:
    """The compiled ``customer -> bool`` test for ``rule`` at ``as_of`` (TRUE selects).

    Compiled once per rule, registry and ``as_of``; the last :data:`CACHE_SIZE`
    compilations are cached on the rule.

    >>> from datetime import datetime, timezone
    >>> from khachhang import Customer, Person
    >>> from khachhang.segmentation import F
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> buyers = predicate(F.orders > 0, as_of=t)
    >>> [buyers(c) for c in [Customer("c-1", Person("An"), created_at=t)]]
    [False]
    """
    return _compiled(rule, as_of, registry).is_true


def truth(
    rule: Rule, customer: Customer, *, as_of: datetime, registry: FieldRegistry | None = None
) -> Truth:
    """The rule's three-valued result for ``customer`` (compiled, cached).

    >>> from datetime import datetime, timezone
    >>> from khachhang import Customer, Person
    >>> from khachhang.segmentation import F
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> c = Customer("c-1", Person("An"), created_at=t)          # no birth date: age missing
    >>> truth(F.age >= 18, c, as_of=t), truth(F.age.is_null(), c, as_of=t)
    (Truth.UNKNOWN, Truth.TRUE)
    """
    check_type("customer", customer, Customer)
    compiled = _compiled(rule, as_of, registry)
    if compiled.is_true(customer):
        return Truth.TRUE
    return Truth.FALSE if compiled.is_false(customer) else Truth.UNKNOWN


# --- the compiler --------------------------------------------------------------------


def _all(tests: list[Predicate]) -> Predicate:
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda c: a(c) and b(c)
    if len(tests) == 3:
        a, b, d = tests
        return lambda c: a(c) and b(c) and d(c)
    if len(tests) == 4:
        a, b, d, e = tests
        return lambda c: a(c) and b(c) and d(c) and e(c)
    if len(tests) == 5:
        a, b, d, e, g = tests
        return lambda c: a(c) and b(c) and d(c) and e(c) and g(c)
    head, tail = _all(tests[:5]), _all(tests[5:])
    return lambda c: head(c) and tail(c)


def _any(tests: list[Predicate]) -> Predicate:
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda c: a(c) or b(c)
    if len(tests) == 3:
        a, b, d = tests
        return lambda c: a(c) or b(c) or d(c)
    if len(tests) == 4:
        a, b, d, e = tests
        return lambda c: a(c) or b(c) or d(c) or e(c)
    head, tail = _any(tests[:4]), _any(tests[4:])
    return lambda c: head(c) or tail(c)


def _compile(rule: Rule, reg: FieldRegistry, as_of: datetime, want: bool) -> Predicate:
    """A closure that is True exactly when ``rule`` evaluates to ``want`` (TRUE/FALSE)."""
    if isinstance(rule, (And, Or)):
        # Kleene AND/OR are commutative and fields have no side effects, so the cheaper
        # children are tested first (stable: equal costs keep their order).
        children = sorted(rule.children, key=lambda child: _cost(child, reg))
        parts = [_compile(child, reg, as_of, want) for child in children]
        return _all(parts) if want is isinstance(rule, And) else _any(parts)
    if isinstance(rule, Not):
        return _compile(rule.child, reg, as_of, not want)
    if isinstance(rule, Const):
        return _always if rule.value is want else _never
    if not isinstance(rule, LEAF_TYPES):  # unreachable: validate() ran first
        raise RuleError("", f"no test for {type(rule).__name__}")
    field = reg[rule.field]
    get = field.bind(as_of=as_of)
    if isinstance(rule, IsNull):
        if field.kind.is_set:
            return _never if want is not rule.negated else _always
        missing = want is not rule.negated
        if missing:
            return lambda c: get(c) is None
        return lambda c: get(c) is not None
    if isinstance(rule, Contains):
        item = rule.value
        if want:
            return lambda c: item in get(c)
        return lambda c: item not in get(c)
    if field.kind is FieldKind.MONEY:
        test = _leaf_test(rule, field.kind, as_of)
        if field.amount_binder is not None:
            return _amount_leaf(field.amount_binder(as_of), rule, test, want)
        return _money_leaf(get, rule, test, want)
    if isinstance(rule, Compare) and field.kind is FieldKind.ENUM and rule.op in (Op.EQ, Op.NE):
        return _identity_leaf(get, rule, want, field.nullable)
    return _inline_leaf(get, rule, as_of, want)


def _inline_leaf(
    get: Callable[[Customer], Any], rule: Rule, as_of: datetime, want: bool
) -> Predicate:
    """One closure per node type and outcome, the test written inline (no extra call)."""
    if isinstance(rule, Compare):
        return _COMPARE_LEAVES[rule.op, want](get, query_instant(rule.value))
    if isinstance(rule, Between):
        low, high = query_instant(rule.low), query_instant(rule.high)
        if want:
            return lambda c: (v := get(c)) is not None and low <= v <= high
        return lambda c: (v := get(c)) is not None and not low <= v <= high
    if isinstance(rule, In):
        values = rule.values
        if want is not rule.negated:
            return lambda c: (v := get(c)) is not None and v in values
        return lambda c: (v := get(c)) is not None and v not in values
    if isinstance(rule, Within):
        start = window_start(as_of, rule.days)
        as_of = query_instant(as_of)
        if start is None:  # the window reaches back past every representable instant
            if want:
                return lambda c: (v := get(c)) is not None and v <= as_of
            return lambda c: (v := get(c)) is not None and not v <= as_of
        if want:
            return lambda c: (v := get(c)) is not None and start <= v <= as_of
        return lambda c: (v := get(c)) is not None and not start <= v <= as_of
    msg = f"no test for {type(rule).__name__}"  # unreachable: validate() ran first
    raise TypeError(msg)


_Getter = Callable[[Customer], Any]
_COMPARE_LEAVES: dict[tuple[Op, bool], Callable[[_Getter, Any], Predicate]] = {
    (Op.EQ, True): lambda get, x: lambda c: (v := get(c)) is not None and v == x,
    (Op.EQ, False): lambda get, x: lambda c: (v := get(c)) is not None and v != x,
    (Op.NE, True): lambda get, x: lambda c: (v := get(c)) is not None and v != x,
    (Op.NE, False): lambda get, x: lambda c: (v := get(c)) is not None and v == x,
    (Op.LT, True): lambda get, x: lambda c: (v := get(c)) is not None and v < x,
    (Op.LT, False): lambda get, x: lambda c: (v := get(c)) is not None and not v < x,
    (Op.LE, True): lambda get, x: lambda c: (v := get(c)) is not None and v <= x,
    (Op.LE, False): lambda get, x: lambda c: (v := get(c)) is not None and not v <= x,
    (Op.GT, True): lambda get, x: lambda c: (v := get(c)) is not None and v > x,
    (Op.GT, False): lambda get, x: lambda c: (v := get(c)) is not None and not v > x,
    (Op.GE, True): lambda get, x: lambda c: (v := get(c)) is not None and v >= x,
    (Op.GE, False): lambda get, x: lambda c: (v := get(c)) is not None and not v >= x,
}
"""Compare leaves by (operator, outcome wanted): ``v != x`` is FALSE of ``==``, etc."""


def _identity_leaf(
    get: Callable[[Customer], Any], rule: Compare, want: bool, nullable: bool
) -> Predicate:
    """Enum ``==``/``!=``: members are singletons, so ``is`` decides."""
    member = rule.value
    equal = (rule.op is Op.EQ) is want
    if equal:
        return lambda c: get(c) is member
    if not nullable:
        return lambda c: get(c) is not member

    def differs(c: Customer) -> bool:
        v = get(c)
        return v is not None and v is not member

    return differs


def _leaf_test(rule: Rule, kind: FieldKind, as_of: datetime) -> Callable[[Any], bool]:
    """``value -> bool`` for a present value (money: on the ``Decimal`` amount)."""
    if isinstance(rule, Compare):
        op = _OPS[rule.op]
        literal = rule.value.amount if isinstance(rule.value, Money) else query_instant(rule.value)
        return lambda v: op(v, literal)
    if isinstance(rule, Between):
        low, high = rule.low, rule.high
        if isinstance(low, Money) and isinstance(high, Money):
            low_amount, high_amount = low.amount, high.amount
            return lambda v: low_amount <= v <= high_amount
        low, high = query_instant(low), query_instant(high)
        return lambda v: low <= v <= high
    if isinstance(rule, In):
        values = rule.values
        if rule.negated:
            return lambda v: v not in values
        return lambda v: v in values
    if isinstance(rule, Within):
        start = window_start(as_of, rule.days)
        as_of = query_instant(as_of)
        if start is None:
            return lambda v: v <= as_of
        return lambda v: start <= v <= as_of
    msg = f"no test for {type(rule).__name__}"  # unreachable: validate() ran first
    raise TypeError(msg)


_ALMOST_A_DAY = timedelta(days=1) - timedelta(microseconds=1)
# Where to do the arithmetic: UTC, else the offsets furthest east and west, which reach
# the instants just before UTC's year 1 and just after its year 9999.
_ARITHMETIC_ZONES = (timezone.utc, timezone(_ALMOST_A_DAY), timezone(-_ALMOST_A_DAY))


def window_start(as_of: datetime, days: int) -> datetime | None:
    """The instant ``days`` × 24 hours before ``as_of``: where ``within(days=...)`` starts.

    Elapsed time, not the wall clock: across a daylight-saving change in ``as_of``'s zone
    the window is still exactly ``days`` × 24 hours long (the Polars and SQL backends
    compare UTC instants the same way). ``None`` when the start lies before every instant
    a ``datetime`` can hold (the window then has no lower bound).

    >>> from zoneinfo import ZoneInfo
    >>> start = window_start(datetime(2026, 11, 2, 12, tzinfo=ZoneInfo("America/New_York")), 30)
    >>> start.isoformat()
    '2026-10-03T17:00:00+00:00'
    >>> window_start(datetime(1, 1, 2, tzinfo=timezone.utc), 30) is None
    True
    """
    wall = as_of.replace(tzinfo=None)
    offset = as_of.utcoffset()
    if offset is None:  # the callers checked as_of where it entered; a naive one is a bug
        raise ValidationError("as_of", "expected a timezone-aware datetime")
    for zone in _ARITHMETIC_ZONES:
        # by hand: astimezone() passes through UTC, which overflows near the ends
        shift = zone.utcoffset(None) - offset - timedelta(days=days)
        try:
            return (wall + shift).replace(tzinfo=zone)
        except OverflowError:
            continue
    return None


def _cost(rule: Rule, reg: FieldRegistry) -> int:
    """How expensive a rule is to test: the sum of its fields' costs."""
    if isinstance(rule, (And, Or)):
        return sum(_cost(child, reg) for child in rule.children)
    if isinstance(rule, Not):
        return _cost(rule.child, reg)
    if isinstance(rule, LEAF_TYPES):
        return reg[rule.field].cost
    return 0


def _currency(rule: Rule) -> str:
    """The currency of a money leaf's literal (``Compare.value`` or ``Between.low``)."""
    literal = rule.value if isinstance(rule, Compare) else getattr(rule, "low", None)
    if not isinstance(literal, Money):  # unreachable: validate() ran first
        raise RuleError("", f"{type(rule).__name__} has no Money literal")
    return literal.currency


def _amount_leaf(
    get: Callable[[Customer], Any], rule: Rule, test: Callable[[Any], bool], want: bool
) -> Predicate:
    """Money through the field's ``(amount, currency)`` reader: no ``Money`` is built."""
    currency = _currency(rule)
    if want:

        def is_true(c: Customer) -> bool:
            v = get(c)
            return v is not None and v[1] == currency and test(v[0])

        return is_true

    def is_false(c: Customer) -> bool:
        v = get(c)
        return v is not None and v[1] == currency and not test(v[0])

    return is_false


def _money_leaf(
    get: Callable[[Customer], Any], rule: Rule, test: Callable[[Any], bool], want: bool
) -> Predicate:
    """Money: UNKNOWN when missing or in another currency; else ``test`` on the amount."""
    currency = _currency(rule)
    if want:

        def is_true(c: Customer) -> bool:
            v = get(c)
            return v is not None and v.currency == currency and test(v.amount)

        return is_true

    def is_false(c: Customer) -> bool:
        v = get(c)
        return v is not None and v.currency == currency and not test(v.amount)

    return is_false


# --- explanations --------------------------------------------------------------------


@attrs.frozen
class Explanation:
    """One node's result for one customer: the node, TRUE/FALSE/UNKNOWN, the value seen.

    ``value`` is what the field held at ``as_of`` (``None`` when missing; composites have
    none), ``children`` explain the sub-rules.
    """

    node: Rule
    result: Truth
    value: object = None
    children: tuple[Explanation, ...] = ()
    field: str | None = None

    def _lines(self, lang: str, depth: int, registry: FieldRegistry) -> list[str]:
        label = self.result.label(lang)
        width = max(len(t.label(lang)) for t in Truth) + 2
        text = describe(self.node, lang, registry)
        line = f"{'  ' * depth}{label.ljust(width)}{text}"
        if self.field is not None:
            line += f"  [{value_word(lang)}: {show_value(self.value, lang)}]"
        lines = [line.rstrip()]
        for child in self.children:
            lines.extend(child._lines(lang, depth + 1, registry))
        return lines

    def to_text(self, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
        """An indented tree, one node per line, in ``lang``."""
        reg = DEFAULT_REGISTRY if registry is None else registry
        return "\n".join(self._lines(check_lang(lang), 0, reg))

    # -- notebook views (khachhang.views) ----------------------------------------------
    def to_html(self, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
        """Nested lists: see :func:`khachhang.views.to_html`."""
        from khachhang.views._segmentation import explanation_html

        return explanation_html(self, lang, registry)

    def to_markdown(self, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
        """A nested Markdown list: see :func:`khachhang.views.to_markdown`."""
        from khachhang.views._segmentation import explanation_markdown

        return explanation_markdown(self, lang, registry)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


def explain(
    rule: Rule, customer: Customer, *, as_of: datetime, registry: FieldRegistry | None = None
) -> Explanation:
    """Evaluate ``rule`` node by node (plain getters, no compilation) and record why.

    >>> from datetime import datetime, timezone
    >>> from khachhang import Customer, Person
    >>> from khachhang.segmentation import F
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> why = explain(F.orders > 0, Customer("c-1", Person("An"), created_at=t), as_of=t)
    >>> why.result, why.value
    (Truth.FALSE, 0)
    """
    reg = DEFAULT_REGISTRY if registry is None else registry
    require_aware(as_of, "as_of")
    check_type("registry", reg, FieldRegistry)
    check_type("customer", customer, Customer)
    checked = validate(rule, reg)
    return _explain(checked, customer, as_of, reg, 0)


def _explain(
    rule: Rule, customer: Customer, as_of: datetime, reg: FieldRegistry, depth: int
) -> Explanation:
    if isinstance(rule, (And, Or)):
        kids = tuple(_explain(c, customer, as_of, reg, depth + 1) for c in rule.children)
        results = {k.result for k in kids}
        decisive = Truth.FALSE if isinstance(rule, And) else Truth.TRUE
        other = Truth.TRUE if decisive is Truth.FALSE else Truth.FALSE
        if decisive in results:
            result = decisive
        elif Truth.UNKNOWN in results:
            result = Truth.UNKNOWN
        else:
            result = other
        return Explanation(rule, result, None, kids)
    if isinstance(rule, Not):
        kid = _explain(rule.child, customer, as_of, reg, depth + 1)
        flipped = {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE}.get(kid.result, Truth.UNKNOWN)
        return Explanation(rule, flipped, None, (kid,))
    if isinstance(rule, Const):
        return Explanation(rule, Truth.TRUE if rule.value else Truth.FALSE)
    if not isinstance(rule, LEAF_TYPES):  # unreachable: validate() ran first
        raise RuleError("", f"no test for {type(rule).__name__}")
    name = rule.field
    value = reg[name].getter(customer, as_of)
    return Explanation(rule, leaf_truth(rule, value, as_of), value, (), name)


def leaf_truth(rule: Rule, value: object, as_of: datetime) -> Truth:
    """A leaf's result for a field value: the definition the compiler implements."""
    if isinstance(rule, IsNull):
        return Truth.TRUE if (value is None) is not rule.negated else Truth.FALSE
    if isinstance(rule, Contains):
        return Truth.TRUE if rule.value in value else Truth.FALSE  # type: ignore[operator]  # a set field's value: a frozenset
    if value is None:
        return Truth.UNKNOWN
    if isinstance(value, Money):
        literal = rule.value if isinstance(rule, Compare) else getattr(rule, "low", None)
        if not isinstance(literal, Money) or literal.currency != value.currency:
            return Truth.UNKNOWN
        value = value.amount
    result = _leaf_test(rule, FieldKind.INT, as_of)(value)
    return Truth.TRUE if result else Truth.FALSE
