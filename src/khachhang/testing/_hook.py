"""Hypothesis entry point: teach ``st.from_type`` every public khachhang model.

Declared in ``pyproject.toml`` as ``[project.entry-points.hypothesis]``, so Hypothesis
calls :func:`_hypothesis_setup_hook` when it is imported in any project that has
khachhang installed.

Hypothesis runs the hook *while it is itself being imported* — possibly because one of
khachhang's strategy modules is being imported and imported Hypothesis first. So the
hook imports no strategy module and nothing from Hypothesis at module level: it
registers, for each model, a small resolver that imports the strategy module the first
time ``st.from_type`` asks for the model, when every import has finished.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

_RULE_NODES: tuple[str, ...] = (
    *("And", "Or", "Not", "Const"),
    *("Compare", "Between", "In", "Contains", "IsNull", "Within"),
)

_MODELS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "khachhang.testing._strategies": {
        "khachhang.money": (("Money", "money"),),
        "khachhang.parties": (
            ("ContactPoint", "contact_points"),
            ("Address", "addresses"),
            ("Person", "persons"),
            ("Organization", "organizations"),
        ),
        "khachhang.customers": (
            ("LineItem", "line_items"),
            ("Purchase", "purchases"),
            ("LifecyclePolicy", "lifecycle_policies"),
            ("Customer", "customers"),
        ),
        "khachhang.fsm": (("Event", "lifecycle_events"),),
        "khachhang.report": (("BookSummary", "book_summaries"),),
    },
    "khachhang.testing._segmentation": {
        "khachhang.segmentation": (
            ("Rule", "rules"),
            *((node, "rule_nodes") for node in _RULE_NODES),
            ("RuleDocument", "rule_documents"),
            ("Segment", "segments"),
            ("Segmenter", "segmenters"),
            ("RFMCutPoints", "rfm_cut_points"),
            ("RFMResult", "rfm_results"),
            ("CohortTable", "cohort_tables"),
            ("RFMGrid", "rfm_grids"),
            ("SegmentCheck", "segment_checks"),
            ("CurrencyGap", "currency_gaps"),
        ),
    },
    "khachhang.testing._buying": {
        "khachhang.buying": (
            ("Participant", "participants"),
            ("BuyingCenter", "buying_centers"),
            ("Buygrid", "buygrids"),
            ("Candidates", "candidate_lists"),
            ("Proposal", "proposals"),
            ("Selection", "selections"),
            ("Order", "orders"),
            ("Review", "reviews"),
            ("InfluenceNote", "influence_notes"),
            ("Abandonment", "abandonments"),
            ("Opening", "openings"),
            ("StageData", "stage_data"),
            ("Visit", "visits"),
            ("BuyingProcess", "buying_processes"),
        ),
    },
    "khachhang.testing._care": {
        "khachhang.care": (
            ("WorkflowStep", "workflow_steps"),
            ("CareWorkflow", "care_workflows"),
            ("WorkflowRun", "workflow_runs"),
            ("RunStarted", "run_starts"),
            ("StepCompleted", "step_completions"),
            ("StepSkipped", "step_skips"),
            ("RunCancelled", "run_cancellations"),
            ("StepProgress", "step_progresses"),
            ("Progress", "progresses"),
            ("FollowUp", "follow_ups"),
            ("BirthdayGreeting", "birthday_greetings"),
            ("Anniversary", "anniversaries"),
            ("Holiday", "holidays"),
            ("HolidayGreeting", "holiday_greetings"),
            ("CheckIn", "check_ins"),
            ("QuietHours", "quiet_hours"),
            ("Cap", "caps"),
            ("CarePlan", "care_plans"),
            ("Touchpoint", "touchpoints"),
            ("Drop", "drops"),
            ("Agenda", "agendas"),
        ),
    },
    "khachhang.testing._care_service": {
        "khachhang.care": (
            ("BusinessCalendar", "business_calendars"),
            ("SlaTarget", "sla_targets"),
            ("ServiceLevel", "service_levels"),
            ("Resolution", "resolutions"),
            ("Complaint", "complaints"),
            ("SlaClock", "sla_clocks"),
            ("Breach", "breaches"),
            ("SlaStatus", "sla_statuses"),
            ("NpsResponse", "nps_responses"),
            ("CsatResponse", "csat_responses"),
            ("CesResponse", "ces_responses"),
            ("NpsSummary", "nps_summaries"),
            ("CsatSummary", "csat_summaries"),
            ("CesSummary", "ces_summaries"),
            ("LoyaltyTier", "loyalty_tiers"),
            ("Reward", "rewards"),
            ("LoyaltyProgram", "loyalty_programs"),
            ("LedgerEntry", "ledger_entries"),
            ("PointsLedger", "points_ledgers"),
            ("InternalActivity", "internal_activities"),
            ("InternalCareProgram", "internal_care_programs"),
            ("InternalSession", "internal_sessions"),
            ("InternalSurveyResponse", "internal_survey_responses"),
            ("RetentionEconomics", "retention_economics"),
        ),
    },
    "khachhang.testing._dedupe": {
        "khachhang.master": (
            ("MatchRule", "match_rules"),
            ("MatchRules", "match_rule_sets"),
            ("Hit", "hits"),
            ("Match", "matches"),
            ("Block", "blocks"),
            ("DuplicateReport", "duplicate_reports"),
            ("MergePolicy", "merge_policies"),
            ("Taken", "taken_fields"),
            ("RenamedPurchase", "renamed_purchases"),
            ("MergeRecord", "merge_records"),
            ("Merged", "merges"),
        ),
    },
    "khachhang.testing._analytics": {
        "khachhang.analytics": (
            ("Summary", "summaries"),
            ("BgNbdFit", "bgnbd_fits"),
            ("GammaGammaFit", "gamma_gamma_fits"),
        ),
    },
    "khachhang.testing._privacy": {
        "khachhang.privacy": (
            ("ConsentEvent", "consent_events"),
            ("ConsentLedger", "consent_ledgers"),
            ("RetentionRule", "retention_rules"),
            ("RetentionPolicy", "retention_policies"),
            ("ErasureDue", "erasure_dues"),
        ),
    },
    "khachhang.testing._redaction": {
        "khachhang.customers": (("Erasure", "erasures"),),
        "khachhang.privacy": (
            ("RedactionPolicy", "redaction_policies"),
            ("PersonalDatum", "personal_data"),
            ("SubjectAccessReport", "subject_access_reports"),
        ),
    },
    "khachhang.testing._master": {
        "khachhang.master": (
            ("Contact", "contacts"),
            ("ContactBook", "contact_books"),
            ("AccountLink", "account_links"),
            ("Hierarchy", "hierarchies"),
            ("Owner", "owners"),
            ("OwnerChanged", "owner_changes"),
            ("Ownership", "ownerships"),
            ("RecordRef", "record_refs"),
            ("Activity", "activities"),
            ("ActivityLog", "activity_logs"),
            ("RolesChanged", "role_changes"),
            ("TagsChanged", "tag_changes"),
            ("AddressChanged", "address_changes"),
            ("ContactChanged", "contact_changes"),
            ("CustomerState", "customer_states"),
            ("FieldHistory", "field_histories"),
            ("TraditionalPolicy", "traditional_policies"),
        ),
    },
}
"""Strategy module -> model module -> (model class, strategy function) pairs: the one
table of which strategy builds which model (each module's ``register_types()`` reads it)."""


_BY_TYPE = frozenset({"rule_nodes"})
"""Strategies that take the requested class (one strategy for several node classes)."""


@functools.cache
def _strategy(module: str, name: str, cls: type) -> Any:
    factory = getattr(importlib.import_module(module), name)
    return factory(cls) if name in _BY_TYPE else factory()


def _resolver(module: str, name: str) -> Any:
    def resolve(cls: type) -> Any:
        return _strategy(module, name, cls)

    return resolve


def register_module(strategies: str) -> None:
    """Register the strategies of one strategy module (its ``register_types()``)."""
    from hypothesis import strategies as st

    for model_module, pairs in _MODELS[strategies].items():
        module = importlib.import_module(model_module)
        for cls_name, strategy in pairs:
            cls = getattr(module, cls_name)
            st.register_type_strategy(cls, _resolver(strategies, strategy))


def _hypothesis_setup_hook() -> None:
    """Register a strategy for every public model with ``st.register_type_strategy``."""
    for strategies in _MODELS:
        register_module(strategies)
