"""How a refusal is reported: every bad path with its reason, and advice for a missing hook."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import get_origin

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    StructureHandlerNotFoundError,
)

from khachhang.errors import KhachHangError, ValidationError
from khachhang.serde._scalars import _FOLD_NEEDS_ZONEINFO, _fold_lost, _keys

_JSON_SCALARS = (str, int, float, bool, type(None))


def _no_unstructure_hook(value: object) -> str:
    name = type(value).__name__
    return (
        f"{name} is not JSON data and not a model this library writes; "
        f"register an unstructure hook for {name} on khachhang.serde.converter"
    )


def _not_json(data: object, path: str, found: list[tuple[str, str]]) -> None:
    """Collect the paths in ``data`` holding something the JSON encoder cannot write."""
    if len(found) >= 10:
        return
    if isinstance(data, dict):
        for key, item in data.items():
            if not _json_key(key):
                found.append((f"{path}.{key}", _not_a_key(key)))
            _not_json(item, f"{path}.{key}", found)
    elif isinstance(data, (list, tuple)):
        for index, item in enumerate(data):
            _not_json(item, f"{path}[{index}]", found)
    elif isinstance(data, float) and not math.isfinite(data):
        found.append((path, f"{data} is not a JSON number"))
    elif not isinstance(data, _JSON_SCALARS):
        found.append((path, _no_unstructure_hook(data)))


_COLLECTION_KEY = "a collection key is not JSON data; JSON object keys are text"


def _unwritable_paths(value: object, fallback: str) -> list[tuple[str, str]]:
    """Name the path of every value in ``value`` that the converter cannot write: a time
    whose fold the JSON could not keep, a collection used as a key; else ``fallback``."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, object]] = [("$", value)]
    while stack and len(found) < 10:
        path, item = stack.pop()
        cls = type(item)
        if _fold_lost(item):
            found.append((path, _FOLD_NEEDS_ZONEINFO))
        elif attrs.has(cls):
            names = [field.name for field in attrs.fields(cls)]
            stack.extend((f"{path}.{name}", getattr(item, name, None)) for name in names)
        elif isinstance(item, Mapping):
            for key, sub in item.items():
                if isinstance(key, (tuple, frozenset)):
                    found.append((f"{path}.{key}", _COLLECTION_KEY))
                stack.append((f"{path}.{key}", sub))
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend((f"{path}[{index}]", sub) for index, sub in enumerate(item))
    return sorted(found) or [("$", fallback)]


def _json_key(key: object) -> bool:
    """Whether the JSON encoder writes ``key`` as an object key (it turns scalars to text)."""
    if isinstance(key, float):
        return math.isfinite(key)
    return isinstance(key, _JSON_SCALARS)


def _not_a_key(key: object) -> str:
    if isinstance(key, float):
        return f"{key} is not a JSON number, so not a key"
    name = type(key).__name__
    return f"a {name} key is not JSON data; JSON object keys are text"


def _format(exc: BaseException, type_: type | None) -> str:
    if isinstance(exc, (ValidationError,)):
        return exc.reason if not exc.path else f"{exc.reason} (at .{exc.path})"
    if isinstance(exc, KhachHangError):
        return str(exc)
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown key(s): {_keys(exc.extra_fields)}"
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, StructureHandlerNotFoundError):
        return _no_structure_hook(exc.type_)
    if isinstance(exc, (TypeError, AttributeError)):
        name = getattr(type_, "__name__", None) or repr(type_)
        return f"expected data for {name}, got something else ({exc})"
    return cattrs.v.format_exception(exc, type_)


def _problems(exc: BaseException) -> list[tuple[str, str]]:
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        problems = []
        for line in cattrs.transform_error(exc, "$", _format):
            reason, _, path = line.rpartition(" @ ")
            if reason.endswith(")") and " (at ." in reason:
                reason, _, inner = reason[:-1].rpartition(" (at .")
                path = f"{path}.{inner}"
            problems.append((path, reason))
        return sorted(problems)
    if isinstance(exc, ValidationError):
        return [(f"$.{exc.path}" if exc.path else "$", exc.reason)]
    return [("$", _format(exc, None))]


def _name(cls: object) -> str:
    return getattr(cls, "__name__", None) or repr(cls)


# How to name each generic model of the library with its type argument.
_GENERIC_EXAMPLES = {
    "Event": "Event[Lifecycle] (a customer's), Event[Stage] (a buying process's)",
}


def _unbound_generic(cls: object) -> str:
    name = _name(cls)
    params = ", ".join(p.__name__ for p in getattr(cls, "__parameters__", ()))
    example = _GENERIC_EXAMPLES.get(name, f"{name}[...]")
    return f"{name} is generic in {params}: pass it with its type argument, e.g. {example}"


def _no_structure_hook(type_: object) -> str:
    name = _name(type_)
    if not isinstance(type_, type) and get_origin(type_) is None:
        return f"{type_!r} is not a type; pass the model class to build"
    return (
        f"no structure hook for {name}: pass a khachhang model, "
        f"or register a structure hook for {name} on khachhang.serde.converter"
    )
