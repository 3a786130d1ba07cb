"""The ``care`` part of ``python -m khachhang demo`` (pure: text in, text out).

It plans the next 30 days of care for the sample book with :data:`DEMO_PLAN` and prints
the calendar by channel, the drops by reason and a few example lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from khachhang._format import format_date, format_number
from khachhang.care.channels import Channel
from khachhang.care.planning.plan import CarePlan
from khachhang.care.planning.rules import Anniversary, BirthdayGreeting, FollowUp, HolidayGreeting
from khachhang.care.planning.touchpoints import DEFAULT_TZ, Cap, Drop, Period, Touchpoint
from khachhang.customers import Customer
from khachhang.labels import check_lang

# Solar-calendar days Vietnamese firms greet customers on. Tết and Giỗ Tổ follow the lunar
# calendar: pass ``holidays.country_holidays("VN")`` (the optional extra) for those.
_FIXED_DAYS = {
    (1, 1): "Tết Dương lịch",
    (3, 8): "Ngày Quốc tế Phụ nữ",
    (4, 30): "Ngày Giải phóng miền Nam",
    (5, 1): "Ngày Quốc tế Lao động",
    (9, 2): "Quốc khánh",
    (10, 20): "Ngày Phụ nữ Việt Nam",
    (11, 20): "Ngày Nhà giáo Việt Nam",
    (11, 24): "Ngày Văn hóa Việt Nam",
}

_TEXT = {
    "vi": {
        "title": "Lịch chăm sóc khách hàng 30 ngày tới",
        "customers": "khách hàng",
        "by_channel": "Điểm chạm theo kênh",
        "dropped": "Không lên lịch (lý do)",
        "examples": "Ví dụ",
        "total": "Tổng",
        "rules": "Quy tắc: hỏi thăm 3 ngày và 1 tháng sau mua; sinh nhật; "
        "kỷ niệm ngày trở thành khách hàng; ngày lễ.\n"
        "Không liên hệ từ 21:00 đến 08:00; tối đa 2 điểm chạm mỗi tuần cho mỗi khách hàng.",
    },
    "en": {
        "title": "Care calendar, next 30 days",
        "customers": "customers",
        "by_channel": "Touchpoints by channel",
        "dropped": "Not planned (reason)",
        "examples": "Examples",
        "total": "Total",
        "rules": "Rules: follow-ups 3 days and 1 month after a purchase; birthdays; "
        "relationship anniversaries; holidays.\n"
        "Quiet hours 21:00-08:00; at most 2 touchpoints per customer per week.",
    },
}


def demo_plan(years: Sequence[int]) -> CarePlan:
    """The demo's plan, with the fixed-date greeting days of ``years``.

    >>> [r.name for r in demo_plan([2026]).rules]
    ['follow-up', 'birthday', 'anniversary', 'holidays']
    """
    days = {date(y, m, d): name for y in years for (m, d), name in _FIXED_DAYS.items()}
    return CarePlan(
        [
            FollowUp(
                "follow-up",
                [relativedelta(days=3), relativedelta(months=1)],
                channels=[Channel.PHONE, Channel.SMS, Channel.EMAIL],
            ),
            BirthdayGreeting(channels=[Channel.SMS, Channel.SOCIAL, Channel.EMAIL]),
            Anniversary("anniversary", channels=[Channel.EMAIL, Channel.SOCIAL]),
            HolidayGreeting.from_mapping(
                days, channels=[Channel.SOCIAL, Channel.SMS, Channel.EMAIL]
            ),
        ],
        cap=Cap(2, Period.WEEK),
    )


def render(customers: Sequence[Customer], *, as_of: datetime, lang: str = "vi") -> str:
    """The next 30 days of the care calendar for ``customers`` from ``as_of``."""
    text = _TEXT[check_lang(lang)]
    end = as_of + timedelta(days=30)
    plan = demo_plan(sorted({as_of.year, end.year}))
    by_channel: Counter[Channel] = Counter()
    by_reason: Counter[str] = Counter()
    examples: list[Touchpoint] = []
    seen_purposes: set[str] = set()
    for item in plan.schedule(customers, start=as_of, end=end, tz=DEFAULT_TZ):
        if isinstance(item, Drop):
            by_reason[item.reason.label(lang)] += 1
            continue
        by_channel[item.channel] += 1
        if item.purpose.value not in seen_purposes and len(examples) < 5:
            seen_purposes.add(item.purpose.value)
            examples.append(item)
    lines = [
        f"{text['title']} ({format_date(as_of, lang)} → {format_date(end, lang)}, "
        f"{format_number(len(customers), lang)} {text['customers']})",
        text["rules"],
        f"{text['by_channel']}:",
    ]
    width = max((len(c.label(lang)) for c in Channel), default=10) + 2
    for channel in Channel:
        if by_channel[channel]:
            shown = format_number(by_channel[channel], lang)
            lines.append(f"  {channel.label(lang):<{width}}{shown:>6}")
    total = format_number(sum(by_channel.values()), lang)
    lines.append(f"  {text['total']:<{width}}{total:>6}")
    lines.append(f"{text['dropped']}:")
    for reason, count in by_reason.most_common():
        lines.append(f"  {reason}: {format_number(count, lang)}")
    lines.append(f"{text['examples']}:")
    lines.extend(f"  {t.describe(lang)}" for t in examples)
    return "\n".join(lines)
