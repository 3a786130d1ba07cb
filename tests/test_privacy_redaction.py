"""Redaction and pseudonymisation (issue 15, item 3).

The law: a redacted export holds no value of a personal field the policy does not
keep — searched in the output text in every written form (the phone in E.164 and in
national form, the birth date as ISO and as dd/mm/yyyy). Pseudonyms are stable under
one key (exports still join) and differ under another. Reprs and the contact checks'
error messages never print a full contact value.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SLOW_EXAMPLES, T0, scaled
from khachhang import ContactPoint, Customer, Organization, Person
from khachhang.care import Channel, Complaint
from khachhang.care.planning.rules import Purpose
from khachhang.care.planning.touchpoints import Touchpoint
from khachhang.errors import ConversionError, ValidationError
from khachhang.parties import Address, Gender, mask_contact, normalize_email, normalize_phone
from khachhang.privacy import (
    DataKind,
    RedactionPolicy,
    Treatment,
    personal_fields,
    pseudonym,
    redact,
)
from khachhang.serde import from_dict, from_json, to_dict, to_json
from khachhang.testing import (
    buying_processes,
    complaints,
    customers,
    redaction_policies,
)

KEY = b"0123456789abcdef-test-key"
OTHER_KEY = b"fedcba9876543210-test-key"


def export(value: object, policy: RedactionPolicy, key: bytes | None = None) -> Any:
    """``export(value, policy, key=key)``, typed for indexing in the tests."""
    return redact(value, policy, key=key)


def written_forms(kind: DataKind, value: object) -> set[str]:
    """Every way ``value`` of ``kind`` could show up in an export's text."""
    if isinstance(value, frozenset):
        return {str(v) for v in value}
    if isinstance(value, date):
        return {value.isoformat(), f"{value:%d/%m/%Y}"}
    if kind is DataKind.PHONE and isinstance(value, str) and value.startswith("+84"):
        return {value, "0" + value[3:]}
    if kind is DataKind.INCOME:
        return {format(getattr(value, "amount", value), "f")}
    return {str(value)}


# Kinds whose values are short common words (a province, a gender's "male" inside
# "female") or keys an application may reuse elsewhere: not searched as substrings.
UNSEARCHED = {DataKind.REGION, DataKind.GENDER, DataKind.IDENTIFIER}


SHORT = 6
"""Values shorter than this (an actor "lan", a tag "vip") are looked for as whole JSON
strings: as substrings they would be found inside other words ("plan")."""


def strings(data: object) -> set[str]:
    """Every string in JSON data, keys included."""
    if isinstance(data, str):
        return {data}
    if isinstance(data, dict):
        return {*data, *(s for v in data.values() for s in strings(v))}
    if isinstance(data, list):
        return {s for v in data for s in strings(v)}
    return set()


def leaked(value: object, policy: RedactionPolicy, text: str) -> list[str]:
    """Each personal value the policy does not keep that the export text still holds."""
    whole = strings(json.loads(text))
    found = []
    for path, kind, original in personal_fields(value):
        if policy.treatment(kind) is Treatment.KEEP or kind in UNSEARCHED:
            continue
        for form in written_forms(kind, original):
            if form in whole or (len(form) >= SHORT and form in text):
                found.append(f"{path}: {form!r}")
    return found


def with_notes(customer: Customer) -> Customer:
    """The customer with a note on each lifecycle event (the strategies write none)."""
    events = tuple(
        attrs.evolve(e, note=f"gọi lại số 0901234{i:03d}")
        for i, e in enumerate(customer.lifecycle_events)
    )
    return attrs.evolve(customer, lifecycle_events=events)


@settings(max_examples=scaled(60), suppress_health_check=SLOW_EXAMPLES)
@given(customers(), redaction_policies())
def test_a_redacted_export_holds_no_value_of_a_personal_field(
    customer: Customer, policy: RedactionPolicy
) -> None:
    """Whatever the policy, no value it does not keep is in the JSON text."""
    customer = with_notes(customer)
    text = to_json(customer, redact=policy, key=KEY)
    assert leaked(customer, policy, text) == []


@settings(max_examples=scaled(20), suppress_health_check=SLOW_EXAMPLES)
@given(complaints(), buying_processes())
def test_complaints_and_buying_processes_are_redacted_too(
    complaint: Complaint, process: object
) -> None:
    """Subjects, notes and the buying centre's people are personal fields as well."""
    for policy in (RedactionPolicy.masking(), RedactionPolicy.pseudonymising()):
        for value in (complaint, process):
            text = to_json(value, redact=policy, key=KEY)
            assert leaked(value, policy, text) == []


@settings(max_examples=scaled(30))
@given(customers())
def test_the_identifiers_a_masking_export_keeps_still_name_the_customer(
    customer: Customer,
) -> None:
    """Masking keeps ids, province and gender (what analysis joins and groups by)."""
    data = export(customer, RedactionPolicy.masking())
    assert isinstance(data, dict)
    assert data["id"] == customer.id
    assert data["purchases"] == to_dict(customer)["purchases"]


def test_masking_shows_the_parts_that_do_not_identify() -> None:
    """A phone keeps its first five and last two characters, a name its initials."""
    person = Person(
        "Trần Thị Lan",
        gender=Gender.FEMALE,
        birth_date=date(1990, 5, 17),
        contacts=[ContactPoint.phone("0901234567"), ContactPoint.email("lan.tran@example.com")],
        address=Address(province="Hà Nội", ward="Phường Ba Đình", street="12 Phan Đình Phùng"),
    )
    data = export(person, RedactionPolicy.masking())
    assert isinstance(data, dict)
    assert data["full_name"] == "T. T. L."
    assert data["birth_date"] == "1990"
    assert data["gender"] == "female"
    assert [c["value"] for c in data["contacts"]] == ["+8490*****67", "l***@example.com"]
    assert data["address"] == {
        "province": "Hà Nội",
        "ward": "***",
        "district": None,
        "street": "***",
        "country": "VN",
    }


def test_a_personal_tax_code_is_personal_an_organisations_is_not() -> None:
    """A household business's 12-digit code is a person's id; a company's is public."""
    household = Organization("Hộ kinh doanh Lan", tax_code="001090123456")
    company = Organization("Công ty Ánh Dương", tax_code="0101234565")
    assert export(household, RedactionPolicy.masking())["tax_code"] == "001*******56"
    assert export(company, RedactionPolicy.masking())["tax_code"] == "0101234565"


@settings(max_examples=scaled(30))
@given(customers(), customers())
def test_pseudonyms_join_under_one_key_and_differ_under_another(a: Customer, b: Customer) -> None:
    """The same phone on two customers gives one pseudonym; another key, another one."""
    phone = ContactPoint.phone("0901234567")
    a = attrs.evolve(a, party=Person("Lê Minh", contacts=[phone]), id="a")
    b = attrs.evolve(b, party=Person("Lê Hoa", contacts=[phone]), id="b")
    policy = RedactionPolicy.pseudonymising()
    one = [export(c, policy, key=KEY)["party"]["contacts"][0]["value"] for c in (a, b)]
    other = export(a, policy, key=OTHER_KEY)["party"]["contacts"][0]["value"]
    assert one[0] == one[1] == pseudonym(phone.value, DataKind.PHONE, key=KEY)
    assert other != one[0]


def test_an_identifier_pseudonym_is_the_same_wherever_the_id_is_written() -> None:
    """A customer's id and a complaint's customer_id join after hashing."""
    customer = Customer("c-9", Person("Lê Minh"), created_at=T0)
    complaint = Complaint("k-1", "c-9", Channel.PHONE, "Giao trễ", received_at=T0)
    touchpoint = Touchpoint("c-9", T0, Channel.PHONE, Purpose.FOLLOW_UP, "rule", note="hỏi thăm")
    policy = RedactionPolicy.pseudonymising()
    ids = {
        export(customer, policy, key=KEY)["id"],
        export(complaint, policy, key=KEY)["customer_id"],
        export(touchpoint, policy, key=KEY)["customer_id"],
    }
    assert len(ids) == 1
    assert "c-9" not in ids


@pytest.mark.parametrize("key", [None, b"short", "a text key of 16 chars"])
def test_a_hashing_policy_without_a_good_key_is_refused_before_any_work(key: Any) -> None:
    """No key, a short key or a str key: ValidationError naming ``key``."""
    customer = Customer("c-1", Person("Lê Minh"), created_at=T0)
    with pytest.raises(ValidationError) as caught:
        to_json(customer, redact=RedactionPolicy(phone=Treatment.HASH), key=key)
    assert caught.value.path == "key"


def test_a_policy_that_does_not_hash_needs_no_key() -> None:
    """Masking and dropping run without a key."""
    customer = Customer("c-1", Person("Lê Minh"), created_at=T0)
    assert export(customer, RedactionPolicy.dropping())["party"]["full_name"] is None


def test_redacted_data_cannot_be_read_back_as_a_model() -> None:
    """An export is not a record: from_dict refuses a masked phone."""
    customer = Customer(
        "c-1", Person("Lê Minh", contacts=[ContactPoint.phone("0901234567")]), created_at=T0
    )
    with pytest.raises(ConversionError) as caught:
        from_dict(redact(customer), Customer)
    assert "$.party.contacts[0].value" in caught.value.paths


def test_to_dict_and_to_json_apply_the_same_redaction_as_redact() -> None:
    """``to_json(value, redact=policy)`` is the JSON of ``export(value, policy)``."""
    customer = Customer(
        "c-1", Person("Lê Minh", contacts=[ContactPoint.phone("0901234567")]), created_at=T0
    )
    policy = RedactionPolicy.pseudonymising()
    expected = export(customer, policy, key=KEY)
    assert to_dict(customer, redact=policy, key=KEY) == expected
    assert json.loads(to_json(customer, redact=policy, key=KEY)) == expected


def test_a_bad_policy_is_refused_by_name() -> None:
    """A policy must be a RedactionPolicy; a treatment a Treatment."""
    with pytest.raises(ValidationError) as caught:
        redact(Person("Lê Minh"), "mask")  # type: ignore[arg-type]
    assert caught.value.path == "policy"
    with pytest.raises(ValidationError) as caught:
        RedactionPolicy(phone="hash")  # type: ignore[arg-type]
    assert caught.value.path == "phone"


@given(redaction_policies())
def test_a_policy_survives_the_converter(policy: RedactionPolicy) -> None:
    """Policies are data: stored and loaded equal."""
    assert from_json(to_json(policy), RedactionPolicy) == policy


# --- reprs and error messages ----------------------------------------------------------


@settings(max_examples=scaled(40))
@given(customers())
def test_reprs_never_print_a_full_contact_value(customer: Customer) -> None:
    """A customer's, a party's and a contact point's repr mask every contact value."""
    texts = [repr(customer), repr(customer.party), *map(repr, customer.party.contacts)]
    for contact in customer.party.contacts:
        for text in texts:
            assert contact.value not in text
        assert mask_contact(contact.value) in repr(contact)


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (normalize_phone, "0901 234 56"),
        (normalize_phone, "+84 1689 123 456"),
        (normalize_phone, "0901-234-567 ext 12"),
        (normalize_email, "lan.tran@localhost"),
        (normalize_email, "lan..tran@example.com"),
        (normalize_email, "lan tran@example.com"),
    ],
)
def test_a_refused_contact_value_is_masked_in_the_message(check: Any, value: str) -> None:
    """The path and the reason stay; the value is shown masked."""
    with pytest.raises(ValidationError) as caught:
        check(value)
    assert caught.value.path == "value"
    digits = "".join(ch for ch in value if ch.isdigit())
    assert value not in str(caught.value)
    assert len(digits) < 6 or digits not in str(caught.value), str(caught.value)
    assert "lan.tran" not in str(caught.value)


def test_a_duplicate_contact_is_named_with_its_value_masked() -> None:
    """The duplicate's index is named, its number masked."""
    phone = ContactPoint.phone("0901234567")
    with pytest.raises(ValidationError) as caught:
        Person("Lê Minh", contacts=[phone, phone])
    assert caught.value.path == "contacts[1].value"
    assert "+84901234567" not in str(caught.value)
    assert "+8490*****67" in str(caught.value)


@settings(max_examples=scaled(20))
@given(st.sampled_from(list(DataKind)), st.text(min_size=1, max_size=30))
def test_a_bare_value_is_treated_as_its_kind(kind: DataKind, text: str) -> None:
    """``export(value, policy, kind=...)`` treats one bare value, as in a model."""
    policy = RedactionPolicy(**{k.value: Treatment.HASH for k in DataKind})
    assert redact(text, policy, key=KEY, kind=kind) == pseudonym(text, kind, key=KEY)


# --- frames ----------------------------------------------------------------------------


@settings(max_examples=scaled(10), suppress_health_check=SLOW_EXAMPLES)
@given(st.lists(customers(), min_size=1, max_size=4, unique_by=lambda c: c.id))
def test_a_redacted_frame_holds_no_personal_column_value_and_joins_the_json_export(
    book: list[Customer],
) -> None:
    """Hashed ids in the frame are the JSON export's; income and tags are gone."""
    pl = pytest.importorskip("polars")
    from khachhang.privacy.frames import redact_frame
    from khachhang.segmentation import customers_to_frame

    policy = RedactionPolicy.pseudonymising()
    frame = customers_to_frame(book, as_of=T0, redact=policy, key=KEY)
    assert frame["id"].to_list() == [export(c, policy, KEY)["id"] for c in book]
    plain = customers_to_frame(book, as_of=T0)
    assert frame["gender"].to_list() == plain["gender"].to_list()  # kept: coarse
    for name in ("income", "tags", "age"):
        after, before = frame[name], plain[name]
        if name == "tags":  # lists: their items
            after, before = after.explode(), before.explode()
        assert set(after.drop_nulls().to_list()).isdisjoint(before.to_list())
    masked = redact_frame(plain, RedactionPolicy.masking())
    assert masked["id"].to_list() == [c.id for c in book]
    assert masked["income"].null_count() == len(book)
    assert masked["age"].to_list() == plain["age"].to_list()
    dropped = redact_frame(plain, RedactionPolicy.dropping(), kinds={"orders": DataKind.NOTE})
    assert dropped["orders"].null_count() == len(book)
    assert dropped.schema == plain.schema
    assert isinstance(dropped, pl.DataFrame)


def test_consent_records_and_the_erasure_record_are_redacted() -> None:
    """A ledger's contact, proof and actor, and an erasure's reason and actor, never leave
    a dropping export in clear (found in review: both were missing from the table)."""
    from datetime import datetime, timezone

    from khachhang.parties import ContactChannel
    from khachhang.privacy import ConsentLedger, erase

    t = datetime(2026, 1, 2, tzinfo=timezone.utc)
    ledger = ConsentLedger("KH-1").grant(
        "marketing", ContactChannel.SMS, at=t, contact="0901234567",
        proof="ghi âm cuộc gọi 0901234567", actor="nv-lan",
    )  # fmt: skip
    text = json.dumps(redact(ledger, RedactionPolicy.dropping()), ensure_ascii=False)
    for secret in ("+84901234567", "0901234567", "nv-lan"):
        assert secret not in text
    customer = Customer("KH-2", Person("Trần Thị Lan"), created_at=t)
    erased = erase(customer, at=t, reason="yêu cầu của Trần Thị Lan 0901234567", actor="nv-9")
    text = json.dumps(redact(erased, RedactionPolicy.dropping()), ensure_ascii=False)
    for secret in ("Trần Thị Lan", "0901234567", "nv-9"):
        assert secret not in text


def test_a_withdrawal_covers_the_grant_whatever_the_contact_is_written_as() -> None:
    """A grant for +84901234567 and a later withdrawal written 0901 234 567 (or an e-mail
    in other case): the withdrawal wins (found in review: it was lost)."""
    from datetime import datetime, timezone

    from khachhang.parties import ContactChannel
    from khachhang.privacy import ConsentLedger

    t = datetime(2026, 1, 2, tzinfo=timezone.utc)
    later = datetime(2026, 2, 2, tzinfo=timezone.utc)
    ledger = (
        ConsentLedger("KH-1")
        .grant("marketing", ContactChannel.SMS, at=t, contact="+84901234567")
        .withdraw("marketing", ContactChannel.SMS, at=later, contact="0901 234 567")
        .grant("marketing", ContactChannel.EMAIL, at=t, contact="lan@example.vn")
        .withdraw("marketing", ContactChannel.EMAIL, at=later, contact="lan@EXAMPLE.VN")
    )
    when = datetime(2026, 3, 1, tzinfo=timezone.utc)
    assert not ledger.allows("marketing", ContactChannel.SMS, as_of=when, contact="+84901234567")
    assert not ledger.allows(
        "marketing", ContactChannel.EMAIL, as_of=when, contact="lan@example.vn"
    )
