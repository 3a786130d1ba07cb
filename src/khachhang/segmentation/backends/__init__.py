"""Push a rule or a segmenter down to a data engine: Polars expressions, SQL text.

* :mod:`~khachhang.segmentation.backends.polars_backend` (``khachhang[polars]``):
  ``rule_to_polars``, ``segmenter_to_polars``, ``customers_to_frame``;
* :mod:`~khachhang.segmentation.backends.sql_backend` (``khachhang[sql]``):
  ``rule_to_sql``, ``segmenter_to_sql``;
* :mod:`~khachhang.segmentation.backends.columns`: what both share (column names, the
  ``within`` window), free of the optional engines.

Nothing here is imported by ``import khachhang.segmentation``: each engine loads on first
use (``rule.to_polars(...)``, ``segmenter.to_sql(...)``), so the core needs neither extra.
"""

from __future__ import annotations

__all__: list[str] = []
