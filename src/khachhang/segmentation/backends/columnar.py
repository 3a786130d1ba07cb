"""The columnar path: customers' stored JSON straight into the segmentation frame.

:func:`~khachhang.segmentation.backends.polars_backend.customers_to_frame` builds the
snapshot frame from :class:`~khachhang.Customer` objects, which first have to be read and
validated one by one. A JSON-lines export that khachhang wrote (``to_json`` per line, what
the CLI reads and writes) can skip the objects: Polars reads the lines with
:data:`CUSTOMER_JSON_SCHEMA` and :func:`snapshot_from_json` computes every built-in
field at ``as_of`` as expressions — point-in-time purchases, the lifecycle state from the
log, age with the leap-day rule, today's province — so ``segment``, RFM and cohort
queries run at frame speed::

    raw = pl.scan_ndjson("book.jsonl", schema=CUSTOMER_JSON_SCHEMA)
    frame = snapshot_from_json(raw, as_of=as_of).collect()

The frame equals ``customers_to_frame`` of the same customers, row for row (a property
test holds it). **Trust:** this path reads data, it does not re-validate customers (no
phone normalisation, no lifecycle log check): use it on exports khachhang wrote, and the
object path (``from_json``) on anything else.

Needs the ``polars`` extra.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timezone

import polars as pl

from khachhang._checks import require_aware
from khachhang.kinds import Lifecycle, PartyType
from khachhang.money import CURRENCIES
from khachhang.parties import FORMER_PROVINCES
from khachhang.segmentation.backends.columns import ID_COLUMN
from khachhang.segmentation.backends.polars_backend import frame_schema
from khachhang.segmentation.fields import query_instant

__all__ = ["CUSTOMER_JSON_SCHEMA", "snapshot_from_json"]

_MONEY: pl.DataType = pl.Struct({"amount": pl.String, "currency": pl.String})
_ADDRESS = pl.Struct({"province": pl.String, "country": pl.String})
_PARTY = pl.Struct(
    {
        "type": pl.String,
        "gender": pl.String,
        "birth_date": pl.String,
        "party_type": pl.String,
        "address": _ADDRESS,
    }
)
_PURCHASE = pl.Struct({"at": pl.String, "amount": _MONEY})
_EVENT = pl.Struct({"source": pl.String, "target": pl.String, "at": pl.String})

_STORED: dict[str, pl.DataType | type[pl.DataType]] = {
    "id": pl.String,
    "party": _PARTY,
    "created_at": pl.String,
    "scope": pl.String,
    "roles": pl.List(pl.String),
    "lifecycle": pl.String,
    "acquisition_source": pl.String,
    "purchases": pl.List(_PURCHASE),
    "tags": pl.List(pl.String),
    "currency": pl.String,
    "income": _MONEY,
    "lifecycle_events": pl.List(_EVENT),
}
CUSTOMER_JSON_SCHEMA = pl.Schema(_STORED)
"""The part of a stored customer the snapshot reads (line items, contacts, names and
notes are left in the file)."""

_INSTANT = "%Y-%m-%dT%H:%M:%S%.f%:z"
_DAY_US = 86_400_000_000
_MARKETS = {
    "individual": "b2c",
    "business": "b2b",
    "government": "b2g",
    "nonprofit": "b2b",
}


def _instant(text: pl.Expr) -> pl.Expr:
    """An ISO 8601 instant with offset (an RFC 9557 ``[Zone]`` suffix dropped) in UTC."""
    plain = text.str.replace(r"\[[^\]]*\]$", "")
    return plain.str.to_datetime(_INSTANT, time_zone="UTC", time_unit="us")


def _whole_days(later: pl.Expr, earlier: pl.Expr) -> pl.Expr:
    """Whole 24-hour periods from ``earlier`` to ``later``, floored (as ``timedelta //``)."""
    return (later - earlier).dt.total_microseconds() // _DAY_US


def snapshot_from_json(
    raw: pl.LazyFrame | pl.DataFrame, *, as_of: datetime, money_scale: int | None = None
) -> pl.LazyFrame:
    """The segmentation frame of stored customers at ``as_of``, built in Polars.

    ``raw`` holds customers as :data:`CUSTOMER_JSON_SCHEMA` reads them (e.g.
    ``pl.scan_ndjson(path, schema=CUSTOMER_JSON_SCHEMA)``). The result has
    :func:`~khachhang.segmentation.backends.polars_backend.frame_schema`'s columns for
    the built-in fields, in input order; money columns have ``money_scale`` decimals
    (default: the finest currency khachhang supports).

    >>> from datetime import datetime, timezone
    >>> from khachhang.sample import sample_book
    >>> from khachhang.serde import to_dict
    >>> from khachhang.segmentation.backends.polars_backend import customers_to_frame
    >>> book = sample_book(20)
    >>> raw = pl.DataFrame([to_dict(c) for c in book], schema=CUSTOMER_JSON_SCHEMA)
    >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
    >>> columnar = snapshot_from_json(raw, as_of=t).collect()
    >>> columnar.rows() == customers_to_frame(book, as_of=t).rows()
    True
    """
    at = query_instant(require_aware(as_of, "as_of"))
    on = as_of.date()  # the age is counted on the calendar of as_of's own zone
    leap = calendar.isleap(on.year)
    scale = max(CURRENCIES.values()) if money_scale is None else money_scale
    schema = frame_schema(money_scale=scale)
    money = pl.Decimal(38, scale)
    when = pl.lit(at.astimezone(timezone.utc)).cast(pl.Datetime("us", "UTC"))

    lazy = raw.lazy().with_row_index("_row")
    bought = (
        lazy.select("_row", "purchases")
        .explode("purchases")
        .drop_nulls("purchases")
        .select(
            "_row",
            _instant(pl.col("purchases").struct.field("at")).alias("_at"),
            pl.col("purchases")
            .struct.field("amount")
            .struct.field("amount")
            .cast(money)
            .alias("_amount"),
        )
        .filter(pl.col("_at") <= when)
        .group_by("_row")
        .agg(
            pl.len().cast(pl.Int64).alias("_orders"),
            pl.col("_amount").sum().alias("_spent"),
            pl.col("_at").min().alias("_first"),
            pl.col("_at").max().alias("_last"),
        )
    )
    lazy = lazy.join(bought, on="_row", how="left", maintain_order="left")

    party = pl.col("party")
    is_person = party.struct.field("type") == "person"
    party_type = (
        pl.when(is_person)
        .then(pl.lit(PartyType.INDIVIDUAL.value))
        .otherwise(party.struct.field("party_type"))
    )
    born = party.struct.field("birth_date").str.to_date("%Y-%m-%d")
    birthday = born.dt.month().cast(pl.Int32) * 100 + born.dt.day().cast(pl.Int32)
    if not leap:
        birthday = pl.when(birthday == 229).then(pl.lit(301)).otherwise(birthday)
    month_day = on.month * 100 + on.day
    age = pl.when(born.is_not_null() & (born <= pl.lit(on))).then(
        on.year - born.dt.year().cast(pl.Int64) - (pl.lit(month_day) < birthday).cast(pl.Int64)
    )
    address = party.struct.field("address")
    province = pl.when(address.struct.field("country") == "VN").then(
        address.struct.field("province").replace(dict(FORMER_PROVINCES))
    )
    events = pl.col("lifecycle_events")
    passed = events.list.eval(_instant(pl.element().struct.field("at")) <= when).list.sum()
    first_source = events.list.first().struct.field("source")
    lifecycle = (
        pl.when(events.list.len().fill_null(0) == 0)
        .then(pl.col("lifecycle"))
        .when(passed == 0)
        .then(pl.coalesce(first_source, pl.col("lifecycle")))
        .otherwise(events.list.get(passed - 1, null_on_oob=True).struct.field("target"))
    )
    income = pl.col("income")
    columns = {
        ID_COLUMN: pl.col("id"),
        "age": age,
        "gender": pl.when(is_person).then(party.struct.field("gender")),
        "province": province,
        "income": income.struct.field("amount").cast(money),
        "income_currency": income.struct.field("currency"),
        "scope": pl.col("scope"),
        "party_type": party_type,
        "market": pl.when(pl.col("scope") != "internal").then(party_type.replace_strict(_MARKETS)),
        "roles": pl.col("roles").list.sort(),
        "lifecycle": lifecycle.fill_null(Lifecycle.PROSPECT.value),
        "acquisition_source": pl.col("acquisition_source"),
        "tags": pl.col("tags").list.sort(),
        "orders": pl.col("_orders").fill_null(0),
        "total_spent": pl.col("_spent").fill_null(pl.lit(0).cast(money)),
        "total_spent_currency": pl.col("currency"),
        "first_purchase_at": pl.col("_first"),
        "last_purchase_at": pl.col("_last"),
        "recency_days": _whole_days(when, pl.col("_last")),
        "tenure_days": _whole_days(when, _instant(pl.col("created_at"))),
    }
    missing = [name for name in schema.names() if name not in columns]
    if missing:  # pragma: no cover - a built-in field added without its expression
        raise AssertionError(f"no columnar expression for {missing}")
    return lazy.select(*(columns[name].cast(dtype).alias(name) for name, dtype in schema.items()))
