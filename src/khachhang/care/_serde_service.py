"""Converter hooks for complaints, feedback, loyalty and internal care.

Conventions added here: a holiday mapping is an object of ISO dates to names (durations
and times of day are the main converter's, see :mod:`khachhang.serde`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import cattrs

from khachhang._checks import shown
from khachhang.care.complaints import Resolution
from khachhang.errors import ValidationError
from khachhang.fsm import Payload

PAYLOADS: tuple[tuple[type[Payload], str], ...] = ((Resolution, "complaint_resolution"),)
"""Event payload classes of the service side and the tag each is written with."""


def _unstructure_holidays(value: Mapping[date, str]) -> dict[str, str]:
    return {day.isoformat(): name for day, name in value.items()}


def _structure_holidays(value: object, _: Any) -> dict[date, str]:
    if not isinstance(value, Mapping):
        msg = f"expected an object of ISO dates to names, got {type(value).__name__}"
        raise ValidationError("", msg)
    out: dict[date, str] = {}
    for key, name in value.items():
        try:
            day = date.fromisoformat(key) if isinstance(key, str) else None
        except ValueError:
            day = None
        if day is None:
            raise ValidationError("", f"not an ISO date key: {shown(key)}")
        if not isinstance(name, str):
            raise ValidationError(key, f"expected a name, got {type(name).__name__}")
        out[day] = name
    return out


def configure(conv: cattrs.Converter) -> None:
    """Register the service side's structure and unstructure hooks on ``conv``."""
    conv.register_unstructure_hook_func(_is_holidays, _unstructure_holidays)
    conv.register_structure_hook_func(_is_holidays, _structure_holidays)


def _is_holidays(cls: Any) -> bool:
    return bool(cls == Mapping[date, str])
