"""The Polars backend: a customer book as a frame, rules as ``polars`` expressions.

:func:`customers_to_frame` takes a snapshot of a customer book *as of* an instant: one
row per customer, an ``id`` column and one column per registered field, typed so Polars
runs at its best (``Enum`` for enum fields, ``Categorical`` for text, ``Datetime`` in UTC,
``Int64``, ``Decimal`` plus a currency column for money, lists for set fields).
:func:`rule_to_polars` (``rule.to_polars(...)``) turns a rule into a boolean ``pl.Expr``
whose ``null`` is the rule's UNKNOWN, so ``frame.filter(expr)`` selects exactly the
customers ``rule.evaluate`` selects.

>>> from datetime import datetime, timezone
>>> from khachhang import Customer, Person, Purchase, Money
>>> from khachhang.segmentation import F
>>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
>>> lan = Customer("c-1", Person("Trần Thị Lan"), created_at=t).add_purchase(
...     Purchase("o-1", t, Money("25000000")))
>>> minh = Customer("c-2", Person("Lê Văn Minh"), created_at=t)
>>> frame = customers_to_frame([lan, minh], as_of=t)
>>> frame.schema["total_spent"], frame.schema["total_spent_currency"].__class__.__name__
(Decimal(precision=18, scale=0), 'Enum')
>>> rule = F.total_spent >= Money("20000000")
>>> frame.filter(rule.to_polars(as_of=t))["id"].to_list()
['c-1']

Needs the ``polars`` extra: ``pip install 'khachhang[polars]'``.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

try:
    import polars as pl
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    _msg = "the Polars backend needs polars: pip install 'khachhang[polars]'"
    raise ImportError(_msg) from exc

from khachhang._checks import check_items, check_type, require_aware
from khachhang.customers import Customer
from khachhang.errors import RuleError, ValidationError
from khachhang.labels import BilingualEnum
from khachhang.money import CURRENCIES, Money
from khachhang.segmentation.backends.columns import (
    CURRENCY_SUFFIX,
    ID_COLUMN,
    resolve_columns,
    window,
)
from khachhang.segmentation.fields import (
    DEFAULT_REGISTRY,
    Field,
    FieldKind,
    FieldRegistry,
    purchase_columns,
)
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

if TYPE_CHECKING:
    from khachhang.privacy import RedactionPolicy

__all__ = [
    "CURRENCY_DTYPE",
    "CURRENCY_SUFFIX",
    "ID_COLUMN",
    "cohort_frame",
    "customers_to_frame",
    "frame_schema",
    "rfm_cut_points",
    "rfm_expressions",
    "rfm_frame",
    "rule_to_polars",
    "segmenter_to_polars",
]

"""The column holding the customer's id in :func:`customers_to_frame`."""

_UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=_UTC)
_MICROSECOND = timedelta(microseconds=1)
_SEP = "\x1f"  # joins set members for a vectorised split; never in clean text
_AMOUNT_DIGITS = 18  # money stays below 10**18 in magnitude
CURRENCY_DTYPE = pl.Enum(list(CURRENCIES))
"""The currency columns' type: an ``Enum`` of the supported ISO 4217 codes."""


# --- frames ---------------------------------------------------------------------------


def _money_dtype(scale: int) -> pl.Decimal:
    return pl.Decimal(_AMOUNT_DIGITS + scale, scale)


def frame_schema(registry: FieldRegistry | None = None, *, money_scale: int = 0) -> pl.Schema:
    """The column types :func:`customers_to_frame` produces for ``registry``.

    ``money_scale`` is the number of decimals of the money columns: the most minor-unit
    digits among the currencies in the book (0 for a đồng-only book, 2 with dollars).

    >>> frame_schema()["province"], frame_schema()["roles"]
    (Categorical, List(Enum(categories=['end_user', 'buyer', 'distributor', ...])))
    """
    reg = DEFAULT_REGISTRY if registry is None else registry
    schema: dict[str, pl.DataType] = {ID_COLUMN: pl.String()}
    for field in reg:
        if field.column in schema:
            msg = f"column {field.column!r} is taken (the id or a money currency column)"
            raise ValidationError(f"fields.{field.name}.column", msg)
        kind = field.kind
        if kind is FieldKind.MONEY:
            schema[field.column] = _money_dtype(money_scale)
            currency = field.column + CURRENCY_SUFFIX
            if currency in reg.names or currency in schema:
                msg = f"the currency column {currency!r} clashes with another column"
                raise ValidationError(f"fields.{field.name}.column", msg)
            schema[currency] = CURRENCY_DTYPE
        else:
            schema[field.column] = _DTYPES[kind](field)
    return pl.Schema(schema)


def _enum_dtype(field: Field) -> pl.Enum:
    members: Iterable[BilingualEnum] = field.enum or ()
    return pl.Enum([m.value for m in members])


_DTYPES: dict[FieldKind, Callable[[Field], pl.DataType]] = {
    FieldKind.INT: lambda f: pl.Int64(),
    FieldKind.DATETIME: lambda f: pl.Datetime("us", "UTC"),
    FieldKind.ENUM: _enum_dtype,
    FieldKind.TEXT: lambda f: pl.Categorical(),
    FieldKind.ENUM_SET: lambda f: pl.List(_enum_dtype(f)),
    FieldKind.TEXT_SET: lambda f: pl.List(pl.Categorical()),
}


def customers_to_frame(
    customers: Iterable[Customer],
    *,
    as_of: datetime,
    registry: FieldRegistry | None = None,
    redact: RedactionPolicy | None = None,
    key: bytes | None = None,
) -> pl.DataFrame:
    """A snapshot of ``customers`` at ``as_of``: an ``id`` column, one column per field.

    Each field's column holds its value *as of* ``as_of`` (purchases after it ignored),
    named by the field's ``column``; a missing value is ``null``. A money field adds a
    ``<column>_currency`` column (``Enum`` of ISO codes) beside its ``Decimal`` amount.
    Values are read column by column with each field's fast reader (its ``binder``)
    and handed to Polars in bulk; the cost is the Python reads, about 10 µs per
    customer for the built-in fields. See :func:`frame_schema` for the types.

    With ``redact`` (a :class:`~khachhang.privacy.RedactionPolicy`; ``key``, the secret
    of its pseudonyms) the personal columns (id, age, gender, province, income, tags)
    are treated as :func:`khachhang.privacy.frames.redact_frame` does: an export, for
    writing out or loading into a SQL engine.

    Raises:
        ValidationError: a field's reader returned a value that does not fit its kind
            (an application field), naming the field.
    """
    at = require_aware(as_of, "as_of")
    reg = DEFAULT_REGISTRY if registry is None else check_type("registry", registry, FieldRegistry)
    book = check_items("customers", customers, Customer)
    values = purchase_columns(reg, book, at)  # the rest field by field, below
    scale = 0
    for field in reg:
        if field.kind is FieldKind.MONEY:
            if field.name not in values:
                values[field.name] = _money_pairs(field, book, at)
            codes = {code for _, code in values[field.name] if code is not None}
            scale = max([scale, *(CURRENCIES[code] for code in codes)])
        elif field.name not in values:
            values[field.name] = _read(field, book, at)
    schema = frame_schema(reg, money_scale=scale)
    series = [pl.Series(ID_COLUMN, [c.id for c in book], dtype=pl.String)]
    for field in reg:
        try:
            series.extend(_COLUMNS[field.kind](field, values[field.name], schema))
        except (pl.exceptions.PolarsError, TypeError, ValueError, AttributeError, KeyError) as exc:
            msg = f"its values do not fit a {field.kind.value} column: {exc}"[:300]
            raise ValidationError(f"fields.{field.name}", msg) from None
    frame = pl.DataFrame(series)
    if redact is None:
        return frame
    from khachhang.privacy.frames import redact_frame

    return redact_frame(frame, redact, key=key)


def _read(field: Field, book: Sequence[Customer], as_of: datetime) -> list[Any]:
    read = field.bind(as_of=as_of)
    return [read(c) for c in book]


_NO_MONEY: tuple[None, None] = (None, None)


def _money_pairs(
    field: Field, book: Sequence[Customer], as_of: datetime
) -> list[tuple[str, str] | tuple[None, None]]:
    """``(amount text, currency)`` per customer, ``(None, None)`` when missing."""
    if field is DEFAULT_REGISTRY["total_spent"] and field.amount_binder is not None:
        total = field.amount_binder(as_of)  # the exact sum, without Money objects
        return [(format(amount, "f"), code) for amount, code in map(total, book)]
    pairs: list[tuple[str, str] | tuple[None, None]] = []
    for value in _read(field, book, as_of):
        if value is None:
            pairs.append(_NO_MONEY)
        elif isinstance(value, Money):
            pairs.append((format(value.amount, "f"), value.currency))
        else:
            msg = f"expected Money or None, got {type(value).__name__}"
            raise ValidationError(f"fields.{field.name}", msg)
    return pairs


def _int_column(field: Field, values: list[Any], schema: pl.Schema) -> list[pl.Series]:
    if any(type(v) is bool for v in values):
        raise TypeError("a bool is not an integer")
    return [pl.Series(field.column, values, dtype=pl.Int64, strict=True)]


def _money_columns(field: Field, values: list[Any], schema: pl.Schema) -> list[pl.Series]:
    amounts = [amount for amount, _ in values]
    codes = [code for _, code in values]
    dtype = schema[field.column]
    amount = pl.Series(field.column, amounts, dtype=pl.String).cast(dtype, strict=True)
    currency = pl.Series(field.column + CURRENCY_SUFFIX, codes, dtype=pl.String)
    return [amount, currency.cast(CURRENCY_DTYPE, strict=True)]


def _micros(value: datetime | None) -> int | None:
    if value is None:
        return None
    return (value - _EPOCH) // _MICROSECOND  # TypeError for a naive datetime


def _datetime_column(field: Field, values: list[Any], schema: pl.Schema) -> list[pl.Series]:
    micros = pl.Series(field.column, [_micros(v) for v in values], dtype=pl.Int64)
    return [micros.cast(schema[field.column])]


def _enum_column(field: Field, values: list[Any], schema: pl.Schema) -> list[pl.Series]:
    enum_cls = field.enum
    if not all(v is None or type(v) is enum_cls for v in values):
        raise TypeError(f"expected {enum_cls.__name__ if enum_cls else 'enum'} members")
    # ``_value_`` is a plain attribute: several times faster than the ``value`` property.
    column = [None if v is None else v._value_ for v in values]
    return [pl.Series(field.column, column, dtype=pl.String).cast(schema[field.column])]


def _text_column(field: Field, values: list[Any], schema: pl.Schema) -> list[pl.Series]:
    return [pl.Series(field.column, values, dtype=pl.String, strict=True).cast(pl.Categorical)]


def _set_column(field: Field, values: list[Any], schema: pl.Schema) -> list[pl.Series]:
    dtype = schema[field.column]
    enum_cls = field.enum
    known: dict[object, list[str]] = {}  # customers share few distinct sets: sort each once

    def sort(value: object) -> list[str]:
        items = value if isinstance(value, (frozenset, set, tuple, list)) else None
        if items is None:
            raise TypeError(f"expected a set, got {type(value).__name__}")
        if enum_cls is not None:
            if not all(isinstance(v, enum_cls) for v in items):
                raise TypeError(f"expected a set of {enum_cls.__name__} members")
            return sorted(v.value for v in items)
        if not all(type(v) is str for v in items):
            raise TypeError("expected a set of strings")
        return sorted(items)

    members: list[list[str]] = []
    for value in values:
        if type(value) is frozenset:
            sorted_items = known.get(value)
            if sorted_items is None:
                sorted_items = known[value] = sort(value)
            members.append(sorted_items)
        else:
            members.append(sort(value))
    # Polars builds list columns from Python lists slowly; a joined string split in
    # one vectorised call is ~20x faster. Members never contain the separator (clean
    # text has no control characters); the length check below guards the rest.
    joined = pl.Series(field.column, [_SEP.join(m) if m else None for m in members], pl.String)
    split = joined.str.split(_SEP)
    lengths = [len(m) or None for m in members]
    if split.list.len().to_list() != lengths:
        split = pl.Series(field.column, members, dtype=pl.List(pl.String))
    empty = pl.lit([], dtype=pl.List(pl.String))
    frame = split.to_frame().select(pl.col(field.column).fill_null(empty).cast(dtype))
    return [frame.to_series()]


_COLUMNS: dict[FieldKind, Callable[[Field, list[Any], pl.Schema], list[pl.Series]]] = {
    FieldKind.INT: _int_column,
    FieldKind.MONEY: _money_columns,
    FieldKind.DATETIME: _datetime_column,
    FieldKind.ENUM: _enum_column,
    FieldKind.TEXT: _text_column,
    FieldKind.ENUM_SET: _set_column,
    FieldKind.TEXT_SET: _set_column,
}


# --- rules ----------------------------------------------------------------------------


def _utc(value: datetime) -> datetime:
    return value.astimezone(_UTC)


def _plain(value: object) -> object:
    """A literal as Polars should see it: enum values, UTC datetimes, Decimal amounts."""
    if isinstance(value, BilingualEnum):
        return value.value
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, Money):
        return value.amount
    return value


_COMPARE: dict[Op, Callable[[Any, Any], Any]] = {
    Op.EQ: operator.eq,
    Op.NE: operator.ne,
    Op.LT: operator.lt,
    Op.LE: operator.le,
    Op.GT: operator.gt,
    Op.GE: operator.ge,
}


def _lit(value: object) -> pl.Expr:
    return pl.lit(_plain(value))


def _combine(parts: list[pl.Expr], op: Callable[[Any, Any], Any]) -> pl.Expr:
    """Fold with ``op``: left to right like hand-written code, balanced when long."""
    if len(parts) <= 16:
        return functools.reduce(op, parts)
    mid = len(parts) // 2
    combined: pl.Expr = op(_combine(parts[:mid], op), _combine(parts[mid:], op))
    return combined


class _ToPolars:
    """Translates one validated rule; dispatches on the node's exact type."""

    def __init__(
        self, registry: FieldRegistry, as_of: datetime, columns: Mapping[str, str] | None
    ) -> None:
        self.registry = registry
        self.as_of = as_of
        self.resolve = resolve_columns(columns, registry)

    def __call__(self, rule: Rule) -> pl.Expr:
        handler = _NODES.get(type(rule))
        if handler is None:
            raise RuleError("", f"the Polars backend has no translation for {type(rule).__name__}")
        return handler(self, rule)

    def _field(self, name: str) -> tuple[Field, pl.Expr]:
        field = self.registry[name]
        return field, pl.col(self.resolve(field)[0])

    def _same_currency(self, field: Field, money: Money, expr: pl.Expr) -> pl.Expr:
        # Another currency than the literal's is UNKNOWN: `when` without `otherwise`
        # is null there (and where the amount is missing).
        currency = pl.col(self.resolve(field)[1])
        return pl.when(currency == money.currency).then(expr)

    def compare(self, rule: Compare) -> pl.Expr:
        field, column = self._field(rule.field)
        expr: pl.Expr = _COMPARE[rule.op](column, _lit(rule.value))
        if isinstance(rule.value, Money):
            return self._same_currency(field, rule.value, expr)
        return expr

    def between(self, rule: Between) -> pl.Expr:
        field, column = self._field(rule.field)
        expr = column.is_between(_lit(rule.low), _lit(rule.high), closed="both")
        if isinstance(rule.low, Money):
            return self._same_currency(field, rule.low, expr)
        return expr

    def is_in(self, rule: In) -> pl.Expr:
        _, column = self._field(rule.field)
        values = sorted(_plain(v) for v in rule.values)  # type: ignore[type-var]  # one field, one kind
        expr = column.is_in(values)
        return ~expr if rule.negated else expr

    def contains(self, rule: Contains) -> pl.Expr:
        _, column = self._field(rule.field)
        return column.list.contains(pl.lit(_plain(rule.value)))

    def is_null(self, rule: IsNull) -> pl.Expr:
        _, column = self._field(rule.field)
        return column.is_not_null() if rule.negated else column.is_null()

    def within(self, rule: Within) -> pl.Expr:
        _, column = self._field(rule.field)
        bounds = window(self.as_of, rule.days)
        if bounds is None:  # no instant a column holds is in the window
            return pl.when(column.is_not_null()).then(pl.lit(False))
        start, end = bounds
        if start is None:
            if end is None:
                return pl.when(column.is_not_null()).then(pl.lit(True))
            return column <= pl.lit(end)
        if end is None:
            return column >= pl.lit(start)
        return column.is_between(pl.lit(start), pl.lit(end), closed="both")

    def and_(self, rule: And) -> pl.Expr:
        return _combine([self(child) for child in rule.children], operator.and_)

    def or_(self, rule: Or) -> pl.Expr:
        return _combine([self(child) for child in rule.children], operator.or_)

    def not_(self, rule: Not) -> pl.Expr:
        return ~self(rule.child)

    def const(self, rule: Const) -> pl.Expr:
        return pl.lit(rule.value, dtype=pl.Boolean)


_NODES: dict[type[Rule], Callable[[_ToPolars, Any], pl.Expr]] = {
    Compare: _ToPolars.compare,
    Between: _ToPolars.between,
    In: _ToPolars.is_in,
    Contains: _ToPolars.contains,
    IsNull: _ToPolars.is_null,
    Within: _ToPolars.within,
    And: _ToPolars.and_,
    Or: _ToPolars.or_,
    Not: _ToPolars.not_,
    Const: _ToPolars.const,
}


def rule_to_polars(
    rule: Rule,
    *,
    as_of: datetime,
    columns: Mapping[str, str] | None = None,
    registry: FieldRegistry | None = None,
) -> pl.Expr:
    """``rule`` as a boolean ``pl.Expr`` over a :func:`customers_to_frame` frame.

    ``null`` is UNKNOWN (Polars' ``&``, ``|``, ``~`` and ``is_in`` follow the same Kleene
    logic as the rules), so ``frame.filter(expr)`` keeps exactly the customers the rule
    selects. ``columns`` maps field names to your own column names; a money field's
    currency column is ``<column>_currency`` unless you map ``"<field>.currency"``.
    ``within(days=N)`` compares with literals computed from ``as_of``.

    >>> from datetime import datetime, timezone
    >>> from khachhang.segmentation import F
    >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
    >>> print(rule_to_polars(F.age.between(25, 40), as_of=t, columns={"age": "tuoi"}))
    col("tuoi").is_between([dyn int: 25, dyn int: 40])

    Raises:
        RuleError: for an invalid rule or a ``columns`` key that is not a field.
    """
    at = require_aware(as_of, "as_of")
    reg = DEFAULT_REGISTRY if registry is None else check_type("registry", registry, FieldRegistry)
    return _ToPolars(reg, at, columns)(validate(rule, reg))


def segmenter_to_polars(
    segmenter: Segmenter,
    *,
    as_of: datetime,
    columns: Mapping[str, str] | None = None,
    name: str = "segment",
    registry: FieldRegistry | None = None,
) -> pl.Expr:
    """A column named ``name`` with each customer's segment, as ``Segmenter.assign`` says.

    ``mode="first"``: the key of the first segment (by priority) whose rule is TRUE,
    null when none is; ``mode="all"``: the list of every matching key, in priority order.
    Keys are an ``Enum`` of the segmenter's keys.

    >>> from datetime import datetime, timezone
    >>> from khachhang.segmentation import F, TRUE
    >>> from khachhang.segmentation.segments import Segment, Segmenter
    >>> s = Segmenter([Segment("buyers", F.orders > 0, "Đã mua", "Bought", priority=1),
    ...                Segment("others", TRUE, "Khác", "Others")])
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> frame = pl.DataFrame({"orders": [0, 3]})
    >>> frame.with_columns(s.to_polars(as_of=t))["segment"].to_list()
    ['others', 'buyers']
    """
    check_type("segmenter", segmenter, Segmenter)
    at = require_aware(as_of, "as_of")
    check_type("name", name, str)
    reg = DEFAULT_REGISTRY if registry is None else check_type("registry", registry, FieldRegistry)
    translate = _ToPolars(reg, at, columns)
    segments = segmenter.segments
    keys = pl.Enum([s.key for s in segments])
    if segmenter.mode is AssignMode.ALL:
        hits = [pl.when(translate(validate(s.rule, reg))).then(pl.lit(s.key)) for s in segments]
        if not hits:
            return pl.lit([], dtype=pl.List(keys)).alias(name)
        listed = pl.concat_list(hits).list.drop_nulls()
        return listed.cast(pl.List(keys)).alias(name)
    if not segments:
        return pl.lit(None, dtype=keys).alias(name)
    chain: Any = pl
    for segment in segments:
        chain = chain.when(translate(validate(segment.rule, reg))).then(pl.lit(segment.key))
    expr: pl.Expr = chain.otherwise(pl.lit(None)).cast(keys).alias(name)
    return expr


# --- RFM --------------------------------------------------------------------------------


def _rfm_columns(columns: Mapping[str, str] | None) -> tuple[str, str, str, str]:
    """The recency, orders, total spent and its currency column names."""
    resolve = resolve_columns(columns, DEFAULT_REGISTRY)
    recency, _ = resolve(DEFAULT_REGISTRY["recency_days"])
    orders, _ = resolve(DEFAULT_REGISTRY["orders"])
    spent, currency = resolve(DEFAULT_REGISTRY["total_spent"])
    return recency, orders, spent, currency


def rfm_cut_points(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    bins: int = 5,
    columns: Mapping[str, str] | None = None,
) -> RFMCutPoints:
    """The cut points :func:`~khachhang.segmentation.rfm_scores` would take, computed
    in Polars from value counts of the purchasing rows (one ``group_by`` per measure:
    no row leaves the engine).

    ``frame`` is a snapshot with :func:`customers_to_frame`'s columns (``recency_days``,
    ``orders``, ``total_spent`` and its currency; others through ``columns=``).

    Raises:
        ValidationError: purchasing rows in more than one currency, or bad ``bins``.
    """
    recency, orders, spent, currency = _rfm_columns(columns)
    buyers = frame.lazy().filter(pl.col(orders) > 0)

    def counts(*names: str) -> list[tuple[Any, ...]]:
        return buyers.group_by(*names).agg(pl.len()).collect().rows()

    money = [(Money(amount, code), n) for amount, code, n in counts(spent, currency)]
    return RFMCutPoints.from_counts(counts(recency), counts(orders), money, bins=bins)


def rfm_expressions(
    cut_points: RFMCutPoints,
    *,
    grid: RFMGrid | None = None,
    columns: Mapping[str, str] | None = None,
) -> dict[str, pl.Expr]:
    """``r``, ``f``, ``m`` and ``segment`` as Polars expressions over a snapshot frame:
    ``1 +`` the number of cut points a value beats (``<`` for recency, ``>`` for the
    others), null without a purchase; ``segment`` is the grid segment's key.

    >>> import polars as pl
    >>> from khachhang import Money
    >>> from khachhang.segmentation import RFMGridSegment
    >>> cuts = RFMCutPoints((30,), (1,), (Money(100000),))
    >>> frame = pl.DataFrame({"recency_days": [3, 90, None], "orders": [2, 1, 0],
    ...                       "total_spent": [500000, 100000, 0]})
    >>> grid = RFMGrid((RFMGridSegment("active", "Đang mua", "Active", (2,), (1, 2)),
    ...                 RFMGridSegment("quiet", "Ít mua", "Quiet", (1,), (1, 2))), bins=2)
    >>> exprs = rfm_expressions(cuts, grid=grid)
    >>> frame.select(**exprs).rows()
    [(2, 2, 2, 'active'), (1, 1, 1, 'quiet'), (None, None, None, None)]
    """
    check_type("cut_points", cut_points, RFMCutPoints)
    table = RFM_GRID if grid is None else check_type("grid", grid, RFMGrid)
    if table.bins != cut_points.bins:
        raise ValidationError("grid", f"a {table.bins}-score grid for {cut_points.bins} scores")
    recency, orders, spent, _ = _rfm_columns(columns)
    bought = pl.col(orders) > 0
    scale = max((CURRENCIES[m.currency] for m in cut_points.monetary), default=0)

    def score(
        column: str, cuts: Iterable[object], beats: Callable[[pl.Expr, pl.Expr], pl.Expr]
    ) -> pl.Expr:
        beaten = [beats(pl.col(column), pl.lit(c)).cast(pl.Int8) for c in cuts]
        total = functools.reduce(operator.add, beaten, pl.lit(1, dtype=pl.Int8))
        return pl.when(bought).then(total).otherwise(None).cast(pl.Int8)

    amounts = [pl.lit(m.amount, dtype=pl.Decimal(38, scale)) for m in cut_points.monetary]
    r = score(recency, cut_points.recency, operator.lt)
    f = score(orders, cut_points.frequency, operator.gt)
    m = (
        pl.when(bought)
        .then(
            functools.reduce(
                operator.add,
                [(pl.col(spent) > a).cast(pl.Int8) for a in amounts],
                pl.lit(1, dtype=pl.Int8),
            )
        )
        .otherwise(None)
        .cast(pl.Int8)
    )
    cells = {r_ * 16 + f_: table.segment_of(r_, f_).key for r_, f_ in _cells(table.bins)}
    keys = sorted({s.key for s in table.segments})
    segment = (r.cast(pl.Int16) * 16 + f.cast(pl.Int16)).replace_strict(
        cells, default=None, return_dtype=pl.Enum(keys)
    )
    return {"r": r, "f": f, "m": m, "segment": segment}


def _cells(bins: int) -> list[tuple[int, int]]:
    return [(r, f) for r in range(1, bins + 1) for f in range(1, bins + 1)]


def rfm_frame(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    bins: int | None = None,
    cut_points: RFMCutPoints | None = None,
    grid: RFMGrid | None = None,
    columns: Mapping[str, str] | None = None,
) -> tuple[pl.DataFrame, RFMCutPoints]:
    """RFM in Polars: the ``id``, ``r``, ``f``, ``m`` and ``segment`` of every row of a
    snapshot frame, and the cut points used — equal, row for row, to
    :func:`~khachhang.segmentation.rfm_scores` on the same customers at the frame's
    ``as_of`` (a property test holds it, ties included).

    The cut points are the quantiles of :func:`rfm_cut_points` unless ``cut_points`` are
    given; the monetary measure is the total spent (the average order value is scored in
    memory only).

    >>> from datetime import datetime, timezone
    >>> from khachhang.sample import sample_book
    >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
    >>> scores, cuts = rfm_frame(customers_to_frame(sample_book(50), as_of=t))
    >>> scores.columns, cuts.bins
    (['id', 'r', 'f', 'm', 'segment'], 5)
    """
    if cut_points is None:
        cut_points = rfm_cut_points(frame, bins=5 if bins is None else bins, columns=columns)
    elif bins is not None and bins != check_type("cut_points", cut_points, RFMCutPoints).bins:
        raise ValidationError("cut_points", f"{cut_points.bins - 1} cut points for {bins} bins")
    exprs = rfm_expressions(cut_points, grid=grid, columns=columns)
    scored = frame.lazy().select(pl.col(ID_COLUMN), **exprs).collect()
    return scored, cut_points


# --- cohorts ----------------------------------------------------------------------------


def _zone_name(tz: object) -> str:
    """A zone Polars knows: a ZoneInfo's key, ``UTC``, or a fixed offset as ``+HH:MM``."""
    key = getattr(tz, "key", None)
    if isinstance(key, str):
        return key
    if isinstance(tz, timezone):
        offset = tz.utcoffset(None)
        if offset == timedelta(0):
            return "UTC"
        minutes, rest = divmod(offset, timedelta(minutes=1))
        if not rest:
            sign, minutes = ("-", -minutes) if minutes < 0 else ("+", minutes)
            return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    raise ValidationError("tz", f"expected a ZoneInfo or a whole-minute offset, got {tz!r}")


def cohort_frame(
    transactions: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: datetime,
    tz: Any = timezone.utc,
) -> pl.DataFrame:
    """The cells of :func:`~khachhang.segmentation.cohort_table`, computed in Polars from
    a transaction frame (:func:`~khachhang.transactions.transactions_to_frame`'s
    ``customer_id``, ``at`` and ``amount`` columns, one currency).

    Columns: ``cohort_year``, ``cohort_month``, ``period``, ``customers`` (who bought in
    that period) and ``revenue``, sorted by cohort and period. A cohort's size is its
    period-0 ``customers``.

    >>> from datetime import datetime, timezone
    >>> from khachhang.transactions import load_transactions, transactions_to_frame
    >>> book = load_transactions([("a", "2026-01-05", "5"), ("a", "2026-03-01", "7"),
    ...                           ("b", "2026-03-02", "1")], tz=timezone.utc)
    >>> june = datetime(2026, 6, 1, tzinfo=timezone.utc)
    >>> cohort_frame(transactions_to_frame(book), as_of=june).rows()
    [(2026, 1, 0, 1, Decimal('5')), (2026, 1, 2, 1, Decimal('7')), (2026, 3, 0, 1, Decimal('1'))]
    """
    at = require_aware(as_of, "as_of")
    zone = _zone_name(tz)
    local = pl.col("at").dt.convert_time_zone(zone)
    month = local.dt.year().cast(pl.Int64) * 12 + local.dt.month().cast(pl.Int64) - 1
    lazy = (
        transactions.lazy()
        .filter(pl.col("at") <= pl.lit(_utc(at)))
        .with_columns(month.alias("_month"))
        .with_columns(pl.col("_month").min().over("customer_id").alias("_cohort"))
        .group_by("_cohort", (pl.col("_month") - pl.col("_cohort")).alias("period"))
        .agg(
            pl.col("customer_id").n_unique().cast(pl.Int64).alias("customers"),
            pl.col("amount").sum().alias("revenue"),
        )
        .sort("_cohort", "period")
        .select(
            (pl.col("_cohort") // 12).alias("cohort_year"),
            (pl.col("_cohort") % 12 + 1).alias("cohort_month"),
            "period",
            "customers",
            "revenue",
        )
    )
    return lazy.collect()
