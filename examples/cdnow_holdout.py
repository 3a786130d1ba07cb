"""The CDNOW holdout: BG/NBD + Gamma-Gamma against the naive run-rate, on real purchases.

CDNOW's master file (23,570 customers who first bought in 1997's first quarter, 69,659
purchases to the end of June 1998) ships in the ``lifetimes`` wheel. The models are
calibrated on purchases up to 1997-09-30 and asked what the 39 weeks from 1997-10-01 to
1998-06-30 bring; the holdout says what did happen. Run it with the ``analytics`` extra
and ``lifetimes`` (for the data file) installed::

    python examples/cdnow_holdout.py            # or: --data path/to/CDNOW_master.txt

It prints the table that ``docs/analytics.md`` shows (a test checks they agree).
"""

from __future__ import annotations

import argparse
import importlib.util
from collections import defaultdict
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

from khachhang import Customer, Money, Person, Purchase
from khachhang.analytics import (
    TimeUnit,
    fit_bgnbd,
    fit_gamma_gamma,
    summarize,
)
from khachhang.care.service import run_rate_clv

CALIBRATION_END = datetime(1997, 9, 30, 23, 59, 59, tzinfo=timezone.utc)
HOLDOUT_END = date(1998, 6, 30)
HOLDOUT_WEEKS = (HOLDOUT_END - CALIBRATION_END.date()).days / 7  # 39 weeks


def default_data() -> Path:
    """CDNOW_master.txt inside the installed ``lifetimes`` package."""
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or spec.origin is None:
        msg = "install lifetimes (pip install lifetimes) or pass --data CDNOW_master.txt"
        raise SystemExit(msg)
    return Path(spec.origin).parent / "datasets" / "CDNOW_master.txt"


def read_master(path: Path) -> dict[str, list[tuple[date, Decimal]]]:
    """Customer id -> (day, dollars) rows, from the fixed-width CDNOW file."""
    rows: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    with path.open(encoding="ascii") as lines:
        for line in lines:
            fields = line.split()
            if not fields or not fields[-3].isdigit():  # blank lines, the header
                continue
            customer, day, value = fields[0], fields[-3], fields[-1]
            when = date(int(day[:4]), int(day[4:6]), int(day[6:]))
            rows[customer].append((when, Decimal(value)))
    return rows


def customers(rows: dict[str, list[tuple[date, Decimal]]]) -> list[Customer]:
    """One customer per CDNOW id, every row a purchase (at midnight UTC of its day)."""
    book = []
    for cid, history in rows.items():
        purchases = tuple(
            Purchase(
                f"{cid}-{i}", datetime(d.year, d.month, d.day, tzinfo=timezone.utc), Money(v, "USD")
            )
            for i, (d, v) in enumerate(sorted(history))
        )
        book.append(
            Customer(
                f"cdnow-{cid}",
                Person(f"Khách CDNOW {cid}"),
                created_at=purchases[0].at,
                currency="USD",
                purchases=purchases,
            )
        )
    return book


def main(argv: list[str] | None = None) -> str:
    """Fit, predict and compare; return the report (and print it)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="CDNOW_master.txt")
    args = parser.parse_args(argv)
    rows = read_master(args.data or default_data())
    book = customers(rows)

    summary = summarize(book, as_of=CALIBRATION_END, unit=TimeUnit.WEEKS)
    purchases = fit_bgnbd(summary)
    spend = fit_gamma_gamma(summary)
    expected = purchases.predict_purchases(summary, HOLDOUT_WEEKS)
    per_purchase = spend.predict_spend(summary)
    predicted_n = sum(expected)
    predicted_revenue = sum(
        float(m.amount) * y for m, y in zip(per_purchase, expected, strict=True)
    )

    # The holdout as it happened, counted the way the summary counts (days with a
    # purchase) and as rows of the file.
    holdout = [
        (d, v)
        for history in rows.values()
        for d, v in history
        if CALIBRATION_END.date() < d <= HOLDOUT_END
    ]
    actual_rows = len(holdout)
    actual_days = sum(
        len({d for d, _ in history if CALIBRATION_END.date() < d <= HOLDOUT_END})
        for history in rows.values()
    )
    actual_revenue = sum((v for _, v in holdout), Decimal(0))

    # The naive run-rate: each customer's orders per year since the first purchase (at
    # least a year) kept up for the 39 weeks, at the customer's average order value.
    years = Decimal(HOLDOUT_WEEKS * 7) / Decimal(365)
    naive_revenue = Decimal(0)
    naive_n = Decimal(0)
    for customer in book:
        value = run_rate_clv(customer, as_of=CALIBRATION_END, lifespan_years=years)
        if value is None:
            continue
        naive_revenue += value.amount
        orders = customer.purchases_until(as_of=CALIBRATION_END)
        span = max((CALIBRATION_END - orders[0].at).total_seconds() / 86400 / 365, 1.0)
        naive_n += Decimal(len(orders) / span) * years

    def pct(value: float, actual: float) -> str:
        return f"{(value - actual) / actual:+.0%}"

    se = purchases.standard_errors or (0.0,) * 4
    sg = spend.standard_errors or (0.0,) * 3
    lines = [
        f"customers {len(rows):,}, purchases {sum(map(len, rows.values())):,}",
        f"calibration to {CALIBRATION_END.date()}: {len(summary):,} customers, "
        f"{summary.repeat_customers:,} with a repeat purchase",
        f"BG/NBD (weeks): r = {purchases.r:.3f} ({se[0]:.3f}), "
        f"alpha = {purchases.alpha:.3f} ({se[1]:.3f}), a = {purchases.a:.3f} ({se[2]:.3f}), "
        f"b = {purchases.b:.3f} ({se[3]:.3f}); log-likelihood {purchases.log_likelihood:,.1f}",
        f"Gamma-Gamma: p = {spend.p:.3f} ({sg[0]:.3f}), q = {spend.q:.3f} ({sg[1]:.3f}), "
        f"gamma = {spend.gamma:.3f} ({sg[2]:.3f}); n = {spend.n:,}",
        f"holdout 1997-10-01 to {HOLDOUT_END} ({HOLDOUT_WEEKS:.0f} weeks): "
        f"{actual_rows:,} orders on {actual_days:,} purchase days",
        "                            transactions            revenue ($)",
        f"  actual (purchase days)  {actual_days:>12,}         {float(actual_revenue):>13,.0f}",
        f"  BG/NBD + Gamma-Gamma    {predicted_n:>12,.0f} {pct(predicted_n, actual_days):>6}"
        f"  {predicted_revenue:>13,.0f} {pct(predicted_revenue, float(actual_revenue)):>6}",
        f"  naive run-rate          {float(naive_n):>12,.0f} {pct(float(naive_n), actual_days):>6}"
        f"  {float(naive_revenue):>13,.0f} {pct(float(naive_revenue), float(actual_revenue)):>6}",
    ]
    report = "\n".join(lines)
    print(report)  # noqa: T201 - an example script reports on stdout
    return report


if __name__ == "__main__":
    main()
