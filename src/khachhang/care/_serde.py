"""Converter hooks for :mod:`khachhang.care`, installed by :mod:`khachhang.serde`.

:func:`configure` is called once for each of the library's converters (the detailed one
and the fast one); :data:`PAYLOADS` lists the package's event payloads with their tags.
The service side (complaints, feedback, loyalty, internal care) keeps its own hooks in
:mod:`khachhang.care._serde_service`.
"""

from __future__ import annotations

import cattrs

from khachhang.care import _serde_service
from khachhang.fsm import Payload

PAYLOADS: tuple[tuple[type[Payload], str], ...] = (*_serde_service.PAYLOADS,)
"""Event payload classes of this package and the tag each is written with."""


def configure(conv: cattrs.Converter) -> None:
    """Register this package's structure and unstructure hooks on ``conv``."""
    _serde_service.configure(conv)
