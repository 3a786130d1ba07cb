"""Segmentation: rules as data, evaluated in memory, in Polars and in SQL (work in progress)."""

from __future__ import annotations

__all__: list[str] = []
