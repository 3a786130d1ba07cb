"""A summary of a customer book: counts by kind, top provinces, revenue — and its text.

:func:`summarize` folds any collection of customers into a :class:`BookSummary` value;
:func:`render_summary` turns one into a readable report in Vietnamese or English. Both
are pure: the caller passes ``as_of`` and decides where the text goes.

>>> from datetime import datetime, timezone
>>> from khachhang import Address, Customer, Money, Person, Purchase
>>> t = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
>>> an = Customer("c-1", Person("Lê Văn An", address=Address("Bình Dương")), created_at=t)
>>> an = an.add_purchase(Purchase("o-1", t, Money("1500000")))
>>> s = summarize([an], as_of=datetime(2026, 11, 1, tzinfo=timezone.utc))
>>> s.customers, dict(s.top_provinces), s.revenue.format()
(1, {'TP. Hồ Chí Minh': 1}, '1.500.000 ₫')
>>> print(render_summary(s, "en").splitlines()[0])
Customer book summary
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final, TypeVar

import attrs

from khachhang._checks import check_type, instant, require_aware, shown
from khachhang._format import format_datetime, format_number
from khachhang.customers import AcquisitionSource, Customer
from khachhang.errors import ValidationError
from khachhang.kinds import Lifecycle, Market, PartyType, Role, Scope
from khachhang.labels import BilingualEnum, check_lang
from khachhang.money import DEFAULT_CURRENCY, MONEY_CONTEXT, Money
from khachhang.parties import PROVINCES

__all__ = ["BookSummary", "render_summary", "summarize"]

_K = TypeVar("_K")
_V = TypeVar("_V")


class _FrozenDict(Mapping[_K, _V]):
    """A read-only mapping that is a value: it hashes, pickles and deep-copies.

    (``MappingProxyType`` does none of these, so a summary holding one could not be
    hashed, pickled or copied although it is frozen.) Equality is a dict's: the order
    of the keys does not count, so neither does the hash; iteration keeps the order.
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[_K, _V]) -> None:
        self._data: dict[_K, _V] = dict(data)

    def __getitem__(self, key: _K) -> _V:
        return self._data[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[type[_FrozenDict[_K, _V]], tuple[dict[_K, _V]]]:
        return type(self), (self._data,)


def _frozen(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """attrs converter: a read-only copy, so the summary stays a value (anything but a
    mapping is left for ``BookSummary``'s checks to refuse by name)."""
    if type(value) is _FrozenDict or not isinstance(value, Mapping):
        return value
    return _FrozenDict(value)


def _count(path: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(path, f"expected an int of 0 or more, got {shown(value)}")


def _check_mapping(path: str, value: object, key_type: type, value_type: type) -> None:
    if not isinstance(value, Mapping):
        msg = f"expected a mapping, got {type(value).__name__}"
        raise ValidationError(path, msg)
    for key, item in value.items():
        if not isinstance(key, key_type):
            msg = f"expected a {key_type.__name__} key, got {shown(key)}"
            raise ValidationError(path, msg)
        where = f"{path}[{shown(key)}]"
        if value_type is int:
            _count(where, item)
        else:
            check_type(where, item, value_type)


@attrs.frozen
class BookSummary:
    """Counts and revenue of a customer book at ``as_of``.

    Every ``by_…`` mapping lists all members of its enum in declaration order, zeros
    included, so a report shows what is missing as well as what is there.

    Attributes:
        as_of: the moment the summary describes; purchases after it are not counted.
        customers: how many customers the book holds.
        by_scope: internal and external customers.
        by_market: external customers by market (internal customers have none).
        by_party_type: individuals, businesses, government agencies, non-profits.
        by_role: customers holding each role; one customer may count under several.
        by_lifecycle: prospects, current, loyal and lapsed customers.
        by_source: customers by acquisition source; ``no_source`` counts the rest.
        no_source: customers whose acquisition source is unknown.
        top_provinces: today's province (after the July 2025 merger) -> customers,
            biggest first; an address in a former province counts under today's one.
        pre_2025_addresses: addresses written the old way (former province or district).
        no_address: customers without an address.
        orders: purchases made at or before ``as_of``.
        revenue: their total.
        revenue_by_market: external customers' revenue by market.
        internal_revenue: internal customers' revenue; ``revenue`` is the sum of this
            and ``revenue_by_market``.
    """

    as_of: datetime
    customers: int
    by_scope: Mapping[Scope, int] = attrs.field(converter=_frozen)
    by_market: Mapping[Market, int] = attrs.field(converter=_frozen)
    by_party_type: Mapping[PartyType, int] = attrs.field(converter=_frozen)
    by_role: Mapping[Role, int] = attrs.field(converter=_frozen)
    by_lifecycle: Mapping[Lifecycle, int] = attrs.field(converter=_frozen)
    by_source: Mapping[AcquisitionSource, int] = attrs.field(converter=_frozen)
    no_source: int
    top_provinces: Mapping[str, int] = attrs.field(converter=_frozen)
    pre_2025_addresses: int
    no_address: int
    orders: int
    revenue: Money
    revenue_by_market: Mapping[Market, Money] = attrs.field(converter=_frozen)
    internal_revenue: Money

    def __attrs_post_init__(self) -> None:
        require_aware(self.as_of, "as_of")
        for name in ("customers", "no_source", "pre_2025_addresses", "no_address", "orders"):
            _count(name, getattr(self, name))
        for name, key_type, value_type in _SUMMARY_MAPPINGS:
            _check_mapping(name, getattr(self, name), key_type, value_type)
        check_type("revenue", self.revenue, Money)
        check_type("internal_revenue", self.internal_revenue, Money)

    @property
    def average_order_value(self) -> Money | None:
        """``revenue / orders``, rounded to the currency; ``None`` without orders."""
        if not self.orders:
            return None
        mean = MONEY_CONTEXT.divide(self.revenue.amount, self.orders)
        return Money.rounded(mean, self.revenue.currency)


_SUMMARY_MAPPINGS: tuple[tuple[str, type, type], ...] = (
    ("by_scope", Scope, int),
    ("by_market", Market, int),
    ("by_party_type", PartyType, int),
    ("by_role", Role, int),
    ("by_lifecycle", Lifecycle, int),
    ("by_source", AcquisitionSource, int),
    ("top_provinces", str, int),
    ("revenue_by_market", Market, Money),
)

_E = TypeVar("_E", bound=BilingualEnum)


def _counts(kind: type[_E], counter: Counter[_E]) -> dict[_E, int]:
    return {member: counter[member] for member in kind}


_PROVINCE_ORDER = {name: i for i, name in enumerate(PROVINCES)}

_ZERO = Decimal(0)


def _total(amounts: Iterable[Decimal]) -> Decimal:
    """The exact sum, in :data:`~khachhang.money.MONEY_CONTEXT`."""
    total = _ZERO
    for amount in amounts:
        total = MONEY_CONTEXT.add(total, amount)
    return total


def _iterate(path: str, values: object) -> Iterator[Any]:
    """An iterator over ``values``; ``None``, a string or a mapping is refused."""
    if values is None or isinstance(values, (str, bytes, Mapping)):
        msg = f"expected a collection of customers, got {type(values).__name__}"
        raise ValidationError(path, msg)
    try:
        return iter(values)  # type: ignore[call-overload,no-any-return]  # TypeError caught
    except TypeError:
        msg = f"expected a collection of customers, got {type(values).__name__}"
        raise ValidationError(path, msg) from None


def summarize(
    book: Iterable[Customer], *, as_of: datetime, top: int = 10, currency: str = DEFAULT_CURRENCY
) -> BookSummary:
    """Count a book's customers by kind and add up its revenue at ``as_of``.

    Args:
        book: the customers, in any order.
        as_of: timezone-aware. The summary is the book as it stood then: customers
            created later are left out, lifecycle states are read from each log
            (:meth:`Customer.lifecycle_at`), and only purchases at or before it count.
        top: how many provinces ``top_provinces`` keeps (ties in the official order).
        currency: the book's currency; every customer must keep its book in it.

    Raises:
        ValidationError: ``book`` is not a collection of customers, ``as_of`` is naive,
            ``top`` is negative, or a customer's currency differs from ``currency``.

    >>> from datetime import datetime, timezone
    >>> from khachhang.sample import sample_book, SAMPLE_AS_OF
    >>> s = summarize(sample_book(100), as_of=SAMPLE_AS_OF)
    >>> s.customers == sum(s.by_scope.values()) == sum(s.by_lifecycle.values())
    True
    """
    customers_in = _iterate("book", book)
    require_aware(as_of, "as_of")
    try:  # one ZoneInfo compares by wall time, ignoring fold: compare instants
        as_at = instant(as_of)
    except OverflowError:  # UTC cannot hold it (the calendar's ends): its own zone
        as_at = as_of
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        raise ValidationError("top", f"expected an int of 0 or more, got {top!r}")
    zero = Money.zero(currency)
    add = MONEY_CONTEXT.add  # never the caller's decimal context
    scopes: Counter[Scope] = Counter()
    markets: Counter[Market] = Counter()
    party_types: Counter[PartyType] = Counter()
    roles: Counter[Role] = Counter()
    lifecycles: Counter[Lifecycle] = Counter()
    sources: Counter[AcquisitionSource] = Counter()
    provinces: Counter[str] = Counter()
    revenue: dict[Market | None, Decimal] = {}
    customers = no_source = pre_2025 = no_address = orders = 0
    for i, customer in enumerate(customers_in):
        if type(customer) is not Customer:
            check_type(f"book[{i}]", customer, Customer)
        if customer.currency != zero.currency:
            msg = f"keeps its book in {customer.currency}, the summary is in {currency}"
            raise ValidationError(f"book[{i}].currency", msg)
        if instant(customer.created_at) > as_at:
            continue  # not in the book yet
        customers += 1
        market = customer.market
        scopes[customer.scope] += 1
        party_types[customer.party_type] += 1
        lifecycles[customer.lifecycle_at(as_of=as_of)] += 1
        roles.update(customer.roles)
        if market is not None:
            markets[market] += 1
        if customer.acquisition_source is None:
            no_source += 1
        else:
            sources[customer.acquisition_source] += 1
        address = customer.party.address
        if address is None:
            no_address += 1
        else:
            provinces[address.current_province] += 1
            pre_2025 += address.is_pre_2025
        bought = customer.purchases_until(as_of=as_of)
        orders += len(bought)
        spent = revenue.get(market, _ZERO)
        for purchase in bought:
            spent = add(spent, purchase.amount.amount)
        revenue[market] = spent
    ranked = sorted(
        provinces.items(),
        key=lambda kv: (-kv[1], _PROVINCE_ORDER.get(kv[0], len(_PROVINCE_ORDER)), kv[0]),
    )
    return BookSummary(
        as_of=as_of,
        customers=customers,
        by_scope=_counts(Scope, scopes),
        by_market=_counts(Market, markets),
        by_party_type=_counts(PartyType, party_types),
        by_role=_counts(Role, roles),
        by_lifecycle=_counts(Lifecycle, lifecycles),
        by_source=_counts(AcquisitionSource, sources),
        no_source=no_source,
        top_provinces=dict(ranked[:top]),
        pre_2025_addresses=pre_2025,
        no_address=no_address,
        orders=orders,
        revenue=Money(_total(revenue.values()), currency),
        revenue_by_market={m: Money(revenue.get(m, _ZERO), currency) for m in Market},
        internal_revenue=Money(revenue.get(None, _ZERO), currency),
    )


# --- text ---------------------------------------------------------------------------

_TEXT: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "title": ("Tổng quan tệp khách hàng", "Customer book summary"),
        "as_of": ("Tính đến", "As of"),
        "customers": ("Số khách hàng", "Customers"),
        "orders": ("Số đơn hàng", "Orders"),
        "revenue": ("Doanh thu", "Revenue"),
        "aov": ("Giá trị đơn hàng trung bình", "Average order value"),
        "scope": ("Phạm vi khách hàng", "Scope"),
        "market": ("Thị trường (khách hàng bên ngoài)", "Market (external customers)"),
        "party_type": (
            "Loại khách hàng (kể cả khách hàng nội bộ)",
            "Party type (internal customers included)",
        ),
        "role": (
            "Vai trò (một khách hàng có thể giữ nhiều vai trò)",
            "Roles (a customer may hold several)",
        ),
        "lifecycle": ("Vòng đời khách hàng", "Customer lifecycle"),
        "source": ("Nguồn khách hàng", "Acquisition source"),
        "no_source": ("Không rõ nguồn", "Source unknown"),
        "provinces": (
            "Tỉnh, thành phố có nhiều khách hàng nhất (địa giới từ 1/7/2025)",
            "Top provinces (units in force since 1 July 2025)",
        ),
        "pre_2025": ("Địa chỉ ghi theo địa giới cũ", "Addresses written the pre-2025 way"),
        "no_address": ("Chưa có địa chỉ", "No address"),
        "revenue_by_market": ("Doanh thu theo thị trường", "Revenue by market"),
        "internal": ("Khách hàng nội bộ", "Internal customers"),
        "total": ("Tổng", "Total"),
    }
)


def _t(key: str, lang: str) -> str:
    vi, en = _TEXT[key]
    return vi if lang == "vi" else en


def _number(value: int, lang: str) -> str:
    return format_number(value, lang)


def _percent(part: int | Decimal, whole: int | Decimal, lang: str) -> str:
    if not whole:
        return ""
    # Exact integer arithmetic, rounded half-even to one decimal: no decimal context
    # (the caller's could round or trap) and about twice as fast for counts.
    part_n, part_d = part.as_integer_ratio()
    whole_n, whole_d = whole.as_integer_ratio()
    num, den = part_n * whole_d * 1000, part_d * whole_n
    if den < 0:
        num, den = -num, -den
    tenths, rest = divmod(num, den)
    if 2 * rest > den or (2 * rest == den and tenths % 2):
        tenths += 1
    sign = "-" if tenths < 0 else ""
    tenths = abs(tenths)
    text = f"{sign}{tenths // 10}.{tenths % 10}%"
    return text.replace(".", ",") if lang == "vi" else text


def _moment(at: datetime, lang: str) -> str:
    return format_datetime(at, lang, zone=True)


def _table(rows: list[tuple[str, str, str]]) -> list[str]:
    """Rows of (label, value, share) aligned in three columns, indented by two."""
    if not rows:
        return []
    left = max(len(label) for label, _, _ in rows)
    mid = max(len(value) for _, value, _ in rows)
    right = max(len(share) for _, _, share in rows)
    return [
        f"  {label:<{left}}  {value:>{mid}}  {share:>{right}}".rstrip()
        for label, value, share in rows
    ]


def _section(heading: str, rows: list[tuple[str, str, str]]) -> list[str]:
    return ["", heading, *_table(rows)]


def _enum_rows(counts: Mapping[_E, int], whole: int, lang: str) -> list[tuple[str, str, str]]:
    return [
        (member.label(lang), _number(n, lang), _percent(n, whole, lang))
        for member, n in counts.items()
    ]


def render_summary(summary: BookSummary, lang: str = "vi") -> str:
    """The summary as a plain-text report in Vietnamese (``"vi"``) or English (``"en"``).

    Labels come from the enums' ``.label(lang)``, amounts from ``Money.format(lang)``;
    numbers use the language's separators (``1.000`` / ``1,000``). The text ends
    without a newline.

    Raises:
        ValidationError: ``lang`` is not ``"vi"`` or ``"en"``.

    >>> from khachhang.sample import sample_book, SAMPLE_AS_OF
    >>> s = summarize(sample_book(60), as_of=SAMPLE_AS_OF)
    >>> print(render_summary(s, "vi"))  # doctest: +ELLIPSIS
    Tổng quan tệp khách hàng
    Tính đến           00:00 01/11/2026 (UTC+07:00)
    Số khách hàng      60
    ...
    Phạm vi khách hàng
      Khách hàng nội bộ  ...
    """
    code = check_lang(lang)
    total = summary.customers
    external = sum(summary.by_market.values())
    aov = summary.average_order_value
    head = [
        (_t("as_of", code), _moment(summary.as_of, code)),
        (_t("customers", code), _number(total, code)),
        (_t("orders", code), _number(summary.orders, code)),
        (_t("revenue", code), summary.revenue.format(code)),
        (_t("aov", code), aov.format(code) if aov is not None else "—"),
    ]
    width = max(len(label) for label, _ in head)
    lines = [_t("title", code), *(f"{label:<{width}}  {value}" for label, value in head)]
    lines += _section(_t("scope", code), _enum_rows(summary.by_scope, total, code))
    lines += _section(_t("party_type", code), _enum_rows(summary.by_party_type, total, code))
    lines += _section(_t("market", code), _enum_rows(summary.by_market, external, code))
    lines += _section(_t("lifecycle", code), _enum_rows(summary.by_lifecycle, total, code))
    lines += _section(_t("role", code), _enum_rows(summary.by_role, total, code))
    source_rows = _enum_rows(summary.by_source, total, code)
    if summary.no_source:
        n = summary.no_source
        source_rows.append((_t("no_source", code), _number(n, code), _percent(n, total, code)))
    lines += _section(_t("source", code), source_rows)
    addressed = total - summary.no_address
    province_rows = [
        (name, _number(n, code), _percent(n, addressed, code))
        for name, n in summary.top_provinces.items()
    ]
    province_rows += [
        (_t("pre_2025", code), _number(summary.pre_2025_addresses, code), ""),
        (_t("no_address", code), _number(summary.no_address, code), ""),
    ]
    lines += _section(_t("provinces", code), province_rows)
    revenue = summary.revenue.amount
    money_rows = [
        (market.label(code), amount.format(code), _percent(amount.amount, revenue, code))
        for market, amount in summary.revenue_by_market.items()
    ]
    internal = summary.internal_revenue
    money_rows.append(
        (_t("internal", code), internal.format(code), _percent(internal.amount, revenue, code))
    )
    money_rows.append((_t("total", code), summary.revenue.format(code), ""))
    lines += _section(_t("revenue_by_market", code), money_rows)
    return "\n".join(lines)
