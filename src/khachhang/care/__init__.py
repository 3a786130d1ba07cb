"""Care workflows: pre- and post-sale care, touchpoints, complaints, feedback (work in progress)."""

from __future__ import annotations

__all__: list[str] = []
