"""The care plan: rules into touchpoints, and the guarantees of the schedule."""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import HO_CHI_MINH as VN
from conftest import UTC, scaled
from khachhang import Customer, Money, Person, Purchase
from khachhang.care import (
    Anniversary,
    AnniversaryOf,
    BirthdayGreeting,
    Cap,
    CarePlan,
    Channel,
    CheckIn,
    Drop,
    DropReason,
    FollowUp,
    HolidayGreeting,
    LeapDay,
    Period,
    Purpose,
    QuietHours,
    Reach,
    Touchpoint,
    on_anniversary,
    reach,
)
from khachhang.errors import ValidationError
from khachhang.parties import ContactChannel, ContactPoint, Organization
from khachhang.privacy import ConsentLedger, StandardPurpose
from khachhang.serde import from_dict, to_dict
from khachhang.testing import _care as kc
from khachhang.testing import aware_datetimes, consent_ledgers, customers

BERLIN = ZoneInfo("Europe/Berlin")
SPRING = date(2026, 3, 29)  # Berlin: 02:00 CET -> 03:00 CEST (01:00 UTC)
AUTUMN = date(2026, 10, 25)  # Berlin: 03:00 CEST -> 02:00 CET (01:00 UTC)
JAN = datetime(2026, 1, 1, tzinfo=VN)
EVERY = [ContactChannel.CALL, ContactChannel.SMS]


def person(
    cid: str = "c-1",
    *,
    born: date | None = date(1990, 5, 17),
    consents: list[ContactChannel] | None = None,
    created: datetime = datetime(2024, 6, 1, 10, tzinfo=VN),
    purchases: tuple[datetime, ...] = (),
) -> Customer:
    phone = ContactPoint.phone("0901234567", consents=EVERY if consents is None else consents)
    c = Customer(
        cid, Person("Nguyễn Văn An", birth_date=born, contacts=[phone]), created_at=created
    )
    orders = [Purchase(f"o-{i}", at, Money(500_000)) for i, at in enumerate(purchases)]
    return c.add_purchases(orders) if orders else c


def plan_of(*rules: Any, **kwargs: Any) -> CarePlan:
    return CarePlan(list(rules), **kwargs)


def opted_in(book: list[Customer]) -> dict[str, ConsentLedger]:
    """Each customer's ledger: its channel consents also given for marketing, long ago.

    The rules of these tests are greetings (marketing) as often as follow-ups (service);
    tests about the schedule's mechanics give consent to both.
    """
    long_ago = datetime(1, 1, 1, tzinfo=UTC)
    both = [StandardPurpose.MARKETING, StandardPurpose.SERVICE]
    return {
        c.id: ConsentLedger.from_contacts(c.id, c.party.contacts, at=long_ago, purposes=both)
        for c in book
    }


def run(plan: CarePlan, book: list[Customer], start: datetime, end: datetime) -> list[Any]:
    consent = opted_in(book)
    return list(plan.schedule(book, start=start, end=end, segments={"vip": _vip}, consent=consent))


def _vip(customer: Customer, as_of: datetime) -> bool:
    return len(customer.purchases_until(as_of=as_of)) >= 1


# --- domain examples -----------------------------------------------------------------------


def test_a_leapling_is_greeted_on_28_february_in_a_common_year_by_default() -> None:
    mai = person(born=date(2004, 2, 29), consents=[ContactChannel.SMS])
    year = (JAN, JAN + relativedelta(years=3))
    default = run(plan_of(BirthdayGreeting()), [mai], *year)
    assert [t.due.date() for t in default] == [
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]
    march = run(plan_of(BirthdayGreeting(leap_day=LeapDay.MARCH_1)), [mai], *year)
    assert [t.due.date() for t in march][:2] == [date(2026, 3, 1), date(2027, 3, 1)]


def test_follow_ups_fall_at_each_offset_after_each_purchase() -> None:
    bought = (datetime(2026, 1, 10, 15, tzinfo=VN), datetime(2026, 1, 31, 15, tzinfo=VN))
    an = person(purchases=bought)
    rule = FollowUp("after-sale", [relativedelta(days=3), relativedelta(months=1)])
    found = run(plan_of(rule), [an], JAN, JAN + relativedelta(months=3))
    assert [(t.due.date(), t.note) for t in found] == [
        (date(2026, 1, 13), "o-0"),
        (date(2026, 2, 3), "o-1"),
        (date(2026, 2, 10), "o-0"),
        (date(2026, 2, 28), "o-1"),  # 31 January + 1 month
    ]
    assert {t.due.time() for t in found} == {time(9)}


def test_a_touchpoint_in_the_quiet_hours_moves_to_the_next_allowed_time() -> None:
    an = person(purchases=(datetime(2026, 1, 10, 20, 30, tzinfo=VN),))
    rule = FollowUp("two-hours", [relativedelta(hours=2)], time_of_day=None)
    [touchpoint] = run(plan_of(rule), [an], JAN, JAN + relativedelta(months=1))
    assert touchpoint.due == datetime(2026, 1, 11, 8, tzinfo=VN)
    late_start = QuietHours(time(12), time(13, 30))
    [lunch] = run(plan_of(rule, quiet_hours=late_start), [an], JAN, JAN + relativedelta(months=1))
    assert lunch.due == datetime(2026, 1, 10, 22, 30, tzinfo=VN)


def test_one_greeting_per_customer_per_day() -> None:
    """A birthday on a holiday gets one greeting; the birthday rule, listed first, wins."""
    an = person(born=date(1990, 9, 2))
    national_day = HolidayGreeting.from_mapping({date(2026, 9, 2): "Quốc khánh"})
    found = run(plan_of(BirthdayGreeting(), national_day), [an], JAN, JAN + relativedelta(years=1))
    kept = [t for t in found if isinstance(t, Touchpoint)]
    dropped = [d for d in found if isinstance(d, Drop)]
    assert [t.purpose for t in kept] == [Purpose.BIRTHDAY]
    assert [(d.reason, d.touchpoint.note) for d in dropped] == [
        (DropReason.DUPLICATE, "Quốc khánh")
    ]


def test_the_cap_drops_what_exceeds_it_in_the_period() -> None:
    an = person(born=date(1990, 1, 2), created=datetime(2020, 1, 3, tzinfo=VN))
    days = {date(2026, 1, 1): "Tết Dương lịch", date(2026, 1, 4): "Ngày lễ"}
    rules = (
        BirthdayGreeting(),
        Anniversary("since", AnniversaryOf.RELATIONSHIP, channels=[Channel.PHONE]),
        HolidayGreeting.from_mapping(days),
    )
    found = run(plan_of(*rules, cap=Cap(2, Period.WEEK)), [an], JAN, JAN + relativedelta(days=14))
    assert [(x.due.day, type(x).__name__) for x in found] == [
        (1, "Touchpoint"),
        (2, "Touchpoint"),
        (3, "Drop"),
        (4, "Drop"),
    ]
    assert {x.reason for x in found if isinstance(x, Drop)} == {DropReason.CAP_REACHED}


def test_the_plan_says_why_a_channel_was_refused() -> None:
    no_consent = person("c-1", consents=[])
    no_email = person("c-2")
    org = Customer("c-3", Organization("Công ty TNHH An Phát"), created_at=JAN)
    day = {date(2026, 1, 5): "Ngày lễ"}
    rules = (
        HolidayGreeting.from_mapping(day, name="sms", channels=[Channel.SMS]),
        HolidayGreeting.from_mapping(day, name="mail", channels=[Channel.EMAIL]),
        HolidayGreeting.from_mapping(day, name="forum", channels=[Channel.FORUM]),
    )
    drops = list(plan_of(*rules).drops([no_consent, no_email, org], start=JAN, end=JAN + _DAYS))
    reasons = Counter((d.touchpoint.customer_id, d.reason) for d in drops)
    assert reasons[("c-1", DropReason.NO_CONSENT)] == 1
    assert reasons[("c-2", DropReason.NO_CONTACT_POINT)] == 1
    assert reasons[("c-3", DropReason.NO_CONTACT_POINT)] == 2
    assert reasons[("c-3", DropReason.NOT_ADDRESSABLE)] == 1


_DAYS = timedelta(days=10)


def test_the_first_reachable_channel_of_a_rule_is_used() -> None:
    an = person(consents=[ContactChannel.CALL])
    rule = HolidayGreeting.from_mapping(
        {date(2026, 1, 5): "Ngày lễ"}, channels=[Channel.SMS, Channel.PHONE]
    )
    [touchpoint] = run(plan_of(rule), [an], JAN, JAN + _DAYS)
    assert touchpoint.channel is Channel.PHONE


def test_tet_from_the_holidays_package_is_greeted_once() -> None:
    holidays = pytest.importorskip("holidays")
    vn_2026 = holidays.country_holidays("VN", years=2026, language="vi")
    rule = HolidayGreeting.from_mapping(vn_2026)
    found = run(
        plan_of(rule), [person()], datetime(2026, 2, 1, tzinfo=VN), datetime(2026, 3, 1, tzinfo=VN)
    )
    assert [(t.due.date(), t.note) for t in found] == [
        (date(2026, 2, 16), "Giao thừa Tết Nguyên Đán")
    ]
    every_day = attrs.evolve(rule, merge_runs=False)
    assert (
        len(
            run(
                plan_of(every_day),
                [person()],
                datetime(2026, 2, 1, tzinfo=VN),
                datetime(2026, 3, 1, tzinfo=VN),
            )
        )
        == 5
    )


def test_check_ins_follow_the_segment_predicate_at_each_occasion() -> None:
    an = person(
        created=datetime(2025, 12, 15, tzinfo=VN), purchases=(datetime(2026, 3, 1, tzinfo=VN),)
    )
    rule = CheckIn("vip-monthly", "vip", relativedelta(months=1))
    found = run(plan_of(rule), [an], JAN, JAN + relativedelta(months=6))
    assert [t.due.date() for t in found] == [date(2026, m, 15) for m in (3, 4, 5, 6)]

    class RuleLike:
        """Stands in for a segmentation rule: only ``evaluate(customer, *, as_of)``."""

        def evaluate(self, customer: Customer, *, as_of: datetime) -> bool:
            return as_of.month % 2 == 0

    plan = plan_of(rule)
    evens = list(
        plan.touchpoints(
            [an],
            start=JAN,
            end=JAN + relativedelta(months=6),
            segments={"vip": RuleLike()},
            consent=opted_in([an]),
        )
    )
    assert [t.due.month for t in evens] == [2, 4, 6]


def test_anniversaries_count_the_years() -> None:
    an = person(
        created=datetime(2023, 4, 2, tzinfo=VN), purchases=(datetime(2024, 7, 9, tzinfo=VN),)
    )
    rules = (
        Anniversary("since", AnniversaryOf.RELATIONSHIP, channels=[Channel.PHONE]),
        Anniversary("first-order", AnniversaryOf.FIRST_PURCHASE, channels=[Channel.SMS]),
    )
    found = run(plan_of(*rules), [an], JAN, JAN + relativedelta(years=1))
    assert [(t.purpose, t.due.date(), t.note) for t in found] == [
        (Purpose.RELATIONSHIP_ANNIVERSARY, date(2026, 4, 2), "3"),
        (Purpose.PURCHASE_ANNIVERSARY, date(2026, 7, 9), "2"),
    ]


def test_bad_calls_are_refused_before_anything_is_yielded() -> None:
    plan = plan_of(BirthdayGreeting(), CheckIn("vip-monthly", "vip", relativedelta(months=1)))
    book = [person()]
    ok = {"vip": _vip}
    with pytest.raises(ValidationError, match="start"):
        plan.schedule(book, start=datetime(2026, 1, 1), end=JAN, segments=ok)
    with pytest.raises(ValidationError, match="before start"):
        plan.schedule(book, start=JAN, end=JAN - _DAYS, segments=ok)
    for name in ("Mars/Olympus", "America", "Asia/" + "x" * 300):
        with pytest.raises(ValidationError, match="unknown time zone"):
            plan.schedule(book, start=JAN, end=JAN + _DAYS, tz=name, segments=ok)
    with pytest.raises(ValidationError, match=r"tz: .* does not give UTC offsets"):
        plan.schedule(book, start=JAN, end=JAN + _DAYS, tz=tzinfo(), segments=ok)  # type: ignore[abstract]
    with pytest.raises(ValidationError, match="duplicate id"):
        plan.schedule([*book, *book], start=JAN, end=JAN + _DAYS, segments=ok)
    with pytest.raises(ValidationError, match="no predicate for segment 'vip'"):
        plan.schedule(book, start=JAN, end=JAN + _DAYS)
    with pytest.raises(ValidationError, match=r"rules\[1\].name"):
        plan_of(BirthdayGreeting(), BirthdayGreeting())
    with pytest.raises(ValidationError, match="care rule"):
        CarePlan(["birthday"])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="channels"):
        HolidayGreeting.from_mapping({}, channels=5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"holidays\[2026-13\]\.date"):
        HolidayGreeting.from_mapping({"2026-13": "Lễ"})  # type: ignore[dict-item]


def test_the_schedule_is_a_lazy_stream() -> None:
    book = [person()]
    stream = plan_of(BirthdayGreeting()).schedule(
        book, start=JAN, end=JAN + relativedelta(years=50), consent=opted_in(book)
    )
    assert isinstance(stream, Iterator)
    assert next(stream).due.year == 2026


def test_the_core_never_imports_holidays_or_segmentation() -> None:
    """``holidays`` is an optional extra; care and segmentation are independent siblings."""
    care = Path(__file__).resolve().parents[1] / "src" / "khachhang" / "care"
    for path in sorted(care.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not [n for n in names if n.split(".")[0] == "holidays"], path.name
            assert not [n for n in names if n.startswith("khachhang.segmentation")], path.name


# --- properties ------------------------------------------------------------------------------


_REACHABLE_CONTACTS = st.sampled_from(
    [
        (ContactPoint.phone("0901234567", consents=[ContactChannel.CALL, ContactChannel.SMS]),),
        (
            ContactPoint.phone("0912345678", consents=[ContactChannel.SOCIAL]),
            ContactPoint.email("lan@example.vn", consents=[ContactChannel.EMAIL]),
        ),
        (ContactPoint.email("an@example.vn", consents=[ContactChannel.EMAIL]),),
    ]
)


@st.composite
def books(draw: st.DrawFn) -> list[Customer]:
    """One to three customers; most get contact points with consents, so plans keep some."""
    drawn = draw(st.lists(customers(max_purchases=4, reviews=False), min_size=1, max_size=3))
    book = []
    for i, c in enumerate(drawn):
        if draw(st.integers(0, 3)):
            c = attrs.evolve(c, party=attrs.evolve(c.party, contacts=draw(_REACHABLE_CONTACTS)))
        book.append(attrs.evolve(c, id=f"c-{i}"))
    return book


ZONES = st.sampled_from(["Asia/Ho_Chi_Minh", "Europe/Berlin", "UTC"])
Window = tuple[datetime, datetime, str]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[CarePlan, list[Customer], Window]:
    """A book, a window near its purchases, and a plan with holidays inside the window."""
    book = draw(books())
    anchors = [p.at for c in book for p in c.purchases] or [c.created_at for c in book]
    # Half the windows open near a DST change of Berlin, where local times repeat or vanish.
    anchors += [datetime.combine(d, time(), tzinfo=UTC) for d in (SPRING, AUTUMN)] * len(anchors)
    start = draw(st.sampled_from(anchors)) + timedelta(hours=draw(st.integers(-24 * 40, 24 * 40)))
    end = start + timedelta(hours=draw(st.integers(0, 24 * 75)))
    shifts = [datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)]
    at_shift = draw(st.booleans())
    if at_shift:  # end the window just after a DST change of Berlin
        shift = draw(st.sampled_from(shifts))
        end = max(start, shift + timedelta(minutes=draw(st.integers(0, 60))))
    plan = draw(kc.care_plans())
    days = (end - start).days + 3
    dense = {
        (start + timedelta(days=k - 1)).date(): "Ngày lễ"
        for k in draw(st.lists(st.integers(0, days), min_size=1, max_size=6))
    }
    dense.update({d: "Ngày lễ" for d in (SPRING, AUTUMN) if start.date() <= d <= end.date()})
    extra = HolidayGreeting.from_mapping(
        dense,
        name="dense",
        channels=draw(st.sampled_from([[Channel.SMS], [Channel.EMAIL, Channel.PHONE]])),
        time_of_day=draw(st.sampled_from([time(2, 30), time(2, 30), time(9), time(0, 15)])),
        merge_runs=draw(st.booleans()),
    )
    again = HolidayGreeting.from_mapping(dict(list(dense.items())[::2]), name="dense-again")
    soon = FollowUp(
        "soon",
        [relativedelta(days=draw(st.integers(0, 10)), hours=draw(st.integers(0, 23)))],
        channels=[Channel.PHONE, Channel.EMAIL],
        time_of_day=draw(st.none() | st.just(time(9))),
    )
    plan = attrs.evolve(plan, rules=(*plan.rules, extra, again, soon))
    return plan, book, (start, end, "Europe/Berlin" if at_shift else draw(ZONES))


def _schedule(plan: CarePlan, book: list[Customer], window: Window) -> list[Any]:
    start, end, tz = window
    consent = opted_in(book)
    return list(
        plan.schedule(book, start=start, end=end, tz=tz, segments={"vip": _vip}, consent=consent)
    )


@settings(max_examples=scaled(30))
@given(scenarios())
def test_the_schedule_keeps_its_guarantees(
    scenario: tuple[CarePlan, list[Customer], Window],
) -> None:
    plan, book, window = scenario
    start, end, tz = window
    zone = ZoneInfo(tz)
    items = _schedule(plan, book, window)
    dues = [x.due for x in items]
    instants = [d.astimezone(UTC) for d in dues]  # same-zone comparisons ignore fold
    assert instants == sorted(instants), "sorted"
    assert all(start <= d < end for d in dues), "inside the window"
    kept = [x for x in items if isinstance(x, Touchpoint)]
    by_id = {c.id: c for c in book}
    for t in kept:
        assert reach(by_id[t.customer_id].party.contacts, t.channel) is Reach.REACHABLE
        if plan.quiet_hours is not None:
            assert not plan.quiet_hours.contains(at=t.due.astimezone(zone).time())
    greetings = Counter(
        (t.customer_id, t.due.astimezone(zone).date()) for t in kept if t.purpose.is_greeting
    )
    assert all(n == 1 for n in greetings.values()), "one greeting per customer per day"
    per_rule = Counter((t.customer_id, t.due.astimezone(zone).date(), t.source) for t in kept)
    assert all(n == 1 for n in per_rule.values()), "one touchpoint per rule per day"
    if plan.cap is not None:
        period = plan.cap.period
        counts = Counter((t.customer_id, period.key(t.due.astimezone(zone).date())) for t in kept)
        assert max(counts.values(), default=0) <= plan.cap.limit, "the cap"
    again = plan.touchpoints(
        book, start=start, end=end, tz=tz, segments={"vip": _vip}, consent=opted_in(book)
    )
    assert kept == list(again)


PLANNED_PURPOSES = ("marketing", "service", "loyalty.newsletter")
"""The purposes the plans of kc.care_plans() name (the ledgers speak about them)."""


def consents_to(ledger: ConsentLedger | None, customer: Customer, t: Touchpoint) -> bool:
    """An oracle from the ledger's own queries: some contact point carrying the channel
    consents to the touchpoint's purpose at its due time (a channel consent on the point
    counts for service when the ledger says nothing)."""
    wanted = t.channel.contact_channel
    assert wanted is not None
    for point in customer.party.contacts:
        if point.kind not in t.channel.contact_kinds:
            continue
        decided = None
        if ledger is not None:
            decided = ledger.decision(t.consent_purpose, wanted, as_of=t.due, contact=point.value)
        if decided is not None and decided.granted:
            return True
        if decided is None and t.consent_purpose == "service" and wanted in point.consents:
            return True
    return False


@settings(max_examples=scaled(30))
@given(scenarios(), st.data())
def test_the_plan_never_schedules_a_touchpoint_whose_purpose_lacks_consent_at_its_time(
    scenario: tuple[CarePlan, list[Customer], Window], data: st.DataObject
) -> None:
    """With random grants and withdrawals during the window, every touchpoint kept has
    consent to its purpose at its due time, and it carries its rule's purpose."""
    plan, book, (start, end, tz) = scenario
    days = max(1, (end - start).days)
    consent = {
        c.id: data.draw(
            consent_ledgers(
                c.id, days=days, start=start - timedelta(days=1), purposes=PLANNED_PURPOSES
            )
        )
        for c in book
        if data.draw(st.integers(0, 3))
    }
    items = list(
        plan.schedule(book, start=start, end=end, tz=tz, segments={"vip": _vip}, consent=consent)
    )
    by_id = {c.id: c for c in book}
    rules = {r.name: r for r in plan.rules}
    for item in items:
        t = item.touchpoint if isinstance(item, Drop) else item
        assert t.consent_purpose == rules[t.source].consent_purpose
        if isinstance(item, Touchpoint):
            assert consents_to(consent.get(t.customer_id), by_id[t.customer_id], t), t
        elif item.reason is DropReason.NO_PURPOSE_CONSENT:
            assert not consents_to(consent.get(t.customer_id), by_id[t.customer_id], t)


def test_a_birthday_greeting_needs_marketing_consent_and_a_follow_up_service() -> None:
    """Channel consents alone count for service: the follow-up is made, the greeting dropped
    with its reason until the ledger grants marketing; a withdrawal drops it again."""
    an = person(born=date(1990, 1, 20), purchases=(datetime(2026, 1, 5, 10, tzinfo=VN),))
    plan = plan_of(
        BirthdayGreeting(channels=[Channel.SMS]),
        FollowUp("after", [relativedelta(days=3)], channels=[Channel.SMS]),
    )
    month = JAN + relativedelta(months=1)
    items = list(plan.schedule([an], start=JAN, end=month))
    shown = [i.touchpoint if isinstance(i, Drop) else i for i in items]
    assert [(type(i).__name__, t.purpose) for i, t in zip(items, shown, strict=True)] == [
        ("Touchpoint", Purpose.FOLLOW_UP),
        ("Drop", Purpose.BIRTHDAY),
    ]
    assert items[1].reason is DropReason.NO_PURPOSE_CONSENT  # type: ignore[union-attr]
    ledger = ConsentLedger(an.id).grant(
        StandardPurpose.MARKETING, ContactChannel.SMS, at=JAN, proof="form-7", notice="v2"
    )
    kept = list(plan.touchpoints([an], start=JAN, end=month, consent={an.id: ledger}))
    assert [t.consent_purpose for t in kept] == ["service", "marketing"]
    stopped = ledger.withdraw(StandardPurpose.MARKETING, at=datetime(2026, 1, 19, tzinfo=VN))
    assert [
        t.purpose for t in plan.touchpoints([an], start=JAN, end=month, consent={an.id: stopped})
    ] == [Purpose.FOLLOW_UP]
    service_stopped = stopped.withdraw(StandardPurpose.SERVICE, ContactChannel.SMS, at=JAN)
    assert (
        list(plan.touchpoints([an], start=JAN, end=month, consent={an.id: service_stopped})) == []
    )


def test_a_ledger_filed_under_another_customer_is_refused() -> None:
    """consent= maps customer ids to their own ledgers."""
    with pytest.raises(ValidationError, match=r"consent\['c-1'\]"):
        plan_of(BirthdayGreeting()).schedule(
            [person()], start=JAN, end=JAN + _DAYS, consent={"c-1": ConsentLedger("c-2")}
        )


@settings(max_examples=scaled(12))
@given(scenarios(), st.sampled_from(ContactChannel))
def test_withdrawing_consent_removes_the_channel_from_the_plan(
    scenario: tuple[CarePlan, list[Customer], Window], withdrawn: ContactChannel
) -> None:
    plan, book, window = scenario

    def withdraw(c: Customer) -> Customer:
        contacts = [
            p.with_consent(withdrawn, given=False) if p.allows(withdrawn) else p
            for p in c.party.contacts
        ]
        return attrs.evolve(c, party=attrs.evolve(c.party, contacts=contacts))

    before = _schedule(plan, book, window)
    after = _schedule(plan, [withdraw(c) for c in book], window)
    on_it = [
        t for t in after if isinstance(t, Touchpoint) and t.channel.contact_channel is withdrawn
    ]
    assert not on_it
    # Nothing appears from nowhere: every instant planned after was planned or dropped before.
    assert {
        (x.due, x.touchpoint.customer_id if isinstance(x, Drop) else x.customer_id) for x in after
    } <= {
        (x.due, x.touchpoint.customer_id if isinstance(x, Drop) else x.customer_id) for x in before
    }


@settings(max_examples=scaled(12))
@given(scenarios(), st.integers(1, 60))
def test_windows_cut_at_local_midnight_tile(
    scenario: tuple[CarePlan, list[Customer], Window], day: int
) -> None:
    """Without a cap (counted per window), two adjoining windows plan what one plan does."""
    plan, book, (start, end, tz) = scenario
    plan = attrs.evolve(plan, cap=None)
    zone = ZoneInfo(tz)
    local = start.astimezone(zone)
    cut = datetime.combine(local.date() + timedelta(days=day), time(), tzinfo=zone)
    if not start <= cut <= end:
        cut = start
    whole = _schedule(plan, book, (start, end, tz))
    parts = _schedule(plan, book, (start, cut, tz)) + _schedule(plan, book, (cut, end, tz))
    assert parts == whole


@given(aware_datetimes(), kc.offsets(max_years=3))
def test_the_fast_offset_arithmetic_is_relativedelta_s(
    moment: datetime, offset: relativedelta
) -> None:
    from khachhang.care.planning._offsets import fast_offset, shift

    local = moment.astimezone(timezone(timedelta(hours=7)))  # no DST: relativedelta's sum
    assert shift(local, *fast_offset(offset)) == local + offset


PLAN_MODELS: list[tuple[type[Any], st.SearchStrategy[Any]]] = [
    (CarePlan, kc.care_plans()),
    (FollowUp, kc.follow_ups()),
    (BirthdayGreeting, kc.birthday_greetings()),
    (Anniversary, kc.anniversaries()),
    (HolidayGreeting, kc.holiday_greetings()),
    (CheckIn, kc.check_ins()),
    (QuietHours, kc.quiet_hours()),
    (Cap, kc.caps()),
    (Touchpoint, kc.touchpoints()),
    (Drop, kc.drops()),
]


@pytest.mark.parametrize(("cls", "strategy"), PLAN_MODELS, ids=lambda v: getattr(v, "__name__", ""))
@settings(max_examples=scaled(15))
@given(data=st.data())
def test_plan_models_round_trip(cls: type[Any], strategy: Any, data: st.DataObject) -> None:
    value = data.draw(strategy)
    assert from_dict(to_dict(value), cls) == value


@settings(max_examples=scaled(5))
@given(data=st.data())
def test_registered_strategies_reach_from_type(data: st.DataObject) -> None:
    kc.register_types()
    assert isinstance(data.draw(st.from_type(Touchpoint)), Touchpoint)
    assert isinstance(data.draw(st.from_type(CarePlan)), CarePlan)


# --- time zones, DST and the calendar's ends ---------------------------------------------------


def _berlin(plan: CarePlan, book: list[Customer], start: datetime, end: datetime) -> list[Any]:
    return list(
        plan.schedule(book, start=start, end=end, tz="Europe/Berlin", consent=opted_in(book))
    )


def test_a_nonexistent_local_time_moves_forward_by_the_gap_and_respects_the_window() -> None:
    """A greeting at 02:30 on the day clocks go forward is due at 03:30 CEST (01:30 UTC):
    a window ending at 03:00 CEST does not hold it, the next window does."""
    greet = HolidayGreeting.from_mapping({SPRING: "Lễ"}, time_of_day=time(2, 30))
    plan = plan_of(greet, quiet_hours=None)
    cut = datetime(2026, 3, 29, 1, tzinfo=UTC)
    assert _berlin(plan, [person()], datetime(2026, 3, 1, tzinfo=UTC), cut) == []
    [t] = _berlin(plan, [person()], cut, datetime(2026, 4, 1, tzinfo=UTC))
    assert t.due.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert t.due.replace(tzinfo=None) == datetime(2026, 3, 29, 3, 30)  # a real wall time


def test_repeated_local_times_are_ordered_by_the_instant() -> None:
    """When clocks go back, 02:10 (second pass, 01:10 UTC) is after 02:30 (first pass,
    00:30 UTC); a follow-up at the purchase's own instant is never before the purchase."""
    bought = datetime(2026, 10, 25, 1, 10, tzinfo=UTC)
    an = person(purchases=(bought,))
    plan = plan_of(
        HolidayGreeting.from_mapping({AUTUMN: "Lễ"}, time_of_day=time(2, 30)),
        FollowUp("at-once", [relativedelta()], time_of_day=None),
        quiet_hours=None,
    )
    found = _berlin(
        plan, [an], datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
    )
    assert [t.source for t in found] == ["holidays", "at-once"]
    # (an aware time in a fold never equals one in another zone, PEP 495: compare in UTC)
    assert found[1].due.astimezone(UTC) == bought
    assert found[1].due.fold == 1


def test_quiet_hours_never_move_a_touchpoint_back_in_time() -> None:
    """Quiet hours ending at 02:30 on the night clocks go back: a purchase at 02:10 of the
    second pass is followed up at the second 02:30, not the first (an hour earlier)."""
    bought = datetime(2026, 10, 25, 1, 10, tzinfo=UTC)
    plan = plan_of(
        FollowUp("at-once", [relativedelta()], time_of_day=None),
        quiet_hours=QuietHours(time(21), time(2, 30)),
    )
    [t] = _berlin(
        plan, [person(purchases=(bought,))], datetime(2026, 10, 1, tzinfo=UTC), bought + _DAYS
    )
    assert t.due.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_hours_after_a_purchase_are_elapsed_time_across_a_dst_change() -> None:
    """Two hours after 01:30 CET on the spring-forward night is 04:30 CEST (two real hours)."""
    bought = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)
    rule = FollowUp("two-hours", [relativedelta(hours=2)], time_of_day=None)
    book = [person(purchases=(bought,))]
    [t] = _berlin(plan_of(rule, quiet_hours=None), book, bought - _DAYS, bought + _DAYS)
    assert t.due.astimezone(UTC) - bought.astimezone(UTC) == timedelta(hours=2)
    assert t.due.hour == 4


DST_DAYS = st.sampled_from([SPRING, AUTUMN, date(2027, 3, 28), date(2027, 10, 31)])


@settings(max_examples=scaled(60))
@given(
    kc.quiet_hours(),
    DST_DAYS,
    st.integers(-3 * 60, 27 * 60),
)
# The whole allowed window, 02:00-02:15, is in the spring gap: the next allowed time is
# the next day's 02:00 (03:00, the end moved by the gap, is quiet again).
@example(QuietHours(time(2, 15), time(2, 0)), SPRING, 0)
def test_quiet_hours_move_forward_to_an_allowed_time_around_dst(
    quiet: QuietHours, day: date, minutes: int
) -> None:
    instant = datetime.combine(day, time(), tzinfo=UTC) + timedelta(minutes=minutes)
    moment = instant.astimezone(BERLIN)
    moved = quiet.move(at=moment)
    assert moved >= moment
    assert moved.tzinfo is BERLIN
    assert moved.astimezone(UTC).astimezone(BERLIN).replace(tzinfo=None) == moved.replace(
        tzinfo=None
    ), "a wall time that exists"
    assert not quiet.contains(at=moved.time())


@pytest.mark.parametrize(
    "tz", ["Asia/Ho_Chi_Minh", "America/New_York", "Pacific/Kiritimati", "Etc/GMT-14", "Etc/GMT+12"]
)
def test_windows_at_the_calendar_s_ends_are_clipped_not_errors(tz: str) -> None:
    """Python's calendar runs from year 1 to 9999; the plan covers 0001-01-03 to 9999-12-29
    UTC and clips wider windows, so ``end=datetime.max`` means "no end"."""
    everyone = person(born=date(1990, 12, 30), purchases=(datetime(9999, 12, 20, tzinfo=UTC),))
    plan = plan_of(
        BirthdayGreeting(),
        FollowUp("late", [relativedelta(days=3), relativedelta(years=1)]),
        HolidayGreeting.from_mapping({date(9999, 12, 31): "Cuối lịch", date(1, 1, 1): "Đầu lịch"}),
        CheckIn("vip", "vip", relativedelta(years=5000)),
    )
    first, last = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
    early = list(
        plan.schedule(
            [everyone],
            start=first,
            end=datetime(1, 3, 1, tzinfo=UTC),
            tz=tz,
            segments={"vip": _vip},
            consent=opted_in([everyone]),
        )
    )
    assert early == []  # born in 1990; nothing before 0001-01-03
    late = list(
        plan.touchpoints(
            [everyone],
            start=datetime(9999, 12, 1, tzinfo=UTC),
            end=last,
            tz=tz,
            segments={"vip": _vip},
            consent=opted_in([everyone]),
        )
    )
    assert [t.purpose for t in late] == [Purpose.FOLLOW_UP]  # 23 Dec; the 30th is clipped
    assert all(t.due < datetime(9999, 12, 29, tzinfo=UTC) for t in late)
    stream = plan.touchpoints(
        [everyone],
        start=datetime(2026, 1, 1, tzinfo=UTC),
        end=last,
        tz=tz,
        segments={"vip": _vip},
        consent=opted_in([everyone]),
    )
    assert next(stream).purpose is Purpose.BIRTHDAY  # lazy: the year 9999 is never planned


def test_anniversaries_of_a_customer_who_joined_on_29_february() -> None:
    leap = person(created=datetime(2024, 2, 29, 10, tzinfo=VN))
    since = (JAN - relativedelta(years=1), JAN + relativedelta(years=3))
    rule = Anniversary("since", channels=[Channel.PHONE])
    feb = [t.due.date() for t in run(plan_of(rule), [leap], *since)]
    assert feb == [date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)]
    march = attrs.evolve(rule, leap_day=LeapDay.MARCH_1)
    assert [t.note for t in run(plan_of(march), [leap], *since)] == ["1", "2", "3", "4"]
    assert run(plan_of(march), [leap], *since)[0].due.date() == date(2025, 3, 1)


def test_a_run_of_holidays_is_greeted_on_its_first_day_only_if_the_window_holds_it() -> None:
    tet = {date(2026, 2, 16) + timedelta(days=k): "Tết Nguyên Đán" for k in range(5)}
    plan = plan_of(HolidayGreeting.from_mapping(tet))
    first_day = datetime(2026, 2, 16, 9, tzinfo=VN)
    assert [t.due for t in run(plan, [person()], first_day, first_day + _DAYS)] == [first_day]
    assert run(plan, [person()], JAN, first_day) == []  # end is exclusive
    assert run(plan, [person()], first_day + timedelta(seconds=1), first_day + _DAYS) == []


def test_the_cap_counts_across_the_month_cut_in_the_same_week() -> None:
    """30 Nov and 1 Dec 2026 are in one ISO week: the cap of one drops the second."""
    days = {date(2026, 11, 30): "Lễ", date(2026, 12, 1): "Lễ"}
    plan = plan_of(HolidayGreeting.from_mapping(days, merge_runs=False), cap=Cap(1, Period.WEEK))
    found = run(plan, [person()], datetime(2026, 11, 1, tzinfo=VN), datetime(2027, 1, 1, tzinfo=VN))
    assert [(type(x).__name__, x.due.day) for x in found] == [("Touchpoint", 30), ("Drop", 1)]


def test_no_contacts_and_no_purchases_after_the_window() -> None:
    bare = Customer("c-9", Person("Phạm Văn Bình", birth_date=date(1990, 1, 5)), created_at=JAN)
    late = person(purchases=(JAN + relativedelta(months=2),))
    plan = plan_of(BirthdayGreeting(), FollowUp("soon", [relativedelta(days=1)]))
    found = run(plan, [bare, late], JAN, JAN + relativedelta(months=1))
    assert [(x.touchpoint.customer_id, x.reason) for x in found] == [
        ("c-9", DropReason.NO_CONTACT_POINT)
    ]


def test_the_stream_plans_one_month_at_a_time() -> None:
    """Taking the first touchpoint asks the segment predicate about the first month only."""
    asked: list[datetime] = []

    def vip(customer: Customer, as_of: datetime) -> bool:
        asked.append(as_of)
        return True

    plan = plan_of(CheckIn("daily", "vip", relativedelta(days=1)))
    book = [person()]
    stream = plan.touchpoints(
        book,
        start=JAN,
        end=JAN + relativedelta(years=1),
        segments={"vip": vip},
        consent=opted_in(book),
    )
    assert asked == []  # nothing planned before the first item is asked for
    assert next(stream).due.month == 1
    assert asked
    assert max(asked) < JAN + relativedelta(months=1)


def test_the_public_helpers_refuse_bad_arguments_naming_them() -> None:
    with pytest.raises(ValidationError, match="anchor"):
        on_anniversary("2004-02-29", 2026)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="anchor"):
        on_anniversary(datetime(2004, 2, 29, 9), 2026)
    with pytest.raises(ValidationError, match="year"):
        on_anniversary(date(2004, 2, 29), 10_000)
    with pytest.raises(ValidationError, match="day"):
        Period.WEEK.key("2026-01-05")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^at: "):
        QuietHours().contains(at=datetime(2026, 1, 5, 22))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^at: "):
        QuietHours().contains(at=time(22, tzinfo=UTC))
    with pytest.raises(ValidationError, match=r"^at: "):
        QuietHours().move(at=time(22))  # type: ignore[arg-type]


def test_rules_and_touchpoints_stored_before_consent_purposes_load_with_the_defaults() -> None:
    """Data written without consent_purpose reads as service for follow-ups, marketing else."""
    plan = plan_of(BirthdayGreeting(), FollowUp("after", [relativedelta(days=3)]))
    data: Any = to_dict(plan)
    for rule in data["rules"]:
        del rule["consent_purpose"]
    assert [r.consent_purpose for r in from_dict(data, CarePlan).rules] == ["marketing", "service"]
    t = Touchpoint("c-1", JAN, Channel.SMS, Purpose.FOLLOW_UP, "after")
    stored: Any = to_dict(t)
    del stored["consent_purpose"]
    assert from_dict(stored, Touchpoint).consent_purpose == "service"
    with pytest.raises(ValidationError, match="consent_purpose"):
        BirthdayGreeting(consent_purpose="Tiếp thị")
