"""Complaints (khiếu nại) on the library's one state machine.

Post-sale care ends with "giải quyết các khiếu nại từ người sử dụng nhanh
chóng, chính xác" — resolve complaints quickly and correctly. A :class:`Complaint` is an
immutable value moved by :data:`COMPLAINT`:

.. code-block:: text

    received → acknowledged → in progress ⇄ waiting on customer → resolved → closed
                                  ↑___________ reopen ____________|

>>> from datetime import datetime, timedelta
>>> from zoneinfo import ZoneInfo
>>> from khachhang.care.channels import Channel
>>> t = datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
>>> c = Complaint("k-1", "c-7", Channel.PHONE, "Giao hàng trễ", received_at=t)
>>> c = c.acknowledge(at=t + timedelta(minutes=20), actor="lan")
>>> c = COMPLAINT.fire(c, "begin_work", at=t + timedelta(hours=1))  # the same, spelled out
>>> c = c.resolve(Resolution(ResolutionOutcome.REPLACEMENT), at=t + timedelta(hours=3))
>>> c.status, c.status.label("en")
(ComplaintStatus.RESOLVED, 'Resolved')
>>> [m.transition for m in c.allowed_moves() if m.open]
['close']
>>> c.resolve(Resolution(ResolutionOutcome.REFUND), at=t + timedelta(hours=4))
Traceback (most recent call last):
...
khachhang.errors.TransitionError: complaint: cannot 'resolve' from state 'resolved': ...
>>> Complaint.replay(c.events, onto=c.opening()) == c
True

Each move of :data:`COMPLAINT` is a method (``acknowledge``, ``begin_work``, ``reply``,
``request_info``, ``customer_reply``, ``resolve``, ``close``, ``reopen``) that calls
``COMPLAINT.fire``. Building a complaint directly (or loading one with
:mod:`khachhang.serde`) replays its log through the machine, so a forged log — a move
the table forbids, time going backwards, a ``resolve`` without its :class:`Resolution`
— is refused, naming the event.

Replies are moves too: ``acknowledge``, ``reply``, ``request_info`` and ``resolve`` are
the firm answering (:data:`AGENT_REPLIES`); ``customer_reply`` and ``reopen`` are the
customer writing (:data:`CUSTOMER_MESSAGES`). The service-level clock
(:mod:`khachhang.care.service.sla`) reads them from the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_optional,
    check_type,
    clean_text,
    instant,
)
from khachhang.care.channels import Channel
from khachhang.errors import ValidationError
from khachhang.fsm import (
    Definition,
    Event,
    Move,
    Payload,
    Transition,
    rebuilder,
    require_aware,
)
from khachhang.labels import BilingualEnum
from khachhang.money import Money

__all__ = [
    "AGENT_REPLIES",
    "COMPLAINT",
    "CUSTOMER_MESSAGES",
    "Complaint",
    "ComplaintStatus",
    "Priority",
    "Resolution",
    "ResolutionOutcome",
]


class ComplaintStatus(BilingualEnum):
    """Where a complaint stands."""

    RECEIVED = ("received", "Đã tiếp nhận", "Received")
    ACKNOWLEDGED = ("acknowledged", "Đã xác nhận tiếp nhận", "Acknowledged")
    IN_PROGRESS = ("in_progress", "Đang xử lý", "In progress")
    WAITING_ON_CUSTOMER = (
        "waiting_on_customer",
        "Chờ khách hàng phản hồi",
        "Waiting on customer",
    )
    RESOLVED = ("resolved", "Đã giải quyết", "Resolved")
    CLOSED = ("closed", "Đã đóng", "Closed")


class Priority(BilingualEnum):
    """How urgent a complaint is; service levels may set targets per priority."""

    LOW = ("low", "Thấp", "Low")
    NORMAL = ("normal", "Bình thường", "Normal")
    HIGH = ("high", "Cao", "High")
    URGENT = ("urgent", "Khẩn cấp", "Urgent")


class ResolutionOutcome(BilingualEnum):
    """What the firm did to resolve a complaint."""

    REFUND = ("refund", "Hoàn tiền", "Refund")
    REPLACEMENT = ("replacement", "Đổi sản phẩm", "Replacement")
    REPAIR = ("repair", "Sửa chữa, bảo hành", "Repair under warranty")
    COMPENSATION = ("compensation", "Bồi thường, tặng ưu đãi", "Compensation or voucher")
    EXPLANATION = ("explanation", "Giải thích, hướng dẫn sử dụng", "Explanation or guidance")
    NO_FAULT = ("no_fault", "Không có lỗi từ doanh nghiệp", "No fault found")


@attrs.frozen
class Resolution(Payload):
    """The payload of a ``resolve`` move: what was done, and any money given back.

    >>> Resolution(ResolutionOutcome.REFUND, Money("250000")).amount.format()
    '250.000 ₫'
    """

    outcome: ResolutionOutcome
    amount: Money | None = None

    def __attrs_post_init__(self) -> None:
        check_type("outcome", self.outcome, ResolutionOutcome)
        amount = check_optional("amount", self.amount, Money)
        if amount is not None and amount.amount < 0:
            raise ValidationError("amount", "must not be negative")


AGENT_REPLIES: frozenset[str] = frozenset({"acknowledge", "reply", "request_info", "resolve"})
"""Moves that are the firm answering the customer (they stop the reply clocks)."""

CUSTOMER_MESSAGES: frozenset[str] = frozenset({"customer_reply", "reopen"})
"""Moves that are the customer writing (they start a next-reply clock)."""

_OPEN = frozenset(
    {
        ComplaintStatus.RECEIVED,
        ComplaintStatus.ACKNOWLEDGED,
        ComplaintStatus.IN_PROGRESS,
        ComplaintStatus.WAITING_ON_CUSTOMER,
    }
)


def _events(values: Iterable[Event[ComplaintStatus]]) -> tuple[Event[ComplaintStatus], ...]:
    return check_items("events", as_collection("events", values), Event)


@attrs.frozen
class Complaint:
    """A customer's complaint, its priority, the channel it came through and its log.

    Args:
        id: the application's identifier.
        customer_id: who complained.
        channel: where the complaint arrived (:class:`~khachhang.care.channels.Channel`).
        subject: a one-line summary.
        received_at: when it arrived (timezone-aware); every clock starts here.
        priority: :class:`Priority`, normal by default.
        status: moved by :data:`COMPLAINT`; must match the last event.
        events: the machine's audit trail (moves only; the arrival is ``received_at``).

    Move it with its methods (:meth:`acknowledge`, :meth:`begin_work`, :meth:`reply`,
    :meth:`request_info`, :meth:`customer_reply`, :meth:`resolve`, :meth:`close`,
    :meth:`reopen`) or ``COMPLAINT.fire``; each returns a new complaint.

    Raises:
        ValidationError: for a log :data:`COMPLAINT` refuses when replayed onto the
            opening (``events[i]``: a move the table lacks, a wrong source, time going
            backwards or before ``received_at``, a guard's refusal such as ``resolve``
            without a :class:`Resolution`), or a status the log contradicts.
    """

    id: str
    customer_id: str
    channel: Channel
    subject: str
    received_at: datetime
    priority: Priority = Priority.NORMAL
    status: ComplaintStatus = ComplaintStatus.RECEIVED
    events: tuple[Event[ComplaintStatus], ...] = attrs.field(default=(), converter=_events)

    def __attrs_post_init__(self) -> None:
        # Only reached by direct construction (``Complaint(...)``, ``attrs.evolve``, the
        # converter): the moves build complaints without it, checking just the new event.
        object.__setattr__(self, "id", check_key("id", self.id, max_len=128))
        object.__setattr__(
            self, "customer_id", check_key("customer_id", self.customer_id, max_len=128)
        )
        object.__setattr__(self, "subject", clean_text("subject", self.subject, max_len=500))
        check_type("channel", self.channel, Channel)
        require_aware(self.received_at, "received_at")
        check_type("priority", self.priority, Priority)
        check_type("status", self.status, ComplaintStatus)
        # The log is the truth: replay it through COMPLAINT (table, time order, guards)
        # in one linear fold; a refusal names the bad row (``events[i]``).
        COMPLAINT.check_log(self)

    @classmethod
    def replay(
        cls, events: Iterable[Event[ComplaintStatus]], *, onto: Complaint | None = None
    ) -> Complaint:
        """Rebuild a complaint by replaying ``events`` onto ``onto``, re-checking every
        move and guard: the shape of every aggregate's ``replay``.

        ``onto`` is the complaint the events start from: ``c.opening()`` (the complaint as
        it arrived, received with an empty log) or a complaint replayed so far. Here it
        is required: the log has no creation event, because what the complaint is (id,
        customer, channel, subject, priority, ``received_at``) is its own data, fixed on
        arrival; the log records only how it was handled.

        Raises:
            LogError: a move the table or a guard refuses, or time going backwards,
                naming the event (``events[i]``).
            ValidationError: ``onto`` is missing or not a :class:`Complaint`, named.
        """
        return COMPLAINT.replay(events, onto=check_optional("onto", onto, cls))

    # -- moving (each is ``COMPLAINT.fire(self, "<move>", ...)``) ------------------------
    def acknowledge(self, *, at: datetime, actor: str | None = None, note: str = "") -> Complaint:
        """First reply: the firm confirms it received the complaint."""
        return COMPLAINT.fire(self, "acknowledge", at=at, actor=actor, note=note)

    def begin_work(self, *, at: datetime, actor: str | None = None, note: str = "") -> Complaint:
        """Work on the complaint starts (from received or acknowledged)."""
        return COMPLAINT.fire(self, "begin_work", at=at, actor=actor, note=note)

    def reply(self, *, at: datetime, actor: str | None = None, note: str = "") -> Complaint:
        """The firm answers the customer, staying in the current status."""
        return COMPLAINT.fire(self, "reply", at=at, actor=actor, note=note)

    def request_info(self, *, at: datetime, actor: str | None = None, note: str = "") -> Complaint:
        """The firm asks the customer for something: waiting on the customer."""
        return COMPLAINT.fire(self, "request_info", at=at, actor=actor, note=note)

    def customer_reply(
        self, *, at: datetime, actor: str | None = None, note: str = ""
    ) -> Complaint:
        """The customer writes (after a request, work goes on: in progress)."""
        return COMPLAINT.fire(self, "customer_reply", at=at, actor=actor, note=note)

    def resolve(
        self, resolution: Resolution, *, at: datetime, actor: str | None = None, note: str = ""
    ) -> Complaint:
        """Resolved: ``resolution`` says what was done (a :class:`Resolution`)."""
        return COMPLAINT.fire(self, "resolve", at=at, actor=actor, note=note, payload=resolution)

    def close(self, *, at: datetime, actor: str | None = None, note: str = "") -> Complaint:
        """Closed for good (from resolved; a closed complaint cannot be reopened)."""
        return COMPLAINT.fire(self, "close", at=at, actor=actor, note=note)

    def reopen(self, *, note: str, at: datetime, actor: str | None = None) -> Complaint:
        """Not resolved after all: back in progress; ``note`` says why (required)."""
        return COMPLAINT.fire(self, "reopen", at=at, actor=actor, note=note)

    def allowed_moves(
        self, *, at: datetime | None = None, payload: Payload | None = None
    ) -> tuple[Move[ComplaintStatus], ...]:
        """Every move from the current status, open or closed with the guard's reason
        (``COMPLAINT.allowed``); ``at`` and ``payload`` are what the guards are asked about."""
        return COMPLAINT.allowed(self, at=at, payload=payload)

    @property
    def is_open(self) -> bool:
        """Neither resolved nor closed."""
        return self.status in _OPEN

    def opening(self) -> Complaint:
        """This complaint as it arrived: received, with an empty log (the ``onto`` of replay)."""
        return _opening(self)

    def status_at(self, *, as_of: datetime) -> ComplaintStatus:
        """The status the complaint was in at ``as_of`` (received before it arrived)."""
        as_of = instant(require_aware(as_of, "as_of"))
        state = ComplaintStatus.RECEIVED
        for event in self.events:
            if event.at > as_of:
                break
            state = event.target
        return state

    def first_reply_at(self) -> datetime | None:
        """When the firm first answered, if it has."""
        return next((e.at for e in self.events if e.transition in AGENT_REPLIES), None)

    def resolved_at(self) -> datetime | None:
        """When the complaint was last resolved, if it is resolved or closed now."""
        if self.is_open:
            return None
        return next(e.at for e in reversed(self.events) if e.transition == "resolve")

    # -- notebook view (khachhang.views) -----------------------------------------------
    def to_html(self, lang: str = "vi") -> str:
        """The complaint's facts and its log: see :func:`khachhang.views.to_html`."""
        from khachhang.views._care import complaint_html

        return complaint_html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()


def _arrived(complaint: Complaint, event: Event[ComplaintStatus]) -> str | None:
    if event.at < instant(complaint.received_at):
        return f"at={event.at.isoformat()} is before the complaint arrived"
    return None


def _resolve_guard(complaint: Complaint, event: Event[ComplaintStatus]) -> str | None:
    refusal = _arrived(complaint, event)
    if refusal is not None:
        return refusal
    if not isinstance(event.payload, Resolution):
        return "say how it was resolved: pass payload=Resolution(...)"
    return None


def _reopen_guard(complaint: Complaint, event: Event[ComplaintStatus]) -> str | None:
    refusal = _arrived(complaint, event)
    if refusal is not None:
        return refusal
    return None if event.note.strip() else "say why it is reopened (note=...)"


# The machine's moves build the next complaint with the fsm's trusted rebuild (the
# constructor would replay the whole log again on every move).
_rebuild_complaint = rebuilder(Complaint)


def _opening(complaint: Complaint) -> Complaint:
    return _rebuild_complaint(complaint, status=ComplaintStatus.RECEIVED, events=())


def _evolve(complaint: Complaint, event: Event[ComplaintStatus]) -> Complaint:
    return _rebuild_complaint(complaint, status=event.target, events=(*complaint.events, event))


def _relog(complaint: Complaint, events: tuple[Event[ComplaintStatus], ...]) -> Complaint:
    return _rebuild_complaint(complaint, events=events)


_S = ComplaintStatus

COMPLAINT: Definition[Complaint, ComplaintStatus] = Definition(
    name="complaint",
    states=tuple(ComplaintStatus),
    initial=_S.RECEIVED,
    transitions=(
        Transition("acknowledge", {_S.RECEIVED}, _S.ACKNOWLEDGED, _arrived, "first reply"),
        Transition(
            "begin_work", {_S.RECEIVED, _S.ACKNOWLEDGED}, _S.IN_PROGRESS, _arrived, "work starts"
        ),
        Transition("reply", {_S.ACKNOWLEDGED}, _S.ACKNOWLEDGED, _arrived, "the firm answers"),
        Transition("reply", {_S.IN_PROGRESS}, _S.IN_PROGRESS, _arrived, "the firm answers"),
        Transition(
            "request_info",
            {_S.ACKNOWLEDGED, _S.IN_PROGRESS},
            _S.WAITING_ON_CUSTOMER,
            _arrived,
            "the firm asks the customer for something",
        ),
        Transition("customer_reply", {_S.RECEIVED}, _S.RECEIVED, _arrived, "the customer writes"),
        Transition(
            "customer_reply", {_S.ACKNOWLEDGED}, _S.ACKNOWLEDGED, _arrived, "the customer writes"
        ),
        Transition(
            "customer_reply",
            {_S.IN_PROGRESS, _S.WAITING_ON_CUSTOMER},
            _S.IN_PROGRESS,
            _arrived,
            "the customer writes",
        ),
        Transition(
            "resolve",
            {_S.RECEIVED, _S.ACKNOWLEDGED, _S.IN_PROGRESS, _S.WAITING_ON_CUSTOMER},
            _S.RESOLVED,
            _resolve_guard,
            "resolved, with a Resolution payload",
        ),
        Transition("close", {_S.RESOLVED}, _S.CLOSED, _arrived, "closed for good"),
        Transition(
            "reopen", {_S.RESOLVED}, _S.IN_PROGRESS, _reopen_guard, "not resolved after all"
        ),
    ),
    state_of=lambda complaint: complaint.status,
    events_of=lambda complaint: complaint.events,
    evolve=_evolve,
    final=frozenset({_S.CLOSED}),
    relog=_relog,
    opening=_opening,
    labels={
        "acknowledge": ("Xác nhận tiếp nhận", "acknowledge"),
        "begin_work": ("Bắt đầu xử lý", "begin_work"),
        "reply": ("Trả lời", "reply"),
        "request_info": ("Yêu cầu bổ sung thông tin", "request_info"),
        "customer_reply": ("Khách hàng phản hồi", "customer_reply"),
        "resolve": ("Giải quyết", "resolve"),
        "close": ("Đóng", "close"),
        "reopen": ("Mở lại", "reopen"),
    },
)
"""The complaint machine. ``COMPLAINT.fire(complaint, "acknowledge", at=..., actor=...)``.

``resolve`` needs a :class:`Resolution` payload; ``reopen`` (from resolved only — closed
is final) needs a note saying why. Moves before ``received_at`` are refused.
"""
