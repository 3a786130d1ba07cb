"""A complaint's log is checked by its machine on construction; its moves are methods."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import HO_CHI_MINH as ICT
from conftest import scaled
from khachhang.care.channels import Channel
from khachhang.care.service.complaints import (
    COMPLAINT,
    Complaint,
    ComplaintStatus,
    Resolution,
    ResolutionOutcome,
)
from khachhang.errors import ConversionError, TransitionError, ValidationError
from khachhang.fsm import Event
from khachhang.serde import from_dict, to_dict
from khachhang.testing import complaints

T = datetime(2026, 3, 2, 9, tzinfo=ICT)
H = timedelta(hours=1)
S = ComplaintStatus
REFUND = Resolution(ResolutionOutcome.REFUND)


def fresh() -> Complaint:
    return Complaint("k-1", "c-1", Channel.PHONE, "Giao hàng trễ", received_at=T)


def resolved() -> Complaint:
    return fresh().acknowledge(at=T + H).begin_work(at=T + 2 * H).resolve(REFUND, at=T + 3 * H)


def forge(
    events: tuple[Event[ComplaintStatus], ...],
    status: ComplaintStatus,
    received_at: datetime = T,
) -> Complaint:
    """Build a complaint directly (as the converter does), log and status as given."""
    c = "k-1", "c-1", Channel.PHONE, "Giao hàng trễ", received_at
    return Complaint(*c, status=status, events=events)


# Each forged log, the row it is wrong at, and a word of the reason.
FORGERIES: dict[str, tuple[tuple[Event[ComplaintStatus], ...], ComplaintStatus, str, str]] = {
    "resolve without a Resolution": (
        (
            Event("acknowledge", S.RECEIVED, S.ACKNOWLEDGED, T + H),
            Event("resolve", S.ACKNOWLEDGED, S.RESOLVED, T + 2 * H),
        ),
        S.RESOLVED,
        "events[1]",
        "Resolution",
    ),
    "a move the table forbids": (
        (
            Event("acknowledge", S.RECEIVED, S.ACKNOWLEDGED, T + H),
            Event("close", S.ACKNOWLEDGED, S.CLOSED, T + 2 * H),
        ),
        S.CLOSED,
        "events[1].transition",
        "close",
    ),
    "time going backwards": (
        (
            Event("acknowledge", S.RECEIVED, S.ACKNOWLEDGED, T + 2 * H),
            Event("begin_work", S.ACKNOWLEDGED, S.IN_PROGRESS, T + H),
        ),
        S.IN_PROGRESS,
        "events[1].at",
        "earlier",
    ),
    "a move before arrival": (
        (Event("acknowledge", S.RECEIVED, S.ACKNOWLEDGED, T - H),),
        S.ACKNOWLEDGED,
        "events[0]",
        "before the complaint arrived",
    ),
    "a broken source chain": (
        (
            Event("acknowledge", S.RECEIVED, S.ACKNOWLEDGED, T + H),
            Event("begin_work", S.RECEIVED, S.IN_PROGRESS, T + 2 * H),
        ),
        S.IN_PROGRESS,
        "events[1].source",
        "from",
    ),
    "reopen without a reason": (
        (
            Event("resolve", S.RECEIVED, S.RESOLVED, T + H, payload=REFUND),
            Event("reopen", S.RESOLVED, S.IN_PROGRESS, T + 2 * H),
        ),
        S.IN_PROGRESS,
        "events[1]",
        "why",
    ),
}


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_a_forged_log_is_refused_naming_the_event(name: str) -> None:
    events, status, row, reason = FORGERIES[name]
    with pytest.raises(ValidationError) as err:
        forge(events, status)
    assert err.value.path == row
    assert reason in str(err.value)
    with pytest.raises(TransitionError):  # the machine agrees
        COMPLAINT.replay(events, onto=fresh())


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_a_forged_log_does_not_load_and_the_error_names_the_event(name: str) -> None:
    events, status, row, reason = FORGERIES[name]
    data = to_dict(fresh())
    data["status"] = status.value
    data["events"] = [to_dict(e) for e in events]
    with pytest.raises(ConversionError) as err:
        from_dict(data, Complaint)
    assert [path for path, _ in err.value.errors] == [f"$.{row}"]
    assert reason in str(err.value)


def test_the_reviewers_case_a_stored_resolve_without_payload_does_not_load() -> None:
    data: Any = to_dict(resolved())
    assert data["events"][-1]["payload"] is not None
    data["events"][-1]["payload"] = None
    with pytest.raises(ConversionError, match="Resolution") as err:
        from_dict(data, Complaint)
    assert err.value.paths == ("$.events[2]",)


def test_a_status_the_log_contradicts_is_refused() -> None:
    c = resolved()
    for status in set(ComplaintStatus) - {c.status}:
        with pytest.raises(ValidationError) as err:
            attrs.evolve(c, status=status)
        assert err.value.path == "status"
        data = to_dict(c)
        data["status"] = status.value
        with pytest.raises(ConversionError) as conv:
            from_dict(data, Complaint)
        assert conv.value.paths == ("$.status",)


@settings(max_examples=scaled(50))
@given(complaints())
def test_valid_complaints_rebuild_and_round_trip(c: Complaint) -> None:
    rebuilt = Complaint(c.id, c.customer_id, c.channel, c.subject, c.received_at,
                        c.priority, c.status, c.events)  # fmt: skip
    assert rebuilt == c
    assert attrs.evolve(c) == c
    assert from_dict(to_dict(c), Complaint) == c
    assert Complaint.replay(c.events, onto=c.opening()) == c


@settings(max_examples=scaled(50))
@given(complaints(), st.data())
def test_a_log_cut_short_is_still_valid_but_a_later_status_is_not(
    c: Complaint, data: st.DataObject
) -> None:
    n = data.draw(st.integers(0, len(c.events)))
    prefix = c.events[:n]
    status = prefix[-1].target if prefix else S.RECEIVED
    assert forge(prefix, status, c.received_at).status is status
    if n < len(c.events) and c.events[n].target is not status:
        with pytest.raises(ValidationError, match="status"):
            forge(prefix, c.events[n].target, c.received_at)


# --- the moves as methods -----------------------------------------------------------------
METHODS: dict[str, Callable[[Complaint, datetime], Complaint]] = {
    "acknowledge": lambda c, at: c.acknowledge(at=at, actor="lan", note="n"),
    "begin_work": lambda c, at: c.begin_work(at=at, actor="lan", note="n"),
    "reply": lambda c, at: c.reply(at=at, actor="lan", note="n"),
    "request_info": lambda c, at: c.request_info(at=at, actor="lan", note="n"),
    "customer_reply": lambda c, at: c.customer_reply(at=at, actor="lan", note="n"),
    "resolve": lambda c, at: c.resolve(REFUND, at=at, actor="lan", note="n"),
    "close": lambda c, at: c.close(at=at, actor="lan", note="n"),
    "reopen": lambda c, at: c.reopen(note="n", at=at, actor="lan"),
}
EXTRA: dict[str, dict[str, Any]] = {"resolve": {"payload": REFUND}}


def test_there_is_a_method_for_every_move_of_the_machine() -> None:
    assert set(METHODS) == {t.name for t in COMPLAINT.transitions}
    for name in METHODS:
        assert callable(getattr(Complaint, name))


@settings(max_examples=scaled(60))
@given(complaints(), st.sampled_from(sorted(METHODS)))
def test_each_method_is_the_machine_firing_that_move(c: Complaint, move: str) -> None:
    later = (c.events[-1].at if c.events else c.received_at) + H
    extra = EXTRA.get(move, {})
    refused: TransitionError | None = None
    try:
        expected = COMPLAINT.fire(c, move, at=later, actor="lan", note="n", **extra)
    except TransitionError as machine_said_no:
        refused = machine_said_no
    if refused is None:
        assert METHODS[move](c, later) == expected
    else:
        with pytest.raises(TransitionError) as method_said_no:
            METHODS[move](c, later)
        assert method_said_no.value.reason == refused.reason


@settings(max_examples=scaled(50))
@given(complaints())
def test_allowed_moves_is_the_machines_answer(c: Complaint) -> None:
    assert c.allowed_moves() == COMPLAINT.allowed(c)
    later = (c.events[-1].at if c.events else c.received_at) + H
    assert c.allowed_moves(at=later, payload=REFUND) == COMPLAINT.allowed(
        c, at=later, payload=REFUND
    )


def test_a_whole_story_told_with_methods() -> None:
    c = fresh().acknowledge(at=T + H, actor="lan")
    c = c.begin_work(at=T + 2 * H).request_info(at=T + 3 * H, note="xin số đơn hàng")
    assert c.status is S.WAITING_ON_CUSTOMER
    c = c.customer_reply(at=T + 5 * H).reply(at=T + 6 * H)
    c = c.resolve(REFUND, at=T + 7 * H).reopen(note="vẫn lỗi", at=T + 30 * H)
    c = c.resolve(REFUND, at=T + 31 * H).close(at=T + 50 * H)
    assert c.status is S.CLOSED
    assert [m.transition for m in c.allowed_moves()] == []
    assert from_dict(to_dict(c), Complaint) == c
    with pytest.raises(TransitionError, match="earlier"):
        fresh().acknowledge(at=T + H).begin_work(at=T)
