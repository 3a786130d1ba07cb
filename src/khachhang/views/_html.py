"""Small, pure helpers for the notebook views (``_repr_html_`` / ``_repr_markdown_``).

Every piece of text that reaches HTML goes through :func:`esc` (or is a :class:`Html`
fragment built by these helpers from escaped parts), so a customer called
``<script>alert(1)</script>`` or ``O'Reilly & Co`` is shown, never run. Markdown cells
are escaped with :func:`md` (Markdown allows raw HTML, so ``<`` and ``&`` are escaped
too, and so are the characters Markdown reads as formatting).

>>> print(table(["Tên"], [["O'Reilly & Co"], [Html("<b>ok</b>")]]).replace("<tr>", "\\n<tr>"))
<table><thead>
<tr><th>Tên</th></tr></thead><tbody>
<tr><td>O&#x27;Reilly &amp; Co</td></tr>
<tr><td><b>ok</b></td></tr></tbody></table>
>>> print(md("a|b <i>*x*</i>"))
a\\|b &lt;i&gt;\\*x\\*&lt;/i&gt;
>>> mask("+84901234567"), mask("lan.tran@example.com"), mask("ab")
('+849•••••567', 'l•••@example.com', '••')

Every view is one element whose classes tell MathJax (which Jupyter runs over HTML
output) to leave it alone, so a note like ``$5 or $10`` stays text, not a formula:

>>> print(view("<b>x</b>"))
<div class="khachhang tex2jax_ignore mathjax_ignore"><b>x</b></div>

Nothing here reads the clock or does I/O: views are pure functions of the value.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol

from khachhang._checks import check_type
from khachhang.labels import check_lang

__all__ = [
    "NO_MATH",
    "Html",
    "Printer",
    "check_limit",
    "esc",
    "fields",
    "mask",
    "md",
    "md_table",
    "table",
    "view",
    "weekday",
    "word",
]

NO_MATH = "tex2jax_ignore mathjax_ignore"
"""Classes MathJax 2 and 3 skip: Jupyter would typeset ``$...$`` in user text otherwise."""


class Printer(Protocol):
    """What IPython hands to ``_repr_pretty_`` (its ``text/plain`` output), as far as
    the views use it."""

    def text(self, obj: str) -> None:
        """Append ``obj`` to the output."""


class Html(str):
    """A fragment of markup that is already safe (built from escaped parts)."""

    __slots__ = ()


def esc(value: object) -> str:
    """``str(value)`` with ``& < > " '`` escaped; ``Html`` fragments pass unchanged."""
    if isinstance(value, Html):
        return str(value)
    return html.escape(str(value), quote=True)


def view(body: str, kind: str = "khachhang") -> Html:
    """The root of a view: one ``<div>`` of class ``kind`` that MathJax skips."""
    return Html(f'<div class="{kind} {NO_MATH}">{body}</div>')


def check_limit(path: str, value: object) -> int:
    """``value`` if it is an ``int`` (a row limit of a view), else a ``ValidationError``.

    >>> check_limit("limit", 3)
    3
    >>> check_limit("limit", "3")
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: limit: expected int, got str
    """
    return check_type(path, value, int)


def _cells(tag: str, values: Iterable[object]) -> str:
    return "".join(f"<{tag}>{esc(v)}</{tag}>" for v in values)


def table(
    headers: Sequence[object], rows: Iterable[Sequence[object]], *, caption: object = None
) -> Html:
    """An HTML table; every cell is escaped unless it is an :class:`Html` fragment."""
    cap = "" if caption is None else f"<caption>{esc(caption)}</caption>"
    head = f"<thead><tr>{_cells('th', headers)}</tr></thead>" if headers else ""
    body = "".join(f"<tr>{_cells('td', row)}</tr>" for row in rows)
    return Html(f"<table>{cap}{head}<tbody>{body}</tbody></table>")


def fields(pairs: Iterable[tuple[object, object]], *, caption: object = None) -> Html:
    """A two-column table of ``(label, value)`` pairs: a card for one value."""
    cap = "" if caption is None else f"<caption>{esc(caption)}</caption>"
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in pairs)
    return Html(f'<table class="khachhang-card">{cap}<tbody>{body}</tbody></table>')


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|~>$])")  # ``$``: Jupyter's math


def md(value: object) -> str:
    """Text for a Markdown cell: HTML escaped, Markdown formatting characters backslashed,
    whitespace runs (newlines too) made one space, so a row or a list item stays one line.

    >>> print(md("a | b\\n`c` $1$"))
    a \\| b \\`c\\` \\$1\\$
    """
    text = " ".join(str(value).split())  # a newline would end a table row or a list item
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def md_table(headers: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown (GFM) table; every cell goes through :func:`md`."""
    lines = [
        "| " + " | ".join(md(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines.extend("| " + " | ".join(md(v) for v in row) + " |" for row in rows)
    return "\n".join(lines)


def mask(value: str) -> str:
    """A contact value with most of it hidden (contacts are personal data).

    E-mail: the first character of the local part and the domain; phone numbers and
    handles: the first four and last three characters when long enough, else dots.
    """
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}•••@{domain}"
    if len(value) >= 10:
        return f"{value[:4]}•••••{value[-3:]}"
    return "•" * len(value)


_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "id": "ID",
        "name": "Name",
        "kind": "Kind",
        "roles": "Roles",
        "lifecycle": "Customer lifecycle",
        "province": "Province",
        "contacts": "Contacts",
        "source": "Acquisition source",
        "tags": "Tags",
        "created": "Customer since",
        "orders": "Orders",
        "spent": "Total spent",
        "last": "Last purchase",
        "recent": "Latest purchases",
        "earlier": "{n} earlier purchase(s) not shown",
        "at": "At",
        "channel": "Channel",
        "amount": "Amount",
        "items": "Items",
        "consent": "consent",
        "none": "—",
        "rule": "Rule",
        "key": "Key",
        "label": "Label",
        "priority": "Priority",
        "segments": "Segments",
        "mode": "Mode",
        "all_of": "all of",
        "any_of": "any of",
        "not": "not",
        "document": "Rule document, schema version",
        "stage": "Stage",
        "buygrid": "Buygrid",
        "status": "Status",
        "outcome": "Outcome",
        "buyer": "buyer",
        "seller": "seller",
        "events": "events",
        "loops": "loop(s)",
        "history": "History",
        "entered": "Entered",
        "left": "Left",
        "by": "By move",
        "diagram": "Diagram",
        "purpose": "Purpose",
        "customer": "Customer",
        "note": "Note",
        "when": "When",
        "rules": "Rules",
        "quiet": "Quiet hours",
        "cap": "Cap",
        "type": "Type",
        "day": "Day",
        "time": "Time",
        "total": "Total",
        "dropped": "Dropped",
        "reason": "Reason",
        "detail": "Detail",
        "due": "Due",
        "step": "Step",
        "state": "State",
        "done_at": "Done at",
        "progress": "Progress",
        "workflow": "Workflow",
        "subject": "Subject",
        "received": "Received",
        "move": "Move",
        "from": "From",
        "to": "To",
        "actor": "Actor",
        "first_touchpoints": "First {n} of {total} touchpoints",
        "agenda": "Care calendar",
        "by_day": "Touchpoints by day and channel",
        "drops": "Not planned, by reason",
        "value": "Value seen",
        "result": "Result",
    },
    "vi": {
        "id": "Mã",
        "name": "Tên",
        "kind": "Loại",
        "roles": "Vai trò",
        "lifecycle": "Vòng đời khách hàng",
        "province": "Tỉnh/thành",
        "contacts": "Liên hệ",
        "source": "Nguồn khách hàng",
        "tags": "Nhãn",
        "created": "Khách hàng từ ngày",
        "orders": "Số đơn hàng",
        "spent": "Tổng chi tiêu",
        "last": "Lần mua gần nhất",
        "recent": "Các lần mua gần nhất",
        "earlier": "{n} lần mua trước đó không hiển thị",
        "at": "Lúc",
        "channel": "Kênh",
        "amount": "Số tiền",
        "items": "Mặt hàng",
        "consent": "đồng ý",
        "none": "—",
        "rule": "Quy tắc",
        "key": "Mã",
        "label": "Tên nhóm",
        "priority": "Ưu tiên",
        "segments": "Nhóm khách hàng",
        "mode": "Cách gán",
        "all_of": "tất cả",
        "any_of": "một trong",
        "not": "không phải",
        "document": "Tài liệu quy tắc, phiên bản lược đồ",
        "stage": "Giai đoạn",
        "buygrid": "Lưới mua hàng",
        "status": "Trạng thái",
        "outcome": "Kết quả",
        "buyer": "người mua",
        "seller": "người bán",
        "events": "sự kiện",
        "loops": "lần quay lại",
        "history": "Lịch sử",
        "entered": "Vào",
        "left": "Rời",
        "by": "Qua bước chuyển",
        "diagram": "Sơ đồ",
        "purpose": "Mục đích",
        "customer": "Khách hàng",
        "note": "Ghi chú",
        "when": "Khi nào",
        "rules": "Quy tắc",
        "quiet": "Khung giờ không làm phiền",
        "cap": "Giới hạn",
        "type": "Kiểu",
        "day": "Ngày",
        "time": "Giờ",
        "total": "Tổng",
        "dropped": "Bỏ",
        "reason": "Lý do",
        "detail": "Chi tiết",
        "due": "Hạn",
        "step": "Bước",
        "state": "Tình trạng",
        "done_at": "Xong lúc",
        "progress": "Tiến độ",
        "workflow": "Quy trình",
        "subject": "Nội dung",
        "received": "Nhận lúc",
        "move": "Bước chuyển",
        "from": "Từ",
        "to": "Đến",
        "actor": "Người thực hiện",
        "first_touchpoints": "{n} điểm chạm đầu tiên trong {total}",
        "agenda": "Lịch chăm sóc khách hàng",
        "by_day": "Điểm chạm theo ngày và kênh",
        "drops": "Không lên lịch, theo lý do",
        "value": "Giá trị",
        "result": "Kết quả",
    },
}


_WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "vi": ("T2", "T3", "T4", "T5", "T6", "T7", "CN"),
}


def weekday(day: date, lang: str) -> str:
    """A short weekday name, independent of the process locale (``CN`` is Sunday).

    >>> weekday(date(2026, 11, 1), "vi"), weekday(date(2026, 11, 1), "en")
    ('CN', 'Sun')
    """
    return _WEEKDAYS[check_lang(lang)][day.weekday()]


def word(key: str, lang: str) -> str:
    """The view's label ``key`` in ``lang`` (``"vi"`` or ``"en"``).

    >>> word("spent", "vi"), word("spent", "en")
    ('Tổng chi tiêu', 'Total spent')
    """
    return _WORDS[check_lang(lang)][key]
