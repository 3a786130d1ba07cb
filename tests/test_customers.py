"""Customers, purchases, kinds and the lifecycle machine (seeds 000, 001, 003, 004)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from conftest import ICT
from khachhang import (
    LIFECYCLE,
    Customer,
    InternalUnit,
    Lifecycle,
    LifecyclePolicy,
    LineItem,
    Market,
    Money,
    Organization,
    PartyType,
    Person,
    Purchase,
    Role,
    Scope,
    TransitionError,
    ValidationError,
)

T0 = datetime(2025, 1, 10, 9, tzinfo=ICT)


def person(name: str = "Nguyễn Văn An", **kw: object) -> Person:
    return Person(name, **kw)  # type: ignore[arg-type]


def customer(**kw: object) -> Customer:
    fields: dict[str, object] = {"id": "c-1", "party": person(), "created_at": T0}
    fields.update(kw)
    return Customer(**fields)  # type: ignore[arg-type]


def order(n: int, days: int, amount: int = 1_000_000) -> Purchase:
    return Purchase(f"o-{n}", T0 + timedelta(days=days), Money(amount))


# -- kinds ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("party", "market"),
    [
        (person(), Market.B2C),
        (Organization("Công ty TNHH Minh Phát"), Market.B2B),
        (Organization("Sở Y tế Hà Nội", party_type=PartyType.GOVERNMENT), Market.B2G),
        (Organization("Hội Chữ thập đỏ", party_type=PartyType.NONPROFIT), Market.B2B),
    ],
)
def test_the_market_follows_the_party_type(party: Person | Organization, market: Market) -> None:
    """Seed 000 §2.1: individuals, businesses, government agencies and volunteer groups."""
    assert customer(party=party).market is market


def test_an_employee_is_an_internal_customer_with_no_market() -> None:
    """Seed 000 §2.2: employees are the firm's internal customers."""
    employee = customer(scope=Scope.INTERNAL, roles={Role.END_USER})
    assert employee.market is None
    assert employee.party_type is PartyType.INDIVIDUAL


def test_a_department_or_branch_can_be_an_internal_customer() -> None:
    """Seed 001: departments and branches inside the supply chain are internal customers."""
    branch = Organization("Chi nhánh Đà Nẵng", internal_unit=InternalUnit.BRANCH)
    assert customer(party=branch, scope=Scope.INTERNAL).scope is Scope.INTERNAL


def test_an_internal_customer_holds_no_external_role() -> None:
    with pytest.raises(ValidationError) as info:
        customer(scope=Scope.INTERNAL, roles={Role.SUPPLIER, Role.END_USER})
    assert info.value.path == "roles"
    assert "supplier" in info.value.reason


def test_an_internal_organisation_must_be_a_department_or_branch() -> None:
    with pytest.raises(ValidationError) as info:
        customer(party=Organization("Công ty ABC"), scope=Scope.INTERNAL)
    assert info.value.path == "party.internal_unit"


def test_our_own_branch_is_not_an_external_customer() -> None:
    branch = Organization("Chi nhánh Huế", internal_unit=InternalUnit.BRANCH)
    with pytest.raises(ValidationError, match="external customer"):
        customer(party=branch)


def test_a_bank_is_a_business_organisation() -> None:
    """Seed 000 §2.1 lists banks among business customers."""
    bank = Organization("Ngân hàng TMCP Ngoại thương Việt Nam")
    assert Role.BANK in customer(party=bank, roles={Role.BANK}).roles
    with pytest.raises(ValidationError, match="bank"):
        customer(roles={Role.BANK})


def test_competitors_and_suppliers_are_external_customers_too() -> None:
    """Seed 001: suppliers, banks, even competitors are external customers."""
    rival = customer(party=Organization("Công ty CP Đối Thủ"), roles={Role.COMPETITOR})
    assert rival.scope is Scope.EXTERNAL


def test_wrong_types_are_validation_errors_with_a_path() -> None:
    with pytest.raises(ValidationError) as info:
        customer(party="Nguyễn Văn An")
    assert info.value.path == "party"
    with pytest.raises(ValidationError) as info:
        customer(created_at=datetime(2025, 1, 1))
    assert info.value.path == "created_at"
    with pytest.raises(ValidationError) as info:
        customer(roles={"buyer"})
    assert info.value.path == "roles[0]"
    with pytest.raises(ValidationError) as info:
        customer(tags="vip")
    assert info.value.path == "tags"


# -- purchases and derived facts ----------------------------------------------------


def test_a_customer_without_purchases_has_spent_zero_and_has_no_last_purchase() -> None:
    c = customer(currency="USD")
    assert c.total_spent == Money(0, "USD")
    assert c.last_purchase_at is None
    assert c.recency_days(as_of=T0) is None
    assert c.average_order_value is None


def test_purchases_are_kept_in_time_order() -> None:
    c = customer(purchases=[order(2, 30), order(1, 5)])
    assert [p.id for p in c.purchases] == ["o-1", "o-2"]
    assert c.first_purchase_at == T0 + timedelta(days=5)
    assert c.last_purchase_at == T0 + timedelta(days=30)


def test_a_customer_cannot_mix_currencies() -> None:
    usd = Purchase("o-9", T0 + timedelta(days=9), Money("10.00", "USD"))
    with pytest.raises(ValidationError) as info:
        customer(purchases=[order(1, 1), usd])
    assert info.value.path == "purchases[1].amount.currency"


def test_purchase_ids_are_unique() -> None:
    with pytest.raises(ValidationError, match="duplicate"):
        customer(purchases=[order(1, 1), order(1, 2)])


def test_line_items_share_the_purchase_currency() -> None:
    item = LineItem("SKU-1", "Cà phê", 1, Money("5.00", "USD"))
    with pytest.raises(ValidationError) as info:
        Purchase("o-1", T0, Money(100000), items=[item])
    assert info.value.path == "items[0].unit_price.currency"


def test_derived_facts_are_pure_functions_of_as_of() -> None:
    c = customer(
        party=person(birth_date=date(1990, 6, 15)),
        purchases=[order(1, 0, 2_000_000), order(2, 40, 1_000_000)],
    )
    as_of = T0 + timedelta(days=100)
    assert c.orders == 2
    assert c.total_spent == Money(3_000_000)
    assert c.average_order_value == Money(1_500_000)
    assert c.recency_days(as_of=as_of) == 60
    assert c.tenure(as_of=as_of) == relativedelta(months=+3, days=+10)
    assert c.tenure_days(as_of=as_of) == 100
    assert c.age(as_of=as_of) == 34
    assert c.age(as_of=date(2025, 6, 15)) == 35


def test_organisations_have_no_age() -> None:
    assert customer(party=Organization("Công ty TNHH An Phát")).age(as_of=T0) is None


def test_adding_a_purchase_returns_a_new_customer() -> None:
    c = customer()
    bought = c.add_purchase(order(1, 1))
    assert c.orders == 0
    assert bought.orders == 1


# -- lifecycle ----------------------------------------------------------------------


def test_a_first_purchase_makes_a_prospect_current() -> None:
    """Seed 002 §1: a prospect who buys becomes a current customer."""
    c = customer().add_purchase(order(1, 3), actor="sales-1")
    assert c.lifecycle is Lifecycle.CURRENT
    event = c.lifecycle_events[-1]
    assert (event.transition, event.actor, event.at) == ("convert", "sales-1", T0 + timedelta(3))


def test_a_prospect_without_purchases_cannot_be_converted_by_hand() -> None:
    c = customer()
    with pytest.raises(TransitionError, match="no purchase"):
        LIFECYCLE.fire(c, "convert", at=T0)


def test_the_policy_promotes_a_frequent_buyer_to_loyal() -> None:
    """Seed 003: loyal customers use the product for long and come back often."""
    policy = LifecyclePolicy(loyal_min_orders=3, loyal_min_tenure_days=60)
    c = customer()
    for n in range(3):
        c = c.add_purchase(order(n, 10 * n))
    assert c.review_lifecycle(policy, as_of=T0 + timedelta(days=30)).lifecycle is Lifecycle.CURRENT
    loyal = c.review_lifecycle(policy, as_of=T0 + timedelta(days=61))
    assert loyal.lifecycle is Lifecycle.LOYAL
    assert loyal.lifecycle_events[-1].payload == policy


def test_a_minimum_spend_can_hold_back_loyalty() -> None:
    policy = LifecyclePolicy(
        loyal_min_orders=1, loyal_min_tenure_days=0, loyal_min_spent=Money(5_000_000)
    )
    c = customer().add_purchase(order(1, 1, 1_000_000))
    assert policy.qualifies_as_loyal(c, as_of=T0 + timedelta(days=2)) is not None
    assert c.review_lifecycle(policy, as_of=T0 + timedelta(days=2)).lifecycle is Lifecycle.CURRENT


def test_a_quiet_customer_lapses_and_is_won_back_by_buying_again() -> None:
    policy = LifecyclePolicy(lapse_after_days=180)
    c = customer().add_purchase(order(1, 0))
    lapsed = c.review_lifecycle(policy, as_of=T0 + timedelta(days=200))
    assert lapsed.lifecycle is Lifecycle.LAPSED
    back = lapsed.add_purchase(order(2, 210))
    assert back.lifecycle is Lifecycle.CURRENT
    assert [e.transition for e in back.lifecycle_events] == ["convert", "lapse", "win_back"]


def test_a_lapse_that_the_policy_does_not_justify_is_refused() -> None:
    policy = LifecyclePolicy(lapse_after_days=180)
    c = customer().add_purchase(order(1, 0))
    with pytest.raises(TransitionError, match="lapse needs 180"):
        LIFECYCLE.fire(c, "lapse", at=T0 + timedelta(days=10), payload=policy)


def test_a_lifecycle_that_contradicts_its_log_is_refused() -> None:
    c = customer().add_purchase(order(1, 0))
    with pytest.raises(ValidationError) as info:
        attrs.evolve(c, lifecycle=Lifecycle.LOYAL)
    assert info.value.path == "lifecycle"


def test_the_lifecycle_diagram_names_every_state_in_both_languages() -> None:
    vi = LIFECYCLE.to_mermaid(current=Lifecycle.CURRENT)
    en = LIFECYCLE.to_mermaid(lang="en")
    assert 'state "Khách hàng tiềm năng" as prospect' in vi
    assert 'state "Prospect" as prospect' in en
    assert "prospect --> current: convert [guarded]" in en
    assert "class current current" in vi


purchase_days = st.lists(st.integers(min_value=0, max_value=1500), max_size=10)
review_days = st.lists(st.integers(min_value=0, max_value=1500), max_size=6)


@given(purchase_days, review_days, st.integers(1, 400), st.integers(1, 6))
def test_the_lifecycle_log_replays_to_the_same_customer(
    buys: list[int], reviews: list[int], lapse_after: int, min_orders: int
) -> None:
    """Whatever happened, replaying the log onto the bare customer gives the same value."""
    policy = LifecyclePolicy(loyal_min_orders=min_orders, lapse_after_days=lapse_after)
    c = customer()
    steps = sorted([(d, "buy") for d in buys] + [(d, "review") for d in reviews])
    for n, (day, what) in enumerate(steps):
        at = T0 + timedelta(days=day)
        if what == "buy":
            c = c.add_purchase(Purchase(f"o-{n}", at, Money(100_000)))
        else:
            c = c.review_lifecycle(policy, as_of=at)
    bare = attrs.evolve(c, lifecycle=Lifecycle.PROSPECT, lifecycle_events=())
    assert LIFECYCLE.replay(c.lifecycle_events, onto=bare) == c
    assert c.lifecycle is (
        c.lifecycle_events[-1].target if c.lifecycle_events else Lifecycle.PROSPECT
    )


# -- guarding the log and the inputs --------------------------------------------------


def test_a_purchase_dated_before_the_last_lifecycle_event_is_refused() -> None:
    """It would rewrite history the log records, so replay could no longer hold."""
    policy = LifecyclePolicy(lapse_after_days=365)
    c = customer().add_purchase(order(1, 0))
    c = c.review_lifecycle(policy, as_of=T0 + timedelta(days=400))
    c = c.add_purchase(order(2, 410))
    with pytest.raises(ValidationError) as info:
        c.add_purchase(order(3, 390))
    assert info.value.path == "purchase.at"
    assert c.add_purchase(order(4, 420)).orders == 3


@pytest.mark.parametrize(
    ("events", "path"),
    [
        ([("promote", Lifecycle.PROSPECT, Lifecycle.LOYAL, 0)], "lifecycle_events[0].transition"),
        (
            [
                ("convert", Lifecycle.PROSPECT, Lifecycle.CURRENT, 9),
                ("lapse", Lifecycle.CURRENT, Lifecycle.LAPSED, 0),
            ],
            "lifecycle_events[1].at",
        ),
        (
            [
                ("convert", Lifecycle.PROSPECT, Lifecycle.CURRENT, 0),
                ("win_back", Lifecycle.LAPSED, Lifecycle.CURRENT, 1),
            ],
            "lifecycle_events[1].source",
        ),
    ],
)
def test_a_lifecycle_log_that_is_not_a_chain_of_allowed_moves_is_refused(
    events: list[tuple[str, Lifecycle, Lifecycle, int]], path: str
) -> None:
    from khachhang.fsm import Event

    log = [Event(name, src, dst, T0 + timedelta(days=d)) for name, src, dst, d in events]
    with pytest.raises(ValidationError) as info:
        customer(lifecycle=log[-1].target, lifecycle_events=log, purchases=[order(1, 0)])
    assert info.value.path == path


@pytest.mark.parametrize("field", ["tags", "roles", "purchases", "lifecycle_events"])
@pytest.mark.parametrize("bad", [None, 5, "vip", {"a": 1}])
def test_collections_must_be_collections(field: str, bad: object) -> None:
    """Never a bare TypeError, and never a string split into letters."""
    with pytest.raises(ValidationError) as info:
        customer(**{field: bad})
    assert info.value.path == field


def test_text_with_control_characters_or_lone_surrogates_is_refused() -> None:
    for bad in ("c\x00-1", "\ud800", "c\u202e1"):
        with pytest.raises(ValidationError) as info:
            customer(id=bad)
        assert info.value.path == "id"


def test_totals_stay_within_what_money_can_hold() -> None:
    """total_spent is always defined, as the issue asks."""
    huge = Money("900000000000000000")
    with pytest.raises(ValidationError, match="beyond"):
        customer(purchases=[Purchase("a", T0, huge), Purchase("b", T0, huge)])
    with pytest.raises(ValidationError) as info:
        LineItem("s", "n", 10**30, Money(1))
    assert info.value.path == "quantity"


def test_income_is_never_negative() -> None:
    with pytest.raises(ValidationError) as info:
        customer(income=Money(-5))
    assert info.value.path == "income"


def test_a_spend_threshold_in_another_currency_is_an_error_not_ignored() -> None:
    policy = LifecyclePolicy(
        loyal_min_orders=1, loyal_min_tenure_days=0, loyal_min_spent=Money("1000000", "USD")
    )
    c = customer().add_purchase(order(1, 0, 1))
    with pytest.raises(ValidationError, match="USD"):
        c.review_lifecycle(policy, as_of=T0 + timedelta(days=1))


def test_recency_counts_from_the_last_purchase_known_at_as_of() -> None:
    c = customer(purchases=[order(1, 0), order(2, 30)])
    assert c.recency_days(as_of=T0 + timedelta(days=20)) == 20
    assert c.recency_days(as_of=T0 - timedelta(days=1)) is None
    with pytest.raises(ValidationError):
        c.age(as_of=datetime(2026, 1, 1))


def test_lifecycle_at_reads_the_state_from_the_log() -> None:
    policy = LifecyclePolicy(lapse_after_days=100)
    c = customer().add_purchase(order(1, 10))
    c = c.review_lifecycle(policy, as_of=T0 + timedelta(days=200))
    assert c.lifecycle_at(as_of=T0) is Lifecycle.PROSPECT
    assert c.lifecycle_at(as_of=T0 + timedelta(days=50)) is Lifecycle.CURRENT
    assert c.lifecycle_at(as_of=T0 + timedelta(days=300)) is Lifecycle.LAPSED


# -- adding purchases in bulk ---------------------------------------------------------


@given(
    st.lists(st.integers(min_value=0, max_value=900), max_size=12, unique=True),
    st.lists(st.integers(min_value=0, max_value=900), max_size=12, unique=True),
    st.booleans(),
)
def test_adding_purchases_in_bulk_equals_adding_them_one_by_one(
    before: list[int], batch_days: list[int], lapse: bool
) -> None:
    """``add_purchases`` is the fold of ``add_purchase`` over the batch in time order."""
    start = customer()
    for day in sorted(before):
        start = start.add_purchase(Purchase(f"old-{day}", T0 + timedelta(days=day), Money(1000)))
    if lapse and start.purchases:
        last = start.purchases[-1].at
        start = start.review_lifecycle(
            LifecyclePolicy(lapse_after_days=30), as_of=last + timedelta(days=31)
        )
    floor = start.lifecycle_events[-1].at if start.lifecycle_events else T0
    batch = [
        Purchase(f"new-{day}", floor + timedelta(days=day), Money(2000))
        for day in reversed(batch_days)
    ]
    one_by_one = start
    for purchase in sorted(batch, key=lambda p: p.at):
        one_by_one = one_by_one.add_purchase(purchase, actor="bulk")
    assert start.add_purchases(batch, actor="bulk") == one_by_one


def test_a_refused_bulk_adds_nothing_and_names_the_problem() -> None:
    c = customer().add_purchase(order(1, 10))
    c = c.review_lifecycle(LifecyclePolicy(lapse_after_days=30), as_of=T0 + timedelta(days=50))
    with pytest.raises(ValidationError) as early:
        c.add_purchases([order(2, 60), order(3, 40)])
    assert early.value.path == "purchases"
    with pytest.raises(ValidationError) as wrong:
        c.add_purchases([order(4, 60), "not a purchase"])  # type: ignore[list-item]
    assert wrong.value.path == "purchases[1]"
    with pytest.raises(ValidationError):
        c.add_purchases(order(5, 60))  # type: ignore[arg-type]
    assert c.orders == 1
    assert c.add_purchases([]) is c


@given(
    st.lists(st.integers(min_value=0, max_value=400), max_size=10, unique=True),
    st.integers(min_value=-5, max_value=405),
    st.one_of(st.none(), st.integers(min_value=-5, max_value=405)),
)
def test_spent_sums_the_purchases_in_the_window(
    days: list[int], until: int, after: int | None
) -> None:
    c = customer().add_purchases([order(d, d, 1000 + d) for d in days])
    as_of = T0 + timedelta(days=until)
    since = None if after is None else T0 + timedelta(days=after)
    expected = sum(1000 + d for d in days if d <= until and (after is None or d > after))
    assert c.spent(as_of=as_of, since=since) == Money(expected)
    assert c.spent(as_of=as_of).amount == sum(
        p.amount.amount for p in c.purchases_until(as_of=as_of)
    )


def test_tenure_runs_forward_through_a_repeated_hour() -> None:
    """Created at 02:30 on Berlin's first pass (00:30Z), 02:15 on the second (01:15Z) is
    45 minutes later, not 15 minutes earlier."""
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    c = Customer("c", Person("Hà"), created_at=datetime(2026, 10, 25, 2, 30, tzinfo=berlin))
    as_of = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=berlin)
    assert c.tenure(as_of=as_of) == relativedelta(minutes=+45)
    assert c.tenure_days(as_of=as_of) == 0


@pytest.mark.parametrize(
    "when",
    [
        datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))),
        datetime(1, 1, 1, 1, tzinfo=timezone(timedelta(hours=+5))),
    ],
)
def test_a_time_past_utcs_calendar_is_a_validation_error_naming_its_field(when: datetime) -> None:
    """A model's time must be an instant UTC can hold; not a bare OverflowError later."""
    from khachhang.errors import ConversionError
    from khachhang.fsm import Event
    from khachhang.serde import from_dict, to_dict

    reason = "outside the range of UTC instants"
    with pytest.raises(ValidationError, match=reason) as info:
        Purchase("o-1", when, Money(1))
    assert info.value.path == "at"
    with pytest.raises(ValidationError, match=reason) as info:
        Customer("c", Person("Hà"), created_at=when)
    assert info.value.path == "created_at"
    with pytest.raises(ValidationError, match=reason):
        Event("convert", Lifecycle.PROSPECT, Lifecycle.CURRENT, when)
    c = Customer("c", Person("Hà"), created_at=T0)
    data: Any = to_dict(c.add_purchase(Purchase("o-1", T0, Money(1))))
    data["purchases"][0]["at"] = when.isoformat()
    with pytest.raises(ConversionError, match=r"\$\.purchases\[0\]\.at: outside the range"):
        from_dict(data, Customer)
