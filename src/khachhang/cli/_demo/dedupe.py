"""The duplicates part of ``python -m khachhang demo`` (pure: text in, text out).

A customer of the book is entered a second time the way a counter clerk would —
without diacritics, the middle name left out, only the phone number — then the book is
searched with the default match rules and the two records are merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from khachhang.customers import Customer
from khachhang.labels import check_lang
from khachhang.master import DEFAULT_RULES, find_duplicates, fold_name, merge
from khachhang.parties import ContactKind, Person

_TEXT = {
    "vi": {
        "title": "Trùng lặp khách hàng (khớp theo quy tắc, gộp không mất dữ liệu)",
        "entered": "Nhập lại",
        "found": (
            "Tìm thấy {matches} cặp trùng trong {customers} khách hàng, so sánh {compared} cặp"
        ),
        "merged": (
            "Gộp: giữ {survivor}, {orders} đơn hàng, tổng {spent}; tách lại được cả hai bản ghi"
        ),
    },
    "en": {
        "title": "Duplicate customers (rule-based matching, lossless merge)",
        "entered": "Entered again",
        "found": (
            "Found {matches} duplicate pairs among {customers} customers, "
            "comparing {compared} pairs"
        ),
        "merged": (
            "Merged: kept {survivor}, {orders} order(s), {spent} in all; "
            "both records can be split back"
        ),
    },
}


def _re_entered(book: Sequence[Customer]) -> tuple[Customer, Customer] | None:
    """The first person with a phone and purchases, and that person entered again."""
    for customer in book:
        party = customer.party
        phone = party.contact(ContactKind.PHONE)
        if isinstance(party, Person) and phone is not None and customer.purchases:
            words = fold_name(party.full_name).title().split()
            name = " ".join([words[0], words[-1]])
            later = customer.created_at + timedelta(days=1)
            twin = Customer(
                f"{customer.id}-B", Person(name, contacts=[phone]), later, scope=customer.scope
            )
            return customer, twin
    return None


def render(book: Sequence[Customer], *, as_of: datetime, lang: str = "vi") -> str:
    """The section's text: the re-entered record, the match explained, the merge."""
    text = _TEXT[check_lang(lang)]
    pair = _re_entered(book)
    if pair is None:
        return ""
    original, twin = pair
    report = find_duplicates([*book, twin], DEFAULT_RULES)
    found = [m for m in report.matches if twin.id in m.ids]
    lines = [
        text["title"],
        f"{text['entered']}: {twin.id} {twin.name!r} ({original.id} {original.name!r})",
        text["found"].format(
            matches=len(report.matches), customers=report.customers, compared=report.compared
        ),
    ]
    lines.extend(f"  {line}" for match in found for line in match.explain(lang).splitlines())
    merged = merge(original, twin, at=as_of, actor="demo")
    customer = merged.customer
    lines.append(
        text["merged"].format(
            survivor=customer.id,
            orders=customer.orders,
            spent=customer.total_spent.format(lang),
        )
    )
    return "\n".join(lines)
