"""Care channels and care modes (the common forms of care, and care vs support).

A :class:`Channel` is how the firm talks to a customer. The common forms of care
(*các hình thức chăm sóc khách hàng phổ biến*) are live chat on the website, email, social
networks, the telephone and online forums; SMS and meeting in person complete the list.

Each channel that reaches *one* customer maps to the foundation's
:class:`~khachhang.parties.ContactChannel`, on which a contact point records channel
consents (opt-in: empty unless given). :func:`reach` decides whether a customer can be
contacted on a channel and, if not, why:

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

Asked for a purpose of processing (``purpose=``, with the time ``at=``), it also checks
consent to that purpose in the person's :class:`~khachhang.privacy.ConsentLedger`. A channel
consent on a contact point, which names no purpose, counts as consent to care and service
only, and any event of the ledger about the purpose, channel and contact point overrides
it (so a withdrawal in the ledger always wins):

>>> from datetime import datetime, timezone
>>> from khachhang.privacy import ConsentLedger
>>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
>>> reach([opted_in], Channel.EMAIL, purpose="service", at=t)
Reach.REACHABLE
>>> reach([opted_in], Channel.EMAIL, purpose="marketing", at=t)
Reach.NO_PURPOSE_CONSENT
>>> ledger = ConsentLedger("KH-1").grant("marketing", ContactChannel.EMAIL, at=t)
>>> reach([opted_in], Channel.EMAIL, purpose="marketing", consent=ledger, at=t)
Reach.REACHABLE
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from khachhang._checks import (
    as_collection,
    check_items,
    check_optional,
    check_type,
    require_instant,
)
from khachhang.errors import ValidationError
from khachhang.labels import BilingualEnum
from khachhang.parties import SUPPORTED_CHANNELS, ContactChannel, ContactKind, ContactPoint
from khachhang.privacy.consent import ConsentLedger, StandardPurpose, purpose_key

__all__ = ["CareMode", "Channel", "Reach", "contact_for", "reach"]


class CareMode(BilingualEnum):
    """Proactive care or reactive support (*chăm sóc* vs *hỗ trợ khách hàng*).

    Care (chăm sóc khách hàng) keeps the relationship going after the sale and takes the
    initiative: "sự chủ động sẽ luôn chiếm ưu thế". Support (hỗ trợ khách hàng) fixes
    problems and explains the product "after receiving the customer's request".

    >>> CareMode.PROACTIVE.label(), CareMode.REACTIVE.label("en")
    ('Chăm sóc khách hàng (chủ động)', 'Reactive support')
    """

    PROACTIVE = ("proactive", "Chăm sóc khách hàng (chủ động)", "Proactive care")
    REACTIVE = ("reactive", "Hỗ trợ khách hàng (thụ động)", "Reactive support")


class Channel(BilingualEnum):
    """A care channel: live chat, email, social network, phone, online forum, SMS, in person.

    >>> Channel.parse("điện thoại") is Channel.PHONE
    True
    >>> Channel.LIVE_CHAT.label("en"), Channel.PHONE.contact_channel
    ('Live chat', ContactChannel.CALL)
    >>> Channel.IN_PERSON.contact_channel is None
    True
    """

    LIVE_CHAT = ("live_chat", "Trò chuyện trực tuyến", "Live chat")
    EMAIL = ("email", "Email", "Email")
    SOCIAL = ("social", "Mạng xã hội", "Social network")
    PHONE = ("phone", "Điện thoại", "Phone")
    FORUM = ("forum", "Diễn đàn trực tuyến", "Online forum")
    SMS = ("sms", "Tin nhắn SMS", "SMS")
    IN_PERSON = ("in_person", "Gặp trực tiếp", "In person")

    @property
    def contact_channel(self) -> ContactChannel | None:
        """The foundation channel whose consent covers this one; ``None`` if there is none.

        An online forum is public (the firm answers where customers gather)
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
        "Kênh công khai, không gửi riêng được",
        "Public channel, cannot address one customer",
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
    NO_PURPOSE_CONSENT = (
        "no_purpose_consent",
        "Khách hàng chưa đồng ý hoặc đã rút lại đồng ý cho mục đích này trên kênh này",
        "No consent to this purpose on this channel (never given or withdrawn)",
    )


def contact_for(
    contacts: Iterable[ContactPoint],
    channel: Channel,
    *,
    purpose: StandardPurpose | str | None = None,
    consent: ConsentLedger | None = None,
    at: datetime | None = None,
) -> ContactPoint | None:
    """The contact point to use for ``channel``: a consenting one, the primary first.

    With ``purpose`` (and ``at``), one that consents to the purpose, as :func:`reach`
    decides it.

    >>> from khachhang.parties import ContactChannel, ContactPoint
    >>> work = ContactPoint.phone("0901234567", consents=[ContactChannel.SMS])
    >>> contact_for([work], Channel.SMS).value
    '+84901234567'
    >>> contact_for([work], Channel.PHONE) is None
    True
    """
    points = check_items("contacts", as_collection("contacts", contacts), ContactPoint)
    check_type("channel", channel, Channel)
    asked = _purpose_args(purpose, consent, at)
    wanted = channel.contact_channel
    if wanted is None:
        return None
    found: ContactPoint | None = None
    for point in points:
        if asked is None:
            usable = wanted in point.consents
        else:
            usable = point.kind in channel.contact_kinds and purpose_allows(
                point, wanted, asked[0], consent, asked[1]
            )
        if usable:
            if point.primary:
                return point
            if found is None:
                found = point
    return found


def _purpose_args(purpose: object, consent: object, at: object) -> tuple[str, datetime] | None:
    """The purpose key and the UTC instant asked about, or ``None`` for a channel-only question."""
    if purpose is None:
        if consent is not None or at is not None:
            msg = "consent= and at= are used with purpose= (the purpose of the contact)"
            raise ValidationError("purpose", msg)
        return None
    key = purpose_key(purpose)  # type: ignore[arg-type]  # checked by purpose_key
    check_optional("consent", consent, ConsentLedger)
    if at is None:
        raise ValidationError("at", "a purpose's consent is asked at a time: pass at=")
    return key, require_instant(at, "at").astimezone(timezone.utc)


_SERVICE = StandardPurpose.SERVICE._value_


def purpose_allows(
    point: ContactPoint,
    channel: ContactChannel,
    purpose: str,
    consent: ConsentLedger | None,
    at: datetime,
) -> bool:
    """Whether ``point`` may be used on ``channel`` for ``purpose`` at ``at`` (a UTC instant).

    The ledger's last event about the purpose, channel and contact point decides; with
    none, the point's channel consent counts for care and service only (the migration
    default of :meth:`ConsentLedger.from_contacts <khachhang.privacy.ConsentLedger.from_contacts>`).
    """
    if consent is not None:
        decided = consent.decision_unchecked(purpose, channel, at=at, contact=point.value)
        if decided is not None:
            return decided.granted
    return purpose == _SERVICE and channel in point.consents


def reach(
    contacts: Iterable[ContactPoint],
    channel: Channel,
    *,
    purpose: StandardPurpose | str | None = None,
    consent: ConsentLedger | None = None,
    at: datetime | None = None,
) -> Reach:
    """Whether ``channel`` may be used with a party having ``contacts`` (see the module doc).

    Args:
        contacts: the party's contact points.
        channel: the care channel.
        purpose: the purpose of processing the contact serves; ``None`` asks about the
            channel consents alone.
        consent: the person's consent ledger (with ``purpose``).
        at: when the contact is made (aware; required with ``purpose``).
    """
    points = check_items("contacts", as_collection("contacts", contacts), ContactPoint)
    check_type("channel", channel, Channel)
    asked = _purpose_args(purpose, consent, at)
    if asked is None:
        return reach_unchecked(points, channel)
    return reach_for_purpose(points, channel, asked[0], consent, asked[1])


def reach_for_purpose(
    points: tuple[ContactPoint, ...],
    channel: Channel,
    purpose: str,
    consent: ConsentLedger | None,
    at: datetime,
) -> Reach:
    """:func:`reach` for a purpose without the input checks (``at`` a UTC instant).

    ``NO_PURPOSE_CONSENT`` when a contact point carries the channel and consents to it
    for some purpose, not this one; ``NO_CONSENT`` when it consents for none.
    """
    wanted, kinds = _BY_VALUE[channel._value_]
    if wanted is None:
        return Reach.NOT_ADDRESSABLE
    carried = consented = False
    for point in points:
        if point.kind not in kinds:
            continue
        carried = True
        if purpose_allows(point, wanted, purpose, consent, at):
            return Reach.REACHABLE
        consented = consented or _some_purpose(point, wanted, consent, at)
    if not carried:
        return Reach.NO_CONTACT_POINT
    return Reach.NO_PURPOSE_CONSENT if consented else Reach.NO_CONSENT


def _some_purpose(
    point: ContactPoint, channel: ContactChannel, consent: ConsentLedger | None, at: datetime
) -> bool:
    """Whether ``point`` consents to ``channel`` for any purpose at ``at``."""
    if purpose_allows(point, channel, _SERVICE, consent, at):
        return True
    if consent is None:
        return False
    return any(purpose_allows(point, channel, key, consent, at) for key in consent.purposes())


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
