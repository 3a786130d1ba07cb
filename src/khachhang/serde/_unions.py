"""Tagged unions: a value of one of several classes, written as an object tagged ``"type"``.

:func:`tagged_union` makes the hooks for a closed union (the party, a care rule); event
payloads are an open one, filled by :func:`~khachhang.serde.register_payload`. The tag is
the first key written, and the only way data names a class (no import by name).

cattrs' own ``configure_tagged_union`` is not used: it captures the members' hooks when it
is called (so a hook registered later would not reach them), writes the tag last, and
lets an unknown or missing tag out as a bare ``KeyError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from khachhang._checks import check_key, shown
from khachhang.errors import ValidationError
from khachhang.fsm import Payload
from khachhang.parties import Organization, Party, Person

T = TypeVar("T")

TAG = "type"
"""The key naming the class of a tagged object."""

UnstructureFactory = Callable[[Any, cattrs.Converter], Callable[[Any], Any]]
StructureFactory = Callable[[Any, cattrs.Converter], Callable[[Any, Any], Any]]


def _body(value: Mapping[str, Any]) -> dict[str, Any]:
    """A tagged object without its tag: the fields of the class it names."""
    return {k: v for k, v in value.items() if k != TAG}


def strict_structure_fn(cls: type[T], conv: cattrs.Converter) -> Callable[[Any, Any], T]:
    """cattrs' generated hook for attrs class ``cls``: unknown keys refused, every problem."""
    return make_dict_structure_fn(
        cls,
        conv,
        _cattrs_forbid_extra_keys=True,
        _cattrs_detailed_validation=conv.detailed_validation,
    )


def tagged_union(
    tags: Mapping[str, type], what: str
) -> tuple[UnstructureFactory, StructureFactory]:
    """Hook factories for a value of one of the classes in ``tags`` (tag → class).

    ``what`` names the union in messages ("unknown party type 'robot'; known: ...").
    Factories, so cattrs builds the members' hooks from the hooks in force when it
    first needs them, and again after any registration.
    """
    tag_of = {cls: tag for tag, cls in tags.items()}
    names = [repr(tag) for tag in tags]
    known = f"{', '.join(names[:-1])} or {names[-1]}" if len(names) > 1 else names[0]

    def unstructure_factory(_: Any, conv: cattrs.Converter) -> Callable[[Any], Any]:
        dump: dict[type, Callable[[Any], dict[str, Any]]] = {
            cls: make_dict_unstructure_fn(cls, conv) for cls in tags.values()
        }

        def unstructure(value: Any) -> dict[str, Any]:
            cls = type(value)
            if cls not in dump:  # a subclass: written as the member it extends
                cls = next((c for c in dump if isinstance(value, c)), cls)
                if cls not in dump:
                    msg = f"{type(value).__name__} is not a {what}: expected {known}"
                    raise ValidationError("", msg)
            return {TAG: tag_of[cls], **dump[cls](value)}

        return unstructure

    def structure_factory(_: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
        load: dict[str, Callable[[Any, Any], Any]] = {
            tag: strict_structure_fn(cls, conv) for tag, cls in tags.items()
        }

        def structure(value: object, _: object) -> Any:
            if not isinstance(value, Mapping):
                msg = f"expected an object tagged with {TAG!r}, got {type(value).__name__}"
                raise ValidationError("", msg)
            if TAG not in value:
                raise ValidationError(TAG, f"missing the {TAG!r} tag: {known}")
            tag = value[TAG]
            if not isinstance(tag, str) or tag not in load:
                raise ValidationError(TAG, f"unknown {what} type {shown(tag)}; expected {known}")
            return load[tag](_body(value), tags[tag])

        return structure

    return unstructure_factory, structure_factory


PARTY_TAGS: dict[str, type] = {"person": Person, "organization": Organization}
"""The party union's tags and the class each names."""


def _is_party(cls: object) -> bool:
    return bool(cls == Party)


def configure_party(conv: cattrs.Converter) -> None:
    """``Person | Organization`` as an object tagged ``"type": "person" | "organization"``."""
    unstructure, structure = tagged_union(PARTY_TAGS, "party")
    conv.register_unstructure_hook_factory(_is_party, unstructure)
    conv.register_structure_hook_factory(_is_party, structure)


# --- event payloads: an open union ----------------------------------------------------

_PAYLOADS: dict[str, type[Payload]] = {}
_PAYLOAD_TAGS: dict[type[Payload], str] = {}


def _payload_tag(payload: Payload) -> str:
    tag = _PAYLOAD_TAGS.get(type(payload))
    if tag is None:
        msg = f"{type(payload).__name__} is not registered; call register_payload()"
        raise ValidationError("payload", msg)
    return tag


def _payload_class(value: object) -> tuple[type[Payload], dict[str, Any]]:
    """The registered class ``value``'s ``"type"`` tag names, and the body without it."""
    if not isinstance(value, Mapping) or "type" not in value:
        raise ValidationError("type", "a payload is an object with a 'type' tag")
    tag = value["type"]
    cls = _PAYLOADS.get(tag) if isinstance(tag, str) else None
    if cls is None:
        known = ", ".join(sorted(_PAYLOADS))
        raise ValidationError("type", f"unknown payload type {shown(tag)}; known: {known}")
    return cls, _body(value)


def _is_payload(cls: object) -> bool:
    return isinstance(cls, type) and issubclass(cls, Payload)


def _payload_unstructure_factory(cls: Any, conv: cattrs.Converter) -> Callable[[Any], Any]:
    if cls not in _PAYLOAD_TAGS:  # the base class, or a subclass nobody registered

        def unstructure_any(payload: Payload) -> Any:
            _payload_tag(payload)  # refuses an unregistered class by name
            return conv.get_unstructure_hook(type(payload))(payload)

        return unstructure_any
    tag = _PAYLOAD_TAGS[cls]
    body = make_dict_unstructure_fn(cls, conv)

    def unstructure(payload: Payload) -> dict[str, Any]:
        return {TAG: tag, **body(payload)}

    return unstructure


def _payload_structure_factory(cls: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    if cls not in _PAYLOAD_TAGS:

        def structure_any(value: object, _: object) -> Payload:
            found, _fields = _payload_class(value)
            if not issubclass(found, cls):
                msg = f"expected a {cls.__name__}, got a {_PAYLOAD_TAGS[found]!r} payload"
                raise ValidationError("type", msg)
            result: Payload = conv.get_structure_hook(found)(value, found)
            return result

        return structure_any
    body = strict_structure_fn(cls, conv)

    def structure(value: object, _: object) -> Payload:
        found, fields = _payload_class(value)
        if found is not cls:
            msg = f"expected a {_PAYLOAD_TAGS[cls]!r} payload, got {_PAYLOAD_TAGS[found]!r}"
            raise ValidationError("type", msg)
        result: Payload = body(fields, cls)
        return result

    return structure


def _remember_payload(cls: type[Payload], tag: str) -> bool:
    """Tag ``cls`` (a new tag replaces its old one); whether anything changed."""
    if not (isinstance(cls, type) and issubclass(cls, Payload)):
        raise ValidationError("cls", "expected a Payload subclass")
    tag = check_key("tag", tag)
    if _PAYLOAD_TAGS.get(cls) == tag:
        return False
    if tag in _PAYLOADS:
        raise ValidationError("tag", f"tag {tag!r} is already used by {_PAYLOADS[tag].__name__}")
    old = _PAYLOAD_TAGS.get(cls)
    if old is not None:
        del _PAYLOADS[old]
    _PAYLOADS[tag] = cls
    _PAYLOAD_TAGS[cls] = tag
    return True
