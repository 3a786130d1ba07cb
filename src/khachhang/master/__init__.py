"""Customer master data: contacts at organisations, account hierarchy, owners, activities,
field history, traditional customers, and duplicate detection and merge.

Pure models in the library's style: frozen attrs values, validated at construction,
round-tripped by :mod:`khachhang.serde`, with strategies in :mod:`khachhang.testing`.
:mod:`~khachhang.master.dedupe` finds duplicates with weighted match rules and blocking;
:mod:`~khachhang.master.merge` merges two records under a survivor policy, losslessly,
and un-merges them from the merge record. See ``docs/master-data.md`` and
``docs/dedupe.md``.
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
from khachhang.master.dedupe import (
    DEFAULT_RULES,
    Block,
    DuplicateReport,
    Hit,
    Match,
    MatchKind,
    MatchRule,
    MatchRules,
    find_duplicates,
    fold_name,
    jaro_winkler,
    name_similarity,
)
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
from khachhang.master.merge import (
    DEFAULT_POLICY,
    ConsentMerge,
    Merged,
    MergeField,
    MergePolicy,
    MergeRecord,
    Pick,
    RenamedPurchase,
    Taken,
    merge,
    unmerge,
)
from khachhang.master.ownership import Owner, OwnerChanged, OwnerRole, Ownership
from khachhang.master.traditional import TraditionalPolicy

__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_RULES",
    "AccountLink",
    "Activity",
    "ActivityKind",
    "ActivityLog",
    "AddressChanged",
    "Block",
    "ConsentMerge",
    "Contact",
    "ContactBook",
    "ContactChanged",
    "ContactRole",
    "CustomerState",
    "DuplicateReport",
    "FieldChange",
    "FieldHistory",
    "Hierarchy",
    "HistoryField",
    "Hit",
    "LinkKind",
    "Match",
    "MatchKind",
    "MatchRule",
    "MatchRules",
    "MergeField",
    "MergePolicy",
    "MergeRecord",
    "Merged",
    "Owner",
    "OwnerChanged",
    "OwnerRole",
    "Ownership",
    "Pick",
    "RecordKind",
    "RecordRef",
    "RenamedPurchase",
    "RolesChanged",
    "TagsChanged",
    "Taken",
    "TraditionalPolicy",
    "activity_from_touchpoint",
    "find_duplicates",
    "fold_name",
    "jaro_winkler",
    "merge",
    "name_similarity",
    "state_at",
    "unmerge",
]
