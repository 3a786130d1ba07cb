"""Stored logs and ledgers: loading holds the guards moving holds, in UTC, in linear time."""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import khachhang.care.service.loyalty as loyalty_module
import khachhang.fsm as fsm_module
from conftest import SLOW_EXAMPLES, T0, UTC, scaled
from khachhang import Customer, Money, Person, Purchase
from khachhang.buying import BUYING, BuyClass, BuyingProcess, Stage
from khachhang.care.channels import Channel
from khachhang.care.planning.templates import POST_SALE
from khachhang.care.planning.workflows import WORKFLOW_RUN, WorkflowRun
from khachhang.care.service.complaints import COMPLAINT, Complaint, Resolution, ResolutionOutcome
from khachhang.care.service.loyalty import EntryKind, PointsLedger
from khachhang.customers import LIFECYCLE, LifecyclePolicy
from khachhang.errors import (
    ConversionError,
    KhachHangError,
    LogError,
    TransitionError,
    ValidationError,
)
from khachhang.fsm import Definition, Event, Transition
from khachhang.kinds import Lifecycle
from khachhang.serde import from_dict, from_json, to_dict, to_json
from khachhang.testing import _buying as kb
from khachhang.testing import _care as kc
from khachhang.testing import _care_service as ks
from khachhang.testing import customers

T = TypeVar("T")
BERLIN = ZoneInfo("Europe/Berlin")
_SLOW = settings(max_examples=scaled(40), deadline=None, suppress_health_check=SLOW_EXAMPLES)


def _lifecycle_event(move: str, source: Lifecycle, target: Lifecycle, at: datetime) -> Any:
    return to_dict(Event(move, source, target, at))


def _refusal(data: object, cls: type[Any]) -> ConversionError:
    with pytest.raises(ConversionError) as caught:
        from_dict(data, cls)
    return caught.value


# --- 11.2: a customer's lifecycle is what the machine could have reached ----------------


def test_a_loyal_customer_without_a_history_is_refused_on_loading() -> None:
    """The issue's body: ``"lifecycle": "loyal"``, no purchases, no log."""
    data = to_dict(Customer("c-1", Person("Trần Thị Lan"), created_at=T0))
    data["lifecycle"] = "loyal"
    error = _refusal(data, Customer)
    assert error.errors[0][0] == "$.lifecycle"
    assert "empty lifecycle log" in error.errors[0][1]


def test_constructing_a_customer_with_a_forged_lifecycle_is_refused() -> None:
    """The constructor holds the same rule as loading: a ValidationError naming the field."""
    with pytest.raises(ValidationError) as caught:
        Customer("c-1", Person("Trần Thị Lan"), created_at=T0, lifecycle=Lifecycle.LOYAL)
    assert caught.value.path == "lifecycle"


def test_convert_then_promote_without_purchases_is_refused_naming_the_event() -> None:
    data = to_dict(Customer("c-1", Person("Trần Thị Lan"), created_at=T0))
    data["lifecycle"] = "loyal"
    data["lifecycle_events"] = [
        _lifecycle_event("convert", Lifecycle.PROSPECT, Lifecycle.CURRENT, T0),
        _lifecycle_event("promote", Lifecycle.CURRENT, Lifecycle.LOYAL, T0),
    ]
    error = _refusal(data, Customer)
    assert error.errors[0][0] == "$.lifecycle_events[0]"
    assert "no purchase recorded" in error.errors[0][1]


def test_a_log_that_lost_its_first_event_is_refused() -> None:
    """A log starting with ``lapse`` from current: the customer was never converted."""
    c = Customer("c-1", Person("Trần Thị Lan"), created_at=T0)
    c = c.add_purchase(Purchase("o-1", T0, Money(100_000)))
    c = LIFECYCLE.fire(c, "lapse", at=T0 + timedelta(days=400))
    data: Any = to_dict(c)
    data["lifecycle_events"] = data["lifecycle_events"][1:]
    error = _refusal(data, Customer)
    assert error.errors[0][0] == "$.lifecycle_events[0].source"


def test_a_guard_is_checked_as_of_its_event_not_as_of_today() -> None:
    """A ``convert`` needs a purchase at or before that event's time, not just any purchase."""
    early = Event("convert", Lifecycle.PROSPECT, Lifecycle.CURRENT, T0)
    purchase = Purchase("o-1", T0 + timedelta(days=3), Money(100_000))
    with pytest.raises(ValidationError) as caught:
        Customer(
            "c-1",
            Person("Trần Thị Lan"),
            created_at=T0,
            lifecycle=Lifecycle.CURRENT,
            purchases=[purchase],
            lifecycle_events=[early],
        )
    assert caught.value.path == "lifecycle_events[0]"
    assert "no purchase at or before" in caught.value.reason


def test_a_win_back_needs_a_purchase_after_the_lapse() -> None:
    c = Customer("c-1", Person("Trần Thị Lan"), created_at=T0)
    c = c.add_purchase(Purchase("o-1", T0, Money(100_000)))
    c = LIFECYCLE.fire(c, "lapse", at=T0 + timedelta(days=400))
    forged = Event("win_back", Lifecycle.LAPSED, Lifecycle.CURRENT, T0 + timedelta(days=401))
    with pytest.raises(ValidationError, match="no purchase since the customer lapsed"):
        attrs.evolve(c, lifecycle=Lifecycle.CURRENT, lifecycle_events=(*c.lifecycle_events, forged))


def test_a_promotion_under_a_policy_is_checked_against_that_policy() -> None:
    policy = LifecyclePolicy(loyal_min_orders=3, loyal_min_tenure_days=0)
    c = Customer("c-1", Person("Trần Thị Lan"), created_at=T0)
    c = c.add_purchase(Purchase("o-1", T0, Money(100_000)))
    forged = Event("promote", Lifecycle.CURRENT, Lifecycle.LOYAL, T0, payload=policy)
    data: Any = to_dict(c)
    data["lifecycle"] = "loyal"
    data["lifecycle_events"].append(to_dict(forged))
    error = _refusal(data, Customer)
    assert error.errors[0][0] == "$.lifecycle_events[1]"
    assert "loyalty needs 3" in error.errors[0][1]


def test_review_lifecycle_without_a_policy_is_a_clear_error() -> None:
    c = Customer("c-1", Person("Trần Thị Lan"), created_at=T0)
    with pytest.raises(ValidationError) as caught:
        c.review_lifecycle(None, as_of=T0)  # type: ignore[arg-type]
    assert caught.value.path == "policy"


# --- tampering with every stored log: a stored form loads iff moves can produce it ------


def _tampered(
    items: Sequence[T], data: st.DataObject, retime: Callable[[T, timedelta], T]
) -> list[T]:
    """``items`` with one entry dropped, two swapped, one duplicated or one retimed."""
    items = list(items)
    if not items:
        return items
    i = data.draw(st.integers(0, len(items) - 1), label="i")
    op = data.draw(st.sampled_from(["drop", "swap", "duplicate", "retime"]), label="op")
    if op == "drop":
        del items[i]
    elif op == "swap":
        j = data.draw(st.integers(0, len(items) - 1), label="j")
        items[i], items[j] = items[j], items[i]
    elif op == "duplicate":
        items.insert(i, items[i])
    else:
        hours = data.draw(st.sampled_from([-24 * 400, -72, -1, 1, 72, 24 * 400]), label="h")
        items[i] = retime(items[i], timedelta(hours=hours))
    return items


def _retime_event(event: Event[Any], delta: timedelta) -> Event[Any]:
    return attrs.evolve(event, at=event.at + delta)


def _by_moves(definition: Definition[Any, Any], instance: Any, events: Sequence[Event[Any]]) -> Any:
    """What the machine's own moves make of ``events`` (``fire``, as an application does)."""
    for event in events:
        if event.source is not definition.state_of(instance):
            raise TransitionError(definition.name, None, event.transition, "wrong source")
        instance = definition.fire(
            instance,
            event.transition,
            at=event.at,
            actor=event.actor,
            note=event.note,
            payload=event.payload,
            target=event.target,
        )
    return instance


def _started(definition: Definition[Any, Any], events: Sequence[Event[Any]]) -> Any:
    first = events[0]
    if first.source is not None or first.transition != definition.start_name:
        raise TransitionError(definition.name, None, first.transition, "not a creation event")
    start = definition.start(at=first.at, actor=first.actor, note=first.note, payload=first.payload)
    return _by_moves(definition, start, events[1:])


def _law(stored: dict[str, Any], cls: type[Any], oracle: Callable[[], Any]) -> None:
    """``stored`` loads iff the moves build exactly it, and then it is what they built."""
    try:
        built = oracle()
        reachable = to_dict(built) == stored
    except (KhachHangError, IndexError):
        reachable = False
    try:
        loaded = from_dict(stored, cls)
    except ConversionError:
        assert not reachable, "a history the moves make was refused"
    else:
        assert reachable, "a history no sequence of moves makes was loaded"
        assert loaded == built


@_SLOW
@given(customers(min_purchases=1), st.data())
def test_a_tampered_lifecycle_log_loads_only_if_the_machine_could_write_it(
    c: Customer, data: st.DataObject
) -> None:
    events = _tampered(c.lifecycle_events, data, _retime_event)
    stored = to_dict(c)
    stored["lifecycle_events"] = [to_dict(e) for e in events]
    prospect = attrs.evolve(c, lifecycle=Lifecycle.PROSPECT, lifecycle_events=())
    _law(stored, Customer, lambda: _by_moves(LIFECYCLE, prospect, events))


@_SLOW
@given(kb.buying_processes(), st.data())
def test_a_tampered_buying_log_loads_only_if_the_machine_could_write_it(
    p: BuyingProcess, data: st.DataObject
) -> None:
    events = _tampered(p.events, data, _retime_event)
    stored = to_dict(p)
    stored["events"] = [to_dict(e) for e in events]
    _law(stored, BuyingProcess, lambda: _started(BUYING, events))


@_SLOW
@given(ks.complaints(), st.data())
def test_a_tampered_complaint_log_loads_only_if_the_machine_could_write_it(
    c: Complaint, data: st.DataObject
) -> None:
    events = _tampered(c.events, data, _retime_event)
    stored = to_dict(c)
    stored["events"] = [to_dict(e) for e in events]
    _law(stored, Complaint, lambda: _by_moves(COMPLAINT, c.opening(), events))


@_SLOW
@given(kc.workflow_runs(), st.data())
def test_a_tampered_workflow_run_loads_only_if_the_machine_could_write_it(
    run: WorkflowRun, data: st.DataObject
) -> None:
    events = _tampered(run.events, data, _retime_event)
    stored = to_dict(run)
    stored["events"] = [to_dict(e) for e in events]
    _law(stored, WorkflowRun, lambda: _started(WORKFLOW_RUN, events))


def _retime_entry(entry: loyalty_module.LedgerEntry, delta: timedelta) -> Any:
    moved = entry.at + delta
    if entry.expires_at is not None and entry.expires_at <= moved:
        return attrs.evolve(entry, at=moved, expires_at=None)
    return attrs.evolve(entry, at=moved)


def _ledger_by_moves(customer_id: str, entries: Sequence[loyalty_module.LedgerEntry]) -> Any:
    ledger = PointsLedger(customer_id)
    for e in entries:
        if e.kind is EntryKind.EARN:
            ledger = ledger.earn(e.points, at=e.at, expires_at=e.expires_at, reference=e.reference)
        else:
            ledger = ledger.redeem(e.points, at=e.at, reference=e.reference)
    return ledger


@_SLOW
@given(ks.points_ledgers(), st.data())
def test_a_tampered_points_ledger_loads_only_if_earning_and_redeeming_could_write_it(
    ledger: PointsLedger, data: st.DataObject
) -> None:
    entries = _tampered(ledger.entries, data, _retime_entry)
    stored: Any = to_dict(ledger)
    stored["entries"] = [to_dict(e) for e in entries]
    _law(stored, PointsLedger, lambda: _ledger_by_moves(ledger.customer_id, entries))


def test_a_ledger_without_its_first_earn_is_refused() -> None:
    t = T0
    ledger = PointsLedger("c-1").earn(100, at=t).earn(50, at=t + timedelta(days=1))
    ledger = ledger.redeem(120, at=t + timedelta(days=2))
    stored: Any = to_dict(ledger)
    stored["entries"] = stored["entries"][1:]
    assert _refusal(stored, PointsLedger).errors[0][0] == "$.entries[1]"


# --- 18.2: instants, not wall times --------------------------------------------------


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def test_time_cannot_go_backwards_across_a_dst_fold() -> None:
    """The issue's example: 02:15 (second pass, 01:15 UTC) then 02:30 (first, 00:30 UTC)."""
    later = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=BERLIN)
    earlier = datetime(2026, 10, 25, 2, 30, fold=0, tzinfo=BERLIN)
    assert _utc(earlier) < _utc(later)
    c = Customer("c-1", Person("Trần Thị Lan"), created_at=datetime(2026, 1, 1, tzinfo=BERLIN))
    c = c.add_purchase(Purchase("o-1", later, Money(100_000)))
    with pytest.raises(TransitionError, match="earlier than the last event"):
        LIFECYCLE.fire(c, "lapse", at=earlier)
    assert from_json(to_json(c), Customer) == c


def test_purchases_are_ordered_by_instant_so_the_last_one_is_the_latest() -> None:
    first = Purchase("o-1", datetime(2026, 10, 25, 2, 30, fold=0, tzinfo=BERLIN), Money(1))
    second = Purchase("o-2", datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=BERLIN), Money(1))
    c = Customer("c-1", Person("Trần Thị Lan"), created_at=T0, purchases=[second, first])
    assert [p.id for p in c.purchases] == ["o-1", "o-2"]
    assert c.last_purchase_at is second.at
    as_of = datetime(2026, 10, 25, 2, 20, fold=1, tzinfo=BERLIN)  # 01:20 UTC
    assert [p.id for p in c.purchases_until(as_of=as_of)] == ["o-1", "o-2"]
    assert c.spent(as_of=as_of).amount == 2


def test_the_zone_of_a_repeated_hour_survives_json() -> None:
    at = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=BERLIN)
    text = to_json(Purchase("o-1", at, Money(1)))
    assert '"2026-10-25T02:15:00+01:00[Europe/Berlin]"' in text
    back = from_json(text, Purchase)
    assert back.at.tzinfo is BERLIN
    assert back.at.fold == 1


@pytest.mark.parametrize(
    "text",
    [
        "2026-10-25T02:15:00+05:00[Europe/Berlin]",
        "2026-10-25T02:15:00+01:00[Mars/Olympus]",
        "2026-10-25T02:15:00+01:00[../../etc/passwd]",
    ],
)
def test_a_zone_suffix_that_does_not_fit_is_refused(text: str) -> None:
    data = to_dict(Purchase("o-1", T0, Money(1)))
    data["at"] = text
    assert _refusal(data, Purchase).errors[0][0] == "$.at"


def test_time_in_a_stage_is_elapsed_time_across_a_dst_change() -> None:
    """Spring forward in Berlin: 01:00 to 04:00 on the clock is two hours."""
    start = datetime(2026, 3, 29, 1, 0, tzinfo=BERLIN)
    p = BuyingProcess.start(id="b-1", buyer="c-1", buy_class=BuyClass.NEW_TASK, at=start)
    p = p.advance(at=datetime(2026, 3, 29, 4, 0, tzinfo=BERLIN))
    spent = p.time_in_stage()
    assert spent[Stage.PROBLEM_RECOGNITION] == timedelta(hours=2)
    assert sum(spent.values(), timedelta()) == timedelta(hours=2)


_ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Europe/Dublin",
    "Pacific/Chatham",
)


@functools.cache
def _transitions() -> tuple[tuple[ZoneInfo, datetime], ...]:
    """Every offset change of the zones in 2025-2027, as local wall times (naive)."""
    found = []
    for key in _ZONES:
        zone = ZoneInfo(key)
        at = datetime(2025, 1, 1, tzinfo=UTC)
        offset = at.astimezone(zone).utcoffset()
        while at.year < 2028:
            nxt = at + timedelta(hours=1)
            changed = nxt.astimezone(zone).utcoffset()
            if changed != offset:
                found.append((zone, nxt.astimezone(zone).replace(tzinfo=None)))
                offset = changed
            at = nxt
    return tuple(found)


@st.composite
def _dst_times(draw: st.DrawFn, n: int) -> list[datetime]:
    """``n`` local times, near clock changes (repeated and skipped hours included), in
    one zone, sorted by instant."""
    zone_key = draw(st.sampled_from(_ZONES))
    near = [wall for zone, wall in _transitions() if zone.key == zone_key]
    times = []
    for _ in range(n):
        wall = draw(st.sampled_from(near)) + timedelta(minutes=draw(st.integers(-150, 150)))
        times.append(wall.replace(tzinfo=ZoneInfo(zone_key), fold=draw(st.integers(0, 1))))
    return sorted(times, key=_utc)


def _attempt(value: T, move: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``move(*args, **kwargs)``, or ``value`` unchanged when the move is refused."""
    try:
        return move(*args, **kwargs)
    except KhachHangError:
        return value


_POLICY = LifecyclePolicy(loyal_min_orders=2, loyal_min_tenure_days=0, lapse_after_days=1)
_COMPLAINT_MOVES = ("acknowledge", "begin_work", "reply", "resolve", "reopen")


@st.composite
def _dst_values(draw: st.DrawFn) -> object:
    """A customer, buying process, complaint, ledger or workflow run moved at DST times."""
    times = draw(_dst_times(draw(st.integers(2, 12))))
    kind = draw(st.sampled_from(["customer", "buying", "complaint", "ledger", "run"]))
    choices = st.integers(0, 3)
    if kind == "customer":
        c = Customer("c-1", Person("Trần Thị Lan"), created_at=times[0])
        for i, at in enumerate(times[1:]):
            if draw(choices):
                c = _attempt(c, c.add_purchase, Purchase(f"o-{i}", at, Money(10)))
            else:
                c = _attempt(c, c.review_lifecycle, _POLICY, as_of=at)
        return c
    if kind == "buying":
        rebuy = BuyClass.STRAIGHT_REBUY
        p = BuyingProcess.start(id="b-1", buyer="c-1", buy_class=rebuy, at=times[0])
        for at in times[1:]:
            move = draw(choices)
            if move == 0:
                p = _attempt(p, p.revisit, Stage.PROBLEM_RECOGNITION, reason="x", at=at)
            else:
                p = _attempt(p, p.skip if move == 1 else p.advance, at=at)
        return p
    if kind == "complaint":
        k = Complaint("k-1", "c-1", Channel.PHONE, "Giao trễ", received_at=times[0])
        done = Resolution(ResolutionOutcome.EXPLANATION)
        for at in times[1:]:
            name = draw(st.sampled_from(_COMPLAINT_MOVES))
            payload = done if name == "resolve" else None
            note = "chưa xong" if name == "reopen" else ""
            k = _attempt(k, COMPLAINT.fire, k, name, at=at, payload=payload, note=note)
        return k
    if kind == "ledger":
        ledger = PointsLedger("c-1")
        for i, at in enumerate(times):
            if draw(choices):
                expires = times[-1] + timedelta(hours=1) if i % 2 else None
                ledger = _attempt(ledger, ledger.earn, 5, at=at, expires_at=expires)
            else:
                ledger = _attempt(ledger, ledger.redeem, 3, at=at)
        return ledger
    run = POST_SALE.start("c-1", at=times[0])
    for at in times[1:]:
        open_steps = [s.step.key for s in run.steps if s.state.value == "open"]
        if open_steps:
            step = draw(st.sampled_from(open_steps))
            run = _attempt(run, run.complete_step, step, at=at)
    return run


def _instants(value: object) -> list[datetime]:
    if isinstance(value, Customer):
        return [_utc(e.at) for e in value.lifecycle_events]
    if isinstance(value, PointsLedger):
        return [_utc(e.at) for e in value.entries]
    return [_utc(e.at) for e in value.events]  # type: ignore[attr-defined]


@settings(max_examples=scaled(150), deadline=None, suppress_health_check=SLOW_EXAMPLES)
@given(_dst_values())
def test_every_log_round_trips_with_ambiguous_and_skipped_local_times(value: object) -> None:
    """``from_json(to_json(x)) == x``, and every log is in instant order, in any DST zone."""
    back = from_json(to_json(value), type(value))
    assert back == value
    assert to_dict(back) == to_dict(value)
    instants = _instants(value)
    assert instants == sorted(instants)
    if isinstance(value, Customer) and value.purchases:
        assert _utc(value.last_purchase_at) == max(_utc(p.at) for p in value.purchases)  # type: ignore[arg-type]


# --- 18.6: replay is linear and bounded ------------------------------------------------


def _counting_door() -> tuple[Definition[Any, Any], list[int]]:
    import enum

    class Door(enum.Enum):
        OPEN = "open"
        SHUT = "shut"

    @attrs.frozen
    class Room:
        state: Door
        events: tuple[Event[Door], ...] = ()

    copied: list[int] = []

    def evolve(room: Room, e: Event[Door]) -> Room:
        copied.append(len(room.events) + 1)
        return Room(e.target, (*room.events, e))

    door = Definition(
        name="door",
        states=tuple(Door),
        initial=Door.SHUT,
        transitions=(
            Transition("open", {Door.SHUT}, Door.OPEN),
            Transition("close", {Door.OPEN}, Door.SHUT),
        ),
        state_of=lambda room: room.state,
        events_of=lambda room: room.events,
        evolve=evolve,
        create=lambda e: Room(e.target, (e,)),
        relog=lambda room, events: Room(room.state, events),
    )
    return door, copied


def test_replay_with_relog_copies_each_event_a_bounded_number_of_times() -> None:
    door, copied = _counting_door()
    room = door.start(at=T0)
    for k in range(200):
        room = door.fire(room, "close" if k % 2 else "open", at=T0 + timedelta(minutes=k))
    copied.clear()
    rebuilt = door.replay(room.events)
    assert rebuilt == room
    assert sum(copied) <= 2 * len(room.events)  # a fold without relog copies ~n²/2


def test_a_stored_log_longer_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fsm_module, "MAX_EVENTS", 5)
    k = Complaint("k-1", "c-1", Channel.PHONE, "Giao trễ", received_at=T0)
    k = k.acknowledge(at=T0)
    for minutes in range(4):
        k = k.reply(at=T0 + timedelta(minutes=minutes))
    with pytest.raises(TransitionError, match="the most one log may hold"):
        k.reply(at=T0 + timedelta(hours=1))
    stored: Any = to_dict(k)
    stored["events"].append(stored["events"][-1])
    problem = _refusal(stored, Complaint).errors[0]
    assert problem[0] == "$.events"
    assert "at most 5" in problem[1]


def test_a_ledger_longer_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loyalty_module, "MAX_EVENTS", 3)
    ledger = PointsLedger("c-1").earn(1, at=T0).earn(1, at=T0).earn(1, at=T0)
    with pytest.raises(ValidationError, match="the most one may hold"):
        ledger.earn(1, at=T0)
    stored: Any = to_dict(ledger)
    stored["entries"].append(stored["entries"][0])
    assert _refusal(stored, PointsLedger).errors[0][0] == "$.entries"


def test_a_process_holds_a_bounded_number_of_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each record copies the list it adds to: the bound keeps a replay linear."""
    import khachhang.buying._guards as guards
    from khachhang.buying import InfluenceNote
    from khachhang.buying.stages import Influence

    monkeypatch.setattr(guards, "MAX_ITEMS", 2)
    note = InfluenceNote(Influence.ENVIRONMENTAL, "giá thép tăng")
    p = BuyingProcess.start(id="b-1", buyer="c-1", buy_class=BuyClass.NEW_TASK, at=T0)
    p = p.record(note, at=T0).record(note, at=T0)
    with pytest.raises(TransitionError, match="at most 2 influence notes"):
        p.record(note, at=T0)


# --- one shape: the four machines share one log check -----------------------------------

_MACHINES: dict[str, tuple[Definition[Any, Any], st.SearchStrategy[Any], type[Any], str]] = {
    "lifecycle": (LIFECYCLE, customers(min_purchases=1), Customer, "lifecycle_events"),
    "buying": (BUYING, kb.buying_processes(), BuyingProcess, "events"),
    "complaint": (COMPLAINT, ks.complaints(), Complaint, "events"),
    "workflow_run": (WORKFLOW_RUN, kc.workflow_runs(), WorkflowRun, "events"),
}


@pytest.mark.parametrize("name", sorted(_MACHINES))
@_SLOW
@given(data=st.data())
def test_every_machine_checks_a_tampered_log_through_the_one_shared_path(
    name: str, data: st.DataObject
) -> None:
    """Loading any of the four replays its log with ``Definition.check_log`` only, and a
    refusal names what that replay names: the event (``log[i]``) or the field it contradicts."""
    definition, values, cls, log = _MACHINES[name]
    value = data.draw(values, label="value")
    events = _tampered(getattr(value, log), data, _retime_event)
    stored = to_dict(value)
    stored[log] = [to_dict(e) for e in events]
    onto = definition.opening(value) if definition.opening is not None else None
    try:
        replayed = definition.replay(events, onto=onto, path=log)
    except LogError as refused:
        expected: str | None = f"$.{refused.path}"
    else:
        differ = [
            a.name
            for a in attrs.fields(cls)
            if a.eq and stored[a.name] != to_dict(replayed)[a.name]
        ]
        expected = f"$.{differ[0]}" if differ else None
    checked: list[str] = []
    original = Definition.check_log

    def spy(self: Definition[Any, Any], instance: Any, *, path: str = "events") -> Any:
        checked.append(self.name)
        return original(self, instance, path=path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Definition, "check_log", spy)
        if expected is not None:
            with pytest.raises(ConversionError) as refused_on_loading:
                from_dict(stored, cls)
            assert refused_on_loading.value.errors[0][0] == expected
        else:
            assert from_dict(stored, cls) == replayed
            assert checked == [definition.name]


@pytest.mark.parametrize("name", sorted(_MACHINES))
@settings(max_examples=scaled(20), deadline=None, suppress_health_check=SLOW_EXAMPLES)
@given(data=st.data())
def test_every_aggregate_replays_its_own_log_into_itself(name: str, data: st.DataObject) -> None:
    """``cls.replay(events, onto=start)`` is the value, and so is replaying a tail onto a
    replayed head; ``start`` is ``value.opening()`` where there is no creation event (then
    ``onto`` is required) and may be left out where there is one."""
    definition, values, cls, log = _MACHINES[name]
    value = data.draw(values, label="value")
    events = getattr(value, log)
    start = None if definition.opening is None else definition.opening(value)
    if start is None:
        assert cls.replay(events) == value
    else:
        assert value.opening() == start
        with pytest.raises(ValidationError, match=r"^onto: .* has no creation event") as bare:
            cls.replay(events)
        assert not isinstance(bare.value, LogError)
    assert cls.replay(events, onto=start) == value
    cut = data.draw(st.integers(1 if start is None else 0, len(events)), label="cut")
    head = cls.replay(events[:cut], onto=start)
    assert cls.replay(events[cut:], onto=head) == value


def test_every_aggregate_has_the_one_replay_shape() -> None:
    """All four spell it ``replay(events, *, onto=None)``, return their own class, and
    refuse an ``onto`` of another kind naming ``onto``."""
    shapes = set()
    for _, _, cls, _ in _MACHINES.values():
        signature = inspect.signature(cls.replay)
        shapes.add(tuple((p.name, p.kind, p.default) for p in signature.parameters.values()))
        assert typing.get_type_hints(cls.replay)["return"] is cls
        with pytest.raises(ValidationError, match=r"^onto: expected \w+, got str"):
            cls.replay([], onto="x")
    events = ("events", inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.empty)
    assert shapes == {(events, ("onto", inspect.Parameter.KEYWORD_ONLY, None))}
