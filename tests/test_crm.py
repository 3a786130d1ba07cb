"""Tests for khachhang.crm: vocabulary mappings to HubSpot, Salesforce, Odoo, Dynamics, Getfly."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khachhang import (
    Address,
    ContactChannel,
    ContactKind,
    ContactPoint,
    ConversionError,
    Customer,
    Gender,
    Lifecycle,
    Organization,
    Person,
    Scope,
    ValidationError,
)
from khachhang.buying import BuyingProcess, Outcome, Stage, Status
from khachhang.care import Channel
from khachhang.care.service.complaints import Complaint, Priority
from khachhang.crm import (
    DYNAMICS,
    GETFLY,
    HUBSPOT,
    MAPPINGS,
    ODOO,
    SALESFORCE,
    CrmMapping,
    case_record,
)
from khachhang.testing import buying_processes, customers

T0 = datetime(2026, 1, 5, 2, 30, 15, 123456, tzinfo=timezone.utc)
IDS = [m.product for m in MAPPINGS]
BY_NAME = {m.product: m for m in MAPPINGS}


def held(mapping: CrmMapping, customer: Customer) -> Customer:
    """What ``mapping`` can hold of ``customer``: the prospect a round trip gives back."""
    party = customer.party
    shape = mapping.person if isinstance(party, Person) else mapping.organization
    ordered = sorted(party.contacts, key=lambda c: not c.primary)
    emails = [c for c in ordered if c.kind is ContactKind.EMAIL][: 1 if shape.email else 0]
    phones = [c for c in ordered if c.kind is ContactKind.PHONE]
    phones = phones[: (1 if shape.phone else 0) + (1 if shape.mobile and shape.phone else 0)]
    contacts: list[ContactPoint] = []
    for point in (*emails, *phones):
        bare = ContactPoint(kind=point.kind, value=point.value)
        if bare not in contacts:
            contacts.append(bare)
    address = None
    if party.address is not None and shape.province is not None:
        a = party.address
        address = Address(
            province=a.province,
            ward=a.ward if shape.ward else "",
            street=a.street if shape.street else "",
            country=a.country,
        )
    kept: Person | Organization
    if isinstance(party, Person):
        gender = party.gender if shape.gender and mapping.gender else None
        if gender is not None and mapping.gender and mapping.gender.to(gender) is None:
            gender = None  # a gender the product has no option for
        birth = party.birth_date if shape.birth_date else None
        kept = Person(
            party.full_name, gender=gender, birth_date=birth, contacts=contacts, address=address
        )
    else:
        tax = party.tax_code if shape.tax_code else None
        kept = Organization(
            party.legal_name, party.party_type, tax_code=tax, contacts=contacts, address=address
        )
    return Customer(customer.id, kept, created_at=mapping.time.truncate(at=customer.created_at))


def kind_of(customer: Customer) -> dict[str, Any]:
    """The record's kind and, for an organisation, its type: what the caller knows from
    the endpoint it read (contacts or companies)."""
    if isinstance(customer.party, Person):
        return {"kind": "person"}
    return {"kind": "organization", "party_type": customer.party_type}


external = customers(scope=Scope.EXTERNAL, max_purchases=2)


@pytest.mark.parametrize("mapping", MAPPINGS, ids=IDS)
@given(customer=external)
def test_a_round_trip_keeps_what_the_product_can_hold(
    mapping: CrmMapping, customer: Customer
) -> None:
    """from_record(to_record(c)) is c as a prospect with only the fields the product holds."""
    record = mapping.to_record(customer)
    assert mapping.from_record(record, **kind_of(customer)) == held(mapping, customer)


@pytest.mark.parametrize("product", IDS)
@given(customer=external)
def test_a_record_comes_back_as_written(product: str, customer: Customer) -> None:
    """to_record(from_record(r)) == r for any record to_record wrote of a prospect."""
    mapping = BY_NAME[product]
    record = mapping.to_record(held(mapping, customer))
    again = mapping.from_record(record, **kind_of(customer))
    assert mapping.to_record(again) == record


@pytest.mark.parametrize("product", IDS)
@given(customer=external)
def test_records_are_plain_json_data(product: str, customer: Customer) -> None:
    """Every value is text, an integer, a flag or None — no datetimes, Decimals or floats."""
    mapping = BY_NAME[product]
    record = mapping.to_record(customer)
    assert all(type(v) in (str, int, bool) for v in record.values())


@pytest.mark.parametrize("mapping", MAPPINGS, ids=IDS)
def test_every_mapping_names_its_version_sources_and_losses(mapping: CrmMapping) -> None:
    """A mapping says which version it follows, where its names come from and what is lost."""
    assert mapping.version
    assert mapping.sources
    assert all(s.startswith("https://") for s in mapping.sources)
    assert any(line.startswith("out:") for line in mapping.lost)
    assert any(line.startswith("in:") for line in mapping.lost)


def test_a_vietnamese_name_is_split_family_name_first() -> None:
    """Nguyễn Văn An: the family name is the last name, "Văn An" the first name."""
    an = Customer("KH-1", Person("Nguyễn Văn An"), created_at=T0)
    for mapping, last, first in (
        (HUBSPOT, "lastname", "firstname"),
        (SALESFORCE, "LastName", "FirstName"),
        (DYNAMICS, "lastname", "firstname"),
    ):
        record = mapping.to_record(an)
        assert (record[last], record[first]) == ("Nguyễn", "Văn An")
    assert ODOO.to_record(an)["name"] == "Nguyễn Văn An"


def test_opt_out_flags_say_no_unless_the_customer_consented() -> None:
    """Salesforce's HasOptedOutOfEmail is true without consent, false with it."""
    points = [
        ContactPoint.email("an@example.vn", consents=[ContactChannel.EMAIL]),
        ContactPoint.phone("0901234567"),
    ]
    an = Customer("KH-1", Person("Lê An", contacts=points), created_at=T0)
    record = SALESFORCE.to_record(an)
    assert (record["HasOptedOutOfEmail"], record["DoNotCall"]) == (False, True)


def test_an_import_never_grants_consent() -> None:
    """A record saying the person did not opt out is not consent (silence is not consent)."""
    record = {
        "Id": "003A",
        "LastName": "Lê",
        "FirstName": "An",
        "Email": "an@example.vn",
        "HasOptedOutOfEmail": False,
        "CreatedDate": "2026-01-05T02:00:00.000+0000",
    }
    an = SALESFORCE.from_record(record)
    assert an.party.contacts == (ContactPoint.email("an@example.vn"),)
    assert not an.party.contacts[0].consents


def test_the_lifecycle_is_read_but_not_applied() -> None:
    """A HubSpot 'customer' imports as a prospect; read_lifecycle says what HubSpot meant."""
    record = {
        "hs_object_id": "1",
        "lastname": "Lê",
        "createdate": "2026-01-05T02:00:00.000Z",
        "lifecyclestage": "customer",
    }
    assert HUBSPOT.from_record(record).lifecycle is Lifecycle.PROSPECT
    assert HUBSPOT.read_lifecycle("customer") is Lifecycle.CURRENT
    assert HUBSPOT.read_lifecycle("other") is None
    assert DYNAMICS.read_lifecycle(8) is Lifecycle.PROSPECT


@pytest.mark.parametrize(
    "mapping", [m for m in MAPPINGS if m.lifecycle is not None], ids=lambda m: m.product
)
def test_lifecycle_values_read_back_to_the_stage_or_a_documented_collapse(
    mapping: CrmMapping,
) -> None:
    """Each lifecycle writes a value that reads back to itself, or to a stage sharing it."""
    vocabulary = mapping.lifecycle
    assert vocabulary is not None
    for member in Lifecycle:
        back = vocabulary.read(vocabulary.to(member))
        sharing = {m for m in Lifecycle if vocabulary.to(m) == vocabulary.to(member)}
        assert back is None or back in sharing
    assert vocabulary.read(vocabulary.to(Lifecycle.PROSPECT)) is Lifecycle.PROSPECT


def test_an_unknown_picklist_value_names_the_field() -> None:
    """'vip' is not a HubSpot lifecycle stage: a ValidationError lists the known ones."""
    with pytest.raises(ValidationError) as caught:
        HUBSPOT.read_lifecycle("vip")
    assert caught.value.path == "lifecyclestage"
    assert "'evangelist'" in caught.value.reason


def test_every_bad_field_of_a_record_is_named_by_the_products_field_name() -> None:
    """A bad e-mail, phone and date are all reported, each by the CRM's own field name."""
    record = {
        "Id": "003A",
        "LastName": "Lê",
        "Email": "not-an-email",
        "Phone": "12",
        "Birthdate": "31/12/1990",
        "CreatedDate": "2026-01-05T02:00:00.000+0000",
    }
    with pytest.raises(ConversionError) as caught:
        SALESFORCE.from_record(record)
    assert set(caught.value.paths) == {"Email", "Phone", "Birthdate"}


def test_a_record_without_id_name_or_time_says_what_is_missing() -> None:
    """No id, no name and no creation time: three named problems."""
    with pytest.raises(ConversionError) as caught:
        HUBSPOT.from_record({"email": "an@example.vn"})
    assert set(caught.value.paths) == {"hs_object_id", "lastname", "createdate"}
    found = HUBSPOT.from_record({"hs_object_id": "9", "lastname": "Lê"}, created_at=T0)
    assert found.created_at == T0


@pytest.mark.parametrize("junk", [None, ["a"], "record"])
def test_a_record_that_is_not_a_mapping_is_refused(junk: Any) -> None:
    """Not a mapping: a ValidationError, not an AttributeError."""
    with pytest.raises(ValidationError):
        ODOO.from_record(junk)


def test_odoo_and_getfly_tell_companies_from_persons() -> None:
    """Odoo by is_company, Getfly by a tax code; kind= overrides."""
    company = Customer(
        "c", Organization("Công ty CP Thép Miền Nam", tax_code="0301234562"), created_at=T0
    )
    assert ODOO.to_record(company)["is_company"] is True
    assert isinstance(ODOO.from_record(ODOO.to_record(company)).party, Organization)
    assert isinstance(GETFLY.from_record(GETFLY.to_record(company)).party, Organization)
    person = Customer("p", Person("Trần Thị Mai", birth_date=date(1990, 5, 17)), created_at=T0)
    assert isinstance(GETFLY.from_record(GETFLY.to_record(person)).party, Person)
    with pytest.raises(ValidationError):
        GETFLY.from_record(GETFLY.to_record(person), kind="shop")  # type: ignore[arg-type]  # deliberately wrong


def test_dynamics_writes_gender_codes_and_relationship_types() -> None:
    """gendercode 2 is female; a prospect account is relationship type 8 (Prospect)."""
    mai = Customer("p", Person("Trần Thị Mai", gender=Gender.FEMALE), created_at=T0)
    assert DYNAMICS.to_record(mai)["gendercode"] == 2
    firm = Customer("c", Organization("Công ty TNHH Minh Phát"), created_at=T0)
    assert DYNAMICS.to_record(firm)["customertypecode"] == 8


def test_times_are_written_in_each_products_format() -> None:
    """HubSpot in milliseconds and Z, Salesforce with +0000, Odoo in seconds, Getfly in
    Vietnam's time."""
    c = Customer("p", Person("Lê An"), created_at=T0)
    assert HUBSPOT.to_record(c)["createdate"] == "2026-01-05T02:30:15.123Z"
    assert SALESFORCE.to_record(c)["CreatedDate"] == "2026-01-05T02:30:15.123+0000"
    assert ODOO.to_record(c)["create_date"] == "2026-01-05 02:30:15"
    assert DYNAMICS.to_record(c)["createdon"] == "2026-01-05T02:30:15Z"
    assert GETFLY.to_record(c)["created_at"] == "2026-01-05 09:30:15"


# --- deals -----------------------------------------------------------------------------

DEALS = [m for m in MAPPINGS if m.deal_stages is not None]


@pytest.mark.parametrize("product", [m.product for m in DEALS])
@given(process=buying_processes(seller=True))
def test_a_deal_reads_back_to_its_outcome_or_the_earliest_stage_sharing_its_value(
    product: str, process: BuyingProcess
) -> None:
    """read_deal(deal_record(p)): the outcome of a closed deal, else the earliest of our
    stages writing the same pipeline stage (stages a product merges read back as one)."""
    mapping = BY_NAME[product]
    record = mapping.deal_record(process)
    stage, outcome = mapping.read_deal(record)
    stages = mapping.deal_stages
    assert stages is not None
    if process.status is Status.OPEN:
        value = stages.open[process.stage]
        earliest = next(s for s in Stage if stages.open[s] == value)
        assert (stage, outcome) == (earliest, None)
    elif process.status is Status.COMPLETED and process.outcome is not Outcome.LOST:
        assert outcome is Outcome.WON
    else:
        assert outcome is Outcome.LOST


def test_salesforce_opportunities_carry_is_won_is_closed_and_probability() -> None:
    """A won opportunity: Closed Won, IsWon, IsClosed, 100 %."""

    @given(buying_processes(seller=True, status=Status.COMPLETED))
    def check(process: BuyingProcess) -> None:
        record = SALESFORCE.deal_record(process)
        won = process.outcome is not Outcome.LOST
        assert record["IsClosed"] is True
        assert record["IsWon"] is won
        assert record["StageName"] == ("Closed Won" if won else "Closed Lost")
        assert record["Probability"] == (100 if won else 0)

    check()


def test_an_unknown_deal_stage_names_the_field() -> None:
    """'Negotiating' is not a default StageName."""
    with pytest.raises(ValidationError) as caught:
        SALESFORCE.read_deal({"StageName": "Negotiating"})
    assert caught.value.path == "StageName"
    with pytest.raises(ValidationError):
        GETFLY.read_deal({"stage": "x"})


def test_a_case_has_the_default_status_priority_and_origin_values() -> None:
    """A received e-mail complaint of high priority is a New, High, Email case."""
    complaint = Complaint(
        "CS-1", "KH-1", Channel.EMAIL, "Giao hàng trễ", received_at=T0, priority=Priority.HIGH
    )
    record = case_record(complaint)
    assert (record["Status"], record["Priority"], record["Origin"], record["IsClosed"]) == (
        "New",
        "High",
        "Email",
        False,
    )


@given(st.sampled_from(list(Lifecycle)))
def test_hubspot_writes_a_value_of_its_own_picklist(member: Lifecycle) -> None:
    """Every value written is one the vocabulary reads."""
    assert HUBSPOT.lifecycle is not None
    assert HUBSPOT.lifecycle.to(member) in HUBSPOT.lifecycle.theirs


# --- the docs page's tables are the mappings --------------------------------------------

_FIELDS = {
    "id": "id",
    "name": "name (one field)",
    "first_name": "given and middle names",
    "last_name": "family name",
    "email": "first e-mail",
    "phone": "first phone",
    "mobile": "second phone",
    "birth_date": "birth date",
    "gender": "gender",
    "street": "address: street",
    "ward": "address: ward",
    "province": "address: province",
    "country": "address: country",
    "tax_code": "tax code",
    "created": "created_at",
    "lifecycle": "lifecycle",
    "email_opt_out": "no e-mail consent",
    "phone_opt_out": "no phone consent",
}


def field_table(kind: str) -> list[str]:
    """The docs table of where each product keeps a person's or organisation's fields."""
    shapes = [getattr(m, kind) for m in MAPPINGS]
    lines = [
        f"| {kind} | " + " | ".join(m.product for m in MAPPINGS) + " |",
        "|---|" + "---|" * len(MAPPINGS),
        "| record | " + " | ".join(f"`{s.object}`" for s in shapes) + " |",
    ]
    for field, label in _FIELDS.items():
        names = [getattr(s, field) for s in shapes]
        if any(names):
            lines.append(f"| {label} | " + " | ".join(f"`{n}`" if n else "—" for n in names) + " |")
    return lines


def stage_table() -> list[str]:
    """The docs table of each product's pipeline stage for each of ours."""
    deals = [m for m in MAPPINGS if m.deal_stages is not None]
    lines = [
        "| our stage | " + " | ".join(m.product for m in deals) + " |",
        "|---|" + "---|" * len(deals),
    ]
    for stage in Stage:
        cells = [f"`{m.deal_stages.open[stage]!r}`" for m in deals if m.deal_stages]
        lines.append(f"| `{stage.value}` (open) | " + " | ".join(cells) + " |")
    lines.append(
        "| won | " + " | ".join(f"`{m.deal_stages.won!r}`" for m in deals if m.deal_stages) + " |"
    )
    lost = [
        f"`{m.deal_stages.lost!r}`" if m.deal_stages.lost is not None else "stage kept, archived"
        for m in deals
        if m.deal_stages
    ]
    lines.append("| lost | " + " | ".join(lost) + " |")
    return lines


def test_the_docs_tables_are_the_mappings() -> None:
    """docs/crm.md shows exactly the field names and stages the mappings use."""
    from pathlib import Path

    page = (Path(__file__).parent.parent / "docs" / "crm.md").read_text(encoding="utf-8")
    for table in (field_table("person"), field_table("organization"), stage_table()):
        assert "\n".join(table) in page, "\n".join(table)
