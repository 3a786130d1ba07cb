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

if TYPE_CHECKING:  # where each name of __all__ comes from (test_architecture checks)
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
    from khachhang.transactions import (
        load_transactions,
        purchase_rows,
        read_transactions_csv,
        transactions_to_frame,
    )

_MISSING = object()
_LAYERS = (
    "khachhang.errors",
    "khachhang.labels",
    "khachhang.money",
    "khachhang.kinds",
    "khachhang.parties",
    "khachhang.customers",
    "khachhang.serde",
    "khachhang.transactions",
)
"""Where the names of ``__all__`` live, lowest layer first: a name is taken from the first
module that has it, so ``from khachhang import Money`` imports no more than ``money`` needs."""

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
    "load_transactions",
    "purchase_rows",
    "read_transactions_csv",
    "to_dict",
    "to_json",
    "transactions_to_frame",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        for layer in _LAYERS:
            value = getattr(importlib.import_module(layer), name, _MISSING)
            if value is not _MISSING:
                globals()[name] = value
                return value
    msg = f"module 'khachhang' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
