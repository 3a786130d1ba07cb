"""Views of care: plans, agendas, touchpoints and drops, workflow runs and complaints."""

from __future__ import annotations

from collections import Counter

from dateutil.relativedelta import relativedelta

from khachhang._format import format_date, format_datetime, format_month_day, format_number
from khachhang.care.planning._zones import named_zone
from khachhang.care.planning.agenda import Agenda
from khachhang.care.planning.plan import CarePlan
from khachhang.care.planning.rules import (
    Anniversary,
    BirthdayGreeting,
    CareRule,
    CheckIn,
    FollowUp,
    HolidayGreeting,
)
from khachhang.care.planning.touchpoints import Drop, Touchpoint
from khachhang.care.planning.workflows import WorkflowRun
from khachhang.care.service.complaints import COMPLAINT, Complaint
from khachhang.labels import check_lang
from khachhang.views._html import check_limit, esc, fields, table, view, weekday, word

# --- care plans and agendas ----------------------------------------------------------


def plan_html(plan: CarePlan, lang: str = "vi") -> str:
    """The plan's rules as a table (name, kind, purpose, when, channels), its quiet
    hours and cap; every text escaped.

    >>> plan = CarePlan([BirthdayGreeting()])
    >>> "Chúc mừng sinh nhật" in plan_html(plan), "21:00–08:00" in plan_html(plan, "en")
    (True, True)
    """
    lang = check_lang(lang)
    rows = [
        (
            rule.name,
            _KINDS[type(rule)][lang == "en"],
            rule.purpose.label(lang),
            _rule_when(rule, lang),
            ", ".join(c.label(lang) for c in rule.channels),
        )
        for rule in plan.rules
    ]
    heads = [word(k, lang) for k in ("rule", "type", "purpose", "when", "channel")]
    none = word("none", lang)
    quiet = plan.quiet_hours
    cap = plan.cap
    limits = fields(
        [
            (word("quiet", lang), f"{quiet.start:%H:%M}–{quiet.end:%H:%M}" if quiet else none),
            (word("cap", lang), f"{cap.limit} / {cap.period.label(lang)}" if cap else none),
        ]
    )
    return view(f"{table(heads, rows, caption=word('rules', lang))}{limits}")


_KINDS: dict[type, tuple[str, str]] = {
    FollowUp: ("Hỏi thăm sau mua", "FollowUp"),
    BirthdayGreeting: ("Chúc mừng sinh nhật", "BirthdayGreeting"),
    Anniversary: ("Ngày kỷ niệm", "Anniversary"),
    HolidayGreeting: ("Chúc mừng ngày lễ", "HolidayGreeting"),
    CheckIn: ("Hỏi thăm định kỳ", "CheckIn"),
}
"""Each rule class's name in the plan's table: Vietnamese words, or the class in English."""

_UNITS = {
    "vi": (
        ("years", "năm"),
        ("months", "tháng"),
        ("days", "ngày"),
        ("hours", "giờ"),
        ("minutes", "phút"),
    ),
    "en": (("years", "y"), ("months", "mo"), ("days", "d"), ("hours", "h"), ("minutes", "min")),
}


def _span_text(offset: relativedelta, lang: str) -> str:
    parts = [
        f"{getattr(offset, name)} {unit}" for name, unit in _UNITS[lang] if getattr(offset, name)
    ]
    return " ".join(parts) or "0"


def _rule_when(rule: CareRule, lang: str) -> str:
    """When a care rule plans its touchpoints, in a few words (for the plan's table)."""
    vi = lang == "vi"
    if isinstance(rule, FollowUp):
        spans = ", ".join(_span_text(o, lang) for o in rule.offsets)
        text = f"{'sau mỗi lần mua' if vi else 'after each purchase'}: {spans}"
    elif isinstance(rule, BirthdayGreeting):
        text = "vào ngày sinh nhật" if vi else "on the birthday"
    elif isinstance(rule, Anniversary):
        text = rule.of.label(lang)
    elif isinstance(rule, HolidayGreeting):
        days = rule.occasions()
        names = ", ".join(f"{format_month_day(h.date, lang)} {h.name}" for h in days[:3])
        more = ", …" if len(days) > 3 else ""
        text = f"{len(days)} {'ngày' if vi else 'day(s)'}: {names}{more}"
    else:  # CheckIn
        every = _span_text(rule.every, lang)
        text = f"{'nhóm' if vi else 'segment'} {rule.segment}, {'mỗi' if vi else 'every'} {every}"
    at = rule.time_of_day
    return text if at is None else f"{text} ({at:%H:%M})"


def agenda_html(agenda: Agenda, lang: str = "vi", *, limit: int = 20) -> str:
    """The calendar: touchpoints per day and channel, drops by reason, and the first
    ``limit`` touchpoints in detail; every text escaped. The size grows with the
    window's days, not with the number of touchpoints.

    >>> from datetime import datetime, timedelta, timezone
    >>> from khachhang.care import Channel, Purpose
    >>> t = datetime(2026, 9, 2, 2, tzinfo=timezone.utc)
    >>> tp = Touchpoint("c-1", t, Channel.SMS, Purpose.HOLIDAY, "holidays", "<Quốc khánh>")
    >>> page = agenda_html(Agenda(t, t + timedelta(days=1), touchpoints=[tp]))
    >>> "02/09/2026 T4" in page, "&lt;Quốc khánh&gt;" in page
    (True, True)
    """
    lang = check_lang(lang)
    limit = check_limit("limit", limit)
    channels = list(agenda.by_channel())
    zone = named_zone(agenda.tz)
    dropped_on = Counter(d.due.astimezone(zone).date() for d in agenda.drops)
    rows = []
    for day, items in agenda.by_day().items():
        counts = Counter(t.channel for t in items)
        rows.append(
            [
                f"{format_date(day, lang)} {weekday(day, lang)}",
                *(format_number(counts[c], lang) if counts[c] else "" for c in channels),
                format_number(len(items), lang),
                format_number(dropped_on[day], lang) if dropped_on[day] else "",
            ]
        )
    heads = [
        word("day", lang),
        *(c.label(lang) for c in channels),
        word("total", lang),
        word("dropped", lang),
    ]
    totals = [
        word("total", lang),
        *(format_number(n, lang) for n in agenda.by_channel().values()),
        format_number(len(agenda.touchpoints), lang),
        format_number(len(agenda.drops), lang),
    ]
    span = f"{format_date(agenda.start, lang)} → {format_date(agenda.end, lang)}"
    title = f"{word('agenda', lang)}: {span} ({agenda.tz})"
    parts = [
        f"<h4>{esc(title)}</h4>",
        table(heads, [*rows, totals], caption=word("by_day", lang)),
    ]
    if agenda.drops:
        reasons = [(r.label(lang), format_number(n, lang)) for r, n in agenda.by_reason().items()]
        parts.append(
            table(
                [word("reason", lang), word("total", lang)],
                reasons,
                caption=word("drops", lang),
            )
        )
    shown = agenda.touchpoints[: max(limit, 0)]
    if shown:
        detail = [
            (
                format_datetime(t.due, lang),
                t.customer_id,
                t.channel.label(lang),
                t.purpose.label(lang),
                t.source,
                t.note,
            )
            for t in shown
        ]
        caption = word("first_touchpoints", lang).format(
            n=len(shown), total=len(agenda.touchpoints)
        )
        keys = ("due", "customer", "channel", "purpose", "rule", "note")
        parts.append(table([word(k, lang) for k in keys], detail, caption=caption))
    return view("".join(parts), "khachhang-agenda")


def agenda_text(agenda: Agenda) -> str:
    """IPython's ``text/plain`` next to the calendar: counts, not every touchpoint."""
    return (
        f"Agenda(start={agenda.start.isoformat()}, end={agenda.end.isoformat()}, "
        f"tz={agenda.tz!r}, touchpoints={len(agenda.touchpoints)}, drops={len(agenda.drops)})"
    )


# --- touchpoints and drops -----------------------------------------------------------


def _touchpoint_rows(t: Touchpoint, lang: str) -> list[tuple[object, object]]:
    return [
        (word("due", lang), format_datetime(t.due, lang, zone=True)),
        (word("customer", lang), t.customer_id),
        (word("channel", lang), t.channel.label(lang)),
        (word("purpose", lang), t.purpose.label(lang)),
        (word("rule", lang), t.source),
        (word("note", lang), t.note or word("none", lang)),
    ]


def touchpoint_html(touchpoint: Touchpoint, lang: str = "vi") -> str:
    """A small table for notebooks, every text escaped.

    >>> from datetime import datetime, timezone
    >>> from khachhang.care import Channel, Purpose
    >>> t = Touchpoint("<KH>", datetime(2026, 9, 2, 9, tzinfo=timezone.utc), Channel.SMS,
    ...                Purpose.HOLIDAY, "holidays", "Quốc khánh")
    >>> "&lt;KH&gt;" in touchpoint_html(t), "Kênh" in touchpoint_html(t)
    (True, True)
    """
    return view(fields(_touchpoint_rows(touchpoint, check_lang(lang))))


def drop_html(drop: Drop, lang: str = "vi") -> str:
    """The dropped touchpoint's table with the reason and detail.

    >>> from datetime import datetime, timezone
    >>> from khachhang.care import Channel, DropReason, Purpose
    >>> t = Touchpoint("c-1", datetime(2026, 9, 2, 9, tzinfo=timezone.utc), Channel.SMS,
    ...                Purpose.HOLIDAY, "holidays")
    >>> "chưa đồng ý" in drop_html(Drop(t, DropReason.NO_CONSENT))
    True
    """
    lang = check_lang(lang)
    rows = [
        (word("dropped", lang), drop.reason.label(lang)),
        (word("detail", lang), drop.detail or word("none", lang)),
        *_touchpoint_rows(drop.touchpoint, lang),
    ]
    return view(fields(rows))


# --- workflow runs and complaints ----------------------------------------------------


def run_html(run: WorkflowRun, lang: str = "vi") -> str:
    """The run's workflow, customer, status and progress, and a table of its steps
    (label, channel, due, state, when, note); every text escaped.

    >>> from datetime import datetime, timezone
    >>> from khachhang.care.planning.templates import PRE_SALE
    >>> run = PRE_SALE.start("<c-7>", at=datetime(2026, 1, 5, 8, tzinfo=timezone.utc))
    >>> "&lt;c-7&gt;" in run_html(run), "Tiến độ" in run_html(run)
    (True, True)
    """
    lang = check_lang(lang)
    none = word("none", lang)
    progress = run.progress
    head = fields(
        [
            (word("workflow", lang), run.workflow.label(lang)),
            (word("customer", lang), run.customer_id),
            (word("status", lang), run.status.label(lang)),
            (word("progress", lang), f"{progress.percent}% ({progress.total})"),
        ]
    )
    steps = table(
        [word(k, lang) for k in ("step", "channel", "due", "state", "done_at", "note")],
        (
            (
                p.step.label(lang),
                p.step.channel.label(lang) if p.step.channel is not None else none,
                format_datetime(p.due_at, lang),
                p.state.label(lang),
                format_datetime(p.at, lang) if p.at is not None else none,
                p.note or none,
            )
            for p in run.steps
        ),
    )
    return view(f"{head}{steps}")


def complaint_html(complaint: Complaint, lang: str = "vi") -> str:
    """The complaint's facts and its log (move, from, to, when, who, note), escaped; each
    move by its label in ``lang`` (``COMPLAINT.move_label``), so Vietnamese has no English.

    >>> from datetime import datetime, timezone
    >>> from khachhang.care import Channel
    >>> c = Complaint("k-1", "c-7", Channel.PHONE, "Giao <b>trễ</b>",
    ...               received_at=datetime(2026, 3, 2, tzinfo=timezone.utc))
    >>> "Giao &lt;b&gt;trễ&lt;/b&gt;" in complaint_html(c), "Trạng thái" in complaint_html(c)
    (True, True)
    """
    lang = check_lang(lang)
    none = word("none", lang)
    head = fields(
        [
            (word("id", lang), complaint.id),
            (word("customer", lang), complaint.customer_id),
            (word("channel", lang), complaint.channel.label(lang)),
            (word("subject", lang), complaint.subject),
            (word("priority", lang), complaint.priority.label(lang)),
            (word("status", lang), complaint.status.label(lang)),
            (word("received", lang), format_datetime(complaint.received_at, lang)),
        ]
    )
    log = table(
        [word(k, lang) for k in ("move", "from", "to", "at", "actor", "note")],
        (
            (
                COMPLAINT.move_label(e.transition, lang),
                e.source.label(lang) if e.source is not None else none,
                e.target.label(lang),
                format_datetime(e.at, lang),
                e.actor or none,
                e.note or none,
            )
            for e in complaint.events
        ),
        caption=word("history", lang),
    )
    return view(f"{head}{log}")
