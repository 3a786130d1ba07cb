"""The sample book and its summary: deterministic, complete, realistic, and counted right."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import T0
from khachhang import (
    Address,
    BusinessCategory,
    ContactKind,
    Customer,
    InternalUnit,
    Lifecycle,
    Market,
    Money,
    Organization,
    PartyType,
    Person,
    Purchase,
    Role,
    Scope,
    ValidationError,
    from_json,
    to_json,
)
from khachhang.parties import FORMER_PROVINCES, PROVINCES
from khachhang.report import BookSummary, render_summary, summarize
from khachhang.sample import SAMPLE_AS_OF, SAMPLE_SEED, sample_book

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def book() -> tuple[Customer, ...]:
    return sample_book()


# --- determinism ----------------------------------------------------------------------


def test_the_same_seed_gives_an_equal_book() -> None:
    """Two books from one seed are equal, customer by customer."""
    assert sample_book(120, seed=5) == sample_book(120, seed=5)


def test_a_different_seed_gives_a_different_book() -> None:
    assert sample_book(120, seed=5) != sample_book(120, seed=6)


def test_the_default_book_uses_the_documented_seed_and_date() -> None:
    assert sample_book(30) == sample_book(30, seed=SAMPLE_SEED, as_of=SAMPLE_AS_OF)
    assert datetime(2026, 11, 1, tzinfo=timezone(timedelta(hours=7))) == SAMPLE_AS_OF


def test_the_book_is_the_same_in_another_process_whatever_the_hash_seed() -> None:
    """No set or dict order leaks into the draws: string hashing differs per process."""
    code = (
        "import hashlib; from khachhang.sample import sample_book; "
        "from khachhang.serde import to_json; "
        "print(hashlib.sha256(to_json(list(sample_book(150))).encode()).hexdigest())"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONHASHSEED": hash_seed}
        run = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        digests.add(run.stdout.strip())
    here = hashlib.sha256(to_json(list(sample_book(150))).encode()).hexdigest()
    assert digests == {here}


# --- completeness ---------------------------------------------------------------------


def test_the_default_book_holds_about_a_thousand_customers(book: tuple[Customer, ...]) -> None:
    assert len(book) == 1000
    assert len({c.id for c in book}) == 1000


def test_every_kind_role_lifecycle_state_and_market_is_present(
    book: tuple[Customer, ...],
) -> None:
    assert {c.scope for c in book} == set(Scope)
    assert {c.party_type for c in book} == set(PartyType)
    assert {c.market for c in book} == {*Market, None}
    assert {r for c in book for r in c.roles} == set(Role)
    assert {c.lifecycle for c in book} == set(Lifecycle)
    assert all(c.acquisition_source is not None for c in book if c.scope is Scope.EXTERNAL)


def test_consumers_are_the_largest_group_in_realistic_proportions(
    book: tuple[Customer, ...],
) -> None:
    share = {t: sum(c.party_type is t for c in book) / len(book) for t in PartyType}
    assert 0.65 < share[PartyType.INDIVIDUAL] < 0.85
    assert 0.1 < share[PartyType.BUSINESS] < 0.25
    assert share[PartyType.GOVERNMENT] < 0.05
    assert share[PartyType.NONPROFIT] < 0.05
    for state in Lifecycle:
        assert sum(c.lifecycle is state for c in book) > 0.08 * len(book)


def test_a_small_book_still_holds_every_kind_and_role() -> None:
    small = sample_book(19)
    assert {c.party_type for c in small} == set(PartyType)
    assert {r for c in small for r in c.roles} == set(Role)


def test_businesses_have_categories_and_most_have_tax_codes(book: tuple[Customer, ...]) -> None:
    businesses = [
        c.party
        for c in book
        if isinstance(c.party, Organization) and c.scope is Scope.EXTERNAL
        if c.party.party_type is PartyType.BUSINESS
    ]
    assert {b.category for b in businesses} == {
        BusinessCategory.MANUFACTURER,
        BusinessCategory.COMMERCIAL,
        BusinessCategory.WHOLESALE_RETAIL,
    }
    assert sum(b.tax_code is not None for b in businesses) == len(businesses)
    assert any(b.is_branch_tax_code for b in businesses)


def test_internal_customers_are_employees_departments_and_branches_using_our_services(
    book: tuple[Customer, ...],
) -> None:
    internal = [c for c in book if c.scope is Scope.INTERNAL]
    units = {c.party.internal_unit for c in internal if isinstance(c.party, Organization)}
    assert units == set(InternalUnit)
    assert any(isinstance(c.party, Person) for c in internal)
    assert all(c.roles == {Role.END_USER} for c in internal)


def test_only_businesses_hold_the_bank_role(book: tuple[Customer, ...]) -> None:
    banks = [c for c in book if Role.BANK in c.roles]
    assert banks
    assert all(c.party_type is PartyType.BUSINESS for c in banks)


def test_addresses_use_current_and_former_provinces_weighted_to_the_two_big_cities(
    book: tuple[Customer, ...],
) -> None:
    addresses = [c.party.address for c in book if c.party.address is not None]
    provinces = {a.province for a in addresses}
    former_only = set(FORMER_PROVINCES) - set(PROVINCES)
    assert len(provinces & set(PROVINCES)) >= 25
    assert len(provinces & former_only) >= 10
    assert any(a.district is not None for a in addresses)
    big = sum(a.current_province in {"Hà Nội", "TP. Hồ Chí Minh"} for a in addresses)
    assert 0.3 < big / len(addresses) < 0.6


def test_names_are_vietnamese_and_contacts_carry_some_consents(
    book: tuple[Customer, ...],
) -> None:
    people = [c.party for c in book if isinstance(c.party, Person)]
    assert sum(p.family_name == "Nguyễn" for p in people) > 0.25 * len(people)
    contacts = [cp for p in people for cp in p.contacts]
    assert {cp.kind for cp in contacts} >= {ContactKind.PHONE, ContactKind.EMAIL}
    with_consent = sum(bool(cp.consents) for cp in contacts)
    assert 0 < with_consent < len(contacts)
    assert any(p.birth_date is not None for p in people)
    assert any(c.income is not None for c in book)
    assert any(c.tags for c in book)


def test_purchases_are_in_vnd_with_realistic_amounts(book: tuple[Customer, ...]) -> None:
    b2c = [p.amount for c in book if c.market is Market.B2C for p in c.purchases]
    b2b = [p.amount for c in book if c.market is Market.B2B for p in c.purchases]
    assert all(Money("100000") <= a <= Money("20000000") for a in b2c)
    assert sum(a.amount for a in b2b) / len(b2b) > 10 * sum(a.amount for a in b2c) / len(b2c)
    assert all(p.amount.currency == "VND" for c in book for p in c.purchases)


def test_nothing_in_the_book_happens_after_as_of(book: tuple[Customer, ...]) -> None:
    for c in book:
        assert c.created_at <= SAMPLE_AS_OF
        assert all(c.created_at <= p.at <= SAMPLE_AS_OF for p in c.purchases)
        assert all(e.at <= SAMPLE_AS_OF for e in c.lifecycle_events)


def test_lifecycle_states_come_from_real_events(book: tuple[Customer, ...]) -> None:
    """A buyer was converted at its first purchase; a prospect never bought."""
    for c in book:
        if not c.purchases:
            assert c.lifecycle is Lifecycle.PROSPECT
            assert not c.lifecycle_events
            continue
        first = c.lifecycle_events[0]
        assert (first.transition, first.at) == ("convert", c.purchases[0].at)
    assert any(e.transition == "win_back" for c in book for e in c.lifecycle_events)


def test_sample_customers_round_trip_through_the_converter() -> None:
    customers = list(sample_book(60, seed=3))
    assert from_json(to_json(customers), list[Customer]) == customers


def test_sample_book_refuses_a_negative_size_and_a_naive_as_of() -> None:
    with pytest.raises(ValidationError, match=r"^n: "):
        sample_book(-1)
    with pytest.raises(ValidationError, match="as_of"):
        sample_book(5, as_of=datetime(2026, 11, 1))
    assert sample_book(0) == ()


# --- summarize ------------------------------------------------------------------------


def _buyer(cid: str, province: str, *amounts: str) -> Customer:
    customer = Customer(cid, Person("Lê Văn An", address=Address(province)), created_at=T0)
    for i, amount in enumerate(amounts):
        customer = customer.add_purchase(Purchase(f"{cid}-{i}", T0, Money(amount)))
    return customer


def test_a_former_province_counts_under_todays_province() -> None:
    """Bình Dương and Bà Rịa - Vũng Tàu joined TP. Hồ Chí Minh on 1 July 2025."""
    book = [
        _buyer("a", "Bình Dương"),
        _buyer("b", "Bà Rịa - Vũng Tàu"),
        _buyer("c", "TP. Hồ Chí Minh"),
        _buyer("d", "Hà Nội"),
    ]
    summary = summarize(book, as_of=SAMPLE_AS_OF)
    assert dict(summary.top_provinces) == {"TP. Hồ Chí Minh": 3, "Hà Nội": 1}
    assert summary.pre_2025_addresses == 2


def test_revenue_equals_the_sum_of_the_customers_totals(book: tuple[Customer, ...]) -> None:
    summary = summarize(book, as_of=SAMPLE_AS_OF)
    assert summary.revenue == sum((c.total_spent for c in book), Money.zero())
    by_market = sum(summary.revenue_by_market.values(), Money.zero())
    assert summary.revenue == by_market + summary.internal_revenue
    assert summary.orders == sum(c.orders for c in book)


def test_the_counts_add_up_to_the_book(book: tuple[Customer, ...]) -> None:
    summary = summarize(book, as_of=SAMPLE_AS_OF)
    assert summary.customers == len(book)
    for counts in (summary.by_scope, summary.by_party_type, summary.by_lifecycle):
        assert sum(counts.values()) == len(book)
    assert sum(summary.by_market.values()) == summary.by_scope[Scope.EXTERNAL]
    assert sum(summary.by_source.values()) + summary.no_source == len(book)
    assert list(summary.top_provinces)[:2] == ["TP. Hồ Chí Minh", "Hà Nội"]


def test_purchases_after_as_of_are_left_out_of_the_summary() -> None:
    customer = _buyer("a", "Huế", "100000", "250000")
    summary = summarize([customer], as_of=T0 - timedelta(seconds=1))
    assert (summary.orders, summary.revenue) == (0, Money.zero())
    assert summarize([customer], as_of=T0).revenue == Money("350000")


def test_summarize_refuses_a_book_in_another_currency() -> None:
    usd = Customer("u", Person("Trần Thị Lan"), created_at=T0, currency="USD")
    with pytest.raises(ValidationError, match=r"book\[0\]\.currency"):
        summarize([usd], as_of=SAMPLE_AS_OF)


def test_an_empty_book_has_an_empty_summary() -> None:
    summary = summarize([], as_of=SAMPLE_AS_OF)
    assert (summary.customers, summary.revenue, summary.average_order_value) == (
        0,
        Money.zero(),
        None,
    )
    assert "Tổng quan tệp khách hàng" in render_summary(summary)


def test_the_summary_round_trips_through_the_converter(book: tuple[Customer, ...]) -> None:
    summary = summarize(book, as_of=SAMPLE_AS_OF)
    assert from_json(to_json(summary), BookSummary) == summary


# --- render ---------------------------------------------------------------------------


def test_the_vietnamese_report_uses_vietnamese_headings_labels_and_money(
    book: tuple[Customer, ...],
) -> None:
    text = render_summary(summarize(book, as_of=SAMPLE_AS_OF), "vi")
    assert text.startswith("Tổng quan tệp khách hàng\n")
    for heading in ("Vòng đời khách hàng", "Doanh thu theo thị trường", "Nguồn khách hàng"):
        assert heading in text
    assert Lifecycle.LOYAL.label("vi") in text
    assert Role.REFERRER.label("vi") in text
    assert "1.000" in text
    assert " ₫" in text


def test_the_english_report_has_no_vietnamese_headings(book: tuple[Customer, ...]) -> None:
    summary = summarize(book, as_of=SAMPLE_AS_OF)
    text = render_summary(summary, "en")
    assert text.startswith("Customer book summary\n")
    assert Lifecycle.LOYAL.label("en") in text
    assert summary.revenue.format("en") in text
    assert "1,000" in text
    headings = [line.split("  ")[0] for line in text.splitlines() if not line.startswith(" ")]
    assert all(heading.isascii() for heading in headings)


def test_render_summary_refuses_an_unknown_language(book: tuple[Customer, ...]) -> None:
    with pytest.raises(ValidationError, match="lang"):
        render_summary(summarize(book[:5], as_of=SAMPLE_AS_OF), "fr")


def test_an_organisation_without_an_address_counts_as_no_address() -> None:
    org = Customer("o", Organization("Công ty TNHH Ánh Dương"), created_at=T0)
    summary = summarize([org], as_of=SAMPLE_AS_OF)
    assert (summary.no_address, dict(summary.top_provinces)) == (1, {})


# --- one vocabulary -------------------------------------------------------------------


def test_the_sample_draws_its_words_from_the_shared_vocabulary(
    book: tuple[Customer, ...],
) -> None:
    """Every family name, street and mobile prefix of the sample book is in
    khachhang._vocabulary, the lists the strategies draw from too (test_testing)."""
    from khachhang import _vocabulary as vocab

    persons = [c.party for c in book if isinstance(c.party, Person)]
    assert {p.full_name.split(" ")[0] for p in persons} <= set(vocab.FAMILY_NAMES)
    addresses = [c.party.address for c in book if c.party.address]
    assert {a.street.split(" ", 1)[1] for a in addresses if a.street} <= set(vocab.STREETS)
    phones = {p.value for c in book for p in c.party.contacts if p.kind is ContactKind.PHONE}
    mobiles = {"0" + p[3:5] for p in phones if len(p) == len("+84901234567")}
    assert mobiles <= set(vocab.SAMPLE_MOBILE_PREFIXES)
    assert len(mobiles) > 20


def test_the_vocabulary_is_stored_as_the_models_store_text() -> None:
    """Every word is NFC and free of outer spaces; no list repeats a word."""
    import unicodedata

    from khachhang import _vocabulary as vocab

    lists = [
        vocab.FAMILY_NAMES, *vocab.MIDDLE_NAMES.values(), *vocab.GIVEN_NAMES.values(),
        vocab.BRANDS, vocab.BUSINESS_FORMS, vocab.DEPARTMENTS, *vocab.FORMER_DISTRICTS.values(),
        *vocab.CURRENT_WARDS.values(), vocab.WARDS, vocab.STREETS, vocab.MOBILE_PREFIXES,
    ]  # fmt: skip
    for words in lists:
        assert len(set(words)) == len(words), words
        for word in words:
            assert word == unicodedata.normalize("NFC", word).strip(), word


def test_every_mobile_prefix_takes_any_subscriber_number() -> None:
    """Each prefix followed by any seven digits is a valid Vietnamese mobile; the sample
    book draws from a leading part of the same list."""
    import phonenumbers

    from khachhang._vocabulary import MOBILE_PREFIXES, SAMPLE_MOBILE_PREFIXES

    assert MOBILE_PREFIXES[: len(SAMPLE_MOBILE_PREFIXES)] == SAMPLE_MOBILE_PREFIXES
    for prefix in MOBILE_PREFIXES:
        for rest in ("0000000", "4567890", "9999999"):
            number = phonenumbers.parse(prefix + rest, "VN")
            assert phonenumbers.is_valid_number(number), prefix + rest
            assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
