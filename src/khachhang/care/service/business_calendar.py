"""Business hours: working days, opening hours, a lunch break, holidays and a time zone.

A :class:`BusinessCalendar` answers one question for the complaint clock: how much
*working* time lies between two instants. A Vietnamese office typically works 08:00–17:00
with a lunch break 12:00–13:00, Monday to Friday (or Monday to Saturday), and closes for
Tết and the national holidays:

>>> from datetime import date, datetime, timedelta
>>> from zoneinfo import ZoneInfo
>>> ICT = ZoneInfo("Asia/Ho_Chi_Minh")
>>> cal = BusinessCalendar(holidays={date(2026, 2, 17): "Tết Nguyên Đán"})
>>> friday_4pm = datetime(2026, 1, 9, 16, tzinfo=ICT)
>>> monday_9am = datetime(2026, 1, 12, 9, tzinfo=ICT)
>>> cal.business_time(friday_4pm, monday_9am)
datetime.timedelta(seconds=7200)
>>> cal.is_open(at=datetime(2026, 1, 12, 12, 30, tzinfo=ICT))  # lunch
False
>>> cal.add(friday_4pm, timedelta(hours=2)).astimezone(ICT).isoformat()
'2026-01-12T09:00:00+07:00'

Any mapping of dates to names works as the holiday list, e.g.
``holidays.country_holidays("VN", years=2026)`` (the optional ``holidays`` package; pass
``years=``, it fills years lazily). Working days are ISO weekday numbers (Monday = 1).
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timedelta, timezone
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from khachhang._checks import as_collection, check_type, clean_text, require_aware, shown
from khachhang.errors import ValidationError

__all__ = ["MON_FRI", "MON_SAT", "BusinessCalendar"]

MON_FRI: frozenset[int] = frozenset({1, 2, 3, 4, 5})
"""Monday to Friday, as ISO weekday numbers."""

MON_SAT: frozenset[int] = frozenset({1, 2, 3, 4, 5, 6})
"""Monday to Saturday, as ISO weekday numbers (many Vietnamese shops and banks)."""

_UTC = timezone.utc
_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)
# How far add() looks for working time before giving up: a calendar whose holidays
# cover years on end has no deadline worth computing.
_MAX_DAYS = 366 * 20
# Bounds on the per-calendar memo: the span of the running totals (one timedelta per
# day, ~0.8 MB at most), and how many days of segments are kept before the memo of
# segments is emptied and starts again (~1.5 MB at most).
_MEMO_DAYS = 366 * 40
_MEMO_SEGMENT_DAYS = 4096
# Instants the calendar accepts: a day of margin inside datetime's range, so that
# local dates, day boundaries and walks never overflow in any zone.
_EARLIEST = datetime(1, 1, 3, tzinfo=_UTC)
_LATEST = datetime(9999, 12, 29, tzinfo=_UTC)

Segment = tuple[datetime, datetime]


@functools.lru_cache(maxsize=64)
def _zone(key: str) -> ZoneInfo:
    return ZoneInfo(key)


def _check_zone(value: object) -> str:
    key = check_type("tz", value, str)
    try:
        _zone(key)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise ValidationError("tz", f"unknown time zone {shown(key)}") from None
    return key


def utc_instant(value: object, path: str) -> datetime:
    """An aware datetime in UTC, refused (``ValidationError``) near datetime's limits."""
    try:
        when = require_aware(value, path).astimezone(_UTC)
    except OverflowError:
        when = _LATEST + _ONE_DAY
    if not _EARLIEST <= when <= _LATEST:
        msg = "too close to the limits of datetime (years 1 and 9999)"
        raise ValidationError(path, msg)
    return when


def _date(value: object, path: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(path, f"expected a date, got {type(value).__name__}")
    return value


def _weekdays(values: object) -> frozenset[int]:
    days: set[int] = set()
    for day in as_collection("workdays", values):  # before a set merges True into 1
        if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 7:
            msg = f"expected ISO weekday numbers 1 (Monday) to 7 (Sunday), got {shown(day)}"
            raise ValidationError("workdays", msg)
        days.add(day)
    if not days:
        raise ValidationError("workdays", "a business calendar needs at least one working day")
    return frozenset(days)


def _holidays(values: object) -> Mapping[date, str]:
    if not isinstance(values, Mapping):
        msg = f"expected a mapping of dates to names, got {type(values).__name__}"
        raise ValidationError("holidays", msg)
    cleaned: dict[date, str] = {}
    for day, name in values.items():
        if isinstance(day, datetime) or not isinstance(day, date):
            msg = f"holiday keys are dates, got {type(day).__name__}"
            raise ValidationError("holidays", msg)
        cleaned[day] = clean_text(f"holidays[{day.isoformat()}]", name)
    return MappingProxyType(dict(sorted(cleaned.items())))


# Shared by calendars with the same hours (e.g. one loaded per request): ~3 MB at most.
@functools.lru_cache(maxsize=8192)
def _day_segments(
    day: date,
    tz: str,
    opens: time,
    closes: time,
    lunch_start: time | None,
    lunch_end: time | None,
) -> tuple[Segment, ...]:
    zone = _zone(tz)
    bounds = [(opens, closes)]
    if lunch_start is not None and lunch_end is not None:
        bounds = [(opens, lunch_start), (lunch_end, closes)]
    out = []
    for a, b in bounds:
        start = datetime.combine(day, a, tzinfo=zone).astimezone(_UTC)
        end = datetime.combine(day, b, tzinfo=zone).astimezone(_UTC)
        if end > start:
            out.append((start, end))
    return tuple(out)


class _Memo:
    """Per-calendar cache: segments by date, and running totals of working time.

    ``run`` is replaced whole, never mutated, so threads sharing a calendar always read a
    consistent ``(anchor, totals)`` pair: ``totals[i]`` is the working time from the day
    with ordinal ``anchor`` up to the day ``anchor + i``. ``days`` is a plain dict whose
    single-key reads and writes are atomic; when it reaches its bound it is emptied.
    """

    __slots__ = ("days", "run")

    def __init__(self) -> None:
        self.days: dict[date, tuple[Segment, ...]] = {}
        self.run: tuple[int, tuple[timedelta, ...]] = (0, ())


class _Ruler:
    """Working-time *positions* of instants within one snapshot of the running totals.

    ``pos(t)`` is the working time from the snapshot's anchor day to ``t`` (UTC), so the
    working time between two instants is a difference of positions, and ``at(p)`` is
    the inverse: the earliest instant, inside a working segment, at position ``p``.
    """

    __slots__ = ("anchor", "calendar", "totals", "zone")

    def __init__(
        self, calendar: BusinessCalendar, anchor: int, totals: tuple[timedelta, ...]
    ) -> None:
        self.calendar = calendar
        self.anchor = anchor
        self.totals = totals
        self.zone = calendar.zone

    def pos(self, *, at: datetime) -> timedelta:
        day = at.astimezone(self.zone).date()
        total = self.totals[day.toordinal() - self.anchor]
        for a, b in self.calendar._segments(day):
            if b <= at:
                total += b - a
            elif a < at:
                total += at - a
        return total

    def at(self, position: timedelta) -> datetime:
        i = bisect_right(self.totals, position) - 1
        left = position - self.totals[i]
        for a, b in self.calendar._segments(date.fromordinal(self.anchor + i)):
            if left < b - a:
                return a + left
            left -= b - a
        raise AssertionError("position beyond the snapshot")  # pragma: no cover


class _SlowRuler:
    """The same answers for spans too long to memoise: positions from ``origin``."""

    __slots__ = ("calendar", "end", "origin")

    def __init__(self, calendar: BusinessCalendar, origin: datetime, end: datetime) -> None:
        self.calendar, self.origin, self.end = calendar, origin, end

    def pos(self, *, at: datetime) -> timedelta:
        return self.calendar.business_time(self.origin, at)

    def at(self, position: timedelta) -> datetime:
        found = self.calendar.passes(self.origin, self.end + _ONE_DAY, position)
        if found is None:  # pragma: no cover - callers ask only for positions inside
            raise AssertionError("position beyond the span")
        return found


@attrs.frozen
class BusinessCalendar:
    """When the business works: days, hours, lunch, holidays, in one time zone.

    Args:
        tz: an IANA zone name (``zoneinfo``), ``Asia/Ho_Chi_Minh`` by default.
        workdays: ISO weekday numbers (1 = Monday); :data:`MON_FRI` by default.
        opens, closes: local opening and closing times (08:00–17:00 by default).
        lunch_start, lunch_end: the lunch break (12:00–13:00), or both ``None``.
        holidays: a mapping of dates to holiday names; no work on those dates.

    Raises:
        ValidationError: an unknown zone, an empty week, closing before opening, a lunch
            break outside opening hours, a holiday key that is not a date.

    Instants passed to the methods must be timezone-aware and at least a day inside
    ``datetime``'s range (years 1 to 9999); others are a ``ValidationError``.
    """

    tz: str = attrs.field(default="Asia/Ho_Chi_Minh", converter=_check_zone)
    workdays: frozenset[int] = attrs.field(default=MON_FRI, converter=_weekdays)
    opens: time = time(8, 0)
    closes: time = time(17, 0)
    lunch_start: time | None = time(12, 0)
    lunch_end: time | None = time(13, 0)
    holidays: Mapping[date, str] = attrs.field(
        factory=lambda: MappingProxyType({}), converter=_holidays, hash=False
    )
    # A memo of derived facts (each day's segments, running totals of working time), so
    # long spans cost O(1); not part of the value (no eq, hash, repr, pickle or
    # serialisation: a copy starts with an empty memo).
    _memo: _Memo = attrs.field(
        init=False, factory=lambda: _Memo(), eq=False, hash=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        for name in ("opens", "closes"):
            value = check_type(name, getattr(self, name), time)
            if value.tzinfo is not None:
                raise ValidationError(name, "a local wall-clock time, without tzinfo")
        if self.closes <= self.opens:
            raise ValidationError("closes", f"{self.closes} is not after opening {self.opens}")
        if (self.lunch_start is None) != (self.lunch_end is None):
            raise ValidationError("lunch_end", "give both ends of the lunch break or neither")
        if self.lunch_start is not None and self.lunch_end is not None:
            start = check_type("lunch_start", self.lunch_start, time)
            end = check_type("lunch_end", self.lunch_end, time)
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValidationError("lunch_start", "a local wall-clock time, without tzinfo")
            if not self.opens < start < end < self.closes:
                msg = f"lunch {start}–{end} must lie strictly inside {self.opens}–{self.closes}"
                raise ValidationError("lunch_start", msg)

    def __reduce__(self) -> tuple[type[BusinessCalendar], tuple[object, ...]]:
        # Pickle and copy by the fields alone (the holiday view is not picklable, and a
        # copy should start with its own empty memo).
        fields = (self.tz, self.workdays, self.opens, self.closes, self.lunch_start)
        return (BusinessCalendar, (*fields, self.lunch_end, dict(self.holidays)))

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone object."""
        return _zone(self.tz)

    @property
    def hours_per_day(self) -> timedelta:
        """Working time on an ordinary working day (8 hours by default).

        >>> BusinessCalendar().hours_per_day
        datetime.timedelta(seconds=28800)
        """
        day = date(2001, 1, 1)
        full = datetime.combine(day, self.closes) - datetime.combine(day, self.opens)
        if self.lunch_start is not None and self.lunch_end is not None:
            full -= datetime.combine(day, self.lunch_end) - datetime.combine(day, self.lunch_start)
        return full

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` (a local date) is a working day: right weekday, not a holiday.

        >>> from datetime import date
        >>> BusinessCalendar(workdays=MON_SAT).is_working_day(date(2026, 1, 10))  # Saturday
        True
        """
        _date(day, "day")
        return day.isoweekday() in self.workdays and day not in self.holidays

    def segments(self, day: date) -> tuple[Segment, ...]:
        """The working intervals of local date ``day`` as UTC ``(start, end)`` pairs.

        >>> from datetime import date
        >>> [(a.hour, b.hour) for a, b in BusinessCalendar().segments(date(2026, 1, 12))]
        [(1, 5), (6, 10)]
        """
        day = _date(day, "day")
        if not date(1, 1, 2) <= day <= date(9999, 12, 30):
            raise ValidationError("day", "too close to the limits of date (years 1 and 9999)")
        return self._segments(day)

    def _segments(self, day: date) -> tuple[Segment, ...]:
        memo = self._memo.days
        known = memo.get(day)
        if known is not None:
            return known
        found: tuple[Segment, ...] = ()
        if day.isoweekday() in self.workdays and day not in self.holidays:
            found = _day_segments(
                day, self.tz, self.opens, self.closes, self.lunch_start, self.lunch_end
            )
        if len(memo) >= _MEMO_SEGMENT_DAYS:
            memo.clear()  # bounded: start again rather than grow
        memo[day] = found
        return found

    def _totals(self, first: int, stop: int) -> tuple[int, tuple[timedelta, ...]] | None:
        """A snapshot ``(anchor, totals)`` covering day ordinals ``first`` to ``stop``.

        ``None`` when the span is too long to memoise.
        """
        if stop - first > _MEMO_DAYS:
            return None
        anchor, totals = self._memo.run
        if not totals or first < anchor or stop - anchor > _MEMO_DAYS:
            # (Re)start the running totals, a year before the first day asked about.
            anchor, totals = max(first - 366, stop - _MEMO_DAYS, 1), (_ZERO,)
        if len(totals) <= stop - anchor:
            grown = list(totals)
            while len(grown) <= stop - anchor:
                current = date.fromordinal(anchor + len(grown) - 1)
                grown.append(grown[-1] + sum((b - a for a, b in self._segments(current)), _ZERO))
            totals = tuple(grown)
            self._memo.run = (anchor, totals)
        return anchor, totals

    def _days_total(self, lo: date, hi: date) -> timedelta:
        """Working time of the whole days from ``lo`` (included) to ``hi`` (excluded)."""
        first, stop = lo.toordinal(), hi.toordinal()
        snapshot = self._totals(first, stop)
        if snapshot is None:  # too long to memoise: count day by day
            return sum(
                (b - a for n in range(first, stop) for a, b in self._segments(date.fromordinal(n))),
                _ZERO,
            )
        anchor, totals = snapshot
        return totals[stop - anchor] - totals[first - anchor]

    def _ruler(self, lo: datetime, hi: datetime) -> _Ruler | _SlowRuler:
        """Positions for UTC instants from ``lo`` to ``hi`` (for the SLA clock)."""
        zone = self.zone
        first = lo.astimezone(zone).date().toordinal()
        stop = hi.astimezone(zone).date().toordinal() + 1
        snapshot = self._totals(first, stop)
        if snapshot is None:
            return _SlowRuler(self, lo, hi)
        return _Ruler(self, *snapshot)

    def _clipped(self, day: date, start: datetime, end: datetime) -> timedelta:
        total = _ZERO
        for a, b in self._segments(day):
            lo = a if a > start else start
            hi = b if b < end else end
            if hi > lo:
                total += hi - lo
        return total

    def _walk(self, start: datetime, days: int | None = _MAX_DAYS) -> Iterator[Segment]:
        """Working segments from ``start`` on, clipped so none begins before it."""
        day = start.astimezone(self.zone).date()
        last = (
            date(9999, 12, 30)
            if days is None
            else min(day + (days - 1) * _ONE_DAY, date(9999, 12, 30))
        )
        while day <= last:
            for a, b in self._segments(day):
                if b <= start:
                    continue
                yield (max(a, start), b)
            day += _ONE_DAY

    def is_open(self, *, at: datetime) -> bool:
        """Whether the business is working at instant ``at``.

        >>> from datetime import datetime, timezone
        >>> BusinessCalendar().is_open(at=datetime(2026, 1, 12, 3, tzinfo=timezone.utc))  # 10:00
        True
        """
        when = utc_instant(at, "at")
        day = when.astimezone(self.zone).date()
        return any(a <= when < b for a, b in self._segments(day))

    def business_time(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two instants; zero when ``end`` is not after ``start``."""
        # Work in UTC: comparing datetimes of different zones costs an offset lookup each.
        start, end = utc_instant(start, "start"), utc_instant(end, "end")
        if end <= start:
            return _ZERO
        zone = self.zone
        first = start.astimezone(zone).date()
        last = end.astimezone(zone).date()
        if first == last:
            return self._clipped(first, start, end)
        # A day's segments can spill past local midnight only in exotic zones; clip the
        # two end days against the whole span, and take the days between from the totals.
        head = self._clipped(first, start, end) + self._clipped(last, start, end)
        if last - first == _ONE_DAY:
            return head
        return head + self._days_total(first + _ONE_DAY, last)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant at which ``duration`` of working time has passed since ``start``.

        A duration ending exactly at closing time gives the closing time (not the next
        opening): a reply sent before the next opening is still on time.

        Raises:
            ValidationError: a negative duration, or no such instant within 20 years.
        """
        begin = utc_instant(start, "start")
        left = check_type("duration", duration, timedelta)
        if left < _ZERO:
            raise ValidationError("duration", "must not be negative")
        if not left:
            return start
        for a, b in self._walk(begin):
            if left <= b - a:
                return a + left
            left -= b - a
        raise ValidationError("duration", "not that much working time within 20 years")

    def passes(self, start: datetime, end: datetime, amount: timedelta) -> datetime | None:
        """The instant in ``[start, end)`` after which more than ``amount`` has elapsed.

        That is the point where working time since ``start`` reaches ``amount`` *and then
        grows*: after a target met at closing time, the clock is exceeded at the next
        opening. ``None`` when working time in ``[start, end)`` is at most ``amount``.

        >>> from datetime import datetime, timedelta, timezone
        >>> friday_4pm = datetime(2026, 1, 9, 9, tzinfo=timezone.utc)
        >>> BusinessCalendar().passes(friday_4pm, friday_4pm + timedelta(days=7),
        ...                           timedelta(hours=1)).isoformat()  # Monday 08:00 ICT
        '2026-01-12T01:00:00+00:00'
        """
        begin, end = utc_instant(start, "start"), utc_instant(end, "end")
        left = check_type("amount", amount, timedelta)
        if left < _ZERO:
            raise ValidationError("amount", "must not be negative")
        for a, b in self._walk(begin, days=None):
            if a >= end:
                return None
            hi = b if b < end else end
            if left < hi - a:
                return a + left
            left -= hi - a
        return None
