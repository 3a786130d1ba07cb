"""Personal data the way Vietnam's Decree 13/2023/ND-CP asks (see docs/privacy.md).

- Redaction and pseudonymisation for export: :func:`redact` with a
  :class:`RedactionPolicy` (mask, keyed hash, drop per :class:`DataKind`); the
  converter's :func:`~khachhang.serde.to_json` and :func:`~khachhang.serde.to_dict`
  take ``redact=`` too.
- Frames: :func:`~khachhang.privacy.frames.redact_frame` treats the personal columns of
  a customer frame (extra ``polars``; ``customers_to_frame(..., redact=policy)`` too).
- Erasure: :func:`erase` (idempotent, leaves an :class:`Erasure` on the customer) and
  the subject-access export :func:`subject_access`.
"""

from __future__ import annotations

from khachhang.customers import ERASED_NAME, Erasure
from khachhang.privacy.erasure import PersonalDatum, SubjectAccessReport, erase, subject_access
from khachhang.privacy.redaction import (
    MIN_KEY_BYTES,
    DataKind,
    RedactionPolicy,
    Treatment,
    personal_fields,
    pseudonym,
    redact,
)

__all__ = [
    "ERASED_NAME",
    "MIN_KEY_BYTES",
    "DataKind",
    "Erasure",
    "PersonalDatum",
    "RedactionPolicy",
    "SubjectAccessReport",
    "Treatment",
    "erase",
    "personal_fields",
    "pseudonym",
    "redact",
    "subject_access",
]
