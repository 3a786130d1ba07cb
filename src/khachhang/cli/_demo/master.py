"""The ``master`` part of ``python -m khachhang demo`` (pure: text in, text out).

Traditional customers and branch links are read from the sample book; the contacts,
owners, activities and field history of one business customer are made up by the demo
(the sample book has none), to show the models working together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from khachhang._format import format_date
from khachhang.buying.center import BuyingRole
from khachhang.customers import Customer
from khachhang.kinds import PartyType
from khachhang.labels import check_lang
from khachhang.master import (
    Activity,
    ActivityKind,
    ActivityLog,
    Contact,
    ContactBook,
    ContactRole,
    CustomerState,
    FieldHistory,
    Hierarchy,
    Owner,
    OwnerRole,
    Ownership,
    RecordKind,
    RecordRef,
    TraditionalPolicy,
    state_at,
)
from khachhang.parties import Person

_TEXT = {
    "vi": {
        "title": "Dữ liệu gốc khách hàng (tính đến {at})",
        "traditional": "Khách hàng truyền thống (mua đều {years} năm liền)",
        "branches": "Chi nhánh theo mã số thuế / đã nối với trụ sở trong sổ",
        "example": "Ví dụ (dữ liệu minh họa): {name} ({id})",
        "contacts": "Người liên hệ",
        "primary": "chính",
        "owner": "Người phụ trách: {now} (trước đó: {before})",
        "open": "Việc cần làm",
        "tags": "Nhãn 90 ngày trước: {old}; hiện nay: {new}",
        "none": "không có",
    },
    "en": {
        "title": "Customer master data (as of {at})",
        "traditional": "Traditional customers (bought every year for {years} years)",
        "branches": "Branches by tax code / linked to a head office in the book",
        "example": "Example (illustrative data): {name} ({id})",
        "contacts": "Contacts",
        "primary": "primary",
        "owner": "Owner: {now} (before: {before})",
        "open": "Open tasks",
        "tags": "Tags 90 days ago: {old}; now: {new}",
        "none": "none",
    },
}


def render(customers: Sequence[Customer], *, as_of: datetime, lang: str = "vi") -> str:
    """The demo section for the sample book ``customers`` as of ``as_of``."""
    code = check_lang(lang)
    text = _TEXT[code]
    policy = TraditionalPolicy()
    traditional = sum(policy.is_traditional(c, as_of=as_of) for c in customers)
    branch_codes = sum(
        1 for c in customers if (tax := getattr(c.party, "tax_code", None)) and "-" in tax
    )
    linked = len(Hierarchy.from_tax_codes(customers).links)
    width = max(len(text["traditional"].format(years=policy.min_years)), len(text["branches"]))
    lines = [
        text["title"].format(at=format_date(as_of, code)),
        "",
        f"  {text['traditional'].format(years=policy.min_years).ljust(width)}  {traditional:>6}",
        f"  {text['branches'].ljust(width)}  {branch_codes:>6} / {linked}",
    ]
    firm = next((c for c in customers if c.party_type is PartyType.BUSINESS), None)
    if firm is not None:
        lines += ["", *_example(firm, as_of, code)]
    return "\n".join(lines)


def _example(firm: Customer, as_of: datetime, code: str) -> list[str]:
    text = _TEXT[code]
    start = as_of - timedelta(days=180)
    book = ContactBook(
        firm.id,
        [
            Contact("ct-1", firm.id, Person("Lê Thị Hoa"), job_title="Kế toán trưởng",
                    roles={ContactRole.BILLING}, buying_roles={BuyingRole.BUYER}, primary=True),
            Contact("ct-2", firm.id, Person("Phạm Minh Đức"), job_title="Trưởng phòng IT",
                    roles={ContactRole.TECHNICAL}, buying_roles={BuyingRole.USER}),
        ],
    )  # fmt: skip
    an = Owner("u-an", "Nguyễn Văn An", OwnerRole.SALESPERSON)
    binh = Owner("u-binh", "Trần Thị Bình", OwnerRole.RELATIONSHIP_MANAGER)
    own = Ownership(firm.id).assign(an, at=start).assign(binh, at=as_of - timedelta(days=30))
    about = RecordRef(RecordKind.CUSTOMER, firm.id)
    log = ActivityLog(
        [
            Activity("a-1", ActivityKind.CALL, about, start, "Gọi giới thiệu sản phẩm"),
            Activity("a-2", ActivityKind.TASK, about, as_of - timedelta(days=2),
                     "Gửi báo giá gia hạn hợp đồng", due=as_of + timedelta(days=3)),
        ]
    )  # fmt: skip
    first = CustomerState.of(firm, owner=an, contacts=book)
    history = FieldHistory(firm.id).record(first, at=start, actor="u-an")
    later = CustomerState.of(firm, owner=binh, contacts=book)
    later = CustomerState(firm.id, later.roles, {*later.tags, "ưu tiên"}, later.address,
                          binh, later.contacts)  # fmt: skip
    history = history.record(later, at=as_of - timedelta(days=30), actor="u-lead")
    before = own.owner_at(at=as_of - timedelta(days=60))
    lines = [text["example"].format(name=firm.name, id=firm.id), f"  {text['contacts']}:"]
    for c in book.contacts:
        mark = f" ({text['primary']})" if c.primary else ""
        roles = ", ".join(r.label(code) for r in sorted(c.roles, key=lambda r: r.value))
        lines.append(f"    {c.name}{mark} — {c.job_title}; {roles}")
    lines.append("  " + text["owner"].format(now=_who(own.owner, code), before=_who(before, code)))
    tasks = "; ".join(f"{a.summary} ({format_date(a.due or a.at, code)})" for a in log.open_tasks())
    lines.append(f"  {text['open']}: {tasks or text['none']}")
    old_tags = state_at(history, at=as_of - timedelta(days=90)).tags
    lines.append(
        "  "
        + text["tags"].format(
            old=", ".join(sorted(old_tags)) or text["none"],
            new=", ".join(sorted(history.current.tags)) or text["none"],
        )
    )
    return lines


def _who(owner: Owner | None, code: str) -> str:
    if owner is None:
        return _TEXT[code]["none"]
    return f"{owner.name}, {owner.role.label(code)}"
