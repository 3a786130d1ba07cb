"""Plan one year of care touchpoints for 100,000 customers: CarePlan vs a plain rrule loop.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_care.py                  # 100,000 customers
    PYTHONPATH=src python benchmarks/bench_care.py --customers 20000 --repeat 1

The book: ``sample_book(2000)`` replicated with ``attrs.evolve`` and new ids. The rules,
the same on both sides: follow-ups 3 days and 1 month after each purchase, birthday
greetings, and greetings on every Vietnamese holiday of the year
(``holidays.country_holidays("VN")``, each date greeted — no merging of Tết's days, so
both sides see the same occasions). Window: one year from ``SAMPLE_AS_OF``, in
Asia/Ho_Chi_Minh.

* **CarePlan** (``plan.touchpoints``): consent and contact checks with channel fallback,
  one greeting per customer per day, quiet hours, time-ordered lazy stream (one month
  held at a time), validated :class:`~khachhang.care.Touchpoint` values.
* **rrule loop**: for each customer, ``rrule(YEARLY)`` for the birthday (which, note,
  skips 29 February in common years), ``purchase.at + relativedelta`` for follow-ups and a
  loop over the holiday dates; tuples yielded in customer order, unsorted, with no
  consent, dedup or quiet-hour logic.

Both are consumed by counting, so neither keeps its output; "peak" is the tracemalloc
peak of the planning alone (the book is built before tracing starts), measured in
separate runs from the timings (tracemalloc slows Python down). Time figures are the
best of ``--repeat`` runs; repetitions alternate between the two sides.
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

_SRC = Path(__file__).resolve().parents[1] / "src"
if _SRC.is_dir() and str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))

import attrs  # noqa: E402
import holidays  # noqa: E402
from dateutil.relativedelta import relativedelta  # noqa: E402
from dateutil.rrule import YEARLY, rrule  # noqa: E402

from khachhang.care import (  # noqa: E402
    BirthdayGreeting,
    CarePlan,
    Channel,
    FollowUp,
    HolidayGreeting,
)
from khachhang.customers import Customer  # noqa: E402
from khachhang.parties import Person  # noqa: E402
from khachhang.sample import SAMPLE_AS_OF, sample_book  # noqa: E402

VN = ZoneInfo("Asia/Ho_Chi_Minh")
OFFSETS = (relativedelta(days=3), relativedelta(months=1))
NINE = dtime(9)


def build_book(n: int, base: int) -> list[Customer]:
    seed = sample_book(base)
    return [
        attrs.evolve(seed[i % base], id=f"{seed[i % base].id}-{i // base:03d}") for i in range(n)
    ]


def make_plan(days: dict[Any, str]) -> CarePlan:
    return CarePlan(
        [
            FollowUp("follow-up", OFFSETS, channels=[Channel.PHONE, Channel.SMS, Channel.EMAIL]),
            BirthdayGreeting(channels=[Channel.SMS, Channel.SOCIAL, Channel.EMAIL]),
            HolidayGreeting.from_mapping(
                days, channels=[Channel.SOCIAL, Channel.SMS, Channel.EMAIL], merge_runs=False
            ),
        ]
    )


def rrule_loop(
    book: list[Customer], start: datetime, end: datetime, days: dict[Any, str]
) -> Iterator[tuple[str, datetime, str]]:
    """The same occasions with dateutil only: no consent, dedup, quiet hours or ordering."""
    holiday_times = [
        (datetime.combine(d, NINE, tzinfo=VN), name)
        for d, name in sorted(days.items())
        if start <= datetime.combine(d, NINE, tzinfo=VN) < end
    ]
    for customer in book:
        cid = customer.id
        for purchase in customer.purchases:
            local = purchase.at.astimezone(VN)
            for offset in OFFSETS:
                due = datetime.combine((local + offset).date(), NINE, tzinfo=VN)
                if start <= due < end:
                    yield cid, due, "follow-up"
        party = customer.party
        if isinstance(party, Person) and party.birth_date is not None:
            born = party.birth_date
            first = datetime(born.year + 1, born.month, 1, 9, tzinfo=VN)
            for due in rrule(
                YEARLY, dtstart=first, bymonth=born.month, bymonthday=born.day, until=end
            ):
                if due >= start:
                    yield cid, due, "birthday"
        for due, name in holiday_times:
            yield cid, due, name


def count(items: Iterator[Any]) -> int:
    n = 0
    for _ in items:
        n += 1
    return n


def timed(fn: Callable[[], int]) -> tuple[float, int]:
    gc.collect()
    t0 = time.perf_counter()
    n = fn()
    return time.perf_counter() - t0, n


def peak(fn: Callable[[], int]) -> tuple[int, int]:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    n = fn()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--base", type=int, default=2_000, help="sample_book size replicated")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--traced-baseline", type=int, default=10_000, help="customers in the rrule peak run"
    )
    args = parser.parse_args()

    t0 = time.perf_counter()
    book = build_book(args.customers, args.base)
    built = time.perf_counter() - t0
    start = SAMPLE_AS_OF.astimezone(VN)
    end = start + relativedelta(years=1)
    days = dict(holidays.country_holidays("VN", years=[start.year, end.year], language="vi"))
    plan = make_plan(days)

    def ours() -> int:
        return count(plan.touchpoints(book, start=start, end=end, tz=VN))

    def theirs() -> int:
        return count(rrule_loop(book, start, end, days))

    print(f"python {platform.python_version()} on {platform.machine()}; ", end="")
    print(f"{len(book):,} customers (sample_book({args.base}) replicated) built in {built:.1f}s")
    n_days = sum(start <= datetime.combine(d, NINE, tzinfo=VN) < end for d in days)
    print(f"window {start:%Y-%m-%d} .. {end:%Y-%m-%d} Asia/Ho_Chi_Minh")
    print(f"rules: follow-ups +3d/+1m, birthdays, {n_days} Vietnamese holiday dates (holidays)")
    times: dict[str, list[float]] = {"CarePlan": [], "rrule loop": []}
    counts: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, fn in (("CarePlan", ours), ("rrule loop", theirs)):
            seconds, n = timed(fn)
            times[name].append(seconds)
            counts[name] = n

    def everything() -> int:
        return count(plan.schedule(book, start=start, end=end, tz=VN))

    sub = book[: args.traced_baseline]

    def theirs_sub() -> int:
        return count(rrule_loop(sub, start, end, days))

    our_peak, decided = peak(everything)
    their_peak, _ = peak(theirs_sub)
    peaks = {"CarePlan": our_peak, "rrule loop": their_peak}
    drops = decided - counts["CarePlan"]

    print()
    print(f"{'':<12}{'items':>12}{'best s':>9}{'items/s':>12}{'peak MiB':>10}")
    for name in ("CarePlan", "rrule loop"):
        best = min(times[name])
        print(
            f"{name:<12}{counts[name]:>12,}{best:>9.1f}{counts[name] / best:>12,.0f}"
            f"{peaks[name] / 2**20:>10.1f}"
        )
    ratio = (counts["CarePlan"] / min(times["CarePlan"])) / (
        counts["rrule loop"] / min(times["rrule loop"])
    )
    print()
    print(f"CarePlan touchpoints/s vs rrule-loop items/s: {ratio:.2f}x")
    print(
        f"CarePlan also decided {drops:,} drops (no consent / no contact point / duplicate); "
        f"kept + dropped = {decided:,} vs {counts['rrule loop']:,} raw items"
    )
    per_item = decided / min(times["CarePlan"])
    print(f"CarePlan decisions/s (kept + dropped, at the touchpoints/s run time): {per_item:,.0f}")
    print(
        f"peak: CarePlan = plan.schedule() (touchpoints and drops) over all {len(book):,} "
        f"customers; rrule loop over the first {len(sub):,} (it holds one customer at a time)"
    )


if __name__ == "__main__":
    main()
