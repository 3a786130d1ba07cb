"""The Polars and SQL backends agree with in-memory evaluation, value for value.

The central property: for random valid rules and random customer books, ``truth`` (the
in-memory three-valued result), the Polars expression on ``customers_to_frame`` and the
SQL clause executed in DuckDB and in SQLite (Python's ``sqlite3``, columns encoded with
``sqlite_value``) on the same frame give the same TRUE / FALSE / UNKNOWN for every
customer — missing values, offsets and zones with daylight saving, money in two
currencies and purchases after ``as_of`` included. Example tests pin down each node
type, SQL injection, dialects, column remapping and the frame's types.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone, tzinfo
from decimal import Context, Decimal, localcontext
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import polars as pl
import pytest
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import NEW_YEAR as T0
from conftest import UTC, WHOLE_BOOKS, scaled
from khachhang import Customer, Money, Organization, Person, Purchase
from khachhang.errors import RuleError, ValidationError
from khachhang.kinds import Lifecycle, PartyType, Role, Scope
from khachhang.parties import PROVINCES, Address, Gender
from khachhang.segmentation import (
    FALSE,
    TRUE,
    And,
    Between,
    Compare,
    Contains,
    F,
    Fields,
    In,
    IsNull,
    Not,
    Op,
    Or,
    Rule,
    Within,
)
from khachhang.segmentation.backends.polars_backend import (
    customers_to_frame,
    frame_schema,
    rule_to_polars,
    segmenter_to_polars,
)
from khachhang.segmentation.backends.sql_backend import (
    DIALECTS,
    rule_to_expression,
    rule_to_sql,
    segmenter_to_sql,
    sqlite_value,
)
from khachhang.segmentation.evaluate import Truth, truth
from khachhang.segmentation.fields import DEFAULT_REGISTRY, Field, FieldKind, FieldRegistry
from khachhang.segmentation.segments import Segment, Segmenter
from khachhang.testing import aware_datetimes, customers, rules, segmenters
from khachhang.testing._strategies import OFFSETS

AS_OF = datetime(2026, 11, 1, tzinfo=timezone(timedelta(hours=7)))
TABLE = "book"


# --- running the three backends -----------------------------------------------------------


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


def load(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, name: str = TABLE) -> None:
    """Copy a Polars frame into a DuckDB table (through the Arrow C stream; no pyarrow)."""
    con.execute(f"DROP TABLE IF EXISTS {name}")
    con.from_arrow(frame.__arrow_c_stream__()).create(name)


def in_memory(
    rule: Rule, book: Sequence[Customer], as_of: datetime, **kw: Any
) -> list[bool | None]:
    results = [truth(rule, c, as_of=as_of, **kw) for c in book]
    return [None if r is Truth.UNKNOWN else r is Truth.TRUE for r in results]


def by_polars(rule: Rule, frame: pl.DataFrame, as_of: datetime, **kw: Any) -> list[bool | None]:
    expr = rule_to_polars(rule, as_of=as_of, **kw)
    return frame.with_columns(expr.alias("r"))["r"].to_list()


def by_duckdb(
    con: duckdb.DuckDBPyConnection, rule: Rule, frame: pl.DataFrame, as_of: datetime, **kw: Any
) -> list[bool | None]:
    """The rule's value per row in DuckDB: the exact three-valued clause, checked against
    the default WHERE clause, which must be TRUE on exactly the same rows."""
    load(con, frame.with_row_index("_row"))
    exact = rule_to_sql(rule, dialect="duckdb", as_of=as_of, three_valued=True, **kw)
    where = rule_to_sql(rule, dialect="duckdb", as_of=as_of, **kw)
    query = f"SELECT ({exact}), ({where}) IS TRUE FROM {TABLE} ORDER BY _row"
    rows = con.execute(query).fetchall()
    assert [r[1] for r in rows] == [r[0] is True for r in rows], "WHERE selects other rows"
    return [row[0] for row in rows]


def sqlite_book(frame: pl.DataFrame, name: str = TABLE) -> sqlite3.Connection:
    """The frame as a SQLite table, each value encoded by ``sqlite_value`` (amounts in
    ``NUMERIC`` columns, as SQLAlchemy's ``Numeric`` makes them)."""
    connection = sqlite3.connect(":memory:")
    decimal = {c for c, t in frame.schema.items() if isinstance(t, pl.Decimal)}
    declared = ", ".join(f'"{c}"' + (" NUMERIC" if c in decimal else "") for c in frame.columns)
    connection.execute(f"CREATE TABLE {name} ({declared})")
    marks = ", ".join("?" for _ in frame.columns)
    rows = [tuple(sqlite_value(v) for v in row) for row in frame.iter_rows()]
    connection.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
    return connection


def _bool(value: object) -> bool | None:
    return None if value is None else bool(value)


def by_sqlite(rule: Rule, frame: pl.DataFrame, as_of: datetime, **kw: Any) -> list[bool | None]:
    """As :func:`by_duckdb`, in SQLite (whose booleans are 1 and 0)."""
    connection = sqlite_book(frame.with_row_index("_row"))
    try:
        exact = rule_to_sql(rule, dialect="sqlite", as_of=as_of, three_valued=True, **kw)
        where = rule_to_sql(rule, dialect="sqlite", as_of=as_of, **kw)
        query = f"SELECT ({exact}), ({where}) IS TRUE FROM {TABLE} ORDER BY _row"
        rows = connection.execute(query).fetchall()
    finally:
        connection.close()
    assert [bool(r[1]) for r in rows] == [r[0] == 1 for r in rows], "WHERE selects other rows"
    return [_bool(row[0]) for row in rows]


def by_every_backend(
    con: duckdb.DuckDBPyConnection, rule: Rule, book: Sequence[Customer], as_of: datetime
) -> None:
    """Polars, DuckDB and SQLite each give in-memory evaluation's result, row for row."""
    frame = customers_to_frame(book, as_of=as_of)
    expected = in_memory(rule, book, as_of)
    assert by_polars(rule, frame, as_of) == expected
    assert by_duckdb(con, rule, frame, as_of) == expected
    assert by_sqlite(rule, frame, as_of) == expected


def selected_ids(con: duckdb.DuckDBPyConnection, rule: Rule, as_of: datetime) -> list[str]:
    clause = rule_to_sql(rule, as_of=as_of)
    return [
        r[0] for r in con.execute(f"SELECT id FROM {TABLE} WHERE {clause} ORDER BY id").fetchall()
    ]


# --- random rules whose literals hit the book's own values --------------------------------


def _pool(book: Sequence[Customer], as_of: datetime) -> dict[str, list[Any]]:
    pool = {}
    for field in DEFAULT_REGISTRY:
        read = field.bind(as_of=as_of)
        pool[field.name] = [v for v in (read(c) for c in book) if v is not None]
    return pool


@st.composite
def rules_for(draw: st.DrawFn, book: Sequence[Customer], as_of: datetime) -> Rule:
    """A random valid rule over the built-in fields; literals often equal book values."""
    pool = _pool(book, as_of)

    def literal(field: Field) -> Any:
        seen = pool[field.name]
        if field.kind is FieldKind.INT:
            fresh: st.SearchStrategy[Any] = st.integers(-3, 120)
        elif field.kind is FieldKind.MONEY:
            fresh = st.builds(
                lambda n, cur: Money(n, cur), st.integers(0, 10**9), st.sampled_from(["USD", "VND"])
            )
        elif field.kind is FieldKind.DATETIME:
            fresh = aware_datetimes()
            seen = [v.astimezone(draw(st.sampled_from(ZONES))) for v in seen]
        elif field.kind is FieldKind.ENUM or field.kind is FieldKind.ENUM_SET:
            fresh = st.sampled_from(list(field.enum or ()))
            seen = [m for v in seen for m in (v if field.kind.is_set else [v])]
        elif field.kind is FieldKind.TEXT:
            fresh = st.sampled_from(PROVINCES)
        else:
            fresh = st.sampled_from(["vip", "zalo", "tết", "khách sỉ"])
            seen = [m for v in seen for m in v]
        return draw(st.sampled_from(seen) | fresh if seen else fresh)

    def leaf() -> Rule:
        field = draw(st.sampled_from(LEAF_FIELDS))
        kind = field.kind
        name = field.name
        shapes = []  # the interesting shapes first: Hypothesis favours early choices
        if kind.is_ordered:
            shapes += ["cmp", "between"]
        if kind is FieldKind.DATETIME:
            shapes += ["within"]
        if kind in (FieldKind.INT, FieldKind.ENUM, FieldKind.TEXT):
            shapes += ["in"]
        shapes += ["contains"] if kind.is_set else ["eq"]
        shapes += ["null"]
        shape = draw(st.sampled_from(shapes))
        if shape == "null":
            return IsNull(name, draw(st.booleans()))
        if shape == "contains":
            return Contains(name, literal(field))
        if shape == "eq":
            return Compare(name, draw(st.sampled_from([Op.EQ, Op.NE])), literal(field))
        if shape == "cmp":
            return Compare(name, draw(st.sampled_from(list(Op))), literal(field))
        if shape == "between":
            low, high = literal(field), literal(field)
            if isinstance(low, Money) and isinstance(high, Money) and low.currency != high.currency:
                high = low  # bounds share a currency (a dollar amount may hold cents)
            return Between(name, *sorted([low, high]))
        if shape == "in":
            values = [literal(field) for _ in range(draw(st.integers(0, 3)))]
            return In(name, values, draw(st.booleans()))
        return Within(name, draw(st.sampled_from([180, 30, 1, 0, 365, 36_600])))

    def tree(depth: int) -> Rule:
        choice = draw(st.integers(0, 9)) if depth < 3 else 0
        if choice <= 4:
            return leaf()
        if choice <= 6:
            return Not(tree(depth + 1))
        if choice == 9:
            return draw(st.sampled_from([TRUE, FALSE]))
        children = [tree(depth + 1) for _ in range(draw(st.integers(1, 3)))]
        return And(children) if choice == 7 else Or(children)

    return tree(0)


# money, datetimes and nullable fields carry the subtle cases: drawn first and more often
LEAF_FIELDS = sorted(
    [
        *DEFAULT_REGISTRY.fields,
        *(f for f in DEFAULT_REGISTRY if f.kind in (FieldKind.MONEY, FieldKind.DATETIME)),
    ],
    key=lambda f: (f.kind is not FieldKind.MONEY, f.kind is not FieldKind.DATETIME, not f.nullable),
)

BOOKS = st.lists(
    customers(max_purchases=4) | customers(max_purchases=2, currency="USD"), min_size=2, max_size=12
)


# Zones whose offset changes (daylight saving, Lord Howe's half hour) besides fixed offsets:
# a within(days=N) window across a change is N × 24 hours in every backend.
ZONES: tuple[tzinfo, ...] = (
    *OFFSETS,
    ZoneInfo("America/New_York"),
    ZoneInfo("Europe/London"),
    ZoneInfo("Australia/Lord_Howe"),
    ZoneInfo("Asia/Ho_Chi_Minh"),
)


def as_ofs(book: Sequence[Customer]) -> st.SearchStrategy[datetime]:
    """Instants in or after the book's purchases: exact ``within`` edges, later purchases."""
    times = [p.at for c in book for p in c.purchases]
    if not times:
        return AS_OFS
    edges = st.builds(
        lambda at, days, zone: (at + timedelta(days=days)).astimezone(zone),
        st.sampled_from(times),
        st.sampled_from([0, 1, 30, 180]),
        st.sampled_from(ZONES),
    )
    return edges | AS_OFS


AS_OFS = st.builds(
    datetime.astimezone,
    aware_datetimes(datetime(2020, 1, 1, tzinfo=UTC), datetime(2036, 1, 1, tzinfo=UTC)),
    st.sampled_from(ZONES),
)


@settings(
    max_examples=scaled(40),
    suppress_health_check=WHOLE_BOOKS,
)
@given(book=BOOKS, data=st.data())
def test_backends_agree_with_in_memory_evaluation(
    con: duckdb.DuckDBPyConnection, book: list[Customer], data: st.DataObject
) -> None:
    as_of = data.draw(as_ofs(book), label="as_of")
    rule = data.draw(rules_for(book, as_of), label="rule")
    by_every_backend(con, rule, book, as_of)


SMALL_BOOKS = st.lists(customers(max_purchases=3), min_size=1, max_size=6)


@settings(
    max_examples=scaled(25),
    suppress_health_check=WHOLE_BOOKS,
)
@given(book=SMALL_BOOKS, as_of=AS_OFS, rule=rules(max_depth=3))
def test_backends_agree_on_the_shared_rule_strategy(
    con: duckdb.DuckDBPyConnection, book: list[Customer], as_of: datetime, rule: Rule
) -> None:
    by_every_backend(con, rule, book, as_of)


@settings(
    max_examples=scaled(25),
    suppress_health_check=WHOLE_BOOKS,
)
@given(book=SMALL_BOOKS, as_of=AS_OFS, segmenter=segmenters(max_segments=3, max_depth=2))
def test_segment_columns_agree_with_assign(
    con: duckdb.DuckDBPyConnection, book: list[Customer], as_of: datetime, segmenter: Segmenter
) -> None:
    expected = segmenter.assign(book, as_of=as_of)
    frame = customers_to_frame(book, as_of=as_of)
    column = frame.with_columns(segmenter.to_polars(as_of=as_of))["segment"].to_list()
    load(con, frame.with_row_index("_row"))
    case = segmenter.to_sql(as_of=as_of)
    rows = con.execute(f"SELECT {case} FROM {TABLE} ORDER BY _row").fetchall()
    lite = sqlite_book(frame.with_row_index("_row"))
    lite_case = segmenter.to_sql(as_of=as_of, dialect="sqlite")
    lite_rows = lite.execute(f"SELECT {lite_case} FROM {TABLE} ORDER BY _row").fetchall()
    lite.close()
    if segmenter.mode.value == "first":
        assert [(k,) if k is not None else () for k in column] == expected
        assert [(r[0],) if r[0] is not None else () for r in rows] == expected
        assert [(r[0],) if r[0] is not None else () for r in lite_rows] == expected
    else:
        assert [tuple(k) for k in column] == expected
        assert [tuple(r[0]) for r in rows] == expected
        assert [tuple(json.loads(r[0])) for r in lite_rows] == expected


@settings(
    max_examples=scaled(10),
    suppress_health_check=WHOLE_BOOKS,
)
@given(book=BOOKS, as_of=AS_OFS)
def test_frame_columns_hold_each_fields_value_as_of(book: list[Customer], as_of: datetime) -> None:
    frame = customers_to_frame(book, as_of=as_of)
    assert frame["id"].to_list() == [c.id for c in book]
    for field in DEFAULT_REGISTRY:
        expected = [field.getter(c, as_of) for c in book]
        column = frame[field.column].to_list()
        if field.kind is FieldKind.MONEY:
            currencies = frame[field.column + "_currency"].to_list()
            column = [
                None if a is None else Money(Decimal(a).normalize().quantize(m.amount), cur)
                for a, cur, m in zip(column, currencies, expected, strict=True)
            ]
        elif field.kind is FieldKind.DATETIME:
            expected = [None if v is None else v.astimezone(UTC) for v in expected]
        elif field.kind is FieldKind.ENUM:
            expected = [None if v is None else v.value for v in expected]
        elif field.kind is FieldKind.ENUM_SET:
            expected = [sorted(m.value for m in v) for v in expected]
        elif field.kind is FieldKind.TEXT_SET:
            expected = [sorted(v) for v in expected]
        assert column == expected, field.name


# --- a small fixed book -----------------------------------------------------------------------


def _person(name: str, born: str | None, province: str | None, gender: Gender | None) -> Person:
    from datetime import date

    address = Address(province=province) if province else None
    birth = date.fromisoformat(born) if born else None
    return Person(name, birth_date=birth, gender=gender, address=address)


def _book() -> list[Customer]:
    ict = timezone(timedelta(hours=7))
    lan = Customer(
        "lan",
        _person("Trần Thị Lan", "1995-03-02", "TP. Hồ Chí Minh", Gender.FEMALE),
        created_at=T0,
        roles={Role.BUYER, Role.END_USER},
        tags={"vip"},
        income=Money("30000000"),
    )
    lan = lan.add_purchase(Purchase("l-1", datetime(2026, 9, 1, 20, tzinfo=ict), Money("25000000")))
    minh = Customer("minh", _person("Lê Văn Minh", None, "Hà Nội", Gender.MALE), created_at=T0)
    corp = Customer(
        "corp",
        Organization("Công ty TNHH Ánh Dương", party_type=PartyType.BUSINESS),
        created_at=T0,
        roles={Role.DISTRIBUTOR},
    )
    corp = corp.add_purchase(Purchase("c-1", datetime(2026, 2, 1, tzinfo=UTC), Money("90000000")))
    late = corp.add_purchase(Purchase("c-2", datetime(2026, 12, 24, tzinfo=UTC), Money("1")))
    late = Customer(
        "late",
        _person("Phạm Văn An", "2000-11-01", "Bình Dương", None),
        created_at=T0,
        purchases=late.purchases,
        lifecycle=Lifecycle.CURRENT,
        lifecycle_events=late.lifecycle_events,  # a lifecycle is what its log shows
    )
    usd = Customer(
        "usd", _person("John Smith", "1990-01-01", None, None), created_at=T0, currency="USD"
    )
    usd = usd.add_purchase(
        Purchase("u-1", datetime(2026, 10, 30, tzinfo=UTC), Money("30000000", "USD"))
    )
    return [lan, minh, corp, late, usd]


@pytest.fixture(scope="module")
def book() -> list[Customer]:
    return _book()


@pytest.fixture(scope="module")
def frame(book: list[Customer]) -> pl.DataFrame:
    return customers_to_frame(book, as_of=AS_OF)


NODE_CASES: list[tuple[str, Rule, list[str]]] = [
    ("compare int", F.age >= 30, ["lan", "usd"]),
    ("compare enum", F.party_type != PartyType.INDIVIDUAL, ["corp"]),
    ("compare text, former province", F.province == "Bình Dương", ["lan", "late"]),
    (
        "compare money, same currency only",
        F.total_spent >= Money("20000000"),
        ["corp", "lan", "late"],
    ),
    ("compare money in dollars", F.total_spent >= Money("20000000", "USD"), ["usd"]),
    (
        "compare datetime across offsets",
        F.last_purchase_at > datetime(2026, 9, 1, 14, tzinfo=UTC),
        ["usd"],
    ),
    ("between int", F.age.between(25, 31), ["lan", "late"]),
    ("between money", F.total_spent.between(Money(1), Money("25000000")), ["lan"]),
    ("in enum", F.gender.isin({Gender.MALE, Gender.FEMALE}), ["lan", "minh"]),
    ("not in enum skips missing", F.gender.not_in({Gender.MALE}), ["lan"]),
    ("in empty", F.age.isin(set()), []),
    ("not in empty is true for present", F.age.not_in(set()), ["lan", "late", "usd"]),
    ("contains enum set", F.roles.contains(Role.BUYER), ["lan"]),
    ("contains text set", F.tags.contains("vip"), ["lan"]),
    ("is null", F.income.is_null(), ["corp", "late", "minh", "usd"]),
    ("is not null", F.age.is_not_null(), ["lan", "late", "usd"]),
    ("within ignores later purchases", F.last_purchase_at.within(days=90), ["lan", "usd"]),
    ("orders as of", F.orders == 1, ["corp", "lan", "late", "usd"]),
    ("and", (F.orders >= 1) & (F.party_type == PartyType.INDIVIDUAL), ["lan", "late", "usd"]),
    ("or", (F.age < 27) | F.roles.contains(Role.DISTRIBUTOR), ["corp", "late"]),
    ("not keeps unknown out", ~(F.age >= 30), ["late"]),
    ("true", TRUE, ["corp", "lan", "late", "minh", "usd"]),
    ("false", FALSE, []),
]


@pytest.mark.parametrize(
    ("rule", "ids"), [(r, i) for _, r, i in NODE_CASES], ids=[n for n, _, _ in NODE_CASES]
)
def test_each_node_type_selects_the_same_customers(
    con: duckdb.DuckDBPyConnection,
    book: list[Customer],
    frame: pl.DataFrame,
    rule: Rule,
    ids: list[str],
) -> None:
    in_memory_ids = sorted(c.id for c in book if rule.evaluate(c, as_of=AS_OF))
    assert in_memory_ids == ids
    assert sorted(frame.filter(rule.to_polars(as_of=AS_OF))["id"].to_list()) == ids
    load(con, frame)
    assert selected_ids(con, rule, AS_OF) == ids


def test_money_in_another_currency_is_unknown_not_false(
    con: duckdb.DuckDBPyConnection, book: list[Customer], frame: pl.DataFrame
) -> None:
    rule = F.total_spent < Money("1", "USD")  # every đồng book: UNKNOWN, never converted
    assert by_polars(rule, frame, AS_OF) == [None, None, None, None, False]
    assert by_polars(~rule, frame, AS_OF) == [None, None, None, None, True]
    assert by_duckdb(con, ~rule, frame, AS_OF) == in_memory(~rule, book, AS_OF)


# --- SQL safety and dialects -------------------------------------------------------------------

HOSTILE = "O'Reilly'; DROP TABLE x;--"


def test_hostile_values_stay_data(con: duckdb.DuckDBPyConnection) -> None:
    note = Field("note", FieldKind.TEXT, lambda c, as_of: c.name, "Ghi chú", "Note")
    registry = DEFAULT_REGISTRY.register(note)
    hostile = Customer("h", Person(HOSTILE), created_at=T0, tags={HOSTILE, "x"})
    plain = Customer("p", Person("Nguyễn Văn Bình"), created_at=T0, tags={"x"})
    frame = customers_to_frame([hostile, plain], as_of=AS_OF, registry=registry)
    con.execute("CREATE OR REPLACE TABLE x (a INTEGER)")
    load(con, frame)
    rules = [Fields(registry).note == HOSTILE, F.tags.contains(HOSTILE), F.tags.contains('"); --')]
    for rule, expected in zip(rules, [["h"], ["h"], []], strict=True):
        for dialect in ("duckdb", "postgres", "spark", "bigquery", "snowflake"):
            sql = rule_to_sql(rule, dialect=dialect, as_of=AS_OF, registry=registry)
            assert len(sqlglot.parse(sql, read=dialect)) == 1  # one statement: no injection
        clause = rule_to_sql(rule, as_of=AS_OF, registry=registry)
        got = con.execute(f"SELECT id FROM {TABLE} WHERE {clause}").fetchall()
        assert [r[0] for r in got] == expected
    assert con.execute("SELECT count(*) FROM x").fetchall() == [(0,)]  # table x survived


def test_hostile_column_names_are_quoted_identifiers() -> None:
    sql = rule_to_sql(F.age >= 1, as_of=AS_OF, columns={"age": 'a" = 1 OR "b'})
    assert sql == '"a"" = 1 OR ""b" >= 1'


EVERY_NODE = And(
    (
        F.age.between(25, 40),
        Or((F.province.isin({"Hà Nội", "TP. Hồ Chí Minh"}), F.gender.not_in(set()))),
        Not(F.total_spent < Money("20000000.5", "USD")),
        F.roles.contains(Role.BUYER),
        F.tags.contains("vip"),
        F.income.is_null() | F.income.is_not_null(),
        F.last_purchase_at.within(days=180),
        F.first_purchase_at
        >= datetime(2025, 1, 1, 7, 30, 0, 250, tzinfo=timezone(timedelta(hours=7))),
        F.scope == Scope.EXTERNAL,
        F.age.isin(set()),
        TRUE,
    )
)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_dialect_gets_sql_that_parses_back(dialect: str) -> None:
    sql = rule_to_sql(EVERY_NODE, dialect=dialect, as_of=AS_OF)
    parsed = sqlglot.parse_one(sql, read=dialect)
    assert parsed.sql(dialect=dialect) == sql
    assert "'Hà Nội'" in sql
    assert "2025-01-01 00:30:00.000250" in sql  # instants in UTC, microseconds kept


# Each dialect's own way to drop NULLs from an array: sqlglot spells them all ARRAY_COMPACT,
# which Postgres, Trino and BigQuery do not have.
_COMPACT = {
    "duckdb": "LIST_FILTER([",
    "postgres": "ARRAY_REMOVE(ARRAY[",
    "spark": "ARRAY_COMPACT(ARRAY(",
    "bigquery": "ARRAY(SELECT _u FROM UNNEST([",
    "snowflake": "ARRAY_COMPACT([",
    "trino": "FILTER(ARRAY[",
    "sqlite": "'[' || SUBSTRING(",
}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_segmenter_in_all_mode_drops_nulls_with_a_function_its_dialect_has(
    dialect: str,
) -> None:
    segmenter = Segmenter(
        [
            Segment("buyer", F.orders >= 1, "Đã mua", "Bought"),
            Segment("rest", TRUE, "Khác", "Rest"),
        ],
        mode="all",
    )
    sql = segmenter.to_sql(dialect=dialect, as_of=AS_OF)
    assert sql.startswith(_COMPACT[dialect]), sql
    assert sqlglot.parse_one(sql, read=dialect).sql(dialect=dialect) == sql
    assert sql.index("buyer") < sql.index("rest")  # priority order kept


@pytest.mark.parametrize("dialect", ["mysql", "tsql", "databricks", "redshift", "SQLite", "nosql"])
def test_a_dialect_the_backend_does_not_write_is_refused_naming_the_supported_ones(
    dialect: str,
) -> None:
    """sqlglot renders MySQL too, but the rules' casts and arrays would be wrong there."""
    segmenter = Segmenter([Segment("x", TRUE, "X", "X")])
    for call in (
        lambda: rule_to_sql(F.tags.contains("vip"), dialect=dialect, as_of=AS_OF),
        lambda: F.age.is_null().to_sql(dialect=dialect, as_of=AS_OF),
        lambda: segmenter.to_sql(dialect=dialect, as_of=AS_OF),
        lambda: rule_to_expression(F.age > 1, as_of=AS_OF, dialect=dialect),
    ):
        with pytest.raises(RuleError, match=r"supported: duckdb, postgres, .*sqlite") as info:
            call()
        assert info.value.path == "dialect"


def test_sqlite_selects_a_recent_purchase_and_a_tag() -> None:
    """The cases that went wrong when SQLite got DuckDB's SQL: a TIMESTAMPTZ cast that
    SQLite reads as a number (nothing selected) and ARRAY_CONTAINS, which it lacks."""
    as_of = datetime(2026, 11, 1, 9, tzinfo=timezone(timedelta(hours=7)))
    recent = Customer(
        "recent", Person("Đỗ Thu Hà"), created_at=T0, tags={"vip", "zalo"}
    ).add_purchase(Purchase("o-1", as_of - timedelta(days=7), Money("250000")))
    idle = Customer("idle", Person("Hồ Văn Nam"), created_at=T0).add_purchase(
        Purchase("o-2", as_of - timedelta(days=60), Money("99000"))
    )
    lite = sqlite_book(customers_to_frame([recent, idle], as_of=as_of))
    for rule in (F.last_purchase_at.within(days=30), F.tags.contains("vip")):
        clause = rule.to_sql(dialect="sqlite", as_of=as_of)
        assert lite.execute(f"SELECT id FROM {TABLE} WHERE {clause}").fetchall() == [("recent",)]
    lite.close()


def test_sqlite_values_encode_each_kind_as_the_sql_expects() -> None:
    ict = timezone(timedelta(hours=7))
    assert sqlite_value(datetime(1, 1, 1, 7, tzinfo=ict)) == "0001-01-01 00:00:00.000000"
    assert sqlite_value(Money("12.50", "USD")) == "12.50"
    assert sqlite_value(frozenset({Role.BUYER, Role.END_USER})) == '["buyer", "end_user"]'
    assert sqlite_value(["tết", "vip"]) == '["tết", "vip"]'
    assert sqlite_value(PartyType.BUSINESS) == "business"
    assert (sqlite_value(None), sqlite_value(3), sqlite_value("Huế")) == (None, 3, "Huế")
    with pytest.raises(RuleError, match="no SQLite encoding for bytes"):
        sqlite_value(b"x")


def test_within_counts_elapsed_days_across_a_daylight_saving_change(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """30 days before 12:00 EST on 2 November is 13:00 EDT on 3 October (17:00 UTC), not
    12:00 EDT on the wall clock: a purchase at 16:30 UTC is outside, in every backend."""
    as_of = datetime(2026, 11, 2, 12, tzinfo=ZoneInfo("America/New_York"))
    bought = [
        Customer(name, Person("Ngô Bảo Châu"), created_at=T0).add_purchase(
            Purchase("o", at, Money(1))
        )
        for name, at in [
            ("wall clock only", datetime(2026, 10, 3, 16, 30, tzinfo=UTC)),
            ("at the start", datetime(2026, 10, 3, 17, tzinfo=UTC)),
        ]
    ]
    rule = F.last_purchase_at.within(days=30)
    assert in_memory(rule, bought, as_of) == [False, True]
    by_every_backend(con, rule, bought, as_of)


EXTREME_AS_OFS = [
    datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),  # before UTC's year 1
    datetime(1, 1, 1, 10, tzinfo=timezone(timedelta(hours=-14))),
    datetime(9999, 12, 31, 23, 59, tzinfo=timezone(-timedelta(hours=23, minutes=59))),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
]


@pytest.mark.parametrize("as_of", EXTREME_AS_OFS, ids=str)
def test_every_backend_handles_an_as_of_at_the_ends_of_time(
    con: duckdb.DuckDBPyConnection, as_of: datetime
) -> None:
    """No OverflowError: windows the UTC range cannot hold are open, or empty."""
    first, last = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
    book = [
        Customer(name, Person("Lý Thường Kiệt"), created_at=first).add_purchase(
            Purchase("o", at, Money(1))
        )
        for name, at in [
            ("first", first),
            ("day two", first + timedelta(days=1)),
            ("last", last),
            ("day before", last - timedelta(days=1)),
        ]
    ]
    for days in (0, 1, 30, 36_600):
        rule = F.last_purchase_at.within(days=days) | F.first_purchase_at.within(days=days)
        by_every_backend(con, rule, book, as_of)
        by_every_backend(con, ~rule, book, as_of)


def test_every_node_agrees_in_duckdb(
    con: duckdb.DuckDBPyConnection, book: list[Customer], frame: pl.DataFrame
) -> None:
    for rule in (EVERY_NODE, *EVERY_NODE.children, ~EVERY_NODE):
        expected = in_memory(rule, book, AS_OF)
        assert by_polars(rule, frame, AS_OF) == expected
        assert by_duckdb(con, rule, frame, AS_OF) == expected


def test_unknown_dialect_is_a_rule_error() -> None:
    with pytest.raises(RuleError, match="unsupported SQL dialect 'nosql'"):
        rule_to_sql(F.age > 1, dialect="nosql", as_of=AS_OF)


def test_sqlglot_expression_embeds_in_a_query() -> None:
    condition = rule_to_expression(F.orders >= 2, as_of=AS_OF, columns={"orders": "k.so_don"})
    query = sqlglot.exp.select("k.id").from_("khach_hang AS k").where(condition)
    assert query.sql("duckdb") == "SELECT k.id FROM khach_hang AS k WHERE k.so_don >= 2"


def test_large_rules_translate_without_recursion_trouble(
    con: duckdb.DuckDBPyConnection, frame: pl.DataFrame
) -> None:
    rule = Or(tuple(F.tenure_days == n for n in range(1000)))
    load(con, frame)
    assert len(selected_ids(con, rule, AS_OF)) == len(frame)
    assert frame.filter(rule.to_polars(as_of=AS_OF)).height == len(frame)


# --- columns= remapping ---------------------------------------------------------------------


def test_columns_remap_fields_to_your_table(
    con: duckdb.DuckDBPyConnection, book: list[Customer], frame: pl.DataFrame
) -> None:
    renamed = frame.rename(
        {"age": "tuoi", "total_spent": "chi_tieu", "total_spent_currency": "tien_te"}
    )
    columns = {"age": "tuoi", "total_spent": "chi_tieu", "total_spent.currency": "tien_te"}
    rule = (F.age >= 20) & (F.total_spent >= Money("20000000"))
    expected = in_memory(rule, book, AS_OF)
    assert by_polars(rule, renamed, AS_OF, columns=columns) == expected
    assert by_duckdb(con, rule, renamed, AS_OF, columns=columns) == expected
    # without the currency entry, the currency column follows the amount column's name
    assert "chi_tieu_currency" in rule_to_sql(
        rule, as_of=AS_OF, columns={"total_spent": "chi_tieu"}
    )


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"salary": "x"}, "not a field"),
        ({"age.currency": "x"}, "only money fields"),
        ({"age": ""}, "expected a column name"),
    ],
)
def test_bad_column_maps_are_rule_errors(columns: dict[str, str], message: str) -> None:
    with pytest.raises(RuleError, match=message):
        rule_to_sql(F.age > 1, as_of=AS_OF, columns=columns)
    with pytest.raises(RuleError, match=message):
        rule_to_polars(F.age > 1, as_of=AS_OF, columns=columns)


@pytest.mark.parametrize("name", ["a.b.c.d.e", ".", "a..b", "t.", ".col"])
def test_a_sql_column_name_with_empty_or_too_many_parts_is_refused(name: str) -> None:
    """``a.b.c.d.e`` would lose its first part, ``a..b`` give an empty identifier."""
    segmenter = Segmenter([Segment("adult", F.age >= 18, "Người lớn", "Adults")])
    for columns in ({"age": name}, {"total_spent.currency": name}):
        with pytest.raises(RuleError, match="is not a column name") as info:
            rule_to_sql(F.age >= 18, as_of=AS_OF, columns=columns)
        assert info.value.path.startswith("columns[")
        with pytest.raises(RuleError, match="is not a column name"):
            segmenter.to_sql(as_of=AS_OF, columns=columns)


def test_a_four_part_column_name_is_catalog_db_table_column() -> None:
    sql = rule_to_sql(F.age >= 18, as_of=AS_OF, columns={"age": "kho.crm.khach.tuoi"})
    assert sql == "kho.crm.khach.tuoi >= 18"


def test_invalid_rules_are_refused_by_both_backends() -> None:
    bad = Compare("age", Op.EQ, "ba mươi")
    with pytest.raises(RuleError, match="takes an integer"):
        rule_to_polars(bad, as_of=AS_OF)
    with pytest.raises(RuleError, match="takes an integer"):
        rule_to_sql(bad, as_of=AS_OF)


# --- the frame ------------------------------------------------------------------------------


def test_frame_types_let_polars_run_fast(frame: pl.DataFrame) -> None:
    schema = frame.schema
    assert isinstance(schema["party_type"], pl.Enum)
    assert schema["province"] == pl.Categorical()
    assert schema["age"] == pl.Int64()
    assert schema["last_purchase_at"] == pl.Datetime("us", "UTC")
    assert schema["total_spent"] == pl.Decimal(20, 2)  # a dollar book in the frame: 2 decimals
    assert isinstance(schema["total_spent_currency"], pl.Enum)
    assert schema["roles"] == pl.List(pl.Enum([r.value for r in Role]))
    assert schema["tags"] == pl.List(pl.Categorical())
    assert dict(schema) == dict(frame_schema(money_scale=2))


def test_frame_is_a_point_in_time_snapshot(book: list[Customer]) -> None:
    late = book[3]
    before = customers_to_frame([late], as_of=AS_OF).row(0, named=True)
    after = customers_to_frame([late], as_of=datetime(2027, 1, 1, tzinfo=UTC)).row(0, named=True)
    assert (before["orders"], after["orders"]) == (1, 2)
    assert before["last_purchase_at"] == datetime(2026, 2, 1, tzinfo=UTC)


_PURCHASE_COLUMNS = (
    "orders",
    "total_spent",
    "first_purchase_at",
    "last_purchase_at",
    "recency_days",
)


def _purchase_columns(frame: pl.DataFrame) -> dict[str, list[Any]]:
    return {name: frame[name].to_list() for name in _PURCHASE_COLUMNS}


@pytest.mark.parametrize("zone", [UTC, ZoneInfo("Asia/Ho_Chi_Minh"), ZoneInfo("America/New_York")])
def test_purchase_columns_walked_once_equal_each_fields_reader(
    book: list[Customer], zone: tzinfo
) -> None:
    """The built-in purchase fields share one walk over the purchases; each field's own
    reader (used when the registry or the decimal context rules the shared walk out)
    gives the same columns, as of instants before, between and after the purchases."""
    for as_of in (datetime(2025, 6, 1, tzinfo=zone), AS_OF, datetime(2027, 1, 1, tzinfo=zone)):
        frame = customers_to_frame(book, as_of=as_of)
        for name in ("orders", "first_purchase_at", "last_purchase_at", "recency_days"):
            getter = DEFAULT_REGISTRY[name].getter
            assert frame[name].to_list() == [getter(c, as_of) for c in book], name
        totals = [DEFAULT_REGISTRY["total_spent"].getter(c, as_of).amount for c in book]
        assert frame["total_spent"].to_list() == totals
        with localcontext(Context(prec=27)):  # the shared walk steps aside
            assert _purchase_columns(customers_to_frame(book, as_of=as_of)) == _purchase_columns(
                frame
            )
        mine = Field("orders", FieldKind.INT, lambda c, as_of: 7, "Đơn", "Orders")
        own = FieldRegistry(tuple(mine if f.name == "orders" else f for f in DEFAULT_REGISTRY))
        other = customers_to_frame(book, as_of=as_of, registry=own)
        assert other["orders"].to_list() == [7] * len(book)
        assert other.drop("orders").rows() == frame.drop("orders").rows()


def test_empty_book_gives_an_empty_typed_frame() -> None:
    frame = customers_to_frame([], as_of=AS_OF)
    assert frame.height == 0
    assert frame.schema == frame_schema()
    assert frame.filter(F.age.between(1, 2).to_polars(as_of=AS_OF)).height == 0


def test_a_broken_application_field_is_named() -> None:
    wrong = Field("points", FieldKind.INT, lambda c, as_of: "many", "Điểm", "Points")
    with pytest.raises(ValidationError, match=r"fields\.points"):
        customers_to_frame(_book(), as_of=AS_OF, registry=DEFAULT_REGISTRY.register(wrong))


def test_a_column_clash_with_the_id_or_currency_is_refused() -> None:
    ident = Field("ident", FieldKind.TEXT, lambda c, as_of: c.id, "Mã", "Id", column="id")
    with pytest.raises(ValidationError, match="is taken"):
        customers_to_frame([], as_of=AS_OF, registry=DEFAULT_REGISTRY.register(ident))
    ccy = Field("income_currency", FieldKind.TEXT, lambda c, as_of: None, "Tiền tệ", "Currency")
    with pytest.raises(ValidationError, match="clashes"):
        customers_to_frame([], as_of=AS_OF, registry=DEFAULT_REGISTRY.register(ccy))


def test_a_tag_holding_the_separator_still_round_trips() -> None:
    odd = Field("odd", FieldKind.TEXT_SET, lambda c, as_of: frozenset({"a\x1fb", "c"}), "Lạ", "Odd")
    registry = FieldRegistry((odd,))
    frame = customers_to_frame(_book()[:1], as_of=AS_OF, registry=registry)
    assert frame["odd"].to_list() == [["a\x1fb", "c"]]


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    monkeypatch.setitem(sys.modules, "polars", None)
    monkeypatch.delitem(sys.modules, "khachhang.segmentation.backends.polars_backend")
    with pytest.raises(ImportError, match=r"pip install 'khachhang\[polars\]'"):
        importlib.import_module("khachhang.segmentation.backends.polars_backend")


# --- segmenters ---------------------------------------------------------------------------


def test_segmenter_case_follows_priority(
    con: duckdb.DuckDBPyConnection, book: list[Customer], frame: pl.DataFrame
) -> None:
    segmenter = Segmenter(
        [
            Segment("rest", TRUE, "Khác", "Others"),
            Segment("rich", F.total_spent >= Money("20000000"), "Chi nhiều", "Big spenders", 5),
            Segment("young", F.age < 30, "Trẻ", "Young", priority=9),
        ]
    )
    expected = [keys[0] for keys in segmenter.assign(book, as_of=AS_OF)]
    assert expected == ["rich", "rest", "rich", "young", "rest"]
    polars_keys = frame.select(segmenter_to_polars(segmenter, as_of=AS_OF, name="nhom"))
    assert polars_keys["nhom"].to_list() == expected
    assert polars_keys.schema["nhom"] == pl.Enum(["young", "rich", "rest"])
    load(con, frame)
    case = segmenter_to_sql(segmenter, as_of=AS_OF)
    assert case.startswith("CASE WHEN age < 30 THEN 'young' WHEN total_spent_currency = 'VND'")
    assert [r[0] for r in con.execute(f"SELECT {case} FROM {TABLE}").fetchall()] == expected


def test_segmenter_in_all_mode_lists_every_match(
    con: duckdb.DuckDBPyConnection, book: list[Customer], frame: pl.DataFrame
) -> None:
    segmenter = Segmenter(
        [
            Segment("buyer", F.orders >= 1, "Đã mua", "Bought", priority=2),
            Segment("young", F.age < 30, "Trẻ", "Young", priority=1),
        ],
        mode="all",
    )
    expected = segmenter.assign(book, as_of=AS_OF)
    assert expected == [("buyer",), (), ("buyer",), ("buyer", "young"), ("buyer",)]
    column = frame.with_columns(segmenter.to_polars(as_of=AS_OF))["segment"].to_list()
    assert [tuple(keys) for keys in column] == expected
    load(con, frame)
    rows = con.execute(f"SELECT {segmenter.to_sql(as_of=AS_OF)} FROM {TABLE}").fetchall()
    assert [tuple(r[0]) for r in rows] == expected


@pytest.mark.parametrize("mode", ["first", "all"])
def test_an_empty_segmenter_assigns_nothing(mode: str, frame: pl.DataFrame) -> None:
    segmenter = Segmenter([], mode=mode)
    column = frame.with_columns(segmenter.to_polars(as_of=AS_OF))["segment"].to_list()
    expected: list[object] = [None] * 5 if mode == "first" else [[]] * 5
    assert column == expected
    assert segmenter.to_sql(as_of=AS_OF) in ("NULL", "LIST_FILTER([], LAMBDA _u : NOT _u IS NULL)")


def test_within_includes_both_ends_to_the_microsecond(con: duckdb.DuckDBPyConnection) -> None:
    edge = AS_OF - timedelta(days=30)
    book = [
        Customer(name, Person("Vũ Thị Mai"), created_at=T0, purchases=[Purchase("o", at, Money(1))])
        for name, at in [
            ("start", edge),
            ("before", edge - timedelta(microseconds=1)),
            ("end", AS_OF),
            ("after", AS_OF + timedelta(microseconds=1)),
        ]
    ]
    frame = customers_to_frame(book, as_of=AS_OF)
    rule = F.last_purchase_at.within(days=30)
    expected = [True, False, True, None]  # "after" has bought nothing yet at AS_OF
    assert in_memory(rule, book, AS_OF) == expected
    assert by_polars(rule, frame, AS_OF) == expected
    assert by_duckdb(con, rule, frame, AS_OF) == expected


# -- the methods on rules and segmenters ----------------------------------------------------


def test_importing_segmentation_loads_neither_polars_nor_sqlglot() -> None:
    """The extras are imported on first use; ``customers_to_frame`` resolves lazily."""
    import subprocess

    code = (
        "import sys, khachhang.segmentation as s; "
        "print('polars' in sys.modules, 'sqlglot' in sys.modules); "
        "s.customers_to_frame; print('polars' in sys.modules); "
        "exec('from khachhang.segmentation import *')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False", "True"]


def test_rule_and_segmenter_methods_forward_every_option() -> None:
    rule = F.total_spent >= Money("1000")
    for three_valued in (False, True):
        assert rule.to_sql(as_of=AS_OF, three_valued=three_valued) == rule_to_sql(
            rule, as_of=AS_OF, three_valued=three_valued
        )
    assert rule.to_sql(as_of=AS_OF) != rule.to_sql(as_of=AS_OF, three_valued=True)
    points = Field("points", FieldKind.INT, lambda c, as_of: len(c.tags), "Điểm", "Points")
    mine = DEFAULT_REGISTRY.register(points)
    segmenter = Segmenter([Segment("many", In("points", frozenset({3})), "Nhiều", "Many")])
    assert "points" in segmenter.to_sql(as_of=AS_OF, registry=mine)
    frame = customers_to_frame([], as_of=AS_OF, registry=mine)
    assert frame.select(segmenter.to_polars(as_of=AS_OF, registry=mine)).height == 0


@pytest.mark.parametrize("columns", [5, [("age", "tuoi")], "age"])
def test_a_column_map_that_is_not_a_mapping_is_a_rule_error(columns: object) -> None:
    rule = F.age >= 18
    for call in (
        lambda: rule.to_sql(as_of=AS_OF, columns=columns),  # type: ignore[arg-type]
        lambda: rule.to_polars(as_of=AS_OF, columns=columns),  # type: ignore[arg-type]
    ):
        with pytest.raises(RuleError) as info:
            call()
        assert info.value.path == "columns"


def test_sqlite_value_refuses_a_nested_collection_instead_of_recursing() -> None:
    looped: list[object] = []
    looped.append(looped)
    for value in (looped, [["a"]], frozenset({("a", "b")})):
        with pytest.raises(RuleError, match="nested collections"):
            sqlite_value(value)
    assert sqlite_value(frozenset({1, "1"})) == sqlite_value(frozenset({"1", 1})) == '[1, "1"]'


def test_every_backend_counts_a_purchase_in_berlins_repeated_hour(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """02:15 on the second pass (01:15Z) is after a purchase at 02:30 on the first (00:30Z)."""
    berlin = ZoneInfo("Europe/Berlin")
    as_of = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=berlin)
    bought_at = datetime(2026, 10, 25, 2, 30, tzinfo=berlin)
    c = Customer("c", Person("Hà"), created_at=bought_at)
    c = c.add_purchase(Purchase("o-1", bought_at, Money(5)))
    rule = (F.orders == 1) & F.last_purchase_at.within(days=1) & (F.tenure_days == 0)
    assert in_memory(rule, [c], as_of) == [True]
    by_every_backend(con, rule, [c], as_of)
