"""khachhang — customer-management domain models from Vietnamese business practice.

The public names are re-exported here and loaded on first use (PEP 562), so
``import khachhang`` stays cheap; ``from khachhang import Customer`` loads what it needs.

>>> import khachhang
>>> khachhang.Money("20000000").format("en")
'₫20,000,000'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from khachhang._version import __version__

if TYPE_CHECKING:
    from khachhang.customers import (
        LIFECYCLE,
        AcquisitionSource,
        Customer,
        LifecyclePolicy,
        LineItem,
        Purchase,
        PurchaseChannel,
    )
    from khachhang.errors import (
        ConversionError,
        CurrencyMismatchError,
        KhachHangError,
        LogError,
        RuleError,
        TransitionError,
        ValidationError,
    )
    from khachhang.kinds import (
        BusinessCategory,
        InternalUnit,
        Lifecycle,
        Market,
        PartyType,
        Role,
        Scope,
    )
    from khachhang.labels import BilingualEnum
    from khachhang.money import Money
    from khachhang.parties import (
        Address,
        ContactChannel,
        ContactKind,
        ContactPoint,
        Gender,
        Organization,
        Party,
        Person,
    )
    from khachhang.serde import from_dict, from_json, to_dict, to_json

_EXPORTS = {
    "khachhang.customers": (
        "LIFECYCLE",
        "AcquisitionSource",
        "Customer",
        "LifecyclePolicy",
        "LineItem",
        "Purchase",
        "PurchaseChannel",
    ),
    "khachhang.errors": (
        "ConversionError",
        "CurrencyMismatchError",
        "KhachHangError",
        "LogError",
        "RuleError",
        "TransitionError",
        "ValidationError",
    ),
    "khachhang.kinds": (
        "BusinessCategory",
        "InternalUnit",
        "Lifecycle",
        "Market",
        "PartyType",
        "Role",
        "Scope",
    ),
    "khachhang.labels": ("BilingualEnum",),
    "khachhang.money": ("Money",),
    "khachhang.parties": (
        "Address",
        "ContactChannel",
        "ContactKind",
        "ContactPoint",
        "Gender",
        "Organization",
        "Party",
        "Person",
    ),
    "khachhang.serde": ("from_dict", "from_json", "to_dict", "to_json"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = [
    "LIFECYCLE",
    "AcquisitionSource",
    "Address",
    "BilingualEnum",
    "BusinessCategory",
    "ContactChannel",
    "ContactKind",
    "ContactPoint",
    "ConversionError",
    "CurrencyMismatchError",
    "Customer",
    "Gender",
    "InternalUnit",
    "KhachHangError",
    "Lifecycle",
    "LifecyclePolicy",
    "LineItem",
    "LogError",
    "Market",
    "Money",
    "Organization",
    "Party",
    "PartyType",
    "Person",
    "Purchase",
    "PurchaseChannel",
    "Role",
    "RuleError",
    "Scope",
    "TransitionError",
    "ValidationError",
    "__version__",
    "from_dict",
    "from_json",
    "to_dict",
    "to_json",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        msg = f"module 'khachhang' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
