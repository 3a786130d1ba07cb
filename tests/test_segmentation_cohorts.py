"""Cohorts by first-purchase month: domain facts, and Polars, DuckDB and SQLite agreeing
with the in-memory table."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from khachhang import Customer, Money, Person, Purchase, ValidationError
from khachhang.errors import RuleError
from khachhang.segmentation import CohortTable, cohort_table
from khachhang.segmentation.backends.polars_backend import cohort_frame
from khachhang.segmentation.backends.sql_backend import DIALECTS, cohort_sql
from khachhang.serde import from_dict, to_dict
from khachhang.testing import cohort_tables, customers
from khachhang.transactions import transactions_to_frame
from test_segmentation_backends import load, sqlite_book

UTC = timezone.utc
ICT = timezone(timedelta(hours=7))
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
BERLIN = ZoneInfo("Europe/Berlin")
AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
T0 = datetime(2026, 1, 10, tzinfo=UTC)


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


def buyer(cid: str, *times: datetime, amount: int = 100_000) -> Customer:
    c = Customer(cid, Person("Lê Văn An"), created_at=min(times, default=T0) - timedelta(days=1))
    return c.add_purchases([Purchase(f"o{i}", t, Money(amount)) for i, t in enumerate(times)])


def rows(table: CohortTable) -> list[tuple[Any, ...]]:
    return [
        (c.cohort_year, c.cohort_month, c.period, c.customers, c.revenue.amount)
        for c in table.cells
    ]


# --- domain facts ----------------------------------------------------------------------


def test_the_month_is_read_on_the_calendar_of_the_zone_given() -> None:
    """23:30 on 31 January in Hà Nội is 16:30 UTC: January in both; 20:00 UTC on 31
    January is 1 February in Hà Nội."""
    late = datetime(2026, 1, 31, 20, tzinfo=UTC)
    book = [buyer("a", late)]
    assert rows(cohort_table(book, as_of=AS_OF))[0][:2] == (2026, 1)
    assert rows(cohort_table(book, as_of=AS_OF, tz=HANOI))[0][:2] == (2026, 2)


def test_retention_and_repeat_rate_are_shares_of_the_cohort() -> None:
    """Two January customers, one back in February: retention 1/2 at period 1."""
    book = [
        buyer("a", T0, T0.replace(month=2)),
        buyer("b", T0),
        buyer("c", T0.replace(month=2), T0.replace(month=3)),
    ]
    table = cohort_table(book, as_of=AS_OF)
    assert [(c.year, c.month, c.size, c.repeaters) for c in table.cohorts] == [
        (2026, 1, 2, 1),
        (2026, 2, 1, 1),
    ]
    assert table.retention(2026, 1, 0) == 1
    assert table.retention(2026, 1, 1) == Fraction(1, 2)
    assert table.retention(2026, 1, 5) == 0
    assert table.repeat_rate(2026, 2) == 1
    with pytest.raises(ValidationError):
        table.retention(2025, 12, 0)


def test_purchases_after_as_of_and_prospects_are_left_out() -> None:
    """A purchase after as_of counts nowhere; a customer without purchases is in no cohort."""
    book = [buyer("a", T0, AS_OF + timedelta(days=1)), Customer("p", Person("An"), created_at=T0)]
    table = cohort_table(book, as_of=AS_OF)
    assert rows(table) == [(2026, 1, 0, 1, Decimal(100_000))]
    assert table.cohorts[0].repeaters == 0


def test_two_currencies_in_one_table_are_refused() -> None:
    """Revenue is summed, so one currency per table."""
    usd = Customer("u", Person("John"), created_at=T0, currency="USD")
    usd = usd.add_purchase(Purchase("o", T0, Money(5, "USD")))
    with pytest.raises(ValidationError) as caught:
        cohort_table([buyer("a", T0), usd], as_of=AS_OF)
    assert caught.value.path == "customers"


@given(cohort_tables())
def test_a_cohort_table_round_trips_through_the_converter(table: CohortTable) -> None:
    """The table is a model like any other: to_dict / from_dict give it back."""
    assert from_dict(to_dict(table), CohortTable) == table


def test_sqlite_refuses_a_named_zone_and_every_dialect_parses() -> None:
    """SQLite has no zones: a ZoneInfo is refused by name; every dialect's SQL parses."""
    import sqlglot

    with pytest.raises(RuleError) as caught:
        cohort_sql(as_of=AS_OF, tz=HANOI, dialect="sqlite")
    assert caught.value.path == "tz"
    for dialect in DIALECTS:
        for tz in (UTC, ICT) if dialect == "sqlite" else (UTC, ICT, HANOI):
            assert sqlglot.parse_one(
                cohort_sql("db.tx", as_of=AS_OF, tz=tz, dialect=dialect), read=dialect
            )


# --- backends agree --------------------------------------------------------------------

times = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)
books = st.one_of(
    st.lists(
        st.builds(
            buyer,
            st.sampled_from("abcdefgh"),
            times,
            times,
            amount=st.sampled_from([0, 1_000, 2_500_000]),
        ),
        max_size=8,
        unique_by=lambda c: c.id,
    ),
    st.lists(customers(max_purchases=5), max_size=6, unique_by=lambda c: c.id),
)


@given(book=books, tz=st.sampled_from([UTC, ICT, HANOI, BERLIN]), data=st.data())
def test_polars_duckdb_and_sqlite_give_the_in_memory_cells(
    con: duckdb.DuckDBPyConnection, book: list[Customer], tz: Any, data: st.DataObject
) -> None:
    """cohort_frame, cohort_sql in DuckDB and (fixed offsets) SQLite equal cohort_table."""
    as_of = data.draw(st.sampled_from([AS_OF, datetime(2026, 3, 31, 17, tzinfo=UTC)]))
    expected = rows(cohort_table(book, as_of=as_of, tz=tz))
    frame = transactions_to_frame(book)
    assert cohort_frame(frame, as_of=as_of, tz=tz).rows() == expected
    load(con, frame, "tx")
    got = con.execute(cohort_sql("tx", as_of=as_of, tz=tz)).fetchall()
    assert [(*r[:4], Decimal(r[4])) for r in got] == expected
    if isinstance(tz, ZoneInfo):
        return
    lite = sqlite_book(frame, "tx")
    try:
        got = lite.execute(cohort_sql("tx", as_of=as_of, tz=tz, dialect="sqlite")).fetchall()
    finally:
        lite.close()
    assert [(*r[:4], Decimal(r[4])) for r in got] == expected
