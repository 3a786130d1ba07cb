"""Field history: who changed a customer's roles, tags, address, owner and contacts, when.

Every change is an event with its time, its actor and the old and new value
(:class:`RolesChanged`, :class:`TagsChanged`, :class:`AddressChanged`,
:class:`~khachhang.master.OwnerChanged`, :class:`ContactChanged`). A
:class:`FieldHistory` is one customer's log of them, starting from nothing, and its state
at any past instant is a fold of the log (:func:`state_at`), as
:meth:`Customer.lifecycle_at <khachhang.Customer.lifecycle_at>` reads the lifecycle log.
:meth:`FieldHistory.record` takes a new snapshot (:class:`CustomerState`) and logs the
differences, so an application that saves a customer just records its new state.

Consent history is not kept here: the per-purpose consent ledger of
:mod:`khachhang.privacy` is that history.

>>> from datetime import datetime, timezone
>>> from khachhang import Role
>>> t = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
>>> h = FieldHistory("KH-1").record(CustomerState("KH-1", tags={"vip"}), at=t, actor="u-an")
>>> h = h.record(CustomerState("KH-1", roles={Role.BUYER}, tags={"vip", "b2b"}),
...              at=t.replace(month=3), actor="u-binh")
>>> [(c.field.value, c.actor) for c in h.changes]
[('tags', 'u-an'), ('roles', 'u-binh'), ('tags', 'u-binh')]
>>> sorted(state_at(h, at=t.replace(month=2)).tags), sorted(h.current.tags)
(['vip'], ['b2b', 'vip'])
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Union

import attrs

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_optional,
    check_optional_key,
    check_type,
    clean_text,
    instant,
    require_aware,
    require_instant,
)
from khachhang.customers import Customer
from khachhang.errors import ValidationError
from khachhang.kinds import Role
from khachhang.master._fields import HistoryField
from khachhang.master.contacts import Contact, ContactBook
from khachhang.master.ownership import Owner, OwnerChanged
from khachhang.parties import Address

__all__ = [
    "AddressChanged",
    "ContactChanged",
    "CustomerState",
    "FieldChange",
    "FieldHistory",
    "HistoryField",
    "RolesChanged",
    "TagsChanged",
    "state_at",
]


def _role_set(path: str, values: Iterable[Role]) -> frozenset[Role]:
    return frozenset(check_items(path, as_collection(path, values), Role))


def _tag_set(path: str, values: Iterable[str]) -> frozenset[str]:
    items = as_collection(path, values)
    return frozenset(clean_text(f"{path}[{i}]", v, max_len=64) for i, v in enumerate(items))


def _old_roles(values: Iterable[Role]) -> frozenset[Role]:
    return _role_set("old", values)


def _new_roles(values: Iterable[Role]) -> frozenset[Role]:
    return _role_set("new", values)


def _roles(values: Iterable[Role]) -> frozenset[Role]:
    return _role_set("roles", values)


def _old_tags(values: Iterable[str]) -> frozenset[str]:
    return _tag_set("old", values)


def _new_tags(values: Iterable[str]) -> frozenset[str]:
    return _tag_set("new", values)


def _tags(values: Iterable[str]) -> frozenset[str]:
    return _tag_set("tags", values)


def _stamp(change: object) -> None:
    require_instant(getattr(change, "at"), "at")  # noqa: B009  (shared by the classes)
    object.__setattr__(change, "actor", check_optional_key("actor", getattr(change, "actor")))  # noqa: B009


@attrs.frozen
class RolesChanged:
    """The customer's roles went from ``old`` to ``new``."""

    at: datetime
    actor: str | None
    old: frozenset[Role] = attrs.field(converter=_old_roles)
    new: frozenset[Role] = attrs.field(converter=_new_roles)

    def __attrs_post_init__(self) -> None:
        _stamp(self)
        if self.old == self.new:
            raise ValidationError("new", "the same roles as before; nothing changed")

    field = HistoryField.ROLES


@attrs.frozen
class TagsChanged:
    """The customer's tags went from ``old`` to ``new``."""

    at: datetime
    actor: str | None
    old: frozenset[str] = attrs.field(converter=_old_tags)
    new: frozenset[str] = attrs.field(converter=_new_tags)

    def __attrs_post_init__(self) -> None:
        _stamp(self)
        if self.old == self.new:
            raise ValidationError("new", "the same tags as before; nothing changed")

    field = HistoryField.TAGS


@attrs.frozen
class AddressChanged:
    """The customer's address went from ``old`` to ``new`` (``None``: none known)."""

    at: datetime
    actor: str | None
    old: Address | None
    new: Address | None

    def __attrs_post_init__(self) -> None:
        _stamp(self)
        check_optional("old", self.old, Address)
        check_optional("new", self.new, Address)
        if self.old == self.new:
            raise ValidationError("new", "the same address as before; nothing changed")

    field = HistoryField.ADDRESS


@attrs.frozen
class ContactChanged:
    """Contact ``contact_id`` was added (``old`` is ``None``), edited or removed."""

    at: datetime
    actor: str | None
    contact_id: str
    old: Contact | None
    new: Contact | None

    def __attrs_post_init__(self) -> None:
        _stamp(self)
        object.__setattr__(self, "contact_id", check_key("contact_id", self.contact_id))
        for name in ("old", "new"):
            value = check_optional(name, getattr(self, name), Contact)
            if value is not None and value.id != self.contact_id:
                raise ValidationError(f"{name}.id", f"{value.id!r}, not {self.contact_id!r}")
        if self.old == self.new:
            raise ValidationError("new", "the same contact as before; nothing changed")

    field = HistoryField.CONTACT


FieldChange = Union[RolesChanged, TagsChanged, AddressChanged, OwnerChanged, ContactChanged]  # noqa: UP007
"""One recorded change of a customer's field (a tagged union in JSON)."""

_CHANGES = (RolesChanged, TagsChanged, AddressChanged, OwnerChanged, ContactChanged)


def _contacts(values: Iterable[Contact]) -> tuple[Contact, ...]:
    items = check_items("contacts", as_collection("contacts", values), Contact)
    ids = [c.id for c in items]
    if len(set(ids)) != len(ids):
        raise ValidationError("contacts", "a contact id appears twice")
    return tuple(sorted(items, key=lambda c: c.id))


@attrs.frozen
class CustomerState:
    """The tracked fields of one customer at one instant (contacts sorted by id)."""

    customer_id: str
    roles: frozenset[Role] = attrs.field(default=frozenset(), converter=_roles)
    tags: frozenset[str] = attrs.field(default=frozenset(), converter=_tags)
    address: Address | None = None
    owner: Owner | None = None
    contacts: tuple[Contact, ...] = attrs.field(default=(), converter=_contacts)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "customer_id", check_key("customer_id", self.customer_id))
        check_optional("address", self.address, Address)
        check_optional("owner", self.owner, Owner)

    @classmethod
    def of(
        cls,
        customer: Customer,
        *,
        owner: Owner | None = None,
        contacts: ContactBook | Iterable[Contact] = (),
    ) -> CustomerState:
        """The tracked fields of ``customer`` (its party's address), with its owner and
        contacts."""
        check_type("customer", customer, Customer)
        items = contacts.contacts if isinstance(contacts, ContactBook) else contacts
        return cls(customer.id, customer.roles, customer.tags, customer.party.address, owner, items)

    def contact(self, contact_id: str) -> Contact | None:
        """The contact with ``contact_id`` in this state, if any."""
        return next((c for c in self.contacts if c.id == contact_id), None)

    def diff(
        self, new: CustomerState, *, at: datetime, actor: str | None = None
    ) -> tuple[FieldChange, ...]:
        """The changes that turn this state into ``new`` (contacts by id, sorted)."""
        check_type("new", new, CustomerState)
        if new.customer_id != self.customer_id:
            msg = f"a state of {new.customer_id!r}, not {self.customer_id!r}"
            raise ValidationError("new.customer_id", msg)
        out: list[FieldChange] = []
        if new.roles != self.roles:
            out.append(RolesChanged(at, actor, self.roles, new.roles))
        if new.tags != self.tags:
            out.append(TagsChanged(at, actor, self.tags, new.tags))
        if new.address != self.address:
            out.append(AddressChanged(at, actor, self.address, new.address))
        if new.owner != self.owner:
            out.append(OwnerChanged(at, actor, self.owner, new.owner))
        ids = sorted({c.id for c in self.contacts} | {c.id for c in new.contacts})
        for contact_id in ids:
            old_c, new_c = self.contact(contact_id), new.contact(contact_id)
            if old_c != new_c:
                out.append(ContactChanged(at, actor, contact_id, old_c, new_c))
        return tuple(out)

    def apply(self, change: FieldChange, *, path: str = "change") -> CustomerState:
        """This state with ``change`` applied; refused when its ``old`` is not the value
        this state holds (the log would not be a history)."""
        check_type(path, change, _CHANGES)
        if isinstance(change, ContactChanged):
            held: object = self.contact(change.contact_id)
        else:
            held = getattr(self, change.field.value)
        if change.old != held:
            msg = f"old {change.field.value} is not the value held at {change.at}"
            raise ValidationError(f"{path}.old", msg)
        if isinstance(change, ContactChanged):
            kept = tuple(c for c in self.contacts if c.id != change.contact_id)
            new = kept if change.new is None else (*kept, change.new)
            return attrs.evolve(self, contacts=new)
        if isinstance(change, RolesChanged):
            return attrs.evolve(self, roles=change.new)
        if isinstance(change, TagsChanged):
            return attrs.evolve(self, tags=change.new)
        if isinstance(change, AddressChanged):
            return attrs.evolve(self, address=change.new)
        return attrs.evolve(self, owner=change.new)


def _changes(values: Iterable[FieldChange]) -> tuple[FieldChange, ...]:
    items = as_collection("changes", values)
    for i, item in enumerate(items):
        check_type(f"changes[{i}]", item, _CHANGES)
    return items  # type: ignore[return-value]  # each item checked above


@attrs.frozen
class FieldHistory:
    """One customer's field changes, in time order, from an empty state."""

    customer_id: str
    changes: tuple[FieldChange, ...] = attrs.field(default=(), converter=_changes)
    _current: CustomerState = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "customer_id", check_key("customer_id", self.customer_id))
        state = CustomerState(self.customer_id)
        last: datetime | None = None
        for i, change in enumerate(self.changes):
            when = instant(change.at)
            if last is not None and when < last:
                raise ValidationError(f"changes[{i}].at", "before the previous change")
            state = state.apply(change, path=f"changes[{i}]")
            last = when
        object.__setattr__(self, "_current", state)

    @property
    def current(self) -> CustomerState:
        """The state after every change."""
        return self._current

    def record(
        self, state: CustomerState, *, at: datetime, actor: str | None = None
    ) -> FieldHistory:
        """The history with the changes from the current state to ``state`` appended."""
        check_type("state", state, CustomerState)
        changes = self.current.diff(state, at=at, actor=actor)
        return FieldHistory(self.customer_id, (*self.changes, *changes))

    def of_field(self, field: HistoryField) -> tuple[FieldChange, ...]:
        """The changes of one field, in order."""
        check_type("field", field, HistoryField)
        return tuple(c for c in self.changes if c.field is field)


def state_at(history: FieldHistory, *, at: datetime) -> CustomerState:
    """The customer's tracked fields at ``at``: the log replayed up to and including it.

    Before the first change this is the empty state (no roles, tags, address, owner or
    contacts).
    """
    check_type("history", history, FieldHistory)
    when = instant(require_aware(at, "at"))
    state = CustomerState(history.customer_id)
    for change in history.changes:
        if instant(change.at) > when:
            break
        state = state.apply(change)
    return state
