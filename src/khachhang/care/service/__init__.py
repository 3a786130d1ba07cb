"""Care, the service side: business calendars, SLA clocks, feedback, loyalty, internal care.

Documented in ``docs/care-service.md``; everything here is also exported by
:mod:`khachhang.care`. Complaints (:mod:`khachhang.care.service.complaints`) belong to this
side too.
"""

from __future__ import annotations

from khachhang.care.service.business_calendar import MON_FRI, MON_SAT, BusinessCalendar
from khachhang.care.service.complaints import (
    AGENT_REPLIES,
    COMPLAINT,
    CUSTOMER_MESSAGES,
    Complaint,
    ComplaintStatus,
    Priority,
    Resolution,
    ResolutionOutcome,
)
from khachhang.care.service.economics import (
    DEFAULT_ACQUISITION_MULTIPLE,
    RetentionEconomics,
    margin_clv,
    run_rate_clv,
    simple_clv,
)
from khachhang.care.service.feedback import (
    CesResponse,
    CesSummary,
    CsatResponse,
    CsatSummary,
    NpsCategory,
    NpsResponse,
    NpsSummary,
    ces,
    ces_by_segment,
    csat,
    csat_by_segment,
    nps,
    nps_by_segment,
    round_score,
)
from khachhang.care.service.internal import (
    InternalActivity,
    InternalActivityKind,
    InternalCareProgram,
    InternalSession,
    InternalSurveyResponse,
)
from khachhang.care.service.loyalty import (
    EntryKind,
    InsufficientPointsError,
    LedgerEntry,
    LoyaltyProgram,
    LoyaltyTier,
    PointsLedger,
    Reward,
    RewardKind,
)
from khachhang.care.service.sla import (
    Breach,
    ClockMode,
    EscalationLevel,
    ServiceLevel,
    SlaClock,
    SlaMetric,
    SlaStatus,
    SlaTarget,
)

__all__ = [
    "AGENT_REPLIES",
    "COMPLAINT",
    "CUSTOMER_MESSAGES",
    "DEFAULT_ACQUISITION_MULTIPLE",
    "MON_FRI",
    "MON_SAT",
    "Breach",
    "BusinessCalendar",
    "CesResponse",
    "CesSummary",
    "ClockMode",
    "Complaint",
    "ComplaintStatus",
    "CsatResponse",
    "CsatSummary",
    "EntryKind",
    "EscalationLevel",
    "InsufficientPointsError",
    "InternalActivity",
    "InternalActivityKind",
    "InternalCareProgram",
    "InternalSession",
    "InternalSurveyResponse",
    "LedgerEntry",
    "LoyaltyProgram",
    "LoyaltyTier",
    "NpsCategory",
    "NpsResponse",
    "NpsSummary",
    "PointsLedger",
    "Priority",
    "Resolution",
    "ResolutionOutcome",
    "RetentionEconomics",
    "Reward",
    "RewardKind",
    "ServiceLevel",
    "SlaClock",
    "SlaMetric",
    "SlaStatus",
    "SlaTarget",
    "ces",
    "ces_by_segment",
    "csat",
    "csat_by_segment",
    "margin_clv",
    "nps",
    "nps_by_segment",
    "round_score",
    "run_rate_clv",
    "simple_clv",
]
