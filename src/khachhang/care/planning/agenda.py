"""The agenda: a care plan's touchpoints and drops over one window, held as a value.

:meth:`CarePlan.agenda <khachhang.care.CarePlan.agenda>` builds an :class:`Agenda`; in a
notebook it shows as a calendar grouped by day (its HTML is drawn by
:mod:`khachhang.views`), and it round-trips through :mod:`khachhang.serde`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

import attrs

from khachhang._checks import as_collection, check_items, clean_text, require_aware
from khachhang.care.channels import Channel
from khachhang.care.planning._zones import named_zone
from khachhang.care.planning.touchpoints import DEFAULT_TZ, Drop, DropReason, Touchpoint
from khachhang.errors import ValidationError

if TYPE_CHECKING:
    from khachhang.views._html import Printer

__all__ = ["Agenda"]


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
        named_zone(self.tz)  # a zone we can read back, or ValidationError("tz", ...)
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

        >>> from datetime import datetime, timedelta, timezone
        >>> from khachhang.care import Channel, Drop, DropReason, Purpose, Touchpoint
        >>> t = datetime(2026, 9, 2, 2, tzinfo=timezone.utc)
        >>> tp = Touchpoint("c-1", t, Channel.SMS, Purpose.HOLIDAY, "holidays")
        >>> Agenda(t, t + timedelta(days=1), "UTC", [tp]).by_channel()
        {Channel.SMS: 1}
        """
        counts = Counter(t.channel for t in self.touchpoints)
        return {c: counts[c] for c in Channel if counts[c]}

    def by_reason(self) -> dict[DropReason, int]:
        """How many touchpoints were dropped for each reason (reasons with none left out).

        >>> from datetime import datetime, timedelta, timezone
        >>> from khachhang.care import Channel, Drop, DropReason, Purpose, Touchpoint
        >>> t = datetime(2026, 9, 2, 2, tzinfo=timezone.utc)
        >>> tp = Touchpoint("c-1", t, Channel.SMS, Purpose.HOLIDAY, "holidays")
        >>> Agenda(t, t + timedelta(days=1), drops=[Drop(tp, DropReason.NO_CONSENT)]).by_reason()
        {DropReason.NO_CONSENT: 1}
        """
        counts = Counter(d.reason for d in self.drops)
        return {r: counts[r] for r in DropReason if counts[r]}

    def by_day(self) -> dict[date, tuple[Touchpoint, ...]]:
        """The touchpoints of each day in the agenda's zone ``tz``, in order.

        >>> from datetime import datetime, timedelta, timezone
        >>> from khachhang.care import Channel, Drop, DropReason, Purpose, Touchpoint
        >>> t = datetime(2026, 9, 2, 2, tzinfo=timezone.utc)
        >>> tp = Touchpoint("c-1", t, Channel.SMS, Purpose.HOLIDAY, "holidays")
        >>> list(Agenda(t, t + timedelta(days=1), touchpoints=[tp]).by_day())
        [datetime.date(2026, 9, 2)]
        """
        zone = named_zone(self.tz)
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
