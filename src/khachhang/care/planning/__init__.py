"""Care, the planning side: care rules, the care plan, its touchpoints and its agenda.

Documented in ``docs/care.md``; everything here is also exported by :mod:`khachhang.care`.
The care workflows (``khachhang.care.workflows``, ``khachhang.care.templates``) belong to
this side and move into it next.
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
from khachhang.care.planning.touchpoints import (
    Cap,
    Drop,
    DropReason,
    Period,
    QuietHours,
    Touchpoint,
)

__all__ = [
    "Agenda",
    "Anniversary",
    "AnniversaryOf",
    "BirthdayGreeting",
    "Cap",
    "CarePlan",
    "CareRule",
    "CheckIn",
    "Drop",
    "DropReason",
    "FollowUp",
    "Holiday",
    "HolidayGreeting",
    "LeapDay",
    "Period",
    "Purpose",
    "QuietHours",
    "SegmentPredicate",
    "Touchpoint",
    "on_anniversary",
]
