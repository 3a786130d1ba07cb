"""Redaction of a customer frame (:func:`~khachhang.segmentation.customers_to_frame`),
before it is written out or loaded into a SQL engine.

Needs the ``polars`` extra; Polars is imported when a frame is redacted, never with
:mod:`khachhang.privacy`. The columns of the built-in fields that hold personal data
(:data:`FRAME_KINDS`) are treated as :func:`~khachhang.privacy.redact` treats the
fields they come from; an application's own columns are named with ``kinds=``.

>>> from datetime import datetime, timezone
>>> from khachhang import Customer, Money, Person
>>> from khachhang.segmentation import customers_to_frame
>>> t = datetime(2026, 1, 5, tzinfo=timezone.utc)
>>> book = [Customer("c-1", Person("Lê Minh"), created_at=t, income=Money("9000000"))]
>>> frame = redact_frame(customers_to_frame(book, as_of=t), RedactionPolicy.masking())
>>> frame["id"].to_list(), frame["income"].to_list()
(['c-1'], [None])
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from khachhang._checks import check_type
from khachhang.errors import ValidationError
from khachhang.privacy.redaction import (
    DataKind,
    RedactionPolicy,
    Treatment,
    check_key_for,
    pseudonym,
)

if TYPE_CHECKING:
    import polars as pl

__all__ = ["FRAME_KINDS", "redact_frame"]

FRAME_KINDS: Mapping[str, DataKind] = MappingProxyType(
    {
        "id": DataKind.IDENTIFIER,
        "age": DataKind.BIRTH_DATE,  # derived from the birth date: as coarse as its year
        "gender": DataKind.GENDER,
        "province": DataKind.REGION,
        "income": DataKind.INCOME,
        "income_currency": DataKind.INCOME,
        "tags": DataKind.NOTE,
    }
)
"""The columns of the built-in fields that hold personal data, and their kinds."""

# Masking keeps what is already as coarse as the masked field: an age (the masked birth
# date is its year) and a province (kept by every mask).
_MASK_KEEPS = frozenset({DataKind.BIRTH_DATE, DataKind.REGION})


def _mask_text(value: object) -> str | None:
    return None if value is None else f"{str(value)[:1]}***"


def redact_frame(
    frame: pl.DataFrame,
    policy: RedactionPolicy | None = None,
    *,
    key: bytes | None = None,
    kinds: Mapping[str, DataKind] | None = None,
) -> pl.DataFrame:
    """``frame`` with its personal columns treated by ``policy`` (masking by default).

    Kept columns keep their type. A dropped column, and a masked one with no partial
    form (gender, income, tags), becomes all ``null`` of its type; a masked identifier
    keeps its first character (``c***``); a hashed column becomes text: the
    :func:`~khachhang.privacy.pseudonym` of each value (of each item of a list), the
    same pseudonym :func:`~khachhang.privacy.redact` gives the same text, so a frame
    and a JSON export made with one key still join on the customer id.

    Args:
        frame: a frame such as :func:`~khachhang.segmentation.customers_to_frame` makes.
        policy: what to do with each kind of personal data.
        key: the secret of the pseudonyms (at least 16 bytes), when the policy hashes.
        kinds: more columns (an application's fields) and their kinds; they override
            :data:`FRAME_KINDS`.

    Raises:
        ValidationError: a bad policy, key, frame or ``kinds``, named.
    """
    import polars as pl

    policy = RedactionPolicy.masking() if policy is None else policy
    check_type("policy", policy, RedactionPolicy)
    check_type("frame", frame, pl.DataFrame)
    table = dict(FRAME_KINDS)
    if kinds is not None:
        if not isinstance(kinds, Mapping):
            msg = f"expected a mapping of column names to DataKind, got {type(kinds).__name__}"
            raise ValidationError("kinds", msg)
        for column_name, given in kinds.items():
            check_type(f"kinds[{column_name!r}]"[:80], given, DataKind)
        table.update(kinds)
    secret = check_key_for(policy, key)
    columns = []
    for name in frame.columns:
        found = table.get(name)
        if found is None:
            continue
        kind, treatment = found, policy.treatment(found)
        if treatment is Treatment.KEEP:
            continue
        column = frame[name]
        if treatment is Treatment.MASK and kind in _MASK_KEEPS:
            continue
        if treatment is Treatment.MASK and kind is DataKind.IDENTIFIER:
            columns.append(pl.Series(name, [_mask_text(v) for v in column], dtype=pl.String))
        elif treatment is Treatment.HASH and secret is not None:
            columns.append(_hashed(name, column, kind, secret))
        else:  # dropped, or masked without a partial form
            columns.append(pl.Series(name, [None] * len(column), dtype=column.dtype))
    return frame.with_columns(columns) if columns else frame


def _hashed(name: str, column: pl.Series, kind: DataKind, key: bytes) -> pl.Series:
    import polars as pl

    def one(value: Any) -> str | None:
        return None if value is None else pseudonym(str(value), kind, key=key)

    if isinstance(column.dtype, pl.List):
        values: list[Any] = [
            None if items is None else [one(v) for v in items] for items in column.to_list()
        ]
        return pl.Series(name, values, dtype=pl.List(pl.String))
    return pl.Series(name, [one(v) for v in column.to_list()], dtype=pl.String)
