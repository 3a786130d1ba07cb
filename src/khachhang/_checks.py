"""Small validation helpers shared by the models (private).

They raise :class:`~khachhang.errors.ValidationError` with the field's path, never a
bare ``TypeError``, so wrong-typed input from untrusted sources reads like any other
validation failure.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any, TypeVar

from khachhang.errors import ValidationError, naive_datetime_reason

T = TypeVar("T")


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, for error messages about hostile input."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def check_type(path: str, value: object, expected: type[T] | tuple[type[Any], ...]) -> T:
    """Return ``value`` if it is an instance of ``expected`` (bools are not ints)."""
    if type(value) is expected:
        return value  # type: ignore[return-value,unused-ignore]  # checked above: value is a T
    kinds = expected if isinstance(expected, tuple) else (expected,)
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        names = " or ".join(k.__name__ for k in kinds)
        msg = f"expected {names}, got {type(value).__name__}"
        raise ValidationError(path, msg)
    return value  # type: ignore[return-value,unused-ignore]  # checked above: value is a T


def check_optional(path: str, value: object, expected: type[T]) -> T | None:
    """``None``, or ``value`` if it is an instance of ``expected``."""
    return None if value is None else check_type(path, value, expected)


# Text longer than this many times its limit (and than 1000 characters) is refused
# before any normalisation, so a hostile megabyte costs nothing (folding spacing and NFC
# composition shorten text, never by this factor for anything a person writes).
_RAW_FACTOR = 4
# Control and format characters (NUL, bidi overrides), unpaired surrogates, and line and
# paragraph separators: text that cannot be encoded, or that breaks lines or display.
_KEY_REFUSED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _too_long(path: str, text: str, max_len: int) -> ValidationError:
    return ValidationError(path, f"longer than {max_len} characters ({len(text)})")


def check_key(path: str, value: object, *, max_len: int = 128) -> str:
    """An opaque key (a customer id, a purchase id, a SKU, an actor): kept exactly.

    Keys join records across systems, so they are never rewritten: no trimming, no
    whitespace folding, no Unicode normalisation ("o 1" and "o  1" stay two ids).
    Refused: a non-string, empty or blank text, more than ``max_len`` characters, and
    control or format characters, unpaired surrogates and line separators (text that
    cannot be stored as UTF-8, be written on one line or be shown as it is).
    """
    if type(value) is str and 0 < len(value) <= max_len and value.isprintable() and value[0] != " ":
        return value  # the common case: printable means no control, format or surrogate
    text = check_type(path, value, str)
    if len(text) > max_len:
        raise _too_long(path, text, max_len)
    if not text or text.isspace():
        raise ValidationError(path, "must not be empty or blank")
    for ch in text:
        if unicodedata.category(ch) in _KEY_REFUSED:
            msg = f"contains a control, format or unpaired surrogate character (U+{ord(ch):04X})"
            raise ValidationError(path, msg)
    return text


def check_optional_key(path: str, value: object, *, max_len: int = 128) -> str | None:
    """``None``, or an opaque key checked by :func:`check_key`."""
    return None if value is None else check_key(path, value, max_len=max_len)


def refused_in_text(text: str) -> str | None:
    """The first character human text refuses, or ``None``.

    Control and format characters and unpaired surrogates are refused; whitespace
    (a tab, a line break) is not: :func:`clean_text` folds it into single spaces.
    """
    if text.isprintable():
        return None
    return next((ch for ch in text if not ch.isprintable() and not ch.isspace()), None)


def clean_text(path: str, value: object, *, max_len: int = 200, allow_empty: bool = False) -> str:
    """Human text (a name, a label, a note): strip, NFC-normalise and collapse whitespace.

    Refused: a non-string, empty text (unless ``allow_empty``), more than ``max_len``
    characters after folding (far longer text is refused before any work), and
    control, format or unpaired surrogate characters. Keys use :func:`check_key`.
    """
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
    if len(text) > max(_RAW_FACTOR * max_len, 1000):
        raise _too_long(path, text, max_len)
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not text.isprintable():
        bad = next(ch for ch in text if not ch.isprintable())
        msg = f"contains a control, format or unpaired surrogate character (U+{ord(bad):04X})"
        raise ValidationError(path, msg)
    if not text and not allow_empty:
        raise ValidationError(path, "must not be empty")
    if len(text) > max_len:
        raise _too_long(path, text, max_len)
    return text


def check_items(path: str, values: Iterable[object], expected: type[T]) -> tuple[T, ...]:
    """Check every item of ``values``; the error names the item's index."""
    items = tuple(values)
    for i, value in enumerate(items):
        if type(value) is not expected and not isinstance(value, expected):
            check_type(f"{path}[{i}]", value, expected)
    return items  # type: ignore[return-value]  # every item checked above


def as_collection(path: str, values: object) -> tuple[object, ...]:
    """A tuple of the items of ``values``: a list, tuple, set or other iterable.

    One string, one mapping or ``None`` is refused: iterating them would silently turn
    ``"vip"`` into three tags or a dict into its keys.
    """
    kind = type(values)
    if kind is tuple:
        return values  # type: ignore[return-value]  # type(values) is tuple
    if kind is list or kind is frozenset or kind is set:
        return tuple(values)  # type: ignore[arg-type]  # a list or set, so iterable
    if values is None or isinstance(values, (str, bytes, Mapping)):
        msg = f"expected a collection (list, tuple or set), got {type(values).__name__}"
        raise ValidationError(path, msg)
    try:
        return tuple(values)  # type: ignore[arg-type]  # not iterable: TypeError, below
    except TypeError:
        msg = f"expected a collection (list, tuple or set), got {type(values).__name__}"
        raise ValidationError(path, msg) from None


def require_aware(value: object, path: str = "at") -> datetime:
    """Return ``value`` if it is a timezone-aware ``datetime``; raise otherwise.

    >>> require_aware(datetime(2026, 1, 1))
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: at: naive datetime ...; pass a timezone-aware one ...
    """
    if not isinstance(value, datetime):
        msg = f"expected a timezone-aware datetime, got {type(value).__name__}"
        raise ValidationError(path, msg)
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValidationError(path, naive_datetime_reason(value))
    return value


_UTC = timezone.utc


def require_instant(value: object, path: str = "at") -> datetime:
    """As :func:`require_aware`, and the instant must be one UTC can hold (years 1 to
    9999): a model's time is compared and converted to UTC, which must not overflow.

    >>> require_instant(datetime(9999, 12, 31, 23, tzinfo=timezone.min))
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: at: outside the range of UTC instants (years 1 to 9999)
    """
    value = require_aware(value, path)
    try:
        value.astimezone(_UTC)
    except OverflowError:
        msg = "outside the range of UTC instants (years 1 to 9999)"
        raise ValidationError(path, msg) from None
    return value


def instant(value: datetime) -> datetime:
    """``value`` as something every comparison orders by the instant it names.

    Python compares two datetimes that share one ``tzinfo`` by wall time, ignoring
    ``fold``: in a zone with DST, 02:15 (fold=1, the second pass) would sort before
    02:30 (fold=0) although it is 45 minutes later. A fixed offset has no fold, so it is
    returned as is; anything else is converted to UTC. Comparing ``x < instant(y)`` or
    subtracting ``x - instant(y)`` is then right whatever zone ``x`` is in.
    """
    return value if type(value.tzinfo) is timezone else value.astimezone(_UTC)
