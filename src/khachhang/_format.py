"""Dates, times and numbers for people, in Vietnamese or English: one place for every view.

Pure string formatting (no ``locale``, no clock): the same value prints the same way in
every text, HTML and Markdown output of the library and the CLI. JSON stays ISO: it is
data, not text.

======================  =========================  ========================
value                   Vietnamese (``"vi"``)      English (``"en"``)
======================  =========================  ========================
date                    ``28/10/2026``             ``2026-10-28``
datetime                ``16:18 28/10/2026``       ``2026-10-28 16:18``
day and month           ``8/3``                    ``03-08``
whole number            ``1.586``                  ``1,586``
decimal                 ``5,5``                    ``5.5``
money                   ``1.250.000 ₫``            ``₫1,250,000``
======================  =========================  ========================

The English forms are ISO 8601's calendar order (unambiguous for every English reader);
the Vietnamese ones are how Vietnamese documents write them (TCVN, the administrative
documents' style: day first, "." between thousands, "," before decimals).

>>> from datetime import datetime, timezone
>>> at = datetime(2026, 10, 28, 16, 18, tzinfo=timezone.utc)
>>> format_datetime(at, "vi"), format_datetime(at, "en")
('16:18 28/10/2026', '2026-10-28 16:18')
>>> format_number(23570, "vi"), format_number(23570, "en")
('23.570', '23,570')
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from khachhang.labels import check_lang

if TYPE_CHECKING:
    from khachhang.money import Money

__all__ = [
    "format_date",
    "format_datetime",
    "format_decimal",
    "format_money",
    "format_month_day",
    "format_number",
    "format_time",
]


def format_date(day: date, lang: str = "vi") -> str:
    """``28/10/2026`` in Vietnamese, ``2026-10-28`` in English (a datetime gives its date).

    >>> format_date(date(2026, 3, 8)), format_date(date(2026, 3, 8), "en")
    ('08/03/2026', '2026-03-08')
    """
    if check_lang(lang) == "vi":
        return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def format_time(moment: time | datetime, lang: str = "vi") -> str:
    """``16:18`` in both languages (24-hour clock, no seconds).

    >>> format_time(time(9, 5))
    '09:05'
    """
    check_lang(lang)
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_datetime(at: datetime, lang: str = "vi", *, zone: bool = False) -> str:
    """``16:18 28/10/2026`` in Vietnamese, ``2026-10-28 16:18`` in English, as ``at`` reads.

    Convert to the reader's time zone first (``at.astimezone(tz)``); ``zone=True`` adds
    the offset, ``(UTC+07:00)``.

    >>> from datetime import timedelta, timezone
    >>> at = datetime(2026, 11, 1, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    >>> format_datetime(at, "vi", zone=True)
    '09:00 01/11/2026 (UTC+07:00)'
    """
    clock = format_time(at, lang)
    day = format_date(at, lang)
    text = f"{clock} {day}" if lang == "vi" else f"{day} {clock}"
    if not zone:
        return text
    offset = at.utcoffset()
    minutes = 0 if offset is None else int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{text} (UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})"


def format_month_day(day: date, lang: str = "vi") -> str:
    """A yearly date (a holiday): ``8/3``, ``30/4`` in Vietnamese, ``03-08`` in English.

    >>> format_month_day(date(2026, 4, 30)), format_month_day(date(2026, 4, 30), "en")
    ('30/4', '04-30')
    """
    if check_lang(lang) == "vi":
        return f"{day.day}/{day.month}"
    return f"{day.month:02d}-{day.day:02d}"


def format_number(value: int, lang: str = "vi") -> str:
    """A whole number with thousands grouped: ``1.586`` in Vietnamese, ``1,586`` in English.

    >>> format_number(-1234567), format_number(-1234567, "en")
    ('-1.234.567', '-1,234,567')
    """
    text = f"{value:,}"
    return text.replace(",", ".") if check_lang(lang) == "vi" else text


def format_decimal(value: Decimal | float, lang: str = "vi", *, places: int = 1) -> str:
    """A number with ``places`` decimals: ``5,5`` in Vietnamese, ``5.5`` in English.

    >>> format_decimal(Decimal("1234.56"), "vi"), format_decimal(Decimal("1234.56"), "en")
    ('1.234,6', '1,234.6')
    """
    text = f"{value:,.{places}f}"
    if check_lang(lang) == "vi":
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_money(money: Money, lang: str = "vi") -> str:
    """An amount for people: ``1.250.000 ₫`` in Vietnamese, ``₫1,250,000`` in English.

    The same as :meth:`khachhang.money.Money.format`, here beside the other formats.

    >>> from khachhang.money import Money
    >>> format_money(Money(1250000))
    '1.250.000 ₫'
    """
    return money.format(lang)
