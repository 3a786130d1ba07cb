"""Converter hooks for :mod:`khachhang.master`.

Every master model is a plain attrs class the converter handles without extra hooks,
except :data:`~khachhang.master.FieldChange`, a field history entry: an object tagged
``"type"`` (``roles_changed``, ``tags_changed``, ``address_changed``, ``owner_changed``,
``contact_changed``). A :class:`~khachhang.master.Hierarchy` or
:class:`~khachhang.master.FieldHistory` is rebuilt by its constructor, which checks it.
"""

from __future__ import annotations

from typing import Any

import cattrs

from khachhang.master.history import (
    AddressChanged,
    ContactChanged,
    FieldChange,
    RolesChanged,
    TagsChanged,
)
from khachhang.master.ownership import OwnerChanged
from khachhang.serde._unions import tagged_union

_CHANGE_TAGS: dict[str, type[Any]] = {
    "roles_changed": RolesChanged,
    "tags_changed": TagsChanged,
    "address_changed": AddressChanged,
    "owner_changed": OwnerChanged,
    "contact_changed": ContactChanged,
}


def _is_field_change(cls: object) -> bool:
    return bool(cls == FieldChange)


def configure(conv: cattrs.Converter) -> None:
    """Register this package's hooks on ``conv``."""
    unstructure, structure = tagged_union(_CHANGE_TAGS, "field change")
    conv.register_unstructure_hook_factory(_is_field_change, unstructure)
    conv.register_structure_hook_factory(_is_field_change, structure)
