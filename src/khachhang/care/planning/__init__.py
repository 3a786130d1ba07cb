"""Care, the planning side: care rules, the care plan, its touchpoints and its agenda.

Documented in ``docs/care.md``; everything here is also exported by :mod:`khachhang.care`.
The care workflows (:mod:`khachhang.care.planning.workflows`, with the pre-sale and
post-sale templates in :mod:`khachhang.care.planning.templates`) belong to this side too.
"""

from __future__ import annotations

from khachhang.care.planning.agenda import Agenda
from khachhang.care.planning.plan import CarePlan, SegmentPredicate
from khachhang.care.planning.rules import (
    Anniversary,
    AnniversaryOf,
    BirthdayGreeting,
    CareRule,
    CheckIn,
    FollowUp,
    Holiday,
    HolidayGreeting,
    LeapDay,
    Purpose,
    on_anniversary,
)
from khachhang.care.planning.templates import (
    BY_STAGE,
    DURING_SALE,
    POST_SALE,
    PRE_SALE,
    SaleStage,
)
from khachhang.care.planning.touchpoints import (
    Cap,
    Drop,
    DropReason,
    Period,
    QuietHours,
    Touchpoint,
)
from khachhang.care.planning.workflows import (
    WORKFLOW_RUN,
    CareWorkflow,
    Progress,
    RunCancelled,
    RunStarted,
    RunStatus,
    StepCompleted,
    StepProgress,
    StepSkipped,
    StepState,
    WorkflowRun,
    WorkflowStep,
)

__all__ = [
    "BY_STAGE",
    "DURING_SALE",
    "POST_SALE",
    "PRE_SALE",
    "WORKFLOW_RUN",
    "Agenda",
    "Anniversary",
    "AnniversaryOf",
    "BirthdayGreeting",
    "Cap",
    "CarePlan",
    "CareRule",
    "CareWorkflow",
    "CheckIn",
    "Drop",
    "DropReason",
    "FollowUp",
    "Holiday",
    "HolidayGreeting",
    "LeapDay",
    "Period",
    "Progress",
    "Purpose",
    "QuietHours",
    "RunCancelled",
    "RunStarted",
    "RunStatus",
    "SaleStage",
    "SegmentPredicate",
    "StepCompleted",
    "StepProgress",
    "StepSkipped",
    "StepState",
    "Touchpoint",
    "WorkflowRun",
    "WorkflowStep",
    "on_anniversary",
]
