"""Benchmark ``from_json``/``from_dict``/``to_json``/``to_dict`` of customers, old tree vs new.

Run from the repository root::

    python benchmarks/bench_serde_customers.py                       # this tree only
    git archive HEAD src | tar -x -C /tmp/old_src                      # a baseline tree ...
    python benchmarks/bench_serde_customers.py --baseline /tmp/old_src/src   # ... side by side
    python benchmarks/bench_serde_customers.py --n 500 --repeat 3     # quicker

The workload is ``sample_book(n)`` (n = 1,000 by default: on average 4.3 purchases,
6.8 line items and 2.2 KB of JSON per customer), i.e. the lines ``khachhang segment``
reads. Every tree is timed in fresh worker interpreters (``PYTHONPATH`` = the tree's
``src``), one worker per repetition, the trees' workers interleaved so that load from
other processes hits them alike; each worker first checks that its ``from_json`` gives
back the book. Figures are customers per CPU second (``time.process_time``, steadier than
the wall clock on a shared machine), the best of the repetitions and their median;
the new tree's money cache is emptied before every round, so no round profits from the
one before (values repeat only within the book, as in one stream of JSON lines);
"speed-up" is new ÷ old of the best figures. The garbage collector stays on, as in the
CLI, but the book and the documents are frozen out of its scans (``gc.freeze``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

_SRC = Path(__file__).resolve().parent.parent / "src"
OPERATIONS = ("from_json", "from_dict", "to_json", "to_dict")


def _clear_caches() -> None:
    """Start every round cold: values repeat only within the book, as in one stream."""
    import importlib

    from khachhang import serde

    try:  # the serde package (money hooks in serde._scalars) ...
        scalars = importlib.import_module("khachhang.serde._scalars")
    except ImportError:  # ... or an older tree's single module
        scalars = serde
    cache = getattr(scalars, "_MONEY_CACHE", None)
    if cache is not None:
        cache.clear()


def _worker(n: int, rounds: int) -> None:
    """Time each operation on ``sample_book(n)``; print one JSON object of rates."""
    from khachhang import Customer
    from khachhang.sample import sample_book
    from khachhang.serde import from_dict, from_json, to_dict, to_json

    book = sample_book(n)
    texts = [to_json(c) for c in book]
    docs = [json.loads(t) for t in texts]
    if [from_json(t, Customer) for t in texts] != list(book):
        raise SystemExit("from_json does not give the book back")
    gc.collect()
    gc.freeze()
    work: dict[str, Callable[[], object]] = {
        "from_json": lambda: [from_json(t, Customer) for t in texts],
        "from_dict": lambda: [from_dict(d, Customer) for d in docs],
        "to_json": lambda: [to_json(c) for c in book],
        "to_dict": lambda: [to_dict(c) for c in book],
    }
    rates: dict[str, float] = {}
    for name in OPERATIONS:
        best = float("inf")
        for _ in range(rounds):
            _clear_caches()
            start = time.process_time()
            work[name]()
            best = min(best, time.process_time() - start)
        rates[name] = n / best
    rates["json_kb"] = sum(len(t.encode()) for t in texts) / n / 1024
    print(json.dumps(rates))


def _run(src: Path, n: int, rounds: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run(
        [sys.executable, __file__, "--worker", "--n", str(n), "--rounds", str(rounds)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd="/",  # no stray package shadows the tree under test
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="customers (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="workers per tree (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per worker")
    parser.add_argument("--baseline", type=Path, help="the src directory of an older tree")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.n, args.rounds)
        return
    trees = {"new": _SRC}
    if args.baseline is not None:
        trees = {"old": args.baseline.resolve(), "new": _SRC}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(args.repeat):
        for name, src in trees.items():
            runs[name].append(_run(src, args.n, args.rounds))
    kb = runs["new"][0]["json_kb"]
    print(
        f"customers/s (CPU), sample_book({args.n}), {kb:.1f} KB JSON each, "
        f"{args.repeat} workers x {args.rounds} rounds per tree, Python {sys.version.split()[0]}"
    )
    for name, src in trees.items():
        print(f"  {name}: {src}")
    columns = [f"{name + ' best':>12}{name + ' median':>12}" for name in trees]
    head = f"{'operation':<10}" + "".join(columns)
    print(head + ("    speed-up" if len(trees) == 2 else ""))
    for op in OPERATIONS:
        line = f"{op:<10}"
        best: dict[str, float] = {}
        for name in trees:
            rates = [run[op] for run in runs[name]]
            best[name] = max(rates)
            line += f"{max(rates):>12,.0f}{statistics.median(rates):>12,.0f}"
        if len(trees) == 2:
            line += f"{best['new'] / best['old']:>11.2f}x"
        print(line)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    if "--worker" not in sys.argv:
        print(f"({time.perf_counter() - started:.0f} s)")
