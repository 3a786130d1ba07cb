"""Benchmark the Polars and SQL (DuckDB) segmentation backends against hand-written code.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_segmentation_backends.py            # 2,000,000 rows
    PYTHONPATH=src python benchmarks/bench_segmentation_backends.py --rows 200000 --repeat 5

What is measured, in one process and one run so the ratios are comparable:

1. ``customers_to_frame`` on 200,000 customers (the 2,000-customer sample book, repeated
   100 times: the cost is per customer, not per distinct customer);
2. the issue's five-condition rule (individual, aged 25-40, in three provinces, spent at
   least 20,000,000 VND, bought in the last 180 days) as ``rule.to_polars(...)`` in
   ``frame.filter`` against a hand-written Polars expression, on ``--rows`` rows sampled
   with a fixed seed from the sample book's frame;
3. the same rule as ``rule.to_sql(...)`` in DuckDB against hand-written SQL, on the same
   rows loaded into a DuckDB table.

The hand-written versions are what a developer would type on a đồng-only table: they do
not check the currency column. The generated ones do (a comparison with money in another
currency is UNKNOWN), so a second hand-written variant with the currency check is shown
too. Repetitions are interleaved across variants; figures are medians (rows/s).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from importlib import metadata
from pathlib import Path

_SRC = Path(__file__).resolve().parent.parent / "src"
if _SRC.is_dir() and str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))

import duckdb  # noqa: E402
import polars as pl  # noqa: E402

from khachhang import Money  # noqa: E402
from khachhang.kinds import PartyType  # noqa: E402
from khachhang.sample import SAMPLE_AS_OF, SAMPLE_SEED, sample_book  # noqa: E402
from khachhang.segmentation import F  # noqa: E402
from khachhang.segmentation.backends.polars_backend import customers_to_frame  # noqa: E402

PROVINCES = ("Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng")


def best_of(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleaved(variants: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median seconds per variant, repetitions interleaved (one warm-up run each)."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    for fn in variants.values():
        fn()
    for _ in range(repeat):
        for name, fn in variants.items():
            times[name].append(best_of(fn))
    return {name: statistics.median(ts) for name, ts in times.items()}


def report(title: str, rows: int, medians: dict[str, float], baseline: str) -> None:
    print(f"\n{title}")
    base = medians[baseline]
    for name, seconds in medians.items():
        rate = rows / seconds
        ms, millions, ratio = seconds * 1000, rate / 1e6, seconds / base
        print(f"  {name:<46} {ms:9.2f} ms {millions:9.1f} M rows/s  {ratio:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--book", type=int, default=2_000)
    args = parser.parse_args()
    as_of = SAMPLE_AS_OF
    print(
        f"Python {platform.python_version()}, polars {pl.__version__}, duckdb {duckdb.__version__},"
        f" sqlglot {metadata.version('sqlglot')}; {platform.machine()}, as_of {as_of.isoformat()}"
    )

    book = sample_book(args.book, seed=SAMPLE_SEED, as_of=as_of)

    # 1. customers_to_frame on 200,000 customers
    big_book = book * (200_000 // len(book))
    frame_times = [best_of(lambda: customers_to_frame(big_book, as_of=as_of)) for _ in range(3)]
    seconds = statistics.median(frame_times)
    print(
        f"\ncustomers_to_frame: {len(big_book):,} customers in {seconds:.2f} s"
        f" ({len(big_book) / seconds:,.0f} customers/s, median of 3)"
    )

    # 2. Polars: generated vs hand-written on --rows rows
    small = customers_to_frame(book, as_of=as_of)
    frame = small.sample(n=args.rows, with_replacement=True, seed=SAMPLE_SEED).rechunk()
    rule = (
        (F.party_type == PartyType.INDIVIDUAL)
        & F.age.between(25, 40)
        & F.province.isin(set(PROVINCES))
        & (F.total_spent >= Money("20000000"))
        & F.last_purchase_at.within(days=180)
    )
    start, end = as_of - timedelta(days=180), as_of
    generated = rule.to_polars(as_of=as_of)
    hand = (
        (pl.col("party_type") == "individual")
        & pl.col("age").is_between(25, 40)
        & pl.col("province").is_in(list(PROVINCES))
        & (pl.col("total_spent") >= Decimal(20_000_000))
        & pl.col("last_purchase_at").is_between(start, end)
    )
    hand_currency = (
        (pl.col("party_type") == "individual")
        & pl.col("age").is_between(25, 40)
        & pl.col("province").is_in(list(PROVINCES))
        & (pl.col("total_spent") >= Decimal(20_000_000))
        & (pl.col("total_spent_currency") == "VND")
        & pl.col("last_purchase_at").is_between(start, end)
    )
    in_memory = sum(rule.evaluate(c, as_of=as_of) for c in book)
    selected = {
        "in memory (sample book)": in_memory,
        "polars on the sample frame": small.filter(generated).height,
        "polars generated": frame.filter(generated).height,
        "polars hand-written": frame.filter(hand).height,
    }
    assert selected["in memory (sample book)"] == selected["polars on the sample frame"]
    assert selected["polars generated"] == selected["polars hand-written"]
    polars_medians = interleaved(
        {
            "hand-written pl.Expr (no currency check)": lambda: frame.filter(hand),
            "hand-written pl.Expr + currency check": lambda: frame.filter(hand_currency),
            "rule.to_polars(...) (built once)": lambda: frame.filter(generated),
            "rule.to_polars(...) built per query": lambda: frame.filter(
                rule.to_polars(as_of=as_of)
            ),
        },
        args.repeat,
    )
    report(
        f"Polars filter, {args.rows:,} rows", args.rows, polars_medians, next(iter(polars_medians))
    )

    # 3. DuckDB: generated vs hand-written SQL on the same rows
    con = duckdb.connect()
    con.from_arrow(frame.__arrow_c_stream__()).create("khach_hang")
    where = rule.to_sql(dialect="duckdb", as_of=as_of)
    hand_sql = (
        "party_type = 'individual' AND age BETWEEN 25 AND 40"
        " AND province IN ('Hà Nội', 'TP. Hồ Chí Minh', 'Đà Nẵng')"
        " AND total_spent >= 20000000"
        f" AND last_purchase_at BETWEEN TIMESTAMPTZ '{start.isoformat()}'"
        f" AND TIMESTAMPTZ '{end.isoformat()}'"
    )
    hand_sql_currency = hand_sql + " AND total_spent_currency = 'VND'"

    def count(clause: str) -> int:
        row = con.execute(f"SELECT count(*) FROM khach_hang WHERE {clause}").fetchone()
        return int(row[0]) if row else -1

    selected["duckdb generated"] = count(where)
    selected["duckdb hand-written"] = count(hand_sql)
    assert (
        selected["duckdb generated"]
        == selected["duckdb hand-written"]
        == selected["polars generated"]
    )
    sql_medians = interleaved(
        {
            "hand-written SQL (no currency check)": lambda: count(hand_sql),
            "hand-written SQL + currency check": lambda: count(hand_sql_currency),
            "rule.to_sql(...) (built once)": lambda: count(where),
            "rule.to_sql(...) built per query": lambda: count(rule.to_sql(as_of=as_of)),
        },
        args.repeat,
    )
    report(
        f"DuckDB SELECT count(*) ... WHERE, {args.rows:,} rows",
        args.rows,
        sql_medians,
        next(iter(sql_medians)),
    )

    build = interleaved(
        {
            "rule.to_polars": lambda: rule.to_polars(as_of=as_of),
            "rule.to_sql": lambda: rule.to_sql(as_of=as_of),
        },
        args.repeat,
    )
    print(
        "\nbuilding the expression: "
        + ", ".join(f"{k} {v * 1e6:,.0f} µs" for k, v in build.items())
    )
    print("selected:", ", ".join(f"{k} {v:,}" for k, v in selected.items()))
    print(f"generated SQL: {where}")


if __name__ == "__main__":
    main()
