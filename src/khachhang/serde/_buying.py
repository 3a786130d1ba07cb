"""The event payloads of :mod:`khachhang.buying` and their tags.

Every buying model is a plain attrs class the converter handles without extra hooks; a
:class:`~khachhang.buying.BuyingProcess` is rebuilt by its constructor, which replays
its events and refuses fields that disagree with them.
"""

from __future__ import annotations

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
