"""The engine of :meth:`CarePlan.schedule <khachhang.care.CarePlan.schedule>`.

A :class:`Run` is one call: the arguments are checked eagerly, then the window is cut into
calendar months and each month's candidates (the occasions of every rule for every
customer) are placed after the quiet hours, decided (reach, one greeting a day, the cap)
and yielded in time order. The guarantees are those of :mod:`khachhang.care.planning.plan`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta

from khachhang._checks import as_collection, check_items, check_type, require_aware, shown
from khachhang.care.channels import Channel, Reach, reach_for_purpose
from khachhang.care.planning._offsets import fast_offset, shift, span
from khachhang.care.planning._zones import to_zone
from khachhang.care.planning.rules import (
    Anniversary,
    AnniversaryOf,
    BirthdayGreeting,
    CareRule,
    CheckIn,
    FollowUp,
    HolidayGreeting,
    LeapDay,
    Purpose,
    anniversary_unchecked,
)
from khachhang.care.planning.touchpoints import DROP_FOR_REACH, Drop, DropReason, Touchpoint
from khachhang.customers import Customer
from khachhang.errors import ValidationError
from khachhang.parties import ContactPoint, Person
from khachhang.privacy.consent import ConsentLedger

if TYPE_CHECKING:
    from khachhang.care.planning.plan import CarePlan, SegmentPredicate

__all__ = ["Run"]

_DAY = timedelta(days=1)
_UTC = timezone.utc
_FIRST = datetime(1, 1, 3, tzinfo=_UTC)
_LAST = datetime(9999, 12, 29, tzinfo=_UTC)
"""The instants a plan covers: a window reaching beyond is clipped to them (Python's
calendar runs from 0001-01-01 to 9999-12-31; the plan keeps two days of room on each side
for time zones and for touchpoints moved by the quiet hours)."""


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


def _predicate(path: str, value: object) -> Callable[[Customer, datetime], bool]:
    """A segment's predicate: a function ``(customer, as_of)`` or a rule's ``evaluate``."""
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


# A candidate before the decisions: (due as a UTC instant, rule index, purpose, note, rule,
# due on the local wall clock). Order and the window are decided on the instant (local
# times repeat when clocks go back); dates, quiet hours and periods on the wall clock.
_Candidate = tuple[datetime, int, Purpose, str, CareRule, datetime]


class Run:
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
        consent: Mapping[str, ConsentLedger] | None = None,
    ) -> None:
        require_aware(start, "start")
        require_aware(end, "end")
        if end < start:
            raise ValidationError("end", f"{end.isoformat()} is before start")
        self.plan = plan
        self.zone = to_zone(tz)
        self.start = _clip("start", start)
        self.end = _clip("end", end)
        self.customers = check_items("customers", as_collection("customers", customers), Customer)
        ids: set[str] = set()
        for i, customer in enumerate(self.customers):
            if customer.id in ids:
                raise ValidationError(f"customers[{i}].id", f"duplicate id {customer.id!r}")
            ids.add(customer.id)
        self.keep_drops = keep_drops
        self.consent = _ledgers(consent)
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
            i: (tuple(fast_offset(o) for o in rule.offsets), span(rule.offsets))
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
            day = anniversary_unchecked(anchor, year, leap)
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
                raw = shift(base, months, days, exact)
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
        # Without a ledger, reach depends on the channel and the purpose only (a channel
        # consent counts for care and service at any time): computed once per customer.
        reach: dict[tuple[int, str], Reach] = {}
        seen: set[tuple[date, int]] = set()
        cap = self.plan.cap
        cid = customer.id
        ledger = self.consent.get(cid)
        for utc, index, purpose, note, rule, due in candidates:
            options, greeting = self.channels[index]
            wanted = rule.consent_purpose
            channel: Channel | None = None
            refused: list[Reach] = []
            for option, ordinal in options:
                if ledger is not None:
                    status = reach_for_purpose(contacts, option, wanted, ledger, utc)
                else:
                    cached = reach.get((ordinal, wanted))
                    if cached is None:
                        cached = reach_for_purpose(contacts, option, wanted, None, utc)
                        reach[ordinal, wanted] = cached
                    status = cached
                if status is Reach.REACHABLE:
                    channel = option
                    break
                refused.append(status)
            key = (due.date(), -1 if greeting else index)
            dropped: DropReason | None = None
            detail = ""
            if channel is None:
                dropped = DROP_FOR_REACH[refused[0]]
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
                touchpoint = _touchpoint(cid, due, channel, purpose, rule.name, note, wanted)
                out.append((utc, cid, index, note, touchpoint))
            elif self.keep_drops and dropped is not None:
                shown_channel = channel if channel is not None else options[0][0]
                touchpoint = _touchpoint(cid, due, shown_channel, purpose, rule.name, note, wanted)
                out.append((utc, cid, index, note, Drop(touchpoint, dropped, detail)))


def _ledgers(consent: object) -> dict[str, ConsentLedger]:
    """The consent ledgers by customer id, each checked to be that customer's."""
    if consent is None:
        return {}
    if not isinstance(consent, Mapping):
        msg = f"expected a mapping of customer ids to consent ledgers, got {shown(consent)}"
        raise ValidationError("consent", msg)
    found: dict[str, ConsentLedger] = {}
    for key, ledger in consent.items():
        where = f"consent[{shown(key, 40)}]"
        check_type(where, ledger, ConsentLedger)
        if ledger.subject != key:
            msg = f"the ledger of {ledger.subject!r} is filed under another customer id"
            raise ValidationError(where, msg)
        found[key] = ledger
    return found


def _local_date(moment: datetime, zone: tzinfo) -> date | None:
    """The date of ``moment`` in ``zone``; ``None`` if the calendar cannot show it there."""
    try:
        return moment.astimezone(zone).date()
    except OverflowError:
        return None


_ORDINAL = {channel: i for i, channel in enumerate(Channel)}
_set = object.__setattr__


def _touchpoint(
    customer_id: str,
    due: datetime,
    channel: Channel,
    purpose: Purpose,
    source: str,
    note: str,
    consent_purpose: str,
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
    _set(touchpoint, "consent_purpose", consent_purpose)
    return touchpoint
