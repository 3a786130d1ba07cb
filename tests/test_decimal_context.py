"""The caller's decimal context never reaches the library's arithmetic.

An application may set ``decimal.getcontext()`` to anything for its own work: a low
precision, a tiny exponent range, traps on ``Inexact`` or ``Rounded``. Every amount,
total, score and text the library returns is the same as under the default context.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from decimal import Context, Decimal, localcontext
from fractions import Fraction
from typing import Any

import pytest

from khachhang import Customer, Money, Person, Purchase
from khachhang.care.service.economics import (
    RetentionEconomics,
    margin_clv,
    run_rate_clv,
    simple_clv,
)
from khachhang.care.service.feedback import round_score
from khachhang.care.service.loyalty import LoyaltyProgram, LoyaltyTier
from khachhang.report import render_summary, summarize
from khachhang.sample import SAMPLE_AS_OF, sample_book
from khachhang.segmentation import F
from khachhang.segmentation.rfm import rfm_scores
from khachhang.serde import from_json, to_json

_EVERY_SIGNAL = [
    decimal.Clamped,
    decimal.DivisionByZero,
    decimal.FloatOperation,
    decimal.Inexact,
    decimal.InvalidOperation,
    decimal.Overflow,
    decimal.Rounded,
    decimal.Subnormal,
    decimal.Underflow,
]

HOSTILE = {
    "prec 3, Emax 4, round up, lower-case exponents": Context(
        prec=3, rounding=decimal.ROUND_UP, Emax=4, Emin=-2, capitals=0, traps=_EVERY_SIGNAL
    ),
    "prec 28 but Emax 6": Context(prec=28, Emax=6, Emin=0, traps=_EVERY_SIGNAL),
    "prec 60, Emax 6, clamped": Context(prec=60, Emax=6, Emin=0, clamp=1, traps=_EVERY_SIGNAL),
    "prec 5 (the issue's)": Context(prec=5),
}

BOOK = sample_book(40, seed=7)
GOLD = LoyaltyTier("gold", "Vàng", "Gold", Money(0), Decimal("1.5"))
BIG_SPENDERS = (F.total_spent >= Money("123456789")) | (F.income < Money("1234567.5", "USD"))


def _operations() -> Iterator[tuple[str, Callable[[], Any]]]:
    """A representative set of public operations on money, by name."""
    yield "format en", lambda: Money("123456789").format("en")
    yield "format vi", lambda: Money("-1234567.89", "USD").format("vi")
    yield "add", lambda: Money("123456789012345678") + Money(1)
    yield "subtract", lambda: Money("1") - Money("123456789012345678")
    yield "multiply", lambda: Money("12345678.91", "USD") * Decimal("1.2345")
    yield "negate and abs", lambda: (-Money("123456789012345678"), abs(Money("-12345678.9", "USD")))
    yield "rounded", lambda: Money.rounded("123456789.555", "USD")
    yield "rounded up", lambda: Money.rounded("1.5", rounding=decimal.ROUND_UP)
    yield "sum", lambda: sum([Money(10**17), Money(3)])
    yield "compare", lambda: Money(10**17) < Money(10**17 + 1)
    yield "str and repr", lambda: (str(Money("1E+5")), repr(Money("12.5", "USD")))
    yield "totals", lambda: [(c.total_spent, c.average_order_value) for c in BOOK]
    yield "spent", lambda: [c.spent(as_of=SAMPLE_AS_OF) for c in BOOK]
    yield "summary", lambda: summarize(BOOK, as_of=SAMPLE_AS_OF)
    yield "average order value", lambda: summarize(BOOK, as_of=SAMPLE_AS_OF).average_order_value
    yield "report", lambda: render_summary(summarize(BOOK, as_of=SAMPLE_AS_OF), "en")
    yield "rfm", lambda: rfm_scores(BOOK, as_of=SAMPLE_AS_OF)
    yield "rfm average", lambda: rfm_scores(BOOK, as_of=SAMPLE_AS_OF, monetary="average")
    yield "rules", lambda: [BIG_SPENDERS.evaluate(c, as_of=SAMPLE_AS_OF) for c in BOOK]
    yield "rules in SQL", lambda: BIG_SPENDERS.to_sql(as_of=SAMPLE_AS_OF)
    yield "points", lambda: LoyaltyProgram("p", tiers=(GOLD,)).points_for(Money(123_456_789), GOLD)
    yield "economics", lambda: RetentionEconomics(Money(123_456_789)).saving(12_345)
    yield "simple clv", lambda: simple_clv(Money(123_456_789), Decimal("6.1"), Decimal(3))
    yield (
        "margin clv",
        lambda: margin_clv(
            Money(123_456_789), retention_rate=Decimal("0.8"), discount_rate=Decimal("0.1")
        ),
    )
    yield (
        "customer clv",
        lambda: [run_rate_clv(c, as_of=SAMPLE_AS_OF, lifespan_years=Decimal(5)) for c in BOOK],
    )
    yield "feedback score", lambda: round_score(Fraction(200, 3))
    yield "json", lambda: [from_json(to_json(c), Customer) for c in BOOK[:10]]
    yield "sample book", lambda: sample_book(10, seed=3)


OPERATIONS = dict(_operations())
EXPECTED = {name: run() for name, run in OPERATIONS.items()}  # the default context


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("name", OPERATIONS)
def test_a_hostile_decimal_context_changes_no_result(name: str, hostile: Context) -> None:
    """Every operation gives the default context's result, and raises no trap."""
    with localcontext(hostile):
        got = OPERATIONS[name]()
    assert got == EXPECTED[name]


def test_the_issues_example_is_exact_at_precision_5() -> None:
    """getcontext().prec = 5 rounded ₫123,456,789 and the book's revenue (issue 18.4)."""
    t = datetime(2026, 1, 5, tzinfo=timezone.utc)
    buyer = Customer("c-1", Person("Lê Văn An"), created_at=t).add_purchases(
        [Purchase(f"o-{i}", t + timedelta(days=i), Money("123456789")) for i in range(3)]
    )
    with localcontext() as ctx:
        ctx.prec = 5
        text = Money("123456789").format("en")
        summary = summarize([buyer], as_of=t + timedelta(days=10))
        revenue, average = summary.revenue, summary.average_order_value
    assert text == "₫123,456,789"
    assert revenue == Money("370370367")
    assert average == Money("123456789")
