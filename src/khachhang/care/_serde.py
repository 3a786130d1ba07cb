"""Converter hooks for :mod:`khachhang.care`, installed by :mod:`khachhang.serde`.

:func:`configure` installs the package's hooks on the library's converter;
:data:`PAYLOADS` lists the package's event payloads with their tags.
The service side (complaints, feedback, loyalty, internal care) keeps its own hooks in
:mod:`khachhang.care._serde_service`.

Conventions of the planning side: a ``relativedelta`` is an object of its non-zero
relative fields (``{"months": 1, "days": 3}``; weeks are written as days), a care rule
is an object tagged ``"type"`` (``follow_up``, ``birthday``, ``anniversary``,
``holidays``, ``check_in``), a wall-clock ``time`` is ISO ``HH:MM[:SS]``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn
from dateutil.relativedelta import relativedelta

from khachhang._checks import shown
from khachhang.care import _serde_service
from khachhang.care.rules import (
    Anniversary,
    BirthdayGreeting,
    CareRule,
    CheckIn,
    FollowUp,
    HolidayGreeting,
)
from khachhang.care.workflows import (
    RELATIVE_FIELDS,
    RunCancelled,
    RunStarted,
    StepCompleted,
    StepSkipped,
)
from khachhang.errors import ValidationError
from khachhang.fsm import Payload

PAYLOADS: tuple[tuple[type[Payload], str], ...] = (
    (RunStarted, "care_run_started"),
    (StepCompleted, "care_step_completed"),
    (StepSkipped, "care_step_skipped"),
    (RunCancelled, "care_run_cancelled"),
    *_serde_service.PAYLOADS,
)
"""Event payload classes of this package and the tag each is written with."""

_RULE_TAGS: dict[str, type[Any]] = {
    "follow_up": FollowUp,
    "birthday": BirthdayGreeting,
    "anniversary": Anniversary,
    "holidays": HolidayGreeting,
    "check_in": CheckIn,
}
_TAG_OF = {cls: tag for tag, cls in _RULE_TAGS.items()}
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
        return relativedelta(**fields)  # type: ignore[arg-type]
    except (OverflowError, ValueError) as exc:
        raise ValidationError("", f"not a usable offset: {exc}") from None


def _rule_unstructure_factory(_: Any, conv: cattrs.Converter) -> Callable[[Any], dict[str, Any]]:
    dump = {cls: make_dict_unstructure_fn(cls, conv) for cls in _RULE_TAGS.values()}

    def unstructure(rule: Any) -> dict[str, Any]:
        cls = type(rule)
        return {"type": _TAG_OF[cls], **dump[cls](rule)}

    return unstructure


def _rule_structure_factory(_: Any, conv: cattrs.Converter) -> Callable[[object, Any], CareRule]:
    load = {
        tag: make_dict_structure_fn(
            cls,
            conv,
            _cattrs_forbid_extra_keys=True,
            _cattrs_detailed_validation=conv.detailed_validation,
        )
        for tag, cls in _RULE_TAGS.items()
    }

    def structure(value: object, _: Any) -> CareRule:
        if not isinstance(value, Mapping):
            msg = f"expected an object tagged with 'type', got {type(value).__name__}"
            raise ValidationError("", msg)
        tag = value.get("type")
        if not isinstance(tag, str) or tag not in load:
            known = ", ".join(_RULE_TAGS)
            raise ValidationError("type", f"unknown care rule type {shown(tag)}; known: {known}")
        body = {k: v for k, v in value.items() if k != "type"}
        result: CareRule = load[tag](body, _RULE_TAGS[tag])
        return result

    return structure


def _is_care_rule(cls: object) -> bool:
    return bool(cls == CareRule)


def configure(conv: cattrs.Converter) -> None:
    """Register this package's structure and unstructure hooks on ``conv``."""
    conv.register_unstructure_hook(relativedelta, _unstructure_relativedelta)
    conv.register_structure_hook(relativedelta, _structure_relativedelta)
    # Factories: cattrs builds the rule hooks on first use, from the hooks in force then.
    conv.register_unstructure_hook_factory(_is_care_rule, _rule_unstructure_factory)
    conv.register_structure_hook_factory(_is_care_rule, _rule_structure_factory)
    # The service side's hooks come last: where both register one (``time``), theirs wins
    # and both write the same ISO text.
    _serde_service.configure(conv)
