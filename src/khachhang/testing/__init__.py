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
    "lifecycle_events",
    "lifecycle_policies",
    "line_items",
    "money",
    "organizations",
    "persons",
    "phones",
    "purchases",
]


_SOURCES: dict[str, str] = dict.fromkeys(__all__, "khachhang.testing._strategies")
"""Which private module defines each public strategy (imported on first use)."""


def __getattr__(name: str) -> Any:
    source = _SOURCES.get(name)
    if source is None:
        msg = f"module 'khachhang.testing' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
