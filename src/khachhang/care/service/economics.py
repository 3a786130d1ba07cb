"""Retention economics: what keeping a customer saves, and what a customer is worth.

A common argument for customer care: "chi phí để tìm kiếm một khách hàng mới gấp 5 lần chi
phí để duy trì khách hàng đã có" — finding a new customer costs five times as much as
keeping one. That is a rule of thumb, so here it
is a parameter with a documented default (:data:`DEFAULT_ACQUISITION_MULTIPLE`), never a
constant inside the arithmetic; pass your own measured costs when you have them.

>>> from decimal import Decimal
>>> econ = RetentionEconomics(retention_cost=Money(200_000))
>>> econ.acquisition_cost, econ.saving_per_customer
(Money('1000000', 'VND'), Money('800000', 'VND'))
>>> econ.saving(retained=150).format()
'120.000.000 ₫'
>>> RetentionEconomics(Money(200_000), acquisition_multiple=Decimal(7)).acquisition_cost
Money('1400000', 'VND')

Two simple lifetime values (both exact in ``Decimal``, rounded once, half-even, to the
currency's minor unit at the end):

>>> simple_clv(Money(500_000), Decimal(6), Decimal(3), margin=Decimal("0.3"))
Money('2700000', 'VND')
>>> margin_clv(Money(1_000_000), retention_rate=Decimal("0.8"), discount_rate=Decimal("0.1"))
Money('2666667', 'VND')
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import attrs

from khachhang._checks import check_optional, check_type, require_aware
from khachhang.customers import Customer
from khachhang.errors import CurrencyMismatchError, ValidationError
from khachhang.money import MONEY_CONTEXT, Money

__all__ = [
    "DEFAULT_ACQUISITION_MULTIPLE",
    "RetentionEconomics",
    "margin_clv",
    "run_rate_clv",
    "simple_clv",
]

DEFAULT_ACQUISITION_MULTIPLE = Decimal(5)
"""How many times keeping a customer it costs to find a new one: the rule of thumb
("gấp 5 lần"). Only a default — :class:`RetentionEconomics` takes any multiple or a
measured acquisition cost."""

_YEAR = timedelta(days=365)
_LIMIT = Decimal(10**6)


def _decimal(path: str, value: object, *, low: Decimal, high: Decimal = _LIMIT) -> Decimal:
    """A finite ``Decimal`` (or ``int``, not ``bool``) from ``low`` to ``high``."""
    number: Decimal | int = check_type(path, value, (Decimal, int))
    if isinstance(number, int):
        if not low <= number <= high:
            raise ValidationError(path, f"must be a number from {low} to {high}, got {number}")
        return Decimal(number)
    if not number.is_finite() or not low <= number <= high:
        raise ValidationError(path, f"must be a finite number from {low} to {high}, got {number}")
    return number


def _multiple(value: Decimal | int) -> Decimal:
    return _decimal("acquisition_multiple", value, low=Decimal(0))


@attrs.frozen
class RetentionEconomics:
    """Acquisition cost against retention cost, per customer.

    Every amount is in ``retention_cost``'s currency, and ``Money``'s currency defaults to
    the đồng: ``RetentionEconomics(Money(5))`` is 5 ₫, not 5 dollars. For a business that
    counts in another currency, name it on every amount — ``Money(5, "USD")`` — and a
    measured acquisition cost in another currency than the retention cost is refused
    (``CurrencyMismatchError``), never converted. Results carry the currency, so a
    mistake shows in every figure (``Money('25', 'VND')``):

    >>> RetentionEconomics(Money(5, "USD")).saving_per_customer
    Money('20.00', 'USD')
    >>> RetentionEconomics(Money(5, "USD"), measured_acquisition_cost=Money(40))
    Traceback (most recent call last):
    ...
    khachhang.errors.CurrencyMismatchError: measured_acquisition_cost.currency: VND against ...

    Args:
        retention_cost: what it costs to keep one existing customer (per period).
        acquisition_multiple: acquisition cost as a multiple of ``retention_cost`` when
            ``measured_acquisition_cost`` is not given; 5 (the rule of thumb) by default.
        measured_acquisition_cost: a measured cost of winning one new customer; when
            given it is used and the multiple is ignored.
    """

    retention_cost: Money
    acquisition_multiple: Decimal = attrs.field(
        default=DEFAULT_ACQUISITION_MULTIPLE, converter=_multiple
    )
    measured_acquisition_cost: Money | None = None

    def __attrs_post_init__(self) -> None:
        if check_type("retention_cost", self.retention_cost, Money).amount < 0:
            raise ValidationError("retention_cost", "must not be negative")
        measured = check_optional(
            "measured_acquisition_cost", self.measured_acquisition_cost, Money
        )
        if measured is not None:
            if measured.currency != self.retention_cost.currency:
                msg = f"{measured.currency} against retention in {self.retention_cost.currency}"
                raise CurrencyMismatchError("measured_acquisition_cost.currency", msg)
            if measured.amount < 0:
                raise ValidationError("measured_acquisition_cost", "must not be negative")
        else:
            # Computed now, so a product beyond Money's range fails here, not later.
            try:
                _ = self.retention_cost * self.acquisition_multiple
            except ValidationError as err:
                raise ValidationError("acquisition_multiple", err.reason) from None

    @property
    def acquisition_cost(self) -> Money:
        """The measured cost, else ``retention_cost × acquisition_multiple``."""
        if self.measured_acquisition_cost is not None:
            return self.measured_acquisition_cost
        return self.retention_cost * self.acquisition_multiple

    @property
    def ratio(self) -> Fraction | None:
        """Acquisition cost ÷ retention cost, exactly; ``None`` if retention costs nothing."""
        if not self.retention_cost.amount:
            return None
        return Fraction(self.acquisition_cost.amount) / Fraction(self.retention_cost.amount)

    @property
    def saving_per_customer(self) -> Money:
        """What keeping one customer saves over replacing it with a new one."""
        return self.acquisition_cost - self.retention_cost

    def saving(self, retained: int) -> Money:
        """What keeping ``retained`` customers saves over replacing them.

        >>> RetentionEconomics(Money(100_000)).saving(3)
        Money('1200000', 'VND')
        """
        if check_type("retained", retained, int) < 0:
            raise ValidationError("retained", "must not be negative")
        return self.saving_per_customer * retained


def simple_clv(
    average_order_value: Money,
    purchases_per_year: Decimal,
    lifespan_years: Decimal,
    *,
    margin: Decimal = Decimal(1),
) -> Money:
    """Average order value × purchases per year × expected years × margin.

    ``margin`` is the share of revenue kept as profit (1 means revenue-based CLV).
    """
    check_type("average_order_value", average_order_value, Money)
    frequency = _decimal("purchases_per_year", purchases_per_year, low=Decimal(0))
    years = _decimal("lifespan_years", lifespan_years, low=Decimal(0), high=Decimal(200))
    share = _decimal("margin", margin, low=Decimal(0), high=Decimal(1))
    value = MONEY_CONTEXT.multiply(average_order_value.amount, frequency)
    value = MONEY_CONTEXT.multiply(MONEY_CONTEXT.multiply(value, years), share)
    return Money.rounded(value, average_order_value.currency)


def margin_clv(annual_margin: Money, *, retention_rate: Decimal, discount_rate: Decimal) -> Money:
    """The margin-based lifetime value ``m × r / (1 + d − r)`` (infinite horizon).

    ``annual_margin`` is the profit a customer brings per year, ``retention_rate`` the
    share of customers still buying a year later (0 to below 1) and ``discount_rate``
    the yearly discount rate (0 or more).
    """
    check_type("annual_margin", annual_margin, Money)
    kept = _decimal("retention_rate", retention_rate, low=Decimal(0), high=Decimal(1))
    if kept == 1:
        raise ValidationError("retention_rate", "must be below 1 (the sum would not converge)")
    rate = _decimal("discount_rate", discount_rate, low=Decimal(0), high=Decimal(100))
    denominator = MONEY_CONTEXT.subtract(MONEY_CONTEXT.add(Decimal(1), rate), kept)
    value = MONEY_CONTEXT.divide(MONEY_CONTEXT.multiply(annual_margin.amount, kept), denominator)
    return Money.rounded(value, annual_margin.currency)


def run_rate_clv(
    customer: Customer,
    *,
    as_of: datetime,
    lifespan_years: Decimal,
    margin: Decimal = Decimal(1),
) -> Money | None:
    """A naive run-rate: :func:`simple_clv` from a customer's own purchases up to ``as_of``.

    Average order value and yearly frequency come from the history (orders divided by
    the years since the first purchase, counting at least one year); ``None`` for a
    customer who has bought nothing yet. It ignores recency: a customer silent for
    seventeen months keeps a full rate, so over a book it overstates what lapsed
    customers will buy (on CDNOW's 1997-10 to 1998-06 holdout it predicts 1.87
    times the transactions that happened). For a forecast that weighs recency, fit
    :func:`khachhang.analytics.fit_bgnbd` and :func:`khachhang.analytics.predictive_clv`.

    >>> from datetime import datetime, timezone
    >>> from khachhang import Person, Purchase
    >>> t = datetime(2025, 1, 1, tzinfo=timezone.utc)
    >>> c = Customer("c-1", Person("Phan Văn Tài"), created_at=t)
    >>> for i in range(4):
    ...     c = c.add_purchase(Purchase(f"o-{i}", t.replace(month=1 + 3 * i), Money(250_000)))
    >>> run_rate_clv(c, as_of=datetime(2026, 1, 1, tzinfo=timezone.utc), lifespan_years=Decimal(5))
    Money('5000000', 'VND')
    """
    check_type("customer", customer, Customer)
    require_aware(as_of, "as_of")
    years_ahead = _decimal("lifespan_years", lifespan_years, low=Decimal(0), high=Decimal(200))
    share = _decimal("margin", margin, low=Decimal(0), high=Decimal(1))
    orders = customer.purchases_until(as_of=as_of)
    if not orders:
        return None
    total = customer.spent(as_of=as_of)
    average = MONEY_CONTEXT.divide(total.amount, len(orders))
    span = max(as_of - orders[0].at, _YEAR)
    second = timedelta(seconds=1)
    years = MONEY_CONTEXT.divide(Decimal(span // second), Decimal(_YEAR // second))
    frequency = MONEY_CONTEXT.divide(Decimal(len(orders)), years)
    value = MONEY_CONTEXT.multiply(MONEY_CONTEXT.multiply(average, frequency), years_ahead)
    return Money.rounded(MONEY_CONTEXT.multiply(value, share), customer.currency)
