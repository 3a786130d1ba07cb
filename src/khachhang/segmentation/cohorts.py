"""Cohorts by first-purchase month: who comes back, and what they spend, month by month.

A customer's **cohort** is the calendar month of its first purchase (in the zone you
name: a purchase at 23:30 on 31 January in Hà Nội is a February purchase in UTC).
**Period** ``k`` of a cohort is the ``k``-th calendar month after it (period 0 is the
cohort month itself). Each cell counts the cohort's customers who bought in that month
and what they spent; purchases after ``as_of`` are ignored, as everywhere.

* **retention** of a period: its customers over the cohort's size (period 0 is 100 %);
* **repeat rate** of a cohort: the share of its customers with two purchases or more.

The same table is computed from a transaction frame in Polars
(:func:`~khachhang.segmentation.backends.polars_backend.cohort_frame`) and in SQL
(:func:`~khachhang.segmentation.backends.sql_backend.cohort_sql`); a property test holds
the three equal.

>>> from datetime import datetime, timezone
>>> from khachhang import Customer, Person, Purchase, Money
>>> t = datetime(2026, 1, 10, tzinfo=timezone.utc)
>>> def buyer(i, *months):
...     c = Customer(f"c{i}", Person("An"), created_at=t)
...     orders = [Purchase(f"o{m}", t.replace(month=m), Money(100000)) for m in months]
...     return c.add_purchases(orders)
>>> table = cohort_table([buyer(1, 1, 2, 4), buyer(2, 1), buyer(3, 2, 3)],
...                      as_of=datetime(2026, 6, 1, tzinfo=timezone.utc))
>>> [(c.cohort_year, c.cohort_month, c.period, c.customers) for c in table.cells]
[(2026, 1, 0, 2), (2026, 1, 1, 1), (2026, 1, 3, 1), (2026, 2, 0, 1), (2026, 2, 1, 1)]
>>> table.retention(2026, 1, 1), table.repeat_rate(2026, 1)
(Fraction(1, 2), Fraction(1, 2))
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone, tzinfo
from decimal import Decimal
from fractions import Fraction

import attrs

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_type,
    require_aware,
    require_instant,
)
from khachhang.customers import Customer
from khachhang.errors import ValidationError
from khachhang.money import MONEY_CONTEXT, Money

__all__ = ["Cohort", "CohortCell", "CohortTable", "cohort_table", "month_index"]


def month_index(*, at: datetime, tz: tzinfo) -> int:
    """``year × 12 + month − 1`` of ``at`` on the calendar of ``tz``."""
    local = at.astimezone(tz)
    return local.year * 12 + local.month - 1


def _count(path: str, value: object, low: int = 0, high: int | None = None) -> None:
    """An int (not a bool) within ``low..high``; else a ValidationError naming ``path``."""
    number = check_type(path, value, int)
    if type(value) is bool or number < low or (high is not None and number > high):
        bounds = f"{low}..{high}" if high is not None else f"at least {low}"
        raise ValidationError(path, f"expected an integer {bounds}, got {value!r}")


@attrs.frozen
class CohortCell:
    """One cohort's period: how many of its customers bought, and how much."""

    cohort_year: int
    cohort_month: int
    period: int
    customers: int
    revenue: Money

    def __attrs_post_init__(self) -> None:
        _count("cohort_year", self.cohort_year, 1, 9999)
        _count("cohort_month", self.cohort_month, 1, 12)
        _count("period", self.period)
        _count("customers", self.customers, 1)
        check_type("revenue", self.revenue, Money)


@attrs.frozen
class Cohort:
    """One cohort: its month, its customers, and how many bought twice or more."""

    year: int
    month: int
    size: int
    repeaters: int

    def __attrs_post_init__(self) -> None:
        _count("year", self.year, 1, 9999)
        _count("month", self.month, 1, 12)
        _count("size", self.size, 1)
        _count("repeaters", self.repeaters, 0, self.size)


def _cohorts(values: object) -> tuple[Cohort, ...]:
    return check_items("cohorts", as_collection("cohorts", values), Cohort)


def _cells(values: object) -> tuple[CohortCell, ...]:
    return check_items("cells", as_collection("cells", values), CohortCell)


@attrs.frozen
class CohortTable:
    """The cohorts and their cells by period, at ``as_of``, months read in ``zone``."""

    as_of: datetime
    zone: str
    cohorts: tuple[Cohort, ...] = attrs.field(converter=_cohorts)
    cells: tuple[CohortCell, ...] = attrs.field(converter=_cells)

    def __attrs_post_init__(self) -> None:
        require_instant(self.as_of, "as_of")
        object.__setattr__(self, "zone", check_key("zone", self.zone, max_len=64))
        sizes = {(c.year, c.month): c.size for c in self.cohorts}
        for i, cell in enumerate(self.cells):
            size = sizes.get((cell.cohort_year, cell.cohort_month))
            if size is None or cell.customers > size:
                msg = f"{cell.customers} customer(s) in a cohort of {size or 0}"
                raise ValidationError(f"cells[{i}].customers", msg)

    def retention(self, year: int, month: int, period: int) -> Fraction:
        """The share of the cohort's customers who bought in ``period`` (0 when none)."""
        size = self._size(year, month)
        for cell in self.cells:
            if (cell.cohort_year, cell.cohort_month, cell.period) == (year, month, period):
                return Fraction(cell.customers, size)
        return Fraction(0)

    def repeat_rate(self, year: int, month: int) -> Fraction:
        """The share of the cohort's customers with two purchases or more by ``as_of``."""
        cohort = self._cohort(year, month)
        return Fraction(cohort.repeaters, cohort.size)

    def _size(self, year: int, month: int) -> int:
        return self._cohort(year, month).size

    def _cohort(self, year: int, month: int) -> Cohort:
        for cohort in self.cohorts:
            if (cohort.year, cohort.month) == (year, month):
                return cohort
        raise ValidationError("cohort", f"no cohort {year}-{month:02d} in this table")


def cohort_table(
    customers: Iterable[Customer], *, as_of: datetime, tz: tzinfo = timezone.utc
) -> CohortTable:
    """The cohort table of ``customers`` at ``as_of``, months read in ``tz``.

    Customers without a purchase by ``as_of`` are in no cohort. Purchasing customers must
    share one currency (revenue is summed).

    Raises:
        ValidationError: purchases in more than one currency, or a naive ``as_of``.
    """
    at = require_aware(as_of, "as_of")
    check_type("tz", tz, tzinfo)
    book = check_items("customers", as_collection("customers", customers), Customer)
    active: dict[tuple[int, int], set[str]] = {}
    revenue: dict[tuple[int, int], Decimal] = {}
    sizes: dict[int, int] = {}
    repeaters: dict[int, int] = {}
    currencies: set[str] = set()
    for customer in book:
        bought = customer.purchases_until(as_of=at)
        if not bought:
            continue
        currencies.add(customer.currency)
        months = [month_index(at=p.at, tz=tz) for p in bought]
        cohort = min(months)
        sizes[cohort] = sizes.get(cohort, 0) + 1
        repeaters[cohort] = repeaters.get(cohort, 0) + (len(bought) >= 2)
        for purchase, month in zip(bought, months, strict=True):
            key = (cohort, month - cohort)
            active.setdefault(key, set()).add(customer.id)
            revenue[key] = MONEY_CONTEXT.add(revenue.get(key, Decimal(0)), purchase.amount.amount)
    if len(currencies) > 1:
        shown = ", ".join(sorted(currencies))
        raise ValidationError(
            "customers", f"purchases in several currencies ({shown}); one table per currency"
        )
    currency = currencies.pop() if currencies else "VND"
    cells = tuple(
        CohortCell(
            cohort // 12,
            cohort % 12 + 1,
            period,
            len(ids),
            Money(revenue[(cohort, period)], currency),
        )
        for (cohort, period), ids in sorted(active.items())
    )
    cohorts = tuple(Cohort(c // 12, c % 12 + 1, n, repeaters[c]) for c, n in sorted(sizes.items()))
    return CohortTable(at, getattr(tz, "key", None) or str(tz), cohorts, cells)
