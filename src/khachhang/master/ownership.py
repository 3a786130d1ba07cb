"""Owners: who at the firm is responsible for a customer, and how that changed.

An :class:`Owner` is a salesperson, a care officer or a relationship manager (the
*chuyên viên quan hệ khách hàng doanh nghiệp*, who looks after and grows the
relationship with business customers). Every hand-over is an :class:`OwnerChanged`
event with its time and actor; :class:`Ownership` is one customer's log of them, so the
owner at any past instant is a fold of the log.

>>> from datetime import datetime, timezone
>>> t = datetime(2026, 2, 1, 8, tzinfo=timezone.utc)
>>> an = Owner("u-an", "Nguyễn Văn An", OwnerRole.SALESPERSON)
>>> binh = Owner("u-binh", "Trần Thị Bình", OwnerRole.RELATIONSHIP_MANAGER)
>>> own = Ownership("KH-1").assign(an, at=t, actor="u-lead")
>>> own = own.assign(binh, at=t.replace(month=6), actor="u-lead", note="khách hàng lớn")
>>> own.owner.name, own.owner_at(at=t.replace(month=3)).name
('Trần Thị Bình', 'Nguyễn Văn An')
>>> Ownership.replay("KH-1", own.changes) == own
True
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

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
from khachhang.errors import ValidationError
from khachhang.labels import BilingualEnum
from khachhang.master._fields import HistoryField

__all__ = ["Owner", "OwnerChanged", "OwnerRole", "Ownership"]


class OwnerRole(BilingualEnum):
    """The job of the person responsible for a customer."""

    SALESPERSON = ("salesperson", "Nhân viên kinh doanh", "Salesperson")
    CARE_OFFICER = ("care_officer", "Nhân viên chăm sóc khách hàng", "Customer care officer")
    RELATIONSHIP_MANAGER = (
        "relationship_manager",
        "Chuyên viên quan hệ khách hàng",
        "Relationship manager",
    )
    ACCOUNT_MANAGER = ("account_manager", "Quản lý tài khoản khách hàng", "Account manager")


@attrs.frozen
class Owner:
    """A user of the application who is responsible for customers.

    >>> Owner("u-1", "Lê Hoa", OwnerRole.CARE_OFFICER).role.label("en")
    'Customer care officer'
    """

    user_id: str
    name: str
    role: OwnerRole = OwnerRole.SALESPERSON

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "user_id", check_key("user_id", self.user_id))
        object.__setattr__(self, "name", clean_text("name", self.name))
        check_type("role", self.role, OwnerRole)


@attrs.frozen
class OwnerChanged:
    """One hand-over: the customer's owner went from ``old`` to ``new`` at ``at``.

    ``None`` on either side means nobody (a first assignment, or a release).
    """

    at: datetime
    actor: str | None
    old: Owner | None
    new: Owner | None
    note: str = ""

    def __attrs_post_init__(self) -> None:
        require_instant(self.at, "at")
        object.__setattr__(self, "actor", check_optional_key("actor", self.actor))
        check_optional("old", self.old, Owner)
        check_optional("new", self.new, Owner)
        if self.old == self.new:
            raise ValidationError("new", "the same owner as before; nothing changed")
        object.__setattr__(self, "note", clean_text("note", self.note, allow_empty=True))

    field = HistoryField.OWNER


def _changes(values: Iterable[OwnerChanged]) -> tuple[OwnerChanged, ...]:
    return check_items("changes", as_collection("changes", values), OwnerChanged)


def check_chain(path: str, changes: tuple[OwnerChanged, ...], start: Owner | None) -> None:
    """Changes in time order, each starting from the owner the previous one left."""
    owner = start
    last: datetime | None = None
    for i, change in enumerate(changes):
        if change.old != owner:
            was = owner.user_id if owner is not None else "nobody"
            old = change.old.user_id if change.old is not None else "nobody"
            msg = f"starts from {old}, the owner was {was}"
            raise ValidationError(f"{path}[{i}].old", msg)
        when = instant(change.at)
        if last is not None and when < last:
            raise ValidationError(f"{path}[{i}].at", "before the previous change")
        last, owner = when, change.new


@attrs.frozen
class Ownership:
    """One customer's owners over time: a log of :class:`OwnerChanged` events."""

    customer_id: str
    changes: tuple[OwnerChanged, ...] = attrs.field(default=(), converter=_changes)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "customer_id", check_key("customer_id", self.customer_id))
        check_chain("changes", self.changes, None)

    @classmethod
    def replay(cls, customer_id: str, changes: Iterable[OwnerChanged]) -> Ownership:
        """The ownership the changes build, one at a time (refusing a broken chain)."""
        own = cls(customer_id)
        for change in _changes(changes):
            own = own.apply(change)
        return own

    @property
    def owner(self) -> Owner | None:
        """The current owner, or ``None``."""
        return self.changes[-1].new if self.changes else None

    def owner_at(self, *, at: datetime) -> Owner | None:
        """The owner at ``at`` (a change at exactly ``at`` has happened)."""
        when = instant(require_aware(at, "at"))
        owner = None
        for change in self.changes:
            if instant(change.at) > when:
                break
            owner = change.new
        return owner

    def apply(self, change: OwnerChanged) -> Ownership:
        """The ownership with ``change`` appended (checked against the current owner)."""
        check_type("change", change, OwnerChanged)
        return Ownership(self.customer_id, (*self.changes, change))

    def assign(
        self, owner: Owner | None, *, at: datetime, actor: str | None = None, note: str = ""
    ) -> Ownership:
        """Hand the customer to ``owner`` (``None`` releases it) at ``at``."""
        return self.apply(OwnerChanged(at, actor, self.owner, owner, note))
