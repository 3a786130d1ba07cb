"""The consent ledger and retention (khachhang.privacy): laws and domain facts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import UTC, scaled
from khachhang import Customer, Person
from khachhang.care import Channel, Complaint, Resolution, ResolutionOutcome
from khachhang.errors import ValidationError
from khachhang.parties import ContactChannel, ContactPoint
from khachhang.privacy import (
    ConsentAction,
    ConsentEvent,
    ConsentLedger,
    ConsentSource,
    ErasureDue,
    RetentionKind,
    RetentionPolicy,
    RetentionRule,
    StandardPurpose,
    purpose_label,
)
from khachhang.serde import from_json, to_json
from khachhang.testing import (
    consent_events,
    consent_ledgers,
    customers,
    erasure_dues,
    retention_policies,
    retention_rules,
)

T = datetime(2026, 3, 1, 9, tzinfo=UTC)
SMS = ContactChannel.SMS
MARKETING = StandardPurpose.MARKETING


@pytest.mark.parametrize(
    "strategy",
    [consent_events(), consent_ledgers(), retention_rules(), retention_policies(), erasure_dues()],
)
@given(data=st.data())
def test_privacy_models_round_trip_through_json(strategy: Any, data: st.DataObject) -> None:
    """from_json(to_json(x)) == x for every privacy model."""
    value = data.draw(strategy)
    assert from_json(to_json(value), type(value)) == value


@settings(max_examples=scaled(40))
@given(consent_ledgers(), consent_ledgers(), consent_ledgers())
def test_merging_ledgers_is_commutative_associative_and_idempotent(
    a: ConsentLedger, b: ConsentLedger, c: ConsentLedger
) -> None:
    """Union of events: the order and repetition of merges never matter."""
    assert a.merge(b) == b.merge(a)
    assert a.merge(b).merge(c) == a.merge(b.merge(c))
    assert a.merge(a) == a
    assert a.merge(b).merge(b) == a.merge(b)


@settings(max_examples=scaled(40))
@given(consent_ledgers(), st.permutations(range(8)))
def test_the_load_order_of_events_never_changes_the_ledger(
    ledger: ConsentLedger, order: list[int]
) -> None:
    """Events recorded in any order give the same ledger (event time wins)."""
    events = ledger.events
    shuffled = [events[i] for i in order if i < len(events)]
    assert ConsentLedger(ledger.subject).record(*shuffled) == ledger


def replayed(events: tuple[ConsentEvent, ...], as_of: datetime) -> dict[Any, bool]:
    """An independent fold: each scope takes the last covering event at or before as_of."""
    scopes = {(e.purpose, e.channel, e.contact) for e in events}
    state: dict[Any, bool] = {}
    for event in events:
        if event.at > as_of:
            break
        for purpose, channel, contact in scopes:
            if event.covers(purpose, channel, contact):
                state[purpose, channel, contact] = event.action is ConsentAction.GRANT
    return {scope: state.get(scope, False) for scope in scopes}


@given(consent_ledgers(), st.integers(-1, 12))
def test_replaying_the_events_gives_the_current_state(ledger: ConsentLedger, day: int) -> None:
    """A fold of the events in the ledger's order equals the state the queries give."""
    as_of = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=day, hours=12)
    assert ledger.state(as_of=as_of) == replayed(ledger.events, as_of)


@given(consent_ledgers(), st.sampled_from(ContactChannel))
def test_silence_is_no_consent(ledger: ConsentLedger, channel: ContactChannel) -> None:
    """A purpose no event names is never allowed."""
    assert not ledger.allows("never.asked", channel, as_of=T + timedelta(days=400))


def test_a_withdrawal_survives_a_later_import_of_older_grants() -> None:
    """Importing an older grant after a withdrawal does not bring consent back."""
    ledger = ConsentLedger("KH-1").grant(MARKETING, SMS, at=T, source=ConsentSource.FORM)
    ledger = ledger.withdraw(MARKETING, SMS, at=T + timedelta(days=30))
    older = ConsentLedger("KH-1").grant(
        MARKETING, SMS, at=T + timedelta(days=1), source=ConsentSource.IMPORT
    )
    later = T + timedelta(days=60)
    assert not ledger.merge(older).allows(MARKETING, SMS, as_of=later)
    assert not older.merge(ledger).allows(MARKETING, SMS, as_of=later)


def test_at_the_same_instant_a_withdrawal_wins_over_a_grant() -> None:
    """The tie rule is the privacy-safe one."""
    ledger = ConsentLedger("KH-1").withdraw(MARKETING, SMS, at=T).grant(MARKETING, SMS, at=T)
    assert not ledger.allows(MARKETING, SMS, as_of=T)
    assert ledger.decision(MARKETING, SMS, as_of=T).action is ConsentAction.WITHDRAW  # type: ignore[union-attr]


def test_a_withdrawal_on_every_channel_covers_each_channel_and_contact() -> None:
    """channel=None speaks for every channel; a later specific grant reopens one."""
    ledger = (
        ConsentLedger("KH-1")
        .grant(MARKETING, SMS, at=T, contact="+84901234567")
        .grant(MARKETING, ContactChannel.EMAIL, at=T)
        .withdraw(MARKETING, at=T + timedelta(days=1))
        .grant(MARKETING, ContactChannel.EMAIL, at=T + timedelta(days=2), contact="a@b.vn")
    )
    later = T + timedelta(days=3)
    assert not ledger.allows(MARKETING, SMS, as_of=later, contact="+84901234567")
    assert not ledger.allows(MARKETING, ContactChannel.EMAIL, as_of=later, contact="x@b.vn")
    assert ledger.allows(MARKETING, ContactChannel.EMAIL, as_of=later, contact="a@b.vn")
    assert ledger.allows(MARKETING, SMS, as_of=T, contact="+84901234567")


def test_one_instant_in_two_zones_is_one_event() -> None:
    """Events keep the UTC instant, so the same moment written twice is deduplicated."""
    ict = T.astimezone(timezone(timedelta(hours=7)))
    ledger = ConsentLedger("KH-1").grant(MARKETING, SMS, at=T).grant(MARKETING, SMS, at=ict)
    assert len(ledger.events) == 1
    assert ledger.events[0].at.tzinfo is UTC


def test_channel_consents_migrate_to_the_service_purpose_only() -> None:
    """The privacy-safe default: a channel consent is no evidence of marketing consent."""
    sms = ContactPoint.phone("0901234567", consents=[SMS])
    ledger = ConsentLedger.from_contacts("KH-1", [sms], at=T)
    assert ledger.allows(StandardPurpose.SERVICE, SMS, as_of=T, contact=sms.value)
    assert not ledger.allows(MARKETING, SMS, as_of=T, contact=sms.value)
    assert {e.source for e in ledger.events} == {ConsentSource.MIGRATION}


def test_purposes_are_keys_with_labels_for_the_standard_ones() -> None:
    """An application adds its own purpose keys; the standard ones are labelled."""
    assert purpose_label(StandardPurpose.ANALYTICS, "vi") == "Phân tích dữ liệu"
    ledger = ConsentLedger("KH-1").grant("loyalty.newsletter", at=T)
    assert ledger.allows("loyalty.newsletter", SMS, as_of=T)
    assert ledger.history("loyalty.newsletter") == ledger.events


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: ConsentLedger("KH-1").grant("Tiếp thị", at=T), "purpose"),
        (lambda: ConsentLedger("KH-1").grant(MARKETING, at=T.replace(tzinfo=None)), "at"),
        (lambda: ConsentLedger("KH-1").grant(MARKETING, at=T, contact="a@b.vn"), "contact"),
        (lambda: ConsentLedger("KH-1").merge(ConsentLedger("KH-2")), "other.subject"),
        (lambda: ConsentLedger("KH-1", ["x"]), "events[0]"),  # type: ignore[list-item]
        (lambda: ConsentLedger("KH-1").allows(MARKETING, as_of="2026"), "as_of"),  # type: ignore[arg-type]
    ],
)
def test_bad_consent_input_is_refused_naming_the_field(call: Any, path: str) -> None:
    """Each refusal is a ValidationError whose path names the field."""
    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.path == path


# --- retention ---------------------------------------------------------------------------

POLICY = RetentionPolicy(
    [
        RetentionRule("prospects-24m", RetentionKind.PROSPECT, relativedelta(months=24)),
        RetentionRule("customers-10y", RetentionKind.CUSTOMER, relativedelta(years=10)),
        RetentionRule("complaints-5y", RetentionKind.COMPLAINT, relativedelta(years=5)),
    ]
)


def test_retention_lists_what_is_due_with_the_rule_and_the_reason() -> None:
    """A quiet prospect and an old closed complaint are due; an open one never is."""
    created = datetime(2020, 1, 1, tzinfo=UTC)
    prospect = Customer("KH-1", Person("An"), created_at=created)
    fresh = Customer("KH-2", Person("Bình"), created_at=datetime(2025, 6, 1, tzinfo=UTC))
    case = Complaint("KN-1", "KH-1", Channel.PHONE, "Giao hàng trễ", received_at=created)
    done = case.resolve(Resolution(ResolutionOutcome.EXPLANATION), at=created + timedelta(days=2))
    due = POLICY.due(
        customers=[prospect, fresh], complaints=[done, case], as_of=datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert [(d.record_id, d.rule.name) for d in due] == [
        ("KH-1", "prospects-24m"),
        ("KN-1", "complaints-5y"),
    ]
    assert due[1].last_activity == created + timedelta(days=2)
    assert "quy tắc complaints-5y: 5 năm" in due[1].reason("vi")


@settings(max_examples=scaled(40))
@given(
    retention_policies(), st.lists(customers(max_purchases=2), max_size=4, unique_by=lambda c: c.id)
)
def test_every_record_listed_is_due_by_its_own_rule(
    policy: RetentionPolicy, book: list[Customer]
) -> None:
    """Listed when a rule of its kind is due by as_of, with the earliest due date."""
    as_of = datetime(2027, 1, 1, tzinfo=UTC)
    due = {d.record_id: d for d in policy.due(customers=book, as_of=as_of)}
    for customer in book:
        kind = RetentionKind.CUSTOMER if customer.purchases else RetentionKind.PROSPECT
        moments = [customer.created_at, *(e.at for e in customer.lifecycle_events)]
        moments += [p.at for p in customer.purchases]
        last = max(moments)
        dues = [r.due_at(last_activity=last) for r in policy.rules if r.kind is kind]
        passed = [d for d in dues if d is not None and d <= as_of]
        assert (customer.id in due) == bool(passed)
        if passed:
            assert due[customer.id].due_at == min(passed)
            assert due[customer.id].last_activity == last


def test_a_retention_rule_refuses_an_empty_or_clock_length() -> None:
    """A rule keeps data for a positive number of days, months or years."""
    for after in (relativedelta(), relativedelta(hours=5), relativedelta(months=-1)):
        with pytest.raises(ValidationError) as info:
            RetentionRule("x", RetentionKind.PROSPECT, after)
        assert info.value.path == "after"


def test_an_erasure_due_holds_a_rule_of_its_kind() -> None:
    """The record's kind and its rule's kind agree."""
    rule = POLICY.rules[0]
    with pytest.raises(ValidationError):
        ErasureDue(RetentionKind.COMPLAINT, "KN-1", "KH-1", rule, T, T)


def test_retention_refuses_what_is_not_a_complaint_naming_its_place() -> None:
    """A record without the complaint's fields is a ValidationError at complaints[i]."""
    with pytest.raises(ValidationError) as info:
        POLICY.due(complaints=[object()], as_of=T)  # type: ignore[list-item]
    assert info.value.path == "complaints[0]"
    with pytest.raises(ValidationError) as info:
        POLICY.due(as_of=T.replace(tzinfo=None))
    assert info.value.path == "as_of"
