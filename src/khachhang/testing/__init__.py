"""Hypothesis strategies for khachhang's models, for your own property tests.

Every strategy draws only valid values, built directly (no heavy filtering), with
keyword arguments to pin down the interesting parts:

.. code-block:: python

    from hypothesis import given
    from khachhang import Scope
    from khachhang.testing import customers

    @given(customers(scope=Scope.INTERNAL, min_purchases=1))
    def test_internal_customers_have_no_market(customer):
        assert customer.market is None

With khachhang installed, Hypothesis also knows the models through its entry point
(``st.from_type(Customer)`` works with no import); see :mod:`khachhang.testing._hook`.

The strategies are loaded on first use (PEP 562), so Hypothesis can import the hook
module while it is itself still being imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what each module lists in __all__ (F403: the face is their union)
    from khachhang.testing._analytics import *  # noqa: F403
    from khachhang.testing._buying import *  # noqa: F403
    from khachhang.testing._care import *  # noqa: F403
    from khachhang.testing._care_service import *  # noqa: F403
    from khachhang.testing._dedupe import *  # noqa: F403
    from khachhang.testing._master import *  # noqa: F403
    from khachhang.testing._privacy import *  # noqa: F403
    from khachhang.testing._redaction import *  # noqa: F403
    from khachhang.testing._segmentation import *  # noqa: F403
    from khachhang.testing._strategies import *  # noqa: F403

_MODULES = (
    "khachhang.testing._strategies",
    "khachhang.testing._segmentation",
    "khachhang.testing._buying",
    "khachhang.testing._care",
    "khachhang.testing._care_service",
    "khachhang.testing._dedupe",
    "khachhang.testing._analytics",
    "khachhang.testing._privacy",
    "khachhang.testing._redaction",
    "khachhang.testing._master",
)
"""The private modules behind this face: each one's ``__all__`` is its part of the face,
so every public name is listed once, where it is defined."""


def _load(module: str) -> Any:
    # Import Hypothesis before a strategies module: Hypothesis runs khachhang's entry
    # point while it is imported, and the hook must not meet a half-imported module.
    try:
        importlib.import_module("hypothesis")
    except ImportError as exc:
        msg = "khachhang.testing needs Hypothesis: pip install hypothesis (or 'khachhang[test]')"
        raise ImportError(msg) from exc
    return importlib.import_module(module)


def __getattr__(name: str) -> Any:
    if name == "__all__":
        value: Any = sorted(n for module in _MODULES for n in _load(module).__all__)
        globals()[name] = value
        return value
    if not name.startswith("__"):  # probes for dunders (doctest's __test__) import nothing
        for module in _MODULES:
            source = _load(module)
            if name in source.__all__:
                value = getattr(source, name)
                globals()[name] = value
                return value
    msg = f"module 'khachhang.testing' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted({*globals(), *__getattr__("__all__")})
