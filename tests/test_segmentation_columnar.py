"""The columnar path: stored JSON lines straight into the segmentation frame, equal to the
object path (customers_to_frame) row for row."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from khachhang import Customer
from khachhang.segmentation import F, rfm_scores
from khachhang.segmentation.backends.columnar import CUSTOMER_JSON_SCHEMA, snapshot_from_json
from khachhang.segmentation.backends.polars_backend import customers_to_frame, rfm_frame
from khachhang.serde import to_json
from khachhang.testing import aware_datetimes, customers

AS_OFS = aware_datetimes(
    datetime(1990, 1, 1, tzinfo=timezone.utc), datetime(2040, 1, 1, tzinfo=timezone.utc)
)


def json_lines(book: list[Customer]) -> bytes:
    """The book as the CLI writes it: one customer's JSON per line."""
    return "".join(to_json(c) + "\n" for c in book).encode()


def read(book: list[Customer]) -> pl.LazyFrame:
    if not book:
        return pl.LazyFrame(schema=CUSTOMER_JSON_SCHEMA)
    return pl.read_ndjson(io.BytesIO(json_lines(book)), schema=CUSTOMER_JSON_SCHEMA).lazy()


@given(st.lists(customers(max_purchases=4), max_size=6, unique_by=lambda c: c.id), AS_OFS)
def test_the_columnar_frame_equals_the_object_frame_row_for_row(
    book: list[Customer], as_of: datetime
) -> None:
    """Every built-in field, at any as_of: ages on leap days, lifecycles from the log,
    point-in-time purchases, provinces after the 2025 merger, internal customers."""
    expected = customers_to_frame(book, as_of=as_of)
    got = snapshot_from_json(read(book), as_of=as_of).collect()
    assert got.columns == expected.columns
    assert got.rows() == expected.rows()


@given(st.lists(customers(max_purchases=4), max_size=8, unique_by=lambda c: c.id), AS_OFS)
def test_rules_and_rfm_on_the_columnar_frame_select_what_objects_select(
    book: list[Customer], as_of: datetime
) -> None:
    """A rule and RFM over the columnar frame give the in-memory answers."""
    frame = snapshot_from_json(read(book), as_of=as_of).collect()
    rule = (F.orders >= 2) | F.tags.contains("vip") | (F.age >= 30)
    chosen = frame.filter(rule.to_polars(as_of=as_of))["id"].to_list()
    assert chosen == [c.id for c in book if rule.evaluate(c, as_of=as_of)]
    currencies = {c.currency for c in book if c.purchases_until(as_of=as_of)}
    if len(currencies) <= 1:
        scores, _ = rfm_frame(frame)
        memory = rfm_scores(book, as_of=as_of)
        assert scores["r"].to_list() == [s.r for s in memory.scores]


def test_a_zone_suffix_and_microseconds_are_read() -> None:
    """An RFC 9557 [Zone] suffix (a DST fold) and a fractional second parse as instants."""
    raw = pl.DataFrame(
        {"created_at": ["2026-10-25T02:15:00.5+01:00[Europe/Berlin]"]},
        schema={"created_at": pl.String},
    )
    from khachhang.segmentation.backends.columnar import _instant

    value = raw.select(_instant(pl.col("created_at"))).item()
    assert value == datetime(2026, 10, 25, 1, 15, 0, 500000, tzinfo=timezone.utc)
    assert value - datetime(2026, 10, 25, 1, tzinfo=timezone.utc) == timedelta(
        minutes=15, seconds=0.5
    )


def test_a_purchase_and_a_move_at_the_instant_of_as_of_count() -> None:
    """At exactly the purchase's instant the customer has bought and is current."""
    from khachhang import Money, Person, Purchase

    t = datetime(2026, 3, 1, 9, tzinfo=timezone(timedelta(hours=7)))
    c = Customer("c", Person("Lê An"), created_at=t - timedelta(days=3))
    c = c.add_purchase(Purchase("o", t, Money(100_000)))
    for as_of in (t, t - timedelta(microseconds=1)):
        got = snapshot_from_json(read([c]), as_of=as_of).collect()
        assert got.rows() == customers_to_frame([c], as_of=as_of).rows()
    assert snapshot_from_json(read([c]), as_of=t).collect()["lifecycle"].item() == "current"
