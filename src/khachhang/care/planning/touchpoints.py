"""Touchpoints and the constraints a care plan keeps: quiet hours, caps, drop reasons.

A :class:`Touchpoint` is one planned contact; a :class:`Drop` is one the plan refused,
with its :class:`DropReason`. :class:`QuietHours` and :class:`Cap` are the plan's limits
(see :mod:`khachhang.care.planning.plan`).

>>> from datetime import datetime, timezone
>>> t = Touchpoint("KH-1", datetime(2026, 9, 2, 9, tzinfo=timezone.utc), Channel.SMS,
...                Purpose.HOLIDAY, "holidays", "Quốc khánh")
>>> t.describe("en")
'2026-09-02 09:00 KH-1 SMS Holiday greeting (holidays: Quốc khánh)'
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import attrs

from khachhang._checks import check_key, check_type, clean_text, require_aware
from khachhang._format import format_datetime
from khachhang.care.channels import Channel, Reach
from khachhang.care.planning.rules import Purpose
from khachhang.errors import ValidationError
from khachhang.labels import BilingualEnum, Lang, check_lang
from khachhang.privacy.consent import StandardPurpose, purpose_key

__all__ = [
    "DEFAULT_TZ",
    "Cap",
    "Drop",
    "DropReason",
    "Period",
    "QuietHours",
    "Touchpoint",
]

DEFAULT_TZ = "Asia/Ho_Chi_Minh"
_DAY = timedelta(days=1)
_UTC = timezone.utc


class DropReason(BilingualEnum):
    """Why the plan refused a touchpoint."""

    NOT_ADDRESSABLE = (
        "not_addressable",
        "Kênh công khai, không gửi riêng được",
        "Public channel, cannot address one customer",
    )
    NO_CONTACT_POINT = (
        "no_contact_point",
        "Không có thông tin liên hệ cho kênh này",
        "No contact point for this channel",
    )
    NO_CONSENT = (
        "no_consent",
        "Khách hàng chưa đồng ý hoặc đã rút lại đồng ý trên kênh này",
        "No consent on this channel (never given or withdrawn)",
    )
    NO_PURPOSE_CONSENT = (
        "no_purpose_consent",
        "Khách hàng chưa đồng ý hoặc đã rút lại đồng ý cho mục đích này trên kênh này",
        "No consent to this purpose on this channel (never given or withdrawn)",
    )
    DUPLICATE = ("duplicate", "Trùng lặp trong ngày", "Duplicate greeting or rule on the day")
    CAP_REACHED = ("cap_reached", "Vượt giới hạn liên hệ", "Per-customer cap reached")


DROP_FOR_REACH: dict[Reach, DropReason] = {
    Reach.NOT_ADDRESSABLE: DropReason.NOT_ADDRESSABLE,
    Reach.NO_CONTACT_POINT: DropReason.NO_CONTACT_POINT,
    Reach.NO_CONSENT: DropReason.NO_CONSENT,
    Reach.NO_PURPOSE_CONSENT: DropReason.NO_PURPOSE_CONSENT,
}


class Period(BilingualEnum):
    """A calendar period for caps, in the plan's time zone (weeks start on Monday)."""

    DAY = ("day", "Ngày", "Day")
    WEEK = ("week", "Tuần", "Week")
    MONTH = ("month", "Tháng", "Month")
    QUARTER = ("quarter", "Quý", "Quarter")
    YEAR = ("year", "Năm", "Year")

    def key(self, day: date) -> tuple[int, int]:
        """A value equal for two dates exactly when they fall in the same period.

        >>> Period.WEEK.key(date(2026, 1, 4)) == Period.WEEK.key(date(2026, 1, 5))
        False
        """
        if not isinstance(day, date):
            raise ValidationError("day", f"expected a date, got {type(day).__name__}")
        if self is Period.DAY:
            return (day.toordinal(), 0)
        if self is Period.WEEK:
            iso = day.isocalendar()
            return (iso.year, iso.week)
        if self is Period.MONTH:
            return (day.year, day.month)
        if self is Period.QUARTER:
            return (day.year, (day.month - 1) // 3)
        return (day.year, 0)


def _default_consent_purpose(touchpoint: Touchpoint) -> str:
    return _SERVICE if touchpoint.purpose is Purpose.FOLLOW_UP else _MARKETING


_SERVICE = StandardPurpose.SERVICE._value_
_MARKETING = StandardPurpose.MARKETING._value_


def _consent_purpose(value: StandardPurpose | str) -> str:
    return purpose_key(value, "consent_purpose")


@attrs.frozen
class Touchpoint:
    """One planned contact: whom, when, on which channel, why, and which rule planned it.

    ``consent_purpose`` is the purpose of processing it serves (the rule's); built by
    hand, it defaults to care and service for a follow-up and marketing otherwise.
    """

    customer_id: str
    due: datetime
    channel: Channel
    purpose: Purpose
    source: str
    note: str = ""
    consent_purpose: str = attrs.field(
        default=attrs.Factory(_default_consent_purpose, takes_self=True),
        converter=_consent_purpose,
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self, "customer_id", check_key("customer_id", self.customer_id, max_len=128)
        )
        require_aware(self.due, "due")
        check_type("channel", self.channel, Channel)
        check_type("purpose", self.purpose, Purpose)
        object.__setattr__(self, "source", clean_text("source", self.source, max_len=64))
        object.__setattr__(self, "note", clean_text("note", self.note, allow_empty=True))

    def describe(self, lang: str = "vi") -> str:
        """One line for people: local due time, customer, channel, purpose and occasion.

        In English the occasion is the rule's name and note (``follow-up: KH-1-002``); in
        Vietnamese it is said in words from the purpose (``hỏi thăm sau đơn KH-1-002``,
        ``kỷ niệm 5 năm``, ``sinh nhật``, ``ngày lễ: Quốc khánh``), as rule names are
        identifiers, not Vietnamese.

        >>> from datetime import datetime, timezone
        >>> t = Touchpoint("KH-1", datetime(2026, 9, 2, 9, tzinfo=timezone.utc),
        ...                Channel.SMS, Purpose.HOLIDAY, "holidays", "Quốc khánh")
        >>> t.describe("vi")
        '09:00 02/09/2026 KH-1 Tin nhắn SMS Chúc mừng ngày lễ, Tết (ngày lễ: Quốc khánh)'
        """
        code = check_lang(lang)
        if code == "vi":
            occasion = _occasion_vi(self.purpose, self.note)
        else:
            occasion = f"{self.source}: {self.note}" if self.note else self.source
        return (
            f"{format_datetime(self.due, code)} {self.customer_id} {self.channel.label(code)} "
            f"{self.purpose.label(code)} ({occasion})"
        )

    # -- notebook view (khachhang.views) ----------------------------------------------
    def to_html(self, lang: str = "vi") -> str:
        """A small table: see :func:`khachhang.views.to_html`."""
        from khachhang.views._care import touchpoint_html

        return touchpoint_html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()


@attrs.frozen
class Drop:
    """A touchpoint the plan refused, and why; ``detail`` adds the other channels' reasons."""

    touchpoint: Touchpoint
    reason: DropReason
    detail: str = ""

    def __attrs_post_init__(self) -> None:
        check_type("touchpoint", self.touchpoint, Touchpoint)
        check_type("reason", self.reason, DropReason)
        object.__setattr__(self, "detail", clean_text("detail", self.detail, allow_empty=True))

    @property
    def due(self) -> datetime:
        """The dropped touchpoint's due time (drops sort with touchpoints by it)."""
        return self.touchpoint.due

    def describe(self, lang: str = "vi") -> str:
        """One line for people: the touchpoint, the reason and :meth:`detail_text`."""
        dropped = "bỏ" if check_lang(lang) == "vi" else "dropped"
        detail = self.detail_text(lang)
        shown = f" ({detail})" if detail else ""
        return f"{dropped}: {self.touchpoint.describe(lang)}: {self.reason.label(lang)}{shown}"

    def detail_text(self, lang: str = "vi") -> str:
        """``detail`` in words: each other channel's and reason's label, or the cap.

        ``detail`` is data (``"sms: no_consent; email: no_contact_point"``, ``"2/week"``);
        a part that is not in that shape is shown as it is.

        >>> from datetime import datetime, timezone
        >>> t = Touchpoint("KH-1", datetime(2026, 9, 2, 9, tzinfo=timezone.utc),
        ...                Channel.PHONE, Purpose.FOLLOW_UP, "follow-up")
        >>> Drop(t, DropReason.NO_CONSENT, "sms: no_consent").detail_text("vi")
        'Tin nhắn SMS: Khách hàng chưa đồng ý hoặc đã rút lại đồng ý trên kênh này'
        >>> Drop(t, DropReason.CAP_REACHED, "2/week").detail_text("vi")
        'tối đa 2 mỗi tuần'
        """
        code = check_lang(lang)
        return "; ".join(_detail_part(part, code) for part in self.detail.split("; ") if part)

    # -- notebook view (khachhang.views) ----------------------------------------------
    def to_html(self, lang: str = "vi") -> str:
        """The dropped touchpoint, the reason and detail: see :func:`khachhang.views.to_html`."""
        from khachhang.views._care import drop_html

        return drop_html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()


def _occasion_vi(purpose: Purpose, note: str) -> str:
    """The occasion of a touchpoint in Vietnamese words (the note is an order id, years
    or a holiday's name, as the built-in rules write it)."""
    if purpose is Purpose.FOLLOW_UP:
        return f"hỏi thăm sau đơn {note}" if note else "hỏi thăm sau mua hàng"
    if purpose is Purpose.BIRTHDAY:
        return f"sinh nhật: {note}" if note else "sinh nhật"
    if purpose in (Purpose.PURCHASE_ANNIVERSARY, Purpose.RELATIONSHIP_ANNIVERSARY):
        if note.isdecimal():
            return f"kỷ niệm {note} năm"
        return f"kỷ niệm: {note}" if note else "kỷ niệm"
    if purpose is Purpose.HOLIDAY:
        return f"ngày lễ: {note}" if note else "ngày lễ"
    return f"hỏi thăm định kỳ: {note}" if note else "hỏi thăm định kỳ"


def _detail_part(part: str, lang: Lang) -> str:
    channel, sep, reason = part.partition(": ")
    channels = {member.value: member for member in Channel}
    reasons = {member.value: member for member in DropReason}
    if sep and channel in channels and reason in reasons:
        return f"{channels[channel].label(lang)}: {reasons[reason].label(lang)}"
    limit, sep, period = part.partition("/")
    periods = {member.value: member for member in Period}
    if sep and limit.isdecimal() and period in periods:
        unit = periods[period].label(lang).lower()
        return f"tối đa {limit} mỗi {unit}" if lang == "vi" else f"at most {limit} per {unit}"
    return part


def _naive_time(path: str, value: object) -> time:
    moment = check_type(path, value, time)
    if moment.tzinfo is not None:
        raise ValidationError(path, "a local time of day has no tzinfo (the plan's tz applies)")
    return moment


@attrs.frozen
class QuietHours:
    """Local hours with no contact; they may span midnight (the default, 21:00–08:00).

    >>> from datetime import datetime, timezone
    >>> QuietHours().move(at=datetime(2026, 1, 5, 22, 30, tzinfo=timezone.utc))
    datetime.datetime(2026, 1, 6, 8, 0, tzinfo=datetime.timezone.utc)
    >>> QuietHours(time(12), time(13, 30)).contains(at=time(13))
    True
    """

    start: time = time(21)
    end: time = time(8)

    def __attrs_post_init__(self) -> None:
        _naive_time("start", self.start)
        _naive_time("end", self.end)
        if self.start == self.end:
            raise ValidationError("end", "quiet hours must not be empty nor the whole day")

    def contains(self, *, at: time) -> bool:
        """True if the local time of day ``at`` is quiet."""
        if type(at) is not time or at.tzinfo is not None:
            _naive_time("at", at)
        if self.start < self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end

    def move(self, *, at: datetime) -> datetime:
        """``at`` itself if allowed, else the end of its quiet hours (same tzinfo).

        The result is never earlier than ``at``, also around DST changes: an end that
        does not exist that day (clocks going forward) moves forward by the gap, and an
        end that occurs twice (clocks going back) is the occurrence after ``at``. When
        the whole allowed window falls in the gap, the result is the next day's end.

        >>> from zoneinfo import ZoneInfo
        >>> berlin = ZoneInfo("Europe/Berlin")  # 02:00-03:00 is skipped on 29 March 2026
        >>> QuietHours(time(0, 30), time(2, 30)).move(at=datetime(2026, 3, 29, 1, tzinfo=berlin))
        datetime.datetime(2026, 3, 29, 3, 30, tzinfo=zoneinfo.ZoneInfo(key='Europe/Berlin'))
        """
        moment = check_type("at", at, datetime)
        moved = self._move_once(moment)
        if moved is not moment and self.contains(at=moved.time()):
            # The allowed window fell in a DST gap: quiet again after the gap.
            moved = self._move_once(moved)
        return moved

    def _move_once(self, moment: datetime) -> datetime:
        local = moment.time()
        if not self.contains(at=local):
            return moment
        day = moment.date()
        if self.start > self.end and local >= self.start:
            if day == date.max:
                raise ValidationError("at", "the quiet hours end after the year 9999")
            day += _DAY
        zone = moment.tzinfo
        moved = datetime.combine(day, self.end, tzinfo=zone)
        if zone is None or moment.utcoffset() is None:
            return moved
        try:
            utc = moment.astimezone(_UTC)
            settled = moved.astimezone(_UTC)
            if settled < utc:  # a repeated local time: take its second occurrence
                settled = moved.replace(fold=1).astimezone(_UTC)
            return settled.astimezone(zone)
        except OverflowError:  # at the calendar's very ends: keep the wall-clock time
            return moved


@attrs.frozen
class Cap:
    """At most ``limit`` touchpoints per customer per calendar ``period``.

    >>> Cap(2, Period.WEEK).limit
    2
    """

    limit: int
    period: Period = Period.WEEK

    def __attrs_post_init__(self) -> None:
        if check_type("limit", self.limit, int) < 1:
            raise ValidationError("limit", "a cap allows at least one touchpoint")
        check_type("period", self.period, Period)
