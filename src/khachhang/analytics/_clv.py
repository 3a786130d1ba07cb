"""Discounted customer lifetime value from a BG/NBD and a Gamma-Gamma fit."""

from __future__ import annotations

from decimal import Decimal

from khachhang._checks import check_type
from khachhang.analytics._bgnbd import BgNbdFit
from khachhang.analytics._gamma_gamma import GammaGammaFit
from khachhang.analytics._mle import numeric
from khachhang.analytics._summary import Summary
from khachhang.errors import ValidationError
from khachhang.money import Money

__all__ = ["MONTH_DAYS", "predictive_clv"]

MONTH_DAYS = 365.25 / 12
"""The length of a month, in days, when a horizon in months meets a model in days or weeks."""


def _rate(path: str, value: object, high: Decimal) -> float:
    number = check_type(path, value, Decimal)
    if not number.is_finite() or not Decimal(0) <= number <= high:
        raise ValidationError(path, f"must be a finite number from 0 to {high}, got {number}")
    return float(number)


def predictive_clv(
    purchases: BgNbdFit,
    spend: GammaGammaFit,
    summary: Summary,
    *,
    months: int = 12,
    monthly_discount_rate: Decimal = Decimal("0.01"),
    margin: Decimal = Decimal(1),
) -> tuple[Money, ...]:
    """Each customer's discounted value over the next ``months``, in ``summary``'s order.

    Month by month, the purchases the BG/NBD model expects in that month (E[Y(t)]'s
    increase, given the customer's history) times the spend the Gamma-Gamma model
    expects per purchase, times ``margin``, discounted by ``(1 + monthly_discount_rate)``
    per month — the sum ``lifetimes``' ``customer_lifetime_value`` computes.

    >>> from khachhang.analytics import BgNbdFit, GammaGammaFit, Summary
    >>> s = Summary(frequency=(2, 0), recency=(30.43, 0.0), age=(38.86, 38.86),
    ...             mean_spend=(Decimal("22.35"), Decimal(0)), currency="USD")
    >>> purchases = BgNbdFit(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> spend = GammaGammaFit(p=6.25, q=3.74, gamma=15.44, currency="USD")
    >>> predictive_clv(purchases, spend, s, months=12)
    (Money('36.31', 'USD'), Money('8.37', 'USD'))
    """
    np, _ = numeric()
    check_type("purchases", purchases, BgNbdFit)
    check_type("spend", spend, GammaGammaFit)
    check_type("summary", summary, Summary)
    horizon = check_type("months", months, int)
    if not 0 <= horizon <= 1200:
        raise ValidationError("months", f"must be from 0 to 1200, got {horizon}")
    rate = _rate("monthly_discount_rate", monthly_discount_rate, Decimal(100))
    share = _rate("margin", margin, Decimal(1))
    per_spend = np.asarray([float(m.amount) for m in spend.predict_spend(summary)])
    month = MONTH_DAYS / summary.unit.days
    before = np.zeros(len(summary))
    value = np.zeros(len(summary))
    for i in range(1, horizon + 1):
        after = np.asarray(purchases.predict_purchases(summary, i * month))
        value += (after - before) * per_spend / (1 + rate) ** i
        before = after
    return tuple(Money.rounded(Decimal(repr(float(v * share))), spend.currency) for v in value)
