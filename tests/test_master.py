"""Customer master data (issue 14): contacts, hierarchy, owners, activities, field history,
traditional customers, internal buyers and care during the sale."""

from __future__ import annotations

import importlib
import itertools
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SLOW_EXAMPLES, UTC, scaled
from khachhang import Customer, Money, Purchase, Role, Scope
from khachhang import testing as kt
from khachhang.buying import BuyingCenter, BuyingRole, Participant
from khachhang.care import BY_STAGE, DURING_SALE, CareMode, Channel, Purpose, SaleStage, Touchpoint
from khachhang.errors import ConversionError, CurrencyMismatchError, CycleError, ValidationError
from khachhang.kinds import InternalUnit
from khachhang.master import (
    AccountLink,
    Activity,
    ActivityKind,
    ActivityLog,
    Contact,
    ContactBook,
    ContactRole,
    CustomerState,
    FieldHistory,
    Hierarchy,
    HistoryField,
    LinkKind,
    Owner,
    OwnerRole,
    Ownership,
    RecordKind,
    RecordRef,
    TagsChanged,
    TraditionalPolicy,
    activity_from_touchpoint,
    state_at,
)
from khachhang.parties import Address, Organization, Person
from khachhang.serde import from_dict, from_json, to_dict, to_json
from khachhang.testing import field_histories_with_versions, ownerships
from khachhang.testing._hook import _MODELS

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _org(cid: str, code: str | None = None, currency: str = "VND") -> Customer:
    return Customer(
        cid, Organization(f"Công ty {cid}", tax_code=code), created_at=T0, currency=currency
    )


# --- round trips ----------------------------------------------------------------------

_ROUND_TRIP = [
    (model_module, cls_name, strategy)
    for model_module, pairs in _MODELS["khachhang.testing._master"].items()
    for cls_name, strategy in pairs
]


@pytest.mark.parametrize(
    ("module", "name", "strategy"), _ROUND_TRIP, ids=[n for _, n, _ in _ROUND_TRIP]
)
def test_every_master_model_round_trips_through_the_converter(
    module: str, name: str, strategy: str
) -> None:
    """from_dict(to_dict(x)) == x and the same through JSON, for every master model."""
    cls = getattr(importlib.import_module(module), name)

    @settings(max_examples=scaled(20), suppress_health_check=SLOW_EXAMPLES)
    @given(getattr(kt, strategy)())
    def check(value: Any) -> None:
        assert isinstance(value, cls)
        assert from_dict(to_dict(value), cls) == value
        assert from_json(to_json(value), cls) == value

    check()


# --- contacts ---------------------------------------------------------------------------


def test_a_book_holds_at_most_one_primary_contact() -> None:
    """A second primary is refused by path; with_contact hands the primary role over."""
    a = Contact("ct-1", "KH-1", Person("Lê Hoa"), primary=True)
    b = Contact("ct-2", "KH-1", Person("Võ An"), primary=True)
    with pytest.raises(ValidationError, match=r"contacts\[1\]\.primary"):
        ContactBook("KH-1", [a, b])
    book = ContactBook("KH-1", [a]).with_contact(b)
    assert book.primary == b
    assert book.get("ct-1").primary is False


def test_a_contact_leaves_after_joining_and_stops_being_active() -> None:
    """left_at must follow joined_at; after leaving the contact is inactive and not primary."""
    c = Contact("ct-1", "KH-1", Person("Lê Hoa"), primary=True, joined_at=T0)
    with pytest.raises(ValidationError, match="left_at"):
        Contact("ct-1", "KH-1", Person("Lê Hoa"), joined_at=T0, left_at=T0 - timedelta(days=1))
    book = ContactBook("KH-1", [c]).leave("ct-1", at=T0 + timedelta(days=30))
    assert book.primary is None
    assert book.active(at=T0 + timedelta(days=1)) == book.contacts
    assert book.active(at=T0 + timedelta(days=31)) == ()
    with pytest.raises(ValidationError, match="already left"):
        book.leave("ct-1", at=T0 + timedelta(days=40))


def test_a_contact_from_another_organisation_is_refused_by_the_book() -> None:
    """A book holds one organisation's contacts."""
    with pytest.raises(ValidationError, match=r"contacts\[0\]\.organization_id"):
        ContactBook("KH-1", [Contact("ct-1", "KH-2", Person("Lê Hoa"))])


def test_contact_roles_and_buying_roles_are_both_queried() -> None:
    """BILLING is a contact role; DECIDER a buying role reused from the buying centre."""
    c = Contact(
        "ct-1", "KH-1", Person("Lê Hoa"), roles={ContactRole.BILLING},
        buying_roles={BuyingRole.DECIDER},
    )  # fmt: skip
    book = ContactBook("KH-1", [c])
    assert book.holding(ContactRole.BILLING) == book.holding(BuyingRole.DECIDER) == (c,)
    assert ContactRole.TECHNICAL.label("en") == "Technical contact"


def test_a_participant_references_a_contact_and_old_participants_still_load() -> None:
    """contact_id is additive: a participant written without it reads back as before."""
    c = Contact(
        "ct-7", "KH-1", Person("Võ An"), department="Mua hàng", buying_roles={BuyingRole.BUYER}
    )
    p = c.as_participant()
    assert p.contact_id == "ct-7"
    assert BuyingCenter((p,)).holding(BuyingRole.BUYER) == (p,)
    old = {"type": "buying_participant", "person": "Võ An", "unit": "", "roles": ["buyer"]}
    assert from_dict(old, Participant).contact_id is None
    with pytest.raises(ValidationError, match="buying_roles"):
        Contact("ct-8", "KH-1", Person("Lê Hoa")).as_participant()


# --- hierarchy --------------------------------------------------------------------------


@settings(max_examples=scaled(60))
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=8, unique_by=lambda t: t[0])
)
def test_a_hierarchy_is_loop_free_or_refused_naming_a_real_loop(
    pairs: list[tuple[int, int]],
) -> None:
    """Any links: either every chain of parents ends at a root, or CycleError names a loop
    made of the given links."""
    parent = {f"KH-{c}": f"KH-{p}" for c, p in pairs}
    try:
        h = Hierarchy([AccountLink(c, p) for c, p in parent.items()])
    except CycleError as exc:
        loop = exc.cycle
        assert loop[0] == loop[-1]
        assert all(parent[a] == b for a, b in itertools.pairwise(loop))
        return
    for child in parent:
        up = h.ancestors(child)
        assert child not in up
        assert h.parent_of(h.root_of(child)) is None
        assert h.depth(child) == len(up)
        assert child in h.members(h.root_of(child))


def test_a_cycle_error_names_the_loop() -> None:
    """The message walks the loop, so a user sees which links to fix."""
    h = Hierarchy([AccountLink("KH-2", "KH-1"), AccountLink("KH-3", "KH-2")])
    with pytest.raises(CycleError, match="KH-1 -> KH-3 -> KH-2 -> KH-1") as info:
        h.with_link(AccountLink("KH-1", "KH-3"))
    assert info.value.cycle == ("KH-1", "KH-3", "KH-2", "KH-1")
    with pytest.raises(CycleError):
        AccountLink("KH-1", "KH-1")
    with pytest.raises(ValidationError, match="at most one parent"):
        Hierarchy([AccountLink("KH-2", "KH-1"), AccountLink("KH-2", "KH-3")])


def test_branch_links_are_read_from_tax_codes_and_contradictions_refused() -> None:
    """A branch code's first ten digits are its head office's code."""
    head, branch, other = (
        _org("KH-1", "0101234565"),
        _org("KH-2", "0101234565-001"),
        _org("KH-3", "0100109106"),
    )
    h = Hierarchy.from_tax_codes([head, branch, other])
    assert h.links == (AccountLink("KH-2", "KH-1", LinkKind.BRANCH),)
    h.check_tax_codes([head, branch, other])
    wrong = Hierarchy([AccountLink("KH-2", "KH-3", LinkKind.BRANCH)])
    with pytest.raises(ValidationError, match=r"links\[0\]"):
        wrong.check_tax_codes([head, branch, other])


def test_the_group_rolls_up_money_and_contacts() -> None:
    """total_spent sums the whole group in one currency; another currency is refused."""
    a = _org("KH-1").add_purchase(Purchase("o1", T0, Money("1000000")))
    b = _org("KH-2").add_purchase(Purchase("o2", T0, Money("500000")))
    outsider = _org("KH-9").add_purchase(Purchase("o3", T0, Money("7")))
    h = Hierarchy([AccountLink("KH-2", "KH-1")])
    assert h.total_spent("KH-2", [a, b, outsider], "VND") == Money("1500000")
    usd = _org("KH-2", currency="USD")
    with pytest.raises(CurrencyMismatchError, match="KH-2"):
        h.total_spent("KH-1", [a, usd], "VND")
    books = [
        ContactBook("KH-2", [Contact("ct-2", "KH-2", Person("Võ An"))]),
        ContactBook("KH-1", [Contact("ct-1", "KH-1", Person("Lê Hoa"))]),
    ]
    assert [c.id for c in h.group_contacts("KH-2", books)] == ["ct-1", "ct-2"]


# --- owners and activities --------------------------------------------------------------


@settings(max_examples=scaled(40), suppress_health_check=SLOW_EXAMPLES)
@given(ownerships())
def test_ownership_replays_from_its_changes(own: Ownership) -> None:
    """Replaying the owner changes rebuilds the ownership; the last change names the owner."""
    assert Ownership.replay(own.customer_id, own.changes) == own
    if own.changes:
        assert own.owner_at(at=own.changes[-1].at) == own.owner


def test_a_broken_owner_chain_is_refused() -> None:
    """A change must start from the owner the previous one left."""
    an, binh = Owner("u-an", "An"), Owner("u-binh", "Bình", OwnerRole.RELATIONSHIP_MANAGER)
    own = Ownership("KH-1").assign(an, at=T0)
    with pytest.raises(ValidationError, match=r"changes\[1\]\.old"):
        Ownership("KH-1", (*own.changes, *Ownership("KH-1").assign(binh, at=T0).changes))


def test_tasks_have_a_due_time_and_other_activities_do_not() -> None:
    """A task needs due; a call cannot be 'done' or due; done_at needs done."""
    ref = RecordRef(RecordKind.BUYING_PROCESS, "bp-1")
    with pytest.raises(ValidationError, match="due"):
        Activity("a-1", ActivityKind.TASK, ref, T0, "Gửi báo giá")
    with pytest.raises(ValidationError, match="due"):
        Activity("a-1", ActivityKind.CALL, ref, T0, "Gọi", due=T0)
    with pytest.raises(ValidationError, match="done_at"):
        Activity("a-1", ActivityKind.TASK, ref, T0, "x", due=T0, done_at=T0)
    task = Activity("a-1", ActivityKind.TASK, ref, T0, "Gửi báo giá", due=T0 + timedelta(days=2))
    log = ActivityLog([task])
    assert log.overdue(as_of=T0 + timedelta(days=3)) == (task,)
    log = log.complete("a-1", at=T0 + timedelta(days=1))
    assert log.open_tasks() == ()
    with pytest.raises(ValidationError, match="not an open task"):
        log.complete("a-1", at=T0)
    with pytest.raises(ValidationError, match="duplicate"):
        log.add(task)


def test_a_done_touchpoint_becomes_an_activity_on_the_customer() -> None:
    """Phone touchpoints become calls, in person meetings, SMS messages."""
    kinds = {}
    for channel in (Channel.PHONE, Channel.IN_PERSON, Channel.SMS, Channel.EMAIL):
        tp = Touchpoint("KH-1", T0, channel, Purpose.HOLIDAY, "holidays")
        a = activity_from_touchpoint(tp, id="a-1", at=T0, actor="u-an")
        assert a.about == RecordRef(RecordKind.CUSTOMER, "KH-1")
        kinds[channel] = a.kind
    assert kinds == {
        Channel.PHONE: ActivityKind.CALL, Channel.IN_PERSON: ActivityKind.MEETING,
        Channel.SMS: ActivityKind.MESSAGE, Channel.EMAIL: ActivityKind.EMAIL,
    }  # fmt: skip


# --- field history ----------------------------------------------------------------------


@settings(max_examples=scaled(40), suppress_health_check=SLOW_EXAMPLES)
@given(field_histories_with_versions())
def test_history_replay_equals_the_current_state_and_each_past_state(
    pair: tuple[FieldHistory, list[tuple[datetime, CustomerState]]],
) -> None:
    """state_at(history, at=t) is the snapshot recorded at t; the last is the current one,
    and the changes alone rebuild the history."""
    history, versions = pair
    assert FieldHistory(history.customer_id, history.changes) == history
    for at, state in versions:
        assert state_at(history, at=at) == state
    last = versions[-1][1] if versions else CustomerState(history.customer_id)
    assert history.current == last
    assert from_dict(to_dict(history), FieldHistory) == history


def test_a_change_whose_old_value_is_not_held_is_refused() -> None:
    """The log must be a history: each change starts from the value then held."""
    bad = TagsChanged(T0, "u-an", {"vip"}, {"b2b"})
    with pytest.raises(ValidationError, match=r"changes\[0\]\.old"):
        FieldHistory("KH-1", [bad])


def test_history_records_from_a_customer_and_a_contact_book() -> None:
    """CustomerState.of reads roles, tags and the party's address; a move is logged."""
    old = Address("Hà Nội", "Phường Cửa Nam", street="12 Lý Thường Kiệt")
    new = Address("Đà Nẵng", "Phường Hải Châu", street="5 Trần Phú")
    c = Customer("KH-1", Person("Lê Hoa", address=old), created_at=T0, tags={"vip"})
    book = ContactBook("KH-1")
    h = FieldHistory("KH-1").record(CustomerState.of(c, contacts=book), at=T0)
    moved = Customer("KH-1", Person("Lê Hoa", address=new), created_at=T0, tags={"vip"})
    h = h.record(CustomerState.of(moved), at=T0 + timedelta(days=9), actor="u-an")
    (change,) = h.of_field(HistoryField.ADDRESS)[1:]
    assert (change.old, change.new, change.actor) == (old, new, "u-an")
    assert state_at(h, at=T0 + timedelta(days=1)).address == old


# --- seed gaps --------------------------------------------------------------------------


def test_an_employee_may_buy_from_the_firm_and_stays_internal() -> None:
    """Seed 000: employees easily become the most loyal customers."""
    staff = Customer(
        "NV-1", Person("Trần Bình"), created_at=T0, scope=Scope.INTERNAL, roles={Role.BUYER}
    )
    assert staff.scope is Scope.INTERNAL
    assert staff.market is None
    staff = staff.add_purchase(Purchase("o-1", T0, Money("200000")))
    assert staff.orders == 1


def test_an_internal_unit_is_still_refused_as_a_buyer_and_as_external() -> None:
    """Only employees buy internally; a department is never an external customer."""
    dept = Organization("Phòng Kế toán", internal_unit=InternalUnit.DEPARTMENT)
    with pytest.raises(ValidationError, match="internal unit is not"):
        Customer("PB-1", dept, created_at=T0, scope=Scope.INTERNAL, roles={Role.BUYER})
    with pytest.raises(ValidationError, match=r"party\.internal_unit"):
        Customer("PB-1", dept, created_at=T0, scope=Scope.EXTERNAL, roles={Role.BUYER})
    with pytest.raises(ValidationError, match="distributor"):
        Customer(
            "NV-1",
            Person("Trần Bình"),
            created_at=T0,
            scope=Scope.INTERNAL,
            roles={Role.DISTRIBUTOR},
        )


def test_traditional_customers_buy_every_year_for_years() -> None:
    """Seed 001: traditional customers are external, long-standing buyers."""
    t = datetime(2020, 1, 10, tzinfo=UTC)
    buys = [Purchase(f"o{y}", t.replace(year=y, month=6), Money(1000)) for y in range(2020, 2026)]
    ext = Customer("KH-1", Person("Đỗ Tùng"), created_at=t).add_purchases(buys)
    staff = Customer("NV-1", Person("Đỗ Tùng"), created_at=t, scope=Scope.INTERNAL).add_purchases(
        buys
    )
    policy = TraditionalPolicy(min_years=3)
    as_of = datetime(2026, 3, 1, tzinfo=UTC)
    assert policy.is_traditional(ext, as_of=as_of)
    assert "internal" in (policy.why_not(staff, as_of=as_of) or "")
    assert "since" in (policy.why_not(ext, as_of=datetime(2021, 3, 1, tzinfo=UTC)) or "")
    with pytest.raises(ValidationError, match="min_years"):
        TraditionalPolicy(0)


def test_care_has_a_during_the_sale_stage() -> None:
    """Seed 002: care is support before, during and after the purchase."""
    assert list(BY_STAGE) == [SaleStage.BEFORE, SaleStage.DURING, SaleStage.AFTER]
    assert BY_STAGE[SaleStage.DURING] is DURING_SALE
    assert SaleStage.DURING.label() == "Trong khi bán"
    run = DURING_SALE.start("KH-1", at=T0)
    assert run.workflow.key == "during_sale"
    assert {s.mode for s in DURING_SALE.steps} == {CareMode.PROACTIVE, CareMode.REACTIVE}


def test_a_field_change_of_an_unknown_type_is_refused_by_the_converter() -> None:
    """The history's tagged union names the known tags."""
    with pytest.raises(ConversionError, match="tags_changed"):
        from_dict({"customer_id": "KH-1", "changes": [{"type": "robot"}]}, FieldHistory)
