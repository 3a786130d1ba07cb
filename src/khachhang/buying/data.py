"""What each stage records: candidate suppliers, proposals, the selection, the order, the
review — and the notes any stage may carry (influences). All are event payloads.

>>> from datetime import datetime, timezone
>>> from khachhang.money import Money
>>> p = Proposal("sup-1", Money("120000000"), valid_until=datetime(2026, 3, 1, tzinfo=timezone.utc))
>>> p.price.format("en")
'₫120,000,000'
>>> Review(kept_commitments=True, rating=6)
Traceback (most recent call last):
...
khachhang.errors.ValidationError: rating: must be 1 to 5, got 6
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_optional,
    check_optional_key,
    check_type,
    clean_text,
    require_aware,
)
from khachhang.buying.center import BuyingCenter
from khachhang.buying.stages import BuyClass, Buygrid, Influence, LossReason
from khachhang.customers import LineItem
from khachhang.errors import ValidationError
from khachhang.fsm import Payload
from khachhang.money import Money

__all__ = [
    "Abandonment",
    "Candidates",
    "InfluenceNote",
    "Opening",
    "Order",
    "Proposal",
    "Review",
    "Selection",
]

_ID_LEN = 128


def _supplier_ids(values: Iterable[str]) -> tuple[str, ...]:
    items = as_collection("suppliers", values)
    ids = tuple(check_key(f"suppliers[{i}]", v, max_len=_ID_LEN) for i, v in enumerate(items))
    if not ids:
        raise ValidationError("suppliers", "name at least one candidate supplier")
    if len(set(ids)) != len(ids):
        raise ValidationError("suppliers", "a supplier is listed twice")
    return ids


@attrs.frozen
class Candidates(Payload):
    """Supplier search: suppliers found that could meet the need (stage 4)."""

    suppliers: tuple[str, ...] = attrs.field(converter=_supplier_ids)


@attrs.frozen
class Proposal(Payload):
    """Proposal solicitation: one supplier's offer, its price and how long it holds.

    A later proposal from the same supplier replaces the earlier one.
    """

    supplier: str
    price: Money
    valid_until: datetime
    summary: str = ""

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "supplier", check_key("supplier", self.supplier, max_len=_ID_LEN))
        if check_type("price", self.price, Money).amount < 0:
            raise ValidationError("price", "must not be negative")
        require_aware(self.valid_until, "valid_until")
        text = clean_text("summary", self.summary, max_len=2000, allow_empty=True)
        object.__setattr__(self, "summary", text)


@attrs.frozen
class Selection(Payload):
    """Supplier selection: the supplier chosen; it must have sent a valid proposal.

    ``loss_reason`` is the seller's record of why it lost, when the process is a seller's
    deal and another supplier is chosen.
    """

    supplier: str
    loss_reason: LossReason | None = None

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "supplier", check_key("supplier", self.supplier, max_len=_ID_LEN))
        check_optional("loss_reason", self.loss_reason, LossReason)


def _items(values: Iterable[LineItem]) -> tuple[LineItem, ...]:
    return check_items("items", as_collection("items", values), LineItem)


@attrs.frozen
class Order(Payload):
    """Order-routine specification: what is ordered and on which terms (stage 7)."""

    items: tuple[LineItem, ...] = attrs.field(converter=_items)
    delivery_terms: str
    payment_terms: str
    warranty: str = ""
    deliver_by: datetime | None = None

    def __attrs_post_init__(self) -> None:
        if not self.items:
            raise ValidationError("items", "an order has at least one item")
        currencies = {item.unit_price.currency for item in self.items}
        if len(currencies) > 1:
            raise ValidationError("items", f"items in several currencies: {sorted(currencies)}")
        for name in ("delivery_terms", "payment_terms"):
            object.__setattr__(self, name, clean_text(name, getattr(self, name), max_len=2000))
        warranty = clean_text("warranty", self.warranty, max_len=2000, allow_empty=True)
        object.__setattr__(self, "warranty", warranty)
        if self.deliver_by is not None:
            require_aware(self.deliver_by, "deliver_by")

    @property
    def total(self) -> Money:
        """The sum of the items."""
        return sum((item.total for item in self.items[1:]), self.items[0].total)


@attrs.frozen
class Review(Payload):
    """Performance review: did the supplier keep its commitments, and a 1-5 rating.

    Stage 8: the buyer checks "nhà cung ứng có bảo đảm những cam kết trước đó
    hay không".
    """

    kept_commitments: bool
    rating: int
    comment: str = ""

    def __attrs_post_init__(self) -> None:
        check_type("kept_commitments", self.kept_commitments, bool)
        if not 1 <= check_type("rating", self.rating, int) <= 5:
            raise ValidationError("rating", f"must be 1 to 5, got {self.rating}")
        text = clean_text("comment", self.comment, max_len=2000, allow_empty=True)
        object.__setattr__(self, "comment", text)


@attrs.frozen
class InfluenceNote(Payload):
    """A note on a factor acting on the purchase, filed under one of the four groups."""

    influence: Influence
    text: str

    def __attrs_post_init__(self) -> None:
        check_type("influence", self.influence, Influence)
        object.__setattr__(self, "text", clean_text("text", self.text, max_len=2000))


@attrs.frozen
class Abandonment(Payload):
    """Carried by ``abandon`` in a seller's process: why the seller counts it lost."""

    loss_reason: LossReason

    def __attrs_post_init__(self) -> None:
        check_type("loss_reason", self.loss_reason, LossReason)


def _optional_id(path: str, value: object) -> str | None:
    return check_optional_key(path, value, max_len=_ID_LEN)


@attrs.frozen
class Opening(Payload):
    """Carried by the creation event: everything fixed when a purchase starts.

    ``seller`` is set when the process is tracked as a seller's own deal; ``incumbent`` is
    the current supplier (carried over by a rebuy); ``previous`` links a rebuy to the
    purchase it follows; ``grid`` is ``None`` for the published :data:`BUYGRID`.
    """

    id: str
    buyer: str
    buy_class: BuyClass
    seller: str | None = None
    incumbent: str | None = None
    previous: str | None = None
    center: BuyingCenter = attrs.field(factory=BuyingCenter)
    grid: Buygrid | None = None

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "id", check_key("id", self.id, max_len=_ID_LEN))
        object.__setattr__(self, "buyer", check_key("buyer", self.buyer, max_len=_ID_LEN))
        check_type("buy_class", self.buy_class, BuyClass)
        for name in ("seller", "incumbent", "previous"):
            object.__setattr__(self, name, _optional_id(name, getattr(self, name)))
        check_type("center", self.center, BuyingCenter)
        check_optional("grid", self.grid, Buygrid)
