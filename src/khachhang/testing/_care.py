"""Hypothesis strategies for the planning side of :mod:`khachhang.care` (private).

Channels, workflows and their runs, care rules, plans, touchpoints and drops. Every
strategy builds valid values directly; runs are built by real moves, so every event is
one :data:`~khachhang.care.WORKFLOW_RUN` produced.

Example::

    from hypothesis import given
    from khachhang.testing._care import workflow_runs

    @given(workflow_runs())
    def test_replay_rebuilds_the_run(run):
        assert WORKFLOW_RUN.replay(run.events) == run
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta, timezone

from dateutil.relativedelta import relativedelta
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from khachhang.care.channels import CareMode, Channel
from khachhang.care.planning.agenda import Agenda
from khachhang.care.planning.plan import CarePlan
from khachhang.care.planning.rules import (
    Anniversary,
    AnniversaryOf,
    BirthdayGreeting,
    CareRule,
    CheckIn,
    FollowUp,
    Holiday,
    HolidayGreeting,
    LeapDay,
    Purpose,
)
from khachhang.care.planning.templates import POST_SALE, PRE_SALE
from khachhang.care.planning.touchpoints import (
    Cap,
    Drop,
    DropReason,
    Period,
    QuietHours,
    Touchpoint,
)
from khachhang.care.planning.workflows import (
    CareWorkflow,
    Progress,
    RunCancelled,
    RunStarted,
    StepCompleted,
    StepProgress,
    StepSkipped,
    StepState,
    WorkflowRun,
    WorkflowStep,
)
from khachhang.testing._hook import register_module
from khachhang.testing._strategies import aware_datetimes

__all__ = [
    "agendas",
    "anniversaries",
    "birthday_greetings",
    "caps",
    "care_plans",
    "care_rules",
    "care_workflows",
    "check_ins",
    "drops",
    "follow_ups",
    "holiday_greetings",
    "holidays",
    "offsets",
    "progresses",
    "quiet_hours",
    "run_cancellations",
    "run_starts",
    "step_completions",
    "step_progresses",
    "step_skips",
    "touchpoints",
    "workflow_runs",
    "workflow_steps",
]

_LO = datetime(2020, 1, 1, tzinfo=timezone.utc)
_HI = datetime(2032, 12, 31, tzinfo=timezone.utc)
_KEYS = ("call", "visit", "survey", "thank_you", "quote", "demo", "review", "gift")
_LABELS = (
    ("Gọi điện hỏi thăm", "Courtesy call"),
    ("Gửi thư cảm ơn", "Thank-you letter"),
    ("Khảo sát mức độ hài lòng", "Satisfaction survey"),
    ("Tặng quà tri ân", "Thank-you gift"),
    ("Tư vấn sản phẩm", "Product advice"),
)
_OUTCOMES = ("", "khách hài lòng", "hẹn gọi lại", "đã gửi báo giá", "5 sao", "no answer")
_NAMES = ("follow-up", "birthday", "tet", "vip-monthly", "anniversary", "holidays", "check_in")
_HOLIDAY_NAMES = ("Tết Dương lịch", "Tết Nguyên Đán", "Giỗ Tổ Hùng Vương", "Quốc khánh")


def offsets(*, max_years: int = 1) -> SearchStrategy[relativedelta]:
    """Forward, purely relative offsets (years, months, days, hours, minutes).

    Example: ``@given(offsets())`` draws e.g. ``relativedelta(months=+1, days=+3)``.
    """
    return st.builds(
        relativedelta,
        years=st.integers(0, max_years),
        months=st.integers(0, 11),
        days=st.integers(0, 40),
        hours=st.integers(0, 23),
        minutes=st.sampled_from([0, 15, 30, 45]),
    )


def _local_times() -> SearchStrategy[time]:
    return st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


# --- workflows -----------------------------------------------------------------------------


def workflow_steps(key: str | None = None) -> SearchStrategy[WorkflowStep]:
    """Workflow steps with Vietnamese and English labels; ``key`` pins the key.

    Example: ``@given(workflow_steps())``.
    """
    keys = st.sampled_from(_KEYS) if key is None else st.just(key)
    return st.builds(
        lambda k, labels, mode, channel, due, required: WorkflowStep(
            k, labels[0], labels[1], mode, channel, due, required
        ),
        keys,
        st.sampled_from(_LABELS),
        st.sampled_from(CareMode),
        st.none() | st.sampled_from(Channel),
        offsets(max_years=0),
        st.booleans(),
    )


@st.composite
def _custom_workflows(draw: st.DrawFn) -> CareWorkflow:
    keys = draw(st.lists(st.sampled_from(_KEYS), min_size=1, max_size=5, unique=True))
    steps = tuple(draw(workflow_steps(k)) for k in keys)
    grace = draw(st.builds(relativedelta, days=st.integers(0, 3), hours=st.integers(0, 23)))
    return CareWorkflow("custom", "Quy trình riêng", "Custom workflow", steps, grace)


def care_workflows() -> SearchStrategy[CareWorkflow]:
    """The built-in PRE_SALE and POST_SALE, or custom workflows of one to five steps.

    Example: ``@given(care_workflows())``.
    """
    return st.sampled_from([PRE_SALE, POST_SALE]) | _custom_workflows()


@st.composite
def _runs(draw: st.DrawFn, workflow: CareWorkflow | None, max_moves: int) -> WorkflowRun:
    flow = draw(care_workflows()) if workflow is None else workflow
    at = draw(aware_datetimes(_LO, _HI))
    run = flow.start(draw(st.sampled_from(["c-1", "c-2", "KH-0042"])), at=at)
    for _ in range(draw(st.integers(0, max_moves))):
        open_steps = [p.step for p in run.steps if p.state is StepState.OPEN]
        if not open_steps or run.status.value != "active":
            break
        at += timedelta(minutes=draw(st.integers(0, 60 * 24 * 20)))
        step = draw(st.sampled_from(open_steps))
        move = draw(st.sampled_from(["complete", "complete", "skip", "cancel"]))
        if move == "cancel" and draw(st.integers(0, 3)) == 0:
            run = run.cancel("khách hàng từ chối", at=at)
        elif move == "skip" and not step.required:
            run = run.skip(step.key, "không cần thiết", at=at)
        else:
            outcome = draw(st.sampled_from(_OUTCOMES))
            channel = draw(st.none() | st.sampled_from(Channel))
            run = run.complete_step(step.key, at=at, outcome=outcome, channel=channel)
    return run


def workflow_runs(
    workflow: CareWorkflow | None = None, *, max_moves: int = 6
) -> SearchStrategy[WorkflowRun]:
    """Runs built by real moves (completions, skips of optional steps, cancellations).

    Example: ``@given(workflow_runs(POST_SALE))``.
    """
    return _runs(workflow, max_moves)


def run_starts() -> SearchStrategy[RunStarted]:
    """Creation payloads of runs.

    Example: ``@given(run_starts())``.
    """
    return st.builds(RunStarted, care_workflows(), st.sampled_from(["c-1", "KH-0042"]))


def step_completions() -> SearchStrategy[StepCompleted]:
    """Completion payloads.

    Example: ``@given(step_completions())``.
    """
    return st.builds(
        StepCompleted,
        st.sampled_from(_KEYS),
        st.sampled_from(_OUTCOMES),
        st.none() | st.sampled_from(Channel),
    )


def step_skips() -> SearchStrategy[StepSkipped]:
    """Skip payloads.

    Example: ``@given(step_skips())``.
    """
    return st.builds(StepSkipped, st.sampled_from(_KEYS), st.sampled_from(["không cần", "n/a"]))


def run_cancellations() -> SearchStrategy[RunCancelled]:
    """Cancellation payloads.

    Example: ``@given(run_cancellations())``.
    """
    return st.builds(RunCancelled, st.sampled_from(["khách hàng từ chối", "duplicate"]))


def step_progresses() -> SearchStrategy[StepProgress]:
    """The progress of one step of a drawn run.

    Example: ``@given(step_progresses())``.
    """
    return workflow_runs().flatmap(lambda run: st.sampled_from(run.steps))


def progresses() -> SearchStrategy[Progress]:
    """Consistent progress counts.

    Example: ``@given(progresses())``.
    """
    return st.builds(
        lambda c, s, o: Progress(c, s, o, c + s + o),
        st.integers(0, 5),
        st.integers(0, 5),
        st.integers(0, 5),
    )


# --- rules and plans -------------------------------------------------------------------------


_CONSENT_PURPOSES = st.sampled_from(("marketing", "service", "loyalty.newsletter"))


def _channel_lists() -> SearchStrategy[tuple[Channel, ...]]:
    return st.lists(st.sampled_from(Channel), min_size=1, max_size=3, unique=True).map(tuple)


def follow_ups(name: str | None = None) -> SearchStrategy[FollowUp]:
    """Follow-up rules with one to three offsets (up to a year).

    Example: ``@given(follow_ups())``.
    """
    return st.builds(
        FollowUp,
        st.sampled_from(_NAMES) if name is None else st.just(name),
        st.lists(offsets(max_years=0), min_size=1, max_size=3).map(tuple),
        _channel_lists(),
        st.none() | _local_times(),
        _CONSENT_PURPOSES,
    )


def birthday_greetings(name: str | None = None) -> SearchStrategy[BirthdayGreeting]:
    """Birthday rules, either reading of 29 February.

    Example: ``@given(birthday_greetings())``.
    """
    return st.builds(
        BirthdayGreeting,
        st.sampled_from(_NAMES) if name is None else st.just(name),
        _channel_lists(),
        _local_times(),
        st.sampled_from(LeapDay),
        _CONSENT_PURPOSES,
    )


def anniversaries(name: str | None = None) -> SearchStrategy[Anniversary]:
    """First-purchase or relationship anniversary rules.

    Example: ``@given(anniversaries())``.
    """
    return st.builds(
        Anniversary,
        st.sampled_from(_NAMES) if name is None else st.just(name),
        st.sampled_from(AnniversaryOf),
        _channel_lists(),
        _local_times(),
        st.sampled_from(LeapDay),
        _CONSENT_PURPOSES,
    )


def holidays(min_year: int = 2020, max_year: int = 2032) -> SearchStrategy[Holiday]:
    """Holidays with Vietnamese names on dates between the years given.

    Example: ``@given(holidays())``.
    """
    return st.builds(
        Holiday,
        st.dates(date(min_year, 1, 1), date(max_year, 12, 31)),
        st.sampled_from(_HOLIDAY_NAMES),
    )


def holiday_greetings(name: str | None = None) -> SearchStrategy[HolidayGreeting]:
    """Holiday rules with up to ten dates (some consecutive, to exercise ``merge_runs``).

    Example: ``@given(holiday_greetings())``.
    """

    def build(
        rule: str,
        starts: list[date],
        lengths: list[int],
        channels: tuple[Channel, ...],
        when: time,
        merge: bool,
        purpose: str,
    ) -> HolidayGreeting:
        found: dict[date, str] = {}
        for i, (first, length) in enumerate(zip(starts, lengths, strict=False)):
            for k in range(length):
                found.setdefault(first + timedelta(days=k), _HOLIDAY_NAMES[i % 4])
        return HolidayGreeting.from_mapping(
            found,
            name=rule,
            channels=channels,
            time_of_day=when,
            merge_runs=merge,
            consent_purpose=purpose,
        )

    return st.builds(
        build,
        st.sampled_from(_NAMES) if name is None else st.just(name),
        st.lists(st.dates(date(2020, 1, 1), date(2032, 12, 31)), max_size=5),
        st.lists(st.integers(1, 3), min_size=5, max_size=5),
        _channel_lists(),
        _local_times(),
        st.booleans(),
        _CONSENT_PURPOSES,
    )


def check_ins(name: str | None = None, segment: str = "vip") -> SearchStrategy[CheckIn]:
    """Recurring check-ins of ``segment`` every few days, weeks or months.

    Example: ``@given(check_ins())``.
    """
    every = st.one_of(
        st.builds(relativedelta, days=st.integers(1, 60)),
        st.builds(relativedelta, months=st.integers(1, 6)),
    )
    return st.builds(
        CheckIn,
        st.sampled_from(_NAMES) if name is None else st.just(name),
        st.just(segment),
        every,
        _channel_lists(),
        _local_times(),
        _CONSENT_PURPOSES,
    )


def care_rules(name: str | None = None) -> SearchStrategy[CareRule]:
    """Any care rule.

    Example: ``@given(care_rules())``.
    """
    options: list[SearchStrategy[CareRule]] = [
        follow_ups(name),
        birthday_greetings(name),
        anniversaries(name),
        holiday_greetings(name),
        check_ins(name),
    ]
    return st.one_of(options)


def quiet_hours() -> SearchStrategy[QuietHours]:
    """Quiet hours, some spanning midnight.

    Example: ``@given(quiet_hours())``.
    """
    pairs = st.tuples(_local_times(), _local_times()).filter(lambda pair: pair[0] != pair[1])
    return pairs.map(lambda pair: QuietHours(*pair))


def caps() -> SearchStrategy[Cap]:
    """Caps of one to four touchpoints per period.

    Example: ``@given(caps())``.
    """
    return st.builds(Cap, st.integers(1, 4), st.sampled_from(Period))


@functools.cache
def care_plans(max_rules: int = 4) -> SearchStrategy[CarePlan]:
    """Plans of up to ``max_rules`` rules (unique names), with or without quiet hours and cap.

    Check-in rules name the segment ``"vip"``; pass ``segments={"vip": ...}`` when running.

    Example: ``@given(care_plans())``.
    """

    @st.composite
    def build(draw: st.DrawFn) -> CarePlan:
        names = draw(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=max_rules, unique=True))
        rules = tuple(draw(care_rules(n)) for n in names)
        return CarePlan(rules, draw(st.none() | quiet_hours()), draw(st.none() | caps()))

    return build()


def touchpoints() -> SearchStrategy[Touchpoint]:
    """Touchpoints, as a plan yields them.

    Example: ``@given(touchpoints())``.
    """
    return st.builds(
        Touchpoint,
        st.sampled_from(["c-1", "c-2", "KH-0042"]),
        aware_datetimes(_LO, _HI),
        st.sampled_from(Channel),
        st.sampled_from(Purpose),
        st.sampled_from(_NAMES),
        st.sampled_from(["", "o-1", "Tết Nguyên Đán", "3"]),
        _CONSENT_PURPOSES,
    )


def drops() -> SearchStrategy[Drop]:
    """Dropped touchpoints with a reason.

    Example: ``@given(drops())``.
    """
    return st.builds(
        Drop, touchpoints(), st.sampled_from(DropReason), st.sampled_from(["", "sms: no_consent"])
    )


@st.composite
def _agendas(draw: st.DrawFn, max_size: int) -> Agenda:
    planned = draw(st.lists(touchpoints(), max_size=max_size))
    dropped = draw(st.lists(drops(), max_size=max_size))
    dues = [t.due for t in planned] + [d.due for d in dropped]
    start = draw(aware_datetimes(_LO, min(dues))) if dues else draw(aware_datetimes(_LO, _HI))
    last = max(dues, default=start)
    end = last + draw(st.sampled_from([timedelta(seconds=1), timedelta(days=1)]))
    order = sorted(planned, key=lambda t: (t.due, t.customer_id))
    tz = draw(st.sampled_from(["Asia/Ho_Chi_Minh", "UTC", "Europe/Berlin"]))
    return Agenda(start, end, tz, tuple(order), tuple(sorted(dropped, key=lambda d: d.due)))


def agendas(max_size: int = 6) -> SearchStrategy[Agenda]:
    """Care calendars (:class:`~khachhang.care.Agenda`): touchpoints and drops
    inside the window.

    Example: ``@given(agendas())``.
    """
    return _agendas(max_size)


def register_types() -> None:
    """Teach ``st.from_type`` every model of the care plan."""
    register_module(__name__)
