"""The command line's help in Vietnamese: each English help text and its translation.

The commands are written once, in English; :func:`translate` swaps every description,
option help, group title and epilog of a built parser for its Vietnamese text here
(``--lang vi``, or a Vietnamese locale). A help text missing from the table stays
English, and a test fails on it (``tests/test_format.py``).
"""

from __future__ import annotations

import argparse
from typing import Any

from khachhang._format import format_datetime, format_number
from khachhang.cli._base import DEFAULT_TZ
from khachhang.cli._stream import DEFAULT_MAX_LINE_BYTES

__all__ = ["USAGE_VI", "VI", "translate"]

USAGE_VI = "cách dùng: "
"""argparse's ``usage: `` prefix in Vietnamese."""


def _sample_as_of() -> str:
    from khachhang.sample import SAMPLE_AS_OF

    return SAMPLE_AS_OF.isoformat()


def _table() -> dict[str, str]:
    from khachhang.sample import SAMPLE_AS_OF

    as_of = _sample_as_of()
    return {
        # argparse's own
        "positional arguments": "tham số vị trí",
        "options": "tùy chọn",
        "show this help message and exit": "in trợ giúp này rồi thoát",
        # the program
        "khachhang: customer-management domain models (Vietnamese practice).": (
            "khachhang: mô hình miền quản lý khách hàng (theo thực tiễn Việt Nam)."
        ),
        "commands": "lệnh",
        "print the version and exit": "in phiên bản rồi thoát",
        "build the sample customer book and summarise it": (
            "tạo tệp khách hàng mẫu và in bản tổng quan"
        ),
        "write the sample customer book as JSON lines": (
            "ghi tệp khách hàng mẫu thành các dòng JSON"
        ),
        "write a ready rules file (a Segmenter as JSON)": (
            "ghi một tệp quy tắc có sẵn (một Segmenter dạng JSON)"
        ),
        "assign segments to customers (JSON lines in, JSON lines out)": (
            "gán nhóm cho khách hàng (vào và ra đều là các dòng JSON)"
        ),
        "explain one customer's segments, node by node": (
            "giải thích các nhóm của một khách hàng, từng nút của quy tắc"
        ),
        "the care touchpoints of the next N days, and the drops with reasons": (
            "các điểm chạm chăm sóc trong N ngày tới, và các điểm chạm bị bỏ kèm lý do"
        ),
        "print a state machine as a Mermaid diagram": "in một máy trạng thái thành sơ đồ Mermaid",
        # shared options
        (
            "language of the output (default: vi) and of the messages on stderr "
            "(default: the locale's, LC_ALL/LC_MESSAGES/LANG, else en)"
        ): (
            "ngôn ngữ của kết quả (mặc định: vi) và của thông báo trên stderr (mặc định: "
            "theo locale, LC_ALL/LC_MESSAGES/LANG, nếu không có thì en)"
        ),
        "reading customers (JSON lines on stdin)": "đọc khách hàng (các dòng JSON từ stdin)",
        "at a bad line: stop with exit code 1 (default), or skip it, go on and exit 3": (
            "gặp dòng lỗi: dừng với mã thoát 1 (mặc định), hoặc bỏ qua dòng đó, đọc tiếp "
            "và thoát với mã 3"
        ),
        f"a longer line is a bad line (default: {DEFAULT_MAX_LINE_BYTES:,})": (
            f"dòng dài hơn là dòng lỗi (mặc định: {format_number(DEFAULT_MAX_LINE_BYTES, 'vi')})"
        ),
        "no progress bar, no summary unless skipped": (
            "không hiện thanh tiến độ, không in tóm tắt trừ khi có dòng bị bỏ qua"
        ),
        "no progress bar (shown on a terminal)": (
            "không hiện thanh tiến độ (thanh hiện khi in ra màn hình)"
        ),
        (
            "exit codes: 0 done; 1 stopped at a bad line (--on-error=stop); 2 usage error or "
            "bad rules file; 3 done, bad lines skipped (--on-error=skip); 4 explain: no such "
            "customer; 70 a bug in khachhang; 74 cannot read the input or write the output; "
            "130 interrupted"
        ): (
            "mã thoát: 0 xong; 1 dừng ở một dòng lỗi (--on-error=stop); 2 dùng sai lệnh hoặc "
            "tệp quy tắc lỗi; 3 xong, có dòng lỗi bị bỏ qua (--on-error=skip); 4 explain: "
            "không có khách hàng đó; 70 lỗi của khachhang; 74 không đọc được đầu vào hoặc "
            "không ghi được kết quả; 130 bị ngắt"
        ),
        (
            "treat personal data in the output: mask (the default when given without a "
            "value), hash (stable pseudonyms keyed by the environment variable "
            "KHACHHANG_REDACT_KEY) or drop; see docs/privacy.md"
        ): (
            "xử lý dữ liệu cá nhân trong kết quả: mask (che một phần; mặc định khi không ghi "
            "giá trị), hash (thay bằng bí danh cố định, băm với khóa lấy từ biến môi trường "
            "KHACHHANG_REDACT_KEY) hoặc drop (lược bỏ); xem docs/privacy.md"
        ),
        # demo and sample
        (
            "Build a deterministic sample book of Vietnamese customers (the same seed gives "
            "the same book) and print a summary: counts by kind, role, lifecycle, source and "
            "province, and revenue by market."
        ): (
            "Tạo một tệp khách hàng Việt Nam mẫu, tất định (cùng seed cho cùng một tệp), và "
            "in bản tổng quan: số khách hàng theo loại, vai trò, vòng đời, nguồn và tỉnh, "
            "thành phố, cùng doanh thu theo thị trường."
        ),
        "customers (default: 1000)": f"số khách hàng (mặc định: {format_number(1000, 'vi')})",
        "default: 1000": f"mặc định: {format_number(1000, 'vi')}",
        "default: 20261128": "mặc định: 20261128",
        "print the summary as JSON instead of text": "in bản tổng quan dạng JSON thay vì văn bản",
        (
            "Write the deterministic sample book (the demo's) to stdout, one customer per "
            "line as khachhang.serde.to_json writes it: input for segment, explain and plan. "
            f"Its data is as of {as_of}."
        ): (
            "Ghi tệp khách hàng mẫu tất định (của demo) ra stdout, mỗi dòng một khách hàng "
            "như khachhang.serde.to_json ghi: đầu vào cho segment, explain và plan. Dữ liệu "
            f"tính đến {format_datetime(SAMPLE_AS_OF, 'vi', zone=True)}."
        ),
        # rules, segment, explain
        (
            "Write a built-in segmenter as JSON, ready for segment --rules: 'standard' (the "
            "standard groups; overlapping, so mode 'all' by default), 'kind' "
            "(internal/B2C/B2B/B2G/non-profit) or 'lifecycle' (one group per state)."
        ): (
            "Ghi một bộ phân nhóm có sẵn dạng JSON, dùng ngay cho segment --rules: "
            "'standard' (các nhóm chuẩn; chồng lấn nhau nên mặc định chế độ 'all'), 'kind' "
            "(nội bộ/B2C/B2B/B2G/phi lợi nhuận) hoặc 'lifecycle' (mỗi giai đoạn một nhóm)."
        ),
        "which segmenter": "bộ phân nhóm nào",
        (
            "objects (default): read and validate each customer, streaming; polars: scan "
            "the export with Polars and segment it as a frame, several times faster on "
            "large exports khachhang wrote (it does not re-validate customers)"
        ): (
            "objects (mặc định): đọc và kiểm tra từng khách hàng, xử lý theo luồng; polars: "
            "quét tệp bằng Polars rồi phân nhóm trên bảng, nhanh hơn nhiều lần với tệp lớn "
            "do khachhang xuất (không kiểm tra lại từng khách hàng)"
        ),
        "override the mode": "thay chế độ gán nhóm",
        (
            "Read customers as JSON lines on stdin and write one line per customer, "
            '{"id": ..., "segments": [...]}, in input order, streaming.'
        ): (
            "Đọc khách hàng (các dòng JSON) từ stdin và ghi mỗi khách hàng một dòng, "
            '{"id": ..., "segments": [...]}, theo thứ tự đầu vào, vừa đọc vừa ghi.'
        ),
        "a Segmenter, a RuleDocument or a rule as JSON (see `khachhang rules`)": (
            "một Segmenter, một RuleDocument hoặc một quy tắc dạng JSON (xem `khachhang rules`)"
        ),
        "the segment name of a single-rule file (default: the file name)": (
            "tên nhóm của tệp chỉ có một quy tắc (mặc định: tên tệp)"
        ),
        "first matching segment or every match (default: the file's mode)": (
            "nhóm khớp đầu tiên hoặc mọi nhóm khớp (mặc định: chế độ ghi trong tệp)"
        ),
        (
            "evaluate at this instant: 2026-01-01T00:00:00+07:00, or a date (midnight in "
            "Vietnam); default: now, printed in the summary so the run can be repeated"
        ): (
            "đánh giá tại thời điểm này: 2026-01-01T00:00:00+07:00, hoặc một ngày (0 giờ "
            "giờ Việt Nam); mặc định: bây giờ, in trong tóm tắt để chạy lại được"
        ),
        (
            "Read customers as JSON lines on stdin until the one with --customer ID, and "
            "print, for each segment, the rule's tree with each node's result and the value "
            "it saw. Exit code 4 when no line has the id."
        ): (
            "Đọc khách hàng (các dòng JSON) từ stdin đến khách hàng có mã --customer ID, rồi "
            "in, cho từng nhóm, cây quy tắc với kết quả và giá trị của từng nút. Mã thoát 4 "
            "khi không dòng nào có mã đó."
        ),
        "the customer's id": "mã khách hàng",
        # plan
        (
            "Plan care for the customers on stdin (or the sample book with --sample N) with "
            "the demo's care plan: follow-ups 3 days and 1 month after a purchase, birthdays, "
            "relationship anniversaries and fixed-date holidays; quiet hours 21:00-08:00; at "
            "most 2 touchpoints per customer per week. The customers are held in memory (the "
            "plan makes a pass per month)."
        ): (
            "Lên lịch chăm sóc cho các khách hàng từ stdin (hoặc tệp mẫu với --sample N) "
            "theo kế hoạch chăm sóc của demo: hỏi thăm 3 ngày và 1 tháng sau mua, sinh nhật, "
            "kỷ niệm ngày trở thành khách hàng và các ngày lễ cố định; không liên hệ từ 21:00 "
            "đến 08:00; tối đa 2 điểm chạm mỗi tuần cho mỗi khách hàng. Khách hàng được giữ "
            "trong bộ nhớ (kế hoạch duyệt mỗi tháng một lượt)."
        ),
        "window length (default: 30)": "số ngày của khoảng lập lịch (mặc định: 30)",
        (
            "window start: a date (midnight in --tz) or a datetime with offset; default: "
            "today's midnight in --tz, printed in the summary"
        ): (
            "ngày bắt đầu: một ngày (0 giờ theo --tz) hoặc một thời điểm có múi giờ; mặc "
            "định: 0 giờ hôm nay theo --tz, in trong tóm tắt"
        ),
        f"time zone (default: {DEFAULT_TZ})": f"múi giờ (mặc định: {DEFAULT_TZ})",
        "plan for the sample book instead of stdin": "lên lịch cho tệp mẫu thay vì stdin",
        (
            'jsonl: one {"type": "touchpoint"|"drop", ...} per line (default); text: a '
            "readable calendar"
        ): (
            'jsonl: mỗi dòng một {"type": "touchpoint"|"drop", ...} (mặc định); text: lịch '
            "dạng văn bản dễ đọc"
        ),
        # diagram
        (
            "Print a Mermaid stateDiagram-v2: 'buying' (the 8-stage B2B buying process), "
            "'lifecycle' (a customer's lifecycle), 'workflow' (a care workflow run) or "
            "'complaint' (a complaint)."
        ): (
            "In một sơ đồ Mermaid stateDiagram-v2: 'buying' (quá trình mua 8 giai đoạn của "
            "khách hàng doanh nghiệp), 'lifecycle' (vòng đời khách hàng), 'workflow' (một "
            "lượt quy trình chăm sóc) hoặc 'complaint' (một khiếu nại)."
        ),
        "which machine": "máy trạng thái nào",
        "buying: mark the steps the buygrid skips for this buy class": (
            "buying: đánh dấu các bước mà loại tình huống mua này bỏ qua"
        ),
    }


VI: dict[str, str] = {}
"""English help text → Vietnamese, filled on first use (:func:`translate`)."""


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter with the Vietnamese ``usage:`` prefix."""

    def add_usage(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", USAGE_VI)
        super().add_usage(*args, **kwargs)


def translate(parser: argparse.ArgumentParser) -> None:
    """Put ``parser``'s (and its subparsers') help texts in Vietnamese, in place."""
    if not VI:
        VI.update(_table())
    parser.formatter_class = _Formatter
    parser.description = VI.get(parser.description or "", parser.description)
    parser.epilog = VI.get(parser.epilog or "", parser.epilog)
    for group in parser._action_groups:
        group.title = VI.get(group.title or "", group.title)
    for action in parser._actions:
        if action.help:
            action.help = VI.get(action.help, action.help)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                choice.help = VI.get(choice.help or "", choice.help)
            for sub in action.choices.values():
                translate(sub)
