"""HubSpot: contacts, companies and deals (CRM API v3 default properties).

Field names follow HubSpot's default contact, company and deal properties and the default
sales pipeline's stage ids, as documented for the CRM API v3
(https://developers.hubspot.com/docs/api/crm/contacts, .../companies, .../deals,
.../pipelines). Accounts that customised their lifecycle stages (possible since
September 2022) or pipelines need their own :class:`~khachhang.crm.Vocabulary`.
"""

from __future__ import annotations

from khachhang.buying import LossReason, Stage
from khachhang.crm._mapping import CrmMapping, DealStages, RecordShape, TimeFormat, Vocabulary
from khachhang.kinds import Lifecycle

__all__ = ["HUBSPOT"]

_LIFECYCLE = Vocabulary(
    "lifecyclestage",
    {
        Lifecycle.PROSPECT: "lead",
        Lifecycle.CURRENT: "customer",
        Lifecycle.LOYAL: "evangelist",
        Lifecycle.LAPSED: "other",
    },
    {
        "subscriber": Lifecycle.PROSPECT,
        "lead": Lifecycle.PROSPECT,
        "marketingqualifiedlead": Lifecycle.PROSPECT,
        "salesqualifiedlead": Lifecycle.PROSPECT,
        "opportunity": Lifecycle.PROSPECT,
        "customer": Lifecycle.CURRENT,
        "evangelist": Lifecycle.LOYAL,
        "other": None,
    },
)

_STAGES = DealStages(
    "dealstage",
    {
        Stage.PROBLEM_RECOGNITION: "appointmentscheduled",
        Stage.GENERAL_NEED_DESCRIPTION: "appointmentscheduled",
        Stage.PRODUCT_SPECIFICATION: "qualifiedtobuy",
        Stage.SUPPLIER_SEARCH: "qualifiedtobuy",
        Stage.PROPOSAL_SOLICITATION: "presentationscheduled",
        Stage.SUPPLIER_SELECTION: "decisionmakerboughtin",
        Stage.ORDER_ROUTINE_SPECIFICATION: "contractsent",
        Stage.PERFORMANCE_REVIEW: "contractsent",
    },
    won="closedwon",
    lost="closedlost",
)

_LOSS = Vocabulary(
    "closed_lost_reason",
    {reason: reason.label("en") for reason in LossReason},
    {reason.label("en"): reason for reason in LossReason},
)

HUBSPOT = CrmMapping(
    product="HubSpot",
    version="CRM API v3, default properties and default sales pipeline",
    sources=(
        "https://developers.hubspot.com/docs/api/crm/contacts",
        "https://developers.hubspot.com/docs/api/crm/companies",
        "https://developers.hubspot.com/docs/api/crm/deals",
        "https://developers.hubspot.com/docs/api/crm/pipelines",
    ),
    person=RecordShape(
        object="contact",
        id="hs_object_id",
        first_name="firstname",
        last_name="lastname",
        email="email",
        phone="phone",
        mobile="mobilephone",
        birth_date="date_of_birth",
        street="address",
        ward="city",
        province="state",
        country="country",
        created="createdate",
        lifecycle="lifecyclestage",
    ),
    organization=RecordShape(
        object="company",
        id="hs_object_id",
        name="name",
        phone="phone",
        street="address",
        ward="city",
        province="state",
        country="country",
        created="createdate",
        lifecycle="lifecyclestage",
    ),
    time=TimeFormat("%Y-%m-%dT%H:%M:%S.%f", suffix="Z"),
    deal_object="deal",
    deal_fields={
        "id": "hs_object_id",
        "stage": "dealstage",
        "amount": "amount",
        "currency": "deal_currency_code",
        "close_date": "closedate",
        "loss_reason": "closed_lost_reason",
    },
    deal_stages=_STAGES,
    lifecycle=_LIFECYCLE,
    loss_reasons=_LOSS,
    lost=(
        "out: a company's e-mail, tax code and category; an address's district; contact "
        "points beyond the first e-mail and two phones, their labels and consents; gender; "
        "roles, tags, purchases and the lifecycle log; times below the millisecond",
        "out: the lapsed stage (written as 'other', which reads back as no stage); "
        "problem recognition and general need description share 'appointmentscheduled', "
        "product specification and supplier search 'qualifiedtobuy', order routine and "
        "performance review 'contractsent' (each reads back as the earlier stage)",
        "in: the lifecycle stage (only purchases move a customer's lifecycle: read it "
        "with read_lifecycle); subscription status (HubSpot keeps consent apart, and an "
        "import never grants it); owner, associations and custom properties",
    ),
)
"""HubSpot's contacts, companies and deals."""
