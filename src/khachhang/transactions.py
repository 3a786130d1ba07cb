"""Customers from a transaction table, and the table back from customers.

Every shop's sales export has the same shape: one row per purchase (or per order line)
with the customer's id, when, and how much — sometimes an order id, a currency and a
channel too. :func:`load_transactions` turns such rows into :class:`~khachhang.Customer`
values with their purchases in one pass; :func:`read_transactions_csv` does it for CSV
text; :func:`purchase_rows` and :func:`transactions_to_frame` go the other way, one row per
purchase (beside :func:`~khachhang.segmentation.customers_to_frame`, one row per
customer).

>>> from zoneinfo import ZoneInfo
>>> rows = [
...     {"customer_id": "KH-1", "at": "2026-03-01", "amount": "250000"},
...     {"customer_id": "KH-2", "at": "2026-03-02 09:30", "amount": 120000},
...     {"customer_id": "KH-1", "at": "2026-04-12", "amount": "90000"},
... ]
>>> book = load_transactions(rows, tz=ZoneInfo("Asia/Ho_Chi_Minh"))
>>> [(c.id, c.orders, str(c.total_spent.amount), c.lifecycle.value) for c in book]
[('KH-1', 2, '340000', 'current'), ('KH-2', 1, '120000', 'current')]
>>> [p.id for p in book[0].purchases]
['KH-1-1', 'KH-1-2']
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from khachhang._checks import check_type, require_instant
from khachhang.customers import Customer, Purchase, PurchaseChannel
from khachhang.errors import ConversionError, KhachHangError, ValidationError
from khachhang.money import CURRENCIES, DEFAULT_CURRENCY, Money
from khachhang.parties import Organization, Person

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "TRANSACTION_COLUMNS",
    "load_transactions",
    "purchase_rows",
    "read_transactions_csv",
    "transactions_to_frame",
]

Party: TypeAlias = Person | Organization
Column: TypeAlias = str | int
SameDay: TypeAlias = Literal["many", "one"]

TRANSACTION_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "purchase_id",
    "at",
    "amount",
    "currency",
    "channel",
)
"""The columns of :func:`purchase_rows` and :func:`transactions_to_frame`, in order."""

_MAX_REPORTED = 100  # problems listed in one ConversionError; the rest are counted
_CHANNELS: dict[str, PurchaseChannel] = {c.value: c for c in PurchaseChannel}


# --- reading one cell -------------------------------------------------------------------


def _instant(value: object, tz: tzinfo | None, date_format: str | None) -> datetime:
    """A row's time as an aware datetime; a naive one is read in ``tz``."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = (
                datetime.strptime(text, date_format)  # noqa: DTZ007  # zone added below
                if date_format is not None
                else datetime.fromisoformat(text)
            )
        except ValueError:
            how = f"the format {date_format!r}" if date_format else "ISO 8601"
            raise ValueError(f"{text[:40]!r} is not a date or time in {how}") from None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if not isinstance(value, datetime):
        raise ValueError(f"expected a date, a datetime or text, got {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        if tz is None:
            shown = value.isoformat()[:40]
            raise ValueError(
                f"{shown} has no time zone; pass tz= (e.g. ZoneInfo('Asia/Ho_Chi_Minh')) "
                "to say which zone the table's naive times are in"
            )
        value = value.replace(tzinfo=tz)
    return require_instant(value, "at")


def _amount(value: object) -> Decimal:
    """A row's amount as a Decimal: text, int or Decimal exactly; a float by its
    shortest repr (``11.77`` stays ``11.77``), never NaN or infinity."""
    kind = type(value)
    if kind is Decimal:
        amount: Decimal = value  # type: ignore[assignment]  # kind is Decimal
    elif kind is str:
        try:
            amount = Decimal(value.strip())  # type: ignore[attr-defined]  # kind is str
        except InvalidOperation:
            raise ValueError(f"{str(value)[:40]!r} is not a number") from None
    elif kind is int:
        amount = Decimal(value)  # type: ignore[arg-type]  # kind is int
    elif kind is float:
        if not math.isfinite(value):  # type: ignore[arg-type]  # kind is float
            raise ValueError(f"{value} is not an amount")
        amount = Decimal(repr(value))
    elif isinstance(value, (int, Decimal)) and kind is not bool:
        amount = Decimal(value)
    else:
        raise ValueError(f"expected a number or text, got {kind.__name__}")
    if not amount.is_finite():
        raise ValueError(f"{amount} is not an amount")
    return amount


def _key(value: object) -> str:
    """An id cell as text: a string as is, an int in decimal (frames read ids as ints)."""
    if type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    raise ValueError(f"expected text or an integer id, got {type(value).__name__}")


def _currency(value: object) -> str:
    if type(value) is not str or value.strip().upper() not in CURRENCIES:
        supported = ", ".join(sorted(CURRENCIES))
        raise ValueError(f"{str(value)[:12]!r} is not a supported currency ({supported})")
    return value.strip().upper()


def _channel(value: object) -> PurchaseChannel:
    if isinstance(value, PurchaseChannel):
        return value
    found = _CHANNELS.get(value.strip().lower()) if type(value) is str else None
    if found is None:
        supported = ", ".join(_CHANNELS)
        raise ValueError(f"{str(value)[:30]!r} is not a purchase channel ({supported})")
    return found


# --- rows to cells ----------------------------------------------------------------------

_NAMES: dict[str, str] = {
    "customer_id": "customer_id",
    "at": "at",
    "amount": "amount",
    "order_id": "order_id",
    "currency": "currency",
    "channel": "channel",
}
_POSITIONS: dict[str, int] = {
    "customer_id": 0,
    "at": 1,
    "amount": 2,
    "order_id": 3,
    "currency": 4,
    "channel": 5,
}
_REQUIRED = ("customer_id", "at", "amount")


def _is_frame(rows: object) -> bool:
    """A Polars or pandas DataFrame (duck-typed: neither is imported)."""
    return (
        hasattr(rows, "columns")
        and hasattr(rows, "__getitem__")
        and not isinstance(rows, (Mapping, Sequence))
    )


def _frame_rows(
    frame: Any, chosen: dict[str, Column | None]
) -> tuple[list[str], Iterator[tuple[Any, ...] | None]]:
    names = [str(c) for c in frame.columns]
    picked: list[str] = []
    columns: list[list[Any]] = []
    for role, column in chosen.items():
        name = _NAMES[role] if column is None else column
        if not isinstance(name, str):
            raise ValidationError(role, f"a frame's column is named, got position {name!r}")
        if name not in names:
            if column is None and role not in _REQUIRED:
                continue  # an optional column the frame does not have
            raise ValidationError(role, f"no column {name!r}; the frame has {', '.join(names)}")
        picked.append(role)
        columns.append(frame[name].to_list())
    return picked, zip(*columns, strict=True)


def _row_cells(
    rows: Iterable[object], chosen: dict[str, Column | None]
) -> tuple[list[str], Iterator[tuple[Any, ...] | None]]:
    """The roles present and an iterator of their cells, row by row."""
    if _is_frame(rows):
        return _frame_rows(rows, chosen)
    if rows is None or isinstance(rows, (str, bytes, Mapping)):
        got = type(rows).__name__
        msg = f"expected rows (an iterable of mappings or tuples, or a frame), got {got}"
        raise ValidationError("rows", msg)
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return [], iter(())
    by_name = isinstance(first, Mapping)
    if (not by_name and not isinstance(first, Sequence)) or isinstance(first, (str, bytes)):
        msg = f"a row is a mapping or a tuple, got {type(first).__name__}"
        raise ValidationError("rows[0]", msg)
    picked: dict[str, Column] = {}
    for role, column in chosen.items():
        where: Column = (_NAMES if by_name else _POSITIONS)[role] if column is None else column
        if by_name != isinstance(where, str):
            how = "named" if by_name else "given by position"
            raise ValidationError(role, f"this table's columns are {how}, got {where!r}")
        present = (
            where in first  # type: ignore[operator]  # first is a Mapping
            if by_name
            else isinstance(where, int) and -len(first) <= where < len(first)  # type: ignore[arg-type]  # a Sequence
        )
        if not present:
            if column is None and role not in _REQUIRED:
                continue
            raise ValidationError(role, f"the first row has no column {where!r}")
        picked[role] = where
    roles = list(picked)
    places = [picked[r] for r in roles]

    def cells() -> Iterator[tuple[Any, ...] | None]:
        for row in _chain(first, iterator):
            try:
                yield tuple(row[p] for p in places)  # type: ignore[index]  # mapping or sequence
            except (KeyError, IndexError, TypeError):
                yield None  # a row without a column the first row has

    return roles, cells()


def _chain(first: object, rest: Iterator[object]) -> Iterator[object]:
    yield first
    yield from rest


# --- the loader -------------------------------------------------------------------------


class _Order:
    __slots__ = ("amount", "at", "channel", "currency", "id", "row")

    def __init__(
        self,
        id: str | None,
        at: datetime,
        amount: Decimal,
        currency: str,
        channel: PurchaseChannel,
        row: int,
    ) -> None:
        self.id = id
        self.at = at
        self.amount = amount
        self.currency = currency
        self.channel = channel
        self.row = row


def load_transactions(
    rows: Iterable[object],
    *,
    customer_id: Column | None = None,
    at: Column | None = None,
    amount: Column | None = None,
    order_id: Column | None = None,
    currency: Column | None = None,
    channel: Column | None = None,
    tz: tzinfo | None = None,
    date_format: str | None = None,
    default_currency: str = DEFAULT_CURRENCY,
    default_channel: PurchaseChannel = PurchaseChannel.IN_STORE,
    same_day: SameDay = "many",
    parties: Mapping[str, Party] | Callable[[str], Party] | None = None,
) -> tuple[Customer, ...]:
    """Customers with their purchases from a transaction table, in one pass.

    ``rows`` is a Polars or pandas DataFrame, or an iterable of mappings (a
    :class:`csv.DictReader`, dicts) or of tuples. Columns are found by name —
    ``customer_id``, ``at``, ``amount`` and, when present, ``order_id``, ``currency``,
    ``channel`` — or, for tuples, at positions 0 to 5 in that order; pass a name or a
    position to read another column.

    - **Times**: aware datetimes as they are; naive ones and plain dates (midnight) are
      read in ``tz``, which is then required. Text is ISO 8601 (``2026-03-01``,
      ``19970101``, ``2026-03-01T09:30+07:00``) or ``date_format`` (``strptime``).
    - **Amounts**: text, ints and Decimals exactly; a float by its shortest repr
      (``11.77`` stays ``11.77``); finer than the currency allows is refused by
      :class:`~khachhang.Money`.
    - **Orders**: rows sharing a customer and an ``order_id`` are one purchase (order
      lines: amounts summed, the earliest time). Without order ids each row is a purchase
      (``same_day="many"``) or a customer's rows of one calendar day — in ``tz``, else in
      each time's own offset — are one (``same_day="one"``); purchase ids are generated as
      ``"<customer id>-<n>"``, numbered in time order.
    - **Customers**: in the order of their first row; ``created_at`` is the first
      purchase's time; the lifecycle is *current* from that purchase (as
      :meth:`~khachhang.Customer.add_purchases` logs it); the book currency is the rows'
      ``currency`` (one per customer) else ``default_currency``. ``parties`` maps a
      customer id to its :class:`~khachhang.Person` or :class:`~khachhang.Organization`
      (a mapping or a function); without it, or for an id it lacks, the party is a
      placeholder person whose name is the id.

    Cost: one pass over the rows and one validation per customer; CDNOW (69,659 rows,
    23,570 customers) loads in about a second (``benchmarks/bench_transactions.py``).

    Raises:
        ConversionError: every bad row at once (up to 100, then a count), each named
            ``rows[i].<column>``; nothing is returned.
        ValidationError: an option that does not fit the table (a missing column),
            named by the option.

    >>> from datetime import timezone
    >>> rows = [("c1", "2026-05-01T08:00", "10.50", "A1", "USD"),
    ...         ("c1", "2026-05-01T08:00", "4.25", "A1", "USD")]
    >>> [(p.id, p.amount) for p in load_transactions(rows, tz=timezone.utc)[0].purchases]
    [('A1', Money('14.75', 'USD'))]
    """
    if same_day not in ("many", "one"):
        raise ValidationError("same_day", f"is 'many' or 'one', got {same_day!r}")
    if tz is not None:
        check_type("tz", tz, tzinfo)
    default_currency = _checked_option("default_currency", default_currency, _currency)
    check_type("default_channel", default_channel, PurchaseChannel)
    if parties is not None and not (isinstance(parties, Mapping) or callable(parties)):
        raise ValidationError("parties", "is a mapping or a function of the customer id")
    chosen: dict[str, Column | None] = {
        "customer_id": customer_id,
        "at": at,
        "amount": amount,
        "order_id": order_id,
        "currency": currency,
        "channel": channel,
    }
    roles, cells = _row_cells(rows, chosen)
    errors: list[tuple[str, str]] = []
    book: dict[str, list[_Order]] = {}
    readers: dict[str, Callable[[object], object]] = {
        "customer_id": _key,
        "at": lambda v: _instant(v, tz, date_format),
        "amount": _amount,
        "order_id": _key,
        "currency": _currency,
        "channel": _channel,
    }
    order = [(role, readers[role]) for role in roles]
    for i, row in enumerate(cells):
        values = _read_row(i, row, order, errors)
        if values is not None:
            book.setdefault(values["customer_id"], []).append(
                _Order(
                    values.get("order_id"),
                    values["at"],
                    values["amount"],
                    values.get("currency", default_currency),
                    values.get("channel", default_channel),
                    i,
                )
            )
    customers: list[Customer] = []
    if not errors:
        for cid, orders in book.items():
            built = _customer(cid, orders, tz, same_day, parties, errors)
            if built is not None:
                customers.append(built)
    if errors:
        shown = errors[:_MAX_REPORTED]
        if len(errors) > _MAX_REPORTED:
            shown.append(("rows", f"... and {len(errors) - _MAX_REPORTED} more problems"))
        raise ConversionError("customers from transactions", shown)
    return tuple(customers)


def _read_row(
    i: int,
    row: tuple[Any, ...] | None,
    order: list[tuple[str, Callable[[object], object]]],
    errors: list[tuple[str, str]],
) -> dict[str, Any] | None:
    """Row ``i``'s cells read by role, or ``None`` with its problems appended."""
    if row is None:
        errors.append((f"rows[{i}]", "lacks a column the first row has"))
        return None
    values: dict[str, Any] = {}
    ok = True
    for (role, read), cell in zip(order, row, strict=True):
        if _is_blank(cell):
            if role in _REQUIRED:
                errors.append((f"rows[{i}].{role}", "is empty"))
                ok = False
            continue  # an optional cell left empty: the default applies
        try:
            values[role] = read(cell)
        except (ValueError, KhachHangError) as exc:
            reason = exc.reason if isinstance(exc, ValidationError) else str(exc)
            errors.append((f"rows[{i}].{role}", reason))
            ok = False
    return values if ok else None


def _is_blank(cell: object) -> bool:
    """An empty cell: ``None`` (a frame's null), ``""`` (CSV) or a float NaN (pandas)."""
    return cell is None or cell == "" or (type(cell) is float and cell != cell)


def _checked_option(path: str, value: object, read: Callable[[object], str]) -> str:
    try:
        return read(value)
    except ValueError as exc:
        raise ValidationError(path, str(exc)) from None


def _day(moment: datetime, tz: tzinfo | None) -> date:
    return (moment.astimezone(tz) if tz is not None else moment).date()


def _customer(
    cid: str,
    rows: list[_Order],
    tz: tzinfo | None,
    same_day: SameDay,
    parties: Mapping[str, Party] | Callable[[str], Party] | None,
    errors: list[tuple[str, str]],
) -> Customer | None:
    """One customer from its rows (errors appended, ``None`` returned, when refused)."""
    currency = rows[0].currency
    for row in rows:
        if row.currency != currency:
            msg = (
                f"{row.currency} beside {currency} in row {rows[0].row}; a customer's "
                "purchases share one currency"
            )
            errors.append((f"rows[{row.row}].currency", msg))
            return None
    groups: dict[object, list[_Order]] = {}
    for row in rows:
        if row.id is not None:
            key: object = ("id", row.id)
        elif same_day == "one":
            key = ("day", _day(row.at, tz))
        else:
            key = ("row", row.row)
        groups.setdefault(key, []).append(row)
    merged = [_merge(group) for group in groups.values()]
    merged.sort(key=lambda o: (o.at.astimezone(timezone.utc), o.row))
    purchases: list[Purchase] = []
    for n, o in enumerate(merged, start=1):
        try:
            money = Money(o.amount, currency)
            purchases.append(
                Purchase(o.id if o.id is not None else f"{cid}-{n}", o.at, money, o.channel)
            )
        except ValidationError as exc:
            field = "amount" if exc.path.startswith("amount") or not exc.path else exc.path
            errors.append((f"rows[{o.row}].{field}", exc.reason))
            return None
    try:
        party = _party(cid, parties)
        customer = Customer(cid, party, created_at=purchases[0].at, currency=currency)
        return customer.add_purchases(purchases)
    except ValidationError as exc:
        errors.append((f"customers[{cid!r}].{exc.path}".rstrip("."), exc.reason))
        return None


def _merge(group: list[_Order]) -> _Order:
    if len(group) == 1:
        return group[0]
    first = min(group, key=lambda o: (o.at.astimezone(timezone.utc), o.row))
    total = sum((o.amount for o in group), Decimal(0))
    return _Order(first.id, first.at, total, first.currency, first.channel, first.row)


def _party(cid: str, parties: Mapping[str, Party] | Callable[[str], Party] | None) -> Party:
    if parties is None:
        return Person(full_name=cid)
    if isinstance(parties, Mapping):
        found = parties.get(cid)
        party: object = Person(full_name=cid) if found is None else found
    else:
        party = parties(cid)
    return check_type("party", party, (Person, Organization))


def read_transactions_csv(
    lines: Iterable[str], *, delimiter: str | None = ",", **options: Any
) -> tuple[Customer, ...]:
    """:func:`load_transactions` over CSV text with a header row.

    ``lines`` is any iterable of text lines: an open file, ``text.splitlines()``.
    ``delimiter=None`` splits on runs of whitespace (fixed-width exports such as
    CDNOW's). Every option of :func:`load_transactions` applies; columns are named by
    the header.

    >>> from datetime import timezone
    >>> text = "customer_id,at,amount\\nc1,2026-01-05,100000\\nc2,2026-01-06,5000"
    >>> [c.id for c in read_transactions_csv(text.splitlines(), tz=timezone.utc)]
    ['c1', 'c2']
    """
    if isinstance(lines, (str, bytes)):
        msg = "expected lines (an open file or text.splitlines()), got one string"
        raise ValidationError("lines", msg)
    if delimiter is None:
        split = (line.split() for line in lines if line.strip())
        header = next(split, None)
        rows: Iterable[object] = (
            () if header is None else (dict(zip(header, cells, strict=False)) for cells in split)
        )
    else:
        rows = csv.DictReader(lines, delimiter=delimiter)
    return load_transactions(rows, **options)


# --- customers back to a transaction table ----------------------------------------------


def purchase_rows(
    customers: Iterable[Customer],
) -> Iterator[tuple[str, str, datetime, Decimal, str, str]]:
    """One row per purchase: ``(customer_id, purchase_id, at, amount, currency,
    channel)`` (:data:`TRANSACTION_COLUMNS`), customers in order, purchases in time order.

    The rows load back with ``load_transactions(rows, order_id=1, at=2, amount=3,
    currency=4, channel=5)`` to customers with the same purchases.

    >>> from datetime import timezone
    >>> book = load_transactions([("c1", "2026-01-05", "100000")], tz=timezone.utc)
    >>> next(purchase_rows(book))[:2], next(purchase_rows(book))[3:]
    (('c1', 'c1-1'), (Decimal('100000'), 'VND', 'in_store'))
    """
    for customer in customers:
        check_type("customers", customer, Customer)
        for p in customer.purchases:
            yield (
                customer.id,
                p.id,
                p.at,
                p.amount.amount,
                p.amount.currency,
                p.channel.value,
            )


def transactions_to_frame(customers: Iterable[Customer]) -> pl.DataFrame:
    """:func:`purchase_rows` as a Polars frame (needs the ``polars`` extra).

    Columns: ``customer_id`` and ``purchase_id`` (String), ``at`` (Datetime in UTC,
    microseconds), ``amount`` (Decimal with the finest scale of the book's currencies),
    ``currency`` and ``channel`` (String).

    >>> from datetime import timezone
    >>> book = load_transactions([("c1", "2026-01-05", "100000")], tz=timezone.utc)
    >>> transactions_to_frame(book).columns
    ['customer_id', 'purchase_id', 'at', 'amount', 'currency', 'channel']
    """
    import polars as pl

    rows = list(purchase_rows(customers))
    scale = max((CURRENCIES[r[4]] for r in rows), default=0)
    columns: list[tuple[Any, ...]] = (
        list(zip(*rows, strict=True)) if rows else [() for _ in TRANSACTION_COLUMNS]
    )
    at = [m.astimezone(timezone.utc) for m in columns[2]]
    return pl.DataFrame(
        [
            pl.Series("customer_id", columns[0], dtype=pl.String),
            pl.Series("purchase_id", columns[1], dtype=pl.String),
            pl.Series("at", at, dtype=pl.Datetime("us", "UTC")),
            pl.Series("amount", columns[3], dtype=pl.Decimal(38, scale)),
            pl.Series("currency", columns[4], dtype=pl.String),
            pl.Series("channel", columns[5], dtype=pl.String),
        ]
    )
