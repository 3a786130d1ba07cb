"""Hypothesis strategies for the consent ledger and retention (:mod:`khachhang.privacy`).

Private; re-exported by :mod:`khachhang.testing`. Events are drawn from a few instants,
purposes and contact values, so ledgers often hold ties, covering events and withdrawals
after grants — the cases the ledger's order must decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from dateutil.relativedelta import relativedelta
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from khachhang.parties import ContactChannel
from khachhang.privacy.consent import (
    ConsentAction,
    ConsentEvent,
    ConsentLedger,
    ConsentSource,
    StandardPurpose,
)
from khachhang.privacy.retention import (
    ErasureDue,
    RetentionKind,
    RetentionPolicy,
    RetentionRule,
)
from khachhang.testing._hook import register_module
from khachhang.testing._strategies import OFFSETS

__all__ = [
    "consent_events",
    "consent_ledgers",
    "erasure_dues",
    "retention_policies",
    "retention_rules",
]

_BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)
_PURPOSES = (*(p.value for p in StandardPurpose), "loyalty.newsletter")
_CONTACTS = ("+84901234567", "an@example.vn")


def _instants(days: int, start: datetime = _BASE) -> SearchStrategy[datetime]:
    return st.builds(
        lambda d, h, tz: (start + timedelta(days=d, hours=h)).astimezone(tz),
        st.integers(0, days),
        st.sampled_from((0, 9, 17)),
        st.sampled_from(OFFSETS),
    )


def consent_events(
    *, days: int = 10, start: datetime = _BASE, purposes: Sequence[str] = _PURPOSES
) -> SearchStrategy[ConsentEvent]:
    """Grants and withdrawals at a few instants within ``days`` after ``start`` (aware;
    1 January 2026 UTC by default), for ``purposes`` (the standard ones and
    ``"loyalty.newsletter"`` by default), on every channel or one, and for every contact
    point or the contacts ``+84901234567`` or ``an@example.vn``.

    Example: ``@given(consent_events())`` draws e.g. a marketing grant on SMS.
    """
    channels = st.none() | st.sampled_from(ContactChannel)

    @st.composite
    def build(draw: st.DrawFn) -> ConsentEvent:
        channel = draw(channels)
        contact = None if channel is None else draw(st.none() | st.sampled_from(_CONTACTS))
        return ConsentEvent(
            draw(_instants(days, start)),
            draw(st.sampled_from(ConsentAction)),
            draw(st.sampled_from(purposes)),
            channel,
            contact,
            draw(st.sampled_from(ConsentSource)),
            draw(st.sampled_from(("", "form-1", "call-2"))),
            draw(st.sampled_from(("", "v1", "v2"))),
            draw(st.sampled_from(("", "web", "agent-7"))),
        )

    return build()


def consent_ledgers(
    subject: str | None = "KH-1",
    *,
    max_events: int = 8,
    days: int = 10,
    start: datetime = _BASE,
    purposes: Sequence[str] = _PURPOSES,
) -> SearchStrategy[ConsentLedger]:
    """One person's ledgers; ``subject=None`` draws the subject too.

    Example: ``@given(consent_ledgers(), consent_ledgers())`` draws two ledgers to merge.
    """
    subjects = st.sampled_from(("KH-1", "KH-2")) if subject is None else st.just(subject)
    events = st.lists(
        consent_events(days=days, start=start, purposes=purposes), max_size=max_events
    )
    return st.builds(ConsentLedger, subjects, events)


def retention_rules(kind: RetentionKind | None = None) -> SearchStrategy[RetentionRule]:
    """Retention rules of ``kind`` (any if ``None``) keeping data days to years.

    Example: ``@given(retention_rules(RetentionKind.PROSPECT))``.
    """
    kinds = st.sampled_from(RetentionKind) if kind is None else st.just(kind)
    spans = st.one_of(
        st.builds(relativedelta, years=st.integers(1, 10)),
        st.builds(relativedelta, months=st.integers(1, 36)),
        st.builds(relativedelta, days=st.integers(1, 400)),
    )
    names = st.from_regex(r"[a-z][a-z0-9\-]{0,12}", fullmatch=True)
    return st.builds(RetentionRule, names, kinds, spans)


def retention_policies(max_rules: int = 4) -> SearchStrategy[RetentionPolicy]:
    """Policies of up to ``max_rules`` rules with distinct names.

    Example: ``@given(retention_policies())``.
    """
    rules = st.lists(retention_rules(), max_size=max_rules, unique_by=lambda r: r.name)
    return st.builds(RetentionPolicy, rules)


@st.composite
def _erasure_dues(draw: st.DrawFn) -> ErasureDue:
    rule = draw(retention_rules())
    last = draw(_instants(3000))
    due = rule.due_at(last_activity=last)
    if due is None:  # pragma: no cover  (a few years after 2026 always fit)
        raise RuntimeError(rule)
    record = draw(st.sampled_from(("KH-1", "KN-9")))
    return ErasureDue(rule.kind, record, "KH-1", rule, last, due)


def erasure_dues() -> SearchStrategy[ErasureDue]:
    """Records due for erasure, consistent with their rule.

    Example: ``@given(erasure_dues())``.
    """
    return _erasure_dues()


def register_types() -> None:
    """Teach ``st.from_type`` every consent and retention model."""
    register_module(__name__)
