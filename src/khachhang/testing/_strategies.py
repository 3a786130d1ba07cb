"""Hypothesis strategies for every public model (private; see :mod:`khachhang.testing`).

Every strategy builds valid values directly instead of filtering, so examples are cheap
and shrink well. Names, companies, streets and products are drawn from short Vietnamese
lists, so failing examples read like real customer records.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from khachhang._vocabulary import (
    BRANDS,
    BUSINESS_FORMS,
    DEPARTMENTS,
    FAMILY_NAMES,
    FORMER_DISTRICTS,
    MOBILE_PREFIXES,
    STREETS,
    WARDS,
)
from khachhang._vocabulary import GIVEN_NAMES as GIVEN_NAMES_BY_GENDER
from khachhang._vocabulary import MIDDLE_NAMES as MIDDLE_NAMES_BY_GENDER
from khachhang.customers import (
    LIFECYCLE,
    AcquisitionSource,
    Customer,
    LifecyclePolicy,
    LineItem,
    Purchase,
    PurchaseChannel,
)
from khachhang.fsm import Event
from khachhang.kinds import (
    EMPLOYEE_ROLES,
    EXTERNAL_ONLY_ROLES,
    ORGANIZATION_ONLY_ROLES,
    BusinessCategory,
    InternalUnit,
    Lifecycle,
    PartyType,
    Role,
    Scope,
)
from khachhang.money import (
    CURRENCIES,
    DEFAULT_CURRENCY,
    MAX_AMOUNT,
    MONEY_CONTEXT,
    Money,
    MoneyInput,
)
from khachhang.parties import _ID_PROVINCE_CODES as ID_PROVINCE_CODES
from khachhang.parties import (
    FORMER_PROVINCES,
    PROVINCES,
    SUPPORTED_CHANNELS,
    Address,
    ContactKind,
    ContactPoint,
    Gender,
    Organization,
    Party,
    Person,
    _with_check_digit,
)
from khachhang.report import BookSummary, summarize

__all__ = [
    "addresses",
    "aware_datetimes",
    "book_summaries",
    "contact_points",
    "customers",
    "emails",
    "genders",
    "lifecycle_events",
    "lifecycle_policies",
    "line_items",
    "money",
    "organizations",
    "persons",
    "phones",
    "purchases",
]


def _nfc(words: Iterable[str]) -> tuple[str, ...]:
    # Source files may be saved decomposed; the models store NFC, so the lists must too.
    return tuple(unicodedata.normalize("NFC", word) for word in words)


# --- vocabulary -----------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return _nfc(text.split())


MALE_MIDDLE_NAMES = MIDDLE_NAMES_BY_GENDER[Gender.MALE]
FEMALE_MIDDLE_NAMES = MIDDLE_NAMES_BY_GENDER[Gender.FEMALE]
MALE_GIVEN_NAMES = GIVEN_NAMES_BY_GENDER[Gender.MALE]
FEMALE_GIVEN_NAMES = GIVEN_NAMES_BY_GENDER[Gender.FEMALE]
MIDDLE_NAMES = tuple(sorted(set(MALE_MIDDLE_NAMES) | set(FEMALE_MIDDLE_NAMES)))
"""Middle names (tên đệm) for either gender."""
GIVEN_NAMES = tuple(sorted(set(MALE_GIVEN_NAMES) | set(FEMALE_GIVEN_NAMES)))
"""Given names (tên) for either gender."""


def _phrases(text: str) -> tuple[str, ...]:
    return _nfc(text.split("|"))


_ACTIVITIES: dict[BusinessCategory | None, tuple[str, ...]] = {
    BusinessCategory.MANUFACTURER: _nfc(["Sản xuất", "Chế biến Thực phẩm", "Cơ khí", "Dệt may"]),
    BusinessCategory.COMMERCIAL: _nfc(["Thương mại", "Thương mại Dịch vụ", "Xuất nhập khẩu"]),
    BusinessCategory.WHOLESALE_RETAIL: _nfc(["Bán lẻ", "Phân phối", "Bán buôn"]),
    None: _nfc(["Công nghệ", "Xây dựng", "Dịch vụ", "Đầu tư", "Vận tải", "Du lịch"]),
}
_AGENCIES = _phrases(
    "Sở Công Thương|Sở Y tế|Sở Giáo dục và Đào tạo|Sở Tài chính|Sở Xây dựng|"
    "Sở Nông nghiệp và Môi trường|Sở Khoa học và Công nghệ|Bệnh viện Đa khoa|"
    "Ủy ban nhân dân"
)
_NONPROFITS = _phrases(
    "Hội Chữ thập đỏ|Hội Doanh nhân trẻ|Hội Liên hiệp Phụ nữ|Quỹ Bảo trợ trẻ em|"
    "Quỹ Khuyến học|Trung tâm Hỗ trợ Phát triển Cộng đồng"
)
_WARD_NAMES = tuple(ward.split(" ", 1)[1] for ward in WARDS)  # without Phường / Xã
_DISTRICTS = tuple(sorted({d for ds in FORMER_DISTRICTS.values() for d in ds}))
_PRODUCTS = _phrases(
    "Gạo ST25 5kg|Cà phê rang xay 500g|Nước mắm Phú Quốc 500ml|Trà Thái Nguyên 200g|"
    "Bàn làm việc gỗ|Máy lọc nước|Giấy in A4|Dịch vụ bảo trì năm|"
    "Phần mềm kế toán (bản quyền 1 năm)|Áo sơ mi nam"
)
_TAGS = _nfc(["vip", "khách sỉ", "bán lẻ", "zalo", "đại lý cấp 1", "hà nội", "tphcm", "tết"])
_EMAIL_WORDS = _words(
    "nguyen tran le pham hoang vu vo dang bui do ngo an binh chi dung ha hai hoa hung lan "
    "linh long mai minh nam phuong quan son thao trang tuan vy info sales ketoan kinhdoanh"
)
_EMAIL_DOMAINS = (
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "fpt.vn",
    "vnpt.vn",
    "viettel.com.vn",
    "example.vn",
    "example.com.vn",
    "congty.vn",
)
_SOCIAL_HOSTS = ("zalo.me/", "facebook.com/", "m.me/", "@")


_TAX_PREFIXES = ("01", "02", "03", "04", "05", "06", "08", "31", "36", "37", "38", "40", "60")

OFFSETS: tuple[timezone, ...] = (
    timezone.utc,
    timezone(timedelta(hours=7)),
    timezone(timedelta(hours=8)),
    timezone(timedelta(hours=9)),
    timezone(timedelta(hours=5, minutes=30)),
    timezone(timedelta(hours=-5)),
    timezone(timedelta(hours=1)),
)
"""The offsets :func:`aware_datetimes` uses: UTC and Vietnam first.

Fixed offsets only: a ``zoneinfo`` datetime in an ambiguous hour (a historical clock
change in Asia/Ho_Chi_Minh, e.g. 31 Dec 1942 23:30 with ``fold=1``) is never equal to its
round-tripped ``+08:00`` copy, because Python compares such inter-zone datetimes as
unequal. ISO 8601 keeps the offset, not the zone name, so a fixed offset is what
survives ``to_json``/``from_json`` with equality.
"""

_UTC_MIN = datetime(2000, 1, 1, tzinfo=timezone.utc)
_UTC_MAX = datetime(2035, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
_DEFAULT_BORN = (date(1940, 1, 1), date(2008, 12, 31))


# --- money, enums, contacts ------------------------------------------------------------
#
# Strategies are built once (module constants or ``functools.cache``) and combined with
# ``one_of`` rather than built afresh inside ``flatmap``: building and validating a
# strategy costs more than drawing from it, and the CI profile draws thousands.


def money(
    currency: str | None = DEFAULT_CURRENCY,
    min_amount: MoneyInput = 0,
    max_amount: MoneyInput = 10**12,
) -> SearchStrategy[Money]:
    """Money between ``min_amount`` and ``max_amount`` in ``currency`` (any if ``None``).

    Amounts use exactly the currency's minor unit (whole đồng, cents, ...).

    Example: ``@given(money("USD", max_amount=100))`` draws e.g. ``Money('12.34', 'USD')``.
    """
    lo, hi = Decimal(min_amount), Decimal(max_amount)
    if lo.copy_abs() >= MAX_AMOUNT or hi.copy_abs() >= MAX_AMOUNT:
        msg = f"money amounts stay below 10^18 in magnitude; got {min_amount!r}..{max_amount!r}"
        raise InvalidArgument(msg)
    if lo > hi:
        msg = f"min_amount={min_amount!r} is larger than max_amount={max_amount!r}"
        raise InvalidArgument(msg)
    codes = sorted(CURRENCIES) if currency is None else [currency]
    for code in codes:
        Money.zero(code)  # refuses an unknown code now, not at draw time
    options = [_money_in(code, lo, hi) for code in codes]
    return options[0] if len(options) == 1 else st.one_of(options)


@functools.cache
def _money_in(code: str, lo: Decimal, hi: Decimal) -> SearchStrategy[Money]:
    minor = CURRENCIES[code]
    # MONEY_CONTEXT, not the caller's: a test may draw under a hostile decimal context.
    low = int(lo.scaleb(minor, MONEY_CONTEXT).to_integral_value(ROUND_CEILING, MONEY_CONTEXT))
    high = int(hi.scaleb(minor, MONEY_CONTEXT).to_integral_value(ROUND_FLOOR, MONEY_CONTEXT))
    if low > high:
        msg = f"no {code} amount lies between {lo} and {hi}"
        raise InvalidArgument(msg)
    return st.integers(low, high).map(
        lambda units: Money(Decimal(units).scaleb(-minor, MONEY_CONTEXT), code)
    )


def genders() -> SearchStrategy[Gender]:
    """Any :class:`~khachhang.parties.Gender`.

    Example: ``@given(genders())`` draws e.g. ``Gender.FEMALE``.
    """
    return st.sampled_from(Gender)


def phones(*, e164: bool = False) -> SearchStrategy[str]:
    """Valid Vietnamese mobile numbers, national (``0901234567``) or E.164 (``+84...``).

    Example: ``@given(phones(e164=True))`` draws e.g. ``'+84987654321'``.
    """
    return _PHONES_E164 if e164 else _PHONES_NATIONAL


def _phones(trunk: str) -> SearchStrategy[str]:
    return st.builds(
        lambda prefix, rest: f"{trunk}{prefix[1:]}{rest:07d}",
        st.sampled_from(MOBILE_PREFIXES),
        st.integers(0, 9_999_999),
    )


_PHONES_NATIONAL = _phones("0")
_PHONES_E164 = _phones("+84")


def emails() -> SearchStrategy[str]:
    """Valid, already-normalised e-mail addresses, e.g. ``'lan.nguyen92@gmail.com'``.

    ``ContactPoint.email(x).value == x`` for every drawn ``x``.

    Example: ``@given(emails())``.
    """
    return _EMAILS


def _emails() -> SearchStrategy[str]:
    word = st.sampled_from(_EMAIL_WORDS) | st.text(
        "abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8
    )
    local = st.builds(
        lambda words, sep, suffix: sep.join(words) + suffix,
        st.lists(word, min_size=1, max_size=3),
        st.sampled_from([".", "_", "-", ""]),
        st.sampled_from(["", "", "1", "92", "2024", "+crm"]),
    )
    custom = st.builds(
        lambda name, tld: f"{name}.{tld}",
        st.sampled_from(_EMAIL_WORDS),
        st.sampled_from(["vn", "com.vn", "com", "edu.vn", "gov.vn", "org.vn"]),
    )
    domain = st.sampled_from(_EMAIL_DOMAINS) | custom
    return st.builds(lambda lo, do: f"{lo}@{do}", local, domain)


_EMAILS = _emails()
_SOCIAL_HANDLES = st.builds(
    lambda host, name: f"{host}{name}",
    st.sampled_from(_SOCIAL_HOSTS),
    st.sampled_from(_EMAIL_WORDS) | _PHONES_NATIONAL,
)
_LABELS = _nfc(["", "", "cá nhân", "công việc", "nhà riêng", "Zalo", "work"])


def contact_points(
    kind: ContactKind | None = None, *, primary: bool | None = None
) -> SearchStrategy[ContactPoint]:
    """Contact points of ``kind`` (any if ``None``) with consents the kind supports.

    Phone values are stored in E.164, e-mails with a lower-case domain, social handles
    as drawn (``zalo.me/0901234567``, ``@lan``). ``primary=None`` draws both.

    Example: ``@given(contact_points(ContactKind.PHONE))``.
    """
    kinds = list(ContactKind) if kind is None else [kind]
    options = [_contact_points_of(k, primary) for k in kinds]
    return options[0] if len(options) == 1 else st.one_of(options)


@functools.cache
def _contact_points_of(kind: ContactKind, primary: bool | None) -> SearchStrategy[ContactPoint]:
    values = {
        ContactKind.PHONE: _PHONES_NATIONAL | _PHONES_E164,
        ContactKind.EMAIL: _EMAILS,
        ContactKind.SOCIAL: _SOCIAL_HANDLES,
    }
    channels = sorted(SUPPORTED_CHANNELS[kind], key=lambda c: c.value)
    return st.builds(
        ContactPoint,
        kind=st.just(kind),
        value=values[kind],
        consents=st.frozensets(st.sampled_from(channels)),
        label=st.sampled_from(_LABELS),
        primary=st.booleans() if primary is None else st.just(primary),
    )


def _fix_primaries(points: list[ContactPoint]) -> tuple[ContactPoint, ...]:
    """Keep ``primary`` on the first primary contact of each kind only."""
    seen: set[ContactKind] = set()
    fixed = []
    for point in points:
        if point.primary and point.kind in seen:
            point = attrs.evolve(point, primary=False)
        elif point.primary:
            seen.add(point.kind)
        fixed.append(point)
    return tuple(fixed)


@functools.cache
def _contact_lists(max_size: int) -> SearchStrategy[tuple[ContactPoint, ...]]:
    """Contact lists a party accepts: no duplicate values, one primary per kind at most."""
    return st.lists(contact_points(), max_size=max_size, unique_by=lambda p: (p.kind, p.value)).map(
        _fix_primaries
    )


def addresses(pre_2025: bool | None = None) -> SearchStrategy[Address]:
    """Vietnamese addresses: new style (ward + one of the 34 provinces) or pre-2025.

    A pre-2025 address names a district and one of the 63 former provinces/cities
    (``FORMER_PROVINCES``); a new-style address has no district and a current province.
    ``pre_2025=None`` draws both.

    Example: ``@given(addresses(pre_2025=True))`` draws e.g. an address in Bình Dương.
    """
    if pre_2025 is None:
        return _ADDRESSES_ANY
    return _ADDRESSES_OLD if pre_2025 else _ADDRESSES_NEW


def _wards(prefixes: Sequence[str]) -> SearchStrategy[str]:
    return st.just("") | st.builds(
        lambda p, name: f"{p} {name}",
        st.sampled_from(prefixes),
        st.sampled_from(_WARD_NAMES) | st.integers(1, 20).map(str),
    )


_STREET_LINES = st.just("") | st.builds(
    lambda n, name: f"{n} {name}", st.integers(1, 500), st.sampled_from(STREETS)
)
_ADDRESSES_NEW = st.builds(
    Address,
    province=st.sampled_from(PROVINCES),
    ward=_wards(_words("Phường Xã")),
    district=st.none(),
    street=_STREET_LINES,
)
_ADDRESSES_OLD = st.builds(
    Address,
    province=st.sampled_from(sorted(FORMER_PROVINCES)),
    ward=_wards(_phrases("Phường|Xã|Thị trấn")),
    district=st.sampled_from(_DISTRICTS),
    street=_STREET_LINES,
)
_ADDRESSES_ANY = _ADDRESSES_NEW | _ADDRESSES_OLD


# --- parties -----------------------------------------------------------------------------


def _full_names(gender: Gender | None) -> SearchStrategy[str]:
    if gender is Gender.MALE:
        middles, givens = MALE_MIDDLE_NAMES, MALE_GIVEN_NAMES
    elif gender is Gender.FEMALE:
        middles, givens = FEMALE_MIDDLE_NAMES, FEMALE_GIVEN_NAMES
    else:
        middles, givens = MIDDLE_NAMES, GIVEN_NAMES
    return st.builds(
        lambda family, middle, given: " ".join([family, *middle, given]),
        st.sampled_from(FAMILY_NAMES),
        st.lists(st.sampled_from(middles), min_size=1, max_size=2, unique=True),
        st.sampled_from(givens),
    )


def persons(
    gender: Gender | None = None,
    born_between: tuple[date, date] = _DEFAULT_BORN,
    *,
    with_birth_date: bool | None = None,
) -> SearchStrategy[Person]:
    """People with Vietnamese names (family, middle, given), contacts and an address.

    ``gender=None`` draws any gender, or an unknown one; the name fits the gender.
    ``with_birth_date=None`` sometimes leaves the birth date unknown.

    Example: ``@given(persons(Gender.FEMALE))`` draws e.g. ``Person('Trần Thị Thu Hà', ...)``.
    """
    start, end = born_between
    if start > end:
        msg = f"born_between={born_between!r} is an empty range"
        raise InvalidArgument(msg)
    return _persons(gender, start, end, with_birth_date)


@functools.cache
def _persons(
    gender: Gender | None, start: date, end: date, with_birth_date: bool | None
) -> SearchStrategy[Person]:
    born = st.dates(start, end)
    birth_dates: SearchStrategy[date | None]
    if with_birth_date is None:
        birth_dates = st.none() | born
    else:
        birth_dates = born if with_birth_date else st.none()
    options: list[Gender | None] = [gender] if gender is not None else [None, *Gender]
    return st.one_of(
        [
            st.builds(
                Person,
                full_name=_full_names(g),
                gender=st.just(g),
                birth_date=birth_dates,
                contacts=_contact_lists(3),
                address=st.none() | _ADDRESSES_ANY,
            )
            for g in options
        ]
    )


def _tax_codes(*, branch: bool | None = None) -> SearchStrategy[str]:
    """Tax codes with a valid check digit: 10 digits, or 10-3 for a branch."""
    head = st.builds(
        lambda prefix, rest: _with_check_digit(f"{prefix}{rest:07d}"),
        st.sampled_from(_TAX_PREFIXES),
        st.integers(0, 9_999_999),
    )
    tail = st.integers(1, 999).map(lambda n: f"-{n:03d}")
    if branch is None:
        tail = st.just("") | tail
    elif not branch:
        tail = st.just("")
    return st.builds(str.__add__, head, tail)


def _personal_ids() -> SearchStrategy[str]:
    """12-digit personal identification numbers, the tax code of a household business."""
    return st.builds(
        lambda province, century_sex, year, rest: f"{province}{century_sex}{year:02d}{rest:06d}",
        st.sampled_from(sorted(ID_PROVINCE_CODES)),
        st.integers(0, 3),  # 0/1: born in the 1900s (male/female), 2/3: the 2000s
        st.integers(0, 99),
        st.integers(0, 999_999),
    )


_ORG_TYPES = (PartyType.BUSINESS, PartyType.GOVERNMENT, PartyType.NONPROFIT)
_CATEGORIES: dict[PartyType, tuple[BusinessCategory | None, ...]] = {
    PartyType.BUSINESS: (
        None,
        BusinessCategory.MANUFACTURER,
        BusinessCategory.COMMERCIAL,
        BusinessCategory.WHOLESALE_RETAIL,
    ),
    PartyType.GOVERNMENT: (None, BusinessCategory.GOVERNMENT),
    PartyType.NONPROFIT: (None, BusinessCategory.NONPROFIT),
}


def _org_names(party_type: PartyType, category: BusinessCategory | None) -> SearchStrategy[str]:
    if party_type is PartyType.GOVERNMENT:
        return st.builds(
            lambda agency, place: f"{agency} {place}",
            st.sampled_from(_AGENCIES),
            st.sampled_from(PROVINCES),
        )
    if party_type is PartyType.NONPROFIT:
        return st.builds(
            lambda body, place: f"{body} {place}",
            st.sampled_from(_NONPROFITS),
            st.sampled_from(PROVINCES),
        )
    return st.builds(
        lambda form, activity, brand: f"{form} {activity} {brand}",
        st.sampled_from(BUSINESS_FORMS),
        st.sampled_from(_ACTIVITIES.get(category, _ACTIVITIES[None])),
        st.sampled_from(BRANDS),
    )


def organizations(
    party_type: PartyType | None = None, internal_unit: InternalUnit | None = None
) -> SearchStrategy[Organization]:
    """Businesses, government agencies and non-profits with Vietnamese names.

    ``party_type=None`` draws any organisation type. ``internal_unit=None`` draws outside
    organisations (no internal unit); pass ``InternalUnit.DEPARTMENT`` or ``BRANCH`` for
    one of the firm's own units ("Phòng Kinh doanh", "Chi nhánh Đà Nẵng"). Tax codes are
    valid (10 digits with their check digit, or 10-3 for a branch; for a business also a
    household business's 12-digit personal identification number) or absent; the category
    always fits the type.

    Example: ``@given(organizations(PartyType.BUSINESS))`` draws e.g. "Công ty Cổ phần
    Thương mại Ánh Dương".
    """
    if party_type is PartyType.INDIVIDUAL:
        msg = "an organisation cannot be an individual; use persons()"
        raise InvalidArgument(msg)
    return _organizations(party_type, internal_unit)


@functools.cache
def _organizations(
    party_type: PartyType | None, internal_unit: InternalUnit | None
) -> SearchStrategy[Organization]:
    types = _ORG_TYPES if party_type is None else (party_type,)
    if internal_unit is not None:
        if internal_unit is InternalUnit.BRANCH:
            names = st.sampled_from(PROVINCES).map(lambda p: f"Chi nhánh {p}")
        else:
            names = st.sampled_from(DEPARTMENTS)
        return st.builds(
            Organization,
            legal_name=names,
            party_type=st.sampled_from(types),
            tax_code=st.none() | _tax_codes(branch=True),
            category=st.none(),
            internal_unit=st.just(internal_unit),
            contacts=_contact_lists(2),
            address=st.none() | _ADDRESSES_NEW,
        )
    return st.one_of(
        [
            st.builds(
                Organization,
                legal_name=_org_names(kind, category),
                party_type=st.just(kind),
                tax_code=st.none()
                | _tax_codes()
                | (_personal_ids() if kind is PartyType.BUSINESS else st.nothing()),
                category=st.just(category),
                internal_unit=st.none(),
                contacts=_contact_lists(3),
                address=st.none() | _ADDRESSES_ANY,
            )
            for kind in types
            for category in _CATEGORIES[kind]
        ]
    )


# --- time, purchases, policies, events ----------------------------------------------------


def aware_datetimes(
    min_value: datetime = _UTC_MIN, max_value: datetime = _UTC_MAX
) -> SearchStrategy[datetime]:
    """Timezone-aware datetimes between two aware bounds, in a fixed UTC offset.

    The offset is UTC, +07:00 (Vietnam) or another from :data:`OFFSETS`. Zone objects
    (``zoneinfo``) are deliberately not used: see :data:`OFFSETS` for why they do not
    survive an ISO 8601 round trip with equality.

    Example: ``@given(aware_datetimes())`` draws e.g. ``2026-01-05 16:00:00+07:00``.
    """
    for name, bound in (("min_value", min_value), ("max_value", max_value)):
        if bound.tzinfo is None or bound.utcoffset() is None:
            msg = f"{name}={bound!r} must be timezone-aware"
            raise InvalidArgument(msg)
    if min_value > max_value:
        msg = f"min_value={min_value!r} is after max_value={max_value!r}"
        raise InvalidArgument(msg)
    lo = min_value.astimezone(timezone.utc).replace(tzinfo=None)
    hi = max_value.astimezone(timezone.utc).replace(tzinfo=None)
    return _aware_datetimes(lo, hi)


@functools.cache
def _aware_datetimes(lo: datetime, hi: datetime) -> SearchStrategy[datetime]:
    return st.builds(
        lambda naive, tz: naive.replace(tzinfo=timezone.utc).astimezone(tz),
        st.datetimes(lo, hi),
        _OFFSET_CHOICES,
    )


_OFFSET_CHOICES = st.sampled_from(OFFSETS)


def line_items(currency: str = DEFAULT_CURRENCY) -> SearchStrategy[LineItem]:
    """Lines of a purchase with Vietnamese product names, priced in ``currency``.

    Example: ``@given(line_items("VND"))`` draws e.g. ``2 × Gạo ST25 5kg at 180000 VND``.
    """
    Money.zero(currency)
    return _line_items(currency)


@functools.cache
def _line_items(currency: str) -> SearchStrategy[LineItem]:
    return st.builds(
        LineItem,
        sku=st.integers(1, 99_999).map(lambda n: f"SKU-{n:05d}"),
        name=st.sampled_from(_PRODUCTS),
        quantity=st.integers(1, 100),
        unit_price=money(currency, 0, 10**8),
    )


@attrs.frozen
class _Order:
    """What a purchase holds besides its id and time, drawn ahead of both."""

    items: tuple[LineItem, ...]
    amount: Money
    channel: PurchaseChannel

    def at(self, purchase_id: str, when: datetime) -> Purchase:
        return Purchase(purchase_id, when, self.amount, self.channel, self.items)


@functools.cache
def _orders(currency: str, max_items: int = 3) -> SearchStrategy[_Order]:
    def build(
        items: list[LineItem], amount: Money, channel: PurchaseChannel, discount: int
    ) -> _Order:
        if items:
            # What was paid: the items' total less a discount of 0-20 %.
            total = sum((item.total for item in items), Money.zero(currency))
            amount = Money.rounded(total.amount * (100 - discount) / 100, currency)
        return _Order(tuple(items), amount, channel)

    return st.builds(
        build,
        st.lists(_line_items(currency), max_size=max_items),
        money(currency, 0, 10**9),
        st.sampled_from(PurchaseChannel),
        st.sampled_from([0, 0, 5, 10, 20]),
    )


def purchases(
    currency: str = DEFAULT_CURRENCY,
    min_at: datetime = _UTC_MIN,
    max_at: datetime = _UTC_MAX,
) -> SearchStrategy[Purchase]:
    """Purchases in ``currency`` placed between ``min_at`` and ``max_at``.

    With line items the amount is their total less a discount of up to 20 %.

    Example: ``@given(purchases("USD"))``.
    """
    Money.zero(currency)
    return st.builds(
        lambda n, at, order: order.at(f"DH-{n:06d}", at),
        st.integers(1, 999_999),
        aware_datetimes(min_at, max_at),
        _orders(currency),
    )


def lifecycle_policies(currency: str | None = DEFAULT_CURRENCY) -> SearchStrategy[LifecyclePolicy]:
    """Lifecycle policies; ``loyal_min_spent`` is absent or in ``currency`` (any if ``None``).

    Example: ``@given(lifecycle_policies())`` draws e.g. ``LifecyclePolicy(5, None, 180, 365)``.
    """
    return _lifecycle_policies(currency)


@functools.cache
def _lifecycle_policies(currency: str | None) -> SearchStrategy[LifecyclePolicy]:
    return st.builds(
        LifecyclePolicy,
        loyal_min_orders=st.integers(0, 12),
        loyal_min_spent=st.none() | money(currency, 0, 10**9),
        loyal_min_tenure_days=st.integers(0, 730),
        lapse_after_days=st.integers(1, 1095),
    )


_ACTORS = _nfc(["system", "crm-batch", "an.nguyen", "Trần Thị Lan"])
_MOVES = tuple(
    (t, s) for t in LIFECYCLE.transitions for s in sorted(t.sources, key=list(Lifecycle).index)
)


def lifecycle_events(
    min_at: datetime = _UTC_MIN, max_at: datetime = _UTC_MAX
) -> SearchStrategy[Event[Lifecycle]]:
    """Single events of the lifecycle machine: a real move from one of its sources.

    ``promote`` and ``lapse`` sometimes carry the :class:`LifecyclePolicy` that caused
    them, as :meth:`Customer.review_lifecycle` records.

    Example: ``@given(lifecycle_events())`` draws e.g. ``Event('convert', PROSPECT, CURRENT, ...)``.
    """

    def build(
        move: int, at: datetime, actor: str | None, note: str, policy: LifecyclePolicy | None
    ) -> Event[Lifecycle]:
        transition, source = _MOVES[move]
        payload = policy if transition.name in ("promote", "lapse") else None
        return Event(transition.name, source, transition.target, at, actor, note, payload)

    return st.builds(
        build,
        st.integers(0, len(_MOVES) - 1),
        aware_datetimes(min_at, max_at),
        st.none() | st.sampled_from(_ACTORS),
        st.sampled_from(["", "", "tự động", "review"]),
        st.none() | _lifecycle_policies(DEFAULT_CURRENCY),
    )


# --- customers ------------------------------------------------------------------------------

_INTERNAL_ROLES = tuple(r for r in Role if r not in EXTERNAL_ONLY_ROLES)
_CREATED_AT = aware_datetimes(_UTC_MIN, datetime(2026, 12, 31, tzinfo=timezone.utc))
_PERMILLE = st.integers(0, 1000)
_GAP_DAYS = st.integers(0, 120)
_GAP_SECONDS = st.integers(0, 86_399)
_EXTRA_DAYS = st.integers(0, 60)
_LAPSE_DAYS = st.integers(1, 1095)
_CUSTOMER_IDS = st.integers(1, 999_999).map(lambda n: f"KH-{n:06d}")
_SOURCES = st.none() | st.sampled_from(AcquisitionSource)
_TAG_SETS = st.frozensets(st.sampled_from(_TAGS), max_size=3)


def _scaled(draw: st.DrawFn, high: int) -> int:
    """An integer in ``[0, high]`` from a fixed strategy (shrinks towards 0)."""
    return high * draw(_PERMILLE) // 1000


def _check_customer_args(
    scope: Scope | None,
    party_type: PartyType | None,
    roles: frozenset[Role] | None,
    min_purchases: int,
    max_purchases: int,
    lifecycle: Lifecycle | None,
    reviews: bool,
) -> None:
    problems = []
    if not 0 <= min_purchases <= max_purchases:
        problems.append(
            f"need 0 <= min_purchases <= max_purchases, got {min_purchases}, {max_purchases}"
        )
    if roles is not None:
        if scope is Scope.INTERNAL and roles & EXTERNAL_ONLY_ROLES - EMPLOYEE_ROLES:
            problems.append("an internal customer holds no external-only role")
        if (
            scope is Scope.INTERNAL
            and roles & EMPLOYEE_ROLES
            and party_type not in (None, PartyType.INDIVIDUAL)
        ):
            problems.append("an internal buyer is an employee: use party_type=INDIVIDUAL")
        if roles & ORGANIZATION_ONLY_ROLES and party_type not in (None, PartyType.BUSINESS):
            problems.append("the bank role needs party_type=BUSINESS")
    if lifecycle is Lifecycle.PROSPECT and min_purchases > 0:
        problems.append("a prospect has no purchases; use min_purchases=0")
    if lifecycle not in (None, Lifecycle.PROSPECT) and max_purchases == 0:
        problems.append(f"a {lifecycle.value} customer needs max_purchases >= 1")
    if lifecycle in (Lifecycle.LOYAL, Lifecycle.LAPSED) and not reviews:
        problems.append(f"a {lifecycle.value} customer needs reviews=True")
    if problems:
        raise InvalidArgument("; ".join(problems))


def customers(
    scope: Scope | None = None,
    party_type: PartyType | None = None,
    roles: Iterable[Role] | None = None,
    min_purchases: int = 0,
    max_purchases: int = 8,
    currency: str = DEFAULT_CURRENCY,
    lifecycle: Lifecycle | None = None,
    *,
    reviews: bool = True,
) -> SearchStrategy[Customer]:
    """Customers that satisfy every invariant, with a real lifecycle history.

    A customer starts as a prospect; purchases are added in time order with
    :meth:`Customer.add_purchase` (so the first one converts it), and policy reviews
    (:meth:`Customer.review_lifecycle`) promote it to loyal or let it lapse — sometimes
    between purchases, so a later purchase wins it back. Every event is one the
    lifecycle machine produced.

    Args:
        scope: internal or external; any if ``None``.
        party_type: the party's type; any if ``None``. Internal organisations are
            departments or branches (``internal_unit`` set).
        roles: exactly these roles; a random set the kind allows if ``None``.
        min_purchases: fewest purchases.
        max_purchases: most purchases.
        currency: the book currency of the customer and its purchases.
        lifecycle: the final lifecycle state; any the purchases allow if ``None``.
        reviews: if false, no policy review runs, so no event carries a
            ``LifecyclePolicy`` payload (customers end as prospects or current).

    Raises:
        InvalidArgument: for constraints no customer can meet (an internal bank, a
            prospect with purchases, ...).

    Example: ``@given(customers(scope=Scope.INTERNAL, min_purchases=1))``.
    """
    Money.zero(currency)
    wanted = None if roles is None else frozenset(roles)  # hashable for the strategy cache
    _check_customer_args(
        scope, party_type, wanted, min_purchases, max_purchases, lifecycle, reviews
    )
    if wanted is not None and wanted & EXTERNAL_ONLY_ROLES - EMPLOYEE_ROLES:
        scope = Scope.EXTERNAL
    if wanted is not None and wanted & ORGANIZATION_ONLY_ROLES:
        party_type = PartyType.BUSINESS
    kinds = [
        (where, kind)
        for where in (list(Scope) if scope is None else [scope])
        for kind in (list(PartyType) if party_type is None else [party_type])
        # an internal buyer is an employee, never an internal unit
        if not (
            where is Scope.INTERNAL
            and wanted
            and wanted & EMPLOYEE_ROLES
            and kind is not PartyType.INDIVIDUAL
        )
    ]
    low = min_purchases if lifecycle in (None, Lifecycle.PROSPECT) else max(min_purchases, 1)
    high = 0 if lifecycle is Lifecycle.PROSPECT else max_purchases
    counts = st.integers(low, high)
    finals = [lifecycle] if lifecycle is not None else [*Lifecycle][1:] if reviews else []
    final_states = st.sampled_from(finals or [Lifecycle.CURRENT])
    starts = st.one_of([_prospects(where, kind, wanted, currency) for where, kind in kinds])

    @st.composite
    def draw_customer(draw: st.DrawFn) -> Customer:
        customer = draw(starts)
        count = draw(counts)
        if count == 0:
            return customer
        return _with_history(draw, customer, count, draw(final_states), reviews)

    return draw_customer()


@functools.cache
def _prospects(
    scope: Scope, kind: PartyType, roles: frozenset[Role] | None, currency: str
) -> SearchStrategy[Customer]:
    """New customers (no purchases yet) of one scope and party type."""
    parties: SearchStrategy[Party]
    if kind is PartyType.INDIVIDUAL:
        parties = persons()
    elif scope is Scope.INTERNAL:
        parties = st.one_of([organizations(kind, unit) for unit in InternalUnit])
    else:
        parties = organizations(kind)
    if roles is None:
        allowed = _INTERNAL_ROLES if scope is Scope.INTERNAL else tuple(Role)
        if scope is Scope.INTERNAL and kind is PartyType.INDIVIDUAL:
            allowed = (*allowed, *sorted(EMPLOYEE_ROLES, key=lambda r: r.value))
        if kind is not PartyType.BUSINESS:
            allowed = tuple(r for r in allowed if r not in ORGANIZATION_ONLY_ROLES)
        role_sets = st.frozensets(st.sampled_from(allowed), max_size=2)
    else:
        role_sets = st.just(roles)
    incomes = st.none() | money(currency, 0, 10**9) if kind is PartyType.INDIVIDUAL else st.none()
    return st.builds(
        Customer,
        id=_CUSTOMER_IDS,
        party=parties,
        created_at=_CREATED_AT,
        scope=st.just(scope),
        roles=role_sets,
        acquisition_source=_SOURCES,
        tags=_TAG_SETS,
        currency=st.just(currency),
        income=incomes,
    )


def _with_history(
    draw: st.DrawFn, customer: Customer, count: int, final: Lifecycle, reviews: bool
) -> Customer:
    """Add ``count`` purchases and the reviews that leave the customer in ``final``."""
    currency = customer.currency
    orders = _orders(currency, 2)  # up to 8 purchases: keep each one light
    policies = _lifecycle_policies(currency)
    # At most one lapse-and-win-back episode, just before one of the later purchases.
    episode = 1 + _scaled(draw, count - 2) if reviews and count > 1 and draw(st.booleans()) else 0
    at = customer.created_at
    for i in range(count):
        if i and i == episode:
            policy = draw(policies)
            at = at + timedelta(days=policy.lapse_after_days + draw(_EXTRA_DAYS))
            customer = customer.review_lifecycle(policy, as_of=at, actor="crm-batch")
        at = at + timedelta(days=draw(_GAP_DAYS), seconds=draw(_GAP_SECONDS))
        when = at.astimezone(draw(_OFFSET_CHOICES))
        customer = customer.add_purchase(draw(orders).at(f"DH-{i + 1:04d}", when))
    if final is Lifecycle.LOYAL:
        return _promote(draw, customer, at)
    if final is Lifecycle.LAPSED:
        if draw(st.booleans()):
            customer = _promote(draw, customer, at)
        # After a promotion the lapse must come later than it; quiet time only grows.
        since = max(at, customer.lifecycle_events[-1].at)
        policy = draw(policies)
        as_of = since + timedelta(days=policy.lapse_after_days + draw(_EXTRA_DAYS))
        return customer.review_lifecycle(policy, as_of=as_of, actor="crm-batch")
    return customer


def _promote(draw: st.DrawFn, customer: Customer, last: datetime) -> Customer:
    """Review ``customer`` with a policy it meets, shortly after its last purchase."""
    lapse_after = draw(_LAPSE_DAYS)
    # A second after the purchase: a review at its very instant would not count it.
    as_of = last + timedelta(days=_scaled(draw, lapse_after - 1), seconds=1)
    spent = customer.total_spent
    minimum = None
    if draw(st.booleans()):
        minimum = Money.rounded(spent.amount * draw(_PERMILLE) / 1000, customer.currency)
    policy = LifecyclePolicy(
        loyal_min_orders=_scaled(draw, customer.orders),
        loyal_min_spent=minimum,
        loyal_min_tenure_days=_scaled(draw, customer.tenure_days(as_of=as_of)),
        lapse_after_days=lapse_after,
    )
    return customer.review_lifecycle(policy, as_of=as_of, actor="crm-batch")


def book_summaries(max_customers: int = 4) -> SearchStrategy[BookSummary]:
    """Summaries (:func:`khachhang.report.summarize`) of small generated books.

    Example: ``@given(book_summaries())``; the ``as_of`` is drawn too.
    """
    if max_customers < 0:
        raise InvalidArgument(f"max_customers={max_customers} must not be negative")
    return st.builds(
        lambda book, as_of: summarize(book, as_of=as_of),
        st.lists(customers(reviews=False, max_purchases=3), max_size=max_customers),
        aware_datetimes(),
    )
