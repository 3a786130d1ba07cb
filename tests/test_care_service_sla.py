"""Business calendars, the complaint machine and the service-level clock."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from conftest import HO_CHI_MINH as ICT
from conftest import scaled
from khachhang.care.channels import Channel
from khachhang.care.service.business_calendar import MON_SAT, BusinessCalendar
from khachhang.care.service.complaints import (
    COMPLAINT,
    Complaint,
    ComplaintStatus,
    Priority,
    Resolution,
    ResolutionOutcome,
)
from khachhang.care.service.sla import (
    ClockMode,
    EscalationLevel,
    ServiceLevel,
    SlaMetric,
    SlaTarget,
)
from khachhang.errors import ConversionError, TransitionError, ValidationError
from khachhang.serde import from_dict, to_dict
from khachhang.testing import aware_datetimes, business_calendars, complaints, service_levels
from khachhang.testing._care_service import TET_2026

H = timedelta(hours=1)
MIN = timedelta(minutes=1)
TICK = timedelta(microseconds=1)
DAY = timedelta(days=1)
VN = BusinessCalendar(holidays=TET_2026)
GAPS = st.integers(0, 30 * 24 * 60).map(lambda m: timedelta(minutes=m))
INSTANTS = aware_datetimes(
    datetime(2025, 12, 1, tzinfo=timezone.utc), datetime(2026, 12, 31, tzinfo=timezone.utc)
)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ICT)


def fixed(minutes: int) -> ServiceLevel:
    """A policy with a first-reply and a resolution target of ``minutes`` (business hours)."""
    return ServiceLevel(
        "test",
        (
            SlaTarget(SlaMetric.FIRST_REPLY, minutes * MIN),
            SlaTarget(SlaMetric.NEXT_REPLY, minutes * MIN),
            SlaTarget(SlaMetric.RESOLUTION, minutes * MIN),
        ),
        calendar=VN,
    )


def complaint(received: datetime, priority: Priority = Priority.NORMAL) -> Complaint:
    return Complaint("k-1", "c-1", Channel.PHONE, "Giao hàng trễ", received, priority)


def resolve(c: Complaint, when: datetime) -> Complaint:
    return COMPLAINT.fire(c, "resolve", at=when, payload=Resolution(ResolutionOutcome.REFUND))


# --- the calendar: domain examples -------------------------------------------------------
def test_a_weekend_adds_no_business_time() -> None:
    assert VN.business_time(at(2026, 1, 9, 16), at(2026, 1, 12, 9)) == 2 * H


def test_a_saturday_calendar_counts_saturday() -> None:
    saturdays = BusinessCalendar(workdays=MON_SAT)
    assert saturdays.business_time(at(2026, 1, 9, 16), at(2026, 1, 12, 9)) == 10 * H


def test_lunch_is_not_working_time() -> None:
    assert VN.business_time(at(2026, 1, 7, 11, 30), at(2026, 1, 7, 13, 30)) == H
    assert not VN.is_open(at=at(2026, 1, 7, 12, 15))
    assert VN.is_open(at=at(2026, 1, 7, 13))


def test_tet_holidays_stop_the_clock_for_the_whole_week() -> None:
    """Tết Bính Ngọ 2026: 16–20 February are days off (TET_2026)."""
    friday = at(2026, 2, 13, 16)
    assert VN.business_time(friday, at(2026, 2, 21, 23)) == H
    assert VN.add(friday, 2 * H) == at(2026, 2, 23, 9)


def test_the_holidays_package_plugs_in_as_a_mapping() -> None:
    holidays = pytest.importorskip("holidays")
    vn = BusinessCalendar(holidays=holidays.country_holidays("VN", years=2026))
    assert not vn.is_working_day(date(2026, 9, 2))  # Quốc khánh
    assert vn.is_working_day(date(2026, 9, 7))


def test_a_bad_calendar_is_refused_with_the_field_named() -> None:
    cases = {
        "tz": {"tz": "Mars/Olympus"},
        "workdays": {"workdays": [0]},
        "closes": {"opens": time(18), "closes": time(8)},
        "lunch_start": {"lunch_start": time(7), "lunch_end": time(8)},
        "holidays": {"holidays": {"2026-01-01": "Tết Dương lịch"}},
    }
    for path, kwargs in cases.items():
        with pytest.raises(ValidationError) as err:
            BusinessCalendar(**kwargs)  # type: ignore[arg-type]
        assert err.value.path == path


# --- the calendar: laws -------------------------------------------------------------------
@settings(max_examples=scaled(60))
@given(business_calendars(), INSTANTS, GAPS, GAPS)
def test_business_time_adds_up_and_never_beats_the_wall_clock(
    cal: BusinessCalendar, a: datetime, g1: timedelta, g2: timedelta
) -> None:
    b, c = a + g1, a + g1 + g2
    ab, bc, ac = cal.business_time(a, b), cal.business_time(b, c), cal.business_time(a, c)
    assert ab + bc == ac
    assert timedelta(0) <= ac <= c - a


@settings(max_examples=scaled(60))
@given(business_calendars(), INSTANTS, st.integers(0, 80 * 60).map(lambda m: m * MIN))
def test_add_lands_where_exactly_that_much_business_time_has_passed(
    cal: BusinessCalendar, start: datetime, amount: timedelta
) -> None:
    end = cal.add(start, amount)
    assert cal.business_time(start, end) == amount
    assert amount == timedelta(0) or cal.business_time(start, end - MIN) < amount


@settings(max_examples=scaled(60))
@given(business_calendars(), INSTANTS, st.floats(0, 1))
def test_no_business_time_passes_outside_working_hours(
    cal: BusinessCalendar, start: datetime, share: float
) -> None:
    opening = cal.passes(start, start + timedelta(days=60), timedelta(0))
    assume(opening is not None)
    assert opening is not None
    inside = start + (opening - start) * share
    assert cal.business_time(start, inside) == timedelta(0)
    assert inside == opening or not cal.is_open(at=inside)


# --- the complaint machine ----------------------------------------------------------------
@given(complaints())
def test_replaying_the_log_gives_back_the_complaint(c: Complaint) -> None:
    assert COMPLAINT.replay(c.events, onto=c.opening()) == c


@given(complaints())
def test_a_complaint_round_trips_through_the_converter(c: Complaint) -> None:
    assert from_dict(to_dict(c), Complaint) == c


@given(complaints(), st.sampled_from([t.name for t in COMPLAINT.transitions]))
def test_a_refused_move_leaves_the_complaint_unchanged(c: Complaint, move: str) -> None:
    before = to_dict(c)  # a deep snapshot, not the same tuples
    later = (c.events[-1].at if c.events else c.received_at) + H
    allowed = {t.name for t in COMPLAINT.moves_from(c.status)} - {"resolve", "reopen"}
    if move in allowed:
        moved = COMPLAINT.fire(c, move, at=later)
        assert moved.events[:-1] == c.events
        assert moved.events[-1].transition == move
    else:  # not from here, or resolve and reopen without their payload and note
        with pytest.raises(TransitionError) as err:
            COMPLAINT.fire(c, move, at=later)
        assert (err.value.machine, err.value.state) == ("complaint", c.status)
    assert to_dict(c) == before


def test_moves_before_arrival_are_refused() -> None:
    c = complaint(at(2026, 3, 2, 9))
    with pytest.raises(TransitionError, match="before the complaint arrived"):
        COMPLAINT.fire(c, "acknowledge", at=at(2026, 3, 2, 8))


def test_resolving_needs_a_resolution_and_reopening_a_reason() -> None:
    c = complaint(at(2026, 3, 2, 9))
    with pytest.raises(TransitionError, match="Resolution"):
        COMPLAINT.fire(c, "resolve", at=at(2026, 3, 2, 10))
    c = resolve(c, at(2026, 3, 2, 10))
    with pytest.raises(TransitionError, match="why"):
        COMPLAINT.fire(c, "reopen", at=at(2026, 3, 3, 10))
    c = COMPLAINT.fire(c, "reopen", at=at(2026, 3, 3, 10), note="vẫn lỗi")
    assert c.status is ComplaintStatus.IN_PROGRESS


def test_a_closed_complaint_cannot_be_reopened() -> None:
    c = COMPLAINT.fire(resolve(complaint(at(2026, 3, 2, 9)), at(2026, 3, 2, 10)), "close",
                       at=at(2026, 3, 4, 9))  # fmt: skip
    assert c.status is ComplaintStatus.CLOSED
    with pytest.raises(TransitionError):
        COMPLAINT.fire(c, "reopen", at=at(2026, 3, 5, 9), note="vẫn lỗi")


def test_a_tampered_log_does_not_load() -> None:
    c = resolve(complaint(at(2026, 3, 2, 9)), at(2026, 3, 2, 10))
    data: Any = to_dict(c)
    data["events"][0]["target"] = "closed"
    with pytest.raises(ConversionError):
        from_dict(data, Complaint)
    data = to_dict(c)
    data["events"][0]["at"] = "2026-03-01T00:00:00+07:00"  # before arrival
    with pytest.raises(ConversionError):
        from_dict(data, Complaint)


# --- the SLA clock: domain examples -------------------------------------------------------
def test_first_reply_breach_waits_for_the_next_opening_after_a_target_met_at_closing() -> None:
    """4 h from 13:00 ends at 17:00; the clock is only *exceeded* at 08:00 next day."""
    c = complaint(at(2026, 3, 2, 13))
    clock = fixed(4 * 60).clock(c)
    assert clock.breaches(as_of=at(2026, 3, 2, 23)) == ()
    (breach,) = [
        b for b in clock.breaches(as_of=at(2026, 3, 3, 9)) if b.metric is SlaMetric.FIRST_REPLY
    ]
    assert breach.at == at(2026, 3, 3, 8)
    replied = COMPLAINT.fire(c, "acknowledge", at=at(2026, 3, 2, 20))  # after hours
    later = fixed(4 * 60).clock(replied).breaches(as_of=at(2026, 3, 9, 9))
    assert all(b.metric is not SlaMetric.FIRST_REPLY for b in later)


def test_waiting_on_the_customer_pauses_the_resolution_clock() -> None:
    c = complaint(at(2026, 3, 2, 9))
    c = COMPLAINT.fire(c, "acknowledge", at=at(2026, 3, 2, 10))
    c = COMPLAINT.fire(c, "request_info", at=at(2026, 3, 2, 11))
    c = COMPLAINT.fire(c, "customer_reply", at=at(2026, 3, 5, 9))
    clock = fixed(24 * 60).clock(c)
    assert clock.elapsed(SlaMetric.RESOLUTION, as_of=at(2026, 3, 5, 10)) == 3 * H
    assert clock.elapsed(SlaMetric.NEXT_REPLY, as_of=at(2026, 3, 5, 10)) == H
    assert not clock.running(SlaMetric.RESOLUTION, as_of=at(2026, 3, 4, 9))


def test_a_calendar_clock_counts_nights_and_weekends() -> None:
    policy = attrs.evolve(fixed(60), mode=ClockMode.CALENDAR)
    c = complaint(at(2026, 1, 9, 16))
    assert policy.clock(c).elapsed(SlaMetric.FIRST_REPLY, as_of=at(2026, 1, 12, 9)) == 65 * H


def test_a_priority_target_wins_over_the_general_one() -> None:
    policy = ServiceLevel(
        "p",
        (
            SlaTarget(SlaMetric.FIRST_REPLY, 4 * H),
            SlaTarget(SlaMetric.FIRST_REPLY, H, Priority.URGENT),
        ),
    )
    assert policy.target(SlaMetric.FIRST_REPLY, Priority.URGENT) == H
    assert policy.target(SlaMetric.FIRST_REPLY, Priority.LOW) == 4 * H
    assert policy.target(SlaMetric.RESOLUTION, Priority.LOW) is None


def test_escalation_climbs_at_half_three_quarters_and_the_full_target() -> None:
    clock = fixed(8 * 60).clock(complaint(at(2026, 3, 2, 8)))  # Monday 08:00, 8 h target
    levels = [
        clock.escalation(SlaMetric.FIRST_REPLY, as_of=at(2026, 3, 2, h)) for h in (9, 13, 16, 17)
    ]
    assert levels == [
        EscalationLevel.NONE,  # 1 h: 12.5 %
        EscalationLevel.REMINDER,  # 4 h (lunch excluded): 50 %
        EscalationLevel.WARNING,  # 7 h: 87.5 %
        EscalationLevel.ESCALATED,  # 8 h: 100 %
    ]


def test_next_reply_cycles_are_measured_and_breached_one_by_one() -> None:
    c = complaint(at(2026, 3, 2, 8))
    c = COMPLAINT.fire(c, "acknowledge", at=at(2026, 3, 2, 8, 30))
    c = COMPLAINT.fire(c, "customer_reply", at=at(2026, 3, 2, 9))
    c = COMPLAINT.fire(c, "reply", at=at(2026, 3, 2, 11))  # 2 h: breach of a 1 h target
    c = COMPLAINT.fire(c, "customer_reply", at=at(2026, 3, 2, 14))
    clock = fixed(60).clock(c)
    next_breaches = [
        b for b in clock.breaches(as_of=at(2026, 3, 2, 16)) if b.metric.value == "next_reply"
    ]
    assert [(b.cycle, b.at) for b in next_breaches] == [
        (0, at(2026, 3, 2, 10)),
        (1, at(2026, 3, 2, 15)),
    ]
    assert clock.elapsed(SlaMetric.NEXT_REPLY, as_of=at(2026, 3, 2, 16)) == 2 * H


def test_a_bad_policy_is_refused() -> None:
    with pytest.raises(ValidationError, match="positive"):
        SlaTarget(SlaMetric.RESOLUTION, timedelta(0))
    with pytest.raises(ValidationError):
        ServiceLevel("x", (), escalation_at=(75, 50, 100))
    twice = (SlaTarget(SlaMetric.RESOLUTION, H), SlaTarget(SlaMetric.RESOLUTION, 2 * H))
    with pytest.raises(ValidationError, match="second"):
        ServiceLevel("x", twice)


# --- the SLA clock: laws ------------------------------------------------------------------
MONOTONE = (SlaMetric.FIRST_REPLY, SlaMetric.RESOLUTION)


@settings(max_examples=scaled(30))
@given(service_levels(), complaints(), GAPS, GAPS, st.sampled_from(MONOTONE))
def test_elapsed_never_decreases_and_never_beats_calendar_time(
    policy: ServiceLevel, c: Complaint, g1: timedelta, g2: timedelta, metric: SlaMetric
) -> None:
    a = c.received_at + g1
    b = a + g2
    clock = policy.clock(c)
    assert clock.elapsed(metric, as_of=a) <= clock.elapsed(metric, as_of=b)
    wall = attrs.evolve(policy, mode=ClockMode.CALENDAR).clock(c)
    assert clock.elapsed(metric, as_of=b) <= wall.elapsed(metric, as_of=b) <= b - c.received_at


def _asked_back() -> Complaint:
    """Replied to, written to, asked for details a minute later, answered the next minute."""
    t = at(2026, 3, 2, 10)
    c = COMPLAINT.fire(complaint(t), "acknowledge", at=t)
    c = COMPLAINT.fire(c, "begin_work", at=t)
    c = COMPLAINT.fire(c, "customer_reply", at=t + MIN)
    c = COMPLAINT.fire(c, "request_info", at=t + 2 * MIN)
    return COMPLAINT.fire(c, "customer_reply", at=t + 3 * MIN)


def test_a_customer_message_starts_a_fresh_next_reply_clock_even_from_a_pause() -> None:
    """Next reply reports the latest cycle: at the customer's answer, a new one at zero."""
    c = _asked_back()
    clock = attrs.evolve(fixed(60), mode=ClockMode.CALENDAR).clock(c)
    asked, answered = c.received_at + 2 * MIN, c.received_at + 3 * MIN
    assert clock.elapsed(SlaMetric.NEXT_REPLY, as_of=asked) == MIN  # the cycle our question closed
    assert clock.elapsed(SlaMetric.NEXT_REPLY, as_of=answered - TICK) == MIN  # paused since
    assert clock.elapsed(SlaMetric.NEXT_REPLY, as_of=answered) == timedelta(0)
    assert clock.running(SlaMetric.NEXT_REPLY, as_of=answered)


@settings(max_examples=scaled(30))
@given(service_levels(), complaints(), GAPS, GAPS)
@example(fixed(60), _asked_back(), 2 * MIN, 5 * MIN)  # the next move opens a new cycle
def test_a_paused_clock_stands_still(
    policy: ServiceLevel, c: Complaint, g1: timedelta, g2: timedelta
) -> None:
    """From any instant up to (not including) the next move, in the status it is in."""
    a = c.received_at + g1
    following = [e.at for e in c.events if e.at > a]
    # At the next move's instant the status has changed (and a customer message there
    # starts a fresh next-reply cycle), so the law holds until just before it.
    b = min([a + g2, *(t - TICK for t in following[:1])])
    paused = attrs.evolve(policy, paused_in={c.status_at(as_of=a)})  # whatever status it is in
    clock = paused.clock(c)
    for metric in SlaMetric:
        assert clock.elapsed(metric, as_of=a) == clock.elapsed(metric, as_of=b)
        assert not clock.running(metric, as_of=a)


@settings(max_examples=scaled(30))
@given(service_levels(), complaints(), GAPS, GAPS)
def test_breaches_are_never_back_dated(
    policy: ServiceLevel, c: Complaint, g1: timedelta, g2: timedelta
) -> None:
    a = c.received_at + g1
    b = a + g2
    clock = policy.clock(c)
    early, late = clock.breaches(as_of=a), clock.breaches(as_of=b)
    assert all(breach.at < a for breach in early)
    assert set(early) <= set(late)
    assert all(breach.at < b for breach in late)


@settings(max_examples=scaled(30))
@given(service_levels(), complaints(), GAPS, st.sampled_from(MONOTONE))
def test_a_breach_is_listed_exactly_when_the_target_is_exceeded(
    policy: ServiceLevel, c: Complaint, gap: timedelta, metric: SlaMetric
) -> None:
    as_of = c.received_at + gap
    target = policy.target(metric, c.priority)
    if target is None:
        target = 2 * H
        policy = attrs.evolve(policy, targets=(*policy.targets, SlaTarget(metric, target)))
    clock = policy.clock(c)
    mine = [b for b in clock.breaches(as_of=as_of) if b.metric is metric]
    assert bool(mine) == (clock.elapsed(metric, as_of=as_of) > target)
    for breach in mine:
        assert clock.elapsed(metric, as_of=breach.at) == target


def test_the_clock_ignores_events_after_as_of() -> None:
    c = resolve(complaint(at(2026, 3, 2, 9)), at(2026, 3, 4, 9))
    clock = fixed(60).clock(c)
    assert clock.running(SlaMetric.RESOLUTION, as_of=at(2026, 3, 3, 9))
    assert not clock.running(SlaMetric.RESOLUTION, as_of=at(2026, 3, 5, 9))
    assert clock.elapsed(SlaMetric.RESOLUTION, as_of=at(2026, 3, 2, 8)) == timedelta(0)


@settings(max_examples=scaled(30))
@given(service_levels(mode=ClockMode.BUSINESS), complaints(max_moves=0), st.floats(0, 1))
def test_a_complaint_that_arrives_after_hours_has_no_time_on_its_clock_until_opening(
    policy: ServiceLevel, c: Complaint, share: float
) -> None:
    received = c.received_at
    opening = policy.calendar.passes(received, received + timedelta(days=60), timedelta(0))
    assume(opening is not None)
    assert opening is not None
    as_of = received + (opening - received) * share
    clock = policy.clock(c)
    for metric in SlaMetric:
        assert clock.elapsed(metric, as_of=as_of) == timedelta(0)
    assert clock.breaches(as_of=as_of) == ()


def test_the_log_answers_when_the_firm_first_replied_and_resolved() -> None:
    c = complaint(at(2026, 3, 2, 9))
    assert c.first_reply_at() is None
    assert c.resolved_at() is None
    c = COMPLAINT.fire(c, "begin_work", at=at(2026, 3, 2, 10))  # work is not a reply
    c = COMPLAINT.fire(c, "reply", at=at(2026, 3, 2, 11))
    c = resolve(c, at(2026, 3, 3, 9))
    assert c.first_reply_at() == at(2026, 3, 2, 11)
    assert c.resolved_at() == at(2026, 3, 3, 9)
    assert c.status_at(as_of=at(2026, 3, 2, 10, 30)) is ComplaintStatus.IN_PROGRESS
    assert not c.is_open


def test_the_complaint_machine_draws_every_status_in_both_languages() -> None:
    for lang in ("vi", "en"):
        text = COMPLAINT.to_mermaid(current=ComplaintStatus.RESOLVED, lang=lang)
        for status in ComplaintStatus:
            assert status.label(lang) in text


def test_long_spans_agree_with_counting_working_days_one_by_one() -> None:
    cal = BusinessCalendar(holidays=TET_2026)
    for start, end in [(date(2026, 1, 1), date(2027, 1, 1)), (date(2021, 3, 5), date(2026, 3, 5))]:
        days = (end - start).days
        expected = sum(
            (cal.hours_per_day for n in range(days) if cal.is_working_day(start + n * DAY)),
            timedelta(0),
        )
        assert cal.business_time(at(start.year, start.month, start.day),
                                 at(end.year, end.month, end.day)) == expected  # fmt: skip
