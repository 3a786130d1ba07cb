"""Redaction and pseudonymisation of personal data for export.

Every model that holds personal data names its personal fields in one table
(:func:`personal_fields` walks it), each with a :class:`DataKind`; a
:class:`RedactionPolicy` says what to do with each kind: keep it, mask it, replace it
by a keyed hash (a stable pseudonym: the same value gives the same pseudonym under the
same key, so joins across exports still work) or drop it.

A redacted value is an *export*, not a model: :func:`redact` returns the value's
:func:`~khachhang.serde.to_dict` form with the personal fields replaced. A masked phone
(``+8490*****67``) or a pseudonym is not a phone number, and a model that accepted one
would no longer mean what its type says; so redacted data has the shape of the model's
JSON but :func:`~khachhang.serde.from_dict` refuses it, and redacted data can never be
mistaken for the real record.

>>> from datetime import datetime, timezone
>>> from khachhang import ContactPoint, Customer, Person
>>> t = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
>>> lan = Customer("c-1", Person("Trần Thị Lan", contacts=[ContactPoint.phone("0901234567")]),
...                created_at=t)
>>> data = redact(lan, RedactionPolicy.masking())
>>> data["party"]["full_name"], data["party"]["contacts"][0]["value"]
('T. T. L.', '+8490*****67')
>>> key = b"a secret key of 16+ bytes"
>>> hashed = redact(lan, RedactionPolicy.pseudonymising(), key=key)
>>> hashed["id"] == pseudonym("c-1", DataKind.IDENTIFIER, key=key)
True
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

import attrs

from khachhang._checks import check_type
from khachhang.buying.center import Participant
from khachhang.buying.data import InfluenceNote, Opening, Proposal, Review
from khachhang.care.planning.touchpoints import Touchpoint
from khachhang.care.planning.workflows import RunCancelled, StepCompleted, StepSkipped
from khachhang.care.service.complaints import Complaint
from khachhang.customers import ERASED_NAME, Customer, Erasure
from khachhang.errors import ValidationError
from khachhang.fsm import Event
from khachhang.labels import BilingualEnum
from khachhang.parties import (
    Address,
    ContactChannel,
    ContactKind,
    ContactPoint,
    Organization,
    Person,
    mask_contact,
)
from khachhang.privacy.consent import ConsentEvent, ConsentLedger

if TYPE_CHECKING:
    from khachhang.serde import JSONValue

__all__ = [
    "MIN_KEY_BYTES",
    "DataKind",
    "RedactionPolicy",
    "Treatment",
    "check_key_for",
    "personal_fields",
    "pseudonym",
    "redact",
]

MIN_KEY_BYTES = 16
"""The shortest HMAC key accepted for pseudonyms (128 bits)."""


class DataKind(BilingualEnum):
    """A kind of personal data a field holds; a :class:`RedactionPolicy` treats each kind.

    >>> DataKind.PHONE.label(), DataKind.PHONE.label("en")
    ('Số điện thoại', 'Phone number')
    """

    NAME = ("name", "Họ và tên", "Name of a person")
    PHONE = ("phone", "Số điện thoại", "Phone number")
    EMAIL = ("email", "Địa chỉ Email", "Email address")
    HANDLE = ("handle", "Tài khoản mạng xã hội", "Social network account")
    BIRTH_DATE = ("birth_date", "Ngày sinh", "Date of birth")
    GENDER = ("gender", "Giới tính", "Gender")
    ADDRESS = ("address", "Địa chỉ (số nhà, đường, phường/xã)", "Street address and ward")
    REGION = ("region", "Tỉnh/thành phố, quốc gia", "Province and country")
    PERSONAL_ID = ("personal_id", "Số định danh cá nhân", "Personal identification number")
    INCOME = ("income", "Thu nhập hằng tháng", "Monthly income")
    NOTE = ("note", "Ghi chú, nội dung tự do", "Free-text note")
    IDENTIFIER = ("identifier", "Mã khách hàng", "Customer identifier")
    ACTOR = ("actor", "Người thực hiện (nhân viên, khách hàng)", "Who acted (staff, customer)")


class Treatment(BilingualEnum):
    """What a policy does with one kind of personal data.

    ``MASK`` keeps a part that does not identify (see :func:`redact` for each kind);
    ``HASH`` replaces the value by its keyed pseudonym (:func:`pseudonym`); ``DROP``
    writes ``null``.
    """

    KEEP = ("keep", "Giữ nguyên", "Keep")
    MASK = ("mask", "Che một phần", "Mask")
    HASH = ("hash", "Thay bằng bí danh (băm có khóa)", "Pseudonymise (keyed hash)")
    DROP = ("drop", "Lược bỏ", "Drop")


@attrs.frozen
class RedactionPolicy:
    """One :class:`Treatment` per :class:`DataKind`; masking everything by default.

    The policy is data (store it, load it with :mod:`khachhang.serde`); the key a
    hashing policy needs is a secret, so it is not part of the policy but given to
    :func:`redact` (``key=``).

    >>> policy = RedactionPolicy(phone=Treatment.HASH, region=Treatment.KEEP)
    >>> policy.treatment(DataKind.PHONE), policy.treatment(DataKind.NAME)
    (Treatment.HASH, Treatment.MASK)
    """

    name: Treatment = Treatment.MASK
    phone: Treatment = Treatment.MASK
    email: Treatment = Treatment.MASK
    handle: Treatment = Treatment.MASK
    birth_date: Treatment = Treatment.MASK
    gender: Treatment = Treatment.MASK
    address: Treatment = Treatment.MASK
    region: Treatment = Treatment.MASK
    personal_id: Treatment = Treatment.MASK
    income: Treatment = Treatment.MASK
    note: Treatment = Treatment.MASK
    identifier: Treatment = Treatment.MASK
    actor: Treatment = Treatment.MASK

    def __attrs_post_init__(self) -> None:
        for kind in DataKind:
            check_type(kind.value, getattr(self, kind.value), Treatment)

    def treatment(self, kind: DataKind) -> Treatment:
        """What the policy does with ``kind``."""
        treatment: Treatment = getattr(self, check_type("kind", kind, DataKind).value)
        return treatment

    @property
    def hashes(self) -> bool:
        """True if some kind is pseudonymised (the policy then needs a key)."""
        return Treatment.HASH in (self.treatment(kind) for kind in DataKind)

    @classmethod
    def masking(cls) -> RedactionPolicy:
        """Mask every kind; keep gender, province and identifiers (coarse or needed to
        join), as an export for analysis usually wants.

        >>> RedactionPolicy.masking().treatment(DataKind.IDENTIFIER)
        Treatment.KEEP
        """
        keep = Treatment.KEEP
        return cls(gender=keep, region=keep, identifier=keep)

    @classmethod
    def pseudonymising(cls) -> RedactionPolicy:
        """Replace every kind by its keyed pseudonym, identifiers too (joins still
        work across exports made with one key); keep gender and province."""
        every = {kind.value: Treatment.HASH for kind in DataKind}
        return cls(**{**every, "gender": Treatment.KEEP, "region": Treatment.KEEP})

    @classmethod
    def dropping(cls) -> RedactionPolicy:
        """Drop every kind but the identifiers (kept, so the rows still join)."""
        every = {kind.value: Treatment.DROP for kind in DataKind}
        return cls(**{**every, "identifier": Treatment.KEEP})


# --- the table of personal fields ---------------------------------------------------

_CONTACT_KINDS = {
    ContactKind.PHONE: DataKind.PHONE,
    ContactKind.EMAIL: DataKind.EMAIL,
    ContactKind.SOCIAL: DataKind.HANDLE,
}

_Kinds = Callable[[object], Mapping[str, DataKind]]
_NONE: Mapping[str, DataKind] = {}


def _fixed(**kinds: DataKind) -> _Kinds:
    return lambda value: kinds


def _contact(value: object) -> Mapping[str, DataKind]:
    if not isinstance(value, ContactPoint):  # pragma: no cover  (the table is keyed by type)
        return _NONE
    return {"value": _CONTACT_KINDS[value.kind], "label": DataKind.NOTE}


def _organization(value: object) -> Mapping[str, DataKind]:
    # An organisation's name and tax code are public registrations; a 12-digit code is a
    # person's identification number (a household business since July 2025).
    if isinstance(value, Organization) and value.is_personal_tax_code:
        return {"tax_code": DataKind.PERSONAL_ID}
    return _NONE


def _consent_event(value: object) -> Mapping[str, DataKind]:
    if not isinstance(value, ConsentEvent):  # pragma: no cover  (the table is keyed by type)
        return _NONE
    channel = value.channel
    contact = (
        DataKind.EMAIL
        if channel is ContactChannel.EMAIL
        else DataKind.PHONE
        if channel in (ContactChannel.CALL, ContactChannel.SMS)
        else DataKind.HANDLE
    )
    return {"contact": contact, "proof": DataKind.NOTE, "actor": DataKind.ACTOR}


_K = DataKind
_TABLE: dict[type, _Kinds] = {
    ConsentEvent: _consent_event,
    ConsentLedger: _fixed(subject=_K.IDENTIFIER),
    Erasure: _fixed(reason=_K.NOTE, actor=_K.ACTOR),
    Person: _fixed(full_name=_K.NAME, gender=_K.GENDER, birth_date=_K.BIRTH_DATE),
    ContactPoint: _contact,
    Address: _fixed(
        street=_K.ADDRESS,
        ward=_K.ADDRESS,
        district=_K.ADDRESS,
        province=_K.REGION,
        country=_K.REGION,
    ),
    Organization: _organization,
    Customer: _fixed(id=_K.IDENTIFIER, income=_K.INCOME, tags=_K.NOTE),
    Event: _fixed(actor=_K.ACTOR, note=_K.NOTE),
    Participant: _fixed(person=_K.NAME),
    Opening: _fixed(buyer=_K.IDENTIFIER),
    Proposal: _fixed(summary=_K.NOTE),
    Review: _fixed(comment=_K.NOTE),
    InfluenceNote: _fixed(text=_K.NOTE),
    Touchpoint: _fixed(customer_id=_K.IDENTIFIER, note=_K.NOTE),
    Complaint: _fixed(customer_id=_K.IDENTIFIER, subject=_K.NOTE),
    StepCompleted: _fixed(outcome=_K.NOTE),
    StepSkipped: _fixed(reason=_K.NOTE),
    RunCancelled: _fixed(reason=_K.NOTE),
}
"""Model -> its personal fields and their kinds. In any other model, ``customer_id`` is
an identifier, ``actor`` an actor and free text named ``note``, ``reason``, ``proof`` or
``comment`` a note (personal unless shown otherwise); nested models are walked."""

_BY_NAME: Mapping[str, DataKind] = {
    "customer_id": DataKind.IDENTIFIER,
    "actor": DataKind.ACTOR,
    "note": DataKind.NOTE,
    "reason": DataKind.NOTE,
    "proof": DataKind.NOTE,
    "comment": DataKind.NOTE,
}

Path = tuple[str | int, ...]
"""Where a field sits in a value: attribute names and tuple indexes."""


def _kinds_of(value: object) -> Mapping[str, DataKind]:
    kinds = _TABLE.get(type(value))
    if kinds is not None:
        return kinds(value)
    names = attrs.fields_dict(type(value))  # type: ignore[arg-type]  # an attrs class (checked by the caller)
    return {
        name: kind
        for name, kind in _BY_NAME.items()
        if name in names and isinstance(getattr(value, name), str)  # text, not an enum
    }


def personal_fields(value: object) -> Iterator[tuple[Path, DataKind, object]]:
    """Every personal field in ``value`` (a model, or a tuple or list of them), nested
    models included: ``(path, kind, value)``, empty and ``None`` fields left out.

    >>> from khachhang import Person
    >>> [(path, kind.value) for path, kind, _ in personal_fields(Person("Lê Minh"))]
    [(('full_name',), 'name')]
    """
    yield from _walk(value, ())


def _walk(value: object, path: Path) -> Iterator[tuple[Path, DataKind, object]]:
    if isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            yield from _walk(item, (*path, i))
        return
    if not attrs.has(type(value)):
        return
    kinds = _kinds_of(value)
    for field in attrs.fields(type(value)):  # type: ignore[arg-type]  # attrs.has above
        name = field.name
        if name.startswith("_") or not field.init:
            continue
        item = getattr(value, name)
        kind = kinds.get(name)
        if kind is None:
            yield from _walk(item, (*path, name))
        elif kind is DataKind.NAME and item == ERASED_NAME:
            continue  # the placeholder an erased person keeps is nobody's name
        elif item is not None and item != "" and item != frozenset():
            yield (*path, name), kind, item


# --- treatments -----------------------------------------------------------------------


def pseudonym(text: str, kind: DataKind, *, key: bytes) -> str:
    """The keyed pseudonym of ``text`` as a ``kind``: HMAC-SHA256, 128 bits in hex.

    The same text, kind and key always give the same pseudonym (so exports still join);
    without the key it cannot be recomputed from a guessed value, which a plain hash of
    a phone number could (Vietnam has about 10^9 mobile numbers).

    >>> pseudonym("+84901234567", DataKind.PHONE, key=b"0123456789abcdef")
    'ps_1f0d96e4b2e3bc2bd40a53b01fc87ea9'
    """
    check_type("text", text, str)
    message = f"{check_type('kind', kind, DataKind).value}\x1f{text}".encode()
    digest = hmac.new(_check_key(key), message, hashlib.sha256).hexdigest()
    return f"ps_{digest[:32]}"


def _check_key(key: object) -> bytes:
    if not isinstance(key, bytes):
        msg = f"a pseudonymising policy needs key= (bytes), got {type(key).__name__}"
        raise ValidationError("key", msg)
    if len(key) < MIN_KEY_BYTES:
        msg = f"a pseudonym key has at least {MIN_KEY_BYTES} bytes, got {len(key)}"
        raise ValidationError("key", msg)
    return key


def check_key_for(policy: RedactionPolicy, key: object) -> bytes | None:
    """The checked key when ``policy`` hashes (else ``None``, whatever ``key`` is).

    Raises:
        ValidationError: the policy hashes and ``key`` is not bytes of at least
            :data:`MIN_KEY_BYTES`.
    """
    return _check_key(key) if policy.hashes else None


def _mask_words(text: str) -> str:
    return " ".join(f"{word[:1]}." for word in text.split())


def _mask(kind: DataKind, data: JSONValue) -> JSONValue:
    """The masked form of one field's JSON ``data`` (a kind without one is dropped)."""
    if kind in (DataKind.PHONE, DataKind.EMAIL, DataKind.HANDLE, DataKind.PERSONAL_ID):
        return mask_contact(data) if isinstance(data, str) else None
    if kind is DataKind.NAME:
        return _mask_words(data) if isinstance(data, str) else None
    if kind is DataKind.BIRTH_DATE:
        return data[:4] if isinstance(data, str) else None  # the year: age bands still work
    if kind in (DataKind.IDENTIFIER, DataKind.ACTOR):
        return f"{data[:1]}***" if isinstance(data, str) else None
    if kind in (DataKind.ADDRESS, DataKind.NOTE):
        if isinstance(data, list):  # tags
            return ["***" for _ in data]
        return "***" if data else data
    if kind is DataKind.REGION:
        return data
    return None  # gender, income: no part of them is less identifying


def _treat(
    kind: DataKind, data: JSONValue, policy: RedactionPolicy, key: bytes | None
) -> JSONValue:
    treatment = policy.treatment(kind)
    if treatment is Treatment.KEEP or data is None:
        return data
    if treatment is Treatment.DROP:
        return None
    if treatment is Treatment.MASK:
        return _mask(kind, data)
    assert key is not None  # checked once before the walk
    if isinstance(data, list):  # tags: each its own pseudonym, so a tag still joins
        return [pseudonym(_text(item), kind, key=key) for item in data]
    return pseudonym(_text(data), kind, key=key)


def _text(data: JSONValue) -> str:
    if isinstance(data, str):
        return data
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def redact(
    value: object,
    policy: RedactionPolicy | None = None,
    *,
    key: bytes | None = None,
    kind: DataKind | None = None,
) -> JSONValue:
    """``value``'s :func:`~khachhang.serde.to_dict` form with its personal data treated
    by ``policy`` (:meth:`RedactionPolicy.masking` when left out).

    ``value`` is a model, or a tuple or list of models; with ``kind``, it is one bare
    value of that kind (a customer id, a phone) and its treated form is returned.
    ``key`` is the secret of the pseudonyms, required when the policy hashes.

    Masking, kind by kind: a phone, e-mail, handle or personal id as
    :func:`~khachhang.parties.mask_contact` (``+8490*****67``, ``l***@example.com``);
    a name as its initials (``T. T. L.``); a birth date as its year; an identifier as
    its first character; an address line or a note as ``***``; a province and country
    are kept; gender and income (no part of them is less identifying) are dropped.

    Raises:
        ValidationError: ``policy`` is not a :class:`RedactionPolicy`; it hashes and
            ``key`` is missing or shorter than :data:`MIN_KEY_BYTES`.
        ConversionError: ``value`` is not something :func:`~khachhang.serde.to_dict`
            can write.
    """
    from khachhang.serde import to_dict

    policy = RedactionPolicy.masking() if policy is None else policy
    check_type("policy", policy, RedactionPolicy)
    key = check_key_for(policy, key)
    if kind is not None:
        return _treat(check_type("kind", kind, DataKind), to_dict(value), policy, key)
    data = to_dict(value)
    for path, found, _ in personal_fields(value):
        _replace(data, path, found, policy, key)
    return data


def _replace(
    data: JSONValue, path: Path, kind: DataKind, policy: RedactionPolicy, key: bytes | None
) -> None:
    """Treat the field at ``path`` in ``data`` (a field the converter did not write,
    such as a derived one, is left alone)."""
    node = data
    for step in path[:-1]:
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                return
            node = node[step]
        elif isinstance(node, dict) and step in node:
            node = node[step]
        else:
            return
    last = path[-1]
    if isinstance(node, dict) and isinstance(last, str) and last in node:
        node[last] = _treat(kind, node[last], policy, key)
