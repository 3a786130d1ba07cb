"""RFM pushed down: Polars and SQL (DuckDB, SQLite) agree with rfm_scores, ties included;
cut points that give every score on skewed data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import duckdb
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from khachhang import Customer, Money, Person, Purchase, ValidationError
from khachhang.segmentation import RFMCutPoints, rfm_scores
from khachhang.segmentation.backends.polars_backend import (
    customers_to_frame,
    rfm_cut_points,
    rfm_frame,
)
from khachhang.segmentation.backends.sql_backend import (
    DIALECTS,
    rfm_counts_sql,
    rfm_cut_points_from_rows,
    rfm_scores_sql,
)
from khachhang.testing import customers
from test_segmentation_backends import load, sqlite_book

AS_OF = datetime(2026, 11, 1, tzinfo=timezone(timedelta(hours=7)))
T0 = AS_OF - timedelta(days=400)


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


def buyer(i: int, orders: int, days_ago: int = 10, amount: int = 100_000) -> Customer:
    """A customer with ``orders`` purchases, the last ``days_ago`` days before AS_OF."""
    c = Customer(f"c-{i:04d}", Person("Lê Văn An"), created_at=T0)
    purchases = [
        Purchase(f"o{k}", AS_OF - timedelta(days=days_ago + k), Money(amount))
        for k in range(orders)
    ]
    return c.add_purchases(purchases) if purchases else c


# Few distinct values, so that ties are common and cut points repeat.
small_books = st.lists(
    st.builds(
        buyer,
        st.integers(0, 9999),
        orders=st.integers(0, 4),
        days_ago=st.sampled_from([0, 1, 30, 90, 365]),
        amount=st.sampled_from([0, 50_000, 100_000, 2_500_000]),
    ),
    max_size=30,
    unique_by=lambda c: c.id,
)
books = st.one_of(
    small_books, st.lists(customers(max_purchases=4), max_size=12, unique_by=lambda c: c.id)
)


def in_memory(book: list[Customer], bins: int) -> tuple[RFMCutPoints, list[tuple[object, ...]]]:
    result = rfm_scores(book, as_of=AS_OF, bins=bins)
    keys = result.segments() if bins == 5 else [None] * len(book)
    rows: list[tuple[object, ...]] = [
        (s.customer_id, s.r, s.f, s.m, k) for s, k in zip(result.scores, keys, strict=True)
    ]
    return result.thresholds, rows


@given(book=books, bins=st.sampled_from([2, 3, 5]))
def test_polars_scores_every_row_as_rfm_scores_does(book: list[Customer], bins: int) -> None:
    """rfm_frame on the snapshot: the same cut points and the same r, f, m, segment per row."""
    cuts, expected = in_memory(book, bins)
    frame = customers_to_frame(book, as_of=AS_OF)
    if bins == 5:
        scored, got_cuts = rfm_frame(frame, bins=bins)
        assert scored.rows() == expected
    else:
        got_cuts = rfm_cut_points(frame, bins=bins)
    assert got_cuts == cuts


@given(book=books)
def test_duckdb_and_sqlite_score_every_row_as_rfm_scores_does(
    con: duckdb.DuckDBPyConnection, book: list[Customer]
) -> None:
    """The counts queries give the cut points; the scores query gives r, f, m, segment."""
    cuts, expected = in_memory(book, 5)
    frame = customers_to_frame(book, as_of=AS_OF)
    load(con, frame, "rfm_book")
    queries = rfm_counts_sql("rfm_book")
    rows = {k: con.execute(q).fetchall() for k, q in queries.items()}
    assert rfm_cut_points_from_rows(rows["recency"], rows["frequency"], rows["monetary"]) == cuts
    got = con.execute(rfm_scores_sql(cuts, "rfm_book") + " ORDER BY id").fetchall()
    assert got == sorted(expected, key=lambda row: str(row[0]))
    lite = sqlite_book(frame, "rfm_book")
    try:
        queries = rfm_counts_sql("rfm_book", dialect="sqlite")
        rows = {k: lite.execute(q).fetchall() for k, q in queries.items()}
        assert (
            rfm_cut_points_from_rows(rows["recency"], rows["frequency"], rows["monetary"]) == cuts
        )
        query = rfm_scores_sql(cuts, "rfm_book", dialect="sqlite") + " ORDER BY id"
        assert lite.execute(query).fetchall() == sorted(expected, key=lambda row: str(row[0]))
    finally:
        lite.close()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_rfm_queries_parse_back_in_every_dialect(dialect: str) -> None:
    """Every dialect's counts and scores queries are valid SQL for that dialect."""
    import sqlglot

    cuts = RFMCutPoints((10, 30, 90, 365), (1, 2, 3, 5), tuple(Money(v) for v in (1, 2, 3, 4)))
    for sql in (
        *rfm_counts_sql("db.kh", dialect=dialect).values(),
        rfm_scores_sql(cuts, "db.kh", dialect=dialect),
    ):
        assert sqlglot.parse_one(sql, read=dialect) is not None


def test_a_hostile_table_name_is_refused_or_quoted() -> None:
    """A table name cannot inject SQL: too many parts are refused, odd ones are quoted."""
    with pytest.raises(Exception, match="table"):
        rfm_counts_sql("a.b.c.d.e")
    assert '"x; DROP TABLE y"' in rfm_counts_sql("x; DROP TABLE y")["recency"]


# --- cut points on skewed data -----------------------------------------------------------


def test_skewed_frequencies_no_longer_collapse_the_cut_points() -> None:
    """Orders skewed as CDNOW's (most customers buy once): nearest-rank cuts would be
    (1, 1, 2, 3), so one score is never given; each cut moves to the next distinct value."""
    counts = [(1, 12_000), (2, 5_000), (3, 2_400), (4, 1_500), (5, 800), (7, 900), (12, 970)]
    cuts = RFMCutPoints.from_counts([(0, 1)], counts, [(Money(1), 1)], bins=5)
    assert cuts.frequency == (1, 2, 3, 4)
    given_scores = {1 + sum(v > c for c in cuts.frequency) for v, _ in counts}
    assert given_scores == {1, 2, 3, 4, 5}


@given(book=books, bins=st.sampled_from([2, 3, 4, 5]))
def test_every_score_is_given_when_there_are_enough_distinct_values(
    book: list[Customer], bins: int
) -> None:
    """With at least ``bins`` distinct values of a measure, each score 1..bins is given."""
    result = rfm_scores(book, as_of=AS_OF, bins=bins)
    scored = [s for s in result.scores if s.r is not None]
    for measure, score in (("recency_days", "r"), ("frequency", "f"), ("monetary", "m")):
        values = {getattr(s, measure) for s in scored}
        if len(values) >= bins:
            assert {getattr(s, score) for s in scored} == set(range(1, bins + 1)), measure


@given(st.lists(st.integers(0, 50), min_size=1, max_size=60), st.sampled_from([2, 3, 5, 10]))
def test_cut_points_from_counts_equal_those_from_the_rows(values: list[int], bins: int) -> None:
    """Counting values first changes nothing: one customer per row or one row per value."""
    money = [(Money(1), len(values))]
    from_rows = RFMCutPoints.from_counts(
        [(v, 1) for v in values], [(v, 1) for v in values], money, bins=bins
    )
    grouped = list(Counter(values).items())
    assert RFMCutPoints.from_counts(grouped, grouped, money, bins=bins) == from_rows


@pytest.mark.parametrize(
    ("pairs", "path"),
    [
        ([(1,)], "recency[0]"),
        ([(1, 0)], "recency[0][1]"),
        ([("1", 2)], "recency[0][0]"),
        ([(1, True)], "recency[0][1]"),
    ],
)
def test_bad_counts_are_named(pairs: list[tuple[object, ...]], path: str) -> None:
    """A pair of the wrong shape, a zero count or a value of the wrong type is named."""
    with pytest.raises(ValidationError) as caught:
        RFMCutPoints.from_counts(pairs, [(1, 1)], [(Money(1), 1)])  # type: ignore[arg-type]  # deliberately wrong
    assert caught.value.path == path


def test_counts_in_two_currencies_are_refused() -> None:
    """Monetary cut points need one currency."""
    with pytest.raises(ValidationError) as caught:
        RFMCutPoints.from_counts([(1, 2)], [(1, 2)], [(Money(1), 1), (Money(1, "USD"), 1)])
    assert caught.value.path == "monetary"


def test_no_buyer_gives_zero_cut_points_in_every_backend() -> None:
    """A book of prospects: zero cut points and no score, in memory and in Polars."""
    book = [buyer(1, 0), buyer(2, 0)]
    scored, cuts = rfm_frame(customers_to_frame(book, as_of=AS_OF))
    assert cuts == rfm_scores(book, as_of=AS_OF).thresholds
    assert scored["r"].to_list() == [None, None]
    assert pl.Series([None, None]).to_list() == scored["segment"].to_list()
