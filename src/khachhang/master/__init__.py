"""Customer master data: contacts at organisations, account hierarchy, owners, activities,
field history and traditional customers (issue 14).

Pure models in the library's style: frozen attrs values, validated at construction,
round-tripped by :mod:`khachhang.serde`, with strategies in :mod:`khachhang.testing`.
See ``docs/master-data.md``.
"""

from __future__ import annotations

from khachhang.master._fields import HistoryField
from khachhang.master.activities import (
    Activity,
    ActivityKind,
    ActivityLog,
    RecordKind,
    RecordRef,
    activity_from_touchpoint,
)
from khachhang.master.contacts import Contact, ContactBook, ContactRole
from khachhang.master.hierarchy import AccountLink, Hierarchy, LinkKind
from khachhang.master.history import (
    AddressChanged,
    ContactChanged,
    CustomerState,
    FieldChange,
    FieldHistory,
    RolesChanged,
    TagsChanged,
    state_at,
)
from khachhang.master.ownership import Owner, OwnerChanged, OwnerRole, Ownership
from khachhang.master.traditional import TraditionalPolicy

__all__ = [
    "AccountLink",
    "Activity",
    "ActivityKind",
    "ActivityLog",
    "AddressChanged",
    "Contact",
    "ContactBook",
    "ContactChanged",
    "ContactRole",
    "CustomerState",
    "FieldChange",
    "FieldHistory",
    "Hierarchy",
    "HistoryField",
    "LinkKind",
    "Owner",
    "OwnerChanged",
    "OwnerRole",
    "Ownership",
    "RecordKind",
    "RecordRef",
    "RolesChanged",
    "TagsChanged",
    "TraditionalPolicy",
    "activity_from_touchpoint",
    "state_at",
]
