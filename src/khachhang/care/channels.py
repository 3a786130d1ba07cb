"""Care channels and care modes (seed 002: the five common forms of care, and care vs support).

A :class:`Channel` is how the firm talks to a customer. The seed lists live chat on the
website, e-mail, social networks, the telephone and online forums (002 §Các hình thức chăm
sóc khách hàng phổ biến); SMS and meeting in person complete the list (000 §IV).

Each channel that reaches *one* customer maps to the foundation's
:class:`~khachhang.parties.ContactChannel`, on which consent is recorded per contact point
(Decree 13/2023/ND-CP: consent is opt-in, never presumed). :func:`reach` decides whether a
customer can be contacted on a channel and, if not, why:

>>> from khachhang.parties import ContactChannel, ContactPoint, Person
>>> an = Person("Nguyễn Văn An", contacts=[ContactPoint.email("an@example.vn")])
>>> Channel.EMAIL.contact_channel is ContactChannel.EMAIL
True
>>> reach(an.contacts, Channel.EMAIL)
Reach.NO_CONSENT
>>> reach(an.contacts, Channel.SMS)
Reach.NO_CONTACT_POINT
>>> opted_in = ContactPoint.email("an@example.vn", consents=[ContactChannel.EMAIL])
>>> reach([opted_in], Channel.EMAIL)
Reach.REACHABLE
>>> reach([opted_in], Channel.FORUM)
Reach.NOT_ADDRESSABLE
"""

from __future__ import annotations

from collections.abc import Iterable

from khachhang._checks import as_collection, check_items, check_type
from khachhang.labels import BilingualEnum
from khachhang.parties import SUPPORTED_CHANNELS, ContactChannel, ContactKind, ContactPoint

__all__ = ["CareMode", "Channel", "Reach", "contact_for", "reach"]


class CareMode(BilingualEnum):
    """Proactive care or reactive support (seed 002 §So sánh chăm sóc và hỗ trợ khách hàng).

    Care (chăm sóc khách hàng) keeps the relationship going after the sale and takes the
    initiative: "sự chủ động sẽ luôn chiếm ưu thế". Support (hỗ trợ khách hàng) fixes
    problems and explains the product "after receiving the customer's request".

    >>> CareMode.PROACTIVE.label(), CareMode.REACTIVE.label("en")
    ('Chăm sóc khách hàng (chủ động)', 'Reactive support')
    """

    PROACTIVE = ("proactive", "Chăm sóc khách hàng (chủ động)", "Proactive care")
    REACTIVE = ("reactive", "Hỗ trợ khách hàng (bị động)", "Reactive support")


class Channel(BilingualEnum):
    """A care channel (seed 002: livechat, email, mạng xã hội, điện thoại, diễn đàn trực tuyến).

    >>> Channel.parse("điện thoại") is Channel.PHONE
    True
    >>> Channel.LIVE_CHAT.label("en"), Channel.PHONE.contact_channel
    ('Live chat', ContactChannel.CALL)
    >>> Channel.IN_PERSON.contact_channel is None
    True
    """

    LIVE_CHAT = ("live_chat", "Trò chuyện trực tuyến", "Live chat")
    EMAIL = ("email", "Email", "E-mail")
    SOCIAL = ("social", "Mạng xã hội", "Social network")
    PHONE = ("phone", "Điện thoại", "Phone")
    FORUM = ("forum", "Diễn đàn trực tuyến", "Online forum")
    SMS = ("sms", "Tin nhắn SMS", "SMS")
    IN_PERSON = ("in_person", "Gặp trực tiếp", "In person")

    @property
    def contact_channel(self) -> ContactChannel | None:
        """The foundation channel whose consent covers this one; ``None`` if there is none.

        An online forum is public (the firm answers where customers gather, seed 002 §5)
        and a meeting in person is arranged through another channel, so neither reaches a
        customer through a contact point and neither can be planned on its own.
        """
        return _CONTACT_CHANNEL[self]

    @property
    def contact_kinds(self) -> frozenset[ContactKind]:
        """The kinds of contact point that can carry this channel (empty if none).

        >>> sorted(k.value for k in Channel.SOCIAL.contact_kinds)
        ['phone', 'social']
        """
        return _CONTACT_KINDS[self]


_CONTACT_CHANNEL: dict[Channel, ContactChannel | None] = {
    Channel.LIVE_CHAT: ContactChannel.CHAT,
    Channel.EMAIL: ContactChannel.EMAIL,
    Channel.SOCIAL: ContactChannel.SOCIAL,
    Channel.PHONE: ContactChannel.CALL,
    Channel.FORUM: None,
    Channel.SMS: ContactChannel.SMS,
    Channel.IN_PERSON: None,
}

_CONTACT_KINDS: dict[Channel, frozenset[ContactKind]] = {
    channel: frozenset(
        kind
        for kind, supported in SUPPORTED_CHANNELS.items()
        if contact is not None and contact in supported
    )
    for channel, contact in _CONTACT_CHANNEL.items()
}


class Reach(BilingualEnum):
    """Whether a customer can be contacted on a channel, and why not.

    >>> Reach.NO_CONSENT.label("en")
    'No consent on this channel (never given or withdrawn)'
    """

    REACHABLE = ("reachable", "Liên hệ được", "Reachable")
    NOT_ADDRESSABLE = (
        "not_addressable",
        "Kênh không gửi riêng cho một khách hàng",
        "Channel does not address one customer",
    )
    NO_CONTACT_POINT = (
        "no_contact_point",
        "Không có thông tin liên hệ cho kênh này",
        "No contact point for this channel",
    )
    NO_CONSENT = (
        "no_consent",
        "Khách hàng chưa đồng ý hoặc đã rút lại đồng ý trên kênh này",
        "No consent on this channel (never given or withdrawn)",
    )


def contact_for(contacts: Iterable[ContactPoint], channel: Channel) -> ContactPoint | None:
    """The contact point to use for ``channel``: a consenting one, the primary first.

    >>> from khachhang.parties import ContactChannel, ContactPoint
    >>> work = ContactPoint.phone("0901234567", consents=[ContactChannel.SMS])
    >>> contact_for([work], Channel.SMS).value
    '+84901234567'
    >>> contact_for([work], Channel.PHONE) is None
    True
    """
    points = check_items("contacts", as_collection("contacts", contacts), ContactPoint)
    check_type("channel", channel, Channel)
    wanted = channel.contact_channel
    if wanted is None:
        return None
    found: ContactPoint | None = None
    for point in points:
        if wanted in point.consents:
            if point.primary:
                return point
            if found is None:
                found = point
    return found


def reach(contacts: Iterable[ContactPoint], channel: Channel) -> Reach:
    """Whether ``channel`` may be used with a party having ``contacts`` (see the module doc)."""
    points = check_items("contacts", as_collection("contacts", contacts), ContactPoint)
    check_type("channel", channel, Channel)
    return reach_unchecked(points, channel)


def reach_unchecked(points: tuple[ContactPoint, ...], channel: Channel) -> Reach:
    """:func:`reach` without the input checks (the planner calls it per touchpoint)."""
    # Keyed by the member's value and scanned by identity: an enum's __hash__ runs in
    # Python, and this runs for every customer of a large book.
    wanted, kinds = _BY_VALUE[channel._value_]
    if wanted is None:
        return Reach.NOT_ADDRESSABLE
    carried = False
    for point in points:
        for consent in point.consents:
            if consent is wanted:
                return Reach.REACHABLE
        carried = carried or point.kind in kinds
    return Reach.NO_CONSENT if carried else Reach.NO_CONTACT_POINT


_BY_VALUE = {c.value: (_CONTACT_CHANNEL[c], tuple(_CONTACT_KINDS[c])) for c in Channel}
