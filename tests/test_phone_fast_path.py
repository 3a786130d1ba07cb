"""The E.164 fast path in normalize_phone agrees with phonenumbers' full parse."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from khachhang.errors import ValidationError
from khachhang.parties import normalize_phone


def _reference(text: str) -> str | None:
    try:
        parsed = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _ours(text: str) -> str | None:
    try:
        return normalize_phone(text)
    except ValidationError:
        return None


@given(st.text(alphabet="0123456789", min_size=6, max_size=11))
def test_e164_vietnamese_numbers_are_judged_like_a_full_parse(digits: str) -> None:
    text = "+84" + digits
    assert _ours(text) == _reference(text)


@given(
    st.sampled_from(["1", "2", "3", "5", "6", "7", "8", "9", "12", "16", "18", "19", "24", "28"]),
    st.text(alphabet="0123456789", min_size=5, max_size=9),
)
def test_plausible_prefixes_are_judged_like_a_full_parse(prefix: str, rest: str) -> None:
    text = "+84" + prefix + rest
    assert _ours(text) == _reference(text)


@pytest.mark.parametrize(
    "text", ["+84901234567", "+842838291234", "+8418001234", "+84190012345", "+84672123456"]
)
def test_known_vietnamese_numbers_pass_the_fast_path(text: str) -> None:
    assert normalize_phone(text) == _reference(text) == text


@given(
    st.sampled_from(["1", "2", "3", "5", "6", "7", "8", "9", "12", "16", "18", "19", "24", "28"]),
    st.text(alphabet="0123456789", min_size=5, max_size=9),
    st.sampled_from(["", " ", ".", "-"]),
)
def test_national_numbers_are_judged_like_a_full_parse(prefix: str, rest: str, sep: str) -> None:
    text = "0" + prefix + sep + rest
    assert _ours(text) == _reference(text)
