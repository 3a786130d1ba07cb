"""Vocabulary mappings to the CRMs users run: HubSpot, Salesforce, Odoo, Dynamics 365, Getfly.

Each product is one :class:`CrmMapping` — where its contact and company records keep each
customer field, how it writes times, and its stage picklists — and every product
converts the same way, both directions, with what it cannot hold listed in
``mapping.lost``:

>>> from datetime import datetime, timezone
>>> from khachhang import Customer, Person, ContactPoint
>>> from khachhang.crm import HUBSPOT
>>> an = Customer("KH-1", Person("Nguyễn Văn An", contacts=[ContactPoint.email("an@example.vn")]),
...               created_at=datetime(2026, 1, 5, 2, tzinfo=timezone.utc))
>>> record = HUBSPOT.to_record(an)
>>> record["lastname"], record["firstname"], record["createdate"], record["lifecyclestage"]
('Nguyễn', 'Văn An', '2026-01-05T02:00:00.000Z', 'lead')
>>> HUBSPOT.from_record(HUBSPOT.to_record(an)) == an
True
"""

from __future__ import annotations

from khachhang.crm._mapping import (
    CrmMapping,
    DealStages,
    Record,
    RecordShape,
    TimeFormat,
    Vocabulary,
)
from khachhang.crm.dynamics import DYNAMICS
from khachhang.crm.getfly import GETFLY
from khachhang.crm.hubspot import HUBSPOT
from khachhang.crm.odoo import ODOO
from khachhang.crm.salesforce import (
    CASE_ORIGIN,
    CASE_PRIORITY,
    CASE_STATUS,
    SALESFORCE,
    case_record,
)

__all__ = [
    "CASE_ORIGIN",
    "CASE_PRIORITY",
    "CASE_STATUS",
    "DYNAMICS",
    "GETFLY",
    "HUBSPOT",
    "MAPPINGS",
    "ODOO",
    "SALESFORCE",
    "CrmMapping",
    "DealStages",
    "Record",
    "RecordShape",
    "TimeFormat",
    "Vocabulary",
    "case_record",
]

MAPPINGS: tuple[CrmMapping, ...] = (HUBSPOT, SALESFORCE, ODOO, DYNAMICS, GETFLY)
"""Every product mapping, in the order of the docs."""
