"""The complaint-SLA part of ``python -m khachhang demo`` (pure: text in, text out).

Four complaints are built from the sample book at fixed offsets before ``as_of`` —
one resolved and closed, one waiting on the customer and back in progress, one not yet
answered, one urgent and overdue — and measured against a business-hours service level.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from khachhang._format import format_datetime
from khachhang.care.channels import Channel
from khachhang.care.service.business_calendar import BusinessCalendar
from khachhang.care.service.complaints import (
    COMPLAINT,
    Complaint,
    Priority,
    Resolution,
    ResolutionOutcome,
)
from khachhang.care.service.sla import ServiceLevel, SlaMetric, SlaStatus, SlaTarget
from khachhang.customers import Customer
from khachhang.kinds import Scope
from khachhang.labels import check_lang

_H = timedelta(hours=1)
_D = timedelta(days=1)

DEMO_POLICY = ServiceLevel(
    "Tiêu chuẩn",
    (
        SlaTarget(SlaMetric.FIRST_REPLY, 4 * _H),
        SlaTarget(SlaMetric.NEXT_REPLY, 8 * _H),
        SlaTarget(SlaMetric.RESOLUTION, 24 * _H),
        SlaTarget(SlaMetric.FIRST_REPLY, _H, Priority.URGENT),
        SlaTarget(SlaMetric.RESOLUTION, 8 * _H, Priority.URGENT),
    ),
    calendar=BusinessCalendar(),
)
"""The demo's policy: 4 h first reply, 8 h next reply, 3 working days to resolve (urgent:
1 h and 1 working day), in business hours Monday–Friday 08:00–17:00 with lunch 12–13."""

_TEXT = {
    "vi": {
        "title": "Khiếu nại và thời hạn xử lý (SLA, tính theo giờ làm việc)",
        "policy": (
            "Chính sách: phản hồi đầu 4 giờ, phản hồi tiếp 8 giờ, giải quyết 24 giờ làm việc"
            " (khẩn cấp: 1 giờ và 8 giờ).\nGiờ làm việc T2–T6 08:00–17:00, nghỉ trưa"
            " 12:00–13:00; đồng hồ tạm dừng khi chờ khách hàng phản hồi."
        ),
        "as_of": "Tính đến",
        "met": "đạt",
        "left": "còn",
        "over": "quá hạn từ",
        "paused": "tạm dừng",
        "none": "chưa có khiếu nại để minh họa (không có khách hàng bên ngoài)",
        "h": "giờ",
        "m": "phút",
    },
    "en": {
        "title": "Complaints and service levels (SLA, in business hours)",
        "policy": (
            "Policy: first reply 4 h, next reply 8 h, resolution 24 working hours"
            " (urgent: 1 h and 8 h).\nBusiness hours Mon–Fri 08:00–17:00, lunch"
            " 12:00–13:00; the clock pauses while waiting on the customer."
        ),
        "as_of": "As of",
        "met": "met",
        "left": "left",
        "over": "breached at",
        "paused": "paused",
        "none": "no complaint to show (no external customers)",
        "h": "h",
        "m": "min",
    },
}

_SUBJECTS = (
    ("Sản phẩm giao sai mẫu", "Wrong model delivered"),
    ("Chưa nhận được hóa đơn VAT", "VAT invoice not received"),
    ("Bảo hành máy lọc nước chậm", "Slow warranty repair"),
    ("Tổng đài không nghe máy", "Hotline does not answer"),
)


def demo_complaints(customers: Sequence[Customer], as_of: datetime) -> tuple[Complaint, ...]:
    """Four deterministic complaints from the first external customers (by id)."""
    people = sorted((c for c in customers if c.scope is Scope.EXTERNAL), key=lambda c: c.id)
    if not people:
        return ()
    who = [people[i % len(people)].id for i in range(4)]
    day = as_of.replace(hour=0, minute=0, second=0, microsecond=0)
    out = []

    # 1. arrived at a weekend-or-not morning eight days ago; answered, resolved, closed
    t = day - 8 * _D + 10 * _H
    c = Complaint("KN-001", who[0], Channel.EMAIL, _SUBJECTS[0][0], received_at=t)
    c = COMPLAINT.fire(c, "acknowledge", at=t + 2 * _D - 90 * timedelta(minutes=1), actor="lan")
    c = COMPLAINT.fire(c, "begin_work", at=t + 2 * _D, actor="lan")
    c = COMPLAINT.fire(
        c,
        "resolve",
        at=t + 4 * _D + 6 * _H,
        actor="lan",
        payload=Resolution(ResolutionOutcome.REPLACEMENT),
    )
    out.append(COMPLAINT.fire(c, "close", at=t + 5 * _D, actor="lan"))

    # 2. four days ago: answered, asked the customer, the customer wrote back
    t = day - 4 * _D + 9 * _H + 30 * timedelta(minutes=1)
    c = Complaint("KN-002", who[1], Channel.PHONE, _SUBJECTS[1][0], t, Priority.HIGH)
    c = COMPLAINT.fire(c, "acknowledge", at=t + 45 * timedelta(minutes=1), actor="minh")
    c = COMPLAINT.fire(c, "begin_work", at=t + 2 * _H, actor="minh")
    c = COMPLAINT.fire(c, "request_info", at=t + 5 * _H, actor="minh")
    out.append(COMPLAINT.fire(c, "customer_reply", at=t + 2 * _D + 4 * _H))

    # 3. two days ago in the afternoon, not answered yet
    t = day - 2 * _D + 15 * _H
    out.append(Complaint("KN-003", who[2], Channel.LIVE_CHAT, _SUBJECTS[2][0], received_at=t))

    # 4. urgent, three days ago, answered late and still open
    t = day - 3 * _D + 14 * _H
    c = Complaint("KN-004", who[3], Channel.SOCIAL, _SUBJECTS[3][0], t, Priority.URGENT)
    out.append(COMPLAINT.fire(c, "acknowledge", at=t + 3 * _H, actor="hà"))
    return tuple(out)


def _duration(value: timedelta, text: dict[str, str]) -> str:
    minutes = abs(value) // timedelta(minutes=1)
    hours, rest = divmod(minutes, 60)
    sign = "-" if value < timedelta(0) else ""
    if not hours:
        return f"{sign}{rest} {text['m']}"
    return (
        f"{sign}{hours} {text['h']} {rest:02d} {text['m']}"
        if rest
        else f"{sign}{hours} {text['h']}"
    )


def _line(status: SlaStatus, lang: str, text: dict[str, str], zone: BusinessCalendar) -> str:
    head = f"    {status.metric.label(lang):<20} {_duration(status.elapsed, text):>14} / "
    head += f"{_duration(status.target, text):<6}"
    if status.breached_at is not None:
        when = format_datetime(status.breached_at.astimezone(zone.zone), lang)
        level = f"  [{status.escalation.label(lang)}]" if status.running else ""
        return f"{head}  {text['over']} {when}{level}"
    if not status.running:
        return f"{head}  {text['met'] if status.elapsed else text['paused']}"
    left = f"{text['left']} {_duration(status.remaining, text)}"
    return f"{head}  {left}  [{status.escalation.label(lang)}]"


def render(customers: Sequence[Customer], *, as_of: datetime, lang: str = "vi") -> str:
    """The complaint SLA status for the sample book ``customers`` as of ``as_of``."""
    code = check_lang(lang)
    text = _TEXT[code]
    cal = DEMO_POLICY.calendar
    local = as_of.astimezone(cal.zone)
    lines = [
        text["title"],
        text["policy"],
        f"{text['as_of']} {format_datetime(local, code, zone=True)}",
    ]
    complaints = demo_complaints(customers, as_of)
    if not complaints:
        return "\n".join([*lines, text["none"]])
    names = {c.id: c.name for c in customers}
    subjects = {vi: (vi if code == "vi" else en) for vi, en in _SUBJECTS}
    for complaint in complaints:
        lines.append("")
        lines.append(
            f"  {complaint.id}  {names.get(complaint.customer_id, complaint.customer_id)}"
            f" — {subjects[complaint.subject]}"
        )
        lines.append(
            f"    {complaint.channel.label(code)} · {complaint.priority.label(code)}"
            f" · {complaint.status.label(code)}"
        )
        clock = DEMO_POLICY.clock(complaint)
        for status in clock.status(as_of=as_of):
            never_started = not (status.elapsed or status.running or status.breached_at)
            if status.metric is SlaMetric.NEXT_REPLY and never_started:
                continue
            lines.append(_line(status, code, text, cal))
    return "\n".join(lines)
