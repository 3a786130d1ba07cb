"""Service levels for complaints: targets, the clock, breaches and escalation.

A :class:`ServiceLevel` sets targets for three metrics (:class:`SlaMetric`) — first reply,
next reply and resolution — optionally per :class:`~khachhang.care.service.complaints.Priority`,
measured in calendar time or in the business hours of a
:class:`~khachhang.care.BusinessCalendar`. The clock stops in the statuses the policy
names (waiting on the customer, by default). Everything is a pure function of the
complaint's log, the policy and ``as_of``; events after ``as_of`` are ignored, so asking
about the past gives the answer one would have had then.

>>> from datetime import datetime, timedelta
>>> from zoneinfo import ZoneInfo
>>> from khachhang.care.channels import Channel
>>> from khachhang.care.service.complaints import COMPLAINT, Complaint
>>> ICT = ZoneInfo("Asia/Ho_Chi_Minh")
>>> policy = ServiceLevel("standard", (
...     SlaTarget(SlaMetric.FIRST_REPLY, timedelta(hours=4)),
...     SlaTarget(SlaMetric.RESOLUTION, timedelta(hours=16)),
... ))
>>> friday_3pm = datetime(2026, 1, 9, 15, tzinfo=ICT)
>>> c = Complaint("k-1", "c-1", Channel.EMAIL, "Sai hóa đơn", received_at=friday_3pm)
>>> clock = policy.clock(c)
>>> monday_11am = datetime(2026, 1, 12, 11, tzinfo=ICT)
>>> clock.elapsed(SlaMetric.FIRST_REPLY, as_of=monday_11am)  # 2 h Friday + 3 h Monday
datetime.timedelta(seconds=18000)
>>> clock.remaining(SlaMetric.FIRST_REPLY, as_of=monday_11am)  # negative: overdue
datetime.timedelta(days=-1, seconds=82800)
>>> late = clock.breaches(as_of=monday_11am)
>>> [(b.metric.value, b.at.astimezone(ICT).isoformat()) for b in late]
[('first_reply', '2026-01-12T10:00:00+07:00')]
>>> clock.escalation(SlaMetric.RESOLUTION, as_of=monday_11am)  # 5 h of 16 h: below 50 %
EscalationLevel.NONE

**A breach is never back-dated.** Its time is the instant the clock went past the target,
and ``breaches(as_of=...)`` lists only breaches strictly before ``as_of``. A target met
exactly at closing time is exceeded only when work resumes (the next opening): nobody
was working in between.

**Escalation levels** (:class:`EscalationLevel`) follow the policy's
``escalation_at`` percentages of the target, ``(50, 75, 100)`` by default: at 50 % a
reminder, at 75 % a warning, at 100 % the complaint goes to a manager. Only a running
clock escalates; a stopped one (replied, resolved) is :attr:`EscalationLevel.NONE`.

**How it is computed.** Each query walks the complaint's log once, turns every instant
it needs into a *position* on the policy's clock (working time since a fixed day, from
the calendar's memoised running totals) and answers with differences of positions; a
breach is the inverse lookup (a binary search), so a year-old complaint costs no more
than a fresh one.

**Metrics.** First reply runs from arrival to the first answer (``acknowledge``,
``reply``, ``request_info`` or ``resolve``). Next reply runs from each customer message
that finds no unanswered one before it (``customer_reply``, ``reopen``) to the next
answer; each such cycle is measured on its own. Resolution runs from arrival until
resolved, resumes on reopen and accumulates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Protocol

import attrs

from khachhang._checks import as_collection, check_items, check_type, clean_text, require_aware
from khachhang.care.service.business_calendar import BusinessCalendar, utc_instant
from khachhang.care.service.complaints import (
    AGENT_REPLIES,
    CUSTOMER_MESSAGES,
    Complaint,
    ComplaintStatus,
    Priority,
)
from khachhang.errors import ValidationError
from khachhang.labels import BilingualEnum

__all__ = [
    "Breach",
    "ClockMode",
    "EscalationLevel",
    "ServiceLevel",
    "SlaClock",
    "SlaMetric",
    "SlaStatus",
    "SlaTarget",
]

_ZERO = timedelta(0)
_LONGEST = timedelta(days=366)
_STOPPED = frozenset({ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED})


class SlaMetric(BilingualEnum):
    """What a service-level target measures."""

    FIRST_REPLY = ("first_reply", "Phản hồi đầu tiên", "First reply")
    NEXT_REPLY = ("next_reply", "Phản hồi tiếp theo", "Next reply")
    RESOLUTION = ("resolution", "Giải quyết xong", "Resolution")


class ClockMode(BilingualEnum):
    """Whether targets count every hour or only working hours."""

    CALENDAR = ("calendar", "Giờ theo lịch (24/7)", "Calendar time (24/7)")
    BUSINESS = ("business", "Giờ làm việc", "Business hours")


class EscalationLevel(BilingualEnum):
    """How far a running clock has gone towards its target (see the module doc)."""

    NONE = ("none", "Trong hạn", "On track")
    REMINDER = ("reminder", "Nhắc nhở", "Reminder")
    WARNING = ("warning", "Cảnh báo sắp quá hạn", "Warning: nearly due")
    ESCALATED = ("escalated", "Chuyển cấp quản lý", "Escalated to a manager")


_LEVELS = (
    EscalationLevel.NONE,
    EscalationLevel.REMINDER,
    EscalationLevel.WARNING,
    EscalationLevel.ESCALATED,
)


@attrs.frozen
class SlaTarget:
    """One target: ``metric`` within ``within``, for one ``priority`` or (``None``) any.

    ``within`` is positive and at most 366 days (of business time, in a business clock).

    >>> SlaTarget(SlaMetric.FIRST_REPLY, timedelta(hours=4), Priority.HIGH).priority.label()
    'Cao'
    """

    metric: SlaMetric
    within: timedelta
    priority: Priority | None = None

    def __attrs_post_init__(self) -> None:
        check_type("metric", self.metric, SlaMetric)
        if not _ZERO < check_type("within", self.within, timedelta) <= _LONGEST:
            raise ValidationError("within", "a target must be positive and at most 366 days")
        if self.priority is not None:
            check_type("priority", self.priority, Priority)


def _targets(values: Iterable[SlaTarget]) -> tuple[SlaTarget, ...]:
    return check_items("targets", as_collection("targets", values), SlaTarget)


def _statuses(values: Iterable[ComplaintStatus]) -> frozenset[ComplaintStatus]:
    return frozenset(check_items("paused_in", as_collection("paused_in", values), ComplaintStatus))


def _thresholds(values: Iterable[int]) -> tuple[int, ...]:
    items = check_items("escalation_at", as_collection("escalation_at", values), int)
    if len(items) != 3 or any(isinstance(v, bool) for v in items):
        raise ValidationError("escalation_at", "three whole percentages, e.g. (50, 75, 100)")
    if not 0 < items[0] < items[1] < items[2]:
        raise ValidationError("escalation_at", "percentages must be positive and increasing")
    return items


@attrs.frozen
class Breach:
    """A target exceeded: which metric, which cycle (0 but for next reply), and when."""

    metric: SlaMetric
    at: datetime
    target: timedelta
    cycle: int = 0

    def __attrs_post_init__(self) -> None:
        check_type("metric", self.metric, SlaMetric)
        require_aware(self.at, "at")
        if check_type("target", self.target, timedelta) <= _ZERO:
            raise ValidationError("target", "a target must be positive")
        if check_type("cycle", self.cycle, int) < 0:
            raise ValidationError("cycle", "must not be negative")


@attrs.frozen
class SlaStatus:
    """One metric of one complaint at ``as_of``: for dashboards and the demo."""

    metric: SlaMetric
    target: timedelta
    elapsed: timedelta
    running: bool
    escalation: EscalationLevel
    breached_at: datetime | None = None

    def __attrs_post_init__(self) -> None:
        check_type("metric", self.metric, SlaMetric)
        if check_type("target", self.target, timedelta) <= _ZERO:
            raise ValidationError("target", "a target must be positive")
        if check_type("elapsed", self.elapsed, timedelta) < _ZERO:
            raise ValidationError("elapsed", "must not be negative")
        check_type("running", self.running, bool)
        check_type("escalation", self.escalation, EscalationLevel)
        if self.breached_at is not None:
            require_aware(self.breached_at, "breached_at")

    @property
    def remaining(self) -> timedelta:
        """``target - elapsed``; negative when overdue."""
        return self.target - self.elapsed


@attrs.frozen
class ServiceLevel:
    """A service-level policy for complaints.

    Args:
        name: what the policy is called.
        targets: :class:`SlaTarget`\\ s; a priority-specific target wins over a general
            one. A metric without a target is not measured.
        mode: :attr:`ClockMode.BUSINESS` (default) or :attr:`ClockMode.CALENDAR`.
        calendar: the business calendar for business-hours clocks.
        paused_in: statuses in which every clock stops (waiting on customer by default).
        escalation_at: three increasing percentages of the target (default 50, 75, 100).
    """

    name: str
    targets: tuple[SlaTarget, ...] = attrs.field(converter=_targets)
    mode: ClockMode = ClockMode.BUSINESS
    calendar: BusinessCalendar = attrs.field(factory=BusinessCalendar)
    paused_in: frozenset[ComplaintStatus] = attrs.field(
        default=frozenset({ComplaintStatus.WAITING_ON_CUSTOMER}), converter=_statuses
    )
    escalation_at: tuple[int, ...] = attrs.field(default=(50, 75, 100), converter=_thresholds)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "name", clean_text("name", self.name))
        check_type("mode", self.mode, ClockMode)
        check_type("calendar", self.calendar, BusinessCalendar)
        seen: set[tuple[SlaMetric, Priority | None]] = set()
        for i, target in enumerate(self.targets):
            key = (target.metric, target.priority)
            if key in seen:
                msg = f"a second {target.metric.value} target for the same priority"
                raise ValidationError(f"targets[{i}]", msg)
            seen.add(key)

    def target(self, metric: SlaMetric, priority: Priority) -> timedelta | None:
        """The target for ``metric`` at ``priority``: the specific one, else the general one.

        >>> policy = ServiceLevel("p", (SlaTarget(SlaMetric.FIRST_REPLY, timedelta(hours=4)),
        ...     SlaTarget(SlaMetric.FIRST_REPLY, timedelta(hours=1), Priority.URGENT)))
        >>> policy.target(SlaMetric.FIRST_REPLY, Priority.URGENT)
        datetime.timedelta(seconds=3600)
        >>> policy.target(SlaMetric.RESOLUTION, Priority.LOW) is None  # not measured
        True
        """
        general = None
        for target in self.targets:
            if target.metric is metric:
                if target.priority is priority:
                    return target.within
                if target.priority is None:
                    general = target.within
        return general

    def clock(self, complaint: Complaint) -> SlaClock:
        """The SLA clock of ``complaint`` under this policy."""
        return SlaClock(self, check_type("complaint", complaint, Complaint))

    def _ruler(self, lo: datetime, hi: datetime) -> _Ruler:
        """Positions on this policy's clock for instants from ``lo`` to ``hi``."""
        if self.mode is ClockMode.CALENDAR:
            return _WALL
        # The calendar checks the range (years 1 to 9999) of what it measures.
        start, end = utc_instant(lo, "received_at"), utc_instant(hi, "as_of")
        return self.calendar._ruler(start, end)


class _Ruler(Protocol):
    """Maps instants to positions on a clock (working time since some origin) and back."""

    def pos(self, *, at: datetime) -> timedelta: ...

    def at(self, position: timedelta) -> datetime: ...


class _WallClock:
    """The 24/7 clock: an instant's position is its distance from a fixed epoch."""

    __slots__ = ()
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)

    def pos(self, *, at: datetime) -> timedelta:
        return at - self.epoch

    def at(self, position: timedelta) -> datetime:
        return self.epoch + position


_WALL = _WallClock()

_Interval = tuple[datetime, datetime]
_Spell = tuple[ComplaintStatus, datetime, datetime]
_Cycle = tuple[datetime, datetime, bool]


class _Timeline:
    """One complaint's spells and clock positions up to ``as_of`` (one query's worth).

    Every instant the clock is asked about is a spell boundary, so each is converted to
    a position once, however many metrics and cycles read it.
    """

    __slots__ = ("_cache", "as_of", "ruler", "spells", "status")

    def __init__(self, clock: SlaClock, as_of: datetime) -> None:
        c = clock.complaint
        self.as_of = as_of
        spells: list[_Spell] = []
        state, since = ComplaintStatus.RECEIVED, c.received_at
        for event in c.events:
            if event.at > as_of:
                break
            if event.at > since:
                spells.append((state, since, event.at))
            state, since = event.target, max(since, event.at)
        if as_of > since:
            spells.append((state, since, as_of))
        self.spells = spells
        self.status = state
        self._cache: dict[datetime, timedelta] = {}
        self.ruler: _Ruler = _WALL
        if spells:
            self.ruler = clock.policy._ruler(c.received_at, as_of)

    def pos(self, *, at: datetime) -> timedelta:
        known = self._cache.get(at)
        if known is None:
            known = self._cache[at] = self.ruler.pos(at=at)
        return known


@attrs.frozen
class SlaClock:
    """The clocks of one complaint under one policy; every answer takes ``as_of``."""

    policy: ServiceLevel
    complaint: Complaint

    def __attrs_post_init__(self) -> None:
        check_type("policy", self.policy, ServiceLevel)
        check_type("complaint", self.complaint, Complaint)

    # -- the timeline -------------------------------------------------------------------
    def _cycles(self, metric: SlaMetric, as_of: datetime, status: ComplaintStatus) -> list[_Cycle]:
        """``(start, end, running)`` windows of a metric, cut at ``as_of``."""
        c = self.complaint
        if as_of < c.received_at:
            return []
        if metric is SlaMetric.RESOLUTION:
            return [(c.received_at, as_of, status not in _STOPPED)]
        replied = False
        opened: datetime | None = None
        cycles: list[_Cycle] = []
        first: _Cycle | None = None
        for event in c.events:
            if event.at > as_of:
                break
            if event.transition in AGENT_REPLIES:
                if not replied:
                    first = (c.received_at, event.at, False)
                    replied = True
                elif opened is not None:
                    cycles.append((opened, event.at, False))
                    opened = None
            elif event.transition in CUSTOMER_MESSAGES and replied and opened is None:
                opened = event.at
        if metric is SlaMetric.FIRST_REPLY:
            return [first if first is not None else (c.received_at, as_of, True)]
        if opened is not None:
            cycles.append((opened, as_of, True))
        return cycles

    def _running(
        self, metric: SlaMetric, start: datetime, end: datetime, spells: list[_Spell]
    ) -> Iterator[_Interval]:
        paused = self.policy.paused_in
        if metric is SlaMetric.RESOLUTION:
            paused = paused | _STOPPED
        for state, a, b in spells:
            if state in paused:
                continue
            lo = a if a > start else start
            hi = b if b < end else end
            if hi > lo:
                yield (lo, hi)

    def _used(
        self, metric: SlaMetric, start: datetime, end: datetime, line: _Timeline
    ) -> timedelta:
        return sum(
            (
                line.pos(at=b) - line.pos(at=a)
                for a, b in self._running(metric, start, end, line.spells)
            ),
            _ZERO,
        )

    def _breach_at(
        self, metric: SlaMetric, start: datetime, end: datetime, line: _Timeline, target: timedelta
    ) -> datetime | None:
        """When the cycle's clock first went past ``target``: inside a running interval,
        at the instant after which the elapsed time exceeds the target."""
        left = target
        for a, b in self._running(metric, start, end, line.spells):
            origin = line.pos(at=a)
            span = line.pos(at=b) - origin
            if left < span:
                return line.ruler.at(origin + left)
            left -= span
        return None

    def _view(self, metric: SlaMetric, line: _Timeline) -> _View:
        """Everything about one metric at ``as_of``, from one pass over the timeline."""
        cycles = self._cycles(metric, line.as_of, line.status)
        if not cycles:
            return _View(cycles, _ZERO, running=False)
        start, end, waiting = cycles[-1]
        elapsed = self._used(metric, start, end, line)
        running = waiting and line.status not in self.policy.paused_in
        return _View(cycles, elapsed, running=running)

    def _breaches(self, metric: SlaMetric, cycles: list[_Cycle], line: _Timeline) -> list[Breach]:
        target = self.target(metric)
        if target is None:
            return []
        found = []
        for i, (start, end, _) in enumerate(cycles):
            at = self._breach_at(metric, start, end, line, target)
            if at is not None and at < line.as_of:
                found.append(Breach(metric, at, target, i))
        return found

    def _level(self, metric: SlaMetric, view: _View) -> EscalationLevel:
        target = self.target(metric)
        if target is None or not view.running:
            return EscalationLevel.NONE
        tick = timedelta(microseconds=1)
        done, whole = 100 * (view.elapsed // tick), target // tick  # exact integer percent
        return _LEVELS[sum(1 for pct in self.policy.escalation_at if done >= pct * whole)]

    def _line(self, as_of: datetime) -> _Timeline:
        require_aware(as_of, "as_of")
        return _Timeline(self, as_of)

    # -- public answers -----------------------------------------------------------------
    def target(self, metric: SlaMetric) -> timedelta | None:
        """The policy's target for ``metric`` at this complaint's priority."""
        return self.policy.target(metric, self.complaint.priority)

    def elapsed(self, metric: SlaMetric, *, as_of: datetime) -> timedelta:
        """Time on ``metric``'s clock at ``as_of`` (the latest cycle for next reply).

        Zero before arrival, while paused, outside working hours (business clock), and
        for a next-reply clock that never started.
        """
        check_type("metric", metric, SlaMetric)
        return self._view(metric, self._line(as_of)).elapsed

    def running(self, metric: SlaMetric, *, as_of: datetime) -> bool:
        """Whether ``metric``'s clock is waiting for something at ``as_of`` (and not paused)."""
        check_type("metric", metric, SlaMetric)
        return self._view(metric, self._line(as_of)).running

    def remaining(self, metric: SlaMetric, *, as_of: datetime) -> timedelta | None:
        """``target - elapsed`` (negative when overdue); ``None`` without a target."""
        target = self.target(check_type("metric", metric, SlaMetric))
        return None if target is None else target - self.elapsed(metric, as_of=as_of)

    def breaches(self, *, as_of: datetime) -> tuple[Breach, ...]:
        """Every target exceeded strictly before ``as_of``, in time order."""
        line = self._line(as_of)
        found = []
        for metric in SlaMetric:
            if self.target(metric) is not None:
                cycles = self._cycles(metric, as_of, line.status)
                found.extend(self._breaches(metric, cycles, line))
        return tuple(sorted(found, key=lambda b: (b.at, b.metric.value, b.cycle)))

    def escalation(self, metric: SlaMetric, *, as_of: datetime) -> EscalationLevel:
        """The level a running clock has reached (see the module doc)."""
        check_type("metric", metric, SlaMetric)
        return self._level(metric, self._view(metric, self._line(as_of)))

    def status(self, *, as_of: datetime) -> tuple[SlaStatus, ...]:
        """One :class:`SlaStatus` per metric that has a target."""
        line = self._line(as_of)
        out = []
        for metric in SlaMetric:
            target = self.target(metric)
            if target is None:
                continue
            view = self._view(metric, line)
            mine = self._breaches(metric, view.cycles, line)
            out.append(
                SlaStatus(
                    metric,
                    target,
                    view.elapsed,
                    view.running,
                    self._level(metric, view),
                    mine[-1].at if mine else None,
                )
            )
        return tuple(out)


@attrs.frozen
class _View:
    cycles: list[_Cycle]
    elapsed: timedelta
    running: bool
