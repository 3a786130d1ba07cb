"""Hypothesis strategies and a state machine for :mod:`khachhang.buying` (private).

Every :class:`~khachhang.buying.BuyingProcess` drawn here is built by real moves from
``start``, so it is one the machine can reach. :class:`BuyingProcessMachine` is a
Hypothesis ``RuleBasedStateMachine`` that drives one process with every move (legal or
not) and checks the laws after each step; subclass it to test your own storage:

.. code-block:: python

    from khachhang.serde import from_json, to_json
    from khachhang.testing._buying import BuyingProcessMachine

    class StoredInMyDatabase(BuyingProcessMachine):
        def stored(self, process):
            my_db.save(process.id, to_json(process))      # your storage
            return from_json(my_db.load(process.id), BuyingProcess)

    TestStoredInMyDatabase = StoredInMyDatabase.TestCase
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from hypothesis.strategies import SearchStrategy

from khachhang.buying import (
    BUYGRID,
    Abandonment,
    BuyClass,
    Buygrid,
    BuyingCenter,
    BuyingProcess,
    BuyingRole,
    Candidates,
    Influence,
    InfluenceNote,
    LossReason,
    Opening,
    Order,
    Outcome,
    Participant,
    Proposal,
    Requirement,
    Review,
    Selection,
    Stage,
    StageData,
    Status,
    Visit,
)
from khachhang.errors import KhachHangError
from khachhang.fsm import Payload
from khachhang.money import Money
from khachhang.testing._hook import register_module
from khachhang.testing._strategies import aware_datetimes, line_items

__all__ = [
    "BuyingProcessMachine",
    "abandonments",
    "buygrids",
    "buying_centers",
    "buying_processes",
    "candidate_lists",
    "influence_notes",
    "openings",
    "orders",
    "participants",
    "payloads",
    "proposals",
    "reviews",
    "selections",
    "stage_data",
    "visits",
]

SELLER = "NCC-ChungToi"
"""The seller id the strategies use for "our" organisation in a seller's process."""

SUPPLIERS: tuple[str, ...] = ("NCC-AnPhat", "NCC-HoaBinh", "NCC-MinhLong", SELLER)
"""Supplier ids the strategies draw from (the seller included)."""

_BUYERS = ("KH-0001", "KH-0042", "KH-1203", "Công ty TNHH Đại Việt")
_LO = datetime(2020, 1, 1, tzinfo=timezone.utc)
_HI = datetime(2030, 12, 31, tzinfo=timezone.utc)
_PEOPLE = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Quốc Dũng", "Võ Thị Hà")
_UNITS = ("Phòng mua hàng", "Phòng kỹ thuật", "Ban giám đốc", "Phòng tài chính", "")
_NOTES = (
    "Giá thép tăng mạnh trong quý",
    "Quy trình phê duyệt ba cấp",
    "Trưởng phòng kỹ thuật quen nhà cung ứng cũ",
    "Người mua ưa rủi ro thấp",
)
_TERMS = ("FOB Hải Phòng", "Giao tại kho Bình Dương", "CIF TP.HCM")
_PAYMENT = ("Thanh toán 30 ngày", "Đặt cọc 30%, còn lại khi giao", "L/C trả ngay")


def _times(at: datetime) -> SearchStrategy[datetime]:
    return st.integers(0, 240).map(lambda hours: at + timedelta(hours=hours))


def participants() -> SearchStrategy[Participant]:
    """People in a buying centre with one to three roles.

    Example: ``@given(participants())``.
    """
    return st.builds(
        Participant,
        st.sampled_from(_PEOPLE),
        st.sampled_from(_UNITS),
        st.frozensets(st.sampled_from(BuyingRole), min_size=1, max_size=3),
        contact_id=st.none() | st.integers(1, 999).map(lambda n: f"ct-{n}"),
    )


def buying_centers(max_size: int = 4) -> SearchStrategy[BuyingCenter]:
    """Buying centres with distinct people.

    Example: ``@given(buying_centers())``.
    """
    return st.lists(participants(), max_size=max_size, unique_by=lambda p: p.person).map(
        lambda people: BuyingCenter(tuple(people))
    )


def buygrids() -> SearchStrategy[Buygrid]:
    """Valid buygrids: any cells, but specification and review never skipped.

    Example: ``@given(buygrids())``.
    """
    cell = st.sampled_from(Requirement)
    never = st.sampled_from([Requirement.REQUIRED, Requirement.OPTIONAL])
    column = st.tuples(cell, cell, never, cell, cell, cell, cell, never)
    return st.builds(Buygrid, column, column, column)


def candidate_lists() -> SearchStrategy[Candidates]:
    """Candidate suppliers from a supplier search.

    Example: ``@given(candidate_lists())``.
    """
    return st.lists(st.sampled_from(SUPPLIERS), min_size=1, max_size=4, unique=True).map(
        lambda ids: Candidates(tuple(ids))
    )


def proposals(
    supplier: str | None = None, received: datetime | None = None
) -> SearchStrategy[Proposal]:
    """Proposals with a VND price, valid for up to 90 days after ``received``.

    Example: ``@given(proposals())``.
    """
    start = received if received is not None else _LO
    return st.builds(
        Proposal,
        st.just(supplier) if supplier is not None else st.sampled_from(SUPPLIERS),
        st.integers(1, 10**6).map(lambda k: Money(k * 1000)),
        st.integers(1, 90 * 24).map(lambda hours: start + timedelta(hours=hours)),
        st.sampled_from(["", "Báo giá lần 1", "Giảm 5% nếu ký trong tháng"]),
    )


def selections() -> SearchStrategy[Selection]:
    """Selections of a supplier, sometimes with the seller's loss reason.

    Example: ``@given(selections())``.
    """
    return st.builds(Selection, st.sampled_from(SUPPLIERS), st.none() | st.sampled_from(LossReason))


def orders() -> SearchStrategy[Order]:
    """Orders of one to three VND lines with delivery, payment and warranty terms.

    Example: ``@given(orders())``.
    """
    return st.builds(
        Order,
        st.lists(line_items("VND"), min_size=1, max_size=3).map(tuple),
        st.sampled_from(_TERMS),
        st.sampled_from(_PAYMENT),
        st.sampled_from(["", "Bảo hành 12 tháng"]),
        st.none() | aware_datetimes(_LO, _HI),
    )


def reviews() -> SearchStrategy[Review]:
    """Performance reviews: commitments kept or not, rated 1 to 5.

    Example: ``@given(reviews())``.
    """
    return st.builds(
        Review, st.booleans(), st.integers(1, 5), st.sampled_from(["", "Giao trễ 2 ngày"])
    )


def influence_notes() -> SearchStrategy[InfluenceNote]:
    """Notes under one of the four groups of influences on a business buyer.

    Example: ``@given(influence_notes())``.
    """
    return st.builds(InfluenceNote, st.sampled_from(Influence), st.sampled_from(_NOTES))


def abandonments() -> SearchStrategy[Abandonment]:
    """The seller's loss reason carried by an ``abandon``.

    Example: ``@given(abandonments())``.
    """
    return st.builds(Abandonment, st.sampled_from(LossReason))


def openings() -> SearchStrategy[Opening]:
    """What a purchase starts with.

    Example: ``@given(openings())``.
    """
    ids = st.sampled_from(SUPPLIERS)
    return st.builds(
        Opening,
        st.integers(1, 99_999).map(lambda n: f"MH-{n:05d}"),
        st.sampled_from(_BUYERS),
        st.sampled_from(BuyClass),
        st.none() | st.just(SELLER),
        st.none() | ids,
        st.none() | st.just("MH-00000"),
        buying_centers(),
        st.none() | buygrids(),
    )


# --- driving processes ------------------------------------------------------------------


class _Walk:
    """Drives one process forward with valid data, drawing every choice."""

    def __init__(self, draw: Callable[[SearchStrategy[Any]], Any], process: BuyingProcess):
        self.draw = draw
        self.p = process

    def now(self) -> datetime:
        return self.draw(_times(self.p.events[-1].at))  # type: ignore[no-any-return]  # draw() is untyped

    def data_for(self, stage: Stage) -> Payload | None:
        """Valid data to leave ``stage`` by ``advance``, or ``None`` when there is none."""
        p = self.p
        if stage is Stage.SUPPLIER_SEARCH:
            fresh = [s for s in SUPPLIERS if s not in p.candidates]
            if p.candidates:
                return None
            picked = self.draw(
                st.lists(st.sampled_from(fresh), min_size=1, max_size=3, unique=True)
            )
            return Candidates(tuple(picked))
        if stage is Stage.PROPOSAL_SOLICITATION:
            if p.proposals:
                return None
            # Valid for ten years: a walk never outlives it, so selection always can pick it.
            offer: Proposal = self.draw(proposals(received=p.events[-1].at + _DAY * 3650))
            return offer
        if stage is Stage.SUPPLIER_SELECTION:
            return None if p.selection is not None else self.selection()
        if stage is Stage.ORDER_ROUTINE_SPECIFICATION:
            return None if p.order is not None else self.draw(orders())
        return None

    def selection(self) -> Selection | None:
        p = self.p
        at = p.events[-1].at
        valid = [x.supplier for x in p.proposals if x.valid_until >= at + _DAY * 11]  # see _DAY
        if not valid:
            return None
        supplier = self.draw(st.sampled_from(valid))
        reason = None
        if p.seller is not None and supplier != p.seller:
            reason = self.draw(st.sampled_from(LossReason))
        return Selection(supplier, reason)

    def can_advance(self, stage: Stage) -> bool:
        p = self.p
        if p.requirement(stage) is Requirement.SKIPPED:
            return False
        if stage is Stage.SUPPLIER_SELECTION:
            return p.selection is not None or self.has_valid_proposal()
        if stage is Stage.ORDER_ROUTINE_SPECIFICATION:
            return p.supplier is not None
        return True

    def has_valid_proposal(self) -> bool:
        at = self.p.events[-1].at + _DAY * 11
        return any(x.valid_until >= at for x in self.p.proposals)

    def step(self) -> None:
        """One move forward from the current stage (not from the review)."""
        p = self.p
        stage = p.stage
        cell = p.requirement(stage)
        advance = self.can_advance(stage)
        if advance and cell is Requirement.OPTIONAL:
            advance = self.draw(st.booleans())
        if advance or cell is Requirement.REQUIRED:
            data = self.data_for(stage)
            self.p = p.advance(at=self.now(), data=data)
        else:
            self.p = p.skip(at=self.now())

    def to(self, target: Stage) -> None:
        while self.p.stage < target:
            self.step()

    def finish(self) -> None:
        p = self.p
        review = None
        if p.review is None and p.requirement(Stage.PERFORMANCE_REVIEW) is Requirement.REQUIRED:
            review = self.draw(reviews())
        self.p = p.complete(at=self.now(), review=review)


def _stepped(walk: _Walk) -> BuyingProcess:
    walk.step()
    return walk.p


def _finished(walk: _Walk) -> BuyingProcess:
    walk.finish()
    return walk.p


_DAY = timedelta(days=1)  # the walk's guard band: each move moves the clock <= 10 days


def _needs_incumbent(buy_class: BuyClass, grid: Buygrid) -> bool:
    """A review (or an order) needs a supplier; without a selection stage, an incumbent."""
    column = grid.column(buy_class)
    return column[Stage.SUPPLIER_SELECTION] is not Requirement.REQUIRED or (
        column[Stage.PROPOSAL_SOLICITATION] is not Requirement.REQUIRED
    )


def buying_processes(
    buy_class: BuyClass | None = None,
    at_stage: Stage | None = None,
    status: Status | None = None,
    *,
    seller: bool | None = None,
    max_loops: int = 2,
) -> SearchStrategy[BuyingProcess]:
    """Processes built by real moves: started, walked forward (skipping what the buygrid
    lets it skip), looped back up to ``max_loops`` times, then left open at ``at_stage``,
    completed, or abandoned at ``at_stage``.

    A completed process is always at the performance review; asking for another stage
    with ``status=Status.COMPLETED`` raises ``InvalidArgument``. ``seller=True`` draws
    only sellers' processes (seller :data:`SELLER`), ``False`` only buyers' ones.

    Example: ``@given(buying_processes(BuyClass.NEW_TASK, status=Status.COMPLETED))``.
    """
    if (
        status is Status.COMPLETED
        and at_stage is not None
        and at_stage is not Stage.PERFORMANCE_REVIEW
    ):
        msg = f"a completed process is at the performance review, not {at_stage.value}"
        raise InvalidArgument(msg)
    if max_loops < 0:
        raise InvalidArgument(f"max_loops={max_loops} must not be negative")

    @st.composite
    def build(draw: st.DrawFn) -> BuyingProcess:
        cls = buy_class if buy_class is not None else draw(st.sampled_from(BuyClass))
        final = status if status is not None else draw(st.sampled_from(Status))
        target = Stage.PERFORMANCE_REVIEW if final is Status.COMPLETED else at_stage
        if target is None:
            target = draw(st.sampled_from(Stage))
        sells = seller if seller is not None else draw(st.booleans())
        incumbent = None
        if cls is not BuyClass.NEW_TASK and (_needs_incumbent(cls, BUYGRID) or draw(st.booleans())):
            incumbent = draw(st.sampled_from(SUPPLIERS))
        p = BuyingProcess.start(
            id=draw(st.integers(1, 99_999).map(lambda n: f"MH-{n:05d}")),
            buyer=draw(st.sampled_from(_BUYERS)),
            buy_class=cls,
            at=draw(aware_datetimes(_LO, _HI)),
            actor=draw(st.none() | st.sampled_from(_PEOPLE)),
            seller=SELLER if sells else None,
            incumbent=incumbent,
            center=draw(buying_centers(3)),
        )
        walk = _Walk(draw, p)
        for _ in range(draw(st.integers(0, max_loops))):
            upto = draw(st.sampled_from(_STAGES[1:]))
            walk.to(upto)
            back = draw(st.sampled_from(_STAGES[: walk.p.stage.number - 1]))
            walk.p = walk.p.revisit(back, reason="Khách yêu cầu xem lại", at=walk.now())
        if walk.p.stage > target:
            walk.p = walk.p.revisit(target, reason="Quay lại theo yêu cầu", at=walk.now())
        walk.to(target)
        if draw(st.booleans()):
            note = draw(influence_notes())
            walk.p = walk.p.record(note, at=walk.now())
        if final is Status.COMPLETED:
            walk.finish()
        elif final is Status.ABANDONED:
            reason = draw(st.none() | st.sampled_from(LossReason)) if sells else None
            walk.p = walk.p.abandon(reason="Khách dừng dự án", at=walk.now(), loss_reason=reason)
        return walk.p

    return build()


_STAGES: tuple[Stage, ...] = tuple(Stage)


def stage_data() -> SearchStrategy[StageData]:
    """What the stages of reachable processes recorded.

    Example: ``@given(stage_data())``.
    """
    return buying_processes().map(lambda p: p.data)


def visits() -> SearchStrategy[Visit]:
    """Stays in a stage, taken from reachable processes.

    Example: ``@given(visits())``.
    """
    return buying_processes(max_loops=1).flatmap(lambda p: st.sampled_from(p.history))


# --- the state machine ---------------------------------------------------------------------


def payloads(*, as_of: datetime) -> SearchStrategy[Payload]:
    """Any stage data or note as of ``as_of``: valid values, often wrong for the stage (a
    proposal may already have expired), to throw at a process and see it refuse.

    Example: ``@given(payloads(as_of=t))``.
    """
    return st.one_of(
        candidate_lists(),
        proposals(received=as_of - timedelta(days=1)),
        selections(),
        orders(),
        reviews(),
        influence_notes(),
        participants(),
    )


class BuyingProcessMachine(RuleBasedStateMachine):
    """Drives one buying process with every move, legal or not, and checks the laws.

    After every step: a refused move raised ``TransitionError`` (or ``ValidationError``
    for bad arguments) and left the process unchanged; an accepted one appended exactly
    one event; replaying the events rebuilds the process; stages only go forward except
    by ``revisit``; event times never go back; a seller's abandoned deal is LOST.

    Override :meth:`stored` to pass each new process through your storage (save, then
    load it back); the machine checks that what comes back equals what went in, and
    carries on with the loaded value.

    Example: subclass it, override ``stored``, and collect ``TestMyStore.TestCase``::

        class TestMyStore(BuyingProcessMachine):
            def stored(self, process):
                return my_repository.save_and_load(process)

        TestStorage = TestMyStore.TestCase
    """

    def __init__(self) -> None:
        super().__init__()
        self.process: BuyingProcess | None = None
        self.refused = 0

    def stored(self, process: BuyingProcess) -> BuyingProcess:
        """Save ``process`` and load it back; the default keeps it in memory."""
        return process

    # -- helpers ----------------------------------------------------------------------
    def _now(self, data: st.DataObject, back: bool = False) -> datetime:
        assert self.process is not None
        last = self.process.events[-1].at
        hours = data.draw(st.integers(-24 if back else 0, 240), label="hours")
        return last + timedelta(hours=hours)

    def _try(self, move: Callable[[BuyingProcess], BuyingProcess]) -> None:
        before = self.process
        assert before is not None
        snapshot = (before.stage, before.status, before.events, before.data)
        try:
            after = move(before)
        except KhachHangError:
            self.refused += 1
            assert (before.stage, before.status, before.events, before.data) == snapshot
            return
        assert after.events[:-1] == before.events, "a move appends exactly one event"
        assert len(after.events) == len(before.events) + 1
        loaded = self.stored(after)
        assert loaded == after, "storage changed the process"
        self.process = loaded

    # -- rules ------------------------------------------------------------------------
    @initialize(
        buy_class=st.sampled_from(BuyClass),
        sells=st.booleans(),
        incumbent=st.none() | st.sampled_from(SUPPLIERS),
        at=aware_datetimes(_LO, _HI),
        grid=st.none() | buygrids(),
    )
    def start(
        self,
        buy_class: BuyClass,
        sells: bool,
        incumbent: str | None,
        at: datetime,
        grid: Buygrid | None,
    ) -> None:
        process = BuyingProcess.start(
            id="MH-00001",
            buyer="KH-0001",
            buy_class=buy_class,
            at=at,
            seller=SELLER if sells else None,
            incumbent=incumbent,
            grid=grid,
        )
        loaded = self.stored(process)
        assert loaded == process, "storage changed the process"
        self.process = loaded

    @rule(data=st.data())
    def advance(self, data: st.DataObject) -> None:
        at = self._now(data, back=True)
        payload = data.draw(st.none() | payloads(as_of=at), label="data")
        self._try(lambda p: p.advance(at=at, data=payload))

    @precondition(lambda self: self.process is not None and self.process.status is Status.OPEN)
    @rule(data=st.data())
    def step_forward_with_valid_data(self, data: st.DataObject) -> None:
        """A move the buygrid and the guards accept, so runs get deep into the process."""
        assert self.process is not None
        walk = _Walk(data.draw, self.process)
        if self.process.stage is Stage.PERFORMANCE_REVIEW:
            if self.process.supplier is None:
                return
            self._try(lambda _: _finished(walk))
        elif walk.can_advance(self.process.stage) or (
            self.process.requirement() is not Requirement.REQUIRED
        ):
            self._try(lambda _: _stepped(walk))

    @rule(data=st.data())
    def skip(self, data: st.DataObject) -> None:
        at = self._now(data)
        self._try(lambda p: p.skip(at=at))

    @rule(data=st.data())
    def record(self, data: st.DataObject) -> None:
        at = self._now(data, back=True)
        payload = data.draw(payloads(as_of=at), label="data")
        self._try(lambda p: p.record(payload, at=at))

    @rule(data=st.data(), stage=st.sampled_from(Stage), reason=st.sampled_from(["", "Đổi spec"]))
    def revisit(self, data: st.DataObject, stage: Stage, reason: str) -> None:
        at = self._now(data)
        self._try(lambda p: p.revisit(stage, reason=reason, at=at))

    @rule(
        data=st.data(),
        reason=st.sampled_from(["", "Cắt ngân sách"]),
        loss=st.none() | st.sampled_from(LossReason),
    )
    def abandon(self, data: st.DataObject, reason: str, loss: LossReason | None) -> None:
        at = self._now(data)
        self._try(lambda p: p.abandon(reason=reason, at=at, loss_reason=loss))

    @rule(data=st.data(), review=st.none() | reviews())
    def complete(self, data: st.DataObject, review: Review | None) -> None:
        at = self._now(data)
        self._try(lambda p: p.complete(at=at, review=review))

    @precondition(lambda self: self.process is not None and self.process.status is Status.COMPLETED)
    @rule(data=st.data(), buy_class=st.sampled_from(BuyClass))
    def rebuy(self, data: st.DataObject, buy_class: BuyClass) -> None:
        assert self.process is not None
        at = self._now(data)
        previous = self.process
        try:
            nxt = previous.rebuy(buy_class, id="MH-00002", at=at)
        except KhachHangError:
            assert buy_class is BuyClass.NEW_TASK
            return
        assert nxt.previous == previous.id
        assert nxt.incumbent == previous.supplier
        assert nxt.stage is Stage.PROBLEM_RECOGNITION
        assert nxt.status is Status.OPEN
        loaded = self.stored(nxt)
        assert loaded == nxt, "storage changed the process"
        self.process = loaded

    # -- invariants -------------------------------------------------------------------
    @invariant()
    def replay_rebuilds_the_process(self) -> None:
        if self.process is not None:
            assert BuyingProcess.replay(self.process.events) == self.process

    @invariant()
    def stages_move_forward_except_by_revisit(self) -> None:
        if self.process is None:
            return
        for event in self.process.events[1:]:
            assert event.source is not None
            if event.transition == "revisit":
                assert event.target < event.source
            elif event.transition in ("advance", "skip"):
                assert event.target.number == event.source.number + 1
            else:
                assert event.target is event.source

    @invariant()
    def time_never_goes_back(self) -> None:
        if self.process is not None:
            times = [e.at for e in self.process.events]
            assert times == sorted(times)

    @invariant()
    def the_sellers_view_is_consistent(self) -> None:
        p = self.process
        if p is None:
            return
        if p.seller is None:
            assert p.outcome is None
            assert p.loss_reason is None
            return
        if p.status is Status.ABANDONED:
            assert p.outcome is Outcome.LOST
            assert p.loss_reason is not None
        elif p.selection is not None:
            won = p.selection.supplier == p.seller
            assert p.outcome is (Outcome.WON if won else Outcome.LOST)
            assert (p.loss_reason is None) is won
        if p.outcome is Outcome.WON:
            assert p.loss_reason is None


def register_types() -> None:
    """Teach ``st.from_type`` every model of :mod:`khachhang.buying`."""
    register_module(__name__)
