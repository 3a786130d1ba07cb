"""Feedback scores, loyalty programmes and ledgers, internal care and retention economics."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import scaled
from khachhang.care.service.economics import (
    DEFAULT_ACQUISITION_MULTIPLE,
    RetentionEconomics,
    margin_clv,
    run_rate_clv,
    simple_clv,
)
from khachhang.care.service.feedback import (
    CesResponse,
    CsatResponse,
    CsatSummary,
    NpsCategory,
    NpsResponse,
    NpsSummary,
    ces,
    csat,
    nps,
    nps_by_segment,
    round_score,
)
from khachhang.care.service.internal import (
    InternalActivity,
    InternalActivityKind,
    InternalCareProgram,
    InternalSurveyResponse,
)
from khachhang.care.service.loyalty import (
    InsufficientPointsError,
    LoyaltyProgram,
    LoyaltyTier,
    PointsLedger,
    Reward,
    RewardKind,
)
from khachhang.customers import Customer, Purchase
from khachhang.errors import CurrencyMismatchError, ValidationError
from khachhang.kinds import InternalUnit, Scope
from khachhang.money import Money
from khachhang.parties import Organization, Person
from khachhang.testing import customers, nps_responses, points_ledgers, retention_economics

T = datetime(2026, 5, 4, 9, tzinfo=timezone.utc)
DAY = timedelta(days=1)


# --- feedback -----------------------------------------------------------------------------
@given(st.lists(nps_responses(), max_size=25))
def test_nps_stays_between_minus_100_and_100(answers: list[NpsResponse]) -> None:
    summary = nps(answers)
    assert summary.responses == len(answers)
    if answers:
        assert summary.score is not None
        assert -100 <= summary.score <= 100
        promoters = sum(a.score >= 9 for a in answers)
        detractors = sum(a.score <= 6 for a in answers)
        assert summary.score == Fraction(100 * promoters, len(answers)) - Fraction(
            100 * detractors, len(answers)
        )
    else:
        assert summary.score is None


@given(st.lists(nps_responses(), max_size=25))
def test_segments_partition_the_answers(answers: list[NpsResponse]) -> None:
    parts = nps_by_segment(answers).values()
    assert sum(p.promoters for p in parts) == nps(answers).promoters
    assert sum(p.detractors for p in parts) == nps(answers).detractors
    assert sum(p.responses for p in parts) == len(answers)


def test_the_nps_bands_are_9_10_7_8_and_0_6() -> None:
    bands = {score: NpsResponse("c", T, score).category for score in range(11)}
    assert [s for s, c in bands.items() if c is NpsCategory.PROMOTER] == [9, 10]
    assert [s for s, c in bands.items() if c is NpsCategory.PASSIVE] == [7, 8]
    assert [s for s, c in bands.items() if c is NpsCategory.DETRACTOR] == list(range(7))


@pytest.mark.parametrize(
    ("kind", "bad"),
    [(NpsResponse, -1), (NpsResponse, 11), (CsatResponse, 0), (CsatResponse, 6),
     (CesResponse, 0), (CesResponse, 8), (NpsResponse, True)],
)  # fmt: skip
def test_out_of_range_answers_are_validation_errors(kind: type, bad: object) -> None:
    with pytest.raises(ValidationError) as err:
        kind("c-1", T, bad)
    assert err.value.path == "score"


def test_csat_counts_fours_and_fives_and_ces_is_the_mean() -> None:
    answers = [CsatResponse("a", T, s) for s in (5, 4, 3, 1)]
    assert csat(answers).score == 50
    assert ces([CesResponse("a", T, s) for s in (7, 6, 2)]).score == 5
    assert csat([]).score is None


@given(st.fractions(min_value=-200, max_value=200, max_denominator=10_000), st.integers(0, 4))
def test_rounding_is_half_even_on_the_exact_value(value: Fraction, places: int) -> None:
    with localcontext() as ctx:
        ctx.prec = 100
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        expected = exact.quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_EVEN")
    assert round_score(value, places) == expected


def test_summaries_refuse_impossible_counts() -> None:
    with pytest.raises(ValidationError):
        CsatSummary(responses=2, satisfied=3)
    with pytest.raises(ValidationError):
        NpsSummary(promoters=-1)


# --- loyalty ------------------------------------------------------------------------------
PROGRAM = LoyaltyProgram(
    "Khách hàng thân thiết",
    tiers=(
        LoyaltyTier("gold", "Vàng", "Gold", Money(20_000_000), Decimal(2)),
        LoyaltyTier("silver", "Bạc", "Silver", Money(5_000_000)),
    ),
    rewards=(
        Reward("voucher", RewardKind.DISCOUNT, "Giảm 10%", 200),
        Reward("gift", RewardKind.GIFT, "Quà Tết", 1000, Money(500_000), min_tier="gold"),
    ),
)


def buyer(*amounts_and_days: tuple[int, int]) -> Customer:
    c = Customer("c-1", Person("Đặng Thu Hà"), created_at=T - 800 * DAY)
    for i, (amount, days_ago) in enumerate(sorted(amounts_and_days, key=lambda p: -p[1])):
        c = c.add_purchase(Purchase(f"o-{i}", T - days_ago * DAY, Money(amount)))
    return c


def test_tiers_follow_spend_in_the_rolling_window() -> None:
    c = buyer((15_000_000, 400), (6_000_000, 100))
    now, then = PROGRAM.tier_for(c, as_of=T), PROGRAM.tier_for(c, as_of=T - 100 * DAY)
    assert now is not None
    assert now.key == "silver"  # the old order fell out of the 12-month window
    assert then is not None
    assert then.key == "gold"
    assert PROGRAM.tier_for(buyer(), as_of=T) is None
    assert PROGRAM.tiers[0].key == "silver"  # kept sorted by threshold


def test_points_round_down_and_follow_the_tier_multiplier() -> None:
    assert PROGRAM.points_for(Money(99_999)) == 9
    assert PROGRAM.points_for(Money(99_999), PROGRAM.tiers[1]) == 19


def test_another_currency_is_an_error_never_ignored() -> None:
    with pytest.raises(CurrencyMismatchError):
        LoyaltyProgram("x", tiers=(LoyaltyTier("g", "Vàng", "Gold", Money(100, "USD")),))
    with pytest.raises(CurrencyMismatchError):
        PROGRAM.points_for(Money(10, "USD"))
    dollar = Customer("c-2", Person("John Smith"), created_at=T, currency="USD")
    with pytest.raises(CurrencyMismatchError):
        PROGRAM.tier_for(dollar, as_of=T)


def test_rewards_open_by_tier() -> None:
    assert [r.key for r in PROGRAM.rewards_for(None)] == ["voucher"]
    assert [r.key for r in PROGRAM.rewards_for(PROGRAM.tiers[1])] == ["voucher", "gift"]


def test_points_expire_first_in_first_out() -> None:
    ledger = (
        PointsLedger("c-1")
        .earn(100, at=T, expires_at=T + 60 * DAY)
        .earn(100, at=T + DAY, expires_at=T + 120 * DAY)
        .redeem(150, at=T + 2 * DAY)
    )
    assert ledger.balance(as_of=T + 2 * DAY) == 50
    assert ledger.balance(as_of=T + 90 * DAY) == 50  # the first lot was used up, nothing to expire
    assert ledger.balance(as_of=T + 120 * DAY) == 0
    assert ledger.expired(as_of=T + 120 * DAY) == 50


def test_redeeming_more_than_the_balance_is_refused_and_changes_nothing() -> None:
    ledger = PointsLedger("c-1").earn(100, at=T, expires_at=T + 30 * DAY)
    with pytest.raises(InsufficientPointsError):
        ledger.redeem(80, at=T + 31 * DAY)  # expired by then
    assert ledger.balance(as_of=T + DAY) == 100
    assert len(ledger.entries) == 1


def test_the_ledger_is_append_only() -> None:
    ledger = PointsLedger("c-1").earn(100, at=T)
    with pytest.raises(ValidationError, match="append-only"):
        ledger.earn(5, at=T - DAY)


@settings(max_examples=scaled(60))
@given(points_ledgers(), st.integers(-30, 3000))
def test_balances_are_never_negative_and_add_up(ledger: PointsLedger, days: int) -> None:
    start = ledger.entries[0].at if ledger.entries else T
    as_of = start + days * DAY
    balance = ledger.balance(as_of=as_of)
    assert balance >= 0
    assert balance + ledger.redeemed(as_of=as_of) + ledger.expired(as_of=as_of) == ledger.earned(
        as_of=as_of
    )
    assert ledger.expired(as_of=as_of) >= 0


@settings(max_examples=scaled(60))
@given(points_ledgers(), st.integers(1, 10_000))
def test_earn_then_redeem_the_same_points_restores_the_balance(
    ledger: PointsLedger, points: int
) -> None:
    at = ledger.entries[-1].at + DAY if ledger.entries else T
    before = ledger.balance(as_of=at)
    after = ledger.earn(points, at=at).redeem(points, at=at)
    assert after.balance(as_of=at) == before


# --- internal care ------------------------------------------------------------------------
def unit(cid: str, name: str, kind: InternalUnit) -> Customer:
    org = Organization(name, internal_unit=kind)
    return Customer(cid, org, created_at=T, scope=Scope.INTERNAL)


def test_internal_activities_are_planned_per_department_or_branch() -> None:
    """Seed 000 §2.1: training, technical support, benefits, recognition, environment."""
    assert len(InternalActivityKind) == 5
    program = InternalCareProgram(
        "Nội bộ",
        (
            InternalActivity("train", InternalActivityKind.TRAINING, "Đào tạo", every_months=6),
            InternalActivity("it", InternalActivityKind.TECHNICAL_SUPPORT, "Hỗ trợ IT",
                             units={InternalUnit.BRANCH}, day=15),
        ),
    )  # fmt: skip
    book = [
        unit("d-1", "Phòng Kế toán", InternalUnit.DEPARTMENT),
        unit("b-1", "Chi nhánh Đà Nẵng", InternalUnit.BRANCH),
        Customer("x-1", Person("Khách bên ngoài"), created_at=T),
    ]
    sessions = program.sessions(book, start=date(2026, 1, 1), end=date(2026, 3, 31))
    assert [(s.on.isoformat(), s.activity, s.customer_id) for s in sessions] == [
        ("2026-01-01", "train", "b-1"),
        ("2026-01-01", "train", "d-1"),
        ("2026-01-15", "it", "b-1"),
        ("2026-02-15", "it", "b-1"),
        ("2026-03-15", "it", "b-1"),
    ]


def test_internal_satisfaction_is_tracked_like_csat() -> None:
    program = InternalCareProgram("Nội bộ", ())
    answers = [
        InternalSurveyResponse("d-1", T, InternalActivityKind.RECOGNITION, s) for s in (5, 4, 2)
    ]
    assert program.satisfaction(answers)[InternalActivityKind.RECOGNITION].score == Fraction(200, 3)
    assert program.overall(answers) == CsatSummary(3, 2)
    with pytest.raises(ValidationError):
        InternalSurveyResponse("d-1", T, InternalActivityKind.RECOGNITION, 6)


# --- economics ----------------------------------------------------------------------------
def test_finding_a_customer_costs_five_times_keeping_one_by_default() -> None:
    """Seed 002 §3: "chi phí để tìm kiếm một khách hàng mới gấp 5 lần"."""
    assert DEFAULT_ACQUISITION_MULTIPLE == 5
    econ = RetentionEconomics(Money(300_000))
    assert econ.ratio == 5
    assert econ.acquisition_cost == Money(1_500_000)


@given(retention_economics(), st.integers(0, 10_000))
def test_savings_are_the_acquisition_retention_gap_times_customers(
    econ: RetentionEconomics, retained: int
) -> None:
    assert econ.saving(retained) == (econ.acquisition_cost - econ.retention_cost) * retained
    if econ.measured_acquisition_cost is None:
        assert econ.acquisition_cost == econ.retention_cost * econ.acquisition_multiple


def test_lifetime_values() -> None:
    assert simple_clv(Money(1_000_000), Decimal(4), Decimal(2)) == Money(8_000_000)
    assert margin_clv(
        Money(1_000_000), retention_rate=Decimal("0.5"), discount_rate=Decimal(0)
    ) == Money(1_000_000)
    with pytest.raises(ValidationError):
        margin_clv(Money(1), retention_rate=Decimal(1), discount_rate=Decimal(0))


@settings(max_examples=scaled(30))
@given(customers(scope=Scope.EXTERNAL, min_purchases=1, reviews=False))
def test_a_customers_lifetime_value_scales_with_the_expected_lifespan(c: Customer) -> None:
    as_of = c.purchases[-1].at + DAY
    one = run_rate_clv(c, as_of=as_of, lifespan_years=Decimal(1))
    three = run_rate_clv(c, as_of=as_of, lifespan_years=Decimal(3))
    assert one is not None
    assert three is not None
    assert three >= one >= Money.zero(c.currency)
    assert run_rate_clv(c, as_of=c.purchases[0].at - DAY, lifespan_years=Decimal(1)) is None
