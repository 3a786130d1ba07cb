"""Converter hooks for :mod:`khachhang.buying`, installed by :mod:`khachhang.serde`.

:func:`configure` is called once for each of the library's converters (the detailed one
and the fast one); :data:`PAYLOADS` lists the package's event payloads with their tags.
"""

from __future__ import annotations

import cattrs

from khachhang.fsm import Payload

PAYLOADS: tuple[tuple[type[Payload], str], ...] = ()
"""Event payload classes of this package and the tag each is written with."""


def configure(conv: cattrs.Converter) -> None:
    """Register this package's structure and unstructure hooks on ``conv``."""
