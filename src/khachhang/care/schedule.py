"""The care plan: rules combined into a calendar of touchpoints.

A :class:`CarePlan` holds :mod:`care rules <khachhang.care.rules>`, quiet hours and an
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
>>> for item in plan.schedule([mai], start=datetime(2026, 2, 1, tzinfo=vn),
...                           end=datetime(2026, 3, 1, tzinfo=vn)):
...     print(item.describe("en"))
2026-02-28 09:00 c-1 SMS Birthday greeting (birthday)
dropped: 2026-02-28 09:00 c-1 SMS Holiday greeting (holidays: Ngày lễ): duplicate ...

What the plan guarantees, for any customers and window (property-tested):

- **sorted** by due time (then customer id, then rule order), and **inside** the window
  ``start <= due < end``;
- **reachable**: never on a channel where the customer has no contact point or has not
  consented (never given or withdrawn); each rule lists channels in order of preference
  and the first reachable one is used, otherwise the touchpoint is dropped with the
  reason for the preferred channel;
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

import bisect
import calendar
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
from dateutil.relativedelta import relativedelta

from khachhang._checks import (
    as_collection,
    check_items,
    check_type,
    clean_text,
    require_aware,
    shown,
)
from khachhang.care.channels import Channel, Reach, _reach
from khachhang.care.rules import (
    Anniversary,
    AnniversaryOf,
    BirthdayGreeting,
    CareRule,
    CheckIn,
    FollowUp,
    HolidayGreeting,
    LeapDay,
    Purpose,
    _on_anniversary,
    check_rule,
)
from khachhang.care.touchpoints import (
    _DAY,
    _FROM_REACH,
    DEFAULT_TZ,
    Cap,
    Drop,
    DropReason,
    QuietHours,
    Touchpoint,
)
from khachhang.customers import Customer
from khachhang.errors import ValidationError
from khachhang.parties import ContactPoint, Person

if TYPE_CHECKING:
    from khachhang.views._html import Printer

__all__ = ["Agenda", "CarePlan", "SegmentPredicate"]


SegmentPredicate = Union[Callable[[Customer, datetime], bool], Any]  # noqa: UP007
"""A function ``(customer, as_of) -> bool``, or an object with
``evaluate(customer, *, as_of=...)`` such as a segmentation rule."""


def _rules(values: Iterable[CareRule]) -> tuple[CareRule, ...]:
    items = as_collection("rules", values)
    return tuple(check_rule(f"rules[{i}]", v) for i, v in enumerate(items))


def _zone(tz: object) -> tzinfo:
    if isinstance(tz, tzinfo):
        try:  # a tzinfo must give offsets (the bare base class does not)
            ok = datetime(2000, 1, 1, tzinfo=timezone.utc).astimezone(tz).utcoffset() is not None
        except Exception:  # any failure of a foreign tzinfo means a bad argument
            ok = False
        if not ok:
            raise ValidationError("tz", f"{shown(tz)} does not give UTC offsets")
        return tz
    if not isinstance(tz, str):
        raise ValidationError("tz", f"expected a time zone name or tzinfo, got {shown(tz)}")
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America" is a folder
        raise ValidationError("tz", f"unknown time zone {shown(tz)}") from None


_FIXED_OFFSET = re.compile(r"UTC([+-])(\d\d):(\d\d)")


def _named_zone(name: str) -> tzinfo:
    """The zone an :class:`Agenda` names: an IANA name, or a fixed ``UTC+07:00``."""
    fixed = _FIXED_OFFSET.fullmatch(name)
    if fixed is not None:
        sign, hours, minutes = fixed.groups()
        offset = timedelta(hours=int(hours), minutes=int(minutes))
        if offset >= timedelta(hours=24):
            raise ValidationError("tz", f"offset out of range in {shown(name)}")
        return timezone(-offset if sign == "-" else offset)
    return _zone(name)


def _zone_name(tz: str | tzinfo) -> str:
    """A name :func:`_named_zone` reads back: the IANA key, or ``UTC±HH:MM``."""
    if isinstance(tz, str):
        return tz
    key = getattr(tz, "key", None)
    if isinstance(key, str):
        return key
    if isinstance(tz, timezone):
        return str(tz)  # "UTC" or "UTC+07:00"
    msg = f"an agenda needs a named zone (ZoneInfo) or a fixed offset, got {shown(tz)}"
    raise ValidationError("tz", msg)


def _predicate(path: str, value: object) -> Callable[[Customer, datetime], bool]:
    evaluate = getattr(value, "evaluate", None)
    if callable(evaluate):

        def by_rule(customer: Customer, as_of: datetime) -> bool:
            return evaluate(customer, as_of=as_of) is True

        return by_rule
    if callable(value):

        def by_function(customer: Customer, as_of: datetime) -> bool:
            return value(customer, as_of) is True

        return by_function
    raise ValidationError(
        path, f"expected a predicate or an object with evaluate, got {shown(value)}"
    )


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
    ) -> Iterator[Touchpoint | Drop]:
        """Every touchpoint and every drop in ``[start, end)``, in due-time order (lazy).

        Args:
            customers: the book; ids must be unique.
            start: the window's first instant (aware).
            end: the instant after the window (aware, not before ``start``).
            tz: the time zone of birthdays, holidays, quiet hours and periods.
            segments: a predicate for each segment a :class:`CheckIn` names.

        Raises:
            ValidationError: bad arguments, a duplicate customer id or a missing segment
                predicate — raised at the call, before anything is yielded.
        """
        run = _Run(self, customers, start, end, tz, segments, keep_drops=True)
        return run.stream()

    def touchpoints(
        self,
        customers: Iterable[Customer],
        *,
        start: datetime,
        end: datetime,
        tz: str | tzinfo = DEFAULT_TZ,
        segments: Mapping[str, SegmentPredicate] | None = None,
    ) -> Iterator[Touchpoint]:
        """The touchpoints of :meth:`schedule` without the drops (lazy, sorted)."""
        run = _Run(self, customers, start, end, tz, segments, keep_drops=False)
        return (item for item in run.stream() if isinstance(item, Touchpoint))

    def drops(
        self,
        customers: Iterable[Customer],
        *,
        start: datetime,
        end: datetime,
        tz: str | tzinfo = DEFAULT_TZ,
        segments: Mapping[str, SegmentPredicate] | None = None,
    ) -> Iterator[Drop]:
        """The drops of :meth:`schedule`: what was not planned, and why (lazy, sorted)."""
        run = _Run(self, customers, start, end, tz, segments, keep_drops=True)
        return (item for item in run.stream() if isinstance(item, Drop))

    def agenda(
        self,
        customers: Iterable[Customer],
        *,
        start: datetime,
        end: datetime,
        tz: str | tzinfo = DEFAULT_TZ,
        segments: Mapping[str, SegmentPredicate] | None = None,
    ) -> Agenda:
        """:meth:`schedule` collected into an :class:`Agenda`: a value a notebook shows
        as a calendar (held in memory: for long windows over large books, stream
        :meth:`schedule` instead).

        >>> from datetime import datetime, timezone
        >>> from khachhang import Customer, Person
        >>> from khachhang.parties import ContactChannel, ContactPoint
        >>> from khachhang.care import Channel, HolidayGreeting
        >>> sms = ContactPoint.phone("0901234567", consents=[ContactChannel.SMS])
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> an = Customer("c-1", Person("An", contacts=[sms]), created_at=t)
        >>> plan = CarePlan([HolidayGreeting.from_mapping({date(2026, 9, 2): "Quốc khánh"},
        ...                                               channels=[Channel.SMS])])
        >>> book = plan.agenda([an], start=datetime(2026, 9, 1, tzinfo=timezone.utc),
        ...                    end=datetime(2026, 10, 1, tzinfo=timezone.utc))
        >>> len(book.touchpoints), book.by_channel(), book.tz
        (1, {Channel.SMS: 1}, 'Asia/Ho_Chi_Minh')
        """
        touchpoints: list[Touchpoint] = []
        dropped: list[Drop] = []
        for item in self.schedule(customers, start=start, end=end, tz=tz, segments=segments):
            if isinstance(item, Drop):
                dropped.append(item)
            else:
                touchpoints.append(item)
        return Agenda(start, end, _zone_name(tz), tuple(touchpoints), tuple(dropped))

    # -- notebook view (khachhang.views) ------------------------------------------------
    def to_html(self, lang: str = "vi") -> str:
        """The plan's rules, quiet hours and cap: see :func:`khachhang.views.to_html`."""
        from khachhang.views._care import plan_html

        return plan_html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()


def _touchpoint_items(values: Iterable[Touchpoint]) -> tuple[Touchpoint, ...]:
    return check_items("touchpoints", as_collection("touchpoints", values), Touchpoint)


def _drop_items(values: Iterable[Drop]) -> tuple[Drop, ...]:
    return check_items("drops", as_collection("drops", values), Drop)


@attrs.frozen
class Agenda:
    """A care calendar: the touchpoints and drops of one plan over one window, as a value.

    :meth:`CarePlan.agenda` builds it; in a notebook it shows as a calendar table grouped
    by day (``_repr_html_``). It is a plain model (it round-trips through
    :mod:`khachhang.serde`); ``tz`` names the plan's time zone, in which the due times
    are written.

    Args:
        start: the window's first instant (aware).
        end: the instant after the window (aware, not before ``start``).
        tz: the time zone's name (e.g. ``"Asia/Ho_Chi_Minh"``).
        touchpoints: in due-time order, each due in ``[start, end)``.
        drops: what the plan refused, in due-time order, each due in ``[start, end)``.
    """

    start: datetime
    end: datetime
    tz: str = DEFAULT_TZ
    touchpoints: tuple[Touchpoint, ...] = attrs.field(default=(), converter=_touchpoint_items)
    drops: tuple[Drop, ...] = attrs.field(default=(), converter=_drop_items)

    def __attrs_post_init__(self) -> None:
        require_aware(self.start, "start")
        require_aware(self.end, "end")
        if self.end < self.start:
            raise ValidationError("end", "is before start")
        object.__setattr__(self, "tz", clean_text("tz", self.tz, max_len=64))
        _named_zone(self.tz)  # a zone we can read back, or ValidationError("tz", ...)
        groups: tuple[tuple[str, tuple[Touchpoint | Drop, ...]], ...] = (
            ("touchpoints", self.touchpoints),
            ("drops", self.drops),
        )
        for name, items in groups:
            for i, item in enumerate(items):
                if not self.start <= item.due < self.end:
                    raise ValidationError(f"{name}[{i}].due", "is outside [start, end)")
                if i and item.due < items[i - 1].due:
                    msg = f"is before {name}[{i - 1}].due (they are in due-time order)"
                    raise ValidationError(f"{name}[{i}].due", msg)

    def by_channel(self) -> dict[Channel, int]:
        """How many touchpoints each channel carries (channels with none left out).

        >>> t = datetime(2026, 9, 2, 2, tzinfo=timezone.utc)
        >>> tp = Touchpoint("c-1", t, Channel.SMS, Purpose.HOLIDAY, "holidays")
        >>> Agenda(t, t + timedelta(days=1), "UTC", [tp]).by_channel()
        {Channel.SMS: 1}
        """
        counts = Counter(t.channel for t in self.touchpoints)
        return {c: counts[c] for c in Channel if counts[c]}

    def by_reason(self) -> dict[DropReason, int]:
        """How many touchpoints were dropped for each reason (reasons with none left out).

        >>> t = datetime(2026, 9, 2, 2, tzinfo=timezone.utc)
        >>> tp = Touchpoint("c-1", t, Channel.SMS, Purpose.HOLIDAY, "holidays")
        >>> Agenda(t, t + timedelta(days=1), drops=[Drop(tp, DropReason.NO_CONSENT)]).by_reason()
        {DropReason.NO_CONSENT: 1}
        """
        counts = Counter(d.reason for d in self.drops)
        return {r: counts[r] for r in DropReason if counts[r]}

    def by_day(self) -> dict[date, tuple[Touchpoint, ...]]:
        """The touchpoints of each day in the agenda's zone ``tz``, in order.

        >>> t = datetime(2026, 9, 2, 2, tzinfo=timezone.utc)
        >>> tp = Touchpoint("c-1", t, Channel.SMS, Purpose.HOLIDAY, "holidays")
        >>> list(Agenda(t, t + timedelta(days=1), touchpoints=[tp]).by_day())
        [datetime.date(2026, 9, 2)]
        """
        zone = _named_zone(self.tz)
        days: dict[date, list[Touchpoint]] = {}
        for t in self.touchpoints:
            days.setdefault(t.due.astimezone(zone).date(), []).append(t)
        return {day: tuple(items) for day, items in sorted(days.items())}

    # -- notebook view (khachhang.views) ----------------------------------------------
    def to_html(self, lang: str = "vi", *, limit: int = 20) -> str:
        """The calendar by day and channel: see :func:`khachhang.views.to_html`."""
        from khachhang.views._care import agenda_html

        return agenda_html(self, lang, limit=limit)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_pretty_(self, p: Printer, cycle: bool) -> None:
        from khachhang.views._care import agenda_text

        p.text(agenda_text(self))


# --- the engine --------------------------------------------------------------------------


_UTC = timezone.utc
_FIRST = datetime(1, 1, 3, tzinfo=_UTC)
_LAST = datetime(9999, 12, 29, tzinfo=_UTC)
"""The instants a plan covers: a window reaching beyond is clipped to them (Python's
calendar runs from 0001-01-01 to 9999-12-31; the plan keeps two days of room on each side
for time zones and for touchpoints moved by the quiet hours)."""

_Offset = tuple[int, timedelta, timedelta]


def _fast_offset(offset: relativedelta) -> _Offset:
    """An offset as whole months, whole days (calendar) and an exact duration (hours and
    less) — what ``_shift`` adds, in that order; much faster than ``relativedelta``."""
    exact = timedelta(
        hours=offset.hours,
        minutes=offset.minutes,
        seconds=offset.seconds,
        microseconds=offset.microseconds,
    )
    return offset.years * 12 + offset.months, timedelta(days=offset.days), exact


def _shift(moment: datetime, months: int, days: timedelta, exact: timedelta) -> datetime | None:
    """``moment`` plus an offset; ``None`` past the calendar's end.

    Months and days are calendar arithmetic on the local wall clock (the 31st plus a
    month is the last day of the next month; a day later is the same local time, across
    a DST change too), then hours and less are exact elapsed time — as ``java.time`` and
    JavaScript's Temporal do. In a zone without DST this is ``moment + relativedelta``.

    >>> from datetime import datetime
    >>> from zoneinfo import ZoneInfo
    >>> _shift(datetime(2026, 1, 31, 9), 1, timedelta(days=1), timedelta())
    datetime.datetime(2026, 3, 1, 9, 0)
    >>> berlin = ZoneInfo("Europe/Berlin")  # clocks go forward at 02:00 on 29 March 2026
    >>> _shift(datetime(2026, 3, 29, 1, 30, tzinfo=berlin), 0, timedelta(), timedelta(hours=2))
    datetime.datetime(2026, 3, 29, 4, 30, tzinfo=zoneinfo.ZoneInfo(key='Europe/Berlin'))
    """
    try:
        if months:
            total = moment.month - 1 + months
            year = moment.year + total // 12
            month = total % 12 + 1
            day = min(moment.day, calendar.monthrange(year, month)[1])
            moment = moment.replace(year=year, month=month, day=day)
        if days:
            moment = moment + days
        if exact:
            zone = moment.tzinfo
            if zone is None or moment.utcoffset() is None:
                return moment + exact
            return (moment.astimezone(_UTC) + exact).astimezone(zone)
        return moment
    except (OverflowError, ValueError):
        return None


def _span(offsets: Iterable[relativedelta]) -> timedelta:
    """An upper bound of how far after a purchase the offsets reach."""
    days = max(o.years * 366 + o.months * 31 + o.days + 1 for o in offsets)
    return timedelta(days=min(days, 3_700_000)) + _DAY


def _clip(path: str, moment: datetime) -> datetime:
    """``moment`` as a UTC instant inside ``[_FIRST, _LAST]``."""
    require_aware(moment, path)
    if moment <= _FIRST:
        return _FIRST
    if moment >= _LAST:
        return _LAST
    return moment.astimezone(_UTC)


def _minus(moment: datetime, delta: timedelta) -> datetime:
    try:
        return moment - delta
    except OverflowError:
        return datetime.min.replace(tzinfo=moment.tzinfo)


def _plus(moment: datetime, delta: timedelta) -> datetime:
    try:
        return moment + delta
    except OverflowError:
        return datetime.max.replace(tzinfo=moment.tzinfo)


def _in(moment: datetime, zone: tzinfo | None, *, low: bool) -> datetime:
    """``moment`` in ``zone``; the calendar's first or last instant there if it overflows."""
    try:
        return moment.astimezone(zone)
    except OverflowError:
        edge = datetime.min if low else datetime.max  # noqa: DTZ901 (given a zone next)
        return edge.replace(tzinfo=zone)


# A candidate before the decisions: (due as a UTC instant, rule index, purpose, note, rule,
# due on the local wall clock). Order and the window are decided on the instant (local
# times repeat when clocks go back); dates, quiet hours and periods on the wall clock.
_Candidate = tuple[datetime, int, Purpose, str, CareRule, datetime]


class _Run:
    """One call of :meth:`CarePlan.schedule`: arguments checked eagerly, then streamed."""

    def __init__(
        self,
        plan: CarePlan,
        customers: Iterable[Customer],
        start: datetime,
        end: datetime,
        tz: object,
        segments: Mapping[str, SegmentPredicate] | None,
        *,
        keep_drops: bool,
    ) -> None:
        require_aware(start, "start")
        require_aware(end, "end")
        if end < start:
            raise ValidationError("end", f"{end.isoformat()} is before start")
        self.plan = plan
        self.zone = _zone(tz)
        self.start = _clip("start", start)
        self.end = _clip("end", end)
        self.customers = check_items("customers", as_collection("customers", customers), Customer)
        ids: set[str] = set()
        for i, customer in enumerate(self.customers):
            if customer.id in ids:
                raise ValidationError(f"customers[{i}].id", f"duplicate id {customer.id!r}")
            ids.add(customer.id)
        self.keep_drops = keep_drops
        self.predicates: dict[str, Callable[[Customer, datetime], bool]] = {}
        given = {} if segments is None else segments
        if not isinstance(given, Mapping):
            raise ValidationError("segments", "expected a mapping of segment names to predicates")
        for rule in plan.rules:
            if isinstance(rule, CheckIn):
                if rule.segment not in given:
                    msg = f"no predicate for segment {rule.segment!r} (rule {rule.name!r})"
                    raise ValidationError("segments", msg)
                path = f"segments[{rule.segment!r}]"
                self.predicates[rule.segment] = _predicate(path, given[rule.segment])
        self.quiet = plan.quiet_hours
        self.offsets = {
            i: (tuple(_fast_offset(o) for o in rule.offsets), _span(rule.offsets))
            for i, rule in enumerate(plan.rules)
            if isinstance(rule, FollowUp)
        }
        self.cap_state: dict[str, tuple[tuple[int, int], int]] = {}
        self.channels = [
            (tuple((c, _ORDINAL[c]) for c in rule.channels), rule.purpose.is_greeting)
            for rule in plan.rules
        ]
        # Per slice: the exact bounds (UTC instants) and, on the local wall clock, the
        # loose bounds raw occasions are first filtered by (a day of room either side:
        # quiet hours move an occasion by less than a day, and local times repeat or
        # vanish around DST changes).
        self.lo = self.hi = self.start
        self.raw_lo = self.raw_hi = self.start.astimezone(self.zone)

    def _place(self, raw: datetime) -> tuple[datetime, datetime] | None:
        """The instant and settled local time of an occasion at local wall time ``raw``,
        after the quiet hours; ``None`` if it falls outside the slice.

        A local time that does not exist (clocks going forward) is moved forward by the
        gap, 02:30 becoming 03:30; a repeated one (clocks going back) is its first
        occurrence — what ``zoneinfo`` and ``java.time`` do.
        """
        zone = self.zone
        utc = raw.astimezone(_UTC)
        local = utc.astimezone(zone)
        quiet = self.quiet
        if quiet is not None and quiet.contains(at=local.time()):
            local = quiet.move(at=local)
            utc = local.astimezone(_UTC)
        if self.lo <= utc < self.hi:
            return utc, local
        return None

    def _slices(self) -> Iterator[tuple[datetime, datetime]]:
        """The window cut at local midnights on the first of each month (UTC instants)."""
        lo = self.start
        zone = self.zone
        while lo < self.end:
            local = lo.astimezone(zone)
            if local.year == 9999 and local.month == 12:
                hi = self.end
            else:
                first = date(local.year, local.month, 1) + relativedelta(months=1)
                midnight = datetime.combine(first, time(), tzinfo=zone).astimezone(_UTC)
                hi = min(self.end, midnight)
            yield lo, hi
            lo = hi

    def stream(self) -> Iterator[Touchpoint | Drop]:
        zone = self.zone
        for lo, hi in self._slices():
            self.lo, self.hi = lo, hi
            self.raw_lo = lo.astimezone(zone) - _DAY
            self.raw_hi = hi.astimezone(zone) + _DAY
            items: list[tuple[datetime, str, int, str, Touchpoint | Drop]] = []
            holidays = self._holidays()
            self.bounds: dict[tuple[int, int], tuple[Any, datetime, datetime]] = {}
            for customer in self.customers:
                self._decide(customer, self._candidates(customer, holidays), items)
            items.sort(key=lambda item: item[:4])
            for item in items:
                yield item[4]

    # -- candidates ------------------------------------------------------------------------
    def _holidays(self) -> list[_Candidate]:
        """This slice's holiday greetings (the same for every customer)."""
        raw_lo, raw_hi = self.raw_lo, self.raw_hi
        found: list[_Candidate] = []
        for index, rule in enumerate(self.plan.rules):
            if not isinstance(rule, HolidayGreeting):
                continue
            occasions = rule.occasions()
            first = bisect.bisect_left([h.date for h in occasions], raw_lo.date())
            for holiday in occasions[first:]:
                raw = datetime.combine(holiday.date, rule.time_of_day, tzinfo=self.zone)
                if raw >= raw_hi:
                    break
                placed = self._place(raw)
                if placed is not None:
                    utc, local = placed
                    found.append((utc, index, Purpose.HOLIDAY, holiday.name, rule, local))
        return found

    def _yearly(
        self, anchor: date, when: time, leap: LeapDay
    ) -> list[tuple[datetime, datetime, int]]:
        """Anniversaries of ``anchor`` (years after it) due in the slice, with their number."""
        raw_lo, raw_hi = self.raw_lo, self.raw_hi
        found = []
        for year in range(max(raw_lo.year, anchor.year + 1), raw_hi.year + 1):
            day = _on_anniversary(anchor, year, leap)
            if not raw_lo.date() <= day <= raw_hi.date():
                continue
            placed = self._place(datetime.combine(day, when, tzinfo=self.zone))
            if placed is not None:
                found.append((placed[0], placed[1], year - anchor.year))
        return found

    def _candidates(self, customer: Customer, holidays: list[_Candidate]) -> list[_Candidate]:
        found: list[_Candidate] = list(holidays)
        zone = self.zone
        for index, rule in enumerate(self.plan.rules):
            if isinstance(rule, FollowUp):
                self._follow_ups(customer, index, rule, found)
            elif isinstance(rule, BirthdayGreeting):
                party = customer.party
                if isinstance(party, Person) and party.birth_date is not None:
                    when, leap = rule.time_of_day, rule.leap_day
                    for utc, local, _ in self._yearly(party.birth_date, when, leap):
                        found.append((utc, index, Purpose.BIRTHDAY, "", rule, local))
            elif isinstance(rule, Anniversary):
                since: datetime | None = customer.created_at
                if rule.of is AnniversaryOf.FIRST_PURCHASE:
                    since = customer.first_purchase_at
                anchor = None if since is None else _local_date(since, zone)
                if anchor is not None:
                    for utc, local, years in self._yearly(anchor, rule.time_of_day, rule.leap_day):
                        found.append((utc, index, rule.purpose, str(years), rule, local))
            elif isinstance(rule, CheckIn):
                self._check_ins(customer, index, rule, found)
        found.sort(key=lambda c: (c[0], c[1], c[3]))
        return found

    def _follow_ups(
        self, customer: Customer, index: int, rule: FollowUp, found: list[_Candidate]
    ) -> None:
        offsets, span = self.offsets[index]
        zone = self.zone
        raw_lo, raw_hi = self.raw_lo, self.raw_hi
        when = rule.time_of_day
        for purchase in customer.purchases:
            at = purchase.at
            # Compare in the purchase's own tzinfo object: CPython compares two datetimes
            # sharing one tzinfo without asking it for offsets (fast). The bounds have a
            # day of room, so comparing wall clocks is safe around DST changes.
            key = (index, id(at.tzinfo))
            bounds = self.bounds.get(key)
            if bounds is None:
                tz_of = at.tzinfo
                low = _in(_minus(self.lo, span + _DAY), tz_of, low=True)
                high = _in(_plus(self.hi, _DAY), tz_of, low=False)
                bounds = (tz_of, low, high)
                self.bounds[key] = bounds
            if at >= bounds[2]:
                break
            if at < bounds[1]:
                continue
            try:
                base = at.astimezone(zone)
            except OverflowError:  # a purchase the zone's calendar cannot show (year 1)
                continue
            for months, days, exact in offsets:
                raw = _shift(base, months, days, exact)
                if raw is None:
                    continue
                if when is not None:
                    raw = datetime.combine(raw.date(), when, tzinfo=zone)
                if raw_lo <= raw < raw_hi:
                    placed = self._place(raw)
                    if placed is not None:
                        utc, local = placed
                        found.append((utc, index, Purpose.FOLLOW_UP, purchase.id, rule, local))

    def _check_ins(
        self, customer: Customer, index: int, rule: CheckIn, found: list[_Candidate]
    ) -> None:
        anchor = _local_date(customer.created_at, self.zone)
        if anchor is None:
            return
        raw_lo, raw_hi = self.raw_lo, self.raw_hi
        step = max(1, int((raw_lo.date() - anchor).days / rule.approx_days()) - 2)
        predicate = self.predicates[rule.segment]
        try:
            while step > 1 and anchor + rule.every * step >= raw_lo.date():
                step -= 1
            while True:
                day = anchor + rule.every * step
                raw = datetime.combine(day, rule.time_of_day, tzinfo=self.zone)
                if raw >= raw_hi:
                    return
                step += 1
                if raw < raw_lo:
                    continue
                placed = self._place(raw)
                if placed is not None and predicate(customer, placed[1]):
                    found.append((placed[0], index, Purpose.CHECK_IN, "", rule, placed[1]))
        except (OverflowError, ValueError):  # the next check-in is past the year 9999
            return

    # -- decisions -------------------------------------------------------------------------
    def _decide(
        self,
        customer: Customer,
        candidates: list[_Candidate],
        out: list[tuple[datetime, str, int, str, Touchpoint | Drop]],
    ) -> None:
        if not candidates:
            return
        contacts: tuple[ContactPoint, ...] = customer.party.contacts
        reach: list[Reach | None] = [None] * len(_ORDINAL)
        seen: set[tuple[date, int]] = set()
        cap = self.plan.cap
        cid = customer.id
        for utc, index, purpose, note, rule, due in candidates:
            options, greeting = self.channels[index]
            channel: Channel | None = None
            refused: list[Reach] = []
            for option, ordinal in options:
                status = reach[ordinal]
                if status is None:
                    status = reach[ordinal] = _reach(contacts, option)
                if status is Reach.REACHABLE:
                    channel = option
                    break
                refused.append(status)
            key = (due.date(), -1 if greeting else index)
            dropped: DropReason | None = None
            detail = ""
            if channel is None:
                dropped = _FROM_REACH[refused[0]]
                if self.keep_drops:
                    others = zip(options[1:], refused[1:], strict=True)
                    detail = "; ".join(f"{c.value}: {r.value}" for (c, _), r in others)
            elif key in seen:
                dropped = DropReason.DUPLICATE
            elif cap is not None:
                period = cap.period.key(due.date())
                held = self.cap_state.get(cid)
                count = held[1] if held is not None and held[0] == period else 0
                if count >= cap.limit:
                    dropped = DropReason.CAP_REACHED
                    detail = f"{cap.limit}/{cap.period.value}"
                else:
                    self.cap_state[cid] = (period, count + 1)
            if dropped is None and channel is not None:
                seen.add(key)
                touchpoint = _touchpoint(cid, due, channel, purpose, rule.name, note)
                out.append((utc, cid, index, note, touchpoint))
            elif self.keep_drops and dropped is not None:
                shown_channel = channel if channel is not None else options[0][0]
                touchpoint = _touchpoint(cid, due, shown_channel, purpose, rule.name, note)
                out.append((utc, cid, index, note, Drop(touchpoint, dropped, detail)))


def _local_date(moment: datetime, zone: tzinfo) -> date | None:
    """The date of ``moment`` in ``zone``; ``None`` if the calendar cannot show it there."""
    try:
        return moment.astimezone(zone).date()
    except OverflowError:
        return None


_ORDINAL = {channel: i for i, channel in enumerate(Channel)}
_set = object.__setattr__


def _touchpoint(
    customer_id: str, due: datetime, channel: Channel, purpose: Purpose, source: str, note: str
) -> Touchpoint:
    """A touchpoint from parts the plan already validated (skips the checks: it runs per
    touchpoint, millions of times a year for a large book)."""
    touchpoint: Touchpoint = object.__new__(Touchpoint)
    _set(touchpoint, "customer_id", customer_id)
    _set(touchpoint, "due", due)
    _set(touchpoint, "channel", channel)
    _set(touchpoint, "purpose", purpose)
    _set(touchpoint, "source", source)
    _set(touchpoint, "note", note)
    return touchpoint
