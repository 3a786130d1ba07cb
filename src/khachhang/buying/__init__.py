"""The 8-stage B2B buying process as a state machine (work in progress)."""

from __future__ import annotations

__all__: list[str] = []
