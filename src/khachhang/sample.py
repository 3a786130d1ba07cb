"""A deterministic sample customer book, for demos, docs and benchmarks.

:func:`sample_book` builds about a thousand customers of every kind the library knows —
consumers, businesses, government agencies, non-profits and internal customers — with
Vietnamese names, addresses across the old 63 and the new 34 provinces, contact points
with and without consent, purchases in VND and a lifecycle moved by the real machine.
The same ``seed`` always gives an equal book, in any process: chance comes from one
``random.Random(seed)`` and only ever picks from ordered sequences.

This module belongs to the application layer (beside the CLI): it draws seeded random
numbers, which the core never does, but it reads no clock and does no I/O.

>>> book = sample_book(40)
>>> len(book), book == sample_book(40), book == sample_book(40, seed=7)
(40, True, False)
>>> all(c.created_at <= SAMPLE_AS_OF for c in book)
True
"""

from __future__ import annotations

import functools
import random
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import TypeVar

import attrs

from khachhang._checks import require_aware
from khachhang._vocabulary import (
    BRANDS,
    BUSINESS_FORMS,
    CURRENT_WARDS,
    DEPARTMENTS,
    FAMILY_NAME_WEIGHTS,
    FORMER_DISTRICTS,
    GIVEN_NAMES,
    LANDLINE_AREA_CODES,
    MIDDLE_NAMES,
    SAMPLE_MOBILE_PREFIXES,
    STREETS,
    WARDS,
)
from khachhang.customers import (
    AcquisitionSource,
    Customer,
    LifecyclePolicy,
    LineItem,
    Purchase,
    PurchaseChannel,
)
from khachhang.errors import ValidationError
from khachhang.kinds import BusinessCategory, InternalUnit, Lifecycle, PartyType, Role, Scope
from khachhang.money import Money
from khachhang.parties import (
    FORMER_PROVINCES,
    PROVINCES,
    Address,
    ContactChannel,
    ContactPoint,
    Gender,
    Organization,
    Party,
    Person,
    _with_check_digit,
)

__all__ = ["SAMPLE_AS_OF", "SAMPLE_POLICY", "SAMPLE_SEED", "iter_sample_book", "sample_book"]

ICT = timezone(timedelta(hours=7), "ICT")
SAMPLE_AS_OF = datetime(2026, 11, 1, tzinfo=ICT)
"""The default "today" of the sample book: 1 November 2026, 00:00 Vietnam time."""

SAMPLE_SEED = 20261128
"""The default seed."""

SAMPLE_POLICY = LifecyclePolicy(
    loyal_min_orders=5,
    loyal_min_spent=Money("5000000"),
    loyal_min_tenure_days=180,
    lapse_after_days=365,
)
"""The lifecycle policy the sample book is reviewed with."""

_MAX_SIZE = 10_000_000
_HISTORY_DAYS = 6 * 365  # customers joined over the six years before ``as_of``
_K = TypeVar("_K")

# --- who: the archetypes and their share of the book --------------------------------
# (key, share): the book is split by these shares exactly (largest remainder), so even a
# small book holds every kind; roles and categories follow from the archetype.
_ARCHETYPES: tuple[tuple[str, float], ...] = (
    ("consumer", 0.56),  # buys and uses
    ("gift_buyer", 0.07),  # buys for others (parents, companies' gifts)
    ("household_user", 0.06),  # uses what someone else bought
    ("advocate", 0.05),  # consumer who recommends us
    ("agent", 0.01),  # individual sales agent / collaborator
    ("manufacturer", 0.05),
    ("trader", 0.04),  # commercial firm buying for its own use
    ("distributor", 0.03),
    ("retailer", 0.02),  # household business, wholesale/retail
    ("supplier", 0.01),
    ("bank", 0.004),
    ("competitor", 0.004),
    ("partner", 0.002),  # business that refers customers to us
    ("government", 0.025),
    ("nonprofit", 0.015),
    ("nonprofit_referrer", 0.005),
    ("employee", 0.04),
    ("department", 0.01),
    ("branch", 0.005),
)

_ROLES: dict[str, tuple[Role, ...]] = {
    "consumer": (Role.END_USER, Role.BUYER),
    "gift_buyer": (Role.BUYER,),
    "household_user": (Role.END_USER,),
    "advocate": (Role.END_USER, Role.BUYER, Role.REFERRER),
    "agent": (Role.BUYER, Role.DISTRIBUTOR),
    "manufacturer": (Role.BUYER, Role.END_USER),
    "trader": (Role.BUYER,),
    "distributor": (Role.BUYER, Role.DISTRIBUTOR),
    "retailer": (Role.BUYER, Role.DISTRIBUTOR),
    "supplier": (Role.SUPPLIER, Role.BUYER),
    "bank": (Role.BANK,),
    "competitor": (Role.COMPETITOR,),
    "partner": (Role.REFERRER,),
    "government": (Role.BUYER, Role.END_USER),
    "nonprofit": (Role.BUYER, Role.END_USER),
    "nonprofit_referrer": (Role.REFERRER,),
    "employee": (Role.END_USER,),
    "department": (Role.END_USER,),
    "branch": (Role.END_USER,),
}

_PERSONS = frozenset({"consumer", "gift_buyer", "household_user", "advocate", "agent", "employee"})
_INTERNAL = frozenset({"employee", "department", "branch"})

# How much each archetype buys: (share that never bought, mean orders, most orders).
_BUYING: dict[str, tuple[float, float, int]] = {
    "consumer": (0.18, 4, 30),
    "gift_buyer": (0.15, 2.5, 10),
    "household_user": (0.6, 1.5, 4),
    "advocate": (0.05, 8, 40),
    "agent": (0.1, 10, 40),
    "manufacturer": (0.2, 8, 40),
    "trader": (0.2, 5, 30),
    "distributor": (0.05, 14, 60),
    "retailer": (0.1, 10, 50),
    "supplier": (0.5, 2, 6),
    "bank": (0.6, 1.5, 4),
    "competitor": (1.0, 1, 1),
    "partner": (0.8, 1.5, 3),
    "government": (0.3, 3, 10),
    "nonprofit": (0.3, 2.5, 8),
    "nonprofit_referrer": (0.7, 1.5, 3),
    "employee": (0.3, 3, 12),
    "department": (0.2, 6, 24),
    "branch": (0.2, 6, 24),
}

# --- organizations (names, places and phones: khachhang._vocabulary) ----------------
_SECTOR = {
    "manufacturer": ("Sản xuất Bao bì", "Cơ khí", "Thực phẩm", "Dệt may", "Nhựa", "Gỗ"),
    "trader": ("Thương mại Dịch vụ", "Xây dựng", "Công nghệ", "Logistics", "Du lịch"),
    "distributor": ("Phân phối", "Thương mại", "Xuất nhập khẩu", "Điện máy"),
    "supplier": ("Vật liệu", "Hóa chất", "Nông sản", "Linh kiện điện tử"),
    "competitor": ("Thương mại Dịch vụ", "Sản xuất", "Phân phối"),
    "partner": ("Tư vấn", "Truyền thông", "Giải pháp Doanh nghiệp"),
}
_GOVERNMENT = (
    "UBND {ward}", "Sở Y tế {prov}", "Sở Giáo dục và Đào tạo {prov}", "Bệnh viện Đa khoa {prov}",
    "Trường THPT {brand}", "Trung tâm Y tế {ward}", "Công an {ward}", "Thư viện {prov}",
    "Sở Tài chính {prov}", "Ban Quản lý dự án {prov}",
)  # fmt: skip
_NONPROFIT = (
    "Hội Chữ thập đỏ {prov}", "Quỹ Bảo trợ trẻ em {prov}", "Hội Doanh nhân trẻ {prov}",
    "Hiệp hội Doanh nghiệp nhỏ và vừa {prov}", "Trung tâm Phát triển cộng đồng {brand}",
    "Câu lạc bộ Thiện nguyện {brand}", "Hội Khuyến học {prov}",
)  # fmt: skip

# --- where --------------------------------------------------------------------------
_PROVINCE_WEIGHT = {
    "Hà Nội": 20, "TP. Hồ Chí Minh": 24, "Hải Phòng": 4, "Đà Nẵng": 3.5, "Cần Thơ": 2.5,
    "Huế": 1.5, "Đồng Nai": 3.5, "Bắc Ninh": 3, "Hưng Yên": 2, "Ninh Bình": 2,
    "Thanh Hóa": 2.5, "Nghệ An": 2.5, "Quảng Ninh": 1.5, "Khánh Hòa": 1.5, "Lâm Đồng": 1.5,
    "Tây Ninh": 2, "An Giang": 2, "Đồng Tháp": 1.5, "Vĩnh Long": 1.5, "Gia Lai": 1.5,
    "Đắk Lắk": 1.2, "Quảng Ngãi": 1, "Quảng Trị": 0.8, "Phú Thọ": 1.5, "Thái Nguyên": 1.2,
    "Tuyên Quang": 0.6, "Lào Cai": 0.6, "Cà Mau": 1, "Hà Tĩnh": 0.8, "Cao Bằng": 0.3,
    "Điện Biên": 0.3, "Lai Châu": 0.2, "Lạng Sơn": 0.5, "Sơn La": 0.6,
}  # fmt: skip
_PROVINCE_LIST = PROVINCES
_PROVINCE_CUM = tuple(
    sum(_PROVINCE_WEIGHT.get(p, 1.0) for p in _PROVINCE_LIST[: i + 1])
    for i in range(len(_PROVINCE_LIST))
)
# current province -> the pre-July-2025 units it was formed from (ordered)
_MEMBERS: dict[str, tuple[str, ...]] = {
    p: tuple(old for old, new in FORMER_PROVINCES.items() if new == p) for p in _PROVINCE_LIST
}
# Reserved for documentation (RFC 2606), so no sample address can reach a real inbox.
_MAIL_DOMAINS = ("example.com", "example.net", "example.org")

# --- what: catalogues (sku, name, unit price in VND, quantity low, high) -----------------
_Product = tuple[str, str, int, int, int]
_CONSUMER: tuple[_Product, ...] = (
    ("GAO-ST25-5", "Gạo ST25 túi 5kg", 185_000, 1, 4),
    ("CAPHE-500", "Cà phê rang xay 500g", 145_000, 1, 4),
    ("NUOCMAM-PQ", "Nước mắm Phú Quốc 500ml", 125_000, 1, 6),
    ("TRA-TN-200", "Trà Thái Nguyên 200g", 130_000, 1, 4),
    ("SUA-800", "Sữa bột 800g", 520_000, 1, 3),
    ("BINH-GN", "Bình giữ nhiệt", 350_000, 1, 2),
    ("GIAY-TT", "Giày thể thao", 1_250_000, 1, 2),
    ("AODAI-LUA", "Áo dài lụa", 1_850_000, 1, 2),
    ("NOICOM-18", "Nồi cơm điện 1,8L", 1_290_000, 1, 1),
    ("MAYXAY", "Máy xay sinh tố", 990_000, 1, 1),
    ("TAINGHE", "Tai nghe không dây", 1_490_000, 1, 1),
    ("CHANGA", "Bộ chăn ga gối", 2_150_000, 1, 1),
    ("QUATDH", "Quạt điều hòa", 3_290_000, 1, 1),
    ("LOCKK", "Máy lọc không khí", 4_590_000, 1, 1),
    ("DTTM", "Điện thoại thông minh", 8_990_000, 1, 1),
    ("LAPTOP", "Máy tính xách tay", 17_990_000, 1, 1),
)
_BUSINESS: tuple[_Product, ...] = (
    ("THEP-HRC", "Thép cuộn cán nóng (tấn)", 14_500_000, 2, 60),
    ("XIMANG-40", "Xi măng PCB40 (tấn)", 1_450_000, 20, 200),
    ("CARTON-1K", "Thùng carton (1.000 chiếc)", 4_800_000, 2, 50),
    ("NHUA-PP", "Hạt nhựa PP (tấn)", 32_000_000, 1, 10),
    ("PM-BANHANG", "Phần mềm quản lý bán hàng (giấy phép/năm)", 6_000_000, 1, 40),
    ("MAYTINH-DB", "Máy tính để bàn", 14_900_000, 2, 40),
    ("GIAY-A4", "Giấy in A4 (thùng)", 520_000, 10, 200),
    ("CAPHE-ROB", "Cà phê nhân Robusta (tấn)", 98_000_000, 1, 5),
    ("VANCHUYEN", "Dịch vụ vận chuyển (chuyến)", 7_500_000, 1, 30),
    ("DONGPHUC", "Đồng phục (bộ)", 350_000, 20, 400),
)
_PUBLIC: tuple[_Product, ...] = (
    ("MAYTINH-DB", "Máy tính để bàn", 14_900_000, 10, 120),
    ("PM-BANHANG", "Phần mềm quản lý (giấy phép/năm)", 6_000_000, 5, 100),
    ("GIAY-A4", "Giấy in A4 (thùng)", 520_000, 20, 400),
    ("TB-YTE", "Máy siêu âm", 850_000_000, 1, 2),
    ("BANGHE-HS", "Bộ bàn ghế học sinh", 1_650_000, 20, 300),
    ("GAO-CT", "Gạo cứu trợ (tấn)", 15_000_000, 1, 20),
)
_INTERNAL_SERVICES: tuple[_Product, ...] = (
    ("NB-CNTT", "Dịch vụ CNTT nội bộ (tháng)", 12_000_000, 1, 3),
    ("NB-DAOTAO", "Đào tạo nội bộ (khóa)", 8_000_000, 1, 4),
    ("NB-VPP", "Văn phòng phẩm (bộ)", 250_000, 10, 100),
    ("NB-SUKIEN", "Tổ chức sự kiện nội bộ", 45_000_000, 1, 1),
)

_SOURCES: dict[str, tuple[tuple[AcquisitionSource, float], ...]] = {
    "b2c": (
        (AcquisitionSource.SOCIAL_NETWORK, 26), (AcquisitionSource.PAID_ADS, 14),
        (AcquisitionSource.SEARCH, 12), (AcquisitionSource.WALK_IN, 16),
        (AcquisitionSource.REFERRAL, 14), (AcquisitionSource.ADVERTISING, 8),
        (AcquisitionSource.CONTENT, 6), (AcquisitionSource.EVENT, 2),
        (AcquisitionSource.OTHER, 2),
    ),
    "b2b": (
        (AcquisitionSource.NETWORKING, 20), (AcquisitionSource.EVENT, 18),
        (AcquisitionSource.REFERRAL, 18), (AcquisitionSource.TELEMARKETING, 12),
        (AcquisitionSource.SEARCH, 12), (AcquisitionSource.CONTENT, 8),
        (AcquisitionSource.ADVERTISING, 6), (AcquisitionSource.OTHER, 6),
    ),
    "b2g": (
        (AcquisitionSource.NETWORKING, 40), (AcquisitionSource.EVENT, 25),
        (AcquisitionSource.REFERRAL, 15), (AcquisitionSource.OTHER, 20),
    ),
}  # fmt: skip
_CHANNELS: dict[str, tuple[tuple[PurchaseChannel, float], ...]] = {
    "b2c": (
        (PurchaseChannel.IN_STORE, 35), (PurchaseChannel.ONLINE, 25),
        (PurchaseChannel.MARKETPLACE, 25), (PurchaseChannel.PHONE, 8),
        (PurchaseChannel.DISTRIBUTOR, 7),
    ),
    "b2b": (
        (PurchaseChannel.SALES_REP, 55), (PurchaseChannel.PHONE, 15),
        (PurchaseChannel.ONLINE, 15), (PurchaseChannel.DISTRIBUTOR, 15),
    ),
    "b2g": ((PurchaseChannel.SALES_REP, 1),),
    "internal": ((PurchaseChannel.ONLINE, 60), (PurchaseChannel.PHONE, 40)),
}  # fmt: skip


def _cum(pairs: Sequence[tuple[_K, float]]) -> tuple[tuple[_K, ...], tuple[float, ...]]:
    keys = tuple(k for k, _ in pairs)
    total = 0.0
    cum = []
    for _, w in pairs:
        total += w
        cum.append(total)
    return keys, tuple(cum)


_FAMILY_CUM = _cum(FAMILY_NAME_WEIGHTS)
_SOURCES_CUM = {k: _cum(v) for k, v in _SOURCES.items()}
_CHANNELS_CUM = {k: _cum(v) for k, v in _CHANNELS.items()}


def _pick(rng: random.Random, table: tuple[tuple[_K, ...], tuple[float, ...]]) -> _K:
    keys, cum = table
    return rng.choices(keys, cum_weights=cum)[0]


def _quota(n: int, shares: Sequence[tuple[str, float]]) -> list[str]:
    """Split ``n`` by ``shares`` with the largest-remainder method.

    Every key gets at least one slot once ``n`` is at least the number of keys, so a
    small book still shows every kind.
    """
    total = sum(w for _, w in shares)
    exact = [(key, n * w / total) for key, w in shares]
    counts = {key: int(x) for key, x in exact}
    if n >= len(shares):
        for key in counts:
            counts[key] = max(counts[key], 1)
    by_remainder = sorted(exact, key=lambda kx: kx[1] - int(kx[1]), reverse=True)
    i = 0
    while sum(counts.values()) < n:
        counts[by_remainder[i % len(shares)][0]] += 1
        i += 1
    while sum(counts.values()) > n:  # the minimum of one overshot: take from the biggest
        counts[max(counts, key=counts.__getitem__)] -= 1
    return [key for key, _ in shares for _ in range(counts[key])]


@functools.lru_cache(maxsize=256)
def _price(vnd: int) -> Money:
    # Money is immutable, so one value per catalogue price can be shared.
    return Money(vnd)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum()).lower()


def _when(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment between ``start`` and ``end`` during opening hours (08:00-21:59)."""
    days = max((end - start).days, 0)
    day = start + timedelta(days=rng.randint(0, days))
    day = day.replace(hour=0, minute=0, second=0, microsecond=0)
    moment = day + timedelta(hours=rng.randint(8, 21), minutes=rng.randint(0, 59))
    return min(max(moment, start), end)


class _Builder:
    """Draws one customer after another from a single seeded generator."""

    def __init__(self, seed: int, as_of: datetime, policy: LifecyclePolicy) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.policy = policy

    # -- parties ----------------------------------------------------------------------
    def person_name(self, gender: Gender) -> str:
        rng = self.rng
        key = gender if gender in MIDDLE_NAMES else rng.choice((Gender.MALE, Gender.FEMALE))
        family = _pick(rng, _FAMILY_CUM)
        given = rng.choice(GIVEN_NAMES[key])
        if rng.random() < 0.12:  # a two-word given name: "Nguyễn Ngọc Bảo Anh"
            return (
                f"{family} {rng.choice(MIDDLE_NAMES[key])} {rng.choice(GIVEN_NAMES[key])} {given}"
            )
        return f"{family} {rng.choice(MIDDLE_NAMES[key])} {given}"

    def province(self) -> str:
        return self.rng.choices(_PROVINCE_LIST, cum_weights=_PROVINCE_CUM)[0]

    def address(self, province: str | None = None) -> Address:
        rng = self.rng
        current = province or self.province()
        street = f"{rng.randint(1, 350)} {rng.choice(STREETS)}"
        if rng.random() < 0.3:  # written the pre-July-2025 way
            old = rng.choice(_MEMBERS[current])
            districts = FORMER_DISTRICTS.get(old)
            district = rng.choice(districts) if districts and rng.random() < 0.7 else None
            ward = f"Phường {rng.randint(1, 15)}" if district else rng.choice(WARDS)
            return Address(province=old, ward=ward, district=district, street=street)
        ward = rng.choice(CURRENT_WARDS.get(current, WARDS))
        return Address(province=current, ward=ward, street=street)

    def mobile(self) -> str:
        return f"{self.rng.choice(SAMPLE_MOBILE_PREFIXES)}{self.rng.randrange(10_000_000):07d}"

    def consents(self, *channels: ContactChannel) -> list[ContactChannel]:
        return [c for c in channels if self.rng.random() < 0.4]

    def person(self, *, internal: bool) -> Person:
        rng = self.rng
        roll = rng.random()
        gender = (
            Gender.FEMALE if roll < 0.5 else Gender.MALE if roll < 0.93 else
            Gender.OTHER if roll < 0.935 else None
        )  # fmt: skip
        name = self.person_name(gender or Gender.OTHER)
        birth = None
        if internal or rng.random() < 0.7:
            age_days = int(rng.triangular(18 * 365.25, 75 * 365.25, 30 * 365.25))
            birth = self.as_of.date() - timedelta(days=age_days)
        contacts = []
        if internal or rng.random() < 0.9:
            channels = (ContactChannel.CALL, ContactChannel.SMS, ContactChannel.SOCIAL)
            agreed = self.consents(*channels)
            label = "Zalo" if ContactChannel.SOCIAL in agreed else ""
            contacts.append(
                ContactPoint.phone(self.mobile(), consents=agreed, primary=True, label=label)
            )
        if internal or rng.random() < 0.55:
            local = f"{_ascii(name.rsplit(' ', 1)[-1])}.{_ascii(name.split(' ', 1)[0])}"
            local += str(birth.year % 100 if birth and rng.random() < 0.5 else rng.randint(1, 999))
            domain = "staff.example.com" if internal else rng.choice(_MAIL_DOMAINS)
            contacts.append(
                ContactPoint.email(
                    f"{local}@{domain}", consents=self.consents(ContactChannel.EMAIL)
                )
            )
        return Person(
            full_name=name,
            gender=gender,
            birth_date=birth,
            contacts=contacts,
            address=self.address() if internal or rng.random() < 0.85 else None,
        )

    def tax_code(self, province: str) -> str:
        prefix = {"Hà Nội": "01", "TP. Hồ Chí Minh": "03"}.get(province, "0")
        drawn = f"{prefix}{self.rng.randrange(10 ** (10 - len(prefix))):0{10 - len(prefix)}d}"
        return _with_check_digit(drawn[:9])  # the same draw as ever: the book stays the same

    def org_contacts(self, province: str, domain_hint: str) -> list[ContactPoint]:
        rng = self.rng
        area = LANDLINE_AREA_CODES.get(province)
        number = f"{area}3{rng.randrange(10_000_000):07d}" if area else self.mobile()
        contacts = [
            ContactPoint.phone(
                number, consents=self.consents(ContactChannel.CALL), primary=True, label="tổng đài"
            )
        ]
        if rng.random() < 0.8:
            slug = _ascii(domain_hint)[:30] or "org"
            contacts.append(
                ContactPoint.email(
                    f"lienhe@{slug}.example.com", consents=self.consents(ContactChannel.EMAIL)
                )
            )
        return contacts

    def organization(self, archetype: str) -> Organization:
        rng = self.rng
        province = self.province()
        brand = rng.choice(BRANDS)
        ward = rng.choice(CURRENT_WARDS.get(province, WARDS))
        tax: str | None = self.tax_code(province)
        unit = None
        party_type = PartyType.BUSINESS
        category: BusinessCategory | None
        if archetype == "government":
            party_type, category = PartyType.GOVERNMENT, BusinessCategory.GOVERNMENT
            name = rng.choice(_GOVERNMENT).format(ward=ward, prov=province, brand=brand)
            tax = tax if rng.random() < 0.6 else None
        elif archetype.startswith("nonprofit"):
            party_type, category = PartyType.NONPROFIT, BusinessCategory.NONPROFIT
            name = rng.choice(_NONPROFIT).format(prov=province, brand=brand)
            tax = tax if rng.random() < 0.5 else None
        elif archetype == "bank":
            category = BusinessCategory.COMMERCIAL
            name = f"Ngân hàng TMCP {brand}"
            if rng.random() < 0.5:
                name, tax = f"{name} - Chi nhánh {province}", f"{tax}-{rng.randint(1, 99):03d}"
        elif archetype == "retailer":
            category = BusinessCategory.WHOLESALE_RETAIL
            name = f"Hộ kinh doanh {self.person_name(Gender.OTHER)}"
        elif archetype in ("department", "branch"):
            category, tax = None, None
            if archetype == "department":
                unit, name = InternalUnit.DEPARTMENT, rng.choice(DEPARTMENTS)
            else:
                unit, name = InternalUnit.BRANCH, f"Chi nhánh {province}"
        else:
            category = (
                BusinessCategory.MANUFACTURER
                if archetype in ("manufacturer", "supplier")
                or (archetype == "competitor" and rng.random() < 0.5)
                else BusinessCategory.COMMERCIAL
            )
            if archetype == "distributor" and rng.random() < 0.3:
                category = BusinessCategory.WHOLESALE_RETAIL
            sector = rng.choice(_SECTOR.get(archetype, _SECTOR["trader"]))
            name = f"{rng.choice(BUSINESS_FORMS)} {sector} {brand}"
        return Organization(
            legal_name=name,
            party_type=party_type,
            tax_code=tax,
            category=category,
            internal_unit=unit,
            contacts=self.org_contacts(province, f"{brand}{rng.randint(1, 99)}"),
            address=self.address(province),
        )

    # -- purchases ----------------------------------------------------------------------
    def lines(self, catalogue: tuple[_Product, ...], cap: int | None) -> tuple[list[LineItem], int]:
        rng = self.rng
        items: list[LineItem] = []
        total = 0
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            sku, name, price, low, high = rng.choice(catalogue)
            quantity = rng.randint(low, high)
            if cap is not None:
                quantity = min(quantity, (cap - total) // price)
            if quantity <= 0 or any(i.sku == sku for i in items):
                continue
            items.append(LineItem(sku, name, quantity, _price(price)))
            total += price * quantity
        if not items:  # the cap refused everything: one unit of the cheapest product
            sku, name, price, _, _ = min(catalogue, key=lambda p: p.__getitem__(2))
            items.append(LineItem(sku, name, 1, _price(price)))
            total = price
        return items, total

    def purchase(self, market: str, pid: str, *, at: datetime) -> Purchase:
        rng = self.rng
        if market == "b2c":
            items, total = self.lines(_CONSUMER, cap=20_000_000)
            discount = rng.choice((0, 0, 0, 0, 5, 10))
        elif market == "staff":
            items, total = self.lines(_CONSUMER, cap=20_000_000)
            discount = 15  # staff price
        elif market == "internal":
            items, total = self.lines(_INTERNAL_SERVICES, cap=None)
            discount = 0
        else:
            items, total = self.lines(_PUBLIC if market == "b2g" else _BUSINESS, cap=None)
            discount = rng.choice((0, 0, 2, 3, 5))
        amount = total * (100 - discount) // 100 // 1000 * 1000
        table = _CHANNELS_CUM["internal" if market == "staff" else market]
        return Purchase(pid, at, Money(amount), _pick(rng, table), items)

    def history(self, customer: Customer, archetype: str, market: str) -> Customer:
        """Add purchases one by one, reviewing the lifecycle on the way and at ``as_of``."""
        rng = self.rng
        never, mean, most = _BUYING[archetype]
        if rng.random() >= never:
            orders = min(1 + int(rng.expovariate(1 / mean)), most) if mean > 1 else 1
            start = customer.created_at
            end = self.as_of
            quiet = timedelta(days=self.policy.lapse_after_days + 30)
            if rng.random() < 0.25 and end - start > quiet * 2:  # a customer who drifted away
                end = start + (end - quiet - start) * rng.random()
            times = sorted(_when(rng, start, end) for _ in range(orders))
            for k, at in enumerate(times, 1):
                customer = self.lapse_if_due(customer, as_of=at)
                customer = customer.review_lifecycle(self.policy, as_of=at)
                purchase = self.purchase(market, f"{customer.id}-{k:03d}", at=at)
                customer = customer.add_purchase(purchase)
        customer = self.lapse_if_due(customer, as_of=self.as_of)
        return customer.review_lifecycle(self.policy, as_of=self.as_of)

    def lapse_if_due(self, customer: Customer, *, as_of: datetime) -> Customer:
        """Review on the day the customer went quiet, if that day comes by ``as_of``.

        So the lapse is logged when it happened, not when someone next looked.
        """
        last = customer.last_purchase_at
        if last is None or customer.lifecycle is Lifecycle.LAPSED:
            return customer
        quiet_since = last + timedelta(days=self.policy.lapse_after_days)
        if quiet_since > as_of:
            return customer
        return customer.review_lifecycle(self.policy, as_of=quiet_since)

    # -- customers ----------------------------------------------------------------------
    def customer(self, index: int, archetype: str) -> Customer:
        rng = self.rng
        internal = archetype in _INTERNAL
        party: Party
        if archetype in _PERSONS:
            party = self.person(internal=internal)
        else:
            party = self.organization(archetype)
        if internal:
            market = "staff" if archetype == "employee" else "internal"
            source = None
        else:
            market = party.party_type.market.value if isinstance(party, Organization) else "b2c"
            source = _pick(rng, _SOURCES_CUM[market])
        age = timedelta(days=int(rng.triangular(1, _HISTORY_DAYS, 1)), minutes=rng.randint(0, 1439))
        created = max(self.as_of - age, self.as_of - timedelta(days=_HISTORY_DAYS))
        income = None
        if isinstance(party, Person) and (internal or rng.random() < 0.35):
            income = Money(int(rng.lognormvariate(16.3, 0.55)) // 100_000 * 100_000 + 3_000_000)
        tags = self.tags(archetype, party)
        customer = Customer(
            id=f"{'NB' if internal else 'KH'}-{index:06d}",
            party=party,
            created_at=created,
            scope=Scope.INTERNAL if internal else Scope.EXTERNAL,
            roles=_ROLES[archetype],
            acquisition_source=source,
            tags=tags,
            income=income,
        )
        customer = self.history(customer, archetype, market)
        if market == "b2c" and customer.total_spent >= Money("50000000"):
            customer = attrs.evolve(customer, tags=customer.tags | {"vip"})
        return customer

    def tags(self, archetype: str, party: Party) -> tuple[str, ...]:
        rng = self.rng
        tags: list[str] = []
        if archetype == "employee":
            tags.append("nhân viên")
        if archetype == "government":
            tags.append("đấu thầu")
        if archetype in ("distributor", "retailer", "agent"):
            tags.append("khách sỉ")
        if archetype in ("manufacturer", "trader", "distributor") and rng.random() < 0.15:
            tags.append("key account")
        if rng.random() < 0.2:
            tags.append("newsletter")
        if isinstance(party, Person) and rng.random() < 0.1:
            tags.append("tết 2026")
        return tuple(tags)


def sample_book(
    n: int = 1000,
    *,
    seed: int = SAMPLE_SEED,
    as_of: datetime = SAMPLE_AS_OF,
    policy: LifecyclePolicy = SAMPLE_POLICY,
) -> tuple[Customer, ...]:
    """Build a deterministic sample book of ``n`` customers, as it stands at ``as_of``.

    The book is split across kinds in fixed shares (about three in four are consumers,
    one in six a business, a few government agencies, non-profits and internal
    customers); a book of at least 19 customers holds every kind and every role.
    Purchases happen between a customer's creation and ``as_of``, each added with
    :meth:`~khachhang.customers.Customer.add_purchase` after a lifecycle review, and a
    last review at ``as_of`` applies ``policy`` — so prospects, current, loyal and
    lapsed customers all carry their real event trail.

    Args:
        n: how many customers (0 or more).
        seed: the seed of the one ``random.Random``; the same seed gives an equal book.
        as_of: the book's "today", timezone-aware; nothing happens after it.
        policy: the lifecycle thresholds applied.

    Returns:
        The customers, numbered together from 1 (``KH-000001`` for an external
        customer, ``NB-000002`` for an internal one, ...).

    Raises:
        ValidationError: ``n`` is negative or not an int, ``seed`` is not an int, or
            ``as_of`` is naive.

    >>> book = sample_book(25, seed=1)
    >>> sorted({c.scope.value for c in book})
    ['external', 'internal']
    >>> all(c.last_purchase_at is None or c.last_purchase_at <= SAMPLE_AS_OF for c in book)
    True
    """
    return tuple(iter_sample_book(n, seed=seed, as_of=as_of, policy=policy))


def iter_sample_book(
    n: int = 1000,
    *,
    seed: int = SAMPLE_SEED,
    as_of: datetime = SAMPLE_AS_OF,
    policy: LifecyclePolicy = SAMPLE_POLICY,
) -> Iterator[Customer]:
    """The customers of :func:`sample_book`, one at a time (to stream or show progress).

    The arguments are checked at once, as :func:`sample_book` checks them.

    >>> next(iter_sample_book(25, seed=1)) == sample_book(25, seed=1)[0]
    True
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= _MAX_SIZE:
        msg = f"expected an int from 0 to {_MAX_SIZE:,}, got {n!r}"
        raise ValidationError("n", msg)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValidationError("seed", f"expected an int, got {type(seed).__name__}")
    require_aware(as_of, "as_of")
    builder = _Builder(seed, as_of, policy)
    kinds = _quota(n, _ARCHETYPES)
    builder.rng.shuffle(kinds)
    return (builder.customer(i, kind) for i, kind in enumerate(kinds, 1))
