"""Small validation helpers shared by the models (private).

They raise :class:`~khachhang.errors.ValidationError` with the field's path, never a
bare ``TypeError``, so wrong-typed input from untrusted sources reads like any other
validation failure.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from khachhang.errors import ValidationError

T = TypeVar("T")


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, for error messages about hostile input."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def check_type(path: str, value: object, expected: type[T] | tuple[type[Any], ...]) -> T:
    """Return ``value`` if it is an instance of ``expected`` (bools are not ints)."""
    if type(value) is expected:
        return value  # type: ignore[return-value,unused-ignore]
    kinds = expected if isinstance(expected, tuple) else (expected,)
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        names = " or ".join(k.__name__ for k in kinds)
        msg = f"expected {names}, got {type(value).__name__}"
        raise ValidationError(path, msg)
    return value  # type: ignore[return-value,unused-ignore]


def check_optional(path: str, value: object, expected: type[T]) -> T | None:
    """``None``, or ``value`` if it is an instance of ``expected``."""
    return None if value is None else check_type(path, value, expected)


def clean_text(path: str, value: object, *, max_len: int = 200, allow_empty: bool = False) -> str:
    """Strip, NFC-normalise and collapse whitespace; refuse empty or over-long text."""
    if (
        type(value) is str
        and 0 < len(value) <= max_len
        and value.isprintable()
        and value[0] != " "
        and value[-1] != " "
        and "  " not in value
        and (value.isascii() or unicodedata.is_normalized("NFC", value))
    ):
        return value  # already clean: the common case when loading stored data
    if type(value) is str and not value and allow_empty:
        return value  # an empty optional text (a label, a street): what the general path gives
    text = check_type(path, value, str)
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not text.isprintable():
        bad = next(ch for ch in text if not ch.isprintable())
        msg = f"contains a control, format or unpaired surrogate character (U+{ord(bad):04X})"
        raise ValidationError(path, msg)
    if not text and not allow_empty:
        raise ValidationError(path, "must not be empty")
    if len(text) > max_len:
        msg = f"longer than {max_len} characters ({len(text)})"
        raise ValidationError(path, msg)
    return text


def check_items(path: str, values: Iterable[object], expected: type[T]) -> tuple[T, ...]:
    """Check every item of ``values``; the error names the item's index."""
    items = tuple(values)
    for i, value in enumerate(items):
        if type(value) is not expected and not isinstance(value, expected):
            check_type(f"{path}[{i}]", value, expected)
    return items  # type: ignore[return-value]


def as_collection(path: str, values: object) -> tuple[object, ...]:
    """A tuple of the items of ``values``: a list, tuple, set or other iterable.

    One string, one mapping or ``None`` is refused: iterating them would silently turn
    ``"vip"`` into three tags or a dict into its keys.
    """
    kind = type(values)
    if kind is tuple:
        return values  # type: ignore[return-value]
    if kind is list or kind is frozenset or kind is set:
        return tuple(values)  # type: ignore[arg-type]
    if values is None or isinstance(values, (str, bytes, Mapping)):
        msg = f"expected a collection (list, tuple or set), got {type(values).__name__}"
        raise ValidationError(path, msg)
    try:
        return tuple(values)  # type: ignore[arg-type]
    except TypeError:
        msg = f"expected a collection (list, tuple or set), got {type(values).__name__}"
        raise ValidationError(path, msg) from None
