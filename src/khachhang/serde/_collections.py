"""Hooks for collections and optionals: lists as tuples or sets, ``X | None``.

Factories: each looks its items' hook up when cattrs builds it, so a hook registered
later for the item type reaches the items too (cattrs rebuilds on every registration).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from types import UnionType
from typing import Any, Union, get_args

import cattrs
from cattrs.errors import IterableValidationError, IterableValidationNote

from khachhang.errors import ValidationError


def _is_variadic_tuple(cls: Any) -> bool:
    args = get_args(cls)
    return getattr(cls, "__origin__", None) is tuple and len(args) == 2 and args[1] is Ellipsis


def _is_collection(cls: Any) -> bool:
    return _is_variadic_tuple(cls) or getattr(cls, "__origin__", None) in (frozenset, set)


def _collection_structure_factory(cls: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """Lists only: cattrs would iterate a string into letters or a mapping into keys."""
    inner_type = get_args(cls)[0] if get_args(cls) else Any
    inner = conv.get_structure_hook(inner_type)
    origin = getattr(cls, "__origin__", tuple)
    make: Callable[[list[Any]], Any] = tuple if origin is tuple else frozenset
    detailed = conv.detailed_validation

    def structure(values: object, _: object) -> Any:
        if not isinstance(values, (list, tuple, set, frozenset)):
            msg = f"expected a list, got {type(values).__name__}"
            raise ValidationError("", msg)
        try:
            return make([inner(v, inner_type) for v in values])
        except Exception as exc:
            if not detailed:
                raise
            # Only to describe the failure: the same hook on the same items, each one's
            # error kept with its index. It never turns the refusal into a result.
            raise _every_item_error(values, exc) from None

    def _every_item_error(values: Iterable[object], first: Exception) -> Exception:
        errors: list[Exception] = []
        for index, value in enumerate(values):
            try:
                inner(value, inner_type)
            except Exception as exc:  # collected with the index, re-raised below
                note = IterableValidationNote(
                    f"Structuring {cls} @ index {index}", index, inner_type
                )
                setattr(exc, "__notes__", [*getattr(exc, "__notes__", []), note])  # noqa: B010
                errors.append(exc)
        if not errors:
            return first
        return IterableValidationError(f"While structuring {cls!r}", errors, cls)

    return structure


def _is_optional(cls: Any) -> bool:
    args = get_args(cls)
    return (
        (getattr(cls, "__origin__", None) is Union or isinstance(cls, UnionType))
        and len(args) == 2
        and type(None) in args
    )


def _optional_structure_factory(cls: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """``X | None`` with X's hook looked up once (cattrs looks it up on every value)."""
    inner_type = next(arg for arg in get_args(cls) if arg is not type(None))
    inner = conv.get_structure_hook(inner_type)

    def structure(value: object, _: object) -> Any:
        return None if value is None else inner(value, inner_type)

    return structure


def _tuple_unstructure_factory(cls: Any, conv: cattrs.Converter) -> Callable[[Any], Any]:
    inner = conv.get_unstructure_hook(get_args(cls)[0])

    def unstructure(values: tuple[Any, ...]) -> list[Any]:
        return list(map(inner, values))

    return unstructure


def _sort_key(item: object) -> tuple[str, str]:
    value = item.value if isinstance(item, enum.Enum) else item
    return (type(value).__name__, str(value))


def _frozenset_unstructure_factory(cls: Any, conv: cattrs.Converter) -> Callable[[Any], Any]:
    args = get_args(cls)
    item = args[0] if args else Any
    if item is str or (isinstance(item, type) and issubclass(item, enum.Enum)):
        # Strings and enum values (our enums have str values) sort by themselves.
        unstructure_item = conv.get_unstructure_hook(item)

        def unstructure_plain(values: frozenset[Any]) -> list[Any]:
            return sorted(map(unstructure_item, values))

        return unstructure_plain
    inner = conv.get_unstructure_hook(item) if args else conv.unstructure

    def unstructure(values: frozenset[Any]) -> list[Any]:
        return [inner(v) for v in sorted(values, key=_sort_key)]

    return unstructure
