"""Hypothesis strategies for the privacy package's redaction and erasure models.

Private; re-exported by :mod:`khachhang.testing`. Erased customers are built by
erasing drawn customers, so they are what :func:`khachhang.privacy.erase` makes.
"""

from __future__ import annotations

import functools
from datetime import timedelta

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from khachhang.customers import Customer, Erasure
from khachhang.privacy.erasure import PersonalDatum, SubjectAccessReport, erase, subject_access
from khachhang.privacy.redaction import DataKind, RedactionPolicy, Treatment
from khachhang.testing._hook import register_module
from khachhang.testing._strategies import aware_datetimes, customers

__all__ = [
    "erased_customers",
    "erasures",
    "personal_data",
    "redaction_policies",
    "subject_access_reports",
]

_REASONS = ("yêu cầu xóa của khách hàng", "data subject request #12", "hết thời hạn lưu trữ")
_ACTORS = (None, "dpo", "nv-07")


@functools.cache
def redaction_policies() -> SearchStrategy[RedactionPolicy]:
    """Policies with any treatment for each kind of personal data.

    Example: ``@given(redaction_policies())``.
    """
    treatments = st.sampled_from(list(Treatment))
    return st.builds(RedactionPolicy, **{kind.value: treatments for kind in DataKind})


@functools.cache
def erasures() -> SearchStrategy[Erasure]:
    """Erasure records: an aware time, one of a few reasons, an actor or none.

    Example: ``@given(erasures())``.
    """
    return st.builds(
        Erasure, aware_datetimes(), st.sampled_from(_REASONS), st.sampled_from(_ACTORS)
    )


@functools.cache
def erased_customers() -> SearchStrategy[Customer]:
    """Customers erased by :func:`khachhang.privacy.erase`, some time after they joined.

    Example: ``@given(erased_customers())``.
    """
    return st.builds(
        lambda c, days, reason, actor: erase(
            c, at=c.created_at + timedelta(days=days), reason=reason, actor=actor
        ),
        customers(),
        st.integers(0, 3650),
        st.sampled_from(_REASONS),
        st.sampled_from(_ACTORS),
    )


@functools.cache
def personal_data() -> SearchStrategy[PersonalDatum]:
    """Single items of a subject-access report.

    Example: ``@given(personal_data())``.
    """
    words = st.sampled_from(["Trần Thị Lan", "+84901234567", "lan@example.vn", "Hà Nội"])
    return st.builds(
        PersonalDatum,
        st.sampled_from(["customer", "records[0]"]),
        st.sampled_from(["Customer", "Complaint"]),
        st.sampled_from(["party.full_name", "party.contacts[0].value", "subject"]),
        st.sampled_from(list(DataKind)),
        words,
    )


@functools.cache
def subject_access_reports() -> SearchStrategy[SubjectAccessReport]:
    """Reports of drawn customers (erased or not), as :func:`subject_access` makes them.

    Example: ``@given(subject_access_reports())``.
    """
    return st.builds(
        lambda c, days: subject_access(c, as_of=c.created_at + timedelta(days=days)),
        st.one_of(customers(), erased_customers()),
        st.integers(0, 4000),
    )


def register_types() -> None:
    """Teach ``st.from_type`` the redaction and erasure models."""
    register_module(__name__)
