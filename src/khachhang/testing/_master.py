"""Hypothesis strategies for :mod:`khachhang.master` (contacts, hierarchy, owners,
activities, field history, traditional customers)."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta, timezone

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from khachhang.buying.center import BuyingRole
from khachhang.care.channels import Channel
from khachhang.kinds import Role
from khachhang.master import (
    AccountLink,
    Activity,
    ActivityKind,
    ActivityLog,
    AddressChanged,
    Contact,
    ContactBook,
    ContactChanged,
    ContactRole,
    CustomerState,
    FieldHistory,
    Hierarchy,
    LinkKind,
    Owner,
    OwnerChanged,
    OwnerRole,
    Ownership,
    RecordKind,
    RecordRef,
    RolesChanged,
    TagsChanged,
    TraditionalPolicy,
)
from khachhang.testing._hook import register_module
from khachhang.testing._strategies import addresses, aware_datetimes, persons

__all__ = [
    "account_links",
    "activities",
    "activity_logs",
    "address_changes",
    "contact_books",
    "contact_changes",
    "contacts",
    "customer_states",
    "field_histories",
    "field_histories_with_versions",
    "hierarchies",
    "owner_changes",
    "owners",
    "ownerships",
    "record_refs",
    "role_changes",
    "tag_changes",
    "traditional_policies",
]

_LO = datetime(2020, 1, 1, tzinfo=timezone.utc)
_HI = datetime(2030, 1, 1, tzinfo=timezone.utc)
_TIMES = aware_datetimes(_LO, _HI)
_ORG_IDS = st.sampled_from(["KH-1", "KH-2", "KH-0042"])
_ACTORS = st.none() | st.sampled_from(["u-an", "u-binh", "u-lead"])
_TITLES = st.sampled_from(
    ["", "Giám đốc", "Kế toán trưởng", "Trưởng phòng IT", "Nhân viên mua hàng"]
)
_TAGS = st.frozensets(st.sampled_from(["vip", "b2b", "Tết", "đại lý"]), max_size=3)
_ROLES = st.frozensets(st.sampled_from(Role), max_size=3)
_GAP = st.integers(0, 400 * 86_400).map(lambda s: timedelta(seconds=s))


def owners() -> SearchStrategy[Owner]:
    """Owners: a user id, a name and a role. Example: ``@given(owners())``."""
    return st.builds(
        Owner,
        st.sampled_from(["u-an", "u-binh", "u-chi", "u-dung"]),
        st.sampled_from(["Nguyễn Văn An", "Trần Thị Bình", "Lê Chi", "Phạm Dũng"]),
        st.sampled_from(OwnerRole),
    )


@st.composite
def _contact(draw: st.DrawFn, organization_id: str, contact_id: str) -> Contact:
    joined = draw(st.none() | _TIMES)
    left = None
    if draw(st.booleans()):
        left = (joined or _LO) + timedelta(days=draw(st.integers(1, 3000)))
    return Contact(
        contact_id,
        organization_id,
        draw(persons()),
        job_title=draw(_TITLES),
        roles=draw(st.frozensets(st.sampled_from(ContactRole), max_size=2)),
        buying_roles=draw(st.frozensets(st.sampled_from(BuyingRole), max_size=2)),
        primary=left is None and draw(st.booleans()),
        joined_at=joined,
        left_at=left,
    )


def contacts(organization_id: str | None = None) -> SearchStrategy[Contact]:
    """Contacts at an organisation (of ``organization_id``, or any).

    Example: ``@given(contacts("KH-1"))``.
    """
    orgs = _ORG_IDS if organization_id is None else st.just(organization_id)
    ids = st.integers(1, 99).map(lambda n: f"ct-{n}")
    return st.tuples(orgs, ids).flatmap(lambda t: _contact(*t))


@st.composite
def _book(draw: st.DrawFn, organization_id: str, max_size: int) -> ContactBook:
    count = draw(st.integers(0, max_size))
    items = [draw(_contact(organization_id, f"ct-{i}")) for i in range(count)]
    primaries = [i for i, c in enumerate(items) if c.primary]
    for i in primaries[1:]:
        items[i] = attrs.evolve(items[i], primary=False)
    return ContactBook(organization_id, items)


def contact_books(max_size: int = 3) -> SearchStrategy[ContactBook]:
    """Contact books: distinct ids, at most one primary. Example: ``@given(contact_books())``."""
    return _ORG_IDS.flatmap(lambda org: _book(org, max_size))


def account_links() -> SearchStrategy[AccountLink]:
    """A child-parent link between two different ids. Example: ``@given(account_links())``."""
    return st.builds(
        AccountLink,
        st.sampled_from(["KH-1", "KH-2", "KH-3"]),
        st.sampled_from(["KH-10", "KH-20"]),
        st.sampled_from(LinkKind),
    )


@st.composite
def _hierarchy(draw: st.DrawFn, max_size: int) -> Hierarchy:
    # Each new account links only to one created before it, so no loop can form.
    count = draw(st.integers(0, max_size))
    links = []
    for i in range(1, count + 1):
        if draw(st.booleans()):
            parent = draw(st.integers(0, i - 1))
            kind = draw(st.sampled_from(LinkKind))
            links.append(AccountLink(f"KH-{i}", f"KH-{parent}", kind))
    order = draw(st.permutations(links)) if links else []
    return Hierarchy(order)


def hierarchies(max_size: int = 8) -> SearchStrategy[Hierarchy]:
    """Loop-free hierarchies over ``KH-0`` .. ``KH-<max_size>``, links in any order.

    Example: ``@given(hierarchies())``.
    """
    return _hierarchy(max_size)


@st.composite
def _ownership(draw: st.DrawFn, max_changes: int) -> Ownership:
    own = Ownership(draw(_ORG_IDS))
    at = draw(_TIMES)
    for _ in range(draw(st.integers(0, max_changes))):
        new = draw(st.none() | owners())
        if new == own.owner:
            continue
        own = own.assign(new, at=at, actor=draw(_ACTORS))
        at += draw(_GAP)
    return own


def ownerships(max_changes: int = 4) -> SearchStrategy[Ownership]:
    """One customer's chain of owner changes. Example: ``@given(ownerships())``."""
    return _ownership(max_changes)


@st.composite
def _owner_change(draw: st.DrawFn) -> OwnerChanged:
    old = draw(st.none() | owners())
    new = draw((st.none() | owners()).filter(lambda o: o != old))
    return OwnerChanged(
        draw(_TIMES), draw(_ACTORS), old, new, draw(st.sampled_from(["", "bàn giao"]))
    )


def owner_changes() -> SearchStrategy[OwnerChanged]:
    """Single owner changes (old and new differ). Example: ``@given(owner_changes())``."""
    return _owner_change()


def record_refs() -> SearchStrategy[RecordRef]:
    """Typed references to records. Example: ``@given(record_refs())``."""
    return st.builds(
        RecordRef, st.sampled_from(RecordKind), st.sampled_from(["KH-1", "ct-2", "bp-3", "KN-4"])
    )


@st.composite
def _activity(draw: st.DrawFn, activity_id: str) -> Activity:
    kind = draw(st.sampled_from(ActivityKind))
    at = draw(_TIMES)
    actor = draw(_ACTORS)
    channel = draw(st.none() | st.sampled_from(Channel))
    summary = draw(st.sampled_from(["Gọi hỏi thăm", "Gửi báo giá", "Họp demo", "Ghi chú"]))
    about = draw(record_refs())
    if kind is not ActivityKind.TASK:
        return Activity(activity_id, kind, about, at, summary, actor=actor, channel=channel)
    due = at + draw(_GAP)
    done = draw(st.booleans())
    done_at = at + draw(_GAP) if done and draw(st.booleans()) else None
    return Activity(activity_id, kind, about, at, summary, actor, due, done, done_at, channel)


def activities() -> SearchStrategy[Activity]:
    """Activities of every kind; tasks with a due time, some done. Example:
    ``@given(activities())``."""
    return st.integers(1, 99).map(lambda n: f"a-{n}").flatmap(_activity)


def activity_logs(max_size: int = 4) -> SearchStrategy[ActivityLog]:
    """Logs of activities with distinct ids. Example: ``@given(activity_logs())``."""
    return (
        st.integers(0, max_size)
        .flatmap(lambda n: st.tuples(*(_activity(f"a-{i}") for i in range(n))))
        .map(ActivityLog)
    )


def role_changes() -> SearchStrategy[RolesChanged]:
    """Role changes (old and new differ). Example: ``@given(role_changes())``."""
    return (
        st.tuples(_TIMES, _ACTORS, _ROLES, _ROLES)
        .filter(lambda t: t[2] != t[3])
        .map(lambda t: RolesChanged(*t))
    )


def tag_changes() -> SearchStrategy[TagsChanged]:
    """Tag changes (old and new differ). Example: ``@given(tag_changes())``."""
    return (
        st.tuples(_TIMES, _ACTORS, _TAGS, _TAGS)
        .filter(lambda t: t[2] != t[3])
        .map(lambda t: TagsChanged(*t))
    )


def address_changes() -> SearchStrategy[AddressChanged]:
    """Address changes (old and new differ). Example: ``@given(address_changes())``."""
    maybe = st.none() | addresses()
    return (
        st.tuples(_TIMES, _ACTORS, maybe, maybe)
        .filter(lambda t: t[2] != t[3])
        .map(lambda t: AddressChanged(*t))
    )


def contact_changes() -> SearchStrategy[ContactChanged]:
    """A contact added, edited or removed. Example: ``@given(contact_changes())``."""
    maybe = st.none() | _contact("KH-1", "ct-1")
    return (
        st.tuples(_TIMES, _ACTORS, maybe, maybe)
        .filter(lambda t: t[2] != t[3])
        .map(lambda t: ContactChanged(t[0], t[1], "ct-1", t[2], t[3]))
    )


@functools.cache
def _states(customer_id: str) -> SearchStrategy[CustomerState]:
    people = st.lists(st.integers(1, 4), max_size=3, unique=True).flatmap(
        lambda ids: st.tuples(*(_contact(customer_id, f"ct-{i}") for i in ids))
    )
    return st.builds(
        CustomerState,
        st.just(customer_id),
        _ROLES,
        _TAGS,
        st.none() | addresses(),
        st.none() | owners(),
        people,
    )


def customer_states(customer_id: str = "KH-1") -> SearchStrategy[CustomerState]:
    """Snapshots of a customer's tracked fields. Example: ``@given(customer_states())``."""
    return _states(customer_id)


@st.composite
def _history(
    draw: st.DrawFn, max_versions: int
) -> tuple[FieldHistory, list[tuple[datetime, CustomerState]]]:
    history = FieldHistory("KH-1")
    at = draw(_TIMES)
    versions = []
    for _ in range(draw(st.integers(0, max_versions))):
        state = draw(_states("KH-1"))
        history = history.record(state, at=at, actor=draw(_ACTORS))
        versions.append((at, state))
        at += draw(_GAP) + timedelta(seconds=1)
    return history, versions


def field_histories(max_versions: int = 4) -> SearchStrategy[FieldHistory]:
    """Field histories recorded from successive random snapshots.

    Example: ``@given(field_histories())``.
    """
    return _history(max_versions).map(lambda pair: pair[0])


def field_histories_with_versions(
    max_versions: int = 4,
) -> SearchStrategy[tuple[FieldHistory, list[tuple[datetime, CustomerState]]]]:
    """A history and the (time, snapshot) pairs it was recorded from, for replay laws.

    Example: ``@given(field_histories_with_versions())``.
    """
    return _history(max_versions)


def traditional_policies() -> SearchStrategy[TraditionalPolicy]:
    """Traditional-customer policies. Example: ``@given(traditional_policies())``."""
    return st.builds(TraditionalPolicy, st.integers(1, 10))


def register_types() -> None:
    """Teach ``st.from_type`` every model of :mod:`khachhang.master`."""
    register_module(__name__)
