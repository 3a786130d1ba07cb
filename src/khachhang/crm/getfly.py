"""Getfly CRM (Vietnam): customers (``accounts``), API v6.

Field names follow Getfly's public API v6 documentation for customers
(https://developer.getfly.vn/en/docs/6.0/customer/list and .../customer/intro). Getfly
keeps persons and businesses in one ``accounts`` resource: a record with a tax code
(``sic_code``) reads as a business unless ``kind=`` says otherwise. Its relationship
(``relation_id``), customer types and sources are ids the account configures, so they are
not mapped; Getfly writes times in Vietnam's time without an offset.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import attrs

from khachhang.crm._mapping import CrmMapping, RecordShape, TimeFormat

__all__ = ["GETFLY"]

_ACCOUNT = RecordShape(
    object="account",
    id="account_code",
    name="account_name",
    email="email",
    phone="phone_office",
    street="billing_address_street",
    created="created_at",
)

GETFLY = CrmMapping(
    product="Getfly",
    version="Getfly CRM API v6 (accounts)",
    sources=(
        "https://developer.getfly.vn/en/docs/6.0/customer/list",
        "https://developer.getfly.vn/en/docs/6.0/customer/intro",
    ),
    person=attrs.evolve(_ACCOUNT, birth_date="birthday"),
    organization=attrs.evolve(_ACCOUNT, tax_code="sic_code"),
    time=TimeFormat(
        "%Y-%m-%d %H:%M:%S", zone=ZoneInfo("Asia/Ho_Chi_Minh"), precision=timedelta(seconds=1)
    ),
    person_name="one",
    lost=(
        "out: the whole address but the street (Getfly keeps province, district and ward "
        "as ids of its own lists), so an address does not come back; a second phone, "
        "labels and consents; gender; the lifecycle stage and log; roles, tags, "
        "purchases; times below the second; buying processes (no deal object is mapped)",
        "in: relation_id, account_type, account_source, account_manager and custom "
        "fields (ids the account configures); contacts (people at a business)",
    ),
)
"""Getfly's customers."""
