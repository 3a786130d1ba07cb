"""The consent ledger: consent per person, per purpose and per channel, with its proof.

Each grant or withdrawal is a :class:`ConsentEvent`: when (an instant), for which purpose,
on which channel (or every channel) and optionally which contact point, how it was
collected (form, call, contract, import, ...), the reference of the proof, the version of
the notice shown and who recorded it. A :class:`ConsentLedger` is the set of one person's
events; current consent is a query, :meth:`ConsentLedger.allows`:

>>> from datetime import datetime, timezone
>>> from khachhang.parties import ContactChannel, normalize_email, normalize_phone
>>> t = lambda day: datetime(2026, 1, day, tzinfo=timezone.utc)
>>> ledger = ConsentLedger("KH-1").grant(
...     StandardPurpose.MARKETING, ContactChannel.SMS, at=t(2), source=ConsentSource.FORM,
...     proof="form-2026-001", notice="v3", actor="web")
>>> ledger.allows(StandardPurpose.MARKETING, ContactChannel.SMS, as_of=t(3))
True
>>> ledger.allows(StandardPurpose.MARKETING, ContactChannel.SMS, as_of=t(1))
False
>>> ledger.allows(StandardPurpose.ANALYTICS, ContactChannel.SMS, as_of=t(3))
False

Silence is no consent: a purpose and channel with no event is not allowed. The ledger is
a *set* of events ordered by time, not by load order, so a withdrawal is never lost when
older data is imported later; two ledgers of one person merge by union
(:meth:`ConsentLedger.merge`: commutative, associative, idempotent).

The order (the tie rule): events sort by their instant; at the same instant a withdrawal
comes after a grant (so it wins: the privacy-safe reading of a contradiction), then by the
remaining fields' text, which makes the order total and the same on every machine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TypeAlias

import attrs

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_optional,
    check_type,
    clean_text,
    require_instant,
    shown,
)
from khachhang.errors import ValidationError
from khachhang.labels import BilingualEnum, check_lang
from khachhang.parties import ContactChannel, normalize_email, normalize_phone

__all__ = [
    "ConsentAction",
    "ConsentEvent",
    "ConsentLedger",
    "ConsentSource",
    "StandardPurpose",
    "purpose_key",
    "purpose_label",
]

_UTC = timezone.utc
_PURPOSE = re.compile(r"[a-z][a-z0-9_.\-]{0,63}", re.ASCII)


class StandardPurpose(BilingualEnum):
    """The purposes of processing every application has; applications add their own keys.

    A purpose is stored as a *key* (a short lower-case text such as ``"marketing"``), so an
    application adds purposes without subclassing an enum (enums cannot be extended) and
    events round-trip as plain text; these standard keys carry bilingual labels.

    >>> StandardPurpose.SERVICE.value, StandardPurpose.SERVICE.label("en")
    ('service', 'Customer care and service')
    """

    MARKETING = ("marketing", "Tiếp thị, quảng cáo", "Marketing")
    SERVICE = ("service", "Chăm sóc và hỗ trợ khách hàng", "Customer care and service")
    ANALYTICS = ("analytics", "Phân tích dữ liệu", "Analytics")
    SHARING_WITH_PARTNERS = (
        "sharing_with_partners",
        "Chia sẻ dữ liệu cho đối tác",
        "Sharing with partners",
    )


def purpose_key(value: StandardPurpose | str, path: str = "purpose") -> str:
    """The key of a purpose: a standard purpose's value, or an application's own key.

    An application key is 1-64 characters: a lower-case ASCII letter, then letters,
    digits, ``_``, ``.`` or ``-``.

    >>> purpose_key(StandardPurpose.MARKETING), purpose_key("loyalty.newsletter")
    ('marketing', 'loyalty.newsletter')
    >>> purpose_key("Tiếp thị")
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: purpose: 'Tiếp thị' is not a purpose key: ...
    """
    if isinstance(value, StandardPurpose):
        return value._value_
    text = check_type(path, value, str)
    if _PURPOSE.fullmatch(text) is None:
        msg = (
            f"{shown(text)} is not a purpose key: a lower-case ASCII letter, then letters, "
            "digits, '_', '.' or '-' (64 at most); use StandardPurpose for the standard ones"
        )
        raise ValidationError(path, msg)
    return text


_STANDARD = {p.value: p for p in StandardPurpose}


def purpose_label(key: StandardPurpose | str, lang: str = "vi") -> str:
    """A standard purpose's label in ``lang``; an application's key as it is.

    >>> purpose_label("marketing", "en"), purpose_label("loyalty.newsletter")
    ('Marketing', 'loyalty.newsletter')
    """
    text = purpose_key(key)
    check_lang(lang)
    standard = _STANDARD.get(text)
    return text if standard is None else standard.label(lang)


class ConsentAction(BilingualEnum):
    """A grant or a withdrawal of consent."""

    GRANT = ("grant", "Đồng ý", "Consent given")
    WITHDRAW = ("withdraw", "Rút lại đồng ý", "Consent withdrawn")


class ConsentSource(BilingualEnum):
    """How a grant or withdrawal was collected.

    ``MIGRATION`` marks the events :meth:`ConsentLedger.from_contacts` derives from the
    channel-only consents of contact points.
    """

    FORM = ("form", "Biểu mẫu (giấy hoặc trực tuyến)", "Form (paper or online)")
    CALL = ("call", "Gọi điện", "Phone call")
    CONTRACT = ("contract", "Hợp đồng", "Contract")
    IN_PERSON = ("in_person", "Gặp trực tiếp", "In person")
    MESSAGE = ("message", "Tin nhắn, Email", "Message or email")
    IMPORT = ("import", "Nhập từ hệ thống khác", "Import from another system")
    MIGRATION = (
        "migration",
        "Chuyển từ đồng ý theo kênh",
        "Migrated from a channel-only consent",
    )
    OTHER = ("other", "Khác", "Other")


Scope: TypeAlias = tuple[str, ContactChannel | None, str | None]
"""What a consent is about: a purpose key, a channel (``None``: every channel) and a
contact point value (``None``: every contact point on the channel)."""

_ACTION_RANK = {ConsentAction.GRANT: 0, ConsentAction.WITHDRAW: 1}


def _at(value: datetime) -> datetime:
    return require_instant(value, "at").astimezone(_UTC)


def normal_contact(channel: ContactChannel | None, value: object) -> str:
    """A contact point's value in the form :class:`~khachhang.parties.ContactPoint` keeps —
    an e-mail with its domain lower-cased, a phone number in E.164 — so a withdrawal
    written ``0901 234 567`` covers a grant for ``+84901234567``; any other value (a
    social handle) as given.
    """
    text = check_key("contact", value, max_len=254)
    try:
        return normalize_email(text) if "@" in text else normalize_phone(text)
    except ValidationError:
        return text  # a handle, or a value this ledger keeps as it was written


@attrs.frozen
class ConsentEvent:
    """One grant or withdrawal of consent, with what shows it later.

    Args:
        at: when it was given or withdrawn (aware; kept as the UTC instant, so one moment
            written in two zones is one event).
        action: grant or withdrawal.
        purpose: a purpose key (:func:`purpose_key`; a :class:`StandardPurpose` is
            accepted and stored as its key).
        channel: the channel it covers; ``None`` for every channel (the usual case for
            analytics or sharing, which reach nobody).
        contact: the value of one contact point (a phone in E.164, an e-mail) it covers;
            ``None`` for every contact point on ``channel``.
        source: how it was collected.
        proof: the reference of the proof (a form id, a call recording, a contract
            number); empty when there is none — an application that must show consent
            later should always give one.
        notice: the version of the privacy notice the person was shown.
        actor: who recorded it (a user id, a system).

    >>> e = ConsentEvent(datetime(2026, 1, 2, 9, tzinfo=timezone.utc), ConsentAction.GRANT,
    ...                  StandardPurpose.MARKETING, ContactChannel.EMAIL)
    >>> e.purpose, e.covers("marketing", ContactChannel.EMAIL, None)
    ('marketing', True)
    """

    at: datetime = attrs.field(converter=_at)
    action: ConsentAction
    purpose: str = attrs.field(converter=purpose_key)
    channel: ContactChannel | None = None
    contact: str | None = None
    source: ConsentSource = ConsentSource.OTHER
    proof: str = ""
    notice: str = ""
    actor: str = ""

    def __attrs_post_init__(self) -> None:
        check_type("action", self.action, ConsentAction)
        check_optional("channel", self.channel, ContactChannel)
        if self.contact is not None:
            if self.channel is None:
                msg = "a contact point is named only with its channel"
                raise ValidationError("contact", msg)
            object.__setattr__(self, "contact", normal_contact(self.channel, self.contact))
        check_type("source", self.source, ConsentSource)
        object.__setattr__(self, "proof", clean_text("proof", self.proof, allow_empty=True))
        notice = clean_text("notice", self.notice, max_len=100, allow_empty=True)
        object.__setattr__(self, "notice", notice)
        object.__setattr__(self, "actor", check_key("actor", self.actor) if self.actor else "")

    @property
    def granted(self) -> bool:
        """True for a grant, False for a withdrawal."""
        return self.action is ConsentAction.GRANT

    def covers(self, purpose: str, channel: ContactChannel | None, contact: str | None) -> bool:
        """True if this event speaks about ``purpose`` on ``channel`` at ``contact``.

        An event for every channel covers each channel; one for every contact point of a
        channel covers each of them. A question about the channel as a whole (``contact``
        ``None``) is answered by the events that name no contact point.
        """
        if self.purpose != purpose:
            return False
        if self.channel is None:
            return True
        if self.channel is not channel:
            return False
        return self.contact is None or self.contact == contact

    def sort_key(self) -> tuple[datetime, int, str, str, str, str, str, str, str]:
        """The ledger's total order: instant, withdrawal after grant, then the text."""
        return (
            self.at,
            _ACTION_RANK[self.action],
            self.purpose,
            "" if self.channel is None else self.channel.value,
            "" if self.contact is None else self.contact,
            self.source.value,
            self.proof,
            self.notice,
            self.actor,
        )


def _events(values: Iterable[ConsentEvent]) -> tuple[ConsentEvent, ...]:
    items = check_items("events", as_collection("events", values), ConsentEvent)
    return tuple(sorted(set(items), key=ConsentEvent.sort_key))


@attrs.frozen
class ConsentLedger:
    """One person's consent events, as a set in time order (see the module documentation).

    Args:
        subject: the person's key (the customer id).
        events: any collection; duplicates are dropped and the rest put in the ledger's
            order, so two ledgers holding the same events are equal.

    >>> ConsentLedger("KH-1").events
    ()
    """

    subject: str
    events: tuple[ConsentEvent, ...] = attrs.field(default=(), converter=_events)

    def __attrs_post_init__(self) -> None:
        check_key("subject", self.subject)

    # -- recording ------------------------------------------------------------------------
    def record(self, *events: ConsentEvent) -> ConsentLedger:
        """A new ledger with ``events`` added (at their own times, whatever the order)."""
        return ConsentLedger(
            self.subject, self.events + check_items("events", events, ConsentEvent)
        )

    def grant(
        self,
        purpose: StandardPurpose | str,
        channel: ContactChannel | None = None,
        *,
        at: datetime,
        contact: str | None = None,
        source: ConsentSource = ConsentSource.OTHER,
        proof: str = "",
        notice: str = "",
        actor: str = "",
    ) -> ConsentLedger:
        """A new ledger with a grant recorded (see :class:`ConsentEvent` for the fields)."""
        event = ConsentEvent(
            at, ConsentAction.GRANT, purpose, channel, contact, source, proof, notice, actor
        )
        return self.record(event)

    def withdraw(
        self,
        purpose: StandardPurpose | str,
        channel: ContactChannel | None = None,
        *,
        at: datetime,
        contact: str | None = None,
        source: ConsentSource = ConsentSource.OTHER,
        proof: str = "",
        notice: str = "",
        actor: str = "",
    ) -> ConsentLedger:
        """A new ledger with a withdrawal recorded; ``channel=None`` withdraws on every channel.

        >>> from datetime import datetime, timezone
        >>> t0, t1 = (datetime(2026, 1, d, tzinfo=timezone.utc) for d in (1, 2))
        >>> led = ConsentLedger("KH-1").grant("marketing", ContactChannel.SMS, at=t0)
        >>> led.withdraw("marketing", at=t1).allows("marketing", ContactChannel.SMS, as_of=t1)
        False
        """
        event = ConsentEvent(
            at, ConsentAction.WITHDRAW, purpose, channel, contact, source, proof, notice, actor
        )
        return self.record(event)

    def merge(self, other: ConsentLedger) -> ConsentLedger:
        """The union of two ledgers of the same person (commutative, associative, idempotent).

        Raises:
            ValidationError: ``other`` is not a ledger, or is another person's.
        """
        check_type("other", other, ConsentLedger)
        if other.subject != self.subject:
            msg = f"cannot merge the ledger of {other.subject!r} into that of {self.subject!r}"
            raise ValidationError("other.subject", msg)
        return ConsentLedger(self.subject, self.events + other.events)

    # -- queries --------------------------------------------------------------------------
    def decision(
        self,
        purpose: StandardPurpose | str,
        channel: ContactChannel | None = None,
        *,
        as_of: datetime,
        contact: str | None = None,
    ) -> ConsentEvent | None:
        """The event that decides the question at ``as_of``: the last one covering it at or
        before ``as_of``; ``None`` when there is none (silence: no consent)."""
        key = purpose_key(purpose)
        check_optional("channel", channel, ContactChannel)
        if contact is not None:
            contact = normal_contact(channel, contact)
        when = require_instant(as_of, "as_of").astimezone(_UTC)
        return self.decision_unchecked(key, channel, at=when, contact=contact)

    def decision_unchecked(
        self, purpose: str, channel: ContactChannel | None, *, at: datetime, contact: str | None
    ) -> ConsentEvent | None:
        """:meth:`decision` without the checks: ``purpose`` a key, ``at`` a UTC instant
        (the care planner asks it per touchpoint)."""
        found: ConsentEvent | None = None
        for event in self.events:
            if event.at > at:
                break
            if event.covers(purpose, channel, contact):
                found = event
        return found

    def purposes(self) -> tuple[str, ...]:
        """The purpose keys the events name, sorted."""
        return tuple(sorted({e.purpose for e in self.events}))

    def allows(
        self,
        purpose: StandardPurpose | str,
        channel: ContactChannel | None = None,
        *,
        as_of: datetime,
        contact: str | None = None,
    ) -> bool:
        """True if the person consents to ``purpose`` on ``channel`` (at ``contact``) at
        ``as_of``: the deciding event is a grant. ``channel=None`` asks about consent
        given for every channel."""
        event = self.decision(purpose, channel, as_of=as_of, contact=contact)
        return event is not None and event.granted

    def state(
        self, *, as_of: datetime
    ) -> dict[tuple[str, ContactChannel | None, str | None], bool]:
        """Every (purpose, channel, contact) an event names, and whether it is allowed at
        ``as_of`` — the current state, as a replay of the events would build it."""
        when = require_instant(as_of, "as_of")
        scopes = {(e.purpose, e.channel, e.contact) for e in self.events}
        return {
            scope: self.allows(scope[0], scope[1], as_of=when, contact=scope[2])
            for scope in sorted(scopes, key=_scope_key)
        }

    def history(self, purpose: StandardPurpose | str | None = None) -> tuple[ConsentEvent, ...]:
        """The events in order, all of them or those of one purpose (the audit trail)."""
        if purpose is None:
            return self.events
        key = purpose_key(purpose)
        return tuple(e for e in self.events if e.purpose == key)

    # -- migration ------------------------------------------------------------------------
    @classmethod
    def from_contacts(
        cls,
        subject: str,
        contacts: Iterable[object],
        *,
        at: datetime,
        purposes: Iterable[StandardPurpose | str] = (StandardPurpose.SERVICE,),
    ) -> ConsentLedger:
        """The ledger the channel-only consents of ``contacts`` migrate to.

        Each channel a contact point consents to becomes a grant at ``at`` (the customer's
        ``created_at``: the book cannot show when the consent was given, and nothing
        earlier than the record itself), for that contact point and channel, for each of
        ``purposes`` — by default care and service only. That is the privacy-safe
        reading: a channel consent recorded without a purpose is not evidence of consent
        to marketing, analytics or sharing, which the person must grant expressly.

        >>> from datetime import datetime, timezone
        >>> from khachhang.parties import ContactPoint
        >>> sms = ContactPoint.phone("0901234567", consents=[ContactChannel.SMS])
        >>> t = datetime(2025, 1, 1, tzinfo=timezone.utc)
        >>> led = ConsentLedger.from_contacts("KH-1", [sms], at=t)
        >>> led.allows("service", ContactChannel.SMS, as_of=t, contact=sms.value)
        True
        >>> led.allows("marketing", ContactChannel.SMS, as_of=t, contact=sms.value)
        False
        """
        from khachhang.parties import ContactPoint

        points = check_items("contacts", as_collection("contacts", contacts), ContactPoint)
        wanted = as_collection("purposes", purposes)
        keys = [purpose_key(p, f"purposes[{i}]") for i, p in enumerate(wanted)]  # type: ignore[arg-type]  # purpose_key checks each item's type
        events = [
            ConsentEvent(
                at,
                ConsentAction.GRANT,
                key,
                channel,
                point.value,
                ConsentSource.MIGRATION,
            )
            for point in points
            for channel in point.consents
            for key in keys
        ]
        return cls(subject, events)


def _scope_key(scope: Scope) -> tuple[str, str, str]:
    purpose, channel, contact = scope
    return (purpose, "" if channel is None else channel.value, contact or "")
