"""``segment --engine polars``: segment a JSON-lines export without building customers.

The lines are read by Polars with the stored-customer schema and turned into the
segmentation frame by expressions (``khachhang.segmentation.backends.columnar``); the
segmenter runs as Polars expressions on it. The output is the object engine's, line for
line. It trusts its input — an export khachhang wrote — and does not re-validate
customers; the object engine does.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from khachhang.cli._base import PROG, CommandError, Context, json_dumper, write
from khachhang.segmentation.segments import AssignMode, Segmenter

EXIT_OK = 0
EXIT_BAD_DATA = 1


def _input_bytes(stdin: Any) -> bytes:
    """All of stdin as bytes (tests hand in text streams)."""
    buffer = getattr(stdin, "buffer", None)
    data = buffer.read() if buffer is not None else stdin.read()
    return data if isinstance(data, bytes) else str(data).encode()


def segment_columnar(segmenter: Segmenter, *, as_of: datetime, ctx: Context, quiet: bool) -> int:
    """Write ``{"id": ..., "segments": [...]}`` per input line, in input order."""
    try:
        import polars as pl

        from khachhang.segmentation.backends.columnar import (
            CUSTOMER_JSON_SCHEMA,
            snapshot_from_json,
        )
    except ImportError:
        msg = f"{PROG}: segment: --engine polars needs Polars: pip install 'khachhang[polars]'"
        raise CommandError([msg]) from None
    data = _input_bytes(ctx.stdin)
    if not data.strip():
        raw = pl.DataFrame(schema=CUSTOMER_JSON_SCHEMA)
    else:
        try:
            raw = pl.read_ndjson(io.BytesIO(data), schema=CUSTOMER_JSON_SCHEMA)
        except (pl.exceptions.PolarsError, ValueError) as err:
            reason = str(err).splitlines()[0][:300]
            lines = [
                f"{PROG}: segment: the input is not JSON lines of customers ({reason});",
                f"{PROG}: segment: --engine objects reads it line by line and names the bad line",
            ]
            raise CommandError(lines, EXIT_BAD_DATA) from None
    frame = snapshot_from_json(raw, as_of=as_of).collect()
    assigned = frame.select("id", segmenter.to_polars(as_of=as_of))
    tally = segmenter.currency_tally(as_of=as_of)
    tally.add_counts(
        {
            name: dict(frame.get_column(f"{name}_currency").drop_nulls().value_counts().rows())
            for name in tally.fields
        }
    )
    dump = json_dumper(ctx.stdout)
    first = segmenter.mode is AssignMode.FIRST
    out = ctx.stdout
    for cid, keys in assigned.iter_rows():
        segments = ([keys] if keys is not None else []) if first else list(keys or [])
        out.write(dump({"id": cid, "segments": segments}) + "\n")
    for gap in tally.gaps():
        write(ctx.stderr, f"{PROG}: segment: warning: {gap.to_text('en')}")
    if not quiet:
        done = f"{frame.height:,} customers read, {frame.height:,} written (engine polars)"
        write(
            ctx.stderr,
            f"{PROG}: segment: {done}; as of {as_of.isoformat()}, mode {segmenter.mode.value}",
        )
    return EXIT_OK
