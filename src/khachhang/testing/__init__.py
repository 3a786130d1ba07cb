"""Hypothesis strategies for khachhang's models, for your own property tests.

Every strategy draws only valid values, built directly (no heavy filtering), with
keyword arguments to pin down the interesting parts:

.. code-block:: python

    from hypothesis import given
    from khachhang import Scope
    from khachhang.testing import customers

    @given(customers(scope=Scope.INTERNAL, min_purchases=1))
    def test_internal_customers_have_no_market(customer):
        assert customer.market is None

With khachhang installed, Hypothesis also knows the models through its entry point
(``st.from_type(Customer)`` works with no import); see :mod:`khachhang.testing._hook`.

The strategies are loaded on first use (PEP 562), so Hypothesis can import the hook
module while it is itself still being imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from khachhang.testing._buying import (
        BuyingProcessMachine,
        abandonments,
        buygrids,
        buying_centers,
        buying_processes,
        candidate_lists,
        influence_notes,
        openings,
        orders,
        participants,
        payloads,
        proposals,
        reviews,
        selections,
        stage_data,
        visits,
    )
    from khachhang.testing._care import (
        agendas,
        anniversaries,
        birthday_greetings,
        caps,
        care_plans,
        care_rules,
        care_workflows,
        check_ins,
        drops,
        follow_ups,
        holiday_greetings,
        holidays,
        offsets,
        progresses,
        quiet_hours,
        run_cancellations,
        run_starts,
        step_completions,
        step_progresses,
        step_skips,
        touchpoints,
        workflow_runs,
        workflow_steps,
    )
    from khachhang.testing._care_service import (
        breaches,
        business_calendars,
        ces_responses,
        ces_summaries,
        complaints,
        csat_responses,
        csat_summaries,
        internal_activities,
        internal_care_programs,
        internal_sessions,
        internal_survey_responses,
        ledger_entries,
        loyalty_programs,
        loyalty_tiers,
        nps_responses,
        nps_summaries,
        points_ledgers,
        resolutions,
        retention_economics,
        rewards,
        service_levels,
        sla_clocks,
        sla_statuses,
        sla_targets,
    )
    from khachhang.testing._segmentation import (
        generated_check,
        rfm_cut_points,
        rfm_grids,
        rfm_results,
        rule_documents,
        rule_nodes,
        rules,
        segment_checks,
        segmenters,
        segments,
    )
    from khachhang.testing._strategies import (
        addresses,
        aware_datetimes,
        book_summaries,
        contact_points,
        customers,
        emails,
        genders,
        lifecycle_events,
        lifecycle_policies,
        line_items,
        money,
        organizations,
        persons,
        phones,
        purchases,
    )

__all__ = [
    "BuyingProcessMachine",
    "abandonments",
    "addresses",
    "agendas",
    "anniversaries",
    "aware_datetimes",
    "birthday_greetings",
    "book_summaries",
    "breaches",
    "business_calendars",
    "buygrids",
    "buying_centers",
    "buying_processes",
    "candidate_lists",
    "caps",
    "care_plans",
    "care_rules",
    "care_workflows",
    "ces_responses",
    "ces_summaries",
    "check_ins",
    "complaints",
    "contact_points",
    "csat_responses",
    "csat_summaries",
    "customers",
    "drops",
    "emails",
    "follow_ups",
    "genders",
    "generated_check",
    "holiday_greetings",
    "holidays",
    "influence_notes",
    "internal_activities",
    "internal_care_programs",
    "internal_sessions",
    "internal_survey_responses",
    "ledger_entries",
    "lifecycle_events",
    "lifecycle_policies",
    "line_items",
    "loyalty_programs",
    "loyalty_tiers",
    "money",
    "nps_responses",
    "nps_summaries",
    "offsets",
    "openings",
    "orders",
    "organizations",
    "participants",
    "payloads",
    "persons",
    "phones",
    "points_ledgers",
    "progresses",
    "proposals",
    "purchases",
    "quiet_hours",
    "resolutions",
    "retention_economics",
    "reviews",
    "rewards",
    "rfm_cut_points",
    "rfm_grids",
    "rfm_results",
    "rule_documents",
    "rule_nodes",
    "rules",
    "run_cancellations",
    "run_starts",
    "segment_checks",
    "segmenters",
    "segments",
    "selections",
    "service_levels",
    "sla_clocks",
    "sla_statuses",
    "sla_targets",
    "stage_data",
    "step_completions",
    "step_progresses",
    "step_skips",
    "touchpoints",
    "visits",
    "workflow_runs",
    "workflow_steps",
]

_FOUNDATION = (
    "addresses",
    "aware_datetimes",
    "book_summaries",
    "contact_points",
    "customers",
    "emails",
    "genders",
    "lifecycle_events",
    "lifecycle_policies",
    "line_items",
    "money",
    "organizations",
    "persons",
    "phones",
    "purchases",
)
_SEGMENTATION = (
    "generated_check",
    "rfm_cut_points",
    "rfm_grids",
    "rfm_results",
    "rule_documents",
    "rule_nodes",
    "rules",
    "segment_checks",
    "segmenters",
    "segments",
)
_BUYING = (
    "BuyingProcessMachine",
    "abandonments",
    "buygrids",
    "buying_centers",
    "buying_processes",
    "candidate_lists",
    "influence_notes",
    "openings",
    "orders",
    "participants",
    "payloads",
    "proposals",
    "reviews",
    "selections",
    "stage_data",
    "visits",
)
_CARE = (
    "agendas",
    "anniversaries",
    "birthday_greetings",
    "caps",
    "care_plans",
    "care_rules",
    "care_workflows",
    "check_ins",
    "drops",
    "follow_ups",
    "holiday_greetings",
    "holidays",
    "offsets",
    "progresses",
    "quiet_hours",
    "run_cancellations",
    "run_starts",
    "step_completions",
    "step_progresses",
    "step_skips",
    "touchpoints",
    "workflow_runs",
    "workflow_steps",
)
_CARE_SERVICE = (
    "breaches",
    "business_calendars",
    "ces_responses",
    "ces_summaries",
    "complaints",
    "csat_responses",
    "csat_summaries",
    "internal_activities",
    "internal_care_programs",
    "internal_sessions",
    "internal_survey_responses",
    "ledger_entries",
    "loyalty_programs",
    "loyalty_tiers",
    "nps_responses",
    "nps_summaries",
    "points_ledgers",
    "resolutions",
    "retention_economics",
    "rewards",
    "service_levels",
    "sla_clocks",
    "sla_statuses",
    "sla_targets",
)

_SOURCES: dict[str, str] = {
    **dict.fromkeys(_FOUNDATION, "khachhang.testing._strategies"),
    **dict.fromkeys(_SEGMENTATION, "khachhang.testing._segmentation"),
    **dict.fromkeys(_BUYING, "khachhang.testing._buying"),
    **dict.fromkeys(_CARE, "khachhang.testing._care"),
    **dict.fromkeys(_CARE_SERVICE, "khachhang.testing._care_service"),
}
"""Which private module defines each public name (imported on first use)."""


def __getattr__(name: str) -> Any:
    source = _SOURCES.get(name)
    if source is None:
        msg = f"module 'khachhang.testing' has no attribute {name!r}"
        raise AttributeError(msg)
    # Import Hypothesis before the strategies module: Hypothesis runs khachhang's entry
    # point while it is imported, and the hook must not meet a half-imported module.
    try:
        importlib.import_module("hypothesis")
    except ImportError as exc:
        msg = "khachhang.testing needs Hypothesis: pip install hypothesis (or 'khachhang[test]')"
        raise ImportError(msg) from exc
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
