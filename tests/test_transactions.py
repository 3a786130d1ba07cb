"""Tests for khachhang.transactions: customers from a transaction table and back."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import HO_CHI_MINH, UTC
from khachhang import (
    ConversionError,
    Customer,
    Lifecycle,
    Money,
    Organization,
    PartyType,
    Person,
    PurchaseChannel,
    ValidationError,
)
from khachhang.testing import customers
from khachhang.transactions import (
    TRANSACTION_COLUMNS,
    load_transactions,
    purchase_rows,
    read_transactions_csv,
    transactions_to_frame,
)

ROWS: list[dict[str, Any]] = [
    {"customer_id": "KH-1", "at": "2026-03-01T09:00", "amount": "250000"},
    {"customer_id": "KH-2", "at": "2026-03-02T10:30", "amount": 120000},
    {"customer_id": "KH-1", "at": "2026-03-01T17:45", "amount": Decimal("50000")},
    {"customer_id": "KH-1", "at": "2026-04-12T08:00", "amount": "90000"},
]


def shape(book: tuple[Customer, ...]) -> list[tuple[str, list[tuple[str, datetime, Money]]]]:
    """Each customer's id and purchases as (id, instant, amount)."""
    return [(c.id, [(p.id, p.at, p.amount) for p in c.purchases]) for c in book]


# --- domain facts ----------------------------------------------------------------------


def test_each_row_is_a_purchase_numbered_in_time_order_per_customer() -> None:
    """Without order ids every row is one purchase, ids "<customer>-<n>" in time order."""
    book = load_transactions(ROWS, tz=HO_CHI_MINH)
    assert [c.id for c in book] == ["KH-1", "KH-2"]
    first = book[0]
    assert [p.id for p in first.purchases] == ["KH-1-1", "KH-1-2", "KH-1-3"]
    assert [p.amount.amount for p in first.purchases] == [250000, 50000, 90000]
    assert first.purchases[0].at == datetime(2026, 3, 1, 9, tzinfo=HO_CHI_MINH)


def test_a_loaded_customer_is_current_from_its_first_purchase() -> None:
    """created_at is the first purchase; the lifecycle converts there, as add_purchases logs."""
    kh1 = load_transactions(ROWS, tz=HO_CHI_MINH)[0]
    assert kh1.created_at == kh1.purchases[0].at
    assert kh1.lifecycle is Lifecycle.CURRENT
    assert [(e.transition, e.at) for e in kh1.lifecycle_events] == [
        ("convert", kh1.purchases[0].at)
    ]


def test_same_day_rows_become_one_order_when_asked() -> None:
    """same_day="one" sums a customer's rows of one local day into the earliest's time."""
    kh1 = load_transactions(ROWS, tz=HO_CHI_MINH, same_day="one")[0]
    assert [(p.id, p.amount) for p in kh1.purchases] == [
        ("KH-1-1", Money(300000)),
        ("KH-1-2", Money(90000)),
    ]
    assert kh1.purchases[0].at.hour == 9


def test_the_day_is_read_in_the_tables_zone_not_in_utc() -> None:
    """23:30 and 00:30 in Hanoi are two days there, though one day in UTC."""
    rows = [
        ("c", datetime(2026, 3, 1, 23, 30), "1000"),
        ("c", datetime(2026, 3, 2, 0, 30), "1000"),
    ]
    assert load_transactions(rows, tz=HO_CHI_MINH, same_day="one")[0].orders == 2
    assert load_transactions(rows, tz=UTC, same_day="one")[0].orders == 2
    same_utc_day = [
        ("c", datetime(2026, 3, 1, 8, tzinfo=HO_CHI_MINH), "1"),
        ("c", datetime(2026, 3, 1, 6, 59, tzinfo=HO_CHI_MINH), "1"),
    ]
    assert load_transactions(same_utc_day, tz=UTC, same_day="one")[0].orders == 2


def test_order_lines_sharing_an_order_id_are_one_purchase() -> None:
    """Rows with one customer and order id are summed into one purchase with that id."""
    rows = [
        ("c1", "2026-05-01T08:00+07:00", "10.50", "A1", "USD"),
        ("c1", "2026-05-01T08:05+07:00", "4.25", "A1", "USD"),
        ("c1", "2026-05-03T08:00+07:00", "1.00", "A2", "USD"),
        ("c2", "2026-05-02T08:00+07:00", "2.00", "A1", "USD"),
    ]
    book = load_transactions(rows)
    assert [(p.id, p.amount) for p in book[0].purchases] == [
        ("A1", Money("14.75", "USD")),
        ("A2", Money("1.00", "USD")),
    ]
    assert book[0].currency == "USD"
    assert book[1].purchases[0].id == "A1"


def test_naive_times_need_a_zone_and_the_error_names_the_row() -> None:
    """A naive time without tz= is refused, naming rows[i].at and how to fix it."""
    with pytest.raises(ConversionError) as caught:
        load_transactions(ROWS)
    assert caught.value.paths == ("rows[0].at", "rows[1].at", "rows[2].at", "rows[3].at")
    assert "tz=" in caught.value.errors[0][1]


def test_every_bad_row_is_reported_at_once_and_nothing_is_returned() -> None:
    """Bad amounts, dates, currencies and channels are all listed by row and column."""
    rows = [
        ("a", "2026-01-01", "12x", None, "VND"),
        ("b", "01/02/2026", "5", None, "VND"),
        ("c", "2026-01-03", "5", None, "XYZ"),
        ("d", "2026-01-03", "5", None, "VND", "telepathy"),
        ("e", "2026-01-03", float("nan"), None, "VND"),
        ("f", "2026-01-03", True, None, "VND"),
    ]
    with pytest.raises(ConversionError) as caught:
        load_transactions(rows, tz=UTC, order_id=None)
    assert set(caught.value.paths) >= {
        "rows[0].amount",
        "rows[1].at",
        "rows[2].currency",
        "rows[4].amount",
        "rows[5].amount",
    }


def test_a_channel_column_and_a_bad_channel_are_read() -> None:
    """The channel column takes PurchaseChannel values; an unknown one is named."""
    rows = [{"customer_id": "a", "at": "2026-01-01", "amount": "5", "channel": "online"}]
    assert load_transactions(rows, tz=UTC)[0].purchases[0].channel is PurchaseChannel.ONLINE
    rows[0]["channel"] = "telepathy"
    with pytest.raises(ConversionError) as caught:
        load_transactions(rows, tz=UTC)
    assert caught.value.paths == ("rows[0].channel",)


def test_amounts_finer_than_the_currency_or_negative_are_refused_by_row() -> None:
    """12.5 VND and a refund row are refused, named by the row of the order."""
    with pytest.raises(ConversionError) as caught:
        load_transactions([("a", "2026-01-01", "1"), ("a", "2026-01-02", "12.5")], tz=UTC)
    assert caught.value.paths == ("rows[1].amount",)
    with pytest.raises(ConversionError) as caught:
        load_transactions([("a", "2026-01-01", "-5")], tz=UTC)
    assert caught.value.paths == ("rows[0].amount",)


def test_a_float_amount_is_read_by_its_shortest_repr() -> None:
    """11.77 read from a float column is exactly 11.77, not the binary expansion."""
    book = load_transactions([("a", "2026-01-01", 11.77, None, "USD")], tz=UTC)
    assert book[0].purchases[0].amount == Money("11.77", "USD")


def test_one_customer_in_two_currencies_is_refused() -> None:
    """A customer's purchases share one currency: the second currency's row is named."""
    rows = [("a", "2026-01-01", "5", None, "USD"), ("a", "2026-01-02", "5", None, "VND")]
    with pytest.raises(ConversionError) as caught:
        load_transactions(rows, tz=UTC)
    assert caught.value.paths == ("rows[1].currency",)


def test_a_missing_column_is_named_by_its_option() -> None:
    """A column the table lacks is a ValidationError naming the option."""
    with pytest.raises(ValidationError) as caught:
        load_transactions(ROWS, tz=UTC, amount="total")
    assert caught.value.path == "amount"
    with pytest.raises(ValidationError) as caught:
        load_transactions([("a", "2026-01-01")], tz=UTC)
    assert caught.value.path == "amount"
    with pytest.raises(ValidationError) as caught:
        load_transactions(ROWS, tz=UTC, amount=2)
    assert caught.value.path == "amount"


def test_a_row_shorter_than_the_first_is_named() -> None:
    """A later row lacking a column the first row had is reported, not crashed on."""
    rows: list[dict[str, str]] = [dict(ROWS[0]), {"customer_id": "x", "at": "2026-01-01"}]
    with pytest.raises(ConversionError) as caught:
        load_transactions(rows, tz=UTC)
    assert caught.value.paths == ("rows[1]",)


@pytest.mark.parametrize("junk", [None, "customer_id,at", {"a": 1}, [1, 2], ["abc"]])
def test_rows_of_the_wrong_shape_are_refused_clearly(junk: Any) -> None:
    """Text, a mapping, None or rows that are not mappings or tuples: a ValidationError."""
    with pytest.raises(ValidationError):
        load_transactions(junk, tz=UTC)


def test_bad_options_are_refused_by_name() -> None:
    """same_day, default_currency, tz and parties are checked."""
    cases: list[tuple[str, dict[str, Any]]] = [
        ("same_day", {"same_day": "some"}),
        ("default_currency", {"default_currency": "XYZ"}),
        ("tz", {"tz": "Asia/Ho_Chi_Minh"}),
        ("parties", {"parties": 42}),
    ]
    for path, options in cases:
        with pytest.raises(ValidationError) as caught:
            load_transactions([("a", "2026-01-01T00:00+00:00", "5")], **options)
        assert caught.value.path == path


def test_parties_come_from_a_mapping_or_a_function() -> None:
    """Known ids get their party; others a placeholder person named by the id."""
    company = Organization("Công ty TNHH Minh Phát", PartyType.BUSINESS)
    rows = [("a", "2026-01-01", "5"), ("b", "2026-01-01", "5")]
    book = load_transactions(rows, tz=UTC, parties={"a": company})
    assert book[0].party == company
    assert book[1].party == Person("b")
    named = load_transactions(rows, tz=UTC, parties=lambda cid: Person(f"Khách {cid}"))
    assert [c.party.full_name for c in named] == ["Khách a", "Khách b"]  # type: ignore[union-attr]  # persons


def test_an_invalid_party_is_named_by_its_customer() -> None:
    """A party function returning something else is reported under customers[id]."""
    with pytest.raises(ConversionError) as caught:
        load_transactions([("a", "2026-01-01", "5")], tz=UTC, parties=lambda cid: "Ms A")  # type: ignore[arg-type,return-value]  # deliberately wrong
    assert caught.value.paths == ("customers['a'].party",)


def test_dates_and_integer_ids_from_a_frame_are_read() -> None:
    """Plain dates read as midnight in tz; integer ids become their decimal text."""
    rows = [(7, date(2026, 1, 2), 100)]
    book = load_transactions(rows, tz=HO_CHI_MINH)
    assert book[0].id == "7"
    assert book[0].purchases[0].at == datetime(2026, 1, 2, tzinfo=HO_CHI_MINH)


def test_a_date_format_reads_day_first_dates() -> None:
    """date_format="%d/%m/%Y" reads Vietnamese dd/mm/yyyy text."""
    book = load_transactions([("a", "05/03/2026", "5")], tz=UTC, date_format="%d/%m/%Y")
    assert book[0].purchases[0].at.date() == date(2026, 3, 5)


def test_polars_pandas_csv_and_dicts_load_the_same_customers() -> None:
    """The same table as dicts, a Polars frame, a pandas frame and CSV text agree."""
    expected = shape(load_transactions(ROWS, tz=HO_CHI_MINH))
    table = {k: [str(r[k]) for r in ROWS] for k in ("customer_id", "at", "amount")}
    assert shape(load_transactions(pl.DataFrame(table), tz=HO_CHI_MINH)) == expected
    pd = pytest.importorskip("pandas")
    assert shape(load_transactions(pd.DataFrame(table), tz=HO_CHI_MINH)) == expected
    text = "customer_id,at,amount\n" + "\n".join(
        ",".join(table[k][i] for k in table) for i in range(len(ROWS))
    )
    assert shape(read_transactions_csv(io.StringIO(text), tz=HO_CHI_MINH)) == expected


def test_a_whitespace_separated_export_reads_like_cdnow() -> None:
    """delimiter=None splits on whitespace, as CDNOW's fixed-width file is written."""
    text = (
        " customer_id  date number_of_cds  dollar_value\n"
        " 00001 19970101  1   11.77\n 00002 19970112  1   12.00\n 00001 19970212  2   24.50\n"
    )
    book = read_transactions_csv(
        text.splitlines(),
        delimiter=None,
        at="date",
        amount="dollar_value",
        default_currency="USD",
        tz=UTC,
    )
    assert [(c.id, c.orders, c.total_spent) for c in book] == [
        ("00001", 2, Money("36.27", "USD")),
        ("00002", 1, Money("12.00", "USD")),
    ]


def test_one_string_is_not_taken_for_lines() -> None:
    """read_transactions_csv refuses a whole text where lines are expected."""
    with pytest.raises(ValidationError) as caught:
        read_transactions_csv("customer_id,at,amount\na,2026-01-01,5")
    assert caught.value.path == "lines"


def test_an_empty_table_is_an_empty_book() -> None:
    """No rows, no customers."""
    assert load_transactions([], tz=UTC) == ()
    assert transactions_to_frame([]).height == 0


def test_the_frame_has_one_row_per_purchase_with_exact_amounts() -> None:
    """transactions_to_frame: the documented columns, Decimal amounts, UTC times."""
    book = load_transactions(ROWS, tz=HO_CHI_MINH)
    frame = transactions_to_frame(book)
    assert frame.columns == list(TRANSACTION_COLUMNS)
    assert frame.height == sum(c.orders for c in book)
    assert frame["amount"].to_list()[0] == Decimal(250000)
    assert frame["at"].to_list()[0] == datetime(2026, 3, 1, 2, tzinfo=timezone.utc)


# --- laws ------------------------------------------------------------------------------


@given(st.lists(customers(max_purchases=4), max_size=4, unique_by=lambda c: c.id))
def test_purchase_rows_load_back_to_the_same_purchases(book: list[Customer]) -> None:
    """load_transactions(purchase_rows(book)) keeps every purchase but its line items (a
    transaction table has none): id, instant, amount, channel, and each customer's
    currency (customers without purchases have no rows)."""
    bought = [c for c in book if c.purchases]
    loaded = load_transactions(
        purchase_rows(book), order_id=1, at=2, amount=3, currency=4, channel=5
    )
    assert [c.id for c in loaded] == [c.id for c in bought]
    for got, original in zip(loaded, bought, strict=True):
        assert got.purchases == tuple(attrs.evolve(p, items=()) for p in original.purchases)
        assert got.currency == original.currency


@given(st.lists(customers(max_purchases=4), max_size=4, unique_by=lambda c: c.id))
def test_the_transaction_frame_loads_back_to_the_same_purchases(book: list[Customer]) -> None:
    """The Polars frame round-trips the purchases too (times compared as instants)."""
    frame = transactions_to_frame(book)
    loaded = load_transactions(frame, order_id="purchase_id")
    bought = [c for c in book if c.purchases]
    assert [[(p.id, p.at, p.amount, p.channel) for p in c.purchases] for c in loaded] == [
        [(p.id, p.at, p.amount, p.channel) for p in c.purchases] for c in bought
    ]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2027, 1, 1)),
            st.integers(min_value=0, max_value=10**9),
        ),
        max_size=30,
    )
)
def test_loading_keeps_every_rows_amount_and_count(rows: list[tuple[str, datetime, int]]) -> None:
    """Totals per customer equal the rows' sums; one purchase per row, or per day."""
    for same_day in ("many", "one"):
        book = load_transactions(rows, tz=HO_CHI_MINH, same_day=same_day)
        for customer in book:
            mine = [r for r in rows if r[0] == customer.id]
            assert customer.total_spent.amount == sum(r[2] for r in mine)
            days = {r[1].date() for r in mine}
            assert customer.orders == (len(mine) if same_day == "many" else len(days))
            assert all(
                later.at - earlier.at >= timedelta(0)
                for earlier, later in zip(customer.purchases, customer.purchases[1:], strict=False)
            )
