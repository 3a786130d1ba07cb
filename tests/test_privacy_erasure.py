"""Erasure and subject access (issue 15, item 4).

The laws: erasing twice equals erasing once; an erased customer keeps its id, its
purchases and totals, its lifecycle moves, and holds no personal data (its subject
access lists none); it survives the converter and its lifecycle still replays. A
subject-access report lists every personal field of the customer and of the records
passed with it.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SLOW_EXAMPLES, T0, scaled
from khachhang import ContactPoint, Customer, Money, Organization, Person
from khachhang.care import Channel, Complaint
from khachhang.customers import ERASED_NAME, Erasure, Purchase
from khachhang.errors import ValidationError
from khachhang.privacy import (
    DataKind,
    SubjectAccessReport,
    erase,
    personal_fields,
    subject_access,
)
from khachhang.serde import from_json, to_json
from khachhang.testing import (
    customers,
    erased_customers,
    erasures,
    personal_data,
    subject_access_reports,
)

days = st.integers(0, 3650)


def dotted(path: tuple[str | int, ...]) -> str:
    """``("party", "contacts", 0, "value")`` -> ``"party.contacts[0].value"``."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def erased(customer: Customer, after: int, reason: str = "yêu cầu xóa #12") -> Customer:
    return erase(customer, at=customer.created_at + timedelta(days=after), reason=reason)


@settings(max_examples=scaled(40), suppress_health_check=SLOW_EXAMPLES)
@given(customers(), days, days)
def test_erasing_twice_is_erasing_once_and_keeps_the_totals(
    customer: Customer, first: int, second: int
) -> None:
    """The second erasure changes nothing; purchases, totals and moves are kept."""
    once = erased(customer, first)
    assert erased(once, second, "again") == once
    assert once.id == customer.id
    assert once.purchases == customer.purchases
    assert once.total_spent == customer.total_spent
    assert once.orders == customer.orders
    assert once.lifecycle == customer.lifecycle
    assert [e.transition for e in once.lifecycle_events] == [
        e.transition for e in customer.lifecycle_events
    ]
    assert once.erasure is not None
    assert once.erasure.reason == "yêu cầu xóa #12"


@settings(max_examples=scaled(40), suppress_health_check=SLOW_EXAMPLES)
@given(erased_customers())
def test_an_erased_customer_holds_no_personal_data_and_round_trips(customer: Customer) -> None:
    """No personal field is left; the converter and replay give it back equal."""
    kept = {DataKind.IDENTIFIER, DataKind.ACTOR}  # the id and staff keys on the log
    if isinstance(customer.party, Organization):
        kept |= {DataKind.ADDRESS, DataKind.REGION}  # the business's own address
    # the erasure's own record (its reason and actor) is audit data: listed, redacted on export
    held = {kind for path, kind, _ in personal_fields(customer) if path[:1] != ("erasure",)}
    assert held <= kept
    assert subject_access(customer, as_of=customer.created_at).erasure == customer.erasure
    assert from_json(to_json(customer), Customer) == customer
    assert Customer.replay(customer.lifecycle_events, onto=customer.opening()).erasure == (
        customer.erasure
    )


def test_an_erased_person_keeps_only_the_placeholder_name() -> None:
    """Name, gender, birth date, contacts, address, income, tags and notes go."""
    lan = Customer(
        "c-1",
        Person("Trần Thị Lan", contacts=[ContactPoint.phone("0901234567")]),
        created_at=T0,
        income=Money("20000000"),
        tags={"mẹ bầu"},
    ).add_purchase(Purchase("o-1", T0, Money("1500000")))
    lan = attrs.evolve(
        lan, lifecycle_events=[attrs.evolve(lan.lifecycle_events[0], note="gọi 0901234567")]
    )
    gone = erase(lan, at=T0 + timedelta(days=30), reason="yêu cầu xóa #12", actor="dpo")
    assert gone.party == Person(ERASED_NAME)
    assert (gone.income, gone.tags, gone.lifecycle_events[0].note) == (None, frozenset(), "")
    assert gone.erasure == Erasure(T0 + timedelta(days=30), "yêu cầu xóa #12", "dpo")
    assert "0901234567" not in to_json(gone)
    assert "Lan" not in to_json(gone)


def test_an_erased_organisation_keeps_its_registration_and_loses_its_contacts() -> None:
    """A company's name and tax code are its own; a household's personal id is not."""
    company = Organization(
        "Công ty Ánh Dương", tax_code="0101234565", contacts=[ContactPoint.email("an@ad.vn")]
    )
    household = Organization("Hộ kinh doanh Lan", tax_code="001090123456")
    for party, code in ((company, "0101234565"), (household, None)):
        gone = erase(Customer("c", party, created_at=T0), at=T0, reason="r")
        assert isinstance(gone.party, Organization)
        assert (gone.party.legal_name, gone.party.tax_code) == (party.legal_name, code)
        assert gone.party.contacts == ()


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"party": Person("Trần Thị Lan")}, "party.full_name"),
        ({"income": Money("1000")}, "income"),
        ({"tags": {"vip"}}, "tags"),
    ],
)
def test_a_customer_marked_erased_that_holds_personal_data_is_refused(
    change: dict[str, Any], path: str
) -> None:
    """The erasure record and the data must agree; the error names the field."""
    gone = erase(Customer("c", Person("Lê Minh"), created_at=T0), at=T0, reason="r")
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(gone, **change)
    assert caught.value.path == path


def test_an_erasure_before_the_customer_existed_is_refused() -> None:
    """``at`` before ``created_at``: named."""
    with pytest.raises(ValidationError) as caught:
        erase(Customer("c", Person("Lê Minh"), created_at=T0), at=T0 - timedelta(1), reason="r")
    assert caught.value.path == "erasure.at"


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"at": "2026-01-01", "reason": "r"}, "at"),
        ({"at": T0, "reason": ""}, "reason"),
        ({"at": T0, "reason": "r", "actor": "  "}, "actor"),
    ],
)
def test_bad_erasure_arguments_are_named(kwargs: dict[str, object], path: str) -> None:
    """Time, reason and actor are checked even when the customer is already erased."""
    customer = Customer("c", Person("Lê Minh"), created_at=T0)
    for value in (customer, erase(customer, at=T0, reason="r")):
        with pytest.raises(ValidationError) as caught:
            erase(value, **kwargs)  # type: ignore[arg-type]
        assert caught.value.path == path


@settings(max_examples=scaled(30), suppress_health_check=SLOW_EXAMPLES)
@given(customers())
def test_subject_access_lists_every_personal_field(customer: Customer) -> None:
    """Each personal field's path is an item of the report, with its value's text."""
    report = subject_access(customer, as_of=customer.created_at)
    listed = {(item.path, item.kind) for item in report.items}
    expected = {(dotted(path), kind) for path, kind, _ in personal_fields(customer)}
    assert listed == expected - {("id", DataKind.IDENTIFIER)}
    text = report.to_json()
    for contact in customer.party.contacts:
        assert json.dumps(contact.value)[1:-1] in text
    assert report.purchases == customer.purchases


def test_subject_access_covers_the_records_passed_with_the_customer() -> None:
    """A complaint's subject is personal data about its author: listed under records[0]."""
    customer = Customer("c-1", Person("Lê Minh"), created_at=T0)
    complaint = Complaint("k-1", "c-1", Channel.PHONE, "Giao hàng trễ", received_at=T0)
    report = subject_access(customer, as_of=T0, records=[complaint])
    found = {(i.source, i.record, i.path, i.value) for i in report.items}
    assert ("records[0]", "Complaint", "subject", "Giao hàng trễ") in found
    assert ("records[0]", "Complaint", "customer_id", "c-1") in found
    assert "Giao hàng trễ" in report.to_markdown("vi")


@settings(max_examples=scaled(20), suppress_health_check=SLOW_EXAMPLES)
@given(subject_access_reports())
def test_a_report_survives_the_converter_and_renders(report: SubjectAccessReport) -> None:
    """Reports are models: JSON gives them back equal; Markdown names the subject."""
    assert from_json(report.to_json(), SubjectAccessReport) == report
    for lang in ("vi", "en"):
        assert report.to_markdown(lang).startswith("# ")


@given(erasures(), personal_data())
def test_erasures_and_personal_data_survive_the_converter(erasure: Erasure, datum: object) -> None:
    """The small models round-trip too."""
    assert from_json(to_json(erasure), Erasure) == erasure
    assert from_json(to_json(datum), type(datum)) == datum
