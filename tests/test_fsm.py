"""The table-driven state machine core."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from khachhang.errors import LogError, TransitionError, ValidationError
from khachhang.fsm import Definition, Event, Payload, Transition
from khachhang.kinds import Lifecycle

T0 = datetime(2026, 1, 1, 8, tzinfo=timezone.utc)


class Ticket(enum.Enum):
    NEW = "new"
    WORKING = "working"
    DONE = "done"


@attrs.frozen
class Estimate(Payload):
    hours: int


@attrs.frozen
class Job:
    state: Ticket
    hours: int = 0
    events: tuple[Event[Ticket], ...] = ()


def _needs_estimate(job: Job, event: Event[Ticket]) -> str | None:
    if not isinstance(event.payload, Estimate):
        return "an estimate is required"
    return None


def _evolve(job: Job, event: Event[Ticket]) -> Job:
    hours = event.payload.hours if isinstance(event.payload, Estimate) else job.hours
    return attrs.evolve(job, state=event.target, hours=hours, events=(*job.events, event))


JOB: Definition[Job, Ticket] = Definition(
    name="job",
    states=tuple(Ticket),
    initial=Ticket.NEW,
    transitions=(
        Transition("begin", {Ticket.NEW}, Ticket.WORKING, _needs_estimate),
        Transition("finish", {Ticket.WORKING}, Ticket.DONE),
        Transition("reopen", {Ticket.DONE}, Ticket.WORKING),
        Transition("jump", {Ticket.NEW}, Ticket.WORKING),
        Transition("jump", {Ticket.NEW}, Ticket.DONE),
    ),
    state_of=lambda job: job.state,
    events_of=lambda job: job.events,
    evolve=_evolve,
    create=lambda event: Job(state=event.target, events=(event,)),
    final=(),
)


def test_a_move_returns_a_new_instance_and_logs_an_event() -> None:
    job = JOB.start(at=T0, actor="lan")
    moved = JOB.fire(job, "begin", at=T0, actor="lan", note="ok", payload=Estimate(3))
    assert job.state is Ticket.NEW
    assert moved.state is Ticket.WORKING
    assert moved.hours == 3
    last = moved.events[-1]
    assert (last.transition, last.source, last.target, last.actor, last.note) == (
        "begin",
        Ticket.NEW,
        Ticket.WORKING,
        "lan",
        "ok",
    )


def test_a_guard_refusal_names_the_machine_state_move_and_reason() -> None:
    job = JOB.start(at=T0)
    with pytest.raises(TransitionError) as info:
        JOB.fire(job, "begin", at=T0)
    err = info.value
    assert (err.machine, err.state, err.move, err.reason) == (
        "job",
        Ticket.NEW,
        "begin",
        "an estimate is required",
    )


def test_naive_times_are_rejected() -> None:
    job = JOB.start(at=T0)
    with pytest.raises(ValidationError, match="naive"):
        JOB.fire(job, "jump", at=datetime(2026, 1, 1), target=Ticket.DONE)


def test_time_cannot_go_backwards() -> None:
    job = JOB.start(at=T0)
    with pytest.raises(TransitionError, match="earlier than the last event"):
        JOB.fire(job, "begin", at=T0 - timedelta(seconds=1), payload=Estimate(1))


def test_an_ambiguous_move_needs_a_target() -> None:
    job = JOB.start(at=T0)
    with pytest.raises(TransitionError, match="ambiguous"):
        JOB.fire(job, "jump", at=T0)
    assert JOB.fire(job, "jump", at=T0, target=Ticket.DONE).state is Ticket.DONE


def test_allowed_lists_open_and_closed_moves_with_reasons() -> None:
    job = JOB.start(at=T0)
    moves = {(m.transition, m.target): m for m in JOB.allowed(job)}
    assert not moves[("begin", Ticket.WORKING)].open
    assert moves[("begin", Ticket.WORKING)].reason == "an estimate is required"
    assert moves[("jump", Ticket.DONE)].open
    with_payload = JOB.allowed(job, payload=Estimate(2))
    assert all(m.open for m in with_payload)


def test_replay_refuses_a_tampered_log() -> None:
    job = JOB.fire(JOB.start(at=T0), "jump", at=T0, target=Ticket.DONE)
    forged = (*job.events, Event("finish", Ticket.WORKING, Ticket.DONE, T0))
    with pytest.raises(TransitionError):
        JOB.replay(forged)
    with pytest.raises(TransitionError):
        JOB.replay(job.events[1:])
    unguarded = (job.events[0], Event("begin", Ticket.NEW, Ticket.WORKING, T0))
    with pytest.raises(TransitionError, match="estimate"):
        JOB.replay(unguarded)


@pytest.mark.parametrize(
    ("row", "where", "reason"),
    [
        (Event("finish", Ticket.WORKING, Ticket.DONE, T0), "events[1].source", "not 'new'"),
        (Event("finish", Ticket.NEW, Ticket.DONE, T0), "events[1].transition", "no 'finish'"),
        (
            Event("jump", Ticket.NEW, Ticket.DONE, T0 - timedelta(hours=1)),
            "events[1].at",
            "earlier",
        ),
        (Event("begin", Ticket.NEW, Ticket.WORKING, T0), "events[1]", "an estimate is required"),
    ],
)
def test_replay_names_the_refused_event_as_a_log_error(
    row: Event[Ticket], where: str, reason: str
) -> None:
    """Without ``path`` too: the error says which event, and is both kinds of error."""
    start = JOB.start(at=T0).events
    with pytest.raises(LogError) as refused:
        JOB.replay([*start, row])
    assert refused.value.path == where
    assert reason in refused.value.refusal
    assert isinstance(refused.value, TransitionError)
    assert isinstance(refused.value, ValidationError)
    assert refused.value.machine == "job"
    assert str(refused.value).startswith(f"{where}: job: cannot {row.transition!r}")
    assert refused.value.at("$").path == f"$.{where}"


def test_a_missing_creation_event_is_named_as_the_first_event() -> None:
    with pytest.raises(LogError) as refused:
        JOB.replay([])
    assert refused.value.path == "events[0]"


def test_a_definition_with_an_unknown_state_is_refused() -> None:
    class Other(enum.Enum):
        X = "x"

    with pytest.raises(ValidationError, match="unknown state"):
        Definition(
            name="bad",
            states=(Ticket.NEW,),
            initial=Ticket.NEW,
            transitions=(Transition("go", {Ticket.NEW}, Other.X),),
            state_of=lambda j: j,
            events_of=lambda j: (),
            evolve=lambda j, e: j,
        )


def test_mermaid_draws_every_edge_and_marks_the_current_state() -> None:
    text = JOB.to_mermaid(current=Ticket.WORKING, lang="en")
    assert text.startswith("stateDiagram-v2\n")
    assert "    [*] --> new" in text
    assert "    new --> working: begin [guarded]" in text
    assert "    done --> working: reopen" in text
    assert "    class working current" in text


@pytest.mark.parametrize(
    "current",
    ["working", "x\n    click x call alert()", Lifecycle.PROSPECT, 1],
    ids=["a-state-value-not-the-state", "mermaid-injection", "another-machines-state", "int"],
)
def test_mermaid_refuses_a_current_state_the_machine_does_not_have(current: Any) -> None:
    """Never written into the diagram unchecked, nor silently highlighting nothing."""
    with pytest.raises(ValidationError, match=r"^current: .* is not a state of job"):
        JOB.to_mermaid(current=current)


def test_mermaid_without_a_current_state_highlights_nothing() -> None:
    """None is the default: no state is marked."""
    assert "class " not in JOB.to_mermaid(current=None)


moves = st.lists(
    st.tuples(st.sampled_from(["begin", "finish", "reopen", "jump"]), st.integers(0, 3600)),
    max_size=12,
)


@given(moves)
def test_replaying_the_log_rebuilds_an_equal_instance(script: list[tuple[str, int]]) -> None:
    """Whatever sequence of moves was tried, the log replays to the same value."""
    job = JOB.start(at=T0)
    at = T0
    for name, seconds in script:
        at += timedelta(seconds=seconds)
        before = job
        try:
            job = JOB.fire(job, name, at=at, payload=Estimate(seconds), target=Ticket.WORKING)
        except TransitionError:
            assert job == before  # a refused move changes nothing
    assert JOB.replay(job.events) == job


def test_events_validate_their_fields() -> None:
    with pytest.raises(ValidationError) as info:
        Event("x", None, Ticket.NEW, T0, actor=123)  # type: ignore[arg-type]
    assert info.value.path == "actor"
    with pytest.raises(ValidationError) as info:
        Event("x", None, "new", T0)  # type: ignore[type-var]
    assert info.value.path == "target"
    with pytest.raises(ValidationError) as info:
        Event("x", None, Ticket.NEW, T0, payload={"hours": 1})  # type: ignore[arg-type]
    assert info.value.path == "payload"


def test_a_definition_keeps_its_own_copy_of_the_table() -> None:
    table: list[Transition[Job, Ticket]] = [Transition("finish", {Ticket.WORKING}, Ticket.DONE)]
    states = [Ticket.NEW, Ticket.WORKING, Ticket.DONE]
    d: Definition[Job, Ticket] = Definition(
        "copy",
        states,  # type: ignore[arg-type]
        Ticket.NEW,
        table,  # type: ignore[arg-type]
        state_of=lambda j: j.state,
        events_of=lambda j: j.events,
        evolve=_evolve,
    )
    table.append(Transition("start", {Ticket.NEW}, Ticket.DONE))
    states.clear()
    assert len(d.transitions) == 1
    assert len(d.states) == 3


def test_the_machine_is_spelled_once_as_methods_of_its_definition() -> None:
    """No module functions repeat ``Definition.replay``/``allowed``/``to_mermaid``."""
    from khachhang import fsm

    assert not {"replay", "allowed", "to_mermaid"} & set(dir(fsm))
    job = JOB.fire(JOB.start(at=T0), "jump", at=T0, target=Ticket.DONE)
    assert JOB.replay(job.events) == job


# --- the fast path (lookup tables, events built from checked parts) ------------------------


def test_an_event_built_by_fire_equals_one_built_and_validated_by_hand() -> None:
    job = JOB.fire(Job(Ticket.NEW), "begin", at=T0, actor="an", note="n", payload=Estimate(3))
    assert job.events[-1] == Event("begin", Ticket.NEW, Ticket.WORKING, T0, "an", "n", Estimate(3))
    assert hash(job.events[-1]) == hash(
        Event("begin", Ticket.NEW, Ticket.WORKING, T0, "an", "n", Estimate(3))
    )


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"actor": "x" * 201}, "actor"),
        ({"actor": 7}, "actor"),
        ({"note": None}, "note"),
        ({"note": "x" * 10_001}, "note"),
        ({"payload": "3 hours"}, "payload"),
    ],
)
def test_fire_still_validates_what_the_caller_passes(kwargs: dict[str, object], path: str) -> None:
    job = Job(Ticket.WORKING)
    with pytest.raises(ValidationError) as err:
        JOB.fire(job, "finish", at=T0, **kwargs)  # type: ignore[arg-type]
    assert err.value.path == path


def test_a_state_that_is_not_in_the_table_is_looked_up_the_slow_way() -> None:
    class Loose(str, enum.Enum):
        A = "a"
        B = "b"

    @attrs.frozen
    class Box:
        state: str

    machine: Definition[Box, Loose] = Definition(
        "loose",
        tuple(Loose),
        Loose.A,
        (Transition("go", {Loose.A}, Loose.B),),
        state_of=lambda box: box.state,  # type: ignore[arg-type,return-value]
        events_of=lambda box: (),
        evolve=lambda box, e: Box(e.target),
    )
    # A plain string equal to the str-enum member still finds its moves (by equality),
    # and the event still refuses a state that is not an enum member.
    assert [t.name for t in machine.moves_from("a")] == ["go"]  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as err:
        machine.fire(Box("a"), "go", at=T0)
    assert err.value.path == "source"
    assert machine.fire(Box(Loose.A), "go", at=T0).state is Loose.B


def test_a_move_that_does_not_exist_here_is_refused_with_the_open_moves() -> None:
    with pytest.raises(TransitionError, match="open moves: begin, jump"):
        JOB.fire(Job(Ticket.NEW), "finish", at=T0)


class Twin(enum.Enum):
    NEW = "new"
    WORKING = "working"
    DONE = "done"


class Name(str):
    pass


def test_a_state_of_another_enum_with_the_same_value_is_refused() -> None:
    with pytest.raises(TransitionError, match="no 'begin' move"):
        JOB.fire(Job(Twin.NEW), "begin", at=T0)  # type: ignore[arg-type]


def test_what_the_fast_path_does_not_trust_is_validated_or_refused() -> None:
    # A str subclass actor or note is checked by Event's validators and kept equal.
    job = JOB.fire(Job(Ticket.WORKING), "finish", at=T0, actor=Name("an"), note=Name("n"))
    assert job.events[-1] == Event("finish", Ticket.WORKING, Ticket.DONE, T0, "an", "n")
    with pytest.raises(ValidationError, match="naive"):
        JOB.fire(Job(Ticket.WORKING), "finish", at=datetime(2026, 1, 1))
    with pytest.raises(ValidationError) as err:
        JOB.fire(Job(Ticket.WORKING), "finish", at=T0, payload=3)  # type: ignore[arg-type]
    assert err.value.path == "payload"
    # A move name that is not a str (even unhashable) is refused, not a TypeError.
    for move in (["begin"], {"begin": 1}, 3):
        with pytest.raises(TransitionError):
            JOB.fire(Job(Ticket.NEW), move, at=T0)  # type: ignore[arg-type]


def test_replay_refuses_items_that_are_not_events() -> None:
    job = JOB.fire(Job(Ticket.NEW), "begin", at=T0, payload=Estimate(2))
    assert JOB.replay(job.events, onto=Job(Ticket.NEW)) == job
    with pytest.raises(ValidationError) as err:
        JOB.replay([*job.events, "finish"], onto=Job(Ticket.NEW))  # type: ignore[list-item]
    assert err.value.path == "events[1]"
    with pytest.raises(ValidationError):
        JOB.replay(7, onto=Job(Ticket.NEW))  # type: ignore[arg-type]


class _NoOffset(tzinfo):
    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


class _Stamp(datetime):
    pass


def test_fire_accepts_every_aware_time_and_refuses_a_zone_without_offset() -> None:
    from zoneinfo import ZoneInfo

    for when in (
        T0,
        datetime(2026, 1, 1, 15, tzinfo=timezone(timedelta(hours=7))),
        datetime(2026, 1, 1, 15, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        _Stamp(2026, 1, 1, 8, tzinfo=timezone.utc),
    ):
        assert JOB.fire(Job(Ticket.WORKING), "finish", at=when).events[-1].at == when
    with pytest.raises(ValidationError, match="naive"):
        JOB.fire(Job(Ticket.WORKING), "finish", at=datetime(2026, 1, 1, tzinfo=_NoOffset()))
    with pytest.raises(ValidationError, match="naive"):
        JOB.fire(Job(Ticket.WORKING), "finish", at=_Stamp(2026, 1, 1))


# --- one spelling: moves take at=, queries as_of=, keyword-only ------------------------


def _aggregate_methods() -> list[tuple[str, object, str]]:
    from khachhang.buying import BuyingProcess
    from khachhang.care.planning.workflows import CareWorkflow, WorkflowRun
    from khachhang.care.service.complaints import Complaint
    from khachhang.customers import Customer, LifecyclePolicy

    queries = [
        (Customer, ("age", "spent", "purchases_until", "recency_days", "lifecycle_at")),
        (Customer, ("tenure", "tenure_days", "review_lifecycle")),
        (LifecyclePolicy, ("qualifies_as_loyal", "is_quiet")),
        (Complaint, ("status_at",)),
        (WorkflowRun, ("due", "overdue")),
        (BuyingProcess, ("time_in_stage", "allowed_moves")),
    ]
    found = [(f"{c.__name__}.{m}", getattr(c, m), "as_of") for c, ms in queries for m in ms]
    found[-1] = ("BuyingProcess.allowed_moves", BuyingProcess.allowed_moves, "at")
    found.append(("CareWorkflow.start", CareWorkflow.start, "at"))
    found.append(("BuyingProcess.start", BuyingProcess.start, "at"))
    return found


@pytest.mark.parametrize(("name", "method", "when"), _aggregate_methods())
def test_the_aggregates_take_their_time_by_keyword_only(
    name: str, method: object, when: str
) -> None:
    """``start(customer_id, at=...)``, ``recency_days(as_of=...)``: never positional."""
    import inspect

    parameter = inspect.signature(method).parameters[when]  # type: ignore[arg-type]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, name


# --- bilingual move labels --------------------------------------------------------------


def _machines() -> list[Definition[Any, Any]]:
    from khachhang.buying import BUYING
    from khachhang.care.planning.workflows import WORKFLOW_RUN
    from khachhang.care.service.complaints import COMPLAINT
    from khachhang.customers import LIFECYCLE

    return [LIFECYCLE, BUYING, COMPLAINT, WORKFLOW_RUN]


@pytest.mark.parametrize("machine", _machines(), ids=lambda d: d.name)
def test_every_move_of_the_four_machines_has_a_vietnamese_and_an_english_label(
    machine: Definition[Any, Any],
) -> None:
    """So a Vietnamese view or diagram shows no English move name (``win_back``, ``[guarded]``)."""
    for name in {t.name for t in machine.transitions}:
        vi, en = machine.move_label(name, "vi"), machine.move_label(name, "en")
        assert vi != en
        assert vi != name
    drawn = machine.to_mermaid(lang="vi")
    arrows = [line for line in drawn.splitlines() if "-->" in line and ":" in line]
    assert arrows
    for line in arrows:
        words = line.split(": ", 1)[1]
        for name in {t.name for t in machine.transitions}:
            assert name not in words.replace(machine.move_label(name, "vi"), "")
        assert "guarded" not in words


def test_the_buying_drawing_is_the_machine_s_own_with_the_loops_in_a_note() -> None:
    from khachhang.buying import BUYING, BuyClass, to_mermaid

    text = to_mermaid(buy_class=BuyClass.MODIFIED_REBUY, lang="vi")
    assert text.splitlines()[:10] == BUYING.to_mermaid(lang="vi").splitlines()[:10]
    assert "Quay lại: về bất kỳ bước nào trước đó" in text
    assert "performance_review --> [*]: Hoàn tất" in text
    for english in ("advance", "skip", "revisit", "abandon", "complete"):
        assert english not in text


def test_move_labels_must_name_moves_of_the_machine_in_two_languages() -> None:
    with pytest.raises(ValidationError, match="not a move"):
        attrs.evolve(JOB, labels={"fly": ("Bay", "fly")})
    with pytest.raises(ValidationError, match="pair"):
        attrs.evolve(JOB, labels={"begin": ("Bắt đầu", "")})
    assert JOB.move_label("begin", "en") == "begin"  # no label: the move's name


# --- the one trusted rebuild -------------------------------------------------------------


def test_the_trusted_rebuild_copies_every_slot_and_replaces_only_the_named_ones() -> None:
    """Without running the constructor (whose check would refuse nothing here, but costs a
    replay in the models); fields named like the rebuild's own variables are fine."""
    from khachhang.fsm import rebuilder

    built: list[int] = []

    @attrs.frozen
    class Value:
        old: int
        new: str = "x"
        _hidden: tuple[int, ...] = attrs.field(default=(), alias="hidden")

        def __attrs_post_init__(self) -> None:
            built.append(self.old)

    value = Value(1, "a", hidden=(1, 2))
    rebuild = rebuilder(Value)
    assert rebuild is rebuilder(Value)  # generated once per class
    built.clear()
    changed = rebuild(value, new="b", _hidden=(3,))
    assert changed == Value(1, "b", hidden=(3,))
    assert rebuild(value) == value
    assert rebuild(value) is not value
    assert built == [1]  # only the comparison's own Value(...) ran the constructor
    with pytest.raises(TypeError):
        rebuild(value, missing=1)
