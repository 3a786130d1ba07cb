"""The buying centre: who takes part in a business purchase, and in which roles.

A business purchase involves "một cá nhân hoặc là một nhóm người" (one person or a group)
depending on how important the goods are; the literature (Webster & Wind's buying centre,
as reproduced by Kotler) names their roles.

>>> center = BuyingCenter((
...     Participant("Nguyễn Văn An", "Phòng kỹ thuật", {BuyingRole.USER, BuyingRole.INITIATOR}),
...     Participant("Lê Thị Hoa", "Phòng mua hàng", {BuyingRole.BUYER}),
... ))
>>> [p.person for p in center.holding(BuyingRole.BUYER)]
['Lê Thị Hoa']
>>> sorted(r.value for r in center.missing_roles())
['decider', 'gatekeeper', 'influencer']
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from khachhang._checks import as_collection, check_items, check_optional_key, clean_text
from khachhang.errors import ValidationError
from khachhang.fsm import Payload
from khachhang.labels import BilingualEnum

__all__ = ["BuyingCenter", "BuyingRole", "Participant"]


class BuyingRole(BilingualEnum):
    """The classic roles in a buying centre (Webster & Wind; Kotler)."""

    INITIATOR = ("initiator", "Người khởi xướng", "Initiator")
    USER = ("user", "Người sử dụng", "User")
    INFLUENCER = ("influencer", "Người ảnh hưởng", "Influencer")
    DECIDER = ("decider", "Người quyết định", "Decider")
    BUYER = ("buyer", "Người mua (bộ phận mua hàng)", "Buyer")
    GATEKEEPER = ("gatekeeper", "Người gác cổng (kiểm soát thông tin)", "Gatekeeper")


def _roles(values: Iterable[BuyingRole]) -> frozenset[BuyingRole]:
    return frozenset(check_items("roles", as_collection("roles", values), BuyingRole))


@attrs.frozen
class Participant(Payload):
    """One person in the buying centre: who, in which unit of the buyer, which roles.

    Recorded on a process (``process.record(Participant(...), at=...)``) it joins the
    centre, or replaces the entry of the same person. ``contact_id``, when given, names
    the :class:`~khachhang.master.Contact` at the buyer this person is (see
    :meth:`khachhang.master.Contact.as_participant`); without it the name alone stands.
    """

    person: str
    unit: str = ""
    roles: frozenset[BuyingRole] = attrs.field(default=frozenset(), converter=_roles)
    contact_id: str | None = None

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "person", clean_text("person", self.person))
        object.__setattr__(self, "unit", clean_text("unit", self.unit, allow_empty=True))
        if not self.roles:
            raise ValidationError("roles", "a participant holds at least one role")
        object.__setattr__(self, "contact_id", check_optional_key("contact_id", self.contact_id))


def _participants(values: Iterable[Participant]) -> tuple[Participant, ...]:
    items = check_items("participants", as_collection("participants", values), Participant)
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.person in seen:
            raise ValidationError(f"participants[{i}].person", f"{item.person!r} twice")
        seen.add(item.person)
    return items


@attrs.frozen
class BuyingCenter:
    """Everyone taking part in one purchase (each person once)."""

    participants: tuple[Participant, ...] = attrs.field(default=(), converter=_participants)

    def holding(self, role: BuyingRole) -> tuple[Participant, ...]:
        """The participants who hold ``role``."""
        return tuple(p for p in self.participants if role in p.roles)

    def missing_roles(self) -> frozenset[BuyingRole]:
        """Roles nobody holds yet (a seller's map of whom it has not met)."""
        held = frozenset().union(*(p.roles for p in self.participants))
        return frozenset(BuyingRole) - held

    def with_participant(self, participant: Participant) -> BuyingCenter:
        """A centre with ``participant`` added, or replacing the same person's entry."""
        kept = tuple(p for p in self.participants if p.person != participant.person)
        return BuyingCenter((*kept, participant))
