"""Benchmark ``khachhang segment`` (JSON lines in, JSON lines out) against ``Segmenter.assign``.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_cli.py            # 20,000 customers
    PYTHONPATH=src python benchmarks/bench_cli.py --n 5000   # quicker

The input: ``sample_book(n)`` written as JSON lines (``to_json`` per line) to a temporary
file; the rules: the standard segments, ``mode="all"``; ``as_of`` the sample's. Measured
in one run, side by side (one timing each, wall clock):

* **CLI, subprocess**: ``python -m khachhang segment --rules ... < customers.jsonl >
  out.jsonl`` in a fresh interpreter, startup included (startup alone is shown too);
* **CLI, in process**: ``khachhang.cli.main([...])`` on the same file, output to a file;
* **parse only**: ``from_json(line, Customer)`` for every line (the converter's share);
* **assign one by one**: ``Segmenter.assign((customer,))`` per customer, as the CLI does;
* **assign in memory**: ``Segmenter.assign(book)`` on the objects already loaded.

and the CLI subprocess's peak resident memory next to the input's size. With
``--long-lines K``: instead, the peak memory for K lines each of 2.2 kB, 0.25, 1 and 4 MiB
(a long purchase list, or the densest content: thousands of short tags), which the
memory bound in docs/cli.md is taken from.

The outputs of the CLI runs must equal the in-memory assignment (checked). Figures: wall and CPU
seconds (CPU is steadier on a shared machine), lines per CPU second, and CPU time relative
to "assign in memory". The book and the lines are frozen out of the garbage collector's
scans first (``gc.freeze``), so the in-process figures are not taxed by the customers
this script holds and the CLI does not.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_SRC = Path(__file__).resolve().parent.parent / "src"
if _SRC.is_dir() and str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))

from khachhang import Customer  # noqa: E402
from khachhang.cli import main  # noqa: E402
from khachhang.sample import SAMPLE_AS_OF, sample_book  # noqa: E402
from khachhang.segmentation import Segmenter, standard_segments  # noqa: E402
from khachhang.serde import from_json, to_json  # noqa: E402

# `python -m khachhang ARGS`, then the process's peak resident memory (KiB) on stderr.
# VmHWM, not ru_maxrss: the latter keeps the parent's pages counted before exec.
_PEAK_MEMORY = """
import runpy, sys
sys.argv = ["khachhang", *sys.argv[1:]]
try:
    runpy.run_module("khachhang", run_name="__main__", alter_sys=True)
finally:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    print(line.split()[1], file=sys.stderr)
    except OSError:
        pass
"""


class _Clock:
    """Wall and CPU time of a block (CPU of this process and of its finished children)."""

    def __enter__(self) -> _Clock:
        self.wall0, self.cpu0 = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = _cpu() - self.cpu0


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _timed(label: str, n: int, clock: _Clock, base: _Clock | None) -> str:
    ratio = "" if base is None else f"{clock.cpu / base.cpu:8.1f}x"
    rate = f"{n / clock.cpu:12,.0f}" if n else " " * 12
    return f"  {label:<32}{clock.wall:8.2f} s {clock.cpu:8.2f} s {rate} {ratio}"


def run(n: int) -> None:
    segmenter = Segmenter(standard_segments(), mode="all")
    book = sample_book(n)
    as_of = SAMPLE_AS_OF.isoformat()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        customers = folder / "customers.jsonl"
        lines = [to_json(c) for c in book]
        customers.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        rules = folder / "rules.json"
        rules.write_text(to_json(segmenter), encoding="utf-8")
        argv = ["segment", "--rules", str(rules), "--as-of", as_of, "--quiet"]
        env = {**os.environ, "PYTHONPATH": str(_SRC)}
        size = customers.stat().st_size
        gc.collect()
        gc.freeze()  # the book and the lines are not garbage: keep them out of the GC's scans

        with _Clock() as startup:
            subprocess.run(
                [sys.executable, "-m", "khachhang", "--version"],
                env=env,
                check=True,
                capture_output=True,
            )

        out_sub = folder / "sub.jsonl"
        with customers.open("rb") as stdin, out_sub.open("wb") as stdout, _Clock() as sub:
            done = subprocess.run(
                [sys.executable, "-c", _PEAK_MEMORY, *argv],
                env=env,
                check=True,
                stdin=stdin,
                stdout=stdout,
                stderr=subprocess.PIPE,
            )
        peak = done.stderr.decode().strip()

        out_in = folder / "in.jsonl"
        with (
            customers.open("rb") as stdin,
            out_in.open("w", encoding="utf-8") as stdout,
            _Clock() as in_process,
        ):
            code = main(argv, stdin=stdin, stdout=stdout, stderr=sys.stderr)
        assert code == 0

        with _Clock() as parse:
            for line in lines:
                from_json(line, Customer)

        with _Clock() as one_by_one:
            for customer in book:
                segmenter.assign((customer,), as_of=SAMPLE_AS_OF)

        with _Clock() as memory:
            expected = segmenter.assign(book, as_of=SAMPLE_AS_OF)

        wanted = [{"id": c.id, "segments": list(k)} for c, k in zip(book, expected, strict=True)]
        for path in (out_sub, out_in):
            got = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
            assert got == wanted, f"{path.name} differs from the in-memory assignment"

    print(
        f"segment: {n:,} sample customers, {size / n:,.0f} bytes per line, "
        f"{len(segmenter.segments)} standard segments (mode all), as of {as_of}"
    )
    print(f"  {'':<32}{'wall':>10} {'CPU':>10} {'lines/CPU s':>12} {'CPU ratio':>9}")
    print(_timed("CLI, subprocess (with startup)", n, sub, memory))
    print(_timed("  interpreter + import startup", 0, startup, None))
    print(_timed("CLI, in process (main)", n, in_process, memory))
    print(_timed("parse only (from_json)", n, parse, memory))
    print(_timed("assign one by one", n, one_by_one, memory))
    print(_timed("assign in memory", n, memory, None))
    share = parse.cpu / in_process.cpu
    print(f"  parsing is {share:.0%} of the in-process CLI's CPU time; outputs equal: yes")
    if peak.isdigit():
        print(
            f"  CLI subprocess peak RSS {int(peak) / 1024:,.0f} MiB for {size / 2**20:,.0f} MiB "
            "of input (streaming: it does not grow with the input)"
        )


def _long_line(customer: Customer, size: int, dense: bool) -> str:
    """``customer`` grown to about ``size`` bytes: a purchase list, or (dense) short tags."""
    data = json.loads(to_json(customer))
    if dense:  # the most objects per byte the converter accepts: tags of 4 to 6 characters
        data["tags"] = [f"t{i}" for i in range(size // 9)]
    else:
        # Copies of the first purchase (same instant) join the real ones, which stay: the
        # lifecycle log's guards (a win-back needs a purchase after the lapse) still hold.
        first = data["purchases"][0]
        count = size // len(json.dumps(first, separators=(",", ":")))
        copies = [dict(first, id=f"{customer.id}-{i:06d}") for i in range(count)]
        data["purchases"] = [*data["purchases"], *copies]
    return json.dumps(data, separators=(",", ":"))


def long_lines(count: int) -> None:
    """The CLI's peak memory by line size: ``count`` lines of each size, two contents."""
    buyer = next(c for c in sample_book(40) if c.purchases)
    env = {**os.environ, "PYTHONPATH": str(_SRC)}
    print(f"segment: peak RSS by line size ({count} lines each; --max-line-bytes 8 MiB)")
    print(f"  {'line size':>10} {'purchases':>12} {'short tags':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rules = folder / "rules.json"
        rules.write_text(to_json(Segmenter(standard_segments(), mode="all")), encoding="utf-8")
        argv = ["segment", "--rules", str(rules), "--as-of", SAMPLE_AS_OF.isoformat(), "-q"]
        argv += ["--max-line-bytes", str(8 * 1024 * 1024)]
        for size in (2_200, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024):
            peaks = []
            for dense in (False, True):
                line = to_json(buyer) if size < 10_000 else _long_line(buyer, size, dense)
                path = folder / "customers.jsonl"
                path.write_text((line + "\n") * count, encoding="utf-8")
                with path.open("rb") as stdin:
                    done = subprocess.run(
                        [sys.executable, "-c", _PEAK_MEMORY, *argv],
                        env=env,
                        check=True,
                        stdin=stdin,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE,
                    )
                peaks.append(int(done.stderr.decode().split()[-1]) / 1024)
            print(f"  {size / 2**20:>6.2f} MiB {peaks[0]:>8.0f} MiB {peaks[1]:>8.0f} MiB")


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="customers (default: 20,000)")
    parser.add_argument(
        "--long-lines",
        type=int,
        metavar="K",
        help="instead: the peak memory for K lines of 2.2 kB, 0.25, 1 and 4 MiB",
    )
    args = parser.parse_args()
    if args.long_lines:
        long_lines(args.long_lines)
    else:
        run(args.n)


if __name__ == "__main__":
    _main()
