"""Converter hooks for :mod:`khachhang.buying`, installed by :mod:`khachhang.serde`.

:func:`configure` installs the package's hooks on the library's converter;
:data:`PAYLOADS` lists the package's event payloads with their tags.
Every buying model is a plain attrs class the converter handles without extra hooks; a
:class:`~khachhang.buying.BuyingProcess` is rebuilt by its constructor, which replays
its events and refuses fields that disagree with them.
"""

from __future__ import annotations

import cattrs

from khachhang.buying.center import Participant
from khachhang.buying.data import (
    Abandonment,
    Candidates,
    InfluenceNote,
    Opening,
    Order,
    Proposal,
    Review,
    Selection,
)
from khachhang.fsm import Payload

PAYLOADS: tuple[tuple[type[Payload], str], ...] = (
    (Opening, "buying_opening"),
    (Candidates, "buying_candidates"),
    (Proposal, "buying_proposal"),
    (Selection, "buying_selection"),
    (Order, "buying_order"),
    (Review, "buying_review"),
    (InfluenceNote, "buying_influence"),
    (Participant, "buying_participant"),
    (Abandonment, "buying_abandonment"),
)
"""Event payload classes of this package and the tag each is written with."""


def configure(conv: cattrs.Converter) -> None:
    """Register this package's structure and unstructure hooks on ``conv`` (none needed)."""
