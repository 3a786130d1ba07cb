"""Odoo: contacts (``res.partner``) and the CRM pipeline (``crm.lead``), Odoo 17.

Field names follow the Odoo 17.0 models ``res.partner`` (``base``) and ``crm.lead``
(``crm``), and the CRM app's default stages (New, Qualified, Proposition, Won) and lost
reasons (https://www.odoo.com/documentation/17.0/applications/sales/crm.html, and the
models' source in ``odoo/addons/base/models/res_partner.py`` and
``addons/crm/models/crm_lead.py``). Many2one fields (``partner_id``, ``stage_id``,
``state_id``, ``country_id``, ``lost_reason_id``) are written as the related record's
name or code; the application resolves them to database ids.
"""

from __future__ import annotations

from datetime import timedelta

import attrs

from khachhang.buying import LossReason, Stage
from khachhang.crm._mapping import CrmMapping, DealStages, RecordShape, TimeFormat, Vocabulary

__all__ = ["ODOO"]

_STAGES = DealStages(
    "stage_id",
    {
        Stage.PROBLEM_RECOGNITION: "New",
        Stage.GENERAL_NEED_DESCRIPTION: "New",
        Stage.PRODUCT_SPECIFICATION: "Qualified",
        Stage.SUPPLIER_SEARCH: "Qualified",
        Stage.PROPOSAL_SOLICITATION: "Proposition",
        Stage.SUPPLIER_SELECTION: "Proposition",
        Stage.ORDER_ROUTINE_SPECIFICATION: "Proposition",
        Stage.PERFORMANCE_REVIEW: "Proposition",
    },
    won="Won",
    lost=None,  # Odoo archives a lost opportunity in its stage (active = False)
)

_LOSS = Vocabulary(
    "lost_reason_id",
    {
        reason: "Too expensive" if reason is LossReason.PRICE else reason.label("en")
        for reason in LossReason
    },
    {
        "Too expensive": LossReason.PRICE,
        "We don't have people/skills": LossReason.OTHER,
        "Not enough stock": LossReason.OTHER,
        **{reason.label("en"): reason for reason in LossReason if reason is not LossReason.PRICE},
    },
)

_PARTNER = RecordShape(
    object="res.partner",
    id="ref",
    name="name",
    email="email",
    phone="phone",
    mobile="mobile",
    street="street",
    ward="city",
    province="state_id",
    country="country_id",
    created="create_date",
)

ODOO = CrmMapping(
    product="Odoo",
    version="Odoo 17.0 (res.partner, crm.lead, default CRM stages)",
    sources=(
        "https://www.odoo.com/documentation/17.0/applications/sales/crm.html",
        "https://github.com/odoo/odoo/blob/17.0/odoo/addons/base/models/res_partner.py",
        "https://github.com/odoo/odoo/blob/17.0/addons/crm/models/crm_lead.py",
    ),
    person=attrs.evolve(_PARTNER, constants={"is_company": False}),
    organization=attrs.evolve(_PARTNER, tax_code="vat", constants={"is_company": True}),
    time=TimeFormat("%Y-%m-%d %H:%M:%S", precision=timedelta(seconds=1)),
    deal_object="crm.lead",
    deal_fields={
        "id": "name",
        "stage": "stage_id",
        "customer": "partner_id",
        "probability": "probability",
        "amount": "expected_revenue",
        "active": "active",
        "loss_reason": "lost_reason_id",
    },
    deal_stages=_STAGES,
    loss_reasons=_LOSS,
    person_name="one",
    lost=(
        "out: birth date and gender (no field on res.partner); an address's district; "
        "contact points beyond the first e-mail and two phones, their labels and "
        "consents; the lifecycle stage and log; roles, tags, purchases; times below the "
        "second; the close date (Odoo sets date_closed itself)",
        "out: stages share Odoo's four default stages (New, Qualified, Proposition, Won); "
        "each reads back as the earliest of ours; a lost deal stays in its stage, "
        "archived; loss reasons other than price read back by their English label",
        "in: parent_id and child_ids (the account hierarchy), user_id (the salesperson), "
        "customer_rank; Odoo's own lost reasons other than 'Too expensive' read as other",
    ),
)
"""Odoo's contacts and CRM opportunities."""
