"""Bilingual enums: every member carries a Vietnamese and an English label.

Define members as ``(value, vi, en)`` triples; the value is what is stored and
serialised, the labels are for people:

>>> class Size(BilingualEnum):
...     SMALL = ("small", "Nhỏ", "Small")
...     LARGE = ("large", "Lớn", "Large")
>>> Size.SMALL.value
'small'
>>> Size.SMALL.label(), Size.SMALL.label("en")
('Nhỏ', 'Small')
>>> Size("large") is Size.LARGE
True
"""

from __future__ import annotations

import enum
from typing import Literal, TypeVar

from khachhang.errors import ValidationError

__all__ = ["LANGUAGES", "BilingualEnum", "Lang", "check_lang"]

Lang = Literal["vi", "en"]
"""A supported language code."""

LANGUAGES: tuple[Lang, ...] = ("vi", "en")
"""The supported languages, the default first."""

_E = TypeVar("_E", bound="BilingualEnum")


def check_lang(lang: str) -> Lang:
    """Return ``lang`` if it is a supported language code, else raise.

    >>> check_lang("en")
    'en'
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: lang: unsupported language 'fr'; use one of 'vi', 'en'
    """
    if lang not in LANGUAGES:
        shown = ", ".join(repr(code) for code in LANGUAGES)
        msg = f"unsupported language {lang!r}; use one of {shown}"
        raise ValidationError("lang", msg)
    return lang


class BilingualEnum(enum.Enum):
    """An enum whose members have a stable string value and vi/en labels."""

    _value_: str
    _label_vi: str
    _label_en: str

    def __new__(cls: type[_E], value: str, vi: str, en: str) -> _E:
        member = object.__new__(cls)
        member._value_ = value
        member._label_vi = vi
        member._label_en = en
        return member

    def label(self, lang: str = "vi") -> str:
        """The member's label in ``lang`` (``"vi"`` by default, or ``"en"``)."""
        return self._label_vi if check_lang(lang) == "vi" else self._label_en

    @property
    def label_vi(self) -> str:
        """The Vietnamese label."""
        return self._label_vi

    @property
    def label_en(self) -> str:
        """The English label."""
        return self._label_en

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.name}"

    @classmethod
    def parse(cls: type[_E], value: str) -> _E:
        """Look a member up by its value, name or a label (case-insensitive).

        Raises ``ValidationError`` naming the accepted values when nothing matches.
        """
        if not isinstance(value, str):
            msg = f"expected a string naming a {cls.__name__}, got {type(value).__name__}"
            raise ValidationError("", msg)
        folded = value.strip().casefold()
        for member in cls:
            candidates = (member.value, member.name, member.label_vi, member.label_en)
            if folded in {c.casefold() for c in candidates}:
                return member
        accepted = ", ".join(m.value for m in cls)
        msg = f"{value!r} is not a {cls.__name__}; expected one of: {accepted}"
        raise ValidationError("", msg)
