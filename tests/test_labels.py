"""Every enum in the library is bilingual."""

from __future__ import annotations

import enum
import importlib
import pkgutil

import pytest

import khachhang
from khachhang.errors import ValidationError
from khachhang.kinds import Lifecycle
from khachhang.labels import BilingualEnum


def _library_enums() -> list[type[enum.Enum]]:
    found: dict[str, type[enum.Enum]] = {}
    for info in pkgutil.walk_packages(khachhang.__path__, "khachhang."):
        if info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError as exc:  # an optional extra that is not installed
            if exc.name and not exc.name.startswith("khachhang"):
                continue
            raise
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, enum.Enum)
                and value.__module__.startswith("khachhang")
                and value is not BilingualEnum
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


ENUMS = _library_enums()


def test_the_library_defines_enums_at_all() -> None:
    """Guards the test below against passing vacuously."""
    names = {e.__name__ for e in ENUMS}
    assert {"Scope", "PartyType", "Role", "Lifecycle", "Gender"} <= names


@pytest.mark.parametrize("enum_cls", ENUMS, ids=lambda e: e.__qualname__)
def test_every_member_has_a_vietnamese_and_an_english_label(enum_cls: type[enum.Enum]) -> None:
    assert issubclass(enum_cls, BilingualEnum), f"{enum_cls.__name__} is not bilingual"
    for member in enum_cls:
        assert isinstance(member, BilingualEnum)
        assert member.label("vi").strip(), f"{member!r} has no Vietnamese label"
        assert member.label("en").strip(), f"{member!r} has no English label"
        assert isinstance(member.value, str)
        assert member.value


@pytest.mark.parametrize("enum_cls", ENUMS, ids=lambda e: e.__qualname__)
def test_values_and_labels_are_unique_within_an_enum(enum_cls: type[enum.Enum]) -> None:
    members = list(enum_cls)
    assert len({m.value for m in members}) == len(members)
    for lang in ("vi", "en"):
        labels = [m.label(lang) for m in members]  # type: ignore[attr-defined]
        assert len(set(labels)) == len(labels), f"duplicate {lang} label in {enum_cls}"


def test_vietnamese_is_the_default_language() -> None:
    assert Lifecycle.LOYAL.label() == "Khách hàng trung thành"
    assert Lifecycle.LOYAL.label("en") == "Loyal customer"


def test_an_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="unsupported language 'de'"):
        Lifecycle.LOYAL.label("de")


def test_parse_accepts_values_names_and_labels() -> None:
    assert Lifecycle.parse("loyal") is Lifecycle.LOYAL
    assert Lifecycle.parse("LOYAL") is Lifecycle.LOYAL
    assert Lifecycle.parse("khách hàng trung thành") is Lifecycle.LOYAL
    with pytest.raises(ValidationError, match="expected one of"):
        Lifecycle.parse("vip")


def test_parse_refuses_what_is_not_a_string() -> None:
    with pytest.raises(ValidationError, match="expected a string"):
        Lifecycle.parse(5)  # type: ignore[arg-type]
