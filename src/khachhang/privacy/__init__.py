"""Personal data: consent per purpose with its proof, and retention.

Documented in ``docs/consent.md``.
"""

from __future__ import annotations

from khachhang.privacy.consent import (
    ConsentAction,
    ConsentEvent,
    ConsentLedger,
    ConsentSource,
    StandardPurpose,
    purpose_key,
    purpose_label,
)
from khachhang.privacy.retention import (
    ComplaintRecord,
    ErasureDue,
    RetentionKind,
    RetentionPolicy,
    RetentionRule,
)

__all__ = [
    "ComplaintRecord",
    "ConsentAction",
    "ConsentEvent",
    "ConsentLedger",
    "ConsentSource",
    "ErasureDue",
    "RetentionKind",
    "RetentionPolicy",
    "RetentionRule",
    "StandardPurpose",
    "purpose_key",
    "purpose_label",
]
