"""The fields whose changes :mod:`khachhang.master.history` keeps."""

from __future__ import annotations

from khachhang.labels import BilingualEnum

__all__ = ["HistoryField"]


class HistoryField(BilingualEnum):
    """A field whose changes are kept."""

    ROLES = ("roles", "Vai trò", "Roles")
    TAGS = ("tags", "Nhãn", "Tags")
    ADDRESS = ("address", "Địa chỉ", "Address")
    OWNER = ("owner", "Người phụ trách", "Owner")
    CONTACT = ("contact", "Người liên hệ", "Contact")
