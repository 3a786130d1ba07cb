"""Segments (*phân loại khách hàng*): named rules, and a segmenter that assigns them.

Customer classification asks a business to put customers into groups with shared traits
and treat each group differently. A :class:`Segment` is a rule
with a key, bilingual labels and a priority; a :class:`Segmenter` assigns each customer
the first matching segment (``mode="first"``, by priority) or every matching one
(``mode="all"``).

>>> from datetime import datetime, timezone
>>> from khachhang import Customer, Person, Money
>>> from khachhang.segmentation import F, TRUE
>>> vip = Segment("vip", F.total_spent >= Money("20000000"), "Khách VIP", "VIP", priority=10)
>>> rest = Segment("other", TRUE, "Khách khác", "Other customers")
>>> seg = Segmenter((rest, vip))
>>> [s.key for s in seg.segments]           # kept in priority order
['vip', 'other']
>>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
>>> seg.assign([Customer("c-1", Person("Lê Văn Minh"), created_at=t)], as_of=t)
[('other',)]
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_type,
    clean_text,
    require_aware,
    shown,
)
from khachhang._format import format_number
from khachhang.customers import Customer
from khachhang.errors import ValidationError
from khachhang.labels import BilingualEnum, check_lang
from khachhang.money import CURRENCIES, Money
from khachhang.segmentation.evaluate import predicate
from khachhang.segmentation.fields import DEFAULT_REGISTRY, Field, FieldRegistry
from khachhang.segmentation.rules import And, Between, Compare, Const, Not, Or, Rule

if TYPE_CHECKING:
    import polars

__all__ = [
    "AssignMode",
    "CurrencyGap",
    "CurrencyTally",
    "Segment",
    "SegmentCheck",
    "SegmentCounts",
    "Segmenter",
]

_KEY = re.compile(r"[a-z0-9][a-z0-9_\-]{0,62}", re.ASCII)


class AssignMode(BilingualEnum):
    """How a :class:`Segmenter` assigns segments."""

    FIRST = ("first", "Gán nhóm khớp đầu tiên", "Assign the first matching segment")
    ALL = ("all", "Gán mọi nhóm khớp", "Assign every matching segment")


def _mode(value: AssignMode | str) -> AssignMode:
    if isinstance(value, AssignMode):
        return value
    if isinstance(value, str):
        for member in AssignMode:
            if member.value == value:
                return member
    raise ValidationError("mode", f"expected 'first' or 'all', got {value!r}")


@attrs.frozen
class Segment:
    """A named group of customers: the ``rule`` they satisfy, with bilingual labels.

    Args:
        key: a stable identifier (``a-z0-9_-``, up to 63 characters).
        rule: the :class:`~khachhang.segmentation.rules.Rule` members satisfy (TRUE).
        label_vi: the Vietnamese name.
        label_en: the English name.
        priority: higher is tried first by a ``mode="first"`` segmenter.
        description: what the segment is for and where the idea comes from, in Vietnamese.
        description_en: the same in English; English views fall back to ``description``.
    """

    key: str
    rule: Rule
    label_vi: str
    label_en: str
    priority: int = 0
    description: str = ""
    description_en: str = ""

    def __attrs_post_init__(self) -> None:
        key = check_type("key", self.key, str)
        if not _KEY.fullmatch(key):
            msg = f"{key[:70]!r} is not a segment key: a-z, 0-9, _ and -, up to 63 characters"
            raise ValidationError("key", msg)
        check_type("rule", self.rule, Rule)
        object.__setattr__(self, "label_vi", clean_text("label_vi", self.label_vi))
        object.__setattr__(self, "label_en", clean_text("label_en", self.label_en))
        check_type("priority", self.priority, int)
        text = clean_text("description", self.description, max_len=2000, allow_empty=True)
        object.__setattr__(self, "description", text)
        text_en = clean_text("description_en", self.description_en, max_len=2000, allow_empty=True)
        object.__setattr__(self, "description_en", text_en)

    def label(self, lang: str = "vi") -> str:
        """The segment's name in ``lang``."""
        return self.label_vi if check_lang(lang) == "vi" else self.label_en

    def describe(self, lang: str = "vi") -> str:
        """The segment's description in ``lang`` (the Vietnamese one when no English is set).

        >>> from khachhang.segmentation import F
        >>> s = Segment("a", F.orders > 0, "Đã mua", "Buyers", description="Đã mua hàng.")
        >>> s.describe("en")
        'Đã mua hàng.'
        """
        if check_lang(lang) == "en" and self.description_en:
            return self.description_en
        return self.description

    def matches(
        self, customer: Customer, *, as_of: datetime, registry: FieldRegistry | None = None
    ) -> bool:
        """True when the segment's rule is TRUE for ``customer`` at ``as_of``."""
        check_type("customer", customer, Customer)
        return predicate(self.rule, as_of=as_of, registry=registry)(customer)

    # -- notebook views (khachhang.views) ----------------------------------------------
    def to_html(self, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
        """A one-row table: see :func:`khachhang.views.to_html`."""
        from khachhang.views._segmentation import segment_html

        return segment_html(self, lang, registry)

    def to_markdown(self, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
        """A one-row Markdown table: see :func:`khachhang.views.to_markdown`."""
        from khachhang.views._segmentation import segment_markdown

        return segment_markdown(self, lang, registry)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


def _customers(values: Iterable[Customer]) -> tuple[Customer, ...]:
    return check_items("customers", as_collection("customers", values), Customer)


def _segments(values: Iterable[Segment]) -> tuple[Segment, ...]:
    items = as_collection("segments", values)
    segments = [check_type(f"segments[{i}]", item, Segment) for i, item in enumerate(items)]
    return tuple(sorted(segments, key=lambda s: -s.priority))


def _currencies(path: str, codes: object) -> tuple[str, ...]:
    items = as_collection(path, codes)
    return tuple(_check_currency(f"{path}[{i}]", code) for i, code in enumerate(items))


def _compared(codes: object) -> tuple[str, ...]:
    return _currencies("compared", codes)


def _check_currency(path: str, code: object) -> str:
    if not isinstance(code, str) or code not in CURRENCIES:
        msg = f"not a supported ISO 4217 currency code: {shown(code)}"
        raise ValidationError(path, msg)
    return code


@attrs.frozen
class CurrencyGap:
    """A segment compares money in some currencies while customers hold another.

    Money is never converted, so for those customers the comparison is UNKNOWN and the
    segment cannot select them: a rule written in đồng selects no dollar customer. This
    says so instead of a silent zero.

    Attributes:
        segment: the segment's key.
        field: the money field (``total_spent``, ``income``, ...).
        compared: the currencies of the rule's literals for that field.
        held: the currency those customers hold.
        customers: how many of them.
    """

    segment: str
    field: str
    compared: tuple[str, ...] = attrs.field(converter=_compared)
    held: str
    customers: int

    def __attrs_post_init__(self) -> None:
        check_key("segment", self.segment)
        check_key("field", self.field)
        _check_currency("held", self.held)
        if check_type("customers", self.customers, int) < 1:
            raise ValidationError("customers", f"must be at least 1, got {self.customers}")

    def to_text(self, lang: str = "vi") -> str:
        """One line in ``lang``.

        >>> print(CurrencyGap("vip", "total_spent", ("VND",), "USD", 3).to_text("en"))
        segment 'vip': 3 customer(s) in USD never match total_spent in VND (money is not converted)
        """
        compared = "/".join(self.compared)
        count = format_number(self.customers, lang)
        if check_lang(lang) == "vi":
            return (
                f"nhóm {self.segment!r}: {count} khách hàng dùng {self.held} không "
                f"bao giờ khớp {self.field} bằng {compared} (tiền không được quy đổi)"
            )
        return (
            f"segment {self.segment!r}: {count} customer(s) in {self.held} never "
            f"match {self.field} in {compared} (money is not converted)"
        )


class SegmentCounts(dict[str | None, int]):
    """Customers per segment key (``None``: in no segment), and what the counts miss.

    A plain ``dict`` of the counts, plus ``warnings``: a :class:`CurrencyGap` for each
    segment that compares money in a currency some customers do not hold — those are
    never counted in it, whatever they spent.
    """

    __slots__ = ("warnings",)

    def __init__(
        self, counts: Mapping[str | None, int], warnings: Iterable[CurrencyGap] = ()
    ) -> None:
        super().__init__(counts)
        self.warnings: tuple[CurrencyGap, ...] = tuple(warnings)


def _money_literals(rule: Rule, found: dict[str, set[str]]) -> dict[str, set[str]]:
    """``field -> currencies`` of the money literals in a (validated) rule."""
    if isinstance(rule, (And, Or)):
        for child in rule.children:
            _money_literals(child, found)
    elif isinstance(rule, Not):
        _money_literals(rule.child, found)
    elif isinstance(rule, (Compare, Between)):
        literal = rule.value if isinstance(rule, Compare) else rule.low
        if isinstance(literal, Money):
            found.setdefault(rule.field, set()).add(literal.currency)
    return found


class CurrencyTally:
    """Counts, one customer at a time, the currencies customers hold in each money field
    the segments compare, and reports the :class:`CurrencyGap` s at the end.

    For streams (the CLI's ``segment``), where the customers pass once and are not kept;
    :meth:`Segmenter.counts` and :meth:`Segmenter.check` use it over a whole book. The
    fields are bound once, when the tally is made.

    >>> from datetime import datetime, timezone
    >>> from khachhang import Customer, Money, Person, Purchase
    >>> from khachhang.segmentation import F
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> s = Segmenter([Segment("big", F.total_spent >= Money("20000000"), "Lớn", "Big")])
    >>> tally = s.currency_tally(as_of=t)
    >>> john = Customer("c-1", Person("John Smith"), created_at=t, currency="USD")
    >>> tally.add(john.add_purchase(Purchase("o-1", t, Money("95000", "USD"))))
    >>> [gap.to_text("en") for gap in tally.gaps()]
    ["segment 'big': 1 customer(s) in USD never match total_spent in VND (money is not converted)"]
    """

    __slots__ = ("_held", "_readers", "_wanted")

    def __init__(
        self, segments: Sequence[Segment], as_of: datetime, registry: FieldRegistry | None
    ) -> None:
        reg = DEFAULT_REGISTRY if registry is None else registry
        self._wanted = [(s.key, _money_literals(s.rule, {})) for s in segments]
        names = sorted({name for _, fields in self._wanted for name in fields})
        self._readers = [(name, _currency_reader(reg[name], as_of)) for name in names]
        self._held: dict[str, dict[str, int]] = {name: {} for name in names}

    def add(self, customer: Customer) -> None:
        """Count ``customer``'s currency in each money field the segments compare."""
        if type(customer) is not Customer:
            check_type("customer", customer, Customer)
        for name, read in self._readers:
            code = read(customer)
            if code is not None:
                tally = self._held[name]
                tally[code] = tally.get(code, 0) + 1

    @property
    def fields(self) -> tuple[str, ...]:
        """The money fields the segments compare (those :meth:`add_counts` takes)."""
        return tuple(name for name, _ in self._readers)

    def add_counts(self, counts: Mapping[str, Mapping[str, int]]) -> None:
        """Count currencies already tallied elsewhere — ``{field: {currency: customers}}``,
        e.g. a frame's ``value_counts`` of ``total_spent_currency`` on the columnar path.

        >>> from datetime import datetime, timezone
        >>> from khachhang import Money
        >>> from khachhang.segmentation import F
        >>> s = Segmenter([Segment("big", F.total_spent >= Money("20000000"), "Lớn", "Big")])
        >>> tally = s.currency_tally(as_of=datetime(2026, 1, 1, tzinfo=timezone.utc))
        >>> tally.add_counts({"total_spent": {"USD": 3, "VND": 10}})
        >>> [(gap.held, gap.customers) for gap in tally.gaps()]
        [('USD', 3)]
        """
        for name, codes in counts.items():
            tally = self._held.get(name)
            if tally is None:
                continue  # a field no segment compares
            for code, n in codes.items():
                check_type(f"counts[{name!r}][{code!r}]", n, int)
                tally[code] = tally.get(code, 0) + n

    def gaps(self) -> tuple[CurrencyGap, ...]:
        """Each segment's money field whose literals miss a currency customers hold, and
        that no segment of the segmenter compares in that currency (a segment per
        currency — ``vip-vn`` in đồng beside ``vip-us`` in dollars — is a design, not a gap).
        """
        covered: dict[str, set[str]] = {}
        for _, fields in self._wanted:
            for name, compared in fields.items():
                covered.setdefault(name, set()).update(compared)
        return tuple(
            CurrencyGap(key, name, tuple(sorted(compared)), code, n)
            for key, fields in self._wanted
            for name, compared in sorted(fields.items())
            for code, n in sorted(self._held[name].items())
            if code not in covered[name]
        )


def _currency_reader(field: Field, as_of: datetime) -> Callable[[Customer], str | None]:
    """The currency a customer holds in money ``field`` (``None`` where it has none)."""
    if field.amount_binder is not None:
        read_pair = field.amount_binder(as_of)

        def from_pair(customer: Customer) -> str | None:
            value = read_pair(customer)
            return None if value is None else value[1]

        return from_pair
    read = field.bind(as_of=as_of)

    def from_money(customer: Customer) -> str | None:
        value = read(customer)
        return value.currency if isinstance(value, Money) else None

    return from_money


def _currency_gaps(
    segments: Sequence[Segment],
    customers: Sequence[Customer],
    as_of: datetime,
    registry: FieldRegistry | None,
) -> tuple[CurrencyGap, ...]:
    """Where a segment's money literals miss the currencies the customers hold."""
    tally = CurrencyTally(segments, as_of, registry)
    for customer in customers:
        tally.add(customer)
    return tally.gaps()


@attrs.frozen
class SegmentCheck:
    """What :meth:`Segmenter.check` found; empty tuples and zero mean "fine".

    Attributes:
        duplicates: pairs of segment keys with equal rules.
        unreachable: segments a ``first`` segmenter can never assign: after a segment
            whose rule is the constant TRUE, a constant-FALSE rule, or a rule equal to an
            earlier one's.
        overlaps: ``(key, key, n)``: ``n`` of the given customers match both segments.
        uncovered: how many of the given customers match no segment.
        uncovered_ids: the first ten of their ids.
        unmatched: segments no given customer matches.
        shadowed: (``first`` mode) segments whose every matching customer was taken by
            a segment with a higher priority, so they were never assigned.
        currency_gaps: segments comparing money in a currency some of the given
            customers do not hold (see :class:`CurrencyGap`).
    """

    duplicates: tuple[tuple[str, str], ...] = ()
    unreachable: tuple[str, ...] = ()
    overlaps: tuple[tuple[str, str, int], ...] = ()
    uncovered: int = 0
    uncovered_ids: tuple[str, ...] = ()
    unmatched: tuple[str, ...] = ()
    shadowed: tuple[str, ...] = ()
    currency_gaps: tuple[CurrencyGap, ...] = ()

    def __attrs_post_init__(self) -> None:
        for name in (
            "duplicates",
            "overlaps",
            "unreachable",
            "uncovered_ids",
            "unmatched",
            "shadowed",
        ):
            for i, item in enumerate(getattr(self, name)):
                keys = item[:2] if isinstance(item, tuple) else (item,)
                for key in keys:
                    check_key(f"{name}[{i}]", key)

    @property
    def ok(self) -> bool:
        """No duplicates, nothing unreachable, no overlaps, nobody uncovered and no
        segment blind to a currency the customers hold."""
        return not (
            self.duplicates
            or self.unreachable
            or self.overlaps
            or self.uncovered
            or self.currency_gaps
        )

    def to_text(self, lang: str = "vi") -> str:
        """A short report in ``lang``."""
        vi = check_lang(lang) == "vi"
        lines = []
        for a, b in self.duplicates:
            lines.append(f"{'trùng quy tắc' if vi else 'same rule'}: {a} = {b}")
        for key in self.unreachable:
            lines.append(f"{'không bao giờ được gán' if vi else 'unreachable'}: {key}")
        for a, b, n in self.overlaps:
            lines.append(f"{'chồng lấn' if vi else 'overlap'}: {a} ∩ {b} = {n}")
        if self.uncovered:
            ids = ", ".join(self.uncovered_ids)
            lines.append(
                f"{'không thuộc nhóm nào' if vi else 'uncovered'}: {self.uncovered} ({ids})"
            )
        for key in self.unmatched:
            lines.append(f"{'không ai khớp' if vi else 'matched by nobody'}: {key}")
        for key in self.shadowed:
            lines.append(f"{'bị che khuất' if vi else 'shadowed'}: {key}")
        lines.extend(gap.to_text(lang) for gap in self.currency_gaps)
        return "\n".join(lines) if lines else ("Không có vấn đề" if vi else "No problems")


@attrs.frozen
class Segmenter:
    """Assigns segments to customers: the first match by priority, or every match.

    ``segments`` are kept sorted by descending priority (ties keep the given order); keys
    must be unique.
    """

    segments: tuple[Segment, ...] = attrs.field(converter=_segments)
    mode: AssignMode = attrs.field(default=AssignMode.FIRST, converter=_mode)

    def __attrs_post_init__(self) -> None:
        seen: dict[str, int] = {}
        for i, segment in enumerate(self.segments):
            if segment.key in seen:
                raise ValidationError(f"segments[{i}].key", f"duplicate key {segment.key!r}")
            seen[segment.key] = i

    # -- notebook views (khachhang.views) ----------------------------------------------
    def to_html(self, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
        """The segments as a table: see :func:`khachhang.views.to_html`."""
        from khachhang.views._segmentation import segmenter_html

        return segmenter_html(self, lang, registry)

    def to_markdown(self, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
        """The same table in Markdown: see :func:`khachhang.views.to_markdown`."""
        from khachhang.views._segmentation import segmenter_markdown

        return segmenter_markdown(self, lang, registry)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __getitem__(self, key: str) -> Segment:
        for segment in self.segments:
            if segment.key == key:
                return segment
        raise ValidationError("key", f"no segment {key!r}")

    def _tests(self, as_of: datetime, registry: FieldRegistry | None) -> list[tuple[str, Any]]:
        require_aware(as_of, "as_of")
        return [(s.key, predicate(s.rule, as_of=as_of, registry=registry)) for s in self.segments]

    def assign(
        self,
        customers: Iterable[Customer],
        *,
        as_of: datetime,
        registry: FieldRegistry | None = None,
    ) -> list[tuple[str, ...]]:
        """Each customer's segment keys, in input order.

        ``mode="first"``: one key, or none when no segment matches; ``mode="all"``: every
        matching key, in priority order.

        >>> from datetime import datetime, timezone
        >>> from khachhang import Customer, Person
        >>> from khachhang.segmentation import F, TRUE
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> new = Segment("new", F.orders == 0, "Chưa mua", "No order yet", priority=1)
        >>> anyone = Segment("anyone", TRUE, "Mọi khách", "Anyone")
        >>> book = [Customer("c-1", Person("An"), created_at=t)]
        >>> Segmenter([new, anyone]).assign(book, as_of=t)
        [('new',)]
        >>> Segmenter([new, anyone], mode="all").assign(book, as_of=t)
        [('new', 'anyone')]
        """
        label = self.assigner(as_of=as_of, registry=registry)
        return [label(customer) for customer in _customers(customers)]

    def assigner(
        self, *, as_of: datetime, registry: FieldRegistry | None = None
    ) -> Callable[[Customer], tuple[str, ...]]:
        """One customer's segment keys, with the rules compiled once for ``as_of``.

        What :meth:`assign` does per customer, for a stream (the CLI's ``segment``):
        the rules are compiled when this is called, not for each customer. The function
        trusts that it gets customers.

        >>> from datetime import datetime, timezone
        >>> from khachhang import Customer, Person
        >>> from khachhang.segmentation import F, TRUE
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> new = Segment("new", F.orders == 0, "Chưa mua", "No order yet", priority=1)
        >>> label = Segmenter([new], mode="all").assigner(as_of=t)
        >>> label(Customer("c-1", Person("An"), created_at=t))
        ('new',)
        """
        tests = self._tests(as_of, registry)
        if self.mode is AssignMode.FIRST:

            def first(customer: Customer) -> tuple[str, ...]:
                for key, test in tests:
                    if test(customer):
                        return (key,)
                return ()

            return first

        def every(customer: Customer) -> tuple[str, ...]:
            return tuple(key for key, test in tests if test(customer))

        return every

    def currency_tally(
        self, *, as_of: datetime, registry: FieldRegistry | None = None
    ) -> CurrencyTally:
        """A :class:`CurrencyTally` for this segmenter's money comparisons, for a stream
        whose customers are seen once (``counts`` and ``check`` do this for a book).

        >>> from datetime import datetime, timezone
        >>> from khachhang.segmentation import F
        >>> s = Segmenter([Segment("new", F.orders == 0, "Chưa mua", "No order yet")])
        >>> s.currency_tally(as_of=datetime(2026, 1, 1, tzinfo=timezone.utc)).gaps()
        ()
        """
        if registry is not None:
            check_type("registry", registry, FieldRegistry)
        return CurrencyTally(self.segments, require_aware(as_of, "as_of"), registry)

    def counts(
        self,
        customers: Iterable[Customer],
        *,
        as_of: datetime,
        registry: FieldRegistry | None = None,
    ) -> SegmentCounts:
        """Customers per segment key (priority order), ``None`` for those in none.

        The result is a ``dict`` whose ``warnings`` list each segment that compares
        money in a currency some customers do not hold (:class:`CurrencyGap`): they
        are UNKNOWN there, so a zero may mean "wrong currency", not "nobody".

        >>> from datetime import datetime, timezone
        >>> from khachhang import Customer, Money, Person, Purchase
        >>> from khachhang.segmentation import F
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> s = Segmenter([Segment("big", F.total_spent >= Money("20000000"), "Lớn", "Big")])
        >>> john = Customer("c-1", Person("John Smith"), created_at=t, currency="USD")
        >>> john = john.add_purchase(Purchase("o-1", t, Money("95000", "USD")))
        >>> counts = s.counts([john], as_of=t)
        >>> counts
        {'big': 0, None: 1}
        >>> print(counts.warnings[0].to_text("en"))
        segment 'big': 1 customer(s) in USD never match total_spent in VND (money is not converted)
        """
        book = _customers(customers)
        totals: dict[str | None, int] = {s.key: 0 for s in self.segments}
        totals[None] = 0
        for keys in self.assign(book, as_of=as_of, registry=registry):
            if not keys:
                totals[None] += 1
            for key in keys:
                totals[key] += 1
        return SegmentCounts(totals, _currency_gaps(self.segments, book, as_of, registry))

    def check(
        self,
        customers: Sequence[Customer] = (),
        *,
        as_of: datetime | None = None,
        registry: FieldRegistry | None = None,
    ) -> SegmentCheck:
        """Report duplicate and unreachable segments, and, over ``customers``, overlaps,
        customers in no segment, segments nobody matches and (``first``) shadowed ones.

        The static part is cheap and conservative: it finds equal rules and constant
        rules only (deciding whether two arbitrary rules overlap is not attempted); the
        rest is measured on the customers given — pass a real book, or let
        ``khachhang.testing._segmentation.generated_check`` draw customers.

        >>> from datetime import datetime, timezone
        >>> from khachhang import Customer, Person
        >>> from khachhang.segmentation import F
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> buyers = Segmenter([Segment("buyers", F.orders > 0, "Đã mua", "Bought")])
        >>> report = buyers.check([Customer("c-1", Person("An"), created_at=t)], as_of=t)
        >>> print(report.to_text("en"))
        uncovered: 1 (c-1)
        matched by nobody: buyers
        """
        duplicates, unreachable = self._static()
        customers = _customers(customers)
        if not customers:
            return SegmentCheck(tuple(duplicates), tuple(unreachable))
        if as_of is None:
            raise ValidationError("as_of", "needed to check against customers")
        tests = self._tests(as_of, registry)
        keys = [k for k, _ in tests]
        pair_counts: dict[tuple[str, str], int] = {}
        matched: dict[str, int] = dict.fromkeys(keys, 0)
        assigned: dict[str, int] = dict.fromkeys(keys, 0)
        uncovered_ids: list[str] = []
        uncovered = 0
        for customer in customers:
            hits = [k for k, test in tests if test(customer)]
            if not hits:
                uncovered += 1
                if len(uncovered_ids) < 10:
                    uncovered_ids.append(customer.id)
                continue
            assigned[hits[0]] += 1
            for key in hits:
                matched[key] += 1
            for pair in itertools.combinations(hits, 2):
                pair_counts[pair] = pair_counts.get(pair, 0) + 1
        shadowed: tuple[str, ...] = ()
        if self.mode is AssignMode.FIRST:
            shadowed = tuple(k for k in keys if matched[k] and not assigned[k])
        return SegmentCheck(
            duplicates=tuple(duplicates),
            unreachable=tuple(unreachable),
            overlaps=tuple((a, b, n) for (a, b), n in pair_counts.items()),
            uncovered=uncovered,
            uncovered_ids=tuple(uncovered_ids),
            unmatched=tuple(k for k in keys if not matched[k]),
            shadowed=shadowed,
            currency_gaps=_currency_gaps(self.segments, customers, as_of, registry),
        )

    def _static(self) -> tuple[list[tuple[str, str]], list[str]]:
        duplicates: list[tuple[str, str]] = []
        unreachable: list[str] = []
        first = self.mode is AssignMode.FIRST
        catch_all: str | None = None
        for i, segment in enumerate(self.segments):
            earlier = [s for s in self.segments[:i] if s.rule == segment.rule]
            duplicates.extend((s.key, segment.key) for s in earlier)
            rule = segment.rule
            if (isinstance(rule, Const) and not rule.value) or (
                first and (catch_all is not None or earlier)
            ):
                unreachable.append(segment.key)
            if isinstance(rule, Const) and rule.value and catch_all is None:
                catch_all = segment.key
        return duplicates, unreachable

    # -- push-down (khachhang.segmentation.backends: optional extras, imported lazily) ---
    def to_polars(
        self,
        *,
        as_of: datetime,
        columns: Mapping[str, str] | None = None,
        name: str = "segment",
        registry: FieldRegistry | None = None,
    ) -> polars.Expr:
        """A ``polars.Expr`` with each row's segment key; needs ``khachhang[polars]``."""
        from khachhang.segmentation.backends.polars_backend import segmenter_to_polars

        return segmenter_to_polars(self, as_of=as_of, columns=columns, name=name, registry=registry)

    def to_sql(
        self,
        *,
        dialect: str = "duckdb",
        as_of: datetime,
        columns: Mapping[str, str] | None = None,
        registry: FieldRegistry | None = None,
    ) -> str:
        """A SQL ``CASE`` expression giving each row's segment key; needs ``khachhang[sql]``."""
        from khachhang.segmentation.backends.sql_backend import segmenter_to_sql

        return segmenter_to_sql(
            self, dialect=dialect, as_of=as_of, columns=columns, registry=registry
        )
