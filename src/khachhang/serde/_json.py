"""The JSON text itself: one shared compact encoder and the strict reader.

The reader refuses a key written twice in one object; only then is the text read a
second time, to name every repeated key with its path.
"""

from __future__ import annotations

import json
from typing import Any

from khachhang._checks import shown

_MAX_JSON_CHARS = 50_000_000


# What json.dumps(data, ensure_ascii=False, separators=(",", ":"), check_circular=False)
# builds on every call; an encoder keeps no state between calls, so one is shared.
# NaN and Infinity are not JSON (RFC 8259): refused, never written.
_COMPACT = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), check_circular=False, allow_nan=False
)


class _DuplicateKeyError(Exception):
    """Raised inside the JSON reader; :func:`from_json` then finds every path."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _DuplicateKeyError
    return obj


class _NonFiniteError(Exception):
    """Raised inside the JSON reader for NaN or Infinity, which are not JSON."""


def _no_constant(name: str) -> Any:
    raise _NonFiniteError(name)


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_constant)


def _text(text: str | bytes | bytearray) -> str:
    """What :func:`json.loads` decodes bytes to (UTF-8, -16 or -32), without a BOM."""
    if not isinstance(text, str):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    return text[1:] if text.startswith("\ufeff") else text


def _read_json(text: str | bytes | bytearray) -> Any:
    return _DECODER.decode(_text(text))


class _Repeated(dict[str, Any]):
    """An object read with its repeated keys noted (only to report them)."""

    repeated: tuple[str, ...] = ()


def _noting_repeats(pairs: list[tuple[str, Any]]) -> _Repeated:
    obj = _Repeated(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        repeated: list[str] = []
        for key, _ in pairs:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        obj.repeated = tuple(repeated)
    return obj


def _duplicate_keys(text: str | bytes | bytearray) -> list[tuple[str, str]]:
    """Read ``text`` again, noting repeats, and name every repeated key with its path."""
    data = json.JSONDecoder(object_pairs_hook=_noting_repeats).decode(_text(text))
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, object]] = [("$", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _Repeated):
            for key in dict.fromkeys(value.repeated):
                found.append((f"{path}.{key}", f"key {shown(key)} appears more than once"))
            stack.extend((f"{path}.{k}", v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
    return sorted(found)


class _Constant(str):
    """A NaN or Infinity read back as a marker (only to report where it was)."""


def _non_finite(text: str | bytes | bytearray) -> list[tuple[str, str]]:
    """Read ``text`` again, keeping NaN and Infinity as markers, and name every path."""
    data = json.JSONDecoder(parse_constant=_Constant).decode(_text(text))
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, object]] = [("$", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _Constant):
            found.append((path, f"{value} is not a JSON number"))
        elif isinstance(value, dict):
            stack.extend((f"{path}.{k}", v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
    return sorted(found)
