"""Predictive analytics: BG/NBD and Gamma-Gamma, checked three ways.

(a) the fits recover the parameters of synthetic data drawn from the models (seeded
numpy generators); (b) on the CDNOW sample of 2,357 customers shipped in the ``lifetimes``
wheel they reproduce the published parameters (Fader, Hardie & Lee 2005, 2005b) within
1%; (c) they agree with ``lifetimes``' own fitters within 1% (slow: importing lifetimes
alone takes seconds). The CDNOW holdout example's output is checked against the docs.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from conftest import SLOW_EXAMPLES, UTC, scaled
from khachhang import Customer, Money, Person, Purchase, from_json, to_json
from khachhang.analytics import (
    BgNbdFit,
    GammaGammaFit,
    Summary,
    TimeUnit,
    fit_bgnbd,
    fit_gamma_gamma,
    predictive_clv,
    summarize,
)
from khachhang.errors import CurrencyMismatchError, ValidationError
from khachhang.testing import bgnbd_fits, gamma_gamma_fits, summaries

np = pytest.importorskip("numpy")
pytest.importorskip("scipy")

ROOT = Path(__file__).resolve().parent.parent
_SPEC = importlib.util.find_spec("lifetimes")
DATASETS = None if _SPEC is None or _SPEC.origin is None else Path(_SPEC.origin).parent / "datasets"
needs_cdnow = pytest.mark.skipif(DATASETS is None, reason="the CDNOW files ship in lifetimes")

PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def _close(value: float, expected: float, share: float = 0.01) -> bool:
    return abs(value - expected) <= share * abs(expected)


def _published_summary() -> Summary:
    """The 2,357-customer CDNOW summary (x, t_x, T in weeks, mean repeat spend zbar)."""
    assert DATASETS is not None
    path = DATASETS / "cdnow_customers_summary_with_transactions.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return Summary(
        frequency=tuple(int(r["x"]) for r in rows),
        recency=tuple(float(r["t_x"]) for r in rows),
        age=tuple(float(r["T"]) for r in rows),
        mean_spend=tuple(Decimal(r["zbar"]) for r in rows),
        customer_ids=tuple(r["ID"] for r in rows),
        currency="USD",
    )


@pytest.fixture(scope="module")
def published() -> tuple[Summary, BgNbdFit, GammaGammaFit]:
    summary = _published_summary()
    return summary, fit_bgnbd(summary), fit_gamma_gamma(summary)


# --- (b) the published values -------------------------------------------------------------


@needs_cdnow
def test_the_bgnbd_fit_reproduces_the_published_cdnow_parameters(
    published: tuple[Summary, BgNbdFit, GammaGammaFit],
) -> None:
    """Fader, Hardie & Lee (2005): r = 0.243, α = 4.414, a = 0.793, b = 2.426."""
    summary, fit, _ = published
    assert fit.n == len(summary) == 2357
    for name, expected in PUBLISHED_BGNBD.items():
        assert _close(getattr(fit, name), expected), (name, getattr(fit, name))
    assert fit.standard_errors is not None
    assert fit.log_likelihood == pytest.approx(fit.log_likelihood_of(summary))
    assert fit.log_likelihood == pytest.approx(-9582.4, abs=0.1)  # the paper's LL


@needs_cdnow
def test_the_gamma_gamma_fit_reproduces_the_published_cdnow_parameters(
    published: tuple[Summary, BgNbdFit, GammaGammaFit],
) -> None:
    """Fader, Hardie & Lee (2005b): p = 6.25, q = 3.74, γ = 15.44, on the 946 repeat buyers."""
    summary, _, fit = published
    assert fit.n == summary.repeat_customers == 946
    for name, expected in PUBLISHED_GAMMA_GAMMA.items():
        assert _close(getattr(fit, name), expected), (name, getattr(fit, name))
    assert fit.mean_spend is not None
    assert fit.currency == "USD"


@needs_cdnow
def test_summarize_rebuilds_the_published_summary_from_the_cdnow_transactions() -> None:
    """CDNOW_sample.txt through Customer objects gives the published x, t_x, T and zbar."""
    assert DATASETS is not None
    rows: dict[str, list[tuple[datetime, Decimal]]] = {}
    for line in (DATASETS / "CDNOW_sample.txt").read_text(encoding="ascii").splitlines():
        fields = line.split()
        day = datetime.strptime(fields[2], "%Y%m%d").replace(tzinfo=UTC)
        rows.setdefault(str(int(fields[1])), []).append((day, Decimal(fields[4])))
    book = [
        Customer(
            cid,
            Person(f"Khách {cid}"),
            created_at=history[0][0],
            currency="USD",
            purchases=[
                Purchase(f"{cid}-{i}", at, Money(v, "USD")) for i, (at, v) in enumerate(history)
            ],
        )
        for cid, history in rows.items()
    ]
    mine = summarize(book, as_of=datetime(1997, 9, 30, tzinfo=UTC))
    theirs = _published_summary()
    assert len(mine) == len(theirs) == 2357
    by_id = dict(zip(mine.customer_ids, range(len(mine)), strict=True))
    for j, cid in enumerate(theirs.customer_ids):
        i = by_id[cid]
        assert mine.frequency[i] == theirs.frequency[j], cid
        assert round(mine.recency[i], 2) == pytest.approx(theirs.recency[j], abs=0.006), cid
        assert round(mine.age[i], 2) == pytest.approx(theirs.age[j], abs=0.006), cid
        assert abs(mine.mean_spend[i] - theirs.mean_spend[j]) <= Decimal("0.006"), cid


# --- (a) recovering known parameters ---------------------------------------------------------


def _draw_bgnbd(
    rng: Any, n: int, r: float, alpha: float, a: float, b: float, age: float
) -> Summary:
    """Customers from the BG/NBD story: Poisson buying at rate λ ~ Γ(r, α) from time 0,
    dropping out with probability p ~ B(a, b) after each repeat purchase."""
    rate = rng.gamma(r, 1 / alpha, n)
    dropout = rng.beta(a, b, n)
    t = np.zeros(n)
    last = np.zeros(n)
    x = np.zeros(n, dtype=int)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        t = t + rng.exponential(1 / rate)
        alive &= t <= age
        x[alive] += 1
        last[alive] = t[alive]
        alive &= rng.random(n) >= dropout
    return Summary(
        frequency=tuple(int(v) for v in x),
        recency=tuple(float(v) for v in last),
        age=(age,) * n,
    )


def test_the_bgnbd_fit_recovers_the_parameters_it_was_drawn_from() -> None:
    """Within three standard errors of each true value, on 4,000 simulated customers."""
    rng = np.random.default_rng(20260101)
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.8, "b": 2.5}
    fit = fit_bgnbd(_draw_bgnbd(rng, 4000, **truth, age=52.0))
    assert fit.standard_errors is not None
    for (name, expected), se in zip(truth.items(), fit.standard_errors, strict=True):
        assert abs(getattr(fit, name) - expected) <= 3 * se, (name, getattr(fit, name), se)


def test_the_gamma_gamma_fit_recovers_the_parameters_it_was_drawn_from() -> None:
    """Spend per purchase Γ(p, ν) with ν ~ Γ(q, γ): the fit finds p, q, γ within 3 SE."""
    rng = np.random.default_rng(7)
    p, q, gamma, n = 4.0, 3.0, 20.0, 3000
    nu = rng.gamma(q, 1 / gamma, n)
    x = rng.integers(1, 8, n)
    means = [rng.gamma(p, 1 / v, k).mean() for v, k in zip(nu, x, strict=True)]
    summary = Summary(
        frequency=tuple(int(k) for k in x),
        recency=(1.0,) * n,
        age=(2.0,) * n,
        mean_spend=tuple(Decimal(repr(float(m))) for m in means),
        currency="USD",
    )
    fit = fit_gamma_gamma(summary)
    assert fit.standard_errors is not None
    for value, expected, se in zip(fit.params, (p, q, gamma), fit.standard_errors, strict=True):
        assert abs(value - expected) <= 3 * se, (value, expected, se)


# --- the model's facts -------------------------------------------------------------------------


def test_a_silent_customer_is_less_likely_alive_than_a_recent_one() -> None:
    """Same frequency and age: the customer whose last purchase is older is likelier gone."""
    m = BgNbdFit(r=0.243, alpha=4.414, a=0.793, b=2.426)
    recent = m.probability_alive(frequency=3, recency=37.0, age=38.86)
    silent = m.probability_alive(frequency=3, recency=5.0, age=38.86)
    assert 0 < silent < recent <= 1
    assert m.probability_alive(frequency=0, recency=0.0, age=38.86) == 1.0
    assert m.conditional_expected_purchases(
        39, frequency=3, recency=5.0, age=38.86
    ) < m.conditional_expected_purchases(39, frequency=3, recency=37.0, age=38.86)


def test_expected_purchases_grow_with_the_horizon_from_zero() -> None:
    m = BgNbdFit(r=0.243, alpha=4.414, a=0.793, b=2.426)
    values = [m.expected_purchases(t) for t in (0, 1, 10, 52, 520)]
    assert values[0] == 0
    assert values == sorted(values)


def test_the_predictions_are_continuous_through_a_equal_to_one() -> None:
    """Eq. 10 divides by a − 1; at a = 1 the value is the limit, not a division by zero."""
    at_one = BgNbdFit(r=0.5, alpha=4.0, a=1.0, b=2.0)
    near = BgNbdFit(r=0.5, alpha=4.0, a=1.0001, b=2.0)
    for t, x, t_x in ((52.0, 0, 0.0), (39.0, 3, 20.0)):
        value = at_one.conditional_expected_purchases(t, frequency=x, recency=t_x, age=38.0)
        other = near.conditional_expected_purchases(t, frequency=x, recency=t_x, age=38.0)
        assert value == pytest.approx(other, rel=1e-3)


def test_a_repeat_buyer_s_expected_spend_shrinks_toward_the_population_mean() -> None:
    m = GammaGammaFit(p=6.25, q=3.74, gamma=15.44, currency="USD")
    assert m.mean_spend is not None
    mean = m.mean_spend.amount
    for own in (Decimal(10), Decimal(100)):
        one = m.expected_spend(frequency=1, mean_spend=own).amount
        many = m.expected_spend(frequency=50, mean_spend=own).amount
        assert min(own, mean) <= many <= max(own, mean)
        assert abs(many - own) < abs(one - own)
    assert m.expected_spend(frequency=0, mean_spend=Decimal(0)) == m.mean_spend


def test_clv_is_money_and_falls_with_the_discount_rate(
    published: tuple[Summary, BgNbdFit, GammaGammaFit],
) -> None:
    summary, purchases, spend = published
    low = predictive_clv(purchases, spend, summary, months=12)
    high = predictive_clv(
        purchases, spend, summary, months=12, monthly_discount_rate=Decimal("0.1")
    )
    assert all(isinstance(v, Money) and v.currency == "USD" for v in low)
    assert all(h <= lo for h, lo in zip(high, low, strict=True))
    assert sum(high, Money.zero("USD")) < sum(low, Money.zero("USD"))
    assert predictive_clv(purchases, spend, summary, months=0)[0] == Money.zero("USD")


def test_importing_the_analytics_loads_neither_numpy_nor_scipy() -> None:
    """The extra is imported when a model is fitted or asked, not when the package loads."""
    code = (
        "import sys, khachhang, khachhang.analytics as a; "
        "print(sorted({'numpy', 'scipy'} & set(sys.modules))); "
        "a.BgNbdFit(r=1, alpha=1, a=2, b=1).expected_purchases(1); "
        "print(sorted({'numpy', 'scipy'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[]", "['numpy', 'scipy']"]


# --- the summary step ------------------------------------------------------------------------


T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)


def _buyer(cid: str, *days_and_amounts: tuple[float, int], currency: str = "VND") -> Customer:
    purchases = [
        Purchase(f"{cid}-{i}", T0 + timedelta(days=d), Money(v, currency))
        for i, (d, v) in enumerate(days_and_amounts)
    ]
    return Customer(
        cid, Person("Phan Văn Tài"), created_at=T0, currency=currency, purchases=purchases
    )


def test_purchases_on_one_day_are_one_transaction_and_later_ones_are_left_out() -> None:
    c = _buyer("c", (0, 100), (0.2, 50), (14, 300), (14.1, 100), (40, 999))
    s = summarize([c, _buyer("later", (40, 5))], as_of=T0 + timedelta(days=21))
    assert s.customer_ids == ("c",)
    assert s.frequency == (1,)
    assert s.recency == (2.0,)
    assert s.age == (3.0,)
    assert s.mean_spend == (Decimal(400),)
    days = summarize([c], as_of=T0 + timedelta(days=21), unit=TimeUnit.DAYS)
    assert (days.recency, days.age) == ((14.0,), (21.0,))


def test_a_book_in_two_currencies_is_refused_with_the_customer_named() -> None:
    book = [_buyer("a", (0, 1)), _buyer("b", (0, 1), currency="USD")]
    with pytest.raises(CurrencyMismatchError, match=r"customers\[1\]\.currency"):
        summarize(book, as_of=T0 + timedelta(days=1))


@pytest.mark.parametrize(
    ("kwargs", "where"),
    [
        ({"frequency": (1, 2), "recency": (1.0,), "age": (2.0,)}, "recency"),
        ({"frequency": (1,), "recency": (3.0,), "age": (2.0,)}, r"recency\[0\]"),
        ({"frequency": (-1,), "recency": (0.0,), "age": (2.0,)}, r"frequency\[0\]"),
        ({"frequency": (1,), "recency": (float("nan"),), "age": (2.0,)}, r"recency\[0\]"),
        ({"frequency": (1,), "recency": (1.0,), "age": (2.0,), "mean_spend": (1,)}, "mean_spend"),
        ({"frequency": "12", "recency": (1.0,), "age": (2.0,)}, "frequency"),
        ({"frequency": (1,), "recency": (1.0,), "age": (2.0,), "customer_ids": ("a", "b")}, "ids"),
    ],
)
def test_a_bad_summary_is_refused_by_its_column(kwargs: dict[str, Any], where: str) -> None:
    with pytest.raises(ValidationError, match=where):
        Summary(**kwargs)


@pytest.mark.parametrize(
    ("call", "where"),
    [
        (lambda: BgNbdFit(r=0, alpha=1, a=1, b=1), "^r:"),
        (
            lambda: BgNbdFit(r=1, alpha=1, a=1, b=1, standard_errors=(1.0,)),  # type: ignore[arg-type]  # refused
            "standard_errors",
        ),
        (lambda: GammaGammaFit(p=1, q=float("inf"), gamma=1), "^q:"),
        (lambda: fit_bgnbd(Summary(frequency=(0,), recency=(0.0,), age=(5.0,))), "summary"),
        (
            lambda: fit_gamma_gamma(Summary(frequency=(1,), recency=(0.0,), age=(5.0,))),
            "mean_spend",
        ),
        (lambda: BgNbdFit(r=1, alpha=1, a=2, b=1).expected_purchases(-1), "^t:"),
        (
            lambda: BgNbdFit(r=1, alpha=1, a=2, b=1, unit=TimeUnit.DAYS).predict_alive(
                Summary(frequency=(0,), recency=(0.0,), age=(5.0,))
            ),
            "summary.unit",
        ),
    ],
)
def test_bad_model_input_is_refused_by_name(call: Callable[[], object], where: str) -> None:
    with pytest.raises(ValidationError, match=where):
        call()


@settings(max_examples=scaled(20), suppress_health_check=SLOW_EXAMPLES)
@given(value=summaries() | bgnbd_fits() | gamma_gamma_fits())
def test_the_analytics_models_round_trip_through_json(value: object) -> None:
    assert from_json(to_json(value), type(value)) == value


# --- (c) lifetimes, and the holdout example (slow: lifetimes and the full file) --------------


@pytest.mark.slow
@needs_cdnow
def test_the_fits_agree_with_lifetimes_fitters(
    published: tuple[Summary, BgNbdFit, GammaGammaFit],
) -> None:
    """Parameters, standard errors and predictions within 1% of lifetimes' on the same input."""
    lifetimes = pytest.importorskip("lifetimes")
    summary, purchases, spend = published
    x, t_x, age = (
        np.asarray(c, dtype=float) for c in (summary.frequency, summary.recency, summary.age)
    )
    theirs = lifetimes.BetaGeoFitter().fit(x, t_x, age)
    for name, key in (("r", "r"), ("alpha", "alpha"), ("a", "a"), ("b", "b")):
        assert _close(getattr(purchases, name), theirs.params_[key]), name
    assert purchases.standard_errors is not None
    for mine, se in zip(purchases.standard_errors, theirs.standard_errors_, strict=True):
        assert _close(mine, se)
    alive = theirs.conditional_probability_alive(x, t_x, age)
    expected = theirs.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, age)
    assert np.allclose(purchases.predict_alive(summary), alive, rtol=0.01)
    assert np.allclose(purchases.predict_purchases(summary, 39), expected, rtol=0.01)

    repeat = x > 0
    m = np.asarray([float(v) for v in summary.mean_spend])
    gg = lifetimes.GammaGammaFitter().fit(x[repeat], m[repeat])
    for mine, key in zip(spend.params, ("p", "q", "v"), strict=True):
        assert _close(mine, gg.params_[key]), key
    their_spend = gg.conditional_expected_average_profit(x, m)
    mine_spend = [float(v.amount) for v in spend.predict_spend(summary)]
    assert np.allclose(mine_spend, their_spend, rtol=0.01, atol=0.005)


def _docs_report() -> str:
    page = (ROOT / "docs" / "analytics.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- cdnow-holdout -->\n```text\n(.*?)```", page, re.DOTALL)
    assert found is not None, "docs/analytics.md lost its pasted holdout report"
    return found[1].rstrip("\n")


@pytest.mark.slow
@needs_cdnow
def test_the_holdout_numbers_in_the_docs_are_what_the_example_prints() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "cdnow_holdout.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip("\n") == _docs_report()
