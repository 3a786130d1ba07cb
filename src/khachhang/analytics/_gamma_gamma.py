"""The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005b).

A customer's transaction values are Gamma(p, ν); across customers ν ~ Gamma(q, γ). It is
fitted on repeat customers' mean spend (the mean of their repeat purchases) and assumes
spend is independent of how often a customer buys.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from khachhang._checks import check_type
from khachhang.analytics._bgnbd import check_fit, check_positive
from khachhang.analytics._mle import maximize, numeric
from khachhang.analytics._summary import Summary
from khachhang.errors import ValidationError
from khachhang.money import DEFAULT_CURRENCY, Money

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["GammaGammaFit", "fit_gamma_gamma"]


def _log_likelihood(params: NDArray[Any], x: NDArray[Any], m: NDArray[Any]) -> NDArray[Any]:
    np, special = numeric()
    p, q, gamma = params
    gammaln = special.gammaln
    px = p * x
    return (  # type: ignore[no-any-return]  # numpy array
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(x * m + gamma)
    )


def _repeat_spend(summary: Summary) -> tuple[Any, Any]:
    """Frequency and mean spend of the customers with a repeat purchase of some value."""
    np, _ = numeric()
    if len(summary.mean_spend) != len(summary):
        raise ValidationError("summary.mean_spend", "is empty: the spend model needs spend")
    x = np.asarray(summary.frequency, dtype=float)
    m = np.asarray([float(v) for v in summary.mean_spend], dtype=float)
    keep = (x > 0) & (m > 0)
    return x[keep], m[keep]


def _p(value: object) -> float:
    return check_positive("p", value)


def _q(value: object) -> float:
    return check_positive("q", value)


def _gamma(value: object) -> float:
    return check_positive("gamma", value)


@attrs.frozen
class GammaGammaFit:
    """A fitted Gamma-Gamma spend model: ``p``, ``q``, ``gamma`` and the fit's statistics.

    Amounts are in ``currency``. Built from the published CDNOW parameters (US dollars):

    >>> m = GammaGammaFit(p=6.25, q=3.74, gamma=15.44, currency="USD")
    >>> m.mean_spend
    Money('35.22', 'USD')
    >>> m.expected_spend(frequency=2, mean_spend=Decimal("22.35"))
    Money('24.66', 'USD')

    Attributes:
        standard_errors: of ``(p, q, gamma)`` (inverse Hessian, delta method), or ``None``.
        log_likelihood: the maximised log-likelihood (0 when not fitted).
        n: how many repeat customers the model was fitted on (0 when not fitted).
    """

    p: float = attrs.field(converter=_p)
    q: float = attrs.field(converter=_q)
    gamma: float = attrs.field(converter=_gamma)
    standard_errors: tuple[float, float, float] | None = None
    log_likelihood: float = 0.0
    n: int = 0
    currency: str = DEFAULT_CURRENCY

    def __attrs_post_init__(self) -> None:
        check_fit(self, 3)
        object.__setattr__(self, "currency", Money.zero(self.currency).currency)

    @property
    def params(self) -> tuple[float, float, float]:
        """``(p, q, gamma)``."""
        return (self.p, self.q, self.gamma)

    @property
    def mean_spend(self) -> Money | None:
        """The population's mean spend per transaction, p·γ/(q−1); ``None`` if q ≤ 1."""
        if self.q <= 1:
            return None
        return self._money(self.p * self.gamma / (self.q - 1))

    def log_likelihood_of(self, summary: Summary) -> float:
        """The log-likelihood of ``summary``'s repeat customers under these parameters."""
        np, _ = numeric()
        check_type("summary", summary, Summary)
        return float(np.sum(_log_likelihood(np.asarray(self.params), *_repeat_spend(summary))))

    def expected_spend(self, *, frequency: int, mean_spend: Decimal) -> Money:
        """E[M | x, m̄]: a customer's expected spend per transaction (paper eq. 5).

        A weighted mean of the population mean and the customer's own mean; a customer
        with no repeat purchase (``frequency`` 0) gets the population mean.
        """
        x = check_type("frequency", frequency, int)
        if x < 0:
            raise ValidationError("frequency", f"must not be negative, got {x}")
        m = check_type("mean_spend", mean_spend, Decimal)
        if not m.is_finite() or m < 0:
            raise ValidationError("mean_spend", f"must be finite and not negative, got {m}")
        return self._money(self._expected(x, float(m)))

    def predict_spend(self, summary: Summary) -> tuple[Money, ...]:
        """E[M | x, m̄] for every customer of ``summary``, in its order."""
        check_type("summary", summary, Summary)
        if len(summary.mean_spend) != len(summary):
            raise ValidationError("summary.mean_spend", "is empty: the spend model needs spend")
        if summary.currency != self.currency:
            msg = f"{summary.currency} against the model's {self.currency}"
            raise ValidationError("summary.currency", msg)
        return tuple(
            self._money(self._expected(x, float(m)))
            for x, m in zip(summary.frequency, summary.mean_spend, strict=True)
        )

    def _expected(self, x: int, m: float) -> float:
        p, q, gamma = self.params
        if p * x + q <= 1:
            msg = f"is undefined where p·x + q ≤ 1 (p = {p}, q = {q}, x = {x})"
            raise ValidationError("expected_spend", msg)
        return p * (gamma + x * m) / (p * x + q - 1)

    def _money(self, value: float) -> Money:
        return Money.rounded(Decimal(repr(value)), self.currency)


def fit_gamma_gamma(summary: Summary) -> GammaGammaFit:
    """Fit the Gamma-Gamma model to the repeat customers of ``summary`` (maximum likelihood).

    Only customers with a repeat purchase of positive mean value enter the fit (the
    model describes the values of repeat transactions); ``n`` says how many did.

    >>> s = Summary(frequency=(1, 2, 3, 1, 4, 0), recency=(5.0, 9.0, 20.0, 3.0, 30.0, 0.0),
    ...             age=(38.0,) * 6, currency="USD",
    ...             mean_spend=tuple(Decimal(v) for v in ("20", "35.5", "12", "60", "28", "0")))
    >>> fit = fit_gamma_gamma(s)
    >>> fit.n, fit.currency
    (5, 'USD')
    """
    np, _ = numeric()
    check_type("summary", summary, Summary)
    x, m = _repeat_spend(summary)
    if len(x) < 2:
        msg = "needs at least two customers with a repeat purchase of some value"
        raise ValidationError("summary", msg)

    def negative(params: NDArray[Any]) -> float:
        return -float(np.sum(_log_likelihood(params, x, m)))

    params, errors, ll = maximize(negative, ("p", "q", "gamma"), "Gamma-Gamma")
    p, q, gamma = params
    se = None if errors is None else (errors[0], errors[1], errors[2])
    return GammaGammaFit(
        p, q, gamma, standard_errors=se, log_likelihood=ll, n=len(x), currency=summary.currency
    )
