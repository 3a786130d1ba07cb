"""Offset arithmetic for follow-ups: a ``relativedelta`` added to a local time, fast.

An offset is cut once into whole months, whole days (calendar arithmetic on the local wall
clock) and an exact duration (hours and less, elapsed time); :func:`shift` adds the three
in that order, as ``java.time`` and JavaScript's Temporal do.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from dateutil.relativedelta import relativedelta

__all__ = ["Offset", "fast_offset", "shift", "span"]

_UTC = timezone.utc
_DAY = timedelta(days=1)

Offset = tuple[int, timedelta, timedelta]
"""An offset as (whole months, whole days, an exact duration)."""


def fast_offset(offset: relativedelta) -> Offset:
    """An offset as whole months, whole days (calendar) and an exact duration (hours and
    less) — what :func:`shift` adds, in that order; much faster than ``relativedelta``.

    >>> fast_offset(relativedelta(years=1, months=2, days=3, hours=4))
    (14, datetime.timedelta(days=3), datetime.timedelta(seconds=14400))
    """
    exact = timedelta(
        hours=offset.hours,
        minutes=offset.minutes,
        seconds=offset.seconds,
        microseconds=offset.microseconds,
    )
    return offset.years * 12 + offset.months, timedelta(days=offset.days), exact


def shift(moment: datetime, months: int, days: timedelta, exact: timedelta) -> datetime | None:
    """``moment`` plus an offset; ``None`` past the calendar's end.

    Months and days are calendar arithmetic on the local wall clock (the 31st plus a
    month is the last day of the next month; a day later is the same local time, across
    a DST change too), then hours and less are exact elapsed time — as ``java.time`` and
    JavaScript's Temporal do. In a zone without DST this is ``moment + relativedelta``.

    >>> from datetime import datetime
    >>> from zoneinfo import ZoneInfo
    >>> shift(datetime(2026, 1, 31, 9), 1, timedelta(days=1), timedelta())
    datetime.datetime(2026, 3, 1, 9, 0)
    >>> berlin = ZoneInfo("Europe/Berlin")  # clocks go forward at 02:00 on 29 March 2026
    >>> shift(datetime(2026, 3, 29, 1, 30, tzinfo=berlin), 0, timedelta(), timedelta(hours=2))
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


def span(offsets: Iterable[relativedelta]) -> timedelta:
    """An upper bound of how far after a purchase the offsets reach.

    >>> span([relativedelta(days=3), relativedelta(months=1)])
    datetime.timedelta(days=33)
    """
    days = max(o.years * 366 + o.months * 31 + o.days + 1 for o in offsets)
    return timedelta(days=min(days, 3_700_000)) + _DAY
