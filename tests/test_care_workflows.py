"""Care channels, modes and workflows: the seed's steps, the run machine, replay, round trips."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ICT as VN
from conftest import scaled
from khachhang.care import (
    POST_SALE,
    PRE_SALE,
    WORKFLOW_RUN,
    CareMode,
    CareWorkflow,
    Channel,
    Progress,
    Reach,
    RunCancelled,
    RunStarted,
    RunStatus,
    StepCompleted,
    StepProgress,
    StepSkipped,
    StepState,
    WorkflowRun,
    WorkflowStep,
    contact_for,
    reach,
)
from khachhang.errors import ConversionError, TransitionError, ValidationError
from khachhang.parties import SUPPORTED_CHANNELS, ContactChannel, ContactPoint
from khachhang.serde import from_dict, from_json, to_dict, to_json
from khachhang.testing import _care as kc
from khachhang.testing import aware_datetimes, contact_points

T0 = datetime(2026, 3, 2, 9, tzinfo=VN)


# --- channels and modes -------------------------------------------------------------------


def test_the_seed_s_five_forms_of_care_plus_sms_and_in_person_are_channels() -> None:
    """Seed 002 lists livechat, email, mạng xã hội, điện thoại, diễn đàn trực tuyến."""
    labels = {c.label("vi") for c in Channel}
    assert {"Email", "Mạng xã hội", "Điện thoại", "Diễn đàn trực tuyến"} <= labels
    assert Channel.parse("trò chuyện trực tuyến") is Channel.LIVE_CHAT
    assert {Channel.SMS, Channel.IN_PERSON} <= set(Channel)


def test_care_is_proactive_and_support_is_reactive() -> None:
    """Seed 002 §So sánh: care takes the initiative, support answers requests."""
    assert "chủ động" in CareMode.PROACTIVE.label("vi")
    assert CareMode.REACTIVE.label("en") == "Reactive support"


def test_every_channel_that_reaches_one_customer_maps_to_a_consent_channel() -> None:
    mapped = {c.contact_channel for c in Channel} - {None}
    assert mapped == set(ContactChannel)
    for channel in Channel:
        kinds = {k for k, chans in SUPPORTED_CHANNELS.items() if channel.contact_channel in chans}
        assert channel.contact_kinds == kinds


@settings(max_examples=scaled(50))
@given(st.lists(contact_points(), max_size=4), st.sampled_from(Channel))
def test_reach_is_reachable_exactly_when_a_contact_point_consents(
    points: list[ContactPoint], channel: Channel
) -> None:
    wanted = channel.contact_channel
    consenting = [p for p in points if wanted is not None and p.allows(wanted)]
    assert (reach(points, channel) is Reach.REACHABLE) == bool(consenting)
    assert (contact_for(points, channel) is not None) == bool(consenting)
    if consenting:
        assert contact_for(points, channel) in consenting


def test_withdrawing_consent_makes_a_channel_unreachable() -> None:
    point = ContactPoint.phone("0901234567", consents=[ContactChannel.SMS, ContactChannel.CALL])
    assert reach([point], Channel.SMS) is Reach.REACHABLE
    withdrawn = point.with_consent(ContactChannel.SMS, given=False)
    assert reach([withdrawn], Channel.SMS) is Reach.NO_CONSENT
    assert reach([withdrawn], Channel.PHONE) is Reach.REACHABLE
    assert reach([], Channel.SMS) is Reach.NO_CONTACT_POINT
    assert reach([point], Channel.IN_PERSON) is Reach.NOT_ADDRESSABLE


def test_reach_refuses_what_is_not_a_contact_list() -> None:
    with pytest.raises(ValidationError, match="contacts"):
        reach("0901234567", Channel.SMS)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="channel"):
        reach([], "sms")  # type: ignore[arg-type]


# --- the seed's workflows -----------------------------------------------------------------


def test_pre_sale_has_the_seed_s_five_steps_in_order() -> None:
    """Seed 000 §4.1: information, classification, timely support, advice, relationship."""
    labels = [s.label("vi") for s in PRE_SALE.steps]
    assert labels == [
        "Tìm kiếm và quản lý thông tin khách hàng",
        "Phân loại khách hàng",
        "Hỗ trợ kịp thời",
        "Giới thiệu sản phẩm và tư vấn mua hàng",
        "Duy trì mối quan hệ với khách hàng",
    ]
    assert PRE_SALE.step("timely_support").mode is CareMode.REACTIVE


def test_post_sale_has_the_seed_s_four_steps_in_order() -> None:
    """Seed 000 §4.2: feedback, respond and check in, loyal-customer policy, complaints."""
    keys = [s.key for s in POST_SALE.steps]
    assert keys == [
        "track_feedback",
        "respond_and_check_in",
        "loyalty_policy",
        "resolve_complaints",
    ]
    assert "khiếu nại" in POST_SALE.step("resolve_complaints").label("vi")


def test_a_workflow_refuses_duplicate_step_keys_and_backward_offsets() -> None:
    step = PRE_SALE.steps[0]
    with pytest.raises(ValidationError, match=r"steps\[1\].key"):
        CareWorkflow("w", "Quy trình", "Flow", [step, step])
    with pytest.raises(ValidationError, match="negative"):
        attrs.evolve(step, due=relativedelta(days=-1))
    with pytest.raises(ValidationError, match="absolute"):
        attrs.evolve(step, due=relativedelta(day=31))
    with pytest.raises(ValidationError, match="key"):
        attrs.evolve(step, key="Not A Key")
    with pytest.raises(ValidationError, match="at least one step"):
        CareWorkflow("w", "Quy trình", "Flow", [])


# --- runs ----------------------------------------------------------------------------------


def test_a_post_sale_run_is_done_when_every_step_is_resolved() -> None:
    run = POST_SALE.start("c-1", at=T0)
    run = run.complete_step("track_feedback", at=T0 + timedelta(days=3), outcome="4 sao")
    run = run.complete_step("respond_and_check_in", at=T0 + timedelta(days=6))
    run = run.skip("resolve_complaints", "không có khiếu nại", at=T0 + timedelta(days=7))
    assert run.status is RunStatus.ACTIVE
    run = run.skip("loyalty_policy", "chưa đủ điều kiện", at=T0 + timedelta(days=8))
    assert run.status is RunStatus.DONE
    assert run.progress == Progress(completed=2, skipped=2, open=0, total=4)
    assert run.due(as_of=T0 + timedelta(days=90)) == ()


def test_due_steps_are_open_steps_whose_time_has_come_and_overdue_adds_the_grace() -> None:
    run = POST_SALE.start("c-1", at=T0)
    three_days = T0 + relativedelta(days=3)
    assert [p.step.key for p in run.due(as_of=three_days)] == ["track_feedback"]
    assert run.overdue(as_of=three_days) == ()
    assert [p.step.key for p in run.overdue(as_of=three_days + timedelta(days=1, seconds=1))] == [
        "track_feedback"
    ]


def test_only_optional_steps_can_be_skipped() -> None:
    run = PRE_SALE.start("c-1", at=T0)
    with pytest.raises(TransitionError, match="required"):
        run.skip("classify", "không cần", at=T0)
    assert run.skip("timely_support", "khách không hỏi", at=T0).progress.skipped == 1


def test_a_step_cannot_be_completed_twice_nor_an_unknown_step_at_all() -> None:
    run = PRE_SALE.start("c-1", at=T0).complete_step("classify", at=T0)
    with pytest.raises(TransitionError, match="already completed"):
        run.complete_step("classify", at=T0)
    with pytest.raises(TransitionError, match="no step 'visit'"):
        run.complete_step("visit", at=T0)
    with pytest.raises(TransitionError, match="earlier than the last event"):
        run.complete_step("gather_information", at=T0 - timedelta(seconds=1))


def test_a_cancelled_run_has_nothing_due_and_refuses_moves() -> None:
    run = PRE_SALE.start("c-1", at=T0).cancel("khách hàng từ chối", at=T0 + timedelta(days=1))
    assert run.status is RunStatus.CANCELLED
    assert run.due(as_of=T0 + timedelta(days=60)) == ()
    with pytest.raises(TransitionError):
        run.complete_step("classify", at=T0 + timedelta(days=2))


def test_a_run_needs_an_aware_trigger_time() -> None:
    with pytest.raises(ValidationError, match=r"^at: naive datetime"):
        PRE_SALE.start("c-1", at=datetime(2026, 1, 1))


def test_the_run_machine_draws_as_mermaid() -> None:
    text = WORKFLOW_RUN.to_mermaid(RunStatus.ACTIVE, lang="en")
    assert "active --> done: complete_step [guarded]" in text
    assert "active --> cancelled: cancel [guarded]" in text


# --- laws -----------------------------------------------------------------------------------


@settings(max_examples=scaled(30))
@given(kc.workflow_runs())
def test_replay_equals_the_run(run: WorkflowRun) -> None:
    assert WORKFLOW_RUN.replay(run.events) == run


@settings(max_examples=scaled(30))
@given(kc.workflow_runs())
def test_a_run_is_done_exactly_when_no_step_is_open(run: WorkflowRun) -> None:
    progress = run.progress
    assert progress.completed + progress.skipped + progress.open == len(run.workflow.steps)
    if run.status is not RunStatus.CANCELLED:
        assert (run.status is RunStatus.DONE) == (progress.open == 0)
    skipped = [p for p in run.steps if p.state is StepState.SKIPPED]
    assert all(not p.step.required for p in skipped)


@settings(max_examples=scaled(30))
@given(kc.workflow_runs(), aware_datetimes())
def test_overdue_steps_are_due_steps(run: WorkflowRun, as_of: datetime) -> None:
    due = run.due(as_of=as_of)
    assert set(map(id, run.overdue(as_of=as_of))) <= set(map(id, due))
    assert all(p.state is StepState.OPEN and p.due_at <= as_of for p in due)


@settings(max_examples=scaled(30))
@given(kc.workflow_runs())
def test_a_tampered_log_does_not_build_a_run(run: WorkflowRun) -> None:
    """Dropping the creation event, or replaying a completion twice, is refused."""
    with pytest.raises((TransitionError, ValidationError)):
        WORKFLOW_RUN.replay(run.events[1:] or (attrs.evolve(run.events[0], source=run.status),))
    moves = [e for e in run.events[1:] if e.transition == "complete_step"]
    if moves:
        with pytest.raises((TransitionError, ValidationError)):
            WORKFLOW_RUN.replay((*run.events, attrs.evolve(moves[0], source=run.status)))


MODELS: list[tuple[type[Any], st.SearchStrategy[Any]]] = [
    (WorkflowStep, kc.workflow_steps()),
    (CareWorkflow, kc.care_workflows()),
    (WorkflowRun, kc.workflow_runs()),
    (StepProgress, kc.step_progresses()),
    (Progress, kc.progresses()),
    (RunStarted, kc.run_starts()),
    (StepCompleted, kc.step_completions()),
    (StepSkipped, kc.step_skips()),
    (RunCancelled, kc.run_cancellations()),
]


@pytest.mark.parametrize(("cls", "strategy"), MODELS, ids=lambda v: getattr(v, "__name__", ""))
@settings(max_examples=scaled(20))
@given(data=st.data())
def test_workflow_models_round_trip(cls: type[Any], strategy: Any, data: st.DataObject) -> None:
    value = data.draw(strategy)
    assert from_dict(to_dict(value), cls) == value
    assert from_json(to_json(value), cls) == value


def test_a_stored_run_with_a_forged_event_is_refused() -> None:
    run = POST_SALE.start("c-1", at=T0).complete_step("track_feedback", at=T0)
    data: Any = to_dict(run)
    data["events"].append(dict(data["events"][1]))  # the same completion again
    with pytest.raises(ConversionError, match="already completed"):
        from_dict(data, WorkflowRun)


def test_a_stored_offset_must_be_plain_relative_fields() -> None:
    data: Any = to_dict(POST_SALE)
    data["steps"][0]["due"] = {"weekday": 0}
    with pytest.raises(ConversionError, match="unknown field"):
        from_dict(data, CareWorkflow)
    data["steps"][0]["due"] = {"days": True}
    with pytest.raises(ConversionError, match="integer"):
        from_dict(data, CareWorkflow)


def _json(value: object) -> Any:
    """``to_dict(value)`` as a document to edit (loosened from its precise JSON type)."""
    return to_dict(value)


@pytest.mark.parametrize(
    ("forge", "where"),
    [
        ("cancel_then_complete", r"events\[2\].source"),
        ("created_done", r"events\[0\]"),
        ("cancel_named_complete", r"events\[1\].transition"),
        ("back_in_time", r"events\[1\].at"),
    ],
)
def test_a_stored_log_no_run_can_have_is_refused_with_its_path(forge: str, where: str) -> None:
    run = POST_SALE.start("c-1", at=T0)
    start = _json(run)["events"][0]
    cancel = _json(run.cancel("khách từ chối", at=T0))["events"][1]
    done = _json(run.complete_step("track_feedback", at=T0 + timedelta(hours=1)))["events"][1]
    logs = {
        "cancel_then_complete": ("active", [start, cancel, done]),
        "created_done": ("done", [dict(start, target="done")]),
        "cancel_named_complete": ("cancelled", [start, dict(cancel, transition="complete_step")]),
        "back_in_time": ("active", [start, dict(done, at="2020-01-01T00:00:00+07:00")]),
    }
    status, events = logs[forge]
    with pytest.raises(ConversionError, match=where):
        from_dict({"status": status, "events": events}, WorkflowRun)


def test_offsets_are_whole_numbers_within_the_calendar() -> None:
    step = PRE_SALE.steps[0]
    with pytest.raises(ValidationError, match="whole numbers"):
        attrs.evolve(step, due=relativedelta(days=1.5))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="past the calendar"):
        attrs.evolve(step, due=relativedelta(years=10_000))
    far = CareWorkflow("far", "Xa", "Far", [attrs.evolve(step, due=relativedelta(years=9000))])
    with pytest.raises(ValidationError, match="trigger_at"):
        far.start("c-1", at=T0)  # due in the year 11026
    late = attrs.evolve(far, grace=relativedelta(years=100))
    run = late.start("c-1", at=datetime(900, 1, 1, tzinfo=VN))  # due 9900, overdue after 9999
    assert run.overdue(as_of=datetime(9999, 12, 31, tzinfo=VN)) == ()


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_FIELDS = st.sampled_from(["years", "months", "days", "hours", "minutes", "weeks", "day", ""])


@settings(max_examples=scaled(60))
@given(_JSON | st.dictionaries(_FIELDS, _JSON | st.integers(-(10**12), 10**12), max_size=4))
def test_hostile_json_offsets_raise_conversion_errors_only(value: object) -> None:
    """Unknown keys, floats, bools, huge or negative numbers: a ConversionError naming the
    path, never a bare exception; what loads round-trips."""
    alone: tuple[str, ...] = ()
    try:
        assert isinstance(from_dict(value, relativedelta), relativedelta)
    except ConversionError as error:
        alone = error.paths
    assert all(p.startswith("$") for p in alone)
    data: Any = to_dict(POST_SALE)
    data["steps"][0]["due"] = value
    nested: tuple[str, ...] = ()
    try:
        workflow = from_dict(data, CareWorkflow)
        assert from_dict(to_dict(workflow), CareWorkflow) == workflow
    except ConversionError as error:
        nested = error.paths
    assert all(p.startswith("$.steps[0].due") for p in nested)


def test_a_step_s_note_is_cleaned_like_every_text() -> None:
    step = PRE_SALE.steps[0]
    done = StepProgress(step, StepState.COMPLETED, T0, T0, "  khách   hài lòng ")
    assert done.note == "khách hài lòng"


def test_a_workflow_holds_a_bounded_number_of_steps() -> None:
    """So a stored run (its template inside) loads in time linear in its log."""
    from khachhang.care.planning.workflows import MAX_STEPS

    step = PRE_SALE.steps[0]
    many = [attrs.evolve(step, key=f"s{i}") for i in range(MAX_STEPS + 1)]
    with pytest.raises(ValidationError, match="at most 1000") as refused:
        CareWorkflow("big", "Lớn", "Big", many)
    assert refused.value.path == "steps"
    assert len(CareWorkflow("big", "Lớn", "Big", many[:MAX_STEPS]).steps) == MAX_STEPS
