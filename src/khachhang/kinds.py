"""Customer kinds: scope, party type, market, roles, business category, lifecycle.

The vocabulary is the one of the glossary (``docs/glossary.md``): a customer is internal
(employees, departments, branches — *khách hàng nội bộ*) or external (*khách hàng bên
ngoài*); an individual, a business, a government agency or a non-profit; and plays one
or more roles for the firm.

>>> PartyType.GOVERNMENT.market
Market.B2G
>>> Role.DISTRIBUTOR.label(), Role.DISTRIBUTOR.label("en")
('Đại lý', 'Distributor / agent')
"""

from __future__ import annotations

from khachhang.labels import BilingualEnum

__all__ = [
    "EMPLOYEE_ROLES",
    "EXTERNAL_ONLY_ROLES",
    "ORGANIZATION_ONLY_ROLES",
    "BusinessCategory",
    "InternalUnit",
    "Lifecycle",
    "Market",
    "PartyType",
    "Role",
    "Scope",
]


class Scope(BilingualEnum):
    """Whether the customer is inside the firm or outside it."""

    INTERNAL = ("internal", "Khách hàng nội bộ", "Internal customer")
    EXTERNAL = ("external", "Khách hàng bên ngoài", "External customer")


class Market(BilingualEnum):
    """The market a party type buys in."""

    B2C = ("b2c", "Thị trường người tiêu dùng (B2C)", "Consumer market (B2C)")
    B2B = (
        "b2b",
        "Thị trường doanh nghiệp và tổ chức (B2B)",
        "Business and institutional market (B2B)",
    )
    B2G = ("b2g", "Thị trường cơ quan nhà nước (B2G)", "Government market (B2G)")


class PartyType(BilingualEnum):
    """What kind of party the customer is."""

    INDIVIDUAL = ("individual", "Cá nhân", "Individual")
    BUSINESS = ("business", "Doanh nghiệp", "Business")
    GOVERNMENT = ("government", "Cơ quan nhà nước", "Government agency")
    NONPROFIT = ("nonprofit", "Tổ chức phi lợi nhuận", "Non-profit organisation")

    @property
    def market(self) -> Market:
        """The market this party type buys in.

        Non-profits buy for their organisation's own needs, so they belong to the
        organisational (B2B) market, as in the marketing literature's "institutional
        market".
        """
        return _MARKET_OF[self]

    @property
    def is_organization(self) -> bool:
        """True for every party type except ``INDIVIDUAL``."""
        return self is not PartyType.INDIVIDUAL


_MARKET_OF = {
    PartyType.INDIVIDUAL: Market.B2C,
    PartyType.BUSINESS: Market.B2B,
    PartyType.GOVERNMENT: Market.B2G,
    PartyType.NONPROFIT: Market.B2B,
}


class InternalUnit(BilingualEnum):
    """An internal organisational unit that can be an internal customer."""

    DEPARTMENT = ("department", "Phòng ban", "Department")
    BRANCH = ("branch", "Chi nhánh", "Branch")


class Role(BilingualEnum):
    """A role a customer plays for the firm."""

    END_USER = ("end_user", "Người sử dụng cuối", "End user")
    BUYER = ("buyer", "Người mua", "Buyer / payer")
    DISTRIBUTOR = ("distributor", "Đại lý", "Distributor / agent")
    SUPPLIER = ("supplier", "Nhà cung cấp", "Supplier")
    BANK = ("bank", "Ngân hàng", "Bank")
    COMPETITOR = ("competitor", "Đối thủ cạnh tranh", "Competitor")
    REFERRER = (
        "referrer",
        "Trung gian bán hàng tiềm năng",
        "Referrer (word-of-mouth advocate)",
    )


EXTERNAL_ONLY_ROLES: frozenset[Role] = frozenset(
    {Role.BUYER, Role.DISTRIBUTOR, Role.SUPPLIER, Role.BANK, Role.COMPETITOR}
)
"""Roles only an external customer can hold: an internal customer uses what other
parts of the firm provide (``END_USER``) and may recommend it (``REFERRER``); an
employee may also buy (see :data:`EMPLOYEE_ROLES`)."""

EMPLOYEE_ROLES: frozenset[Role] = frozenset({Role.BUYER})
"""External-only roles an employee (an internal :class:`~khachhang.parties.Person`) may
still hold: employees easily become the most loyal customers ("Nhân viên công ty cũng
dễ dàng trở thành khách hàng trung thành nhất"), so an employee
who buys from the firm is an internal ``BUYER``. An internal unit (department, branch)
does not buy from its own firm."""

ORGANIZATION_ONLY_ROLES: frozenset[Role] = frozenset({Role.BANK})
"""Roles only an organisation can hold."""


class BusinessCategory(BilingualEnum):
    """The kind of organisation a business customer is."""

    MANUFACTURER = ("manufacturer", "Doanh nghiệp sản xuất", "Manufacturer")
    COMMERCIAL = ("commercial", "Doanh nghiệp thương mại", "Commercial (trading) firm")
    WHOLESALE_RETAIL = (
        "wholesale_retail",
        "Cá nhân bán buôn, bán lẻ",
        "Wholesale or retail trader",
    )
    NONPROFIT = ("nonprofit", "Tổ chức phi lợi nhuận", "Non-profit organisation")
    GOVERNMENT = ("government", "Cơ quan nhà nước", "Government agency")


class Lifecycle(BilingualEnum):
    """Where a customer is in the relationship.

    The machine that moves between these states is ``khachhang.customers.LIFECYCLE``.
    """

    PROSPECT = ("prospect", "Khách hàng tiềm năng", "Prospect")
    CURRENT = ("current", "Khách hàng hiện tại", "Current customer")
    LOYAL = ("loyal", "Khách hàng trung thành", "Loyal customer")
    LAPSED = ("lapsed", "Khách hàng đã rời bỏ", "Lapsed customer")
