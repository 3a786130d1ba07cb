"""Customers, their purchases, and the lifecycle machine.

A :class:`Customer` is an immutable value: a party (person or organisation), its scope
and roles, where it came from, what it bought and where it stands in the relationship.
Everything derived from it is a pure function of the value and an ``as_of`` time.

>>> from datetime import datetime, timezone
>>> from khachhang import Money, Person
>>> t0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
>>> lan = Customer("c-1", Person("Trần Thị Lan"), created_at=t0)
>>> lan.lifecycle, lan.total_spent, lan.last_purchase_at
(Lifecycle.PROSPECT, Money('0', 'VND'), None)
>>> lan = lan.add_purchase(Purchase("o-1", t0, Money("1500000")))
>>> lan.lifecycle, lan.orders, lan.total_spent.format()
(Lifecycle.CURRENT, 1, '1.500.000 ₫')
>>> lan.recency_days(as_of=datetime(2026, 3, 6, 9, tzinfo=timezone.utc))
60
"""

from __future__ import annotations

import operator
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs
from dateutil.relativedelta import relativedelta

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_optional,
    check_optional_key,
    check_type,
    clean_text,
    instant,
    require_instant,
)
from khachhang.errors import ValidationError
from khachhang.fsm import (
    Definition,
    Event,
    Payload,
    Transition,
    rebuilder,
    require_aware,
)
from khachhang.kinds import (
    EMPLOYEE_ROLES,
    EXTERNAL_ONLY_ROLES,
    ORGANIZATION_ONLY_ROLES,
    Lifecycle,
    Market,
    PartyType,
    Role,
    Scope,
)
from khachhang.labels import BilingualEnum
from khachhang.money import CURRENCIES, DEFAULT_CURRENCY, MAX_AMOUNT, MONEY_CONTEXT, Money
from khachhang.parties import Organization, Party, Person

if TYPE_CHECKING:
    from khachhang.views._html import Printer

__all__ = [
    "ERASED_NAME",
    "LIFECYCLE",
    "AcquisitionSource",
    "Customer",
    "Erasure",
    "LifecyclePolicy",
    "LineItem",
    "Purchase",
    "PurchaseChannel",
]


class AcquisitionSource(BilingualEnum):
    """Where a customer came from."""

    ADVERTISING = ("advertising", "Quảng cáo", "Advertising")
    PAID_ADS = ("paid_ads", "Quảng cáo trả phí trực tuyến", "Paid online ads")
    REFERRAL = ("referral", "Giới thiệu từ khách hàng hiện tại", "Referral")
    SOCIAL_NETWORK = ("social_network", "Mạng xã hội", "Social network")
    SEARCH = ("search", "Tìm kiếm trực tuyến (SEO)", "Online search (SEO)")
    EVENT = ("event", "Sự kiện, hội chợ triển lãm", "Events and trade fairs")
    NETWORKING = ("networking", "Kết nối quan hệ", "Networking")
    TELEMARKETING = ("telemarketing", "Tiếp thị qua điện thoại", "Telemarketing")
    CONTENT = ("content", "Nội dung (blog, video, podcast)", "Content (blog, video, podcast)")
    WALK_IN = ("walk_in", "Khách vãng lai tại cửa hàng", "Walk-in")
    OTHER = ("other", "Khác", "Other")


class PurchaseChannel(BilingualEnum):
    """Where a purchase was made."""

    IN_STORE = ("in_store", "Tại cửa hàng", "In store")
    ONLINE = ("online", "Trực tuyến", "Online")
    PHONE = ("phone", "Qua điện thoại", "By phone")
    SALES_REP = ("sales_rep", "Qua nhân viên kinh doanh", "Through a sales representative")
    DISTRIBUTOR = ("distributor", "Qua đại lý", "Through a distributor")
    MARKETPLACE = ("marketplace", "Sàn thương mại điện tử", "E-commerce marketplace")


def _money(path: str, value: object) -> Money:
    return check_type(path, value, Money)


@attrs.frozen
class LineItem:
    """One line of a purchase: ``quantity`` × ``unit_price`` of a product.

    >>> LineItem("SKU-1", "Gạo ST25 5kg", 2, Money("180000")).total
    Money('360000', 'VND')
    """

    sku: str
    name: str
    quantity: int
    unit_price: Money

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "sku", check_key("sku", self.sku, max_len=64))
        object.__setattr__(self, "name", clean_text("name", self.name))
        quantity = self.quantity
        if type(quantity) is not int:
            check_type("quantity", quantity, int)
        if quantity <= 0:
            raise ValidationError("quantity", f"must be positive, got {self.quantity}")
        price = (
            self.unit_price
            if type(self.unit_price) is Money
            else _money("unit_price", self.unit_price)
        )
        if price.amount < 0:
            raise ValidationError("unit_price", "must not be negative")
        if MONEY_CONTEXT.multiply(price.amount, quantity) >= MAX_AMOUNT:
            raise ValidationError("quantity", "quantity × unit price is beyond 10^18")

    @property
    def total(self) -> Money:
        """``quantity × unit_price``."""
        return self.unit_price * self.quantity


def _line_items(values: Iterable[LineItem]) -> tuple[LineItem, ...]:
    return check_items("items", as_collection("items", values), LineItem)


@attrs.frozen
class Purchase:
    """One order a customer placed: when, how much, through which channel, what.

    ``amount`` is what the customer paid (after discounts); it need not equal the sum of
    the items, but it is in the same currency and never negative.
    """

    id: str
    at: datetime
    amount: Money
    channel: PurchaseChannel = PurchaseChannel.IN_STORE
    items: tuple[LineItem, ...] = attrs.field(default=(), converter=_line_items)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "id", check_key("id", self.id, max_len=128))
        require_instant(self.at, "at")
        amount = self.amount if type(self.amount) is Money else _money("amount", self.amount)
        if amount.amount < 0:
            raise ValidationError("amount", f"must not be negative, got {amount}")
        if type(self.channel) is not PurchaseChannel:
            check_type("channel", self.channel, PurchaseChannel)
        # The ``items`` converter has checked every item already (tuple of LineItem).
        currency = amount.currency
        for i, item in enumerate(self.items):
            if item.unit_price.currency != currency:
                msg = f"item in {item.unit_price.currency}, purchase in {currency}"
                raise ValidationError(f"items[{i}].unit_price.currency", msg)


@attrs.frozen
class LifecyclePolicy(Payload):
    """Thresholds that move customers between lifecycle states.

    A current customer becomes *loyal* once it has at least ``loyal_min_orders`` orders,
    has spent at least ``loyal_min_spent`` (if set) and has been a customer for at least
    ``loyal_min_tenure_days``; a current or loyal customer *lapses* after
    ``lapse_after_days`` without a purchase. The policy travels with the events it
    caused, so the audit trail says which thresholds applied.
    """

    loyal_min_orders: int = 5
    loyal_min_spent: Money | None = None
    loyal_min_tenure_days: int = 180
    lapse_after_days: int = 365

    def __attrs_post_init__(self) -> None:
        for name in ("loyal_min_orders", "loyal_min_tenure_days", "lapse_after_days"):
            if check_type(name, getattr(self, name), int) < 0:
                raise ValidationError(name, "must not be negative")
        if self.lapse_after_days == 0:
            raise ValidationError("lapse_after_days", "must be at least 1 day")
        spent = self.loyal_min_spent
        if spent is not None and _money("loyal_min_spent", spent).amount < 0:
            raise ValidationError("loyal_min_spent", "must not be negative")

    def qualifies_as_loyal(self, customer: Customer, *, as_of: datetime) -> str | None:
        """``None`` when ``customer`` meets the loyalty thresholds at ``as_of``, else why not."""
        check_type("customer", customer, Customer)
        when = instant(require_aware(as_of, "as_of"))
        book = _book(customer.purchases)
        orders = bisect_right(book.instants, when)
        if orders < self.loyal_min_orders:
            return f"{orders} order(s), loyalty needs {self.loyal_min_orders}"
        if self.loyal_min_spent is not None:
            spent = Money(book.totals[orders], customer.currency)
            if spent < self.loyal_min_spent:  # another currency: CurrencyMismatchError
                return f"spent {spent}, loyalty needs {self.loyal_min_spent}"
        tenure = (when - instant(customer.created_at)).days
        if tenure < self.loyal_min_tenure_days:
            return f"customer for {tenure} day(s), loyalty needs {self.loyal_min_tenure_days}"
        return None

    def is_quiet(self, customer: Customer, *, as_of: datetime) -> str | None:
        """``None`` when ``customer`` has gone quiet long enough to lapse, else why not.

        Only purchases strictly before ``as_of`` count: a purchase at the very instant of
        a lapse comes after it (and wins the customer back), so logs replay the same way
        whatever order the two were recorded in.
        """
        check_type("customer", customer, Customer)
        when = instant(require_aware(as_of, "as_of"))
        book = _book(customer.purchases)
        before = bisect_left(book.instants, when)
        if not before:
            return "never bought, so cannot lapse"
        quiet = (when - book.instants[before - 1]).days
        if quiet < self.lapse_after_days:
            return f"last purchase {quiet} day(s) ago, lapse needs {self.lapse_after_days}"
        return None


_UTC = timezone.utc

# (purchase.at, purchase.id), fetched in C: purchases are sorted whenever a customer is
# built. Right only when every time has a fixed offset (no fold): see _purchase_order.
_purchase_time: Callable[[Purchase], tuple[datetime, str]] = operator.attrgetter("at", "id")


def _purchase_instant(purchase: Purchase) -> tuple[datetime, str]:
    return (purchase.at.astimezone(_UTC), purchase.id)


def _purchase_order(items: Iterable[Purchase]) -> Callable[[Purchase], tuple[datetime, str]]:
    """The sort key of purchases: by instant (UTC), then id.

    Datetimes sharing one ``ZoneInfo`` compare by wall time, ignoring ``fold``; fixed
    offsets (the usual case, and what JSON gives back) are ordered right by the fast key.
    """
    if all(type(p.at.tzinfo) is timezone for p in items):
        return _purchase_time
    return _purchase_instant


def _sorted_purchases(values: Iterable[Purchase]) -> tuple[Purchase, ...]:
    items = check_items("purchases", as_collection("purchases", values), Purchase)
    return tuple(sorted(items, key=_purchase_order(items)))


@attrs.frozen
class _Book:
    """Purchase instants (UTC, in order) and running totals: what the lifecycle guards
    ask, answered by bisection (a replay of a long log stays linear-logarithmic)."""

    purchases: tuple[Purchase, ...]
    instants: list[datetime]
    totals: list[Decimal]  # totals[k]: the sum of the first k purchases


_last_book: list[_Book] = []


def _book(purchases: tuple[Purchase, ...]) -> _Book:
    """The :class:`_Book` of ``purchases``, remembered for the last tuple asked about
    (a replay asks about the same customer's purchases once per event)."""
    memo = _last_book[:1]
    if memo and memo[0].purchases is purchases:
        return memo[0]
    add = MONEY_CONTEXT.add
    totals = [Decimal(0)]
    for purchase in purchases:
        totals.append(add(totals[-1], purchase.amount.amount))
    book = _Book(purchases, [p.at.astimezone(_UTC) for p in purchases], totals)
    _last_book[:] = [book]
    return book


def _tags(values: Iterable[str]) -> frozenset[str]:
    items = as_collection("tags", values)
    return frozenset(clean_text(f"tags[{i}]", v, max_len=64) for i, v in enumerate(items))


def _events(values: Iterable[Event[Lifecycle]]) -> tuple[Event[Lifecycle], ...]:
    return check_items("lifecycle_events", as_collection("lifecycle_events", values), Event)


def _roles(values: Iterable[Role]) -> frozenset[Role]:
    if type(values) is frozenset and all(type(role) is Role for role in values):
        return values  # what the converter passes in: nothing to copy or check
    return frozenset(check_items("roles", as_collection("roles", values), Role))


ERASED_NAME = "[đã xóa]"
"""The full name an erased person keeps (``Person`` needs one): "[erased]" in Vietnamese."""


@attrs.frozen
class Erasure:
    """The auditable record that a customer's personal data were erased, and why.

    Set on :attr:`Customer.erasure` by :func:`khachhang.privacy.erase`; a customer that
    carries one holds no personal data any more (its constructor checks it), only what
    the business may keep (purchases for accounting, the id, the lifecycle log's moves).
    ``reason`` should name the request or rule ("data subject request #12", "retention:
    prospect inactive 24 months"), never personal data itself.

    >>> from datetime import datetime, timezone
    >>> Erasure(datetime(2026, 3, 1, tzinfo=timezone.utc), "yêu cầu xóa #12", actor="dpo").actor
    'dpo'
    """

    at: datetime
    reason: str
    actor: str | None = None

    def __attrs_post_init__(self) -> None:
        require_instant(self.at, "at")
        object.__setattr__(self, "reason", clean_text("reason", self.reason, max_len=500))
        object.__setattr__(self, "actor", check_optional_key("actor", self.actor, max_len=128))


def _holds_personal_data(customer: Customer) -> str | None:
    """Where an erased customer still holds personal data, or ``None``."""
    party = customer.party
    if party.contacts:
        return "party.contacts"
    if isinstance(party, Person):
        if party.full_name != ERASED_NAME:
            return "party.full_name"
        for name in ("gender", "birth_date", "address"):
            if getattr(party, name) is not None:
                return f"party.{name}"
    elif party.is_personal_tax_code:
        return "party.tax_code"
    if customer.income is not None:
        return "income"
    if customer.tags:
        return "tags"
    for i, event in enumerate(customer.lifecycle_events):
        if event.note:
            return f"lifecycle_events[{i}].note"
    return None


@attrs.frozen
class Customer:
    """A customer: a party, its kind, its purchases and its lifecycle.

    Args:
        id: the application's identifier.
        party: a :class:`~khachhang.parties.Person` or
            :class:`~khachhang.parties.Organization`.
        scope: internal (employees, departments, branches) or external.
        roles: what the customer is to the firm (end user, buyer, distributor, ...).
        lifecycle: prospect, current, loyal or lapsed; moved by :data:`LIFECYCLE`.
        acquisition_source: where the customer came from.
        purchases: orders, kept sorted by time; all in ``currency``.
        tags: free labels.
        created_at: when the customer entered the book (timezone-aware).
        currency: the customer's book currency (``VND`` by default).
        income: monthly income, when known (demographic segmentation).
        lifecycle_events: the lifecycle machine's audit trail.
        erasure: set when the customer's personal data were erased
            (:func:`khachhang.privacy.erase`); such a customer holds none.

    Raises:
        ValidationError: for combinations the kinds rule out — an internal customer
            that is not an employee or internal unit, or holds an external role; a bank
            that is not a business; purchases in another currency; ...
    """

    id: str
    party: Party
    created_at: datetime
    scope: Scope = Scope.EXTERNAL
    roles: frozenset[Role] = attrs.field(default=frozenset(), converter=_roles)
    lifecycle: Lifecycle = Lifecycle.PROSPECT
    acquisition_source: AcquisitionSource | None = None
    purchases: tuple[Purchase, ...] = attrs.field(default=(), converter=_sorted_purchases)
    tags: frozenset[str] = attrs.field(default=frozenset(), converter=_tags)
    currency: str = DEFAULT_CURRENCY
    income: Money | None = None
    lifecycle_events: tuple[Event[Lifecycle], ...] = attrs.field(default=(), converter=_events)
    erasure: Erasure | None = None

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "id", check_key("id", self.id, max_len=128))
        check_type("party", self.party, (Person, Organization))
        require_instant(self.created_at, "created_at")
        check_type("scope", self.scope, Scope)
        check_type("lifecycle", self.lifecycle, Lifecycle)
        if self.acquisition_source is not None:
            check_type("acquisition_source", self.acquisition_source, AcquisitionSource)
        if type(self.currency) is not str or self.currency not in CURRENCIES:
            Money.zero(self.currency)  # raises, naming the supported codes
        if self.income is not None and _money("income", self.income).amount < 0:
            raise ValidationError("income", "must not be negative")
        self._check_kind()
        seen: set[str] = set()
        total = Decimal(0)
        for i, purchase in enumerate(self.purchases):
            total = MONEY_CONTEXT.add(total, purchase.amount.amount)
            if purchase.amount.currency != self.currency:
                msg = (
                    f"{purchase.amount.currency} purchase in a {self.currency} book; "
                    "a customer's purchases share one currency"
                )
                raise ValidationError(f"purchases[{i}].amount.currency", msg)
            if purchase.id in seen:
                raise ValidationError(f"purchases[{i}].id", f"duplicate id {purchase.id!r}")
            seen.add(purchase.id)
        if total >= MAX_AMOUNT:
            msg = f"purchases total {total}, beyond what money can hold (10^18)"
            raise ValidationError("purchases", msg)
        self._check_log()
        if self.erasure is not None:
            check_type("erasure", self.erasure, Erasure)
            if instant(self.erasure.at) < instant(self.created_at):
                msg = "an erasure cannot come before the customer entered the book"
                raise ValidationError("erasure.at", msg)
            where = _holds_personal_data(self)
            if where is not None:
                msg = "an erased customer holds no personal data; erase it with privacy.erase"
                raise ValidationError(where, msg)

    def _check_log(self) -> None:
        """The lifecycle log is a history the machine could have written: it starts from
        a prospect, each move is in the table, in time order (compared as instants), and
        each guard allows it as of its own time; ``lifecycle`` is where it ends.

        The guards see the customer's purchases up to each event's time, which is what
        they saw when the move was made: a purchase is never added before the last
        lifecycle event (:meth:`add_purchase` refuses it), so later purchases are later.
        """
        if not self.lifecycle_events and self.lifecycle is not Lifecycle.PROSPECT:
            msg = (
                f"is {self.lifecycle.value!r} with an empty lifecycle log; a customer "
                "starts as a prospect and only the lifecycle machine moves it "
                "(add_purchase, review_lifecycle, LIFECYCLE.fire)"
            )
            raise ValidationError("lifecycle", msg)
        # The machine's one log check: a linear replay onto the prospect (table, time
        # order, each guard as of its event), and ``lifecycle`` where the log ends.
        LIFECYCLE.check_log(self, path="lifecycle_events")

    def _check_kind(self) -> None:
        party = self.party
        if self.scope is Scope.INTERNAL:
            if isinstance(party, Organization) and party.internal_unit is None:
                msg = (
                    "an internal customer is an employee (Person) or an internal unit "
                    "(Organization with internal_unit=DEPARTMENT or BRANCH)"
                )
                raise ValidationError("party.internal_unit", msg)
            refused = self.roles & EXTERNAL_ONLY_ROLES
            if isinstance(party, Person):
                refused -= EMPLOYEE_ROLES  # an employee who buys from the firm (seed 000)
            if refused:
                external = ", ".join(sorted(r.value for r in refused))
                msg = f"an internal customer holds no external role, got {external}"
                if isinstance(party, Organization) and refused & EMPLOYEE_ROLES:
                    msg += " (an employee may be a buyer; an internal unit is not)"
                raise ValidationError("roles", msg)
        elif isinstance(party, Organization) and party.internal_unit is not None:
            msg = "an external customer cannot be one of our own departments or branches"
            raise ValidationError("party.internal_unit", msg)
        org_roles = self.roles & ORGANIZATION_ONLY_ROLES
        if org_roles and not (
            isinstance(party, Organization) and party.party_type is PartyType.BUSINESS
        ):
            org_only = sorted(r.value for r in org_roles)
            msg = f"role {', '.join(org_only)} belongs to a business organisation"
            raise ValidationError("roles", msg)

    # -- kind -------------------------------------------------------------------------
    @property
    def party_type(self) -> PartyType:
        """Individual for a person; the organisation's own type otherwise."""
        if isinstance(self.party, Person):
            return PartyType.INDIVIDUAL
        return self.party.party_type

    @property
    def market(self) -> Market | None:
        """B2C, B2B or B2G from the party type; ``None`` for internal customers."""
        return None if self.scope is Scope.INTERNAL else self.party_type.market

    @property
    def name(self) -> str:
        """The person's full name or the organisation's legal name."""
        party = self.party
        return party.full_name if isinstance(party, Person) else party.legal_name

    def age(self, *, as_of: datetime | date) -> int | None:
        """Age in whole years on ``as_of``'s date; ``None`` for organisations or unknown."""
        if not isinstance(self.party, Person):
            return None
        day = require_aware(as_of, "as_of").date() if isinstance(as_of, datetime) else as_of
        return self.party.age(as_of=day)

    # -- purchases --------------------------------------------------------------------
    @property
    def orders(self) -> int:
        """How many purchases the customer made."""
        return len(self.purchases)

    @property
    def total_spent(self) -> Money:
        """Sum of all purchases, zero in the book currency when there are none."""
        # Summing Decimals and building one Money is several times faster than adding
        # Money values; the total was checked against MAX_AMOUNT at construction.
        total = Decimal(0)
        for purchase in self.purchases:
            total = MONEY_CONTEXT.add(total, purchase.amount.amount)
        return Money(total, self.currency)

    @property
    def average_order_value(self) -> Money | None:
        """``total_spent / orders`` rounded to the currency; ``None`` without orders."""
        if not self.purchases:
            return None
        mean = MONEY_CONTEXT.divide(self.total_spent.amount, self.orders)
        return Money.rounded(mean, self.currency)

    @property
    def first_purchase_at(self) -> datetime | None:
        """When the first purchase was made, if any."""
        return self.purchases[0].at if self.purchases else None

    @property
    def last_purchase_at(self) -> datetime | None:
        """When the latest purchase was made, if any."""
        return self.purchases[-1].at if self.purchases else None

    def spent(self, *, as_of: datetime, since: datetime | None = None) -> Money:
        """What the customer spent up to and including ``as_of`` (after ``since``, if given).

        >>> from datetime import datetime, timezone
        >>> from khachhang import Person
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> c = Customer("c", Person("Lê Văn Minh"), created_at=t).add_purchases(
        ...     [Purchase(f"o{m}", t.replace(month=m), Money(100000)) for m in (2, 5, 9)])
        >>> c.spent(as_of=t.replace(month=6)).amount
        Decimal('200000')
        >>> c.spent(as_of=t.replace(month=9), since=t.replace(month=2)).amount
        Decimal('200000')
        """
        as_of = instant(require_aware(as_of, "as_of"))
        if since is not None:
            since = instant(require_aware(since, "since"))
        add = MONEY_CONTEXT.add
        total = Decimal(0)
        for purchase in self.purchases:
            if purchase.at > as_of:
                break  # purchases are kept in time order
            if since is None or purchase.at > since:
                total = add(total, purchase.amount.amount)
        return Money(total, self.currency)

    def purchases_until(self, *, as_of: datetime) -> tuple[Purchase, ...]:
        """Purchases made at or before ``as_of``."""
        as_of = instant(require_aware(as_of, "as_of"))
        return tuple(p for p in self.purchases if p.at <= as_of)

    def recency_days(self, *, as_of: datetime) -> int | None:
        """Whole days from the last purchase at or before ``as_of`` to ``as_of``.

        Counted as elapsed 24-hour periods; ``None`` when nothing was bought by then.
        """
        before = self.purchases_until(as_of=as_of)
        return (instant(as_of) - before[-1].at) // timedelta(days=1) if before else None

    def lifecycle_at(self, *, as_of: datetime) -> Lifecycle:
        """The lifecycle state the customer was in at ``as_of``, read from the log.

        Before the first logged move that is the move's source; without a log, the
        current state.
        """
        as_of = instant(require_aware(as_of, "as_of"))
        events = self.lifecycle_events
        if not events:
            return self.lifecycle
        state = events[0].source
        for event in events:
            if event.at > as_of:
                break
            state = event.target
        return state if state is not None else self.lifecycle

    def tenure(self, *, as_of: datetime) -> relativedelta:
        """How long the customer has been in the book, as a calendar duration.

        Read on the wall clock when both are fixed offsets, else in UTC (a zone's wall
        clock repeats an hour, and a duration must not run backwards).
        """
        require_aware(as_of, "as_of")
        created = self.created_at
        if type(as_of.tzinfo) is timezone and type(created.tzinfo) is timezone:
            return relativedelta(as_of, created)  # fixed offsets: the wall clock is exact
        # else in UTC: two datetimes sharing one ZoneInfo compare by wall time, ignoring fold
        return relativedelta(as_of.astimezone(_UTC), created.astimezone(_UTC))

    def tenure_days(self, *, as_of: datetime) -> int:
        """Whole days since ``created_at``."""
        require_aware(as_of, "as_of")
        return (instant(as_of) - self.created_at) // timedelta(days=1)

    def add_purchase(
        self, purchase: Purchase, *, actor: str | None = None, advance_lifecycle: bool = True
    ) -> Customer:
        """Return a new customer with ``purchase`` added.

        With ``advance_lifecycle`` (the default) a prospect's first purchase converts it
        to a current customer and a lapsed customer's purchase wins it back, both logged
        as lifecycle events at the purchase's time.
        """
        check_type("purchase", purchase, Purchase)
        return self._append((purchase,), "purchase.at", actor, advance_lifecycle)

    def add_purchases(
        self,
        purchases: Iterable[Purchase],
        *,
        actor: str | None = None,
        advance_lifecycle: bool = True,
    ) -> Customer:
        """Return a new customer with all ``purchases`` added, validated once.

        The result equals adding them one by one with :meth:`add_purchase` in time order,
        but costs one validation instead of one per purchase (k purchases: O(k), not
        O(k²)). Nothing is added when any purchase is refused.

        >>> from datetime import datetime, timezone
        >>> from khachhang import Person
        >>> t = datetime(2025, 1, 1, tzinfo=timezone.utc)
        >>> c = Customer("c", Person("Lê Văn Minh"), created_at=t)
        >>> orders = [Purchase(f"o{i}", t.replace(month=i), Money(100000)) for i in (3, 1, 2)]
        >>> c = c.add_purchases(orders)
        >>> c.orders, c.lifecycle, c.lifecycle_events[0].at.month
        (3, Lifecycle.CURRENT, 1)
        """
        items = check_items("purchases", as_collection("purchases", purchases), Purchase)
        batch = sorted(items, key=_purchase_order(items))
        if not batch:
            return self
        return self._append(tuple(batch), "purchases", actor, advance_lifecycle)

    def _append(
        self,
        batch: tuple[Purchase, ...],
        path: str,
        actor: str | None,
        advance_lifecycle: bool,
    ) -> Customer:
        """Add ``batch`` (time-ordered) and move the lifecycle at its first purchase."""
        first = batch[0]
        if self.lifecycle_events and first.at < instant(self.lifecycle_events[-1].at):
            msg = (
                f"{first.at.isoformat()} is before the last lifecycle event "
                f"({self.lifecycle_events[-1].at.isoformat()}); it would rewrite the history "
                "the log records — rebuild the customer's lifecycle instead"
            )
            raise ValidationError(path, msg)
        updated = attrs.evolve(self, purchases=(*self.purchases, *batch))
        if not advance_lifecycle:
            return updated
        if updated.lifecycle is Lifecycle.PROSPECT:
            return LIFECYCLE.fire(updated, "convert", at=first.at, actor=actor)
        if updated.lifecycle is Lifecycle.LAPSED:
            return LIFECYCLE.fire(updated, "win_back", at=first.at, actor=actor)
        return updated

    def review_lifecycle(
        self, policy: LifecyclePolicy, *, as_of: datetime, actor: str | None = None
    ) -> Customer:
        """Apply ``policy`` at ``as_of``: promote to loyal or mark lapsed when due.

        Returns the customer unchanged when no move is due.

        >>> from datetime import datetime, timezone
        >>> from khachhang import Person
        >>> t = datetime(2025, 1, 1, tzinfo=timezone.utc)
        >>> c = Customer("c", Person("Lê Văn Minh"), created_at=t)
        >>> c = c.add_purchase(Purchase("o1", t, Money(100000)))
        >>> later = datetime(2026, 6, 1, tzinfo=timezone.utc)
        >>> c.review_lifecycle(LifecyclePolicy(lapse_after_days=365), as_of=later).lifecycle
        Lifecycle.LAPSED
        """
        check_type("policy", policy, LifecyclePolicy)
        require_aware(as_of, "as_of")
        state = self.lifecycle
        if (
            state in (Lifecycle.CURRENT, Lifecycle.LOYAL)
            and policy.is_quiet(self, as_of=as_of) is None
        ):
            return LIFECYCLE.fire(self, "lapse", at=as_of, actor=actor, payload=policy)
        if state is Lifecycle.CURRENT and policy.qualifies_as_loyal(self, as_of=as_of) is None:
            return LIFECYCLE.fire(self, "promote", at=as_of, actor=actor, payload=policy)
        return self

    def opening(self) -> Customer:
        """This customer as a prospect with an empty lifecycle log (the ``onto`` of replay)."""
        return _opening(self)

    @classmethod
    def replay(
        cls, events: Iterable[Event[Lifecycle]], *, onto: Customer | None = None
    ) -> Customer:
        """Rebuild a customer by replaying its lifecycle ``events`` onto ``onto``,
        re-checking every move and guard: the shape of every aggregate's ``replay``.

        ``onto`` is the customer the events start from: ``c.opening()`` (the customer as
        a prospect with an empty log) or a customer replayed so far. Here it is required:
        the lifecycle log has no creation event, because who the customer is (id, party,
        contacts, purchases, ``created_at``) is the customer's own data, not lifecycle
        moves; the log records only how its stage changed.

        >>> from datetime import datetime, timezone
        >>> from khachhang import Person
        >>> t = datetime(2026, 1, 5, tzinfo=timezone.utc)
        >>> c = Customer("c", Person("Lê Văn Minh"), created_at=t)
        >>> c = c.add_purchase(Purchase("o1", t, Money(100000)))
        >>> Customer.replay(c.lifecycle_events, onto=c.opening()) == c
        True

        Raises:
            LogError: an event the machine refuses, named (``lifecycle_events[i]``).
            ValidationError: ``onto`` is missing or not a :class:`Customer`, named.
        """
        onto = check_optional("onto", onto, cls)
        return LIFECYCLE.replay(events, onto=onto, path="lifecycle_events")

    # -- notebook view (khachhang.views) -----------------------------------------------
    def to_html(self, lang: str = "vi", *, purchases: int = 5) -> str:
        """A notebook card: see :func:`khachhang.views.to_html`."""
        from khachhang.views._customers import customer_html

        return customer_html(self, lang, purchases=purchases)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_pretty_(self, p: Printer, cycle: bool) -> None:
        from khachhang.views._customers import customer_text

        p.text(customer_text(self))


def _has_purchase(customer: Customer, event: Event[Lifecycle]) -> str | None:
    if not customer.purchases:
        return "no purchase recorded"
    if not bisect_right(_book(customer.purchases).instants, instant(event.at)):
        return f"no purchase at or before {event.at.isoformat()}"
    return None


def _promote_guard(customer: Customer, event: Event[Lifecycle]) -> str | None:
    refusal = _has_purchase(customer, event)
    if refusal is None and isinstance(event.payload, LifecyclePolicy):
        refusal = event.payload.qualifies_as_loyal(customer, as_of=event.at)
    return refusal


def _lapse_guard(customer: Customer, event: Event[Lifecycle]) -> str | None:
    if isinstance(event.payload, LifecyclePolicy):
        return event.payload.is_quiet(customer, as_of=event.at)
    return _has_purchase(customer, event)


def _win_back_guard(customer: Customer, event: Event[Lifecycle]) -> str | None:
    # Only a lapse enters LAPSED and only win_back leaves it, so the lapse is the last
    # event (the machine's replay shows guards no more of the log than that).
    log = customer.lifecycle_events
    since = instant(log[-1].at) if log and log[-1].target is Lifecycle.LAPSED else None
    instants = _book(customer.purchases).instants
    upto = bisect_right(instants, instant(event.at))
    start = 0 if since is None else bisect_left(instants, since)
    return None if upto > start else "no purchase since the customer lapsed"


# A lifecycle move builds the next customer with the fsm's trusted rebuild; the
# constructor would check every field and replay the whole log again on every move.
_rebuild_customer = rebuilder(Customer)


def _opening(customer: Customer) -> Customer:
    return _rebuild_customer(customer, lifecycle=Lifecycle.PROSPECT, lifecycle_events=())


def _evolve(customer: Customer, event: Event[Lifecycle]) -> Customer:
    events = (*customer.lifecycle_events, event)
    return _rebuild_customer(customer, lifecycle=event.target, lifecycle_events=events)


def _relog(customer: Customer, events: tuple[Event[Lifecycle], ...]) -> Customer:
    return _rebuild_customer(customer, lifecycle_events=events)


LIFECYCLE: Definition[Customer, Lifecycle] = Definition(
    name="lifecycle",
    states=tuple(Lifecycle),
    initial=Lifecycle.PROSPECT,
    transitions=(
        Transition(
            "convert",
            {Lifecycle.PROSPECT},
            Lifecycle.CURRENT,
            _has_purchase,
            "first purchase: prospect becomes a current customer",
        ),
        Transition(
            "promote",
            {Lifecycle.CURRENT},
            Lifecycle.LOYAL,
            _promote_guard,
            "meets the loyalty policy",
        ),
        Transition(
            "lapse",
            {Lifecycle.CURRENT, Lifecycle.LOYAL},
            Lifecycle.LAPSED,
            _lapse_guard,
            "quiet for longer than the policy allows",
        ),
        Transition(
            "win_back",
            {Lifecycle.LAPSED},
            Lifecycle.CURRENT,
            _win_back_guard,
            "a lapsed customer bought again",
        ),
    ),
    state_of=lambda customer: customer.lifecycle,
    events_of=lambda customer: customer.lifecycle_events,
    evolve=_evolve,
    relog=_relog,
    opening=_opening,
    labels={
        "convert": ("Chuyển thành khách hàng", "convert"),
        "promote": ("Nâng lên trung thành", "promote"),
        "lapse": ("Rời bỏ", "lapse"),
        "win_back": ("Giành lại khách hàng", "win_back"),
    },
)
"""The customer lifecycle: prospect → current → loyal, lapsing and won back.

``LIFECYCLE.fire(customer, "promote", at=..., actor=...)`` moves one customer by hand;
:meth:`Customer.review_lifecycle` applies a :class:`LifecyclePolicy`.
"""
