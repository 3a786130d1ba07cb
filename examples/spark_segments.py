"""Segment a customer book on Apache Spark with khachhang's SQL backend (dialect ``spark``).

The same rules that run on ``Customer`` objects in memory run in Spark SQL: a rule
becomes a WHERE clause (``rule.to_sql(dialect="spark", as_of=...)``) and a segmenter a
``CASE`` column (``segmenter.to_sql(dialect="spark", as_of=...)``), evaluated by Spark's
engine on a DataFrame whose columns follow the backend's column contract. This script

1. starts a local Spark session (``local[2]``, two shuffle partitions, no UI, quiet logs,
   session time zone UTC);
2. builds a Spark DataFrame from the sample book with an explicit schema: ``id``, one
   column per segmentation field (``LongType`` for numbers, ``StringType`` for enums and
   text, ``TimestampType`` for instants, ``ArrayType(StringType)`` for roles and tags,
   ``DecimalType`` for money with a ``<column>_currency`` column beside it);
3. applies the standard segments (``khachhang.segmentation.standard_segments()``) plus one
   hand-made campaign rule (money, dates, provinces, roles) in Spark, both as WHERE
   clauses and as three-valued columns (``three_valued=True``: NULL exactly where the rule
   is UNKNOWN), and the segmenter in both modes (``first`` and ``all``);
4. compares every value with the in-memory results (``truth`` / ``Segmenter.assign``),
   prints a short report and exits non-zero on any disagreement.

Run it (needs ``pip install 'khachhang[spark]'`` and a Java runtime)::

    python examples/spark_segments.py
    python examples/spark_segments.py --size 5000 --master 'local[*]'

Time is passed in (``--as-of``), never read from the clock. On a cluster, build the
DataFrame from your warehouse table instead (same columns) and keep steps 3 and 4's
``to_sql`` calls; see ``docs/recipes/spark.md``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, TextIO

import attrs
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as sf
from pyspark.sql import types as st

from khachhang import Customer, KhachHangError, Money
from khachhang.kinds import PartyType, Role
from khachhang.money import CURRENCIES
from khachhang.sample import SAMPLE_AS_OF, SAMPLE_SEED, sample_book
from khachhang.segmentation import F, Rule, standard_segments
from khachhang.segmentation.backends.sql_backend import CURRENCY_SUFFIX
from khachhang.segmentation.evaluate import Truth, truth
from khachhang.segmentation.fields import DEFAULT_REGISTRY, Field, FieldKind, FieldRegistry
from khachhang.segmentation.segments import AssignMode, Segment, Segmenter

ID_COLUMN = "id"
ROW_COLUMN = "_row"
"""Kept by this example to compare rows in input order (not part of the column contract)."""
TABLE = "khach_hang"
_UTC = timezone.utc
_AMOUNT_DIGITS = 18  # as in the Polars backend: money stays below 10**18 in magnitude

# --- the Spark session --------------------------------------------------------------------


def spark_session(master: str = "local[2]", app_name: str = "khachhang-segments") -> SparkSession:
    """A local Spark session for small books: few partitions, no UI, UTC, quiet logs.

    Returns the active session instead if there is one (``getOrCreate``).
    """
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no loopback-hostname warning
    spark = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --- the column contract as a Spark schema ------------------------------------------------

_SPARK_TYPES: dict[FieldKind, Callable[[], st.DataType]] = {
    FieldKind.INT: st.LongType,
    FieldKind.ENUM: st.StringType,
    FieldKind.TEXT: st.StringType,
    FieldKind.DATETIME: st.TimestampType,
    FieldKind.ENUM_SET: lambda: st.ArrayType(st.StringType(), containsNull=False),
    FieldKind.TEXT_SET: lambda: st.ArrayType(st.StringType(), containsNull=False),
}


def spark_schema(
    registry: FieldRegistry | None = None, *, money_scale: int = 0, row_index: bool = False
) -> st.StructType:
    """The Spark schema of a book frame: what the SQL backend expects, column by column.

    ``money_scale`` is the money columns' number of decimals (0 for a đồng-only book,
    2 once dollars appear), as in ``khachhang.segmentation.backends.polars_backend.frame_schema``.
    """
    reg = DEFAULT_REGISTRY if registry is None else registry
    fields = [st.StructField(ID_COLUMN, st.StringType(), nullable=False)]
    if row_index:
        fields.insert(0, st.StructField(ROW_COLUMN, st.LongType(), nullable=False))
    for field in reg:
        if field.kind is FieldKind.MONEY:
            amount = st.DecimalType(_AMOUNT_DIGITS + money_scale, money_scale)
            fields.append(st.StructField(field.column, amount, nullable=field.nullable))
            currency = field.column + CURRENCY_SUFFIX
            fields.append(st.StructField(currency, st.StringType(), nullable=field.nullable))
        else:
            kind = _SPARK_TYPES[field.kind]()
            fields.append(st.StructField(field.column, kind, nullable=field.nullable))
    return st.StructType(fields)


def _cell(field: Field, value: object, quantum: Decimal) -> list[Any]:
    """A field's value as Spark cells (two for money: amount and currency)."""
    if value is None:
        return [None, None] if field.kind is FieldKind.MONEY else [None]
    if isinstance(value, Money):
        return [value.amount.quantize(quantum), value.currency]
    if isinstance(value, datetime):
        return [value.astimezone(_UTC)]
    if field.kind is FieldKind.ENUM:
        return [value.value]  # type: ignore[attr-defined]
    if field.kind is FieldKind.ENUM_SET:
        return [sorted(member.value for member in value)]  # type: ignore[attr-defined]
    if field.kind is FieldKind.TEXT_SET:
        return [sorted(value)]  # type: ignore[call-overload]
    return [value]


def customers_to_spark(
    spark: SparkSession,
    customers: Iterable[Customer],
    *,
    as_of: datetime,
    registry: FieldRegistry | None = None,
    row_index: bool = False,
) -> DataFrame:
    """A snapshot of ``customers`` at ``as_of`` as a Spark DataFrame (explicit schema).

    One row per customer: ``id`` and each field's value *as of* ``as_of`` (the same
    snapshot as ``customers_to_frame``, without Polars). ``row_index`` adds ``_row``,
    the customer's position in ``customers``.
    """
    reg = DEFAULT_REGISTRY if registry is None else registry
    book = list(customers)
    readers = [(field, field.bind(as_of=as_of)) for field in reg]
    values = [[read(c) for c in book] for _, read in readers]
    currencies = {v.currency for column in values for v in column if isinstance(v, Money)}
    scale = max([0, *(CURRENCIES[code] for code in currencies)])
    quantum = Decimal(1).scaleb(-scale)
    rows = []
    for i, customer in enumerate(book):
        row: list[Any] = [i, customer.id] if row_index else [customer.id]
        for (field, _), column in zip(readers, values, strict=True):
            row.extend(_cell(field, column[i], quantum))
        rows.append(row)
    schema = spark_schema(reg, money_scale=scale, row_index=row_index)
    return spark.createDataFrame(rows, schema=schema)


# --- the rules ------------------------------------------------------------------------------

ICT = SAMPLE_AS_OF.tzinfo


def campaign_rule() -> Rule:
    """The hand-made rule: young city shoppers who spent and bought lately, or old distributors.

    Money (20,000,000 ₫, compared only with đồng books), a date window (the last 180 days)
    and a fixed instant, provinces (Hồ Chí Minh City, Hà Nội, Đà Nẵng) and roles.
    """
    shoppers = (
        (F.party_type == PartyType.INDIVIDUAL)
        & F.age.between(25, 40)
        & F.province.isin(["TP. Hồ Chí Minh", "Hà Nội", "Đà Nẵng"])
        & (F.total_spent >= Money("20000000"))
        & F.last_purchase_at.within(days=180)
    )
    since = datetime(2026, 1, 1, tzinfo=ICT)
    distributors = F.roles.contains(Role.DISTRIBUTOR) & (F.first_purchase_at < since)
    return shoppers | distributors


def campaign_segment() -> Segment:
    """The campaign rule as a segment, ahead of the standard ones."""
    return Segment(
        "campaign",
        campaign_rule(),
        "Chiến dịch khách thành thị và đại lý lâu năm",
        "Campaign: city shoppers and long-standing distributors",
        priority=30,
    )


def example_segments() -> tuple[Segment, ...]:
    """The standard segments plus the campaign segment."""
    return (*standard_segments(), campaign_segment())


# --- comparing Spark with memory ----------------------------------------------------------

Value = bool | None


@attrs.frozen
class Check:
    """One rule or segmenter compared on every customer."""

    name: str
    summary: str  # what memory says, in a few words
    mismatches: tuple[tuple[str, str, str], ...]  # (customer id, memory, Spark)

    @property
    def ok(self) -> bool:
        return not self.mismatches


@attrs.frozen
class Report:
    """Every check of one run."""

    size: int
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def lines(self) -> list[str]:
        """The report as text lines: one per check, then up to 3 mismatches each."""
        width = max([5, *(len(check.name) for check in self.checks)])
        out = [f"{'check':<{width}}  Spark = memory  in memory"]
        for check in self.checks:
            verdict = "yes" if check.ok else f"NO ({len(check.mismatches)})"
            out.append(f"{check.name:<{width}}  {verdict:<14}  {check.summary}")
            for ident, memory, spark in check.mismatches[:3]:
                out.append(f"    {ident}: memory {memory}, Spark {spark}")
        return out


def _word(value: object) -> str:
    if value is None:
        return "UNKNOWN"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return repr(value)


def _value(result: Truth) -> Value:
    return None if result is Truth.UNKNOWN else result is Truth.TRUE


def _differ(
    ids: Sequence[str], memory: Sequence[object], spark: Sequence[object], what: str = ""
) -> list[tuple[str, str, str]]:
    """``(id, memory, Spark)`` wherever they differ (types too: ``True`` is not ``1``)."""
    return [
        (ident, what + _word(m), what + _word(s))
        for ident, m, s in zip(ids, memory, spark, strict=True)
        if m != s or type(m) is not type(s)
    ]


def rule_columns(
    rules: Sequence[tuple[str, Rule]], *, as_of: datetime, registry: FieldRegistry | None = None
) -> list[tuple[str, str]]:
    """``(alias, Spark SQL)`` pairs: each rule three-valued and as a WHERE clause."""
    columns = []
    for i, (_, rule) in enumerate(rules):
        exact = rule.to_sql(dialect="spark", as_of=as_of, registry=registry, three_valued=True)
        where = rule.to_sql(dialect="spark", as_of=as_of, registry=registry)
        columns += [(f"r{i}_value", f"({exact})"), (f"r{i}_where", f"({where}) IS TRUE")]
    return columns


def compare(
    frame: DataFrame,
    book: Sequence[Customer],
    *,
    as_of: datetime,
    rules: Sequence[tuple[str, Rule]] = (),
    segmenters: Sequence[tuple[str, Segmenter]] = (),
    registry: FieldRegistry | None = None,
) -> Report:
    """Run ``rules`` and ``segmenters`` in Spark on ``frame`` and compare with memory.

    ``frame`` holds ``book`` with a ``_row`` column (``customers_to_spark(...,
    row_index=True)``); one Spark job computes every column. Each rule is checked twice:
    three-valued (TRUE, FALSE, and NULL for UNKNOWN, as ``truth``) and as a WHERE clause
    (TRUE exactly where ``truth`` is TRUE); each segmenter's column is checked against
    ``Segmenter.assign``.
    """
    selected = [sf.col(ROW_COLUMN)]
    for alias, sql in rule_columns(rules, as_of=as_of, registry=registry):
        selected.append(sf.expr(sql).alias(alias))
    for j, (_, segmenter) in enumerate(segmenters):
        sql = segmenter.to_sql(dialect="spark", as_of=as_of, registry=registry)
        selected.append(sf.expr(sql).alias(f"s{j}"))
    rows = frame.select(*selected).orderBy(ROW_COLUMN).collect()
    if [row[ROW_COLUMN] for row in rows] != list(range(len(book))):
        raise AssertionError("the Spark frame does not hold the book, row for row")
    ids = [c.id for c in book]
    checks = []
    for i, (name, rule) in enumerate(rules):
        memory = [_value(truth(rule, c, as_of=as_of, registry=registry)) for c in book]
        exact = _differ(ids, memory, [row[f"r{i}_value"] for row in rows])
        where = [value is True for value in memory]
        selects = _differ(ids, where, [row[f"r{i}_where"] for row in rows], "WHERE ")
        counts = " ".join(f"{_word(v)} {memory.count(v)}" for v in (True, False, None))
        checks.append(Check(name, counts, (*exact, *selects)))
    for j, (name, segmenter) in enumerate(segmenters):
        assigned = segmenter.assign(book, as_of=as_of, registry=registry)
        if segmenter.mode is AssignMode.FIRST:
            column = [() if row[f"s{j}"] is None else (row[f"s{j}"],) for row in rows]
        else:
            column = [tuple(row[f"s{j}"]) for row in rows]
        top = Counter(key for keys in assigned for key in keys)
        summary = ", ".join(f"{key} {n}" for key, n in top.most_common(4))
        checks.append(Check(name, summary, tuple(_differ(ids, assigned, column))))
    return Report(len(book), tuple(checks))


def run(
    spark: SparkSession,
    book: Sequence[Customer],
    *,
    as_of: datetime,
    log: Callable[[str], None] = lambda line: None,
) -> Report:
    """The example's checks on ``book``: standard segments and the campaign rule."""
    segments = example_segments()
    frame = customers_to_spark(spark, book, as_of=as_of, row_index=True)
    frame.createOrReplaceTempView(TABLE)
    where = campaign_rule().to_sql(dialect="spark", as_of=as_of)
    log(f"campaign rule in Spark SQL:\n  SELECT id FROM {TABLE} WHERE {where}")
    chosen = spark.sql(f"SELECT {ID_COLUMN} FROM {TABLE} WHERE {where}").count()
    log(f"  -> {chosen} of {len(book)} customers")
    rules = [(segment.key, segment.rule) for segment in segments]
    segmenters = [
        ("segmenter mode=first", Segmenter(segments, mode="first")),
        ("segmenter mode=all", Segmenter(segments, mode="all")),
    ]
    report = compare(frame, book, as_of=as_of, rules=rules, segmenters=segmenters)
    in_memory = sum(campaign_rule().evaluate(c, as_of=as_of) for c in book)
    if chosen != in_memory:
        mismatch = ((f"{chosen} rows", f"{in_memory} in memory", f"{chosen} in Spark"),)
        extra = Check("campaign SELECT ... WHERE", f"{in_memory} rows", mismatch)
        return attrs.evolve(report, checks=(*report.checks, extra))
    return report


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the comparison; returns 0 when Spark agrees with memory everywhere, else 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=1000, help="customers in the sample book")
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED, help="the sample book's seed")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument(
        "--as-of",
        type=datetime.fromisoformat,
        default=SAMPLE_AS_OF,
        help="the segmentation instant, ISO 8601 with an offset (default: the sample book's)",
    )
    args = parser.parse_args(argv)
    if args.as_of.tzinfo is None:
        parser.error("--as-of needs a UTC offset, e.g. 2026-11-01T00:00:00+07:00")
    stream = sys.stdout if out is None else out

    def log(line: str) -> None:
        stream.write(line + "\n")

    owned = SparkSession.getActiveSession() is None  # stop only a session we started
    spark = spark_session(args.master)
    try:
        book = sample_book(args.size, seed=args.seed, as_of=args.as_of)
        log(f"Spark {spark.version}, master {spark.sparkContext.master}, {len(book)} customers")
        report = run(spark, book, as_of=args.as_of, log=log)
    except KhachHangError as err:
        sys.stderr.write(f"error: {err}\n")
        return 2
    finally:
        if owned:
            spark.stop()
    for line in report.lines():
        log(line)
    log("Spark agrees with memory." if report.ok else "DISAGREEMENT between Spark and memory.")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
