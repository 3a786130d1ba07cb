"""Every hook of the library, installed on a converter by :func:`install`."""

from __future__ import annotations

import enum

import cattrs

from khachhang.customers import LifecyclePolicy
from khachhang.serde import _buying, _care, _segmentation
from khachhang.serde import _master as _master_data
from khachhang.serde._collections import (
    _collection_structure_factory,
    _frozenset_unstructure_factory,
    _is_collection,
    _is_optional,
    _is_variadic_tuple,
    _optional_structure_factory,
    _tuple_unstructure_factory,
)
from khachhang.serde._customers import configure_line_items
from khachhang.serde._scalars import SCALARS, _enum_hook, _enum_unstructure
from khachhang.serde._unions import (
    _is_payload,
    _payload_structure_factory,
    _payload_unstructure_factory,
    _remember_payload,
    configure_party,
)


def _is_enum(cls: object) -> bool:
    return isinstance(cls, type) and issubclass(cls, enum.Enum)


def install(conv: cattrs.Converter, *, shortcuts: bool = True) -> cattrs.Converter:
    """Install every hook of the library on ``conv``.

    Hooks that depend on other types' hooks are *factories*: cattrs calls them on first
    use and forgets what they built whenever a hook is registered, so a hook an
    application registers later reaches values nested anywhere in a model. ``shortcuts``
    adds the straight-line hooks for purchases (tests compare with and without).
    """
    for cls, unstructure, structure in SCALARS:
        if unstructure is not None:
            conv.register_unstructure_hook(cls, unstructure)
        conv.register_structure_hook(cls, structure)
    conv.register_structure_hook_factory(_is_enum, _enum_hook)
    conv.register_unstructure_hook_factory(
        lambda t: getattr(t, "__origin__", t) in (frozenset, set),
        _frozenset_unstructure_factory,
    )
    conv.register_unstructure_hook_factory(_is_enum, lambda t: _enum_unstructure)
    conv.register_unstructure_hook_factory(_is_variadic_tuple, _tuple_unstructure_factory)
    conv.register_structure_hook_factory(_is_collection, _collection_structure_factory)
    conv.register_unstructure_hook_factory(_is_payload, _payload_unstructure_factory)
    conv.register_structure_hook_factory(_is_payload, _payload_structure_factory)
    conv.register_structure_hook_factory(_is_optional, _optional_structure_factory)
    configure_party(conv)
    _segmentation.configure(conv)
    _care.configure(conv)
    _master_data.configure(conv)
    if shortcuts:
        configure_line_items(conv)
    return conv


def remember_builtin_payloads() -> None:
    """Give every event payload class of the library its tag."""
    _remember_payload(LifecyclePolicy, "lifecycle_policy")
    for package in (_buying, _care):
        for cls, tag in package.PAYLOADS:
            _remember_payload(cls, tag)
