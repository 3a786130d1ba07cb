"""The complaint-SLA part of ``python -m khachhang demo`` (pure: text in, text out)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from khachhang.customers import Customer


def render(customers: Sequence[Customer], *, as_of: datetime, lang: str = "vi") -> str:
    """The complaint SLA status for the sample book ``customers`` as of ``as_of``."""
    return ""
