"""The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005).

While alive a customer buys at a Poisson rate λ ~ Gamma(r, α); after each purchase the
customer drops out with probability p ~ Beta(a, b). The log-likelihood is the paper's
equation (6) in its numerically stable form (the two terms added in log space).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import attrs

from khachhang._checks import check_type
from khachhang.analytics._mle import maximize, numeric
from khachhang.analytics._summary import Summary, TimeUnit, finite_floats
from khachhang.errors import ValidationError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["BgNbdFit", "fit_bgnbd"]

_NEAR_ONE = 1e-6


def check_positive(path: str, value: object) -> float:
    """A finite ``float`` (or ``int``) above 0."""
    number = float(check_type(path, value, (float, int)))
    if not math.isfinite(number) or number <= 0:
        raise ValidationError(path, f"must be a finite number above 0, got {value}")
    return number


def check_errors(path: str, value: object, size: int) -> tuple[float, ...] | None:
    """``None``, or ``size`` finite standard errors of 0 or more."""
    if value is None:
        return None
    items = check_type(path, value, tuple)
    if len(items) != size:
        raise ValidationError(path, f"must hold {size} standard errors, got {len(items)}")
    return finite_floats(path, items)


def check_fit(obj: Any, size: int) -> None:
    """The fit statistics shared by both models: standard errors, log-likelihood, n."""
    errors = check_errors("standard_errors", obj.standard_errors, size)
    object.__setattr__(obj, "standard_errors", errors)
    ll = float(check_type("log_likelihood", obj.log_likelihood, (float, int)))
    if not math.isfinite(ll):
        raise ValidationError("log_likelihood", f"must be finite, got {obj.log_likelihood}")
    object.__setattr__(obj, "log_likelihood", ll)
    if check_type("n", obj.n, int) < 0:
        raise ValidationError("n", f"must not be negative, got {obj.n}")


def check_horizon(path: str, value: object) -> float:
    """A finite time span of 0 or more."""
    number = float(check_type(path, value, (float, int)))
    if not math.isfinite(number) or number < 0:
        raise ValidationError(path, f"must be a finite number of 0 or more, got {value}")
    return number


def _columns(summary: Summary) -> tuple[Any, Any, Any]:
    np, _ = numeric()
    return (
        np.asarray(summary.frequency, dtype=float),
        np.asarray(summary.recency, dtype=float),
        np.asarray(summary.age, dtype=float),
    )


def _log_likelihood(
    params: NDArray[Any], x: NDArray[Any], t_x: NDArray[Any], age: NDArray[Any]
) -> NDArray[Any]:
    """Each row's log-likelihood (paper eq. 6, in log space)."""
    np, special = numeric()
    r, alpha, a, b = params
    gammaln = special.gammaln
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + age)
    repeat = x > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            repeat,
            np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return a1 + a2 + np.logaddexp(a3, a4)  # type: ignore[no-any-return]  # numpy array


def _r(value: object) -> float:
    return check_positive("r", value)


def _alpha(value: object) -> float:
    return check_positive("alpha", value)


def _a(value: object) -> float:
    return check_positive("a", value)


def _b(value: object) -> float:
    return check_positive("b", value)


@attrs.frozen
class BgNbdFit:
    """A fitted BG/NBD model: parameters, their standard errors and the fit's likelihood.

    ``r`` and ``alpha`` shape the purchase rates (Gamma), ``a`` and ``b`` the dropout
    probabilities (Beta); times are counted in ``unit``. Fit one with :func:`fit_bgnbd`,
    or build one from published parameters (Fader, Hardie & Lee 2005, CDNOW, weeks):

    >>> m = BgNbdFit(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> round(m.expected_purchases(52), 3)
    1.446
    >>> round(m.probability_alive(frequency=2, recency=30.43, age=38.86), 3)
    0.727
    >>> round(m.conditional_expected_purchases(39, frequency=2, recency=30.43, age=38.86), 3)
    1.226

    Attributes:
        standard_errors: of ``(r, alpha, a, b)``, from the inverse Hessian of the
            negative log-likelihood (delta method); ``None`` when not estimated.
        log_likelihood: the maximised log-likelihood (0 when not fitted).
        n: how many customers the model was fitted on (0 when not fitted).
    """

    r: float = attrs.field(converter=_r)
    alpha: float = attrs.field(converter=_alpha)
    a: float = attrs.field(converter=_a)
    b: float = attrs.field(converter=_b)
    standard_errors: tuple[float, float, float, float] | None = None
    log_likelihood: float = 0.0
    n: int = 0
    unit: TimeUnit = TimeUnit.WEEKS

    def __attrs_post_init__(self) -> None:
        check_fit(self, 4)
        check_type("unit", self.unit, TimeUnit)

    @property
    def params(self) -> tuple[float, float, float, float]:
        """``(r, alpha, a, b)``."""
        return (self.r, self.alpha, self.a, self.b)

    def log_likelihood_of(self, summary: Summary) -> float:
        """The log-likelihood of ``summary`` under these parameters."""
        np, _ = numeric()
        check_type("summary", summary, Summary)
        return float(np.sum(_log_likelihood(np.asarray(self.params), *_columns(summary))))

    def expected_purchases(self, t: float) -> float:
        """E[X(t)]: expected purchases of a new customer in ``t`` units (paper eq. 9)."""
        # Eq. 9 is eq. 10 for a customer with no history (x = t_x = T = 0).
        return self.conditional_expected_purchases(t, frequency=0, recency=0.0, age=0.0)

    def probability_alive(self, *, frequency: int, recency: float, age: float) -> float:
        """P(alive | x, t_x, T): the chance a customer with this history is still active."""
        value = self._alive(*_row(frequency, recency, age))
        return float(value[0])

    def conditional_expected_purchases(
        self, t: float, *, frequency: int, recency: float, age: float
    ) -> float:
        """E[Y(t) | x, t_x, T]: expected purchases in the next ``t`` units (paper eq. 10)."""
        value = self._conditional(check_horizon("t", t), *_row(frequency, recency, age))
        return float(value[0])

    def predict_purchases(self, summary: Summary, t: float) -> tuple[float, ...]:
        """E[Y(t) | x, t_x, T] for every customer of ``summary``, in its order."""
        self._same_unit(summary)
        return tuple(float(v) for v in self._conditional(check_horizon("t", t), *_columns(summary)))

    def predict_alive(self, summary: Summary) -> tuple[float, ...]:
        """P(alive) for every customer of ``summary``, in its order."""
        self._same_unit(summary)
        return tuple(float(v) for v in self._alive(*_columns(summary)))

    def _same_unit(self, summary: Summary) -> None:
        check_type("summary", summary, Summary)
        if summary.unit is not self.unit:
            msg = f"counts time in {summary.unit.value}, the model in {self.unit.value}"
            raise ValidationError("summary.unit", msg)

    def _odds_dead(self, x: NDArray[Any], t_x: NDArray[Any], age: NDArray[Any]) -> NDArray[Any]:
        """a/(b+x−1)·((α+T)/(α+t_x))^(r+x) for repeat buyers, 0 for the others."""
        np, _ = numeric()
        r, alpha, a, b = self.params
        repeat = x > 0
        log_odds = (
            np.log(a)
            - np.log(np.where(repeat, b + x - 1, 1.0))
            + (r + x) * (np.log(alpha + age) - np.log(alpha + t_x))
        )
        return np.where(repeat, np.exp(log_odds), 0.0)  # type: ignore[no-any-return]  # array

    def _alive(self, x: NDArray[Any], t_x: NDArray[Any], age: NDArray[Any]) -> NDArray[Any]:
        return 1.0 / (1.0 + self._odds_dead(x, t_x, age))

    def _conditional(
        self, t: float, x: NDArray[Any], t_x: NDArray[Any], age: NDArray[Any]
    ) -> NDArray[Any]:
        a = self.a
        if abs(a - 1) < _NEAR_ONE:
            # Eq. 10 divides by a − 1, but the singularity is removable: take the mean
            # of both sides, a continuous function's value there to within ~1e-12.
            below = self._expected(t, x, age, a=1 - _NEAR_ONE)
            above = self._expected(t, x, age, a=1 + _NEAR_ONE)
            expected = (below + above) / 2
        else:
            expected = self._expected(t, x, age, a=a)
        return expected / (1.0 + self._odds_dead(x, t_x, age))  # type: ignore[no-any-return]  # numpy array

    def _expected(self, t: float, x: NDArray[Any], age: NDArray[Any], *, a: float) -> NDArray[Any]:
        np, special = numeric()
        r, alpha, _, b = self.params
        z = t / (alpha + age + t)
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        ratio = np.exp((r + x) * (np.log(alpha + age) - np.log(alpha + age + t)))
        return (a + b + x - 1) / (a - 1) * (1 - ratio * hyp)  # type: ignore[no-any-return]  # numpy array


def _row(frequency: int, recency: float, age: float) -> tuple[Any, Any, Any]:
    np, _ = numeric()
    one = Summary(frequency=(frequency,), recency=(recency,), age=(age,))
    return (
        np.asarray(one.frequency, dtype=float),
        np.asarray(one.recency, dtype=float),
        np.asarray(one.age, dtype=float),
    )


def fit_bgnbd(summary: Summary) -> BgNbdFit:
    """Fit the BG/NBD model to ``summary`` by maximum likelihood.

    The four parameters are searched on their logarithms (``scipy.optimize``); the
    standard errors come from the inverse Hessian of the negative log-likelihood, taken
    numerically. Customers with the same ``(x, t_x, T)`` are counted once with a weight.

    >>> s = Summary(frequency=(2, 1, 0, 0, 3, 0, 1), recency=(30.4, 1.7, 0, 0, 20.1, 0, 5.0),
    ...             age=(38.9, 38.9, 38.9, 38.7, 38.7, 38.6, 38.6))
    >>> fit = fit_bgnbd(s)
    >>> fit.n, fit.log_likelihood < 0, len(fit.standard_errors or ())
    (7, True, 4)
    """
    np, _ = numeric()
    check_type("summary", summary, Summary)
    if not summary.repeat_customers:
        raise ValidationError("summary", "has no repeat purchase: nothing to fit the model on")
    rows = np.column_stack(_columns(summary))
    unique, counts = np.unique(rows, axis=0, return_counts=True)
    x, t_x, age = unique[:, 0], unique[:, 1], unique[:, 2]

    def negative(params: NDArray[Any]) -> float:
        return -float(np.dot(counts, _log_likelihood(params, x, t_x, age)))

    params, errors, ll = maximize(negative, ("r", "alpha", "a", "b"), "BG/NBD")
    r, alpha, a, b = params
    se = None if errors is None else (errors[0], errors[1], errors[2], errors[3])
    return BgNbdFit(
        r, alpha, a, b, standard_errors=se, log_likelihood=ll, n=len(summary), unit=summary.unit
    )
