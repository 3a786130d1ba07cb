"""Tests for khachhang.parties: contact points, provinces, addresses, people, organisations."""

from __future__ import annotations

import datetime
import unicodedata

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import scaled
from khachhang import _provinces
from khachhang._vocabulary import MOBILE_PREFIXES
from khachhang.errors import ValidationError
from khachhang.kinds import BusinessCategory, InternalUnit, PartyType
from khachhang.parties import (
    FORMER_PROVINCES,
    PROVINCES,
    SUPPORTED_CHANNELS,
    Address,
    ContactChannel,
    ContactKind,
    ContactPoint,
    Gender,
    Organization,
    Party,
    Person,
    current_province,
    is_former_province,
    normalize_email,
    normalize_phone,
    normalize_province,
    normalize_tax_code,
    tax_code_check_digit,
)

HCMC = "TP. Hồ Chí Minh"


def vn_mobiles() -> st.SearchStrategy[str]:
    """Vietnamese mobile numbers in national format, e.g. '0901234567'."""
    return st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from(MOBILE_PREFIXES),
        st.text(alphabet="0123456789", min_size=7, max_size=7),
    )


def emails() -> st.SearchStrategy[str]:
    """Syntactically valid e-mail addresses with mixed-case domains."""
    local = st.from_regex(r"[A-Za-z0-9_+\-]{1,20}(\.[A-Za-z0-9_+\-]{1,20}){0,2}", fullmatch=True)
    label = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9\-]{0,10}[A-Za-z0-9])?", fullmatch=True)
    top = st.from_regex(r"[A-Za-z]{2,6}", fullmatch=True)
    domain = st.builds(
        lambda ls, t: ".".join([*ls, t]), st.lists(label, min_size=1, max_size=3), top
    )
    return st.builds(lambda lo, do: f"{lo}@{do}", local, domain)


# --- enums and channels ---------------------------------------------------------------


def test_gender_labels_are_bilingual() -> None:
    """Gender members carry (value, vi, en) triples."""
    assert [(g.value, g.label_vi, g.label_en) for g in Gender] == [
        ("male", "Nam", "Male"),
        ("female", "Nữ", "Female"),
        ("other", "Khác", "Other"),
    ]


def test_supported_channels_follow_the_kind_of_contact() -> None:
    """Zalo runs on phone numbers, so a phone supports SOCIAL as well as calls and SMS."""
    assert SUPPORTED_CHANNELS[ContactKind.PHONE] == {
        ContactChannel.CALL,
        ContactChannel.SMS,
        ContactChannel.SOCIAL,
    }
    assert SUPPORTED_CHANNELS[ContactKind.EMAIL] == {ContactChannel.EMAIL}
    assert SUPPORTED_CHANNELS[ContactKind.SOCIAL] == {ContactChannel.SOCIAL, ContactChannel.CHAT}
    assert set(SUPPORTED_CHANNELS) == set(ContactKind)


# --- phones -----------------------------------------------------------------------------


def test_a_vietnamese_phone_is_stored_in_e164() -> None:
    """The brief's example: '0901 234 567' is stored as '+84901234567'."""
    point = ContactPoint(kind=ContactKind.PHONE, value="0901 234 567")
    assert point.value == "+84901234567"


@pytest.mark.parametrize(
    "spelling",
    [
        "0901234567",
        "090 123 4567",
        "090.123.4567",
        "090-123-4567",
        "+84 90 123 4567",
        "+84901234567",
    ],
)
def test_phone_spellings_normalise_to_one_number(spelling: str) -> None:
    """Spaces, dots, dashes and a +84 prefix do not change the number."""
    assert normalize_phone(spelling) == "+84901234567"


def test_a_number_with_a_plus_keeps_its_own_country() -> None:
    """A leading + overrides the default VN region."""
    assert normalize_phone("+1 415 555 2671") == "+14155552671"
    assert normalize_phone("415 555 2671", region="US") == "+14155552671"
    assert ContactPoint.phone("415 555 2671", region="US").value == "+14155552671"


def test_a_landline_is_a_valid_phone() -> None:
    """Hà Nội landlines (area code 024) are phone numbers too."""
    assert ContactPoint.phone("024 3825 7111").value == "+842438257111"


@pytest.mark.parametrize(
    "bad", ["", "   ", "12345", "0901 234 567 ext. 9", "call 0901234567", "09012345678901", "++84"]
)
def test_invalid_phones_are_refused_on_the_value_path(bad: str) -> None:
    """Short, long, lettered and empty numbers raise ValidationError at 'value'."""
    with pytest.raises(ValidationError) as info:
        ContactPoint(kind=ContactKind.PHONE, value=bad)
    assert info.value.path == "value"


# The 2018 conversion of 11-digit mobile numbers, as the issue gives it.
RENUMBERED = {
    **{f"016{d}": f"03{d}" for d in "23456789"},
    "0120": "070",
    "0121": "079",
    "0122": "077",
    "0126": "076",
    "0128": "078",
    "0123": "083",
    "0124": "084",
    "0125": "085",
    "0127": "081",
    "0129": "082",
    "0186": "056",
    "0188": "058",
    "0199": "059",
}


@pytest.mark.parametrize(("old", "new"), sorted(RENUMBERED.items()))
def test_an_old_11_digit_mobile_number_names_its_new_prefix(old: str, new: str) -> None:
    """0168 123 4567 was renumbered 038 123 4567 in 2018: the error says so."""
    for spelling in (f"{old}1234567", f"+84 {old[1:]} 123 4567", f"{old}.123.4567"):
        with pytest.raises(ValidationError, match="renumbered") as info:
            normalize_phone(spelling)
        assert info.value.path == "value"
        assert f"write {new} instead of {old}" in info.value.reason
        assert "1234567" not in info.value.reason  # the number is personal data: masked
        assert "2018" in info.value.reason
    assert normalize_phone(f"{new}1234567") == f"+84{new[1:]}1234567"


def test_an_unknown_phone_region_is_refused() -> None:
    """The region must be one phonenumbers knows."""
    with pytest.raises(ValidationError) as info:
        normalize_phone("0901234567", region="XX")
    assert info.value.path == "region"


@settings(max_examples=scaled(200))
@given(vn_mobiles())
def test_building_a_phone_again_from_its_value_gives_an_equal_object(number: str) -> None:
    """Construction is idempotent: ContactPoint(kind, p.value) == p."""
    point = ContactPoint.phone(number, consents=[ContactChannel.SMS])
    assert point.value == "+84" + number[1:]
    again = ContactPoint(kind=point.kind, value=point.value, consents=point.consents)
    assert again == point
    assert attrs.evolve(point) == point


# --- e-mails ----------------------------------------------------------------------------


def test_an_email_keeps_its_local_part_and_lowercases_its_domain() -> None:
    """Local parts may be case-sensitive; domains are not."""
    assert normalize_email("  Lan.Nguyen@Example.COM.vn \n") == "Lan.Nguyen@example.com.vn"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "lan",
        "lan@@example.vn",
        "lan@example@vn",
        "@example.vn",
        "lan@localhost",
        "lan nguyen@example.vn",
        "lan@exa mple.vn",
        "lan@-example.vn",
        "lan@example-.vn",
        "lan@example..vn",
        "lan@.example.vn",
        ".lan@example.vn",
        "la..n@example.vn",
        "x" * 65 + "@example.vn",
        "a@" + ".".join(["b" * 62] * 4) + ".vn",
        "lan@ví-dụ.vn",
        "<script>@example.vn",
        "a,b;c@example.vn",
        '"@example.vn',
        "lan@example.123",
        "lan@example.v",
    ],
)
def test_malformed_emails_are_refused_on_the_value_path(bad: str) -> None:
    """Each broken rule of the syntax check raises ValidationError at 'value'."""
    with pytest.raises(ValidationError) as info:
        ContactPoint.email(bad)
    assert info.value.path == "value"


def test_the_longest_local_part_is_accepted() -> None:
    """64 characters before the '@' is the limit, not beyond it."""
    assert normalize_email("x" * 64 + "@example.vn").startswith("x" * 64)


def test_an_email_local_part_is_put_in_nfc() -> None:
    """A decomposed "ễ" and a composed one are one address (RFC 6532 asks for NFC)."""
    composed = "nguyễn.an@example.vn"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert normalize_email(decomposed) == normalize_email(composed) == composed


@pytest.mark.parametrize(
    "address",
    [
        "a@\u212aa.vn",  # Kelvin sign: lower() makes it an ASCII k
        "a@\u0130stanbul.vn",  # dotted capital I
        "\u212aa@example.vn",  # Kelvin sign: NFC makes it an ASCII K
        "\u212bngstr\u00f6m@example.vn",  # Angstrom sign: NFC makes it Å
    ],
)
def test_an_email_is_never_rewritten_into_another_address(address: str) -> None:
    """Compatibility characters are refused, never turned into the letter they look like."""
    with pytest.raises(ValidationError) as info:
        normalize_email(address)
    assert info.value.path == "value"
    assert "U+" in info.value.reason


@given(
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=8),
    st.sampled_from(["example.vn", "mail.com"]),
)
def test_an_accepted_email_is_the_same_text_up_to_composition(local: str, domain: str) -> None:
    """What is accepted is the input composed (NFC): no character becomes another one."""
    try:
        got = normalize_email(f"{local}@{domain}")
    except ValidationError:
        return
    written = f"{local}@{domain}".strip()  # surrounding whitespace is dropped
    assert all(unicodedata.normalize("NFC", ch) == ch for ch in written)  # no look-alike
    assert got == unicodedata.normalize("NFC", written)


@settings(max_examples=scaled(200))
@given(emails())
def test_building_an_email_again_from_its_value_gives_an_equal_object(address: str) -> None:
    """Construction is idempotent for e-mails, and normalisation is a projection."""
    point = ContactPoint.email(address)
    assert normalize_email(point.value) == point.value
    assert ContactPoint(kind=ContactKind.EMAIL, value=point.value) == point
    local, domain = point.value.split("@")
    assert local == address.split("@")[0]
    assert domain == domain.lower()


def test_a_social_handle_is_stripped_and_must_not_be_empty() -> None:
    """SOCIAL values are free text, trimmed."""
    assert ContactPoint(kind=ContactKind.SOCIAL, value="  zalo:lan.nguyen ").value == (
        "zalo:lan.nguyen"
    )
    with pytest.raises(ValidationError) as info:
        ContactPoint(kind=ContactKind.SOCIAL, value="  ")
    assert info.value.path == "value"


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"kind": "phone", "value": "0901234567"}, "kind"),
        ({"kind": ContactKind.PHONE, "value": 901234567}, "value"),
        ({"kind": ContactKind.EMAIL, "value": None}, "value"),
        ({"kind": ContactKind.SOCIAL, "value": b"zalo"}, "value"),
        ({"kind": ContactKind.PHONE, "value": "0901234567", "label": 3}, "label"),
        ({"kind": ContactKind.PHONE, "value": "0901234567", "primary": "yes"}, "primary"),
        ({"kind": ContactKind.PHONE, "value": "0901234567", "consents": 5}, "consents"),
        ({"kind": ContactKind.PHONE, "value": "0901234567", "consents": "sms"}, "consents"),
        ({"kind": ContactKind.PHONE, "value": "0901234567", "consents": ["sms"]}, "consents"),
    ],
)
def test_wrong_typed_contact_fields_raise_validation_errors_not_type_errors(
    fields: dict[str, object], path: str
) -> None:
    """Every bad field is a ValidationError naming the field."""
    with pytest.raises(ValidationError) as info:
        ContactPoint(**fields)  # type: ignore[arg-type]
    assert info.value.path == path


# --- consent ----------------------------------------------------------------------------


def test_consent_is_opt_in() -> None:
    """Decree 13/2023/ND-CP: no channel is allowed until the person consents."""
    point = ContactPoint.phone("0901234567")
    assert point.consents == frozenset()
    assert not any(point.allows(channel) for channel in ContactChannel)


def test_consents_accept_any_iterable_and_become_a_frozenset() -> None:
    """A list, tuple or generator of channels is converted."""
    point = ContactPoint(
        kind=ContactKind.PHONE,
        value="0901234567",
        consents=[ContactChannel.CALL, ContactChannel.SMS, ContactChannel.CALL],
    )
    assert point.consents == frozenset({ContactChannel.CALL, ContactChannel.SMS})
    assert isinstance(point.consents, frozenset)


def test_consent_on_a_channel_the_kind_cannot_use_is_refused() -> None:
    """An e-mail address cannot consent to SMS; the error sits on 'consents'."""
    with pytest.raises(ValidationError) as info:
        ContactPoint.email("an@example.vn", consents=[ContactChannel.SMS])
    assert info.value.path == "consents"
    with pytest.raises(ValidationError) as info:
        ContactPoint.email("an@example.vn").with_consent(ContactChannel.CALL)
    assert info.value.path == "consents"


def test_consent_can_be_given_and_withdrawn_without_changing_the_original() -> None:
    """with_consent returns a new value; the old one is unchanged."""
    point = ContactPoint.phone("0901234567")
    zalo = point.with_consent(ContactChannel.SOCIAL)
    assert zalo.allows(ContactChannel.SOCIAL)
    assert not point.allows(ContactChannel.SOCIAL)
    assert not zalo.with_consent(ContactChannel.SOCIAL, given=False).allows(ContactChannel.SOCIAL)


@given(
    st.sampled_from(list(ContactKind)).flatmap(
        lambda kind: st.tuples(st.just(kind), st.sets(st.sampled_from(list(ContactChannel))))
    )
)
def test_consents_are_valid_exactly_when_the_kind_supports_them(
    case: tuple[ContactKind, set[ContactChannel]],
) -> None:
    """Consents must be a subset of SUPPORTED_CHANNELS[kind]."""
    kind, channels = case
    value = {
        ContactKind.PHONE: "0901234567",
        ContactKind.EMAIL: "an@example.vn",
        ContactKind.SOCIAL: "fb.com/an",
    }[kind]
    if channels <= SUPPORTED_CHANNELS[kind]:
        point = ContactPoint(kind=kind, value=value, consents=channels)
        assert all(point.allows(c) for c in channels)
    else:
        with pytest.raises(ValidationError) as info:
            ContactPoint(kind=kind, value=value, consents=channels)
        assert info.value.path == "consents"


# --- provinces --------------------------------------------------------------------------


def test_there_are_34_provinces_now_and_63_before_july_2025() -> None:
    """Resolution 202/2025/QH15: 63 provincial units became 34 (28 provinces, 6 cities)."""
    assert len(PROVINCES) == len(set(PROVINCES)) == 34
    assert len(FORMER_PROVINCES) == 63


def test_every_former_province_maps_to_one_of_the_34() -> None:
    """Each of the 63 pre-2025 units is part of exactly one current unit."""
    assert set(FORMER_PROVINCES.values()) == set(PROVINCES)


def test_every_current_name_maps_to_itself() -> None:
    """A current canonical name normalises to itself and is its own current province."""
    for name in PROVINCES:
        assert normalize_province(name) == name
        assert current_province(name) == name
        assert not is_former_province(name)


def test_eleven_units_were_left_unchanged() -> None:
    """Resolution 60-NQ/TW, list I: 11 units not merged (Hà Nội, Huế and nine provinces)."""
    absorbed: dict[str, list[str]] = {}
    for old, new in FORMER_PROVINCES.items():
        absorbed.setdefault(new, []).append(old)
    unchanged = {new for new, olds in absorbed.items() if len(olds) == 1}
    assert unchanged == {
        "Hà Nội",
        "Huế",
        "Lai Châu",
        "Điện Biên",
        "Sơn La",
        "Lạng Sơn",
        "Quảng Ninh",
        "Thanh Hóa",
        "Nghệ An",
        "Hà Tĩnh",
        "Cao Bằng",
    }


@pytest.mark.parametrize(
    ("former", "current"),
    [
        ("Bình Dương", HCMC),
        ("Bà Rịa - Vũng Tàu", HCMC),
        ("Hà Giang", "Tuyên Quang"),
        ("Quảng Nam", "Đà Nẵng"),
        ("Thừa Thiên Huế", "Huế"),
        ("Yên Bái", "Lào Cai"),
        ("Bắc Kạn", "Thái Nguyên"),
        ("Vĩnh Phúc", "Phú Thọ"),
        ("Hòa Bình", "Phú Thọ"),
        ("Bắc Giang", "Bắc Ninh"),
        ("Thái Bình", "Hưng Yên"),
        ("Hải Dương", "Hải Phòng"),
        ("Nam Định", "Ninh Bình"),
        ("Hà Nam", "Ninh Bình"),
        ("Quảng Bình", "Quảng Trị"),
        ("Kon Tum", "Quảng Ngãi"),
        ("Bình Định", "Gia Lai"),
        ("Ninh Thuận", "Khánh Hòa"),
        ("Đắk Nông", "Lâm Đồng"),
        ("Bình Thuận", "Lâm Đồng"),
        ("Phú Yên", "Đắk Lắk"),
        ("Bình Phước", "Đồng Nai"),
        ("Long An", "Tây Ninh"),
        ("Sóc Trăng", "Cần Thơ"),
        ("Hậu Giang", "Cần Thơ"),
        ("Bến Tre", "Vĩnh Long"),
        ("Trà Vinh", "Vĩnh Long"),
        ("Tiền Giang", "Đồng Tháp"),
        ("Bạc Liêu", "Cà Mau"),
        ("Kiên Giang", "An Giang"),
    ],
)
def test_merged_provinces_belong_to_their_new_unit(former: str, current: str) -> None:
    """Resolution 202/2025/QH15 (list of Resolution 60-NQ/TW): who merged into whom."""
    assert FORMER_PROVINCES[former] == current
    assert current_province(former) == current
    assert is_former_province(former)
    assert normalize_province(former) == former


@pytest.mark.parametrize(
    "spelling",
    [
        "TP. Hồ Chí Minh",
        "TP.HCM",
        "TPHCM",
        "TP HCM",
        "tp.hcm",
        "HCM",
        "HCMC",
        "Thành phố Hồ Chí Minh",
        "T.P. Hồ Chí Minh",
        "Hồ Chí Minh",
        "Ho Chi Minh",
        "Ho Chi Minh City",
        "HO CHI MINH CITY",
        "Sài Gòn",
        "Saigon",
    ],
)
def test_hcmc_spellings_are_one_province(spelling: str) -> None:
    """Every common spelling of Hồ Chí Minh City is the canonical 'TP. Hồ Chí Minh'."""
    assert normalize_province(spelling) == HCMC


@pytest.mark.parametrize(
    "spelling", ["Hà Nội", "Ha Noi", "Hanoi", "HN", "Thành phố Hà Nội", "TP. Hà Nội", "hà nội"]
)
def test_hanoi_spellings_are_one_province(spelling: str) -> None:
    """Hà Nội, with or without prefix, accents or spaces."""
    assert normalize_province(spelling) == "Hà Nội"


def test_hcmc_and_hanoi_are_both_former_and_current_names() -> None:
    """Both kept their names, so they are in both lists and not 'former'."""
    for name in (HCMC, "Hà Nội"):
        assert name in PROVINCES
        assert FORMER_PROVINCES[name] == name
        assert not is_former_province(name)


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("Da Nang", "Đà Nẵng"),
        ("Đà Nẵng", "Đà Nẵng"),
        ("BR-VT", "Bà Rịa - Vũng Tàu"),
        ("Bà Rịa–Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Ba Ria Vung Tau", "Bà Rịa - Vũng Tàu"),
        ("Tỉnh Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Huế", "Huế"),
        ("Thành phố Huế", "Huế"),
        ("Hue", "Huế"),
        ("Thừa Thiên Huế", "Thừa Thiên Huế"),
        ("Thừa Thiên - Huế", "Thừa Thiên Huế"),
        ("Thua Thien Hue", "Thừa Thiên Huế"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("Hoà Bình", "Hòa Bình"),
        ("Dak Lak", "Đắk Lắk"),
        ("Đắc Lắc", "Đắk Lắk"),
        ("tỉnh  quảng   ninh ", "Quảng Ninh"),
        ("CẦN THƠ", "Cần Thơ"),
    ],
)
def test_common_spellings_normalise_to_the_canonical_name(spelling: str, canonical: str) -> None:
    """Case, prefixes, tone-mark placement, missing accents and abbreviations are ignored."""
    assert normalize_province(spelling) == canonical


def test_tone_mark_placement_and_unicode_form_do_not_matter() -> None:
    """Old ('Hoà', 'Thuỷ') and new ('Hòa', 'Thủy') placement, NFC or NFD, fold alike."""
    for name in ("Khánh Hoà", "Khánh Hòa"):
        for form in ("NFC", "NFD"):
            assert normalize_province(unicodedata.normalize(form, name)) == "Khánh Hòa"
    assert _provinces.fold("Thuỷ") == _provinces.fold("Thủy")


@pytest.mark.parametrize("spelling", list(PROVINCES) + list(FORMER_PROVINCES))
def test_accentless_uppercase_spellings_of_every_name_are_recognised(spelling: str) -> None:
    """ASCII, upper-case, prefixed spellings reach the same canonical name."""
    ascii_name = unicodedata.normalize("NFD", spelling.replace("Đ", "D").replace("đ", "d"))
    ascii_name = "".join(ch for ch in ascii_name if not unicodedata.combining(ch))
    assert normalize_province(ascii_name.upper()) == spelling
    assert normalize_province(f"Tỉnh {spelling}") == spelling


@pytest.mark.parametrize("bad", ["", "Atlantis", "TP", "Tỉnh", "Quận 1", "Bình"])
def test_unknown_provinces_are_refused_on_the_province_path(bad: str) -> None:
    """Anything that is not a known province raises ValidationError('province', ...)."""
    with pytest.raises(ValidationError) as info:
        normalize_province(bad)
    assert info.value.path == "province"


def test_a_non_string_province_is_a_validation_error() -> None:
    """normalize_province(None) does not raise TypeError."""
    with pytest.raises(ValidationError) as info:
        normalize_province(None)  # type: ignore[arg-type]
    assert info.value.path == "province"


@settings(max_examples=scaled(300))
@given(st.text(max_size=30))
def test_province_lookup_never_raises_anything_but_validation_error(text: str) -> None:
    """Arbitrary text either resolves to a canonical name or raises ValidationError."""
    try:
        name = normalize_province(text)
    except ValidationError as err:
        path = err.path
    else:
        path = "province"
        assert name in FORMER_PROVINCES or name in PROVINCES
        assert normalize_province(name) == name
    assert path == "province"


@pytest.mark.parametrize(
    "text",
    [
        "Ha Noi\x00",
        "東京 Hà Nội 😀",
        "Hà\u200bNội",
        "Hà Nội\u202e",
        "Hà\nNội",
        "Hà Nội 2",
        "Hà Nội, Việt Nam",
        "HàNộiΩ",
    ],
)
def test_a_province_must_be_the_whole_text_not_a_name_inside_it(text: str) -> None:
    """Control and format characters, other scripts, emoji or extra words make it unknown."""
    with pytest.raises(ValidationError, match="unknown Vietnamese province") as info:
        Address(text)
    assert info.value.path == "province"


@given(
    st.sampled_from(list(PROVINCES) + list(FORMER_PROVINCES)),
    st.lists(st.sampled_from([" ", "\t", "\u00a0", "\u3000"]), min_size=1, max_size=3),
)
def test_a_province_may_be_padded_with_any_kind_of_space(name: str, spaces: list[str]) -> None:
    """Spacing is harmless: any width of space, or a tab, around or inside the name."""
    pad = "".join(spaces)
    assert normalize_province(pad + name.replace(" ", pad) + pad) == name


@pytest.mark.parametrize("size", [101, 10_000, 1_000_000])
def test_absurdly_long_province_text_is_refused_by_its_length(size: int) -> None:
    """No province name is longer than 100 characters; longer text is refused unread."""
    with pytest.raises(ValidationError, match="longer than 100 characters") as info:
        normalize_province("Hà Nội" + " " * (size - 6))
    assert info.value.path == "province"


def test_huge_refused_inputs_leave_no_memory_behind() -> None:
    """Retained memory stays bounded whatever was refused (a cache keyed by 1 MB texts).

    Measured with tracemalloc as what stays allocated after the inputs are gone, not as
    time: each input is a distinct megabyte of text, refused as a province (Vietnamese
    and foreign), a name, a ward and a street, a phone, an e-mail and a social handle.
    """
    import gc
    import tracemalloc

    builders = (
        lambda text: Address(text),
        lambda text: Address(text, country="TH"),
        lambda text: Address("Hà Nội", ward=text, street=text),
        lambda text: Person(text),
        lambda text: Organization(text),
        lambda text: ContactPoint.phone(text),
        lambda text: ContactPoint.email(text),
        lambda text: ContactPoint(ContactKind.SOCIAL, text),
    )
    tracemalloc.start()
    try:
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for i in range(24):
            for build in builders:
                with pytest.raises(ValidationError) as info:
                    build(f"{i:02d} " + "Ha Noi " * 150_000)
                assert "105000" in info.value.reason  # refused by its length
        del info
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert retained < 256 * 1024, retained


# --- addresses --------------------------------------------------------------------------


def test_a_vietnamese_address_normalises_its_province() -> None:
    """The province is canonicalised; the country code is upper-cased."""
    address = Address(province="tp.hcm", ward="Phường Bến Thành", country="vn")
    assert address.province == HCMC
    assert address.country == "VN"
    assert not address.is_pre_2025
    assert Address(province=address.province, ward=address.ward) == address


def test_an_old_style_address_keeps_its_former_province_and_district() -> None:
    """The address is what the customer wrote; current_province says where it is now."""
    address = Address(province="Binh Duong", district="TP. Thủ Dầu Một", ward="Phú Cường")
    assert address.province == "Bình Dương"
    assert address.current_province == HCMC
    assert address.is_pre_2025


def test_a_district_alone_makes_an_address_pre_2025() -> None:
    """Districts were abolished on 1 July 2025 (two-tier local government)."""
    assert Address(province="Hà Nội", district="Quận Ba Đình").is_pre_2025
    assert not Address(province="Hà Nội", ward="Phường Ba Đình").is_pre_2025


def test_a_foreign_address_keeps_its_province_as_written() -> None:
    """Outside Vietnam the province is free text (non-empty)."""
    address = Address(province="  California ", country="us")
    assert (address.province, address.country) == ("California", "US")
    assert address.current_province == "California"
    assert not address.is_pre_2025


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"province": "Atlantis"}, "province"),
        ({"province": 79}, "province"),
        ({"province": " ", "country": "US"}, "province"),
        ({"province": "Hà Nội", "country": "VNM"}, "country"),
        ({"province": "Hà Nội", "country": "V1"}, "country"),
        ({"province": "Hà Nội", "country": None}, "country"),
        ({"province": "Hà Nội", "district": "  "}, "district"),
        ({"province": "Hà Nội", "district": 1}, "district"),
        ({"province": "Hà Nội", "ward": None}, "ward"),
        ({"province": "Hà Nội", "street": 12}, "street"),
    ],
)
def test_invalid_addresses_name_the_bad_field(fields: dict[str, object], path: str) -> None:
    """Bad or wrong-typed address fields raise ValidationError at that field."""
    with pytest.raises(ValidationError) as info:
        Address(**fields)  # type: ignore[arg-type]
    assert info.value.path == path


@given(st.sampled_from(list(PROVINCES) + list(FORMER_PROVINCES)), st.booleans())
def test_building_an_address_again_gives_an_equal_object(province: str, district: bool) -> None:
    """Address construction is idempotent."""
    address = Address(province=province.upper(), district="Quận 1" if district else None)
    assert attrs.evolve(address) == address


# --- people -----------------------------------------------------------------------------


def test_a_persons_name_is_trimmed_collapsed_and_nfc() -> None:
    """'  Nguyễn   Văn  An ' in NFD becomes 'Nguyễn Văn An' in NFC."""
    person = Person(full_name=unicodedata.normalize("NFD", "  Nguyễn   Văn\tAn "))
    assert person.full_name == "Nguyễn Văn An"
    assert unicodedata.is_normalized("NFC", person.full_name)


def test_vietnamese_names_put_the_family_name_first() -> None:
    """'Nguyễn Văn An': family name Nguyễn, given name An."""
    person = Person(full_name="Nguyễn Văn An")
    assert (person.family_name, person.given_name) == ("Nguyễn", "An")
    assert Person(full_name="Mai").given_name == Person(full_name="Mai").family_name == "Mai"


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"full_name": 123}, "full_name"),
        ({"full_name": "   "}, "full_name"),
        ({"full_name": "A" * 201}, "full_name"),
        ({"full_name": "An", "gender": "male"}, "gender"),
        ({"full_name": "An", "birth_date": "1990-01-01"}, "birth_date"),
        ({"full_name": "An", "birth_date": datetime.datetime(1990, 1, 1)}, "birth_date"),
        ({"full_name": "An", "contacts": 5}, "contacts"),
        ({"full_name": "An", "contacts": ["0901234567"]}, "contacts[0]"),
        ({"full_name": "An", "address": "Hà Nội"}, "address"),
    ],
)
def test_invalid_people_name_the_bad_field(fields: dict[str, object], path: str) -> None:
    """Wrong types and bad values raise ValidationError (never TypeError) at the field."""
    with pytest.raises(ValidationError) as info:
        Person(**fields)  # type: ignore[arg-type]
    assert info.value.path == path


def test_a_name_of_200_characters_is_accepted() -> None:
    """200 is the limit, inclusive."""
    assert len(Person(full_name="A" * 200).full_name) == 200


def test_a_person_whose_second_contact_is_bad_reports_its_path() -> None:
    """A duplicate second contact is reported at 'contacts[1].value'."""
    phone = ContactPoint.phone("0901234567")
    with pytest.raises(ValidationError) as info:
        Person(full_name="Nguyễn Văn An", contacts=[phone, ContactPoint.phone("+84 90 123 4567")])
    assert info.value.path == "contacts[1].value"


def test_a_person_has_at_most_one_primary_contact_per_kind() -> None:
    """Two primary phones are refused at the second one."""
    first = ContactPoint.phone("0901234567", primary=True)
    second = ContactPoint.phone("0911234567", primary=True)
    with pytest.raises(ValidationError) as info:
        Person(full_name="An", contacts=(first, second))
    assert info.value.path == "contacts[1].primary"


def test_contacts_accept_any_iterable_and_become_a_tuple() -> None:
    """A generator of contact points is stored as a tuple."""
    person = Person(full_name="An", contacts=(c for c in [ContactPoint.email("an@example.vn")]))
    assert isinstance(person.contacts, tuple)
    assert len(person.contacts) == 1


def test_contact_prefers_the_primary_then_the_first() -> None:
    """contact(kind): the primary of that kind, else the first of that kind, else None."""
    work = ContactPoint.phone("0901234567", label="work")
    home = ContactPoint.phone("0911234567", label="home", primary=True)
    mail = ContactPoint.email("an@example.vn")
    person = Person(full_name="An", contacts=[work, mail, home])
    assert person.contact(ContactKind.PHONE) == home
    assert person.contact(ContactKind.EMAIL) == mail
    assert person.contact(ContactKind.SOCIAL) is None
    assert Person(full_name="An", contacts=[work, mail]).contact(ContactKind.PHONE) == work


def test_age_counts_whole_years() -> None:
    """The age goes up on the birthday, not before."""
    person = Person(full_name="An", birth_date=datetime.date(1990, 5, 17))
    assert person.age(as_of=datetime.date(2025, 5, 16)) == 34
    assert person.age(as_of=datetime.date(2025, 5, 17)) == 35
    assert person.age(as_of=datetime.date(1990, 5, 17)) == 0


def test_someone_born_on_29_february_ages_on_1_march_in_common_years() -> None:
    """Documented rule: in a non-leap year the 29 February birthday counts as 1 March."""
    person = Person(full_name="Trần Thị Mai", birth_date=datetime.date(2004, 2, 29))
    assert person.age(as_of=datetime.date(2025, 2, 28)) == 20
    assert person.age(as_of=datetime.date(2025, 3, 1)) == 21
    assert person.age(as_of=datetime.date(2028, 2, 28)) == 23
    assert person.age(as_of=datetime.date(2028, 2, 29)) == 24


def test_age_is_unknown_without_a_birth_date() -> None:
    """age returns None when the birth date is not known."""
    assert Person(full_name="An").age(as_of=datetime.date(2025, 1, 1)) is None


def test_age_before_birth_or_on_a_datetime_is_refused() -> None:
    """A date before birth, or a datetime, raises ValidationError at 'as_of'."""
    person = Person(full_name="An", birth_date=datetime.date(1990, 5, 17))
    with pytest.raises(ValidationError) as info:
        person.age(as_of=datetime.date(1990, 5, 16))
    assert info.value.path == "as_of"
    with pytest.raises(ValidationError) as info:
        person.age(as_of=datetime.datetime(2025, 1, 1))
    assert info.value.path == "as_of"


@given(
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2030, 12, 31)),
    st.integers(min_value=0, max_value=40000),
)
def test_age_never_decreases_and_matches_the_year_difference(
    born: datetime.date, days: int
) -> None:
    """age is monotone and within one year of the year difference."""
    person = Person(full_name="An", birth_date=born)
    on = born + datetime.timedelta(days=days)
    age = person.age(as_of=on)
    assert age is not None
    assert on.year - born.year - 1 <= age <= on.year - born.year
    assert person.age(as_of=on + datetime.timedelta(days=1)) >= age  # type: ignore[operator]


def test_building_a_person_again_gives_an_equal_object() -> None:
    """Construction from normalised values is idempotent."""
    person = Person(
        full_name=" Nguyễn  Văn An ",
        gender=Gender.MALE,
        birth_date=datetime.date(1990, 5, 17),
        contacts=[ContactPoint.phone("0901 234 567", consents=[ContactChannel.SMS])],
        address=Address(province="HCMC", ward="Bến Thành"),
    )
    assert attrs.evolve(person) == person
    assert hash(attrs.evolve(person)) == hash(person)


# --- organisations ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "stored", "branch"),
    [
        ("0101234565", "0101234565", False),
        ("  0101234565 ", "0101234565", False),
        ("0101234565-001", "0101234565-001", True),
        ("0301234562", "0301234562", False),
    ],
)
def test_tax_codes_have_ten_or_thirteen_digits(code: str, stored: str, branch: bool) -> None:
    """Mã số thuế: 10 digits, or 10-3 for a branch (dependent unit)."""
    org = Organization(legal_name="Công ty TNHH Ánh Dương", tax_code=code)
    assert org.tax_code == stored
    assert org.is_branch_tax_code is branch
    assert not org.is_personal_tax_code


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "010123456",
        "01012345678",
        "0101234565001",
        "0101234565-01",
        "0101234565 -001",
        "0101 234 565",
        "010123456A",
        "٠١٠١٢٣٤٥٦٥",
        1012345678,
        "0101234567",  # wrong check digit
        "0101234567-001",
        "0100000000",  # sequence number 0000000
        "0101234565-000",  # a branch is numbered from 001
        "003090123456",  # 003 is no province code
        "0010901234567",
    ],
)
def test_malformed_tax_codes_are_refused(bad: object) -> None:
    """Anything but 10 digits with their check digit, 10-3, or a 12-digit id raises."""
    with pytest.raises(ValidationError) as info:
        Organization(legal_name="Ánh Dương", tax_code=bad)  # type: ignore[arg-type]
    assert info.value.path == "tax_code"


def test_a_wrong_check_digit_names_the_right_one() -> None:
    """The message says which last digit the first nine call for."""
    with pytest.raises(ValidationError, match="its last digit should be 5"):
        normalize_tax_code("0101234567")


@given(st.from_regex(r"[0-9]{10}(-[0-9]{3})?", fullmatch=True))
def test_the_tax_code_check_agrees_with_python_stdnum(code: str) -> None:
    """10 and 10-3 digit codes: valid here exactly when stdnum.vn.mst says so."""
    from stdnum.vn import mst

    try:
        normalize_tax_code(code)
    except ValidationError:
        ours = False
    else:
        ours = True
    assert ours is mst.is_valid(code)


@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_the_check_digit_is_the_one_stdnum_computes(nine: str) -> None:
    """Every nine digits: the same check digit as stdnum, or none when no digit fits."""
    from stdnum.vn import mst

    expected = mst.calc_check_digit(nine)
    assert tax_code_check_digit(nine) == (expected if len(expected) == 1 else None)


def test_a_household_business_may_give_its_12_digit_personal_number() -> None:
    """From 1 July 2025 an individual's or household business's tax code is its CCCD number."""
    shop = Organization(legal_name="Hộ kinh doanh Tạp hóa Lan", tax_code=" 079190012345 ")
    assert shop.tax_code == "079190012345"
    assert shop.is_personal_tax_code
    assert not shop.is_branch_tax_code
    for party_type in (PartyType.GOVERNMENT, PartyType.NONPROFIT):
        with pytest.raises(ValidationError, match="household business") as info:
            Organization(legal_name="Sở Tài chính", party_type=party_type, tax_code="079190012345")
        assert info.value.path == "tax_code"


def test_an_organisation_cannot_be_an_individual() -> None:
    """PartyType.INDIVIDUAL belongs to Person."""
    with pytest.raises(ValidationError) as info:
        Organization(legal_name="Ánh Dương", party_type=PartyType.INDIVIDUAL)
    assert info.value.path == "party_type"


@pytest.mark.parametrize("party_type", [pt for pt in PartyType if pt.is_organization])
@pytest.mark.parametrize("category", [*BusinessCategory, None])
def test_the_category_must_fit_the_party_type(
    party_type: PartyType, category: BusinessCategory | None
) -> None:
    """Seed 004: government category iff government party, non-profit iff non-profit."""
    reserved = {
        BusinessCategory.GOVERNMENT: PartyType.GOVERNMENT,
        BusinessCategory.NONPROFIT: PartyType.NONPROFIT,
    }
    fits = (
        category is None
        or reserved.get(category) is party_type
        or (category not in reserved and party_type not in reserved.values())
    )
    if fits:
        org = Organization(legal_name="Đơn vị", party_type=party_type, category=category)
        assert org.category is category
    else:
        with pytest.raises(ValidationError) as info:
            Organization(legal_name="Đơn vị", party_type=party_type, category=category)
        assert info.value.path == "category"


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"legal_name": None}, "legal_name"),
        ({"legal_name": ""}, "legal_name"),
        ({"legal_name": "X", "party_type": "business"}, "party_type"),
        ({"legal_name": "X", "category": "manufacturer"}, "category"),
        ({"legal_name": "X", "internal_unit": "branch"}, "internal_unit"),
        ({"legal_name": "X", "address": {"province": "Hà Nội"}}, "address"),
        ({"legal_name": "X", "contacts": [None]}, "contacts[0]"),
    ],
)
def test_invalid_organisations_name_the_bad_field(fields: dict[str, object], path: str) -> None:
    """Wrong-typed organisation fields raise ValidationError at the field."""
    with pytest.raises(ValidationError) as info:
        Organization(**fields)  # type: ignore[arg-type]
    assert info.value.path == path


def test_an_internal_branch_is_an_organisation_with_a_branch_tax_code() -> None:
    """Seed 000 §2.2: branches are internal customers; their tax code is 10-3 digits."""
    branch = Organization(
        legal_name="Chi nhánh Đà Nẵng",
        tax_code="0101234565-002",
        internal_unit=InternalUnit.BRANCH,
        contacts=[ContactPoint.email("dn@anhduong.vn", primary=True)],
        address=Address(province="Quảng Nam", district="Hội An"),
    )
    assert branch.is_branch_tax_code
    assert branch.contact(ContactKind.EMAIL) is not None
    assert branch.address is not None
    assert branch.address.current_province == "Đà Nẵng"
    assert attrs.evolve(branch) == branch


def test_a_party_is_a_person_or_an_organisation() -> None:
    """Party is the union type of the two."""
    parties: list[Party] = [Person(full_name="An"), Organization(legal_name="Ánh Dương")]
    assert all(isinstance(p, (Person, Organization)) for p in parties)


def test_parties_are_frozen() -> None:
    """Models are immutable; use attrs.evolve."""
    person = Person(full_name="An")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        person.full_name = "Bình"  # type: ignore[misc]


def test_a_mapping_of_consents_is_refused_not_read_for_its_keys() -> None:
    """{SMS: False} must never become consent to SMS."""
    with pytest.raises(ValidationError) as info:
        ContactPoint.phone("0901234567", consents={ContactChannel.SMS: False})
    assert info.value.path == "consents"
    with pytest.raises(ValidationError) as info:
        Person("Lê An", contacts={"a": ContactPoint.email("a@b.vn")})  # type: ignore[dict-item]
    assert info.value.path == "contacts"


@pytest.mark.parametrize(
    "bad", ["12", "abcdefghi", None, "0101234567890", "０１０１２３４５６", "01012345\n", 10123456]
)
def test_the_check_digit_of_anything_but_nine_ascii_digits_is_a_validation_error(
    bad: object,
) -> None:
    """Short, long, letters, full-width digits or not a string: the argument is named."""
    with pytest.raises(ValidationError) as info:
        tax_code_check_digit(bad)  # type: ignore[arg-type]
    assert info.value.path == "first_nine"
