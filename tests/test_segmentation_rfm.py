"""RFM scores and the named recency × frequency grid."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import NEW_YEAR as T0
from conftest import UTC, scaled
from khachhang import Customer, Money, Person
from khachhang.customers import Purchase
from khachhang.errors import ValidationError
from khachhang.segmentation.rfm import (
    RFM_GRID,
    Monetary,
    RFMCutPoints,
    RFMGrid,
    RFMGridSegment,
    RFMResult,
    rfm_scores,
)
from khachhang.serde import from_dict, from_json, to_dict, to_json
from khachhang.testing import customers, rfm_cut_points, rfm_grids, rfm_results

AS_OF = datetime(2036, 12, 31, tzinfo=UTC)  # after every generated purchase
BOOKS = st.lists(customers(max_purchases=3), max_size=8)


def _buyer(i: int, days_ago: int, orders: int, amount: int = 100_000) -> Customer:
    c = Customer(f"c-{i}", Person("Lê Thu Hà"), created_at=T0 - timedelta(days=3000))
    for k in range(orders):
        at = T0 - timedelta(days=days_ago + k)
        c = c.add_purchase(Purchase(f"o{k}", at, Money(amount)), advance_lifecycle=False)
    return c


def test_the_grid_covers_all_25_cells_exactly_once_with_ten_segments() -> None:
    cells = [cell for s in RFM_GRID.segments for cell in s.cells]
    assert sorted(cells) == list(itertools.product(range(1, 6), range(1, 6)))
    assert len(RFM_GRID.segments) == 10
    assert all(s.label_vi != s.label_en for s in RFM_GRID.segments)


@pytest.mark.parametrize(
    ("r", "f", "key"),
    [
        (5, 5, "champions"),
        (5, 1, "new_customers"),
        (4, 1, "promising"),
        (3, 3, "need_attention"),
        (4, 5, "loyal_customers"),
        (1, 5, "cant_lose"),
        (1, 1, "hibernating"),
        (2, 3, "at_risk"),
        (3, 2, "about_to_sleep"),
        (5, 3, "potential_loyalists"),
    ],
)
def test_named_cells(r: int, f: int, key: str) -> None:
    """5-5 is a champion — not 'loyal' as in packages where a later rule overwrites it."""
    assert RFM_GRID.segment_of(r, f).key == key


def test_a_grid_with_overlapping_or_missing_cells_is_refused_naming_the_cells() -> None:
    everything = RFMGridSegment("all", "Tất cả", "All", (1, 2), (1, 2))
    top = RFMGridSegment("top", "Tốt nhất", "Top", (2,), (2,))
    with pytest.raises(ValidationError, match=r"\(2, 2\) in 'all' and 'top'"):
        RFMGrid((everything, top), bins=2)
    with pytest.raises(ValidationError, match=r"not covered: \(1, 1\), \(1, 2\), \(2, 1\)"):
        RFMGrid((top,), bins=2)
    with pytest.raises(ValidationError, match="outside"):
        RFMGrid((RFMGridSegment("x", "X", "Ex", (3,), (1,)),), bins=2)
    assert RFMGrid((everything,), bins=2).segment_of(2, 2).key == "all"


def test_quantile_scores_split_distinct_values_evenly() -> None:
    book = [_buyer(i, days_ago=3 * i, orders=1 + i, amount=1000 * (1 + i)) for i in range(10)]
    result = rfm_scores(book, as_of=T0)
    assert [s.f for s in result.scores] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert [s.r for s in result.scores] == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert [s.m for s in result.scores] == [s.f for s in result.scores]
    assert result.thresholds.frequency == (2, 4, 6, 8)
    assert result.segment_counts()["champions"] == 0
    assert result.segments()[0] == "new_customers"  # recent, one order
    assert result.segments()[-1] == "cant_lose"  # long ago, many orders


@settings(max_examples=scaled(25))
@given(BOOKS, st.randoms(use_true_random=False), st.sampled_from(list(Monetary)))
def test_scores_are_deterministic_tie_consistent_and_order_free(
    book: list[Customer], rnd: object, monetary: Monetary
) -> None:
    book = [c for c in book if c.currency == "VND"]
    result = rfm_scores(book, as_of=AS_OF, monetary=monetary)
    shuffled = list(zip(book, result.scores, strict=True))
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    again = rfm_scores([c for c, _ in shuffled], as_of=AS_OF, monetary=monetary)
    assert again.thresholds == result.thresholds
    assert list(again.scores) == [s for _, s in shuffled]
    scored = [s for s in result.scores if s.r is not None]
    for a, b in itertools.combinations(scored, 2):
        if a.frequency == b.frequency:
            assert a.f == b.f
        if a.recency_days == b.recency_days:
            assert a.r == b.r
        if a.monetary == b.monetary:
            assert a.m == b.m
        if a.frequency < b.frequency:
            assert a.f <= b.f  # type: ignore[operator]
        if a.recency_days < b.recency_days:  # type: ignore[operator]
            assert a.r >= b.r  # type: ignore[operator]
    for s in result.scores:
        if s.r is None:
            assert s.frequency == 0
        else:
            assert {s.r, s.f, s.m} <= set(range(1, 6))
            beaten = sum(s.frequency > c for c in result.thresholds.frequency)
            assert s.f == 1 + beaten


def test_customers_without_purchases_get_no_score_and_no_segment() -> None:
    prospect = Customer("p", Person("Đỗ Minh"), created_at=T0)
    later = _buyer(9, days_ago=-5, orders=1)  # bought after as_of: not yet a buyer
    result = rfm_scores([prospect, later, _buyer(1, 3, 2)], as_of=T0)
    assert [s.code for s in result.scores[:2]] == ["000", "000"]
    assert result.segments()[:2] == [None, None]
    assert result.segment_counts()[None] == 2


def test_average_order_value_is_the_rounded_mean() -> None:
    c = _buyer(1, 3, 3, amount=100_001)
    [score] = rfm_scores([c], as_of=T0, monetary="average").scores
    assert score.monetary == Money("100001")
    [total] = rfm_scores([c], as_of=T0).scores
    assert total.monetary == Money("300003")


def test_cut_points_given_by_the_caller_are_used_as_they_are() -> None:
    cuts = RFMCutPoints((10, 30), (1, 3), (Money(150_000), Money(250_000)))
    book = [_buyer(1, 5, 1), _buyer(2, 20, 2), _buyer(3, 40, 5)]
    result = rfm_scores(book, as_of=T0, bins=3, cut_points=cuts)
    assert [s.code for s in result.scores] == ["311", "222", "133"]
    assert result.thresholds is cuts
    assert rfm_scores(book, as_of=T0, cut_points=cuts) == result  # bins=3 from the cuts
    with pytest.raises(ValidationError, match="cut points for 5 bins"):
        rfm_scores(book, as_of=T0, bins=5, cut_points=cuts)
    with pytest.raises(ValidationError, match="ascending"):
        RFMCutPoints((30, 10), (1, 3), (Money(1), Money(2)))
    with pytest.raises(ValidationError, match="grid"):
        result.segments()


def test_mixed_currencies_are_refused() -> None:
    usd = Customer("u", Person("Anna"), created_at=T0, currency="USD")
    usd = usd.add_purchase(Purchase("o", T0 - timedelta(days=1), Money("5", "USD")))
    with pytest.raises(ValidationError, match="several currencies"):
        rfm_scores([usd, _buyer(1, 1, 1)], as_of=T0)
    with pytest.raises(ValidationError, match="bins"):
        rfm_scores([], as_of=T0, bins=1)


@settings(max_examples=scaled(15))
@given(BOOKS)
def test_rfm_results_round_trip(book: list[Customer]) -> None:
    book = [c for c in book if c.currency == "VND"]
    result = rfm_scores(book, as_of=AS_OF)
    assert from_json(to_json(result), RFMResult) == result


@settings(max_examples=scaled(15))
@given(rfm_results())
def test_generated_rfm_results_round_trip(result: RFMResult) -> None:
    assert from_dict(to_dict(result), RFMResult) == result


@given(rfm_cut_points(4), rfm_grids())
def test_cut_points_and_grids_round_trip(cuts: RFMCutPoints, grid: RFMGrid) -> None:
    assert from_dict(to_dict(cuts), RFMCutPoints) == cuts
    assert from_dict(to_dict(grid), RFMGrid) == grid
    cells = sorted(c for s in grid.segments for c in s.cells)
    assert cells == list(itertools.product(range(1, grid.bins + 1), repeat=2))


def test_the_grid_prints_as_a_table() -> None:
    text = RFM_GRID.to_text("en")
    assert text.splitlines()[1] == "5   D C C A A"
    assert "A = Champions" in text


@pytest.mark.parametrize(
    ("recency", "frequency", "monetary", "path"),
    [
        (5, (1,), (Money(1),), "recency"),  # not a collection
        ((), (), (), "recency"),  # no cut point: one score
        ((1,) * 10, (1,) * 10, (Money(1),) * 10, "recency"),  # eleven scores
        ((1, 2), (1,), (Money(1),), ""),  # different sizes
        ((2, 1), (1, 2), (Money(1), Money(2)), "recency"),  # descending
        ((1, 2), (1, True), (Money(1), Money(2)), "frequency[1]"),  # a bool is no count
        ((1, 2), (1, 2), (Money(1), Money(2, "USD")), "monetary"),  # two currencies
    ],
)
def test_cut_points_of_the_wrong_shape_are_refused_naming_the_field(
    recency: Any, frequency: Any, monetary: Any, path: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        RFMCutPoints(recency, frequency, monetary)
    assert caught.value.path == path


@settings(max_examples=scaled(30))
@given(st.integers(2, 10), st.integers(1, 3), st.randoms(use_true_random=False))
def test_quantiles_split_distinct_values_evenly_for_any_number_of_bins(
    bins: int, per_score: int, rnd: Any
) -> None:
    n = bins * per_score
    days = rnd.sample(range(1, 400), n)
    amounts = rnd.sample(range(1, 1000), n)
    book = [_buyer(i, d, 1, 1000 * a) for i, (d, a) in enumerate(zip(days, amounts, strict=True))]
    result = rfm_scores(book, as_of=T0, bins=bins)
    assert len(result.thresholds.recency) == bins - 1
    for scores in ([s.r or 0 for s in result.scores], [s.m or 0 for s in result.scores]):
        assert sorted(scores) == [k for k in range(1, bins + 1) for _ in range(per_score)]
    assert {s.f for s in result.scores} == {1}  # one order each: a tie takes the lower score
    by_days = sorted(result.scores, key=lambda s: s.recency_days or 0)
    assert [s.r for s in by_days] == sorted((s.r or 0 for s in by_days), reverse=True)
