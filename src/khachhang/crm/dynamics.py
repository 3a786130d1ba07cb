"""Dynamics 365 Sales / Dataverse: contact, account and opportunity tables.

Column (attribute) logical names follow the Dataverse table reference for ``contact``,
``account`` and ``opportunity`` (Web API v9.2), with the default options of
``account.customertypecode`` (Relationship Type), ``contact.gendercode``,
``opportunity.salesstage`` and ``opportunity.statecode``
(https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/account,
.../contact, and https://learn.microsoft.com/dynamics365/sales/developer/entities/opportunity).
Lookup columns (``parentcustomerid``, ``customerid``) are written as our ids; the
application binds them (``@odata.bind``) to Dataverse GUIDs.
"""

from __future__ import annotations

from datetime import timedelta

from khachhang.buying import Stage
from khachhang.crm._mapping import CrmMapping, DealStages, RecordShape, TimeFormat, Vocabulary
from khachhang.kinds import Lifecycle
from khachhang.parties import Gender

__all__ = ["DYNAMICS"]

# account.customertypecode: 1 Competitor, 2 Consultant, 3 Customer, 4 Investor, 5 Partner,
# 6 Influencer, 7 Press, 8 Prospect, 9 Reseller, 10 Supplier, 11 Vendor, 12 Other
_RELATIONSHIP = Vocabulary(
    "customertypecode",
    {Lifecycle.PROSPECT: 8, Lifecycle.CURRENT: 3, Lifecycle.LOYAL: 3, Lifecycle.LAPSED: 3},
    {
        8: Lifecycle.PROSPECT,
        3: Lifecycle.CURRENT,
        **dict.fromkeys((1, 2, 4, 5, 6, 7, 9, 10, 11, 12)),
    },
)

_STAGES = DealStages(
    "salesstage",
    {  # 0 Qualify, 1 Develop, 2 Propose, 3 Close
        Stage.PROBLEM_RECOGNITION: 0,
        Stage.GENERAL_NEED_DESCRIPTION: 0,
        Stage.PRODUCT_SPECIFICATION: 1,
        Stage.SUPPLIER_SEARCH: 1,
        Stage.PROPOSAL_SOLICITATION: 2,
        Stage.SUPPLIER_SELECTION: 2,
        Stage.ORDER_ROUTINE_SPECIFICATION: 3,
        Stage.PERFORMANCE_REVIEW: 3,
    },
    won=3,
    lost=None,  # a lost opportunity keeps its stage; statecode says it was lost
)

DYNAMICS = CrmMapping(
    product="Dynamics 365",
    version="Dataverse Web API v9.2, default options",
    sources=(
        "https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/contact",
        "https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/account",
        "https://learn.microsoft.com/dynamics365/sales/developer/entities/opportunity",
    ),
    person=RecordShape(
        object="contact",
        id="contactid",
        first_name="firstname",
        last_name="lastname",
        email="emailaddress1",
        phone="telephone1",
        mobile="mobilephone",
        birth_date="birthdate",
        gender="gendercode",
        street="address1_line1",
        ward="address1_city",
        province="address1_stateorprovince",
        country="address1_country",
        created="createdon",
        email_opt_out="donotemail",
        phone_opt_out="donotphone",
    ),
    organization=RecordShape(
        object="account",
        id="accountid",
        name="name",
        email="emailaddress1",
        phone="telephone1",
        street="address1_line1",
        ward="address1_city",
        province="address1_stateorprovince",
        country="address1_country",
        created="createdon",
        lifecycle="customertypecode",
        email_opt_out="donotemail",
        phone_opt_out="donotphone",
    ),
    time=TimeFormat("%Y-%m-%dT%H:%M:%S", suffix="Z", precision=timedelta(seconds=1)),
    deal_object="opportunity",
    deal_fields={
        "id": "opportunityid",
        "stage": "salesstage",
        "customer": "customerid",
        "state": "statecode",
        "probability": "closeprobability",
        "amount": "estimatedvalue",
        "close_date": "actualclosedate",
    },
    deal_stages=_STAGES,
    deal_states=(0, 1, 2),  # statecode: 0 Open, 1 Won, 2 Lost
    lifecycle=_RELATIONSHIP,
    gender=Vocabulary(
        "gendercode",
        {Gender.MALE: 1, Gender.FEMALE: 2, Gender.OTHER: None},  # no third default option
        {1: Gender.MALE, 2: Gender.FEMALE},
    ),
    lost=(
        "out: gender 'other' (gendercode has two default options); an account's tax code "
        "and category; an address's district; contact points "
        "beyond the first e-mail and two phones, their labels; consent beyond the "
        "do-not flags; a contact's lifecycle (contacts have no relationship type); "
        "current, loyal and lapsed all write 'Customer' (3); roles, tags, purchases; times "
        "below the second",
        "out: stages share Dataverse's four sales stages (each reads back as the earliest "
        "of ours); the loss reason (statuscode's 'Canceled' and 'Out-Sold' do not say why)",
        "in: relationship types other than Customer and Prospect (no counterpart); the "
        "do-not flags grant no consent; ownerid, parentaccountid, statuscode",
    ),
)
"""Dynamics 365 / Dataverse contacts, accounts and opportunities."""
