"""Vietnam's provinces before and after the 1 July 2025 reorganisation (private data).

Resolution 202/2025/QH15 of the National Assembly (in force 1 July 2025) reduced the 63
provinces and centrally-run cities to 34 (28 provinces, 6 cities), following the list
attached to Resolution 60-NQ/TW of 12 April 2025; the district tier was abolished at the
same time. Eleven units were left unchanged; the other 52 were merged into 23 new units,
each taking the name of one of its members.

Names are written in the official style with the newer tone-mark placement ("Hòa",
"Thủy"). The public API lives in :mod:`khachhang.parties`; this module holds the data and
the folding used to look names up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["CURRENT", "FORMER", "LOOKUP", "fold", "stray_character"]

CURRENT: tuple[str, ...] = (
    # The six centrally-run cities.
    "Hà Nội",
    "TP. Hồ Chí Minh",
    "Hải Phòng",
    "Đà Nẵng",
    "Cần Thơ",
    "Huế",
    # The 19 provinces formed by a merger, north to south.
    "Tuyên Quang",
    "Lào Cai",
    "Thái Nguyên",
    "Phú Thọ",
    "Bắc Ninh",
    "Hưng Yên",
    "Ninh Bình",
    "Quảng Trị",
    "Quảng Ngãi",
    "Gia Lai",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đắk Lắk",
    "Đồng Nai",
    "Tây Ninh",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cà Mau",
    "An Giang",
    # The nine provinces left unchanged.
    "Cao Bằng",
    "Điện Biên",
    "Hà Tĩnh",
    "Lai Châu",
    "Lạng Sơn",
    "Nghệ An",
    "Quảng Ninh",
    "Thanh Hóa",
    "Sơn La",
)

# current unit -> the pre-2025 units it was formed from (itself first when it kept a name).
_MERGERS: dict[str, tuple[str, ...]] = {
    "Hà Nội": ("Hà Nội",),
    "TP. Hồ Chí Minh": ("TP. Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"),
    "Hải Phòng": ("Hải Phòng", "Hải Dương"),
    "Đà Nẵng": ("Đà Nẵng", "Quảng Nam"),
    "Cần Thơ": ("Cần Thơ", "Sóc Trăng", "Hậu Giang"),
    # Thừa Thiên Huế became the centrally-run city of Huế on 1 January 2025 and was
    # not merged in July; its pre-2025 canonical name is the province's.
    "Huế": ("Thừa Thiên Huế",),
    "Tuyên Quang": ("Tuyên Quang", "Hà Giang"),
    "Lào Cai": ("Lào Cai", "Yên Bái"),
    "Thái Nguyên": ("Thái Nguyên", "Bắc Kạn"),
    "Phú Thọ": ("Phú Thọ", "Vĩnh Phúc", "Hòa Bình"),
    "Bắc Ninh": ("Bắc Ninh", "Bắc Giang"),
    "Hưng Yên": ("Hưng Yên", "Thái Bình"),
    "Ninh Bình": ("Ninh Bình", "Hà Nam", "Nam Định"),
    "Quảng Trị": ("Quảng Trị", "Quảng Bình"),
    "Quảng Ngãi": ("Quảng Ngãi", "Kon Tum"),
    "Gia Lai": ("Gia Lai", "Bình Định"),
    "Khánh Hòa": ("Khánh Hòa", "Ninh Thuận"),
    "Lâm Đồng": ("Lâm Đồng", "Đắk Nông", "Bình Thuận"),
    "Đắk Lắk": ("Đắk Lắk", "Phú Yên"),
    "Đồng Nai": ("Đồng Nai", "Bình Phước"),
    "Tây Ninh": ("Tây Ninh", "Long An"),
    "Vĩnh Long": ("Vĩnh Long", "Bến Tre", "Trà Vinh"),
    "Đồng Tháp": ("Đồng Tháp", "Tiền Giang"),
    "Cà Mau": ("Cà Mau", "Bạc Liêu"),
    "An Giang": ("An Giang", "Kiên Giang"),
    "Cao Bằng": ("Cao Bằng",),
    "Điện Biên": ("Điện Biên",),
    "Hà Tĩnh": ("Hà Tĩnh",),
    "Lai Châu": ("Lai Châu",),
    "Lạng Sơn": ("Lạng Sơn",),
    "Nghệ An": ("Nghệ An",),
    "Quảng Ninh": ("Quảng Ninh",),
    "Thanh Hóa": ("Thanh Hóa",),
    "Sơn La": ("Sơn La",),
}

FORMER: Mapping[str, str] = MappingProxyType(
    {old: new for new, olds in _MERGERS.items() for old in olds}
)
"""Each of the 63 pre-July-2025 canonical names -> the current unit it belongs to."""

# Common spellings the folding alone does not reach (keys are folded by ``fold``).
_ALIASES: dict[str, str] = {
    "TPHCM": "TP. Hồ Chí Minh",
    "HCM": "TP. Hồ Chí Minh",
    "HCMC": "TP. Hồ Chí Minh",
    "Sài Gòn": "TP. Hồ Chí Minh",
    "Sài Gòn - Gia Định": "TP. Hồ Chí Minh",
    "HN": "Hà Nội",
    "BR-VT": "Bà Rịa - Vũng Tàu",
    "BRVT": "Bà Rịa - Vũng Tàu",
    "Vũng Tàu": "Bà Rịa - Vũng Tàu",
    "Thừa Thiên": "Thừa Thiên Huế",
    "TT Huế": "Thừa Thiên Huế",
    "TT-Huế": "Thừa Thiên Huế",
    "Đắc Lắc": "Đắk Lắk",
    "Đắk Lắc": "Đắk Lắk",
    "Đắc Lắk": "Đắk Lắk",
    "Đắc Nông": "Đắk Nông",
    "Bắc Cạn": "Bắc Kạn",
    "Kontum": "Kon Tum",
}

_PREFIXES: tuple[tuple[str, ...], ...] = (("thanh", "pho"), ("tinh",), ("tp",), ("t", "p"))
_SUFFIXES: tuple[tuple[str, ...], ...] = (("city",), ("province",))
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


# What a province spelling may hold once case and diacritics are gone: Latin letters,
# digits, spacing and the punctuation the official names and abbreviations use.
_SPELLING = re.compile(
    r"[0-9a-z.,\-'()/\u2013\u2014"  # letters, digits, punctuation, dashes
    r" \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]*"  # tab and the space separators
)


def stray_character(name: str) -> str | None:
    """The first character no province spelling holds, or ``None``.

    Letters are judged without their diacritics (so every Vietnamese letter passes);
    anything else must be a digit, a space (any width, or a tab) or ``. , - ' ( ) /``
    (or an en/em dash).
    So "Hà Nội" passes and "Ha Noi\x00", "東京 Hà Nội" or "Hà\u200bNội" do not: a
    province must be the whole text, not a name found inside it.

    >>> stray_character("Tp. Hồ Chí Minh") is None, stray_character("Hà\u200bNội")
    (True, '\u200b')
    """
    bare = _bare(name)
    if _SPELLING.fullmatch(bare):
        return None
    return next(ch for ch in bare if not _SPELLING.fullmatch(ch))


def _bare(name: str) -> str:
    decomposed = unicodedata.normalize("NFD", name.casefold().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(name: str) -> str:
    """Fold a province spelling to a lookup key.

    Case, Unicode form, diacritics (so both tone-mark placements and accent-less
    spellings), punctuation, spacing, a leading "Tỉnh"/"Thành phố"/"TP." and a trailing
    "City"/"Province" are all ignored.

    >>> fold("Thành phố Hồ Chí Minh"), fold("Ho Chi Minh City")
    ('hochiminh', 'hochiminh')
    >>> fold("Khánh Hòa") == fold("khanh hoa")
    True
    """
    words = _NON_ALNUM.sub(" ", _bare(name)).split()
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            n = len(prefix)
            if len(words) > n and tuple(words[:n]) == prefix:
                words = words[n:]
                changed = True
        for suffix in _SUFFIXES:
            n = len(suffix)
            if len(words) > n and tuple(words[-n:]) == suffix:
                words = words[:-n]
                changed = True
    return "".join(words)


def _build_lookup() -> dict[str, str]:
    """Folded key -> canonical name, checking that no two names fold alike."""
    table: dict[str, str] = {}
    spellings = [(n, n) for n in CURRENT] + [(n, n) for n in FORMER]
    spellings += list(_ALIASES.items())
    for spelling, canonical in spellings:
        key = fold(spelling)
        if table.get(key, canonical) != canonical:
            msg = f"{spelling!r} folds like {table[key]!r}"
            raise RuntimeError(msg)
        table[key] = canonical
    return table


LOOKUP: Mapping[str, str] = MappingProxyType(_build_lookup())
"""Folded spelling -> canonical (current or former) name."""
