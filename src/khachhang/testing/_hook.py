"""Hypothesis entry point: teach ``st.from_type`` every public khachhang model.

Declared in ``pyproject.toml`` as ``[project.entry-points.hypothesis]``, so Hypothesis
calls :func:`_hypothesis_setup_hook` when it is imported in any project that has
khachhang installed. Nothing is imported at module level: Hypothesis loads this module
while ``hypothesis`` itself is still being imported, and importing
``hypothesis.strategies`` here would be circular.
"""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    """Register a strategy for every public model with ``st.register_type_strategy``."""
    from hypothesis import strategies as st

    from khachhang.customers import Customer, LifecyclePolicy, LineItem, Purchase
    from khachhang.fsm import Event
    from khachhang.money import Money
    from khachhang.parties import Address, ContactPoint, Organization, Person
    from khachhang.report import BookSummary
    from khachhang.testing import _strategies as ks

    st.register_type_strategy(Money, ks.money())
    st.register_type_strategy(ContactPoint, ks.contact_points())
    st.register_type_strategy(Address, ks.addresses())
    st.register_type_strategy(Person, ks.persons())
    st.register_type_strategy(Organization, ks.organizations())
    st.register_type_strategy(LineItem, ks.line_items())
    st.register_type_strategy(Purchase, ks.purchases())
    st.register_type_strategy(LifecyclePolicy, ks.lifecycle_policies())
    st.register_type_strategy(Event, ks.lifecycle_events())
    st.register_type_strategy(Customer, ks.customers())
    st.register_type_strategy(BookSummary, ks.book_summaries())

    from khachhang.testing import _segmentation

    for package in (_segmentation,):
        package.register_types()
