"""The buying machine's guards: why a move is refused, in words (private).

Each guard sees the process and the proposed event and returns ``None`` to allow the
move or a sentence naming what is missing; :mod:`khachhang.fsm` turns the sentence into
a :class:`~khachhang.errors.TransitionError` and into ``allowed_moves()`` reasons.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from khachhang._checks import instant
from khachhang.buying.center import Participant
from khachhang.buying.data import (
    Abandonment,
    Candidates,
    InfluenceNote,
    Order,
    Proposal,
    Review,
    Selection,
)
from khachhang.buying.stages import BUYGRID, Requirement, Stage, Status
from khachhang.fsm import Event, Payload

if TYPE_CHECKING:
    from khachhang.buying.process import BuyingProcess

__all__ = [
    "abandon_guard",
    "advance_guard",
    "complete_guard",
    "record_guard",
    "revisit_guard",
    "skip_guard",
]

_STAGES: tuple[Stage, ...] = tuple(Stage)
_OPEN = Status.OPEN
_SKIPPED, _REQUIRED = Requirement.SKIPPED, Requirement.REQUIRED

# Which stage each kind of stage data belongs to (notes and participants: any stage).
_STAGE_OF: dict[type[Payload], Stage] = {
    Candidates: Stage.SUPPLIER_SEARCH,
    Proposal: Stage.PROPOSAL_SOLICITATION,
    Selection: Stage.SUPPLIER_SELECTION,
    Order: Stage.ORDER_ROUTINE_SPECIFICATION,
    Review: Stage.PERFORMANCE_REVIEW,
}
_ANY_STAGE: tuple[type[Payload], ...] = (InfluenceNote, Participant)

MAX_ITEMS = 1_000
"""The most influence notes, buying-centre participants, candidates or proposals one
process holds: each record copies its list, so without a bound a long stored log would
cost quadratic time to replay."""


def _en(stage: Stage) -> str:
    return stage.label_en.lower()


def _closed(p: BuyingProcess) -> str | None:
    if p.status is not _OPEN:
        return f"the process is {p.status.value}"
    return None


def _not_part(p: BuyingProcess, stage: Stage) -> str:
    return (
        f"{_en(stage)} is not part of a {p.buy_class.label_en.lower()} (buygrid: skipped); skip it"
    )


def _data_refusal(
    p: BuyingProcess, payload: Payload, at: datetime, *, performed: bool = False
) -> str | None:
    """Why ``payload`` cannot be recorded now, or ``None``; ``performed``: the caller
    already knows the current stage is one this buy class goes through."""
    kind = type(payload)
    if kind in _ANY_STAGE:
        return _full(p, payload)
    stage = _STAGE_OF.get(kind)
    if stage is None:
        return f"{kind.__name__} is not stage data"
    if stage is not p.stage:
        return f"{kind.__name__} belongs to {_en(stage)}; the process is at {_en(p.stage)}"
    if not performed and _cell(p, stage) is _SKIPPED:
        return _not_part(p, stage)
    if kind is Candidates:
        twice = sorted(set(payload.suppliers) & set(p.candidates))  # type: ignore[attr-defined]  # narrowed by `kind is ...` above
        if twice:
            return f"already candidates: {', '.join(twice)}"
        if len(p.candidates) + len(payload.suppliers) > MAX_ITEMS:  # type: ignore[attr-defined]  # narrowed by `kind is ...` above
            return f"a process holds at most {MAX_ITEMS} candidates"
        return None
    if kind is Proposal:
        supplier = payload.supplier  # type: ignore[attr-defined]  # narrowed by `kind is ...` above
        if len(p.proposals) >= MAX_ITEMS and all(x.supplier != supplier for x in p.proposals):
            return f"a process holds at most {MAX_ITEMS} proposals"
        return _proposal_refusal(payload, at)  # type: ignore[arg-type]  # narrowed by `kind is ...` above
    if kind is Selection:
        return _selection_refusal(p, payload, at)  # type: ignore[arg-type]  # narrowed by `kind is ...` above
    if p.supplier is None:  # an order or a review needs to know the supplier
        what = "order from" if kind is Order else "review"
        return f"no supplier to {what}: select one first (or rebuy from a completed purchase)"
    return None


def _full(p: BuyingProcess, payload: Payload) -> str | None:
    """Why a note or participant would overflow the process (``MAX_ITEMS``), or ``None``."""
    if type(payload) is InfluenceNote:
        if len(p.influences) >= MAX_ITEMS:
            return f"a process holds at most {MAX_ITEMS} influence notes"
        return None
    people = p.center.participants
    person = payload.person  # type: ignore[attr-defined]  # narrowed by `kind is ...` above
    if len(people) >= MAX_ITEMS and all(x.person != person for x in people):
        return f"a buying centre holds at most {MAX_ITEMS} participants"
    return None


def _proposal_refusal(proposal: Proposal, at: datetime) -> str | None:
    if proposal.valid_until < instant(at):
        return f"the proposal from {proposal.supplier!r} expired before it was received"
    return None


def _selection_refusal(p: BuyingProcess, selection: Selection, at: datetime) -> str | None:
    chosen = next((x for x in p.proposals if x.supplier == selection.supplier), None)
    if chosen is None:
        if not p.proposals:
            return f"no proposal received; cannot select {selection.supplier!r}"
        senders = ", ".join(x.supplier for x in p.proposals)
        return f"no proposal from {selection.supplier!r} (proposals from: {senders})"
    if chosen.valid_until < instant(at):
        return (
            f"the proposal from {selection.supplier!r} expired at {chosen.valid_until.isoformat()}"
        )
    if p.seller is None:
        if selection.loss_reason is not None:
            return "a loss reason needs a seller's process (start(..., seller=...))"
    elif selection.supplier == p.seller:
        if selection.loss_reason is not None:
            return "our proposal was selected: a won deal has no loss reason"
    elif selection.loss_reason is None:
        return f"{selection.supplier!r} was selected over us: give a loss_reason"
    return None


_MISSING_BY_STAGE = {
    Stage.SUPPLIER_SEARCH: (Candidates, "candidates", "no candidate suppliers recorded"),
    Stage.PROPOSAL_SOLICITATION: (Proposal, "proposals", "no proposal received"),
    Stage.SUPPLIER_SELECTION: (
        Selection,
        "selection",
        "no supplier selected (select one that sent a proposal)",
    ),
    Stage.ORDER_ROUTINE_SPECIFICATION: (
        Order,
        "order",
        "no order recorded (items, delivery and payment terms)",
    ),
}


# Indexed by stage number: an enum's hash is computed in Python, a list index is not.
_MISSING = [None] + [_MISSING_BY_STAGE.get(stage) for stage in _STAGES]


def _cell(p: BuyingProcess, stage: Stage) -> Requirement:
    """The buygrid cell for ``stage`` in ``p``'s buy class (the guards' hot path)."""
    opening = p.opening
    grid = opening.grid if opening.grid is not None else BUYGRID
    column: tuple[Requirement, ...] = getattr(grid, opening.buy_class._value_)
    return column[stage._number - 1]


def advance_guard(p: BuyingProcess, event: Event[Stage]) -> str | None:
    if p.status is not _OPEN:
        return _closed(p)
    stage = p.stage
    if _cell(p, stage) is _SKIPPED:
        return _not_part(p, stage)
    payload = event.payload
    if payload is not None:
        refusal = _data_refusal(p, payload, event.at, performed=True)
        if refusal is not None:
            return refusal
    needed = _MISSING[stage._number]
    if needed is not None and not getattr(p, needed[1]) and type(payload) is not needed[0]:
        return needed[2]
    return None


def skip_guard(p: BuyingProcess, event: Event[Stage]) -> str | None:
    if p.status is not _OPEN:
        return _closed(p)
    if _cell(p, p.stage) is _REQUIRED:
        return (
            f"{_en(p.stage)} is required in a {p.buy_class.label_en.lower()} (buygrid); "
            "it cannot be skipped"
        )
    if event.payload is not None:
        return "a skipped stage records no data"
    return None


def record_guard(p: BuyingProcess, event: Event[Stage]) -> str | None:
    if p.status is not _OPEN:
        return _closed(p)
    if event.payload is None:
        return "nothing to record: pass the stage's data"
    return _data_refusal(p, event.payload, event.at)


def revisit_guard(p: BuyingProcess, event: Event[Stage]) -> str | None:
    if p.status is not _OPEN:
        return _closed(p)
    if not event.note.strip():
        return "say why the process loops back (reason=...)"
    if event.payload is not None:
        return "a revisit carries no data"
    return None


def abandon_guard(p: BuyingProcess, event: Event[Stage]) -> str | None:
    if p.status is not _OPEN:
        return _closed(p)
    if not event.note.strip():
        return "say why the purchase is abandoned (reason=...)"
    payload = event.payload
    if payload is not None:
        if type(payload) is not Abandonment:
            return "an abandon carries only its loss reason"
        if p.seller is None:
            return "a loss reason needs a seller's process (start(..., seller=...))"
    return None


def complete_guard(p: BuyingProcess, event: Event[Stage]) -> str | None:
    if p.status is not _OPEN:
        return _closed(p)
    payload = event.payload
    if payload is not None:
        if type(payload) is not Review:
            return "complete carries only the performance review"
        refusal = _data_refusal(p, payload, event.at)
        if refusal is not None:
            return refusal
    elif p.review is None and p.requirement(Stage.PERFORMANCE_REVIEW) is _REQUIRED:
        return "no performance review recorded (kept commitments and a rating)"
    return None
