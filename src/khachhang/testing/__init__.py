"""Hypothesis strategies for khachhang's models, for your own property tests.

Every strategy draws only valid values, built directly (no heavy filtering), with
keyword arguments to pin down the interesting parts:

.. code-block:: python

    from hypothesis import given
    from khachhang import Scope
    from khachhang.testing import customers

    @given(customers(scope=Scope.INTERNAL, min_purchases=1))
    def test_internal_customers_have_no_market(customer):
        assert customer.market is None

With khachhang installed, Hypothesis also knows the models through its entry point
(``st.from_type(Customer)`` works with no import); see :mod:`khachhang.testing._hook`.

The strategies are loaded on first use (PEP 562), so Hypothesis can import the hook
module while it is itself still being imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from khachhang.testing._segmentation import (
        generated_check,
        rfm_cut_points,
        rfm_grids,
        rfm_results,
        rule_documents,
        rules,
        segment_checks,
        segmenters,
        segments,
    )
    from khachhang.testing._strategies import (
        addresses,
        aware_datetimes,
        book_summaries,
        contact_points,
        customers,
        emails,
        genders,
        lifecycle_events,
        lifecycle_policies,
        line_items,
        money,
        organizations,
        persons,
        phones,
        purchases,
    )

__all__ = [
    "addresses",
    "aware_datetimes",
    "book_summaries",
    "contact_points",
    "customers",
    "emails",
    "genders",
    "generated_check",
    "lifecycle_events",
    "lifecycle_policies",
    "line_items",
    "money",
    "organizations",
    "persons",
    "phones",
    "purchases",
    "rfm_cut_points",
    "rfm_grids",
    "rfm_results",
    "rule_documents",
    "rules",
    "segment_checks",
    "segmenters",
    "segments",
]

_FOUNDATION = (
    "addresses",
    "aware_datetimes",
    "book_summaries",
    "contact_points",
    "customers",
    "emails",
    "genders",
    "lifecycle_events",
    "lifecycle_policies",
    "line_items",
    "money",
    "organizations",
    "persons",
    "phones",
    "purchases",
)
_SEGMENTATION = (
    "generated_check",
    "rfm_cut_points",
    "rfm_grids",
    "rfm_results",
    "rule_documents",
    "rules",
    "segment_checks",
    "segmenters",
    "segments",
)


_SOURCES: dict[str, str] = {
    **dict.fromkeys(_FOUNDATION, "khachhang.testing._strategies"),
    **dict.fromkeys(_SEGMENTATION, "khachhang.testing._segmentation"),
}
"""Which private module defines each public strategy (imported on first use)."""


def __getattr__(name: str) -> Any:
    source = _SOURCES.get(name)
    if source is None:
        msg = f"module 'khachhang.testing' has no attribute {name!r}"
        raise AttributeError(msg)
    # Import Hypothesis before the strategies module: Hypothesis runs khachhang's entry
    # point while it is imported, and the hook must not meet a half-imported module.
    importlib.import_module("hypothesis")
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
