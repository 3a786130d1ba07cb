"""Property tests for the buying process: laws, round trips and the state machine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from conftest import SLOW_EXAMPLES, scaled
from khachhang.buying import (
    BuyClass,
    BuyingProcess,
    LossReason,
    Outcome,
    Proposal,
    Requirement,
    Stage,
    Status,
)
from khachhang.errors import TransitionError
from khachhang.serde import from_dict, from_json, to_dict, to_json
from khachhang.testing import _buying as kb

# Each drawn process is built by 10-40 real moves: fewer examples keep the file fast.
_SLOW = settings(max_examples=scaled(25), suppress_health_check=SLOW_EXAMPLES)


@_SLOW
@given(kb.buying_processes())
def test_replay_rebuilds_every_reachable_process(p: BuyingProcess) -> None:
    assert BuyingProcess.replay(p.events) == p


@_SLOW
@given(kb.buying_processes())
def test_stages_only_move_forward_except_by_revisit(p: BuyingProcess) -> None:
    for event in p.events[1:]:
        assert event.source is not None
        if event.transition == "revisit":
            assert event.target < event.source
        else:
            assert event.target >= event.source
            assert event.target.number - event.source.number <= 1


@_SLOW
@given(kb.buying_processes(), st.data())
def test_any_move_succeeds_or_refuses_and_changes_nothing(
    p: BuyingProcess, data: st.DataObject
) -> None:
    before = to_json(p)
    last = p.events[-1].at
    at = last + timedelta(hours=data.draw(st.integers(-48, 240)))
    moves: list[Callable[[], BuyingProcess]] = [
        lambda: p.advance(at=at, data=data.draw(st.none() | kb.payloads(as_of=at))),
        lambda: p.skip(at=at),
        lambda: p.record(data.draw(kb.payloads(as_of=at)), at=at),
        lambda: p.revisit(data.draw(st.sampled_from(Stage)), reason="vì sao", at=at),
        lambda: p.abandon(reason="dừng", at=at),
        lambda: p.complete(at=at, review=data.draw(st.none() | kb.reviews())),
    ]
    move = data.draw(st.sampled_from(moves))
    try:
        after = move()
    except TransitionError:
        assert to_json(p) == before
    else:
        assert after.events[:-1] == p.events
        assert len(after.events) == len(p.events) + 1
        assert after.events[-1].at >= last
        assert BuyingProcess.replay(after.events) == after


@_SLOW
@given(kb.buying_processes(status=Status.COMPLETED))
def test_a_completed_process_went_through_every_required_stage(p: BuyingProcess) -> None:
    performed = {e.source for e in p.events if e.transition == "advance"}
    for stage in list(Stage)[:-1]:
        if p.requirement(stage) is Requirement.REQUIRED:
            assert stage in performed
    assert p.review is not None


@_SLOW
@given(kb.buying_processes(BuyClass.NEW_TASK, status=Status.COMPLETED, max_loops=0))
def test_a_new_task_without_loops_visits_all_eight_stages_once(p: BuyingProcess) -> None:
    assert [v.stage for v in p.history] == list(Stage)
    assert not any(e.transition == "skip" for e in p.events)


@_SLOW
@given(kb.buying_processes(BuyClass.STRAIGHT_REBUY))
def test_a_straight_rebuy_never_performs_a_skipped_stage(p: BuyingProcess) -> None:
    performed = {e.source for e in p.events if e.transition == "advance"}
    assert performed <= {Stage.PRODUCT_SPECIFICATION}
    assert p.candidates == ()
    assert p.proposals == ()
    assert p.selection is None


@_SLOW
@given(kb.buying_processes(seller=True))
def test_the_sellers_outcome_follows_the_selection_or_the_abandon(p: BuyingProcess) -> None:
    if p.status is Status.ABANDONED:
        assert p.outcome is Outcome.LOST
        assert isinstance(p.loss_reason, LossReason)
    elif p.selection is not None:
        assert (p.outcome is Outcome.WON) is (p.selection.supplier == p.seller)
    elif p.status is Status.OPEN:
        assert p.outcome is None


@_SLOW
@given(kb.buying_processes(), st.data())
def test_time_in_stage_adds_up_to_the_life_of_the_process(
    p: BuyingProcess, data: st.DataObject
) -> None:
    extra = timedelta(hours=data.draw(st.integers(0, 1000)))
    as_of = p.events[-1].at + extra
    spent = p.time_in_stage(as_of=as_of)
    total = sum(spent.values(), timedelta())
    end = as_of if p.status is Status.OPEN else p.events[-1].at
    assert total == end - p.started_at
    assert set(spent) == {v.stage for v in p.history}
    for stage in spent:
        assert p.stage_entered_at(stage) is not None


@settings(max_examples=scaled(15))
@given(
    st.sampled_from(BuyClass),
    st.sampled_from(Stage),
    st.sampled_from([Status.OPEN, Status.ABANDONED]),
    st.data(),
)
def test_processes_can_be_drawn_at_any_stage_and_status(
    buy_class: BuyClass, stage: Stage, status: Status, data: st.DataObject
) -> None:
    p = data.draw(kb.buying_processes(buy_class, stage, status))
    assert (p.buy_class, p.stage, p.status) == (buy_class, stage, status)


def test_a_completed_process_cannot_be_asked_for_at_another_stage() -> None:
    from hypothesis.errors import InvalidArgument

    with pytest.raises(InvalidArgument):
        kb.buying_processes(at_stage=Stage.SUPPLIER_SEARCH, status=Status.COMPLETED)


# --- round trips --------------------------------------------------------------------------

_MODELS: list[tuple[str, Callable[[], SearchStrategy[Any]]]] = [
    ("participant", kb.participants),
    ("buying_center", kb.buying_centers),
    ("buygrid", kb.buygrids),
    ("candidates", kb.candidate_lists),
    ("proposal", kb.proposals),
    ("selection", kb.selections),
    ("order", kb.orders),
    ("review", kb.reviews),
    ("influence_note", kb.influence_notes),
    ("abandonment", kb.abandonments),
    ("opening", kb.openings),
    ("stage_data", kb.stage_data),
    ("visit", kb.visits),
    ("process", kb.buying_processes),
]


@pytest.mark.parametrize(("name", "strategy"), _MODELS, ids=[n for n, _ in _MODELS])
def test_every_buying_model_round_trips_through_the_converter(
    name: str, strategy: Callable[[], SearchStrategy[Any]]
) -> None:
    @settings(max_examples=scaled(25), suppress_health_check=SLOW_EXAMPLES)
    @given(strategy())
    def check(value: Any) -> None:
        assert from_dict(to_dict(value), type(value)) == value
        assert from_json(to_json(value), type(value)) == value

    check()


@settings(max_examples=scaled(20))
@given(kb.buying_processes())
def test_events_stored_one_row_each_replay_to_the_process(p: BuyingProcess) -> None:
    from khachhang.fsm import Event

    rows = [to_json(event) for event in p.events]
    assert BuyingProcess.replay(from_json(row, Event[Stage]) for row in rows) == p


def test_register_types_teaches_from_type() -> None:
    kb.register_types()

    @settings(max_examples=scaled(5))
    @given(st.from_type(BuyingProcess), st.from_type(Proposal))
    def check(p: BuyingProcess, proposal: Proposal) -> None:
        assert isinstance(p, BuyingProcess)
        assert isinstance(proposal, Proposal)

    check()


# --- the state machine ----------------------------------------------------------------------

TestBuyingProcessMachine = kb.BuyingProcessMachine.TestCase
TestBuyingProcessMachine.settings = settings(
    max_examples=scaled(20), stateful_step_count=25, suppress_health_check=SLOW_EXAMPLES
)


class JsonStoredMachine(kb.BuyingProcessMachine):
    """A downstream project's check of its storage: JSON text out, JSON text in."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, str] = {}

    def stored(self, process: BuyingProcess) -> BuyingProcess:
        self.rows[process.id] = to_json(process)
        return from_json(self.rows[process.id], BuyingProcess)


TestJsonStoredMachine = JsonStoredMachine.TestCase
TestJsonStoredMachine.settings = settings(
    max_examples=scaled(10), stateful_step_count=20, suppress_health_check=SLOW_EXAMPLES
)


class _ForgetfulStore(kb.BuyingProcessMachine):
    def stored(self, process: BuyingProcess) -> BuyingProcess:
        if len(process.events) > 2:
            return BuyingProcess.replay(process.events[:-1])
        return process


def test_the_machine_catches_a_storage_that_loses_events() -> None:
    from hypothesis.stateful import run_state_machine_as_test

    quick = settings(
        max_examples=scaled(50),
        stateful_step_count=30,
        phases=[Phase.generate],  # finding it is the point; shrinking would take minutes
        database=None,
    )
    with pytest.raises(AssertionError, match="storage changed the process"):
        run_state_machine_as_test(_ForgetfulStore, settings=quick)


# --- hostile JSON ---------------------------------------------------------------------------

_JSON_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.sampled_from(
        [
            "9999-12-31T23:59:59-14:00",
            "0001-01-01T00:00:00+14:00",
            "2026-03-02T09:00:00",  # naive
            "advance",
            "revisit",
            "supplier_selection",
            "buying_selection",
            "1e400",
        ]
    ),
    st.just([]),
    st.just({}),
    st.just({"type": "buying_review", "kept_commitments": True, "rating": 5}),
)


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*here, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*here, i))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], rest, new)}
    return [*value[:head], _replaced(value[head], rest, new), *value[head + 1 :]]


@settings(max_examples=scaled(30), suppress_health_check=SLOW_EXAMPLES)
@given(kb.buying_processes(), st.data())
def test_hostile_json_is_refused_with_a_conversion_error_or_loads_equal(
    p: BuyingProcess, data: st.DataObject
) -> None:
    from khachhang.errors import ConversionError

    doc: Any = to_dict(p)
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        path = data.draw(st.sampled_from(_paths(doc)), label="path")
        if data.draw(st.booleans(), label="add a key") and path:
            parent = doc
            for step in path[:-1]:
                parent = parent[step]
            if isinstance(parent, dict):
                doc = _replaced(doc, path[:-1], {**parent, "unknown_key": 1})
                continue
        doc = _replaced(doc, path, data.draw(_JSON_JUNK, label="junk"))
    problems: tuple[tuple[str, str], ...] = ()
    try:
        loaded = from_dict(doc, BuyingProcess)
    except ConversionError as err:
        problems = err.errors
        assert problems, "a conversion error names at least one path"
    else:  # what loads is consistent with its own events
        assert BuyingProcess.replay(loaded.events) == loaded
    assert all(path.startswith("$") and reason for path, reason in problems)
