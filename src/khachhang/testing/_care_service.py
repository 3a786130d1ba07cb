"""Hypothesis strategies for complaints, service levels, feedback, loyalty and internal care.

Private; the lead re-exports them from :mod:`khachhang.testing`. Every strategy builds
valid values directly: complaints are random walks over the complaint machine, ledgers
are built by earning and redeeming only what the balance allows.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from khachhang.care.channels import Channel
from khachhang.care.service.business_calendar import MON_FRI, MON_SAT, BusinessCalendar
from khachhang.care.service.complaints import (
    COMPLAINT,
    Complaint,
    ComplaintStatus,
    Priority,
    Resolution,
    ResolutionOutcome,
)
from khachhang.care.service.economics import RetentionEconomics
from khachhang.care.service.feedback import (
    CesResponse,
    CesSummary,
    CsatResponse,
    CsatSummary,
    NpsResponse,
    NpsSummary,
)
from khachhang.care.service.internal import (
    InternalActivity,
    InternalActivityKind,
    InternalCareProgram,
    InternalSession,
    InternalSurveyResponse,
)
from khachhang.care.service.loyalty import (
    EntryKind,
    LedgerEntry,
    LoyaltyProgram,
    LoyaltyTier,
    PointsLedger,
    Reward,
    RewardKind,
)
from khachhang.care.service.sla import (
    Breach,
    ClockMode,
    EscalationLevel,
    ServiceLevel,
    SlaClock,
    SlaMetric,
    SlaStatus,
    SlaTarget,
)
from khachhang.kinds import InternalUnit
from khachhang.money import Money
from khachhang.testing._hook import register_module
from khachhang.testing._strategies import aware_datetimes

__all__ = [
    "breaches",
    "business_calendars",
    "ces_responses",
    "ces_summaries",
    "complaints",
    "csat_responses",
    "csat_summaries",
    "internal_activities",
    "internal_care_programs",
    "internal_sessions",
    "internal_survey_responses",
    "ledger_entries",
    "loyalty_programs",
    "loyalty_tiers",
    "nps_responses",
    "nps_summaries",
    "points_ledgers",
    "resolutions",
    "retention_economics",
    "rewards",
    "service_levels",
    "sla_clocks",
    "sla_statuses",
    "sla_targets",
]

TET_2026: dict[date, str] = {
    date(2026, 2, 16): "Tết Nguyên Đán (29 tháng Chạp)",
    date(2026, 2, 17): "Tết Nguyên Đán (Mùng 1)",
    date(2026, 2, 18): "Tết Nguyên Đán (Mùng 2)",
    date(2026, 2, 19): "Tết Nguyên Đán (Mùng 3)",
    date(2026, 2, 20): "Tết Nguyên Đán (Mùng 4)",
    date(2026, 4, 30): "Ngày Giải phóng miền Nam",
    date(2026, 5, 1): "Quốc tế Lao động",
    date(2026, 9, 2): "Quốc khánh",
}
"""Vietnamese public holidays of 2026 (Tết Bính Ngọ and the national days), for examples."""

_START = datetime(2025, 12, 1, tzinfo=timezone.utc)
_END = datetime(2026, 12, 31, tzinfo=timezone.utc)
_ZONES = (
    "Asia/Ho_Chi_Minh",
    "UTC",
    "Asia/Bangkok",
    "Asia/Tokyo",
    "Europe/Berlin",
    "America/St_Johns",  # UTC−03:30 with daylight saving
    "Pacific/Kiritimati",  # UTC+14: a local working day is the previous UTC day
)
_SUBJECTS = (
    "Giao hàng trễ",
    "Sản phẩm bị lỗi",
    "Sai hóa đơn",
    "Nhân viên thiếu nhiệt tình",
    "Không liên hệ được tổng đài",
    "Bảo hành chậm",
)
_IDS = st.builds("{}-{}".format, st.sampled_from(("c", "kh", "kn", "nv")), st.integers(1, 99_999))


# --- calendars and service levels -----------------------------------------------------
@functools.cache
def _holiday_maps() -> SearchStrategy[dict[date, str]]:
    extra = st.dictionaries(
        st.dates(date(2025, 12, 1), date(2026, 12, 31)), st.just("Ngày nghỉ"), max_size=4
    )
    return st.one_of(st.just({}), st.just(dict(TET_2026)), extra)


def business_calendars(*, tz: str | None = None) -> SearchStrategy[BusinessCalendar]:
    """Calendars with varied weeks, hours, lunch breaks, holidays (often Tết 2026) and zones.

    Example: ``@given(business_calendars(tz="Asia/Ho_Chi_Minh"))``.
    """
    zones = st.just(tz) if tz is not None else st.sampled_from(_ZONES)
    return _calendars(zones)


@st.composite
def _calendar(draw: st.DrawFn, zones: SearchStrategy[str]) -> BusinessCalendar:
    weeks = st.one_of(
        st.sampled_from((MON_FRI, MON_SAT)), st.frozensets(st.integers(1, 7), min_size=1)
    )
    opens = draw(st.integers(6, 10))
    closes = draw(st.integers(opens + 3, 22))
    lunch = draw(st.booleans())
    start = time(opens)
    end = time(closes)
    ls: time | None
    le: time | None
    if lunch:
        noon = draw(st.integers(opens + 1, closes - 2))
        ls, le = time(noon), time(noon, draw(st.sampled_from((30, 59))))
    else:
        ls = le = None
    return BusinessCalendar(
        tz=draw(zones),
        workdays=draw(weeks),
        opens=start,
        closes=end,
        lunch_start=ls,
        lunch_end=le,
        holidays=draw(_holiday_maps()),
    )


def _calendars(zones: SearchStrategy[str]) -> SearchStrategy[BusinessCalendar]:
    return _calendar(zones)


_DURATIONS = st.builds(
    lambda n, unit: n * unit,
    st.integers(1, 48),
    st.sampled_from((timedelta(minutes=15), timedelta(hours=1), timedelta(hours=8))),
)


def sla_targets() -> SearchStrategy[SlaTarget]:
    """One target: any metric, 15 minutes to 16 days, any or one priority.

    Example: ``@given(sla_targets())``.
    """
    return st.builds(
        SlaTarget,
        st.sampled_from(SlaMetric),
        _DURATIONS,
        st.one_of(st.none(), st.sampled_from(Priority)),
    )


@st.composite
def _service_level(draw: st.DrawFn, mode: ClockMode | None) -> ServiceLevel:
    targets = draw(st.lists(sla_targets(), max_size=6, unique_by=lambda t: (t.metric, t.priority)))
    low = draw(st.integers(1, 97))
    mid = draw(st.integers(low + 1, 98))
    high = draw(st.integers(mid + 1, 150))
    return ServiceLevel(
        name=draw(st.sampled_from(("Tiêu chuẩn", "VIP", "Doanh nghiệp"))),
        targets=targets,
        mode=mode if mode is not None else draw(st.sampled_from(ClockMode)),
        calendar=draw(business_calendars()),
        paused_in=draw(
            st.one_of(
                st.just(frozenset({ComplaintStatus.WAITING_ON_CUSTOMER})),
                st.frozensets(st.sampled_from(ComplaintStatus)),
            )
        ),
        escalation_at=(low, mid, high),
    )


def service_levels(mode: ClockMode | None = None) -> SearchStrategy[ServiceLevel]:
    """Policies with random targets, clock mode, calendar, pauses and escalation levels.

    Example: ``@given(service_levels())``.
    """
    return _service_level(mode)


# --- complaints -------------------------------------------------------------------------
_GAPS = st.one_of(
    st.just(timedelta(0)),
    st.builds(lambda m: timedelta(minutes=m), st.integers(1, 180)),
    st.builds(lambda h: timedelta(hours=h), st.integers(1, 96)),
)


def resolutions() -> SearchStrategy[Resolution]:
    """Resolution payloads, sometimes with money given back.

    Example: ``@given(resolutions())``.
    """
    return st.builds(
        Resolution,
        st.sampled_from(ResolutionOutcome),
        st.one_of(st.none(), st.builds(lambda n: Money(n * 1000), st.integers(0, 10_000))),
    )


@st.composite
def _complaint(draw: st.DrawFn, max_moves: int, received: SearchStrategy[datetime]) -> Complaint:
    complaint = Complaint(
        id=draw(_IDS),
        customer_id=draw(_IDS),
        channel=draw(st.sampled_from(Channel)),
        subject=draw(st.sampled_from(_SUBJECTS)),
        received_at=draw(received),
        priority=draw(st.sampled_from(Priority)),
    )
    at = complaint.received_at
    for _ in range(draw(st.integers(0, max_moves))):
        moves = sorted(
            COMPLAINT.moves_from(complaint.status), key=lambda t: (t.name, t.target.value)
        )
        if not moves:
            break
        move = draw(st.sampled_from(moves))
        at = at + draw(_GAPS)
        payload = draw(resolutions()) if move.name == "resolve" else None
        note = "Khách hàng chưa hài lòng" if move.name == "reopen" else ""
        complaint = COMPLAINT.fire(
            complaint,
            move.name,
            at=at,
            actor=draw(st.sampled_from(("lan", "minh", None))),
            note=note,
            payload=payload,
            target=move.target,
        )
    return complaint


def complaints(
    max_moves: int = 10, received: SearchStrategy[datetime] | None = None
) -> SearchStrategy[Complaint]:
    """Complaints with a log of up to ``max_moves`` moves the machine allows.

    ``received`` draws the arrival time (late 2025 to 2026 in a fixed offset by default).
    Gaps between moves mix zero, minutes and days, so logs cross lunches and weekends.

    Example: ``@given(complaints())``.
    """
    return _complaint(max_moves, received if received is not None else _received())


@functools.cache
def _received() -> SearchStrategy[datetime]:
    return aware_datetimes(_START, _END)


def sla_clocks() -> SearchStrategy[SlaClock]:
    """A policy together with a complaint.

    Example: ``@given(sla_clocks())``.
    """
    return st.builds(SlaClock, service_levels(), complaints(max_moves=6))


def breaches() -> SearchStrategy[Breach]:
    """Breach records (as values: not tied to a complaint).

    Example: ``@given(breaches())``.
    """
    return st.builds(Breach, st.sampled_from(SlaMetric), _received(), _DURATIONS, st.integers(0, 5))


def sla_statuses() -> SearchStrategy[SlaStatus]:
    """Status lines (as values: not tied to a complaint).

    Example: ``@given(sla_statuses())``.
    """
    return st.builds(
        SlaStatus,
        st.sampled_from(SlaMetric),
        _DURATIONS,
        st.builds(lambda m: timedelta(minutes=m), st.integers(0, 20_000)),
        st.booleans(),
        st.sampled_from(EscalationLevel),
        st.one_of(st.none(), _received()),
    )


# --- feedback -----------------------------------------------------------------------------
_SEGMENTS = st.one_of(st.none(), st.sampled_from(("b2b", "b2c", "vip", "hà nội")))


def nps_responses(segment: SearchStrategy[str | None] | None = None) -> SearchStrategy[NpsResponse]:
    """NPS answers 0–10.

    Example: ``@given(nps_responses())``.
    """
    return st.builds(
        NpsResponse, _IDS, _received(), st.integers(0, 10), segment if segment else _SEGMENTS
    )


def csat_responses() -> SearchStrategy[CsatResponse]:
    """CSAT answers 1–5.

    Example: ``@given(csat_responses())``.
    """
    return st.builds(CsatResponse, _IDS, _received(), st.integers(1, 5), _SEGMENTS)


def ces_responses() -> SearchStrategy[CesResponse]:
    """CES answers 1–7.

    Example: ``@given(ces_responses())``.
    """
    return st.builds(CesResponse, _IDS, _received(), st.integers(1, 7), _SEGMENTS)


def nps_summaries() -> SearchStrategy[NpsSummary]:
    """Counts of promoters, passives and detractors.

    Example: ``@given(nps_summaries())``.
    """
    n = st.integers(0, 10_000)
    return st.builds(NpsSummary, n, n, n)


def csat_summaries() -> SearchStrategy[CsatSummary]:
    """Response and satisfied counts.

    Example: ``@given(csat_summaries())``.
    """
    return st.integers(0, 10_000).flatmap(
        lambda total: st.builds(CsatSummary, st.just(total), st.integers(0, total))
    )


def ces_summaries() -> SearchStrategy[CesSummary]:
    """Response counts and totals between 1× and 7× the count.

    Example: ``@given(ces_summaries())``.
    """
    return st.integers(0, 10_000).flatmap(
        lambda total: st.builds(CesSummary, st.just(total), st.integers(total, 7 * total))
    )


# --- loyalty ------------------------------------------------------------------------------
_TIER_NAMES = (("member", "Thành viên", "Member"), ("silver", "Bạc", "Silver"),
               ("gold", "Vàng", "Gold"), ("diamond", "Kim cương", "Diamond"))  # fmt: skip


def loyalty_tiers(currency: str = "VND") -> SearchStrategy[LoyaltyTier]:
    """One tier with a threshold in ``currency``.

    Example: ``@given(loyalty_tiers())``.
    """
    return st.builds(
        lambda names, spend, mult: LoyaltyTier(
            names[0], names[1], names[2], Money(spend, currency), mult
        ),
        st.sampled_from(_TIER_NAMES),
        st.integers(0, 10**9),
        st.sampled_from((Decimal(1), Decimal("1.5"), Decimal(2))),
    )


def rewards(min_tier: str | None = None) -> SearchStrategy[Reward]:
    """Rewards of every kind.

    Example: ``@given(rewards())``.
    """
    return st.builds(
        Reward,
        _IDS,
        st.sampled_from(RewardKind),
        st.sampled_from(("Giảm 10% đơn tiếp theo", "Quà Tết", "Miễn phí giao hàng")),
        st.integers(1, 5000),
        st.one_of(st.none(), st.builds(lambda n: Money(n * 1000), st.integers(0, 1000))),
        st.just(min_tier),
    )


@st.composite
def _program(draw: st.DrawFn) -> LoyaltyProgram:
    # A programme refuses two tiers with one key or one threshold.
    tiers = draw(
        st.lists(loyalty_tiers(), max_size=4, unique_by=(lambda t: t.key, lambda t: t.min_spend))
    )
    keys = [None, *(t.key for t in tiers)]
    prizes = draw(
        st.lists(st.sampled_from(keys).flatmap(rewards), max_size=3, unique_by=lambda r: r.key)
    )
    return LoyaltyProgram(
        draw(st.sampled_from(("Thẻ thành viên", "Khách hàng thân thiết"))),
        tiers=tiers,
        point_value=Money(draw(st.sampled_from((1000, 10_000, 100_000)))),
        window_months=draw(st.integers(1, 24)),
        expiry_months=draw(st.integers(1, 36)),
        rewards=prizes,
    )


def loyalty_programs() -> SearchStrategy[LoyaltyProgram]:
    """Programmes in VND with up to four tiers and three rewards.

    Example: ``@given(loyalty_programs())``.
    """
    return _program()


def ledger_entries() -> SearchStrategy[LedgerEntry]:
    """Single entries (earn with or without expiry, or redeem).

    Example: ``@given(ledger_entries())``.
    """
    return st.one_of(
        st.builds(
            lambda p, at, days: LedgerEntry(
                EntryKind.EARN, p, at, "o-1", None if days is None else at + timedelta(days)
            ),
            st.integers(1, 10_000),
            _received(),
            st.one_of(st.none(), st.integers(1, 720)),
        ),
        st.builds(
            lambda p, at: LedgerEntry(EntryKind.REDEEM, p, at, "r-1"),
            st.integers(1, 10_000),
            _received(),
        ),
    )


@st.composite
def _ledger(draw: st.DrawFn, max_entries: int) -> PointsLedger:
    ledger = PointsLedger(draw(_IDS))
    at = draw(_received())
    for i in range(draw(st.integers(0, max_entries))):
        at = at + draw(_GAPS) + timedelta(days=draw(st.integers(0, 120)))
        have = ledger.balance(as_of=at)
        if have and draw(st.booleans()):
            ledger = ledger.redeem(draw(st.integers(1, have)), at=at, reference=f"r-{i}")
        else:
            months = draw(st.one_of(st.none(), st.integers(1, 24)))
            expires = None if months is None else at + timedelta(days=30 * months)
            ledger = ledger.earn(
                draw(st.integers(1, 5000)), at=at, expires_at=expires, reference=f"o-{i}"
            )
    return ledger


def points_ledgers(max_entries: int = 12) -> SearchStrategy[PointsLedger]:
    """Ledgers whose redemptions the balance always covered.

    Example: ``@given(points_ledgers())``.
    """
    return _ledger(max_entries)


# --- internal care and economics ----------------------------------------------------------
def internal_activities() -> SearchStrategy[InternalActivity]:
    """Recurring internal-care activities.

    Example: ``@given(internal_activities())``.
    """
    return st.builds(
        InternalActivity,
        _IDS,
        st.sampled_from(InternalActivityKind),
        st.sampled_from(("Đào tạo kỹ năng", "Hỗ trợ phần mềm", "Khen thưởng quý", "Team building")),
        st.sampled_from((1, 2, 3, 6, 12)),
        st.integers(1, 28),
        st.frozensets(st.sampled_from(InternalUnit), min_size=1),
    )


def internal_care_programs() -> SearchStrategy[InternalCareProgram]:
    """Programmes of up to five activities.

    Example: ``@given(internal_care_programs())``.
    """
    return st.builds(
        InternalCareProgram,
        st.just("Chăm sóc khách hàng nội bộ"),
        st.lists(internal_activities(), max_size=5, unique_by=lambda a: a.key),
    )


def internal_sessions() -> SearchStrategy[InternalSession]:
    """Planned sessions (as values).

    Example: ``@given(internal_sessions())``.
    """
    return st.builds(
        InternalSession,
        _IDS,
        st.sampled_from(InternalActivityKind),
        _IDS,
        st.sampled_from(InternalUnit),
        st.dates(date(2025, 1, 1), date(2027, 12, 31)),
    )


def internal_survey_responses() -> SearchStrategy[InternalSurveyResponse]:
    """Internal satisfaction answers 1–5.

    Example: ``@given(internal_survey_responses())``.
    """
    return st.builds(
        InternalSurveyResponse,
        _IDS,
        _received(),
        st.sampled_from(InternalActivityKind),
        st.integers(1, 5),
    )


def retention_economics() -> SearchStrategy[RetentionEconomics]:
    """Retention costs with the default, another multiple or a measured acquisition cost.

    Example: ``@given(retention_economics())``.
    """
    cost = st.builds(lambda n: Money(n * 1000), st.integers(0, 100_000))
    return st.builds(
        RetentionEconomics,
        cost,
        st.sampled_from((Decimal(5), Decimal(3), Decimal("7.5"))),
        st.one_of(st.none(), cost),
    )


def register_types() -> None:
    """Teach ``st.from_type`` every service-side care model."""
    register_module(__name__)
