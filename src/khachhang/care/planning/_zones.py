"""Time zones of a care plan: the zone a plan runs in, and the name an agenda keeps.

A plan takes a zone as an IANA name or a ``tzinfo``; an :class:`~khachhang.care.Agenda`
keeps it as a name it can read back (an IANA key, or a fixed ``UTC+07:00``).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from khachhang._checks import shown
from khachhang.errors import ValidationError

__all__ = ["named_zone", "to_zone", "zone_name"]


def to_zone(tz: object) -> tzinfo:
    """``tz`` (an IANA name or a ``tzinfo`` that gives offsets) as a ``tzinfo``.

    >>> to_zone("Asia/Ho_Chi_Minh")
    zoneinfo.ZoneInfo(key='Asia/Ho_Chi_Minh')
    >>> to_zone("Asia/Hanoi_City")
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: tz: unknown time zone 'Asia/Hanoi_City'
    """
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


_FIXED_OFFSET = re.compile(r"UTC([+-])(\d\d):([0-5]\d)")


def named_zone(name: str) -> tzinfo:
    """The zone an :class:`~khachhang.care.Agenda` names: an IANA name, or a fixed
    ``UTC+07:00``.

    >>> named_zone("UTC+07:00")
    datetime.timezone(datetime.timedelta(seconds=25200))
    """
    fixed = _FIXED_OFFSET.fullmatch(name)
    if fixed is not None:
        sign, hours, minutes = fixed.groups()
        offset = timedelta(hours=int(hours), minutes=int(minutes))
        if offset >= timedelta(hours=24):
            raise ValidationError("tz", f"offset out of range in {shown(name)}")
        return timezone(-offset if sign == "-" else offset)
    return to_zone(name)


def zone_name(tz: str | tzinfo) -> str:
    """A name :func:`named_zone` reads back: the IANA key, or ``UTC±HH:MM``.

    >>> zone_name(timezone(timedelta(hours=7)))
    'UTC+07:00'
    """
    if isinstance(tz, str):
        return tz
    key = getattr(tz, "key", None)
    if isinstance(key, str):
        return key
    if isinstance(tz, timezone):
        # Built from the offset, never from the zone's own name: timezone(+7h, "EST") is
        # named "EST", which named_zone would read back as America's UTC-5 zone.
        offset = tz.utcoffset(None)
        if offset % timedelta(minutes=1):
            msg = f"an agenda's fixed offset must be whole minutes, got {shown(tz)}"
            raise ValidationError("tz", msg)
        if not offset:
            return "UTC"
        minutes = int(abs(offset) // timedelta(minutes=1))
        sign = "-" if offset < timedelta(0) else "+"
        return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    msg = f"an agenda needs a named zone (ZoneInfo) or a fixed offset, got {shown(tz)}"
    raise ValidationError("tz", msg)
