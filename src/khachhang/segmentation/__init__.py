"""Segmentation: rules as data, evaluated in memory, in Polars and in SQL.

Build rules with :data:`F`, evaluate them on customers (compiled once to closures),
explain them, store them as JSON (:class:`RuleDocument`), group customers with
:class:`Segment` and :class:`Segmenter`, score them with RFM, and follow cohorts by
first-purchase month. See ``docs/segmentation.md``.

>>> from datetime import datetime, timezone
>>> from khachhang import Customer, Person, Money
>>> rule = F.tags.contains("vip") | (F.total_spent >= Money("20000000"))
>>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
>>> rule.evaluate(Customer("c-1", Person("Lê Văn Minh"), created_at=t, tags={"vip"}), as_of=t)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from khachhang.segmentation.builder import F, FieldRef, Fields
from khachhang.segmentation.cohorts import Cohort, CohortCell, CohortTable, cohort_table
from khachhang.segmentation.evaluate import Explanation, Predicate, Truth, explain, truth
from khachhang.segmentation.fields import (
    DEFAULT_REGISTRY,
    Field,
    FieldKind,
    FieldRegistry,
    current_registry,
    using_registry,
)
from khachhang.segmentation.rfm import (
    RFM_GRID,
    Monetary,
    RFMCutPoints,
    RFMGrid,
    RFMGridSegment,
    RFMResult,
    RFMScore,
    rfm_scores,
)
from khachhang.segmentation.rules import (
    FALSE,
    MAX_DEPTH,
    MAX_NODES,
    SCHEMA_VERSION,
    TRUE,
    And,
    Between,
    Compare,
    Const,
    Contains,
    In,
    IsNull,
    Not,
    Op,
    Or,
    Rule,
    RuleDocument,
    Within,
)
from khachhang.segmentation.segments import (
    AssignMode,
    CurrencyGap,
    CurrencyTally,
    Segment,
    SegmentCheck,
    SegmentCounts,
    Segmenter,
)
from khachhang.segmentation.standard import (
    kind_segmenter,
    lifecycle_segmenter,
    standard_segments,
)
from khachhang.segmentation.validation import validate
from khachhang.segmentation.wording import describe

__all__ = [
    "DEFAULT_REGISTRY",
    "FALSE",
    "MAX_DEPTH",
    "MAX_NODES",
    "RFM_GRID",
    "SCHEMA_VERSION",
    "TRUE",
    "And",
    "AssignMode",
    "Between",
    "Cohort",
    "CohortCell",
    "CohortTable",
    "Compare",
    "Const",
    "Contains",
    "CurrencyGap",
    "CurrencyTally",
    "Explanation",
    "F",
    "Field",
    "FieldKind",
    "FieldRef",
    "FieldRegistry",
    "Fields",
    "In",
    "IsNull",
    "Monetary",
    "Not",
    "Op",
    "Or",
    "Predicate",
    "RFMCutPoints",
    "RFMGrid",
    "RFMGridSegment",
    "RFMResult",
    "RFMScore",
    "Rule",
    "RuleDocument",
    "Segment",
    "SegmentCheck",
    "SegmentCounts",
    "Segmenter",
    "Truth",
    "Within",
    "cohort_table",
    "current_registry",
    "describe",
    "explain",
    "kind_segmenter",
    "lifecycle_segmenter",
    "rfm_scores",
    "standard_segments",
    "truth",
    "using_registry",
    "validate",
]

if TYPE_CHECKING:
    from khachhang.segmentation.backends.polars_backend import (
        customers_to_frame as customers_to_frame,
    )


def __getattr__(name: str) -> Any:
    # customers_to_frame needs polars (the ``polars`` extra): imported on first use only,
    # and kept out of __all__ so that ``from khachhang.segmentation import *`` works
    # without the extra.
    if name == "customers_to_frame":
        from khachhang.segmentation.backends.polars_backend import customers_to_frame

        return customers_to_frame
    msg = f"module 'khachhang.segmentation' has no attribute {name!r}"
    raise AttributeError(msg)
