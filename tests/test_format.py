"""khachhang._format: one way to write dates, times and numbers per language."""

from __future__ import annotations

import argparse
import io
from datetime import date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from khachhang._format import (
    format_date,
    format_datetime,
    format_decimal,
    format_money,
    format_month_day,
    format_number,
)
from khachhang.care import Channel, Drop, DropReason, Purpose, Touchpoint
from khachhang.cli import build_parser, main
from khachhang.cli._help_vi import VI, translate
from khachhang.money import Money
from khachhang.sample import sample_book
from khachhang.serde import to_json


@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_a_grouped_number_reads_back_as_the_number(value: int) -> None:
    """Vietnamese groups with ".", English with ","; nothing else changes."""
    vi, en = format_number(value, "vi"), format_number(value, "en")
    assert int(vi.replace(".", "")) == value == int(en.replace(",", ""))
    assert vi == en.replace(",", ".")


@given(st.dates())
def test_a_date_reads_back_as_the_date(day: date) -> None:
    """dd/mm/yyyy in Vietnamese, ISO in English; the month and day alone without zeros."""
    d, m, y = format_date(day, "vi").split("/")
    assert date(int(y), int(m), int(d)) == day
    assert date.fromisoformat(format_date(day, "en")) == day
    assert format_month_day(day, "vi") == f"{day.day}/{day.month}"


def test_the_vietnamese_forms_are_the_ones_vietnamese_documents_use() -> None:
    """16:18 28/10/2026, 1.586, 5,5 and 1.250.000 ₫; the English ones in ISO order."""
    at = datetime(2026, 10, 28, 16, 18, tzinfo=timezone(timedelta(hours=7)))
    assert format_datetime(at, "vi") == "16:18 28/10/2026"
    assert format_datetime(at, "en", zone=True) == "2026-10-28 16:18 (UTC+07:00)"
    assert (format_number(1586), format_decimal(5.5)) == ("1.586", "5,5")
    assert format_month_day(date(2026, 3, 8)) == "8/3"
    assert format_money(Money(1250000)) == "1.250.000 ₫"


def test_a_drop_shows_its_detail_as_labels_and_an_unknown_part_as_it_is() -> None:
    """The other channels' reasons by their labels, in both languages."""
    t = Touchpoint(
        "KH-1",
        datetime(2026, 9, 2, 9, tzinfo=timezone.utc),
        Channel.PHONE,
        Purpose.FOLLOW_UP,
        "follow-up",
        "KH-1-002",
    )
    drop = Drop(t, DropReason.NO_CONSENT, "sms: no_consent; email: no_contact_point; odd")
    assert drop.detail_text("en") == (
        "SMS: No consent on this channel (never given or withdrawn); "
        "Email: No contact point for this channel; odd"
    )
    assert "(hỏi thăm sau đơn KH-1-002)" in drop.describe("vi")
    assert "Tin nhắn SMS: Khách hàng chưa đồng ý" in drop.describe("vi")


def _summary(argv: list[str], environ: dict[str, str]) -> str:
    data = "".join(to_json(c) + "\n" for c in sample_book(12)).encode("utf-8")
    err = io.StringIO()
    code = main(
        ["plan", "--start", "2026-11-01", *argv],
        stdin=io.BytesIO(data),
        stdout=io.StringIO(),
        stderr=err,
        environ=environ,
    )
    assert code == 0, err.getvalue()
    return err.getvalue()


def test_the_messages_follow_lang_then_the_locale_then_english() -> None:
    """--lang wins; else LC_ALL, LC_MESSAGES, LANG (the first set); else English."""
    assert _summary([], {"LANG": "vi_VN.UTF-8"}).startswith("khachhang: plan: đã đọc 12 dòng")
    assert _summary([], {"LC_ALL": "C", "LANG": "vi_VN.UTF-8"}).startswith(
        "khachhang: plan: 12 lines read"
    )
    assert _summary(["--lang", "en"], {"LANG": "vi_VN"}).startswith("khachhang: plan: 12 lines")
    assert _summary(["--lang", "vi"], {}).startswith("khachhang: plan: đã đọc 12 dòng")
    assert _summary([], {}).startswith("khachhang: plan: 12 lines read")


def _help_texts(parser: argparse.ArgumentParser) -> list[str]:
    texts = [parser.description or "", parser.epilog or ""]
    texts += [group.title or "" for group in parser._action_groups]
    for action in parser._actions:
        texts.append(action.help or "")
        if isinstance(action, argparse._SubParsersAction):
            texts += [choice.help or "" for choice in action._choices_actions]
            for sub in action.choices.values():
                texts += _help_texts(sub)
    return [text for text in texts if text and text != argparse.SUPPRESS]


def test_every_help_text_has_its_vietnamese_translation() -> None:
    """A new option's help written in English only would stay English under --lang vi."""
    english = _help_texts(build_parser())
    translated = build_parser()
    translate(translated)
    assert [text for text in english if text not in VI] == []
    assert set(_help_texts(translated)) <= set(VI.values())


def test_help_is_in_vietnamese_with_lang_vi_or_a_vietnamese_locale() -> None:
    """--help after --lang vi, or under LANG=vi_VN, prints the Vietnamese help."""
    for argv, environ in ((["plan", "--lang", "vi", "--help"], {}), (["--help"], {"LANG": "vi"})):
        out = io.StringIO()
        assert main(argv, stdout=out, environ=environ) == 0
        assert out.getvalue().startswith("cách dùng: khachhang")
        assert "tùy chọn:" in out.getvalue()
    out = io.StringIO()
    assert main(["--help"], stdout=out, environ={}) == 0
    assert out.getvalue().startswith("usage: khachhang")
