"""Loading stored logs: the cost per event of replaying them, at 1k to 64k events.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_replay.py                 # 1k, 4k, 16k, 64k
    PYTHONPATH=src python benchmarks/bench_replay.py --sizes 1000 4000 --repeat 5

Loading a value that carries a log (``from_json``) replays the log through its machine,
re-checking every move and guard, so a stored history is one the moves could have
written. Each shape below is a log of *n* entries, written once with ``to_json`` and timed
while loaded back; the figure is microseconds per event (best of ``--repeat``), which
stays flat when replay is linear and grows with *n* when it is quadratic:

* **complaint**: acknowledged, then *n* - 1 replies (each with an actor and a note).
* **buying, loops**: a straight rebuy walked forward and looped back (``revisit``) again
  and again.
* **buying, notes**: a process recording influence notes (up to ``MAX_ITEMS``, the most
  one process holds: each note copies the list), then looping.
* **customer**: a lifecycle of *n* events — converted, then lapsing and won back, one
  purchase per win-back (the guards look purchases up by bisection).
* **ledger**: *n* points-ledger entries, earning and redeeming in turn.
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

_SRC = Path(__file__).resolve().parent.parent / "src"
if _SRC.is_dir() and str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))

from khachhang import Customer, Money, Person, Purchase  # noqa: E402
from khachhang.buying import BuyClass, BuyingProcess, InfluenceNote, Stage  # noqa: E402
from khachhang.buying._guards import MAX_ITEMS  # noqa: E402
from khachhang.buying.stages import Influence  # noqa: E402
from khachhang.care.channels import Channel  # noqa: E402
from khachhang.care.service.complaints import Complaint, ComplaintStatus  # noqa: E402
from khachhang.care.service.loyalty import EntryKind, LedgerEntry, PointsLedger  # noqa: E402
from khachhang.customers import LifecyclePolicy  # noqa: E402
from khachhang.fsm import MAX_EVENTS, Event  # noqa: E402
from khachhang.kinds import Lifecycle  # noqa: E402
from khachhang.serde import from_json, to_json  # noqa: E402

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
_S = ComplaintStatus
_ACTOR, _NOTE = "agent-7", "Chúng tôi đang kiểm tra đơn hàng của anh/chị"


def _at(k: int) -> datetime:
    return T0 + timedelta(minutes=k)


def complaint(n: int) -> Complaint:
    events = [Event("acknowledge", _S.RECEIVED, _S.ACKNOWLEDGED, _at(0))]
    events += [
        Event("reply", _S.ACKNOWLEDGED, _S.ACKNOWLEDGED, _at(k), actor=_ACTOR, note=_NOTE)
        for k in range(1, n)
    ]
    return Complaint(
        "k-1", "c-1", Channel.PHONE, "Giao trễ", T0, status=_S.ACKNOWLEDGED, events=events
    )


def buying_loops(n: int) -> BuyingProcess:
    p = BuyingProcess.start(id="b-1", buyer="c-1", buy_class=BuyClass.STRAIGHT_REBUY, at=T0)
    events = list(p.events)
    here = Stage.PROBLEM_RECOGNITION
    for k in range(1, n):
        if here is Stage.PROBLEM_RECOGNITION:
            events.append(Event("skip", here, Stage.GENERAL_NEED_DESCRIPTION, _at(k)))
            here = Stage.GENERAL_NEED_DESCRIPTION
        else:
            back = Stage.PROBLEM_RECOGNITION
            events.append(Event("revisit", here, back, _at(k), note="lại"))
            here = back
    return BuyingProcess.replay(events)


def buying_notes(n: int) -> BuyingProcess:
    p = BuyingProcess.start(id="b-1", buyer="c-1", buy_class=BuyClass.STRAIGHT_REBUY, at=T0)
    here = Stage.PROBLEM_RECOGNITION
    note = InfluenceNote(Influence.ENVIRONMENTAL, "giá thép tăng")
    notes = min(n - 1, MAX_ITEMS - 1)
    events = [*p.events]
    events += [Event("record", here, here, _at(k), payload=note) for k in range(1, notes + 1)]
    for k in range(notes + 1, n):
        if here is Stage.PROBLEM_RECOGNITION:
            events.append(Event("skip", here, Stage.GENERAL_NEED_DESCRIPTION, _at(k)))
            here = Stage.GENERAL_NEED_DESCRIPTION
        else:
            events.append(Event("revisit", here, Stage.PROBLEM_RECOGNITION, _at(k), note="lại"))
            here = Stage.PROBLEM_RECOGNITION
    return BuyingProcess.replay(events)


def customer(n: int) -> Customer:
    policy = LifecyclePolicy(lapse_after_days=1)
    purchases = [Purchase("o-0", T0, Money(100_000))]
    events = [Event("convert", Lifecycle.PROSPECT, Lifecycle.CURRENT, T0)]
    state = Lifecycle.CURRENT
    for k in range(1, n):
        at = T0 + timedelta(days=2 * k)
        if state is Lifecycle.CURRENT:
            events.append(Event("lapse", state, Lifecycle.LAPSED, at, payload=policy))
            state = Lifecycle.LAPSED
        else:
            purchases.append(Purchase(f"o-{k}", at, Money(100_000)))
            events.append(Event("win_back", state, Lifecycle.CURRENT, at))
            state = Lifecycle.CURRENT
    return Customer(
        "c-1",
        Person("Trần Thị Lan"),
        created_at=T0,
        lifecycle=state,
        purchases=purchases,
        lifecycle_events=events,
    )


def ledger(n: int) -> PointsLedger:
    entries = [
        LedgerEntry(EntryKind.EARN if k % 2 == 0 else EntryKind.REDEEM, 5, _at(k)) for k in range(n)
    ]
    return PointsLedger("c-1", entries)


SHAPES: dict[str, Callable[[int], object]] = {
    "complaint": complaint,
    "buying, loops": buying_loops,
    "buying, notes": buying_notes,
    "customer": customer,
    "ledger": ledger,
}


def best_seconds(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 4_000, 16_000, 64_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, MAX_EVENTS={MAX_EVENTS}")
    print("µs per event to load (from_json), best of", args.repeat)
    header = f"{'shape':<16}" + "".join(f"{n:>10,}" for n in args.sizes) + "   (MB at the largest)"
    print(header)
    for name, build in SHAPES.items():
        cells = []
        size = 0
        for n in args.sizes:
            value = build(n)
            text = to_json(value)
            cls = type(value)
            assert from_json(text, cls) == value
            seconds = best_seconds(lambda text=text, cls=cls: from_json(text, cls), args.repeat)
            cells.append(f"{seconds / n * 1e6:>10.1f}")
            size = len(text.encode())
        print(f"{name:<16}" + "".join(cells) + f"   ({size / 1e6:.1f})")


if __name__ == "__main__":
    main()
