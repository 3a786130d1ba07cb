"""Converter hooks for :mod:`khachhang.care`, and its event payloads with their tags.

Conventions: a ``relativedelta`` is an object of its non-zero relative fields
(``{"months": 1, "days": 3}``; weeks are written as days), a care rule is an object
tagged ``"type"`` (``follow_up``, ``birthday``, ``anniversary``, ``holidays``,
``check_in``), a holiday mapping is an object of ISO dates to names (durations and times
of day are written as everywhere else, see :mod:`khachhang.serde`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import cattrs
from dateutil.relativedelta import relativedelta

from khachhang._checks import shown
from khachhang.care.planning.rules import (
    Anniversary,
    BirthdayGreeting,
    CareRule,
    CheckIn,
    FollowUp,
    HolidayGreeting,
)
from khachhang.care.planning.workflows import (
    RELATIVE_FIELDS,
    RunCancelled,
    RunStarted,
    StepCompleted,
    StepSkipped,
)
from khachhang.care.service.complaints import Resolution
from khachhang.errors import ValidationError
from khachhang.fsm import Payload
from khachhang.serde._scalars import _structure_date
from khachhang.serde._unions import tagged_union

PAYLOADS: tuple[tuple[type[Payload], str], ...] = (
    (RunStarted, "care_run_started"),
    (StepCompleted, "care_step_completed"),
    (StepSkipped, "care_step_skipped"),
    (RunCancelled, "care_run_cancelled"),
    (Resolution, "complaint_resolution"),
)
"""Event payload classes of this package and the tag each is written with."""

_RULE_TAGS: dict[str, type[Any]] = {
    "follow_up": FollowUp,
    "birthday": BirthdayGreeting,
    "anniversary": Anniversary,
    "holidays": HolidayGreeting,
    "check_in": CheckIn,
}
_LIMIT = 10**9


def _unstructure_relativedelta(value: relativedelta) -> dict[str, int]:
    return {name: getattr(value, name) for name in RELATIVE_FIELDS if getattr(value, name)}


def _structure_relativedelta(value: object, _: type) -> relativedelta:
    if not isinstance(value, Mapping):
        msg = f"expected an object of relative fields, got {type(value).__name__}"
        raise ValidationError("", msg)
    fields: dict[str, int] = {}
    for key, amount in value.items():
        if key not in RELATIVE_FIELDS:
            allowed = ", ".join(RELATIVE_FIELDS)
            raise ValidationError("", f"unknown field {shown(key)}; expected some of: {allowed}")
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValidationError(key, f"expected an integer, got {type(amount).__name__}")
        if abs(amount) > _LIMIT:
            raise ValidationError(key, f"out of range: {amount}")
        fields[key] = amount
    try:
        return relativedelta(**fields)  # type: ignore[arg-type]  # keys checked above
    except (OverflowError, ValueError) as exc:
        raise ValidationError("", f"not a usable offset: {exc}") from None


def _is_care_rule(cls: object) -> bool:
    return bool(cls == CareRule)


def _unstructure_holidays(value: Mapping[date, str]) -> dict[str, str]:
    return {day.isoformat(): name for day, name in value.items()}


def _structure_holidays(value: object, _: Any) -> dict[date, str]:
    if not isinstance(value, Mapping):
        msg = f"expected an object of ISO dates to names, got {type(value).__name__}"
        raise ValidationError("", msg)
    out: dict[date, str] = {}
    for key, name in value.items():
        try:
            day = _structure_date(key, date)
        except ValidationError as exc:
            raise ValidationError("", f"a key: {exc.reason}") from None
        if not isinstance(name, str):
            raise ValidationError(key, f"expected a name, got {type(name).__name__}")
        out[day] = name
    return out


def _is_holidays(cls: Any) -> bool:
    return bool(cls == Mapping[date, str])


def configure(conv: cattrs.Converter) -> None:
    """Register this package's structure and unstructure hooks on ``conv``."""
    conv.register_unstructure_hook(relativedelta, _unstructure_relativedelta)
    conv.register_structure_hook(relativedelta, _structure_relativedelta)
    # Factories: cattrs builds the rule hooks on first use, from the hooks in force then.
    unstructure_rule, structure_rule = tagged_union(_RULE_TAGS, "care rule")
    conv.register_unstructure_hook_factory(_is_care_rule, unstructure_rule)
    conv.register_structure_hook_factory(_is_care_rule, structure_rule)
    conv.register_unstructure_hook_func(_is_holidays, _unstructure_holidays)
    conv.register_structure_hook_func(_is_holidays, _structure_holidays)
