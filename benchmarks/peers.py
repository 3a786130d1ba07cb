"""khachhang's ``Customer`` tree written again with pydantic v2 and with msgspec.

The shapes follow :mod:`khachhang.customers` / :mod:`khachhang.parties` field for field
(minus ``Organization`` and ``lifecycle_events``, which the benchmark does not use):

    Customer{id, party: Person{full_name, gender, birth_date,
                               contacts: [ContactPoint{kind, value, consents, label, primary}],
                               address: Address{province, ward, district, street, country}},
             created_at, scope, roles, lifecycle, acquisition_source,
             purchases: [Purchase{id, at, amount: Money{amount, currency}, channel,
                                  items: [LineItem{sku, name, quantity, unit_price}]}],
             tags, currency, income}

Enums are ``str`` enums with the same values as khachhang's, amounts are ``Decimal``,
datetimes must be timezone-aware, and every model is frozen like khachhang's.

Two variants of each peer exist:

* plain (``Pd*`` / ``Ms*``): only type validation (pydantic) or none (msgspec
  constructors; ``msgspec.convert``/``decode`` check types);
* phone-validating (``PdPhone*`` / ``MsPhone*``): a phone ``ContactPoint`` is parsed
  and formatted to E.164 with :mod:`phonenumbers`, as khachhang does, so the expensive
  step khachhang always pays is paid by the peer as well.

Importing this module has no side effects beyond defining classes.
"""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from typing import Annotated

import msgspec
import phonenumbers
from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationInfo, field_validator

__all__ = [
    "AcquisitionSource",
    "ContactChannel",
    "ContactKind",
    "Gender",
    "Lifecycle",
    "MsAddress",
    "MsContactPoint",
    "MsCustomer",
    "MsLineItem",
    "MsMoney",
    "MsPerson",
    "MsPhoneContactPoint",
    "MsPhoneCustomer",
    "MsPhonePerson",
    "MsPurchase",
    "PdAddress",
    "PdContactPoint",
    "PdCustomer",
    "PdLineItem",
    "PdMoney",
    "PdPerson",
    "PdPhoneContactPoint",
    "PdPhoneCustomer",
    "PdPhonePerson",
    "PdPurchase",
    "PurchaseChannel",
    "Role",
    "Scope",
    "e164",
]


# --- enums (same values as khachhang's BilingualEnums) ---------------------------------


class Gender(str, enum.Enum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"


class ContactKind(str, enum.Enum):
    PHONE = "phone"
    EMAIL = "email"
    SOCIAL = "social"


class ContactChannel(str, enum.Enum):
    CALL = "call"
    SMS = "sms"
    EMAIL = "email"
    SOCIAL = "social"
    CHAT = "chat"


class Scope(str, enum.Enum):
    INTERNAL = "internal"
    EXTERNAL = "external"


class Role(str, enum.Enum):
    END_USER = "end_user"
    BUYER = "buyer"
    DISTRIBUTOR = "distributor"
    SUPPLIER = "supplier"
    BANK = "bank"
    COMPETITOR = "competitor"
    REFERRER = "referrer"


class Lifecycle(str, enum.Enum):
    PROSPECT = "prospect"
    CURRENT = "current"
    LOYAL = "loyal"
    LAPSED = "lapsed"


class AcquisitionSource(str, enum.Enum):
    ADVERTISING = "advertising"
    PAID_ADS = "paid_ads"
    REFERRAL = "referral"
    SOCIAL_NETWORK = "social_network"
    SEARCH = "search"
    EVENT = "event"
    NETWORKING = "networking"
    TELEMARKETING = "telemarketing"
    CONTENT = "content"
    WALK_IN = "walk_in"
    OTHER = "other"


class PurchaseChannel(str, enum.Enum):
    IN_STORE = "in_store"
    ONLINE = "online"
    PHONE = "phone"
    SALES_REP = "sales_rep"
    DISTRIBUTOR = "distributor"
    MARKETPLACE = "marketplace"


def e164(value: str, region: str = "VN") -> str:
    """Parse, check and format a phone number the way khachhang's ``normalize_phone`` does."""
    parsed = phonenumbers.parse(value.strip(), region)
    if not phonenumbers.is_valid_number(parsed):
        msg = f"{value!r} is not a valid phone number"
        raise ValueError(msg)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# --- pydantic v2 ---------------------------------------------------------------------

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class PdMoney(BaseModel):
    model_config = _FROZEN

    amount: Decimal
    currency: str = "VND"


class PdLineItem(BaseModel):
    model_config = _FROZEN

    sku: str
    name: str
    quantity: int
    unit_price: PdMoney


class PdPurchase(BaseModel):
    model_config = _FROZEN

    id: str
    at: AwareDatetime
    amount: PdMoney
    channel: PurchaseChannel = PurchaseChannel.IN_STORE
    items: list[PdLineItem] = []


class PdContactPoint(BaseModel):
    model_config = _FROZEN

    kind: ContactKind
    value: str
    consents: frozenset[ContactChannel] = frozenset()
    label: str = ""
    primary: bool = False


class PdAddress(BaseModel):
    model_config = _FROZEN

    province: str
    ward: str = ""
    district: str | None = None
    street: str = ""
    country: str = "VN"


class PdPerson(BaseModel):
    model_config = _FROZEN

    full_name: str
    gender: Gender | None = None
    birth_date: datetime.date | None = None
    contacts: list[PdContactPoint] = []
    address: PdAddress | None = None


class PdCustomer(BaseModel):
    model_config = _FROZEN

    id: str
    party: PdPerson
    created_at: AwareDatetime
    scope: Scope = Scope.EXTERNAL
    roles: frozenset[Role] = frozenset()
    lifecycle: Lifecycle = Lifecycle.PROSPECT
    acquisition_source: AcquisitionSource | None = None
    purchases: list[PdPurchase] = []
    tags: frozenset[str] = frozenset()
    currency: str = "VND"
    income: PdMoney | None = None


class PdPhoneContactPoint(PdContactPoint):
    """``PdContactPoint`` whose phone values are normalised to E.164 with phonenumbers."""

    @field_validator("value")
    @classmethod
    def _phone(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("kind") is ContactKind.PHONE:
            return e164(value)
        return value


class PdPhonePerson(PdPerson):
    contacts: list[PdPhoneContactPoint] = []


class PdPhoneCustomer(PdCustomer):
    party: PdPhonePerson


# --- msgspec -------------------------------------------------------------------------

# An aware datetime (msgspec refuses naive ones when decoding with this constraint).
AwareDT = Annotated[datetime.datetime, msgspec.Meta(tz=True)]


class MsMoney(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    amount: Decimal
    currency: str = "VND"


class MsLineItem(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    sku: str
    name: str
    quantity: int
    unit_price: MsMoney


class MsPurchase(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: str
    at: AwareDT
    amount: MsMoney
    channel: PurchaseChannel = PurchaseChannel.IN_STORE
    items: list[MsLineItem] = []


class MsContactPoint(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    kind: ContactKind
    value: str
    consents: frozenset[ContactChannel] = frozenset()
    label: str = ""
    primary: bool = False


class MsAddress(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    province: str
    ward: str = ""
    district: str | None = None
    street: str = ""
    country: str = "VN"


class MsPerson(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    full_name: str
    gender: Gender | None = None
    birth_date: datetime.date | None = None
    contacts: list[MsContactPoint] = []
    address: MsAddress | None = None


class MsCustomer(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: str
    party: MsPerson
    created_at: AwareDT
    scope: Scope = Scope.EXTERNAL
    roles: frozenset[Role] = frozenset()
    lifecycle: Lifecycle = Lifecycle.PROSPECT
    acquisition_source: AcquisitionSource | None = None
    purchases: list[MsPurchase] = []
    tags: frozenset[str] = frozenset()
    currency: str = "VND"
    income: MsMoney | None = None


class MsPhoneContactPoint(MsContactPoint, frozen=True, forbid_unknown_fields=True):
    """``MsContactPoint`` whose phone values are normalised to E.164 in ``__post_init__``.

    msgspec runs ``__post_init__`` on construction and on ``convert``/``decode``.
    """

    def __post_init__(self) -> None:
        if self.kind is ContactKind.PHONE:
            msgspec.structs.force_setattr(self, "value", e164(self.value))


class MsPhonePerson(MsPerson, frozen=True, forbid_unknown_fields=True):
    contacts: list[MsPhoneContactPoint] = []


class MsPhoneCustomer(MsCustomer, frozen=True, forbid_unknown_fields=True):
    party: MsPhonePerson
