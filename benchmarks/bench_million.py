"""Segment a million customers: a frame built from columns, Polars and DuckDB vs by hand.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_million.py                 # 1,000,000 rows
    PYTHONPATH=src python benchmarks/bench_million.py --rows 200000 --repeat 3

The frame is generated with Polars expressions, the way docs/recipes/segment-a-million.md
builds it (a stand-in for a warehouse query), never through ``Customer`` objects. In one
run, repetitions interleaved, medians reported:

1. building that frame (generation and the cast to ``frame_schema()``);
2. the segmentation benchmark's five-condition rule: ``frame.filter(rule.to_polars(...))``
   against a hand-written ``pl.Expr``, and ``rule.to_sql(...)`` in DuckDB against
   hand-written SQL (the generated versions also check the money's currency; so do the
   hand-written ones here, to compare like with like);
3. a three-segment ``Segmenter``: group sizes through ``Segmenter.to_polars`` against a
   hand-written ``when/then`` chain, and through ``Segmenter.to_sql`` (a ``CASE``) in
   DuckDB against a hand-written ``CASE``;
4. for scale, the object path: ``from_json`` and ``customers_to_frame`` rates on the
   sample book, and what a million customers would take at those rates.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path

_SRC = Path(__file__).resolve().parent.parent / "src"
if _SRC.is_dir() and str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))

import duckdb  # noqa: E402
import polars as pl  # noqa: E402

from khachhang import Customer, Lifecycle, Money, from_json, to_json  # noqa: E402
from khachhang.kinds import PartyType  # noqa: E402
from khachhang.sample import SAMPLE_AS_OF, sample_book  # noqa: E402
from khachhang.segmentation import TRUE, F, Segment, Segmenter  # noqa: E402
from khachhang.segmentation.backends.polars_backend import customers_to_frame, frame_schema  # noqa: E402

PROVINCES = ["Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Nghệ An", "Đắk Lắk"]
TARGET = ["Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng"]


def _pick(code: pl.Expr, values: list[str]) -> pl.Expr:
    return code.replace_strict(dict(enumerate(values)), return_dtype=pl.String)


def warehouse(n: int, as_of: datetime) -> pl.DataFrame:
    """The recipe's generated frame, cast to the backends' schema."""
    i = pl.col("i")
    orders = ((i * 7) % 13 - 3).clip(0)
    raw = pl.select(i=pl.int_range(n, dtype=pl.Int64)).select(
        id=pl.format("KH-{}", i),
        party_type=_pick(i % 10 // 7 + (i % 50 == 0), ["individual", "business", "government"]),
        age=pl.when(i % 9 == 0).then(None).otherwise(18 + (i * 37) % 60),
        province=_pick((i * 11) % len(PROVINCES), PROVINCES),
        lifecycle=_pick((i * 5) % 4, ["prospect", "current", "loyal", "lapsed"]),
        orders=orders,
        total_spent=orders * ((i * 7919) % 9000 + 500) * 1000,
        total_spent_currency=pl.lit("VND"),
        last_purchase_at=pl.when(orders > 0).then(pl.lit(as_of) - pl.duration(days=(i * 13) % 720)),
    )
    schema = frame_schema()
    return raw.cast({name: schema[name] for name in raw.columns}).rechunk()


def _enum_of(groups: Segmenter) -> pl.Enum:
    return pl.Enum([segment.key for segment in groups.segments])


def seconds(fn: Callable[[], object]) -> float:
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
            times[name].append(seconds(fn))
    return {name: statistics.median(ts) for name, ts in times.items()}


def report(title: str, rows: int, medians: dict[str, float]) -> None:
    """One table; the ratio is each variant's time over the first (hand-written) one's."""
    print(f"\n{title}")
    base = next(iter(medians.values()))
    for name, secs in medians.items():
        rate = rows / secs / 1e6
        print(f"  {name:<44} {secs * 1000:9.1f} ms {rate:8.1f} M rows/s  {secs / base:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n = args.rows
    as_of = SAMPLE_AS_OF
    print(
        f"Python {platform.python_version()}, polars {pl.__version__}, duckdb {duckdb.__version__},"
        f" sqlglot {metadata.version('sqlglot')}; {platform.machine()}, {n:,} rows,"
        f" median of {args.repeat}"
    )

    # 1. The frame, from columns.
    build = [seconds(lambda: warehouse(n, as_of)) for _ in range(3)]
    frame = warehouse(n, as_of)
    secs = statistics.median(build)
    print(f"\nbuilding the frame from columns: {secs:.2f} s ({n / secs:,.0f} rows/s, median of 3)")

    # 2. The rule.
    rule = (
        (F.party_type == PartyType.INDIVIDUAL)
        & F.age.between(25, 40)
        & F.province.isin(set(TARGET))
        & (F.total_spent >= Money("20000000"))
        & F.last_purchase_at.within(days=180)
    )
    now = as_of.astimezone(timezone.utc)
    start = now - timedelta(days=180)
    hand = (
        (pl.col("party_type") == "individual")
        & pl.col("age").is_between(25, 40)
        & pl.col("province").is_in(TARGET)
        & (pl.col("total_spent_currency") == "VND")
        & (pl.col("total_spent") >= 20_000_000)
        & pl.col("last_purchase_at").is_between(start, now)
    )
    generated = rule.to_polars(as_of=as_of)
    con = duckdb.connect()
    con.from_arrow(frame.__arrow_c_stream__()).create("khach_hang")
    where = rule.to_sql(dialect="duckdb", as_of=as_of)
    hand_sql = (
        "party_type = 'individual' AND age BETWEEN 25 AND 40"
        " AND province IN ('Hà Nội', 'TP. Hồ Chí Minh', 'Đà Nẵng')"
        " AND total_spent_currency = 'VND' AND total_spent >= 20000000"
        f" AND last_purchase_at BETWEEN TIMESTAMPTZ '{start.isoformat()}'"
        f" AND TIMESTAMPTZ '{now.isoformat()}'"
    )

    def count(clause: str) -> int:
        row = con.execute(f"SELECT count(*) FROM khach_hang WHERE {clause}").fetchone()
        return int(row[0]) if row else -1

    counts = {
        "polars generated": frame.filter(generated).height,
        "polars hand-written": frame.filter(hand).height,
        "duckdb generated": count(where),
        "duckdb hand-written": count(hand_sql),
    }
    if len(set(counts.values())) != 1:
        raise SystemExit(f"the variants disagree: {counts}")
    report(
        f"the rule, Polars filter ({counts['polars generated']:,} selected)",
        n,
        interleaved(
            {
                "hand-written pl.Expr": lambda: frame.filter(hand),
                "rule.to_polars(...)": lambda: frame.filter(generated),
            },
            args.repeat,
        ),
    )
    report(
        "the rule, DuckDB SELECT count(*) ... WHERE",
        n,
        interleaved(
            {
                "hand-written SQL": lambda: count(hand_sql),
                "rule.to_sql(...)": lambda: count(where),
            },
            args.repeat,
        ),
    )

    # 3. The segmenter.
    groups = Segmenter(
        [
            Segment("chi_nhieu", rule, "Cá nhân chi tiêu cao", "High-spending individuals", 9),
            Segment("trung_thanh", F.lifecycle == Lifecycle.LOYAL, "Trung thành", "Loyal", 5),
            Segment("khac", TRUE, "Khách hàng khác", "Other customers"),
        ]
    )
    seg_generated = groups.to_polars(as_of=as_of)
    seg_hand = (
        pl.when(hand)
        .then(pl.lit("chi_nhieu"))
        .when(pl.col("lifecycle") == "loyal")
        .then(pl.lit("trung_thanh"))
        .otherwise(pl.lit("khac"))
        .alias("segment")
    )
    # Segmenter.to_polars types the column as an Enum of the segment keys (ordered by
    # priority, cheap to group and join); the cast is most of its extra cost.
    seg_hand_enum = seg_hand.cast(_enum_of(groups))
    case = groups.to_sql(dialect="duckdb", as_of=as_of)
    hand_case = (
        f"CASE WHEN {hand_sql} THEN 'chi_nhieu' WHEN lifecycle = 'loyal' THEN 'trung_thanh'"
        " ELSE 'khac' END"
    )

    def sizes_polars(expr: pl.Expr) -> list[tuple[str, int]]:
        return sorted(frame.select(expr).group_by("segment").len().iter_rows())

    def sizes_sql(expr: str) -> list[tuple[str, int]]:
        query = f"SELECT {expr} AS segment, count(*) FROM khach_hang GROUP BY 1 ORDER BY 1"
        return [(str(k), int(v)) for k, v in con.execute(query).fetchall()]

    sizes = sizes_polars(seg_generated)
    if not sizes == sizes_polars(seg_hand) == sizes_sql(case) == sizes_sql(hand_case):
        raise SystemExit("the segmenter variants disagree")
    report(
        f"the segmenter, Polars group sizes {sizes}",
        n,
        interleaved(
            {
                "hand-written when/then": lambda: sizes_polars(seg_hand),
                "hand-written, cast to the same Enum": lambda: sizes_polars(seg_hand_enum),
                "Segmenter.to_polars(...)": lambda: sizes_polars(seg_generated),
            },
            args.repeat,
        ),
    )
    report(
        "the segmenter, DuckDB GROUP BY CASE",
        n,
        interleaved(
            {
                "hand-written CASE": lambda: sizes_sql(hand_case),
                "Segmenter.to_sql(...)": lambda: sizes_sql(case),
            },
            args.repeat,
        ),
    )

    # 4. The object path, for scale.
    book = sample_book(2_000, as_of=as_of)
    texts = [to_json(c) for c in book]
    load = seconds(lambda: [from_json(t, Customer) for t in texts])
    big = book * 10
    snap = statistics.median(
        seconds(lambda: customers_to_frame(big, as_of=as_of)) for _ in range(3)
    )
    load_rate, snap_rate = len(texts) / load, len(big) / snap
    print(
        f"\nthe object path: from_json {load_rate:,.0f} customers/s, customers_to_frame"
        f" {snap_rate:,.0f} customers/s; for 1,000,000 customers"
        f" {1e6 / load_rate:,.0f} s + {1e6 / snap_rate:,.0f} s"
    )


if __name__ == "__main__":
    main()
