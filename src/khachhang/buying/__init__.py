"""The 8-stage B2B buying process (Kotler) as an immutable, audited state machine.

>>> from datetime import datetime, timezone
>>> from khachhang.buying import BuyingProcess, BuyClass, Stage
>>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
>>> p = BuyingProcess.start(id="b-1", buyer="c-7", buy_class=BuyClass.STRAIGHT_REBUY, at=t,
...                         incumbent="sup-1")
>>> p.stage.label("vi"), p.requirement().label("en")
('Ý thức được nhu cầu', 'No')

See ``docs/buying.md`` for the stages, the buygrid, the moves and how to store events.
"""

from __future__ import annotations

from khachhang.buying.center import BuyingCenter, BuyingRole, Participant
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
from khachhang.buying.process import BUYING, BuyingProcess, StageData, Visit, to_mermaid
from khachhang.buying.stages import (
    BUYGRID,
    BuyClass,
    Buygrid,
    Influence,
    LossReason,
    Outcome,
    Requirement,
    Stage,
    Status,
)

__all__ = [
    "BUYGRID",
    "BUYING",
    "Abandonment",
    "BuyClass",
    "Buygrid",
    "BuyingCenter",
    "BuyingProcess",
    "BuyingRole",
    "Candidates",
    "Influence",
    "InfluenceNote",
    "LossReason",
    "Opening",
    "Order",
    "Outcome",
    "Participant",
    "Proposal",
    "Requirement",
    "Review",
    "Selection",
    "Stage",
    "StageData",
    "Status",
    "Visit",
    "to_mermaid",
]
