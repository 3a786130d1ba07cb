"""The eight stages, the buying situations and the buygrid that links them.

The stages are the business buying process (*quá trình thông qua quyết định mua của khách
hàng doanh nghiệp*) of the marketing literature (Robinson, Faris & Wind 1967, as reproduced
by Kotler); the Vietnamese labels are the terms Vietnamese textbooks use for them.

>>> Stage.SUPPLIER_SEARCH.number, Stage.SUPPLIER_SEARCH.label("vi")
(4, 'Tìm kiếm nhà cung ứng')
>>> Stage.PROBLEM_RECOGNITION < Stage.PERFORMANCE_REVIEW
True
>>> BUYGRID.requirement(BuyClass.STRAIGHT_REBUY, Stage.SUPPLIER_SEARCH)
Requirement.SKIPPED
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from khachhang._checks import as_collection, check_items, check_type, shown
from khachhang.errors import ValidationError
from khachhang.labels import BilingualEnum

__all__ = [
    "BUYGRID",
    "BuyClass",
    "Buygrid",
    "Influence",
    "LossReason",
    "Outcome",
    "Requirement",
    "Stage",
    "Status",
]


class Stage(BilingualEnum):
    """The eight stages (buyphases) of a business purchase, in order (Kotler)."""

    PROBLEM_RECOGNITION = ("problem_recognition", "Ý thức được nhu cầu", "Problem recognition")
    GENERAL_NEED_DESCRIPTION = (
        "general_need_description",
        "Mô tả khái quát nhu cầu",
        "General need description",
    )
    PRODUCT_SPECIFICATION = (
        "product_specification",
        "Đánh giá tính năng, đặc điểm của sản phẩm, dịch vụ",
        "Product specification",
    )
    SUPPLIER_SEARCH = ("supplier_search", "Tìm kiếm nhà cung ứng", "Supplier search")
    PROPOSAL_SOLICITATION = (
        "proposal_solicitation",
        "Yêu cầu chào hàng",
        "Proposal solicitation",
    )
    SUPPLIER_SELECTION = ("supplier_selection", "Lựa chọn nhà cung ứng", "Supplier selection")
    ORDER_ROUTINE_SPECIFICATION = (
        "order_routine_specification",
        "Tiến hành mua hàng và hoàn thành thủ tục",
        "Order-routine specification",
    )
    PERFORMANCE_REVIEW = ("performance_review", "Đánh giá nhà cung ứng", "Performance review")

    _number: int  # 1 to 8, set on each member below (not a member itself)

    @property
    def number(self) -> int:
        """1 to 8, the stage's place in the process."""
        return self._number

    @property
    def next(self) -> Stage | None:
        """The stage after this one; ``None`` after the performance review."""
        n: int = self._number
        return _ORDER[n] if n < len(_ORDER) else None

    def __lt__(self, other: object) -> bool:
        if type(other) is not Stage:
            return NotImplemented
        return self._number < other._number

    def __le__(self, other: object) -> bool:
        if type(other) is not Stage:
            return NotImplemented
        return self._number <= other._number

    def __gt__(self, other: object) -> bool:
        if type(other) is not Stage:
            return NotImplemented
        return self._number > other._number

    def __ge__(self, other: object) -> bool:
        if type(other) is not Stage:
            return NotImplemented
        return self._number >= other._number


_ORDER: tuple[Stage, ...] = tuple(Stage)
for _n, _stage in enumerate(_ORDER, 1):
    # On the member itself: an enum's hash runs in Python, so a dict lookup is slow.
    setattr(_stage, "_number", _n)  # noqa: B010


class BuyClass(BilingualEnum):
    """The three buying situations (buyclasses) of a business purchase (Kotler)."""

    NEW_TASK = ("new_task", "Mua cho nhiệm vụ mới", "New task")
    MODIFIED_REBUY = ("modified_rebuy", "Mua lặp lại có thay đổi", "Modified rebuy")
    STRAIGHT_REBUY = ("straight_rebuy", "Mua lặp lại không thay đổi", "Straight rebuy")


class Requirement(BilingualEnum):
    """A buygrid cell: does this buying situation go through this stage?"""

    REQUIRED = ("required", "Có", "Yes")
    OPTIONAL = ("optional", "Có thể", "Maybe")
    SKIPPED = ("skipped", "Không", "No")


class Status(BilingualEnum):
    """Whether a buying process is still running."""

    OPEN = ("open", "Đang diễn ra", "Open")
    COMPLETED = ("completed", "Đã hoàn tất", "Completed")
    ABANDONED = ("abandoned", "Đã bỏ dở", "Abandoned")


class Outcome(BilingualEnum):
    """The seller's result in a process it tracks as its own deal."""

    WON = ("won", "Thành công (khách hàng chọn chúng ta)", "Won")
    LOST = ("lost", "Thất bại", "Lost")


class LossReason(BilingualEnum):
    """Why the seller lost: another supplier was chosen, or the buyer gave up."""

    PRICE = ("price", "Giá", "Price")
    PRODUCT_FIT = ("product_fit", "Sản phẩm không phù hợp yêu cầu", "Product fit")
    RELATIONSHIP = ("relationship", "Quan hệ (khách gắn bó với bên khác)", "Relationship")
    SERVICE = ("service", "Dịch vụ, hậu mãi", "Service and support")
    TIMING = ("timing", "Thời điểm, tiến độ giao hàng", "Timing")
    INCUMBENT = ("incumbent", "Khách giữ nhà cung ứng hiện tại", "Incumbent kept")
    NO_DECISION = ("no_decision", "Khách không ra quyết định", "No decision")
    OTHER = ("other", "Lý do khác", "Other reason")


class Influence(BilingualEnum):
    """The four groups of factors acting on a business buyer (Kotler)."""

    ENVIRONMENTAL = ("environmental", "Các yếu tố khách quan (môi trường)", "Environmental factors")
    ORGANIZATIONAL = ("organizational", "Các đặc điểm doanh nghiệp", "Organisational factors")
    INTERPERSONAL = ("interpersonal", "Các yếu tố quan hệ cá nhân", "Interpersonal factors")
    INDIVIDUAL = ("individual", "Các yếu tố đặc điểm cá nhân", "Individual factors")


_NEVER_SKIPPED = (Stage.PRODUCT_SPECIFICATION, Stage.PERFORMANCE_REVIEW)


def _column(name: str, values: object) -> tuple[Requirement, ...]:
    items = check_items(name, as_collection(name, values), Requirement)
    if len(items) != len(_ORDER):
        msg = f"needs one cell per stage ({len(_ORDER)}), got {len(items)}"
        raise ValidationError(name, msg)
    for stage in _NEVER_SKIPPED:
        if items[stage.number - 1] is Requirement.SKIPPED:
            msg = f"{stage.label('en').lower()} is never skipped (every buyclass has one)"
            raise ValidationError(f"{name}[{stage.number - 1}]", msg)
    return items


def _new_task(values: object) -> tuple[Requirement, ...]:
    return _column("new_task", values)


def _modified_rebuy(values: object) -> tuple[Requirement, ...]:
    return _column("modified_rebuy", values)


def _straight_rebuy(values: object) -> tuple[Requirement, ...]:
    return _column("straight_rebuy", values)


@attrs.frozen
class Buygrid:
    """For each buy class, one :class:`Requirement` per stage, in stage order.

    The default, :data:`BUYGRID`, is the published grid; secondary sources disagree on
    some cells, so an application may pass its own (validated: eight cells per class,
    and the product specification and the performance review are never skipped).

    >>> grid = Buygrid.from_mapping({
    ...     c: {s: Requirement.REQUIRED for s in Stage} for c in BuyClass})
    >>> grid.requirement(BuyClass.STRAIGHT_REBUY, Stage.SUPPLIER_SEARCH)
    Requirement.REQUIRED
    """

    new_task: tuple[Requirement, ...] = attrs.field(converter=_new_task)
    modified_rebuy: tuple[Requirement, ...] = attrs.field(converter=_modified_rebuy)
    straight_rebuy: tuple[Requirement, ...] = attrs.field(converter=_straight_rebuy)

    def requirement(self, buy_class: BuyClass, stage: Stage) -> Requirement:
        """The cell for ``buy_class`` at ``stage``."""
        if type(buy_class) is not BuyClass:
            check_type("buy_class", buy_class, BuyClass)
        if type(stage) is not Stage:
            check_type("stage", stage, Stage)
        column: tuple[Requirement, ...] = getattr(self, buy_class._value_)
        return column[stage._number - 1]

    def column(self, buy_class: BuyClass) -> dict[Stage, Requirement]:
        """The grid's column for one buy class, stage by stage."""
        cells: tuple[Requirement, ...] = getattr(
            self, check_type("buy_class", buy_class, BuyClass)._value_
        )
        return dict(zip(_ORDER, cells, strict=False))

    @classmethod
    def from_mapping(cls, cells: Mapping[BuyClass, Mapping[Stage, Requirement]]) -> Buygrid:
        """Build a grid from ``{buy_class: {stage: requirement}}``; every cell must be there."""
        if not isinstance(cells, Mapping):
            raise ValidationError("", f"expected a mapping of buy classes, got {shown(cells)}")
        columns: dict[str, tuple[Requirement, ...]] = {}
        for buy_class in BuyClass:
            column = cells.get(buy_class)
            if not isinstance(column, Mapping):
                raise ValidationError(buy_class.value, "missing (every buy class needs a column)")
            missing = [s.value for s in _ORDER if s not in column]
            if missing:
                msg = f"missing stage(s): {', '.join(missing)}"
                raise ValidationError(buy_class.value, msg)
            columns[buy_class.value] = tuple(column[s] for s in _ORDER)
        return cls(**columns)


_Y, _M, _N = Requirement.REQUIRED, Requirement.OPTIONAL, Requirement.SKIPPED

BUYGRID = Buygrid(
    new_task=(_Y, _Y, _Y, _Y, _Y, _Y, _Y, _Y),
    modified_rebuy=(_M, _M, _Y, _M, _M, _M, _M, _Y),
    straight_rebuy=(_N, _N, _Y, _N, _N, _N, _N, _Y),
)
"""The buygrid of Robinson, Faris & Wind (1967) as Kotler's marketing texts reproduce it.

A new task goes through all eight stages; a modified rebuy *may* go through each stage
but always specifies the product and reviews the supplier; a straight rebuy only
specifies (re-orders to the standing specification) and reviews. See ``docs/buying.md``
for the sources and the cells secondary sources disagree on.
"""
