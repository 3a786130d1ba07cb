"""The typed field registry: what a segmentation rule may look at, and how to read it.

A :class:`Field` names one fact about a customer *as of* an instant (its ``getter`` takes
``(customer, as_of)``), says what kind of value it is (:class:`FieldKind`), which column
holds it in a frame or table, and how to describe it in Vietnamese and English.
:data:`DEFAULT_REGISTRY` holds the built-in fields; an application adds its own without
touching the library — :meth:`FieldRegistry.register` returns a *new* registry:

>>> from datetime import datetime, timezone
>>> from khachhang import Customer, Person
>>> points = Field("points", FieldKind.INT, lambda c, as_of: len(c.tags) * 10,
...                "Điểm thưởng", "Loyalty points", nullable=False)
>>> mine = DEFAULT_REGISTRY.register(points)
>>> "points" in mine, "points" in DEFAULT_REGISTRY
(True, False)
>>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
>>> c = Customer("c-1", Person("Lê Văn Minh"), created_at=t, tags={"vip"})
>>> mine["points"].getter(c, t), DEFAULT_REGISTRY["tenure_days"].getter(c, t)
(10, 0)

Point-in-time: purchases after ``as_of`` are ignored (``orders``, ``total_spent``,
``first_purchase_at``, ``last_purchase_at``, ``recency_days`` come from
``customer.purchases_until(as_of=as_of)``), ``lifecycle`` is ``customer.lifecycle_at(as_of=as_of)``,
``age`` and ``tenure_days`` are computed at ``as_of``. ``income``, ``province`` and the
kinds are read as the customer holds them (they carry no history).
"""

from __future__ import annotations

import calendar
import contextlib
import contextvars
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal, getcontext
from typing import Any

import attrs

from khachhang._checks import as_collection, check_type, clean_text, instant, require_aware
from khachhang.customers import AcquisitionSource, Customer, Purchase
from khachhang.errors import RuleError, ValidationError
from khachhang.kinds import Lifecycle, Market, PartyType, Role, Scope
from khachhang.labels import BilingualEnum, check_lang
from khachhang.money import MONEY_CONTEXT, Money
from khachhang.parties import FORMER_PROVINCES, Gender, Person, current_province

__all__ = [
    "DEFAULT_REGISTRY",
    "Field",
    "FieldKind",
    "FieldRegistry",
    "Getter",
    "current_registry",
    "using_registry",
]

Getter = Callable[[Customer, datetime], Any]
"""A field's reader: ``(customer, as_of) -> value`` (``None`` when missing)."""

Binder = Callable[[datetime], Callable[[Customer], Any]]


class FieldKind(BilingualEnum):
    """What kind of value a field holds; decides which operators fit it."""

    INT = ("int", "Số nguyên", "Integer")
    MONEY = ("money", "Số tiền", "Money")
    DATETIME = ("datetime", "Thời điểm", "Date and time")
    ENUM = ("enum", "Danh mục", "Category")
    TEXT = ("text", "Văn bản", "Text")
    ENUM_SET = ("enum_set", "Tập danh mục", "Set of categories")
    TEXT_SET = ("text_set", "Tập nhãn", "Set of labels")

    @property
    def is_set(self) -> bool:
        """True for set-valued kinds (never missing: an empty set)."""
        return self in (FieldKind.ENUM_SET, FieldKind.TEXT_SET)

    @property
    def is_ordered(self) -> bool:
        """True for kinds with ``<``, ``between``: integers, money, datetimes."""
        return self in (FieldKind.INT, FieldKind.MONEY, FieldKind.DATETIME)


_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}", re.ASCII)


def _check_name(path: str, value: object) -> str:
    name = check_type(path, value, str)
    if not _NAME.fullmatch(name):
        msg = f"{name!r} is not a field name: lower-case letters, digits and _, max 63"
        raise ValidationError(path, msg)
    return name


@attrs.frozen
class Field:
    """One fact about a customer that rules can test.

    Args:
        name: the identifier rules use (``F.<name>``), lower-case ``[a-z][a-z0-9_]*``.
        kind: the value's kind (:class:`FieldKind`).
        getter: ``(customer, as_of) -> value``; ``None`` means missing. Must be pure.
        label_vi: the Vietnamese description.
        label_en: the English description.
        column: the column name in frames and tables (the name by default).
        enum: the enum class for ``ENUM`` and ``ENUM_SET`` fields.
        nullable: whether the value can be missing (set fields never are).
        normalize: maps a rule's literal to the canonical form the getter returns
            (``province`` turns ``"HCM"`` into ``"TP. Hồ Chí Minh"``); may raise
            ``ValidationError``.
        binder: optional fast path, ``as_of -> (customer -> value)``, equal to the getter.
        cost: the relative cost of reading the field (1: an attribute read); the
            in-memory compiler tests cheaper conditions first.
        amount_binder: optional fast path for money fields, ``as_of -> (customer ->
            (Decimal amount, currency) | None)``, equal to the getter's amount and
            currency; lets compiled comparisons skip building ``Money`` values.
    """

    name: str
    kind: FieldKind
    getter: Getter = attrs.field(eq=False, repr=False)
    label_vi: str
    label_en: str
    column: str = ""
    enum: type[BilingualEnum] | None = None
    nullable: bool = True
    normalize: Callable[[Any], Any] | None = attrs.field(default=None, eq=False, repr=False)
    binder: Binder | None = attrs.field(default=None, eq=False, repr=False)
    cost: int = attrs.field(default=10, eq=False, repr=False)
    amount_binder: Binder | None = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        _check_name("name", self.name)
        check_type("kind", self.kind, FieldKind)
        if not callable(self.getter):
            raise ValidationError("getter", "must be callable (customer, as_of) -> value")
        object.__setattr__(self, "label_vi", clean_text("label_vi", self.label_vi))
        object.__setattr__(self, "label_en", clean_text("label_en", self.label_en))
        column = self.column or self.name
        object.__setattr__(self, "column", _check_name("column", column))
        needs_enum = self.kind in (FieldKind.ENUM, FieldKind.ENUM_SET)
        if needs_enum != (self.enum is not None):
            msg = "an enum class is required for ENUM/ENUM_SET fields and only for them"
            raise ValidationError("enum", msg)
        if self.enum is not None and not (
            isinstance(self.enum, type) and issubclass(self.enum, BilingualEnum)
        ):
            raise ValidationError("enum", "expected a BilingualEnum subclass")
        if self.kind.is_set and self.nullable:
            object.__setattr__(self, "nullable", False)
        check_type("nullable", self.nullable, bool)
        if check_type("cost", self.cost, int) < 1:
            raise ValidationError("cost", "must be at least 1")
        if self.amount_binder is not None and self.kind is not FieldKind.MONEY:
            raise ValidationError("amount_binder", "only for MONEY fields")

    def label(self, lang: str = "vi") -> str:
        """The description in ``lang``."""
        return self.label_vi if check_lang(lang) == "vi" else self.label_en

    def bind(self, *, as_of: datetime) -> Callable[[Customer], Any]:
        """A one-argument reader for ``as_of`` (the fast path when the field has one)."""
        require_aware(as_of, "as_of")
        if self.binder is not None:
            return self.binder(as_of)
        getter = self.getter
        return lambda customer: getter(customer, as_of)


@attrs.frozen
class FieldRegistry:
    """An immutable set of fields by name; ``register`` returns a new registry.

    >>> reg = FieldRegistry()
    >>> len(reg), len(DEFAULT_REGISTRY) >= 17
    (0, True)
    >>> DEFAULT_REGISTRY["income"].kind
    FieldKind.MONEY
    >>> DEFAULT_REGISTRY["salary"]
    Traceback (most recent call last):
    ...
    khachhang.errors.RuleError: salary: unknown field 'salary'; known: acquisition_source, ...
    """

    fields: tuple[Field, ...] = ()
    _index: dict[str, Field] = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        index: dict[str, Field] = {}
        columns: set[str] = set()
        for i, field in enumerate(check_items_fields(self.fields)):
            if field.name in index:
                raise ValidationError(f"fields[{i}].name", f"duplicate field {field.name!r}")
            if field.column in columns:
                raise ValidationError(f"fields[{i}].column", f"duplicate column {field.column!r}")
            index[field.name] = field
            columns.add(field.column)
        object.__setattr__(self, "fields", tuple(self.fields))
        object.__setattr__(self, "_index", index)

    def register(self, field: Field, *, replace: bool = False) -> FieldRegistry:
        """A new registry with ``field`` added (or replacing one of that name if ``replace``)."""
        check_type("field", field, Field)
        if field.name in self._index and not replace:
            msg = f"a field named {field.name!r} exists; pass replace=True to override it"
            raise ValidationError("field.name", msg)
        kept = tuple(f for f in self.fields if f.name != field.name)
        return FieldRegistry((*kept, field))

    def get(self, name: str, path: str = "") -> Field:
        """The field called ``name``; a :class:`RuleError` at ``path`` if there is none."""
        field = self._index.get(name) if type(name) is str else None
        if field is None:
            known = ", ".join(sorted(self._index))
            shown_name = name if isinstance(name, str) and len(name) <= 40 else "..."
            msg = f"unknown field {shown_name!r}; known: {known}"
            raise RuleError(path or str(shown_name), msg)
        return field

    def __getitem__(self, name: str) -> Field:
        return self.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    @property
    def names(self) -> tuple[str, ...]:
        """Field names in registration order."""
        return tuple(self._index)


def check_items_fields(values: Iterable[object]) -> tuple[Field, ...]:
    """Every item a :class:`Field` (the error names the index)."""
    items = as_collection("fields", values)
    return tuple(check_type(f"fields[{i}]", value, Field) for i, value in enumerate(items))


# --- built-in getters ------------------------------------------------------------------
# Each has a plain getter (the definition) and a binder that precomputes what depends
# only on as_of; the compiled rules call the binder's closure once per customer.

_DAY = timedelta(days=1)


def _age_on(party: object, year: int, month: int, day: int) -> int | None:
    if not isinstance(party, Person):
        return None
    born = party.birth_date
    if born is None:
        return None
    if (year, month, day) < (born.year, born.month, born.day):
        return None  # not born yet at as_of: no age
    bmonth, bday = born.month, born.day
    if bmonth == 2 and bday == 29 and not calendar.isleap(year):
        bmonth, bday = 3, 1
    return year - born.year - ((month, day) < (bmonth, bday))


def _get_age(customer: Customer, as_of: datetime) -> int | None:
    on = require_aware(as_of, "as_of").date()
    return _age_on(customer.party, on.year, on.month, on.day)


def _bind_age(as_of: datetime) -> Callable[[Customer], int | None]:
    on = as_of.date()
    year, month_day = on.year, on.month * 100 + on.day
    leap = calendar.isleap(year)

    def get(customer: Customer) -> int | None:
        party = customer.party
        if not isinstance(party, Person):
            return None
        born = party.birth_date
        if born is None or born > on:
            return None
        birthday = born.month * 100 + born.day
        if birthday == 229 and not leap:
            birthday = 301  # a leapling comes of age on 1 March in a common year
        return year - born.year - (month_day < birthday)

    return get


def _get_gender(customer: Customer, as_of: datetime) -> Gender | None:
    party = customer.party
    return party.gender if type(party) is Person else None


def _get_province(customer: Customer, as_of: datetime) -> str | None:
    address = customer.party.address
    if address is None or address.country != "VN":
        return None
    return address.current_province


def _normalize_province(value: object) -> str:
    return current_province(check_type("value", value, str))


def _get_income(customer: Customer, as_of: datetime) -> Money | None:
    return customer.income


def _get_scope(customer: Customer, as_of: datetime) -> Scope:
    return customer.scope


def _get_party_type(customer: Customer, as_of: datetime) -> PartyType:
    party = customer.party
    return PartyType.INDIVIDUAL if isinstance(party, Person) else party.party_type


def _get_market(customer: Customer, as_of: datetime) -> Market | None:
    return customer.market


def _get_roles(customer: Customer, as_of: datetime) -> frozenset[Role]:
    return customer.roles


def _get_lifecycle(customer: Customer, as_of: datetime) -> Lifecycle:
    return customer.lifecycle_at(as_of=as_of)


def _get_source(customer: Customer, as_of: datetime) -> AcquisitionSource | None:
    return customer.acquisition_source


def _normalize_tag(value: object) -> str:
    """Tags are stored cleaned (NFC, single spaces), so literals are cleaned the same way."""
    return clean_text("value", value, max_len=64)


def _get_tags(customer: Customer, as_of: datetime) -> frozenset[str]:
    return customer.tags


def query_instant(value: Any) -> Any:
    """A datetime as an instant (two sharing one ZoneInfo compare by wall time, ignoring
    ``fold``), kept as is where UTC cannot hold it (``as_of`` at the calendar's ends);
    anything else unchanged."""
    if not isinstance(value, datetime):
        return value
    try:
        return instant(value)
    except OverflowError:
        return value


def _get_orders(customer: Customer, as_of: datetime) -> int:
    return _bind_orders(require_aware(as_of, "as_of"))(customer)


def _up_to(purchases: tuple[Purchase, ...], as_of: datetime) -> tuple[Purchase, ...]:
    """The purchases at or before ``as_of`` (an instant, from :func:`query_instant`).

    Purchases are kept sorted by instant, so these are a prefix; instants on both sides,
    as two datetimes sharing one ZoneInfo compare by wall time.
    """
    if not purchases or instant(purchases[-1].at) <= as_of:
        return purchases
    return tuple(p for p in purchases if instant(p.at) <= as_of)


def _plain_sum_is_exact() -> bool:
    """Whether the built-in ``sum`` of one customer's amounts is exact in this context.

    A customer's total stays below 10^18 with at most 3 decimals (21 digits): nothing
    to round, overflow or clamp (so no trap can fire) in a context of 28+ digits and a
    wide exponent range; otherwise amounts are added in ``MONEY_CONTEXT``.
    """
    ctx = getcontext()
    return ctx.prec >= 28 and ctx.Emax >= 28 and ctx.Emin <= -28 and not ctx.clamp


def _bind_orders(as_of: datetime) -> Callable[[Customer], int]:
    as_of = query_instant(as_of)

    def get(customer: Customer) -> int:
        ps = customer.purchases
        if not ps or instant(ps[-1].at) <= as_of:  # the usual case, without a call
            return len(ps)
        return len(_up_to(ps, as_of))

    return get


_ZEROS: dict[str, Money] = {}
_NO_AMOUNT = Decimal(0)


def _bind_total_amount(as_of: datetime) -> Callable[[Customer], tuple[Decimal, str]]:
    add = MONEY_CONTEXT.add
    as_of = query_instant(as_of)

    def get(customer: Customer) -> tuple[Decimal, str]:
        ps = customer.purchases
        if not ps:
            return _NO_AMOUNT, customer.currency
        values = [p.amount.amount for p in _up_to(ps, as_of)]
        if _plain_sum_is_exact():
            total = sum(values, _NO_AMOUNT)
        else:
            total = _NO_AMOUNT
            for value in values:
                total = add(total, value)
        return total, customer.currency

    return get


def _bind_total(as_of: datetime) -> Callable[[Customer], Money]:
    amount = _bind_total_amount(as_of)

    def get(customer: Customer) -> Money:
        if not customer.purchases:
            zero = _ZEROS.get(customer.currency)
            if zero is None:
                zero = _ZEROS[customer.currency] = Money.zero(customer.currency)
            return zero
        total, currency = amount(customer)
        return Money(total, currency)

    return get


def _bind_income_amount(as_of: datetime) -> Callable[[Customer], tuple[Decimal, str] | None]:
    def get(customer: Customer) -> tuple[Decimal, str] | None:
        income = customer.income
        return None if income is None else (income.amount, income.currency)

    return get


def _get_total(customer: Customer, as_of: datetime) -> Money:
    return _bind_total(require_aware(as_of, "as_of"))(customer)


def _bind_first(as_of: datetime) -> Callable[[Customer], datetime | None]:
    as_of = query_instant(as_of)

    def get(customer: Customer) -> datetime | None:
        ps = customer.purchases
        if not ps:
            return None
        at = ps[0].at
        return at if instant(at) <= as_of else None

    return get


def _get_first(customer: Customer, as_of: datetime) -> datetime | None:
    return _bind_first(require_aware(as_of, "as_of"))(customer)


def _bind_last(as_of: datetime) -> Callable[[Customer], datetime | None]:
    as_of = query_instant(as_of)

    def get(customer: Customer) -> datetime | None:
        ps = customer.purchases
        if not ps:
            return None
        at = ps[-1].at
        if instant(at) <= as_of:
            return at
        for p in reversed(ps):
            if instant(p.at) <= as_of:
                return p.at
        return None

    return get


def _get_last(customer: Customer, as_of: datetime) -> datetime | None:
    return _bind_last(require_aware(as_of, "as_of"))(customer)


def _bind_recency(as_of: datetime) -> Callable[[Customer], int | None]:
    as_of = query_instant(as_of)
    last = _bind_last(as_of)

    def get(customer: Customer) -> int | None:
        at = last(customer)
        return None if at is None else (as_of - at) // _DAY

    return get


def _get_recency(customer: Customer, as_of: datetime) -> int | None:
    return _bind_recency(require_aware(as_of, "as_of"))(customer)


def _get_tenure(customer: Customer, as_of: datetime) -> int:
    return _bind_tenure(require_aware(as_of, "as_of"))(customer)


_PURCHASE_FIELDS = (
    "orders",
    "total_spent",
    "first_purchase_at",
    "last_purchase_at",
    "recency_days",
)


def purchase_columns(
    registry: FieldRegistry, customers: Iterable[Customer], as_of: datetime
) -> dict[str, list[Any]]:
    """The built-in purchase fields of ``registry`` as columns, read in one walk.

    Each field's reader walks a customer's purchases on its own; a frame of the book
    reads them all in one walk instead, with the readers' values: counts, ``(amount
    text, currency)`` for ``total_spent``, datetimes, days. A field an application
    registered under one of those names is left out, and so is everything when fewer
    than two are built in or the decimal context could make the plain sum inexact: the
    caller reads what is missing with each field's reader.

    >>> from khachhang.sample import SAMPLE_AS_OF, sample_book
    >>> columns = purchase_columns(DEFAULT_REGISTRY, sample_book(50), SAMPLE_AS_OF)
    >>> sorted(columns) == sorted(_PURCHASE_FIELDS)
    True
    """
    builtin = [n for n in _PURCHASE_FIELDS if n in registry.names]
    names = [n for n in builtin if registry[n] is DEFAULT_REGISTRY[n]]
    if len(names) < 2 or not _plain_sum_is_exact():
        return {}
    cut = query_instant(as_of)
    orders: list[int] = []
    totals: list[tuple[str, str]] = []
    firsts: list[datetime | None] = []
    lasts: list[datetime | None] = []
    recency: list[int | None] = []
    for customer in customers:
        ps = _up_to(customer.purchases, cut)
        amounts = [p.amount.amount for p in ps]
        orders.append(len(ps))
        totals.append((format(sum(amounts, _NO_AMOUNT), "f"), customer.currency))
        last = ps[-1].at if ps else None
        firsts.append(ps[0].at if ps else None)
        lasts.append(last)
        recency.append(None if last is None else (cut - last) // _DAY)
    columns: dict[str, list[Any]] = {
        "orders": orders,
        "total_spent": totals,
        "first_purchase_at": firsts,
        "last_purchase_at": lasts,
        "recency_days": recency,
    }
    return {name: columns[name] for name in names}


def _bind_tenure(as_of: datetime) -> Callable[[Customer], int]:
    as_of = query_instant(as_of)
    return lambda customer: (as_of - instant(customer.created_at)) // _DAY


def _static(getter: Getter) -> Binder:
    """A binder that passes ``as_of`` along (``partial`` is a C call: no extra frame)."""
    return lambda as_of: functools.partial(getter, as_of=as_of)  # type: ignore[call-arg]  # Getter cannot name as_of


def _bind_party_type(as_of: datetime) -> Callable[[Customer], PartyType]:
    individual = PartyType.INDIVIDUAL

    def get(customer: Customer) -> PartyType:
        party = customer.party
        return individual if isinstance(party, Person) else party.party_type

    return get


def _bind_province(as_of: datetime) -> Callable[[Customer], str | None]:
    current = FORMER_PROVINCES.get

    def get(customer: Customer) -> str | None:
        address = customer.party.address
        if address is None or address.country != "VN":
            return None
        province = address.province
        return current(province, province)  # Address.current_province, inlined

    return get


def _attr(name: str) -> Binder:
    from operator import attrgetter

    read = attrgetter(name)
    return lambda as_of: read


_K = FieldKind
DEFAULT_REGISTRY: FieldRegistry = FieldRegistry(
    (
        Field("age", _K.INT, _get_age, "Tuổi", "Age (whole years)", binder=_bind_age, cost=2),
        Field(
            "gender",
            _K.ENUM,
            _get_gender,
            "Giới tính",
            "Gender",
            enum=Gender,
            binder=_static(_get_gender),
            cost=1,
        ),
        Field(
            "province",
            _K.TEXT,
            _get_province,
            "Tỉnh/thành phố (hiện tại)",
            "Province (current, since July 2025)",
            normalize=_normalize_province,
            binder=_bind_province,
            cost=2,
        ),
        Field(
            "income",
            _K.MONEY,
            _get_income,
            "Thu nhập hằng tháng",
            "Monthly income",
            binder=_attr("income"),
            cost=1,
            amount_binder=_bind_income_amount,
        ),
        Field(
            "scope",
            _K.ENUM,
            _get_scope,
            "Phạm vi khách hàng",
            "Scope",
            enum=Scope,
            nullable=False,
            binder=_attr("scope"),
            cost=1,
        ),
        Field(
            "party_type",
            _K.ENUM,
            _get_party_type,
            "Loại khách hàng",
            "Party type",
            enum=PartyType,
            nullable=False,
            binder=_bind_party_type,
            cost=1,
        ),
        Field(
            "market",
            _K.ENUM,
            _get_market,
            "Thị trường",
            "Market",
            enum=Market,
            binder=_attr("market"),
            cost=2,
        ),
        Field(
            "roles",
            _K.ENUM_SET,
            _get_roles,
            "Vai trò",
            "Roles",
            enum=Role,
            binder=_attr("roles"),
            cost=1,
        ),
        Field(
            "lifecycle",
            _K.ENUM,
            _get_lifecycle,
            "Vòng đời khách hàng",
            "Customer lifecycle",
            enum=Lifecycle,
            nullable=False,
            binder=lambda as_of: lambda c: c.lifecycle_at(as_of=as_of),
            cost=4,
        ),
        Field(
            "acquisition_source",
            _K.ENUM,
            _get_source,
            "Nguồn khách hàng",
            "Acquisition source",
            enum=AcquisitionSource,
            binder=_attr("acquisition_source"),
            cost=1,
        ),
        Field(
            "tags",
            _K.TEXT_SET,
            _get_tags,
            "Nhãn",
            "Tags",
            binder=_attr("tags"),
            cost=1,
            normalize=_normalize_tag,
        ),
        Field(
            "orders",
            _K.INT,
            _get_orders,
            "Số đơn hàng",
            "Number of orders",
            nullable=False,
            binder=_bind_orders,
            cost=2,
        ),
        Field(
            "total_spent",
            _K.MONEY,
            _get_total,
            "Tổng chi tiêu",
            "Total spent",
            nullable=False,
            binder=_bind_total,
            cost=6,
            amount_binder=_bind_total_amount,
        ),
        Field(
            "first_purchase_at",
            _K.DATETIME,
            _get_first,
            "Lần mua đầu tiên",
            "First purchase at",
            binder=_bind_first,
            cost=2,
        ),
        Field(
            "last_purchase_at",
            _K.DATETIME,
            _get_last,
            "Lần mua gần nhất",
            "Last purchase at",
            binder=_bind_last,
            cost=2,
        ),
        Field(
            "recency_days",
            _K.INT,
            _get_recency,
            "Số ngày từ lần mua gần nhất",
            "Days since the last purchase",
            binder=_bind_recency,
            cost=3,
        ),
        Field(
            "tenure_days",
            _K.INT,
            _get_tenure,
            "Số ngày là khách hàng",
            "Days in the customer book",
            nullable=False,
            binder=_bind_tenure,
            cost=2,
        ),
    )
)
"""The built-in fields over :class:`~khachhang.customers.Customer`.

``age`` is ``None`` for organisations, unknown birth dates and ``as_of`` before the
birth; ``gender`` is ``None`` for organisations; ``province`` is the *current* province
of the party's Vietnamese address (a former province is mapped, e.g. Bình Dương → TP. Hồ
Chí Minh), ``None`` without an address or abroad; ``market`` is ``None`` for internal
customers; ``tenure_days`` is negative for a customer created after ``as_of``.
"""


_LOADING: contextvars.ContextVar[FieldRegistry] = contextvars.ContextVar(
    "khachhang_segmentation_registry", default=DEFAULT_REGISTRY
)


def current_registry() -> FieldRegistry:
    """The registry rules are loaded against (``DEFAULT_REGISTRY`` unless overridden)."""
    return _LOADING.get()


@contextlib.contextmanager
def using_registry(registry: FieldRegistry) -> Iterator[FieldRegistry]:
    """Load rules against ``registry`` inside the ``with`` block (context-local).

    >>> from khachhang.serde import from_dict
    >>> from khachhang.segmentation.rules import Rule
    >>> data = {"op": "ge", "field": "points", "value": 100}
    >>> points = Field("points", FieldKind.INT, lambda c, t: 0, "Điểm", "Points")
    >>> with using_registry(DEFAULT_REGISTRY.register(points)):
    ...     from_dict(data, Rule)
    Compare('points', Op.GE, 100)
    """
    token = _LOADING.set(check_type("registry", registry, FieldRegistry))
    try:
        yield registry
    finally:
        _LOADING.reset(token)
