"""RFM: recency, frequency and monetary scores, and the named recency × frequency grid.

Raw values, at ``as_of`` (purchases after it are ignored, as everywhere in segmentation):

* **recency** — ``recency_days``: whole 24-hour periods since the last purchase;
* **frequency** — ``orders``: purchases made at or before ``as_of``;
* **monetary** — ``total_spent`` (``monetary="total"``, the default) or the average
  order value, ``total_spent / orders`` rounded to the currency (``"average"``).

Scores run from 1 to ``bins`` (5 by default; higher is better: recent, frequent, big).
Cut points are nearest-rank quantiles of the population given — the ``k``-th of the
``bins - 1`` cut points is the value at rank ``ceil(k·n/bins)`` — or those the caller
passes. A score is ``1 +`` the number of cut points the value beats: ``value > cut`` for
frequency and monetary, ``value < cut`` for recency. So **equal values always get equal
scores** (ties never split, whatever the input order), and the cut points returned in
:attr:`RFMResult.thresholds` say exactly why a customer got a 3.

Customers with no purchase at or before ``as_of`` take no part in the quantiles: their
scores are ``None`` and they are in no RFM segment (they are prospects; segment them with
``F.orders == 0``). Purchasing customers must share one currency.

>>> from datetime import datetime, timedelta, timezone
>>> from khachhang import Customer, Person, Money
>>> from khachhang.customers import Purchase
>>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
>>> def buyer(i, days_ago, n):
...     c = Customer(f"c-{i}", Person("An"), created_at=t - timedelta(days=400))
...     for k in range(n):
...         at = t - timedelta(days=days_ago + k)
...         c = c.add_purchase(Purchase(f"o{k}", at, Money(100000)), advance_lifecycle=False)
...     return c
>>> book = [buyer(i, 10 * i, 5 - i) for i in range(5)]
>>> result = rfm_scores(book, as_of=t)
>>> [s.code for s in result.scores]
['555', '444', '333', '222', '111']
>>> result.thresholds.frequency
(1, 2, 3, 4)
>>> RFM_GRID.segment_of(5, 5).key, RFM_GRID.segment_of(1, 5).label("en")
('champions', "Can't lose them")
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import attrs

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_type,
    clean_text,
    require_aware,
)
from khachhang.customers import Customer
from khachhang.errors import ValidationError
from khachhang.labels import BilingualEnum, check_lang
from khachhang.money import MONEY_CONTEXT, Money
from khachhang.segmentation.fields import DEFAULT_REGISTRY

__all__ = [
    "RFM_GRID",
    "Monetary",
    "RFMCutPoints",
    "RFMGrid",
    "RFMGridSegment",
    "RFMResult",
    "RFMScore",
    "rfm_scores",
]


_MAX_BINS = 10


class Monetary(BilingualEnum):
    """What the M in RFM measures."""

    TOTAL = ("total", "Tổng chi tiêu", "Total spent")
    AVERAGE = ("average", "Giá trị đơn hàng trung bình", "Average order value")


@attrs.frozen
class RFMCutPoints:
    """The ``bins - 1`` cut points of each score, ascending.

    A score is ``1 +`` the number of cut points the value beats (``<`` for recency,
    ``>`` for frequency and monetary).
    """

    recency: tuple[int, ...]
    frequency: tuple[int, ...]
    monetary: tuple[Money, ...]

    def __attrs_post_init__(self) -> None:
        for name in ("recency", "frequency"):
            values = as_collection(name, getattr(self, name))
            for i, v in enumerate(values):
                check_type(f"{name}[{i}]", v, int)
            object.__setattr__(self, name, tuple(values))
        money = as_collection("monetary", self.monetary)
        sizes = {len(self.recency), len(self.frequency), len(money)}
        if len(sizes) != 1:
            raise ValidationError("", "recency, frequency and monetary need as many cut points")
        if not 1 <= len(money) <= _MAX_BINS - 1:
            msg = f"expected 1 to {_MAX_BINS - 1} cut points each (2 to {_MAX_BINS} scores)"
            raise ValidationError("recency", msg)
        cuts = [check_type(f"monetary[{i}]", v, Money) for i, v in enumerate(money)]
        if len({m.currency for m in cuts}) > 1:
            raise ValidationError("monetary", "cut points must share one currency")
        object.__setattr__(self, "monetary", tuple(money))
        for name in ("recency", "frequency", "monetary"):
            values = getattr(self, name)
            if any(a > b for a, b in itertools.pairwise(values)):
                raise ValidationError(name, "cut points must be in ascending order")

    @property
    def bins(self) -> int:
        """How many scores the cut points make (one more than cut points)."""
        return len(self.recency) + 1

    @classmethod
    def from_counts(
        cls,
        recency: Iterable[tuple[int, int]],
        frequency: Iterable[tuple[int, int]],
        monetary: Iterable[tuple[Money, int]],
        *,
        bins: int = 5,
    ) -> RFMCutPoints:
        """The quantile cut points of :func:`rfm_scores` from value counts.

        Each argument lists ``(value, customers)`` pairs for the values among purchasing
        customers (a value listed twice is summed) — what a ``GROUP BY`` returns, so a
        database or a frame computes the cut points without shipping rows (see
        :func:`~khachhang.segmentation.backends.polars_backend.rfm_frame` and
        :func:`~khachhang.segmentation.backends.sql_backend.rfm_counts_sql`). With no
        purchasing customer every cut point is zero.

        >>> cuts = RFMCutPoints.from_counts([(3, 1), (40, 2)], [(1, 2), (4, 1)],
        ...                                 [(Money(100), 3)], bins=2)
        >>> cuts.recency, cuts.frequency
        ((40,), (1,))
        """
        if type(bins) is not int or not 2 <= bins <= _MAX_BINS:
            raise ValidationError("bins", f"expected 2 to {_MAX_BINS}, got {bins!r}")
        tables: dict[str, list[tuple[Any, int]]] = {}
        for name, pairs, kind in (
            ("recency", recency, int),
            ("frequency", frequency, int),
            ("monetary", monetary, Money),
        ):
            rows = []
            for i, pair in enumerate(as_collection(name, pairs)):
                if not isinstance(pair, tuple) or len(pair) != 2:
                    raise ValidationError(f"{name}[{i}]", "expected a (value, count) pair")
                value, count = pair
                check_type(f"{name}[{i}][0]", value, kind)
                if type(count) is not int or count < 1:
                    raise ValidationError(
                        f"{name}[{i}][1]", f"expected a positive count, got {count!r}"
                    )
                rows.append((value, count))
            merged: dict[Any, int] = {}
            for value, count in rows:  # a value listed twice counts once, summed
                merged[value] = merged.get(value, 0) + count
            tables[name] = list(merged.items())
        if not tables["frequency"]:
            zero = Money.zero(tables["monetary"][0][0].currency if tables["monetary"] else "VND")
            return cls((0,) * (bins - 1), (0,) * (bins - 1), (zero,) * (bins - 1))
        currencies = {value.currency for value, _ in tables["monetary"]}
        if len(currencies) > 1:
            shown = ", ".join(sorted(currencies))
            raise ValidationError("monetary", f"values in several currencies ({shown})")
        return cls(
            tuple(_cuts(tables["recency"], bins, True)),
            tuple(_cuts(tables["frequency"], bins, False)),
            tuple(_cuts(tables["monetary"], bins, False)),
        )


@attrs.frozen
class RFMScore:
    """One customer's raw RFM values and scores (``None`` scores: no purchase yet)."""

    customer_id: str
    recency_days: int | None
    frequency: int
    monetary: Money
    r: int | None
    f: int | None
    m: int | None

    def __attrs_post_init__(self) -> None:
        check_key("customer_id", self.customer_id)

    @property
    def code(self) -> str:
        """``"555"``-style code; ``"000"`` without purchases."""
        return f"{self.r or 0}{self.f or 0}{self.m or 0}"


@attrs.frozen
class RFMGridSegment:
    """A named block of (R, F) cells: every recency score × every frequency score listed."""

    key: str
    label_vi: str
    label_en: str
    recency: tuple[int, ...]
    frequency: tuple[int, ...]

    def __attrs_post_init__(self) -> None:
        key = check_type("key", self.key, str)
        if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,62}", key, re.ASCII):
            raise ValidationError("key", f"{key[:70]!r} is not a segment key")
        object.__setattr__(self, "label_vi", clean_text("label_vi", self.label_vi))
        object.__setattr__(self, "label_en", clean_text("label_en", self.label_en))
        for name in ("recency", "frequency"):
            values = as_collection(name, getattr(self, name))
            if not values:
                raise ValidationError(name, "needs at least one score")
            for i, v in enumerate(values):
                check_type(f"{name}[{i}]", v, int)
            object.__setattr__(self, name, tuple(values))

    def label(self, lang: str = "vi") -> str:
        """The segment's name in ``lang``."""
        return self.label_vi if check_lang(lang) == "vi" else self.label_en

    @property
    def cells(self) -> tuple[tuple[int, int], ...]:
        """Every (R, F) cell of the block."""
        return tuple(itertools.product(self.recency, self.frequency))


@attrs.frozen
class RFMGrid:
    """Named segments over the (R, F) cells; each cell belongs to exactly one segment.

    Raises:
        ValidationError: naming the cells two segments share, the cells no segment
            covers, or scores outside ``1..bins``.

    >>> RFMGrid((RFMGridSegment("all", "Tất cả", "All", (1, 2), (1,)),), bins=2)
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: segments: cells not covered: (1, 2), (2, 2)
    """

    segments: tuple[RFMGridSegment, ...]
    bins: int = 5
    _lookup: dict[tuple[int, int], RFMGridSegment] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        if type(self.bins) is not int or not 2 <= self.bins <= 10:
            raise ValidationError("bins", "expected 2 to 10 scores")
        items = as_collection("segments", self.segments)
        owner: dict[tuple[int, int], RFMGridSegment] = {}
        clashes: list[str] = []
        keys: set[str] = set()
        for i, item in enumerate(items):
            segment = check_type(f"segments[{i}]", item, RFMGridSegment)
            if segment.key in keys:
                raise ValidationError(f"segments[{i}].key", "duplicate key")
            keys.add(segment.key)
            for cell in segment.cells:
                if not all(1 <= s <= self.bins for s in cell):
                    raise ValidationError(f"segments[{i}]", f"cell {cell} outside 1..{self.bins}")
                if cell in owner:
                    clashes.append(f"{cell} in {owner[cell].key!r} and {segment.key!r}")
                else:
                    owner[cell] = segment
        if clashes:
            raise ValidationError("segments", "cells in two segments: " + "; ".join(clashes))
        scores = range(1, self.bins + 1)
        missing = [c for c in itertools.product(scores, scores) if c not in owner]
        if missing:
            cells = ", ".join(str(c) for c in missing)
            raise ValidationError("segments", f"cells not covered: {cells}")
        object.__setattr__(self, "segments", tuple(items))
        object.__setattr__(self, "_lookup", owner)

    def segment_of(self, r: int, f: int) -> RFMGridSegment:
        """The segment of the cell (``r``, ``f``)."""
        found = self._lookup.get((r, f))
        if found is None:
            raise ValidationError("", f"no cell ({r}, {f}) in a {self.bins}-score grid")
        return found

    def to_text(self, lang: str = "vi") -> str:
        """The grid as a table: recency down (5 at the top), frequency across."""
        codes = {s.key: chr(ord("A") + i) for i, s in enumerate(self.segments)}
        rows = [f"R\\F {' '.join(str(f) for f in range(1, self.bins + 1))}"]
        for r in range(self.bins, 0, -1):
            cells = " ".join(codes[self.segment_of(r, f).key] for f in range(1, self.bins + 1))
            rows.append(f"{r}   {cells}")
        rows.extend(f"{codes[s.key]} = {s.label(lang)}" for s in self.segments)
        return "\n".join(rows)


def _seg(key: str, vi: str, en: str, r: Iterable[int], f: Iterable[int]) -> RFMGridSegment:
    return RFMGridSegment(key, vi, en, tuple(r), tuple(f))


RFM_GRID = RFMGrid(
    (
        _seg("champions", "Khách hàng tốt nhất", "Champions", (5,), (4, 5)),
        _seg("loyal_customers", "Khách mua thường xuyên", "Regular buyers", (3, 4), (4, 5)),
        _seg(
            "potential_loyalists",
            "Có thể thành khách mua thường xuyên",
            "Potential regular buyers",
            (4, 5),
            (2, 3),
        ),
        _seg("new_customers", "Khách hàng mới", "New customers", (5,), (1,)),
        _seg("promising", "Mua gần đây, còn ít lần", "Recent, few purchases", (4,), (1,)),
        _seg("need_attention", "Cần quan tâm", "Need attention", (3,), (3,)),
        _seg("about_to_sleep", "Sắp ngủ đông", "About to sleep", (3,), (1, 2)),
        _seg("at_risk", "Có nguy cơ rời bỏ", "At risk", (1, 2), (3, 4)),
        _seg("cant_lose", "Không thể để mất", "Can't lose them", (1, 2), (5,)),
        _seg("hibernating", "Ngủ đông", "Hibernating", (1, 2), (1, 2)),
    )
)
"""The widely used recency × frequency grid: ten segments over the 25 cells, once each.

R 5: new customers (F 1), potential loyalists (F 2–3), champions (F 4–5);
R 4: promising (F 1), potential loyalists (F 2–3), loyal (F 4–5);
R 3: about to sleep (F 1–2), need attention (F 3), loyal (F 4–5);
R 1–2: hibernating (F 1–2), at risk (F 3–4), can't lose them (F 5).
"""


@attrs.frozen
class RFMResult:
    """Scores for a population, with the cut points used and how M was measured."""

    as_of: datetime
    monetary: Monetary
    thresholds: RFMCutPoints
    scores: tuple[RFMScore, ...]

    @property
    def bins(self) -> int:
        """How many scores each of R, F, M has."""
        return self.thresholds.bins

    def segments(self, grid: RFMGrid | None = None) -> list[str | None]:
        """Each customer's grid segment key, in input order (``None``: no purchase)."""
        table = RFM_GRID if grid is None else grid
        if table.bins != self.bins:
            raise ValidationError("grid", f"a {table.bins}-score grid for {self.bins} scores")
        return [
            None if s.r is None or s.f is None else table.segment_of(s.r, s.f).key
            for s in self.scores
        ]

    def segment_counts(self, grid: RFMGrid | None = None) -> dict[str | None, int]:
        """Customers per grid segment (grid order), ``None`` for those without purchases."""
        table = RFM_GRID if grid is None else grid
        counts: dict[str | None, int] = {s.key: 0 for s in table.segments}
        counts[None] = 0
        for key in self.segments(table):
            counts[key] += 1
        return counts


_Measure = TypeVar("_Measure", int, Money)


def _cuts(counts: Sequence[tuple[_Measure, int]], bins: int, descending: bool) -> list[_Measure]:
    """Cut points from ``(value, customers)`` pairs of distinct values, ascending.

    Nearest rank: the ``k``-th cut is the value at rank ``ceil(k·n/bins)`` from the
    worst end (the largest recency, the smallest frequency or money). When those cuts
    would leave a score empty — a repeated cut, or the last cut at the best value, as
    skewed data gives — and there are at least ``bins`` distinct values, each cut moves
    to the next distinct value towards the best, and the last ones back from the best,
    so that every score is given.
    """
    ordered = sorted(counts, key=lambda pair: pair[0], reverse=descending)  # worst first
    n = sum(count for _, count in ordered)
    d = len(ordered)
    positions: list[int] = []
    seen, j = 0, -1
    for k in range(1, bins):
        rank = max(-(-k * n // bins), 1)
        while seen < rank:
            j += 1
            seen += ordered[j][1]
        positions.append(j)
    empty = len(set(positions)) < len(positions) or positions[-1] == d - 1
    if empty and d >= bins:
        for i, pos in enumerate(positions):
            low = positions[i - 1] + 1 if i else 0
            positions[i] = min(max(pos, low), d - bins + i)
    return sorted(ordered[p][0] for p in positions)


def _score_up(value: _Measure, cuts: Sequence[_Measure]) -> int:
    return 1 + len([c for c in cuts if value > c])


def _score_down(value: _Measure, cuts: Sequence[_Measure]) -> int:
    return 1 + len([c for c in cuts if value < c])


def rfm_scores(
    customers: Iterable[Customer],
    *,
    as_of: datetime,
    bins: int | None = None,
    cut_points: RFMCutPoints | None = None,
    monetary: Monetary | str = Monetary.TOTAL,
) -> RFMResult:
    """R, F and M scores (1..``bins``) for ``customers`` at ``as_of``; see the module doc.

    Args:
        customers: the population the quantiles are taken over.
        as_of: the instant; later purchases are ignored.
        bins: how many scores (2 to 10); by default 5, or as many as ``cut_points`` make.
        cut_points: the caller's cut points instead of quantiles (``bins - 1`` each).
        monetary: ``"total"`` (total spent) or ``"average"`` (average order value).

    Raises:
        ValidationError: for bad ``bins``, cut points of another size or currency, or
            purchasing customers in more than one currency.

    >>> from datetime import datetime, timezone
    >>> from khachhang import Customer, Person
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> rfm_scores([Customer("c-1", Person("An"), created_at=t)], as_of=t, bins=3).scores[0].code
    '000'
    """
    require_aware(as_of, "as_of")
    basis = monetary if isinstance(monetary, Monetary) else _monetary(monetary)
    if cut_points is not None:
        check_type("cut_points", cut_points, RFMCutPoints)
    if bins is None:
        bins = 5 if cut_points is None else cut_points.bins
    if type(bins) is not int or not 2 <= bins <= _MAX_BINS:
        raise ValidationError("bins", f"expected 2 to {_MAX_BINS}, got {bins!r}")
    if cut_points is not None and cut_points.bins != bins:
        raise ValidationError("cut_points", f"{cut_points.bins - 1} cut points for {bins} bins")
    book = list(check_items("customers", as_collection("customers", customers), Customer))
    recency = DEFAULT_REGISTRY["recency_days"].bind(as_of=as_of)
    orders = DEFAULT_REGISTRY["orders"].bind(as_of=as_of)
    spent = DEFAULT_REGISTRY["total_spent"].bind(as_of=as_of)
    raw: list[tuple[str, int | None, int, Money]] = []
    currencies: set[str] = set()
    for customer in book:
        n, total = orders(customer), spent(customer)
        value = total
        if basis is Monetary.AVERAGE and n:
            value = Money.rounded(MONEY_CONTEXT.divide(total.amount, n), total.currency)
        if n:
            currencies.add(total.currency)
        raw.append((customer.id, recency(customer), n, value))
    if len(currencies) > 1:
        shown = ", ".join(sorted(currencies))
        msg = f"customers buy in several currencies ({shown}); score each currency apart"
        raise ValidationError("customers", msg)
    buyers = [row for row in raw if row[2]]
    if cut_points is None:
        cut_points = _quantile_cuts(buyers, bins)
    m_cuts = list(cut_points.monetary)
    if buyers and cut_points.monetary and cut_points.monetary[0].currency not in currencies:
        raise ValidationError("cut_points.monetary", "in another currency than the purchases")
    scores = []
    for cid, rec, n, value in raw:
        if not n or rec is None:
            scores.append(RFMScore(cid, rec, n, value, None, None, None))
            continue
        scores.append(
            RFMScore(
                cid,
                rec,
                n,
                value,
                _score_down(rec, cut_points.recency),
                _score_up(n, cut_points.frequency),
                _score_up(value, m_cuts),
            )
        )
    return RFMResult(as_of, basis, cut_points, tuple(scores))


def _quantile_cuts(buyers: list[tuple[str, int | None, int, Money]], bins: int) -> RFMCutPoints:
    recency = Counter(r[1] for r in buyers if r[1] is not None)
    return RFMCutPoints.from_counts(
        recency.items(),
        Counter(r[2] for r in buyers).items(),
        Counter(r[3] for r in buyers).items(),
        bins=bins,
    )


def _monetary(value: object) -> Monetary:
    for member in Monetary:
        if member.value == value:
            return member
    raise ValidationError("monetary", f"expected 'total' or 'average', got {value!r}")
