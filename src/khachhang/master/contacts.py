"""Contacts at an organisation: the people who work for a business or agency customer.

A :class:`Contact` is one person at an organisation customer: the job they hold, the roles
they play toward us (their part in a purchase, reusing
:class:`~khachhang.buying.BuyingRole`, and the day-to-day roles a buying centre does not
name: billing, technical, ...), whether they are the primary contact, and when they joined
and left. A :class:`ContactBook` holds one organisation's contacts, each id once and at
most one primary among them.

>>> from datetime import datetime, timezone
>>> from khachhang.buying import BuyingRole
>>> from khachhang.parties import ContactPoint, Person
>>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
>>> mail = ContactPoint.email("hoa@anhduong.vn")
>>> hoa = Contact("ct-1", "KH-9", Person("Lê Thị Hoa", contacts=[mail]),
...               job_title="Kế toán trưởng", roles={ContactRole.BILLING},
...               buying_roles={BuyingRole.BUYER}, primary=True, joined_at=t)
>>> book = ContactBook("KH-9", [hoa])
>>> book.primary.person.full_name, [c.id for c in book.holding(ContactRole.BILLING)]
('Lê Thị Hoa', ['ct-1'])
>>> book = book.leave("ct-1", at=t.replace(month=9))
>>> book.primary is None, [c.id for c in book.active(at=t.replace(month=5))]
(True, ['ct-1'])
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_type,
    clean_text,
    instant,
    require_aware,
    require_instant,
)
from khachhang.buying.center import BuyingRole, Participant
from khachhang.errors import ValidationError
from khachhang.labels import BilingualEnum
from khachhang.parties import Person

__all__ = ["Contact", "ContactBook", "ContactRole"]


class ContactRole(BilingualEnum):
    """What a contact does for us beyond a purchase (the roles a buying centre does not name).

    The purchase roles (initiator, user, influencer, decider, buyer, gatekeeper) are
    :class:`~khachhang.buying.BuyingRole`; a contact holds those in ``buying_roles``.
    """

    BILLING = ("billing", "Liên hệ thanh toán, hóa đơn", "Billing contact")
    TECHNICAL = ("technical", "Liên hệ kỹ thuật", "Technical contact")
    LEGAL = ("legal", "Liên hệ pháp lý, hợp đồng", "Legal / contracts contact")
    SHIPPING = ("shipping", "Liên hệ nhận hàng", "Shipping / receiving contact")
    SUPPORT = ("support", "Liên hệ hỗ trợ, chăm sóc", "Support contact")
    EXECUTIVE = ("executive", "Lãnh đạo, người đại diện", "Executive sponsor")


def _roles(values: Iterable[ContactRole]) -> frozenset[ContactRole]:
    return frozenset(check_items("roles", as_collection("roles", values), ContactRole))


def _buying_roles(values: Iterable[BuyingRole]) -> frozenset[BuyingRole]:
    items = as_collection("buying_roles", values)
    return frozenset(check_items("buying_roles", items, BuyingRole))


@attrs.frozen
class Contact:
    """One person at an organisation customer.

    Args:
        id: the contact's identifier (unique in its book).
        organization_id: the id of the organisation :class:`~khachhang.Customer` the
            person works for.
        person: who (name, contact points reusing
            :class:`~khachhang.parties.ContactPoint`, address).
        job_title: the position held (*chức vụ*), free text.
        department: the unit they work in, free text.
        roles: what they do for us (billing, technical, ...).
        buying_roles: their part in a purchase (decider, user, ...).
        primary: the organisation's main contact (at most one per book).
        joined_at: when they started to be our contact, if known.
        left_at: when they left (the organisation or the role); after ``joined_at``.

    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> Contact("ct-2", "KH-1", Person("Phạm Minh"), joined_at=t, left_at=t)
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: left_at: must come after joined_at (2026-01-01 00:00:00+00:00)
    """

    id: str
    organization_id: str
    person: Person
    job_title: str = ""
    department: str = ""
    roles: frozenset[ContactRole] = attrs.field(default=frozenset(), converter=_roles)
    buying_roles: frozenset[BuyingRole] = attrs.field(default=frozenset(), converter=_buying_roles)
    primary: bool = False
    joined_at: datetime | None = None
    left_at: datetime | None = None

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "id", check_key("id", self.id))
        object.__setattr__(
            self, "organization_id", check_key("organization_id", self.organization_id)
        )
        check_type("person", self.person, Person)
        object.__setattr__(
            self, "job_title", clean_text("job_title", self.job_title, allow_empty=True)
        )
        object.__setattr__(
            self, "department", clean_text("department", self.department, allow_empty=True)
        )
        check_type("primary", self.primary, bool)
        if self.joined_at is not None:
            require_instant(self.joined_at, "joined_at")
        if self.left_at is not None:
            require_instant(self.left_at, "left_at")
            if self.joined_at is not None and instant(self.left_at) <= instant(self.joined_at):
                msg = f"must come after joined_at ({self.joined_at})"
                raise ValidationError("left_at", msg)
            if self.primary:
                msg = "a contact who has left is no longer the primary contact"
                raise ValidationError("primary", msg)

    @property
    def name(self) -> str:
        """The person's full name."""
        return self.person.full_name

    @property
    def has_left(self) -> bool:
        """True once a leaving time is recorded."""
        return self.left_at is not None

    def is_active(self, *, at: datetime) -> bool:
        """Whether the person was our contact at ``at`` (joined by then, not yet left)."""
        when = instant(require_aware(at, "at"))
        if self.joined_at is not None and instant(self.joined_at) > when:
            return False
        return self.left_at is None or when < instant(self.left_at)

    def as_participant(self, unit: str | None = None) -> Participant:
        """This contact as a buying-centre participant that references it by id.

        >>> from khachhang.buying import BuyingRole
        >>> c = Contact("ct-3", "KH-1", Person("Võ An"), department="Mua hàng",
        ...             buying_roles={BuyingRole.BUYER})
        >>> p = c.as_participant()
        >>> p.person, p.unit, p.contact_id
        ('Võ An', 'Mua hàng', 'ct-3')
        """
        if not self.buying_roles:
            msg = f"contact {self.id!r} holds no buying role; a participant holds at least one"
            raise ValidationError("buying_roles", msg)
        return Participant(
            self.name,
            self.department if unit is None else unit,
            self.buying_roles,
            contact_id=self.id,
        )


def _contacts(values: Iterable[Contact]) -> tuple[Contact, ...]:
    return check_items("contacts", as_collection("contacts", values), Contact)


@attrs.frozen
class ContactBook:
    """The contacts of one organisation: each id once, every contact of that organisation,
    at most one primary.

    Operations return a new book; a refused one raises and leaves the book as it was.
    """

    organization_id: str
    contacts: tuple[Contact, ...] = attrs.field(default=(), converter=_contacts)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self, "organization_id", check_key("organization_id", self.organization_id)
        )
        seen: set[str] = set()
        primary: str | None = None
        for i, contact in enumerate(self.contacts):
            if contact.organization_id != self.organization_id:
                msg = (
                    f"contact of {contact.organization_id!r} in the book of "
                    f"{self.organization_id!r}"
                )
                raise ValidationError(f"contacts[{i}].organization_id", msg)
            if contact.id in seen:
                raise ValidationError(f"contacts[{i}].id", f"duplicate id {contact.id!r}")
            seen.add(contact.id)
            if contact.primary:
                if primary is not None:
                    msg = f"{primary!r} is already the primary contact; at most one is"
                    raise ValidationError(f"contacts[{i}].primary", msg)
                primary = contact.id

    @property
    def primary(self) -> Contact | None:
        """The primary contact, if one is named."""
        return next((c for c in self.contacts if c.primary), None)

    def get(self, contact_id: str) -> Contact:
        """The contact with ``contact_id``; a :class:`ValidationError` if there is none."""
        for contact in self.contacts:
            if contact.id == contact_id:
                return contact
        known = ", ".join(repr(c.id) for c in self.contacts) or "none"
        msg = f"no contact {contact_id!r} at {self.organization_id!r}; known: {known}"
        raise ValidationError("contact_id", msg)

    def active(self, *, at: datetime) -> tuple[Contact, ...]:
        """The contacts who were active at ``at``."""
        return tuple(c for c in self.contacts if c.is_active(at=at))

    def holding(self, role: ContactRole | BuyingRole) -> tuple[Contact, ...]:
        """The contacts who hold ``role`` (a contact role or a buying role), left or not."""
        if isinstance(role, ContactRole):
            return tuple(c for c in self.contacts if role in c.roles)
        check_type("role", role, BuyingRole)
        return tuple(c for c in self.contacts if role in c.buying_roles)

    def with_contact(self, contact: Contact) -> ContactBook:
        """A book with ``contact`` added, or replacing the contact with its id.

        A new primary contact takes the place of the old one (which stays, not primary).
        """
        check_type("contact", contact, Contact)
        kept = []
        for c in self.contacts:
            if c.id == contact.id:
                continue
            kept.append(attrs.evolve(c, primary=False) if contact.primary and c.primary else c)
        return ContactBook(self.organization_id, (*kept, contact))

    def make_primary(self, contact_id: str) -> ContactBook:
        """A book in which ``contact_id`` is the primary contact."""
        return self.with_contact(attrs.evolve(self.get(contact_id), primary=True))

    def leave(self, contact_id: str, *, at: datetime) -> ContactBook:
        """A book in which ``contact_id`` left at ``at`` (and is no longer primary)."""
        contact = self.get(contact_id)
        if contact.left_at is not None:
            msg = f"{contact_id!r} already left at {contact.left_at}"
            raise ValidationError("left_at", msg)
        left = attrs.evolve(contact, left_at=require_instant(at, "at"), primary=False)
        return ContactBook(
            self.organization_id,
            tuple(left if c.id == contact_id else c for c in self.contacts),
        )
