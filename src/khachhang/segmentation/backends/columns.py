"""What the Polars and SQL backends share: column names and the ``within`` window.

Pure and free of the optional engines, so both backends import it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone

from khachhang.errors import RuleError
from khachhang.segmentation.evaluate import window_start
from khachhang.segmentation.fields import Field, FieldKind, FieldRegistry

ID_COLUMN = "id"
"""The column holding each customer's id."""

CURRENCY_SUFFIX = "_currency"
"""A money field's currency column is its amount column plus this suffix."""

_MAX_COLUMN_NAME = 200


def resolve_columns(
    columns: Mapping[str, str] | None, registry: FieldRegistry
) -> Callable[[Field], tuple[str, str]]:
    """``field -> (column, currency column)`` honouring the caller's ``columns`` map.

    Keys are field names, or ``"<money field>.currency"`` for a money field's currency
    column; a key that is not a field of ``registry`` is a :class:`RuleError`.

    >>> from khachhang.segmentation import DEFAULT_REGISTRY
    >>> resolve = resolve_columns({"total_spent": "tong_chi"}, DEFAULT_REGISTRY)
    >>> resolve(DEFAULT_REGISTRY["total_spent"])
    ('tong_chi', 'tong_chi_currency')
    """
    if columns is not None and not isinstance(columns, Mapping):
        msg = f"expected a mapping of field names to column names, got {type(columns).__name__}"
        raise RuleError("columns", msg)
    given = dict(columns or {})
    for key, value in given.items():
        name = (
            key[: -len(".currency")] if isinstance(key, str) and key.endswith(".currency") else key
        )
        if not isinstance(key, str) or name not in registry:
            raise RuleError(f"columns[{key!r}]"[:80], "not a field of the registry")
        if key != name and registry[name].kind is not FieldKind.MONEY:
            raise RuleError(f"columns[{key!r}]", "only money fields have a currency column")
        if not isinstance(value, str) or not value or len(value) > _MAX_COLUMN_NAME:
            raise RuleError(f"columns[{key!r}]", "expected a column name (str)")

    def resolve(field: Field) -> tuple[str, str]:
        column = given.get(field.name, field.column)
        currency = given.get(field.name + ".currency", column + CURRENCY_SUFFIX)
        return column, currency

    return resolve


_UTC_MIN = datetime.min.replace(tzinfo=timezone.utc)
_UTC_MAX = datetime.max.replace(tzinfo=timezone.utc)

Window = tuple[datetime | None, datetime | None]
"""``(start, end)`` in UTC; ``None`` for an end with no bound."""


def window(as_of: datetime, days: int) -> Window | None:
    """``within(days=N)``'s bounds in UTC, as in memory: ``None`` when no instant fits.

    The start is ``days`` × 24 hours before ``as_of`` (see
    :func:`~khachhang.segmentation.evaluate.window_start`). An end that UTC cannot
    hold (``as_of`` at 9999-12-31 in a western offset; a start before year 1) is left
    open: every value a column can hold lies on its side. A window that ends before
    UTC's year 1, or starts after its year 9999, holds no value: ``None``.

    >>> from datetime import timedelta
    >>> start, end = window(datetime(2026, 1, 31, 7, tzinfo=timezone(timedelta(hours=7))), 30)
    >>> start.isoformat(), end.isoformat()
    ('2026-01-01T00:00:00+00:00', '2026-01-31T00:00:00+00:00')
    >>> window(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))), 30) is None
    True
    """
    start = window_start(as_of, days)
    if as_of < _UTC_MIN or (start is not None and start > _UTC_MAX):
        return None
    end = None if as_of > _UTC_MAX else as_of.astimezone(timezone.utc)
    low = None if start is None or start < _UTC_MIN else start.astimezone(timezone.utc)
    return low, end
