"""Care: proactive care and reactive support, workflows, scheduled touchpoints, service.

The planning side (channels, workflows, the care plan) is documented in ``docs/care.md``;
the service side (complaints, feedback, loyalty, internal care) in ``docs/care-service.md``.
"""

from __future__ import annotations

from khachhang.care.channels import CareMode, Channel, Reach, contact_for, reach
from khachhang.care.rules import (
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
from khachhang.care.schedule import CarePlan, SegmentPredicate
from khachhang.care.templates import POST_SALE, PRE_SALE
from khachhang.care.touchpoints import Cap, Drop, DropReason, Period, QuietHours, Touchpoint
from khachhang.care.workflows import (
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

# --- service side (complaints, feedback, loyalty, internal care, economics) -----------
# CARE-SERVICE's imports go here; the lead merges them in.
# --- end of service side ---------------------------------------------------------------

__all__ = [
    # planning side (CARE-PLAN)
    "POST_SALE",
    "PRE_SALE",
    "WORKFLOW_RUN",
    "Anniversary",
    "AnniversaryOf",
    "BirthdayGreeting",
    "Cap",
    "CareMode",
    "CarePlan",
    "CareRule",
    "CareWorkflow",
    "Channel",
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
    "Reach",
    "RunCancelled",
    "RunStarted",
    "RunStatus",
    "SegmentPredicate",
    "StepCompleted",
    "StepProgress",
    "StepSkipped",
    "StepState",
    "Touchpoint",
    "WorkflowRun",
    "WorkflowStep",
    "contact_for",
    "on_anniversary",
    "reach",
    # service side: CARE-SERVICE's names go here
]
