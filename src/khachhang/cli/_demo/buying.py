"""The ``buying`` part of ``python -m khachhang demo`` (pure: text in, text out).

One new-task purchase of the book's first business customer, walked through the eight
stages with one loop back ("lọc đi lọc lại": filtered again and again), as our company's deal; times
are derived from ``as_of``, so the text is the same on every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from khachhang._checks import require_aware
from khachhang.buying.data import Candidates, InfluenceNote, Order, Proposal, Review, Selection
from khachhang.buying.process import BuyingProcess
from khachhang.buying.stages import BuyClass, Influence, Stage
from khachhang.customers import Customer, LineItem
from khachhang.kinds import Market
from khachhang.labels import check_lang
from khachhang.money import Money

_US, _RIVAL = "NCC-ChungToi", "NCC-AnPhat"

_TEXT = {
    "vi": {
        "title": "Quá trình mua của khách hàng doanh nghiệp (8 giai đoạn)",
        "none": "(không có khách hàng doanh nghiệp trong sổ)",
        "customer": "Khách hàng",
        "loop": "lần quay lại",
        "to": "giai đoạn",
        "status": "Trạng thái",
        "outcome": "Kết quả",
        "events": "sự kiện",
        "days": "ngày",
        "hours": "giờ",
    },
    "en": {
        "title": "B2B buying process (8 stages)",
        "none": "(no business customer in the book)",
        "customer": "Customer",
        "loop": "loop back",
        "to": "to",
        "status": "Status",
        "outcome": "Our outcome",
        "events": "events",
        "days": "days",
        "hours": "hours",
    },
}


def _walk(customer: Customer, as_of: datetime) -> BuyingProcess:
    t = as_of - timedelta(days=90)

    def day(n: float) -> datetime:
        return t + timedelta(days=n)

    order = Order(
        [LineItem("MNK-75", "Máy nén khí trục vít 75 kW", 2, Money("185000000"))],
        delivery_terms="Giao tại nhà máy, lắp đặt trong 5 ngày",
        payment_terms="Đặt cọc 30%, còn lại 30 ngày sau nghiệm thu",
        warranty="Bảo hành 24 tháng",
    )
    p = BuyingProcess.start(
        id=f"{customer.id}-MH-1",
        buyer=customer.id,
        buy_class=BuyClass.NEW_TASK,
        at=t,
        seller=_US,
        actor="demo",
    )
    p = p.record(
        InfluenceNote(Influence.ENVIRONMENTAL, "Giá điện tăng, cần máy tiết kiệm"), at=day(1)
    )
    p = p.advance(at=day(3)).advance(at=day(7)).advance(at=day(13))
    p = p.advance(at=day(18), data=Candidates([_US, _RIVAL]))
    p = p.record(Proposal(_RIVAL, Money("350000000"), valid_until=day(60)), at=day(22))
    p = p.record(Proposal(_US, Money("380000000"), valid_until=day(60)), at=day(23))
    p = p.revisit(
        Stage.PRODUCT_SPECIFICATION,
        reason="Đổi yêu cầu công suất sau khi xem chào hàng",
        at=day(25),
    )
    p = p.advance(at=day(29)).advance(at=day(31), data=Candidates([_US, _RIVAL]))
    p = p.record(Proposal(_RIVAL, Money("372000000"), valid_until=day(70)), at=day(34))
    p = p.advance(at=day(36), data=Proposal(_US, Money("370000000"), valid_until=day(70)))
    p = p.advance(at=day(39), data=Selection(_US))
    p = p.advance(at=day(43), data=order)
    return p.complete(at=day(73), review=Review(kept_commitments=True, rating=5))


def _span(delta: timedelta, words: dict[str, str]) -> str:
    parts = [f"{delta.days} {words['days']}"]
    hours = delta.seconds // 3600
    if hours:
        parts.append(f"{hours} {words['hours']}")
    return " ".join(parts)


def render(customers: Sequence[Customer], *, as_of: datetime, lang: str = "vi") -> str:
    """The buying section of the demo for the book ``customers`` as of ``as_of``."""
    words = _TEXT[check_lang(lang)]
    require_aware(as_of, "as_of")
    lines = [words["title"]]
    buyer = next((c for c in customers if c.market is Market.B2B), None)
    if buyer is None:
        return "\n".join([*lines, words["none"]])
    p = _walk(buyer, as_of)
    lines.append(f"{words['customer']}: {buyer.name} ({buyer.id}) — {p.buy_class.label(lang)}")
    spent = p.time_in_stage()
    for stage in Stage:
        shown = _span(spent[stage], words) if stage in spent else "—"
        lines.append(f"  {stage.number}. {stage.label(lang):<52} {shown}")
    loops = [e for e in p.events if e.transition == "revisit"]
    for event in loops:
        lines.append(f"  ↺ 1 {words['loop']} {words['to']} {event.target.number}: {event.note}")
    outcome = p.outcome.label(lang) if p.outcome is not None else "—"
    lines.append(
        f"{words['status']}: {p.status.label(lang)} · {words['outcome']}: {outcome} · "
        f"{len(p.events)} {words['events']}"
    )
    return "\n".join(lines)
