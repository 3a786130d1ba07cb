"""Tests for khachhang.testing: the strategies honour their constraints and draw valid data."""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import attrs
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from stdnum.vn import mst as stdnum_mst

import khachhang.testing as kt
from conftest import SLOW_EXAMPLES, UTC, scaled
from khachhang._vocabulary import BUSINESS_FORMS, FAMILY_NAMES
from khachhang.customers import LIFECYCLE, Customer, LifecyclePolicy, LineItem, Purchase
from khachhang.fsm import Event
from khachhang.kinds import (
    EMPLOYEE_ROLES,
    EXTERNAL_ONLY_ROLES,
    BusinessCategory,
    InternalUnit,
    Lifecycle,
    PartyType,
    Role,
    Scope,
)
from khachhang.money import CURRENCIES, Money
from khachhang.parties import (
    FORMER_PROVINCES,
    PROVINCES,
    SUPPORTED_CHANNELS,
    Address,
    ContactKind,
    ContactPoint,
    Gender,
    Organization,
    Person,
    normalize_email,
    normalize_phone,
)
from khachhang.testing import _strategies as vocab
from khachhang.testing import (
    addresses,
    aware_datetimes,
    contact_points,
    customers,
    emails,
    lifecycle_events,
    line_items,
    money,
    organizations,
    persons,
    phones,
    purchases,
)
from khachhang.testing._hook import _MODELS, _hypothesis_setup_hook

HOOK = "khachhang.testing._hook:_hypothesis_setup_hook"
TAX_CODE = re.compile(r"[0-9]{10}(-[0-9]{3})?|[0-9]{12}")


def revalidates(value: object) -> None:
    """Building the value again from its fields runs every check and gives an equal value."""
    assert attrs.evolve(value) == value  # type: ignore[misc]


# --- the public surface ------------------------------------------------------------------


# Public names of khachhang.testing that are not strategies.
NOT_STRATEGIES = {"generated_check", "BuyingProcessMachine"}


def test_every_public_strategy_is_exported_documented_and_typed() -> None:
    """Each name in __all__ resolves, has a docstring with an example and a return type."""
    for name in kt.__all__:
        strategy = getattr(kt, name)
        doc = inspect.getdoc(strategy) or ""
        assert "Example" in doc, name
        if name not in NOT_STRATEGIES:
            assert "SearchStrategy" in str(inspect.signature(strategy).return_annotation), name


def test_the_face_is_the_union_of_what_its_modules_list_once() -> None:
    """khachhang.testing lists no name itself: its face is its modules' __all__, disjoint."""
    listed = [n for m in kt._MODULES for n in importlib.import_module(m).__all__]
    assert sorted(listed) == sorted(set(listed)) == kt.__all__


def test_every_strategy_the_hook_registers_is_public() -> None:
    """What st.from_type draws for a model, a user can also draw by name."""
    named = {name for models in _MODELS.values() for pairs in models.values() for _, name in pairs}
    assert named <= set(kt.__all__)
    for strategies, models in _MODELS.items():
        module = importlib.import_module(strategies)
        for pairs in models.values():
            assert {name for _, name in pairs} <= set(module.__all__), strategies


def test_an_unknown_name_is_refused_without_importing_the_strategies() -> None:
    """A dunder probe (doctest's __test__) or a typo raises AttributeError naming it."""
    with pytest.raises(AttributeError, match="'__test__'"):
        kt.__getattr__("__test__")
    with pytest.raises(AttributeError, match="'custmers'"):
        kt.__getattr__("custmers")


def test_the_strategies_import_in_a_fresh_interpreter_without_warnings() -> None:
    """Hypothesis runs khachhang's hook while it is imported: no circular import, no warning.

    (pytest imports Hypothesis first, so only a fresh interpreter shows the problem.)
    """
    code = (
        "import warnings; warnings.simplefilter('error'); "
        "from khachhang.testing import " + ", ".join(sorted(kt.__all__)) + "; print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def test_importing_the_hook_module_does_not_import_hypothesis() -> None:
    """Hypothesis imports the hook while importing itself, so the module must stay inert."""
    code = (
        "import sys, khachhang.testing, khachhang.testing._hook; "
        "print(any(m.startswith('hypothesis') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# --- money, phones, e-mails, contacts ----------------------------------------------------


@given(money("USD", min_amount="10.50", max_amount=20))
def test_money_stays_within_its_bounds_and_currency(value: Money) -> None:
    """Bounds are inclusive and amounts use the currency's two minor digits."""
    assert value.currency == "USD"
    assert Decimal("10.50") <= value.amount <= 20
    assert value.amount == value.amount.quantize(Decimal("0.01"))


@given(money(None))
def test_money_without_a_currency_draws_any_supported_one(value: Money) -> None:
    """currency=None ranges over every supported ISO 4217 code."""
    assert value.currency in CURRENCIES
    assert Money(str(value.amount), value.currency) == value


def test_impossible_money_bounds_are_refused() -> None:
    """min above max, or no whole đồng in range, is an InvalidArgument up front."""
    with pytest.raises(InvalidArgument):
        money(min_amount=10, max_amount=5)
    with pytest.raises(InvalidArgument):
        money("VND", min_amount="0.2", max_amount="0.8")


@given(phones(), phones(e164=True))
def test_phones_are_valid_vietnamese_mobiles(national: str, e164: str) -> None:
    """Both styles parse as VN mobile numbers; the E.164 style is already normalised."""
    for number in (national, e164):
        parsed = phonenumbers.parse(number, "VN")
        assert phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
    assert national.startswith("0")
    assert normalize_phone(national).startswith("+84")
    assert normalize_phone(e164) == e164


@given(emails())
def test_emails_are_already_normalised(address: str) -> None:
    """normalize_email leaves a drawn address unchanged."""
    assert normalize_email(address) == address


@given(st.sampled_from(ContactKind).flatmap(lambda k: st.tuples(st.just(k), contact_points(k))))
def test_contact_points_have_the_kind_asked_for_and_supported_consents(
    pair: tuple[ContactKind, ContactPoint],
) -> None:
    """A drawn contact point is of the requested kind, with consents its kind supports."""
    kind, point = pair
    assert point.kind is kind
    assert point.consents <= SUPPORTED_CHANNELS[kind]
    revalidates(point)


@given(contact_points(primary=True))
def test_contact_points_honour_primary(point: ContactPoint) -> None:
    """primary=True draws primary contact points only."""
    assert point.primary


# --- addresses and parties ---------------------------------------------------------------


@given(addresses(pre_2025=True), addresses(pre_2025=False))
def test_addresses_follow_the_style_asked_for(old: Address, new: Address) -> None:
    """Old style: district + former province; new style: no district, a current province."""
    assert old.is_pre_2025
    assert old.district is not None
    assert old.province in FORMER_PROVINCES
    assert not new.is_pre_2025
    assert new.district is None
    assert new.province in PROVINCES
    revalidates(old)
    revalidates(new)


@given(st.sampled_from([None, *Gender]).flatmap(lambda g: st.tuples(st.just(g), persons(g))))
def test_persons_have_vietnamese_names_that_fit_their_gender(
    pair: tuple[Gender | None, Person],
) -> None:
    """Family name first, one or two middle names, a given name; gender as asked."""
    gender, person = pair
    family, *middles, given_name = person.full_name.split(" ")
    assert family in FAMILY_NAMES
    assert 1 <= len(middles) <= 2
    if gender is not None:
        assert person.gender is gender
    if person.gender is Gender.FEMALE:
        assert set(middles) <= set(vocab.FEMALE_MIDDLE_NAMES)
        assert given_name in vocab.FEMALE_GIVEN_NAMES
    elif person.gender is Gender.MALE:
        assert set(middles) <= set(vocab.MALE_MIDDLE_NAMES)
        assert given_name in vocab.MALE_GIVEN_NAMES
    else:
        assert given_name in vocab.GIVEN_NAMES
    revalidates(person)


@given(persons(born_between=(date(1990, 1, 1), date(1990, 12, 31)), with_birth_date=True))
def test_persons_are_born_within_the_range_asked_for(person: Person) -> None:
    """born_between bounds the birth date; with_birth_date=True always sets one."""
    assert person.birth_date is not None
    assert person.birth_date.year == 1990


ORG_TYPES = [t for t in PartyType if t.is_organization]


@given(st.sampled_from(ORG_TYPES).flatmap(lambda t: st.tuples(st.just(t), organizations(t))))
def test_organizations_have_the_type_asked_for_and_a_fitting_name_and_category(
    pair: tuple[PartyType, Organization],
) -> None:
    """Companies are named by a legal form ('Công ty ...'), agencies 'Sở/UBND/...',
    non-profits 'Hội/Quỹ/...'."""
    kind, org = pair
    assert org.party_type is kind
    assert org.internal_unit is None
    assert org.tax_code is None or TAX_CODE.fullmatch(org.tax_code)
    if org.tax_code is not None and len(org.tax_code) != 12:
        assert stdnum_mst.is_valid(org.tax_code), org.tax_code
    if kind is PartyType.BUSINESS:
        assert org.legal_name.startswith(BUSINESS_FORMS)
        assert org.category not in (BusinessCategory.GOVERNMENT, BusinessCategory.NONPROFIT)
    elif kind is PartyType.GOVERNMENT:
        assert org.legal_name.startswith(vocab._AGENCIES)
        assert org.category in (None, BusinessCategory.GOVERNMENT)
    else:
        assert org.legal_name.startswith(vocab._NONPROFITS)
        assert org.category in (None, BusinessCategory.NONPROFIT)
    revalidates(org)


@given(organizations(internal_unit=InternalUnit.BRANCH))
def test_internal_branches_are_named_after_a_province(org: Organization) -> None:
    """A branch is 'Chi nhánh <province>' with a branch tax code when it has one."""
    assert org.internal_unit is InternalUnit.BRANCH
    assert org.legal_name.removeprefix("Chi nhánh ") in PROVINCES
    assert org.tax_code is None or org.is_branch_tax_code


def test_business_tax_codes_include_every_form_with_a_valid_check_digit() -> None:
    """Businesses draw 10-digit codes and, as household businesses, 12-digit personal ids."""
    from hypothesis import find

    def form(n: int) -> Callable[[Organization], bool]:
        return lambda org: org.tax_code is not None and len(org.tax_code) == n

    ten = find(organizations(PartyType.BUSINESS), form(10))
    personal = find(organizations(PartyType.BUSINESS), form(12))
    assert ten.tax_code is not None
    assert stdnum_mst.is_valid(ten.tax_code)
    assert personal.is_personal_tax_code


def test_an_individual_organization_is_refused() -> None:
    """organizations(PartyType.INDIVIDUAL) is a mistake, reported at once."""
    with pytest.raises(InvalidArgument):
        organizations(PartyType.INDIVIDUAL)


# --- time, purchases, events ------------------------------------------------------------

LOW = datetime(2025, 7, 1, tzinfo=timezone(timedelta(hours=7)))
HIGH = datetime(2025, 7, 2, tzinfo=UTC)


@given(aware_datetimes(LOW, HIGH))
def test_aware_datetimes_are_aware_within_bounds_in_a_fixed_offset(value: datetime) -> None:
    """Bounds compare as instants; the offset is one of the fixed ones."""
    assert value.tzinfo in vocab.OFFSETS
    assert LOW <= value <= HIGH


def test_naive_datetime_bounds_are_refused() -> None:
    """A naive bound has no instant to compare with."""
    with pytest.raises(InvalidArgument):
        aware_datetimes(datetime(2025, 1, 1), HIGH)
    with pytest.raises(InvalidArgument):
        aware_datetimes(HIGH, LOW)


@given(line_items("JPY"), purchases("USD", LOW, HIGH))
def test_line_items_and_purchases_use_the_currency_and_times_asked_for(
    item: LineItem, purchase: Purchase
) -> None:
    """Prices and amounts share the currency; the purchase time is within bounds."""
    assert item.unit_price.currency == "JPY"
    assert item.name in vocab._PRODUCTS
    assert purchase.amount.currency == "USD"
    assert all(i.unit_price.currency == "USD" for i in purchase.items)
    assert LOW <= purchase.at <= HIGH
    if purchase.items:
        assert purchase.amount <= sum((i.total for i in purchase.items), Money.zero("USD"))
    revalidates(item)
    revalidates(purchase)


@given(lifecycle_events())
def test_lifecycle_events_are_moves_of_the_lifecycle_machine(event: Event[Lifecycle]) -> None:
    """Each event's transition exists from its source to its target."""
    assert any(
        t.name == event.transition and event.source in t.sources and t.target is event.target
        for t in LIFECYCLE.transitions
    )
    if event.payload is not None:
        assert event.transition in ("promote", "lapse")
        assert isinstance(event.payload, LifecyclePolicy)


# --- customers ------------------------------------------------------------------------------


def replayed(customer: Customer) -> Customer:
    """The customer rebuilt by replaying its lifecycle events onto a fresh prospect."""
    prospect = attrs.evolve(customer, lifecycle=Lifecycle.PROSPECT, lifecycle_events=())
    return LIFECYCLE.replay(customer.lifecycle_events, onto=prospect)


@given(customers())
def test_customers_are_valid_and_their_lifecycle_replays_from_the_events(
    customer: Customer,
) -> None:
    """Every invariant holds, and the events are real: replaying them gives the customer."""
    revalidates(customer)
    assert replayed(customer) == customer
    assert customer.orders <= 8
    assert (customer.orders == 0) == (customer.lifecycle is Lifecycle.PROSPECT)
    assert len({p.id for p in customer.purchases}) == customer.orders
    assert all(p.at >= customer.created_at for p in customer.purchases)
    if customer.scope is Scope.INTERNAL:
        allowed = EMPLOYEE_ROLES if isinstance(customer.party, Person) else frozenset()
        assert not customer.roles & EXTERNAL_ONLY_ROLES - allowed
        if isinstance(customer.party, Organization):
            assert customer.party.internal_unit is not None
    elif isinstance(customer.party, Organization):
        assert customer.party.internal_unit is None
    if Role.BANK in customer.roles:
        assert customer.party_type is PartyType.BUSINESS


def test_a_purchase_at_the_instant_of_a_lapse_still_replays() -> None:
    """Lapse at T, buy again at T: the log add_purchase wrote must replay onto the prospect."""
    t = datetime(2026, 1, 1, tzinfo=UTC)
    later = t + timedelta(days=1)
    customer = Customer("c-1", Person("Lê Văn Minh"), created_at=t)
    customer = customer.add_purchase(Purchase("o-1", t, Money(100_000)))
    customer = customer.review_lifecycle(LifecyclePolicy(lapse_after_days=1), as_of=later)
    customer = customer.add_purchase(Purchase("o-2", later, Money(100_000)))
    assert [e.transition for e in customer.lifecycle_events] == ["convert", "lapse", "win_back"]
    assert replayed(customer) == customer


@given(
    st.sampled_from(Scope).flatmap(
        lambda scope: st.sampled_from(PartyType).flatmap(
            lambda kind: st.tuples(
                st.just(scope),
                st.just(kind),
                customers(scope, kind, min_purchases=2, max_purchases=3, currency="EUR"),
            )
        )
    )
)
def test_customers_honour_scope_party_type_purchase_counts_and_currency(
    drawn: tuple[Scope, PartyType, Customer],
) -> None:
    """Every combination of scope and party type can be asked for and is respected."""
    scope, kind, customer = drawn
    assert customer.scope is scope
    assert customer.party_type is kind
    assert 2 <= customer.orders <= 3
    assert customer.currency == "EUR"
    assert all(p.amount.currency == "EUR" for p in customer.purchases)
    revalidates(customer)


@given(
    st.sampled_from(Lifecycle).flatmap(
        lambda state: st.tuples(st.just(state), customers(lifecycle=state, max_purchases=3))
    )
)
def test_customers_end_in_the_lifecycle_state_asked_for(
    drawn: tuple[Lifecycle, Customer],
) -> None:
    """Loyal and lapsed customers got there through policy reviews, recorded as events."""
    state, customer = drawn
    assert customer.lifecycle is state
    if state in (Lifecycle.LOYAL, Lifecycle.LAPSED):
        assert isinstance(customer.lifecycle_events[-1].payload, LifecyclePolicy)
    assert replayed(customer) == customer


@given(customers(roles=frozenset({Role.BANK, Role.SUPPLIER}), max_purchases=1))
def test_customers_with_the_bank_role_are_external_businesses(customer: Customer) -> None:
    """Asking for a bank forces an external business organisation."""
    assert customer.roles == {Role.BANK, Role.SUPPLIER}
    assert customer.scope is Scope.EXTERNAL
    assert customer.party_type is PartyType.BUSINESS


@given(customers(scope=Scope.INTERNAL, roles={Role.BUYER}, max_purchases=2))
def test_an_internal_buyer_is_always_an_employee(customer: Customer) -> None:
    """Seed 000: an employee may buy from the firm; a department never does."""
    assert customer.scope is Scope.INTERNAL
    assert isinstance(customer.party, Person)
    assert customer.market is None


@given(customers(reviews=False, max_purchases=3))
def test_customers_without_reviews_carry_no_policy_payloads(customer: Customer) -> None:
    """reviews=False leaves only conversion events, so customers are prospects or current."""
    assert customer.lifecycle in (Lifecycle.PROSPECT, Lifecycle.CURRENT)
    assert all(e.payload is None for e in customer.lifecycle_events)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"scope": Scope.INTERNAL, "roles": frozenset({Role.DISTRIBUTOR})},
        {"scope": Scope.INTERNAL, "party_type": PartyType.BUSINESS, "roles": {Role.BUYER}},
        {"party_type": PartyType.GOVERNMENT, "roles": frozenset({Role.BANK})},
        {"lifecycle": Lifecycle.PROSPECT, "min_purchases": 1},
        {"lifecycle": Lifecycle.CURRENT, "max_purchases": 0},
        {"lifecycle": Lifecycle.LOYAL, "reviews": False},
        {"min_purchases": 3, "max_purchases": 2},
        {"currency": "XXX"},
    ],
    ids=["internal-distributor", "internal-unit-buyer", "government-bank", "prospect-buying",
         "current-never-buying", "loyal-unreviewed", "min-above-max", "unknown-currency"],
)  # fmt: skip
def test_constraints_no_customer_can_meet_are_refused_up_front(kwargs: dict[str, object]) -> None:
    """An impossible request fails when the strategy is built, not deep inside a test."""
    with pytest.raises((InvalidArgument, ValueError)):
        customers(**kwargs)  # type: ignore[arg-type]


# --- the Hypothesis entry point ---------------------------------------------------------------


def test_the_setup_hook_lets_from_type_build_every_model() -> None:
    """After the hook, st.from_type works for each public model, Customer included.

    The registrations stay for the rest of the session, as they would with khachhang
    installed (the entry point runs the hook whenever Hypothesis is imported).
    """
    _hypothesis_setup_hook()

    @settings(
        max_examples=scaled(20)
    )  # a smoke test of the wiring; the strategies are tested above
    @given(
        st.from_type(Customer),
        st.tuples(
            *(
                st.from_type(cls)
                for cls in (
                    Money,
                    ContactPoint,
                    Address,
                    Person,
                    Organization,
                    LineItem,
                    Purchase,
                    LifecyclePolicy,
                    Event,
                )
            )
        ),
    )
    def check(customer: Customer, models: tuple[object, ...]) -> None:
        assert isinstance(customer, Customer)
        revalidates(customer)
        assert [type(m).__name__ for m in models] == [
            "Money",
            "ContactPoint",
            "Address",
            "Person",
            "Organization",
            "LineItem",
            "Purchase",
            "LifecyclePolicy",
            "Event",
        ]

    check()


def _installed() -> bool:
    try:
        importlib.metadata.distribution("khachhang")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.skipif(
    not _installed(),
    reason="khachhang is not pip-installed here (tests run from src/), so its entry points "
    "are not registered; `pip install -e .` enables this test",
)
def test_the_hook_is_registered_as_a_hypothesis_entry_point() -> None:
    """pyproject.toml declares the hook in the 'hypothesis' entry-point group."""
    found = importlib.metadata.entry_points(group="hypothesis")
    assert HOOK in {entry.value for entry in found}


def test_hypothesis_runs_the_hook_from_a_hypothesis_entry_point(tmp_path: Path) -> None:
    """With the entry point on the path, st.from_type(Customer) works with no import.

    A minimal ``.dist-info`` declaring the same entry point as pyproject.toml stands in
    for an installed khachhang, in a fresh interpreter so Hypothesis loads it on import.
    """
    info = tmp_path / "khachhang_hook_check-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: khachhang-hook-check\nVersion: 0\n"
    )
    (info / "entry_points.txt").write_text(f"[hypothesis]\n_ = {HOOK}\n")
    code = (
        "import warnings; warnings.simplefilter('ignore'); "
        "from hypothesis import strategies as st; "
        "from khachhang.customers import Customer; "
        "print(type(st.from_type(Customer).example()).__name__)"
    )
    paths = [str(tmp_path), *sys.path]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Customer"


PACKAGE_MODELS = [
    f"{model_module}:{cls}"
    for strategies, models in _MODELS.items()
    if strategies != "khachhang.testing._strategies"
    for model_module, pairs in models.items()
    for cls, _ in pairs
]


@pytest.mark.parametrize("target", PACKAGE_MODELS)
def test_the_hook_teaches_from_type_the_package_models(target: str) -> None:
    """After the hook, st.from_type draws each model of the segmentation, buying and care
    packages, and what it draws survives the converter."""
    from khachhang.serde import from_dict, to_dict

    _hypothesis_setup_hook()
    module, _, name = target.partition(":")
    cls = getattr(importlib.import_module(module), name)

    @settings(max_examples=scaled(5), suppress_health_check=SLOW_EXAMPLES)
    @given(st.from_type(cls))
    def check(value: object) -> None:
        assert isinstance(value, cls)
        assert from_dict(to_dict(value), cls) == value

    check()


@pytest.mark.parametrize("module", sorted(set(_MODELS) - {"khachhang.testing._strategies"}))
def test_the_hook_registers_what_each_strategy_module_registers(
    module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hook's table (lazy, import-free) and each module's register_types() agree."""
    seen: list[str] = []
    monkeypatch.setattr(st, "register_type_strategy", lambda cls, _: seen.append(cls.__name__))
    importlib.import_module(module).register_types()
    expected = [cls for pairs in _MODELS[module].values() for cls, _ in pairs]
    assert sorted(seen) == sorted(expected)
