"""Converter hooks for complaints, feedback, loyalty and internal care.

Conventions added here: a ``timedelta`` is its exact length in seconds as a decimal
string (``"14400"``, ``"0.5"``); a wall-clock ``time`` is ISO ``HH:MM[:SS]``; a holiday
mapping is an object of ISO dates to names.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time, timedelta
from decimal import Context, Decimal, InvalidOperation
from typing import Any

import cattrs

from khachhang._checks import shown
from khachhang.care.complaints import Resolution
from khachhang.errors import ValidationError
from khachhang.fsm import Payload

PAYLOADS: tuple[tuple[type[Payload], str], ...] = ((Resolution, "complaint_resolution"),)
"""Event payload classes of the service side and the tag each is written with."""

_MICRO = Decimal("0.000001")
# Exact for every timedelta (at most 21 digits); never the caller's thread-local context.
_CONTEXT = Context(prec=40, traps=[InvalidOperation])
_MAX_SECONDS = Decimal(timedelta.max.total_seconds())


def _unstructure_timedelta(value: timedelta) -> str:
    micros = (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    seconds = Decimal(micros).scaleb(-6, _CONTEXT)
    return format(seconds.normalize(_CONTEXT), "f") if seconds else "0"


def _structure_timedelta(value: object, _: type) -> timedelta:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        msg = f"expected a duration in seconds as a decimal string, got {type(value).__name__}"
        raise ValidationError("", msg)
    try:
        seconds = Decimal(value)
    except InvalidOperation:
        raise ValidationError("", f"not a number of seconds: {shown(value)}") from None
    if not seconds.is_finite() or seconds.copy_abs() >= _MAX_SECONDS:
        raise ValidationError("", f"not a usable duration: {shown(value)}")
    micros = seconds.scaleb(6, _CONTEXT)
    if micros != micros.to_integral_value(context=_CONTEXT):
        raise ValidationError("", f"finer than a microsecond: {shown(value)}")
    return timedelta(microseconds=int(micros))


def _structure_time(value: object, _: type) -> time:
    if not isinstance(value, str):
        raise ValidationError("", f"expected an ISO time string, got {type(value).__name__}")
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ValidationError("", f"not an ISO time (HH:MM[:SS]): {shown(value)}") from None


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
    conv.register_unstructure_hook(timedelta, _unstructure_timedelta)
    conv.register_structure_hook(timedelta, _structure_timedelta)
    conv.register_unstructure_hook(time, time.isoformat)
    conv.register_structure_hook(time, _structure_time)
    conv.register_unstructure_hook_func(_is_holidays, _unstructure_holidays)
    conv.register_structure_hook_func(_is_holidays, _structure_holidays)


def _is_holidays(cls: Any) -> bool:
    return bool(cls == Mapping[date, str])
