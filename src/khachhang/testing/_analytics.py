"""Hypothesis strategies for the predictive analytics: summaries and fitted models."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from khachhang.analytics import BgNbdFit, GammaGammaFit, Summary, TimeUnit
from khachhang.testing._hook import register_module

__all__ = ["bgnbd_fits", "gamma_gamma_fits", "summaries"]

_CURRENCIES = st.sampled_from(("VND", "USD", "EUR"))
_POSITIVE = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False, allow_infinity=False)
_ERROR = st.floats(min_value=0, max_value=1e3, allow_nan=False, allow_infinity=False)
_LOG_LIKELIHOOD = st.floats(min_value=-1e9, max_value=0, allow_nan=False, allow_infinity=False)


@st.composite
def _row(draw: st.DrawFn) -> tuple[int, float, float, Decimal]:
    age = draw(st.floats(min_value=0, max_value=520, allow_nan=False, allow_infinity=False))
    x = draw(st.integers(0, 40))
    if x == 0:
        return 0, 0.0, age, Decimal(0)
    recency = draw(st.floats(min_value=0, max_value=age, allow_nan=False, allow_infinity=False))
    cents = draw(st.integers(1, 10**9))
    return x, recency, age, Decimal(cents).scaleb(-2)


@st.composite
def _summary(draw: st.DrawFn, max_customers: int) -> Summary:
    rows = draw(st.lists(_row(), max_size=max_customers))
    with_spend = draw(st.booleans())
    with_ids = draw(st.booleans())
    return Summary(
        frequency=tuple(r[0] for r in rows),
        recency=tuple(r[1] for r in rows),
        age=tuple(r[2] for r in rows),
        mean_spend=tuple(r[3] for r in rows) if with_spend else (),
        customer_ids=tuple(f"c-{i}" for i in range(len(rows))) if with_ids else (),
        unit=draw(st.sampled_from(TimeUnit)),
        currency=draw(_CURRENCIES),
    )


def summaries(*, max_customers: int = 8) -> SearchStrategy[Summary]:
    """Calibration summaries: valid rows (recency within age, 0 without a repeat purchase).

    Example: ``@given(summaries(max_customers=20))``.
    """
    return _summary(max_customers)


def bgnbd_fits() -> SearchStrategy[BgNbdFit]:
    """BG/NBD parameters, with or without standard errors and fit statistics.

    Example: ``@given(bgnbd_fits())``.
    """
    errors = st.one_of(st.none(), st.tuples(_ERROR, _ERROR, _ERROR, _ERROR))
    return st.builds(
        BgNbdFit,
        _POSITIVE,
        _POSITIVE,
        _POSITIVE,
        _POSITIVE,
        standard_errors=errors,
        log_likelihood=_LOG_LIKELIHOOD,
        n=st.integers(0, 10**7),
        unit=st.sampled_from(TimeUnit),
    )


def gamma_gamma_fits() -> SearchStrategy[GammaGammaFit]:
    """Gamma-Gamma parameters, with or without standard errors and fit statistics.

    Example: ``@given(gamma_gamma_fits())``.
    """
    errors = st.one_of(st.none(), st.tuples(_ERROR, _ERROR, _ERROR))
    return st.builds(
        GammaGammaFit,
        _POSITIVE,
        _POSITIVE,
        _POSITIVE,
        standard_errors=errors,
        log_likelihood=_LOG_LIKELIHOOD,
        n=st.integers(0, 10**7),
        currency=_CURRENCIES,
    )


def register_types() -> None:
    """Teach ``st.from_type`` the analytics models."""
    register_module(__name__)
