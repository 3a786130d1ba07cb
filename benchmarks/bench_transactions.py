"""Benchmark loading a transaction table (CDNOW: 69,659 rows, 23,570 customers) into customers.

Run from the repository root::

    python benchmarks/bench_transactions.py            # CDNOW from the lifetimes wheel
    python benchmarks/bench_transactions.py --repeat 3

The table is CDNOW_master.txt (customer id, yyyymmdd date, CDs, dollars), which the
``lifetimes`` wheel ships (``pip install lifetimes``); without it a table of the same
shape is drawn (seeded). Every variant builds the same customers — checked — and is timed
in the same run, repetitions interleaved, best of ``--repeat`` on the wall clock:

- ``read_transactions_csv``: the file's lines, whitespace-separated, straight in;
- ``load_transactions`` on a Polars frame (``pl.read_csv`` time not included) and on a
  pandas frame;
- ``load_transactions`` on a list of tuples;
- the hand-written loop a user writes without the loader (group rows by customer, build
  ``Purchase`` and ``Customer``, ``add_purchases``) — the baseline;
- ``transactions_to_frame`` back, for the reverse direction.

The issue's target: under 2 s for CDNOW on this machine class.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from khachhang import Customer, Money, Person, Purchase
from khachhang.transactions import (
    load_transactions,
    read_transactions_csv,
    transactions_to_frame,
)


def cdnow_lines() -> tuple[list[str], str]:
    """CDNOW's lines and where they came from."""
    try:
        import lifetimes  # type: ignore[import-untyped]  # no stubs
    except ImportError:
        rng = random.Random(1997)
        lines = [" customer_id  date number_of_cds  dollar_value"]
        for _ in range(69_659):
            day = (
                datetime(1997, 1, 1) + (datetime(1998, 6, 30) - datetime(1997, 1, 1)) * rng.random()
            )
            cents = rng.randint(0, 50_000)
            lines.append(
                f" {rng.randint(1, 23_570):05d} {day:%Y%m%d} 1 {cents // 100}.{cents % 100:02d}"
            )
        return lines, "drawn (lifetimes not installed)"
    path = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"
    return path.read_text(encoding="utf-8").splitlines(), str(path)


def hand_written(rows: list[tuple[str, str, str]]) -> tuple[Customer, ...]:
    """What a user writes without the loader."""
    by_customer: dict[str, list[tuple[str, str]]] = {}
    for cid, day, amount in rows:
        by_customer.setdefault(cid, []).append((day, amount))
    book = []
    for cid, orders in by_customer.items():
        purchases = []
        for n, (day, amount) in enumerate(sorted(orders, key=lambda o: o[0]), start=1):
            at = datetime(int(day[:4]), int(day[4:6]), int(day[6:]), tzinfo=timezone.utc)
            purchases.append(Purchase(f"{cid}-{n}", at, Money(Decimal(amount), "USD")))
        customer = Customer(cid, Person(cid), created_at=purchases[0].at, currency="USD")
        book.append(customer.add_purchases(purchases))
    return tuple(book)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import pandas as pd
    import polars as pl

    lines, source = cdnow_lines()
    split = [line.split() for line in lines[1:] if line.strip()]
    rows = [(cid, day, amount) for cid, day, _, amount in split]
    table = {
        "customer_id": [r[0] for r in rows],
        "at": [r[1] for r in rows],
        "amount": [r[2] for r in rows],
    }
    polars_frame = pl.DataFrame(table)
    pandas_frame = pd.DataFrame(table)
    options: dict[str, Any] = {"tz": timezone.utc, "default_currency": "USD"}

    variants: dict[str, Callable[[], object]] = {
        "read_transactions_csv (lines)": lambda: read_transactions_csv(
            lines, delimiter=None, at="date", amount="dollar_value", **options
        ),
        "load_transactions (Polars frame)": lambda: load_transactions(polars_frame, **options),
        "load_transactions (pandas frame)": lambda: load_transactions(pandas_frame, **options),
        "load_transactions (tuples)": lambda: load_transactions(rows, **options),
        "hand-written loop": lambda: hand_written(rows),
    }
    reference = hand_written(rows)
    shape = [(c.id, [(p.at, p.amount) for p in c.purchases]) for c in reference]
    for name, run in variants.items():
        got = run()
        assert isinstance(got, tuple)
        assert [(c.id, [(p.at, p.amount) for p in c.purchases]) for c in got] == shape, name
    best: dict[str, float] = dict.fromkeys(variants, float("inf"))
    for _ in range(args.repeat):
        for name, run in variants.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    back = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        transactions_to_frame(reference)
        back = min(back, time.perf_counter() - start)

    print(f"source: {source}")
    print(f"{len(rows):,} rows, {len(reference):,} customers; best of {args.repeat}")
    base = best["hand-written loop"]
    print("| variant | seconds | rows/s | time vs the hand-written loop |")
    print("|---|---:|---:|---:|")
    for name, seconds in best.items():
        print(f"| {name} | {seconds:.2f} | {len(rows) / seconds:,.0f} | {seconds / base:.2f}× |")
    print(f"| transactions_to_frame (back) | {back:.2f} | {len(rows) / back:,.0f} | |")


if __name__ == "__main__":
    main()
