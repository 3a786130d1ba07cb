"""Vietnamese words for made-up customers: one list of each kind, shared by the sample
book (:mod:`khachhang.sample`) and the Hypothesis strategies (:mod:`khachhang.testing`).

Pure data: the sample book draws from these lists by position with its seeded
``random.Random``, so a list's order and length are part of every sample book (its tests
pin the book); the strategies draw with Hypothesis. Every string is NFC, as the models
store it.
"""

from __future__ import annotations

from collections.abc import Mapping

from khachhang.parties import Gender

# --- names -----------------------------------------------------------------------------
FAMILY_NAME_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 3), ("Huỳnh", 2.1),
    ("Phan", 4.5), ("Vũ", 2.5), ("Võ", 1.5), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4),
    ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.8), ("Trương", 0.8),
    ("Mai", 0.5), ("Lâm", 0.4), ("Tạ", 0.3), ("Cao", 0.4), ("Châu", 0.2), ("Lương", 0.3),
)  # fmt: skip
"""Common Vietnamese family names (họ) with their share of the population, in percent."""
FAMILY_NAMES = tuple(name for name, _ in FAMILY_NAME_WEIGHTS)
"""The family names alone, the most frequent first."""
MIDDLE_NAMES: Mapping[Gender, tuple[str, ...]] = {
    Gender.MALE: ("Văn", "Đức", "Minh", "Quốc", "Hữu", "Công", "Thành", "Gia", "Anh", "Đình"),
    Gender.FEMALE: ("Thị", "Ngọc", "Thu", "Thanh", "Phương", "Minh", "Bảo", "Kim", "Hồng", "Mỹ"),
}
"""Middle names (tên đệm) by gender."""
GIVEN_NAMES: Mapping[Gender, tuple[str, ...]] = {
    Gender.MALE: (
        "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Huy", "Khang", "Khoa",
        "Long", "Minh", "Nam", "Phong", "Phúc", "Quân", "Sơn", "Thắng", "Trung", "Tuấn",
        "Việt", "Vinh", "Hoàng", "Kiên", "Lộc", "Tài", "Thịnh", "Toàn", "Bảo",
    ),
    Gender.FEMALE: (
        "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh",
        "Mai", "My", "Ngân", "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Trang", "Vy",
        "Yến", "Ngọc", "Thư", "Diệp", "Hiền", "Nhi", "Trâm", "Uyên",
    ),
}  # fmt: skip
"""Given names (tên) by gender; every one a single word."""

# --- organizations ---------------------------------------------------------------------
BRANDS: tuple[str, ...] = (
    "Ánh Dương", "Minh Phát", "Thành Công", "Tân Tiến", "Hưng Thịnh", "Phú Gia", "Đại Việt",
    "Sao Mai", "Bình Minh", "Hoàng Long", "An Khang", "Trường Sơn", "Kim Ngân", "Phương Đông",
    "Việt Tiến", "Hòa Bình", "Nam Á", "Thái Sơn", "Lộc Phát", "Quang Minh", "Hồng Hà",
    "Cửu Long", "Sông Hàn", "Tây Nguyên", "Bảo Tín", "Thiên Phúc", "Đông Á", "Hải Âu",
)  # fmt: skip
"""Brand names (tên riêng) of businesses and schools."""
BUSINESS_FORMS = ("Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Doanh nghiệp tư nhân")
"""Legal forms of a business, as its name begins."""
DEPARTMENTS = (
    "Phòng Kế toán", "Phòng Nhân sự", "Phòng Kinh doanh", "Phòng Marketing",
    "Phòng Công nghệ thông tin", "Phòng Chăm sóc khách hàng", "Phòng Mua hàng",
    "Phòng Pháp chế", "Phòng Hành chính", "Phòng Kho vận", "Phòng Kiểm soát chất lượng",
    "Phòng Nghiên cứu và Phát triển",
)  # fmt: skip
"""Departments (phòng ban) of a company: internal customers."""

# --- places ----------------------------------------------------------------------------
FORMER_DISTRICTS: Mapping[str, tuple[str, ...]] = {
    "Hà Nội": (
        "Quận Ba Đình", "Quận Hoàn Kiếm", "Quận Đống Đa", "Quận Cầu Giấy", "Quận Hai Bà Trưng",
        "Quận Thanh Xuân", "Quận Long Biên", "Quận Hà Đông", "Huyện Đông Anh",
    ),
    "TP. Hồ Chí Minh": (
        "Quận 1", "Quận 3", "Quận 7", "Quận 10", "Quận Bình Thạnh", "Quận Phú Nhuận",
        "Quận Tân Bình", "Quận Gò Vấp", "TP. Thủ Đức", "Huyện Củ Chi",
    ),
    "Bình Dương": ("TP. Thủ Dầu Một", "TP. Dĩ An", "TP. Thuận An"),
    "Bà Rịa - Vũng Tàu": ("TP. Vũng Tàu", "TP. Bà Rịa"),
    "Hải Phòng": ("Quận Lê Chân", "Quận Ngô Quyền", "Quận Hồng Bàng"),
    "Hải Dương": ("TP. Hải Dương", "TP. Chí Linh"),
    "Đà Nẵng": ("Quận Hải Châu", "Quận Thanh Khê", "Quận Sơn Trà"),
    "Quảng Nam": ("TP. Hội An", "TP. Tam Kỳ"),
    "Cần Thơ": ("Quận Ninh Kiều", "Quận Cái Răng"),
    "Bắc Giang": ("TP. Bắc Giang",),
    "Vĩnh Phúc": ("TP. Vĩnh Yên", "TP. Phúc Yên"),
    "Đồng Nai": ("TP. Biên Hòa", "TP. Long Khánh"),
    "Long An": ("TP. Tân An",),
    "Khánh Hòa": ("TP. Nha Trang", "TP. Cam Ranh"),
    "Nam Định": ("TP. Nam Định",),
    "Thừa Thiên Huế": ("TP. Huế",),
    "Quảng Ninh": ("TP. Hạ Long", "TP. Cẩm Phả"),
    "Nghệ An": ("TP. Vinh",),
}  # fmt: skip
"""Some districts of pre-July-2025 provinces (the level abolished in 2025)."""
CURRENT_WARDS: Mapping[str, tuple[str, ...]] = {
    "Hà Nội": (
        "Phường Ba Đình", "Phường Hoàn Kiếm", "Phường Cầu Giấy", "Phường Đống Đa",
        "Phường Hai Bà Trưng", "Phường Thanh Xuân", "Phường Long Biên", "Phường Hà Đông",
        "Xã Sóc Sơn",
    ),
    "TP. Hồ Chí Minh": (
        "Phường Sài Gòn", "Phường Bến Thành", "Phường Tân Định", "Phường Bình Thạnh",
        "Phường Gia Định", "Phường Tân Sơn Nhất", "Phường Thủ Dầu Một", "Phường Vũng Tàu",
        "Phường Dĩ An", "Xã Củ Chi",
    ),
}  # fmt: skip
"""Some wards of current provinces, after the 2025 merger."""
WARDS = (
    "Phường Hòa Bình", "Phường An Phú", "Xã Tân Phú", "Xã Phú Lợi", "Phường Quang Trung",
    "Xã Hòa Thành", "Phường Trần Phú", "Xã Tân Lập", "Phường Bình Minh", "Xã Thanh Sơn",
)  # fmt: skip
"""Ward and commune names found in many provinces."""
STREETS = (
    "Lê Lợi", "Nguyễn Huệ", "Trần Hưng Đạo", "Hai Bà Trưng", "Lý Thường Kiệt", "Nguyễn Trãi",
    "Quang Trung", "Hùng Vương", "Lê Duẩn", "Điện Biên Phủ", "Phan Chu Trinh",
    "Nguyễn Văn Linh", "Võ Văn Kiệt", "Trần Phú", "Hoàng Văn Thụ", "Cách Mạng Tháng Tám",
)  # fmt: skip
"""Street names found in most cities."""

# --- contact ---------------------------------------------------------------------------
MOBILE_PREFIXES = (
    # Viettel 086, 096-098, 032-039; MobiFone 090, 093, 070, 076-079; VinaPhone 088, 091,
    # 094, 081-085; Vietnamobile 092, 056, 058; Gmobile 059; iTel 087. Every 7-digit
    # subscriber number after these is a valid mobile in phonenumbers' metadata (089 and
    # 099 are only partly allocated there, so they are left out).
    "090", "091", "093", "094", "096", "097", "098", "086", "088", "032", "033",
    "034", "035", "036", "037", "038", "039", "070", "076", "077", "078", "079", "081",
    "082", "083", "084", "085", "056", "058",
    "092", "059", "087",
)  # fmt: skip
"""Vietnamese mobile prefixes (national format, with the trunk 0)."""

SAMPLE_MOBILE_PREFIXES = MOBILE_PREFIXES[: MOBILE_PREFIXES.index("092")]
"""The prefixes the sample book draws from: all but the last three, which came to this
list after the book was first made. Drawing from all of them would change every later draw
of every seeded book (and the figures the docs show), for no gain."""
LANDLINE_AREA_CODES: Mapping[str, str] = {"Hà Nội": "024", "TP. Hồ Chí Minh": "028"}
"""Landline area codes of the two largest cities."""
