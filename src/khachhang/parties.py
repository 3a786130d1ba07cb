"""Parties: the people and organisations a customer record is about.

Everything is normalised when it is built, so two spellings of the same phone number,
e-mail address or province give equal values, and building again from a normalised value
gives an equal object:

>>> p = ContactPoint.phone("0901 234 567")
>>> p.value
'+84901234567'
>>> ContactPoint.phone(p.value) == p
True
>>> Address(province="tp.hcm", ward="Bến Thành").province
'TP. Hồ Chí Minh'

Every invalid input raises :class:`~khachhang.errors.ValidationError` naming the field.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TypeAlias

import attrs

from khachhang import _provinces
from khachhang._checks import (
    as_collection,
    check_items,
    check_optional,
    check_type,
    clean_text,
    shown,
)
from khachhang.errors import ValidationError
from khachhang.kinds import BusinessCategory, InternalUnit, PartyType
from khachhang.labels import BilingualEnum

__all__ = [
    "FORMER_PROVINCES",
    "PROVINCES",
    "SUPPORTED_CHANNELS",
    "Address",
    "ContactChannel",
    "ContactKind",
    "ContactPoint",
    "Gender",
    "Organization",
    "Party",
    "Person",
    "current_province",
    "is_former_province",
    "mask_contact",
    "normalize_email",
    "normalize_phone",
    "normalize_province",
    "normalize_tax_code",
    "tax_code_check_digit",
]

MAX_NAME_LENGTH = 200


class Gender(BilingualEnum):
    """A person's gender, as the person gives it.

    >>> Gender.FEMALE.label(), Gender.FEMALE.label("en")
    ('Nữ', 'Female')
    """

    MALE = ("male", "Nam", "Male")
    FEMALE = ("female", "Nữ", "Female")
    OTHER = ("other", "Khác", "Other")


class ContactKind(BilingualEnum):
    """What a contact point's value is: a phone number, an e-mail, a social handle.

    >>> ContactKind.SOCIAL.label("en")
    'Social network account'
    """

    PHONE = ("phone", "Số điện thoại", "Phone number")
    EMAIL = ("email", "Địa chỉ Email", "Email address")
    SOCIAL = ("social", "Tài khoản mạng xã hội", "Social network account")


class ContactChannel(BilingualEnum):
    """A channel a contact point can be used on (and a channel a consent covers).

    >>> ContactChannel.SMS.label()
    'Tin nhắn SMS'
    """

    CALL = ("call", "Gọi điện", "Phone call")
    SMS = ("sms", "Tin nhắn SMS", "SMS")
    EMAIL = ("email", "Email", "Email")
    SOCIAL = ("social", "Mạng xã hội", "Social network")
    CHAT = ("chat", "Trò chuyện trực tuyến", "Live chat")


SUPPORTED_CHANNELS: Mapping[ContactKind, frozenset[ContactChannel]] = MappingProxyType(
    {
        # Zalo accounts are tied to phone numbers, so a phone can carry social messages.
        ContactKind.PHONE: frozenset(
            {ContactChannel.CALL, ContactChannel.SMS, ContactChannel.SOCIAL}
        ),
        ContactKind.EMAIL: frozenset({ContactChannel.EMAIL}),
        ContactKind.SOCIAL: frozenset({ContactChannel.SOCIAL, ContactChannel.CHAT}),
    }
)
"""The channels each kind of contact point can be used on."""


# --- small checks -------------------------------------------------------------------


def _normalize_name(value: object, path: str) -> str:
    """NFC, trimmed, inner whitespace collapsed, printable, non-empty, at most 200 characters."""
    return clean_text(path, value, max_len=MAX_NAME_LENGTH)


# --- masking -------------------------------------------------------------------------

_MAX_STARS = 10


def mask_contact(value: str) -> str:
    """A contact value (or text meant as one) with most of it hidden: personal data.

    E-mail: the first character before ``@`` and the domain; a phone number, a personal
    identification number or other text starting with a digit or ``+``: its first five
    and last two characters when it has at least nine (its first three without a ``+``:
    the trunk "0" and the network, or a personal number's province code); other text:
    its first character.
    What is hidden becomes ``*`` (at most ten). Error messages, reprs and the masking
    redaction policy (:mod:`khachhang.privacy`) show contact values this way only.

    >>> mask_contact("+84901234567"), mask_contact("lan.tran@example.com")
    ('+8490*****67', 'l***@example.com')
    >>> mask_contact("001090123456"), mask_contact("@lan.nguyen"), mask_contact("12345")
    ('001*******56', '@***', '*****')
    """
    text = check_type("value", value, str)
    local, at, domain = text.partition("@")
    if at and local and domain:
        return f"{local[:1]}***@{domain}"
    size = len(text)
    if text[:1].isdigit() or text[:1] == "+":
        if size < 9:
            return "*" * min(size, _MAX_STARS)
        head = 5 if text[0] == "+" else 3  # "+84" and the network, or a trunk "0" / province
        return f"{text[:head]}{'*' * min(size - head - 2, _MAX_STARS)}{text[-2:]}"
    return f"{text[:1]}***" if size > 1 else "***"


def _hidden(text: str) -> str:
    """``shown(text)`` with the value masked (:func:`mask_contact`): for error messages.

    Phone separators are dropped first, so the mask hides as many digits as it would
    in the number's normal form.
    """
    compact = text if "@" in text else re.sub(r"[ .\-()]", "", text)
    return shown(mask_contact(compact or text))


# --- phones and e-mails ---------------------------------------------------------------

MAX_PHONE_LENGTH = 64
_PHONE_CHARS = re.compile(r"\+?[0-9 .\-()]+", re.ASCII)
# A Vietnamese number already in E.164 form (what the converter reads back): the
# country code is known, so parsing can be skipped; phonenumbers' metadata still decides
# validity.
_VN_E164 = re.compile(r"\+84([1-9][0-9]{6,9})", re.ASCII)
# ... or in national form: Vietnam's trunk prefix is a single "0" (no transform rule).
_VN_NATIONAL = re.compile(r"0([1-9][0-9]{6,9})", re.ASCII)
_SEPARATORS = re.compile(r"[ .\-]")
_VN_TYPES = (  # the common kinds first: the test below stops at the first match
    "mobile",
    "fixed_line",
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


@functools.cache
def _vn_number_patterns() -> tuple[
    re.Pattern[str], tuple[tuple[frozenset[int], re.Pattern[str]], ...]
]:
    """phonenumbers' own Vietnamese metadata, compiled once.

    ``phonenumbers.is_valid_number`` accepts a number when its national part matches the
    general pattern and the pattern (and possible lengths) of at least one number type;
    this is the same test without re-parsing the text or re-reading the metadata on each
    call. A property test checks that both always agree.
    """
    from phonenumbers import PhoneMetadata

    meta = PhoneMetadata.metadata_for_region("VN")
    general_desc = meta.general_desc if meta is not None else None
    if general_desc is None or general_desc.national_number_pattern is None:  # pragma: no cover
        return re.compile(r"(?!)"), ()  # no metadata: never take the fast path
    general = re.compile(general_desc.national_number_pattern)
    kinds = []
    for name in _VN_TYPES:
        desc = getattr(meta, name)
        if desc is not None and desc.national_number_pattern is not None:
            lengths = frozenset(desc.possible_length or ())
            kinds.append((lengths, re.compile(desc.national_number_pattern)))
    return general, tuple(kinds)


def _is_valid_vn_national(national: str) -> bool:
    general, kinds = _vn_number_patterns()
    if general.fullmatch(national) is None:
        return False
    size = len(national)
    return any(
        (not lengths or size in lengths) and pattern.fullmatch(national) is not None
        for lengths, pattern in kinds
    )


# Mobile prefixes renumbered from 11 to 10 digits by the Ministry of Information and
# Communications in 2018 (switched from 15 September 2018): old prefix after the trunk
# "0" -> new prefix. Old numbers no longer connect, so they are refused with the new one.
_RENUMBERED_2018: Mapping[str, str] = MappingProxyType(
    {
        # Viettel
        **{f"16{d}": f"3{d}" for d in "23456789"},
        # MobiFone
        "120": "70", "121": "79", "122": "77", "126": "76", "128": "78",
        # VinaPhone
        "123": "83", "124": "84", "125": "85", "127": "81", "129": "82",
        # Vietnamobile
        "186": "56", "188": "58",
        # Gmobile
        "199": "59",
    }
)  # fmt: skip
"""Old 11-digit mobile prefixes (``"168"`` for 0168...) -> their 2018 replacement."""

_OLD_MOBILE = re.compile(r"(?:\+84|0)(1[0-9]{2})([0-9]{7})", re.ASCII)


def _renumbered(text: str) -> str | None:
    """The message for an old 11-digit mobile number, or ``None``."""
    found = _OLD_MOBILE.fullmatch(re.sub(r"[ .\-()]", "", text))
    if found is None or found[1] not in _RENUMBERED_2018:
        return None
    old, new = found[1], _RENUMBERED_2018[found[1]]
    return (
        f"{_hidden(text)} is an old 11-digit mobile number: 0{old} numbers were renumbered "
        f"to 0{new} in 2018; write 0{new} instead of 0{old}"
    )


def normalize_phone(value: str, region: str = "VN") -> str:
    """Return a valid phone number in E.164 form.

    A number without a leading ``+`` is read as a number of ``region`` (Vietnam by
    default); one with ``+`` keeps its own country code. Spaces, dots, dashes and
    brackets are allowed; letters and extensions are not.

    >>> normalize_phone("0901.234.567")
    '+84901234567'
    >>> normalize_phone("+1 415 555 2671")
    '+14155552671'
    >>> normalize_phone("12345")
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: value: '*****' is not a valid phone number for region VN
    """
    text = check_type("value", value, str)
    if len(text) > MAX_PHONE_LENGTH:  # refused unread: E.164 numbers have 15 digits at most
        msg = f"a phone number is at most {MAX_PHONE_LENGTH} characters, got {len(text)}"
        raise ValidationError("value", msg)
    text = text.strip()
    if region == "VN":
        fast = _VN_E164.fullmatch(text) or _VN_NATIONAL.fullmatch(_SEPARATORS.sub("", text))
        if fast is not None and _is_valid_vn_national(fast[1]):
            return "+84" + fast[1]
    # Imported on first use: it costs ~50 ms at import, and many users never need it.
    import phonenumbers

    if not isinstance(region, str) or region not in phonenumbers.SUPPORTED_REGIONS:
        msg = f"unknown phone region {shown(region)}"
        raise ValidationError("region", msg)
    if not text:
        raise ValidationError("value", "a phone number must not be empty")
    if not _PHONE_CHARS.fullmatch(text):
        msg = f"{_hidden(text)} may only hold digits, a leading '+', spaces, dots, dashes, brackets"
        raise ValidationError("value", msg)
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as err:
        msg = f"{_hidden(text)} is not a phone number ({err})"
        raise ValidationError("value", msg) from None
    if not phonenumbers.is_valid_number(parsed):
        renumbered = _renumbered(text) if text.startswith("+84") or region == "VN" else None
        if renumbered is not None:
            raise ValidationError("value", renumbered)
        where = "" if text.startswith("+") else f" for region {region}"
        msg = f"{_hidden(text)} is not a valid phone number{where}"
        raise ValidationError("value", msg)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# RFC 5322 dot-atom text (quoted local parts are not accepted), letters in any script
# (RFC 6531 allows UTF-8 mailboxes).
_LOCAL_PART = re.compile(r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*")
_TOP_LEVEL = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}", re.ASCII)
_DOMAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII)
MAX_EMAIL_LENGTH = 254
MAX_LOCAL_LENGTH = 64


def _compose_local_part(text: str, local: str) -> str:
    """The local part in NFC, refusing characters NFC would turn into others.

    Composing a letter and its combining marks ("e" + U+0301 -> "é") keeps the address;
    a compatibility character such as the Kelvin sign U+212A would silently become an
    ASCII "K", another mailbox, so it is refused instead.
    """
    if local.isascii():
        return local
    for ch in local:
        if not ch.isascii() and unicodedata.normalize("NFC", ch) != ch:
            twin = unicodedata.normalize("NFC", ch)
            msg = (
                f"{_hidden(text)}: U+{ord(ch):04X} in the part before '@' is another way to "
                f"write {twin!r}; write {twin!r} itself"
            )
            raise ValidationError("value", msg)
    return unicodedata.normalize("NFC", local)


def normalize_email(value: str) -> str:
    """Return a syntax-checked e-mail address with its domain lower-cased.

    The local part keeps its case (servers may treat it case-sensitively) and is put in
    NFC, so a decomposed "é" and a composed one give one address; a character NFC would
    turn into another (the Kelvin sign U+212A into "K") is refused. Surrounding
    whitespace is stripped. Rules: one ``@``; a local part of 1-64
    characters with no whitespace and no leading, trailing or doubled dot; a domain of
    ASCII labels (letters, digits, inner hyphens; IDNs in punycode) with at least one
    dot (an international domain is written in punycode); at most 254 characters in all.
    Deliverability is not checked.

    >>> normalize_email("  Lan.Nguyen@Example.COM.vn ")
    'Lan.Nguyen@example.com.vn'
    >>> normalize_email("lan@localhost")
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: value: 'l***@localhost': the domain needs at least one dot
    """
    text = check_type("value", value, str).strip()
    if not text:
        raise ValidationError("value", "an e-mail address must not be empty")
    if len(text) > MAX_EMAIL_LENGTH:
        msg = f"an e-mail address is at most {MAX_EMAIL_LENGTH} characters, got {len(text)}"
        raise ValidationError("value", msg)
    # The only printable whitespace character is the ASCII space (a test checks every
    # code point), so this is "any character is whitespace or not printable".
    if " " in text or not text.isprintable():
        msg = f"{_hidden(text)} contains whitespace or control characters"
        raise ValidationError("value", msg)
    if text.count("@") != 1:
        msg = f"{_hidden(text)} must contain exactly one '@'"
        raise ValidationError("value", msg)
    local, domain = text.split("@")
    local = _compose_local_part(text, local)
    if not local or len(local) > MAX_LOCAL_LENGTH:
        msg = f"{_hidden(text)}: the part before '@' must be 1 to {MAX_LOCAL_LENGTH} characters"
        raise ValidationError("value", msg)
    if local.startswith(".") or local.endswith(".") or ".." in local:
        msg = f"{_hidden(text)}: the part before '@' has a misplaced dot"
        raise ValidationError("value", msg)
    if not _LOCAL_PART.fullmatch(local):
        allowed = "letters, digits and !#$%&'*+/=?^_`{|}~.-"
        msg = f"{_hidden(text)}: the part before '@' may hold {allowed}"
        raise ValidationError("value", msg)
    if not domain.isascii():  # before lower(): "\u212a".lower() is an ASCII "k"
        odd = next(ch for ch in domain if not ch.isascii())
        msg = (
            f"{_hidden(text)}: U+{ord(odd):04X} in the domain; write the domain in ASCII "
            "(an international domain in punycode, xn--...)"
        )
        raise ValidationError("value", msg)
    domain = domain.lower()
    labels = domain.split(".")
    if len(labels) < 2:
        msg = f"{_hidden(text)}: the domain needs at least one dot"
        raise ValidationError("value", msg)
    for label in labels:
        if not _DOMAIN_LABEL.fullmatch(label):
            msg = f"{_hidden(text)}: {label!r} is not a valid domain label"
            raise ValidationError("value", msg)
    if not _TOP_LEVEL.fullmatch(labels[-1]):
        msg = (
            f"{_hidden(text)}: {labels[-1]!r} is not a top-level domain (letters, or xn-- punycode)"
        )
        raise ValidationError("value", msg)
    return f"{local}@{domain}"


# --- provinces ----------------------------------------------------------------------

PROVINCES: tuple[str, ...] = _provinces.CURRENT
"""The 34 provinces and centrally-run cities since 1 July 2025 (Resolution 202/2025/QH15),
the six cities first."""

FORMER_PROVINCES: Mapping[str, str] = _provinces.FORMER
"""Each of the 63 pre-July-2025 provinces/cities -> the current unit it is part of.

A unit that was not merged maps to itself; "Thừa Thiên Huế" maps to "Huế".
"""

_CURRENT_SET = frozenset(PROVINCES)


MAX_PROVINCE_LENGTH = 100
"""The longest province text looked up; the longest real spelling has 30 characters."""


@functools.lru_cache(maxsize=4096)
def _lookup_province(text: str) -> str | None:
    # Customer files repeat a handful of spellings; caching the fold makes 100,000
    # look-ups cheap. Pure function of its argument, so caching is safe; only text of
    # at most MAX_PROVINCE_LENGTH characters gets here, so the cache holds < 2 MB.
    if _provinces.stray_character(text) is not None:
        return None
    return _provinces.LOOKUP.get(_provinces.fold(text))


def normalize_province(name: str) -> str:
    """Return the canonical name of a current or former province, however it is spelled.

    Case, Unicode form, tone-mark placement, missing diacritics, punctuation, spacing and
    the prefixes "Tỉnh", "Thành phố", "TP." are ignored; common abbreviations are known.
    The whole text must name the province: other characters (a control character, a
    zero-width space, other scripts, emoji) make it unknown. Former names stay former
    names (see :func:`current_province`).

    >>> normalize_province("tp.hcm"), normalize_province("Ha Noi")
    ('TP. Hồ Chí Minh', 'Hà Nội')
    >>> normalize_province("Tỉnh Bình Dương")
    'Bình Dương'
    >>> normalize_province("Atlantis")
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: province: unknown Vietnamese province 'Atlantis'
    """
    text = check_type("province", name, str)
    if len(text) > MAX_PROVINCE_LENGTH:  # refused before any work: no name is this long
        msg = f"longer than {MAX_PROVINCE_LENGTH} characters ({len(text)}): not a province"
        raise ValidationError("province", msg)
    canonical = _lookup_province(text)
    if canonical is None:
        stray = _provinces.stray_character(text)
        why = "" if stray is None else f" (U+{ord(stray):04X} is in no province name)"
        msg = f"unknown Vietnamese province {shown(text)}{why}"
        raise ValidationError("province", msg)
    return canonical


def current_province(name: str) -> str:
    """Return the province (since 1 July 2025) that a current or former name belongs to.

    >>> current_province("Bà Rịa - Vũng Tàu"), current_province("Hà Giang")
    ('TP. Hồ Chí Minh', 'Tuyên Quang')
    >>> current_province("Lạng Sơn")
    'Lạng Sơn'
    """
    canonical = normalize_province(name)
    return FORMER_PROVINCES.get(canonical, canonical)


def is_former_province(name: str) -> bool:
    """True if ``name`` is a pre-July-2025 province whose name no longer names a unit.

    A province that absorbed others and kept its name ("Tuyên Quang") is not former.

    >>> is_former_province("Quảng Nam"), is_former_province("Tuyên Quang")
    (True, False)
    """
    return normalize_province(name) not in _CURRENT_SET


# --- contact points -----------------------------------------------------------------


def _to_channels(value: Iterable[ContactChannel]) -> frozenset[ContactChannel]:
    """attrs converter: a collection of channels -> frozenset (a mapping is refused)."""
    if type(value) is frozenset and all(type(c) is ContactChannel for c in value):
        return value
    items = as_collection("consents", value)
    for item in items:  # no index in the path: a set has no order
        if not isinstance(item, ContactChannel):
            msg = f"expected ContactChannel members, got {shown(item)}"
            raise ValidationError("consents", msg)
    return frozenset(items)  # type: ignore[arg-type]  # each item checked above


@attrs.frozen
class ContactPoint:
    """One way to reach a party: a phone number, an e-mail address or a social handle.

    Consent is opt-in: ``consents`` is empty unless the party agreed to be contacted on a
    channel, so nothing is allowed by default. A channel consent names no purpose, no
    time and no proof; consent to a purpose (marketing, care and service, ...) with its
    proof and withdrawals is kept in a :class:`~khachhang.privacy.ConsentLedger`, and the
    care plan counts a channel consent here as consent to care and service only.

    Args:
        kind: what ``value`` is.
        value: normalised at construction: phones to E.164, e-mails with a lower-case
            domain, social handles stripped.
        consents: the channels the party agreed to; a subset of
            ``SUPPORTED_CHANNELS[kind]``.
        label: a free note such as "work" or "Zalo".
        primary: the preferred contact point of its kind.

    >>> home = ContactPoint(kind=ContactKind.PHONE, value="0901 234 567")
    >>> home.value, home.allows(ContactChannel.SMS)
    ('+84901234567', False)
    >>> home.with_consent(ContactChannel.SMS).allows(ContactChannel.SMS)
    True
    """

    kind: ContactKind
    value: str
    consents: frozenset[ContactChannel] = attrs.field(default=frozenset(), converter=_to_channels)
    label: str = ""
    primary: bool = False

    def __attrs_post_init__(self) -> None:
        check_type("kind", self.kind, ContactKind)
        if self.kind is ContactKind.PHONE:
            value = normalize_phone(self.value)
        elif self.kind is ContactKind.EMAIL:
            value = normalize_email(self.value)
        else:
            value = clean_text("value", self.value, max_len=MAX_NAME_LENGTH)
        object.__setattr__(self, "value", value)
        unsupported = self.consents - SUPPORTED_CHANNELS[self.kind]
        if unsupported:
            shown = ", ".join(sorted(c.value for c in unsupported))
            msg = f"a contact of kind {self.kind.value!r} cannot be used on: {shown}"
            raise ValidationError("consents", msg)
        label = clean_text("label", self.label, max_len=100, allow_empty=True)
        object.__setattr__(self, "label", label)
        check_type("primary", self.primary, bool)

    def __repr__(self) -> str:
        """The fields with the value masked (:func:`mask_contact`): reprs reach logs.

        >>> ContactPoint.phone("0901 234 567", label="nhà")
        ContactPoint(kind=ContactKind.PHONE, value='+8490*****67', consents=frozenset(), \
label='nhà', primary=False)
        """
        return (
            f"ContactPoint(kind={self.kind!r}, value={mask_contact(self.value)!r}, "
            f"consents={self.consents!r}, label={self.label!r}, primary={self.primary!r})"
        )

    @classmethod
    def phone(
        cls,
        value: str,
        *,
        region: str = "VN",
        consents: Iterable[ContactChannel] = (),
        label: str = "",
        primary: bool = False,
    ) -> ContactPoint:
        """A phone contact point; ``region`` reads numbers written without ``+``.

        >>> ContactPoint.phone("024 3825 7111", consents=[ContactChannel.CALL]).value
        '+842438257111'
        """
        # A non-VN region must be applied before construction, which reads numbers as VN.
        return cls(
            kind=ContactKind.PHONE,
            value=value if region == "VN" else normalize_phone(value, region),
            consents=_to_channels(consents),
            label=label,
            primary=primary,
        )

    @classmethod
    def email(
        cls,
        value: str,
        *,
        consents: Iterable[ContactChannel] = (),
        label: str = "",
        primary: bool = False,
    ) -> ContactPoint:
        """An e-mail contact point.

        >>> ContactPoint.email("An@Example.vn").value
        'An@example.vn'
        """
        return cls(
            kind=ContactKind.EMAIL,
            value=value,
            consents=_to_channels(consents),
            label=label,
            primary=primary,
        )

    def allows(self, channel: ContactChannel) -> bool:
        """True if the party consented to be contacted on ``channel`` at this point.

        >>> ContactPoint.email("an@example.vn").allows(ContactChannel.EMAIL)
        False

        Raises:
            ValidationError: ``channel`` is not a :class:`ContactChannel`.
        """
        if type(channel) is not ContactChannel:
            msg = f"expected a ContactChannel, got {type(channel).__name__}"
            raise ValidationError("channel", msg)
        return channel in self.consents

    def with_consent(self, channel: ContactChannel, given: bool = True) -> ContactPoint:
        """Return a copy with consent on ``channel`` given (or withdrawn if ``given=False``).

        >>> p = ContactPoint.email("an@example.vn")
        >>> p.with_consent(ContactChannel.EMAIL).consents == {ContactChannel.EMAIL}
        True
        >>> p.with_consent(ContactChannel.SMS)
        Traceback (most recent call last):
        ...
        khachhang.errors.ValidationError: consents: a contact of kind 'email' cannot be used on: sms
        """
        check_type("given", given, bool)
        if not isinstance(channel, ContactChannel):
            msg = f"expected a ContactChannel, got {shown(channel)}"
            raise ValidationError("consents", msg)
        if channel not in SUPPORTED_CHANNELS[self.kind]:
            msg = f"a contact of kind {self.kind.value!r} cannot be used on: {channel.value}"
            raise ValidationError("consents", msg)
        consents = self.consents | {channel} if given else self.consents - {channel}
        return attrs.evolve(self, consents=consents)


# --- addresses ----------------------------------------------------------------------

_COUNTRY_CODE = re.compile(r"[A-Z]{2}", re.ASCII)


@attrs.frozen
class Address:
    """A postal address; Vietnamese provinces are normalised to their canonical name.

    Since 1 July 2025 a Vietnamese address is ward/commune + province; older addresses
    also name a district, which is kept when given. A former province stays as the
    customer wrote it (canonically spelled); :attr:`current_province` says where it is
    today.

    >>> a = Address(province="Binh Duong", district="Thủ Dầu Một", street="1 Yersin")
    >>> a.province, a.current_province, a.is_pre_2025
    ('Bình Dương', 'TP. Hồ Chí Minh', True)
    >>> Address(province="Bangkok", country="th").country
    'TH'
    """

    province: str
    ward: str = ""
    district: str | None = None
    street: str = ""
    country: str = "VN"

    def __attrs_post_init__(self) -> None:
        country = check_type("country", self.country, str).strip().upper()
        if not _COUNTRY_CODE.fullmatch(country):
            msg = f"expected a two-letter ISO 3166 country code, got {self.country!r}"
            raise ValidationError("country", msg)
        object.__setattr__(self, "country", country)
        if country == "VN":
            province = normalize_province(self.province)
        else:
            province = _normalize_text(self.province, "province")
            if not province:
                raise ValidationError("province", "must not be empty")
        object.__setattr__(self, "province", province)
        object.__setattr__(self, "ward", _normalize_text(self.ward, "ward"))
        object.__setattr__(self, "street", _normalize_text(self.street, "street"))
        if self.district is not None:
            district = _normalize_text(self.district, "district")
            if not district:
                raise ValidationError("district", "must be None or a non-empty name")
            object.__setattr__(self, "district", district)

    @property
    def current_province(self) -> str:
        """The province the address belongs to today (unchanged outside Vietnam)."""
        if self.country != "VN":
            return self.province
        return FORMER_PROVINCES.get(self.province, self.province)

    @property
    def is_pre_2025(self) -> bool:
        """True if the address is written the pre-July-2025 way (district or old province)."""
        if self.district is not None:
            return True
        return self.country == "VN" and self.province not in _CURRENT_SET


def _normalize_text(value: object, path: str) -> str:
    """NFC, trimmed, inner whitespace collapsed, printable (may be empty), at most 200."""
    return clean_text(path, value, max_len=MAX_NAME_LENGTH, allow_empty=True)


# --- parties ------------------------------------------------------------------------


def _to_contacts(value: Iterable[ContactPoint]) -> tuple[ContactPoint, ...]:
    """attrs converter: a collection of contact points -> tuple."""
    return check_items("contacts", as_collection("contacts", value), ContactPoint)


def _check_contacts(contacts: tuple[ContactPoint, ...]) -> None:
    """Each item a ContactPoint; no duplicate (kind, value); one primary per kind."""
    seen: dict[tuple[ContactKind, str], int] = {}
    primary_of: dict[ContactKind, int] = {}
    for i, contact in enumerate(contacts):
        where = f"contacts[{i}]"
        if not isinstance(contact, ContactPoint):
            msg = f"expected a ContactPoint, got {shown(contact)}"
            raise ValidationError(where, msg)
        key = (contact.kind, contact.value)
        if key in seen:
            msg = f"duplicates contacts[{seen[key]}] ({_hidden(contact.value)})"
            raise ValidationError("value", msg).at(where)
        seen[key] = i
        if contact.primary:
            if contact.kind in primary_of:
                first = primary_of[contact.kind]
                msg = f"contacts[{first}] is already the primary {contact.kind.value} contact"
                raise ValidationError("primary", msg).at(where)
            primary_of[contact.kind] = i


def _pick_contact(contacts: tuple[ContactPoint, ...], kind: ContactKind) -> ContactPoint | None:
    first: ContactPoint | None = None
    for contact in contacts:
        if contact.kind is kind:
            if contact.primary:
                return contact
            if first is None:
                first = contact
    return first


def _check_date(value: object, path: str, *, optional: bool) -> None:
    if optional and value is None:
        return
    if isinstance(value, datetime.datetime):
        msg = f"expected a date without a time, got the datetime {value!r}; use .date()"
        raise ValidationError(path, msg)
    if not isinstance(value, datetime.date):
        msg = f"expected a datetime.date, got {type(value).__name__}"
        raise ValidationError(path, msg)


@attrs.frozen
class Person:
    """An individual customer.

    ``full_name`` is written in Vietnamese order, family name first.

    >>> p = Person(full_name="  nguyễn   Văn An ", birth_date=datetime.date(1990, 5, 17))
    >>> p.full_name, p.family_name, p.given_name
    ('nguyễn Văn An', 'nguyễn', 'An')
    >>> p.age(as_of=datetime.date(2025, 5, 16))
    34
    """

    full_name: str
    gender: Gender | None = None
    birth_date: datetime.date | None = None
    contacts: tuple[ContactPoint, ...] = attrs.field(default=(), converter=_to_contacts)
    address: Address | None = None

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "full_name", _normalize_name(self.full_name, "full_name"))
        check_optional("gender", self.gender, Gender)
        _check_date(self.birth_date, "birth_date", optional=True)
        _check_contacts(self.contacts)
        check_optional("address", self.address, Address)

    @property
    def given_name(self) -> str:
        """The given name: the last word of the full name ("Nguyễn Văn An" -> "An")."""
        return self.full_name.rsplit(" ", 1)[-1]

    @property
    def family_name(self) -> str:
        """The family name: the first word of the full name ("Nguyễn Văn An" -> "Nguyễn")."""
        return self.full_name.split(" ", 1)[0]

    def age(self, *, as_of: datetime.date) -> int | None:
        """Whole years of age on the date ``as_of``; ``None`` when the birth date is unknown.

        Someone born on 29 February has their birthday on 1 March in a non-leap year
        (the usual legal reading: the age is reached when the day after 28 February
        begins).

        >>> leapling = Person(full_name="Trần Thị Mai", birth_date=datetime.date(2004, 2, 29))
        >>> feb_28, mar_1 = datetime.date(2025, 2, 28), datetime.date(2025, 3, 1)
        >>> leapling.age(as_of=feb_28), leapling.age(as_of=mar_1)
        (20, 21)
        """
        _check_date(as_of, "as_of", optional=False)
        born = self.birth_date
        if born is None:
            return None
        if as_of < born:
            msg = f"{as_of.isoformat()} is before the birth date {born.isoformat()}"
            raise ValidationError("as_of", msg)
        birthday = (born.month, born.day)
        if birthday == (2, 29) and not calendar.isleap(as_of.year):
            birthday = (3, 1)
        return as_of.year - born.year - ((as_of.month, as_of.day) < birthday)

    def contact(self, kind: ContactKind) -> ContactPoint | None:
        """The primary contact point of ``kind``, else the first one, else ``None``.

        >>> Person(full_name="An", contacts=[ContactPoint.email("an@example.vn")]).contact(
        ...     ContactKind.EMAIL
        ... ).value
        'an@example.vn'
        """
        return _pick_contact(self.contacts, kind)


_TAX_CODE = re.compile(r"([0-9]{10})(?:-([0-9]{3}))?|([0-9]{12})", re.ASCII)
_MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
# The first three digits of a 12-digit personal identification number (số định danh cá
# nhân, on the CCCD card): the province or city of birth registration, numbered by the
# 63 pre-2025 provinces (Circular 07/2016/TT-BCA; the numbers did not change in 2025).
_ID_PROVINCE_CODES: frozenset[str] = frozenset({
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019",
    "020", "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036",
    "037", "038", "040", "042", "044", "045", "046", "048", "049", "051", "052", "054",
    "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
    "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
    "094", "095", "096",
})  # fmt: skip


_NINE_DIGITS = re.compile(r"[0-9]{9}")


def tax_code_check_digit(first_nine: str) -> str | None:
    """The tenth digit of a tax code whose first nine digits are ``first_nine``.

    Weights 31, 29, 23, 19, 17, 13, 7, 5, 3; the check digit is 10 minus the weighted
    sum modulo 11. When the sum is a multiple of 11 no digit fits, and no tax code starts
    with those nine digits (``None``).

    >>> tax_code_check_digit("010123456")
    '5'

    Raises:
        ValidationError: ``first_nine`` is not a string of exactly nine ASCII digits.
    """
    check_type("first_nine", first_nine, str)
    if _NINE_DIGITS.fullmatch(first_nine) is None:
        msg = f"expected exactly 9 digits 0-9, got {shown(first_nine)}"
        raise ValidationError("first_nine", msg)
    total = sum(w * int(d) for w, d in zip(_MST_WEIGHTS, first_nine, strict=True))
    rest = total % 11
    return None if rest == 0 else str(10 - rest)


def _with_check_digit(nine: str) -> str:
    """A valid 10-digit tax code from 9 digits, moving the 9th digit up if it must.

    For generated data (the sample book, the Hypothesis strategies): the 9th digit has
    weight 3, so of any three consecutive values at least one gives a sequence number
    other than 0000000 and a sum that is not a multiple of 11.
    """
    for step in range(3):
        head = nine[:8] + str((int(nine[8]) + step) % 10)
        check = tax_code_check_digit(head)
        if check is not None and head[2:9] != "0000000":
            return head + check
    raise RuntimeError(nine)  # pragma: no cover  (unreachable, see above)


def normalize_tax_code(value: str) -> str:
    """Return a tax code (mã số thuế) checked for its format and check digit.

    Three forms: 10 digits (an organisation, or an individual's code issued before
    July 2025), whose tenth digit is a check digit; those 10 digits, a dash and a
    3-digit unit number (a branch or dependent unit, never ``000``); and, from 1 July
    2025, the 12-digit personal identification number that individuals and household
    businesses use as their tax code (its first 3 digits are a province code).
    Surrounding whitespace is stripped. Whether the code was issued is not checked.

    >>> normalize_tax_code(" 0101234565-001 "), normalize_tax_code("001090123456")
    ('0101234565-001', '001090123456')
    >>> normalize_tax_code("0101234567")
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: tax_code: '0101234567' is not a tax code: its last digit ...
    """
    code = check_type("tax_code", value, str).strip()
    found = _TAX_CODE.fullmatch(code)
    if found is None:
        msg = (
            f"{shown(code)} is not a tax code: expected 10 digits, 10-3 digits for a "
            "branch, or a 12-digit personal identification number"
        )
        raise ValidationError("tax_code", msg)
    head, unit, personal = found.groups()
    if personal is not None:
        if personal[:3] not in _ID_PROVINCE_CODES:
            msg = (
                f"{_hidden(code)} is not a personal identification number: "
                f"{personal[:3]} is not a province code"
            )
            raise ValidationError("tax_code", msg)
        return code
    if head[2:9] == "0000000":
        msg = f"{code!r} is not a tax code: digits 3 to 9 are a number from 0000001"
        raise ValidationError("tax_code", msg)
    check = tax_code_check_digit(head[:9])
    if check is None:
        msg = f"{code!r} is not a tax code: no check digit fits its first nine digits"
        raise ValidationError("tax_code", msg)
    if head[9] != check:
        msg = f"{code!r} is not a tax code: its last digit should be {check}"
        raise ValidationError("tax_code", msg)
    if unit == "000":
        msg = f"{code!r} is not a tax code: a branch is numbered from 001"
        raise ValidationError("tax_code", msg)
    return code


# Categories reserved to one party type, and the party type they belong to.
_CATEGORY_PARTY_TYPE: Mapping[BusinessCategory, PartyType] = MappingProxyType(
    {
        BusinessCategory.GOVERNMENT: PartyType.GOVERNMENT,
        BusinessCategory.NONPROFIT: PartyType.NONPROFIT,
    }
)


@attrs.frozen
class Organization:
    """A business, government agency or non-profit customer (or an internal unit).

    ``tax_code`` is the mã số thuế, checked by :func:`normalize_tax_code`: 10 digits
    with a valid check digit, or those, a dash and 3 digits for a branch or dependent
    unit; a business may also give the 12-digit personal identification number a
    household business uses as its tax code since 1 July 2025.

    >>> org = Organization(legal_name="Công ty TNHH Ánh Dương", tax_code=" 0101234565-001 ")
    >>> org.tax_code, org.is_branch_tax_code
    ('0101234565-001', True)
    >>> Organization(legal_name="UBND phường Bến Thành", party_type=PartyType.GOVERNMENT,
    ...              category=BusinessCategory.GOVERNMENT).party_type.market
    Market.B2G
    """

    legal_name: str
    party_type: PartyType = PartyType.BUSINESS
    tax_code: str | None = None
    category: BusinessCategory | None = None
    internal_unit: InternalUnit | None = None
    contacts: tuple[ContactPoint, ...] = attrs.field(default=(), converter=_to_contacts)
    address: Address | None = None

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "legal_name", _normalize_name(self.legal_name, "legal_name"))
        check_type("party_type", self.party_type, PartyType)
        if self.party_type is PartyType.INDIVIDUAL:
            msg = "an organisation cannot have party type 'individual'; use Person"
            raise ValidationError("party_type", msg)
        if self.tax_code is not None:
            code = normalize_tax_code(self.tax_code)
            if len(code) == 12 and self.party_type is not PartyType.BUSINESS:
                msg = (
                    "a 12-digit personal identification number is the tax code of an "
                    f"individual or a household business, not of a {self.party_type.value} party"
                )
                raise ValidationError("tax_code", msg)
            object.__setattr__(self, "tax_code", code)
        check_optional("category", self.category, BusinessCategory)
        self._check_category()
        check_optional("internal_unit", self.internal_unit, InternalUnit)
        _check_contacts(self.contacts)
        check_optional("address", self.address, Address)

    def _check_category(self) -> None:
        if self.category is None:
            return
        required = _CATEGORY_PARTY_TYPE.get(self.category)
        if required is not None and self.party_type is not required:
            msg = (
                f"category {self.category.value!r} requires party type "
                f"{required.value!r}, not {self.party_type.value!r}"
            )
            raise ValidationError("category", msg)
        if required is None and self.party_type in _CATEGORY_PARTY_TYPE.values():
            msg = (
                f"a {self.party_type.value} party needs category "
                f"{self.party_type.value!r} or none, not {self.category.value!r}"
            )
            raise ValidationError("category", msg)

    @property
    def is_branch_tax_code(self) -> bool:
        """True for a 13-digit branch tax code ("0101234565-001")."""
        return self.tax_code is not None and "-" in self.tax_code

    @property
    def is_personal_tax_code(self) -> bool:
        """True for a household business's 12-digit personal identification number."""
        return self.tax_code is not None and len(self.tax_code) == 12

    def contact(self, kind: ContactKind) -> ContactPoint | None:
        """The primary contact point of ``kind``, else the first one, else ``None``.

        >>> Organization(legal_name="Ánh Dương").contact(ContactKind.PHONE) is None
        True
        """
        return _pick_contact(self.contacts, kind)


Party: TypeAlias = Person | Organization
"""A customer's party: a person or an organisation."""
