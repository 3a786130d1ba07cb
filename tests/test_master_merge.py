"""Merging two records of one customer: lossless, idempotent, order-free, undoable."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given, settings

from conftest import SLOW_EXAMPLES, T0, UTC, scaled
from khachhang import Customer, Money, Person, Purchase
from khachhang.customers import LifecyclePolicy
from khachhang.errors import ValidationError
from khachhang.kinds import Lifecycle
from khachhang.master import (
    ConsentMerge,
    MergeField,
    MergePolicy,
    Pick,
    merge,
    unmerge,
)
from khachhang.parties import Address, ContactChannel, ContactKind, ContactPoint, Organization
from khachhang.testing import merge_policies, mergeable_pairs

AT = T0 + timedelta(days=3650)
PAIR_SETTINGS = settings(max_examples=scaled(40), suppress_health_check=SLOW_EXAMPLES)


def _purchase_keys(customer: Customer) -> set[Purchase]:
    return set(customer.purchases)


@PAIR_SETTINGS
@given(mergeable_pairs(), merge_policies())
def test_a_merge_is_lossless(pair: tuple[Customer, Customer], policy: MergePolicy) -> None:
    """Every purchase, contact point, tag, role and lifecycle event of both is kept."""
    a, b = pair
    merged = merge(a, b, at=AT, policy=policy)
    c, record = merged.customer, merged.record
    renamed = {r.original: r.renamed for r in record.renamed}
    assert {r.source for r in record.renamed} <= {record.absorbed.id}
    held = {p.id: p for p in c.purchases}
    for source in (a, b):
        for purchase in source.purchases:
            new_id = purchase.id
            if source is record.absorbed:
                new_id = renamed.get(purchase.id, purchase.id)
            assert held[new_id] == attrs.evolve(purchase, id=new_id)
        assert {(p.kind, p.value) for p in source.party.contacts} <= {
            (p.kind, p.value) for p in c.party.contacts
        }
        assert source.tags <= c.tags
        assert source.roles <= c.roles
    kept = set(c.lifecycle_events)
    aside = set(record.set_aside())
    assert set(a.lifecycle_events) | set(b.lifecycle_events) == kept | aside
    assert c.total_spent.amount == sum(p.amount.amount for p in held.values())


@PAIR_SETTINGS
@given(mergeable_pairs(), merge_policies())
def test_the_merged_customer_is_valid_and_its_log_replays(
    pair: tuple[Customer, Customer], policy: MergePolicy
) -> None:
    c = merge(*pair, at=AT, policy=policy).customer
    assert attrs.evolve(c) == c  # the constructor's checks, the log replay among them
    assert Customer.replay(c.lifecycle_events, onto=c.opening()) == c
    assert c.created_at == min(pair[0].created_at, pair[1].created_at)


@PAIR_SETTINGS
@given(mergeable_pairs(), merge_policies())
def test_unmerge_gives_back_both_originals_exactly(
    pair: tuple[Customer, Customer], policy: MergePolicy
) -> None:
    merged = merge(*pair, at=AT, policy=policy, actor="lan", note="one customer")
    assert unmerge(merged.record) == pair
    assert merged.record.replay() == merged
    assert {merged.record.survivor_id, merged.record.absorbed_id} == {p.id for p in pair}


@PAIR_SETTINGS
@given(mergeable_pairs(), merge_policies(symmetric=True))
def test_a_symmetric_policy_merges_the_same_either_way_round(
    pair: tuple[Customer, Customer], policy: MergePolicy
) -> None:
    a, b = pair
    assert merge(a, b, at=AT, policy=policy).customer == merge(b, a, at=AT, policy=policy).customer


@PAIR_SETTINGS
@given(mergeable_pairs(), merge_policies(symmetric=True))
def test_merging_again_with_either_original_changes_nothing(
    pair: tuple[Customer, Customer], policy: MergePolicy
) -> None:
    """Idempotence: what a record holds is already in the merge result."""
    a, b = pair
    c = merge(a, b, at=AT, policy=policy).customer
    for original in (a, b):
        assert merge(c, original, at=AT, policy=policy).customer == c
        assert merge(original, c, at=AT, policy=policy).customer == c
    assert merge(c, c, at=AT, policy=policy).customer == c


@PAIR_SETTINGS
@given(mergeable_pairs())
def test_the_first_policy_keeps_the_first_records_id_and_values(
    pair: tuple[Customer, Customer],
) -> None:
    a, b = pair
    picks: dict[str, Any] = {field.value: Pick.FIRST for field in MergeField}
    c = merge(a, b, at=AT, policy=MergePolicy(**picks)).customer
    assert c.id == a.id
    assert c.name == a.name or not a.name
    assert c.acquisition_source == (a.acquisition_source or b.acquisition_source)


# --- domain examples ---------------------------------------------------------------------


def _buyer(cid: str, name: str, *orders: tuple[str, int], **kwargs: object) -> Customer:
    customer = Customer(cid, Person(name, **kwargs), created_at=T0)  # type: ignore[arg-type]
    for order_id, day in orders:
        customer = customer.add_purchase(Purchase(order_id, T0 + timedelta(days=day), Money(1000)))
    return customer


def test_a_lapse_the_other_records_purchases_contradict_is_set_aside() -> None:
    """a lapsed after a year without buying, but b shows the customer bought meanwhile."""
    policy = LifecyclePolicy(lapse_after_days=365)
    a = _buyer("a", "Lê Thị Hoa", ("o-1", 0)).review_lifecycle(
        policy, as_of=T0 + timedelta(days=400)
    )
    b = _buyer("b", "Le Thi Hoa", ("o-9", 200))
    assert a.lifecycle is Lifecycle.LAPSED
    merged = merge(a, b, at=AT)
    c = merged.customer
    assert c.lifecycle is Lifecycle.CURRENT
    assert c.lifecycle_events == a.lifecycle_events[:1]  # the longer history: from day 0
    assert merged.record.set_aside() == (a.lifecycle_events[1], *b.lifecycle_events)


def test_clashing_purchase_ids_are_renamed_and_recorded() -> None:
    a = _buyer("a", "Lê Thị Hoa", ("o-1", 0))
    b = _buyer("b", "Lê Thị Hoa", ("o-1", 5))
    merged = merge(a, b, at=AT)
    assert [p.id for p in merged.customer.purchases] == ["o-1", "b:o-1"]
    assert [(r.source, r.original, r.renamed) for r in merged.record.renamed] == [
        ("b", "o-1", "b:o-1")
    ]


def test_the_same_purchase_in_both_records_is_kept_once() -> None:
    a = _buyer("a", "Lê Thị Hoa", ("o-1", 0))
    b = Customer("b", Person("Lê Thị Hoa"), created_at=T0).add_purchase(a.purchases[0])
    assert merge(a, b, at=AT).customer.orders == 1


def test_a_consent_withdrawn_on_either_record_stays_withdrawn_by_default() -> None:
    """Decree 13/2023/ND-CP: consent is never presumed, so BOTH is the default."""
    sms = ContactPoint.phone("0901234567", consents=[ContactChannel.SMS, ContactChannel.CALL])
    call_only = ContactPoint.phone("0901234567", consents=[ContactChannel.CALL])
    a = Customer("a", Person("An", contacts=[sms]), created_at=T0)
    b = Customer("b", Person("An", contacts=[call_only]), created_at=T0)
    both = merge(a, b, at=AT).customer.party.contacts
    either = merge(a, b, at=AT, policy=MergePolicy(consents=ConsentMerge.EITHER))
    assert both[0].consents == {ContactChannel.CALL}
    assert either.customer.party.contacts[0].consents == {ContactChannel.SMS, ContactChannel.CALL}


def test_one_primary_contact_per_kind_the_survivors() -> None:
    a = Customer("a", Person("An", contacts=[ContactPoint.phone("0901234567", primary=True)]), T0)
    b = Customer("b", Person("An", contacts=[ContactPoint.phone("0912345678", primary=True)]), T0)
    contacts = merge(a, b, at=AT).customer.party.contacts
    primaries = [p.value for p in contacts if p.kind is ContactKind.PHONE and p.primary]
    assert primaries == ["+84901234567"]


def test_the_name_with_diacritics_and_the_newest_address_are_kept() -> None:
    old = Customer("a", Person("NGUYEN VAN DUC", address=Address("Bình Dương")), T0)
    new = _buyer("b", "Nguyễn Văn Đức", ("o-1", 30), address=Address("TP.HCM", ward="Bến Thành"))
    merged = merge(old, new, at=AT)
    c = merged.customer
    assert (c.id, c.name, c.party.address) == ("a", "Nguyễn Văn Đức", new.party.address)
    taken = {t.field: t.source for t in merged.record.taken}
    assert taken[MergeField.ID] == "a"
    assert taken[MergeField.NAME] == taken[MergeField.ADDRESS] == "b"


def test_a_person_and_an_organisation_keep_the_survivors_party() -> None:
    person = Customer("a", Person("Lê Hoa", contacts=[ContactPoint.email("hoa@x.vn")]), T0)
    org = Customer("b", Organization("Hoa Lê Shop"), T0 + timedelta(days=1))
    c = merge(person, org, at=AT).customer
    assert isinstance(c.party, Person)
    assert [p.value for p in c.party.contacts] == ["hoa@x.vn"]


def test_books_in_two_currencies_are_refused_and_nothing_changes() -> None:
    a = Customer("a", Person("An"), T0)
    b = Customer("b", Person("An"), T0, currency="USD")
    with pytest.raises(ValidationError, match=r"second\.currency: a USD book cannot merge"):
        merge(a, b, at=AT)


def test_a_naive_merge_time_is_refused() -> None:
    a = Customer("a", Person("An"), T0)
    with pytest.raises(ValidationError, match=r"^at: "):
        merge(a, a, at=AT.replace(tzinfo=None))
    assert merge(a, a, at=AT.astimezone(UTC)).customer == a
