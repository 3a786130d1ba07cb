"""The SQL backend: rules as WHERE clauses and segmenters as CASE expressions, via sqlglot.

Expressions are built as sqlglot trees — every value becomes a sqlglot literal, quoted by
the dialect's own rules, so a tag or name ``O'Reilly'; DROP TABLE x;--`` stays data —
and rendered for the dialect you name (``duckdb``, ``postgres``, ``spark``, ``bigquery``,
``snowflake``, ``trino``, ...). Columns are the ones
:func:`~khachhang.segmentation.backends.polars_backend.customers_to_frame` produces (or
yours, through ``columns=``). SQL's own three-valued
logic is the rules' (NULL = UNKNOWN), so ``WHERE <clause>`` selects exactly the customers
``rule.evaluate`` selects.

>>> from datetime import datetime, timedelta, timezone
>>> from khachhang import Money
>>> from khachhang.kinds import PartyType
>>> from khachhang.segmentation import F
>>> t = datetime(2026, 11, 1, 7, tzinfo=timezone.utc)
>>> rule = (F.party_type == PartyType.INDIVIDUAL) & F.last_purchase_at.within(days=180)
>>> print(rule_to_sql(rule, as_of=t))  # doctest: +NORMALIZE_WHITESPACE
party_type = 'individual' AND last_purchase_at
BETWEEN CAST('2026-05-05 07:00:00+00:00' AS TIMESTAMPTZ)
AND CAST('2026-11-01 07:00:00+00:00' AS TIMESTAMPTZ)
>>> hostile = "O'Reilly'; DROP TABLE x;--"
>>> print(rule_to_sql(F.tags.contains(hostile), as_of=t))
ARRAY_CONTAINS(tags, 'O''Reilly''; DROP TABLE x;--')

Needs the ``sql`` extra: ``pip install 'khachhang[sql]'``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

try:
    import sqlglot
    from sqlglot import exp
    from sqlglot.dialects.spark import Spark
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    _msg = "the SQL backend needs sqlglot: pip install 'khachhang[sql]'"
    raise ImportError(_msg) from exc

from khachhang._checks import check_type, require_aware, shown
from khachhang.errors import RuleError
from khachhang.labels import BilingualEnum
from khachhang.money import Money
from khachhang.segmentation.backends.columns import (
    CURRENCY_SUFFIX,
    ID_COLUMN,
    resolve_columns,
    window,
)
from khachhang.segmentation.fields import DEFAULT_REGISTRY, Field, FieldRegistry
from khachhang.segmentation.rfm import RFM_GRID, RFMCutPoints, RFMGrid
from khachhang.segmentation.rules import (
    And,
    Between,
    Compare,
    Const,
    Contains,
    In,
    IsNull,
    Not,
    Op,
    Or,
    Rule,
    Within,
)
from khachhang.segmentation.segments import AssignMode, Segmenter
from khachhang.segmentation.validation import validate

__all__ = [
    "CURRENCY_SUFFIX",
    "DIALECTS",
    "SQLITE_INSTANT_FORMAT",
    "cohort_sql",
    "rfm_counts_sql",
    "rfm_cut_points_from_rows",
    "rfm_scores_sql",
    "rule_to_expression",
    "rule_to_sql",
    "segmenter_to_expression",
    "segmenter_to_sql",
    "sqlite_value",
]

DIALECTS: tuple[str, ...] = (
    "duckdb",
    "postgres",
    "spark",
    "bigquery",
    "snowflake",
    "trino",
    "sqlite",
)
"""The dialects the backend writes; any other name is a :class:`RuleError`.

Each is checked by the test suite: the SQL parses back in its dialect, and DuckDB and
SQLite (Python's own ``sqlite3``) run the backend-agreement property test. SQLite has
no instant, decimal or array types, so its clauses assume the column encoding of
:data:`SQLITE_INSTANT_FORMAT` and :func:`sqlite_value` (``docs/segmentation-backends.md``).
"""

SQLITE_INSTANT_FORMAT = "YYYY-MM-DD HH:MM:SS.ffffff"
"""How SQLite columns hold instants: UTC text of exactly this shape (six fractional
digits, no offset), which sorts as the instants do; see :func:`sqlite_value`."""

_MAX_COLUMN_PARTS = 4  # catalog.db.table.column

_UTC = timezone.utc
_AMOUNT_DIGITS = 18  # money stays below 10**18 in magnitude


def _dialect(name: object) -> str:
    """``name`` if the backend writes that dialect; a :class:`RuleError` naming them if not.

    sqlglot knows more dialects than the rules translate correctly (MySQL has no
    ``TIMESTAMPTZ`` cast nor arrays), so only the tested ones pass.
    """
    if not isinstance(name, str):
        raise RuleError("dialect", f"expected a dialect name (str), got {type(name).__name__}")
    if name not in DIALECTS:
        msg = f"unsupported SQL dialect {shown(name)}; supported: {', '.join(DIALECTS)}"
        raise RuleError("dialect", msg)
    return name


def _column_parts(name: str, path: str) -> list[str]:
    """``name``'s dot-separated parts: one to four, none empty; else a :class:`RuleError`."""
    parts = name.split(".")
    if len(parts) > _MAX_COLUMN_PARTS or not all(parts):
        msg = (
            f"{shown(name)} is not a column name: expected column, table.column, "
            "db.table.column or catalog.db.table.column, each part non-empty"
        )
        raise RuleError(path, msg)
    return parts


def _column(name: str, path: str = "columns") -> exp.Column:
    """A column reference; ``"c.total_spent"`` is column ``total_spent`` of table ``c``.

    Each part is an identifier, quoted by the dialect when it needs quoting (so a
    column name can never inject SQL either).
    """
    *qualifiers, column = _column_parts(name, path)
    parts = [exp.to_identifier(p) for p in reversed(qualifiers)]
    table, db, catalog = [*parts, None, None, None][:3]
    return exp.column(exp.to_identifier(column), table=table, db=db, catalog=catalog)


def sqlite_value(value: object) -> object:
    """A field's value as a SQLite column holds it for the rules' SQL (``dialect="sqlite"``).

    Instants become UTC text of the shape :data:`SQLITE_INSTANT_FORMAT`; ``Money`` and
    ``Decimal`` amounts become their exact decimal text (give the column ``NUMERIC``
    affinity and SQLite stores an integer, or a float for a fraction); sets and lists
    become a JSON array (sorted for sets); enum members their value. ``None``, ints and
    strings stay as they are.

    >>> from datetime import datetime, timedelta, timezone
    >>> sqlite_value(datetime(2026, 11, 1, 7, tzinfo=timezone(timedelta(hours=7))))
    '2026-11-01 00:00:00.000000'
    >>> sqlite_value(Money("250000")), sqlite_value(frozenset({"zalo", "vip"}))
    ('250000', '["vip", "zalo"]')

    Raises:
        RuleError: a naive datetime, or a value of another type.
    """
    if isinstance(value, BilingualEnum):
        return value.value
    if value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, datetime):
        return _sqlite_instant(require_aware(value, "value"))
    if isinstance(value, Money):
        return format(value.amount, "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (set, frozenset, list, tuple)):
        items = [_sqlite_item(v) for v in value]
        if isinstance(value, (set, frozenset)):
            items = sorted(items, key=lambda item: (type(item).__name__, str(item)))
        return json.dumps(items, ensure_ascii=False)
    raise RuleError("value", f"no SQLite encoding for {type(value).__name__}")


def _sqlite_item(value: object) -> object:
    """One item of a set or list column: a scalar (a field's sets hold no collections)."""
    if isinstance(value, (set, frozenset, list, tuple, dict)):
        raise RuleError("value", "a set or list column holds scalars, not nested collections")
    return sqlite_value(value)


def _sqlite_instant(value: datetime) -> str:
    return value.astimezone(_UTC).replace(tzinfo=None).isoformat(" ", timespec="microseconds")


def _timestamp(value: datetime, sqlite: bool = False) -> exp.Expr:
    if sqlite:
        return exp.Literal.string(_sqlite_instant(value))
    text = value.astimezone(_UTC).isoformat(sep=" ")
    return exp.cast(exp.Literal.string(text), exp.DataType.build("TIMESTAMPTZ"))


def _instants_as_ltz(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.DataType) and node.this is exp.DataType.Type.TIMESTAMPTZ:
        return exp.DataType.build("TIMESTAMPLTZ")
    return node


def _render(expression: exp.Expr, dialect: str) -> str:
    """``expression`` as text in ``target``.

    Spark's plain ``TIMESTAMP`` means whatever ``spark.sql.timestampType`` says; as
    ``TIMESTAMP_NTZ`` a cast drops the literal's offset and every window shifts by the
    session's offset. ``TIMESTAMP_LTZ`` is an instant under any setting, so Spark (and
    Databricks) get that.
    """
    target = sqlglot.Dialect.get_or_raise(dialect)
    if isinstance(target, Spark):
        expression = expression.transform(_instants_as_ltz)
    return expression.sql(dialect=target)


def _decimal(amount: Decimal, sqlite: bool = False) -> exp.Expr:
    """An exact numeric literal: a plain integer, or a DECIMAL cast of its text.

    Integers stay bare so engines compare them with the amount column's own type (a
    float-free comparison everywhere, BigQuery included); fractions are cast to the
    narrowest DECIMAL that holds them (18 digits fit a 64-bit decimal). SQLite has no
    decimals: a fraction is a bare number, read as the same float a ``NUMERIC`` column
    made of the same text holds.
    """
    if amount == amount.to_integral_value():
        return exp.Literal.number(str(int(amount)))
    text = format(amount, "f")
    if sqlite:
        return exp.Literal.number(text)
    exponent = amount.as_tuple().exponent
    if not isinstance(exponent, int):  # NaN or infinity: Money refuses both
        msg = f"{amount} is not a finite amount"
        raise RuleError("value", msg)
    scale = -exponent
    digits = len(text.replace("-", "").replace(".", "").lstrip("0")) or 1
    precision = _AMOUNT_DIGITS if digits <= _AMOUNT_DIGITS else 38
    return exp.cast(exp.Literal.string(text), exp.DataType.build(f"DECIMAL({precision}, {scale})"))


def _literal(value: object, sqlite: bool = False) -> exp.Expr:
    if isinstance(value, BilingualEnum):
        return exp.Literal.string(value.value)
    if isinstance(value, Money):
        return _decimal(value.amount, sqlite)
    if isinstance(value, datetime):
        return _timestamp(value, sqlite)
    if isinstance(value, bool):  # never reached for validated rules
        return exp.true() if value else exp.false()
    if isinstance(value, int):
        return exp.Literal.number(str(value))
    if isinstance(value, str):
        return exp.Literal.string(value)
    raise RuleError("value", f"no SQL literal for {type(value).__name__}")


_COMPARE: dict[Op, type[exp.Binary]] = {
    Op.EQ: exp.EQ,
    Op.NE: exp.NEQ,
    Op.LT: exp.LT,
    Op.LE: exp.LTE,
    Op.GT: exp.GT,
    Op.GE: exp.GTE,
}


def _when_present(column: exp.Expr, value: bool) -> exp.Expr:
    """``value`` for a present column, NULL for a missing one (``IN ()`` done right)."""
    present = exp.not_(exp.Is(this=column, expression=exp.Null()))
    return exp.Case(ifs=[exp.If(this=present, true=exp.true() if value else exp.false())])


def _flat(kind: type[exp.Connector], parts: list[exp.Expr]) -> list[exp.Expr]:
    """Splice same-kind children (``a AND (b AND c)`` reads ``a AND b AND c``)."""
    flat: list[exp.Expr] = []
    for part in parts:
        flat.extend(part.flatten() if type(part) is kind else [part])
    return flat


class _ToSQL:
    """Translates one validated rule to a sqlglot condition; dispatch on exact node type."""

    def __init__(
        self,
        registry: FieldRegistry,
        as_of: datetime,
        columns: Mapping[str, str] | None,
        *,
        three_valued: bool = True,
        sqlite: bool = False,
    ) -> None:
        self.registry = registry
        self.as_of = as_of
        self.resolve = resolve_columns(columns, registry)
        for key, name in (columns or {}).items():
            _column_parts(name, f"columns[{key!r}]")
        self.three_valued = three_valued
        self.sqlite = sqlite
        self.positive = True  # under an even number of NOTs

    def __call__(self, rule: Rule) -> exp.Expr:
        handler = _NODES.get(type(rule))
        if handler is None:
            raise RuleError("", f"the SQL backend has no translation for {type(rule).__name__}")
        return handler(self, rule)

    def _field(self, name: str) -> tuple[Field, exp.Column]:
        field = self.registry[name]
        return field, _column(self.resolve(field)[0])

    def _same_currency(self, field: Field, money: Money, expr: exp.Expr) -> exp.Expr:
        currency = _column(self.resolve(field)[1])
        code = exp.Literal.string(money.currency)
        if self.three_valued:
            # Another currency than the literal's is UNKNOWN: a CASE without ELSE is NULL.
            same = exp.EQ(this=currency, expression=code)
            return exp.Case(ifs=[exp.If(this=same, true=expr)])
        # For selection only TRUE matters, and Kleene logic is monotone: under an even
        # number of NOTs an UNKNOWN may become FALSE, under an odd number TRUE, without
        # changing which rows end TRUE. Plain AND/OR let engines push the comparison
        # into the scan, which a CASE prevents.
        if self.positive:
            return exp.and_(exp.EQ(this=currency, expression=code), expr)
        return exp.or_(exp.NEQ(this=currency, expression=code), expr)

    def compare(self, rule: Compare) -> exp.Expr:
        field, column = self._field(rule.field)
        expr = _COMPARE[rule.op](this=column, expression=self._literal(rule.value))
        if isinstance(rule.value, Money):
            return self._same_currency(field, rule.value, expr)
        return expr

    def between(self, rule: Between) -> exp.Expr:
        field, column = self._field(rule.field)
        low, high = self._literal(rule.low), self._literal(rule.high)
        expr = exp.Between(this=column, low=low, high=high)
        if isinstance(rule.low, Money):
            return self._same_currency(field, rule.low, expr)
        return expr

    def is_in(self, rule: In) -> exp.Expr:
        _, column = self._field(rule.field)
        if not rule.values:
            return _when_present(column, rule.negated)
        values = sorted(rule.values, key=lambda v: (type(v).__name__, str(v)))
        expr: exp.Expr = exp.In(this=column, expressions=[self._literal(v) for v in values])
        return exp.not_(expr) if rule.negated else expr

    def _literal(self, value: object) -> exp.Expr:
        return _literal(value, self.sqlite)

    def contains(self, rule: Contains) -> exp.Expr:
        _, column = self._field(rule.field)
        item = self._literal(rule.value)
        if self.sqlite:  # a JSON array: TRUE or FALSE, never NULL (json_each(NULL) is empty)
            members = exp.select("value").from_(exp.func("json_each", column))
            return exp.In(this=item, query=members.subquery())
        return exp.ArrayContains(this=column, expression=item)

    def is_null(self, rule: IsNull) -> exp.Expr:
        _, column = self._field(rule.field)
        expr = exp.Is(this=column, expression=exp.Null())
        return exp.not_(expr) if rule.negated else expr

    def within(self, rule: Within) -> exp.Expr:
        _, column = self._field(rule.field)
        bounds = window(self.as_of, rule.days)
        if bounds is None:  # no instant a column holds is in the window
            return _when_present(column, False)
        start, end = bounds
        if start is None:
            if end is None:
                return _when_present(column, True)
            return exp.LTE(this=column, expression=_timestamp(end, self.sqlite))
        if end is None:
            return exp.GTE(this=column, expression=_timestamp(start, self.sqlite))
        low, high = _timestamp(start, self.sqlite), _timestamp(end, self.sqlite)
        return exp.Between(this=column, low=low, high=high)

    def and_(self, rule: And) -> exp.Expr:
        return exp.and_(*_flat(exp.And, [self(child) for child in rule.children]))

    def or_(self, rule: Or) -> exp.Expr:
        return exp.or_(*_flat(exp.Or, [self(child) for child in rule.children]))

    def not_(self, rule: Not) -> exp.Expr:
        self.positive = not self.positive
        try:
            return exp.not_(self(rule.child))
        finally:
            self.positive = not self.positive

    def const(self, rule: Const) -> exp.Expr:
        return exp.true() if rule.value else exp.false()


_NODES: dict[type[Rule], Callable[[_ToSQL, Any], exp.Expr]] = {
    Compare: _ToSQL.compare,
    Between: _ToSQL.between,
    In: _ToSQL.is_in,
    Contains: _ToSQL.contains,
    IsNull: _ToSQL.is_null,
    Within: _ToSQL.within,
    And: _ToSQL.and_,
    Or: _ToSQL.or_,
    Not: _ToSQL.not_,
    Const: _ToSQL.const,
}


def rule_to_expression(
    rule: Rule,
    *,
    as_of: datetime,
    columns: Mapping[str, str] | None = None,
    registry: FieldRegistry | None = None,
    three_valued: bool = False,
    dialect: str = "duckdb",
) -> exp.Expr:
    """``rule`` as a sqlglot condition, to embed in a larger sqlglot query.

    See :func:`rule_to_sql` for ``three_valued``. ``dialect`` is the one you will render
    the query in: SQLite gets text instants and JSON arrays, the others one tree.

    >>> from datetime import datetime, timezone
    >>> from khachhang.segmentation import F
    >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
    >>> condition = rule_to_expression(F.age >= 18, as_of=t, columns={"age": "c.tuoi"})
    >>> exp.select("c.id").from_("khach_hang AS c").where(condition).sql("postgres")
    'SELECT c.id FROM khach_hang AS c WHERE c.tuoi >= 18'
    """
    sqlite = _dialect(dialect) == "sqlite"
    at = require_aware(as_of, "as_of")
    reg = DEFAULT_REGISTRY if registry is None else check_type("registry", registry, FieldRegistry)
    translate = _ToSQL(
        reg,
        at,
        columns,
        three_valued=check_type("three_valued", three_valued, bool),
        sqlite=sqlite,
    )
    return translate(validate(rule, reg))


def rule_to_sql(
    rule: Rule,
    *,
    dialect: str = "duckdb",
    as_of: datetime,
    columns: Mapping[str, str] | None = None,
    registry: FieldRegistry | None = None,
    three_valued: bool = False,
) -> str:
    """``rule`` as WHERE-clause text in ``dialect``: TRUE exactly where the rule is TRUE.

    Values are sqlglot literals (quoted by the dialect), column names identifiers (quoted
    when they need it); ``columns`` maps field names to your column names (``"t.col"``
    qualifies by table; a money field's currency column is ``<column>_currency`` unless
    you map ``"<field>.currency"``). Times are UTC ``TIMESTAMPTZ`` literals (UTC text
    in SQLite); ``within(days=N)`` is a ``BETWEEN`` computed from ``as_of``, exactly
    ``N`` × 24 hours long.

    ``dialect`` is one of :data:`DIALECTS`. SQLite has no instant, decimal or array
    types: its clauses expect instants as UTC text, amounts as numbers and sets as JSON
    arrays — the encoding :func:`sqlite_value` produces.

    SQL's NULL logic is the rules' Kleene logic, so the clause is also NULL exactly where
    the rule is UNKNOWN — except, by default, for money compared with another currency:
    built for WHERE, the clause there says FALSE (TRUE under an odd number of NOTs),
    which selects the same rows and lets the engine push the comparison into its scan.
    Pass ``three_valued=True`` for a clause that is NULL for UNKNOWN everywhere (a CASE),
    e.g. to ``SELECT`` the rule's value as a column.

    >>> from datetime import datetime, timezone
    >>> from khachhang import Money
    >>> from khachhang.segmentation import F
    >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
    >>> rich = F.total_spent >= Money("20000000")
    >>> print(rule_to_sql(rich, dialect="postgres", as_of=t))
    total_spent_currency = 'VND' AND total_spent >= 20000000
    >>> print(rule_to_sql(~rich, dialect="postgres", as_of=t))
    NOT (total_spent_currency <> 'VND' OR total_spent >= 20000000)
    >>> print(rule_to_sql(rich, dialect="postgres", as_of=t, three_valued=True))
    CASE WHEN total_spent_currency = 'VND' THEN total_spent >= 20000000 END

    Raises:
        RuleError: for an invalid rule, a dialect not in :data:`DIALECTS`, a ``columns``
            key that is not a field or a value that is not a column name.
    """
    expression = rule_to_expression(
        rule,
        as_of=as_of,
        columns=columns,
        registry=registry,
        three_valued=three_valued,
        dialect=dialect,
    )
    return _render(expression, dialect)


def segmenter_to_expression(
    segmenter: Segmenter,
    *,
    as_of: datetime,
    columns: Mapping[str, str] | None = None,
    registry: FieldRegistry | None = None,
    dialect: str = "duckdb",
) -> exp.Expr:
    """The segmenter as a sqlglot expression (see :func:`segmenter_to_sql`)."""
    sqlite = _dialect(dialect) == "sqlite"
    check_type("segmenter", segmenter, Segmenter)
    at = require_aware(as_of, "as_of")
    reg = DEFAULT_REGISTRY if registry is None else check_type("registry", registry, FieldRegistry)
    # CASE WHEN wants TRUE only
    translate = _ToSQL(reg, at, columns, three_valued=False, sqlite=sqlite)
    ifs = [
        exp.If(this=translate(validate(s.rule, reg)), true=exp.Literal.string(s.key))
        for s in segmenter.segments
    ]
    if segmenter.mode is AssignMode.ALL and sqlite:
        return _json_keys(segmenter, ifs)
    if segmenter.mode is AssignMode.ALL:
        keys = [exp.Case(ifs=[branch]) for branch in ifs]
        return _compact(exp.Array(expressions=keys), dialect)
    if not ifs:
        return exp.Null()
    return exp.Case(ifs=ifs)


_BIGQUERY_COMPACT = (
    "ARRAY(SELECT _u FROM UNNEST(_keys) AS _u WITH OFFSET AS _o WHERE NOT _u IS NULL ORDER BY _o)"
)


def _compact(keys: exp.Array, dialect: str) -> exp.Expr:
    """``keys`` without its NULLs, in order, in a function ``dialect`` really has.

    sqlglot writes ``ARRAY_COMPACT`` for every dialect but DuckDB, and Postgres, Trino and
    BigQuery have no such function: each gets its own spelling.
    """
    if dialect == "postgres":
        return exp.Anonymous(this="ARRAY_REMOVE", expressions=[keys, exp.Null()])
    if dialect == "trino":
        item = exp.to_identifier("_u")
        kept = exp.Not(this=exp.Is(this=item.copy(), expression=exp.Null()))
        return exp.ArrayFilter(this=keys, expression=exp.Lambda(this=kept, expressions=[item]))
    if dialect == "bigquery":
        template = sqlglot.parse_one(_BIGQUERY_COMPACT, read="bigquery")
        return template.transform(
            lambda node: keys if isinstance(node, exp.Column) and node.name == "_keys" else node
        )
    return exp.ArrayCompact(this=keys)  # DuckDB (as LIST_FILTER), Spark 3.4+, Snowflake


def _json_keys(segmenter: Segmenter, ifs: list[exp.If]) -> exp.Expr:
    """SQLite's ``mode="all"``: the matching keys as JSON array text, in priority order.

    ``'[' || SUBSTR(<',"key"' or ''> || ..., 2) || ']'``: one CASE per segment adds its
    quoted key after a comma, and the leading comma is cut.
    """
    pieces: list[exp.Expr] = [
        exp.Case(
            ifs=[exp.If(this=branch.this, true=exp.Literal.string("," + json.dumps(s.key)))],
            default=exp.Literal.string(""),
        )
        for s, branch in zip(segmenter.segments, ifs, strict=True)
    ]
    if not pieces:
        return exp.Literal.string("[]")
    joined = pieces[0]
    for piece in pieces[1:]:
        joined = exp.DPipe(this=joined, expression=piece)
    inner = exp.Substring(this=joined, start=exp.Literal.number(2))
    opened = exp.DPipe(this=exp.Literal.string("["), expression=inner)
    return exp.DPipe(this=opened, expression=exp.Literal.string("]"))


def segmenter_to_sql(
    segmenter: Segmenter,
    *,
    dialect: str = "duckdb",
    as_of: datetime,
    columns: Mapping[str, str] | None = None,
    registry: FieldRegistry | None = None,
) -> str:
    """Each row's segment as SQL, the way ``Segmenter.assign`` decides it.

    ``mode="first"``: ``CASE WHEN <rule> THEN '<key>' ... END`` in priority order (NULL
    when no rule is TRUE — an UNKNOWN condition falls through, as in memory);
    ``mode="all"``: an array of the matching keys in priority order (one CASE per segment,
    NULLs removed: ``LIST_FILTER`` in DuckDB, ``ARRAY_REMOVE`` in Postgres, ``FILTER`` in
    Trino, an ordered ``UNNEST`` subquery in BigQuery, ``ARRAY_COMPACT`` in Spark and
    Snowflake; in SQLite, JSON array text such as ``'["vip","new"]'``).

    >>> from datetime import datetime, timezone
    >>> from khachhang.segmentation import F, TRUE
    >>> from khachhang.segmentation.segments import Segment, Segmenter
    >>> s = Segmenter([Segment("buyers", F.orders > 0, "Đã mua", "Bought", priority=1),
    ...                Segment("others", TRUE, "Khác", "Others")])
    >>> print(segmenter_to_sql(s, as_of=datetime(2026, 1, 1, tzinfo=timezone.utc)))
    CASE WHEN orders > 0 THEN 'buyers' WHEN TRUE THEN 'others' END
    """
    expression = segmenter_to_expression(
        segmenter, as_of=as_of, columns=columns, registry=registry, dialect=dialect
    )
    return _render(expression, dialect)


# --- RFM --------------------------------------------------------------------------------


def _table(name: object) -> exp.Table:
    """A table reference from ``name`` (``table``, ``db.table``, ``catalog.db.table``),
    each part an identifier the dialect quotes if needed."""
    if not isinstance(name, str):
        raise RuleError("table", f"expected a table name (str), got {type(name).__name__}")
    *qualifiers, table = _column_parts(name, "table")
    if len(qualifiers) > 2:  # catalog.db.table at most
        raise RuleError("table", f"{shown(name)} is not a table name: at most catalog.db.table")
    parts = [exp.to_identifier(p) for p in reversed(qualifiers)]
    db, catalog = [*parts, None, None][:2]
    return exp.Table(this=exp.to_identifier(table), db=db, catalog=catalog)


def _rfm_columns(columns: Mapping[str, str] | None) -> tuple[exp.Column, ...]:
    resolve = resolve_columns(columns, DEFAULT_REGISTRY)
    recency, _ = resolve(DEFAULT_REGISTRY["recency_days"])
    orders, _ = resolve(DEFAULT_REGISTRY["orders"])
    spent, currency = resolve(DEFAULT_REGISTRY["total_spent"])
    return tuple(_column(c) for c in (recency, orders, spent, currency))


def rfm_counts_sql(
    table: str = "customers",
    *,
    dialect: str = "duckdb",
    columns: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Three ``GROUP BY`` queries whose rows give :func:`rfm_cut_points_from_rows` the cut
    points of :func:`~khachhang.segmentation.rfm_scores` — value counts of the
    purchasing rows, so no row leaves the database.

    Keys ``recency`` and ``frequency`` select ``(value, n)``; ``monetary`` selects
    ``(value, currency, n)``. The table is a snapshot with
    :func:`~khachhang.segmentation.backends.polars_backend.customers_to_frame`'s columns.

    >>> print(rfm_counts_sql("kh")["frequency"])
    SELECT orders AS value, COUNT(*) AS n FROM kh WHERE orders > 0 GROUP BY orders
    """
    name = _dialect(dialect)
    source = _table(table)
    recency, orders, spent, currency = _rfm_columns(columns)
    bought = exp.GT(this=orders.copy(), expression=exp.Literal.number(0))

    def query(*keys: exp.Column) -> str:
        values = [exp.alias_(keys[0].copy(), "value")]
        values += [exp.alias_(k.copy(), "currency") for k in keys[1:]]
        select = exp.select(*values, exp.alias_(exp.Count(this=exp.Star()), "n"))
        select = (
            select.from_(source.copy()).where(bought.copy()).group_by(*(k.copy() for k in keys))
        )
        return select.sql(dialect=name)

    return {
        "recency": query(recency),
        "frequency": query(orders),
        "monetary": query(spent, currency),
    }


def _amount(value: object) -> Decimal:
    """A database's amount as a Decimal: SQLite hands NUMERIC back as int or float."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise RuleError("monetary", f"expected an amount, got {type(value).__name__}")
    return Decimal(repr(value) if isinstance(value, float) else str(value))


def rfm_cut_points_from_rows(
    recency: Iterable[Sequence[object]],
    frequency: Iterable[Sequence[object]],
    monetary: Iterable[Sequence[object]],
    *,
    bins: int = 5,
) -> RFMCutPoints:
    """:class:`~khachhang.segmentation.RFMCutPoints` from the rows of the three
    :func:`rfm_counts_sql` queries, as a DB-API cursor returns them.

    >>> cuts = rfm_cut_points_from_rows([(3, 1), (40, 2)], [(1, 2), (4, 1)],
    ...                                 [("100000", "VND", 3)], bins=2)
    >>> cuts.recency, cuts.monetary
    ((40,), (Money('100000', 'VND'),))
    """
    money = [(Money(_amount(v), str(c)), int(str(n))) for v, c, n in (tuple(r) for r in monetary)]
    return RFMCutPoints.from_counts(
        [(int(str(v)), int(str(n))) for v, n in (tuple(r) for r in recency)],
        [(int(str(v)), int(str(n))) for v, n in (tuple(r) for r in frequency)],
        money,
        bins=bins,
    )


def rfm_scores_sql(
    cut_points: RFMCutPoints,
    table: str = "customers",
    *,
    dialect: str = "duckdb",
    grid: RFMGrid | None = None,
    columns: Mapping[str, str] | None = None,
) -> str:
    """``SELECT id, r, f, m, segment`` for every row of a snapshot table, scored against
    ``cut_points`` the way :func:`~khachhang.segmentation.rfm_scores` scores: ``1 +``
    the number of cut points a value beats (``<`` for recency, ``>`` for the others),
    NULL without a purchase; ``segment`` is the grid segment's key.

    >>> from khachhang import Money
    >>> from khachhang.segmentation import RFMCutPoints, RFMGridSegment
    >>> cuts = RFMCutPoints((30,), (1,), (Money(100000),))
    >>> grid = RFMGrid((RFMGridSegment("active", "Đang mua", "Active", (2,), (1, 2)),
    ...                 RFMGridSegment("quiet", "Ít mua", "Quiet", (1,), (1, 2))), bins=2)
    >>> print(rfm_scores_sql(cuts, "kh", grid=grid))  # doctest: +NORMALIZE_WHITESPACE
    SELECT id, r, f, m, CASE WHEN r IN (2) AND f IN (1, 2) THEN 'active'
    WHEN r IN (1) AND f IN (1, 2) THEN 'quiet' END AS segment
    FROM (SELECT id,
    CASE WHEN orders > 0 THEN 1 + CASE WHEN recency_days < 30 THEN 1 ELSE 0 END END AS r,
    CASE WHEN orders > 0 THEN 1 + CASE WHEN orders > 1 THEN 1 ELSE 0 END END AS f,
    CASE WHEN orders > 0 THEN 1 + CASE WHEN total_spent > 100000 THEN 1 ELSE 0 END END AS m
    FROM kh) AS rfm
    """
    name = _dialect(dialect)
    sqlite = name == "sqlite"
    check_type("cut_points", cut_points, RFMCutPoints)
    table_grid = RFM_GRID if grid is None else check_type("grid", grid, RFMGrid)
    if table_grid.bins != cut_points.bins:
        msg = f"a {table_grid.bins}-score grid for {cut_points.bins} scores"
        raise RuleError("grid", msg)
    recency, orders, spent, _ = _rfm_columns(columns)
    bought = exp.GT(this=orders.copy(), expression=exp.Literal.number(0))

    def score(column: exp.Column, cuts: Sequence[exp.Expr], beats: type[exp.Binary]) -> exp.Expr:
        total: exp.Expr = exp.Literal.number(1)
        for cut in cuts:
            hit = exp.If(this=beats(this=column.copy(), expression=cut), true=exp.Literal.number(1))
            total = exp.Add(
                this=total, expression=exp.Case(ifs=[hit], default=exp.Literal.number(0))
            )
        return exp.Case(ifs=[exp.If(this=bought.copy(), true=total)])

    numbers = [exp.Literal.number(c) for c in cut_points.recency]
    inner = exp.select(
        exp.column(ID_COLUMN),
        exp.alias_(score(recency, numbers, exp.LT), "r"),
        exp.alias_(
            score(orders, [exp.Literal.number(c) for c in cut_points.frequency], exp.GT), "f"
        ),
        exp.alias_(
            score(spent, [_decimal(m.amount, sqlite) for m in cut_points.monetary], exp.GT), "m"
        ),
    ).from_(_table(table))
    branches = [
        exp.If(
            this=exp.and_(
                exp.In(
                    this=exp.column("r"), expressions=[exp.Literal.number(v) for v in s.recency]
                ),
                exp.In(
                    this=exp.column("f"), expressions=[exp.Literal.number(v) for v in s.frequency]
                ),
            ),
            true=exp.Literal.string(s.key),
        )
        for s in table_grid.segments
    ]
    outer = exp.select(
        *(exp.column(c) for c in (ID_COLUMN, "r", "f", "m")),
        exp.alias_(exp.Case(ifs=branches), "segment"),
    ).from_(exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier("rfm"))))
    return _render(outer, name)


# --- cohorts ----------------------------------------------------------------------------


def _local_month(at: exp.Expr, tz: object, sqlite: bool) -> exp.Expr:
    """``year × 12 + month − 1`` of the instant ``at`` on ``tz``'s calendar.

    A named zone (a ``ZoneInfo``) is applied with ``AT TIME ZONE``; a fixed offset (UTC
    included) is added to the UTC wall clock, which every engine reads the same whatever
    its session's time zone. SQLite has no zones: only fixed offsets there.
    """
    key = getattr(tz, "key", None)
    offset = tz.utcoffset(None) if isinstance(tz, timezone) else None
    if sqlite:
        if offset is None:
            msg = f"SQLite has no time zones: pass a fixed offset (datetime.timezone), got {tz!r}"
            raise RuleError("tz", msg)
        shift = exp.Literal.string(f"{offset // timedelta(minutes=1):+d} minutes")

        def part(fmt: str) -> exp.Expr:
            call = exp.Anonymous(
                this="strftime", expressions=[exp.Literal.string(fmt), at.copy(), shift]
            )
            return exp.cast(call, exp.DataType.build("INTEGER"))

        year, month = part("%Y"), part("%m")
    else:
        if isinstance(key, str):
            local: exp.Expr = exp.AtTimeZone(this=at.copy(), zone=exp.Literal.string(key))
        elif offset is not None:
            utc = exp.AtTimeZone(this=at.copy(), zone=exp.Literal.string("UTC"))
            minutes = exp.Interval(
                this=exp.Literal.string(str(offset // timedelta(minutes=1))),
                unit=exp.var("MINUTE"),
            )
            local = exp.Add(this=utc, expression=minutes)
        else:
            raise RuleError("tz", f"expected a ZoneInfo or a datetime.timezone, got {tz!r}")
        year, month = exp.Year(this=local), exp.Month(this=local.copy())
    twelve = exp.Mul(this=year, expression=exp.Literal.number(12))
    return exp.Sub(this=exp.Add(this=twelve, expression=month), expression=exp.Literal.number(1))


def cohort_sql(
    table: str = "transactions",
    *,
    as_of: datetime,
    tz: Any = _UTC,
    dialect: str = "duckdb",
) -> str:
    """The cells of :func:`~khachhang.segmentation.cohort_table` as one query over a
    transaction table (``customer_id``, ``at``, ``amount``: the columns of
    :func:`~khachhang.transactions.transactions_to_frame`, one currency).

    Selects ``cohort_year``, ``cohort_month``, ``period``, ``customers`` and
    ``revenue``, sorted by cohort and period.

    >>> from datetime import datetime, timezone, timedelta
    >>> sql = cohort_sql("tx", as_of=datetime(2026, 6, 1, tzinfo=timezone.utc),
    ...                  tz=timezone(timedelta(hours=7)))
    >>> "INTERVAL '420' MINUTE" in sql, sql.startswith("WITH")
    (True, True)
    """
    name = _dialect(dialect)
    sqlite = name == "sqlite"
    at = require_aware(as_of, "as_of")
    source = _table(table)
    month = _local_month(exp.column("at"), tz, sqlite)
    bought = (
        exp.select(exp.column("customer_id"), exp.column("amount"), exp.alias_(month, "month"))
        .from_(source)
        .where(exp.LTE(this=exp.column("at"), expression=_timestamp(at, sqlite)))
    )
    firsts = (
        exp.select(
            exp.column("customer_id"), exp.alias_(exp.Min(this=exp.column("month")), "cohort")
        )
        .from_("p")
        .group_by(exp.column("customer_id"))
    )
    period = exp.Sub(
        this=exp.column("month", table="p"), expression=exp.column("cohort", table="c")
    )
    cohort = exp.column("cohort", table="c")
    cells = (
        exp.select(
            exp.alias_(
                exp.IntDiv(this=cohort.copy(), expression=exp.Literal.number(12)), "cohort_year"
            ),
            exp.alias_(
                exp.Add(
                    this=exp.Mod(this=cohort.copy(), expression=exp.Literal.number(12)),
                    expression=exp.Literal.number(1),
                ),
                "cohort_month",
            ),
            exp.alias_(period.copy(), "period"),
            exp.alias_(
                exp.Count(this=exp.Distinct(expressions=[exp.column("customer_id", table="p")])),
                "customers",
            ),
            exp.alias_(exp.Sum(this=exp.column("amount", table="p")), "revenue"),
        )
        .from_(exp.Table(this=exp.to_identifier("p")))
        .join(
            exp.Table(this=exp.to_identifier("c")),
            on=exp.EQ(
                this=exp.column("customer_id", table="p"),
                expression=exp.column("customer_id", table="c"),
            ),
        )
        .group_by(cohort.copy(), period.copy())
        .order_by(exp.column("cohort_year"), exp.column("cohort_month"), exp.column("period"))
        .with_("p", as_=bought)
        .with_("c", as_=firsts)
    )
    return _render(cells, name)
