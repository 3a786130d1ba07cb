"""Converter hooks for complaints, feedback, loyalty and internal care."""

from __future__ import annotations

import cattrs

from khachhang.fsm import Payload

PAYLOADS: tuple[tuple[type[Payload], str], ...] = ()
"""Event payload classes of the service side and the tag each is written with."""


def configure(conv: cattrs.Converter) -> None:
    """Register the service side's structure and unstructure hooks on ``conv``."""
