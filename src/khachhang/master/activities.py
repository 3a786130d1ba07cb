"""The activity log: calls, meetings, e-mails, notes and tasks, each about one record.

An :class:`Activity` is linked to a customer, a contact, a buying process or a complaint
through a typed :class:`RecordRef`. A task has a due time and a done flag; the other
kinds record something that happened. A planned care touchpoint
(:class:`~khachhang.care.Touchpoint`) becomes an activity once it is done
(:func:`activity_from_touchpoint`).

>>> from datetime import datetime, timezone
>>> t = datetime(2026, 4, 1, 9, tzinfo=timezone.utc)
>>> call = Activity("a-1", ActivityKind.CALL, RecordRef(RecordKind.CUSTOMER, "KH-1"), t,
...                 "Gọi hỏi thăm sau mua", actor="u-an")
>>> task = Activity("a-2", ActivityKind.TASK, RecordRef(RecordKind.COMPLAINT, "KN-7"), t,
...                 "Gửi biên bản xử lý", due=t.replace(day=3))
>>> log = ActivityLog([call, task])
>>> [a.id for a in log.overdue(as_of=t.replace(day=5))]
['a-2']
>>> log = log.complete("a-2", at=t.replace(day=2))
>>> log.overdue(as_of=t.replace(day=5)), log.get("a-2").done
((), True)
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
    check_optional_key,
    check_type,
    clean_text,
    instant,
    require_aware,
    require_instant,
)
from khachhang.care.channels import Channel
from khachhang.care.planning.touchpoints import Touchpoint
from khachhang.errors import ValidationError
from khachhang.labels import BilingualEnum

__all__ = [
    "Activity",
    "ActivityKind",
    "ActivityLog",
    "RecordKind",
    "RecordRef",
    "activity_from_touchpoint",
]


class ActivityKind(BilingualEnum):
    """What kind of activity was logged."""

    CALL = ("call", "Gọi điện", "Phone call")
    MEETING = ("meeting", "Cuộc gặp", "Meeting")
    EMAIL = ("email", "Email", "Email")
    MESSAGE = ("message", "Tin nhắn (SMS, chat, mạng xã hội)", "Message (SMS, chat, social)")
    NOTE = ("note", "Ghi chú", "Note")
    TASK = ("task", "Công việc", "Task")


class RecordKind(BilingualEnum):
    """The kind of record an activity is about."""

    CUSTOMER = ("customer", "Khách hàng", "Customer")
    CONTACT = ("contact", "Người liên hệ", "Contact")
    BUYING_PROCESS = ("buying_process", "Quy trình mua hàng", "Buying process")
    COMPLAINT = ("complaint", "Khiếu nại", "Complaint")


@attrs.frozen
class RecordRef:
    """A typed reference to a record by id (``RecordRef(RecordKind.CONTACT, "ct-1")``)."""

    kind: RecordKind
    id: str

    def __attrs_post_init__(self) -> None:
        check_type("kind", self.kind, RecordKind)
        object.__setattr__(self, "id", check_key("id", self.id))


@attrs.frozen
class Activity:
    """One logged activity.

    Args:
        id: the activity's identifier (unique in its log).
        kind: call, meeting, e-mail, message, note or task.
        about: the record it concerns.
        at: when it happened (for a task: when it was created).
        summary: what it was, one line.
        actor: the user who did or logged it.
        due: a task's deadline (tasks only, and required for them).
        done: whether a task is finished (tasks only: the other kinds are logged once
            they happened).
        done_at: when a task was finished (with ``done``, not before ``at``).
        channel: the care channel used, when there was one.
    """

    id: str
    kind: ActivityKind
    about: RecordRef
    at: datetime
    summary: str
    actor: str | None = None
    due: datetime | None = None
    done: bool = False
    done_at: datetime | None = None
    channel: Channel | None = None

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "id", check_key("id", self.id))
        check_type("kind", self.kind, ActivityKind)
        check_type("about", self.about, RecordRef)
        require_instant(self.at, "at")
        object.__setattr__(self, "summary", clean_text("summary", self.summary, max_len=500))
        object.__setattr__(self, "actor", check_optional_key("actor", self.actor))
        check_type("done", self.done, bool)
        check_optional("channel", self.channel, Channel)
        if self.kind is ActivityKind.TASK:
            if self.due is None:
                raise ValidationError("due", "a task has a due time")
            require_instant(self.due, "due")
        else:
            for name in ("due", "done_at"):
                if getattr(self, name) is not None:
                    msg = f"only a task has {name}, not a {self.kind.value} (logged once done)"
                    raise ValidationError(name, msg)
            if self.done:
                msg = f"only a task is marked done; a {self.kind.value} is logged once it happened"
                raise ValidationError("done", msg)
        if self.done_at is not None:
            require_instant(self.done_at, "done_at")
            if not self.done:
                raise ValidationError("done_at", "set only when done")
            if instant(self.done_at) < instant(self.at):
                raise ValidationError("done_at", f"before the activity's time {self.at}")

    def is_open(self) -> bool:
        """A task not yet done."""
        return self.kind is ActivityKind.TASK and not self.done

    def is_overdue(self, *, as_of: datetime) -> bool:
        """An open task whose due time passed before ``as_of``."""
        when = instant(require_aware(as_of, "as_of"))
        return self.is_open() and self.due is not None and instant(self.due) < when


def _activities(values: Iterable[Activity]) -> tuple[Activity, ...]:
    items = check_items("activities", as_collection("activities", values), Activity)
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            raise ValidationError(f"activities[{i}].id", f"duplicate id {item.id!r}")
        seen.add(item.id)
    return items


@attrs.frozen
class ActivityLog:
    """Activities, each id once, in the order they were logged."""

    activities: tuple[Activity, ...] = attrs.field(default=(), converter=_activities)

    def get(self, activity_id: str) -> Activity:
        """The activity with ``activity_id``; a :class:`ValidationError` if none."""
        for activity in self.activities:
            if activity.id == activity_id:
                return activity
        raise ValidationError("activity_id", f"no activity {activity_id!r} in the log")

    def add(self, activity: Activity) -> ActivityLog:
        """The log with ``activity`` appended (a duplicate id is refused)."""
        check_type("activity", activity, Activity)
        return ActivityLog((*self.activities, activity))

    def about(self, ref: RecordRef) -> tuple[Activity, ...]:
        """The activities about ``ref``, in time order."""
        check_type("ref", ref, RecordRef)
        return tuple(
            sorted((a for a in self.activities if a.about == ref), key=lambda a: instant(a.at))
        )

    def open_tasks(self) -> tuple[Activity, ...]:
        """Tasks not yet done, soonest due first."""
        tasks = [a for a in self.activities if a.is_open()]
        return tuple(sorted(tasks, key=lambda a: instant(a.due) if a.due else instant(a.at)))

    def overdue(self, *, as_of: datetime) -> tuple[Activity, ...]:
        """Open tasks due before ``as_of``, soonest due first."""
        return tuple(a for a in self.open_tasks() if a.is_overdue(as_of=as_of))

    def complete(self, activity_id: str, *, at: datetime) -> ActivityLog:
        """The log with task ``activity_id`` done at ``at``."""
        task = self.get(activity_id)
        if not task.is_open():
            raise ValidationError("activity_id", f"{activity_id!r} is not an open task")
        done = attrs.evolve(task, done=True, done_at=require_instant(at, "at"))
        return ActivityLog(tuple(done if a.id == activity_id else a for a in self.activities))


_KIND_OF_CHANNEL = {
    Channel.PHONE: ActivityKind.CALL,
    Channel.IN_PERSON: ActivityKind.MEETING,
    Channel.EMAIL: ActivityKind.EMAIL,
    Channel.SMS: ActivityKind.MESSAGE,
    Channel.LIVE_CHAT: ActivityKind.MESSAGE,
    Channel.SOCIAL: ActivityKind.MESSAGE,
    Channel.FORUM: ActivityKind.NOTE,
}


def activity_from_touchpoint(
    touchpoint: Touchpoint,
    *,
    id: str,
    at: datetime,
    actor: str | None = None,
    summary: str | None = None,
) -> Activity:
    """The activity a planned touchpoint became once it was done at ``at``.

    A call for a phone touchpoint, a meeting in person, an e-mail, a message for SMS,
    chat and social networks; the summary defaults to the touchpoint's purpose and note.

    >>> from datetime import datetime, timezone
    >>> from khachhang.care import Channel, Purpose, Touchpoint
    >>> t = datetime(2026, 9, 2, 9, tzinfo=timezone.utc)
    >>> tp = Touchpoint("KH-1", t, Channel.PHONE, Purpose.HOLIDAY, "holidays", "Quốc khánh")
    >>> a = activity_from_touchpoint(tp, id="a-9", at=t.replace(hour=10), actor="u-an")
    >>> a.kind, a.about.id, a.summary
    (ActivityKind.CALL, 'KH-1', 'Chúc mừng ngày lễ, Tết: Quốc khánh')
    """
    check_type("touchpoint", touchpoint, Touchpoint)
    if summary is None:
        summary = touchpoint.purpose.label("vi")
        if touchpoint.note:
            summary = f"{summary}: {touchpoint.note}"
    return Activity(
        id,
        _KIND_OF_CHANNEL[touchpoint.channel],
        RecordRef(RecordKind.CUSTOMER, touchpoint.customer_id),
        require_instant(at, "at"),
        summary,
        actor=actor,
        channel=touchpoint.channel,
    )
