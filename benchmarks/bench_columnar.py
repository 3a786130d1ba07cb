"""Benchmark ``khachhang segment --engine polars`` on 1,000,000 JSON lines, end to end.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_columnar.py              # 1,000,000 lines
    PYTHONPATH=src python benchmarks/bench_columnar.py --n 200000   # quicker

The input: ``sample_book(2000)`` written as JSON lines (``to_json`` per line, about 2.2 kB
each) and repeated with fresh ids up to ``--n`` lines, in a temporary file; the rules: the
standard segments, ``mode="all"``; ``as_of`` the sample's. Timed in one run, wall clock,
each a fresh ``python -m khachhang segment ... < customers.jsonl > out.jsonl`` (startup
included; peak resident memory from the child's ``wait4`` usage):

* ``--engine polars`` on all ``--n`` lines;
* ``--engine polars`` and ``--engine objects`` on the first ``--objects`` lines (20,000
  by default), whose outputs must be equal (checked) — the objects engine is not run on
  the million: at its rate that takes minutes, and the ratio is what this measures;
* in process, the object path's two steps on those lines, best of 3: ``from_json`` per
  line and ``customers_to_frame`` on the loaded customers (CPU seconds).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from khachhang.customers import Customer
from khachhang.sample import SAMPLE_AS_OF, sample_book
from khachhang.segmentation import Segmenter, standard_segments
from khachhang.segmentation.backends.polars_backend import customers_to_frame
from khachhang.serde import from_json, to_json


def write_lines(path: Path, n: int) -> int:
    """``n`` customer lines (a 2,000-customer sample repeated with fresh ids); bytes written."""
    base = [to_json(c) for c in sample_book(2000)]
    size = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            line = base[i % len(base)]
            if i >= len(base):  # a fresh id: '{"id":"KH-000001"' -> '{"id":"KH-000001-r1"'
                head, _, rest = line.partition('",')
                line = f'{head}-r{i // len(base)}",{rest}'
            out.write(line + "\n")
            size += len(line) + 1
    return size


def segment(source: Path, rules: Path, engine: str, target: Path) -> tuple[float, float]:
    """Seconds and peak resident MiB of one ``khachhang segment`` subprocess."""
    argv = [
        sys.executable,
        "-m",
        "khachhang",
        "segment",
        "--rules",
        str(rules),
        "--as-of",
        SAMPLE_AS_OF.isoformat(),
        "--engine",
        engine,
        "--quiet",
    ]
    start = time.perf_counter()
    with source.open("rb") as stdin, target.open("wb") as stdout:
        child = subprocess.Popen(argv, stdin=stdin, stdout=stdout)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"segment --engine {engine} failed with {child.returncode}")
    return seconds, usage.ru_maxrss / 1024  # kilobytes on Linux


def object_path(source: Path) -> tuple[float, float]:
    """Customers/s of ``from_json`` per line and of ``customers_to_frame``, best of 3."""
    lines = source.read_text(encoding="utf-8").splitlines()
    load, frame = float("inf"), float("inf")
    for _ in range(3):
        start = time.process_time()
        book = [from_json(line, Customer) for line in lines]
        load = min(load, time.process_time() - start)
        start = time.process_time()
        customers_to_frame(book, as_of=SAMPLE_AS_OF)
        frame = min(frame, time.process_time() - start)
    return len(lines) / load, len(lines) / frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--objects", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        rules = root / "rules.json"
        rules.write_text(to_json(Segmenter(standard_segments(), mode="all")), encoding="utf-8")
        big, small = root / "big.jsonl", root / "small.jsonl"
        size = write_lines(big, args.n)
        write_lines(small, args.objects)
        polars_small = segment(small, rules, "polars", root / "p.jsonl")
        objects_small = segment(small, rules, "objects", root / "o.jsonl")
        same = (root / "p.jsonl").read_bytes() == (root / "o.jsonl").read_bytes()
        loads, frames = object_path(small)
        polars_big = segment(big, rules, "polars", root / "big-out.jsonl")
        written = sum(1 for _ in (root / "big-out.jsonl").open("rb"))
    print(f"{args.n:,} lines, {size / 2**20:,.0f} MiB; outputs of the two engines equal: {same}")
    print("| run | lines | seconds | lines/s | peak MiB |")
    print("|---|---:|---:|---:|---:|")
    for label, lines, (seconds, peak) in (
        ("--engine polars", args.n, polars_big),
        ("--engine polars", args.objects, polars_small),
        ("--engine objects", args.objects, objects_small),
    ):
        print(f"| {label} | {lines:,} | {seconds:.1f} | {lines / seconds:,.0f} | {peak:,.0f} |")
    print(f"in process, {args.objects:,} customers: from_json {loads:,.0f}/s, ", end="")
    print(f"customers_to_frame {frames:,.0f}/s (CPU time, best of 3)")
    assert written == args.n
    assert same


if __name__ == "__main__":
    main()
