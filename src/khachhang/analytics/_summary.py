"""The calibration summary: each customer's frequency, recency, age and mean spend.

Pure Python (no numpy): the fitting modules turn it into arrays when they run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

import attrs

from khachhang._checks import as_collection, check_key, check_type, require_aware
from khachhang.customers import Customer
from khachhang.errors import CurrencyMismatchError, ValidationError
from khachhang.labels import BilingualEnum
from khachhang.money import DEFAULT_CURRENCY, MONEY_CONTEXT, Money

__all__ = ["Summary", "TimeUnit", "summarize"]


class TimeUnit(BilingualEnum):
    """The unit recency, age and forecast horizons are counted in (the paper uses weeks)."""

    DAYS = ("days", "Ngày", "Day")
    WEEKS = ("weeks", "Tuần", "Week")

    @property
    def days(self) -> int:
        """How many days one unit is."""
        return 7 if self is TimeUnit.WEEKS else 1


def _ints(path: str, values: object) -> tuple[int, ...]:
    items = as_collection(path, values)
    for i, value in enumerate(items):
        if check_type(f"{path}[{i}]", value, int) < 0:
            raise ValidationError(f"{path}[{i}]", f"must not be negative, got {value}")
    return items  # type: ignore[return-value]  # every item checked above


def finite_floats(path: str, values: object) -> tuple[float, ...]:
    """Finite floats (or ints, not bools) of 0 or more; the error names the item."""
    items = as_collection(path, values)
    out = []
    for i, value in enumerate(items):
        number = float(check_type(f"{path}[{i}]", value, (float, int)))
        if not math.isfinite(number) or number < 0:
            raise ValidationError(f"{path}[{i}]", f"must be finite and not negative, got {value}")
        out.append(number)
    return tuple(out)


def _decimals(path: str, values: object) -> tuple[Decimal, ...]:
    items = as_collection(path, values)
    for i, value in enumerate(items):
        number = check_type(f"{path}[{i}]", value, Decimal)
        if not number.is_finite() or number < 0:
            raise ValidationError(f"{path}[{i}]", f"must be finite and not negative, got {value}")
    return items  # type: ignore[return-value]  # every item checked above


def _keys(path: str, values: object) -> tuple[str, ...]:
    return tuple(check_key(f"{path}[{i}]", v) for i, v in enumerate(as_collection(path, values)))


def _frequency(values: object) -> tuple[int, ...]:
    return _ints("frequency", values)


def _recency(values: object) -> tuple[float, ...]:
    return finite_floats("recency", values)


def _age(values: object) -> tuple[float, ...]:
    return finite_floats("age", values)


def _mean_spend(values: object) -> tuple[Decimal, ...]:
    return _decimals("mean_spend", values)


def _customer_ids(values: object) -> tuple[str, ...]:
    return _keys("customer_ids", values)


@attrs.frozen
class Summary:
    """Per customer, what the models read, as of the end of a calibration period.

    Columns of equal length, one row per customer (the BG/NBD papers' notation):

    - ``frequency`` (*x*): repeat purchases — purchase days after the first;
    - ``recency`` (*t_x*): from the first purchase to the last, in ``unit``;
    - ``age`` (*T*): from the first purchase to the calibration end, in ``unit``;
    - ``mean_spend`` (*m̄*): the mean value of the repeat purchases, in ``currency``
      (0 for a customer without one); empty when spend is not known.

    Build it from customers with :func:`summarize`, or from your own arrays:

    >>> s = Summary(frequency=(2, 0), recency=(30.43, 0.0), age=(38.86, 38.86))
    >>> len(s), s.repeat_customers
    (2, 1)
    >>> Summary(frequency=(0,), recency=(1.0,), age=(2.0,))
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: recency[0]: must be 0 for a customer without a repeat ...
    """

    frequency: tuple[int, ...] = attrs.field(converter=_frequency)
    recency: tuple[float, ...] = attrs.field(converter=_recency)
    age: tuple[float, ...] = attrs.field(converter=_age)
    mean_spend: tuple[Decimal, ...] = attrs.field(default=(), converter=_mean_spend)
    customer_ids: tuple[str, ...] = attrs.field(default=(), converter=_customer_ids)
    unit: TimeUnit = TimeUnit.WEEKS
    currency: str = DEFAULT_CURRENCY

    def __attrs_post_init__(self) -> None:
        check_type("unit", self.unit, TimeUnit)
        object.__setattr__(self, "currency", Money.zero(self.currency).currency)
        n = len(self.frequency)
        for name in ("recency", "age", "mean_spend", "customer_ids"):
            column: tuple[object, ...] = getattr(self, name)
            if len(column) != n and (column or name in ("recency", "age")):
                msg = f"has {len(column)} rows, frequency has {n}"
                raise ValidationError(name, msg)
        for i, (x, t_x, age) in enumerate(zip(self.frequency, self.recency, self.age, strict=True)):
            if t_x > age:
                msg = f"must not exceed age ({age}), got {t_x}"
                raise ValidationError(f"recency[{i}]", msg)
            if x == 0 and t_x != 0:
                msg = f"must be 0 for a customer without a repeat purchase, got {t_x}"
                raise ValidationError(f"recency[{i}]", msg)
        if len(set(self.customer_ids)) != len(self.customer_ids):
            raise ValidationError("customer_ids", "must not repeat an id")

    def __len__(self) -> int:
        return len(self.frequency)

    @property
    def repeat_customers(self) -> int:
        """How many customers made at least one repeat purchase."""
        return sum(1 for x in self.frequency if x > 0)


def _day(at: datetime, as_of: datetime) -> date:
    return at.astimezone(as_of.tzinfo).date()


def summarize(
    customers: Iterable[Customer], *, as_of: datetime, unit: TimeUnit = TimeUnit.WEEKS
) -> Summary:
    """The :class:`Summary` of ``customers``' purchases made at or before ``as_of``.

    Purchases are counted by calendar day in ``as_of``'s time zone (several orders on
    one day are one transaction, their amounts summed), as the BG/NBD papers and
    ``lifetimes.utils.summary_data_from_transaction_data`` count them. Customers who
    bought nothing by ``as_of`` are left out: the models describe customers from their
    first purchase on. All customers must share one currency.

    >>> from datetime import datetime, timezone
    >>> from khachhang import Person, Purchase
    >>> t = datetime(1997, 1, 1, tzinfo=timezone.utc)
    >>> c = Customer("c-1", Person("Phan Văn Tài"), created_at=t)
    >>> c = c.add_purchase(Purchase("o-1", t, Money(100_000)))
    >>> c = c.add_purchase(Purchase("o-2", t.replace(month=3), Money(300_000)))
    >>> s = summarize([c], as_of=t.replace(month=9, day=30))
    >>> s.frequency, s.recency, round(s.age[0], 2), s.mean_spend
    ((1,), (8.428571428571429,), 38.86, (Decimal('300000'),))
    """
    as_of = require_aware(as_of, "as_of")
    check_type("unit", unit, TimeUnit)
    end = as_of.date()
    per_unit = unit.days
    frequency: list[int] = []
    recency: list[float] = []
    age: list[float] = []
    spend: list[Decimal] = []
    ids: list[str] = []
    currency: str | None = None
    for i, item in enumerate(as_collection("customers", customers)):
        customer = check_type(f"customers[{i}]", item, Customer)
        days: dict[date, Decimal] = {}
        for purchase in customer.purchases_until(as_of=as_of):
            day = _day(purchase.at, as_of)
            days[day] = MONEY_CONTEXT.add(days.get(day, Decimal(0)), purchase.amount.amount)
        if not days:
            continue
        if currency is None:
            currency = customer.currency
        elif customer.currency != currency:
            msg = f"{customer.currency} against {currency} before it"
            raise CurrencyMismatchError(f"customers[{i}].currency", msg)
        ordered: Sequence[date] = sorted(days)
        first, last = ordered[0], ordered[-1]
        repeats = [days[d] for d in ordered[1:]]
        frequency.append(len(repeats))
        recency.append((last - first).days / per_unit)
        age.append((end - first).days / per_unit)
        total = sum(repeats, Decimal(0))
        spend.append(MONEY_CONTEXT.divide(total, len(repeats)) if repeats else Decimal(0))
        ids.append(customer.id)
    return Summary(
        frequency=tuple(frequency),
        recency=tuple(recency),
        age=tuple(age),
        mean_spend=tuple(spend),
        customer_ids=tuple(ids),
        unit=unit,
        currency=currency or DEFAULT_CURRENCY,
    )
