"""Salesforce: Contact, Account, Opportunity and Case (standard objects).

Field names follow the Salesforce Platform Object Reference (API version 62.0) for the
standard Contact, Account, Opportunity and Case objects, and the default values of the
Opportunity ``StageName``, Case ``Status`` and Case ``Priority`` picklists
(https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/).
Orgs with their own sales process or picklist values need their own vocabularies.
"""

from __future__ import annotations

from khachhang._checks import check_type
from khachhang.buying import Stage
from khachhang.care.channels import Channel
from khachhang.care.service.complaints import Complaint, ComplaintStatus, Priority
from khachhang.crm._mapping import (
    CrmMapping,
    DealStages,
    Record,
    RecordShape,
    TimeFormat,
    Vocabulary,
)

__all__ = ["CASE_ORIGIN", "CASE_PRIORITY", "CASE_STATUS", "SALESFORCE", "case_record"]

_STAGES = DealStages(
    "StageName",
    {
        Stage.PROBLEM_RECOGNITION: "Prospecting",
        Stage.GENERAL_NEED_DESCRIPTION: "Qualification",
        Stage.PRODUCT_SPECIFICATION: "Needs Analysis",
        Stage.SUPPLIER_SEARCH: "Value Proposition",
        Stage.PROPOSAL_SOLICITATION: "Proposal/Price Quote",
        Stage.SUPPLIER_SELECTION: "Negotiation/Review",
        Stage.ORDER_ROUTINE_SPECIFICATION: "Negotiation/Review",
        Stage.PERFORMANCE_REVIEW: "Negotiation/Review",
    },
    won="Closed Won",
    lost="Closed Lost",
    # the default probability (%) of each default stage
    probability={
        "Prospecting": 10,
        "Qualification": 10,
        "Needs Analysis": 20,
        "Value Proposition": 50,
        "Id. Decision Makers": 60,
        "Perception Analysis": 70,
        "Proposal/Price Quote": 75,
        "Negotiation/Review": 90,
    },
    extra={
        "Id. Decision Makers": Stage.SUPPLIER_SEARCH,
        "Perception Analysis": Stage.SUPPLIER_SELECTION,
    },
)

CASE_STATUS = Vocabulary(
    "Case Status",
    {
        ComplaintStatus.RECEIVED: "New",
        ComplaintStatus.ACKNOWLEDGED: "Working",
        ComplaintStatus.IN_PROGRESS: "Working",
        ComplaintStatus.WAITING_ON_CUSTOMER: "Working",
        ComplaintStatus.RESOLVED: "Closed",
        ComplaintStatus.CLOSED: "Closed",
    },
    {
        "New": ComplaintStatus.RECEIVED,
        "Working": ComplaintStatus.IN_PROGRESS,
        "Escalated": ComplaintStatus.IN_PROGRESS,
        "Closed": ComplaintStatus.CLOSED,
    },
)
"""A complaint's status against the default Case ``Status`` values."""

CASE_PRIORITY = Vocabulary(
    "Case Priority",
    {
        Priority.LOW: "Low",
        Priority.NORMAL: "Medium",
        Priority.HIGH: "High",
        Priority.URGENT: "High",
    },
    {"Low": Priority.LOW, "Medium": Priority.NORMAL, "High": Priority.HIGH},
)
"""A complaint's priority against the default Case ``Priority`` values."""

CASE_ORIGIN = Vocabulary(
    "Case Origin",
    {
        Channel.PHONE: "Phone",
        Channel.SMS: "Phone",
        Channel.IN_PERSON: "Phone",
        Channel.EMAIL: "Email",
        Channel.LIVE_CHAT: "Web",
        Channel.SOCIAL: "Web",
        Channel.FORUM: "Web",
    },
    {"Phone": Channel.PHONE, "Email": Channel.EMAIL, "Web": Channel.LIVE_CHAT},
)
"""The channel a complaint came through against the default Case ``Origin`` values."""

SALESFORCE = CrmMapping(
    product="Salesforce",
    version="Platform Object Reference, API version 62.0, default picklist values",
    sources=(
        "https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_contact.htm",
        "https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_account.htm",
        "https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunity.htm",
        "https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_case.htm",
    ),
    person=RecordShape(
        object="Contact",
        id="Id",
        first_name="FirstName",
        last_name="LastName",
        email="Email",
        phone="Phone",
        mobile="MobilePhone",
        birth_date="Birthdate",
        street="MailingStreet",
        ward="MailingCity",
        province="MailingState",
        country="MailingCountry",
        created="CreatedDate",
        email_opt_out="HasOptedOutOfEmail",
        phone_opt_out="DoNotCall",
    ),
    organization=RecordShape(
        object="Account",
        id="Id",
        name="Name",
        phone="Phone",
        street="BillingStreet",
        ward="BillingCity",
        province="BillingState",
        country="BillingCountry",
        created="CreatedDate",
    ),
    time=TimeFormat("%Y-%m-%dT%H:%M:%S.%f", suffix="+0000"),
    deal_object="Opportunity",
    deal_fields={
        "id": "Id",
        "stage": "StageName",
        "customer": "AccountId",
        "is_closed": "IsClosed",
        "is_won": "IsWon",
        "probability": "Probability",
        "amount": "Amount",
        "currency": "CurrencyIsoCode",
        "close_date": "CloseDate",
    },
    deal_stages=_STAGES,
    lost=(
        "out: an account's e-mail, tax code and category; an address's district; contact "
        "points beyond the first e-mail and two phones, their labels; consent beyond the "
        "opt-out flags; gender; the lifecycle stage and log (Salesforce keeps none on "
        "contacts and accounts); roles, tags, purchases; times below the millisecond; "
        "the loss reason (no standard field)",
        "out: order routine and performance review share 'Negotiation/Review' while open",
        "in: the opt-out flags grant no consent (silence is not consent); owner, "
        "AccountContactRelation, custom fields; 'Id. Decision Makers' and 'Perception "
        "Analysis' read as supplier search and supplier selection",
    ),
)
"""Salesforce's contacts, accounts and opportunities."""


def case_record(complaint: Complaint) -> Record:
    """``complaint`` as a Salesforce Case: Id, AccountId, Subject, Origin, Status,
    Priority, CreatedDate, IsClosed.

    >>> from datetime import datetime, timezone
    >>> from khachhang.care import Channel
    >>> c = Complaint("CS-1", "KH-1", Channel.PHONE, "Giao hàng trễ",
    ...               received_at=datetime(2026, 3, 1, tzinfo=timezone.utc))
    >>> record = case_record(c)
    >>> record["Status"], record["Priority"], record["Origin"]
    ('New', 'Medium', 'Phone')
    """
    check_type("complaint", complaint, Complaint)
    status = CASE_STATUS.to(complaint.status)
    return {
        "Id": complaint.id,
        "AccountId": complaint.customer_id,
        "Subject": complaint.subject,
        "Origin": CASE_ORIGIN.to(complaint.channel),
        "Status": status,
        "Priority": CASE_PRIORITY.to(complaint.priority),
        "CreatedDate": SALESFORCE.time.write(at=complaint.received_at),
        "IsClosed": status == "Closed",
    }
