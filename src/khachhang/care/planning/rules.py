"""Care rules: what a care plan schedules, and when ("gọi điện hỏi thăm, gửi thư
chúc mừng, thông báo tặng quà nhân dịp lễ tết hay các ngày đáng nhớ trong năm").

Each rule turns one customer into occasions on local calendar days:

- :class:`FollowUp` — follow-ups at offsets after each purchase;
- :class:`BirthdayGreeting` — once a year on the birthday (29 February: see :class:`LeapDay`);
- :class:`Anniversary` — of the first purchase or of the relationship (``created_at``);
- :class:`HolidayGreeting` — on the dates of any mapping of dates to names, e.g.
  ``holidays.country_holidays("VN", years=2026, language="vi")`` (the ``holidays``
  package is the optional extra ``khachhang[holidays]``; this module never imports it);
- :class:`CheckIn` — recurring check-ins for the customers of a named segment; the
  segment's predicate is given when the plan runs (see :class:`~khachhang.care.CarePlan`).

Every rule names its channels in order of preference; the plan uses the first one the
customer can be reached on. Every rule also names the purpose of processing its
touchpoints serve (``consent_purpose``, a :mod:`consent purpose <khachhang.privacy>` key):
a follow-up after a purchase is care and service (``"service"``); birthday, anniversary
and holiday greetings and recurring check-ins are marketing (``"marketing"``). The plan
only uses a channel on which the customer consents to that purpose at the touchpoint's
time.

>>> from datetime import date
>>> tet = HolidayGreeting.from_mapping({date(2026, 2, 17): "Tết Nguyên Đán",
...                                     date(2026, 2, 18): "Mùng hai Tết"})
>>> [(h.date.day, h.name) for h in tet.occasions()]
[(17, 'Tết Nguyên Đán')]
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Union

import attrs
from dateutil.relativedelta import relativedelta

from khachhang._checks import as_collection, check_items, check_type, clean_text
from khachhang.care.channels import Channel
from khachhang.care.planning.workflows import check_offset
from khachhang.errors import ValidationError
from khachhang.labels import BilingualEnum
from khachhang.privacy.consent import StandardPurpose, purpose_key

__all__ = [
    "Anniversary",
    "AnniversaryOf",
    "BirthdayGreeting",
    "CareRule",
    "CheckIn",
    "FollowUp",
    "Holiday",
    "HolidayGreeting",
    "LeapDay",
    "Purpose",
    "on_anniversary",
]

_NAME = re.compile(r"[a-z][a-z0-9_\-]{0,63}", re.ASCII)
NINE_AM = time(9)


class Purpose(BilingualEnum):
    """Why a touchpoint is planned.

    >>> Purpose.BIRTHDAY.is_greeting, Purpose.FOLLOW_UP.is_greeting
    (True, False)
    """

    FOLLOW_UP = ("follow_up", "Hỏi thăm sau mua hàng", "Post-purchase follow-up")
    BIRTHDAY = ("birthday", "Chúc mừng sinh nhật", "Birthday greeting")
    PURCHASE_ANNIVERSARY = (
        "purchase_anniversary",
        "Kỷ niệm ngày mua hàng đầu tiên",
        "First-purchase anniversary",
    )
    RELATIONSHIP_ANNIVERSARY = (
        "relationship_anniversary",
        "Kỷ niệm ngày trở thành khách hàng",
        "Relationship anniversary",
    )
    HOLIDAY = ("holiday", "Chúc mừng ngày lễ, Tết", "Holiday greeting")
    CHECK_IN = ("check_in", "Hỏi thăm định kỳ", "Regular check-in")

    @property
    def is_greeting(self) -> bool:
        """Greetings (birthdays, anniversaries, holidays): at most one per customer per day."""
        return self in _GREETINGS


_GREETINGS = frozenset(
    {
        Purpose.BIRTHDAY,
        Purpose.PURCHASE_ANNIVERSARY,
        Purpose.RELATIONSHIP_ANNIVERSARY,
        Purpose.HOLIDAY,
    }
)


class LeapDay(BilingualEnum):
    """When someone born on 29 February is greeted in a common year.

    The default is 28 February: the greeting stays in the birth month and arrives
    before the day rather than after it. Note that :meth:`Person.age
    <khachhang.parties.Person.age>` counts the new year of age from 1 March, the
    legal reading; choose ``MARCH_1`` to greet on that day instead.
    """

    FEBRUARY_28 = ("feb_28", "Ngày 28 tháng 2", "28 February")
    MARCH_1 = ("mar_1", "Ngày 1 tháng 3", "1 March")


def on_anniversary(anchor: date, year: int, leap_day: LeapDay = LeapDay.FEBRUARY_28) -> date:
    """The date ``anchor``'s month and day fall on in ``year`` (29 February handled).

    >>> on_anniversary(date(2004, 2, 29), 2026)
    datetime.date(2026, 2, 28)
    >>> on_anniversary(date(2004, 2, 29), 2026, LeapDay.MARCH_1)
    datetime.date(2026, 3, 1)
    >>> on_anniversary(date(2004, 2, 29), 2028)
    datetime.date(2028, 2, 29)
    """
    if isinstance(check_type("anchor", anchor, date), datetime):
        raise ValidationError("anchor", "expected a calendar date, not a datetime")
    if not 1 <= check_type("year", year, int) <= 9999:
        raise ValidationError("year", f"{year} is outside the calendar (1 to 9999)")
    check_type("leap_day", leap_day, LeapDay)
    return anniversary_unchecked(anchor, year, leap_day)


def anniversary_unchecked(anchor: date, year: int, leap_day: LeapDay) -> date:
    """:func:`on_anniversary` without the checks (the planner runs it per customer)."""
    if anchor.month == 2 and anchor.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1) if leap_day is LeapDay.MARCH_1 else date(year, 2, 28)
    return anchor.replace(year=year)


class AnniversaryOf(BilingualEnum):
    """Which memorable day an :class:`Anniversary` celebrates."""

    FIRST_PURCHASE = ("first_purchase", "Ngày mua hàng đầu tiên", "First purchase")
    RELATIONSHIP = ("relationship", "Ngày trở thành khách hàng", "Start of the relationship")


# --- shared field checks ---------------------------------------------------------------


def _name(value: object) -> str:
    text = check_type("name", value, str)
    if not _NAME.fullmatch(text):
        msg = f"{text[:70]!r} is not a rule name: lower-case letters, digits, _ and -"
        raise ValidationError("name", msg)
    return text


def _channels(values: Iterable[Channel]) -> tuple[Channel, ...]:
    items = check_items("channels", as_collection("channels", values), Channel)
    if not items:
        raise ValidationError("channels", "name at least one channel")
    if len(set(items)) != len(items):
        raise ValidationError("channels", "a channel is listed twice")
    return items


def _time_of_day(path: str, value: object, *, optional: bool = False) -> None:
    if optional and value is None:
        return
    moment = check_type(path, value, time)
    if moment.tzinfo is not None:
        raise ValidationError(path, "a local time of day has no tzinfo (the plan's tz applies)")


# --- the rules ---------------------------------------------------------------------------

_MARKETING = StandardPurpose.MARKETING._value_
_SERVICE = StandardPurpose.SERVICE._value_


def _consent_purpose(value: StandardPurpose | str) -> str:
    return purpose_key(value, "consent_purpose")


def _offsets(values: Iterable[relativedelta]) -> tuple[relativedelta, ...]:
    items = as_collection("offsets", values)
    return tuple(check_offset(f"offsets[{i}]", v) for i, v in enumerate(items))


@attrs.frozen
class FollowUp:
    """Follow up after each purchase at each offset ("hỏi thăm khách hàng").

    ``time_of_day`` sets the local time of the follow-up (09:00 by default); ``None``
    keeps the time the offset gives, e.g. two hours after the purchase. Years, months
    and days are calendar steps; hours and less are elapsed time (across a DST change
    too). Offsets are whole numbers, not negative, within the calendar.

    >>> FollowUp("after-sale", [relativedelta(days=3), relativedelta(months=1)]).offsets
    (relativedelta(days=+3), relativedelta(months=+1))
    """

    name: str
    offsets: tuple[relativedelta, ...] = attrs.field(converter=_offsets)
    channels: tuple[Channel, ...] = attrs.field(default=(Channel.PHONE,), converter=_channels)
    time_of_day: time | None = NINE_AM
    consent_purpose: str = attrs.field(default=_SERVICE, converter=_consent_purpose)

    def __attrs_post_init__(self) -> None:
        _name(self.name)
        if not self.offsets:
            raise ValidationError("offsets", "name at least one offset")
        _time_of_day("time_of_day", self.time_of_day, optional=True)

    @property
    def purpose(self) -> Purpose:
        """Always :attr:`Purpose.FOLLOW_UP`."""
        return Purpose.FOLLOW_UP


@attrs.frozen
class BirthdayGreeting:
    """Greet a person on their birthday (organisations have none and are skipped)."""

    name: str = "birthday"
    channels: tuple[Channel, ...] = attrs.field(default=(Channel.SMS,), converter=_channels)
    time_of_day: time = NINE_AM
    leap_day: LeapDay = LeapDay.FEBRUARY_28
    consent_purpose: str = attrs.field(default=_MARKETING, converter=_consent_purpose)

    def __attrs_post_init__(self) -> None:
        _name(self.name)
        _time_of_day("time_of_day", self.time_of_day)
        check_type("leap_day", self.leap_day, LeapDay)

    @property
    def purpose(self) -> Purpose:
        """Always :attr:`Purpose.BIRTHDAY`."""
        return Purpose.BIRTHDAY


@attrs.frozen
class Anniversary:
    """Greet on the yearly anniversary of the first purchase or of the relationship.

    The first greeting is one year after the day; 29 February is handled by ``leap_day``.
    """

    name: str
    of: AnniversaryOf = AnniversaryOf.RELATIONSHIP
    channels: tuple[Channel, ...] = attrs.field(default=(Channel.EMAIL,), converter=_channels)
    time_of_day: time = NINE_AM
    leap_day: LeapDay = LeapDay.FEBRUARY_28
    consent_purpose: str = attrs.field(default=_MARKETING, converter=_consent_purpose)

    def __attrs_post_init__(self) -> None:
        _name(self.name)
        check_type("of", self.of, AnniversaryOf)
        _time_of_day("time_of_day", self.time_of_day)
        check_type("leap_day", self.leap_day, LeapDay)

    @property
    def purpose(self) -> Purpose:
        """:attr:`Purpose.PURCHASE_ANNIVERSARY` or :attr:`Purpose.RELATIONSHIP_ANNIVERSARY`."""
        if self.of is AnniversaryOf.FIRST_PURCHASE:
            return Purpose.PURCHASE_ANNIVERSARY
        return Purpose.RELATIONSHIP_ANNIVERSARY


@attrs.frozen(order=True)
class Holiday:
    """One holiday date and its name."""

    date: date
    name: str

    def __attrs_post_init__(self) -> None:
        if isinstance(self.date, datetime) or not isinstance(self.date, date):
            raise ValidationError("date", f"expected a date, got {type(self.date).__name__}")
        object.__setattr__(self, "name", clean_text("name", self.name))


def _holidays(values: Iterable[Holiday]) -> tuple[Holiday, ...]:
    items = check_items("holidays", as_collection("holidays", values), Holiday)
    return tuple(sorted(set(items)))


@attrs.frozen
class HolidayGreeting:
    """Greet every reachable customer on holidays ("tặng quà nhân dịp lễ, Tết").

    Args:
        name: the rule's name.
        holidays: the dates and names; build from any mapping with :meth:`from_mapping`.
        channels: in order of preference.
        time_of_day: the local time of the greeting.
        merge_runs: treat consecutive dates as one occasion greeted on its first day
            (``holidays`` lists Tết as five days or more; one greeting is enough).
        consent_purpose: the purpose the greetings serve, marketing by default.
    """

    name: str = "holidays"
    holidays: tuple[Holiday, ...] = attrs.field(default=(), converter=_holidays)
    channels: tuple[Channel, ...] = attrs.field(default=(Channel.SMS,), converter=_channels)
    time_of_day: time = NINE_AM
    merge_runs: bool = True
    consent_purpose: str = attrs.field(default=_MARKETING, converter=_consent_purpose)

    def __attrs_post_init__(self) -> None:
        _name(self.name)
        _time_of_day("time_of_day", self.time_of_day)
        check_type("merge_runs", self.merge_runs, bool)
        dates = [h.date for h in self.holidays]
        if len(set(dates)) != len(dates):
            raise ValidationError("holidays", "a date appears twice; join the names instead")

    @classmethod
    def from_mapping(
        cls,
        holidays: Mapping[date, str],
        *,
        name: str = "holidays",
        channels: Iterable[Channel] = (Channel.SMS,),
        time_of_day: time = NINE_AM,
        merge_runs: bool = True,
        consent_purpose: StandardPurpose | str = StandardPurpose.MARKETING,
    ) -> HolidayGreeting:
        """Build from a mapping of dates to names, such as ``holidays.country_holidays``."""
        if not isinstance(holidays, Mapping):
            msg = f"expected a mapping of dates to names, got {type(holidays).__name__}"
            raise ValidationError("holidays", msg)
        items = []
        for day, label in holidays.items():
            try:
                items.append(Holiday(day, label))
            except ValidationError as error:
                raise error.at(f"holidays[{str(day)[:40]}]") from None
        return cls(name, tuple(items), channels, time_of_day, merge_runs, consent_purpose)

    def occasions(self) -> tuple[Holiday, ...]:
        """The holidays greeted: every date, or the first of each run with ``merge_runs``."""
        if not self.merge_runs:
            return self.holidays
        kept: list[Holiday] = []
        previous: date | None = None
        for holiday in self.holidays:
            if previous is None or holiday.date - previous != timedelta(days=1):
                kept.append(holiday)
            previous = holiday.date
        return tuple(kept)

    @property
    def purpose(self) -> Purpose:
        """Always :attr:`Purpose.HOLIDAY`."""
        return Purpose.HOLIDAY


_CALENDAR_FIELDS = ("years", "months", "days")


def _every(value: object) -> relativedelta:
    delta = check_offset("every", value)
    if any(getattr(delta, f) for f in ("hours", "minutes", "seconds", "microseconds")):
        raise ValidationError("every", "use whole days, weeks, months or years")
    if not any(getattr(delta, f) for f in _CALENDAR_FIELDS):
        raise ValidationError("every", "the interval must be at least one day")
    return delta


@attrs.frozen
class CheckIn:
    """Recurring check-ins for the customers of a segment ("giao tiếp thường xuyên").

    Check-ins fall every ``every`` after the day the customer entered the book, on the
    occasions where the segment's predicate holds at that moment. The predicate is not
    stored here (a plan is data): pass it when the plan runs, as
    ``segments={"vip": predicate}`` — a function ``(customer, as_of) -> bool`` or an object
    with ``evaluate(customer, *, as_of=...)``, such as a segmentation rule. A check-in is
    marketing by default (the privacy-safe reading of a call nobody asked for); an
    account manager's service call under a contract can say ``consent_purpose="service"``.

    >>> CheckIn("vip-monthly", segment="vip", every=relativedelta(months=1)).every
    relativedelta(months=+1)
    """

    name: str
    segment: str
    every: relativedelta = attrs.field(validator=lambda _, __, v: _every(v))
    channels: tuple[Channel, ...] = attrs.field(default=(Channel.PHONE,), converter=_channels)
    time_of_day: time = NINE_AM
    consent_purpose: str = attrs.field(default=_MARKETING, converter=_consent_purpose)

    def __attrs_post_init__(self) -> None:
        _name(self.name)
        object.__setattr__(self, "segment", clean_text("segment", self.segment, max_len=100))
        _time_of_day("time_of_day", self.time_of_day)

    @property
    def purpose(self) -> Purpose:
        """Always :attr:`Purpose.CHECK_IN`."""
        return Purpose.CHECK_IN

    def approx_days(self) -> float:
        """The interval's length in days on average (to find the first check-in quickly)."""
        e = self.every
        return e.years * 365.2425 + e.months * 30.436875 + e.days


CareRule = Union[FollowUp, BirthdayGreeting, Anniversary, HolidayGreeting, CheckIn]  # noqa: UP007
"""Any of the rules a :class:`~khachhang.care.CarePlan` combines."""

RULE_TYPES: tuple[type, ...] = (FollowUp, BirthdayGreeting, Anniversary, HolidayGreeting, CheckIn)


def check_rule(path: str, value: object) -> CareRule:
    """Return ``value`` if it is one of the care rules, else raise ``ValidationError``."""
    if isinstance(value, (FollowUp, BirthdayGreeting, Anniversary, HolidayGreeting, CheckIn)):
        return value
    names = ", ".join(t.__name__ for t in RULE_TYPES)
    raise ValidationError(path, f"expected a care rule ({names}), got {type(value).__name__}")
