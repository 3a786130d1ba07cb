"""Ready-made segments: kinds of customers and stages of the customer lifecycle.

Customers are classified along independent axes (see the glossary): inside or
outside the firm, individual, business, government or non-profit, the role played
(distributor, supplier), and where the relationship stands (prospect, current, loyal).
:func:`standard_segments` gives one segment per group, for ``mode="all"`` counting;
:func:`kind_segmenter` and :func:`lifecycle_segmenter` are ``mode="first"`` segmenters
that put every customer in exactly one group of their axis.

>>> [s.key for s in kind_segmenter().segments]
['internal', 'distributors', 'suppliers', 'b2g', 'nonprofit', 'b2b', 'b2c']
>>> kind_segmenter()["b2g"].label("vi")
'Khách hàng cơ quan nhà nước (B2G)'
"""

from __future__ import annotations

from khachhang._checks import check_type
from khachhang.errors import ValidationError
from khachhang.kinds import Lifecycle, PartyType, Role, Scope
from khachhang.money import Money
from khachhang.segmentation.builder import F
from khachhang.segmentation.rules import Rule
from khachhang.segmentation.segments import AssignMode, Segment, Segmenter

__all__ = [
    "DEFAULT_ACTIVE_DAYS",
    "DEFAULT_HIGH_VALUE",
    "kind_segmenter",
    "lifecycle_segmenter",
    "standard_segments",
]

DEFAULT_HIGH_VALUE = Money("50000000")
"""Spend from which :func:`standard_segments` calls a customer high-value (50 triệu đồng)."""

DEFAULT_ACTIVE_DAYS = 180
"""Days within which a purchase makes a customer an active buyer."""

_EXTERNAL = F.scope == Scope.EXTERNAL


def _kind_segments() -> tuple[Segment, ...]:
    return (
        Segment(
            "internal",
            F.scope == Scope.INTERNAL,
            "Khách hàng nội bộ",
            "Internal customers",
            priority=100,
            description=(
                "Khách hàng nội bộ: nhân viên, phòng ban, chi nhánh trong chuỗi cung ứng "
                "nội bộ của doanh nghiệp."
            ),
            description_en=(
                "Internal customers: employees, departments and branches in the firm's "
                "internal supply chain."
            ),
        ),
        Segment(
            "distributors",
            _EXTERNAL & F.roles.contains(Role.DISTRIBUTOR),
            "Đại lý",
            "Distributors / agents",
            priority=90,
            description=(
                "Đại lý: cá nhân hoặc tổ chức giúp doanh nghiệp phân phối sản phẩm hoặc "
                "dịch vụ đến khách hàng."
            ),
            description_en=(
                "Distributors: people or organisations that help the firm bring its "
                "products or services to customers."
            ),
        ),
        Segment(
            "suppliers",
            _EXTERNAL & F.roles.contains(Role.SUPPLIER),
            "Nhà cung cấp",
            "Suppliers",
            priority=85,
            description=(
                "Nhà cung cấp: cá nhân hoặc tổ chức cung ứng nguyên liệu, dịch vụ hoặc "
                "hàng hóa cho doanh nghiệp."
            ),
            description_en=(
                "Suppliers: people or organisations that supply the firm with materials, "
                "services or goods."
            ),
        ),
        Segment(
            "b2g",
            _EXTERNAL & (F.party_type == PartyType.GOVERNMENT),
            "Khách hàng cơ quan nhà nước (B2G)",
            "Government customers (B2G)",
            priority=80,
            description="Cơ quan nhà nước mua cho nhu cầu công (thị trường B2G).",
            description_en="Government agencies buying for public needs (the B2G market).",
        ),
        Segment(
            "nonprofit",
            _EXTERNAL & (F.party_type == PartyType.NONPROFIT),
            "Tổ chức phi lợi nhuận",
            "Non-profit organisations",
            priority=75,
            description="Tổ chức tình nguyện, phi lợi nhuận bên ngoài doanh nghiệp.",
            description_en="Volunteer and non-profit organisations outside the firm.",
        ),
        Segment(
            "b2b",
            _EXTERNAL & (F.party_type == PartyType.BUSINESS),
            "Khách hàng doanh nghiệp (B2B)",
            "Business customers (B2B)",
            priority=70,
            description=(
                "Doanh nghiệp bên ngoài mua cho nhu cầu của tổ chức hoặc để bán lại "
                "(doanh nghiệp sản xuất, thương mại; cá nhân bán buôn, bán lẻ)."
            ),
            description_en=(
                "Businesses outside the firm buying for the organisation's needs or for "
                "resale (manufacturers, trading firms, wholesalers and retailers)."
            ),
        ),
        Segment(
            "b2c",
            _EXTERNAL & (F.party_type == PartyType.INDIVIDUAL),
            "Khách hàng cá nhân (B2C)",
            "Individual customers (B2C)",
            priority=60,
            description="Cá nhân mua cho nhu cầu của mình (thị trường người tiêu dùng).",
            description_en="Individuals buying for their own needs (the consumer market).",
        ),
    )


def _lifecycle_segments() -> tuple[Segment, ...]:
    return (
        Segment(
            "prospects",
            F.lifecycle == Lifecycle.PROSPECT,
            "Khách hàng tiềm năng",
            "Prospects",
            priority=40,
            description="Khách hàng tiềm năng: chưa mua lần nào.",
            description_en="Prospects: have not bought yet.",
        ),
        Segment(
            "loyal",
            F.lifecycle == Lifecycle.LOYAL,
            "Khách hàng trung thành",
            "Loyal customers",
            priority=39,
            description=(
                "Khách hàng trung thành, thân thiết: dùng lâu, quay lại mua thường xuyên "
                "(đối tượng của chương trình khách hàng thân thiết)."
            ),
            description_en=(
                "Loyal customers: long-standing, buying again often (the audience of a "
                "loyalty programme)."
            ),
        ),
        Segment(
            "current",
            F.lifecycle == Lifecycle.CURRENT,
            "Khách hàng hiện tại",
            "Current customers",
            priority=38,
            description="Khách hàng hiện tại: đã mua hàng.",
            description_en="Current customers: have bought.",
        ),
        Segment(
            "lapsed",
            F.lifecycle == Lifecycle.LAPSED,
            "Khách hàng đã rời bỏ",
            "Lapsed customers",
            priority=37,
            description="Khách hàng đã rời bỏ: đã ngừng mua hàng.",
            description_en="Lapsed customers: have stopped buying.",
        ),
    )


def kind_segmenter() -> Segmenter:
    """One segment per kind of customer; every customer falls in exactly one.

    Internal customers first, then external distributors and suppliers (by role), then
    external customers by party type.
    """
    return Segmenter(_kind_segments(), AssignMode.FIRST)


def lifecycle_segmenter() -> Segmenter:
    """Prospects, loyal, current and lapsed customers (the lifecycle at ``as_of``).

    >>> [s.label("vi") for s in lifecycle_segmenter().segments][:2]
    ['Khách hàng tiềm năng', 'Khách hàng trung thành']
    """
    return Segmenter(_lifecycle_segments(), AssignMode.FIRST)


def standard_segments(
    *, high_value: Money = DEFAULT_HIGH_VALUE, active_days: int = DEFAULT_ACTIVE_DAYS
) -> tuple[Segment, ...]:
    """Every standard segment: kinds, lifecycle stages, high-value and active buyers.

    The groups overlap by design (a loyal B2C customer is in ``b2c`` and ``loyal``), so
    count them with ``Segmenter(standard_segments(), mode="all")``. ``high_value`` is
    in đồng unless you say otherwise: for a book in another currency pass it in that
    currency (``Money("2000", "USD")``); customers in a currency the threshold is not in
    are never high-value, and ``Segmenter.counts`` lists them in its ``warnings``.

    >>> len(standard_segments()), standard_segments()[-1].key
    (13, 'active')
    """
    check_type("high_value", high_value, Money)
    if type(active_days) is not int or active_days <= 0:
        raise ValidationError("active_days", "expected a positive whole number of days")
    spent: Rule = F.total_spent >= high_value
    extras = (
        Segment(
            "high_value",
            spent,
            "Khách hàng giá trị cao",
            "High-value customers",
            priority=20,
            description=f"Tổng chi tiêu từ {high_value.format('vi')} (hành vi mua hàng).",
            description_en=(
                f"Total spend of {high_value.format('en')} or more (purchase behaviour)."
            ),
        ),
        Segment(
            "active",
            F.last_purchase_at.within(days=active_days),
            "Khách mua gần đây",
            "Active buyers",
            priority=10,
            description=f"Đã mua trong {active_days} ngày qua (hành vi mua hàng).",
            description_en=f"Bought in the last {active_days} days (purchase behaviour).",
        ),
    )
    return (*_kind_segments(), *_lifecycle_segments(), *extras)
