"""Loyalty programmes: tiers by recent spend, points, rewards and an immutable ledger.

A loyalty programme (*chương trình khách hàng thân thiết*) "giúp khuyến khích khách hàng
quay lại mua hàng. Điều này có thể là chương trình giảm giá, ưu
đãi đặc biệt hoặc phần thưởng" — discounts, special offers, rewards; step 3 of post-sale
care builds policies for loyal customers.

>>> from datetime import datetime, timezone
>>> from khachhang import Customer, Money, Person, Purchase
>>> t = datetime(2026, 1, 10, tzinfo=timezone.utc)
>>> program = LoyaltyProgram(
...     "Thẻ thành viên",
...     tiers=(LoyaltyTier("silver", "Bạc", "Silver", Money(5_000_000)),
...            LoyaltyTier("gold", "Vàng", "Gold", Money(20_000_000), Decimal("1.5"))),
...     point_value=Money(10_000),
... )
>>> c = Customer("c-1", Person("Vũ Thị Mai"), created_at=t)
>>> c = c.add_purchase(Purchase("o-1", t, Money(6_500_000)))
>>> program.tier_for(c, as_of=datetime(2026, 6, 1, tzinfo=timezone.utc)).key
'silver'
>>> program.tier_for(c, as_of=datetime(2027, 2, 1, tzinfo=timezone.utc)) is None  # window passed
True
>>> program.points_for(Money(6_500_000))
650
>>> ledger = PointsLedger("c-1").earn(650, at=t, expires_at=program.expiry(t), reference="o-1")
>>> ledger = ledger.redeem(500, at=datetime(2026, 3, 1, tzinfo=timezone.utc), reference="r-1")
>>> ledger.balance(as_of=datetime(2026, 3, 1, tzinfo=timezone.utc))
150
>>> ledger.balance(as_of=datetime(2027, 1, 10, tzinfo=timezone.utc))  # the rest expired
0
>>> ledger.redeem(200, at=datetime(2026, 3, 2, tzinfo=timezone.utc))
Traceback (most recent call last):
...
khachhang.care.service.loyalty.InsufficientPointsError: points: balance is 150 ...200
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import attrs
from dateutil.relativedelta import relativedelta

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_optional,
    check_type,
    clean_text,
    instant,
    require_aware,
)
from khachhang.customers import Customer
from khachhang.errors import CurrencyMismatchError, ValidationError
from khachhang.fsm import MAX_EVENTS
from khachhang.labels import BilingualEnum, check_lang
from khachhang.money import Money

__all__ = [
    "EntryKind",
    "InsufficientPointsError",
    "LedgerEntry",
    "LoyaltyProgram",
    "LoyaltyTier",
    "PointsLedger",
    "Reward",
    "RewardKind",
]

_MAX_POINTS = 10**15
_TEN_THOUSAND = Money(10_000)


class InsufficientPointsError(ValidationError):
    """A redemption asked for more points than the ledger holds at that time."""


class RewardKind(BilingualEnum):
    """The three kinds of reward of a loyalty programme."""

    DISCOUNT = ("discount", "Giảm giá", "Discount")
    SPECIAL_OFFER = ("special_offer", "Ưu đãi đặc biệt", "Special offer")
    GIFT = ("gift", "Phần thưởng, quà tặng", "Reward or gift")


class EntryKind(BilingualEnum):
    """What a ledger entry records (expiry is computed, never written)."""

    EARN = ("earn", "Tích điểm", "Points earned")
    REDEEM = ("redeem", "Đổi điểm", "Points redeemed")


def _points(path: str, value: object, *, positive: bool = True) -> int:
    points = check_type(path, value, int)
    low = 1 if positive else 0
    if not low <= points < _MAX_POINTS:
        raise ValidationError(path, f"must be a whole number from {low} to 10^15 - 1, got {points}")
    return points


def _shifted(when: object, path: str, delta: relativedelta) -> datetime:
    try:
        return require_aware(when, path) + delta
    except (OverflowError, ValueError) as err:  # ValidationError is a ValueError
        if isinstance(err, ValidationError):
            raise
        raise ValidationError(path, "too close to the limits of datetime") from None


def _key(path: str, value: object) -> str:
    return clean_text(path, value, max_len=64)


@attrs.frozen
class LoyaltyTier:
    """A tier reached by spending at least ``min_spend`` within the programme's window.

    ``multiplier`` scales the points earned while in the tier (1 by default).
    """

    key: str
    label_vi: str
    label_en: str
    min_spend: Money
    multiplier: Decimal = Decimal(1)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "key", _key("key", self.key))
        object.__setattr__(self, "label_vi", clean_text("label_vi", self.label_vi))
        object.__setattr__(self, "label_en", clean_text("label_en", self.label_en))
        if check_type("min_spend", self.min_spend, Money).amount < 0:
            raise ValidationError("min_spend", "must not be negative")
        multiplier = check_type("multiplier", self.multiplier, Decimal)
        if not multiplier.is_finite() or not 0 < multiplier <= 100:
            raise ValidationError("multiplier", "must be more than 0 and at most 100")

    def label(self, lang: str = "vi") -> str:
        """The tier's name in ``lang`` (``"vi"`` or ``"en"``).

        >>> LoyaltyTier("gold", "Vàng", "Gold", Money(20_000_000)).label("en")
        'Gold'
        """
        return self.label_en if check_lang(lang) == "en" else self.label_vi


@attrs.frozen
class Reward:
    """Something points buy: a discount, a special offer or a gift.

    ``min_tier`` (a tier key) restricts it to that tier and the ones above.
    """

    key: str
    kind: RewardKind
    name: str
    cost: int
    value: Money | None = None
    min_tier: str | None = None

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "key", _key("key", self.key))
        check_type("kind", self.kind, RewardKind)
        object.__setattr__(self, "name", clean_text("name", self.name))
        _points("cost", self.cost)
        value = check_optional("value", self.value, Money)
        if value is not None and value.amount < 0:
            raise ValidationError("value", "must not be negative")
        if self.min_tier is not None:
            object.__setattr__(self, "min_tier", _key("min_tier", self.min_tier))


def _tiers(values: Iterable[LoyaltyTier]) -> tuple[LoyaltyTier, ...]:
    # Sorted in __attrs_post_init__, after the checks, so error paths are the caller's.
    return check_items("tiers", as_collection("tiers", values), LoyaltyTier)


def _rewards(values: Iterable[Reward]) -> tuple[Reward, ...]:
    return check_items("rewards", as_collection("rewards", values), Reward)


@attrs.frozen
class LoyaltyProgram:
    """Tiers by spend over a rolling window, points per amount spent, and rewards.

    Args:
        name: what the programme is called.
        tiers: kept sorted from the lowest threshold up; keys and thresholds unique.
        point_value: spend per point (one point per 10,000 ₫ by default).
        window_months: the rolling window for tiers (12 months by default).
        expiry_months: points expire this long after they are earned (12 by default).
        rewards: what points buy.

    The programme has one currency, that of ``point_value``: a tier threshold or reward
    in another currency is refused, as is a customer or amount in another currency.
    """

    name: str
    tiers: tuple[LoyaltyTier, ...] = attrs.field(default=(), converter=_tiers)
    point_value: Money = _TEN_THOUSAND
    window_months: int = 12
    expiry_months: int = 12
    rewards: tuple[Reward, ...] = attrs.field(default=(), converter=_rewards)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "name", clean_text("name", self.name))
        if check_type("point_value", self.point_value, Money).amount <= 0:
            raise ValidationError("point_value", "must be positive")
        currency = self.point_value.currency
        for name in ("window_months", "expiry_months"):
            if not 1 <= check_type(name, getattr(self, name), int) <= 1200:
                raise ValidationError(name, "must be 1 to 1200 months")
        keys: set[str] = set()
        thresholds: set[Decimal] = set()
        for i, tier in enumerate(self.tiers):
            if tier.min_spend.currency != currency:
                msg = f"threshold in {tier.min_spend.currency}, programme in {currency}"
                raise CurrencyMismatchError(f"tiers[{i}].min_spend.currency", msg)
            if tier.key in keys:
                raise ValidationError(f"tiers[{i}].key", f"duplicate tier {tier.key!r}")
            if tier.min_spend.amount in thresholds:
                msg = f"another tier has the threshold {tier.min_spend.format()}"
                raise ValidationError(f"tiers[{i}].min_spend", msg)
            keys.add(tier.key)
            thresholds.add(tier.min_spend.amount)
        ordered = tuple(sorted(self.tiers, key=lambda t: t.min_spend.amount))
        object.__setattr__(self, "tiers", ordered)
        seen: set[str] = set()
        for i, reward in enumerate(self.rewards):
            if reward.value is not None and reward.value.currency != currency:
                msg = f"value in {reward.value.currency}, programme in {currency}"
                raise CurrencyMismatchError(f"rewards[{i}].value.currency", msg)
            if reward.min_tier is not None and reward.min_tier not in keys:
                raise ValidationError(f"rewards[{i}].min_tier", f"no tier {reward.min_tier!r}")
            if reward.key in seen:
                raise ValidationError(f"rewards[{i}].key", f"duplicate reward {reward.key!r}")
            seen.add(reward.key)

    @property
    def currency(self) -> str:
        """The programme's currency."""
        return self.point_value.currency

    @property
    def window(self) -> relativedelta:
        """The rolling window as a calendar duration."""
        return relativedelta(months=self.window_months)

    def expiry(self, earned_at: datetime) -> datetime:
        """When points earned at ``earned_at`` expire (month ends are clamped: 31 January
        plus one month is 28 or 29 February)."""
        return _shifted(earned_at, "earned_at", relativedelta(months=self.expiry_months))

    def spend(self, customer: Customer, *, as_of: datetime) -> Money:
        """What ``customer`` spent in the window ending at ``as_of`` (start excluded)."""
        check_type("customer", customer, Customer)
        require_aware(as_of, "as_of")
        if customer.currency != self.currency:
            msg = f"customer buys in {customer.currency}, programme is in {self.currency}"
            raise CurrencyMismatchError("customer.currency", msg)
        since = _shifted(as_of, "as_of", -self.window)
        return customer.spent(as_of=as_of, since=since)

    def tier_for(self, customer: Customer, *, as_of: datetime) -> LoyaltyTier | None:
        """The highest tier whose threshold the window's spend reaches; ``None`` below all."""
        spent = self.spend(customer, as_of=as_of)
        reached = None
        for tier in self.tiers:
            if spent >= tier.min_spend:
                reached = tier
        return reached

    def points_for(self, amount: Money, tier: LoyaltyTier | None = None) -> int:
        """Whole points for spending ``amount`` (rounded down), times the tier's multiplier.

        >>> gold = LoyaltyTier("gold", "Vàng", "Gold", Money(0), Decimal("1.5"))
        >>> LoyaltyProgram("p", tiers=(gold,)).points_for(Money(129_000), gold)  # 19.35
        19
        """
        check_type("amount", amount, Money)
        if amount.currency != self.currency:
            msg = f"amount in {amount.currency}, programme in {self.currency}"
            raise CurrencyMismatchError("amount.currency", msg)
        if amount.amount <= 0:
            return 0
        multiplier = (
            Decimal(1) if tier is None else check_type("tier", tier, LoyaltyTier).multiplier
        )
        # Exact: a rounded quotient could cross a whole number (2.999… → 3).
        exact = Fraction(amount.amount) * Fraction(multiplier) / Fraction(self.point_value.amount)
        return exact.numerator // exact.denominator

    def rewards_for(self, tier: LoyaltyTier | None) -> tuple[Reward, ...]:
        """Rewards open to a member of ``tier`` (``None``: rewards without a tier floor).

        >>> gold = LoyaltyTier("gold", "Vàng", "Gold", Money(20_000_000))
        >>> program = LoyaltyProgram("p", tiers=(gold,), rewards=(
        ...     Reward("tet", RewardKind.GIFT, "Quà Tết", 500, min_tier="gold"),))
        >>> program.rewards_for(None), [r.key for r in program.rewards_for(gold)]
        ((), ['tet'])
        """
        check_optional("tier", tier, LoyaltyTier)
        rank = {t.key: i for i, t in enumerate(self.tiers)}
        mine = -1 if tier is None else rank.get(tier.key, -1)
        return tuple(r for r in self.rewards if r.min_tier is None or rank[r.min_tier] <= mine)


@attrs.frozen
class LedgerEntry:
    """One earn or redeem; earned points carry their expiry (``None``: never)."""

    kind: EntryKind
    points: int
    at: datetime
    reference: str = ""
    expires_at: datetime | None = None

    def __attrs_post_init__(self) -> None:
        check_type("kind", self.kind, EntryKind)
        _points("points", self.points)
        require_aware(self.at, "at")
        if self.reference != "":
            check_key("reference", self.reference, max_len=200)
        if self.expires_at is not None:
            require_aware(self.expires_at, "expires_at")
            if self.kind is EntryKind.REDEEM:
                raise ValidationError("expires_at", "only earned points expire")
            if self.expires_at <= instant(self.at):
                raise ValidationError("expires_at", "must be after the points were earned")


def _entries(values: Iterable[LedgerEntry]) -> tuple[LedgerEntry, ...]:
    return check_items("entries", as_collection("entries", values), LedgerEntry)


Lot = tuple[datetime | None, int]


def _lots(entries: Iterable[LedgerEntry], as_of: datetime) -> list[Lot]:
    """Unexpired earned lots ``(expires_at, points)`` left at ``as_of``, oldest first.

    Redemptions take from the lot earned first (FIFO); a lot expires at its
    ``expires_at`` (the points are gone *at* that instant). One pass, O(entries): lots
    before ``head`` are used up or expired, and entries come in time order, so a lot
    that is dead once stays dead.
    """
    as_of = instant(as_of)  # instants: a shared ZoneInfo would compare wall times
    expiries: list[datetime | None] = []
    points: list[int] = []
    head = 0
    for i, entry in enumerate(entries):
        if entry.at > as_of:
            break
        if entry.kind is EntryKind.EARN:
            expires_at = entry.expires_at
            expiries.append(None if expires_at is None else instant(expires_at))
            points.append(entry.points)
            continue
        need = entry.points
        while need and head < len(points):
            expires = expiries[head]
            if expires is not None and expires <= entry.at:
                head += 1  # expired before this redemption
                continue
            take = min(need, points[head])
            points[head] -= take
            need -= take
            if not points[head]:
                head += 1
        if need:
            msg = (
                f"redeems {entry.points} at {entry.at.isoformat()} "
                f"but only {entry.points - need} are left"
            )
            raise InsufficientPointsError(f"entries[{i}]", msg)
    return [
        (expires, left)
        for expires, left in zip(expiries[head:], points[head:], strict=True)
        if left and (expires is None or expires > as_of)
    ]


@attrs.frozen
class PointsLedger:
    """A member's points: an append-only log of earn and redeem entries in time order.

    Balances are computed first in, first out: a redemption uses the oldest points
    first, and points still unused at their expiry vanish. A redemption the balance
    cannot cover is refused (:class:`InsufficientPointsError`) and, values being
    immutable, the ledger you held is unchanged.
    """

    customer_id: str
    entries: tuple[LedgerEntry, ...] = attrs.field(default=(), converter=_entries)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self, "customer_id", check_key("customer_id", self.customer_id, max_len=128)
        )
        if len(self.entries) > MAX_EVENTS:
            msg = f"{len(self.entries)} entries; a ledger holds at most {MAX_EVENTS}"
            raise ValidationError("entries", msg)
        for i in range(1, len(self.entries)):
            if self.entries[i].at < instant(self.entries[i - 1].at):
                raise ValidationError(f"entries[{i}].at", "is earlier than the entry before it")
        if self.entries:
            _lots(self.entries, self.entries[-1].at)  # refuses a log that goes below zero

    def _append(self, entry: LedgerEntry) -> PointsLedger:
        if len(self.entries) >= MAX_EVENTS:
            msg = f"the ledger holds {len(self.entries)} entries, the most one may hold"
            raise ValidationError("entries", msg)
        if self.entries and entry.at < instant(self.entries[-1].at):
            msg = f"{entry.at.isoformat()} is before the last entry; the ledger is append-only"
            raise ValidationError("at", msg)
        return attrs.evolve(self, entries=(*self.entries, entry))

    def earn(
        self, points: int, *, at: datetime, expires_at: datetime | None = None, reference: str = ""
    ) -> PointsLedger:
        """A new ledger with ``points`` earned at ``at``."""
        return self._append(LedgerEntry(EntryKind.EARN, points, at, reference, expires_at))

    def redeem(self, points: int, *, at: datetime, reference: str = "") -> PointsLedger:
        """A new ledger with ``points`` spent at ``at``.

        Raises:
            InsufficientPointsError: the balance at ``at`` is smaller than ``points``.
        """
        entry = LedgerEntry(EntryKind.REDEEM, points, at, reference)
        have = self.balance(as_of=at)
        if have < points:
            msg = f"balance is {have} at {at.isoformat()}, cannot redeem {points}"
            raise InsufficientPointsError("points", msg)
        return self._append(entry)

    def balance(self, *, as_of: datetime) -> int:
        """Points available at ``as_of``: earned, minus redeemed, minus expired."""
        require_aware(as_of, "as_of")
        return sum(points for _, points in _lots(self.entries, as_of))

    def earned(self, *, as_of: datetime) -> int:
        """All points earned up to ``as_of``."""
        as_of = instant(require_aware(as_of, "as_of"))
        return sum(e.points for e in self.entries if e.kind is EntryKind.EARN and e.at <= as_of)

    def redeemed(self, *, as_of: datetime) -> int:
        """All points redeemed up to ``as_of``."""
        as_of = instant(require_aware(as_of, "as_of"))
        return sum(e.points for e in self.entries if e.kind is EntryKind.REDEEM and e.at <= as_of)

    def expired(self, *, as_of: datetime) -> int:
        """Points that expired unused by ``as_of`` (earned − redeemed − balance)."""
        return self.earned(as_of=as_of) - self.redeemed(as_of=as_of) - self.balance(as_of=as_of)
