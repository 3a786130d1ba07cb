"""Care workflows: ordered templates of care steps and their runs.

A :class:`CareWorkflow` is a template: ordered :class:`WorkflowStep`\\ s, each with a key,
a bilingual label, a :class:`~khachhang.care.channels.CareMode`, a default channel, a due
offset from the trigger (a dateutil ``relativedelta``) and whether it may be skipped. Two
come built in, care before and after the sale (*chăm sóc khách hàng qua từng giai đoạn*):
:data:`~khachhang.care.planning.templates.PRE_SALE` with its five steps and
:data:`~khachhang.care.planning.templates.POST_SALE` with its four (in
:mod:`khachhang.care.planning.templates`).

Starting a workflow for a customer gives a :class:`WorkflowRun`, an immutable value run by
:data:`WORKFLOW_RUN` on :mod:`khachhang.fsm`: every completion, skip or cancellation is an
event, and replaying the events rebuilds an equal run.

>>> from datetime import datetime, timedelta, timezone
>>> from khachhang.care.planning.templates import POST_SALE
>>> t = datetime(2026, 3, 2, 9, tzinfo=timezone(timedelta(hours=7)))
>>> run = POST_SALE.start("c-1", at=t)
>>> [s.step.key for s in run.due(as_of=t + timedelta(days=3))]
['track_feedback']
>>> run = run.complete_step("track_feedback", at=t + timedelta(days=2), outcome="5 sao")
>>> run = run.skip("loyalty_policy", "chưa đủ điều kiện", at=t + timedelta(days=2))
>>> [s.step.key for s in run.overdue(as_of=t + timedelta(days=9))]
['respond_and_check_in']
>>> run.progress
Progress(completed=1, skipped=1, open=2, total=4)
>>> WorkflowRun.replay(run.events) == run
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs
from dateutil.relativedelta import relativedelta

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_optional,
    check_type,
    clean_text,
    instant,
)
from khachhang.care.channels import CareMode, Channel
from khachhang.errors import TransitionError, ValidationError
from khachhang.fsm import (
    Definition,
    Event,
    Payload,
    Transition,
    rebuilder,
    require_aware,
)
from khachhang.labels import BilingualEnum, check_lang

__all__ = [
    "MAX_STEPS",
    "WORKFLOW_RUN",
    "CareWorkflow",
    "Progress",
    "RunCancelled",
    "RunStarted",
    "RunStatus",
    "StepCompleted",
    "StepProgress",
    "StepSkipped",
    "StepState",
    "WorkflowRun",
    "WorkflowStep",
    "check_offset",
]

_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}", re.ASCII)
RELATIVE_FIELDS = ("years", "months", "days", "hours", "minutes", "seconds", "microseconds")
"""The fields of a ``relativedelta`` an offset may use (weeks are stored as days)."""
# relativedelta keeps months < 12, hours < 24, ... and carries the rest into years and
# days; years and days are bounded by the span of the calendar (years 1 to 9999).
_MAX_FIELD = {
    "years": 9998,
    "months": 11,
    "days": 3_652_058,
    "hours": 23,
    "minutes": 59,
    "seconds": 59,
    "microseconds": 999_999,
}
_ABSOLUTE_FIELDS = ("year", "month", "day", "weekday", "hour", "minute", "second", "microsecond")


def _key(path: str, value: object) -> str:
    text = check_type(path, value, str)
    if not _KEY.fullmatch(text):
        msg = f"{text[:70]!r} is not a key: lower-case letters, digits and _, at most 64"
        raise ValidationError(path, msg)
    return text


def check_offset(path: str, value: object) -> relativedelta:
    """Return ``value`` if it is a forward, purely relative ``relativedelta``; raise otherwise.

    Offsets are added to a trigger time, so they may not go back in time and may not pin
    absolute fields (``day=31``, ``weekday=MO``): those do not survive being stored as
    the plain numbers the converter writes.

    >>> check_offset("due", relativedelta(weeks=1)).days
    7
    >>> check_offset("due", relativedelta(days=-1))
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: due: an offset must not be negative (days=-1)
    """
    delta = check_type(path, value, relativedelta)
    pinned = [name for name in _ABSOLUTE_FIELDS if getattr(delta, name) is not None]
    if pinned or delta.leapdays:
        shown = ", ".join(pinned or ["leapdays"])
        msg = f"an offset must be relative only; remove the absolute field(s): {shown}"
        raise ValidationError(path, msg)
    for name in RELATIVE_FIELDS:
        amount = getattr(delta, name)
        if type(amount) is not int:
            msg = f"an offset is whole numbers ({name}={amount!r}); use a smaller unit"
            raise ValidationError(path, msg)
        if amount < 0:
            raise ValidationError(path, f"an offset must not be negative ({name}={amount})")
        if amount > _MAX_FIELD[name]:
            msg = f"{name}={amount} reaches past the calendar (at most {_MAX_FIELD[name]})"
            raise ValidationError(path, msg)
    return delta


@attrs.frozen
class WorkflowStep:
    """One step of a care workflow.

    Args:
        key: a stable identifier (``lower_snake_case``), unique in its workflow.
        label_vi: the step's name in Vietnamese (the usual Vietnamese wording).
        label_en: the step's name in English.
        mode: proactive care or reactive support.
        channel: the channel the step uses by default; ``None`` for internal work
            (classifying a customer reaches nobody).
        due: when the step is due, as an offset from the workflow's trigger.
        required: a required step must be completed; an optional one may be skipped.

    >>> s = WorkflowStep("call", "Gọi điện hỏi thăm", "Courtesy call", CareMode.PROACTIVE,
    ...                  Channel.PHONE, relativedelta(days=3))
    >>> s.label("en"), s.required
    ('Courtesy call', True)
    """

    key: str
    label_vi: str
    label_en: str
    mode: CareMode
    channel: Channel | None
    due: relativedelta
    required: bool = True

    def __attrs_post_init__(self) -> None:
        _key("key", self.key)
        object.__setattr__(self, "label_vi", clean_text("label_vi", self.label_vi))
        object.__setattr__(self, "label_en", clean_text("label_en", self.label_en))
        check_type("mode", self.mode, CareMode)
        check_optional("channel", self.channel, Channel)
        check_offset("due", self.due)
        check_type("required", self.required, bool)

    def label(self, lang: str = "vi") -> str:
        """The step's label in ``lang``."""
        return self.label_vi if check_lang(lang) == "vi" else self.label_en


MAX_STEPS = 1_000
"""The most steps one workflow holds: each move of a run copies its steps' progress, so a
stored run loads in time linear in its log (at most one event per step, and a start and a
cancellation)."""


def _steps(values: Iterable[WorkflowStep]) -> tuple[WorkflowStep, ...]:
    steps = as_collection("steps", values)
    if len(steps) > MAX_STEPS:
        msg = f"{len(steps)} steps; a workflow holds at most {MAX_STEPS}"
        raise ValidationError("steps", msg)
    return check_items("steps", steps, WorkflowStep)


@attrs.frozen
class CareWorkflow:
    """An ordered template of care steps; :meth:`start` runs it for one customer.

    Args:
        key: a stable identifier (``lower_snake_case``).
        label_vi: the workflow's name in Vietnamese.
        label_en: the workflow's name in English.
        steps: at least one step; keys unique. The order is the order of work.
        grace: how long after its due time an open step becomes *overdue*.

    >>> from khachhang.care.planning.templates import PRE_SALE
    >>> [s.key for s in PRE_SALE.steps][:2]
    ['gather_information', 'classify']
    >>> PRE_SALE.step("nope")
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: step: no step 'nope' in pre_sale; steps: ...
    """

    key: str
    label_vi: str
    label_en: str
    steps: tuple[WorkflowStep, ...] = attrs.field(converter=_steps)
    grace: relativedelta = attrs.field(factory=lambda: relativedelta(days=1))

    def __attrs_post_init__(self) -> None:
        _key("key", self.key)
        object.__setattr__(self, "label_vi", clean_text("label_vi", self.label_vi))
        object.__setattr__(self, "label_en", clean_text("label_en", self.label_en))
        if not self.steps:
            raise ValidationError("steps", "a workflow needs at least one step")
        seen: dict[str, int] = {}
        for i, step in enumerate(self.steps):
            if step.key in seen:
                raise ValidationError(f"steps[{i}].key", f"duplicates steps[{seen[step.key]}]")
            seen[step.key] = i
        check_offset("grace", self.grace)

    def label(self, lang: str = "vi") -> str:
        """The workflow's label in ``lang``."""
        return self.label_vi if check_lang(lang) == "vi" else self.label_en

    def step(self, key: str) -> WorkflowStep:
        """The step with ``key``; ``ValidationError`` if there is none."""
        for step in self.steps:
            if step.key == key:
                return step
        keys = ", ".join(s.key for s in self.steps)
        raise ValidationError("step", f"no step {str(key)[:70]!r} in {self.key}; steps: {keys}")

    def start(self, customer_id: str, *, at: datetime, actor: str | None = None) -> WorkflowRun:
        """Start a run of this workflow for ``customer_id``; due times count from ``at``.

        >>> from datetime import datetime, timezone
        >>> from khachhang.care.planning.templates import PRE_SALE
        >>> run = PRE_SALE.start("c-7", at=datetime(2026, 1, 5, 8, tzinfo=timezone.utc))
        >>> run.status, run.customer_id, run.trigger_at.day
        (RunStatus.ACTIVE, 'c-7', 5)
        """
        require_aware(at, "at")
        payload = RunStarted(self, customer_id)
        return WORKFLOW_RUN.start(at=at, actor=actor, payload=payload)


# --- the run --------------------------------------------------------------------------


class RunStatus(BilingualEnum):
    """Where a workflow run stands."""

    ACTIVE = ("active", "Đang thực hiện", "Active")
    DONE = ("done", "Hoàn tất", "Done")
    CANCELLED = ("cancelled", "Đã hủy", "Cancelled")


class StepState(BilingualEnum):
    """Where one step of a run stands."""

    OPEN = ("open", "Chưa làm", "To do")
    COMPLETED = ("completed", "Đã hoàn tất", "Completed")
    SKIPPED = ("skipped", "Bỏ qua", "Skipped")


@attrs.frozen
class RunStarted(Payload):
    """The payload of a run's creation event: which workflow, for whom."""

    workflow: CareWorkflow
    customer_id: str

    def __attrs_post_init__(self) -> None:
        check_type("workflow", self.workflow, CareWorkflow)
        object.__setattr__(
            self, "customer_id", check_key("customer_id", self.customer_id, max_len=128)
        )


@attrs.frozen
class StepCompleted(Payload):
    """A step was done: its outcome and the channel actually used (if any)."""

    step: str
    outcome: str = ""
    channel: Channel | None = None

    def __attrs_post_init__(self) -> None:
        _key("step", self.step)
        text = clean_text("outcome", self.outcome, max_len=2000, allow_empty=True)
        object.__setattr__(self, "outcome", text)
        check_optional("channel", self.channel, Channel)


@attrs.frozen
class StepSkipped(Payload):
    """An optional step was skipped, with the reason."""

    step: str
    reason: str

    def __attrs_post_init__(self) -> None:
        _key("step", self.step)
        object.__setattr__(self, "reason", clean_text("reason", self.reason, max_len=2000))


@attrs.frozen
class RunCancelled(Payload):
    """The run was stopped before every step was resolved."""

    reason: str

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "reason", clean_text("reason", self.reason, max_len=2000))


@attrs.frozen
class StepProgress:
    """One step as seen in a run: its state, when it is due, and what happened.

    ``at`` and ``note`` (the outcome or the skip reason) are set once the step is
    resolved.
    """

    step: WorkflowStep
    state: StepState
    due_at: datetime
    at: datetime | None = None
    note: str = ""

    def __attrs_post_init__(self) -> None:
        check_type("step", self.step, WorkflowStep)
        check_type("state", self.state, StepState)
        require_aware(self.due_at, "due_at")
        if self.at is not None:
            require_aware(self.at, "at")
        if (self.at is None) != (self.state is StepState.OPEN):
            raise ValidationError("at", "set exactly when the step is resolved")
        note = clean_text("note", self.note, max_len=2000, allow_empty=True)
        object.__setattr__(self, "note", note)


@attrs.frozen
class Progress:
    """How far a run is: counts of completed, skipped and open steps.

    >>> Progress(completed=2, skipped=1, open=1, total=4).percent
    75
    """

    completed: int
    skipped: int
    open: int
    total: int

    def __attrs_post_init__(self) -> None:
        for name in ("completed", "skipped", "open", "total"):
            if check_type(name, getattr(self, name), int) < 0:
                raise ValidationError(name, "must not be negative")
        if self.completed + self.skipped + self.open != self.total:
            raise ValidationError("total", "completed + skipped + open must equal total")

    @property
    def percent(self) -> int:
        """Resolved steps (completed or skipped) as a whole percentage, rounded down."""
        return 100 * (self.completed + self.skipped) // self.total if self.total else 100


def _events(values: Iterable[Event[RunStatus]]) -> tuple[Event[RunStatus], ...]:
    return check_items("events", as_collection("events", values), Event)


def _opened(workflow: CareWorkflow, trigger: datetime) -> dict[str, StepProgress]:
    """Every step of ``workflow`` open, due from ``trigger``."""
    steps: dict[str, StepProgress] = {}
    for i, s in enumerate(workflow.steps):
        try:
            due_at = trigger + s.due
        except (OverflowError, ValueError):
            msg = f"step {s.key!r} would be due after the year 9999 (steps[{i}].due)"
            raise ValidationError("trigger_at", msg) from None
        steps[s.key] = StepProgress(s, StepState.OPEN, due_at)
    return steps


def _resolved(progress: StepProgress, event: Event[RunStatus]) -> StepProgress:
    payload = event.payload
    if isinstance(payload, StepCompleted):
        return attrs.evolve(progress, state=StepState.COMPLETED, at=event.at, note=payload.outcome)
    reason = payload.reason if isinstance(payload, StepSkipped) else ""
    return attrs.evolve(progress, state=StepState.SKIPPED, at=event.at, note=reason)


def _step_refusal(
    steps: Mapping[str, StepProgress], opened: int, workflow: CareWorkflow, event: Event[RunStatus]
) -> str | None:
    """Why ``event`` (a completion or a skip) cannot happen now, or ``None``."""
    payload = event.payload
    expected = StepCompleted if event.transition == "complete_step" else StepSkipped
    if not isinstance(payload, expected):
        return f"{event.transition!r} carries a {expected.__name__} payload"
    assert isinstance(payload, (StepCompleted, StepSkipped))
    progress = steps.get(payload.step)
    if progress is None:
        return f"no step {payload.step!r} in {workflow.key}"
    if progress.state is not StepState.OPEN:
        return f"step {payload.step!r} is already {progress.state.value}"
    if isinstance(payload, StepSkipped) and progress.step.required:
        return f"step {payload.step!r} is required; only optional steps can be skipped"
    last = opened == 1  # ``opened`` counts the open steps, this one among them
    if last and event.target is not RunStatus.DONE:
        return "this resolves the last open step: the run must move to done"
    if not last and event.target is RunStatus.DONE:
        return "other steps are still open"
    return None


def _past(due_at: datetime, grace: relativedelta, as_of: datetime) -> bool:
    """Whether ``as_of`` is after ``due_at + grace`` (never, if that is past the year 9999)."""
    try:
        return due_at + grace < instant(as_of)
    except (OverflowError, ValueError):
        return False


@attrs.frozen
class WorkflowRun:
    """One customer's run of a :class:`CareWorkflow`: its status and its event log.

    Build one with :meth:`CareWorkflow.start`; every move returns a new run. The run is
    its log: ``WorkflowRun.replay(run.events) == run``, and building a run from a log
    that no sequence of moves could produce raises :class:`ValidationError`.
    """

    status: RunStatus
    events: tuple[Event[RunStatus], ...] = attrs.field(converter=_events)
    # What the fold derives from the log (the guards read these, never the whole log).
    _steps: dict[str, StepProgress] = attrs.field(init=False, eq=False, hash=False, repr=False)
    _started: RunStarted = attrs.field(init=False, eq=False, hash=False, repr=False)
    _open: int = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        check_type("status", self.status, RunStatus)
        # The machine's one log check (a linear replay from the creation event); the
        # steps' progress is what that fold derived.
        rebuilt = WORKFLOW_RUN.check_log(self)
        object.__setattr__(self, "_steps", rebuilt._steps)
        object.__setattr__(self, "_started", rebuilt._started)
        object.__setattr__(self, "_open", rebuilt._open)

    @classmethod
    def replay(
        cls, events: Iterable[Event[RunStatus]], *, onto: WorkflowRun | None = None
    ) -> WorkflowRun:
        """Rebuild a run by replaying ``events`` onto ``onto``, re-checking every move and
        guard: the shape of every aggregate's ``replay``.

        ``onto`` is optional: without it the first event is the creation event
        (``start``, carrying the workflow and the customer); with it the events continue
        a run replayed so far.

        Raises:
            LogError: an event the machine refuses, named (``events[i]``).
            ValidationError: ``onto`` is not a :class:`WorkflowRun`, named.
        """
        return WORKFLOW_RUN.replay(events, onto=check_optional("onto", onto, cls))

    # -- what the run is about --------------------------------------------------------
    @property
    def workflow(self) -> CareWorkflow:
        """The workflow template this run follows."""
        return self._started.workflow

    @property
    def customer_id(self) -> str:
        """The customer the run is for."""
        return self._started.customer_id

    @property
    def trigger_at(self) -> datetime:
        """When the run started; every due time counts from here."""
        return self.events[0].at

    # -- queries ---------------------------------------------------------------------
    @property
    def steps(self) -> tuple[StepProgress, ...]:
        """Every step's progress, in the workflow's order."""
        return tuple(self._steps[s.key] for s in self.workflow.steps)

    def due(self, *, as_of: datetime) -> tuple[StepProgress, ...]:
        """Open steps whose due time has come by ``as_of`` (overdue ones included).

        A finished or cancelled run has nothing due.
        """
        as_of = instant(require_aware(as_of, "as_of"))
        if self.status is not RunStatus.ACTIVE:
            return ()
        return tuple(p for p in self.steps if p.state is StepState.OPEN and p.due_at <= as_of)

    def overdue(self, *, as_of: datetime) -> tuple[StepProgress, ...]:
        """Open steps past their due time plus the workflow's ``grace`` at ``as_of``."""
        require_aware(as_of, "as_of")
        if self.status is not RunStatus.ACTIVE:
            return ()
        grace = self.workflow.grace
        return tuple(
            p for p in self.steps if p.state is StepState.OPEN and _past(p.due_at, grace, as_of)
        )

    @property
    def progress(self) -> Progress:
        """Counts of completed, skipped and open steps."""
        states = [p.state for p in self._steps.values()]
        return Progress(
            completed=states.count(StepState.COMPLETED),
            skipped=states.count(StepState.SKIPPED),
            open=states.count(StepState.OPEN),
            total=len(states),
        )

    # -- moves -----------------------------------------------------------------------
    def _target(self, step: str) -> RunStatus:
        progress = self._steps.get(step)
        others_open = self._open - (progress is not None and progress.state is StepState.OPEN)
        return RunStatus.ACTIVE if others_open else RunStatus.DONE

    def complete_step(
        self,
        step: str,
        *,
        at: datetime,
        outcome: str = "",
        channel: Channel | None = None,
        actor: str | None = None,
    ) -> WorkflowRun:
        """Record that ``step`` was done at ``at``; the last open step finishes the run.

        Raises:
            TransitionError: the run is not active, the step is unknown or already
                resolved, or ``at`` is earlier than the last event.
        """
        payload = StepCompleted(step, outcome, channel)
        return WORKFLOW_RUN.fire(
            self, "complete_step", at=at, actor=actor, payload=payload, target=self._target(step)
        )

    def skip(
        self, step: str, reason: str, *, at: datetime, actor: str | None = None
    ) -> WorkflowRun:
        """Skip the optional ``step`` with ``reason``; a required step raises TransitionError."""
        payload = StepSkipped(step, reason)
        return WORKFLOW_RUN.fire(
            self, "skip", at=at, actor=actor, payload=payload, target=self._target(step)
        )

    def cancel(self, reason: str, *, at: datetime, actor: str | None = None) -> WorkflowRun:
        """Stop the run; nothing is due afterwards."""
        return WORKFLOW_RUN.fire(self, "cancel", at=at, actor=actor, payload=RunCancelled(reason))

    # -- notebook view (khachhang.views) -----------------------------------------------
    def to_html(self, lang: str = "vi") -> str:
        """The run and its steps: see :func:`khachhang.views.to_html`."""
        from khachhang.views._care import run_html

        return run_html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()


def _step_guard(run: WorkflowRun, event: Event[RunStatus]) -> str | None:
    return _step_refusal(run._steps, run._open, run.workflow, event)


def _cancel_guard(run: WorkflowRun, event: Event[RunStatus]) -> str | None:
    return None if isinstance(event.payload, RunCancelled) else "a cancellation needs a reason"


_r_status, _r_events, _r_steps, _r_started, _r_open = (
    WorkflowRun.__dict__[name].__set__
    for name in ("status", "events", "_steps", "_started", "_open")
)


_rebuild_run = rebuilder(WorkflowRun)


def _create(event: Event[RunStatus]) -> WorkflowRun:
    payload = event.payload
    if not isinstance(payload, RunStarted):
        reason = "start a run with CareWorkflow.start (a RunStarted payload)"
        raise TransitionError("workflow_run", None, "start", reason)
    run: WorkflowRun = object.__new__(WorkflowRun)
    _r_status(run, event.target)
    _r_events(run, (event,))
    steps = _opened(payload.workflow, event.at)
    _r_steps(run, steps)
    _r_started(run, payload)
    _r_open(run, len(steps))
    return run


def _evolve(run: WorkflowRun, event: Event[RunStatus]) -> WorkflowRun:
    payload = event.payload
    events = (*run.events, event)
    if not isinstance(payload, (StepCompleted, StepSkipped)):
        return _rebuild_run(run, status=event.target, events=events)
    steps = {**run._steps, payload.step: _resolved(run._steps[payload.step], event)}
    opened = run._open - 1  # the guard let only an open step through
    return _rebuild_run(run, status=event.target, events=events, _steps=steps, _open=opened)


def _relog(run: WorkflowRun, events: tuple[Event[RunStatus], ...]) -> WorkflowRun:
    return _rebuild_run(run, events=events)


_ACTIVE = {RunStatus.ACTIVE}

WORKFLOW_RUN: Definition[WorkflowRun, RunStatus] = Definition(
    name="workflow_run",
    states=tuple(RunStatus),
    initial=RunStatus.ACTIVE,
    transitions=(
        Transition("complete_step", _ACTIVE, RunStatus.ACTIVE, _step_guard, "a step was done"),
        Transition(
            "complete_step", _ACTIVE, RunStatus.DONE, _step_guard, "the last open step was done"
        ),
        Transition("skip", _ACTIVE, RunStatus.ACTIVE, _step_guard, "an optional step skipped"),
        Transition("skip", _ACTIVE, RunStatus.DONE, _step_guard, "the last open step skipped"),
        Transition("cancel", _ACTIVE, RunStatus.CANCELLED, _cancel_guard, "the run was stopped"),
    ),
    state_of=lambda run: run.status,
    events_of=lambda run: run.events,
    evolve=_evolve,
    create=_create,
    final=frozenset({RunStatus.DONE, RunStatus.CANCELLED}),
    relog=_relog,
    labels={
        "start": ("Bắt đầu", "start"),
        "complete_step": ("Hoàn thành bước", "complete_step"),
        "skip": ("Bỏ qua bước", "skip"),
        "cancel": ("Hủy", "cancel"),
    },
)
"""The machine behind :class:`WorkflowRun`: active until every step is resolved (done)
or the run is cancelled."""
