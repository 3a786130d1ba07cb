"""The care plan: rules combined into a calendar of touchpoints.

A :class:`CarePlan` holds :mod:`care rules <khachhang.care.planning.rules>`, quiet hours and an
optional per-customer :class:`Cap`. :meth:`CarePlan.schedule` walks a window and yields,
in time order, every :class:`Touchpoint` to make and every :class:`Drop` — a touchpoint
the plan refused, with the reason. The application does the sending.

>>> from datetime import date, datetime
>>> from zoneinfo import ZoneInfo
>>> from khachhang import Customer, Person
>>> from khachhang.parties import ContactChannel, ContactPoint
>>> from khachhang.care import BirthdayGreeting, Channel, HolidayGreeting
>>> vn = ZoneInfo("Asia/Ho_Chi_Minh")
>>> sms = ContactPoint.phone("0901234567", consents=[ContactChannel.SMS])
>>> mai = Customer("c-1", Person("Trần Thị Mai", birth_date=date(2004, 2, 29),
...                contacts=[sms]), created_at=datetime(2025, 1, 1, tzinfo=vn))
>>> plan = CarePlan([BirthdayGreeting(channels=[Channel.SMS]),
...                  HolidayGreeting.from_mapping({date(2026, 2, 28): "Ngày lễ"},
...                                               channels=[Channel.EMAIL, Channel.SMS])])
>>> feb = {"start": datetime(2026, 2, 1, tzinfo=vn), "end": datetime(2026, 3, 1, tzinfo=vn)}
>>> for item in plan.schedule([mai], **feb):
...     print(item.describe("en"))
dropped: 2026-02-28 09:00 c-1 SMS Birthday greeting (birthday): No consent to this purpose ...
dropped: 2026-02-28 09:00 c-1 Email Holiday greeting (holidays: Ngày lễ): No contact point ...

Greetings are marketing: the channel consent on Mai's phone counts for care and service
only, so they need her consent to marketing, from her consent ledger:

>>> from khachhang.privacy import ConsentLedger, ConsentSource
>>> ledger = ConsentLedger("c-1").grant("marketing", ContactChannel.SMS,
...     at=datetime(2025, 1, 1, tzinfo=vn), source=ConsentSource.FORM, proof="form-12")
>>> for item in plan.schedule([mai], **feb, consent={"c-1": ledger}):
...     print(item.describe("en"))
2026-02-28 09:00 c-1 SMS Birthday greeting (birthday)
dropped: 2026-02-28 09:00 c-1 SMS Holiday greeting (holidays: Ngày lễ): Duplicate ...

What the plan guarantees, for any customers and window (property-tested):

- **sorted** by due time (then customer id, then rule order), and **inside** the window
  ``start <= due < end``;
- **reachable**: never on a channel where the customer has no contact point or has not
  consented (never given or withdrawn); each rule lists channels in order of preference
  and the first reachable one is used, otherwise the touchpoint is dropped with the
  reason for the preferred channel;
- **consented to its purpose**: each rule names the purpose of processing its
  touchpoints serve (``consent_purpose``: follow-ups are care and service, greetings and
  check-ins marketing); a channel is used only if the customer consents to that purpose
  on it at the touchpoint's due time, in the customer's consent ledger (``consent=``, by
  customer id). A channel consent on a contact point names no purpose and counts for care
  and service only; the ledger's events override it. Otherwise the touchpoint is dropped
  with ``DropReason.NO_PURPOSE_CONSENT`` (consented on the channel, not for this purpose)
  or ``NO_CONSENT``;
- **one greeting per customer per day** (birthday, anniversaries, holidays), and one
  touchpoint per rule per customer per day (two purchases on one day get one follow-up);
  the first in time order, then in rule order, wins;
- **quiet hours**: a touchpoint falling in the quiet hours (21:00–08:00 by default, local
  time) is moved to the end of the quiet hours — the next allowed time — before anything
  else is decided, so it may move into the next day or out of the window (windows tile: a
  touchpoint moved past ``end`` belongs to the next window);
- **the cap**: at most ``cap.limit`` touchpoints per customer per calendar period (day,
  ISO week, month, quarter, year, in the plan's time zone), counted within the window,
  first come first served.

Time zones with daylight saving time (say ``tz="Europe/Berlin"``): order and the window
are decided on real instants, dates, quiet hours and periods on the local wall clock. A
local time that does not exist (clocks going forward) is moved forward by the gap — a
greeting at 02:30 is made at 03:30 — and one that occurs twice (clocks going back) is its
first occurrence, as in ``zoneinfo`` and ``java.time``; quiet hours never move a
touchpoint back in time. Offsets after a purchase add months and days on the calendar,
then hours and less as elapsed time (two hours after a purchase are two real hours).

The calendar's ends: Python's dates run from the year 1 to 9999. A window reaching
beyond 0001-01-03 or 9999-12-29 (UTC) is clipped there, so ``end=datetime.max`` (made
aware) means "no end"; occasions that would fall past the year 9999 are not planned.

It streams: the window is cut into calendar months and only one month's touchpoints are
held at a time, so a year for 100,000 customers never builds one giant list (the
customers themselves are read once into a tuple, since each month passes over them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, tzinfo
from typing import Any, Union

import attrs

from khachhang._checks import as_collection, check_type
from khachhang.care.planning._engine import Run
from khachhang.care.planning._zones import zone_name
from khachhang.care.planning.agenda import Agenda
from khachhang.care.planning.rules import CareRule, check_rule
from khachhang.care.planning.touchpoints import DEFAULT_TZ, Cap, Drop, QuietHours, Touchpoint
from khachhang.customers import Customer
from khachhang.errors import ValidationError
from khachhang.privacy.consent import ConsentLedger

__all__ = ["CarePlan", "SegmentPredicate"]


SegmentPredicate = Union[Callable[[Customer, datetime], bool], Any]  # noqa: UP007
"""A function ``(customer, as_of) -> bool``, or an object with
``evaluate(customer, *, as_of=...)`` such as a segmentation rule."""


def _rules(values: Iterable[CareRule]) -> tuple[CareRule, ...]:
    items = as_collection("rules", values)
    return tuple(check_rule(f"rules[{i}]", v) for i, v in enumerate(items))


@attrs.frozen
class CarePlan:
    """Care rules, quiet hours and a cap; see the module documentation for the guarantees.

    Args:
        rules: the rules, in priority order (earlier wins a tie); names unique.
        quiet_hours: local hours with no contact; ``None`` for none.
        cap: at most so many touchpoints per customer per period; ``None`` for no cap.
    """

    rules: tuple[CareRule, ...] = attrs.field(converter=_rules)
    quiet_hours: QuietHours | None = attrs.field(factory=QuietHours)
    cap: Cap | None = None

    def __attrs_post_init__(self) -> None:
        seen: dict[str, int] = {}
        for i, rule in enumerate(self.rules):
            if rule.name in seen:
                raise ValidationError(f"rules[{i}].name", f"duplicates rules[{seen[rule.name]}]")
            seen[rule.name] = i
        if self.quiet_hours is not None:
            check_type("quiet_hours", self.quiet_hours, QuietHours)
        if self.cap is not None:
            check_type("cap", self.cap, Cap)

    # -- public entry points -----------------------------------------------------------
    def schedule(
        self,
        customers: Iterable[Customer],
        *,
        start: datetime,
        end: datetime,
        tz: str | tzinfo = DEFAULT_TZ,
        segments: Mapping[str, SegmentPredicate] | None = None,
        consent: Mapping[str, ConsentLedger] | None = None,
    ) -> Iterator[Touchpoint | Drop]:
        """Every touchpoint and every drop in ``[start, end)``, in due-time order (lazy).

        Args:
            customers: the book; ids must be unique.
            start: the window's first instant (aware).
            end: the instant after the window (aware, not before ``start``).
            tz: the time zone of birthdays, holidays, quiet hours and periods.
            segments: a predicate for each segment a :class:`CheckIn` names.
            consent: the consent ledgers of the customers, by customer id (a customer
                without one has only the channel consents of its contact points, which
                count for care and service).

        Raises:
            ValidationError: bad arguments, a duplicate customer id or a missing segment
                predicate — raised at the call, before anything is yielded.
        """
        run = Run(self, customers, start, end, tz, segments, keep_drops=True, consent=consent)
        return run.stream()

    def touchpoints(
        self,
        customers: Iterable[Customer],
        *,
        start: datetime,
        end: datetime,
        tz: str | tzinfo = DEFAULT_TZ,
        segments: Mapping[str, SegmentPredicate] | None = None,
        consent: Mapping[str, ConsentLedger] | None = None,
    ) -> Iterator[Touchpoint]:
        """The touchpoints of :meth:`schedule` without the drops (lazy, sorted)."""
        run = Run(self, customers, start, end, tz, segments, keep_drops=False, consent=consent)
        return (item for item in run.stream() if isinstance(item, Touchpoint))

    def drops(
        self,
        customers: Iterable[Customer],
        *,
        start: datetime,
        end: datetime,
        tz: str | tzinfo = DEFAULT_TZ,
        segments: Mapping[str, SegmentPredicate] | None = None,
        consent: Mapping[str, ConsentLedger] | None = None,
    ) -> Iterator[Drop]:
        """The drops of :meth:`schedule`: what was not planned, and why (lazy, sorted)."""
        run = Run(self, customers, start, end, tz, segments, keep_drops=True, consent=consent)
        return (item for item in run.stream() if isinstance(item, Drop))

    def agenda(
        self,
        customers: Iterable[Customer],
        *,
        start: datetime,
        end: datetime,
        tz: str | tzinfo = DEFAULT_TZ,
        segments: Mapping[str, SegmentPredicate] | None = None,
        consent: Mapping[str, ConsentLedger] | None = None,
    ) -> Agenda:
        """:meth:`schedule` collected into an :class:`Agenda`: a value a notebook shows
        as a calendar (held in memory: for long windows over large books, stream
        :meth:`schedule` instead).

        >>> from datetime import date, datetime, timezone
        >>> from khachhang import Customer, Person
        >>> from khachhang.parties import ContactChannel, ContactPoint
        >>> from khachhang.care import Channel, HolidayGreeting
        >>> sms = ContactPoint.phone("0901234567", consents=[ContactChannel.SMS])
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> an = Customer("c-1", Person("An", contacts=[sms]), created_at=t)
        >>> plan = CarePlan([HolidayGreeting.from_mapping({date(2026, 9, 2): "Quốc khánh"},
        ...                                               channels=[Channel.SMS])])
        >>> from khachhang.privacy import ConsentLedger
        >>> ledger = ConsentLedger("c-1").grant("marketing", at=t)  # on every channel
        >>> book = plan.agenda([an], start=datetime(2026, 9, 1, tzinfo=timezone.utc),
        ...                    end=datetime(2026, 10, 1, tzinfo=timezone.utc),
        ...                    consent={"c-1": ledger})
        >>> len(book.touchpoints), book.by_channel(), book.tz
        (1, {Channel.SMS: 1}, 'Asia/Ho_Chi_Minh')
        """
        name = zone_name(tz)  # refused before the schedule is run, not after
        touchpoints: list[Touchpoint] = []
        dropped: list[Drop] = []
        schedule = self.schedule(
            customers, start=start, end=end, tz=tz, segments=segments, consent=consent
        )
        for item in schedule:
            if isinstance(item, Drop):
                dropped.append(item)
            else:
                touchpoints.append(item)
        return Agenda(start, end, name, tuple(touchpoints), tuple(dropped))

    # -- notebook view (khachhang.views) ------------------------------------------------
    def to_html(self, lang: str = "vi") -> str:
        """The plan's rules, quiet hours and cap: see :func:`khachhang.views.to_html`."""
        from khachhang.views._care import plan_html

        return plan_html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()
