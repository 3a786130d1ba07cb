"""The ``segmentation`` part of ``python -m khachhang demo`` (pure: text in, text out)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from khachhang._format import format_date, format_number
from khachhang.customers import Customer
from khachhang.kinds import PartyType
from khachhang.labels import check_lang
from khachhang.money import Money
from khachhang.segmentation.builder import F
from khachhang.segmentation.rfm import RFM_GRID, rfm_scores
from khachhang.segmentation.rules import Rule
from khachhang.segmentation.segments import AssignMode, Segmenter
from khachhang.segmentation.standard import standard_segments

_TITLES = {
    "vi": (
        "Phân loại khách hàng (tính đến {at})",
        "Nhóm chuẩn (một khách có thể thuộc nhiều nhóm)",
        "Nhóm RFM (độ gần đây × tần suất mua)",
        "Chưa mua hàng",
        "Giải thích quy tắc cho khách {name} ({id})",
    ),
    "en": (
        "Customer segments (as of {at})",
        "Standard segments (a customer may be in several)",
        "RFM segments (recency × frequency)",
        "no purchase yet",
        "Why the rule says so for {name} ({id})",
    ),
}


def demo_rule() -> Rule:
    """The issue's five-condition rule: individuals aged 25–40 in three cities who spent at
    least 20 million đồng and bought in the last 180 days."""
    return (
        (F.party_type == PartyType.INDIVIDUAL)
        & F.age.between(25, 40)
        & F.province.isin({"Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng"})
        & (F.total_spent >= Money("20000000"))
        & F.last_purchase_at.within(days=180)
    )


def render(customers: Sequence[Customer], *, as_of: datetime, lang: str = "vi") -> str:
    """The demo section for the sample book ``customers`` as of ``as_of``."""
    code = check_lang(lang)
    title, standard_title, rfm_title, no_purchase, explain_title = _TITLES[code]
    lines = [title.format(at=format_date(as_of, code)), "", standard_title]
    segmenter = Segmenter(standard_segments(), AssignMode.ALL)
    counts = segmenter.counts(customers, as_of=as_of)
    width = max(len(s.label(code)) for s in segmenter.segments)
    for segment in segmenter.segments:
        shown = format_number(counts[segment.key], code)
        lines.append(f"  {segment.label(code).ljust(width)}  {shown:>6}")
    lines += ["", rfm_title]
    rfm = rfm_scores(customers, as_of=as_of).segment_counts()
    width = max(len(s.label(code)) for s in RFM_GRID.segments)
    for grid_segment in RFM_GRID.segments:
        shown = format_number(rfm[grid_segment.key], code)
        lines.append(f"  {grid_segment.label(code).ljust(width)}  {shown:>6}")
    lines.append(f"  {no_purchase.ljust(width)}  {format_number(rfm[None], code):>6}")
    rule = demo_rule()
    chosen = next((c for c in customers if rule.evaluate(c, as_of=as_of)), None)
    if chosen is None and customers:
        chosen = customers[0]
    if chosen is not None:
        lines += ["", explain_title.format(name=chosen.name, id=chosen.id)]
        text = rule.explain(chosen, as_of=as_of).to_text(code)
        lines += [f"  {line}" for line in text.splitlines()]
    return "\n".join(lines)
