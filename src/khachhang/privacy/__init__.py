"""Personal data the way Vietnam's Decree 13/2023/ND-CP asks (see ``docs/privacy.md``).

- Consent per purpose with its proof (:class:`ConsentLedger`, ``docs/consent.md``) and
  retention (:class:`RetentionPolicy`): below the care planner, which asks the ledger.
- Redaction and pseudonymisation for export: :func:`redact` with a
  :class:`RedactionPolicy` (mask, keyed hash, drop per :class:`DataKind`); the
  converter's :func:`~khachhang.serde.to_json` and :func:`~khachhang.serde.to_dict`
  take ``redact=`` too; :func:`~khachhang.privacy.frames.redact_frame` treats the personal
  columns of a customer frame (extra ``polars``).
- Erasure: :func:`erase` (idempotent, leaves an :class:`Erasure` on the customer) and
  the subject-access export :func:`subject_access`.

The two halves sit in different layers (the ledger below care, exports above the
converter), so this package imports its modules on first use of a name: ``import
khachhang.privacy.consent`` loads the ledger alone.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # where each name of __all__ comes from
    from khachhang.customers import ERASED_NAME, Erasure
    from khachhang.privacy.consent import (
        ConsentAction,
        ConsentEvent,
        ConsentLedger,
        ConsentSource,
        StandardPurpose,
        purpose_key,
        purpose_label,
    )
    from khachhang.privacy.erasure import (
        PersonalDatum,
        SubjectAccessReport,
        erase,
        subject_access,
    )
    from khachhang.privacy.redaction import (
        MIN_KEY_BYTES,
        DataKind,
        RedactionPolicy,
        Treatment,
        personal_fields,
        pseudonym,
        redact,
    )
    from khachhang.privacy.retention import (
        ComplaintRecord,
        ErasureDue,
        RetentionKind,
        RetentionPolicy,
        RetentionRule,
    )

_HOMES: dict[str, str] = {
    **dict.fromkeys(("ERASED_NAME", "Erasure"), "khachhang.customers"),
    **dict.fromkeys(
        (
            "ConsentAction",
            "ConsentEvent",
            "ConsentLedger",
            "ConsentSource",
            "StandardPurpose",
            "purpose_key",
            "purpose_label",
        ),
        "khachhang.privacy.consent",
    ),
    **dict.fromkeys(
        ("PersonalDatum", "SubjectAccessReport", "erase", "subject_access"),
        "khachhang.privacy.erasure",
    ),
    **dict.fromkeys(
        (
            "MIN_KEY_BYTES",
            "DataKind",
            "RedactionPolicy",
            "Treatment",
            "personal_fields",
            "pseudonym",
            "redact",
        ),
        "khachhang.privacy.redaction",
    ),
    **dict.fromkeys(
        ("ComplaintRecord", "ErasureDue", "RetentionKind", "RetentionPolicy", "RetentionRule"),
        "khachhang.privacy.retention",
    ),
}

__all__ = [
    "ERASED_NAME",
    "MIN_KEY_BYTES",
    "ComplaintRecord",
    "ConsentAction",
    "ConsentEvent",
    "ConsentLedger",
    "ConsentSource",
    "DataKind",
    "Erasure",
    "ErasureDue",
    "PersonalDatum",
    "RedactionPolicy",
    "RetentionKind",
    "RetentionPolicy",
    "RetentionRule",
    "StandardPurpose",
    "SubjectAccessReport",
    "Treatment",
    "erase",
    "personal_fields",
    "pseudonym",
    "purpose_key",
    "purpose_label",
    "redact",
    "subject_access",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        msg = f"module 'khachhang.privacy' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
