"""Traditional customers (*khách hàng truyền thống*): long-standing, regular buyers.

Vietnamese practice calls the external customers who buy and use the firm's products,
and bring its revenue directly, *khách hàng truyền thống*; internal customers
(employees) are "không phải là khách hàng truyền thống", and traditional customers are
named beside prospects ("khách hàng tiềm năng, truyền thống"). A
:class:`TraditionalPolicy` makes that checkable: an external customer that has been in
the book for ``min_years`` years and bought in each of the last ``min_years``
twelve-month windows.

>>> from datetime import datetime, timezone
>>> from khachhang import Customer, Money, Person, Purchase
>>> t = datetime(2020, 1, 10, tzinfo=timezone.utc)
>>> c = Customer("KH-1", Person("Đỗ Văn Tùng"), created_at=t).add_purchases(
...     [Purchase(f"o{y}", t.replace(year=y, month=6), Money(500000)) for y in range(2020, 2026)])
>>> policy = TraditionalPolicy()
>>> policy.is_traditional(c, as_of=datetime(2026, 3, 1, tzinfo=timezone.utc))
True
>>> policy.why_not(c, as_of=datetime(2027, 3, 1, tzinfo=timezone.utc))
'no purchase between 2026-03-01 and 2027-03-01'
"""

from __future__ import annotations

from datetime import datetime

import attrs
from dateutil.relativedelta import relativedelta

from khachhang._checks import check_type, instant, require_aware
from khachhang.customers import Customer
from khachhang.errors import ValidationError
from khachhang.kinds import Scope

__all__ = ["TraditionalPolicy"]


@attrs.frozen
class TraditionalPolicy:
    """When an external customer counts as traditional.

    Args:
        min_years: years in the book, and the number of consecutive twelve-month windows
            up to ``as_of`` that each hold a purchase (at least 1).
    """

    min_years: int = 3

    def __attrs_post_init__(self) -> None:
        years = check_type("min_years", self.min_years, int)
        if isinstance(years, bool) or not 1 <= years <= 100:
            raise ValidationError("min_years", f"must be 1 to 100, got {years!r}")

    def why_not(self, customer: Customer, *, as_of: datetime) -> str | None:
        """``None`` when ``customer`` is traditional at ``as_of``, else the reason."""
        check_type("customer", customer, Customer)
        when = instant(require_aware(as_of, "as_of"))
        if customer.scope is Scope.INTERNAL:
            return "an internal customer is not a traditional customer"
        start = when - relativedelta(years=self.min_years)
        if instant(customer.created_at) > start:
            return (
                f"in the book since {customer.created_at:%Y-%m-%d}, needs {self.min_years} year(s)"
            )
        times = [instant(p.at) for p in customer.purchases]
        for k in range(self.min_years):
            high = when - relativedelta(years=k)
            low = when - relativedelta(years=k + 1)
            if not any(low < t <= high for t in times):
                return f"no purchase between {low:%Y-%m-%d} and {high:%Y-%m-%d}"
        return None

    def is_traditional(self, customer: Customer, *, as_of: datetime) -> bool:
        """Whether ``customer`` is a traditional customer at ``as_of``."""
        return self.why_not(customer, as_of=as_of) is None
