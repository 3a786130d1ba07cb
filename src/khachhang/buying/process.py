"""The buying process: an immutable value run by :mod:`khachhang.fsm`.

A :class:`BuyingProcess` is one business purchase seen stage by stage. Every move returns
a new process with one more event; a refused move raises
:class:`~khachhang.errors.TransitionError` naming what is missing, and changes nothing.

>>> from datetime import datetime, timedelta, timezone
>>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
>>> p = BuyingProcess.start(id="b-1", buyer="c-7", buy_class=BuyClass.NEW_TASK, at=t)
>>> p = p.advance(at=t + timedelta(days=2)).advance(at=t + timedelta(days=5))
>>> p.stage
Stage.PRODUCT_SPECIFICATION
>>> p.skip(at=t + timedelta(days=6))
Traceback (most recent call last):
...
khachhang.errors.TransitionError: buying: ... product specification is required in a new task ...
>>> BuyingProcess.replay(p.events) == p
True
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

import attrs

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_optional,
    check_optional_key,
    check_type,
    instant,
)
from khachhang.buying._guards import (
    abandon_guard,
    advance_guard,
    complete_guard,
    record_guard,
    revisit_guard,
    skip_guard,
)
from khachhang.buying.center import BuyingCenter, Participant
from khachhang.buying.data import (
    Abandonment,
    Candidates,
    InfluenceNote,
    Opening,
    Order,
    Proposal,
    Review,
    Selection,
)
from khachhang.buying.stages import (
    BUYGRID,
    BuyClass,
    Buygrid,
    LossReason,
    Outcome,
    Requirement,
    Stage,
    Status,
)
from khachhang.errors import TransitionError
from khachhang.fsm import (
    Definition,
    Event,
    Move,
    Payload,
    Transition,
    rebuilder,
    require_aware,
)
from khachhang.labels import check_lang

__all__ = ["BUYING", "BuyingProcess", "StageData", "Visit", "to_mermaid"]

_STAGES: tuple[Stage, ...] = tuple(Stage)
_OPEN, _COMPLETED, _ABANDONED = Status.OPEN, Status.COMPLETED, Status.ABANDONED
_SKIPPED, _REQUIRED = Requirement.SKIPPED, Requirement.REQUIRED


def _events(values: Iterable[Event[Stage]]) -> tuple[Event[Stage], ...]:
    return check_items("events", as_collection("events", values), Event)


@attrs.frozen
class Visit:
    """One stay in a stage: when the process entered it, when and by which move it left."""

    stage: Stage
    entered_at: datetime
    left_at: datetime | None = None
    left_by: str | None = None

    def __attrs_post_init__(self) -> None:
        check_optional_key("left_by", self.left_by, max_len=100)


@attrs.frozen
class StageData:
    """What the stages of one purchase recorded, and what it means for the seller.

    Held by :attr:`BuyingProcess.data`; the process exposes each field directly
    (``process.proposals``). Built by the moves, never by hand.
    """

    center: BuyingCenter = attrs.field(factory=BuyingCenter)
    influences: tuple[InfluenceNote, ...] = ()
    candidates: tuple[str, ...] = ()
    proposals: tuple[Proposal, ...] = ()
    selection: Selection | None = None
    order: Order | None = None
    review: Review | None = None
    outcome: Outcome | None = None
    loss_reason: LossReason | None = None

    def __attrs_post_init__(self) -> None:
        for i, supplier in enumerate(self.candidates):
            check_key(f"candidates[{i}]", supplier)


@attrs.frozen
class BuyingProcess:
    """One business purchase moving through the eight stages.

    Build one with :meth:`start` (or :meth:`rebuy` after a completed one) and move it
    with :meth:`advance`, :meth:`skip`, :meth:`record`, :meth:`revisit`,
    :meth:`abandon` and :meth:`complete`. Everything is derived from ``events``:
    constructing a process directly (as the converter does) replays the events and
    refuses a value that disagrees with them.

    Attributes:
        opening: what the purchase started with (id, buyer, buy class, seller, ...).
        stage: the stage the buyer is in now.
        status: open, completed or abandoned.
        events: the audit trail, one :class:`~khachhang.fsm.Event` per move.
        data: what the stages recorded (also readable one by one: ``candidates``,
            ``proposals``, ``selection``, ``order``, ``review``, ``center``,
            ``influences``, ``outcome``, ``loss_reason``).
    """

    opening: Opening
    stage: Stage
    status: Status
    events: tuple[Event[Stage], ...] = attrs.field(converter=_events)
    data: StageData = StageData()

    def __attrs_post_init__(self) -> None:
        # Only reached by direct construction (the moves build processes without it):
        # the events are the truth, every other field must be what they say.
        BUYING.check_log(self)

    # -- what it started with, and what the stages recorded --------------------------
    @property
    def id(self) -> str:
        """The application's identifier of this purchase."""
        return self.opening.id

    @property
    def buyer(self) -> str:
        """The buying customer's id."""
        return self.opening.buyer

    @property
    def buy_class(self) -> BuyClass:
        """New task, modified rebuy or straight rebuy."""
        return self.opening.buy_class

    @property
    def seller(self) -> str | None:
        """Our organisation's id when the process is tracked as our own deal."""
        return self.opening.seller

    @property
    def incumbent(self) -> str | None:
        """The supplier in place before this purchase (set by :meth:`rebuy`)."""
        return self.opening.incumbent

    @property
    def previous(self) -> str | None:
        """The id of the purchase this one follows (set by :meth:`rebuy`)."""
        return self.opening.previous

    @property
    def grid(self) -> Buygrid:
        """The buygrid deciding which stages may be skipped."""
        grid = self.opening.grid
        return BUYGRID if grid is None else grid

    @property
    def center(self) -> BuyingCenter:
        """The buying centre, as recorded so far."""
        return self.data.center

    @property
    def influences(self) -> tuple[InfluenceNote, ...]:
        """Notes on the factors acting on the purchase."""
        return self.data.influences

    @property
    def candidates(self) -> tuple[str, ...]:
        """Suppliers found in the supplier search."""
        return self.data.candidates

    @property
    def proposals(self) -> tuple[Proposal, ...]:
        """Proposals received, the latest one per supplier."""
        return self.data.proposals

    @property
    def selection(self) -> Selection | None:
        """The chosen supplier."""
        return self.data.selection

    @property
    def order(self) -> Order | None:
        """The order placed."""
        return self.data.order

    @property
    def review(self) -> Review | None:
        """The performance review."""
        return self.data.review

    @property
    def outcome(self) -> Outcome | None:
        """For a seller's process: won or lost (``None`` while undecided or not a deal)."""
        return self.data.outcome

    @property
    def loss_reason(self) -> LossReason | None:
        """Why the seller lost."""
        return self.data.loss_reason

    # -- creating ---------------------------------------------------------------------
    @classmethod
    def start(
        cls,
        *,
        id: str,
        buyer: str,
        buy_class: BuyClass,
        at: datetime,
        actor: str | None = None,
        note: str = "",
        seller: str | None = None,
        incumbent: str | None = None,
        previous: str | None = None,
        center: BuyingCenter = BuyingCenter(),  # noqa: B008  (immutable)
        grid: Buygrid | None = None,
    ) -> BuyingProcess:
        """Start a purchase at problem recognition.

        ``seller=our_org_id`` tracks the purchase as our own deal: the outcome becomes
        WON when the buyer selects our proposal, LOST when it selects another or gives up.
        """
        opening = Opening(id, buyer, buy_class, seller, incumbent, previous, center, grid)
        return BUYING.start(at=at, actor=actor, note=note, payload=opening)

    @classmethod
    def replay(
        cls, events: Iterable[Event[Stage]], *, onto: BuyingProcess | None = None
    ) -> BuyingProcess:
        """Rebuild a process by replaying ``events`` onto ``onto``, re-checking every
        move and guard: the shape of every aggregate's ``replay``.

        ``onto`` is optional: without it the first event is the creation event
        (``start``, carrying the :class:`Opening`); with it the events continue a
        process replayed so far.

        Raises:
            LogError: an event the machine refuses, named (``events[i]``).
            ValidationError: ``onto`` is not a :class:`BuyingProcess`, named.
        """
        return BUYING.replay(events, onto=check_optional("onto", onto, cls))

    def rebuy(
        self,
        buy_class: BuyClass,
        *,
        id: str,
        at: datetime,
        actor: str | None = None,
        note: str = "",
    ) -> BuyingProcess:
        """Start the next purchase after this completed one: a straight or modified rebuy.

        The new process links back (``previous``), keeps the buyer, seller, buying centre
        and grid, and takes the supplier used here as its ``incumbent``.
        """
        check_type("buy_class", buy_class, BuyClass)
        require_aware(at)
        refusal = None
        if self.status is not _COMPLETED:
            refusal = (
                f"only a completed purchase leads to a rebuy (this one is {self.status.value})"
            )
        elif buy_class is BuyClass.NEW_TASK:
            refusal = "a new task is not a rebuy; start a new process"
        elif at < instant(self.events[-1].at):
            refusal = f"at={at.isoformat()} is earlier than the last event"
        if refusal is not None:
            raise TransitionError(BUYING.name, self.stage, "rebuy", refusal)
        return BuyingProcess.start(
            id=id,
            buyer=self.buyer,
            buy_class=buy_class,
            at=at,
            actor=actor,
            note=note,
            seller=self.seller,
            incumbent=self.supplier,
            previous=self.id,
            center=self.center,
            grid=self.opening.grid,
        )

    # -- moving -----------------------------------------------------------------------
    def advance(
        self,
        *,
        at: datetime,
        actor: str | None = None,
        note: str = "",
        data: Payload | None = None,
    ) -> BuyingProcess:
        """Finish the current stage and enter the next; ``data`` records the stage's data
        (e.g. the :class:`Candidates` of the supplier search) in the same event."""
        return BUYING.fire(self, "advance", at=at, actor=actor, note=note, payload=data)

    def skip(self, *, at: datetime, actor: str | None = None, note: str = "") -> BuyingProcess:
        """Leave the current stage without doing it; only a stage the buygrid marks
        OPTIONAL or SKIPPED for this buy class."""
        return BUYING.fire(self, "skip", at=at, actor=actor, note=note)

    def record(
        self, data: Payload, *, at: datetime, actor: str | None = None, note: str = ""
    ) -> BuyingProcess:
        """Record stage data (candidates, a proposal, the selection, the order, the
        review) or a note any stage may carry (:class:`InfluenceNote`, a
        :class:`Participant` joining the buying centre), staying in the stage."""
        return BUYING.fire(self, "record", at=at, actor=actor, note=note, payload=data)

    def revisit(
        self, stage: Stage, *, reason: str, at: datetime, actor: str | None = None
    ) -> BuyingProcess:
        """Loop back to an earlier ``stage`` — business buying is "lọc đi lọc lại"
        (filtered again and again), not a funnel.

        The data of ``stage`` and every later stage is cleared (the events keep it), so
        the loop is done again; a seller's outcome decided by a cleared selection is
        undecided again.
        """
        check_type("stage", stage, Stage)
        return BUYING.fire(self, "revisit", at=at, actor=actor, note=reason, target=stage)

    def abandon(
        self,
        *,
        reason: str,
        at: datetime,
        actor: str | None = None,
        loss_reason: LossReason | None = None,
    ) -> BuyingProcess:
        """Give the purchase up. In a seller's process it is LOST, for ``loss_reason``
        (``NO_DECISION`` when not given)."""
        payload = None
        if loss_reason is not None or self.seller is not None:
            payload = Abandonment(loss_reason if loss_reason is not None else _NO_DECISION)
        return BUYING.fire(self, "abandon", at=at, actor=actor, note=reason, payload=payload)

    def complete(
        self,
        *,
        at: datetime,
        actor: str | None = None,
        note: str = "",
        review: Review | None = None,
    ) -> BuyingProcess:
        """Close the purchase after the performance review (``review`` may come along)."""
        return BUYING.fire(self, "complete", at=at, actor=actor, note=note, payload=review)

    # -- queries ----------------------------------------------------------------------
    @property
    def supplier(self) -> str | None:
        """The supplier of this purchase: the one selected, else the incumbent."""
        return self.selection.supplier if self.selection is not None else self.incumbent

    @property
    def loops(self) -> int:
        """How many times the process looped back (revisits)."""
        return sum(1 for e in self.events if e.transition == "revisit")

    @property
    def started_at(self) -> datetime:
        """When the process started."""
        return self.events[0].at

    @property
    def closed_at(self) -> datetime | None:
        """When it was completed or abandoned; ``None`` while open."""
        return None if self.status is _OPEN else self.events[-1].at

    @property
    def history(self) -> tuple[Visit, ...]:
        """The stays in each stage, in order (a stage revisited appears again)."""
        visits: list[Visit] = []
        for event in self.events:
            if event.transition in _STAGE_MOVES or event.source is None:
                if visits:
                    last = visits[-1]
                    visits[-1] = Visit(last.stage, last.entered_at, event.at, event.transition)
                visits.append(Visit(event.target, event.at))
            elif event.transition in _CLOSING:
                last = visits[-1]
                visits[-1] = Visit(last.stage, last.entered_at, event.at, event.transition)
        return tuple(visits)

    def time_in_stage(self, *, as_of: datetime | None = None) -> dict[Stage, timedelta]:
        """Time spent in each stage visited, summed over revisits, as ``timedelta``.

        Durations are elapsed time, computed between instants (in UTC, so a stay across
        a DST change is its real length): they can be compared, summed and put in a
        Polars ``Duration`` column. An open process's current stay runs to ``as_of``
        (default: its last event); a closed one's ends when it closed.

        >>> from datetime import datetime, timedelta, timezone
        >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> p = BuyingProcess.start(id="b-1", buyer="c-7", buy_class=BuyClass.NEW_TASK, at=t)
        >>> p = p.advance(at=t + timedelta(days=40))
        >>> p = p.revisit(Stage.PROBLEM_RECOGNITION, reason="ngân sách", at=t + timedelta(days=41))
        >>> p.time_in_stage(as_of=t + timedelta(days=43))[Stage.PROBLEM_RECOGNITION]
        datetime.timedelta(days=42)
        >>> p.loops
        1
        """
        end = instant(self.events[-1].at)
        if as_of is not None:
            as_of = require_aware(as_of, "as_of")  # checked even when a closed process ignores it
            if self.status is _OPEN:
                end = max(end, instant(as_of))
        totals: dict[Stage, timedelta] = {}
        for visit in self.history:
            left = visit.left_at if visit.left_at is not None else end
            spent = left - instant(visit.entered_at)
            totals[visit.stage] = totals.get(visit.stage, timedelta()) + spent
        return dict(sorted(totals.items(), key=lambda kv: kv[0].number))

    def stage_entered_at(self, stage: Stage) -> datetime | None:
        """When the process last entered ``stage``; ``None`` if it never did."""
        check_type("stage", stage, Stage)
        for visit in reversed(self.history):
            if visit.stage is stage:
                return visit.entered_at
        return None

    def allowed_moves(self, *, at: datetime | None = None) -> tuple[Move[Stage], ...]:
        """The moves from here, open or closed with the reason (``record`` is left out:
        whether it is open depends on the data recorded).

        >>> from datetime import datetime, timezone
        >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> p = BuyingProcess.start(id="b-1", buyer="c-7", buy_class=BuyClass.NEW_TASK, at=t)
        >>> for m in p.allowed_moves():
        ...     print(m.transition, m.open, m.reason or "")
        advance True
        skip False problem recognition is required in a new task (buygrid); it cannot be skipped
        abandon False say why the purchase is abandoned (reason=...)
        """
        return tuple(m for m in BUYING.allowed(self, at=at) if m.transition != "record")

    def requirement(self, stage: Stage | None = None) -> Requirement:
        """The buygrid cell for ``stage`` (default: the current stage) in this buy class."""
        return self.grid.requirement(self.buy_class, self.stage if stage is None else stage)

    # -- drawing ----------------------------------------------------------------------
    def to_mermaid(self, *, lang: str = "vi") -> str:
        """Mermaid text of this process's machine with its current stage marked."""
        return to_mermaid(current=self.stage, buy_class=self.buy_class, grid=self.grid, lang=lang)

    # -- notebook views (khachhang.views) ----------------------------------------------
    def to_html(self, lang: str = "vi") -> str:
        """A notebook page: see :func:`khachhang.views.to_html`."""
        from khachhang.views._buying import process_html

        return process_html(self, lang)

    def to_markdown(self, lang: str = "vi") -> str:
        """A summary and a Mermaid diagram: see :func:`khachhang.views.to_markdown`."""
        from khachhang.views._buying import process_markdown

        return process_markdown(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


_STAGE_MOVES = frozenset({"advance", "skip", "revisit"})
_CLOSING = frozenset({"abandon", "complete"})
_NO_DECISION = LossReason.NO_DECISION

# -- building values fast -------------------------------------------------------------
# The moves build processes from parts the library made and checked itself, so they skip
# the constructor (whose full check is a replay).
_new = object.__new__
_rebuild_process = rebuilder(BuyingProcess)
_rebuild_data = rebuilder(StageData)
_p_opening, _p_stage, _p_status, _p_events, _p_data = (
    BuyingProcess.__dict__[name].__set__
    for name in ("opening", "stage", "status", "events", "data")
)


def _moved(p: BuyingProcess, stage: Stage, event: Event[Stage]) -> BuyingProcess:
    """The hot path: same process, another stage, one more event."""
    n: BuyingProcess = _new(BuyingProcess)
    _p_opening(n, p.opening)
    _p_stage(n, stage)
    _p_status(n, p.status)
    _p_events(n, (*p.events, event))
    _p_data(n, p.data)
    return n


# -- folding events into processes ----------------------------------------------------
def _create(event: Event[Stage]) -> BuyingProcess:
    opening = event.payload
    if type(opening) is not Opening:
        reason = "the creation event must carry the purchase's Opening"
        raise TransitionError("buying", None, event.transition, reason)
    data = _EMPTY if opening.center == _EMPTY.center else StageData(center=opening.center)
    n: BuyingProcess = _new(BuyingProcess)
    _p_opening(n, opening)
    _p_stage(n, event.target)
    _p_status(n, _OPEN)
    _p_events(n, (event,))
    _p_data(n, data)
    return n


def _apply(p: BuyingProcess, payload: Payload, changes: dict[str, Any]) -> None:
    kind = type(payload)
    if kind is Candidates:
        changes["candidates"] = (*p.candidates, *payload.suppliers)  # type: ignore[attr-defined]  # narrowed by `kind is ...` above
    elif kind is Proposal:
        supplier = payload.supplier  # type: ignore[attr-defined]  # narrowed by `kind is ...` above
        kept = tuple(x for x in p.proposals if x.supplier != supplier)
        changes["proposals"] = (*kept, payload)
    elif kind is Selection:
        changes["selection"] = payload
        if p.seller is not None:
            won = payload.supplier == p.seller  # type: ignore[attr-defined]  # narrowed by `kind is ...` above
            changes["outcome"] = Outcome.WON if won else Outcome.LOST
            changes["loss_reason"] = payload.loss_reason  # type: ignore[attr-defined]  # narrowed by `kind is ...` above
    elif kind is Order:
        changes["order"] = payload
    elif kind is Review:
        changes["review"] = payload
    elif kind is InfluenceNote:
        changes["influences"] = (*p.influences, payload)
    elif kind is Participant:
        changes["center"] = p.center.with_participant(payload)  # type: ignore[arg-type]  # narrowed by `kind is ...` above


_CLEARED: dict[Stage, dict[str, Any]] = {
    Stage.SUPPLIER_SEARCH: {"candidates": ()},
    Stage.PROPOSAL_SOLICITATION: {"proposals": ()},
    Stage.SUPPLIER_SELECTION: {"selection": None, "outcome": None, "loss_reason": None},
    Stage.ORDER_ROUTINE_SPECIFICATION: {"order": None},
    Stage.PERFORMANCE_REVIEW: {"review": None},
}


def _relog(p: BuyingProcess, events: tuple[Event[Stage], ...]) -> BuyingProcess:
    """The same process with another log (replay's linear fold; nothing is checked)."""
    return _rebuild_process(p, events=events)


def _evolve(p: BuyingProcess, event: Event[Stage]) -> BuyingProcess:
    move = event.transition
    payload = event.payload
    if payload is None and (move == "advance" or move == "skip"):
        return _moved(p, event.target, event)
    changes: dict[str, Any] = {}
    status = p.status
    if move == "revisit":
        for stage in _STAGES[event.target.number - 1 :]:
            changes.update(_CLEARED.get(stage, {}))
    elif move == "abandon":
        status = _ABANDONED
        if p.seller is not None:
            # abandon() always carries the reason; an event written by other means
            # (BUYING.fire, a stored log) may not: the deal is then lost for no decision.
            changes["outcome"] = Outcome.LOST
            changes["loss_reason"] = (
                payload.loss_reason if type(payload) is Abandonment else _NO_DECISION
            )
    elif payload is not None:
        _apply(p, payload, changes)
    if move == "complete":
        status = _COMPLETED
        if p.seller is not None and changes.get("outcome", p.outcome) is None:
            supplier = p.supplier
            changes["outcome"] = Outcome.WON if supplier == p.seller else Outcome.LOST
            if supplier != p.seller:
                changes["loss_reason"] = (
                    LossReason.INCUMBENT if supplier is not None else _NO_DECISION
                )
    n: BuyingProcess = _new(BuyingProcess)
    _p_opening(n, p.opening)
    _p_stage(n, event.target)
    _p_status(n, status)
    _p_events(n, (*p.events, event))
    _p_data(n, _rebuild_data(p.data, **changes) if changes else p.data)
    return n


def _transitions() -> tuple[Transition[BuyingProcess, Stage], ...]:
    table: list[Transition[BuyingProcess, Stage]] = []
    for here, there in itertools.pairwise(_STAGES):
        table.append(Transition("advance", {here}, there, advance_guard, "finish the stage, go on"))
        table.append(Transition("skip", {here}, there, skip_guard, "leave the stage undone"))
    table.extend(
        Transition("record", {stage}, stage, record_guard, "record stage data or a note")
        for stage in _STAGES
    )
    for i, stage in enumerate(_STAGES):
        table.extend(
            Transition("revisit", {stage}, earlier, revisit_guard, "loop back")
            for earlier in _STAGES[:i]
        )
    table.extend(
        Transition("abandon", {stage}, stage, abandon_guard, "the buyer gives up")
        for stage in _STAGES
    )
    table.append(
        Transition(
            "complete",
            {Stage.PERFORMANCE_REVIEW},
            Stage.PERFORMANCE_REVIEW,
            complete_guard,
            "close after the review",
        )
    )
    return tuple(table)


BUYING: Definition[BuyingProcess, Stage] = Definition(
    name="buying",
    states=_STAGES,
    initial=Stage.PROBLEM_RECOGNITION,
    transitions=_transitions(),
    # attrgetter runs in C: the machine reads these on every move.
    state_of=attrgetter("stage"),
    events_of=attrgetter("events"),
    evolve=_evolve,
    create=_create,
    final=frozenset({Stage.PERFORMANCE_REVIEW}),
    relog=_relog,
    labels={
        "start": ("Bắt đầu", "start"),
        "advance": ("Tiếp tục", "advance"),
        "skip": ("Bỏ qua", "skip"),
        "record": ("Ghi nhận", "record"),
        "revisit": ("Quay lại", "revisit"),
        "abandon": ("Từ bỏ", "abandon"),
        "complete": ("Hoàn tất", "complete"),
    },
)
"""The eight-stage machine: ``advance``/``skip`` to the next stage, ``record`` data,
``revisit`` an earlier stage, ``abandon`` anywhere, ``complete`` after the review."""


_EMPTY = StageData()


_DRAWN = frozenset({"advance", "skip", "complete"})
_LEFT_OUT = {Requirement.REQUIRED: "skip", Requirement.SKIPPED: "advance"}
_NOTE = {
    "vi": ("về bất kỳ bước nào trước đó", "từ bất kỳ bước nào"),
    "en": ("back to any earlier stage", "from any stage"),
}


def to_mermaid(
    current: Stage | None = None,
    *,
    buy_class: BuyClass | None = None,
    grid: Buygrid = BUYGRID,
    lang: str = "vi",
) -> str:
    """Mermaid ``stateDiagram-v2`` text of the buying machine (:meth:`BUYING.to_mermaid
    <khachhang.fsm.Definition.to_mermaid>`, with the loops in a note).

    With ``buy_class`` each step says whether it may be skipped (the buygrid);
    ``current`` is highlighted. Every word is in ``lang``.

    >>> print(to_mermaid(lang="en").splitlines()[1])
        state "Problem recognition" as problem_recognition
    >>> print(to_mermaid(buy_class=BuyClass.NEW_TASK).splitlines()[10])
        problem_recognition --> general_need_description: Tiếp tục
    """
    lang = check_lang(lang)
    if current is not None:
        check_type("current", current, Stage)
    if buy_class is not None:
        check_type("buy_class", buy_class, BuyClass)

    def edge(transition: Transition[BuyingProcess, Stage], source: Stage) -> str | None:
        move = transition.name
        if move not in _DRAWN:
            return None  # record, revisit and abandon: in the note
        if buy_class is not None and _LEFT_OUT.get(grid.requirement(buy_class, source)) == move:
            return None
        return BUYING.move_label(move, lang)

    revisit, abandon = _NOTE[lang]
    note = (
        f"{BUYING.move_label('revisit', lang)}: {revisit}",
        f"{BUYING.move_label('abandon', lang)}: {abandon}",
    )
    return BUYING.to_mermaid(current, lang=lang, edge=edge, note=note)
