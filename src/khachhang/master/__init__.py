"""Customer master data: duplicate detection and merge.

:mod:`~khachhang.master.dedupe` finds duplicates with weighted match rules and blocking;
:mod:`~khachhang.master.merge` merges two records under a survivor policy, losslessly,
and un-merges them from the merge record.
"""

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

__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_RULES",
    "Block",
    "ConsentMerge",
    "DuplicateReport",
    "Hit",
    "Match",
    "MatchKind",
    "MatchRule",
    "MatchRules",
    "MergeField",
    "MergePolicy",
    "MergeRecord",
    "Merged",
    "Pick",
    "RenamedPurchase",
    "Taken",
    "find_duplicates",
    "fold_name",
    "jaro_winkler",
    "merge",
    "name_similarity",
    "unmerge",
]
